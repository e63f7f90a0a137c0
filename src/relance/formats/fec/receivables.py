"""Customers, documents and open items derived from the customer accounts of a FEC.

In the Plan comptable général (règlement ANC n° 2014-03), account 411 « Clients »
holds what customers owe: a sale debits it, a credit note or a payment credits it.
The FEC (LPF art. A47 A-1) gives each line its customer sub-ledger account
(``CompAuxNum``, ``CompAuxLib``) and its lettering (``EcritureLet``, ``DateLet``): the
code that ties together lines of one customer that settle each other. The rules
below were chosen by reading four real exports from different accounting tools.

Documents: one per customer-account line with a ``CompAuxNum``; a line without one
cannot be dunned and is reported as a :class:`RowError`, as is a line of zero amount.
The side is the sign of ``Debit - Credit`` (some tools write reversals as negative
debits). The kind:

* ``invoice``: a debit, in a sales entry or any other entry;
* ``refund``: a debit in a treasury entry (a class 5 line and no class 7 line) that is
  not an opening entry: money paid back or a bank transfer sent back; it is owed like
  an invoice but has no invoice number to quote;
* ``credit_note``: a credit in an entry that debits a revenue account (class 7): the
  sale is reversed. An *entry* is the lines sharing JournalCode, EcritureNum and
  EcritureDate: the date is part of it because some tools number every entry ``0``;
* ``payment``: any other credit (bank receipt, cheque remittance, write-off).

Opening entries (« à nouveaux »): entries of journal ``AN``, ``ANO``, ``RAN`` or a
journal whose label says "nouveau". They carry last year's open items, either one
line per customer (a balance, labelled "Report à nouveau") or one per old invoice
("A nouveaux détaillés"). An opening debit is an ``invoice`` and an opening credit a
``payment``, flagged ``opening=True`` so a caller can tell a balance from a real invoice.

Lettering: a group is one customer's lines with the same code, compared exactly (case
kept: some tools letter partially in lower case, so ``aa`` and ``AA`` are different
groups). Lettering is done in the live ledger, not at year end, so a group can
reach outside the file: a payment lettered with invoices of last year (whose opening
was a single balance line), or invoices of the last days lettered with a payment of
next year. So a group is settled only when its debits equal its credits in the file:
then none of its documents is open. Otherwise the surplus side stays open: the
smaller side is allocated to the larger side oldest first (date, then line), and what
is left is the ``open_amount`` of the newest documents. An unlettered document is
open for its whole amount. Hence for any customer :func:`open_total` equals the
balance of the customer's lines; allocating unlettered payments to invoices is left
to the ledger.

``key`` identifies a document across imports: ``journal:number:date:customer:n`` where
``n`` counts the customer's lines of that entry in file order. It does not depend on
amounts or labels, which a later export of the same year may correct.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from relance.formats import RowError
from relance.formats.fec.reader import FecLine
from relance.formats.problems import row_error

Kind = Literal["invoice", "refund", "credit_note", "payment"]
DEBIT_KINDS = frozenset({"invoice", "refund"})
CREDIT_KINDS = frozenset({"credit_note", "payment"})
_OPENING_JOURNALS = frozenset({"AN", "ANO", "RAN"})
# References some tools write when a line has none.
_NO_REFERENCE = frozenset({"", "sans", "neant", "néant", "n/a"})
_ZERO = Decimal(0)

EntryKey = tuple[str, str, dt.date]


@dataclass(frozen=True, slots=True)
class FecCustomer:
    """A customer as the FEC names it: its auxiliary account and label."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class FecDocument:
    """One customer-account line seen as a document to collect or to deduct."""

    key: str
    kind: Kind
    customer_code: str
    number: str
    date: dt.date
    amount: Decimal
    lettering: str
    lettered_on: dt.date | None
    journal_code: str
    label: str
    line: int
    opening: bool = False
    open_amount: Decimal = _ZERO

    @property
    def open(self) -> bool:
        """Whether part of this document is not settled by its lettering group."""
        return self.open_amount > 0

    @property
    def is_debit(self) -> bool:
        return self.kind in DEBIT_KINDS


@dataclass(frozen=True, slots=True)
class Receivables:
    """What a collection tool needs from a FEC, and the customer lines it could not use."""

    customers: tuple[FecCustomer, ...]
    documents: tuple[FecDocument, ...]
    errors: tuple[RowError, ...]


@dataclass(frozen=True, slots=True)
class _Entry:
    """What the other lines of an entry say about the customer line in it."""

    reverses_revenue: bool = False
    has_revenue: bool = False
    has_treasury: bool = False


def receivables(
    lines: Sequence[FecLine], account_prefix: str | tuple[str, ...] = "411"
) -> Receivables:
    """Customers, documents with their open amounts, and rejected customer lines."""
    entries = _entries(lines)
    documents: list[FecDocument] = []
    errors: list[RowError] = []
    names: dict[str, str] = {}
    occurrences: dict[str, int] = defaultdict(int)
    for fec_line in lines:
        if not fec_line.compte_num.startswith(account_prefix):
            continue
        error = _rejection(fec_line)
        if error:
            errors.append(error)
            continue
        document = _document(fec_line, entries[_entry_key(fec_line)])
        occurrences[document.key] += 1
        documents.append(replace(document, key=f"{document.key}:{occurrences[document.key]}"))
        # first-seen order; the first non-empty CompAuxLib names the customer
        names[document.customer_code] = names.get(document.customer_code) or fec_line.comp_aux_lib
    customers = tuple(FecCustomer(code, name) for code, name in names.items())
    return Receivables(customers, _settle(documents), tuple(errors))


