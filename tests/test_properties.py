"""Property tests: whatever goes into a fact or a template, a build either makes a
one-page PDF and a DOCX that give the text back exactly, or refuses -- and a refusal
passes only when an oracle that shares no code with briefgen says the input truly
cannot be printed (``printable.py``: the bundled fonts' character maps read with
fontTools, Unicode's character database, and the documented limits of a fact).

Each example runs the real pipeline in process (``briefgen.pipeline.build``: facts
file on disk -> loader -> template -> blocks -> fit -> PDF + DOCX written), in one
workspace shared by the examples of a module. No generator leaves out punctuation,
control characters or anything else likely to break a build. The number of examples
comes from the hypothesis profile in ``conftest.py`` (100, on CI as locally).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
import re
import string
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from office import pdf_pages_and_fonts
from printable import (
    WHITE_SPACE,
    composed,
    em_width,
    first_unprintable,
    in_fallback_only,
    invisible,
    trimmed,
)
from pypdf import PdfReader
from pypdf._utils import is_char_rtl
from readback import footer_paragraphs, pdf_pattern, reads_as, squeeze, unbroken

from briefgen.errors import BriefgenError
from briefgen.facts.formatting import format_number, one_in
from briefgen.pipeline import BuildOptions, build
from briefgen.renderers import NOTE_SEPARATOR

SOURCES = "sources:\n  - id: city-report\n    type: report\n    title: City report\n"
FACT_ID = "case-fact"
PROPERTY = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
MAX_TEXT = 1200  # a fact's text, at most (docs/facts.md)
MAX_DIGITS = 19  # a value, at most: 10**18 (docs/facts.md: "more than 18 digits")
# Text this wide (in ems, at the widest) might not fit one page even at the smallest
# type, so "does not fit" is a fair refusal; below it a refusal is a bug.
MAY_NOT_FIT = 1000.0
# The same for a number's figures (the range's two), which NUMBER_TEMPLATE prints four
# times, once in a narrow card at twice the body size.
MAY_NOT_FIT_FIGURES = 200.0
# A callout's figure at the smallest type (15 pt) in the main column (324 pt): about
# 21 ems of digits fit; a number narrower than this is never refused as too wide.
FIGURE_LINE_EMS = 18.0


@dataclass(frozen=True)
class Built:
    """A successful build's two files, read back: the PDF's text and the DOCX's
    paragraphs."""

    pages: int
    pdf: str
    paragraphs: list[str]


@dataclass(frozen=True)
class Refused:
    """briefgen's own error: its one-line message."""

    message: str


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("properties")
    (ws / "facts").mkdir()
    (ws / "templates").mkdir()
    (ws / "facts" / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    return ws


def a_fact(**fields: Any) -> dict[str, Any]:
    fact = {
        "id": FACT_ID,
        "kind": "finding",
        "text": "Overdoses rose.",
        "as_of": 2023,
        "source": "city-report",
    }
    fact.update(fields)
    return fact


class _Dumper(yaml.SafeDumper):
    """PyYAML writes YAML 1.1, and leaves ``0008`` plain (no 1.1 number); briefgen
    reads YAML 1.2, where that is the integer 8. Strings that 1.2 reads as numbers are
    quoted, so the file holds what the test means."""


YAML12_NUMBER = re.compile(
    r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)"
    r"(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "'" if YAML12_NUMBER.fullmatch(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def as_yaml(fact: dict[str, Any]) -> str:
    return yaml.dump({"facts": [fact]}, Dumper=_Dumper, allow_unicode=True, sort_keys=False)


def as_read(text: str) -> str:
    """``text`` as a YAML reader gets it back from the file we write: YAML folds a raw
    U+0085 to a space, for one."""
    return str(yaml.safe_load(as_yaml(a_fact(text=text)))["facts"][0]["text"])


def attempt(ws: Path, fact: dict[str, Any] | str, template: str) -> Built | Refused:
    """Build the 'trial' brief from ``fact`` (a dict, or a facts file's YAML) and
    ``template``."""
    text = fact if isinstance(fact, str) else as_yaml(fact)
    (ws / "facts" / "case.yaml").write_text(text, encoding="utf-8")
    (ws / "templates" / "trial.md.j2").write_text(template, encoding="utf-8")
    options = BuildOptions(workspace=ws, facts=ws / "facts", out=ws / "out", audiences=("trial",))
    try:
        build(options)
    except BriefgenError as exc:
        assert exc.exit_code == 1
        message = exc.format_message().strip()
        assert message and all(line.strip() for line in message.splitlines()), repr(message)
        note(f"refused: {type(exc).__name__}")
        return Refused(message)
    note("built")
    reader = PdfReader(io.BytesIO((ws / "out" / "trial.pdf").read_bytes()))
    word = docx.Document(str(ws / "out" / "trial.docx"))
    # The body's paragraphs, then the footer's with text (the notes, beside the QR
    # column when there is one), in reading order.
    paragraphs = [p.text for p in word.paragraphs]
    paragraphs += [p.text for p in footer_paragraphs(word) if p.text]
    built = Built(len(reader.pages), reader.pages[0].extract_text(), paragraphs)
    assert built.pages == 1
    return built


def curled(text: str) -> str:
    """``text`` with each apostrophe between two letters (a letter: alphanumeric and
    not a decimal digit) curled, as a brief prints a fact's words."""
    out = list(text)
    for index in range(1, len(text) - 1):
        before, after = text[index - 1], text[index + 1]
        if text[index] == "'" and all(c.isalnum() and not c.isdecimal() for c in (before, after)):
            out[index] = "\u2019"
    return "".join(out)


def cited(text: str, label: str = "1") -> str:
    """``text`` followed by its note number as the brief prints it: kept apart from a
    digit by the renderers' no-break space (FY 2023 3, not 20233)."""
    return text + (NOTE_SEPARATOR if text[-1:].isdigit() else "") + label


def note(what: str) -> None:
    """Count an outcome in hypothesis's statistics (only inside a hypothesis test)."""
    with contextlib.suppress(InvalidArgument):
        event(what)


def must_build(outcome: Built | Refused, why: str) -> Built:
    assert isinstance(outcome, Built), f"refused printable input ({why}): {outcome}"
    return outcome


def in_pdf(expected: str, pdf: str, times: int = 1) -> bool:
    """``expected`` at least ``times`` times in the PDF's text, format characters
    (which print nothing) left out of both, and so are the characters of the blocks
    pypdf takes for right-to-left scripts (Hebrew to N'Ko, U+0590-U+08FF, ...): it
    reverses their runs as it extracts them, also neutral ones briefgen prints left to
    right (N'Ko punctuation, U+07F8 U+07F9); the DOCX's text is compared whole."""
    drop = "".join(c for c in set(expected + pdf) if invisible(c) or is_char_rtl(c))
    table = str.maketrans("", "", drop)
    pattern = pdf_pattern(squeeze(expected.translate(table)))
    return len(re.findall(pattern, pdf.translate(table))) >= times


def built_unless_rightly_refused(
    outcome: Built | Refused, text: str, culprit: str | None, *, in_template: bool, why: str
) -> Built | None:
    """The build's files, or None when the refusal was right: ``text`` holds the
    oracle's ``culprit`` and the message names it, or the text is too wide to fit."""
    if culprit:
        assert isinstance(outcome, Refused), f"printed {culprit}: {outcome}"
        assert names_a_culprit(outcome.message, text, in_template=in_template), outcome.message
        return None
    if isinstance(outcome, Refused) and "does not fit one page" in outcome.message:
        assert em_width(text) > MAY_NOT_FIT, outcome.message
        return None
    return must_build(outcome, why)


def names_a_culprit(message: str, text: str, *, in_template: bool) -> bool:
    """Whether the refusal names a character of ``text`` the oracle calls unprintable."""
    for code in re.findall(r"U\+([0-9A-F]{4,6})", message):
        char = chr(int(code, 16))
        if char in text and first_unprintable(char, in_template=in_template):
            return True
    return False


# --- (a) any text as a fact's text ----------------------------------------------------

TEXT_TEMPLATE = """\
# Trial

{{ fact("case-fact").text }} {{ cite("case-fact") }}

- {{ fact("case-fact").text }}
"""
texts = st.one_of(
    st.text(),
    st.text(max_size=MAX_TEXT + 50),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x24F), min_size=1),
    st.text(
        st.sampled_from(string.punctuation + string.whitespace + "abc1\x00\x1f\x85"), min_size=1
    ),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Po"])),
)


