"""The document figures and rendering are pure: no Django, no clock."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import relance.documents

PURE = ("common", "letter", "statement", "pdf")
FOLDER = Path(relance.documents.__file__).parent


def test_pure_modules_do_not_import_django():
    modules = ", ".join(f"relance.documents.{name}" for name in PURE)
    code = f"import sys, {modules}; print(any(m.startswith('django') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


def test_pure_modules_never_read_the_clock():
    clock = re.compile(r"\b(today|now|utcnow|time\.time)\(")
    for name in PURE:
        assert not clock.search((FOLDER / f"{name}.py").read_text(encoding="utf-8")), name
