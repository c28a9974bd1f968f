"""The fitter's safety margin: no PDF is set fuller than 95% of its frame, and a DOCX
at the margin's edge is one page in LibreOffice, at full type size and shrunk.

What the margin protects is written down in docs/testing.md: LibreOffice lays even a
page the PDF fills to 99.8% on one page, so the margin is for word processors whose
line breaks may differ (Word), and the test that can fail here is that it is kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from office import docx_page_count
from readback import pdf_fill

from briefgen.pipeline import BuildOptions, build

REPO = Path(__file__).resolve().parents[1]
FACTS = ["fentanyl-offenders-us-citizens", "seizures-up-480-percent", "tucson-pill-price"]


def template(paragraphs: int) -> str:
    """A brief with every kind of block, and ``paragraphs`` body paragraphs."""
    body = "\n\n".join(
        f'{{{{ fact("{FACTS[i % 3]}").text }}}} {{{{ cite("{FACTS[i % 3]}") }}}}'
        for i in range(paragraphs)
    )
    return (
        "# A Page Filled to the Margin\n\n"
        '{{ callout("seizures-up-480-percent") }}\n\n'
        "## Reasons\n\n"
        '- {{ fact("tucson-pill-price").text }} {{ cite("tucson-pill-price") }}\n'
        '- {{ fact("chicago-dc-pill-price").text }} {{ cite("chicago-dc-pill-price") }}\n\n'
        f"{body}\n\n"
        '{{ pullquote("kasmar-bipartisan") }}\n'
    )


def build_with(
    tmp_path: Path, paragraphs: int, page_size: str, fmt: str | None = "docx"
) -> tuple[float, float, Path]:
    """Build the brief of ``paragraphs`` body paragraphs in ``fmt`` (None: fit only)."""
    templates = tmp_path / f"t{paragraphs}{page_size}"
    templates.mkdir(exist_ok=True)
    (templates / "full.md.j2").write_text(template(paragraphs), encoding="utf-8")
    out = tmp_path / f"out{paragraphs}{page_size}"
    result = build(
        BuildOptions(
            workspace=tmp_path,
            facts=REPO / "facts",
            template_dirs=(templates,),
            out=out,
            audiences=("full",),
            formats=(fmt,) if fmt else (),
            page_size=page_size,  # type: ignore[arg-type]
        )
    )
    fit = result.briefs[0].fit
    return fit.fill, fit.style.body_size, out / f"full.{fmt}"


# 0.95: the share of the frame the fitter may fill (briefgen.fitting.MAX_FILL), written
# here as a number so that a change to the constant is a change to this test too.
MARGIN_EDGE = 0.95


def test_fitter_keeps_its_margin(tmp_path: Path) -> None:
    """Briefs of 5 to 9 paragraphs on letter paper: without the margin the fitter
    sets them 86% to 99.96% full; with it, none is over 95%, measured from where the
    PDF's last line sits, and the fullest is close to that edge."""
    fills = {}
    for paragraphs in range(5, 10):
        _, _, pdf = build_with(tmp_path, paragraphs, "letter", fmt="pdf")
        fills[paragraphs] = pdf_fill(pdf)
    shown = {n: f"{f:.1%}" for n, f in fills.items()}
    assert max(fills.values()) <= MARGIN_EDGE + 0.002, shown
    # The fullest at 9.5 pt: the footer's notes, at their 7.5 pt floor, shrink less.
    assert max(fills.values()) > MARGIN_EDGE - 0.035, shown


@pytest.mark.requires_libreoffice
@pytest.mark.parametrize("page_size", ["letter", "a4"])
def test_fullest_docx_at_full_size_is_one_page(
    tmp_path: Path, page_size: str, libreoffice: str
) -> None:
    # The most paragraphs that still fit at 11 pt: the fullest page the fitter allows.
    fullest = None
    for paragraphs in range(4, 30):
        fill, size, docx = build_with(tmp_path, paragraphs, page_size)
        if size < 11:
            break
        fullest = (fill, docx)
    assert fullest is not None
    fill, docx = fullest
    # One more paragraph (about 8% of the page) would not fit.
    assert fill > MARGIN_EDGE - 0.1, f"the fullest page is only {fill:.0%} full"
    pages, _ = docx_page_count(docx, tmp_path / "lo")
    assert pages == 1, f"a DOCX whose PDF is {fill:.0%} full took {pages} pages"


@pytest.mark.requires_libreoffice
def test_docx_with_shrunk_type_is_one_page(tmp_path: Path, libreoffice: str) -> None:
    for paragraphs in range(5, 40):
        fill, size, docx = build_with(tmp_path, paragraphs, "letter")
        if size <= 9.5:
            break
    assert size <= 9.5, "the fitter never shrank the type"
    pages, _ = docx_page_count(docx, tmp_path / "lo")
    assert pages == 1, f"a DOCX at {size} pt, {fill:.0%} full, took {pages} pages"
