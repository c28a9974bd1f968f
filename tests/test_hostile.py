"""Bad input never breaks a brief: every case in ``tests/hostile/cases/`` is a hostile
facts file, template or command line, kept as data, and this one test runs them all.

Each case runs ``briefgen build`` (or ``briefgen facts check``) in a fresh workspace
of its own: ``facts/sources.yaml`` plus the case's facts files, ``templates/trial.md.j2``
and an ``out/`` folder seeded with a good brief from an earlier build. Then:

- an error case must exit 1 with exactly one line, ``path:line: message`` (a template
  syntax error may add its two-line caret context), and leave every file in the
  workspace -- the seeded brief above all -- byte for byte as it was;
- a usage case must exit 2 with click's usage text and write nothing either;
- a render case must exit 0 with a one-page PDF and a DOCX that both carry each
  expected string exactly (whitespace normalized; in the PDF a line may also wrap
  inside a long word).

No case may show a traceback or briefgen's "internal error" line. The case format is
described in ``tests/hostile/README.md``.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader
from readback import docx_paragraphs, in_pdf_text, squeeze, unbroken

from briefgen.cli import cli

CASES = Path(__file__).resolve().parent / "hostile" / "cases"
REPO = Path(__file__).resolve().parents[1]

SOURCES = """\
sources:
  - id: city-report
    type: report
    title: City report
"""
DEFAULT_FACTS = """\
facts:
  - id: case-fact
    kind: finding
    text: The default fact of a hostile case.
    as_of: 2023
    source: city-report
"""
# Cites every fact in the store, one paragraph each.
DEFAULT_TEMPLATE = """\
# Hostile input

{% for f in facts() %}
{{ f.text }} {{ cite(f) }}

