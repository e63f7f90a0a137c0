"""Row problems as data: a code and its values, the English sentence kept as the message,
a statement whose balances do not add up reported as a warning, cut amounts refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from relance.errors import FormatError
from relance.formats.bank import camt, cfonb120, csvbank, mt940
from relance.formats.bank.problems import ENGLISH, WARNINGS, date_pattern, row_error

from .test_camt import BATCH, DEBIT, _statement
from .test_cfonb120 import CLOSING, CREDIT, OPENING
from .test_contract import VALID, _junk
from .test_csvbank import FRENCH, FRENCH_EXPORT, SIMPLE, rows
from .test_mt940 import HAND_BUILT


def test_a_bad_date_and_a_bad_amount_carry_the_column_the_text_and_the_format():
    data = FRENCH_EXPORT.replace(b"07/03/2024;07/03", b"31/02/2024;07/03").replace(
        b"R3;1.234,56;", b"R3;abc;")

    _, [bad_date, bad_amount] = csvbank.parse_csv(data, FRENCH)

    assert (bad_date.line, bad_date.field, bad_date.code) == (5, "date", "not_a_date")
    assert bad_date.params == {"text": "31/02/2024", "format": "%d/%m/%Y", "column": "Date"}
    assert bad_date.message == "not a date in the format DD/MM/YYYY: '31/02/2024'"
    assert (bad_amount.line, bad_amount.field, bad_amount.code) == (7, "debit", "not_an_amount")
    assert bad_amount.params == {"text": "abc", "column": "Débit"}
    assert str(bad_amount) == "line 7, field debit: not an amount: 'abc'"
    assert not bad_date.is_warning and not bad_amount.is_warning


@pytest.mark.parametrize("date_format, french, english", [
    ("%d/%m/%Y", "JJ/MM/AAAA", "DD/MM/YYYY"), ("%Y-%m-%d", "AAAA-MM-JJ", "YYYY-MM-DD"),
    ("%d.%m.%y", "JJ.MM.AA", "DD.MM.YY"), ("%y%m%d", "AAMMJJ", "YYMMDD"),
    ("%d %b %Y", "JJ MMM AAAA", "DD MMM YYYY"), ("%d/%m/%Y %H:%M", "JJ/MM/AAAA hh:mm",
                                                 "DD/MM/YYYY hh:mm"),
])
def test_a_date_format_is_shown_as_a_person_writes_it(date_format, french, english):
    assert (date_pattern(date_format, "fr"), date_pattern(date_format, "en")) == (french,
                                                                                  english)


@pytest.mark.parametrize("written", ["12,", ",5", "12.", ".5", "1.234,", "-,50", "12,-"])
def test_an_amount_cut_at_its_decimal_mark_is_refused_row_by_row(written):
    """A bank never writes ``12,`` or ``,5``: the column was cut short; the row is refused,
    the next one is kept."""
    [statement], [error] = csvbank.parse_csv(rows(f"11/03/2026;cut;;{written}",
                                                  "11/03/2026;ok;;5,00"), SIMPLE)

    assert [line.remittance for line in statement.lines] == ["ok"]
    assert (error.line, error.field, error.code) == (2, "credit", "amount_cut")
    assert error.params == {"text": written, "column": "Crédit"}
    assert "a digit is missing before or after the decimal mark" in error.message


@pytest.mark.parametrize("written", ["12.", ".5", "12,", ",5"])
def test_a_cut_amount_is_refused_under_a_dot_mapping_too(written):
    mapping = csvbank.CsvMapping(date="Date", amount="Amount", delimiter=";",
                                 date_format="%Y-%m-%d", decimal_separator=".")
    data = f"Date;Amount\n2026-03-11;{written}\n2026-03-11;7.50\n".encode()

    [statement], [error] = csvbank.parse_csv(data, mapping)

    assert [line.amount for line in statement.lines] == [Decimal("7.50")]
    assert error.code == "amount_cut"


def test_a_row_with_neither_debit_nor_credit_names_both_columns():
    _, [error] = csvbank.parse_csv(rows("11/03/2026;rien;;"), SIMPLE)

    assert error.code == "debit_and_credit"
    assert (error.params["debit_column"], error.params["credit_column"]) == ("Débit", "Crédit")


def _mt940_closing_at(balance: str) -> bytes:
    return HAND_BUILT.replace(":62F:C240102EUR1235,5", f":62F:C240102EUR{balance}").encode()


def _cfonb_without_debit() -> bytes:
    return "\n".join([OPENING, CREDIT, CLOSING]).encode("ascii")


@pytest.mark.parametrize("reader, data, count", [
    (camt.parse, _statement(BATCH + DEBIT, closing="1900.00"), 3),
    (mt940.parse, _mt940_closing_at("1300,00"), 3),
    (cfonb120.parse, _cfonb_without_debit(), 1),
], ids=["camt.053", "MT940", "CFONB 120"])
def test_balances_that_do_not_add_up_are_a_warning_with_every_line_kept(reader, data, count):
    statements, [warning] = reader(data)

    assert len(statements[0].lines) == count
    assert warning.is_warning and warning.code == "balance_mismatch"
    assert warning.field == "closing_balance"
    statement = statements[0]
    movements = sum((line.amount for line in statement.lines), Decimal(0))
    assert warning.params == {
        "account": statement.account, "currency": statement.currency,
        "opening": str(statement.opening_balance), "movements": str(movements),
        "expected": str(statement.opening_balance + movements),
        "closing": str(statement.closing_balance)}


def test_the_camt_mismatch_states_both_figures_in_its_english_message():
    _, [warning] = camt.parse(_statement(BATCH + DEBIT, closing="1900.00"))

    assert warning.message == ("account FR7630006000011234567890189: opening balance 1000.00 "
                               "+ movements 800.00 = 1800.00, but the closing balance is "
                               "1900.00")


@pytest.mark.parametrize(("kind", "what", "data"), _junk(),
                         ids=[f"{k}-{w}" for k, w, _ in _junk()])
def test_every_problem_a_reader_reports_on_junk_has_a_known_code(kind, what, data):
    try:
        _, errors = VALID[kind][0](data)
    except FormatError:  # the whole file refused: no row to word
        return
    assert all(error.code in ENGLISH for error in errors), [str(e) for e in errors]
    assert all(error.is_warning == (error.code in WARNINGS) for error in errors)


@pytest.mark.parametrize("code", sorted(ENGLISH))
def test_every_code_has_an_english_sentence(code):
    values = {"text": "x", "format": "%d/%m/%Y", "account": "A", "currency": "EUR",
              "opening": "1", "movements": "2", "expected": "3", "closing": "4", "total": "5",
              "amount": "6", "value": "7", "status": "PDNG", "tag": "60F", "length": "120",
              "record": "09", "found": "B", "debit_column": "Débit", "credit_column": "Crédit",
              "iban": "FR76"}
    assert row_error(1, code, **values).message
