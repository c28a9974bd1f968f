"""Refuse text the bundled fonts cannot draw, rather than print boxes or drop it."""

from __future__ import annotations

import unicodedata

from briefgen.errors import LayoutError, Location
from briefgen.facts.store import FactStore
from briefgen.model import Document, block_text

RIGHT_TO_LEFT = {"R", "AL", "RLE", "RLO", "RLI"}


def _name(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')}"


def _owner(char: str, store: FactStore, default: Location) -> tuple[str, Location]:
    """Which fact holds ``char`` (so the message names it), else the template line."""
    for fact in store:
        if char in fact.text or char in (fact.short or "") or char in (fact.speaker or ""):
            return f"fact '{fact.id}'", store.where(fact.id, "text")
    return "the template", default


def check_glyphs(document: Document, store: FactStore) -> None:
    """Raise a :class:`LayoutError` naming the fact and character that cannot be drawn."""
    from briefgen.renderers.pdf import missing_glyphs

    for block in document.blocks:
        text = block_text(block)
        rtl = [c for c in text if unicodedata.bidirectional(c) in RIGHT_TO_LEFT]
        if rtl:
            who, where = _owner(rtl[0], store, block.location)
            raise LayoutError(
                f"{who} has right-to-left text ({_name(rtl[0])}), which briefgen cannot "
                "lay out yet; keep such text out of one-page briefs",
                where,
            )
        missing = missing_glyphs(text)
        if missing:
            who, where = _owner(missing[0], store, block.location)
            raise LayoutError(
                f"{who} has a character no bundled font can draw: {_name(missing[0])}",
                where,
            )
