"""Where a built message goes: the outbox folder (embedded default) or an SMTP server.

Both transports sit behind the same state machine and the same sending protocol; they
differ only in what "delivered" means. The folder transport writes an ``.eml`` file (a
person reads it; nobody receives it), immediately and whatever the send window. The
SMTP transport speaks to one relay over one reused connection: ``MAIL FROM``, one
``RCPT TO`` per recipient, ``DATA``, and returns the server's final reply, which is the
moment the message becomes the server's (RFC 5321 §4.1.1.4). When the server offers
``PIPELINING`` (RFC 2920; Postfix, Exim, Exchange and the large providers do) the
envelope commands and ``DATA`` go in one write and their replies are read together: two
round trips a message instead of three plus one per recipient. TLS is ``starttls``,
``ssl`` (implicit TLS, RFC 8314) or ``none``; certificates are verified unless told
otherwise. When a DKIM key is configured the message is signed (RFC 6376) with the
``dkimpy`` package.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path

from relance.errors import DeliveryError


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the transport says about a delivered message."""

    reply: str
    path: str = ""
    refused: tuple[str, ...] = ()


class FolderTransport:
    """Writes each message as ``<folder>/<organization>/<day>/<name>.eml``."""

    name = "folder"
    respects_window = False

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, data: bytes, sender: str, to: list[str],
             where: tuple[str, str, str]) -> Receipt:
        org, day, stem = where
        folder = self.folder / org / day
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{stem}.eml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)  # atomic: a crash never leaves half a message in the outbox
        return Receipt("written", str(path))

    def close(self) -> None:
        pass


def tls_context(config: dict) -> ssl.SSLContext:
    """The TLS context for a relay of ``config`` (``settings.RELANCE_SMTP``'s shape): the
    system's certificate authorities, plus those of ``ca_file`` (a relay with a private
    CA; an organization's own relay with a public certificate still passes); no
    certificate check when ``verify`` is false."""
    context = ssl.create_default_context()
    if config.get("ca_file"):
        context.load_verify_locations(cafile=config["ca_file"])
    if not config.get("verify", True):
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    return context


def open_relay(config: dict) -> smtplib.SMTP:
    """A connection to the relay of ``config``, encrypted and logged in as it says: the
    one way Relance opens an SMTP connection (reminders, the settings page's test
    message, password-reset links). ``login_error`` (a password the install cannot
    read) fails the login before any connection, as the relay would refuse it."""
    if config.get("login_error"):
        raise smtplib.SMTPAuthenticationError(535, config["login_error"])
    context = tls_context(config)
    host, port, timeout = config["host"], int(config["port"]), config.get("timeout", 30)
    if config.get("tls") == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if config.get("tls") == "starttls":
            smtp.starttls(context=context)
    if config.get("user"):
        smtp.login(config["user"], config["password"])
    return smtp


class SmtpTransport:
    """One SMTP relay, one connection reused across messages, reopened after an error."""

    name = "smtp"
    respects_window = True

    def __init__(self, config: dict) -> None:
        self.config = config
        self.host = config["host"]
        self._smtp: smtplib.SMTP | None = None

    def send(self, data: bytes, sender: str, to: list[str],
             where: tuple[str, str, str]) -> Receipt:
        """Hand ``data`` to the server; returns its reply to the end of DATA.

        Raises ``smtplib`` errors (sorted by ``rules.classify``) or ``OSError``.
        """
        if self._smtp is None:
            self._smtp = open_relay(self.config)
        try:
            return self._transaction(self._smtp, data, sender, to)
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused):
            raise  # the server answered: the connection stays usable
        except OSError:
            self.close()  # the connection is unusable; the next message reconnects
            raise

    def _transaction(self, smtp: smtplib.SMTP, data: bytes, sender: str,
                     to: list[str]) -> Receipt:
        smtp.ehlo_or_helo_if_needed()
        if smtp.has_extn("pipelining") and sender.isascii() and all(r.isascii() for r in to):
            return _pipelined(smtp, data, sender, to)
        return _stepwise(smtp, data, sender, to)

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


