"""Edges of the facts modules that mutation testing found unguarded (docs/testing.md).

Each test pins one behaviour a small change to ``briefgen/facts/`` broke without any
other test noticing: a boundary one step off, a unit written in capitals, a message's
wording or location.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import textwrap
from pathlib import Path

import pytest
from pydantic import ValidationError

from briefgen.errors import BriefgenError, FactsError, Location, ProblemList
from briefgen.facts import report, yamlfile
from briefgen.facts.formatting import format_number, format_value, one_in
from briefgen.facts.loader import MAX_FILES, MAX_STORE_BYTES, facts_files, load_store
from briefgen.facts.schema import Fact, Source, parse_period
from briefgen.facts.store import FactStore

# --- formatting --------------------------------------------------------------------


def _statistic(value: float, unit: str | None, value_max: float | None = None) -> Fact:
    return Fact.model_validate(
        {
            "id": "x",
            "kind": "statistic" if unit else "finding",
            "text": "t",
            "value": value,
            "value_max": value_max,
            "unit": unit,
            "as_of": "2022",
            "source": "s",
        }
    )


def test_a_whole_float_prints_every_digit_only_below_2_to_the_53() -> None:
    # Below 2**53 a whole float is an exact integer; from there on it shows 15
    # significant digits, like any other float.
    assert format_number(2.0**53 - 1) == "9,007,199,254,740,991"
    assert format_number(2.0**53) == "9,007,199,254,740,990"


@pytest.mark.parametrize(
    ("value", "unit", "value_max", "text"),
    [
        (5, "USD per pill", None, "$5 per pill"),
        (5, "usd per pill", None, "$5 per pill"),
        (3, "Times", None, "3 times"),
        (3, "TIMES", None, "3 times"),
        (1, None, 2, "1\u20132"),
    ],
)
def test_units_are_recognised_in_any_case_and_a_bare_range_has_no_trailing_space(
    value: float, unit: str | None, value_max: float | None, text: str
) -> None:
    assert format_value(_statistic(value, unit, value_max)) == text


@pytest.mark.parametrize(
    ("percent", "words"),
    [
        # The count is exact below 2**53 and 15 significant digits from there on.
        (100 / 2**53, "1 in 9,007,199,254,740,990"),
        (100 / 1234567890123456, "1 in 1,234,567,890,123,456"),
        (100 / 12345678901234567, "1 in 12,345,678,901,234,600"),
        # Between 10% and 11% "about 1 in 9" would overstate the share.
        (10.5, "more than 1 in 10"),
        (10.3, "1 in 10"),
        (40.3, "4 in 10"),
        (90.8, "about 91 in 100"),
        # Exactly 99 in 100 is not "more than 99 in 100".
        (99, "about 99 in 100"),
        (99.2, "more than 99 in 100"),
    ],
)
def test_one_in_at_its_edges(percent: float, words: str) -> None:
    assert one_in(percent) == words


# --- schema ------------------------------------------------------------------------


def test_a_source_hashes_by_what_it_holds_its_hash_kept_outside_it() -> None:
    """A source's (and a fact's) hash is worked out once and kept by the model's id,
    not in the model: equal sources, read in any order of keys, hash alike and stay
    equal whichever was hashed; one that differs in a field is another key."""
    fields = {"id": "a", "type": "article", "title": "Title", "issued": "2023-03"}
    first = Source.model_validate(fields)
    assert hash(first) == hash(first)
    second = Source.model_validate(dict(reversed(fields.items())))
    assert first == second and hash(first) == hash(second)
    assert {first: "kept"}[second] == "kept"
    other = Source.model_validate({**fields, "title": "Another"})
    assert other != first and {first: "kept"}.get(other) is None
    assert first.model_dump() == second.model_dump()
    # A model freed forgets its hash: the next made at its id hashes by its own fields.
    titles = ("One", "Two", "Three")
    one_at_a_time = [hash(Source.model_validate({**fields, "title": t})) for t in titles]
    together = [Source.model_validate({**fields, "title": t}) for t in titles]
    assert one_at_a_time == [hash(source) for source in together]


def test_a_citation_names_author_publisher_quoted_title_date_and_address() -> None:
    source = Source.model_validate(
        {
            "id": "a",
            "type": "article",
            "title": "Title",
            "author": "A. Author",
            "publisher": "Pub",
            "issued": "2023-03",
            "URL": "https://example.org/a",
        }
    )
    # U.S. English: the comma after a quoted title inside its quotation marks; Spanish,
    # after them.
    assert (
        source.citation() == "A. Author, Pub, \u201cTitle,\u201d March 2023. https://example.org/a"
    )
    assert (
        source.citation("es-US")
        == "A. Author, Pub, \u201cTitle\u201d, marzo de 2023. https://example.org/a"
    )


@pytest.mark.parametrize(
    ("title", "issued", "cited"),
    [
        ("Title", None, "\u201cTitle.\u201d https://example.org/a"),
        ("Why now?", "2023-12", "\u201cWhy now?\u201d December 2023. https://example.org/a"),
        # An abbreviation's period keeps the comma after it, and is the period before
        # the address.
        ("In the U.S.", "2023-12", "\u201cIn the U.S.,\u201d December 2023. https://example.org/a"),
        ("In the U.S.", None, "\u201cIn the U.S.\u201d https://example.org/a"),
    ],
)
def test_a_period_follows_a_quoted_title_inside_its_marks_and_a_question_needs_none(
    title: str, issued: str | None, cited: str
) -> None:
    fields = {"id": "a", "type": "webpage", "title": title, "URL": "https://example.org/a"}
    source = Source.model_validate({**fields, **({"issued": issued} if issued else {})})
    assert source.citation() == cited


@pytest.mark.parametrize(
    ("title", "issued", "cited"),
    [
        ('The "Iron River" of guns', None, "\u201cThe \u2018Iron River\u2019 of guns\u201d"),
        (
            '"Sicario" (the film) and "facts"',
            None,
            "\u201c\u2018Sicario\u2019 (the film) and \u2018facts\u2019\u201d",
        ),
        (
            "The border\u2019s \u2018ports\u2019",
            None,
            "\u201cThe border\u2019s \u2018ports\u2019\u201d",
        ),
        # U.S. English puts the comma inside both pairs of marks.
        (
            "The \u201cIron River\u201d",
            "2023-12",
            "\u201cThe \u2018Iron River,\u2019\u201d December 2023",
        ),
        ("Why \u201cnow\u201d?", "2023-12", "\u201cWhy \u2018now\u2019?\u201d December 2023"),
    ],
)
def test_quotation_marks_in_a_quoted_title_are_single(
    title: str, issued: str | None, cited: str
) -> None:
    fields = {"id": "a", "type": "article", "title": title}
    source = Source.model_validate({**fields, **({"issued": issued} if issued else {})})
    assert source.citation() == cited


def test_a_citation_names_a_publisher_that_is_its_author_once_and_quotes_no_report() -> None:
    source = Source.model_validate(
        {"id": "a", "type": "report", "title": "Title", "author": "Org", "publisher": "Org"}
    )
    assert source.citation() == "Org, Title"


def test_a_citation_names_a_publisher_its_title_begins_with_once() -> None:
    source = Source.model_validate(
        {"id": "a", "type": "poll", "title": "Org poll", "publisher": "Org", "issued": "2022"}
    )
    assert source.citation() == "Org poll, 2022"


def test_an_unprintable_character_is_named_with_its_position() -> None:
    with pytest.raises(ValidationError, match=r"unprintable character U\+000C at position 3\b"):
        Source.model_validate({"id": "a", "type": "report", "title": "ab\x0cc"})


def test_true_or_false_is_not_a_period() -> None:
    with pytest.raises(ValueError, match=r"^expected a date, year or fiscal year, not true/false$"):
        parse_period(True)


# --- store -------------------------------------------------------------------------


def _finding(fact_id: str, as_of: str = "2022", topics: tuple[str, ...] = ()) -> Fact:
    return Fact.model_validate(
        {
            "id": fact_id,
            "kind": "finding",
            "text": "t",
            "as_of": as_of,
            "source": "s",
            "topics": list(topics),
        }
    )


def _store(*facts: Fact) -> FactStore:
    return FactStore(facts={f.id: f for f in facts})


def test_a_field_written_nowhere_is_located_at_its_fact_or_source() -> None:
    store = _store(_finding("a"))
    store.locations["a"] = Location("f.yaml", 3)
    store.field_locations[("a", "as_of")] = Location("f.yaml", 5)
    store.source_locations["s"] = Location("f.yaml", 1)
    store.source_field_locations[("s", "issued")] = Location("f.yaml", 2)
    assert store.where("a", "as_of") == Location("f.yaml", 5)
    assert store.where("a", "note") == Location("f.yaml", 3)
    assert store.where_source("s", "issued") == Location("f.yaml", 2)
    assert store.where_source("s", "URL") == Location("f.yaml", 1)


def test_did_you_mean_offers_an_id_half_alike() -> None:
    # "abcd" and "abxy" share half their letters: difflib's ratio is exactly 0.5.
    assert _store(_finding("abcd")).suggest("abxy") == "abcd"
    assert _store(_finding("abcd")).suggest("wxyz") is None


def test_select_by_topic_keeps_only_facts_on_that_topic() -> None:
    store = _store(_finding("a", topics=("health",)), _finding("b", topics=("money",)))
    assert [f.id for f in store.select(topic="money")] == ["b"]


def test_select_puts_the_most_important_first_and_a_fact_left_unranked_at_3() -> None:
    """docs/facts.md: priority is 1-5, default 3; facts() gives the most important
    first, and equals in the order the store holds them."""
    store = _store(
        _placed("two", (), priority=2),
        _finding("unranked"),
        _placed("five", (), priority=5),
        _placed("three", (), priority=3),
    )
    assert store.get("unranked").priority == 3
    assert [f.id for f in store.select()] == ["five", "unranked", "three", "two"]


def test_a_fact_is_stale_from_the_day_after_its_age_limit() -> None:
    today = dt.date(2024, 1, 10)
    limit = today - dt.timedelta(days=365)  # one year of 365.25 days, rounded
    on_the_limit = _finding("on", as_of=limit.isoformat())
    one_day_older = _finding("older", as_of=(limit - dt.timedelta(days=1)).isoformat())
    assert _store(on_the_limit, one_day_older).stale(today, 1) == [one_day_older]


def _placed(fact_id: str, places: tuple[str, ...], priority: int = 3) -> Fact:
    data = {"id": fact_id, "kind": "finding", "text": "t", "as_of": "2022", "source": "s"}
    return Fact.model_validate({**data, "places": list(places), "priority": priority})


def test_what_the_store_works_out_once_follows_every_change() -> None:
    """select(place=), places() and stale() read an index made once per store (each
    batch copy asked for its place's facts by a scan of every fact); a fact set,
    replaced or deleted is in the next answer."""
    store = _store(
        _placed("a", ("tucson-az",)),
        _placed("b", ("chicago-il", "tucson-az"), priority=5),
        _placed("c", ()),
    )
    everything = list(store)

    def scanned(place: str) -> list[str]:
        found = [f for f in everything if place in f.places]
        return [f.id for f in sorted(found, key=lambda f: -f.priority)]

    assert [f.id for f in store.select(place="Tucson, AZ")] == scanned("tucson-az") == ["b", "a"]
    assert store.places() == ["chicago-il", "tucson-az"]
    store.facts["d"] = _placed("d", ("el-paso-tx",))
    store.facts["a"] = _placed("a", ("el-paso-tx",))
    assert [f.id for f in store.select(place="el-paso-tx")] == ["a", "d"]
    assert [f.id for f in store.select(place="tucson-az")] == ["b"]
    del store.facts["b"]
    assert store.places() == ["el-paso-tx"]
    today = dt.date(2024, 1, 10)
    assert store.stale(today, 1) == [store.get("a"), store.get("c"), store.get("d")]
    store.facts["e"] = _finding("e", as_of="2023-12")
    assert [f.id for f in store.stale(today, 1)] == ["a", "c", "d"]
    assert [f.id for f in store.stale(today, 5)] == []
    with pytest.raises(TypeError, match="one at a time"):
        store.facts.update({})
    # Another store's facts put in its place, as many changes made as this one's.
    other = _store(_placed("f", ("yuma-az",)))
    other.facts["g"], other.facts["h"] = _finding("g"), _finding("h")
    del other.facts["g"], other.facts["h"]
    assert other.facts.version == store.facts.version  # type: ignore[attr-defined]
    store.facts = other.facts
    assert store.places() == ["yuma-az"]
    assert [f.id for f in store.select(place="el-paso-tx")] == []
    # A fact's places are a tuple: nothing changes them behind the index's back.
    assert store.get("f").places == ("yuma-az",)


# --- report ------------------------------------------------------------------------


WORDS = [f"word{n:02d}" for n in range(1, 30)]
# 83 columns, then a five-letter word that would make the first line 89.
OLD_TEXT = " ".join([*WORDS[:12], "fifth", *WORDS[12:]])


def _report_store() -> FactStore:
    """Two sources used (one as an original source), two unused, three facts."""
    sources = [
        {
            "id": "paper",
            "type": "article",
            "title": "Paper",
            "publisher": "Daily",
            "URL": "https://example.org/p",
            "accessed": "2024-02-03",
        },
        {"id": "agency", "type": "report", "title": "Census", "issued": "FY2022"},
        {"id": "spare", "type": "dataset", "title": "Spare"},
        {"id": "other", "type": "webpage", "title": "Other"},
    ]
    facts = [
        {
            "id": "rate",
            "kind": "statistic",
            "text": "Rates fell.",
            "value": 86,
            "unit": "percent",
            "as_of": "2022",
            "source": "paper",
            "original_source": "agency",
            "audiences": ["public", "health"],
            "topics": ["costs", "care"],
            "priority": 5,
            "short": "Rates",
            "note": "checked by Jos\u00e9",
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
            "audiences": ["public"],
        },
        {"id": "old", "kind": "finding", "text": OLD_TEXT, "as_of": "2001-05", "source": "agency"},
    ]
    store = FactStore()
    for line, data in enumerate(sources, start=2):
        source = Source.model_validate(data)
        store.sources[source.id] = source
        store.source_locations[source.id] = Location("facts.yaml", line)
    for line, data in enumerate(facts, start=10):
        fact = Fact.model_validate(data)
        store.facts[fact.id] = fact
        store.locations[fact.id] = Location("facts.yaml", line)
    return store


def test_the_summary_counts_kinds_audiences_and_uses_and_warns_of_unused_and_stale() -> None:
    store = _report_store()
    assert report.summary(store, [store.get("old")], 10) == "\n".join(
        [
            "3 facts, 4 sources: valid",
            "  by kind:     finding 1, quote 1, statistic 1",
            "  by audience: health 1, public 2",
            "  sources:",
            "      2  paper",
            "      2  agency",
            "      0  spare",
            "      0  other",
            "  warning: sources no fact uses: spare, other",
            "  warning: 1 fact is older than 10 years:",
            "    facts.yaml:12: old (as of May 2001)",
        ]
    )


def test_the_summary_of_one_fact_says_fact_and_none_for_no_audience() -> None:
    store = _report_store()
    del store.facts["rate"], store.facts["said"]
    for unused in ("paper", "spare", "other"):
        del store.sources[unused]
    assert report.summary(store, [], 10).splitlines()[:3] == [
        "1 fact, 1 source: valid",
        "  by kind:     finding 1",
        "  by audience: none",
    ]


def _no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make shutil.get_terminal_size fall back to its default, as when piped."""

    def no_size(*args: object) -> os.terminal_size:
        raise OSError("not a terminal")

    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
    monkeypatch.setattr(os, "get_terminal_size", no_size)


def test_the_table_pads_ids_to_half_the_line_and_shortens_text_to_100_columns_or_20(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _no_terminal(monkeypatch)
    letters = " ".join("abcdefghijklmnopqrstuvwxyz" * 2)
    long_id = "c" * 80
    facts = [
        Fact.model_validate(
            {"id": fact_id, "kind": "finding", "text": text, "as_of": "2022", "source": "s"}
        )
        for fact_id, text in [("b", letters), (long_id, "aa " + letters)]
    ]
    assert report.table(facts).splitlines() == [
        # The ids padded to 50, half of 100 columns; less a head of 73, 27 for the text,
        # its "…" included.
        "b" + " " * 49 + "  finding        2022  " + "a b c d e f g h i j k l m\u2026",
        # A head of 103 leaves 20 at the least.
        long_id + "  finding        2022  " + "aa a b c d e f g h\u2026",
    ]


def test_a_source_as_data_has_its_filled_fields_as_json_text() -> None:
    store = _report_store()
    assert report.source_dict(store.sources["paper"]) == {
        "id": "paper",
        "type": "article",
        "title": "Paper",
        "publisher": "Daily",
        "URL": "https://example.org/p",
        "accessed": "2024-02-03",
        "language": "en-US",  # the default: what a brief in another marks its title as
    }
    assert report.source_dict(store.sources["agency"]) == {
        "id": "agency",
        "type": "report",
        "title": "Census",
        "issued": "FY2022",
        "language": "en-US",
    }


def test_facts_as_json_resolve_sources_indent_by_two_and_keep_accents() -> None:
    store = _report_store()
    text = report.as_json(store, [store.get("rate")])
    assert json.loads(text) == [
        {
            "id": "rate",
            "kind": "statistic",
            "text": "Rates fell.",
            "short": "Rates",
            "value": 86,
            "unit": "percent",
            "as_of": "2022",
            "source": report.source_dict(store.sources["paper"]),
            "original_source": report.source_dict(store.sources["agency"]),
            "topics": ["costs", "care"],
            "audiences": ["public", "health"],
            "priority": 5,
            "note": "checked by Jos\u00e9",
            "location": "facts.yaml:10",
        }
    ]
    assert text.startswith('[\n  {\n    "id": "rate",\n')
    assert '\n    "note": "checked by Jos\u00e9",\n' in text


def test_show_lists_every_filled_field_then_the_sources() -> None:
    store = _report_store()
    assert report.show(store, store.get("rate")) == "\n".join(
        [
            "rate  (statistic, facts.yaml:10)",
            "",
            "Rates fell.",
            "",
            "     short: Rates",
            "    number: 86%",
            "     as of: 2022",
            "    topics: costs, care",
            " audiences: public, health",
            "  priority: 5",
            "      note: checked by Jos\u00e9",
            "",
            "    source: Daily, \u201cPaper.\u201d https://example.org/p  [paper, article]",
            "  original: Census, FY 2022  [agency, report]",
        ]
    )
    assert report.show(store, store.get("said")).splitlines()[4] == (
        "   speaker: Ann Lee, Chief, City"
    )


def test_show_wraps_the_text_at_88_columns() -> None:
    store = _report_store()
    shown = report.show(store, store.get("old")).splitlines()
    assert shown[2:6] == [
        " ".join(WORDS[:12]),
        " ".join(["fifth", *WORDS[12:23]]),
        " ".join(WORDS[23:]),
        "",
    ]


# --- loader ------------------------------------------------------------------------

SOURCE = """\
sources:
  - id: agency
    type: report
    title: Census
"""


def _problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> list[str]:
    """Every problem load_store reports for ``text`` as facts.yaml, as the CLI prints them."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "facts.yaml").write_text(text, encoding="utf-8")
    return _messages(Path("."))


def _messages(target: Path) -> list[str]:
    with pytest.raises(BriefgenError) as caught:
        load_store(target, today=dt.date(2024, 1, 1))
    error = caught.value
    problems = error.problems if isinstance(error, ProblemList) else [error]
    return [p.format_message() for p in problems]


def test_a_folder_of_exactly_the_most_files_and_bytes_is_read(tmp_path: Path) -> None:
    for number in range(MAX_FILES - 2):
        (tmp_path / f"{number:04d}.yaml").touch()
    # Sparse: sizes add up to the limit without writing the bytes.
    with (tmp_path / "big.yaml").open("wb") as big:
        big.truncate(MAX_STORE_BYTES)
    # A link to nothing counts as no bytes; reading it says what is wrong.
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere")
    assert len(facts_files(tmp_path)) == MAX_FILES


def test_one_file_too_many_is_refused_with_the_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "store").mkdir()
    for number in range(MAX_FILES + 1):
        (tmp_path / "store" / f"{number:04d}.yaml").touch()
    with pytest.raises(FactsError) as caught:
        facts_files(Path("store"))
    assert caught.value.format_message() == "store: 1,001 facts files; briefgen reads at most 1,000"


def test_every_file_and_section_is_checked_after_an_unreadable_file_or_a_bad_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_bytes(b"facts: \xff\n")
    (tmp_path / "b.yaml").write_text("extras: []\nfacts: {}\nsources: 3\n", encoding="utf-8")
    assert _messages(Path(".")) == [
        "a.yaml:1: not valid UTF-8 (byte 0xff); save the file as UTF-8",
        "b.yaml:1: extras: unknown section; expected 'facts' or 'sources'",
        "b.yaml:2: facts: expected a list",
        "b.yaml:3: sources: expected a list",
    ]


def test_a_rule_across_fields_is_reported_at_the_field_it_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _problems(
        tmp_path,
        monkeypatch,
        SOURCE
        + textwrap.dedent("""\
        facts:
          - id: range
            kind: statistic
            text: A range.
            value: 5
            unit: percent
            value_max: 2
            as_of: 2022
            source: agency
          - id: empty
            kind: statistic
            text: No number.
            unit: percent
            as_of: 2022
            source: agency
            value: null
        """),
    ) == [
        "facts.yaml:11: value_max: is smaller than value",
        "facts.yaml:20: value: a statistic needs its number (e.g. value: 86)",
    ]


def test_a_number_yaml_reads_otherwise_than_meant_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """value: 26.700, thousands marked as Spain marks them, was read as 26.7 and
    printed so; value: 1e-400, below a float's range, printed 0. A decimal of three
    places that needs them all (12.345) is a decimal: the advice to write it as it is
    written would lead nowhere."""
    assert _problems(
        tmp_path,
        monkeypatch,
        SOURCE
        + textwrap.dedent("""\
        facts:
          - id: seized
            kind: statistic
            text: Pounds.
            value: 26.700
            unit: pounds
            as_of: 2022
            source: agency
          - id: tiny
            kind: statistic
            text: A share.
            value: 1e-400
            unit: percent
            as_of: 2022
            source: agency
          - id: plain
            kind: statistic
            text: Plain numbers.
            value: 26.7
            value_max: 26.7001
            unit: percent
            as_of: 2022
            source: agency
          - id: precise
            kind: statistic
            text: A measured decimal, which no one writes for 12,345.
            value: 12.345
            unit: grams
            as_of: 2022
            source: agency
        """),
    ) == [
        "facts.yaml:9: value: '26.700' reads as 26.7; if it is 26,700 (thousands marked "
        "with a point, as Spain writes them), write 26700, else write 26.7",
        "facts.yaml:16: value: '1e-400' is too small for a number and reads as 0",
    ]


def test_a_date_where_a_number_belongs_is_named_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The message showed Python's datetime.date(2023, 3, 13)."""
    assert _problems(
        tmp_path,
        monkeypatch,
        SOURCE
        + textwrap.dedent("""\
        facts:
          - id: dated
            kind: statistic
            text: A date for a number.
            value: 2023-03-13
            value_max: 2023-03-13T10:00:00
            unit: pounds
            as_of: 2022
            source: agency
        """),
    ) == [
        "facts.yaml:9: value: expected a plain number such as 86 or 26700, got the date 2023-03-13",
        "facts.yaml:10: value_max: expected a plain number such as 86 or 26700, got the "
        "date and time 2023-03-13 10:00:00",
    ]


def test_a_range_of_one_number_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """value: 5 and value_max: 5 printed "$5–$5 per pill"."""
    assert _problems(
        tmp_path,
        monkeypatch,
        SOURCE
        + textwrap.dedent("""\
        facts:
          - id: range
            kind: statistic
            text: A price.
            value: 5
            value_max: 5.0
            unit: USD per pill
            as_of: 2022
            source: agency
        """),
    ) == ["facts.yaml:10: value_max: equals value; leave it out for a single number"]


def _scaled(numbers: str, unit: str) -> str:
    """facts.yaml with one statistic: ``numbers`` its value lines (line 9 on)."""
    lines = "".join(f"    {line}\n" for line in numbers.split("; "))
    return (
        SOURCE
        + "facts:\n  - id: scaled\n    kind: statistic\n    text: An amount.\n"
        + lines
        + f"    unit: {unit}\n    as_of: 2022\n    source: agency\n"
    )


@pytest.mark.parametrize(
    ("numbers", "unit", "message"),
    [
        (
            "value: 2.5e9",
            "USD billion",
            "facts.yaml:9: value: 2,500,000,000 with the unit 'USD billion' counts in "
            "billions; write the number of them (value: 2.5)",
        ),
        (
            "value: 1; value_max: 3000000",
            "million people",
            "facts.yaml:10: value_max: 3,000,000 with the unit 'million people' counts in "
            "millions; write the number of them (value_max: 3)",
        ),
        (
            "value: 2.5e9",
            "USD billions",
            "facts.yaml:9: value: 2,500,000,000 with the unit 'USD billions' counts in "
            "billions; write the number of them (value: 2.5)",
        ),
        (
            "value: 2.5e9",
            "billion/year",
            "facts.yaml:9: value: 2,500,000,000 with the unit 'billion/year' counts in "
            "billions; write the number of them (value: 2.5)",
        ),
        (
            "value: 2.5e9",
            '"USD\\nbillion"',
            "facts.yaml:9: value: 2,500,000,000 with the unit 'USD\\nbillion' counts in "
            "billions; write the number of them (value: 2.5)",
        ),
    ],
    ids=["billion", "million-people", "plural", "per-year", "newline-quoted"],
)
def test_a_number_written_out_beside_a_unit_of_millions_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, numbers: str, unit: str, message: str
) -> None:
    """value: 2.5e9 with unit "USD billion" printed "$2,500,000,000 billion"."""
    assert _problems(tmp_path, monkeypatch, _scaled(numbers, unit)) == [message]


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        (999999, "USD million"),  # $1,500 million is written so; a million or more is not
        (2500000, "dollars per million people"),  # a rate: "per million" divides
    ],
)
def test_a_unit_of_millions_takes_a_count_of_them(tmp_path: Path, value: int, unit: str) -> None:
    """Only a figure of a million or more beside a unit counting in millions is refused."""
    (tmp_path / "facts.yaml").write_text(_scaled(f"value: {value}", unit), "utf-8")
    store = load_store(tmp_path, today=dt.date(2024, 1, 1))
    assert store.get("scaled").value == value


