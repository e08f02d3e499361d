"""Shared test helpers: where things are, and running the real command."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEED = FIXTURES / "frus-1962-10-27-inr.txt"
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Runs under test write their cache in a temporary folder, never in the checkout."""
    os.environ["MARKAUDIT_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def no_pattern_store() -> Iterator[None]:
    """The test starts, and leaves, as a new process does: with no pattern store open
    (engine/compiled.py keeps one per process)."""
    from markaudit.engine import compiled

    compiled.open_store(None, "")
    yield
    compiled.open_store(None, "")


@pytest.fixture
def seed() -> Path:
    return SEED


def run_markaudit(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
                  input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m markaudit` as a user would, capturing its output."""
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "markaudit", *args], capture_output=True, text=True,
        env=environment, cwd=cwd or ROOT, timeout=120, input=input,
    )
