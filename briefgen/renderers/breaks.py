"""Where both formats break a word too wide for its line.

A word wider than its line (a long web address printed bare, the address of a QR
code in its narrow cell) is broken differently by each format: reportlab breaks it
wherever the line is full, starting on the line where the word begins; Word and
LibreOffice move it to a line of its own and break it after marks of their own
choosing (``/``, ``?``, ``-``, not always the same). The DOCX then took more lines
than the PDF the fitter measured, and could lay out on two pages. So neither format
is left to choose: such a word starts a line of its own and is cut, with hard line
breaks in the model both renderers draw, into pieces that each fit the line with
room to spare, after a mark of the address when one comes late enough in the piece.
Measured with the PDF's font metrics, which the DOCX's fonts share.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING, cast

from reportlab.pdfbase.pdfmetrics import stringWidth

from briefgen.model import Cite, Inline, Inlines, LineBreak, Span
from briefgen.renderers import note_label
from briefgen.renderers.geometry import font_variant

if TYPE_CHECKING:
    from briefgen.style import Style, TextStyle
    from briefgen.theme import FontFamily

# Where an address breaks best, and how far into a line the break must come. A dash
# too ("$1,000,000–$2,000,000"): else a range is cut inside its second number.
_ADDRESS_MARKS = ("/", "?", "&", "=", "#", "-", "_", ".", "@", "\u2013", "\u2014")
_EARLIEST_CUT = 0.6
_DASHES = ("\u2013", "\u2014")
# The room (in ems) a piece leaves at the end of its line: Word and LibreOffice round
# glyph widths to their own units, and may break a line that is within a point of
# full a word earlier.
_SPARE_EM = 0.5
# No glyph of a bundled font is wider than this (in ems; DejaVu Sans Bold's widest is
# 2.02), nor one of printable ASCII than the second (Liberation Sans's "@", 1.02): a word
# of fewer characters than its line holds at this width needs no measuring.
WIDEST_GLYPH_EM = 2.05
WIDEST_ASCII_EM = 1.05
# In a word's characters: where a note number stands (never cut into).
_NOTE = "\ufffc"


def broken_word(word: str, fits: Callable[[str], bool]) -> list[str]:
    """``word`` cut into pieces that each ``fits``: after a ``/``, ``?``, ``&`` or
    other mark of a web address, or a dash, when one comes late enough in the piece,
    else where the piece is full."""
    pieces: list[str] = []
    while (full := _longest_fitting(word, fits)) < len(word):
        cut = _cut(word, max(1, full))  # not even one character fits: one a line
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word] if word or not pieces else pieces


def _cut(word: str, full: int, start: int = 0) -> int:
    """Where to cut ``word[start:]``, whose first ``full`` characters fill a line
    (counted from ``start``): after the last address mark among them when it comes
    late enough, else after them all."""
    cut = _after_last_mark(word, start, start + full)
    if cut >= full * _EARLIEST_CUT:
        return cut
    # A range's dash, however early: else "$10,000,000–$20,000,000" is cut inside its
    # second number, which reads as another.
    dash = max((word.rfind(d, start, start + full) + 1 - start for d in _DASHES), default=0)
    return dash if dash > 0 else full


def _after_last_mark(word: str, start: int, end: int) -> int:
    """Just after the last address mark in ``word[start:end]``, counted from ``start``
    (0: none), but for a mark between two digits other than a dash: a decimal point
    ("0." over "0000596", which reads as another number) or a version's dot."""
    for index in range(end - 1, start - 1, -1):
        char = word[index]
        if char in _ADDRESS_MARKS and (char in _DASHES or not _between_digits(word, index)):
            return index + 1 - start
    return 0


def _between_digits(word: str, index: int) -> bool:
    return 0 < index < len(word) - 1 and word[index - 1].isdigit() and word[index + 1].isdigit()


