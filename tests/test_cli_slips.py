"""Small command-line slips a new user makes, each answered with a message that helps
(issue 11, "a forgiving CLI"): the exact words and the exit code.

Builds are replaced by a stand-in where only the command line is the point, so these
tests stay fast.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import click
import pytest
from casefacts import write_case_facts
from click.testing import CliRunner, Result
from pypdf import PdfReader

import briefgen.pipeline
from briefgen.cli import NO_FACTS_HERE, cli
from briefgen.facts import load_store
from briefgen.settings import load_settings
from briefgen.templating.search import builtin_dir

REPO = Path(__file__).resolve().parents[1]


def invoke(*args: str, **kwargs: Any) -> Result:
    return CliRunner().invoke(cli, list(args), **kwargs)


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The repository as the workspace (facts/, templates/, briefgen.toml)."""
    monkeypatch.chdir(REPO)
    return REPO


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch, in_repo: Path) -> list[Any]:
    """``build`` hands its options to a stand-in that records them and reports one
    line ("built") for one brief."""
    seen: list[Any] = []

    def fake_build(options: Any) -> Any:
        seen.append(options)
        return SimpleNamespace(briefs=[object()], workspace=None)

    monkeypatch.setattr(briefgen.pipeline, "build", fake_build)
    monkeypatch.setattr(briefgen.pipeline, "describe", lambda brief, out: ["built"])
    return seen


# ---------------------------------------------------------------- -h, -q, --debug


def _command_paths(group: click.Group, path: tuple[str, ...] = ()) -> list[list[str]]:
    """Each command and group under ``group``, as the words that name it."""
    paths = [list(path)]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            paths += _command_paths(command, (*path, name))
        else:
            paths.append([*path, name])
    return paths


@pytest.mark.parametrize("args", [[*path, "-h"] for path in _command_paths(cli)])
def test_h_is_help_everywhere(args: list[str]) -> None:
    """README: "`-h` is `--help` on every command", each one briefgen has, so a
    command added without it fails here."""
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: cli {' '.join(args[:-1])}".rstrip() + " ")
    assert "  -h, --help " in result.output


def test_quiet_after_the_command(builds: list[Any]) -> None:
    assert invoke("build").output == "built\n"
    for args in (["build", "-q"], ["build", "--quiet"], ["-q", "build"]):
        result = invoke(*args)
        assert (result.exit_code, result.output) == (0, ""), args


@pytest.mark.parametrize(
    "args",
    [
        ["--audience", "legislators,chiefs"],
        ["--audience", "legislators, chiefs"],
        ["--audience", "legislators", "--audience", "chiefs"],
    ],
)
def test_audiences_repeated_or_comma_separated(builds: list[Any], args: list[str]) -> None:
    """``--duplex`` takes FRONT,BACK: a user writes ``--audience a,b`` the same way."""
    result = invoke("build", *args)
    assert result.exit_code == 0, result.output
    assert builds[-1].audiences == ("legislators", "chiefs")


@pytest.mark.parametrize("value", [",", "legislators,", ""])
def test_an_empty_audience_name_is_a_usage_error(builds: list[Any], value: str) -> None:
    result = invoke("build", "--audience", value)
    assert result.exit_code == 2 and not builds
    assert result.output.endswith(
        "Error: Invalid value for '--audience': an empty audience name; "
        "give names such as legislators,chiefs\n"
    )


def test_debug_after_the_command(monkeypatch: pytest.MonkeyPatch, in_repo: Path) -> None:
    def broken(options: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(briefgen.pipeline, "build", broken)
    plain = invoke("build")
    assert plain.exit_code == 1
    assert plain.output.startswith("internal error: RuntimeError: boom (run ")
    for args in (["build", "--debug"], ["--debug", "build"]):
        assert isinstance(invoke(*args).exception, RuntimeError), args


@pytest.mark.parametrize(
    ("args", "last_line"),
    [
        (["biuld"], "Error: No such command 'biuld'. Did you mean 'build'?"),
        (["facts", "lst"], "Error: No such command 'lst'. Did you mean 'list'?"),
        (
            ["build", "--audiance", "public"],
            "Error: No such option '--audiance'. (Did you mean one of: '--audience'",
        ),
    ],
)
def test_a_misspelt_command_or_option_is_guessed(args: list[str], last_line: str) -> None:
    """click's own guesses (exit 2, usage error): kept by a test, as they answer the
    slips this file is about."""
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1].startswith(last_line), result.output


# ----------------------------------------------------- --format, --page-size in any case


@pytest.mark.parametrize(
    ("given", "formats", "size"),
    [
        (["--format", "PDF", "--page-size", "A4"], ("pdf",), "a4"),
        (["--format", "Docx", "--page-size", "Letter"], ("docx",), "letter"),
        (["--format", "pdf", "--page-size", "a4"], ("pdf",), "a4"),
        # Comma-separated, as --audience takes audiences.
        (["--format", "pdf,DOCX", "--page-size", "a4"], ("pdf", "docx"), "a4"),
        (
            ["--format", "docx", "--format", "pdf", "--page-size", "letter"],
            ("docx", "pdf"),
            "letter",
        ),
    ],
)
def test_format_and_page_size_in_any_case(
    builds: list[Any], given: list[str], formats: tuple[str, ...], size: str
) -> None:
    result = invoke("build", *given)
    assert result.exit_code == 0, result.output
    assert (builds[0].formats, builds[0].page_size) == (formats, size)


