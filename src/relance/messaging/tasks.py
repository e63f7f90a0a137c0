"""Scale-out: sending and per-organization runs on Celery workers, when a broker is set.

``RELANCE_BROKER_URL`` (``redis://…`` or ``amqp://…``) turns it on; without it every
caller runs the same functions in its own process (``send_pending`` delivers at once).
The tasks are thin: they load the organization and call the very service functions the
in-process path calls, so both modes share one code path and one test suite. The
sending protocol itself (claims, leases, the journal) makes several workers safe:
a message is claimed by one worker at a time, and a dead worker's claims are settled
by the next delivery on its host (or after the lease, elsewhere).

Start a worker with::

    RELANCE_BROKER_URL=redis://127.0.0.1:6379/0 celery -A relance.messaging.tasks worker
"""

from __future__ import annotations

import os
from datetime import date

try:
    from celery import Celery
except ImportError:  # the "celery" extra is not installed: in-process only
    Celery = None


def broker_url() -> str:
    return os.environ.get("RELANCE_BROKER_URL", "")


def enabled() -> bool:
    """True when work goes to Celery workers: a broker is set and Celery is installed."""
    return bool(broker_url()) and Celery is not None


class _InProcess:
    """Stands for a task when Celery is absent: ``.delay`` runs it here and now."""

    def __init__(self, fn) -> None:
        self.fn, self.__name__, self.__doc__ = fn, fn.__name__, fn.__doc__

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def delay(self, *args, **kwargs):
        return self.fn(*args, **kwargs)


def _make_app():
    if Celery is None:
        return None
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
    app = Celery("relance", broker=broker_url() or "memory://")
    app.conf.update(task_default_queue=os.environ.get("RELANCE_QUEUE", "relance"),
                    task_acks_late=True, task_reject_on_worker_lost=True,
                    worker_prefetch_multiplier=1, task_serializer="json",
                    broker_connection_retry_on_startup=True)
    app.on_after_configure.connect(lambda **_kw: _setup_django())
    return app


def _setup_django() -> None:
    import django

    django.setup()


app = _make_app()


def task(fn):
    return app.task(name=f"relance.{fn.__name__}")(fn) if app is not None else _InProcess(fn)


@task
def deliver_organization(org_id: int, day: str | None = None) -> int:
    """Deliver one organization's due messages as of ``day`` (ISO; default today);
    returns how many went out."""
    _setup_django()
    from relance.ledger.models import Organization
    from relance.messaging.services import deliver

    as_of = date.fromisoformat(day) if day else None
    return len(deliver(Organization.objects.get(pk=org_id), as_of=as_of).delivered)


@task
def run_organization(org_id: int, day: str) -> int:
    """One organization's daily run (decide, record, send); returns its action count."""
    _setup_django()
    from relance.dunning.services import run_day
    from relance.ledger.models import Organization

    return len(run_day(Organization.objects.get(pk=org_id), date.fromisoformat(day)).actions)


def dispatch_run(org_id: int, day: date) -> None:
    """The daily run of one organization: on a worker with a broker, else here."""
    if enabled():
        run_organization.delay(org_id, day.isoformat())
    else:
        run_organization(org_id, day.isoformat())
