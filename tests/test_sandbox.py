"""Templates cannot touch the machine (issue 8): the sandbox is an allow-list.

- Every object a template can reach -- the globals, ``audience`` and ``settings``,
  what the helpers and filters return, the objects Jinja makes while a template runs --
  is walked through the sandbox exactly as a template would reach it, and must be plain
  data, a registered view, or a callable on the allow-list; never a ``Path``, a pydantic
  model, a module or a class.
- Each escape route of issue 8 stops with one located line, and reads, writes and
  deletes nothing.
- The loader refuses a template whose real path leaves its folder.
- A property test renders random templates built from Jinja's grammar over the real
  context, in a subprocess with capped memory, and checks that none prints a canary
  file placed outside the workspace, runs out of memory or outlives the time budget.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import itertools
import json
import os
import re
import resource
import select
import shutil
import subprocess
import sys
import textwrap
import types
import typing
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePath
from typing import Any

import pydantic
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2.environment import TemplateModule
from jinja2.runtime import BlockReference, LoopContext, Macro, TemplateReference, Undefined
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import Cycler, Joiner, Namespace
from markupsafe import Markup

from briefgen.cli import cli
from briefgen.facts import load_store
from briefgen.settings import Settings
from briefgen.templating import limits, sandbox
from briefgen.templating.environment import BriefSandbox, TemplateRenderer
from briefgen.templating.helpers import FactView
from briefgen.templating.search import AudienceInfo, SearchPath
from briefgen.templating.views import VIEWS, audience_view, is_recipient, recipient_view

REPO = Path(__file__).resolve().parents[1]
FACTS = REPO / "facts"

# ----------------------------------------------------------------- walking the reach

# What a template may hold: plain values, views, and what Jinja itself makes.
PLAIN = (str, Markup, int, float, bool, type(None), dt.date, tuple, list, dict, range)
JINJA_OBJECTS = (
    LoopContext,
    Cycler,
    Joiner,
    Namespace,
    Macro,
    BlockReference,
    TemplateReference,
    TemplateModule,
)
# Iterators that filters such as select, map, reverse and items return; a template
# can only loop over them (the sandbox allows none of their attributes).
ITERATORS = (
    types.GeneratorType,
    type(iter([])),
    type(iter(())),
    type(iter(range(1))),
    type(reversed([])),
    type({}.items()),
    type({}.keys()),
    type({}.values()),
    type(iter({}.items())),
    type(iter("")),
)
FORBIDDEN = (PurePath, pydantic.BaseModel, types.ModuleType, type)

# The probe template: makes every kind of object Jinja creates while a template runs
# and keeps each in a namespace the walk starts from.
PROBE = """\
{% set ns = namespace(groups=facts() | groupby("kind"), cycler=cycler(1, 2), joiner=joiner()) %}
{% macro m(a, b=2) %}{% set ns.caller = caller %}{{ a }}{{ caller() }}{% endmacro %}
{% call m(1) %}x{% endcall %}
{% for x in [1, 2] %}{% set ns.loop = loop %}{% endfor %}
{% set ns.self = self %}{% set ns.macro = m %}
{% block b %}block{% endblock %}
{% set ns.block = self.b %}
{% import "_macros.md.j2" as macros %}{% set ns.module = macros %}
{% set ns.args = dict(a=1) %}
"""

ARGUMENTS: list[tuple[Any, ...]] = [
    (),
    ("tucson-pill-price",),
    ("a b",),
    ("a", "b"),
    (1,),
    ([1, 2],),
    ({"a": 1},),
]


class Reach:
    """Every object reachable from a template's roots, with the path that reaches it."""

    def __init__(self, renderer: TemplateRenderer) -> None:
        self.env = renderer.env
        self.found: list[tuple[str, Any]] = []
        self._seen: set[int] = set()
        self._seen_types: set[type] = set()
        self._keep: list[Any] = []  # keeps ids unique while walking

    def walk(self, roots: Iterable[tuple[str, Any]], depth: int = 6) -> None:
        queue = [(path, obj, 0) for path, obj in roots]
        while queue:
            path, obj, level = queue.pop()
            if id(obj) in self._seen:
                continue
            self._seen.add(id(obj))
            self._keep.append(obj)
            self.found.append((path, obj))
            # Scalars and text: every one has the same methods; explore one per type.
            if isinstance(obj, str | int | float | type(None) | dt.date):
                if type(obj) in self._seen_types:
                    continue
                self._seen_types.add(type(obj))
            if level >= depth or isinstance(obj, FORBIDDEN):
                continue
            queue += [(p, o, level + 1) for p, o in self.children(path, obj)]

    def children(self, path: str, obj: Any) -> Iterator[tuple[str, Any]]:
        # Attributes, reached as a template reaches them: obj.name, attr(), map(attribute=),
        # "{0.name}".format() all go through the environment's getattr.
        for name in self._names(obj):
            value = self.env.getattr(obj, name)
            if not isinstance(value, Undefined):
                yield f"{path}.{name}", value
        if isinstance(obj, dict):
            for key, value in list(obj.items())[:50]:
                yield f"{path}[{key!r}]", value
        elif isinstance(obj, list | tuple | range):
            for index, value in enumerate(itertools.islice(obj, 50)):
                yield f"{path}[{index}]", value
        elif isinstance(obj, ITERATORS):
            for index, value in enumerate(itertools.islice(obj, 50)):
                yield f"{path}<{index}>", value
        if callable(obj) and self.env.is_safe_callable(obj) and not isinstance(obj, Undefined):
            for args in ARGUMENTS:
                try:
                    result = obj(*args)
                except Exception:
                    continue
                yield f"{path}{args!r}", result

    @staticmethod
    def _names(obj: Any) -> set[str]:
        if isinstance(obj, Namespace):
            # namespace({1: ...}) may hold keys that are not names; a template reaches
            # those only by subscript (ns[1]), never as attributes.
            return {k for k in obj._Namespace__attrs if isinstance(k, str)}  # type: ignore[attr-defined]
        names = set(dir(obj))
        if isinstance(obj, TemplateReference):
            names |= {"b", "title"}
        return names

    def problems(self) -> list[str]:
        found = []
        for path, obj in self.found:
            if isinstance(obj, FORBIDDEN):
                found.append(f"{path}: a {type(obj).__name__} is reachable")
            elif callable(obj) and not self.env.is_safe_callable(obj):
                found.append(f"{path}: {obj!r} is reachable and not on the allow-list")
            elif not self._known(obj):
                found.append(f"{path}: unexpected {type(obj).__module__}.{type(obj).__name__}")
        return found

    def _known(self, obj: Any) -> bool:
        kind = type(obj)
        if kind in VIEWS or isinstance(obj, (*PLAIN, *JINJA_OBJECTS, *ITERATORS, Undefined)):
            return True
        # Functions and methods: only those the sandbox lets a template call.
        return isinstance(
            obj, types.FunctionType | types.MethodType | types.BuiltinMethodType
        ) and self.env.is_safe_callable(obj)