def test_a_wrong_format_in_a_list_is_named_with_the_choices(in_repo: Path) -> None:
    result = invoke("build", "--format", "pdf,odt")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "Error: Invalid value for '--format': 'odt' is not one of 'pdf', 'docx'."
    )


@pytest.mark.parametrize(
    ("given", "last_line"),
    [
        (
            ["--format", "pdf", "docx"],
            "Error: Got unexpected extra argument (docx); --format takes its values joined "
            "by commas, without spaces: --format pdf,docx",
        ),
        (
            ["--format=pdf", "docx"],
            "Error: Got unexpected extra argument (docx); --format takes its values joined "
            "by commas, without spaces: --format pdf,docx",
        ),
        (
            ["--duplex", "public", "public-es"],
            "Error: Got unexpected extra argument (public-es); --duplex takes its values "
            "joined by commas, without spaces: --duplex public,public-es",
        ),
        (
            ["--audience", "legislators", "chiefs", "public", "-q"],
            "Error: Got unexpected extra arguments (chiefs public); --audience takes its "
            "values joined by commas, without spaces: --audience legislators,chiefs,public",
        ),
        (
            ["--format", "pdf,", "docx"],
            "Error: Invalid value for '--format': an empty format; give formats such as pdf,docx",
        ),
        # An extra word after anything else is not given the hint.
        (["legislators"], "Error: Got unexpected extra argument (legislators)"),
        (
            ["--format", "pdf", "--out", "x", "docx"],
            "Error: Got unexpected extra argument (docx)",
        ),
    ],
)
def test_a_list_written_with_spaces_is_told_to_join_with_commas(
    builds: list[Any], given: list[str], last_line: str
) -> None:
    """``--format pdf docx``: click's "unexpected extra argument", and how to join them."""
    result = invoke("build", *given)
    assert result.exit_code == 2 and not builds
    assert result.output.splitlines()[-1] == last_line


def test_a_wrong_page_size_still_lists_the_choices(in_repo: Path) -> None:
    result = invoke("build", "--page-size", "legal")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "Error: Invalid value for '--page-size': 'legal' is not one of 'letter', 'a4'."
    )


# ------------------------------------------------------------ facts list: unknown names


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--audience", "legislator"],
            "--audience: no fact has audience 'legislator' (did you mean 'legislators'?); "
            "the facts' audiences are chiefs, legislators, public",
        ),
        (
            ["--topic", "price"],
            "--topic: no fact has topic 'price' (did you mean 'prices'?); the facts' topics "
            "are {topics}",
        ),
        (
            ["--kind", "stat"],
            "--kind: 'stat' is not a kind of fact (did you mean 'statistic'?); the kinds are "
            "statistic, quote, finding, recommendation, myth",
        ),
        (
            ["--place", "tucson"],
            "--place: no fact has place 'tucson' (did you mean 'tucson-az'?); the facts' places "
            "are {places}",
        ),
    ],
    ids=["audience", "topic", "kind", "place"],
)
def test_facts_list_names_the_known_ones(in_repo: Path, args: list[str], message: str) -> None:
    # The store is read here, not while the tests are collected (docs/testing.md).
    store = load_store(REPO / "facts")
    topics = ", ".join(sorted({topic for fact in store for topic in fact.topics}))
    message = message.format(topics=topics, places=", ".join(store.places()))
    result = invoke("facts", "list", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", message + "\n")


def test_facts_list_reports_every_unknown_name(in_repo: Path) -> None:
    result = invoke("facts", "list", "--audience", "nobody", "--kind", "fact", "--topic", "myths")
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == ["--audience", "--kind"]


# ----------------------------------------------------------------- outside a workspace


@pytest.mark.parametrize(
    "args",
    [
        ["build"],
        ["preview"],
        ["check"],
        ["facts", "check"],
        ["facts", "list"],
        ["facts", "show", "x"],
    ],
)
def test_outside_a_workspace_says_how_to_get_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert (result.exit_code, result.output) == (1, NO_FACTS_HERE + "\n")
    assert NO_FACTS_HERE == "no facts/ here; run `briefgen init DIR` or pass --facts"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("folder", ["facts", "templates"])
def test_inside_a_workspaces_folder_says_to_go_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str
) -> None:
    """In facts/, "run briefgen init DIR" would make a workspace inside the workspace."""
    monkeypatch.chdir(tmp_path)
    assert invoke("init", "ws").exit_code == 0
    monkeypatch.chdir(tmp_path / "ws" / folder)
    before = sorted((tmp_path / "ws").rglob("*"))
    # Every command that reads a workspace, as outside one (README: "in a workspace's
    # facts/ or templates/ folder it is ...").
    for args in (
        ["build"],
        ["preview"],
        ["check"],
        ["facts", "check"],
        ["facts", "list"],
        ["facts", "show", "x"],
        ["build", "--duplex", "public,public-es"],
        ["check", "--recipients", "../recipients.csv"],
    ):
        result = invoke(*args)
        assert (result.exit_code, result.output) == (
            1,
            f"no facts/ here: this is the {folder}/ folder of a workspace; run briefgen "
            "from the folder above it (cd ..)\n",
        ), args
    assert sorted((tmp_path / "ws").rglob("*")) == before


