"""A batch's copies are made with the cycle collector set for them, and the
process's settings are back as they were after the batch; a command's imports are
made with it off, and its work with it on."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen import batch, collector
from briefgen.cli import cli
from briefgen.collector import YOUNG_OBJECTS_PER_RUN, collecting_for_copies


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)
    gc.unfreeze()


def test_inside_the_collector_runs_less_often_and_leaves_older_objects_out(
    thresholds: tuple[int, int, int],
) -> None:
    gc.set_threshold(700, 10, 10)
    older = object(), [object()]
    with collecting_for_copies():
        assert gc.get_threshold() == (YOUNG_OBJECTS_PER_RUN, 10, 10)
        assert gc.get_freeze_count() > 0
        assert not any(o is older[1] for o in gc.get_objects())  # frozen: left out
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0


def test_a_collector_set_to_run_less_often_or_never_is_left_so(
    thresholds: tuple[int, int, int],
) -> None:
    for young in (0, YOUNG_OBJECTS_PER_RUN * 2):
        gc.set_threshold(young, 10, 10)
        with collecting_for_copies():
            assert gc.get_threshold()[0] == young
        assert gc.get_threshold() == (young, 10, 10)


def test_a_batch_makes_its_copies_so(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, thresholds: tuple[int, int, int]
) -> None:
    gc.set_threshold(700, 10, 10)
    seen: list[int] = []
    make = batch._Worker.make

    def noted(self: batch._Worker, task: batch.Task) -> batch.Copy | batch.Failure:
        seen.append(gc.get_threshold()[0])
        return make(self, task)

    monkeypatch.setattr(batch._Worker, "make", noted)
    monkeypatch.chdir(repo)
    out = str(tmp_path / "out")
    arguments = ["build", "--recipients", "recipients.csv", "--format", "pdf", "--jobs", "1"]
    result = CliRunner().invoke(cli, ["-q", *arguments, "--out", out])
    assert result.exit_code == 0, result.output
    assert seen and set(seen) == {YOUNG_OBJECTS_PER_RUN}
    assert gc.get_threshold() == (700, 10, 10)


def test_imports_are_made_with_the_collector_off_and_left_out_after(
    thresholds: tuple[int, int, int],
) -> None:
    assert gc.isenabled()
    collector.pause_for_imports()
    try:
        assert not gc.isenabled()
    finally:
        collector.imports_done()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0
    gc.unfreeze()
    gc.disable()  # by someone else: imports_done leaves it so
    try:
        collector.imports_done()
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert gc.get_freeze_count() == 0


# Each command's work replaced by a report of the collector's state when it starts.
WORK_BEGINS = """
import gc, sys
import briefgen.check, briefgen.pipeline, briefgen.preview
from briefgen.cli import main

def report(*args, **kwargs):
    print(gc.isenabled(), gc.get_freeze_count() > 0)
    sys.exit(0)

briefgen.pipeline.build = briefgen.check.run_check = briefgen.preview.preview = report
sys.argv[0] = "briefgen"
main()
"""


@pytest.mark.parametrize("command", ["build", "check", "preview"])
def test_a_commands_work_runs_with_the_collector_on(repo: Path, command: str) -> None:
    """main() turns the collector off for the imports; a command that did not turn it
    back on would make every copy of a batch with it off, and never free a cycle."""
    done = subprocess.run(
        [sys.executable, "-c", WORK_BEGINS, command],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert done.stdout == "True True\n", done.stderr
