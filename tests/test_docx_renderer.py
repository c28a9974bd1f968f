"""The DOCX renderer: real Word styles, Arial, exact spacing, reproducible bytes,
and (with LibreOffice) the page count a reader will see."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import pypdfium2
import pytest
from click.testing import CliRunner
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree
from office import convert_all, libreoffice, page_counts, requires_libreoffice
from page_regions import regions, with_markdown
from pypdf import PdfReader
from readback import body_paragraphs
from reportlab.pdfbase.pdfmetrics import stringWidth
from tagged import leaf_texts, no_space, structure, text_by_mcid
from test_full_pages import filled_line, italic_line

from briefgen.cli import cli
from briefgen.errors import BriefgenError, Location
from briefgen.fitting import MAX_FILL
from briefgen.model import (
    AnyBlock,
    Bar,
    Box,
    BulletList,
    Callout,
    Chart,
    Cite,
    Document,
    Heading,
    LineBreak,
    Metadata,
    Note,
    Notes,
    Paragraph,
    Quote,
    Span,
    Table,
)
from briefgen.renderers.breaks import line_width
from briefgen.renderers.docx import STYLE_NAMES, render_docx, render_docx_pages, text_styles
from briefgen.renderers.docx_blocks import GLYPH_SPARE, italic_room
from briefgen.renderers.pdf import font_name, register_fonts, render_pages, render_pdf_bytes
from briefgen.style import BODY_FLOOR, BODY_SIZE, DOCX_FONT, SIZE_STEP, Style, TextStyle

__all__ = ["libreoffice"]  # the fixture, imported so the tests here can use it
REPO = Path(__file__).resolve().parents[1]


def here() -> Location:
    """Where the test blocks claim to come from: built per call, not when pytest collects."""
    return Location("t.md", 1)


LOREM = (
    "Schools in the district report that water fountains were shut off after testing "
    "found lead above the action level, and that filters installed since have restored "
    "safe drinking water in most buildings at a modest cost per student. "
)


def _doc(*blocks: AnyBlock, metadata: Metadata | None = None) -> Document:
    return Document(
        name="t",
        blocks=blocks,
        metadata=metadata or Metadata(title="T"),
        source=here(),
    )


def sample() -> Document:
    """One of every block, with citations, emphasis and a line break."""
    return _doc(
        Heading(here(), 1, (Span("Clean water for every school"),)),
        Paragraph(
            here(),
            (
                Span("Nearly "),
                Span("one in five", bold=True),
                Span(" schools lack safe water"),
                Cite(("f1",), (1,)),
                Span(" and "),
                Span("repairs are cheap", italic=True),
                Cite(("f2", "f3"), (3, 2)),
                Span("."),
                LineBreak(),
                Span("Second line."),
            ),
        ),
        Callout(here(), "42%", (Span("of rural schools report lead"), Cite(("f3",), (3,)))),
        Heading(here(), 2, (Span("What we ask"),)),
        BulletList(here(), ((Span("Fund filters"),), (Span("Test twice a year"),))),
        BulletList(here(), ((Span("First"),), (Span("Second"),)), ordered=True),
        BulletList(here(), ((Span("Again first"),),), ordered=True),
        Quote(
            here(),
            (Span("Attendance went up."),),
            attribution=(Span("Principal, Lincoln Elementary"),),
        ),
        Quote(here(), (Span("No one said this."),)),
        Notes(here(), "Sources", (Note(1, "EPA survey, 2023."), Note(2, "GAO-24-1."))),
        metadata=Metadata(
            title="Clean water",
            author="Jane Doe",
            subject="Water in schools",
            keywords=("water", "schools"),
            language="en-GB",
        ),
    )


def long_document(paragraphs: int = 40) -> Document:
    """About three letter pages of body text."""
    body = tuple(Paragraph(here(), (Span(f"{i}. " + LOREM * 2),)) for i in range(paragraphs))
    return _doc(Heading(here(), 1, (Span("Long"),)), *body)


@pytest.fixture(autouse=True)
def _no_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    yield


def read(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def style_element(word: Any, name: str) -> Any:
    return word.styles[name].element


def twips(points: float) -> str:
    return str(round(points * 20))


# --- structure and styles --------------------------------------------------------


def test_blocks_use_real_word_styles() -> None:
    word = read(render_docx(sample(), Style()))
    names = [p.style.name for p in word.paragraphs]
    assert names == [
        "Heading 1",
        "Body Text",
        "Callout Figure",
        "Callout Label",
        "Heading 2",
        "List Bullet",
        "List Bullet",
        "List Number",
        "List Number",
        "List Number",
        "Quote",
        "Attribution",
        "Quote",
    ]
    # The body keeps to the measure, with a right indent of its own; Normal, which a
    # table or text box a person adds in Word takes, spans the column (its 1.8 in
    # right indent squeezed a new table's cells to 0.6 in and the page to two), and
    # so does Body Text (test_a_style_picked_in_word_for_a_line_added_in_a_column_spans_it).
    body, normal = word.styles["Body Text"], word.styles["Normal"]
    assert word.paragraphs[1].paragraph_format.right_indent.pt == pytest.approx(
        Style().body.indent_right, abs=0.05
    )
    assert Style().body.indent_right > 100
    assert normal.paragraph_format.right_indent == 0
    assert body.paragraph_format.right_indent == 0
    assert body.base_style == normal and normal.font.size == body.font.size
    texts = [p.text for p in word.paragraphs]
    assert texts[0] == "Clean water for every school"
    assert texts[2] == "42%"
    assert texts[11] == "\u2014 Principal, Lincoln Elementary"
    # The notes are in the footer, below its rule (an empty paragraph).
    footer = word.sections[0].footer.paragraphs
    assert [p.style.name for p in footer[1:]] == ["Sources Heading", "Source Note", "Source Note"]
    assert [p.text for p in footer] == ["", "Sources", "1. EPA survey, 2023.", "2. GAO-24-1."]


def test_citations_are_superscript_note_numbers_and_emphasis_is_kept() -> None:
    word = read(render_docx(sample(), Style()))
    runs = word.paragraphs[1].runs
    supers = [r.text for r in runs if r.font.superscript]
    assert supers == ["1", "2,3"]
    assert [r.text for r in runs if r.bold] == ["one in five"]
    assert [r.text for r in runs if r.italic] == ["repairs are cheap"]
    # No spaces are added around a citation.
    assert word.paragraphs[1].text.startswith("Nearly one in five schools lack safe water1 and")
    assert word.paragraphs[1]._p.findall(f".//{qn('w:br')}")
    label = word.paragraphs[3].runs
    assert [r.text for r in label if r.font.superscript] == ["3"]


def test_a_citation_without_numbers_adds_no_run() -> None:
    doc = _doc(Paragraph(here(), (Span("Text"), Cite(("f1",)))))
    word = read(render_docx(doc, Style()))
    assert [r.text for r in word.paragraphs[0].runs] == ["Text"]


def test_a_chart_s_title_and_source_line_have_their_word_styles() -> None:
    """README: every block has a real Word style, a chart's title Chart Title and its
    source line Caption (restyling either in Word changes every chart's)."""
    bars = (Bar("2014", 5544, "5,544", "f1"), Bar("2021", 70601, "over 70,000", "f2"))
    chart = Chart(here(), "bar", "Deaths", bars, "deaths", "Bar chart: deaths", (Span("CDC"),))
    word = read(render_docx(_doc(chart), Style()))
    styled = [(p.style.name, p.text) for p in word.paragraphs if p.text]
    assert styled == [("Chart Title", "Deaths"), ("Caption", "CDC")]


def test_every_paragraph_style_s_lengths_are_whole_twentieths_as_the_docx_holds_them() -> None:
    """docs/testing.md: the DOCX writes lengths in twentieths of a point, so a leading
    between them (11.875 pt at 9.5 pt type) set every DOCX line off the PDF's. At each
    size the fitter sets, each style's leading and spaces are whole twentieths, read
    back from the DOCX as the PDF takes them from the Style."""
    size = BODY_SIZE
    while size >= BODY_FLOOR:
        style = Style().with_body_size(size)
        word = read(render_docx(sample(), style))
        for key, text in text_styles(style).items():
            written = word.styles[STYLE_NAMES[key]].paragraph_format
            for length in (text.leading, text.space_before, text.space_after):
                assert length * 20 == pytest.approx(round(length * 20), abs=1e-9), (size, key)
            assert written.line_spacing.pt == text.leading, (size, key)
            for space in ("space_before", "space_after"):
                got = getattr(written, space)
                assert (0.0 if got is None else got.pt) == getattr(text, space), (size, key)
        size -= SIZE_STEP


def test_restyling_a_style_in_word_reaches_every_word_of_its_paragraphs() -> None:
    """README: restyling a block's style in Word changes each such paragraph. So no
    run of words sets a size or font of its own over its paragraph's style (bold,
    italic and a link's colour are the words' own), in the body, header or footer of
    a brief with every region."""
    word = read(render_docx(regions(), Style()))
    parts = [word.element.body]
    parts += [
        part._element for section in word.sections for part in (section.header, section.footer)
    ]
    checked = 0
    for part in parts:
        for paragraph in part.iter(qn("w:p")):
            if paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") is None:
                continue  # Normal: a picture's or spacer's paragraph, no words
            for run in paragraph.iter(qn("w:r")):
                text = "".join(t.text or "" for t in run.iter(qn("w:t")))
                if not text.strip():
                    continue
                checked += 1
                own = run.find(qn("w:rPr"))
                tags = set() if own is None else {child.tag for child in own}
                assert not tags & {qn("w:sz"), qn("w:szCs"), qn("w:rFonts")}, text
    assert checked > 30


def test_the_heading_styles_are_in_words_outline() -> None:
    """As the PDF tags them: the title level 1, a section heading level 2, a chart's
    title level 3 (it was body text to Word's navigation pane and a screen reader)."""
    word = read(render_docx(sample(), Style()))

    def level(name: str) -> str | None:
        found = word.styles[name].element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        return None if found is None else found.get(qn("w:val"))

    assert [level(STYLE_NAMES[key]) for key in ("title", "heading", "chart_title", "body")] == [
        "0",
        "1",
        "2",
        None,
    ]


def test_a_chart_title_is_a_level_below_the_heading_above_it_as_in_the_pdf() -> None:
    """A chart's title was Word's level 3 wherever it stood: under the title alone it
    skipped level 2, before any heading it was the outline's first (WCAG 1.3.1). As
    the PDF tags it: a level below the heading above it, level 1 before any."""
    bars = (Bar("2014", 5544, "5,544", "f1"), Bar("2021", 70601, "over 70,000", "f2"))
    chart = Chart(here(), "bar", "Deaths", bars, "deaths", "Bar chart: deaths", (Span("CDC"),))
    document = _doc(
        chart,
        Heading(here(), 1, (Span("Title"),)),
        chart,
        Heading(here(), 2, (Span("Section"),)),
        chart,
    )
    word = read(render_docx(document, Style()))

    def level(paragraph: Any) -> int | None:
        for holder in (paragraph._p.pPr, paragraph.style.element.pPr):
            found = None if holder is None else holder.find(qn("w:outlineLvl"))
            if found is not None:
                return int(found.get(qn("w:val"))) + 1
        return None

    levels = [level(p) for p in word.paragraphs if level(p) is not None]
    assert levels == [1, 1, 2, 2, 3]
    pdf = render_pdf_bytes(document, Style())
    roles = [n.role for n in structure(PdfReader(io.BytesIO(pdf))).walk() if n.role[:1] == "H"]
    assert [int(role[1]) for role in roles] == levels


def _docx_outline(data: bytes) -> list[tuple[int, str]]:
    """Each body paragraph in Word's outline, in reading order: its outline level (a
    direct one, else its style's) and its text."""
    found = []
    word = read(data)
    for paragraph in body_paragraphs(word):
        for holder in (paragraph._p.pPr, paragraph.style.element.pPr):
            level = None if holder is None else holder.find(qn("w:outlineLvl"))
            if level is not None:
                found.append((int(level.get(qn("w:val"))) + 1, no_space(paragraph.text)))
                break
    return found


def _pdf_outline(data: bytes, notes: set[str]) -> list[tuple[int, str]]:
    """Each heading the PDF tags (H1: 1) and its text, in reading order; the sources'
    heading (``notes``) left out, which the DOCX has in its page footer, outside the
    outline."""
    tree = structure(PdfReader(io.BytesIO(data)))
    texts = text_by_mcid(data)
    headings = [
        (int(node.role[1]), no_space("".join(text for _, text in leaf_texts(node, texts))))
        for node in tree.walk()
        if re.fullmatch(r"H[1-6]", node.role)
    ]
    return [(level, text) for level, text in headings if text not in notes]


def _outline_cases() -> dict[str, list[Document]]:
    """Briefs whose first heading is not a "# " title: a brief without one (its
    sections in columns, each with a chart), one of "##" and "###" sections, one
    with a heading above its title, and a two-sided file of a brief with a title and
    one without."""
    page = regions()
    untitled = replace(
        page, blocks=tuple(b for b in page.blocks if not (isinstance(b, Heading) and b.level == 1))
    )
    sections = with_markdown("## One\n\nText.\n\n### Under one\n\nText.\n\n## Two\n\n- a\n")
    kicker = Heading(here(), 2, (Span("Fact sheet"),))
    return {
        "untitled": [untitled],
        "sections": [replace(sections, blocks=sections.blocks[1:])],
        "kicker": [replace(page, blocks=(kicker, *page.blocks))],
        "two sides": [page, untitled],
    }


# Named here and made in the test: collecting the tests parses no Markdown.
@pytest.mark.parametrize("case", ["untitled", "sections", "kicker", "two sides"])
def test_word_s_outline_is_the_pdf_s_headings(case: str) -> None:
    """A brief without a "# " title: its first heading, a "##", was Heading 2, level 2
    in Word's outline (navigation pane, accessibility checker) with no level 1 above
    it, where the PDF tags it H1, and a chart's title under it level 3. Each heading
    is now at the level the PDF tags it with (renderers.Outline): one at the top that
    is not the title is Top Heading, of Heading 2's look."""
    documents = _outline_cases()[case]
    style = Style()
    pages = [(document, style) for document in documents]
    notes = {no_space(b.title) for d in documents for b in d.blocks if isinstance(b, Notes)}
    pdf_outline = _pdf_outline(render_pages(pages)[0], notes)
    docx_outline = _docx_outline(render_docx_pages(pages))
    assert docx_outline == pdf_outline
    assert pdf_outline[0][0] == 1 and 2 in {level for level, _ in pdf_outline}


def test_top_heading_is_heading_2_at_level_1() -> None:
    """Top Heading has every property of Heading 2 but its outline level (Word ignores
    one set on a paragraph of a built-in heading style, so it is a style of its own)."""
    word = read(render_docx(sample(), Style()))
    top = word.styles[STYLE_NAMES["top_heading"]].element
    heading = word.styles[STYLE_NAMES["heading"]].element

    def properties(style: Any) -> tuple[bytes, ...]:
        found = []
        for name in ("w:pPr", "w:rPr"):
            copy = deepcopy(style.find(qn(name)))
            level = copy.find(qn("w:outlineLvl"))
            if level is not None:
                copy.remove(level)
            found.append(etree.tostring(copy))
        return tuple(found)

    assert properties(top) == properties(heading)
    level = top.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
    assert level is not None and level.get(qn("w:val")) == "0"


@requires_libreoffice
def test_top_heading_prints_as_heading_2(tmp_path: Path) -> None:
    """LibreOffice lays a brief without a title out pixel for pixel as it did when its
    section headings were Heading 2."""
    untitled = _outline_cases()["untitled"][0]
    data = render_docx(untitled, Style())
    top = read(data).styles[STYLE_NAMES["top_heading"]].style_id
    heading = read(data).styles[STYLE_NAMES["heading"]].style_id
    as_before = _with_member(
        data, "word/document.xml", lambda xml: xml.replace(f'"{top}"', f'"{heading}"')
    )
    assert as_before != data
    paths = []
    for name, docx_data in (("top", data), ("before", as_before)):
        path = tmp_path / f"{name}.docx"
        path.write_bytes(docx_data)
        paths.append(path)
    images = [
        pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil().tobytes()
        for pdf in convert_all(paths, tmp_path)
    ]
    assert images[0] == images[1]


def _with_member(data: bytes, member: str, change: Any) -> bytes:
    """A copy of a DOCX with one member's XML (text) changed by ``change``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == member:
                body = change(body.decode("utf-8")).encode("utf-8")
            target.writestr(info, body)
    return out.getvalue()


@pytest.mark.parametrize(
    ("key", "attr", "hanging"),
    [
        ("body", "body", 0.0),
        ("title", "title", 0.0),
        ("heading", "heading", 0.0),
        ("bullet", "list_item", None),
        ("number", "list_item", None),
        ("quote", "quote", 0.0),
        ("attribution", "attribution", 0.0),
        ("callout_figure", "callout_figure", 0.0),
        ("callout_label", "callout_label", 0.0),
        ("card_figure", "card_figure", 0.0),
        ("notes_heading", "notes_heading", 0.0),
        ("note", "note", 0.0),
    ],
)
@pytest.mark.parametrize("body_size", [11.0, 9.5])
def test_each_style_has_the_style_measurements(
    key: str, attr: str, hanging: float | None, body_size: float
) -> None:
    style = Style(body_size=body_size)
    text: TextStyle = getattr(style, attr)
    if hanging is None:
        hanging = style.bullet_indent
    word = read(render_docx(sample(), style))
    word_style = word.styles[STYLE_NAMES[key]]

    # Through python-docx's reading of the style ... (lines "at least" the leading,
    # so that a person who enlarges the type gets no overlapping lines)
    fmt = word_style.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.AT_LEAST
    assert fmt.line_spacing.pt == pytest.approx(text.leading, abs=0.05)
    assert fmt.space_before.pt == pytest.approx(text.space_before, abs=0.05)
    assert fmt.space_after.pt == pytest.approx(text.space_after, abs=0.05)
    assert fmt.left_indent.pt == pytest.approx(text.indent_left, abs=0.05)
    # Across its column, as in a cell (the body outside the cells keeps to the measure
    # with a right indent of each paragraph's own); an italic style's lines run on by
    # the point LibreOffice keeps free after italic type (tests/test_full_pages.py
    # shows why).
    room = italic_room(text.size, style.theme.font) if text.italic else 0.0
    across = style.in_cell(text).indent_right
    assert fmt.right_indent.pt == pytest.approx(across - room, abs=0.05)
    assert fmt.first_line_indent.pt == pytest.approx(-hanging, abs=0.05)
    assert fmt.widow_control is False
    assert fmt.keep_with_next is False
    assert fmt.keep_together is False
    font = word_style.font
    assert font.name == DOCX_FONT
    assert font.size.pt == text.size
    assert font.bold is text.bold
    assert font.italic is text.italic
    assert tuple(font.color.rgb) == text.color

    # ... and in the XML itself.
    element = word_style.element
    spacing = element.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
    assert spacing.get(qn("w:lineRule")) == "atLeast"
    assert spacing.get(qn("w:line")) == twips(text.leading)
    fonts = element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        assert fonts.get(qn(f"w:{slot}")) == DOCX_FONT


def test_every_style_a_brief_uses_shows_in_words_styles_pane() -> None:
    """The template's Caption, a chart's source line, was semi-hidden: not in Word's
    Styles pane or gallery, though the brief uses it."""
    word = read(render_docx(sample(), Style()))
    for name in STYLE_NAMES.values():
        assert word.styles[name].hidden is False, name
        assert word.styles[name].element.find(qn("w:semiHidden")) is None, name


def test_every_style_a_brief_uses_is_in_words_style_gallery() -> None:
    """Body Text, List Bullet and List Number, the template's, were not quick styles:
    Word's Home-tab gallery offered Normal, Title and List Paragraph beside briefgen's
    own, but not the styles of the brief's body text and lists."""
    word = read(render_docx(sample(), Style()))
    for name in STYLE_NAMES.values():
        assert word.styles[name].quick_style is True, name
    # And none of the template's others, in its own look: Title (26 pt, a blue rule
    # below) beside Heading 1, the brief's title, Heading 3 in another blue.
    gallery = {s.name for s in word.styles if s.quick_style and s.type == WD_STYLE_TYPE.PARAGRAPH}
    assert gallery == {"Normal", *STYLE_NAMES.values()}


def test_a_line_added_after_a_cards_figure_is_set_as_its_label() -> None:
    """A card's figure was a Callout Figure, whose next style is Callout Label: Enter
    after "480%" in Word gave a line of body type, larger than the card's own label
    beneath. It is a Card Figure, of the same look, followed by a Card Label; a
    callout's figure is still followed by a Callout Label."""
    style = Style()
    word = read(render_docx(regions(), style))
    cards = [p for p in body_paragraphs(word) if p.text in ("5,544", "$1–$2", "480%")]
    assert [p.style.name for p in cards] == ["Card Figure"] * 3
    card, callout = word.styles["Card Figure"], word.styles["Callout Figure"]
    assert card.next_paragraph_style.name == "Card Label"
    assert callout.next_paragraph_style.name == "Callout Label"
    assert card.base_style == callout.base_style
    assert card.font.size == callout.font.size == Pt(style.card_figure.size)
    assert card.font.color.rgb == callout.font.color.rgb and card.font.bold


def test_a_style_applied_to_a_few_words_looks_as_it_does_on_a_paragraph() -> None:
    """Word applies a paragraph style to a selection within a paragraph as its linked
    character style: "Heading 1 Char" kept the template's look, so a word made Heading
    1 came out 14 pt blue, not the brief's heading."""
    style = Style()
    word = read(render_docx(sample(), style))
    by_id = {s.style_id: s for s in word.styles}
    linked = []
    for key, name in STYLE_NAMES.items():
        paragraph_style = word.styles[name]
        link = paragraph_style.element.find(qn("w:link"))
        if link is None:
            continue
        character_style = by_id[link.get(qn("w:val"))]
        linked.append(key)
        text: TextStyle = text_styles(style)[key]
        font = character_style.font
        assert font.name == DOCX_FONT, key
        assert font.size.pt == text.size, key
        assert font.bold is text.bold and font.italic is text.italic, key
        assert tuple(font.color.rgb) == text.color, key
        assert font.color.theme_color is None, key
    assert {"title", "heading", "body", "quote", "footer"} <= set(linked)


def test_nothing_inherits_the_template_fonts_or_spacing() -> None:
    parts = members(render_docx(sample(), Style()))
    styles = parts["word/styles.xml"].decode()
    assert "Theme=" not in styles and "cstheme" not in styles
    assert "Calibri" not in styles and "Cambria" not in styles
    word = read(render_docx(sample(), Style()))
    defaults = word.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(f".//{qn('w:rPrDefault')}//{qn('w:rFonts')}")
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        assert fonts.get(qn(f"w:{slot}")) == DOCX_FONT
    spacing = defaults.find(f".//{qn('w:pPrDefault')}//{qn('w:spacing')}")
    assert spacing.get(qn("w:after")) == "0"
    assert spacing.get(qn("w:before")) == "0"
    assert spacing.get(qn("w:line")) == "240"
    assert defaults.find(f".//{qn('w:lang')}").get(qn("w:val")) == "en-GB"
    # LibreOffice drops list items' spacing when the autospacing attributes appear.
    assert "Autospacing" not in styles


def test_block_endings_take_the_body_space_after() -> None:
    style = Style()
    word = read(render_docx(sample(), style))
    paragraphs = word.paragraphs
    after = [p.paragraph_format.space_after for p in paragraphs]
    body_after = pytest.approx(style.body.space_after, abs=0.05)
    # Last item of each list, and a quote with no attribution.
    for index in (6, 8, 9, 12):
        assert after[index].pt == body_after
    for index in (5, 7, 10):
        assert after[index] is None  # from the style: list_item / quote spacing


def test_the_first_paragraph_has_no_space_before() -> None:
    """As at the top of a PDF frame, where reportlab drops the space before."""
    doc = _doc(
        Heading(here(), 2, (Span("Starts with a heading"),)), Heading(here(), 2, (Span("x"),))
    )
    first, second = read(render_docx(doc, Style())).paragraphs
    assert first.paragraph_format.space_before == 0
    assert second.paragraph_format.space_before is None  # from the style
    assert second.style.paragraph_format.space_before.pt == pytest.approx(
        Style().heading.space_before, abs=0.05
    )


def test_lists_indent_like_the_pdf_and_ordered_lists_restart() -> None:
    style = Style()
    data = render_docx(sample(), style)
    numbering = members(data)["word/numbering.xml"].decode()
    left, hanging = twips(style.list_item.indent_left), twips(style.bullet_indent)
    indent = f'<w:ind w:left="{left}" w:hanging="{hanging}"/>'
    assert numbering.count(indent) == 2  # bullet and decimal definitions
    assert 'w:lvlText w:val="\u2022"' in numbering
    assert 'w:lvlText w:val="%1."' in numbering
    word = read(data)
    num_ids = [
        p._p.find(f".//{qn('w:numId')}").get(qn("w:val"))
        for p in word.paragraphs
        if p.style.name == "List Number"
    ]
    assert num_ids[0] == num_ids[1] != num_ids[2]
    assert numbering.count('<w:startOverride w:val="1"/>') == 2


def test_no_hyphenation_and_current_word_layout() -> None:
    settings = members(render_docx(sample(), Style()))["word/settings.xml"].decode()
    assert '<w:autoHyphenation w:val="false"/>' in settings
    assert re.search(r'w:name="compatibilityMode"[^>]*w:val="15"', settings)


# --- page ----------------------------------------------------------------------


@pytest.mark.parametrize("page_size", ["letter", "a4"])
def test_page_size_and_margins(page_size: str) -> None:
    style = Style(page_size=page_size)  # type: ignore[arg-type]
    word = read(render_docx(sample(), style))
    (section,) = word.sections
    assert section.page_width.pt == pytest.approx(style.page_width, abs=0.05)
    assert section.page_height.pt == pytest.approx(style.page_height, abs=0.05)
    for margin in (
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    ):
        assert margin.pt == pytest.approx(style.margin, abs=0.05)
    assert section.header_distance.inches == pytest.approx(0.3)
    # The footer (here: the notes) ends on the bottom margin.
    assert section.footer_distance.pt == pytest.approx(style.margin, abs=0.05)
    assert section.gutter == 0
    assert section._sectPr.find(qn("w:headerReference")) is None
    assert section._sectPr.find(qn("w:footerReference")) is not None


def test_a4_is_the_standard_word_a4() -> None:
    data = render_docx(sample(), Style(page_size="a4"))
    assert b'<w:pgSz w:w="11906" w:h="16838"/>' in members(data)["word/document.xml"]


# --- properties and reproducibility ----------------------------------------------


def test_core_properties() -> None:
    props = read(render_docx(sample(), Style())).core_properties
    assert props.title == "Clean water"
    assert props.author == "Jane Doe"
    assert props.subject == "Water in schools"
    assert props.keywords == "water, schools"
    assert props.language == "en-GB"
    fixed = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert props.created == fixed
    assert props.modified == fixed
    # Not printed when it was written (Word shows the date under File > Info).
    assert props.last_printed is None
    assert b"lastPrinted" not in members(render_docx(sample(), Style()))["docProps/core.xml"]
    assert "python-docx" not in (props.comments or "")


def test_output_is_byte_identical() -> None:
    assert render_docx(sample(), Style()) == render_docx(sample(), Style())


def test_source_date_epoch_sets_every_date(monkeypatch: pytest.MonkeyPatch) -> None:
    default = render_docx(sample(), Style())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = render_docx(sample(), Style())
    assert first == render_docx(sample(), Style())
    assert first != default
    when = dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)
    props = read(first).core_properties
    assert props.created == props.modified == when
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_a_bad_source_date_epoch_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(BriefgenError, match="SOURCE_DATE_EPOCH"):
        render_docx(sample(), Style())


