"""Open Financial Exchange statements, version 1.x (SGML) and 2.x (XML).

Source: OFX Banking Specification 1.0.2 (1997) and 2.1.1 (2006), chapter 11
"Banking". One tolerant reader serves both versions:

* 1.x opens with ``KEY:VALUE`` header lines (``ENCODING``, ``CHARSET:1252`` …) and
  leaves elements holding a value unclosed (``<TRNAMT>-6.60``); French banks write
  names in Windows-1252.
* 2.x is XML with ``<?xml … encoding=…?>`` and ``<?OFX …?>`` instructions and closed tags,
  sometimes with CDATA sections.

An element followed by text is a value; any other is an aggregate that must be closed.
No DTD or entity is ever expanded: only the five XML entities and numeric character
references are unescaped.

Read: every ``STMTRS`` (bank) and ``CCSTMTRS`` (card) statement, with ``CURDEF``,
``BANKACCTFROM``/``CCACCTFROM`` ``ACCTID``, the ``STMTTRN`` of all its
``BANKTRANLIST`` blocks (``DTPOSTED``, ``DTAVAIL``, ``TRNAMT``, ``FITID``, ``NAME`` or
``PAYEE/NAME``, ``MEMO``) and ``LEDGERBAL`` as the closing balance. OFX gives no opening
balance, so no balance check is possible. ``TRNAMT`` is already signed from the account
holder's side.
"""

from __future__ import annotations

import bisect
import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from relance.formats import RowError
from relance.formats.bank import BankLine, BankStatement, assign_keys, check_size
from relance.formats.bank.problems import Problem, as_row_error, unreadable

_TOKEN = re.compile(
    r"<!\[CDATA\[(?P<cdata>.*?)\]\]>|<\?.*?\?>|<!--.*?-->"
    r"|</(?P<close>[A-Za-z0-9_.]+)\s*>|<(?P<open>[A-Za-z0-9_.]+)\s*>|(?P<text>[^<]+)",
    re.DOTALL)
_ENTITY = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_CHARSETS = {"1252": "cp1252", "ISO-8859-1": "latin-1", "8859-1": "latin-1", "NONE": "cp1252"}


@dataclass
class Node:
    """An OFX element: an aggregate with children, or a value with its text."""

    tag: str
    line: int
    value: str | None = None
    children: list[Node] = field(default_factory=list)

    def find(self, *path: str) -> Node | None:
        node: Node | None = self
        for tag in path:
            node = next((c for c in node.children if c.tag == tag), None) if node else None
        return node

    def text(self, *path: str) -> str:
        node = self.find(*path)
        return (node.value or "") if node is not None else ""

    def walk(self, tag: str) -> list[Node]:
        """Every element named ``tag`` in document order (iterative: depth is untrusted)."""
        found, pending = [], [self]
        while pending:
            node = pending.pop()
            found += [node] if node.tag == tag else []
            pending.extend(reversed(node.children))
        return found


def parse(data: bytes) -> tuple[list[BankStatement], list[RowError]]:
    """Statements of an OFX file; see the module docstring."""
    check_size(data, "OFX")
    root = tree(decode(data))
    if root.find("OFX") is None:
        raise unreadable("no_ofx_element", "OFX")
    statements: list[BankStatement] = []
    errors: list[RowError] = []
    for kind in ("STMTRS", "CCSTMTRS"):
        for node in root.walk(kind):
            statements.append(_statement(node, errors))
    return assign_keys(statements), errors


def decode(data: bytes) -> str:
    """The text of an OFX file, decoded as its header or XML declaration says."""
    head = data[:1024].decode("ascii", errors="replace")
    encoding = _xml_encoding(head) or _sgml_encoding(head)
    try:
        codecs.lookup(encoding)
        return data.decode(encoding)
    except LookupError:
        raise unreadable("unknown_encoding", "OFX", encoding=encoding) from None
    except UnicodeDecodeError as exc:
        raise unreadable("bad_encoding", "OFX", encoding=encoding, position=exc.start) from None


def _xml_encoding(head: str) -> str | None:
    if not head.lstrip("\ufeff\ufffd \r\n").startswith("<?xml"):
        return None
    match = re.search(r"encoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)[\"']", head)
    return "utf-8-sig" if match is None or match.group(1).lower() == "utf-8" else match[1]


def _sgml_encoding(head: str) -> str:
    header = dict(re.findall(r"^\s*([A-Z]+):(.*?)\s*$", head.split("<", 1)[0], re.MULTILINE))
    if header.get("ENCODING", "").upper().replace("-", "") == "UTF8":
        return "utf-8-sig"
    return _CHARSETS.get(header.get("CHARSET", "NONE").upper(), "cp1252")


