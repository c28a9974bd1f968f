"""Every page region drawn in both formats: masthead, box, cards, main column and
sidebar, chart, QR code, picture, footer with notes and contact; links, note
numbers, dates and the measure the fitter relies on."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import pypdfium2 as pdfium
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from page_regions import (
    AUDIENCE,
    CONTACT,
    DATE,
    LINK,
    ORGANIZATION,
    QR_URL,
    UPDATED,
    WEBSITE,
    regions,
)
from PIL import Image as PILImage
from pypdf import PdfReader
from readback import docx_paragraphs, in_pdf_text, squeeze

from briefgen.fonts import font_dir
from briefgen.model import (
    Columns,
    Document,
    Footer,
    Location,
    Metadata,
    Notes,
    Paragraph,
    Quote,
    Span,
)
from briefgen.renderers import qr_size
from briefgen.renderers.docx import render_docx, text_styles
from briefgen.renderers.docx_blocks import italic_room
from briefgen.renderers.pdf import measure, render_pdf_bytes
from briefgen.style import NOTE_FLOOR, Style
from briefgen.theme import DEFAULT_THEME, FAMILIES

PRIMARY = "{:02X}{:02X}{:02X}".format(*DEFAULT_THEME.primary)
TINT = "{:02X}{:02X}{:02X}".format(*DEFAULT_THEME.tint)
ACCENT = "{:02X}{:02X}{:02X}".format(*DEFAULT_THEME.accent)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The regions brief as PDF and DOCX, written once for the module."""
    folder = tmp_path_factory.mktemp("regions")
    document, style = regions(), Style()
    pdf, word = folder / "regions.pdf", folder / "regions.docx"
    pdf.write_bytes(render_pdf_bytes(document, style))
    word.write_bytes(render_docx(document, style))
    return pdf, word


def pdf_text(path: Path) -> str:
    return PdfReader(path).pages[0].extract_text()


def shading(cell: Any) -> str | None:
    shd = cell._tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
    return None if shd is None else str(shd.get(qn("w:fill")))


def tables(word: Any) -> list[Any]:
    return list(word.tables)


# --- each region, in both formats ------------------------------------------------


def test_the_pdf_holds_every_region_in_reading_order(files: tuple[Path, Path]) -> None:
    text = pdf_text(files[0])
    expected = [
        ORGANIZATION,
        AUDIENCE,
        DATE,
        "Clean water for every school",
        "Ask: fund filters.",
        "5,544",
        "$1–$2",
        "480%",
        "Why it matters",
        "Synthetic-opioid deaths",
        "Sources: CDC",
        "Local numbers",
        "Share trafficked by citizens",
        QR_URL,
        "Sources",
        "1. EPA survey, 2023.",
        " · ".join(CONTACT),  # under the notes, at the left
        WEBSITE,  # beside the notes, under the QR code
        UPDATED,
    ]
    flat = squeeze(text)
    at = 0
    for item in expected:
        found = flat.find(squeeze(item), at)
        assert found >= 0, f"{item!r} missing or out of order in:\n{text}"
        at = found


def test_the_docx_masthead_is_a_shaded_band_with_a_decorative_logo(
    files: tuple[Path, Path],
) -> None:
    word = docx.Document(str(files[1]))
    band = tables(word)[0]
    row = band.rows[0]
    height = row._tr.find(f"{qn('w:trPr')}/{qn('w:trHeight')}")
    assert height.get(qn("w:hRule")) == "atLeast"
    assert int(height.get(qn("w:val"))) == round(Style().masthead_height * 20)
    assert {shading(cell) for cell in row.cells} == {PRIMARY}
    texts = [cell.text for cell in row.cells]
    assert texts[1] == ORGANIZATION
    assert texts[2].split("\n") == [AUDIENCE, DATE]
    (logo,) = row.cells[0]._tc.iter(qn("wp:docPr"))
    assert logo.find(".//{*}decorative") is not None
    # The band comes first in the body, before the title.
    assert word.element.body[0].tag == qn("w:tbl")


LONG_NAME = (
    "Riverbend County Department of Public Health and Environmental Services, "
    "Division of Immunization and Communicable Disease Prevention"
)


