"""Reading what a payer wrote: company names, invoice numbers, RF creditor references.

Remittance text is free ("VIR SEPA ATELIER NORD FACT F-2026-012 ET 013"), truncated to
140 characters by SEPA (EPC rulebook, field AT-05) and often upper-cased by the bank.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

#: French and common foreign legal forms, dropped before names are compared: the
#: payer's bank writes "ATELIER NORD SARL" for the customer "Atelier Nord".
LEGAL_FORMS = frozenset({
    "SA", "SAS", "SASU", "SARL", "EURL", "SNC", "SCS", "SCA", "SCI", "SCP", "SCOP", "SEL",
    "SELARL", "SELAS", "GIE", "EI", "EIRL", "SEM", "STE", "SOCIETE", "ETS", "ETABLISSEMENTS",
    "CIE", "GMBH", "AG", "LTD", "LLC", "INC", "PLC", "BV", "NV", "SPA", "SRL", "SL",
})

_NOT_WORD = re.compile(r"[^0-9A-Z]+")
_WORD = re.compile(r"[0-9A-Z]+")
_DOTTED = re.compile(r"\b([A-Za-z])\.(?=[A-Za-z]\b\.?)")
_RUN = re.compile(r"[0-9A-Za-z]+")
_RF_START = re.compile(r"(?<![0-9A-Za-z])RF[0-9]{2}(?:\s?[0-9A-Za-z]){1,21}", re.IGNORECASE)


@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """A company name reduced for comparison: upper case, no accents, no legal form.

    Cached: a payer's name comes back on every statement.

    >>> normalize_name("Société Générale d'Électricité S.A.R.L.")
    'GENERALE D ELECTRICITE'
    """
    return normalized_name(name)


def normalized_name(name: str) -> str:
    """:func:`normalize_name` without the cache, for the book's many distinct names."""
    plain = name if name.isascii() else (
        unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii"))
    if "." in plain:
        # "S.A.R.L." and "S.A." are written with dots: glue single letters back first.
        plain = _DOTTED.sub(r"\1", plain)
    return " ".join([word for word in _WORD.findall(plain.upper()) if word not in LEGAL_FORMS])


def compact(reference: str) -> str:
    """Only the letters and digits of ``reference``, upper case: "F-2026/12" -> "F202612"."""
    return _NOT_WORD.sub("", reference.upper())


def word_runs(reference: str) -> list[str]:
    """The runs of letters and digits of ``reference``: "F-2026-012" -> F, 2026, 012."""
    return _RUN.findall(reference)


def word_spans(text: str) -> list[tuple[int, int]]:
    """Where the runs of letters and digits of ``text`` start and end.

    An invoice number quoted as a whole token starts at the start of one and ends at
    the end of one (possibly another): it is never glued to another letter or digit.
    """
    return [m.span() for m in _RUN.finditer(text)]


def rf_reference(invoice_number: str) -> str:
    """The ISO 11649 creditor reference ("RF" + 2 check digits + body) of an invoice.

    The body is the invoice number's letters and digits (at most 21, ISO 11649 §4); the
    check digits are ISO 7064 MOD 97-10 over body + "RF" + "00", as for an IBAN. Print it
    in blocks of four with ``stdnum.iso11649.format``.

    >>> rf_reference("F-2026-012")
    'RF23F2026012'
    """
    body = compact(invoice_number)
    if not body or len(body) > 21:
        raise ValueError(f"{invoice_number!r} cannot be an ISO 11649 reference body "
                         "(1 to 21 letters or digits)")
    return iso11649.validate("RF" + mod_97_10.calc_check_digits(body + "RF") + body)


def rf_bodies(text: str) -> list[str]:
    """The bodies of the valid RF creditor references written in ``text``.

    A reference may be printed in blocks of four ("RF23 F202 6012"); the longest prefix
    made of whole blocks that passes the check digits is taken, so the word that
    follows it is not swallowed.
    """
    bodies: list[str] = []
    if text.isascii() and "RF" not in text.upper():  # the usual case, found at C speed
        return bodies
    for match in _RF_START.finditer(text):
        blocks = match.group(0).split()
        for size in range(len(blocks), 0, -1):
            candidate = "".join(blocks[:size])
            if len(candidate) >= 5 and iso11649.is_valid(candidate):
                bodies.append(candidate[4:].upper())
                break
    return bodies
