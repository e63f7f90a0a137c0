"""Every packaged message, rendered from a fixed context, equals its golden file.

A reviewer reads the golden files as the customer would. After a deliberate wording
change, regenerate them with ``RELANCE_UPDATE_GOLDEN=1 pytest tests/messaging`` and
review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from relance.messaging.render import MessageContext, render
from tests.messaging.fixtures import STEPS, consumer_context, context, several_invoices

GOLDEN = Path(__file__).parent / "golden"


def _cases() -> list[tuple[str, MessageContext]]:
    cases = []
    for language in ("fr", "en"):
        cases += [(f"{language}.{step}", context(step, language)) for step in STEPS]
        cases.append((f"{language}.formal_notice.b2c", consumer_context("formal_notice", language)))
        cases.append((f"{language}.reminder_2.b2c", consumer_context("reminder_2", language)))
        cases.append((f"{language}.reminder_1.several", several_invoices("reminder_1", language)))
        cases.append((f"{language}.courtesy.several", several_invoices("courtesy", language)))
    return cases


@pytest.mark.parametrize(("name", "ctx"), _cases(), ids=[name for name, _ in _cases()])
def test_message_matches_golden_file(name: str, ctx: MessageContext) -> None:
    message = render(ctx)
    actual = f"Subject: {message.subject}\n\n{message.text}"
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("RELANCE_UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with RELANCE_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")
