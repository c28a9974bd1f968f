"""A batch: one brief per row of a recipients file, rendered on every core.

Every row is checked first (:mod:`briefgen.recipients`); then worker processes, each
opening the workspace once (settings, facts, compiled templates), render the copies
and hand back their bytes. The parent stages each copy as it arrives and renames
them all into place at the end, or none (:func:`briefgen.output.staged`), so the
bytes written never depend on ``--jobs``, the batch never holds every copy in memory,
and an interrupted or failed batch leaves the output folder as it was. With
``--keep-going`` the copies that worked are written and each failed row is listed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import multiprocessing
import multiprocessing.connection
import os
import pickle
import queue
import re
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import click

from briefgen import interrupts
from briefgen.check import (
    Finding,
    brief_warnings,
    cited_ids,
    copy_count,
    source_warnings,
    warning_lines,
)
from briefgen.collector import collecting_for_copies
from briefgen.destination import refuse_to_write_into_inputs
from briefgen.errors import (
    BriefgenError,
    Location,
    OutputError,
    RecipientsError,
    display_path,
    problems_of,
    raise_all,
)
from briefgen.facts.report import plural, unknown_place_notes
from briefgen.facts.store import FactStore
from briefgen.glyphs import printing_problem
from briefgen.options import BuildOptions
from briefgen.output import FolderStaging, prepare_folder, staged
from briefgen.pipeline import (
    Workspace,
    make_brief,
    output_name,
)
from briefgen.recipients import Recipient, RecipientList, load_recipients
from briefgen.settings import theme_of
from briefgen.shard import Shard
from briefgen.style import Style
from briefgen.templating.environment import TemplateRenderer
from briefgen.templating.search import AudienceInfo
from briefgen.templating.views import recipient_view

# --combine writes these into the output folder itself.
COMBINED_NAME = "combined.pdf"
MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ("row", "file", "pages", "fill", "sha256")
# An earlier batch's manifest in the output folder, the whole batch's or a share's.
_MANIFEST_NAME = re.compile(r"manifest(-[0-9]+-of-[0-9]+)?\.csv")
# A batch whose template is broken fails every row alike: list this many.
MAX_FAILURES_SHOWN = 20
# Staging a file syncs it to disk (output.Staging), about 10 ms each on this ext4
# disk: done in the parent's loop, 20 s for 1,000 copies in two formats. Threads
# overlap it with the workers' rendering (fsync releases the GIL), and fsyncs made
# together share the filesystem's journal commits.
WRITER_THREADS = 4
MAX_PENDING_WRITES = 64  # files handed to the threads, not yet written: bounds memory
# How often (seconds) a batch waiting on its workers checks that none was killed.
WATCH_WORKERS = 1.0


@dataclass(frozen=True)
class BatchOptions:
    """What ``briefgen build --recipients`` was asked to do."""

    build: BuildOptions
    recipients: Path
    name_column: str = "id"
    jobs: int = 1
    keep_going: bool = False
    combine: bool = False
    progress: bool = False  # a progress bar on stderr
    shard: Shard | None = None  # --shard I/N: build only this shard's rows

    @property
    def audience(self) -> str | None:
        """``--audience``: for rows whose audience column is empty."""
        return self.build.audiences[0] if self.build.audiences else None


@dataclass(frozen=True, slots=True)
class Task:
    """One copy to make: plain values only, so it crosses to a worker process."""

    row: int
    audience: str
    columns: tuple[str, ...]
    values: tuple[str, ...]


@dataclass(frozen=True)
class Copy:
    """A rendered copy: its files' bytes, how it fitted, its warnings (the lines
    ``build`` prints for a brief) and the facts it cites (whose sources the store's
    warnings are about)."""

    row: int
    files: dict[str, bytes]
    fill: float
    body_size: float
    dropped: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    cited: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Made:
    """A copy written (staged): its files' names in the output folder, in format
    order, and how it fitted."""

    row: int
    names: tuple[str, ...]
    fill: float
    body_size: float
    dropped: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Failure:
    """A copy that could not be made, and why (the error's own lines)."""

    row: int
    message: str


@dataclass
class BatchResult:
    """What a batch made, what failed, and what it wrote."""

    recipients: RecipientList
    copies: list[Made] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # How many rows were never made: the batch stopped at its first failure.
    unmade: int = 0
    # With keep_going: the files an earlier batch made for rows that failed, removed.
    removed: list[Path] = field(default_factory=list)
    # An earlier batch's manifests and combined PDFs that listed files this batch
    # replaced or removed, to be removed (what was, is in ``removed``).
    outdated: list[Path] = field(default_factory=list)


class _Warnings:
    """The copies' warnings, each line once, in the order of the rows that first gave
    them (whatever order the workers finish in), then the store's, as a build without
    recipients prints them. It keeps each distinct line and fact id, not each copy's."""

    def __init__(self, store: FactStore) -> None:
        self._store = store
        self._first: dict[str, tuple[int, int]] = {}
        self._cited: set[str] = set()

    def add(self, copy: Copy) -> None:
        for index, line in enumerate(copy.warnings):
            if line not in self._first or (copy.row, index) < self._first[line]:
                self._first[line] = (copy.row, index)
        self._cited.update(copy.cited)

    def lines(self) -> list[str]:
        briefs = sorted(self._first, key=self._first.__getitem__)
        return briefs + warning_lines(source_warnings(self._store, self._cited))


class _Worker:
    """What one process reads once and uses for every copy it makes."""

    def __init__(self, workspace: Workspace, options: BuildOptions) -> None:
        self.workspace = workspace
        self.options = options
        self.renderer = TemplateRenderer(
            workspace.search_path, workspace.store, workspace.settings, workspace.date
        )
        self.audiences: dict[str, AudienceInfo] = {}

    def make(self, task: Task) -> Copy | Failure:
        try:
            if task.audience not in self.audiences:
                self.audiences[task.audience] = self.workspace.search_path.audience(task.audience)
            brief = make_brief(
                self.workspace,
                self.renderer,
                self.audiences[task.audience],
                self.options.formats,
                self.options.page_size,
                recipient_view(task.columns, task.values),
            )
        except BriefgenError as exc:
            # One line a row, however many problems its copy has.
            first, *more = problems_of(exc)
            also = (
                f" (and {len(more):,} more problem{'s' if len(more) > 1 else ''})" if more else ""
            )
            return Failure(task.row, first.format_message() + also)
        fit = brief.fit
        dropped = tuple(f"{d.where}: {d.preview}" for d in fit.dropped)
        assert brief.decision is not None, "make_brief keeps its decision"
        return Copy(
            task.row,
            brief.files,
            fit.fill,
            fit.style.body_size,
            dropped,
            tuple(warning_lines(brief_warnings(self.workspace, brief.decision))),
            tuple(cited_ids(brief.decision)),
        )


_worker: _Worker | None = None


def _start_worker(workspace: Workspace, options: BuildOptions, parent: int) -> None:
    """A worker process's start: the parent handles Ctrl-C and stops the workers.
    ``workspace``: the parent's, which a forked worker has without reading it again;
    ``parent``: its process id."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGHUP"):  # a closed terminal sends it to the workers too
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with(parent)
    global _worker
    _worker = _Worker(workspace, options)


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _end_with(parent: int) -> None:
    """On Linux, have the kernel end this worker when the parent process dies, even
    killed outright (SIGKILL, the OOM killer, a cancelled CI job), which cannot stop
    its workers: they would wait forever to hand back a copy."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before the request was made
        os._exit(1)


def _run(task: Task) -> Copy | Failure:
    assert _worker is not None, "the worker was not started"
    try:
        return _worker.make(task)
    except Exception as exc:
        raise _sendable(exc) from None


def _sendable(exc: Exception) -> Exception:
    """``exc``, or where it cannot be pickled back to the main process (lxml's errors
    hold their error log) one that can, with its type and message: the batch told
    "internal error: TypeError: cannot pickle '_ListErrorLog' object" instead."""
    try:
        pickle.dumps(exc)
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def run_batch(options: BatchOptions) -> BatchResult:
    """Check every row, make every copy, and write them (all or, with ``keep_going``,
    those that worked); raise every problem found together.

    Each copy is staged as it comes back (output.staged), so the batch never holds
    every copy in memory; the files are renamed into place together at the end."""
    build = options.build
    workspace = Workspace.open(build)
    out_dir = build.out_dir
    if out_dir.exists() and not out_dir.is_dir():
        prepare_folder(out_dir)  # the clear "is a file" error before any work
    refuse_to_write_into_inputs(build)

    recipients = read_recipients(
        workspace, options.recipients, options.audience, options.name_column
    )
    if options.shard is not None:
        # After every row is checked, so each shard reports the same mistakes.
        recipients = options.shard.select(recipients)
    _refuse_to_overwrite(recipients, options)
    result = BatchResult(recipients)
    rows = _by_row(result)
    tasks = [Task(r.row, r.audience, recipients.columns, r.values) for r in recipients.recipients]
    made: dict[int, Made] = {}
    failed: dict[int, Failure] = {}
    warnings = _Warnings(workspace.store)
    with (
        staged(out_dir) as stage,
        _writing(stage) as writer,
        closing(_outcomes(tasks, options, workspace)) as outcomes,
    ):
        for outcome in outcomes:
            if isinstance(outcome, Failure):
                failed[outcome.row] = outcome
                if not options.keep_going:
                    # Nothing will be written: making the other rows (each may run
                    # to the template time limit) would only cost time.
                    result.unmade = len(tasks) - len(failed) - len(made)
                    break
            elif not failed or options.keep_going:
                made[outcome.row] = _stage_copy(writer, rows[outcome.row], outcome)
                warnings.add(outcome)
        writer.wait()
        interrupts.check()
        result.copies = [made[row] for row in sorted(made)]
        result.failures = [failed[row] for row in sorted(failed)]
        if options.keep_going:
            # A failed row's files from an earlier batch would stand beside the new
            # copies, out of date and out of the manifest, ready to be mailed.
            for failure in result.failures:
                for name in copy_names(rows[failure.row], build.formats).values():
                    stage.remove(name)
        file = file_warnings(workspace, recipients, options.audience)
        result.warnings = warning_lines(file) + warnings.lines()
        if result.failures and not options.keep_going:
            raise_all(failure_errors(result))
        for name in outdated_combined(
            stage, combined_names(options.shard) if options.combine else ()
        ):
            stage.remove(name)
            result.outdated.append(out_dir / name)
        result.written = [out_dir / name for copy in result.copies for name in copy.names]
        # An empty share (--shard) still writes its manifest's header, so the shares'
        # folders and manifests put together are the whole batch's; so does a
        # --keep-going batch whose every row failed, or an earlier batch's combined
        # PDF and manifest would stand, listing the copies just removed.
        if options.combine:
            for name in stage_combined(result, stage, options.shard):
                result.written.append(out_dir / name)
    if not recipients.recipients:
        out_dir.mkdir(parents=True, exist_ok=True)
    result.removed = list(stage.stage.removed)
    return result


def check_audience_option(workspace: Workspace, audience: str | None) -> None:
    """Refuse ``--audience`` naming no template, even when every row names its own: a
    misspelt option is still a mistake."""
    if audience is None:
        return
    try:
        workspace.search_path.audience(audience)
    except BriefgenError as exc:
        if exc.location is not None:
            raise  # the audience's template is broken: its own error says where
        raise RecipientsError(f"--audience: {exc.detail}") from None


def read_recipients(
    workspace: Workspace, path: Path, audience: str | None, name_column: str
) -> RecipientList:
    """Read and check every row of the recipients file at ``path`` for ``workspace``'s
    templates (``audience``: for rows whose audience column is empty); raise every
    problem found together."""

    def check_audience(name: str) -> str:
        try:
            return output_name(workspace.search_path.audience(name))
        except BriefgenError as exc:
            if exc.location is not None:
                raise  # the audience's template is broken: its own error says where
            raise RecipientsError(exc.detail) from None

    check_audience_option(workspace, audience)
    family = theme_of(workspace.settings).font
    return load_recipients(
        path, check_audience, audience, name_column, lambda text: printing_problem(text, family)
    )


def _refuse_to_overwrite(recipients: RecipientList, options: BatchOptions) -> None:
    """Refuse, before any work, a batch that would write a file over its own
    recipients file (kept in the output folder, and named like a copy or the
    manifest)."""
    source = recipients.path.resolve()
    out = options.build.out_dir.resolve()
    if out not in source.parents:
        return
    written = {
        **{
            name: f"the copy of line {r.line}"
            for r in recipients.recipients
            for name in copy_names(r, options.build.formats).values()
        },
        **(
            dict(
                zip(
                    combined_names(options.shard),
                    ("--combine's PDF", "--combine's manifest"),
                    strict=True,
                )
            )
            if options.combine
            else {}
        ),
    }
    what = written.get(source.relative_to(out).as_posix())
    if what is not None:
        raise OutputError(
            f"{what} would be written over this recipients file; keep it out of the "
            "output folder or choose another --out",
            Location.of(recipients.path),
        )


def file_warnings(
    workspace: Workspace, recipients: RecipientList, audience: str | None
) -> list[Finding]:
    """The recipients file's warnings: ``--audience`` given where every row names its
    own, then each place no fact is about (:func:`place_warnings`)."""
    found = []
    if audience is not None and recipients.recipients and not recipients.rows_without_audience:
        found.append(
            Finding(
                "warning",
                "audience-unused",
                f"--audience {audience} is for rows that name no audience, and every row "
                "names its own: all of them are made, for their own audiences",
                Location.of(recipients.path),
            )
        )
    return found + place_warnings(workspace, recipients)


def place_warnings(workspace: Workspace, recipients: RecipientList) -> list[Finding]:
    """A warning at the first row naming each place no fact is about, whose copies
    carry the figures every reader gets; none when the facts know no place at all
    (then the place column is not for facts)."""
    if not workspace.store.places():
        return []
    notes = unknown_place_notes(workspace.store, recipients)
    return [Finding("warning", "unknown-place", what, where) for where, what in notes]


def _stage_copy(writer: _Writer, recipient: Recipient, copy: Copy) -> Made:
    names = copy_names(recipient, tuple(copy.files))
    for fmt, data in copy.files.items():
        writer.add(names[fmt], data)
    return Made(copy.row, tuple(names.values()), copy.fill, copy.body_size, copy.dropped)


class _Writer:
    """Stages files in :data:`WRITER_THREADS` threads while the batch goes on."""

    def __init__(self, stage: FolderStaging) -> None:
        self._stage = stage
        self._pool = ThreadPoolExecutor(WRITER_THREADS, thread_name_prefix="briefgen-stage")
        self._pending: deque[Future[Path]] = deque()

    def add(self, name: str, data: bytes) -> None:
        """Stage ``data`` as ``name``: at once when it is the first file of its
        folder (which staging creates), else in a thread."""
        if (self._stage.folder / name).parent not in self._stage.ready:
            self._stage.add(name, data)
            return
        while len(self._pending) >= MAX_PENDING_WRITES:
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(self._add, name, data))

    def _add(self, name: str, data: bytes) -> Path:
        # Staging names the file it was writing when an OSError reaches its guard;
        # with several threads writing, that may be another file: name it here.
        try:
            return self._stage.add(name, data)
        except OSError as exc:
            where = Location.of(self._stage.folder / name)
            raise OutputError(f"cannot write the file: {exc.strerror}", where) from None

    def wait(self) -> None:
        """Wait until every file handed over is staged; raise a write's error."""
        while self._pending:
            self._pending.popleft().result()

    def close(self) -> None:
        """Drop the files not yet begun and wait for those being written, so that
        on failure the staging removes every temporary file."""
        self._pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _writing(stage: FolderStaging) -> Iterator[_Writer]:
    writer = _Writer(stage)
    try:
        yield writer
    finally:
        writer.close()


