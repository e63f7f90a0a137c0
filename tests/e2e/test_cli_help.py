"""``relance help``: a new user sees Relance's commands by task, Django's on request."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import load_command_class

import relance
from relance import cli
from relance.cli_help import GROUPS, OTHER, grouped, relance_commands, summary

COMMANDS_ON_DISK = sorted(
    path.stem for path in Path(relance.__file__).parent.glob("*/management/commands/*.py")
    if not path.stem.startswith("_"))


def help_output(capsys, *args: str) -> str:
    cli.main(list(args))
    return capsys.readouterr().out


def listed(text: str) -> dict[str, str]:
    """Command name → description, from the overview's indented command lines."""
    rows = (line[2:].split(None, 1) for line in text.splitlines() if line.startswith("  "))
    return {row[0]: row[1] if len(row) > 1 else "" for row in rows}


def test_the_overview_lists_every_relance_command_with_its_own_help(capsys):
    out = help_output(capsys, "help")
    assert COMMANDS_ON_DISK and sorted(listed(out)) == COMMANDS_ON_DISK
    commands = relance_commands()
    for name, description in listed(out).items():
        own = " ".join(load_command_class(commands[name], name).help.split())
        assert own.startswith(description.removesuffix(" …")), name


def test_the_overview_groups_commands_by_task(capsys):
    out = help_output(capsys, "help")
    for title in ("Set up", "Import", "Daily run & sending", "Reports", "Documents", "Web"):
        assert f"\n{title}\n" in out
    assert out.index("\nImport\n") < out.index("  import ") < out.index("\nReports\n")
    assert out.index("\nReports\n") < out.index("  report ")


def test_the_overview_leaves_djangos_commands_for_help_all(capsys):
    out = help_output(capsys, "help")
    for django_command in ("clearsessions", "changepassword", "collectstatic", "sqlmigrate"):
        assert django_command not in out
    assert "relance help --all" in out and "createsuperuser" in out
    full = help_output(capsys, "help", "--all")
    for command in ("clearsessions", "changepassword", "migrate", "import", "run", "send"):
        assert f"    {command}\n" in full
    assert help_output(capsys, "--help", "--all") == full


@pytest.mark.parametrize("args", [(), ("--help",), ("-h",)])
def test_no_argument_and_dash_dash_help_print_the_overview(capsys, args):
    assert help_output(capsys, *args) == help_output(capsys, "help")


def test_help_on_one_command_is_unchanged(capsys):
    out = help_output(capsys, "help", "import")
    assert out.startswith("usage: relance import")
    for option in ("--mapping", "--watch", "--language", "--org", "--date"):
        assert option in out
    with pytest.raises(SystemExit):
        cli.main(["import", "--help"])
    assert capsys.readouterr().out == out


def test_relance_with_no_argument_as_a_user_types_it(tmp_path):
    env = {**os.environ, "RELANCE_DATA": str(tmp_path), "COLUMNS": "100"}
    out = subprocess.run([sys.executable, "-m", "relance.cli"], env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    assert out.startswith("Usage: relance") and "  init " in out and "clearsessions" not in out


def test_a_command_missing_from_the_table_is_listed_under_other():
    groups = grouped({"init": "relance.ledger", "zebra": "relance.web"})
    assert groups == {GROUPS["init"]: ["init"], OTHER: ["zebra"]}


def test_a_long_help_is_cut_at_a_word_to_fit_one_line():
    text = "Import files: fec, contacts (customers and contacts CSV), invoices. More."
    assert summary(text, 200) == text.removesuffix(". More.")
    short = summary(text, 40)
    assert len(short) <= 40 and short == "Import files: fec, contacts …"
