"""The organization's saved CSV column mappings: which one reads a file, and a preview.

A bank's CSV export has no recognisable shape (``relance.formats.bank.detect`` finds
nothing), so it is read through one of the organization's :class:`BankCsvMapping`:
the one the user names, else the only one whose columns all appear in the file's header
row. When none fits, :class:`CsvMappingNeeded` says which columns each saved mapping
misses, so the user corrects a mapping or defines one (``relance bank-mapping add`` or
the settings page) instead of guessing.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from relance.errors import FormatError, InputError, NotFound
from relance.formats import RowError
from relance.formats.bank import BankLine, detect
from relance.formats.bank.csvbank import parse_csv, text_encoding
from relance.imports import wording
from relance.ledger.models import BankCsvMapping, Organization

#: The header is looked for in the first bytes only: enough for any bank's preamble.
HEAD_BYTES = 64 * 1024
HOW_TO_DEFINE = ("define one with `relance bank-mapping add` or on the web page "
                 "Settings → Bank CSV formats")


class CsvMappingNeeded(FormatError):
    """No saved mapping, or not exactly one, reads this CSV statement.

    ``missing`` gives, for each saved mapping, the columns the file's header lacks;
    ``fitting`` the names of the mappings that would all fit (when several do);
    ``header`` the header cells found. The web page words it in the user's language.
    """

    def __init__(self, file: str, header: list[str], missing: dict[str, list[str]],
                 fitting: list[str]):
        self.file, self.header, self.missing, self.fitting = file, header, missing, fitting
        super().__init__(self._english())

    def _english(self) -> str:
        if self.fitting:
            return (f"{self.file}: several saved CSV mappings fit this file "
                    f"({', '.join(self.fitting)}); choose one with --mapping NAME")
        if not self.missing:
            return (f"{self.file}: not a recognised bank statement (camt.05x XML, CFONB 120, "
                    f"OFX, MT940), and a CSV statement is read through a saved column "
                    f"mapping, which this organization does not have yet: {HOW_TO_DEFINE}")
        lacks = "; ".join(f"{', '.join(columns)} for {name!r}"
                          for name, columns in self.missing.items())
        return (f"{self.file}: no saved CSV mapping fits this file's header "
                f"({'; '.join(self.header) or 'empty'}); missing columns: {lacks}. Correct "
                f"a mapping or {HOW_TO_DEFINE}")


def mappings_of(org: Organization) -> list[BankCsvMapping]:
    """By name, sorted here: the databases' collations would order them differently."""
    rows = BankCsvMapping.objects.filter(organization=org)
    return sorted(rows, key=lambda row: (row.name.casefold(), row.name))


def mapping_named(org: Organization, name: str) -> BankCsvMapping:
    """The mapping called ``name`` (exact, else ignoring case), or :class:`NotFound`."""
    rows = BankCsvMapping.objects.filter(organization=org)
    row = rows.filter(name=name).first() or rows.filter(name__iexact=name).first()
    if row is None:
        known = ", ".join(rows.values_list("name", flat=True)) or "none yet"
        raise NotFound(f"no CSV mapping named {name!r} (saved: {known})")
    return row


def header_of(data: bytes, row: BankCsvMapping) -> list[str]:
    """The header cells as ``row`` reads them (its encoding, delimiter and skipped rows).

    Undecodable bytes become U+FFFD so a wrong encoding shows as ``D�bit`` in the
    header the user is shown, rather than as an exception.
    """
    encoding = text_encoding(data, row.encoding)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(data[:HEAD_BYTES])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=row.delimiter)
    try:
        for number, cells in enumerate(reader):
            if number == row.skip_rows:
                return [cell.strip() for cell in cells]
    except csv.Error:
        pass
    return []


