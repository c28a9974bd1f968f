"""One folder under two names, as ``Letter/`` and ``letter/`` are where case does not
count (macOS, Windows, a USB stick): here a bind mount, where this user may mount."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def one_folder(first: Path, second: Path) -> Iterator[None]:
    """Make ``first`` and ``second`` (neither there yet) one folder while the block
    runs; skip the test where this user cannot bind-mount."""
    first.mkdir(parents=True)
    second.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(first), str(second)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("this user cannot bind-mount a folder to give it a second name")
    try:
        yield
    finally:
        subprocess.run(["umount", str(second)], check=True)
