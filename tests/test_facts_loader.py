"""Unit tests of the facts loader, as_of periods and number formatting.

The CLI's messages for bad files are pinned by the fixture cases in
``tests/facts_cases`` (see ``test_facts_cli.py``); these tests drive
:func:`briefgen.facts.loader.load_store` directly, with a fixed ``today``.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from decimal import Decimal
from pathlib import Path

import click
import pytest

from briefgen.charts import short_figure
from briefgen.errors import FactsError, ProblemList
from briefgen.facts import load_store
from briefgen.facts.formatting import format_number, format_value, one_in
from briefgen.facts.schema import Fact, parse_period
from briefgen.inputs import MAX_LINK_CHARS

D = dt.date

SOURCES = """\
sources:
  - id: city-report
    type: report
    title: City report
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def one_fact(as_of: str = "2022", **fields: str) -> str:
    """A facts file with one source and one valid finding (lines 6-10)."""
    extra = "".join(f"    {key}: {value}\n" for key, value in fields.items())
    return (
        SOURCES
        + "facts:\n"
        + "  - id: overdoses-up\n"
        + "    kind: finding\n"
        + "    text: Overdoses went up.\n"
        + f"    as_of: {as_of}\n"
        + "    source: city-report\n"
        + extra
    )


def messages(exc: FactsError) -> list[str]:
    problems = exc.problems if isinstance(exc, ProblemList) else [exc]
    return [p.format_message() for p in problems]


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path`` as the working directory, so messages name files relatively."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- load_store --------------------------------------------------------------------


def test_a_valid_store_loads_with_locations(in_tmp: Path) -> None:
    write(in_tmp, "facts.yaml", one_fact())
    store = load_store(in_tmp / "facts.yaml", today=D(2024, 1, 1))
    assert list(store.facts) == ["overdoses-up"]
    assert list(store.sources) == ["city-report"]
    assert str(store.where("overdoses-up")) == "facts.yaml:6"
    assert str(store.where("overdoses-up", "as_of")) == "facts.yaml:9"
    assert store.source_of(store.get("overdoses-up")).title == "City report"


