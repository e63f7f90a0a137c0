"""Exactly once across crashes: a sender killed with SIGKILL mid-batch, then restarted.

Each case prepares 300 approved reminders in a SQLite file, starts ``relance send`` as a
separate process against a real SMTP server on loopback, kills it with SIGKILL at one
point of the protocol, restarts it, and counts the Message-IDs the server received.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sending.cli import COUNT, DAY, expected_ids, relance, smtp_env, statuses
from tests.sending.sink import Server, Sink


def crash_then_restart(data: Path, sink: Sink, server: Server, fault: str | None,
                       kill_after: int | None = None) -> None:
    env = smtp_env(server) | ({"RELANCE_SEND_FAULT": fault} if fault else {})
    full = {k: v for k, v in os.environ.items() if k != "RELANCE_DATABASE_URL"}
    full.update(RELANCE_DATA=str(data), **env)
    child = subprocess.Popen([sys.executable, "-m", "relance.cli", "send", "--org", "acme",
                              "--date", DAY],
                             env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if kill_after is not None:
        def kill_at_next_message(accepted: int) -> None:
            if accepted == kill_after:
                os.kill(child.pid, signal.SIGKILL)
        sink.on_mail = kill_at_next_message
    child.communicate(timeout=300)
    sink.on_mail = None
    assert child.returncode == -signal.SIGKILL, "the sender was meant to die mid-batch"
    assert 0 < len(sink.messages) < COUNT or fault and fault.startswith("claimed")
    out = relance("send", "--org", "acme", "--date", DAY, data=data, env=smtp_env(server)).stdout
    assert "0 failed" in out


@pytest.mark.parametrize("fault, kill_after", [
    (None, 150),             # killed by the test when the server sees message 151 begin
    ("claimed:2", None),     # after claiming the second batch, before any SMTP
    ("journaled:120", None),  # acknowledged and journaled, not yet in the database
    ("recorded:1", None),    # after the first batch's database commit
])
def test_a_killed_sender_restarted_delivers_each_message_exactly_once(
        approved, tmp_path, fault, kill_after):
    data = tmp_path / "data"
    shutil.copytree(approved, data)
    sink = Sink(pipelining=True)  # as production relays; the window test below is stepwise
    with Server(sink) as server:
        crash_then_restart(data, sink, server, fault, kill_after)
    received = sink.ids()
    assert set(received) == expected_ids(data) and len(received) == COUNT
    assert max(received.values()) == 1
    assert statuses(data) == {"sent": COUNT}


def test_the_one_unclosable_window_doubles_only_the_message_in_flight(approved, tmp_path):
    """Killed after the server's 250 but before the journal write (RFC 1047's window):
    that single message goes twice, under the same Message-ID; no other does."""
    data = tmp_path / "data"
    shutil.copytree(approved, data)
    sink = Sink()
    with Server(sink) as server:
        crash_then_restart(data, sink, server, "acked:120")
    received = sink.ids()
    assert set(received) == expected_ids(data)
    doubled = [mid for mid, n in received.items() if n > 1]
    assert len(doubled) == 1 and received[doubled[0]] == 2
    assert sink.messages.index(next(m for m in sink.messages
                                    if m["Message-ID"] == doubled[0])) == 119
    assert statuses(data) == {"sent": COUNT}
