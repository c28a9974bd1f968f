"""Numbers typed into a template's own text that no fact cited beside them gives.

A figure on a brief should come from the facts store, where it has a source and a
date: printed through ``fact(...)`` or a helper, or at least cited in the same block.
This module finds the numbers a template author wrote by hand — in the template's
literal text and in the strings its helper calls take (``label="..."``) — and keeps
those that no fact cited in the same Markdown block backs.

The template source is read with Jinja's own lexer: its ``data`` tokens are the
literal text and its ``string`` tokens the quoted strings, each with its line, so
text a fact view or helper produced is never mistaken for the author's. Only lines
that produced output in this render are looked at, and only numbers that reached
the output, so a branch not taken or a block an override replaced says nothing.
The rule is documented in docs/templates.md ("Numbers a template writes itself").

Its twin, :func:`uncited_facts`, finds the other way a figure reaches a page without
its source: a fact's number or words printed through ``fact(...)`` while no block of
the page cites the fact, so the notes never name where it came from.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from jinja2 import TemplateSyntaxError
from jinja2.lexer import TOKEN_DATA, TOKEN_FLOAT, TOKEN_INTEGER, TOKEN_STRING

from briefgen.citations import cited_ids
from briefgen.errors import Location
from briefgen.facts.formatting import format_number, one_in
from briefgen.facts.schema import Fact, Period, Source, language_code
from briefgen.facts.store import FactStore
from briefgen.kept import KeptByText
from briefgen.model import AnyBlock, Document, block_text, children
from briefgen.parse import CITATION
from briefgen.templating.environment import Rendered, template_lexer
from briefgen.templating.search import split_front_matter

# A figure: digits with thousands commas and decimals ("26,700", "98.9", "2023"), or
# with thousands points as Spain writes them ("1.234.567", whole, never its "1.23"),
# not part of a word or a name ("FY2023", "COVID-19", "I-10", "3rd", "2.º", "v1.2") --
# an "x" after it ("100x") is a figure's sign, not a word, and so is a unit written onto it
# ("860kg", "26,700lbs", "2M"). Its digits are taken whole: "860kg" is never read as
# the "86" before a letter.
_UNIT = r"(?:kg|mg|g|lbs?|oz|pct|k|K|m|M|bn|B|km|mi|ft)\b"
# A Spanish ordinal's ending after its point: "2.º", "1.ª", "1.er" (the second, the
# first), as English's "3rd" is a name of a place in order, not a figure. A degree sign
# typed for the "º" ("2.°") is one too.
_ORDINAL = r"\.(?:[\u00ba\u00aa\u00b0]|er\b)"
NUMBER = re.compile(
    r"(?<![\w.,])(?<![^\W\d_]-)"
    r"(?>\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?|\d(?:[\d,]*\d)?(?:\.\d+)?)"
    rf"(?:(?={_UNIT})|(?!(?!x\b)[^\W\d_]))(?![.,]\d)(?!{_ORDINAL})"
)
# Text that holds digits without stating a figure: link targets, web addresses. A
# target runs to its ")" but not past the next "](", so "](](](..." is read in one pass.
_ADDRESSES = re.compile(r"\]\((?:[^)\]]|\](?!\())*\)|<[^<>\s]+>|\b(?:https?://|mailto:|www\.)\S+")
# Numbers a reader calls, not figures: a phone number ("1-800-662-4357", "(520)
# 555-0123"), a three-digit line (911, 988, 211, ...) after a word for calling or
# texting ("Call 988 or 911", "call or text 988", "llame al 911"), and "24/7" and the
# other ways of saying always open: "24 hours a day, 7 days a week, 365 days a year"
# ("24 horas al día, 7 días a la semana, 365 días al año").
_SHORT_LINE = r"(?:[2-9]11|988)\b"
_DIALLED = re.compile(
    r"(?<![\w.,])(?:\+?1[-. ])?(?:\(\d{3}\) ?|\d{3}[-.])\d{3}[-.]\d{4}(?![\w.,]\d)"
    r"|\b(?i:call|dial|text|phone|llame|llama|marque|marca|textee)"
    r"(?:\s+(?i:or|o|and|y)\s+(?i:call|dial|text|textee))?\s+(?i:al\s+)?"
    rf"{_SHORT_LINE}(?:\s+(?i:or|o|and|y)\s+{_SHORT_LINE})*"
    r"|\b24/7(?:/365)?\b"
    r"|\b(?i:24\s+hours\s+a\s+day|7\s+days\s+a\s+week|365\s+days\s+a\s+year"
    r"|24\s+horas\s+al\s+d[ií]a|7\s+d[ií]as\s+a\s+la\s+semana|365\s+d[ií]as\s+al\s+a[ñn]o)\b"
)
# Numbers that name a law, a bill or a part of one: "H.R. 2", "S. 1234", "Public Law
# 118-31", "Title 42", "Section 8", "21 U.S.C. 841", "8 CFR 212.5", "§ 1326". A run of
# "§" is tried from its first only: from each, "§§§..." took time squared.
_CITED_LAW = re.compile(
    r"(?:\b(?:H\.\s?R\.|H\.\s?Res\.|S\.\s?Res\.|(?<![A-Za-z]\.)S\.|Pub\.\s?L\.|Public\s+Law|Title|"
    r"Section|Sec\.|Article|Art\.|Chapter|Ch\.|Amendment|Executive\s+Order|E\.O\.)|(?<!§)§+)"
    r"\s*\d[\d.\-\u2013]*(?:\([a-z0-9]+\))*"
    r"|\b\d+\s+(?:U\.\s?S\.\s?C\.|C\.\s?F\.\s?R\.|CFR|USC)\s*(?:§+\s*)?\d[\d.\-\u2013]*"
    r"(?:\([a-z0-9]+\))*"
)
# Numbers that name a place or a grade, or tell the time, not figures: "Room 204",
# "Suite 100", "Exit 250", "Interstate 19", "District 7", "grades 6 through 12", "sala
# 3", "7 pm", "9:30 a.m.", "19:00", and hours written as a range with the clock word
# once at its end, "3–7 p.m.", "9 to 11:30 am", "de 3 a 7 p. m."; or a place in a
# document: "page 2", "pp. 4-7", "footnote 3", "página 5".
_NAMED = re.compile(
    r"\b(?i:rooms?|suite|ste\.|floor|building|bldg\.|exit|route|highway|interstate|"
    r"ward|district|precinct|grades?|unit|apt\.|sala|oficina|piso|distrito|grados?|"
    r"salida|ruta|carretera|pages?|pp?\.|footnotes?|p[áa]ginas?|p[áa]g\.)"
    r"\s+\d++[A-Za-z]?(?:\s*(?:[-\u2013]|to|through|and|a|y)\s*\d++[A-Za-z]?)?(?![.,]\d)"
    r"|(?<![\w.,])\d{1,2}(?::[0-5]\d)?"
    r"(?:\s*(?:[-\u2013]|to|a)\s*\d{1,2}(?::[0-5]\d)?)?\s*(?i:a\.\s?m\.|p\.\s?m\.|am\b|pm\b)"
    r"|(?<![\w.,:])(?:[01]?\d|2[0-3]):[0-5]\d(?![\w.,:]?\d)"
)
# A numbered list item's marker at the start of a line: a count to 99 (a one-page list
# is shorter); "2023." opens a list counting from 2023, a year printed on the page.
_LIST_MARKER = re.compile(r"^\s*\d{1,2}[.)](?=\s|$)")
# A numbered section heading, "## 1. Fund the front line": the number counts sections.
_HEADING_NUMBER = re.compile(r"^\s*#{1,6}\s+\d{1,2}[.)](?=\s|$)")
_CHART_FENCE = "```briefgen-chart"


@dataclass(frozen=True)
class Untraced:
    """A number a template wrote whose block cites no fact that gives it; or, with
    ``us_spanish``, one a Spanish template wrote the way Spain does (``26.700``,
    ``12,5``, ``86 %``), which U.S. Spanish writes ``us_spanish`` (``26,700``)."""

    location: Location
    number: str
    us_spanish: str = ""
    # What a U.S. Spanish reader takes a figure with one thousands point for: 5.000 is 5.
    misread: str = ""


class Written(NamedTuple):
    """A figure as a template's text writes it."""

    figure: str
    percentage: bool  # written as a percentage: 99%, 99 percent
    spaced: bool  # its percent sign parted from it by a space: 86 %
    scale: int = 1  # the word after it that multiplies it: 70 thousand, 70 mil


