"""The commands a user types, run as a user would (a subprocess, a fresh data folder)."""

from __future__ import annotations

import email
import os
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest

from relance.demo import DEMO_DAY


def relance(*args: str, data: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "RELANCE_DATABASE_URL"}
    env["RELANCE_DATA"] = str(data)
    return subprocess.run([sys.executable, "-m", "relance.cli", *args], env=env, check=check,
                          capture_output=True, text=True, timeout=300)


def test_demo_imports_runs_the_day_and_prints_what_went_out(tmp_path):
    data = tmp_path / "demo"
    out = relance("demo", "--no-serve", data=data).stdout
    assert "customers: 7" in out
    for step in ("courtesy", "reminder_1", "reminder_2", "formal_notice", "litigation_review"):
        assert f"  {step}" in out
    emls = sorted((data / "outbox").rglob("*.eml"))
    # Today's two formal notices wait for approval; the one of the replayed history,
    # left unapproved for more than 3 days, expired (its 8-day deadline was running).
    assert emls and "messages written today: 3" in out and "awaiting approval: 2" in out
    assert f"send --date {DEMO_DAY}" in out
    for path in emls:
        mail = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert mail["Message-ID"] and mail["From"].addresses[0].display_name == "Camille Martin"
        assert any(p.get_filename().endswith(".pdf") for p in mail.iter_attachments())
    # Running the demo again starts afresh and gives the same summary.
    assert relance("demo", "--no-serve", data=data).stdout == out


def test_demo_refuses_to_wipe_a_folder_it_did_not_make(tmp_path):
    (tmp_path / "precious.txt").write_text("real data")
    result = relance("demo", "--no-serve", data=tmp_path, check=False)
    assert result.returncode != 0 and "not a demo" in result.stderr
    assert (tmp_path / "precious.txt").exists()


def test_init_import_run_from_the_command_line(tmp_path):
    data = tmp_path / "data"
    relance("init", "--org", "acme", "--name", "Acme", "--collector-name", "Camille Martin",
            "--collector-email", "recouvrement@acme.example", data=data)
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("customer_ref;customer_name;email\nC1;Atelier;compta@atelier.example\n")
    invoices = tmp_path / "invoices.csv"
    invoices.write_text("number;customer_ref;issue_date;due_date;amount\n"
                        "F-1;C1;2026-01-01;2026-01-31;100.00\nF-2;C1;bad;2026-01-31;1\n")
    out = relance("import", "contacts", str(contacts), data=data).stdout
    assert "customer: 1 created" in out
    out = relance("import", "invoices", str(invoices), "--date", "2026-02-01", data=data).stdout
    assert "invoice: 1 created" in out and "line 3, column “issue_date”: “bad” is not a date" in out
    out = relance("run", "--date", "2026-02-03", data=data).stdout
    assert "1 actions (1 reminder_1)" in out and "written" in out
    assert "0 actions" in relance("run", "--date", "2026-02-03", data=data).stdout


def test_a_missing_file_or_bad_date_is_a_clear_error(tmp_path):
    relance("init", data=tmp_path)
    result = relance("import", "fec", str(tmp_path / "nope.txt"), data=tmp_path, check=False)
    assert result.returncode != 0 and "no such file" in result.stderr
    result = relance("run", "--date", "31/12/2026", data=tmp_path, check=False)
    assert result.returncode != 0 and "expected a date like" in result.stderr


@pytest.mark.parametrize("bad", ["period: {from: 2026-01-01}", "{"])
def test_simulate_reports_a_malformed_file(tmp_path, bad):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(bad)
    result = relance("simulate", str(scenario), "--json", data=tmp_path, check=False)
    assert result.returncode != 0 and str(scenario) in result.stderr


def test_serve_shows_the_days_actions_and_the_outbox(tmp_path):
    """The demo's page, as its user sees it after logging in with the printed login."""
    import http.cookiejar
    import re
    import socket
    import time
    import urllib.parse
    import urllib.request

    data = tmp_path / "demo"
    out = relance("demo", "--no-serve", data=data).stdout
    username, password = re.search(r"web login: (\S+) / (\S+)", out).groups()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "RELANCE_DATABASE_URL"}
    env["RELANCE_DATA"] = str(data)
    server = subprocess.Popen([sys.executable, "-m", "relance.cli", "serve", "--addr",
                               f"127.0.0.1:{port}"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    try:
        login = ""
        for _ in range(150):
            try:
                with browser.open(f"{base}/o/demo/", timeout=2) as r:
                    login = r.read().decode()  # anonymous: the login page
                break
            except OSError:
                time.sleep(0.2)
        assert "Se connecter" in login
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username,
                                       "password": password, "next": "/o/demo/"})
        with browser.open(f"{base}/accounts/login/", form.encode(), timeout=10) as r:
            page = r.read().decode()
        assert "Atelier Abeille" in page and "Mise en demeure" in page
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_simulate_reads_the_rates_added_in_its_data_folder_and_creates_no_database(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "period: {from: 2026-06-01, to: 2026-08-31}\n"
        "customers: [{ref: C1, name: Été SARL, contacts: [{email: a@ete.example}]}]\n"
        "invoices: [{number: E-1, customer: C1, issued: 2026-05-01, due: 2026-06-01,"
        " amount: '1000.00'}]\n")
    data = tmp_path / "data"
    data.mkdir()
    result = relance("simulate", str(scenario), "--json", data=data, check=False)
    assert result.returncode != 0 and "2026 H2" in result.stderr
    assert not any(data.iterdir())  # simulate writes nothing, not even a database
    relance("rates", "add", "--year", "2026", "--half", "2", "--ecb", "2.15",
            "--legal-other", "2.50", "--legal-private", "6.50", data=data)
    # 1,000.00 late from 2 June to 31 August: 91 days at 2.15 + 10 = 12.15 % in both
    # semesters: 1000 × 12.15 % × 91 / 365 = 30.29.
    out = relance("simulate", str(scenario), "--json", data=data).stdout
    assert '"late_interest": "30.29"' in out
