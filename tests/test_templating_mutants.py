"""Edges of the template helpers that mutation testing found unguarded (docs/testing.md).

Each test pins what one helper gives a template, exactly, where the template tests
only checked that a brief was built.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import random
import string
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from jinja2 import DictLoader, Environment, TemplateSyntaxError, nodes, pass_context
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS as JINJA_FILTERS
from jinja2.runtime import BlockReference, LoopContext, Macro, Undefined
from jinja2.utils import Cycler, Namespace, generate_lorem_ipsum
from markupsafe import Markup

from briefgen.errors import Location, TemplateError, display_path
from briefgen.facts import load_store
from briefgen.facts.schema import Fact, Source, Translation
from briefgen.facts.store import FactStore
from briefgen.inputs import clip
from briefgen.model import WORD_PROPERTY_LIMIT
from briefgen.settings import Settings
from briefgen.templating import (
    call_limits,
    environment,
    limits,
    nesting,
    sandbox,
    search,
    undefined,
)
from briefgen.templating.environment import TemplateRenderer
from briefgen.templating.helpers import (
    BLOCK_MARK,
    Helpers,
    MissingTranslation,
    UnknownFact,
    finalize,
    md_escape,
    number_filter,
    one_in_filter,
    suggest_name,
    view_of,
)
from briefgen.templating.limited import CheckedFilters, LimitedCodeGenerator, LimitedSandbox
from briefgen.templating.search import (
    AudienceInfo,
    Folder,
    SearchPath,
    SearchPathLoader,
    _word_property,
    read_front_matter,
    split_front_matter,
)
from briefgen.templating.undefined import OUT_OF_SCOPE
from briefgen.templating.views import (
    NO_RECIPIENT,
    VIEWS,
    AudienceView,
    BuildView,
    ContactView,
    DateView,
    FactsSettingsView,
    OrganizationView,
    SettingsView,
    ViewKind,
    audience_view,
    date_view,
    recipient_view,
    settings_view,
    template_view,
)


def _store() -> FactStore:
    store = FactStore()
    source = Source.model_validate(
        {"id": "paper", "type": "article", "title": "Paper", "publisher": "Daily"}
    )
    store.sources[source.id] = source
    for data in [
        {
            "id": "rate",
            "kind": "statistic",
            "text": "Rates fell by 86% in 2022.",
            "short": "of rates fell",
            "value": 86,
            "value_max": 90,
            "unit": "percent",
            "as_of": "2021/2022",
            "source": "paper",
            "topics": ["costs"],
            "audiences": ["public", "chiefs"],
            "priority": 5,
        },
        {
            "id": "said",
            "kind": "quote",
            "text": "We act.",
            "speaker": "Ann Lee",
            "role": "Chief",
            "organization": "City",
            "as_of": "2023-03-13",
            "source": "paper",
            "topics": ["care"],
            "audiences": ["public"],
        },
        {
            "id": "count",
            "kind": "statistic",
            "text": "Seized.",
            "value": 26700,
            "qualifier": "over",
            "unit": "pounds",
            "as_of": "2020",
            "source": "paper",
        },
        {
            "id": "found",
            "kind": "finding",
            "text": "Care helps.",
            "as_of": "2020",
            "source": "paper",
            "topics": ["care"],
            "audiences": ["chiefs"],
            "priority": 1,
        },
    ]:
        fact = Fact.model_validate(data)
        store.facts[fact.id] = fact
    return store


def test_a_fact_view_carries_every_field_formatted() -> None:
    store = _store()
    rate = view_of(store.get("rate"), store)
    assert (rate.id, rate.kind, rate.text, rate.short) == (
        "rate",
        "statistic",
        "Rates fell by 86% in 2022.",
        "of rates fell",
    )
    assert (rate.value, rate.value_max, rate.unit, rate.number) == (
        86,
        90,
        "percent",
        "86\u201390%",
    )
    assert (rate.as_of, rate.year, rate.source) == ("2021\u20132022", "2022", "Daily")
    assert (rate.topics, rate.audiences, rate.priority) == (("costs",), ("public", "chiefs"), 5)
    said = view_of(store.get("said"), store)
    assert (said.speaker, said.role, said.organization) == ("Ann Lee", "Chief", "City")
    found = view_of(store.get("found"), store)
    assert (found.short, found.unit, found.speaker, found.role, found.organization) == (
        "",
        "",
        "",
        "",
        "",
    )


def test_facts_filters_by_audience_topic_and_kind() -> None:
    helpers = Helpers(_store())
    assert [f.id for f in helpers.facts(audience="chiefs")] == ["rate", "found"]
    assert [f.id for f in helpers.facts(topic="care")] == ["said", "found"]
    assert [f.id for f in helpers.facts(kind="quote")] == ["said"]
    assert [f.id for f in helpers.facts(audience="public", topic="care", kind="quote")] == ["said"]


def test_a_fact_view_is_made_once_per_language_and_a_missing_form_always_stops() -> None:
    """A batch renders the same facts for every copy: each view is made once per fact
    and language and given again; a fact without the language's form is refused each
    time it is asked for, not remembered as an answer."""
    store = _store()
    store.locations["rate"] = Location.of("facts/rates.yaml", 3)
    helpers = Helpers(store)
    rate = helpers.fact("rate")
    assert helpers.fact("rate") is rate
    assert helpers.facts(kind="statistic")[0] is rate
    assert helpers.fact("said") is not rate
    helpers.language = "es-US"
    for _ in range(2):
        with pytest.raises(MissingTranslation):
            helpers.fact("rate")
    helpers.language = "en-US"
    assert helpers.fact("rate") is rate


def test_cite_puts_the_markers_side_by_side() -> None:
    assert Helpers(_store()).cite("rate", "said") == "[@rate][@said]"


def test_a_callout_reads_label_or_short_or_text_after_its_figure() -> None:
    helpers = Helpers(_store())
    assert helpers.callout("rate", label="fell", figure="86") == (
        f"{BLOCK_MARK}!!! callout 86\nfell [@rate]\n!!!\n"
    )
    said = helpers.callout("said", figure="1")
    assert said == f"{BLOCK_MARK}!!! callout 1\nWe act\\. [@said]\n!!!\n"
    with pytest.raises(TemplateError, match=r"^callout: fact 'said' has no number; pass figure=$"):
        helpers.callout("said")


def test_a_pullquote_is_attributed_unless_told_otherwise() -> None:
    helpers = Helpers(_store())
    # Each ends with a blank line, which ends the quote.
    assert helpers.pullquote("said") == (
        f"{BLOCK_MARK}> \u201cWe act\\.\u201d [@said]\n>\n> \u2014 Ann Lee\\, Chief\\, City\n\n"
    )
    assert helpers.pullquote("said", attribution="A reader") == (
        f"{BLOCK_MARK}> \u201cWe act\\.\u201d [@said]\n>\n> \u2014 A reader\n\n"
    )
    unattributed = helpers.pullquote("said", attribution="")
    assert unattributed == f"{BLOCK_MARK}> \u201cWe act\\.\u201d [@said]\n\n"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        # Each printed as Python writes it, or did nothing, or ended in a raw Python error.
        (lambda h: h.callout("rate", label=["a"]), "callout(): label is text, not a list"),
        (lambda h: h.callout("rate", figure={"a": 1}), "callout(): figure is text, not a mapping"),
        (
            lambda h: h.chart("rate", "count", labels="ab"),
            "chart(): labels is a list of texts, one per bar (['2014', '2021']), not the text 'ab'",
        ),
        (lambda h: h.chart("rate", "count", labels=[["a"]]), "chart(): labels is text, not a list"),
        (lambda h: h.chart("rate", "count", caption=True), "chart(): caption is text, not true"),
        (lambda h: h.notes(title=["x"]), "notes(): title is text, not a list"),
        (
            lambda h: h.pullquote("said", attribution=[1]),
            "pullquote(): attribution is text, not a list",
        ),
        (
            lambda h: h.pullquote("rate"),
            "pullquote(): fact 'rate' is a statistic, not a quote; print it as text, or with "
            "callout()",
        ),
        (
            lambda h: h.facts(limit=-1),
            "facts(): limit is how many facts at most, a whole number 0 or more, not -1",
        ),
        (
            lambda h: h.facts(limit="3"),
            "facts(): limit is how many facts at most, a whole number 0 or more, not '3'",
        ),
        (lambda h: h.facts(limit=True), "facts(): limit is how many facts at most"),
        (lambda h: h.facts(audience="publik"), "facts(): no fact has audience 'publik'"),
        (
            lambda h: h.number("1,234"),
            "the number filter takes a number, such as a fact's .value or text such as "
            "'1000' or '12.5', not the text '1,234'",
        ),
        (lambda h: h.number(None), "the number filter takes a number"),
        (lambda h: h.one_in([1]), "the one_in filter takes a number"),
        # 1.000 is a thousand in Spanish, one in English: read as 1, it printed "1 agentes".
        (lambda h: h.number("1.000"), "the number filter takes a number"),
        (lambda h: h.number("nan"), "the number filter takes a number"),
        (lambda h: h.one_in("inf"), "the one_in filter takes a number"),
        # A fact given whole: its unit was read, then its value's fact id, which it has
        # not ("AttributeError: 'FactView' object has no attribute 'fact_id'").
        (
            lambda h: h.one_in(h.fact("rate")),
            "the one_in filter takes a number, such as a fact's .value or text such as "
            "'1000' or '12.5', not a fact",
        ),
        (lambda h: h.number(h.fact("rate")), "the number filter takes a number"),
        (
            lambda h: h.facts(place=h.fact("rate")),
            "facts(): place is a place's slug or name (text such as 'springfield-il'), not a fact",
        ),
    ],
)
def test_a_helper_argument_of_the_wrong_kind_is_told(call: Any, message: str) -> None:
    with pytest.raises(TemplateError) as caught:
        call(Helpers(_store()))
    assert caught.value.detail.startswith(message), caught.value.detail


def test_markdown_given_to_a_helper_is_kept_with_its_citations() -> None:
    # A fact's .cited as a label was escaped again: backslashes and a bracketed
    # "[@id]" printed, and the fact was not cited.
    helpers = Helpers(_store())
    cited = helpers.fact("said").cited
    assert helpers.callout("rate", label=cited, figure="86") == (
        f"{BLOCK_MARK}!!! callout 86\nWe act\\. [@said] [@rate]\n!!!\n"
    )
    plain = helpers.callout("rate", label="fell [@said]", figure="86")  # text stays text
    assert plain == f"{BLOCK_MARK}!!! callout 86\nfell \\[\\@said\\] [@rate]\n!!!\n"


def test_helper_arguments_that_are_fine() -> None:
    helpers = Helpers(_store())
    assert '"title": ""' in helpers.chart("rate", "count", title=None)  # None: no title
    assert '"labels": ["1", "2"]' in helpers.chart("rate", "count", labels=(1, 2))
    assert helpers.number("1234") == "1,234"  # a recipient's column holds text
    assert [f.id for f in helpers.facts(limit=0)] == []


def test_notes_are_titled_sources_unless_named() -> None:
    helpers = Helpers(_store())
    assert helpers.notes() == f"{BLOCK_MARK}!!! notes Sources\n!!!\n"
    assert helpers.notes("Notes") == f"{BLOCK_MARK}!!! notes Notes\n!!!\n"


@pytest.mark.parametrize(
    ("value", "text"),
    [(2**60, "1,152,921,504,606,846,976"), ("26700", "26,700"), (2.5, "2.5"), (True, "1")],
)
def test_the_number_filter_keeps_integers_whole_and_reads_text(value: object, text: str) -> None:
    assert number_filter(value) == text


def test_a_chart_block_carries_ids_and_empty_title_and_caption_by_default() -> None:
    assert Helpers(_store()).chart("rate") == BLOCK_MARK + (
        '```briefgen-chart\n{"kind": "bar", "facts": ["rate"], "title": "", "labels": [], '
        '"caption": ""}\n```\n'
    )
    with pytest.raises(
        TemplateError, match=r"^chart: kind must be 'bar' or 'pictogram', not 'pie'$"
    ):
        Helpers(_store()).chart("rate", kind="pie")


def test_a_qr_code_takes_a_trimmed_address_and_refuses_spaces_backticks_and_nothing() -> None:
    helpers = Helpers(_store())
    qr = helpers.qr(" https://example.org/a ")
    assert qr == f"{BLOCK_MARK}```briefgen-qr\nhttps://example.org/a\n```\n"
    for bad in ["", "  ", "https://example.org/a b", "https://example.org/`"]:
        with pytest.raises(TemplateError, match=r"^qr: '.*' is not a web address$"):
            helpers.qr(bad)
    with pytest.raises(TemplateError) as caught:
        helpers.qr("x" * 70 + " y")
    assert str(caught.value.format_message()) == f"qr: '{'x' * 60}' is not a web address"


def test_a_view_carries_the_qualifier_or_nothing() -> None:
    store = _store()
    assert view_of(store.get("count"), store).qualifier == "over"
    assert view_of(store.get("rate"), store).qualifier == ""


def test_a_callout_without_label_or_short_shows_the_number_with_its_unit() -> None:
    helpers = Helpers(_store())
    count = helpers.callout("count")
    assert count == f"{BLOCK_MARK}!!! callout over 26\\,700 pounds\nSeized\\. [@count]\n!!!\n"
    # With a label (here the fact's short) the figure drops its unit words.
    rate = helpers.callout("rate")
    assert rate == f"{BLOCK_MARK}!!! callout 86\u201390\\%\nof rates fell [@rate]\n!!!\n"


def test_an_unknown_fact_is_named_with_the_nearest_id() -> None:
    helpers = Helpers(_store())
    with pytest.raises(UnknownFact, match=r"^unknown fact 'rat' \(did you mean 'rate'\?\)$"):
        helpers.fact("rat")
    with pytest.raises(UnknownFact, match=r"^unknown fact 'zzzz'$"):
        helpers.fact("zzzz")


def test_a_chart_spec_is_ascii_and_never_closes_its_fence() -> None:
    chart = Helpers(_store()).chart("rate", title="T", labels=["a`b", "\u00e9"])
    assert chart == BLOCK_MARK + (
        '```briefgen-chart\n{"kind": "bar", "facts": ["rate"], "title": "T", '
        '"labels": ["a\\u0060b", "\\u00e9"], "caption": ""}\n```\n'
    )


def test_templates_get_exactly_the_helpers_by_name() -> None:
    assert set(Helpers(_store()).globals()) == {
        "chart",
        "qr",
        "fact",
        "facts",
        "cite",
        "callout",
        "pullquote",
        "notes",
        "addressee_of",
    }


def test_printed_values_are_escaped_on_one_line_and_none_prints_nothing() -> None:
    assert md_escape("a*b\r\nc\u2028d") == "a\\*b c d"
    assert finalize(None) == Markup("")
    assert finalize("a*b") == Markup("a\\*b")
    assert finalize(Markup("*b*")) == Markup("*b*")


def _shares(*facts: tuple[str, float, str | None]) -> FactStore:
    store = _store()
    for fact_id, value, qualifier in facts:
        fact = Fact.model_validate(
            {
                "id": fact_id,
                "kind": "statistic",
                "text": "A share.",
                "value": value,
                "qualifier": qualifier,
                "unit": "percent",
                "as_of": "2022",
                "source": "paper",
                "es": {"text": "Una parte."},
            }
        )
        store.facts[fact.id] = fact
    return store


def test_one_in_keeps_a_facts_qualifier() -> None:
    """{{ f.value | one_in }} of "about 50%" printed a bare "5 in 10", and of "under
    20%" "1 in 5", more than the fact says: the qualifier was dropped."""
    store = _shares(
        ("about-half", 50, "about"),
        ("over-quarter", 25, "over"),
        ("over-most", 86, "over"),
        ("under-fifth", 20, "under"),
        ("plain", 50, None),
    )
    english, spanish = Helpers(store), Helpers(store, "es-US")
    assert english.one_in(english.fact("about-half").value) == "about 5 in 10"
    assert spanish.one_in(spanish.fact("about-half").value) == "alrededor de 5 de cada 10"
    assert english.one_in(english.fact("over-quarter").value) == "over 1 in 4"
    assert spanish.one_in(spanish.fact("over-quarter").value) == "más de 1 de cada 4"
    # A count with its own words is true of every share over 86%.
    assert english.one_in(english.fact("over-most").value) == "more than 8 in 10"
    assert english.one_in(english.fact("plain").value) == "5 in 10"
    # Arithmetic gives a plain number, whose count is the template's own.
    assert english.one_in(english.fact("about-half").value * 1) == "5 in 10"
    with pytest.raises(TemplateError, match=r"'under 20', a ceiling a count would overstate"):
        english.one_in(english.fact("under-fifth").value)


