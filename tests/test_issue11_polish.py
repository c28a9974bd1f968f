"""Issue 11's polish: what a user meets on the Spanish page, in a workspace without
Spanish forms, in warning lines and in front matter."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.errors import Location, TemplateError
from briefgen.templating.search import SearchPath, builtin_dir

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("written", ["A4", "a4", "Letter"])
def test_front_matter_page_size_is_read_in_any_case(tmp_path: Path, written: str) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "mayors.md.j2").write_text(f"---\npage_size: {written}\n---\n# Mayors\n")
    audience = SearchPath.build([], tmp_path).audience("mayors")
    assert audience.page_size == written.lower()


def test_a_built_in_template_is_named_builtin_in_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wherever briefgen is installed, and from whatever folder it runs, a warning or
    error at a built-in's line names it as the CLI does (``builtin/public``), not by
    its site path; the location's path stays the real file."""
    real = builtin_dir() / "public.md.j2"
    monkeypatch.chdir(tmp_path)
    where = Location.of(real, 43)
    assert str(where) == "builtin/public.md.j2:43"
    assert where.path == str(real)
    assert str(TemplateError("wrong", where)) == "builtin/public.md.j2:43: wrong"
    monkeypatch.chdir(REPO)  # below the working directory: the relative path is shown
    assert str(Location.of(real)) == "builtin/public.md.j2"
    assert str(Location.of(REPO / "facts" / "seizures.yaml", 6)) == "facts/seizures.yaml:6"
