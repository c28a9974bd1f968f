"""A paragraph drawn before is replayed in a later document, byte for byte, only when
its characters get the same codes and its fonts the same names there, its links'
annotations placed again; a long one is always drawn. A paragraph is recorded the
second time it is drawn (most drawn once name a recipient) and replayed after."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

from briefgen.batch import Copy, Task, _Worker
from briefgen.errors import Location
from briefgen.model import Document, Metadata
from briefgen.parse import parse_blocks
from briefgen.pipeline import BuildOptions, Workspace
from briefgen.renderers import pdf, pdf_tags
from briefgen.style import Style

STYLE = Style()
WHERE = Location("brief.md.j2", 1)


def document(markdown: str) -> Document:
    lines = tuple(Location("brief.md.j2", n + 1) for n in range(markdown.count("\n") + 1))
    blocks = parse_blocks(markdown, lines, WHERE)
    metadata = Metadata(title="Replay", date="2026-11-02")
    return Document("replay", tuple(blocks), metadata, WHERE)


def fresh(doc: Document) -> bytes:
    """The PDF of ``doc`` with nothing laid out or drawn before."""
    pdf._laid_out.cache_clear()
    return pdf.render_pdf_bytes(doc, STYLE)


def recorded(doc: Document) -> bytes:
    """The PDF of ``doc`` drawn twice from nothing: its paragraphs recorded."""
    first = fresh(doc)
    assert pdf.render_pdf_bytes(doc, STYLE) == first
    return first


@pytest.fixture
def draws(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of each paragraph reportlab draws (not replayed)."""
    drawn: list[str] = []
    real = Paragraph.drawPara

    def draw_para(self: Paragraph, debug: int = 0) -> object:
        drawn.append(self.getPlainText())
        return real(self, debug)

    monkeypatch.setattr(Paragraph, "drawPara", draw_para)
    return drawn


def test_a_paragraph_drawn_again_is_recorded_then_replayed_with_the_same_bytes(
    draws: list[str],
) -> None:
    doc = document("# A title\n\nPlain words, and “quoted” ones.\n\n- one\n- two\n")
    first = fresh(doc)
    assert len(draws) == 4
    draws.clear()
    # Drawn once, nothing was recorded (a recipient's paragraph is never drawn again).
    assert pdf.render_pdf_bytes(doc, STYLE) == first
    assert len(draws) == 4
    draws.clear()
    assert pdf.render_pdf_bytes(doc, STYLE) == first
    assert draws == []  # every paragraph replayed


def test_a_paragraph_whose_characters_get_other_codes_is_drawn_again(
    draws: list[str],
) -> None:
    """“é” gets the first code after ASCII in the document that meets it first; a
    document that meets “ñ” first gives “é” the next one, so the paragraph drawn in
    the first cannot be replayed in the second."""
    accented = "Café in the paragraph."
    first = document(f"{accented}\n")
    second = document(f"Mañana first.\n\n{accented}\n")
    recorded(first)
    draws.clear()
    again = pdf.render_pdf_bytes(second, STYLE)
    assert accented in draws  # its codes differ here: drawn, not replayed
    assert again == recorded(second)
    # Drawn in a document where the codes agree, it is replayed.
    draws.clear()
    assert pdf.render_pdf_bytes(second, STYLE) == again
    assert draws == []


def test_a_paragraph_with_links_is_replayed_with_its_annotations_where_it_lands(
    draws: list[str],
) -> None:
    """A link's annotation is placed, not drawn: replayed, the paragraph's link calls
    are made again (in its own space, so where it lands this time), with its markers
    starting the link elements; the file is the one drawing it gives."""
    links = "See [the report](https://example.org/report) and [the data](https://example.org/data)."
    shown = "See the report and the data."
    recorded(document(f"{links}\n\nPlain.\n"))
    moved = document(f"A paragraph first.\n\nAnother, to move it down.\n\n{links}\n")
    draws.clear()
    again = pdf.render_pdf_bytes(moved, STYLE)
    assert shown not in draws  # replayed
    assert again == fresh(moved)
    page = PdfReader(io.BytesIO(again)).pages[0]
    uris = [annotation.get_object()["/A"]["/URI"] for annotation in page["/Annots"]]
    assert uris == ["https://example.org/report", "https://example.org/data"]


