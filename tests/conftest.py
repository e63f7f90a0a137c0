"""Shared fixtures.

Public sample files (FEC, Factur-X, bank statements) are never copied into this
repository: tests read them from the folder named by ``RELANCE_SAMPLES``. Without
it, those tests are skipped with a visible reason so a new user's run still passes;
CI sets it and checks the folder exists.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Tests never touch a real data directory: a fresh one per run unless one is given.
os.environ.setdefault("RELANCE_DATA", tempfile.mkdtemp(prefix="relance-test-"))


def pytest_configure(config) -> None:
    from django.conf import settings

    # pytest-django may have read the settings before this file: make whichever data
    # folder they chose exist, so the SQLite test database can be created there.
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)


def samples_dir() -> Path | None:
    value = os.environ.get("RELANCE_SAMPLES")
    return Path(value) if value else None


@pytest.fixture(scope="session")
def samples() -> Path:
    """The folder of public sample files, or skip the test with the reason."""
    folder = samples_dir()
    if folder is None:
        pytest.skip("RELANCE_SAMPLES is not set: public sample files are not available")
    if not folder.is_dir():
        pytest.skip(f"RELANCE_SAMPLES={folder} is not a folder")
    return folder
