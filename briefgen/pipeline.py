"""The build: load facts -> pick template -> render -> parse to blocks -> fit -> write.

Every brief is rendered in memory first; files are written only when all of them
succeeded, and then all or none (``output.py``), so a failed build leaves the output
folder as it was.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from briefgen import interrupts
from briefgen.assemble import assemble
from briefgen.dates import brief_date
from briefgen.destination import check_out_dir, refuse_to_write_over_the_logo
from briefgen.errors import (
    BriefgenError,
    Location,
    OutputError,
    ProblemList,
    raise_all,
)
from briefgen.facts.loader import load_store
from briefgen.facts.store import FactStore
from briefgen.fitting import Fit, fit_to_page
from briefgen.kept import KeptByText
from briefgen.language import wording
from briefgen.model import Document
from briefgen.options import BuildOptions as BuildOptions  # the pipeline's own options
from briefgen.output import write_all
from briefgen.parse import CITATION
from briefgen.settings import Settings, load_settings, theme_of
from briefgen.style import PageSizeName, Style
from briefgen.templating import builtin_dir
from briefgen.templating.environment import Rendered, TemplateRenderer
from briefgen.templating.search import AudienceInfo, SearchPath

if TYPE_CHECKING:
    from briefgen.readability import ReadingLevel


# Each text in quotes on a line, a quote closing one opening none: where a chart names
# a fact ("seizures-up-480-percent").
_QUOTED = re.compile(r'(?="([^"\n]*)")')


@dataclass(frozen=True)
class Decision:
    """Everything a build decides about one brief before any file is made: what
    ``briefgen check`` reports on."""

    audience: AudienceInfo
    rendered: Rendered  # the template's Markdown, each line traced to its template line
    document: Document  # as assembled, before the fitter dropped anything
    fit: Fit
    reading_grade: float | None = None  # the Flesch–Kincaid grade of an English brief

    @cached_property
    def reading(self) -> ReadingLevel | None:
        """The fitted brief's reading level by its language's formula, against the
        target its front matter sets (None without one)."""
        from briefgen.readability import reading_level

        return reading_level(self.fit.document, self.audience)

    @cached_property
    def first_citing(self) -> dict[str, tuple[int, int]]:
        """The output line and column that cite each fact first: its ``[@id]``, or its
        id in quotes, as a chart names it (the first on the line, when it holds
        both). Read once for every warning that names a cited fact, not once for
        each of them."""
        found: dict[str, tuple[int, int]] = {}
        for index, line in enumerate(self.rendered.text.split("\n")):
            for fact_id, column in _citing(line):
                at = (index, column)
                found[fact_id] = min(found.get(fact_id, at), at)
        return found


def _read_citing(line: str) -> tuple[tuple[str, int], ...]:
    """Each fact id ``line`` cites (``[@id]``) or names in quotes, with its column."""
    return tuple(
        (match.group(1), match.start())
        for pattern in (CITATION, _QUOTED)
        for match in pattern.finditer(line)
    )


_citing = KeptByText(_read_citing)


@dataclass(frozen=True)
class Brief:
    """One audience's brief, fitted and rendered in each format asked for."""

    audience: AudienceInfo
    fit: Fit
    files: dict[str, bytes]
    reading_grade: float | None = None
    decision: Decision | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Skipped:
    """A built-in left out of a build that did not name it (:func:`left_out`): said
    as a warning, or as information when the store is another topic's, so that
    ``check --strict`` does not fail on briefs the workspace never uses."""

    audience: str
    location: Location
    message: str
    severity: Literal["warning", "info"] = "warning"


@dataclass
class BuildResult:
    """What a build made: its briefs, the files written, the built-ins left out."""

    briefs: list[Brief] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    workspace: Workspace | None = None  # what the briefs were made from
    skipped: list[Skipped] = field(default_factory=list)


@dataclass
class Workspace:
    """What a build reads once: settings, facts and the template search path."""

    settings: Settings
    store: FactStore
    search_path: SearchPath
    # The one date every brief of the build shows (see briefgen.dates).
    date: dt.date = field(default_factory=dt.date.today)

    @classmethod
    def open(cls, options: BuildOptions) -> Workspace:
        """The settings, the facts and the template path ``options`` name, and the
        date the briefs show."""
        settings = load_settings(options.workspace)
        date = brief_date(options.date, settings.build.date)
        store = load_store(options.facts_path)
        search_path = SearchPath.build(list(options.template_dirs), options.workspace)
        return cls(settings, store, search_path, date)


def decide(
    workspace: Workspace,
    renderer: TemplateRenderer,
    audience: AudienceInfo,
    page_size: PageSizeName | None,
    recipient: object | None = None,
) -> Decision:
    """Render, parse and fit one audience's brief, and measure its reading level:
    every stage of a build but making the files. ``recipient``: the template view of
    the recipient a batch copy is for."""
    from briefgen.renderers.pdf import least_height, measure

    rendered, document, style = prepare(workspace, renderer, audience, page_size, recipient)
    fit = fit_to_page(document, style, workspace.store, measure, least_height)
    return Decision(audience, rendered, document, fit, reading_grade(audience, fit))


