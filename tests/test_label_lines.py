"""A key number's label, in a card or the sidebar, never ends on a line of one word.

A label is two or three short lines under its figure; a last line of one word
("week", "media") leaves a hole a reader sees before reading it, as a title's would.
Its last two words are joined by a no-break space (as a title's are), so both the PDF
and the DOCX that LibreOffice lays out keep them on one line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from office import convert_all, requires_libreoffice
from pypdf import PdfReader

from briefgen.model import Callout, plain_text, walk
from briefgen.pipeline import BuildOptions, build

REPO = Path(__file__).resolve().parents[1]


def _lines(pdf: Path) -> list[str]:
    """The page's lines."""
    text = PdfReader(pdf).pages[0].extract_text() or ""
    return [line.replace("\xa0", " ").strip() for line in text.split("\n")]


@requires_libreoffice
def test_no_label_ends_on_a_line_of_one_word(tmp_path: Path) -> None:
    shutil.copy(REPO / "briefgen.toml", tmp_path)
    result = build(
        BuildOptions(
            workspace=tmp_path,
            facts=REPO / "facts",
            out=tmp_path / "out",
            audiences=("chiefs", "legislators", "public", "public-es"),
        )
    )
    names = [brief.audience.name for brief in result.briefs]
    laid_out = convert_all([tmp_path / "out" / f"{name}.docx" for name in names], tmp_path)
    seen = 0
    for brief, lo_pdf in zip(result.briefs, laid_out, strict=True):
        name = brief.audience.name
        labels = [
            plain_text(block.label, citations=False).replace("\xa0", " ").split()
            for block in walk(brief.fit.document.blocks)
            if isinstance(block, Callout)
        ]
        last_words = {words[-1] for words in labels if len(words) > 1}
        seen += len(last_words)
        for pdf in (tmp_path / "out" / f"{name}.pdf", lo_pdf):
            # A line of the word alone, or of it and its note number.
            lone = [
                line
                for line in _lines(pdf)
                if line in last_words or re.sub(r"\d+$", "", line) in last_words
            ]
            assert lone == [], (pdf, lone)
    # Before, the chiefs' sidebar set two labels' last words alone ("week", "media").
    assert seen >= 10
