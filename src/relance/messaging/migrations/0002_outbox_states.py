"""The outbox becomes a state machine: approval, retries, claims, audit events, settings.

Existing rows (written by the first outbox) keep their status ("written", "sent" or
"failed"), get their organization from their action and their key from their Message-ID.
"""

import datetime

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    OutboxMessage = apps.get_model("messaging", "OutboxMessage")
    for row in OutboxMessage.objects.select_related("action"):
        row.organization_id = row.action.organization_id
        row.key = row.message_id
        row.save(update_fields=["organization", "key"])


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0001_initial"),
        ("messaging", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage", name="organization",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="outbox", to="ledger.organization")),
        migrations.AddField(
            model_name="outboxmessage", name="key",
            field=models.CharField(max_length=300, null=True,
                                   help_text="organization/customer/step/day/currency")),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="outboxmessage", name="organization",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                    related_name="outbox", to="ledger.organization")),
        migrations.AlterField(
            model_name="outboxmessage", name="key",
            field=models.CharField(help_text="organization/customer/step/day/currency",
                                   max_length=300, unique=True)),
        migrations.AddField(model_name="outboxmessage", name="in_reply_to",
                            field=models.CharField(blank=True, max_length=255)),
        migrations.AddField(model_name="outboxmessage", name="references",
                            field=models.TextField(blank=True)),
        migrations.AddField(model_name="outboxmessage", name="reply_to",
                            field=models.CharField(blank=True, max_length=300)),
        migrations.AddField(model_name="outboxmessage", name="headers",
                            field=models.TextField(blank=True, help_text="The header block as sent")),
        migrations.AddField(
            model_name="outboxmessage", name="files",
            field=models.JSONField(default=list, help_text="Attachments: name, path, type, size and SHA-256 as sent")),
        migrations.AlterField(
            model_name="outboxmessage", name="status",
            field=models.CharField(choices=[("draft", "Draft"), ("awaiting_approval", "Awaiting approval"), ("approved", "Approved"), ("sending", "Sending"), ("sent", "Sent"), ("written", "Written to the outbox folder"), ("failed", "Failed"), ("cancelled", "Cancelled")], default="draft", max_length=20)),
        migrations.AddField(model_name="outboxmessage", name="needs_approval",
                            field=models.BooleanField(default=False)),
        migrations.AddField(model_name="outboxmessage", name="attempts",
                            field=models.PositiveIntegerField(default=0)),
        migrations.AddField(model_name="outboxmessage", name="next_attempt_at",
                            field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(model_name="outboxmessage", name="claimed_by",
                            field=models.CharField(blank=True, max_length=200)),
        migrations.AddField(model_name="outboxmessage", name="claimed_until",
                            field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(model_name="outboxmessage", name="sent_at",
                            field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(model_name="outboxmessage", name="smtp_reply",
                            field=models.TextField(blank=True)),
        migrations.AddIndex(
            model_name="outboxmessage",
            index=models.Index(fields=["organization", "status", "next_attempt_at"],
                               name="messaging_o_organiz_f67f54_idx")),
        migrations.CreateModel(
            name="MessageEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField()),
                ("from_status", models.CharField(blank=True, max_length=20)),
                ("to_status", models.CharField(max_length=20)),
                ("cause", models.TextField()),
                ("message", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="events", to="messaging.outboxmessage")),
            ],
            options={"ordering": ["at", "id"]},
        ),
        migrations.CreateModel(
            name="SendingSettings",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("mode", models.CharField(choices=[("autopilot", "Autopilot"), ("review", "Review before sending")], default="autopilot", max_length=10)),
                ("notices_need_approval", models.BooleanField(default=True)),
                ("window_start", models.TimeField(blank=True, default=datetime.time(9, 0), null=True)),
                ("window_end", models.TimeField(blank=True, default=datetime.time(17, 0), null=True)),
                ("business_days_only", models.BooleanField(default=True)),
                ("rate_per_minute", models.PositiveIntegerField(default=0, help_text="0: no limit")),
                ("max_attempts", models.PositiveIntegerField(default=8)),
                ("dkim_selector", models.CharField(blank=True, max_length=63)),
                ("dkim_key_path", models.CharField(blank=True, max_length=500)),
                ("organization", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="sending", to="ledger.organization")),
            ],
        ),
    ]