@pytest.fixture(scope="module")
def renderer() -> TemplateRenderer:
    store = load_store(FACTS)
    return TemplateRenderer(SearchPath.build([], REPO / "no-workspace"), store, Settings())


def reach_of(renderer: TemplateRenderer, context: dict[str, Any]) -> Reach:
    """Walk everything a template rendered with ``context`` can reach."""
    env = renderer.env
    module = env.from_string(PROBE).make_module(context)
    reach = Reach(renderer)
    roots = [(name, value) for name, value in {**env.globals, **context}.items()]
    roots.append(("ns", module.ns))
    # Filters and tests are called by name, never held; what they return can be.
    samples: list[Any] = [
        "Text & <b>",
        Markup("*m*"),
        3.5,
        [1, "a"],
        {"b": 2, "a": 1},
        renderer.env.globals["facts"](),
        context["audience"],
        env.globals["settings"],
    ]
    for name in sorted(env.filters):
        for value, args in itertools.product(samples, [(), ("kind",), (2,)]):
            try:
                result = env.call_filter(name, value, args, context=module._TemplateModule__context)  # type: ignore[attr-defined]
            except Exception:
                continue
            roots.append((f"{name}(...)", result))
    for name in sorted(env.tests):
        for value in samples:
            try:
                roots.append((f"is {name}", env.call_test(name, value)))
            except Exception:
                continue
    reach.walk(roots)
    return reach


def test_nothing_reachable_from_a_template_is_off_the_allow_list(
    renderer: TemplateRenderer,
) -> None:
    audience = renderer.search_path.audience("public")
    recipient = recipient_view(("id", "district"), ("example-1", "7"))
    reach = reach_of(renderer, {"audience": audience_view(audience), "row": recipient})
    assert reach.problems() == []
    # The walk really went everywhere a template can go. Each recipients file has a
    # view class of its own (views.recipient_view_class): other tests make others.
    kinds = {type(obj) for _, obj in reach.found}
    assert {k for k in VIEWS if k.__name__ != "RecipientView"} | {type(recipient)} <= kinds
    assert {LoopContext, Cycler, Joiner, Namespace, Macro, BlockReference, TemplateModule} <= kinds
    assert any(type(obj).__name__ == "_GroupTuple" for _, obj in reach.found)
    assert len(reach.found) > 1000


