"""The monthly PDF report for the company head carries the month's figures."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from relance.reports.pdf import month_end, monthly_report, report_month

pytestmark = pytest.mark.django_db
JUNE = date(2025, 6, 1)


def text_of(pdf: bytes) -> str:
    """The PDF's text with every kind of space (narrow no-break ones too) removed."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", "", text)


@pytest.fixture
def june_fr(hand) -> str:
    return text_of(monthly_report(hand, JUNE, "fr"))


def test_the_french_report_has_the_kpis(june_fr):
    assert "AtelierDupréSARL" in june_fr
    assert "3700,00€" in june_fr  # receivables
    assert "2700,00€" in june_fr  # overdue
    assert "72,97" in june_fr  # overdue ratio
    assert "101,33" in june_fr  # DSO countback
    assert "22,86" in june_fr  # CEI


def test_the_french_report_has_the_aged_balance_and_late_customers(june_fr):
    assert "Balanceâgée" in june_fr
    assert "-150,00€" in june_fr  # unallocated credit
    # Boréal owes the most overdue money (1 600), before Atelier Nord (1 100)
    assert june_fr.index("BoréalLtd") < june_fr.index("AtelierNord")
    assert "1600,00€" in june_fr and "1100,00€" in june_fr


def test_the_english_report(hand):
    text = text_of(monthly_report(hand, JUNE, "en"))
    assert "€3,700.00" in text and "101.33" in text
    assert "Agedbalance" in text and "Cashforecast" in text


def test_same_figures_same_bytes(hand):
    assert monthly_report(hand, JUNE, "fr") == monthly_report(hand, JUNE, "fr")


def test_report_month():
    assert report_month(None, date(2026, 3, 12)) == date(2026, 2, 1)
    assert report_month("2025-06", date(2026, 3, 12)) == JUNE
    assert month_end(date(2024, 2, 10)) == date(2024, 2, 29)
    with pytest.raises(ValueError, match="month"):
        report_month("juin", date(2026, 3, 12))
