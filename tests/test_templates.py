"""Templates as users change them (issue 4): override a built-in by file name, extend one
and replace a single block, drop in a new audience, copy the built-ins out to edit, start a
workspace with `briefgen init` -- and every way a template can go wrong reported as one
`path:line: message` naming the right line, never a traceback, never a half-written output.

Each test works in its own workspace under tmp_path (outside the repository) with the
repository's real facts; the fixture templates are in tests/template_cases/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from briefgen.cli import cli
from briefgen.facts import load_store
from briefgen.facts.formatting import format_number
from briefgen.templating.search import builtin_dir

REPO = Path(__file__).resolve().parents[1]
FACTS = REPO / "facts"
CASES = Path(__file__).resolve().parent / "template_cases"
BUILTINS = ("chiefs", "legislators", "public", "public-es")

BUILTIN_ASK = "We ask Congress to"  # the built-in legislators ask
# The built-in legislators brief's title line, as its template writes it.
LEGISLATORS_TITLE = next(
    line
    for line in (REPO / "briefgen" / "builtin_templates" / "legislators.md.j2")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.startswith("# ")
)
X = str(Path("templates") / "x.md.j2")  # the broken template of the error tests, as shown


# --------------------------------------------------------------------------- helpers


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def build(*args: str | Path) -> Result:
    """`briefgen build` in the current folder with the repository's facts, into ./out."""
    return run("build", "--facts", FACTS, "--out", "out", *args)


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty workspace (a templates/ folder and an empty out/) as the working folder."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def use_case(ws: Path, case: str) -> None:
    """Copy the fixture templates of ``case`` into the workspace's templates/ folder."""
    shutil.copytree(CASES / case, ws / "templates", dirs_exist_ok=True)


def write_template(ws: Path, lines: list[str], name: str = "x") -> None:
    """Write ``lines`` as templates/NAME.md.j2; lines[0] is line 1 of the file."""
    (ws / "templates" / f"{name}.md.j2").write_text("\n".join(lines) + "\n", encoding="utf-8")


def pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())


def listing(output: str) -> dict[str, tuple[str, str, str]]:
    """`templates list` output as {audience: (origin, path, description)}."""
    rows: dict[str, tuple[str, str, str]] = {}
    last = ""
    for line in output.splitlines():
        if line[:1].isspace():
            origin, path, _ = rows[last]
            rows[last] = (origin, path, line.strip())
        elif line.strip():
            last, origin, path = line.split(maxsplit=2)
            rows[last] = (origin, path, "")
    return rows


def one_error_line(result: Result) -> str:
    """The single line a failed command printed; fails unless that is all it printed."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.strip("\n").splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def searched_folders(*extra: str) -> list[str]:
    """How an error names each folder searched, highest priority first."""
    return [
        *(f"{e} (--templates)" for e in extra),
        "templates (workspace)",
        "the built-ins",
    ]


def assert_names_folders(message: str, folders: list[str]) -> None:
    assert "searched " + ", ".join(folders) in message, message


def assert_empty(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == []


# ------------------------------------------------- 1. override a built-in by file name


def test_workspace_template_overrides_the_builtin_of_the_same_name(ws: Path) -> None:
    use_case(ws, "override")
    result = build("--audience", "public", "--format", "pdf")
    assert result.exit_code == 0, result.output
    text = flat(pdf_text(ws / "out" / "public.pdf"))
    assert "Workspace Override For The Public" in text
    assert "Sentenced traffickers are mostly citizens." in text
    assert "Fentanyl: What the Facts Show" not in text  # the built-in's title
    assert "What many people hear" not in text  # nor any of its headings


def builtin_description(name: str) -> str:
    """A built-in template's front-matter description, read from its file."""
    text = (builtin_dir() / f"{name}.md.j2").read_text(encoding="utf-8")
    return next(line for line in text.splitlines() if line.startswith("description: "))[13:]


def test_list_shows_the_override_as_workspace_and_the_rest_as_builtin(ws: Path) -> None:
    use_case(ws, "override")
    result = run("templates", "list")
    assert result.exit_code == 0, result.output
    rows = listing(result.output)
    assert sorted(rows) == list(BUILTINS)
    assert rows["public"][:2] == ("workspace", str(Path("templates") / "public.md.j2"))
    for name in ("chiefs", "legislators"):
        assert rows[name][:2] == ("built-in", str(builtin_dir() / f"{name}.md.j2"))
        assert rows[name][2] == builtin_description(name)


def test_each_templates_folder_is_searched_in_the_order_given_before_the_workspace(
    ws: Path,
) -> None:
    """docs/templates.md: each --templates DIR in the order given, then the workspace's
    templates/, then the built-ins; the first found is the template."""
    for folder, words in (("one", "One"), ("two", "Two")):
        (ws / folder).mkdir()
        for name in ("both", "legislators"):
            (ws / folder / f"{name}.md.j2").write_text(f"# From {words}\n\nText.\n", "utf-8")
    (ws / "two" / "public.md.j2").write_text("# Public from Two\n\nText.\n", "utf-8")
    write_template(ws, ["# From the workspace", "", "Text."], name="legislators")
    for first, second in (("one", "two"), ("two", "one")):
        order = ("--templates", first, "--templates", second)
        result = build("--audience", "both", "--format", "pdf", *order)
        assert result.exit_code == 0, result.output
        assert f"From {first.title()}" in pdf_text(ws / "out" / "both.pdf")
        rows = listing(run("templates", "list", *order).output)
        for name, folder in (("both", first), ("legislators", first), ("public", "two")):
            assert rows[name][:2] == ("--templates", str(Path(folder) / f"{name}.md.j2"))
        assert rows["chiefs"][0] == "built-in"
    rows = listing(run("templates", "list").output)
    assert rows["legislators"][:2] == ("workspace", str(Path("templates") / "legislators.md.j2"))
    assert "both" not in rows


# --------------------------------------- 2. extend a built-in and replace one block


def test_extending_template_replaces_only_its_block(ws: Path) -> None:
    use_case(ws, "extend")
    result = build("--audience", "legislators", "--format", "pdf")
    assert result.exit_code == 0, result.output
    text = flat(pdf_text(ws / "out" / "legislators.pdf"))
    # The custom ask, with the fact it cites ...
    assert "Custom ask for testing: put youth programs in every border appropriation" in text
    age = load_store(FACTS).get("teens-targeted-on-social-media").value
    assert f"teenagers as young as {format_number(float(age or 0))}." in text
    # ... and everything else of the built-in around it ...
    assert LEGISLATORS_TITLE.removeprefix("# ") in text
    assert "Why it matters" in text
    assert "Most seizures are at the southern border." in text
    assert "Sources" in text
    # ... but not the built-in's ask.
    assert BUILTIN_ASK not in text