@pytest.mark.parametrize("folder", ["facts", "templates"])
def test_templates_commands_in_a_workspaces_folder_say_to_go_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str
) -> None:
    """In templates/, where one edits them, templates init copied into a templates/
    inside it, which nothing reads, and list and show told of the built-ins, not of
    the workspace's own templates beside them."""
    monkeypatch.chdir(tmp_path)
    assert invoke("init", "ws").exit_code == 0
    monkeypatch.chdir(tmp_path / "ws" / folder)
    before = sorted(Path().rglob("*"))
    for args in (
        ["templates", "init", "chiefs"],
        ["templates", "list"],
        ["templates", "show", "legislators"],
    ):
        result = invoke(*args)
        assert (result.exit_code, result.output) == (
            1,
            f"this is the {folder}/ folder of a workspace; run briefgen from the folder "
            "above it (cd ..)\n",
        ), args
    assert sorted(Path().rglob("*")) == before
    # A folder named, the user knows where they are.
    assert invoke("templates", "init", "chiefs", "--to", "copies").exit_code == 0
    assert invoke("templates", "list", "--templates", "copies").exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")
    assert invoke("templates", "list").exit_code == 0


@pytest.mark.parametrize(
    ("here", "target", "where", "folder"),
    [
        ("ws", "facts", "facts", "facts"),
        ("ws", "templates/new", "templates", "templates"),
        ("ws/templates", ".", ".", "templates"),
        (".", "ws/facts/new", "ws/facts", "facts"),
    ],
)
def test_init_inside_a_workspaces_folder_is_refused(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    here: str,
    target: str,
    where: str,
    folder: str,
) -> None:
    """'briefgen init facts' in a workspace made a second workspace inside its facts/,
    whose facts nothing reads, and filled the folder with settings and a README."""
    monkeypatch.chdir(tmp_path)
    assert invoke("init", "ws").exit_code == 0
    before = sorted(tmp_path.rglob("*"))
    monkeypatch.chdir(tmp_path / here)
    result = invoke("init", target)
    assert (result.exit_code, result.output) == (
        1,
        f"{where}: this is the {folder}/ folder of a workspace; make the new workspace "
        "outside it\n",
    )
    assert sorted(tmp_path.rglob("*")) == before
    # A workspace's re-init, and one beside it, are no such slip.
    monkeypatch.chdir(tmp_path)
    assert invoke("init", "--force", "ws").exit_code == 0
    assert invoke("init", "ws/../other").exit_code == 0


