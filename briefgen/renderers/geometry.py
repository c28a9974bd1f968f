"""Geometry both renderers share for lists and tables, worked out once with the PDF's
font metrics (the DOCX's fonts are their metric twins): where a list's markers and text
stand, how wide each column of a table is. Each format draws from the same figures, so
Word and LibreOffice put the text where the PDF does."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.pdfbase.pdfmetrics import stringWidth

from briefgen.errors import TooWide
from briefgen.model import BulletList, Cite, Inlines, Span, Table

if TYPE_CHECKING:
    from briefgen.style import Style

# The height (points) of an empty table cell's content: Word needs a paragraph in
# every cell, and the DOCX's is this tall; the PDF leaves the same space.
EMPTY_CELL = 1.0

# A bullet for each level of a nested list; every bundled font draws them.
BULLETS = ("\u2022", "\u25e6", "\u25aa")


def list_markers(block: BulletList) -> list[str]:
    """Each item's marker as both formats print it: its number (``7.``) or the
    bullet of its level."""
    if block.ordered:
        return [f"{number}." for number in range(block.start, block.start + len(block.items))]
    return [BULLETS[block.depth]] * len(block.items)


def level_text_at(style: Style, depth: int) -> float:
    """Where the text of a list level begins (points from the column's left edge),
    when its markers fit the bullet indent: one bullet indent further in a level."""
    return style.list_item.indent_left + depth * style.bullet_indent


def list_indents(block: BulletList, style: Style) -> tuple[float, float]:
    """Where a run of list items sets its markers and where its text begins (points
    from the column's left edge), the same in both formats. Each level stands one
    bullet indent further in; a number wider than the indent leaves room for itself
    (a list may count from 2023)."""
    from briefgen.renderers.pdf import register_fonts

    text = style.list_item
    hanging = style.bullet_indent
    marker_at = level_text_at(style, block.depth) - hanging
    if block.ordered:
        family = style.theme.font
        register_fonts((), family)
        widest = max(stringWidth(m, family.pdf_name, text.size) for m in list_markers(block))
        # reportlab keeps 0.6 em between a bullet and its text, else moves the text.
        hanging = max(hanging, widest + text.size * 0.6)
    return marker_at, marker_at + hanging


def table_widths(table: Table, style: Style, width: float) -> list[float]:
    """Each column's width (points) for ``table`` across ``width``, the same in both
    formats: its longest line when the columns fit side by side, else the widest
    columns cut to wrap (never below their longest word); each rounded to a twentieth
    of a point (a Word twip) so both formats draw the same cells. A table whose
    longest words cannot fit is refused at its line."""
    from briefgen.renderers.pdf import register_fonts

    register_fonts(("bold", "italic", "bolditalic"), style.theme.font)
    _, right, _, left = style.table_padding
    spare = right + left + 2.0  # the padding, and room for rounding to Word's units
    rows = [(table.header, True), *((row, False) for row in table.rows)]
    cells = [[_pieces(cell, style, header) for cell in row] for row, header in rows]
    columns = range(len(table.header))
    natural = [max(_text_width(row[c]) for row in cells) + spare for c in columns]
    least = [max(_longest_word(row[c]) for row in cells) + spare for c in columns]
    if sum(least) > width:
        raise TooWide(
            f"a table whose longest words need {sum(least):.0f} pt across its columns, "
            f"wider than the {width:.0f} pt it has; shorten them or take out a column",
            table.location,
            what="table",
        )
    if sum(natural) > width:
        # The widest columns give way first: each is cut to one cap (never below its
        # longest word), the cap found by bisection; narrower columns keep one line.
        low, high = 0.0, max(natural)
        for _ in range(50):
            cap = (low + high) / 2
            if sum(min(n, max(m, cap)) for n, m in zip(natural, least, strict=True)) > width:
                high = cap
            else:
                low = cap
        widths = [min(n, max(m, low)) for n, m in zip(natural, least, strict=True)]
    else:
        widths = natural
    # Across the whole width: what is left shared in proportion to each column.
    extra = width - sum(widths)
    widths = [w + extra * w / sum(widths) for w in widths]
    twentieths = [round(w * 20) for w in widths]
    twentieths[-1] = round(width * 20) - sum(twentieths[:-1])
    return [t / 20 for t in twentieths]


def font_variant(bold: bool, italic: bool) -> str:
    """The variant of a font family (``bolditalic``) a run in ``bold`` and ``italic``
    prints in."""
    if bold:
        return "bolditalic" if italic else "bold"
    return "italic" if italic else "regular"


def _pieces(inlines: Inlines, style: Style, header: bool) -> list[tuple[str, str, float]]:
    """Each run of a cell as (text, the PDF font it prints in, size); the family's
    variants registered already (:func:`table_widths`)."""
    from briefgen.renderers.pdf import font_name

    family = style.theme.font
    text = style.table_header if header else style.table_cell
    pieces = []
    for run in inlines:
        if isinstance(run, Span):
            variant = font_variant(run.bold or header, run.italic)
            pieces.append((run.text, font_name(variant, family), text.size))
        elif isinstance(run, Cite):
            # A note number, measured at full size: a little room to spare.
            pieces.append((run.label, family.pdf_name, text.size))
    return pieces


def _text_width(pieces: list[tuple[str, str, float]]) -> float:
    """A cell's text (its :func:`_pieces`) on one line."""
    return float(sum(stringWidth(t, f, s) for t, f, s in pieces))


def _longest_word(pieces: list[tuple[str, str, float]]) -> float:
    """The widest word of a cell (its :func:`_pieces`; a note number joins the word
    before it)."""
    widest = current = 0.0
    for text, font, size in pieces:
        for index, word in enumerate(text.split(" ")):
            if index:
                current = 0.0
            current += stringWidth(word, font, size)
            widest = max(widest, current)
    return widest