def test_zip_is_clean_and_ordered() -> None:
    data = render_docx(sample(), Style())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names[0] == "[Content_Types].xml"
    assert names[1:] == sorted(names[1:])
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert not any("thumbnail" in n or "stylesWithEffects" in n or "customXml" in n for n in names)
    for name, content in members(data).items():
        if name.endswith((".xml", ".rels")):
            assert b"w:rsid" not in content, name
    assert b"<Application>briefgen</Application>" in members(data)["docProps/app.xml"]


def test_an_empty_document_still_opens() -> None:
    word = read(render_docx(_doc(), Style()))
    assert len(word.paragraphs) == 1


# --- with LibreOffice ----------------------------------------------------------


def _line_heights() -> tuple[Document, Style, Style]:
    """37 one-line paragraphs, and two frames: 0.05pt taller than 36 x (leading + space
    after) + one leading, and 0.05pt shorter (the last space after need not fit)."""
    style = Style()
    per_paragraph = style.body.leading + style.body.space_after
    needed = 36 * per_paragraph + style.body.leading  # 706.75pt
    paragraphs = _doc(*(Paragraph(here(), (Span(f"Line {i}"),)) for i in range(37)))
    fits = Style(margin=(style.page_height - needed - 0.05) / 2)
    tight = Style(margin=(style.page_height - needed + 0.05) / 2)
    return paragraphs, fits, tight


