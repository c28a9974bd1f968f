"""``briefgen facts check|list|show``: bad stores give exact errors, the real store passes.

Bad stores are fixture cases in ``tests/facts_cases`` (``NAME.yaml`` or a folder
``NAME/``, next to ``NAME.expected``; see the README there), run with that folder as
the working directory so paths in the messages read as written in the fixtures.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from briefgen.cli import cli
from briefgen.facts import load_store
from briefgen.facts.report import show

REPO = Path(__file__).resolve().parents[1]
CASES = Path(__file__).resolve().parent / "facts_cases"

# Cases whose .expected file holds the behaviour we want but the loader does not give
# yet. Each runs as a strict xfail: when the bug is fixed, remove its line here.
KNOWN_BUGS: dict[str, str] = {}


def invoke(*args: str) -> Result:
    """Run ``briefgen ARGS`` with stdout and stderr kept apart."""
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:  # click >= 8.2 keeps them apart always
        runner = CliRunner()
    return runner.invoke(cli, list(args))


def _case_params() -> list[object]:
    params = []
    for expected in sorted(CASES.glob("*.expected")):
        name = expected.stem
        marks = []
        if name in KNOWN_BUGS:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name]))
        params.append(pytest.param(expected, id=name, marks=marks))
    return params


@pytest.mark.parametrize("expected", _case_params())
def test_bad_store_gives_exact_error_lines(expected: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = expected.stem
    target = name if (CASES / name).is_dir() else f"{name}.yaml"
    want = (
        expected.read_text(encoding="utf-8")
        .replace("{today}", dt.date.today().isoformat())
        .splitlines()
    )
    monkeypatch.chdir(CASES)

    result = invoke("facts", "check", "--facts", target)

    assert result.stderr.splitlines() == want
    assert result.exit_code == 1
    # A ClickException exits through SystemExit; anything else is a crash.
    assert result.exc_info is not None and result.exc_info[0] is SystemExit
    assert "Traceback" not in result.output + result.stderr
    assert result.stdout == ""


def test_every_case_has_its_expected_lines_and_its_input() -> None:
    inputs = {p.stem for p in CASES.glob("*.yaml")} | {
        p.name for p in CASES.iterdir() if p.is_dir()
    }
    expected = {p.stem for p in CASES.glob("*.expected")}
    assert inputs == expected
    assert len(expected) >= 15
    assert set(KNOWN_BUGS) <= expected


# --- the real store ---------------------------------------------------------------


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The repository root as working directory, so ``--facts`` defaults to facts/."""
    monkeypatch.chdir(REPO)
    return REPO


def test_the_real_store_passes_check(in_repo: Path) -> None:
    result = invoke("facts", "check")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    m = re.match(r"(\d+) facts, (\d+) sources: valid\n", result.stdout)
    assert m, result.stdout
    assert int(m.group(1)) >= 30
    assert int(m.group(2)) >= 2


def test_every_source_and_original_source_resolves() -> None:
    store = load_store(REPO / "facts")
    assert len(store) >= 30
    for fact in store:
        assert fact.source in store.sources, fact.id
        assert fact.original_source is None or fact.original_source in store.sources, fact.id
        # Every fact can be shown in full (its number formatted, its sources cited).
        text = show(store, fact)
        assert f"[{fact.source}, " in text
        if fact.original_source:
            assert f"[{fact.original_source}, " in text


def test_list_json_is_valid_with_sources_resolved(in_repo: Path) -> None:
    result = invoke("facts", "list", "--json")
    assert result.exit_code == 0, result.stderr
    facts = json.loads(result.stdout)
    assert len(facts) == len(load_store(REPO / "facts"))
    for fact in facts:
        assert isinstance(fact["source"], dict) and fact["source"]["title"], fact["id"]
        if "original_source" in fact:
            assert isinstance(fact["original_source"], dict), fact["id"]
            assert fact["original_source"]["title"], fact["id"]
        assert re.fullmatch(r"facts/[\w-]+\.yaml:\d+", fact["location"]), fact["location"]
    # docs/facts.md: the list includes each fact's Spanish form, `es`, as written.
    store = load_store(REPO / "facts")
    spanish = {fact["id"]: fact["es"] for fact in facts if "es" in fact}
    assert spanish and set(spanish) == {fact.id for fact in store if fact.es}
    for fact_id, es in spanish.items():
        form = store.get(fact_id).es
        assert form is not None
        assert (es["text"], es.get("short"), es["reviewed"]) == (
            form.text,
            form.short,
            form.reviewed,
        ), fact_id


def test_list_filters_by_audience_and_kind(in_repo: Path) -> None:
    everything = json.loads(invoke("facts", "list", "--json").stdout)
    result = invoke("facts", "list", "--audience", "public", "--kind", "statistic", "--json")
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    want = [f["id"] for f in everything if f["kind"] == "statistic" and "public" in f["audiences"]]
    assert sorted(f["id"] for f in found) == sorted(want)
    assert 0 < len(found) < len(everything)
    priorities = [f.get("priority", 3) for f in found]
    assert priorities == sorted(priorities, reverse=True)

    table = invoke("facts", "list", "--audience", "public", "--kind", "statistic")
    assert table.exit_code == 0, table.stderr
    assert [line.split()[0] for line in table.stdout.splitlines()] == [f["id"] for f in found]