def _longest_fitting(word: str, fits: Callable[[str], bool]) -> int:
    """The length of ``word``'s longest prefix that fits (all of it when it does).
    Prefixes of doubling length first, so a piece costs about its own length, not
    the rest of the word's."""
    low, size = 0, 1  # word[:low] fits
    while True:
        probe = min(size, len(word))
        if not fits(word[:probe]):
            high = probe - 1  # word[:high + 1] does not fit
            break
        low = probe
        if probe == len(word):
            return low
        size *= 2
    while low < high:
        middle = (low + high + 1) // 2
        if fits(word[:middle]):
            low = middle
        else:
            high = middle - 1
    return low


def line_width(style: Style, text: TextStyle, width: float | None) -> float:
    """How wide the lines of a paragraph in ``text``'s style run in a column ``width``
    wide (None: across the page's frame), between its indents."""
    column = style.frame_width if width is None else width
    return column - text.indent_left - text.indent_right


def wide_words_broken(
    inlines: Inlines, text: TextStyle, family: FontFamily, width: float
) -> Inlines:
    """``inlines`` with each word wider than lines ``width`` wide on a line of its
    own and cut into pieces that fit with room to spare, by :class:`LineBreak` runs;
    a link's pieces stay its own. Others are returned as they are."""
    if not _may_be_wider(inlines, width / text.size):
        return inlines
    return _broken(inlines, _Type(text.size, text.bold, text.italic, family), width)


def _may_be_wider(inlines: Inlines, ems: float) -> bool:
    """Whether a word of the paragraph (its runs joined, a note number as one
    character) could be wider than ``ems``, were its glyphs the widest there are."""
    joined = "".join(
        item.text if isinstance(item, Span) else _NOTE if isinstance(item, Cite) else "\n"
        for item in inlines
    )
    if len(joined) * WIDEST_GLYPH_EM <= ems:  # a heading, a label, a short line
        return False
    words = joined.replace("\u00a0", _NOTE).split()
    if max(map(len, words), default=0) * WIDEST_GLYPH_EM <= ems:  # most paragraphs
        return False
    return any(
        len(word) * (WIDEST_ASCII_EM if word.isascii() else WIDEST_GLYPH_EM) > ems for word in words
    )


@dataclass(frozen=True)
class _Type:
    """What a paragraph's letters measure by: its size, emphasis and font family."""

    size: float
    bold: bool
    italic: bool
    family: FontFamily


# A paragraph measured is kept: the fitter lays a brief out more than once, both
# formats break it, and a batch's copies repeat it.
@lru_cache(maxsize=256)
def _broken(inlines: Inlines, type_: _Type, width: float) -> Inlines:
    cells = list(_cells(inlines, type_))
    limit = width - _SPARE_EM * type_.size
    breaks: set[tuple[int, int]] = set()  # (inline, offset): a line break before
    released: set[tuple[int, int]] = set()  # (inline, offset): a no-break space let go
    for start, end in _word_spans(cells):
        # A word that fits is left whole (a table's columns are as wide as their
        # longest words, and a point or two to spare: geometry.table_widths).
        if sum(cell[3] for cell in cells[start:end]) > width:
            joins = _joins(cells, start, end, width)
            if joins:  # words joined (a label's last two) that fit each on its line
                released.update(joins)
            else:
                breaks.update(_word_breaks(cells, start, end, limit))
    if released:
        inlines = _with_spaces(inlines, released)
    return _with_breaks(inlines, breaks) if breaks else inlines


def _joins(cells: list[_Cell], start: int, end: int, width: float) -> list[tuple[int, int]]:
    """The no-break spaces of the word of ``cells[start:end]`` when each of the words
    they join fits ``width``: let go, the words wrap at them as at any space, rather
    than one of them being cut ("Expialidociou" over "sville"). Else none."""
    joins = [
        position
        for position in range(start, end)
        if cells[position][2] == "\u00a0" and not _marks_only(cells, position + 1, end)
    ]
    bounds = [start - 1, *joins, end]
    fits = all(
        sum(cell[3] for cell in cells[begin + 1 : stop]) <= width
        for begin, stop in pairwise(bounds)
    )
    return [cells[position][:2] for position in joins] if fits else []


