"""Parse a template's Markdown output into document blocks.

CommonMark is parsed by markdown-it-py (raw HTML off, so ``<b>`` stays text). The
brief extensions are:

- ``[@fact-id]`` — cite a fact (an inline rule registered before links);
- ``!!! callout FIGURE`` … ``!!!`` — a key number with its label;
- ``> quote`` ending in a ``> — Speaker`` paragraph — a pull quote;
- ``!!! notes [TITLE]`` … ``!!!`` — where the numbered source notes go;
- ``::: optional [PRIORITY]`` … ``:::`` — blocks the fitter may drop, lowest
  priority first, to keep the brief on one page;
- ``::: box`` … ``:::`` — a tinted box; ``::: cards`` … ``:::`` — two or three
  callouts side by side;
- ``::: aside`` … ``:::`` — a sidebar beside every block that follows it (the main
  column);
- fenced ``briefgen-chart`` (JSON naming facts) and ``briefgen-qr`` (an address)
  blocks, which the ``chart()`` and ``qr()`` helpers write;
- links keep their address (http, https, mailto); an image is a local PNG or JPEG
  with alt text, standing in a paragraph of its own; straight quotes in template
  text become typographic ones.

Callouts and notes use ``!`` fences (markdown-it containers). The ``:`` fences are
single lines that open and close groups, so they nest: an optional group may sit
inside a box or a sidebar, and a box inside an optional group.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NoReturn, TypeVar

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import escapedSplit
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin

from briefgen.errors import Location, TemplateError
from briefgen.inputs import MAX_LINK_CHARS, clip, clip_name, quote
from briefgen.language import ENGLISH, LANGUAGE_TAG, Wording, wording
from briefgen.model import (
    LIST_LEVELS,
    MAX_LIST_NUMBER,
    MAX_QR_CHARS,
    MAX_TABLE_COLUMNS,
    Alignment,
    AnyBlock,
    Box,
    BulletList,
    Callout,
    CardRow,
    Chart,
    Cite,
    Columns,
    Droppable,
    Heading,
    HorizontalRule,
    Image,
    Inline,
    Inlines,
    LineBreak,
    Notes,
    Paragraph,
    QrCode,
    Quote,
    Span,
    Table,
    block_word,
    cited_fact_ids,
    plain_text,
    without_format_characters,
)
from briefgen.pictures import MAX_PICTURE_PIXELS, PictureRefused, picture_path, read_picture
from briefgen.smartquotes import smartquotes

CitationCheck = Callable[[str], str | None]
ChartResolver = Callable[[str, Location], Chart]
_SPACES = re.compile(r"[ \t]{2,}|\t")
# An en or em dash set between spaces ("working – we"), glued to the word before it.
_DASH_AFTER_SPACE = re.compile(r" ([\u2013\u2014])(?= )")
# A fiscal year as briefgen prints one, "FY 2023": a chiefs' copy ended a line "from
# FY 2020 to FY" over "2023, seizures...".
_FISCAL_YEAR = re.compile(r"\bFY (?=\d{2,4}\b)")
# A count such as one_in writes it, "8 in 10" ("8 de cada 10"): one figure, which a
# callout in a card or the sidebar broke, "more than 8 in" over "10".
_COUNT_OF = re.compile(r"(?<=\d) (in|de cada) (?=\d)")
# A fact id holds no '[': "[@" scans no further than the next one, so a paragraph of
# "[@[@[@..." is read in one pass, not once from each "[@" to its end.
CITATION = re.compile(r"\[@([^\]\[\s]+)\]")
# Braces of attributes right after a citation, [@id]{lang=en-US} or [@id]{.small}:
# the attributes plugin takes braces after a passage or link only, so these print.
_BRACES_AFTER_CITATION = re.compile(r"\{\s*(?:[.#]|[\w-]+\s*=)[^{}\n]*\}")
ATTRIBUTION = re.compile(r"^\s*(?:\u2014|--)\s*")
CONTAINERS = {"callout": "!", "notes": "!"}
GROUPS = ("optional", "box", "cards", "aside")
_PARAGRAPH_TOKENS = frozenset({"paragraph_open", "inline", "paragraph_close"})
_TOKEN_WORDS = {
    "heading_open": "a heading",
    "bullet_list_open": "a list",
    "ordered_list_open": "a list",
    "blockquote_open": "a quote",
    "table_open": "a table",
    "hr": "a rule (---)",
    "fence": "code",
    "code_block": "code",
    "container_callout_open": "a callout",
    "container_notes_open": "the notes",
}
# A paragraph that opens as a '!!!' block of a name briefgen does not know, or with a
# '!!!' alone, which closes nothing.
_UNKNOWN_BLOCK = re.compile(r"!!![ \t]*([A-Za-z][\w-]*|$)", re.MULTILINE)
# Its name and arguments are stripped of spaces after the match: a lazy match up to
# trailing spaces tried each space of a run against the rest of it, and a line of
# '::: x', 150,000 spaces and 'y' took 40 s.
_GROUP_LINE = re.compile(r":{3,}(.*)")
LINK_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# What follows a link's scheme when the link leads somewhere: a web address's site
# ("https:example.org" and "http://" name none), a mail link's address ("mailto:"),
# before its headers or in their to= (RFC 6068: mailto:?to=desk@example.org&subject=Hi).
_WEB_SITE = re.compile(r"//[^\s/?#]")
_MAIL_TO = re.compile(r"[^\s?]|\?(?:[^\s#]*&)?to=[^\s&#]", re.IGNORECASE)
_LEADS_TO = {"http": _WEB_SITE, "https": _WEB_SITE, "mailto": _MAIL_TO}
CARDS = (2, 3)
# An image in the flow prints at this many pixels per inch, at most its column's width.
IMAGE_PPI = 150
NO_BREAK_SPACE = "\u00a0"


class _Refused(Exception):
    """Something in a run of text that cannot be printed as written; the walker reports
    it at the source line holding ``needle``."""

    def __init__(self, message: str, needle: str) -> None:
        super().__init__(message)
        self.message = message
        self.needle = needle


def _citation_rule(state: StateInline, silent: bool) -> bool:
    # Silent, markdown-it is only scanning a link's text for its end: a citation taken
    # whole there reads as a link inside the link, and the link was lost. Left to the
    # scan as plain brackets, it is found when the link's text is parsed.
    if silent or not state.src.startswith("[@", state.pos):
        return False
    match = CITATION.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"id": match.group(1)}
        # A superscript note number sits like a punctuation mark: read as one, the
        # typographic quotes pair around it ('"we need help [@x]" then',
        # '"a phrase"[@x] and'), where empty it read as a space, and the quote stayed
        # straight.
        token.content = "."
    state.pos = match.end()
    return True


def _keep_braces(md: MarkdownIt) -> None:
    """Keep, in the token each marks, the braces of ``[words]{lang=en}`` and of a link's
    ``{lang=en}`` as written: the attrs plugin keeps only the last of a key given
    twice (``{lang=es lang=fr}``) or in two braces (``{lang=es}{lang=fr}``)."""
    rules = {rule.name: rule.fn for rule in md.inline.ruler.__rules__}
    span, attr = rules["span"], rules["attr"]

    def span_rule(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        if not span(state, silent):
            return False
        if not silent:  # the passage's first token, after the text pending before it
            opening = next(t for t in state.tokens[count:] if t.type == "span_open")
            label_end = state.md.helpers.parseLinkLabel(state, start, False)  # keeps pos
            opening.meta["braces"] = [state.src[label_end + 1 : state.pos]]
        return True

    def attr_rule(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if not attr(state, silent):
            return False
        if not silent:
            opening, depth = len(state.tokens) - 1, 0
            while opening > 0 and depth + state.tokens[opening].nesting != 0:
                depth += state.tokens[opening].nesting
                opening -= 1
            braces = state.tokens[opening].meta.setdefault("braces", [])
            braces.append(state.src[start : state.pos])
        return True

    md.inline.ruler.at("span", span_rule)
    md.inline.ruler.at("attr", attr_rule)


def _group_line_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A line ``::: NAME ARGS`` opening a group, or a bare ``:::`` closing one."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start] + state.tShift[start]
    match = _GROUP_LINE.fullmatch(state.src, begin, state.eMarks[start])
    if match is None:
        return False
    if not silent:
        token = state.push("group_line", "", 0)
        token.info = match.group(1).strip(" \t")
        token.map = [start, start + 1]
    state.line = start + 1
    return True


# Inline texts whose tokens (and runs) are kept, each up to this many characters, the
# least recently used forgotten first: a batch's copies repeat every paragraph,
# heading and list item but those naming the recipient, which pass through.
_INLINES_KEPT = 512
_INLINE_KEPT_LENGTH = 4000
_inlines_kept: dict[str, tuple[Token, ...]] = {}
# An inline token's meta key: the text its kept tokens were parsed from.
_KEPT = "briefgen_kept"
_runs_kept: dict[str, tuple[Inline, ...]] = {}
# A paragraph's or heading's runs as merged (_merge), by the text of its one inline
# token; runs are frozen, so the merged tuple is shared.
_merged_kept: dict[str, Inlines] = {}
_Kept = TypeVar("_Kept")
_Key = TypeVar("_Key")


def _recall(kept: dict[_Key, _Kept], key: _Key) -> _Kept | None:
    """What ``kept`` holds for ``key``, now its most recently used (None: nothing)."""
    value = kept.pop(key, None)
    if value is not None:
        kept[key] = value
    return value


def _remember(kept: dict[_Key, _Kept], key: _Key, value: _Kept, most: int | None = None) -> None:
    """Keep ``value`` for ``key`` in ``kept``, forgetting the least recently used past
    ``most`` (None: the inline texts' bound)."""
    kept[key] = value
    while len(kept) > (_INLINES_KEPT if most is None else most):
        del kept[next(iter(kept))]


def _keep_inlines(md: MarkdownIt) -> None:
    """Parse each inline text (a paragraph's, a heading's, a list item's) once per
    process, its quotes made typographic and its text tokens joined: markdown-it's
    core rules ``inline``, ``smartquotes`` and ``text_join`` each work on one inline
    token at a time, and what they make of it depends on its text alone, but for the
    document's reference definitions (``[label]: url``), so a document that has any
    is parsed as markdown-it would. The tokens kept are shared by the documents whose
    text holds them: the parser's readers only read them."""
    rules = {rule.name: rule.fn for rule in md.core.ruler.__rules__}
    # briefgen's smartquotes, markdown-it's own in one pass (see briefgen.smartquotes).
    steps = [rules["inline"], smartquotes, rules["text_join"]]

    def inline_rule(state: StateCore) -> None:
        if any(state.env.values()):
            for step in steps:
                step(state)
            return
        for token in state.tokens:
            if token.type != "inline":
                continue
            text = token.content
            kept = _recall(_inlines_kept, text)
            if kept is None:
                # Made afresh: a token taken from an earlier document's end (see
                # _keep_blocks) holds that document's children.
                token.children = None
                alone = StateCore(text, state.md, state.env, [token])
                for step in steps:
                    step(alone)
                if len(text) > _INLINE_KEPT_LENGTH:
                    continue
                kept = tuple(token.children or ())
                _remember(_inlines_kept, text, kept)
            token.children = list(kept)
            token.meta[_KEPT] = text

    md.core.ruler.at("inline", inline_rule)
    md.core.ruler.disable(["smartquotes", "text_join"])


# The top-level blocks of a document's end are parsed once per process: a batch's
# copies differ in a line or two near the top (the recipient's name, a place's
# figure), and markdown-it's block parse of the rest was a tenth of a parse. What a
# top-level block rule makes of the text from a line on depends on that text alone
# (a block looks ahead, never back; nesting starts again at the top level), but for
# the line's number, which the tokens' maps hold: the text and the number are the key.
_BLOCKS_KEPT = 256
# Longer documents are parsed as they stand: the keys, each the rest of a document,
# would hold its text once per block.
_BLOCKS_KEPT_SOURCE = 20_000
_blocks_kept: dict[tuple[int, str], tuple[Token, ...]] = {}


def _keep_blocks(md: MarkdownIt) -> None:
    """Take a document's top-level block tokens from a line on from the last document
    that had the same text from the same line on (see :data:`_blocks_kept`). The
    tokens are shared, as the inline rule's are: a document whose reference
    definitions (``[label]: url``) are in its own text is parsed as markdown-it would,
    since its inline tokens are made differently."""
    core_block = {rule.name: rule.fn for rule in md.core.ruler.__rules__}["block"]

    def block_rule(state: StateCore) -> None:
        if state.inlineMode or not state.src or len(state.src) > _BLOCKS_KEPT_SOURCE:
            core_block(state)
            return
        block = StateBlock(state.src, md, state.env, state.tokens)
        src, tokens, end = block.src, block.tokens, block.lineMax
        rules = md.block.ruler.getRules("")
        starts: list[tuple[tuple[int, str], int]] = []  # each block's key and first token
        line = 0
        while line < end:
            block.line = line = block.skipEmptyLines(line)
            if line >= end:
                break
            key = (line, src[block.bMarks[line] :])
            kept = _recall(_blocks_kept, key)
            if kept is not None and not any(state.env.values()):
                tokens.extend(kept)
                return
            starts.append((key, len(tokens)))
            for rule in rules:
                if rule(block, line, end, False):
                    break
            else:  # pragma: no cover - the paragraph rule takes any line
                raise RuntimeError("none of the block rules matched")
            line = block.line
            if line < end and block.isEmpty(line):
                line += 1
        if any(state.env.values()):
            return
        for key, first in starts:
            _remember(_blocks_kept, key, tuple(tokens[first:]), _BLOCKS_KEPT)

    md.core.ruler.at("block", block_rule)


def _normalize(state: StateCore) -> None:
    """markdown-it's first core rule, which makes every line end "\\n" and every NUL
    character U+FFFD, by two substitutions over the whole document: done only where
    the text holds a carriage return or a NUL (a template's output never does)."""
    text = state.src
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in text:
        text = text.replace("\0", "\ufffd")
    state.src = text


def make_parser() -> MarkdownIt:
    """CommonMark without raw HTML, plus the brief extensions."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "linkify": False})
    # Typographic quotes only; the other "typographer" replacements ((c), --) stay off.
    md.enable("smartquotes")
    # GitHub's pipe tables, which CommonMark lacks.
    md.enable("table")
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.block.ruler.before(
        "fence",
        "group_line",
        _group_line_rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    for name, marker in CONTAINERS.items():
        md.use(container_plugin, name=name, marker=marker)
    # [words]{lang=en-US}: a passage in another language than the brief's; a link's
    # too, [words](https://...){lang=en-US}.
    md.use(attrs_plugin, after=("span_close", "link_close"), spans=True)
    md.core.ruler.at("normalize", _normalize)
    _keep_braces(md)
    _keep_blocks(md)
    _keep_inlines(md)
    # Every link is parsed, so that one with a refused scheme stops at its line
    # instead of printing as bracketed text.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_PARSER: MarkdownIt | None = None


def _parser() -> MarkdownIt:
    global _PARSER
    if _PARSER is None:
        _PARSER = make_parser()
    return _PARSER


@dataclass
class _Frame:
    """A group being filled: the body, a box, a row of cards, a sidebar, or the main
    column beside a sidebar; and the optional groups open inside it."""

    kind: str
    where: Location
    blocks: list[AnyBlock] = field(default_factory=list)
    optional: list[tuple[Droppable, Location]] = field(default_factory=list)
    aside: tuple[AnyBlock, ...] = ()


@dataclass
class _Walker:
    """Turns markdown-it's tokens of one brief into blocks (:func:`parse`)."""

    tokens: list[Token]
    lines: tuple[Location, ...]
    default: Location
    source: list[str]
    check: CitationCheck | None = None
    charts: ChartResolver | None = None
    folders: Sequence[Path] = ()
    words: Wording = ENGLISH
    pos: int = 0
    current: Token | None = None
    frames: list[_Frame] = field(default_factory=list)
    groups: int = 0
    had_aside: bool = False
    # The first ':::' that closed a group another template opened: where it stands,
    # the group's kind and where that opened (:meth:`_crossed`).
    crossed: tuple[Location, str, Location] | None = None
    # Where the notes were first placed, and their title.
    notes_at: tuple[Location, str] | None = None
    pixels: int = 0  # of the pictures so far

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
            if token.type == "group_line":
                # A ':::' line indented into a list item, a quote or a callout would
                # open or close nothing there: say so rather than lose it.
                raise TemplateError(
                    f"'::: {token.info}' stands inside a list, quote or callout; "
                    "write it on a line of its own, not indented"
                    if token.info
                    else "':::' stands inside a list, quote or callout; write it on a "
                    "line of its own, not indented",
                    self.where(token),
                )
            if token.type == opening:
                depth += 1
            elif token.type == closing:
                if depth == 0:
                    return self.tokens[start : self.pos - 1]
                depth -= 1
        return self.tokens[start:]

    def only_text(self, inner: list[Token], holder: str, advice: str) -> None:
        """Refuse a block in ``inner`` that is not a paragraph: ``holder`` prints its
        paragraphs' text only, and would print a list without its numbers, a heading
        as plain text, and code or a table not at all."""
        if other := next((t for t in inner if t.type not in _PARAGRAPH_TOKENS), None):
            what = _TOKEN_WORDS.get(other.type, "a block")
            raise TemplateError(f"{holder} is text, not {what}; {advice}", self.where(other))

    def closed(self, token: Token, name: str, where: Location) -> None:
        """Refuse a ``!!!`` block its template never closes: markdown-it would take
        every line to the end of the page into it."""
        end = token.map[1] if token.map else len(self.source)
        if end >= len(self.source) or not self.source[end].strip(" \t>").startswith("!!!"):
            raise TemplateError(f"'!!! {name}' is not closed: end it with a line of '!!!'", where)

    def add(self, block: AnyBlock) -> None:
        if _blank(block):
            return
        if self.check is not None:
            for fact_id in cited_fact_ids(block):
                if (problem := self.check(fact_id)) is not None:
                    raise TemplateError(problem, self.line_of(f"[@{fact_id}]", block.location))
        # The notes are drawn in the footer, wherever they stand: keep them out of boxes
        # and columns.
        frame = self.frames[0] if isinstance(block, Notes) else self.frames[-1]
        if frame.optional:
            block = replace(block, droppable=frame.optional[-1][0])
        frame.blocks.append(block)

    def line_of(self, needle: str, fallback: Location) -> Location:
        """The line of the current block's source that holds ``needle``."""
        token = self.current
        if token is None or not token.map:
            return fallback
        first, end = token.map
        for index in range(first, min(end, len(self.source))):
            if needle in self.source[index]:
                return self.lines[min(index, len(self.lines) - 1)]
        return fallback

    def walk(self) -> list[AnyBlock]:
        self.frames = [_Frame("body", self.default)]
        while self.pos < len(self.tokens):
            token = self.next()
            try:
                self.block(token)
            except _Refused as refused:
                where = self.line_of(refused.needle, self.where(token))
                raise TemplateError(refused.message, where) from None
        self.finish()
        return self.frames[0].blocks

    def block(self, token: Token) -> None:
        self.current = token
        kind = token.type
        where = self.where(token)
        if kind == "heading_open":
            inlines = _inlines(self.until("heading_close"))
            level = int(token.tag[1])
            if level == 1:
                inlines = _keep_last_words_together(inlines)
            self.add(Heading(where, level=level, inlines=inlines))
        elif kind == "paragraph_open":
            tokens = self.until("paragraph_close")
            if tokens and (unknown := _UNKNOWN_BLOCK.match(tokens[0].content)):
                from briefgen.templating.helpers import suggest_name

                name = unknown.group(1)
                if not name:
                    raise TemplateError(
                        "'!!!' closes no callout or notes (to print '!!!', write '\\!!!')",
                        where,
                    )
                raise TemplateError(
                    f"unknown block '!!! {clip(name)}'{suggest_name(name, list(CONTAINERS))}; "
                    f"expected {', '.join(CONTAINERS)} (to print '!!!', write '\\!!!')",
                    where,
                )
            image = _lone_image(tokens)
            if image is not None:
                self.add(self.image(image, where))
            else:
                self.add(Paragraph(where, inlines=_inlines(tokens)))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            inner = self.until(kind.replace("_open", "_close"))
            for run in _list_runs(token, inner, self.where):
                self.add(run)
        elif kind == "blockquote_open":
            inner = self.until("blockquote_close")
            self.only_text(inner, "a quote", "end the quote (a line without '>') before it")
            self.add(_quote(where, inner))
        elif kind == "fence" and token.info.strip() == "briefgen-chart":
            if self.charts is None:
                raise TemplateError("charts need the facts store; none was given", where)
            self.add(self.charts(token.content, where))
        elif kind == "fence" and token.info.strip() == "briefgen-qr":
            url = _qr_url(token.content, where)
            self.add(QrCode(where, url=url, alt=self.words.qr_code.format(url)))
        elif kind in ("fence", "code_block"):
            runs: list[Inline] = []
            for line in token.content.rstrip("\n").split("\n"):
                if runs:
                    runs.append(LineBreak())
                # Indentation printed, the same in both files: no-break spaces, which
                # neither renderer drops at a line's start (a tab as four).
                body = line.expandtabs(4)
                indent = len(body) - len(body.lstrip(" "))
                runs.append(Span("\u00a0" * indent + _SPACES.sub(" ", body.lstrip(" "))))
            self.add(Paragraph(where, inlines=tuple(runs)))
        elif kind == "container_callout_open":
            self.closed(token, "callout", where)
            figure = token.info.strip()[len("callout") :].strip()
            inner = self.until("container_callout_close")
            self.only_text(inner, "a callout's label", "end the callout with '!!!' before it")
            # A card's or sidebar's label is two or three short lines: a last one
            # holding one word ("week", "media") shows as a gap, as a title's would.
            label = _keep_last_words_together(_join_paragraphs(inner))
            if not figure:
                raise TemplateError("callout: give the figure after '!!! callout'", where)
            figure = _COUNT_OF.sub(_joined, _unescape(figure))
            self.add(Callout(where, figure=figure, label=label))
        elif kind == "container_notes_open":
            self.closed(token, "notes", where)
            self.until("container_notes_close")
            title = token.info.strip()[len("notes") :].strip() or self.words.sources
            if self.notes_at is not None and self.notes_at[1] != title:
                # The notes print once, in the footer, under the first title: another
                # title would be dropped without a word.
                first, first_title = self.notes_at
                at = f"line {first.line}" if first.path == where.path else str(first)
                raise TemplateError(
                    f"the notes print once, under one title: notes() at {at} gives "
                    f"{quote(first_title)}, this one {quote(title)}; call notes() once "
                    "(to move or retitle the notes of a template you extend, replace "
                    "its notes block)",
                    where,
                )
            self.notes_at = self.notes_at or (where, title)
            self.add(Notes(where, title=_unescape(title)))
        elif kind == "group_line":
            self.group_line(token.info, where)
        elif kind == "table_open":
            self.add(self.table(where, self.until("table_close")))
        elif kind == "hr":
            self.add(HorizontalRule(where))
        elif kind == "html_block":
            return
        else:  # pragma: no cover - every CommonMark block type is handled above
            raise TemplateError(f"unsupported Markdown block '{kind}'", where)

    def table(self, where: Location, tokens: list[Token]) -> Table:
        """A table; a row of more cells than its header is refused at its line, where
        Markdown would drop the cells past the header's without a word."""
        table = _table(where, tokens)
        for token in tokens:
            if token.type == "tr_open" and token.map:
                line = self.source[token.map[0]].strip()
                cells = escapedSplit(line)
                cells = cells[1 if cells[:1] == [""] else 0 : -1 if cells[-1:] == [""] else None]
                if len(cells) > len(table.header):
                    raise TemplateError(
                        f"a row of {len(cells)} cells in a table of {len(table.header)} "
                        "columns; the cells past the header's would not print: add a column "
                        "to the header or take the cells out (a | inside a cell is written \\|)",
                        self.where(token),
                    )
        return table

    def image(self, token: Token, where: Location) -> Image:
        source = str(token.attrGet("src") or "")
        shown = clip_name(source)
        # The words as read, not as written: `![A *big* map](m.png)` is "A big map".
        alt = " ".join(_plain_text(token.children or []).split())
        if not _visible(alt):
            raise TemplateError(
                f"image '{shown}': give its alt text, what it shows, as in "
                "![Map of the district](map.png)",
                where,
            )
        base = Path(where.path).parent
        try:
            path = picture_path(source, base, self.folders)
            picture = read_picture(path, alt, shown)
        except PictureRefused as exc:
            raise TemplateError(str(exc), where) from None
        # Each picture is decoded whole by each renderer: a brief's pictures together
        # are held to one picture's pixels, a loop of one picture too.
        self.pixels += picture.width_px * picture.height_px
        if self.pixels > MAX_PICTURE_PIXELS:
            raise TemplateError(
                f"image '{shown}': this brief's pictures hold more than "
                f"{MAX_PICTURE_PIXELS:,} pixels in all; use fewer or smaller pictures",
                where,
            )
        return Image(where, picture=picture, width=picture.width_px * 72 / IMAGE_PPI)

    def group_line(self, info: str, where: Location) -> None:
        """Open or close a ``:::`` group."""
        frame = self.frames[-1]
        if not info:
            if frame.optional:
                kind, opened = "optional", frame.optional.pop()[1]
            elif frame.kind in ("box", "cards", "aside"):
                kind, opened = frame.kind, frame.where
                self.close(frame)
            else:
                self._crossed(where, unclosed=False)
                raise TemplateError("':::' closes no '::: optional', box, cards or aside", where)
            if opened.path != where.path and self.crossed is None:
                self.crossed = (where, kind, opened)
            return
        name, _, rest = info.partition(" ")
        if name not in GROUPS:
            from briefgen.templating.helpers import suggest_name

            raise TemplateError(
                f"unknown group '::: {clip(name)}'{suggest_name(name, list(GROUPS))}; "
                f"expected {', '.join(GROUPS)}",
                where,
            )
        if name == "optional":
            self.groups += 1
            frame.optional.append((Droppable(self.groups, _priority(info, where)), where))
            return
        if rest.strip():
            raise TemplateError(f"'::: {name}' takes nothing after its name", where)
        if frame.kind in ("box", "cards"):
            # The outer group may open in the template this one extends: name its file.
            outer = (
                f"line {frame.where.line}" if frame.where.path == where.path else str(frame.where)
            )
            raise TemplateError(
                f"'::: {name}' cannot stand inside '::: {frame.kind}' ({outer}); close it "
                "with ':::' first",
                where,
            )
        if name == "cards" and any(f.kind in ("aside", "main") for f in self.frames):
            # Two or three cards in a column a third or two thirds of the page wide
            # break their figures ("480" above "%").
            raise TemplateError(
                "'::: cards' stands at the page's full width, before '::: aside'; "
                "in or beside the sidebar, use callouts one below the other",
                where,
            )
        if name == "aside":
            if self.had_aside:
                raise TemplateError("a brief has one sidebar; this is a second '::: aside'", where)
            if frame.kind != "body" or frame.optional:
                raise TemplateError(
                    "'::: aside' stands at the top level, outside boxes and optional groups "
                    "(make the blocks inside it optional instead)",
                    where,
                )
            self.had_aside = True
        self.frames.append(_Frame(name, where))

    def _crossed(self, failed: Location, unclosed: bool) -> None:
        """With groups that do not pair up: when a ':::' closed a group another
        template opened, stop at the line of the template that went wrong, not at the
        built-in's, which the author did not write. A block replacing the built-in's
        ``quote`` that leaves its '::: optional' open (``unclosed``: a group at
        ``failed`` is never closed) is told so at its '::: optional'; one that closes a
        group more than it opens (the ':::' at ``failed`` closes nothing), at that
        ':::'."""
        if self.crossed is None:
            return
        closer, kind, opened = self.crossed
        if unclosed and opened.path != failed.path:
            raise TemplateError(
                f"'::: {kind}' is never closed in its own template: the ':::' that closes "
                f"it is another template's, at {closer}; close it before its block ends",
                opened,
            )
        if not unclosed and closer.path != failed.path:
            raise TemplateError(
                f"':::' closes the '::: {kind}' opened at {opened}, in another template; "
                "a template's ':::' lines close only the groups it opens",
                closer,
            )

    def close(self, frame: _Frame) -> None:
        self.frames.pop()
        blocks = tuple(frame.blocks)
        if frame.kind == "box":
            self.add(Box(frame.where, blocks=blocks))
        elif frame.kind == "cards":
            self.add(_card_row(frame.where, blocks))
        else:  # the sidebar: the main column follows it
            self.frames.append(_Frame("main", frame.where, aside=blocks))

    def finish(self) -> None:
        """Close the main column at the end of the body; refuse groups left open."""
        frame = self.frames[-1]
        if frame.optional:
            self._crossed(frame.optional[-1][1], unclosed=True)
            raise TemplateError("'::: optional' is never closed with ':::'", frame.optional[-1][1])
        if frame.kind in ("box", "cards", "aside"):
            self._crossed(frame.where, unclosed=True)
            raise TemplateError(f"'::: {frame.kind}' is never closed with ':::'", frame.where)
        if frame.kind == "main":
            self.frames.pop()
            if not frame.blocks:
                raise TemplateError(
                    "'::: aside' has no main text after it: the sidebar stands beside the "
                    "blocks that follow it",
                    frame.where,
                )
            if not frame.aside:
                # Nothing in the sidebar (a template replaced its blocks with nothing,
                # or a condition left it empty): the main column stands alone, as when
                # the fitter drops every block of it, not beside an empty tint.
                self.frames[-1].blocks.extend(frame.blocks)
                return
            self.add(Columns(frame.where, main=tuple(frame.blocks), aside=frame.aside))


# What a block is called in a message about where it stands.
def _card_row(where: Location, blocks: tuple[AnyBlock, ...]) -> CardRow:
    cards: list[Callout] = []
    for block in blocks:
        if not isinstance(block, Callout):
            raise TemplateError(
                f"'::: cards' holds only callouts; this is a {block_word(block)} "
                "(write each card with callout(...))",
                block.location,
            )
        cards.append(block)
    if not CARDS[0] <= len(cards) <= CARDS[-1]:
        raise TemplateError(
            f"'::: cards' holds {CARDS[0]} or {CARDS[-1]} callouts side by side, not {len(cards)}",
            where,
        )
    return CardRow(where, cards=tuple(cards))


def _qr_url(content: str, where: Location) -> str:
    url = content.strip()
    scheme = _SCHEME.match(url)
    if (
        scheme is None
        or scheme.group(1).lower() not in ("http", "https")
        or not _WEB_SITE.match(url, scheme.end())
    ):
        raise TemplateError(
            f"qr: '{url[:60]}' is not a web address; a QR code holds an http or https address",
            where,
        )
    if any(c.isspace() for c in url) or len(url) > MAX_QR_CHARS:
        raise TemplateError(
            f"qr: the address must be one word of at most {MAX_QR_CHARS} characters "
            "(a longer one makes a code too dense to scan from paper)",
            where,
        )
    return url


def _lone_image(tokens: list[Token]) -> Token | None:
    """The image token when a paragraph holds one image and nothing else."""
    children = [c for t in tokens if t.type == "inline" for c in (t.children or [])]
    images = [c for c in children if c.type == "image"]
    rest = [
        c
        for c in children
        if c.type != "image" and not (c.type == "text" and not c.content.strip())
    ]
    if len(images) == 1 and not rest:
        return images[0]
    return None


def _joined(match: re.Match[str]) -> str:
    """A match's words, joined to each other and the numbers beside them by no-break
    spaces."""
    return NO_BREAK_SPACE + match.group(1).replace(" ", NO_BREAK_SPACE) + NO_BREAK_SPACE


def _keep_last_words_together(inlines: Inlines) -> Inlines:
    """A title's or a callout label's text with its last two words joined by a
    no-break space, so its last line never holds one word alone."""
    runs = list(inlines)
    for index in range(len(runs) - 1, -1, -1):
        run = runs[index]
        if isinstance(run, LineBreak):
            break
        if not isinstance(run, Span):
            continue
        text = run.text
        # The space before the last word: not one at the very end of the title.
        body = text.rstrip(" ") if index == _last_span(runs) else text
        at = body.rfind(" ")
        if at > 0 or (at == 0 and index > 0):
            runs[index] = replace(run, text=text[:at] + NO_BREAK_SPACE + text[at + 1 :])
            break
        if at == 0:
            break
    return tuple(runs)


def _last_span(runs: list[Inline]) -> int:
    return max((i for i, r in enumerate(runs) if isinstance(r, Span)), default=-1)


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
        return _nothing_to_read(block.inlines) and _nothing_to_read(block.attribution)
    if isinstance(block, BulletList):
        return not block.items
    if isinstance(block, Box):
        return not block.blocks
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
        raise TemplateError(
            f"optional: priority must be a whole number, not '{clip(value)}'", where
        )
    return int(value)


def _inlines(tokens: list[Token]) -> Inlines:
    inline = [token for token in tokens if token.type == "inline"]
    text = inline[0].meta.get(_KEPT) if len(inline) == 1 else None
    if text is not None:  # a paragraph or heading whose runs are kept: merged once too
        merged = _recall(_merged_kept, text)
        if merged is None:
            merged = _merge(_token_runs(inline[0]))
            _remember(_merged_kept, text, merged)
        return merged
    runs: list[Inline] = []
    for token in inline:
        runs.extend(_token_runs(token))
    return _merge(runs)


def _link(href: str) -> str:
    """The address of a link, or :class:`_Refused` for one a reader cannot follow."""
    scheme = _SCHEME.match(href)
    if scheme is None or scheme.group(1).lower() not in LINK_SCHEMES:
        raise _Refused(
            f"link '{href[:60]}': a link on a printed brief needs an http, https or mailto address",
            href[:20] if scheme is None else f"{scheme.group(1)}:",
        )
    if len(href) > MAX_LINK_CHARS:
        raise _Refused(
            f"link '{href[:40]}…' is {len(href):,} characters; at most {MAX_LINK_CHARS:,}",
            href[:20],
        )
    name = scheme.group(1).lower()
    if not _LEADS_TO[name].match(href, scheme.end()):
        example = "mailto:name@example.org" if name == "mailto" else "https://example.org/page"
        raise _Refused(
            f"link '{href[:60]}' leads nowhere: write the whole address, as in {example}",
            href[:20],
        )
    return href


def _token_runs(token: Token) -> list[Inline]:
    """The runs of an inline token, read once per process for a text whose tokens are
    kept (:func:`_keep_inlines`): they are those of its text alone."""
    text = token.meta.get(_KEPT)
    if text is None:
        return _runs(token.children or [])
    runs = _recall(_runs_kept, text)
    if runs is None:
        runs = tuple(_runs(token.children or []))
        _remember(_runs_kept, text, runs)
    return list(runs)


def _runs(children: list[Token]) -> list[Inline]:
    runs: list[Inline] = []
    bold = italic = 0
    href = ""
    link_start = 0
    languages = [""]  # the language of the passage the text is in ("": the brief's)
    previous = ""  # the kind of the token before
    for child in children:
        kind = child.type
        if kind == "text" and previous == "span_close" and child.content.startswith("]("):
            # [[words]{lang=en}](https://...): the passage took the link's brackets,
            # and the link would print as its Markdown.
            raise _Refused(
                "a passage marked {lang=...} cannot be a link's text; mark the link "
                "itself: [words](https://...){lang=en-US}",
                "](",
            )
        if kind == "text" and previous == "citation":
            braces = _BRACES_AFTER_CITATION.match(child.content)
            if braces:
                cited = f"[@{runs[-1].fact_ids[0]}]" if isinstance(runs[-1], Cite) else "[@id]"
                raise _Refused(
                    f"{cited}{braces.group()}: a citation takes no braces; to mark the "
                    f"words it supports, write [words]{{lang=en-US}}{cited}",
                    braces.group(),
                )
        previous = kind
        if kind in ("text", "code_inline"):
            # Word keeps tabs and runs of spaces where a PDF shows one space; make
            # both show one.
            text = _SPACES.sub(" ", child.content)
            if kind == "text":
                # A dash set between spaces stays on the line of the word before it:
                # no line begins with "– we should"; nor is Spanish's "EE. UU." or a
                # fiscal year's "FY 2023" parted at a line's end. Code keeps its text
                # as written.
                text = _DASH_AFTER_SPACE.sub("\u00a0\\1", text)
                text = text.replace("EE. UU.", "EE.\u00a0UU.")
                text = _FISCAL_YEAR.sub("FY\u00a0", text)
            runs.append(Span(text, bold > 0, italic > 0, href, languages[-1]))
        elif kind == "softbreak":
            runs.append(Span(" ", bold > 0, italic > 0, href, languages[-1]))
        elif kind == "span_open":
            languages.append(_span_language(child))
        elif kind == "span_close":
            languages.pop()
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
        elif kind == "link_open":
            href = _link(str(child.attrGet("href") or ""))
            link_start = len(runs)
            languages.append(_link_language(child) or languages[-1])
        elif kind == "link_close":
            if not any(isinstance(r, Span) and _visible(r.text) for r in runs[link_start:]):
                # [](https://...) would print nothing a reader can follow: its address.
                shown = Span(
                    href.removeprefix("mailto:"), bold > 0, italic > 0, href, languages[-1]
                )
                kept = [r for r in runs[link_start:] if not isinstance(r, Span)]
                runs[link_start:] = [shown, *kept]
            href = ""
            languages.pop()
        elif kind == "citation":
            runs.append(Cite((child.meta["id"],)))
        elif kind == "image":
            raise _Refused(
                f"image '{child.attrGet('src')}': an image stands in a paragraph of its own, "
                "not among text, in a list or a heading",
                "![",
            )
    return runs


def _span_language(token: Token) -> str:
    """The language tag of a ``[words]{lang=en-US}`` passage, or :class:`_Refused`."""
    language = _language_attribute(token, set())
    if not language:
        _refuse_braces(token, set())
    return language


def _link_language(token: Token) -> str:
    """The language tag of a ``[words](https://...){lang=en-US}`` link, or ``""``."""
    return _language_attribute(token, {"href", "title"})


def _language_attribute(token: Token, own: set[str]) -> str:
    """``token``'s ``lang`` attribute (``""`` when none), refusing any other one but
    those in ``own`` and a value that is no language tag."""
    written = "".join(token.meta.get("braces", []))
    if (given := len(_LANGUAGE_KEY.findall(written))) > 1:
        raise _Refused(
            f"[...]{written}: the language is given {given} times; a passage's braces "
            "take it once, as {lang=en-US}",
            "{",
        )
    attrs = {key: value for key, value in token.attrs.items() if key not in own}
    language = str(attrs.pop("lang", ""))
    if attrs or (language and not LANGUAGE_TAG.fullmatch(language)):
        _refuse_braces(token, own)
    return language


_LANGUAGE_KEY = re.compile(r"(?<![^\s{])lang=")


def _refuse_braces(token: Token, own: set[str]) -> NoReturn:
    given = " ".join(f"{key}={value}" for key, value in token.attrs.items() if key not in own)
    raise _Refused(
        f"[...]{{{given}}}: a passage's braces take its language only, as "
        "{lang=en-US} (a language tag: en, en-US, es-MX)",
        "{",
    )


def _merge(runs: list[Inline]) -> Inlines:
    """Join neighbouring spans of the same emphasis and link and neighbouring
    citations; a citation sits right after the word it supports, with no space before
    it."""
    merged: list[Inline] = []
    for run in runs:
        if isinstance(run, Span) and not run.text:
            continue
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
                merged[-1] = _with_text(last_run, last_run.text.rstrip())
        last = merged[-1] if merged else None
        if (
            isinstance(run, Span)
            and isinstance(last, Span)
            and (last.bold, last.italic, last.href, last.language)
            == (run.bold, run.italic, run.href, run.language)
        ):
            merged[-1] = _with_text(run, last.text + run.text)
        else:
            merged.append(run)
    return tuple(merged)


def _with_text(span: Span, text: str) -> Span:
    """``span`` with ``text`` instead of its own: made directly, as ``replace`` makes
    it (a Span has nothing to work out), which costs several times more and is
    asked some twenty-five times a copy."""
    if type(span) is not Span:
        return replace(span, text=text)
    return Span(text, span.bold, span.italic, span.href, span.language)


def _join_paragraphs(tokens: list[Token]) -> Inlines:
    runs: list[Inline] = []
    for token in tokens:
        if token.type == "inline":
            if runs:
                runs.append(LineBreak())
            runs.extend(_token_runs(token))
    return _merge(runs)


@dataclass
class _OpenList:
    """A list being read: its current run of items, and the item being read."""

    ordered: bool
    depth: int
    number: int  # the next item's number
    where: Location  # where the current run begins
    items: list[Inlines] = field(default_factory=list)
    run_start: int = 1
    resumes: bool = False
    item: list[Inline] = field(default_factory=list)
    item_where: Location | None = None
    nested: bool = False  # the current item holds a nested list

    def end_item(self) -> None:
        if self.item:
            inlines = _merge(self.item)
            if not _nothing_to_read(inlines):
                if self.ordered and self.number > MAX_LIST_NUMBER:
                    raise TemplateError(
                        f"list number {self.number} is past {MAX_LIST_NUMBER:,}, the most "
                        "a Word or LibreOffice list counts to; to print the number as "
                        f"text, escape its dot: {self.number}\\.",
                        self.item_where or self.where,
                    )
                if not self.items:
                    self.run_start = self.number
                self.items.append(inlines)
                self.number += 1
        self.item = []

    def end_run(self, runs: list[BulletList]) -> None:
        self.end_item()
        if self.items:
            run = BulletList(
                self.where,
                items=tuple(self.items),
                ordered=self.ordered,
                start=self.run_start,
                depth=self.depth,
                resumes=self.resumes,
            )
            runs.append(run)
            self.resumes = True
        self.items = []


def _list_runs(
    opening: Token, tokens: list[Token], where: Callable[[Token], Location]
) -> list[BulletList]:
    """A list (``opening``, then its ``tokens``) as runs of items at one depth
    (:class:`BulletList`), in reading order. An ordered list counts from its first
    number, as CommonMark does; blank items are left out and not counted."""
    runs: list[BulletList] = []
    stack: list[_OpenList] = []
    for token in (opening, *tokens):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            if len(stack) == LIST_LEVELS:
                raise TemplateError(
                    f"a list nested more than {LIST_LEVELS} levels deep; "
                    "a printed page reads better with fewer levels",
                    where(token),
                )
            if stack:
                stack[-1].end_run(runs)
                stack[-1].nested = True
            start = int(token.attrs.get("start", 1)) if kind == "ordered_list_open" else 1
            stack.append(_OpenList(kind == "ordered_list_open", len(stack), start, where(token)))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            stack.pop().end_run(runs)
        elif kind == "list_item_open":
            top = stack[-1]
            top.nested = False
            top.item_where = where(token)
            if top.resumes and not top.items:
                top.where = where(token)
        elif kind == "list_item_close":
            stack[-1].end_item()
        elif kind == "inline":
            top = stack[-1]
            if top.nested:
                raise TemplateError(
                    "text after a nested list, in the same item; start a new item "
                    "or move the text above the nested list",
                    where(token),
                )
            if top.item:
                top.item.append(Span(" "))
            top.item.extend(_token_runs(token))
        elif kind in ("fence", "code_block", "table_open"):
            what = "a table" if kind == "table_open" else "a code block or chart"
            raise TemplateError(
                f"{what} inside a list item; end the list first "
                "(a blank line, and the block not indented)",
                where(token),
            )
    stack.pop().end_run(runs)  # ``tokens`` stop before the list's own closing token
    if runs:
        runs[:-1] = [replace(run, closes=False) for run in runs[:-1]]
    return runs


# A delimiter row's ':---:' and '---:', as markdown-it gives them.
_ALIGNMENTS: dict[str, Alignment] = {"text-align:center": "center", "text-align:right": "right"}


def _table(where: Location, tokens: list[Token]) -> Table:
    """A table's header row and rows, each cell's inlines, and its columns' alignment
    (markdown-it gives every row the header's number of cells)."""
    rows: list[list[Inlines]] = []
    align: list[Alignment] = []
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "th_open":
            align.append(_ALIGNMENTS.get(str(token.attrGet("style")), "left"))
        elif token.type == "inline":
            rows[-1].append(_merge(_token_runs(token)))
    if len(align) > MAX_TABLE_COLUMNS:
        raise TemplateError(
            f"a table of {len(align)} columns; a one-page brief's table holds at most "
            f"{MAX_TABLE_COLUMNS}",
            where,
        )
    header, *body = rows
    return Table(where, tuple(header), tuple(tuple(row) for row in body), tuple(align))


def _visible(text: str) -> str:
    """What of ``text`` a reader sees or hears: no spaces at its ends, no invisible
    format characters (a zero-width space, a soft hyphen, a word joiner)."""
    return without_format_characters(text).strip()


def _plain_text(tokens: list[Token]) -> str:
    """The text of inline ``tokens`` without their markup, as a reader hears it."""
    parts = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.children:
            parts.append(_plain_text(token.children))
    return "".join(parts)


def _attribution(line: list[Inline]) -> Inlines:
    """A quote's ``— Name, Role`` line without its dash: its words only, in the
    attribution's own type (emphasis, links and citations are left out), each passage
    keeping its language."""
    spans = [Span(r.text, language=r.language) for r in line if isinstance(r, Span)]
    spans[0] = replace(spans[0], text=ATTRIBUTION.sub("", spans[0].text, count=1))
    spans[0] = replace(spans[0], text=spans[0].text.lstrip())
    spans[-1] = replace(spans[-1], text=spans[-1].text.rstrip())
    return _merge([span for span in spans if span.text])


def _mid_sentence(before: list[Token]) -> bool:
    """Whether a quote's line ``before`` a line starting with a dash ends mid-sentence
    (a letter, a digit, a comma...): the dash is then the quote's own, wrapped to the
    line's start ("> “We asked what works" then "> — and prevention was the answer.”"),
    not an attribution's."""
    last = before[-1] if before else None
    if last is None or last.type != "text" or not last.content.strip():
        return False
    end = last.content.rstrip()[-1]
    return end.isalnum() or end in ",;:"


def _quote(where: Location, tokens: list[Token]) -> Quote:
    lines = [t.children or [] for t in tokens if t.type == "inline"]
    if lines:
        # "> — Speaker" on a line after the quote's, in its paragraph (docs: "`>
        # “quote”` then `> — Speaker, Role`"), is its attribution too, with any lines
        # after it ("> — Pat Chief," then "> Chief of Police, Tucson").
        final = lines[-1]
        breaks = [i for i, child in enumerate(final) if child.type in ("softbreak", "hardbreak")]
        for index in reversed(breaks):
            after = final[index + 1] if index + 1 < len(final) else None
            if (
                after is not None
                and after.type == "text"
                and ATTRIBUTION.match(after.content)
                and not _mid_sentence(final[:index])
            ):
                lines[-1:] = [final[:index], final[index + 1 :]]
                break
    paragraphs = [_runs(children) for children in lines]
    attribution: Inlines = ()
    # The attribution's citations ("> — Chief Kasmar [@id]"), which its plain words
    # leave out: printed after the quote, so its source stays in the notes.
    cites: list[Inline] = []
    if paragraphs:
        last = paragraphs[-1]
        first = last[0] if last else None
        if isinstance(first, Span) and ATTRIBUTION.match(first.text):
            attribution = _attribution(last)
            cites = [run for run in last if isinstance(run, Cite)]
            paragraphs.pop()
    runs: list[Inline] = []
    for paragraph in paragraphs:
        if runs:
            runs.append(LineBreak())
        runs.extend(paragraph)
    if runs and cites:
        runs[-1:] = _rstripped(runs[-1:])
    return Quote(where, inlines=_merge([*runs, *cites]), attribution=attribution)


def _rstripped(runs: list[Inline]) -> list[Inline]:
    """``runs`` (the last of a quote's) without the spaces ending its text."""
    return [replace(r, text=r.text.rstrip()) if isinstance(r, Span) else r for r in runs]


def parse_blocks(
    text: str,
    lines: tuple[Location, ...],
    default: Location,
    check: CitationCheck | None = None,
    *,
    charts: ChartResolver | None = None,
    folders: Sequence[Path] = (),
    language: str = "en-US",
) -> list[AnyBlock]:
    """Turn Markdown into blocks, each with the template location of its first line.

    ``check`` is asked about every cited fact id; a message back is raised as a
    :class:`TemplateError` at the line holding that citation. ``charts`` turns a
    ``briefgen-chart`` block into a chart (from the facts store); ``folders`` are the
    template folders images may be read from; ``language`` the brief's, for the words
    the parser writes itself (a QR code's alt text, the notes' default heading).
    """
    tokens = _parser().parse(text)
    source = text.split("\n")
    walker = _Walker(tokens, lines, default, source, check, charts, folders, wording(language))
    return walker.walk()