def test_list_keeps_its_columns_with_an_id_of_more_than_forty_letters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The id column stopped at 40 characters, so a longer id pushed its row's kind,
    date and text out of line with the rows above and below."""
    shutil.copytree(REPO / "facts", tmp_path / "facts")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "120")
    path = tmp_path / "facts" / "overdose-crisis.yaml"
    long_id = "synthetic-opioid-deaths-2021-national-total-cdc"
    assert len(long_id) > 40
    path.write_text(
        path.read_text(encoding="utf-8").replace("synthetic-opioid-deaths-2021", long_id),
        encoding="utf-8",
    )
    table = invoke("facts", "list", "--kind", "statistic")
    assert table.exit_code == 0, table.stderr
    assert long_id in table.stdout
    starts = {line.index(" statistic ") for line in table.stdout.splitlines()}
    assert len(starts) == 1, table.stdout


def test_list_with_no_match_says_so(in_repo: Path) -> None:
    # Each name is known; no fact has both (an unknown name is an error: test_cli_slips).
    result = invoke("facts", "list", "--topic", "youth", "--kind", "myth")
    assert result.exit_code == 0
    assert result.stdout == "no facts match\n"


def test_show_prints_the_fact_and_its_original_source(in_repo: Path) -> None:
    result = invoke("facts", "show", "fentanyl-offenders-us-citizens")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("fentanyl-offenders-us-citizens  (statistic, facts/")
    assert "86%" in out
    assert "U.S. Sentencing Commission" in out
    assert "[ussc-fentanyl-trafficking-offenders, dataset]" in out


def test_show_an_unknown_fact_exits_1(in_repo: Path) -> None:
    result = invoke("facts", "show", "nonexistent")
    assert result.exit_code == 1
    assert result.stderr == "unknown fact 'nonexistent'\n"
    assert "Traceback" not in result.output


def test_show_a_misspelt_fact_suggests_the_right_one(in_repo: Path) -> None:
    result = invoke("facts", "show", "fentanyl-offenders-us-citizen")
    assert result.exit_code == 1
    assert result.stderr == (
        "unknown fact 'fentanyl-offenders-us-citizen'"
        " (did you mean 'fentanyl-offenders-us-citizens'?)\n"
    )


def test_stale_facts_are_warned_about_by_max_age(in_repo: Path) -> None:
    strict = invoke("facts", "check", "--max-age", "1")
    assert strict.exit_code == 0, strict.stderr
    assert re.search(r"warning: \d+ facts are older than 1 year:", strict.stdout)
    # The 2014 overdose figure is old by any measure; it is listed with its place.
    assert re.search(
        r"facts/\S+\.yaml:\d+: synthetic-opioid-deaths-2014 \(as of 2014\)", strict.stdout
    )

    lenient = invoke("facts", "check", "--max-age", "100")
    assert lenient.exit_code == 0, lenient.stderr
    assert "older than" not in lenient.stdout


def test_facts_check_of_a_huge_store_lists_each_kind_of_thing_up_to_a_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The summary is one screen: a store of 150 sources, 150 audiences no template
    has and 150 stale facts listed every one, the audiences' counts on one line (a
    store of 30,000 made it 4 MB), and a warning for each."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "facts").mkdir()
    sources = "".join(f"  - id: s{n}\n    type: report\n    title: T\n" for n in range(150))
    facts = "".join(
        f"  - id: f{n}\n    kind: finding\n    text: T.\n    as_of: 2001\n    source: s{n}\n"
        f"    audiences: [a{n}]\n"
        for n in range(150)
    )
    (tmp_path / "facts" / "f.yaml").write_text(f"sources:\n{sources}facts:\n{facts}", "utf-8")
    result = invoke("facts", "check")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    audiences = next(line for line in lines if line.startswith("  by audience: "))
    assert audiences.endswith(", a115 1 and 130 more")
    assert "  s19\n" in result.stdout and "  s20\n" not in result.stdout
    assert "    ... and 130 more sources" in lines
    assert "    facts/f.yaml:1047: f99 (as of 2001)" in lines
    assert "    ... and 50 more facts older than that" in lines
    told = [line for line in lines if ": no template for audience " in line]
    assert len(told) == 100 and lines[-1] == "... and 50 more warnings"
    assert len(lines) < 260


def test_facts_check_takes_its_max_age_from_the_settings_unless_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--max-age's help and docs/settings.md: the default is briefgen.toml's
    [facts] max_age_years, else 3; --max-age overrides it."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(REPO / "facts", tmp_path / "facts")
    default = invoke("facts", "check")
    assert re.search(r"warning: \d+ facts are older than 3 years:", default.stdout)
    (tmp_path / "briefgen.toml").write_text("[facts]\nmax_age_years = 100\n", "utf-8")
    assert "older than" not in invoke("facts", "check").stdout
    given = invoke("facts", "check", "--max-age", "3")
    assert given.stdout.count("older than 3 years") == 1, given.stdout


@pytest.mark.parametrize(
    ("years", "told"),
    [
        ("0", "0.0 is not in the range 0<x<=100"),
        ("101", "101.0 is not in the range 0<x<=100"),
        ("inf", "inf is not in the range 0<x<=100"),
        # nan passed click's range and stopped with an internal error converting it.
        ("nan", "nan is not a number; give one in the range 0<x<=100"),
    ],
)
def test_max_age_must_be_positive_and_at_most_a_century(
    in_repo: Path, years: str, told: str
) -> None:
    result = invoke("facts", "check", "--max-age", years)
    assert result.exit_code == 2
    assert f"Invalid value for '--max-age': {told}" in result.stderr


@pytest.mark.parametrize("args", [["-q", "facts", "check"], ["facts", "check", "-q"]])
def test_quiet_facts_check_prints_errors_only(in_repo: Path, args: list[str]) -> None:
    # It printed its whole summary and the warnings, against "-q: Print errors only".
    quiet = invoke(*args, "--max-age", "1")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    broken = invoke(*args, "--facts", "no-such-folder")
    assert broken.exit_code == 1 and broken.stderr.startswith("no-such-folder: ")


def test_check_tells_facts_files_in_a_subfolder_are_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Facts filed in facts/local/ were left out without a word."""
    facts = tmp_path / "facts"
    shutil.copytree(REPO / "facts", facts)
    (facts / "local" / "deeper").mkdir(parents=True)
    (facts / "local" / "az.yaml").write_text("facts: []\n", encoding="utf-8")
    (facts / "local" / "deeper" / "pima.yml").write_text("facts: []\n", encoding="utf-8")
    (facts / "archive").mkdir()  # no facts files: nothing to say
    (facts / "archive" / "notes.txt").write_text("old", encoding="utf-8")
    (facts / ".git").mkdir()  # hidden: not the store's
    (facts / ".git" / "x.yaml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["facts", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "facts/local: 2 facts files not read: briefgen reads only the files directly in facts"
    )
    assert "archive" not in result.output and ".git" not in result.output


