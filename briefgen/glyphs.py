"""Refuse text that would not print as written, rather than print boxes or drop it.

Checked before layout, for every block and for the source notes the citations will
add: control and unassigned characters, right-to-left scripts (reportlab lays text
out left to right only), and characters neither bundled font can draw. Characters
beyond U+FFFF are refused too: reportlab maps them wrongly in the PDF's text layer,
so copying, search and screen readers would get other characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from briefgen.citations import cited_ids, note_text
from briefgen.errors import LayoutError, Location
from briefgen.facts.store import FactStore
from briefgen.fonts import FALLBACK_FILES, draws
from briefgen.kept import MAX_KEPT_CHARS
from briefgen.model import Document, block_text, children
from briefgen.theme import DEFAULT_THEME, FAMILIES, FontFamily

RIGHT_TO_LEFT = {"R", "AL", "RLE", "RLO", "RLI"}
UNPRINTABLE = {"Cc", "Cs", "Co", "Cn"}
# U+2028 and U+2029: the PDF prints a space, the DOCX keeps the character (Word shows
# a line break). A fact's text has them made spaces before it reaches a page.
SEPARATORS = {"Zl", "Zp"}
# Invisible formatting characters both formats treat alike: a soft hyphen (a hyphen
# where the line breaks there, in both), a word joiner, a byte-order mark. The bundled
# fonts draw others (a joiner, a left-to-right mark) as a visible mark the DOCX does
# not show, and reportlab never breaks a line at a zero-width space, where Word may.
UNSEEN_ALIKE = {"\u00ad", "\u2060", "\ufeff"}
# The spaces both formats set alike. reportlab takes every other space (thin, narrow
# no-break, figure, em...) for a plain one, full width and a place to break the line.
ALIKE_SPACES = {" ", "\u00a0"}
FACT_FIELDS = ("text", "short", "unit", "speaker", "role", "organization")
# A source's URL is printed in its note, after its title.
SOURCE_FIELDS = ("title", "author", "publisher", "URL")
TRANSLATION_FIELDS = ("text", "short", "unit", "role", "organization")


def _name(char: str) -> str:
    unnamed = "control character" if unicodedata.category(char) == "Cc" else "unnamed character"
    return f"U+{ord(char):04X} {unicodedata.name(char, unnamed)}"


# The characters already found to print as written, per font family: a batch checks
# the same words for every copy, and this set answers for them at C speed.
_PRINTABLE: dict[FontFamily, set[str]] = {}


# The texts found to print as written, per font family, the last few thousand: a
# batch's copies print the same blocks but for the few naming their recipient, and
# a text's hash is worked out faster than each of its characters is looked up.
_PRINTED: dict[FontFamily, dict[str, None]] = {}
_PRINTED_KEPT = 4096


def _remember(printed: dict[str, None], text: str) -> None:
    """Keep ``text`` among those found to print as written, forgetting the oldest."""
    if len(text) <= MAX_KEPT_CHARS:
        printed[text] = None
        if len(printed) > _PRINTED_KEPT:
            del printed[next(iter(printed))]


def _problem(text: str, family: FontFamily = DEFAULT_THEME.font) -> str | None:
    """What is wrong with the first character of ``text`` that would not print as
    written in ``family`` (the message's tail after "has"), or None."""
    printable = _PRINTABLE.setdefault(family, {"\n", "\t"})
    if printable.issuperset(text):
        return None
    return _first_problem(text, family, printable)


def _first_problem(text: str, family: FontFamily, printable: set[str]) -> str | None:
    # Each distinct character once, in order of first appearance: the same first
    # culprit as a walk over every character, at a fraction of the cost.
    for char in dict.fromkeys(text):
        if char in printable:
            continue
        if unicodedata.category(char) in UNPRINTABLE:
            return f"an unprintable character: {_name(char)}"
        if char == "\ufffd":
            # Markdown turns U+0000 into U+FFFD, as a decoder does bytes it cannot read.
            return (
                "a replacement character, which stands for one that was lost "
                "(such as U+0000 NUL or bytes that are not UTF-8): U+FFFD"
            )
        if unicodedata.category(char) in SEPARATORS:
            return f"a line separator, which prints differently in PDF and DOCX: {_name(char)}"
        if unicodedata.bidirectional(char) in RIGHT_TO_LEFT:
            return (
                f"right-to-left text ({_name(char)}), which briefgen cannot lay out yet; "
                "keep such text out of one-page briefs"
            )
        if unicodedata.category(char) == "Mn":
            # Input is composed as it is read (inputs.composed): a mark left is one
            # no letter takes, and reportlab would draw it beside the letter.
            return (
                "an accent that Unicode does not join with the letter before it into "
                "one character, which the PDF would print beside the letter rather "
                f"than over it: {_name(char)}"
            )
        if unicodedata.category(char) == "Cf" and char not in UNSEEN_ALIKE:
            return (
                "an invisible formatting character, which the PDF and the DOCX would "
                f"print differently (copied from a web page?): {_name(char)}"
            )
        if unicodedata.category(char) == "Zs" and char not in ALIKE_SPACES:
            return (
                "a special space, which the PDF would set as a plain, breaking space and "
                f"the DOCX as itself; type a plain or a no-break space: {_name(char)}"
            )
        drawn = (
            " " <= char <= "~"  # every bundled family draws printable ASCII
            or draws(char, family.files["regular"])
            or draws(char, FALLBACK_FILES["regular"])
        )
        if not (char.isspace() or drawn):
            return _undrawn(char, family)
        if ord(char) > 0xFFFF:
            return f"a character briefgen cannot write into a PDF's text: {_name(char)}"
        printable.add(char)
    return None


def _undrawn(char: str, family: FontFamily) -> str:
    """The problem of a character neither ``family`` nor the fallback draws: naming
    the bundled families that do draw it, when there are any."""
    others = [key for key, other in FAMILIES.items() if draws(char, other.files["regular"])]
    if not others:
        return f"a character no bundled font can draw: {_name(char)}"
    can = " or ".join(f'"{key}"' for key in others)
    return (
        f'a character the font "{family.key}" and its fallback cannot draw '
        f"(the font {can} can): {_name(char)}"
    )


def printing_problem(text: str, family: FontFamily = DEFAULT_THEME.font) -> str | None:
    """What is wrong with the first character of ``text`` that would not print as
    written in ``family``, or None: for text checked where it is written
    (``briefgen.toml``)."""
    return _problem(text, family)


_CODE = re.compile(r"U\+([0-9A-F]{4,6})")


def _culprit(message: str) -> str:
    """The character a :func:`_problem` message names."""
    return chr(int(_CODE.findall(message)[-1], 16))


@dataclass(frozen=True)
class _Field:
    """A printed field of a fact or source: whose it is, its name, where it is written,
    its text."""

    owner: str
    name: str
    where: Location
    text: str


def _store_fields(store: FactStore) -> Iterator[_Field]:
    """Every printed field of the store's facts (their Spanish forms too) and sources,
    in the store's order, the empty ones left out."""
    for fact in store:
        for field in FACT_FIELDS:
            if text := getattr(fact, field):
                yield _Field(f"fact '{fact.id}'", field, store.where(fact.id, field), text)
        for field in TRANSLATION_FIELDS if fact.es is not None else ():
            if text := getattr(fact.es, field):
                owner = f"fact '{fact.id}' (its Spanish form, es:)"
                yield _Field(owner, f"es: {field}", store.where(fact.id, "es"), text)
    for source in store.sources.values():
        for field in SOURCE_FIELDS:
            if text := getattr(source, field):
                where = store.where_source(source.id, field)
                yield _Field(f"source '{source.id}'", field, where, text)


def _owner(
    char: str, store: FactStore, default: Location, columns: Mapping[str, str]
) -> tuple[str, Location]:
    """Where ``char`` was written: a column of the recipient's row (printed at
    ``default``; one row failing where the others print points at the row), a fact's
    field, a source's field, else the template."""
    for column, value in columns.items():
        if char in value:
            return f"the recipient's '{column}' column", default
    found = next((field for field in _store_fields(store) if char in field.text), None)
    return (found.owner, found.where) if found else ("the template", default)


def store_glyph_problems(store: FactStore, family: FontFamily) -> list[str]:
    """One line for each field of a fact or source that would not print as written
    in ``family``, at the field: ``build`` refuses it only where a template prints
    it, so ``facts check`` tells them all beforehand."""
    return [
        f"{field.where}: {field.name}: has {problem} (build stops where a template prints it)"
        for field in _store_fields(store)
        if (problem := _problem(field.text, family))
    ]


def _texts(document: Document, store: FactStore) -> Iterator[tuple[str, Location]]:
    # Each block that holds no other, at its own line: a box, row of cards or column
    # may stand in the template a block of it extends (builtin/...), its text in yours.
    for block in document.walked:
        if not children(block):
            yield block_text(block), block.location
    for fact_id in cited_ids(document):
        yield note_text(store, fact_id, document.metadata.language), document.source


def check_glyphs(
    document: Document,
    store: FactStore,
    family: FontFamily = DEFAULT_THEME.font,
    columns: Mapping[str, str] | None = None,
) -> None:
    """Raise a :class:`LayoutError` naming where a character that would not print as
    written in ``family`` (the theme's font, else the fallback) came from, and the
    character. ``columns``: a batch copy's recipient row, column by column."""
    # The family's sets looked up once for the page's some thirty texts, not per text.
    printable = _PRINTABLE.setdefault(family, {"\n", "\t"})
    printed = _PRINTED.setdefault(family, {})
    for text, location in _texts(document, store):
        if text in printed:
            continue
        problem = None if printable.issuperset(text) else _first_problem(text, family, printable)
        if problem:
            who, where = _owner(_culprit(problem), store, location, columns or {})
            raise LayoutError(f"{who} has {problem}", where)
        _remember(printed, text)
