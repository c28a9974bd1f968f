"""A fact's ``qualifier`` ("over 70,000", "about 100 times", "at least 10"): printed
before its number wherever the number is printed, and refused at its line when
briefgen does not know the word."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from briefgen.charts import resolve_chart, short_figure
from briefgen.errors import FactsError, Location, ProblemList
from briefgen.facts import load_store
from briefgen.facts.formatting import format_value
from briefgen.facts.schema import QUALIFIERS
from briefgen.facts.store import FactStore
from briefgen.templating.helpers import BLOCK_MARK, Helpers, view_of

HERE = Location("brief.md", 1)


def store_file(folder: Path, qualifier: str | None, *, value: str = "70000") -> Path:
    """Two deaths statistics (the second qualified when ``qualifier``); its
    ``qualifier`` line is line 21."""
    extra = f"    qualifier: {qualifier}\n" if qualifier is not None else ""
    value_line = f"    value: {value}\n" if value else ""
    text = textwrap.dedent(
        """\
        sources:
          - id: report
            type: report
            title: A report
        facts:
          - id: deaths-2014
            kind: statistic
            text: 5,544 deaths in 2014.
            value: 5544
            unit: deaths
            as_of: 2014
            source: report
          - id: deaths-2021
            kind: statistic
            text: Over 70,000 deaths in 2021.
            short: deaths in 2021
            unit: deaths
            as_of: 2021
            source: report
        """
    )
    path = folder / "facts.yaml"
    path.write_text(text + value_line + extra, encoding="utf-8")
    return path


def loaded(folder: Path, qualifier: str | None, **kwargs: str) -> FactStore:
    return load_store(store_file(folder, qualifier, **kwargs), today=dt.date(2024, 1, 1))


def messages(folder: Path, qualifier: str | None, **kwargs: str) -> list[str]:
    with pytest.raises(FactsError) as caught:
        loaded(folder, qualifier, **kwargs)
    error = caught.value
    problems = error.problems if isinstance(error, ProblemList) else [error]
    return [p.format_message() for p in problems]


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_qualifier_goes_before_the_number_wherever_it_is_printed(in_tmp: Path) -> None:
    store = loaded(in_tmp, "over")
    fact = store.get("deaths-2021")
    assert fact.qualifier == "over"
    assert format_value(fact) == "over 70,000 deaths"
    assert fact.number() == "over 70,000 deaths"
    assert short_figure(fact) == "over 70,000"
    view = view_of(fact, store)
    # On the page the number keeps to its unit: no line ends "70,000" over "deaths".
    assert (view.number, view.qualifier) == ("over 70,000\u00a0deaths", "over")
    # The unqualified fact beside it prints as before.
    assert store.get("deaths-2014").number() == "5,544 deaths"
    assert view_of(store.get("deaths-2014"), store).qualifier == ""


def test_a_chart_prints_the_qualifier_in_its_figure_and_its_alt_text(in_tmp: Path) -> None:
    store = loaded(in_tmp, "over")
    spec = '{"kind": "bar", "facts": ["deaths-2014", "deaths-2021"], "title": "Deaths"}'
    chart = resolve_chart(spec, store, HERE)
    assert [bar.figure for bar in chart.bars] == ["5,544", "over 70,000"]
    assert [bar.value for bar in chart.bars] == [5544, 70000]
    assert chart.alt == "Bar chart: Deaths, 5,544 deaths in 2014 and over 70,000 deaths in 2021"


def test_a_callout_prints_the_qualifier_in_its_figure(in_tmp: Path) -> None:
    helpers = Helpers(loaded(in_tmp, '"at least"'))
    # The figure is Markdown-escaped ("70\\,000" keeps the comma from reading as syntax).
    expected = f"{BLOCK_MARK}!!! callout at least 70\\,000\ndeaths in 2021 [@deaths-2021]"
    assert helpers.callout("deaths-2021").startswith(expected)


@pytest.mark.parametrize("qualifier", QUALIFIERS)
def test_every_listed_qualifier_loads(in_tmp: Path, qualifier: str) -> None:
    fact = loaded(in_tmp, f'"{qualifier}"').get("deaths-2021")
    assert fact.number() == f"{qualifier} 70,000 deaths"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("ovr", "facts.yaml:21: qualifier: unknown qualifier 'ovr' (did you mean 'over'? "),
        ("atleast", "facts.yaml:21: qualifier: unknown qualifier 'atleast' (did you mean 'at "),
        ("roughly", "facts.yaml:21: qualifier: unknown qualifier 'roughly' (expected one of "),
        ("12", "facts.yaml:21: qualifier: expected a word such as 'over' or 'about', got 12"),
    ],
)
def test_an_unknown_qualifier_stops_at_its_line(in_tmp: Path, written: str, expected: str) -> None:
    [message] = messages(in_tmp, written)
    assert message.startswith(expected), message


def test_a_qualifier_without_a_number_stops_at_its_line(in_tmp: Path) -> None:
    path = store_file(in_tmp, "over", value="")
    text = path.read_text(encoding="utf-8").replace(
        "kind: statistic\n    text: Over", "kind: finding\n    text: Over"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FactsError) as caught:
        load_store(path, today=dt.date(2024, 1, 1))
    assert caught.value.format_message() == (
        "facts.yaml:20: qualifier: qualifies a number; the fact has no value"
    )