def test_check_json_answers_in_json_whatever_stops_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A script reads check --json's stdout: outside a workspace, or for an audience
    there is none of, it got a line of text on stderr and nothing on stdout."""
    monkeypatch.chdir(tmp_path)
    outside = invoke("check", "--json")
    assert outside.exit_code == 1
    data = json.loads(outside.stdout)
    assert (data["errors"], data["findings"][0]["message"]) == (1, NO_FACTS_HERE)
    assert outside.stderr == ""
    nobody = invoke("check", "--json", "--audience", "nope", "--facts", str(REPO / "facts"))
    assert nobody.exit_code == 1
    found = json.loads(nobody.stdout)["findings"]
    assert [f["severity"] for f in found] == ["error"]
    assert found[0]["message"].startswith("no template for audience 'nope'")
    assert nobody.stderr == ""


def test_outside_a_workspace_a_usage_error_is_told_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("build", "--shard", "1/2")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "Error: --shard needs --recipients FILE"


def test_a_facts_folder_given_but_missing_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("facts", "check", "--facts", "facts")
    assert (result.exit_code, result.output) == (1, "facts: no such file or folder\n")


# ------------------------------------------------------------------- a closed stdout


def test_a_closed_stdout_ends_quietly(builds: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    def closed(*args: Any, **kwargs: Any) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(click, "echo", closed)
    result = invoke("build")
    assert result.exit_code == 1
    assert "internal error" not in result.output and "Broken" not in result.output
    assert not isinstance(result.exception, BrokenPipeError)


def test_briefgen_piped_into_a_reader_that_has_gone() -> None:
    """``briefgen facts list | head -1``, with head gone before briefgen writes (every
    write fails, so no race decides the outcome): no traceback, no "internal error",
    exit 1 (click's answer to a closed pipe)."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "briefgen", "facts", "list"],
            cwd=REPO,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (1, "")


def test_a_reader_that_goes_midway_ends_briefgen_quietly() -> None:
    """``briefgen facts list --json | head -c 10``: the reader goes while more than a
    pipe's worth is left to write (the JSON is over 100 kB, a pipe holds 64 kB). No
    traceback, no message; the exit code is 0 or 1 (README: Python's writer may take
    the kernel's short write as the end of it, and then nothing fails)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "facts", "list", "--json"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(10)
    process.stdout.close()
    assert process.wait(timeout=60) in (0, 1)
    assert process.stderr.read() == b""


# --------------------------------------------------------------- slips in a template


@pytest.fixture
def template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace whose templates/x.md.j2 a test writes; the repository's facts."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    return tmp_path / "templates" / "x.md.j2"


def build_x(template: Path, *lines: str) -> Result:
    template.write_text("\n".join(["# Title", "", *lines]) + "\n", encoding="utf-8")
    return invoke("build", "--audience", "x", "--facts", str(REPO / "facts"))


def test_facts_with_a_topic_no_fact_has_stops_at_its_line(template: Path) -> None:
    result = build_x(template, '{% for f in facts(topic="price") %}{{ f.text }}{% endfor %}')
    assert result.exit_code == 1
    assert result.output.startswith(
        "templates/x.md.j2:3: facts(): no fact has topic 'price' (did you mean 'prices'?); "
        "the facts' topics are border-communities, "
    )
    assert result.output.count("\n") == 1
    assert not (template.parents[1] / "output").exists()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            "facts(audience=5)",
            "facts(): audience is a name, text such as 'public', not 5",
        ),
        (
            'facts(topic=["prices"])',
            "facts(): topic is a name, text such as 'prices', not a list",
        ),
        (
            'facts(audience="Faith Leaders")',
            "facts(): no fact has audience 'Faith Leaders'; the facts' audiences are "
            "chiefs, legislators, public",
        ),
        (
            'facts(audience="")',
            "facts(): no fact has audience ''; the facts' audiences are "
            "chiefs, legislators, public",
        ),
    ],
    ids=["number", "list", "not-a-slug", "empty"],
)
def test_facts_given_what_no_fact_could_name_is_told_so(
    template: Path, call: str, message: str
) -> None:
    """A number stopped with "TypeError: 'int' object is not subscriptable", and a
    list, or a name no fact's audiences could hold, was told to be added to the facts'
    audiences: "to give a list facts of its own"."""
    result = build_x(template, "{% set found = " + call + " %}")
    assert (result.exit_code, result.output) == (1, f"templates/x.md.j2:3: {message}\n")


def test_facts_with_a_kind_that_is_none_stops_at_its_line(template: Path) -> None:
    result = build_x(template, "", '{% set q = facts(kind="quotes") %}')
    assert (result.exit_code, result.output) == (
        1,
        "templates/x.md.j2:4: facts(): 'quotes' is not a kind of fact (did you mean 'quote'?); "
        "the kinds are statistic, quote, finding, recommendation, myth\n",
    )


@pytest.mark.parametrize(
    ("line", "helper", "before"),
    [
        ('Text {{ callout("seizures-up-480-percent") }} more.', "callout", "Text"),
        ('- {{ callout("seizures-up-480-percent") }}', "callout", "-"),
        ('Then {{ pullquote("kasmar-bipartisan") }} there.', "pullquote", "Then"),
        ("And {{ notes() }} end.", "notes", "And"),
        (
            'See {{ chart("synthetic-opioid-deaths-2014", "synthetic-opioid-deaths-2021") }}',
            "chart",
            "See",
        ),
        ('QR: {{ qr("https://example.org") }}', "qr", "QR:"),
    ],
)
def test_a_block_helper_after_text_on_its_line_stops_at_the_line(
    template: Path, line: str, helper: str, before: str
) -> None:
    """Its block's markup printed on the page as text: '!!! callout 480% … !!!', a
    chart's JSON, a quote's '>' and its citation's [@id]."""
    result = build_x(template, line)
    assert (result.exit_code, result.output) == (
        1,
        f"templates/x.md.j2:3: {helper}() makes a block of its own; write it on a line by "
        f"itself, not after '{before}'\n",
    )
    assert not (template.parents[1] / "output").exists()


def test_a_block_helper_joined_to_the_text_before_stops_at_its_own_line(template: Path) -> None:
    """``{{-`` takes the line break before the tag: the callout follows 'Seized' on
    one line of output, but the mistake is the tag's line, not the text's."""
    result = build_x(template, "Seized", '{{- callout("seizures-up-480-percent") }}')
    assert (result.exit_code, result.output) == (
        1,
        "templates/x.md.j2:4: callout() makes a block of its own; write it on a line by "
        "itself, not after 'Seized'\n",
    )


def test_a_recipient_holding_the_block_mark_is_refused_for_the_character(
    template: Path,
) -> None:
    # The private character that opens a block helper's output, in a column printed
    # after text: told as the unprintable character it is, not as a misplaced block.
    template.write_text("# Title\n\nDear {{ recipient.nickname }}.\n", encoding="utf-8")
    recipients = template.parents[1] / "r.csv"
    text = "id,audience,nickname\nx1,x,A\ue003!!! callout 9\n"
    recipients.write_text(text, encoding="utf-8")
    result = invoke("build", "--recipients", str(recipients), "--facts", str(REPO / "facts"))
    assert result.exit_code == 1
    assert result.output.endswith(
        "the recipient's 'nickname' column has an unprintable character: U+E003 unnamed character\n"
    ), result.output
    # In a column every copy prints, it is told before rendering, at the row.
    recipients.write_text(text.replace("nickname", "name"), encoding="utf-8")
    result = invoke("build", "--recipients", str(recipients), "--facts", str(REPO / "facts"))
    assert result.exit_code == 1
    assert (
        result.output == "r.csv:2: name: has an unprintable character: U+E003 unnamed character\n"
    )


def test_block_helpers_each_on_a_line_of_its_own_print_their_blocks(template: Path) -> None:
    result = build_x(
        template,
        '{{ callout("seizures-up-480-percent") }}{{ callout("tucson-pill-price") }}',
        '{{ pullquote("kasmar-bipartisan") }} Said in 2023. {{ cite("kasmar-bipartisan") }}',
        "  {{ notes() }}",
    )
    assert result.exit_code == 0, result.output
    text = PdfReader(template.parents[1] / "output" / "x.pdf").pages[0].extract_text()
    assert "!!!" not in text and "[@" not in text and ">" not in text
    assert "480%" in text and "$1–$2" in text and "Said in 2023." in text


# ------------------------------------------------------------------ unknown audience


def builtins() -> list[str]:
    return sorted(p.name.removesuffix(".md.j2") for p in builtin_dir().glob("[!_]*.md.j2"))


def test_unknown_audience_lists_them_and_guesses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside the repository (the built-ins live in site-packages when installed) the
    built-ins read as such, not by a path."""
    monkeypatch.chdir(tmp_path)
    result = invoke("build", "--audience", "legislator", "--facts", str(REPO / "facts"))
    assert (result.exit_code, result.output) == (
        1,
        "no template for audience 'legislator' (did you mean 'legislators'?); the audiences "
        f"are {', '.join(f'{name} (built-in)' for name in builtins())}\n",
    )


@pytest.mark.parametrize(
    "given", ["./templates/legislators.md.j2", "templates/legislators.md.j2", "x/legislators"]
)
def test_a_templates_path_for_an_audience_is_answered_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    """It was told '(./templates/legislators.md.j2.md.j2)', the name with .md.j2 added."""
    monkeypatch.chdir(tmp_path)
    result = invoke("build", "--audience", given, "--facts", str(REPO / "facts"))
    assert result.exit_code == 1
    assert result.output.startswith(
        f"no template for audience '{given}' (did you mean 'legislators'?); the audiences "
    )


def test_unknown_audience_names_a_workspace_template_by_its_file(template: Path) -> None:
    template.write_text("# Mine\n", encoding="utf-8")
    result = invoke("build", "--audience", "nobody", "--facts", str(REPO / "facts"))
    listed = sorted([*(f"{name} (built-in)" for name in builtins()), "x (templates/x.md.j2)"])
    assert (result.exit_code, result.output) == (
        1,
        "no template for audience 'nobody' (nobody.md.j2); the audiences are "
        + ", ".join(listed)
        + "\n",
    )
    assert list(template.parents[1].iterdir()) == [template.parent]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            'callout("seizures-up-480-percent", lable="pounds")',
            "callout() has no parameter 'lable' (did you mean 'label'?); "
            "its parameters are fact, label, figure",
        ),
        ("callout()", "callout() needs 'fact'; its parameters are fact, label, figure"),
        (
            'notes("Sources", "Notes")',
            "notes() takes at most 1 argument, got 2; its parameters are title",
        ),
        (
            'chart("seizures-up-480-percent", kynd="bar")',
            "chart() has no parameter 'kynd' (did you mean 'kind'?); "
            "its parameters are *facts, kind, title, labels, caption",
        ),
        (
            'fact(fact_id="seizures-up-480-percent", fact_id2=1)',
            "fact() has no parameter 'fact_id2' (did you mean 'fact_id'?); "
            "its parameters are fact_id",
        ),
    ],
    ids=["lable", "missing", "too-many", "kynd", "fact_id2"],
)
def test_a_wrong_helper_argument_is_told_with_the_real_parameters(
    template: Path, call: str, message: str
) -> None:
    result = build_x(template, "{{ " + call + " }}")
    assert (result.exit_code, result.output) == (1, f"templates/x.md.j2:3: {message}\n")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            'fact("seizures-up-480-percent").value | number(2)',
            "the filter 'number' takes no arguments; write '| number', without brackets",
        ),
        (
            'fact("seizures-up-480-percent").value | one_in(places=1)',
            "the filter 'one_in' takes no arguments; write '| one_in', without brackets",
        ),
        (
            '"Seizures rose" | truncate(lenght=5)',
            "the filter 'truncate' has no parameter 'lenght' (did you mean 'length'?); "
            "its parameters are length, killwords, end, leeway",
        ),
        (
            '2.5 | round(1, "floor", 3)',
            "the filter 'round' takes at most 2 arguments, got 3; "
            "its parameters are precision, method",
        ),
        (
            '"Seizures" | replace("S")',
            "the filter 'replace' needs 'new'; its parameters are old, new, count",
        ),
    ],
    ids=["number", "one_in", "lenght", "round", "replace"],
)
def test_a_wrong_filter_argument_is_told_with_the_real_parameters(
    template: Path, call: str, message: str
) -> None:
    """A filter given an argument it does not take stopped with Python's words and
    class names: 'TypeError: Helpers.number() takes 2 positional arguments but 3
    were given'."""
    result = build_x(template, "{{ " + call + " }}")
    assert (result.exit_code, result.output) == (1, f"templates/x.md.j2:3: {message}\n")


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("5 is divisibleby", "the test 'divisibleby' needs 'num'; its parameters are num"),
        (
            "5 is divisibleby(1, 2)",
            "the test 'divisibleby' takes at most 1 argument, got 2; its parameters are num",
        ),
        (
            "5 is number(3)",
            "the test 'number' takes no arguments; write 'is number', without brackets",
        ),
        (
            "5 is divisibleby(nmu=3)",
            "the test 'divisibleby' has no parameter 'nmu' (did you mean 'num'?); "
            "its parameters are num",
        ),
    ],
    ids=["missing", "too-many", "none-taken", "nmu"],
)
def test_a_wrong_test_argument_is_told_with_the_real_parameters(
    template: Path, condition: str, message: str
) -> None:
    """A test given the wrong arguments stopped with Python's words: 'TypeError:
    test_divisibleby() missing 1 required positional argument: 'num''."""
    result = build_x(template, "{% if " + condition + " %}yes{% endif %}")
    assert (result.exit_code, result.output) == (1, f"templates/x.md.j2:3: {message}\n")


