"""End-to-end dunning scenarios: every ``*.yaml`` here against its ``*.expected.json``.

Each scenario file opens with the hand computation of its expected output (target
days, shifts over weekends and holidays, gaps, balances, interest arithmetic) from
spec/dunning-rules.md and spec/scenario.md. The expected JSON was written from that
reasoning, not copied from the simulator. A scenario where the engine is believed to
disagree with the spec is listed in ``SUSPECTED_BUGS`` and runs as a strict xfail, so
the fix turns it into a failure that asks for the mark to be removed.

The run takes the very path of ``relance simulate --json``: ``scenario.load``,
``simulation.simulate``, ``scenario.report`` with the shipped rate table. The spec's
own examples run too, from the folder named by ``RELANCE_SPEC`` (skipped without it).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import warnings
from datetime import date
from pathlib import Path
from typing import Any

import holidays
import pytest
import yaml

from relance.core import rates
from relance.core.calendar import BusinessCalendar
from relance.core.simulation import simulate
from relance.errors import RateMissing, ScenarioError
from relance.formats import scenario as scenario_file

HERE = Path(__file__).parent

# Scenario stem -> why the engine is believed wrong there; the test then runs as a strict
# xfail. Empty: the five suspected bugs these scenarios found (two-pre-due-same-day,
# min-gap-zero, credit-same-day-joiners, promise-amount-paid-off, unquoted impossible
# dates) are fixed, and their files now pass as regular tests.
SUSPECTED_BUGS: dict[str, str] = {}


def run_scenario(data: bytes) -> dict[str, Any]:
    """What ``relance simulate --json`` prints, parsed back."""
    scenario = scenario_file.load(data)
    document = scenario_file.report(scenario, simulate(scenario), rates.load_default())
    return json.loads(scenario_file.dumps(document))


def expected_of(path: Path) -> dict[str, Any]:
    return json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))


def scenario_params() -> list[Any]:
    params = []
    for path in sorted(HERE.glob("*.yaml")):
        reason = SUSPECTED_BUGS.get(path.stem)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(path, id=path.stem, marks=marks))
    return params


@pytest.mark.parametrize("path", scenario_params())
def test_scenario_output_is_the_hand_computed_one(path: Path) -> None:
    assert run_scenario(path.read_bytes()) == expected_of(path)


def test_there_are_enough_scenarios_and_each_has_its_expectation() -> None:
    files = sorted(HERE.glob("*.yaml"))
    assert len(files) - len(SUSPECTED_BUGS) >= 18
    assert all(p.with_name(p.stem + ".expected.json").is_file() for p in files)
    assert set(SUSPECTED_BUGS) <= {p.stem for p in files}


def test_every_scenario_explains_its_expectation() -> None:
    for path in HERE.glob("*.yaml"):
        head = path.read_text(encoding="utf-8").splitlines()[:3]
        assert all(line.startswith("#") for line in head), path.name


# --- the spec's own examples -------------------------------------------------------


@pytest.fixture(scope="session")
def spec_examples() -> Path:
    """The spec's examples folder, from ``RELANCE_SPEC`` (the spec folder), or skip."""
    value = os.environ.get("RELANCE_SPEC")
    if not value:
        pytest.skip("RELANCE_SPEC is not set: the spec's example scenarios are not available")
    folder = Path(value)
    folder = folder / "examples" if (folder / "examples").is_dir() else folder
    if not any(folder.glob("*.expected.json")):
        pytest.skip(f"RELANCE_SPEC={value} holds no examples/*.expected.json")
    return folder


def test_spec_examples(spec_examples: Path) -> None:
    checked = []
    for path in sorted(spec_examples.glob("*.y*ml")):
        assert run_scenario(path.read_bytes()) == expected_of(path), path.name
        checked.append(path.stem)
    assert len(checked) >= 3


# --- calendar variants -------------------------------------------------------------


def test_alsace_moselle_days_differ_from_the_metropolitan_calendar() -> None:
    """The same file without the subdivision: 26 December and Good Friday are worked."""
    text = (HERE / "alsace-moselle.yaml").read_text(encoding="utf-8")
    metropolitan = text.replace("organization: {country: FR, subdivision: Alsace-Moselle}\n", "")
    assert metropolitan != text
    days = {(a["date"], a["step"]) for a in run_scenario(metropolitan)["actions"]}
    assert days == {("2025-12-18", "courtesy"), ("2025-12-26", "reminder_1"),
                    ("2026-04-03", "courtesy")}


@pytest.mark.parametrize("name", ["Alsace", "Moselle", "6AE", "57"])
def test_holidays_package_names_of_alsace_moselle(name: str) -> None:
    """What the ``holidays`` package accepts today: Good Friday and 26 December on top."""
    extra = set(holidays.country_holidays("FR", subdiv=name, years=2025)) - set(
        holidays.country_holidays("FR", years=2025))
    assert {d.isoformat() for d in extra} == {"2025-04-18", "2025-12-26"}


