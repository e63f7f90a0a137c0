"""Cash and collection reporting: aged balance, KPIs and collection work (pure).

Every report takes the day it is for (``as_of`` or a ``Period``) and a
currency; nothing here reads the clock or mixes currencies. Formulas, bucket
edges and sources are in docs/reporting.md.
"""

from relance.core.reporting.aged import (
    BUCKETS,
    AgedBalance,
    AgedRow,
    aged_balance,
    aged_balances,
    bucket,
    days_overdue,
    unallocated_credit,
)
from relance.core.reporting.book import Period, receivables, sales, settled_on
from relance.core.reporting.collection import (
    BEFORE_ANY_STEP,
    CollectorAction,
    DaysLate,
    PromiseTally,
    StepEvent,
    actions_per_collector,
    average_days_late,
    on_time_share,
    paid_in,
    payments_only,
    promises_kept,
    recovered_by_step,
)
from relance.core.reporting.kpi import (
    cei,
    countback,
    countback_months,
    current_receivables,
    dso_countback,
    dso_ratio,
    overdue_ratio,
)

__all__ = [
    "BEFORE_ANY_STEP", "BUCKETS", "AgedBalance", "AgedRow", "CollectorAction", "DaysLate",
    "Period", "PromiseTally", "StepEvent", "actions_per_collector", "aged_balance",
    "aged_balances", "average_days_late", "bucket", "cei", "countback", "countback_months",
    "current_receivables", "days_overdue", "dso_countback", "dso_ratio", "on_time_share",
    "overdue_ratio", "paid_in", "payments_only", "promises_kept", "receivables",
    "recovered_by_step", "sales", "settled_on", "unallocated_credit",
]
