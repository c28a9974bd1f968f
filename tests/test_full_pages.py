"""The fitter's safety margin: no PDF is set fuller than 95% of its frame, and a DOCX
at the margin's edge is one page in LibreOffice, at full type size and shrunk.

What the margin protects is written down in docs/testing.md: LibreOffice lays even a
page the PDF fills to 99.8% on one page, so the margin is for word processors whose
line breaks may differ (Word), and the test that can fail here is that it is kept.
"""

from __future__ import annotations

import ctypes
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from office import convert_all, pdf_pages_and_fonts
from readback import pdf_fill
from reportlab.pdfbase.pdfmetrics import stringWidth

from briefgen.pipeline import BuildOptions, build
from briefgen.renderers.breaks import line_width
from briefgen.renderers.pdf import font_name, register_fonts
from briefgen.style import Style
from briefgen.theme import LIBERATION_SERIF

REPO = Path(__file__).resolve().parents[1]
FACTS = ["fentanyl-offenders-us-citizens", "seizures-up-480-percent", "tucson-pill-price"]


def template(paragraphs: int) -> str:
    """A brief with every kind of block, and ``paragraphs`` body paragraphs."""
    body = "\n\n".join(
        f'{{{{ fact("{FACTS[i % 3]}").text }}}} {{{{ cite("{FACTS[i % 3]}") }}}}'
        for i in range(paragraphs)
    )
    return (
        "# A Page Filled to the Margin\n\n"
        '{{ callout("seizures-up-480-percent") }}\n\n'
        "## Reasons\n\n"
        '- {{ fact("tucson-pill-price").text }} {{ cite("tucson-pill-price") }}\n'
        '- {{ fact("chicago-dc-pill-price").text }} {{ cite("chicago-dc-pill-price") }}\n\n'
        f"{body}\n\n"
        '{{ pullquote("kasmar-bipartisan") }}\n'
    )


def build_with(
    tmp_path: Path,
    paragraphs: int,
    page_size: str,
    fmt: str | None = "docx",
    make: Callable[[int], str] = template,
) -> tuple[float, float, Path]:
    """Build the brief ``make`` writes with ``paragraphs`` body paragraphs in ``fmt``
    (None: fit only)."""
    templates = tmp_path / f"t{make.__name__}{paragraphs}{page_size}"
    templates.mkdir(exist_ok=True)
    (templates / "full.md.j2").write_text(make(paragraphs), encoding="utf-8")
    out = tmp_path / f"out{make.__name__}{paragraphs}{page_size}"
    result = build(
        BuildOptions(
            workspace=tmp_path,
            facts=REPO / "facts",
            template_dirs=(templates,),
            out=out,
            audiences=("full",),
            formats=(fmt,) if fmt else (),
            page_size=page_size,  # type: ignore[arg-type]
        )
    )
    fit = result.briefs[0].fit
    return fit.fill, fit.style.body_size, out / f"full.{fmt}"


TEXT = (
    "border communities carry costs that federal programs rarely cover in full while "
    "sheriffs and police chiefs ask for steady funding shared data and help from partners "
    "along the line so that local budgets do not strain under overtime and air support "
    "in Tucson Nogales Arizona Texas @TucsonPD @CBP"
)
WORDS = tuple(TEXT.split())


def filled_line(
    width: float,
    font: str,
    size: float,
    before: str = "",
    after: str = "",
    spare: tuple[float, float] = (0.3, 0.7),
) -> str:
    """Words that, between ``before`` and ``after``, fill a line ``width`` wide in
    ``font`` to within ``spare`` points of its end."""

    def left(text: str) -> float:
        return width - stringWidth(f"{before}{text}{after}", font, size)

    for ending in ([""], WORDS):  # one word to end the line, else two
        for shift in range(len(WORDS)):
            words: list[str] = []
            for word in (*WORDS[shift:], *WORDS[:shift]):
                if left(" ".join([*words, word, "support", *ending[:1]])) < 0:
                    break
                words.append(word)
            for last in WORDS:
                for end in ending:
                    text = " ".join([*words, last, end]).rstrip()
                    if spare[0] <= left(text) <= spare[1]:
                        return text
    raise AssertionError(f"no words fill the line to within {spare} pt")


def italic_line(width: float, font: str, size: float, before: str = "", after: str = "") -> str:
    """A line the PDF fills to within 0.3 to 0.7 pt of its end: one that LibreOffice,
    keeping a point free after italic type, wrapped once more."""
    return filled_line(width, font, size, before, after)


