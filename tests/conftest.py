"""Shared fixtures: the repository, a CLI runner, and hypothesis profiles."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings
from office import libreoffice  # noqa: F401  (the fixture, for every test module)

REPO = Path(__file__).resolve().parents[1]

# CI runs at least 500 property examples; `HYPOTHESIS_PROFILE=slow` runs more locally.
settings.register_profile("ci", max_examples=500, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("slow", max_examples=3000, deadline=None)
# scripts/mutation: few examples, the same ones every run, so a mutant's verdict is
# reproducible (the fixed @example cases still run).
settings.register_profile("mutation", max_examples=25, deadline=None, derandomize=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") == "true" else "dev")
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "requires_libreoffice: lays a DOCX out with LibreOffice (headless)"
    )


@pytest.fixture
def repo() -> Path:
    """The repository root (a briefgen workspace: facts/, templates/, briefgen.toml)."""
    return REPO


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
