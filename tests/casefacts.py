"""The smallest facts store a build needs: one source and one finding citing it."""

from __future__ import annotations

from pathlib import Path

SOURCES = "sources:\n  - id: city-report\n    type: report\n    title: City report\n"
FACTS = """\
facts:
  - id: case-fact
    kind: finding
    text: Most fentanyl comes in through legal ports of entry.
    as_of: 2023
    source: city-report
"""


def write_case_facts(folder: Path) -> None:
    """Create ``folder`` holding ``sources.yaml`` and ``case.yaml`` (fact ``case-fact``)."""
    folder.mkdir()
    (folder / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (folder / "case.yaml").write_text(FACTS, encoding="utf-8")
