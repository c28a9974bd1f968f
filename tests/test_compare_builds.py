"""scripts/compare-builds: the same inputs built with another revision and with this
checkout, and every file, exit code and message that differs listed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

needs_git = pytest.mark.skipif(
    not (REPO / ".git").exists() or shutil.which("git") is None,
    reason="compares with a revision of the repository's git history (none in an sdist)",
)


@needs_git
def test_compare_builds_says_same_until_a_change_alters_the_output(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    # The script as it is here, edited or not, run in a clone whose HEAD it builds.
    script = clone / "scripts" / "compare-builds"
    shutil.copyfile(REPO / "scripts" / "compare-builds", script)

    def compare() -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, str(script), "HEAD", "parse-blank"]
        return subprocess.run(argv, capture_output=True, text=True, timeout=300)

    same = compare()
    assert same.returncode == 0, same.stdout + same.stderr
    assert same.stdout.splitlines() == [
        "parse-blank: same",
        "1 inputs built with HEAD and this checkout, 0 differing",
    ]
    # The default primary colour one step bluer: the masthead's band in both files.
    theme = clone / "briefgen" / "theme.py"
    before = "DEFAULT_PRIMARY: RGB = (0x1F, 0x3A, 0x5F)"
    assert before in theme.read_text(encoding="utf-8")
    theme.write_text(
        theme.read_text(encoding="utf-8").replace(before, before.replace("5F", "60")),
        encoding="utf-8",
    )
    changed = compare()
    assert changed.returncode == 1, changed.stdout + changed.stderr
    assert changed.stdout.splitlines() == [
        "parse-blank: output/blank.docx, output/blank.pdf",
        "1 inputs built with HEAD and this checkout, 1 differing",
    ]
