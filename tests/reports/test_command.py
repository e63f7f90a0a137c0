"""``relance report aged|dso|forecast`` on the hand-computed book."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_aged_as_json(hand):
    document = json.loads(report("aged", "--org", "atelier", "--date", "2025-06-30",
                                 "--format", "json"))
    assert (document["report"], document["organization"], document["date"],
            document["currency"]) == ("aged", "atelier", "2025-06-30", "EUR")
    assert document["rows"][1] == {
        "customer": "B", "name": "Boréal Ltd", "not_due": "0.00", "d1_30": "0.00",
        "d31_60": "1200.00", "d61_90": "400.00", "over_90": "0.00", "unallocated": "-150.00",
        "net": "1450.00"}
    assert document["rows"][-1]["name"] == "Total"
    assert document["rows"][-1]["net"] == "3550.00"


def test_dso_as_json(hand):
    rows = json.loads(report("dso", "--org", "atelier", "--date", "2025-06-30",
                             "--format", "json"))["rows"]
    assert len(rows) == 13
    assert rows[-1] == {"day": "2025-06-30", "dso_countback": "101.33", "dso_ratio": "158.57"}
    assert rows[0]["day"] == "2024-06-30" and rows[0]["dso_ratio"] is None


def test_forecast_as_json_adds_up_to_the_open_balances(hand):
    rows = json.loads(report("forecast", "--org", "atelier", "--date", "2025-06-30",
                             "--format", "json"))["rows"]
    assert [r["week"] for r in rows] == [*(str(n) for n in range(1, 14)), ">13"]
    assert rows[0]["start"] == "2025-06-30" and rows[0]["end"] == "2025-07-06"
    for figure in ("low", "expected", "high"):
        assert sum(Decimal(r[figure]) for r in rows) == Decimal("3700.00")


def test_the_default_output_is_a_table_to_read(hand):
    text = report("aged", "--date", "2025-06-30")  # the only organization
    lines = text.splitlines()
    assert lines[0].split()[:2] == ["Client", "Nom"]
    assert lines[-1].split()[0] == "Total"
    assert "3\u202f550,00\u00a0€" in lines[-1]


def test_csv_to_stdout_and_xlsx_to_a_file(hand, tmp_path):
    text = report("aged", "--date", "2025-06-30", "--format", "csv", "--language", "en")
    assert text.splitlines()[0].startswith("Customer,Name,Not due")
    out = tmp_path / "aged.xlsx"
    report("aged", "--date", "2025-06-30", "--format", "xlsx", "--out", str(out))
    sheet = openpyxl.load_workbook(out).active
    assert sheet["B4"].value == "Total"


def test_xlsx_needs_a_file(hand):
    with pytest.raises(CommandError, match="--out"):
        report("aged", "--format", "xlsx", "--date", "2025-06-30")


def test_an_unknown_organization(hand):
    with pytest.raises(CommandError, match="no organization 'nope'"):
        report("aged", "--org", "nope", "--language", "en")


@pytest.mark.parametrize(("language", "messages"), [
    ("fr", ["aucune organisation 'nope' ; créez-la avec : relance init --org nope",
            "--date : une date comme 2026-03-12 est attendue, reçu '2026-02-30'",
            "--date : 9999-12-31 est hors des années 1900 à 2999",
            "--format xlsx demande --out FICHIER",
            "rapport aged écrit dans {out}"]),
    ("en", ["no organization 'nope'; create it with: relance init --org nope",
            "--date: expected a date like 2026-03-12, got '2026-02-30'",
            "--date: 9999-12-31 is outside the years 1900 to 2999",
            "--format xlsx needs --out FILE",
            "aged report written to {out}"]),
])
def test_every_message_is_in_the_command_s_language(hand, tmp_path, language, messages):
    out = tmp_path / "a.xlsx"
    said = []
    for args in (("--org", "nope"), ("--date", "2026-02-30"), ("--date", "9999-12-31"),
                 ("--format", "xlsx")):
        with pytest.raises(CommandError) as refused:
            report("aged", "--language", language, *(("--org", "atelier") if args[0] != "--org"
                                                     else ()), *args)
        said.append(str(refused.value))
    said.append(report("aged", "--language", language, "--date", "2025-06-30", "--out",
                       str(out)).strip())
    assert said == [m.format(out=out) for m in messages]


@pytest.mark.parametrize(("args", "message"), [
    (("--currency", "XYZ"), "XYZ is not an ISO 4217 currency code"),
    (("--date", "0001-01-01"), "--date: 0001-01-01 is outside the years 1900 to 2999"),
    (("--format", "csv", "--out", "/nonexistent/folder/aged.csv"),
     "--out: cannot write /nonexistent/folder/aged.csv: No such file or directory"),
])
def test_a_bad_question_is_an_error_not_a_report(hand, args, message):
    with pytest.raises(CommandError, match=message):
        report("aged", "--org", "atelier", "--date", "2025-06-30", "--language", "en", *args)


def test_the_out_file_s_extension_says_the_format(hand, tmp_path):
    report("aged", "--org", "atelier", "--date", "2025-06-30", "--out", str(tmp_path / "a.xlsx"))
    assert (tmp_path / "a.xlsx").read_bytes()[:2] == b"PK"
    report("aged", "--org", "atelier", "--date", "2025-06-30", "--out", str(tmp_path / "a.json"))
    assert json.loads((tmp_path / "a.json").read_text())["rows"][-1]["net"] == "3550.00"
