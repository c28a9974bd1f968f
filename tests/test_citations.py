"""Where the notes go: in the page's footer, below the body, once, wherever the
template places its notes block (or none); a brief that cites nothing has none."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from readback import footer_paragraphs

from briefgen import model
from briefgen.assemble import assemble
from briefgen.citations import cited_ids, note_parts, note_text, number_citations
from briefgen.cli import cli
from briefgen.errors import Location
from briefgen.facts import load_store
from briefgen.facts.schema import Fact, Source
from briefgen.facts.store import FactStore
from briefgen.model import Cite, Document, Metadata, Paragraph, Span
from briefgen.parse import parse_blocks
from briefgen.pipeline import BuildOptions, Workspace
from briefgen.templating.environment import TemplateRenderer

REPO = Path(__file__).resolve().parents[1]
CITED = '{{ fact("tucson-pill-price").text }} {{ cite("tucson-pill-price") }}'
NOTE = (
    "1. Chad E. Kasmar, in conversation; as reported "
    "in “Tackling Illicit Fentanyl at the Southern Border: Five Takeaways from Law "
    "Enforcement on the Front Line,” December 21, 2023"
)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    return tmp_path


def paragraphs(workspace: Path, template: str) -> list[str]:
    """Build the template as a DOCX; the body's paragraphs after the title, then the
    notes in the footer."""
    (workspace / "templates" / "trial.md.j2").write_text(template, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["build", "--audience", "trial", "--format", "docx", "--facts", str(REPO / "facts")],
    )
    assert result.exit_code == 0, result.output
    document = docx.Document(str(workspace / "output" / "trial.docx"))
    body = [p.text for p in document.paragraphs if p.text][1:]
    footer = document.sections[0].footer
    notes = [] if footer.is_linked_to_previous else footer_paragraphs(document)
    return body + [p.text for p in notes if p.style.name in ("Sources Heading", "Source Note")]


def test_notes_go_in_the_footer_wherever_the_template_puts_them(workspace: Path) -> None:
    template = f"# Notes\n\n{CITED}\n\n{{{{ notes() }}}}\n\nAfter the notes.\n"
    shown = paragraphs(workspace, template)
    assert shown[1:] == ["After the notes.", "Sources", NOTE]


def test_notes_are_printed_once_however_often_placed(workspace: Path) -> None:
    template = f"# Notes\n\n{{{{ notes() }}}}\n\n{CITED}\n\n{{{{ notes() }}}}\n\nEnd.\n"
    shown = paragraphs(workspace, template)
    assert shown[1:] == ["End.", "Sources", NOTE], shown


def test_notes_come_last_when_the_template_places_none(workspace: Path) -> None:
    shown = paragraphs(workspace, f"# Notes\n\n{CITED}\n\nLast words.\n")
    assert shown[1:] == ["Last words.", "Sources", NOTE]


def test_no_notes_without_citations(workspace: Path) -> None:
    shown = paragraphs(workspace, "# Notes\n\nNothing cited.\n\n{{ notes() }}\n")
    assert shown == ["Nothing cited."]


def test_a_document_s_citations_are_its_own_blocks_read_once() -> None:
    """A document's cited facts are worked out once for it (Document.cited); the
    same document with other blocks, or without a block, cites what those cite."""
    where = Location("t.md", 1)

    def cites(*ids: str) -> Paragraph:
        return Paragraph(where, (Span("Text "), Cite(ids)))

    document = Document("trial", (cites("a", "b"), cites("c")), Metadata("Trial"), where)
    assert cited_ids(document) == ["a", "b", "c"]
    assert cited_ids(document) == ["a", "b", "c"]
    assert cited_ids(replace(document, blocks=(cites("c"), cites("b")))) == ["c", "b"]
    assert cited_ids(replace(document, blocks=document.blocks[1:])) == ["c"]
    assert cited_ids(document) == ["a", "b", "c"]


def test_a_numbered_documents_citations_are_those_it_would_read_afresh() -> None:
    """Numbering gives a document the facts cited of the one numbered
    (number_citations): they are what its own blocks cite, wherever they stand."""
    store = load_store(REPO / "facts", today=dt.date(2026, 11, 1))
    text = """\
# Title [@tucson-pill-price]

::: box
In a box [@chicago-dc-pill-price][@tucson-pill-price]
:::

