"""ISO 20022 bank-to-customer cash management messages: camt.052, camt.053 and camt.054.

Source: ISO 20022 message definitions (www.iso20022.org, "Bank-to-Customer Cash
Management", camt.053.001.02 to .08) and the EPC/CFONB implementation guides.

Elements are found by local name, so every version (001.02 … 001.08) and every namespace
prefix reads the same. The shape read here::

    Document / BkToCstmrStmt (053) | BkToCstmrDbtCdtNtfctn (054) | BkToCstmrAcctRpt (052)
      Stmt | Ntfctn | Rpt
        Acct/Id/IBAN (or Acct/Id/Othr/Id), Acct/Ccy
        Bal: Tp/CdOrPrtry/Cd OPBD or PRCD (opening), CLBD (closing); Amt@Ccy; CdtDbtInd
        Ntry: Amt@Ccy, CdtDbtInd, Sts (BOOK), BookgDt, ValDt, AcctSvcrRef
          NtryDtls/TxDtls (one per transaction of a batch):
            Amt (v04+) or AmtDtls/TxAmt/Amt (v02), CdtDbtInd,
            Refs/EndToEndId, Refs/AcctSvcrRef,
            RltdPties/Dbtr|Cdtr (name), DbtrAcct|CdtrAcct/Id/IBAN,
            RmtInf/Ustrd (free text), RmtInf/Strd/CdtrRefInf/Ref (RF / QR / ISR reference)

``CdtDbtInd`` alone gives the sign: ISO 20022 states that a reversal (``RvslInd``) keeps
the direction of the booking it reports. A batch entry becomes one line per ``TxDtls``
when every ``TxDtls`` carries an amount and they add up to the entry; otherwise the
entry is one line (and the mismatch is reported as a warning). Entries not booked
(``Sts`` PDNG, INFO) are reported and left out, as they are not on the balance.

The XML is parsed without DTD, entities or network access; a DOCTYPE is refused.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from relance.formats import RowError
from relance.formats.bank import (
    BankLine,
    BankStatement,
    assign_keys,
    balance_error,
    check_size,
)
from relance.formats.bank.problems import Problem, as_row_error, row_error, unreadable

_CONTAINERS = {"BkToCstmrStmt": "Stmt", "BkToCstmrDbtCdtNtfctn": "Ntfctn",
               "BkToCstmrAcctRpt": "Rpt"}
_OPENING = ("OPBD", "PRCD")
_CLOSING = ("CLBD",)

Element = etree._Element


def parse(data: bytes) -> tuple[list[BankStatement], list[RowError]]:
    """Statements of a camt.052/053/054 file; see the module docstring."""
    root = _safe_root(data)
    statements: list[BankStatement] = []
    errors: list[RowError] = []
    for report in _reports(root):
        statement = _statement(report, errors)
        mismatch = balance_error(statement, report.sourceline)
        if mismatch:
            errors.append(mismatch)
        statements.append(statement)
    return assign_keys(statements), errors


def _safe_root(data: bytes) -> Element:
    check_size(data, "camt")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise unreadable("doctype_refused", "camt")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, dtd_validation=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise unreadable("not_well_formed", "camt", detail=exc) from None
    if root is None or root.getroottree().docinfo.doctype:
        raise unreadable("doctype_refused", "camt")
    return root


def _reports(root: Element) -> list[Element]:
    message = next((child for child in root if _name(child) in _CONTAINERS), None)
    if _name(root) != "Document" or message is None:
        raise unreadable("not_camt", "camt")
    return _all(message, _CONTAINERS[_name(message)])


def _statement(report: Element, errors: list[RowError]) -> BankStatement:
    account = _text(report, "Acct", "Id", "IBAN") or _text(report, "Acct", "Id", "Othr", "Id")
    opening = _balance(report, _OPENING, errors)
    closing = _balance(report, _CLOSING, errors)
    lines: list[BankLine] = []
    for entry in _all(report, "Ntry"):
        lines.extend(_entry_lines(entry, errors))
    currency = (_text(report, "Acct", "Ccy") or _balance_currency(report)
                or (lines[0].currency if lines else ""))
    return BankStatement(account, currency, opening[0], opening[1], closing[0], closing[1],
                         tuple(lines))


def _balance(report: Element, codes: tuple[str, ...],
             errors: list[RowError]) -> tuple[Decimal | None, date | None]:
    for balance in _all(report, "Bal"):
        if _text(balance, "Tp", "CdOrPrtry", "Cd") in codes:
            try:
                amount = _signed(balance, _text(balance, "Amt"))
                return amount, _date(balance, "Dt")
            except ValueError as exc:
                errors.append(as_row_error(exc, balance.sourceline, "Bal"))
    return None, None


def _balance_currency(report: Element) -> str:
    amount = _first(report, "Bal", "Amt")
    return amount.get("Ccy", "") if amount is not None else ""


def _entry_lines(entry: Element, errors: list[RowError]) -> list[BankLine]:
    status = _text(entry, "Sts", "Cd") or _text(entry, "Sts")
    if status and status != "BOOK":
        errors.append(row_error(entry.sourceline, "not_booked", "Sts", status=status))
        return []
    try:
        return _booked_lines(entry, errors)
    except ValueError as exc:
        errors.append(as_row_error(exc, entry.sourceline, "Ntry"))
        return []


def _booked_lines(entry: Element, errors: list[RowError]) -> list[BankLine]:
    amount = _signed(entry, _text(entry, "Amt"))
    currency = _currency(entry)
    details = [tx for block in _all(entry, "NtryDtls") for tx in _all(block, "TxDtls")]
    amounts = [_detail_amount(tx, _text(entry, "CdtDbtInd")) for tx in details]
    if len(details) > 1 and None not in amounts:
        total = sum(a for a in amounts if a is not None)
        if total == amount:
            return [_line(entry, [tx], a, currency)
                    for tx, a in zip(details, amounts, strict=True)]
        errors.append(row_error(entry.sourceline, "batch_mismatch", "TxDtls", total=total,
                                amount=amount, currency=currency))
    return [_line(entry, details, amount, currency)]


def _detail_amount(tx: Element, entry_indicator: str) -> Decimal | None:
    text = _text(tx, "Amt") or _text(tx, "AmtDtls", "TxAmt", "Amt")
    if not text:
        return None
    return _apply_sign(_decimal(text), _text(tx, "CdtDbtInd") or entry_indicator)


def _line(entry: Element, txs: list[Element], amount: Decimal, currency: str) -> BankLine:
    """One line for ``amount``, described by ``txs`` (one transaction, or a whole batch)."""
    booking = _date(entry, "BookgDt") or _date(entry, "ValDt")
    if booking is None:
        raise Problem("missing_booking_date", "BookgDt")
    # Parties and references are only certain when the line is a single transaction.
    source = txs[0] if len(txs) == 1 else entry
    party, account = ("Dbtr", "DbtrAcct") if amount > 0 else ("Cdtr", "CdtrAcct")
    return BankLine(
        booking_date=booking, value_date=_date(entry, "ValDt"), amount=amount,
        currency=currency,
        counterparty_name=_party_name(source, party),
        counterparty_iban=_text(source, "RltdPties", account, "Id", "IBAN"),
        remittance=_remittance(entry, txs),
        structured_reference=_creditor_references(entry, txs),
        end_to_end_id=_end_to_end(source),
        bank_reference=(_text(source, "Refs", "AcctSvcrRef") or _text(entry, "AcctSvcrRef")
                        or _text(entry, "NtryRef")),
        line=source.sourceline)


def _party_name(source: Element, party: str) -> str:
    holder = _first(source, "RltdPties", party)
    if holder is None:
        return ""
    # Version 08 wraps the party in Pty; earlier ones hold Nm directly.
    names = [node for node in holder.iter() if _name(node) == "Nm"]
    return (names[0].text or "").strip() if names else ""


def _remittance(entry: Element, txs: list[Element]) -> str:
    # Free-text remittance first; banks that send none often put it in the additional info.
    free = [text for tx in txs or [entry] for text in _texts(tx, "RmtInf", "Ustrd")]
    extra = [text for tx in txs for text in _texts(tx, "AddtlTxInf")]
    return " ".join(free or extra or _texts(entry, "AddtlNtryInf"))


def _creditor_references(entry: Element, txs: list[Element]) -> str:
    """RF (ISO 11649), QR or ISR references given in structured remittance."""
    path = ("RmtInf", "Strd", "CdtrRefInf", "Ref")
    return " ".join(ref for tx in txs or [entry] for ref in _texts(tx, *path))


def _end_to_end(source: Element) -> str:
    value = _text(source, "Refs", "EndToEndId")
    return "" if value == "NOTPROVIDED" else value


def _signed(node: Element, text: str) -> Decimal:
    if not text:
        raise Problem("missing_amount", "Amt")
    return _apply_sign(_decimal(text), _text(node, "CdtDbtInd"))


def _apply_sign(amount: Decimal, indicator: str) -> Decimal:
    if indicator not in ("CRDT", "DBIT"):
        raise Problem("bad_direction", "CdtDbtInd", text=indicator)
    return amount if indicator == "CRDT" else -amount


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise Problem("not_an_amount", "Amt", text=text) from None
    if not value.is_finite() or value < 0:
        raise Problem("not_an_amount", "Amt", text=text)
    return value


def _currency(entry: Element) -> str:
    amount = _first(entry, "Amt")
    return amount.get("Ccy", "") if amount is not None else ""


def _date(node: Element, name: str) -> date | None:
    text = _text(node, name, "Dt") or _text(node, name, "DtTm")
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise Problem("not_a_date", name, text=text, format="%Y-%m-%d") from None


# Navigation by local name, so namespaces and versions do not matter.

def _name(node: Element) -> str:
    tag = node.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _all(node: Element, name: str) -> list[Element]:
    return [child for child in node if _name(child) == name]


def _first(node: Element | None, *path: str) -> Element | None:
    for name in path:
        if node is None:
            return None
        node = next((child for child in node if _name(child) == name), None)
    return node


def _text(node: Element | None, *path: str) -> str:
    found = _first(node, *path)
    return (found.text or "").strip() if found is not None else ""


def _texts(node: Element | None, *path: str) -> list[str]:
    """Stripped texts of every node at ``path`` (each step may repeat)."""
    level = [node] if node is not None else []
    for name in path:
        level = [child for parent in level for child in _all(parent, name)]
    return [text for text in ((item.text or "").strip() for item in level) if text]
