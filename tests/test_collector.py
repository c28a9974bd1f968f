"""A batch's copies are made with the cycle collector set for them, and the
process's settings are back as they were after the batch."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen import batch
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
