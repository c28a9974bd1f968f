"""A batch at print-shop scale: wall time, memory per process, and issue 10's "done when"
checks on every copy (not a test: it prints figures and the checks' outcome).

    python benchmarks/batch_bench.py [--sizes 200,1000,2000] [--jobs 2] [--check 1000]
                                     [--peers]

For each size, a recipients file of that many rows made from the sample workspace's
fictional offices (sample_rows.py: every audience, every sample place) is built with
``briefgen build --recipients FILE --jobs N`` in a process of its own, timed from outside
(wall clock, and the CPU time of the build and its workers), while a sampler reads each
process's peak resident memory (VmHWM in /proc/PID/status) for the parent and every
worker every 20 ms. With ``--peers`` the same run also makes that many legislators
copies with Typst (PDF) and docxtpl (DOCX) in ``--jobs`` processes, in turn with
briefgen's batch, for the same page (per_copy.py's makers).

``--check N`` builds N rows once more with ``--combine`` and checks every copy: one
PDF page naming its recipient and carrying its place's pill price (or the general
Tucson card where the place has none), the DOCX naming them too, a sample of the DOCX
laid out by LibreOffice (tests/office.py) on one page, and combined.pdf with exactly one
page per copy.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "tests")]

import sample_rows  # noqa: E402

DATE = "2026-11-02"
# The pill price each sample place's copy prints (el-paso-tx: no local fact, so the
# general Tucson card), as tests/test_local_facts.py reads them.
TUCSON = "per fentanyl pill in Tucson"
CHICAGO_DC = "per fentanyl pill in Chicago or Washington, D.C."
PRICE = {
    "tucson-az": TUCSON,
    "chicago-il": CHICAGO_DC,
    "washington-dc": CHICAGO_DC,
    "el-paso-tx": "fentanyl pill in Tucson",
}
LIBREOFFICE_SAMPLE = 7  # DOCX copies laid out by LibreOffice: one of each sample row


@dataclass
class Peaks:
    """Peak resident memory (MiB) of the build's parent and of each worker."""

    parent: float = 0.0
    workers: dict[int, float] = field(default_factory=dict)


def _hwm(pid: int) -> float:
    """A process's peak resident memory so far, MiB (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as children:
            return [int(p) for p in children.read().split()]
    except OSError:
        return []


def run_sampled(command: list[str], cwd: Path) -> tuple[float, float, Peaks, int]:
    """Run ``command``; its wall seconds, CPU seconds (it and its workers), the peak
    memory of it and each of its child processes, and its exit code."""
    peaks = Peaks()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peaks.parent = max(peaks.parent, _hwm(process.pid))
            for child in _children(process.pid):
                peaks.workers[child] = max(peaks.workers.get(child, 0.0), _hwm(child))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    code = process.wait()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, peaks, code


def workspace(folder: Path, count: int) -> Path:
    """A workspace of the sample's settings and facts with ``count`` recipients."""
    shutil.copy(ROOT / "briefgen.toml", folder)
    shutil.copytree(ROOT / "facts", folder / "facts")
    table = sample_rows.rows(count)
    (folder / "recipients.csv").write_text(sample_rows.csv_text(table), encoding="utf-8")
    return folder


def build_command(jobs: int, out: str, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "briefgen", "-q", "build", "--recipients", "recipients.csv",
        "--jobs", str(jobs), "--date", DATE, "--out", out, *extra,
    ]  # fmt: skip


