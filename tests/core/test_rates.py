"""The semester rate table: the shipped data, lookups, refusals and the CSV reader."""

from __future__ import annotations

import csv
import dataclasses
from datetime import date
from decimal import Decimal
from importlib import resources

import pytest

from relance.core.rates import (
    RateTable,
    Semester,
    SemesterRates,
    load_default,
    parse_rates_csv,
    semester_of,
)
from relance.errors import RateMissing

HEADER = "year,half,ecb_mro,legal_other,legal_private,source\n"


@pytest.fixture(scope="module")
def table() -> RateTable:
    return load_default()


def shipped_rows() -> list[dict[str, str]]:
    """The packaged CSV read with the csv module alone, independently of the parser."""
    text = resources.files("relance.data").joinpath("rates.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


# --- semesters -------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "expected"), [
    (date(2025, 1, 1), Semester(2025, 1)),
    (date(2025, 6, 30), Semester(2025, 1)),
    (date(2025, 7, 1), Semester(2025, 2)),
    (date(2024, 12, 31), Semester(2024, 2)),
])
def test_semester_of_cuts_at_1_july_and_1_january(day: date, expected: Semester) -> None:
    assert semester_of(day) == expected


def test_semester_prints_orders_and_steps() -> None:
    assert str(Semester(2026, 2)) == "2026 H2"
    assert Semester(2025, 2) < Semester(2026, 1)
    assert Semester(2025, 2).next() == Semester(2026, 1)
    assert Semester(2024, 1).last_day == date(2024, 6, 30)
    assert Semester(2024, 2).first_day == date(2024, 7, 1)
    with pytest.raises(ValueError):
        Semester(2025, 3)


# --- the shipped table -------------------------------------------------------------------

def test_shipped_table_has_every_row_of_the_file(table: RateTable) -> None:
    rows = shipped_rows()
    assert len(table.rows) == len(rows)
    for raw in rows:
        sem = Semester(int(raw["year"]), int(raw["half"]))
        assert table.ecb(sem) == Decimal(raw["ecb_mro"])
        assert table.legal(sem) == Decimal(raw["legal_other"])
        assert table.legal(sem, private_individual=True) == Decimal(raw["legal_private"])
        assert table.rates(sem).source == raw["source"]


def test_shipped_table_runs_from_2008_without_a_gap(table: RateTable) -> None:
    semesters = table.semesters
    assert semesters[0] == Semester(2008, 1)
    assert all(b == a.next() for a, b in zip(semesters, semesters[1:], strict=False))


def test_every_row_names_its_sources(table: RateTable) -> None:
    for row in table.rows:
        assert "ECB" in row.source, row.semester
        assert any(word in row.source for word in ("arrêté", "décret", "Banque de France"))


def test_known_anchors(table: RateTable) -> None:
    # The issue: 3 x 5.07 % = 15.21 % in 2024 H1; the spec examples: ECB 3.15 % then 2.15 %.
    assert table.legal(Semester(2024, 1)) == Decimal("5.07")
    assert table.ecb(Semester(2025, 1)) == Decimal("3.15")
    assert table.ecb(Semester(2025, 2)) == Decimal("2.15")


def test_before_2015_one_annual_legal_rate(table: RateTable) -> None:
    for year in range(2008, 2015):
        h1, h2 = table.rates(Semester(year, 1)), table.rates(Semester(year, 2))
        assert h1.legal_other == h1.legal_private == h2.legal_other == h2.legal_private


def test_since_2015_the_private_rate_is_the_higher_one(table: RateTable) -> None:
    for row in table.rows:
        if row.semester.year >= 2015:
            assert row.legal_private > row.legal_other, row.semester


# --- refusals and additions ----------------------------------------------------------------

def test_missing_semester_is_named_with_the_way_to_add_it(table: RateTable) -> None:
    with pytest.raises(RateMissing) as caught:
        table.ecb(Semester(2099, 2))
    assert "2099 H2" in str(caught.value)
    assert "relance rates add" in str(caught.value)
    with pytest.raises(RateMissing, match="2007 H1"):
        table.legal(Semester(2007, 1))


def test_with_rate_returns_a_new_table(table: RateTable) -> None:
    added = SemesterRates(Semester(2099, 2), Decimal("1.00"), Decimal("2.00"),
                          Decimal("5.00"), "typed by the user")
    bigger = table.with_rate(added)
    assert bigger.ecb(Semester(2099, 2)) == Decimal("1.00")
    assert Semester(2099, 2) not in table
    assert len(bigger.rows) == len(table.rows) + 1


def test_with_rate_replaces_a_semester() -> None:
    one = SemesterRates(Semester(2030, 1), Decimal("1"), Decimal("1"), Decimal("1"))
    fixed = dataclasses.replace(one, ecb=Decimal("2"))
    assert RateTable((one,)).with_rate(fixed).rows == (fixed,)


def test_a_table_refuses_two_rows_for_one_semester() -> None:
    one = SemesterRates(Semester(2030, 1), Decimal("1"), Decimal("1"), Decimal("1"))
    with pytest.raises(ValueError, match="2030 H1"):
        RateTable((one, one))


def test_last_known_is_the_latest_row_not_after(table: RateTable) -> None:
    latest = table.rows[-1]
    assert table.last_known(Semester(2099, 1)) == latest
    assert table.last_known(Semester(2024, 2)).semester == Semester(2024, 2)
    with pytest.raises(RateMissing, match="2007 H2"):
        table.last_known(Semester(2007, 2))


def test_table_is_frozen(table: RateTable) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        table.rows = ()  # type: ignore[misc]


# --- the CSV reader --------------------------------------------------------------------------

def test_parse_reads_rows_and_reports_bad_ones_with_their_line() -> None:
    text = HEADER + (
        "2030,1,1.50,2.00,5.00,test\n"      # line 2: good
        "2030,3,1.50,2.00,5.00,test\n"      # line 3: no such half
        "2030,2,1.50,2.00\n"                # line 4: legal_private missing
        "2031,1,abc,2.00,5.00,test\n"       # line 5: not a number
        "2030,1,9.99,9.99,9.99,again\n"     # line 6: semester already given
        "2031,2,1,5,2,00,5,00,test\n"       # line 7: decimal commas split the fields
    )
    table, errors = parse_rates_csv(text)
    assert table.semesters == (Semester(2030, 1),)
    assert table.ecb(Semester(2030, 1)) == Decimal("1.50")
    assert [(e.line, e.field) for e in errors] == [
        (3, "half"), (4, "legal_private"), (5, "ecb_mro"), (6, None), (7, None)]
    assert "2030 H1" in errors[3].message
    assert "decimal comma" in errors[4].message


def test_parse_refuses_a_text_without_the_columns() -> None:
    table, errors = parse_rates_csv("year;half;ecb\n2030;1;1.5\n")
    assert table.rows == ()
    assert len(errors) == 1 and "missing columns" in errors[0].message


def test_parse_rejects_negative_or_absurd_percentages() -> None:
    _, errors = parse_rates_csv(HEADER + "2030,1,-0.5,2,5,x\n2030,2,1,200,5,x\n")
    assert [(e.line, e.field) for e in errors] == [(2, "ecb_mro"), (3, "legal_other")]