EXTENDS = '{% extends "builtin/legislators.md.j2" %}\n'
BUILTIN_LEGISLATORS = (
    (REPO / "briefgen" / "builtin_templates" / "legislators.md.j2").read_text().splitlines()
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # A misspelt block name: Jinja ignored the block, and the built-in printed.
        (
            "{% block askk %}Fund it.{% endblock %}\n",
            "templates/legislators.md.j2:2: block 'askk' replaces nothing: "
            "builtin/legislators.md.j2 has no such block (did you mean 'ask'?); its blocks "
            "are addressee, ask, chart, notes, numbers, quote, reasons, sidebar, title",
        ),
        # Text outside every block: never printed.
        (
            "\nFund it.\n{% block ask %}Fund it.{% endblock %}\n",
            "templates/legislators.md.j2:3: text outside every block of a template that "
            "extends another is never printed; put it inside one of the blocks it replaces",
        ),
    ],
)
def test_what_an_extending_template_writes_must_reach_the_page(
    ws: Path, body: str, expected: str
) -> None:
    (ws / "templates" / "legislators.md.j2").write_text(EXTENDS + body, encoding="utf-8")
    result = build("--audience", "legislators", "--format", "pdf")
    assert (result.exit_code, result.output) == (1, expected + "\n")


def test_a_template_that_extends_none_is_parsed_once(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check of what an extending template writes parsed every template a second
    time to learn that it extends none (a third of rendering a built-in brief)."""
    from briefgen.templating import nesting

    parsed: list[str | None] = []
    parse = nesting.parse

    def counted(*args: Any) -> Any:
        parsed.append(args[2])
        return parse(*args)

    monkeypatch.setattr(nesting, "parse", counted)
    result = build("--audience", "legislators", "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert parsed == ["legislators.md.j2"]


def test_a_group_opened_in_the_extended_template_is_named_with_its_file(ws: Path) -> None:
    # "(line 14)" sent the author to line 14 of their own file; the box opens in the
    # built-in around the ask block.
    body = "{% block ask %}\n::: box\nFund it.\n:::\n{% endblock %}\n"
    (ws / "templates" / "legislators.md.j2").write_text(EXTENDS + body, encoding="utf-8")
    result = build("--audience", "legislators", "--format", "pdf")
    assert result.exit_code == 1
    line = next(n for n, text in enumerate(BUILTIN_LEGISLATORS, 1) if text == "::: box")
    assert result.output == (
        "templates/legislators.md.j2:3: '::: box' cannot stand inside '::: box' "
        f"(builtin/legislators.md.j2:{line}); close it with ':::' first\n"
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            # The quote block's '::: optional' left open: the built-in's ':::' closed
            # it, and "builtin/legislators.md.j2:39: '::: aside' is never closed"
            # sent the author to a file they did not write.
            '{% block quote %}\n::: optional 1\n{{ pullquote("kasmar-bipartisan") }}\n'
            "{% endblock %}\n",
            "templates/legislators.md.j2:3: '::: optional' is never closed in its own "
            "template: the ':::' that closes it is another template's, at "
            "builtin/legislators.md.j2:{close}; close it before its block ends",
        ),
        (
            # One ':::' too many closed the built-in's sidebar, and its own ':::' was
            # "builtin/legislators.md.j2:46: ':::' closes no '::: optional', ...".
            "{% block quote %}\nCall our office.\n\n:::\n{% endblock %}\n",
            "templates/legislators.md.j2:5: ':::' closes the '::: aside' opened at "
            "builtin/legislators.md.j2:{aside}, in another template; a template's ':::' "
            "lines close only the groups it opens",
        ),
    ],
)
def test_a_group_left_open_or_closed_twice_in_a_block_stops_at_the_authors_line(
    ws: Path, body: str, expected: str
) -> None:
    (ws / "templates" / "legislators.md.j2").write_text(EXTENDS + body, encoding="utf-8")
    lines = BUILTIN_LEGISLATORS
    aside = lines.index("::: aside")
    # The sidebar's own ':::', after the quote block.
    close = lines.index(":::", lines.index("{% endblock %}", lines.index("{% block quote %}")))
    line = expected.format(aside=aside + 1, close=close + 1)
    assert one_error_line(build("--audience", "legislators", "--format", "pdf")) == line
    # check says the same, at the same line.
    result = run("check", "--facts", FACTS, "--audience", "legislators", "--json")
    errors = [f for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"]
    assert [(e["location"], e["message"]) for e in errors] == [tuple(line.split(": ", 1))]


def _legislators_cells(ws: Path, body: str) -> list[list[str]]:
    """The DOCX of a legislators brief extending the built-in with ``body``: the texts
    of each cell of its tables' first rows (the sidebar's row: main, gutter, sidebar)."""
    (ws / "templates" / "legislators.md.j2").write_text(EXTENDS + body, encoding="utf-8")
    result = build("--audience", "legislators")
    assert result.exit_code == 0, result.output
    word = docx.Document(str(ws / "out" / "legislators.docx"))
    return [[c.text for c in table.rows[0].cells] for table in word.tables]


def test_the_legislators_quote_stands_in_the_sidebar_which_a_template_may_replace(
    ws: Path,
) -> None:
    """docs/templates.md: the quote is in the sidebar beside the reasons; replacing
    `sidebar` with nothing sets the reasons alone, replacing `quote` puts other words
    in the sidebar."""
    built = _legislators_cells(ws, "")
    (main, _, side) = next(row for row in built if len(row) == 3 and "Why it matters" in row[0])
    assert "Most seizures are at the southern border." in main
    assert side.startswith("\u201cIt\u2019s time in a bipartisan way")
    alone = _legislators_cells(ws, "{% block sidebar %}{% endblock %}\n")
    assert not any("Why it matters" in cell for row in alone for cell in row)
    assert "bipartisan" not in flat(pdf_text(ws / "out" / "legislators.pdf"))
    other = _legislators_cells(ws, "{% block quote %}Call our office first.{% endblock %}\n")
    (_, _, side) = next(row for row in other if len(row) == 3 and "Why it matters" in row[0])
    assert side == "Call our office first."


def test_a_sidebar_left_empty_leaves_the_main_column_alone(ws: Path) -> None:
    """The quote block replaced with nothing left '::: aside' with no blocks: the
    reasons stood two thirds wide beside an empty tinted sidebar, in both files. An
    empty sidebar goes, as one whose every block the fitter drops."""
    for body in ("{% block quote %}{% endblock %}\n", "{% block quote %}\n\n{% endblock %}\n"):
        cells = _legislators_cells(ws, body)
        assert not any("Why it matters" in cell for row in cells for cell in row), body
        assert "Why it matters" in flat(pdf_text(ws / "out" / "legislators.pdf"))


def test_a_new_block_inside_a_replaced_one_prints(ws: Path) -> None:
    template = (
        '---\ndescription: x\n---\n{% extends "builtin/public.md.j2" %}\n\n'
        "{% block lead %}{% block mine %}A LEAD OF MY OWN.{% endblock %}{% endblock %}\n"
    )
    (ws / "templates" / "public.md.j2").write_text(template, encoding="utf-8")
    result = build("--audience", "public", "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert "A LEAD OF MY OWN." in flat(pdf_text(ws / "out" / "public.pdf"))


def test_a_template_extending_its_own_name_is_told_to_extend_the_builtin(ws: Path) -> None:
    """The override the guide describes, written without ``builtin/``: it named itself,
    and Jinja went round until "recursion too deep; does a macro or block call itself?"."""
    source = ['{% extends "legislators.md.j2" %}', "{% block ask %}**We ask** you.{% endblock %}"]
    write_template(ws, source, "legislators")
    line = one_error_line(build("--audience", "legislators"))
    assert line == (
        f"{Path('templates') / 'legislators.md.j2'}:1: 'legislators.md.j2' is this template: "
        "it extends itself; to extend the built-in it replaces, write "
        '{% extends "builtin/legislators.md.j2" %}'
    )
    (ws / "templates" / "legislators.md.j2").unlink()
    write_template(ws, ['{% extends "y.md.j2" %}'], "x")
    write_template(ws, ["", '{% extends "x.md.j2" %}'], "y")
    line = one_error_line(build("--audience", "x"))
    assert (
        line
        == f"{X}:1: these templates extend each other in a circle: x.md.j2 -> y.md.j2 -> x.md.j2"
    )
    assert_empty(ws / "out")


@pytest.mark.parametrize(
    ("language", "lead", "count"),
    [("en-US", "more than", "8 in 10"), ("es-US", "más de", "8 de cada 10")],
)
def test_a_count_in_a_card_figure_stays_on_one_line(
    ws: Path, language: str, lead: str, count: str
) -> None:
    """The guide's faith-leaders card, ``figure=citizens.value | one_in``: a card a
    third of the page wide broke its figure "more than 8 in" over "10", in the PDF
    and in the DOCX; the count now keeps together ("more than" over "8 in 10")."""
    card = '{{ callout("fentanyl-offenders-us-citizens", figure=86 | one_in, label="x") }}'
    cards = [card, '{{ callout("tucson-pill-price", label="y") }}', card]
    write_template(
        ws, ["---", f"language: {language}", "---", "# T", "", "::: cards", *cards, ":::"]
    )
    result = build("--audience", "x")
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in pdf_text(ws / "out" / "x.pdf").splitlines()]
    assert lines.count(lead) == 2 and lines.count(count) == 2, lines
    with zipfile.ZipFile(ws / "out" / "x.docx") as docx_file:
        body = docx_file.read("word/document.xml").decode("utf-8")
    assert body.count(count.replace(" ", "\u00a0")) == 2


def test_extending_template_inherits_the_front_matter(ws: Path) -> None:
    use_case(ws, "extend")
    rows = listing(run("templates", "list").output)
    origin, path, description = rows["legislators"]
    assert (origin, path) == ("workspace", str(Path("templates") / "legislators.md.j2"))
    assert description == builtin_description("legislators")
    # The built-in public brief's reading_level (8) is inherited the same way.
    write_template(
        ws,
        [
            '{% extends "builtin/public.md.j2" %}',
            "{% block learn_more %}",
            "## Learn more",
            "",
            "Ask your police department.",
            "{% endblock %}",
        ],
        name="public",
    )
    result = build("--audience", "public", "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert "(target 8 or lower)" in result.output


def test_extending_template_can_keep_the_builtin_block_with_super(ws: Path) -> None:
    write_template(
        ws,
        [
            '{% extends "builtin/legislators.md.j2" %}',
            "{% block ask %}",
            "{{ super() }}",
            '**Also:** fund youth programs. {{ cite("youth-engagement") }}',
            "{% endblock %}",
        ],
        "legislators",
    )
    result = build("--audience", "legislators", "--format", "pdf")
    assert result.exit_code == 0, result.output
    text = flat(pdf_text(ws / "out" / "legislators.pdf"))
    assert BUILTIN_ASK in text and "Also: fund youth programs." in text


# ----------------------------------------------------- 3. a new audience by file drop


def test_new_audience_builds_on_its_own_page_size(ws: Path) -> None:
    use_case(ws, "new-audience")
    result = build("--audience", "faith-leaders")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (ws / "out").iterdir()) == [
        "faith-leaders.docx",
        "faith-leaders.pdf",
    ]
    assert "(target 10 or lower)" in result.output  # reading_level from the front matter

    page = PdfReader(ws / "out" / "faith-leaders.pdf").pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4, not letter's 612 x 792
    text = flat(page.extract_text())
    assert "Faith Leaders: Welcome and Truth About Fentanyl" in text
    assert "How congregations can help" in text

    section = docx.Document(str(ws / "out" / "faith-leaders.docx")).sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_plain_build_includes_the_new_audience(ws: Path) -> None:
    use_case(ws, "new-audience")
    result = build("--format", "pdf")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (ws / "out").iterdir())
    assert names == sorted(f"{a}.pdf" for a in (*BUILTINS, "faith-leaders"))
    # The front matter's page size is the new audience's own: the built-ins stay letter.
    legislators = PdfReader(ws / "out" / "legislators.pdf").pages[0]
    assert round(float(legislators.mediabox.width)) == 612


def test_the_name_must_print_in_the_font_but_the_description_may_hold_any_character(
    ws: Path,
) -> None:
    """docs/templates.md, front matter: `name`, which prints, must print in the theme's
    font; the description, never drawn, may hold any other (an emoji, Chinese)."""
    write_template(ws, ["---", "name: Party 🎉", "---", "# T", "", "Hi."])
    line = one_error_line(build("--audience", "x", "--format", "pdf"))
    assert line.startswith(f"{X}:")
    assert line.endswith(
        "the audience's name (front matter 'name') has a character no bundled font can "
        "draw: U+1F389 PARTY POPPER"
    )
    assert_empty(ws / "out")
    described = "For readers of 中文 and 🎉 alike"
    write_template(ws, ["---", "name: Party", f"description: {described}", "---", "# T", "Hi."])
    result = build("--audience", "x")
    assert result.exit_code == 0, result.output
    assert PdfReader(ws / "out" / "x.pdf").metadata.subject == described
    assert docx.Document(str(ws / "out" / "x.docx")).core_properties.subject == described


def test_list_shows_the_new_audience_with_its_description(ws: Path) -> None:
    use_case(ws, "new-audience")
    rows = listing(run("templates", "list").output)
    assert sorted(rows) == sorted((*BUILTINS, "faith-leaders"))
    assert rows["faith-leaders"] == (
        "workspace",
        str(Path("templates") / "faith-leaders.md.j2"),
        "For clergy and congregation leaders - one fact to share from the pulpit, and how to help.",
    )


def test_template_lists_only_audiences_not_partials(ws: Path) -> None:
    use_case(ws, "new-audience")
    (ws / "templates" / "_parts.md.j2").write_text("{% macro x() %}{% endmacro %}\n")
    rows = listing(run("templates", "list").output)
    assert "_parts" not in rows and "_macros" not in rows


# ------------------------------------------------- 4. templates init, then edit the copy


def test_templates_init_copies_refuses_then_the_edit_shows(ws: Path) -> None:
    result = run("templates", "init", "legislators", "--to", "mine")
    assert result.exit_code == 0, result.output
    for name in ("legislators.md.j2", "_macros.md.j2"):
        assert (ws / "mine" / name).read_bytes() == (builtin_dir() / name).read_bytes()
        assert f"wrote {Path('mine') / name}" in result.output
    assert sorted(p.name for p in (ws / "mine").iterdir()) == ["_macros.md.j2", "legislators.md.j2"]

    again = run("templates", "init", "legislators", "--to", "mine")
    line = one_error_line(again)
    assert re.match(r"mine/(legislators|_macros)\.md\.j2: already exists", line.replace("\\", "/"))
    assert "--force" in line

    copy = ws / "mine" / "legislators.md.j2"
    source = copy.read_text(encoding="utf-8")
    assert LEGISLATORS_TITLE in source
    copy.write_text(source.replace(LEGISLATORS_TITLE, "# An Edited Title From The Copy"), "utf-8")
    result = build("--templates", "mine", "--audience", "legislators", "--format", "pdf")
    assert result.exit_code == 0, result.output
    text = flat(pdf_text(ws / "out" / "legislators.pdf"))
    assert "An Edited Title From The Copy" in text
    assert LEGISLATORS_TITLE.removeprefix("# ") not in text
    assert "Why it matters" in text

    forced = run("templates", "init", "legislators", "--to", "mine", "--force")
    assert forced.exit_code == 0, forced.output
    assert copy.read_bytes() == (builtin_dir() / "legislators.md.j2").read_bytes()


def test_templates_init_of_another_audience_keeps_the_helpers_there(ws: Path) -> None:
    """A second audience copied out beside the first: the helpers file is there
    already (perhaps edited), so it is kept, not refused nor overwritten by --force."""
    assert run("templates", "init", "legislators", "--to", "mine").exit_code == 0
    helpers = ws / "mine" / "_macros.md.j2"
    edited = helpers.read_text(encoding="utf-8") + "{# my own macro #}\n"
    helpers.write_text(edited, encoding="utf-8")
    for args in (("public",), ("chiefs", "--force")):
        result = run("templates", "init", *args, "--to", "mine")
        assert result.exit_code == 0, result.output
        assert result.output == f"wrote {Path('mine') / (args[0] + '.md.j2')}\n"
        assert helpers.read_text(encoding="utf-8") == edited
    # Named, the helpers are replaced as any template is; so are they when no name is
    # given, which copies every built-in out again.
    assert run("templates", "init", "_macros", "--to", "mine", "--force").exit_code == 0
    assert helpers.read_bytes() == (builtin_dir() / "_macros.md.j2").read_bytes()
    helpers.write_text(edited, encoding="utf-8")
    assert run("templates", "init", "--to", "mine", "--force").exit_code == 0
    assert helpers.read_bytes() == (builtin_dir() / "_macros.md.j2").read_bytes()


def test_templates_init_without_names_copies_every_builtin(ws: Path) -> None:
    result = run("templates", "init", "--to", "all")
    assert result.exit_code == 0, result.output
    expected = sorted(p.name for p in builtin_dir().glob("*.md.j2"))
    assert sorted(p.name for p in (ws / "all").iterdir()) == expected


def test_templates_init_takes_a_builtin_as_templates_show_names_it(ws: Path) -> None:
    """The sample override says to see `templates show builtin/legislators`; copying
    it out as `templates init builtin/legislators` was "no template for audience"."""
    result = run("templates", "init", "builtin/legislators", "--to", "mine")
    assert result.exit_code == 0, result.output
    copy = ws / "mine" / "legislators.md.j2"
    assert copy.read_bytes() == (builtin_dir() / "legislators.md.j2").read_bytes()
    assert sorted(p.name for p in (ws / "mine").iterdir()) == ["_macros.md.j2", "legislators.md.j2"]


@pytest.mark.parametrize("path", ["absolute", "../builtin_templates/public"])
def test_templates_init_copies_only_builtins_not_a_path(ws: Path, path: str) -> None:
    """A name with a folder in it was joined to the built-ins' folder: an absolute
    path copied out any .md.j2 file, as if it were a built-in."""
    elsewhere = ws.parent / "elsewhere.md.j2"
    elsewhere.write_text("not a built-in\n", encoding="utf-8")
    name = str(elsewhere.with_suffix("").with_suffix("")) if path == "absolute" else path
    result = run("templates", "init", name, "--to", "mine")
    assert result.exit_code == 1
    assert one_error_line(result).startswith(f"no template for audience {name!r}")
    assert not (ws / "mine").exists()


@pytest.mark.parametrize("command", [["show"], ["init", "--to", "mine"]])
def test_an_empty_template_name_is_told_as_empty(ws: Path, command: list[str]) -> None:
    """An unset $NAME (templates show "$NAME") was told 'a hidden file names no
    audience', which the user had given none of."""
    line = one_error_line(run("templates", *command, ""))
    assert line.startswith("no template for audience '' (no name given); the audiences are ")
    assert not (ws / "mine").exists()


