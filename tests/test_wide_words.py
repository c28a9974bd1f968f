"""A word wider than its line, as a long web address printed bare: both formats break
it at the same places (briefgen.renderers.breaks), so the DOCX that LibreOffice lays
out has the PDF's lines and the PDF's one page.

Before, reportlab broke such a word wherever its line was full, from wherever it
began, while LibreOffice moved it to a line of its own and broke it after its own
marks: a brief of such addresses filled to 92% was one page in the PDF and two in
LibreOffice (19 of 801 briefs of a stress test)."""

from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from office import convert_all, requires_libreoffice
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from tagged import text_by_mcid

from briefgen.errors import LayoutError
from briefgen.model import Cite, Inlines, LineBreak, Span
from briefgen.pipeline import BuildOptions, build
from briefgen.renderers.breaks import line_width, wide_words_broken
from briefgen.renderers.pdf import FALLBACK_BOLD, FALLBACK_FONT, markup, register_fonts
from briefgen.style import Style, TextStyle
from briefgen.theme import FontFamily

REPO = Path(__file__).resolve().parents[1]

# Addresses as people paste them (fictional sites), each wider than the main column
# and the sidebar at every size the fitter tries.
ADDRESSES = (
    "https://data.example.gov/api/v2/seizures?region=southwest&fy=2023&format=csv",
    "https://www.example.org/reports/2023/fentanyl-at-the-southern-border/appendix-b/"
    "full-methodology.html",
    "https://archive.example.net/records/border-communities/interdiction/tucson/"
    "2023-12-21/transcript.pdf",
    "https://www.example.com/search?query=fentanyl+border+seizures&page=2&sort=date"
    "&order=descending",
)


def template(paragraphs: int) -> str:
    """A reading list: ``paragraphs`` paragraphs, each with one address printed bare
    and one as a link's text, then a sidebar of addresses."""
    body = "\n\n".join(
        f"Staff preparing for the hearing should read the data behind the figures at "
        f"{ADDRESSES[i % 4]} and compare them with the methodology published at "
        f"<{ADDRESSES[(i + 1) % 4]}> before the committee meets."
        for i in range(paragraphs)
    )
    aside = "\n".join(f"- Download: {address}" for address in ADDRESSES[:2])
    return (
        "# Where the Figures Come From\n\n"
        'Fentanyl is the crisis. {{ fact("seizures-up-480-percent").text }} '
        '{{ cite("seizures-up-480-percent") }}\n\n'
        f"::: aside\n## Downloads\n\n{aside}\n:::\n\n{body}\n"
    )


# Characters Liberation Sans lacks, drawn in the fallback font (DejaVu Sans), in bold:
# in its bold face in both formats, which is wider than its regular one.
SYMBOLS = "\u2200\u2203\u2205\u2260\u2264\u2265\u2282\u2283\u2208\u2209"
GEORGIAN = "\u10e1\u10d0\u10e5\u10d0\u10e0\u10d7\u10d5\u10d4\u10da\u10dd"


def symbols_template(paragraphs: int) -> str:
    """A bold word of symbols wider than four lines, bold Georgian words, then
    ``paragraphs`` paragraphs of plain words."""
    body = "\n\n".join(
        "Staff preparing for the hearing should read the data behind the figures and "
        "compare them with the methodology published before the committee meets."
        for _ in range(paragraphs)
    )
    georgian = " ".join([GEORGIAN] * 40)
    return (
        "# Symbols in Bold\n\n"
        'Fentanyl is the crisis. {{ fact("seizures-up-480-percent").text }} '
        '{{ cite("seizures-up-480-percent") }}\n\n'
        f"**Symbols: {SYMBOLS * 40}**\n\n**{georgian}**\n\n{body}\n"
    )


def build_brief(
    tmp_path: Path, paragraphs: int, page_size: str, kind: str = "reading"
) -> tuple[float, Path]:
    """Build the reading list (or ``kind`` "symbols") in both formats; its fill and
    the DOCX's path."""
    text = template(paragraphs) if kind == "reading" else symbols_template(paragraphs)
    return build_template(tmp_path / f"{kind}{paragraphs}{page_size}", text, page_size)


