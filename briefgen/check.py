"""``briefgen check``: everything a build would decide, reported without writing a file.

Each brief goes through the build's own stages (:func:`briefgen.pipeline.decide`),
and what they decide becomes findings: how full the page is and at what type size,
what was dropped, the reading level against its target (information); cited facts
older than ``[facts] max_age_years``, numbers the template typed itself
(:mod:`briefgen.untraced`), Spanish forms missing or not reviewed, sources without a
URL (warnings); whatever would stop the build (errors). For the store as a whole:
the facts no template cites.

``briefgen build`` prints the same warnings, one line each on stderr
(:func:`warning_lines`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from briefgen.errors import MAX_PROBLEMS_SHOWN, BriefgenError, Location, problems_of
from briefgen.facts.report import plural
from briefgen.facts.schema import Kind, language_code
from briefgen.facts.store import FactStore, is_stale
from briefgen.fitting import MAX_FILL
from briefgen.inputs import clip
from briefgen.model import (
    AnyBlock,
    Box,
    Callout,
    Columns,
    Heading,
    Notes,
    block_text,
    cited_fact_ids,
)
from briefgen.options import SETTINGS_FILE, BuildOptions
from briefgen.parse import IMAGE_PPI
from briefgen.pipeline import (
    BuildResult,
    Decision,
    Skipped,
    Workspace,
    another_topic,
    decide,
    left_out,
)
from briefgen.style import BODY_SIZE, INCH
from briefgen.templating.inherited import Inherited, inherited_words
from briefgen.templating.overrides import listed_blocks
from briefgen.templating.search import TEMPLATE_SUFFIX
from briefgen.unrendered import unrendered_code, unspaced_headings
from briefgen.untraced import recipient_figures, uncited_facts, untraced_numbers

Severity = Literal["error", "warning", "info"]

# The text report lists this many errors for an audience, then how many more: a
# broken template can fail every copy of a batch, each with its own figure.
MAX_ERRORS_SHOWN = 20
# The facts no template cites that a check names (--json lists every one).
MAX_UNUSED_SHOWN = 20


@dataclass(frozen=True)
class Finding:
    """One thing check found: how bad, what kind (``code``), for which audience
    (None: the workspace or the store), where, and what."""

    severity: Severity
    code: str
    message: str
    location: Location | None = None
    audience: str | None = None
    data: dict[str, Any] = field(default_factory=dict, compare=False)

    def line(self) -> str:
        """``path:line: warning: message`` (the location left out when there is none)."""
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.severity}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        """The finding as plain data for ``--json``."""
        return {
            "severity": self.severity,
            "code": self.code,
            "audience": self.audience,
            "location": str(self.location) if self.location else None,
            "path": self.location.path if self.location else None,
            "line": self.location.line or None if self.location else None,
            "message": self.message,
            **({"data": self.data} if self.data else {}),
        }


@dataclass
class CheckResult:
    """The audiences checked and what was found, in the order found."""

    audiences: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    copies: int | None = None  # with --recipients: the copies checked
    failed: int = 0  # and how many of them would fail

    def count(self, severity: Severity) -> int:
        """How many findings are of ``severity``."""
        return sum(1 for f in self.findings if f.severity == severity)


def error_findings(exc: BriefgenError, audience: str | None = None) -> list[Finding]:
    """What would stop the build, one finding per problem."""
    return [
        Finding("error", _code(problem), problem.detail, problem.location, audience)
        for problem in problems_of(exc)
    ]


def _code(problem: BriefgenError) -> str:
    """An error's kind from its class: SettingsError → settings, LayoutError → layout."""
    if type(problem) is BriefgenError:
        return "error"
    name = type(problem).__name__.removesuffix("Error")
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def run_check(options: BuildOptions) -> CheckResult:
    """Decide every requested brief as ``build`` would and report on each; nothing
    is written. An audience that does not exist is raised at once (as build does)."""
    result = CheckResult()
    try:
        workspace = Workspace.open(options)
    except BriefgenError as exc:
        result.findings = error_findings(exc)
        return result
    from briefgen.templating.environment import TemplateRenderer

    if options.audiences:
        audiences = []
        for name in options.audiences:
            try:
                audiences.append(workspace.search_path.audience(name))
            except BriefgenError as exc:
                if workspace.search_path.find(name + TEMPLATE_SUFFIX) is None:
                    raise  # no such audience: as build says it
                # A template there whose front matter is wrong: a finding, as without
                # --audience, with check's summary.
                result.audiences.append(name)
                result.findings += error_findings(exc, name)
    else:
        # Every problem at once: a template whose front matter is wrong is one finding,
        # and the other audiences are still checked.
        audiences, problems = workspace.search_path.audiences_and_problems()
        for problem in problems:
            result.findings += error_findings(problem)
    renderer = TemplateRenderer(
        workspace.search_path, workspace.store, workspace.settings, workspace.date
    )
    decisions: list[Decision] = []
    for audience in audiences:
        result.audiences.append(audience.name)
        if not options.audiences and (skip := left_out(workspace, audience)):
            result.findings.append(_skipped(skip))  # as build leaves it out
            continue
        try:
            decision = decide(workspace, renderer, audience, options.page_size)
        except BriefgenError as exc:
            result.findings += error_findings(exc, audience.name)
            continue
        decisions.append(decision)
        result.findings += brief_findings(workspace, decision)
    result.findings += store_findings(workspace.store, decisions, every=not options.audiences)
    result.findings += sample_settings(workspace)
    return result


