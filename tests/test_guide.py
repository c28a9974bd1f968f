"""The template guide's examples are built here, so docs/templates.md cannot drift.

In the guide, a fence ``jinja file=PATH`` is a file of the example's workspace;
``text expect=AUDIENCE`` lists lines the built PDF and DOCX must show; and
``text error=AUDIENCE`` is the exact line the build must fail with. Each
``## Worked example`` section runs in a fresh workspace.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from pypdf import PdfReader
from readback import docx_text
from tagged import check_tagged

from briefgen.cli import cli
from briefgen.errors import Location
from briefgen.facts import load_store
from briefgen.settings import Settings
from briefgen.templating.environment import TemplateRenderer, strip_markers
from briefgen.templating.search import SearchPath

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "docs" / "templates.md"


def examples() -> dict[str, list[tuple[str, str]]]:
    """Worked-example title -> its fences as (info, content), in order."""
    found: dict[str, list[tuple[str, str]]] = {}
    current = None
    tokens = MarkdownIt("commonmark").parse(GUIDE.read_text(encoding="utf-8"))
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            title = tokens[index + 1].content
            current = title if title.startswith("Worked example") else None
            if current:
                found[current] = []
        elif token.type == "fence" and current:
            found[current].append((token.info, token.content))
    return found


EXAMPLES = examples()


def test_the_guide_has_worked_examples() -> None:
    assert len(EXAMPLES) >= 3
    assert all(any("file=" in info for info, _ in fences) for fences in EXAMPLES.values())


def test_the_guide_lists_each_builtins_blocks_in_order() -> None:
    """The table of blocks you can replace is each built-in's own, top to bottom."""
    builtins = REPO / "briefgen" / "builtin_templates"
    rows = re.findall(r"^\| `(\w+)\.md\.j2` \| (`.*`) \|$", GUIDE.read_text("utf-8"), re.M)
    assert [name for name, _ in rows] == ["legislators", "chiefs", "public"]
    for name, listed in rows:
        source = (builtins / f"{name}.md.j2").read_text(encoding="utf-8")
        assert re.findall(r"`(\w+)`", listed) == re.findall(r"{% block (\w+) %}", source)


def _attr(info: str, key: str) -> str | None:
    match = re.search(rf"\b{key}=(\S+)", info)
    return match.group(1) if match else None


@pytest.mark.parametrize("title", list(EXAMPLES))
def test_worked_example(title: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefgen.toml").write_text((REPO / "briefgen.toml").read_text())
    checked = 0
    for info, content in EXAMPLES[title]:
        if path := _attr(info, "file"):
            target = tmp_path / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
            continue
        audience = _attr(info, "expect") or _attr(info, "error")
        assert audience, f"fence without file=, expect= or error=: {info!r}"
        result = CliRunner().invoke(
            cli, ["build", "--audience", audience, "--facts", str(REPO / "facts")]
        )
        if _attr(info, "error"):
            assert result.exit_code == 1
            assert result.output.strip() == content.strip()
            assert not (tmp_path / "output").exists() or not any((tmp_path / "output").iterdir())
        else:
            assert result.exit_code == 0, result.output
            pdf = " ".join(
                (PdfReader(tmp_path / "output" / f"{audience}.pdf").pages[0].extract_text()).split()
            )
            # Every paragraph, those in tables (a box, cards, the sidebar) too.
            word = " ".join(docx_text(tmp_path / "output" / f"{audience}.docx").split())
            for line in content.strip().splitlines():
                assert line in pdf, line
                assert line in word, line
            built = tmp_path / "output" / audience
            check_tagged(built.with_suffix(".pdf").read_bytes(), built.with_suffix(".docx"))
        checked += 1
    assert checked, "the example shows no result to check"


def test_filter_table_examples_hold() -> None:
    """Rows of the guide's filter table: `{{ input }}` examples and what they give."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## Filters", 1)[1].split("\n## ", 1)[0]
    store = load_store(REPO / "facts")
    renderer = TemplateRenderer(SearchPath.build([], REPO / "no-workspace"), store, Settings())
    rows = [r for r in section.splitlines() if r.startswith("| `") and "{{" in r]
    assert rows
    for row in rows:
        cells = [c.strip() for c in row.replace("\\|", "\0").strip("|").split("|")]
        calls = re.findall(r"`(\{\{.*?\}\})`", cells[1].replace("\0", "|"))
        gives = re.findall(r"`([^`]+)`", cells[2])
        assert len(calls) == len(gives), row
        for call, expected in zip(calls, gives, strict=True):
            printed, _, _ = strip_markers(
                renderer.env.from_string(call).render(),
                Location("guide"),
                renderer.env.marker_files,
            )
            # Printed values are Markdown-escaped; read them back as text.
            assert re.sub(r"\\(.)", r"\1", printed) == expected, call


def fenced_lines(path: Path) -> list[str]:
    """The lines of every fenced block of a Markdown file."""
    tokens = MarkdownIt("commonmark").parse(path.read_text(encoding="utf-8"))
    return [line for t in tokens if t.type == "fence" for line in t.content.splitlines()]


def test_the_docs_show_the_sample_briefs_build_report_as_it_is() -> None:
    """Where the docs show what `build` prints for the sample briefs, it is what the
    golden build report pins (tests/golden/build-report.txt), figure for figure."""
    golden = (REPO / "tests" / "golden" / "build-report.txt").read_text(encoding="utf-8")
    by_file = {line.split()[0]: line for line in golden.splitlines() if "% full" in line}
    fills = {Path(name).stem: line.rsplit(", ", 1)[1] for name, line in by_file.items()}
    shown = 0
    for doc in (REPO / "README.md", GUIDE):
        for line in fenced_lines(doc):
            if line.endswith("% full") and line.split()[0] in by_file:
                assert line == by_file[line.split()[0]], (doc.name, line)
                shown += 1
    duplex = [
        line for line in fenced_lines(REPO / "docs" / "duplex.md") if line.startswith("output/")
    ]
    for line in duplex:
        match = re.fullmatch(
            r"output/(\S+)\.(pdf|docx) +2 pages: front (\S+) (\d+% full), back (\S+) (\d+% full)",
            line,
        )
        assert match, line
        assert (match[4], match[6]) == (fills[match[3]], fills[match[5]]), line
        shown += 1
    # The file names padded to one column, as build prints them.
    assert len({line.index(" 2 pages") for line in duplex}) == 1, duplex
    assert shown >= 6


def readme_usage_commands() -> list[list[str]]:
    """The README's "Using it" commands, in order, as a shell splits them."""
    tokens = MarkdownIt("commonmark").parse((REPO / "README.md").read_text(encoding="utf-8"))
    heading = next(
        i for i, t in enumerate(tokens) if t.type == "inline" and t.content == "Using it"
    )
    fence = next(t for t in tokens[heading:] if t.type == "fence")
    return [shlex.split(line, comments=True) for line in fence.content.splitlines() if line]


def test_every_readme_usage_command_runs_in_a_new_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typed in turn in a workspace `briefgen init` made, each command works:
    `templates init legislators` once failed there, as init writes that override."""
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["-q", "init", "ws"]).exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")
    commands = readme_usage_commands()
    assert len(commands) >= 15 and all(args[0] == "briefgen" for args in commands)
    for args in commands:
        result = CliRunner().invoke(cli, args[1:])
        # --strict: "exit 1 on warnings too" (the sample sources without a URL).
        warned = "--strict" in args and " 0 warnings" not in result.output
        assert result.exit_code == int(warned), (args, result.output)