def _outcomes(
    tasks: list[Task], options: BatchOptions, workspace: Workspace
) -> Generator[Copy | Failure, None, None]:
    """Each task's outcome as it is ready: in this process, or in ``options.jobs``
    workers (stopped at once should the caller stop early, e.g. on Ctrl-C)."""
    with progress_bar(len(tasks), options.progress) as advance, collecting_for_copies():
        if options.jobs <= 1 or len(tasks) <= 1:
            worker = _Worker(workspace, options.build)
            for task in tasks:
                interrupts.check()
                yield worker.make(task)
                advance()
            return
        context = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(
            max_workers=min(options.jobs, len(tasks), most_jobs()),
            mp_context=context,
            initializer=_start_worker,
            initargs=(workspace, options.build, os.getpid()),  # forked: nothing is pickled
        )
        try:
            # Each future is let go of once its outcome is given: holding them would
            # hold every copy's bytes until the batch ends. Its index, for the order.
            try:
                order = {pool.submit(_run, task): index for index, task in enumerate(tasks)}
            except OSError as exc:  # out of descriptors or processes (ulimit -n, -u)
                raise BriefgenError(
                    f"cannot start the worker processes: {exc.strerror}; give fewer "
                    "--jobs (--jobs 1 starts none) or raise the system's limit "
                    "(ulimit -n, ulimit -u)",
                    Location.of(options.recipients),
                ) from None
            # Under fork the pool starts every worker at the first submit.
            workers = list(pool._processes.values())
            sentinels = [worker.sentinel for worker in workers]
            # Each future as it is done: waiting on the ones not done (wait()) would
            # look at every one of them for each copy, a batch's time growing with
            # the square of its rows (8,000 rows: 9 s of the parent's time, not 0.3).
            finished: queue.SimpleQueue[Future[Copy | Failure]] = queue.SimpleQueue()
            for future in order:
                future.add_done_callback(finished.put)
            del future  # the last, whose copy the loop would hold to the batch's end
            while order:
                ready = _ready(finished, WATCH_WORKERS)
                interrupts.check()
                if not ready and multiprocessing.connection.wait(sentinels, timeout=0):
                    # A worker killed while it handed back a copy leaves the pool's
                    # reader waiting for the rest of the copy: the pool never finds
                    # itself broken, and the batch would wait forever.
                    raise BrokenProcessPool
                # In the order of the rows, each future let go of before its outcome
                # is given (a list or set of them would hold the copies given before).
                ready.sort(key=order.pop, reverse=True)
                while ready:
                    interrupts.check()
                    outcome = ready.pop().result()
                    yield outcome
                    advance()
        except BrokenProcessPool:
            _stop(pool)
            raise BriefgenError(
                _how_a_worker_ended(workers), Location.of(options.recipients)
            ) from None
        except BaseException:  # GeneratorExit too: the caller stopped early
            _stop(pool)
            raise
        pool.shutdown(wait=True)


