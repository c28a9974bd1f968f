"""Model blocks as Word paragraphs and tables: the DOCX renderer's writer.

Each kind of block goes into a container python-docx can add paragraphs to (the body,
a table cell, the footer part) with the Word paragraph style of its kind; the page's
regions become the tables of :mod:`briefgen.renderers.docx_tables`, and charts, QR
codes and pictures come from :mod:`briefgen.renderers.docx_graphics`. Every size is
the PDF's, from the same :class:`~briefgen.style.Style`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Protocol

from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run as DocxRun

from briefgen.fonts import FALLBACK_FILES, line_height_em
from briefgen.model import (
    AnyBlock,
    Box,
    BulletList,
    Callout,
    CardRow,
    Chart,
    Cite,
    Columns,
    Footer,
    Heading,
    HorizontalRule,
    Image,
    Inlines,
    LineBreak,
    Masthead,
    Notes,
    Paragraph,
    QrCode,
    Quote,
    Span,
    Table,
    attribution_line,
)
from briefgen.renderers import (
    KEPT_TEXT_LENGTH,
    Outline,
    contact_line,
    footer_lines,
    footer_text_width,
    link_goes_on,
    masthead_line_width,
    note_columns,
    note_label,
    qr_size,
)
from briefgen.renderers.breaks import (
    balanced,
    line_room,
    line_width,
    speaker_apart,
    wide_words_broken,
    without_runt,
)
from briefgen.renderers.docx_graphics import add_chart, add_picture, add_qr
from briefgen.renderers.docx_tables import (
    add_paragraph_element,
    add_row,
    add_spacer,
    add_table,
    close_cell,
    copied,
    el,
    new_element,
    new_paragraph,
    set_paragraph_property,
    twips,
)
from briefgen.renderers.geometry import EMPTY_CELL, level_text_at, list_indents, table_widths
from briefgen.style import Cell, Style, TextStyle
from briefgen.theme import DEFAULT_THEME, RGB, FontFamily

# Characters XML 1.0 cannot hold; python-docx would raise on them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# python-docx sets a run's text one character at a time, for the tabs and line ends
# that become elements of their own; a text with none is one w:t, set at once.
_RUN_BREAKS = re.compile("[\t\r\n]")
NO_BREAK_HYPHEN = "\u2011"
# LibreOffice ends a text portion at a no-break space and keeps its room for italic
# type (docx_blocks.italic_room) after one set in italic type, as at the end of
# italic type; after one set upright, and before it, none. A space looks the same
# either way, and is as wide in each bundled font: the DOCX sets each no-break space
# of italic type upright, in a run of its own, and needs no room for it.
_NO_BREAK_SPACES = re.compile("(\u00a0+)")
_VAL = qn("w:val")
# The numbering of every bulleted list (``numId``); each ordered run gets its own.
BULLET_NUM_ID = 1
# The outline level of the Chart Title style: below a section's Heading 2, as the PDF's
# H3 (a paragraph under the title alone, or above any heading, says its own level).
CHART_TITLE_LEVEL = 3
_SPACE = qn("xml:space")
# LibreOffice ends a line of italic type a twelfth of the type's line height short of
# its margin (SwTextGuess::Guess, its "italic correction"), where reportlab and Word
# set it up to the margin: a line of a quote or an *emphasized* word that the PDF
# filled to within a point wrapped once more in the DOCX, a line more a paragraph.
# It keeps as much room after each non-breaking hyphen set in italic type, which ends
# a text portion of its own (breaks.line_room); a no-break space too, but the DOCX sets
# those upright (_NO_BREAK_SPACES).
_ITALIC_SPARE = 0.1  # points

# LibreOffice rounds glyph widths in its own units, most where bold and upright words
# take turns: a line of the same words comes out up to half a point wider than
# reportlab's (0.47 pt at 9 pt Liberation Sans, 0.44 at 11 pt Liberation Serif), and a
# line the PDF filled to within that broke a word earlier. A paragraph with a line that
# full is set this much wider. Only such a paragraph: a line of another that the PDF
# overflowed by less would fit in LibreOffice, whose widths come out narrower as often.
GLYPH_SPARE = 0.6  # points


def _padding(cell: Cell) -> float:
    """A cell's padding at its left or right, the less of the two."""
    return min(cell.padding[1], cell.padding[3])


