"""A quote's attribution too long for one line breaks only after its commas: the
speaker's name, the role and the organization fill the lines in turn, each whole, in
both formats, rather than a line ending "Chief of" or "Department" standing alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from office import convert_all, requires_libreoffice
from test_build import page_lines

from briefgen.cli import cli
from briefgen.model import LineBreak, Span
from briefgen.renderers.breaks import line_count, speaker_apart
from briefgen.style import Style

REPO = Path(__file__).resolve().parents[1]
WHO = "\u2014 Chad E. Kasmar, Chief of Police, Tucson Police Department"


@pytest.mark.parametrize(
    ("width", "lines"),
    [
        # A sidebar's width: each part on a line of its own.
        (150.0, ["\u2014 Chad E. Kasmar,", "Chief of Police,", "Tucson Police Department"]),
        # Wider: the name and the role share a line, the organization whole below.
        (220.0, ["\u2014 Chad E. Kasmar, Chief of Police,", "Tucson Police Department"]),
        # A line holds it all: left as it is.
        (400.0, [WHO]),
    ],
)
def test_an_attribution_breaks_after_its_commas_only(width: float, lines: list[str]) -> None:
    style = Style()
    text, family = style.aside_attribution, style.theme.font
    broken = speaker_apart((Span(WHO),), text, family, width)
    printed = "".join("\n" if isinstance(i, LineBreak) else i.text for i in broken)  # type: ignore[union-attr]
    assert printed.split("\n") == lines
    # Each line it makes fits its line.
    for line in lines:
        assert line_count((Span(line),), text, family, width) == 1


def test_an_attribution_with_no_comma_or_a_part_too_long_is_left_to_wrap() -> None:
    style = Style()
    text, family = style.aside_attribution, style.theme.font
    alone = (Span("\u2014 Chief of Police of the Tucson Police Department"),)
    assert speaker_apart(alone, text, family, 150.0) is alone
    long_name = (Span("\u2014 Alexandra Maria Example-Longname de la Frontera Norte, Chief"),)
    assert speaker_apart(long_name, text, family, 150.0) is long_name


@requires_libreoffice
def test_the_legislators_attribution_has_the_same_lines_in_both_formats(
    tmp_path: Path,
) -> None:
    """In the legislators' sidebar the attribution ran "— Chad E. Kasmar, Chief of /
    Police, Tucson Police / Department"."""
    out = tmp_path / "out"
    args = ["build", "--facts", str(REPO / "facts"), "--audience", "legislators", "--out"]
    result = CliRunner().invoke(cli, [*args, str(out)])
    assert result.exit_code == 0, result.output
    (laid_out,) = convert_all([out / "legislators.docx"], tmp_path / "office")
    expected = ["\u2014 Chad E. Kasmar,", "Chief of Police,", "Tucson Police Department"]
    for pdf in (out / "legislators.pdf", laid_out):
        lines = page_lines(pdf)
        start = lines.index(expected[0])
        assert lines[start : start + 3] == expected, (pdf, lines)
