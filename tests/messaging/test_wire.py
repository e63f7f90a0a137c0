"""The directly written email is byte for byte the one the ``email`` package writes.

``wire.message_bytes`` replaces ``build_email(...).as_bytes()`` on the sending path for
speed; these tests generate many message shapes (French names and subjects, long
subjects that fold, several recipients, several attachments with accented names,
threads) and compare both outputs exactly, with the same random boundary.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from relance.messaging import folding, wire
from relance.messaging.mime import SMTP, Attachment, build_email
from relance.messaging.render import RenderedMessage

FRENCH = "éèêëàâäîïôöùûüçœæÉÈÊÀÂÎÔÙÇŒ"
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
TYPOGRAPHY = "\u00a0\u202f€–—«»’…°№"
ODD = "-'&!#$%*+/=?^_`{|}~.,;:\"()<>@[]\\\t"

# Words mostly as French reminders spell them, sometimes with what forces a fallback.
word = st.text(alphabet=LETTERS + FRENCH + TYPOGRAPHY + "-'&", min_size=1, max_size=14) | \
    st.text(alphabet=LETTERS + FRENCH + TYPOGRAPHY + ODD + "😀", min_size=1, max_size=30)
phrase = st.lists(word, min_size=1, max_size=14).map(" ".join) | \
    st.lists(word, min_size=1, max_size=4).map("  ".join)
name = st.just("") | phrase
local = st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,20}[a-z0-9]", fullmatch=True).filter(
    lambda s: ".." not in s)
domain = st.from_regex(r"[a-z0-9-]{1,20}(\.[a-z0-9-]{1,12}){1,3}", fullmatch=True).filter(
    lambda s: all(label and not label.startswith("-") for label in s.split(".")))
email_address = st.builds("{}@{}".format, local, domain)
msg_id = st.builds("<{}@{}>".format, st.from_regex(r"[a-f0-9]{8,40}", fullmatch=True), domain)
zone = st.sampled_from([UTC, timezone(timedelta(hours=1)),
                        timezone(timedelta(hours=-5, minutes=-30))])
moment = st.builds(lambda s, z: datetime(2026, 1, 1, tzinfo=UTC).astimezone(z)
                   + timedelta(seconds=s), st.integers(0, 10**8), zone)
body_line = st.text(alphabet=LETTERS + FRENCH + TYPOGRAPHY + " =\t.", max_size=160)
body = st.lists(body_line, max_size=12).map("\n".join) | st.lists(body_line, max_size=5).map(
    "\r\n".join)
filename = st.builds("{}.pdf".format, phrase) | st.sampled_from(
    ["F-2026-001.pdf", "Facture F-1 – échue.pdf", "relevé.pdf", "a" * 70 + ".pdf"])
mime_type = st.sampled_from(["application/pdf", "application/pdf", "text/csv",
                             "application/vnd.ms-excel", "image/png", "application/x-odd+xml"])
attachment = st.builds(Attachment, filename, st.binary(max_size=400), mime_type)


def _outcome(build, seed: int):
    random.seed(seed)
    try:
        return build()
    except Exception as exc:  # noqa: BLE001 – both sides must fail the same way
        return (type(exc), str(exc))


def _both(rendered, seed, **arguments):
    expected = _outcome(lambda: build_email(rendered, **arguments).as_bytes(), seed)
    actual = _outcome(lambda: wire.message_bytes(rendered, **arguments), seed)
    return expected, actual


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(subject=phrase, text=body, sender=st.tuples(name, email_address),
       to=st.lists(st.tuples(name, email_address), min_size=1, max_size=4),
       reply_to=st.none() | email_address, message_id=msg_id, date=moment,
       attachments=st.lists(attachment, max_size=3), in_reply_to=st.none() | msg_id,
       references=st.lists(msg_id, max_size=22), seed=st.integers(0, 2**32))
def test_same_bytes_as_the_email_package(subject, text, sender, to, reply_to, message_id,
                                         date, attachments, in_reply_to, references,
                                         seed) -> None:
    expected, actual = _both(RenderedMessage(subject, text), seed, sender=sender, to=to,
                             reply_to=reply_to, message_id=message_id, date=date,
                             attachments=attachments, in_reply_to=in_reply_to,
                             references=references)
    assert actual == expected


def test_a_reminder_is_written_without_the_package(monkeypatch) -> None:
    """The usual shape takes the direct path (else the equality above proves little)."""
    assert wire.trusted()
    rendered = RenderedMessage("Relance facture N° F-000123 – échéance du 2 mars 2026",
                               "Bonjour Hélène,\n\nMontant dû : 1\u202f200,00\u00a0€.\n")
    arguments = {"sender": ("Camille Lefèvre", "compta@bench.example"),
                 "to": [("Hélène Dupré", "ap1@client1.example"), ("", "ap@client1.example")],
                 "reply_to": "camille@bench.example",
                 "message_id": "<0123456789abcdef0123456789abcdef@bench.example>",
                 "date": datetime(2026, 3, 5, 10, 0, tzinfo=UTC),
                 "attachments": [Attachment("F-000123.pdf", b"%PDF-1.4\n" * 50)],
                 "in_reply_to": "<1@bench.example>", "references": ["<0@bench.example>"]}
    random.seed(7)
    expected = build_email(rendered, **arguments).as_bytes()
    monkeypatch.setattr(wire, "build_email", None)  # any use of the package path fails
    monkeypatch.setattr(wire, "_package_fold", None)
    random.seed(7)
    assert wire.message_bytes(rendered, **arguments) == expected


@settings(max_examples=600, deadline=None)
@given(value=phrase, label=st.sampled_from(["Subject", "References", "X-Long-Header-Name"]))
def test_unstructured_headers_fold_like_the_package(value, label) -> None:
    try:
        ours = folding.fold_unstructured(label, value)
    except folding.Unsupported:
        assume(False)
    assert ours == SMTP.fold(label, SMTP.header_factory(label, value))


# Addresses long enough that the package must split them inside (dots, the @).
long_local = st.from_regex(r"[a-z0-9]{30,50}(\.[a-z0-9]{5,20}){0,2}", fullmatch=True)
long_domain = st.from_regex(r"[a-z0-9]{20,40}(\.[a-z0-9]{10,20}){1,2}", fullmatch=True)


@settings(max_examples=600, deadline=None)
@given(boxes=st.lists(st.tuples(name, local | long_local, domain | long_domain),
                      min_size=1, max_size=5))
def test_address_headers_fold_like_the_package(boxes) -> None:
    from email.headerregistry import Address

    try:
        ours = folding.fold_addresses("To", tuple(boxes))
    except folding.Unsupported:
        assume(False)
    addresses = [Address(display_name=n, username=u, domain=d) for n, u, d in boxes]
    assert ours == SMTP.fold("To", SMTP.header_factory("To", addresses))


@pytest.mark.parametrize("subject", [
    "Relance facture N° F-2026-001 – échéance du 12 mars 2026",
    "Mise en demeure de payer – factures F-1, F-2, F-3, F-4, F-5, F-6, F-7 et F-8 échues",
    "Reminder: invoice F-2026-001 is overdue since 12 March 2026 – please pay it today",
    "é" * 120, "x" * 77, "x" * 90, "aa " + "é" * 70 + " bb",
])
def test_known_subjects(subject: str) -> None:
    assert folding.fold_unstructured("Subject", subject) == SMTP.fold(
        "Subject", SMTP.header_factory("Subject", subject))


def test_encoded_words_prefer_q_unless_b_is_much_shorter() -> None:
    # "Inès": q "In=C3=A8s" is 9 characters, b 8 (5 bytes): q, being readable.
    assert folding.encode_word("Inès") == "=?utf-8?q?In=C3=A8s?="
    # "Société": q "Soci=C3=A9t=C3=A9" is 18 characters, b 12 (9 bytes): b.
    assert folding.encode_word("Société") == "=?utf-8?b?U29jacOpdMOp?="


def test_base64_is_kept_by_content() -> None:
    content = bytes(range(256)) * 40
    first = wire.encoded_base64(content)
    assert wire.encoded_base64(bytes(content)) is first  # same bytes: computed once
    lines = first.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) == 76 for line in lines[:-2])
    import base64

    assert base64.b64decode(b"".join(lines)) == content


@settings(max_examples=800, deadline=None)
@given(text=st.lists(st.text(alphabet=LETTERS[:5] + "é€ =\t\u00a0", max_size=200), max_size=6)
       .map("\n".join))
def test_body_is_quoted_printable_as_the_package_writes_it(text) -> None:
    from email import quoprimime

    normal = b"\n".join(text.encode("utf-8").splitlines()) + b"\n"
    expected = quoprimime.body_encode(normal.decode("latin-1"), 78).replace("\n", "\r\n")
    assert wire._text_body(text) == expected.encode("ascii")