def test_number_keeps_a_facts_qualifier() -> None:
    """{{ f.value | number }} of "over 70,000" printed a bare "70,000", a figure the
    fact does not give (and the page's numbers check passed it, as it is the fact's)."""
    store = _shares(
        ("over-quarter", 25, "over"), ("about-half", 50.5, "about"), ("plain", 50, None)
    )
    english, spanish = Helpers(store), Helpers(store, "es-US")
    assert english.number(english.fact("over-quarter").value) == "over 25"
    assert spanish.number(spanish.fact("over-quarter").value) == "más de 25"
    assert english.number(english.fact("about-half").value) == "about 50.5"
    assert english.number(english.fact("plain").value) == "50"
    # Arithmetic gives a plain number, which is the template's own.
    assert english.number(english.fact("over-quarter").value + 1) == "26"


@pytest.mark.parametrize(
    ("language", "printed"),
    [
        ("en-US", ["over 25", "0.0000001", "2,500,000,000", "26", "over 25"]),
        ("es-US", ["más de 25", "0.0000001", "2,500,000,000", "26", "más de 25"]),
    ],
)
def test_a_facts_value_prints_as_the_number_filter_prints_it(
    tmp_path: Path, language: str, printed: list[str]
) -> None:
    """{{ f.value }} printed Python's 25, 1e-07 and 2500000000.0: a bare figure the fact
    does not give ("over 25"), and forms no page writes. Arithmetic on it is the
    template's own; a callout's figure given as the value is printed as it."""
    store = _shares(("over-quarter", 25, "over"), ("tiny", 1e-7, None), ("big", 2.5e9, None))
    (tmp_path / "t.md.j2").write_text(
        f"---\nlanguage: {language}\n---\n# T\n\n"
        '{% set q, t, b = fact("over-quarter"), fact("tiny"), fact("big") %}'
        "{{ q.value }}; {{ t.value }}; {{ b.value }}; {{ q.value + 1 }}; "
        "{{ q.value | number }} {{ cite(q, t, b) }}\n\n"
        '{{ callout(q, figure=q.value, label="of shares") }}\n',
        encoding="utf-8",
    )
    renderer = TemplateRenderer(SearchPath.build([tmp_path], tmp_path), store, Settings())
    text = renderer.render(renderer.search_path.audience("t")).text
    assert "; ".join(md_escape(number) for number in printed) + " [@over-quarter]" in text
    assert f"!!! callout {md_escape(printed[0])}\nof shares [@over-quarter]" in text


def test_the_top_of_a_range_prints_as_the_number_filter_prints_it(tmp_path: Path) -> None:
    """{{ f.value_max }} printed Python's 25000: a form no page writes, beside
    a low end printed "about 5,000". The qualifier stays with the low end."""
    store = _store()
    store.facts["range"] = Fact.model_validate(
        {
            "id": "range",
            "kind": "statistic",
            "text": "A range.",
            "value": 5000,
            "value_max": 25000,
            "qualifier": "about",
            "unit": "deaths",
            "as_of": "2022",
            "source": "paper",
            "es": {"text": "Un intervalo.", "unit": "muertes"},
        }
    )
    (tmp_path / "t.md.j2").write_text(
        '# T\n\n{% set r = fact("range") %}{{ r.value }}–{{ r.value_max }}; '
        "{{ r.value_max | number }}; {{ r.value_max + 1 }} {{ cite(r) }}\n",
        encoding="utf-8",
    )
    renderer = TemplateRenderer(SearchPath.build([tmp_path], tmp_path), store, Settings())
    text = renderer.render(renderer.search_path.audience("t")).text
    printed = ["about 5,000–25,000", "25,000", "25001"]
    assert "; ".join(md_escape(number) for number in printed) + " [@range]" in text


@pytest.mark.parametrize(
    ("value", "qualifier", "english", "spanish"),
    [
        # one_in alone says "nearly 5 in 10", less than a share of 60% that is over 49%.
        (49, "over", "more than 4 in 10", "más de 4 de cada 10"),
        (57, "more than", "more than 5 in 10", "más de 5 de cada 10"),
        (7, "at least", "more than 1 in 15", "más de 1 de cada 15"),
        (95.5, "over", "more than 95 in 100", "más de 95 de cada 100"),
        (95, "at least", "at least 95 in 100", "al menos 95 de cada 100"),
        (25, "over", "over 1 in 4", "más de 1 de cada 4"),
        (86, "over", "more than 8 in 10", "más de 8 de cada 10"),
        # "nearly" and "about" of a value known both ways stay as one_in words them.
        (49, "about", "nearly 5 in 10", "casi 5 de cada 10"),
    ],
)
def test_one_in_of_a_floor_holds_for_every_share_above_it(
    value: float, qualifier: str, english: str, spanish: str
) -> None:
    """ "over 49%" printed "nearly 5 in 10", which a share of 60% (over 49%) is not: a
    floor's count must say no more than every share above it does."""
    store = _shares(("share", value, qualifier))
    assert Helpers(store).one_in(Helpers(store).fact("share").value) == english
    spanish_helpers = Helpers(store, "es-US")
    assert spanish_helpers.one_in(spanish_helpers.fact("share").value) == spanish


def test_one_in_refuses_a_fact_value_that_is_no_percentage() -> None:
    """{{ f.value | one_in }} of 14 cases printed "more than 1 in 10", and of $120
    "120%": a count or an amount read as a share. A fact's value remembers its unit.
    The fact is told as its .number prints it: a price of $1–$2 per pill was told
    as "1 USD per pill", its range and its dollar sign lost."""
    store = _shares(("share", 20, None))
    for fact_id, value, top, unit in (
        ("cases", 14, None, "cases"),
        ("cost", 120, None, "USD"),
        ("pill", 1, 2, "USD per pill"),
    ):
        fact = Fact.model_validate(
            {
                "id": fact_id,
                "kind": "statistic",
                "text": "A figure.",
                "value": value,
                "value_max": top,
                "unit": unit,
                "as_of": "2022",
                "source": "paper",
            }
        )
        store.facts[fact.id] = fact
    helpers = Helpers(store)
    assert helpers.one_in(helpers.fact("share").value) == "1 in 5"
    with pytest.raises(TemplateError) as raised:
        helpers.one_in(helpers.fact("cases").value)
    assert raised.value.detail == (
        "the one_in filter reads a percentage as a count of people; fact 'cases' is 14 "
        "cases: print its .number, or give one_in a fact whose unit is percent"
    )
    with pytest.raises(TemplateError, match="fact 'cost' is \\$120: print"):
        helpers.one_in(helpers.fact("cost").value)
    with pytest.raises(TemplateError, match="fact 'pill' is \\$1–\\$2 per pill: print"):
        helpers.one_in(helpers.fact("pill").value)
    # A number the template works out is its own, read as a percentage.
    assert helpers.one_in(helpers.fact("cases").value * 1) == "more than 1 in 10"


def test_the_one_in_filter_reads_text_and_names_are_suggested() -> None:
    assert one_in_filter("50") == "5 in 10"
    assert suggest_name("calout", ["callout", "cite"]) == " (did you mean 'callout'?)"
    assert suggest_name("zzzz", ["callout", "cite"]) == ""


# --- limits ------------------------------------------------------------------------


