"""Issue 11's polish: what a user meets on the Spanish page, in a workspace without
Spanish forms, in warning lines and in front matter."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import cast

import docx
import pytest
import yaml

from briefgen import check, pipeline
from briefgen.assemble import footer
from briefgen.check import warning_lines, warnings_of
from briefgen.citations import note_text
from briefgen.errors import BriefgenError, Location, TemplateError, problems_of
from briefgen.facts import load_store
from briefgen.fitting import Fit
from briefgen.parse import parse_blocks
from briefgen.pipeline import (
    Brief,
    BuildOptions,
    BuildResult,
    Skipped,
    Workspace,
    make_briefs,
    untranslated,
)
from briefgen.renderers.docx_graphics import add_qr
from briefgen.settings import Settings
from briefgen.templating.search import AudienceInfo, SearchPath, builtin_dir

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("written", ["A4", "a4", "Letter"])
def test_front_matter_page_size_is_read_in_any_case(tmp_path: Path, written: str) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "mayors.md.j2").write_text(f"---\npage_size: {written}\n---\n# Mayors\n")
    audience = SearchPath.build([], tmp_path).audience("mayors")
    assert audience.page_size == written.lower()


def test_a_built_in_template_is_named_builtin_in_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wherever briefgen is installed, and from whatever folder it runs, a warning or
    error at a built-in's line names it as the CLI does (``builtin/public``), not by
    its site path; the location's path stays the real file."""
    real = builtin_dir() / "public.md.j2"
    monkeypatch.chdir(tmp_path)
    where = Location.of(real, 43)
    assert str(where) == "builtin/public.md.j2:43"
    assert where.path == str(real)
    assert str(TemplateError("wrong", where)) == "builtin/public.md.j2:43: wrong"
    monkeypatch.chdir(REPO)  # below the working directory: the relative path is shown
    assert str(Location.of(real)) == "builtin/public.md.j2"
    assert str(Location.of(REPO / "facts" / "seizures.yaml", 6)) == "facts/seizures.yaml:6"


