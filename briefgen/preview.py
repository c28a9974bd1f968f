"""``briefgen preview``: each page of each brief as a PNG image.

The briefs are built exactly as ``briefgen build`` builds them, in memory; PDFium
(through pypdfium2, the rasterizer in Chromium) draws each page of each PDF; the
images are written all or none, like a build's files (``output.py``). A page is
drawn from the PDF alone, with the fonts embedded in it, so an image depends only on
the PDF and PDFium's version, never on the fonts a machine has.

This module imports nothing heavy until a preview is made: ``cli.py`` reads its
bounds while answering ``--help``.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefgen.options import BuildOptions
    from briefgen.pipeline import BuildResult

DPI_MIN = 36  # below this a page's body text is a grey blur
DPI_MAX = 600  # a Letter page is 5100 x 6600 pixels, about 100 MB while drawn
DEFAULT_DPI = 150
POINTS_PER_INCH = 72


def preview_dir(options: BuildOptions) -> Path:
    """Where the images go: ``--out``, else ``output/preview`` in the workspace."""
    return options.out if options.out is not None else options.workspace / "output" / "preview"


def preview(options: BuildOptions, dpi: int = DEFAULT_DPI) -> BuildResult:
    """Build the briefs ``options`` ask for, draw each PDF page at ``dpi`` and write
    the images into :func:`preview_dir`; returns what a build returns (the briefs,
    the audiences it left out, the images written), so its warnings can be told."""
    from briefgen import interrupts
    from briefgen.destination import refuse_to_write_over_the_logo
    from briefgen.output import write_all
    from briefgen.pipeline import BuildResult, Workspace, make_briefs, output_name

    if not DPI_MIN <= dpi <= DPI_MAX:
        raise ValueError(f"dpi {dpi} is outside {DPI_MIN}..{DPI_MAX}")
    options = replace(options, formats=("pdf",), out=preview_dir(options))
    workspace = Workspace.open(options)
    result = BuildResult(workspace=workspace)
    result.briefs = make_briefs(options, workspace, result.skipped)
    files: dict[str, bytes] = {}
    for brief in result.briefs:
        interrupts.check()
        files.update(page_files(output_name(brief.audience), rasterize(brief.files["pdf"], dpi)))
    interrupts.check()
    refuse_to_write_over_the_logo(options, workspace.settings.theme.logo, list(files))
    result.written = write_all(options.out_dir, files)
    return result


def page_files(stem: str, pages: list[bytes]) -> dict[str, bytes]:
    """File names for a brief's page images: ``stem.png`` for a one-page brief,
    else ``stem-1.png``, ``stem-2.png``, ..."""
    if len(pages) == 1:
        return {f"{stem}.png": pages[0]}
    return {f"{stem}-{number}.png": page for number, page in enumerate(pages, start=1)}


def rasterize(pdf: bytes, dpi: int) -> list[bytes]:
    """Each page of the PDF ``pdf`` as a PNG (RGB on white) drawn at ``dpi``."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        images = []
        for page in document:
            try:
                scale = dpi / POINTS_PER_INCH
                image = page.render(scale=scale).to_pil()
                # PDFium rounds the bitmap up: 11 in at 150 dpi, 1650.0000000000002
                # pixels, gave 1651. The page's size, rounded, as a print program
                # sizes the image by the resolution it says (pHYs), without which it
                # takes 72 or 96 dpi: a 600-dpi page printed 70 inches wide.
                size = (round(page.get_width() * scale), round(page.get_height() * scale))
                if image.size != size:
                    image = image.crop((0, 0, *size))
                buffer = io.BytesIO()
                image.save(buffer, format="PNG", optimize=True, dpi=(dpi, dpi))
                images.append(buffer.getvalue())
            finally:
                page.close()
        return images
    finally:
        document.close()
