"""The LibreOffice helpers' own promise (README, "Two commands"): a test that lays a
DOCX out is skipped where soffice is missing, but under ``CI=true`` such a run fails
instead, so CI cannot pass without the page-count tests having run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import briefgen

TESTS = Path(__file__).resolve().parent

NEEDS_LIBREOFFICE = """
from office import libreoffice, requires_libreoffice  # noqa: F401


@requires_libreoffice
def test_lays_a_docx_out() -> None:
    pass
"""


@pytest.mark.parametrize(("ci", "outcome"), [("true", "1 error"), ("", "1 skipped")])
def test_a_missing_libreoffice_skips_but_fails_under_ci(
    tmp_path: Path, ci: str, outcome: str
) -> None:
    (tmp_path / "test_needs_libreoffice.py").write_text(NEEDS_LIBREOFFICE, encoding="utf-8")
    (tmp_path / "bin").mkdir()  # a PATH with no soffice on it
    package_root = str(Path(briefgen.__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PATH": str(tmp_path / "bin"),
        "PYTHONPATH": os.pathsep.join([str(TESTS), package_root]),
        "CI": ci,
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == (1 if ci else 0), done.stdout + done.stderr
    assert outcome in done.stdout, done.stdout
    if ci:
        assert "LibreOffice (soffice) is not installed, but CI=true requires it" in done.stdout