def test_the_walk_finds_what_jinjas_own_sandbox_lets_through(
    renderer: TemplateRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk fails on the context and policy briefgen had before (issue 8)."""
    monkeypatch.setattr(BriefSandbox, "is_safe_attribute", SandboxedEnvironment.is_safe_attribute)
    monkeypatch.setattr(BriefSandbox, "is_safe_callable", SandboxedEnvironment.is_safe_callable)
    audience = renderer.search_path.audience("public")
    assert isinstance(audience, AudienceInfo)
    reach = reach_of(renderer, {"audience": audience, "model": Settings()})
    problems = "\n".join(reach.problems())
    assert "audience.path: a PosixPath is reachable" in problems
    assert "model: a Settings is reachable" in problems


def _plain(hint: Any) -> bool:
    """A field type a template may hold: text, a number, yes/no, a tuple of those, a view."""
    if typing.get_origin(hint) in (types.UnionType, typing.Union, tuple):
        return all(_plain(arg) for arg in typing.get_args(hint) if arg is not Ellipsis)
    return hint in (str, int, float, bool, type(None)) or hint in VIEWS


def test_every_view_is_frozen_and_holds_plain_values() -> None:
    assert FactView in VIEWS
    for cls in VIEWS:
        assert cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
        hints = typing.get_type_hints(cls)
        for field in dataclasses.fields(cls):
            assert _plain(hints[field.name]), f"{cls.__name__}.{field.name}: {hints[field.name]}"
    assert not _plain(Path) and not _plain(Settings) and not _plain(tuple[Path, ...])


# --------------------------------------------------------------------- escape routes


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace (its own facts, templates/, out/) beside a secret outside it."""
    workspace = tmp_path / "ws"
    (workspace / "templates").mkdir(parents=True)
    (workspace / "out").mkdir()
    shutil.copytree(FACTS, workspace / "facts")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    monkeypatch.setenv("BRIEFGEN_TEST_SECRET", SECRET)
    monkeypatch.chdir(workspace)
    return workspace


SECRET = "CANARY7f3a9cDoNotPrint"  # letters only: Markdown escaping leaves it as it is


def files_of(root: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


def build_fails_at(ws: Path, template: str, where: str) -> str:
    """Build ``template`` (as templates/x.md.j2); it must fail with one line at ``where``
    and change nothing anywhere under the test's folder."""
    (ws / "templates" / "x.md.j2").write_text(template, encoding="utf-8")
    before = files_of(ws.parent)
    result: Result = CliRunner().invoke(
        cli, ["build", "--audience", "x", "--facts", "facts", "--out", "out"]
    )
    assert files_of(ws.parent) == before
    assert result.exit_code == 1, result.output
    assert SECRET not in result.output
    lines = result.output.strip("\n").splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(where + ": "), lines[0]
    assert "Traceback" not in result.output and "internal error" not in result.output
    return lines[0]


X = str(Path("templates") / "x.md.j2")

ROUTES = {
    "read a file": '{{ audience.path.resolve().joinpath("../../outside/secret.txt").read_text() }}',
    "read /etc/hostname": '{{ audience.path.resolve().joinpath("/etc/hostname").read_text() }}',
    "read the environment": (
        '{{ audience.path.resolve().joinpath("/proc/self/environ").read_bytes() }}'
    ),
    "write a file": '{{ audience.path.resolve().parent.joinpath("pwned").write_text("x") }}',
    "delete a facts file": (
        '{{ audience.path.resolve().parent.parent.joinpath("facts/sources.yaml").unlink() }}'
    ),
    "settings.parse_file": '{{ settings.parse_file("../outside/secret.txt") }}',
    "a settings class method": '{{ settings.contact.model_validate_json("{}") }}',
    "attr filter": '{{ (audience | attr("path")).read_text() }}',
    "map(attribute=)": '{{ ([audience] | map(attribute="path") | first).read_text() }}',
    "format fields": '{{ "{0.path}".format(audience) }}',
    "a helper's store": "{{ fact.__self__.store.facts }}",
    "a path method on text": '{{ "../outside/secret.txt".read_text() }}',
    "the dict class": "{{ dict.fromkeys([1]) }}",
}


@pytest.mark.parametrize("route", list(ROUTES))
def test_escape_route_stops_at_its_line(ws: Path, route: str) -> None:
    line = build_fails_at(ws, "# Title\n\n" + ROUTES[route] + "\n", f"{X}:3")
    assert "not available to templates" in line or "has no" in line, line


def test_a_refused_method_names_the_filter_to_use(ws: Path) -> None:
    line = build_fails_at(ws, "# T\n\n{{ 'x'.center(9) }}\n", f"{X}:3")
    assert line.endswith("'center' of text is not available to templates; use the 'center' filter")


def test_the_methods_the_guide_lists_are_those_a_template_may_read() -> None:
    """docs/templates.md, Security model: the methods of text, lists and mappings it
    names are readable and no other is; `is…` stands for every check of text (isascii,
    isprintable were refused though the guide offered them); the padding methods are
    refused with the filter to use."""
    guide = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")
    section = " ".join(guide.split("**What a template can reach**", 1)[1].split())
    text_part = section.split("- on text, ", 1)[1].split(" - on lists", 1)[0]
    allowed, padding = text_part.split("Methods that pad", 1)
    on_text = set(re.findall(r"`(\w+)`", allowed))
    if "`is…` checks" in allowed:
        on_text |= {name for name in dir(str) if name.startswith("is")}
    padding_names, filters = padding.split("refused with", 1)
    lists = section.split("- on lists and mappings, ", 1)[1].split(" - ", 1)[0]
    reads, changes = lists.split(". A template", 1)
    renderer = TemplateRenderer(
        SearchPath.build([], REPO / "no-workspace"), load_store(FACTS), Settings()
    )

    def readable(expression: str, name: str) -> bool:
        printed = renderer.env.from_string(f"{{{{ {expression}.{name} is defined }}}}").render()
        return printed.endswith("True")

    public = {name for name in dir(str) if not name.startswith("_")}
    assert {n for n in public if readable('"x"', n)} == on_text
    read = {n for n in dir(list) if readable("[1]", n)} | {
        n for n in dir(dict) if readable("{}", n)
    }
    assert read == set(re.findall(r"`(\w+)`", reads))
    changed = re.findall(r"`(\w+)`", changes.split(";", 1)[0])
    assert changed and not any(readable("[1]", n) or readable("{}", n) for n in changed)
    hints = set(re.findall(r"`(\w+)`", filters.split(";", 1)[0]))
    for name in re.findall(r"`(\w+)`", padding_names):
        assert not readable('"x"', name), name
        assert re.search(r"use the '(\w+)' filter", sandbox.refusal("x", name))[1] in hints


def test_settings_names_what_it_has(ws: Path) -> None:
    line = build_fails_at(ws, "# T\n\n{{ settings.parse_file('x') }}\n", f"{X}:3")
    assert line.endswith(
        "settings has no 'parse_file' (it has build, contact, facts, organization)"
    )


NO_LIST = "is not a list to loop over, count or search; read one of its"
NO_RECIPIENT = (
    f"the recipient {NO_LIST} columns, such as .name, .title, .office (it has audience, id,"
    " name, office, place, title; without '--recipients FILE' only these, all empty)"
)
NOT_A_LIST = {
    "loop over the recipient": ("{% for k in recipient %}{{ k }}{% endfor %}", NO_RECIPIENT),
    "count the recipient": ("{{ recipient|length }}", NO_RECIPIENT),
    "search the recipient": ('{{ "name" in recipient }}', NO_RECIPIENT),
    "list a fact": (
        '{{ fact("seizures-up-480-percent")|list }}',
        f"a fact {NO_LIST} fields, such as .text, .number, .short (it has as_of, attribution,",
    ),
    "count the settings": (
        "{{ settings|count }}",
        f"settings {NO_LIST} fields, such as .build, .contact, .facts"
        " (it has build, contact, facts, organization)",
    ),
    "loop over the contact": (
        "{% for k in settings.contact %}{% endfor %}",
        f"settings.contact {NO_LIST} fields, such as .name (it has email, is_empty, name,",
    ),
    "count the date": ("{{ date|length }}", f"date {NO_LIST} fields, such as .day, .iso, .month"),
    "first of the audience": ("{{ audience|first }}", f"the audience {NO_LIST} fields"),
}


@pytest.mark.parametrize("body, message", NOT_A_LIST.values(), ids=NOT_A_LIST)
def test_a_view_looped_over_or_counted_names_what_it_has(ws: Path, body: str, message: str) -> None:
    """Not Python's "TypeError: 'RecipientView' object is not iterable"."""
    line = build_fails_at(ws, f"# T\n\n{body}\n", f"{X}:3")
    assert line.startswith(f"{X}:3: {message}"), line


MISMATCHED = {
    "a fact's number plus text": (
        '{{ fact("tucson-pill-price").value + " a pill" }}',
        'cannot add a number and text with +; join text with ~, as in {{ "Deaths: " ~ f.number }}',
    ),
    "text plus a fact's number": (
        '{{ "Price: " + fact("tucson-pill-price").value }}',
        "cannot add text and a number with +; join text with ~",
    ),
    "a recipient's column plus a number": ("{{ recipient.name + 1 }}", "cannot add text and a"),
    "none plus a number": ("{{ none + 1 }}", "cannot add none and a number with +"),
    "a fact plus a number": ('{{ fact("tucson-pill-price") + 1 }}', "cannot add a fact and a"),
    "none minus a number": ("{{ none - 1 }}", "cannot subtract a number from none with -"),
    "a number over text": ('{{ 10 / "2" }}', "cannot divide a number by text with /"),
    "text times text": ('{{ "a" * "b" }}', "cannot multiply text or a list by text; only by a"),
    "a number to the power of text": ('{{ 2 ** "a" }}', "cannot raise a number to the power of"),
    "a number against text": (
        '{{ fact("tucson-pill-price").value > "1" }}',
        "cannot compare a number with text (>)",
    ),
    "a list of text and numbers sorted": ('{{ [3, "a"] | sort }}', "cannot compare text with a"),
    "minus text": ('{{ -"a" }}', "cannot put - before text"),
    "loop() in a loop not recursive": (
        "{% for i in [1] %}{{ loop([2]) }}{% endfor %}",
        "loop() runs the loop again only in a loop marked recursive: {% for item in items "
        "recursive %}",
    ),
    "a format given more values than places": (
        '{{ "%s" | format(1, 2) }}',
        "the text has fewer % places than the values given to fill them",
    ),
    "a format given fewer values than places": (
        '{{ "%s %s" % (1,) }}',
        "the text has more % places than the values given to fill them",
    ),
    "a number's place given text": (
        '{{ "%d" | format("x") }}',
        "%d places a number in the text, not text",
    ),
    "a whole number's place given a fraction": (
        '{{ "%x" % 1.5 }}',
        "%x places a whole number in the text; make one with | int",
    ),
    "a whole number's place given text": (
        '{{ "%x" | format("a") }}',
        "%x places a whole number in the text, not text",
    ),
    "a remainder of text": (
        "{{ recipient.name % 2 }}",
        "the text has fewer % places than the values given to fill them (a remainder "
        "with % needs a number, not text)",
    ),
    "the loop plus a number": (
        "{% for i in [1] %}{{ loop + 1 }}{% endfor %}",
        "cannot add the loop and a number with +",
    ),
    "a mapping's items against a number": (
        "{{ ({}).items() < 1 }}",
        "cannot compare a list with a number (<)",
    ),
    "loop.cycle() of nothing": (
        "{% for i in [1] %}{{ loop.cycle() }}{% endfor %}",
        'loop.cycle() needs the values to take in turn, as in loop.cycle("odd", "even")',
    ),
    # Jinja's filters given a value of a kind they cannot take.
    "a number joined": ("{{ 5 | join }}", "expected a list here, not a number"),
    "the last of a number": ("{{ 5 | last }}", "expected a list here, not a number"),
    "text rounded": ('{{ "abc" | round }}', "cannot round text; round takes a number"),
    "text in a number": ('{{ "a" in 5 }}', "expected text or a list to look in, not a number"),
    "text sorted as a mapping": ('{{ "abc" | dictsort }}', "expected a mapping here, not text"),
    "a list indented": ('{{ [1, "a"] | indent }}', "expected text here, not a list"),
    "text as a file size": (
        '{{ "abc" | filesizeformat }}',
        "expected a number here, not the text 'abc'",
    ),
    "the length of a number": ("{{ 5 | length }}", "expected text or a list here, not a number"),
    "a list as an attribute's name": ("{{ [1] | attr([]) }}", "expected a name here, not a list"),
    "centred in none": ('{{ "x" | center(none) }}', "expected a whole number here, not none"),
    "a number as an attribute's name": ('{{ "abc" | attr(0) }}', "attr() takes a name as text"),
    "a list url-encoded": ('{{ [1, "a"] | urlencode }}', "expected pairs such as (name, value)"),
    "truncate to true": (
        '{{ "abc" | truncate(true) }}',
        "the filter 'truncate' needs a length of at least 3",
    ),
}


ZERO = "cannot divide by zero; test the number first, as in {% if n %}"
TOO_LARGE = "a number grew too large to work with; is a power or a product running away?"
CANNOT_WORK_OUT = {
    "a fact's number over zero": ('{{ fact("tucson-pill-price").value / 0 }}', ZERO),
    "whole division by zero": ("{{ 5 // 0 }}", ZERO),
    "a float's whole division by zero": ("{{ 1.5 // 0 }}", ZERO),
    "a remainder of zero": ("{{ 5 % 0 }}", ZERO),
    "divisible by zero": ("{% if 5 is divisibleby 0 %}x{% endif %}", ZERO),
    "zero to a negative power": ("{{ 0 ** -1 }}", "cannot raise 0 to a negative power with **"),
    "a huge number over 3": ("{{ (10 ** 400) / 3 }}", TOO_LARGE),
    "a float to a large power": ("{{ 10.0 ** 400 }}", TOO_LARGE),
    "range in steps of zero": (
        "{{ range(1, 10, 0) | list }}",
        "range() cannot count in steps of 0",
    ),
    "format given fewer values than places": (
        '{{ "{0} and {1}".format(1) }}',
        "the text has more {} places than the values given to fill them",
    ),
    "format given no value of a place's name": (
        '{{ "{x}".format(y=1) }}',
        "the text has a place for 'x', as in %(name)s or {name}, and no value of that name "
        "is given to fill it",
    ),
    "format given text for a number's place": (
        '{{ "{:d}".format("x") }}',
        "the text's {} places cannot be filled: Unknown format code 'd' for object of type 'str'",
    ),
    "truncate shorter than its end": (
        "{{ 1 | string | truncate(-5) }}",
        "the filter 'truncate' needs a length of at least 3, the length of its end '...', not -5",
    ),
    "truncate with a negative leeway": (
        '{{ "abcdef" | truncate(4, leeway=-1) }}',
        "the filter 'truncate' needs a leeway of 0 or more, not -1",
    ),
    "the index of text not there": (
        '{{ "abc".index("z") }}',
        "index() found nothing; test with 'in' first, as in {% if x in y %}",
    ),
    "the index of an item not there": (
        "{{ [1].index(5) }}",
        "index() found nothing; test with 'in' first, as in {% if x in y %}",
    ),
    "wordwrap of width zero": (
        '{{ "x" | wordwrap(0) }}',
        "the filter 'wordwrap' needs a width of 1 or more, not 0",
    ),
}


@pytest.mark.parametrize("body, message", CANNOT_WORK_OUT.values(), ids=CANNOT_WORK_OUT)
def test_what_python_cannot_work_out_is_told_in_a_templates_words(
    ws: Path, body: str, message: str
) -> None:
    """Not Python's "ZeroDivisionError: float floor division by zero", "OverflowError:
    integer division result too large for a float", "IndexError: tuple index out of
    range" or, for Jinja's assertion in truncate, "internal error: AssertionError"."""
    line = build_fails_at(ws, f"# T\n\n{body}\n", f"{X}:3")
    assert line == f"{X}:3: {message}", line


@pytest.mark.parametrize("body, message", MISMATCHED.values(), ids=MISMATCHED)
def test_a_value_of_the_wrong_kind_is_named_in_a_templates_words(
    ws: Path, body: str, message: str
) -> None:
    """Not Python's "TypeError: unsupported operand type(s) for +: 'QualifiedInt' and
    'str'", which names briefgen's own classes, or Jinja's words for a loop."""
    line = build_fails_at(ws, f"# T\n\n{body}\n", f"{X}:3")
    assert line.startswith(f"{X}:3: {message}"), line
    assert "Error" not in line and "Qualified" not in line, line


CAPTURED_AS_TEXT = {
    "a text method, then a filter for numbers": (
        "{{ s.upper() }} {{ s | abs }}",
        "abs takes a number, not text",
    ),
    "what it prints with": ("{{ s.marked }}", "'marked' of text is not available to templates"),
    "its lines' marks": (
        "{{ s.line_markers }}",
        "'line_markers' of text is not available to templates",
    ),
}


@pytest.mark.parametrize("body, message", CAPTURED_AS_TEXT.values(), ids=CAPTURED_AS_TEXT)
def test_captured_text_is_text_to_a_template(ws: Path, body: str, message: str) -> None:
    """What a set block holds is text to a template, as it was before briefgen kept its
    line marks beside it: its text methods work, an error names it as Python names
    text, and what it keeps to print its marks with is out of reach."""
    template = f"# T\n\n{{% set s %}}abc{{% endset %}}{body}\n"
    assert message in build_fails_at(ws, template, f"{X}:3")


NOT_A_TEMPLATE_NAME = {
    "extends a number": ("{% extends 5 %}", "not a number"),
    "includes none": ("{% include none %}", "not none"),
    "imports a fact": ('{% import fact("tucson-pill-price") as m %}', "not a fact"),
    "includes a list holding a number": ('{% include [5, "x"] %}', "not a number"),
    "extends a list": (
        '{% extends ["a.md.j2", "b.md.j2"] %}',
        "not a list ({% include %} alone takes a list: the first found)",
    ),
    "imports a list": (
        '{% import ["a.md.j2"] as m %}',
        "not a list ({% include %} alone takes a list: the first found)",
    ),
}


@pytest.mark.parametrize("body, message", NOT_A_TEMPLATE_NAME.values(), ids=NOT_A_TEMPLATE_NAME)
def test_a_template_named_by_no_text_is_refused_at_its_line(
    ws: Path, body: str, message: str
) -> None:
    """Not "AttributeError: 'int' object has no attribute 'startswith'" from the
    loader, nor "unhashable type: 'list'"."""
    line = build_fails_at(ws, f"# T\n\n{body}\n", f"{X}:3")
    assert line == f'{X}:3: a template is named by text, such as "_macros.md.j2", {message}'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # Jinja's words and Python's names of the kinds: "'dict object' has no
        # attribute 'be'", "'briefgen.templating.helpers.QualifiedInt object' ...".
        (
            '{% set d = {"a": 1, "bee": 2} %}{{ d.be }}',
            "a mapping has no 'be' (did you mean 'bee'? it has a, bee)",
        ),
        ("{{ {}.x }}", "a mapping has no 'x' (it is empty)"),
        ('{{ fact("seizures-up-480-percent").value.x }}', "a number has no 'x'"),
        ("{{ none.x }}", "none has no 'x'"),
        ("{{ range(3).x }}", "a range has no 'x'"),
        ('{{ (5)["a\\nb"] }}', "a number has no 'a\\nb'"),
        ("{{ true.x }}", "true or false has no 'x'"),
    ],
)
def test_a_field_a_value_has_not_is_told_in_a_template_authors_words(
    ws: Path, body: str, message: str
) -> None:
    assert build_fails_at(ws, f"# T\n\n{body}\n", f"{X}:3") == f"{X}:3: {message}"