# What makes a figure a percentage: "99%", "99 %", "99 percent", "99 por ciento".
_PERCENT_AFTER = re.compile(r"\s*(?:%|\uff05|(?i:percent|per\s+cent|por\s+ciento)\b)")
# A percent sign parted from its number, as the RAE writes it (86 %), also by a
# no-break or thin space.
_SPACED_PERCENT = re.compile(r"[ \u00a0\u2009\u202f]%")
# A figure written as Spain writes it: thousands points (26.700, 1.234.567,5), or a
# decimal comma (12,5), which U.S. Spanish writes 26,700 and 12.5.
_SPAIN_STYLE = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,(?:\d{1,2}|\d{4,})")
_SWAP = str.maketrans(".,", ",.")
# A word after a figure that multiplies it: "70 thousand" and "70 mil" are 70,000;
# Spanish's "mil millones" is a billion and its "billón" a million millions.
_SCALE_AFTER = re.compile(
    r"\s+(?i:(thousand|million|billion|trillion|mil\s+millones|mil|mill[oó]n(?:es)?|"
    r"bill[oó]n(?:es)?))\b"
)
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12, "mil": 10**3}


def _scale(text: str, end: int) -> int:
    """What the word after the figure ending at ``end`` multiplies it by (1: none)."""
    word = _SCALE_AFTER.match(text, end)
    if word is None:
        return 1
    name = " ".join(word.group(1).lower().split())
    if name == "mil millones":
        return 10**9
    if name.startswith("mill"):
        return 10**6
    return 10**12 if name.startswith("bill") and name[4] in "oó" else _SCALES[name]


