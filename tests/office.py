"""Test helpers that lay a DOCX out with LibreOffice and read the result back.

LibreOffice must lay a brief out with Arial's metric twin, Liberation Sans, or its
page count says nothing about Word's. So soffice runs with a private fontconfig
file that adds briefgen's bundled fonts and maps Arial to Liberation Sans, and with
a private user profile so parallel and first-time runs do not collide.

Tests that need LibreOffice use the ``libreoffice`` fixture (or the
``requires_libreoffice`` decorator): without soffice they are skipped, except on
CI (``CI=true``), where a missing soffice is a failure rather than a silent skip.

Starting soffice costs about two seconds, laying out one more file a quarter of one:
a module lays all its DOCX files out in one run (``convert_all``, ``page_counts``,
usually from a module fixture), and every run in a test process shares one profile
and font cache, made by the first.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar
from xml.sax.saxutils import escape

import pytest
from pypdf import PdfReader

import briefgen

CONVERT_TIMEOUT = 120  # seconds, for one run of soffice
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


def convert_all(docx_paths: Sequence[Path], workdir: Path) -> list[Path]:
    """Convert each of ``docx_paths`` to PDF in one run of headless LibreOffice; return
    the PDFs' paths, in order. The files' names must differ (their PDFs share
    ``workdir/pdf``)."""
    soffice = find_soffice()
    if soffice is None:
        raise AssertionError("LibreOffice (soffice) is not installed")
    stems = [path.stem for path in docx_paths]
    assert len(set(stems)) == len(stems), f"two files of one name: {stems}"
    outdir = workdir / "pdf"
    outdir.mkdir(parents=True, exist_ok=True)
    home = _office_home()
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(home / "fonts.conf")
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
        *map(str, docx_paths),
    ]
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=CONVERT_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(
            f"LibreOffice did not convert {stems} within {CONVERT_TIMEOUT}s\nstderr: {exc.stderr!r}"
        ) from exc
    pdfs = [outdir / f"{stem}.pdf" for stem in stems]
    if done.returncode != 0 or not all(pdf.is_file() for pdf in pdfs):
        raise AssertionError(
            f"LibreOffice failed to convert {[p for p in pdfs if not p.is_file()]} "
            f"(exit {done.returncode})\nstdout: {done.stdout}\nstderr: {done.stderr}"
        )
    return pdfs


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