def build_template(folder: Path, text: str, page_size: str = "letter") -> tuple[float, Path]:
    """Build ``text`` as the audience 'reading' in both formats, in ``folder`` (its
    templates/ and out/), with the repository's facts; its fill and the DOCX's path."""
    templates = folder / "templates"
    templates.mkdir(parents=True)
    (templates / "reading.md.j2").write_text(text, encoding="utf-8")
    result = build(
        BuildOptions(
            workspace=folder,
            facts=REPO / "facts",
            template_dirs=(templates,),
            out=folder / "out",
            audiences=("reading",),
            formats=("pdf", "docx"),
            page_size=page_size,  # type: ignore[arg-type]
        )
    )
    return result.briefs[0].fit.fill, folder / "out" / "reading.docx"


def words(pdf: Path) -> Counter[str]:
    """The runs of four or more letters on the page: a word or a piece of an address
    between its marks and its line breaks. The same runs in two layouts: the same
    breaks inside the addresses."""
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    return Counter(re.findall(r"[A-Za-z]{4,}", text))


# Each near the edge of the page (the PDF filled to 89-95%), and each two pages in
# LibreOffice before the two formats broke the addresses alike (reading), or drew the
# fallback font's bold alike (symbols).
PAGES = [
    ("reading", "letter", 7),
    ("reading", "a4", 7),
    ("reading", "a4", 8),
    ("symbols", "letter", 10),
    ("symbols", "a4", 8),
]


@pytest.fixture(scope="module")
def laid_out(
    tmp_path_factory: pytest.TempPathFactory, libreoffice: str
) -> dict[str, tuple[Path, Path]]:
    """Each brief of :data:`PAGES` built, its DOCX laid out by LibreOffice in one
    run: ``reading-letter-7`` -> (the PDF briefgen wrote, LibreOffice's)."""
    workdir = tmp_path_factory.mktemp("wide")
    names, copies, ours = [], [], []
    for kind, page_size, paragraphs in PAGES:
        fill, source = build_brief(workdir, paragraphs, page_size, kind)
        assert fill > 0.88  # near the edge, or the page count proves little
        names.append(f"{kind}-{page_size}-{paragraphs}")
        copies.append(workdir / f"{names[-1]}.docx")
        copies[-1].write_bytes(source.read_bytes())
        ours.append(source.with_suffix(".pdf"))
    theirs = convert_all(copies, workdir / "office")
    return dict(zip(names, zip(ours, theirs, strict=True), strict=True))


@requires_libreoffice
@pytest.mark.parametrize(("kind", "page_size", "paragraphs"), PAGES)
def test_libreoffice_breaks_long_words_where_the_pdf_does(
    laid_out: dict[str, tuple[Path, Path]], kind: str, page_size: str, paragraphs: int
) -> None:
    ours, theirs = laid_out[f"{kind}-{page_size}-{paragraphs}"]
    assert len(PdfReader(ours).pages) == len(PdfReader(theirs).pages) == 1
    assert words(ours) == words(theirs)


# --- the breaks themselves ---------------------------------------------------------

COLUMN = 200.0  # points: about a sidebar's width


# The default style, made when a test first asks, not while the tests are collected.
@functools.cache
def style() -> Style:
    return Style()


def body() -> TextStyle:
    return style().body


def family() -> FontFamily:
    return style().theme.font


def limit() -> float:
    """What a piece may fill: the column, less half an em to spare."""
    return COLUMN - body().size / 2


URL = ADDRESSES[1]


def width_of(text: str) -> float:
    register_fonts((), family())
    return float(stringWidth(text, family().pdf_name, body().size))


def lines_of(inlines: Inlines) -> list[str]:
    """The text of each line a paragraph's hard breaks make."""
    lines = [""]
    for run in inlines:
        if isinstance(run, LineBreak):
            lines.append("")
        elif isinstance(run, Span):
            lines[-1] += run.text
        else:
            lines[-1] += run.label
    return lines


def test_a_paragraph_of_words_that_fit_is_left_as_it_is() -> None:
    inlines = (Span("Fentanyl seizures rose 480% "), Span("at the border", bold=True))
    assert wide_words_broken(inlines, body(), family(), COLUMN) is inlines


def test_a_bare_address_starts_a_line_and_breaks_after_its_marks_into_pieces_that_fit() -> None:
    inlines = (Span(f"Read the method at {URL} before the hearing."),)
    lines = lines_of(wide_words_broken(inlines, body(), family(), COLUMN))
    assert lines[0] == "Read the method at "
    pieces = [*lines[1:-1], lines[-1].removesuffix(" before the hearing.")]
    assert "".join(pieces) == URL
    assert len(pieces) > 1
    assert all(width_of(piece) <= limit() for piece in pieces)
    # After a mark of the address wherever one comes late enough in the line.
    assert all(piece[-1] in "/?&=#-_.@" for piece in pieces[:-1]), pieces
    assert pieces[0] == "https://www.example.org/reports/2023/"


