"""The bytes of a reminder email, written directly: the same bytes as ``build_email``.

``mime.build_email(...).as_bytes()`` is the reference: headers folded by the ``email``
package (SMTP policy: CRLF, 78-character lines, RFC 2047 encoded words for non-ASCII
names and subjects), a ``text/plain; charset="utf-8"`` quoted-printable body
(RFC 2045 §6.7) and base64 attachments (RFC 2045 §6.8) with RFC 2231 file names, in a
``multipart/mixed`` body (RFC 2046 §5.1.3). :func:`message_bytes` writes that very
byte sequence without building the object tree, for the shapes Relance sends; any
header it does not write the package's way is folded by the package itself, and any
unusual message (a strange MIME type, a boundary clash) is built by ``build_email``.

Three shortcuts make it cheap: header folding by :mod:`relance.messaging.folding`, the
base64 text of an attachment kept by its content (invoices are attached again at each
step), and the multipart boundary drawn exactly as the package draws it (one random
number per message). The first use checks a sample against the package; if this
interpreter's ``email`` folds differently, every message takes the package's path.
"""

from __future__ import annotations

import base64
import logging
import random
import re
import sys
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from email.headerregistry import Address
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from urllib.parse import quote

from relance.errors import DeliveryError
from relance.messaging import folding
from relance.messaging.context import RenderedMessage
from relance.messaging.folding import MAXLEN, Unsupported
from relance.messaging.mime import SMTP, Attachment, build_email, mailbox, msg_id, one_line

log = logging.getLogger("relance.sending")
TEXT_PART = ('Content-Type: text/plain; charset="utf-8"\r\n'
             "Content-Transfer-Encoding: quoted-printable\r\n")
_MIME_TYPE = re.compile(r"(application|audio|font|image|model|text|video)/[a-z0-9][a-z0-9.+-]*")
_FILENAME = re.compile("[^\x00-\x1f\x7f\"\\\\\x85\u2028\u2029]+")
_MSG_ID = re.compile(r"<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+>")
_BASE64: OrderedDict[bytes, bytes] = OrderedDict()  # content → its base64 lines
_BASE64_BUDGET = 16 * 2**20  # bytes of content and base64 kept
_base64_kept = [0]
_DIGITS = len(repr(sys.maxsize - 1))  # email.generator's boundary width
_QP_UNSAFE = re.compile(b"[^\t\r\n -<>-~]+")  # what quoted-printable escapes


def message_bytes(rendered: RenderedMessage, *, sender: tuple[str, str],
                  to: Sequence[tuple[str, str]], reply_to: str | None, message_id: str,
                  date: datetime, attachments: Sequence[Attachment] = (),
                  in_reply_to: str | None = None, references: Sequence[str] = (),
                  boundary: str | None = None) -> bytes:
    """``build_email(...).as_bytes()`` for the same arguments, written directly.

    Raises what ``build_email`` raises, in the same order. ``boundary`` fixes the
    multipart boundary (tests); by default it is drawn as the package draws it.
    """
    arguments = {"sender": sender, "to": to, "reply_to": reply_to, "message_id": message_id,
                 "date": date, "attachments": attachments, "in_reply_to": in_reply_to,
                 "references": references}
    if trusted():
        try:
            return _write(rendered, boundary=boundary, **arguments)
        except Unsupported:
            pass
    return _package(rendered, boundary, **arguments)


def _package(rendered: RenderedMessage, boundary: str | None, **arguments) -> bytes:
    message = build_email(rendered, **arguments)
    if boundary is not None and message.is_multipart():
        message.set_boundary(boundary)
    return message.as_bytes()


def _write(rendered: RenderedMessage, *, sender, to, reply_to, message_id, date,
           attachments, in_reply_to, references, boundary) -> bytes:
    if not to:
        raise DeliveryError("an email needs at least one recipient")
    if date.tzinfo is None or date.utcoffset() is None:
        raise DeliveryError("the Date header needs a time zone")
    head = [_unstructured("Subject", one_line(rendered.subject, "subject")),
            _addresses("From", [mailbox(*sender)]),
            _addresses("To", [mailbox(name, email) for name, email in to])]
    if reply_to:
        head.append(_addresses("Reply-To", [mailbox("", reply_to)]))
    head += [_date(date), _message_id(msg_id(message_id, "Message-ID")),
             *_thread(in_reply_to, references)]
    body = _text_body(rendered.text)
    parts = [_part(a) for a in attachments]
    if not parts:
        return "".join([*head, TEXT_PART, "MIME-Version: 1.0\r\n\r\n"]).encode() + body
    return _multipart("".join(head).encode(), [(TEXT_PART.encode(), body), *parts], boundary)