def _stepwise(smtp: smtplib.SMTP, data: bytes, sender: str, to: list[str]) -> Receipt:
    """One command, one reply: for servers without ``PIPELINING``."""
    code, reply = smtp.mail(sender)
    if code != 250:
        smtp.rset()
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused = {}
    for rcpt in to:
        code, reply = smtp.rcpt(rcpt)
        if code not in (250, 251):
            refused[rcpt] = (code, reply)
    if len(refused) == len(to):
        smtp.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    return _received(smtp, *smtp.data(data), refused)


def _pipelined(smtp: smtplib.SMTP, data: bytes, sender: str, to: list[str]) -> Receipt:
    """``MAIL``, every ``RCPT`` and ``DATA`` in one group, then the content (RFC 2920 §3.1:
    ``DATA`` ends a group; the content waits for its ``354``).

    Every reply of the group is read, in order, whatever the first ones said: a server
    that refused the sender still answers the ``RCPT``s and ``DATA`` (``503``); one that
    accepted ``DATA`` although no recipient was accepted gets an empty message it
    discards (§3.1), then ``RSET``.
    """
    smtp.send(b"".join([b"MAIL FROM:<%s>\r\n" % sender.encode(),
                        *(b"RCPT TO:<%s>\r\n" % rcpt.encode() for rcpt in to),
                        b"DATA\r\n"]))
    mail = smtp.getreply()
    refused = {}
    for rcpt in to:
        code, reply = smtp.getreply()
        if code not in (250, 251):
            refused[rcpt] = (code, reply)
    started, started_reply = smtp.getreply()
    if mail[0] != 250 or len(refused) == len(to) or started != 354:
        if started == 354:
            smtp.send(b".\r\n")
            smtp.getreply()
        smtp.rset()
        if mail[0] != 250:
            raise smtplib.SMTPSenderRefused(*mail, sender)
        if len(refused) == len(to):
            raise smtplib.SMTPRecipientsRefused(refused)
        raise smtplib.SMTPDataError(started, started_reply)
    smtp.send(_dot_stuffed(data) + b".\r\n")
    return _received(smtp, *smtp.getreply(), refused)


def _received(smtp: smtplib.SMTP, code: int, reply: bytes, refused: dict) -> Receipt:
    """The reply to the end of the content: ``250`` makes the message the server's."""
    if code != 250:
        smtp.rset()
        raise smtplib.SMTPDataError(code, reply)
    return Receipt(f"{code} {reply.decode('utf-8', 'replace')}", refused=tuple(refused))


def _dot_stuffed(data: bytes) -> bytes:
    """``data`` as ``smtplib`` puts it on the wire: every line starting with ``.`` gets a
    second one (RFC 5321 §4.5.2), and the content ends with a line break."""
    if data.startswith(b"."):
        data = b"." + data
    data = data.replace(b"\n.", b"\n..")
    return data if data.endswith(b"\r\n") else data + b"\r\n"


def dkim_sign(data: bytes, selector: str, domain: str, key_path: str) -> bytes:
    """``data`` with a DKIM-Signature header (RFC 6376, rsa-sha256, relaxed/relaxed)."""
    try:
        import dkim
    except ImportError:
        raise DeliveryError("a DKIM key is configured but the dkimpy package is not "
                            "installed (pip install dkimpy)") from None
    try:
        key = Path(key_path).read_bytes()
    except OSError as exc:
        raise DeliveryError(f"DKIM key {key_path}: {exc.strerror}") from None
    headers = [b"From", b"To", b"Subject", b"Date", b"Message-ID", b"Reply-To",
               b"In-Reply-To", b"References"]
    signature = dkim.sign(data, selector.encode(), domain.encode(), key,
                          canonicalize=(b"relaxed", b"relaxed"), include_headers=headers)
    return signature + data
