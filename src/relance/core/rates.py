"""The rates French late-payment penalties are computed with, one row per semester.

Two official rates change every half-year and are kept as data (``relance/data/rates.csv``),
each row with its source, never hard-coded in a rule:

* the **ECB main refinancing operations rate** in force on 1 January (for days in
  January–June) or on 1 July (for days in July–December). Code de commerce L441-10 II
  makes it, plus 10 points, the default B2B late-payment rate;
* the French **taux de l'intérêt légal** (Code monétaire et financier L313-2 and D313-1-A),
  fixed per semester by an arrêté published in the Journal officiel since 2015, in two
  versions: for claims of private individuals not acting for business (``particuliers``)
  and "for all other cases" (``autres cas``). Before 2015 a décret fixed one rate per year;
  the table then repeats it in both halves and both columns.

A semester missing from the table is never guessed here: :meth:`RateTable.rates` raises
:class:`relance.errors.RateMissing` naming it; the caller may choose a provisional estimate
(see :func:`relance.core.penalties.late_interest`). The table is immutable: a user-added
semester gives a new table (:meth:`RateTable.with_rate`).
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import resources
from types import MappingProxyType

from relance.core.money import MoneyError, to_decimal
from relance.errors import RateMissing, RowError

COLUMNS = ("year", "half", "ecb_mro", "legal_other", "legal_private", "source")


@dataclass(frozen=True, order=True, slots=True)
class Semester:
    """A half-year: ``half`` 1 is January–June, 2 is July–December. Prints as ``2026 H2``."""

    year: int
    half: int

    def __post_init__(self) -> None:
        if self.half not in (1, 2):
            raise ValueError(f"a semester's half is 1 or 2, not {self.half!r}")

    def __str__(self) -> str:
        return f"{self.year} H{self.half}"

    @property
    def first_day(self) -> date:
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    def next(self) -> Semester:
        return Semester(self.year, 2) if self.half == 1 else Semester(self.year + 1, 1)


def semester_of(day: date) -> Semester:
    """The semester ``day`` falls in: ``semester_of(date(2025, 7, 1))`` is ``2025 H2``."""
    return Semester(day.year, 1 if day.month <= 6 else 2)


@dataclass(frozen=True, slots=True)
class SemesterRates:
    """The official rates of one semester, annual percentages (``Decimal("2.15")`` = 2.15 %)."""

    semester: Semester
    ecb: Decimal
    legal_other: Decimal
    legal_private: Decimal
    source: str = ""


def missing_message(semester: Semester) -> str:
    """What the user reads when ``semester`` is not in the table, and how to fix it."""
    return (f"no penalty rates for {semester}: add the ECB main refinancing rate and both "
            f"legal interest rates of {semester} with the `relance rates add` command, "
            f"or add a row for {semester} to the rate table (rates.csv)")


@dataclass(frozen=True)
class RateTable:
    """Official rates by semester; pure and immutable once built."""

    rows: tuple[SemesterRates, ...] = ()
    _index: MappingProxyType[Semester, SemesterRates] = field(
        init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.rows, key=lambda r: r.semester))
        twice = {str(a.semester) for a, b in itertools.pairwise(ordered)
                 if a.semester == b.semester}
        if twice:
            raise ValueError(f"a semester appears twice in the rate table: {sorted(twice)}")
        object.__setattr__(self, "rows", ordered)
        object.__setattr__(self, "_index", MappingProxyType({r.semester: r for r in ordered}))

    def __contains__(self, semester: object) -> bool:
        return semester in self._index

    @property
    def semesters(self) -> tuple[Semester, ...]:
        return tuple(r.semester for r in self.rows)

    def rates(self, semester: Semester) -> SemesterRates:
        """The row of ``semester``; raises :class:`RateMissing` naming it when absent."""
        try:
            return self._index[semester]
        except KeyError:
            raise RateMissing(missing_message(semester), str(semester)) from None

    def ecb(self, semester: Semester) -> Decimal:
        """ECB main refinancing rate in force on the semester's first day (L441-10 II)."""
        return self.rates(semester).ecb

    def legal(self, semester: Semester, private_individual: bool = False) -> Decimal:
        """Taux de l'intérêt légal (CMF L313-2): ``private_individual`` when the *creditor*
        is a person not acting for business, else the rate "for all other cases"."""
        row = self.rates(semester)
        return row.legal_private if private_individual else row.legal_other

    def last_known(self, semester: Semester) -> SemesterRates:
        """The latest row at or before ``semester``: the basis of a provisional estimate.

        Raises :class:`RateMissing` when the table has nothing that early.
        """
        known = [r for r in self.rows if r.semester <= semester]
        if not known:
            raise RateMissing(missing_message(semester), str(semester))
        return known[-1]

    def with_rate(self, rates: SemesterRates) -> RateTable:
        """A new table with ``rates`` added (or replacing the row of the same semester)."""
        kept = tuple(r for r in self.rows if r.semester != rates.semester)
        return RateTable(kept + (rates,))


