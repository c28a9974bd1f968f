"""Each inline text (a paragraph's, a heading's, a list item's) is parsed once per
process (briefgen.parse._keep_inlines): a later document holding it reads it as the
first did, and a document's own reference definitions still make its links."""

from __future__ import annotations

from typing import Any

import pytest
from test_parse_cases import dump_inlines

from briefgen import parse
from briefgen.errors import Location
from briefgen.model import Paragraph
from briefgen.parse import parse_blocks


def paragraphs(text: str) -> list[str]:
    """Each paragraph of the Markdown ``text``, its runs written out."""
    lines = tuple(Location("brief.md.j2", n) for n in range(1, text.count("\n") + 2))
    blocks = parse_blocks(text, lines, lines[0])
    return [dump_inlines(b.inlines) for b in blocks if isinstance(b, Paragraph)]


def test_a_text_parsed_before_is_read_as_it_was_without_parsing_it_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inline = parse._parser().inline
    parsed: list[str] = []
    real = inline.parse

    def counting(src: str, *args: Any) -> Any:
        parsed.append(src)
        return real(src, *args)

    monkeypatch.setattr(inline, "parse", counting)
    parse._inlines_kept.clear()
    said = 'A "quoted" word, *emphasis*, a \\*star and a [link](https://example.org).'
    first = paragraphs(said + "\n")
    assert first == [
        '"A “quoted” word, " *"emphasis"* ", a *star and a " "link"<https://example.org> "."'
    ]
    assert parsed == [said]
    assert paragraphs(f"Another paragraph.\n\n{said}\n")[1:] == first
    assert parsed == [said, "Another paragraph."]


def test_a_documents_reference_definitions_make_its_links_whatever_came_before() -> None:
    parse._inlines_kept.clear()
    said = "See [the report] for more."
    plain = paragraphs(said + "\n")
    defined = f"{said}\n\n[the report]: https://example.org/report\n"
    linked = paragraphs(defined)
    assert plain == ['"See [the report] for more."']
    assert linked == ['"See " "the report"<https://example.org/report> " for more."']
    assert paragraphs(said + "\n") == plain
    parse._inlines_kept.clear()
    assert paragraphs(defined) == linked
    assert paragraphs(said + "\n") == plain
