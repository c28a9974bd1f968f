"""``briefgen init`` and ``briefgen templates init`` never write through a symbolic link:
``--force`` replaces a link where a file goes and leaves its target alone; a link
standing for a folder below the target is refused; a dangling link counts as a file
that exists, and where a folder goes is told as the link it is."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.fixture
def outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file outside the workspace, which no command may change; the working
    directory is the workspace."""
    (tmp_path / "ws").mkdir()
    monkeypatch.chdir(tmp_path / "ws")
    target = tmp_path / "precious.txt"
    target.write_text("precious\n", encoding="utf-8")
    return target


def test_templates_init_force_replaces_the_link_not_its_target(outside: Path) -> None:
    Path("templates").mkdir()
    Path("templates/public.md.j2").symlink_to(outside)
    code, output = run("templates", "init", "--force", "public")
    assert code == 0, output
    assert outside.read_text(encoding="utf-8") == "precious\n"
    copied = Path("templates/public.md.j2")
    assert not copied.is_symlink() and "{%" in copied.read_text(encoding="utf-8")


def test_templates_init_counts_a_dangling_link_as_a_file(outside: Path) -> None:
    missing = outside.with_name("created-through-the-link.txt")
    Path("templates").mkdir()
    Path("templates/public.md.j2").symlink_to(missing)
    code, output = run("templates", "init", "public")
    assert code == 1
    assert output == "templates/public.md.j2: already exists; use --force to overwrite\n"
    assert not missing.exists()


def test_init_force_refuses_a_linked_folder(outside: Path) -> None:
    elsewhere = outside.parent / "elsewhere"
    elsewhere.mkdir()
    Path("new").mkdir()
    Path("new/facts").symlink_to(elsewhere, target_is_directory=True)
    code, output = run("init", "--force", "new")
    assert code == 1
    assert output == "new/facts: is a symbolic link; briefgen will not write through it\n"
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in Path("new").iterdir()) == ["facts"]


def test_init_force_replaces_a_linked_settings_file(outside: Path) -> None:
    Path("new").mkdir()
    Path("new/briefgen.toml").symlink_to(outside)
    code, output = run("init", "--force", "new")
    assert code == 0, output
    assert outside.read_text(encoding="utf-8") == "precious\n"
    assert not Path("new/briefgen.toml").is_symlink()
    assert Path("new/output/.gitkeep").is_file()


@pytest.mark.parametrize("command", [["init"], ["templates", "init", "public", "--to"]])
def test_a_dangling_link_where_the_folder_goes_is_told_so(
    outside: Path, command: list[str]
) -> None:
    """A link whose folder is gone, where the new folder goes: mkdir said "File exists"
    at the link's missing target, which is no folder the user named."""
    gone = outside.parent / "gone"
    Path("new").symlink_to(gone, target_is_directory=True)
    code, output = run(*command, "new")
    assert code == 1
    assert output == (
        f"new: a link to '{gone}', which is not there, stands where this folder goes; "
        "make that folder, or remove the link\n"
    )
    assert not gone.exists() and Path("new").is_symlink()


def test_a_loop_of_links_where_the_folder_goes_is_told_so(outside: Path) -> None:
    Path("new").symlink_to("new")
    code, output = run("init", "new/ws")
    assert code == 1
    assert output == "new: a loop of symbolic links stands where this folder goes; remove it\n"