::: cards
!!! callout 480%
seized [@seizures-up-480-percent]
!!!

!!! callout $1
a pill [@tucson-pill-price]
!!!

:::

- an item [@fentanyl-offenders-us-citizens]

| Year | Share |
| --- | --- |
| 2023 | 98.9% [@seizures-fy2023-southern-border-share] |

> “Quoted” [@kasmar-bipartisan]

!!! notes Sources
!!!
"""
    lines = tuple(Location("t.md", n) for n in range(1, text.count("\n") + 2))
    blocks = tuple(parse_blocks(text, lines, lines[0]))
    document = Document("trial", blocks, Metadata("Trial"), lines[0])
    numbered = number_citations(document, store)
    assert numbered.cited == replace(numbered, name="afresh").cited
    assert numbered.cited == (
        "tucson-pill-price",
        "chicago-dc-pill-price",
        "seizures-up-480-percent",
        "fentanyl-offenders-us-citizens",
        "seizures-fy2023-southern-border-share",
        "kasmar-bipartisan",
    )


def test_an_assembled_documents_citations_are_those_it_would_read_afresh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Assembling works out the facts cited once (for the keywords) and gives them
    to the document it makes of the same blocks, which does not walk them again."""
    workspace = Workspace.open(BuildOptions(workspace=REPO))
    renderer = TemplateRenderer(workspace.search_path, workspace.store, workspace.settings)
    rendered = renderer.render(workspace.search_path.audience("legislators"))
    document = assemble(rendered, workspace.store, workspace.settings)
    walked: list[object] = []
    real = model.cited_fact_ids
    monkeypatch.setattr(model, "cited_fact_ids", lambda block: walked.append(block) or real(block))
    assert len(document.cited) > 5
    assert walked == []
    assert document.cited == replace(document, name="afresh").cited
    assert len(walked) == len(document.blocks)


def test_a_note_is_kept_by_its_sources_and_language_not_by_the_fact_s_id() -> None:
    """The notes a process writes are kept by the sources they name (their every
    field) and the language: a store whose fact of the same id cites a source of
    another title, or a fact credited to another body, gets its own note."""
    first = FactStore(
        facts={"f": _fact("f", "s")},
        sources={"s": _source("s", "First title"), "o": _source("o", "The body")},
    )
    second = FactStore(
        facts={"f": _fact("f", "s")},
        sources={"s": _source("s", "Second title"), "o": _source("o", "The body")},
    )
    credited = FactStore(facts={"f": _fact("f", "s", "o")}, sources=second.sources)
    assert "First title" in note_text(first, "f")
    assert "Second title" in note_text(second, "f")
    assert "First title" in note_text(first, "f")
    assert note_text(credited, "f") == "".join(text for text, _ in note_parts(credited, "f"))
    assert note_text(credited, "f").startswith("The body")
    assert note_text(credited, "f", "es") != note_text(credited, "f")


def _fact(fact_id: str, source: str, original: str | None = None) -> Fact:
    fields = {"id": fact_id, "kind": "finding", "text": "A finding.", "as_of": 2023}
    return Fact.model_validate(
        {**fields, "source": source, **({"original_source": original} if original else {})}
    )


def _source(source_id: str, title: str) -> Source:
    return Source.model_validate({"id": source_id, "type": "report", "title": title})


def _numbered_notes(store: FactStore, fact_ids: list[str]) -> list[str]:
    text = "# T\n\n" + "".join(f"A finding [@{f}]\n\n" for f in fact_ids)
    lines = tuple(Location("t.md", n) for n in range(1, text.count("\n") + 2))
    document = Document(
        "trial", tuple(parse_blocks(text, lines, lines[0])), Metadata("T"), lines[0]
    )
    (notes,) = (b for b in number_citations(document, store).blocks if isinstance(b, model.Notes))
    return [note.text for note in notes.entries]


