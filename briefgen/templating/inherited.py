"""The words a template that extends another prints from that template's own text.

A Spanish template extending an English one prints, in every block it leaves alone,
the English its parent typed there. ``check`` warns about it, naming those blocks: a
block left alone that holds no words of its own (``{{ notes() }}``, a citation, a
``::: optional`` line) prints nothing in the other language, so a template that
replaces every other block is not warned about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import TemplateSyntaxError
from jinja2.lexer import (
    TOKEN_BLOCK_BEGIN,
    TOKEN_BLOCK_END,
    TOKEN_DATA,
    TOKEN_NAME,
    TOKEN_STRING,
)

from briefgen.errors import BriefgenError, Location
from briefgen.templating.environment import Rendered, template_lexer
from briefgen.templating.search import SearchPath, extended, read_template, split_front_matter

# What a line of a template's text holds that is no word of its language: the name
# after ':::' or '!!!' (optional, box, callout), a typed citation, a link's or bare
# address, a character reference and a passage's language tag. Each looks for its end
# no further than where another of its kind starts: "[@[@[@..." without a "]" was
# scanned from each "[@" to the end of the line, and a parent template's line of
# 400,000 characters (in a block never printed) took 26 s to check.
_NOT_WORDS = re.compile(
    r"^\s*(?::::|!!!)\s*[\w-]*|\[@[^\[\]]*\]|\]\([^)\]]*\)|<[^<>\s]+>|\bhttps?://\S+"
    r"|&#?\w+;|\{lang=[^{}]*\}"
)
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]{2}")


@dataclass(frozen=True)
class Inherited:
    """Words a brief prints from a template it extends, where they first print."""

    block: str | None  # the innermost block they stand in; None outside every block
    location: Location


def inherited_words(rendered: Rendered, search_path: SearchPath, parent: str) -> list[Inherited]:
    """For each block of ``parent`` (and the templates it extends) whose own text
    holds words and printed in ``rendered``, the first line that printed them, in
    the order of the page."""
    printed: dict[tuple[str, int], int] = {}
    output = rendered.text.split("\n")
    for index, location in enumerate(rendered.lines):
        if index < len(output) and output[index].strip():
            printed.setdefault((location.path, location.line), index)
    for index, starts in rendered.later.items():
        for _, location in starts:
            printed.setdefault((location.path, location.line), index)
    first: dict[str | None, tuple[int, Location]] = {}
    # The whole chain, as Jinja renders it however long; a circle was refused when rendering.
    seen: set[Path] = set()
    name: str | None = parent
    while name and (found := search_path.find(name)) and found[0] not in seen:
        seen.add(found[0])
        worded, name = _template_lines(found[0])
        shown = Location.of(found[0]).path
        for line, block in worded:
            at = printed.get((shown, line))
            if at is not None and (block not in first or at < first[block][0]):
                first[block] = (at, Location(shown, line))
    return [Inherited(block, at) for block, (_, at) in sorted(first.items(), key=lambda i: i[1][0])]


_Lines = tuple[tuple[int, str | None], ...]


def _template_lines(path: Path) -> tuple[_Lines, str | None]:
    """The worded lines of the template file at ``path`` (:func:`_worded_lines`) and
    the template it extends: worked out once per version of the file, as a batch
    checks every copy of a brief against the same templates."""
    try:
        stat = path.stat()
    except OSError:
        return (), None  # rendering has told of it already
    return _lines_of_version(path, (stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size))


@lru_cache(maxsize=64)
def _lines_of_version(path: Path, version: tuple[int, ...]) -> tuple[_Lines, str | None]:
    text = _read(path)
    return tuple(_worded_lines(str(path), text)), extended(text)


def _read(path: Path) -> str:
    """The template's text as the renderer read it (within its size limit, composed);
    none when it cannot be read, which rendering has told of already."""
    try:
        return read_template(path)
    except BriefgenError:
        return ""


def _worded_lines(path: str, text: str) -> list[tuple[int, str | None]]:
    """Each line of the template's literal text, or of a phrase it quotes, that holds a
    word, with the innermost block it stands in, as Jinja's lexer reads the template."""
    try:
        source = split_front_matter(text, Path(path))[1]
        tokens = list(template_lexer().tokenize(source, filename=path))
    except (TemplateSyntaxError, BriefgenError):  # rendering has told of it already
        return []
    found: list[tuple[int, str | None]] = []
    blocks: list[str] = []
    tag: list[str] = []
    for token in tokens:
        if token.type == TOKEN_BLOCK_BEGIN:
            tag = []
        elif token.type == TOKEN_NAME and len(tag) < 2:
            tag.append(str(token.value))
        elif token.type == TOKEN_BLOCK_END:
            if tag[:1] == ["block"] and len(tag) == 2:
                blocks.append(tag[1])
            elif tag[:1] == ["endblock"] and blocks:
                blocks.pop()
        elif token.type == TOKEN_DATA:
            for offset, piece in enumerate(str(token.value).split("\n")):
                if _LETTER.search(_NOT_WORDS.sub("", piece)):
                    found.append((token.lineno + offset, blocks[-1] if blocks else None))
        elif token.type == TOKEN_STRING and _is_phrase(str(token.value)):
            # A helper's label or title ("label='were U.S. citizens'"); a fact id, a
            # topic or a chart's kind is one word and prints no text of a language.
            found.append((token.lineno, blocks[-1] if blocks else None))
    return found


def _is_phrase(text: str) -> bool:
    """Whether quoted ``text`` is words a page prints: more than one, one of letters."""
    return len(text.split()) > 1 and _WORD.search(text) is not None
