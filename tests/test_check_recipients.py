"""`briefgen check --recipients FILE`: every copy `build --recipients FILE` would make,
decided and reported per audience, without writing a file."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from letters import letter_workspace

from briefgen.batch import show_progress
from briefgen.check_copies import run_copies_check
from briefgen.cli import cli
from briefgen.pipeline import BuildOptions

REPO = Path(__file__).resolve().parents[1]

# A template that prints a column only a recipients file has, as batch letters do:
# `check` without the file cannot render it.
LETTER = """\
---
description: A fictional letter for the check tests
---
# For {{ recipient.name }}

To {{ recipient.title }} {{ recipient.name }}, district {{ recipient.district }}.

{% if recipient.id == "ex-broken" %}{{ fact("no-such-fact") }}{% endif %}
{{ fact("tucson-pill-price").text }} {{ cite("tucson-pill-price") }}
"""

RECIPIENTS = """\
id,audience,name,title,office,district
ex-1,letter,Alex Example,Director,Example Office 1,7
ex-2,letter,Sam Sample,Deputy,Example Office 2,8
ex-3,letter,Kim Test,Chief,Example Office 3,9
"""


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return letter_workspace(tmp_path, monkeypatch, LETTER, RECIPIENTS)


def run(command: str, *args: str) -> Result:
    common = [command, "--facts", str(REPO / "facts"), "--date", "2024-01-15"]
    return CliRunner().invoke(cli, [*common, *args])


def check_json(*args: str) -> dict[str, Any]:
    result = run("check", "--json", *args)
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_a_template_of_recipient_columns_is_checked_with_its_file(workspace: Path) -> None:
    alone = run("check")
    assert alone.exit_code == 1
    assert "the recipient has no 'district'" in alone.stdout

    result = run("check", "--recipients", "recipients.csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "letter:"
    assert re.fullmatch(
        r"  3 copies, each 1 page, \d+(–\d+)?% full; the fullest, ex-\d at "
        r"recipients\.csv:\d, has \d\.\d in to spare",
        lines[1],
    ), lines[1]
    # The rest: the store's sources without a URL, which the copies cite.
    assert all(": warning: source '" in line for line in lines[2:-1])
    assert lines[-1] == f"checked 1 audience, 3 copies: 0 errors, {len(lines) - 3} warnings"
    assert sorted(p.name for p in workspace.iterdir()) == ["recipients.csv", "templates"]


def test_the_check_does_not_look_at_the_output_folder(workspace: Path) -> None:
    """docs/batch.md: `check --recipients` does not look at the output folder, which
    build checks before any work: a link where an audience's folder goes stops the
    build, not the check."""
    (workspace / "output").mkdir()
    (workspace / "output" / "letter").symlink_to(workspace / "nowhere")
    checked = run("check", "--recipients", "recipients.csv")
    assert checked.exit_code == 0, checked.output
    assert "output" not in checked.output
    built = run("build", "--recipients", "recipients.csv")
    assert built.exit_code == 1
    assert built.output.startswith(f"{Path('output/letter')}: a link where the audience's")


# docs/batch.md: check --recipients takes --name-column, --page-size and --date as
# build does (the workspace fixture's runs give a --date).
@pytest.mark.parametrize(
    "options", [[], ["--page-size", "a4", "--name-column", "office"]], ids=["plain", "options"]
)
def test_the_fills_are_those_the_batch_builds(workspace: Path, options: list[str]) -> None:
    # Titles of different lengths, so the copies' fills differ.
    long_title = "Deputy Assistant Director for Example Affairs " * 12
    (workspace / "recipients.csv").write_text(
        RECIPIENTS.replace("Chief", long_title.strip()), encoding="utf-8"
    )
    (fit,) = [
        f
        for f in check_json("--recipients", "recipients.csv", *options)["findings"]
        if f["code"] == "fit"
    ]
    args = ["--recipients", "recipients.csv", "--combine", "--format", "pdf", *options]
    built = run("build", *args)
    assert built.exit_code == 0, built.output
    with (workspace / "output" / "manifest.csv").open(encoding="utf-8") as file:
        fills = {row["file"]: float(row["fill"]) for row in csv.DictReader(file)}
    assert fit["data"]["fill_least"] == min(fills.values()) < max(fills.values())
    assert fit["data"]["fill_most"] == max(fills.values())
    assert fills[f"letter/{fit['data']['fullest']}.pdf"] == max(fills.values())
    assert fit["location"] == "recipients.csv:4"


def test_an_error_is_reported_once_with_the_copies_it_stops(workspace: Path) -> None:
    template = workspace / "templates" / "letter.md.j2"
    template.write_text(LETTER.replace("recipient.district", "recipient.distrct"), "utf-8")
    result = run("check", "--recipients", "recipients.csv")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "letter:",
        "  templates/letter.md.j2:6: error: the recipient has no 'distrct' (did you mean "
        "'district'? it has audience, district, id, name, office, place, title) "
        "(in all 3 copies, first ex-1 at recipients.csv:2)",
        "checked 1 audience, 3 copies (3 failed): 1 error, 0 warnings",
    ]


def test_a_copy_that_fails_is_named_and_the_others_still_checked(workspace: Path) -> None:
    (workspace / "recipients.csv").write_text(
        RECIPIENTS.replace("ex-2,", "ex-broken,"), encoding="utf-8"
    )
    data = check_json("--recipients", "recipients.csv")
    (error,) = [f for f in data["findings"] if f["severity"] == "error"]
    assert error["location"] == "templates/letter.md.j2:8"
    assert error["message"].endswith("(in ex-broken at recipients.csv:3)")
    assert error["data"]["copies"] == ["ex-broken"]
    (fit,) = [f for f in data["findings"] if f["code"] == "fit"]
    assert (fit["data"]["fitted"], fit["data"]["failed"]) == (2, 1)
    assert data["copies"] == 3


def test_every_mistake_in_the_file_is_reported_and_nothing_checked(workspace: Path) -> None:
    (workspace / "recipients.csv").write_text(
        "id,audience,name\nx,nobody,A\n../a,letter,B\nok,letter,\n", encoding="utf-8"
    )
    result = run("check", "--recipients", "recipients.csv")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("recipients.csv:2: error: audience: no template for audience ")
    assert lines[1].startswith("recipients.csv:3: error: id: '../a' holds a path separator")
    assert lines[-1] == "checked 0 audiences: 2 errors, 0 warnings"


def test_audience_is_for_rows_that_name_none_as_for_build(workspace: Path) -> None:
    (workspace / "r.yaml").write_text(
        "- id: ex-1\n  name: Alex Example\n  district: 7\n", encoding="utf-8"
    )
    result = run("check", "--recipients", "r.yaml", "--audience", "letter")
    assert result.exit_code == 0, result.output
    assert "1 copy, 1 page, " in result.stdout
    assert re.search(r"\nchecked 1 audience, 1 copy: 0 errors, \d+ warnings\n\Z", result.stdout)


def test_a_misspelt_audience_is_told_as_build_tells_it(workspace: Path) -> None:
    """check --recipients --audience lettr printed the option's mistake as a finding
    of a check on stdout, with a summary; check without --recipients and build
    --recipients say it in one line on stderr."""
    (workspace / "r.yaml").write_text("- id: ex-1\n  name: Alex Example\n", encoding="utf-8")
    args = ["--recipients", "r.yaml", "--audience", "lettr"]
    checked, built = run("check", *args), run("build", *args)
    assert checked.exit_code == built.exit_code == 1
    assert checked.stdout == ""
    assert checked.stderr == built.stderr
    assert checked.stderr.startswith("--audience: no template for audience 'lettr' (did you")
    assert len(checked.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--recipients", "recipients.csv", "--audience", "letter", "--audience", "x"],
            "--recipients takes at most one --audience",
        ),
        (["--name-column", "id"], "--name-column needs --recipients FILE"),
    ],
)
def test_options_that_do_not_go_together(workspace: Path, args: list[str], message: str) -> None:
    result = run("check", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_facts_check_takes_name_column_only_with_recipients(workspace: Path) -> None:
    """As build and check do: once accepted, and nothing done with it."""
    facts_check = ["facts", "check", "--facts", str(REPO / "facts"), "--name-column", "id"]
    result = CliRunner().invoke(cli, facts_check)
    assert result.exit_code == 2
    assert "--name-column needs --recipients FILE" in result.stderr
    result = CliRunner().invoke(cli, [*facts_check, "--recipients", "recipients.csv"])
    assert result.exit_code == 0, result.output


def test_each_warning_once_and_each_drop_with_its_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample workspace's recipients: a stale fact every legislators copy cites is
    one warning; a name long enough to make one copy drop its optional quote says so
    for that copy alone."""
    from briefgen.workspace import init_workspace

    init_workspace(tmp_path)
    monkeypatch.chdir(tmp_path)
    recipients = (tmp_path / "recipients.csv").read_text(encoding="utf-8")
    long_name = "Alexandria " + "Verylongname " * 30
    (tmp_path / "r.csv").write_text(
        recipients.replace("Alex Example", long_name.strip()), encoding="utf-8"
    )
    data = check_json("--recipients", "r.csv", "--date", "2026-11-01")
    mine = [f for f in data["findings"] if f["audience"] == "legislators"]
    lines = [(f["location"], f["message"]) for f in mine]
    assert len(lines) == len(set(lines))
    stale = [f for f in mine if f["code"] == "stale-fact"]
    assert {f["data"]["fact"] for f in stale} >= {"seizures-up-480-percent"}
    dropped = [f for f in mine if f["code"] == "dropped"]
    assert dropped, "the long name should push the optional quote off one copy"
    assert all(f["data"]["copies"] == ["example-office-1"] for f in dropped)
    assert all(f["message"].endswith("(in example-office-1 at r.csv:2)") for f in dropped)