def test_the_same_facts_load_once_a_change_of_any_input_loads_again(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process keeps the stores it loaded, by content: the same bytes at the same
    shown path on the same day give the store already made; a changed byte, another
    day, or a working directory that shows the files by another path read them again."""
    write(in_tmp, "facts.yaml", one_fact())
    first = load_store(in_tmp / "facts.yaml", today=D(2024, 1, 1))
    assert load_store(Path("facts.yaml"), today=D(2024, 1, 1)) is first

    write(in_tmp, "facts.yaml", one_fact().replace("went up", "went down"))
    changed = load_store(in_tmp / "facts.yaml", today=D(2024, 1, 1))
    assert changed.get("overdoses-up").text == "Overdoses went down."
    # A date the facts are checked against: 2022 is in 2021's future.
    with pytest.raises(FactsError, match=r"as_of: 2022 is in the future"):
        load_store(in_tmp / "facts.yaml", today=D(2021, 1, 1))

    (in_tmp / "sub").mkdir()
    monkeypatch.chdir(in_tmp / "sub")
    elsewhere = load_store(in_tmp / "facts.yaml", today=D(2024, 1, 1))
    assert elsewhere is not changed
    assert str(elsewhere.where("overdoses-up")) == f"{in_tmp / 'facts.yaml'}:6"


def test_a_store_with_problems_is_read_again_each_time(in_tmp: Path) -> None:
    write(in_tmp, "facts.yaml", one_fact(as_of="someday"))
    for _ in range(2):
        with pytest.raises(FactsError, match=r"facts.yaml:9: as_of: "):
            load_store(in_tmp / "facts.yaml", today=D(2024, 1, 1))
    write(in_tmp, "facts.yaml", one_fact())
    assert "overdoses-up" in load_store(in_tmp / "facts.yaml", today=D(2024, 1, 1))


@pytest.mark.parametrize(
    ("as_of", "today", "in_future"),
    [
        ("2024", D(2023, 12, 31), True),
        ("2024", D(2024, 1, 1), False),
        # A U.S. federal fiscal year starts on October 1 of the year before.
        ("FY2024", D(2023, 9, 30), True),
        ("FY2024", D(2023, 10, 1), False),
        ("2024-03", D(2024, 2, 29), True),
        ("2024-03", D(2024, 3, 1), False),
        ("2024-03-13", D(2024, 3, 12), True),
        ("2024-03-13", D(2024, 3, 13), False),
        # A range is in the future only when it starts there.
        ("2017/2030", D(2024, 6, 1), False),
        ("2025/2030", D(2024, 6, 1), True),
    ],
)
def test_as_of_in_the_future_is_judged_against_today(
    in_tmp: Path, as_of: str, today: dt.date, in_future: bool
) -> None:
    write(in_tmp, "facts.yaml", one_fact(as_of))
    if not in_future:
        assert "overdoses-up" in load_store(in_tmp / "facts.yaml", today=today)
        return
    with pytest.raises(FactsError) as caught:
        load_store(in_tmp / "facts.yaml", today=today)
    assert messages(caught.value) == [
        f"facts.yaml:9: as_of: {as_of} is in the future (today is {today.isoformat()})"
    ]


def test_issued_in_the_future_is_reported(in_tmp: Path) -> None:
    text = one_fact().replace("title: City report\n", "title: City report\n    issued: 2025\n")
    write(in_tmp, "facts.yaml", text)
    assert load_store(in_tmp / "facts.yaml", today=D(2025, 1, 1))
    with pytest.raises(FactsError, match=r"issued: 2025 is in the future \(today is 2024-12-31\)"):
        load_store(in_tmp / "facts.yaml", today=D(2024, 12, 31))


def test_a_source_url_is_no_longer_than_a_templates_link(in_tmp: Path) -> None:
    """A source's address is printed and linked in the notes: at 1.5 MB it took 5 s
    and 350 MiB to lay out before the page was refused. At most what a template's
    link may be."""
    address = "https://example.org/" + "a" * (MAX_LINK_CHARS - 20)
    text = one_fact().replace("title: City report\n", f"title: City report\n    URL: {address}\n")
    write(in_tmp, "facts.yaml", text)
    assert load_store(in_tmp / "facts.yaml", today=D(2025, 1, 1))
    write(in_tmp, "facts.yaml", text.replace(address, address + "a"))
    with pytest.raises(FactsError) as caught:
        load_store(in_tmp / "facts.yaml", today=D(2025, 1, 1))
    assert messages(caught.value) == [
        f"facts.yaml:5: URL: {MAX_LINK_CHARS + 1:,} characters; at most {MAX_LINK_CHARS:,}"
    ]


def test_a_length_over_its_bound_is_told_in_the_files_words(in_tmp: Path) -> None:
    """pydantic's "String should have at least 1 character", "String should have at
    most 160 characters" and "Tuple should have at most 50 items after validation"
    spoke of strings and tuples, words the file does not use."""
    places = ", ".join(f"place-{n}" for n in range(51))
    write(in_tmp, "facts.yaml", one_fact(short='""', unit="x" * 41, places=f"[{places}]"))
    with pytest.raises(ProblemList) as caught:
        load_store(in_tmp / "facts.yaml", today=D(2025, 1, 1))
    assert messages(caught.value) == [
        "facts.yaml:11: short: must not be empty",
        "facts.yaml:12: unit: 41 characters; at most 40",
        "facts.yaml:13: places: 51 items; at most 50",
    ]


def test_a_file_of_thousands_of_mistakes_is_listed_up_to_a_hundred(in_tmp: Path) -> None:
    """Every problem of a store was listed: a file whose every key is misspelt
    printed one line each, megabytes of them. The error still holds every one."""
    write(in_tmp, "facts.yaml", one_fact(**{f"extra{n}": "1" for n in range(150)}))
    with pytest.raises(ProblemList) as caught:
        load_store(in_tmp / "facts.yaml", today=D(2025, 1, 1))
    assert len(caught.value.problems) == 150
    lines = caught.value.format_message().splitlines()
    assert len(lines) == 101
    assert lines[-1] == "facts.yaml: ... and 50 more problems"


def test_unknown_keys_share_one_budget_of_suggestions(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each unknown key was compared with every field: 245,000 of them took 23 s. Past
    the store's budget of comparisons a key is told without a "did you mean"; one
    that differs from a field only in case is still told which."""
    from briefgen import suggest
    from briefgen.facts.schema import Source

    fields = len(Fact.model_fields) + len(Source.model_fields)
    monkeypatch.setattr(suggest, "MAX_COMPARED", fields * 2)
    keys = {"sourse": "x", "speakr": "x", "unitt": "x", "prioritty": "1", "Text": "x"}
    write(in_tmp, "facts.yaml", one_fact(**keys))
    with pytest.raises(ProblemList) as caught:
        load_store(in_tmp / "facts.yaml", today=D(2025, 1, 1))
    assert messages(caught.value) == [
        "facts.yaml:11: sourse: unknown field (did you mean 'source'?)",
        "facts.yaml:12: speakr: unknown field (did you mean 'speaker'?)",
        "facts.yaml:13: unitt: unknown field",
        "facts.yaml:14: prioritty: unknown field",
        "facts.yaml:15: Text: unknown field (did you mean 'text'?)",
    ]


@pytest.mark.parametrize(
    ("written", "told"),
    [
        # pydantic read a number as seconds since 1970: 0 was 1970-01-01.
        ("0", "expected a date such as 2023-03-13, got 0"),
        ("1700000000", "expected a date such as 2023-03-13, got 1700000000"),
        # And told the rest in its own words: "Input should be a valid date".
        ("true", "expected a date such as 2023-03-13, got true"),
        ('"soon"', "expected a date such as 2023-03-13, got 'soon'"),
        (
            "2023-03-13 10:00:00",
            "the date and time 2023-03-13 10:00:00 holds a time of day; write the date alone",
        ),
        # A day written as people write it is told the form to write (docs/facts.md).
        (
            '"Jan 5, 2024"',
            "expected a date such as 2023-03-13, got 'Jan 5, 2024': write it 2024-01-05",
        ),
        (
            "01/05/2024",
            "expected a date such as 2023-03-13, got '01/05/2024': write it 2024-01-05",
        ),
        ('"January 2024"', "expected a date such as 2023-03-13, got 'January 2024'"),
    ],
)
def test_a_sources_accessed_is_a_date(in_tmp: Path, written: str, told: str) -> None:
    text = one_fact().replace(
        "title: City report\n", f"title: City report\n    accessed: {written}\n"
    )
    write(in_tmp, "facts.yaml", text)
    with pytest.raises(FactsError) as caught:
        load_store(in_tmp / "facts.yaml", today=D(2025, 1, 1))
    assert messages(caught.value) == [f"facts.yaml:5: accessed: {told}"]
    for date in ("2023-03-13", '"2023-03-13"'):
        write(in_tmp, "facts.yaml", text.replace(f"accessed: {written}\n", f"accessed: {date}\n"))
        store = load_store(in_tmp / "facts.yaml", today=D(2025, 1, 1))
        assert store.sources["city-report"].accessed == D(2023, 3, 13)


def test_a_source_read_before_it_was_issued_is_refused(in_tmp: Path) -> None:
    """accessed: 2023-01-05 with issued: 2023-12-21 passed: a slip in one of the two
    dates (a helper's probe as the store's researcher). A source of a year read
    within that year is fine."""
    text = one_fact().replace(
        "title: City report\n",
        "title: City report\n    issued: 2023-12-21\n    accessed: 2023-01-05\n",
    )
    write(in_tmp, "facts.yaml", text)
    with pytest.raises(FactsError) as caught:
        load_store(in_tmp / "facts.yaml", today=D(2025, 1, 1))
    assert messages(caught.value) == [
        "facts.yaml:6: accessed: 2023-01-05 is before the source was issued (2023-12-21); "
        "one of the two dates is wrong"
    ]
    write(in_tmp, "facts.yaml", text.replace("issued: 2023-12-21", "issued: 2023"))
    assert load_store(in_tmp / "facts.yaml", today=D(2025, 1, 1)).sources["city-report"]


def test_a_section_or_a_duplicate_key_holding_a_line_break_is_named_on_one_line(
    in_tmp: Path,
) -> None:
    """A quoted key may hold a line break: an unknown section, or a key given twice,
    was named with it raw, and its message ran over two lines."""
    text = one_fact(**{'"no\\nte"': "1"}) + '"fac\\nts": []\n'
    write(in_tmp, "facts.yaml", text.replace('"no\\nte": 1\n', '"no\\nte": 1\n    "no\\nte": 2\n'))
    with pytest.raises(ProblemList) as caught:
        load_store(in_tmp / "facts.yaml", today=D(2025, 1, 1))
    assert messages(caught.value) == [
        "facts.yaml:11: no\\nte: unknown field (did you mean 'note'?)",
        "facts.yaml:12: no\\nte: duplicate key (first given on line 11)",
        "facts.yaml:13: fac\\nts: unknown section; expected 'facts' or 'sources'",
    ]


def test_one_problem_is_a_facts_error_that_exits_1(in_tmp: Path) -> None:
    write(in_tmp, "facts.yaml", one_fact(colour="blue"))
    with pytest.raises(FactsError) as caught:
        load_store(in_tmp / "facts.yaml", today=D(2024, 1, 1))
    assert not isinstance(caught.value, ProblemList)
    assert isinstance(caught.value, click.ClickException)
    assert caught.value.exit_code == 1
    assert messages(caught.value) == ["facts.yaml:11: colour: unknown field"]


def test_every_problem_in_every_file_is_collected_in_file_and_line_order(in_tmp: Path) -> None:
    write(in_tmp, "b.yaml", one_fact("FY23", priority="high"))
    write(in_tmp, "a.yaml", "facts:\n  - id: x\n    kind: rumour\n")
    write(in_tmp, "c.yaml", SOURCES)
    with pytest.raises(ProblemList) as caught:
        load_store(in_tmp, today=D(2024, 1, 1))
    assert messages(caught.value) == [
        "a.yaml:2: text: is required",
        "a.yaml:2: as_of: is required",
        "a.yaml:2: source: is required",
        "a.yaml:3: kind: must be one of statistic, quote, finding, recommendation or myth,"
        " not 'rumour'",
        "b.yaml:9: as_of: 'FY23' is not a date (2023-03-13), month (2023-03), year (2023),"
        " fiscal year (FY2023) or range of those (2017/2021)",
        "b.yaml:11: priority: must be a whole number, written without quotes (such as 3), not"
        " 'high'",
        "c.yaml:2: id: duplicate source id 'city-report' (first defined at b.yaml:2)",
    ]
    # The exception's own message is the same lines; iterating it gives the problems.
    assert str(caught.value.format_message()).splitlines() == messages(caught.value)
    assert all(isinstance(p, FactsError) for p in caught.value)


def test_five_mistakes_in_one_file_are_five_problems(in_tmp: Path) -> None:
    cases = Path(__file__).parent / "facts_cases"
    (in_tmp / "five.yaml").write_bytes((cases / "five-mistakes.yaml").read_bytes())
    with pytest.raises(ProblemList) as caught:
        load_store(in_tmp / "five.yaml", today=D(2024, 1, 1))
    fields = [p.detail.split(":")[0] for p in caught.value]
    assert fields == ["value", "as_of", "speaker", "source", "audience"]
    assert [p.location.line for p in caught.value if p.location] == [10, 19, 21, 31, 35]


def test_a_fact_with_a_schema_error_still_lets_the_others_load_and_be_checked(
    in_tmp: Path,
) -> None:
    # The first fact is broken; the second (valid) one is still cross-checked.
    text = one_fact(colour="blue") + (
        "  - id: second\n"
        "    kind: finding\n"
        "    text: Another.\n"
        "    as_of: 2022\n"
        "    source: city-reports\n"
    )
    write(in_tmp, "facts.yaml", text)
    with pytest.raises(ProblemList) as caught:
        load_store(in_tmp / "facts.yaml", today=D(2024, 1, 1))
    assert messages(caught.value) == [
        "facts.yaml:11: colour: unknown field",
        "facts.yaml:16: source: unknown source 'city-reports' (did you mean 'city-report'?)",
    ]


def test_a_folder_reads_yaml_and_yml_files_only(in_tmp: Path) -> None:
    write(in_tmp, "sources.yml", SOURCES)
    write(in_tmp, "facts.yaml", one_fact().removeprefix(SOURCES))
    write(in_tmp, "notes.txt", "not: [a, facts, file")
    store = load_store(in_tmp, today=D(2024, 1, 1))
    assert list(store.facts) == ["overdoses-up"]


def test_a_folder_skips_hidden_files(in_tmp: Path) -> None:
    """An editor's lock (Emacs: a link named .#facts.yaml leading nowhere) and macOS's
    resource files (._facts.yaml, binary) are no facts files of the user's."""
    write(in_tmp, "sources.yml", SOURCES)
    write(in_tmp, "facts.yaml", one_fact().removeprefix(SOURCES))
    (in_tmp / ".#facts.yaml").symlink_to("root@host.1234:1700000000")
    (in_tmp / "._facts.yaml").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
    store = load_store(in_tmp, today=D(2024, 1, 1))
    assert list(store.facts) == ["overdoses-up"]


def test_a_missing_path_is_one_problem(in_tmp: Path) -> None:
    with pytest.raises(FactsError, match=r"^nope: no such file or folder$"):
        load_store(Path("nope"))


def test_a_link_to_nothing_is_told_as_the_link_it_is(in_tmp: Path) -> None:
    """A facts/ link to a shared folder since moved, or a loop, was "no such file or
    folder", where ls shows one."""
    Path("facts").symlink_to("../moved-away")
    with pytest.raises(FactsError) as missing:
        load_store(Path("facts"))
    assert str(missing.value) == (
        "facts: a link to '../moved-away', which is not there; mend or remove it"
    )
    Path("inside").symlink_to("gone")  # told where the link is, not where it leads
    with pytest.raises(FactsError, match=r"^inside: a link to 'gone', which is not there"):
        load_store(Path("inside"))
    Path("loop").symlink_to("loop")
    with pytest.raises(FactsError) as loop:
        load_store(Path("loop"))
    assert str(loop.value) == "loop: a loop of symbolic links; remove it"


def test_a_folder_without_yaml_files_is_one_problem(in_tmp: Path) -> None:
    (in_tmp / "empty").mkdir()
    with pytest.raises(FactsError, match=r"^empty: no \.yaml facts files in this folder$"):
        load_store(Path("empty"))


def test_paths_outside_the_working_directory_are_shown_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_dir = tmp_path / "store"
    store_dir.mkdir()
    write(store_dir, "facts.yaml", one_fact(colour="blue"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with pytest.raises(FactsError) as caught:
        load_store(store_dir, today=D(2024, 1, 1))
    assert messages(caught.value) == [f"{store_dir / 'facts.yaml'}:11: colour: unknown field"]


# --- as_of periods ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text", "start", "end", "label"),
    [
        ("2023", "2023", D(2023, 1, 1), D(2023, 12, 31), "2023"),
        (2023, "2023", D(2023, 1, 1), D(2023, 12, 31), "2023"),
        ("FY2023", "FY2023", D(2022, 10, 1), D(2023, 9, 30), "FY 2023"),
        ("2023-02", "2023-02", D(2023, 2, 1), D(2023, 2, 28), "February 2023"),
        ("2024-02", "2024-02", D(2024, 2, 1), D(2024, 2, 29), "February 2024"),
        ("2023-03-13", "2023-03-13", D(2023, 3, 13), D(2023, 3, 13), "March 13, 2023"),
        (D(2023, 12, 21), "2023-12-21", D(2023, 12, 21), D(2023, 12, 21), "December 21, 2023"),
        (
            dt.datetime(2023, 12, 21, 10, 30),
            "2023-12-21",
            D(2023, 12, 21),
            D(2023, 12, 21),
            "December 21, 2023",
        ),
        ("2017/2021", "2017/2021", D(2017, 1, 1), D(2021, 12, 31), "2017–2021"),
        (" 2017 / 2021 ", "2017/2021", D(2017, 1, 1), D(2021, 12, 31), "2017–2021"),
        ("FY2020/FY2023", "FY2020/FY2023", D(2019, 10, 1), D(2023, 9, 30), "FY 2020–FY 2023"),
        ("2023-03/2023-04-15", "2023-03/2023-04-15", D(2023, 3, 1), D(2023, 4, 15), None),
        ("2023/2023", "2023/2023", D(2023, 1, 1), D(2023, 12, 31), "2023–2023"),
    ],
)
def test_periods_parse(
    value: object, text: str, start: dt.date, end: dt.date, label: str | None
) -> None:
    period = parse_period(value)
    assert (period.text, period.start, period.end) == (text, start, end)
    assert str(period) == text
    if label is not None:
        assert period.label == label


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("FY23", r"'FY23' is not a date \(2023-03-13\), month .*fiscal year \(FY2023\)"),
        ("23", r"'23' is not a date"),
        ("2023-3-5", r"'2023-3-5' is not a date"),
        # A month written by its name is told the form briefgen reads, as a date is.
        ("March 2023", r"'March 2023' is not a date .*: write it 2023-03$"),
        ("Dec 21, 2023", r"'Dec 21, 2023' is not a date .*: write it 2023-12-21$"),
        ("21 December 2023", r": write it 2023-12-21$"),
        ("Sept. 2023", r": write it 2023-09$"),
        ("21 de diciembre de 2023", r": write it 2023-12-21$"),
        ("Feb 30, 2023", r"range of those \(2017/2021\)$"),  # no such day: no rewrite
        ("Smarch 2023", r"range of those \(2017/2021\)$"),
        ("", r"'' is not a date"),
        ("2023-02-30", r"day is out of range for month"),
        ("2023-13", r"month"),
        ("2021/2017", r"'2021/2017' ends before it starts"),
        ("FY2024/2022", r"'FY2024/2022' ends before it starts"),
        ("2017/2019/2021", r"'2017/2019/2021' has more than one '/'"),
        ("11/02/2020", r"'11/02/2020' reads as a U.S. date; write it 2020-11-02 \("),
        # Day first: was told to write 2020-31-12, no day at all.
        ("31/12/2020", r"'31/12/2020' reads as a date written day first; write it 2020-12-31 "),
        ("13/45/2020", r"'13/45/2020' has more than one '/'"),
        ("2017/", r"'' is not a date"),
        (True, r"not true/false"),
        # Python's names of the kinds were told: "got float", "got NoneType".
        (3.5, r"got 3\.5$"),
        (None, r"got null$"),
        (["2023"], r"got a list$"),
    ],
)
def test_bad_periods_say_what_is_expected(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_period(value)


# --- formatting --------------------------------------------------------------------


def statistic(
    value: float,
    unit: str | None,
    value_max: float | None = None,
    *,
    spanish: bool = False,
    es_unit: str | None = None,
) -> Fact:
    """A statistic of ``value`` (to ``value_max``) in ``unit`` (a finding without
    one); with ``spanish``, a Spanish form (its unit ``es_unit``)."""
    spanish_form = {"es": {"text": "t", **({"unit": es_unit} if es_unit else {})}}
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
            **(spanish_form if spanish else {}),
        }
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (26700, "26,700"),
        (26700.0, "26,700"),
        (1_000_000, "1,000,000"),
        (98.9, "98.9"),
        (0.02, "0.02"),
        (0.1 + 0.2, "0.3"),
        (0, "0"),
        (-3, "-3"),
    ],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


