"""Read a FEC (Fichier des Écritures Comptables) into :class:`FecLine` records.

The FEC is the flat file of every entry of one financial year that a French business
keeping computerised books must hand over on a tax audit (Livre des procédures
fiscales, art. L47 A; layout in art. A47 A-1, commented in BOI-CF-IOR-60-40-20).
A47 A-1 fixes: a first line naming the fields; one line per entry line; fields
separated by a tab or ``|``; amounts with a comma as decimal separator; dates
``AAAAMMJJ``; the 18 fields of :data:`FIELDS` (``Debit``/``Credit`` may be given as
``Montant`` + ``Sens`` instead).

What real exports do besides the text of the standard, and how this reader copes:

* encoding: UTF-8 with or without BOM, UTF-16 with BOM; when the bytes are not valid
  UTF-8, Windows-1252 (a superset of the printable ISO 8859-1 range; ISO 8859-1 itself
  for the five bytes it leaves undefined), unless DOS code page 850 reads more French:
  old DOS-born tools still write ``CREAT°`` as byte ``F8``, which is ``ø`` in 1252;
* line ends: LF, CRLF, CR CR LF (a CRLF converted twice) or a lone CR: each run counts as
  one end of line, and lines are numbered from 1 (the header) in that count;
* header names in any case (``MontantDevise`` / ``Montantdevise``), extra columns
  (the BNC/BA cash-basis variant adds ``DateRglt``, ``ModeRglt``, ``NatOp``,
  ``IdClient``) are ignored, a trailing separator at the end of each line is dropped;
* values padded with spaces or zeros (``VE  ``, ``0000000069,60``) are stripped;
  a ``.`` is accepted as decimal separator too, since some tools write one.

A line that cannot be read (wrong column count, bad date, bad amount) becomes a
:class:`RowError` with a code and its values (``relance.formats.problems``: the text
found, the field as A47 A-1 spells it in ``column``, ``%Y%m%d`` for a date) and the
other lines are still returned; a file that is not a FEC at all (empty, binary,
unknown separator, missing fields) raises :class:`FormatError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from relance.formats import RowError
from relance.formats.problems import Problem, unreadable

# The 18 fields of A47 A-1, in the order of the standard, as FecLine attribute names.
FIELDS = {
    "journalcode": "journal_code",
    "journallib": "journal_lib",
    "ecriturenum": "ecriture_num",
    "ecrituredate": "ecriture_date",
    "comptenum": "compte_num",
    "comptelib": "compte_lib",
    "compauxnum": "comp_aux_num",
    "compauxlib": "comp_aux_lib",
    "pieceref": "piece_ref",
    "piecedate": "piece_date",
    "ecriturelib": "ecriture_lib",
    "debit": "debit",
    "credit": "credit",
    "ecriturelet": "ecriture_let",
    "datelet": "date_let",
    "validdate": "valid_date",
    "montantdevise": "montant_devise",
    "idevise": "idevise",
}
# A47 A-1 allows one signed-by-direction amount instead of two columns.
SIGNED_AMOUNT = ("montant", "sens")
_SENS = {"D": 1, "C": -1, "+1": 1, "1": 1, "-1": -1}
_SEPARATORS = ("\t", "|")
_LINE_END = re.compile(r"\r+\n?|\n")
_AMOUNT = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
_DATE = re.compile(r"\d{8}")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_FRENCH = frozenset("àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ°€«»")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A47 A-1 writes dates AAAAMMJJ.
DATE_FORMAT = "%Y%m%d"


@dataclass(frozen=True, slots=True)
class FecLine:
    """One line of a FEC entry (A47 A-1 fields 1 to 18) and its line in the file."""

    journal_code: str
    journal_lib: str
    ecriture_num: str
    ecriture_date: date
    compte_num: str
    compte_lib: str
    comp_aux_num: str
    comp_aux_lib: str
    piece_ref: str
    piece_date: date | None
    ecriture_lib: str
    debit: Decimal
    credit: Decimal
    ecriture_let: str
    date_let: date | None
    valid_date: date | None
    montant_devise: Decimal | None
    idevise: str
    line: int


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where each field sits in a line, and how many fields a line has."""

    separator: str
    positions: dict[str, int]
    width: int


def parse(data: bytes) -> tuple[list[FecLine], list[RowError]]:
    """Read the FEC in ``data``: its lines, and one RowError per line that cannot be read."""
    physical = _physical_lines(_decode(data))
    header_no, header = _header(physical)
    layout = _layout(header)
    lines: list[FecLine] = []
    errors: list[RowError] = []
    for number, text in physical[header_no:]:
        if not text.strip():
            continue
        try:
            lines.append(_line(text.split(layout.separator), layout, number))
        except Problem as bad:
            errors.append(bad.row_error(number))
    return lines, errors


def _decode(data: bytes) -> str:
    """Text of the file; refuses empty and binary content (A47 A-1 requires plain text)."""
    text = _text(data)
    if not text.strip():
        raise unreadable("empty_file", "FEC")
    sample = text[:65536]
    if "\x00" in text or len(_CONTROL.findall(sample)) > 0.01 * len(sample):
        raise unreadable("binary_file", "FEC")
    return text


def _text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise unreadable("broken_utf16", "FEC") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _decode_legacy(data)


