"""Template code (and Markdown) that reaches a brief's page as text instead of running.

Jinja runs ``{{ cite("x") }}`` but prints ``{ { cite("x") } }`` (braces parted by a
space, as an editor's auto-spacing or a careless copy leaves them) as it is, and a
third brace of ``{{ x }}}`` prints as a ``}``: the brief builds, with code on the
page, and nothing says so. This module finds, in a brief's rendered Markdown, the
template's own text that looks like such code (``check`` and ``build`` warn about
it, at the template line):

- a tag's braces parted by spaces: ``{ {``, ``{ %``, ``} }``, ``% }``;
- a tag's braces left whole, as a ``{% raw %}`` block or a printed string leaves them:
  ``{{``, ``{%``, ``{#``, ``}}``, ``%}``, ``#}``;
- a brace that closes or opens nothing on its line (``}}}``, ``{{{``);
- a citation never closed: ``[@id`` without its ``]``.

Likewise a heading whose marks lack their space (``##Why it matters``), which
Markdown prints as a paragraph, marks and all (:func:`unspaced_headings`).

A value a template prints is escaped for Markdown (``\\{``), as is a brace the author
escapes to print it on purpose, so neither is read as code; nor is anything in a
code block or a code span, which print code on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from briefgen.errors import Location
from briefgen.inputs import clip
from briefgen.kept import KeptByText
from briefgen.templating.environment import Rendered

_SPACED = re.compile(r"\{[ \t]+[{%]|[}%][ \t]+\}")
_WHOLE = re.compile(r"\{[{%#]|[}%#]\}")
# '[@' not closed as a citation, nor a link's text ('[@leitf on X](https://...)').
_OPEN_CITATION = re.compile(r"\[@(?![^\]\[\s]+\])(?![^\]\[]*\]\()")
_ESCAPED = re.compile(r"\\.")
_BACKTICKS = re.compile(r"`+")
_BRACE = re.compile(r"[{}]")
# What a slip is shown with: the tag it was meant to be, or the brace alone.
_SHOWN_TAG = re.compile(r"\{[ \t]*[{%].*?[}%][ \t]*\}")


@dataclass(frozen=True)
class Unrendered:
    """Template code printed as text: where, and what to say of it."""

    location: Location
    message: str


def _page_lines(rendered: Rendered) -> Iterator[tuple[int, str]]:
    """Each line of ``rendered``'s Markdown with its index, but code blocks' lines."""
    fence: str | None = None
    for index, line in enumerate(rendered.text.split("\n")):
        stripped = line.lstrip()
        if fence is not None:
            fence = None if stripped.startswith(fence) else fence
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        if line.startswith(("    ", "\t")):  # an indented code block, or deep in a list
            continue
        yield index, line


# '##Why it matters': a heading's marks without the space Markdown needs after them.
# One '#' alone is left be: '#hashtag' is words a page may print.
_UNSPACED_HEADING = re.compile(r" {0,3}(#{2,6})(?=[^\s#])")
# The same at the start of a later line of a text (found by its newline, which the
# search looks for first): where neither finds one, no line of the text has one.
_UNSPACED_AFTER_NEWLINE = re.compile("\n" + _UNSPACED_HEADING.pattern)


def unspaced_headings(rendered: Rendered) -> list[Unrendered]:
    """Each line of ``rendered``'s page text that starts as a heading of two to six
    '#'s, but with no space after them: Markdown prints it as a paragraph, marks and
    all."""
    found: list[Unrendered] = []
    text = rendered.text
    if not (_UNSPACED_HEADING.match(text) or _UNSPACED_AFTER_NEWLINE.search(text)):
        return found  # one search of the page, not a match a line (most pages)
    for index, line in _page_lines(rendered):
        if marks := _UNSPACED_HEADING.match(line):
            hashes = marks.group(1)
            text = line.strip()
            meant = f"{hashes} {clip(text[len(hashes) :], 30)}"
            message = (
                f"{clip(text, 40)!r} prints as text, marks and all: a heading needs a space "
                f"after its '{hashes}', as in {meant!r}"
            )
            found.append(Unrendered(rendered.location(index), message))
    return found


def unrendered_code(rendered: Rendered) -> list[Unrendered]:
    """Each line of ``rendered``'s page text holding what looks like template code,
    once a line, at the template line that wrote it."""
    found: list[Unrendered] = []
    for index, line in _page_lines(rendered):
        slip = _line_slip(line)
        if slip is not None:
            column, message = slip
            found.append(Unrendered(rendered.location(index, column), message))
    return found


def _read_line_slip(line: str) -> tuple[int, str] | None:
    """:func:`_slip` of ``line`` with its escapes and code spans blanked out, the
    columns kept."""
    return _slip(_without_code_spans(_ESCAPED.sub("  ", line)), line)


_line_slip = KeptByText(_read_line_slip, maxsize=2048)


def _without_code_spans(line: str) -> str:
    """``line`` with each code span (a run of backticks to the next run as long)
    blanked out, in one pass: a search for each run's closing one could take time
    squared on a long line of unclosed runs."""
    opened: dict[int, int] = {}  # a run's length -> where the first one open starts
    spans: list[tuple[int, int]] = []
    for run in _BACKTICKS.finditer(line):
        length = len(run.group(0))
        if length in opened:
            spans.append((opened.pop(length), run.end()))
            opened.clear()  # what the span held opens nothing
        else:
            opened.setdefault(length, run.start())
    pieces, done = [], 0
    for start, end in spans:
        pieces += [line[done:start], " " * (end - start)]
        done = end
    return "".join([*pieces, line[done:]])


def _slip(plain: str, line: str) -> tuple[int, str] | None:
    """The first piece of ``plain`` (``line`` with escapes and code blanked) that looks
    like template code: its column and what to say of it."""
    if spaced := _SPACED.search(plain):
        # The tag as written, looked for near the slip only (a line may be long).
        start = max(spaced.start() - 100, 0)
        shown = _SHOWN_TAG.search(line[start : spaced.end() + 200])
        tag = (
            shown.group(0) if shown and start + shown.start() <= spaced.start() else spaced.group(0)
        )
        return spaced.start(), (
            f"{clip(tag, 60)!r} prints as typed: a tag's braces go together, "
            "{{ … }} or {% … %} (to print a brace, write \\{)"
        )
    if whole := _WHOLE.search(plain):
        return whole.start(), (
            f"{whole.group(0)!r} prints as typed: template code left unrun (a {{% raw %}} "
            "block, or a printed string?); to print braces, write \\{"
        )
    opened: list[int] = []  # where each brace not closed yet opens
    for brace in _BRACE.finditer(plain):
        if brace.group() == "{":
            opened.append(brace.start())
        elif opened:
            opened.pop()
        else:
            return brace.start(), (
                "'}' prints as typed, closing nothing: one brace too many after a "
                "'}}'? (to print a brace, write \\})"
            )
    if opened:
        return opened[0], (
            "'{' prints as typed, opening nothing: one brace too many before a "
            "'{{'? (to print a brace, write \\{)"
        )
    if citation := _OPEN_CITATION.search(plain):
        return citation.start(), (
            f"{clip(line[citation.start() :].split()[0], 60)!r} prints as typed: a citation "
            "ends with ']', as in [@fact-id]"
        )
    return None
