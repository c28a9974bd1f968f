"""reportlab's test of whether two fragments of a paragraph are set alike, without
its exceptions.

Breaking a paragraph into lines, reportlab asks of each word's fragment whether it is
set like the last (``sameFrag``: font, size, colour, rise, underlines, link,
background, no-break), to run them into one. Its accelerator looks each of those
attributes up by name, and one a fragment lacks (most lack ``cbDefn``,
``lineBreak``, ``link``, ``backColor``...) raises and clears an AttributeError: about
3.5 µs a call, 37 calls for a paragraph of four lines. A batch copy lays out the
paragraph that names its recipient anew, so this was a fifth of it.

:func:`same_frag` gives what ``sameFrag`` gives, reading the attributes from the
fragments' own dictionaries: exactly so for reportlab's plain fragments
(``ParaFrag``), whose class defines none of them; any other object is asked of the
accelerator as before. Installed in reportlab's paragraph module on import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.platypus import paragraph
from reportlab.platypus.paraparser import ParaFrag

# What reportlab compares, in its order; and what makes two fragments differ at once
# (a picture or a line break is a fragment of its own).
_COMPARED = ("fontName", "fontSize", "textColor", "rise", "us_lines", "link", "backColor", "nobr")
_APART = ("cbDefn", "lineBreak")
_MISSING = object()

# reportlab's own (the accelerator's, else its Python one).
_SAME_FRAG: Callable[[Any, Any], bool] = getattr(
    paragraph.sameFrag, "briefgen_original", paragraph.sameFrag
)


def _plain(kind: type) -> bool:
    """Whether fragments of ``kind`` hold the attributes compared in their own
    dictionaries alone: no class on the way defines one, nor looks attributes up
    itself."""
    names = (*_COMPARED, *_APART, "__getattr__", "__getattribute__")
    return not any(name in vars(base) for base in kind.__mro__[:-1] for name in names)


_PLAIN = _plain(ParaFrag)


def same_frag(f: Any, g: Any) -> bool:
    """Whether fragments ``f`` and ``g`` are set alike, as reportlab's ``sameFrag``
    says: neither a picture nor a line break, and each compared attribute equal or
    missing from both."""
    if not (_PLAIN and type(f) is ParaFrag and type(g) is ParaFrag):
        return bool(_SAME_FRAG(f, g))
    mine, theirs = f.__dict__, g.__dict__
    if any(name in mine or name in theirs for name in _APART):
        return False
    for name in _COMPARED:
        a, b = mine.get(name, _MISSING), theirs.get(name, _MISSING)
        if a is b:
            continue
        if a is _MISSING or b is _MISSING or a != b:
            return False
    return True


same_frag.briefgen_original = _SAME_FRAG  # type: ignore[attr-defined]
paragraph.sameFrag = same_frag
