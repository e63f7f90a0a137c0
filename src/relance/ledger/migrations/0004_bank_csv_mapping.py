import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0003_terms_and_address'),
    ]

    operations = [
        migrations.CreateModel(
            name='BankCsvMapping',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100)),
                ('account', models.CharField(blank=True, help_text='IBAN of the account the exports are for', max_length=34)),
                ('date_column', models.CharField(max_length=100)),
                ('amount_column', models.CharField(blank=True, max_length=100)),
                ('debit_column', models.CharField(blank=True, max_length=100)),
                ('credit_column', models.CharField(blank=True, max_length=100)),
                ('label_column', models.CharField(blank=True, max_length=100)),
                ('reference_column', models.CharField(blank=True, max_length=100)),
                ('name_column', models.CharField(blank=True, max_length=100)),
                ('value_date_column', models.CharField(blank=True, max_length=100)),
                ('counterparty_iban_column', models.CharField(blank=True, max_length=100)),
                ('delimiter', models.CharField(choices=[(';', 'Semicolon ;'), (',', 'Comma ,'), ('\t', 'Tab'), ('|', 'Vertical bar |')], default=';', max_length=1)),
                ('encoding', models.CharField(choices=[('utf-8-sig', 'UTF-8'), ('cp1252', 'Windows-1252 (Excel, most French banks)'), ('iso-8859-15', 'ISO-8859-15 (Latin-9)'), ('cp850', 'DOS (CP850)')], default='utf-8-sig', max_length=20)),
                ('date_format', models.CharField(choices=[('%d/%m/%Y', '31/01/2026'), ('%d/%m/%y', '31/01/26'), ('%d.%m.%Y', '31.01.2026'), ('%d-%m-%Y', '31-01-2026'), ('%Y-%m-%d', '2026-01-31'), ('%Y%m%d', '20260131'), ('%m/%d/%Y', '01/31/2026')], default='%d/%m/%Y', max_length=20)),
                ('decimal_separator', models.CharField(choices=[(',', 'Comma: 1 234,56'), ('.', 'Point: 1,234.56')], default=',', max_length=1)),
                ('skip_rows', models.PositiveSmallIntegerField(default=0, help_text='Lines above the header row (account number, period…)')),
                ('currency', models.CharField(default='EUR', max_length=3)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bank_csv_mappings', to='ledger.organization')),
            ],
            options={
                'ordering': ['name'],
                'unique_together': {('organization', 'name')},
            },
        ),
    ]
