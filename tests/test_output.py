"""A build writes all its files or none: a failure at the second file (a full disk, an
interrupt) leaves the first as it was, and no temporary behind; builds into one
folder take turns through its lock, and a build that waited too long says so."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from casefacts import write_case_facts
from click.testing import CliRunner
from samefolder import one_folder

from briefgen import output, pipeline
from briefgen.cli import cli
from briefgen.errors import OutputError

TEMPLATE = '# A brief\n\nOne paragraph. {{ cite("case-fact") }}\n'
ARGS = ["build", "--audience", "trial", "--facts", "facts", "--templates", "templates"]
OLD = {"trial.pdf": b"the old PDF", "trial.docx": b"the old DOCX"}


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace (the working directory) whose out/ holds an earlier build."""
    write_case_facts(tmp_path / "facts")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "trial.md.j2").write_text(TEMPLATE, encoding="utf-8")
    (tmp_path / "out").mkdir()
    for name, data in OLD.items():
        (tmp_path / "out" / name).write_bytes(data)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def folder(path: Path) -> dict[str, bytes | None]:
    return {p.name: p.read_bytes() if p.is_file() else None for p in path.iterdir()}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*ARGS, *args])
    return result.exit_code, result.output


def fail_at_second_write(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    real = output._write_fully
    calls: list[int] = []

    def write(fd: int, data: bytes) -> None:
        calls.append(fd)
        if len(calls) == 2:
            real(fd, data[: len(data) // 2])
            raise error
        real(fd, data)

    monkeypatch.setattr(output, "_write_fully", write)


def test_full_disk_at_the_second_file_leaves_the_first(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_at_second_write(monkeypatch, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    code, text = run("--out", "out")
    assert code == 1
    assert text == "out/trial.docx: cannot write the file: No space left on device\n"
    assert folder(ws / "out") == OLD


def test_interrupt_at_the_second_file_leaves_the_first(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_at_second_write(monkeypatch, KeyboardInterrupt())
    code, _ = run("--out", "out")
    assert code == 1
    assert folder(ws / "out") == OLD


def test_an_interrupt_during_the_renames_says_the_files_were_written(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C is held while the files are renamed into place, so it stops the build
    only once every file is this build's: saying "Aborted!" then would tell of a folder
    left as it was, and it is not."""
    real = os.replace

    def replace(source: Path, target: Path) -> None:
        signal.raise_signal(signal.SIGINT)  # as the first file is put in place
        real(source, target)

    monkeypatch.setattr(os, "replace", replace)
    mask = signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        code, text = run("--out", "out")
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    assert code == 1
    assert text == (
        "out: interrupted while the files were put in place, too late to stop: every "
        "file of this build was written, none is partial\n"
    )
    assert all(data.startswith((b"%PDF", b"PK")) for data in folder(ws / "out").values())


def test_a_failed_build_removes_the_output_folder_it_made(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_at_second_write(monkeypatch, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    code, _ = run("--out", "new/briefs")
    assert code == 1
    assert not (ws / "new").exists()


@pytest.mark.parametrize("target", ["new/ws", "mine"])
@pytest.mark.parametrize(
    "error", [OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), KeyboardInterrupt()]
)
def test_a_failed_init_leaves_no_empty_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException, target: str
) -> None:
    """A full disk or Ctrl-C while init wrote its files left ws/, ws/facts,
    ws/templates and ws/output behind, empty: a workspace that is none. A folder
    that was there stays, as it was."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine").mkdir()
    fail_at_second_write(monkeypatch, error)
    result = CliRunner().invoke(cli, ["init", target])
    assert result.exit_code == 1
    if isinstance(error, OSError):
        assert result.output.endswith(": cannot write the file: No space left on device\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]
    assert list((tmp_path / "mine").iterdir()) == []


@pytest.mark.parametrize(
    ("command", "blocked"),
    [(["init", "ws"], "ws/facts"), (["templates", "init", "--to", "mine/sub"], "mine")],
)
def test_init_names_the_file_in_the_way_of_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], blocked: str
) -> None:
    """A file where init makes a folder was told "ws: cannot create the folder: File
    exists", at the folder that holds it (or "Not a directory", at the one below)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ws").mkdir()
    for name in ("ws/facts", "mine"):
        (tmp_path / name).write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 1
    assert result.output == f"{blocked}: a file is in the way of this folder; move it away first\n"
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        "mine",
        "ws",
        "ws/facts",
    ]


def test_a_folder_init_cannot_make_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk at the third folder was told at the workspace, not that folder."""
    monkeypatch.chdir(tmp_path)
    real = Path.mkdir

    def mkdir(self: Path, *args: Any, **kwargs: Any) -> None:
        if self.name == "templates":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    result = CliRunner().invoke(cli, ["init", "ws"])
    assert result.exit_code == 1
    assert result.output == "ws/templates: cannot create the folder: No space left on device\n"
    assert list(tmp_path.iterdir()) == []


# init, with SIGTERM or SIGHUP sent to it as it writes its third file.
SIGNALLED_INIT = """\
import os, signal, sys
from briefgen import output
stop, write, calls = getattr(signal, sys.argv.pop(1)), output._write_fully, []
def signalled(fd, data):
    calls.append(fd)
    if len(calls) == 3:
        os.kill(os.getpid(), stop)
    write(fd, data)
output._write_fully = signalled
from briefgen.cli import main
sys.argv[0] = "briefgen"
main()
"""


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGHUP"])
@pytest.mark.parametrize("command", [["init", "ws"], ["templates", "init"]])
def test_init_stopped_by_a_signal_leaves_nothing(
    tmp_path: Path, stop: str, command: list[str]
) -> None:
    """Only a build handled SIGTERM and SIGHUP (a closed terminal): init and templates
    init died at once, leaving their hidden temporaries and empty folders."""
    done = subprocess.run(
        [sys.executable, "-c", SIGNALLED_INIT, stop, *command],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (1, "Aborted!\n")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_in_the_way_of_the_second_file_stops_before_any_write(ws: Path) -> None:
    (ws / "out" / "trial.docx").unlink()
    (ws / "out" / "trial.docx").mkdir()
    code, text = run("--out", "out")
    assert code == 1
    assert text.startswith("out/trial.docx: a folder is in the way of this file")
    assert folder(ws / "out") == {"trial.pdf": OLD["trial.pdf"], "trial.docx": None}


def test_two_audiences_whose_files_differ_only_in_case_are_refused(ws: Path) -> None:
    """Trial.pdf and trial.pdf are one file on macOS, Windows or a USB stick: the
    second brief would replace the first, with both reported written."""
    (ws / "templates" / "Trial.md.j2").write_text(TEMPLATE, encoding="utf-8")
    code, text = run("--audience", "Trial", "--out", "out")
    assert code == 1
    assert text == (
        "out/Trial.pdf: both --audience trial and --audience Trial would write this file, "
        "the same as trial.pdf where case does not count (macOS, Windows); build them "
        "into separate --out folders\n"
    )
    assert folder(ws / "out") == OLD


def test_a_symlink_in_the_way_is_replaced_not_written_through(ws: Path) -> None:
    outside = ws / "outside.pdf"
    outside.write_bytes(b"not a brief")
    (ws / "out" / "trial.pdf").unlink()
    (ws / "out" / "trial.pdf").symlink_to(outside)
    code, text = run("--out", "out")
    assert code == 0, text
    assert outside.read_bytes() == b"not a brief"
    assert not (ws / "out" / "trial.pdf").is_symlink()
    assert (ws / "out" / "trial.pdf").read_bytes().startswith(b"%PDF")


def test_an_output_folder_that_is_a_loop_of_links_is_told_not_an_internal_error(
    ws: Path,
) -> None:
    """Python before 3.13 raises RuntimeError resolving a loop of links: the build
    stopped with "internal error: RuntimeError: Symlink loop ... please report it"."""
    (ws / "loop").symlink_to("loop")
    for out in ("loop", "loop/briefs"):
        code, text = run("--out", out)
        assert code == 1
        assert text.endswith(
            ": a loop of symbolic links is in the output folder's path; remove it or "
            "choose another --out\n"
        ), text
        assert text.startswith(("loop: ", "loop/briefs: ")), text
    assert sorted(os.listdir(ws)) == ["facts", "loop", "out", "templates"]


def test_an_output_folder_that_is_a_link_to_nothing_is_told_as_such(ws: Path) -> None:
    """mkdir said "File exists" of a link to a folder that is not there."""
    (ws / "briefs").symlink_to(ws / "gone")
    for out in ("briefs", "briefs/2026"):
        code, text = run("--out", out)
        assert code == 1
        assert text == (
            f"briefs: a link to '{ws / 'gone'}', which is not there, is in the output "
            "folder's path; make that folder, or remove the link\n"
        )
    assert not (ws / "gone").exists()
    assert os.readlink(ws / "briefs") == str(ws / "gone")


@pytest.mark.parametrize(
    ("out", "said"),
    [
        ("out", "out: the output folder is not writable"),
        ("out/new", "out/new: cannot create the output folder: out is not writable"),
    ],
)
def test_an_output_folder_that_cannot_be_written_is_refused_before_any_work(
    ws: Path, monkeypatch: pytest.MonkeyPatch, out: str, said: str
) -> None:
    """A read-only mount was found only once every brief was made, when the first
    file could not be written."""

    def access(path: str | Path, mode: int, **_: object) -> bool:
        return not (mode & os.W_OK and Path(path).name == "out")  # a read-only mount's

    monkeypatch.setattr(os, "access", access)

    def made(*args: object, **kwargs: object) -> None:
        raise AssertionError("a brief was made for a folder that cannot be written")

    monkeypatch.setattr(pipeline, "make_brief", made)
    code, text = run("--out", out)
    assert (code, text) == (1, f"{said}\n")
    assert folder(ws / "out") == OLD


def test_a_build_waits_for_the_build_holding_the_folder(ws: Path) -> None:
    holding = threading.Event()

    def other_build() -> None:
        with output.locked(ws / "out"):
            holding.set()
            time.sleep(0.5)

    other = threading.Thread(target=other_build)
    other.start()
    assert holding.wait(10)
    started = time.monotonic()
    code, text = run("--out", "out")
    waited = time.monotonic() - started
    other.join()
    assert code == 0, text
    assert waited >= 0.3
    assert (ws / "out" / "trial.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(os.listdir(ws / "out")) == ["trial.docx", "trial.pdf"]


def test_a_build_refuses_when_another_holds_the_folder_too_long(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output, "LOCK_WAIT", 0.2)
    with output.locked(ws / "out"):
        before = folder(ws / "out")
        code, text = run("--out", "out")
        assert folder(ws / "out") == before
    assert code == 1
    assert text == (
        "out: another briefgen build is writing into this folder and did not finish "
        "within 0.2 s; try again when it is done\n"
    )
    assert folder(ws / "out") == OLD


def test_a_waiting_build_locks_the_file_the_next_build_made(tmp_path: Path) -> None:
    """The holder removes the lock file on its way out; a build that was waiting on the
    removed file must not think it holds the folder while a third build locks a new
    file."""
    acquired = threading.Event()
    done = threading.Event()

    def second() -> None:
        with output.locked(tmp_path, wait=10):
            acquired.set()
            done.wait(10)

    with output.locked(tmp_path):
        waiter = threading.Thread(target=second)
        waiter.start()
        time.sleep(0.1)  # the second build opens the lock file and waits on it
    assert acquired.wait(10)
    with (
        pytest.raises(OutputError, match="another briefgen build"),
        output.locked(tmp_path, wait=0.2),
    ):
        pass
    done.set()
    waiter.join()
    assert not (tmp_path / output.LOCK_NAME).exists()


def test_a_batch_leaves_the_temporaries_of_a_build_into_its_audience_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build with ``--out out/letter`` holds that folder's lock, not out's: a batch
    into out that took its temporaries there for stale ones removed them, and that
    build failed. The batch waits for the folder instead (here: refuses at once)."""
    monkeypatch.setattr(output, "LOCK_WAIT", 0)
    (tmp_path / "out" / "letter").mkdir(parents=True)
    live = tmp_path / "out" / "letter" / ".briefgen-4242-0123456789abcdef.letter.pdf.tmp"
    live.write_bytes(b"half a brief")
    with output.locked(tmp_path / "out" / "letter"):
        with (
            pytest.raises(OutputError, match="another briefgen build is writing") as refused,
            output.staged(tmp_path / "out") as stage,
        ):
            stage.add("letter/ex-1.pdf", b"a copy")
        assert refused.value.location is not None
        assert refused.value.location.path.endswith("out/letter")
        assert live.read_bytes() == b"half a brief"
    assert folder(tmp_path / "out") == {"letter": None}


def test_a_build_into_a_batchs_audience_folder_waits_for_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other way round: a build into out/letter while a batch into out has
    copies staged there took the batch's temporaries for stale ones, and the batch
    failed at its end for a file gone missing."""
    monkeypatch.setattr(output, "LOCK_WAIT", 0)
    out = tmp_path / "out"
    with output.staged(out) as stage:
        stage.add("letter/ex-1.pdf", b"a copy")
        with pytest.raises(OutputError, match="another briefgen build is writing"):
            output.write_all(out / "letter", {"letter.pdf": b"a brief"})
    assert folder(out / "letter") == {"ex-1.pdf": b"a copy"}


def test_a_staged_file_gone_before_it_is_read_back_is_told_at_its_name(tmp_path: Path) -> None:
    """A batch's combined PDF is written from the copies staged before it; a copy's
    temporary that something removed meanwhile was told as the combined PDF's
    failure, at a file that lacked nothing."""
    out = tmp_path / "out"
    with pytest.raises(OutputError) as caught, output.staged(out) as stage:
        stage.add("letter/ex-1.pdf", b"a copy")
        (temporary,) = (out / "letter").glob(".briefgen-*.tmp")
        temporary.unlink()
        stage.add_stream("combined.pdf", lambda into: into.write(stage.read("letter/ex-1.pdf")))
    assert caught.value.format_message() == (
        f"{out}/letter/ex-1.pdf: cannot read back the file written a moment ago: No such "
        "file or directory (something removed it while the build ran)"
    )
    assert not out.exists()


@pytest.fixture
def one_folder_two_names(tmp_path: Path) -> Iterator[Path]:
    """out/Letter and out/letter, one folder."""
    out = tmp_path / "out"
    with one_folder(out / "Letter", out / "letter"):
        yield out


def test_a_batch_into_one_audience_folder_under_two_names_locks_it_once(
    one_folder_two_names: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Audiences Letter and letter (a template beside a built-in) write into one folder
    where case does not count: the batch waited on the lock it held itself, then told
    of "another briefgen build", or took its own copies for stale temporaries."""
    monkeypatch.setattr(output, "LOCK_WAIT", 0)
    out = one_folder_two_names
    with output.staged(out) as stage:
        stage.add("Letter/ex-1.pdf", b"one copy")
        stage.add("letter/ex-2.pdf", b"another")
    assert folder(out / "Letter") == {"ex-1.pdf": b"one copy", "ex-2.pdf": b"another"}