def _marks_only(cells: list[_Cell], start: int, end: int) -> bool:
    """Whether the part of a word at ``start`` (up to its next no-break space or
    ``end``) has no letter or digit: a mark such as the contact line's " · ", which
    stays at the end of the line before rather than starting one."""
    for _, _, char, _ in cells[start:end]:
        if char == "\u00a0":
            break
        if char.isalnum():
            return False
    return True


def _with_spaces(inlines: Inlines, spaces: set[tuple[int, int]]) -> Inlines:
    """``inlines`` with a plain space for each no-break space at ``spaces``."""
    out = list(inlines)
    for index, offset in spaces:
        item = out[index]
        if isinstance(item, Span):  # as every cell of a no-break space is
            out[index] = replace(item, text=f"{item.text[:offset]} {item.text[offset + 1 :]}")
    return tuple(out)


# A character of a paragraph's runs: (inline index, offset in its text, character or
# _NOTE or "\n" for a line break, width in points).
_Cell = tuple[int, int, str, float]


# Each character's width, and each word's (_span_parts), once per font, face and
# size: a batch copy's paragraphs are new (its recipient's), and finding a character's
# face and width was most of measuring one. Characters and words kept per font and
# size, at most (a text of many scripts and words starts again).
_WIDTHS_KEPT = 4096


@lru_cache(maxsize=64)
def _widths(font: str, regular: str, bold: bool, size: float) -> dict[str, float]:
    """The widths found so far of characters and words set in ``font`` (of the
    family whose regular face is ``regular``) at ``size``: filled by :func:`_measure`
    and :func:`_span_parts`."""
    return {}


def _cells(inlines: Inlines, type_: _Type) -> Iterator[_Cell]:
    for index, (chars, widths) in enumerate(_measured(inlines, type_)):
        for offset, (char, width) in enumerate(zip(chars, widths, strict=True)):
            yield index, offset, char, width


def _measure(text: str, type_: _Type, known: dict[str, float], font: str, bold: bool) -> None:
    """Put the width of each character of ``text`` not ``known`` yet, set in ``font``
    (a bold face: ``bold``) or the fallback font's face that draws it, into ``known``."""
    from briefgen.renderers.pdf import fallback_face

    for char in set(text).difference(known):
        if char == "\u00ad":  # a soft hyphen prints nothing unless a line ends there
            known[char] = 0.0
            continue
        # fallback_face registers the fallback font when it asks it.
        drawn_in = fallback_face(char, type_.family.pdf_name, bold) or font
        known[char] = stringWidth(char, drawn_in, type_.size)


def _measured(inlines: Inlines, type_: _Type) -> list[tuple[str, list[float]]]:
    """Each of ``inlines`` as the characters it is measured by (a note number as
    one, a line break as ``"\n"``) and their widths in points."""
    from briefgen.renderers import note_label
    from briefgen.renderers.pdf import font_name, register_fonts

    family, size = type_.family, type_.size
    out: list[tuple[str, list[float]]] = []
    before = ""
    for item in inlines:
        if isinstance(item, Span):
            variant = font_variant(type_.bold or item.bold, type_.italic or item.italic)
            register_fonts((variant,), family)
            font = font_name(variant, family)
            bold = variant.startswith("bold")
            known = _widths(font, family.pdf_name, bold, size)
            if len(known) >= _WIDTHS_KEPT:
                known.clear()
            _measure(item.text, type_, known, font, bold)
            out.append((item.text, list(map(known.__getitem__, item.text))))
            before = item.text
        elif isinstance(item, Cite):
            # The PDF's superscript size (renderers.pdf.markup), a little room to spare.
            label = note_label(item, before)
            out.append((_NOTE, [stringWidth(label, family.pdf_name, size * 0.7)]))
            before = item.label
        else:
            out.append(("\n", [0.0]))
            before = ""
    return out


def _word_spans(cells: list[_Cell]) -> Iterator[tuple[int, int]]:
    """Each word's cells, as ``cells[start:end]``: the runs between spaces, line
    breaks and soft hyphens (a no-break space joins the words beside it). Both formats
    break a word at its soft hyphens alike, with a hyphen: only a part between two too
    wide for its line is left to :func:`_word_breaks`."""
    start = None
    for position, (_, _, char, _) in enumerate(cells):
        apart = char in "\n\u00ad" or (char.isspace() and char != "\u00a0")
        if apart:
            if start is not None:
                yield start, position
            start = None
        elif start is None:
            start = position
    if start is not None:
        yield start, len(cells)


