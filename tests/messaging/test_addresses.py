"""Stored mailbox lines are written and read back exactly as the ``email`` package does.

The outbox stores ``Name <address>`` lines (``str(Address(...))``) and the sender reads
them back with ``parseaddr``; both have shortcuts for plain names and addresses, which
must give the package's answer for every input, plain or not.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.utils import parseaddr

from hypothesis import given, settings
from hypothesis import strategies as st

from relance.messaging.build import _mailbox
from relance.messaging.outbox import mailbox_text

NAME_CHARS = "abcXYZ019 éÉèçœ\u00a0\u202f'-&.,;:\"()<>@[]\\\t=?"
names = st.text(alphabet=NAME_CHARS, max_size=30) | st.sampled_from(
    ["", "Hélène", "Camille Lefèvre", "Société Générale d'Équipement", "J. Dupont",
     "Dupont, Jean", "  Zoé  ", "=?utf-8?q?x?="])
addresses = st.from_regex(r"[a-z0-9._+=?-]{1,12}@[a-z0-9.-]{1,15}", fullmatch=True) | \
    st.sampled_from(["ap1@client1.example", "jean.dupont@b.example", "a..b@c.example",
                     ".a@b.example", "a@b", "a@-b.example", "x@y.example."])


def _package_text(name: str, email: str):
    try:
        return str(Address(name, addr_spec=email))
    except Exception as exc:  # noqa: BLE001 – both sides must refuse alike
        return type(exc)


def _ours(name: str, email: str):
    try:
        return mailbox_text(name, email)
    except Exception as exc:  # noqa: BLE001
        return type(exc)


@settings(max_examples=800, deadline=None)
@given(name=names, email=addresses)
def test_mailbox_text_is_str_of_address(name: str, email: str) -> None:
    assert _ours(name, email) == _package_text(name, email)


def test_plain_mailbox_text() -> None:
    assert mailbox_text("Hélène Dupré", "ap1@client1.example") == \
        "Hélène Dupré <ap1@client1.example>"
    assert mailbox_text("Dupont, Jean", "j@b.example") == '"Dupont, Jean" <j@b.example>'
    assert mailbox_text("", "j@b.example") == "j@b.example"


@settings(max_examples=800, deadline=None)
@given(name=names, email=addresses)
def test_stored_lines_read_back_like_parseaddr(name: str, email: str) -> None:
    line = _package_text(name, email)
    if isinstance(line, str):
        assert _mailbox(line) == parseaddr(line)
    raw = f"{name} <{email}>"
    assert _mailbox(raw) == parseaddr(raw)


def test_plain_line_is_split_at_the_angle_bracket() -> None:
    assert _mailbox("Camille Lefèvre <compta@bench.example>") == (
        "Camille Lefèvre", "compta@bench.example")
    assert _mailbox("ap1@client1.example") == ("", "ap1@client1.example")
