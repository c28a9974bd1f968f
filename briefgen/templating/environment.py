"""Render an audience template in a sandbox, keeping track of template lines.

Templates are user content: they run in Jinja's ``SandboxedEnvironment`` with
``StrictUndefined``, under a time and output limit, and every failure becomes a
:class:`~briefgen.errors.TemplateError` that names the template file and line.

Jinja's output does not say which template line produced it, so a small lexer
filter plants an invisible marker at the start of every literal template line;
:func:`strip_markers` removes them after rendering and returns, for each output
line, the template location it came from.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import threading
from collections.abc import (
    Callable,
    Collection,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
    Sequence,
)
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, TypedDict

from jinja2 import (
    Environment,
    Template,
    TemplateNotFound,
    TemplatesNotFound,
    TemplateSyntaxError,
    Undefined,
    UndefinedError,
    nodes,
)
from jinja2 import (
    TemplateError as JinjaTemplateError,
)
from jinja2.exceptions import SecurityError
from jinja2.ext import Extension
from jinja2.lexer import Lexer, Token, TokenStream
from jinja2.sandbox import SandboxedEnvironment

from briefgen.dates import brief_date
from briefgen.errors import (
    BriefgenError,
    Location,
    ProblemList,
    TemplateError,
    display_path_in,
    problems_of,
    raise_all,
    terminal_safe,
)
from briefgen.facts.store import FactStore
from briefgen.inputs import clip, quote
from briefgen.kept import KeptByText
from briefgen.language import month_name, month_year, wording
from briefgen.settings import Settings
from briefgen.templating import mismatch, sandbox
from briefgen.templating.frames import innermost_template
from briefgen.templating.helpers import (
    BLOCK_HELPERS,
    BLOCK_MARK,
    FILTERS,
    FactsNumber,
    FactView,
    Helpers,
    MissingTranslation,
    finalize,
    suggest_name,
)
from briefgen.templating.limited import LimitedSandbox
from briefgen.templating.limits import MAX_OUTPUT_CHARS, MAX_TAG_RUNS, MEMORY, RENDER_SECONDS
from briefgen.templating.nesting import NestingLimits
from briefgen.templating.overrides import check_overrides
from briefgen.templating.search import TEMPLATE_SUFFIX, AudienceInfo, SearchPath, SearchPathLoader
from briefgen.templating.syntax import syntax_hint
from briefgen.templating.traced import MARK_CLOSE, MARK_OPEN, MARK_SEP, MARKER
from briefgen.templating.undefined import (
    exported_names,
    names_set,
    template_body,
    undefined_message,
)
from briefgen.templating.views import (
    KNOWN_COLUMNS,
    NO_RECIPIENT,
    audience_view,
    date_view,
    is_recipient,
    settings_view,
)


def _marker(file_number: int, line: int) -> str:
    return f"{MARK_OPEN}{line}{MARK_SEP}{file_number}{MARK_CLOSE}"


class LineMarkers(Extension):
    """Plant a marker with the template line at the start of each literal line and
    before each tag, so every output line can be traced to where it was written.

    A marker names its file by number (an index into ``environment.marker_files``):
    a loop plants one per tag per pass, and a path in each would make the markers,
    not the text, what fills the output limit."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.extend(marker_files=[])

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        files: list[str] = self.environment.marker_files  # type: ignore[attr-defined]
        filename = stream.filename or stream.name or "<template>"
        if filename not in files:
            files.append(filename)
        number = files.index(filename)
        for token in stream:
            if token.type == "data":
                pieces = token.value.split("\n")
                marked = [
                    _marker(number, token.lineno + i) + piece for i, piece in enumerate(pieces)
                ]
                yield Token(token.lineno, "data", "\n".join(marked))
            else:
                if token.type in ("variable_begin", "block_begin"):
                    yield Token(token.lineno, "data", _marker(number, token.lineno))
                yield token


