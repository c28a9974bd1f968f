"""Warm time per brief, for one commit's checkout (not a test: it prints one figure).

    python benchmarks/warm.py --root CHECKOUT [--audience legislators] [--format pdf]
                              [--repeats 40]

One long-lived process renders the same brief again and again (template, fit, the
file's bytes), as bench.py's warm rows do, and prints the median and best wall time
per brief in milliseconds, and the median CPU time. ``--root`` names the checkout whose
``briefgen`` package is imported and whose workspace (settings, facts, templates) is
built, so the same script times an older commit side by side with this one: check the
older commit out with ``git worktree add`` and pass its folder. The script only uses
what every commit since issue 3 has (``Workspace``, ``TemplateRenderer``,
``make_brief``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def per_brief(root: Path, audience: str, fmt: str, repeats: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds taken by each of ``repeats`` warm renders of ``audience``
    in ``fmt`` (CPU time: this process's, which other processes on a shared machine
    disturb less than the wall clock)."""
    sys.path.insert(0, str(root))
    from briefgen.pipeline import BuildOptions, Workspace, make_brief
    from briefgen.templating.environment import TemplateRenderer

    loaded = Path(sys.modules["briefgen"].__file__ or "").resolve()
    if not loaded.is_relative_to(root):
        raise SystemExit(f"briefgen came from {loaded}, not {root}")
    workspace = Workspace.open(BuildOptions(workspace=root))
    renderer = TemplateRenderer(workspace.search_path, workspace.store, workspace.settings)
    info = workspace.search_path.audience(audience)
    for _ in range(3):  # warm caches and imports
        make_brief(workspace, renderer, info, (fmt,), None)
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        make_brief(workspace, renderer, info, (fmt,), None)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def main() -> None:
    """Print ``<root> <audience> <format> median=<ms> best=<ms> cpu=<ms>``: the wall
    time's median and best, and the CPU time's median."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=HERE, help="checkout to time")
    parser.add_argument("--audience", default="legislators")
    parser.add_argument("--format", default="pdf", choices=("pdf", "docx"))
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    root = args.root.resolve()
    wall, cpu = per_brief(root, args.audience, args.format, args.repeats)
    print(
        f"{root} {args.audience} {args.format} "
        f"median={statistics.median(wall) * 1000:.1f}ms best={min(wall) * 1000:.1f}ms "
        f"cpu={statistics.median(cpu) * 1000:.1f}ms"
    )


if __name__ == "__main__":
    main()
