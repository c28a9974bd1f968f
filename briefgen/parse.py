"""Parse a template's Markdown output into document blocks.

CommonMark is parsed by markdown-it-py (raw HTML off, so ``<b>`` stays text). The
brief extensions are:

- ``[@fact-id]`` — cite a fact (an inline rule registered before links);
- ``!!! callout FIGURE`` … ``!!!`` — a key number with its label;
- ``> quote`` ending in a ``> — Speaker`` paragraph — a pull quote;
- ``!!! notes [TITLE]`` … ``!!!`` — where the numbered source notes go;
- ``::: optional [PRIORITY]`` … ``:::`` — blocks the fitter may drop, lowest
  priority first, to keep the brief on one page.

Callouts and notes use ``!`` fences and optional groups ``:`` fences so that a
callout can sit inside an optional group: markdown-it's containers close at the
first bare fence of their own marker.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from briefgen.errors import Location, TemplateError
from briefgen.model import (
    AnyBlock,
    BulletList,
    Callout,
    Cite,
    Droppable,
    Heading,
    Inline,
    Inlines,
    LineBreak,
    Notes,
    Paragraph,
    Quote,
    Span,
    cited_fact_ids,
    plain_text,
)

CitationCheck = Callable[[str], str | None]
_SPACES = re.compile(r"[ \t]{2,}|\t")
CITATION = re.compile(r"\[@([^\]\s]+)\]")
ATTRIBUTION = re.compile(r"^\s*(?:\u2014|--)\s*")
CONTAINERS = {"callout": "!", "notes": "!", "optional": ":"}


def _citation_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[@", state.pos):
        return False
    match = CITATION.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"id": match.group(1)}
    state.pos = match.end()
    return True


def make_parser() -> MarkdownIt:
    """CommonMark without raw HTML, plus the brief extensions."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False, "linkify": False})
    md.inline.ruler.before("link", "citation", _citation_rule)
    for name, marker in CONTAINERS.items():
        md.use(container_plugin, name=name, marker=marker)
    return md


_PARSER: MarkdownIt | None = None


def _parser() -> MarkdownIt:
    global _PARSER
    if _PARSER is None:
        _PARSER = make_parser()
    return _PARSER