def italic_template(paragraphs: int) -> str:
    """A brief of quotes and paragraphs whose lines end in italic type within a point
    of the line's end (one line each in the PDF), and ``paragraphs`` upright ones."""
    style = Style(page_size="letter")
    register_fonts(("italic",), style.theme.font)
    italic = font_name("italic", style.theme.font)
    quote = line_width(style, style.quote, None)
    body = line_width(style, style.body, None)
    blocks = ["# Lines That End in Italic Type"]
    for index in range(4):
        words = italic_line(quote, italic, style.quote.size, "“", "”")
        blocks.append(f"> “{words}”")
        upright = " ".join(WORDS[index : index + 3])
        width = body - stringWidth(f"{upright} ", font_name("regular"), style.body.size)
        blocks.append(f"{upright} *{italic_line(width, italic, style.body.size)}*")
    blocks += [" ".join(WORDS[:40]) + "." for _ in range(paragraphs)]
    return "\n\n".join(blocks) + "\n"


def joined_template(paragraphs: int) -> str:
    """A brief of quotes and emphasized paragraphs whose italic lines hold no-break
    spaces (a dash set between spaces keeps to the word before it by one) or a
    non-breaking hyphen and end within 1.4 to 2.1 pt of the line's end (one line each
    in the PDF: more than the room LibreOffice keeps after italic type alone), and
    ``paragraphs`` upright ones."""
    style = Style(page_size="letter")
    register_fonts(("italic",), style.theme.font)
    italic = font_name("italic", style.theme.font)
    quote = line_width(style, style.quote, None)
    body = line_width(style, style.body, None)
    blocks = ["# Dashes and Hyphens in Italic Type"]
    for index in range(4):
        head = f"“{WORDS[index]} — {WORDS[index + 1]} — "
        words = filled_line(quote, italic, style.quote.size, head, "”", spare=(1.4, 2.1))
        blocks.append(f"> {head}{words}”")
        # U+2011 measures as the hyphen it prints as.
        head = f"{WORDS[index + 2]} – cross-border "
        words = filled_line(body, italic, style.body.size, head, spare=(1.4, 2.1))
        blocks.append(f"*{head.replace('-', chr(0x2011))}{words}*")
    blocks += [" ".join(WORDS[:40]) + "." for _ in range(paragraphs)]
    return "\n\n".join(blocks) + "\n"


def mixed_template(paragraphs: int) -> str:
    """A brief in Liberation Serif on A4 of paragraphs of words set in turn in bold
    and upright type at random, each one line in the PDF that it fills to within
    0.45 pt of its end, and ``paragraphs`` plain ones."""
    style = Style(page_size="a4")
    register_fonts(("bold",), LIBERATION_SERIF)
    upright, bold = font_name("regular", LIBERATION_SERIF), font_name("bold", LIBERATION_SERIF)
    size, width = style.body.size, line_width(style, style.body, None)
    space = stringWidth(" ", upright, size)
    choose = random.Random(1)
    blocks = ["# Bold and Upright Words to the Line's End"]
    while len(blocks) < 25:
        words: list[str] = []
        used = -space
        while True:
            word, strong = choose.choice(WORDS), choose.random() < 0.4
            wide = space + stringWidth(word, bold if strong else upright, size)
            if used + wide > width:
                break
            words.append(f"**{word}**" if strong else word)
            used += wide
        if width - used < 0.45:
            blocks.append(" ".join(words).replace("** **", " "))
    blocks += [" ".join(WORDS[:40]) + "." for _ in range(paragraphs)]
    return "\n\n".join(blocks) + "\n"


ADDRESS = "https://www.example.org/reports/2024/fentanyl-border-communities/appendix-b/table-7.pdf"


def address_template(paragraphs: int) -> str:
    """A brief of paragraphs whose words fill their first line but for its last space,
    then an address too wide for any line (it starts the next), and ``paragraphs``
    lines of others."""
    style = Style(page_size="letter")
    register_fonts((), style.theme.font)
    regular = font_name("regular", style.theme.font)
    body = line_width(style, style.body, None)
    assert stringWidth(ADDRESS, regular, style.body.size) > body
    space = stringWidth(" ", regular, style.body.size)
    blocks = ["# Addresses Too Wide for Their Lines"]
    # Half leave the space most of its width, half less than a 1 pt space's (0.28 pt).
    for spare in [(0.3, space - 0.3), (0.02, 0.25)] * 4:
        words = filled_line(body, regular, style.body.size, spare=spare)
        blocks.append(f"{words} <{ADDRESS}>")
    blocks += [" ".join(WORDS[:10]) + "." for _ in range(paragraphs)]
    return "\n\n".join(blocks) + "\n"