@pytest.mark.parametrize(
    "body",
    ['{{ "%(n)s deaths" | format(count=5) }}', '{{ "{n} deaths".format(count=5) }}'],
)
def test_a_place_in_a_text_no_value_fills_is_told_so(ws: Path, body: str) -> None:
    """Python's "KeyError: 'n'", a class name and a bare word."""
    assert build_fails_at(ws, f"# T\n\n{body}\n", f"{X}:3") == (
        f"{X}:3: the text has a place for 'n', as in %(name)s or {{name}}, and no value of "
        "that name is given to fill it"
    )


def test_an_include_of_a_list_none_found_names_them_all(ws: Path) -> None:
    """Jinja names only the last of the list, and 'None' for an empty one."""
    line = build_fails_at(ws, '# T\n\n{% include ["a.md.j2", "b"] %}\n', f"{X}:3")
    assert line.startswith(f"{X}:3: none of the templates 'a.md.j2', 'b' was found; searched ")
    line = build_fails_at(ws, "# T\n\n{% include [] %}\n", f"{X}:3")
    assert line == f"{X}:3: {{% include %}} was given an empty list of templates: name at least one"


def test_a_row_of_a_recipients_file_looped_over_names_its_columns(ws: Path) -> None:
    (ws / "templates" / "x.md.j2").write_text("# T\n\n{{ recipient|length }}\n")
    (ws / "recipients.csv").write_text("id,audience,name,district\nexample-1,x,Alex,7\n")
    result = CliRunner().invoke(
        cli, ["build", "--facts", "facts", "--out", "out", "--recipients", "recipients.csv"]
    )
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[0] == (
        f"recipients.csv:2: example-1: {X}:3: the recipient {NO_LIST} columns, such as"
        " .name, .title, .office (it has audience, district, id, name, office, place, title)"
    )


