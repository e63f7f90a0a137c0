"""The SMTP transport against servers with and without PIPELINING (RFC 2920).

With it, the envelope and ``DATA`` leave in one write and the content in a second; every
refusal is still read and reported exactly as when each command waits for its reply.
"""

from __future__ import annotations

import smtplib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relance.messaging.transport import SmtpTransport, _dot_stuffed
from tests.sending.sink import Server, Sink

MESSAGE = (b"From: compta@acme.example\r\nTo: ap@client.example\r\nSubject: Relance\r\n"
           b"Message-ID: <m1@acme.example>\r\n\r\nBonjour,\r\n.ligne qui commence par un point"
           b"\r\n..et deux\r\n.\r\nFin.\r\n")
WHERE = ("acme", "2026-03-05", "C1-reminder_1-EUR")


@pytest.fixture(params=[True, False], ids=["pipelining", "stepwise"])
def server(request):
    with Server(Sink(pipelining=request.param)) as running:
        yield running


@pytest.fixture
def writes(monkeypatch):
    """How many times the client wrote to the socket."""
    count = [0]
    send = smtplib.SMTP.send

    def counting(self, data):
        count[0] += 1
        return send(self, data)

    monkeypatch.setattr(smtplib.SMTP, "send", counting)
    return count


def transport(server: Server) -> SmtpTransport:
    return SmtpTransport({"host": "127.0.0.1", "port": server.port, "tls": "none"})


def test_a_message_arrives_whole_with_its_dotted_lines(server):
    via = transport(server)
    receipt = via.send(MESSAGE, "compta@acme.example", ["ap@client.example"], WHERE)
    via.close()
    assert receipt.reply.startswith("250 ")
    body = server.sink.messages[0].get_content()
    assert ".ligne qui commence par un point\r\n..et deux\r\n.\r\nFin.\r\n" in body


def test_a_pipelining_server_gets_two_writes_a_message(writes):
    with Server(Sink(pipelining=True)) as server:
        via = transport(server)
        via.send(MESSAGE, "compta@acme.example", ["a@x.example", "b@x.example"], WHERE)
        first = writes[0]  # EHLO
        via.send(MESSAGE, "compta@acme.example", ["a@x.example", "b@x.example"], WHERE)
        second = writes[0]
        via.close()
    assert second - first == 2  # MAIL + 2 RCPT + DATA, then the content
    assert server.sink.envelopes[1] == ("compta@acme.example", ["a@x.example", "b@x.example"])


def test_one_refused_recipient_is_reported_and_the_others_receive_it(server):
    server.sink.refuse["gone@x.example"] = "550 5.1.1 no such user"
    via = transport(server)
    receipt = via.send(MESSAGE, "compta@acme.example", ["gone@x.example", "ok@x.example"],
                       WHERE)
    via.close()
    assert receipt.refused == ("gone@x.example",)
    assert server.sink.envelopes == [("compta@acme.example", ["ok@x.example"])]


def test_every_recipient_refused_raises_and_the_connection_stays_usable(server):
    server.sink.refuse["gone@x.example"] = "550 5.1.1 no such user"
    via = transport(server)
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        via.send(MESSAGE, "compta@acme.example", ["gone@x.example"], WHERE)
    assert refused.value.recipients["gone@x.example"][0] == 550
    via.send(MESSAGE, "compta@acme.example", ["ok@x.example"], WHERE)
    via.close()
    assert server.sink.envelopes == [("compta@acme.example", ["ok@x.example"])]
    assert len(server.sink.connections) == 1


def test_a_refused_sender_raises_and_the_next_message_leaves(server):
    server.sink.refuse["blocked@acme.example"] = "553 5.7.1 sender not allowed"
    via = transport(server)
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        via.send(MESSAGE, "blocked@acme.example", ["ok@x.example"], WHERE)
    assert refused.value.smtp_code == 553
    via.send(MESSAGE, "compta@acme.example", ["ok@x.example"], WHERE)
    via.close()
    assert [m["Message-ID"] for m in server.sink.messages] == ["<m1@acme.example>"]


def test_a_temporary_refusal_of_the_content_raises_a_data_error(server):
    server.sink.data_replies.append("451 4.3.0 try again later")
    via = transport(server)
    with pytest.raises(smtplib.SMTPDataError) as error:
        via.send(MESSAGE, "compta@acme.example", ["ok@x.example"], WHERE)
    assert error.value.smtp_code == 451
    via.send(MESSAGE, "compta@acme.example", ["ok@x.example"], WHERE)
    via.close()
    assert len(server.sink.messages) == 1


@given(st.binary(max_size=200).map(lambda b: b.replace(b"\r", b"")),
       st.sampled_from([b"", b"\r\n", b"\n"]))
def test_dot_stuffing_is_the_one_smtplib_does(text, end):
    data = text.replace(b"\n", b"\r\n") + end
    expected = smtplib._quote_periods(data)
    if expected[-2:] != b"\r\n":
        expected += b"\r\n"
    assert _dot_stuffed(data) == expected
