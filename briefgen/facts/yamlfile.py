"""Read a YAML file into plain data while remembering the line of every key and item.

PyYAML's composer gives nodes with marks; we build the data ourselves from them so
that a schema error at ``("facts", 3, "value")`` can point at the line where that
value was written. Duplicate keys, which PyYAML silently collapses, are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from briefgen.errors import FactsError, Location

LocPath = tuple[str | int, ...]
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class YamlDocument:
    """Plain data from one YAML file plus the line where each path starts."""

    path: Path
    data: Any
    lines: dict[LocPath, int] = field(default_factory=dict)
    problems: list[FactsError] = field(default_factory=list)

    def line_of(self, loc: LocPath) -> int:
        """The line of the longest known prefix of ``loc`` (1 when nothing matches)."""
        for end in range(len(loc), -1, -1):
            if (line := self.lines.get(loc[:end])) is not None:
                return line
        return 1

    def location(self, loc: LocPath) -> Location:
        return Location.of(self.path, self.line_of(loc))


# A facts file holds hundreds of values; far more means aliases multiplying them.
MAX_VALUES = 100_000


class _Builder:
    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.constructor = SafeConstructor()
        self.problems: list[FactsError] = []
        self.open_nodes: set[int] = set()
        self.values = 0

    def _fail(self, message: str, node: yaml.Node, loc: LocPath) -> FactsError:
        # Name the entry's field (facts[3].note) whose value went wrong, at its line.
        if len(loc) >= 3 and loc[:3] in self.doc.lines:
            return FactsError(f"{loc[2]}: {message}", self.doc.location(loc[:3]))
        return FactsError(message, Location.of(self.doc.path, node.start_mark.line + 1))

    def build(self, node: yaml.Node, loc: LocPath) -> Any:
        self.values += 1
        if self.values > MAX_VALUES:
            raise self._fail(
                f"more than {MAX_VALUES:,} values; do aliases (*name) multiply them?", node, loc
            )
        if id(node) in self.open_nodes:
            raise self._fail("an alias (*name) refers to the value that contains it", node, loc)
        self.open_nodes.add(id(node))
        try:
            return self._build(node, loc)
        finally:
            self.open_nodes.discard(id(node))

    def _build(self, node: yaml.Node, loc: LocPath) -> Any:
        self.doc.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.constructor.construct_object(key_node, deep=True)
                if not isinstance(key, str):
                    key = str(key)
                line = key_node.start_mark.line + 1
                if key in result:
                    first = self.doc.lines[(*loc, key)]
                    self.problems.append(
                        FactsError(
                            f"{key}: duplicate key (first given on line {first})",
                            Location.of(self.doc.path, line),
                        )
                    )
                    continue
                self.doc.lines[(*loc, key)] = line
                result[key] = self.build(value_node, (*loc, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        try:
            return self.constructor.construct_object(node, deep=True)
        except ValueError:
            # A plain scalar YAML resolves as a date it cannot build (2023-02-30):
            # hand the text on, so the field's own check says what is wrong.
            return node.value


def read_yaml(path: Path) -> YamlDocument:
    """Parse ``path``; raise :class:`FactsError` (with line) for unreadable or bad YAML.

    Duplicate keys do not stop the parse: they come back in the document's
    ``problems`` so they are reported with the rest.
    """
    where = Location.of(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FactsError(f"cannot read the file: {exc.strerror}", where) from None
    if b"\0" in raw:
        raise FactsError("this is not a text file (it contains NUL bytes)", where)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FactsError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            Location.of(path, line),
        ) from None
    text = text.removeprefix("\ufeff")
    try:
        try:
            # libyaml's parser is several times faster; on an error, parse again with
            # the pure-Python one, whose messages are the more precise.
            node = yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise FactsError("YAML: nested too deeply", Location.of(path, 1)) from None
    except yaml.MarkedYAMLError as exc:
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
        line = mark.line + 1 if mark else 0
        column = f", column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "malformed YAML"
        if opened:
            problem = f"{exc.context}, {problem}"
        if "'\\t'" in problem:
            problem += " (indent with spaces, not tabs)"
        raise FactsError(f"YAML: {problem}{column}", Location.of(path, line)) from None
    except yaml.YAMLError as exc:
        raise FactsError(f"YAML: {exc}", where) from None
    doc = YamlDocument(path=path, data=None)
    if node is None:
        return doc
    builder = _Builder(doc)
    try:
        doc.data = builder.build(node, ())
    except RecursionError:
        raise FactsError("YAML: nested too deeply", Location.of(path, 1)) from None
    except ConstructorError as exc:
        mark = exc.problem_mark
        raise FactsError(
            f"YAML: {exc.problem}", Location.of(path, mark.line + 1 if mark else 0)
        ) from None
    doc.problems = builder.problems
    return doc