# The settings of the sample workspace (briefgen init's) that print on every page.
_SAMPLE_SETTINGS = (
    ("organization", "name", "the masthead prints it"),
    ("contact", "website", "the footer prints it, and its QR code leads there"),
    ("contact", "sources_url", "the footer's QR code leads there"),
)


def sample_settings(workspace: Workspace) -> list[Finding]:
    """A warning for each of the sample workspace's name and addresses left in
    ``briefgen.toml`` where the facts are another topic's: another organization's
    briefs would go out under the task force's name, its QR code leading readers
    to the task force's site."""
    import tomllib

    from briefgen.workspace import skeleton_dir

    if not another_topic(workspace.store):
        return []
    sample = tomllib.loads((skeleton_dir() / SETTINGS_FILE).read_text(encoding="utf-8"))
    settings = workspace.settings
    found: list[Finding] = []
    for section, key, why in _SAMPLE_SETTINGS:
        value = sample.get(section, {}).get(key)
        if value and getattr(getattr(settings, section), key) == value:
            found.append(
                Finding(
                    "warning",
                    "sample-setting",
                    f"{section}.{key}: {value!r} is the sample workspace's, and the facts "
                    f'are another topic\'s: {why}; write your own ("" for none)',
                    settings.location_of(section, key),
                )
            )
    return found


def brief_findings(workspace: Workspace, decision: Decision) -> list[Finding]:
    """What one brief's build decided: its fit, what it dropped, its reading level
    (information), then its warnings."""
    audience = decision.audience
    fit = decision.fit
    room = max(MAX_FILL - fit.fill, 0.0)
    room_in = room * fit.style.frame_height / INCH
    size = fit.style.body_size
    body = f"body {size:g} pt" + (
        ""
        if size == BODY_SIZE
        else f" (stepped down from {BODY_SIZE:g}" + (f": {fit.narrowed})" if fit.narrowed else ")")
    )
    found = [
        Finding(
            "info",
            "fit",
            f"1 page, {fit.fill:.0%} full, {room_in:.1f} in to spare, {body}",
            decision.document.source,
            audience.name,
            {
                "pages": 1,
                "fill": round(fit.fill, 4),
                "room": round(room, 4),
                "room_in": round(room_in, 2),
                "body_pt": size,
                "page_size": fit.style.page_size,
            },
        )
    ]
    for dropped in fit.dropped:
        found.append(
            Finding(
                "info",
                "dropped",
                f"dropped (optional, priority {dropped.priority}) {dropped.where}: "
                f"{dropped.preview}",
                dropped.location,
                audience.name,
            )
        )
    return found + _reading(decision) + _content_warnings(workspace, decision)