def check_fact_text(ws: Path, text: str) -> None:
    outcome = attempt(ws, a_fact(text=text), TEXT_TEMPLATE)
    text = composed(as_read(text))
    stripped = trimmed(text)
    if not stripped or len(stripped) > MAX_TEXT:
        assert isinstance(outcome, Refused), f"built a text of {len(stripped)} characters"
        return
    # Leading and trailing whitespace (U+0085 among it) is trimmed, as in any fact field.
    culprit = first_unprintable(stripped, in_template=False)
    built = built_unless_rightly_refused(outcome, text, culprit, in_template=False, why="fact text")
    if built is None:
        return
    # A no-break hyphen is the fonts' hyphen in the PDF, and python-docx reads Word's
    # <w:noBreakHyphen/> back as one.
    shown = squeeze(curled(text)).replace("\u2011", "-")
    # The paragraph (with its note number) and the list item, exactly (a word too
    # wide for its line broken into lines: renderers/breaks.py).
    paragraph, item = built.paragraphs[1:3]
    assert reads_as(cited(shown), paragraph) and reads_as(shown, item), built
    assert in_pdf(shown, built.pdf, times=2), (text, built.pdf)


@PROPERTY
@given(text=texts)
@example(text="<b>bold</b> & **not bold** [@not-a-cite] {{ x }} {% if %} {# c #}")
@example(text="# not a heading")
@example(text="Zoe\u0308 e\u0301")
@example(text="q\u0303 Zoe\u0308")  # a tilde no letter q takes: refused
@example(text="Before\u2028after\u2029end")  # line separators in a fact: spaces
@example(text="Soft\u00adhyphen and zero\u200bwidth")  # a zero-width space: refused
@example(text="Soft\u00adhyphen, joined\u2060word, \ufeffmark and no-break\u00a0space")
@example(text="See https://example.org/" + "data/" * 40 + " first")  # broken into lines
@example(text="Tucson's chief, 'quoted', it's 1'2 and \u00e9'\u00e9")  # apostrophes curled
@example(text="\u2011")  # a no-break hyphen alone, found by Hypothesis
def test_any_fact_text_is_kept_or_refused(workspace: Path, text: str) -> None:
    check_fact_text(workspace, text)