def italic_room(size: float, family: FontFamily) -> float:
    """How much wider than the PDF's the DOCX sets the lines of a paragraph holding
    italic type of ``size`` points, for each room LibreOffice keeps after italic type
    (:func:`~briefgen.renderers.breaks.line_room`), so it breaks them where
    the PDF does: a twelfth of the tallest line the type may set (its italics', or the
    fallback's). Word, which keeps no such room, and LibreOffice at a line ending
    upright, fit as much as the PDF or a little more: never a line more."""
    files = (family.files["italic"], family.files["bolditalic"], *FALLBACK_FILES.values())
    return size * max(map(line_height_em, files)) / 12 + _ITALIC_SPARE


def right_indent(text: TextStyle, italic: bool, family: FontFamily, rooms: int = 1) -> float:
    """The right indent the DOCX gives a paragraph of ``text`` (holding ``italic``
    type, or not): the PDF's, less ``rooms`` times :func:`italic_room` when italic
    type is in it."""
    if not (italic or text.italic):
        return text.indent_right
    return text.indent_right - rooms * italic_room(text.size, family)


class Numbering(Protocol):
    """The document's list numbering: a fresh list number for each ordered run."""

    def restart_numbers(self, start: int = 1, level: int = 0) -> int: ...


class BlockWriter:
    """Appends model blocks to a Word container: the body, a table cell, the footer."""

    def __init__(
        self,
        word: Any,
        style: Style,
        numbering: Numbering,
        style_names: dict[str, str],
        texts: dict[str, TextStyle],
        style_ids: dict[str, str] | None = None,
    ) -> None:
        """``style_names``: the Word paragraph style of each kind of paragraph;
        ``texts``: its measurements; ``style_ids``: each style's id, when the caller
        has already looked them up."""
        self._word = word
        self._style = style
        self._numbering = numbering
        self._texts = texts
        # python-docx finds a style by name with a scan of every style, per paragraph;
        # look each id up once.
        self._style_ids = style_ids or {
            key: word.styles[name].style_id for key, name in style_names.items()
        }
        # The Word list (numId) of the last ordered run at each depth: a run that
        # resumes its list after a nested one continues it.
        self._ordered_lists: dict[int, int] = {}
        # The outline level of each heading of the page (:meth:`start_page`).
        self._outline = Outline()
        # How far past its column a paragraph may be set wider (:meth:`_reaching`).
        self._reach = math.inf
        self._in_aside = False  # writing the sidebar's blocks: its quotes keep no insets

    @contextmanager
    def _reaching(self, reach: float) -> Iterator[None]:
        """Set the paragraphs written in the block no more than ``reach`` points wider
        than their column on either side: a cell's padding (a table's is 5 pt), where
        a wider one would run its words on into the next cell. The page's paragraphs
        may reach into its margin."""
        outer, self._reach = self._reach, reach
        try:
            yield
        finally:
            self._reach = outer

    def start_page(self, blocks: tuple[AnyBlock, ...] = ()) -> None:
        """Begin a brief's page (a side of a duplex file) of ``blocks``: no heading
        above yet, and its headings at the outline levels the PDF tags them with."""
        self._outline = Outline(blocks)

    def paragraph(
        self,
        container: Any,
        key: str,
        inlines: Inlines = (),
        in_cell: bool = False,
        *,
        width: float | None,
        indent_left: float | None = None,
        balance: bool = False,
        whole_end: bool = False,
        name_apart: bool = False,
        align: str = "left",
    ) -> Any:
        """A paragraph of style ``key`` in a column ``width`` wide (None: the page's
        frame); in a cell, without the measure's right indent (the cell's width keeps
        the measure). ``indent_left``: a list item's, when it is not the style's. A
        word too wide for its lines is broken where the PDF breaks it
        (:func:`~briefgen.renderers.breaks.wide_words_broken`); with ``balance`` (a
        heading), its lines are made about as long as each other where the PDF makes
        them so (:func:`~briefgen.renderers.breaks.balanced`); with ``whole_end`` (the
        body's text), its last line never one word alone where the PDF's is not
        (:func:`~briefgen.renderers.breaks.without_runt`); with ``name_apart`` (a
        quote's attribution), a speaker's name on a line of its own where the PDF puts
        it (:func:`~briefgen.renderers.breaks.speaker_apart`). One without a link is
        a copy of one written before with the same style and text
        (:func:`_paragraph_element`). One holding italic type is set wider by
        :func:`italic_room`, and one with a line the PDF fills to within
        :data:`GLYPH_SPARE` by that, at its right, or at its left when ``align`` is
        right."""
        text = self._texts[key]
        if in_cell:
            text = self._style.in_cell(text)
        if indent_left is not None:
            text = replace(text, indent_left=indent_left)
        lines = line_width(self._style, text, width)
        inlines = wide_words_broken(inlines, text, self._style.theme.font, lines)
        if balance:
            inlines = balanced(inlines, text, self._style.theme.font, lines)
        elif whole_end:
            inlines = without_runt(inlines, text, self._style.theme.font, lines)
        elif name_apart:
            inlines = speaker_apart(inlines, text, self._style.theme.font, lines)
        family = self._style.theme.font
        # Wider only where the PDF sets a line so near its end that LibreOffice would
        # break it before (else its lines would fit more than the PDF's, a line less
        # here and there); an italic style always by one room.
        unit = italic_room(text.size, family)
        needs = line_room(inlines, text, family, lines, unit, GLYPH_SPARE)
        rooms = max(needs.italic, 1) if text.italic else needs.italic
        spare = GLYPH_SPARE if needs.full else 0.0
        if rooms * unit + spare > self._reach:
            # A line more in LibreOffice rather than words run on into the next cell.
            spare = min(spare, self._reach)
            rooms = min(rooms, math.floor((self._reach - spare) / unit))
        room = 0.0 if text.italic else rooms * unit
        italic = rooms > 0
        at_right = align == "right" or text.align == "right"
        # The style's own right indent (docx._ppr: across its column, as in a cell),
        # less the room its italic type needs: written here only when this
        # paragraph's differs, as a paragraph outside the cells kept to the measure.
        wider = 0.0 if at_right else spare
        right = twips(right_indent(text, italic and not at_right, family, rooms) - wider)
        usual = twips(right_indent(self._style.in_cell(self._texts[key]), False, family))
        indent = right if right != usual else None
        if _kept(inlines):
            made = _paragraph_element(self._style_ids[key], indent, inlines, text.italic)
            paragraph = add_paragraph_element(container, made)
        else:
            paragraph = new_paragraph(container)
            link = self._style.link_colour(text)
            _write_paragraph(paragraph, self._style_ids[key], indent, inlines, link, text.italic)
        if (room or spare) and at_right:
            left = twips(text.indent_left - room - spare)
            set_paragraph_property(paragraph, "ind", "left", left)
        return paragraph

    def _end_block(self, paragraph: Any) -> None:
        """Give a block's last paragraph the body's space after, as the PDF does."""
        set_paragraph_property(paragraph, "spacing", "after", twips(self._style.body.space_after))

    def write_all(
        self, container: Any, blocks: Iterable[AnyBlock], width: float | None = None
    ) -> None:
        """Write ``blocks`` ``width`` wide (None: across the page, kept to the measure)."""
        for block, below in self._style.spaced(blocks):
            self.write(container, block, width, below)

    def write(self, container: Any, block: AnyBlock, width: float | None, below: float) -> None:
        """Write one block; a box, row of cards or columns with ``below`` points
        below it (:meth:`Style.spaced`), as the PDF."""
        cell = width is not None
        if isinstance(block, Heading):
            # The title Heading 1; any other heading Heading 2, or at the top of the
            # outline (a brief without a title) Top Heading, of Heading 2's look.
            level = self._outline.heading(block.level)
            key = "title" if block.level <= 1 else "top_heading" if level == 1 else "heading"
            self.paragraph(container, key, block.inlines, cell, width=width, balance=True)
        elif isinstance(block, Paragraph):
            self.paragraph(container, "body", block.inlines, cell, width=width, whole_end=True)
        elif isinstance(block, BulletList):
            self._list(container, block, width)
        elif isinstance(block, Callout):
            figure = (Span(block.figure),)
            self.paragraph(container, "callout_figure", figure, cell, width=width)
            self.paragraph(container, "callout_label", block.label, cell, width=width)
        elif isinstance(block, Quote):
            quoted, attributed = (
                ("aside_quote", "aside_attribution") if self._in_aside else ("quote", "attribution")
            )
            quote = self.paragraph(
                container, quoted, block.inlines, cell, width=width, whole_end=True
            )
            if block.attribution:
                line = attribution_line(block)
                self.paragraph(container, attributed, line, cell, width=width, name_apart=True)
            else:
                self._end_block(quote)
        elif isinstance(block, CardRow | Box | Columns):
            self._row(container, block, width)
            add_spacer(container, below)
        elif isinstance(block, Chart):
            avail = self._style.measure if width is None else width
            heading = (Span(block.title),)
            title = self.paragraph(
                container, "chart_title", heading, cell, width=width, balance=True
            )
            # A level below the heading above it, as the PDF tags it (the style's own
            # level 3 would skip one under the title, or open the outline).
            level = self._outline.minor()
            if level != CHART_TITLE_LEVEL:
                set_paragraph_property(title, "outlineLvl", "val", str(level - 1))
            run = _picture_run(container)
            add_chart(run, block, avail, self._style)
            _flush_left(run)
            self.paragraph(container, "caption", block.caption, cell, width=width)
        elif isinstance(block, Table):
            self._table(container, block, width)
            add_spacer(container, self._style.body.space_after)
        elif isinstance(block, HorizontalRule):
            style = self._style
            add_spacer(container, style.body.space_after, (style.body_rule, style.theme.muted))
        elif isinstance(block, QrCode):
            avail = self._style.measure if width is None else width
            size = qr_size(block.url, self._style)
            link = (Span(block.url, href=block.url),)
            if not self._style.qr_address_beside(size, avail):
                # The address below the code, as a chart's caption below the chart.
                run = _picture_run(container)
                add_qr(run, block.url, size, block.alt)
                _flush_left(run)
                self.paragraph(container, "caption", link, cell, width=width)
                return
            cells = self._style.qr_cells(size, avail)
            code, address = add_row(container, cells)
            run = _picture_run(code)
            add_qr(run, block.url, size, block.alt)
            _flush_left(run)
            self.paragraph(address, "caption", link, True, width=cells[1].inner)
            for word_cell in (code, address):
                close_cell(word_cell, EMPTY_CELL)
            add_spacer(container, self._style.body.space_after)
        elif isinstance(block, Image):
            avail = self._style.measure if width is None else width
            run = _picture_run(container)
            add_picture(run, block.picture, min(block.width, avail), not block.picture.alt)
            _flush_left(run)
            add_spacer(container, self._style.body.space_after)
        # Notes go in the footer.

    def _list(self, container: Any, block: BulletList, width: float | None) -> None:
        """One paragraph per item; items are spaced by the list style, and the last
        of the whole list carries the body's space after, so the list ends like a
        paragraph. Indents differ from the list style's only to make room for a wide
        number (:func:`list_indents`)."""
        style = self._style
        key = "number" if block.ordered else "bullet"
        num_id = None
        if block.ordered:
            # One Word list for the runs of one list, so that an item a person adds
            # or copies in Word renumbers those after it (each run had its own list,
            # starting at its number, and kept counting from there).
            resumed = self._ordered_lists.get(block.depth) if block.resumes else None
            num_id = resumed or self._numbering.restart_numbers(block.start, block.depth)
            self._ordered_lists[block.depth] = num_id
        elif block.depth:
            num_id = BULLET_NUM_ID
        marker_at, text_at = list_indents(block, style)
        usual_text_at = level_text_at(style, block.depth)
        paragraph = None
        for item in block.items:
            paragraph = self.paragraph(
                container,
                key,
                item,
                width is not None,
                width=width,
                indent_left=text_at,
                whole_end=True,
            )
            if num_id is not None:
                numbers = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                numbers.get_or_add_ilvl().val = block.depth
                numbers.get_or_add_numId().val = num_id
            if abs(text_at - usual_text_at) > 0.01:
                set_paragraph_property(paragraph, "ind", "left", twips(text_at))
                set_paragraph_property(paragraph, "ind", "hanging", twips(text_at - marker_at))
        if paragraph is not None and block.closes:
            self._end_block(paragraph)

    def _row(self, container: Any, block: CardRow | Box | Columns, width: float | None) -> None:
        style = self._style
        full = style.frame_width if width is None else width
        if isinstance(block, CardRow):
            cells = style.card_cells(len(block.cards), full)
            word_cells = add_row(container, cells)
            cards = iter(block.cards)
            for cell, word_cell in zip(cells, word_cells, strict=True):
                if cell.fill is not None:
                    card = next(cards)
                    figure = (Span(card.figure),)
                    with self._reaching(_padding(cell)):
                        self.paragraph(word_cell, "card_figure", figure, True, width=cell.inner)
                        self.paragraph(word_cell, "card_label", card.label, True, width=cell.inner)
        elif isinstance(block, Box):
            cells = style.box_cells(style.frame_width if width is None else width)
            word_cells = add_row(container, cells)
            with self._reaching(_padding(cells[1])):
                self.write_all(word_cells[1], block.blocks, cells[1].inner)
        else:
            cells = style.column_cells(full)
            # Most of the page: text a person adds in Word runs on to a second page
            # rather than moving the whole body there and leaving the first one blank.
            word_cells = add_row(container, cells, splits=True)
            # The main column has no padding, but the gutter at its right: half of it,
            # so its words keep clear of the sidebar's tint.
            with self._reaching(style.gutter / 2):
                self.write_all(word_cells[0], block.main, cells[0].inner)
            with self._reaching(_padding(cells[2])):
                self._in_aside = True
                try:
                    self.write_all(word_cells[2], block.aside, cells[2].inner)
                finally:
                    self._in_aside = False
        for word_cell in word_cells:
            close_cell(word_cell, EMPTY_CELL)

    def _table(self, container: Any, block: Table, width: float | None) -> None:
        """One Word table: the header row, then each row; a cell's paragraph aligned
        as its column, an empty cell left with Word's required empty paragraph."""
        style = self._style
        widths = table_widths(block, style, style.frame_width if width is None else width)
        rows = (block.header, *block.rows)
        cell_rows = [style.table_row(widths, i) for i in range(len(rows))]
        word_rows = add_table(container, cell_rows)
        for index, (row, cells, word_row) in enumerate(
            zip(rows, cell_rows, word_rows, strict=True)
        ):
            key = "table_header" if index == 0 else "table_cell"
            for inlines, align, cell, word_cell in zip(
                row, block.align, cells, word_row, strict=True
            ):
                if inlines:
                    with self._reaching(_padding(cell)):
                        paragraph = self.paragraph(
                            word_cell, key, inlines, True, width=cell.inner, align=align
                        )
                    if align != "left":
                        set_paragraph_property(paragraph, "jc", "val", align)
                close_cell(word_cell, EMPTY_CELL)

    def masthead(self, container: Any, masthead: Masthead) -> None:
        """The band: the logo, the organization, the audience and the date."""
        style = self._style
        logo_cell, org_cell, right_cell = style.masthead_cells(
            masthead, masthead_line_width(masthead, style)
        )
        cells = [c for c in (logo_cell, org_cell, right_cell) if c is not None]
        word_cells = add_row(container, cells, height=style.masthead_height, valign="middle")
        if logo_cell is not None and masthead.logo is not None:
            logo = masthead.logo
            width = style.logo_width(logo)
            # Decorative: the organization's name is printed beside it.
            run = _picture_run(word_cells[0])
            add_picture(run, logo, width, decorative=True)
            _flush_left(run)
        organization = (Span(masthead.organization),)
        self.paragraph(word_cells[-2], "masthead", organization, width=org_cell.inner, balance=True)
        for line in (masthead.audience, masthead.date):
            if line:
                self.paragraph(
                    word_cells[-1], "masthead_line", (Span(line),), width=right_cell.inner
                )
        for word_cell in word_cells:
            close_cell(word_cell, EMPTY_CELL)

    def after_masthead(self, body: Any) -> None:
        """The gap below the band: the space before the paragraph that follows it (the
        title, as a rule), or a spacer paragraph before a table (Word joins two tables
        with nothing between)."""
        band = body._element[0]
        following = band.getnext()
        if following is not None and following.tag == qn("w:p"):
            paragraph = DocxParagraph(following, body)
            style_id = paragraph._p.style
            keys = [key for key, known in self._style_ids.items() if known == style_id]
            own = self._texts[keys[0]].space_before if keys else 0.0  # a picture's: none
            before = own + self._style.region_gap
            set_paragraph_property(paragraph, "spacing", "before", twips(before))
        else:
            spacer = add_spacer(body, self._style.region_gap)
            band.addnext(spacer._p)

    def footer(self, container: Any, notes: list[Notes], footer: Footer) -> None:
        """The footer part: a rule, then a borderless row of the notes and the contact
        line under them beside the QR code and the address and date lines, or the notes
        alone across the frame when the footer holds nothing else. Long notes take two
        cells of the row, split where the PDF splits them
        (:func:`~briefgen.renderers.note_columns`), the contact line under the right."""
        style = self._style
        rule = container.paragraphs[0]  # the footer part's own first paragraph
        rule._p.getparent().remove(rule._p)
        add_spacer(container, style.footer_rule_space, (style.footer_rule, style.theme.muted))
        size = qr_size(footer.qr_url, style) if footer.qr_url else 0.0
        lines = footer_lines(footer, style)
        cells = style.footer_cells(size, footer_text_width(lines, style))
        part = style.frame_width if footer.is_empty else cells[0].inner
        contact = contact_line(footer)
        split = note_columns(notes, contact, style, part)
        if footer.is_empty and split is None:
            self._notes(container, notes, None)
            last = container.paragraphs[-1]
            set_paragraph_property(last, "spacing", "after", "0")
            return
        columns = cells[:1] if split is None else style.note_cells(part)
        side_cells = [] if footer.is_empty else cells[1:]
        word_cells = add_row(container, [*columns, *side_cells])
        notes_cell = word_cells[0]
        if split is None:
            self._notes(notes_cell, notes, columns[0].inner)
        else:
            # Their words kept clear of the next column's by half the gutter.
            with self._reaching(style.gutter / 2):
                self._notes(notes_cell, notes, columns[0].inner, split.split)
                notes_cell = word_cells[1]
                # The right column's first note level with the left one's.
                add_spacer(notes_cell, split.offset)
                for block in notes:
                    for note in block.entries[split.split :]:
                        self.paragraph(
                            notes_cell, "note", note.line, width=columns[1].inner, whole_end=True
                        )
        if contact:
            width = columns[-1].inner
            self.paragraph(notes_cell, "footer_contact", contact, width=width)
        if side_cells:
            side = word_cells[-1]
            if size:
                run = _picture_run(side)
                add_qr(run, footer.qr_url, size, footer.qr_alt)
                _flush_left(run)
                picture = DocxParagraph(run._r.getparent(), side)
                set_paragraph_property(picture, "jc", "val", "right")
            for line in lines:
                # Broken to the column already, by footer_lines' own measure.
                self.paragraph(side, "footer", line, width=math.inf)
        for word_cell in word_cells:
            close_cell(word_cell, EMPTY_CELL)
        add_spacer(container, style.footer_tail)

    def _notes(
        self, container: Any, notes: list[Notes], width: float | None, count: int | None = None
    ) -> None:
        """The notes' heading and notes (the first ``count`` of them, if given), in a
        column ``width`` wide (None: the frame)."""
        for block in notes:
            self.paragraph(container, "notes_heading", (Span(block.title),), width=width)
            for note in block.entries[:count]:
                line = note.line
                self.paragraph(container, "note", line, width=width, whole_end=True)