@dataclass(frozen=True)
class Rendered:
    """A template's Markdown output and the template location of each output line."""

    text: str
    lines: tuple[Location, ...]
    audience: AudienceInfo
    folders: tuple[Path, ...] = ()  # the template folders, where images may be read from
    # Each fact whose printable field (PRINTED_FIELDS) the template read, with the
    # field's text: what a page may print of a fact without citing it.
    fact_reads: tuple[tuple[str, str], ...] = ()
    # Each column of the recipient's row the template read, beyond the known ones
    # (a recipients file's own columns), with its text: what a page may print of the
    # recipient's that is no fact's.
    recipient_reads: tuple[tuple[str, str], ...] = ()

    # Output lines that hold text of more than one template line: from each
    # offset in the line on, the template line its text came from.
    later: Mapping[int, tuple[tuple[int, Location], ...]] = field(default_factory=dict)

    def location(self, line_index: int, column: int = 0) -> Location:
        """Where the output line ``line_index`` (at ``column``) was written."""
        if not self.lines:
            return Location.of(self.audience.path or "")
        index = min(max(line_index, 0), len(self.lines) - 1)
        found = self.lines[index]
        for offset, location in self.later.get(index, ()):
            if offset <= column:
                found = location
        return found


def strip_markers(
    text: str, default: Location, files: Sequence[str]
) -> tuple[str, tuple[Location, ...], dict[int, tuple[tuple[int, Location], ...]]]:
    """Remove line markers; return the clean text, each line's template location
    (``files``: the environment's ``marker_files``), and for each line holding text
    of more than one template line, the offsets where a later template line's text
    starts (:attr:`Rendered.later`)."""
    clean_lines: list[str] = []
    locations: list[Location] = []
    later: dict[int, tuple[tuple[int, Location], ...]] = {}
    current = default
    cwd = os.getcwd()
    for index, raw in enumerate(text.split("\n")):
        if MARK_OPEN not in raw:
            clean_lines.append(raw)
            locations.append(current)
            continue
        clean, first, spans = _markers(raw)
        if first is not None:
            current = _located(first, files, default, cwd)
            if spans:
                later[index] = tuple(
                    (offset, _located(marker, files, default, cwd)) for offset, marker in spans
                )
        clean_lines.append(clean)
        locations.append(current)
    return "\n".join(clean_lines), tuple(locations), later


# A marker as read: (template line, file number).
_Marker = tuple[int, int]


def _read_markers(raw: str) -> tuple[str, _Marker | None, tuple[tuple[int, _Marker], ...]]:
    """A line of the template's output without its markers; the marker saying where
    its text was written: the last before its first visible character, otherwise the
    first on the line (None: it holds none); and the markers after those, each with
    the offset in the clean line where a later template line's text starts."""
    found = list(MARKER.finditer(raw))
    if not found:
        return raw, None, ()
    before = _markers_before_text(raw, found)
    first = _read(before[-1] if before else found[0])
    first_later = len(before) or 1
    spans = []
    removed = sum(len(m.group(0)) for m in found[:first_later])
    for marker in found[first_later:]:
        spans.append((marker.start() - removed, _read(marker)))
        removed += len(marker.group(0))
    return MARKER.sub("", raw), first, tuple(spans)


_markers = KeptByText(_read_markers)


def _read(marker: re.Match[str]) -> _Marker:
    return int(marker.group(1)), int(marker.group(2))


def _markers_before_text(line: str, markers: list[re.Match[str]]) -> list[re.Match[str]]:
    """Those of ``line``'s ``markers`` (all of them, in order) that stand before its
    first character that is neither space nor part of a marker."""
    start = 0
    for count, marker in enumerate(markers):
        if line[start : marker.start()].strip():
            return markers[:count]
        start = marker.end()
    return markers


def _located(marker: _Marker, files: Sequence[str], default: Location, cwd: str) -> Location:
    line, number = marker
    path = files[number] if number < len(files) else default.path
    return _location(path, line, cwd)


@lru_cache(maxsize=4096)
def _location(path: str, line: int, cwd: str) -> Location:
    """``Location.of(path, line)`` in the working folder ``cwd``, made once per
    process: every copy of a batch marks the same template lines, a few dozen each."""
    return Location(display_path_in(path, cwd), line)


# A fact's fields that print what it says or counts, as a reader reads it. Its value
# is noted only where it prints (TemplateRenderer._finalize, the number and one_in
# filters): templates read it in conditions too, which print nothing.
PRINTED_FIELDS = frozenset({"text", "short", "number"})