def test_the_docs_show_the_sample_batch_check_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/batch.md's `check --recipients` report of the sample workspace: each line
    it shows is a line of the real report (at the date the stale warnings assume), in
    the same order."""
    from test_guide import fenced_lines

    from briefgen.workspace import init_workspace

    init_workspace(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli, ["check", "--recipients", "recipients.csv", "--date", "2026-11-01"]
    )
    assert result.exit_code == 0, result.output
    report = result.stdout.splitlines()
    block = fenced_lines(REPO / "docs" / "batch.md")
    start = block.index("legislators:")
    shown = block[start : block.index(report[-1], start) + 1]
    assert [line for line in report if line in shown] == shown


OPTIONAL = """\
---
description: A page whose optional paragraph names its recipient
---
# Title

{{ recipient.body }}

::: optional 1
For {{ recipient.name }}: {{ "An optional paragraph too long for the page at any size. " * 40 }}
:::
"""


def test_a_drop_and_a_type_size_name_their_copies_once(workspace: Path) -> None:
    """A dropped block's preview holds each copy's name, and a smaller type size is
    each copy's own: each is still one line, naming how many copies and the first."""
    (workspace / "templates" / "opt.md.j2").write_text(OPTIONAL, encoding="utf-8")
    rows = [f"o{i},opt,Person {i},{'Long text here. ' * 200}" for i in range(6)]
    (workspace / "opt.csv").write_text(
        "\n".join(["id,audience,name,body", *rows, "short,opt,Shorty,Short."]) + "\n",
        encoding="utf-8",
    )
    data = check_json("--recipients", "opt.csv")
    infos = {f["code"]: f for f in data["findings"] if f["severity"] == "info"}
    dropped, smaller = infos["dropped"], infos["body-size"]
    assert dropped["message"].startswith(
        "dropped (optional, priority 1) templates/opt.md.j2:9: For Person 0: "
    )
    assert dropped["message"].endswith("(in 6 of 7 copies, first o0 at opt.csv:2)")
    assert dropped["data"]["copies"] == [f"o{i}" for i in range(6)]
    assert smaller["message"].endswith("(in 6 of 7 copies, first o0 at opt.csv:2)")
    assert smaller["location"] == "opt.csv:2"
    assert smaller["data"]["copies"] == [f"o{i}" for i in range(6)]
    assert [f["code"] for f in data["findings"]].count("dropped") == 1


