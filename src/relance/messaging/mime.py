"""Build the email that carries a rendered message: headers, UTF-8 text, attachments.

Uses the standard library's :class:`email.message.EmailMessage` with the
``email.policy.SMTP`` policy: CRLF line ends, and every non-ASCII header (a French
subject, ``Société Générale`` as a display name) encoded as an RFC 2047 encoded-word,
so any relay accepts it; the ``SMTPUTF8`` policy would instead write raw UTF-8
headers that only servers offering the SMTPUTF8 extension (RFC 6531) may take.
The body is ``text/plain; charset=utf-8`` in quoted-printable, which survives 7-bit
relays. Attachment names with accents are encoded per RFC 2231 by the same package.

:func:`build_email` is the reference; the sending path writes the same bytes without
building the object tree (:mod:`relance.messaging.wire`), and falls back to this module
for any shape it does not write itself.

Threading follows RFC 5322 §3.6.4: ``In-Reply-To`` names the previous message and
``References`` lists the thread, so a customer's mail client shows the reminders of one
invoice as one conversation. Message-IDs are derived from a key (for instance
organization, customer, step and day) so that re-running a send reuses the same id and
a receiving server or the outbox can spot the duplicate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime
from functools import lru_cache

from relance.errors import DeliveryError
from relance.messaging.context import RenderedMessage


class _Registry(HeaderRegistry):
    """The standard header registry, making each header class once instead of per header."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        if key not in self._classes:
            self._classes[key] = super().__getitem__(name)
        return self._classes[key]


class _SmtpPolicy(EmailPolicy):
    """``email.policy.SMTP`` with a shortcut that changes no byte of the output.

    A header whose value is plain ASCII, holds nothing that looks like an encoded word
    and fits on one line folds to ``Name: value`` CRLF; writing that directly spares the
    generic re-folding, which otherwise costs more than the SMTP transaction itself.
    Anything else (French names, long subjects) takes the standard path.
    """

    def _fold(self, name, value, refold_binary=False):
        if not hasattr(value, "name"):
            return super()._fold(name, value, refold_binary)
        text = str(value)
        if (text.isascii() and "=?" not in text and "\r" not in text and "\n" not in text
                and len(name) + 2 + len(text) <= self.max_line_length):
            return f"{name}: {text}{self.linesep}"
        key = (name.lower(), type(value).__name__, text)
        folded = _FOLDED.get(key)
        if folded is None:  # the same sender or subject folds the same way every time
            folded = super()._fold(name, value, refold_binary)
            if len(_FOLDED) > 4096:
                _FOLDED.clear()
            _FOLDED[key] = folded
        return folded


_FOLDED: dict[tuple[str, str, str], str] = {}


SMTP = _SmtpPolicy(linesep="\r\n", header_factory=_Registry())


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file joined to the email, such as the invoice PDF or the formal-notice letter."""

    filename: str
    content: bytes
    mime_type: str = "application/pdf"


def build_email(
    rendered: RenderedMessage,
    *,
    sender: tuple[str, str],
    to: Sequence[tuple[str, str]],
    reply_to: str | None,
    message_id: str,
    date: datetime,
    attachments: Sequence[Attachment] = (),
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
) -> EmailMessage:
    """The email for ``rendered``, from ``sender`` (name, address) to ``to``.

    ``date`` must carry its time zone (RFC 5322 dates do). ``in_reply_to`` is appended
    to ``references`` when missing, as RFC 5322 asks. Raises :class:`DeliveryError` for
    a header that cannot be written: no recipient, a naive date, a line break in a
    name, a non-ASCII mailbox name.
    """
    if not to:
        raise DeliveryError("an email needs at least one recipient")
    if date.tzinfo is None or date.utcoffset() is None:
        raise DeliveryError("the Date header needs a time zone")
    message = EmailMessage(policy=SMTP)
    message["Subject"] = one_line(rendered.subject, "subject")
    message["From"] = mailbox(*sender)
    message["To"] = [mailbox(name, email) for name, email in to]
    if reply_to:
        message["Reply-To"] = mailbox("", reply_to)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = msg_id(message_id, "Message-ID")
    _thread(message, in_reply_to, references)
    message.set_content(rendered.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    for attachment in attachments:
        _attach(message, attachment)
    return message


def make_message_id(key: str, domain: str) -> str:
    """A Message-ID that depends only on ``key`` and ``domain``: the same key, the same id.

    >>> make_message_id("org-1/C1/reminder_1/2026-03-16", "relance.example")
    '<11f41cb7535f72ed798d9e2896a4fa54@relance.example>'
    """
    host = _ascii_domain(domain)
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{host}>"


def _thread(message: EmailMessage, in_reply_to: str | None, references: Sequence[str]) -> None:
    chain = [msg_id(ref, "References") for ref in references]
    if in_reply_to:
        parent = msg_id(in_reply_to, "In-Reply-To")
        message["In-Reply-To"] = parent
        if parent not in chain:
            chain.append(parent)
    if chain:
        message["References"] = " ".join(chain)


def _attach(message: EmailMessage, attachment: Attachment) -> None:
    maintype, _, subtype = attachment.mime_type.partition("/")
    if not maintype or not subtype:
        raise DeliveryError(f"not a MIME type: {attachment.mime_type!r}")
    message.add_attachment(
        attachment.content, maintype=maintype, subtype=subtype,
        filename=one_line(attachment.filename, "attachment name"),
    )


@lru_cache(maxsize=1024)  # the sender and reply-to are the same for every message
def mailbox(name: str, email: str) -> Address:
    """A mailbox; the domain is IDNA-encoded, the local part must be ASCII."""
    local, at, domain = one_line(email, "address").strip().rpartition("@")
    if not at or not local or not local.isascii():
        raise DeliveryError(f"not a usable email address: {email!r}")
    return Address(display_name=one_line(name, "name"), username=local,
                   domain=_ascii_domain(domain))


def _ascii_domain(domain: str) -> str:
    try:
        host = domain.strip().encode("idna").decode("ascii")
    except UnicodeError:
        raise DeliveryError(f"not a usable mail domain: {domain!r}") from None
    if not host or any(c in host for c in " <>@[]"):
        raise DeliveryError(f"not a usable mail domain: {domain!r}")
    return host


def msg_id(value: str, what: str) -> str:
    """A message identifier as RFC 5322 §3.6.4 writes it: ``<left@right>``."""
    text = one_line(value, what).strip()
    if not (text.startswith("<") and text.endswith(">") and "@" in text) or " " in text:
        raise DeliveryError(f"the {what} is not a message id like <id@domain>: {value!r}")
    return text


def one_line(value: str, what: str) -> str:
    """Refuse line breaks: in a header they would inject other headers."""
    if "\r" in value or "\n" in value:
        raise DeliveryError(f"the {what} must be on one line: {value!r}")
    return value
