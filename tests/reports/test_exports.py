"""CSV and XLSX files of a report read back with the figures, types and names they had."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal as D

import openpyxl
import pytest

from relance.reports import services, tables
from relance.reports.exports import (
    DAY,
    INTEGER,
    MONEY,
    NUMBER,
    Column,
    Table,
    as_json,
    export,
    to_csv,
    to_xlsx,
)
from tests.reports.books import HAND_DAY

SAMPLE = Table("sample", (Column("who", "Client", "Customer"),
                          Column("due", "Échéance", "Due", DAY),
                          Column("amount", "Montant", "Amount", MONEY),
                          Column("ratio", "Taux", "Ratio", NUMBER),
                          Column("count", "Nombre", "Count", INTEGER)),
               (("Cèdre", date(2026, 3, 31), D("1234.5"), D("12.345"), 3),
                ("Dune", date(2026, 4, 1), D("-0.005"), None, 0)))


def test_french_csv_uses_semicolons_and_decimal_commas():
    text = to_csv(SAMPLE, "fr").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows == [["Client", "Échéance", "Montant", "Taux", "Nombre"],
                    ["Cèdre", "2026-03-31", "1234,50", "12,35", "3"],  # half-up: 12.345 → 12.35
                    ["Dune", "2026-04-01", "-0,01", "", "0"]]


def test_english_csv_uses_commas_and_decimal_points():
    rows = list(csv.reader(io.StringIO(to_csv(SAMPLE, "en").decode("utf-8-sig"))))
    assert rows[0] == ["Customer", "Due", "Amount", "Ratio", "Count"]
    assert rows[1] == ["Cèdre", "2026-03-31", "1234.50", "12.35", "3"]


def test_csv_starts_with_a_byte_order_mark_for_excel():
    assert to_csv(SAMPLE).startswith(b"\xef\xbb\xbf")


def test_xlsx_keeps_numbers_and_dates_as_such():
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(SAMPLE, "fr"))).active
    assert sheet.title == "sample"
    assert [c.value for c in sheet[1]] == ["Client", "Échéance", "Montant", "Taux", "Nombre"]
    who, due, amount, ratio, count = sheet[2]
    assert who.value == "Cèdre"
    assert isinstance(due.value, datetime) and due.value.date() == date(2026, 3, 31)
    assert due.number_format == "dd/mm/yyyy"
    assert D(str(amount.value)) == D("1234.50") and amount.number_format == "#,##0.00"
    assert D(str(ratio.value)) == D("12.35")
    assert count.value == 3
    assert sheet[3][3].value is None
    assert sheet.freeze_panes == "A2"
    assert sheet[1][0].font.bold


def test_json_gives_amounts_as_strings():
    assert as_json(SAMPLE)[0] == {"who": "Cèdre", "due": "2026-03-31", "amount": "1234.50",
                                  "ratio": "12.35", "count": 3}


def test_unknown_format():
    with pytest.raises(ValueError, match="format must be one of"):
        export(SAMPLE, "ods")


@pytest.mark.django_db
def test_the_aged_balance_round_trips_through_xlsx_and_csv(hand):
    aged = services.aged_balance(hand, HAND_DAY)
    table = tables.aged_table(aged, services.customer_names(hand))
    sheet = openpyxl.load_workbook(io.BytesIO(export(table, "xlsx", "en"))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [r[:2] for r in rows] == [["A", "Atelier Nord"], ["B", "Boréal Ltd"], [None, "Total"]]
    assert [D(str(v)) for v in rows[2][2:]] == [D(x) for x in (
        "1000", "300", "1200", "400", "800", "-150", "3550")]
    csv_rows = list(csv.reader(io.StringIO(export(table, "csv", "fr").decode("utf-8-sig")),
                               delimiter=";"))
    assert csv_rows[0][2:] == ["Non échu", "1-30 j", "31-60 j", "61-90 j", "> 90 j",
                               "Non lettré", "Solde net"]
    assert csv_rows[2] == ["B", "Boréal Ltd", "0,00", "0,00", "1200,00", "400,00", "0,00",
                           "-150,00", "1450,00"]


@pytest.mark.parametrize(("decimals", "amounts", "csv_amounts", "xlsx_format"), [
    (3, (D("1.005"), D("2.010")), ["1,005", "2,010"], "#,##0.000"),  # TND
    (0, (D("1000"), D("-3")), ["1000", "-3"], "#,##0"),  # JPY
])
def test_amounts_keep_their_currency_s_decimals(decimals, amounts, csv_amounts, xlsx_format):
    table = Table("tnd", (Column("amount", "Montant", "Amount", MONEY),
                          Column("ratio", "Taux", "Ratio", NUMBER)),
                  tuple((amount, D("1.005")) for amount in amounts), decimals)

    rows = list(csv.reader(io.StringIO(to_csv(table, "fr").decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == csv_amounts
    assert [row[1] for row in rows[1:]] == ["1,01", "1,01"]  # a ratio keeps two decimals
    assert [row["amount"] for row in as_json(table)] == [a.replace(",", ".")
                                                         for a in csv_amounts]
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(table))).active
    assert sheet["A2"].number_format == xlsx_format and sheet["B2"].number_format == "#,##0.00"