def test_a_reading_level_only_some_copies_miss_is_a_warning_for_those(workspace: Path) -> None:
    """The built-in public brief addresses a group by its office: a long one makes
    that copy harder to read than the target, and only that copy is warned about."""
    office = (
        "Interdepartmental Multijurisdictional Intergovernmental Administrative "
        "Coordination Association of Metropolitan Municipalities Representing "
        "Community Organizations"
    )
    (workspace / "read.csv").write_text(
        "id,audience,office\nshort,public,Example Neighborhood Association 1\n"
        f"long,public,{office}\n",
        encoding="utf-8",
    )
    data = check_json("--recipients", "read.csv")
    levels = [f for f in data["findings"] if f["code"] == "reading-level"]
    assert [(f["severity"], f["data"]["copies"]) for f in levels] == [
        ("info", ["short"]),
        ("warning", ["long"]),
    ]
    assert levels[1]["message"].endswith(", harder than the target (in long at read.csv:3)")
    assert run("check", "--recipients", "read.csv", "--strict").exit_code == 1


MANY = """\
---
description: A page naming a fact from the recipient's row
---
# Title

{{ fact(recipient.f).text }}
"""


def test_every_error_is_counted_and_the_text_lists_twenty(workspace: Path) -> None:
    (workspace / "templates" / "many.md.j2").write_text(MANY, encoding="utf-8")
    rows = [f"m{i},many,no-such-{i}" for i in range(25)]
    rows += [f"x{i},many,no-such-0" for i in range(3)]
    rows.append("ok,many,seizures-up-480-percent")
    (workspace / "many.csv").write_text(
        "\n".join(["id,audience,f", *rows]) + "\n", encoding="utf-8"
    )
    data = check_json("--recipients", "many.csv")
    assert (data["errors"], data["copies"], data["failed"]) == (25, 29, 28)
    first = next(f for f in data["findings"] if f["severity"] == "error")
    assert first["data"]["copies"] == ["m0", "x0", "x1", "x2"]
    text = run("check", "--recipients", "many.csv").stdout.splitlines()
    assert text[1].startswith("  1 of 29 copies fits one page, ")
    assert text[2] == (
        "  templates/many.md.j2:6: error: unknown fact 'no-such-0' "
        "(in 4 of 29 copies, first m0 at many.csv:2)"
    )
    assert len([line for line in text if ": error: " in line]) == 20
    assert text[-2:] == [
        "  ... and 5 more errors (--json lists every one)",
        "checked 1 audience, 29 copies (28 failed): 25 errors, 0 warnings",
    ]


