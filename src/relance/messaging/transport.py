"""Where a built message goes: the outbox folder (embedded default) or an SMTP server.

Both transports sit behind the same state machine and the same sending protocol; they
differ only in what "delivered" means. The folder transport writes an ``.eml`` file (a
person reads it; nobody receives it), immediately and whatever the send window. The
SMTP transport speaks to one relay over one reused connection: ``MAIL FROM``, one
``RCPT TO`` per recipient, ``DATA``, and returns the server's final reply, which is the
moment the message becomes the server's (RFC 5321 §4.1.1.4). TLS is ``starttls``,
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


class SmtpTransport:
    """One SMTP relay, one connection reused across messages, reopened after an error."""

    name = "smtp"
    respects_window = True

    def __init__(self, config: dict) -> None:
        self.config = config
        self.host = config["host"]
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        context = ssl.create_default_context(cafile=c.get("ca_file") or None)
        if not c.get("verify", True):
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        timeout = c.get("timeout", 30)
        if c.get("tls") == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, c["port"], timeout=timeout,
                                                  context=context)
        else:
            smtp = smtplib.SMTP(self.host, c["port"], timeout=timeout)
            if c.get("tls") == "starttls":
                smtp.starttls(context=context)
        if c.get("user"):
            smtp.login(c["user"], c["password"])
        return smtp

    def send(self, data: bytes, sender: str, to: list[str],
             where: tuple[str, str, str]) -> Receipt:
        """Hand ``data`` to the server; returns its reply to the end of DATA.

        Raises ``smtplib`` errors (sorted by ``rules.classify``) or ``OSError``.
        """
        if self._smtp is None:
            self._smtp = self._connect()
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
        code, reply = smtp.data(data)
        if code != 250:
            smtp.rset()
            raise smtplib.SMTPDataError(code, reply)
        return Receipt(f"{code} {reply.decode('utf-8', 'replace')}", refused=tuple(refused))

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


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