def prepare(
    workspace: Workspace,
    renderer: TemplateRenderer,
    audience: AudienceInfo,
    page_size: PageSizeName | None,
    recipient: object | None = None,
) -> tuple[Rendered, Document, Style]:
    """The stages of :func:`decide` before the fitter: the template's Markdown, the
    document assembled from it, and the style fitting starts from."""
    from briefgen.glyphs import check_glyphs
    from briefgen.templating.views import recipient_columns

    rendered = renderer.render(audience, recipient)
    document = assemble(rendered, workspace.store, workspace.settings, workspace.date)
    theme = theme_of(workspace.settings)
    check_glyphs(document, workspace.store, theme.font, recipient_columns(recipient))
    size = page_size or audience.page_size or workspace.settings.build.page_size
    return rendered, document, Style(page_size=size, theme=theme).shared()


def reading_grade(audience: AudienceInfo, fit: Fit) -> float | None:
    """The fitted English brief's reading grade, when its audience sets a target."""
    if audience.reading_level is None:
        return None  # without importing the formulas (~1 ms of a cold build)
    from briefgen.readability import reading_level

    reading = reading_level(fit.document, audience)
    return reading.score if reading and not reading.higher_is_easier else None


def make_brief(
    workspace: Workspace,
    renderer: TemplateRenderer,
    audience: AudienceInfo,
    formats: tuple[str, ...],
    page_size: PageSizeName | None,
    recipient: object | None = None,
) -> Brief:
    """Render, parse, fit and render to files one audience's brief (in memory);
    ``recipient``: the template view of the recipient a batch copy is for."""
    from briefgen.renderers import render

    decision = decide(workspace, renderer, audience, page_size, recipient)
    fit = decision.fit
    files = {fmt: render(fmt, fit.document, fit.style) for fmt in formats}
    return Brief(audience, fit, files, decision.reading_grade, decision)


def build(options: BuildOptions) -> BuildResult:
    """Build every requested brief and write its files; all or nothing."""
    workspace = Workspace.open(options)
    result = BuildResult(workspace=workspace)
    result.briefs = make_briefs(options, workspace, result.skipped)
    interrupts.check()
    files = {
        f"{output_name(brief.audience)}.{fmt}": data
        for brief in result.briefs
        for fmt, data in brief.files.items()
    }
    refuse_to_write_over_the_logo(options, workspace.settings.theme.logo, list(files))
    result.written = write_all(options.out_dir, files)
    return result


def make_briefs(
    options: BuildOptions, workspace: Workspace | None = None, skipped: list[Skipped] | None = None
) -> list[Brief]:
    """Every requested brief, rendered in memory in each format asked for; nothing is
    written. Every problem found is raised together. The output folder is checked
    first, so that a build that cannot write stops before any work. ``workspace``:
    the one opened from ``options`` already, if any. Without ``--audience``, a
    built-in the store cannot fill is left out (:func:`left_out`) and added to
    ``skipped``."""
    workspace = workspace or Workspace.open(options)
    names = options.audiences or tuple(a.name for a in workspace.search_path.audiences())
    check_out_dir(options)
    renderer = TemplateRenderer(
        workspace.search_path, workspace.store, workspace.settings, workspace.date
    )
    briefs: list[Brief] = []
    problems: list[BriefgenError] = []
    audiences: list[AudienceInfo] = []
    asked_for: dict[str, tuple[str, str]] = {}  # output name, any case -> audience, name
    for name in names:
        try:
            audience = workspace.search_path.audience(name)
            _refuse_a_second_writer(asked_for, name, audience, options)
            audiences.append(audience)
        except BriefgenError as exc:
            problems.append(exc)
    raise_all(problems)  # the audiences asked for are wrong: no point rendering any
    for audience in audiences:
        interrupts.check()
        if not options.audiences and (skip := left_out(workspace, audience)):
            if skipped is not None:
                skipped.append(skip)
            continue
        try:
            briefs.append(
                make_brief(workspace, renderer, audience, options.formats, options.page_size)
            )
        except ProblemList as exc:
            problems.extend(exc.problems)
        except BriefgenError as exc:
            problems.append(exc)
    raise_all(problems)
    return briefs


def left_out(workspace: Workspace, audience: AudienceInfo) -> Skipped | None:
    """Why a build that names no audience leaves a built-in out, if it does: the
    store is another topic's (:func:`for_other_facts`), or lacks the built-in's
    language (:func:`untranslated`). None for a workspace's own template, which
    stops at its line instead, as a built-in asked for by name does."""
    return for_other_facts(workspace, audience) or untranslated(workspace, audience)


