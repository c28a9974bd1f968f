"""Inputs that made a stage outside the template's limits take time squared in their
size: each must now be read in one pass. Each case runs in a fresh interpreter held to
a few seconds of CPU time (a limit, as docs/templates.md's are, not a clock): the
quadratic versions took tens of seconds to minutes on the same input."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.errors import Location
from briefgen.model import Cite, Paragraph
from briefgen.parse import CITATION, parse_blocks

REPO = Path(__file__).resolve().parents[1]
# CPU seconds a case may take, start-up and imports included: each takes well under one.
CPU_SECONDS = 5


def _held_to_cpu_seconds() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def run_limited(code: str) -> str:
    """Run ``code`` in a new interpreter within :data:`CPU_SECONDS`; its output."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        preexec_fn=_held_to_cpu_seconds,
        check=False,
    )
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    return result.stdout


@pytest.mark.parametrize(
    "pattern, text",
    [
        # "[@[@[@...": each "[@" scanned to the end of the paragraph for its "]" (100,000
        # of them, 200,000 characters, the most a template may write: minutes).
        ("briefgen.parse.CITATION", '"[@" * 100_000'),
        # A link target scanned from each "](" to the end: "](](](..." (21 s).
        ("briefgen.untraced._ADDRESSES", '"](" * 200_000'),
        # "§" then the digits of a section, tried from each "§" of a run (over a minute).
        ("briefgen.untraced._CITED_LAW", '"§" * 100_000'),
    ],
)
def test_a_pattern_reads_a_run_of_its_openers_in_one_pass(pattern: str, text: str) -> None:
    module, name = pattern.rsplit(".", 1)
    found = run_limited(
        f"from {module} import {name}\nprint(len({name}.findall({text})))",
    )
    assert found.strip() == "0"


def test_a_fact_id_holds_no_opening_bracket() -> None:
    """What keeps the citation's scan to one pass: "[@" reads no further than the next
    "[", which no fact id (a slug) holds."""
    assert CITATION.match("[@a[@b]") is None
    assert CITATION.match("[@seizures-up-480-percent]")
    (paragraph,) = parse_blocks("Text [@a[@b] more.", (Location("t", 1),), Location("t", 1))
    assert isinstance(paragraph, Paragraph)
    assert [item.fact_ids for item in paragraph.inlines if isinstance(item, Cite)] == [("b",)]


def test_figures_reads_a_run_of_section_signs_and_link_ends_in_one_pass() -> None:
    """The untraced-number check reads every line of a template, printed or not, and
    is outside the template's time limit: a line of 100,000 "§" took over a minute."""
    found = run_limited(
        "from briefgen.untraced import figures\n"
        'print(figures("§" * 100_000 + " and 5"), figures("](" * 100_000 + "x) 7"))'
    )
    assert found.strip() == "['5'] ['7']"
