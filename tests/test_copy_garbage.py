"""A PDF copy leaves no reference cycle behind: its objects (canvas, document,
flowables, structure tree) are freed as soon as it is made, not when Python's cycle
collector runs, which in a batch worker walks every object the process holds."""

from __future__ import annotations

import csv
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefgen.batch import Copy, Task, _Worker
from briefgen.pipeline import BuildOptions, Workspace


@pytest.fixture
def no_collector() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_a_pdf_copy_of_every_sample_audience_leaves_no_cycle(
    repo: Path, no_collector: None
) -> None:
    options = BuildOptions(workspace=repo, formats=("pdf",))
    worker = _Worker(Workspace.open(options), options)
    with (repo / "recipients.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    audiences = set()
    for number, row in enumerate(rows, start=1):
        task = Task(number, row["audience"], tuple(row), tuple(row.values()))
        assert isinstance(worker.make(task), Copy)  # the first: caches filled
        gc.collect()
        assert isinstance(worker.make(task), Copy)
        assert gc.collect() == 0, row["audience"]
        audiences.add(row["audience"])
    assert audiences == {"legislators", "chiefs", "public"}