{% endfor %}
"""

CASE_KEYS = {
    "description",
    "command",
    "facts",
    "facts_bytes_hex",
    "template",
    "template_bytes_hex",
    "links",
    "settings",
    "settings_bytes_hex",
    "args",
    "out_mode",
    "out_files",
    "timeout",
    "expect",
    "xfail",
}
EXPECT_KEYS = {"render", "text", "error", "exit", "usage", "context", "shape", "any_of"}
# The first line of an error: "path:line: message" (shape "line", the default),
# "path: message" for a whole file or folder ("path"), or any one line ("bare").
SHAPES = {
    "line": re.compile(r"[^\s:][^:]*:[1-9]\d*: \S.*"),
    "path": re.compile(r"[^\s:][^:]*: \S.*"),
    "bare": re.compile(r"\S.*"),
}
# Files in out/ a successful build may change: its briefs, and its own lock and
# temporaries (``briefgen/output.py``).
BRIEFGEN_OWN = re.compile(r"\.briefgen\.lock|\.briefgen-\d+-[0-9a-f]{16}\..+\.tmp")
BUILD_FILES = re.compile(rf"out/(trial\.pdf|trial\.docx|{BRIEFGEN_OWN.pattern})")
# A subprocess case (``timeout``) may not take more memory than this.
SUBPROCESS_MEMORY = 3 * 1024**3


def load_case(path: Path) -> dict[str, Any]:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(case, dict), f"{path.name}: a case is a mapping"
    assert set(case) <= CASE_KEYS, f"{path.name}: unknown keys {set(case) - CASE_KEYS}"
    assert case.get("description"), f"{path.name}: every case says what it tries"
    expect = case.get("expect")
    assert isinstance(expect, dict), f"{path.name}: expect is required"
    for option in expect.get("any_of", [expect]):
        assert set(option) <= EXPECT_KEYS, f"{path.name}: unknown expect keys"
        assert bool(option.get("render")) != bool(option.get("error")), (
            f"{path.name}: expect either render (and text) or error (and maybe usage)"
        )
        if option.get("render"):
            assert option.get("text"), f"{path.name}: a render case lists the text it keeps"
    return case


def case_params() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        case = load_case(path)
        marks = []
        if case.get("xfail"):
            marks.append(pytest.mark.xfail(strict=True, reason=str(case["xfail"])))
        params.append(pytest.param(path, id=path.stem, marks=marks))
    return params


def test_there_are_enough_cases() -> None:
    assert len(list(CASES.glob("*.yaml"))) >= 45


@dataclass
class Outcome:
    exit_code: int
    output: str  # stdout and stderr together
    exception: BaseException | None = None


def write_workspace(ws: Path, case: dict[str, Any], seed: dict[str, bytes]) -> None:
    facts = ws / "facts"
    facts.mkdir(parents=True)
    given = {**(case.get("facts") or {}), **(case.get("facts_bytes_hex") or {})}
    files: dict[str, bytes] = {"sources.yaml": SOURCES.encode()}
    if set(given) <= {"sources.yaml"}:
        files["case.yaml"] = DEFAULT_FACTS.encode()
    for name, text in (case.get("facts") or {}).items():
        files[name] = text.encode("utf-8")
    for name, hexed in (case.get("facts_bytes_hex") or {}).items():
        files[name] = bytes.fromhex("".join(hexed.split()))
    for name, data in files.items():
        (facts / name).write_bytes(data)
    if "settings" in case or "settings_bytes_hex" in case:
        settings = case.get("settings", "").encode("utf-8")
        settings += bytes.fromhex("".join(case.get("settings_bytes_hex", "").split()))
        (ws / "briefgen.toml").write_bytes(settings)
    templates = ws / "templates"
    templates.mkdir()
    if "template_bytes_hex" in case:
        template = bytes.fromhex("".join(case["template_bytes_hex"].split()))
    else:
        template = case.get("template", DEFAULT_TEMPLATE).encode("utf-8")
    (templates / "trial.md.j2").write_bytes(template)
    for link, target in (case.get("links") or {}).items():
        (ws / link).parent.mkdir(parents=True, exist_ok=True)
        (ws / link).symlink_to(target)
    out = ws / "out"
    out.mkdir()
    for name, data in seed.items():
        (out / name).write_bytes(data)
    for name, text in (case.get("out_files") or {}).items():
        path = out / name
        if path.is_file():
            path.unlink()  # a seeded brief the case replaces
        if text is None:
            path.mkdir(parents=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


def command_line(case: dict[str, Any]) -> list[str]:
    args = [str(a) for a in case.get("args", [])]

    def given(option: str) -> bool:
        return any(a == option or a.startswith(option + "=") for a in args)

    command = case.get("command", "build")
    if command == "build":
        defaults = [
            ("--audience", "trial"),
            ("--facts", "facts"),
            ("--templates", "templates"),
            ("--out", "out"),
        ]
        argv = ["build", *args]
    else:
        assert command == "facts check", command
        defaults = [("--facts", "facts")]
        argv = ["facts", "check", *args]
    for option, value in defaults:
        if not given(option):
            argv += [option, value]
    return argv


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (SUBPROCESS_MEMORY, SUBPROCESS_MEMORY))


def run_briefgen(ws: Path, argv: list[str], timeout: float | None) -> Outcome:
    """In process through click's runner; in a subprocess when the case may hang."""
    if timeout is None:
        old = Path.cwd()
        os.chdir(ws)
        try:
            result = CliRunner().invoke(cli, argv)
        finally:
            os.chdir(old)
        return Outcome(result.exit_code, result.output, result.exception)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "briefgen", *argv],
            cwd=ws,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=_limit_memory,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"briefgen {' '.join(argv)} did not finish within {timeout:g} s")
    return Outcome(done.returncode, done.stdout + done.stderr)


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) below ``root``."""
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


def changes(before: dict[str, bytes | None], after: dict[str, bytes | None]) -> list[str]:
    found = [f"new {p}" for p in after.keys() - before.keys()]
    found += [f"removed {p}" for p in before.keys() - after.keys()]
    found += [f"changed {p}" for p in before.keys() & after.keys() if before[p] != after[p]]
    return sorted(found)


@pytest.fixture(scope="session")
def good_brief(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A real brief built from the default case, seeded into every case's out/."""
    ws = tmp_path_factory.mktemp("good") / "ws"
    write_workspace(ws, {}, {})
    outcome = run_briefgen(ws, command_line({}), None)
    assert outcome.exit_code == 0, outcome.output
    return {name: (ws / "out" / name).read_bytes() for name in ("trial.pdf", "trial.docx")}


