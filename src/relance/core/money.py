"""Money: one frozen value, a ``Decimal`` amount and an ISO 4217 currency.

Built from ``str``, ``int`` or ``Decimal`` only: a ``float`` is refused because
``0.1 + 0.2`` is not ``0.3`` and a collection tool must be right to the cent.
Amounts of different currencies never mix; the database stores integer minor
units (``to_minor`` / ``from_minor``); formatting happens at the edge (Babel).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 minor units for the currencies we meet; any other has 2.
_MINOR_UNITS = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "XOF": 0, "XAF": 0, "XPF": 0,
                "BHD": 3, "KWD": 3, "OMR": 3, "TND": 3, "JOD": 3}

CENT = Decimal("0.01")
#: Ten thousand billion: no invoice, promise or bank movement a collector handles comes
#: near it, so a larger amount is a misread column or a typing error. Below it, an amount
#: in minor units fits the database's 64-bit integers with room to sum a whole book.
TOO_LARGE = Decimal(10) ** 13
#: Ten billion: the limit of one invoice (or credit) imported. A book holds up to
#: millions of them, and a million at this limit still add up, in cents, within the
#: 64-bit integers the databases sum (at ``TOO_LARGE`` a thousand would not).
INVOICE_LIMIT = Decimal(10) ** 10


class MoneyError(ValueError):
    """A value that is not an amount of money, or a mix of currencies."""


def minor_units(currency: str) -> int:
    """Number of decimals of ``currency`` (ISO 4217): 2 for EUR, 0 for JPY."""
    return _MINOR_UNITS.get(currency, 2)


def quantum(currency: str) -> Decimal:
    """The smallest amount of ``currency``: ``Decimal('0.01')`` for EUR."""
    return Decimal(1).scaleb(-minor_units(currency))


def invoice_amount_problem(amount: Decimal, currency: str) -> str | None:
    """Why ``amount`` cannot be an invoice's (or a credit's) in ``currency``, if it cannot:
    ``invoice_too_large`` from :data:`INVOICE_LIMIT` up, checked first (quantizing a
    31-digit amount overflows the decimal context), then ``too_many_decimals`` for more
    decimals than the currency has (10.123 €)."""
    if abs(amount) >= INVOICE_LIMIT:
        return "invoice_too_large"
    if amount != amount.quantize(quantum(currency)):
        return "too_many_decimals"
    return None


def to_decimal(value: str | int | Decimal) -> Decimal:
    """An exact ``Decimal`` from text, an integer or a ``Decimal``; never a float.

    >>> to_decimal("1234.56")
    Decimal('1234.56')
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError(f"money must not be a float or bool: {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise MoneyError(f"not an amount: {value!r}") from None
    else:
        raise MoneyError(f"money must be str, int or Decimal, not {type(value).__name__}")
    if not result.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}")
    return result


def round_half_up(amount: Decimal, currency: str = "EUR") -> Decimal:
    """Round to the currency's minor unit, half away from zero (the French usage)."""
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal, currency: str) -> int:
    """Integer minor units for storage; refuses an amount finer than the currency allows."""
    scaled = to_decimal(amount).scaleb(minor_units(currency))
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{amount} has more decimals than {currency} allows")
    return int(scaled)


def from_minor(units: int, currency: str) -> Decimal:
    """The ``Decimal`` amount of ``units`` minor units, with the currency's decimals."""
    return Decimal(units).scaleb(-minor_units(currency)).quantize(quantum(currency))


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency. Arithmetic refuses to mix currencies."""

    amount: Decimal
    currency: str = "EUR"

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise MoneyError(f"not an ISO 4217 currency code: {self.currency!r}")

    @classmethod
    def of(cls, value: str | int | Decimal, currency: str = "EUR") -> Money:
        return cls(to_decimal(value), currency)

    @classmethod
    def zero(cls, currency: str = "EUR") -> Money:
        return cls(Decimal(0), currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise MoneyError(f"cannot combine money with {type(other).__name__}")
        if other.currency != self.currency:
            raise MoneyError(f"cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def __bool__(self) -> bool:
        return bool(self.amount)

    def rounded(self) -> Money:
        return Money(round_half_up(self.amount, self.currency), self.currency)

    @property
    def minor(self) -> int:
        return to_minor(self.amount, self.currency)

    def __str__(self) -> str:
        return f"{self.amount.quantize(quantum(self.currency))} {self.currency}"
