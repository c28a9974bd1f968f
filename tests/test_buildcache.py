"""Kept builds (docs/cache.md): a build whose inputs are unchanged since an earlier one
writes the same files and says the same lines from the pages that build fitted, without
reading the facts or rendering a template; any change to an input builds anew; the
kept entries are read only from the user's own private folder."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from briefgen import buildcache, pipeline
from briefgen.cli import cli
from briefgen.options import BuildOptions

REPO = Path(__file__).resolve().parents[1]
BUILD = ["build", "--audience", "legislators", "--audience", "public", "--out", "out"]


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the sample workspace (the working directory), the date fixed."""
    ws = tmp_path / "ws"
    shutil.copytree(REPO / "facts", ws / "facts")
    (ws / "facts" / "notes.txt").write_text("to check\n", encoding="utf-8")
    shutil.copy(REPO / "briefgen.toml", ws / "briefgen.toml")
    (ws / "templates").mkdir()
    monkeypatch.chdir(ws)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    return ws


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache folder, on (conftest turns it off for every other test)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(buildcache.CACHE_VARIABLE, str(folder))
    return folder


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[BuildOptions]:
    """The options of each build that read its inputs and fitted its pages anew."""
    made: list[BuildOptions] = []
    real = pipeline.build

    def counted(options: BuildOptions) -> pipeline.BuildResult:
        made.append(options)
        return real(options)

    monkeypatch.setattr(pipeline, "build", counted)
    return made


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, [*BUILD, *args])


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("size", ["letter", "a4"])
def test_an_unchanged_build_writes_the_same_files_and_lines(
    ws: Path, cache: Path, builds: list[BuildOptions], size: str
) -> None:
    every = ["build", "--out", "out", "--page-size", size]  # every built-in, both formats
    first = CliRunner().invoke(cli, every)
    assert first.exit_code == 0, first.output
    made = files(ws / "out")
    shutil.rmtree(ws / "out")
    again = CliRunner().invoke(cli, every)
    assert again.exit_code == 0, again.output
    assert len(builds) == 1  # the second build fitted nothing
    assert files(ws / "out") == made  # PDF and DOCX, byte for byte
    assert len(made) == 8 and "public-es.docx" in made
    assert (again.stdout, again.stderr) == (first.stdout, first.stderr)
    assert "out/legislators.pdf" in again.stdout and "warning" in again.stderr