def _reading(decision: Decision) -> list[Finding]:
    """The reading level by the brief's language's formula against its target: a
    warning when harder than the target, else information; none without a target."""
    reading = decision.reading
    if reading is None:
        audience = decision.audience
        spanish = language_code(audience.language) == "es"
        given, wanted = (
            ("reading_level", "reading_ease") if spanish else ("reading_ease", "reading_level")
        )
        if getattr(audience, given) is None:
            return []
        # The target for the other language's formula: no level is checked at all.
        scale = (
            "the lowest Szigriszt-Pazos score, such as 55"
            if spanish
            else "the highest U.S. school grade, such as 8"
        )
        return [
            Finding(
                "warning",
                "reading-target-language",
                f"front matter: {given} is a target for "
                f"{'English' if spanish else 'Spanish'} briefs, and this one is in "
                f"{audience.language}: give {wanted} ({scale}); no reading level is checked",
                audience.where(given) or decision.document.source,
                audience.name,
            )
        ]
    return [
        Finding(
            "info" if reading.on_target else "warning",
            "reading-level",
            f"reading level: {reading.describe()}"
            + ("" if reading.on_target else ", harder than the target"),
            decision.document.source,
            decision.audience.name,
            {
                "formula": reading.formula,
                "score": round(reading.score, 2),
                "target": reading.target,
                "higher_is_easier": reading.higher_is_easier,
            },
        )
    ]


def brief_warnings(workspace: Workspace, decision: Decision) -> list[Finding]:
    """One brief's warnings: stale cited facts, numbers the template typed itself,
    Spanish forms missing or not reviewed, and a reading level harder than its target."""
    found = _content_warnings(workspace, decision) + _reading(decision)
    return [finding for finding in found if finding.severity == "warning"]


def _date_warnings(workspace: Workspace, decision: Decision, printed: list[str]) -> list[Finding]:
    """A brief dated after today (a slip in --date or [build] date, such as 2031 for
    2026), and each cited fact true only after the brief's date, which the page would
    show as news from its future."""
    found = []
    today = dt.date.today()
    if workspace.date > today:
        found.append(
            Finding(
                "warning",
                "date-ahead",
                f"the briefs are dated {workspace.date.isoformat()}, after today "
                f"({today.isoformat()}); if that is a slip, fix where the date comes "
                "from: --date, else [build] date, else SOURCE_DATE_EPOCH",
                audience=decision.audience.name,
                data={"date": workspace.date.isoformat()},
            )
        )
    for fact_id in printed:
        fact = workspace.store.get(fact_id)
        if fact.as_of.start > workspace.date:
            found.append(
                Finding(
                    "warning",
                    "fact-after-date",
                    f"'{fact_id}' is as of {fact.as_of.label}, after the briefs' date "
                    f"({workspace.date.isoformat()}) ({workspace.store.where(fact_id)})",
                    _citing(decision, fact_id),
                    decision.audience.name,
                    {"fact": fact_id, "as_of": fact.as_of.text},
                )
            )
    return found


# A logo printed at fewer pixels per inch looks soft or jagged on paper; a picture in
# the body is never set larger than its size at this resolution.
LOGO_MIN_PPI = IMAGE_PPI
# What prints sharp: the resolution of the QR code, the chart and print work.
LOGO_SHARP_PPI = 300


