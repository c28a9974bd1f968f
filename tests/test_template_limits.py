"""Template limits that hold (issue 8): one time budget covers compiling and rendering,
everything a template builds is capped before it is built, and code nested deeper than
Python or Jinja can compile stops with "nested too deep" at the template line.

Most tests render in-process through :class:`TemplateRenderer` (no PDF), with sizes
that stay small even where a check were missing; the last tests run the worst cases
as the user would, in a subprocess under ``prlimit --as=1500000000``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jinja2.sandbox import MAX_RANGE

from briefgen import inputs
from briefgen.cli import cli
from briefgen.errors import TemplateError
from briefgen.facts import load_store
from briefgen.settings import Settings
from briefgen.templating import call_limits, environment, limits, search
from briefgen.templating.environment import TemplateRenderer
from briefgen.templating.search import MAX_TEMPLATE_BYTES, SearchPath

REPO = Path(__file__).resolve().parents[1]
FACTS = REPO / "facts"
TRIAL = "templates/trial.md.j2"
TEXT_CAP = f"{limits.MAX_TEXT_CHARS:,}"
ITEMS_CAP = f"{limits.MAX_ITEMS:,}"
Render = Callable[..., str]  # the render fixture: template body (and a renderer) -> error line


@pytest.fixture(scope="module")
def store() -> Any:
    return load_store(FACTS)


@pytest.fixture
def render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: Any) -> Render:
    """Render a template whose third line is ``body``; return the error line (or "ok")."""
    (tmp_path / "templates").mkdir()
    monkeypatch.chdir(tmp_path)

    def run(body: str, renderer: TemplateRenderer | None = None) -> str:
        (tmp_path / "templates" / "trial.md.j2").write_text(f"# Trial\n\n{body}\n")
        search = SearchPath.build([], tmp_path)
        renderer = renderer or TemplateRenderer(search, store, Settings())
        try:
            renderer.render(search.audience("trial"))
        except TemplateError as exc:
            return f"{exc.location}: {exc.detail}".splitlines()[0]
        return "ok"

    return run


def refused(what: str, kind: str = "text") -> str:
    """The error line for a result over the limit, at line 3 of the trial template."""
    limit = f"a text longer than {TEXT_CAP} characters"
    if kind == "items":
        limit = f"a list of more than {ITEMS_CAP} items"
    elif kind == "number":
        limit = f"a number larger than {limits.MAX_INT_BITS:,} bits"
    return f"{TRIAL}:3: not allowed in a template (sandbox): {what} would make {limit}"


COLLECTED = (
    f"{TRIAL}:3: not allowed in a template (sandbox): the text a macro, block, call, filter,"
    f" set or import collects would pass {TEXT_CAP} characters"
)
HELD = (
    f"{TRIAL}:3: not allowed in a template (sandbox): the loop (or *arguments) would hold"
    f" more than {TEXT_CAP} characters of values"
)
# Each builds something just over a limit, without printing it: without its check the
# template renders (or stops on the output cap, which names no cause).
BUILT_TOO_LARGE = {
    "concat doubling": (
        '{% set ns = namespace(s="ab") %}{% for i in range(25) %}'
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
        refused("'~'"),
    ),
    "plus doubling text": (
        '{% set ns = namespace(s="ab") %}{% for i in range(25) %}'
        "{% set ns.s = ns.s + ns.s %}{% endfor %}",
        refused("'+'"),
    ),
    "plus doubling list": (
        "{% set ns = namespace(s=[1]) %}{% for i in range(25) %}"
        "{% set ns.s = ns.s + ns.s %}{% endfor %}",
        refused("'+'", "items"),
    ),
    "times squaring a number": (
        "{% set ns = namespace(n=3) %}{% for i in range(20) %}"
        "{% set ns.n = ns.n * ns.n %}{% endfor %}",
        refused("'*'", "number"),
    ),
    "percent with three texts": (
        '{% set s = "x" * 1000000 %}{% set t = "%s%s%s" % (s, s, s) %}',
        refused("'%'"),
    ),
    "center": ('{% set t = "x"|center(2000001) %}', refused("the filter 'center'")),
    "indent": (
        '{% set t = ("a\\n" * 1000)|indent(2001) %}',
        refused("the filter 'indent'"),
    ),
    "format width": ('{% set t = "%02000001d"|format(1) %}', refused("the filter 'format'")),
    "format star width": (
        '{% set t = "%*d"|format(2000001, 1) %}',
        refused("the filter 'format'"),
    ),
    "str.format width": ('{% set t = "{:>2000001}".format(1) %}', refused("'format'")),
    "str.format repeated field": (
        '{% set t = "{0}{0}{0}".format("x" * 1000000) %}',
        refused("'format'"),
    ),
    "tojson indent": ("{% set t = [1]|tojson(indent=2000001) %}", refused("the filter 'tojson'")),
    "wordwrap": (
        '{% set t = ("a " * 1000)|wordwrap(1, wrapstring="x" * 10000) %}',
        refused("the filter 'wordwrap'"),
    ),
    "replace everywhere": (
        '{% set t = ("x" * 1000)|replace("", "y" * 10000) %}',
        refused("the filter 'replace'"),
    ),
    "join of a generator": (
        '{% set t = range(10000)|map(attribute="no", default="x" * 1000)|join %}',
        HELD.replace("the loop (or *arguments)", "the filter 'join'"),
    ),
    "batch fill": (
        '{% set t = [1]|batch(100001, "x")|list %}',
        refused("the filter 'batch'", "items"),
    ),
    "slice count": ("{% set t = [1]|slice(100001)|list %}", refused("the filter 'slice'", "items")),
    "list of a long text": (
        '{% set t = ("x" * 100001)|list %}',
        refused("the filter 'list'", "items"),
    ),
    "sum of lists": (
        "{% set t = ([[1] * 1000] * 150)|sum(start=[]) %}",
        refused("the filter 'sum'", "items"),
    ),
    "text method join": ('{% set t = ",".join(["x" * 1000000] * 3) %}', refused("'join'")),
    "text method replace": ('{% set t = "ab".replace("", "c" * 1000000) %}', refused("'replace'")),
    "macro output": (
        "{% macro m() %}{% for i in range(3000) %}{{ 'x' * 1000 }}{% endfor %}{% endmacro %}"
        "{% set t = m() %}",
        COLLECTED,
    ),
    "block called again": (
        "{% if false %}{% block b %}{% for i in range(3000) %}{{ 'x' * 1000 }}{% endfor %}"
        "{% endblock %}{% endif %}{% set t = self.b() %}",
        COLLECTED,
    ),
    "loop length over new texts": (
        '{% for x in range(3)|map("center", 1000000) %}{{ loop.length }}{% endfor %}',
        HELD,
    ),
    "star arguments": ('{% set t = "{}".format(*range(3)|map("center", 1000000)) %}', HELD),
    "printing a list of long texts": (
        '{{ ["x" * 100000] * 30 }}',
        refused("printing this value"),
    ),
    "a list of long texts made text": (
        '{% set l = ["x" * 1500000, "y" * 1500000] %}{% set t = l|string %}',
        refused("the filter 'string'"),
    ),
}


@pytest.mark.parametrize("body, expected", BUILT_TOO_LARGE.values(), ids=BUILT_TOO_LARGE)
def test_what_a_template_builds_is_capped(render: Render, body: str, expected: str) -> None:
    assert render(body) == expected


def test_what_fits_the_limits_still_renders(render: Render) -> None:
    body = (
        '{% set s = "x"|center(1000000) %}{{ (s ~ s)|length }} {{ "%05d"|format(7) }}'
        ' {{ "{:>6}".format(1) }} {{ [1, [2]]|tojson(indent=2)|length }}'
        " {{ range(10)|batch(3)|list|length }} {{ (2 ** 100) * (2 ** 100) }}"
        ' {{ facts()|map(attribute="id")|join(", ")|length > 0 }}'
    )
    assert render(body) == "ok"


def test_counting_a_list_of_long_texts_makes_no_text(render: Render) -> None:
    """Counting a list, or taking one of its items, does not print it: the list whose
    text would pass the limit is counted (the tester's report: "the filter 'length'
    would make a text longer than 2,000,000 characters")."""
    body = (
        '{{ ["x" * 1500000, "y" * 1500000]|length }}'
        '{% set l = ["x" * 1500000, "y" * 1500000] %}{{ l|count }}'
        " {{ l|first|length }} {{ l|last|length }}"
    )
    assert render(body) == "ok"


def test_an_import_collects_within_the_limit(render: Render, tmp_path: Path) -> None:
    """Importing a template runs it and keeps its whole output, which is not streamed."""
    (tmp_path / "templates" / "big.md.j2").write_text(
        "{% for i in range(3000) %}{{ 'x' * 1000 }}{% endfor %}\n"
    )
    assert render('{% import "big.md.j2" as big %}') == COLLECTED


def test_the_output_is_capped_far_below_what_the_fitter_would_choke_on(render: Render) -> None:
    """A brief's page holds a few thousand characters; laying out two million took
    the fitter over forty seconds."""
    line = render("{% for i in range(100000) %}{{ 'word ' * 10 }}{% endfor %}")
    assert line == (
        f"{TRIAL}:3: the template's output passed {limits.MAX_OUTPUT_CHARS:,} characters;"
        " is a loop running away?"
    )


def test_line_markers_do_not_count_towards_the_output_cap(render: Render) -> None:
    """briefgen plants a marker at every tag to trace output lines to template lines;
    a loop of a few thousand short items (far below the cap in text) must not be
    refused for the markers' sake, nor a loop that writes nothing run on unbounded."""
    assert render("{% for i in range(6000) %}w{{ i }} {% if i %}{% endif %}{% endfor %}") == "ok"
    line = render(
        "{% for i in range(1000) %}{% for j in range(1000) %}{% if j %}{% endif %}"
        "{% endfor %}{% endfor %}"
    )
    # Told as what it is: nothing written, tags run too often.
    assert line.endswith(
        ": the template's tags and lines ran over 200,000 times; is a loop running away?"
    ), line


def test_an_error_quoting_a_long_value_stays_short(render: Render) -> None:
    line = render('{{ fact("x" * 100000) }}')
    assert line.startswith(f"{TRIAL}:3: unknown fact 'xxx")
    assert len(line) < 400


def test_no_filter_runs_while_the_template_compiles(
    render: Render, store: Any, tmp_path: Path
) -> None:
    """Jinja folds a filter on constants into the compiled code, running it before the
    render timer starts and outside the limit checks."""
    calls: list[object] = []
    renderer = TemplateRenderer(SearchPath.build([], tmp_path), store, Settings())

    def probe(value: object) -> object:
        calls.append(value)
        return value

    renderer.env.filters["probe"] = probe
    (tmp_path / "templates" / "trial.md.j2").write_text("# Trial\n\n{{ 7|probe }}\n")
    renderer.env.get_template("trial.md.j2")
    assert calls == []
    assert render("{{ 7|probe }}", renderer) == "ok"
    assert calls == [7]


def test_the_time_limit_cannot_be_swallowed(
    render: Render,
    store: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Code that catches ``Exception`` (Jinja's constant folding did) must not keep a
    template running past its time."""
    monkeypatch.setattr(environment, "RENDER_SECONDS", 0.3)
    swallowed: list[BaseException] = []

    def stubborn(value: object) -> object:
        deadline = time.process_time() + 3
        while time.process_time() < deadline:
            try:
                sum(range(1000))
            except Exception as exc:
                swallowed.append(exc)
        return value

    renderer = TemplateRenderer(SearchPath.build([], tmp_path), store, Settings())
    renderer.env.filters["stubborn"] = stubborn
    started = time.process_time()
    line = render("{{ 1 }}\n{{ 2|stubborn }}", renderer)
    assert time.process_time() - started < 2
    assert line == f"{TRIAL}:4: the template ran longer than 0.3 s; is a loop running away?"
    assert swallowed == []


def test_the_time_limit_counts_work_not_waiting(
    render: Render,
    store: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The limit was the clock's: a template stopped after 10 s on a loaded machine
    (more jobs than cores) might have had a fraction of that to run in. A template
    that waits, using no processor time, runs on past the limit."""
    monkeypatch.setattr(environment, "RENDER_SECONDS", 0.2)

    def waiting(value: object) -> object:
        time.sleep(0.5)
        return value

    renderer = TemplateRenderer(SearchPath.build([], tmp_path), store, Settings())
    renderer.env.filters["waiting"] = waiting
    assert render("{{ 2|waiting }}", renderer) == "ok"


FOR, IF = "{% for i in range(1) %}", "{% if true %}"
NESTED_TOO_DEEP = {
    "25 nested for": (
        FOR * 25 + "{% endfor %}" * 25,
        f"'{{% for %}}' nested too deep (at most {limits.MAX_LOOP_DEPTH} loops)",
    ),
    "120 nested if": (
        IF * 120 + "{% endif %}" * 120,
        f"'{{% if %}}' nested too deep (at most {limits.MAX_TAG_DEPTH} levels of tags)",
    ),
    "nested macros": (
        "{% macro m() %}" * 100 + "{% endmacro %}" * 100,
        f"'{{% macro %}}' nested too deep (at most {limits.MAX_TAG_DEPTH} levels of tags)",
    ),
    "brackets": ("{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}", "expression nested too deep"),
    "list brackets": ("{{ " + "[" * 300 + "]" * 300 + " }}", "expression nested too deep"),
    "not": ("{{ " + "not " * 5000 + "1 }}", "expression nested too deep"),
    "signs": ("{{ " + "-" * 5000 + "1 }}", "expression nested too deep"),
    "chained plus": ("{{ 1" + " + 1" * 5000 + " }}", "expression nested too deep"),
    "chained filters": ("{{ 1" + "|abs" * 5000 + " }}", "expression nested too deep"),
    "chained attributes": ("{{ settings" + ".x" * 300 + " }}", "expression nested too deep"),
    "chained conditions": ("{{ " + "1 if 1 else " * 3000 + "1 }}", "expression nested too deep"),
}


@pytest.mark.parametrize("body, message", NESTED_TOO_DEEP.values(), ids=NESTED_TOO_DEEP)
def test_nesting_stops_at_the_template_line(render: Render, body: str, message: str) -> None:
    assert render("{# line 3 #}\n" + body).startswith(f"{TRIAL}:4: {message}")


def test_operators_side_by_side_do_not_nest(render: Render) -> None:
    items = ", ".join(["not false", "-(1)", "[[1]]"] * 30)
    assert render(f"{{{{ [{items}]|length }}}}") == "ok"


def test_an_included_template_nested_too_deep_is_blamed_at_its_own_line(
    render: Render, tmp_path: Path
) -> None:
    (tmp_path / "templates" / "deep.md.j2").write_text("\n" + FOR * 17 + "{% endfor %}" * 17)
    line = render('{% include "deep.md.j2" %}')
    assert line == (
        f"templates/deep.md.j2:2: '{{% for %}}' nested too deep"
        f" (at most {limits.MAX_LOOP_DEPTH} loops)"
    )


def test_the_deepest_nesting_allowed_compiles_through_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At the limits, with the CLI's and pytest's frames on the stack, Jinja's parser and
    code generator and Python's compiler all still cope."""
    loops = limits.MAX_LOOP_DEPTH
    others = limits.MAX_TAG_DEPTH - loops - 1
    depth = limits.MAX_EXPRESSION_DEPTH
    expression = "(" * (depth - 2) + "-1" + ")" * (depth - 2)
    body = (
        "{% macro m() %}"
        + IF * others
        + FOR * loops
        + "{{ "
        + expression
        + " }}"
        + "{% endfor %}" * loops
        + "{% endif %}" * others
        + "{% endmacro %}{{ m()|length }}"
    )
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "trial.md.j2").write_text(f"# Trial\n\n{body}\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli, ["build", "--facts", str(FACTS), "--audience", "trial", "--out", "out"]
    )
    assert result.exit_code == 0, result.output


def test_measure_stops_early_on_shared_structure() -> None:
    """``[[1] * 100000] * 100000`` holds 10^10 items through shared references."""
    started = time.monotonic()
    assert limits.measure([[1] * 100_000] * 100_000) > limits.MAX_TEXT_CHARS
    assert time.monotonic() - started < 2


def test_every_filter_is_checked(store: Any, tmp_path: Path) -> None:
    renderer = TemplateRenderer(SearchPath.build([], tmp_path), store, Settings())
    renderer.env.filters["added_later"] = str.upper
    unchecked = [name for name, f in renderer.env.filters.items() if not call_limits.is_checked(f)]
    assert unchecked == []


def test_the_docs_list_each_limit_with_its_value() -> None:
    guide = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")
    section = guide.split("### Limits", 1)[1].split("\n#", 1)[0]
    rows = {
        "text": f"{limits.MAX_TEXT_CHARS:,} characters",
        "output": f"{limits.MAX_OUTPUT_CHARS:,} characters",
        "tag runs": f"{limits.MAX_TAG_RUNS:,}",
        "list": f"{limits.MAX_ITEMS:,} items",
        "number": f"{limits.MAX_INT_BITS:,} bits",
        "value depth": f"{limits.MAX_VALUE_DEPTH} levels",
        "time": f"{limits.RENDER_SECONDS:g} seconds of processor time",
        "memory": f"{limits.MAX_MEMORY_MIB} MiB",
        "tags": f"{limits.MAX_TAG_DEPTH} levels",
        "loops": f"{limits.MAX_LOOP_DEPTH} levels",
        "expression": f"{limits.MAX_EXPRESSION_DEPTH} levels",
    }
    rows["file"] = f"{MAX_TEMPLATE_BYTES:,} bytes"
    for name, value in rows.items():
        assert f"| {name} | {value} |" in section, name
    assert MAX_RANGE == limits.MAX_ITEMS  # the list row names range too


def test_a_template_file_too_large_is_refused_unread(tmp_path: Path) -> None:
    """A template's size had no limit: 20 MB of lines in a branch not taken took 20 s
    and 510 MiB, most of it outside the render's time limit (the number check lexes
    and reads every line). Refused with one line naming it, for an included file
    too, having read no more than the limit."""
    (tmp_path / "templates").mkdir()
    big = "Number 123 and 456 here.\n" * (MAX_TEMPLATE_BYTES // 25 + 1)
    (tmp_path / "templates" / "_part.md.j2").write_text(big, encoding="utf-8")
    (tmp_path / "templates" / "whole.md.j2").write_text(f"# Whole\n\n{big}", encoding="utf-8")
    (tmp_path / "templates" / "part.md.j2").write_text(
        '# Part\n\n{% include "_part.md.j2" %}\n', encoding="utf-8"
    )
    reads: list[int] = []
    real = inputs.read_bytes

    def counting(path: Path, limit: int, *args: Any) -> bytes:
        reads.append(limit)
        return real(path, limit, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        patch.setattr(search, "read_bytes", counting)
        for audience, file in (("whole", "whole.md.j2"), ("part", "_part.md.j2")):
            result = CliRunner().invoke(
                cli, ["build", "--audience", audience, "--facts", str(FACTS)]
            )
            assert result.exit_code == 1, result.output
            assert result.output == (
                f"templates/{file}: larger than {MAX_TEMPLATE_BYTES:,} bytes, the most "
                "briefgen reads from a template file; split it or leave out what the "
                "briefs do not need\n"
            )
    assert reads and set(reads) == {MAX_TEMPLATE_BYTES}
    assert not (tmp_path / "output").exists()


# The worst of the hostile cases, as a user runs them: each would take gigabytes or run
# without end before the limits held.
WORST = {
    "folded slice": "{{ [1]|slice(1000000000)|list }}",
    "concat doubling": (
        '{% set ns = namespace(s="ab") %}{% for i in range(60) %}'
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}"
    ),
    # Each text under the text limit, a list under the list limit, 4 GB in all.
    "kept texts": (
        "{% set ns = namespace(l=[]) %}{% for i in range(2000) %}"
        '{% set ns.l = ns.l + [("x" * 1999990) ~ i] %}{% endfor %}{{ ns.l|length }}'
    ),
    "kept set blocks": (
        '{% set big = "x" * 1900000 %}{% set ns = namespace(l=[]) %}{% for i in range(400) %}'
        "{% set s %}{{ i }}{{ big }}{% endset %}{% set ns.l = ns.l + [s] %}{% endfor %}"
        "{{ ns.l|length }}"
    ),
    "kept macro output": (
        '{% macro m(i) %}{{ "x" * 1000000 }}{{ i }}{% endmacro %}'
        "{% set ns = namespace(l=[]) %}{% for i in range(4000) %}"
        "{% set ns.l = ns.l + [m(i)] %}{% endfor %}{{ ns.l|length }}"
    ),
}


@pytest.mark.parametrize("body", WORST.values(), ids=WORST)
def test_the_worst_cases_stop_fast_in_little_memory(tmp_path: Path, body: str) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "trial.md.j2").write_text(f"# Trial\n\n{body}\n")
    command = [sys.executable, "-m", "briefgen", "build", "--facts", str(FACTS)]
    command += ["--audience", "trial", "--out", "out"]
    started = time.monotonic()
    done = subprocess.run(
        ["prlimit", "--as=1500000000", *command],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert re.fullmatch(rf"{re.escape(TRIAL)}:3: not allowed in a template .*", lines[0])
    assert elapsed < 15
    assert not (tmp_path / "out").exists()
