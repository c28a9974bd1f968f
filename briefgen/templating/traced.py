"""Text a template captured, read as a reader sees it and printed with its line markers.

briefgen plants a marker of the template line at the start of each literal line and
before each tag (:class:`~briefgen.templating.environment.LineMarkers`), so every line
of the output traces to where it was written. A ``{% set %}`` block, a macro, a
``{% call %}`` body, a ``{% filter %}`` block, a recursive loop's ``loop()`` and a
block called again (``self.name()``, ``super()``) collect that output, markers and
all. A template must not see them: ``length`` would count them, ``==`` would compare
them, ``truncate`` and ``reverse`` would cut them into stray characters on the page.
So what such a block holds is :class:`TracedMarkup` (or :class:`TracedStr` where
autoescape is off): its text without the markers, keeping them in ``marked`` to be
printed with it, where they trace a number typed in the block to the line it was
typed on (:mod:`briefgen.untraced`).

Text made from it (``| upper``, ``~``, ``.replace()``, a helper given it) is new text,
without markers: :func:`carried` marks each of its lines with the template lines of
the captured text it was made from, so a number typed in the block is still traced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

MARK_OPEN, MARK_SEP, MARK_CLOSE = "\ue000", "\ue001", "\ue002"
MARKER = re.compile(f"{MARK_OPEN}(\\d+){MARK_SEP}(\\d+){MARK_CLOSE}")

# The most markers :func:`carried` writes into one text made from captured text: every
# line of a text whose lines cannot be matched to the captured text's gets each of its
# template lines, and a long block made into many lines would otherwise write a marker
# per line and template line.
MAX_CARRIED_MARKERS = 5_000


@dataclass(frozen=True)
class Found:
    """The line markers of a captured text."""

    # Each line's first marker, and its others, each once, in order.
    by_line: tuple[tuple[str, str], ...]
    every: tuple[str, ...]  # each marker in the text once, in order


class TracedMarkup(Markup):
    """Captured text (escaped already), as a template reads it: without markers."""

    marked: str  # the text with its line markers, as it is printed
    found: Found | None = None  # its markers, once carried() has looked for them

    def __new__(cls, base: Any = "", encoding: str | None = None, errors: str = "strict") -> Any:
        # Markup's methods build their results with type(self)(...): new text made from
        # captured text is Markup, without the markers its text no longer matches.
        return Markup(base, encoding, errors)

    def __repr__(self) -> str:
        return f"Markup({str.__repr__(self)})"  # as pprint shows Markup

    @classmethod
    def of(cls, clean: str, marked: str) -> TracedMarkup:
        """The captured ``clean`` text, printed as ``marked``."""
        text: TracedMarkup = Markup.__new__(cls, clean)
        text.marked = marked
        return text


class TracedStr(str):
    """Captured text where autoescape is off: without markers, as a template reads it."""

    marked: str
    found: Found | None = None

    @classmethod
    def of(cls, clean: str, marked: str) -> TracedStr:
        """The captured ``clean`` text, printed as ``marked``."""
        text = str.__new__(cls, clean)
        text.marked = marked
        return text


TRACED = (TracedMarkup, TracedStr)
# Python names a value's type in its own messages ("bad operand type for abs():
# 'Markup'"), which a template's error repeats: the type the template knows.
for _kind, _name in ((TracedMarkup, "Markup"), (TracedStr, "str")):
    _kind.__name__ = _kind.__qualname__ = _name


def captured(body: Iterable[str], markup: bool) -> str:
    """What a block that collects output holds (``markup``: as Markup, autoescape
    being on): its text, read without line markers. A block that printed nothing
    but markers (and space) is empty, so ``{% if extra | trim %}`` is false."""
    text = "".join(body)
    if MARK_OPEN not in text:
        return Markup(text) if markup else text
    clean = MARKER.sub("", text)
    if not clean or clean.isspace():
        return Markup(clean) if markup else clean
    return TracedMarkup.of(clean, text) if markup else TracedStr.of(clean, text)


def printed(value: Any) -> Any:
    """``value`` as it is printed: captured text with its line markers (as Markup, as
    the captured text was, or str), anything else as it is."""
    if type(value) is TracedMarkup:
        return Markup(value.marked)
    if type(value) is TracedStr:
        return value.marked
    return value


def carried(result: Any, inputs: Iterable[Any]) -> Any:
    """``result`` (what a filter, call or operator made of ``inputs``) with the line
    markers of the captured texts among ``inputs`` (or in a list or tuple among them,
    as ``join`` takes them), when it is new text; anything else as it is."""
    if not isinstance(result, str) or type(result) in TRACED:
        return result
    sources = [value for value in _texts(inputs) if isinstance(value, TRACED)]
    if not sources or not result.strip():
        return result
    lines = result.split("\n")
    if len(sources) == 1 and (start := _first_line(sources[0], result, len(lines))) is not None:
        # Each line traces to where its line of the captured text was written, as the
        # captured text printed as it is would.
        by_line = _found(sources[0]).by_line[start : start + len(lines)]
        marked = "\n".join(
            first + line + rest for line, (first, rest) in zip(lines, by_line, strict=False)
        )
        return _like(result, marked)
    # Lines made or joined (wordwrap, join, truncate's end): every line of the result
    # traces, from its end, to every template line the captured texts came from.
    markers = "".join(dict.fromkeys(m for source in sources for m in _found(source).every))
    if markers.count(MARK_OPEN) * len(lines) > MAX_CARRIED_MARKERS:
        return _like(result, result + markers)
    return _like(result, "\n".join(line + markers for line in lines))


def _texts(inputs: Iterable[Any]) -> Iterable[Any]:
    for value in inputs:
        if isinstance(value, list | tuple):
            yield from value
        else:
            yield value


def _first_line(source: TracedMarkup | TracedStr, result: str, count: int) -> int | None:
    """The line of ``source`` where ``result``'s ``count`` lines, made from it, begin:
    the first, when there are as many (upper, replace, indent); the one where ``result``
    begins in it, when it is part of it (trim, a slice); None otherwise."""
    if count == len(_found(source).by_line):
        return 0
    at = str.find(source, result)
    return None if at < 0 else str.count(source, "\n", 0, at)


def _found(text: TracedMarkup | TracedStr) -> Found:
    """``text``'s markers, looked for once: a loop may filter the same text often."""
    if text.found is None:
        by_line = []
        for line in text.marked.split("\n"):
            markers = list(dict.fromkeys(_each(line)))
            by_line.append((markers[0], "".join(markers[1:])) if markers else ("", ""))
        text.found = Found(tuple(by_line), tuple(dict.fromkeys(_each(text.marked))))
    return text.found


def _each(text: str) -> Iterable[str]:
    """Each marker in ``text``, in order."""
    return (marker.group(0) for marker in MARKER.finditer(text))


def _like(result: str, marked: str) -> str:
    """``result`` traced as ``marked``, Markup if it was."""
    if isinstance(result, Markup):
        return TracedMarkup.of(result, marked)
    return TracedStr.of(result, marked)