def test_a_source_named_before_is_named_by_its_short_title_unless_another_shares_it() -> None:
    """A note names its source in full once; the notes after it name the source by
    its title up to the colon, unless another source on the page has that short title
    too ("Fentanyl at the Border: Part 1" and "Part 2"), where it would be ambiguous."""
    sources = {
        "a": Source.model_validate(
            {"id": "a", "type": "article", "title": "Fentanyl at the Border: Part 1",
             "author": "Ana Ruiz", "issued": "2023-12-21"}
        ),
        "b": Source.model_validate(
            {"id": "b", "type": "article", "title": "Fentanyl at the Border: Part 2"}
        ),
        "o": _source("o", "The body"),
    }  # fmt: skip
    facts = {
        "a1": _fact("a1", "a"),
        "a2": _fact("a2", "a", "o"),
        "b1": _fact("b1", "b"),
        "b2": _fact("b2", "b", "o"),
    }
    store = FactStore(facts=facts, sources=sources)
    full = "Ana Ruiz, “Fentanyl at the Border: Part 1,” December 21, 2023"
    assert _numbered_notes(store, ["a1", "a2"]) == [
        full,
        "The body; as reported in “Fentanyl at the Border”",
    ]
    assert _numbered_notes(store, ["a1", "a2", "b1", "b2"]) == [
        full,
        f"The body; as reported in {full}",
        "“Fentanyl at the Border: Part 2”",
        "The body; as reported in “Fentanyl at the Border: Part 2”",
    ]


@pytest.mark.parametrize(
    ("title", "short"),
    [
        ("Tackling Fentanyl at the Border: Five Takeaways", "Tackling Fentanyl at the Border"),
        ("Hearing of March 3 at 10:30 a.m.", "Hearing of March 3 at 10:30 a.m."),
        ("Seizures at a ratio of 3:1 by port: the data", "Seizures at a ratio of 3:1 by port"),
        ("Notes from https://example.org/fentanyl", "Notes from https://example.org/fentanyl"),
        ("The “Iron River: guns” of the border: a history", "The “Iron River: guns” of the border"),
        ('The "Iron River: guns" of the border', 'The "Iron River: guns" of the border'),
        ("Fentanyl: A Primer", "Fentanyl: A Primer"),
    ],
)
def test_a_short_title_ends_at_a_subtitle_s_colon_only(title: str, short: str) -> None:
    """A title is cut at the colon that opens a subtitle (a colon and a space, outside
    quotation marks), not at a time's, a ratio's or a web address's, nor inside a
    quoted phrase, which would leave its quotation mark open."""
    assert _source("s", title).short_title == short


def test_a_short_title_that_is_a_credited_body_s_title_is_not_used() -> None:
    """A reporter's short title that is the title of a body a note of the page credits
    ("Fentanyl at the Border: Part 1" after the report "Fentanyl at the Border") would
    name either: the reporter keeps its full citation."""
    sources = {
        "a": Source.model_validate(
            {"id": "a", "type": "article", "title": "Fentanyl at the Border: Part 1",
             "author": "Ana Ruiz"}
        ),
        "o": _source("o", "Fentanyl at the Border"),
        "p": _source("p", "Other body"),
    }  # fmt: skip
    store = FactStore(
        facts={"a1": _fact("a1", "a", "o"), "a2": _fact("a2", "a", "p")}, sources=sources
    )
    full = "Ana Ruiz, “Fentanyl at the Border: Part 1”"
    assert _numbered_notes(store, ["a1", "a2"]) == [
        f"Fentanyl at the Border; as reported in {full}",
        f"Other body; as reported in {full}",
    ]


def test_short_titles_that_print_alike_keep_their_full_citations() -> None:
    """Two short titles that differ only in how their quotation marks are typed, or in
    letter case, print alike (“The ‘Iron River’ of Guns”): both keep their full
    citations, as two sources of one short title do."""
    sources = {
        "a": Source.model_validate(
            {"id": "a", "type": "article", "title": 'The "Iron River" of Guns: Part One'}
        ),
        "b": Source.model_validate(
            {"id": "b", "type": "article", "title": "The “Iron River” of guns: Part Two"}
        ),
        "o": _source("o", "The body"),
    }
    facts = {f"{s}{n}": _fact(f"{s}{n}", s, "o" if n == 2 else None) for s in "ab" for n in (1, 2)}
    store = FactStore(facts=facts, sources=sources)
    notes = _numbered_notes(store, ["a1", "a2", "b1", "b2"])
    assert notes[1] == "The body; as reported in “The ‘Iron River’ of Guns: Part One”"
    assert notes[3] == "The body; as reported in “The ‘Iron River’ of guns: Part Two”"
