"""Test helpers that lay a DOCX out with LibreOffice and read the result back.

LibreOffice must lay a brief out with Arial's metric twin, Liberation Sans, or its
page count says nothing about Word's. So soffice runs with a private fontconfig
file that adds briefgen's bundled fonts and maps Arial to Liberation Sans, and with
a private user profile so parallel and first-time runs do not collide.

Tests that need LibreOffice use the ``libreoffice`` fixture (or the
``requires_libreoffice`` decorator): without soffice they are skipped, except on
CI (``CI=true``), where a missing soffice is a failure rather than a silent skip.

Starting soffice costs about two seconds, laying out one more file a quarter of one.
So a test process starts soffice once, the first time it needs a layout, and keeps it
running with one document open (an office with nothing open quits after a request);
each later ``soffice --convert-to`` finds it by its profile and hands it the files
(LibreOffice's single-instance pipe), so a conversion costs no start. If it cannot
be started, each conversion starts its own soffice, as a lone ``--convert-to`` does.
A module still lays all its DOCX files out in one call (``convert_all``,
``page_counts``, usually from a module fixture).
"""

from __future__ import annotations

import atexit
import ctypes
import functools
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar
from xml.sax.saxutils import escape

import pytest
from pypdf import PdfReader

import briefgen

CONVERT_TIMEOUT = 120  # seconds, for one run of soffice
START_TIMEOUT = 60  # seconds, for the kept soffice to open its document
PR_SET_PDEATHSIG = 1  # prctl(2)
FONTS_DIR = Path(briefgen.__file__).resolve().parent / "fonts"

_F = TypeVar("_F", bound=Callable[..., Any])


def find_soffice() -> str | None:
    """The LibreOffice executable on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def on_ci() -> bool:
    """Whether we run on CI, where required tools must be present."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


@pytest.fixture(scope="session")
def libreoffice() -> str:
    """The soffice path; skips the test without one (fails instead on CI)."""
    soffice = find_soffice()
    if soffice is None:
        message = "LibreOffice (soffice) is not installed"
        if on_ci():
            pytest.fail(f"{message}, but CI=true requires it")
        pytest.skip(message)
    return soffice


def requires_libreoffice(test: _F) -> _F:
    """Mark a test as needing LibreOffice and give it the ``libreoffice`` fixture."""
    marked: _F = pytest.mark.requires_libreoffice(pytest.mark.usefixtures("libreoffice")(test))
    return marked