def scaled(figure: str, scale: int) -> float:
    """A figure's value times its scale word's, exactly: 26.7 thousand is 26,700."""
    if scale == 1:
        return value_of(figure)
    return float(Decimal(repr(value_of(figure))) * scale)


def figures(text: str) -> list[str]:
    """The figures written in a piece of a template's literal text, as written."""
    return [written.figure for written in written_figures(text)]


def written_figures(text: str) -> list[Written]:
    """The figures written in a piece of a template's literal text, as written, each
    with whether it is written as a percentage (``99%``, ``99 percent``)."""
    # A character written by its name or number prints as that character: &#8212; is a
    # dash, and &#52;&#49; is "41".
    text = _ADDRESSES.sub(" ", html.unescape(text))
    text = _NAMED.sub(" ", _CITED_LAW.sub(" ", _DIALLED.sub(" ", text)))
    text = _HEADING_NUMBER.sub("", _LIST_MARKER.sub("", text))
    if text.lstrip().startswith(":::"):  # '::: optional 2' names a group and a priority
        return []
    return [
        Written(
            match.group(0),
            _PERCENT_AFTER.match(text, match.end()) is not None,
            _SPACED_PERCENT.match(text, match.end()) is not None,
            _scale(text, match.end()),
        )
        for match in NUMBER.finditer(text)
    ]


