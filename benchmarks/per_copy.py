"""Per copy, briefgen beside its peers on the same page (not a test: it prints figures).

    python benchmarks/per_copy.py [--copies 20] [--rounds 7]

One process personalizes the legislators brief for a stream of fictional recipients
(sample_rows.py) four ways, one after the other in each round, the order rotating:
briefgen's PDF and DOCX copies (as a batch worker makes them: template, fit, file
bytes), Typst through its Python binding (peers/legislators.typ) and docxtpl
(peers/legislators.docx), both fed the page's words, numbers and notes that briefgen
printed for the recipient's place (peers/content.py), with the addressee swapped in.
Each round times ``--copies`` copies of each and gives the ratios briefgen / peer for
that round, so a machine whose speed drifts (other processes) moves both sides
alike; the medians over the rounds are the figures to quote. The process's cycle
collector is set as a batch sets it for its copies (briefgen/collector.py), for all
four engines: they share the process.

Needs the ``bench`` extra: ``pip install -e ".[bench]"``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import sample_rows  # noqa: E402
import typst  # noqa: E402
from docx.shared import Pt  # noqa: E402
from docxtpl import DocxTemplate, InlineImage, RichText  # type: ignore[import-untyped]  # noqa: E402
from peers.content import Contents, Run, page_contents  # noqa: E402

from briefgen.batch import Copy, Task, _Worker  # noqa: E402
from briefgen.collector import collecting_for_copies  # noqa: E402
from briefgen.graphics.chart import chart_drawing  # noqa: E402
from briefgen.graphics.raster import drawing_png, qr_png  # noqa: E402
from briefgen.model import Chart  # noqa: E402
from briefgen.pipeline import BuildOptions, Workspace  # noqa: E402
from briefgen.style import Style  # noqa: E402

PEERS = ROOT / "benchmarks" / "peers"
DATE = dt.date(2026, 11, 2)
QR_SIZE = 56.0  # points, as the Typst template prints it
CHART_WIDTH = 330.0

Make = Callable[[dict[str, str]], bytes]


def briefgen_maker(fmt: str) -> tuple[Make, _Worker]:
    """A batch worker making copies in ``fmt``, as ``build --recipients`` does."""
    options = BuildOptions(workspace=ROOT, formats=(fmt,) if fmt else (), date=DATE)
    worker = _Worker(Workspace.open(options), options)

    def make(row: dict[str, str]) -> bytes:
        made = worker.make(Task(0, row["audience"], tuple(row), tuple(row.values())))
        assert isinstance(made, Copy), made
        return made.files[fmt]

    return make, worker


def typst_maker(contents: Contents, folder: Path) -> Make:
    """Typst: the template compiled with the recipient's page as ``sys.inputs``; one
    compiler for every copy (fonts read once, as Typst's own watch mode does)."""
    shutil.copy(PEERS / "legislators.typ", folder)
    (folder / "qr.png").write_bytes(qr_png("https://leitf.org", QR_SIZE))
    compiler = typst.Compiler(
        str(folder / "legislators.typ"),
        font_paths=[str(ROOT / "briefgen" / "fonts")],
        ignore_system_fonts=True,
    )

    def make(row: dict[str, str]) -> bytes:
        page = contents.for_recipient(row["place"], sample_rows.addressee(row))
        pdf = compiler.compile(sys_inputs={"data": json.dumps(page)})
        assert isinstance(pdf, bytes)
        return pdf

    return make


def rich(runs: list[Run]) -> RichText:
    text = RichText()
    for run in runs:
        text.add(
            run["t"],
            bold=run["b"],
            italic=run["i"],
            superscript=run["sup"],
            font="Liberation Sans",
        )
    return text


def docxtpl_maker(contents: Contents, chart: Chart) -> Make:
    """docxtpl: one template object rendered per copy (docxtpl reloads the template
    file for each render), its context built from the recipient's page."""
    template = DocxTemplate(str(PEERS / "legislators.docx"))
    style = Style()
    drawing = chart_drawing(chart, CHART_WIDTH, style)
    chart_png = drawing_png(drawing, style.theme.font)
    code_png = qr_png("https://leitf.org", QR_SIZE)

    def make(row: dict[str, str]) -> bytes:
        page: dict[str, Any] = contents.for_recipient(row["place"], sample_rows.addressee(row))
        context = {
            **page,
            "ask": rich(page["ask"]),
            "cards": [{"figure": c["figure"], "label": rich(c["label"])} for c in page["cards"]],
            "paragraphs": [rich(p) for p in page["paragraphs"]],
            "chart_picture": InlineImage(template, io.BytesIO(chart_png), width=Pt(CHART_WIDTH)),
            "chart_caption": rich(page["chart"]["caption"]),
            "quote": rich([{**r, "i": True} for r in page["quote"]["text"]]),
            "quote_by": page["quote"]["attribution"],
            "qr": InlineImage(template, io.BytesIO(code_png), width=Pt(QR_SIZE)),
        }
        template.render(context)
        out = io.BytesIO()
        template.save(out)
        return out.getvalue()

    return make


def time_copies(make: Make, rows: list[dict[str, str]]) -> tuple[float, float]:
    """Wall and CPU seconds per copy over ``rows``."""
    start, start_cpu = time.perf_counter(), time.process_time()
    for row in rows:
        make(row)
    return (
        (time.perf_counter() - start) / len(rows),
        (time.process_time() - start_cpu) / len(rows),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20, help="copies per engine per round")
    parser.add_argument("--rounds", type=int, default=7, help="rounds (ratios per round)")
    parser.add_argument("--save", type=Path, help="write one copy of each engine here")
    args = parser.parse_args()
    pdf, worker = briefgen_maker("pdf")
    docx, _ = briefgen_maker("docx")
    contents, chart = page_contents(worker)
    with tempfile.TemporaryDirectory() as tmp, collecting_for_copies():
        engines: dict[str, Make] = {
            "briefgen PDF": pdf,
            "Typst PDF": typst_maker(contents, Path(tmp)),
            "briefgen DOCX": docx,
            "docxtpl DOCX": docxtpl_maker(contents, chart),
        }
        rows = sample_rows.rows(args.copies * (args.rounds + 1), "legislators")
        warm = rows[: args.copies]
        for name, make in engines.items():  # warm-up round: imports, caches, fonts
            for row in warm:
                data = make(row)
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                suffix = ".pdf" if "PDF" in name else ".docx"
                (args.save / (name.replace(" ", "-") + suffix)).write_bytes(data)
        wall: dict[str, list[float]] = {name: [] for name in engines}
        cpu: dict[str, list[float]] = {name: [] for name in engines}
        names = list(engines)
        for r in range(args.rounds):
            batch = rows[(r + 1) * args.copies : (r + 2) * args.copies]
            for name in names[r % 4 :] + names[: r % 4]:
                w, c = time_copies(engines[name], batch)
                wall[name].append(w)
                cpu[name].append(c)
    report(wall, cpu, args)


def report(wall: dict[str, list[float]], cpu: dict[str, list[float]], args: Any) -> None:
    """Per-copy medians, and the per-round ratios briefgen / peer."""
    print(f"{args.rounds} rounds of {args.copies} copies each, per copy (ms):")
    print(f"{'engine':<16} {'wall median':>12} {'min-max':>14} {'CPU median':>11}")
    for name in wall:
        w = [x * 1000 for x in wall[name]]
        c = statistics.median(cpu[name]) * 1000
        print(f"{name:<16} {statistics.median(w):12.1f} {min(w):6.1f}-{max(w):<7.1f} {c:11.1f}")
    for ours, peer, target in (
        ("briefgen PDF", "Typst PDF", 1.0),
        ("briefgen DOCX", "docxtpl DOCX", 0.5),
    ):
        for what, table in (("wall", wall), ("CPU", cpu)):
            ratios = [a / b for a, b in zip(table[ours], table[peer], strict=True)]
            median = statistics.median(ratios)
            verdict = "met" if median <= target else "NOT met"
            print(
                f"{ours} / {peer}, {what}: median {median:.2f} "
                f"(rounds {min(ratios):.2f}-{max(ratios):.2f}); target <= {target:g}: {verdict}"
            )


if __name__ == "__main__":
    main()