def shown_header(data: bytes, skip_rows: int = 0) -> list[str]:
    """The header as a person would read it, whatever the mappings say: UTF-8 else
    Windows-1252, split on the most frequent of ``;`` ``,`` tab ``|``."""
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(data[:HEAD_BYTES])
    except UnicodeDecodeError:
        text = data[:HEAD_BYTES].decode("cp1252", errors="replace")
    lines = text.splitlines()[skip_rows:skip_rows + 1] or [""]
    delimiter = max(";,\t|", key=lines[0].count)
    return [cell.strip() for cell in next(csv.reader(lines, delimiter=delimiter), [])]


def missing_columns(data: bytes, row: BankCsvMapping) -> list[str]:
    """The columns of ``row`` absent from the file's header (case and spaces ignored)."""
    found = {cell.casefold() for cell in header_of(data, row)}
    return [column for column in row.csv_mapping().columns().values()
            if column.strip().casefold() not in found]


def fitting(org: Organization, data: bytes) -> list[BankCsvMapping]:
    """The organization's mappings whose columns all appear in the file's header."""
    return [row for row in mappings_of(org) if not missing_columns(data, row)]


def needs_mapping(data: bytes) -> bool:
    """A text file of no known statement format: a CSV, read through a mapping."""
    return detect(data) is None and b"\x00" not in data[:4096]


def choose(org: Organization, data: bytes, file: str, name: str | None = None
           ) -> BankCsvMapping:
    """The mapping named ``name``, else the only one fitting the header (see module)."""
    if name:
        return mapping_named(org, name)
    rows = mappings_of(org)
    missing = {row.name: missing_columns(data, row) for row in rows}
    fits = [row for row in rows if not missing[row.name]]
    if len(fits) == 1:
        return fits[0]
    header = shown_header(data, rows[0].skip_rows if rows else 0)
    if fits:
        raise CsvMappingNeeded(file, header, {}, [row.name for row in fits])
    raise CsvMappingNeeded(file, header, missing, [])


@dataclass
class Preview:
    """What a mapping makes of a sample: header found, first lines, row errors, or why not."""

    header: list[str] = field(default_factory=list)
    lines: list[BankLine] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    problem: str = ""
    total: int = 0


def preview(data: bytes, row: BankCsvMapping, limit: int = 10) -> Preview:
    """The first ``limit`` lines ``row`` reads from ``data``, as the import would."""
    result = Preview(header=header_of(data, row))
    try:
        [statement], errors = parse_csv(data, row.csv_mapping())
    except FormatError as exc:
        result.problem = wording.problem(exc)
        return result
    except (ValueError, LookupError) as exc:
        result.problem = str(exc)
        return result
    result.lines, result.errors = list(statement.lines[:limit]), errors[:limit]
    result.total = len(statement.lines)
    return result


def sample_head(data: bytes, lines: int = 40) -> bytes:
    """The first ``lines`` lines of a sample, cut at a line end (kept for the preview)."""
    head, end = data[:HEAD_BYTES // 2], 0
    for _ in range(lines):
        found = head.find(b"\n", end)
        if found < 0:
            return head if len(head) == len(data) or not end else head[:end]
        end = found + 1
    return head[:end]


def save(org: Organization, name: str, values: dict) -> tuple[BankCsvMapping, bool]:
    """Create or replace the mapping ``name`` (CLI ``add``); :class:`InputError` if wrong.

    Fields missing from ``values`` take their defaults, so a replacement is a whole new
    definition, not a merge.
    """
    row = BankCsvMapping.objects.filter(organization=org, name=name).first()
    fresh = BankCsvMapping(organization=org, name=name, **values)
    if row is not None:
        fresh.pk, fresh.created_at = row.pk, row.created_at
    try:
        fresh.full_clean(validate_unique=False)
        fresh.csv_mapping()
    except ValidationError as exc:
        raise InputError("; ".join(f"{key}: {' '.join(messages)}" for key, messages
                                   in exc.message_dict.items())) from None
    except (ValueError, LookupError) as exc:
        raise InputError(str(exc)) from None
    fresh.save()
    return fresh, row is None
