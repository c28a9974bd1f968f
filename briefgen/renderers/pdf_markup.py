"""A paragraph's markup parsed by reportlab once per shape, its texts filled in.

reportlab parses a paragraph's markup (``<b>``, ``<super>``, ``<a>``...) into
fragments, one for each piece of text with its font, size, colour and the rest,
with Python's HTML parser and a handler per tag. Each copy of a batch lays out
anew the paragraph that names its recipient, and parsing it was about a third of
that: the same tags every time, around other words.

:func:`parsed` parses a markup's *shape* once per process: the markup with each
text standing whole between two tags (no entity in it) replaced by a placeholder.
A text like that reaches the parser as one piece of data, and reportlab makes one
fragment of it whose text is that data as it stands, whatever its words; so the
fragments of every markup of that shape are the shape's, each placeholder's text
filled in. That is checked of the shape, not assumed: each placeholder must come
out as the whole text of one fragment, in order; when one does not (text the
parser reads otherwise), or the shape's parse fails, has a bullet, a picture or a
marker (whose objects each paragraph has its own of), or turns greek letters, the
markup is parsed as reportlab parses it. A fragment's lists (its links and
underlines) are shared with the shape's, as a paragraph's fragments share them:
reportlab makes new ones rather than change them.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaParser

# A tag, as the markup is split for its shape (one holding "<" or ">" in an
# attribute's value is not one: the markup is then parsed whole).
_TAG = re.compile(r"(<[^<>]*>)")
_OPEN, _CLOSE = "\ue000", "\ue001"
# A markup reportlab does not wrap in <para> itself (paraparser's test).
_OWN_PARA = re.compile(r"^\s*<\s*para(?:\s+|>|/>)")
# Shapes kept: one per paragraph a batch lays out anew, the few naming the recipient.
_SHAPES_KEPT = 256


def _placeholder(index: int) -> str:
    return f"{_OPEN}{index}{_CLOSE}"


def parsed(text: str, style: Any, key: Hashable) -> tuple[str, list[Any]] | None:
    """``text`` (a paragraph's markup) as reportlab's ``Paragraph`` cleans it, and
    the fragments reportlab parses from it in ``style``; None when its shape does
    not tell them (then reportlab must parse it). ``key``: what ``style`` is made
    from, so that the same key always gives an equal style."""
    cleaned = cleanBlockQuotedText(text)
    if len(cleaned) >= 6 and cleaned[0] == "<" and _OWN_PARA.match(cleaned):
        return None  # a markup of its own <para>: parsed whole
    pieces = _TAG.split(f"<para>{cleaned}</para>")
    texts: list[str] = []
    for index in range(0, len(pieces), 2):
        piece = pieces[index]
        if "<" in piece or ">" in piece:
            return None
        if piece and "&" not in piece:
            pieces[index] = _placeholder(len(texts))
            texts.append(piece)
    shape = _shape("".join(pieces), style, key, len(texts))
    if shape is None:
        return None
    frags = [
        frag.clone(text=texts[slot]) if slot is not None else frag.clone() for frag, slot in shape
    ]
    textTransformFrags(frags, style)
    return cleaned, frags


_shapes: OrderedDict[Hashable, tuple[tuple[Any, int | None], ...] | None] = OrderedDict()


def _shape(
    shape: str, style: Any, key: Hashable, count: int
) -> tuple[tuple[Any, int | None], ...] | None:
    """The fragments of ``shape`` (with ``count`` placeholders) in ``style``, each
    with the placeholder whose text it holds; None when a placeholder does not come
    out whole. Kept by the shape and ``key`` (what the style is made from), not by
    the style object, a new one each paragraph."""
    full = (shape, key)
    if full in _shapes:
        _shapes.move_to_end(full)
        return _shapes[full]
    found = _parse_shape(shape, style, count)
    _shapes[full] = found
    while len(_shapes) > _SHAPES_KEPT:
        _shapes.popitem(last=False)
    return found


def _parse_shape(shape: str, style: Any, count: int) -> tuple[tuple[Any, int | None], ...] | None:
    parser = ParaParser()
    parser.caseSensitive = 1  # as reportlab's Paragraph parses
    try:
        parsed_style, frags, bullet_frags = parser.parse(shape, style)
    except Exception:  # the markup itself is parsed, and says what is wrong
        return None
    if frags is None or bullet_frags or parsed_style is not style:
        return None
    slots: list[tuple[Any, int | None]] = []
    expected = 0
    for frag in frags:
        if hasattr(frag, "cbDefn"):
            return None  # a picture or marker holds an object of its own per paragraph
        text = frag.text
        if _OPEN in text or _CLOSE in text:
            if text != _placeholder(expected) or getattr(frag, "greek", 0):
                return None
            slots.append((frag, expected))
            expected += 1
        else:
            slots.append((frag, None))
    return tuple(slots) if expected == count else None
