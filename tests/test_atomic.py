"""Output files are written atomically: a killed or failed build never leaves a partial
brief, and never touches the briefs an earlier build wrote.

The kill tests run ``python -m briefgen build`` on a workspace of many audiences (so
the build, and above all its write phase, lasts long enough to interrupt), with the
previous version of every brief already in the output folder. The build is killed
(SIGKILL, and separately SIGTERM) the moment a temporary file ``.briefgen-*.tmp`` appears,
the moment the first brief has been replaced, and at fixed delays. Each file in the
folder must then be, byte for byte, either the previous brief or the new one -- and
open as such -- and the next build must leave no temporary file behind.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from briefgen import output
from briefgen.cli import cli
from briefgen.output import LOCK_NAME

REPO = Path(__file__).resolve().parents[1]
AUDIENCES = [f"a{i:02d}" for i in range(12)]
FORMATS = ("pdf", "docx")
TARGETS = [f"{a}.{f}" for a in AUDIENCES for f in FORMATS]

SOURCES = "sources:\n  - id: city-report\n    type: report\n    title: City report\n"
FACTS = """\
facts:
  - id: case-fact
    kind: finding
    text: >-
      Most people sentenced for trafficking fentanyl are citizens, and most of the drug
      comes in through legal ports of entry, hidden in lawful traffic.
    as_of: 2023
    source: city-report
"""
# Nearly a page each, so every audience takes a real fitting pass.
TEMPLATE = """\
# Version {version}: brief {name}

{{% for i in range(9) %}}
{{{{ fact("case-fact").text }}}} Paragraph {{{{ i }}}} of brief {name}, version {version}. \
{{{{ cite("case-fact") }}}}

{{% endfor %}}
- One point for {name}. {{{{ cite("case-fact") }}}}
- Another point for {name}.
"""


def make_workspace(root: Path, version: str) -> Path:
    (root / "facts").mkdir(parents=True, exist_ok=True)
    (root / "facts" / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (root / "facts" / "case.yaml").write_text(FACTS, encoding="utf-8")
    set_version(root, version)
    return root


def set_version(root: Path, version: str) -> None:
    templates = root / "templates"
    templates.mkdir(exist_ok=True)
    for name in AUDIENCES:
        text = TEMPLATE.format(name=name, version=version)
        (templates / f"{name}.md.j2").write_text(text, encoding="utf-8")


def build_args(out: str = "out") -> list[str]:
    args = ["build", "--facts", "facts", "--templates", "templates", "--out", out]
    for name in AUDIENCES:
        args += ["--audience", name]
    return args


def run_in_process(ws: Path, args: list[str]) -> tuple[int, str]:
    old = Path.cwd()
    os.chdir(ws)
    try:
        result = CliRunner().invoke(cli, args)
    finally:
        os.chdir(old)
    return result.exit_code, result.output


def read_folder(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder`` but temporaries and the build lock (which a build
    killed by SIGKILL cannot remove; the next build does)."""
    return {
        p.name: p.read_bytes()
        for p in folder.iterdir()
        if p.is_file()
        and not (p.name.startswith(".") and p.name.endswith(".tmp"))
        and p.name != LOCK_NAME
    }


def temporaries(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.startswith(".") and n.endswith(".tmp"))


def assert_opens(name: str, data: bytes) -> None:
    if name.endswith(".pdf"):
        assert len(PdfReader(io.BytesIO(data)).pages) == 1, name
    else:
        assert docx.Document(io.BytesIO(data)).paragraphs, name