def _multipart(head: bytes, parts: list[tuple[bytes, bytes]], boundary: str | None) -> bytes:
    """RFC 2046 §5.1.1: the parts (their headers, their body) between boundary lines,
    as the package writes them."""
    boundary = boundary or _boundary([part_head for part_head, _body in parts])
    content_type = f'Content-Type: multipart/mixed; boundary="{boundary}"'
    if len(content_type) > MAXLEN:
        raise Unsupported(boundary)  # the package would fold it: let it
    line = f"\r\n--{boundary}\r\n".encode()
    texts = [part_head + b"\r\n" + part_body for part_head, part_body in parts]
    return b"".join([head, b"MIME-Version: 1.0\r\n", content_type.encode(), b"\r\n\r\n--",
                     boundary.encode(), b"\r\n", line.join(texts), b"\r\n--",
                     boundary.encode(), b"--\r\n"])


def _boundary(heads: list[bytes]) -> str:
    """A boundary drawn as ``BytesGenerator._make_boundary`` draws it (same random
    number, same digits), without compiling a pattern per message. Quoted-printable
    and base64 lines cannot hold ``--==``; a part's header (a file name) could, and then
    the package writes the message."""
    boundary = "=" * 15 + f"{random.randrange(sys.maxsize):0{_DIGITS}d}" + "=="
    marker = f"--{boundary}".encode("ascii")
    if any(marker in head for head in heads):
        raise Unsupported(boundary)
    return boundary


# --- headers ---------------------------------------------------------------------------

def _unstructured(name: str, value: str) -> str:
    try:
        return folding.fold_unstructured(name, value)
    except Unsupported:
        return _package_fold(name, value)


def _addresses(name: str, addresses: list[Address]) -> str:
    try:
        return folding.fold_addresses(name, tuple(
            (a.display_name, a.username, a.domain) for a in addresses))
    except Unsupported:
        return _package_fold(name, addresses)


def _package_fold(name: str, value) -> str:
    """One header as the package stores and folds it (it raises what it would raise)."""
    return SMTP.fold(name, SMTP.header_store_parse(name, value)[1])


def _date(date: datetime) -> str:
    """``Date:`` as the package writes it: it parses the text back, then formats it."""
    return _date_line(date, date.utcoffset())  # equal instants differ by their offset


@lru_cache(maxsize=64)
def _date_line(date: datetime, _offset) -> str:
    text = format_datetime(parsedate_to_datetime(format_datetime(date)))
    return f"Date: {text}\r\n"


def _message_id(value: str) -> str:
    if _MSG_ID.fullmatch(value) and len(value) + len("Message-ID: ") <= MAXLEN:
        return f"Message-ID: {value}\r\n"
    return _package_fold("Message-ID", value)


def _thread(in_reply_to: str | None, references: Sequence[str]) -> list[str]:
    """RFC 5322 §3.6.4: ``In-Reply-To`` the parent, ``References`` the chain ending in it."""
    chain = [msg_id(ref, "References") for ref in references]
    lines = []
    if in_reply_to:
        parent = msg_id(in_reply_to, "In-Reply-To")
        lines.append(_unstructured("In-Reply-To", parent))
        if parent not in chain:
            chain.append(parent)
    if chain:
        lines.append(_unstructured("References", " ".join(chain)))
    return lines


# --- body and attachments --------------------------------------------------------------

def _text_body(text: str) -> bytes:
    """UTF-8 quoted-printable (RFC 2045 §6.7) in CRLF lines, as ``set_content`` writes
    it (``email.quoprimime.body_encode``, 78 columns): the same escapes and soft breaks.
    A reminder's lines are mostly its template's, so each line is encoded once."""
    normal = b"\n".join(text.encode("utf-8").splitlines()) + b"\n"
    out: list[str] = []
    for line in normal.split(b"\n")[:-1]:
        out += _qp_line(line)
    out.append("")
    return "\r\n".join(out).encode("ascii")


def _qp_escape(found: re.Match) -> bytes:
    return b"=" + found[0].hex("=").upper().encode("ascii")


@lru_cache(maxsize=4096)
def _qp_line(raw: bytes) -> tuple[str, ...]:
    """One line escaped, then cut into soft-broken pieces never inside an ``=XX``
    escape; a blank at its end is escaped (RFC 2045 §6.7 rule 3)."""
    line = _QP_UNSAFE.sub(_qp_escape, raw).decode("ascii")
    out: list[str] = []
    start, last = 0, len(line) - 1 - MAXLEN
    while start <= last:
        stop = start + MAXLEN - 1
        if line[stop - 2] == "=":
            out.append(line[start:stop - 1])
            start = stop - 2
        elif line[stop - 1] == "=":
            out.append(line[start:stop])
            start = stop - 1
        else:
            out.append(line[start:stop] + "=")
            start = stop
    if line and line[-1] in " \t":
        room, blank = start - last, f"={ord(line[-1]):02X}"
        if room >= 3:
            tail = blank
        elif room == 2:
            tail = line[-1] + "=\r\n"
        else:
            tail = "=\r\n" + blank
        out.append(line[start:-1] + tail)
    else:
        out.append(line[start:])
    return tuple(out)