@pytest.fixture
def thirty_chars(monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts of at most 30 characters, so the edges are cheap to reach."""
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 30)


class _Unprintable:
    """A value that fails the test if anything turns it into text."""

    def __str__(self) -> str:
        raise AssertionError("printed before the limit was checked")


class _UnprintableList(list[str]):
    def __str__(self) -> str:
        raise AssertionError("printed before the limit was checked")


class _Wordy:
    """A value whose text is far longer than measure() guesses (24 characters)."""

    def __str__(self) -> str:
        return "w" * 100


@pytest.mark.parametrize(
    ("base", "exponent"),
    [(2, 10_000), (2, 6_000), (3, 6_000), (-3, 6_000)],
)
def test_a_power_over_the_bits_is_refused_before_it_is_computed(base: int, exponent: int) -> None:
    with pytest.raises(
        limits.LimitError, match=rf"^{base} \*\* {exponent} is too large to compute$"
    ):
        limits.check_binop("**", base, exponent)


@pytest.mark.parametrize(
    ("base", "exponent"),
    [(2, 5_000), (1, 20_000), (-1, 20_000), (2, -20_000), (2, 20_000.0), (2.0, 20_000), (2.0, 3)],
)
def test_a_power_within_the_bits_or_not_of_whole_numbers_is_let_through(
    base: float, exponent: float
) -> None:
    limits.check_binop("**", base, exponent)  # 2 ** 5000 is exactly 10,000 bits of work


@pytest.mark.usefixtures("thirty_chars")
def test_concatenation_is_refused_before_any_part_is_printed() -> None:
    with pytest.raises(limits.LimitError, match=r"^'~' would make a text longer than 30 "):
        limits.checked_concat(False, ("a" * 10, "b" * 10, "c" * 11, _Unprintable()))
    with pytest.raises(limits.LimitError, match=r"^'~' would make a text longer than 30 "):
        limits.checked_concat(False, ("a" * 20, _UnprintableList(["x" * 20])))
    # What measure() underestimates is caught once built.
    with pytest.raises(limits.LimitError, match=r"^'~' would make a text longer than 30 "):
        limits.checked_concat(False, ("a" * 5, _Wordy()))


def test_concatenation_escapes_text_only_when_markup_is_wanted() -> None:
    assert limits.checked_concat(True, (Markup("<b>"), "<i>")) == Markup("<b>&lt;i&gt;")
    assert limits.checked_concat(False, (Markup("<b>"), "<i>")) == "<b><i>"


@pytest.mark.usefixtures("thirty_chars")
@pytest.mark.parametrize(
    ("template", "args"),
    [
        ("%*s", (40, "x")),
        ("%s", "x" * 40),
        ("%%%*s", (40, "x")),
        ("%%%s", "x" * 40),
        ("%40s", "x"),
        ("x" * 20 + "%*s", (9, "y" * 5)),
        ("x" * 20 + "%15s", "y"),
        ("%s", {"a": "y" * 40}),
        ("x" * 20 + "%(a)s", {"a": "y" * 10}),
        ("%" + "9" * 5000 + "s", "x"),
    ],
)
def test_a_printf_format_over_the_limit_is_refused(template: str, args: object) -> None:
    with pytest.raises(limits.LimitError, match=r"^'%' would make a text longer than 30 "):
        limits.check_percent_format(template, args, "'%'")


@pytest.mark.usefixtures("thirty_chars")
@pytest.mark.parametrize(
    ("template", "args"),
    [
        ("%(a)s", {"a": "x", "b": "y" * 40}),
        ("%(a)s", ("x",)),
        ("%*s", ()),
        ("x" * 27 + "%*s", ()),
    ],
)
def test_a_printf_format_within_the_limit_is_let_through(template: str, args: object) -> None:
    limits.check_percent_format(template, args, "'%'")


@pytest.mark.usefixtures("thirty_chars")
def test_capped_text_holds_exactly_the_limit_and_names_what_passes_it() -> None:
    assert limits.capped_join(["a" * 15, "b" * 15], "the thing") == "a" * 15 + "b" * 15
    with pytest.raises(
        limits.LimitError, match=r"^the thing would make a text longer than 30 characters$"
    ):
        limits.capped_join(["a" * 20, "b" * 11], "the thing")


def test_measure_counts_quotes_words_and_what_it_cannot_see_inside() -> None:
    # A list's brackets and each item's separator take 2; text in a list its quotes.
    assert limits.measure(["abc"]) == 10
    assert limits.measure([None, True]) == 16
    # Bytes on their own print as b'...'; anything opaque is guessed at 24.
    assert limits.measure(b"abcdefghij") == 13
    assert limits.measure(object()) == 24
    # In a list: a number by its bits (31 bits: 12), Markup and bytes with their quotes.
    assert limits.measure([2**30]) == 16
    assert limits.measure([Markup("abc")]) == 10
    assert limits.measure([b"abcdef"]) == 13


@pytest.mark.usefixtures("thirty_chars")
def test_take_holds_exactly_the_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ITEMS", 3)
    assert limits.take(iter(["a" * 10, "b" * 10, "c" * 10]), "the loop") == [
        "a" * 10,
        "b" * 10,
        "c" * 10,
    ]
    with pytest.raises(
        limits.LimitError, match=r"^the loop would make a list of more than 3 items$"
    ):
        limits.take(iter([1, 2, 3, 4]), "the loop")
    with pytest.raises(limits.LimitError, match=r"^the loop would hold more than 30 characters "):
        limits.take(iter(["a" * 31]), "the loop")


@pytest.mark.usefixtures("thirty_chars")
def test_a_size_argument_is_capped_and_never_negative() -> None:
    assert limits.size_arg(1e300) == 3000
    assert limits.size_arg(-5) == 0
    assert limits.size_arg(None) == 0
    assert limits.size_arg("abc") == 3
    assert limits.size_arg(True) == 1


@pytest.mark.usefixtures("thirty_chars")
def test_repetition_may_reach_the_limits_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ITEMS", 4)
    limits.check_binop("*", "ab", 15)
    limits.check_binop("*", [1, 2], 2)
    with pytest.raises(limits.LimitError, match=r"^'\*' would make a text longer than 30 "):
        limits.check_binop("*", 16, "ab")
    with pytest.raises(limits.LimitError, match=r"^'\+' would make a list of more than 4 items$"):
        limits.check_binop("+", [1, 2], [3, 4, 5])


@dataclasses.dataclass(frozen=True)
class _View:
    text: str


def test_namespaces_and_views_are_measured_by_what_they_hold() -> None:
    assert limits.measure(Namespace(s="x" * 100)) > 100
    assert limits.measure([_View("x" * 100)]) > 100


@pytest.mark.usefixtures("thirty_chars")
def test_a_view_on_its_own_is_printable_and_results_may_reach_the_limits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "MAX_INT_BITS", 10)
    monkeypatch.setattr(limits, "MAX_ITEMS", 3)
    limits.require_printable(_View("x" * 40), "printing this value")
    assert limits.checked(2**9, "'*'") == 2**9
    assert limits.checked([1, 2, 3], "'*'") == [1, 2, 3]
    with pytest.raises(limits.LimitError, match=r"^'\*' would make a number larger than 10 bits$"):
        limits.checked(2**10, "'*'")
    limits.check_binop("*", 2**4, 2**4)  # 5 + 5 bits
    with pytest.raises(limits.LimitError, match=r"^'\*' would make a number larger than 10 bits$"):
        limits.check_binop("*", 2**5, 2**4)


@pytest.mark.usefixtures("thirty_chars")
def test_only_the_operator_named_is_checked() -> None:
    limits.check_binop("*", 3, [1, 2])
    limits.check_binop("+", 1, 2)
    limits.check_binop("+", "%40s", "x")  # '+' is no printf format
    with pytest.raises(limits.LimitError, match=r"^'%' would make a text longer than 30 "):
        limits.check_binop("%", "%40s", "x")


def test_a_loop_takes_an_iterator_whole_and_anything_else_as_it_is() -> None:
    values = [1, 2]
    assert limits.bounded_iterable(values) is values
    assert limits.bounded_iterable(iter(values)) == [1, 2]


@pytest.mark.usefixtures("thirty_chars")
def test_an_output_buffer_holds_exactly_the_limit() -> None:
    assert limits.checked_join(["a" * 15, "b" * 15]) == "a" * 15 + "b" * 15
    with pytest.raises(limits.LimitError, match=r"collects would pass 30 characters$"):
        limits.checked_join(["a" * 15, "b" * 16])


def _nested(depth: int) -> list[object]:
    value: list[object] = []
    for _ in range(depth):
        value = [value]
    return value


def test_measure_stops_at_the_depth_limit_and_at_its_budget() -> None:
    # 99 lists around an empty one: 100 levels, as deep as MAX_VALUE_DEPTH lets it go.
    assert limits.measure(_nested(99)) == 398
    assert limits.measure(_nested(100)) == limits.MAX_TEXT_CHARS + 1
    assert limits.measure([]) == 2
    assert limits.measure(["abc"], 10) == 10
    assert limits.measure(["abcd"], 10) == 11


@pytest.mark.usefixtures("thirty_chars")
@pytest.mark.parametrize("spec", ["40", ".0000000001", "1000000000"])
def test_a_format_field_too_wide_is_refused(spec: str) -> None:
    with pytest.raises(limits.LimitError, match=r"^'format' would make a text longer than 30 "):
        limits.check_format_field("x", spec)


@pytest.mark.usefixtures("thirty_chars")
@pytest.mark.parametrize("spec", ["30", ".000000001", "s", ""])
def test_a_format_field_within_the_limit_is_let_through(spec: str) -> None:
    limits.check_format_field("x", spec)


@pytest.mark.usefixtures("thirty_chars")
def test_a_format_field_of_a_value_too_long_to_print_is_refused() -> None:
    with pytest.raises(limits.LimitError, match=r"^'format' would make a text longer than 30 "):
        limits.check_format_field(["x" * 40], "")


# views.py: what each view holds, and what registering a view lets a template read.


def test_the_date_view_holds_each_part_of_the_date() -> None:
    view = date_view(dt.date(2026, 1, 5))
    assert view == DateView(
        iso="2026-01-05",
        year=2026,
        month=1,
        day=5,
        month_name="January",
        month_year="January 2026",
    )
    assert str(view) == "January 2026"


def test_the_audience_view_holds_the_front_matter_but_not_the_path() -> None:
    info = AudienceInfo(
        name="chiefs",
        display_name="Fire chiefs",
        description="For chiefs",
        reading_level=9.5,
        page_size="a4",
        language="fr-CA",
        origin="built-in",
        path=Path("chiefs.md.j2"),
    )
    assert audience_view(info) == AudienceView(
        name="chiefs",
        display_name="Fire chiefs",
        description="For chiefs",
        reading_level=9.5,
        page_size="a4",
        language="fr-CA",
    )


def test_the_settings_view_holds_each_setting_as_plain_values() -> None:
    settings = Settings.model_validate(
        {
            "organization": {"name": "Org"},
            "contact": {
                "name": "Ann",
                "email": "ann@example.org",
                "phone": "555-0100",
                "website": "https://example.org",
                "sources_url": "https://example.org/sources",
            },
            "build": {"page_size": "a4", "author": "Bo"},
            "facts": {"max_age_years": 2},
        }
    )
    view = settings_view(settings)
    assert view == SettingsView(
        organization=OrganizationView(name="Org"),
        contact=ContactView(
            name="Ann",
            email="ann@example.org",
            phone="555-0100",
            website="https://example.org",
            sources_url="https://example.org/sources",
        ),
        build=BuildView(page_size="a4", author="Bo"),
        facts=FactsSettingsView(max_age_years=2.0),
    )
    assert type(view.facts.max_age_years) is float


def test_no_recipient_is_false_and_empty() -> None:
    assert not NO_RECIPIENT
    assert dataclasses.astuple(NO_RECIPIENT) == ("",) * 6


@dataclasses.dataclass(frozen=True)
class _Shown:
    shown: str

    @property
    def public(self) -> str:
        return self.shown

    @property
    def _private(self) -> str:
        return self.shown

    def method(self) -> str:
        return self.shown


def test_a_view_lets_templates_read_its_fields_and_public_properties_only() -> None:
    try:
        assert template_view("the thing")(_Shown) is _Shown
        assert VIEWS[_Shown] == ViewKind("the thing", frozenset({"shown", "public"}))
        assert VIEWS[_Shown].note == ""
        template_view("the thing", note="see the guide")(_Shown)
        assert VIEWS[_Shown] == ViewKind(
            "the thing", frozenset({"shown", "public"}), "see the guide"
        )
    finally:
        VIEWS.pop(_Shown, None)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("{{ recipent.name }}", "'recipent' is undefined (did you mean 'recipient'?)"),
        ("{{ facst('x') }}", "'facst' is undefined (did you mean 'fact'?)"),
        ("{{ zzqq }}", "'zzqq' is undefined"),
        # A misspelt variable of the template's own is offered its own name, never a
        # global's ('cite' for 'citzens').
        (
            "{% set citizens = 1 %}{{ citzens }}",
            "'citzens' is undefined (did you mean 'citizens'?)",
        ),
        (
            "{% set agencies = 'a' %}{{ agencie }}",
            "'agencie' is undefined (did you mean 'agencies'?)",
        ),
        (
            "{% for item in [1] %}{{ itme }}{% endfor %}",
            "'itme' is undefined (did you mean 'item'?)",
        ),
        (
            "{% macro shout(t) %}{{ t }}{% endmacro %}{{ shuot(1) }}",
            "'shuot' is undefined (did you mean 'shout'?)",
        ),
        (
            "{% macro m(words) %}{{ word }}{% endmacro %}{{ m(1) }}",
            "'word' is undefined (did you mean 'words'?)",
        ),
        (
            "{% import '_m.md.j2' as helpers %}{{ helper.x() }}",
            "'helper' is undefined (did you mean 'helpers'?)",
        ),
        (
            "{% set date_line = 1 %}{{ date_lien }}",
            "'date_lien' is undefined (did you mean 'date_line'?)",
        ),
        ("{{ audeince.name }}", "'audeince' is undefined (did you mean 'audience'?)"),
        # A macro an imported template lacks: named with the template's macros.
        (
            "{% import '_m.md.j2' as helpers %}{{ helpers.contatc() }}",
            "_m.md.j2 has no 'contatc' (did you mean 'contact'? it has contact, x)",
        ),
        # The same slip in {% from ... import %}: Jinja names the template, not its macros.
        (
            "{% from '_m.md.j2' import contatc %}{{ contatc() }}",
            "the template '_m.md.j2' (imported on line 3 in 't.md.j2') does not export the "
            "requested name 'contatc' (did you mean 'contact'? it has contact, x)",
        ),
        # A block called again by a name the template has no block of.
        (
            "{% block title %}t{% endblock %}{% block ask %}a{% endblock %}{{ self.titel() }}",
            "self has no block 'titel' (did you mean 'title'? it has ask, title)",
        ),
        # Spelt right, set where this line does not see it: not "did you mean 'i'?".
        (
            "{% for i in [1] %}{% block b %}{{ i }}{% endblock %}{% endfor %}",
            f"'i' is undefined here; {OUT_OF_SCOPE}",
        ),
        (
            "{% for i in [1] %}{% set total = i %}{% endfor %}{{ total }}",
            f"'total' is undefined here; {OUT_OF_SCOPE}",
        ),
        # Case aside: a capital typed at a sentence's start, or caps lock.
        ("{{ Cite('x') }}", "'Cite' is undefined (did you mean 'cite'?)"),
        ("{{ FACT('x').number }}", "'FACT' is undefined (did you mean 'fact'?)"),
        ("{{ Recipient.name }}", "'Recipient' is undefined (did you mean 'recipient'?)"),
    ],
)
def test_a_name_nothing_defines_gets_did_you_mean(
    tmp_path: Path, expression: str, message: str
) -> None:
    """A misspelt global or context name is answered with the closest name every
    template has, as a misspelt field of a view is."""
    (tmp_path / "t.md.j2").write_text(f"# T\n\n{expression}\n", encoding="utf-8")
    (tmp_path / "_m.md.j2").write_text(
        "{% macro x() %}x{% endmacro %}{% macro contact() %}c{% endmacro %}\n", encoding="utf-8"
    )
    renderer = TemplateRenderer(SearchPath.build([tmp_path], tmp_path), FactStore(), Settings())
    with pytest.raises(TemplateError) as caught:
        renderer.render(renderer.search_path.audience("t"))
    assert caught.value.detail == message
    assert caught.value.location == Location.of(tmp_path / "t.md.j2", 3)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        # An id set as text, its fact's field read from it.
        (
            "{% set f = 'rate' %}{{ f.number }}",
            "text ('rate') has no 'number'; to read a fact's number, name the fact: "
            'fact("rate").number',
        ),
        # The list facts() gives, read as one fact.
        (
            "{{ facts(topic='costs').text }}",
            "a list has no 'text' (facts() gives a list): take one, facts(…)[0].text, "
            "or loop over it, {% for f in facts(…) %}",
        ),
        # Text that is no id: its methods.
        ("{{ 'Ann Lee'.uper() }}", "text has no 'uper' (did you mean 'upper'?)"),
        ("{{ 'Ann Lee'.number }}", "text has no 'number'"),
    ],
)
def test_a_field_read_from_text_or_a_list_says_what_it_is(
    tmp_path: Path, expression: str, message: str
) -> None:
    """Jinja's "'str object' has no attribute 'number'" in the template's words."""
    search = _search(tmp_path, {"t.md.j2": f"# T\n\n{expression}\n"})
    with pytest.raises(TemplateError) as caught:
        _renderer(search).render(search.audience("t"))
    assert caught.value.detail == message
    assert caught.value.location == Location.of(tmp_path / "templates" / "t.md.j2", 3)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "{{ cite(state-local-agencies) }}",
            "'state' is undefined; a fact id is text, in quotes: cite(\"state-local-agencies\")",
        ),
        (
            "{{ fact(seizures-fy2023-pounds).number }}",
            "'seizures' is undefined; a fact id is text, in quotes: "
            'fact("seizures-fy2023-pounds")',
        ),
        (
            "{{ cite('seizures-fy2023-pounds', other-fact) }}",
            "'other' is undefined; a fact id is text, in quotes: cite(\"other-fact\")",
        ),
        # A fact's id, wherever it stands; a fact helper's bare argument.
        (
            "{% set f = seizures-fy2023-pounds %}",
            "'seizures' is undefined; a fact id is text, in quotes: "
            'fact("seizures-fy2023-pounds")',
        ),
        (
            "{{ callout(seizures) }}",
            "'seizures' is undefined; a fact id is text, in quotes: callout(\"seizures\")",
        ),
        # A name close to one the template sets is a typo of it, not an id; a sum is
        # no id; a keyword's value is no fact.
        (
            "{% set seizures = 1 %}{{ cite(seizure) }}",
            "'seizure' is undefined (did you mean 'seizures'?)",
        ),
        ("{{ total-offset }}", "'total' is undefined"),
        ("{{ callout('seizures-fy2023-pounds', label=pounds-seized) }}", "'pounds' is undefined"),
    ],
)
def test_a_fact_id_without_its_quotes_is_told_to_quote_it(
    tmp_path: Path, expression: str, message: str
) -> None:
    """Jinja reads cite(state-local-agencies) as the name 'state' minus two more."""
    (tmp_path / "t.md.j2").write_text(f"# T\n\n{expression}\n", encoding="utf-8")
    store = load_store(Path(__file__).resolve().parents[1] / "facts")
    assert "seizures-fy2023-pounds" in store.facts
    renderer = TemplateRenderer(SearchPath.build([tmp_path], tmp_path), store, Settings())
    with pytest.raises(TemplateError) as caught:
        renderer.render(renderer.search_path.audience("t"))
    assert caught.value.detail == message
    assert caught.value.location == Location.of(tmp_path / "t.md.j2", 3)


def test_a_misspelt_name_an_extended_template_sets_gets_did_you_mean(tmp_path: Path) -> None:
    """A block that replaces one of builtin/legislators sees the names it sets at its
    top level (``addressee``), so a typo of one is offered it; a name set only inside
    another of its blocks is not seen there, and not offered."""

    def told(block: str, name: str) -> TemplateError:
        (tmp_path / "t.md.j2").write_text(
            '{% extends "builtin/legislators.md.j2" %}\n'
            f"{{% block {block} %}}\n{{{{ {name} }}}}{{% endblock %}}\n",
            encoding="utf-8",
        )
        search = SearchPath.build([tmp_path], tmp_path)
        renderer = TemplateRenderer(search, FactStore(), Settings())
        with pytest.raises(TemplateError) as caught:
            renderer.render(renderer.search_path.audience("t"))
        assert caught.value.location == Location.of(tmp_path / "t.md.j2", 3)
        return caught.value

    assert told("addressee", "addresse").detail == (
        "'addresse' is undefined (did you mean 'addressee'?)"
    )
    assert told("title", "locl").detail == "'locl' is undefined"


def test_the_names_a_message_offers_are_read_from_a_bounded_text(tmp_path: Path) -> None:
    """The names a template and its parents set are parsed again for an undefined
    name's message, after the render's time limit: nine templates of 100 KB took
    1.3 s more. Parents past MAX_PARSED_CHARS of text are left unread."""
    padding = "{# " + "x" * (undefined.MAX_PARSED_CHARS // 2) + " #}\n"
    search = _search(
        tmp_path,
        {
            "t.md.j2": '{% extends "p1.md.j2" %}\n{% block b %}{{ alpha_set }}{% endblock %}\n',
            "p1.md.j2": '{% extends "p2.md.j2" %}\n{% set alpha_seen = 1 %}\n' + padding,
            "p2.md.j2": "{% set beta_unseen = 1 %}\n" + padding + "{% block b %}{% endblock %}\n",
        },
    )
    renderer = _renderer(search)
    parsed: list[int] = []
    parse = renderer.env.parse

    def counted(source: str, *args: Any, **kwargs: Any) -> Any:
        parsed.append(len(source))
        return parse(source, *args, **kwargs)

    renderer.env.parse = counted  # type: ignore[method-assign]
    body = (tmp_path / "templates" / "t.md.j2").read_text(encoding="utf-8")
    names = undefined.names_set(renderer.env, body)
    assert "alpha_seen" in names and "beta_unseen" not in names
    assert sum(parsed) <= undefined.MAX_PARSED_CHARS


def test_only_a_frozen_dataclass_may_be_a_view() -> None:
    class Plain:
        pass

    @dataclasses.dataclass
    class Thawed:
        x: str

    for cls in (Plain, Thawed):
        with pytest.raises(
            TypeError, match=f"^{cls.__name__}: a template view must be a frozen dataclass$"
        ):
            template_view("a thing")(cls)
        assert cls not in VIEWS


# search.py: front matter, the search path's audiences and the loader's checks.


def test_a_word_property_may_be_exactly_as_long_as_its_room() -> None:
    # _word_property builds FrontMatter's validators when the module is imported;
    # only a call of its own meets a mutant (docs/testing.md).
    check = _word_property("subject", 5).func
    assert check(None) is None
    assert check("12345") == "12345"
    with pytest.raises(ValueError) as caught:
        check("123456")
    assert str(caught.value) == (
        "6 characters; at most 5 here: Word allows at most "
        f"{WORD_PROPERTY_LIMIT} characters in a document's subject"
    )


def test_front_matter_is_split_off_and_its_problems_placed_in_its_file() -> None:
    path = Path("t.md.j2")
    assert split_front_matter("---\nname: X\n---\nbody", path) == (
        {"name": "X"},
        "\n\n\nbody",
        3,
    )
    with pytest.raises(TemplateError) as caught:
        split_front_matter("---\n- a\n---\nbody", path)
    assert caught.value.location == Location.of(path, 1)


def _loader(folder: Path) -> SearchPathLoader:
    return SearchPathLoader(SearchPath([Folder(folder, "--templates")]))


def test_the_loader_checks_a_template_and_sees_it_change(tmp_path: Path) -> None:
    env = Environment()
    (tmp_path / "ok.md.j2").write_text("---\nname: X\n---\nbody", encoding="utf-8")
    body, name, uptodate = _loader(tmp_path).get_source(env, "ok.md.j2")
    assert (body, name) == ("\n\n\nbody", str(tmp_path / "ok.md.j2"))
    assert uptodate is not None and uptodate() is True
    os.utime(tmp_path / "ok.md.j2", (1, 1))
    assert uptodate() is False

    # Told at the line of the first bad byte, as a facts file is (after a byte-order
    # mark, and with lines ended as Windows or an old Mac ends them).
    for text, line in ((b"caf\xe9", 1), (b"\xef\xbb\xbfa\r\nb\rcaf\xe9\n", 3)):
        (tmp_path / "bad.md.j2").write_bytes(text)
        with pytest.raises(TemplateError) as caught:
            _loader(tmp_path).get_source(env, "bad.md.j2")
        assert caught.value.detail == "not valid UTF-8 (byte 0xe9); save the template as UTF-8"
        assert caught.value.location == Location.of(tmp_path / "bad.md.j2", line)

    (tmp_path / "pua.md.j2").write_text("a\nb\n\ue000", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        _loader(tmp_path).get_source(env, "pua.md.j2")
    assert caught.value.detail == "private-use character U+E000; remove it"
    assert caught.value.location == Location.of(tmp_path / "pua.md.j2", 3)

    (tmp_path / "list.md.j2").write_text("---\n- a\n---\nbody", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        _loader(tmp_path).get_source(env, "list.md.j2")
    assert caught.value.location == Location.of(tmp_path / "list.md.j2", 1)


def test_private_templates_are_skipped_not_the_end_of_the_folder(tmp_path: Path) -> None:
    (tmp_path / "_base.md.j2").write_text("base", encoding="utf-8")
    (tmp_path / "b.md.j2").write_text("b", encoding="utf-8")
    audiences = SearchPath([Folder(tmp_path, "--templates")]).audiences()
    assert [a.name for a in audiences] == ["b"]


def test_front_matter_needs_both_fences_and_ends_at_the_first_closing_one() -> None:
    path = Path("t.md.j2")
    assert read_front_matter("body", path) == (None, "body", 0)
    with pytest.raises(TemplateError) as caught:  # never closed: it would print
        read_front_matter("---\nname: X\nbody", path)
    assert caught.value.location == Location.of(path, 1)
    assert caught.value.detail.startswith("front matter: opened here and never closed")
    assert split_front_matter("---\n---\nbody", path) == ({}, "\n\n\nbody", 3)
    assert split_front_matter("---\na: 1\n---", path) == ({"a": 1}, "\n\n\n", 3)
    assert split_front_matter("---\na: 1\n---\nb\n---\nc", path) == (
        {"a": 1},
        "\n\n\nb\n---\nc",
        3,
    )


def test_front_matter_may_be_exactly_as_long_as_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "MAX_FRONT_MATTER", 10)
    path = Path("t.md.j2")
    assert split_front_matter("---\na: 1234567\n---\n", path)[0] == {"a": 1234567}
    with pytest.raises(TemplateError) as caught:
        split_front_matter("---\na: 12345678\n---\n", path)
    assert caught.value.detail == (
        "front matter: longer than 10 characters; it holds a few 'key: value' lines"
    )
    assert caught.value.location == Location.of(path, 1)


def test_front_matter_problems_are_told_at_their_line_of_the_file() -> None:
    path = Path("t.md.j2")
    with pytest.raises(TemplateError) as caught:
        read_front_matter("---\na: 1\nb: 2\na: 3\n---\n", path)
    assert caught.value.detail == "front matter: a: duplicate key (first given on line 2)"
    assert caught.value.location == Location.of(path, 4)
    with pytest.raises(TemplateError) as caught:
        read_front_matter("---\n- a\n---\n", path)
    assert caught.value.detail == "front matter: expected 'key: value' lines"
    assert caught.value.location == Location.of(path, 1)


def test_an_audience_file_not_in_utf8_still_has_its_name(tmp_path: Path) -> None:
    # Its metadata is read leniently; loading it is what refuses it.
    (tmp_path / "bad-one.md.j2").write_bytes(b"caf\xe9")
    info = SearchPath([Folder(tmp_path, "--templates")]).audience("bad-one")
    assert (info.name, info.display_name, info.origin) == ("bad-one", "Bad One", "--templates")


@pytest.mark.parametrize(
    ("front", "detail", "line"),
    [
        (
            "name: A\ncolour: red",
            "colour: unknown key (expected name, description, reading_level, reading_ease, "
            "page_size, language)",
            3,
        ),
        # A misspelt key was told every key there is, not the one meant.
        (
            "name: A\nReading_Levl: 8",
            "Reading_Levl: unknown key (did you mean 'reading_level'?)",
            3,
        ),
        (
            "name: A\nreading_level: 30",
            "reading_level: must be 20 or less, not 30",
            3,
        ),
        (
            "description: " + "d" * 256,
            "description: 256 characters; at most 255 here: Word allows at most 255 "
            "characters in a document's subject",
            2,
        ),
    ],
)
def test_an_audience_front_matter_problem_is_told_at_its_key(
    tmp_path: Path, front: str, detail: str, line: int
) -> None:
    (tmp_path / "a.md.j2").write_text(f"---\n{front}\n---\nbody", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        SearchPath([Folder(tmp_path, "--templates")]).audience("a")
    assert caught.value.detail == f"front matter: {detail}"
    assert caught.value.location == Location.of(tmp_path / "a.md.j2", line)


def test_the_loader_lists_every_folder_s_templates(tmp_path: Path) -> None:
    for name in ("one/a.md.j2", "one/c.md.j2", "two/a.md.j2", "two/b.md.j2"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    folders = [Folder(tmp_path / "one", "--templates"), Folder(tmp_path / "two", "workspace")]
    listed = SearchPathLoader(SearchPath(folders)).list_templates()
    assert listed == ["a.md.j2", "b.md.j2", "c.md.j2"]


def test_a_private_use_character_is_told_at_its_own_line(tmp_path: Path) -> None:
    # A blank first line and lines after it: the line is counted up to the character.
    (tmp_path / "pua.md.j2").write_text("\nb\n\ue000\nc\n", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        _loader(tmp_path).get_source(Environment(), "pua.md.j2")
    assert caught.value.location == Location.of(tmp_path / "pua.md.j2", 3)


def test_an_unknown_audience_is_told_the_nearest_and_every_one_there_is(tmp_path: Path) -> None:
    for name in ("mine/chiefs-local.md.j2", "shipped/public.md.j2"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    path = SearchPath(
        [
            Folder(tmp_path / "nowhere", "--templates"),
            Folder(tmp_path / "mine", "workspace"),
            Folder(tmp_path / "shipped", "built-in"),
        ]
    )
    mine = display_path(tmp_path / "mine" / "chiefs-local.md.j2")
    listed = f"the audiences are chiefs-local ({mine}), public (built-in)"
    assert path.unknown_audience("publc").detail == (
        f"no template for audience 'publc' (did you mean 'public'?); {listed}"
    )
    assert path.unknown_audience("zzz").detail == (
        f"no template for audience 'zzz' (zzz.md.j2); {listed}"
    )
    # A folder that is not there is passed over, not the end of the search.
    assert [a.name for a in path.audiences()] == ["chiefs-local", "public"]


def test_an_audience_inherits_front_matter_from_five_templates_up(tmp_path: Path) -> None:
    # a0 extends a1 ... extends a7: a0 and the five above it are read, no more.
    fronts = {5: "description: five", 6: "reading_level: 7"}
    for level in range(8):
        front = f"---\n{fronts[level]}\n---\n" if level in fronts else ""
        parent = f'{{% extends "a{level + 1}.md.j2" %}}' if level < 7 else "x"
        (tmp_path / f"a{level}.md.j2").write_text(front + parent, encoding="utf-8")
    info = SearchPath([Folder(tmp_path, "--templates")]).audience("a0")
    assert (info.description, info.reading_level) == ("five", None)


# --- templating/nesting: how deep template code may nest ------------------------------


def _parse_error(source: str) -> tuple[int, str, str | None, str | None] | None:
    """Parse ``source`` as the sandbox does (token stream and syntax tree checked):
    None, or the syntax error's line, message, template name and file name."""
    env = Environment(extensions=[nesting.NestingLimits])
    try:
        nesting.parse(env, source, "trial", "templates/trial.md.j2")
    except TemplateSyntaxError as exc:
        return exc.lineno, exc.message or "", exc.name, exc.filename
    return None


def test_set_statements_and_closed_tags_do_not_nest() -> None:
    # Forty of each, side by side: only a tag with a body left open nests.
    assert _parse_error("{% set x = 1 %}" * 40 + "{{ x }}") is None
    assert _parse_error("{% set (a, b) = (1, 2) %}" * 40) is None
    assert _parse_error("{% if true %}x{% endif %}" * 40) is None
    assert _parse_error("{% for i in [] %}{% else %}{% endfor %}" * 40) is None


def test_a_block_set_nests_even_with_an_argument_named_inside_it() -> None:
    # The "=" of width=2 is inside brackets: this set is a block, the 33rd level.
    inner = "{% set x | indent(width=2) %}y{% endset %}"
    depth = limits.MAX_TAG_DEPTH
    assert _parse_error("{% if 1 %}" * (depth - 1) + inner + "{% endif %}" * (depth - 1)) is None
    assert _parse_error("{% if 1 %}" * depth + inner + "{% endif %}" * depth) == (
        1,
        f"'{{% set %}}' nested too deep (at most {depth} levels of tags)",
        "trial",
        "templates/trial.md.j2",
    )


def test_a_tag_without_a_name_is_jinja_s_error_not_a_level() -> None:
    assert _parse_error("{% if 1 %}" * limits.MAX_TAG_DEPTH + '{% "if" %}') == (
        1,
        "tag name expected",
        "trial",
        "templates/trial.md.j2",
    )


def test_signs_after_an_operator_nest_and_are_refused_at_the_one_too_many() -> None:
    # One sign a line: the 41st sign, on line 42, is the one past the limit.
    signs = limits.MAX_EXPRESSION_DEPTH + 1
    assert _parse_error("{{ 1 *\n" + "-\n" * signs + "1 }}") == (
        signs + 1,
        f"expression nested too deep (at most {limits.MAX_EXPRESSION_DEPTH} levels)",
        "trial",
        "templates/trial.md.j2",
    )


def test_a_generated_code_line_maps_to_the_template_line_before_it() -> None:
    code = "def root():\n    pass\ndebug_info = '2=15&4=17&5=20'\n\n"
    lines = [nesting.python_line_to_template(code, n) for n in (None, 0, 1, 14, 15, 16, 17)]
    assert lines == [1, 1, 1, 1, 2, 2, 4]
    assert [nesting.python_line_to_template(code, n) for n in (19, 20, 500)] == [4, 5, 5]
    quoted = 'debug_info = "2=15&x=16&3=y&4=17"'
    assert [nesting.python_line_to_template(quoted, n) for n in (16, 17)] == [2, 4]
    assert nesting.python_line_to_template("x = '2=15'", 20) == 1  # no table: line 1


def test_the_line_of_a_recursion_is_the_innermost_node_with_a_line() -> None:
    def visit(node: nodes.Node, inner: nodes.Node | None) -> None:
        if inner is None:
            raise RecursionError
        visit(inner, None)

    outer, inner = nodes.Const(1, lineno=3), nodes.Const(2, lineno=7)
    with pytest.raises(RecursionError) as caught:
        visit(outer, inner)
    assert nesting.node_line(caught.value) == 7
    with pytest.raises(RecursionError) as caught:
        visit(outer, nodes.Const(2))  # no line: the next node out
    assert nesting.node_line(caught.value) == 3
    assert nesting.node_line(RecursionError()) == 1


def test_nested_too_deep_to_compile_names_the_template_and_line() -> None:
    error = nesting.nested_too_deep(5, "trial", "templates/trial.md.j2")
    assert isinstance(error, TemplateSyntaxError)
    assert (error.lineno, error.message, error.name, error.filename) == (
        5,
        "nested too deep to compile; nest fewer tags or brackets here",
        "trial",
        "templates/trial.md.j2",
    )


DEEP = f"expression nested too deep (at most {limits.MAX_EXPRESSION_DEPTH} levels)"


def test_brackets_and_prefixes_nest_together_where_the_tree_does_not() -> None:
    # Each "(not " is two levels of the token stream, one of the syntax tree: only
    # the stream's count refuses 21 of them.
    assert _parse_error("{{ (" + "not (" * 19 + "not 1" + ")" * 20 + " }}") is None
    error = _parse_error("{{ (" + "not (" * 20 + "not 1" + ")" * 21 + " }}")
    assert error is not None and error[:2] == (1, DEEP)
    # 40 brackets are allowed, 41 are not (a bracket adds no level to the tree).
    depth = limits.MAX_EXPRESSION_DEPTH
    assert _parse_error("{{ " + "(" * depth + "1" + ")" * depth + " }}") is None
    error = _parse_error("{{ " + "(" * (depth + 1) + "1" + ")" * (depth + 1) + " }}")
    assert error is not None and error[:2] == (1, DEEP)
    error = _parse_error("{{ " + "not " * (depth + 1) + "}}")  # refused before Jinja sees it
    assert error is not None and error[:2] == (1, DEEP)


def test_a_run_of_prefixes_ends_at_its_operand_or_closing_bracket() -> None:
    assert _parse_error("{{ [" + ", ".join(["not a"] * 45) + "] }}") is None
    assert _parse_error("{{ [" + ", ".join(["(1)"] * 45) + "] }}") is None
    # Closed brackets leave their level at 0: 2 open + 38 "not" is exactly the limit.
    assert _parse_error("{{ (((1) and " + "not " * 38 + "1)) }}") is None
    # A sign after a keyword is a sign: the 41st, on line 42, is refused there.
    error = _parse_error("{{ x and\n" + "-\n" * 41 + "1 }}")
    assert error is not None and error[:2] == (42, DEEP)


def test_what_ends_a_run_of_prefixes_and_what_does_not() -> None:
    # Brackets side by side (joined by ~, which the tree keeps flat) each close.
    assert _parse_error("{{ (1)" + " ~ (1)" * 45 + " }}") is None
    depth = limits.MAX_EXPRESSION_DEPTH
    assert _parse_error("{{ (1) ~ " + "(" * depth + "1" + ")" * depth + " }}") is None
    # A binary minus is no sign: 2 brackets + 38 signs is exactly the limit.
    assert _parse_error("{{ ((x - " + "- " * 38 + "1)) }}") is None
    # Each operand ends its run: 20 brackets + one "not" at a time.
    assert _parse_error("{{ " + "(" * 20 + " and ".join(["not a"] * 21) + ")" * 20 + " }}") is None
    # A plus sign is a sign as a minus is: the 41st, on line 42, is refused there.
    error = _parse_error("{{ 1 *\n" + "+\n" * 41 + "1 }}")
    assert error is not None and error[:2] == (42, DEEP)


def test_a_stray_closing_bracket_is_jinja_s_error() -> None:
    assert _parse_error("{{ 1) }}") == (1, "unexpected ')'", "trial", "templates/trial.md.j2")


def test_a_chain_in_the_tree_may_be_exactly_as_deep_as_the_limit() -> None:
    # a.x.x...: one level per attribute, the name at the bottom one more.
    depth = limits.MAX_EXPRESSION_DEPTH
    assert _parse_error("{% if 1 %}{{ a" + ".x" * (depth - 1) + " }}{% endif %}") is None
    error = _parse_error("{% if 1 %}{{ a" + ".x" * depth + " }}{% endif %}")
    assert error == (1, DEEP, "trial", "templates/trial.md.j2")


def test_a_parser_recursion_is_told_as_nesting_in_its_template() -> None:
    # 3,000 chained conditions: Jinja's parser recurses once for each.
    error = _parse_error("{{ " + "1 if 1 else " * 3000 + "1 }}")
    assert error == (1, DEEP, "trial", "templates/trial.md.j2")


def test_a_tag_nested_too_deep_is_told_at_the_line_it_opens() -> None:
    error = _parse_error("{% if 1 %}" * limits.MAX_TAG_DEPTH + "\n{%\nif 1 %}")
    assert error is not None and error[0] == 2
    error = _parse_error("{% for i in [] %}" * limits.MAX_LOOP_DEPTH + "\n{%\nfor i in [] %}")
    assert error is not None and error[0] == 2


def test_python_s_nesting_limits_become_a_located_template_error() -> None:
    # 30 nested blocks (Python allows 20, 3.13 one more) refused on line 21 or 22 of
    # the generated code, which the debug table maps to template line 7.
    blocks = "".join("    " * i + f"for x{i} in ():\n" for i in range(30)) + " " * 120 + "pass\n"
    with pytest.raises(TemplateSyntaxError) as caught:
        nesting.compile_python(blocks + "debug_info = '3=2&7=15'\n", "trial.py")
    error = caught.value
    assert (error.lineno, error.name, error.filename) == (7, None, "trial.py")
    assert error.message == "nested too deep to compile; nest fewer tags or brackets here"
    # The parser's own overflow has no line: the template's first.
    with pytest.raises(TemplateSyntaxError) as caught:
        nesting.compile_python("x = " + "-" * 200_000 + "1\ndebug_info = '4=1'\n", "trial.py")
    assert caught.value.lineno == 1
    # Any other syntax error is not a nesting limit: Python's own, as it is.
    with pytest.raises(SyntaxError) as raised:
        nesting.compile_python("x = (", "trial.py")
    assert not isinstance(raised.value, TemplateSyntaxError)


def test_a_name_given_twice_becomes_a_located_template_error() -> None:
    """Python's compiler refuses a parameter or a keyword argument given twice, which
    Jinja's parser lets through: told at the template line, the name clipped."""
    long_name = "n" * 200
    code = f"def f(l_1_a, l_1_a): pass\ndef g(l_2_{long_name}, l_2_{long_name}): pass\n"
    for source, line, message in (
        ("f(x=1, x=2)\ndebug_info = '5=1'\n", 5, "argument 'x' is given twice in one call"),
        (code + "debug_info = '3=1&9=2'\n", 3, "parameter 'a' is named twice"),
        (code[26:] + "debug_info = '4=1'\n", 4, f"parameter '{clip(long_name)}' is named twice"),
    ):
        with pytest.raises(TemplateSyntaxError) as caught:
            nesting.compile_python(source, "trial.py")
        error = caught.value
        assert (error.lineno, error.name, error.filename) == (line, None, "trial.py")
        assert error.message is not None and error.message.startswith(message + ";")


def test_an_audience_holds_its_reading_ease_and_language(tmp_path: Path) -> None:
    front = "---\nreading_ease: 60\nlanguage: es-US\n---\nbody"
    (tmp_path / "b.md.j2").write_text(front, encoding="utf-8")
    info = SearchPath([Folder(tmp_path, "--templates")]).audience("b")
    assert (info.reading_ease, info.language) == (60, "es-US")


def test_a_name_outside_the_folders_is_not_found(tmp_path: Path) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "out.md.j2").write_text("x", encoding="utf-8")
    path = SearchPath([Folder(tmp_path / "t", "--templates")])
    assert path.find("../out.md.j2") is None
    assert path.find(str(tmp_path / "out.md.j2")) is None


