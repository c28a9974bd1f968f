"""Create a new workspace (``briefgen init``) and copy built-in templates out for editing."""

from __future__ import annotations

import importlib.util
import shutil
from importlib import resources
from pathlib import Path

from briefgen.errors import Location, OutputError
from briefgen.templating.search import TEMPLATE_SUFFIX, SearchPath, builtin_dir


def sample_facts_dir() -> Path:
    """The sample facts shipped with briefgen (the repository's ``facts/`` folder,
    installed as the data-only package ``briefgen.sample_facts``)."""
    spec = importlib.util.find_spec("briefgen.sample_facts")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    # An editable install or a source checkout maps no data-only package; there the
    # checkout's facts/ folder is the sample.
    return Path(__file__).resolve().parents[1] / "facts"


def skeleton_dir() -> Path:
    """Files every new workspace starts with (settings, README, sample template)."""
    return Path(str(resources.files("briefgen") / "skeleton"))


def init_workspace(target: Path, force: bool = False) -> list[Path]:
    """Create a workspace in ``target``: settings, sample facts and templates, an
    output folder and a README. Refuses to overwrite files unless ``force``."""
    plan: dict[Path, Path] = {}
    for source in sorted(skeleton_dir().rglob("*")):
        if source.is_file():
            plan[target / source.relative_to(skeleton_dir())] = source
    for source in sorted(sample_facts_dir().glob("*.yaml")):
        plan[target / "facts" / source.name] = source
    _refuse_overwrite(plan, force)
    for destination, source in plan.items():
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
    (target / "output").mkdir(parents=True, exist_ok=True)
    (target / "output" / ".gitkeep").touch()
    return sorted(plan)


def copy_templates(
    search_path: SearchPath, names: list[str], target: Path, force: bool = False
) -> list[Path]:
    """Copy built-in templates (all, or the audiences ``names``) into ``target``."""
    builtin = builtin_dir()
    if names:
        files = []
        for name in names:
            file = builtin / (name if name.endswith(TEMPLATE_SUFFIX) else name + TEMPLATE_SUFFIX)
            if not file.is_file():
                raise search_path.not_found(file.name)
            files.append(file)
        files.append(builtin / f"_macros{TEMPLATE_SUFFIX}")
    else:
        files = sorted(builtin.glob(f"*{TEMPLATE_SUFFIX}"))
    plan = {target / f.name: f for f in dict.fromkeys(files)}
    _refuse_overwrite(plan, force)
    target.mkdir(parents=True, exist_ok=True)
    for destination, source in plan.items():
        shutil.copyfile(source, destination)
    return sorted(plan)


def _refuse_overwrite(plan: dict[Path, Path], force: bool) -> None:
    existing = [p for p in plan if p.exists()]
    if existing and not force:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise OutputError(
            f"already exists{more}; use --force to overwrite", Location.of(existing[0])
        )
