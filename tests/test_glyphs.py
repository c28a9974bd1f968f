"""The glyph check: a character that would not print as written stops the build with
the character and where it was written named; nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli

REPO = Path(__file__).resolve().parents[1]

# One of each class: C0 controls (a unit separator, a form feed), DEL and a C1
# control, and the Unicode line and paragraph separators.
CONTROLS = {
    "\x1f": "U+001F control character",
    "\x0c": "U+000C control character",
    "\x7f": "U+007F control character",
    "\x85": "U+0085 control character",
    "\u2028": "U+2028 LINE SEPARATOR",
    "\u2029": "U+2029 PARAGRAPH SEPARATOR",
}


@pytest.mark.parametrize("char", list(CONTROLS), ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_glyph_check_refuses_control_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, char: str
) -> None:
    """A control character in a template: the PDF would show a space and the DOCX drop
    it (or break the line), so the build stops at the template's line instead."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    template = f"# Controls\n\nBefore{char}after.\n"
    (tmp_path / "templates" / "trial.md.j2").write_text(template, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["build", "--audience", "trial", "--facts", str(REPO / "facts")]
    )
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{Path('templates') / 'trial.md.j2'}:3: the template has "
        + (
            "an unprintable character: "
            if char not in "\u2028\u2029"
            else "a line separator, which prints differently in PDF and DOCX: "
        )
        + CONTROLS[char]
    ]
    assert not (tmp_path / "output").exists()


def test_nul_in_a_template_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Markdown turns U+0000 into U+FFFD: without a check the page would show a
    replacement character where the template has a NUL."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "trial.md.j2").write_text("# Nul\n\nA\x00b.\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["build", "--audience", "trial", "--facts", str(REPO / "facts")]
    )
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{Path('templates') / 'trial.md.j2'}:3: the template has a ")
    assert "U+0000 NUL" in line and line.endswith("U+FFFD")
    assert not (tmp_path / "output").exists()


def test_replacement_character_is_traced_to_its_fact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "facts").mkdir()
    (tmp_path / "templates").mkdir()
    (tmp_path / "facts" / "sources.yaml").write_text(
        "sources:\n  - id: city\n    type: report\n    title: City report\n", encoding="utf-8"
    )
    (tmp_path / "facts" / "case.yaml").write_text(
        "facts:\n  - id: lost\n    kind: finding\n    as_of: 2023\n    source: city\n"
        "    text: Fenta\ufffdnyl seizures rose.\n",
        encoding="utf-8",
    )
    (tmp_path / "templates" / "trial.md.j2").write_text(
        '# Lost\n\n{{ fact("lost").text }} {{ cite("lost") }}\n', encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["build", "--audience", "trial"])
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{Path('facts') / 'case.yaml'}:6: fact 'lost' has a "), line
    assert line.endswith("U+FFFD")
