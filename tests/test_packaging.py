"""briefgen as a user installs it (``pip install .``), not as the checkout runs it:
built-in templates, fonts, the workspace skeleton and the sample facts must all be
inside the installed package, so ``briefgen init`` then ``build`` works anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project installed (without its dependencies) into a folder of its own."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
         str(target), str(REPO)],
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
