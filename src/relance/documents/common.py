"""Records both documents share: the parties, who signs, and the SEPA transfer asked for.

Pure values (no Django, no clock). Amounts are ``Decimal``; a float is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from relance.core.money import to_decimal
from relance.core.penalties import Reduction

LANGUAGES = ("fr", "en")
# EPC069-12 (SEPA credit-transfer QR code): euro only, these bounds, these lengths.
EPC_MIN, EPC_MAX = Decimal("0.01"), Decimal("999999999.99")
EPC_NAME_MAX, EPC_TEXT_MAX = 70, 140


@dataclass(frozen=True, slots=True)
class Party:
    """A creditor or a debtor as a letter heads it; ``address`` may hold several lines."""

    name: str
    siren: str = ""
    address: str = ""


@dataclass(frozen=True, slots=True)
class Signatory:
    """Who signs for the creditor: a person of the finance function, with their function."""

    name: str
    function: str


@dataclass(frozen=True, slots=True)
class BankDetails:
    """The creditor's account for the transfer; the IBAN is kept without spaces."""

    iban: str
    bic: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "iban", "".join(self.iban.split()).upper())
        object.__setattr__(self, "bic", "".join(self.bic.split()).upper())


@dataclass(frozen=True, slots=True)
class TransferRequest:
    """The fields of an EPC069-12 "SEPA credit transfer" QR code (version 002).

    The European Payments Council guideline EPC069-12 defines the payload: beneficiary
    name (at most 70 characters), IBAN, optional BIC, amount in euro from 0.01 to
    999 999 999.99, and an unstructured remittance text (at most 140 characters).
    """

    name: str
    iban: str
    amount: Decimal
    text: str
    bic: str = ""

    def epc_arguments(self) -> dict[str, object]:
        """Keyword arguments for ``segno.helpers.make_epc_qr``."""
        return {"name": self.name, "iban": self.iban, "amount": self.amount,
                "text": self.text, "bic": self.bic or None}


def transfer_request(creditor: Party, bank: BankDetails | None, amount: Decimal,
                     currency: str, numbers: Iterable[str]) -> TransferRequest | None:
    """The QR code's transfer for ``amount``, or ``None`` when EPC069-12 cannot carry it.

    The remittance text lists the invoice numbers, whole, so the payment is matched to
    them when it arrives (an invoice number found as a whole token in a reference).
    """
    amount = to_decimal(amount)
    if bank is None or not bank.iban or currency != "EUR" or not EPC_MIN <= amount <= EPC_MAX:
        return None
    return TransferRequest(creditor.name[:EPC_NAME_MAX].strip(), bank.iban, amount,
                           remittance_text(numbers), bank.bic)


def remittance_text(numbers: Iterable[str]) -> str:
    """Invoice numbers separated by spaces, as many whole ones as fit in 140 characters."""
    numbers = [n.strip() for n in numbers if n.strip()]
    text = ""
    for number in numbers:
        candidate = f"{text} {number}".strip()
        if len(candidate) > EPC_TEXT_MAX:
            break
        text = candidate
    # EPC069-12 needs a remittance: a first number too long for it is cut, not dropped.
    return text or (numbers[0][:EPC_TEXT_MAX] if numbers else "")


def dated_until(reductions: Iterable[Reduction], day: date) -> tuple[Reduction, ...]:
    """The payments and credit notes dated on or before ``day``: what was known that day."""
    return tuple((when, to_decimal(value)) for when, value in reductions if when <= day)


def check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
