"""Property tests: whatever goes into a fact or a template, a build either makes a
one-page PDF and a DOCX that keep the text, or stops with one of briefgen's own errors.

Each example runs the real pipeline in process (``briefgen.pipeline.build``: facts
file on disk -> loader -> template -> blocks -> fit -> PDF + DOCX written), in one
workspace shared by the examples of a module. Any exception other than a
``BriefgenError`` fails the test. The number of examples comes from the hypothesis
profile in ``conftest.py`` (500 on CI).
"""

from __future__ import annotations

import datetime as dt
import io
import string
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from readback import in_pdf_text, squeeze

from briefgen.errors import BriefgenError
from briefgen.facts.loader import load_store
from briefgen.pipeline import BuildOptions, build

SOURCES = "sources:\n  - id: city-report\n    type: report\n    title: City report\n"
FACT_ID = "case-fact"
PROPERTY = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Categories that print nothing (or nothing a text extractor returns as itself):
# separators, controls, format characters, private use, unassigned, surrogates.
INVISIBLE = {"Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cn", "Cs"}


def visible(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c) not in INVISIBLE and not c.isspace())


class Built:
    """A successful build's two files, read back."""

    def __init__(self, out: Path) -> None:
        reader = PdfReader(io.BytesIO((out / "trial.pdf").read_bytes()))
        self.pages = len(reader.pages)
        self.pdf = reader.pages[0].extract_text()
        paragraphs = docx.Document(str(out / "trial.docx")).paragraphs
        self.docx = squeeze("\n".join(p.text for p in paragraphs))


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


def write_facts(ws: Path, fact: dict[str, Any]) -> None:
    text = yaml.safe_dump({"facts": [fact]}, allow_unicode=True, sort_keys=False)
    (ws / "facts" / "case.yaml").write_text(text, encoding="utf-8")


def attempt(ws: Path, fact: dict[str, Any], template: str) -> Built | None:
    """Build the 'trial' brief; None when briefgen refused with its own error."""
    write_facts(ws, fact)
    (ws / "templates" / "trial.md.j2").write_text(template, encoding="utf-8")
    options = BuildOptions(
        workspace=ws,
        facts=ws / "facts",
        out=ws / "out",
        audiences=("trial",),
        formats=("pdf", "docx"),
    )
    try:
        build(options)
    except BriefgenError as exc:
        assert exc.exit_code == 1
        assert exc.format_message().strip(), "an error with no message"
        event(f"refused: {type(exc).__name__}")
        return None
    event("built")
    built = Built(ws / "out")
    assert built.pages == 1
    return built


# --- (a) any text as a fact's text ----------------------------------------------------

TEXT_TEMPLATE = """\
# Trial

{{ fact("case-fact").text }} {{ cite("case-fact") }}

- {{ fact("case-fact").text }}
"""
ASCII_PUNCTUATION = string.punctuation
texts = st.one_of(
    st.text(),
    st.text(max_size=400),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x24F), min_size=1),
    st.text(st.sampled_from(ASCII_PUNCTUATION + " \n\tabc1"), min_size=1),
)


@PROPERTY
@given(text=texts)
@example(text="<b>bold</b> & **not bold** [@not-a-cite]")
@example(text="# not a heading")
@example(text="Zoe\u0308 e\u0301")
def test_any_fact_text_is_kept_or_refused(workspace: Path, text: str) -> None:
    built = attempt(workspace, a_fact(text=text), TEXT_TEMPLATE)
    if built is None:
        return
    shown = visible(text)
    assert visible(built.pdf).count(shown) >= 2, (text, built.pdf)
    assert squeeze(text) in built.docx, (text, built.docx)


# --- (b) any number as a statistic's value -------------------------------------------

NUMBER_TEMPLATE = """\
# Numbers

{{ callout("case-fact") }}

{{ fact("case-fact").number }} {{ cite("case-fact") }}

{{ fact("case-fact").value | number }} or {{ fact("case-fact").value | one_in }}
"""
numbers = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(),
    st.sampled_from([0, -0.0, 1e-7, 5e-324, 2**53 + 1, 1e15, 1e16, 1e300, 10**400, float("nan")]),
)
units = st.sampled_from(["percent", "people", "USD", "usd per pill", "times", "pounds"])


