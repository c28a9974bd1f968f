"""Renderers by output format. Each takes a fitted document and its style and
returns the file's bytes; modules are imported only when that format is built.

Here too is what both formats lay out alike: the notes' labels and columns, the
headings' outline levels, where a link may break, the footer's and the contact
line's text, the widths of the footer's and the masthead's lines, a QR code's size."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefgen.model import (
        AnyBlock,
        Cite,
        Document,
        Footer,
        Inline,
        Inlines,
        Masthead,
        Notes,
    )
    from briefgen.style import Style, TextStyle

# format name -> (module, function); the file suffix is the format name.
RENDERERS: dict[str, tuple[str, str]] = {
    "pdf": ("briefgen.renderers.pdf", "render_pdf_bytes"),
    "docx": ("briefgen.renderers.docx", "render_docx"),
}
FORMATS = tuple(RENDERERS)

# A renderer writes a text it meets again in a batch's next copy once per process
# (the PDF's markup, the DOCX's paragraphs) when it is at most this long: a template
# decides how long a text is, and a longer one is not kept.
KEPT_TEXT_LENGTH = 1000

# Between a note number and a digit before it (FY 2023, note 3): a no-break space,
# so extracted text reads "2023 3", not "20233", and no line breaks there.
NOTE_SEPARATOR = "\u00a0"


def note_label(cite: Cite, before: str) -> str:
    """A citation's superscript as both formats print it after the text ``before``
    it: kept apart from a digit by :data:`NOTE_SEPARATOR`."""
    if not cite.label:
        return ""
    return (NOTE_SEPARATOR if before[-1:].isdigit() else "") + cite.label


class Outline:
    """Where a page's headings stand in its outline, 1 the top, the same in both files:
    the PDF's H1, H2... and the DOCX's outline levels (Word's navigation pane, its
    accessibility checker, a screen reader's list of headings). A heading of the
    page's least level (its title, or each section heading of a brief without one)
    is at the top, and so is the first heading, whatever its level (PDF/UA: the first
    is H1; a heading above the title, which check warns of); any other a level below.
    A chart's title goes a level below the heading above it (at the top before any),
    so no level is skipped (WCAG 1.3.1)."""

    def __init__(self, blocks: tuple[AnyBlock, ...] = ()) -> None:
        from briefgen.model import Heading, walk

        levels = [block.level for block in walk(blocks) if isinstance(block, Heading)]
        self.top = min(levels, default=1)  # the page's least heading level
        self.headed = False  # whether a heading has been placed yet
        self.level = 0  # the outline level of the last heading placed (0: none yet)

    def heading(self, level: int) -> int:
        """The outline level of the page's next heading, of (Markdown) ``level``."""
        top = level <= self.top or not self.headed
        self.headed, self.level = True, 1 if top else 2
        return self.level

    def minor(self) -> int:
        """The outline level of a title set as a heading that heads no section (a
        chart's): a level below the last heading, the top before any."""
        return min(self.level + 1, 6) if self.headed else 1


def link_goes_on(inlines: Inlines, index: int) -> bool:
    """Whether the line break ``inlines[index]`` stands inside a link, between two
    runs of one address: a long address broken to fit its lines is still one link
    (:mod:`briefgen.renderers.breaks`, :func:`footer_lines`)."""
    from briefgen.model import Span

    if not 0 < index < len(inlines) - 1:
        return False
    before, after = inlines[index - 1], inlines[index + 1]
    if not (isinstance(before, Span) and isinstance(after, Span)):
        return False
    return bool(before.href) and before.href == after.href


def render(fmt: str, document: Document, style: Style) -> bytes:
    """Render ``document`` in format ``fmt`` (one of :data:`FORMATS`)."""
    module_name, function = RENDERERS[fmt]
    renderer = getattr(import_module(module_name), function)
    data: bytes = renderer(document, style)
    return data


def web_link(address: str) -> str:
    """The link of a printed web address (``example.org/x`` links to https)."""
    return address if "://" in address else f"https://{address}"


# The longest contact item (characters) kept on one line of the footer's contact line.
KEPT_CONTACT_ITEM = 32


def contact_line(footer: Footer) -> Inlines:
    """The footer's contact lines (name, e-mail, phone) as one line apart by " · ",
    under the notes at the left (DESIGN.md: "contact at the left"); none without any.
    Under the QR code, a long name or address took a narrow column many lines tall,
    which made the footer taller than its notes."""
    from briefgen.model import Span

    # A short item (a phone number, an e-mail address) is kept on one line, and the
    # dot stays at the end of the line, never starting one.
    items = [
        item.replace(" ", "\u00a0") if len(item) <= KEPT_CONTACT_ITEM else item
        for item in footer.contact
    ]
    return (Span("\u00a0\u00b7 ".join(items)),) if items else ()


# The source notes may go into two columns when, set in one, they take more lines
# than this: a few lines read well across the footer (two columns would set a couple
# of short notes side by side like a table); more make a block of lines of some 110
# characters, too long to read (DESIGN.md: lines of 45-90 characters; "source notes
# (two columns if long)").
NOTES_ONE_COLUMN_LINES = 3


@dataclass(frozen=True)
class NoteColumns:
    """The source notes in two columns (:meth:`Style.note_cells`): the heading and
    notes ``1..split`` at the left, the rest and the contact line at the right, its
    first note ``offset`` points down (the heading's height, with the space under it),
    level with the left column's first."""

    split: int
    offset: float


def note_columns(
    notes: Iterable[Notes], contact: Inlines, style: Style, width: float
) -> NoteColumns | None:
    """How both formats set the footer's source notes (and the ``contact`` line under
    them) in a part ``width`` wide: in two columns when there is one list of notes, of
    at least two, that would take more than :data:`NOTES_ONE_COLUMN_LINES` lines across
    it, and the two columns are no taller than the one (a taller footer would take the
    body's room: the fitter would drop a block for it); else None, one column. The
    split is the note after which the columns come out nearest the same height (the
    left one the taller of two splits as good). Every height is counted in lines by
    :func:`~briefgen.renderers.breaks.line_count`, which both formats break lines as,
    so each splits at the same note; a note is never split."""
    listed = tuple(notes)
    if len(listed) != 1 or len(listed[0].entries) < 2:
        return None
    return _note_columns(listed[0], contact, style, width)


@lru_cache(maxsize=64)
def _note_columns(notes: Notes, contact: Inlines, style: Style, width: float) -> NoteColumns | None:
    from briefgen.model import Span
    from briefgen.renderers.breaks import line_count, line_width

    family, note, heading, below = (
        style.theme.font,
        style.note,
        style.notes_heading,
        style.footer_contact,
    )
    entries = [entry.line for entry in notes.entries]
    gap = max(note.space_after, note.space_before)

    def lines(inlines: Inlines, text: TextStyle, column: float) -> int:
        return line_count(inlines, text, family, line_width(style, text, column))

    def heading_height(column: float) -> float:
        height = lines((Span(notes.title),), heading, column) * heading.leading
        return height + max(heading.space_after, note.space_before)

    def notes_height(texts: list[Inlines], column: float, ends: bool) -> float:
        """``texts`` one below the other, and the contact line if ``ends``."""
        height = sum(lines(text, note, column) * note.leading for text in texts)
        height += gap * (len(texts) - 1)
        if ends and contact:
            height += max(note.space_after, below.space_before)
            height += lines(contact, below, column) * below.leading
        return height

    if sum(lines(entry, note, width) for entry in entries) <= NOTES_ONE_COLUMN_LINES:
        return None
    left, right = (cell.inner for cell in style.note_cells(width))

    def taller(split: int) -> float:
        return max(
            notes_height(entries[:split], left, False),
            notes_height(entries[split:], right, True),
        )

    best = min(range(1, len(entries)), key=lambda split: (taller(split), -split))
    offset = heading_height(left)
    if offset + taller(best) > heading_height(width) + notes_height(entries, width, True):
        return None
    return NoteColumns(best, offset)


def footer_lines(footer: Footer, style: Style) -> list[Inlines]:
    """The lines under the footer's QR code, beside the notes, each with its link:
    the web address, the QR code's address when it is another one, the date line. A
    word wider than the column (a long address) is broken to fit it where both formats
    break it: :func:`~briefgen.renderers.breaks.broken_word`."""
    return list(_footer_lines(footer, style))


# Footers whose lines are kept: every copy of a batch's audience has the same, and
# breaking its address measured it a piece at a time.
_FOOTERS_KEPT = 64


@lru_cache(maxsize=_FOOTERS_KEPT)
def _footer_lines(footer: Footer, style: Style) -> tuple[Inlines, ...]:
    """:func:`footer_lines`, kept by the footer and the style (frozen: their fields
    are the key)."""
    from briefgen.model import LineBreak, Span
    from briefgen.renderers.breaks import broken_word

    texts: list[tuple[str, str]] = []
    if footer.website:
        texts.append((footer.website, web_link(footer.website)))
    if footer.qr_url and footer.qr_url != web_link(footer.website):
        texts.append((footer.qr_url, footer.qr_url))
    if footer.updated:
        texts.append((footer.updated, ""))
    fits = _fits(style)
    lines: list[Inlines] = []
    for text, href in texts:
        words = ["\n".join(broken_word(word, fits)) for word in text.split(" ")]
        pieces = " ".join(words).split("\n")
        runs: list[Inline] = []
        pieces_before = ""
        for piece in pieces:
            if runs:
                # After "Download: ", between words; else in a word cut to fit.
                runs.append(LineBreak(within_word=not pieces_before.endswith(" ")))
            runs.append(Span(piece, href=href))
            pieces_before = piece
        lines.append(tuple(runs))
    return tuple(lines)


def _widest(texts: Iterable[str], style: Style, size: float) -> float:
    """The width (points) of the widest of ``texts`` at ``size`` as both formats set
    it: the metrics of the PDF's font, which the DOCX's font shares (0 for none)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from briefgen.renderers.pdf import register_fonts

    family = style.theme.font
    register_fonts((), family)
    return float(max((stringWidth(text, family.pdf_name, size) for text in texts), default=0.0))


def _fits(style: Style) -> Callable[[str], bool]:
    """Whether a text fits the footer's column on one line."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from briefgen.renderers.pdf import register_fonts

    family = style.theme.font
    register_fonts((), family)
    size, limit = style.footer_line.size, style.footer_text_limit

    def fits(text: str) -> bool:
        return bool(stringWidth(text, family.pdf_name, size) <= limit)

    return fits


def footer_text_width(lines: list[Inlines], style: Style) -> float:
    """The width (points) of the footer's widest line (of :func:`footer_lines`) as
    both formats set it."""
    from briefgen.model import Span

    runs = (run.text for line in lines for run in line if isinstance(run, Span))
    return _widest(runs, style, style.footer_line.size)


def masthead_line_width(masthead: Masthead, style: Style) -> float:
    """The width (points) of the wider of the masthead's audience and date lines, as
    both formats set them."""
    return _widest((masthead.audience, masthead.date), style, style.masthead_line.size)


def qr_size(url: str, style: Style) -> float:
    """The side of a QR code for ``url`` (quiet zone included): the style's, or more
    for an address too long for its modules to print clearly at that size."""
    from briefgen.graphics.qr import qr_min_size

    return max(style.qr_size, qr_min_size(url))
