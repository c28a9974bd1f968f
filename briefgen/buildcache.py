"""A build whose inputs are unchanged since an earlier one: the pages that build fitted.

A ``briefgen build`` of briefs keeps, in the user's cache folder, what it decided for
each brief (the format-neutral document it fitted to the page, and the style it fitted
it at) and the lines it reported, under a key made of everything the build read or was
told: every byte of the facts, of the template folders and of ``briefgen.toml``; the
options and the folder it ran in; the brief's date and its sources (``--date``,
``SOURCE_DATE_EPOCH``, today); briefgen's own files (its code, fonts and built-in
templates); and where each link among them, and ``--out``, lead. The entry itself lists
the logo (by its bytes and where it leads) and each library module the build ran (by its
size and time), checked again before it is used.

A later build with the same key starts from the kept pages: the renderers still draw
every byte of every file, as a first build does, but no facts are read, no template is
rendered and nothing is fitted again, so neither Jinja, markdown-it nor pydantic is
imported. Any change to any input is another key, so a kept page never outlives what
it was made from. ``--no-cache``, or ``BRIEFGEN_CACHE_DIR`` set empty, turns it off.

The kept entries are Python pickles, which run code when read: they are read only from
a folder that the user owns and no one else may write to, never followed through a
link, and the folder holds at most :data:`MAX_KEPT` of them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import pickle
import stat
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen import collector
from briefgen.dates import EPOCH_VARIABLE
from briefgen.model import Document
from briefgen.options import SETTINGS_FILE, BuildOptions
from briefgen.style import Style

if TYPE_CHECKING:
    from briefgen.pipeline import BuildResult

CACHE_VARIABLE = "BRIEFGEN_CACHE_DIR"
# What a kept entry holds; another value is another key, so a briefgen that keeps
# entries of another shape never reads an older one.
ENTRY_FORMAT = 2
MAX_KEPT = 32  # entries in the cache folder; those used longest ago go first
# Inputs beyond these are not worth keeping a build for: reading them all again on
# every build would cost more than it saves (a --templates folder that is a home).
MAX_INPUT_BYTES = 64_000_000
MAX_INPUT_FILES = 4_000
_SUFFIX = ".kept"
_TEMPORARY = ".tmp"
STALE_TEMPORARY_NS = 3600 * 10**9  # a temporary this old is no build's any more
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class KeptPage:
    """One brief as a build fitted it: the name of its files and what they draw."""

    stem: str
    document: Document
    style: Style


@dataclass(frozen=True)
class KeptBuild:
    """What a build of briefs kept: enough to write the same files and say the same
    lines without reading its inputs again."""

    key: str
    pages: tuple[KeptPage, ...]
    lines: Lines | None  # None: a quiet build, which worked none of them out
    logo_setting: str  # theme.logo as written in briefgen.toml ("" without one)
    logo_digest: str  # of the logo file's bytes ("" without one)
    modules: tuple[tuple[str, str, int, int], ...]  # each library module run: file, size, time


@dataclass(frozen=True)
class Lines:
    """What a build says: each file's fill (stdout), each warning (stderr)."""

    stdout: tuple[str, ...] = ()
    stderr: tuple[str, ...] = ()


class _TooMuch(Exception):
    """The inputs are larger than a key is worth."""


def cache_folder(environ: Mapping[str, str] | None = None) -> Path | None:
    """Where kept builds go: ``BRIEFGEN_CACHE_DIR`` (None when it is set empty), else
    ``$XDG_CACHE_HOME/briefgen``, else ``~/.cache/briefgen``; None without a home."""
    environ = os.environ if environ is None else environ
    if CACHE_VARIABLE in environ:
        chosen = environ[CACHE_VARIABLE].strip()
        return Path(chosen) if chosen else None
    xdg = environ.get("XDG_CACHE_HOME", "")
    if xdg and Path(xdg).is_absolute():  # a relative one is to be ignored, says the spec
        return Path(xdg) / "briefgen"
    try:
        return Path.home() / ".cache" / "briefgen"
    except RuntimeError:  # no home to find
        return None