# 0.95: the share of the frame the fitter may fill (briefgen.fitting.MAX_FILL), written
# here as a number so that a change to the constant is a change to this test too.
MARGIN_EDGE = 0.95


def test_fitter_keeps_its_margin(tmp_path: Path) -> None:
    """Briefs of 5 to 9 paragraphs on letter paper: without the margin the fitter
    sets them 86% to 99.96% full; with it, none is over 95%, measured from where the
    PDF's last line sits, and the fullest is close to that edge."""
    fills = {}
    for paragraphs in range(5, 10):
        _, _, pdf = build_with(tmp_path, paragraphs, "letter", fmt="pdf")
        fills[paragraphs] = pdf_fill(pdf)
    shown = {n: f"{f:.1%}" for n, f in fills.items()}
    assert max(fills.values()) <= MARGIN_EDGE + 0.002, shown
    # The fullest at 9.5 pt: the footer's notes, at their 7.5 pt floor, shrink less.
    assert max(fills.values()) > MARGIN_EDGE - 0.035, shown


@dataclass(frozen=True)
class Laid:
    """A brief's DOCX as the fitter set it and as LibreOffice laid it out."""

    fill: float
    body_size: float
    pages: int
    pdf: Path  # briefgen's PDF, beside the DOCX (the shrunk brief's only)
    layout: Path  # LibreOffice's PDF of the DOCX


def fullest_at_full_size(
    tmp_path: Path, page_size: str, make: Callable[[int], str] = template, least: int = 4
) -> tuple[float, float, Path] | None:
    """The most paragraphs that still fit at 11 pt: the fullest page the fitter allows."""
    fullest = None
    for paragraphs in range(least, 30):
        built = build_with(tmp_path, paragraphs, page_size, make=make)
        if built[1] < 11:
            break
        fullest = built
    return fullest


def first_shrunk(tmp_path: Path) -> tuple[float, float, Path]:
    """The fewest paragraphs for which the fitter sets the type at 9.5 pt or less; its
    PDF too, beside the DOCX."""
    for paragraphs in range(5, 40):
        built = build_with(tmp_path, paragraphs, "letter")
        if built[1] <= 9.5:
            break
    build_with(tmp_path, paragraphs, "letter", fmt="pdf")
    return built


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory: pytest.TempPathFactory, libreoffice: str) -> dict[str, Laid | None]:
    """The briefs at the margin's edge (letter, A4) and at shrunk type, laid out by
    LibreOffice in one run (a run costs seconds; each file a fraction of one)."""
    tmp_path = tmp_path_factory.mktemp("full-pages")
    serif = tmp_path_factory.mktemp("serif")
    (serif / "briefgen.toml").write_text('[theme]\nfont = "liberation-serif"\n', encoding="utf-8")
    briefs = {
        "letter": fullest_at_full_size(tmp_path, "letter"),
        "a4": fullest_at_full_size(tmp_path, "a4"),
        "shrunk": first_shrunk(tmp_path),
        "italic": fullest_at_full_size(tmp_path, "letter", italic_template, least=7),
        "address": fullest_at_full_size(tmp_path, "letter", address_template, least=0),
        "joined": fullest_at_full_size(tmp_path, "letter", joined_template, least=0),
        "mixed": fullest_at_full_size(serif, "a4", mixed_template, least=0),
    }
    docx: dict[str, Path] = {}
    for key, brief in briefs.items():
        if brief is not None:
            docx[key] = tmp_path / f"{key}.docx"
            shutil.copy(brief[2], docx[key])
    layouts = dict(zip(docx, convert_all(list(docx.values()), tmp_path / "lo"), strict=True))
    return {
        key: None
        if brief is None
        else Laid(
            brief[0],
            brief[1],
            pdf_pages_and_fonts(layouts[key])[0],
            brief[2].with_suffix(".pdf"),
            layouts[key],
        )
        for key, brief in briefs.items()
    }


@pytest.mark.requires_libreoffice
@pytest.mark.parametrize("page_size", ["letter", "a4"])
def test_fullest_docx_at_full_size_is_one_page(
    laid_out: dict[str, Laid | None], page_size: str
) -> None:
    fullest = laid_out[page_size]
    assert fullest is not None
    # One more paragraph (about 8% of the page) would not fit.
    assert fullest.fill > MARGIN_EDGE - 0.1, f"the fullest page is only {fullest.fill:.0%} full"
    assert fullest.pages == 1, (
        f"a DOCX whose PDF is {fullest.fill:.0%} full took {fullest.pages} pages"
    )


