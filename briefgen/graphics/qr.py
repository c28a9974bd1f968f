"""A QR code's module matrix, made once by segno for both formats.

segno is a small, pure-Python, standards-conforming (ISO/IEC 18004) encoder with a
documented matrix API; reportlab's own QR widget would draw only in the PDF, and
the DOCX needs the same matrix as a raster. The code uses error correction level Q
(a quarter of the code may be smudged or covered), never boosted, so a printed code
is always exactly that level, and carries the quiet zone of 4 light modules on each
side that scanners need.
"""

from __future__ import annotations

from functools import lru_cache

import segno

QUIET_ZONE = 4
# The code itself at least 2 cm across, its quiet zone around it: small codes fail on
# phones held at arm's length. In points.
MIN_SIZE = 2 / 2.54 * 72
# Modules smaller than half a millimetre blur on an office laser printer and in a
# phone camera's view of the page. In points.
MIN_MODULE = 0.5 / 25.4 * 72


# Codes kept: a process's few addresses (a workspace's website or sources page),
# as many as the PDF's operators and the DOCX's PNGs keep. Not every address a
# long-lived process meets: one kept per workspace grew without end, a long
# address's matrix a quarter of a megabyte.
_CODES_KEPT = 32


@lru_cache(maxsize=_CODES_KEPT)
def qr_matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """The code's modules, row by row, dark as True, with the quiet zone included.

    Raises :class:`segno.DataOverflowError` (a ValueError) for an address too long
    for any QR code at level Q (about 1,600 characters).
    """
    code = segno.make_qr(url, error="q", boost_error=False)
    size = len(code.matrix) + 2 * QUIET_ZONE
    light = (False,) * size
    border = (False,) * QUIET_ZONE
    rows = [tuple(bool(module) for module in row) for row in code.matrix]
    return (
        (light,) * QUIET_ZONE + tuple(border + row + border for row in rows) + (light,) * QUIET_ZONE
    )


def dark_runs(row: tuple[bool, ...]) -> list[tuple[int, int]]:
    """The (start, length) of each run of dark modules in a row: one rectangle per
    run draws the code with fewer operations and no hairline seams between modules."""
    runs: list[tuple[int, int]] = []
    start = -1
    for index, dark in enumerate((*row, False)):
        if dark and start < 0:
            start = index
        elif not dark and start >= 0:
            runs.append((start, index - start))
            start = -1
    return runs


def qr_min_size(url: str) -> float:
    """The smallest size (points, quiet zone included) at which the code for ``url``
    prints well: its code 2 cm across, or more for a long address, so no module is
    under 0.5 mm."""
    modules = len(qr_matrix(url))
    code = modules - 2 * QUIET_ZONE
    return max(MIN_SIZE * modules / code, modules * MIN_MODULE)
