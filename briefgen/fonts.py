"""The fonts bundled with briefgen and what each output names them.

Liberation Sans (SIL OFL) has the same metrics as Arial: the PDF embeds it, the
DOCX asks for Arial, and Word or LibreOffice lay the same words on the same lines.
DejaVu Sans covers many characters Liberation Sans lacks and serves as fallback.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

FAMILY_FILES = {
    "regular": "LiberationSans-Regular.ttf",
    "bold": "LiberationSans-Bold.ttf",
    "italic": "LiberationSans-Italic.ttf",
    "bolditalic": "LiberationSans-BoldItalic.ttf",
}
FALLBACK_FILES = {
    "regular": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
}


def font_dir() -> Path:
    """The folder holding the bundled font files."""
    return Path(str(resources.files("briefgen") / "fonts"))