def _logo_warnings(workspace: Workspace, decision: Decision) -> list[Finding]:
    """A logo with too few pixels for the size the masthead prints it at (0.5 in tall,
    whatever its pixels): set larger than its pixels can fill, it prints soft. And a
    logo with no organization's name beside it: marked decorative, it leaves a screen
    reader nothing that says whose brief it is (WCAG 1.1.1)."""
    masthead = decision.fit.document.masthead
    logo = masthead.logo if masthead is not None else None
    if logo is None:
        return []
    settings = workspace.settings
    found = []
    if not settings.organization.name.strip():
        found.append(
            Finding(
                "warning",
                "logo-unnamed",
                f"theme.logo: {clip(settings.theme.logo)} is marked decorative for screen "
                "readers, as the organization's name printed beside it says whose brief "
                "it is; organization.name is empty, so nothing does: set it",
                settings.logo_location,
                decision.audience.name,
            )
        )
    width_in = decision.fit.style.logo_width(logo) / INCH
    height_in = width_in * logo.height_px / logo.width_px
    ppi = logo.width_px / width_in
    if ppi >= LOGO_MIN_PPI - 1e-6:
        return found

    def pixels(ppi: int) -> str:
        across, down = (math.ceil(ppi * inches - 1e-6) for inches in (width_in, height_in))
        return f"{across} x {down}"

    return [
        *found,
        Finding(
            "warning",
            "logo-resolution",
            f"theme.logo: {clip(settings.theme.logo)} prints at {math.floor(ppi)} pixels per "
            f"inch, {width_in:.2f} x {height_in:.2f} in in the masthead; below "
            f"{LOGO_MIN_PPI} it prints soft or jagged: give one of at least "
            f"{pixels(LOGO_MIN_PPI)} pixels ({pixels(LOGO_SHARP_PPI)} prints sharp)",
            settings.logo_location,
            decision.audience.name,
            {"ppi": math.floor(ppi), "width_px": logo.width_px, "height_px": logo.height_px},
        ),
    ]


def _content_warnings(workspace: Workspace, decision: Decision) -> list[Finding]:
    """What on one brief's page needs looking at: stale cited facts, numbers the
    template typed itself, Spanish forms missing or not reviewed."""
    store, audience = workspace.store, decision.audience
    printed = cited_ids(decision)
    found: list[Finding] = []
    years = workspace.settings.facts.max_age_years
    found += _date_warnings(workspace, decision, printed)
    found += _logo_warnings(workspace, decision)
    for fact_id in printed:
        fact = store.facts.get(fact_id)
        if fact is not None and is_stale(fact, workspace.date, years):
            found.append(
                Finding(
                    "warning",
                    "stale-fact",
                    f"'{fact_id}' is as of {fact.as_of.label}, older than "
                    f"{plural(years, 'year')} "
                    f"({store.where(fact_id)})",
                    _citing(decision, fact_id),
                    audience.name,
                    {"fact": fact_id, "as_of": fact.as_of.text},
                )
            )
    for uncited in uncited_facts(decision.rendered, decision.fit.document):
        # As a reader sees it: the no-break space briefgen sets before unit words
        # ("about 100 times") is a space, not "\xa0".
        as_read = clip(uncited.printed.replace("\u00a0", " "))
        found.append(
            Finding(
                "warning",
                "uncited-fact",
                f"'{uncited.fact_id}' is printed ({as_read!r}) but cited nowhere "
                "on the page, so the notes do not give its source; add "
                f'{{{{ cite("{uncited.fact_id}") }}}} beside it',
                uncited.location,
                audience.name,
                {"fact": uncited.fact_id},
            )
        )
    for local in recipient_figures(decision.rendered, decision.fit.document):
        found.append(
            Finding(
                "warning",
                "recipient-figure",
                f"the recipient's '{local.column}' column prints a figure, which no fact "
                "gives and no note sources; put local figures in facts about the place "
                "(places:) and print them with facts(place=recipient.place)",
                local.location,
                audience.name,
                {"column": local.column},
            )
        )
    blocks = decision.fit.document.walked
    titles = [b for b in blocks if isinstance(b, Heading) and b.level == 1]
    if titles:
        # Read top to bottom, the page's outline starts below its title: a screen
        # reader's list of headings does too.
        for heading in blocks[: blocks.index(titles[0])]:
            if isinstance(heading, Heading):
                found.append(
                    Finding(
                        "warning",
                        "heading-above-title",
                        "this heading stands above the brief's title (the first '# '); "
                        "move it below, or make it plain text",
                        heading.location,
                        audience.name,
                    )
                )
    for heading in (b for b in blocks if isinstance(b, Heading) and b.level > 2):
        found.append(
            Finding(
                "warning",
                "deep-heading",
                f"a level-{heading.level} heading prints as large as a '## ' section "
                "heading (a brief has two heading sizes); write '## ', or make it bold text",
                heading.location,
                audience.name,
            )
        )
    for heading in titles[1:]:
        found.append(
            Finding(
                "warning",
                "second-title",
                "a second level-1 heading prints as large as the brief's title; write "
                "'## ' for a section heading",
                heading.location,
                audience.name,
            )
        )
    audience = decision.audience
    extended = audience.extends
    if extended and language_code(extended[1]) != language_code(audience.language):
        parent, parent_language = extended
        inherited = inherited_words(decision.rendered, workspace.search_path, parent)
        if inherited:
            found.append(
                Finding(
                    "warning",
                    "extends-other-language",
                    f"this {audience.language} template extends {parent}, written in "
                    f"{parent_language}, and "
                    f"{_inherited_text(inherited, parent_language)} "
                    f"({'first at ' if len(inherited) > 1 else ''}{inherited[0].location}); "
                    + _inherited_advice(inherited),
                    Location.of(audience.path, 1) if audience.path else decision.document.source,
                    audience.name,
                )
            )
    last_headings = _last_headings(decision.fit.document.blocks)
    for heading in sorted(last_headings, key=lambda h: h.location.line):
        found.append(
            Finding(
                "warning",
                "heading-over-nothing",
                "this heading ends its column with nothing under it; write its section "
                "or remove it",
                heading.location,
                audience.name,
            )
        )
    for code in unrendered_code(decision.rendered):
        found.append(
            Finding("warning", "template-code-printed", code.message, code.location, audience.name)
        )
    for unspaced in unspaced_headings(decision.rendered):
        found.append(
            Finding(
                "warning",
                "heading-without-space",
                unspaced.message,
                unspaced.location,
                audience.name,
            )
        )
    for untraced in untraced_numbers(decision.rendered, store, workspace.date):
        if untraced.us_spanish:
            misread = (
                f" (a U.S. Spanish reader takes it for {untraced.misread})"
                if untraced.misread
                else ""
            )
            found.append(
                Finding(
                    "warning",
                    "spain-number",
                    f"'{untraced.number}' is written the way Spain does{misread}; U.S. "
                    f"Spanish writes {untraced.us_spanish}, as briefgen prints the facts' "
                    "numbers",
                    untraced.location,
                    audience.name,
                    {"number": untraced.number},
                )
            )
            continue
        found.append(
            Finding(
                "warning",
                "untraced-number",
                f"'{untraced.number}' is typed into the template and no fact cited in "
                "its block gives it; cite the fact, or print it with fact(...).number",
                untraced.location,
                audience.name,
                {"number": untraced.number},
            )
        )
    return found + _myths(store, decision, printed) + _translations(store, decision, printed)