@pytest.mark.parametrize(
    ("value", "unit", "value_max", "text"),
    [
        (86, "percent", None, "86%"),
        (98.9, "percent", None, "98.9%"),
        (0.02, "percent", None, "0.02%"),
        (26700, "pounds", None, "26,700 pounds"),
        (100, "times", None, "100 times"),
        (5, "USD", None, "$5"),
        (1, "USD per pill", 2, "$1–$2 per pill"),
        (5, "USD per pill", 20, "$5–$20 per pill"),
        (5, "USD", 20, "$5–$20"),
        (-3, "USD", None, "-$3"),
        (-5, "USD per pill", 20, "-$5–$20 per pill"),
        (-12.5, "percent", None, "-12.5%"),
        (40, "percent", 50, "40–50%"),
        (4600, "pounds", 26700, "4,600–26,700 pounds"),
        (14, "years old", None, "14 years old"),
        (12, None, None, "12"),
    ],
)
def test_format_value(value: float, unit: str | None, value_max: float | None, text: str) -> None:
    fact = statistic(value, unit, value_max)
    assert format_value(fact) == text
    assert fact.number() == text


def test_format_value_of_a_fact_without_a_number_is_empty() -> None:
    fact = Fact.model_validate(
        {"id": "x", "kind": "finding", "text": "t", "as_of": "2022", "source": "s"}
    )
    assert format_value(fact) == ""