# U+2200 FOR ALL and U+2713 CHECK MARK: DejaVu Sans draws them, Liberation Sans does not.
FALLBACK_CHARS = ["\u2200", "\u2713"]


@pytest.mark.parametrize("char", FALLBACK_CHARS)
def test_fallback_font_prints_what_liberation_lacks(workspace: Path, char: str) -> None:
    assert in_fallback_only(char), "pick a character only the fallback font draws"
    text = f"Every {char} counts."
    built = must_build(attempt(workspace, a_fact(text=text), TEXT_TEMPLATE), "fallback")
    assert built.paragraphs[1:3] == [cited(text), text]
    assert in_pdf(text, built.pdf, times=2)
    _, fonts = pdf_pages_and_fonts(workspace / "out" / "trial.pdf")
    assert "DejaVuSans" in fonts, fonts
    # The DOCX names the fallback for that character alone, as the PDF draws it, not
    # leaving Word to pick a font of its own, of other shapes and widths.
    runs = [
        (run.text, run.font.name)
        for paragraph in docx.Document(str(workspace / "out" / "trial.docx")).paragraphs
        for run in paragraph.runs
        if char in paragraph.text and run.text.strip()
    ]
    assert ("Every ", None) in runs and (char, "DejaVu Sans") in runs, runs
    assert all(name is None for text, name in runs if char not in text), runs


# One of each class: C0 (a unit separator, a form feed), DEL, C1 (NEL), and U+2028.
CONTROLS = ["\x1f", "\x0c", "\x7f", "\x85"]