def _picture_run(container: Any) -> Any:
    """A run for an inline picture, in a paragraph of its own whose lines are as tall
    as the picture: text and paragraph mark at 1 pt, so no line of type adds to it."""
    paragraph = new_paragraph(container)
    paragraph._p.insert(
        0,
        el(
            "pPr",
            [
                el("spacing", before="0", after="0", line="20", lineRule="atLeast"),
                el("ind", left="0", right="0", firstLine="0"),
                el("rPr", [el("sz", val="2"), el("szCs", val="2")]),
            ],
        ),
    )
    run = paragraph.add_run()
    run.font.size = Pt(1)
    return run


def _flush_left(run: Any) -> None:
    """No wrapping distance around the run's inline picture: without one, LibreOffice
    sets an inline picture 9 pt to the right of where Word and the PDF do."""
    for inline in run._r.iter(qn("wp:inline")):
        for side in ("distT", "distB", "distL", "distR"):
            inline.set(side, "0")


def _write_paragraph(
    paragraph: Any, style_id: str, indent: str | None, inlines: Inlines, link: RGB, italic: bool
) -> None:
    _set_style(paragraph._p, style_id)
    if indent is not None:
        set_paragraph_property(paragraph, "ind", "right", indent)
    _add_inlines(paragraph, inlines, link, italic)