def test_an_address_that_begins_the_paragraph_gets_no_empty_line_before_it() -> None:
    broken = wide_words_broken((Span(URL),), body(), family(), COLUMN)
    assert isinstance(broken[0], Span) and URL.startswith(broken[0].text)
    assert broken.count(LineBreak(within_word=True)) == len(broken) // 2


def test_a_word_without_marks_is_broken_where_its_line_is_full() -> None:
    word = "Donaudampfschifffahrtsgesellschaftskapitän" * 2
    lines = lines_of(wide_words_broken((Span(word),), body(), family(), COLUMN))
    assert "".join(lines) == word
    assert all(width_of(line) <= limit() for line in lines)
    # Full: the next letter would not have fitted.
    assert all(
        width_of(line + word[len("".join(lines[: i + 1]))]) > limit()
        for i, line in enumerate(lines[:-1])
    )


def test_words_joined_too_wide_for_their_line_part_at_their_join_not_inside_one() -> None:
    # A callout's label keeps its last two words together (parse): in a card, "per pill
    # in Supercalifragilistic Expialidociousville" was cut "Expialidociou" over "sville"
    # in both formats, though each word fits the card's line alone.
    first, second = "Supercalifragilistic", "Expialidociousville"
    column = max(width_of(first), width_of(second)) + body().size
    assert width_of(f"{first} {second}") > column
    inlines = (Span(f"per pill in {first}\u00a0{second}"),)
    broken = wide_words_broken(inlines, body(), family(), column)
    assert broken == (Span(f"per pill in {first} {second}"),)


def test_a_range_too_wide_for_its_line_breaks_after_its_dash_not_inside_a_number() -> None:
    # A card's figure "$1,000,000–$2,000,000" in a card too narrow for it was cut
    # where the line was full, "$1,000,000–$2," over "000,000": a number a reader
    # takes for another. A dash late enough in the line is where it breaks.
    for dash in "\u2013\u2014":
        figure = f"$1,000,000{dash}$2,000,000"
        column = width_of(figure) * 0.8 + body().size / 2  # "$1,000,000–$2,0" fits
        lines = lines_of(wide_words_broken((Span(figure),), body(), family(), column))
        assert lines == [f"$1,000,000{dash}", "$2,000,000"], lines
        # Early in the line too: its halves fit a line each, and were cut in the second.
        wide = f"$1{dash}$20,000,000,000"
        column = width_of("$20,000,000,000") + body().size  # the second half, and room
        lines = lines_of(wide_words_broken((Span(wide),), body(), family(), column))
        assert lines == [f"$1{dash}", "$20,000,000,000"], lines


def test_a_decimal_point_is_no_place_to_break_a_range() -> None:
    # A property test's range "-10,000,000,000,000,000–0.0000000596046447753906%":
    # the decimal point, an address mark later in the line than the dash, was taken
    # for the break, "…–0." over "0000000596…", and the figure refused as cut inside
    # its number. Between two digits only a dash is a place to break.
    figure = "-10,000,000,000,000,000\u20130.0000000596046447753906%"
    # Room for the second half, and for the first past the decimal point.
    column = max(width_of(figure[:27]), width_of(figure[24:])) + body().size
    lines = lines_of(wide_words_broken((Span(figure),), body(), family(), column))
    assert lines == ["-10,000,000,000,000,000\u2013", "0.0000000596046447753906%"], lines
    # An address's dot between digits likewise, when another mark will do.
    address = "https://example.org/reports/v10.25"
    column = width_of(address[:-2]) + body().size / 2
    lines = lines_of(wide_words_broken((Span(address),), body(), family(), column))
    assert lines == ["https://example.org/reports/", "v10.25"], lines


def test_a_linked_address_keeps_its_link_in_every_piece_and_is_one_link() -> None:
    inlines = (Span("See "), Span(URL, href=URL), Span("."))
    broken = wide_words_broken(inlines, body(), family(), COLUMN)
    spans = [run for run in broken if isinstance(run, Span) and run.href]
    assert "".join(span.text for span in spans) == URL
    assert {span.href for span in spans} == {URL}
    # One link in the PDF's markup, its line breaks inside it.
    text = markup(broken, body())
    assert text.count("<link ") == 1
    link = text[text.index("<link ") : text.index("</link>")]
    assert link.count("<br/>") == len(spans) - 1


