"""Page and type measurements shared by every renderer, in points.

Both renderers take their sizes, leading, spacing, colours and the geometry of every
page region from one :class:`Style`, so the PDF and the DOCX put each region at the
same place. Lines are set at exactly their leading in the PDF and at *at least* that
leading in the DOCX, which lays out the same as long as every leading is above the
font's own line height (:data:`MIN_LEADING`) and lets a person who enlarges a
paragraph's type in Word get taller lines rather than overlapping ones.

The page, top to bottom (see :mod:`briefgen.model`):

- the masthead, a band :attr:`Style.masthead_height` tall across the frame (taller
  when the organization's name needs more lines), then :attr:`Style.region_gap`;
- the body. Text runs at most :attr:`Style.measure` wide (36 em: about 80 characters
  a line, where the whole 7.3-inch frame on Letter would set about 105); the space
  left over is a right indent on every body text style (a Word style's own right
  indent, so the DOCX keeps it too), taken off again inside cells, whose widths keep
  the measure: a box spans the frame but pads its text to the measure. Title, masthead,
  cards and footer span the frame. A :class:`~briefgen.model.Columns` block sets a
  main column about two thirds of the frame wide (about 70 characters at the body
  size) beside a tinted sidebar as wide as the last of a row of three cards, so that
  under the cards the columns keep their edges;
- the footer, pinned to the bottom margin, :attr:`Style.region_gap` below the body:
  a rule, then one row (:meth:`Style.footer_cells`): the source notes (never below
  :data:`NOTE_FLOOR`) at the left, and at the right the QR code with the web
  address, contact and date lines under it. Without any of those the notes run
  the frame's width. Long notes take two columns there (:meth:`Style.note_cells`,
  :func:`briefgen.renderers.note_columns`).

Containers (masthead, cards, box, sidebar) are rows of cells: each cell its width,
padding and fill, the gaps between them empty cells; the DOCX writes each as a Word
table with exactly these cells, the PDF draws them (``renderers/pdf_regions.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import Any, Literal, TypeVar, cast

from briefgen.model import AnyBlock, Box, CardRow, Columns, Masthead, Picture
from briefgen.theme import DEFAULT_THEME, RGB, Theme

INCH = 72.0
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "letter": (8.5 * INCH, 11 * INCH),
    "a4": (595.2756, 841.8898),
}
PageSizeName = Literal["letter", "a4"]


def page_size_any_case(value: object) -> object:
    """A page size as people write it ("A4", "Letter") in the lower case briefgen
    names it; anything else as written, for a message to quote it so."""
    if isinstance(value, str) and value.lower() in PAGE_SIZES:
        return value.lower()
    return value


BODY_SIZE = 11.0
BODY_FLOOR = 9.0
SIZE_STEP = 0.5

# Source notes, contact lines and card labels are never set smaller than this, even
# when the fitter shrinks the body.
NOTE_FLOOR = 7.5

# The smallest leading, in ems: above each bundled family's own line height (what
# LibreOffice and Word make a line "at least" as tall: 1.15 em for Liberation Sans
# and Liberation Serif, 1.22 em for Carlito, Calibri's twin), so "at least" spacing
# lays every line out exactly this tall, as the PDF does.
MIN_LEADING = 1.25

# The default theme's font names, as modules written before themes import them (a
# brief's own are ``style.theme``'s).
PDF_FONT = DEFAULT_THEME.font.pdf_name
DOCX_FONT = DEFAULT_THEME.font.docx_name
# Points a column keeps beyond its widest line, so a line measured to fit still fits
# where Word or LibreOffice round a width to their own units.
_WIDTH_TO_SPARE = 2.0
# The narrowest a QR code's address may run beside the code (an inch and a half):
# narrower, as in the sidebar, it goes below.
QR_ADDRESS_MIN = 108.0
WHITE: RGB = (0xFF, 0xFF, 0xFF)


def twentieths(points: float) -> float:
    """``points`` to the nearest twentieth of a point: the DOCX writes lengths in
    twentieths (twips), so a leading or space between them (11.875 pt, 9.5 pt type's
    lines) set every line of the DOCX 0.025 pt off the PDF's, a point or so by a
    page's foot. The PDF takes the same rounded lengths."""
    return round(points * 20) / 20


