"""``briefgen check --recipients FILE``: what ``build --recipients`` would decide for
every copy, reported per audience without writing a file.

The file's rows are checked as the build checks them, and each copy is then decided
(:func:`briefgen.pipeline.decide`) for its recipient, one after another in this
process. What ``check`` reports for one brief is gathered over an audience's copies:
the range of fills and the fullest copy, each type size, what was dropped and from
how many copies, each warning once, and each error once with the copies it stops.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from briefgen.check import (
    CheckResult,
    Finding,
    brief_findings,
    cited_ids,
    copy_count,
    error_findings,
    source_warnings,
)
from briefgen.errors import BriefgenError
from briefgen.facts.report import plural
from briefgen.facts.schema import place_slug
from briefgen.fitting import MAX_FILL
from briefgen.options import BuildOptions
from briefgen.pipeline import Decision, Workspace, decide
from briefgen.recipients import Recipient, RecipientList
from briefgen.style import BODY_SIZE, INCH, PageSizeName
from briefgen.templating.search import AudienceInfo
from briefgen.templating.views import recipient_view

# A place's facts that no copy prints, listed at most (then how many more).
MAX_FACTS_SHOWN = 10

# What makes the findings of two copies one: their kind, where, and what they are
# about (their data: a fact, a column, a number, a type size), not their wording,
# which may hold a copy's own name or text. A reading grade is each copy's own, yet
# one finding. Errors are told apart by their wording.
_EACH_COPYS_OWN = frozenset({"score"})

_Group = tuple[Finding, list[Recipient]]  # the first copy's finding, and every copy's


@dataclass
class _Copies:
    """What the copies of one audience decided, as they are checked."""

    name: str
    recipients: RecipientList
    fitted: int = 0
    failed: int = 0
    least: tuple[float, Recipient] | None = None  # the emptiest copy's fill
    most: tuple[float, Recipient] | None = None  # the fullest copy's fill
    frame_height: float = 0.0  # the page's text height, for the room to spare
    groups: dict[tuple[object, ...], _Group] = field(default_factory=dict)

    def add(self, recipient: Recipient, decision: Decision, workspace: Workspace) -> None:
        fit = decision.fit
        self.frame_height = fit.style.frame_height
        if self.least is None or fit.fill < self.least[0]:
            self.least = (fit.fill, recipient)
        if self.most is None or fit.fill > self.most[0]:
            self.most = (fit.fill, recipient)
        found = [f for f in brief_findings(workspace, decision) if f.code != "fit"]
        if fit.style.body_size != BODY_SIZE:
            size = fit.style.body_size
            found.insert(
                0,
                Finding(
                    "info",
                    "body-size",
                    f"body {size:g} pt (stepped down from {BODY_SIZE:g}"
                    + (f": {fit.narrowed})" if fit.narrowed else ")"),
                    audience=self.name,
                    data={"body_pt": size},
                ),
            )
        for finding in found:
            about = sorted(
                (name, repr(value))
                for name, value in finding.data.items()
                if name not in _EACH_COPYS_OWN
            )
            key = (finding.severity, finding.code, str(finding.location), *about)
            self._note(key, finding, recipient)
        self.fitted += 1

    def fail(self, recipient: Recipient, problem: BriefgenError) -> None:
        self.failed += 1
        for finding in error_findings(problem, self.name):
            self._note(("error", finding.line()), finding, recipient)

    def _note(self, key: tuple[object, ...], finding: Finding, recipient: Recipient) -> None:
        """``finding`` of ``recipient``'s copy, in the group of ``key``: the copy is
        named once however often its page gives the finding."""
        copies = self.groups.setdefault(key, (finding, []))[1]
        if not copies or copies[-1] is not recipient:
            copies.append(recipient)

    def findings(self) -> list[Finding]:
        """The audience's findings: its fit, then type sizes, drops and reading level
        (information), then its errors and its warnings."""
        found: list[Finding] = []
        if self.least is not None and self.most is not None:
            found.append(self._fit(self.least, self.most))
        for severity in ("info", "error", "warning"):
            for finding, copies in self.groups.values():
                if finding.severity == severity:
                    found.append(self._in(finding, copies))
        return found

    def _fit(self, least: tuple[float, Recipient], most: tuple[float, Recipient]) -> Finding:
        fullest = most[1]
        room_in = max(MAX_FILL - most[0], 0.0) * self.frame_height / INCH
        total = self.fitted + self.failed
        if self.failed:
            fits = "fits" if self.fitted == 1 else "fit"
            count = f"{self.fitted:,} of {copy_count(total)} {fits} one page,"
        elif total == 1:
            count = "1 copy, 1 page,"
        else:
            count = f"{copy_count(total)}, each 1 page,"
        if self.fitted == 1:
            summary = f"{count} {most[0]:.0%} full, {room_in:.1f} in to spare: {self._who(fullest)}"
        else:
            low, high = f"{least[0]:.0%}", f"{most[0]:.0%}"
            span = high if low == high else f"{low.removesuffix('%')}–{high}"
            summary = (
                f"{count} {span} full; the fullest, {self._who(fullest)}, has "
                f"{room_in:.1f} in to spare"
            )
        return Finding(
            "info",
            "fit",
            summary,
            self.recipients.location(fullest),
            self.name,
            {
                "fitted": self.fitted,
                "failed": self.failed,
                "pages": 1,
                "fill_least": round(least[0], 4),
                "fill_most": round(most[0], 4),
                "fullest": fullest.slug,
                "room_in": round(room_in, 2),
            },
        )

    def _in(self, finding: Finding, copies: list[Recipient]) -> Finding:
        """``finding`` as the first of ``copies`` had it, saying which copies it holds
        for: an error always, anything else when some copies do not have it."""
        message = finding.message
        total = self.fitted + self.failed
        if finding.severity == "error" or len(copies) < total:
            first = copies[0]
            if len(copies) == 1:
                which = self._who(first)
            elif len(copies) == total:
                which = f"all {copy_count(total)}, first {self._who(first)}"
            else:
                which = f"{len(copies):,} of {copy_count(total)}, first {self._who(first)}"
            # After the first line: a template's syntax error goes on with its line
            # and a caret under the mistake.
            head, newline, rest = message.partition("\n")
            message = f"{head} (in {which}){newline}{rest}"
        return Finding(
            finding.severity,
            finding.code,
            message,
            finding.location or self.recipients.location(copies[0]),
            self.name,
            {**finding.data, "copies": [c.slug for c in copies]},
        )

    def _who(self, recipient: Recipient) -> str:
        return f"{recipient.slug} at {self.recipients.location(recipient)}"


def run_copies_check(
    options: BuildOptions, path: Path, name_column: str = "id", progress: bool = False
) -> CheckResult:
    """Check the recipients file at ``path`` as ``build --recipients`` would, decide
    every row's copy, and report on each audience's copies together; nothing is
    written. Problems with the file itself are every finding when there are any.
    ``progress``: show a bar on stderr as a batch does (a thousand rows take a while)."""
    from briefgen.batch import check_audience_option, read_recipients

    try:
        workspace = Workspace.open(options)
    except BriefgenError as problem:
        return CheckResult(findings=error_findings(problem))
    audience = options.audiences[0] if options.audiences else None
    # Raised at once, as check without --recipients and build --recipients raise it.
    check_audience_option(workspace, audience)
    try:
        recipients = read_recipients(workspace, path, audience, name_column)
    except BriefgenError as problem:
        return CheckResult(findings=error_findings(problem))
    return check_copies(workspace, recipients, options.page_size, audience, progress)


def check_copies(
    workspace: Workspace,
    recipients: RecipientList,
    page_size: PageSizeName | None,
    audience: str | None = None,
    progress: bool = False,
) -> CheckResult:
    """Decide every recipient's copy as ``build --recipients`` would, and report on
    each audience's copies together; then, as a batch warns, the file's own warnings
    (``audience``: ``--audience``) and the cited sources without a URL."""
    from briefgen import interrupts
    from briefgen.batch import file_warnings, progress_bar
    from briefgen.templating.environment import TemplateRenderer

    renderer = TemplateRenderer(
        workspace.search_path, workspace.store, workspace.settings, workspace.date
    )
    audiences: dict[str, AudienceInfo] = {}
    by_audience: dict[str, _Copies] = {}
    cited: dict[str, None] = {}
    places = _Places(workspace, recipients)
    with progress_bar(len(recipients.recipients), progress, "checking") as advance:
        for recipient in recipients.recipients:
            interrupts.check()
            name = recipient.audience
            if name not in audiences:
                audiences[name] = workspace.search_path.audience(name)
                by_audience[name] = _Copies(name, recipients)
            view = recipient_view(recipients.columns, recipient.values)
            try:
                decision = decide(workspace, renderer, audiences[name], page_size, view)
            except BriefgenError as problem:
                by_audience[name].fail(recipient, problem)
            else:
                by_audience[name].add(recipient, decision, workspace)
                printed = cited_ids(decision)
                cited.update(dict.fromkeys(printed))
                places.add(recipient, printed)
            advance()
    result = CheckResult(
        audiences=list(by_audience),
        copies=len(recipients.recipients),
        failed=sum(a.failed for a in by_audience.values()),
    )
    for copies in by_audience.values():
        result.findings += copies.findings()
    result.findings += file_warnings(workspace, recipients, audience)
    result.findings += places.findings()
    result.findings += source_warnings(workspace.store, cited)
    return result


class _Places:
    """The facts about each place the copies are for, and which of them the copies
    for that place print: a local figure no copy prints did not go out, though the
    file names its place and no warning says the place is unknown."""

    def __init__(self, workspace: Workspace, recipients: RecipientList) -> None:
        self.store = workspace.store
        self.recipients = recipients
        self.column = recipients.columns.index("place")
        self.known = set(workspace.store.places())
        self.first: dict[str, Recipient] = {}
        self.audiences: dict[str, set[str]] = {}
        self.printed: dict[str, set[str]] = {}

    def add(self, recipient: Recipient, printed: list[str]) -> None:
        place = place_slug(recipient.values[self.column])
        if place not in self.known:
            return
        self.first.setdefault(place, recipient)
        self.audiences.setdefault(place, set()).add(recipient.audience)
        self.printed.setdefault(place, set()).update(printed)

    def findings(self) -> list[Finding]:
        """For each place, the facts about it, for an audience its copies are for,
        that none of them prints (information: a template prints what it asks for)."""
        found = []
        for place, recipient in self.first.items():
            unprinted = [
                fact.id
                for fact in self.store.select(place=place)
                if fact.id not in self.printed[place]
                and (not fact.audiences or self.audiences[place] & set(fact.audiences))
            ]
            if unprinted:
                shown = ", ".join(unprinted[:MAX_FACTS_SHOWN])
                if len(unprinted) > MAX_FACTS_SHOWN:
                    shown += f" and {len(unprinted) - MAX_FACTS_SHOWN:,} more"
                found.append(
                    Finding(
                        "info",
                        "unprinted-local-fact",
                        f"{plural(len(unprinted), 'fact')} about {place} "
                        f"{'is' if len(unprinted) == 1 else 'are'} on no copy for "
                        f"{place}: {shown} (a template prints the facts it asks for, "
                        "such as facts(place=recipient.place, topic=...))",
                        self.recipients.location(recipient),
                        data={"place": place, "facts": unprinted},
                    )
                )
        return found