@pytest.mark.parametrize(
    ("percent", "words"),
    [
        (0.02, "1 in 5,000"),
        (0.5, "1 in 200"),
        (1, "1 in 100"),
        (10, "1 in 10"),
        (12.5, "1 in 8"),
        (20, "1 in 5"),
        (25, "1 in 4"),
        (33.3, "1 in 3"),
        (40, "4 in 10"),
        (48, "nearly 5 in 10"),
        (49, "nearly 5 in 10"),
        (50, "5 in 10"),
        (70, "7 in 10"),
        (86, "more than 8 in 10"),
        (95, "about 95 in 100"),
        (98.9, "about 99 in 100"),
        # 15 significant digits, not the binary noise of the float 1e308.
        pytest.param(1e-306, "1 in 100" + ",000" * 102, id="1e-306"),
        (0, "0%"),
        (100, "100%"),
    ],
)
def test_one_in(percent: float, words: str) -> None:
    assert one_in(percent) == words


ONE_IN = re.compile(r"^(?:about |nearly |more than )?([\d,]+) in ([\d,]+)$")


def test_one_in_never_says_none_or_all_of_a_partial_share() -> None:
    wrong = {}
    for hundredths in range(1, 10_000):
        percent = hundredths / 100
        words = one_in(percent)
        m = ONE_IN.match(words)
        assert m, f"one_in({percent}) = {words!r}"
        n, d = (int(g.replace(",", "")) for g in m.groups())
        if not 0 < n < d:
            wrong[percent] = words
    assert wrong == {}


