"""Two builds into one folder never mix their outputs, nor delete each other's files.

Twenty pairs of builds, each pair into a folder of its own: build A from
templates whose brief reads "Version A", build B from "Version B". When both are done
the folder must hold one build's complete set -- its PDF and its DOCX, byte for byte
as that build makes them -- and nothing else (no temporary, no lock file); a build
that could not write must say so in one line and exit 1, and the only reason it may
give is the other build (not a temporary file of its own that the other deleted).

The forty builds are forked from one driver process that has already imported
briefgen and built both versions once (the reference files): forty cold
``python -m briefgen`` processes spend about 40 CPU seconds importing, which a
two-core CI machine cannot fit in a few seconds. Each child still is a process of its
own running the command line's ``main()`` from argv to exit. The two builds of a pair
(two pairs at a time) wait at a barrier and are released together, so their writes
overlap far more often than those of processes started one after another: before
builds took turns, about a third of these builds failed because the other had deleted
their temporary files.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from casefacts import write_case_facts

REPO = Path(__file__).resolve().parents[1]
PAIRS = 20
# Pairs started together: few, so that the two builds of a pair, doing the same work
# on a machine of few cores, reach their writes at nearly the same moment.
BATCH = 2
# The one line a build may refuse with: the other build held the folder too long.
REFUSAL = re.compile(r"\S+: another briefgen build is writing into this folder .*")

TEMPLATE = '# Version {version}\n\nBrief of build {version}. {{{{ cite("case-fact") }}}}\n'

DRIVER = r"""
import json, os, sys
from pathlib import Path

root, pairs, batch_size = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
from briefgen.cli import main
from briefgen.pipeline import BuildOptions, build

def args(version, out):
    return ["build", "--audience", "trial", "--facts", "facts", "--templates",
            f"t{version}", "--format", "pdf", "--format", "docx", "--out", str(out)]

os.chdir(root)
for version in "AB":  # the reference files, and imports and caches warmed for the children
    build(BuildOptions(facts=Path("facts"), template_dirs=(Path(f"t{version}"),),
                       out=Path(f"ref-{version}"), audiences=("trial",),
                       formats=("pdf", "docx")))
results = []
for batch in range(0, pairs, batch_size):
    release, go = os.pipe()
    children = {}
    for pair in range(batch, min(batch + batch_size, pairs)):
        for version in "AB":
            log = root / f"pair-{pair:02d}-{version}.log"
            pid = os.fork()
            if pid == 0:
                os.close(go)
                fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                os.read(release, 1)  # the barrier: returns when the driver closes its end
                sys.argv = ["briefgen", *args(version, root / f"pair-{pair:02d}")]
                main()
            children[pid] = (pair, version, str(log))
    os.close(release)
    os.close(go)
    for pid, (pair, version, log) in children.items():
        _, status = os.waitpid(pid, 0)
        results.append({"pair": pair, "version": version,
                        "code": os.waitstatus_to_exitcode(status),
                        "output": Path(log).read_text(encoding="utf-8", errors="replace")})
print(json.dumps(results))
"""


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_concurrent_builds_leave_one_complete_set(tmp_path: Path) -> None:
    write_case_facts(tmp_path / "facts")
    for version in "AB":
        (tmp_path / f"t{version}").mkdir()
        text = TEMPLATE.format(version=version)
        (tmp_path / f"t{version}" / "trial.md.j2").write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(tmp_path), str(PAIRS), str(BATCH)],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert len(results) == 2 * PAIRS
    reference = {v: files_in(tmp_path / f"ref-{v}") for v in "AB"}
    assert sorted(reference["A"]) == ["trial.docx", "trial.pdf"]
    assert all(reference["A"][n] != reference["B"][n] for n in reference["A"])

    for pair in range(PAIRS):
        runs = {r["version"]: r for r in results if r["pair"] == pair}
        for run in runs.values():
            assert "Traceback" not in run["output"], run["output"]
            if run["code"] != 0:
                # Not, say, "cannot write the file: No such file or directory" because
                # the other build deleted this one's temporary.
                assert run["code"] == 1, run
                assert REFUSAL.fullmatch(run["output"].rstrip("\n")), run["output"]
        found = files_in(tmp_path / f"pair-{pair:02d}")
        owner = [v for v in "AB" if found == reference[v]]
        assert owner, f"pair {pair}: the folder holds no build's complete set: " + ", ".join(
            f"{name} from {next((v for v in 'AB' if reference[v].get(name) == data), '?')}"
            for name, data in sorted(found.items())
        )
        assert runs[owner[0]]["code"] == 0, runs
