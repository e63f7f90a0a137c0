"""Trading parties and their French company identifiers.

EN 16931 identifies a party by (scheme, value) pairs whose schemes are ISO 6523
ICD codes: ``0002`` is the SIREN (9 digits, INSEE company number), ``0009`` the
SIRET (14 digits: SIREN + 5-digit establishment number). Both carry a Luhn
check digit; values failing it are ignored and noted, never guessed at.
A 14-digit value filed under 0002 (seen in real files) is read as a SIRET.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stdnum.eu import vat
from stdnum.fr import siren, siret

SIREN_SCHEME = "0002"
SIRET_SCHEME = "0009"


@dataclass(frozen=True, slots=True)
class Party:
    """What a reminder needs to know about the seller or the buyer."""

    name: str | None = None
    siren: str | None = None
    siret: str | None = None
    vat: str | None = None
    email: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CompanyIds:
    siren: str | None
    siret: str | None
    notes: tuple[str, ...]


def company_ids(role: str, identifiers: Iterable[tuple[str | None, str]]) -> CompanyIds:
    """The first valid SIREN and SIRET among ``(scheme, value)`` identifiers.

    >>> company_ids("buyer", [("0009", "78787878400018")])
    CompanyIds(siren='787878784', siret='78787878400018', notes=())
    >>> company_ids("buyer", [("0002", "987654321")]).notes
    ("buyer SIREN '987654321' ignored: invalid check digit",)
    """
    found_siren: str | None = None
    found_siret: str | None = None
    notes: list[str] = []
    for scheme, raw in identifiers:
        if scheme not in (SIREN_SCHEME, SIRET_SCHEME):
            continue
        value_siren, value_siret, note = _read_id(raw)
        found_siren = found_siren or value_siren
        found_siret = found_siret or value_siret
        if note:
            notes.append(f"{role} {note}")
    return CompanyIds(found_siren, found_siret, tuple(notes))


def _read_id(raw: str) -> tuple[str | None, str | None, str | None]:
    """(SIREN, SIRET, note) from one value: a SIRET's first 9 digits are its SIREN."""
    value = siret.compact(raw)
    if len(value) == 14 and siret.is_valid(value):
        return value[:9], value, None
    if len(value) == 14 and siren.is_valid(value[:9]):
        return value[:9], None, f"SIRET {raw!r} ignored (invalid check digit), its SIREN kept"
    if len(value) == 9 and siren.is_valid(value):
        return value, None, None
    kind = "SIRET" if len(value) == 14 else "SIREN"
    return None, None, f"{kind} {raw!r} ignored: invalid check digit"


def vat_number(raw: str | None) -> str | None:
    """The VAT identifier without spaces or dots (``FR 05 987…`` → ``FR05987…``)."""
    return vat.compact(raw) if raw else None
