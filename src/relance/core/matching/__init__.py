"""Bank reconciliation: which open invoices a bank credit pays, how sure, and why.

Most wrong reminders come from a payment the tool did not see or matched wrongly, so a
match is automatic only when the evidence is plain (the payer quoted the invoice and
paid its amount, or paid it from the customer's known account); anything less goes to
a collector with the candidates and the reasons. See :mod:`.engine` for the search,
:mod:`.evidence` for the weights and :mod:`.decide` for the decision and allocation.

>>> from datetime import date
>>> from decimal import Decimal
>>> book = [OpenItem("F-2026-012", "C1", "Atelier Nord", "EUR", date(2026, 3, 31),
...                  Decimal("1200.00"))]
>>> line = BankCredit(Decimal("1200.00"), "EUR", date(2026, 4, 2), "ATELIER NORD SARL",
...                   remittance="VIR FACT F-2026-012")
>>> result = Matcher(book).match(line)
>>> result.decision, result.allocations
('auto', (('F-2026-012', Decimal('1200.00')),))
"""

from relance.core.matching.engine import Matcher
from relance.core.matching.records import (
    BankCredit,
    Candidate,
    Decision,
    MatchResult,
    OpenItem,
    PaymentLine,
    Reason,
    Tolerance,
)
from relance.core.matching.text import normalize_name, rf_reference

__all__ = ["BankCredit", "Candidate", "Decision", "MatchResult", "Matcher", "OpenItem",
           "PaymentLine", "Reason", "Tolerance", "normalize_name", "rf_reference"]