def _word_breaks(
    cells: list[_Cell], start: int, end: int, limit: float
) -> Iterator[tuple[int, int]]:
    """Where the word of ``cells[start:end]`` is broken: before it, unless a line
    begins there already, then between pieces that each fit ``limit``."""
    if start > 0 and cells[start - 1][2] != "\n" and _cuttable(cells, start):
        yield cells[start][:2]
    chars = "".join(cell[2] for cell in cells[start:end])
    offset = 0  # the piece being cut begins at chars[offset]
    while True:
        used, full = 0.0, 0
        while start + offset + full < end:
            used += cells[start + offset + full][3]
            if used > limit:
                break
            full += 1
        if offset + full >= len(chars):
            return
        cut = _cut(chars, max(1, full), offset)
        # A note number is never cut off its word: cut before it, or after it.
        while cut > 1 and not _cuttable(cells, start + offset + cut):
            cut -= 1
        while offset + cut < len(chars) and not _cuttable(cells, start + offset + cut):
            cut += 1
        if offset + cut >= len(chars):
            return
        offset += cut
        yield cells[start + offset][:2]


def _cuttable(cells: list[_Cell], position: int) -> bool:
    """Whether a line may break before ``cells[position]``: not before or after a
    note number."""
    return cells[position][2] != _NOTE and cells[position - 1][2] != _NOTE


def _with_breaks(inlines: Inlines, breaks: set[tuple[int, int]]) -> Inlines:
    by_run: dict[int, list[int]] = {}
    for index, offset in sorted(breaks):
        by_run.setdefault(index, []).append(offset)
    out: list[Inline] = []
    before = " "  # the character before the next break: a space, where a word starts
    for index, item in enumerate(inlines):
        offsets = by_run.get(index)
        if not offsets or not isinstance(item, Span):
            out.append(item)
            # A note number or a line break: no space stands before what follows.
            before = (item.text[-1:] or before) if isinstance(item, Span) else _NOTE
            continue
        bounds = [0, *offsets, len(item.text)]
        for number, (begin, stop) in enumerate(pairwise(bounds)):
            if number:
                # Before a wide word, after the space that ends the line; else in it.
                out.append(LineBreak(within_word=not before.isspace()))
            if stop > begin:
                out.append(replace(item, text=item.text[begin:stop]))
                before = item.text[stop - 1]
    return tuple(out)


# Where LibreOffice ends a text portion inside a word: the non-breaking hyphen (Word's
# w:noBreakHyphen). Set in italic type, it is followed by its room for italic type
# (docx_blocks.italic_room), as the end of italic type is. A no-break space ends one
# too, but the DOCX sets it upright (docx_blocks._NO_BREAK_SPACES), where it needs none.
_PORTION_ENDS = ("\u2011",)


@dataclass(frozen=True)
class LineRoom:
    """How much more room than reportlab's lines LibreOffice needs to break a
    paragraph's lines where reportlab breaks them (:func:`line_room`)."""

    italic: int  # its room after italic type, times: for the line needing most
    full: bool  # whether a line comes within the spare of its end, with that room


def line_room(
    inlines: Inlines,
    text: TextStyle,
    family: FontFamily,
    width: float,
    room: float,
    spare: float,
) -> LineRoom:
    """What LibreOffice needs beyond ``width`` to break ``inlines`` where reportlab,
    filling lines ``width`` wide, breaks them: ``room`` after italic type where it
    ends (docx_blocks.italic_room) and after each non-breaking hyphen set in italic
    type, as many times as the fullest line needs; and whether a line, with those,
    comes within ``spare`` of its end, where LibreOffice's own glyph widths may take
    it past (docx_blocks.GLYPH_SPARE)."""
    type_ = _Type(text.size, text.bold, text.italic, family)
    return _line_room(inlines, type_, width, room, spare)


