"""A DOCX stays one page in LibreOffice even when its PDF fills the page: the fitter's
safety margin is enough, at the full type size and after it shrinks the type."""

from __future__ import annotations

from pathlib import Path

import pytest
from office import docx_page_count

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


def build_with(tmp_path: Path, paragraphs: int, page_size: str) -> tuple[float, float, Path]:
    templates = tmp_path / f"t{paragraphs}{page_size}"
    templates.mkdir()
    (templates / "full.md.j2").write_text(template(paragraphs), encoding="utf-8")
    out = tmp_path / f"out{paragraphs}{page_size}"
    result = build(
        BuildOptions(
            workspace=tmp_path,
            facts=REPO / "facts",
            template_dirs=(templates,),
            out=out,
            audiences=("full",),
            formats=("docx",),
            page_size=page_size,  # type: ignore[arg-type]
        )
    )
    fit = result.briefs[0].fit
    return fit.fill, fit.style.body_size, out / "full.docx"


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
    assert fill > 0.85, f"the fullest page is only {fill:.0%} full"
    pages, _ = docx_page_count(docx, tmp_path / "lo")
    assert pages == 1, f"a DOCX whose PDF is {fill:.0%} full took {pages} pages"


@pytest.mark.requires_libreoffice
def test_docx_with_shrunk_type_is_one_page(tmp_path: Path, libreoffice: str) -> None:
    for paragraphs in range(10, 40):
        fill, size, docx = build_with(tmp_path, paragraphs, "letter")
        if size <= 9.5:
            break
    assert size <= 9.5, "the fitter never shrank the type"
    pages, _ = docx_page_count(docx, tmp_path / "lo")
    assert pages == 1, f"a DOCX at {size} pt, {fill:.0%} full, took {pages} pages"