# A printed field of a myth of this many characters or more, found in a heading, is
# the myth headlined (a shorter one, a speaker's name, may stand there for other
# reasons).
_MYTH_CHARACTERS = 12


def _myths(store: FactStore, decision: Decision, printed: list[str]) -> list[Finding]:
    """A myth made a headline (a heading or key number that prints or cites it) and a
    page whose first cited fact (of ``printed``, in reading order) is a myth:
    repeating a myth where a skimming reader stops fixes it in memory, so a brief
    leads with the fact and names the myth once, in the text, to answer it."""
    myths = store.ids_of_kind(Kind.MYTH)
    if not myths:
        return []
    said = {
        " ".join(printed.split())
        for fact_id, printed in decision.rendered.fact_reads
        if fact_id in myths and len(printed) >= _MYTH_CHARACTERS
    }
    audience = decision.audience.name
    found: list[Finding] = []
    blocks = decision.fit.document.walked
    for block in blocks:
        if not isinstance(block, Heading | Callout):
            continue
        text = " ".join(block_text(block, citations=False).split())
        cited = [fact_id for fact_id in cited_fact_ids(block) if fact_id in myths]
        if cited or any(words in text for words in said):
            what = "heading" if isinstance(block, Heading) else "key number"
            found.append(
                Finding(
                    "warning",
                    "myth-headline",
                    f"this {what} repeats a myth"
                    + (f" ('{cited[0]}')" if cited else "")
                    + " to readers who may read no further; head it with the fact that "
                    "answers the myth, and name the myth once in the text below",
                    block.location,
                    audience,
                )
            )
    first = printed[0] if printed else None
    if first in myths:
        found.append(
            Finding(
                "warning",
                "myth-first",
                f"the first fact the page cites is a myth ('{first}'); lead with the fact "
                "that answers it, then name the myth",
                _citing(decision, first),
                audience,
                {"fact": first},
            )
        )
    return found


