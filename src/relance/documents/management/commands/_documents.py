"""What the document commands share: finding the customer, writing the file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from relance.ledger.models import Customer, Organization


def customer_by_ref(org: Organization, ref: str) -> Customer:
    customer = Customer.objects.filter(organization=org, ref=ref).first()
    if customer is None:
        raise CommandError(f"no customer {ref!r} in {org.slug}")
    return customer


def write(out: str | None, default_name: str, content: bytes) -> Path:
    """Write ``content`` to ``--out`` (a file or an existing folder), else to the default name."""
    path = Path(out) if out else Path(default_name)
    if path.is_dir():
        path = path / default_name
    path.write_bytes(content)
    return path
