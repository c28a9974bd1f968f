"""Write output files atomically: a temporary file beside the target, then a rename.

A failed or interrupted build leaves no partial file, and the previous good file
stays in place until its replacement is complete.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
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


_INTERRUPTS = {signal.SIGINT, signal.SIGTERM}


def _hold_interrupts() -> set[int | signal.Signals] | None:
    """Hold Ctrl-C and SIGTERM (main thread only); returns the mask to restore."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _INTERRUPTS)


def _release(mask: set[int | signal.Signals] | None) -> None:
    if mask is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half."""
    temp: str | None = None
    # An interrupt between creating the temporary file and knowing its name would
    # leave it behind: hold interrupts until the name is known, then let any that
    # came in be delivered here, inside the try whose handler removes the file.
    mask = _hold_interrupts()
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        _release(mask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException as exc:
        _release(mask)
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write the file: {exc.strerror}", Location.of(path)) from None
        raise
