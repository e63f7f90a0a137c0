"""The sending protocol: every approved message delivered once, whatever crashes.

For each batch of due messages (``approved``, ``next_attempt_at`` passed, inside the
organization's send window for SMTP):

1. **Claim** – one transaction moves them ``approved → sending`` with this process's
   claim token and a lease, and commits. From here on no other sender touches them.
2. **Look again** – the freshness check (``freshness.check``) cancels or re-renders
   each message whose invoices changed since it was drafted.
3. **Send** – one SMTP transaction per message on a reused connection.
4. **Journal** – right after the server's ``250`` to the end of DATA, the Message-ID is
   appended to this process's journal file and flushed (``fsync``'d too with
   ``RELANCE_SEND_FSYNC=1``; see ``journal.py``).
5. **Record** – at the end of the batch one transaction moves the acknowledged
   messages to ``sent`` (with headers, reply and attachments' hashes), the failed
   ones to ``approved`` with a later ``next_attempt_at`` (temporary) or ``failed``
   (permanent, with a call task), then the journal is emptied.

Recovery (start of every delivery): a ``sending`` message whose claimer is dead (same
host, process gone; or its lease expired) is ``sent`` if the claimer's journal names
it, else back to ``approved`` – it was never acknowledged, so it is sent again under
the same Message-ID. A kill at any point before step 3's DATA ends, or after step 4,
loses nothing and doubles nothing. The one window no SMTP client can close (RFC 1047)
lies between the server's acceptance of the final ``.`` and the journal line of step 4:
a crash exactly there sends that one message twice, with the same Message-ID, which
mail clients fold into one. See docs/sending.md.
"""

from __future__ import annotations

import logging
import os
import signal
import smtplib
import socket
import threading
import time
from collections.abc import Callable, Collection
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from relance.ledger.models import Organization
from relance.messaging import causes, journal, states
from relance.messaging.build import ATTACHMENT_ERRORS, Built, build, fresh_look
from relance.messaging.causes import Cause, cause
from relance.messaging.models import OutboxMessage, SendingSettings
from relance.messaging.outbox import Log
from relance.messaging.rules import Failure, TokenBucket, classify, retry_delay

log = logging.getLogger("relance.sending")
BATCH = 100
LEASE = timedelta(minutes=15)
_BUCKETS: dict[str, TokenBucket] = {}


def claim_token() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{time.time_ns()}"


@dataclass
class Outcome:
    """What one delivery did: messages delivered, failures (text), moves made."""

    delivered: list[OutboxMessage] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    postponed: list[str] = field(default_factory=list)  # temporary failures, retried later
    cancelled: list[str] = field(default_factory=list)  # the freshness check's, with why
    closed: str = ""  # why nothing was tried (outside the send window)