def test_a_note_number_stays_with_the_end_of_its_address() -> None:
    inlines = (Span(f"The data: {ADDRESSES[0]}"), Cite(("x",), (12,)), Span(" shows it."))
    broken = wide_words_broken(inlines, body(), family(), COLUMN)
    at = next(i for i, run in enumerate(broken) if isinstance(run, Cite))
    assert not isinstance(broken[at - 1], LineBreak)
    assert not isinstance(broken[at + 1], LineBreak)
    last = lines_of(broken)[-2 if isinstance(broken[-1], LineBreak) else -1]
    assert width_of(last.removesuffix(" shows it.")) <= limit()


def test_a_no_break_space_joins_the_words_beside_it() -> None:
    # Too wide together, one of them too wide alone: the no-break space makes them one
    # word, cut as one.
    word = "Fentanyl\u00a0" + "Donaudampfschifffahrtsgesellschaftskapitän" * 2
    broken = wide_words_broken((Span(word),), body(), family(), COLUMN)
    assert LineBreak(within_word=True) in broken
    # Too wide together, each short: let go at their joins, none of them cut.
    words = "\u00a0".join(["Fentanyl"] * 12)
    broken = wide_words_broken((Span(words),), body(), family(), COLUMN)
    assert broken == (Span(" ".join(["Fentanyl"] * 12)),)


def test_a_paragraph_s_lines_run_between_its_indents_in_its_column() -> None:
    quote = style().quote
    assert line_width(style(), quote, None) == pytest.approx(
        style().frame_width - quote.indent_left - quote.indent_right
    )
    assert line_width(style(), body(), COLUMN) == pytest.approx(
        COLUMN - body().indent_left - body().indent_right
    )


def test_both_files_keep_a_broken_address_one_link_and_the_pdf_tags_it_one(
    tmp_path: Path,
) -> None:
    _, source = build_brief(tmp_path, 1, "letter")
    linked = ADDRESSES[1]  # the link's text in the one paragraph
    word = docx.Document(str(source))
    hyperlinks = word.element.body.findall(".//" + qn("w:hyperlink"))
    targets = {link.get(qn("r:id")): link for link in hyperlinks}
    ours = [link for rel_id, link in targets.items() if word.part.rels[rel_id].target_ref == linked]
    assert len(ours) == 1
    assert "".join(t.text for t in ours[0].iter(qn("w:t"))) == linked
    breaks = len(ours[0].findall(".//" + qn("w:br")))
    assert breaks >= 1
    # In the PDF: one annotation a line, all of one Link element.
    reader = PdfReader(source.with_suffix(".pdf"))
    annotations = [
        a.get_object()
        for a in reader.pages[0].get("/Annots", [])
        if a.get_object()["/A"]["/URI"] == linked
    ]
    assert len(annotations) == breaks + 1
    parents = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    owners = dict(zip(parents[::2], parents[1::2], strict=True))
    assert len({id(owners[a["/StructParent"]].get_object()) for a in annotations}) == 1
    # Its pieces' text reads as the one address: no space at a cut, as there is where
    # a line wraps between words.
    pdf = source.with_suffix(".pdf").read_bytes()
    # (pdfium reads a hyphen that ends a line as U+0002)
    text = "".join(text_by_mcid(pdf).values()).replace("\x02", "-")
    assert all(address in text for address in ADDRESSES[:2])
    assert "published at https://" in text and "Download: https://" in text


def test_a_word_that_fits_its_line_is_left_whole_however_near_full() -> None:
    word = "Antidisestablishmentarianism"
    inlines = (Span(f"The {word}"),)
    assert wide_words_broken(inlines, body(), family(), width_of(word) + 0.1) is inlines
    broken = wide_words_broken(inlines, body(), family(), width_of(word) - 0.1)
    assert lines_of(broken)[0] == "The "


def test_a_table_squeezed_to_its_longest_words_keeps_them_whole(tmp_path: Path) -> None:
    # Columns as narrow as their longest words and 2 pt (geometry.table_widths): less
    # than the half an em a broken word's pieces leave, but the words fit.
    filler = "the long meaning of a thing that runs on across the page for a while"
    rows = [
        f"| Interdepartmentalization | {filler} | Counterintelligence |",
        f"| Antidisestablishmentarianism | {filler} and more | Short |",
    ]
    table = "\n".join(["| Term | Meaning | Other |", "| :--- | :--- | :--- |", *rows])
    _, source = build_template(tmp_path, f"# Terms\n\n{table}\n")
    word = docx.Document(str(source))
    cells = [cell.text for row in word.tables[-1].rows for cell in row.cells]
    assert "Antidisestablishmentarianism" in cells
    assert "Counterintelligence" in cells
    assert not any("\n" in cell for cell in cells), cells
    text = PdfReader(source.with_suffix(".pdf")).pages[0].extract_text()
    assert "Antidisestablishmentarianism" in text and "Counterintelligence" in text