@pytest.fixture(scope="module")
def laid_out(
    tmp_path_factory: pytest.TempPathFactory, libreoffice: str
) -> dict[str, tuple[int, set[str]]]:
    """The module's documents, laid out by LibreOffice in one run: name -> its page
    count and the fonts it used."""
    workdir = tmp_path_factory.mktemp("office")
    lines, fits, tight = _line_heights()
    documents = {
        "short-letter": (sample(), Style(page_size="letter")),
        "short-a4": (sample(), Style(page_size="a4")),
        "long": (long_document(), Style()),
        "fits": (lines, fits),
        "tight": (lines, tight),
    }
    paths = {name: workdir / f"{name}.docx" for name in documents}
    for name, (document, style) in documents.items():
        paths[name].write_bytes(render_docx(document, style))
    paths["table-added"] = workdir / "table-added.docx"
    paths["table-added"].write_bytes(_with_a_table_added(_legislators_docx(workdir)))
    counts = page_counts(list(paths.values()), workdir)
    return {name: counts[path] for name, path in paths.items()}


@requires_libreoffice
@pytest.mark.parametrize("page_size", ["letter", "a4"])
def test_short_brief_is_one_page_in_liberation_sans(
    laid_out: dict[str, tuple[int, set[str]]], page_size: str
) -> None:
    pages, fonts = laid_out[f"short-{page_size}"]
    assert pages == 1
    assert fonts, "the converted PDF names no fonts"
    assert all(font.startswith("LiberationSans") for font in fonts), fonts
    assert not any("DejaVu" in font for font in fonts), fonts


