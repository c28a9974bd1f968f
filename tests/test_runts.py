"""A body paragraph's or list item's last line never holds one word alone (a runt:
"…stronger than / morphine."): the last two words are joined by a no-break space,
decided by the line measure both formats share, so the PDF and LibreOffice's layout
of the DOCX end the paragraph on the same two words."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest
from office import pdf_and_layout, requires_libreoffice
from page_regions import with_markdown
from readback import body_paragraphs
from reportlab.pdfbase.pdfmetrics import stringWidth

from briefgen.model import BulletList, Cite, LineBreak, Span
from briefgen.renderers.breaks import line_count, line_width, without_runt
from briefgen.renderers.geometry import list_indents
from briefgen.renderers.pdf import register_fonts
from briefgen.style import Style

# Filled word by word, "jobs." stands alone on the last line of a paragraph across
# the page and of a list item; with "and their trade" the last line holds three.
JOBS = (
    "Most fentanyl comes in through legal ports of entry, hidden in trucks and cars "
    "among the busy, lawful traffic that towns along the border depend on for their jobs."
)
JOINED = JOBS.replace("their jobs.", "their\u00a0jobs.")
TRADE = JOBS.replace("their jobs.", "their jobs and their trade.")


def test_a_runt_is_joined_to_the_word_before_it() -> None:
    style = Style()
    family = style.theme.font
    width = line_width(style, style.body, None)
    paragraph = (Span(JOBS),)
    joined = without_runt(paragraph, style.body, family, width)
    assert joined == (Span(JOINED),)
    # The line before gives up a word: as many lines as before.
    assert line_count(joined, style.body, family, width) == line_count(
        paragraph, style.body, family, width
    )
    # A note number stays with its word; the space before "jobs" is in the first span.
    cited = (Span(JOBS[:-6]), Span(" jobs.", bold=True), Cite(("a",), (1,)))
    assert without_runt(cited, style.body, family, width) == (
        Span(JOBS[:-6]),
        Span("\u00a0jobs.", bold=True),
        Cite(("a",), (1,)),
    )


@pytest.mark.parametrize(
    "inlines",
    [
        (Span(TRADE),),  # three words on the last line
        (Span("Fentanyl is a real danger."),),  # one line
        (Span(JOBS.replace("their jobs", "their  jobs")),),  # not one plain space
        (Span(JOBS[:-11]), Span("their jobs.", href="https://example.org")),  # a link's
        (Span(JOBS[:40]), LineBreak(), Span(JOBS[40:])),  # a line break of its own
        (Span(JOBS.replace("for their jobs.", "for them: " + "a" * 60 + " jobs.")),),
    ],
    ids=["three-words", "one-line", "two-spaces", "link", "line-break", "long-word-before"],
)
def test_a_paragraph_without_a_runt_is_left_as_it_is(inlines: tuple[Span, ...]) -> None:
    style = Style()
    width = line_width(style, style.body, None)
    assert without_runt(inlines, style.body, style.theme.font, width) is inlines


# In a column as wide as "interested in attacking each", filled word by word this
# ends "in coming up with solutions / that will protect / constituents.": joined,
# "that will" would stand alone between two full lines.
QUOTE = (
    "We should be less interested in attacking each other and more interested in "
    "coming up with solutions that will protect constituents."
)


def test_a_runt_stays_where_joining_it_would_leave_a_hole_in_the_rag() -> None:
    """The line before a runt, giving up its last word, would be left less than half
    full ("that will" in a sidebar's quote): the paragraph is left as it is, in both
    formats, which share this decision."""
    style = Style()
    family = style.theme.font
    register_fonts((), family)
    width = stringWidth("interested in attacking each", family.pdf_name, style.body.size) + 1
    paragraph = (Span(QUOTE),)
    assert without_runt(paragraph, style.body, family, width) is paragraph
    # A column a little wider leaves "solutions that will" over half full: joined.
    wider = stringWidth("solutions that will", family.pdf_name, style.body.size) * 1.9
    assert without_runt(paragraph, style.body, family, wider) == (
        Span(QUOTE.replace("protect constituents", "protect\u00a0constituents")),
    )


def pdf_lines(path: Path) -> list[str]:
    """The first page's lines as PDFium reads them, a no-break space read as a space."""
    page = pdfium.PdfDocument(path)[0]
    text = page.get_textpage().get_text_range()
    return [line.replace("\u00a0", " ").strip() for line in text.splitlines() if line.strip()]


@requires_libreoffice
def test_a_runt_is_joined_alike_in_both_formats(tmp_path: Path, libreoffice: str) -> None:
    """A paragraph and a list item whose last lines held "jobs." alone end on "their
    jobs." in the PDF and in LibreOffice's layout of the DOCX, whose runs hold the
    no-break space; a paragraph ending on three words is left as it is."""
    document = with_markdown(f"{JOBS}\n\n- {JOBS}\n- {TRADE}\n\n{TRADE}\n")
    style = Style()
    family = style.theme.font
    items = next(block for block in document.blocks if isinstance(block, BulletList))
    item_text = replace(style.list_item, indent_left=list_indents(items, style)[1])
    item_width = line_width(style, item_text, None)
    # Filled word by word, the item's last line too holds "jobs." alone.
    assert without_runt((Span(JOBS),), item_text, family, item_width) == (Span(JOINED),)
    pdf, laid_out = pdf_and_layout(document, style, tmp_path, "runts")
    for path in (pdf, laid_out):
        lines = pdf_lines(path)
        assert lines.count("their jobs.") == 2, (path.name, lines)
        assert lines.count("jobs and their trade.") == 2, (path.name, lines)
    assert pdf_lines(pdf) == pdf_lines(laid_out)
    texts = [p.text for p in body_paragraphs(docx.Document(str(tmp_path / "runts.docx")))]
    assert texts.count(JOINED) == 2
    assert texts.count(TRADE) == 2