@PROPERTY
@given(value=numbers, value_max=st.one_of(st.none(), numbers), unit=units)
@example(value=float("inf"), value_max=None, unit="percent")
@example(value=1e300, value_max=None, unit="people")
def test_any_number_is_printed_or_refused(
    workspace: Path, value: float, value_max: float | None, unit: str
) -> None:
    fact = a_fact(kind="statistic", value=value, unit=unit)
    if value_max is not None:
        fact["value_max"] = value_max
    built = attempt(workspace, fact, NUMBER_TEMPLATE)
    if built is None:
        return
    number = load_store(workspace / "facts").get(FACT_ID).number()
    assert in_pdf_text(number, built.pdf), (number, built.pdf)
    assert squeeze(number) in built.docx, (number, built.docx)


def _printed(value: float | int, workspace: Path) -> str | None:
    write_facts(workspace, a_fact(kind="statistic", value=value, unit="people"))
    try:
        store = load_store(workspace / "facts")
    except BriefgenError:
        return None
    return store.get(FACT_ID).number().removesuffix(" people")


@PROPERTY
@given(
    value=st.one_of(
        st.integers(min_value=-(10**400), max_value=10**400),
        st.floats(allow_nan=False, allow_infinity=False),
    )
)
@example(value=2**53 + 1)
@example(value=1e-7)
@example(value=10**400)
def test_numbers_are_printed_as_written(workspace: Path, value: float | int) -> None:
    """A printed number means the value written: the same digits for an integer, the
    same value to six significant digits for a fraction (never a small figure rounded
    to 0) -- or a briefgen error, as for an integer too long for a brief."""
    printed = _printed(value, workspace)
    if printed is None:
        return
    plain = printed.replace(",", "")
    if isinstance(value, int):
        assert plain == str(value), (value, printed)
    else:
        shown, exact = Decimal(plain), Decimal(value)
        assert abs(shown - exact) <= abs(exact) * Decimal("5e-7"), (value, printed)


# --- (c) any date or string as as_of -------------------------------------------------

AS_OF_TEMPLATE = """\
# Dates

As of {{ fact("case-fact").as_of }} ({{ fact("case-fact").year }}): \
{{ fact("case-fact").text }} {{ cite("case-fact") }}
"""
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
def test_any_as_of_is_shown_or_refused(workspace: Path, as_of: Any) -> None:
    built = attempt(workspace, a_fact(as_of=as_of), AS_OF_TEMPLATE)
    if built is None:
        return
    label = load_store(workspace / "facts").get(FACT_ID).as_of.label
    assert in_pdf_text(label, built.pdf), (as_of, label, built.pdf)
    assert squeeze(label) in built.docx, (as_of, label, built.docx)
    if isinstance(as_of, dt.date):
        day = as_of.date() if isinstance(as_of, dt.datetime) else as_of
        assert label == f"{day:%B} {day.day}, {day.year}", (as_of, label)


# --- (d) any text inside a template --------------------------------------------------

# Text neither Jinja nor Markdown gives a meaning: no ASCII punctuation, nothing
# invisible; it must come out as written.
plain_texts = st.text(
    st.characters(
        blacklist_categories=("Cc", "Cf", "Co", "Cn", "Cs"),
        blacklist_characters=ASCII_PUNCTUATION,
    ),
    min_size=1,
)


@PROPERTY
@given(text=st.one_of(st.text(), plain_texts))
@example(text="{% for i in range(10) %}x{% endfor %}")
@example(text="::: optional 1\nunclosed")
@example(text="!!! callout\n")
def test_any_template_text_is_kept_or_refused(workspace: Path, text: str) -> None:
    template = (
        f"# Trial\n\n{text}\n\n{{{{ fact('case-fact').text }}}} {{{{ cite('case-fact') }}}}\n"
    )
    built = attempt(workspace, a_fact(), template)
    if built is None:
        return
    if any(c in ASCII_PUNCTUATION or unicodedata.category(c)[0] == "C" for c in text):
        return  # Jinja or Markdown syntax, or control characters: only "one page" holds
    assert visible(text) in visible(built.pdf), (text, built.pdf)
    assert squeeze(text) in built.docx, (text, built.docx)
