"""One page, always: the fitter drops optional blocks, then shrinks type, then fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from briefgen.cli import cli

REPO = Path(__file__).resolve().parents[1]
FACT = "fentanyl-offenders-us-citizens"
PARAGRAPH = f'{{{{ fact("{FACT}").text }}}} {{{{ cite("{FACT}") }}}}\n\n'


def build(tmp_path: Path, template: str) -> tuple[int, str]:
    templates = tmp_path / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "trial.md.j2").write_text(template, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "--audience",
            "trial",
            "--format",
            "pdf",
            "--facts",
            str(REPO / "facts"),
            "--templates",
            str(templates),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    return result.exit_code, result.output


def pages(tmp_path: Path) -> int:
    return len(PdfReader(tmp_path / "out" / "trial.pdf").pages)


def test_fits_without_changes(tmp_path: Path) -> None:
    code, output = build(tmp_path, "# Short\n\n" + PARAGRAPH * 3)
    assert code == 0, output
    assert "1 page" in output and "dropped" not in output and " pt" not in output
    assert pages(tmp_path) == 1


def test_drops_optional_blocks_lowest_priority_first(tmp_path: Path) -> None:
    template = (
        "# Drop\n\n"
        + PARAGRAPH * 14
        + "::: optional 3\nKEEP-ME "
        + PARAGRAPH
        + ":::\n\n"
        + "::: optional 1\nDROP-ME "
        + PARAGRAPH * 8
        + ":::\n\n"
    )
    code, output = build(tmp_path, template)
    assert code == 0, output
    assert "dropped (optional, priority 1)" in output
    assert "priority 3" not in output
    text = PdfReader(tmp_path / "out" / "trial.pdf").pages[0].extract_text()
    assert "KEEP-ME" in text and "DROP-ME" not in text
    assert pages(tmp_path) == 1


def test_shrinks_type_when_nothing_is_optional(tmp_path: Path) -> None:
    code, output = build(tmp_path, "# Shrink\n\n" + PARAGRAPH * 19)
    assert code == 0, output
    assert "body 10.5 pt" in output or "body 10 pt" in output or "body 9.5 pt" in output
    assert pages(tmp_path) == 1


def test_fails_naming_the_brief_and_the_overflow(tmp_path: Path) -> None:
    code, output = build(tmp_path, "# Ten pages\n\n" + PARAGRAPH * 200)
    assert code == 1
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith(str(Path("templates") / "trial.md.j2") + ":1: ") or (
        "trial.md.j2:1: " in lines[0]
    )
    assert "brief 'trial' does not fit one page" in lines[0]
    assert "in too much" in lines[0]
    assert "Traceback" not in output
    assert not (tmp_path / "out" / "trial.pdf").exists()


@pytest.mark.parametrize("count", [1, 6])
def test_fill_is_reported_as_a_percentage(tmp_path: Path, count: int) -> None:
    code, output = build(tmp_path, "# Fill\n\n" + PARAGRAPH * count)
    assert code == 0, output
    assert "% full" in output