def _how_a_worker_ended(workers: Sequence[multiprocessing.process.BaseProcess]) -> str:
    """Why the pool broke, told from how its first dead worker ended (the pool ends
    the others with SIGTERM once one has died)."""
    codes = _exit_codes(workers)
    code = next((c for c in codes if c != -signal.SIGTERM), codes[0] if codes else None)
    if code is None or code == -signal.SIGKILL:
        # The out-of-memory killer's choice, the biggest process, is often a worker.
        # Not an internal error to report: say what to do.
        return (
            "a worker process was killed while making the copies (as the system does "
            "when memory runs out); nothing was written: run the batch again, with "
            "fewer --jobs if memory is short"
        )
    if code == -signal.SIGTERM:
        # Every worker ended on SIGTERM: the first was sent it from outside (kill,
        # a job's time limit), not by the pool, which sends it only once one ended.
        return (
            "a worker process was stopped by a SIGTERM sent from outside briefgen while "
            "making the copies; nothing was written: run the batch again"
        )
    ended = f"on signal {_signal_name(-code)}" if code < 0 else f"with status {code}"
    return (
        f"a worker process ended {ended} while making the copies; nothing was "
        "written: run the batch again, and should it end so again, please report it"
    )


# How long the workers' exit codes are waited for once the pool is stopped.
EXIT_CODE_SECONDS = 2.0