def test_an_entry_that_is_not_a_mapping_and_bad_slugs_and_addresses_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _problems(
        tmp_path,
        monkeypatch,
        textwrap.dedent("""\
        sources:
          - just text
          - id: Bad Id
            type: report
            title: T
            URL: ftp://example.org
          - id: site
            type: webpage
            title: T
            URL: leitf.org/report
        facts:
          - id: f
            kind: finding
            text: T.
            as_of: 2022
            source: gone
          - id: g
            kind: finding
            text: T.
            as_of: 2022
            source: agency
            topics: [ok, Not Ok]
        """),
    ) == [
        "facts.yaml:2: expected a mapping of fields (id: ..., kind: ..., ...)",
        "facts.yaml:3: id: 'Bad Id' is not a slug (lowercase words joined by '-'); did you "
        "mean 'bad-id'?",
        "facts.yaml:6: URL: 'ftp://example.org' is not an http(s) address",
        "facts.yaml:10: URL: 'leitf.org/report' is not an http(s) address; write it with its "
        "scheme: https://leitf.org/report",
        "facts.yaml:16: source: unknown source 'gone'",
        "facts.yaml:22: topics[1]: 'Not Ok' is not a slug (lowercase words joined by '-'); did "
        "you mean 'not-ok'?",
    ]


