"""Issue 11's polish: what a user meets on the Spanish page, in a workspace without
Spanish forms, in warning lines and in front matter."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.templating.search import SearchPath


@pytest.mark.parametrize("written", ["A4", "a4", "Letter"])
def test_front_matter_page_size_is_read_in_any_case(tmp_path: Path, written: str) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "mayors.md.j2").write_text(f"---\npage_size: {written}\n---\n# Mayors\n")
    audience = SearchPath.build([], tmp_path).audience("mayors")
    assert audience.page_size == written.lower()
