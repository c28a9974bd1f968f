"""Create a new workspace (``briefgen init``) and copy built-in templates out for editing.

Files are written all or nothing, and never through a symbolic link: ``--force``
replaces a link that stands where a file goes (its target is left alone), a link
standing for a folder below the target is refused, and so is one leading nowhere (to
nothing, or round in a loop) where a folder is to be made.
"""

from __future__ import annotations

import importlib.util
import os
from importlib import resources
from pathlib import Path

from briefgen.errors import Location, OutputError, TemplateError, display_path, terminal_safe
from briefgen.inputs import clip
from briefgen.output import (
    check_targets,
    entry_location,
    loops,
    remove_folders,
    replace_all,
)
from briefgen.templating import builtin_dir
from briefgen.templating.search import (
    BUILTIN_PREFIX,
    TEMPLATE_SUFFIX,
    SearchPath,
    is_file,
)


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
    _refuse_a_workspace_folder(target)
    plan: dict[Path, Path] = {}
    for source in sorted(skeleton_dir().rglob("*")):
        if source.is_file():
            plan[target / source.relative_to(skeleton_dir())] = source
    for source in sorted(sample_facts_dir().glob("*.yaml")):
        plan[target / "facts" / source.name] = source
    _refuse_overwrite(plan, force)
    files = {destination: source.read_bytes() for destination, source in plan.items()}
    keep = target / "output" / ".gitkeep"
    if not os.path.lexists(keep):
        files[keep] = b""
    _write(target, files)
    return sorted(plan)


def copy_templates(
    search_path: SearchPath, names: list[str], target: Path, force: bool = False
) -> list[Path]:
    """Copy built-in templates (all, or the audiences ``names``) into ``target``.
    With ``names``, the helpers they import (``_macros.md.j2``) go too when ``target``
    has none: one there already, perhaps edited, is the user's, even with ``force``
    (name ``_macros`` to replace it)."""
    builtin = builtin_dir()
    if names:
        files = []
        for given in names:
            # Named as templates show and the templates name a built-in: builtin/public.
            name = given.removeprefix(BUILTIN_PREFIX)
            file = builtin / (name if name.endswith(TEMPLATE_SUFFIX) else name + TEMPLATE_SUFFIX)
            # A name with a folder in it would be joined to the built-ins' (an absolute
            # path replacing it): any .md.j2 file would be copied out as a built-in.
            if file.parent != builtin or not is_file(file):
                # Only the built-ins can be copied out: name those.
                builtins = SearchPath([f for f in search_path.folders if f.origin == "built-in"])
                if file.parent == builtin and (own := search_path.find(file.name)):
                    # "no template for audience" of one the workspace has would be untrue.
                    raise TemplateError(
                        f"{clip(file.name.removesuffix(TEMPLATE_SUFFIX))!r} is no built-in but "
                        f"your own template, {display_path(own[0])}: edit it there; the "
                        f"built-ins are {', '.join(builtins.audience_files())}"
                    )
                raise builtins.unknown_audience(name.removesuffix(TEMPLATE_SUFFIX))
            files.append(file)
        helpers = f"_macros{TEMPLATE_SUFFIX}"
        if not os.path.lexists(target / helpers):
            files.append(builtin / helpers)
    else:
        files = sorted(builtin.glob(f"*{TEMPLATE_SUFFIX}"))
    plan = {target / f.name: f for f in dict.fromkeys(files)}
    _refuse_overwrite(plan, force)
    _write(target, {destination: source.read_bytes() for destination, source in plan.items()})
    return sorted(plan)


def _write(target: Path, files: dict[Path, bytes]) -> None:
    """Write ``files`` below ``target``, all or none, never through a symbolic link."""
    for destination in files:
        for folder in reversed(destination.relative_to(target).parents[:-1]):
            if (target / folder).is_symlink():
                raise OutputError(
                    "is a symbolic link; briefgen will not write through it",
                    entry_location(target / folder),
                )
    check_targets(list(files), hint="move it away first")
    for folder in dict.fromkeys(d.parent for d in files):
        for path in (*reversed(folder.parents), folder):
            if path.exists() and not path.is_dir():  # mkdir would say "File exists"
                raise OutputError(
                    "a file is in the way of this folder; move it away first",
                    Location.of(path),
                )
            if not path.exists() and path.is_symlink():  # mkdir: "File exists", too
                raise OutputError(_broken_link(path), entry_location(path))
    # The folders made here go again if the files cannot all be written (a full
    # disk, Ctrl-C), so that a failed init leaves no empty workspace behind.
    created: list[Path] = []
    try:
        for folder in dict.fromkeys(d.parent for d in files):
            created += [p for p in (*reversed(folder.parents), folder) if not p.exists()]
            folder.mkdir(parents=True, exist_ok=True)
        replace_all(files)
    except BaseException as exc:
        remove_folders(list(dict.fromkeys(created)))
        if isinstance(exc, OSError):
            raise OutputError(
                f"cannot create the folder: {exc.strerror}",
                Location.of(exc.filename or target),
            ) from None
        raise


def _refuse_a_workspace_folder(target: Path) -> None:
    """Refuse a new workspace in (or below) the facts/ or templates/ folder of another,
    where nothing reads its files: ``init facts`` typed in a workspace."""
    try:
        folder = target.resolve()
    except (OSError, RuntimeError):
        return  # a loop of links: told where the folders are made
    for path in (folder, *folder.parents):
        workspace = path.parent
        if (
            path.name in ("facts", "templates")
            and (workspace / "facts").is_dir()
            and ((workspace / "templates").is_dir() or (workspace / "briefgen.toml").is_file())
        ):
            raise OutputError(
                f"this is the {path.name}/ folder of a workspace; make the new workspace "
                "outside it",
                Location.of(path),
            )


def _broken_link(path: Path) -> str:
    """What is wrong with the link ``path``, which leads to no folder."""
    if loops(path):
        return "a loop of symbolic links stands where this folder goes; remove it"
    return (
        f"a link to {terminal_safe(os.readlink(path))!r}, which is not there, stands where "
        "this folder goes; make that folder, or remove the link"
    )


def _refuse_overwrite(plan: dict[Path, Path], force: bool) -> None:
    existing = [p for p in plan if os.path.lexists(p)]  # a dangling link counts
    if existing and not force:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise OutputError(
            f"already exists{more}; use --force to overwrite", entry_location(existing[0])
        )