def write_fonts_conf(workdir: Path) -> Path:
    """A fontconfig file: the system's config, briefgen's fonts, and Arial → Liberation Sans."""
    cache = workdir / "fontconfig-cache"
    cache.mkdir(parents=True, exist_ok=True)
    conf = workdir / "fonts.conf"
    conf.write_text(
        f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <cachedir>{escape(str(cache))}</cachedir>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{escape(str(FONTS_DIR))}</dir>
  <alias binding="same">
    <family>Arial</family>
    <accept><family>Liberation Sans</family></accept>
  </alias>
</fontconfig>
""",
        encoding="utf-8",
    )
    return conf


@functools.cache
def _office_home() -> Path:
    """This process's LibreOffice profile and fontconfig file, made once and removed
    when the process ends (processes never share one: soffice locks its profile)."""
    home = Path(tempfile.mkdtemp(prefix="briefgen-office-")).resolve()
    atexit.register(shutil.rmtree, home, True)
    write_fonts_conf(home)
    return home


def _office_env(home: Path) -> dict[str, str]:
    return {**os.environ, "FONTCONFIG_FILE": str(home / "fonts.conf")}


def _ipc_pipe(profile: str) -> Path:
    """The socket of LibreOffice's single-instance pipe for a profile URL (its name is
    the MD5 of the URL's UTF-16 code units, each byte in hex without padding: see
    RequestHandler::Enable in LibreOffice's desktop/source/app/officeipcthread.cxx).
    A killed soffice leaves it behind."""
    digest = hashlib.md5(profile.encode("utf-16-le")).digest()
    name = "".join(f"{byte:x}" for byte in digest)
    return Path(f"/tmp/OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{name}")


def _stop(server: subprocess.Popen[bytes], pipe: Path) -> None:
    """End the kept soffice (its launcher, oosplash, takes soffice.bin with it)."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    pipe.unlink(missing_ok=True)


def _end_with_parent() -> None:
    """In the kept soffice's launcher before it runs: be sent SIGTERM when the test
    process dies, so that a killed test run leaves no office running."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _server_log(home: Path) -> str:
    log = home / "server.log"
    return log.read_text(encoding="utf-8", errors="replace")[-2000:] if log.is_file() else ""


@functools.cache
def _office_server(soffice: str) -> subprocess.Popen[bytes] | None:
    """This process's kept soffice, started once with a document open; None if it did
    not open the document in time (conversions then start their own soffice)."""
    home = _office_home()
    profile = (home / "lo-profile").as_uri()
    keep = home / "keep-open.txt"
    keep.write_text("kept open so that soffice stays running\n", encoding="utf-8")
    opened = home / f".~lock.{keep.name}#"  # LibreOffice's lock file of an open document
    with (home / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--nolockcheck",
                str(keep),
            ],
            env=_office_env(home),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            preexec_fn=_end_with_parent if sys.platform == "linux" else None,
        )
    atexit.register(_stop, server, _ipc_pipe(profile))
    deadline = time.monotonic() + START_TIMEOUT
    while not opened.exists():
        if server.poll() is not None or time.monotonic() > deadline:
            _stop(server, _ipc_pipe(profile))
            return None
        time.sleep(0.05)
    return server


def convert_all(docx_paths: Sequence[Path], workdir: Path) -> list[Path]:
    """Convert each of ``docx_paths`` to PDF in one run of headless LibreOffice; return
    the PDFs' paths, in order. The files' names must differ (their PDFs share
    ``workdir/pdf``)."""
    soffice = find_soffice()
    if soffice is None:
        raise AssertionError("LibreOffice (soffice) is not installed")
    stems = [path.stem for path in docx_paths]
    assert len(set(stems)) == len(stems), f"two files of one name: {stems}"
    outdir = (workdir / "pdf").resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    home = _office_home()
    _office_server(soffice)
    profile = (home / "lo-profile").as_uri()
    command = [
        soffice,
        f"-env:UserInstallation={profile}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "pdf",
        "--outdir",
        str(outdir),
        *(str(path.resolve()) for path in docx_paths),
    ]
    try:
        done = subprocess.run(
            command,
            env=_office_env(home),
            capture_output=True,
            text=True,
            timeout=CONVERT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(
            f"LibreOffice did not convert {stems} within {CONVERT_TIMEOUT}s\nstderr: {exc.stderr!r}"
        ) from exc
    pdfs = [outdir / f"{stem}.pdf" for stem in stems]
    if done.returncode != 0 or not all(pdf.is_file() for pdf in pdfs):
        raise AssertionError(
            f"LibreOffice failed to convert {[p for p in pdfs if not p.is_file()]} "
            f"(exit {done.returncode})\nstdout: {done.stdout}\nstderr: {done.stderr}\n"
            f"kept soffice's output: {_server_log(home)}"
        )
    return pdfs


def pdf_and_layout(document: Any, style: Any, workdir: Path, name: str) -> tuple[Path, Path]:
    """``document`` in ``style`` as briefgen writes its PDF (``workdir/name.pdf``), and
    LibreOffice's layout of the DOCX briefgen writes for it: the two to compare."""
    from briefgen.renderers.docx import render_docx
    from briefgen.renderers.pdf import render_pdf_bytes

    pdf = workdir / f"{name}.pdf"
    pdf.write_bytes(render_pdf_bytes(document, style))
    source = workdir / f"{name}.docx"
    source.write_bytes(render_docx(document, style))
    return pdf, convert_all([source], workdir)[0]


def convert_to_pdf(docx_path: Path, workdir: Path) -> Path:
    """Convert ``docx_path`` to PDF with headless LibreOffice; return the PDF's path."""
    return convert_all([docx_path], workdir)[0]


def _strip_subset(name: str) -> str:
    """``ABCDEF+LiberationSans`` → ``LiberationSans``."""
    prefix, plus, rest = name.partition("+")
    if plus and len(prefix) == 6 and prefix.isalpha() and prefix.isupper():
        return rest
    return name


def _fonts_in(resources: Any, seen: set[int], fonts: set[str]) -> None:
    """Collect BaseFont names from a resource dictionary and its form XObjects."""
    if resources is None:
        return
    resources = resources.get_object()
    font_dict = resources.get("/Font")
    if font_dict is not None:
        for ref in font_dict.get_object().values():
            font = ref.get_object()
            base = font.get("/BaseFont")
            if base is not None:
                fonts.add(_strip_subset(str(base).lstrip("/")))
    xobjects = resources.get("/XObject")
    if xobjects is not None:
        for ref in xobjects.get_object().values():
            key = id(ref.get_object())
            if key in seen:
                continue
            seen.add(key)
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form":
                _fonts_in(xobject.get("/Resources"), seen, fonts)


def pdf_pages_and_fonts(pdf_path: Path) -> tuple[int, set[str]]:
    """Page count of a PDF and the BaseFont names it uses (subset prefixes stripped)."""
    reader = PdfReader(pdf_path)
    fonts: set[str] = set()
    seen: set[int] = set()
    for page in reader.pages:
        _fonts_in(page.get("/Resources"), seen, fonts)
    return len(reader.pages), fonts


def docx_page_count(docx_path: Path, workdir: Path) -> tuple[int, set[str]]:
    """Lay ``docx_path`` out with LibreOffice; return its page count and fonts used."""
    return pdf_pages_and_fonts(convert_to_pdf(docx_path, workdir))


def page_counts(docx_paths: Sequence[Path], workdir: Path) -> dict[Path, tuple[int, set[str]]]:
    """:func:`docx_page_count` of each of ``docx_paths``, laid out in one run."""
    pdfs = convert_all(docx_paths, workdir)
    return {docx: pdf_pages_and_fonts(pdf) for docx, pdf in zip(docx_paths, pdfs, strict=True)}
