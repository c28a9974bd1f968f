"""Fit a brief on one page: drop what the template allows, then shrink the type.

The fitter measures with the PDF layout engine (through a ``Measure`` function)
and aims below the page's full height, leaving a safety margin for the small
differences between reportlab's line breaking and a word processor's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from briefgen.citations import number_citations
from briefgen.errors import LayoutError
from briefgen.facts.store import FactStore
from briefgen.model import Document, Droppable, block_text
from briefgen.style import BODY_FLOOR, INCH, SIZE_STEP, Style

Measure = Callable[[Document, Style], float]

# The PDF may fill at most this share of the page frame; the rest is kept free so
# a DOCX that a word processor lays out a little longer still fits on one page.
MAX_FILL = 0.95


@dataclass(frozen=True)
class Dropped:
    """A group of blocks the fitter left out, for the build report."""

    where: str
    priority: int
    preview: str


@dataclass(frozen=True)
class Fit:
    """A document that fits one page, at what type size, and how full the page is."""

    document: Document
    style: Style
    fill: float
    dropped: tuple[Dropped, ...] = ()


def _describe(document: Document, group: Droppable) -> Dropped:
    blocks = [b for b in document.blocks if b.droppable == group]
    text = " ".join(block_text(b) for b in blocks).replace("\n", " ")
    preview = text if len(text) <= 50 else text[:49] + "…"
    return Dropped(str(blocks[0].location), group.priority, preview)


def fit_to_page(document: Document, style: Style, store: FactStore, measure: Measure) -> Fit:
    """Return the fullest version of ``document`` that fits one page.

    Order of sacrifice: first optional groups (lowest priority first, the lower on
    the page first among equals), then the type size in half-point steps down to
    the body floor. Raises :class:`LayoutError` when even that does not fit.
    """
    limit = style.frame_height * MAX_FILL
    current = number_citations(document, store)
    used = measure(current, style)
    dropped: list[Dropped] = []
    for group in document.droppable_groups():
        if used <= limit:
            break
        dropped.append(_describe(current, group))
        current = number_citations(current.without(group.group), store)
        used = measure(current, style)
    size = style.body_size
    while used > limit and size - SIZE_STEP >= BODY_FLOOR:
        size -= SIZE_STEP
        style = style.with_body_size(size)
        used = measure(current, style)
    if used > limit:
        over = used - limit
        raise LayoutError(
            f"brief '{document.name}' does not fit one page: it needs "
            f"{used / style.frame_height:.0%} of the page ({over / INCH:.1f} in too much) "
            f"at {size:g} pt with every optional block dropped; shorten it or mark more "
            "blocks '::: optional'",
            document.source,
        )
    return Fit(current, style, used / style.frame_height, tuple(dropped))