@pytest.mark.parametrize("char", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_control_characters_in_a_fact_are_refused(workspace: Path, char: str) -> None:
    # Written as a YAML escape: a raw U+0085 is a line break to YAML, read as a space.
    facts = (
        f"facts:\n  - id: {FACT_ID}\n    kind: finding\n"
        f'    text: "Before\\x{ord(char):02x}after."\n'
        "    as_of: 2023\n    source: city-report\n"
    )
    outcome = attempt(workspace, facts, TEXT_TEMPLATE)
    assert isinstance(outcome, Refused), outcome
    assert f"U+{ord(char):04X}" in outcome.message, outcome.message


@pytest.mark.parametrize("char", [*CONTROLS, "\u2028"], ids=lambda c: f"U+{ord(c):04X}")
def test_control_characters_in_a_template_are_refused(workspace: Path, char: str) -> None:
    template = f"# Trial\n\nBefore{char}after.\n"
    outcome = attempt(workspace, a_fact(), template)
    assert isinstance(outcome, Refused), outcome
    assert f"U+{ord(char):04X}" in outcome.message, outcome.message


@pytest.mark.parametrize("line", ["\x0c", "\xa0"], ids=["U+000C", "U+00A0"])
def test_a_line_of_only_white_space_prints_nowhere(workspace: Path, line: str) -> None:
    # Once an empty paragraph in the DOCX, nothing in the PDF, unmeasured by the fitter.
    template = f'# Trial\n\nBefore.\n\n{line}\n\nAfter. {{{{ cite("{FACT_ID}") }}}}\n'
    built = must_build(attempt(workspace, a_fact(), template), "a blank line")
    assert built.paragraphs[:3] == ["Trial", "Before.", "After.1"], built.paragraphs
    assert "" not in built.paragraphs, built.paragraphs
    assert in_pdf("Trial Before. After.1", built.pdf), built.pdf


# --- (b) any number as a statistic's value -------------------------------------------

# `* 1`: one_in of a number the template works out, whatever the fact's unit (of the
# value itself, one_in refuses any unit but percent).
NUMBER_TEMPLATE = """\
# Numbers

{{ callout("case-fact") }}

{{ fact("case-fact").number }} {{ cite("case-fact") }}

{{ fact("case-fact").value | number }} or {{ (fact("case-fact").value * 1) | one_in }}
"""
numbers = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(),
    st.sampled_from(
        [0, -0.0, 0.02, 2.5, 1e-7, 5e-324, 2**53 + 1, 1e15, 1e16, 1e300, 10**400, math.nan]
    ),
)
units = st.sampled_from(["percent", "people", "USD", "usd per pill", "times", "pounds"])


def too_big(value: float) -> bool:
    return abs(value) > 10 ** (MAX_DIGITS - 1)


def too_small(value: float) -> bool:
    """More than 18 digits after the point, as the page would print it."""
    exponent = Decimal(format(value, ".15g")).normalize().as_tuple().exponent
    return bool(value) and isinstance(exponent, int) and -exponent > MAX_DIGITS - 1


def read_number(printed: str) -> Decimal:
    """A number as the page shows it: digits with thousands commas."""
    assert re.fullmatch(r"-?\d{1,3}(,\d{3})*(\.\d+)?", printed), printed
    return Decimal(printed.replace(",", ""))


def means(printed: str, value: float) -> bool:
    """Whether ``printed`` stands for ``value``: every digit of an integer, a
    fraction to six significant digits, and never 0 for a number that is not."""
    shown = read_number(printed)
    if isinstance(value, int) or (value == int(value) and abs(value) < 2**53):
        return shown == Decimal(int(value))
    exact = Decimal(value)
    return shown != 0 and abs(shown - exact) <= abs(exact) * Decimal("5e-7")


SINGULAR_UNITS = {"people": "person", "times": "time", "pounds": "pound"}


def with_unit(low: str, high: str | None, unit: str) -> str:
    """How docs/facts.md writes a number with its unit: 86%, 26,700 pounds, $5–$20 per
    pill, 3 times; a negative amount -$5, its minus before the dollar sign."""
    lowered = unit.lower()
    # A range whose top is negative is joined by a word: -$20 to -$5, not -$20–-$5.
    dash = " to " if high and high.startswith("-") else "\u2013"
    if lowered.startswith("usd"):

        def dollars(n: str) -> str:
            return f"-${n[1:]}" if n.startswith("-") else f"${n}"

        figure = dollars(low) + (f"{dash}{dollars(high)}" if high else "")
        return figure + unit[3:]
    if lowered == "percent" and dash == " to ":
        low += "%"
    figure = low + (f"{dash}{high}" if high else "")
    if figure == "1":  # docs/facts.md: a unit of a common plural reads singular after 1
        unit = SINGULAR_UNITS.get(unit, unit)
    return f"{figure}%" if lowered == "percent" else f"{figure} {unit}"


