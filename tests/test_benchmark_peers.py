"""The benchmarks' peers (Typst, docxtpl) are fed the page briefgen makes, read from
its document model: that reading must follow the model, or the speed benchmarks of
issue 10 stop (a quote's attribution became inlines, and the page's data no longer
turned into JSON for Typst). Only the reading is tested here: the peers themselves
are not test dependencies."""

from __future__ import annotations

import datetime as dt
import json
import sys

from conftest import REPO

from briefgen.batch import _Worker
from briefgen.pipeline import BuildOptions, Workspace

sys.path.insert(0, str(REPO / "benchmarks"))

from peers.content import page_contents
from sample_rows import addressee, rows


def test_the_peers_get_the_legislators_page_as_plain_data() -> None:
    options = BuildOptions(workspace=REPO, formats=(), date=dt.date(2026, 11, 2))
    contents, _ = page_contents(_Worker(Workspace.open(options), options))
    row = rows(1, "legislators")[0]
    page = contents.for_recipient(row["place"], addressee(row))
    json.dumps(page)  # what Typst is given
    assert page["quote"]["attribution"] == (
        "Chad E. Kasmar, Chief of Police, Tucson Police Department"
    )
    assert page["cards"][0]["figure"] == "480%"