class NotTried(Exception):
    """A message left untried behind one the server could not be reached for."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.reason)
        self.failure = failure


@dataclass
class Flight:
    """A claimed batch on its way: its moves, and each message handed to the wire."""

    rows: list[OutboxMessage]
    moves: Log
    sends: list[tuple[OutboxMessage, Built, Future]] = field(default_factory=list)


class Sender:
    """Delivers one organization's due messages through one transport."""

    def __init__(self, org, transport, clock: Callable[[], datetime],
                 journal_dir: Path | None = None, as_of: date | None = None,
                 only: Collection[int] | None = None) -> None:
        self.org, self.transport, self.clock = org, transport, clock
        self.as_of = as_of  # the day this delivery acts on (a run's day), else today
        self.only = None if only is None else list(only)  # these messages, none other
        self.now = clock()
        self.conf = SendingSettings.of(org)
        self.token = claim_token()
        self.journal_dir = journal_dir or Path(settings.DATA_DIR) / "journal"
        self.journal = journal.Journal(self.journal_dir, self.token,
                                       sync_each=os.environ.get("RELANCE_SEND_FSYNC") == "1")
        self.outcome = Outcome()
        self.stop: Failure | None = None  # set when the server cannot be reached
        self.in_flight = 0
        # Held by the wire thread while a message is inside the one unclosable window
        # (from its content leaving to its journal line): a crash injected on this
        # thread waits for it, so the test of each named point hits that point only.
        self.on_the_wire = threading.Lock()

    def run(self, limit: int | None = None) -> Outcome:
        """Claim, check and build batch after batch while the previous one is on the wire.

        One thread talks to the server; this one claims the next batch and builds its
        messages meanwhile, then records the previous batch once all its messages are
        settled. At most two batches are claimed and unrecorded at a time.
        """
        recover(self.journal_dir, self.now)
        try:
            with ThreadPoolExecutor(max_workers=1) as wire:
                previous = None
                while self.stop is None and (limit is None or self.counted() < limit):
                    batch = self.claim()
                    if not batch:
                        break
                    current = self.dispatch(batch, wire)
                    if previous is not None:
                        self.land(previous)
                    previous = current
                if previous is not None:
                    self.land(previous)
        finally:
            self.transport.close()
        self.journal.close()  # reached only when every acknowledgement is recorded
        return self.outcome

    def counted(self) -> int:
        """Messages delivered, and those on their way (for ``limit``)."""
        return len(self.outcome.delivered) + self.in_flight

    def due(self):
        rows = (OutboxMessage.objects.filter(organization=self.org, status=states.APPROVED)
                .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=self.now)))
        return rows if self.only is None else rows.filter(pk__in=self.only)

    def claim(self) -> list[OutboxMessage]:
        self.now = self.clock()
        with transaction.atomic():
            ids = list(self.due().order_by("id").values_list("pk", flat=True)[:BATCH])
            OutboxMessage.objects.filter(pk__in=ids, status=states.APPROVED).update(
                status=states.SENDING, claimed_by=self.token,
                claimed_until=self.now + LEASE)
            rows = list(OutboxMessage.objects.filter(pk__in=ids, claimed_by=self.token,
                                                     status=states.SENDING)
                        .select_related("action__customer").order_by("id"))
            # one organization per batch, read with the batch instead of joined to each row
            org = Organization.objects.get(pk=self.org.pk) if rows else self.org
            for row in rows:
                row.action.organization = row.action.customer.organization = org
            moves = Log(self.now)
            for row in rows:
                row.status = states.APPROVED  # what it was: the event says so
                moves.move(row, states.SENDING, cause("claimed", token=self.token), self.now.date())
            moves.flush()
        fault("claimed", self.on_the_wire)
        return rows

    def dispatch(self, batch: list[OutboxMessage], wire: ThreadPoolExecutor) -> Flight:
        """Look again at a claimed batch and hand each message still due to the wire."""
        flight = Flight(batch, Log(self.now))
        ready = fresh_look(batch, flight.moves, self.day, self.as_of or self.today())
        self.outcome.cancelled += [f"{r.action.customer.ref} {r.action.step} {r.action.day}: "
                                   f"{r.error}" for r in batch if r.status == states.CANCELLED]
        for row in (r for r in batch if r.pk in ready):
            if self.stop is not None:  # the server is unreachable: do not try every message
                self.postpone(row, self.stop, flight.moves, attempt=False)
                continue
            built = self.built(row, flight.moves)
            if built is None:
                continue  # could not be built: already failed with the reason
            self.throttle()
            flight.sends.append((row, built, wire.submit(self.transmit, row, built)))
        self.in_flight += len(flight.sends)
        return flight

    def land(self, flight: Flight) -> None:
        """Wait for a batch's messages, then record every outcome in one transaction."""
        for row, built, sent in flight.sends:
            self.settle(row, built, sent, flight.moves)
        self.in_flight -= len(flight.sends)
        self.record(flight.rows, flight.moves)

    def built(self, row: OutboxMessage, moves: Log) -> Built | None:
        try:
            return build(row, self.now, self.transport.name, self.conf)
        except ATTACHMENT_ERRORS as exc:
            self.fail(row, Failure(True, str(exc)), moves)
            return None

    def transmit(self, row: OutboxMessage, built: Built):
        """On the wire, then into the journal the moment the server has accepted it.

        Runs on the wire thread; once the server cannot be reached, the messages queued
        behind are not tried (``NotTried``) and the run claims no more.
        """
        if self.stop is not None:
            raise NotTried(self.stop)
        with self.on_the_wire:
            try:
                receipt = self.transport.send(built.data, built.envelope_from,
                                              built.envelope_to, built.where)
            except Exception as exc:
                if _connection_lost(exc):
                    self.stop = classify(exc)
                raise
            fault("acked")
            self.journal.acknowledge(row.message_id, self.now, receipt.reply)
        fault("journaled")
        return receipt

    def settle(self, row: OutboxMessage, built: Built, sent: Future, moves: Log) -> None:
        """Record one message's outcome on its row and in the batch's moves."""
        try:
            receipt = sent.result()
        except NotTried as skipped:
            self.postpone(row, skipped.failure, moves, attempt=False)
            return
        except Exception as exc:  # noqa: BLE001 – sorted into temporary/permanent below
            row.attempts += 1
            failure = classify(exc)
            if failure.permanent:
                self.fail(row, failure, moves)
            else:
                self.postpone(row, failure, moves)
            return
        row.attempts += 1
        self.acknowledged(row, built, receipt, moves)

    def acknowledged(self, row, built: Built, receipt, moves: Log) -> None:
        target = states.WRITTEN if self.transport.name == "folder" else states.SENT
        row.headers, row.files, row.path = built.headers, built.files, receipt.path
        row.smtp_reply, row.sent_at, row.claimed_by = receipt.reply, self.now, ""
        row.error = ""  # an earlier attempt's failure is history now (in the events)
        moves.move(row, target, cause("delivered", reply=receipt.reply,
                                      transport=self.transport.name)
                   if target == states.SENT else cause("written_to_folder"), self.day(row))
        if receipt.refused:
            addresses = ", ".join(receipt.refused)
            refused = Failure(True, f"refused: {addresses}", receipt.refused, "refused",
                              (("addresses", addresses),))
            alert(row, refused, self.day(row), moves)
        self.outcome.delivered.append(row)

    def postpone(self, row, failure: Failure, moves: Log, attempt: bool = True) -> None:
        if attempt and row.attempts >= self.conf.max_attempts:
            self.fail(row, Failure(True, f"{failure.reason} (after {row.attempts} attempts)",
                                   code="after_attempts",
                                   params=(("reason", failure_cause(failure)),
                                           ("attempts", str(row.attempts)))), moves)
            return
        row.next_attempt_at = self.now + retry_delay(max(row.attempts, 1))
        row.error, row.claimed_by = failure.reason, ""
        self.outcome.postponed.append(f"{row.action.customer.ref} {row.action.step} "
                                      f"{row.action.day}: {failure.reason}; next attempt "
                                      f"{row.next_attempt_at:%Y-%m-%d %H:%M} UTC")
        moves.move(row, states.APPROVED, cause("temporary_failure",
                                               reason=failure_cause(failure),
                                               next=f"{row.next_attempt_at:%Y-%m-%d %H:%M}"),
                   self.day(row))

    def fail(self, row, failure: Failure, moves: Log) -> None:
        row.error, row.claimed_by = failure.reason, ""
        moves.move(row, states.FAILED, cause("permanent_failure",
                                             reason=failure_cause(failure)),
                   self.day(row))
        alert(row, failure, self.day(row), moves)
        self.outcome.failures.append(f"{row.action.customer.ref} {row.action.step} "
                                     f"{row.action.day}: {failure.reason}")

    def record(self, rows: list[OutboxMessage], moves: Log) -> None:
        # The journal is not emptied here: the next batch's acknowledgements may already
        # be in it. Its lines for recorded messages are harmless (recovery only reads it
        # for messages still ``sending``); it goes when the run ends.
        with transaction.atomic():
            save_outcomes(rows)
            moves.flush()
        fault("recorded", self.on_the_wire)

    def throttle(self) -> None:
        if self.transport.name != "smtp":
            return
        global_rate = settings.RELANCE_SMTP.get("rate_per_minute", 0)
        for key, rate in ((self.transport.host, global_rate),
                          (f"{self.transport.host}/{self.org.pk}", self.conf.rate_per_minute)):
            bucket = _BUCKETS.setdefault(key, TokenBucket(rate))
            wait = bucket.wait(time.monotonic())
            if wait:
                time.sleep(wait)
            bucket.take(time.monotonic())

    def today(self) -> date:
        """The organization's local date now: what a delivery acts on by default."""
        from zoneinfo import ZoneInfo

        return self.now.astimezone(ZoneInfo(self.org.timezone)).date()

    def day(self, row: OutboxMessage):
        """The timeline day of a move: the run's day for the folder, else the local day."""
        if self.transport.name == "folder":
            return row.action.day
        return self.today()