@dataclass(frozen=True)
class TextStyle:
    """One kind of paragraph: size, leading and spacing (points)."""

    size: float
    leading: float
    space_before: float = 0.0
    space_after: float = 0.0
    bold: bool = False
    italic: bool = False
    indent_left: float = 0.0
    indent_right: float = 0.0
    color: RGB = (0, 0, 0)
    align: Literal["left", "center", "right"] = "left"


@dataclass(frozen=True)
class Cell:
    """One cell of a row of cells: its width, its padding (top, right, bottom, left)
    and its fill (None: the paper)."""

    width: float
    padding: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    fill: RGB | None = None

    @property
    def inner(self) -> float:
        """The width inside the cell's padding."""
        return self.width - self.padding[1] - self.padding[3]


def even_rows(cells: list[Cell]) -> list[Cell]:
    """``cells`` with the top and bottom padding of the most padded one: Word and
    LibreOffice pad a row's cells alike at top and bottom, whatever each asks for."""
    top = max(cell.padding[0] for cell in cells)
    bottom = max(cell.padding[2] for cell in cells)
    return [replace(c, padding=(top, c.padding[1], bottom, c.padding[3])) for c in cells]


# What a style works out by key (:meth:`Style._kept`): its text styles in a cell, its
# rows of cells; a few dozen keys a style.
_WORKED = "_worked"
_WORKED_KEPT = 256
_NOTHING = object()
_UNPICKLED = frozenset({"_hash", _WORKED})
_Value = TypeVar("_Value")