def _kept(inlines: Inlines) -> bool:
    """Whether a paragraph of ``inlines`` is written once per process and copied: a
    batch's copies repeat most of their paragraphs. Not one with a link, which adds a
    relationship to the document, nor a long one."""
    length = 0
    for item in inlines:
        if isinstance(item, Span):
            if item.href:
                return False
            length += len(item.text)
    return length <= KEPT_TEXT_LENGTH


@copied
def _paragraph_element(style_id: str, indent: str | None, inlines: Inlines, italic: bool) -> Any:
    """A paragraph of the style ``style_id`` (in ``italic`` type, or not) holding
    ``inlines`` (with no link)."""
    detached: Any = None  # in no story until a copy is added to one
    paragraph = DocxParagraph(new_element("w:p"), detached)
    # The colour is only a link's, which a kept paragraph has none of.
    _write_paragraph(paragraph, style_id, indent, inlines, DEFAULT_THEME.primary, italic)
    return paragraph._p


def _add_inlines(paragraph: Any, inlines: Inlines, link_colour: RGB, italic: bool) -> None:
    """Write ``inlines`` as runs of ``paragraph``, its links in ``link_colour``; each
    no-break space in italic type (a span's, or the paragraph style's: ``italic``) as
    an upright run of its own (:data:`_NO_BREAK_SPACES`)."""
    before = ""
    # The link being written: its address and w:hyperlink. Neighbouring spans of one
    # address ("**Read** the report") are one link, as in the PDF.
    open_link: tuple[str, Any] | None = None
    for index, item in enumerate(inlines):
        if isinstance(item, Span):
            before = item.text
            if not item.text:
                continue
            text = _XML_INVALID.sub("", item.text)
            space = ""
            if _space_before_break(inlines, index):
                text, space = text.rstrip(" "), text[len(text.rstrip(" ")) :]
            if not text:  # the space alone: in the link it is part of, if one is open
                tiny = _add_tiny_space(paragraph, space)
                if item.href and open_link is not None and open_link[0] == item.href:
                    open_link[1].append(tiny)
                else:
                    open_link = None
                continue
            slanted = item.italic or italic
            pieces = _NO_BREAK_SPACES.split(text) if slanted else [text]
            for number, piece in enumerate(pieces):
                if not piece:
                    continue
                # The pieces between no-break spaces keep the span's type; the spaces
                # (odd pieces) are upright in italic type.
                if number % 2:
                    run = _add_run(paragraph, piece, bold=item.bold, upright=True)
                else:
                    run = _add_run(paragraph, piece, bold=item.bold, italic=item.italic)
                if item.language:
                    # Nothing briefgen writes in a run's properties comes after w:lang.
                    run._r.get_or_add_rPr().append(new_element("w:lang", {_VAL: item.language}))
                if not item.href:
                    open_link = None
                elif open_link is not None and open_link[0] == item.href:
                    _link_style(run, link_colour)
                    open_link[1].append(run._r)
                else:
                    open_link = (item.href, _link(paragraph, run, item.href, link_colour))
            if space:  # right after its words, wherever the link put them
                run._r.addnext(_add_tiny_space(paragraph, space))
            continue
        link, open_link = open_link, None
        if isinstance(item, Cite):
            label = note_label(item, before)
            before = item.label
            if not label:
                continue
            _add_run(paragraph, label, superscript=True)
        elif isinstance(item, LineBreak):
            before = ""
            run = paragraph.add_run()
            run.add_break()
            if link is not None and link_goes_on(inlines, index):
                link[1].append(run._r)
                open_link = link