def test_a_word_of_soft_hyphenated_parts_that_fit_is_left_to_break_at_them() -> None:
    # Both formats break a line at a soft hyphen alike, and print a hyphen there.
    parts = ["Donau", "dampf", "schiff", "fahrts", "gesellschafts", "kapitän"] * 3
    inlines = (Span("\u00ad".join(parts)),)
    assert wide_words_broken(inlines, body(), family(), COLUMN) is inlines
    # A part too wide for the line alone is still broken.
    inlines = (Span("Donau\u00ad" + "dampf" * 20),)
    assert LineBreak(within_word=True) in wide_words_broken(inlines, body(), family(), COLUMN)


def test_bold_text_draws_the_fallback_font_in_its_bold() -> None:
    lacking = "\u2200\u2203\u2205"  # for all, there exists, empty set: not in Liberation
    bold = markup((Span(f"Symbols {lacking}", bold=True),), body())
    assert f'<font face="{FALLBACK_BOLD}">{lacking}</font>' in bold
    heading = markup((Span(lacking),), style().heading)  # a bold style
    assert f'<font face="{FALLBACK_BOLD}">{lacking}</font>' in heading
    plain = markup((Span(lacking),), body())
    assert f'<font face="{FALLBACK_FONT}">{lacking}</font>' in plain
    # A character the fallback's bold lacks is drawn in its regular face.
    sans_a = "\U0001d5a0"  # MATHEMATICAL SANS-SERIF CAPITAL A
    assert f'<font face="{FALLBACK_FONT}">{sans_a}</font>' in markup(
        (Span(sans_a, bold=True),), body()
    )


def test_no_glyph_of_a_bundled_font_is_wider_than_the_breaking_assumes() -> None:
    # A word its characters could not make wider than its line is not measured.
    from reportlab.pdfbase.ttfonts import TTFont

    from briefgen.fonts import FALLBACK_FILES, font_dir
    from briefgen.renderers.breaks import WIDEST_ASCII_EM, WIDEST_GLYPH_EM
    from briefgen.theme import FAMILIES

    widest = widest_ascii = 0.0
    files = [*(f for family in FAMILIES.values() for f in family.files.values())]
    for file in [*files, *FALLBACK_FILES.values()]:
        widths = TTFont(file, str(font_dir() / file)).face.charWidths
        widest = max(widest, max(widths.values()) / 1000)
        if file not in FALLBACK_FILES.values():  # ASCII is never drawn in the fallback
            ascii_widths = (widths.get(code, 0) for code in range(0x20, 0x7F))
            widest_ascii = max(widest_ascii, max(ascii_widths) / 1000)
    assert widest <= WIDEST_GLYPH_EM
    assert widest_ascii <= WIDEST_ASCII_EM
    assert WIDEST_GLYPH_EM - widest < 0.1 and WIDEST_ASCII_EM - widest_ascii < 0.1


CARDS = """\
# Card test

::: cards
{{{{ callout("seizures-up-480-percent", figure="{figure}", label="a test") }}}}
{{{{ callout("tucson-pill-price") }}}}
{{{{ callout("fentanyl-offenders-us-citizens") }}}}
:::

Text.
"""


def test_a_card_figure_too_wide_is_set_smaller_not_cut_inside_its_number(
    tmp_path: Path,
) -> None:
    """It printed "$1,000,000,000," over "000", which a reader takes for another
    number: now the type steps down until it fits whole, else the build stops at it."""
    figure = "$1,000,000,000,000"
    _, docx_path = build_template(tmp_path / "a", CARDS.format(figure=figure))
    text = " ".join(PdfReader(docx_path.with_suffix(".pdf")).pages[0].extract_text().split())
    assert figure in text
    too_long = "$1,000,000,000,000,000,000"
    with pytest.raises(LayoutError) as caught:
        build_template(tmp_path / "b", CARDS.format(figure=too_long))
    assert caught.value.format_message().endswith(
        f"reading.md.j2:4: the figure '{too_long}' is wider than its column and would break "
        'inside its number; write it shorter ("$1.2 trillion", "1 in 5")'
    )
