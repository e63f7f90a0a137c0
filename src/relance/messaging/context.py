"""What a reminder message says, as plain frozen values (no Django, no clock).

The dunning service builds one :class:`MessageContext` per customer, step and day
(spec/dunning-rules.md, rule 8: the customer's invoices that reach a step together go
in one message) and the renderer turns it into text. Amounts are ``Decimal`` in the
message's currency; a float is refused at construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from relance.core.money import to_decimal
from relance.messaging.formatting import locale_of


@dataclass(frozen=True, slots=True)
class MessageInvoice:
    """One invoice as a message lists it: ``balance`` is what is still owed on it.

    Messages show the remaining balance (rule 1 of the dunning rules), and the original
    amount beside it when a payment or a credit note has reduced it.
    """

    number: str
    issued: date
    due: date
    amount: Decimal
    balance: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        object.__setattr__(self, "balance", to_decimal(self.balance))

    @property
    def partly_paid(self) -> bool:
        """True when the balance differs from the invoiced amount."""
        return self.balance != self.amount


@dataclass(frozen=True, slots=True)
class Signature:
    """Who signs: a person of the finance function, never a salesperson."""

    name: str
    function: str
    email: str
    phone: str = ""


@dataclass(frozen=True, slots=True)
class MessageContext:
    """Everything a template may show for one customer, step and language.

    ``late_interest`` and ``indemnity`` are the totals for the listed invoices, in the
    message's currency (the indemnity is 40 € per invoice paid late, Code de commerce
    D441-5). A consumer (B2C) owes no indemnity, so a consumer context refuses one.
    ``deadline`` is the last day to pay that a formal notice gives. Optional values left
    at ``None`` are *undefined* in templates: using one where it is missing is an error,
    never an empty hole in a sent message.
    """

    step: str
    language: str
    organization_name: str
    customer_name: str
    contact_first_name: str | None
    invoices: tuple[MessageInvoice, ...]
    currency: str
    signature: Signature
    consumer: bool = False
    payment_terms_days: int | None = None
    late_interest: Decimal | None = None
    indemnity: Decimal | None = None
    deadline: date | None = None
    portal_url: str | None = None
    iban: str | None = None
    copies_attached: bool = True  # the invoices' PDFs go with the message

    def __post_init__(self) -> None:
        locale_of(self.language)
        object.__setattr__(self, "invoices", tuple(self.invoices))
        if not self.invoices:
            raise ValueError("a message lists at least one invoice")
        for name in ("late_interest", "indemnity"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, to_decimal(value))
        if self.consumer and self.indemnity:
            # Code de commerce L441-10 applies between professionals only.
            raise ValueError("a consumer (B2C) owes no fixed recovery indemnity")

    @property
    def total_due(self) -> Decimal:
        """The sum of the listed invoices' remaining balances."""
        return sum((invoice.balance for invoice in self.invoices), Decimal(0))

    @property
    def total_claimed(self) -> Decimal:
        """What a formal notice claims: balances, late interest and (B2B) the indemnity."""
        extras = (self.late_interest, None if self.consumer else self.indemnity)
        return self.total_due + sum((x for x in extras if x is not None), Decimal(0))


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    """A rendered message: a one-line subject and a plain-text body ending with a newline."""

    subject: str
    text: str


@dataclass(frozen=True, slots=True)
class MessageTemplate:
    """The Jinja source of one message: its subject line and its body."""

    subject: str
    body: str