def us_spanish(written: Written) -> tuple[str, float, str] | None:
    """For a figure written the way Spain does (``26.700``, ``12,5``, ``86 %``): how
    U.S. Spanish writes it (``26,700``, ``12.5``, ``86%``), its value as Spain reads
    it, and what a U.S. Spanish reader takes a figure of one thousands point for
    (``5.000`` → ``5``, else ""); None for one written as U.S. Spanish writes it."""
    figure = written.figure
    spain = _SPAIN_STYLE.fullmatch(figure) is not None
    if not (spain or written.spaced):
        return None
    # Spain's points and commas swapped: every digit kept (86,0 is 86.0).
    us = figure.translate(_SWAP) if spain else figure
    one_point = spain and figure.count(".") == 1 and "," not in figure
    misread = format_number(float(figure), "es-US") if one_point else ""
    return us + ("%" if written.spaced else ""), float(us.replace(",", "")), misread


def value_of(figure: str) -> float:
    """A written figure's value: ``26,700`` → 26700; written with thousands points,
    as Spain writes it, ``1.234.567,5`` → 1234567.5."""
    if figure.count(".") > 1:
        return float(figure.replace(".", "").replace(",", "."))
    return float(figure.replace(",", ""))


def _period_years(period: Period) -> set[float]:
    return {float(year) for year in range(period.start.year, period.end.year + 1)}


@dataclass(frozen=True)
class Backing:
    """The numbers a fact gives: ``stated`` (its value and range, the numbers in its
    words, the years it and its sources cover) and, for a percentage, ``counts`` (its
    "8 in 10" form and the 100 it is out of), which back a count but not a figure
    written as a percentage: 98.9% gives "about 99 in 100", never "99%"."""

    stated: frozenset[float]
    counts: frozenset[float]


def backing(fact: Fact, store: FactStore) -> Backing:
    """Every number ``fact`` gives (:class:`Backing`)."""
    return _backing(fact, store.source_of(fact), store.original_source_of(fact))


# Every copy of a batch checks its figures against the same few facts, each ~30 µs to
# look through: found once per fact and sources, which are frozen, so equal ones give
# equal numbers.
@lru_cache(maxsize=256)
def _backing(fact: Fact, source: Source, original: Source | None) -> Backing:
    words = [fact.text, fact.short or "", fact.number(), fact.as_of.label]
    if fact.es is not None:
        words += [fact.es.text, fact.es.short or ""]
    found = {value_of(n) for text in words for n in NUMBER.findall(text)}
    # "over 70 thousand", "70 mil": the figure and its multiple.
    found |= {
        scaled(m.group(0), _scale(text, m.end())) for text in words for m in NUMBER.finditer(text)
    }
    found |= _period_years(fact.as_of)
    for reporting in (source, original):
        if reporting is not None and reporting.issued is not None:
            found |= _period_years(reporting.issued)
    counts: set[float] = set()
    for value in (fact.value, fact.value_max):
        if value is None:
            continue
        found.add(float(value))
        found |= {value_of(n) for n in NUMBER.findall(format_number(value))}
        if (fact.unit or "").lower() == "percent":
            counts |= {value_of(n) for n in NUMBER.findall(one_in(value))} | {100.0}
    return Backing(frozenset(found), frozenset(counts - found))


_Written = tuple[tuple[int, str, tuple[Written, ...], bool], ...]