def _exit_codes(
    workers: Sequence[multiprocessing.process.BaseProcess], seconds: float = EXIT_CODE_SECONDS
) -> list[int]:
    """The exit codes of the ``workers`` that have ended, waited for a moment: the
    pool's own thread reaps its workers as :func:`_stop` does, and a worker that the
    other thread's waitpid reaps first reads as running (no exit code) until that
    thread records its code. The crashed worker then went untold, and the batch was
    said to have ended on the SIGTERM the others were stopped with."""
    deadline = time.monotonic() + seconds
    while True:
        codes = [worker.exitcode for worker in workers]
        if None not in codes or time.monotonic() >= deadline:
            return [code for code in codes if code is not None]
        time.sleep(0.01)


def _signal_name(number: int) -> str:
    """``SIGSEGV`` for 11; the number of a signal Python names not (a real-time one but
    the first and last: SIGRTMIN+1 is 35)."""
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def _ready(
    finished: queue.SimpleQueue[Future[Copy | Failure]], timeout: float
) -> list[Future[Copy | Failure]]:
    """The futures done since last asked: waiting up to ``timeout`` seconds for the
    first, then every other one already done (none when the time ran out)."""
    try:
        ready = [finished.get(timeout=timeout)]
    except queue.Empty:
        return []
    while not finished.empty():
        ready.append(finished.get())
    return ready


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now: cancel what has not started, end what is running."""
    processes = list(pool._processes.values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


@contextmanager
def progress_bar(total: int, shown: bool, label: str = "building") -> Iterator[Callable[[], None]]:
    """A callable to count one copy done; shows a bar (``label``, count, rate, time
    left) on stderr when ``shown``."""
    fitted = _bar_fitted(label, total, _columns(sys.stderr)) if shown else None
    if fitted is None:
        yield lambda: None
        return
    width, details = fitted
    start = time.monotonic()
    done = 0

    def rate(_: object) -> str:
        seconds = time.monotonic() - start
        return f"{done / seconds:.1f} copies/s" if done and seconds > 0 else ""

    with click.progressbar(
        length=total,
        label=label,
        file=sys.stderr,
        width=max(width, 1),  # click takes 0 as the terminal's width
        bar_template="%(label)s  [%(bar)s]  %(info)s" if width else "%(label)s  %(info)s",
        show_pos=True,
        show_eta=details,
        item_show_func=rate if details else None,
    ) as bar:

        def advance() -> None:
            nonlocal done
            done += 1
            bar.update(1, done)

        yield advance


# The bar's width at most (click's own) and at least, beside the count.
BAR_WIDTH = 36
LEAST_BAR_WIDTH = 10
# The longest time left and rate click and progress_bar write: "1d 00:00:00",
# "99999.9 copies/s", each after two spaces.
_DETAILS_WIDTH = 2 + len("1d 00:00:00") + 2 + len("99999.9 copies/s")


def _columns(stream: TextIO) -> int:
    """The width of the terminal ``stream`` draws on (80 where it cannot be told)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (OSError, ValueError, AttributeError):
        return 80


