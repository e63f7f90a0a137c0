"""The email a reminder travels in: it must parse back to exactly what was rendered."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta, timezone
from email import policy

import pytest

from relance.errors import DeliveryError
from relance.messaging.mime import Attachment, build_email, make_message_id
from relance.messaging.render import RenderedMessage, render
from tests.messaging.fixtures import context

PARIS_WINTER = timezone(timedelta(hours=1))
# A small but real-looking PDF, with bytes that 7-bit transports would damage.
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n" + bytes(range(256)) + b"\n%%EOF\n"


def _email(**changes: object) -> email.message.EmailMessage:
    arguments: dict = {
        "sender": ("Société Atelier Nord – Comptabilité", "compta@atelier-nord.example"),
        "to": [("Inès Lefèvre", "ines.lefevre@boulangerie-dupre.example"),
               ("", "fournisseurs@boulangerie-dupre.example")],
        "reply_to": "claire.martin@atelier-nord.example",
        "message_id": make_message_id("org-1/C1/reminder_1/2026-03-16", "atelier-nord.example"),
        "date": datetime(2026, 3, 16, 9, 30, tzinfo=PARIS_WINTER),
        "attachments": [Attachment("Facture F-2026-001 – échue.pdf", PDF, "application/pdf")],
    }
    arguments.update(changes)
    return build_email(render(context("reminder_1")), **arguments)


def _parsed(message: email.message.EmailMessage) -> email.message.EmailMessage:
    return email.message_from_bytes(message.as_bytes(), policy=policy.default)


def test_french_subject_is_encoded_and_decodes_back_with_accents() -> None:
    raw = _email().as_bytes()
    subject_line = raw.split(b"\r\nFrom:")[0]
    assert subject_line.isascii() and b"=?utf-8?" in subject_line  # RFC 2047 encoded words
    assert _parsed(_email())["Subject"] == (
        "Relance facture N° F-2026-001 – échéance du 12 mars 2026")


def test_headers_parse_back() -> None:
    parsed = _parsed(_email())
    assert parsed["From"].addresses[0].display_name == "Société Atelier Nord – Comptabilité"
    assert parsed["From"].addresses[0].addr_spec == "compta@atelier-nord.example"
    assert [a.addr_spec for a in parsed["To"].addresses] == [
        "ines.lefevre@boulangerie-dupre.example", "fournisseurs@boulangerie-dupre.example"]
    assert parsed["To"].addresses[0].display_name == "Inès Lefèvre"
    assert parsed["Reply-To"].addresses[0].addr_spec == "claire.martin@atelier-nord.example"
    assert parsed["Message-ID"] == make_message_id("org-1/C1/reminder_1/2026-03-16",
                                                   "atelier-nord.example")
    assert parsed["Date"].datetime == datetime(2026, 3, 16, 8, 30, tzinfo=UTC)


def test_whole_message_is_ascii_with_crlf_line_ends() -> None:
    raw = _email().as_bytes()
    assert raw.isascii()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")


def test_body_is_utf8_text_equal_to_the_rendered_text() -> None:
    body = _parsed(_email()).get_body(preferencelist=("plain",))
    assert body.get_content_type() == "text/plain"
    assert body.get_content_charset() == "utf-8"
    # On the wire every line ends with CRLF (RFC 5322); the words are the rendered ones.
    text = body.get_content().replace("\r\n", "\n")
    assert text == render(context("reminder_1")).text
    assert "1\u202f234,56\u00a0€" in text


def test_pdf_attachment_is_intact() -> None:
    (attachment,) = list(_parsed(_email()).iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "Facture F-2026-001 – échue.pdf"
    assert attachment.get_content() == PDF


def test_without_attachment_the_email_is_plain_text() -> None:
    parsed = _parsed(_email(attachments=[]))
    assert parsed.get_content_type() == "text/plain"


def test_no_reply_to_when_none_is_given() -> None:
    assert _parsed(_email(reply_to=None))["Reply-To"] is None


def test_threading_headers() -> None:
    first = make_message_id("org-1/C1/courtesy/2026-03-06", "atelier-nord.example")
    second = make_message_id("org-1/C1/reminder_1/2026-03-16", "atelier-nord.example")
    parsed = _parsed(_email(message_id=make_message_id("x", "atelier-nord.example"),
                            in_reply_to=second, references=[first]))
    assert parsed["In-Reply-To"] == second
    assert parsed["References"].split() == [first, second]


def test_message_id_is_deterministic_per_key() -> None:
    one = make_message_id("org-1/C1/reminder_1/2026-03-16", "atelier-nord.example")
    assert one == make_message_id("org-1/C1/reminder_1/2026-03-16", "atelier-nord.example")
    assert one != make_message_id("org-1/C1/reminder_2/2026-03-30", "atelier-nord.example")
    assert one.startswith("<") and one.endswith("@atelier-nord.example>")
    assert make_message_id("k", "société.example").endswith("@xn--socit-esab.example>")


def test_naive_date_is_refused() -> None:
    with pytest.raises(DeliveryError, match="time zone"):
        _email(date=datetime(2026, 3, 16, 9, 30))  # noqa: DTZ001


def test_header_injection_is_refused() -> None:
    with pytest.raises(DeliveryError, match="one line"):
        _email(sender=("Atelier\r\nBcc: victim@example.org", "compta@atelier-nord.example"))
    with pytest.raises(DeliveryError, match="one line"):
        build_email(RenderedMessage("Relance\nBcc: x@y.example", "x\n"),
                    sender=("", "a@b.example"), to=[("", "c@d.example")], reply_to=None,
                    message_id="<1@b.example>", date=datetime(2026, 1, 1, tzinfo=UTC))


def test_bad_addresses_and_ids_are_refused() -> None:
    with pytest.raises(DeliveryError, match="recipient"):
        _email(to=[])
    with pytest.raises(DeliveryError, match="address"):
        _email(to=[("Inès", "pas-une-adresse")])
    with pytest.raises(DeliveryError, match="address"):
        _email(to=[("Inès", "inès@boulangerie-dupre.example")])
    with pytest.raises(DeliveryError, match="message id"):
        _email(message_id="not-an-id")
