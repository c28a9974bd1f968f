"""A batch workspace for tests: one letter template and a recipients file."""

from __future__ import annotations

from pathlib import Path

import pytest


def letter_workspace(
    root: Path, monkeypatch: pytest.MonkeyPatch, letter: str, recipients: str
) -> Path:
    """``root`` as the working folder, holding ``templates/letter.md.j2`` (``letter``)
    and ``recipients.csv`` (``recipients``)."""
    monkeypatch.chdir(root)
    (root / "templates").mkdir()
    (root / "templates" / "letter.md.j2").write_text(letter, encoding="utf-8")
    (root / "recipients.csv").write_text(recipients, encoding="utf-8")
    return root