def test_an_audience_whose_file_spells_it_decomposed_is_told_so(ws: Path) -> None:
    """A template named on a Mac (an accent as a character of its own, NFD), asked
    for as typed (NFC): "did you mean 'public'?", beside a name that looked the
    same as the one typed."""
    typed = unicodedata.normalize("NFC", "públic")
    decomposed = unicodedata.normalize("NFD", "públic")
    shutil.copy(builtin_dir() / "public.md.j2", ws / "templates" / f"{decomposed}.md.j2")
    line = one_error_line(run("templates", "show", typed))
    assert line.startswith(
        f"no template for audience {typed!r} (its file templates/{decomposed}.md.j2 writes "
        "the name with other characters that look the same, an accent as one of its own, "
        "as macOS names files: rename the file, typing its name); the audiences are "
    )


def test_templates_init_of_an_unknown_audience_lists_the_builtins(ws: Path) -> None:
    line = one_error_line(run("templates", "init", "nope", "--to", "mine"))
    builtins = sorted(p.name[: -len(".md.j2")] for p in builtin_dir().glob("[!_]*.md.j2"))
    assert line == "no template for audience 'nope' (nope.md.j2); the audiences are " + ", ".join(
        f"{name} (built-in)" for name in builtins
    )
    assert not (ws / "mine").exists()


