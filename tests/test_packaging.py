"""briefgen as a user installs it (``pip install .``), not as the checkout runs it:
built-in templates, fonts, the workspace skeleton and the sample facts must all be
inside the installed package, so ``briefgen init`` then ``build`` works anywhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project installed (without its dependencies) into a folder of its own.

    Its wheel is built with this environment's build requirements (the test extras hold
    a setuptools that makes wheels itself), not in the isolated environment a user's pip
    would make, which would download and install setuptools again on every run; the
    requirements must be ones pyproject.toml allows, so the wheel is one it could build.
    """
    with (REPO / "pyproject.toml").open("rb") as file:
        build_requires = tomllib.load(file)["build-system"]["requires"]
    for line in build_requires:
        need = Requirement(line)
        assert need.specifier.contains(version(need.name)), f"{need} is not installed"
    # Built from a copy: setuptools builds in the source tree, and a build/ folder left
    # by an earlier build would put files in the wheel that the package data no longer
    # names.
    source = tmp_path_factory.mktemp("source") / "briefgen"
    ignore = shutil.ignore_patterns(".*", "build", "dist", "*.egg-info", "__pycache__", "output")
    shutil.copytree(REPO, source, ignore=ignore)
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--no-build-isolation", "--target", str(target), str(source)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return target


def briefgen(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    return subprocess.run(
        [sys.executable, "-c", "from briefgen.cli import main; main()", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def test_installed_package_holds_its_data(installed: Path) -> None:
    package = installed / "briefgen"
    assert (package / "builtin_templates" / "public.md.j2").is_file()
    assert (package / "fonts" / "LiberationSans-Regular.ttf").is_file()
    assert (package / "skeleton" / "briefgen.toml").is_file()
    recipients = (package / "skeleton" / "recipients.csv").read_bytes()
    assert recipients == (REPO / "recipients.csv").read_bytes()
    shipped = sorted(p.name for p in (package / "sample_facts").glob("*.yaml"))
    assert shipped == sorted(p.name for p in (REPO / "facts").glob("*.yaml"))


def test_init_then_build_from_the_installed_package(installed: Path, tmp_path: Path) -> None:
    done = briefgen(installed, tmp_path, "init", "ws")
    assert done.returncode == 0, done.stderr
    workspace = tmp_path / "ws"
    assert (workspace / "facts" / "sources.yaml").is_file()
    done = briefgen(installed, workspace, "build")
    assert done.returncode == 0, done.stderr
    builtins = ("chiefs", "legislators", "public", "public-es")
    assert sorted(p.name for p in (workspace / "output").glob("[!.]*")) == sorted(
        f"{a}.{f}" for a in builtins for f in ("docx", "pdf")
    )
    assert str(installed) in briefgen(installed, workspace, "templates", "list").stdout


def test_the_sdist_holds_every_file_of_the_repository(tmp_path: Path) -> None:
    """An sdist is what a packager builds and tests from: it held the package and
    tests/test_*.py only, without conftest.py, the tests' helpers and fixtures, the
    docs they read, briefgen.toml or recipients.csv, so its tests could not run."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout: which files the repository holds is unknown")
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, text=True
    ).stdout
    tracked = {name for name in listed.split("\0") if name and (REPO / name).is_file()}
    source = tmp_path / "briefgen"

    def ignore(folder: str, names: list[str]) -> set[str]:
        """Caches, builds, earlier briefs and .git (with which a setuptools plugin
        such as setuptools-scm would find the files without MANIFEST.in)."""
        skip = set(names) if Path(folder) == REPO / "output" else set()
        skip |= {name for name in names if name.startswith(".") or name.endswith(".egg-info")}
        skip |= {"build", "dist", "__pycache__"} & set(names)
        return skip - {".gitkeep"}

    shutil.copytree(REPO, source, ignore=ignore)
    subprocess.run(
        [sys.executable, "-c",
         "import sys; from setuptools import build_meta; build_meta.build_sdist(sys.argv[1])",
         str(tmp_path / "dist")],
        cwd=source,
        check=True,
        capture_output=True,
    )  # fmt: skip
    (sdist,) = (tmp_path / "dist").glob("briefgen-*.tar.gz")
    with tarfile.open(sdist) as archive:
        held = {m.name.split("/", 1)[1] for m in archive.getmembers() if m.isfile()}
    dotfiles = {name for name in tracked if any(p.startswith(".") for p in name.split("/"))}
    assert sorted(tracked - dotfiles - held) == []
    fonts = {name for name in held if name.startswith("briefgen/fonts/")}
    for family in ("Carlito", "DejaVuSans", "LiberationSans", "LiberationSerif"):
        assert f"briefgen/fonts/LICENSE-{family}.txt" in fonts


# Builds the wheel with every setuptools warning an error: a deprecation now (the
# `license` table) is a build that fails on a fresh machine later, when pip's isolated
# build fetches the setuptools that refuses it; "Package would be ignored" is a wheel
# without its fonts and templates.
STRICT_WHEEL = """\
import sys, warnings
from setuptools.warnings import SetuptoolsWarning
warnings.simplefilter("error", SetuptoolsWarning)
from setuptools import build_meta
print(build_meta.build_wheel(sys.argv[1]))
"""


def test_the_wheel_builds_without_setuptools_warnings_and_names_the_font_licences(
    tmp_path: Path,
) -> None:
    source = tmp_path / "briefgen"
    ignore = shutil.ignore_patterns(".*", "build", "dist", "*.egg-info", "__pycache__", "output")
    shutil.copytree(REPO, source, ignore=ignore)
    done = subprocess.run(
        [sys.executable, "-c", STRICT_WHEEL, str(tmp_path / "dist")],
        cwd=source,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    wheel = tmp_path / "dist" / done.stdout.split()[-1]
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read("briefgen-0.1.0.dist-info/METADATA").decode("utf-8")
        names = set(archive.namelist())
    assert "License-Expression: MIT AND OFL-1.1 AND Bitstream-Vera" in metadata.splitlines()
    # MIT asks that its text go with every copy: briefgen's own, beside the fonts'.
    assert "License-File: LICENSE" in metadata.splitlines()
    assert "briefgen-0.1.0.dist-info/licenses/LICENSE" in names
    for family in ("Carlito", "DejaVuSans", "LiberationSans", "LiberationSerif"):
        assert f"License-File: briefgen/fonts/LICENSE-{family}.txt" in metadata.splitlines()
        assert f"briefgen/fonts/LICENSE-{family}.txt" in names
    assert "briefgen/builtin_templates/public.md.j2" in names
    assert "briefgen/skeleton/templates/legislators.md.j2" in names
