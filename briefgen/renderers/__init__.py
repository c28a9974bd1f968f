"""Renderers by output format. Each takes a fitted document and its style and
returns the file's bytes; modules are imported only when that format is built."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefgen.model import Document
    from briefgen.style import Style

# format name -> (module, function); the file suffix is the format name.
RENDERERS: dict[str, tuple[str, str]] = {
    "pdf": ("briefgen.renderers.pdf", "render_pdf_bytes"),
    "docx": ("briefgen.renderers.docx", "render_docx"),
}
FORMATS = tuple(RENDERERS)


def render(fmt: str, document: Document, style: Style) -> bytes:
    """Render ``document`` in format ``fmt`` (one of :data:`FORMATS`)."""
    module_name, function = RENDERERS[fmt]
    renderer = getattr(import_module(module_name), function)
    data: bytes = renderer(document, style)
    return data