@pytest.mark.parametrize("path", case_params())
def test_hostile_case(path: Path, tmp_path: Path, good_brief: dict[str, bytes]) -> None:
    case = load_case(path)
    expect = case["expect"]
    ws = tmp_path / "ws"
    write_workspace(ws, case, good_brief)
    if "out_mode" in case:
        (ws / "out").chmod(int(str(case["out_mode"]), 0))
        probe = ws / "out" / ".probe"
        try:
            probe.write_bytes(b"")
        except OSError:
            pass
        else:
            probe.unlink()
            (ws / "out").chmod(0o755)
            pytest.skip(
                "this user (root?) can write into a read-only folder; "
                "071-cli-out-under-a-file covers an output folder that cannot be written"
            )
    before = snapshot(ws)
    try:
        outcome = run_briefgen(ws, command_line(case), case.get("timeout"))
        after = snapshot(ws)
    finally:
        (ws / "out").chmod(0o755)

    output = outcome.output
    assert "Traceback" not in output, output
    assert "internal error" not in output, output
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), (
        repr(outcome.exception),
        output,
    )
    check_expectation(expect, outcome, ws, changes(before, after))


def check_expectation(
    expect: dict[str, Any], outcome: Outcome, ws: Path, changed: list[str]
) -> None:
    if "any_of" in expect:
        failures = []
        for option in expect["any_of"]:
            try:
                check_expectation(option, outcome, ws, changed)
            except AssertionError as exc:
                failures.append(str(exc))
            else:
                return
        raise AssertionError("none of the outcomes expected:\n" + "\n--- or ---\n".join(failures))
    if expect.get("render"):
        check_render(expect, outcome, ws)
        # A build changes its own briefs and nothing else (it may clear its own lock
        # and temporaries a killed build left).
        others = [c for c in changed if not BUILD_FILES.fullmatch(c.split(" ", 1)[1])]
        assert others == [], f"a build changed files besides its briefs: {others}"
    else:
        check_refusal(expect, outcome)
        assert changed == [], f"a failed command changed files: {changed}"


def check_refusal(expect: dict[str, Any], outcome: Outcome) -> None:
    lines = outcome.output.splitlines()
    assert lines, "no error message at all"
    if expect.get("usage"):
        assert outcome.exit_code == expect.get("exit", 2), outcome.output
        assert lines[0].startswith("Usage: "), outcome.output
        error = lines[-1].removeprefix("Error: ")
        assert lines[-1].startswith("Error: ") and re.fullmatch(expect["error"], error), (
            outcome.output
        )
        return
    assert outcome.exit_code == expect.get("exit", 1), outcome.output
    shape = SHAPES[expect.get("shape", "line")]
    assert shape.fullmatch(lines[0]), f"not {expect.get('shape', 'line')}-shaped: {lines[0]!r}"
    assert re.fullmatch(expect["error"], lines[0]), lines[0]
    rest = lines[1:]
    if expect.get("context") and rest:
        # A syntax error quotes its template line and puts a caret under the culprit.
        assert len(rest) == 2, outcome.output
        assert rest[0].startswith("    ") and re.fullmatch(r"    *\^", rest[1]), outcome.output
    else:
        assert rest == [], f"more than one line:\n{outcome.output}"


def check_render(expect: dict[str, Any], outcome: Outcome, ws: Path) -> None:
    assert outcome.exit_code == 0, outcome.output
    out = ws / "out"
    reader = PdfReader(out / "trial.pdf")
    assert len(reader.pages) == 1
    pdf_text = reader.pages[0].extract_text()
    paragraphs = [unbroken(p.text) for p in docx_paragraphs(out / "trial.docx")]
    docx_text = squeeze("\n".join(paragraphs))
    for expected in expect["text"]:
        assert in_pdf_text(expected, pdf_text), f"{expected!r} not in the PDF:\n{pdf_text}"
        assert squeeze(expected) in docx_text, f"{expected!r} not in the DOCX:\n{paragraphs}"
    left = [p.name for p in out.iterdir() if p.is_file() and BRIEFGEN_OWN.fullmatch(p.name)]
    assert not left, f"temporary files left behind: {left}"
