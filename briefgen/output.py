"""Write output files atomically: a temporary file beside the target, then a rename.

A failed or interrupted build leaves no partial file, and the previous good file
stays in place until its replacement is complete.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from briefgen.errors import Location, OutputError


def prepare_folder(folder: Path) -> None:
    """Create the output folder, or say clearly why it cannot be used."""
    if folder.exists() and not folder.is_dir():
        raise OutputError("the output path is a file, not a folder", Location.of(folder))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the output folder: {exc.strerror}", Location.of(folder)
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError("the output folder is not writable", Location.of(folder))


def remove_stale_temporaries(folder: Path) -> None:
    """Remove temporary files a killed build left behind (``.NAME.XXXX.tmp``)."""
    for stale in folder.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write the file: {exc.strerror}", Location.of(path)) from None
        raise
