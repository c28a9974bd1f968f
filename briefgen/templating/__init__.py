"""Templates: found on the search path, rendered in Jinja's sandbox within limits."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def builtin_dir() -> Path:
    """The folder of templates shipped inside the package."""
    return Path(str(resources.files("briefgen") / "builtin_templates"))