def test_a_helper_given_a_call_block_is_told_it_takes_none(template: Path) -> None:
    """Jinja passes a {% call %} block's body as 'caller': the template was told
    "callout() has no parameter 'caller'", a word it never wrote."""
    result = build_x(
        template, '{% call callout("seizures-up-480-percent") %}', "Seized", "{% endcall %}"
    )
    assert (result.exit_code, result.output) == (
        1,
        "templates/x.md.j2:3: callout() takes no {% call %} block; write "
        "{{ callout(...) }}, without {% endcall %}\n",
    )
    assert not (template.parents[1] / "output").exists()


MACRO = "{% macro line(label, figure) %}{{ label }} {{ figure }}{% endmacro %}"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("line(1, 2, 3)", "the macro line() takes at most 2 arguments, got 3"),
        ("line(lable=1)", "the macro line() has no parameter 'lable' (did you mean 'label'?)"),
        ("line(1, label=2)", "the macro line() got 'label' twice, by place and by name"),
    ],
)
def test_a_wrong_macro_argument_is_told_with_the_macros_parameters(
    template: Path, call: str, message: str
) -> None:
    """Jinja's own words, with Python's class name: "TypeError: macro 'line' takes not
    more than 2 argument(s)", and for a name given twice "takes no keyword argument
    'label'", which it has."""
    result = build_x(template, MACRO + "{{ " + call + " }}")
    assert (result.exit_code, result.output) == (
        1,
        f"templates/x.md.j2:3: {message}; its parameters are label, figure\n",
    )
    assert not (template.parents[1] / "output").exists()