def for_other_facts(workspace: Workspace, audience: AudienceInfo) -> Skipped | None:
    """A built-in none of whose facts the store has: a store of another topic, whose
    organization writes its own templates, would otherwise see every plain ``build``
    stop at the built-ins' unknown fentanyl facts. A store holding some of them (the
    sample, one fact renamed) still stops at the unknown one's line."""
    named = _named_facts(audience)
    if not named or any(fact_id in workspace.store for fact_id in named):
        return None
    assert audience.path is not None  # a built-in names facts only from its file
    return Skipped(
        audience.name,
        Location.of(audience.path),
        f"{audience.name} skipped: a built-in brief on the sample facts' topic, citing "
        "none of this store's facts; your own audiences are the templates in templates/",
        "info",
    )


def another_topic(store: FactStore) -> bool:
    """Whether the store holds none of the facts any built-in names: a workspace of
    another organization, on another topic than the sample's."""
    return not any(
        fact_id in store
        for path in sorted(builtin_dir().glob("*.md.j2"))
        for fact_id in _named_in(path)
    )


def _named_facts(audience: AudienceInfo) -> list[str]:
    """The ids a built-in's file writes in quotes or as ``[@id]``, in order, once
    each: every fact it names, and any other quoted slug (a topic, which is no
    fact's id). Empty for any other template."""
    if audience.origin != "built-in" or audience.path is None:
        return []
    return _named_in(audience.path)


def _named_in(path: Path) -> list[str]:
    """What :func:`_named_facts` reads, from the template file ``path``."""
    named = _CITED.findall(path.read_text(encoding="utf-8"))
    return list(dict.fromkeys(a or b for a, b in named))


def untranslated(workspace: Workspace, audience: AudienceInfo) -> Skipped | None:
    """For a built-in in another language (``public-es``), the facts it cites that
    have no form in that language; a store written before they had one (or a user's
    own) would otherwise stop every plain ``build``. None for any other template: a
    workspace's own template, or one asked for by name, stops at its line instead."""
    words = wording(audience.language)
    if words.is_english or audience.path is None:
        return None
    store = workspace.store
    missing = [
        fact_id
        for fact_id in _named_facts(audience)
        if fact_id in store and store.get(fact_id).translation(audience.language) is None
    ]
    if not missing:
        return None
    count = f"{len(missing)} facts it cites have" if len(missing) > 1 else "a fact it cites has"
    return Skipped(
        audience.name,
        Location.of(audience.path),
        f"{audience.name} skipped: {count} no {words.name} form, first '{missing[0]}' "
        f"({store.where(missing[0])}); add {words.code}: forms (docs/facts.md) or see "
        f"briefgen check --audience {audience.name}",
    )


# A fact a template names: fact("id"), cite("id"), [@id].
_CITED = re.compile(r"""["']([a-z0-9][a-z0-9-]*)["']|\[@([a-z0-9][a-z0-9-]*)\]""")


def output_name(audience: AudienceInfo) -> str:
    """The name (without suffix) of an audience's output files: ``builtin/public``
    writes ``public.pdf``, in the output folder itself."""
    return Path(audience.name).name


def _refuse_a_second_writer(
    asked_for: dict[str, tuple[str, str]],
    name: str,
    audience: AudienceInfo,
    options: BuildOptions,
) -> None:
    """Two audiences that would write the same file: refuse rather than let one
    overwrite the other. ``Public.pdf`` and ``public.pdf`` are one file where case
    does not count (macOS, Windows, a USB stick)."""
    stem = output_name(audience)
    if (earlier := asked_for.get(stem.casefold())) is not None:
        other, other_stem = earlier
        case = (
            f", the same as {other_stem}.{options.formats[0]} where case does not count "
            "(macOS, Windows)"
            if other_stem != stem
            else ""
        )
        raise OutputError(
            f"both --audience {other} and --audience {name} would write this file{case}; "
            "build them into separate --out folders",
            Location.of(options.out_dir / f"{stem}.{options.formats[0]}"),
        )
    asked_for[stem.casefold()] = (name, stem)


def describe(brief: Brief, out_dir: Path) -> list[str]:
    """Report lines for one brief: each file's fill, the type size, what was dropped."""
    fit = brief.fit
    lines = []
    for fmt in brief.files:
        path = Location.of(out_dir / f"{output_name(brief.audience)}.{fmt}")
        size = (
            "" if fit.style.body_size == Style().body_size else f", body {fit.style.body_size:g} pt"
        )
        lines.append(f"{path!s:<28} 1 page, {fit.fill:.0%} full{size}")
    if fit.narrowed:
        lines.append(f"  type stepped down: {fit.narrowed}")
    for dropped in fit.dropped:
        lines.append(
            f"  dropped (optional, priority {dropped.priority}) {dropped.where}: {dropped.preview}"
        )
    reading = brief.decision.reading if brief.decision else None
    if reading is not None:
        verdict = "" if reading.on_target else "  ABOVE TARGET"
        if reading.higher_is_easier and not reading.on_target:
            verdict = "  HARDER THAN TARGET"
        lines.append(f"  reading level: {reading.describe()}{verdict}")
    return lines
