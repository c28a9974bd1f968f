"""Render a document to PDF with reportlab's platypus, and measure it for fitting.

Every measurement comes from :class:`~briefgen.style.Style`; the DOCX renderer
reads the same one, so the height measured here predicts the DOCX's.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from briefgen.errors import LayoutError
from briefgen.fonts import FALLBACK_FILES, FAMILY_FILES, font_dir
from briefgen.model import (
    AnyBlock,
    BulletList,
    Callout,
    Cite,
    Document,
    Heading,
    Inlines,
    LineBreak,
    Notes,
    Quote,
    Span,
    block_text,
    inline_groups,
)
from briefgen.model import (
    Paragraph as ParagraphBlock,
)
from briefgen.renderers.pdf_fonts import TaggedTTFont as TTFont
from briefgen.style import PDF_FONT, Style, TextStyle

FALLBACK_FONT = "DejaVuSans"


VARIANTS = ("regular", "bold", "italic", "bolditalic")


def _font_name(variant: str) -> str:
    return PDF_FONT if variant == "regular" else f"{PDF_FONT}-{variant}"


@cache
def _register_variant(variant: str) -> None:
    # Parsing a TrueType file is most of a cold build's layout time: only the
    # variants a brief uses are read.
    pdfmetrics.registerFont(TTFont(_font_name(variant), str(font_dir() / FAMILY_FILES[variant])))


def register_fonts(variants: Iterable[str] = VARIANTS) -> None:
    """Register the bundled font's ``variants`` with reportlab (each once per process)."""
    for variant in ("regular", *variants):
        _register_variant(variant)
    pdfmetrics.registerFontFamily(
        PDF_FONT,
        normal=_font_name("regular"),
        bold=_font_name("bold"),
        italic=_font_name("italic"),
        boldItalic=_font_name("bolditalic"),
    )


def variants_used(document: Document) -> set[str]:
    """Which variants of the font a document's text needs."""
    used = {"regular"}
    for block in document.blocks:
        block_bold = isinstance(block, Heading | Callout | Notes)
        block_italic = isinstance(block, Quote)
        if block_bold:
            used.add("bold")
        if block_italic:
            used.add("italic")
        for inlines in inline_groups(block):
            for run in inlines:
                if isinstance(run, Span) and (run.bold or run.italic):
                    bold, italic = run.bold or block_bold, run.italic or block_italic
                    used.add("bolditalic" if bold and italic else "bold" if bold else "italic")
    return used


@cache
def register_fallback_font() -> None:
    """Register the fallback font, only once a brief needs a character it has."""
    folder = font_dir()
    for style, file in FALLBACK_FILES.items():
        name = FALLBACK_FONT if style == "regular" else f"{FALLBACK_FONT}-{style}"
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(
        FALLBACK_FONT,
        normal=FALLBACK_FONT,
        bold=f"{FALLBACK_FONT}-bold",
        italic=FALLBACK_FONT,
        boldItalic=f"{FALLBACK_FONT}-bold",
    )


@cache
def _coverage(font_name: str) -> frozenset[int]:
    if font_name == FALLBACK_FONT:
        register_fallback_font()
    else:
        register_fonts(())
    font = pdfmetrics.getFont(font_name)
    return frozenset(font.face.charToGlyph)


def has_glyph(char: str, font_name: str = PDF_FONT) -> bool:
    """Whether ``font_name`` can draw ``char``."""
    if font_name == PDF_FONT and " " <= char <= "~":
        return True  # Liberation Sans covers printable ASCII; skip the coverage table
    return ord(char) in _coverage(font_name)


def _markup_text(text: str) -> str:
    """Escape text for reportlab's paragraph markup; switch font where a glyph lacks."""
    out: list[str] = []
    fallback = False
    for char in text:
        needs = not char.isspace() and not has_glyph(char) and has_glyph(char, FALLBACK_FONT)
        if needs != fallback:
            out.append(f'<font face="{FALLBACK_FONT}">' if needs else "</font>")
            fallback = needs
        out.append(escape(char))
    if fallback:
        out.append("</font>")
    return "".join(out)


def markup(inlines: Inlines, style: TextStyle) -> str:
    """Inline runs as reportlab paragraph markup."""
    parts: list[str] = []
    for run in inlines:
        if isinstance(run, Span):
            text = _markup_text(run.text)
            if run.bold:
                text = f"<b>{text}</b>"
            if run.italic:
                text = f"<i>{text}</i>"
            parts.append(text)
        elif isinstance(run, Cite):
            size = round(style.size * 0.65, 1)
            rise = round(style.size * 0.33, 1)
            parts.append(f'<super rise="{rise}" size="{size}">{run.label}</super>')
        elif isinstance(run, LineBreak):
            parts.append("<br/>")
    return "".join(parts)


def _paragraph_style(name: str, text: TextStyle, **extra: object) -> ParagraphStyle:
    base = PDF_FONT
    if text.bold and text.italic:
        base = f"{PDF_FONT}-bolditalic"
    elif text.bold:
        base = f"{PDF_FONT}-bold"
    elif text.italic:
        base = f"{PDF_FONT}-italic"
    return ParagraphStyle(
        name,
        fontName=base,
        fontSize=text.size,
        leading=text.leading,
        spaceBefore=text.space_before,
        spaceAfter=text.space_after,
        leftIndent=text.indent_left,
        rightIndent=text.indent_right,
        textColor=Color(*(c / 255 for c in text.color)),
        alignment=TA_LEFT,
        allowWidows=1,
        allowOrphans=1,
        splitLongWords=1,
        # Word and LibreOffice never squeeze spaces to fit a line; neither do we.
        spaceShrinkage=0,
        **extra,
    )


