"""Read YAML into plain data while remembering the line of every key and item.

The data is built from PyYAML's event stream (libyaml's when available), not from
composed nodes, so that:

- a schema error at ``("facts", 3, "value")`` can point at the line where that value
  was written; duplicate keys, which PyYAML silently collapses, are reported;
- nothing recurses: YAML nested deeper than :data:`MAX_DEPTH` stops at the line that
  goes too deep (libyaml's composer crashes the process on ~100,000 levels);
- an alias (``*name``) counts as every value it stands for, wherever it stands (as a
  key too), without being expanded: a "billion laughs" stops at :data:`MAX_VALUES`;
- plain scalars follow YAML 1.2's core schema: ``1:30`` is text, not 90 (YAML 1.1's
  base 60); ``010`` is ten; ``1_000``, ``yes``, ``no``, ``on`` and ``off`` are text.

Facts files and a template's front matter are both read here.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import BaseResolver

from briefgen.errors import BriefgenError, FactsError, Location, display_path
from briefgen.inputs import LongNumber, clip, clip_name, composed, decode_text, quote, read_bytes

LocPath = tuple[str | int, ...]
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# A facts file holds hundreds of values and a few levels; far more is a mistake or an attack.
MAX_BYTES = 2_000_000
MAX_VALUES = 100_000
MAX_DEPTH = 50

_REPARSE_LIMIT = 100_000
# A number with one point before three digits, the last a zero no decimal needs:
# 26.700, which Spain writes for 26,700. (12.345 needs every place, so is a decimal,
# and the advice to write it as the decimal it reads as must lead somewhere.)
_THOUSANDS_POINT = re.compile(r"[1-9]\d{0,2}\.\d{2}0")
_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_NULL = _TAG + "null"
_INT = _TAG + "int"


class Resolver12(BaseResolver):
    """The implicit types of YAML 1.2's core schema, plus dates (``2023-03-13``)."""


for _tag, _pattern, _first in [
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("bool", r"true|True|TRUE|false|False|FALSE", list("tTfF")),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", list("-+0123456789")),
    (
        "float",
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        list("-+.0123456789"),
    ),
    (
        "timestamp",
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
        r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
        r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?",
        list("0123456789"),
    ),
]:
    Resolver12.add_implicit_resolver(_TAG + _tag, re.compile(f"^(?:{_pattern})$"), _first)


@lru_cache(maxsize=1024)
def _implicit_tag(value: str, implicit: tuple[bool, bool]) -> str:
    """The tag YAML 1.2 gives a plain scalar: a file's keys and many values repeat,
    and the resolver tries its patterns on each (a tenth of reading the facts)."""
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, value, implicit)  # type: ignore[no-untyped-call]
    return tag


_RESOLVER = Resolver12()


def _construct_int(constructor: SafeConstructor, node: yaml.ScalarNode) -> int:
    """YAML 1.2's integers: ``010`` is ten, ``0o10`` eight, ``0x10`` sixteen."""
    text = str(constructor.construct_scalar(node))
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text)


_CONSTRUCTORS: dict[str | None, Callable[[SafeConstructor, yaml.ScalarNode], Any]] = {
    **SafeConstructor.yaml_constructors,
    _TAG + "int": _construct_int,
}


@dataclass
class YamlDocument:
    """Plain data from one YAML file plus the line where each path starts."""

    path: Path
    data: Any
    lines: dict[LocPath, int] = field(default_factory=dict)
    problems: list[BriefgenError] = field(default_factory=list)

    def line_of(self, loc: LocPath) -> int:
        """The line of the longest known prefix of ``loc`` (1 when nothing matches)."""
        for end in range(len(loc), -1, -1):
            if (line := self.lines.get(loc[:end])) is not None:
                return line
        return 1

    def location(self, loc: LocPath) -> Location:
        """Where ``loc`` was written: this file at :meth:`line_of` it."""
        return Location(self.shown, self.line_of(loc))

    @cached_property
    def shown(self) -> str:
        """The path as messages show it."""
        return display_path(self.path)


