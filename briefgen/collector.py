"""Python's cycle collector, set for a process that makes many copies of a brief.

A copy leaves no reference cycle behind (tests/test_copy_garbage.py): each is freed
by reference counting as soon as it is made, and the collector has little to find
in a batch. It still runs whenever 700 more objects were made than freed, as the
bounded caches fill (a recipient's paragraphs, their layouts), and each run walks the
young objects and promotes the live ones, until a run over every object the process
holds (~170,000 in a worker, ~60 ms). :func:`collecting_for_copies` has it run less
often, and leaves out of every run the objects that live as long as the process
(the workspace, the modules), as Python's documentation advises before forking
workers (``gc.freeze``).

The command line also keeps it off while a command imports its modules
(:func:`pause_for_imports`): a cold build imports about 300, and the runs over their
objects find nothing to free and cost about a tenth of the build.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module

# New objects (made less freed) between two runs over the youngest: Python's 700
# ran the collector about once a copy.
YOUNG_OBJECTS_PER_RUN = 2000

_paused: list[bool] = []  # [True] from pause_for_imports() to imports_done()


def pause_for_imports() -> None:
    """Turn the collector off until :func:`imports_done`: what a command imports
    lives as long as the process (the command line's ``main`` calls this first)."""
    if gc.isenabled():
        gc.disable()
        _paused.append(True)


def imports_done() -> None:
    """Turn the collector back on if :func:`pause_for_imports` turned it off, leaving
    out of its every later run the objects made so far (the modules); else nothing."""
    if _paused:
        _paused.clear()
        gc.freeze()
        gc.enable()


def pipeline_imported() -> None:
    """Import the build's stages (``briefgen.pipeline`` and what it imports) while the
    collector is off, then turn it back on (:func:`imports_done`)."""
    import_module("briefgen.pipeline")
    imports_done()


@contextmanager
def collecting_for_copies() -> Iterator[None]:
    """While inside, the collector leaves out the objects made before (until the
    block ends) and runs over the young ones less often; workers forked inside keep
    the setting. Its settings are back as they were after the block."""
    thresholds = gc.get_threshold()
    young = thresholds[0] and max(thresholds[0], YOUNG_OBJECTS_PER_RUN)  # 0: never
    gc.freeze()
    gc.set_threshold(young, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