def check_number(ws: Path, value: float, value_max: float | None, unit: str) -> None:
    fact = a_fact(kind="statistic", value=value, unit=unit)
    if value_max is not None:
        fact["value_max"] = value_max
    outcome = attempt(ws, fact, NUMBER_TEMPLATE)
    bounds = [v for v in (value, value_max) if v is not None]
    if any(too_big(v) or not math.isfinite(v) or too_small(v) for v in bounds) or (
        value_max is not None and value_max <= value
    ):
        assert isinstance(outcome, Refused), f"printed {value!r}, {value_max!r}: {outcome}"
        return
    if isinstance(outcome, Refused) and "does not fit one page" in outcome.message:
        # Every digit is printed (5e-324 is 330 characters), in a key-number card at
        # twice the body size a third of the page wide, and three times more: a range of
        # such numbers may fill the page.
        digits = "".join(f"{Decimal(v):f}" for v in bounds)
        assert em_width(digits) > MAY_NOT_FIT_FIGURES, outcome.message
        return
    if isinstance(outcome, Refused) and "would break inside its number" in outcome.message:
        # The callout's figure, wider than its column even at the smallest type (at
        # least FIGURE_LINE_EMS of digits), is refused rather than cut inside the number.
        widest = max(em_width(f"{Decimal(v):,f}") for v in bounds)
        assert widest > FIGURE_LINE_EMS, outcome.message
        return
    built = must_build(outcome, f"value {value!r}, value_max {value_max!r}")
    # A number wider than its line is broken into lines that fit (renderers/breaks.py).
    number_line = squeeze(unbroken(built.paragraphs[-1 - next_notes(built)]))
    printed = number_line.split(" or ", 1)[0]
    assert means(printed, value), (value, printed)
    stated = squeeze(unbroken(built.paragraphs[3]))
    assert stated.endswith("1"), stated  # the note number
    figures = re.findall(r"-?\d[\d,]*(?:\.\d+)?", stated[:-1].replace("$", ""))
    assert len(figures) == (1 if value_max is None else 2), stated
    assert means(figures[0], value), (value, stated)
    if value_max is not None:
        assert means(figures[1], value_max), (value_max, stated)
    high = figures[1] if value_max is not None else None
    assert stated == squeeze(cited(with_unit(figures[0], high, unit))), (stated, unit)
    for paragraph in (stated, number_line):
        assert in_pdf(paragraph, built.pdf), (paragraph, built.pdf)


def next_notes(built: Built) -> int:
    """How many paragraphs the notes take at the end (heading and entries)."""
    return len(built.paragraphs) - built.paragraphs.index("Sources")


@PROPERTY
@given(value=numbers, value_max=st.one_of(st.none(), numbers), unit=units)
@example(value=math.inf, value_max=None, unit="percent")
@example(value=1e300, value_max=None, unit="people")
@example(value=10**18, value_max=None, unit="people")
@example(value=10**18 + 1, value_max=None, unit="people")
@example(value=5e-324, value_max=None, unit="percent")
@example(value=-9999999999999996.0, value_max=5.960464477539063e-08, unit="percent")
@example(value=1.0, value_max=None, unit="people")
@example(value=-5, value_max=20, unit="usd per pill")
@example(value=-20, value_max=-5, unit="usd per pill")
@example(value=-20, value_max=-5, unit="percent")
def test_any_number_is_printed_or_refused(
    workspace: Path, value: float, value_max: float | None, unit: str
) -> None:
    check_number(workspace, value, value_max, unit)


@pytest.mark.parametrize(
    ("value", "unit", "shown", "one_in"),
    [
        (2.5, "percent", "2.5%", "1 in 40"),
        (0.02, "percent", "0.02%", "1 in 5,000"),
        (26700.5, "pounds", "26,700.5 pounds", "26,700.5%"),
        # Money to the cent; the number filter prints the number as written.
        (0.5, "usd per pill", "$0.50 per pill", "1 in 200"),
    ],
)
def test_fractional_numbers_print_as_written(
    workspace: Path, value: float, unit: str, shown: str, one_in: str
) -> None:
    fact = a_fact(kind="statistic", value=value, unit=unit)
    built = must_build(attempt(workspace, fact, NUMBER_TEMPLATE), "a fraction")
    assert squeeze(built.paragraphs[3]) == squeeze(cited(shown))
    assert built.paragraphs[-1 - next_notes(built)] == f"{format_number(value)} or {one_in}"
    assert in_pdf(shown, built.pdf) and in_pdf(one_in, built.pdf), built.pdf


