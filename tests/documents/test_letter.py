"""Formal notice figures, computed by hand from the ledger in tests/documents/fixtures.py.

Rates (packaged table): ECB 3.15 % in 2025 H1 and 2.15 % in 2025 H2, so the B2B rate is
13.15 % until 30 June 2025 and 12.15 % from 1 July; legal rate "all other cases" 3.71 %
(2025 H1) and 2.76 % (2025 H2). Interest = base x rate x days / 36 500, rounded once per
invoice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
import segno
import segno.helpers

from relance.core.rates import Semester, SemesterRates, load_default
from relance.documents.letter import InvoiceFigures, NoticeInvoice, notice_figures
from relance.errors import RateMissing
from tests.documents.fixtures import CONSUMER_INVOICE, b2b_notice, b2c_notice


def periods(line: InvoiceFigures) -> list[tuple[date, date, int, Decimal, Decimal]]:
    return [(p.start, p.end, p.days, p.base, p.rate) for p in line.interest.breakdown]


def test_unpaid_invoice_interest_is_split_at_the_first_of_july():
    unpaid = notice_figures(b2b_notice()).invoices[0]
    assert periods(unpaid) == [
        (date(2025, 6, 2), date(2025, 6, 30), 29, Decimal("1200.00"), Decimal("13.15")),
        (date(2025, 7, 1), date(2025, 7, 15), 15, Decimal("1200.00"), Decimal("12.15")),
    ]
    # 1200 x 13.15 x 29 = 457 620 and 1200 x 12.15 x 15 = 218 700; / 36 500 = 18.5293…
    assert unpaid.interest.amount == Decimal("18.53")
    assert (unpaid.paid, unpaid.balance, unpaid.days_late) == (Decimal("0.00"),
                                                                Decimal("1200.00"), 44)


def test_partly_paid_invoice_bears_interest_on_the_payment_day_then_on_the_rest():
    partly = notice_figures(b2b_notice()).invoices[1]
    assert periods(partly) == [
        (date(2025, 6, 20), date(2025, 6, 25), 6, Decimal("2000.00"), Decimal("13.15")),
        (date(2025, 6, 26), date(2025, 6, 30), 5, Decimal("1200.00"), Decimal("13.15")),
        (date(2025, 7, 1), date(2025, 7, 15), 15, Decimal("1200.00"), Decimal("12.15")),
    ]
    # (157 800 + 78 900 + 218 700) / 36 500 = 12.4767…
    assert partly.interest.amount == Decimal("12.48")
    assert (partly.paid, partly.balance, partly.days_late) == (Decimal("800.00"),
                                                                Decimal("1200.00"), 26)


def test_b2b_totals_include_one_indemnity_per_late_invoice():
    figures = notice_figures(b2b_notice())
    assert [line.indemnity for line in figures.invoices] == [Decimal("40.00")] * 2
    assert figures.late_invoices == 2
    assert figures.principal == Decimal("2400.00")
    assert figures.interest == Decimal("31.01")
    assert figures.indemnity == Decimal("80.00")
    assert figures.total == Decimal("2511.01")
    assert figures.consumer_rate is None


def test_deadline_is_eight_days_after_the_letter_by_default():
    assert b2b_notice().deadline == date(2025, 7, 23)
    assert b2b_notice(deadline=date(2025, 7, 31)).deadline == date(2025, 7, 31)
    with pytest.raises(ValueError, match="deadline"):
        b2b_notice(deadline=date(2025, 7, 15))


def test_insolvency_proceedings_exclude_the_indemnity():
    figures = notice_figures(b2b_notice(insolvency=True))
    assert figures.indemnity == Decimal("0.00")
    assert figures.total == Decimal("2431.01")


def test_consumer_owes_no_indemnity_and_no_interest_before_the_notice():
    figures = notice_figures(b2c_notice())
    assert figures.indemnity == Decimal("0.00")
    assert figures.interest == Decimal("0.00")
    assert figures.total == Decimal("350.00")
    # The legal rate "all other cases" of 2025 H2 runs from the day after this notice.
    assert figures.consumer_rate == Decimal("2.76")
    assert figures.interest_from == date(2025, 7, 16)


def test_consumer_interest_runs_from_the_day_after_an_earlier_notice_at_the_legal_rate():
    earlier = replace(CONSUMER_INVOICE, noticed_on=date(2025, 6, 20))
    line = notice_figures(b2c_notice(invoices=(earlier,))).invoices[0]
    assert periods(line) == [
        (date(2025, 6, 21), date(2025, 6, 30), 10, Decimal("350.00"), Decimal("3.71")),
        (date(2025, 7, 1), date(2025, 7, 15), 15, Decimal("350.00"), Decimal("2.76")),
    ]
    # (350 x 3.71 x 10 + 350 x 2.76 x 15) / 36 500 = 27 475 / 36 500 = 0.7527…
    assert line.interest.amount == Decimal("0.75")
    assert line.indemnity == Decimal("0.00")


def test_a_semester_missing_from_the_table_refuses_the_letter():
    with pytest.raises(RateMissing, match="2026 H2"):
        notice_figures(b2b_notice(as_of=date(2026, 7, 10)))


def test_a_consumer_letter_needs_the_rate_of_the_day_after_it():
    # 30 June 2026 is in a known semester, but interest would start on 1 July 2026.
    with pytest.raises(RateMissing, match="2026 H2"):
        notice_figures(b2c_notice(as_of=date(2026, 6, 30)))


def test_a_rate_added_by_the_user_makes_the_letter_possible():
    rates = load_default().with_rate(
        SemesterRates(Semester(2026, 2), Decimal("2.00"), Decimal("2.50"), Decimal("6.50")))
    figures = notice_figures(b2b_notice(as_of=date(2026, 7, 10), rates=rates))
    assert figures.invoices[0].interest.breakdown[-1].rate == Decimal("12.00")


def test_transfer_qr_code_carries_the_epc_fields():
    transfer = notice_figures(b2b_notice()).transfer
    assert transfer.epc_arguments() == {
        "name": "Atelier Nord SAS", "iban": "FR7630006000011234567890189",
        "amount": Decimal("2511.01"), "text": "F-2025-031 F-2025-044", "bic": "AGRIFRPP"}
    # EPC069-12 version 002, written out by hand: the QR code encodes exactly this.
    payload = "\n".join(["BCD", "002", "2", "SCT", "AGRIFRPP", "Atelier Nord SAS",
                         "FR7630006000011234567890189", "EUR2511.01", "", "",
                         "F-2025-031 F-2025-044"]).encode("iso-8859-1")
    expected = segno.make_qr(payload, error="m", boost_error=False)
    assert segno.helpers.make_epc_qr(**transfer.epc_arguments()) == expected


def test_no_qr_code_without_an_iban_or_outside_the_euro():
    assert notice_figures(b2b_notice(bank=None)).transfer is None
    assert notice_figures(b2b_notice(currency="USD")).transfer is None


def test_a_float_amount_is_refused():
    with pytest.raises(ValueError):
        NoticeInvoice("F-1", date(2025, 1, 1), date(2025, 1, 31), 10.5,
                      Decimal("10.50"))