def _inherited_text(inherited: list[Inherited], language: str) -> str:
    """What a template leaves to the one it extends, written in ``language``: ``does
    not replace its blocks why, quote, which print en-US text``."""
    names = [i.block for i in inherited if i.block is not None]
    outside = len(names) < len(inherited)
    if not names:
        return f"prints its {language} text outside blocks, which no block here replaces"
    plural = len(names) > 1
    text = (
        f"does not replace its block{'s' if plural else ''} {listed_blocks(names)}, "
        f"which print{'' if plural else 's'} {language} text"
    )
    return text + (", as its text outside blocks does" if outside else "")


def _inherited_advice(inherited: list[Inherited]) -> str:
    """How to give the brief its own language's words: a block is replaced; text a
    template it extends prints outside blocks can only be left with that template."""
    blocks = sum(i.block is not None for i in inherited)
    if not blocks:
        return "extend a template in the brief's language"
    if blocks < len(inherited):  # text outside blocks too, which no block replaces
        replace = "the block" if blocks == 1 else "the blocks"
    else:
        replace = "it" if blocks == 1 else "them"
    return f"replace {replace}, or extend a template in the brief's language"


def _last_headings(blocks: tuple[AnyBlock, ...]) -> list[Heading]:
    """Section headings that end the body, a box or a column: over nothing."""
    # The notes print in the footer, wherever the template puts them.
    body = [b for b in blocks if not isinstance(b, Notes)]
    last = body[-1] if body else None
    heads = [last] if isinstance(last, Heading) and last.level > 1 else []
    for block in blocks:
        if isinstance(block, Box):
            heads += _last_headings(block.blocks)
        elif isinstance(block, Columns):
            heads += _last_headings(block.main) + _last_headings(block.aside)
    return heads


# A figure with Spain's thousands points (1.234.567, 26.700) or decimal comma before a
# percent (12,5 %), which U.S. Spanish writes 1,234,567 and 12.5%; or as the RAE
# writes it, its thousands parted by a space (26 700, also a no-break or thin one) or
# its percent sign by a space (86 %), where briefgen's own numbers on the same page
# read 26,700 and 86%.
_SPACES = " \u00a0\u2009\u202f"
_SPAIN_FIGURE = re.compile(
    r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![\d.,]\d)|\d+,\d+\s?%"
    rf"|(?<![\d.,])\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?![\d.,]?\d)"
    rf"|(?<![\d.,])\d+(?:[.,]\d+)*[{_SPACES}]%"
)


# Words of letters: a Spanish form that repeats a text of two or more of them is
# English left in place (a name alone may be the same in both languages).
_WORDS = re.compile(r"[^\W\d_]{2,}")