def test_templates_init_of_the_workspaces_own_audience_says_it_is_yours(ws: Path) -> None:
    """A new audience's template in templates/ was told "no template for audience",
    which the workspace has: it is no built-in, so there is nothing to copy out."""
    (ws / "templates" / "county-commissioners.md.j2").write_text("# Ours\n", encoding="utf-8")
    line = one_error_line(run("templates", "init", "county-commissioners", "--to", "mine"))
    builtins = sorted(p.name[: -len(".md.j2")] for p in builtin_dir().glob("[!_]*.md.j2"))
    assert line == (
        "'county-commissioners' is no built-in but your own template, "
        "templates/county-commissioners.md.j2: edit it there; the built-ins are "
        + ", ".join(builtins)
    )
    assert not (ws / "mine").exists()


# ------------------------------------------------------ 5. briefgen init, outside the repo


def test_init_outside_the_repository_then_build_and_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not tmp_path.resolve().is_relative_to(REPO)
    monkeypatch.chdir(tmp_path)
    result = run("init", "brief-ws")
    assert result.exit_code == 0, result.output
    assert "created a workspace in brief-ws" in result.output

    monkeypatch.chdir(tmp_path / "brief-ws")
    result = run("build")
    assert result.exit_code == 0, result.output
    built = sorted(p.name for p in (tmp_path / "brief-ws" / "output").iterdir())
    assert built == sorted([".gitkeep", *(f"{a}.{f}" for a in BUILTINS for f in ("docx", "pdf"))])
    assert "Why it matters" in pdf_text(tmp_path / "brief-ws" / "output" / "legislators.pdf")

    check = run("facts", "check")
    assert check.exit_code == 0, check.output
    assert ": valid" in check.output

    # The sample legislators template is the workspace's own, extending the built-in.
    rows = listing(run("templates", "list").output)
    assert rows["legislators"][0] == "workspace"
    assert rows["legislators"][2] == builtin_description("legislators")

    again = run("init", ".")
    assert again.exit_code == 1 and "--force" in one_error_line(again)


