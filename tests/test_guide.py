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

from briefgen import (
    batch,
    buildcache,
    charts,
    check,
    filenames,
    fitting,
    inputs,
    model,
    parse,
    pictures,
    recipients,
    settings,
    shard,
    style,
    suggest,
    theme,
)
from briefgen.cli import cli
from briefgen.errors import Location, TemplateError
from briefgen.facts import filters, load_store, loader, report, yamlfile
from briefgen.graphics import qr
from briefgen.templating import search
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


def _fields_a_template_is_told(tmp_path: Path, name: str) -> set[str]:
    """The fields a template reading ``NAME.nosuch`` is told ``NAME`` has."""
    (tmp_path / "templates").mkdir(exist_ok=True)
    (tmp_path / "templates" / "x.md.j2").write_text(f"{{{{ {name}.nosuch }}}}\n", "utf-8")
    search = SearchPath.build([], tmp_path)
    renderer = TemplateRenderer(search, load_store(REPO / "facts"), settings.Settings())
    with pytest.raises(TemplateError) as caught:
        renderer.render(search.audience("x"))
    has = re.search(r"it has ([^;)]+)", caught.value.format_message())
    assert has, caught.value.format_message()
    return set(has[1].split(", "))


def test_the_guide_lists_every_field_a_template_can_read(tmp_path: Path) -> None:
    """The Variables table and the list of a fact's fields name each field a template
    can read, and no other: a field added or taken away says so in the guide."""
    text = GUIDE.read_text(encoding="utf-8")
    table = text.split("## Variables", 1)[1].split("\n## ", 1)[0]
    listed: dict[str, set[str]] = {}
    for row in (r for r in table.splitlines() if r.startswith("| `")):
        # `settings.contact.name`, `.email` ...; `date` then `.iso` ... in its meaning.
        named, meaning = row.split(" | ", 1)
        prefix = re.findall(r"`(\w+)", named)[0]
        for token in re.findall(r"`([^`]+)`", named) + re.findall(r"`(\.\w+)`", meaning):
            if token.startswith("."):
                listed.setdefault(prefix, set()).add(token[1:])
            elif "." in token:
                prefix, _, field = token.rpartition(".")
                listed.setdefault(prefix, set()).add(field)
    listed["settings"] = {p.split(".")[1] for p in listed if p.startswith("settings.")}
    fields = text.split("A fact has these fields:", 1)[1].split("\n\n", 1)[0]
    listed['fact("tucson-pill-price")'] = set(re.findall(r"`([a-z_]+)`", fields))
    assert len(listed) == 9, sorted(listed)
    for name, names in listed.items():
        assert names == _fields_a_template_is_told(tmp_path, name), name


def _attr(info: str, key: str) -> str | None:
    match = re.search(rf"\b{key}=(\S+)", info)
    return match.group(1) if match else None


def _files(folder: Path) -> dict[Path, bytes]:
    """Every file under ``folder`` and its bytes (none when there is no folder)."""
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


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
        before = _files(tmp_path / "output")
        result = CliRunner().invoke(
            cli, ["build", "--audience", audience, "--facts", str(REPO / "facts")]
        )
        if _attr(info, "error"):
            assert result.exit_code == 1
            assert result.output.strip() == content.strip()
            assert _files(tmp_path / "output") == before  # nothing written, nothing removed
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
    renderer = TemplateRenderer(
        SearchPath.build([], REPO / "no-workspace"), store, settings.Settings()
    )
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
    # Each reading level shown, under its audience's files or naming it, is the golden's.
    golden_lines = golden.splitlines()
    levels = {
        Path(golden_lines[at - 1].split()[0]).stem: line
        for at, line in enumerate(golden_lines)
        if line.startswith("  reading level: ")
    }
    read = 0
    for doc in (REPO / "README.md", GUIDE, REPO / "docs" / "duplex.md"):
        lines = fenced_lines(doc)
        for at, line in enumerate(lines):
            if match := re.fullmatch(r"  (?:(\S+): )?(reading level: .*)", line):
                audience = match[1] or Path(lines[at - 1].split()[0]).stem
                assert levels[audience] == f"  {match[2]}", (doc.name, line)
                read += 1
    assert read >= 4


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


def test_each_test_docs_testing_md_names_is_there() -> None:
    """docs/testing.md names the test that catches each bug it lists, and the files
    that hold its checks: a test renamed or removed leaves the docs naming nothing.
    Each named test is a test function (with the case it names, ``[lrm]``) or module,
    each named file is there."""
    text = (REPO / "docs" / "testing.md").read_text(encoding="utf-8")
    sources = {path: path.read_text(encoding="utf-8") for path in (REPO / "tests").glob("*.py")}
    named = re.findall(r"`(test_\w+)((?:\[[^\]`]+\])?)`", text)
    assert len(named) >= 40
    for name, case in named:
        if (REPO / "tests" / f"{name}.py").is_file():  # a module: "`test_atomic` (49 s)"
            continue
        defined = [src for src in sources.values() if re.search(rf"^def {name}\(", src, re.M)]
        assert defined, name
        # A case's id, or each part of ids pytest joined ("at-0.5-SIGKILL").
        parts = case[1:-1].split("-") if case else []
        assert all(any(part in src for src in defined) for part in parts), name + case
    for case in re.findall(r"`(\[[a-z]+\])`", text):  # "`[zwj]`", after another of its test
        assert any(case[1:-1] in src for src in sources.values()), case
    for path in re.findall(r"`(tests/[\w/.-]+)`", text):
        assert (REPO / path).exists(), path


def _prose(path: Path) -> str:
    """A Markdown file's text with each run of white space one space, as it reads."""
    return " ".join(path.read_text(encoding="utf-8").split())


