"""The two-sided handout: two audiences' briefs printed on the two sides of one sheet.

``briefgen build --duplex public,public-es`` writes ``public+public-es.pdf`` and
``public+public-es.docx``, each exactly two pages: the front audience's brief on the
first, the back audience's on the second, each with its own masthead, footer, notes
and language. Each side is fitted to its own page by the fitter, as a one-page build
fits it; the two sides share the sheet's page size (the front's) and one type size:
when one side needs smaller type, the other is fitted again at that size, so the
sheet reads as one handout and the DOCX keeps one set of Word styles. Both renderers
lay the two pages out from the document model (``render_pages``,
``render_docx_pages``); neither file is joined from two others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from briefgen import interrupts
from briefgen.destination import check_out_dir
from briefgen.errors import BriefgenError, LayoutError, Location, ProblemList, raise_all
from briefgen.facts.store import FactStore
from briefgen.fitting import Fit, fit_to_page
from briefgen.inputs import clip_name
from briefgen.model import Document
from briefgen.options import BuildOptions
from briefgen.output import write_all
from briefgen.pipeline import (
    Brief,
    BuildResult,
    Decision,
    Workspace,
    describe,
    output_name,
    prepare,
    reading_grade,
)
from briefgen.style import Style
from briefgen.templating.environment import TemplateRenderer
from briefgen.templating.search import AudienceInfo

SIDES = ("front", "back")

# What joins the two audiences' names in the files' name: public+public-es.pdf.
JOIN = "+"

Pages = Sequence[tuple[Document, Style]]


@dataclass
class Handout:
    """The two sides (each a brief without files of its own) and the handout's files."""

    sides: list[Brief]
    files: dict[str, bytes]
    written: list[Path] = field(default_factory=list)
    workspace: Workspace | None = None  # what the sides were made from

    @property
    def name(self) -> str:
        """The files' name without suffix: the two audiences' names, front first."""
        return JOIN.join(output_name(side.audience) for side in self.sides)


def parse_sides(value: str) -> tuple[str, str]:
    """The front and back audiences of ``--duplex FRONT,BACK``."""
    names = [name.strip() for name in value.split(",")]
    if len(names) != 2 or not all(names):
        raise BriefgenError(
            f"--duplex {clip_name(value)}: name two audiences, the front and the back, as "
            "FRONT,BACK (for example public,public-es)"
        )
    return names[0], names[1]


def build_handout(options: BuildOptions, sides: str) -> Handout:
    """Make the two-sided handout of ``sides`` (``FRONT,BACK``) in each format of
    ``options`` and write its files, all or none."""
    handout = make_handout(options, sides)
    interrupts.check()
    files = {f"{handout.name}.{fmt}": data for fmt, data in handout.files.items()}
    handout.written = write_all(options.out_dir, files)
    return handout


def make_handout(options: BuildOptions, sides: str) -> Handout:
    """The handout in memory; every problem of either side raised together."""
    names = parse_sides(sides)
    if options.audiences:
        raise BriefgenError("--duplex names its own two audiences; leave out --audience")
    workspace = Workspace.open(options)
    check_out_dir(options)
    audiences = _audiences(workspace, names, sides)
    renderer = TemplateRenderer(
        workspace.search_path, workspace.store, workspace.settings, workspace.date
    )
    prepared = []
    problems: list[BriefgenError] = []
    for audience in audiences:
        interrupts.check()
        try:
            prepared.append(prepare(workspace, renderer, audience, options.page_size))
        except ProblemList as exc:
            problems.extend(exc.problems)
        except BriefgenError as exc:
            problems.append(exc)
    raise_all(problems)
    sheet = prepared[0][2].page_size  # one sheet of paper: the front's page size
    pages = [(document, replace(style, page_size=sheet)) for _, document, style in prepared]
    fits = fit_sides(pages, workspace.store)
    briefs = []
    for audience, fit, (rendered, document, _) in zip(audiences, fits, prepared, strict=True):
        grade = reading_grade(audience, fit)
        decision = Decision(audience, rendered, document, fit, grade)
        briefs.append(Brief(audience, fit, {}, grade, decision))
    fitted = [(fit.document, fit.style) for fit in fits]
    files = {fmt: RENDERERS[fmt](fitted) for fmt in options.formats}
    return Handout(briefs, files, workspace=workspace)


