"""Rendering and building emails stay pure: importing them must not load Django."""

from __future__ import annotations

import subprocess
import sys


def test_render_and_mime_do_not_import_django() -> None:
    code = ("import sys, relance.messaging.render, relance.messaging.mime; "
            "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