@pytest.mark.parametrize(
    ("percent", "words"),
    [
        (49.5, "nearly 5 in 10"),
        (89.9, "nearly 9 in 10"),
        (79.5, "nearly 8 in 10"),
        (24.6, "more than 2 in 10"),
        (12.4, "more than 1 in 10"),
        (9.96, "about 1 in 10"),
        (3, "1 in 33"),  # 3.03%, which is 3% to the digits the fact gives
        (33.3, "1 in 3"),
    ],
)
def test_one_in_never_rounds_a_share_up(percent: float, words: str) -> None:
    assert one_in(percent) == words


def test_a_bare_count_never_says_more_than_the_share() -> None:
    """A brief must not overstate a fact: "9 in 10" for 89.9% does. A count with no
    words before it is at most the share, read to the share's own digits."""
    over = {}
    for hundredths in range(1, 10_000):
        percent = hundredths / 100
        m = re.fullmatch(r"([\d,]+) in ([\d,]+)", one_in(percent))
        if m:
            n, d = (int(g.replace(",", "")) for g in m.groups())
            written = Decimal(format(percent, ".15g"))
            if (Decimal(100 * n) / Decimal(d)).quantize(written) > written:
                over[percent] = one_in(percent)
    assert over == {}


@pytest.mark.parametrize(
    ("value", "value_max", "unit", "english", "spanish"),
    [
        (0.5, None, "USD per pill", "$0.50 per pill", "$0.50 por pastilla"),
        (1.5, 2.25, "USD per pill", "$1.50–$2.25 per pill", "$1.50–$2.25 por pastilla"),
        (1.5, 2, "USD per pill", "$1.50–$2 per pill", "$1.50–$2 por pastilla"),
        (-1.5, None, "USD", "-$1.50", "-$1.50"),
        (1.25, None, "USD", "$1.25", "$1.25"),
        # A number of millions is no amount of cents.
        (3.5, None, "USD billion", "$3.5 billion", "$3.5 millones"),
    ],
)
def test_money_is_written_to_the_cent(
    value: float, value_max: float | None, unit: str, english: str, spanish: str
) -> None:
    es_unit = {"USD per pill": "USD por pastilla", "USD billion": "USD millones"}.get(unit)
    fact = statistic(value, unit, value_max, spanish=True, es_unit=es_unit)
    assert (fact.number(), fact.number("es-US")) == (english, spanish)
    assert short_figure(fact) == english.removesuffix(unit[3:])


