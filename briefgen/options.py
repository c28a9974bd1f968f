"""What ``briefgen build`` was asked to do: the options every command shares.

Apart from the pipeline, so that a build whose inputs are unchanged
(``briefgen.buildcache``) reads them without importing the stages it skips.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from briefgen.style import PageSizeName

SETTINGS_FILE = "briefgen.toml"  # in the workspace


@dataclass(frozen=True)
class BuildOptions:
    """What ``briefgen build`` was asked to do."""

    workspace: Path = Path(".")
    facts: Path | None = None
    template_dirs: tuple[Path, ...] = ()
    out: Path | None = None
    audiences: tuple[str, ...] = ()
    formats: tuple[str, ...] = ("pdf", "docx")
    page_size: PageSizeName | None = None
    date: dt.date | None = None  # --date: the date every brief shows

    @property
    def facts_path(self) -> Path:
        """--facts, else the workspace's facts/."""
        return self.facts if self.facts is not None else self.workspace / "facts"

    @property
    def out_dir(self) -> Path:
        """--out, else the workspace's output/."""
        return self.out if self.out is not None else self.workspace / "output"