def open_total(book: Receivables, customer_code: str) -> Decimal:
    """Open debits minus open credits of one customer: what it still owes (< 0: we owe)."""
    return sum(
        (_signed(doc, doc.open_amount) for doc in book.documents
         if doc.customer_code == customer_code),
        _ZERO,
    )


def open_totals(book: Receivables) -> dict[str, Decimal]:
    """:func:`open_total` of every customer, in one pass over the documents."""
    totals = {customer.code: _ZERO for customer in book.customers}
    for doc in book.documents:
        totals[doc.customer_code] += _signed(doc, doc.open_amount)
    return totals


def is_opening(fec_line: FecLine) -> bool:
    """Whether the line belongs to the opening entries (« à nouveaux ») of the year."""
    if fec_line.journal_code.upper() in _OPENING_JOURNALS:
        return True
    return "NOUVEAU" in _plain(fec_line.journal_lib)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def _entry_key(fec_line: FecLine) -> EntryKey:
    return fec_line.journal_code, fec_line.ecriture_num, fec_line.ecriture_date


def _entries(lines: Iterable[FecLine]) -> dict[EntryKey, _Entry]:
    found: dict[EntryKey, _Entry] = defaultdict(_Entry)
    for fec_line in lines:
        account_class = fec_line.compte_num[:1]
        if account_class not in ("5", "7"):
            continue
        key = _entry_key(fec_line)
        entry = found[key]
        if account_class == "5":
            found[key] = replace(entry, has_treasury=True)
        else:
            reverses = entry.reverses_revenue or fec_line.debit > fec_line.credit
            found[key] = replace(entry, has_revenue=True, reverses_revenue=reverses)
    return found


def _rejection(fec_line: FecLine) -> RowError | None:
    if not fec_line.comp_aux_num:
        return row_error(fec_line.line, "no_customer_account", "CompAuxNum",
                         account=fec_line.compte_num, column="CompAuxNum")
    if fec_line.debit == fec_line.credit:
        return row_error(fec_line.line, "zero_customer_line", "Debit")
    return None


def _document(fec_line: FecLine, entry: _Entry) -> FecDocument:
    """The document of one customer line; its key lacks the occurrence number yet."""
    net = fec_line.debit - fec_line.credit
    opening = is_opening(fec_line)
    reference = fec_line.piece_ref
    return FecDocument(
        key=(f"{fec_line.journal_code}:{fec_line.ecriture_num}:"
             f"{fec_line.ecriture_date:%Y%m%d}:{fec_line.comp_aux_num}"),
        kind=_kind(net > 0, opening, entry),
        customer_code=fec_line.comp_aux_num,
        number=fec_line.ecriture_num if reference.lower() in _NO_REFERENCE else reference,
        date=fec_line.piece_date or fec_line.ecriture_date,
        amount=abs(net),
        lettering=fec_line.ecriture_let,
        lettered_on=fec_line.date_let,
        journal_code=fec_line.journal_code,
        label=fec_line.ecriture_lib,
        line=fec_line.line,
        opening=opening,
    )


def _kind(is_debit: bool, opening: bool, entry: _Entry) -> Kind:
    if not is_debit:
        return "credit_note" if entry.reverses_revenue and not opening else "payment"
    if entry.has_treasury and not entry.has_revenue and not opening:
        return "refund"
    return "invoice"


def _signed(document: FecDocument, amount: Decimal) -> Decimal:
    return amount if document.is_debit else -amount


def _settle(documents: list[FecDocument]) -> tuple[FecDocument, ...]:
    """Documents with their open amount, group by group (see the module docstring)."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, document in enumerate(documents):
        if document.lettering:
            groups[document.customer_code, document.lettering].append(index)
    open_amounts = [document.amount for document in documents]
    for indexes in groups.values():
        group = [documents[i] for i in indexes]
        for index, remaining in zip(indexes, _remaining(group), strict=True):
            open_amounts[index] = remaining
    return tuple(replace(doc, open_amount=amount)
                 for doc, amount in zip(documents, open_amounts, strict=True))


def _remaining(group: list[FecDocument]) -> list[Decimal]:
    """Open amount of each document of one lettering group, in the group's order."""
    balance = sum((_signed(doc, doc.amount) for doc in group), _ZERO)
    remaining = [_ZERO] * len(group)
    if balance == 0:
        return remaining
    surplus_is_debit = balance > 0
    covered = sum((doc.amount for doc in group if doc.is_debit != surplus_is_debit), _ZERO)
    for i in sorted(range(len(group)), key=lambda i: (group[i].date, group[i].line)):
        if group[i].is_debit == surplus_is_debit:
            used = min(covered, group[i].amount)
            covered -= used
            remaining[i] = group[i].amount - used
    return remaining