# ------------------------------------------------------------------------ 6. the sandbox

SANDBOX_ESCAPES = [
    "''.__class__.__mro__",
    "''.__class__.__mro__[1].__subclasses__()",
    "settings.__init__.__globals__",
    "settings.__class__",
    "settings.contact.__dict__",
    "fact('tucson-pill-price').__class__",
    "fact('tucson-pill-price').__class__.__init__.__globals__",
    "fact('tucson-pill-price').cite.__class__",
    "facts()[0].__dict__",
    "fact.__self__.store",
    "cite.__func__.__globals__",
    "notes.__globals__",
    "cycler.__init__.__globals__",
    "joiner.__init__.__globals__",
    "namespace.__init__.__globals__",
    "lipsum.__globals__",
    "lipsum.__code__",
    "audience.__class__",
    "self.__init__.__globals__",
    "[].__class__.__base__.__subclasses__()",
    "[].pop.__self__",
    "(1).__class__",
    "'{0.__class__}'.format(1)",
    "'{0.__globals__}'.format(lipsum)",
    "'' | attr('__class__')",
    "settings.__reduce_ex__(2)",
]


@pytest.mark.parametrize("expression", SANDBOX_ESCAPES)
def test_sandbox_refuses_with_one_line_at_the_right_line(ws: Path, expression: str) -> None:
    write_template(
        ws, ["# Title", "", "Some text first.", "{{ " + expression + " }}", "", "After."]
    )
    line = one_error_line(build("--audience", "x"))
    assert line.startswith(f"{X}:4: "), line
    assert "sandbox" in line
    assert_empty(ws / "out")


def test_sandbox_in_a_statement_and_in_a_block_of_an_override(ws: Path) -> None:
    write_template(ws, ["# T", "", "{% if ''.__class__.__mro__ %}yes{% endif %}"])
    line = one_error_line(build("--audience", "x"))
    assert line.startswith(f"{X}:3: ") and "sandbox" in line

    write_template(
        ws,
        [
            '{% extends "builtin/legislators.md.j2" %}',
            "{% block ask %}",
            "Ask.",
            "{{ lipsum.__globals__ }}",
            "{% endblock %}",
        ],
        "legislators",
    )
    line = one_error_line(build("--audience", "legislators"))
    assert line.startswith(f"{Path('templates') / 'legislators.md.j2'}:4: ") and "sandbox" in line
    assert_empty(ws / "out")


def test_sandbox_in_an_imported_macro_names_the_macro_file(ws: Path) -> None:
    (ws / "templates" / "_bad.md.j2").write_text(
        "{# macros #}\n{% macro bad() %}\ntext {{ ''.__class__ }}\n{% endmacro %}\n"
    )
    write_template(ws, ["# T", "", '{% from "_bad.md.j2" import bad %}', "", "{{ bad() }}"])
    line = one_error_line(build("--audience", "x"))
    assert line.startswith(f"{Path('templates') / '_bad.md.j2'}:3: ") and "sandbox" in line


def test_an_imported_macro_sees_the_recipient_the_audience_and_the_date(ws: Path) -> None:
    """Imported without ``with context``, a macro saw no recipient (the copy for Alex
    Example printed the text for no one), the English date in a Spanish brief, and
    no ``audience`` ('audience' is undefined (did you mean 'audience'?))."""
    (ws / "templates" / "_who.md.j2").write_text(
        "{% macro who() %}{% if recipient %}For {{ recipient.name }}{% else %}For no one"
        "{% endif %}, {{ date }}, {{ audience.display_name }}{% endmacro %}\n",
        encoding="utf-8",
    )
    body = ["# T", "", "{{ m.who() }}; {{ who() }}"]
    imports = ['{% import "_who.md.j2" as m %}', '{% from "_who.md.j2" import who %}']
    write_template(ws, ["---", "name: Copies", "---", *imports, *body])
    Path("people.csv").write_text("id,audience,name\nr1,x,Alex Example\n", encoding="utf-8")
    result = build("--recipients", "people.csv", "--date", "2026-11-01", "--format", "pdf")
    assert result.exit_code == 0, result.output
    said = "For Alex Example, November 2026, Copies"
    assert flat(pdf_text(ws / "out" / "x" / "r1.pdf")).count(said) == 2
    write_template(ws, ["---", "name: Copias", "language: es-US", "---", *imports, *body])
    result = build("--audience", "x", "--date", "2026-11-01", "--format", "pdf")
    assert result.exit_code == 0, result.output
    said = "For no one, noviembre de 2026, Copias"
    assert flat(pdf_text(ws / "out" / "x.pdf")).count(said) == 2


def test_one_broken_audience_writes_nothing_for_any(ws: Path) -> None:
    """A plain build with one bad template leaves the output folder as it was."""
    write_template(ws, ["# T", "{{ lipsum.__globals__ }}"])
    line = one_error_line(build("--format", "pdf"))
    assert line.startswith(f"{X}:2: ")
    assert_empty(ws / "out")


# ----------------------------------------------------------------------- 7. unknown facts


def test_unknown_fact_in_a_call_names_the_line_and_the_closest_id(ws: Path) -> None:
    write_template(
        ws,
        ["# T", "", "Text.", "", "Citizens: {{ fact('fentanyl-offenders-us-citizen').number }}."],
    )
    line = one_error_line(build("--audience", "x"))
    assert line == (
        f"{X}:5: unknown fact 'fentanyl-offenders-us-citizen' "
        "(did you mean 'fentanyl-offenders-us-citizens'?)"
    )
    assert_empty(ws / "out")


