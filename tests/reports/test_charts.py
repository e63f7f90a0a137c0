"""The SVG charts: well-formed, accessible, and drawn to scale."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal as D

import pytest

from relance.core.forecast import CashForecast, WeekForecast
from relance.core.reporting import AgedBalance, AgedRow
from relance.reports import charts

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def heights(root: ET.Element) -> list[D]:
    return [D(r.get("height")) for r in root.iter(f"{NS}rect")]


@pytest.mark.parametrize(("value", "ceiling"), [
    (D("1234"), D("2000")), (D("2500"), D("4000")), (D("4001"), D("6000")),
    (D("0.3"), D("0.4")), (D("99"), D("100")), (D("800"), D("800")), (D(0), D(1))])
def test_nice_ceiling(value, ceiling):
    assert charts.nice_ceiling(value) == ceiling


def test_bar_chart_is_accessible_and_to_scale():
    root = parse(charts.bar_chart([("a", D("100")), ("b", D("50")), ("c & d", D("0"))],
                                  "Titre <1>", "Trois barres", ident="t"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "t-title t-desc"
    assert root.find(f"{NS}title").text == "Titre <1>"
    assert root.find(f"{NS}desc").text == "Trois barres"
    h = heights(root)
    assert h[0] == 2 * h[1] and h[2] == 0
    assert [r.find(f"{NS}title").text for r in root.iter(f"{NS}rect")] == [
        "a: 100", "b: 50", "c & d: 0"]
    assert "c &amp; d" in charts.bar_chart([("c & d", D(1))], "t", "d")


def test_aged_chart_draws_the_five_buckets_overdue_in_the_late_colour():
    total = AgedRow("", D("1000"), D("300"), D("1200"), D("400"), D("800"), D("-150"))
    svg = charts.aged_chart(AgedBalance(date(2025, 6, 30), "EUR", (), total), "fr")
    root = parse(svg)
    rects = list(root.iter(f"{NS}rect"))
    assert [r.get("fill") for r in rects] == [charts.COLOURS["bar"]] + [
        charts.COLOURS["late"]] * 4
    h = heights(root)
    assert h[2] == 4 * h[1]  # 1 200 against 300
    assert "30 juin 2025" in root.find(f"{NS}title").text
    assert "1\u202f200,00\u00a0€" in root.find(f"{NS}desc").text


def test_forecast_chart_has_a_band_and_a_bar_per_week():
    weeks = tuple(WeekForecast(date(2025, 6, 30), D(n), D(2 * n), D(3 * n)) for n in range(13))
    svg = charts.forecast_chart(CashForecast(date(2025, 6, 30), "EUR", weeks,
                                             WeekForecast(date(2025, 9, 29), D(0), D(0), D(0))),
                                "en")
    root = parse(svg)
    assert len(list(root.iter(f"{NS}rect"))) == 14
    assert len(list(root.iter(f"{NS}polygon"))) == 1
    assert root.find(f"{NS}title").text.startswith("Cash-in expected over 13 weeks")


def test_line_chart_breaks_on_missing_values():
    root = parse(charts.line_chart([("a", D(10)), ("b", D(20)), ("c", None), ("d", D(5)),
                                    ("e", D(6))], "DSO", "line"))
    lines = list(root.iter(f"{NS}polyline"))
    assert len(lines) == 2
    assert len(list(root.iter(f"{NS}circle"))) == 4


def test_same_figures_same_bytes():
    bars = [("a", D("1.5")), ("b", D("2.25"))]
    assert charts.bar_chart(bars, "t", "d") == charts.bar_chart(bars, "t", "d")


def test_compact_axis_labels():
    assert [charts.compact(D(v)) for v in ("0", "250", "1250", "2500000", "0.25")] == [
        "0", "250", "1.3k", "2.5M", "0.25"]
    assert charts.compact(D("1500"), "fr") == "1,5k"


def test_dso_chart_says_its_points_in_the_reader_language():
    trend = [(date(2025, 12, 31), D("0.00")), (date(2026, 4, 30), D("23.32")),
             (date(2026, 5, 31), D("1234.5"))]
    fr = parse(charts.dso_chart(trend, "fr")).find(f"{NS}desc").text
    assert fr == ("Délai moyen de paiement en jours : 31 décembre 2025 : 0,00; 30 avril 2026 : "
                  "23,32; 31 mai 2026 : 1\u202f234,50.")
    en = parse(charts.dso_chart(trend, "en")).find(f"{NS}desc").text
    assert en == ("Days sales outstanding: 31 December 2025: 0.00; 30 April 2026: 23.32; "
                  "31 May 2026: 1,234.50.")