class BriefSandbox(LimitedSandbox):
    """Jinja's sandbox, holding the template limits (:mod:`.limited`) and letting
    templates reach only what :mod:`briefgen.templating.sandbox` allows."""

    # What the current render read of each fact's printable fields: (fact id, the
    # field's text) -> None, at most one entry per fact and field, however often read.
    fact_reads: dict[tuple[str, str], None]
    # What the current render read of the recipient's own columns: (column, text).
    recipient_reads: dict[tuple[str, str], None]

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Only what :mod:`briefgen.templating.sandbox` allows (an allow-list); a
        fact's printable field that is read is noted (see :attr:`Rendered.fact_reads`),
        and so is a recipient's column of its own (:attr:`Rendered.recipient_reads`)."""
        if not sandbox.is_safe_attribute(obj, attr, value):
            return False
        if type(obj) is FactView and attr in PRINTED_FIELDS and value not in (None, ""):
            self.fact_reads[(obj.id, str(value))] = None
        elif is_recipient(obj) and attr not in KNOWN_COLUMNS and value:
            self.recipient_reads[(attr, str(value))] = None
        return True

    def is_safe_callable(self, obj: Any) -> bool:
        """Only the functions in this environment's globals and allowed methods."""
        return sandbox.is_safe_callable(obj, self.globals.values())

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Every ``import`` and ``from ... import`` as if written ``with context``.

        ``audience``, ``recipient`` and a Spanish template's ``date`` are passed to each
        render, not kept in the environment: without its importer's context, a macro
        would see no recipient (a copy for Alex Example printing its text for no one),
        the English date in a Spanish brief, and no ``audience`` at all."""
        tree = super()._parse(source, name, filename)
        for node in tree.find_all(nodes.Import):
            node.with_context = True
        for found in tree.find_all(nodes.FromImport):
            found.with_context = True
        return tree

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        """A refused attribute, failing with a line worded for a template author."""
        return self.undefined(
            sandbox.refusal(obj, attribute), name=attribute, obj=obj, exc=SecurityError
        )

    def get_template(
        self,
        name: str | Template,
        parent: str | None = None,
        globals: MutableMapping[str, Any] | None = None,
    ) -> Template:
        """The template ``name`` names (``{% extends %}``, ``{% import %}``, each of an
        ``{% include %}``'s list); a name that is no text is refused at the tag's line,
        not failed inside the loader as Python words it."""
        if not isinstance(name, str | Template | Undefined):
            raise TemplateError(_not_a_name(name))
        return super().get_template(name, parent, globals)

    def get_or_select_template(
        self,
        template_name_or_list: str | Template | list[str | Template],
        parent: str | None = None,
        globals: MutableMapping[str, Any] | None = None,
    ) -> Template:
        """What ``{% include %}`` includes: the template named, or the first found of a
        list; anything else is refused at the tag's line."""
        if not isinstance(template_name_or_list, str | Template | Undefined | list | tuple):
            raise TemplateError(_not_a_name(template_name_or_list))
        return super().get_or_select_template(template_name_or_list, parent, globals)

    def select_template(
        self,
        names: Iterable[str | Template],
        parent: str | None = None,
        globals: MutableMapping[str, Any] | None = None,
    ) -> Template:
        """The first found of an ``{% include %}``'s list. Each is a name: one that is
        no text is refused, and an undefined one fails as it does alone, where Jinja
        skipped it (``ignore missing`` included nothing) or failed to name it."""
        if isinstance(names, list | tuple):
            for name in names:
                if isinstance(name, Undefined):
                    name._fail_with_undefined_error()
                if not isinstance(name, str | Template):
                    raise TemplateError(_not_a_name(name))
        return super().select_template(names, parent, globals)


def _not_a_name(value: object) -> str:
    """What to say of ``value`` given as a template's name."""
    what = "none" if value is None else sandbox.describe(value)
    listed = " ({% include %} alone takes a list: the first found)" if what == "a list" else ""
    return f'a template is named by text, such as "_macros.md.j2", not {what}{listed}'


class Whitespace(TypedDict):
    """Jinja's settings for the white space around tags."""

    keep_trailing_newline: bool
    trim_blocks: bool
    lstrip_blocks: bool


# How the renderer treats the white space around tags: what is a template's text, and
# on which line. Whatever reads a template's text as the renderer does (the typed
# figures check, the words a template inherits) lexes it with the same settings.
WHITESPACE = Whitespace(keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


@cache
def template_lexer() -> Lexer:
    """A lexer with the renderer's white-space settings (:data:`WHITESPACE`)."""
    return Environment(**WHITESPACE).lexer


class TemplateRenderer:
    """Renders audience templates from one search path against one facts store."""

    def __init__(
        self,
        search_path: SearchPath,
        store: FactStore,
        settings: Settings,
        date: dt.date | None = None,
    ) -> None:
        """``date``: the brief's date (None: as :func:`~briefgen.dates.brief_date`
        chooses it without ``--date``)."""
        self.search_path = search_path
        self.store = store
        self.settings = settings
        self.env = BriefSandbox(
            loader=SearchPathLoader(search_path),
            undefined=sandbox.TemplateUndefined,
            autoescape=True,
            finalize=self._finalize,
            extensions=[LineMarkers, NestingLimits],
            **WHITESPACE,
        )
        # One set of helpers, told each template's language as it renders.
        self.helpers = Helpers(store)
        self.env.filters.update(self.helpers.filters())
        # Templates see only what was made for them: see templating/sandbox.py.
        self.env.globals.clear()
        self.env.globals.update(sandbox.jinja_globals())
        self.env.globals.update(self.helpers.globals())
        self.env.globals["settings"] = settings_view(settings)
        self.day = date or brief_date(None, settings.build.date)
        self.env.globals["date"] = date_view(self.day)
        self.env.globals["recipient"] = NO_RECIPIENT
        self.env.undefined = sandbox.undefined_knowing([*self.env.globals, "audience"])
        self.env.fact_reads = self.helpers.fact_reads = {}
        self.env.recipient_reads = {}
        self.helpers.untranslated = {}
        self.checked: set[str] = set()  # the templates check_overrides passed
        self._names_set: dict[str, tuple[str, ...]] = {}  # template text -> names it sets
        self.functions = frozenset(name for name, v in self.env.globals.items() if callable(v))

    def _finalize(self, value: object) -> object:
        """Jinja ``finalize`` (:func:`~.helpers.finalize`), noting a fact's value
        printed as it is (``{{ f.value }}``: "over 70,000") as a printed field of the
        fact (:attr:`Rendered.fact_reads`), as its ``.number`` is."""
        if isinstance(value, FactsNumber) and value.fact_id:
            self.env.fact_reads[(value.fact_id, value.printed)] = None
        return finalize(value)

    def _undefined_message(self, exc: BaseException) -> str | None:
        """For a name nothing defines, what it was likely meant to be: a name the
        template sets, or a fact id without its quotes (:mod:`.undefined`); None for
        any other error."""
        if not isinstance(exc, UndefinedError):
            return None
        message = str(exc.message or "")
        if imported := _NOT_EXPORTED.fullmatch(message):
            return self._not_exported(message, imported.group(1), imported.group(2))
        named = _UNDEFINED_NAME.fullmatch(message)
        frame = innermost_template(exc)
        if named is None or frame is None:
            return None
        body = template_body(frame[0])
        if body is None:
            return None
        lines = body.split("\n")
        line = lines[frame[1] - 1] if 0 < frame[1] <= len(lines) else ""
        known = self.env.undefined.known_names  # type: ignore[attr-defined]
        if body not in self._names_set:
            # Kept by the text: every copy of a batch fails at the same name.
            if len(self._names_set) >= NAMES_SET_KEPT:
                self._names_set.clear()
            self._names_set[body] = names_set(self.env, body)
        return undefined_message(
            named.group(1), line, self._names_set[body], known, self.store.facts
        )

    def _not_exported(self, message: str, template: str, name: str) -> str:
        """Jinja's message for ``{% from template import name %}`` of a name the
        template does not set, with "did you mean" the closest one it sets and all of
        them, as for ``{% import %}``'s ``module.name``."""
        names = exported_names(self.env, template)
        return message if names is None else f"{message} {sandbox.module_hint(name, list(names))}"

    def render(self, audience: AudienceInfo, recipient: object | None = None) -> Rendered:
        """Render ``audience``'s template to Markdown with per-line locations;
        ``recipient``: the view of the row a batch copy is for (see views.py).

        Every fact the render uses without a form in the template's language is told
        at once, each at its line, before any other error the render met."""
        untranslated: dict[str, MissingTranslation] = {}
        self.helpers.untranslated = untranslated
        try:
            rendered = self._render(audience, recipient)
        except BriefgenError as exc:
            if untranslated:
                raise ProblemList([*untranslated.values(), *problems_of(exc)]) from None
            raise
        finally:
            self.helpers.untranslated = None
        raise_all(untranslated.values())
        return rendered

    def _render(self, audience: AudienceInfo, recipient: object | None) -> Rendered:
        name = audience.name + TEMPLATE_SUFFIX
        where = Location.of(audience.path or name, 1)
        chunks: list[str] = []
        self.helpers.language = audience.language
        self.env.fact_reads = self.helpers.fact_reads = {}
        self.env.recipient_reads = {}
        with (
            _translate_errors(self.search_path, where, self._undefined_message, self.functions),
            _time_limit(RENDER_SECONDS),
            MEMORY.watching(),
        ):
            template = self.env.get_template(name)
            if name not in self.checked:
                check_overrides(self.env, self.search_path, name, MARKER)
                self.checked.add(name)
            files = self.env.marker_files  # type: ignore[attr-defined]
            # The output's limit is on text a reader would see; the markers (one a
            # tag or line run) have their own, which keeps a loop of empty tags from
            # filling memory.
            visible = runs = 0
            context: dict[str, object] = {"audience": audience_view(audience)}
            if recipient is not None:
                context["recipient"] = recipient
            if not (words := wording(audience.language)).is_english:
                context["date"] = replace(
                    date_view(self.day),
                    month_name=month_name(self.day, words),
                    month_year=month_year(self.day, words),
                )
            # What was written, markers and all: the text a reader sees is no longer, so
            # it is counted only once this passes the limit.
            written = 0
            for chunk in template.generate(context):
                if MARK_OPEN in chunk:
                    runs += chunk.count(MARK_OPEN)
                if written <= MAX_OUTPUT_CHARS:
                    written += len(chunk)
                    if written > MAX_OUTPUT_CHARS:
                        visible = sum(map(_visible_length, chunks))
                if written > MAX_OUTPUT_CHARS:
                    visible += _visible_length(chunk)
                too_much = None
                if visible > MAX_OUTPUT_CHARS:
                    too_much = f"the template's output passed {MAX_OUTPUT_CHARS:,} characters"
                elif runs > MAX_TAG_RUNS:
                    too_much = f"the template's tags and lines ran over {MAX_TAG_RUNS:,} times"
                if too_much:
                    raise TemplateError(
                        f"{too_much}; is a loop running away?", _last_marker(chunks, where, files)
                    )
                chunks.append(chunk)
        text, lines, later = strip_markers("".join(chunks), where, files)
        # Read without the escapes finalize puts before punctuation (a line stays a line).
        # An address's " at 0x" holds no punctuation, so no escape stands inside it:
        # a text without it is not read again (an escape's backslash, each a call of
        # Python's template expansion, some forty a copy).
        if _AT_ADDRESS in text and (address := _ADDRESS.search(_UNESCAPED.sub(r"\1", text))):
            # A function or object made text (| string, ~, format): its address makes
            # every build's bytes differ, and it means nothing to a reader.
            raise TemplateError(
                f"a Python object is printed as Python writes it (<{clip(address.group(1), 60)} "
                "at 0x…>), with its address in memory, which changes every run; print a text "
                "or a number",
                lines[_UNESCAPED.sub(r"\1", text).count("\n", 0, address.start())],
            )
        text = blocks_alone(text, lines, later)
        folders = tuple(f.path for f in self.search_path.folders)
        reads = tuple(self.env.fact_reads)
        return Rendered(
            text=text,
            lines=lines,
            audience=audience,
            folders=folders,
            fact_reads=reads,
            recipient_reads=tuple(self.env.recipient_reads),
            later=later,
        )


# How Python writes a function or an object without text of its own: <function f at
# 0x7f...>, <jinja2.utils.Cycler object at 0x...>, <built-in method format of str object
# at 0x...>; not words a quote may hold, such as <loaded at 0x7ffe1000>.
_ADDRESS = re.compile(r"<([^<>\n]{0,120}?(?:function \S+|\S object(?: \S+)?)) at 0x[0-9a-f]{4,16}>")
_AT_ADDRESS = " at 0x"
_UNESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def blocks_alone(
    text: str,
    lines: Sequence[Location],
    later: Mapping[int, tuple[tuple[int, Location], ...]] | None = None,
) -> str:
    """``text`` without the marks that open each block helper's output, after checking
    that each begins its line (:data:`~briefgen.templating.helpers.BLOCK_MARK`): a
    callout after other text is refused at the line of the tag that printed it (a
    line ``{{-`` joined to the text before it, ``later``: :attr:`Rendered.later`),
    not printed as markup."""
    if BLOCK_MARK not in text:
        return text
    out = text.split("\n")
    for index, line in enumerate(out):
        at = line.find(BLOCK_MARK)
        while at >= 0:
            opened = line[at + 1 :]
            helper = next(
                (name for start, name in BLOCK_HELPERS.items() if opened.startswith(start)), None
            )
            # The character alone (a recipient's column may hold anything) is not a
            # mark: it stays, for the glyph check to refuse as unprintable.
            before = line[:at].replace(BLOCK_MARK, "").strip()
            if helper and before:
                where = lines[index]
                for offset, location in (later or {}).get(index, ()):
                    if offset <= at:
                        where = location
                raise TemplateError(
                    f"{helper}() makes a block of its own; write it on a line by itself, "
                    f"not after {quote(before)}",
                    where,
                )
            if helper:
                line = line[:at] + line[at + 1 :]
            at = line.find(BLOCK_MARK, at + (0 if helper else 1))
        out[index] = line
    return "\n".join(out)


def _visible_length(chunk: str) -> int:
    """How many characters of ``chunk`` a reader sees: its line markers aside."""
    return len(MARKER.sub("", chunk)) if MARK_OPEN in chunk else len(chunk)


def _last_marker(chunks: list[str], default: Location, files: Sequence[str]) -> Location:
    """The template line the output had reached: the last line marker written."""
    for chunk in reversed(chunks):
        found = list(MARKER.finditer(chunk))
        if found:
            return _located(_read(found[-1]), files, default, os.getcwd())
    return default


class _Timeout(BaseException):
    """The render time limit ran out. A BaseException, so that no ``except Exception``
    in Jinja or a filter can swallow it and let the template run on."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt a render that runs ``seconds`` of processor time (main thread only,
    where signals work)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _Timeout()

    # Processor time, not the clock's: on a loaded machine (more jobs than cores) a
    # template waiting for its turn would otherwise be stopped for time it did not use.
    previous = signal.signal(signal.SIGPROF, expire)
    # Fire again every half second, should something still catch the first one.
    signal.setitimer(signal.ITIMER_PROF, seconds, 0.5)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _template_frame(exc: BaseException, fallback: Location) -> Location:
    """The innermost template file and line in ``exc``'s traceback."""
    found = innermost_template(exc)
    return Location.of(*found) if found else fallback


# Jinja's message for a name nothing defines, with the global sandbox.py offers.
# How many templates' names-set lists a renderer keeps for its undefined-name messages.
NAMES_SET_KEPT = 16
_UNDEFINED_NAME = re.compile(r"'(\w+)' is undefined(?: \(did you mean '\w+'\?\))?")


# Jinja's message for {% from "x" import name %} of a name "x" does not set.
_NOT_EXPORTED = re.compile(
    r"the template '([^']+)' \(imported on line \d+ in '[^']*'\) "
    r"does not export the requested name '(\w+)'"
)

_UNCLOSED = re.compile(r"innermost block that needs to be closed is '(\w+)'")


def _unclosed_block_line(path: str | None, line: int, message: str) -> int | None:
    """For "unexpected end of template", the line of the tag left open: Jinja names
    the line where it gave up, which is rarely where the mistake is."""
    match = _UNCLOSED.search(message)
    if not match or not path:
        return None
    try:
        source = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    opener = re.compile(r"{%-?\s*" + match.group(1) + r"\b")
    ender = re.compile(r"{%-?\s*end" + match.group(1) + r"\b")
    depth = 0
    for number in range(min(line, len(source)), 0, -1):
        text = source[number - 1]
        depth += len(ender.findall(text))
        for _ in opener.findall(text):
            if depth == 0:
                return number
            depth -= 1
    return None


def _caret_context(path: str | None, line: int, message: str) -> str:
    """The offending template line and a caret under the likely culprit."""
    if not path or line <= 0:
        return ""
    try:
        source = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    if line > len(source):
        return ""
    text = source[line - 1].expandtabs(4)
    unclosed = message.startswith("Unexpected end of template")
    quoted = [] if unclosed else re.findall(r"'([^']+)'", message)
    # A culprit standing as a word of its own first: parameter 'a' of "macro m(a, a)"
    # is not the 'a' in "macro".
    column = next(
        (found.start() for q in quoted if (found := re.search(_as_word(q), text))),
        next((text.find(q) for q in quoted if q in text), -1),
    )
    if column < 0:  # no quoted culprit: point at the last tag opened on the line
        column = max(text.rfind("{%"), text.rfind("{{"))
    if column < 0:
        column = len(text) - len(text.lstrip())
    # A long line is shown around the culprit only: a line may be 500,000 characters.
    start = max(column - CONTEXT_CHARS, 0)
    end = column + CONTEXT_CHARS
    shown = ("\u2026" if start else "") + text[start:end] + ("\u2026" if end < len(text) else "")
    return f"\n    {shown}\n    {' ' * (column - start + (1 if start else 0))}^"


# How many characters of a template line its caret context shows either side of the
# caret.
CONTEXT_CHARS = 100


def _as_word(text: str) -> str:
    """A pattern for ``text`` not run on from a word before or after it."""
    return rf"(?<!\w){re.escape(text)}(?!\w)"


# Jinja's lexer: "unexpected char '“' at 1234", the offset counted from the file's start.
_UNEXPECTED_CHAR = re.compile(r"unexpected char ('.'|\".\") at \d+")
# Quotes a word processor types for the straight ones (Word's AutoFormat, a pasted email).
_CURLY_QUOTES = "“”„‟‘’‚‛«»‹›″′"


def _unexpected_char(shown: str) -> str:
    """Jinja's lexer message for a character no expression takes, without the offset
    from the file's start (the line and the caret say where), and for a curly quote
    pasted from a word processor, what to type instead."""
    if shown[1:-1] in _CURLY_QUOTES:
        return (
            f"curly quote {shown} inside {{{{ }}}} or {{% %}}: type a straight quote, "
            "\" or ' (a word processor curls the quotes it types)"
        )
    return f"unexpected character {shown}"


@contextmanager
def _translate_errors(
    search_path: SearchPath,
    where: Location,
    undefined: Callable[[BaseException], str | None] = lambda exc: None,
    functions: Collection[str] = (),
) -> Iterator[None]:
    """Every failure of a render as a :class:`TemplateError` at its template line;
    ``undefined``: the message for a name nothing defines, if it has a better one;
    ``functions``: the names of the functions a template may call."""
    try:
        yield
    except TemplateError as exc:
        if exc.location is None or exc.location == where:
            raise TemplateError(_clip(exc.detail), _template_frame(exc, where)) from None
        raise
    except TemplateSyntaxError as exc:
        message = exc.message or "syntax error"
        opened = _unclosed_block_line(exc.filename, exc.lineno, message)
        line = exc.lineno
        if message.startswith("Unexpected end of template"):
            line = opened or line
        elif opened is not None and opened != line:
            # A misspelled end tag ('endblok') is the line Jinja names; the tag it
            # should close is named by its line too.
            message = f"{message.rstrip('.')} (opened on line {opened})."
        location = Location.of(exc.filename or where.path, line)
        if exc.source is not None:
            message = syntax_hint(message, exc.source.split("\n"), line, functions)
        if unexpected := _UNEXPECTED_CHAR.fullmatch(message):
            message = _unexpected_char(unexpected.group(1))
        if message.startswith("No filter named"):
            name = re.findall(r"'([^']+)'", message)
            hint = ""
            if name:
                hint = _OTHER_FILTERS.get(name[0]) or suggest_name(
                    name[0], sorted(search_path_filters())
                )
            message = f"unknown filter '{name[0] if name else '?'}'{hint}"
        raise TemplateError(
            _clip(message) + _caret_context(exc.filename, line, message), location
        ) from None
    except (
        JinjaTemplateError,
        _Timeout,
        RecursionError,
        MemoryError,
        ArithmeticError,
        LookupError,
        TypeError,
        ValueError,
        AttributeError,
    ) as exc:
        message = undefined(exc) or _runtime_message(exc, search_path)
        raise TemplateError(_clip(message), _template_frame(exc, where)) from None


# Filters of other template languages (Liquid: Jekyll, Shopify; Django) a template
# author may write from habit, and what this one has instead.
_OTHER_FILTERS = {
    "upcase": " (Jinja's is 'upper')",
    "downcase": " (Jinja's is 'lower')",
    "strip": " (Jinja's is 'trim')",
    "size": " (Jinja's is 'length')",
    "uniq": " (Jinja's is 'unique')",
    "titlecase": " (Jinja's is 'title')",
    "truncatewords": " (Jinja's is 'truncate')",
    "truncatechars": " (Jinja's is 'truncate')",
    "intcomma": " (briefgen's is 'number': 26700 | number prints 26,700)",
    "floatformat": " (Jinja's is 'round', or briefgen's 'number')",
    "jsonify": " (Jinja's is 'tojson')",
    "plus": " (add with +: {{ a + b }})",
    "minus": " (subtract with -: {{ a - b }})",
    "times": " (multiply with *: {{ a * b }})",
    "divided_by": " (divide with /: {{ a / b }})",
    "append": ' (join text with ~: {{ a ~ "text" }})',
    "prepend": ' (join text with ~: {{ "text" ~ a }})',
}


MAX_MESSAGE_CHARS = 300


def _clip(message: str) -> str:
    """A message cut to one readable line: it may quote a value the template built,
    or a name it gave (``chart(kind=...)``, ``x[...]``, ``{% include ... %}``), which
    may hold line breaks: they are written as escapes (``\\n``)."""
    message = terminal_safe(message, keep="")
    if len(message) <= MAX_MESSAGE_CHARS:
        return message
    return message[: MAX_MESSAGE_CHARS - 1] + "\u2026"


def _runtime_message(exc: BaseException, search_path: SearchPath) -> str:
    """What went wrong while a template ran, in the user's terms."""
    if isinstance(exc, TemplatesNotFound) and len(exc.templates) != 1:
        # {% include [...] %}: Jinja names only the last of the list.
        return _none_found([str(name) for name in exc.templates], search_path)
    if isinstance(exc, TemplateNotFound):
        return search_path.not_found_message(str(exc.name))
    if isinstance(exc, SecurityError):
        return f"not allowed in a template (sandbox): {exc}"
    if isinstance(exc, JinjaTemplateError):  # UndefinedError among them
        return str(exc.message or exc)
    if isinstance(exc, _Timeout):
        return f"the template ran longer than {RENDER_SECONDS:g} s; is a loop running away?"
    if isinstance(exc, RecursionError):
        return (
            "recursion too deep; does a macro or block call itself, or a template include itself?"
        )
    if isinstance(exc, MemoryError):
        return "the template needs more memory than there is; is a loop running away?"
    return mismatch.worded(exc) or f"{type(exc).__name__}: {exc}"


# How many names of an {% include %}'s list a message shows.
NAMES_SHOWN = 5


def _none_found(names: list[str], search_path: SearchPath) -> str:
    """An ``{% include %}`` of a list none of whose templates exists (or of none)."""
    if not names:
        return "{% include %} was given an empty list of templates: name at least one"
    shown = ", ".join(f"'{clip(name, 60)}'" for name in names[:NAMES_SHOWN])
    more = ", …" if len(names) > NAMES_SHOWN else ""
    return f"none of the templates {shown}{more} was found; searched {search_path.describe()}"


def search_path_filters() -> list[str]:
    """Names of every filter a template may use."""
    return sorted(set(SandboxedEnvironment().filters) | set(FILTERS))