def test_only_a_broken_source_spares_its_facts_the_unknown_source_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "agency" is reported once, for itself; "x" is a broken fact, not a source.
    assert _problems(
        tmp_path,
        monkeypatch,
        textwrap.dedent("""\
        sources:
          - id: agency
            title: Census
        facts:
          - id: x
            kind: finding
          - id: f
            kind: finding
            text: T.
            as_of: 2022
            source: agency
            original_source: x
        """),
    ) == [
        "facts.yaml:2: type: is required",
        "facts.yaml:5: text: is required",
        "facts.yaml:5: as_of: is required",
        "facts.yaml:5: source: is required",
        "facts.yaml:12: original_source: unknown source 'x'",
    ]


# --- yamlfile ----------------------------------------------------------------------


def _parse(text: str, **options: int) -> yamlfile.YamlDocument:
    return yamlfile.parse_yaml(text, Path("f.yaml"), FactsError, **options)


def _refusal(text: str, **options: int) -> str:
    with pytest.raises(FactsError) as caught:
        _parse(text, **options)
    return caught.value.format_message()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\n---\nb: 2\n", "f.yaml:2: YAML: expected a single document, found a second"),
        (
            "a: !<" + "t" * 150 + "> 5\n",
            "f.yaml:1: YAML: could not determine a constructor for the tag '"
            + "t" * 99
            + "\u2026'",
        ),
        (
            "a: !<" + "t" * 150 + "> [5]\n",
            "f.yaml:1: YAML: tag '" + "t" * 99 + "\u2026' is not supported here",
        ),
        (
            "a: !!binary a\n",
            "f.yaml:1: YAML: failed to decode base64 data: Invalid base64-encoded string: "
            "number of data characters (1) cannot be 1 more than a multiple of 4",
        ),
        ("&x [*x]\n", "f.yaml:1: an alias (*name) refers to the value that contains it"),
        ("a: &x [1, *x]\n", "f.yaml:1: a: an alias (*name) refers to the value that contains it"),
        ("a: *nope\n", "f.yaml:1: YAML: found undefined alias 'nope'"),
        ("a: [1, 2\n", "f.yaml:2: YAML: expected ',' or ']', but got '<stream end>', column 1"),
        (
            "a: !" + "h" * 250 + "!x 5\n",
            "f.yaml:1: YAML: found undefined tag handle '!" + "h" * 170 + "\u2026, column 4",
        ),
    ],
)
def test_bad_yaml_is_refused_with_a_clipped_message_at_its_line(text: str, message: str) -> None:
    assert _refusal(text) == message


