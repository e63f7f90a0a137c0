"""Indexes the reports read invoices through (docs/performance.md, "Reports"): one
organization's invoices in customer order, so the aged balance groups them without
sorting, and in issue-day order with their due date and amount, so sales and
receivables by day are summed from the index alone, without sorting either."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0004_bank_csv_mapping'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(fields=['organization', 'customer', 'currency'],
                               name='invoice_by_customer'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(fields=['organization', 'currency', 'issued', 'due',
                                       'amount_minor'],
                               name='invoice_by_issue_day'),
        ),
    ]
