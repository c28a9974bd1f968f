"""Collecting the tests never runs briefgen's code (docs/testing.md): a test module
imports from briefgen but calls none of its functions at module level, so one broken
function fails its tests, not the collection of a whole module. A store loaded for a
parametrize list (test_cli_slips), Markdown parsed for one (test_docx_renderer) and
a style made for module constants (test_wide_words) once did."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import briefgen

REPO = Path(__file__).resolve().parents[1]

# Imports every briefgen module first (its own module-level code is not the tests'),
# then every test module with a profiler that records each call of a briefgen
# function made, through any helpers, from a test file's code rather than from a
# briefgen module being imported. Prints one "file:line" a line.
PROBE = """
import importlib, pkgutil, sys
from pathlib import Path
sys.path[:0] = ["tests", "."]
import briefgen
for module in pkgutil.walk_packages(briefgen.__path__, "briefgen."):
    if not module.name.endswith("__main__"):
        importlib.import_module(module.name)
PACKAGE = str(Path(briefgen.__file__).parent)
found = set()
def profile(frame, event, arg):
    code = frame.f_code
    if event != "call" or code.co_name == "<module>" or not code.co_filename.startswith(PACKAGE):
        return
    caller = frame.f_back
    while caller is not None:
        name = caller.f_code.co_filename
        if name.startswith(PACKAGE):
            if caller.f_code.co_name == "<module>":
                return
        elif Path(name).parent.name == "tests":
            found.add(f"tests/{Path(name).name}:{caller.f_lineno}")
            return
        caller = caller.f_back
import conftest
sys.setprofile(profile)
for path in sorted(Path("tests").glob("test_*.py")):
    importlib.import_module(path.stem)
sys.setprofile(None)
print("\\n".join(sorted(found)))
"""


def test_collecting_the_tests_calls_no_briefgen_function() -> None:
    package_root = str(Path(briefgen.__file__).resolve().parents[1])
    path = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [], "briefgen called while collecting, at: " + done.stdout