class _Key:
    """A running SHA-256 of length-framed parts, counting the bytes of files read."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256()
        self.read = 0
        self.files = 0

    def add(self, *parts: str | bytes) -> None:
        for part in parts:
            data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
            self.hash.update(b"%d:" % len(data))
            self.hash.update(data)

    def add_tree(self, path: Path) -> None:
        """Every file under ``path`` (or ``path`` itself), by name and bytes, links
        followed, and where each link leads; a folder seen before (a loop of links)
        once."""
        self.add("real", os.path.realpath(path))  # a link above it, too
        self._add_entry(path, str(path), set())

    def _add_entry(self, path: Path, name: str, folders: set[tuple[int, int]]) -> None:
        # Messages name a file where its links lead (errors.display_path), and a link
        # out of its folder is refused: the same bytes through a retargeted link are
        # another build.
        if os.path.islink(path):
            self.add("link", os.path.realpath(path))
        try:
            status = os.stat(path)
        except FileNotFoundError:
            self.add("absent", name)
            return
        except OSError as exc:  # unreadable, a loop of links: the build says so
            self.add("unreadable", name, str(exc.errno))
            return
        self.files += 1
        if self.files > MAX_INPUT_FILES:
            raise _TooMuch
        if stat.S_ISDIR(status.st_mode):
            if (status.st_dev, status.st_ino) in folders:
                self.add("seen", name)
                return
            folders.add((status.st_dev, status.st_ino))
            self.add("folder", name)
            try:
                names = sorted(os.listdir(path))
            except OSError as exc:
                self.add("unlisted", str(exc.errno))
                return
            for child in names:
                self._add_entry(path / child, child, folders)
            self.add("end")
        elif stat.S_ISREG(status.st_mode):
            data = _read(path, MAX_INPUT_BYTES - self.read + 1)  # a file still growing too
            self.read += len(data)
            if self.read > MAX_INPUT_BYTES:
                raise _TooMuch
            self.add("file", name, data)
        else:  # a pipe or a device: never read, but named
            self.add("other", name, str(stat.S_IFMT(status.st_mode)))


def _read(path: Path, limit: int = -1) -> bytes:
    """A file's bytes (at most ``limit``); a pipe put in its place since it was looked
    at is not waited on."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return f"unreadable {exc.errno}".encode()
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b"not a file"
        return file.read(limit)


def build_key(
    options: BuildOptions, environ: Mapping[str, str] | None = None, today: dt.date | None = None
) -> str | None:
    """The key of a build of ``options``: a digest of every input it reads and every
    choice that shapes its files and lines; None when the inputs are too large."""
    environ = os.environ if environ is None else environ
    key = _Key()
    key.add(str(ENTRY_FORMAT), sys.version, os.getcwd(), repr(options))
    # How file names are read: in ASCII (a C locale) an audience 'público' cannot name
    # its files, which a build says.
    key.add(sys.getfilesystemencoding(), sys.getfilesystemencodeerrors())
    key.add(environ.get(EPOCH_VARIABLE, ""), (today or dt.date.today()).isoformat())
    key.add(_package_fingerprint())
    key.add(os.path.realpath(options.out_dir))  # each line names the files it wrote there
    try:
        key.add_tree(options.workspace / SETTINGS_FILE)
        key.add_tree(options.facts_path)
        for folder in (options.workspace / "templates", *options.template_dirs):
            key.add_tree(folder)
    except _TooMuch:
        return None
    return key.hash.hexdigest()


def _package_fingerprint() -> str:
    """briefgen's own files (code, fonts, built-in templates) by name, size and time:
    a briefgen changed in place, or another version, makes other files."""
    parts = []
    for root, folders, files in os.walk(_PACKAGE):
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        for name in sorted(files):
            status = os.stat(os.path.join(root, name))
            parts.append(f"{root}/{name} {status.st_size} {status.st_mtime_ns}")
    return "\n".join(parts)


