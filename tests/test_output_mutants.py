"""The output module's edges, one test each, found unguarded by scripts/mutation: the
messages of a folder that cannot be used, a lock file that cannot be opened, a file
system without locks, an interrupt while waiting for the lock, a folder appearing while
the files are written, and what the cleanup of stale temporaries leaves alone."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import secrets
import signal
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefgen import interrupts, output
from briefgen.errors import OutputError

STALE = ".briefgen-4242-0123456789abcdef.a.pdf.tmp"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path`` as the working directory, so messages show paths relative to it."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def message(error: pytest.ExceptionInfo[OutputError]) -> str:
    """The one line the command line prints for the error."""
    return str(error.value.format_message())


def test_an_output_path_that_is_a_file_is_refused(here: Path) -> None:
    (here / "out").write_text("a file", encoding="utf-8")
    with pytest.raises(OutputError) as error:
        output.write_all(here / "out", {"a.pdf": b"%PDF"})
    assert message(error) == "out: the output path is a file, not a folder"


def test_an_output_folder_that_cannot_be_made_is_refused(here: Path) -> None:
    (here / "file").write_text("a file", encoding="utf-8")
    with pytest.raises(OutputError) as error:
        output.write_all(here / "file" / "out", {"a.pdf": b"%PDF"})
    assert message(error) == "file/out: cannot create the output folder: Not a directory"


def test_an_unwritable_output_folder_is_refused_and_removed(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # os.access, since the tests may run as root, who may write anywhere.
    asked: list[int] = []

    def access(path: object, mode: int) -> bool:
        asked.append(mode)
        return False

    monkeypatch.setattr(os, "access", access)
    with pytest.raises(OutputError) as error:
        output.write_all(here / "new" / "out", {"a.pdf": b"%PDF"})
    monkeypatch.undo()
    assert message(error) == "new/out: the output folder is not writable"
    assert asked == [os.W_OK | os.X_OK]
    assert not (here / "new").exists()


def test_a_folder_in_the_way_is_named_with_the_hint(here: Path) -> None:
    (here / "out" / "a.pdf").mkdir(parents=True)
    with pytest.raises(OutputError) as error:
        output.write_all(here / "out", {"a.pdf": b"%PDF"})
    assert message(error) == (
        "out/a.pdf: a folder is in the way of this file; move it or choose another --out"
    )


def test_a_folder_appearing_while_the_files_are_written_stops_the_renames(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = output._write_fully

    def write(fd: int, data: bytes) -> None:
        real(fd, data)
        (here / "out" / "b.pdf").mkdir(exist_ok=True)

    monkeypatch.setattr(output, "_write_fully", write)
    (here / "out").mkdir()
    (here / "out" / "a.pdf").write_bytes(b"old")
    with pytest.raises(OutputError, match="a folder is in the way of this file"):
        output.write_all(here / "out", {"a.pdf": b"new", "b.pdf": b"new"})
    assert sorted(os.listdir(here / "out")) == ["a.pdf", "b.pdf"]
    assert (here / "out" / "a.pdf").read_bytes() == b"old"


def test_a_failed_rename_names_its_file(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(source: object, target: object) -> None:
        raise OSError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputError) as error:
        output.write_all(here / "out", {"a.pdf": b"new"})
    monkeypatch.undo()
    assert message(error) == "out/a.pdf: cannot write the file: Permission denied"
    assert not (here / "out").exists()  # the folder it made, temporaries and all


def test_a_lock_file_that_cannot_be_opened_is_named(here: Path) -> None:
    (here / "out").mkdir()
    (here / "out" / output.LOCK_NAME).symlink_to(here / "elsewhere")
    with pytest.raises(OutputError) as error:
        output.write_all(here / "out", {"a.pdf": b"%PDF"})
    assert message(error) == (
        "out/.briefgen.lock: cannot open the build lock: Too many levels of symbolic links"
    )
    assert not (here / "elsewhere").exists()
    assert sorted(os.listdir(here / "out")) == [output.LOCK_NAME]


def test_the_lock_file_is_readable_by_all_while_held(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with output.locked(tmp_path) as held:
            assert held is True
            mode = (tmp_path / output.LOCK_NAME).stat().st_mode & 0o777
    finally:
        os.umask(old)
    assert mode == 0o644
    assert not (tmp_path / output.LOCK_NAME).exists()


@pytest.fixture
def no_locks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A file system that cannot lock: flock fails with ENOLCK."""

    def flock(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(fcntl, "flock", flock)
    yield
    monkeypatch.undo()


@pytest.mark.usefixtures("no_locks")
def test_without_locks_a_build_goes_ahead_and_leaves_temporaries_alone(tmp_path: Path) -> None:
    """Unlocked, a build cannot tell a stale temporary from another build's."""
    (tmp_path / STALE).write_bytes(b"maybe another build's")
    with output.locked(tmp_path, wait=0) as held:
        assert held is False
    assert output.write_all(tmp_path, {"a.pdf": b"new"}) == [tmp_path / "a.pdf"]
    assert sorted(os.listdir(tmp_path)) == sorted([STALE, "a.pdf"])


def test_the_cleanup_removes_only_files_named_like_ours(tmp_path: Path) -> None:
    (tmp_path / STALE).write_bytes(b"stale")
    kept = [
        ".briefgen-4242-0123456789abcdef.a.pdf",  # not .tmp
        ".briefgen-4242-0123456789abcde.a.pdf.tmp",  # token too short
        ".briefgen-x-0123456789abcdef.a.pdf.tmp",  # no pid
        "briefgen-4242-0123456789abcdef.a.pdf.tmp",  # not hidden
    ]
    for name in kept:
        (tmp_path / name).write_bytes(b"someone's")
    (tmp_path / ".briefgen-1-0123456789abcdef.b.pdf.tmp").symlink_to(tmp_path / kept[0])
    (tmp_path / ".briefgen-2-0123456789abcdef.c.pdf.tmp").mkdir()
    output.remove_stale_temporaries(tmp_path)
    assert sorted(os.listdir(tmp_path)) == sorted(
        [*kept, ".briefgen-1-0123456789abcdef.b.pdf.tmp", ".briefgen-2-0123456789abcdef.c.pdf.tmp"]
    )


def test_an_interrupt_stops_the_wait_for_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with output.locked(tmp_path):
        monkeypatch.setattr(interrupts, "_received", [signal.SIGINT])
        with pytest.raises(KeyboardInterrupt), output.locked(tmp_path, wait=30):
            pass
    assert not (tmp_path / output.LOCK_NAME).exists()


INTERRUPTS = {signal.SIGINT, signal.SIGTERM}


@pytest.fixture
def unblocked() -> Iterator[None]:
    """Ctrl-C and SIGTERM not blocked when the test starts (a test before it may have
    left them blocked; the mask is the process's), and the mask restored after it."""
    before = signal.pthread_sigmask(signal.SIG_UNBLOCK, INTERRUPTS)
    yield
    signal.pthread_sigmask(signal.SIG_SETMASK, before)


@contextlib.contextmanager
def counting_ctrl_c() -> Iterator[list[int]]:
    """Ctrl-C counted by a handler of the test's (each call appends), not raised; the
    handler there was is put back after."""
    calls: list[int] = []
    before = signal.signal(signal.SIGINT, lambda signum, frame: calls.append(signum))
    try:
        yield calls
    finally:
        signal.signal(signal.SIGINT, before)


@pytest.mark.usefixtures("unblocked")
def test_interrupts_are_held_in_the_main_thread_only() -> None:
    """Ctrl-C during a held section comes after it, once, to the handler there was;
    in another thread, holding changes nothing."""
    assert threading.current_thread() is threading.main_thread()
    with counting_ctrl_c() as calls:
        handler = signal.getsignal(signal.SIGINT)
        with interrupts.held():
            signal.raise_signal(signal.SIGINT)
            signal.raise_signal(signal.SIGINT)
            assert calls == [], "Ctrl-C broke into the held section"
        assert calls == [signal.SIGINT]
        assert signal.getsignal(signal.SIGINT) is handler
        found: list[object] = []

        def in_a_thread() -> None:
            with interrupts.held():
                found.append(signal.getsignal(signal.SIGINT))

        thread = threading.Thread(target=in_a_thread)
        thread.start()
        thread.join()
        assert found == [handler]


@pytest.mark.usefixtures("unblocked")
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")
def test_a_process_forked_while_interrupts_are_handled_ends_on_the_signal() -> None:
    """A batch's worker inherits the handler until its start sets its own; a SIGTERM
    then (the pool stopping it, as a batch fails at once) raised KeyboardInterrupt in
    the worker, whose traceback was printed: it now ends on the signal, quietly."""
    with interrupts.handled():
        child = os.fork()
        if child == 0:  # pragma: no cover (the child)
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0)  # the handler runs here, in Python
            except KeyboardInterrupt:
                os._exit(3)
            finally:
                os._exit(0)
        _, status = os.waitpid(child, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM, status


@pytest.mark.usefixtures("unblocked")
def test_interrupts_are_held_when_another_thread_takes_the_signal() -> None:
    """A batch has other threads (its writers, the process pool's): the system may
    hand Ctrl-C to one of them, and Python runs the handler in the main thread at
    once. It must still wait for the held section's end (it once left an empty
    temporary file in the output folder)."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with counting_ctrl_c() as calls:
            with interrupts.held():
                assert other.ident is not None
                signal.pthread_kill(other.ident, signal.SIGINT)
                time.sleep(0.05)  # the main thread runs bytecode meanwhile
                assert calls == [], "Ctrl-C broke into the held section"
            assert calls == [signal.SIGINT]
    finally:
        stop.set()
        other.join()


def test_a_failed_build_keeps_a_folder_it_made_that_is_no_longer_empty(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone else's file in the new folder: the folder stays, and the error shown is
    the build's own, not the cleanup's."""

    def write(fd: int, data: bytes) -> None:
        (here / "new" / "theirs.txt").write_text("theirs", encoding="utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(output, "_write_fully", write)
    with pytest.raises(OutputError) as error:
        output.write_all(here / "new", {"a.pdf": b"new"})
    assert message(error) == "new/a.pdf: cannot write the file: No space left on device"
    assert os.listdir(here / "new") == ["theirs.txt"]


def test_a_folder_that_cannot_be_synced_still_gets_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some file systems refuse to sync a folder (EINVAL); the renames are done then,
    and the build has succeeded."""
    real = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    assert output.write_all(tmp_path, {"a.pdf": b"new"}) == [tmp_path / "a.pdf"]
    monkeypatch.undo()
    assert (tmp_path / "a.pdf").read_bytes() == b"new"


@pytest.mark.parametrize("code", [errno.EINVAL, errno.EOPNOTSUPP, errno.ENOSYS])
def test_a_file_system_that_cannot_sync_files_still_gets_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    """A VirtualBox shared folder or a FUSE mount may sync nothing (EINVAL, "Operation
    not supported"): every build there failed at its first file, though each was
    written whole."""

    def fsync(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", fsync)
    assert output.write_all(tmp_path, {"a.pdf": b"new"}) == [tmp_path / "a.pdf"]
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["a.pdf"]
    assert (tmp_path / "a.pdf").read_bytes() == b"new"


def test_a_file_whose_sync_fails_is_not_put_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sync that fails (EIO: the disk could not take the bytes) is a failed write."""
    (tmp_path / "a.pdf").write_bytes(b"old")

    def fsync(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OutputError) as error:
        output.write_all(tmp_path, {"a.pdf": b"new"})
    monkeypatch.undo()
    assert message(error).endswith("a.pdf: cannot write the file: Input/output error")
    assert os.listdir(tmp_path) == ["a.pdf"]
    assert (tmp_path / "a.pdf").read_bytes() == b"old"


def test_temporaries_are_named_for_this_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``.briefgen-PID-TOKEN.NAME.tmp``: what the cleanup of a later build recognizes."""
    seen: list[str] = []
    real = output._write_fully

    def write(fd: int, data: bytes) -> None:
        seen.extend(n for n in os.listdir(tmp_path) if n.endswith(".tmp"))
        real(fd, data)

    monkeypatch.setattr(output, "_write_fully", write)
    output.write_all(tmp_path, {"a.pdf": b"new"})
    assert len(seen) == 1
    assert re.fullmatch(rf"\.briefgen-{os.getpid()}-[0-9a-f]{{16}}\.a\.pdf\.tmp", seen[0])


def test_a_link_at_a_temporary_name_is_never_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "0123456789abcdef"
    monkeypatch.setattr(secrets, "token_hex", lambda size: token)
    outside = tmp_path / "outside"
    outside.write_bytes(b"not ours")
    (tmp_path / "out").mkdir()
    name = output.temporary_name("a.pdf", f"{os.getpid()}-{token}")
    (tmp_path / "out" / name).symlink_to(outside)
    with pytest.raises(OutputError, match="cannot write the file: File exists"):
        output.replace_all({tmp_path / "out" / "a.pdf": b"new"})
    assert outside.read_bytes() == b"not ours"


def test_the_cleanup_ignores_a_temporary_already_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process may remove a stale temporary between listing and unlinking."""
    (tmp_path / STALE).write_bytes(b"stale")

    def unlink(path: object) -> None:
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT))

    monkeypatch.setattr(os, "unlink", unlink)
    output.remove_stale_temporaries(tmp_path)


@pytest.mark.usefixtures("unblocked")
def test_interrupts_are_held_while_temporaries_are_created_and_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between creating a temporary and recording it for removal, a signal would leave
    it behind; during the renames, it would leave half the files replaced. A Ctrl-C in
    each comes when the creation is recorded, and after the last rename."""
    counted: list[int] = []
    real_create, real_replace = output._create, os.replace

    with counting_ctrl_c() as calls:

        def create(path: Path) -> int:
            signal.raise_signal(signal.SIGINT)
            counted.append(len(calls))
            return real_create(path)

        def replace(source: Path, target: Path) -> None:
            signal.raise_signal(signal.SIGINT)
            counted.append(len(calls))
            real_replace(source, target)

        monkeypatch.setattr(output, "_create", create)
        monkeypatch.setattr(os, "replace", replace)
        output.write_all(tmp_path, {"a.pdf": b"new", "b.pdf": b"new"})
        monkeypatch.undo()
        assert counted == [0, 1, 2, 2]
        assert len(calls) == 3
    assert sorted(os.listdir(tmp_path)) == ["a.pdf", "b.pdf"]


def test_a_rename_failing_after_another_names_its_file(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cleanup then finds the first temporary already renamed, and says nothing of
    it; the file it made is taken back (it was new: removed), as a replaced one is put
    back (tests/test_atomic.py)."""
    real = os.replace

    def replace(source: Path, target: Path) -> None:
        if Path(target).name == "b.pdf":
            raise OSError(errno.EACCES, os.strerror(errno.EACCES))
        real(source, target)

    monkeypatch.setattr(os, "replace", replace)
    (here / "out").mkdir()
    with pytest.raises(OutputError) as error:
        output.write_all(here / "out", {"a.pdf": b"new", "b.pdf": b"new"})
    monkeypatch.undo()
    assert message(error) == "out/b.pdf: cannot write the file: Permission denied"
    assert os.listdir(here / "out") == []


def test_a_locked_build_clears_stale_temporaries(tmp_path: Path) -> None:
    (tmp_path / STALE).write_bytes(b"a killed build's")
    output.write_all(tmp_path, {"a.pdf": b"new"})
    assert os.listdir(tmp_path) == ["a.pdf"]


def test_a_link_to_the_locked_file_is_not_the_lock(tmp_path: Path) -> None:
    """Only the entry itself counts: a link put where the lock file was is not it."""
    (tmp_path / "held").write_bytes(b"")
    (tmp_path / output.LOCK_NAME).symlink_to(tmp_path / "held")
    fd = os.open(tmp_path / "held", os.O_RDONLY)
    try:
        assert output._is_current(fd, tmp_path / "held")
        assert not output._is_current(fd, tmp_path / output.LOCK_NAME)
    finally:
        os.close(fd)


def test_a_locked_batch_clears_stale_temporaries_in_its_subfolders(tmp_path: Path) -> None:
    """A batch writes into a folder per audience: a killed batch's temporaries there
    are cleared too, by the next one holding the lock."""
    (tmp_path / "letter").mkdir()
    (tmp_path / "letter" / STALE).write_bytes(b"a killed batch's")
    with output.staged(tmp_path) as stage:
        stage.add("letter/a.pdf", b"new")
    assert os.listdir(tmp_path / "letter") == ["a.pdf"]
