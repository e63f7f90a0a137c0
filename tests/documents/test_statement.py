"""Statement figures on 15 July 2025 for Boulangerie Martin (tests/documents/fixtures.py).

Open on that day: F-2025-031 (1 200.00, 44 days late), F-2025-044 (2 000.00 less 800.00
paid), F-2025-058 (500.00, not yet due). F-2025-012 is paid; F-2025-066 is issued later.
In the customer's favour: 200.00 left of payment VIR-0625 and credit note AV-2025-003
(150.00); payment VIR-0720 comes after the date.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from relance.documents.statement import statement_csv, statement_figures
from relance.errors import RateMissing
from tests.documents.fixtures import statement


def test_open_invoices_with_paid_balance_and_days_overdue():
    figures = statement_figures(statement())
    rows = [(x.number, x.amount, x.paid, x.balance, x.days_overdue) for x in figures.invoices]
    assert rows == [
        ("F-2025-031", Decimal("1200.00"), Decimal("0.00"), Decimal("1200.00"), 44),
        ("F-2025-044", Decimal("2000.00"), Decimal("800.00"), Decimal("1200.00"), 26),
        ("F-2025-058", Decimal("500.00"), Decimal("0.00"), Decimal("500.00"), 0),
    ]


def test_unallocated_credit_and_balance():
    figures = statement_figures(statement())
    assert [(c.kind, c.number, c.unallocated) for c in figures.credits] == [
        ("payment", "VIR-0625", Decimal("200.00")),
        ("credit_note", "AV-2025-003", Decimal("150.00"))]
    assert figures.open_total == Decimal("2900.00")
    assert figures.overdue_total == Decimal("2400.00")
    assert figures.unallocated_total == Decimal("350.00")
    assert figures.balance == Decimal("2550.00")


def test_interest_to_date_matches_the_letter():
    figures = statement_figures(statement())
    assert [x.interest.amount for x in figures.invoices] == [
        Decimal("18.53"), Decimal("12.48"), Decimal("0.00")]
    assert figures.interest == Decimal("31.01")
    assert not figures.provisional


def test_a_later_date_sees_the_later_payment_and_invoice():
    figures = statement_figures(statement(as_of=date(2025, 7, 20)))
    assert [x.number for x in figures.invoices] == ["F-2025-031", "F-2025-044", "F-2025-058",
                                                    "F-2025-066"]
    assert figures.unallocated_total == Decimal("650.00")
    assert figures.balance == Decimal("2340.00")  # 2 990.00 open - 650.00 credit


def test_a_statement_needing_a_missing_semester_is_refused_naming_it():
    """spec/dunning-rules.md, Rates: a document is never produced with a guessed rate."""
    with pytest.raises(RateMissing, match="no penalty rates for 2026 H2") as refused:
        statement_figures(statement(as_of=date(2026, 7, 10)))
    assert refused.value.semester == "2026 H2"


def test_a_screen_may_ask_for_a_provisional_estimate():
    figures = statement_figures(statement(as_of=date(2026, 7, 10), estimate=True))
    assert figures.provisional
    assert any("2026 H2" in w and "provisional" in w for w in figures.warnings)
    # From 1 July 2026 the last known ECB rate (2.15 %, 2026 H1) is used.
    assert figures.invoices[0].interest.breakdown[-1].rate == Decimal("12.15")


def test_a_consumer_owes_no_interest_before_a_formal_notice():
    figures = statement_figures(statement(consumer=True))
    assert figures.interest == Decimal("0.00")
    assert figures.warnings == ()


def test_csv_has_one_row_per_item_and_a_total():
    rows = list(csv.DictReader(io.StringIO(statement_csv(statement_figures(statement()))
                                           .decode("utf-8"))))
    assert [(r["kind"], r["number"], r["balance"], r["days_overdue"], r["interest"])
            for r in rows] == [
        ("invoice", "F-2025-031", "1200.00", "44", "18.53"),
        ("invoice", "F-2025-044", "1200.00", "26", "12.48"),
        ("invoice", "F-2025-058", "500.00", "0", "0.00"),
        ("payment", "VIR-0625", "-200.00", "", ""),
        ("credit_note", "AV-2025-003", "-150.00", "", ""),
        ("total", "", "2550.00", "", "31.01"),
    ]
    assert rows[1]["date"] == "2025-05-20" and rows[1]["due"] == "2025-06-19"
    assert sum(Decimal(r["balance"]) for r in rows[:-1]) == Decimal(rows[-1]["balance"])