def test_a_long_organization_name_takes_the_room_the_audience_and_date_leave() -> None:
    """The audience and date ("Clergy", "April 2026") kept two fifths of the band,
    so a long name took five lines beside them, the band over an inch tall: their
    cell is now as wide as their wider line, the name's the rest, and in both files
    the name takes three lines; a long audience's name still wraps in its two fifths."""
    from briefgen.model import Masthead
    from briefgen.renderers import masthead_line_width

    style = Style()
    masthead = Masthead(LONG_NAME, "Clergy", "April 2026")
    document = replace(regions(), masthead=masthead)
    word = docx.Document(io.BytesIO(render_docx(document, style)))
    name, right = tables(word)[0].rows[0].cells
    assert len(name.text.split("\n")) == 3, name.text
    assert right.text.split("\n") == ["Clergy", "April 2026"]
    widths = [int(c.get(qn("w:w"))) for c in tables(word)[0]._tbl.iter(qn("w:gridCol"))]
    line = masthead_line_width(masthead, style)
    assert line < 60 and widths[1] == round((line + 2 + style.masthead_pad) * 20)
    text = PdfReader(io.BytesIO(render_pdf_bytes(document, style))).pages[0].extract_text()
    lines = [line.strip() for line in text.split("\n")]
    assert lines[:5] == [*name.text.split("\n"), "Clergy", "April 2026"], lines
    long = Masthead(LONG_NAME, "Members of the Board of County Commissioners", "April 2026")
    _, _, wide = style.masthead_cells(long, masthead_line_width(long, style))
    assert wide.width == style.frame_width * 0.4


def test_the_docx_box_cards_and_sidebar_are_shaded_tables(files: tuple[Path, Path]) -> None:
    word = docx.Document(str(files[1]))
    _, box, cards, columns, qr = tables(word)
    rule, inside = box.rows[0].cells
    assert (shading(rule), shading(inside)) == (ACCENT, TINT)
    assert inside.text == "Ask: fund filters."
    cells = cards.rows[0].cells
    assert [shading(c) for c in cells] == [TINT, None, TINT, None, TINT]
    assert [c.paragraphs[0].text for c in cells[::2]] == ["5,544", "$1–$2", "480%"]
    main, gutter, aside = columns.rows[0].cells
    assert (shading(main), shading(gutter), shading(aside)) == (None, None, TINT)
    assert main.paragraphs[0].text == "Why it matters"
    assert aside.paragraphs[0].text == "Local numbers"
    # The charts are pictures with their alt text, the QR code too.
    descriptions = [d.get("descr") for d in word.element.body.iter(qn("wp:docPr"))]
    assert "Bar chart: deaths rose from 5,544 in 2014 to over 70,000 in 2021" in descriptions
    assert "Pictogram: 86 of 100 figures filled" in descriptions
    assert f"QR code: {QR_URL}" in descriptions
    assert "A red block" in descriptions
    assert qr.rows[0].cells[1].text == QR_URL
    # Every table is laid out at its cells' widths, with no borders.
    for table in tables(word):
        properties = table._tbl.tblPr
        assert properties.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        borders = properties.find(qn("w:tblBorders"))
        assert {b.get(qn("w:val")) for b in borders} == {"nil"}


def test_the_docx_footer_holds_the_notes_and_contact(files: tuple[Path, Path]) -> None:
    word = docx.Document(str(files[1]))
    footer = word.sections[0].footer
    assert not footer.is_linked_to_previous
    # The rule's paragraph and the footer's last line; between them one row: the
    # notes and the contact line beside the QR code and the address and date lines.
    assert [p.text for p in footer.paragraphs] == ["", ""]
    (row,) = footer.tables
    notes, side = row.rows[0].cells
    assert [p.text.replace("\u00a0", " ") for p in notes.paragraphs] == [
        "Sources",
        "1. EPA survey, 2023.",
        "2. GAO-24-1, a long report title that runs on.",
        "3. DEA, National Drug Threat Assessment 2024.",
        " · ".join(CONTACT),
    ]
    assert notes.paragraphs[-1].style.name == "Footer Contact"
    assert [p.text for p in side.paragraphs] == ["", WEBSITE, QR_URL, UPDATED]
    (picture,) = side.paragraphs[0]._p.iter(qn("wp:docPr"))
    assert picture.get("descr") == f"QR code: {QR_URL}"
    assert side.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # The rule above the footer: the first paragraph's top border.
    border = footer.paragraphs[0]._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:top')}")
    assert border is not None and border.get(qn("w:val")) == "single"
    # No note is in the body.
    body = [p.text for p in word.paragraphs]
    assert "Sources" not in body


