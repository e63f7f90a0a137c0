"""``relance policy``: list, show, add and assign scenarios (dunning policies)."""

from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from relance.dunning.models import Policy as PolicyRow
from relance.dunning.policies import assign, policy_named, save_policy
from relance.errors import NotFound, ScenarioError
from relance.ledger.management.commands._common import ensure_database, organization


class Command(BaseCommand):
    help = "Scenarios (dunning policies): list | show NAME | add FILE | assign NAME REF…"

    def add_arguments(self, parser):
        parser.add_argument("--org")
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list")
        sub.add_parser("show").add_argument("name")
        sub.add_parser("add", help="add or replace a policy from a YAML/JSON file"
                       ).add_argument("file", type=Path)
        assign_parser = sub.add_parser("assign", help="give customers a policy")
        assign_parser.add_argument("name")
        assign_parser.add_argument("customers", nargs="+", metavar="CUSTOMER_REF")

    def handle(self, *args, **o):
        ensure_database()
        org = organization(o["org"])
        try:
            getattr(self, "do_" + o["action"])(org, o)
        except (ScenarioError, NotFound) as exc:
            raise CommandError(str(exc)) from None

    def do_list(self, org, o):
        self.stdout.write("standard (built in)")
        for row in PolicyRow.objects.filter(organization=org):
            count = org.customers.filter(policy=row.name).count()
            self.stdout.write(f"{row.name} ({count} customers)")

    def do_show(self, org, o):
        policy = policy_named(org, o["name"])
        self.stdout.write(f"{policy.name}: min_gap {policy.min_gap} days, threshold "
                          f"{policy.threshold}, promise grace {policy.promise_grace} days")
        for s in policy.steps:
            self.stdout.write(f"  {s.offset:+4d}  {s.name:<20} {'+'.join(s.channels):<14} "
                              f"template {s.template_name}")

    def do_add(self, org, o):
        path = o["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            data = yaml.safe_load(path.read_bytes())
        except yaml.YAMLError as exc:
            raise CommandError(f"{path}: not YAML or JSON: {exc}") from None
        if not isinstance(data, dict):
            raise CommandError(f"{path}: expected a mapping with name and steps")
        policy = save_policy(org, data)
        self.stdout.write(f"scenario {policy.name} saved ({len(policy.steps)} steps)")

    def do_assign(self, org, o):
        # Every customer found before any is changed: all of them get it, or none.
        found = {c.ref: c for c in org.customers.filter(ref__in=o["customers"])}
        missing = [ref for ref in o["customers"] if ref not in found]
        if missing:
            raise CommandError(f"no customer {', '.join(map(repr, missing))} in {org.slug}: "
                               f"no scenario assigned")
        with transaction.atomic():
            for ref in o["customers"]:
                assign(found[ref], o["name"])
        for ref in o["customers"]:
            self.stdout.write(f"{ref}: scenario {o['name']}")
