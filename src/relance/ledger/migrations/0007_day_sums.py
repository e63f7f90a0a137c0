"""Sales and payments summed by day per organization and currency, kept by database
triggers on invoices and allocations, for the KPIs (:mod:`relance.ledger.daysums`,
docs/performance.md "Reports")."""

from django.db import migrations

from relance.ledger import daysums


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0006_allocated_sums'),
    ]

    operations = [
        migrations.RunPython(daysums.install, daysums.uninstall, elidable=False),
    ]