def test_a_view_is_still_true_and_not_iterable(ws: Path) -> None:
    """Refusing to be counted does not make a view false, or Jinja's tests fail."""
    (ws / "templates" / "x.md.j2").write_text(
        "{{ settings is iterable }} {{ date is sequence }} {{ 'y' if settings }}"
        " {{ 'y' if settings.contact }} {{ 'n' if not recipient }}\n"
    )
    search = SearchPath.build([], ws)
    renderer = TemplateRenderer(search, load_store(ws / "facts"), Settings())
    assert renderer.render(search.audience("x")).text == "False False y y n\n"


# -------------------------------------------------------------------------- the loader


def test_include_of_a_link_out_of_the_folder_is_refused_at_the_include(ws: Path) -> None:
    (ws / "templates" / "leak.md.j2").symlink_to(ws.parent / "outside" / "secret.txt")
    line = build_fails_at(ws, '# T\n\ntext\n{% include "leak.md.j2" %}\n', f"{X}:4")
    assert "template 'leak.md.j2' is a link to" in line
    assert "templates are read only from inside their folders" in line


def test_a_linked_folder_out_of_the_search_path_is_refused(ws: Path) -> None:
    (ws / "templates" / "sub").symlink_to(ws.parent / "outside")
    line = build_fails_at(ws, '# T\n\n{% include "sub/secret.txt" %}\n', f"{X}:3")
    assert "template 'sub/secret.txt' is a link to" in line
    # A literal {% extends %} is followed for front matter before rendering: the
    # refusal names the link.
    link = str(Path("templates") / "sub" / "secret.txt")
    line = build_fails_at(ws, '{% extends "sub/secret.txt" %}\n', link)
    assert "template 'sub/secret.txt' is a link to" in line