def _libraries() -> list[tuple[str, str]]:
    """Each module this process has run outside the standard library and briefgen
    (which the key holds), with its file: the libraries that lay out and draw pages."""
    stdlib = (sys.base_prefix, sys.base_exec_prefix)
    found = []
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or path.startswith(str(_PACKAGE)):
            continue
        if path.startswith(stdlib) and "-packages" not in path:
            continue
        found.append((name, path))
    return found


def _module_files() -> tuple[tuple[str, str, int, int], ...]:
    """Each library module this process has run (:func:`_libraries`), by its file's
    size and time."""
    found = []
    for name, path in _libraries():
        with contextlib.suppress(OSError):
            status = os.stat(path)
            found.append((name, path, status.st_size, status.st_mtime_ns))
    return tuple(sorted(set(found)))


def _same_libraries(modules: Iterable[tuple[str, str, int, int]]) -> bool:
    """Whether each library module this process has run is the file the kept build
    ran under that name: a newer one installed for the user (``pip install --user``)
    shadows the one it ran, which is still there unchanged."""
    ran = {name: path for name, path, _, _ in modules}
    return all(ran.get(name, path) == path for name, path in _libraries())


def _modules_unchanged(modules: Iterable[tuple[str, str, int, int]]) -> bool:
    for _, path, size, mtime in modules:
        try:
            status = os.stat(path)
        except OSError:
            return False
        if (status.st_size, status.st_mtime_ns) != (size, mtime):
            return False
    return True


def _logo_digest(options: BuildOptions, logo_setting: str) -> str:
    """The logo's bytes and where its links lead (a logo outside the workspace is
    refused)."""
    if not logo_setting:
        return ""
    path = options.workspace / logo_setting
    digest = hashlib.sha256(os.path.realpath(path).encode("utf-8", "surrogateescape"))
    digest.update(b"\0")
    digest.update(_read(path))
    return digest.hexdigest()


# --- the folder -----------------------------------------------------------------


def _safe_folder(folder: Path, create: bool) -> bool:
    """Whether ``folder`` is a real folder (not a link) that this user owns and no
    one else may write to; made (private) first when ``create``."""
    if create:
        with contextlib.suppress(OSError):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        status = folder.lstat()
    except OSError:
        return False
    return _owned_and_private(status) and stat.S_ISDIR(status.st_mode)


def _owned_and_private(status: os.stat_result) -> bool:
    return status.st_uid == os.geteuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _entry_path(folder: Path, key: str) -> Path:
    return folder / f"{key}{_SUFFIX}"