@pytest.mark.parametrize(
    "call",
    ['cite("seizures-up-480-percent", **{KEY: 1})', '"Seizures" | truncate(**{KEY: 1})'],
    ids=["helper", "filter"],
)
def test_a_keyword_from_a_mapping_is_quoted_on_one_line_and_clipped(
    template: Path, call: str
) -> None:
    """A key spread with ** may be any text: a newline in it split the message in two,
    and a long one was quoted whole."""
    key = '"line\\nbreak' + "x" * 500 + '"'
    result = build_x(template, "{{ " + call.replace("KEY", key) + " }}")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert "has no parameter 'line\\nbreakxxx" in result.output
    assert "x" * 100 not in result.output
    assert not (template.parents[1] / "output").exists()


# ------------------------------------------------- facts check: an audience no one has


def test_facts_check_warns_of_an_audience_no_template_has(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_case_facts(tmp_path / "facts")
    with (tmp_path / "facts" / "case.yaml").open("a", encoding="utf-8") as file:
        file.write("    audiences: [public, chief]\n")
    result = invoke("facts", "check")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "facts/case.yaml:7: audiences: no template for audience 'chief' (did you mean "
        f"'chiefs'?); the audiences are {', '.join(builtins())}"
    )
    assert "'public'" not in result.output


# ---------------------------------------------------------------------- briefgen.toml

SETTINGS_SLIPS = """\
[organisation]
name = "Task Force"

[build]
page_size = "A4"
page_sise = "a4"
author = "\\u0001"

[theme]
logo = "logo.png"

[facts]
max_age = 2
"""


def test_every_settings_problem_is_told_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A misspelt section at its line, "did you mean" for a key, and every problem at
    once, one line each: not only the first, nor only those of one pass."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefgen.toml").write_text(SETTINGS_SLIPS, encoding="utf-8")
    result = invoke("facts", "check", "--facts", str(REPO / "facts"))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "briefgen.toml:1: organisation: unknown section (did you mean 'organization'?)",
        "briefgen.toml:6: build.page_sise: unknown key (did you mean 'page_size'?)",
        "briefgen.toml:7: build.author: has an unprintable character: U+0001 control character",
        "briefgen.toml:10: theme.logo: logo.png not found (the path is read from "
        "briefgen.toml's folder)",
        "briefgen.toml:13: facts.max_age: unknown key (did you mean 'max_age_years'?)",
    ]


def test_settings_take_a_page_size_in_any_case(tmp_path: Path) -> None:
    (tmp_path / "briefgen.toml").write_text('[build]\npage_size = "A4"\n', encoding="utf-8")
    assert load_settings(tmp_path).build.page_size == "a4"


# ------------------------------------------------------------------- shell completion


def test_the_bash_completion_script_is_produced() -> None:
    """README: ``eval "$(_BRIEFGEN_COMPLETE=bash_source briefgen)"``."""
    result = invoke(env={"_BRIEFGEN_COMPLETE": "bash_source"}, prog_name="briefgen")
    assert result.exit_code == 0
    assert "_briefgen_completion() {" in result.output
    assert "complete -o nosort -F _briefgen_completion briefgen" in result.output