def _translations(store: FactStore, decision: Decision, printed: list[str]) -> list[Finding]:
    """For a brief in another language than English, each cited fact whose form in
    that language is missing or not reviewed (only Spanish, ``es:``, exists so far)."""
    language = language_code(decision.audience.language)
    if language != "es":
        return []
    found = []
    for fact_id in printed:
        fact = store.get(fact_id)
        figure = (
            _SPAIN_FIGURE.search(" ".join((fact.es.text, fact.es.short or ""))) if fact.es else None
        )
        if figure is not None:
            # es-US readers, as U.S. English ones, read 26.700 as twenty-six point seven.
            found.append(
                Finding(
                    "warning",
                    "spain-number",
                    f"'{fact_id}' writes '{figure.group(0)}' in its Spanish form the way "
                    "Spain does; U.S. Spanish writes 26,700, 98.9 and 86% "
                    f"({store.where(fact_id, 'es')})",
                    _citing(decision, fact_id),
                    decision.audience.name,
                    {"fact": fact_id, "number": figure.group(0)},
                )
            )
        # Not reviewed: a reviewer may keep a name of several words (Operation Blue
        # Lotus) as it is. Compared word for word, whatever the spaces between.
        same = []
        if fact.es is not None and not fact.es.reviewed:
            forms = (("text", fact.text, fact.es.text), ("short", fact.short, fact.es.short))
            same = [
                name
                for name, english, spanish in forms
                if english
                and spanish
                and english.split() == spanish.split()
                and len(_WORDS.findall(english)) > 1
            ]
        if same:
            found.append(
                Finding(
                    "warning",
                    "english-in-spanish",
                    f"'{fact_id}' has the English {' and '.join(same)} as its Spanish "
                    f"form, word for word; translate it ({store.where(fact_id, 'es')})",
                    _citing(decision, fact_id),
                    decision.audience.name,
                    {"fact": fact_id},
                )
            )
        if fact.es is None:
            code, what = "missing-translation", "has no Spanish form (es:)"
        elif not fact.es.reviewed:
            code, what = "unreviewed-translation", "has a Spanish form not yet reviewed"
        else:
            continue
        found.append(
            Finding(
                "warning",
                code,
                f"'{fact_id}' {what} ({store.where(fact_id, 'es')})",
                _citing(decision, fact_id),
                decision.audience.name,
                {"fact": fact_id},
            )
        )
    return found


def cited_ids(decision: Decision) -> list[str]:
    """The facts cited on the page, in the order a reader meets them."""
    from briefgen.citations import cited_ids as cited

    return cited(decision.fit.document)


def _citing(decision: Decision, fact_id: str) -> Location:
    """The template line that cites ``fact_id`` first (its ``[@id]``, or its chart)."""
    if at := decision.first_citing.get(fact_id):
        return decision.rendered.location(*at)
    return decision.document.source


def store_findings(store: FactStore, decisions: list[Decision], every: bool) -> list[Finding]:
    """The store's findings: each source a checked brief cites that has no URL, and,
    when ``every`` audience was checked, each fact no template cites."""
    found = source_warnings(store, (f for d in decisions for f in cited_ids(d)))
    if every:
        used = {f for d in decisions for f in _all_cited(d)}
        for fact in store:
            if fact.id not in used:
                found.append(
                    Finding(
                        "info",
                        "unused-fact",
                        f"no template cites '{fact.id}'",
                        store.where(fact.id),
                        data={"fact": fact.id},
                    )
                )
    return found


def _all_cited(decision: Decision) -> list[str]:
    """Every fact the template cites, on the page or in a block the fitter dropped."""
    from briefgen.citations import cited_ids as cited

    return cited(decision.document)


def source_warnings(store: FactStore, printed: Iterable[str]) -> list[Finding]:
    """A warning for each source of the facts ``printed`` that has no URL, in the
    store's order."""
    sources = dict.fromkeys(
        s
        for fact_id in printed
        for s in (store.get(fact_id).source, store.get(fact_id).original_source)
        if s
    )
    return [
        Finding(
            "warning",
            "source-without-url",
            f"source '{source_id}' has no URL; a reader cannot follow its note",
            store.where_source(source_id),
            data={"source": source_id},
        )
        for source_id in store.sources
        if source_id in sources and store.sources[source_id].URL is None
    ]


def build_warnings(workspace: Workspace, decisions: Iterable[Decision]) -> list[Finding]:
    """The warnings ``build`` prints: each brief's, then the store's (once)."""
    decided = list(decisions)
    found = [w for d in decided for w in brief_warnings(workspace, d)]
    return (
        found
        + [
            f
            for f in store_findings(workspace.store, decided, every=False)
            if f.severity == "warning"
        ]
        + sample_settings(workspace)
    )


def warning_lines(findings: Iterable[Finding]) -> list[str]:
    """One short line per warning, ``path:line: warning: …``; the same line for two
    audiences (a source both cite) once."""
    return list(dict.fromkeys(f.line() for f in findings))


