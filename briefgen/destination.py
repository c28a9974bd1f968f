"""Where a build's files may go: checked before any work, and again before writing.

The output folder may be neither a file, nor unwritable, nor an input folder (or
inside one), and no file written may replace the theme's logo.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.errors import Location, OutputError, display_path
from briefgen.options import SETTINGS_FILE, BuildOptions
from briefgen.output import LINK_LOOP, entry_location, prepare_folder, refuse_unwritable
from briefgen.templating import builtin_dir


def check_out_dir(options: BuildOptions) -> None:
    """Refuse, before any work, an output folder that is a file, an input folder, or
    not writable."""
    out_dir = options.out_dir
    if out_dir.exists() and not out_dir.is_dir():
        prepare_folder(out_dir)  # raises the clear "is a file" error
    refuse_unwritable(out_dir)
    refuse_to_write_into_inputs(options)


def refuse_to_write_over_the_logo(
    options: BuildOptions, logo_setting: str, names: list[str]
) -> None:
    """Refuse, before anything is written, a file of ``names`` (in the output folder)
    that would replace the theme's logo, or the link it is read through: the next
    build would print it as the logo (``preview --out .`` beside a logo named
    ``public.png``)."""
    if not logo_setting:
        return
    logo = options.workspace / logo_setting
    logo_entries = {_entry(logo), logo.resolve()}
    for name in names:
        target = options.out_dir / name
        if _entry(target) in logo_entries:
            raise OutputError(
                f"this file would be written over the logo (theme.logo in {SETTINGS_FILE}); "
                "choose another --out",
                entry_location(target),
            )


def _entry(path: Path) -> Path:
    """The directory entry ``path`` names, its folder's links followed, not its own."""
    return path.parent.resolve() / path.name


def refuse_to_write_into_inputs(options: BuildOptions) -> None:
    """The output folder may be neither an input folder nor inside one."""
    try:
        out = options.out_dir.resolve()
    except (OSError, RuntimeError):  # a loop of links: RuntimeError before Python 3.13
        raise OutputError(LINK_LOOP, Location.of(options.out_dir)) from None
    inputs = [
        ("facts", options.facts_path),
        *(("templates", p) for p in options.template_dirs),
        ("templates", options.workspace / "templates"),
        ("built-in templates", builtin_dir()),
    ]
    for what, path in inputs:
        folder = path.resolve()
        if folder == out:
            message = f"the output folder is the {what} folder"
        elif folder in out.parents:
            message = f"the output folder is inside the {what} folder ({display_path(path)})"
        else:
            continue
        raise OutputError(f"{message}; choose another --out", Location.of(options.out_dir))