def test_a_character_yaml_refuses_is_reported_on_one_line_at_its_own_line() -> None:
    # PyYAML's message took two lines, naming the character's offset in the text, and
    # was put at the first line of the file (or front matter) whatever line held it.
    assert _refusal("a: 1\nb: \x07\n", first_line=5) == (
        "f.yaml:6: YAML: U+0007, a control character, cannot be written in a YAML file; "
        'delete it, or write \\x07 inside "double quotes"'
    )
    # Past the length the pure-Python parser reparses, libyaml's offset counts bytes.
    long = "a: " + "é" * 60_000 + "\n" + "b: " + "é" * 60_000 + "\n" + "c: \ufffe\n"
    assert _refusal(long) == (
        "f.yaml:3: YAML: U+FFFE, a noncharacter, cannot be written in a YAML file; "
        'delete it, or write \\ufffe inside "double quotes"'
    )


def test_a_bool_tag_on_no_boolean_hands_the_text_on() -> None:
    # PyYAML raises KeyError here; it once escaped as an internal error.
    assert _parse("a: !!bool maybe\n").data == {"a": "maybe"}


def test_plain_tags_and_keys_that_are_not_text() -> None:
    doc = _parse("a: ! 5\nb: !!seq [1]\nc: ! [2]\n1: x\nd:\n  - x\n  - y\n")
    assert doc.data == {"a": 5, "b": [1], "c": [2], "1": "x", "d": ["x", "y"]}
    assert doc.lines[("d", 1)] == 7
    assert doc.line_of(("d", 1, "z")) == 7


