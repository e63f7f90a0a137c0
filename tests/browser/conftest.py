"""Headless Chromium against the live server, and a real SMTP server on loopback.

The browser is the system's Chromium (Debian package ``chromium``) driven by
Playwright; without it these tests are skipped with the reason. Screenshots of
each page, at laptop and phone widths, are kept under ``test-artifacts/screenshots``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.web.smtp import loopback_smtp

CHROMIUM = os.environ.get("RELANCE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-dev-shm-usage"]

needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"{CHROMIUM} is missing: install the chromium package to run the browser tests")


@pytest.fixture(scope="module")
def chromium():
    """The browser, for one module: Playwright's event loop runs in this thread while it
    is open, so Django's guard against ORM calls from async code is lifted meanwhile
    (the test's own calls are synchronous) and put back when the browser closes."""
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield browser
            browser.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="session")
def shots() -> Path:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


smtp_server = pytest.fixture(loopback_smtp)
