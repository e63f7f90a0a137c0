"""The life of an outgoing message, as data: its states and the moves allowed between them.

::

    draft ─┬─> awaiting_approval ──> approved ──> sending ──> sent     (SMTP)
           │          ^    │             ^  │        │  └──> written  (outbox folder)
           └─> approved    │             │  │        ├──> approved    (temporary failure:
                           │             │  │        │                 retried later)
                           v             │  v        └──> failed      (refused, or too many
                       cancelled <───────┴─ ...                        attempts)

Every service changes a status through :func:`check_move`, and every move is stored
with its time and its cause (``MessageEvent``), so the audit trail is complete by
construction. ``written`` is the folder transport's end: the message was written to
the outbox folder for a person to read, not sent to anyone. A message re-rendered at
send time because a payment changed its amounts goes back to ``awaiting_approval``
when a person must approve what goes out.
"""

from __future__ import annotations

from relance.errors import InputError

DRAFT, AWAITING, APPROVED = "draft", "awaiting_approval", "approved"
SENDING, SENT, WRITTEN = "sending", "sent", "written"
FAILED, CANCELLED = "failed", "cancelled"

TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({AWAITING, APPROVED, FAILED, CANCELLED}),
    AWAITING: frozenset({APPROVED, CANCELLED, FAILED}),
    APPROVED: frozenset({SENDING, AWAITING, CANCELLED, FAILED}),
    # From "sending": the acknowledgement, a retry after a temporary failure, a refusal,
    # or a cancel decided by the freshness check made right before the SMTP transaction.
    SENDING: frozenset({SENT, WRITTEN, APPROVED, AWAITING, FAILED, CANCELLED}),
    SENT: frozenset(),
    WRITTEN: frozenset(),
    FAILED: frozenset({APPROVED}),  # a person may try a failed message again
    CANCELLED: frozenset(),
}

FINAL = frozenset(state for state, moves in TRANSITIONS.items() if not moves)
DELIVERED = frozenset({SENT, WRITTEN})


class MoveRefused(InputError):
    """A status change the state machine does not allow (approving a sent message…)."""


def check_move(current: str, target: str) -> None:
    """Raise :class:`MoveRefused` unless ``current → target`` is an allowed move.

    >>> check_move("approved", "sending")
    >>> check_move("sent", "approved")
    Traceback (most recent call last):
    ...
    relance.messaging.states.MoveRefused: a sent message cannot become approved
    """
    if current not in TRANSITIONS:
        raise MoveRefused(f"unknown message status {current!r}")
    if target not in TRANSITIONS[current]:
        raise MoveRefused(f"a {current.replace('_', ' ')} message cannot become "
                          f"{target.replace('_', ' ')}")