def test_the_first_of_duplicate_keys_wins_and_a_dropped_value_reports_nothing() -> None:
    doc = _parse("a: 1\na: 2\nb: {x: 1}\nb: &d {y: 1, y: 2}\nc: *d\n")
    assert doc.data == {"a": 1, "b": {"x": 1}, "c": {"y": 1}}
    assert [p.format_message() for p in doc.problems] == [
        "f.yaml:2: a: duplicate key (first given on line 1)",
        "f.yaml:4: b: duplicate key (first given on line 3)",
    ]


@pytest.fixture
def twenty_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlfile, "MAX_VALUES", 20)


@pytest.mark.usefixtures("twenty_values")
def test_exactly_the_most_values_are_read_aliases_counting_every_value() -> None:
    # 1 list + (1 list + 3) + 1 + 1 + 2 * 4 + 5 scalars = 20
    text = "[&a [0, 0, 0], &s 5, *s, *a, *a, 1, 1, 1, 1, 1]"
    assert len(_parse(text).data) == 10
    assert _refusal(text[:-1] + ", 1]") == (
        "f.yaml:1: more than 20 values; do aliases (*name) multiply them?"
    )


@pytest.mark.usefixtures("twenty_values")
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("big: [" + "0, " * 20 + "0]", "f.yaml:1: big: more than 20 values in one file"),
        # The 21st value is the value of a key at the field's own depth.
        (
            "{" + ", ".join(f"k{n}: 0" for n in range(10)) + "}",
            "f.yaml:1: k9: more than 20 values in one file",
        ),
        # The 21st value is a list in a list, at no field.
        ("[" + "0, " * 19 + "[0]]", "f.yaml:1: more than 20 values in one file"),
        # The 21st value is a key, which belongs to no field yet.
        (
            "{a: [0], " + "".join(f"k{n}: 0, " for n in range(8)) + "y: 0}",
            "f.yaml:1: more than 20 values in one file",
        ),
        (
            "a: &a [0, 0, 0, 0]\nb: [*a, *a, *a, 1]",
            "f.yaml:2: b: more than 20 values; do aliases (*name) multiply them?",
        ),
    ],
)
def test_too_many_values_are_blamed_on_their_field_and_aliases_named(
    text: str, message: str
) -> None:
    assert _refusal(text) == message


