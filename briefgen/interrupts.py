"""Ctrl-C, SIGTERM and SIGHUP (the terminal closed) stop a build cleanly, even where a
library swallows the exception.

The handler raises KeyboardInterrupt, so atomic writes remove their temporary file;
it also records the signal, and the pipeline checks the record between stages and
before each write, because some libraries catch every exception in places.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

_received: list[int] = []

# The signals that stop a build: Ctrl-C, SIGTERM, and where the system has it SIGHUP,
# which a closed terminal or ssh session sends (by default it kills the process at
# once, leaving a batch's temporaries behind).
STOPS: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM) + (
    (signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ()
)


# The process that routed the signals through the handler: a process forked from it
# (a batch's worker before its start sets its own) inherits the handler.
_owner: list[int] = []


def _handler(signum: int, frame: FrameType | None) -> None:
    if _owner and os.getpid() != _owner[-1]:
        # A worker being started when its batch is stopped (SIGTERM from the pool,
        # Ctrl-C to the whole process group): a KeyboardInterrupt there printed a
        # traceback; end quietly, as the signal's default action would.
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)
        return
    _received.append(signum)
    raise KeyboardInterrupt


@contextmanager
def handled() -> Iterator[None]:
    """Route the :data:`STOPS` signals through the handler while the block runs (main
    thread only), then restore the handlers there were."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _received.clear()
    _owner.append(os.getpid())
    previous = {sig: signal.signal(sig, _handler) for sig in STOPS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _owner.pop()


def check() -> None:
    """Raise KeyboardInterrupt if a signal came in, even one a library swallowed."""
    if _received:
        raise KeyboardInterrupt


@contextmanager
def held() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP while the block runs (main thread only; Python runs
    every signal handler there), then deliver what came, once each, to the handlers
    there were. Blocking the signals would not do: with other threads running (a
    batch's writers, a process pool's), the system hands the signal to one of them,
    and Python still runs the handler in the main thread at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []

    def record(signum: int, frame: FrameType | None) -> None:
        came.append(signum)

    previous = {sig: signal.signal(sig, record) for sig in STOPS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            # None: a handler Python did not install; the default is the nearest.
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        for signum in dict.fromkeys(came):
            signal.raise_signal(signum)
