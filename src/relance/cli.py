"""The ``relance`` command: one entry point in front of Django's management commands.

``relance [--data DIR] init | import | run | serve | demo | simulate`` and every
other Django command (``relance migrate``, ``relance createsuperuser`` …).
``relance``, ``relance help`` and ``relance --help`` list Relance's own commands by task
(``relance.cli_help``); ``relance help --all`` prints Django's full list.
``--data`` chooses the data directory (else ``RELANCE_DATA``, else ``./relance-data``;
the demo uses ``./relance-demo`` so it never touches real data).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) >= 2 and args[0] == "--data":
        os.environ["RELANCE_DATA"] = args[1]
        args = args[2:]
    elif args[:1] == ["demo"]:
        os.environ.setdefault("RELANCE_DATA", "relance-demo")
    import django
    from django.conf import settings

    from relance.cli_help import Utility

    django.setup()
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)  # SQLite needs its folder first
    try:
        Utility(["relance", *args]).execute()
    except BrokenPipeError:  # `relance outbox | head`: the reader has what it wanted
        # Python's documented recipe: no second error when stdout is flushed at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
