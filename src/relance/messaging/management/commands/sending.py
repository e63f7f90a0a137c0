"""``relance sending [--org X] [--mode …] [--window 09:00-17:00] …``: sending settings.

Shows the organization's settings, changing those given: autopilot or review, whether
formal notices need approval, the send window (``any`` for none) and business days,
the rate limit and the DKIM key.
"""

from datetime import time

from django.core.management.base import BaseCommand, CommandError

from relance.ledger.management.commands._common import ensure_database, organization
from relance.messaging.models import SendingSettings


class Command(BaseCommand):
    help = "Show or change an organization's sending settings."

    def add_arguments(self, parser):
        parser.add_argument("--org")
        parser.add_argument("--mode", choices=["autopilot", "review"])
        parser.add_argument("--notices-need-approval", choices=["yes", "no"])
        parser.add_argument("--window", help="HH:MM-HH:MM local time, or 'any'")
        parser.add_argument("--every-day", choices=["yes", "no"],
                            help="send on any day, not only business days")
        parser.add_argument("--rate", type=int, help="messages per minute (0: no limit)")
        parser.add_argument("--max-attempts", type=int)
        parser.add_argument("--dkim-selector")
        parser.add_argument("--dkim-key", help="path of the PEM private key")

    def handle(self, *args, **o):
        ensure_database()
        conf = SendingSettings.of(organization(o["org"]))
        if o["mode"]:
            conf.mode = o["mode"]
        if o["notices_need_approval"]:
            conf.notices_need_approval = o["notices_need_approval"] == "yes"
        if o["window"]:
            conf.window_start, conf.window_end = parse_window(o["window"])
        if o["every_day"]:
            conf.business_days_only = o["every_day"] == "no"
        for option, name in (("rate", "rate_per_minute"), ("max_attempts", "max_attempts"),
                             ("dkim_selector", "dkim_selector"), ("dkim_key", "dkim_key_path")):
            if o[option] is not None:
                setattr(conf, name, o[option])
        conf.save()
        window = (f"{conf.window_start:%H:%M}-{conf.window_end:%H:%M}"
                  if conf.window_start and conf.window_end else "any time")
        self.stdout.write(
            f"mode: {conf.mode}; formal notices need approval: "
            f"{'yes' if conf.notices_need_approval else 'no'}; window: {window} on "
            f"{'business days' if conf.business_days_only else 'every day'}; rate: "
            f"{conf.rate_per_minute or 'no limit'}/min; attempts: {conf.max_attempts}; DKIM: "
            f"{conf.dkim_selector + ' ' + conf.dkim_key_path if conf.dkim_selector else 'off'}")


def parse_window(text: str) -> tuple[time | None, time | None]:
    if text == "any":
        return None, None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise CommandError(f"--window: expected 09:00-17:00 or any, got {text!r}") from None
    if end <= start:
        raise CommandError("--window: the end must come after the start")
    return start, end