def _space_before_break(inlines: Inlines, index: int) -> bool:
    """Whether ``inlines[index]`` ends in the space before a line break between words
    (the break before an address too wide for its line: renderers/breaks.py)."""
    following = inlines[index + 1] if index + 1 < len(inlines) else None
    item = inlines[index]
    return (
        isinstance(following, LineBreak)
        and not following.within_word
        and isinstance(item, Span)
        and item.text.endswith(" ")
    )


def _add_tiny_space(paragraph: Any, space: str) -> Any:
    """The space before a line break between words, as a run of 1 pt type squeezed to
    a hundredth of its width: when the words before it fit their line and the space
    (at the body's size, or at 1 pt with 0.28 pt to spare) would not, LibreOffice moved
    the break to the next line and left that one empty. Kept (rather than left out, as
    the PDF draws no space there) so the text still reads two words."""
    run = new_element("w:r")
    run.append(el("rPr", [el("w", val="1"), el("sz", val="2"), el("szCs", val="2")]))
    run.append(text_element(space))  # spaces alone: kept
    paragraph._p.append(run)
    return run


def _add_run(
    paragraph: Any,
    text: str,
    bold: bool = False,
    italic: bool = False,
    superscript: bool = False,
    upright: bool = False,
) -> Any:
    """``paragraph.add_run(text)`` with ``bold``, ``italic`` and ``font.superscript``
    set as asked (``upright``: italic set off, even in an italic style): the same XML,
    written directly. python-docx sets a text one character at a time and places each
    property by a search of the schema's order; a brief's thousand runs spent most of
    the DOCX writer's time there."""
    if _RUN_BREAKS.search(text):
        run = paragraph.add_run(text)
        if bold:
            run.bold = True
        if italic or upright:
            run.italic = not upright
        if superscript:
            run.font.superscript = True
        return run
    r = new_element("w:r")
    if bold or italic or superscript or upright:
        r.append(_run_properties(bold, italic, superscript, upright))
    # A non-breaking hyphen is Word's own element, drawn with the run's font's hyphen
    # (as the PDF draws it); the character U+2011, which the bundled fonts lack, Word
    # would set in a font of its choosing, of another width.
    for index, piece in enumerate(text.split(NO_BREAK_HYPHEN)):
        if index:
            r.append(new_element("w:noBreakHyphen"))
        if piece:
            r.append(text_element(piece))
    paragraph._p.append(r)  # w:p's runs have no successors in the schema: add_r appends
    return DocxRun(r, paragraph)


