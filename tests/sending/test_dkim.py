"""DKIM signing (RFC 6376) when the organization configures a key; needs ``dkimpy``."""

from __future__ import annotations

import subprocess

import pytest

from relance.dunning.services import run_day
from relance.messaging.models import SendingSettings
from tests.sending.conftest import FIRST

dkim = pytest.importorskip("dkim", reason="dkimpy is not installed")
pytestmark = pytest.mark.django_db


def test_messages_are_signed_and_the_signature_verifies(smtp, book, tmp_path):
    key = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True,
                   capture_output=True)
    public = subprocess.run(["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"],
                            check=True, capture_output=True).stdout
    SendingSettings.objects.filter(organization=book).update(dkim_selector="relance",
                                                             dkim_key_path=str(key))
    run_day(book, FIRST)
    import base64

    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    def dns(name, timeout=5):
        assert name == b"relance._domainkey.acme.example."
        return record

    for mail in smtp.messages:
        raw = mail.as_bytes()
        assert mail["DKIM-Signature"] and "d=acme.example" in mail["DKIM-Signature"]
        assert dkim.verify(raw, dnsfunc=dns)
        tampered = raw.replace(b"Lef=C3=A8vre", b"Lefevre")
        assert tampered != raw and not dkim.verify(tampered, dnsfunc=dns)