def start_build(ws: Path, *python: str) -> subprocess.Popen[bytes]:
    """``python -m briefgen build ...`` (or ``python -c CODE build ...``) in ``ws``."""
    return subprocess.Popen(
        [sys.executable, *(python or ("-m", "briefgen")), *build_args()],
        cwd=ws,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


@dataclass(frozen=True)
class Versions:
    """Every brief as version A and as version B, built undisturbed, and how long an
    undisturbed build of B takes as a subprocess."""

    a: dict[str, bytes]
    b: dict[str, bytes]
    seconds: float


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    ws_a = make_workspace(tmp_path_factory.mktemp("version-a"), "A")
    code, output = run_in_process(ws_a, build_args())
    assert code == 0, output
    ws_b = make_workspace(tmp_path_factory.mktemp("version-b"), "B")
    started = time.monotonic()
    process = start_build(ws_b)
    _, stderr = process.communicate(timeout=120)
    seconds = time.monotonic() - started
    assert process.returncode == 0, stderr.decode()
    found = Versions(read_folder(ws_a / "out"), read_folder(ws_b / "out"), seconds)
    assert sorted(found.a) == sorted(found.b) == sorted(TARGETS)
    assert all(found.a[n] != found.b[n] for n in TARGETS)
    return found


def seeded_workspace(tmp_path: Path, versions: Versions) -> Path:
    """Templates at version B; the output folder holding version A."""
    ws = make_workspace(tmp_path / "ws", "B")
    (ws / "out").mkdir()
    for name, data in versions.a.items():
        (ws / "out" / name).write_bytes(data)
    return ws


def assert_whole_briefs(out: Path, versions: Versions) -> dict[str, bytes]:
    """Every brief is there, and each is all of version A or all of version B."""
    files = read_folder(out)
    assert sorted(files) == sorted(TARGETS), "a brief went missing or a stray file appeared"
    for name in TARGETS:
        assert files[name] in (versions.a[name], versions.b[name]), f"{name} is neither version"
        assert_opens(name, files[name])
    return files


POLL = 0.001  # seconds: a test polls this often, rather than spinning a core the build needs


def wait_for_tmp(out: Path, process: subprocess.Popen[bytes]) -> None:
    while process.poll() is None and not temporaries(out):
        time.sleep(POLL)


def wait_for_first_replaced(out: Path, process: subprocess.Popen[bytes], old: bytes) -> None:
    first = out / TARGETS[0]
    while process.poll() is None and first.read_bytes() == old:
        time.sleep(POLL)


# When to kill: as a temporary file appears, as the first brief is replaced (both in
# the write phase), or halfway through an undisturbed build's time (while rendering).
# Each by SIGKILL and by SIGTERM; the worst moment for SIGTERM has its own test below.
TRIGGERS = ["temporary-file", "first-replaced", "at-0.5"]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
@pytest.mark.parametrize("trigger", TRIGGERS)
def test_killed_build_leaves_whole_files(
    tmp_path: Path, versions: Versions, trigger: str, sig: signal.Signals
) -> None:
    ws = seeded_workspace(tmp_path, versions)
    out = ws / "out"
    process = start_build(ws)
    try:
        if trigger == "temporary-file":
            wait_for_tmp(out, process)
        elif trigger == "first-replaced":
            wait_for_first_replaced(out, process, versions.a[TARGETS[0]])
        else:
            time.sleep(float(trigger.removeprefix("at-")) * versions.seconds)
        running = process.poll() is None
        if running:
            process.send_signal(sig)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if running and process.returncode == 0 and trigger.startswith("at-"):
        # On a busy machine the build can end between the check and the signal (a
        # finished build's exit, not a caught signal): it is then simply not killed.
        running = False

    if trigger in ("temporary-file", "first-replaced"):
        # The write phase must be long enough to catch, or this test proves nothing.
        assert running, "the build finished before it could be interrupted"
    if running:
        assert process.returncode != 0
    assert b"Traceback" not in stderr, stderr.decode()
    files = assert_whole_briefs(out, versions)
    if trigger == "first-replaced" and running:
        assert files[TARGETS[0]] == versions.b[TARGETS[0]]

    code, output = run_in_process(ws, build_args())
    assert code == 0, output
    assert temporaries(out) == []
    assert read_folder(out) == versions.b


# Deliver SIGTERM at the worst moment: the temporary file exists, but its creation
# has not yet returned to the code that records it for removal.
SIGTERM_IN_CREATE = """import os, signal, sys
from briefgen import output
real_create = output._create
def create(path):
    handle = real_create(path)
    os.kill(os.getpid(), signal.SIGTERM)
    return handle
output._create = create
sys.argv[0] = "briefgen"
from briefgen.cli import main
main()
"""


def test_sigterm_leaves_no_temporary_file(tmp_path: Path, versions: Versions) -> None:
    ws = seeded_workspace(tmp_path, versions)
    process = start_build(ws, "-c", SIGTERM_IN_CREATE)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1, stderr.decode()
    assert b"Traceback" not in stderr, stderr.decode()
    assert_whole_briefs(ws / "out", versions)
    assert temporaries(ws / "out") == []


def _good_build(tmp_path: Path, versions: Versions) -> tuple[Path, dict[str, bytes]]:
    """A workspace at version A whose output folder holds what building it wrote (the
    module's build of A, copied: the same bytes, without building again)."""
    ws = make_workspace(tmp_path / "ws", "A")
    (ws / "out").mkdir()
    for name, data in versions.a.items():
        (ws / "out" / name).write_bytes(data)
    return ws, read_folder(ws / "out")


def test_broken_template_keeps_earlier_briefs(tmp_path: Path, versions: Versions) -> None:
    ws, before = _good_build(tmp_path, versions)
    set_version(ws, "B")
    broken = ws / "templates" / f"{AUDIENCES[-1]}.md.j2"
    broken.write_text("# Broken\n\n{% if %}\n", encoding="utf-8")
    code, output = run_in_process(ws, build_args())
    assert code == 1
    assert output.splitlines()[0].startswith(f"templates/{AUDIENCES[-1]}.md.j2:3: ")
    assert read_folder(ws / "out") == before, "a failed build changed the output folder"


def test_broken_facts_keep_earlier_briefs(tmp_path: Path, versions: Versions) -> None:
    ws, before = _good_build(tmp_path, versions)
    set_version(ws, "B")
    (ws / "facts" / "case.yaml").write_text(FACTS.replace("as_of: 2023", "as_of: 20233"))
    code, output = run_in_process(ws, build_args())
    assert code == 1
    assert output.splitlines() == [output.splitlines()[0]], output
    assert output.startswith("facts/case.yaml:7: as_of: "), output
    assert read_folder(ws / "out") == before, "a failed build changed the output folder"


def test_next_build_clears_temporaries_a_killed_build_left(
    tmp_path: Path, versions: Versions
) -> None:
    ws, _ = _good_build(tmp_path, versions)
    stale = ws / "out" / f".briefgen-4242-0123456789abcdef.{TARGETS[0]}.tmp"
    stale.write_bytes(b"%PDF-1.4 half a brief")
    code, output = run_in_process(ws, build_args())
    assert code == 0, output
    assert temporaries(ws / "out") == []
    assert not (ws / "out" / LOCK_NAME).exists()


def test_a_file_that_cannot_be_replaced_leaves_every_earlier_brief(
    tmp_path: Path, versions: Versions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The renames are the last step; when one fails (a file another user owns in a
    shared folder, an immutable file: the system says EPERM), the files renamed before
    it are put back, so the folder is the last build's, not half of each."""
    ws, before = _good_build(tmp_path, versions)
    set_version(ws, "B")
    blocked = TARGETS[len(TARGETS) // 2]
    real_replace = os.replace

    def replace(source: str | Path, target: str | Path) -> None:
        if Path(target).name == blocked:
            raise PermissionError(1, "Operation not permitted")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)  # briefgen.output calls os.replace
    code, said = run_in_process(ws, build_args())
    assert code == 1
    assert said == f"out/{blocked}: cannot write the file: Operation not permitted\n"
    assert read_folder(ws / "out") == before, "a failed build changed the output folder"
    assert temporaries(ws / "out") == []


def test_next_build_clears_a_killed_batchs_temporaries_in_subfolders(
    tmp_path: Path, versions: Versions
) -> None:
    """A batch killed outright leaves temporaries in its audience folders; the next
    build into the folder clears them, whatever it builds, but not those of a build
    writing into the subfolder itself (it holds that folder's lock)."""
    ws, _ = _good_build(tmp_path, versions)
    name = f".briefgen-4242-0123456789abcdef.{TARGETS[0]}.tmp"
    for sub in ("letter", "busy"):
        (ws / "out" / sub).mkdir()
        (ws / "out" / sub / name).write_bytes(b"%PDF-1.4 half a copy")
    with output.locked(ws / "out" / "busy"):
        code, said = run_in_process(ws, build_args())
        assert code == 0, said
        assert temporaries(ws / "out" / "letter") == []
        assert temporaries(ws / "out" / "busy") == [name]
    assert read_folder(ws / "out") == versions.a


def test_a_file_without_a_backup_is_not_removed_by_the_rollback(
    tmp_path: Path, versions: Versions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the backup link of a file fails (FAT, a file at its link limit: EMLINK)
    and a later rename fails, the rollback cannot put that file's old version back;
    it must keep the new one, not remove it and leave neither."""
    ws, before = _good_build(tmp_path, versions)
    set_version(ws, "B")
    unlinked, blocked = TARGETS[1], TARGETS[-1]
    real_link, real_replace = os.link, os.replace

    def link(source: str | Path, target: str | Path, **kwargs: object) -> None:
        if Path(source).name == unlinked:
            raise OSError(31, "Too many links")
        real_link(source, target, **kwargs)  # type: ignore[arg-type]

    def replace(source: str | Path, target: str | Path) -> None:
        if Path(target).name == blocked:
            raise PermissionError(1, "Operation not permitted")
        real_replace(source, target)

    monkeypatch.setattr(os, "link", link)
    monkeypatch.setattr(os, "replace", replace)
    code, said = run_in_process(ws, build_args())
    assert code == 1, said
    after = read_folder(ws / "out")
    assert after[unlinked] == versions.b[unlinked]  # kept, though not the old one
    assert {name: data for name, data in after.items() if name != unlinked} == {
        name: data for name, data in before.items() if name != unlinked
    }
    assert temporaries(ws / "out") == []
