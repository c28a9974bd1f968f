"""Each inline text (a paragraph's, a heading's, a list item's) is parsed once per
process (briefgen.parse._keep_inlines): a later document holding it reads it as the
first did, and a document's own reference definitions still make its links. So is
each document's end from a top-level block on (briefgen.parse._keep_blocks): a copy
after a different one reads as it would in a fresh process."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

import pytest
from test_parse_cases import dump_inlines

from briefgen import parse
from briefgen.errors import Location, TemplateError
from briefgen.model import Paragraph, Span
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


def test_a_kept_texts_runs_are_read_once_and_a_refused_text_is_refused_every_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read: list[int] = []
    real = parse._runs

    def counting(children: list[Any]) -> Any:
        read.append(len(children))
        return real(children)

    monkeypatch.setattr(parse, "_runs", counting)
    parse._inlines_kept.clear()
    parse._runs_kept.clear()
    said = "Runs *read* once."
    first = paragraphs(said + "\n")
    assert len(read) == 1
    assert paragraphs(f"{said}\n\n{said}\n") == first * 2
    assert len(read) == 1
    refused = "A picture ![logo](logo.png) among words.\n"
    for _ in range(2):
        with pytest.raises(TemplateError, match="stands in a paragraph of its own"):
            paragraphs(refused)
    assert len(read) == 3


def test_a_text_every_document_holds_stays_kept_while_more_others_pass_than_are_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parse, "_INLINES_KEPT", 4)
    parse._inlines_kept.clear()
    parse._runs_kept.clear()
    parse._merged_kept.clear()
    shared = "Shared by every copy."
    for number in range(10):
        paragraphs(f"{shared}\n\nFor recipient {number}.\n")
    # Its runs are read from its merged runs, kept as long as its tokens.
    assert shared in parse._inlines_kept and shared in parse._merged_kept
    assert len(parse._inlines_kept) == len(parse._runs_kept) == len(parse._merged_kept) == 4
    long = "word " * 1000  # past the length a text is kept up to
    assert paragraphs(long + "\n") == [f'"{long.strip()}"']
    assert long.strip() not in parse._inlines_kept
    assert long.strip() not in parse._runs_kept
    assert long.strip() not in parse._merged_kept


def blocks(text: str) -> list[Any]:
    """The blocks of the Markdown ``text``, each at its line of a template."""
    lines = tuple(Location("brief.md.j2", n) for n in range(1, text.count("\n") + 2))
    return parse_blocks(text, lines, lines[0])


# A brief's end as a batch's copies share it: groups, a list, a table, a fence.
TAIL = """::: cards
!!! callout 480%
more seized in "FY 2023"
!!!

!!! callout $1–$2
per pill
!!!

:::

## Why it matters

- one, *said*
- two

| Year | Deaths |
| --- | --- |
| 2021 | 70,601 |

```
code
```

> A "quote"
>
> — Someone
"""


def test_a_documents_end_read_before_is_read_as_a_fresh_process_reads_it() -> None:
    texts = [
        f"# Title\n\n*For {name}:* we ask.\n\n{TAIL}"
        for name in ("Alex Example 1", "Sam Sample 2", "Jo 3\nover two lines")
    ]
    fresh = []
    for text in texts:
        parse._blocks_kept.clear()
        parse._inlines_kept.clear()
        parse._runs_kept.clear()
        fresh.append(blocks(text))
    parse._blocks_kept.clear()
    assert [blocks(text) for text in texts] == fresh
    assert [blocks(text) for text in reversed(texts)] == fresh[::-1]
    # The second copy took the first's end, after its own paragraph, at that line.
    assert (4, TAIL) in parse._blocks_kept


def test_an_end_read_before_is_read_again_once_its_inline_texts_are_forgotten() -> None:
    parse._blocks_kept.clear()
    first = blocks(f"For Alex.\n\n{TAIL}")
    parse._inlines_kept.clear()
    parse._runs_kept.clear()
    again = blocks(f"For Sam.\n\n{TAIL}")
    assert again[1:] == first[1:]
    assert len(again) == len(first)


def test_an_end_read_before_meets_the_reference_definitions_of_its_document() -> None:
    parse._blocks_kept.clear()
    said = "See [the report] for more.\n"
    assert paragraphs(f"Intro.\n\n{said}") == ['"Intro."', '"See [the report] for more."']
    defined = paragraphs(f"[the report]: https://example.org/report\n\n{said}")
    assert defined == ['"See " "the report"<https://example.org/report> " for more."']
    assert paragraphs(f"Other.\n\n{said}")[1:] == ['"See [the report] for more."']


def test_a_paragraphs_merged_runs_are_kept_and_read_as_a_fresh_process_reads_them() -> None:
    said = 'A *b* c [@x] [@y] and *"quoted"* [words](https://example.org) end.'
    texts = [f"{said}\n", f"# {said}\n\n{said}\n", f"{said}\n\n[words]: https://e.org/w\n"]
    fresh = []
    for text in texts:
        for kept in (parse._blocks_kept, parse._inlines_kept, parse._runs_kept):
            kept.clear()
        parse._merged_kept.clear()
        fresh.append(blocks(text))
    assert [blocks(text) for text in texts] == fresh
    parse._runs_kept.clear()  # the merged runs outlive the runs they were made of
    assert [blocks(text) for text in reversed(texts)] == fresh[::-1]
    assert parse._merged_kept[said] == fresh[0][0].inlines


def test_a_span_given_other_text_keeps_every_other_field() -> None:
    """Neighbouring spans are joined into a span made directly (parse._with_text),
    not through dataclasses.replace: it is what replace makes, for a Span with every
    field set, and a Span has no field it would leave out."""
    span = Span("words ", bold=True, italic=True, href="https://example.org", language="es")
    assert parse._with_text(span, "other") == replace(span, text="other")
    assert [f.name for f in fields(Span)] == ["text", "bold", "italic", "href", "language"]
    assert parse._merge([span, replace(span, text="more")]) == (replace(span, text="words more"),)