# Each limit, count and default the docs state in figures, as the code has it: a limit
# changed in one place and not the other fails here. (docs/templates.md's limits table
# and docs/settings.md's defaults are held by test_template_limits and test_settings.)
WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
FIGURES = [
    # docs/facts.md: a broken or hostile facts file
    ("facts.md", f"| one facts file | {yamlfile.MAX_BYTES:,} bytes"),
    ("facts.md", f"`facts/x.yaml: larger than {yamlfile.MAX_BYTES:,} bytes ...`"),
    (
        "facts.md",
        f"| the whole store | {loader.MAX_STORE_BYTES:,} bytes, {loader.MAX_FILES:,} files",
    ),
    ("facts.md", f"| values in one file | {yamlfile.MAX_VALUES:,}, each alias"),
    ("facts.md", f"more than {yamlfile.MAX_VALUES:,} values ...`"),
    ("facts.md", f"| nesting | {yamlfile.MAX_DEPTH} levels |"),
    ("facts.md", f"A message quotes at most {inputs.QUOTE_LIMIT} characters of a value"),
    ("facts.md", f"within {suggest.MAX_COMPARED:,} comparisons in all"),
    ("facts.md", f"up to {suggest.COMPARED_ALL:,}, else with the {suggest.SHORTLIST} that share"),
    ("facts.md", f"lists the first {filters.MAX_LISTED} names there are"),
    ("facts.md", f"(at most {search.MAX_FRONT_MATTER:,} characters, same nesting"),
    ("facts.md", f"`briefgen.toml` (at most {settings.MAX_BYTES:,} bytes"),
    ("facts.md", f"nested at most {settings.MAX_DEPTH} deep"),
    ("facts.md", f"over {model.WORD_PROPERTY_LIMIT} characters, Word's limit"),
    ("facts.md", f"at most {inputs.MAX_LINK_CHARS:,} characters as a template's link"),
    # docs/batch.md
    ("batch.md", f"At most {recipients.MAX_PROBLEMS} problems are listed"),
    ("batch.md", f"lists the first {check.MAX_ERRORS_SHOWN} as it lists any errors"),
    ("batch.md", f"up to {recipients.MAX_ROWS:,} recipients, {recipients.MAX_COLUMNS:,} columns"),
    ("batch.md", f"and {recipients.MAX_BYTES // 1_000_000} MB (a YAML file"),
    ("batch.md", f"{recipients.MAX_YAML_VALUES:,} values, an alias"),
    ("batch.md", f"at most {filenames.MAX_SLUG} characters and {filenames.MAX_SLUG_BYTES} bytes"),
    ("batch.md", f"1 ≤ I ≤ N ≤ {shard.MAX_SHARDS:,}"),
    ("batch.md", f"every failed row is listed (the first {batch.MAX_FAILURES_SHOWN}, then"),
    ("batch.md", f"for the first {report.MAX_PLACES_SHOWN} such places"),
    ("batch.md", f"first {check.MAX_ERRORS_SHOWN} errors, then how many more"),
    # docs/cache.md
    ("cache.md", f"The folder holds at most {buildcache.MAX_KEPT} of them"),
    (
        "cache.md",
        f"more than {buildcache.MAX_INPUT_BYTES:,} bytes or {buildcache.MAX_INPUT_FILES:,} files",
    ),
    # docs/settings.md
    ("settings.md", f"At most {model.WORD_PROPERTY_LIMIT} characters (Word's limit"),
    ("settings.md", f"hold at most {settings.MAX_CONTACT_CHARS} characters each"),
    ("settings.md", f"hold at most {model.MAX_QR_CHARS} characters each"),
    ("settings.md", f"At most {settings.MAX_LOGO_BYTES:,} bytes and {settings.MAX_LOGO_PIXELS:,}"),
    ("settings.md", f"under {check.LOGO_MIN_PPI} pixels per inch"),
    ("settings.md", f"({theme.TINT_SHARE:.0%} of the colour on white"),
    ("settings.md", f"at least {qr.MIN_SIZE / 72 * 2.54:g} cm across"),
    ("settings.md", f"no module is under {qr.MIN_MODULE / 72 * 25.4:g} mm"),
    # docs/templates.md, outside its limits table
    (
        "templates.md",
        f"at most {pictures.MAX_PICTURE_BYTES:,} bytes and {pictures.MAX_PICTURE_PIXELS:,}",
    ),
    ("templates.md", f"a JPEG of at most {pictures.MAX_JPEG_SCANS} scans"),
    ("templates.md", f"printed at {parse.IMAGE_PPI} pixels per inch"),
    ("templates.md", f"a number past {model.MAX_LIST_NUMBER:,} (the most Word"),
    ("templates.md", f"Lists nest {WORDS[model.LIST_LEVELS]} levels deep"),
    ("templates.md", f"at most {model.MAX_TABLE_COLUMNS} columns"),
    ("templates.md", f"one bar or more than {WORDS[charts.MAX_BARS]}"),
    (
        "templates.md",
        f"by {({0.5: 'half points'}).get(style.SIZE_STEP)} to {style.BODY_FLOOR:g} pt",
    ),
    ("templates.md", f"fills at most {fitting.MAX_FILL:.0%} of its frame"),
    ("templates.md", f"(up to {WORDS[fitting.MAX_RESTORES]} such groups are tried)"),
    ("templates.md", f"more than {WORDS[int(fitting.HOPELESS_FRAMES)]} pages at the smallest"),
]


@pytest.mark.parametrize(("doc", "figure"), FIGURES, ids=[f for _, f in FIGURES])
def test_the_docs_state_each_figure_as_the_code_has_it(doc: str, figure: str) -> None:
    assert figure in _prose(REPO / "docs" / doc)