def tree(text: str) -> Node:
    """The element tree of OFX text, SGML or XML; unbalanced or truncated → FormatError."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    tokens = list(_tokens(text, starts))
    root = Node("#document", 0)
    stack = [root]
    index = 0
    while index < len(tokens):
        index = _step(tokens, index, stack)
    if len(stack) > 1:
        raise unreadable("element_not_closed", "OFX", tag=stack[-1].tag, line=stack[-1].line)
    return root


def _tokens(text: str, starts: list[int]) -> Iterator[tuple[str, str, int]]:
    # A 1.x file starts with its KEY:VALUE header; the markup starts at the first "<".
    position = text.find("<")
    if position < 0:
        raise unreadable("no_markup", "OFX")
    for match in _TOKEN.finditer(text, position):
        if match.start() != position:
            break
        position = match.end()
        line = bisect.bisect_right(starts, match.start())
        kind = match.lastgroup
        if kind is not None:
            yield kind, match.group(kind), line
    if position != len(text):
        line = bisect.bisect_right(starts, position)
        raise unreadable("bad_markup", "OFX", line=line)


def _step(tokens: list[tuple[str, str, int]], index: int, stack: list[Node]) -> int:
    kind, value, line = tokens[index]
    if kind == "open":
        return _open(tokens, index, stack)
    if kind == "close":
        _close(value, line, stack)
    elif value.strip() and kind == "text":
        raise unreadable("text_outside_element", "OFX", line=line, text=value.strip()[:30])
    return index + 1


def _open(tokens: list[tuple[str, str, int]], index: int, stack: list[Node]) -> int:
    _, tag, line = tokens[index]
    end = index + 1
    parts = []
    while end < len(tokens) and tokens[end][0] in ("text", "cdata"):
        parts.append(tokens[end][1] if tokens[end][0] == "cdata" else _unescape(tokens[end][1]))
        end += 1
    closes_here = end < len(tokens) and tokens[end][:2] == ("close", tag)
    if "".join(parts).strip() or closes_here:
        stack[-1].children.append(Node(tag, line, " ".join("".join(parts).split())))
        return end + 1 if closes_here else end
    node = Node(tag, line)
    stack[-1].children.append(node)
    stack.append(node)
    return index + 1


def _close(tag: str, line: int, stack: list[Node]) -> None:
    # SGML lets the closing of an aggregate close the value elements left open inside it.
    if tag not in [node.tag for node in stack[1:]]:
        raise unreadable("closes_nothing", "OFX", tag=tag, line=line)
    while stack.pop().tag != tag:
        pass


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _NAMED:
            return _NAMED[name]
        return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))

    return _ENTITY.sub(one, text)


def _statement(node: Node, errors: list[RowError]) -> BankStatement:
    account = node.text("BANKACCTFROM", "ACCTID") or node.text("CCACCTFROM", "ACCTID")
    currency = node.text("CURDEF")
    lines = []
    for block in (c for c in node.children if c.tag == "BANKTRANLIST"):
        for item in (c for c in block.children if c.tag == "STMTTRN"):
            try:
                lines.append(_line(item, currency))
            except ValueError as exc:
                errors.append(as_row_error(exc, item.line, "STMTTRN"))
    balance, as_of = _ledger_balance(node, errors)
    return BankStatement(account, currency, None, None, balance, as_of, tuple(lines))


def _ledger_balance(node: Node, errors: list[RowError]) -> tuple[Decimal | None, date | None]:
    ledger = node.find("LEDGERBAL")
    if ledger is None:
        return None, None
    try:
        return amount(ledger.text("BALAMT")), ofx_date(ledger.text("DTASOF"))
    except ValueError as exc:
        errors.append(as_row_error(exc, ledger.line, "LEDGERBAL"))
        return None, None


def _line(item: Node, currency: str) -> BankLine:
    posted = ofx_date(item.text("DTPOSTED"))
    if posted is None:
        raise Problem("missing_booking_date", "DTPOSTED")
    return BankLine(
        booking_date=posted, value_date=ofx_date(item.text("DTAVAIL")),
        amount=amount(item.text("TRNAMT")), currency=item.text("CURRENCY", "CURSYM") or currency,
        counterparty_name=item.text("NAME") or item.text("PAYEE", "NAME"),
        remittance=item.text("MEMO"), bank_reference=item.text("FITID"), line=item.line)


def amount(text: str) -> Decimal:
    """A signed OFX amount; a comma is read as the decimal point, as some banks write it."""
    cleaned = text.strip().replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise Problem("not_an_amount", text=text) from None
    if not cleaned or not value.is_finite():
        raise Problem("not_an_amount", text=text)
    return value


def ofx_date(text: str) -> date | None:
    """The calendar date of an OFX datetime ``YYYYMMDD[HHMMSS[.XXX]][[gmt offset:tz]]``."""
    if not text:
        return None
    digits = text[:8]
    if not (len(digits) == 8 and digits.isdigit()):
        raise Problem("not_a_date", text=text, format="%Y%m%d")
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise Problem("not_a_date", text=text, format="%Y%m%d") from None
