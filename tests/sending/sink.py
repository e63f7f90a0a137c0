"""A real SMTP server on loopback (aiosmtpd) that remembers what it was given.

``Sink.script`` lets a test make the server answer like a real one under trouble: a
temporary ``451`` to DATA, a ``550`` to one recipient. ``on_mail`` runs at each MAIL
FROM with the number of messages already accepted (the crash test kills there).
``Sink(pipelining=True)`` offers ``PIPELINING`` (RFC 2920) like Postfix; aiosmtpd alone
does not, so both ways of talking to a server are exercised.
"""

from __future__ import annotations

import email
import socket
import threading
from collections import Counter
from email import policy

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, pipelining: bool = False) -> None:
        self.pipelining = pipelining
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: dict[str, str] = {}  # recipient → reply
        self.data_replies: list[str] = []  # replies to DATA, used up first
        self.on_mail = None
        self.connections: set[tuple] = set()  # the client address of each SMTP session
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, options):
        self.connections.add(session.peer)
        if self.on_mail is not None:
            self.on_mail(len(self.messages))
        if address in self.refuse:
            return self.refuse[address]
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.data_replies:
                return self.data_replies.pop(0)
            self.messages.append(email.message_from_bytes(envelope.content,
                                                          policy=policy.default))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return f"250 2.0.0 queued as Q{len(self.messages)}"

    def ids(self) -> Counter:
        return Counter(m["Message-ID"] for m in self.messages)


class Server:
    """The sink listening on 127.0.0.1 on a free port, for the ``with`` block."""

    def __init__(self, sink: Sink) -> None:
        self.sink, self.port = sink, free_port()
        self.controller = Controller(sink, hostname="127.0.0.1", port=self.port,
                                     data_size_limit=50_000_000)

    def __enter__(self) -> Server:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