def test_the_copies_go_on_a_syntax_errors_first_line(workspace: Path) -> None:
    (workspace / "templates" / "letter.md.j2").write_text("# T {{ recipient.name \n", "utf-8")
    lines = run("check", "--recipients", "recipients.csv").stdout.splitlines()
    assert lines[1].endswith("(in all 3 copies, first ex-1 at recipients.csv:2)")
    assert lines[2] == "    # T {{ recipient.name "
    assert lines[3].strip() == "^"


def test_each_typed_number_on_a_line_is_its_own_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two numbers typed on one line, on the copies for one place only: two warnings,
    as plain check gives, each naming that copy once."""
    from briefgen.workspace import init_workspace

    init_workspace(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates" / "public.md.j2").write_text(
        '{% extends "builtin/public.md.j2" %}\n{% block helps %}\n{{ super() }}\n\n'
        '{% if recipient.place == "tucson-az" %}Overdoses here rose 35% in a year, '
        "to 12 a week.{% endif %}\n{% endblock %}\n",
        encoding="utf-8",
    )
    (tmp_path / "r.csv").write_text(
        "id,audience,office,place\nt,public,Tucson Group,tucson-az\n"
        "c,public,Chicago Group,chicago-il\n",
        encoding="utf-8",
    )
    data = check_json("--recipients", "r.csv")
    typed = [f for f in data["findings"] if f["code"] == "untraced-number"]
    assert [(f["data"]["number"], f["data"]["copies"]) for f in typed] == [
        ("35", ["t"]),
        ("12", ["t"]),
    ]
    assert all(f["message"].endswith("(in t at r.csv:2)") for f in typed)


YUMA = """\
sources:
  - id: yuma-bulletin
    type: report
    title: Yuma bulletin (a test's fiction)
facts:
  - id: yuma-seizures
    kind: statistic
    text: Yuma police seized 40 pounds of fentanyl in this test.
    short: pounds seized in Yuma
    value: 40
    unit: pounds
    as_of: 2023
    source: yuma-bulletin
    topics: [seizures]
    places: [yuma-az]
  - id: yuma-chiefs-only
    kind: statistic
    text: Yuma has 3 task force units in this test.
    value: 3
    unit: units
    as_of: 2023
    source: yuma-bulletin
    topics: [operations]
    audiences: [chiefs]
    places: [yuma-az]
"""


def test_a_places_facts_no_copy_prints_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A seizure figure about Yuma, where the built-ins print a local price only, is
    on no copy for Yuma: said once, at the first row for Yuma. A fact for chiefs
    alone is not expected on the public copy, and is not named."""
    shutil.copytree(REPO / "facts", tmp_path / "facts")
    (tmp_path / "facts" / "yuma.yaml").write_text(YUMA, encoding="utf-8")
    (tmp_path / "r.csv").write_text(
        "id,audience,office,place\nt,public,Tucson Group,tucson-az\n"
        "y,public,Yuma Group,Yuma AZ\ny2,public,Other Yuma Group,yuma-az\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--recipients", "r.csv"])
    assert result.exit_code == 0, result.output
    local = [line for line in result.stdout.splitlines() if "on no copy for yuma" in line]
    assert local == [
        "r.csv:3: info: 1 fact about yuma-az is on no copy for yuma-az: yuma-seizures (a "
        "template prints the facts it asks for, such as facts(place=recipient.place, "
        "topic=...))"
    ]