def _bar_fitted(label: str, total: int, columns: int) -> tuple[int, bool] | None:
    """The bar's width for a line shorter than ``columns`` (0: no bar, the count
    alone), and whether the time left and the rate fit too; None when not even the
    label and the count do. A line as wide as the terminal wraps, and each redraw
    then began a new line: at 20 columns a batch of 200 rows scrolled 200 bars past."""
    count = len(label) + 2 + 2 * len(str(total)) + 1  # "LABEL  200/200"
    for details in (True, False):
        room = columns - 1 - count - len("[]  ") - (_DETAILS_WIDTH if details else 0)
        if room >= LEAST_BAR_WIDTH:
            return min(room, BAR_WIDTH), details
    return (0, False) if count < columns else None


def _by_row(result: BatchResult) -> dict[int, Recipient]:
    return {r.row: r for r in result.recipients.recipients}


def copy_names(recipient: Recipient, formats: tuple[str, ...]) -> dict[str, str]:
    """Each format's file name in the output folder: ``<audience>/<slug>.<format>``."""
    return {fmt: f"{recipient.folder}/{recipient.slug}.{fmt}" for fmt in formats}


def combined_names(shard: Shard | None) -> tuple[str, str]:
    """The names of ``--combine``'s PDF and manifest: ``combined.pdf`` and
    ``manifest.csv``, or for a share ``combined-2-of-4.pdf`` and
    ``manifest-2-of-4.csv``, so the shares copied together keep every one."""
    if shard is None:
        return COMBINED_NAME, MANIFEST_NAME
    part = f"-{shard.index}-of-{shard.count}"
    return (
        COMBINED_NAME.replace(".pdf", f"{part}.pdf"),
        MANIFEST_NAME.replace(".csv", f"{part}.csv"),
    )