def load(key: str, folder: Path) -> KeptBuild | None:
    """The entry kept under ``key``, or None: none, unsafe to read, or unreadable
    (written by another briefgen, cut short)."""
    if not _safe_folder(folder, create=False):
        return None
    try:
        fd = os.open(_entry_path(folder, key), os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        status = os.fstat(fd)
        if not (stat.S_ISREG(status.st_mode) and _owned_and_private(status)):
            return None
        try:
            kept = pickle.load(file)  # the user's own private folder (see above)
        except Exception:  # any way a pickle fails to load: build anew
            return None
    return kept if isinstance(kept, KeptBuild) and kept.key == key else None


def keep(kept: KeptBuild, folder: Path) -> None:
    """Write ``kept`` into ``folder`` (whole, or not at all), then prune it
    (:func:`_prune`). A folder that cannot be written keeps nothing."""
    if not _safe_folder(folder, create=True):
        return
    target = _entry_path(folder, kept.key)
    temporary = folder / f".{kept.key}.{os.getpid()}{_TEMPORARY}"
    try:
        # Yours alone whatever the umask: 002 made it writable by the group, so never
        # read again (see load); 022 let everyone read the facts it holds.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        with os.fdopen(os.open(temporary, flags, 0o600), "wb") as file:
            pickle.dump(kept, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)
    except Exception:  # a full disk, an object that will not pickle: keep nothing
        return
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    _prune(folder)


def _prune(folder: Path) -> None:
    """Remove all but the :data:`MAX_KEPT` entries last written or used, and any
    temporary left by a build killed while keeping, once it is an hour old."""
    entries = []
    stale = time.time_ns() - STALE_TEMPORARY_NS
    with contextlib.suppress(OSError), os.scandir(folder) as found:
        for entry in found:
            if not entry.is_file(follow_symlinks=False):
                continue
            with contextlib.suppress(OSError):
                written = entry.stat(follow_symlinks=False).st_mtime_ns
                if entry.name.endswith(_SUFFIX):
                    entries.append((written, entry.path))
                elif entry.name.endswith(_TEMPORARY) and written < stale:
                    os.unlink(entry.path)
    for _, path in sorted(entries, reverse=True)[MAX_KEPT:]:
        with contextlib.suppress(OSError):
            os.unlink(path)


# --- a build ---------------------------------------------------------------------


def build_or_reuse(
    options: BuildOptions, quiet: bool, say: Callable[[Lines], None], keeping: bool = True
) -> None:
    """Build the briefs ``options`` ask for and write their files, from the pages kept
    by an earlier build of the same inputs if there is one (and ``keeping``), else
    anew, keeping its pages; ``say`` is given what the build says (unless ``quiet``)
    as soon as its files are written, before any keeping."""
    folder = cache_folder() if keeping else None
    key = build_key(options) if folder else None
    if folder and key:
        reused = reuse(options, key, folder, quiet)
        if reused is not None:
            if not quiet:
                say(reused)
            return
    collector.pipeline_imported()
    from briefgen.pipeline import build, output_name

    result = build(options)
    lines = None if quiet else report_lines(result, options.out_dir)
    if lines is not None:
        say(lines)
    if folder and key and build_key(options) == key:  # no input changed meanwhile
        assert result.workspace is not None
        pages = [
            KeptPage(output_name(brief.audience), brief.fit.document, replace(brief.fit.style))
            for brief in result.briefs
        ]
        logo = result.workspace.settings.theme.logo
        kept = KeptBuild(
            key, tuple(pages), lines, logo, _logo_digest(options, logo), _module_files()
        )
        keep(kept, folder)


def report_lines(result: BuildResult, out_dir: Path) -> Lines:
    """Each file's fill and each warning of ``result``, one line each (what ``briefgen
    check`` reports)."""
    from briefgen.check import warning_lines, warnings_of
    from briefgen.pipeline import describe

    described = tuple(line for brief in result.briefs for line in describe(brief, out_dir))
    return Lines(described, tuple(warning_lines(warnings_of(result))))


def reuse(options: BuildOptions, key: str, folder: Path, quiet: bool) -> Lines | None:
    """The build of ``options`` made from the entry kept under ``key``: every file
    drawn from its kept pages and written (all or none), and the lines it says; None
    when there is no entry to use (a quiet build's entry has no lines for a build
    that says them)."""
    kept = load(key, folder)
    if kept is None or (kept.lines is None and not quiet):
        return None
    if not _modules_unchanged(kept.modules):
        return None
    if _logo_digest(options, kept.logo_setting) != kept.logo_digest:
        return None
    from briefgen import interrupts
    from briefgen.destination import check_out_dir, refuse_to_write_over_the_logo
    from briefgen.output import write_all
    from briefgen.renderers import RENDERERS, render

    for fmt in options.formats:
        import_module(RENDERERS[fmt][0])
    collector.imports_done()
    check_out_dir(options)
    files = {}
    for page in kept.pages:
        style = page.style.shared()
        for fmt in options.formats:
            interrupts.check()
            files[f"{page.stem}.{fmt}"] = render(fmt, page.document, style)
    interrupts.check()
    if not _same_libraries(kept.modules):  # every library the drawing ran is imported now
        return None
    refuse_to_write_over_the_logo(options, kept.logo_setting, list(files))
    write_all(options.out_dir, files)
    with contextlib.suppress(OSError):  # used now: the last to be pruned (_prune)
        os.utime(_entry_path(folder, key))
    return kept.lines or Lines()
