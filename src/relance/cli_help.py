"""``relance help``: Relance's own commands first, grouped by task, one line each.

Django's plain list names every management command of every installed app (auth,
contenttypes, sessions, staticfiles …) in alphabetical heaps, which hides the dozen
commands a new user needs. This overview lists the commands of the ``relance.*`` apps,
found at run time (a new command appears without touching this file), each with the
first sentence of its own ``help`` attribute, under the task it serves; a command
missing from :data:`GROUPS` is listed under "Other". Django's list stays one
``relance help --all`` away.

The text is English, like every command's ``help`` and output: the command line has no
language setting of its own (only per-command options such as ``import --language``).
"""

from __future__ import annotations

import ast
import shutil
import textwrap
from importlib.util import find_spec
from pathlib import Path

from django.core.management import ManagementUtility, get_commands, load_command_class
from django.core.management.color import color_style

#: Command name → the task it belongs to; the groups print in this order.
GROUPS = {
    "init": "Set up", "user": "Set up", "sending": "Set up",
    "import": "Import",
    "bank-mapping": "Bank formats",
    "run": "Daily run & sending", "approve": "Daily run & sending",
    "send": "Daily run & sending", "outbox": "Daily run & sending",
    "report": "Reports",
    "letter": "Documents", "statement": "Documents", "rates": "Documents",
    "policy": "Scenarios", "simulate": "Scenarios",
    "serve": "Web", "demo": "Web",
}
OTHER = "Other"
ALL_FLAG = "--all"


def relance_commands() -> dict[str, str]:
    """Command name → app module, for the apps under ``relance.`` (Django's own excluded)."""
    return {name: app for name, app in get_commands().items()
            if isinstance(app, str) and app.startswith("relance.")}


def help_of(app: str, name: str) -> str:
    """The ``help`` of a command, read from its source when it is a literal string.

    Importing every command to read one attribute would load WeasyPrint, Celery and the
    rest (seconds before a new user sees a line); a computed ``help`` is still honoured.
    """
    spec = find_spec(f"{app}.management.commands.{name}")
    if spec and spec.origin:
        tree = ast.parse(Path(spec.origin).read_bytes())
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name == "Command":
                literal = next(filter(None, map(_literal_help, node.body)), None)
                if literal is not None:
                    return literal
    return load_command_class(app, name).help


def _literal_help(statement: ast.stmt) -> str | None:
    """The string of a ``help = "…"`` statement (implicit concatenation included)."""
    if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name) and statement.targets[0].id == "help"
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)):
        return statement.value.value
    return None


def summary(help_text: str, width: int) -> str:
    """The first sentence of a command's ``help``, cut at a word to fit ``width``."""
    text = " ".join(help_text.split())
    first = text.split(". ", 1)[0]
    if len(first) <= width:
        return first
    cut = first[:width - 1].rsplit(" ", 1)[0]
    if cut.count("(") > cut.count(")"):  # no parenthesis left open
        cut = cut[:cut.rindex("(")]
    return cut.rstrip(" ,;:") + " …"


def grouped(commands: dict[str, str]) -> dict[str, list[str]]:
    """Group title → sorted command names, in the order of :data:`GROUPS`, "Other" last."""
    order = [*dict.fromkeys(GROUPS.values()), OTHER]
    groups: dict[str, list[str]] = {title: [] for title in order}
    for name in sorted(commands):
        groups[GROUPS.get(name, OTHER)].append(name)
    return {title: names for title, names in groups.items() if names}


def overview(prog: str = "relance") -> str:
    """The main help text: usage, Relance's commands by task, the way to Django's list."""
    commands = relance_commands()
    style = color_style()
    column = max(map(len, commands), default=0) + 2
    columns = shutil.get_terminal_size().columns
    width = max(columns - column - 3, 40)
    lines = [f"Usage: {prog} [--data DIR] <command> [options]",
             f"Type '{prog} help <command>' (or '{prog} <command> --help') for its options."]
    for title, names in grouped(commands).items():
        lines += ["", style.NOTICE(title)]
        for name in names:
            text = summary(help_of(commands[name], name), width)
            lines.append(f"  {name.ljust(column)}{text}".rstrip())
    lines += ["", textwrap.fill(f"Django's administrative commands (migrate, createsuperuser, "
                                f"…) remain available: '{prog} help {ALL_FLAG}' lists them "
                                "all.", max(columns - 1, 60))]
    return "\n".join(lines)


class Utility(ManagementUtility):
    """Django's command-line dispatcher with :func:`overview` as its main help text.

    ``relance help <command>`` and ``relance <command> --help`` are Django's, unchanged;
    ``help --commands`` and ``help --all`` (or ``--help --all``) print Django's lists.
    """

    def __init__(self, argv: list[str]) -> None:
        if argv[1:] in (["--help", ALL_FLAG], ["-h", ALL_FLAG]):  # Django knows `help …` only
            argv = [argv[0], "help", ALL_FLAG]
        super().__init__(argv)

    def main_help_text(self, commands_only: bool = False) -> str:
        if commands_only or ALL_FLAG in self.argv[2:] or self.settings_exception:
            return super().main_help_text(commands_only)
        return overview(self.prog_name)