def stage_combined(result: BatchResult, stage: FolderStaging, shard: Shard | None) -> list[str]:
    """Stage ``combined.pdf`` (every PDF copy in row order, written as it is read: see
    :mod:`briefgen.combine`) and ``manifest.csv`` (row, file, pages, fill, sha256 of
    each copy's files, read back from the stage); their names."""
    from briefgen.combine import write_combined

    pdf_name, manifest_name = combined_names(shard)
    files = [(copy, name) for copy in result.copies for name in copy.names]
    digests: dict[str, str] = {}

    def pdfs() -> Iterator[bytes]:
        """Each copy's PDF, in row order; every file's digest found on the way."""
        for _, name in files:
            data = stage.read(name)
            digests[name] = hashlib.sha256(data).hexdigest()
            if name.endswith(".pdf"):
                yield data

    pages: list[int] = []
    sizes: list[tuple[float, float]] = []
    staged = [manifest_name]
    if any(name.endswith(".pdf") for _, name in files):
        stage.add_stream(pdf_name, lambda out: pages.extend(write_combined(pdfs(), out, sizes)))
        staged.append(pdf_name)
        pdf_names = [name for _, name in files if name.endswith(".pdf")]
        result.warnings += warning_lines(
            mixed_sizes(stage.folder / pdf_name, sizes, pages, pdf_names)
        )
    else:
        for _ in pdfs():  # none: the DOCX files' digests
            pass
        # An earlier batch's would stand beside a manifest that does not list it.
        stage.remove(pdf_name)
    counted = iter(pages)
    table = io.StringIO()
    manifest = csv.writer(table, lineterminator="\n")
    manifest.writerow(MANIFEST_COLUMNS)
    for copy, name in files:
        # The PDF's pages as read; a DOCX's, the fitted layout's (Word lays it out).
        count = next(counted) if name.endswith(".pdf") else 1
        manifest.writerow((copy.row, name, count, f"{copy.fill:.4f}", digests[name]))
    stage.add(manifest_name, table.getvalue().encode("utf-8"))
    return staged