def test_a_long_paragraph_is_always_drawn(
    draws: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A template decides how long a paragraph is: the operators of one longer than
    the bound are not kept beside its layout (a shorter bound here, for a short page)."""
    monkeypatch.setattr(pdf, "_DRAWN_KEPT_LENGTH", 30)
    long = "A paragraph longer than thirty characters."
    doc = document(f"{long}\n\nShort.\n")
    first = recorded(doc)
    draws.clear()
    assert pdf.render_pdf_bytes(doc, STYLE) == first
    assert draws == [long]


def test_a_replayed_text_whose_characters_have_their_codes_is_not_split_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Replaying a paragraph makes its font calls again; a text whose characters all
    have their codes in the document already would change nothing, so reportlab's
    loop over its characters is skipped. The first text meeting “ and ” gives them
    their codes; the later ones are not split again, and the bytes are the same."""
    texts = [f"Paragraph {n} has “quoted” words." for n in range(1, 4)]
    doc = document("\n\n".join(texts) + "\n")
    first = recorded(doc)
    split: list[str] = []
    real = TTFont.splitString

    def split_string(self: TTFont, text: str, doc: object, encoding: str = "utf-8") -> object:
        split.append(text)
        return real(self, text, doc, encoding)

    monkeypatch.setattr(TTFont, "splitString", split_string)
    assert pdf.render_pdf_bytes(doc, STYLE) == first
    assert [text for text in split if "“" in text] == [texts[0]]


def test_a_replayed_text_meeting_a_new_character_gives_it_its_code() -> None:
    """A replayed paragraph with a character the document has not met yet makes
    its call, which gives the character its code: the bytes are a fresh drawing's."""
    accented = "Café and “quoted” words."
    recorded(document(f"{accented}\n"))
    second = document(f"“Quoted” first.\n\n{accented}\n\nCafé again.\n")
    again = pdf.render_pdf_bytes(second, STYLE)
    assert again == fresh(second)


def _drawn_by_reportlab(monkeypatch: pytest.MonkeyPatch) -> None:
    """Have every paragraph drawn through reportlab's ``Flowable.drawOn`` (its state
    saved, moved and restored around the drawing), replayed or not."""
    monkeypatch.setattr(pdf._Text, "drawOn", pdf_tags.Marked.drawOn)


def test_a_replayed_paragraph_is_written_as_reportlab_s_drawon_writes_it(
    draws: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A replayed paragraph's state is not saved and restored around it (replaying
    changes none of it): the operators are those of reportlab's ``drawOn``, for
    headings, list items with their bullets, a quote, a table's cells and a link."""
    doc = document(
        "# A title\n\nPlain words, and “quoted” ones.\n\n- one\n- two\n\n1. first\n"
        "2. second\n\n> A quote.\n\n| a | b |\n| --- | --- |\n| c | d |\n\n"
        "See [the report](https://example.org/report).\n"
    )
    first = recorded(doc)
    draws.clear()
    assert pdf.render_pdf_bytes(doc, STYLE) == first
    assert draws == []  # every paragraph replayed
    _drawn_by_reportlab(monkeypatch)
    assert pdf.render_pdf_bytes(doc, STYLE) == first


def test_a_batch_copy_is_written_as_reportlab_s_drawon_writes_it(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every sample audience's copy, its note numbers and labels too, after others
    replayed its paragraphs: the same bytes as drawing each through reportlab."""
    options = BuildOptions(workspace=repo, formats=("pdf",))
    worker = _Worker(Workspace.open(options), options)
    columns = ("id", "audience", "name", "title", "office", "place")

    def copy(audience: str, name: str) -> bytes:
        values = ("row-1", audience, name, "Senator", "Office 1", "tucson-az")
        made = worker.make(Task(1, audience, columns, values))
        assert isinstance(made, Copy), made
        return made.files["pdf"]

    audiences = ("legislators", "chiefs", "public", "public-es")
    for audience in audiences:
        copy(audience, "Ana Example")
        copy(audience, "Bo Sample")
    replayed = {audience: copy(audience, "Cy Third") for audience in audiences}
    _drawn_by_reportlab(monkeypatch)
    assert {audience: copy(audience, "Cy Third") for audience in audiences} == replayed


def test_a_paragraph_s_tags_are_planned_once_per_process() -> None:
    """The runs each element owns in a paragraph's text objects are worked out once
    per process (``pdf_tags._plan``): the same document drawn again plans nothing
    anew, and is tagged the same, byte for byte."""
    doc = document(
        "# A title\n\nPlain words.\n\n- one\n- two\n\nSee [a](https://example.org) and "
        "[b](https://example.org/b).\n"
    )
    recorded(doc)
    pdf_tags._plan.cache_clear()
    first = pdf.render_pdf_bytes(doc, STYLE)
    planned = pdf_tags._plan.cache_info().misses
    assert planned >= 5  # the title, the paragraphs, the items
    assert pdf.render_pdf_bytes(doc, STYLE) == first
    assert pdf_tags._plan.cache_info().misses == planned