def flowables(document: Document, style: Style) -> list[Flowable]:
    """The platypus story for a document."""
    register_fonts(variants_used(document))
    story: list[Flowable] = []
    for block in document.blocks:
        story.extend(_block(block, style))
    return story


def _para(inlines: Inlines, text: TextStyle, name: str, **extra: object) -> Paragraph:
    return Paragraph(markup(inlines, text), _paragraph_style(name, text, **extra))


def _block(block: AnyBlock, style: Style) -> Iterable[Flowable]:
    if isinstance(block, Heading):
        text = style.title if block.level == 1 else style.heading
        yield _para(block.inlines, text, f"h{block.level}")
    elif isinstance(block, ParagraphBlock):
        yield _para(block.inlines, style.body, "body")
    elif isinstance(block, BulletList):
        for number, item in enumerate(block.items, start=1):
            text = style.list_item
            if number == len(block.items):
                # The list ends like a paragraph, as in the DOCX.
                text = replace(text, space_after=style.body.space_after)
            bullet = f"{number}." if block.ordered else "\u2022"
            yield Paragraph(
                markup(item, text),
                _paragraph_style(
                    "item", text, bulletIndent=0, bulletFontName=PDF_FONT, bulletFontSize=text.size
                ),
                bulletText=bullet,
            )
    elif isinstance(block, Callout):
        yield _para((Span(block.figure),), style.callout_figure, "figure")
        yield _para(block.label, style.callout_label, "label")
    elif isinstance(block, Quote):
        quote_style = style.quote
        if not block.attribution:
            quote_style = replace(quote_style, space_after=style.body.space_after)
        yield _para(block.inlines, quote_style, "quote")
        if block.attribution:
            yield _para((Span(f"\u2014 {block.attribution}"),), style.attribution, "attribution")
    elif isinstance(block, Notes):
        yield _para((Span(block.title),), style.notes_heading, "notes-heading")
        for note in block.entries:
            yield _para((Span(f"{note.number}. {note.text}"),), style.note, "note")


def measure(document: Document, style: Style) -> float:
    """The height (points) the document's blocks take in the page frame, stacked the
    way a platypus frame, Word and LibreOffice all do it: between two paragraphs the
    larger of the space after and the space before; none at the top or bottom."""
    used = 0.0
    last_after = 0.0
    for index, flowable in enumerate(flowables(document, style)):
        _, height = flowable.wrap(style.frame_width, style.frame_height * 10)
        if index:
            used += max(last_after, flowable.getSpaceBefore())
        used += height
        last_after = flowable.getSpaceAfter()
    return used


def least_height(document: Document, style: Style) -> float:
    """A quick lower bound of the height the document takes, without laying it out:
    all its text in the regular face at the smallest size the style sets (the notes'),
    every line filled to the frame's width, at that size's leading. Laying out a
    paragraph of hundreds of thousands of characters takes reportlab many seconds;
    this takes milliseconds and tells the fitter not to try."""
    register_fonts(["regular"])
    smallest = style.note
    width: float = sum(
        pdfmetrics.stringWidth(block_text(block, citations=False), PDF_FONT, smallest.size)
        for block in document.blocks
    )
    return width / style.frame_width * smallest.leading


def render_pdf(document: Document, style: Style) -> tuple[bytes, int]:
    """The PDF's bytes and its page count. Reproducible: reportlab's invariant mode,
    with dates from ``SOURCE_DATE_EPOCH`` when it is set."""
    buffer = io.BytesIO()
    meta = document.metadata
    # A frame exactly the page less its margins: platypus frames pad 6 pt inside by
    # default, which Word and LibreOffice do not.
    frame = Frame(
        style.margin,
        style.margin,
        style.frame_width,
        style.frame_height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="page",
    )
    doc = BaseDocTemplate(
        buffer,
        pagesize=(style.page_width, style.page_height),
        pageTemplates=[PageTemplate(id="brief", frames=[frame])],
        leftMargin=style.margin,
        rightMargin=style.margin,
        topMargin=style.margin,
        bottomMargin=style.margin,
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
        keywords=", ".join(meta.keywords),
        creator="briefgen",
        producer="briefgen (reportlab)",
        lang=meta.language,
        invariant=1,
        showBoundary=0,
        # The canvas starts in Helvetica unless told otherwise, which would put an
        # unembedded font in the file; start it in the brief's own font.
        initialFontName=PDF_FONT,
        initialFontSize=style.body_size,
    )
    doc.build(flowables(document, style))
    return buffer.getvalue(), doc.page


def render_pdf_bytes(document: Document, style: Style) -> bytes:
    """The PDF's bytes; a :class:`LayoutError` if it does not come out as one page."""
    data, pages = render_pdf(document, style)
    if pages != 1:
        raise LayoutError(
            f"brief '{document.name}' came out as {pages} PDF pages although it measured "
            "as one; please report this",
            document.source,
        )
    return data