# The page sizes briefgen makes, in points, as a print shop names its paper.
_PAPER = {(612.0, 792.0): "Letter", (595.276, 841.89): "A4"}


def mixed_sizes(
    path: Path, sizes: list[tuple[float, float]], pages: list[int], names: list[str]
) -> list[Finding]:
    """A warning when the combined PDF at ``path`` holds pages of more than one size
    (a template's ``page_size``, where no ``--page-size`` is given): printed as one
    run on one stock, the pages of the other sizes would be scaled or cut. ``sizes``:
    each page's; ``pages``: each copy's page count; ``names``: each copy's file."""
    first: dict[tuple[float, float], str] = {}
    count: dict[tuple[float, float], int] = {}
    owners = (name for name, pages_of in zip(names, pages, strict=True) for _ in range(pages_of))
    for size, name in zip(sizes, owners, strict=True):
        key = (round(size[0], 3), round(size[1], 3))
        first.setdefault(key, name)
        count[key] = count.get(key, 0) + 1
    if len(count) < 2:
        return []
    kinds = ", ".join(
        f"{plural(count[key], 'page')} {_PAPER.get(key, f'{key[0]:g} x {key[1]:g} pt')} "
        f"(first {first[key]})"
        for key in count
    )
    return [
        Finding(
            "warning",
            "mixed-page-sizes",
            f"pages of {len(count)} sizes: {kinds}; one print run on one paper stock "
            "would scale or cut some (--page-size gives every copy one size)",
            Location.of(path),
        )
    ]


def outdated_combined(stage: FolderStaging, own: tuple[str, ...]) -> list[str]:
    """The names of an earlier batch's manifests in the output folder, and of their
    combined PDFs, that list a file this batch replaces with other bytes or removes
    (a batch without --combine, a share's batch beside the whole one's): they would
    stand beside the new copies, their SHA-256 no longer the files', the PDF ready to
    print out of date. ``own``: the names this batch writes itself (--combine)."""
    folder = stage.folder
    written = stage.stage.temporaries
    removed = set(stage.stage.removals)
    outdated: list[str] = []
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.is_file())
    except OSError:
        return []
    for name in names:
        if not _MANIFEST_NAME.fullmatch(name) or name in own:
            continue
        try:
            with open(folder / name, encoding="utf-8", newline="") as table:
                lines = list(csv.reader(table))
        except (OSError, UnicodeDecodeError, csv.Error):
            continue  # not a manifest briefgen can read: not ours to remove
        if not lines or tuple(lines[0]) != MANIFEST_COLUMNS:
            continue
        for line in lines[1:]:
            if len(line) != len(MANIFEST_COLUMNS):
                continue
            path, digest = folder / line[1], line[4]
            if path in removed or (
                path in written and hashlib.sha256(stage.read(line[1])).hexdigest() != digest
            ):
                outdated += [name, "combined" + name.removeprefix("manifest")[:-4] + ".pdf"]
                break
    return outdated


def failure_errors(result: BatchResult) -> list[BriefgenError]:
    """Each failed row as ``recipients.csv:LINE: slug: why`` (the first
    :data:`MAX_FAILURES_SHOWN`, then how many more)."""
    rows = _by_row(result)
    errors: list[BriefgenError] = []
    for failure in result.failures[:MAX_FAILURES_SHOWN]:
        recipient = rows[failure.row]
        errors.append(
            RecipientsError(
                f"{recipient.slug}: {failure.message}", result.recipients.location(recipient)
            )
        )
    more = len(result.failures) - MAX_FAILURES_SHOWN
    where = Location.of(result.recipients.path)
    if more > 0:
        errors.append(RecipientsError(f"... and {_more_rows(more)} failed", where))
    if result.unmade:
        errors.append(
            RecipientsError(
                f"stopped there: {_more_rows(result.unmade)} not made (--keep-going makes "
                "them and lists every row that fails)",
                where,
            )
        )
    return errors


def _more_rows(count: int) -> str:
    return f"{count:,} more row" + ("" if count == 1 else "s")


def raise_failures(result: BatchResult) -> None:
    """Raise the failed rows of a ``--keep-going`` batch (exit 1), if any."""
    raise_all(failure_errors(result))