# --- templating/limited: the sandbox's str.format ------------------------------------


def test_the_sandbox_wraps_str_format_and_format_map_only() -> None:
    env = LimitedSandbox()
    assert env.wrap_str_format("x".upper) is None
    assert env.wrap_str_format(string.Formatter().format) is None  # not a text's method
    as_map = env.wrap_str_format("{a}".format_map)
    assert as_map is not None and as_map({"a": 1}) == "1"
    for args, kwargs in [(({"a": 1}, {}), {}), ((), {"a": 1}), (({"a": 1},), {"b": 2})]:
        with pytest.raises(TypeError, match=r"^format_map\(\) takes exactly one argument$"):
            as_map(*args, **kwargs)
    fields = env.wrap_str_format("{0.real} {b}".format)
    assert fields is not None and fields(3, b="x") == "3 x"


def test_the_sandbox_s_format_escapes_into_markup() -> None:
    wrapped = LimitedSandbox().wrap_str_format(Markup("<b>{}</b>").format)
    assert wrapped is not None
    result = wrapped("<i>")
    assert isinstance(result, Markup) and result == Markup("<b>&lt;i&gt;</b>")
    field = LimitedSandbox().wrap_str_format(Markup("{0.real}").format)
    assert field is not None and field(3) == Markup("3")  # the sandbox reads the field