def as_json(result: CheckResult) -> str:
    """The check's result as JSON: the audiences checked, counts, one entry per finding."""
    return json.dumps(
        {
            "audiences": result.audiences,
            **(
                {"copies": result.copies, "failed": result.failed}
                if result.copies is not None
                else {}
            ),
            "errors": result.count("error"),
            "warnings": result.count("warning"),
            "findings": [f.as_dict() for f in result.findings],
        },
        indent=2,
        ensure_ascii=False,
    )


def as_text(result: CheckResult) -> list[str]:
    """The report ``briefgen check`` prints: per audience its fit and what it dropped,
    then every error and warning, one line each; the facts no template cites in one
    line; the counts."""
    lines: list[str] = []
    shown: set[str] = set()  # a line two audiences share (a parent template's) once
    for audience in [*result.audiences, None]:
        mine = [f for f in result.findings if f.audience == audience]
        if audience is not None:
            lines.append(f"{audience}:")
        errors = 0
        for finding in mine:
            if finding.code == "unused-fact":
                continue
            if finding.severity == "error":
                errors += 1
                if errors > MAX_ERRORS_SHOWN:
                    continue
            if finding.severity == "info" and audience is not None:
                lines.append(f"  {finding.message}")
            elif finding.line() not in shown:
                shown.add(finding.line())
                lines.append(f"  {finding.line()}" if audience else finding.line())
        if errors > MAX_ERRORS_SHOWN:
            more = f"... and {errors - MAX_ERRORS_SHOWN:,} more errors (--json lists every one)"
            lines.append(f"  {more}" if audience else more)
    unused = [f.data["fact"] for f in result.findings if f.code == "unused-fact"]
    if unused:
        # A store of thousands made this one line hundreds of kilobytes long.
        named = ", ".join(unused[:MAX_UNUSED_SHOWN])
        if len(unused) > MAX_UNUSED_SHOWN:
            named += f" and {len(unused) - MAX_UNUSED_SHOWN:,} more"
        lines.append(
            f"info: {len(unused):,} facts no template cites: {named} (--json gives where each is)"
        )
    lines.append(
        f"checked {plural(len(result.audiences), 'audience')}"
        + (f", {copy_count(result.copies)}" if result.copies is not None else "")
        + (f" ({result.failed:,} failed)" if result.failed else "")
        + ": "
        f"{plural(result.count('error'), 'error')}, "
        f"{plural(result.count('warning'), 'warning')}"
    )
    return lines


def copy_count(count: int) -> str:
    """ "1 copy", "1,000 copies"."""
    return f"{count:,} cop{'y' if count == 1 else 'ies'}"


def failing(result: CheckResult, strict: bool) -> list[Finding]:
    """The findings that fail the check: the errors, and under ``--strict`` the
    warnings too, in the order found."""
    severities = ("error", "warning") if strict else ("error",)
    return [finding for finding in result.findings if finding.severity in severities]


def quiet_lines(result: CheckResult, strict: bool) -> list[str]:
    """What ``check -q`` prints: a line for each finding that fails the check, the
    first :data:`~briefgen.errors.MAX_PROBLEMS_SHOWN` of them, then how many more
    (a facts file's thousands of misspelt keys printed megabytes)."""
    lines = [finding.line() for finding in failing(result, strict)]
    if len(lines) <= MAX_PROBLEMS_SHOWN:
        return lines
    more = len(lines) - MAX_PROBLEMS_SHOWN
    return [*lines[:MAX_PROBLEMS_SHOWN], f"... and {more:,} more (--json lists every one)"]


def exit_code(result: CheckResult, strict: bool) -> int:
    """1 for any error, or for any warning under ``--strict``; else 0."""
    return 1 if failing(result, strict) else 0


def warnings_of(result: BuildResult) -> list[Finding]:
    """The warnings of a finished build: each brief's, then the store's (once)."""
    if result.workspace is None:
        return []
    decisions = [brief.decision for brief in result.briefs if brief.decision is not None]
    return [_skipped(s) for s in result.skipped] + build_warnings(result.workspace, decisions)


def _skipped(skip: Skipped) -> Finding:
    """A built-in a build without --audience left out."""
    return Finding(skip.severity, "skipped-audience", skip.message, skip.location, skip.audience)