def describe(result: BatchResult, out_dir: Path) -> list[str]:
    """Report lines: what was written, and each copy that shrank type or dropped text."""
    rows = _by_row(result)
    lines: list[str] = []
    for copy in result.copies:
        recipient = rows[copy.row]
        notes = []
        if copy.body_size != Style().body_size:
            notes.append(f"body {copy.body_size:g} pt")
        notes += [f"dropped (optional) {d}" for d in copy.dropped]
        if notes:
            where = Location.of(out_dir / recipient.folder / recipient.slug)
            lines.append(f"{where}: {'; '.join(notes)}")
    files = sum(len(c.names) for c in result.copies)
    lines.append(
        f"{copy_count(len(result.copies))} ({plural(files, 'file')}) in "
        f"{display_path(out_dir)}" + (f", {len(result.failures)} failed" if result.failures else "")
    )
    # The copies are in the audiences' folders; a PDF in the output folder itself is
    # an earlier batch's combined PDF, which a batch that makes no PDF removes.
    outdated = [path for path in result.removed if path in result.outdated]
    combined = [p for p in result.removed if p.parent == out_dir and p not in outdated]
    failed = [path for path in result.removed if path.parent != out_dir]
    if failed:
        lines.append(
            f"removed {plural(len(failed), 'file')} an earlier batch made for the "
            f"rows that failed, out of date now: {display_path(failed[0])}"
            + (f" and {len(failed) - 1:,} more" if len(failed) > 1 else "")
        )
    for path in combined:
        lines.append(
            f"removed {display_path(path)}, an earlier batch's: this batch made no PDF to combine"
        )
    if outdated:
        lines.append(
            f"removed {' and '.join(display_path(path) for path in outdated)}, an earlier "
            "batch's: they list files this batch replaced, out of date now (--combine makes "
            "them anew)"
        )
    lines += _earlier_copies(result, out_dir)
    return lines


def _earlier_copies(result: BatchResult, out_dir: Path) -> list[str]:
    """A line for each audience folder of this batch that holds copies it did not make
    (an earlier batch's other format, or rows no longer in the file): left as they
    were, they would be printed with this batch's if the folder were."""
    # Each folder as the file system knows it: where case does not count (macOS,
    # Windows), audiences Letter and letter write into one, under two names.
    known: dict[Path, tuple[int, int] | None] = {}

    def identity(folder: Path) -> tuple[int, int] | None:
        if folder not in known:
            try:
                status = folder.stat()
            except OSError:
                known[folder] = None
            else:
                known[folder] = (status.st_dev, status.st_ino)
        return known[folder]

    written = {(identity(path.parent), path.name) for path in result.written}
    folders: dict[tuple[int, int] | None, Path] = {}
    for copy in result.copies:
        for name in copy.names:
            folder = (out_dir / name).parent
            folders.setdefault(identity(folder), folder)
    lines = []
    for key, folder in sorted(folders.items(), key=lambda item: item[1]):
        try:
            entries = [Path(entry.path) for entry in os.scandir(folder) if entry.is_file()]
        except OSError:
            continue
        earlier = sorted(
            path
            for path in entries
            if path.suffix in (".pdf", ".docx") and not path.name.startswith(".")
            if (key, path.name) not in written
        )
        if earlier:
            lines.append(
                f"{display_path(folder)}: {plural(len(earlier), 'file')} not of this batch, "
                f"an earlier one's, left as they were (first {earlier[0].name})"
            )
    return lines


def show_progress(quiet: bool, stream: TextIO) -> bool:
    """Whether to draw the progress bar: on a terminal, unless ``-q`` or the
    terminal is ``TERM=dumb`` (an editor's shell buffer, which prints click's cursor
    escapes as text)."""
    return not quiet and stream.isatty() and os.environ.get("TERM") != "dumb"


def default_jobs() -> int:
    """``--jobs`` when not given: the number of CPUs this process may run on. Held to
    fewer than the machine has (``taskset``, a container's cpuset, a CI runner), a
    batch started a worker for every CPU of the machine, each with its own memory, to
    take turns on the few."""
    if hasattr(os, "sched_getaffinity"):  # Linux
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def most_jobs() -> int:
    """The most worker processes a batch starts, whatever ``--jobs`` asks: twice the
    CPUs. Each renders on a CPU and holds its own ~90 MiB, so more only take turns
    (``--jobs 1000`` started one per row: 300 processes, 11 GB, 12 times slower)."""
    return 2 * default_jobs()