def _written(path: str) -> _Written:
    """Each (line, text, its figures and whether each is written as a percentage,
    whether it is a number literal) of literal text,
    quoted strings and number literals that write a figure, in the template at
    ``path``, as Jinja's lexer sees it."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ()
    return _written_in(path, text)


@lru_cache(maxsize=16)
def _written_in(path: str, text: str) -> _Written:
    # Keyed by the file's text: a batch checks every copy against the same few
    # templates, and lexing one takes longer than the rest of the check.
    source = split_front_matter(text, Path(path))[1]
    try:
        tokens = list(template_lexer().tokenize(source, filename=path))
    except TemplateSyntaxError:  # a template that does not lex did not render either
        return ()
    pieces: list[tuple[int, str, bool]] = []
    for token in tokens:
        if token.type == TOKEN_DATA:
            for offset, piece in enumerate(token.value.split("\n")):
                pieces.append((token.lineno + offset, piece, False))
        elif token.type == TOKEN_STRING and isinstance(token.value, str):
            # An id or a topic ("seizures-up-480-percent") writes no figure: its digits
            # are part of a name. "5-20" is no name.
            pieces.append((token.lineno, token.value, False))
        elif token.type in (TOKEN_INTEGER, TOKEN_FLOAT):
            # {{ 999 }}, figure=99000: a number the template gives, printed as Python
            # writes it, or used (range(10)) and printed nowhere.
            pieces.append((token.lineno, str(token.value), True))
    return tuple(
        (line, piece, written, whole)
        for line, piece, whole in pieces
        if (written := tuple(written_figures(piece)))
    )


def blocks_of(rendered: Rendered) -> list[tuple[int, int]]:
    """The Markdown blocks of the output as [start, end) line ranges: runs of lines
    between blank lines, a list item each, a callout or fenced chart each."""
    ranges: list[tuple[int, int]] = []
    start: int | None = None
    fenced = False
    for index, line in enumerate(rendered.text.split("\n")):
        stripped = line.strip()
        begins = (
            stripped.startswith(("```", "!!! callout", "- ", "* ", "+ "))
            or _LIST_MARKER.match(line) is not None
        )
        if fenced:
            fenced = stripped != "```"
            continue
        if not stripped or (begins and start is not None):
            if start is not None:
                ranges.append((start, index))
            start = None
        if stripped:
            start = index if start is None else start
            fenced = stripped.startswith("```")
    if start is not None:
        ranges.append((start, len(rendered.lines)))
    return ranges


def cited_in(lines: list[str]) -> set[str]:
    """The facts a block cites: its ``[@id]`` markers and its chart's facts."""
    found = {match.group(1) for line in lines for match in CITATION.finditer(line)}
    if lines and lines[0].strip() == _CHART_FENCE:
        try:
            spec = json.loads("\n".join(lines[1:-1]))
            found |= {str(fact_id) for fact_id in spec.get("facts", [])}
        except (ValueError, AttributeError):
            pass
    return found


def untraced_numbers(rendered: Rendered, store: FactStore, date: dt.date) -> list[Untraced]:
    """Numbers the template wrote itself that no fact cited in their block gives;
    the brief's own year (``date``) needs no fact."""
    output = rendered.text.split("\n")
    # The output lines of each template line, by its path and line: a tuple of two
    # is hashed in C, a Location by its dataclass's Python (a hundred lines a copy).
    where: dict[tuple[str, int], dict[int, None]] = {}
    for index, location in enumerate(rendered.lines):
        where.setdefault((location.path, location.line), {})[index] = None
    # A line Jinja joined to the one before it (after a tag or comment at that line's
    # end) prints inside that line's output, where the renderer marked its start.
    for index, starts in rendered.later.items():
        for _, location in starts:
            where.setdefault((location.path, location.line), {})[index] = None
    block_at: dict[int, tuple[int, int]] = {}
    for block in blocks_of(rendered):
        for index in range(*block):
            block_at[index] = block
    backed: dict[tuple[int, int], tuple[set[float], set[float]]] = {}
    # What each template line printed, read once however many pieces it holds.
    seen: dict[tuple[str, int], tuple[list[int], str, frozenset[float]]] = {}
    found: list[Untraced] = []
    spanish = language_code(rendered.audience.language) == "es"
    for path in dict.fromkeys(location.path for location in rendered.lines):
        for line, _text, written, literal in _written(path):
            location = Location(path, line)
            if (path, line) not in seen:
                indexes = [i for i in where.get((path, line), ()) if i in block_at]
                printed = " ".join(output[i].replace("\\", "") for i in indexes)
                seen[path, line] = (indexes, *_as_printed(printed))
            indexes, as_read, shown = seen[path, line]
            for figure, percentage, spaced, scale in written:
                if (value_of(figure) not in shown) if literal else (figure not in as_read):
                    continue  # not printed in this render (a branch not taken)
                value = scaled(figure, scale)
                spain = us_spanish(Written(figure, percentage, spaced)) if spanish else None
                if spain is not None:
                    # Beside briefgen's own 26,700 and 86%, and read by a U.S. Spanish
                    # reader: 26.700 as 26.7. Checked against the facts as Spain reads it.
                    written_as, value, misread = spain
                    value = float(Decimal(repr(value)) * scale)
                    shown_as = figure + (" %" if spaced else "")
                    found.append(Untraced(location, shown_as, written_as, misread))
                allowed = {float(date.year)}
                for block in {block_at[i] for i in indexes}:
                    if block not in backed:
                        ids = cited_in(output[block[0] : block[1]])
                        given = [backing(store.get(f), store) for f in ids if f in store]
                        backed[block] = (
                            set().union(*(b.stated for b in given)),
                            set().union(*(b.counts for b in given)),
                        )
                    stated, counts = backed[block]
                    allowed |= stated if percentage else stated | counts
                if value not in allowed:
                    found.append(Untraced(location, figure))
    return found