def test_a_progress_bar_on_a_terminal_only(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A thousand rows take a while to check, as to build: on a terminal (and not with
    -q or --json) a bar on stderr says how far it is."""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    options = BuildOptions(workspace=workspace, facts=REPO / "facts")
    monkeypatch.setenv("TERM", "xterm")  # a terminal that draws one
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    run_copies_check(options, workspace / "recipients.csv", progress=show_progress(False, terminal))
    assert "checking" in terminal.getvalue() and "3/3" in terminal.getvalue()
    quiet = Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    run_copies_check(options, workspace / "recipients.csv", progress=show_progress(True, quiet))
    assert quiet.getvalue() == ""
    # From the command line, stderr is no terminal here: nothing but the findings.
    monkeypatch.undo()
    result = run("check", "--recipients", "recipients.csv")
    assert "checking" not in result.stderr


def test_the_command_line_draws_no_bar_with_json_or_quiet(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/batch.md: `check --recipients` draws a bar on a terminal, but not with -q
    or --json (read by a script). Whether it would, as it asks, for each."""
    import briefgen.batch

    asked: list[bool] = []

    def on_a_terminal(quiet: bool, stream: object) -> bool:
        asked.append(not quiet)
        return False  # CliRunner's stderr is no terminal: draw nothing

    monkeypatch.setattr(briefgen.batch, "show_progress", on_a_terminal)
    common = ["--facts", str(REPO / "facts"), "--recipients", "recipients.csv"]
    for args in (["check", *common], ["check", "--json", *common], ["-q", "check", *common]):
        assert CliRunner().invoke(cli, args).exit_code == 0
    assert asked == [True, False, False]


def test_every_problem_of_a_long_file_is_counted_and_in_json(workspace: Path) -> None:
    """A file of 150 mistakes: check counted 101 (the hundred its message lists and
    the "and 50 more" line as an error) and --json held the line as an entry."""
    rows = "id,audience,name\n" + ",letter,Someone\n" * 150
    (workspace / "many.csv").write_text(rows, encoding="utf-8")
    result = run("check", "--recipients", "many.csv")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "checked 0 audiences: 150 errors, 0 warnings"
    assert "... and 130 more errors (--json lists every one)" in result.stdout
    data = check_json("--recipients", "many.csv")
    assert data["errors"] == len(data["findings"]) == 150
    assert all(f["message"].startswith("id: empty") for f in data["findings"])
