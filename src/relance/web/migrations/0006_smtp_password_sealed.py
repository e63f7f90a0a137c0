"""Organizations' SMTP passwords sealed (``relance.web.sealed``): the column grows to
hold the encrypted form, and the passwords saved in clear before are sealed."""

from django.db import migrations, models


def seal_saved_passwords(apps, schema_editor):
    from relance.web.sealed import is_sealed, seal

    SmtpSettings = apps.get_model("web", "SmtpSettings")
    for row in SmtpSettings.objects.exclude(password=""):
        if not is_sealed(row.password):
            row.password = seal(row.password)
            row.save(update_fields=["password"])


class Migration(migrations.Migration):

    dependencies = [
        ("web", "0005_importrun_refused"),
    ]

    operations = [
        migrations.AlterField(
            model_name="smtpsettings",
            name="password",
            field=models.CharField(blank=True, max_length=500),
        ),
        # Sealed passwords cannot go back to clear text without the key: the reverse
        # leaves them sealed, which an older Relance would send as the password.
        migrations.RunPython(seal_saved_passwords, migrations.RunPython.noop),
    ]