def _set_style(p: Any, style_id: str) -> None:
    """``p.style = style_id`` for a new paragraph, the same XML written directly."""
    if p.pPr is not None:
        p.style = style_id
        return
    p.insert(0, _style_properties(style_id))


def text_element(text: str) -> Any:
    """A ``w:t`` holding ``text``, its spaces kept where Word would drop them (at
    either end)."""
    t = new_element("w:t")
    t.text = text
    if len(text.strip()) < len(text):
        t.set(_SPACE, "preserve")
    return t


@copied
def _run_properties(bold: bool, italic: bool, superscript: bool, upright: bool = False) -> Any:
    properties = new_element("w:rPr")
    # In the order the schema gives them (b, i, ..., vertAlign).
    if bold:
        properties.append(new_element("w:b"))
    if upright:
        properties.append(new_element("w:i", {_VAL: "0"}))
        properties.append(new_element("w:iCs", {_VAL: "0"}))
    elif italic:
        properties.append(new_element("w:i"))
    if superscript:
        properties.append(new_element("w:vertAlign", {_VAL: "superscript"}))
    return properties


@copied
def _style_properties(style_id: str) -> Any:
    properties = new_element("w:pPr")
    properties.append(new_element("w:pStyle", {_VAL: style_id}))
    return properties


def _link(paragraph: Any, run: Any, href: str, colour: RGB) -> Any:
    """Make ``run`` a hyperlink to ``href`` in ``colour``; the ``w:hyperlink``, which
    more runs of the same link may join."""
    rel_id = paragraph.part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    _link_style(run, colour)
    hyperlink = new_element("w:hyperlink")
    hyperlink.set(qn("r:id"), rel_id)
    run._r.addprevious(hyperlink)
    hyperlink.append(run._r)
    return hyperlink


def _link_style(run: Any, colour: RGB) -> None:
    """A link's look: underlined, in ``colour`` (:meth:`Style.link_colour`)."""
    run.font.underline = True
    run.font.color.rgb = RGBColor(*colour)
