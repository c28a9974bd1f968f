"""Figures a build prints, each checked against a computation that does not use the
code under test: the reading grade against the Flesch–Kincaid formula worked out here
from hand-counted syllables, and the body-type floor the fitter must be able to reach.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from click.testing import Result as CliResult

from briefgen.cli import cli
from briefgen.errors import LayoutError
from briefgen.pipeline import BuildOptions, build
from briefgen.style import BODY_FLOOR

REPO = Path(__file__).resolve().parents[1]

# Every word the reading-level templates use, with its syllables counted by hand.
SYLLABLES = {
    "animals": 3,
    "eat": 1,
    "bananas": 3,
    "elephants": 3,
    "run": 1,
    "to": 1,
    "a": 1,
    "big": 1,
    "red": 1,
    "sun": 1,
    "cats": 1,
    "and": 1,
    "dogs": 1,
    "sat": 1,
    "on": 1,
    "mats": 1,
    "umbrellas": 3,
    "open": 2,
    "in": 1,
    "rain": 1,
    "international": 5,
    "organizations": 5,
    "investigate": 4,
    "administrative": 5,
    "responsibilities": 6,
    "comprehensive": 4,
    "television": 4,
    "communication": 5,
    "examinations": 5,
}
# Sentences opening with a capital vowel too: a syllable counter that only knows
# lower-case vowels would miss one there.
PLAIN = [
    "Animals eat bananas.",
    "Elephants run to a big red sun.",
    "Cats and dogs sat on mats.",
    "Umbrellas open in rain.",
]
HARD = [
    "International organizations investigate administrative responsibilities.",
    "Comprehensive television communication examinations.",
]


def flesch_kincaid(sentences: list[str]) -> float:
    """The Flesch–Kincaid grade: 0.39 × words per sentence + 11.8 × syllables per
    word − 15.59 (Kincaid et al., 1975)."""
    words = [w.strip(".").lower() for s in sentences for w in s.split()]
    syllables = sum(SYLLABLES[w] for w in words)
    return 0.39 * len(words) / len(sentences) + 11.8 * syllables / len(words) - 15.59


def reading_template(sentences: list[str], target: int) -> str:
    return f"---\nreading_level: {target}\n---\n# Reading\n\n" + " ".join(sentences) + "\n"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty workspace, the working directory, using the repository's facts."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    return tmp_path


def build_trial(workspace: Path, template: str) -> CliResult:
    """`briefgen build` of the audience 'trial' (templates/trial.md.j2), PDF only."""
    (workspace / "templates" / "trial.md.j2").write_text(template, encoding="utf-8")
    args = ["build", "--audience", "trial", "--format", "pdf", "--facts", str(REPO / "facts")]
    return CliRunner().invoke(cli, args)


def trial_options(workspace: Path, template: str) -> BuildOptions:
    (workspace / "templates" / "trial.md.j2").write_text(template, encoding="utf-8")
    return BuildOptions(
        workspace=workspace, facts=REPO / "facts", audiences=("trial",), formats=("pdf",)
    )


def test_reading_grade_is_exact(workspace: Path) -> None:
    result = build(trial_options(workspace, reading_template(PLAIN, 8)))
    grade = result.briefs[0].reading_grade
    assert grade is not None
    assert grade == pytest.approx(flesch_kincaid(PLAIN), abs=1e-9)


def test_report_warns_above_reading_target(workspace: Path) -> None:
    grade = flesch_kincaid(HARD)
    assert grade > 3
    result = build_trial(workspace, reading_template(HARD, 3))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        f"  reading level: grade {grade:.1f} (target 3 or lower)  ABOVE TARGET"
    )


def test_report_does_not_warn_at_or_below_the_target(workspace: Path) -> None:
    grade = flesch_kincaid(PLAIN)
    assert grade <= 4
    result = build_trial(workspace, reading_template(PLAIN, 4))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        f"  reading level: grade {grade:.1f} (target 4 or lower)"
    )


FACT = "fentanyl-offenders-us-citizens"
PARAGRAPH = f'{{{{ fact("{FACT}").text }}}} {{{{ cite("{FACT}") }}}}\n\n'


def test_fitter_reaches_body_floor(workspace: Path) -> None:
    """Add paragraphs one at a time: before the brief stops fitting, the fitter must
    have set it at the floor size itself, not given up half a point above it."""
    for paragraphs in range(12, 60):
        template = "# Floor\n\n" + PARAGRAPH * paragraphs
        try:
            result = build(trial_options(workspace, template))
        except LayoutError as exc:
            pytest.fail(
                f"{paragraphs} paragraphs failed before any reached {BODY_FLOOR:g} pt: {exc}"
            )
        if result.briefs[0].fit.style.body_size == BODY_FLOOR:
            break
    else:
        pytest.fail("60 paragraphs still fit above the floor")
    report = build_trial(workspace, template)
    assert report.exit_code == 0, report.output
    assert report.stdout.splitlines()[0].endswith(f"full, body {BODY_FLOOR:g} pt"), report.stdout