def _read_as_printed(printed: str) -> tuple[str, frozenset[float]]:
    """A template line's output as a reader reads it, and the values of the figures
    it shows. Digits written by number (&#52;&#56;&#48;) print as digits: the figure
    the text gives (read unescaped by figures()) is in the line as printed. A number
    literal counts only when its line prints it as a whole figure."""
    return html.unescape(printed), frozenset(value_of(f) for f in figures(printed))


_as_printed = KeptByText(_read_as_printed)


@dataclass(frozen=True)
class Uncited:
    """A fact whose words or number a page prints without citing the fact anywhere:
    its source is not in the page's notes."""

    location: Location  # the block that prints it
    fact_id: str
    printed: str


def uncited_facts(rendered: Rendered, document: Document) -> list[Uncited]:
    """Each fact the template read a printable field of (``Rendered.fact_reads``)
    whose field's text is on ``document``'s page while no block cites the fact, at
    the template line that prints it (else the first block printing it). A field
    read only to decide something (``{% if f.value > 100 %}``) prints nothing and
    says nothing."""
    cited = set(cited_ids(document))
    leaves = [
        (block, block_text(block, citations=False))
        for block in document.walked
        if not children(block)
    ]
    page = "\n".join(text for _, text in leaves)
    # Text a cited fact gives (two facts may both say "480%") is its own.
    explained = {printed for fact_id, printed in rendered.fact_reads if fact_id in cited}
    found: dict[str, Uncited] = {}
    output: _Output | None = None
    for fact_id, printed in rendered.fact_reads:
        # A template that loops over every fact to pick some reads them all: most
        # are not on the page at all, which one search of the page's text says.
        if fact_id in cited or fact_id in found or printed in explained or printed not in page:
            continue
        # As a whole: a number "1" is not the start of "100×".
        whole = re.compile(rf"(?<![\w.,]){re.escape(printed)}(?!\w|[.,]\d)")
        block = next((block for block, text in leaves if whole.search(text)), None)
        if block is not None:
            output = output or _Output(rendered)
            found[fact_id] = Uncited(output.printing(whole, block), fact_id, printed)
    return list(found.values())


