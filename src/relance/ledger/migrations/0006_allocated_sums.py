"""Sums of allocations kept per invoice and per credit by database triggers, and the
partial indexes of open invoices and credits the aged balance reads
(:mod:`relance.ledger.sums`, docs/performance.md "Reports")."""

from django.db import migrations

from relance.ledger import sums


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0005_report_indexes'),
    ]

    operations = [
        migrations.RunPython(sums.install, sums.uninstall, elidable=False),
    ]