def test_same_words_in_both_formats_apart_from_the_charts(files: tuple[Path, Path]) -> None:
    """The charts' labels are vector text in the PDF and part of the picture (with
    alt text) in the DOCX; everything else reads the same."""
    chart_words = ["2014", "5,544", "2021", "over", "70,000", "86%", "citizens"]
    pdf_words = squeeze(pdf_text(files[0])).split()
    for word in reversed(chart_words):  # the last of each: the cards come first
        del pdf_words[len(pdf_words) - 1 - pdf_words[::-1].index(word)]
    docx_words = squeeze("\n".join(p.text for p in docx_paragraphs(files[1]))).split()
    assert pdf_words == docx_words


# --- notes, links, note numbers, dates -------------------------------------------


def test_notes_never_go_below_7_5_pt() -> None:
    style = Style(body_size=9.0)
    assert style.body.size == 9.0
    assert style.note.size == NOTE_FLOOR == 7.5
    assert style.notes_heading.size >= NOTE_FLOOR
    assert style.footer_line.size >= NOTE_FLOOR
    assert Style().note.size == 8.0  # at 11 pt the notes are larger than the floor


def test_notes_print_at_7_5_pt_in_both_formats_when_the_body_is_9_pt(tmp_path: Path) -> None:
    style = Style(body_size=9.0)
    document = regions()
    sizes: dict[str, float] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            sizes.setdefault(text.strip(), size * tm[3] * cm[3])

    page = PdfReader(io.BytesIO(render_pdf_bytes(document, style))).pages[0]
    page.extract_text(visitor_text=visit)
    assert sizes["1. EPA survey, 2023."] == pytest.approx(7.5)
    word = docx.Document(io.BytesIO(render_docx(document, style)))
    assert word.styles["Source Note"].font.size.pt == 7.5
    assert word.styles["Normal"].font.size.pt == 9.0


def test_links_are_clickable_in_both(files: tuple[Path, Path]) -> None:
    page = PdfReader(files[0]).pages[0]
    uris = {a.get_object()["/A"]["/URI"] for a in page["/Annots"]}
    assert {LINK, QR_URL, f"https://{WEBSITE}"} <= uris
    word = docx.Document(str(files[1]))
    targets: set[str] = set()
    for part in (word.part, word.sections[0].footer.part):
        links = part.element.iter(qn("w:hyperlink"))
        targets |= {part.rels[link.get(qn("r:id"))].target_ref for link in links}
    assert {LINK, QR_URL, f"https://{WEBSITE}"} <= targets


