"""A real SMTP server on loopback that keeps what it receives (aiosmtpd)."""

from __future__ import annotations

import socket


class Inbox:
    def __init__(self):
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                              envelope.original_content))
        return "250 OK"


def loopback_smtp():
    """Yield ``(port, inbox)`` while a server listens on 127.0.0.1."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()