OUTCOME_FIELDS = ("status", "headers", "files", "path", "smtp_reply", "sent_at", "claimed_by",
                  "attempts", "next_attempt_at", "error", "subject", "body", "attachments",
                  "needs_approval", "in_reply_to", "references", "recipients", "sender",
                  "shown_balances")


def save_outcomes(rows: list[OutboxMessage]) -> None:
    """Write each row's outcome in one statement per row, sent as one batch.

    ``bulk_update`` would build a CASE expression per field over the whole batch,
    which costs more than the SMTP transactions themselves.
    """
    fields = [OutboxMessage._meta.get_field(name) for name in OUTCOME_FIELDS]
    sql = (f"UPDATE {connection.ops.quote_name(OutboxMessage._meta.db_table)} SET "
           + ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
           + " WHERE id = %s")
    params = [[f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
              + [row.pk] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def alert(row: OutboxMessage, failure: Failure, day, moves: Log) -> None:
    """A refused address: the collector calls instead (a call task) and sees why."""
    from relance.dunning.models import Task, TimelineEntry

    action = row.action
    Task.objects.get_or_create(action=action, kind="call", defaults={
        "organization_id": action.organization_id, "customer_id": action.customer_id,
        "due_on": day, "outcome": ""})
    moves.timeline.append(TimelineEntry(
        customer_id=action.customer_id, day=day, action_id=action.pk, kind="message_alert",
        summary=f"email not delivered ({failure.reason}): call the customer",
        params={"reason": causes.stored_value(failure_cause(failure))}))
    log.warning("message %s to %s failed: %s", row.message_id, row.recipients, failure.reason)


def failure_cause(failure: Failure) -> Cause | str:
    """A failure's reason as a cause, to be worded for the reader; the server's (or the
    system's) words alone stay as they are."""
    if not failure.code:
        return failure.reason
    return cause(failure.code, **dict(failure.params))


def _connection_lost(exc: BaseException) -> bool:
    """True when the server cannot be talked to at all (not when it answered no)."""
    return isinstance(exc, OSError) and not answered(exc) or isinstance(
        exc, (smtplib.SMTPConnectError, smtplib.SMTPAuthenticationError))


def answered(exc: BaseException) -> bool:
    """The server replied (smtplib's errors are ``OSError`` too, hence this test)."""
    return isinstance(exc, (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused))


# --- recovery ----------------------------------------------------------------------------

def recover(journal_dir: Path, now: datetime) -> int:
    """Settle the messages of dead senders: sent if journaled, else approved again."""
    settled = 0
    tokens = set(OutboxMessage.objects.filter(status=states.SENDING)
                 .values_list("claimed_by", flat=True))
    for token in tokens:
        rows = OutboxMessage.objects.filter(status=states.SENDING, claimed_by=token)
        if not dead(token, rows.order_by("claimed_until").values_list(
                "claimed_until", flat=True).first(), now):
            continue
        settled += _settle(token, journal.read(journal_dir, token), now)
        journal.forget(journal_dir, token)
    return settled


def _settle(token: str, acks: dict[str, tuple[str, str]], now: datetime) -> int:
    with transaction.atomic():
        rows = list(OutboxMessage.objects.select_for_update()
                    .filter(status=states.SENDING, claimed_by=token).select_related("action"))
        moves = Log(now)
        for row in rows:
            row.claimed_by = ""
            if row.message_id in acks:
                at, reply = acks[row.message_id]
                row.smtp_reply, row.sent_at = reply, datetime.fromisoformat(at)
                moves.move(row, states.WRITTEN if reply == "written" else states.SENT,
                           cause("recovered", reply=reply, token=token), now.date())
            else:
                moves.move(row, states.APPROVED, cause("sent_again", token=token), now.date())
        OutboxMessage.objects.bulk_update(rows, ["status", "claimed_by", "smtp_reply", "sent_at"])
        moves.flush()
    return len(rows)


def dead(token: str, lease_end: datetime | None, now: datetime) -> bool:
    """True when the claimer is gone: its process on this host, or its lease expired."""
    host, _, rest = token.partition(":")
    pid = rest.partition(":")[0]
    if host == socket.gethostname() and pid.isdigit():
        return not _alive(int(pid))
    return lease_end is None or lease_end < now


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child its parent has not reaped yet is a zombie: dead all the same
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def fault(point: str, outside: threading.Lock | None = None) -> None:
    """Crash on purpose at a named point of the protocol (crash tests only).

    ``RELANCE_SEND_FAULT=point:n`` kills this process with SIGKILL the n-th time it
    passes ``point`` (claimed, acked, journaled, recorded); inert when unset. With
    ``outside``, the kill waits until the wire thread is out of the unclosable window,
    so that a point of the main thread is tested, not that window (tested at ``acked``).
    """
    spec = os.environ.get("RELANCE_SEND_FAULT")
    if not spec or not spec.startswith(point + ":"):
        return
    _FAULTS[point] = _FAULTS.get(point, 0) + 1
    if _FAULTS[point] >= int(spec.split(":")[1]):
        if outside is not None:
            outside.acquire()
        os.kill(os.getpid(), signal.SIGKILL)


_FAULTS: dict[str, int] = {}