def test_alsace_moselle_calendar_uses_a_supported_holidays_name() -> None:
    """holidays deprecates the subdivision name "Alsace-Moselle" ("will be removed"):
    the calendar must translate it to a supported code (57 / Moselle, 6AE / Alsace)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        assert not BusinessCalendar("FR", "Alsace-Moselle").is_business_day(date(2025, 12, 26))


# --- malformed files -----------------------------------------------------------------


def valid() -> dict[str, Any]:
    return {
        "period": {"from": "2025-09-01", "to": "2025-10-31"},
        "customers": [{"ref": "C1", "contacts": [{"email": "a@c1.example"}]}],
        "invoices": [{"number": "F-1", "customer": "C1", "issued": "2025-09-01",
                      "due": "2025-10-01", "amount": "100.00"}],
        "events": [{"date": "2025-10-05", "type": "dispute", "invoices": ["F-1"]}],
    }


def with_policy(*offsets: int, channel: str = "email") -> dict[str, Any]:
    data = valid()
    data["policy"] = {"steps": [{"name": f"s{i}", "channel": channel, "offset": o}
                                for i, o in enumerate(offsets)]}
    return data


DELETE = object()


def mutated(path: list[Any], value: Any, data: dict[str, Any] | None = None) -> dict:
    data = data or valid()
    node = data
    for key in path[:-1]:
        node = node[key]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data

MALFORMED = {
    "bad-date": (mutated(["invoices", 0, "due"], "2025-02-30"), ["invoices[0].due", "2025-02-30"]),
    "bad-date-text": (mutated(["invoices", 0, "issued"], "le 3 mars"),
                      ["invoices[0].issued", "le 3 mars"]),
    "float-amount": (mutated(["invoices", 0, "amount"], 100.5), ["invoices[0].amount", "float"]),
    "unknown-customer": (mutated(["invoices", 0, "customer"], "C9"),
                         ["invoices[0].customer", "C9"]),
    "unknown-invoice-in-event": (mutated(["events", 0, "invoices"], ["F-9"]),
                                 ["events[0].invoices", "F-9"]),
    "unknown-event-type": (mutated(["events", 0, "type"], "relance"),
                           ["events[0].type", "relance"]),
    "unknown-channel": (with_policy(-5, 3, channel="fax"), ["policy.steps[0].channel", "fax"]),
    "offsets-out-of-order": (with_policy(3, -5), ["policy.steps", "offsets out of order"]),
    "missing-period": (mutated(["period"], DELETE), ["period: expected a mapping"]),
}


def as_yaml(data: dict[str, Any]) -> str:
    """Quoted dates, as a careful user writes them."""
    return yaml.safe_dump(data, sort_keys=False)


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_load_names_the_entry_and_field(case: str) -> None:
    data, fragments = MALFORMED[case]
    with pytest.raises(ScenarioError) as caught:
        scenario_file.load(as_yaml(data))
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_unquoted_impossible_date_names_the_entry_and_field() -> None:
    """PyYAML would build the date itself and fail with a bare ValueError."""
    text = as_yaml(valid()).replace("due: '2025-10-01'", "due: 2025-02-30")
    assert "due: 2025-02-30" in text
    with pytest.raises(ScenarioError, match=r"invoices\[0\]\.due"):
        scenario_file.load(text)


def test_unquoted_valid_dates_and_json_files_load() -> None:
    text = re.sub(r"'(\d{4}-\d\d-\d\d)'", r"\1", as_yaml(valid()))
    assert "due: 2025-10-01" in text
    assert run_scenario(text) == run_scenario(json.dumps(valid()))


def cli(path: Path, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RELANCE_DATA": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "relance.cli", "simulate", str(path), "--json"],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.mark.parametrize("case", ["unknown-customer", "offsets-out-of-order", "missing-period"])
def test_cli_exits_non_zero_with_the_message(case: str, tmp_path: Path) -> None:
    data, fragments = MALFORMED[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(as_yaml(data), encoding="utf-8")
    done = cli(path, tmp_path / "data")
    assert done.returncode != 0
    assert done.stdout == ""
    for fragment in fragments:
        assert fragment in done.stderr
    assert "Traceback" not in done.stderr


UNPAID_IN_2028 = """\
period: {from: 2028-02-01, to: 2028-03-31}
customers: [{ref: C1, contacts: [{email: ap@c1.example}]}]
invoices:
  - {number: F-1, customer: C1, issued: 2028-01-15, due: 2028-02-14, amount: "100.00"}
"""


def test_a_semester_missing_from_the_rate_table_is_named(tmp_path: Path) -> None:
    """Interest on days of 2028 H1 needs rates the shipped table does not have (it ends
    in 2026 H1): the output is refused, naming the semester (dunning-rules.md, Rates)."""
    scenario = scenario_file.load(UNPAID_IN_2028)
    with pytest.raises(RateMissing, match="2028 H1"):
        scenario_file.report(scenario, simulate(scenario), rates.load_default())
    path = tmp_path / "unpaid-2028.yaml"
    path.write_text(UNPAID_IN_2028, encoding="utf-8")
    done = cli(path, tmp_path / "data")
    assert done.returncode != 0 and "2028 H1" in done.stderr and "Traceback" not in done.stderr


def test_cli_prints_the_expected_json(tmp_path: Path) -> None:
    path = HERE / "grouping.yaml"
    done = cli(path, tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected_of(path)