@pytest.fixture(scope="module")
def english_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose facts are the sample's without their Spanish forms, as a
    store written before issue 11 (or a user's own) has them."""
    workspace = tmp_path_factory.mktemp("english-only")
    (workspace / "facts").mkdir()
    for path in (REPO / "facts").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for fact in data.get("facts") or []:
            fact.pop("es", None)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (workspace / "facts" / path.name).write_text(text, encoding="utf-8")
    return workspace


def test_a_plain_build_leaves_out_a_built_in_its_facts_cannot_fill(
    english_only: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --audience, public-es is skipped with one warning naming how many facts
    lack a Spanish form and what to do; the English built-ins are still made."""
    made: list[str] = []

    def make_brief(_w: object, _r: object, audience: AudienceInfo, *_a: object) -> Brief:
        made.append(audience.name)
        return Brief(audience, cast(Fit, None), {})

    monkeypatch.setattr(pipeline, "make_brief", make_brief)
    monkeypatch.chdir(english_only)
    options = BuildOptions(workspace=english_only)
    workspace = Workspace.open(options)
    skipped: list[Skipped] = []
    briefs = make_briefs(options, workspace, skipped)
    assert made == [b.audience.name for b in briefs] == ["chiefs", "legislators", "public"]
    assert [s.audience for s in skipped] == ["public-es"]
    result = BuildResult(briefs, workspace=workspace, skipped=skipped)
    (line, *_) = warning_lines(warnings_of(result))
    assert line.startswith(
        "builtin/public-es.md.j2: warning: public-es skipped: 10 facts it cites have no "
        "Spanish form, first 'fentanyl-offenders-us-citizens' (facts/"
    )
    assert line.endswith("add es: forms (docs/facts.md) or see briefgen check --audience public-es")
    # The sample store has every form: nothing is skipped.
    sample = Workspace.open(BuildOptions(workspace=english_only, facts=REPO / "facts"))
    assert not [a for a in sample.search_path.audiences() if untranslated(sample, a)]


def test_public_es_asked_for_or_a_workspace_template_still_stops_at_its_line(
    english_only: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(english_only)
    options = BuildOptions(workspace=english_only, audiences=("public-es",), formats=("pdf",))
    with pytest.raises(BriefgenError, match="no Spanish form") as raised:
        make_briefs(options)
    # Every fact it cites without one, each at its line (the first is the error's).
    assert str(raised.value.location).startswith("builtin/public-es.md.j2:")
    problems = problems_of(raised.value)
    assert len(problems) == 10 and all("no Spanish form" in p.detail for p in problems)
    templates = english_only / "templates"
    templates.mkdir(exist_ok=True)
    shutil.copy(builtin_dir() / "public-es.md.j2", templates / "mine-es.md.j2")
    try:
        workspace = Workspace.open(BuildOptions(workspace=english_only))
        assert untranslated(workspace, workspace.search_path.audience("mine-es")) is None
    finally:
        shutil.rmtree(templates)


def test_check_warns_of_the_skipped_built_in_as_build_does(
    english_only: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def decide(*_a: object) -> None:
        raise BriefgenError("not decided here")

    monkeypatch.setattr(check, "decide", decide)
    result = check.run_check(BuildOptions(workspace=english_only))
    mine = [f for f in result.findings if f.audience == "public-es"]
    assert [(f.severity, f.code) for f in mine] == [("warning", "skipped-audience")]
    assert check.exit_code(result, strict=False) == 1  # the stub's errors, not the skip


def test_the_words_briefgen_writes_round_a_qr_code_are_in_the_briefs_language() -> None:
    """A QR code's alt text and the notes' default heading come from the language's
    wording in the model, for every renderer to print as they are."""
    text = "```briefgen-qr\nhttps://example.org/sources\n```\n\n!!! notes\n!!!\n"
    where = Location("t.md.j2", 1)
    lines = tuple(Location("t.md.j2", n + 1) for n in range(text.count("\n") + 1))
    spanish = parse_blocks(text, lines, where, language="es-US")
    english = parse_blocks(text, lines, where)
    assert [(b.alt, n.title) for b, n in [spanish, english]] == [  # type: ignore[union-attr]
        ("Código QR: https://example.org/sources", "Fuentes"),
        ("QR code: https://example.org/sources", "Sources"),
    ]
    settings = Settings.model_validate({"contact": {"website": "leitf.org"}})
    day = dt.date(2026, 11, 2)
    assert footer(settings, day, "es-US").qr_alt == "Código QR: https://leitf.org"
    assert footer(settings, day).qr_alt == "QR code: https://leitf.org"
    run = docx.Document().add_paragraph().add_run()
    add_qr(run, "https://leitf.org", 60, "Código QR: https://leitf.org")
    assert 'descr="Código QR: https://leitf.org"' in run._r.xml


def test_no_note_of_the_sample_says_as_reported_in_english_in_its_title() -> None:
    """The sample's descriptive titles do not end in "(as reported)": the note's
    "as reported in" / "citado en" says it, in the brief's language."""
    store = load_store(REPO / "facts")
    for fact in store:
        for language in ("en-US", "es-US"):
            note = note_text(store, fact.id, language)
            assert "(as reported)" not in note and "(as quoted)" not in note, note


def test_a_warning_two_audiences_share_is_one_line() -> None:
    """A source both briefs cite, or a stale fact in a template both extend: one line,
    in the order first seen, in build's warnings and in check's report; --json keeps
    each audience's finding."""
    parent = Location("builtin/public.md.j2", 43)
    stale = [
        check.Finding("warning", "stale-fact", "'x' is as of 2022", parent, name)
        for name in ("public", "mine")
    ]
    source = check.Finding("warning", "source-without-url", "source 's' has no URL")
    findings = [stale[0], source, stale[1], source]
    assert warning_lines(findings) == [
        "builtin/public.md.j2:43: warning: 'x' is as of 2022",
        "warning: source 's' has no URL",
    ]
    result = check.CheckResult(["public", "mine"], findings)
    assert check.as_text(result) == [
        "public:",
        "  builtin/public.md.j2:43: warning: 'x' is as of 2022",
        "mine:",
        "warning: source 's' has no URL",
        "checked 2 audiences: 0 errors, 4 warnings",
    ]


def test_preview_tells_what_it_left_out_as_build_does(
    english_only: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # preview wrote three images of four audiences, exit 0 and nothing on stderr.
    from click.testing import CliRunner

    from briefgen.cli import cli

    monkeypatch.chdir(english_only)
    result = CliRunner().invoke(cli, ["preview", "--dpi", "36", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "chiefs.png",
        "legislators.png",
        "public.png",
    ]
    assert "warning: public-es skipped: " in result.stderr
    assert "older than 3 years" in result.stderr  # the briefs' own warnings too