def _part(attachment: Attachment) -> tuple[bytes, bytes]:
    """An attachment's headers (as ``add_attachment`` sets them) and base64 body."""
    if not _MIME_TYPE.fullmatch(attachment.mime_type) \
            or len(attachment.mime_type) + len("Content-Type: ") > MAXLEN:
        raise Unsupported(attachment.mime_type)
    filename = one_line(attachment.filename, "attachment name")
    head = "".join([
        f"Content-Type: {attachment.mime_type}\r\nContent-Transfer-Encoding: base64\r\n",
        _disposition(filename), "MIME-Version: 1.0\r\n",
    ])
    return head.encode("ascii"), encoded_base64(attachment.content)


def _disposition(filename: str) -> str:
    """``Content-Disposition: attachment; filename=…`` (RFC 2183), RFC 2231 when not
    ASCII, moved to its own line when long (the package's ``_fold_mime_parameters``)."""
    if not _FILENAME.fullmatch(filename) or "=?" in filename:
        raise Unsupported(filename)
    first = "Content-Disposition: attachment;"
    room = MAXLEN - len(first) - 1
    if filename.isascii():
        param = f'filename="{filename}"'
        fits = len(param) <= room  # the whole value fits the line as written
    else:
        param = "filename*=utf-8''" + quote(filename, safe="")
        fits = len(param) < room  # the package's parameter folding is one stricter
    if fits:
        return f"{first} {param}\r\n"
    if len(param) + 2 <= MAXLEN:
        return f"{first}\r\n {param}\r\n"
    raise Unsupported(filename)  # RFC 2231 continuations: the package writes them


def encoded_base64(content: bytes) -> bytes:
    """RFC 2045 §6.8 base64 in 76-character CRLF lines, kept by content (the same
    invoice PDF goes out again at each step) up to a few megabytes in all."""
    cached = _BASE64.get(content)
    if cached is not None:
        _BASE64.move_to_end(content)
        return cached
    text = base64.b64encode(content)
    encoded = b"".join([text[i:i + 76] + b"\r\n" for i in range(0, len(text), 76)])
    if len(content) <= _BASE64_BUDGET // 4:
        _BASE64[content] = encoded
        _base64_kept[0] += len(content) + len(encoded)
        while _base64_kept[0] > _BASE64_BUDGET:
            old, old_encoded = _BASE64.popitem(last=False)
            _base64_kept[0] -= len(old) + len(old_encoded)
    return encoded


# --- trust, once per process -----------------------------------------------------------

@lru_cache(maxsize=1)
def trusted() -> bool:
    """True when this interpreter's ``email`` package writes what this module writes.

    Checked once on a sample of French names, long subjects, several recipients and
    attachments; a different package (another Python release) turns the shortcut off.
    """
    boundary = "=" * 15 + "0123456789012345678" + "=="  # fixed: draws no random number
    for rendered, arguments in _samples():
        reference = _package(rendered, boundary, **arguments)
        try:
            ours = _write(rendered, boundary=boundary, **arguments)
        except Unsupported:
            continue
        if ours != reference:
            log.warning("the email package folds differently here: writing messages with it")
            return False
    return True


def _samples():
    """French names and subjects long enough to fold, several recipients, attachments."""
    pdf = bytes(range(256)) * 3
    base = {
        "sender": ("Société Atelier Nord – Comptabilité", "compta@atelier-nord.example"),
        "to": [("Inès Lefèvre", "ines@boulangerie-dupre.example"), ("", "ap@dupre.example")],
        "reply_to": "claire@atelier-nord.example",
        "message_id": "<0123456789abcdef0123456789abcdef@atelier-nord.example>",
        "date": datetime(2026, 3, 16, 9, 30, tzinfo=timezone(timedelta(hours=1))),
        "attachments": [Attachment("Facture F-1 – échue.pdf", pdf), Attachment("F-2.pdf", pdf)],
        "in_reply_to": "<a@atelier-nord.example>", "references": ["<b@atelier-nord.example>"],
    }
    text = "Bonjour Hélène,\n\n1\u202f234,56\u00a0€ = dû. " + "x" * 90 + " \nfin\n"
    yield RenderedMessage("Relance facture N° F-1 – échéance du 12 mars 2026, deuxième "
                          "relance avant mise en demeure", text), base
    names = [("Zoé Müller-Lüdenscheidt Großherzogin von Sachsen-Anhalt", "z@c.example")] * 3
    yield RenderedMessage("Reminder", "Hello\n"), dict(base, attachments=[], to=names)
