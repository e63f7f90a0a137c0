"""Import runs: why the watched folder refused a file (``refused``, and the kind
``unknown`` for a file it did not recognise), the outcome counts of the whole file
(``counts``: ``rows`` keeps the first 5,000), and the origin ``api``."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("web", "0004_importrun_origin"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="refused",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="importrun",
            name="counts",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name="importrun",
            name="kind",
            field=models.CharField(choices=[
                ("fec", "FEC"), ("contacts", "Contacts (CSV)"), ("invoices", "Invoices (CSV)"),
                ("einvoice", "Factur-X / UBL"), ("bank", "Bank statement"),
                ("unknown", "Unrecognised file")], max_length=10),
        ),
        migrations.AlterField(
            model_name="importrun",
            name="origin",
            field=models.CharField(choices=[
                ("web", "Web page"), ("command", "Command line"), ("folder", "Watched folder"),
                ("api", "API")], default="web", max_length=8),
        ),
    ]
