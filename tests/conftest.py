"""Shared fixtures: the repository, a CLI runner, and hypothesis profiles."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import pytest
from click.testing import CliRunner
from hypothesis import settings
from office import libreoffice  # noqa: F401  (the fixture, for every test module)

REPO = Path(__file__).resolve().parents[1]

# Each example of a property test is a whole build read back from both files (about
# 70 ms), so CI runs as many as a local run, 100 per test, new ones every run, and
# prints the reproducing blob of a failure; `HYPOTHESIS_PROFILE=slow` runs more.
settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("slow", max_examples=3000, deadline=None)
# scripts/mutation: few examples, the same ones every run, so a mutant's verdict is
# reproducible (the fixed @example cases still run).
settings.register_profile("mutation", max_examples=25, deadline=None, derandomize=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") == "true" else "dev")
)


def shared(fixture_name: str, config: pytest.Config) -> Literal["module", "function"]:
    """A fixture's scope: "module", or "function" under scripts/mutation. mutmut credits
    a test only with the code run while that test ran, so a module fixture's build
    would count for the module's first test alone, and a mutant it reaches would be
    run against that test only."""
    return "function" if os.environ.get("BRIEFGEN_MUTATION") else "module"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "requires_libreoffice: lays a DOCX out with LibreOffice (headless)"
    )


@pytest.fixture(autouse=True)
def no_kept_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every build reads and fits its inputs anew (and keeps nothing in the user's
    cache folder): a test that builds twice means two builds. tests/test_buildcache.py
    turns kept builds on, each test with a folder of its own."""
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", "")


@pytest.fixture
def repo() -> Path:
    """The repository root (a briefgen workspace: facts/, templates/, briefgen.toml)."""
    return REPO


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