def test_number_filter_keeps_every_digit(workspace: Path) -> None:
    fact = a_fact(kind="statistic", value=2**53 + 1, unit="people")
    built = must_build(attempt(workspace, fact, NUMBER_TEMPLATE), "a 16-digit integer")
    assert built.paragraphs[-1 - next_notes(built)].startswith("9,007,199,254,740,993 or ")


def test_one_in_takes_the_smallest_percentage(workspace: Path) -> None:
    # The smallest share a fact may hold: 18 digits after the point.
    fact = a_fact(kind="statistic", value=1e-18, unit="percent")
    built = must_build(attempt(workspace, fact, NUMBER_TEMPLATE), "the smallest share")
    line = squeeze(unbroken(built.paragraphs[-1 - next_notes(built)]))
    assert line == "0.000000000000000001 or 1 in 100,000,000,000,000,000,000"
    # A template's arithmetic reaches the smallest float:
    # 100 / 4.94065645841247e-324 = 2.02402253307311e325, past a float's range.
    count = "20,240,225,330,731,1" + "00,000" + ",000" * 102
    assert one_in(5e-324) == f"1 in {count}"


# --- (c) any date or string as as_of -------------------------------------------------

AS_OF_TEMPLATE = """\
# Dates

As of {{ fact("case-fact").as_of }}: {{ fact("case-fact").text }} {{ cite("case-fact") }}
"""
MONTHS = [dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)]
TERM = re.compile(r"(?:(\d{4})-(\d{2})-(\d{2})|(\d{4})-(\d{2})|(\d{4})|FY(\d{4}))")


def period(value: Any, today: dt.date) -> tuple[str, dt.date] | None:
    """The label docs/facts.md gives an as_of value, and its first day; None when it
    is not a date, month, year, fiscal year or range of those, or not yet begun."""
    if isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        label, start = f"{MONTHS[value.month - 1]} {value.day}, {value.year}", value
        return (label, start) if start <= today else None
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return None
    parts = value.strip().split("/")
    if len(parts) > 2:
        return None
    labels, spans = [], []
    for part in parts:
        match = TERM.fullmatch(part.strip())
        if not match:
            return None
        y, m, d, my, mm, year, fy = match.groups()
        try:
            if y:
                first = last = dt.date(int(y), int(m), int(d))
                labels.append(f"{MONTHS[first.month - 1]} {first.day}, {first.year}")
            elif my:
                first = dt.date(int(my), int(mm), 1)
                last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
                last -= dt.timedelta(days=1)
                labels.append(f"{MONTHS[first.month - 1]} {my}")
            elif year:
                first, last = dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
                labels.append(year)
            else:
                first, last = dt.date(int(fy) - 1, 10, 1), dt.date(int(fy), 9, 30)
                labels.append(f"FY {fy}")
        except (ValueError, OverflowError):
            return None
        spans.append((first, last))
    if spans[0][0] > spans[-1][1] or spans[0][0] > today:
        return None
    return "\u2013".join(labels), spans[0][0]


as_ofs = st.one_of(
    st.dates(),
    st.datetimes(),
    st.integers(),
    st.text(),
    st.dates().map(dt.date.isoformat),
    st.from_regex(r"\A(FY)?[0-9]{1,5}(-[0-9]{1,2}){0,2}(/(FY)?[0-9]{1,5}(-[0-9]{1,2}){0,2})?\Z"),
)


@PROPERTY
@given(as_of=as_ofs)
@example(as_of="FY0001")
@example(as_of="0000")
@example(as_of="2023-02-30")
@example(as_of="2017/2021")
@example(as_of="2024-02/FY2025")
@example(as_of=" 2020 ")
@example(as_of="0008")  # plain in PyYAML's output, and the integer 8 in YAML 1.2
@example(as_of="0001-01")  # "January 1", while the year 0001 alone printed "0001"
def test_any_as_of_is_shown_or_refused(workspace: Path, as_of: Any) -> None:
    outcome = attempt(workspace, a_fact(as_of=as_of), AS_OF_TEMPLATE)
    expected = period(as_of, dt.date.today())
    if expected is None:
        assert isinstance(outcome, Refused), f"built as_of {as_of!r}: {outcome}"
        return
    built = must_build(outcome, f"as_of {as_of!r}")
    label, _ = expected
    assert squeeze(built.paragraphs[1]) == f"As of {label}: Overdoses rose.1", built
    assert in_pdf(f"As of {label}:", built.pdf), (label, built.pdf)