def test_a_kept_build_reads_no_facts_and_imports_no_template_engine(ws: Path, cache: Path) -> None:
    command = [sys.executable, "-m", "briefgen", "build", "--audience", "legislators"]
    command += ["--format", "pdf", "--out", "out"]
    subprocess.run(command, check=True, capture_output=True)
    shutil.rmtree(ws / "out")
    probe = (
        "import sys\n"
        "from briefgen.cli import cli\n"
        f"cli.main({command[3:]!r}, standalone_mode=False)\n"
        "heavy = ('jinja2', 'markdown_it', 'pydantic', 'yaml', 'briefgen.facts')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    ran = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    assert ran.stdout.splitlines()[-1] == "[]"
    assert (ws / "out" / "legislators.pdf").read_bytes().startswith(b"%PDF-")


def _edit_fact(ws: Path) -> None:
    path = ws / "facts" / "seizures.yaml"
    text = path.read_text(encoding="utf-8")
    assert "    value: 26700\n" in text  # printed on the legislators brief as 26,700
    path.write_text(text.replace("    value: 26700\n", "    value: 26800\n"), encoding="utf-8")


def _new_facts_file(ws: Path) -> None:
    (ws / "facts" / "more.txt").write_text("to check\n", encoding="utf-8")


def _edit_settings(ws: Path) -> None:
    path = ws / "briefgen.toml"
    path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")


def _own_template(ws: Path) -> None:
    source = (REPO / "briefgen" / "builtin_templates" / "legislators.md.j2").read_text("utf-8")
    (ws / "templates" / "legislators.md.j2").write_text(source + "\n", encoding="utf-8")


def _logo(path: Path, colour: str) -> None:
    from PIL import Image

    Image.new("RGB", (40, 20), colour).save(path)


def _facts_file_removed(ws: Path) -> None:
    (ws / "facts" / "notes.txt").unlink()


def _picture_in_templates(ws: Path) -> None:
    _logo(ws / "templates" / "map.png", "grey")


CHANGES: dict[str, Callable[[Path], None]] = {
    "a fact's value": _edit_fact,
    "a new file in facts/": _new_facts_file,
    "a facts file removed": _facts_file_removed,
    "a picture in templates/": _picture_in_templates,
    "briefgen.toml": _edit_settings,
    "a template of the workspace's own": _own_template,
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_to_an_input_builds_anew(
    ws: Path, cache: Path, builds: list[BuildOptions], change: str
) -> None:
    assert run().exit_code == 0
    assert run().exit_code == 0
    assert len(builds) == 1
    CHANGES[change](ws)
    assert run().exit_code == 0
    assert len(builds) == 2


def test_a_changed_fact_is_printed_after_a_kept_build(ws: Path, cache: Path) -> None:
    assert run("--format", "pdf").exit_code == 0
    _edit_fact(ws)
    assert run("--format", "pdf").exit_code == 0
    from pypdf import PdfReader

    text = PdfReader(ws / "out" / "legislators.pdf").pages[0].extract_text()
    assert "26,800" in text and "26,700 pounds" not in text


@pytest.mark.parametrize(
    "args",
    [
        ["--date", "2026-10-01"],
        ["--page-size", "a4"],
        ["--format", "pdf"],
        ["--out", "elsewhere"],
        ["--audience", "chiefs"],
        ["--facts", "facts/"],
    ],
)
def test_other_options_build_anew(
    ws: Path, cache: Path, builds: list[BuildOptions], args: list[str]
) -> None:
    assert run().exit_code == 0
    assert run(*args).exit_code == 0
    assert len(builds) == 2


def test_another_date_builds_anew(
    ws: Path, cache: Path, builds: list[BuildOptions], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run().exit_code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790086400")  # the next day
    assert run().exit_code == 0
    assert len(builds) == 2


def test_the_key_holds_today_the_folder_run_in_and_briefgen_itself(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    options = BuildOptions()
    key = buildcache.build_key(options, today=dt.date(2026, 11, 30))
    assert key == buildcache.build_key(options, today=dt.date(2026, 11, 30))
    assert key != buildcache.build_key(options, today=dt.date(2026, 12, 1))
    (ws / "sub").mkdir()
    monkeypatch.chdir(ws / "sub")  # messages name files from where briefgen runs
    assert key != buildcache.build_key(
        BuildOptions(workspace=Path("..")), today=dt.date(2026, 11, 30)
    )
    monkeypatch.chdir(ws)
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert key != buildcache.build_key(options, today=dt.date(2026, 11, 30))
    monkeypatch.undo()
    monkeypatch.chdir(ws)
    package = tmp_path / "package"
    shutil.copytree(REPO / "briefgen" / "builtin_templates", package)
    monkeypatch.setattr(buildcache, "_PACKAGE", package)
    before = buildcache.build_key(options, today=dt.date(2026, 11, 30))
    os.utime(package / "public.md.j2", ns=(1, 1))  # briefgen edited in place
    assert before != buildcache.build_key(options, today=dt.date(2026, 11, 30))


def test_a_changed_library_or_logo_builds_anew(
    ws: Path, cache: Path, builds: list[BuildOptions], tmp_path: Path
) -> None:
    assert run().exit_code == 0
    [entry] = cache.iterdir()
    kept = pickle.loads(entry.read_bytes())
    assert any("reportlab" in path for _, path, _, _ in kept.modules)
    library = tmp_path / "library.py"
    library.write_text("", encoding="utf-8")
    status = library.stat()
    changed = kept.__class__(
        **{
            **kept.__dict__,
            "modules": (("library", str(library), status.st_size, status.st_mtime_ns),),
        }
    )
    entry.write_bytes(pickle.dumps(changed))
    assert run().exit_code == 0
    assert len(builds) == 1  # the library as it was: used
    library.write_text("# upgraded\n", encoding="utf-8")
    entry.write_bytes(pickle.dumps(changed))
    assert run().exit_code == 0
    assert len(builds) == 2


def test_a_redrawn_logo_builds_anew(ws: Path, cache: Path, builds: list[BuildOptions]) -> None:
    _logo(ws / "logo.png", "navy")
    settings = ws / "briefgen.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace('logo = ""', 'logo = "logo.png"'), encoding="utf-8")
    assert run().exit_code == 0
    assert run().exit_code == 0
    assert len(builds) == 1
    _logo(ws / "logo.png", "teal")  # the same name, another picture
    assert run().exit_code == 0
    assert len(builds) == 2


def test_a_quiet_build_keeps_no_lines_for_one_that_says_them(
    ws: Path, cache: Path, builds: list[BuildOptions]
) -> None:
    quiet = CliRunner().invoke(cli, ["-q", *BUILD])
    assert quiet.exit_code == 0 and quiet.output == ""
    said = run()
    assert said.exit_code == 0 and "1 page" in said.stdout
    again = run()
    assert len(builds) == 2 and again.stdout == said.stdout
    assert CliRunner().invoke(cli, ["-q", *BUILD]).output == ""
    assert len(builds) == 2


def test_no_cache_and_an_empty_cache_variable_keep_nothing(
    ws: Path, cache: Path, builds: list[BuildOptions], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("--no-cache").exit_code == 0
    assert not cache.exists()
    assert run().exit_code == 0
    assert run("--no-cache").exit_code == 0
    assert len(builds) == 3  # a kept build not used either
    monkeypatch.setenv(buildcache.CACHE_VARIABLE, "")
    shutil.rmtree(cache)
    assert run().exit_code == 0
    assert not cache.exists()


def test_the_default_folder_is_the_users_cache() -> None:
    home = Path.home()
    assert buildcache.cache_folder({}) == home / ".cache" / "briefgen"
    assert buildcache.cache_folder({"XDG_CACHE_HOME": "/var/c"}) == Path("/var/c/briefgen")
    assert buildcache.cache_folder({"XDG_CACHE_HOME": "rel"}) == home / ".cache" / "briefgen"
    assert buildcache.cache_folder({"BRIEFGEN_CACHE_DIR": "/x"}) == Path("/x")
    assert buildcache.cache_folder({"BRIEFGEN_CACHE_DIR": " "}) is None


def test_a_failed_build_keeps_nothing(ws: Path, cache: Path) -> None:
    (ws / "facts" / "broken.yaml").write_text("facts: [\n", encoding="utf-8")
    result = run()
    assert result.exit_code == 1 and "broken.yaml" in result.output
    assert not cache.exists() or not list(cache.iterdir())


def test_an_input_changed_during_the_build_keeps_nothing(
    ws: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.build

    def edited_meanwhile(options: BuildOptions) -> pipeline.BuildResult:
        result = real(options)
        _edit_fact(ws)
        return result

    monkeypatch.setattr(pipeline, "build", edited_meanwhile)
    assert run().exit_code == 0
    assert not cache.exists() or not list(cache.iterdir())


def test_a_kept_build_still_refuses_an_output_folder_that_is_a_file(
    ws: Path, cache: Path, builds: list[BuildOptions]
) -> None:
    assert run().exit_code == 0
    shutil.rmtree(ws / "out")
    (ws / "out").write_text("a file\n", encoding="utf-8")
    fresh = run("--no-cache")
    result = run()
    assert len(builds) == 2  # the first, and the --no-cache one; not the kept build
    assert result.exit_code == fresh.exit_code == 1
    assert result.output == fresh.output and result.output.startswith("out:")
    assert (ws / "out").read_text(encoding="utf-8") == "a file\n"


def _no_reading(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    loaded: list[int] = []
    real = pickle.load

    def counted(file: object) -> object:
        loaded.append(1)
        return real(file)  # type: ignore[arg-type]

    monkeypatch.setattr(buildcache.pickle, "load", counted)
    return loaded


def test_a_folder_others_may_write_to_is_neither_read_nor_written(
    ws: Path, cache: Path, builds: list[BuildOptions], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run().exit_code == 0
    cache.chmod(0o777)
    loaded = _no_reading(monkeypatch)
    assert run().exit_code == 0
    assert len(builds) == 2 and not loaded
    assert len(list(cache.iterdir())) == 1  # nothing more written there either


@pytest.mark.parametrize("harm", ["a link", "writable by others", "garbage", "another key"])
def test_an_entry_not_safe_or_not_whole_is_not_used(
    ws: Path, cache: Path, builds: list[BuildOptions], tmp_path: Path, harm: str
) -> None:
    assert run().exit_code == 0
    [entry] = cache.iterdir()
    if harm == "a link":
        elsewhere = tmp_path / "elsewhere.kept"
        entry.rename(elsewhere)
        entry.symlink_to(elsewhere)
    elif harm == "writable by others":
        entry.chmod(0o666)
    elif harm == "garbage":
        entry.write_bytes(entry.read_bytes()[:100])
    else:
        kept = pickle.loads(entry.read_bytes())
        entry.write_bytes(pickle.dumps(kept.__class__(**{**kept.__dict__, "key": "0" * 64})))
    result = run()
    assert result.exit_code == 0, result.output
    assert len(builds) == 2


def test_only_the_entries_last_used_stay(
    ws: Path, cache: Path, builds: list[BuildOptions], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(buildcache, "MAX_KEPT", 2)
    assert run("--date", "2026-10-01").exit_code == 0
    assert run("--date", "2026-10-02").exit_code == 0
    assert run("--date", "2026-10-01").exit_code == 0  # used again: kept longest
    assert run("--date", "2026-10-03").exit_code == 0
    assert len(list(cache.iterdir())) == 2 and len(builds) == 3
    assert run("--date", "2026-10-01").exit_code == 0
    assert len(builds) == 3
    assert run("--date", "2026-10-02").exit_code == 0
    assert len(builds) == 4


def test_a_temporary_left_by_a_killed_build_goes_within_the_hour(ws: Path, cache: Path) -> None:
    cache.mkdir(mode=0o700)
    old, new = cache / f".{'a' * 64}.99.tmp", cache / f".{'b' * 64}.98.tmp"
    for temporary in (old, new):
        temporary.write_bytes(b"cut short")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    assert run().exit_code == 0
    assert not old.exists() and new.exists()


def test_the_lines_are_said_before_keeping(
    ws: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(kept: object, folder: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(buildcache, "keep", interrupted)
    result = run()
    assert "out/legislators.pdf" in result.stdout and "warning" in result.stderr
    assert (ws / "out" / "public.docx").exists()


def test_inputs_too_large_to_read_again_keep_nothing(
    ws: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(buildcache, "MAX_INPUT_BYTES", 1_000)
    assert run().exit_code == 0
    assert not cache.exists()


def test_a_templates_folder_is_read_to_the_last_byte(
    ws: Path, cache: Path, builds: list[BuildOptions]
) -> None:
    (ws / "more").mkdir()
    (ws / "more" / "notes.txt").write_text("one\n", encoding="utf-8")
    assert run("--templates", "more").exit_code == 0
    assert run("--templates", "more").exit_code == 0
    assert len(builds) == 1
    (ws / "more" / "notes.txt").write_text("two\n", encoding="utf-8")
    assert run("--templates", "more").exit_code == 0
    assert len(builds) == 2


@pytest.mark.parametrize(
    "args",
    [
        ["build", "--json", "--out", "out"],
        ["build", "--duplex", "public,public-es", "--out", "out"],
        ["build", "--recipients", "recipients.csv", "--out", "out", "--jobs", "1"],
        ["check"],
        ["preview", "--out", "out", "--dpi", "36"],
    ],
    ids=["--json", "--duplex", "--recipients", "check", "preview"],
)
def test_only_a_build_of_briefs_keeps_pages(ws: Path, cache: Path, args: list[str]) -> None:
    shutil.copy(REPO / "recipients.csv", ws / "recipients.csv")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert not cache.exists()


def test_a_json_build_reads_everything_even_when_pages_are_kept(
    ws: Path, cache: Path, builds: list[BuildOptions]
) -> None:
    assert run().exit_code == 0
    assert CliRunner().invoke(cli, [*BUILD, "--json"]).exit_code == 0
    assert len(builds) == 2


def test_the_folder_is_private_and_may_be_deleted_at_any_time(ws: Path, cache: Path) -> None:
    assert run().exit_code == 0
    assert cache.stat().st_mode & 0o777 == 0o700
    shutil.rmtree(cache)
    assert run().exit_code == 0
    assert len(list(cache.iterdir())) == 1


def test_too_many_input_files_keep_nothing(
    ws: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(buildcache, "MAX_INPUT_FILES", 3)
    assert run().exit_code == 0
    assert not cache.exists()


def _fresh_run(*args: str) -> Result:
    """A build as a new process makes it: messages name files by where their links
    lead, which one process looks up once."""
    from briefgen import errors

    errors._display_path.cache_clear()
    return run(*args)


def _out_to(ws: Path, folder: str) -> None:
    (ws / folder).mkdir(exist_ok=True)
    (ws / "out").unlink(missing_ok=True)
    (ws / "out").symlink_to(folder)


def _facts_to(ws: Path, folder: str) -> None:
    if not (ws / "facts").is_symlink():
        (ws / "facts").rename(ws / "facts-a")
        shutil.copytree(ws / "facts-a", ws / "facts-b")
    (ws / "facts").unlink(missing_ok=True)
    (ws / "facts").symlink_to(folder)


def _sources_to(ws: Path, folder: str) -> None:
    facts = ws / "facts"
    if not (facts / "sources.yaml").is_symlink():
        for name in ("a", "b"):
            (facts / name).mkdir()
            shutil.copy(facts / "sources.yaml", facts / name / "sources.yaml")
    (facts / "sources.yaml").unlink()
    (facts / "sources.yaml").symlink_to(f"{folder}/sources.yaml")


def _above_facts_to(ws: Path, folder: str) -> None:
    # --facts data/facts, data a link: the facts folder itself is no link.
    if not (ws / "data").is_symlink():
        for name in ("data-a", "data-b"):
            shutil.copytree(ws / "facts", ws / name / "facts")
    (ws / "data").unlink(missing_ok=True)
    (ws / "data").symlink_to(folder)


def _logo_to(ws: Path, folder: str) -> None:
    settings = ws / "briefgen.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace('logo = ""', 'logo = "art/logo.png"'), encoding="utf-8")
    for place in (ws / "inside", ws.parent / "outside"):
        place.mkdir(exist_ok=True)
        _logo(place / "logo.png", "navy")  # the same bytes in both
    (ws / "art").unlink(missing_ok=True)
    (ws / "art").symlink_to(ws / folder if folder == "inside" else ws.parent / folder)


LINKS: dict[str, tuple[Callable[[Path, str], None], str, str, str, list[str]]] = {
    "--out": (_out_to, "one", "two", "two/legislators.pdf", []),
    "facts/": (_facts_to, "facts-a", "facts-b", "facts-b/sources.yaml", []),
    "a facts file": (_sources_to, "a", "b", "facts/b/sources.yaml", []),
    "a folder above --facts": (
        _above_facts_to,
        "data-a",
        "data-b",
        "data-b/facts/sources.yaml",
        ["--facts", "data/facts"],
    ),
    "the logo's folder": (_logo_to, "inside", "outside", "leads outside the workspace", []),
}


@pytest.mark.parametrize("link", LINKS)
def test_a_link_that_leads_elsewhere_builds_anew(
    ws: Path, cache: Path, builds: list[BuildOptions], link: str
) -> None:
    # The same bytes through a link that now leads elsewhere: a message names a file
    # where its links lead, and a logo may not lead outside the workspace.
    retarget, before, after, said, args = LINKS[link]
    retarget(ws, before)
    first = _fresh_run(*args)
    assert first.exit_code == 0, first.output
    assert _fresh_run(*args).exit_code == 0
    assert len(builds) == 1
    retarget(ws, after)
    kept = _fresh_run(*args)
    anew = _fresh_run(*args, "--no-cache")
    assert said in anew.output
    assert (kept.exit_code, kept.stdout, kept.stderr) == (anew.exit_code, anew.stdout, anew.stderr)


def test_file_names_read_in_another_encoding_build_anew(ws: Path, cache: Path) -> None:
    # A C locale with Python's UTF-8 mode off reads 'público.md.j2' as ASCII with
    # escapes: its audience cannot name a file there, which a fresh build says.
    source = (REPO / "briefgen" / "builtin_templates" / "legislators.md.j2").read_text("utf-8")
    (ws / "templates" / "público.md.j2").write_text(source, encoding="utf-8")
    command = [sys.executable, "-m", "briefgen", "build", "--format", "pdf", "--out", "out"]
    utf8 = {**os.environ, "LC_ALL": "C.UTF-8", "PYTHONUTF8": "1", "PYTHONPATH": str(REPO)}
    ascii_names = {**utf8, "LC_ALL": "C", "PYTHONUTF8": "0"}
    subprocess.run(command, check=True, capture_output=True, env=utf8)
    kept, anew = (
        subprocess.run(command + more, capture_output=True, env=ascii_names, text=True)
        for more in ([], ["--no-cache"])
    )
    assert "set a UTF-8 locale" in anew.stderr
    said = [(r.returncode, r.stdout, r.stderr) for r in (kept, anew)]
    assert said[0] == said[1]


def test_a_library_run_from_elsewhere_builds_anew(
    ws: Path, cache: Path, builds: list[BuildOptions], tmp_path: Path
) -> None:
    # The kept pages were laid out by a reportlab that is still there unchanged, but
    # this process runs another (one installed with pip install --user shadows it).
    from reportlab import rl_config

    assert run().exit_code == 0
    [entry] = cache.iterdir()
    elsewhere = tmp_path / "site-packages" / "reportlab" / "rl_config.py"
    elsewhere.parent.mkdir(parents=True)
    shutil.copy2(rl_config.__file__, elsewhere)  # the same size and time
    kept = pickle.loads(entry.read_bytes())
    modules = tuple(
        tuple(str(elsewhere) if part == rl_config.__file__ else part for part in module)
        for module in kept.modules
    )
    assert modules != kept.modules
    entry.write_bytes(pickle.dumps(kept.__class__(**{**kept.__dict__, "modules": modules})))
    assert run().exit_code == 0
    assert len(builds) == 2


@pytest.mark.parametrize("umask", [0o002, 0o022])
def test_entries_are_private_whatever_the_umask(
    ws: Path, cache: Path, builds: list[BuildOptions], umask: int
) -> None:
    # 002 (Debian's and Ubuntu's for a user with a group of their own) made each entry
    # writable by the group, so never read; 022 made it readable by everyone, facts and
    # all, in a folder that already existed.
    cache.mkdir(mode=0o755)
    before = os.umask(umask)
    try:
        assert run().exit_code == 0
        assert run().exit_code == 0
    finally:
        os.umask(before)
    assert len(builds) == 1
    [entry] = cache.iterdir()
    assert entry.stat().st_mode & 0o777 == 0o600


def test_a_cache_folder_that_is_a_link_is_neither_read_nor_written(
    ws: Path, tmp_path: Path, builds: list[BuildOptions], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "real").mkdir(mode=0o700)
    (tmp_path / "above").symlink_to(tmp_path / "real")
    monkeypatch.setenv(buildcache.CACHE_VARIABLE, str(tmp_path / "above"))
    assert run().exit_code == 0
    assert run().exit_code == 0
    assert len(builds) == 2 and not list((tmp_path / "real").iterdir())
    monkeypatch.setenv(buildcache.CACHE_VARIABLE, str(tmp_path / "above" / "briefgen"))
    assert run().exit_code == 0
    assert run().exit_code == 0  # a link above the folder is followed
    assert len(builds) == 3 and len(list((tmp_path / "real" / "briefgen").iterdir())) == 1