def test_an_audience_template_that_links_out_is_refused_by_name(ws: Path) -> None:
    (ws / "templates" / "x.md.j2").write_text("# placeholder\n")
    target = ws.parent / "outside" / "brief.md.j2"
    target.write_text("# T\n\n" + SECRET + "\n")
    (ws / "templates" / "evil.md.j2").symlink_to(target)
    result = CliRunner().invoke(
        cli, ["build", "--audience", "evil", "--facts", "facts", "--out", "out"]
    )
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"{Path('templates') / 'evil.md.j2'}: template 'evil.md.j2' is a link to {target}, "
        "outside templates; templates are read only from inside their folders"
    )
    assert not any((ws / "out").iterdir())


def test_a_link_inside_the_folder_is_fine(ws: Path) -> None:
    (ws / "templates" / "_part.md.j2").write_text("Inside the folder.\n")
    (ws / "templates" / "part-link.md.j2").symlink_to(ws / "templates" / "_part.md.j2")
    (ws / "templates" / "x.md.j2").write_text('# T\n\n{% include "part-link.md.j2" %}\n')
    result = CliRunner().invoke(
        cli, ["build", "--audience", "x", "--facts", "facts", "--out", "out", "--format", "pdf"]
    )
    assert result.exit_code == 0, result.output


# ------------------------------------------------------- the canary property test


def context_names() -> list[str]:
    """Names a template can use, and some it should not have."""
    return [
        *sandbox.jinja_globals(),
        *("fact", "facts", "cite", "callout", "pullquote", "notes", "settings", "audience"),
        *("self", "loop", "m", "c", "v", "ns", "x", "varargs", "kwargs", "caller", "super"),
    ]