def test_unknown_fact_in_a_literal_citation_names_its_own_line(ws: Path) -> None:
    write_template(
        ws,
        [
            "# T",
            "",
            "A paragraph over",
            "several lines, with the",
            "citation [@seizures-up-480-percnt] on its fourth",
            "line.",
            "",
            "{{ notes() }}",
        ],
    )
    line = one_error_line(build("--audience", "x"))
    assert line == (
        f"{X}:5: unknown fact 'seizures-up-480-percnt' (did you mean 'seizures-up-480-percent'?)"
    )
    assert_empty(ws / "out")


@pytest.mark.parametrize(
    "call",
    [
        "{{ cite('seizures-up-480-percnt') }}",
        "{{ callout('seizures-up-480-percnt') }}",
        "{{ pullquote('seizures-up-480-percnt') }}",
        "{% set f = fact('seizures-up-480-percnt') %}",
    ],
)
def test_unknown_fact_in_every_helper(ws: Path, call: str) -> None:
    write_template(ws, ["# T", "", "Text.", call])
    line = one_error_line(build("--audience", "x"))
    assert line == (
        f"{X}:4: unknown fact 'seizures-up-480-percnt' (did you mean 'seizures-up-480-percent'?)"
    )


def test_unknown_fact_without_a_close_id_gives_no_hint(ws: Path) -> None:
    write_template(ws, ["# T", "{{ fact('zzzz') }}"])
    assert one_error_line(build("--audience", "x")) == f"{X}:2: unknown fact 'zzzz'"


def test_unknown_fact_in_the_block_of_an_override_names_the_override(ws: Path) -> None:
    write_template(
        ws,
        [
            '{% extends "builtin/legislators.md.j2" %}',
            "",
            "{% block ask %}",
            "**Custom ask.**",
            "Seizures rose [@seizures-up-480-percnt].",
            "{% endblock %}",
        ],
        "legislators",
    )
    line = one_error_line(build("--audience", "legislators"))
    assert line.startswith(f"{Path('templates') / 'legislators.md.j2'}:5: unknown fact ")


FRONT_MATTER = ["---", "name: X", "description: A test audience.", "---"]  # lines 1-4


@pytest.mark.parametrize(
    "body",
    [
        "{{ fact('seizures-up-480-percnt') }}",
        "Seizures rose [@seizures-up-480-percnt].",
    ],
)
def test_unknown_fact_line_counts_the_front_matter(ws: Path, body: str) -> None:
    write_template(ws, [*FRONT_MATTER, "# T", "", "Text.", body])  # body on line 8
    line = one_error_line(build("--audience", "x"))
    assert line.startswith(f"{X}:8: unknown fact 'seizures-up-480-percnt'"), line


def test_error_in_a_copied_builtin_names_the_line_of_the_mistake(ws: Path) -> None:
    assert run("templates", "init", "legislators", "--to", "mine").exit_code == 0
    copy = ws / "mine" / "legislators.md.j2"
    lines = copy.read_text(encoding="utf-8").splitlines()
    wrong = next(i for i, text in enumerate(lines, 1) if "kasmar-bipartisan" in text)
    lines[wrong - 1] = lines[wrong - 1].replace("kasmar-bipartisan", "kasmar-bipartisn")
    copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = one_error_line(build("--templates", "mine", "--audience", "legislators"))
    assert line.startswith(f"{Path('mine') / 'legislators.md.j2'}:{wrong}: unknown fact "), line


# ---------------------------------------------------------------- 8. Jinja syntax errors


def syntax_error(result: Result, line_no: int, source: list[str]) -> tuple[str, str]:
    """Check the three-line report: `path:LINE: message`, the line, a caret under it.
    Returns the message and the text the caret points at."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    lines = result.stderr.rstrip("\n").splitlines()
    assert len(lines) == 3, result.stderr
    head, shown, caret = lines
    assert head.startswith(f"{X}:{line_no}: "), head
    assert shown.strip() == source[line_no - 1].strip(), (shown, source[line_no - 1])
    assert caret.strip() == "^", caret
    column = len(caret) - 1
    assert column < len(shown)
    return head[len(f"{X}:{line_no}: ") :], shown[column:]


def test_unknown_filter_points_at_the_filter(ws: Path) -> None:
    source = ["# T", "", "Text.", "{{ 26700 | nosuchfilter }} more"]
    write_template(ws, source)
    message, at = syntax_error(build("--audience", "x"), 4, source)
    assert message == "unknown filter 'nosuchfilter'"
    assert at.startswith("nosuchfilter")
    assert_empty(ws / "out")


def test_misspelt_filter_suggests_the_right_one(ws: Path) -> None:
    source = ["# T", "", "{{ 26700 | numbr }}"]
    write_template(ws, source)
    message, at = syntax_error(build("--audience", "x"), 3, source)
    assert message == "unknown filter 'numbr' (did you mean 'number'?)"
    assert at.startswith("numbr")


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("upcase", "(Jinja's is 'upper')"),
        ("intcomma", "(briefgen's is 'number': 26700 | number prints 26,700)"),
        ("plus", "(add with +: {{ a + b }})"),
    ],
)
def test_another_languages_filter_is_told_this_ones(ws: Path, name: str, hint: str) -> None:
    """Liquid's 'upcase' or Django's 'intcomma', written from habit, were offered no
    name at all: nothing here is spelt close to them."""
    source = ["# T", "", f"{{{{ 26700 | {name} }}}}"]
    write_template(ws, source)
    message, at = syntax_error(build("--audience", "x"), 3, source)
    assert message == f"unknown filter '{name}' {hint}"
    assert at.startswith(name)


def test_unknown_tag_points_at_the_tag(ws: Path) -> None:
    source = ["# T", "", "Text.", "", "{% frobnicate %}", "After."]
    write_template(ws, source)
    message, at = syntax_error(build("--audience", "x"), 5, source)
    assert "unknown tag 'frobnicate'" in message
    assert at.startswith("frobnicate")


def test_a_misspelt_end_tag_is_told_at_its_own_line(ws: Path) -> None:
    """Jinja's line for an unknown end tag is the right one: it stays, with the line
    of the tag it should close, and the caret under the misspelling."""
    source = ["# T", "", "{% if true %}", "Text.", "", "More.", "{% endfi %}"]
    write_template(ws, source)
    message, at = syntax_error(build("--audience", "x"), 7, source)
    assert "unknown tag 'endfi'" in message
    assert message.endswith(
        "The innermost block that needs to be closed is 'if' (opened on line 3)."
    )
    assert at.startswith("endfi")


@pytest.mark.parametrize(
    ("source", "line_no", "message", "at"),
    [
        (
            ["# T", "{% if recipient %}a", "{% else if audience %}b", "{% endif %}"],
            3,
            "expected token 'end of statement block', got 'if'; 'else if' is written elif: "
            "{% elif … %}",
            "if",
        ),
        (
            ["# T", "{% if recipient %}a{% elseif audience %}b{% endif %}"],
            2,
            "Encountered unknown tag 'elseif' (did you mean 'elif'?). Jinja was looking for "
            "the following tags: 'elif' or 'else' or 'endif'. The innermost block that "
            "needs to be closed is 'if'.",
            "elseif",
        ),
        (
            ["# T", '{% if audience.name = "x" %}a{% endif %}'],
            2,
            "expected token 'end of statement block', got '='; to compare, write '==' "
            "('=' sets a name, in {% set %})",
            "=",
        ),
        (
            [
                '{% extends "builtin/legislators.md.j2" %}',
                "{% block ask %}",
                "Hi",
                "{% endblock aks %}",
            ],
            4,
            "expected token 'end of statement block', got 'aks'; this endblock ends block "
            "'ask' (line 2), not 'aks': write {% endblock ask %} or {% endblock %}",
            "aks",
        ),
        (
            ["# T", 'See {{ cite "x" }}'],
            2,
            "expected token 'end of print statement', got 'string'; call a function with "
            'parentheses: {{ cite("x") }}',
            "{{",
        ),
        (
            ["# T", '{% cite("seizures-fy2023-pounds") %}'],
            2,
            "Encountered unknown tag 'cite'; cite() is a function, not a tag: print what "
            "it gives with {{ cite(…) }}",
            "cite",
        ),
        (
            ["# T", "Hi", "{% endif %}"],
            3,
            "Encountered unknown tag 'endif'; it closes no '{% if %}': none is open here",
            "endif",
        ),
        (
            ["# T", "{% fro f in facts() %}{% endfor %}"],
            2,
            "Encountered unknown tag 'fro' (did you mean 'for'?).",
            "fro",
        ),
    ],
)
def test_a_tag_slip_is_told_what_to_write(
    ws: Path, source: list[str], line_no: int, message: str, at: str
) -> None:
    """Jinja's parser names the token it did not expect; the slip behind it (else if,
    '=' in a condition, a function as a tag...) is told with what to write."""
    write_template(ws, source)
    told, pointed = syntax_error(build("--audience", "x"), line_no, source)
    assert told == message
    assert pointed.startswith(at)


def test_broken_expression_points_at_its_line(ws: Path) -> None:
    source = ["# T", "{{ fact( }}"]
    write_template(ws, source)
    message, _ = syntax_error(build("--audience", "x"), 2, source)
    assert "expected ')'" in message


def test_unclosed_if_is_reported_with_its_line_and_a_caret(ws: Path) -> None:
    """The report's shape, whatever line Jinja blames (see the test below for which)."""
    source = ["# T", "", "Text.", "{% if true %}", "yes", "", "more text"]
    write_template(ws, source)
    result = build("--audience", "x")
    head = result.stderr.splitlines()[0]
    line_no = int(head.split(":")[1])
    message, _ = syntax_error(result, line_no, source)
    assert "'endif'" in message and "'if'" in message
    assert_empty(ws / "out")


