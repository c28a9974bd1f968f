"""Fit a brief on one page: drop what the template allows, then shrink the type.

The fitter measures with the PDF layout engine (through a ``Measure`` function)
and aims below the page's full height, leaving a safety margin for the small
differences between reportlab's line breaking and a word processor's.

Its cost grows as n log n in optional groups, not n squared: the drop order is
fixed, and dropping more never makes the page taller (a dropped block takes its
height and the larger of its spacings with it; the notes only lose entries and
every remaining note number gets smaller or stays), so a binary search finds how
many groups to drop -- the same number dropping them one by one would reach. And a
version that overflows is known to overflow once the blocks measured so far do, so
it is measured only as far as the page reaches, not to its end.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from briefgen.citations import number_citations
from briefgen.errors import LayoutError, Location, TooWide
from briefgen.facts.store import FactStore
from briefgen.model import (
    AnyBlock,
    BulletList,
    Columns,
    Document,
    Droppable,
    block_text,
    block_word,
)
from briefgen.style import BODY_FLOOR, INCH, SIZE_STEP, Style

Measure = Callable[[Document, Style], float]

# A version whose quick lower bound (``least``) passes this many frames is refused
# before any layout: well past one page, but three times clear of what the bound
# might miss (glyphs the fallback font sets wider or narrower than the main one).
HOPELESS_FRAMES = 3.0

# The PDF may fill at most this share of the page frame; the rest is kept free so
# a DOCX that a word processor lays out a little longer still fits on one page.
MAX_FILL = 0.95

# How many blocks of an overflowing version are measured first; doubled until the
# blocks measured overflow the page or there are no more.
FIRST_PREFIX = 32

# How many dropped groups the fitter tries to bring back, one at a time, once the
# page fits (each try is a layout): a brief's handful, not a thousand.
MAX_RESTORES = 8


@dataclass(frozen=True)
class Dropped:
    """A group of blocks the fitter left out, for the build report: where its first
    block stands, as messages show it (``builtin/legislators.md.j2:42``), its
    priority, the start of its text, and that place with its real file (``check
    --json``'s path, which a script opens)."""

    where: str
    priority: int
    preview: str
    location: Location


@dataclass(frozen=True)
class Fit:
    """A document that fits one page, at what type size, and how full the page is."""

    document: Document
    style: Style
    fill: float
    dropped: tuple[Dropped, ...] = ()
    # Why the type stepped down when it is not the page's length: a block too wide
    # for its column at the size before ("" when length alone, or no step down).
    narrowed: str = ""


def _describe(blocks: list[AnyBlock], group: Droppable) -> Dropped:
    # Without note numbers: the numbers a dropped block had belong to no page. Blocks
    # apart, as a heading stands apart from the text under it.
    text = " / ".join(block_text(b, citations=False) for b in blocks).replace("\n", " ")
    preview = text if len(text) <= 50 else text[:49] + "…"
    location = blocks[0].location
    return Dropped(str(location), group.priority, preview, location)


def _height(
    document: Document,
    style: Style,
    measure: Measure,
    limit: float,
    too_wide: list[TooWide] | None = None,
    least: Measure | None = None,
) -> float:
    """The document's height if it is at most ``limit``; otherwise some height above
    ``limit`` (of the blocks measured before they overflowed, or the lower bound
    ``least`` when that is many frames too tall: a version holding a table of
    thousands of rows is not laid out), infinite when a block is too wide for its
    column at this size (the refusal added to ``too_wide``)."""
    if least is not None:
        bound = least(document, style)
        if bound > HOPELESS_FRAMES * style.frame_height:
            return bound
    blocks = document.blocks
    count = FIRST_PREFIX
    try:
        while count < len(blocks):
            used = measure(replace(document, blocks=blocks[:count]), style)
            if used > limit:
                return used
            count *= 2
        return measure(document, style)
    except TooWide as exc:
        if too_wide is not None:
            too_wide.append(exc)
        return math.inf


def fit_to_page(
    document: Document,
    style: Style,
    store: FactStore,
    measure: Measure,
    least: Measure | None = None,
) -> Fit:
    """Return the fullest version of ``document`` that fits one page.

    Order of sacrifice: first optional groups (lowest priority first, the lower on
    the page first among equals), then the type size in half-point steps down to
    the body floor; at a smaller size, the groups that fit again come back. Raises
    :class:`LayoutError` when even that does not fit.
    ``least``, a quick lower bound of a version's height, stops a hopeless one
    before it is laid out.
    """
    limit = style.frame_height * MAX_FILL
    groups = document.droppable_groups()
    if least is not None:
        _refuse_hopeless(document, groups, style, least)
    versions: dict[tuple[float, int], tuple[Document, float]] = {}
    too_wide: list[TooWide] = []  # the refusals of blocks too wide at a size tried

    def version(drop: int, style: Style) -> tuple[Document, float]:
        """The document without the first ``drop`` groups, and its (capped) height."""
        key = (style.body_size, drop)
        if key not in versions:
            gone = {g.group for g in groups[:drop]}
            current = number_citations(document.without_groups(gone), store)
            versions[key] = (current, _height(current, style, measure, limit, too_wide, least))
        return versions[key]

    def fewest_drops(style: Style) -> int:
        """The fewest groups to drop for the page to fit at ``style`` (all of them if
        none is enough)."""
        low, high = 0, len(groups)
        if version(low, style)[1] <= limit:
            return low
        if version(high, style)[1] <= limit:
            while high - low > 1:
                middle = (low + high) // 2
                if version(middle, style)[1] <= limit:
                    high = middle
                else:
                    low = middle
        return high

    high = fewest_drops(style)
    current, used = version(high, style)
    size = start = style.body_size
    narrowed = ""
    if used == math.inf and too_wide:
        # Not the page's length: a block's words are wider than its column.
        wide = too_wide[-1]
        narrowed = f"the {wide.what} at {wide.location} is too wide for its column at {start:g} pt"
    while used > limit and size - SIZE_STEP >= BODY_FLOOR:
        size -= SIZE_STEP
        style = style.with_body_size(size)
        used = _height(current, style, measure, limit, least=least)
        versions[(size, high)] = (current, used)
    if used <= limit and size != start and high:
        # The type had to step down with every group gone; at the smaller size some
        # of them may fit again (an optional quote beside the column that was tall).
        high = fewest_drops(style)
        current, used = version(high, style)
    gone = groups[:high]
    if used <= limit and high > 1:
        gone, current, used = _restored(
            document, gone, style, store, measure, limit, current, used, least
        )
    members: dict[int, list[AnyBlock]] = {}
    for block in document.walked:
        if block.droppable:
            members.setdefault(block.droppable.group, []).append(block)
    dropped = [_describe([b for b in members[g.group] if b.droppable == g], g) for g in gone]

    if used > limit:
        used = measure(current, style)  # a block too wide even at the floor says so
        _refuse_a_block_taller_than_the_page(current, style, measure, limit)
        over = used - limit
        needs = _share(used, style)
        # Under a twentieth of an inch, "0.0 in too much" would read as nothing.
        too_much = f"{over / INCH:.1f} in" if over >= INCH / 20 else f"{over:.1f} pt"
        dropped_all = (
            "with every optional block dropped; shorten it or mark more blocks"
            if groups
            else "with no block marked optional; shorten it or mark blocks"
        )
        past = _runs_past(current, style, measure, limit)
        raise LayoutError(
            # "needs 98%" alone reads as if it fits: say what a brief may fill.
            f"brief '{document.name}' does not fit one page: it needs {needs} of the "
            f"page, more than the {MAX_FILL:.0%} a brief may fill ({too_much} too much) "
            f"at {size:g} pt {dropped_all} '::: optional'{past}",
            document.source,
        )
    return Fit(current, style, used / style.frame_height, tuple(dropped), narrowed)


def _runs_past(document: Document, style: Style, measure: Measure, limit: float) -> str:
    """Where ``document``, too tall for the page, runs past it: ``; the page runs out
    in the block at x.md.j2:42 ("Background: …")``, the first block the page is too
    tall with (the masthead and the blocks before it fit), so the template's author
    knows where the page ends; "" if none is found."""
    blocks = document.blocks
    low, high = 0, len(blocks)  # the first `low` blocks fit; all `high` do not
    try:
        if measure(replace(document, blocks=()), style) > limit:
            return ""
        while high - low > 1:
            middle = (low + high) // 2
            if measure(replace(document, blocks=blocks[:middle]), style) > limit:
                high = middle
            else:
                low = middle
    except TooWide:
        return ""
    block = blocks[high - 1]
    text = " ".join(block_text(block, citations=False).split())
    preview = text if len(text) <= 40 else text[:39] + "\u2026"
    return f'; the page runs out in the block at {block.location} ("{preview}")'


def _restored(
    document: Document,
    gone: list[Droppable],
    style: Style,
    store: FactStore,
    measure: Measure,
    limit: float,
    current: Document,
    used: float,
    least: Measure | None = None,
) -> tuple[list[Droppable], Document, float]:
    """``gone`` less each group dropped before the last that fits again with the
    others still gone, the latest dropped first (the :data:`MAX_RESTORES` latest),
    and not while a group of higher priority stays dropped: dropping in order, a
    quote in the main column went first though the column too tall was the sidebar,
    whose card then had to go too."""
    for group in list(reversed(gone[:-1]))[:MAX_RESTORES]:
        if any(other.priority > group.priority for other in gone if other != group):
            continue
        fewer = [other for other in gone if other != group]
        candidate = number_citations(document.without_groups({g.group for g in fewer}), store)
        height = _height(candidate, style, measure, limit, least=least)
        if height <= limit:
            gone, current, used = fewer, candidate, height
    return gone, current, used


def _share(height: float, style: Style) -> str:
    """``height`` as a share of the page frame, as precise as it takes not to read as
    the share a brief may fill: just over, "needs 95%, more than the 95%" would not do,
    nor would "95.0%"."""
    share = f"{height / style.frame_height:.0%}"
    if share == f"{MAX_FILL:.0%}":
        share = f"{height / style.frame_height:.1%}"
    if share == f"{MAX_FILL:.1%}":
        share = f"just over {MAX_FILL:.0%}"
    return share


def _refuse_a_block_taller_than_the_page(
    document: Document, style: Style, measure: Measure, limit: float
) -> None:
    """Raise :class:`LayoutError` at the first block that alone, at the body floor,
    needs more than the page (a tall picture, a long table): that line is what to
    change, not the template's first."""
    for block in document.blocks:
        if isinstance(block, BulletList) and (block.depth or block.resumes):
            continue  # a run of a nested list is laid out inside its parent's item
        try:
            alone = measure(replace(document, blocks=(block,)), style)
        except TooWide:
            continue
        if alone > limit:
            what, where = block_word(block), block.location
            if isinstance(block, Columns):
                what, where = _taller_column(document, block, style, measure)
            raise LayoutError(
                f"brief '{document.name}' does not fit one page: this {what} alone needs "
                f"{_share(alone, style)} of the page, more than the "
                f"{MAX_FILL:.0%} a brief may fill, at {style.body_size:g} pt; make it "
                "smaller or shorter",
                where,
            )


def _taller_column(
    document: Document, block: Columns, style: Style, measure: Measure
) -> tuple[str, Location]:
    """Which of a sidebar's two columns makes it too tall, named for a message, and
    where its first block was written: the lines to shorten, not the ``::: aside``."""
    main = measure(replace(document, blocks=(replace(block, aside=()),)), style)
    aside = measure(replace(document, blocks=(replace(block, main=()),)), style)
    if aside >= main and block.aside:
        return "sidebar", block.aside[0].location
    if block.main:
        return "main column beside the sidebar", block.main[0].location
    return "sidebar", block.location


def _refuse_hopeless(
    document: Document, groups: list[Droppable], style: Style, least: Measure
) -> None:
    """Raise :class:`LayoutError` if even the shortest version, at the body floor, is
    by the lower bound ``least`` many frames too tall."""
    shortest = document.without_groups({g.group for g in groups})
    floor = style.with_body_size(BODY_FLOOR)
    frames = least(shortest, floor) / floor.frame_height
    if frames > HOPELESS_FRAMES:
        raise LayoutError(
            f"brief '{document.name}' does not fit one page: its text alone would fill "
            f"more than {frames:.0f} pages at {BODY_FLOOR:g} pt with every optional block "
            "dropped; shorten it",
            document.source,
        )