# --- templating/limited: what the code generator, modules and sandbox keep ---------


def test_only_literals_are_folded_and_so_skip_the_finalize() -> None:
    # A folded literal prints as written (Markdown); anything not folded passes the
    # finalize, which escapes it: so what prints shows what was folded.
    env = LimitedSandbox(autoescape=True, finalize=finalize)
    assert env.from_string('{{ "*a*" }}').render() == "*a*"
    assert env.from_string('{{ "*a" ~ "b*" }}').render() == "*ab*"
    assert env.from_string('{{ x ~ "*" }}').render(x="a") == "a\\*"


@pytest.mark.parametrize("opening", ["", "{% autoescape true %}", "{% autoescape flag %}"])
def test_tilde_escapes_its_parts_where_output_is_escaped(opening: str) -> None:
    closing = "{% endautoescape %}" if opening else ""
    env = LimitedSandbox(autoescape=not opening)
    source = opening + '{{ "<" ~ x }}' + closing
    assert env.from_string(source).render(x=Markup("<b>"), flag=True) == "&lt;<b>"


def test_an_import_with_context_sees_the_caller_s_names_and_renders_once() -> None:
    env = LimitedSandbox(loader=DictLoader({"m": "{% set ns.n = ns.n + 1 %}{% set v = x ~ y %}"}))
    source = (
        "{% set ns = namespace(n=0) %}{% for x in ['a'] %}"
        "{% import 'm' as m with context %}{{ m.v }} {{ ns.n }}{% endfor %}"
    )
    assert env.from_string(source).render(y="b") == "ab 1"