@pytest.mark.usefixtures("twenty_values")
def test_a_facts_file_over_the_limit_names_the_field_three_levels_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("facts.yaml").write_text(
        "x: &a [0, 0, 0, 0, 0]\nfacts:\n  - id: a\n    note: [*a, *a, *a]\n", encoding="utf-8"
    )
    with pytest.raises(FactsError) as caught:
        yamlfile.read_yaml(Path("facts.yaml"))
    assert caught.value.format_message() == (
        "facts.yaml:4: note: more than 20 values; do aliases (*name) multiply them?"
    )


def test_a_facts_file_over_its_size_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with Path("facts.yaml").open("wb") as big:
        big.truncate(yamlfile.MAX_BYTES + 1)
    with pytest.raises(FactsError) as caught:
        yamlfile.read_yaml(Path("facts.yaml"))
    assert caught.value.format_message() == (
        "facts.yaml: larger than 2,000,000 bytes, the most briefgen reads from a facts file; "
        "split it or leave out what the briefs do not need"
    )


def test_a_facts_file_saved_as_utf16_is_read_with_its_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows Notepad's "Unicode": UTF-16 behind a byte-order mark; a mistake in it is
    blamed on its line as in UTF-8."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text("extras: []\nfacts: {}\n", encoding="utf-16")
    assert _messages(Path(".")) == [
        "a.yaml:1: extras: unknown section; expected 'facts' or 'sources'",
        "a.yaml:2: facts: expected a list",
    ]