def test_a_note_number_stays_apart_from_a_number_before_it(files: tuple[Path, Path]) -> None:
    """ "FY 2023" then note 3 reads "2023 3", never "20233", in extracted text."""
    extracted = subprocess.run(
        ["pdftotext", str(files[0]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "FY 2023 3" in " ".join(extracted.split())
    assert "20233" not in extracted
    assert in_pdf_text("FY 2023 3", pdf_text(files[0]))
    assert "FY 2023\u00a03" in "\n".join(p.text for p in docx_paragraphs(files[1]))
    # After a letter, the number follows at once, as before.
    assert "rise in seizures3" in "\n".join(p.text for p in docx_paragraphs(files[1]))


def test_both_formats_are_dated_the_briefs_date(files: tuple[Path, Path]) -> None:
    reader = PdfReader(files[0])
    assert reader.metadata is not None
    assert reader.metadata["/CreationDate"].startswith("D:20261103000000")
    assert reader.metadata["/ModDate"].startswith("D:20261103000000")
    root = reader.trailer["/Root"]
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert root["/Lang"] == "en-US"
    props = docx.Document(str(files[1])).core_properties
    when = dt.datetime(2026, 11, 3, tzinfo=dt.UTC)
    assert props.created == props.modified == when
    assert props.title == "Clean water"


# --- what the fitter measures ----------------------------------------------------


def bare(document: Document) -> Document:
    """The document without masthead, notes and footer."""
    blocks = tuple(b for b in document.blocks if not isinstance(b, Notes))
    return replace(document, masthead=None, footer=Footer(), blocks=blocks)


def test_measure_counts_the_masthead_and_the_footer() -> None:
    style = Style()
    document = regions()
    body = measure(bare(document), style)
    with_masthead = measure(replace(bare(document), masthead=document.masthead), style)
    assert with_masthead == pytest.approx(body + style.masthead_height + style.region_gap)
    full = measure(document, style)
    # The footer: the gap above it, the rule, then one row as tall as its taller
    # cell: here the QR code and the three lines under it (web address, QR address,
    # date), taller than the notes and contact line beside them; the last line.
    footer = full - with_masthead
    assert document.footer is not None
    side = qr_size(document.footer.qr_url, style) + 3 * style.footer_line.leading
    notes = style.notes_heading.leading + 1.0 + 3 * style.note.leading + 3 * 1.0
    notes += style.footer_contact.space_before + style.footer_contact.leading
    assert notes < side
    rule = style.footer_rule + style.footer_rule_space
    assert footer == pytest.approx(style.region_gap + rule + side + style.footer_tail)


def test_without_qr_code_or_contact_the_notes_run_the_frames_width(tmp_path: Path) -> None:
    style = Style()
    document = replace(regions(), footer=Footer())
    notes = style.notes_heading.leading + 1.0 + 3 * style.note.leading + 2 * 1.0
    rule = style.footer_rule + style.footer_rule_space
    without_notes = replace(document, blocks=bare(document).blocks)
    footer = measure(document, style) - measure(without_notes, style)
    assert footer == pytest.approx(style.region_gap + rule + notes)
    word = docx.Document(io.BytesIO(render_docx(document, style)))
    part = word.sections[0].footer
    assert not part.tables
    assert [p.text for p in part.paragraphs][:2] == ["", "Sources"]


# --- "at least" line spacing -------------------------------------------------------


def line_height(file: Path) -> float:
    """A font's own line height in ems (ascent, descent and line gap): the least a
    word processor makes a line whose spacing is "at least" some value."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(file))
    hhea, units = font["hhea"], font["head"].unitsPerEm
    return float(hhea.ascent - hhea.descent + hhea.lineGap) / units


@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize("body_size", [11.0, 9.0])
def test_every_leading_clears_the_fonts_own_line_height(family: str, body_size: float) -> None:
    """The DOCX sets lines "at least" the leading; were a leading below the font's own
    line height (Carlito's is 1.22 em), Word and LibreOffice would set those lines
    taller than the PDF does."""
    fonts = FAMILIES[family]
    tallest = max(line_height(font_dir() / file) for file in fonts.files.values())
    style = Style(body_size=body_size, theme=replace(DEFAULT_THEME, font=fonts))
    for name, text in text_styles(style).items():
        assert text.leading >= text.size * tallest, (name, text)


def test_a_brief_with_every_region_is_reproducible() -> None:
    """Pictures, links and the footer part keep both files byte for byte the same."""
    document, style = regions(), Style()
    assert render_docx(document, style) == render_docx(regions(), style)
    assert render_pdf_bytes(document, style) == render_pdf_bytes(regions(), style)


def tinted_runs(pdf: Path, x: float, dpi: int = 144) -> list[tuple[float, float]]:
    """The tops and bottoms (points from the page's top) of the runs of tinted pixels
    down the page at ``x`` points from its left."""
    prefix = pdf.with_name(f"{pdf.stem}-tints")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", pdf, prefix], check=True)
    page = PILImage.open(prefix.with_suffix(".png")).convert("RGB")
    column = [page.getpixel((round(x * dpi / 72), y)) for y in range(page.height)]
    runs: list[tuple[float, float]] = []
    for y, pixel in enumerate(column):
        tinted = pixel == DEFAULT_THEME.tint
        if tinted and (not runs or runs[-1][1] != y - 1):
            runs.append((y, y))
        elif tinted:
            runs[-1] = (runs[-1][0], y)
    return [(top * 72 / dpi, (bottom + 1) * 72 / dpi) for top, bottom in runs if bottom > top]


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler-utils' pdftoppm")
def test_tinted_regions_one_above_another_are_a_gap_apart(files: tuple[Path, Path]) -> None:
    """A box above cards above a sidebar stood a paragraph's space (5.5 pt) apart: the
    tints ran together, printed in grey most of all. Between two tinted regions the
    PDF leaves Style.tinted_gap, and the DOCX the same in the spacer after each table."""
    style = Style()
    # Down the page through the box, the middle card and the sidebar's left part.
    box, card, sidebar = tinted_runs(files[0], style.page_width - style.margin - 60)[:3]
    for upper, lower in ((box, card), (card, sidebar)):
        assert lower[0] - upper[1] == pytest.approx(style.tinted_gap, abs=0.6), (upper, lower)
    word = docx.Document(str(files[1]))
    after = [table._tbl.getnext() for table in tables(word)[1:4]]  # box, cards, columns
    heights = [p.find(qn("w:pPr")).find(qn("w:spacing")).get(qn("w:line")) for p in after]
    # The columns are followed by a QR code, not a tinted region: a paragraph's space.
    assert heights == ["180", "180", "110"]


def _left_edge(pdf: bytes, text: str) -> float:
    """How far from the page's left edge the PDF draws the first character of ``text``."""
    page = pdfium.PdfDocument(pdf)[0]
    textpage = page.get_textpage()
    found = textpage.search(text).get_next()
    assert found, text
    return float(textpage.get_charbox(found[0])[0])


def test_a_quote_in_the_sidebar_keeps_no_insets_in_both_formats() -> None:
    """A pull quote's insets (1.5 em each side) set apart from the body text around
    it; in the sidebar, whose tint sets it apart already, they left lines of about 25
    characters. There it is set flush, as the sidebar's other text, in both formats."""
    here = Location("t.md.j2", 1)
    quote = Quote(
        here,
        (Span("We should be less interested in attacking each other."),),
        (Span("Chad E. Kasmar, Chief of Police"),),
    )
    main = (Paragraph(here, (Span("Main text beside the sidebar. " * 6),)),)
    aside = (Paragraph(here, (Span("Sidebar text."),)), quote)
    inset = Quote(here, (Span("Words quoted in the main column."),))
    document = Document(
        name="sidebar",
        blocks=(Columns(here, main=(*main, inset), aside=aside),),
        metadata=Metadata(title="Sidebar"),
        source=here,
    )
    style = Style()
    pdf = render_pdf_bytes(document, style)
    # In the sidebar, flush with its other text; in the main column, inset.
    # (Within a point: the boxes are the glyphs' ink, whose side bearings differ.)
    assert abs(_left_edge(pdf, "We should") - _left_edge(pdf, "Sidebar text")) < 1.0
    assert abs(_left_edge(pdf, "\u2014 Chad") - _left_edge(pdf, "Sidebar text")) < 0.5
    main_inset = _left_edge(pdf, "Words quoted") - _left_edge(pdf, "Main text")
    assert abs(main_inset - style.body_size * 1.5) < 0.5
    word = docx.Document(io.BytesIO(render_docx(document, style)))
    aside_cell = tables(word)[-1].rows[0].cells[2]
    said, by = aside_cell.paragraphs[1:3]
    assert (said.style.name, by.style.name) == ("Sidebar Quote", "Sidebar Attribution")
    inset = Pt(style.body_size * 1.5)
    quoted = word.styles["Quote"].paragraph_format
    assert not said.style.paragraph_format.left_indent and not by.style.paragraph_format.left_indent
    assert quoted.left_indent == inset
    # The right: the column's edge (a style spans its column), less the room its
    # italic type takes (docx_blocks).
    room = italic_room(style.aside_quote.size, style.theme.font)
    right = said.style.paragraph_format.right_indent
    assert abs(right - Pt(-room)) < Pt(0.1), (right, room)
    # A size larger than the body: a pull quote.
    assert said.style.font.size == Pt(style.aside_quote.size) > Pt(style.body_size)


def test_the_sidebar_under_a_row_of_cards_keeps_the_third_cards_edges(
    files: tuple[Path, Path],
) -> None:
    """The sidebar was a third of the frame less a gutter, 6 pt wider than a card of
    three: under the legislators' cards its tint and text jutted out past the third
    card's. It is as wide as that card now, and the main column as the two before it
    with their gutter, in both formats."""
    pdf = files[0].read_bytes()
    # The third card's figure and the sidebar's first line, each at its padding (their
    # first glyphs' side bearings differ by 0.6 pt; the sidebar stood 6 pt further out).
    assert abs(_left_edge(pdf, "480%") - _left_edge(pdf, "Local numbers")) < 1.0
    word = docx.Document(str(files[1]))
    _, _, cards, columns, _ = tables(word)
    widths = [
        [int(c.get(qn("w:w"))) for c in table._tbl.iter(qn("w:gridCol"))]
        for table in (cards, columns)
    ]
    (first, gutter, second, _, third), (main, _, aside) = widths
    assert abs(aside - third) <= 1, widths
    assert abs(main - (first + gutter + second)) <= 1, widths