@dataclass
class _Walker:
    tokens: list[Token]
    lines: tuple[Location, ...]
    default: Location
    source: list[str]
    check: CitationCheck | None = None
    pos: int = 0
    current: Token | None = None
    blocks: list[AnyBlock] = field(default_factory=list)
    droppable: list[Droppable] = field(default_factory=list)
    groups: int = 0

    def where(self, token: Token) -> Location:
        if token.map and self.lines:
            return self.lines[min(token.map[0], len(self.lines) - 1)]
        return self.default

    def next(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def until(self, closing: str) -> list[Token]:
        """Tokens up to (not including) the matching ``closing`` token, consumed."""
        start, depth = self.pos, 0
        opening = closing.replace("_close", "_open")
        while self.pos < len(self.tokens):
            token = self.next()
            if token.type == opening:
                depth += 1
            elif token.type == closing:
                if depth == 0:
                    return self.tokens[start : self.pos - 1]
                depth -= 1
        return self.tokens[start:]

    def add(self, block: AnyBlock) -> None:
        if _blank(block):
            return
        if self.check is not None:
            for fact_id in cited_fact_ids(block):
                if (problem := self.check(fact_id)) is not None:
                    raise TemplateError(problem, self.citation_location(fact_id, block))
        if self.droppable:
            block = replace(block, droppable=self.droppable[-1])
        self.blocks.append(block)

    def citation_location(self, fact_id: str, block: AnyBlock) -> Location:
        """The line of the block's source that holds ``[@fact_id]``."""
        token = self.current
        if token is None or not token.map:
            return block.location
        first, end = token.map
        for index in range(first, min(end, len(self.source))):
            if f"[@{fact_id}]" in self.source[index]:
                return self.lines[min(index, len(self.lines) - 1)]
        return block.location

    def walk(self) -> list[AnyBlock]:
        while self.pos < len(self.tokens):
            self.block(self.next())
        return self.blocks

    def block(self, token: Token) -> None:
        self.current = token
        kind = token.type
        where = self.where(token)
        if kind == "heading_open":
            inline = self.until("heading_close")
            self.add(Heading(where, level=int(token.tag[1]), inlines=_inlines(inline)))
        elif kind == "paragraph_open":
            self.add(Paragraph(where, inlines=_inlines(self.until("paragraph_close"))))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            closing = kind.replace("_open", "_close")
            items = tuple(i for i in _list_items(self.until(closing)) if not _nothing_to_read(i))
            self.add(BulletList(where, items=items, ordered=kind.startswith("ordered")))
        elif kind == "blockquote_open":
            self.add(_quote(where, self.until("blockquote_close")))
        elif kind in ("fence", "code_block"):
            runs: list[Inline] = []
            for line in token.content.rstrip("\n").split("\n"):
                if runs:
                    runs.append(LineBreak())
                runs.append(Span(_SPACES.sub(" ", line)))
            self.add(Paragraph(where, inlines=tuple(runs)))
        elif kind == "container_callout_open":
            figure = token.info.strip()[len("callout") :].strip()
            inner = self.until("container_callout_close")
            label = _join_paragraphs(inner)
            if not figure:
                raise TemplateError("callout: give the figure after '!!! callout'", where)
            self.add(Callout(where, figure=_unescape(figure), label=label))
        elif kind == "container_notes_open":
            self.until("container_notes_close")
            title = token.info.strip()[len("notes") :].strip() or "Sources"
            self.add(Notes(where, title=_unescape(title)))
        elif kind == "container_optional_open":
            self.groups += 1
            self.droppable.append(Droppable(self.groups, _priority(token.info, where)))
        elif kind == "container_optional_close":
            self.droppable.pop()
        elif kind in ("hr", "html_block"):
            return
        else:  # pragma: no cover - every CommonMark block type is handled above
            raise TemplateError(f"unsupported Markdown block '{kind}'", where)


def _nothing_to_read(inlines: Inlines) -> bool:
    # Only spaces, tabs and line breaks: a control character (which str.isspace() takes
    # U+001C..U+001F for) stays, for the glyph check to refuse. Checked before
    # numbering, when a citation's label is still empty.
    if any(isinstance(run, Cite) for run in inlines):
        return False
    return all(c in "\t\n" or unicodedata.category(c) == "Zs" for c in plain_text(inlines))


def _blank(block: AnyBlock) -> bool:
    """Whether a block has nothing to read: a line of only a form feed, a no-break space
    or an empty image would be an empty paragraph in the DOCX, nothing in the PDF, and
    space the fitter never measured. Such blocks are left out of both."""
    if isinstance(block, Heading | Paragraph):
        return _nothing_to_read(block.inlines)
    if isinstance(block, Quote):
        return _nothing_to_read(block.inlines) and not block.attribution.strip()
    if isinstance(block, BulletList):
        return not block.items
    return False


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _unescape(text: str) -> str:
    """Container arguments are raw text; undo Markdown escapes made by the helpers."""
    return _ESCAPED.sub(r"\1", text)


def _priority(info: str, where: Location) -> int:
    words = info.strip().split()[1:]
    if not words:
        return 1
    value = words[0].removeprefix("priority=")
    if not value.isdigit():
        raise TemplateError(f"optional: priority must be a whole number, not '{value}'", where)
    return int(value)


def _inlines(tokens: list[Token]) -> Inlines:
    runs: list[Inline] = []
    for token in tokens:
        if token.type == "inline":
            runs.extend(_runs(token.children or []))
    return _merge(runs)


def _runs(children: list[Token]) -> list[Inline]:
    runs: list[Inline] = []
    bold = italic = 0
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            # Word keeps tabs and runs of spaces where a PDF shows one space; make
            # both show one.
            text = _SPACES.sub(" ", child.content)
            runs.append(Span(text, bold=bold > 0, italic=italic > 0))
        elif kind == "softbreak":
            runs.append(Span(" ", bold=bold > 0, italic=italic > 0))
        elif kind == "hardbreak":
            runs.append(LineBreak())
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "citation":
            runs.append(Cite((child.meta["id"],)))
        elif kind == "image":
            runs.append(Span(child.content, bold=bold > 0, italic=italic > 0))
    return runs


def _merge(runs: list[Inline]) -> Inlines:
    """Join neighbouring spans of the same emphasis and neighbouring citations; a
    citation sits right after the word it supports, with no space before it."""
    merged: list[Inline] = []
    for run in runs:
        if isinstance(run, Cite):
            while merged and isinstance(merged[-1], Span) and not merged[-1].text.strip():
                if len(merged) > 1 and isinstance(merged[-2], Cite):
                    merged.pop()
                    continue
                break
            last_run = merged[-1] if merged else None
            if isinstance(last_run, Cite):
                merged[-1] = Cite(last_run.fact_ids + run.fact_ids)
                continue
            if isinstance(last_run, Span) and last_run.text != last_run.text.rstrip():
                merged[-1] = Span(last_run.text.rstrip(), last_run.bold, last_run.italic)
        last = merged[-1] if merged else None
        if (
            isinstance(run, Span)
            and isinstance(last, Span)
            and (last.bold, last.italic) == (run.bold, run.italic)
        ):
            merged[-1] = Span(last.text + run.text, run.bold, run.italic)
        else:
            merged.append(run)
    return tuple(merged)


def _join_paragraphs(tokens: list[Token]) -> Inlines:
    runs: list[Inline] = []
    for token in tokens:
        if token.type == "inline":
            if runs:
                runs.append(LineBreak())
            runs.extend(_runs(token.children or []))
    return _merge(runs)


def _list_items(tokens: list[Token]) -> tuple[Inlines, ...]:
    items: list[Inlines] = []
    depth = 0
    current: list[Inline] = []
    for token in tokens:
        if token.type == "list_item_open":
            if depth == 0:
                current = []
            elif current:  # a nested item continues the parent's line
                items.append(_merge(current))
                current = []
            depth += 1
        elif token.type == "list_item_close":
            depth -= 1
            if depth == 0 and current:
                items.append(_merge(current))
                current = []
        elif token.type == "inline":
            if current:
                current.append(Span(" "))
            current.extend(_runs(token.children or []))
    return tuple(items)


def _quote(where: Location, tokens: list[Token]) -> Quote:
    paragraphs = [_runs(t.children or []) for t in tokens if t.type == "inline"]
    attribution = ""
    if paragraphs:
        last = paragraphs[-1]
        first = last[0] if last else None
        if isinstance(first, Span) and ATTRIBUTION.match(first.text):
            attribution = "".join(r.text if isinstance(r, Span) else "" for r in last)
            attribution = ATTRIBUTION.sub("", attribution, count=1).strip()
            paragraphs.pop()
    runs: list[Inline] = []
    for paragraph in paragraphs:
        if runs:
            runs.append(LineBreak())
        runs.extend(paragraph)
    return Quote(where, inlines=_merge(runs), attribution=attribution)


def parse_blocks(
    text: str,
    lines: tuple[Location, ...],
    default: Location,
    check: CitationCheck | None = None,
) -> list[AnyBlock]:
    """Turn Markdown into blocks, each with the template location of its first line.

    ``check`` is asked about every cited fact id; a message back is raised as a
    :class:`TemplateError` at the line holding that citation.
    """
    tokens = _parser().parse(text)
    walker = _Walker(tokens, lines, default, text.split("\n"), check)
    blocks = walker.walk()
    if walker.droppable:
        raise TemplateError("'::: optional' is never closed with ':::'", walker.default)
    return blocks