@lru_cache(maxsize=256)
def _line_room(inlines: Inlines, type_: _Type, width: float, room: float, spare: float) -> LineRoom:
    cells = list(_cells(inlines, type_))
    italic = [
        cell[2] != _NOTE
        and (type_.italic or (isinstance(item := inlines[cell[0]], Span) and item.italic))
        for cell in cells
    ]
    most, full = 0, False
    used, end = 0.0, 0  # how far the line reaches, and where its last word ends
    ended = 0  # the italic no-break characters on the line so far
    for start, stop in _word_spans(cells):
        word = sum(cell[3] for cell in cells[start:stop])
        gap = cells[end:start]
        if used and ("\n" in (cell[2] for cell in gap) or used + _width(gap) + word > width):
            used, ended = 0.0, 0
        elif used:
            used += _width(gap)
        for position in range(start, stop):
            used += cells[position][3]
            if italic[position] and cells[position][2] in _PORTION_ENDS:
                ended += 1
            last = position + 1 == stop or not italic[position + 1]
            needed = ended + (italic[position] and last)
            if needed > most and used + needed * room > width:
                most = needed
        full = full or used + ended * room > width - spare
        end = stop
    return LineRoom(most, full)


def _width(cells: list[_Cell]) -> float:
    return sum(cell[3] for cell in cells)


# Balancing a heading's lines: how many lines it may have, and the room (in ems) its
# longest balanced line keeps from the column's edge, so Word and LibreOffice, whose
# glyph widths round differently, never break a balanced line once more.
_BALANCED_LINES = 4
_BALANCE_SPARE_EM = 0.5


def balanced(inlines: Inlines, text: TextStyle, family: FontFamily, width: float) -> Inlines:
    """A heading that takes two to four lines ``width`` wide, with line breaks where
    its lines come out about as long as each other: the same number of lines, none
    ending in one short word ("Lessons from a / Border Chief" becomes "Fentanyl at the
    Border: / Lessons from a Border Chief"). Both formats draw the same breaks, so
    the heading has its lines in the DOCX as in the PDF. Left as it is: a heading of
    one line or more than four, one with a line break or link of its own, or one
    whose lines could not be shorter."""
    if not inlines or any(
        not isinstance(item, Span | Cite) or (isinstance(item, Span) and item.href)
        for item in inlines
    ):
        return inlines
    return _balanced(inlines, _Type(text.size, text.bold, text.italic, family), width)


@lru_cache(maxsize=256)
def _balanced(inlines: Inlines, type_: _Type, width: float) -> Inlines:
    cells = list(_cells(inlines, type_))
    words = list(_word_spans(cells))
    if len(words) < 2:
        return inlines
    widths = [sum(cell[3] for cell in cells[start:end]) for start, end in words]
    # The space a line's words are set apart by: what the cells between them measure.
    gaps = [sum(cell[3] for cell in cells[end:start]) for (_, end), (start, _) in pairwise(words)]

    def lines_at(limit: float) -> list[int]:
        return _line_starts(widths, gaps, limit)

    natural = lines_at(width)
    if not natural or len(natural) >= _BALANCED_LINES:
        return inlines
    # The narrowest measure that keeps the number of lines, by bisection.
    low, high = max(widths), width
    for _ in range(24):
        middle = (low + high) / 2
        if len(lines_at(middle)) == len(natural):
            high = middle
        else:
            low = middle
    starts = lines_at(high)
    if starts == natural or high > width - _BALANCE_SPARE_EM * type_.size:
        return inlines
    # Each line break takes the place of the space before the line's first word.
    return _spaces_broken(inlines, {cells[words[index][0] - 1][:2] for index in starts})


def _spaces_broken(inlines: Inlines, cut: set[tuple[int, int]]) -> Inlines:
    """``inlines`` with a line break for each space at ``cut``: (the inline, the offset
    of the space in its text)."""
    out: list[Inline] = []
    for index, item in enumerate(inlines):
        if not isinstance(item, Span):
            out.append(item)
            continue
        begin = 0
        for offset, char in enumerate(item.text):
            if (index, offset) in cut and char.isspace():
                if offset > begin:
                    out.append(replace(item, text=item.text[begin:offset]))
                out.append(LineBreak())
                begin = offset + 1
        if begin < len(item.text):
            out.append(replace(item, text=item.text[begin:]))
    return tuple(out)