def test_unclosed_if_points_at_the_if(ws: Path) -> None:
    source = ["# T", "", "Text.", "{% if true %}", "yes", "", "more text"]
    write_template(ws, source)
    _, at = syntax_error(build("--audience", "x"), 4, source)
    assert at.startswith("{% if")


def test_syntax_error_line_counts_the_front_matter(ws: Path) -> None:
    source = [*FRONT_MATTER, "# T", "", "{{ 26700 | nosuchfilter }}"]  # line 7
    write_template(ws, source)
    _, at = syntax_error(build("--audience", "x"), 7, source)
    assert at.startswith("nosuchfilter")


# ------------------------------------------------------------------ 9. template not found


def test_extends_of_a_missing_template_names_every_folder_searched(ws: Path) -> None:
    (ws / "extra").mkdir()
    write_template(ws, ["# T", "", '{% extends "nope.md.j2" %}'])
    line = one_error_line(build("--templates", "extra", "--audience", "x"))
    assert line.startswith(f"{X}:3: template 'nope.md.j2' not found; "), line
    assert_names_folders(line, searched_folders("extra"))
    assert_empty(ws / "out")


def test_missing_include_and_import_name_their_line(ws: Path) -> None:
    write_template(ws, ["# T", '{% include "missing.md.j2" %}'])
    line = one_error_line(build("--audience", "x"))
    assert line.startswith(f"{X}:2: template 'missing.md.j2' not found; "), line

    write_template(ws, ["# T", "", '{% from "_nomacros.md.j2" import a %}'])
    line = one_error_line(build("--audience", "x"))
    assert line.startswith(
        f"{X}:3: template '_nomacros.md.j2' not found (did you mean '_macros.md.j2'?); "
    ), line
    assert_names_folders(line, searched_folders())


def test_a_misspelt_template_name_gets_did_you_mean(ws: Path) -> None:
    write_template(ws, ['{% extends "builtin/chefs.md.j2" %}'])
    line = one_error_line(build("--audience", "x"))
    assert line.startswith(
        f"{X}:1: template 'builtin/chefs.md.j2' not found (did you mean "
        "'builtin/chiefs.md.j2'?); searched "
    ), line
    write_template(ws, ["# T", '{% include "publc.md.j2" %}'])
    line = one_error_line(build("--audience", "x"))
    assert "template 'publc.md.j2' not found (did you mean 'public.md.j2'?); " in line


@pytest.mark.parametrize(
    ("tag", "meant"),
    [
        ('{% extends "builtin/legislators" %}', "builtin/legislators.md.j2"),
        ('{% extends "legislator" %}', "legislators.md.j2"),
        ('{% import "_macros" as m %}', "_macros.md.j2"),
        ('{% include "public" %}', "public.md.j2"),
    ],
)
def test_a_template_named_without_its_suffix_gets_did_you_mean(
    ws: Path, tag: str, meant: str
) -> None:
    """An audience is named without '.md.j2' everywhere else (--audience legislators):
    a template named so in a tag is offered its file's name."""
    write_template(ws, [tag])
    line = one_error_line(build("--audience", "x"))
    assert f"not found (did you mean '{meant}'?); searched " in line, line


def test_unknown_audience_lists_the_audiences(ws: Path) -> None:
    (ws / "extra").mkdir()
    line = one_error_line(build("--templates", "extra", "--audience", "nope"))
    assert line.startswith("no template for audience 'nope' (nope.md.j2); the audiences are "), line
    # Built-ins by name, not by the folder they are installed in (test_cli_slips has more).
    assert "public (built-in)" in line and str(builtin_dir()) not in line
    assert_empty(ws / "out")