def _decode_legacy(data: bytes) -> str:
    """Windows-1252, or DOS code page 850 when that reads more French characters."""
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = data.decode("latin-1")
    dos = data.decode("cp850")  # defines all 256 bytes, never fails
    return dos if _french_score(dos) > _french_score(western) else western


def _french_score(text: str) -> int:
    return sum(1 for char in _NON_ASCII.findall(text) if char in _FRENCH)


def _physical_lines(text: str) -> list[tuple[int, str]]:
    """``(line number, text)`` pairs; a trailing Ctrl-Z (old DOS end of file) is dropped."""
    text = text.rstrip("\x1a")
    parts = _LINE_END.split(text) if "\r" in text else text.split("\n")
    return list(enumerate(parts, start=1))


def _header(physical: list[tuple[int, str]]) -> tuple[int, str]:
    return next((n, text) for n, text in physical if text.strip())


def _separator(header: str) -> str:
    found = [sep for sep in _SEPARATORS if sep in header]
    if len(found) != 1:
        raise unreadable("fec_separator", "FEC", text=header[:60])
    return found[0]


def _layout(header: str) -> _Layout:
    """Separator and field positions, from header names compared without case or padding."""
    separator = _separator(header)
    cleaned = [name.strip().lower() for name in header.split(separator)]
    while cleaned and not cleaned[-1]:
        cleaned.pop()  # trailing separator at the end of the header
    positions = {name: i for i, name in reversed(list(enumerate(cleaned)))}
    required = list(FIELDS)
    if "debit" not in positions and all(name in positions for name in SIGNED_AMOUNT):
        required = [name for name in required if name not in ("debit", "credit")]
        required += list(SIGNED_AMOUNT)
    missing = [_label(name) for name in required if name not in positions]
    if missing:
        raise unreadable("missing_fec_fields", "FEC", fields=", ".join(missing))
    return _Layout(separator, {name: positions[name] for name in required}, len(cleaned))


def _line(values: list[str], layout: _Layout, number: int) -> FecLine:
    while len(values) > layout.width and not values[-1].strip():
        values.pop()  # trailing separator at the end of the line
    if len(values) != layout.width:
        raise Problem("wrong_field_count", width=layout.width, count=len(values))
    raw = {name: values[i].strip() for name, i in layout.positions.items()}
    debit, credit = _debit_credit(raw)
    return FecLine(
        journal_code=raw["journalcode"],
        journal_lib=raw["journallib"],
        ecriture_num=raw["ecriturenum"],
        ecriture_date=_required_date(raw, "ecrituredate"),
        compte_num=raw["comptenum"],
        compte_lib=raw["comptelib"],
        comp_aux_num=raw["compauxnum"],
        comp_aux_lib=raw["compauxlib"],
        piece_ref=raw["pieceref"],
        piece_date=_date(raw, "piecedate"),
        ecriture_lib=raw["ecriturelib"],
        debit=debit,
        credit=credit,
        ecriture_let=raw["ecriturelet"],
        date_let=_date(raw, "datelet"),
        valid_date=_date(raw, "validdate"),
        montant_devise=_amount(raw, "montantdevise") if raw["montantdevise"] else None,
        idevise=raw["idevise"],
        line=number,
    )


def _debit_credit(raw: dict[str, str]) -> tuple[Decimal, Decimal]:
    if "debit" in raw:
        return _amount(raw, "debit"), _amount(raw, "credit")
    amount = _amount(raw, "montant")
    sens = _SENS.get(raw["sens"].upper())
    if sens is None:
        raise Problem("bad_sens", "Sens", text=raw["sens"], column="Sens")
    return (amount, Decimal(0)) if sens > 0 else (Decimal(0), amount)


def _amount(raw: dict[str, str], name: str) -> Decimal:
    """A FEC amount: ``1234,56`` (comma decimal per A47 A-1), zero-padded; empty = 0."""
    text = raw[name].replace(" ", "").replace("\xa0", "")
    if not text:
        return Decimal(0)
    if not _AMOUNT.fullmatch(text):
        raise _bad_value("not_an_amount", raw, name)
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern already refused it
        raise _bad_value("not_an_amount", raw, name) from None


def _date(raw: dict[str, str], name: str) -> date | None:
    """An optional FEC date, ``AAAAMMJJ`` (A47 A-1); empty means none."""
    return _required_date(raw, name) if raw[name] else None


def _required_date(raw: dict[str, str], name: str) -> date:
    try:
        return _calendar_date(raw[name])
    except ValueError:  # not 8 digits, or no such day (20241305); empty: worded as missing
        raise _bad_value("not_a_date", raw, name, format=DATE_FORMAT) from None


@lru_cache(maxsize=4096)
def _calendar_date(text: str) -> date:
    """``AAAAMMJJ`` to a date; cached because a year has few distinct dates."""
    if not _DATE.fullmatch(text):
        raise ValueError(text)
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def _bad_value(code: str, raw: dict[str, str], name: str, **params: str) -> Problem:
    """Problem ``code`` with the value of field ``name`` as written in the file."""
    label = _label(name)
    return Problem(code, label, text=raw[name], column=label, **params)


_LABELS = {name.lower(): name for name in (
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
    "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
    "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise", "Montant", "Sens",
)}


def _label(name: str) -> str:
    """The field name as A47 A-1 spells it, for messages."""
    return _LABELS.get(name, name)