def test_the_sandbox_keeps_jinja_s_positional_settings_and_its_checks() -> None:
    env = LimitedSandbox("{%", "%}", "[[", "]]")
    assert env.from_string("[[ 1 + 1 ]]").render() == "2"
    assert env.policies["json.dumps_function"] is call_limits.checked_json_dumps
    shout = LimitedSandbox(finalize=lambda value: f"<{value}>")
    assert shout.from_string("{{ x }}").render(x=1) == "<1>"


def test_checked_filters_take_keyword_updates_too() -> None:
    filters = CheckedFilters()
    filters.update({"a": len}, b=len)
    assert sorted(filters) == ["a", "b"]


def test_a_template_keeps_its_name_and_file_in_errors_and_code() -> None:
    env = LimitedSandbox(loader=DictLoader({"t": "x"}))
    assert env.get_template("t").name == "t"
    twice = "{% block a %}{% endblock %}{% block a %}{% endblock %}"
    with pytest.raises(TemplateSyntaxError) as caught:
        env.compile(twice, "n", "f.j2")
    assert (caught.value.name, caught.value.filename) == ("n", "f.j2")
    with pytest.raises(TemplateSyntaxError) as caught:
        env.parse("{% if %}", "n", "f.j2")
    assert (caught.value.name, caught.value.filename) == ("n", "f.j2")
    deferred = env.compile("x", "n", "f.j2", raw=True, defer_init=True)
    assert "def root(context, missing=missing):" in deferred  # no environment yet


def test_a_recursion_while_generating_code_is_told_at_its_template_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def too_deep(self: object, node: nodes.Node, frame: object) -> None:
        raise RecursionError

    monkeypatch.setattr(LimitedCodeGenerator, "visit_Name", too_deep)
    with pytest.raises(TemplateSyntaxError) as caught:
        LimitedSandbox().compile("{% if 1 %}\n\n{{ x }}{% endif %}", "n", "f.j2")
    error = caught.value
    assert (error.lineno, error.name, error.filename) == (3, "n", "f.j2")
    assert error.message == "nested too deep to compile; nest fewer tags or brackets here"


def test_an_operator_s_result_over_a_limit_is_told_by_its_operator() -> None:
    # Two integers within the limit pass the check before `+`; their sum does not.
    env = LimitedSandbox()
    largest = 2**limits.MAX_INT_BITS - 1
    with pytest.raises(limits.LimitError, match=r"^\+ would make a number larger than"):
        env.call_binop(env.from_string("").new_context(), "+", largest, largest)


@pytest.mark.usefixtures("thirty_chars")
def test_the_sandbox_s_format_checks_each_value_and_counts_each_field() -> None:
    shortened = LimitedSandbox().wrap_str_format("{:.3}".format)
    assert shortened is not None and shortened("x" * 30) == "xxx"
    with pytest.raises(limits.LimitError, match=r"^'format' would make a text longer than 30 "):
        shortened("x" * 31)  # refused as a value, though its field would be short
    two = LimitedSandbox().wrap_str_format("{}{}".format)
    assert two is not None and two("x" * 15, "y" * 15) == "x" * 15 + "y" * 15
    with pytest.raises(limits.LimitError, match=r"^'format' would make a text longer than 30 "):
        two("x" * 15, "y" * 16)


# --- templating/call_limits: each filter's and call's check, at its edge -------------
# Each check runs before the work it guards; the result is checked again after, so a
# check that is off only shows where the work itself would stay within the limit. The
# filters here are Jinja's, checked as a template gets them but doing nothing (a spy):
# what they refuse, the check refused before they ran.


@pytest.fixture
def small_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts of at most 30 characters and lists of at most 3 items, for the call
    checks (which read the limits as their own names) too."""
    for module in (limits, call_limits):
        monkeypatch.setattr(module, "MAX_TEXT_CHARS", 30)
        monkeypatch.setattr(module, "MAX_ITEMS", 3)


def _spy_filter(name: str) -> Callable[..., object]:
    """Jinja's filter ``name`` with its checks, answering "ran" if they let it run."""
    real = JINJA_FILTERS[name]

    @functools.wraps(real)
    def spy(*args: object, **kwargs: object) -> str:
        return "ran"

    return call_limits.checked_filter(name, spy)


def _text_refused(what: str) -> str:
    return rf"^{what} would make a text longer than 30 characters$"


_CTX = object()  # what Jinja passes a filter that takes its context first


@pytest.mark.usefixtures("small_calls")
def test_center_and_indent_are_refused_by_their_width_before_they_run() -> None:
    center, indent = _spy_filter("center"), _spy_filter("indent")
    assert center("x", 30) == center("x", width=30) == "ran"
    for width in [{"width": 31}, {}]:  # 80 by default
        with pytest.raises(limits.LimitError, match=_text_refused("the filter 'center'")):
            center("x", **width)
    # Every line takes the indent: 3 lines of 10 fill 30 (the text itself is 5).
    assert indent("a\nb\nc", 10) == indent("\n".join("a" * 7)) == "ran"  # 4 by default
    for args in [("a\nb\nc", 11), ("\n".join("a" * 8),)]:
        with pytest.raises(limits.LimitError, match=_text_refused("the filter 'indent'")):
            indent(*args)


@pytest.mark.usefixtures("small_calls")
def test_the_format_filter_counts_its_positional_or_keyword_values() -> None:
    format_ = _spy_filter("format")
    # The template's own length (with its "%s" or "%(a)s") and each value's.
    assert format_("x" * 18 + "%s", "y" * 10) == format_("x" * 15 + "%(a)s", a="y" * 10) == "ran"
    for args, kwargs in [(("y" * 11,), {}), ((), {"a": "y" * 11})]:
        template = "x" * 15 + "%(a)s" if kwargs else "x" * 18 + "%s"
        with pytest.raises(limits.LimitError, match=_text_refused("the filter 'format'")):
            format_(template, *args, **kwargs)


@pytest.mark.usefixtures("small_calls")
def test_wordwrap_counts_its_text_times_its_wrapping_string() -> None:
    wordwrap = _spy_filter("wordwrap")
    assert wordwrap(_CTX, "x" * 30, wrapstring="abcd") == "ran"  # 4 times 30
    with pytest.raises(limits.LimitError, match=_text_refused("the filter 'wordwrap'")):
        wordwrap(_CTX, "x" * 30, wrapstring="abcde")
    # No wrapping string, or an empty one, counts as one character (texts longer than
    # a filter's input may be, so the check is called on its own).
    check = call_limits.FILTER_CHECKS["wordwrap"]
    for wrap in [None, ""]:
        check({"s": "x" * 120, "width": 79, "wrapstring": wrap}, "w")
        with pytest.raises(limits.LimitError, match=_text_refused("w")):
            check({"s": "x" * 121, "width": 79, "wrapstring": wrap}, "w")


@pytest.mark.usefixtures("small_calls")
def test_replace_counts_each_replacement_up_to_its_count() -> None:
    replace = _spy_filter("replace")
    # "" is found 11 times in 10 characters: 10 + 11 * 10 = 4 times 30.
    assert replace(_CTX, "x" * 10, "", "y" * 10) == "ran"
    with pytest.raises(limits.LimitError, match=_text_refused("the filter 'replace'")):
        replace(_CTX, "x" * 10, "", "y" * 11)
    for count in [0, 2, 20]:  # 20 + count * 10 of "a" * 20
        assert replace(_CTX, "a" * 20, "a", "y" * 5, count) == "ran"
        assert replace(_CTX, "a" * 20, "a", "y" * 10, min(count, 10)) == "ran"
    for count in [None, -1, 21]:  # every "a" replaced
        with pytest.raises(limits.LimitError, match=_text_refused("the filter 'replace'")):
            replace(_CTX, "a" * 20, "a", "y" * 10, count)


@pytest.mark.usefixtures("small_calls")
def test_join_counts_its_items_and_separators_but_not_a_text_or_a_mapping() -> None:
    join = _spy_filter("join")
    # Two items measure 14; with two separators of 23, twice 30.
    assert join(_CTX, ["x", "x"], "-" * 23) == "ran"
    with pytest.raises(limits.LimitError, match=_text_refused("the filter 'join'")):
        join(_CTX, ["x", "x"], "-" * 24)
    assert join(_CTX, "x" * 30, "-" * 30) == join(_CTX, {"x": 1}, "-" * 30) == "ran"

    class Stream:
        """Iterable, not sized: its separators cannot be counted ahead (measured 24)."""

        def __iter__(self) -> Iterator[str]:
            return iter(())

    call_limits.FILTER_CHECKS["join"]({"value": Stream(), "d": "-" * 37}, "j")


@pytest.mark.usefixtures("small_calls")
def test_batch_and_slice_are_refused_by_their_count_before_they_run() -> None:
    batch, slice_ = _spy_filter("batch"), _spy_filter("slice")
    assert batch([1], 3) == slice_(_CTX, [1], 3) == "ran"
    with pytest.raises(limits.LimitError, match=r"^the filter 'batch' would make a list of more"):
        batch([1], 4)
    with pytest.raises(limits.LimitError, match=r"^the filter 'slice' would make a list of more"):
        slice_(_CTX, [1], slices=4)


@pytest.mark.usefixtures("small_calls")
def test_tojson_s_indent_counts_once_per_level_of_nesting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(call_limits, "MAX_VALUE_DEPTH", 10)
    tojson = _spy_filter("tojson")
    assert tojson(_CTX, [1], indent=3) == tojson(_CTX, [1]) == "ran"
    with pytest.raises(limits.LimitError, match=_text_refused("the filter 'tojson'")):
        tojson(_CTX, [1], 4)


@pytest.mark.usefixtures("small_calls")
def test_urlize_counts_each_character_as_a_link_with_its_target_and_rel() -> None:
    urlize = _spy_filter("urlize")
    # Each character may start a link of 12 characters more, and its target and rel.
    assert urlize(_CTX, "x" * 10) == urlize(_CTX, "x" * 6, target="ab", rel="abcd") == "ran"
    for args, kwargs in [(("x" * 11,), {}), (("x" * 7,), {"target": "ab", "rel": "abcd"})]:
        with pytest.raises(limits.LimitError, match=_text_refused("the filter 'urlize'")):
            urlize(_CTX, *args, **kwargs)


def test_a_filter_is_checked_once_and_pprint_is_the_capped_one() -> None:
    upper = call_limits.checked_filter("upper", str.upper)
    assert call_limits.checked_filter("upper", upper) is upper
    assert call_limits.is_checked(upper) and not call_limits.is_checked(str.upper)
    pprint = call_limits.checked_filter("pprint", JINJA_FILTERS["pprint"])
    assert pprint.__wrapped__ is call_limits.checked_pprint  # type: ignore[attr-defined]