@dataclass
class _Open:
    """A list or mapping being built."""

    loc: LocPath | None  # None: its lines are not recorded (the value of a duplicate key)
    value: list[Any] | dict[str, Any]
    anchor: str | None
    values_before: int
    key: str | None = None  # in a mapping: the key whose value comes next
    duplicate: bool = False


class _Builder:
    def __init__(
        self,
        doc: YamlDocument,
        error: type[BriefgenError],
        first_line: int,
        field_depth: int,
        as_written: bool = False,
        max_values: int | None = None,
        text: str = "",
    ) -> None:
        self.doc = doc
        self.text = text  # the file's, to find a comment joined to a value
        self.as_written = as_written
        self.max_values = MAX_VALUES if max_values is None else max_values
        self.error = error
        self.first_line = first_line
        self.field_depth = field_depth
        self.constructor = SafeConstructor()
        self.stack: list[_Open] = []
        self.anchors: dict[str, tuple[Any, int]] = {}  # value and how many values it holds
        self.values = 0
        self.aliased = False
        self.documents = 0
        self.root: Any = None

    def line(self, event: yaml.Event) -> int:
        mark = event.start_mark
        return (mark.line if mark else 0) + self.first_line

    def at(self, message: str, event: yaml.Event) -> BriefgenError:
        return self.error(message, Location.of(self.doc.path, self.line(event)))

    def _fail(self, message: str, event: yaml.Event, loc: LocPath | None) -> BriefgenError:
        # Name the field (facts[3].note) whose value went wrong, at its line.
        depth = self.field_depth
        if loc is not None and len(loc) >= depth and loc[:depth] in self.doc.lines:
            name = clip_name(str(loc[depth - 1]))
            return self.error(f"{name}: {message}", self.doc.location(loc[:depth]))
        return self.at(message, event)

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise self.at("YAML: expected a single document, found a second", event)
        elif isinstance(event, yaml.ScalarEvent):
            self.count(1, event)
            self.place(self.scalar(event), event, event.anchor, 1)
        elif isinstance(event, yaml.AliasEvent):
            self.alias(event)
        elif isinstance(event, yaml.CollectionStartEvent):
            self.open(event)
        elif isinstance(event, yaml.CollectionEndEvent):
            node = self.stack.pop()
            self.place(node.value, event, node.anchor, self.values - node.values_before, node)

    def count(self, values: int, event: yaml.Event, alias: bool = False) -> None:
        self.values += values
        self.aliased |= alias
        if self.values > self.max_values:
            why = "; do aliases (*name) multiply them?" if self.aliased else " in one file"
            raise self._fail(f"more than {self.max_values:,} values{why}", event, self.child_loc())

    def scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        # The file's text is composed as it is read; an escape ("e\u0301") is not.
        value = composed(event.value)
        if (
            not event.style
            and event.end_mark
            and _JOINED_COMMENT.match(self.text, event.end_mark.index)
        ):
            self.doc.problems.append(
                self.at(self.cut_by_comment(value, event.end_mark.index), event)
            )
        if self.as_written and tag not in (None, "!", _STR):
            # Reported with the rest, as a duplicate key is: the file reads on.
            shown = clip(tag.replace(_TAG, "!!"), 100)
            self.doc.problems.append(
                self.at(
                    f"YAML: a tag ({shown}) here: every value is read as the text "
                    "written; leave the tag out",
                    event,
                )
            )
            return value
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return value  # quoted: text, the most common case
            tag = _implicit_tag(event.value, event.implicit)
            if self.as_written and tag != _NULL:
                return value
        if tag == _STR:
            return value
        build = _CONSTRUCTORS.get(tag)
        if build is None:
            tag = clip(tag, 100)
            raise self.at(f"YAML: could not determine a constructor for the tag {tag!r}", event)
        node = yaml.ScalarNode(tag, event.value, style=event.style)
        try:
            built = build(self.constructor, node)
            if isinstance(built, float) and event.tag is None:
                self.unclear_number(event, built)
            return built
        except (ValueError, KeyError):
            # A plain scalar YAML resolves as a date it cannot build (2023-02-30), an
            # integer of more digits than Python converts, or a ``!!bool`` that is no
            # boolean (PyYAML raises KeyError): hand the text on, so the field's own
            # check says what is wrong (the integer marked, not told it is in quotes).
            return LongNumber(value) if tag == _INT else value
        except ConstructorError as exc:
            raise self.at(f"YAML: {clip(str(exc.problem), 200)}", event) from None

    def cut_by_comment(self, value: str, end: int) -> str:
        """What to say of a plain ``value`` that a ``#`` after it cut short: ``office:
        Suite #200`` reads ``Suite``, and the rest would never reach the page."""
        line_end = self.text.find("\n", end)
        rest = self.text[end : None if line_end < 0 else line_end].strip()
        quoted = json.dumps(clip(f"{value} {rest}", 80), ensure_ascii=False)  # as YAML quotes
        return (
            f"YAML: the value reads {quote(clip(value, 60))}: {quote(clip(rest, 60))} after "
            f"it is a comment, which YAML leaves out; put the whole value in quotes if '#' "
            f"belongs to it ({quoted}), or write '# ' with a space for a comment"
        )

    def unclear_number(self, event: yaml.ScalarEvent, value: float) -> None:
        """A plain number YAML reads otherwise than its writer may mean, reported with
        the rest: ``26.700`` is 26.7, but 26,700 to one who marks thousands with a
        point, as Spain does; ``1e-400`` is below a float's range, read as 0."""
        written = event.value.strip().lstrip("+-")
        if _THOUSANDS_POINT.fullmatch(written):
            whole = int(written.replace(".", "")) * (-1 if value < 0 else 1)
            message = (
                f"'{event.value}' reads as {value:g}; if it is {whole:,} (thousands marked "
                f"with a point, as Spain writes them), write {whole}, else write {value:g}"
            )
        elif value == 0 and re.search(r"[1-9]", written.lower().partition("e")[0]):
            message = f"'{clip(event.value)}' is too small for a number and reads as 0"
        else:
            return
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.value, dict) and top.key is not None:
            message = f"{clip_name(str(top.key))}: {message}"
        self.doc.problems.append(self.at(message, event))

    def alias(self, event: yaml.AliasEvent) -> None:
        name = event.anchor
        if any(node.anchor == name for node in self.stack):
            raise self._fail(
                "an alias (*name) refers to the value that contains it", event, self.child_loc()
            )
        if name not in self.anchors:
            raise self.at(f"YAML: found undefined alias {clip(str(name))!r}", event)
        value, values = self.anchors[name]
        self.count(values, event, alias=True)
        self.place(value, event, None, values)

    def open(self, event: yaml.CollectionStartEvent) -> None:
        kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
        if event.tag not in (None, "!", _TAG + kind):
            raise self.at(f"YAML: tag {clip(event.tag, 100)!r} is not supported here", event)
        if self.stack and isinstance(self.stack[-1].value, dict) and self.stack[-1].key is None:
            raise self.at("YAML: a key must be plain text, not a list or mapping", event)
        if len(self.stack) >= MAX_DEPTH:
            raise self.at(f"YAML: nested more than {MAX_DEPTH} levels deep", event)
        self.count(1, event)
        loc = self.child_loc()
        if loc is not None:
            self.doc.lines.setdefault(loc, self.line(event))
        value: list[Any] | dict[str, Any] = {} if kind == "map" else []
        self.stack.append(_Open(loc, value, event.anchor, self.values - 1))

    def child_loc(self) -> LocPath | None:
        """Where the next value goes; None when that is a key or lines are not kept."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if top.loc is None or top.duplicate:
            return None
        if isinstance(top.value, list):
            return (*top.loc, len(top.value))
        return None if top.key is None else (*top.loc, top.key)

    def place(
        self,
        value: Any,
        event: yaml.Event,
        anchor: str | None,
        values: int,
        node: _Open | None = None,
    ) -> None:
        if anchor is not None:
            self.anchors[anchor] = (value, values)
        if not self.stack:
            if node is None:
                self.doc.lines.setdefault((), self.line(event))
            self.root = value
            return
        top = self.stack[-1]
        if isinstance(top.value, list):
            # A mapping's value has its line already, from its key (key()).
            if node is None and top.loc is not None and not top.duplicate:
                self.doc.lines.setdefault((*top.loc, len(top.value)), self.line(event))
            top.value.append(value)
        elif top.key is None:
            self.key(top, value, event)
        else:
            if not top.duplicate:
                top.value[top.key] = value
            top.key, top.duplicate = None, False

    def key(self, top: _Open, value: Any, event: yaml.Event) -> None:
        if isinstance(value, list | dict):
            raise self.at("YAML: a key must be plain text, not a list or mapping", event)
        if isinstance(value, str):
            key = value
        elif value is None and self.as_written and isinstance(event, yaml.ScalarEvent):
            key = event.value  # `null:` is the text null, not None (`~`, or nothing: "")
        elif value is None or isinstance(value, bool):
            key = "null" if value is None else str(value).lower()  # as YAML writes them
        else:
            key = str(value)
        line = self.line(event)
        top.key = key
        if top.loc is None:
            top.duplicate = key in top.value  # inside a value that is dropped: no reports
        elif key in top.value:
            first = self.doc.lines[(*top.loc, key)]
            top.duplicate = True
            self.doc.problems.append(
                self.error(
                    f"{clip_name(str(key))}: duplicate key (first given on line {first})",
                    Location.of(self.doc.path, line),
                )
            )
        else:
            self.doc.lines[(*top.loc, key)] = line


def read_yaml(path: Path) -> YamlDocument:
    """Parse the facts file ``path``; raise :class:`FactsError` (with line) for an
    unreadable, oversized or bad file.

    Duplicate keys do not stop the parse: they come back in the document's
    ``problems`` so they are reported with the rest.
    """
    return parse_facts(read_facts_bytes(path), path)


def read_facts_bytes(path: Path) -> bytes:
    """The bytes of the facts file ``path``; raise :class:`FactsError` for an
    unreadable or oversized file, or one that is not a regular file."""
    return read_bytes(path, MAX_BYTES, FactsError, "a facts file")


def parse_facts(raw: bytes, path: Path) -> YamlDocument:
    """Parse ``raw``, the bytes of the facts file ``path``, as :func:`read_yaml` does."""
    return parse_yaml(decode_text(raw, path, FactsError), path, FactsError, field_depth=3)


def parse_yaml(
    text: str,
    path: Path,
    error: type[BriefgenError],
    first_line: int = 1,
    field_depth: int = 1,
    as_written: bool = False,
    max_values: int | None = None,
) -> YamlDocument:
    """Parse ``text``, written at line ``first_line`` of ``path``; raise ``error``
    (located) for bad YAML or YAML over the limits. A value over the limits is blamed
    on the field it lies in: the key ``field_depth`` levels down (``facts[3].note``: 3).
    ``as_written``: every plain scalar but a null is its text (``007`` stays ``007``,
    not 7; ``true`` stays ``true``), and every key its text (``null:`` is the key
    ``null``, not ``None``), for files whose values are all text.
    ``max_values``: how many values the file may hold, each alias counting as all the
    values it stands for (None: :data:`MAX_VALUES`)."""
    doc = YamlDocument(path=path, data=None)
    builder = _Builder(doc, error, first_line, field_depth, as_written, max_values, text)
    try:
        try:
            for event in yaml.parse(text, Loader=_FAST_LOADER):
                builder.feed(event)
        except yaml.YAMLError:
            # libyaml's parser is several times faster; on an error, parse again with
            # the pure-Python one, whose messages are the more precise (unless that
            # would take seconds: about 10 s a megabyte).
            if len(text) <= _REPARSE_LIMIT:
                for _ in yaml.parse(text, Loader=yaml.SafeLoader):
                    pass
            raise
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, path, error, first_line, text) from None
    except yaml.reader.ReaderError as exc:
        raise _unreadable_character(exc, path, error, first_line, text) from None
    except yaml.YAMLError as exc:
        raise error(f"YAML: {clip(str(exc), 200)}", Location.of(path, first_line)) from None
    doc.data = builder.root
    return doc


# A '#' right after a plain value and a space, with no space after it ("Suite #200",
# "Ann #boss"): YAML reads a comment and cuts the value; a comment is written "# note".
_JOINED_COMMENT = re.compile(r"[ \t]+#[^\s#]")


# A line indented with a space YAML does not read as one (a no-break space, as text
# copied from a web page, an e-mail or Word brings): PyYAML takes it for the start of
# a value and gives up a line or two below, saying something else.
_ODD_INDENT = re.compile(r"[ ]*([^\S\t\n\r ])")


_ODD_INDENTS = re.compile(r"^([ ]*)([^\S\t\n\r ]+)", re.MULTILINE)


def _odd_indent(text: str, problem_line: int) -> tuple[int, int, str] | None:
    """The line (0-based), column and character of an odd space indenting the line
    ``problem_line`` of ``text`` or one of the two above it, the nearest first; None
    too when the error stays where it is with every such space a plain one (a no-break
    space inside a block of text, which is a letter of it)."""
    lines = text.split("\n", problem_line + 1)[: problem_line + 1]
    for number in range(len(lines) - 1, max(len(lines) - 4, -1), -1):
        if match := _ODD_INDENT.match(lines[number]):
            spaced = _ODD_INDENTS.sub(lambda m: m[1] + " " * len(m[2]), text)
            if _error_line(spaced) == _error_line(text):
                return None
            return number, match.start(1), match[1]
    return None


# A key glued to its value (`places:[tucson-az]`, or a no-break space after the colon
# as pasted from a web page), which YAML reads as a line of text, not a key.
_GLUED_KEY = re.compile(r" *(?:- +)?([A-Za-z_][\w-]*):([^ \t\r\n#])")


def _glued_key(text: str, problem_line: int) -> tuple[int, int, str, str, str] | None:
    """The line (0-based), column, key, following character and the line as it should
    be written, of a key written without a space after its colon, on the line
    ``problem_line`` of ``text`` or one of the two above it, the nearest first; None
    when a space there leaves the error where it is (``https://`` in a text is no key)."""
    lines = text.split("\n", problem_line + 1)[: problem_line + 1]
    for number in range(len(lines) - 1, max(len(lines) - 4, -1), -1):
        if match := _GLUED_KEY.match(lines[number]):
            after = match[2] if match[2].isspace() else ""
            fixed = (
                lines[number][: match.end(1) + 1]
                + " "
                + lines[number][match.end(1) + 1 + len(after) :]
            )
            spaced = "\n".join([*lines[:number], fixed, *text.split("\n")[number + 1 :]])
            if _error_line(spaced) == _error_line(text):
                return None
            return number, match.end(1), match[1], match[2], fixed.strip()
    return None


# A line that starts a key (`value: 480`) or an item (`- id: x`), as written in a
# facts file or front matter, and a value that is plain text YAML would read on over
# the lines below it.
_KEY_LINE = re.compile(r"( *)(?:(-)[ ]+)?([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)")
_PLAIN_VALUE = re.compile(r" *(?:- +)?[A-Za-z_][\w-]*[ \t]*:[ \t]+[^\W\d_]")


# What PyYAML says of a key indented too far, then too little.
_INDENT_PROBLEMS = ("mapping values are not allowed here", "expected <block end>")


def _misindented(text: str, problem_line: int, first_line: int) -> str | None:
    """What to say of the key or item starting the line ``problem_line`` (0-based) of
    ``text``, written from line ``first_line`` of its file, when it parses once
    indented as a key or item above it is; None when no such indentation mends it.

    PyYAML says such a line's slip in its own terms: indented too far, the key is
    read as more of the value above (`mapping values are not allowed here`, as for a
    colon inside a value); not far enough, `expected <block end>`. Neither says
    which way to move it.
    """
    lines = text.split("\n")
    if problem_line >= len(lines) or not (here := _KEY_LINE.match(lines[problem_line])):
        return None
    indent = len(here[1])
    tried: set[int] = {indent}
    for number in range(problem_line - 1, -1, -1):
        above = _KEY_LINE.match(lines[number])
        if above is None:
            continue
        # After `- id: x` its keys line up with `id`, and the next item with `-`.
        for want in (above.start(3), len(above[1])):
            if want in tried or len(tried) > 8:
                continue
            tried.add(want)
            mended = [*lines[:problem_line], " " * want + lines[problem_line][indent:]]
            after = _error_line("\n".join(mended + lines[problem_line + 1 :]))
            if after is None or after > problem_line:
                other = _key_name(above) if want == len(above[1]) else above[3]
                return _indent_advice(lines, problem_line, here, want, other, number, first_line)
    return None


def _not_under_its_key(text: str, problem_line: int, first_line: int) -> tuple[str, int] | None:
    """A key written at the indent of the empty key above it (``es:`` then ``text:``
    beside it, not under it), which the parser only trips over a line later, at the
    key indented as meant: what to say, and the line of the key to move. None when
    indenting that key as the problem line is does not mend the file."""
    lines = text.split("\n")
    keys = [n for n in range(problem_line - 1, -1, -1) if _KEY_LINE.match(lines[n])][:2]
    here = _KEY_LINE.match(lines[problem_line]) if problem_line < len(lines) else None
    if len(keys) < 2 or here is None:
        return None
    (beside, empty), want = keys, len(here[1])
    parent, key = _KEY_LINE.match(lines[empty]), _KEY_LINE.match(lines[beside])
    if parent is None or key is None or lines[empty][parent.end() :].strip():
        return None  # the key above has a value of its own on its line
    indent = len(key[1])
    if not indent <= parent.start(3) < want:
        return None
    mended = [*lines[:beside], " " * want + lines[beside][indent:], *lines[beside + 1 :]]
    if (after := _error_line("\n".join(mended))) is not None and after <= problem_line:
        return None
    return (
        f"YAML: '{_key_name(key)}' is indented {_spaces(indent)}; indent it "
        f"{_spaces(want)}, under '{_key_name(parent)}' on line {empty + first_line}, as "
        f"'{_key_name(here)}' below it is, column {indent + 1}",
        beside + first_line,
    )


def _indent_advice(
    lines: list[str],
    problem_line: int,
    here: re.Match[str],
    want: int,
    other: str,
    other_line: int,
    first_line: int,
) -> str:
    indent = len(here[1])
    where = f"indent it {_spaces(want)}" if want else "start it at the line's start"
    message = (
        f"YAML: '{_key_name(here)}' is indented {_spaces(indent)}; {where}, as '{other}' "
        f"is on line {other_line + first_line}"
    )
    previous = next((i for i in range(problem_line - 1, -1, -1) if lines[i].strip()), -1)
    if want < indent and previous >= 0 and _PLAIN_VALUE.match(lines[previous]):
        message += (
            f" (or, if this line goes on with the text of line {previous + first_line},"
            " put that text in quotes)"
        )
    return f"{message}, column {indent + 1}"


def _key_name(match: re.Match[str]) -> str:
    return f"- {match[3]}" if match[2] else match[3]


def _spaces(count: int) -> str:
    return "1 space" if count == 1 else f"{count} spaces"


def _error_line(text: str) -> int | None:
    """The line (0-based) libyaml's parser gives up at in ``text``; None if it parses."""
    try:
        for _ in yaml.parse(text, Loader=_FAST_LOADER):
            pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return mark.line if mark is not None else -1
    except yaml.YAMLError:
        return -1
    return None


def _unreadable_character(
    exc: yaml.reader.ReaderError,
    path: Path,
    error: type[BriefgenError],
    first_line: int,
    text: str,
) -> BriefgenError:
    """A character YAML refuses anywhere in a file (a control character pasted in, as
    a backspace or a bell): PyYAML's two lines name its offset in the text, not its
    line, which is what a reader looks for."""
    code = exc.character if isinstance(exc.character, int) else ord(exc.character)
    # The first one in the text is the one the reader stopped at; libyaml's position
    # counts bytes, not characters.
    at = text.find(chr(code))
    line = text.count("\n", 0, at) + first_line if at >= 0 else first_line
    kind = "a control character" if unicodedata.category(chr(code)) == "Cc" else "a noncharacter"
    return error(
        f"YAML: U+{code:04X}, {kind}, cannot be written in a YAML file; delete it, "
        f'or write {ascii(chr(code))[1:-1]} inside "double quotes"',
        Location.of(path, line),
    )


def _syntax_error(
    exc: yaml.MarkedYAMLError,
    path: Path,
    error: type[BriefgenError],
    first_line: int,
    text: str = "",
) -> BriefgenError:
    # "while scanning a quoted scalar" marks where the quote opened: that is the
    # line to fix, not the end of the file where the scanner gave up.
    opened = (
        exc.context is not None
        and exc.context.startswith("while scanning")
        and exc.context_mark is not None
        and exc.problem_mark is not None
        and exc.context_mark.line != exc.problem_mark.line
    )
    mark = (exc.context_mark if opened else None) or exc.problem_mark or exc.context_mark
    if exc.problem == "exceeded maximum nesting depth" and mark is not None:
        # libyaml's own cap (PyYAML 6.0.4's, 1,000 levels), met as it scans a line
        # ahead, before its parser has handed on the level past MAX_DEPTH: the same
        # refusal as ours, told as ours is.
        return error(
            f"YAML: nested more than {MAX_DEPTH} levels deep",
            Location.of(path, mark.line + first_line),
        )
    if mark is not None and (odd := _odd_indent(text, mark.line)):
        number, at, char = odd
        name = unicodedata.name(char, "")
        return error(
            f"YAML: the line is indented with U+{ord(char):04X} {name}, which YAML does "
            f"not read as a space; indent with plain spaces, column {at + 1}",
            Location.of(path, number + first_line),
        )
    if mark is not None and (glued := _glued_key(text, mark.line)):
        number, at, key, char, fixed = glued
        after = (
            f"is followed by U+{ord(char):04X} {unicodedata.name(char, '')}, which YAML does "
            "not read as a space; type a plain space after the colon"
            if char.isspace()
            else "needs a space after its colon, or YAML reads the line as text: write "
            f"{clip_name(fixed.removeprefix('- '))}"
        )
        return error(
            f"YAML: '{key}:' {after}, column {at + 2}", Location.of(path, number + first_line)
        )
    if not opened and mark is not None and (exc.problem or "").startswith(_INDENT_PROBLEMS):
        if under := _not_under_its_key(text, mark.line, first_line):
            return error(under[0], Location.of(path, under[1]))
        if misplaced := _misindented(text, mark.line, first_line):
            return error(misplaced, Location.of(path, mark.line + first_line))
    line = mark.line + first_line if mark else 0
    column = f", column {mark.column + 1}" if mark else ""
    problem = exc.problem or exc.context or "malformed YAML"
    if opened:
        problem = f"{exc.context}, {problem}"
    if "'\\t'" in problem:
        problem += " (indent with spaces, not tabs)"
    elif problem == "mapping values are not allowed here":
        # `text: Kasmar said: ...`, the commonest slip in a facts file.
        problem += " (a value holding ': ' needs quotes around it, or '>-' and the text below)"
    elif problem.endswith("that cannot start any token"):
        problem += " (put the value in quotes)"
    elif problem.startswith("expected <block end>"):
        # A key or '- ' indented by one space too many or too few, as typed by hand:
        # the parser's words name its own states, not the fix.
        problem += (
            " (is this line indented as meant? A mapping's keys line up with one another, "
            "and so does each '- ' of a list)"
        )
    return error(f"YAML: {clip(problem, 200)}{column}", Location.of(path, line))
