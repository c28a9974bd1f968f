"""The format-neutral document model between templates and renderers.

A brief is a :class:`Document`: a tuple of small frozen blocks, and the page's
furniture around them. Each block remembers the template file and line it came
from, so layout errors point at the template. The PDF and DOCX renderers both
consume this model and nothing else; neither output is made from the other.

The page has regions, top to bottom, each drawn by both renderers with the same
geometry (``style.py``):

- the **masthead** (:class:`Masthead`): a band with the logo, the organization,
  the audience and the date;
- the **body**: the blocks in order. Full width, except that an :class:`Columns`
  block sets its ``main`` blocks in the main column with its ``aside`` blocks in a
  sidebar beside them;
- the **footer** (:class:`Footer`), pinned to the bottom of the page: the source
  notes (the document's :class:`Notes` block, wherever it stands among the blocks),
  then contact, web address, QR code and the "Updated" date.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Literal

from briefgen.errors import Location
from briefgen.kept import KeptByText

# --- inline runs -------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A run of text with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str = ""  # a link's address (http, https or mailto); empty when not a link
    # The language tag of a passage in another language than the brief's (a source's
    # English title in a Spanish brief); empty for the brief's own.
    language: str = ""


@dataclass(frozen=True)
class Cite:
    """A citation of one or more facts (cited side by side); ``notes`` holds the
    numbers of their sources in the notes, filled in by numbering."""

    fact_ids: tuple[str, ...]
    notes: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        """The superscript a reader sees: ``3`` or ``2,3``."""
        return ",".join(str(n) for n in sorted(set(self.notes)))


@dataclass(frozen=True)
class LineBreak:
    """A hard line break inside a paragraph: between words, or ``within_word``
    (a word too wide for its line, cut)."""

    within_word: bool = False


Inline = Span | Cite | LineBreak
Inlines = tuple[Inline, ...]


def plain_text(inlines: Inlines, citations: bool = True) -> str:
    """The words of a run of inlines as a reader sees them (citations as their note
    numbers, or left out)."""
    parts: list[str] = []
    for item in inlines:
        if isinstance(item, Span):
            parts.append(item.text)
        elif isinstance(item, Cite):
            if citations:
                parts.append(item.label)
        else:
            parts.append("\n")
    return "".join(parts)


def without_format_characters(text: str) -> str:
    """``text`` as a reader hears it: without the invisible format characters (Unicode
    Cf: a soft hyphen, a word joiner, a zero-width space) that only shape its lines;
    PDFDocEncoding, in which a PDF writes its Info and link descriptions, has no code
    for a soft hyphen. ASCII has none; another text is read once per process (a
    copy's title, subject and author are its batch's)."""
    return text if text.isascii() else _without_format_characters(text)


def _read_without_format_characters(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


_without_format_characters = KeptByText(_read_without_format_characters, maxsize=256)


# --- blocks ------------------------------------------------------------------


@dataclass(frozen=True)
class Droppable:
    """Marks blocks the fitter may drop, group by group, lowest priority first."""

    group: int
    priority: int = 1


@dataclass(frozen=True)
class Block:
    """Common to every block: where it came from, and whether it may be dropped."""

    location: Location
    droppable: Droppable | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class Heading(Block):
    """A heading: level 1 the brief's title, 2 and below its sections' headings."""

    level: int
    inlines: Inlines


@dataclass(frozen=True)
class Paragraph(Block):
    """A paragraph of body text."""

    inlines: Inlines


# How deep lists nest: a bullet for each level, each level one indent further in.
LIST_LEVELS = 3
# The highest number a Word or LibreOffice list counts to (LibreOffice prints 32768 as 1).
MAX_LIST_NUMBER = 32767


@dataclass(frozen=True)
class BulletList(Block):
    """A run of list items at one depth. A list nested in an item splits its parent
    list into runs: the items up to that item, the nested run one level deeper, then
    the parent's remaining items, which ``resumes`` the first run's numbering."""

    items: tuple[Inlines, ...]
    ordered: bool = False
    start: int = 1  # the first item's number, in an ordered run
    depth: int = 0  # 0 at the top, 1 in a top-level item, 2 in a nested item
    resumes: bool = False  # continues the list of the run before the last nested run
    closes: bool = True  # the whole list ends with this run


@dataclass(frozen=True)
class Callout(Block):
    """A key number: the figure large, a short label beside it, and its citation."""

    figure: str
    label: Inlines


@dataclass(frozen=True)
class Quote(Block):
    """A pull quote and who said it."""

    inlines: Inlines
    # Who said it, without the dash the page prints before it: plain words, some
    # perhaps marked in another language than the brief's.
    attribution: Inlines = ()


@dataclass(frozen=True)
class Note:
    """One numbered source note of the :class:`Notes` block."""

    number: int
    text: str
    # The text in runs, each passage in another language marked (``Span.language``);
    # empty when it is all in the brief's.
    spans: tuple[Span, ...] = ()

    @property
    def line(self) -> Inlines:
        """The note as printed: its number, then its text."""
        return (
            (Span(f"{self.number}. "), *self.spans)
            if self.spans
            else (Span(f"{self.number}. {self.text}"),)
        )


@dataclass(frozen=True)
class Notes(Block):
    """The numbered source notes; filled in once citations are numbered."""

    title: str = "Sources"
    entries: tuple[Note, ...] = ()


@dataclass(frozen=True)
class Picture:
    """An image's bytes (PNG or JPEG) and what it shows; ``alt`` empty marks a
    decorative picture (a logo beside the organization's name)."""

    data: bytes = field(repr=False)
    format: str  # "png" or "jpeg"
    width_px: int
    height_px: int
    alt: str = ""


@dataclass(frozen=True)
class Image(Block):
    """A picture in the flow, as wide as ``width`` points at most (its column's width
    when larger)."""

    picture: Picture
    width: float


@dataclass(frozen=True)
class CardRow(Block):
    """Two or three key numbers side by side, each in a tinted card."""

    cards: tuple[Callout, ...]


@dataclass(frozen=True)
class Box(Block):
    """A tinted box holding a few blocks: the ask, the bottom line up front."""

    blocks: tuple[AnyBlock, ...]


@dataclass(frozen=True)
class Bar:
    """One bar of a chart (or the share a pictogram fills): a fact's value."""

    label: str
    value: float
    figure: str  # the value as the page prints it ("5,544", "over 70,000", "86%")
    fact_id: str


@dataclass(frozen=True)
class Chart(Block):
    """A chart drawn from facts: ``bar`` compares facts with the same unit; a
    ``pictogram`` fills ``bars[0].value`` of 100 figures. ``alt`` says the same in
    words (values, units, periods); ``caption`` cites the facts."""

    kind: str  # "bar" or "pictogram"
    title: str
    bars: tuple[Bar, ...]
    unit: str
    alt: str
    caption: Inlines


@dataclass(frozen=True)
class QrCode(Block):
    """A QR code for ``url`` in the flow, with the address printed beside it; ``alt``
    its alternative text in the brief's language ("Código QR: …"), English when empty."""

    url: str
    alt: str = ""


Alignment = Literal["left", "center", "right"]
# Columns of a table: more would not read on a one-page brief.
MAX_TABLE_COLUMNS = 8


@dataclass(frozen=True)
class Table(Block):
    """A table of text: a header row, then its rows; each cell a run of inlines, each
    column aligned as the template's delimiter row says (``---:`` right)."""

    header: tuple[Inlines, ...]
    rows: tuple[tuple[Inlines, ...], ...]
    align: tuple[Alignment, ...]

    def cells(self) -> list[Inlines]:
        """Every cell, row by row, the header first: reading order."""
        return [*self.header, *(cell for row in self.rows for cell in row)]


@dataclass(frozen=True)
class HorizontalRule(Block):
    """A thematic break (``---``): a hairline across the column between two blocks."""


@dataclass(frozen=True)
class Columns(Block):
    """A main column with a sidebar beside it (``::: aside``)."""

    main: tuple[AnyBlock, ...]
    aside: tuple[AnyBlock, ...]


AnyBlock = (
    Heading
    | Paragraph
    | BulletList
    | Callout
    | Quote
    | Notes
    | Image
    | QrCode
    | CardRow
    | Box
    | Chart
    | Table
    | HorizontalRule
    | Columns
)


@dataclass(frozen=True)
class Masthead:
    """The band at the top of the page."""

    organization: str
    audience: str
    date: str  # as printed: "November 2026"
    logo: Picture | None = None


@dataclass(frozen=True)
class Footer:
    """What the bottom of the page holds besides the notes: contact lines, the web
    address, the address the QR code encodes (none when empty), the date line."""

    contact: tuple[str, ...] = ()
    website: str = ""
    qr_url: str = ""
    updated: str = ""  # "Updated November 2026"
    qr_alt: str = ""  # the QR code's alt text in the brief's language; English when empty

    @property
    def is_empty(self) -> bool:
        return not (self.contact or self.website or self.qr_url or self.updated)


# Word refuses a document property (title, author, subject, ...) longer than this.
WORD_PROPERTY_LIMIT = 255
# A longer address makes a QR code too dense to scan from paper at a couple of cm.
MAX_QR_CHARS = 300


@dataclass(frozen=True)
class Metadata:
    """Document properties written into both PDF and DOCX (each at most
    :data:`WORD_PROPERTY_LIMIT` characters)."""

    title: str
    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()
    language: str = "en-US"
    date: str = ""  # ISO date (YYYY-MM-DD) the brief is dated; the files' dates too
    organization: str = ""  # the DOCX's company


@dataclass(frozen=True)
class Document:
    """One brief, ready to lay out: its blocks and its properties."""

    name: str
    blocks: tuple[AnyBlock, ...]
    metadata: Metadata
    source: Location
    masthead: Masthead | None = None
    footer: Footer = Footer()

    @cached_property
    def cited(self) -> tuple[str, ...]:
        """Fact ids in the order they are first cited, worked out once for the
        document (a batch copy's notes, warnings and manifest each ask)."""
        return tuple(dict.fromkeys(f for block in self.blocks for f in cited_fact_ids(block)))

    @cached_property
    def walked(self) -> tuple[AnyBlock, ...]:
        """Every block, nested ones right after the block holding them (:func:`walk`),
        worked out once for the document: a copy's fitter, renderer, glyph check and
        warnings each walk it."""
        return tuple(walk(self.blocks))

    def without(self, group: int) -> Document:
        """The same document with one droppable group removed."""
        return self.without_groups({group})

    def without_groups(self, groups: set[int]) -> Document:
        """The same document with the droppable groups ``groups`` removed, wherever
        their blocks stand (inside a box or a column too). With none to remove, the
        document itself: what is worked out once for it (the facts it cites) is not
        worked out again for a copy of it (the fitter's first version)."""
        if not groups:
            return self
        return replace(self, blocks=_without(self.blocks, groups))

    def droppable_groups(self) -> list[Droppable]:
        """Each droppable group once, in the order the fitter drops them."""
        groups: dict[int, Droppable] = {}
        for block in self.walked:
            if block.droppable:
                groups.setdefault(block.droppable.group, block.droppable)
        # Lowest priority first; among equals, the one further down the page first.
        return sorted(groups.values(), key=lambda d: (d.priority, -d.group))


def children(block: AnyBlock) -> tuple[AnyBlock, ...]:
    """The blocks a block holds: a box's, a column's main then its aside."""
    if isinstance(block, Box):
        return block.blocks
    if isinstance(block, Columns):
        return block.main + block.aside
    if isinstance(block, CardRow):
        return block.cards
    return ()


# The blocks that hold others (see children).
_HOLDING = (Box, Columns, CardRow)


def walk(blocks: tuple[AnyBlock, ...]) -> list[AnyBlock]:
    """Every block, nested ones right after the block holding them (reading order:
    a column's main blocks before its sidebar's)."""
    out: list[AnyBlock] = []
    for block in blocks:
        out.append(block)
        # Most blocks hold none: one test, no call, for them (a copy walks ~300).
        if isinstance(block, _HOLDING):
            out.extend(walk(children(block)))
    return out


def _without(blocks: tuple[AnyBlock, ...], groups: set[int]) -> tuple[AnyBlock, ...]:
    orphans = _orphaned_headings(blocks, groups)
    kept: list[AnyBlock] = []
    for index, block in enumerate(blocks):
        if (block.droppable and block.droppable.group in groups) or index in orphans:
            continue
        if isinstance(block, Box):
            block = replace(block, blocks=_without(block.blocks, groups))
        elif isinstance(block, Columns):
            main, aside = _without(block.main, groups), _without(block.aside, groups)
            if not aside:
                # Every block of the sidebar dropped: its main column stands alone, not
                # beside an empty tinted sidebar.
                kept.extend(main)
                continue
            block = replace(block, main=main, aside=aside)
        elif isinstance(block, CardRow):
            cards = _without(block.cards, groups)
            block = replace(block, cards=tuple(c for c in cards if isinstance(c, Callout)))
        kept.append(block)
    return tuple(kept)


def _orphaned_headings(blocks: tuple[AnyBlock, ...], groups: set[int]) -> set[int]:
    """The indexes of the headings in ``blocks`` whose every block, to the next heading
    as high or to the end, is in ``groups``: left, a heading would stand over nothing
    (at the foot of its column, or over the next section)."""
    orphans = set()
    for index, block in enumerate(blocks):
        if not isinstance(block, Heading) or block.level == 1:  # the title always stays
            continue
        end = index + 1
        while end < len(blocks):
            after = blocks[end]
            if isinstance(after, Heading) and after.level <= block.level:
                break
            end += 1
        # notes() marks where the notes go in the footer, not text under the heading.
        section = [b for b in blocks[index + 1 : end] if not isinstance(b, Notes)]
        if section and all(b.droppable and b.droppable.group in groups for b in section):
            orphans.add(index)
    return orphans


# How a message names a block: its kind in a reader's words, where the class name is
# not one ("list", not "bulletlist").
_BLOCK_WORDS = {
    "BulletList": "list",
    "QrCode": "QR code",
    "Image": "picture",
    "HorizontalRule": "rule (---)",
    "CardRow": "row of cards",
    "Columns": "sidebar",
    "Notes": "list of source notes",
}


def attribution_line(quote: Quote) -> Inlines:
    """The line under a quote as printed: a dash, then who said it (one run with the
    first words when they are in the brief's language)."""
    first, *rest = quote.attribution or (Span(""),)
    if isinstance(first, Span) and not first.language:
        return (replace(first, text=f"\u2014 {first.text}"), *rest)
    return (Span("\u2014 "), first, *rest)


def block_word(block: AnyBlock) -> str:
    """What ``block`` is, for a message: "paragraph", "list", "picture"..."""
    name = type(block).__name__
    return _BLOCK_WORDS.get(name, name.lower())


def block_text(block: AnyBlock, citations: bool = True) -> str:
    """All the words of a block, as a reader sees them (with or without note numbers)."""
    if isinstance(block, Heading | Paragraph):
        return plain_text(block.inlines, citations)
    if isinstance(block, BulletList):
        return "\n".join(plain_text(item, citations) for item in block.items)
    if isinstance(block, Callout):
        return f"{block.figure}\n{plain_text(block.label, citations)}"
    if isinstance(block, Quote):
        quote = plain_text(block.inlines, citations)
        who = plain_text(block.attribution)
        return quote + (f"\n{who}" if who else "")
    if isinstance(block, Notes):
        return "\n".join(f"{n.number}. {n.text}" for n in block.entries)
    if isinstance(block, Image):
        return ""
    if isinstance(block, QrCode):
        return block.url
    if isinstance(block, Table):
        rows = (block.header, *block.rows)
        return "\n".join(" ".join(plain_text(c, citations) for c in row) for row in rows)
    if isinstance(block, Chart):
        texts = [block.title, *(f"{b.label} {b.figure}" for b in block.bars)]
        return "\n".join([*texts, plain_text(block.caption, citations)])
    return "\n".join(block_text(child, citations) for child in children(block))


def inline_groups(block: AnyBlock) -> list[Inlines]:
    """Every run of inlines a block holds itself (a list has one per item); the runs
    of the blocks it holds are theirs (:func:`walk`)."""
    if isinstance(block, Heading | Paragraph | Quote):
        return [block.inlines]
    if isinstance(block, Callout):
        return [block.label]
    if isinstance(block, BulletList):
        return list(block.items)
    if isinstance(block, Table):
        return block.cells()
    if isinstance(block, Chart):
        return [block.caption]
    return []


def map_inlines(block: AnyBlock, change: Callable[[Inlines], Inlines]) -> AnyBlock:
    """The block with ``change`` applied to each of its runs of inlines, and to those
    of every block it holds."""
    if isinstance(block, Heading | Paragraph | Quote):
        return replace(block, inlines=change(block.inlines))
    if isinstance(block, Callout):
        return replace(block, label=change(block.label))
    if isinstance(block, BulletList):
        return replace(block, items=tuple(change(item) for item in block.items))
    if isinstance(block, Table):
        return replace(
            block,
            header=tuple(change(cell) for cell in block.header),
            rows=tuple(tuple(change(cell) for cell in row) for row in block.rows),
        )
    if isinstance(block, Chart):
        return replace(block, caption=change(block.caption))
    if isinstance(block, Box):
        return replace(block, blocks=tuple(map_inlines(b, change) for b in block.blocks))
    if isinstance(block, Columns):
        return replace(
            block,
            main=tuple(map_inlines(b, change) for b in block.main),
            aside=tuple(map_inlines(b, change) for b in block.aside),
        )
    if isinstance(block, CardRow):
        cards = (map_inlines(c, change) for c in block.cards)
        return replace(block, cards=tuple(c for c in cards if isinstance(c, Callout)))
    return block


def cited_fact_ids(block: AnyBlock) -> list[str]:
    """The fact ids a block cites, in order (those of the blocks it holds too)."""
    return [
        fact_id
        for inner in walk((block,))
        for inlines in inline_groups(inner)
        for run in inlines
        if isinstance(run, Cite)
        for fact_id in run.fact_ids
    ]