def _no_break_hyphens() -> Document:
    return _doc(Paragraph(here(), (Span("Interdicci\u00f3n\u2011coordinada y \u2011 m\u00e1s"),)))


def test_a_no_break_hyphen_is_the_fonts_hyphen_in_both_formats() -> None:
    """U+2011, which no bundled family has, was drawn from DejaVu Sans in the PDF,
    wider than the hyphen LibreOffice draws for it: a line full in one was not in the
    other."""
    pdf = PdfReader(io.BytesIO(render_pdf_bytes(_no_break_hyphens(), Style())))
    assert "Interdicci\u00f3n-coordinada y - m\u00e1s" in pdf.pages[0].extract_text()
    fonts = {str(f["/BaseFont"]) for f in pdf.pages[0]["/Resources"]["/Font"].values()}
    assert fonts and not any("DejaVu" in font for font in fonts), fonts
    paragraph = read(render_docx(_no_break_hyphens(), Style())).paragraphs[0]
    run = paragraph.runs[0]._r
    assert len(run.findall(qn("w:noBreakHyphen"))) == 2
    assert "\u2011" not in "".join(t.text for t in run.findall(qn("w:t")))
    assert paragraph.text == "Interdicci\u00f3n-coordinada y - m\u00e1s"


def _legislators_docx(workdir: Path) -> bytes:
    """The sample legislators brief, as build writes it."""
    out = workdir / "built"
    args = ["build", "--facts", str(REPO / "facts"), "--audience", "legislators"]
    result = CliRunner().invoke(cli, [*args, "--format", "docx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return (out / "legislators.docx").read_bytes()


def _with_a_table_added(data: bytes) -> bytes:
    """``data`` with a small table inserted after the last reason, as a person adds
    one in Word: a table of python-docx's own, in Normal's paragraphs."""
    word = docx.Document(io.BytesIO(data))
    # In the main column's cell, beside the sidebar.
    reason = next(p for p in body_paragraphs(word) if p.text.startswith("Target the"))
    table = word.add_table(rows=2, cols=3)
    for cell in table._cells:
        cell.text = "Seizures at ports of entry"
    reason._p.addnext(table._tbl)
    edited = io.BytesIO()
    word.save(edited)
    return edited.getvalue()


@requires_libreoffice
def test_a_table_added_in_word_spans_the_column(
    laid_out: dict[str, tuple[int, set[str]]],
) -> None:
    """Normal once held the body's 1.8 in right indent: a table added in Word took it,
    its cells squeezed to 0.6 in, its words split, and the page went to two."""
    assert laid_out["table-added"][0] == 1


# Facts of the sample store, their texts one to three lines long.
FILLERS = (
    "immigrants-not-driving-crisis",
    "cheaper-closer-to-border",
    "drugs-smuggled-through-ports-of-entry",
    "interdiction-domino-effect",
    "public-health-perspective",
    "youth-engagement",
    "immigrants-as-allies",
    "cannot-arrest-out-portland",
    "tucson-metro-population",
    "kasmar-years-experience",
    "americans-increasingly-concerned",
    "seizures-2022-southern-border",
)


@requires_libreoffice
def test_a_line_added_in_word_to_the_fullest_sample_copy_keeps_it_to_one_page(
    tmp_path: Path,
) -> None:
    """docs/templates.md: the share of the frame a brief leaves free holds a line a
    person adds in Word, on a page as full as a brief may be (a copy of the sample
    batch, filled up)."""
    rows = (REPO / "recipients.csv").read_text(encoding="utf-8").splitlines()[:2]
    (tmp_path / "one.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    # The sample copy leaves room to spare: optional paragraphs, the least wanted
    # last, fill it as full as the fitter lets a brief be.
    templates = tmp_path / "templates"
    templates.mkdir()
    extra = "".join(
        f'::: optional {20 - n}\n{{{{ fact("{fact}").text }}}} {{{{ cite("{fact}") }}}}\n:::\n\n'
        for n, fact in enumerate(FILLERS)
    )
    (templates / "legislators.md.j2").write_text(
        '{% extends "builtin/legislators.md.j2" %}\n'
        "{% block reasons %}{{ super() }}\n" + extra + "{% endblock %}\n",
        encoding="utf-8",
    )
    facts = [
        *("--facts", str(REPO / "facts"), "--templates", str(templates)),
        *("--recipients", str(tmp_path / "one.csv")),
    ]
    checked = CliRunner().invoke(cli, ["check", *facts, "--json"])
    (fit,) = (f for f in json.loads(checked.output)["findings"] if f["code"] == "fit")
    # Within a line of the fullest a page may be: a line of body type is about 2%.
    assert fit["data"]["fill_most"] > MAX_FILL - 0.01
    out = tmp_path / "built"
    built = CliRunner().invoke(cli, ["build", *facts, "--format", "docx", "--out", str(out)])
    assert built.exit_code == 0, built.output
    word = docx.Document(str(out / "legislators" / "example-office-1.docx"))
    # In the main column's cell, beside the sidebar.
    reason = next(p for p in body_paragraphs(word) if p.text.startswith("Target the"))
    added = deepcopy(reason._p)
    for run in added.findall(qn("w:r")):
        added.remove(run)
    reason._p.addnext(added)
    DocxParagraph(added, reason._parent).add_run("One more line, typed in Word.")
    word.save(str(tmp_path / "edited.docx"))
    (pdf,) = convert_all([tmp_path / "edited.docx"], tmp_path)
    text = PdfReader(pdf).pages[0].extract_text()
    assert len(PdfReader(pdf).pages) == 1
    assert "One more line, typed in Word." in text


@requires_libreoffice
def test_text_added_in_word_to_the_main_column_runs_on_to_a_second_page(
    tmp_path: Path,
) -> None:
    """The row of main column and sidebar could not split: text added to a takeaway
    moved the whole body to page 2 and left page 1 blank below the box."""
    out = tmp_path / "built"
    args = ["build", "--facts", str(REPO / "facts"), "--audience", "chiefs", "--format", "docx"]
    assert CliRunner().invoke(cli, [*args, "--out", str(out)]).exit_code == 0
    word = docx.Document(str(out / "chiefs.docx"))
    cell_paragraphs = (p for t in word.tables for c in t._cells for p in c.paragraphs)
    takeaway = next(p for p in cell_paragraphs if p.text.startswith("Proximity to the border"))
    takeaway.add_run(" More to say about it." * 200)
    word.save(str(tmp_path / "edited.docx"))
    (pdf,) = convert_all([tmp_path / "edited.docx"], tmp_path)
    pages = PdfReader(pdf).pages
    assert len(pages) >= 2
    assert "Operational takeaways" in pages[0].extract_text()


def _styled_after(paragraph: Any, style: str, text: str) -> Any:
    """A paragraph of ``text`` after ``paragraph``, given ``style`` as a person picks
    it in Word's style gallery: the style alone, none of the paragraph's own formatting."""
    added = DocxParagraph(deepcopy(paragraph._p), paragraph._parent)
    for child in list(added._p):
        added._p.remove(child)
    paragraph._p.addnext(added._p)
    added.style = style
    added.add_run(text)
    return added


@requires_libreoffice
def test_a_style_picked_in_word_for_a_line_added_in_a_column_spans_it(
    tmp_path: Path,
) -> None:
    """Every style held the page's measure as a right indent of 1.8 in, which each
    paragraph in a cell took off again: a line a person added in a column and gave
    Body Text was squeezed to half the column, and Heading 2 in the sidebar, whose
    text is 2.4 in wide, set "What Congress can do" a letter a line, down to a second
    page. A style now spans its column; the body outside the cells keeps to the
    measure with a right indent of each paragraph's own."""
    word = docx.Document(io.BytesIO(_legislators_docx(tmp_path)))
    paragraphs = body_paragraphs(word)
    reason = next(p for p in paragraphs if p.text.startswith("Target the"))
    attribution = next(p for p in paragraphs if p.style.name == "Sidebar Attribution")
    body = _styled_after(reason, "Body Text", "Fund treatment: it lowers demand. " * 2)
    heading = _styled_after(attribution, "Heading 2", "What Congress can do")
    style = Style()
    for added in (body, heading):
        assert added.paragraph_format.right_indent is None
        assert added.style.paragraph_format.right_indent.pt < style.body_size
    word.save(str(tmp_path / "edited.docx"))
    (pdf,) = convert_all([tmp_path / "edited.docx"], tmp_path)
    pages = PdfReader(pdf).pages
    assert len(pages) == 1
    lines = [line.strip() for line in pages[0].extract_text().splitlines()]
    assert "What Congress can do" in lines
    assert "Fund treatment: it lowers demand. Fund treatment: it lowers demand." in lines


def test_the_body_outside_the_cells_keeps_to_the_measure() -> None:
    """Its styles span the column; a paragraph of the body across the page carries
    the measure's right indent itself, as the PDF sets it; one in a cell, none."""
    style = Style()
    short = Paragraph(here(), (Span("Short."),))
    document = _doc(
        Heading(here(), 1, (Span("Title"),)),
        Heading(here(), 2, (Span("Heading"),)),
        short,
        Box(here(), (Heading(here(), 2, (Span("Boxed"),)), short)),
    )
    word = read(render_docx(document, style))
    outside = [p for p in word.paragraphs if p.style.name in ("Body Text", "Heading 2")]
    assert len(outside) == 2
    for paragraph in outside:
        assert paragraph.paragraph_format.right_indent.pt == pytest.approx(
            style.measure_indent, abs=0.05
        )
    inside = [
        p
        for p in body_paragraphs(word)
        if p.style.name in ("Body Text", "Heading 2") and p._parent is not word._body
    ]
    assert len(inside) == 2
    assert all(p.paragraph_format.right_indent is None for p in inside)


@requires_libreoffice
def test_long_document_is_several_pages(laid_out: dict[str, tuple[int, set[str]]]) -> None:
    pages, _ = laid_out["long"]
    assert pages >= 2


@requires_libreoffice
def test_line_heights_are_exact(laid_out: dict[str, tuple[int, set[str]]]) -> None:
    """37 one-line paragraphs: 36 x (leading + space after) + one leading.

    With a frame 0.05pt taller than that they fit on one page; 0.05pt shorter and
    the last one moves over. The last paragraph's space after need not fit.
    """
    assert laid_out["fits"][0] == 1
    assert laid_out["tight"][0] == 2


def test_a_character_the_family_lacks_is_set_in_the_fallback_in_body_and_footer() -> None:
    """As the PDF draws U+2713 in DejaVu Sans, the DOCX names DejaVu Sans for it, in
    bold text (keeping the bold) and in a note in the page footer alike."""
    doc = _doc(
        Paragraph(here(), (Span("Done "), Span("\u2713 twice\u2713", bold=True), Span("."))),
        Notes(here(), "Sources", (Note(1, "Checked \u2713 list, 2023."),)),
    )
    word = read(render_docx(doc, Style()))
    runs = [(r.text, r.bold, r.font.name) for r in word.paragraphs[0].runs]
    assert runs == [
        ("Done ", None, None),
        ("\u2713", True, "DejaVu Sans"),
        (" twice", True, None),
        ("\u2713", True, "DejaVu Sans"),
        (".", None, None),
    ]
    footer = word.sections[0].footer
    named = {r.text: r.font.name for p in footer.paragraphs for r in p.runs if r.text}
    assert named.get("\u2713") == "DejaVu Sans", named


def test_a_fallback_character_in_italic_type_stands_upright_as_in_the_pdf() -> None:
    """No oblique DejaVu Sans is bundled: the PDF draws the character upright in
    italic type, so the DOCX says so (Word would slant it), in an italic span and in
    the italic Quote style alike."""
    doc = _doc(
        Paragraph(here(), (Span("Done \u2713 now", italic=True, bold=True),)),
        Quote(here(), (Span("Checked \u2713."),), (Span("A chief"),)),
    )
    word = read(render_docx(doc, Style()))
    for paragraph in word.paragraphs[:2]:
        runs = {r.text: (r.italic, r.font.name) for r in paragraph.runs if r.text.strip()}
        assert runs["\u2713"] == (False, "DejaVu Sans"), runs
    assert [r.bold for r in word.paragraphs[0].runs] == [True, True, True]
    assert word.paragraphs[0].runs[0].italic is True


def test_only_a_line_ending_in_italic_type_near_its_end_runs_on() -> None:
    """A paragraph of upright type whose italic words end a line the PDF fills to
    within a point is set a little wider (LibreOffice keeps that point free after
    italic type); one whose italic words end short of it keeps the style's right
    indent, so LibreOffice fits on its upright lines what the PDF does, not more."""
    style = Style()
    register_fonts(("italic",), style.theme.font)
    width = line_width(style, style.body, None)
    start = "Border communities carry "
    rest = width - stringWidth(start, font_name("regular"), style.body.size)
    words = italic_line(rest, font_name("italic"), style.body.size)
    near = Paragraph(here(), (Span(start), Span(words, italic=True)))
    short = Paragraph(here(), (Span(start), Span(words.rsplit(" ", 1)[0], italic=True)))
    word = read(render_docx(_doc(near, short), style))
    body = style.body.indent_right  # the measure's, across the page
    near_p, short_p = (p for p in word.paragraphs if p.text.startswith(start))
    # The line is that full: the half point LibreOffice's glyph widths may add too.
    room = italic_room(style.body.size, style.theme.font) + GLYPH_SPARE
    assert near_p.paragraph_format.right_indent.pt == pytest.approx(body - room, abs=0.05)
    assert short_p.paragraph_format.right_indent.pt == pytest.approx(body, abs=0.05)


def test_only_a_paragraph_with_a_line_full_to_half_a_point_runs_on() -> None:
    """LibreOffice may set a line half a point wider than the PDF: a paragraph with a
    line the PDF fills to within a point is set GLYPH_SPARE wider; one whose lines end
    short of that keeps the style's right indent (a line the PDF overflowed by less
    would otherwise fit in LibreOffice)."""
    style = Style()
    register_fonts(("bold",), style.theme.font)
    width = line_width(style, style.body, None)
    words = filled_line(width, font_name("regular"), style.body.size)
    near = Paragraph(here(), (Span(words),))
    short = Paragraph(here(), (Span(words.rsplit(" ", 1)[0]),))
    word = read(render_docx(_doc(near, short), style))
    body = style.body.indent_right  # the measure's, across the page
    near_p, short_p = (p for p in word.paragraphs if p.text.startswith(words[:20]))
    assert near_p.paragraph_format.right_indent.pt == pytest.approx(body - GLYPH_SPARE, abs=0.05)
    assert short_p.paragraph_format.right_indent.pt == pytest.approx(body, abs=0.05)


def test_each_non_breaking_hyphen_in_italic_type_near_a_lines_end_widens_it() -> None:
    """LibreOffice keeps its room after italic type after each non-breaking hyphen set
    in italic type too: a line of italic words holding one, that the PDF fills to
    within a point, is set two rooms wider (the hyphen and the line's end); the no-break
    space on it, set upright, needs none; the same words upright after the space widen
    it by the line's end alone."""
    style = Style()
    register_fonts(("italic",), style.theme.font)
    width = line_width(style, style.body, None)
    start = "Border\u00a0– communities carry "
    rest = width - stringWidth(start, font_name("regular"), style.body.size)
    words = italic_line(rest, font_name("italic"), style.body.size)
    # The PDF prints U+2011 as a hyphen, and a no-break space as wide as a space.
    rest = width - stringWidth("Border communities carry ", font_name("regular"), style.body.size)
    filled = italic_line(rest, font_name("italic"), style.body.size, "cross-border and ")
    joined = "cross\u2011border and\u00a0" + filled
    italic = Paragraph(here(), (Span("Border communities carry "), Span(joined, italic=True)))
    upright = Paragraph(here(), (Span(start), Span(words, italic=True)))
    word = read(render_docx(_doc(italic, upright), style))
    body = style.body.indent_right  # the measure's, across the page
    room = italic_room(style.body.size, style.theme.font)
    italic_p, upright_p = (p for p in word.paragraphs if p.text.startswith("Border"))
    wider = (2 * room + GLYPH_SPARE, room + GLYPH_SPARE)
    assert italic_p.paragraph_format.right_indent.pt == pytest.approx(body - wider[0], abs=0.05)
    assert upright_p.paragraph_format.right_indent.pt == pytest.approx(body - wider[1], abs=0.05)


def test_a_no_break_space_in_italic_type_is_an_upright_run_of_its_own() -> None:
    """LibreOffice ends a text portion at a no-break space and kept its room for italic
    type after one set in italic type: a quote's spaced dash, kept to the word before
    it by one, needed a room more, and a cell of italic figures such as 1 000 more
    than its padding held. Each such space is now an upright run of its own (no room
    after it), in an italic span and in an italic style (a quote) alike, bold where
    its span is; the text reads back the same."""
    quote = Quote(here(), (Span("Water\u00a0— then\u00a0\u00a0schools"),))
    emphasis = Paragraph(
        here(), (Span("Plain\u00a0words, "), Span("1\u00a0000\u00a0", italic=True, bold=True))
    )
    word = read(render_docx(_doc(quote, emphasis), Style()))
    quote_p, emphasis_p = (p for p in word.paragraphs if p.text[:5] in ("Water", "Plain"))
    assert quote_p.text == "Water\u00a0— then\u00a0\u00a0schools"
    assert emphasis_p.text == "Plain\u00a0words, 1\u00a0000\u00a0"
    assert [(r.text, r.italic) for r in quote_p.runs] == [
        ("Water", None),
        ("\u00a0", False),
        ("— then", None),
        ("\u00a0\u00a0", False),
        ("schools", None),
    ]
    assert [(r.text, r.italic, r.bold) for r in emphasis_p.runs] == [
        ("Plain\u00a0words, ", None, None),  # upright already: one run
        ("1", True, True),
        ("\u00a0", False, True),
        ("000", True, True),
        ("\u00a0", False, True),
    ]
    # A quote's paragraph needs its one room for italic type, and no more.
    style = Style()
    body = style.quote.indent_right - italic_room(style.quote.size, style.theme.font)
    assert quote_p.paragraph_format.right_indent.pt == pytest.approx(body, abs=0.05)


def test_a_cells_paragraph_is_set_no_wider_than_its_padding() -> None:
    """Room after each italic no-break space (a figure "1 000" in italics; now set
    upright) or non-breaking hyphen added up past a table cell's padding: a cell of
    fourteen such figures was set 15 pt wider, and LibreOffice ran its upright words
    on into the next column. The room stays within the cell's padding, on the right
    or, in a right-aligned column, on the left."""
    style = Style()
    figures = " ".join(f"{n}\u2011000" for n in range(1, 14))
    cell = (Span(figures, italic=True), Span(" and the words after them" * 6))
    table = Table(here(), ((Span("Figures"),), (Span("Note"),)), ((cell, cell),), ("left", "right"))
    word = read(render_docx(_doc(table), style))
    left_p, right_p = (c.paragraphs[0] for c in word.tables[0].rows[1].cells)
    padding = style.table_padding
    assert left_p.paragraph_format.right_indent.pt >= -padding[1]
    assert right_p.paragraph_format.left_indent.pt >= -padding[3]


ADDRESS = (
    "https://example.org/reports/2026/fentanyl-at-the-border-complete-findings-"
    "and-appendices-volume-one"
)
LINK = "https://example.org/r"


@pytest.mark.parametrize(
    "linked",
    [
        (Span("Read", bold=True, href=LINK), Span(f" the full report at {ADDRESS}", href=LINK)),
        # The space a span of its own.
        (Span("Read the full report at", bold=True, href=LINK), Span(f" {ADDRESS}", href=LINK)),
    ],
    ids=["in-words", "alone"],
)
def test_the_space_before_an_address_in_a_link_stays_before_its_line_break(
    linked: tuple[Span, ...],
) -> None:
    """A link whose words run on into an address too wide for any line: the space
    before the address's line break (set at no width) was left behind the link, after
    the address, so the DOCX read "at" then the address then two spaces."""
    words = (Span("Some words and "), *linked, Span(" today."))
    word = read(render_docx(_doc(Paragraph(here(), words)), Style()))
    paragraph = word.paragraphs[0]._p
    pieces = [t.text or "" for t in paragraph.iter(qn("w:t"))]
    assert "".join(pieces) == "".join(span.text for span in words)
    (hyperlink,) = paragraph.iter(qn("w:hyperlink"))
    assert "".join(t.text or "" for t in hyperlink.iter(qn("w:t"))).endswith("-volume-one")
