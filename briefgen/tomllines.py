"""The line of every key in a TOML text, which :mod:`tomllib` does not keep.

A small scanner over the text that tomllib has accepted (or is about to refuse):
tables (``[a.b]``, ``[[a]]``), dotted and quoted keys, inline tables, arrays and all
four kinds of string. It never recurses, so it also finds the line where arrays or
inline tables nest deeper than a limit, which tomllib would answer with a
RecursionError. On text it does not understand it stops and returns what it found.
"""

from __future__ import annotations

import contextlib
import re
import tomllib

KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SPACE = re.compile(r"[ \t]*")
# Not a string: a number, boolean, date or time (one space allowed: 1979-05-27 07:32:00).
_SCALAR = re.compile(r"[^,\]}\s#]+(?: [0-9][^,\]}\s#]*)?")
_STRINGS = ('"""', "'''", '"', "'")


class TooDeep(Exception):
    """Arrays or inline tables nest deeper than allowed; ``line`` is where."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _Stop(Exception):
    """Text the scanner does not understand (tomllib says what is wrong)."""


class _Scanner:
    def __init__(self, text: str, max_depth: int) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.max_depth = max_depth
        self.lines: dict[KeyPath, int] = {}
        self.array_tables: dict[KeyPath, int] = {}
        self.again: dict[int, KeyPath] = {}  # a line that sets a key set before, and the key

    def peek(self, count: int = 1) -> str:
        return self.text[self.pos : self.pos + count]

    def skip(self, newlines: bool) -> None:
        """Skip spaces and comments, and line ends when ``newlines``."""
        while self.pos < len(self.text):
            self.pos = _SPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]
            char = self.peek()
            if char == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            elif newlines and char in "\r\n":
                self.line += char == "\n"
                self.pos += 1
            else:
                return

    def string(self) -> str:
        """Consume a string of any kind; its value (exact for keys, which are one line)."""
        start = self.pos
        quote = next((q for q in _STRINGS if self.text.startswith(q, self.pos)), None)
        if quote is None:
            raise _Stop
        self.pos += len(quote)
        while True:
            end = self.text.find(quote, self.pos)
            if end < 0:
                raise _Stop
            backslashes = len(self.text[self.pos : end]) - len(
                self.text[self.pos : end].rstrip("\\")
            )
            self.pos = end + len(quote)
            if quote[0] == "'" or backslashes % 2 == 0:
                break
        # A multi-line string may end in up to two more quotes ("""a"""").
        while len(quote) == 3 and self.peek() == quote[0] and self.pos - start < len(self.text):
            self.pos += 1
        raw = self.text[start : self.pos]
        self.line += raw.count("\n")
        try:
            return str(tomllib.loads(f"k = {raw}")["k"]) if len(quote) == 1 else raw
        except tomllib.TOMLDecodeError:
            raise _Stop from None

    def key(self) -> list[str]:
        parts = []
        while True:
            self.skip(newlines=False)
            if self.peek() in ('"', "'"):
                parts.append(self.string())
            elif match := _BARE_KEY.match(self.text, self.pos):
                parts.append(match.group(0))
                self.pos = match.end()
            else:
                raise _Stop
            self.skip(newlines=False)
            if self.peek() != ".":
                return parts
            self.pos += 1

    def record(self, path: KeyPath) -> None:
        # Each dotted part is a table inside the one before: a key of 30,000 parts
        # was 30,000 tables deep, and its prefixes kept here took 9 GB.
        if len(path) > self.max_depth:
            raise TooDeep(self.line)
        for end in range(1, len(path) + 1):
            self.lines.setdefault(path[:end], self.line)

    def expect(self, token: str) -> None:
        self.skip(newlines=False)
        if not self.text.startswith(token, self.pos):
            raise _Stop
        self.pos += len(token)

    def document(self) -> None:
        table: KeyPath = ()
        while True:
            self.skip(newlines=True)
            if self.pos >= len(self.text):
                return
            if self.peek(2) == "[[":
                self.pos += 2
                name = tuple(self.key())
                self.expect("]]")
                index = self.array_tables.get(name, -1) + 1
                self.array_tables[name] = index
                table = (*name, index)
                self.record(table)
            elif self.peek() == "[":
                self.pos += 1
                table = tuple(self.key())
                self.expect("]")
                self.record(table)
            else:
                path = (*table, *self.key())
                if path in self.lines:
                    self.again.setdefault(self.line, path)
                self.record(path)
                self.expect("=")
                self.value(path)

    def value(self, path: KeyPath) -> None:
        """Consume one value at ``path``, with every array and inline table in it."""
        open_: list[tuple[KeyPath, int | None]] = []  # arrays (next index) and tables (None)
        while True:
            self.skip(newlines=bool(open_))
            char = self.peek()
            if char in ("[", "{"):
                if len(open_) >= self.max_depth:
                    raise TooDeep(self.line)
                self.pos += 1
                self.lines.setdefault(path, self.line)
                if char == "[":
                    open_.append((path, 0))
                    path = (*path, 0)
                    continue
                open_.append((path, None))
                if (first := self.inline_key(path)) is not None:
                    path = first
                    continue
                open_.pop()  # {}
            elif char == "]" and open_ and open_[-1][1] is not None:
                self.pos += 1  # [], or the end after a last comma
                open_.pop()
            elif char in ('"', "'"):
                self.lines.setdefault(path, self.line)
                self.string()
            elif match := _SCALAR.match(self.text, self.pos):
                self.pos = match.end()
                self.lines.setdefault(path, self.line)
            else:
                raise _Stop
            following = self.after_value(open_)
            if following is None:
                return
            path = following

    def after_value(self, open_: list[tuple[KeyPath, int | None]]) -> KeyPath | None:
        """Past a value: close what ends here; the path of the next value, None when the
        whole value has ended."""
        while open_:
            self.skip(newlines=True)
            where, index = open_[-1]
            char = self.peek()
            self.pos += 1
            if char == ",":
                if index is not None:
                    open_[-1] = (where, index + 1)
                    return (*where, index + 1)
                if (following := self.inline_key(where)) is None:
                    raise _Stop
                return following
            if char != ("]" if index is not None else "}"):
                raise _Stop
            open_.pop()
        return None

    def inline_key(self, table: KeyPath) -> KeyPath | None:
        """In an inline table: read ``key =`` and give its path; None at the closing ``}``."""
        self.skip(newlines=True)
        if self.peek() == "}":
            self.pos += 1
            return None
        path = (*table, *self.key())
        self.record(path)
        self.expect("=")
        return path


def key_lines(text: str, max_depth: int) -> dict[KeyPath, int]:
    """The line where each key path of ``text`` (a TOML document) is first written.

    Array items are numbered as tomllib's data numbers them. Raises :class:`TooDeep`
    where arrays or inline tables nest deeper than ``max_depth``, or a key (with its
    table's name) has more than ``max_depth`` dotted parts.
    """
    scanner = _Scanner(text, max_depth)
    with contextlib.suppress(_Stop):
        scanner.document()
    return scanner.lines


def keys_set_twice(text: str, max_depth: int) -> dict[int, tuple[KeyPath, int]]:
    """Each line of ``text`` (a TOML document) that sets a key a line above it set
    (which tomllib refuses as "Cannot overwrite a value"): the key and that first line."""
    scanner = _Scanner(text, max_depth)
    with contextlib.suppress(_Stop, TooDeep):
        scanner.document()
    return {line: (path, scanner.lines[path]) for line, path in scanner.again.items()}
