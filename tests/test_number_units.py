"""A number printed from a fact keeps to its unit words on one line.

On A4 the chiefs' brief ended a line "which is about 100" over "times more potent
than morphine", in the PDF and in LibreOffice's layout of the DOCX: a reader takes in
"100" with nothing to count. A fact's ``.number`` joins the number to its unit words
with a no-break space ("26,700 pounds", "unas 100 veces"), as print typography joins
a quantity and its unit."""

from __future__ import annotations

import re
import shutil
from itertools import pairwise
from pathlib import Path

from office import convert_all, requires_libreoffice
from pypdf import PdfReader

from briefgen.facts import load_store
from briefgen.pipeline import BuildOptions, build

REPO = Path(__file__).resolve().parents[1]


@requires_libreoffice
def test_no_line_ends_on_a_number_whose_unit_starts_the_next(tmp_path: Path) -> None:
    shutil.copy(REPO / "briefgen.toml", tmp_path)
    store = load_store(REPO / "facts")
    units = {f.unit.split()[0] for f in store if f.unit and not f.unit.startswith("USD")}
    units |= {
        form.unit.split()[0]
        for f in store
        if (form := f.translation("es-US")) is not None and form.unit
    }
    assert {"times", "pounds", "veces"} <= units
    names = ("chiefs", "legislators", "public", "public-es")
    for size in ("letter", "a4"):
        out = tmp_path / size
        build(
            BuildOptions(
                workspace=tmp_path,
                facts=REPO / "facts",
                out=out,
                audiences=names,
                page_size=size,  # type: ignore[arg-type]
            )
        )
        laid_out = convert_all([out / f"{name}.docx" for name in names], out / "lo")
        for pdf in [*(out / f"{name}.pdf" for name in names), *laid_out]:
            text = PdfReader(pdf).pages[0].extract_text() or ""
            lines = [line.replace("\xa0", " ").strip() for line in text.split("\n")]
            # A line of words ending on a number (not a card's figure, whose label
            # below may start with the unit words).
            parted = [
                (line, after)
                for line, after in pairwise(lines)
                if re.search(r"[^\W\d]\S* \S*\d$", line) and after.split(" ")[0] in units
            ]
            assert parted == [], (pdf, parted)
