"""The command line itself: fast help, exit codes, settings, internal errors."""

from __future__ import annotations

import dataclasses
import importlib
import io
import json
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from pydantic import BaseModel
from pypdf import PdfReader

from briefgen import streams
from briefgen.cli import cli

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("reportlab", "docx", "jinja2", "markdown_it", "pydantic", "yaml")


def test_help_imports_no_renderer_or_parser() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from briefgen.cli import cli; "
        "r = CliRunner().invoke(cli, ['--help']); assert r.exit_code == 0, r.output; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_listing_facts_loads_no_renderer_nor_the_document_model() -> None:
    """A facts command reads the store: the page's model (~125 dataclasses) and the
    renderers are for building. The source schema once imported the model for one
    limit."""
    code = (
        "import sys; from click.testing import CliRunner; from briefgen.cli import cli; "
        f"r = CliRunner().invoke(cli, ['facts', 'list', '--facts', {str(REPO / 'facts')!r}]); "
        "assert r.exit_code == 0, r.output; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('reportlab', 'docx') "
        "or m == 'briefgen.model'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_build_imports_no_event_loop() -> None:
    """pydantic-core's import once pulled in asyncio, ssl and subprocess (through
    typing_extensions before 4.16, which pyproject.toml now requires)."""
    code = (
        "import sys; import briefgen.pipeline, briefgen.renderers.pdf; "
        "print(sorted(m for m in ('asyncio', 'pydantic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['pydantic']"


# What a quiet PDF build of the legislators brief (no recipients, no reading level
# in its front matter, no picture) has no use for: the checks behind the warnings it
# does not print, the reader of recipients files, the reading formulas, Pillow's
# turning of photos, python-docx.
UNUSED_BY_A_QUIET_PDF_BUILD = (
    "briefgen.check",
    "briefgen.untraced",
    "briefgen.unrendered",
    "briefgen.summary",
    "briefgen.recipients",
    "briefgen.readability",
    "PIL.ImageOps",
)


def test_a_quiet_pdf_build_imports_nothing_it_does_not_use(tmp_path: Path) -> None:
    """Each module a cold build imports costs it (the checks ~7 ms, the recipients
    reader ~1.5 ms), used or not."""
    code = (
        "import sys; from click.testing import CliRunner; from briefgen.cli import cli; "
        "r = CliRunner().invoke(cli, ['-q', 'build', '--audience', 'legislators', "
        f"'--format', 'pdf', '--out', {str(tmp_path)!r}]); assert r.exit_code == 0, r.output; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'docx' or m in "
        f"{UNUSED_BY_A_QUIET_PDF_BUILD!r}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == "[]"
    assert [path.name for path in tmp_path.iterdir()] == ["legislators.pdf"]


def test_every_dataclass_has_a_docstring_of_its_own() -> None:
    """Without one, ``@dataclass`` writes one from ``inspect.signature`` as the module
    is imported (~0.12 ms a class, ten of them in a cold build)."""
    import briefgen

    unwritten = []
    for module_info in pkgutil.walk_packages(briefgen.__path__, "briefgen."):
        if module_info.name == "briefgen.__main__":
            continue
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and dataclasses.is_dataclass(value)
                and value.__module__ == module.__name__
                and (value.__dict__.get("__doc__") or "").startswith(f"{value.__name__}(")
            ):
                unwritten.append(f"{module.__name__}.{value.__qualname__}")
    assert unwritten == []


def test_every_model_is_built_as_its_module_is_imported() -> None:
    """A pydantic model naming a type defined below it in its module is built again
    at its first validation (a cold build's facts paid ~1.5 ms for Source's)."""
    import briefgen.facts.schema
    import briefgen.settings
    import briefgen.templating.search

    modules = (briefgen.facts.schema, briefgen.settings, briefgen.templating.search)
    deferred = [
        f"{module.__name__}.{name}"
        for module in modules
        for name, value in vars(module).items()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == module.__name__
        and not value.__pydantic_complete__
    ]
    assert deferred == []


def test_on_windows_a_command_says_in_one_line_that_briefgen_does_not_run_there(
    tmp_path: Path,
) -> None:
    """Without fcntl (as on Windows) importing the command line failed with a
    traceback; the output folder's lock, its writes and the batch need POSIX."""
    code = (
        "import sys; sys.modules['fcntl'] = None; from briefgen.cli import main; "
        # After the import: click reads the platform to load its Windows console code.
        "sys.platform = 'win32'; sys.argv = ['briefgen', 'build']; main()"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert (out.returncode, out.stdout) == (1, "")
    assert out.stderr == (
        "briefgen runs on Linux and macOS, not on Windows: run it in WSL (the "
        "Windows Subsystem for Linux)\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ["build", "--format", "xls"],
        ["build", "--page-size", "legal"],
        ["build", "--no-such-option"],
        ["facts", "check", "--max-age", "-1"],
        ["nonsense"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    """README: a slip in the command line is a usage error, as in any command-line
    tool: the usage line, where to find help, the error, and exit code 2."""
    result = CliRunner().invoke(cli, args, prog_name="briefgen")
    assert result.exit_code == 2
    assert result.stdout == ""
    usage, help_line, blank, error = result.stderr.splitlines()
    assert usage.startswith("Usage: briefgen ")
    assert re.fullmatch(r"Try 'briefgen( [a-z]+)* --help' for help\.", help_line), help_line
    assert blank == "" and error.startswith("Error: ")


def _build(tmp_path: Path, settings: str) -> str:
    (tmp_path / "briefgen.toml").write_text(settings, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["build", "--audience", "chiefs", "--format", "pdf", "--facts", str(REPO / "facts")],
    )
    assert result.exit_code == 0, result.output
    return " ".join(PdfReader(tmp_path / "output" / "chiefs.pdf").pages[0].extract_text().split())


def test_contact_block_appears_only_when_filled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # The organization heads the page (the masthead); the contact is in the footer.
    empty = _build(tmp_path, '[organization]\nname = "Task Force"\n')
    assert empty.startswith("Task Force ")
    assert "Pat Doe" not in empty and "@" not in empty
    filled = _build(
        tmp_path,
        '[organization]\nname = "Task Force"\n[contact]\nname = "Pat Doe"\n'
        'email = "pat@example.org"\n',
    )
    assert filled.startswith("Task Force ")
    assert "Pat Doe" in filled and "pat@example.org" in filled


def test_bad_settings_file_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefgen.toml").write_text('[build]\npage_size = "legal"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--facts", str(REPO / "facts")])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("briefgen.toml:2: build.page_size: ")
    assert not (tmp_path / "output").exists()


def test_pdf_metadata(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(
        cli, ["build", "--audience", "public", "--format", "pdf", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    reader = PdfReader(tmp_path / "public.pdf")
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Fentanyl: What the Facts Show"
    assert meta.subject and "plain language" in meta.subject
    assert "myths" in str(meta.get("/Keywords"))
    assert reader.trailer["/Root"]["/Lang"] == "en-US"


def test_internal_error_is_one_line_with_a_debug_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    import briefgen.pipeline

    def broken(options: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(briefgen.pipeline, "build", broken)
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "internal error: RuntimeError: boom (run 'briefgen --debug ...' for the traceback, "
        "and please report it)"
    ]
    debug = CliRunner().invoke(cli, ["--debug", "build"])
    assert isinstance(debug.exception, RuntimeError)


def test_an_internal_error_is_told_in_one_short_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import briefgen.pipeline

    def broken(options: object) -> None:
        raise RuntimeError("boom " * 10_000)

    monkeypatch.setattr(briefgen.pipeline, "build", broken)
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert line.startswith("internal error: RuntimeError: boom boom ") and len(line) < 500
    assert line.endswith(
        "\u2026 (run 'briefgen --debug ...' for the traceback, and please report it)"
    )


@pytest.mark.parametrize(
    ("raised", "told"),
    [
        (MemoryError(), "out of memory"),
        (
            RuntimeError("can't start new thread"),
            "cannot start a thread: the system's limit on memory or processes is reached",
        ),
    ],
)
def test_running_short_of_memory_is_told_as_that_not_as_a_bug(
    monkeypatch: pytest.MonkeyPatch, raised: Exception, told: str
) -> None:
    """Under a memory limit (`ulimit -v`) a build raised MemoryError, or a batch could
    not start its writer threads: both were an "internal error ... please report it"."""
    import briefgen.pipeline

    def short(options: object) -> None:
        raise raised

    monkeypatch.setattr(briefgen.pipeline, "build", short)
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 1
    assert result.output == (
        f"{told}; close other programs or raise the limit (ulimit -v, ulimit -u), "
        "and for a batch give fewer --jobs\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["build", "--facts"],
        ["build", "--out"],
        ["build", "--templates"],
        # click's own check of a folder quoted all 6,000 characters of the path.
        ["check", "--templates"],
        ["preview", "--templates"],
        ["templates", "list", "--templates"],
    ],
)
def test_a_path_too_long_for_the_file_system_is_told_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """A path of 3,000 folders given on the command line: "File name too long" was an
    internal error, quoting the whole path."""
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, [*args, "a/" * 3000])
    assert result.exit_code == 1
    assert result.output == (
        f"{'a/' * 29}a\u2026: a name in this path is longer than the file system allows\n"
    )


@pytest.mark.parametrize(
    "command",
    [["build"], ["check"], ["preview"], ["templates", "list"], ["templates", "show", "x"]],
)
def test_a_templates_folder_that_is_not_there_is_told_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """build said "nowhere: no such folder", the other commands click's "Directory
    'nowhere' does not exist." Every command that takes --templates says it one way."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [*command, "--templates", "nowhere"])
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '--templates': nowhere: no such folder\n"
    )


def test_a_templates_folder_with_a_newline_in_its_name_is_told_on_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder was quoted as given, its newline splitting the error in two; a
    path elsewhere (--facts, a location) shows it as \\n."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--templates", "no\nsuch"])
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '--templates': no\\nsuch: no such folder\n"
    )


@pytest.mark.parametrize(
    "command", [["build", "--audience"], ["templates", "show"], ["templates", "init", "--to", "t"]]
)
def test_an_audience_name_too_long_for_a_file_is_no_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """A name past the file system's 255 bytes raised "File name too long" while its
    file was looked for: an internal error, quoting all of it."""
    monkeypatch.chdir(REPO)
    command = [str(tmp_path / "t") if arg == "t" else arg for arg in command]
    result = CliRunner().invoke(cli, [*command, "a" * 300])
    assert result.exit_code == 1
    assert result.output.startswith(f"no template for audience '{'a' * 59}\u2026' ("), result.output
    assert len(result.output.splitlines()) == 1 and len(result.output) < 500
    assert not (tmp_path / "t").exists()


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["--version"], 0, "briefgen, version"),
        (["build", "--format", "xls"], 2, "Invalid value for '--format'"),
        (["build", "--audience", "nope"], 1, "no template for audience 'nope'"),
        (["facts", "show", "fentanyl-offenders-us-citizen"], 1, "did you mean"),
    ],
)
def test_console_entry_point_keeps_exit_codes_and_output(
    args: list[str], code: int, says: str
) -> None:
    """main() ends the process without interpreter teardown; nothing may be lost."""
    done = subprocess.run(
        [sys.executable, "-m", "briefgen", *args], cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == code
    assert says in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_a_command_started_with_its_output_closed_ends_without_a_traceback() -> None:
    """Started with standard output closed (`briefgen facts check >&-`), Python has no
    sys.stdout; main() flushed it at the end all the same: AttributeError, a traceback."""
    done = subprocess.run(
        ["sh", "-c", 'exec "$0" -m briefgen facts check >&-', sys.executable],
        cwd=REPO,
        capture_output=False,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("args", [["facts", "check"], ["facts", "list", "--json"]])
def test_output_sent_somewhere_full_is_told_in_one_line(args: list[str]) -> None:
    """Standard output sent to a full disk (here /dev/full, which is always full) was an
    "internal error: OSError: [Errno 28] ... please report it"."""
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "briefgen", *args],
            cwd=REPO,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert done.returncode == 1
    assert done.stderr == "cannot write to standard output: No space left on device\n"


def test_output_in_an_encoding_without_every_character_escapes_them() -> None:
    """Under a Latin-1 locale (here PYTHONIOENCODING=latin-1) a curly quote, ellipsis or
    en dash failed the command: "internal error: UnicodeEncodeError", after a build's
    files were written. It is printed as its escape; JSON escapes all it must and stays
    the same JSON."""
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}

    def run(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "briefgen", *args], cwd=REPO, capture_output=True, **kwargs
        )

    table = run("facts", "list", env=env)
    assert table.returncode == 0 and table.stderr == b""
    assert "\\u2026" in table.stdout.decode("latin-1")  # \u2026, the ellipsis, escaped
    check = run("check", "--audience", "public-es", env=env)
    assert check.returncode == 0, check.stderr
    assert "Szigriszt-Pazos" in check.stdout.decode("latin-1")
    escaped = run("facts", "list", "--json", env=env)
    assert escaped.returncode == 0 and escaped.stderr == b""
    assert json.loads(escaped.stdout.decode("ascii")) == json.loads(
        run("facts", "list", "--json").stdout.decode("utf-8")
    )


def test_json_escapes_what_the_output_cannot_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Printed as its escape, a character past U+FFFF (an emoji in a fact) would be
    \\U0001f600, which no JSON reader takes: JSON escapes it as JSON does."""
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="latin-1"))
    value = {"text": "m\u00e1s \u201cdicho\u201d \U0001f600"}
    escaped = streams.json_for_stdout(json.dumps(value, ensure_ascii=False))
    assert escaped.isascii() and json.loads(escaped) == value
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
    assert streams.json_for_stdout("\u201c") == "\u201c"


@pytest.mark.parametrize("args", [["facts", "check"], ["build"], ["init", "elsewhere"]])
def test_a_working_folder_since_removed_is_told_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """Run in a folder removed meanwhile (another shell's `rm -rf`), each command was
    "internal error: FileNotFoundError: [Errno 2] No such file or directory"."""
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    args = [str(tmp_path / arg) if arg == "elsewhere" else arg for arg in args]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert result.output == (
        "the folder this command runs in was removed; cd into the workspace again\n"
    )
    assert not (tmp_path / "elsewhere").exists()


def test_templates_list_exits_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every built-in, its origin, its file and its description, read here from the
    template files' own front matter; exit 0 and nothing on stderr."""
    monkeypatch.chdir(tmp_path)
    builtins = REPO / "briefgen" / "builtin_templates"
    expected: list[str] = []
    for path in sorted(builtins.glob("[!_]*.md.j2"), key=lambda p: p.name.removesuffix(".md.j2")):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        name = path.name.removesuffix(".md.j2")
        expected += [f"{name:<16} {'built-in':<12} {path}", f"{'':<16} {front['description']}"]
    result = CliRunner().invoke(cli, ["templates", "list"])
    assert result.exception is None, result.exception
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.splitlines() == expected


def test_a_template_file_name_not_in_utf8_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A template whose file name holds a byte no UTF-8 has (a name from a Latin-1
    system) is read with that byte as a surrogate; counting its UTF-8 length failed:
    "internal error: UnicodeEncodeError ... surrogates not allowed"."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / os.fsdecode(b"p\xfablico.md.j2")).write_text("# T\n")
    result = CliRunner().invoke(cli, ["build", "--facts", str(REPO / "facts")])
    assert result.exit_code == 1
    assert result.output.startswith(
        "templates/p\\udcfablico.md.j2:1: audience 'p\\udcfablico' cannot name its files"
    ), result.output
    assert "holds U+DCFA (a surrogate)" in result.output and len(result.output.splitlines()) == 1


def test_terminal_escapes_in_names_and_values_are_shown_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file name or a template's value in a message reached the terminal raw: an
    escape sequence could clear the screen or write the clipboard (OSC 52)."""
    monkeypatch.chdir(tmp_path)
    escape = "\x1b]52;c;ZXZpbA==\x07"
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / f"x{escape}.md.j2").write_text("# T\n\n{{ nope }}\n")
    (tmp_path / "templates" / "t.md.j2").write_text(
        '# T\n\n{{ fact("%c]52;c;ZXZpbA==%c" % (27, 7)) }}\n'
    )
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / f"q{escape}.yaml").write_text("facts: [\n")
    shown = "\\x1b]52;c;ZXZpbA==\\x07"
    runs = {
        # Such a name names no files (an audience's name follows a file name's rules).
        "templates list": (["templates", "list"], f"templates/x{shown}.md.j2:1: audience "),
        "a template's file name": (
            ["build", "--facts", str(REPO / "facts"), "--audience", f"x{escape}"],
            f"templates/x{shown}.md.j2:1: audience 'x{shown}' cannot name its files",
        ),
        "a facts file's name": (["facts", "check", "--facts", "bad"], f"bad/q{shown}.yaml:2: "),
        "a template's value": (
            ["build", "--facts", str(REPO / "facts"), "--audience", "t"],
            f"templates/t.md.j2:3: unknown fact '{shown}'",
        ),
    }
    for what, (args, expected) in runs.items():
        output = CliRunner().invoke(cli, args).output
        assert "\x1b" not in output and "\x07" not in output, what
        assert expected in output, (what, output)


def test_a_line_break_a_template_or_command_line_gives_is_shown_as_an_escape(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name or value a template built (a chart's kind, a key, a template's name, a
    fact id), or a fact id given to ``facts show``, was quoted with its line breaks:
    the message ran over several lines, the rest of them not ``path:line:``."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    made = {
        "kind": '{{ chart(facts()[:2], kind="pie\\nchart") }}',
        "key": '{{ "x" | attr("a\\nb") }}',
        "include": '{% include "a\\nb" %}',
        "fact": '{{ fact("a\\nb") }}',
    }
    for name, line in made.items():
        (tmp_path / "templates" / f"{name}.md.j2").write_text(f"# T\n\n{line}\n")
    facts = ["--facts", str(REPO / "facts")]
    runs = {
        "kind": (["check", "-q", *facts, "--audience", "kind"], "not 'pie\\nchart'"),
        "key": (["check", "-q", *facts, "--audience", "key"], "text has no 'a\\nb'"),
        "include": (["check", "-q", *facts, "--audience", "include"], "template 'a\\nb' not found"),
        "fact": (["check", "-q", *facts, "--audience", "fact"], "unknown fact 'a\\nb'"),
        "facts show": (["facts", "show", *facts, "a\nb"], "unknown fact 'a\\nb'"),
        "facts show, a long id": (["facts", "show", *facts, "a" * 5000], "unknown fact 'aaa"),
        # The file it was looked for as, named after the audience, was written raw.
        "an audience": (
            ["build", *facts, "--audience", "zz\nyy"],
            "no template for audience 'zz\\nyy' (zz\\nyy.md.j2)",
        ),
    }
    for what, (args, expected) in runs.items():
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1, (what, result.output)
        assert expected in result.output, (what, result.output)
        assert len(result.output.splitlines()) == 1, (what, result.output)
        assert len(result.output) < 400, what


def test_a_key_holding_a_line_break_is_named_on_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key YAML, TOML or CSV quotes may hold a line break (``"max\\nage" = 3``); a
    message naming it as an unknown field, key, section or column ran over two lines."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "facts").mkdir()
    (tmp_path / "facts" / "f.yaml").write_text(
        'sources:\n  - id: s\n    type: report\n    title: T\n    "no\\nte": x\n'
    )
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "t.md.j2").write_text('---\n"nam\\ne": x\n---\n# T\n')
    (tmp_path / "r.csv").write_text('id,audience,"na\nme"\nx,public,a\n')
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "briefgen.toml").write_text('["fa\\ncts"]\n[build]\n"da\\nte" = 1\n')
    runs = {
        "facts": (["facts", "check"], ["facts/f.yaml:5: no\\nte: unknown field"]),
        "front matter": (
            ["check", "--facts", str(REPO / "facts"), "--templates", "bad", "--audience", "t"],
            ["bad/t.md.j2:2: error: front matter: nam\\ne: unknown key"],
        ),
        "recipients": (
            ["check", "--facts", str(REPO / "facts"), "--recipients", "r.csv"],
            ["r.csv:1: error: na\\nme: a template cannot read a column named so"],
        ),
        "settings": (
            ["check", "--facts", str(REPO / "facts")],
            [
                "briefgen.toml:1: error: fa\\ncts: unknown section (did you mean 'facts'?)",
                "briefgen.toml:3: error: build.da\\nte: unknown key",
            ],
        ),
    }
    for what, (args, expected) in runs.items():
        if what == "settings":
            monkeypatch.chdir(settings)
        result = CliRunner().invoke(cli, ["-q", *args])
        assert result.exit_code == 1, (what, result.output)
        lines = result.output.splitlines()
        assert len(lines) == len(expected), (what, result.output)
        for line, start in zip(lines, expected, strict=True):
            assert line.startswith(start), (what, result.output)


def test_templates_list_shows_a_descriptions_format_characters_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A description may hold any character a document's properties hold (it is
    never drawn): a right-to-left override in it reversed the rest of the terminal's
    line in ``templates list``, where the audience's name beside it is escaped."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "t.md.j2").write_text(
        '---\ndescription: "For \\u202emayors 🙏"\n---\n# T\n', encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["templates", "list"])
    assert result.exit_code == 0, result.output
    assert f"{'':<16} For \\u202emayors 🙏" in result.output.splitlines()


def test_what_a_documents_properties_refuse_is_what_xml_cannot_hold() -> None:
    """The pattern lists the characters XML 1.0 leaves out (cheaper to compile than
    the complement of those it allows); it must be neither more nor less."""
    from briefgen.templating.search import _NOT_XML

    def xml_char(c: int) -> bool:  # XML 1.0's Char production
        return (
            c in (0x9, 0xA, 0xD)
            or 0x20 <= c <= 0xD7FF
            or 0xE000 <= c <= 0xFFFD
            or 0x10000 <= c <= 0x10FFFF
        )

    text = "".join(map(chr, range(0x110000)))
    refused = {m.start() for m in _NOT_XML.finditer(text)}
    assert refused == {c for c in range(0x110000) if not xml_char(c)}