def test_an_audience_entry_that_is_no_file_says_so(ws: Path) -> None:
    """A link leading nowhere (its file moved), a folder or a FIFO named like a
    template was 'no template for audience 'x' (did you mean 'x'?); the audiences are
    ..., x (...)', in every plain build too."""
    templates = ws / "templates"
    (templates / "moved.md.j2").symlink_to("gone.md.j2")
    (templates / "folder.md.j2").mkdir()
    os.mkfifo(templates / "pipe.md.j2")
    expected = {
        "moved": "templates/moved.md.j2: a link to gone.md.j2, which is not there; "
        "mend or remove it",
        "folder": "templates/folder.md.j2: not a regular file; a template is a text file",
        "pipe": "templates/pipe.md.j2: not a regular file; a template is a text file",
    }
    for name, line in expected.items():
        assert one_error_line(build("--audience", name)) == line
        assert one_error_line(run("templates", "show", name)) == line
    result = build()
    assert result.exit_code == 1
    assert result.stderr.splitlines() == sorted(expected.values())
    assert_empty(ws / "out")


def test_an_included_entry_that_is_no_file_says_so(ws: Path) -> None:
    """An {% include %} of a FIFO, a folder or a link leading nowhere said "template
    '_p.md.j2' not found (did you mean '_p.md.j2'?)", offering its own name."""
    templates = ws / "templates"
    expected = {
        "pipe": "is not a regular file; a template is a text file",
        "folder": "is not a regular file; a template is a text file",
        "moved": "is a link to gone.md.j2, which is not there; mend or remove it",
    }
    for name, problem in expected.items():
        part = templates / f"_{name}.md.j2"
        if name == "pipe":
            os.mkfifo(part)
        elif name == "folder":
            part.mkdir()
        else:
            part.symlink_to("gone.md.j2")
        (templates / "x.md.j2").write_text(f'# X\n\n{{% include "_{name}.md.j2" %}}\n')
        line = one_error_line(build("--audience", "x"))
        assert line == f"{X}:3: template '_{name}.md.j2' (templates/_{name}.md.j2) {problem}"
    # A name that is nothing on the path is still not found, as are "" and ".".
    for name in ("_none.md.j2", "", "."):
        (templates / "x.md.j2").write_text(f'# X\n\n{{% include "{name}" %}}\n')
        assert f"template '{name}' not found" in one_error_line(build("--audience", "x"))
    assert_empty(ws / "out")


def test_a_macro_library_is_not_an_audience(ws: Path) -> None:
    """It used to be built, and fail with "the '_macros' template produced no content"."""
    (ws / "templates").mkdir(exist_ok=True)
    (ws / "templates" / "_parts.md.j2").write_text("{% macro x() %}{% endmacro %}\n")
    for name in ("_macros", "_parts"):
        line = one_error_line(build("--audience", name))
        assert line.startswith(
            f"'{name}' is not an audience: a template whose name starts with '_' holds "
            "pieces for other templates to import; the audiences are chiefs (built-in), "
        ), line
    assert_empty(ws / "out")
    # A name with '_' that no file has is an unknown audience like any other.
    line = one_error_line(build("--audience", "_nothing"))
    assert line.startswith("no template for audience '_nothing' (_nothing.md.j2)"), line


# ------------------------------------------------------------------- 10. templates show


def test_show_prints_the_builtin_text(ws: Path) -> None:
    result = run("templates", "show", "public")
    assert result.exit_code == 0, result.output
    assert result.stdout == (builtin_dir() / "public.md.j2").read_text(encoding="utf-8")
    assert f"{builtin_dir() / 'public.md.j2'} (built-in)" in result.stderr


def test_the_sample_overrides_show_command_shows_the_blocks_to_replace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The override ``briefgen init`` writes says which command shows "the blocks you
    can replace"; it named ``templates show legislators``, which shows that override
    itself (one block) in the workspace it is in."""
    monkeypatch.chdir(tmp_path)
    assert run("-q", "init", "ws").exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")
    sample = Path("templates/legislators.md.j2").read_text(encoding="utf-8")
    named = re.search(r"`briefgen (templates show [^`]+)`", sample)
    assert named, sample
    result = run(*named[1].split())
    assert result.exit_code == 0, result.output
    assert result.stdout == (builtin_dir() / "legislators.md.j2").read_text(encoding="utf-8")
    assert "{% block numbers %}" in result.stdout


def test_show_prints_the_override_and_builtin_slash_names_the_original(ws: Path) -> None:
    use_case(ws, "override")
    result = run("templates", "show", "public.md.j2")
    assert result.exit_code == 0, result.output
    assert result.stdout == (ws / "templates" / "public.md.j2").read_text(encoding="utf-8")
    assert "(workspace)" in result.stderr

    result = run("templates", "show", "builtin/public")
    assert result.exit_code == 0, result.output
    assert result.stdout == (builtin_dir() / "public.md.j2").read_text(encoding="utf-8")


def test_show_of_a_template_not_utf8_is_one_line_at_its_line(ws: Path) -> None:
    """It was an internal error (UnicodeDecodeError), after the header line."""
    (ws / "templates" / "latin.md.j2").write_bytes(b"# Title\n\nCaf\xe9\n")
    line = one_error_line(run("templates", "show", "latin"))
    assert line == (
        "templates/latin.md.j2:3: not valid UTF-8 (byte 0xe9); save the template as UTF-8"
    )
    # As build says it.
    assert one_error_line(build("--audience", "latin")) == line
    assert_empty(ws / "out")


def test_show_of_an_unknown_template_names_every_folder_searched(ws: Path) -> None:
    (ws / "extra").mkdir()
    line = one_error_line(run("templates", "show", "nope.md.j2"))
    assert line.startswith("template 'nope.md.j2' not found; "), line
    assert_names_folders(line, searched_folders())

    line = one_error_line(run("templates", "show", "--templates", "extra", "nope.md.j2"))
    assert_names_folders(line, searched_folders("extra"))

    # An audience's name: the audiences there are (as build --audience says it).
    line = one_error_line(run("templates", "show", "nope"))
    assert line.startswith("no template for audience 'nope' (nope.md.j2); the audiences are "), line


@pytest.mark.parametrize(
    ("audience", "credit"),
    [
        ("public", "from the Law Enforcement Immigration Task Force."),
        ("public-es", "publicado por la Law Enforcement Immigration Task Force."),
    ],
)
def test_the_article_to_read_is_credited_to_its_publisher_not_the_printer(
    ws: Path, audience: str, credit: str
) -> None:
    """Another organization printing the public brief under its own name still sends
    readers to the task force's article, credited to the task force, not to itself."""
    (ws / "briefgen.toml").write_text(
        '[organization]\nname = "Desert Border Task Force"\n', encoding="utf-8"
    )
    result = build("--audience", audience, "--format", "pdf")
    assert result.exit_code == 0, result.output
    text = " ".join(pdf_text(ws / "out" / f"{audience}.pdf").split())
    assert "Desert Border Task Force" in text  # the masthead
    assert credit in text
    assert "Task Force." not in text.replace(credit, "")


def test_cite_without_a_fact_is_an_error_at_its_line(ws: Path) -> None:
    write_template(ws, ["# T", "", "Text {{ cite() }} end."])
    result = build("--audience", "x")
    assert result.exit_code == 1
    assert result.output == 'templates/x.md.j2:3: cite() names no fact; write cite("fact-id")\n'
    assert not any((ws / "out").iterdir())
