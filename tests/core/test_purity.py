"""The functional core imports neither Django nor I/O, and never reads the clock."""

import ast
import subprocess
import sys
from pathlib import Path

import relance.core

CORE = Path(relance.core.__file__).parent
CLOCK_CALLS = {("date", "today"), ("datetime", "now"), ("datetime", "today"),
               ("datetime", "utcnow"), ("time", "time"), ("time", "monotonic")}


def test_importing_the_core_loads_no_django():
    modules = [f"relance.core.{p.stem}" for p in CORE.glob("*.py") if p.stem != "__init__"]
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
              "('django', 'relance') and not m.startswith(('relance.core', 'relance.errors')) "
              "and m != 'relance')\n"
            + "print(','.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "", f"the core pulled in: {out}"


def test_the_core_never_reads_the_clock():
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                if (node.value.id, node.attr) in CLOCK_CALLS:
                    offenders.append(f"{path.name}:{node.lineno} {node.value.id}.{node.attr}")
    assert offenders == []