def complete(words: str) -> list[str]:
    env = {"_BRIEFGEN_COMPLETE": "bash_complete", "COMP_WORDS": words}
    env["COMP_CWORD"] = str(len(words.split()) - (0 if words.endswith(" ") else 1))
    result = invoke(env=env, prog_name="briefgen")
    assert result.exit_code == 0, result.output
    return [line.split(",", 1)[1] for line in result.output.splitlines()]


def test_completion_knows_commands_options_and_audiences(template: Path) -> None:
    template.write_text("# Mine\n", encoding="utf-8")
    assert complete("briefgen fa") == ["facts"]
    assert complete("briefgen build --page-s") == ["--page-size"]
    assert complete("briefgen build --audience ") == sorted([*builtins(), "x"])
    assert complete("briefgen preview --audience le") == ["legislators"]


@pytest.mark.parametrize(
    ("shell", "registers"),
    [
        ("zsh", "compdef _briefgen_completion briefgen"),
        ("fish", 'complete --no-files --command briefgen --arguments "(_briefgen_completion)"'),
    ],
)
def test_zsh_and_fish_complete_audiences_too(template: Path, shell: str, registers: str) -> None:
    """README: completion in bash, zsh and fish; ``{shell}_source`` is the script the
    README has the shell load, and it asks ``{shell}_complete`` for the words."""
    template.write_text("# Mine\n", encoding="utf-8")
    script = invoke(env={"_BRIEFGEN_COMPLETE": f"{shell}_source"}, prog_name="briefgen")
    assert script.exit_code == 0
    assert registers in script.output
    assert f"_BRIEFGEN_COMPLETE={shell}_complete" in script.output
    env = {"_BRIEFGEN_COMPLETE": f"{shell}_complete", "COMP_WORDS": "briefgen build --audience "}
    env["COMP_CWORD"] = "3" if shell == "zsh" else ""  # fish passes the word being typed
    result = invoke(env=env, prog_name="briefgen")
    assert result.exit_code == 0, result.output
    assert completed_words(script.output, result.output) == sorted([*builtins(), "x"])


def completed_words(script: str, output: str) -> list[str]:
    """The words in ``output`` as the shell ``script`` click printed reads them: zsh's
    and click 8.4's fish three lines each (type, word, help or "_"); click 8.5's fish
    a line each, ``type,word`` and a tab before any help."""
    if 'string split "," $completion' in script:
        return [line.split(",", 1)[1].split("\t")[0] for line in output.splitlines()]
    return output.splitlines()[1::3]


@pytest.mark.parametrize("name", ["", "  "])
def test_init_with_an_empty_folder_name_writes_nothing(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An unset $DIR ('briefgen init "$DIR"') wrote the workspace into the working folder.
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["init", name])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "Error: Invalid value for 'DIRECTORY': give the new workspace's folder, such as "
        "my-workspace"
    )
    assert not list(tmp_path.iterdir())
    assert CliRunner().invoke(cli, ["init", "."]).exit_code == 0  # this folder, said so
    assert (tmp_path / "briefgen.toml").is_file()


@pytest.mark.parametrize("quiet", [["-q"], ["--quiet"]])
def test_quiet_init_and_templates_init_print_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quiet: list[str]
) -> None:
    """-q is "Print errors only." on every command: init and templates init still
    printed what they wrote."""
    monkeypatch.chdir(tmp_path)
    for args in (
        [*quiet, "init", "one"],
        ["init", "two", *quiet],
        [*quiet, "templates", "init", "public", "--to", "three"],
        ["templates", "init", "public", "--to", "four", *quiet],
    ):
        result = CliRunner().invoke(cli, args)
        assert (result.exit_code, result.output) == (0, ""), args
    assert (tmp_path / "two" / "briefgen.toml").is_file()
    assert (tmp_path / "four" / "public.md.j2").is_file()
    # An error is still told.
    result = CliRunner().invoke(cli, ["init", "one", *quiet])
    assert result.exit_code == 1 and "already exists" in result.output


def test_quiet_goes_after_facts_and_templates_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README: -q and --debug go before or after the command; 'briefgen facts -q check'
    was a usage error."""
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["init", "ws"]).exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")
    for args in (["facts", "-q", "check"], ["facts", "--quiet", "check"]):
        result = CliRunner().invoke(cli, args)
        assert (result.exit_code, result.output) == (0, ""), args
    result = CliRunner().invoke(cli, ["templates", "-q", "init", "public", "--to", "t"])
    assert (result.exit_code, result.output) == (0, "")
    assert "valid" in CliRunner().invoke(cli, ["facts", "--debug", "check"]).output


def test_init_writes_what_its_help_and_the_readme_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`init --help` left out the recipients list that the README's "a new workspace:
    settings, sample facts, templates, recipients" names and init writes."""
    written = {
        "settings": "briefgen.toml",
        "sample facts": "facts/sources.yaml",
        "templates": "templates/legislators.md.j2",
        "recipients": "recipients.csv",
    }
    monkeypatch.chdir(tmp_path)
    helped = " ".join(CliRunner().invoke(cli, ["init", "--help"]).output.split())
    listed = re.search(r"in DIRECTORY: (.+?)\.", helped)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    said = re.search(r"^briefgen init my-workspace +# a new workspace: (.+)$", readme, re.M)
    assert listed and said
    for items in (listed[1], said[1]):
        assert re.split(r", | and ", items) == list(written), items
    assert CliRunner().invoke(cli, ["-q", "init", "ws"]).exit_code == 0
    for path in written.values():
        assert (tmp_path / "ws" / path).is_file(), path


