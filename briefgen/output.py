"""Write output files all or nothing, also when several builds share a folder.

Every file goes first to a temporary beside its target, under a name only briefgen
makes and unique to this build (``.briefgen-PID-TOKEN.NAME.tmp``), and is synced to
disk (where the file system syncs at all); only when every temporary is complete are
they renamed into place, with Ctrl-C and SIGTERM held so the renames are not cut in
two. Any failure before that removes this build's temporaries and touches nothing
else; a rename that fails (a file the system will not let this user replace) has the
ones before it undone, each replaced file put back from a hard link made just before.

A build holds an exclusive lock on ``.briefgen.lock`` in the output folder from its
first temporary to its last rename, so two builds into one folder take turns: the
files in the folder are always one build's complete set. The lock also says which
temporaries are stale (any of ours present while we hold it), so the cleanup of
files a killed build left never deletes a live build's temporaries, nor any file
whose name briefgen did not make. The lock file is removed when the build is done.
A batch also holds the lock of each subfolder it writes into, which is the output
folder of a build given ``--out output/<audience>``.

A batch (``build --recipients``) writes through :func:`staged`: each file becomes its
temporary as soon as it is made, so a thousand copies need not sit in memory, and
subfolders (``output/<audience>/``) are created and, on failure, removed again.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePath
from typing import BinaryIO

from briefgen import interrupts
from briefgen.errors import Location, OutputError, display_path, terminal_safe

LOCK_NAME = ".briefgen.lock"
# How long a build waits for another one writing into the same folder (seconds).
LOCK_WAIT = 30.0
_POLL = 0.02
_TEMPORARY = re.compile(r"\.briefgen-\d+-[0-9a-f]{16}\..+\.tmp")


def entry_location(path: Path) -> Location:
    """Where the directory entry ``path`` is, not where it leads if it is a link."""
    return Location(str(Path(display_path(path.parent)) / path.name))


def temporary_name(name: str, token: str) -> str:
    """The temporary for file ``name`` in the build ``token`` (``PID-HEX``)."""
    return f".briefgen-{token}.{name}.tmp"


def prepare_folder(folder: Path) -> list[Path]:
    """Create the output folder, or say clearly why it cannot be used; returns the
    folders it created, outermost first."""
    if folder.exists() and not folder.is_dir():
        raise OutputError("the output path is a file, not a folder", Location.of(folder))
    created = [p for p in (*reversed(folder.parents), folder) if not p.exists()]
    if created and created[0].is_symlink():  # mkdir would say "File exists"
        raise OutputError(
            LINK_LOOP
            if loops(created[0])
            else f"a link to {terminal_safe(os.readlink(created[0]))!r}, which is not there, "
            "is in the output folder's path; make that folder, or remove the link",
            entry_location(created[0]),
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the output folder: {exc.strerror}", Location.of(folder)
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        remove_folders(created)
        raise OutputError("the output folder is not writable", Location.of(folder))
    return created


def refuse_unwritable(folder: Path) -> None:
    """Refuse, before any work, an output folder this user can neither write into nor
    create (a read-only mount, another user's folder), which :func:`prepare_folder`
    would refuse only once every file is made."""
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is None or not existing.is_dir() or os.access(existing, os.W_OK | os.X_OK):
        return  # writable, or prepare_folder tells what is wrong
    if existing == folder:
        raise OutputError("the output folder is not writable", Location.of(folder))
    raise OutputError(
        f"cannot create the output folder: {terminal_safe(display_path(existing))} is not writable",
        Location.of(folder),
    )


LINK_LOOP = (
    "a loop of symbolic links is in the output folder's path; remove it or choose another --out"
)


def loops(path: Path) -> bool:
    """Whether ``path`` is a link that leads round in a loop."""
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def remove_folders(created: list[Path]) -> None:
    """Remove the folders a failed write created, innermost first, each only if empty."""
    for folder in reversed(created):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only if still empty


def check_targets(paths: list[Path], hint: str = "move it or choose another --out") -> None:
    """Refuse, before anything is written, a target that a folder stands in for."""
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            raise OutputError(f"a folder is in the way of this file; {hint}", Location.of(path))


def remove_stale_temporaries(folder: Path, below: bool = False) -> None:
    """Remove the temporaries killed builds left behind. Call it holding the folder's
    lock: then every file named like a temporary of ours is stale. With ``below``,
    also those in its subfolders (a batch's audience folders) whose own lock is free:
    a build whose ``--out`` is the subfolder holds that one while it writes."""
    subfolders: list[Path] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if _TEMPORARY.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
            elif below and entry.is_dir(follow_symlinks=False):
                subfolders.append(Path(entry.path))
    for subfolder in filter(_has_temporaries, subfolders):
        with contextlib.suppress(OutputError, OSError), locked(subfolder, wait=0) as held:
            if held:
                remove_stale_temporaries(subfolder)


def _has_temporaries(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(_TEMPORARY.fullmatch(entry.name) for entry in entries)
    except OSError:
        return False


@contextlib.contextmanager
def locked(folder: Path, wait: float | None = None) -> Iterator[bool]:
    """Hold the folder's build lock while the block runs; yields False where the file
    system cannot lock (the build then goes ahead unlocked, as it did before locks).

    Waits ``wait`` seconds (default :data:`LOCK_WAIT`) for another build to finish,
    then refuses. The lock file is removed on the way out, while still locked; a
    build that was waiting on the removed file notices and locks the new one.
    """
    path = folder / LOCK_NAME
    seconds = LOCK_WAIT if wait is None else wait
    deadline = time.monotonic() + seconds
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise OutputError(
                f"cannot open the build lock: {exc.strerror}", entry_location(path)
            ) from None
        try:
            held = _acquire(fd, folder, seconds, deadline)
            if not held or _is_current(fd, path):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    try:
        yield held
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)


def _acquire(fd: int, folder: Path, seconds: float, deadline: float) -> bool:
    # Imported here, not with the module: Windows has no fcntl, and the command line
    # must load there to say that briefgen does not run on it.
    import fcntl

    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return False  # no locks on this file system
        else:
            return True
        if time.monotonic() >= deadline:
            raise OutputError(
                "another briefgen build is writing into this folder and did not finish "
                f"within {seconds:g} s; try again when it is done",
                Location.of(folder),
            )
        interrupts.check()
        time.sleep(_POLL)


def _is_current(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file ``fd`` locked (a build that finished
    removes it; its waiters must lock the file the next build made)."""
    try:
        named = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def write_all(folder: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write ``files`` (name -> bytes) into ``folder``: every one, or, on any failure,
    none, leaving the folder as it was. Returns the paths written."""
    targets = {folder / name: data for name, data in files.items()}
    check_targets(list(targets))
    created = prepare_folder(folder)
    try:
        with locked(folder) as held:
            if held:
                remove_stale_temporaries(folder, below=True)
            replace_all(targets)
    except BaseException:
        remove_folders(created)
        raise
    return list(targets)


def _write_fully(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _create(path: Path) -> int:
    """A new file for writing (mode 0644 less the umask); never an existing file or
    the target of a symbolic link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    return os.open(path, flags, 0o644)


def replace_all(files: Mapping[Path, bytes]) -> None:
    """Replace each path's directory entry with a new file holding its bytes, all or
    nothing: a symbolic link in the way is replaced, never written through."""
    stage = Staging()
    with stage.guard():
        for path, data in files.items():
            stage.add(path, data)
        stage.commit()


class Staging:
    """Files written one at a time as temporaries beside their targets, then renamed
    into place together by :meth:`commit`; under :meth:`guard`, any failure before
    that removes every temporary and touches nothing else."""

    def __init__(self) -> None:
        self.token = f"{os.getpid()}-{secrets.token_hex(8)}"
        self.temporaries: dict[Path, Path] = {}
        self.current: Path | None = None
        self.removals: list[Path] = []  # files the commit removes (remove)
        self.removed: list[Path] = []  # and those it did remove

    def add(self, path: Path, data: bytes) -> None:
        """Write ``data`` to the temporary of ``path`` (synced to disk)."""
        self._staged(path, lambda fd: _write_fully(fd, data))

    def add_stream(self, path: Path, write: Callable[[BinaryIO], object]) -> None:
        """Have ``write`` write the temporary of ``path`` (then synced to disk): a
        file too large to hold in memory (a batch's combined PDF) is written as it
        is made."""

        def through_a_file(fd: int) -> None:
            with os.fdopen(fd, "wb", closefd=False) as out:
                write(out)

        self._staged(path, through_a_file)

    def _staged(self, path: Path, write: Callable[[int], None]) -> None:
        interrupts.check()
        self.current = path
        temporary = path.with_name(temporary_name(path.name, self.token))
        # An interrupt between creating the file and recording its name would
        # leave it behind: hold interrupts until it is recorded.
        with interrupts.held():
            fd = _create(temporary)
            self.temporaries[path] = temporary
        try:
            write(fd)
            _sync_file(fd)
        finally:
            os.close(fd)
        self.current = None

    def read(self, path: Path) -> bytes:
        """The bytes staged for ``path``; told at ``path`` when they cannot be read
        (not at the file being written from them, a batch's combined PDF)."""
        try:
            return self.temporaries[path].read_bytes()
        except OSError as exc:
            why = " (something removed it while the build ran)" if exc.errno == errno.ENOENT else ""
            raise OutputError(
                f"cannot read back the file written a moment ago: {exc.strerror}{why}",
                Location.of(path),
            ) from None

    def remove(self, path: Path) -> None:
        """Have the commit remove the file (or link) at ``path``, if there is one then."""
        self.removals.append(path)

    def commit(self) -> None:
        """Rename every temporary into place and remove what :meth:`remove` named,
        with Ctrl-C and SIGTERM held. One that came meanwhile stops the build after
        the commit, which is then done: it is told so, not as "Aborted!", which would
        have the folder as it was."""
        check_targets(list(self.temporaries))  # a folder may have appeared while we wrote
        interrupts.check()
        placed_all = False
        try:
            with interrupts.held():
                self._place()
                placed_all = True
        except KeyboardInterrupt:
            if not placed_all:
                raise  # the renames were undone (or never began): the folder is as it was
            self._sync()
            folders = [p.parent for p in [*self.temporaries, *self.removals]]
            raise OutputError(
                "interrupted while the files were put in place, too late to stop: every "
                "file of this build was written, none is partial",
                Location.of(os.path.commonpath(folders)) if folders else None,
            ) from None
        self._sync()

    def _place(self) -> None:
        """The renames and removals of :meth:`commit`, all or (a rename failing) none."""
        existed = {path for path in self.temporaries if os.path.lexists(path)}
        backups = self._back_up()
        placed: list[Path] = []
        try:
            for path, temporary in self.temporaries.items():
                self.current = path
                os.replace(temporary, path)
                placed.append(path)
        except OSError:
            # One file could not be replaced (a file another user owns in a
            # shared folder, an immutable one): put back the ones already
            # replaced, so the folder is not half this build and half the last.
            _roll_back(placed, backups, existed)
            raise
        finally:
            for backup in backups.values():
                with contextlib.suppress(OSError):
                    os.unlink(backup)
        for path in self.removals:
            # After the renames, nothing may fail: a file that cannot be removed
            # stays, as it would have without the request.
            with contextlib.suppress(OSError):
                if not stat.S_ISDIR(os.lstat(path).st_mode):
                    os.unlink(path)
                    self.removed.append(path)
        self.current = None

    def _sync(self) -> None:
        for folder in dict.fromkeys(p.parent for p in [*self.temporaries, *self.removals]):
            _sync_folder(folder)

    def _back_up(self) -> dict[Path, Path]:
        """A second name (a hard link, no copy) for each file the commit replaces, for
        :func:`_roll_back`; none where the file system or the file refuses a link
        (FAT, a file another user owns): that file's replacement cannot be undone,
        as before backups were kept."""
        backups: dict[Path, Path] = {}
        for path in self.temporaries:
            backup = path.with_name(temporary_name(f"{path.name}.old", self.token))
            with contextlib.suppress(OSError):
                os.link(path, backup, follow_symlinks=False)
                backups[path] = backup
        return backups

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """On any failure in the block, remove the temporaries; an OSError becomes an
        OutputError naming the file."""
        try:
            yield
        except BaseException as exc:
            for temporary in self.temporaries.values():
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
            if isinstance(exc, OSError):
                where = Location.of(self.current) if self.current else None
                raise OutputError(f"cannot write the file: {exc.strerror}", where) from None
            raise


class FolderStaging:
    """:class:`Staging` by name inside one output folder, creating subfolders."""

    def __init__(
        self,
        folder: Path,
        stage: Staging,
        held: bool,
        created: list[Path],
        locks: contextlib.ExitStack,
    ) -> None:
        self.folder = folder
        self.stage = stage
        self.held = held
        self.created = created
        self.locks = locks  # each subfolder's, held until the files are in place
        self.ready = {folder}
        # The subfolders made ready, as the file system knows them: where case does
        # not count (macOS, Windows), Public/ and public/ are one folder, one lock.
        self.folders: set[tuple[int, int]] = set()

    def add(self, name: str, data: bytes) -> Path:
        """Stage ``data`` for ``folder/name``; returns the path it will have."""
        path = self._ready(name)
        self.stage.add(path, data)
        return path

    def add_stream(self, name: str, write: Callable[[BinaryIO], object]) -> Path:
        """Stage what ``write`` writes for ``folder/name`` (see :meth:`Staging.add_stream`);
        returns the path it will have."""
        path = self._ready(name)
        self.stage.add_stream(path, write)
        return path

    def _ready(self, name: str) -> Path:
        """``folder/name``, its folder made and checked, the path checked."""
        path = self._inside(name)
        if path.parent not in self.ready:
            if path.parent.is_symlink():
                # A link here (an audience's folder) would send the copies wherever
                # it leads, outside the output folder.
                raise OutputError(
                    "a link where the audience's folder goes; remove it or choose another --out",
                    entry_location(path.parent),
                )
            self.created += prepare_folder(path.parent)
            # A build whose --out is this subfolder takes its lock, not ours: hold
            # it too, or either build would take the other's temporaries for stale.
            # Locked once: a second lock of it would wait on the first, and its
            # cleanup would remove the copies staged under the other name.
            if (identity := _identity(path.parent)) not in self.folders:
                self.folders.add(identity)
                if self.held and self.locks.enter_context(locked(path.parent)):
                    remove_stale_temporaries(path.parent)
            self.ready.add(path.parent)
        check_targets([path])
        return path

    def _inside(self, name: str) -> Path:
        """``folder/name``, for a relative ``name`` that stays inside the folder. The
        names are checked where they are made (an audience's name, a row's slug); this
        is the last guard before a file is written or removed elsewhere."""
        relative = PurePath(name)
        if not relative.parts or relative.is_absolute() or ".." in relative.parts:
            raise OutputError(f"internal error: {name!r} names no file inside the output folder")
        return self.folder / name

    def read(self, name: str) -> bytes:
        """The bytes staged for ``folder/name``."""
        return self.stage.read(self.folder / name)

    def remove(self, name: str) -> None:
        """Have the commit remove ``folder/name``, if it is a file then; nothing behind
        a link where a subfolder goes, which leads outside the folder."""
        path = self._inside(name)
        inside = [parent for parent in path.parents if self.folder in parent.parents]
        if not any(parent.is_symlink() for parent in inside):
            self.stage.remove(path)


def _identity(folder: Path) -> tuple[int, int]:
    """The folder as the file system knows it, whatever name it is reached by."""
    try:
        status = folder.stat()
    except OSError as exc:
        raise OutputError(
            f"cannot open the folder: {exc.strerror}", entry_location(folder)
        ) from None
    return status.st_dev, status.st_ino


@contextlib.contextmanager
def staged(folder: Path) -> Iterator[FolderStaging]:
    """Write files into ``folder`` one at a time while the block runs (so they need
    not all be in memory at once); when it ends without error, rename them all into
    place; on any error or interrupt, none, leaving the folder as it was. The folder's
    lock is held throughout, so other builds into it wait their turn."""
    created = prepare_folder(folder)
    try:
        with locked(folder) as held:
            if held:
                remove_stale_temporaries(folder, below=True)
            stage = Staging()
            # The subfolders' locks are let go of after the guard removed the temporaries.
            with contextlib.ExitStack() as locks, stage.guard():
                staging = FolderStaging(folder, stage, held, created, locks)
                yield staging
                stage.commit()
    except BaseException:
        remove_folders(created)
        raise
    if not stage.temporaries:
        remove_folders(created)


def _roll_back(placed: list[Path], backups: dict[Path, Path], existed: set[Path]) -> None:
    """Undo the renames of ``placed``: each old file back from its backup, each file
    that was new removed. One that replaced an old file without a backup stays: the
    old one is gone, and removing the new one too would leave neither."""
    for path in reversed(placed):
        with contextlib.suppress(OSError):
            if path in backups:
                os.replace(backups.pop(path), path)
            elif path not in existed:
                os.unlink(path)


# What fsync says where the file system cannot sync at all (a VirtualBox shared
# folder, some FUSE and network mounts): the file is written, as it would be
# anywhere without a sync. A failure to sync what was written (EIO, a full disk or
# quota) is a failed write.
_CANNOT_SYNC = frozenset({errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS})


def _sync_file(fd: int) -> None:
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _CANNOT_SYNC:
            raise


def _sync_folder(folder: Path) -> None:
    """Make the renames durable (where the system allows syncing a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
