"""Which template file and line Python is running: the frames of Jinja's code.

Jinja compiles a template to Python whose module keeps the template
(``__jinja_template__``), which maps the generated code's lines back to the
template's. A traceback Jinja rewrote for an ``Exception`` already holds frames
named after the template file, at its lines.
"""

from __future__ import annotations

import sys
import traceback
from types import FrameType

from briefgen.templating.search import TEMPLATE_SUFFIX


def _template_line(frame: FrameType, line: int | None) -> tuple[str, int] | None:
    """The template file and line ``frame`` runs at ``line``; None for other code."""
    template = frame.f_globals.get("__jinja_template__")
    if template is not None and template.filename and line:
        return template.filename, template.get_corresponding_lineno(line)
    if frame.f_code.co_filename.endswith(TEMPLATE_SUFFIX) and line:
        return frame.f_code.co_filename, line
    return None


def innermost_template(exc: BaseException) -> tuple[str, int] | None:
    """The innermost template file (its real path) and line in ``exc``'s traceback.

    Jinja rewrites the traceback of an ``Exception`` to template lines; a
    ``BaseException`` (the time limit) keeps the lines of the generated code,
    which the template's own table maps back."""
    found = None
    for frame, line in traceback.walk_tb(exc.__traceback__):
        found = _template_line(frame, line) or found
    return found


def running_template() -> tuple[str, int] | None:
    """The template file and line whose code called this, innermost first: where a
    helper the template called was called from."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if found := _template_line(frame, frame.f_lineno):
            return found
        frame = frame.f_back
    return None