class _Output:
    """A rendered template's output as Markdown reads it (:func:`_unescaped_columns`),
    each line's first template location, worked out once for all the facts a page
    prints uncited: once for each, it took (facts x output lines), and a page of 220
    such facts under an optional loop of 40,000 lines, 3 s."""

    def __init__(self, rendered: Rendered) -> None:
        self.rendered = rendered
        self.first: dict[Location, int] = {}
        for index, at in enumerate(rendered.lines):
            self.first.setdefault(at, index)
        pieces: list[str] = []
        # For each character of the text, its output line and its column in that line.
        self.line_of: list[int] = []
        self.column_of: list[int] = []
        self.starts: list[int] = []  # where each output line starts in the text
        for index, line in enumerate(rendered.text.split("\n")):
            self.starts.append(len(self.column_of))
            columns = _unescaped_columns(line)
            pieces.append("".join(line[i] for i in columns) + "\n")
            self.line_of += [index] * (len(columns) + 1)
            self.column_of += [*columns, len(line)]
        self.text = "".join(pieces)

    def printing(self, whole: re.Pattern[str], block: AnyBlock) -> Location:
        """The template line whose output prints ``whole``: a block may begin on
        another (a box whose first line is the recipient's name, from the built-in
        template an override extends). Looked for from the block's first line on: an
        earlier line may print it off the page (an optional block dropped to fit, a
        link's title)."""
        start = self.starts[self.first.get(block.location, 0)]
        for match in whole.finditer(self.text, start):
            line = self.line_of[match.start()]
            if self.line_of[match.end() - 1] == line:  # within one line of the output
                return self.rendered.location(line, self.column_of[match.start()])
        return block.location  # printed across lines of the template's output


def _unescaped_columns(line: str) -> list[int]:
    """The columns of ``line``'s characters as Markdown reads them: the output's
    punctuation is escaped ("determined that\\, to"), each backslash escaping the
    character after it."""
    kept: list[int] = []
    escaping = False
    for column, char in enumerate(line):
        if char == "\\" and not escaping:
            escaping = True
            continue
        escaping = False
        kept.append(column)
    return kept


# A recipient's column that holds a figure and nothing else ("4321", "12.5%", "$1,200").
# Each run taken whole: the spaces before and after a "%" that is not there were split
# every way, and a cell of "1", 130,000 spaces and "x" took 40 s a copy.
_LONE_FIGURE = re.compile(r"\s*+[-+\u2212]?\$?(?P<figure>[\d.,]++)\s*+%?\s*+")


@dataclass(frozen=True)
class RecipientFigure:
    """A figure a recipient's own column (not one of the known columns: name, title,
    office, place) puts on the page: a local number that no fact or source gives."""

    location: Location  # the block that prints it
    column: str


def recipient_figures(rendered: Rendered, document: Document) -> list[RecipientFigure]:
    """Each column of the recipient's own the template read that holds a quantity and
    whose figure is on ``document``'s page, at the first block printing it. A
    quantity: a figure alone, written as one ("12.5%", "$1,200", "4,321") or printed
    as one (4321 through the ``number`` filter, 4,321); a bare whole number printed as
    written is taken for a number that names (District 7, precinct 312), and a name
    with a number in it ("District 9") is no figure."""
    # The page's figures, found only when a column holds one: most rows' columns
    # (a name, an office) hold none, and finding them takes most of a batch copy's
    # warnings.
    leaves: list[tuple[AnyBlock, list[str]]] | None = None
    found: dict[str, RecipientFigure] = {}
    for column, text in rendered.recipient_reads:
        alone = _LONE_FIGURE.fullmatch(text)
        if column in found or alone is None or not (written := figures(alone["figure"])):
            continue
        if leaves is None:
            leaves = [
                (block, figures(block_text(block, citations=False)))
                for block in document.walked
                if not children(block)
            ]
        value, bare = value_of(written[0]), text.strip().isdigit()
        for block, shown in leaves:
            # A bare number printed as written may name; formatted, or written as a
            # quantity, it counts.
            if any(value_of(f) == value and not (bare and f == text.strip()) for f in shown):
                found[column] = RecipientFigure(block.location, column)
                break
    return list(found.values())