def test_init_says_the_next_command_as_the_shell_takes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder with a space, pasted bare after 'cd', was two words."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["init", "Mis Documentos/Año 2026"])
    assert result.exit_code == 0, result.output
    last = result.output.splitlines()[-1]
    assert last == "next: cd 'Mis Documentos/Año 2026' && briefgen build"
    shell = subprocess.run(
        ["sh", "-c", last.removeprefix("next: ").replace("briefgen build", "pwd")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(shell.stdout.strip()) == tmp_path / "Mis Documentos" / "Año 2026"
    plain = CliRunner().invoke(cli, ["init", "ws"])
    assert plain.output.splitlines()[-1] == "next: cd ws && briefgen build"


def test_init_of_a_folder_named_like_an_option_says_a_cd_that_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'init -- -drafts' said 'cd -drafts', which cd takes for its options."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["init", "--", "-drafts"])
    assert result.exit_code == 0, result.output
    last = result.output.splitlines()[-1]
    assert last == "next: cd ./-drafts && briefgen build"
    shell = subprocess.run(
        ["sh", "-c", last.removeprefix("next: ").replace("briefgen build", "pwd")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(shell.stdout.strip()) == tmp_path / "-drafts"


def test_an_audience_in_capitals_is_answered_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 'PUBLIC' got no suggestion ('Public-ES' did): the closeness ignored case.
    monkeypatch.chdir(tmp_path)
    facts = str(Path(__file__).resolve().parents[1] / "facts")
    result = CliRunner().invoke(cli, ["build", "--facts", facts, "--audience", "PUBLIC"])
    assert result.exit_code == 1
    assert "no template for audience 'PUBLIC' (did you mean 'public'?)" in result.output


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("2026-11-31", "2026-11-31 is no date: day is out of range for month"),
        ("2026-13-01", "2026-13-01 is no date: month must be in 1..12"),
        # A date typed as people write it was told "does not match the format
        # '%Y-%m-%d'": a programmer's notation, and no word of what to type.
        (
            "Nov 2026",
            "'Nov 2026' is not a date written as YYYY-MM-DD; write it year, month, day: 2026-11-01",
        ),
        ("11/05/2026", "'11/05/2026' reads as a U.S. date; write it year, month, day: 2026-11-05"),
        ("1/2/2026", "'1/2/2026' reads as a U.S. date; write it year, month, day: 2026-01-02"),
        # Day first, as most of the world writes it: was told to write 2026-31-12.
        (
            "31/12/2026",
            "'31/12/2026' reads as a date written day first; write it year, month, day: 2026-12-31",
        ),
        (
            "13/45/2026",
            "'13/45/2026' is not a date written as YYYY-MM-DD; write it year, month, day: "
            "2026-11-01",
        ),
        # Quoted whole, however long: 5,000 digits made a message of 5 KB.
        (
            "9" * 5000,
            f"'{'9' * 59}\u2026' is not a date written as YYYY-MM-DD; write it year, month, "
            "day: 2026-11-01",
        ),
    ],
)
def test_a_date_option_that_is_no_day_says_why(value: str, says: str) -> None:
    # November 31st was told "does not match the format '%Y-%m-%d'", which it does.
    result = CliRunner().invoke(cli, ["build", "--date", value])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == f"Error: Invalid value for '--date': {says}"


def test_a_template_saved_with_a_byte_order_mark_builds_as_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows Notepad starts a UTF-8 file with a byte-order mark: the front matter
    must still be read as front matter (not printed on the page), an extending
    template still extend, and the brief come out as from the file without it."""
    monkeypatch.chdir(tmp_path)
    assert invoke("init", "ws").exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")
    assert invoke("templates", "init", "public").exit_code == 0
    args = ("-q", "build", "--format", "pdf", "--date", "2026-11-02", "--out")
    plain = invoke(*args, "plain", "--audience", "public", "--audience", "legislators")
    assert plain.exit_code == 0, plain.output
    for name in ("public", "legislators"):
        path = Path("templates") / f"{name}.md.j2"
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    marked = invoke(*args, "marked", "--audience", "public", "--audience", "legislators")
    assert marked.exit_code == 0, marked.output
    for name in ("public", "legislators"):
        assert Path(f"marked/{name}.pdf").read_bytes() == Path(f"plain/{name}.pdf").read_bytes()
    assert "---" not in PdfReader("marked/public.pdf").pages[0].extract_text()


def test_no_help_names_the_sample_s_places_as_its_example() -> None:
    """`facts list --place` gave "(tucson-az, ...)", the sample's own place, as if
    every workspace had it: the help of every command names none of them."""
    places = load_store(REPO / "facts").places()
    assert places

    def helps(command: click.Command, path: list[str]) -> list[tuple[str, str]]:
        said = [(" ".join(path), CliRunner().invoke(cli, [*path, "--help"]).output)]
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                said += helps(sub, [*path, name])
        return said

    found = [(path, p) for path, text in helps(cli, []) for p in places if p in text]
    assert found == []
    facts_list = CliRunner().invoke(cli, ["facts", "list", "--help"]).output
    assert "springfield-il" in " ".join(facts_list.split())