def _line_starts(widths: Sequence[float], gaps: Sequence[float], limit: float) -> list[int]:
    """Greedy, as reportlab and word processors fill lines: the word each line after
    the first starts with, of words ``widths`` wide set ``gaps`` apart."""
    starts, used = [], widths[0]
    for index, gap, width in zip(range(1, len(widths)), gaps, widths[1:], strict=False):
        if used + gap + width > limit:
            starts.append(index)
            used = width
        else:
            used += gap + width
    return starts


def speaker_apart(inlines: Inlines, text: TextStyle, family: FontFamily, width: float) -> Inlines:
    """A quote's attribution ("— Chad E. Kasmar, Chief of Police, Tucson Police
    Department") too long for one line ``width`` wide, broken only after its commas:
    its parts (the speaker's name, the role, the organization) fill the lines in turn,
    each whole, rather than a line ending "Chief of" or "Department" standing alone.
    Both formats draw the same breaks. Left as it is: an attribution that fits a line,
    one with no comma or a line break of its own; a part too long for a line wraps."""
    if not inlines or any(isinstance(item, LineBreak) for item in inlines):
        return inlines
    if line_count(inlines, text, family, width) == 1:
        return inlines
    # Where each comma's space is: (inline, offset of the space), in order.
    spaces = [
        (index, at + 1)
        for index, item in enumerate(inlines)
        if isinstance(item, Span) and not item.href
        for at in _commas(item.text)
    ]
    if not spaces:
        return inlines
    ends = [*spaces, (len(inlines), 0)]
    cuts: set[tuple[int, int]] = set()
    line_start = (0, 0)
    for space, following in pairwise(ends):
        # The line so far, with the next part: if it no longer fits, break before it.
        together = _between(inlines, line_start, following)
        if line_count(together, text, family, width) > 1:
            if line_count(_between(inlines, line_start, space), text, family, width) == 1:
                cuts.add(space)
            line_start = (space[0], space[1] + 1)
    return _spaces_broken(inlines, cuts) if cuts else inlines


def _commas(text: str) -> Iterator[int]:
    """Where each comma followed by a space is in ``text``."""
    at = text.find(", ")
    while at >= 0:
        yield at
        at = text.find(", ", at + 1)


def _between(inlines: Inlines, start: tuple[int, int], end: tuple[int, int]) -> Inlines:
    """The inlines from ``start`` to ``end``, each an inline and an offset in its text."""
    out: list[Inline] = []
    for index in range(start[0], min(end[0] + 1, len(inlines))):
        item = inlines[index]
        if isinstance(item, Span):
            first = start[1] if index == start[0] else 0
            last = end[1] if index == end[0] else len(item.text)
            if first < last:
                out.append(replace(item, text=item.text[first:last]))
        elif index < end[0] or end[1]:
            out.append(item)
    return tuple(out)


def without_runt(inlines: Inlines, text: TextStyle, family: FontFamily, width: float) -> Inlines:
    """A paragraph whose last line, filled ``width`` wide, would hold one word alone
    (a runt: "stronger than / morphine."), with a no-break space for the space
    before that word, so the line before gives up its last word and the paragraph
    ends on two. Both formats draw the same no-break space, so the DOCX ends its
    lines as the PDF does, and on as many lines. Left as it is: a paragraph of one
    line or with a line break of its own, one whose line before the last holds one
    word or, giving up its last, would be left less than half full (a hole in the
    rag: "coming up with solutions / that will / protect constituents"), one whose
    last two words do not fit a line together, and one where a plain space does not
    stand alone between them."""
    if not inlines or any(isinstance(item, LineBreak) for item in inlines):
        return inlines
    return _without_runt(inlines, _Type(text.size, text.bold, text.italic, family), width)


# The least share of its width the line before a runt keeps when the runt is joined
# to its last word; else the runt stays.
_LEAST_LEFT = 0.5

