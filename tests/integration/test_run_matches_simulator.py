"""The daily run on the database and ``relance simulate`` decide exactly the same actions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from relance.core.simulation import simulate
from relance.formats import scenario as scenario_file
from relance.ledger.models import Organization

from .replay import replay

HERE = Path(__file__).parent


def scenario_files() -> list[Path]:
    files = sorted((HERE.parent / "scenarios").glob("*.yaml"))
    spec = os.environ.get("RELANCE_SPEC")
    if spec:
        files += sorted((Path(spec) / "examples").glob("*.yaml"))
    return files


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.stem)
def test_daily_run_replays_like_the_simulator(db, path):
    raw = yaml.safe_load(path.read_bytes())
    scenario = scenario_file.load(path.read_bytes())
    if scenario.currency != "EUR" or (raw.get("organization") or {}).get("country", "FR") != "FR":
        pytest.skip("the replay helper covers the default organization settings")
    org = Organization.objects.create(slug="replay", name="Replay",
                                      subdivision=(raw.get("organization") or {}).get(
                                          "subdivision", ""))
    policy = raw.get("policy")
    expected = [(a["date"], a["customer"], a["step"], a["invoices"], a["amount_due"])
                for a in scenario_file.report(scenario, simulate(scenario), _rates())["actions"]]
    got = replay(org, scenario, policy if isinstance(policy, dict) else None)
    assert got == expected


def _rates():
    from relance.core.rates import load_default

    return load_default()
