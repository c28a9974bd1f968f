"""``briefgen check --recipients FILE``: what ``build --recipients`` would decide for
every copy, reported per audience without writing a file.

The file's rows are checked as the build checks them, and each copy is then decided
(:func:`briefgen.pipeline.decide`) for its recipient, one after another in this
process. What ``check`` reports for one brief is gathered over an audience's copies:
the range of fills and the fullest copy, each type size, what was dropped and from
how many copies, each warning once, and each error once with the copies it stops.
"""

from __future__ import annotations

from collections import Counter
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
from briefgen.errors import BriefgenError, Location
from briefgen.fitting import MAX_FILL
from briefgen.pipeline import BuildOptions, Decision, Workspace, decide
from briefgen.recipients import Recipient, RecipientList
from briefgen.style import BODY_SIZE, INCH, PageSizeName
from briefgen.templating.search import AudienceInfo
from briefgen.templating.views import recipient_view

# A broken template fails every copy alike, and copies that do not fit each say by
# how much: an audience lists this many different errors, then how many more.
MAX_ERRORS_SHOWN = 20


@dataclass
class _Copies:
    """What the copies of one audience decided, as they are checked."""

    name: str
    recipients: RecipientList
    decided: int = 0
    least: tuple[float, Recipient] | None = None  # the emptiest copy's fill
    most: tuple[float, Recipient] | None = None  # the fullest copy's fill
    sizes: Counter[float] = field(default_factory=Counter)
    dropped: dict[str, tuple[Finding, list[Recipient]]] = field(default_factory=dict)
    errors: dict[str, tuple[Finding, list[Recipient]]] = field(default_factory=dict)
    failed: int = 0
    warnings: dict[str, Finding] = field(default_factory=dict)
    # The first copy's reading level: the copies differ only in a name or a figure.
    reading: list[Finding] = field(default_factory=list)
    frame_height: float = 0.0  # the page's text height, for the room to spare

    def add(self, recipient: Recipient, decision: Decision, workspace: Workspace) -> None:
        fill = decision.fit.fill
        self.frame_height = decision.fit.style.frame_height
        if self.least is None or fill < self.least[0]:
            self.least = (fill, recipient)
        if self.most is None or fill > self.most[0]:
            self.most = (fill, recipient)
        self.sizes[decision.fit.style.body_size] += 1
        for finding in brief_findings(workspace, decision):
            if finding.code == "dropped":
                self.dropped.setdefault(finding.line(), (finding, []))[1].append(recipient)
            elif finding.code == "reading-level":
                if not self.decided:
                    self.reading.append(finding)
            elif finding.severity == "warning":
                self.warnings.setdefault(finding.line(), finding)
        self.decided += 1

    def fail(self, recipient: Recipient, problem: BriefgenError) -> None:
        self.failed += 1
        for finding in error_findings(problem, self.name):
            self.errors.setdefault(finding.line(), (finding, []))[1].append(recipient)

    def findings(self) -> list[Finding]:
        """The audience's findings: its fit, type sizes, drops and reading level
        (information), then its errors and warnings."""
        found: list[Finding] = []
        if self.least is not None and self.most is not None:
            found.append(self._fit(self.least, self.most))
        for size, count in sorted(self.sizes.items(), reverse=True):
            if size != BODY_SIZE:
                found.append(
                    Finding(
                        "info",
                        "body-size",
                        f"body {size:g} pt (stepped down from {BODY_SIZE:g}) in {self._of(count)}",
                        audience=self.name,
                        data={"body_pt": size, "copies": count},
                    )
                )
        for finding, copies in self.dropped.values():
            found.append(self._in(finding, copies))
        found += [r for r in self.reading if r.severity == "info"]
        errors = list(self.errors.values())
        found += [self._in(finding, copies) for finding, copies in errors[:MAX_ERRORS_SHOWN]]
        if len(errors) > MAX_ERRORS_SHOWN:
            more = sum(len(copies) for _, copies in errors[MAX_ERRORS_SHOWN:])
            found.append(
                Finding(
                    "error",
                    "more-errors",
                    f"... and {len(errors) - MAX_ERRORS_SHOWN:,} more errors, "
                    f"in {copy_count(more)}",
                    Location.of(self.recipients.path),
                    self.name,
                )
            )
        reading_warnings = [r for r in self.reading if r.severity == "warning"]
        return found + reading_warnings + list(self.warnings.values())

    def _fit(self, least: tuple[float, Recipient], most: tuple[float, Recipient]) -> Finding:
        fullest = most[1]
        room_in = max(MAX_FILL - most[0], 0.0) * self.frame_height / INCH
        if self.decided == 1:
            summary = (
                f"1 copy, 1 page, {most[0]:.0%} full, {room_in:.1f} in to spare: "
                f"{self._who(fullest)}"
            )
        else:
            low, high = f"{least[0]:.0%}", f"{most[0]:.0%}"
            span = high if low == high else f"{low.removesuffix('%')}–{high}"
            summary = (
                f"{copy_count(self.decided)}, each 1 page, {span} full; the fullest, "
                f"{self._who(fullest)}, has {room_in:.1f} in to spare"
            )
        return Finding(
            "info",
            "fit",
            summary,
            self.recipients.location(fullest),
            self.name,
            {
                "copies": self.decided,
                "pages": 1,
                "fill_least": round(least[0], 4),
                "fill_most": round(most[0], 4),
                "fullest": fullest.slug,
                "room_in": round(room_in, 2),
            },
        )

    def _in(self, finding: Finding, copies: list[Recipient]) -> Finding:
        """``finding`` saying which copies it holds for."""
        first = copies[0]
        which = (
            self._who(first)
            if len(copies) == 1
            else f"{self._of(len(copies))}, first {self._who(first)}"
        )
        return Finding(
            finding.severity,
            finding.code,
            f"{finding.message} (in {which})",
            finding.location,
            self.name,
            {**finding.data, "copies": [c.slug for c in copies]},
        )

    def _of(self, count: int) -> str:
        total = self.decided + self.failed
        return f"all {total:,} copies" if count == total > 1 else f"{count:,} of {total:,} copies"

    def _who(self, recipient: Recipient) -> str:
        return f"{recipient.slug} at {self.recipients.location(recipient)}"


