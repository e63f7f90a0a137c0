"""The daily run: decide, record, send (three separate steps).

1. **Decide**: read the invoices whose next decision day has come, a chunk of
   customers at a time, with their balances, the steps already done and what holds
   them (one query each per chunk); ask the pure core which step is due and when to
   look again (``relance.core.turn.take_turn``) and group by customer
   (``relance.core.actions.group``).
2. **Record**: store a chunk's actions, their ``StepRecord`` rows, tasks and timeline
   entries with bulk inserts, and the invoices' next decision days, in one
   transaction. The unique constraints (one step per invoice, one action per customer,
   step, day and currency) still guard every row: if the bulk insert meets a row that
   a concurrent or earlier run already recorded, the chunk is recorded again action by
   action and what exists is skipped.
3. **Send**: hand every recorded email action without a message to the
   messaging service (outbox folder or SMTP).

Safe to repeat and to interrupt: a chunk's records and its planning commit together,
so a crash leaves each invoice either decided and planned or untouched, and sending
only picks up what was recorded and not yet sent. Memory is bounded by the chunk
(``CHUNK`` invoices plus the rest of the last customer's), not by the book.
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from relance.batches import chunked
from relance.core import actions as core_actions
from relance.core.calendar import BusinessCalendar
from relance.core.dunning import Decision, next_decision_day
from relance.core.holds import CustomerHold, Dispute, Promise, check_promise, held, hold_end
from relance.core.ledger import Invoice as CoreInvoice
from relance.core.money import from_minor, to_minor
from relance.core.policy import STANDARD, Policy
from relance.core.turn import take_turn
from relance.dunning import wording
from relance.dunning.models import Action, StepRecord, Task, TimelineEntry
from relance.dunning.models import Dispute as DisputeRow
from relance.dunning.models import Promise as PromiseRow
from relance.dunning.policies import policy_named
from relance.ledger.models import Contact, Customer, Invoice, Organization
from relance.ledger.services import to_core_invoice, with_balance

log = logging.getLogger("relance.run")
TASK_CHANNELS = {"call": "call", "task": "task", "letter": "letter"}
CHUNK = 2000  # invoices per transaction: a few MB of memory, a short lock
MAX_PARAMS = 30000  # per statement: under SQLite's and PostgreSQL's limits
ACTION_COLUMNS = ("organization_id", "customer_id", "step", "day", "channels", "currency",
                  "amount_minor", "recipients")
CANDIDATE = ("id", "customer_id", "number", "issued", "due", "amount_minor", "currency",
             "known_from", "balance_minor")


@dataclass
class RunReport:
    """What one day's run did, for the summary and the logs."""

    organization: str
    day: date
    examined: int = 0
    actions: list[Action] = field(default_factory=list)
    messages: list = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    expired: int = 0  # messages awaiting approval too old to send now (cancelled)

    def by_step(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for a in self.actions:
            counts[a.step] += 1
        return dict(counts)


def calendar_of(org: Organization) -> BusinessCalendar:
    return _calendar(org.country, org.subdivision or None)


@functools.lru_cache(maxsize=64)
def _calendar(country: str, subdivision: str | None) -> BusinessCalendar:
    """One calendar per holiday zone: building its holiday sets costs ~10 ms a year."""
    return BusinessCalendar(country, subdivision)


def policy_of(customer: Customer, cache: dict[tuple[int, str], Policy] | None = None) -> Policy:
    """The customer's scenario; ``cache`` spares a query per invoice within one run."""
    key = (customer.organization_id, customer.policy)
    if cache is not None and key in cache:
        return cache[key]
    policy = STANDARD if customer.policy == STANDARD.name else policy_named(
        customer.organization, customer.policy)
    if cache is not None:
        cache[key] = policy
    return policy


def customer_holds(customer: Customer) -> list[CustomerHold]:
    holds = []
    if customer.paused_until:
        holds.append(CustomerHold("pause", customer.paused_from or date.min, customer.paused_until))
    if customer.litigation_since:
        holds.append(CustomerHold("litigation", customer.litigation_since))
    return holds


def plan(invoice: Invoice, after: date) -> None:
    """Set the day the run must look at ``invoice`` again (on import or change).

    Every change that can make a step due must re-plan: new or changed invoices,
    anything that raises a balance, promises, disputes, pauses, litigation, a policy.
    The run leaves a settled invoice unplanned (``relance.core.turn``).
    """
    done = dict(invoice.steps.values_list("step", "day"))
    invoice.next_decision_on = _next_decision(invoice, done, after)
    invoice.save(update_fields=["next_decision_on"])


def _next_decision(invoice: Invoice, done: dict[str, date], after: date,
                   cache: dict[tuple[int, str], Policy] | None = None) -> date | None:
    return next_decision_day(to_core_invoice(invoice, invoice.customer.ref), done,
                             policy_of(invoice.customer, cache),
                             calendar_of(invoice.organization), after)


def plan_many(invoices: Iterable[Invoice]) -> None:
    """:func:`plan` for many new or changed invoices of an import, each from the day it
    became known: their steps read and their days saved a chunk at a time."""
    cache: dict[tuple[int, str], Policy] = {}
    for chunk in chunked(invoices):
        done: dict[int, dict[str, date]] = defaultdict(dict)
        for invoice_id, step, day in StepRecord.objects.filter(
                invoice_id__in=[i.pk for i in chunk]).values_list("invoice_id", "step", "day"):
            done[invoice_id][step] = day
        for invoice in chunk:
            invoice.next_decision_on = _next_decision(invoice, done[invoice.pk],
                                                      invoice.known_from, cache)
        # One UPDATE a day, as the run saves them: bulk_update's CASE of a thousand ids
        # costs SQLite ~0.8 s.
        by_day: dict[date | None, list[int]] = defaultdict(list)
        for invoice in chunk:
            by_day[invoice.next_decision_on].append(invoice.pk)
        _replan(by_day)


def replan_customer(customer: Customer, day: date) -> int:
    """Make the run look again at a customer's invoices from ``day`` (hold lifted, policy…)."""
    return customer.invoices.update(next_decision_on=day)


@dataclass
class _Chunk:
    """Candidate invoices of whole customers, and everything deciding them needs."""

    rows: list[tuple]
    customers: dict[int, Customer]
    contacts: dict[int, tuple[core_actions.Contact, ...]]
    done: dict[int, dict[str, date]]
    promises: dict[int, list[Promise]]
    disputes: dict[int, list[Dispute]]


class DayRun:
    """One organization's run for one day."""

    def __init__(self, org: Organization, day: date,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.org, self.day, self.progress = org, day, progress
        self.calendar = calendar_of(org)
        self.report = RunReport(org.slug, day)
        self.policies: dict[tuple[int, str], Policy] = {}

    def run(self, send: bool = True) -> RunReport:
        check_promises(self.org, self.day)
        total = self._candidates().count() if self.progress else 0
        for chunk in self.chunks():
            self.record(chunk, *self.decide(chunk))
            self.report.examined += len(chunk.rows)
            if self.progress:
                self.progress(self.report.examined, total)
        if send:
            from relance.messaging import outbox
            from relance.messaging.services import clock, send_pending

            self.report.expired = outbox.expire(self.org, self.day, clock())
            self.report.messages, self.report.failures = send_pending(self.org, self.day)
        return self.report

    def _candidates(self):
        return with_balance(self.org.invoices.filter(next_decision_on__lte=self.day))

    def chunks(self) -> Iterator[_Chunk]:
        """Candidates in customer order, ``CHUNK`` at a time, never splitting a customer."""
        after = 0
        while True:
            rows = list(self._candidates().filter(customer_id__gt=after)
                        .order_by("customer_id", "id").values_list(*CANDIDATE)[:CHUNK])
            if not rows:
                return
            after, full = rows[-1][1], len(rows) == CHUNK
            if full:  # the last customer may have more candidates
                rows += self._candidates().filter(customer_id=after, id__gt=rows[-1][0]) \
                    .order_by("id").values_list(*CANDIDATE)
            yield _load(self.org, rows)
            if not full:
                return

    def decide(self, chunk: _Chunk):
        """Each invoice's turn; returns the decisions by customer and the new plan."""
        decided: dict[int, list[Decision]] = defaultdict(list)
        planned: dict[date | None, list[int]] = defaultdict(list)
        holds = {pk: customer_holds(c) for pk, c in chunk.customers.items()}
        for inv_id, customer_id, number, issued, due, amount, currency, known, balance \
                in chunk.rows:
            customer = chunk.customers[customer_id]
            policy = policy_of(customer, self.policies)
            invoice = CoreInvoice(number, customer.ref, issued, due,
                                  from_minor(amount, currency), currency, known)
            owed, key = from_minor(balance, currency), str(inv_id)
            hold = (key, self.day, policy.promise_grace, chunk.promises.get(inv_id, []),
                    chunk.disputes.get(inv_id, []), holds[customer_id])
            is_held = held(*hold)
            turn = take_turn(invoice, owed, chunk.done.get(inv_id, {}), policy, self.calendar,
                             self.day, held=is_held, hold_ends=hold_end(*hold) if is_held
                             else None)
            planned[turn.next_day].append(inv_id)
            decided[customer_id] += [Decision(invoice, step, self.day, owed)
                                     for step in turn.steps]
        return decided, planned

    def record(self, chunk: _Chunk, decided: dict[int, list[Decision]],
               planned: dict[date | None, list[int]]) -> None:
        """Store the chunk's actions and plan, in bulk; action by action on a conflict."""
        actions = [(chunk.customers[pk], action) for pk, items in decided.items()
                   for action in self._group(chunk, pk, items)]
        ids = {row[2]: row[0] for row in chunk.rows}
        try:
            with transaction.atomic():
                stored = self._store_all(actions, ids)
                _replan(planned)
        except IntegrityError:
            log.info("%s %s: already partly recorded, recording one by one",
                     self.org.slug, self.day)
            with transaction.atomic():
                stored = [s for c, a in actions if (s := self._store(c, a, ids)) is not None]
                _replan(planned)
        self.report.actions += stored

    def _group(self, chunk: _Chunk, pk: int, items: list[Decision]):
        customer = chunk.customers[pk]
        core_customer = core_actions.Customer(customer.ref, customer.name, customer.kind,
                                              customer.language, chunk.contacts.get(pk, ()))
        return core_actions.group(items, {customer.ref: core_customer},
                                  policy_of(customer, self.policies))

    def _action(self, customer: Customer, action: core_actions.Action) -> Action:
        return Action(organization=self.org, customer=customer, step=action.step.name,
                      day=action.day, channels=",".join(action.channels),
                      currency=action.currency,
                      amount_minor=to_minor(action.amount_due, action.currency),
                      recipients=_recipients(action))

    def _store_all(self, actions: list[tuple[Customer, core_actions.Action]],
                   ids: dict[str, int]) -> list[Action]:
        """Insert the chunk's actions, then their steps, tasks and timeline entries."""
        now, day = timezone.now(), connection.ops.adapt_datefield_value(self.day)
        rows = [(self.org.pk, c.pk, a.step.name, day, ",".join(a.channels), a.currency,
                 to_minor(a.amount_due, a.currency), _recipients(a)) for c, a in actions]
        keys = {(c, s, cur): pk for pk, c, s, cur in _insert(
            Action, ACTION_COLUMNS, rows, now, returning="id, customer_id, step, currency")}
        stored = [self._stored(keys[(row[1], row[2], row[5])], customer, row, now)
                  for (customer, _a), row in zip(actions, rows, strict=True)]
        pairs = list(zip(stored, (a for _c, a in actions), strict=True))
        _insert(StepRecord, ("invoice_id", "step", "day", "balance_minor", "action_id"),
                [(ids[i.number], row.step, day, to_minor(b, a.currency), row.pk)
                 for row, a in pairs for i, b in zip(a.invoices, a.balances, strict=True)], now)
        _insert(Task, ("organization_id", "customer_id", "action_id", "kind", "due_on"),
                [(self.org.pk, row.customer_id, row.pk, kind, day)
                 for row, a in pairs for kind in _task_kinds(a)], now)
        params = TimelineEntry._meta.get_field("params")
        _insert(TimelineEntry, ("customer_id", "day", "kind", "summary", "params", "action_id"),
                [(row.customer_id, day, f"step:{row.step}", _summary(a),
                  params.get_db_prep_save(_params(a), connection), row.pk)
                 for row, a in pairs], now)
        return stored

    def _stored(self, pk: int, customer: Customer, row: tuple, now) -> Action:
        """The inserted action as a model instance, its organization and customer at hand."""
        known = dict(zip(ACTION_COLUMNS, row, strict=True), id=pk, day=self.day, created_at=now)
        fields = Action._meta.concrete_fields
        action = Action.from_db(connection.alias, [f.attname for f in fields],
                                [known[f.attname] if f.attname in known else f.get_default()
                                 for f in fields])
        Action.organization.field.set_cached_value(action, self.org)
        Action.customer.field.set_cached_value(action, customer)
        return action

    def _store(self, customer: Customer, action: core_actions.Action,
               ids: dict[str, int]) -> Action | None:
        try:
            with transaction.atomic():
                stored = self._action(customer, action)
                stored.save()
                StepRecord.objects.bulk_create(_steps(stored, action, ids))
                Task.objects.bulk_create(
                    Task(organization=self.org, customer=customer, action=stored, kind=kind,
                         due_on=stored.day) for kind in _task_kinds(action))
                TimelineEntry.objects.create(customer=customer, day=stored.day, action=stored,
                                             kind=f"step:{stored.step}", summary=_summary(action),
                                             params=_params(action))
        except IntegrityError:
            log.info("%s %s %s already recorded", customer.ref, action.step.name, action.day)
            return None
        return stored


def _recipients(action: core_actions.Action) -> str:
    return "\n".join(c.email.strip() for c in action.to)


def _insert(model, columns: tuple[str, ...], rows: list[tuple], now,
            returning: str = "") -> list[tuple]:
    """A multi-row INSERT straight from tuples, for rows that are plain data.

    ``bulk_create`` spends most of a large run building model instances and SQL per
    field; this builds one statement per batch. Fields not named in ``columns`` get
    their default (``now`` for ``auto_now_add``), so a new field with a default needs
    no change here. Same unique constraints, same transaction.
    """
    if not rows:
        return []
    extra = [f for f in model._meta.concrete_fields
             if not f.primary_key and f.attname not in columns]
    tail = tuple(f.get_db_prep_save(now if getattr(f, "auto_now_add", False) else f.get_default(),
                                    connection) for f in extra)
    fields = [model._meta.get_field(c) for c in columns] + extra
    head = (f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "
            f"({', '.join(connection.ops.quote_name(f.column) for f in fields)}) ")
    back = f" RETURNING {returning}" if returning else ""
    values = [(*row, *tail) for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array per column: a statement with thousands of placeholders costs
            # the client more to parse and quote than the server to run.
            cursor.execute(head + "SELECT * FROM unnest(" + ", ".join(
                f"%s::{f.db_type(connection)}[]" for f in fields) + ")" + back,
                [list(column) for column in zip(*values, strict=True)])
            return cursor.fetchall() if returning else []
        return _insert_values(cursor, head, len(fields), values, back)


def _insert_values(cursor, head: str, width: int, values: list[tuple], back: str) -> list:
    one, found = f"({', '.join(['%s'] * width)})", []
    per = max(1, min(connection.features.max_query_params or MAX_PARAMS, MAX_PARAMS) // width)
    for start in range(0, len(values), per):
        batch = values[start:start + per]
        cursor.execute(head + "VALUES " + ", ".join([one] * len(batch)) + back,
                       [v for row in batch for v in row])
        found += cursor.fetchall() if back else []
    return found


def _steps(stored: Action, action: core_actions.Action, ids: dict[str, int]):
    return [StepRecord(invoice_id=ids[i.number], step=stored.step, day=stored.day,
                       balance_minor=to_minor(b, action.currency), action=stored)
            for i, b in zip(action.invoices, action.balances, strict=True)]


def _task_kinds(action: core_actions.Action) -> list[str]:
    return [TASK_CHANNELS[c] for c in action.channels if c in TASK_CHANNELS]


def _summary(action: core_actions.Action) -> str:
    numbers = ", ".join(i.number for i in action.invoices)
    return (f"{action.step.name} ({', '.join(action.channels)}): {numbers} – "
            f"{action.amount_due} {action.currency}")


def _params(action: core_actions.Action) -> dict:
    """A step's values, worded when the timeline is read (``relance.dunning.wording``)."""
    return {"step": action.step.name, "channels": list(action.channels),
            "invoices": [i.number for i in action.invoices],
            **wording.amount(action.amount_due, action.currency)}


def _replan(planned: dict[date | None, list[int]]) -> None:
    """Plain ``UPDATE … WHERE id IN (…)``, one per next day (a chunk has a few dozen).

    The ORM's ``update`` resolves every id of the list as an expression first, which
    cost more than the statements themselves.
    """
    sql = f"UPDATE {connection.ops.quote_name(Invoice._meta.db_table)} " \
          "SET next_decision_on = %s WHERE id "
    with connection.cursor() as cursor:
        for next_day, ids in planned.items():
            day = connection.ops.adapt_datefield_value(next_day)
            if connection.vendor == "postgresql":
                cursor.execute(sql + "= ANY(%s)", [day, ids])
                continue
            for start in range(0, len(ids), MAX_PARAMS):
                batch = ids[start:start + MAX_PARAMS]
                cursor.execute(sql + f"IN ({', '.join(['%s'] * len(batch))})", [day, *batch])


def _load(org: Organization, rows: list[tuple]) -> _Chunk:
    """One query each for the customers, contacts, steps done, promises and disputes."""
    ids = [r[0] for r in rows]
    customers = {c.pk: c for c in Customer.objects.filter(pk__in={r[1] for r in rows})
                 .order_by()}
    for customer in customers.values():
        customer.organization = org
    return _Chunk(rows, customers, _contacts(customers), _steps_done(ids), _promises(ids),
                  _disputes(ids))


def _contacts(customers: dict[int, Customer]) -> dict[int, tuple[core_actions.Contact, ...]]:
    found: dict[int, list[core_actions.Contact]] = defaultdict(list)
    for pk, *fields in Contact.objects.filter(customer_id__in=customers).order_by("id") \
            .values_list("customer_id", "email", "role", "first_name", "last_name", "phone"):
        found[pk].append(core_actions.Contact(*fields))
    return {pk: tuple(contacts) for pk, contacts in found.items()}


def _steps_done(ids: list[int]) -> dict[int, dict[str, date]]:
    done: dict[int, dict[str, date]] = defaultdict(dict)
    for inv_id, step, day in StepRecord.objects.filter(invoice_id__in=ids) \
            .values_list("invoice_id", "step", "day"):
        done[inv_id][step] = day
    return done


def _promises(ids: list[int]) -> dict[int, list[Promise]]:
    """Open promises by invoice, each seen as covering that invoice (keyed by its id)."""
    found: dict[int, list[Promise]] = defaultdict(list)
    for inv_id, pk, made_on, until in PromiseRow.invoices.through.objects.filter(
            invoice_id__in=ids, promise__status="open").values_list(
            "invoice_id", "promise_id", "promise__made_on", "promise__until"):
        found[inv_id].append(Promise(str(pk), made_on, until, frozenset({str(inv_id)})))
    return found


def _disputes(ids: list[int]) -> dict[int, list[Dispute]]:
    found: dict[int, list[Dispute]] = defaultdict(list)
    for inv_id, opened, resolved in DisputeRow.objects.filter(
            invoice_id__in=ids, resolved_on__isnull=True).values_list(
            "invoice_id", "opened_on", "resolved_on"):
        found[inv_id].append(Dispute(str(inv_id), opened, resolved))
    return found


def check_promises(org: Organization, day: date) -> int:
    """Mark open promises kept or broken as of ``day``; record it on the timeline."""
    changed = 0
    for row in PromiseRow.objects.filter(customer__organization=org, status="open",
                                         made_on__lte=day).prefetch_related("invoices"):
        changed += _check_promise(row, day)
    return changed


def _check_promise(row: PromiseRow, day: date) -> int:
    invoices = list(with_balance(Invoice.objects.filter(promises=row)))
    currency = invoices[0].currency if invoices else "EUR"
    zero = from_minor(0, currency)
    covered = sum((from_minor(i.balance_minor, currency) for i in invoices), zero)
    since = sum((from_minor(a.amount_minor, currency) for i in invoices
                 for a in i.allocations.filter(date__gte=row.made_on)), from_minor(0, currency))
    policy = policy_of(row.customer)
    promise = Promise(str(row.pk), row.made_on, row.until, frozenset(i.number for i in invoices),
                      None if row.amount_minor is None else from_minor(row.amount_minor, currency))
    result = check_promise(promise, covered, since, day, policy.promise_grace, policy.threshold)
    if result.status == row.status:
        return 0
    row.status, row.closed_on = result.status, result.closed_on
    row.save(update_fields=["status", "closed_on"])
    TimelineEntry.objects.create(
        customer=row.customer, day=result.closed_on or day, kind=f"promise_{result.status}",
        summary=f"promise of {row.made_on} for {row.until} {result.status}: "
                + ", ".join(sorted(promise.invoices)),
        params={"made_on": wording.day(row.made_on), "until": wording.day(row.until),
                "invoices": sorted(promise.invoices)})
    replan_customer(row.customer, day)  # kept or broken, the sequence may resume today
    return 1


def run_day(org: Organization, day: date, progress: Callable[[int, int], None] | None = None,
            *, send: bool = True) -> RunReport:
    """Run ``org``'s collection day ``day``: safe to repeat, writes nothing twice.

    ``send=False`` stops after deciding and recording (the sending pipeline runs apart).
    """
    return DayRun(org, day, progress).run(send=send)