# What sets words apart (as :func:`_word_spans` finds them): a space other than the
# no-break space, or a soft hyphen; a span's text is split at each run of them.
_APART = "".join(char for char in map(chr, range(0x3001)) if char.isspace()).replace("\u00a0", "")
_RUNS_APART = re.compile(f"([{re.escape(_APART)}\u00ad]+)")


@lru_cache(maxsize=256)
def _without_runt(inlines: Inlines, type_: _Type, width: float) -> Inlines:
    # The paragraph's words and their widths, and what sets each apart from the one
    # before and its width; a word before the first gap and after the last, maybe
    # empty. A batch copy's paragraph is new each copy, but most of its spans are
    # not: each span's parts are kept, by its text, for its type.
    words, widths, gaps, apart = [""], [0.0], list[str](), list[float]()
    faces: dict[tuple[bool, bool], dict[str, _Parts]] = {}
    notes: dict[tuple[tuple[int, ...], str], _Parts] | None = None
    before = ""
    for item in inlines:
        if isinstance(item, Span):
            face = (item.bold, item.italic)
            kept = faces.get(face)
            if kept is None:
                kept = faces[face] = _kept_parts(type_, *face)
            parts = kept.get(item.text)
            if parts is None:
                if len(kept) >= _PARTS_KEPT:
                    kept.clear()
                parts = kept[item.text] = _span_parts(item, type_)
            before = item.text
        elif isinstance(item, Cite):
            if notes is None:
                notes = _kept_notes(type_)
            key = (item.notes, before[-1:])
            parts = notes.get(key)
            if parts is None:
                if len(notes) >= _PARTS_KEPT:
                    notes.clear()
                label = note_label(item, before)
                size = stringWidth(label, type_.family.pdf_name, type_.size * 0.7)
                parts = notes[key] = ((_NOTE,), (size,), (), ())
            before = str(max(item.notes, default=""))
        else:  # a line break of its own: left as it is (without_runt)
            return inlines
        texts, sizes, between, room = parts
        words[-1] += texts[0]  # what ends one span and begins the next is one word
        widths[-1] += sizes[0]
        words += texts[1:]
        widths += sizes[1:]
        gaps += between
        apart += room
    shift = 0  # the gaps left out before the first word
    if not words[0] and gaps:  # set apart from nothing before it
        del words[0], widths[0], gaps[0], apart[0]
        shift = 1
    if not words[-1] and gaps:
        del words[-1], widths[-1], gaps[-1], apart[-1]
    if len(words) < 3 or "" in words:  # spans ending and beginning with spaces
        return inlines
    starts = _line_starts(widths, apart, width)
    last = len(words) - 1
    first = starts[-2] if len(starts) > 1 else 0  # the first word of the line before
    if not starts or starts[-1] != last or last - first < 2:
        return inlines
    if gaps[-1] != " " or widths[-2] + apart[-1] + widths[-1] > width:
        return inlines
    # The line before, its last word given up: a narrow column's "that will" alone
    # between two full lines is a hole in the rag, worse than the runt it saves.
    if sum(widths[first : last - 1]) + sum(apart[first : last - 2]) < width * _LEAST_LEFT:
        return inlines
    index, offset = _gap_at(inlines, type_, len(gaps) - 1 + shift)
    item = inlines[index]
    if not isinstance(item, Span) or item.href:  # a link's text is left its own
        return inlines
    joined = replace(item, text=f"{item.text[:offset]}\u00a0{item.text[offset + 1 :]}")
    return (*inlines[:index], joined, *inlines[index + 1 :])


# A span's words and their widths, and the runs of spaces and soft hyphens between
# them and theirs (a word before the first and after the last, maybe empty).
_Parts = tuple[tuple[str, ...], tuple[float, ...], tuple[str, ...], tuple[float, ...]]
# The spans measured kept for each type, at most.
_PARTS_KEPT = 1024


@lru_cache(maxsize=64)
def _kept_parts(type_: _Type, bold: bool, italic: bool) -> dict[str, _Parts]:
    """The parts (:data:`_Parts`) of the spans of a paragraph in ``type_`` found so
    far, by their text, for spans ``bold`` and ``italic`` or not."""
    return {}


