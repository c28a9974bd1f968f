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
the captured text it was made from (:func:`concatenated`, for ``~`` and ``+``, puts
each part's markers in its place), so a number typed in the block is still traced.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from markupsafe import Markup

MARK_OPEN, MARK_SEP, MARK_CLOSE = "\ue000", "\ue001", "\ue002"
MARKER = re.compile(f"{MARK_OPEN}(\\d+){MARK_SEP}(\\d+){MARK_CLOSE}")
_EACH = re.compile(f"{MARK_OPEN}\\d+{MARK_SEP}\\d+{MARK_CLOSE}")
_EACH_OR_NEWLINE = re.compile(f"{_EACH.pattern}|\n")

# The most markers :func:`carried` writes into one text made from captured text: every
# line of a text whose lines cannot be matched to the captured text's gets each of its
# template lines, and a long block made into many lines would otherwise write a marker
# per line and template line.
MAX_CARRIED_MARKERS = 5_000

# Whether this process has made captured text yet: until a template captures some (the
# built-in templates never do), no filter, call or operator has markers to carry, and
# each of a copy's few dozen calls skips looking for them.
made = False


class TracedMarkup(Markup):
    """Captured text (escaped already), as a template reads it: without markers."""

    marked: str  # the text with its line markers, as it is printed
    line_markers: list[str] | None = None  # the markers of each of its lines, once found

    def __new__(cls, base: Any = "", encoding: str | None = None, errors: str = "strict") -> Any:
        # Markup's methods build their results with type(self)(...): new text made from
        # captured text is Markup, without the markers its text no longer matches.
        return Markup(base, encoding, errors)

    def __repr__(self) -> str:
        return f"Markup({str.__repr__(self)})"  # as pprint shows Markup

    @classmethod
    def of(cls, clean: str, marked: str) -> TracedMarkup:
        """The captured ``clean`` text, printed as ``marked``."""
        global made
        made = True
        text: TracedMarkup = Markup.__new__(cls, clean)
        text.marked = marked
        return text


class TracedStr(str):
    """Captured text where autoescape is off: without markers, as a template reads it."""

    marked: str
    line_markers: list[str] | None = None

    @classmethod
    def of(cls, clean: str, marked: str) -> TracedStr:
        """The captured ``clean`` text, printed as ``marked``."""
        global made
        made = True
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
    as ``join`` takes them), when it is new text; anything else as it is.

    Each marker goes after the text of its line, where it traces the line to where it
    was written without taking its start from where it is printed. Found with regular
    expressions and joins, not a line at a time: a loop may filter a long text often."""
    if not made or not isinstance(result, str) or type(result) in TRACED:
        return result
    sources = [value for value in _texts(inputs) if isinstance(value, TRACED)]
    if not sources or not result.strip():
        return result
    lines = str.split(result, "\n")  # plain text: Markup's + escapes a line at a time
    if len(sources) == 1 and (start := _first_line(sources[0], result, len(lines))) is not None:
        # Each line traces to where its line of the captured text was written.
        by_line = _line_markers(sources[0])[start : start + len(lines)]
        marked = "\n".join(map(operator.add, lines, by_line))
        return _like(result, marked, by_line)
    # Lines made or joined (wordwrap, join, truncate's end): every line of the result
    # traces to every template line the captured texts came from.
    every = "".join(dict.fromkeys(m for source in sources for m in _EACH.findall(source.marked)))
    if every.count(MARK_OPEN) * len(lines) > MAX_CARRIED_MARKERS:
        return _like(result, result + every, [""] * (len(lines) - 1) + [every])
    return _like(result, (every + "\n").join(lines) + every, [every] * len(lines))


def concatenated(result: Any, parts: Sequence[Any], join: Callable[[list[Any]], Any]) -> Any:
    """``result``, the text ``join`` made of ``parts`` (``~``, ``+``), marked with what
    each captured part prints, in its place: found without looking for a marker, so
    a loop that adds a line to a text at each pass takes no longer than it did."""
    if not made or not isinstance(result, str):
        return result
    if not any(isinstance(part, TRACED) for part in parts):
        return result
    # The markers of each line, joined as the parts are: a filter of the text (a loop
    # that adds a line and filters the whole) need not look for them again.
    line_markers = [""]
    for part in parts:
        if isinstance(part, TRACED):
            own = _line_markers(part)
            line_markers[-1] += own[0]
            line_markers.extend(own[1:])
        else:
            line_markers.extend([""] * str(part).count("\n"))
    return _like(result, str(join([printed(part) for part in parts])), line_markers)


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
    if count == str.count(source, "\n") + 1:
        return 0
    at = str.find(source, result)
    return None if at < 0 else str.count(source, "\n", 0, at)


def _line_markers(text: TracedMarkup | TracedStr) -> list[str]:
    """The markers of each line of ``text``, found once: a loop may filter it often."""
    if text.line_markers is None:
        text.line_markers = "".join(_EACH_OR_NEWLINE.findall(text.marked)).split("\n")
    return text.line_markers


def _like(result: str, marked: str, line_markers: list[str]) -> str:
    """``result`` traced as ``marked`` (``line_markers``: the markers of each of its
    lines), Markup if it was."""
    text: TracedMarkup | TracedStr
    if isinstance(result, Markup):
        text = TracedMarkup.of(result, marked)
    else:
        text = TracedStr.of(result, marked)
    text.line_markers = line_markers
    return text