def attributes() -> list[str]:
    """Attributes the views, texts, mappings and loops offer, and some they must not."""
    return sorted(
        {name for view in VIEWS.values() for name in view.attributes}
        | sandbox.TEXT_METHODS
        | sandbox.MAPPING_METHODS
        | sandbox.LOOP_ATTRIBUTES
        | set(sandbox.TEXT_METHOD_FILTERS)
        | {"path", "parse_file", "resolve", "joinpath", "read_text", "read_bytes", "write_text"}
        | {"unlink", "open", "parent", "store", "mro", "gi_frame", "f_globals", "model_fields"}
        | {"model_validate_json", "environment", "globals", "append", "update", "pop", "fromkeys"}
        | {"__class__", "__mro__", "__subclasses__", "__globals__", "__init__", "__self__"}
        | {"__func__", "__dict__", "__reduce_ex__", "_TemplateReference__context", "b", "a"}
    )


STRINGS = [
    "@CANARY@",  # the canary's absolute path, filled in when the template is written
    "/proc/self/environ",
    "/etc/hostname",
    "../../outside/secret.txt",
    "leak.md.j2",
    "{0.__class__}",
    "{0.path}",
    "{0.b}",
    "tucson-pill-price",
    "kind",
    "text",
    "path",
    "",
    "a",
]
INCLUDES = [
    "leak.md.j2",  # a link to the canary
    "linked/secret.txt",  # a linked folder holding it
    "@CANARY@",
    "../../outside/secret.txt",
    "/proc/self/environ",
    "inc.md.j2",
    "_macros.md.j2",
    "builtin/_macros.md.j2",
]
SMALL_INTS = ["0", "1", "2", "3", "7", "100"]
FILTER_NAMES = sorted(SandboxedEnvironment().filters)
OPERATORS = ["~", "+", "*", "-", "//", "%", "==", "in", "and", "or"]

PRELUDE = (
    "{% set ns = namespace(a=1, b=[1, 2]) %}"
    "{% macro m(a=1, b=2) %}{{ a }}{{ b }}{{ varargs }}{{ kwargs }}{% endmacro %}"
    "{% macro c() %}[{{ caller() }}]{% endmacro %}"
    '{% set v = fact("tucson-pill-price") %}\n'
)


def _join(parts: list[str]) -> str:
    return ", ".join(parts)


# Deferred: the strategies ask briefgen for its names when a test draws from them,
# never while pytest collects this module.
attribute_names = st.deferred(lambda: st.sampled_from(attributes()))
atoms = st.one_of(
    st.deferred(lambda: st.sampled_from(context_names())),
    st.sampled_from(STRINGS).map(json.dumps),
    st.sampled_from(SMALL_INTS),
    st.just("[1, 2, 3]"),
    st.just('{"a": 1, "b": "x"}'),
)


def _compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    args = st.lists(inner, max_size=2)
    return st.one_of(
        st.tuples(inner, attribute_names).map(lambda t: f"({t[0]}).{t[1]}"),
        st.tuples(inner, args).map(lambda t: f"({t[0]})({_join(t[1])})"),
        st.tuples(inner, st.sampled_from(FILTER_NAMES), args).map(
            lambda t: f"({t[0]})|{t[1]}({_join(t[2])})"
        ),
        st.tuples(inner, inner).map(lambda t: f"({t[0]})[{t[1]}]"),
        st.tuples(inner, st.sampled_from(OPERATORS), inner).map(
            lambda t: f"({t[0]}) {t[1]} ({t[2]})"
        ),
        st.tuples(inner, attribute_names).map(lambda t: f"({t[0]})|attr({t[1]!r})"),
        st.tuples(inner, attribute_names).map(lambda t: f'"{{0.{t[1]}}}".format({t[0]})'),
        st.tuples(inner, attribute_names).map(lambda t: f"[{t[0]}]|map(attribute={t[1]!r})|list"),
    )


expressions = st.recursive(atoms, _compound, max_leaves=4)

simple_statements = st.one_of(
    expressions.map(lambda e: "{{ " + e + " }}"),
    expressions.map(lambda e: "{% set v = " + e + " %}"),
    expressions.map(lambda e: "{% set ns.a = " + e + " %}"),
    st.sampled_from(INCLUDES).map(lambda n: "{% include " + json.dumps(n) + " %}"),
    st.sampled_from(INCLUDES).map(lambda n: "{% import " + json.dumps(n) + " as lib %}{{ lib }}"),
    st.just('{% from "_macros.md.j2" import contact %}{{ contact() }}'),
    st.just("{{ self.b() }}"),
)