@dataclass(frozen=True)
class Style:
    """Every measurement of a page, derived from a page size, a body type size and a
    theme."""

    page_size: PageSizeName = "letter"
    body_size: float = BODY_SIZE
    margin: float = 0.6 * INCH
    theme: Theme = DEFAULT_THEME

    def __hash__(self) -> int:
        """The fields' hash, worked out once: a copy's paragraphs look their settings
        up by their style (:meth:`shared`: one object for a batch's copies) some
        thirty times, and each hash walked the theme and its font family in Python."""
        found: int | None = self.__dict__.get("_hash")
        if found is None:
            found = hash((self.page_size, self.body_size, self.margin, self.theme))
            self.__dict__["_hash"] = found
        return found

    def __getstate__(self) -> dict[str, Any]:
        # Without the kept hash (another process hashes text with another seed) and
        # what was worked out by key (:meth:`_kept`).
        return {key: value for key, value in self.__dict__.items() if key not in _UNPICKLED}

    # --- the page --------------------------------------------------------------

    @property
    def page_width(self) -> float:
        return PAGE_SIZES[self.page_size][0]

    @property
    def page_height(self) -> float:
        return PAGE_SIZES[self.page_size][1]

    @property
    def frame_width(self) -> float:
        return self.page_width - 2 * self.margin

    @property
    def frame_height(self) -> float:
        return self.page_height - 2 * self.margin

    @property
    def measure(self) -> float:
        """The widest a line of body text runs: 36 em, about 80 characters."""
        return min(self.frame_width, 36 * self.body_size)

    @property
    def measure_indent(self) -> float:
        """The right indent that keeps full-width body text to :attr:`measure`."""
        return self.frame_width - self.measure

    @property
    def gutter(self) -> float:
        """The space between cards, and between the main column and the sidebar."""
        return 18.0

    @property
    def region_gap(self) -> float:
        """The space below the masthead and above the footer's rule."""
        return 12.0

    @property
    def tinted_gap(self) -> float:
        """The space between two tinted regions, one above the other."""
        return 9.0

    def spaced(self, blocks: Iterable[AnyBlock]) -> Iterator[tuple[AnyBlock, float]]:
        """Each of ``blocks`` with the space below it: a paragraph's (:attr:`body`'s
        space after), but :attr:`tinted_gap` between two tinted regions (a box, a row
        of cards, columns with their sidebar), which a paragraph's space left reading
        as one block, printed in grey most of all."""
        tinted = (Box, CardRow, Columns)
        listed = tuple(blocks)
        for block, following in zip(listed, (*listed[1:], None), strict=False):
            both = isinstance(block, tinted) and isinstance(following, tinted)
            yield block, self.tinted_gap if both else self.body.space_after

    # --- text ------------------------------------------------------------------
    # Each text style is worked out once for the style (a style is immutable; one of
    # another size or theme is another object): a brief asks for the body's some
    # thirty times, and each was a new TextStyle, hashed anew as a layout's key.

    def _text(
        self, scale: float, leading: float = 1.25, floor: float = 0.0, **kw: Any
    ) -> TextStyle:
        """A text style ``scale`` times the body size (to the half point, at least
        ``floor``), lines ``leading`` times that apart (to the twentieth of a point
        above), its space before and after to the nearest twentieth."""
        size = max(floor, round(self.body_size * scale * 2) / 2)
        for key in ("space_before", "space_after"):
            if key in kw:
                kw[key] = twentieths(kw[key])
        return TextStyle(size=size, leading=math.ceil(size * leading * 20 - 1e-6) / 20, **kw)

    def _flow(
        self, scale: float, leading: float = 1.25, indent_right: float = 0.0, **kw: Any
    ) -> TextStyle:
        """A body text style: kept to the measure by a right indent."""
        return self._text(scale, leading, indent_right=indent_right + self.measure_indent, **kw)

    @cached_property
    def body(self) -> TextStyle:
        return self._flow(1.0, space_after=self.body_size * 0.5)

    @cached_property
    def title(self) -> TextStyle:
        return self._text(
            2.0,
            MIN_LEADING,
            space_after=self.body_size * 0.45,
            bold=True,
            color=self.theme.primary,
        )

    @cached_property
    def heading(self) -> TextStyle:
        return self._flow(
            1.18,
            MIN_LEADING,
            space_before=self.body_size * 0.35,
            space_after=self.body_size * 0.25,
            bold=True,
            color=self.theme.primary,
        )

    @cached_property
    def list_item(self) -> TextStyle:
        return self._flow(1.0, space_after=self.body_size * 0.2, indent_left=self.body_size * 1.4)

    @cached_property
    def callout_figure(self) -> TextStyle:
        """A key number: bold, in the accent colour, smaller than the title."""
        return self._flow(
            1.64, MIN_LEADING, bold=True, color=self.theme.accent, space_after=self.body_size * 0.2
        )

    @cached_property
    def callout_label(self) -> TextStyle:
        return self._flow(1.0, space_after=self.body_size * 0.55)

    @cached_property
    def quote(self) -> TextStyle:
        inset = self.body_size * 1.5
        return self._flow(1.0, italic=True, indent_left=inset, indent_right=inset)

    @cached_property
    def attribution(self) -> TextStyle:
        inset = self.body_size * 1.5
        return self._flow(
            0.9, space_after=self.body_size * 0.5, indent_left=inset, color=self.theme.muted
        )

    @cached_property
    def aside_quote(self) -> TextStyle:
        """A quote in the sidebar: a pull quote, set a size larger than the body; its
        tint sets it apart, so it keeps no insets, which would leave a column a third
        of the page's about 20 characters a line."""
        return self._flow(1.15, italic=True)

    @cached_property
    def aside_attribution(self) -> TextStyle:
        return replace(self.attribution, indent_left=0.0)

    @cached_property
    def notes_heading(self) -> TextStyle:
        return self._text(
            0.8, MIN_LEADING, NOTE_FLOOR, bold=True, color=self.theme.muted, space_after=1.0
        )

    @cached_property
    def note(self) -> TextStyle:
        return self._text(0.72, MIN_LEADING, NOTE_FLOOR, space_after=1.0, color=self.theme.muted)

    @property
    def bullet_indent(self) -> float:
        return self.body_size * 1.4

    @cached_property
    def chart_title(self) -> TextStyle:
        return self._flow(1.0, 1.25, bold=True, color=self.theme.primary, space_after=3.0)

    @cached_property
    def caption(self) -> TextStyle:
        """A chart's caption (its sources) and a QR code's address."""
        return self._flow(
            0.8,
            1.25,
            NOTE_FLOOR,
            color=self.theme.muted,
            space_before=3.0,
            space_after=self.body_size * 0.5,
        )

    def in_cell(self, text: TextStyle) -> TextStyle:
        """``text`` inside a cell, where the cell's width keeps the measure: worked
        out once per style and text style (:meth:`_kept`), as the style's own text
        styles are."""
        return self._kept(
            ("in_cell", text),
            lambda: replace(text, indent_right=max(0.0, text.indent_right - self.measure_indent)),
        )

    def _kept(self, key: Hashable, work: Callable[[], _Value]) -> _Value:
        """``work()``, kept in the style by ``key`` (up to :data:`_WORKED_KEPT` keys):
        a batch's copies share one style (:meth:`shared`) and ask it the same
        questions, each once a copy. Not pickled: another process works them out."""
        kept: dict[Hashable, Any] | None = self.__dict__.get(_WORKED)
        if kept is None:
            kept = self.__dict__[_WORKED] = {}
        found = kept.get(key, _NOTHING)
        if found is _NOTHING:
            found = work()
            if len(kept) < _WORKED_KEPT:
                kept[key] = found
        return cast(_Value, found)

    # --- masthead ----------------------------------------------------------------

    @property
    def masthead_height(self) -> float:
        return 54.0

    @property
    def masthead_pad(self) -> float:
        """The band's padding left and right of its text."""
        return 12.0

    @property
    def logo_height(self) -> float:
        return 36.0

    def logo_width(self, logo: Picture) -> float:
        """The logo's width in the band: :attr:`logo_height` tall, but no wider than
        a quarter of the frame (a wide logo is set smaller, so the organization's
        name keeps its room)."""
        return min(self.logo_height * logo.width_px / logo.height_px, self.frame_width / 4)

    @cached_property
    def masthead_organization(self) -> TextStyle:
        return TextStyle(14.0, 17.5, bold=True, color=WHITE)

    @cached_property
    def masthead_line(self) -> TextStyle:
        """The audience and the date, at the band's right."""
        return TextStyle(9.5, 12.0, color=WHITE, align="right")

    # --- cards, box, sidebar -----------------------------------------------------

    @cached_property
    def card_figure(self) -> TextStyle:
        return self.in_cell(self.callout_figure)

    @cached_property
    def card_label(self) -> TextStyle:
        return self._text(0.87, 1.25, NOTE_FLOOR)

    @property
    def card_padding(self) -> tuple[float, float, float, float]:
        return (8.0, 10.0, 9.0, 10.0)

    def card_cells(self, count: int, width: float) -> list[Cell]:
        """``count`` tinted cards across ``width``, with empty gutters between."""
        return list(
            self._kept(("card_cells", count, width), lambda: self._card_cells(count, width))
        )

    def _card_cells(self, count: int, width: float) -> tuple[Cell, ...]:
        card = (width - (count - 1) * self.gutter) / count
        cells: list[Cell] = []
        for index in range(count):
            if index:
                cells.append(Cell(self.gutter))
            cells.append(Cell(card, self.card_padding, self.theme.tint))
        return tuple(even_rows(cells))

    @property
    def box_rule(self) -> float:
        """The width of the accent rule at a box's left."""
        return 3.0

    def box_cells(self, width: float) -> list[Cell]:
        """A box ``width`` wide: the accent rule, then the tinted cell holding its
        blocks, padded on the right so its text keeps to the measure (across the
        frame, the tint lines up with the cards' and the sidebar's right edge)."""
        return list(self._kept(("box_cells", width), lambda: self._box_cells(width)))

    def _box_cells(self, width: float) -> tuple[Cell, ...]:
        inner = width - self.box_rule - 24.0
        padding = (9.0, 12.0 + max(0.0, inner - self.measure), 9.0, 12.0)
        return tuple(
            even_rows(
                [
                    Cell(self.box_rule, fill=self.theme.accent),
                    Cell(width - self.box_rule, padding, self.theme.tint),
                ]
            )
        )

    def column_cells(self, width: float) -> list[Cell]:
        """The main column and the tinted sidebar, a gutter apart: the sidebar as wide
        as the last of a row of three cards (:meth:`card_cells`), the main column as
        the two before it and their gutter, so that under a row of cards the sidebar's
        tint and text line up with the third card's."""
        return list(self._kept(("column_cells", width), lambda: self._column_cells(width)))

    def _column_cells(self, width: float) -> tuple[Cell, ...]:
        aside = round((width - 2 * self.gutter) / 3, 2)
        main = width - self.gutter - aside
        sidebar = Cell(aside, (9.0, 10.0, 9.0, 10.0), self.theme.tint)
        return tuple(even_rows([Cell(main), Cell(self.gutter), sidebar]))

    def masthead_cells(
        self, masthead: Masthead, line_width: float
    ) -> tuple[Cell | None, Cell, Cell]:
        """The band's cells: the logo's (None without one), the organization's and
        the audience and date's, all in the primary colour. The audience and date
        take as wide a cell as their wider line (``line_width``), up to two fifths of
        what the logo leaves (a longer audience's name wraps), and the organization's
        name the rest: a long name wraps no sooner than it must."""
        fill = self.theme.primary
        pad = self.masthead_pad
        # Above and below: a name of three lines or more makes the band taller than
        # its 54 pt, and keeps this margin rather than touch the band's edges.
        edge = (self.masthead_height - self.logo_height) / 2
        logo = None
        used = 0.0
        if masthead.logo is not None:
            logo = Cell(self.logo_width(masthead.logo) + pad, (edge, 0.0, edge, pad), fill)
            used = logo.width
        right = min((self.frame_width - used) * 0.4, line_width + _WIDTH_TO_SPARE + pad)
        organization = Cell(self.frame_width - used - right, (edge, pad, edge, pad), fill)
        return logo, organization, Cell(right, (edge, pad, edge, 0.0), fill)

    @cached_property
    def table_cell(self) -> TextStyle:
        """A table's text: a little smaller than the body, no space around it."""
        return self._text(0.9, 1.25, NOTE_FLOOR)

    @cached_property
    def table_header(self) -> TextStyle:
        """A table's header row: bold, white on the primary colour."""
        return replace(self.table_cell, bold=True, color=WHITE)

    def link_colour(self, text: TextStyle) -> RGB:
        """The colour of a link in a paragraph of ``text``: the primary colour,
        underlined; but white type stands on the primary colour (a table's header
        row), where a link in it would vanish, so a link there keeps the white."""
        return WHITE if text.color == WHITE else self.theme.primary

    @property
    def table_padding(self) -> tuple[float, float, float, float]:
        return (3.0, 5.0, 3.0, 5.0)

    def table_row(self, widths: list[float], index: int) -> list[Cell]:
        """Row ``index`` of a table (0: the header) of columns ``widths`` wide: the
        header on the primary colour, then every other row on the tint."""
        fill = self.theme.primary if index == 0 else self.theme.tint if index % 2 == 0 else None
        return [Cell(width, self.table_padding, fill) for width in widths]

    @property
    def body_rule(self) -> float:
        """A thematic break's hairline; the body's space after a paragraph below it."""
        return 0.5

    # --- footer ------------------------------------------------------------------

    @property
    def footer_rule(self) -> float:
        """The hairline above the footer: its width, then the space below it."""
        return 0.75

    @property
    def footer_rule_space(self) -> float:
        return 5.0

    @cached_property
    def footer_line(self) -> TextStyle:
        """Web address and date line, set flush right under the QR code, at the
        margin: the notes' size, so the footer reads as one block of small type (and
        its column stays narrow, leaving the notes beside it room)."""
        return self._text(0.72, MIN_LEADING, NOTE_FLOOR, color=self.theme.muted, align="right")

    @cached_property
    def footer_contact(self) -> TextStyle:
        """The contact line under the notes, at the left: as the footer's lines, a
        note's space after the notes above it."""
        space = twentieths(self.note.leading / 2)
        return replace(self.footer_line, align="left", space_before=space)

    def footer_cells(self, qr_size: float, text_width: float) -> list[Cell]:
        """The footer's row below its rule: the notes at the left, and at the right,
        a gutter away, a column as wide as the QR code (``qr_size``; 0 without one) or
        the widest of its lines (``text_width``), at most a third of the frame (its
        lines wrap beyond), holding the code and under it the address, contact and
        date lines. Beside the notes rather than under them, the column costs the
        page no height unless it is taller than the notes."""
        side = max(qr_size, min(text_width, self.footer_text_limit) + _WIDTH_TO_SPARE)
        return [
            Cell(self.frame_width - side - self.gutter),
            Cell(side + self.gutter, (0.0, 0.0, 0.0, self.gutter)),
        ]

    def note_cells(self, width: float) -> list[Cell]:
        """The source notes in two columns across ``width`` (the notes' part of the
        footer), a gutter apart: the left one, then the right one with the gutter as
        its left padding, as the footer's right-hand column has."""
        column = twentieths((width - self.gutter) / 2)
        return [Cell(column), Cell(width - column, (0.0, 0.0, 0.0, self.gutter))]

    @property
    def footer_text_limit(self) -> float:
        """The widest line of the footer's right-hand column (a third of the frame,
        less what it keeps to spare); a longer word is broken to fit it."""
        return self.frame_width / 3 - _WIDTH_TO_SPARE

    def qr_cells(self, qr_size: float, width: float) -> list[Cell]:
        """A QR code in the flow: the code, then its address beside it."""
        return [Cell(qr_size), Cell(width - qr_size, (0.0, 0.0, 0.0, self.gutter / 2))]

    def qr_address_beside(self, qr_size: float, width: float) -> bool:
        """Whether a QR code's address fits beside it in a column ``width`` wide;
        else (a sidebar) it goes below the code, across the column, rather than be
        cut into pieces a few letters long."""
        return self.qr_cells(qr_size, width)[1].inner >= QR_ADDRESS_MIN

    @property
    def footer_tail(self) -> float:
        """The empty line that ends the footer below its row (Word ends a footer
        with a paragraph)."""
        return 1.0

    @property
    def qr_size(self) -> float:
        """The least size of a QR code with its quiet zone; a code is drawn larger
        until the code itself is 2 cm across (:func:`~briefgen.graphics.qr.qr_min_size`)."""
        return 64.0

    def with_body_size(self, size: float) -> Style:
        """This style at another body size (:meth:`shared`)."""
        return replace(self, body_size=size).shared()

    def shared(self) -> Style:
        """This style, or the equal one made before it (of the last
        :data:`_STYLES_KEPT`): what a style works out for itself (its text styles,
        its cells) is kept in it, so every copy of a batch then uses what the first
        worked out instead of working it out again, and hashing it anew as a layout's
        key."""
        return _shared(self)


# Styles shared (page sizes, themes and body sizes a process sets briefs in).
_STYLES_KEPT = 64


@lru_cache(maxsize=_STYLES_KEPT)
def _shared(style: Style) -> Style:
    return style