def peers_batch(count: int, jobs: int) -> tuple[float, float]:
    """Wall and CPU seconds for ``count`` legislators copies, PDF by Typst and DOCX by
    docxtpl, in ``jobs`` processes (each making its peers once)."""
    import multiprocessing

    import per_copy

    rows = sample_rows.rows(count, "legislators")
    _, worker = per_copy.briefgen_maker("")
    contents, chart = per_copy.page_contents(worker)
    context = multiprocessing.get_context("fork")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    chunks = [rows[i::jobs] for i in range(jobs)]
    with tempfile.TemporaryDirectory() as tmp:
        processes = [
            context.Process(target=_peer_work, args=(chunk, contents, chart, Path(tmp) / str(i)))
            for i, chunk in enumerate(chunks)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _peer_work(rows: list[dict[str, str]], contents: object, chart: object, out: Path) -> None:
    import per_copy

    out.mkdir(parents=True)
    typst = per_copy.typst_maker(contents, out)  # type: ignore[arg-type]
    docxtpl = per_copy.docxtpl_maker(contents, chart)  # type: ignore[arg-type]
    for row in rows:  # written to files, as a batch does
        (out / f"{row['id']}.pdf").write_bytes(typst(row))
        (out / f"{row['id']}.docx").write_bytes(docxtpl(row))


def check(count: int, jobs: int, folder: Path) -> list[str]:
    """Build ``count`` rows with --combine and check every copy; the problems found."""
    import pypdfium2 as pdfium
    from office import docx_page_count
    from readback import docx_text, squeeze

    wall, _, _, code = run_sampled(build_command(jobs, "checked", "--combine"), folder)
    print(f"check build of {count} rows with --combine: {wall:.1f} s, exit {code}")
    problems: list[str] = []
    out = folder / "checked"
    rows = sample_rows.rows(count)
    for row in rows:
        stem = out / row["audience"] / row["id"]
        who = row["name"] or row["office"]
        pdf = pdfium.PdfDocument(stem.with_suffix(".pdf"))
        pages = len(pdf)
        text = squeeze(" ".join(pdf[i].get_textpage().get_text_range() for i in range(pages)))
        pdf.close()
        if pages != 1:
            problems.append(f"{stem}.pdf: {pages} pages")
        if who not in text:
            problems.append(f"{stem}.pdf: does not name {who!r}")
        if PRICE[row["place"]] not in text:
            problems.append(f"{stem}.pdf: no {PRICE[row['place']]!r}")
        if who not in squeeze(docx_text(stem.with_suffix(".docx"))):
            problems.append(f"{stem}.docx: does not name {who!r}")
    combined = pdfium.PdfDocument(out / "combined.pdf")
    if len(combined) != count:
        problems.append(f"combined.pdf: {len(combined)} pages for {count} copies")
    combined.close()
    with tempfile.TemporaryDirectory() as tmp:
        for row in rows[:LIBREOFFICE_SAMPLE]:
            docx = out / row["audience"] / f"{row['id']}.docx"
            pages, _ = docx_page_count(docx, Path(tmp) / row["id"])
            if pages != 1:
                problems.append(f"{docx}: LibreOffice lays it out on {pages} pages")
    print(
        f"checked {count} PDF and {count} DOCX copies, combined.pdf, "
        f"{LIBREOFFICE_SAMPLE} DOCX in LibreOffice: {len(problems)} problems"
    )
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,1000,2000", help="rows per timed batch")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--check", type=int, default=0, help="rows of the checked build")
    parser.add_argument("--peers", action="store_true", help="time Typst+docxtpl batches")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()}")
    print(
        f"{'rows':>6} {'who':<22} {'wall s':>7} {'CPU s':>7} {'parent MiB':>11} {'workers MiB':>12}"
    )
    for count in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = workspace(Path(tmp), count)
            wall, cpu, peaks, code = run_sampled(build_command(args.jobs, "out"), folder)
            assert code == 0, f"the build of {count} rows failed"
            worst = max(peaks.workers.values(), default=0.0)
            print(
                f"{count:>6} {'briefgen PDF+DOCX':<22} {wall:7.1f} {cpu:7.1f} "
                f"{peaks.parent:11.0f} {worst:12.0f}  ({len(peaks.workers)} workers)"
            )
        if args.peers:
            wall, cpu = peers_batch(count, args.jobs)
            print(f"{count:>6} {'Typst PDF+docxtpl DOCX':<22} {wall:7.1f} {cpu:7.1f}")
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            problems = check(args.check, args.jobs, workspace(Path(tmp), args.check))
        for problem in problems[:20]:
            print(f"  {problem}")
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
