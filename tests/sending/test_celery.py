"""Scale-out: with a broker URL, ``relance send`` hands delivery to a Celery worker.

Runs against the machine's Redis on 127.0.0.1:6379 (skipped, with the reason, when it
is not reachable or Celery is not installed); a private queue name keeps runs apart.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid

import pytest

from tests.sending.cli import COUNT, DAY, expected_ids, relance, smtp_env, statuses
from tests.sending.sink import Server, Sink

REDIS = ("127.0.0.1", 6379)


def redis_reachable() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=2) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def broker():
    pytest.importorskip("celery", reason="the celery extra is not installed")
    if not redis_reachable():
        pytest.skip("no Redis on 127.0.0.1:6379")
    return {"RELANCE_BROKER_URL": f"redis://{REDIS[0]}:{REDIS[1]}/0",
            "RELANCE_QUEUE": f"relance-test-{uuid.uuid4().hex[:8]}"}


def test_with_a_broker_a_worker_delivers_each_message_once(approved, tmp_path, broker):
    data = tmp_path / "data"
    shutil.copytree(approved, data)
    sink = Sink()
    with Server(sink) as server:
        env = {k: v for k, v in os.environ.items() if k != "RELANCE_DATABASE_URL"}
        env.update(RELANCE_DATA=str(data), **smtp_env(server), **broker)
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "relance.messaging.tasks", "worker",
             "--pool", "solo", "--loglevel", "WARNING", "-Q", broker["RELANCE_QUEUE"]],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            out = relance("send", "--org", "acme", "--date", DAY, data=data,
                          env=smtp_env(server) | broker)
            assert "delivery queued for the workers" in out.stdout
            deadline = time.monotonic() + 120
            while statuses(data) != {"sent": COUNT} and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    assert set(sink.ids()) == expected_ids(data) and max(sink.ids().values()) == 1
    assert statuses(data) == {"sent": COUNT}