@pytest.mark.parametrize(
    ("value", "value_max", "unit", "english", "spanish", "figure"),
    [
        (-20, -5, "USD per pill", "-$20 to -$5 per pill", "-$20 a -$5 por pastilla", "-$20 to -$5"),
        (-20, -5, "percent", "-20% to -5%", "-20% a -5%", "-20% to -5%"),
        (-20, -5, "pounds", "-20 to -5 pounds", "-20 a -5 libras", "-20 to -5"),
        (-5, 20, "USD per pill", "-$5–$20 per pill", "-$5–$20 por pastilla", "-$5–$20"),
    ],
)
def test_a_range_whose_top_is_negative_is_joined_by_a_word(
    value: float, value_max: float, unit: str, english: str, spanish: str, figure: str
) -> None:
    """-$20–-$5: a dash before a minus sign reads as neither."""
    es_unit = {"USD per pill": "USD por pastilla", "pounds": "libras"}.get(unit)
    fact = statistic(value, unit, value_max, spanish=True, es_unit=es_unit)
    assert (fact.number(), fact.number("es-US"), short_figure(fact)) == (english, spanish, figure)


def test_an_odd_space_is_blamed_only_near_the_yaml_error(tmp_path: Path) -> None:
    """A no-break space indenting a line (text copied from a web page or e-mail) is
    told at its own line; one in a valid value, or far above an unrelated error, is
    not taken for the cause."""
    from briefgen.facts.yamlfile import parse_yaml

    def told(text: str) -> str:
        with pytest.raises(FactsError) as caught:
            parse_yaml(text, tmp_path / "x.yaml", FactsError)
        return caught.value.format_message()

    nbsp = "\u00a0"
    assert told(f"a:\n  b: 1\n{nbsp} c: 2\n  d: 3\n") == (
        f"{tmp_path / 'x.yaml'}:3: YAML: the line is indented with U+00A0 NO-BREAK SPACE, "
        "which YAML does not read as a space; indent with plain spaces, column 1"
    )
    # In a value it is a letter of the text.
    parse_yaml(f"a: >-\n  one\n  {nbsp}two\n", tmp_path / "x.yaml", FactsError)
    # Four lines above the error, it is not what the error is about.
    assert "NO-BREAK" not in told(f"a: >-\n  one\n  {nbsp}two\nb: 1\nc: 2\nd: [\n")


def test_a_no_break_space_in_a_block_of_text_is_not_blamed_for_the_error_below(
    tmp_path: Path,
) -> None:
    """A no-break space leading a line of a folded value is a letter of the text (YAML
    reads it so): the error on the next line was blamed on it, at the wrong line."""
    from briefgen.facts.yamlfile import parse_yaml

    nbsp = "\u00a0"
    text = f"a: >-\n  one\n  {nbsp}two\nb: c: d\n"
    with pytest.raises(FactsError) as caught:
        parse_yaml(text, tmp_path / "x.yaml", FactsError)
    message = caught.value.format_message()
    assert "NO-BREAK" not in message
    assert message.startswith(f"{tmp_path / 'x.yaml'}:4: YAML: mapping values are not allowed")
