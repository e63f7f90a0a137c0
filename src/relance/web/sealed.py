"""Secrets kept in the database sealed: an organization's SMTP password.

A copy of the database (a backup, a dump sent for support) must not hand over the mail
relays of every client company. The password is encrypted with Fernet (AES-128-CBC and
HMAC-SHA256, from the ``cryptography`` package) under a key derived from
``RELANCE_SECRET_KEY``, and stored as ``fernet:<token>``; a value without the prefix is
one saved before sealing (the migration seals them) and is read as it is.

Changing ``RELANCE_SECRET_KEY`` makes the sealed passwords unreadable: the relay's
login then fails (a temporary failure, retried) with :data:`UNREADABLE` as the reason,
asking for the password again, rather than logging in with a wrong one.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

PREFIX = "fernet:"
UNREADABLE = ("the organization's SMTP password cannot be read: RELANCE_SECRET_KEY changed "
              "since it was saved; enter it again in the organization's settings")
_PURPOSE = b"relance: sealed settings\x00"


def _fernet() -> Fernet:
    digest = hashlib.sha256(_PURPOSE + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def seal(text: str) -> str:
    """``text`` encrypted for the database; an empty one stays empty."""
    if not text or is_sealed(text):
        return text
    return PREFIX + _fernet().encrypt(text.encode()).decode("ascii")


def unseal(value: str) -> str | None:
    """The text of a sealed ``value`` (a value saved before sealing as it is); ``None``
    when this install's key cannot open it."""
    if not is_sealed(value):
        return value
    try:
        return _fernet().decrypt(value[len(PREFIX):].encode("ascii")).decode()
    except (InvalidToken, ValueError):
        return None