# --- (d) any text inside a template --------------------------------------------------


JS_TRIM = WHITE_SPACE.replace("\x85", "") + "\ufeff"


def as_markdown_keeps(text: str) -> str:
    """``text`` as Markdown keeps it: each paragraph (the lines between lines of only
    spaces and tabs) trimmed at its two ends as JavaScript's trim() does (White_Space
    but U+0085, and U+FEFF). A line's ends inside a paragraph are kept: a form feed
    there stays in the text."""
    paragraphs: list[list[str]] = [[]]
    for line in re.split(r"\r\n|\r|\n", text):  # Jinja and Markdown read \r as a newline
        if line.strip(" \t"):
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join("\n".join(lines).strip(JS_TRIM) for lines in paragraphs if lines)


def as_template_text(text: str) -> str:
    """``text`` written so Jinja and Markdown give it no meaning: every ASCII
    punctuation character backslash-escaped (CommonMark), so no two delimiter
    characters ever touch, and no line indented (Markdown would make it code)."""
    escaped = "".join("\\" + c if c in string.punctuation else c for c in text)
    # Jinja and Markdown read \r as a newline too: a line after one is a line.
    return "\n".join(line.lstrip(" \t") for line in re.split(r"\r\n|\r|\n", escaped))


@PROPERTY
@given(text=texts)
@example(text="{% for i in range(10) %}x{% endfor %} {{ 1 }} {# no #}")
@example(text="::: optional 1\nunclosed")
@example(text="!!! callout\n")
@example(text="1. not a list\n- nor this\n> nor a quote\n\n    nor code")
@example(text="line one  \nline two\\\nline three")
@example(text="See https://example.org/" + "data/" * 40 + " first")  # broken into lines
@example(text="\x00")
@example(text="0\x0c\n0")  # a form feed at a line's end, inside a paragraph: refused
@example(text="\x1f")  # a control alone is refused, not left out as white space
@example(text="\u07f8\u07f9")  # N'Ko punctuation: pypdf reads it reversed
@example(text="\r\t:")  # a carriage return, a tab and a colon (hypothesis found it)
def test_any_template_text_is_kept_or_refused(workspace: Path, text: str) -> None:
    # Composed first, as briefgen reads a template: escaping '<' before a U+0338 would
    # keep the two from composing into one character (hostile case 167 types accents
    # apart from their letters).
    text = composed(text)
    template = f"# Trial\n\n{as_template_text(text)}\n\n{{{{ fact('case-fact').text }}}}\n"
    outcome = attempt(workspace, a_fact(), template)
    # A form feed at a paragraph's end prints as nothing, as a space would.
    culprit = first_unprintable(as_markdown_keeps(text), in_template=True)
    built = built_unless_rightly_refused(
        outcome, text, culprit, in_template=True, why="template text"
    )
    if built is None:
        return
    body = built.paragraphs[1 : built.paragraphs.index("Overdoses rose.")]
    assert reads_as(text, " ".join(body)), (text, body)
    if squeeze(text):
        assert in_pdf(squeeze(text), built.pdf), (text, built.pdf)


@given(
    word=st.text(alphabet="ab/-.?&=W", max_size=300),
    limit=st.integers(min_value=0, max_value=40),
)
def test_a_broken_word_is_the_word_in_pieces_that_each_fit(word: str, limit: int) -> None:
    """The footer's breaking (renderers.breaks.broken_word) loses and adds nothing,
    and no piece is wider than the column but a lone character that fits nowhere;
    the search for a piece finds the longest prefix that fits."""
    from briefgen.renderers.breaks import _longest_fitting, broken_word

    def fits(text: str) -> bool:
        return len(text) + text.count("W") <= limit  # a wide letter counts twice

    pieces = broken_word(word, fits)
    assert "".join(pieces) == word
    assert all(fits(piece) or len(piece) == 1 for piece in pieces)
    assert all(piece for piece in pieces) or pieces == [""]
    longest = _longest_fitting(word, fits)
    assert fits(word[:longest]) and (longest == len(word) or not fits(word[: longest + 1]))