@pytest.mark.requires_libreoffice
def test_docx_with_shrunk_type_is_one_page(laid_out: dict[str, Laid | None]) -> None:
    shrunk = laid_out["shrunk"]
    assert shrunk is not None
    assert shrunk.body_size <= 9.5, "the fitter never shrank the type"
    assert shrunk.pages == 1, (
        f"a DOCX at {shrunk.body_size} pt, {shrunk.fill:.0%} full, took {shrunk.pages} pages"
    )


@pytest.mark.requires_libreoffice
def test_lines_ending_in_italic_type_are_the_pdfs_lines(laid_out: dict[str, Laid | None]) -> None:
    """LibreOffice keeps a twelfth of the type's height free after italic type at a
    line's end: the four quotes and four paragraphs that end in italic type within a
    point of the line's end, one line each in the PDF, took two lines each in the DOCX,
    and the fullest page with them ran on to a second page."""
    assert_one_full_page(laid_out, "italic")


@pytest.mark.requires_libreoffice
def test_italic_lines_with_no_break_characters_are_the_pdfs_lines(
    laid_out: dict[str, Laid | None],
) -> None:
    """LibreOffice keeps the room it keeps after italic type after each no-break space
    and non-breaking hyphen set in italic type too: the quotes with two spaced dashes
    and the emphasized lines with a dash and a non-breaking hyphen, one line each in
    the PDF, ending within 2.1 pt of the line's end, took two lines each in the DOCX,
    and the fullest page with them ran on to a second page."""
    assert_one_full_page(laid_out, "joined")


@pytest.mark.requires_libreoffice
def test_lines_of_bold_and_upright_words_are_the_pdfs_lines(
    laid_out: dict[str, Laid | None],
) -> None:
    """LibreOffice's glyph widths round in its own units, most where bold and upright
    type take turns: a line of the same words came out up to half a point wider than
    the PDF's. Of twenty-four lines of Liberation Serif the PDF filled to within
    0.45 pt, one line each in the PDF, a third took two lines in the DOCX, and the
    fullest page with them ran on to a second page."""
    assert_one_full_page(laid_out, "mixed")


@pytest.mark.requires_libreoffice
def test_a_line_before_an_address_too_wide_for_it_is_the_pdfs_line(
    laid_out: dict[str, Laid | None],
) -> None:
    """An address too wide for any line starts a line of its own, after a line break
    that stood after the space ending the line before: when that space overflowed the
    line (the words fit, with it they did not), LibreOffice moved the break to the next
    line and left an empty one, a line more for each such paragraph; the fullest page
    of eight ran on to a second page."""
    assert_one_full_page(laid_out, "address")


def assert_one_full_page(laid_out: dict[str, Laid | None], name: str) -> None:
    """The page ``name``, over 85% full in the PDF (near the fitter's edge, where a
    line more would show), is one page in LibreOffice's layout of its DOCX."""
    page = laid_out[name]
    assert page is not None
    assert page.fill > MARGIN_EDGE - 0.1, f"the page is only {page.fill:.0%} full"
    assert page.pages == 1, f"a DOCX whose PDF is {page.fill:.0%} full took {page.pages} pages"


def baseline(path: Path, text: str) -> float:
    """The baseline of the first character of ``text`` on the first page, from the
    page's top (PDFium's character origin)."""
    page = pdfium.PdfDocument(path)[0]
    found = page.get_textpage()
    index = found.get_text_range().index(text)
    x, y = ctypes.c_double(), ctypes.c_double()
    pdfium_c.FPDFText_GetCharOrigin(found.raw, index, ctypes.byref(x), ctypes.byref(y))
    return page.get_height() - y.value


@pytest.mark.requires_libreoffice
def test_lines_at_shrunk_type_keep_the_pdfs_leading(laid_out: dict[str, Laid | None]) -> None:
    """At 9.5 pt the lines were 11.875 pt apart in the PDF and 11.9 pt in the DOCX,
    which writes twentieths of a point: the quote at the page's foot, some forty lines
    down, stood 1.1 pt lower in LibreOffice than in the PDF. Every length is a whole
    twentieth now, in both; what is left is the 0.4 pt lower LibreOffice sets a
    baseline in its line (the same on every line)."""
    shrunk = laid_out["shrunk"]
    assert shrunk is not None and shrunk.body_size == 9.5
    words = "with solutions that will protect"  # the quote's last line, at the foot
    lower = baseline(shrunk.layout, words) - baseline(shrunk.pdf, words)
    assert 0.0 <= lower <= 0.7, f"the foot's line stands {lower:.2f} pt lower in LibreOffice"
