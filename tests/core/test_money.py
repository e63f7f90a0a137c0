"""Money is exact: Decimal from text or integers, never a float, never mixed currencies."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relance.core.ledger import Credit, Invoice
from relance.core.money import Money, MoneyError, from_minor, round_half_up, to_decimal, to_minor


@pytest.mark.parametrize("bad", [0.1, 1.0, float("nan"), True])
def test_floats_and_bools_are_refused_everywhere(bad):
    with pytest.raises(MoneyError):
        to_decimal(bad)
    with pytest.raises(MoneyError):
        Money(bad, "EUR")
    with pytest.raises(MoneyError):
        Invoice("F-1", "C1", None, None, bad)  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        Credit("P-1", "C1", None, bad)  # type: ignore[arg-type]


def test_text_and_integers_are_exact():
    assert Money.of("0.10") + Money.of("0.20") == Money.of("0.30")
    assert to_decimal(12) == Decimal(12)


def test_currencies_never_mix():
    with pytest.raises(MoneyError, match="EUR and GBP"):
        Money.of("1", "EUR") + Money.of("1", "GBP")


def test_minor_units_round_trip_and_refuse_fractions_of_a_cent():
    assert to_minor(Decimal("1234.56"), "EUR") == 123456
    assert from_minor(123456, "EUR") == Decimal("1234.56")
    assert to_minor(Decimal("1234"), "JPY") == 1234
    with pytest.raises(MoneyError):
        to_minor(Decimal("0.001"), "EUR")


def test_half_up_rounding_as_french_usage():
    assert round_half_up(Decimal("64.905")) == Decimal("64.91")
    assert round_half_up(Decimal("-0.005")) == Decimal("-0.01")


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_minor_units_are_lossless(units):
    assert to_minor(from_minor(units, "EUR"), "EUR") == units


def test_an_invoice_amount_has_its_currency_s_decimals_and_stays_under_ten_billion():
    from relance.core.money import invoice_amount_problem

    assert invoice_amount_problem(Decimal("9999999999.99"), "EUR") is None
    assert invoice_amount_problem(Decimal("1500"), "JPY") is None
    assert invoice_amount_problem(Decimal("10.123"), "EUR") == "too_many_decimals"
    assert invoice_amount_problem(Decimal("1500.5"), "JPY") == "too_many_decimals"
    assert invoice_amount_problem(Decimal("10000000000"), "EUR") == "invoice_too_large"
    assert invoice_amount_problem(Decimal("-10000000000"), "EUR") == "invoice_too_large"
    # 31 digits: too large, said before quantizing it could overflow the decimal context
    assert invoice_amount_problem(Decimal("9" * 31 + ".001"), "EUR") == "invoice_too_large"
