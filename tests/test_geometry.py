"""Geometry parity: LibreOffice lays the DOCX out with every region and heading where
the PDF puts it, within 2 pt.

Both files of the regions brief (tests/page_regions.py) are read back the same way:
the baseline and left edge of the first line of each region and heading (pypdf's
text positions), and the box of each raster picture (PDFium's page objects). The
DOCX is laid out by LibreOffice (tests/office.py) and compared with the PDF
briefgen writes itself.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from office import convert_all, libreoffice, pdf_and_layout, requires_libreoffice
from page_regions import (
    AUDIENCE,
    CONTACT,
    DATE,
    ORGANIZATION,
    QR_URL,
    UPDATED,
    WEBSITE,
    png,
    regions,
    with_markdown,
)
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from briefgen import renderers
from briefgen.model import Footer, Heading, Inlines, LineBreak, Span
from briefgen.renderers import contact_line, footer_lines, footer_text_width
from briefgen.renderers.breaks import balanced, broken_word, line_width
from briefgen.renderers.docx import render_docx
from briefgen.renderers.pdf import font_name, register_fonts, render_pdf_bytes
from briefgen.style import Style

__all__ = ["libreoffice"]  # the fixture, imported so the tests here can use it

TOLERANCE = 2.0  # points

# The first line of each region and heading, as its text begins.
LANDMARKS = (
    ORGANIZATION,  # masthead
    AUDIENCE,
    DATE,
    "Clean water for every school",  # title
    "Ask:",  # box
    "5,544",  # cards
    "$1–$2",
    "480%",
    "deaths in 2014",
    "per pill in Tucson",
    "Why it matters",  # main column
    "Schools in the district",
    "Synthetic-opioid deaths",  # chart title
    "Sources: CDC",  # chart caption
    "Local numbers",  # sidebar
    "Share trafficked by citizens",
    "Source: USSC",
    QR_URL,  # QR code's address
    "Sources",  # footer: notes
    "1. EPA survey",
    "3. DEA",
    CONTACT[0],
    WEBSITE,
    UPDATED,
)


def text_chunks(path: Path) -> list[tuple[str, float, float]]:
    """Each piece of text the first page shows, as pypdf reads it: (text, left,
    baseline from the page's top), in drawing order."""
    page = PdfReader(path).pages[0]
    height = float(page.mediabox.height)
    chunks: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            x = cm[4] + tm[4] * cm[0]
            y = cm[5] + tm[5] * cm[3]
            chunks.append((text.strip(), x, height - y))

    page.extract_text(visitor_text=visit)
    return chunks


def text_positions(
    path: Path, landmarks: tuple[str, ...] = LANDMARKS
) -> dict[str, tuple[float, float]]:
    """Each landmark's first line: (left, baseline from the page's top)."""
    chunks = text_chunks(path)
    found: dict[str, tuple[float, float]] = {}
    for landmark in landmarks:
        exact = [(x, y) for text, x, y in chunks if text == landmark]
        starts = [
            (x, y)
            for text, x, y in chunks
            if text.startswith(landmark) or (landmark.startswith(text) and len(text) > 3)
        ]
        if exact or starts:
            found[landmark] = (exact or starts)[0]
    return found


def boxes(path: Path, kind: int) -> list[tuple[float, float, float, float]]:
    """The box (left, top, width, height; from the page's top) of each object of
    pdfium's ``kind`` on the first page, top to bottom."""
    page = pdfium.PdfDocument(path)[0]
    height = page.get_height()
    found = []
    for obj in page.get_objects():
        if obj.type == kind:
            left, bottom, right, top = obj.get_bounds()
            found.append((left, height - top, right - left, top - bottom))
    return sorted(found, key=lambda b: (round(b[1]), b[0]))


def pictures(path: Path) -> list[tuple[float, float, float, float]]:
    """Each raster picture's box (left, top, width, height), top to bottom."""
    return boxes(path, pdfium_c.FPDF_PAGEOBJ_IMAGE)


def qr_codes(path: Path, least: float) -> list[tuple[float, float, float, float]]:
    """Each vector QR code's box (left, top, width, height), top to bottom: the white
    square of its quiet zone, the only square path at least ``least`` points wide."""
    return [
        box
        for box in boxes(path, pdfium_c.FPDF_PAGEOBJ_PATH)
        if box[2] >= least and abs(box[2] - box[3]) < 0.5
    ]


SIZES = [("letter", 11.0), ("a4", 9.5)]


@pytest.fixture(scope="module")
def layouts(tmp_path_factory: pytest.TempPathFactory, libreoffice: str) -> dict[str, Path]:
    """The regions brief's DOCX at each page and type size, laid out by LibreOffice
    in one run: page size -> the PDF it made."""
    workdir = tmp_path_factory.mktemp("geometry")
    docx = []
    for page_size, body_size in SIZES:
        style = Style(page_size=page_size, body_size=body_size)  # type: ignore[arg-type]
        docx.append(workdir / f"regions-{page_size}.docx")
        docx[-1].write_bytes(render_docx(regions(), style))
    pdfs = convert_all(docx, workdir)
    return {page_size: pdf for (page_size, _), pdf in zip(SIZES, pdfs, strict=True)}


@requires_libreoffice
@pytest.mark.parametrize(("page_size", "body_size"), SIZES, ids=["letter-11pt", "a4-9.5pt"])
def test_regions_and_headings_stand_where_the_pdf_puts_them(
    tmp_path: Path, layouts: dict[str, Path], page_size: str, body_size: float
) -> None:
    style = Style(page_size=page_size, body_size=body_size)  # type: ignore[arg-type]
    document = regions()
    pdf = tmp_path / "regions.pdf"
    pdf.write_bytes(render_pdf_bytes(document, style))
    laid_out = layouts[page_size]
    assert len(PdfReader(laid_out).pages) == 1

    ours, theirs = text_positions(pdf), text_positions(laid_out)
    assert set(ours) == set(LANDMARKS), set(LANDMARKS) - set(ours)
    assert set(theirs) == set(LANDMARKS), set(LANDMARKS) - set(theirs)
    off = {
        landmark: (round(theirs[landmark][0] - x, 2), round(theirs[landmark][1] - y, 2))
        for landmark, (x, y) in ours.items()
        if abs(theirs[landmark][0] - x) > TOLERANCE or abs(theirs[landmark][1] - y) > TOLERANCE
    }
    assert not off, f"LibreOffice's layout is off the PDF's by (dx, dy): {off}"

    # The logo and the picture are rasters in both.
    ours_boxes, theirs_boxes = pictures(pdf), pictures(laid_out)
    assert len(ours_boxes) == 2  # the logo, the picture
    for box in ours_boxes:
        twin = min(theirs_boxes, key=lambda b: abs(b[1] - box[1]) + abs(b[0] - box[0]))
        assert all(abs(a - b) <= TOLERANCE for a, b in zip(box, twin, strict=True)), (box, twin)

    # The footer's QR code: vectors in the PDF, the last raster in LibreOffice's
    # layout; the same box in both, at the frame's right edge, its top level with
    # the top of the notes beside it (their first line's cap height below it).
    ours_qr, theirs_qr = qr_codes(pdf, style.qr_size - 1)[-1], theirs_boxes[-1]
    assert all(abs(a - b) <= TOLERANCE for a, b in zip(ours_qr, theirs_qr, strict=True)), (
        ours_qr,
        theirs_qr,
    )
    right = style.page_width - style.margin
    assert ours_qr[0] + ours_qr[2] == pytest.approx(right, abs=0.01)
    for positions, qr in ((ours, ours_qr), (theirs, theirs_qr)):
        notes_left, notes_baseline = positions["Sources"]
        assert notes_left == pytest.approx(style.margin, abs=TOLERANCE)
        first_line = style.notes_heading
        assert notes_baseline - qr[1] == pytest.approx(first_line.size, abs=first_line.size / 2)
        # The address and the date line under the code, the notes beside it.
        assert positions[WEBSITE][1] > qr[1] + qr[3] > positions["3. DEA"][1]
        assert positions[UPDATED][1] > positions[WEBSITE][1]


# A shared document's address as people paste it: no space, wider than the footer's
# column. reportlab never broke it (a word after a tag's marker is not split), so it
# ran across the notes; LibreOffice broke it after its slashes.
LONG_ADDRESS = (
    "https://docs.google.com/document/d/1aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdEFGH/"
    "edit?usp=sharing"
)


@requires_libreoffice
def test_a_long_address_breaks_alike_in_both_formats_within_the_footer(
    tmp_path: Path, libreoffice: str
) -> None:
    style = Style()
    document = regions()
    assert document.footer is not None
    # The masthead, the title and the box: room for the footer's longer column.
    footer = replace(document.footer, qr_url=LONG_ADDRESS)
    document = replace(document, blocks=document.blocks[:2], footer=footer)
    runs = [run for line in footer_lines(footer, style) for run in line]
    pieces = tuple(r.text for r in runs if isinstance(r, Span) and r.href == LONG_ADDRESS)
    assert "".join(pieces) == LONG_ADDRESS
    assert pieces[0] == "https://docs.google.com/document/d/"  # after a slash
    pdf, laid_out = pdf_and_layout(document, style, tmp_path, "long")

    ours, theirs = text_positions(pdf, pieces), text_positions(laid_out, pieces)
    assert set(ours) == set(theirs) == set(pieces)
    right = style.page_width - style.margin
    column = right - style.frame_width / 3
    for piece in pieces:
        assert ours[piece] == pytest.approx(theirs[piece], abs=TOLERANCE), piece
        left = ours[piece][0]
        assert column <= left
        width = stringWidth(piece, style.theme.font.pdf_name, style.footer_line.size)
        assert left + width == pytest.approx(right, abs=TOLERANCE)  # set flush right


def fits_in(limit: int) -> Callable[[str], bool]:
    return lambda text: len(text) <= limit


@pytest.mark.parametrize(
    ("word", "limit", "pieces"),
    [
        ("example.org/abc", 20, ["example.org/abc"]),  # fits: whole
        ("https://ex.org/path/to/a/page", 20, ["https://ex.org/path/", "to/a/page"]),
        # After the last mark in the line, not the first.
        ("https://ex.org/path/to/a/page", 22, ["https://ex.org/path/", "to/a/page"]),
        # A mark exactly 60% into the line is late enough.
        ("abcde/ghijklmnop", 10, ["abcde/", "ghijklmnop"]),
        ("ex.org/page?id=7&lang=es", 20, ["ex.org/page?id=7&", "lang=es"]),
        # The only mark comes too early in the line: broken where the line is full.
        ("ab/cdefghijklmnopqrstuvwxyz", 10, ["ab/cdefghi", "jklmnopqrs", "tuvwxyz"]),
        ("abcdefghijklmnopqrstuvwxyz", 10, ["abcdefghij", "klmnopqrst", "uvwxyz"]),
        ("abc", 0, ["a", "b", "c"]),  # not even a letter fits: one a line, no loop
    ],
)
def test_a_word_wider_than_its_column_breaks_after_an_address_mark(
    word: str, limit: int, pieces: list[str]
) -> None:
    assert broken_word(word, fits_in(limit)) == pieces


def test_footer_lines_are_kept_by_the_footer_and_the_style() -> None:
    """A footer's lines are worked out once per footer and style (every copy of an
    audience has the same): another address, or a style whose column is narrower
    (a smaller page, a larger body size), gets lines of its own; and the lines
    handed out are a new list each time."""
    # An address that fits the column of letter at 9 pt, not of A4 at 11.5 pt.
    address = "https://example.org/abcdefghijabcdefghij/abcd"
    footer = Footer(website="example.org", qr_url=address)
    wide = footer_lines(footer, Style(body_size=9))
    assert wide[1] == (Span(address, href=address),)
    narrow = Style(page_size="a4", body_size=11.5)
    assert len(footer_lines(footer, narrow)[1]) == 3  # broken: a piece, a break, a piece
    assert footer_lines(footer, narrow) == _broken_afresh(footer, narrow)
    other = replace(footer, qr_url="https://example.org/other")
    assert footer_lines(other, Style(body_size=9))[1] == (
        Span("https://example.org/other", href="https://example.org/other"),
    )
    footer_lines(footer, Style(body_size=9)).clear()
    assert footer_lines(footer, Style(body_size=9)) == wide


def _broken_afresh(footer: Footer, style: Style) -> list[Inlines]:
    """:func:`footer_lines` of ``footer`` as it breaks with nothing kept."""
    renderers._footer_lines.cache_clear()
    return footer_lines(footer, style)


def test_footer_lines_link_the_addresses_and_break_only_a_long_word() -> None:
    style = Style()
    long_address = "https://example.org/reports/2026/fentanyl-border-sources"
    footer = Footer(
        contact=("Sgt. Ana Ruiz, Pima County  Border Unit", "ana@example.org"),
        website="example.org",
        qr_url=long_address,
        updated="Updated November 2026",
    )
    lines = footer_lines(footer, style)
    assert lines[0] == (Span("example.org", href="https://example.org"),)
    # The QR code's own address, broken to fit, each piece its link.
    assert [type(run) for run in lines[1]] == [Span, LineBreak, Span]
    first, _, second = lines[1]
    assert isinstance(first, Span) and isinstance(second, Span)
    assert (first.text, second.text) == (
        "https://example.org/reports/2026/fentanyl-",
        "border-sources",
    )
    assert first.href == second.href == long_address
    # Words that fit stay on their line as written, spaces and all, and link nowhere;
    # the contact is not among them: it goes under the notes, one line (DESIGN.md).
    assert lines[2:] == [(Span("Updated November 2026"),)]
    assert contact_line(footer) == (
        Span("Sgt. Ana Ruiz, Pima County  Border Unit\u00a0\u00b7 ana@example.org"),
    )
    # A short item keeps its words together (a phone number is never broken).
    phone = replace(footer, contact=("Ana Ruiz", "(520) 555-0100 ext. 12"))
    assert contact_line(phone) == (
        Span("Ana\u00a0Ruiz\u00a0\u00b7 (520)\u00a0555-0100\u00a0ext.\u00a012"),
    )
    assert contact_line(replace(footer, contact=())) == ()
    width = footer_text_width(lines, style)
    assert width == pytest.approx(
        stringWidth(first.text, style.theme.font.pdf_name, style.footer_line.size)
    )
    assert width <= style.footer_text_limit
    # An address written with its scheme links as written; the same as the website,
    # the QR code's address is not printed twice.
    same = footer_lines(replace(footer, website="http://ex.org", qr_url="http://ex.org"), style)
    assert same[0] == (Span("http://ex.org", href="http://ex.org"),)
    assert len(same) == 2


def test_a_contact_item_of_at_most_32_characters_is_never_broken_in_the_pdf() -> None:
    """docs/settings.md: an item of at most 32 characters, such as a phone number, is
    not broken at its spaces, and the PDF never ends a line after a hyphen in it; a
    longer item (an office's name) is broken at its spaces as any text."""
    at_most = "Pima County Border Unit, Room 12"
    assert len(at_most) == 32
    longer = f"{at_most}B"
    assert contact_line(Footer(contact=(at_most, longer))) == (
        Span(at_most.replace(" ", "\u00a0") + "\u00a0\u00b7 " + longer),
    )
    document = regions()
    phone = "(520) 555-0100"
    started = 0
    # A name growing a character at a time moves the phone past the line's end: a
    # break at its space or its hyphen would show as a piece of it on a line.
    for length in range(88, 112):
        name = ("Sgt. Ana Ruiz of the Pima County Border Unit and " * 3)[:length].strip()
        signed = replace(document, footer=replace(document.footer, contact=(name, phone)))
        text = PdfReader(io.BytesIO(render_pdf_bytes(signed, Style()))).pages[0].extract_text()
        lines = [line.strip() for line in text.splitlines() if "555" in line or "(520" in line]
        assert len(lines) == 1 and phone in lines[0], (length, lines)
        started += lines[0] == phone
    assert started  # the phone did reach the line's end, and went down whole


def test_the_contact_lines_dot_never_starts_a_line() -> None:
    """An e-mail address that just filled its line was let go from the " · " after it,
    which then started the next line ("· (520) 555-0100"); the dot stays at the end
    of a line, the address cut at one of its marks when the two do not fit."""
    document = regions()
    started = 0
    for length in range(100, 136):  # around the width of the line
        email = "x" * (length - len("@leitf.org")) + "@leitf.org"
        contact = ("Deputy Director Maria Gutierrez", email, "(520) 555-0100")
        signed = replace(document, footer=replace(document.footer, contact=contact))
        text = PdfReader(io.BytesIO(render_pdf_bytes(signed, Style()))).pages[0].extract_text()
        lines = [line.strip() for line in text.splitlines() if "xxx" in line or "555" in line]
        assert not any(line.startswith("\u00b7") for line in lines), (length, lines)
        started += lines[-1].startswith("(520)")
    assert started  # the phone did go down to a line of its own


LONG_ORGANIZATION = (
    "Law Enforcement Immigration Task Force of the Southern Border States and Tribal "
    "Nations Coordinating Council for Public Safety, Prevention and Treatment of "
    "Substance Use"
)


def band_and_text(path: Path, words: tuple[str, ...]) -> tuple[float, float, list[float]]:
    """The masthead band's top and bottom (from the page's top), and the baseline of
    each of ``words``' first lines."""
    cells = [b for b in boxes(path, pdfium_c.FPDF_PAGEOBJ_PATH) if b[2] > 150 and b[3] > 40]
    _, top, _, height = cells[0]  # the topmost tall filled cell: the masthead's
    found = text_positions(path, words)
    return top, top + height, [found[word][1] for word in words]


@requires_libreoffice
def test_a_long_organization_name_grows_the_band_in_both_formats(
    tmp_path: Path, libreoffice: str
) -> None:
    """The band was a fixed 54 pt in the PDF: a four-line name ran out of it at the
    top and the bottom, while Word's and LibreOffice's "at least" row grew."""
    style = Style()
    document = regions()
    assert document.masthead is not None
    masthead = replace(document.masthead, organization=LONG_ORGANIZATION, logo=None)
    document = replace(document, blocks=document.blocks[:2], masthead=masthead)
    pdf, laid_out = pdf_and_layout(document, style, tmp_path, "long")
    lines = ("Law Enforcement", "Prevention", "Clean water for every school")
    ours, theirs = band_and_text(pdf, lines), band_and_text(laid_out, lines)
    top, bottom, (first, last, title) = ours
    size = style.masthead_organization.size
    # Four lines of the name: taller than the band's 54 pt.
    assert bottom - top >= 4 * style.masthead_organization.leading > style.masthead_height
    # The name's lines inside the band with its margin above and below (they touched
    # the edges): its capitals a margin below the top, its last baseline one above the
    # bottom.
    edge = (style.masthead_height - style.logo_height) / 2
    assert first - 0.7 * size - top >= edge - 1
    assert bottom - last >= edge
    assert bottom < title  # the title below it
    for a, b in zip((top, bottom, first, last, title), (*theirs[:2], *theirs[2]), strict=True):
        assert a == pytest.approx(b, abs=TOLERANCE)


TWO_LINE_NAME = "Riverbend County Department of Public Health and Environmental Services"


@requires_libreoffice
@pytest.mark.parametrize("lines", [2, 3])
def test_a_name_of_more_than_two_lines_makes_the_band_taller_in_both_formats(
    tmp_path: Path, libreoffice: str, lines: int
) -> None:
    """docs/settings.md: two lines of the name fit the 54 pt band; a third, with the
    margin kept above and below it, makes the band taller, in the PDF and the DOCX."""
    style = Style()
    document = regions()
    assert document.masthead is not None
    name = TWO_LINE_NAME + ", Division of Communicable Disease Prevention" * (lines - 2)
    masthead = replace(document.masthead, organization=name, logo=None)
    document = replace(document, blocks=document.blocks[:2], masthead=masthead)
    pdf, laid_out = pdf_and_layout(document, style, tmp_path, "name")
    text = PdfReader(pdf).pages[0].extract_text().split("\n")
    assert text.index(f" {AUDIENCE}") == lines, text
    for path in (pdf, laid_out):
        top, bottom, _ = band_and_text(path, ("Clean water for every school",))
        if lines == 2:
            assert bottom - top == pytest.approx(style.masthead_height, abs=TOLERANCE), path
        else:
            assert bottom - top > style.masthead_height + style.masthead_organization.leading / 2


@pytest.mark.parametrize(
    ("pixels", "width"),
    [((120, 120), 36.0), ((1600, 200), None)],  # None: a quarter of the frame
    ids=["square", "wide"],
)
def test_a_logo_is_36_pt_tall_and_at_most_a_quarter_of_the_frame_wide(
    tmp_path: Path, pixels: tuple[int, int], width: float | None
) -> None:
    """A wide logo set 36 pt tall took half the band and squeezed the organization's
    name into four lines; it is set smaller instead, in both formats."""
    style = Style()
    width = style.frame_width / 4 if width is None else width
    document = regions()
    assert document.masthead is not None
    logo = png(*pixels, (200, 30, 30))
    document = replace(document, blocks=(), masthead=replace(document.masthead, logo=logo))
    pdf = tmp_path / "logo.pdf"
    pdf.write_bytes(render_pdf_bytes(document, style))
    (box,) = pictures(pdf)
    height = width * pixels[1] / pixels[0]
    assert box[2:] == pytest.approx((width, height), abs=0.01)
    docx_path = tmp_path / "logo.docx"
    docx_path.write_bytes(render_docx(document, style))
    (shape,) = docx.Document(str(docx_path)).inline_shapes
    assert (shape.width.pt, shape.height.pt) == pytest.approx((width, height), abs=0.01)


RULES_MARKDOWN = """\
A first paragraph, long enough to wrap onto a second line of the main column of the
page, ends above a rule.

---

## After a rule

- a list item
- another, then a rule

***

::: box
In a box, before a rule.

---

After the rule in the box.
:::

Last words.
"""
RULED = ("A first paragraph", "After a rule", "a list item", "In a box", "After the rule", "Last")


def hairlines(path: Path) -> list[float]:
    """The top of each thin rule wider than 200 pt, top to bottom, once (LibreOffice
    draws a paragraph's border as two paths)."""
    tops: list[float] = []
    for _, top, width, height in boxes(path, pdfium_c.FPDF_PAGEOBJ_PATH):
        if width > 200 and height < 1.5 and not (tops and abs(top - tops[-1]) < 0.5):
            tops.append(top)
    return tops


@requires_libreoffice
def test_a_thematic_break_is_a_hairline_where_libreoffice_draws_it(
    tmp_path: Path, libreoffice: str
) -> None:
    """``---`` printed nothing; it is a hairline with the body's space below, in the
    main column and in a box, and the text after it stands where LibreOffice puts it."""
    pdf, laid_out = pdf_and_layout(with_markdown(RULES_MARKDOWN), Style(), tmp_path, "rules")

    ours, theirs = hairlines(pdf), hairlines(laid_out)
    assert len(ours) >= 3  # the three breaks (and the footer's rule, as pdfium reads it)
    assert len(theirs) == len(ours)
    assert all(abs(a - b) <= TOLERANCE for a, b in zip(ours, theirs, strict=True)), (ours, theirs)
    mine, office = text_positions(pdf, RULED), text_positions(laid_out, RULED)
    assert set(mine) == set(office) == set(RULED)
    off = {t: (office[t][1] - y) for t, (_, y) in mine.items() if abs(office[t][1] - y) > TOLERANCE}
    assert not off, off


SIDEBAR_QR = "https://www.example.org/county/board/fentanyl-2026/full-report?utm_source=brief"
MAIN_QR = "https://www.example.org/county/report"


def outermost(found: list[tuple[float, float, float, float]]) -> list[tuple[float, ...]]:
    """The boxes that lie inside no other box of ``found``."""

    def inside(box: tuple[float, ...], other: tuple[float, ...]) -> bool:
        return (
            other != box
            and other[0] <= box[0]
            and other[1] <= box[1]
            and other[0] + other[2] >= box[0] + box[2]
            and other[1] + other[3] >= box[1] + box[3]
        )

    return [box for box in found if not any(inside(box, other) for other in found)]


@requires_libreoffice
def test_a_qr_codes_address_goes_below_it_in_the_sidebar_alike_in_both_formats(
    tmp_path: Path, libreoffice: str
) -> None:
    """Beside a code in the sidebar the address had about 60 points and was cut into
    ten pieces a few letters long; it goes below the code there, across the column,
    and stays beside it in the main column, where LibreOffice puts it too."""
    markdown = (
        f"::: aside\n## Read more\n\n```briefgen-qr\n{SIDEBAR_QR}\n```\n\nAfter.\n:::\n\n"
        f"Main text.\n\n```briefgen-qr\n{MAIN_QR}\n```\n\nMore.\n"
    )
    pdf, laid_out = pdf_and_layout(with_markdown(markdown), Style(), tmp_path, "qr")
    # briefgen draws a code as vectors (its quiet zone the outermost white square);
    # LibreOffice lays out the DOCX's picture of it.
    drawn = outermost(qr_codes(pdf, 50))
    pictured = [box for box in pictures(laid_out) if box[2] >= 50 and abs(box[2] - box[3]) < 1]
    places = []
    for path, codes in ((pdf, drawn), (laid_out, pictured)):
        body_codes = sorted(codes, key=lambda box: box[1])[:2]  # not the footer's
        main, side = sorted(body_codes, key=lambda box: box[0])
        found = text_positions(path, (SIDEBAR_QR[:32], MAIN_QR))
        (side_x, side_y), (main_x, main_y) = found[SIDEBAR_QR[:32]], found[MAIN_QR]
        assert side_y > side[1] + side[3]  # below the sidebar's code
        assert side_x == pytest.approx(side[0], abs=2)  # at the column's left, as the code
        assert main_x > main[0] + main[2]  # beside the main column's code
        assert main[1] < main_y < main[1] + main[3]
        places.append((side_x, side_y, main_x, main_y))
    for ours, theirs in zip(*places, strict=True):
        assert ours == pytest.approx(theirs, abs=TOLERANCE)


# Greedy filling left each of these one short word on its last line (a design review:
# "Lessons from a / Border Chief", "sentenced for fentanyl / trafficking").
BALANCED_TITLE = "Fentanyl at the Border: What Every Police Chief Should Know About the Supply"
BALANCED_HEADING = (
    "What every chief and sheriff along the southern border should know about the fentanyl supply"
)


def test_balanced_headings_break_alike_in_both_formats(tmp_path: Path, libreoffice: str) -> None:
    """A title or heading of two to four lines has lines about as long as each other,
    not a long one and a word: the same breaks in the PDF and in LibreOffice's layout
    of the DOCX, and as many lines as filling each line would give."""
    style = Style()
    family = style.theme.font
    title_width = line_width(style, style.title, None)
    heading_width = line_width(style, style.heading, None)
    for text, kind, width in (
        (BALANCED_TITLE, style.title, title_width),
        (BALANCED_HEADING, style.heading, heading_width),
    ):
        broken = balanced((Span(text),), kind, family, width)
        lines = [item.text for item in broken if isinstance(item, Span)]
        assert len(lines) == 2 and " ".join(lines) == text
        register_fonts(["bold"], family)
        bold = font_name("bold", family)
        lengths = [stringWidth(line, bold, kind.size) for line in lines]
        assert max(lengths) - min(lengths) < 0.25 * width  # not a line and a word
        assert max(lengths) <= width - 0.5 * kind.size
    document = with_markdown(f"## {BALANCED_HEADING}\n\nA paragraph under it.\n")
    title = Heading(document.blocks[0].location, 1, (Span(BALANCED_TITLE),))
    document = replace(document, blocks=(title, *document.blocks[1:]))
    pdf, laid_out = pdf_and_layout(document, style, tmp_path, "balanced")
    starts = tuple(
        line
        for text in (BALANCED_TITLE, BALANCED_HEADING)
        for line in (
            item.text
            for item in balanced(
                (Span(text),),
                style.title if text == BALANCED_TITLE else style.heading,
                family,
                title_width if text == BALANCED_TITLE else heading_width,
            )
            if isinstance(item, Span)
        )
    )
    ours, theirs = text_positions(pdf, starts), text_positions(laid_out, starts)
    assert set(ours) == set(theirs) == set(starts)
    for line in starts:
        assert ours[line] == pytest.approx(theirs[line], abs=TOLERANCE), line
    # Left as they are: one line, a link, more than four lines.
    one = (Span("Why it matters"),)
    assert balanced(one, style.heading, family, heading_width) == one
    linked = (Span(BALANCED_TITLE, href="https://example.org"),)
    assert balanced(linked, style.title, family, title_width) == linked