class _BadField(ValueError):
    """A value of one column that cannot be used."""

    def __init__(self, field_name: str | None, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name


def _value(record: dict[str | None, str | None], name: str) -> str:
    return (record.get(name) or "").strip()


def _percent(record: dict[str | None, str | None], name: str) -> Decimal:
    text = _value(record, name)
    try:
        value = to_decimal(text)
    except MoneyError:
        raise _BadField(name, f"a percentage like 2.15 is expected, not {text!r}") from None
    if not 0 <= value < 100:
        raise _BadField(name, f"a percentage between 0 and 100 is expected, not {text!r}")
    return value


def _semester(record: dict[str | None, str | None]) -> Semester:
    year, half = _value(record, "year"), _value(record, "half")
    if not (year.isdigit() and len(year) == 4):
        raise _BadField("year", f"a four-digit year is expected, not {year!r}")
    if half not in ("1", "2"):
        raise _BadField("half", f"half is 1 (January-June) or 2 (July-December), not {half!r}")
    return Semester(int(year), int(half))


def _row(record: dict[str | None, str | None]) -> SemesterRates:
    if None in record:  # csv.DictReader keeps surplus fields under the key None
        raise _BadField(None, "more fields than columns (a decimal comma instead of a dot?)")
    return SemesterRates(_semester(record), _percent(record, "ecb_mro"),
                         _percent(record, "legal_other"), _percent(record, "legal_private"),
                         _value(record, "source"))


def parse_rates_csv(text: str) -> tuple[RateTable, list[RowError]]:
    """Read a rate table: ``year,half,ecb_mro,legal_other,legal_private,source``.

    Rates are annual percentages with a dot (``2.15``). A bad row, or a second row for
    the same semester, is reported as a :class:`RowError` and left out (the first row of
    a semester is kept); the others load. A text without the needed columns gives an
    empty table and one error.
    """
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in COLUMNS[:-1] if name not in (reader.fieldnames or ())]
    if missing:
        return RateTable(), [RowError(1, f"missing columns: {', '.join(missing)}")]
    rows: dict[Semester, SemesterRates] = {}
    errors: list[RowError] = []
    for record in reader:
        try:
            row = _row(record)
        except _BadField as exc:
            errors.append(RowError(reader.line_num, str(exc), exc.field_name))
            continue
        if row.semester in rows:
            errors.append(RowError(reader.line_num, f"{row.semester} is already in the table"))
        else:
            rows[row.semester] = row
    return RateTable(tuple(rows.values())), errors


def load_default() -> RateTable:
    """The rate table shipped with Relance (the one file read of this module).

    A packaged file with a bad row is a release bug, so it raises instead of hiding it.
    """
    text = resources.files("relance.data").joinpath("rates.csv").read_text(encoding="utf-8")
    table, errors = parse_rates_csv(text)
    if errors:
        raise ValueError("packaged rates.csv: " + "; ".join(map(str, errors)))
    return table