def test_an_unread_folder_is_named_with_its_control_characters_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder's name was printed raw: a right-to-left override in it (a folder
    unpacked from someone's archive) reversed the rest of the line."""
    facts = tmp_path / "facts"
    shutil.copytree(REPO / "facts", facts)
    (facts / "local\u202e").mkdir()
    (facts / "local\u202e" / "az.yaml").write_text("facts: []\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["facts", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "facts/local\\u202e: 1 facts file not read: briefgen reads only the files directly in facts"
    )


def _sample_store_and_one_override(tmp_path: Path, more: str) -> None:
    """``tmp_path/facts``: the sample store and facts/more.yaml, one finding whose text
    holds a right-to-left override, then the YAML lines ``more``."""
    facts = tmp_path / "facts"
    shutil.copytree(REPO / "facts", facts)
    (facts / "more.yaml").write_text(
        "facts:\n"
        "  - id: made-up-for-a-test\n"
        "    kind: finding\n"
        '    text: "An \\u202e override."\n'
        "    source: dea-fentanyl-description\n"
        "    as_of: 2023\n"
        "    audiences: [public]\n" + more,
        encoding="utf-8",
    )


def test_check_tells_a_field_that_would_not_print(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A right-to-left override or an emoji in a fact passed facts check; build
    refused it only once a template printed it."""
    _sample_store_and_one_override(tmp_path, "    es:\n      text: Un ejemplo \U0001f600.\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["facts", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == [
        "facts/more.yaml:4: text: has right-to-left text (U+202E RIGHT-TO-LEFT OVERRIDE), "
        "which briefgen cannot lay out yet; keep such text out of one-page briefs (build "
        "stops where a template prints it)",
        "facts/more.yaml:8: es: text: has a character briefgen cannot write into a PDF's "
        "text: U+1F600 GRINNING FACE (build stops where a template prints it)",
    ]


def test_show_and_list_print_no_control_character_of_a_fact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A note is never printed on a page, so it is not checked for control characters;
    facts show printed one raw to the terminal (an escape that writes the clipboard),
    and facts list a right-to-left override that reversed its line. Each is shown as
    its escape, as a message shows it."""
    _sample_store_and_one_override(tmp_path, '    note: "\\e]52;c;aGk=\\a a clipboard write"\n')
    monkeypatch.chdir(tmp_path)
    shown = invoke("facts", "show", "made-up-for-a-test")
    assert shown.exit_code == 0, shown.stderr
    assert "      note: \\x1b]52;c;aGk=\\x07 a clipboard write\n" in shown.stdout
    assert "An \\u202e override." in shown.stdout
    listed = invoke("facts", "list", "--kind", "finding")
    assert listed.exit_code == 0, listed.stderr
    assert "An \\u202e override." in listed.stdout
    for output in (shown.stdout, listed.stdout):
        assert all(char == "\n" or char.isprintable() for char in output)