class _Repr:
    """A value printed as ``text`` (measured as anything opaque: 24)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


class _UnrepresentableList(list[str]):
    def __repr__(self) -> str:
        raise AssertionError("printed before the limit was checked")


@pytest.mark.usefixtures("small_calls")
def test_pprint_prints_as_python_does_and_stops_at_the_limit() -> None:
    assert call_limits.checked_pprint({"b": [1], "a": "x"}) == "{'a': 'x', 'b': [1]}"
    assert call_limits.checked_pprint(_Repr("X")) == "X"
    assert call_limits.checked_pprint(_Repr("a ")) == "a "
    for value in [_Repr("r" * 31), _UnrepresentableList(["x" * 40])]:
        with pytest.raises(limits.LimitError, match=_text_refused("the filter 'pprint'")):
            call_limits.checked_pprint(value)


@pytest.mark.usefixtures("small_calls")
def test_tojson_prints_as_json_does_and_stops_at_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dumps = call_limits.checked_json_dumps
    assert dumps({"b": 1, "a": [2]}, sort_keys=True) == '{"a": [2], "b": 1}'
    assert dumps([1], indent=2) == "[\n  1\n]"
    # Too long to print at all; short, but escaped past the limit.
    for value in [[object(), object()], "\x00" * 10]:
        with pytest.raises(limits.LimitError, match=_text_refused("the filter 'tojson'")):
            dumps(value)
    # Indented, it stops as soon as the text passes the limit, before the object it
    # cannot encode.
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 60)
    with pytest.raises(limits.LimitError, match=r"^the filter 'tojson' would make a text longer"):
        dumps([[[["x"]]], object()], indent=10)


class _Nameless:
    """A callable with no ``__name__`` (as Jinja's ``loop`` is)."""

    def __call__(self, *args: object) -> None:
        return None


def _takes_anything(*args: object, **kwargs: object) -> None:
    return None


@pytest.mark.usefixtures("small_calls")
def test_a_text_method_s_width_or_count_over_the_limit_is_refused_before_it_runs() -> None:
    assert call_limits.check_call("x".center, (30,), {}) == (30,)
    with pytest.raises(limits.LimitError, match=_text_refused("'center'")):
        call_limits.check_call("x".center, (31,), {})
    call_limits.check_call(_takes_anything, (31,), {})  # a function's number is no width
    # Methods that take no width, given text as long as each may be.
    call_limits.check_call(("x" * 30).count, ("y" * 5,), {})
    call_limits.check_call(("x" * 30).startswith, (("a", "b", "c"),), {})
    # Python's own error tells a replace without its new text.
    assert call_limits.check_call("abc".replace, ("a",), {}) == ("a",)


@pytest.mark.usefixtures("small_calls")
def test_text_methods_that_grow_text_are_checked_like_their_filters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    check = call_limits.check_call
    check(("x" * 10).replace, ("", "y" * 10), {})
    check("-".join, (["x", "x"],), {})
    check(("-" * 23).join, (["x", "x"],), {})
    check(("x" * 10).translate, ("y" * 12,), {})  # a table measuring 12
    for method, args in [
        (("x" * 10).replace, ("", "y" * 11)),
        (("-" * 24).join, (["x", "x"],)),
        (("x" * 11).translate, ("y" * 12,)),
        # Markup's methods are Python's, not built in: checked as text's all the same.
        (Markup("x" * 10).replace, ("", "y" * 11)),
        (Markup("-" * 24).join, (["x", "x"],)),
    ]:
        with pytest.raises(limits.LimitError, match=_text_refused(f"'{method.__name__}'")):
            check(method, args, {})
    # Tabs, in text or bytes, each take the tab size (8 by default).
    for tabs in ["\t" * 3, b"\t" * 3]:
        check(tabs.expandtabs, (10,), {})
        check(tabs.expandtabs, (), {})
        with pytest.raises(limits.LimitError, match=_text_refused("'expandtabs'")):
            check(tabs.expandtabs, (11,), {})
    with pytest.raises(limits.LimitError, match=_text_refused("'expandtabs'")):
        check(("\t" * 4).expandtabs, (), {})
    monkeypatch.setattr(call_limits, "MAX_TEXT_CHARS", 32)
    check(("\t" * 4).expandtabs, (), {})


@pytest.mark.usefixtures("small_calls")
def test_a_call_s_values_are_checked_and_its_iterators_taken_within_the_limits() -> None:
    nameless = _Nameless()
    assert call_limits.check_call(nameless, (iter("abc"),), {}) == (["a", "b", "c"],)
    with pytest.raises(limits.LimitError, match=r"^'the call' would make a list of more than 3"):
        call_limits.check_call(nameless, (iter("abcd"),), {})
    with pytest.raises(limits.LimitError, match=_text_refused("'_takes_anything'")):
        call_limits.check_call(_takes_anything, (), {"text": "y" * 31})
    # What Jinja passes along (the template's own variables) is not the call's.
    jinja_keywords = {"_loop_vars": {"a": "y" * 31}, "_block_vars": {"b": "y" * 31}}
    call_limits.check_call(_takes_anything, (), jinja_keywords)


@pytest.mark.usefixtures("small_calls")
def test_a_call_s_result_and_the_list_its_method_grew_are_checked() -> None:
    items = [1, 2, 3, 4]  # as after items.append(4)
    with pytest.raises(limits.LimitError, match=r"^'append' would make a list of more than 3"):
        call_limits.check_call_result(items.append, None)
    assert call_limits.check_call_result(_Nameless(), "x" * 30) == "x" * 30
    with pytest.raises(limits.LimitError, match=_text_refused("'the call'")):
        call_limits.check_call_result(_Nameless(), "x" * 31)


def _two(a: object, b: object) -> None:
    return None


def _nothing() -> None:
    return None


@pass_context
def _with_context(context: object, a: object) -> None:
    return None


def test_a_helper_s_wrong_arguments_are_told_in_the_template_s_terms() -> None:
    problem = call_limits.argument_problem
    assert problem(_nothing, (1,), {}) == (
        "_nothing() takes at most 0 arguments, got 1; it takes no arguments"
    )
    assert problem(_two, (1,), {"a": 1}) == "_two() got 'a' twice; its parameters are a, b"
    assert problem(_two, (), {"zzz": 1}) == "_two() has no parameter 'zzz'; its parameters are a, b"
    assert problem(_two, (1,), {"b": 2}) is None  # the TypeError came from inside
    assert problem(_with_context, (1, 2, 3), {}) is None  # Jinja passes the context first


# --- templating/sandbox: the allow-list, read one object at a time ----------------


class _Pair(NamedTuple):
    first: int
    second: int


class _Fields:
    """Not a tuple, though its class has ``_fields`` (as syntax-tree nodes do)."""

    _fields = ("first",)


def test_each_kind_of_object_allows_exactly_its_own_attributes() -> None:
    allowed = sandbox.allowed_attributes
    assert allowed("x") == sandbox.TEXT_METHODS
    assert allowed(Markup("x")) == sandbox.MARKUP_METHODS
    assert allowed({}) == sandbox.MAPPING_METHODS
    assert allowed([]) == allowed(()) == allowed(range(1)) == sandbox.SEQUENCE_METHODS
    assert allowed(_Pair(1, 2)) == sandbox.SEQUENCE_METHODS | {"first", "second"}
    assert allowed(object.__new__(LoopContext)) == sandbox.LOOP_ATTRIBUTES
    assert allowed(Cycler(1)) == sandbox.CYCLER_ATTRIBUTES
    assert allowed(object.__new__(BlockReference)) == sandbox.BLOCK_ATTRIBUTES
    assert allowed(_Fields()) == allowed(1) == allowed(Path()) == sandbox.NOTHING


def test_no_name_with_an_underscore_is_readable_not_even_in_a_namespace() -> None:
    assert sandbox.is_safe_attribute(Namespace(a=1), "a", 1)
    assert not sandbox.is_safe_attribute(Namespace(a=1), "_Namespace__attrs", {})
    assert not sandbox.is_safe_attribute("x", "__class__", str)


def _helper() -> None:
    return None


def _other() -> None:
    return None


@functools.wraps("x".upper)
def _wraps_upper() -> None:
    return None


class _Formats:
    def format(self) -> None:
        return None


@functools.wraps(_Formats().format)
def _wraps_another_format() -> None:
    return None


def test_only_globals_allowed_methods_and_the_sandbox_s_format_are_callable() -> None:
    safe = sandbox.is_safe_callable
    assert safe(_helper, [_other, _helper]) and safe("x".upper, [])
    assert safe(LimitedSandbox().wrap_str_format("{}".format), [])
    assert safe(1, []) and safe(Undefined(), [])  # calling them fails, saying why
    for refused in [_other, "x".center, str, os.getcwd, _wraps_upper, _wraps_another_format]:
        assert not safe(refused, [_helper]), refused


def test_a_refusal_names_the_kind_of_object_and_the_filter_to_use() -> None:
    assert sandbox.refusal("x", "ljust") == (
        "'ljust' of text is not available to templates; use the 'format' filter"
    )
    assert sandbox.refusal([], "append") == "'append' of a list is not available to templates"
    describe = sandbox.describe
    assert describe(date_view(dt.date(2024, 1, 2))) == "date"
    assert [describe(v) for v in (1, 2.5, True, (), [], {})] == [
        "a number",
        "a number",
        "true or false",
        "a list",
        "a list",
        "a mapping",
    ]
    assert {describe(f) for f in (_helper, "x".upper, len)} == {"a function"}
    assert describe(object.__new__(Macro)) == "a macro"
    assert describe(object.__new__(LoopContext)) == "loop"
    assert describe(Path()) == f"a {type(Path()).__name__} object"


def test_jinja_s_globals_are_functions_that_act_as_jinja_s_do() -> None:
    functions = sandbox.jinja_globals()
    assert sorted(functions) == ["cycler", "dict", "joiner", "lipsum", "namespace", "range"]
    assert functions["dict"]([("a", 1)], b=2) == {"a": 1, "b": 2}
    namespace = functions["namespace"]({"a": 1}, b=2)
    assert (namespace.a, namespace.b) == (1, 2)
    joiner, semicolon = functions["joiner"](), functions["joiner"]("; ")
    assert (joiner(), joiner(), semicolon(), semicolon()) == ("", ", ", "", "; ")
    with pytest.raises(TypeError, match=r"^cycler\(\) needs at least one item$"):
        functions["cycler"]()


@pytest.mark.parametrize(
    "args",
    # min equal to max is no range to draw from, but no paragraph draws from it
    [
        (),
        (0,),
        (100, True, 1, 2),
        (1, False, 0, 1),
        (1, True, 999, 1000),
        (2, False, 3, 9),
        (0, True, 5, 5),
    ],
)
def test_lipsum_is_jinja_s_within_its_bounds(args: tuple[object, ...]) -> None:
    random.seed(24)  # a draw that changes with any default (n, html, min or max)
    ours = sandbox.jinja_globals()["lipsum"](*args)
    random.seed(24)
    assert ours == generate_lorem_ipsum(*(args + (5, True, 20, 100)[len(args) :]))


@pytest.mark.parametrize(
    "args",
    [(-1,), (101,), (1, True, -1, 5), (1, True, 6, 5), (1, True, 5, 1001), (101, True, 6, 5)],
)
def test_lipsum_out_of_its_bounds_is_refused(args: tuple[object, ...]) -> None:
    with pytest.raises(SecurityError, match=r"^lipsum: at most 100 paragraphs of 1,000 words$"):
        sandbox.jinja_globals()["lipsum"](*args)


# --- templating/environment: what a render gives, where each line came from, and how
# its errors are told


def _search(tmp_path: Path, files: dict[str, str]) -> SearchPath:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return SearchPath([Folder(folder, "workspace")])


def _renderer(search: SearchPath) -> TemplateRenderer:
    return TemplateRenderer(search, _store(), Settings(), dt.date(2024, 3, 5))


def test_a_render_keeps_each_line_s_template_file_and_line(tmp_path: Path) -> None:
    search = _search(
        tmp_path,
        {
            "trial.md.j2": (
                "# Trial\n  {% if true %}\n{{ date.iso }} {{ '<b>*x*' | lower }} {{ '<i>' }}\n"
                "  {% endif %}\n{% include '_part.md.j2' %}\nend\n"
            ),
            "_part.md.j2": "part one\npart two\n",
        },
    )
    rendered = _renderer(search).render(search.audience("trial"))
    # Tags on lines of their own leave nothing; printed values are escaped for
    # Markdown, a literal for HTML (autoescape); the last newline is kept.
    assert rendered.text == (
        "# Trial\n2024\\-03\\-05 \\<b\\>\\*x\\* &lt;i&gt;\npart one\npart two\nend\n"
    )
    trial, part = (str(tmp_path / "templates" / n) for n in ("trial.md.j2", "_part.md.j2"))
    assert rendered.lines == tuple(
        Location.of(path, line)
        for path, line in [(trial, 1), (trial, 3), (part, 1), (part, 2), (trial, 6), (trial, 7)]
    )
    assert rendered.folders == (tmp_path / "templates",)


def test_an_empty_render_is_one_empty_line_at_the_template_s_first(tmp_path: Path) -> None:
    search = _search(tmp_path, {"empty.md.j2": ""})
    rendered = _renderer(search).render(search.audience("empty"))
    assert rendered.text == ""
    assert rendered.lines == (Location.of(str(tmp_path / "templates" / "empty.md.j2"), 1),)


def test_a_render_sees_the_date_in_its_language_and_the_recipient(tmp_path: Path) -> None:
    body = "{{ date.month_name }} {{ date }} {{ recipient.district if recipient else 'none' }}\n"
    search = _search(tmp_path, {"en.md.j2": body, "es.md.j2": "---\nlanguage: es-US\n---\n" + body})
    renderer = _renderer(search)
    english, spanish = search.audience("en"), search.audience("es")
    assert renderer.render(english).text == "March March 2024 none\n"
    assert renderer.render(spanish).text == "\n\n\nmarzo marzo de 2024 none\n"
    one = recipient_view(("district",), ("7",))
    assert renderer.render(english, one).text == "March March 2024 7\n"
    settings = Settings.model_validate({"build": {"date": "2020-01-02"}})
    assert TemplateRenderer(search, _store(), settings).day == dt.date(2020, 1, 2)


def test_a_template_without_a_name_is_marked_as_such(tmp_path: Path) -> None:
    renderer = _renderer(_search(tmp_path, {}))
    renderer.env.from_string("x")
    assert renderer.env.marker_files[-1] == "<template>"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("body", "visible", "runs", "refusal"),
    [
        ("{{ 'x' * 10 }}{{ 'x' * 10 }}", 20, 2, ""),  # two tags, each run once
        ("{{ 'x' * 10 }}{{ 'x' * 11 }}", 20, 1000, "the template's output passed 20 characters"),
        ("{{ 'x' * 10 }}{{ 'x' * 10 }}", 1000, 1, "the template's tags and lines ran over 1 times"),
        # The first chunk: told at the template's first line.
        ("x" * 21, 20, 1000, "the template's output passed 20 characters"),
    ],
)
def test_the_output_limit_counts_what_a_reader_sees_and_tag_runs_apart(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    body: str,
    visible: int,
    runs: int,
    refusal: str,
) -> None:
    monkeypatch.setattr(environment, "MAX_OUTPUT_CHARS", visible)
    monkeypatch.setattr(environment, "MAX_TAG_RUNS", runs)
    search = _search(tmp_path, {"trial.md.j2": body})
    renderer = _renderer(search)
    if not refusal:
        assert renderer.render(search.audience("trial")).text == "x" * 20
        return
    with pytest.raises(TemplateError) as caught:
        renderer.render(search.audience("trial"))
    assert caught.value.location == Location.of(str(tmp_path / "templates" / "trial.md.j2"), 1)
    assert caught.value.detail == f"{refusal}; is a loop running away?"