def _blocks(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    body = st.lists(inner, min_size=1, max_size=2).map("".join)
    return st.one_of(
        st.tuples(expressions, body).map(
            lambda t: "{% for x in " + t[0] + " %}" + t[1] + "{% endfor %}"
        ),
        st.tuples(expressions, body, body).map(
            lambda t: "{% if " + t[0] + " %}" + t[1] + "{% else %}" + t[2] + "{% endif %}"
        ),
        body.map(lambda b: "{% call c() %}" + b + "{% endcall %}"),
        st.tuples(st.sampled_from(FILTER_NAMES), body).map(
            lambda t: "{% filter " + t[0] + " %}" + t[1] + "{% endfilter %}"
        ),
        st.tuples(expressions, body).map(
            lambda t: "{% with a = " + t[0] + " %}" + t[1] + "{% endwith %}"
        ),
        body.map(lambda b: "{% macro n(a) %}" + b + "{% endmacro %}{{ n(1) }}"),
    )


statements = st.recursive(simple_statements, _blocks, max_leaves=4)
templates = st.lists(statements, min_size=1, max_size=3).map(
    lambda parts: PRELUDE + "{% block b %}B{% endblock %}\n" + "\n".join(parts) + "\n"
)

MEMORY_CAP = 1024**3
BUDGET = 2.0  # seconds a render may take here (the real budget is patched down to this)
# Renders each template named on stdin and answers with one line of JSON: how it
# ended, how much processor time it took, and whether the secret is in what it printed.
CANARY_SERVER = textwrap.dedent(
    """
    import json, os, sys, time
    from pathlib import Path

    import briefgen.templating.environment as environment
    try:
        import briefgen.templating.limits as limits
    except ImportError:
        limits = None
    for module in (environment, limits):
        if module is not None and hasattr(module, "RENDER_SECONDS"):
            module.RENDER_SECONDS = float(sys.argv[3])
    from briefgen.errors import BriefgenError
    from briefgen.facts import load_store
    from briefgen.settings import load_settings
    from briefgen.templating.search import SearchPath

    ws, facts = Path(sys.argv[1]), Path(sys.argv[2])
    secret = os.environ["BRIEFGEN_TEST_SECRET"]
    renderer = environment.TemplateRenderer(
        SearchPath.build([], ws), load_store(facts), load_settings(ws)
    )
    for line in sys.stdin:
        start = time.process_time()  # the budget is processor time
        try:
            audience = renderer.search_path.audience(line.strip())
            text, outcome = renderer.render(audience).text, "ok"
        except BriefgenError as exc:
            text = exc.format_message()
            outcome = "memory" if "more memory than there is" in text else "error"
        except MemoryError:
            text, outcome = "", "memory"
        except Exception as exc:
            text, outcome = repr(exc), "internal"
        seconds = time.process_time() - start
        leaked = secret in text
        detail = "" if outcome == "ok" else text[:300].replace(secret, "<SECRET>")
        print(json.dumps({"outcome": outcome, "seconds": seconds, "leaked": leaked,
                          "detail": detail}), flush=True)
    """
)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


class CanaryServer:
    """One long-lived render process under the memory cap (restarted if it dies), so
    each example costs a render, not an interpreter start."""

    def __init__(self, ws: Path) -> None:
        self.ws = ws
        self.stderr = ws.parent / "server-stderr.txt"
        self.process: subprocess.Popen[str] | None = None
        self.count = 0

    def _start(self) -> subprocess.Popen[str]:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                [sys.executable, "-c", CANARY_SERVER, str(self.ws), str(FACTS), str(BUDGET)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.stderr.open("a"),
                text=True,
                cwd=self.ws,
                preexec_fn=_limit_memory,
                env={**os.environ, "BRIEFGEN_TEST_SECRET": SECRET, "PYTHONPATH": str(REPO)},
            )
        return self.process

    def render(self, template: str) -> dict[str, Any]:
        """Render ``template`` as a new audience; what the server said about it."""
        self.count += 1
        name = f"t{self.count}"
        (self.ws / "templates" / f"{name}.md.j2").write_text(template, encoding="utf-8")
        process = self._start()
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(name + "\n")
        process.stdin.flush()
        ready, _, _ = select.select([process.stdout], [], [], BUDGET + 30)
        if not ready:
            process.kill()
            process.wait()
            pytest.fail(f"the render did not end within {BUDGET + 30:g} s:\n{template}")
        line = process.stdout.readline()
        (self.ws / "templates" / f"{name}.md.j2").unlink()
        if not line:
            process.wait()
            return {"outcome": f"died ({process.returncode})", "seconds": 0, "leaked": False}
        result: dict[str, Any] = json.loads(line)
        return result

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CanaryServer]:
    """A workspace with a canary beside it -- a secret file, a link to it in templates/,
    a linked folder holding it -- and a render server for it."""
    root = tmp_path_factory.mktemp("canary")
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET + "\n")
    ws = root / "ws"
    templates = ws / "templates"
    templates.mkdir(parents=True)
    (templates / "inc.md.j2").write_text("Included {{ v.number }}.\n")
    (templates / "leak.md.j2").symlink_to(outside / "secret.txt")
    (templates / "linked").symlink_to(outside)
    before = files_of(root)
    server = CanaryServer(ws)
    yield server
    server.close()
    if server.stderr.exists():
        assert SECRET not in server.stderr.read_text()
        server.stderr.unlink()
    # Nothing outside the workspace, nor in it, was written or deleted.
    assert files_of(root) == before


@settings(
    max_examples=60,
    deadline=None,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.too_slow],
)
@given(template=templates)
def test_no_template_reads_the_canary_or_exhausts_the_machine(
    canary: CanaryServer, template: str
) -> None:
    canary_path = canary.ws.parent / "outside" / "secret.txt"
    result = canary.render(template.replace("@CANARY@", str(canary_path)))
    assert not result["leaked"], template
    assert result["outcome"] not in ("memory",) and not result["outcome"].startswith("died"), (
        result,
        template,
    )
    assert result["seconds"] <= BUDGET + 1, (result, template)
    assert result["outcome"] != "internal", (result, template)


def test_a_process_lets_go_of_the_recipient_views_it_is_done_with() -> None:
    """A long-lived process reading many recipients files, each with its columns,
    keeps the view classes of the last few (their cache's), not one for every file
    it ever read; a row still in use keeps its class, and templates still read it."""
    row = recipient_view(("id", "name", "ward"), ("r1", "Ana", "7"))
    for number in range(200):
        recipient_view(("id", "name", f"column{number}"), ("r1", "Ana", "x"))
    gc.collect()
    assert sum(cls.__name__ == "RecipientView" for cls in VIEWS) <= 100
    assert is_recipient(row)
    assert {"id", "name", "ward"} <= sandbox.allowed_attributes(row)


def test_measuring_rows_of_many_recipients_files_keeps_none_of_their_classes() -> None:
    """A template that joins or lists recipients has each measured (the text limit),
    its fields named by its class: that is kept for a few classes, not for every
    recipients file a process reads, whose classes it would hold for good."""
    for number in range(200):
        limits.measure([recipient_view(("id", f"column{number}"), ("r1", "x"))])
    gc.collect()
    assert sum(cls.__name__ == "RecipientView" for cls in VIEWS) <= 100
