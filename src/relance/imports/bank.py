"""Import bank statements (camt.053/054, CFONB 120, OFX, MT940, CSV) and reconcile them.

A CSV export is read through one of the organization's saved column mappings, named
by ``mapping`` or recognised from the file's header (``relance.imports.bank_csv``).

Each line is stored once (its key is stable across re-imports, see
``relance.formats.bank``); new credit lines are then matched to open invoices
(``relance.ledger.reconcile``): confident matches become payments at once, the
others wait in the review queue. Debits are kept for the record.

A problem the reader reports as a warning (the balances of a camt, CFONB or MT940
statement that do not add up) goes to the report's ``warnings``: its lines are imported;
so does a statement of an account that is not the organization's IBAN. A statement of
another organization's account is refused whole.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from relance.core.money import TOO_LARGE, MoneyError, to_minor
from relance.formats.bank import BankStatement, detect_and_parse, same_account
from relance.formats.bank.problems import row_error, unreadable
from relance.imports import bank_csv
from relance.imports.report import ImportReport
from relance.ledger.models import BankLine, Organization
from relance.ledger.reconcile import reconcile


@transaction.atomic
def import_statement(org: Organization, data: bytes, name: str = "statement",
                     known_from: date | None = None, mapping: str | None = None
                     ) -> ImportReport:
    """Store the statement's lines and reconcile the new credits.

    ``mapping`` names the saved CSV mapping to read a CSV with; it is ignored for the
    formats that describe themselves (camt, CFONB, OFX, MT940).
    """
    if not data.strip():  # not "no CSV format fits": there is nothing to read at all
        raise unreadable("empty_file", name)
    csv_mapping = None
    if bank_csv.needs_mapping(data):
        csv_mapping = bank_csv.choose(org, data, name, mapping).csv_mapping()
    statements, errors = detect_and_parse(data, name, csv_mapping)
    errors += _accounts_checked(org, statements, name)
    report = ImportReport(name, rejected=[e for e in errors if not e.is_warning],
                          warnings=[e for e in errors if e.is_warning])
    new_credits = []
    for statement in statements:
        for line in statement.lines:
            if abs(line.amount) >= TOO_LARGE:
                report.rejected.append(row_error(line.line, "amount_out_of_range", "amount",
                                                 text=line.amount))
                continue
            try:
                row, created = _store(org, statement, line, name)
            except MoneyError:  # 12,345 €: more decimals than the currency has
                report.rejected.append(row_error(line.line, "too_many_decimals", "amount",
                                                 value=line.amount, currency=line.currency))
                continue
            report.add(line.line, "bank_line", line.key[:12], "created" if created else "unchanged")
            if created and row.status == "unmatched":
                new_credits.append(row)
    report.reconciliation = reconcile(org, new_credits)
    return report


def _accounts_checked(org: Organization, statements: list[BankStatement], name: str):
    """Warnings for statements of an account that is not the organization's IBAN; a
    statement of another organization's account is refused whole: an outsourced firm's
    collector who picks the wrong company would pay its invoices with another's money.
    (The other organization is not named: its user may not be a member of it.)"""
    warnings = []
    others = None
    for statement in statements:
        mine = same_account(statement.account, org.iban)
        if mine:
            continue
        if others is None:
            others = list(Organization.objects.exclude(pk=org.pk).exclude(iban="")
                          .values_list("iban", flat=True))
        if any(same_account(statement.account, iban) for iban in others):
            raise unreadable("other_organization_account", name, account=statement.account)
        if mine is False:
            warnings.append(row_error(None, "not_own_account", "account",
                                      account=statement.account, iban=org.iban))
    return warnings


def _store(org: Organization, statement: BankStatement, line, name: str):
    return BankLine.objects.get_or_create(
        organization=org, key=line.key, defaults={
            "source": name[:200], "account": statement.account[:64],
            "booking_date": line.booking_date, "currency": line.currency,
            "amount_minor": to_minor(line.amount, line.currency),
            "counterparty_name": line.counterparty_name[:200],
            "counterparty_iban": line.counterparty_iban.replace(" ", "")[:34],
            "remittance": line.remittance, "structured_reference": line.structured_reference[:140],
            "status": "unmatched" if line.amount > 0 else "debit"})