@lru_cache(maxsize=64)
def _kept_notes(type_: _Type) -> dict[tuple[tuple[int, ...], str], _Parts]:
    """The parts of the note numbers of a paragraph in ``type_`` found so far (one
    letter each), by their notes and the character before them."""
    return {}


def _gap_at(inlines: Inlines, type_: _Type, gap: int) -> tuple[int, int]:
    """The inline that holds the ``gap``-th gap of ``inlines`` (counted from 0), and
    where in its text the gap starts."""
    for index, item in enumerate(inlines):
        if isinstance(item, Span):
            words, _, between, _ = _span_parts(item, type_)
            if gap < len(between):
                return index, sum(map(len, words[: gap + 1])) + sum(map(len, between[:gap]))
            gap -= len(between)
    raise AssertionError(gap)  # pragma: no cover - a gap of the paragraph's own


def _span_parts(item: Span, type_: _Type) -> _Parts:
    """A span's parts (:data:`_Parts`) in a paragraph of ``type_``."""
    from briefgen.renderers.pdf import font_name, register_fonts

    family = type_.family
    variant = font_variant(type_.bold or item.bold, type_.italic or item.italic)
    register_fonts((variant,), family)
    font = font_name(variant, family)
    bold = variant.startswith("bold")
    known = _widths(font, family.pdf_name, bold, type_.size)
    if len(known) >= _WIDTHS_KEPT:
        known.clear()
    text = item.text
    words = text.split(" ")
    # Only single plain spaces between the words (else their runs, slower): splitting
    # at any space, the no-break space too, gives no more words.
    if len(words) != len(text.split()) or "\u00ad" in text:
        parts = _RUNS_APART.split(text)
        words, between = parts[::2], parts[1::2]
    else:
        between = [" "] * (len(words) - 1)
    sizes = list(map(known.get, words))
    room = list(map(known.get, between))
    if None in sizes:
        _measure_parts(words, sizes, type_, known, font, bold)
    if None in room:
        _measure_parts(between, room, type_, known, font, bold)
    return (
        tuple(words),
        cast("tuple[float, ...]", tuple(sizes)),
        tuple(between),
        cast("tuple[float, ...]", tuple(room)),
    )


def _measure_parts(
    parts: list[str],
    sizes: list[float | None],
    type_: _Type,
    known: dict[str, float],
    font: str,
    bold: bool,
) -> None:
    """Fill in the ``sizes`` of ``parts`` not known yet (None), and keep them."""
    missing = []
    at = -1
    while None in sizes[at + 1 :]:
        at = sizes.index(None, at + 1)
        missing.append(at)
    _measure("".join(parts[at] for at in missing), type_, known, font, bold)
    for at in missing:
        sizes[at] = known[parts[at]] = sum(map(known.__getitem__, parts[at]))


def line_count(inlines: Inlines, text: TextStyle, family: FontFamily, width: float) -> int:
    """How many lines ``width`` wide a paragraph of ``inlines`` in ``text``'s style
    takes, its lines filled word by word as reportlab and word processors fill them,
    after :func:`wide_words_broken`: what both formats decide a layout by (the
    footer's notes, split into two columns at the same note in each)."""
    inlines = wide_words_broken(inlines, text, family, width)
    return _line_count(inlines, _Type(text.size, text.bold, text.italic, family), width)


@lru_cache(maxsize=256)
def _line_count(inlines: Inlines, type_: _Type, width: float) -> int:
    cells = list(_cells(inlines, type_))
    lines, used, end = 1, 0.0, 0
    for start, stop in _word_spans(cells):
        word = _width(cells[start:stop])
        gap = cells[end:start]
        if "\n" in (cell[2] for cell in gap):
            lines += sum(cell[2] == "\n" for cell in gap)
            used = word
        elif used and used + _width(gap) + word > width:
            lines, used = lines + 1, word
        else:
            used += (_width(gap) if used else 0.0) + word
        end = stop
    return lines
