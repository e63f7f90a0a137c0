"""Import by kind, or from a watched folder where files of any kind are dropped.

Each file is recognised by its content (``relance.formats.sniff``; a CSV bank export by
the organization's one saved mapping whose columns its header holds), imported, then
moved to ``done/`` or ``rejected/`` beside a ``.report.txt`` with what happened (in the
active language: ``relance import --watch DIR --language fr`` writes French), so
a file is never imported twice by the folder and never silently lost. Every file is
also a run on the imports page, of origin "watched folder": a rejected one too, with
why, since nobody was there to see it refused.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from django.utils.translation import gettext

from relance.errors import FormatError
from relance.formats.problems import unreadable
from relance.formats.sniff import kind_of
from relance.imports import bank_csv, wording
from relance.imports.report import ImportReport
from relance.imports.runs import IMPORTERS, import_file, record_refusal
from relance.ledger.models import Organization

__all__ = ["IMPORTERS", "kind_in_folder", "run_import", "watch_once"]

log = logging.getLogger(__name__)


def run_import(kind: str, org: Organization, path: Path, day: date,
               mapping: str | None = None, origin: str = "command") -> ImportReport:
    """Import one file and record its run (``relance.imports.runs``); ``mapping`` names
    the saved mapping a CSV bank statement needs."""
    return import_file(org, kind, path.read_bytes(), path.name, day, origin=origin,
                       mapping=mapping)[0]


def kind_in_folder(org: Organization, data: bytes) -> str | None:
    """The file's kind; a CSV of no other kind is a bank export if exactly one saved
    mapping fits its header (several or none: left for a human)."""
    kind = kind_of(data)
    if kind is None and bank_csv.needs_mapping(data) and len(bank_csv.fitting(org, data)) == 1:
        return "bank"
    return kind


def watch_once(org: Organization, folder: Path, day: date) -> list[str]:
    """Import every file of ``folder``; returns one summary per file, worded like its
    ``.report.txt`` in the active language."""
    lines = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        kind = kind_in_folder(org, path.read_bytes())
        try:
            if kind is None:
                raise unreadable("not_recognised", path.name)
            report = run_import(kind, org, path, day, origin="folder")
            text, target = wording.summary(report), "done"
        except FormatError as exc:
            text, target = _refused(path.name, exc), "rejected"
            record_refusal(org, kind, path.name, exc, origin="folder")
        except Exception as exc:  # noqa: BLE001 - one file must not stop the watcher
            # A defect of ours, not of the file: logged with its traceback, the file set
            # aside (its import was rolled back) so that the next ones are imported.
            log.exception("importing %s from the watched folder failed", path.name)
            error = unreadable("import_failed", path.name, detail=f"{type(exc).__name__}: {exc}")
            text, target = _refused(path.name, error), "rejected"
            record_refusal(org, kind, path.name, error, origin="folder")
        destination = folder / target
        destination.mkdir(exist_ok=True)
        path.replace(destination / path.name)
        (destination / f"{path.name}.report.txt").write_text(text + "\n", encoding="utf-8")
        lines.append(f"[{kind or '?'}] {text}")
    return lines


def _refused(name: str, error: FormatError) -> str:
    return gettext("%(file)s: rejected, nothing imported: %(reason)s") % {
        "file": name, "reason": wording.refusal(error, "command")}
