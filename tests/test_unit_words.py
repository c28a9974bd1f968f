"""A fact's unit words after its number: singular after 1 when the unit's singular is
certain ("1 death", "1 muerte"), as written after any other number or for a unit
briefgen does not know."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from briefgen.charts import resolve_chart
from briefgen.errors import Location
from briefgen.facts.formatting import format_value
from briefgen.facts.schema import Fact, Source
from briefgen.facts.store import FactStore
from briefgen.templating.helpers import BLOCK_MARK, Helpers, md_escape, view_of


def _fact(
    value: float,
    unit: str,
    es_unit: str | None = None,
    *,
    value_max: float | None = None,
    qualifier: str | None = None,
    fact_id: str = "x",
    as_of: str = "2022",
) -> Fact:
    fields: dict[str, object] = {
        "id": fact_id,
        "kind": "statistic",
        "text": "t",
        "value": value,
        "value_max": value_max,
        "qualifier": qualifier,
        "unit": unit,
        "as_of": as_of,
        "source": "s",
    }
    if es_unit:
        fields["es"] = {"text": "t", "unit": es_unit}
    return Fact.model_validate(fields)


@pytest.mark.parametrize(
    ("value", "unit", "es_unit", "english", "spanish"),
    [
        (1, "deaths", "muertes", "1 death", "1 muerte"),
        (1.0, "people", "personas", "1 person", "1 persona"),
        (
            1,
            "pounds of fentanyl",
            "libras de fentanilo",
            "1 pound of fentanyl",
            "1 libra de fentanilo",
        ),
        (1, "percentage points", "puntos porcentuales", "1 percentage point", "1 punto porcentual"),
        (
            1,
            "deaths per 100,000 people",
            "muertes por cada 100,000 personas",
            "1 death per 100,000 people",
            "1 muerte por cada 100,000 personas",
        ),
        (1, "times", "veces", "1 times", "1 vez"),  # "1 time as likely" reads no better
        # Any other number keeps the plural: -1, 0, a decimal.
        (-1, "deaths", "muertes", "-1 deaths", "-1 muertes"),
        (0, "deaths", "muertes", "0 deaths", "0 muertes"),
        (0.5, "miles", "millas", "0.5 miles", "0.5 millas"),
        (1.5, "pounds", "libras", "1.5 pounds", "1.5 libras"),
        (11, "cases", "casos", "11 cases", "11 casos"),
        # A unit briefgen does not know, or a word a listed one only begins, as written.
        (1, "series", "series", "1 series", "1 series"),
        (1, "pointsmen", "guardagujas", "1 pointsmen", "1 guardagujas"),
        (1, "Deaths", "Muertes", "1 Deaths", "1 Muertes"),
    ],
)
def test_a_unit_reads_in_the_singular_after_1_only_where_that_is_certain(
    value: float, unit: str, es_unit: str, english: str, spanish: str
) -> None:
    fact = _fact(value, unit, es_unit)
    assert (format_value(fact), format_value(fact, "es-US")) == (english, spanish)


def test_a_qualified_1_reads_in_the_singular_and_a_range_in_the_plural() -> None:
    assert format_value(_fact(1, "deaths", "muertes", qualifier="about")) == "about 1 death"
    assert format_value(_fact(1, "deaths", "muertes", qualifier="over"), "es-US") == (
        "más de 1 muerte"
    )
    assert format_value(_fact(1, "people", "personas", value_max=2)) == "1\u20132 people"
    assert format_value(_fact(0, "people", "personas", value_max=1), "es-US") == "0\u20131 personas"


def test_amounts_and_shares_of_1_are_unchanged() -> None:
    assert format_value(_fact(1, "USD per pill", "USD por pastilla")) == "$1 per pill"
    assert format_value(_fact(1, "percent")) == "1%"
    assert format_value(_fact(1, "USD"), "es-US") == "$1"


def _store(*facts: Fact) -> FactStore:
    source = Source.model_validate({"id": "s", "type": "report", "title": "A report"})
    return FactStore(facts={f.id: f for f in facts}, sources={source.id: source})


def test_the_page_prints_1_in_the_singular_in_the_number_a_callout_and_a_chart() -> None:
    one = _fact(1, "deaths", "muertes", fact_id="one", as_of="2020")
    five = _fact(5, "deaths", "muertes", fact_id="five", as_of="2021")
    store = _store(one, five)
    assert view_of(one, store).number == "1\u00a0death"
    assert view_of(one, store, "es-US").number == "1\u00a0muerte"
    assert Helpers(store).callout("one").startswith(f"{BLOCK_MARK}!!! callout 1 death\nt [@one]")
    here = Location("brief.md", 1)
    chart = resolve_chart('{"kind": "bar", "facts": ["one", "five"]}', store, here)
    assert chart.alt == "Bar chart of deaths, 1 death in 2020 and 5 deaths in 2021"
    spanish = resolve_chart('{"kind": "bar", "facts": ["one", "five"]}', store, here, "es-US")
    assert spanish.alt == "Gráfico de barras (muertes), 1 muerte en 2020 y 5 muertes en 2021"


@pytest.mark.parametrize(
    ("value", "unit", "label", "language", "shown"),
    [
        (1, "deaths", "deaths at the crossing", "en-US", ("1", "death at the crossing")),
        (1, "deaths", "muertes en el cruce", "es-US", ("1", "muerte en el cruce")),
        (3, "deaths", "deaths at the crossing", "en-US", ("3", "deaths at the crossing")),
        # A share or an amount is not counted by its label.
        (1, "percent", "people who say so", "en-US", ("1%", "people who say so")),
        (1, "USD", "pills for a dollar", "en-US", ("$1", "pills for a dollar")),
    ],
)
def test_a_callout_label_reads_on_from_a_figure_of_1_in_the_singular(
    value: float, unit: str, label: str, language: str, shown: tuple[str, str]
) -> None:
    es_unit = "muertes" if unit == "deaths" else None
    store = _store(_fact(value, unit, es_unit, fact_id="one"))
    helpers = Helpers(store, language)
    figure, words = shown
    expected = f"{BLOCK_MARK}!!! callout {md_escape(figure)}\n{words} [@one]"
    assert helpers.callout("one", label=label).startswith(expected)


def test_a_callout_label_of_markdown_keeps_its_citations_after_a_figure_of_1() -> None:
    store = _store(_fact(1, "deaths", fact_id="one"), _fact(5, "deaths", fact_id="five"))
    helpers = Helpers(store)
    label = Markup("deaths, as [@five] says")
    assert helpers.callout("one", label=label).startswith(
        f"{BLOCK_MARK}!!! callout 1\ndeath, as [@five] says [@one]"
    )


@pytest.mark.parametrize(
    ("as_of", "english", "spanish"),
    [
        ("2021", "5 deaths in 2021", "5 muertes en 2021"),
        ("2021-03", "5 deaths in March 2021", "5 muertes en marzo de 2021"),
        # A day is "on" it in English; Spanish names it with its article, no "en".
        ("2021-03-13", "5 deaths on March 13, 2021", "5 muertes el 13 de marzo de 2021"),
        # "año fiscal" takes its article, as Spanish gives a noun after "en".
        ("FY2021", "5 deaths in FY 2021", "5 muertes en el año fiscal 2021"),
        (
            "FY2020/FY2021",
            "5 deaths in FY 2020\u2013FY 2021",
            "5 muertes en los años fiscales 2020\u20132021",
        ),
    ],
)
def test_a_chart_description_says_each_period_as_a_sentence_does(
    as_of: str, english: str, spanish: str
) -> None:
    one = _fact(1, "deaths", "muertes", fact_id="one", as_of="2019")
    five = _fact(5, "deaths", "muertes", fact_id="five", as_of=as_of)
    store = _store(one, five)
    here = Location("brief.md", 1)
    spec = '{"kind": "bar", "facts": ["one", "five"]}'
    assert resolve_chart(spec, store, here).alt.endswith(f" and {english}")
    assert resolve_chart(spec, store, here, "es-US").alt.endswith(f" y {spanish}")