def run_copies_check(options: BuildOptions, path: Path, name_column: str = "id") -> CheckResult:
    """Check the recipients file at ``path`` as ``build --recipients`` would, decide
    every row's copy, and report on each audience's copies together; nothing is
    written. Problems with the file itself are every finding when there are any."""
    from briefgen.batch import read_recipients

    try:
        workspace = Workspace.open(options)
        audience = options.audiences[0] if options.audiences else None
        recipients = read_recipients(workspace, path, audience, name_column)
    except BriefgenError as problem:
        return CheckResult(findings=error_findings(problem))
    return check_copies(workspace, recipients, options.page_size)


def check_copies(
    workspace: Workspace, recipients: RecipientList, page_size: PageSizeName | None
) -> CheckResult:
    """Decide every recipient's copy as ``build --recipients`` would, and report on
    each audience's copies together; then, as a batch warns, the places no fact is
    about and the cited sources without a URL."""
    from briefgen.batch import place_warnings
    from briefgen.templating.environment import TemplateRenderer

    renderer = TemplateRenderer(
        workspace.search_path, workspace.store, workspace.settings, workspace.date
    )
    audiences: dict[str, AudienceInfo] = {}
    by_audience: dict[str, _Copies] = {}
    cited: dict[str, None] = {}
    for recipient in recipients.recipients:
        name = recipient.audience
        if name not in audiences:
            audiences[name] = workspace.search_path.audience(name)
            by_audience[name] = _Copies(name, recipients)
        view = recipient_view(recipients.columns, recipient.values)
        try:
            decision = decide(workspace, renderer, audiences[name], page_size, view)
        except BriefgenError as problem:
            by_audience[name].fail(recipient, problem)
            continue
        by_audience[name].add(recipient, decision, workspace)
        cited.update(dict.fromkeys(cited_ids(decision)))
    result = CheckResult(audiences=list(by_audience), copies=len(recipients.recipients))
    for audience in by_audience.values():
        result.findings += audience.findings()
    result.findings += place_warnings(workspace, recipients)
    result.findings += source_warnings(workspace.store, cited)
    return result