def _audiences(workspace: Workspace, names: tuple[str, str], sides: str) -> list[AudienceInfo]:
    """The front and back audiences, each found; two different ones."""
    audiences: list[AudienceInfo] = []
    problems: list[BriefgenError] = []
    for name in names:
        try:
            audiences.append(workspace.search_path.audience(name))
        except BriefgenError as exc:
            problems.append(exc)
    raise_all(problems)
    if output_name(audiences[0]) == output_name(audiences[1]):
        raise BriefgenError(
            f"--duplex {clip_name(sides)}: the front and the back are the same audience; name two"
        )
    return audiences


def fit_sides(pages: Pages, store: FactStore) -> list[Fit]:
    """Each side fitted to its own page, all at one type size: the largest at which
    every side fits (a side that fitted at a larger size is fitted again, from the
    smaller). Every side's problem is raised together."""
    from briefgen.renderers.pdf import least_height, measure

    def fit(document: Document, style: Style) -> Fit:
        return fit_to_page(document, style, store, measure, least_height)

    fits: list[Fit] = []
    problems: list[BriefgenError] = []
    for document, style in pages:
        interrupts.check()
        try:
            fits.append(fit(document, style))
        except BriefgenError as exc:
            problems.append(exc)
    raise_all(problems)
    # Sizes only go down, one half-point step at a time at most to the floor: this ends.
    while len({f.style.body_size for f in fits}) > 1:
        size = min(f.style.body_size for f in fits)
        fits = [
            f if f.style.body_size == size else fit(document, style.with_body_size(size))
            for f, (document, style) in zip(fits, pages, strict=True)
        ]
    return fits


def _render_pdf(pages: Pages) -> bytes:
    """The handout's PDF; a :class:`LayoutError` unless it has one page per side."""
    from briefgen.renderers.pdf import render_pages

    data, count = render_pages(pages)
    if count != len(pages):
        document = pages[0][0]
        raise LayoutError(
            f"the two-sided handout came out as {count} PDF pages although each side "
            "measured as one; please report this",
            document.source,
        )
    return data


def _render_docx(pages: Pages) -> bytes:
    from briefgen.renderers.docx import render_docx_pages

    return render_docx_pages(pages)


RENDERERS: dict[str, Callable[[Pages], bytes]] = {"pdf": _render_pdf, "docx": _render_docx}


def describe_handout(handout: Handout, out_dir: Path) -> list[str]:
    """Report lines: each file and how full each side is, then, side by side, what
    was dropped and the reading level."""
    fills = ", ".join(
        f"{SIDES[n]} {output_name(s.audience)} {s.fit.fill:.0%} full"
        for n, s in enumerate(handout.sides)
    )
    body_size = handout.sides[0].fit.style.body_size
    size = "" if body_size == Style().body_size else f", body {body_size:g} pt"
    lines = [
        f"{Location.of(out_dir / f'{handout.name}.{fmt}')!s:<28} 2 pages: {fills}{size}"
        for fmt in handout.files
    ]
    for side in handout.sides:
        name = output_name(side.audience)
        lines.extend(f"  {name}: {line.strip()}" for line in describe(side, out_dir))
    return lines


def warning_lines(handout: Handout) -> list[str]:
    """The warnings ``build`` prints for its briefs (:mod:`briefgen.check`), for the
    two sides."""
    from briefgen.check import warning_lines as lines
    from briefgen.check import warnings_of

    return lines(warnings_of(BuildResult(handout.sides, workspace=handout.workspace)))