def test_markers_come_off_and_each_line_takes_the_marker_before_its_text() -> None:
    mark = environment._marker
    default = Location.of("d.j2", 1)
    text = "\n".join(
        [
            "plain",  # before any marker: the default
            mark(0, 3) + " " + mark(0, 4) + "x y",  # the last marker before the text
            "no marker",  # the line before's
            "z" + mark(0, 5) + mark(0, 6),  # text first: the first marker
            mark(0, 9) + " w " + mark(0, 10) + "v",  # the one before the text only
            mark(1, 8),  # a file not in the list: the default's
        ]
    )
    clean, lines, _ = environment.strip_markers(text, default, ["a.j2"])
    assert clean == "plain\n x y\nno marker\nz\n w v\n"
    assert lines == (
        default,
        Location.of("a.j2", 4),
        Location.of("a.j2", 4),
        Location.of("a.j2", 5),
        Location.of("a.j2", 9),
        Location.of("d.j2", 8),
    )


def test_a_line_of_several_template_lines_knows_where_each_part_starts() -> None:
    """The offsets in the clean line where a later template line's text starts, so a
    column of the output is traced to the template line that wrote it."""
    mark = environment._marker
    default = Location.of("d.j2", 1)
    text = "\n".join(
        [
            mark(0, 3) + "ab " + mark(0, 4) + "cd" + mark(0, 5) + "ef",
            "z" + mark(0, 6) + "y" + mark(0, 7) + "x",  # text first: the first marker's
            mark(0, 8) + "one line",
        ]
    )
    clean, lines, later = environment.strip_markers(text, default, ["a.j2"])
    assert clean == "ab cdef\nzyx\none line"
    at = [Location.of("a.j2", n) for n in range(9)]
    assert lines == (at[3], at[6], at[8])
    assert later == {0: ((3, at[4]), (5, at[5])), 1: ((2, at[7]),)}
    audience = AudienceInfo("t", "T", path=Path("t.j2"))
    rendered = environment.Rendered(clean, lines, audience, later=later)
    assert [rendered.location(0, column) for column in range(7)] == [
        at[3],
        at[3],
        at[3],
        at[4],
        at[4],
        at[5],
        at[5],
    ]
    assert [rendered.location(1, column) for column in range(3)] == [at[6], at[6], at[7]]
    assert rendered.location(2, 5) == at[8]


def test_a_rendered_line_s_location_is_clamped_to_the_lines_there_are() -> None:
    lines = tuple(Location.of("t.j2", n) for n in (1, 2, 3))
    audience = AudienceInfo("t", "T", path=Path("t.j2"))
    rendered = environment.Rendered("", lines, audience)
    assert [rendered.location(i) for i in (-1, 1, 10)] == [lines[0], lines[1], lines[2]]
    assert environment.Rendered("", (), audience).location(0) == Location.of(Path("t.j2"))
    nameless = environment.Rendered("", (), AudienceInfo("t", "T"))
    assert nameless.location(0) == Location.of("")


UNCLOSED = "Unexpected end of template. The innermost block that needs to be closed is 'if'."


def test_an_unclosed_tag_is_told_at_the_tag_left_open(tmp_path: Path) -> None:
    path = tmp_path / "t.md.j2"
    path.write_text(
        "{% if a %}\n{%- if b %}\n{% if c %}{% iffy %}\n{% endif %}\n{% endif %}\ntext\n",
        encoding="utf-8",
    )
    for line in [6, 60]:  # where Jinja gave up, or past the end
        assert environment._unclosed_block_line(str(path), line, UNCLOSED) == 1
    assert environment._unclosed_block_line(str(path), 3, UNCLOSED) == 3
    assert environment._unclosed_block_line(str(path), 6, "unknown tag 'iffy'") is None
    assert environment._unclosed_block_line(None, 6, UNCLOSED) is None
    assert environment._unclosed_block_line(str(tmp_path / "gone"), 6, UNCLOSED) is None
    path.write_bytes(b"{% if a %}\xff\n")
    assert environment._unclosed_block_line(str(path), 1, UNCLOSED) is None


def test_a_syntax_error_shows_its_line_with_a_caret_under_the_culprit(tmp_path: Path) -> None:
    path = tmp_path / "t.md.j2"
    lines = [
        "\t{{ x | nosuch | nosuch }}",  # a tab takes 4 columns
        "nosuch {{ x }}",
        "{% a %} {{ b }} {% c %}",
        "{{ a }} {% b %} {{ c }}",
        "   plain",
        "text if {% if a %}",
        "{% macro m(a, a) %}",
        "{{ nosuchname }}",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def caret(line: int, message: str) -> tuple[str, int] | str:
        shown = environment._caret_context(str(path), line, message)
        if not shown:
            return shown
        _, text, under = shown.split("\n")
        return text[4:], len(under) - 5

    culprit = "No filter named 'zzz' or 'nosuch'."
    assert caret(1, culprit) == ("    {{ x | nosuch | nosuch }}", 11)
    assert caret(2, culprit) == ("nosuch {{ x }}", 0)
    assert caret(3, "expected token") == ("{% a %} {{ b }} {% c %}", 16)  # the last tag
    assert caret(4, "expected token") == ("{{ a }} {% b %} {{ c }}", 16)
    assert caret(5, "expected token") == ("   plain", 3)
    assert caret(6, UNCLOSED) == ("text if {% if a %}", 8)  # 'if' names no culprit
    # A culprit standing as a word of its own, not the 'a' in "macro"; else as part
    # of one.
    assert caret(7, "parameter 'a' is named twice") == ("{% macro m(a, a) %}", 11)
    assert caret(8, "'nosuch' is undefined") == ("{{ nosuchname }}", 3)
    assert caret(0, culprit) == caret(9, culprit) == ""
    assert environment._caret_context(None, 1, culprit) == ""
    assert environment._caret_context(str(tmp_path / "gone"), 1, culprit) == ""


def test_a_syntax_error_on_a_long_line_is_told_in_a_few_hundred_characters(
    tmp_path: Path,
) -> None:
    """A tag of 80,000 letters, or a slip in a line as long, was quoted whole by the
    message and the line shown above the caret: one error printed 320 KB. The message
    is clipped, and the line shown around the caret."""
    long_tag = "ǅ" * 80_000
    search = _search(
        tmp_path,
        {
            "t.md.j2": f"# T\n{{% {long_tag} %}}\n",
            "u.md.j2": "# T\n" + "x" * 5000 + " {{ x | nosuch }} " + "y" * 5000 + "\n",
        },
    )
    for name, message in (
        ("t", "Encountered unknown tag 'ǅǅ"),
        ("u", "unknown filter 'nosuch'"),
    ):
        with pytest.raises(TemplateError) as caught:
            _renderer(search).render(search.audience(name))
        first, shown, caret = caught.value.detail.split("\n")
        assert first.startswith(message) and len(first) <= environment.MAX_MESSAGE_CHARS
        assert len(shown) <= 4 + 2 * environment.CONTEXT_CHARS + 2
        culprit = "ǅ" if name == "t" else "nosuch"
        assert shown[len(caret) - 1 :].startswith(culprit), (shown, caret)
    assert caught.value.detail.split("\n")[1].startswith("    …" + "x" * 80)
    assert caught.value.detail.split("\n")[1].endswith("y…")


def test_a_block_that_replaces_nothing_is_told_in_one_short_line(tmp_path: Path) -> None:
    """A block of 80,000 letters that its parent lacks, beside one as long there: the
    message quoted both whole, and "did you mean" compared them whole (9 s). Names are
    clipped, and at most 20 of the parent's blocks listed."""
    letters = [chr(c) for c in range(0x100, 0x250) if chr(c).isidentifier()]
    pick = random.Random(0).choice
    theirs, mine = ("".join(pick(letters) for _ in range(80_000)) for _ in "ab")
    blocks = "".join(f"{{% block b{i:02} %}}{{% endblock %}}\n" for i in range(24))
    search = _search(
        tmp_path,
        {
            "_p.md.j2": f"# T\n{blocks}{{% block {theirs} %}}{{% endblock %}}\n",
            "t.md.j2": f'{{% extends "_p.md.j2" %}}\n{{% block {mine} %}}x{{% endblock %}}\n',
            "u.md.j2": '{% extends "_p.md.j2" %}\n{% block b07x %}x{% endblock %}\n',
        },
    )
    told = []
    for name in ("t", "u"):
        with pytest.raises(TemplateError) as caught:
            _renderer(search).render(search.audience(name))
        told.append(caught.value.detail)
    listed = ", ".join(f"b{i:02}" for i in range(20)) + " and 5 more"
    assert told[0] == (
        f"block '{clip(mine)}' replaces nothing: _p.md.j2 has no such block; its blocks are "
        + listed
    )
    assert told[1] == (
        "block 'b07x' replaces nothing: _p.md.j2 has no such block (did you mean 'b07'?); "
        "its blocks are " + listed
    )


def test_an_error_message_is_clipped_to_one_readable_line() -> None:
    limit = environment.MAX_MESSAGE_CHARS
    assert environment._clip("m" * limit) == "m" * limit
    assert environment._clip("m" * (limit + 1)) == "m" * (limit - 1) + "\u2026"


def test_a_runtime_error_is_told_in_a_template_author_s_words(tmp_path: Path) -> None:
    search = _search(tmp_path, {})
    message = environment._runtime_message
    assert message(RecursionError(), search) == (
        "recursion too deep; does a macro or block call itself, or a template include itself?"
    )
    assert message(MemoryError(), search) == (
        "the template needs more memory than there is; is a loop running away?"
    )
    assert message(ValueError("bad"), search) == "ValueError: bad"


def test_every_filter_a_template_may_use_is_named() -> None:
    names = environment.search_path_filters()
    assert names == sorted(names) and {"upper", "number"} <= set(names)


def test_the_brief_sandbox_refuses_off_the_allow_list_in_its_own_words(tmp_path: Path) -> None:
    search = _search(tmp_path, {"t.md.j2": "{{ 'x'.center(9) }}\n"})
    renderer = _renderer(search)
    assert not renderer.env.is_safe_callable("x".center)
    assert renderer.env.is_safe_callable(renderer.env.globals["fact"])
    with pytest.raises(TemplateError) as caught:
        renderer.render(search.audience("t"))
    assert caught.value.detail == (
        "not allowed in a template (sandbox): 'center' of text is not available to"
        " templates; use the 'center' filter"
    )


def test_a_time_out_before_any_template_line_runs_is_told_at_the_first_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    search = _search(tmp_path, {"t.md.j2": "text\n"})
    renderer = _renderer(search)

    def compiling(name: str) -> None:
        raise environment._Timeout()

    monkeypatch.setattr(renderer.env, "get_template", compiling)
    with pytest.raises(TemplateError) as caught:
        renderer.render(search.audience("t"))
    assert caught.value.location == Location.of(str(tmp_path / "templates" / "t.md.j2"), 1)
    assert caught.value.detail == "the template ran longer than 10 s; is a loop running away?"


def test_a_fact_s_apostrophes_between_letters_print_curly() -> None:
    store = _store()
    said = store.get("said").model_copy(
        update={
            "text": "It's ours, 'theirs' and 1'2.",
            "speaker": "Pat O'Brien",
            "role": "Chief's aide",
            "organization": "Smith's County",
        }
    )
    view = view_of(said.model_copy(update={"short": "the chief's words"}), store)
    assert view.text == "It’s ours, 'theirs' and 1'2."
    assert view.short == "the chief’s words"
    assert view.attribution == "Pat O’Brien, Chief’s aide, Smith’s County"
    # docs/facts.md: "and the Spanish form's" too.
    form = Translation(
        text="Dijo O'Neil: 'ya'.", short="según O'Neil", role="jefa d'área", organization="L'Aula"
    )
    spanish = view_of(said.model_copy(update={"es": form, "short": "s"}), store, "es-US")
    assert (spanish.text, spanish.short) == ("Dijo O’Neil: 'ya'.", "según O’Neil")
    assert spanish.attribution == "Pat O’Brien, jefa d’área, L’Aula"
