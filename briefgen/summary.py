"""``briefgen build --json``: what a build wrote, for scripts.

One object: each file written (its path, audience, format, pages, how full the page
is, the body type size, its size in bytes and its SHA-256, so a script can tell a
changed brief from an unchanged one) and the warnings ``build`` would print.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from briefgen.check import Finding
from briefgen.errors import display_path
from briefgen.pipeline import BuildResult, output_name


def summary(result: BuildResult, warnings: Iterable[Finding]) -> dict[str, Any]:
    """The build's files and warnings as plain data (paths as the report shows them)."""
    written = {path.name: path for path in result.written}
    files = []
    for brief in result.briefs:
        for fmt, data in brief.files.items():
            name = f"{output_name(brief.audience)}.{fmt}"
            path = written.get(name)
            files.append(
                {
                    "path": display_path(path) if path else name,
                    "audience": brief.audience.name,
                    "format": fmt,
                    "pages": 1,  # the fitter's promise: every brief is one page
                    "fill": round(brief.fit.fill, 4),
                    "body_pt": brief.fit.style.body_size,
                    "bytes": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            )
    return {"files": files, "warnings": [w.as_dict() for w in warnings]}


def summary_json(result: BuildResult, warnings: Iterable[Finding]) -> str:
    """:func:`summary` as indented JSON."""
    return json.dumps(summary(result, warnings), indent=2, ensure_ascii=False)
