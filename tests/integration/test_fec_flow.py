"""The whole flow on real FEC exports: import, ledger balances, run, outbox.

The expected figures are computed here from the raw file with a deliberately
simple reader (csv module, own Decimal conversion), independent of Relance's.
"""

from __future__ import annotations

import csv
import email
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal
from email import policy

import pytest

from relance.dunning.services import run_day
from relance.imports.csv_files import import_contacts
from relance.imports.fec import import_fec
from relance.ledger.services import balance_of, unallocated_total

SAMPLES = ["0000000001FEC20220831.txt", "000000000FEC20231231.txt",
           "111111111FEC20221231.TXT", "123456789FEC20500930.txt"]


def raw_customer_balances(data: bytes) -> dict[str, Decimal]:
    """Σ debit − Σ credit of the 411 lines, per CompAuxNum, straight from the file."""
    text = data.decode("utf-8-sig") if data[:3] == b"\xef\xbb\xbf" else data.decode("latin-1")
    text = text.replace("\r\r\n", "\n")
    header = text.splitlines()[0]
    rows = csv.DictReader(io.StringIO(text), delimiter="|" if "|" in header else "\t")
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if row["comptenum"].startswith("411") and row["compauxnum"]:
            debit = Decimal(row["debit"].replace(",", ".") or "0")
            credit = Decimal(row["credit"].replace(",", ".") or "0")
            totals[row["compauxnum"]] += debit - credit
    return dict(totals)


def ledger_balance(org, ref: str) -> Decimal:
    customer = org.customers.get(ref=ref)
    owed = sum((balance_of(i) for i in customer.invoices.all()), Decimal(0))
    return owed - unallocated_total(customer, "EUR")


@pytest.mark.parametrize("name", SAMPLES)
def test_each_customer_owes_in_the_ledger_what_its_411_lines_say(org, samples, name):
    data = (samples / "fec" / name).read_bytes()
    report = import_fec(org, data, name, known_from=date(2026, 1, 5))
    expected = raw_customer_balances(data)
    assert {c.ref for c in org.customers.all()} == set(expected)
    for ref, total in expected.items():
        assert ledger_balance(org, ref) == total, ref
    assert report.count("created") > 0 or not expected


@pytest.mark.parametrize("name", SAMPLES)
def test_importing_the_same_fec_again_changes_nothing(org, samples, name):
    data = (samples / "fec" / name).read_bytes()
    import_fec(org, data, name, known_from=date(2026, 1, 5))
    again = import_fec(org, data, name, known_from=date(2026, 1, 6))
    assert not again.changed
    assert again.count("created") == again.count("updated") == 0


def test_whole_flow_on_a_real_fec_with_contacts(org, samples, settings):
    data = (samples / "fec" / "0000000001FEC20220831.txt").read_bytes()
    refs = sorted(raw_customer_balances(data))
    contacts = "customer_ref;role;email;first_name\n" + "".join(
        f"{ref};accounts_payable;ap.{ref.lower()}@example.test;Alex\n" for ref in refs)
    import_contacts(org, contacts.encode(), "contacts.csv")
    import_fec(org, data, "fec.txt", known_from=date(2022, 9, 1))
    report = run_day(org, date(2022, 9, 5))
    assert report.actions and not report.failures
    emailed = [a for a in report.actions if "email" in a.channel_list]
    assert len(report.messages) == len(emailed)
    for message in report.messages:
        with open(message.path, "rb") as f:
            mail = email.message_from_binary_file(f, policy=policy.default)
        action = message.action
        ref = action.customer.ref
        assert mail["To"].addresses[0].addr_spec == f"ap.{ref.lower()}@example.test"
        balances = sum((balance_of(s.invoice) for s in action.steps.all()), Decimal(0))
        assert action.amount == balances
    assert not run_day(org, date(2022, 9, 5)).actions
