"""The report every import returns: created, updated, unchanged, rejected, row by row.

``rejected`` holds the rows left out; ``warnings`` the problems found in rows that were
imported all the same (a bank statement whose balances do not add up). :meth:`summary`
is the English text of logs and report files; ``relance.imports.wording`` says the
same in the user's language.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from relance.formats import RowError

OUTCOMES = ("created", "updated", "unchanged")


@dataclass
class ImportReport:
    file: str
    rows: list[tuple[int | None, str, str, str]] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    reconciliation: dict[str, int] = field(default_factory=dict)
    warnings: list[RowError] = field(default_factory=list)

    def add(self, line: int | None, kind: str, ref: str, outcome: str) -> None:
        assert outcome in OUTCOMES
        self.rows.append((line, kind, ref, outcome))

    def count(self, outcome: str, kind: str | None = None) -> int:
        return sum(1 for _l, k, _r, o in self.rows if o == outcome and kind in (None, k))

    @property
    def changed(self) -> bool:
        return any(o != "unchanged" for *_x, o in self.rows)

    def summary(self) -> str:
        by_kind = Counter((k, o) for _l, k, _r, o in self.rows)
        kinds = sorted({k for k, _o in by_kind})
        parts = [f"{k}: " + ", ".join(f"{by_kind[(k, o)]} {o}" for o in OUTCOMES if by_kind[(k, o)])
                 for k in kinds]
        warned = len(self.warnings)
        lines = [f"{self.file}: " + ("; ".join(parts) or "nothing to import")
                 + f"; {len(self.rejected)} rejected"
                 + (f"; {warned} warning{'s' if warned > 1 else ''}" if warned else "")]
        if self.reconciliation:
            lines.append("  payments: " + ", ".join(f"{n} {status}" for status, n
                                                    in self.reconciliation.items()))
        lines += [f"  rejected {self.file} {e}" for e in self.rejected]
        lines += [f"  warning {self.file} {e}" for e in self.warnings]
        return "\n".join(lines)
