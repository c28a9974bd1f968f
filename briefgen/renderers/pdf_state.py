"""Drawing a flowable without copying the canvas's state and putting it back.

reportlab's ``Flowable.drawOn`` saves the canvas's state (twenty-odd attributes and
its graphics state, copied) before a flowable draws and restores it after: the
same for every one of a copy's some sixty flowables. Most of briefgen's draw only
through flowables that restore what they change, or add operators alone, and
leave the state as they found it; :func:`moved` draws those with the operators
reportlab writes, and :data:`KEEPS_STATE` names the ``drawOn`` methods known to
leave the state as found.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable


def moved(flowable: Flowable, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
    """reportlab's ``Flowable.drawOn`` for a flowable whose drawing leaves the
    canvas's state as it found it: the same operators (the graphics state saved, the
    origin moved to ``x``, ``y``, the drawing, the state restored), without copying
    the canvas's twenty-odd attributes of state to put them back after. Only the
    transformation, which the drawing reads (a figure's box on the page), is put
    back. The translation is never joined to an earlier one: "q" stands between."""
    x = flowable._hAlignAdjust(x, _sW)
    matrix = canvas._currentMatrix
    canvas._code.append("q")
    canvas.transform(1, 0, 0, 1, x, y)
    flowable._drawOn(canvas)
    canvas._code.append("Q")
    canvas._currentMatrix = matrix


# The drawOn methods that leave the canvas's state as they found it: reportlab's own
# (it saves the state and restores it) and those that draw through :func:`moved`, or
# only add operators (pdf.py's replayed paragraphs).
KEEPS_STATE: set[Callable[..., Any]] = {Flowable.drawOn}
