"""The ``briefgen`` command line: options are parsed here, the work is done elsewhere.

Heavy modules (reportlab, python-docx, Jinja) are imported inside the commands
that need them, so ``briefgen --help`` answers at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import logging
import os
import re
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource
from click.shell_completion import CompletionItem

from briefgen import __version__, collector, streams
from briefgen.errors import BriefgenError, display_path, terminal_safe
from briefgen.inputs import clip, quote, slashed_date
from briefgen.preview import DEFAULT_DPI, DPI_MAX, DPI_MIN
from briefgen.renderers import FORMATS

if TYPE_CHECKING:
    from briefgen.buildcache import Lines
    from briefgen.options import BuildOptions
    from briefgen.pipeline import BuildResult
    from briefgen.style import PageSizeName

NO_FACTS_HERE = "no facts/ here; run `briefgen init DIR` or pass --facts"
# In a workspace's facts/ (or templates/) folder, init would make a workspace inside it.
IN_A_WORKSPACE_FOLDER = (
    "this is the {}/ folder of a workspace; run briefgen from the folder above it (cd ..)"
)


def _no_facts_here() -> BriefgenError:
    """Why a command that reads the facts found none, and what to do."""
    here = Path.cwd()
    if here.name in ("facts", "templates") and (here.parent / "facts").is_dir():
        return BriefgenError("no facts/ here: " + IN_A_WORKSPACE_FOLDER.format(here.name))
    return BriefgenError(NO_FACTS_HERE)


def _refuse_a_workspace_folder() -> None:
    """Refuse to work in a workspace's facts/ or templates/ folder (one with no
    templates/ of its own, beside a facts/ and a templates/ or briefgen.toml): there
    ``./templates`` is not the workspace's, so the templates commands would list and
    show the built-ins, not those beside them, and copy into a folder nothing reads."""
    here = Path.cwd()
    workspace = here.parent
    if (
        here.name in ("facts", "templates")
        and not (here / "templates").exists()
        and (workspace / "facts").is_dir()
        and ((workspace / "templates").is_dir() or (workspace / "briefgen.toml").is_file())
    ):
        raise BriefgenError(IN_A_WORKSPACE_FOLDER.format(here.name))


FACTS_OPTION = click.option(
    "--facts",
    "facts_path",
    type=click.Path(path_type=Path),
    default=Path("facts"),
    show_default=True,
    help="Facts folder (or one facts file).",
)

# Options build and preview share (there the facts default to the workspace's own).
BUILD_FACTS_OPTION = click.option(
    "--facts",
    "facts_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Facts folder or file  [default: ./facts]",
)
PAGE_SIZE_OPTION = click.option(
    "--page-size",
    type=click.Choice(["letter", "a4"], case_sensitive=False),
    default=None,
    help="Page size  [default: the template's, else briefgen.toml's, else letter]",
)


F = TypeVar("F", bound=Callable[..., Any])


def templates_option(help_text: str) -> Callable[[F], F]:
    """``--templates DIR`` (repeatable): a folder of templates, which must exist."""
    return click.option(
        "--templates",
        "template_dirs",
        multiple=True,
        type=click.Path(path_type=Path, file_okay=False),
        callback=_existing_folders,
        help=help_text,
    )


def _existing_folders(
    ctx: click.Context, param: click.Parameter, folders: tuple[Path, ...]
) -> tuple[Path, ...]:
    """``folders``, each a folder that exists. (click's own check quotes a path of any
    length whole; a name longer than the file system allows is told as such.)"""
    for folder in folders:
        if not folder.is_dir():
            # On one line, as a Location shows a path: a newline in it is written \n.
            raise click.BadParameter(f"{terminal_safe(clip(str(folder)), keep='')}: no such folder")
    return folders


# build, preview and check: the folders searched before the workspace's and the built-ins.
BRIEF_TEMPLATES_OPTION = templates_option(
    "Template folder searched before ./templates and the built-ins (repeatable)."
)


def recipients_option(help_text: str) -> Callable[[F], F]:
    """``--recipients FILE``, as build and check take it."""
    return click.option(
        "--recipients",
        "recipients",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        metavar="FILE",
        help=help_text,
    )


def name_column_option(help_text: str) -> Callable[[F], F]:
    """``--name-column COL``, as build and check take it."""
    return click.option("--name-column", metavar="COL", default=None, help=help_text)


class _DayType(click.DateTime):
    """``YYYY-MM-DD``, saying what is wrong with a day that does not exist
    (2026-11-31), or how to write one typed another way (11/01/2026), rather than that
    it "does not match the format '%Y-%m-%d'"."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            try:
                dt.date.fromisoformat(value.strip())
            except ValueError as exc:
                self.fail(f"{value.strip()} is no date: {exc}", param, ctx)
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            if not isinstance(value, str):
                raise
            slashed = slashed_date(value.strip())
            way, example = (
                (f"reads as {slashed[0]}", slashed[1])
                if slashed
                else ("is not a date written as YYYY-MM-DD", "2026-11-01")
            )
            self.fail(f"{quote(value)} {way}; write it year, month, day: {example}", param, ctx)


class _YearsType(click.FloatRange):
    """A number of years, more than 0 and at most 100: ``nan``, which FloatRange lets
    through (no comparison holds for it), is refused as the number it is not."""

    def __init__(self) -> None:
        super().__init__(min=0, min_open=True, max=100)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        years = super().convert(value, param, ctx)
        if years != years:  # nan is not even itself
            self.fail(f"{value} is not a number; give one in the range 0<x<=100", param, ctx)
        return years


DATE_OPTION = click.option(
    "--date",
    type=_DayType(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="The date the briefs show  "
    "[default: briefgen.toml's [build] date, else SOURCE_DATE_EPOCH, else today]",
)


def _build_options(
    facts_path: Path | None,
    template_dirs: tuple[Path, ...],
    audiences: tuple[str, ...],
    page_size: PageSizeName | None,
    date: dt.datetime | None,
    out_dir: Path | None = None,
    formats: tuple[str, ...] = (),
) -> BuildOptions:
    """The options build, preview and check share, as the pipeline takes them: each
    audience once, in the order given; both formats when none is given."""
    from briefgen.options import BuildOptions

    return BuildOptions(
        workspace=Path("."),
        facts=facts_path,
        template_dirs=template_dirs,
        out=out_dir,
        audiences=tuple(dict.fromkeys(audiences)),
        formats=tuple(dict.fromkeys(formats)) or ("pdf", "docx"),
        page_size=page_size,
        date=date.date() if date else None,
    )


def _complete_audiences(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion of --audience: the audiences of the workspace's templates/ and
    the built-ins (see README, "Shell completion")."""
    from briefgen.templating.search import SearchPath

    folders = list(ctx.params.get("template_dirs") or ())
    names = SearchPath.build(folders, Path(".")).audience_files()
    return [CompletionItem(name) for name in names if name.startswith(incomplete)]


def _split_commas(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """``--audience legislators,chiefs`` as two audiences, as ``--duplex`` writes them."""
    names = tuple(name.strip() for value in values for name in value.split(","))
    if "" in names:
        raise click.BadParameter("an empty audience name; give names such as legislators,chiefs")
    return names


class _FormatList(click.types.StringParamType):
    """One or more formats, comma-separated as ``--audience`` takes audiences
    (``--format pdf,docx``), in any case; each value a tuple, joined by
    :func:`_joined_formats`."""

    name = "format"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        names = tuple(name.strip().lower() for name in str(value).split(","))
        for name in names:
            if not name:  # "pdf," of --format pdf, docx
                self.fail("an empty format; give formats such as pdf,docx", param, ctx)
            if name not in FORMATS:
                choices = ", ".join(repr(f) for f in FORMATS)
                self.fail(f"{name!r} is not one of {choices}.", param, ctx)
        return names

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        return [CompletionItem(f) for f in FORMATS if f.startswith(incomplete.lower())]


def _joined_formats(
    ctx: click.Context, param: click.Parameter, values: tuple[tuple[str, ...], ...]
) -> tuple[str, ...]:
    return tuple(name for value in values for name in value)


def audience_option(verb: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--audience NAME`` (repeatable or comma-separated, completed from the
    templates), for ``verb``."""
    return click.option(
        "--audience",
        "audiences",
        multiple=True,
        metavar="NAME",
        callback=_split_commas,
        shell_complete=_complete_audiences,
        help=f"{verb} only this audience (repeatable, or NAME,NAME; "
        "default: every template found).",
    )


def _late_flag(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """``-q`` or ``--debug`` after the command name (``briefgen build -q``): as if
    given before it."""
    if value and param.name:
        ctx.ensure_object(dict)[param.name] = True
        if param.name == "quiet":
            logging.getLogger().setLevel(logging.ERROR)


def _late_flags() -> list[click.Parameter]:
    return [
        click.Option(["-q", "--quiet"], is_flag=True, expose_value=False,
                     callback=_late_flag, help="Print errors only."),
        click.Option(["--debug"], is_flag=True, expose_value=False,
                     callback=_late_flag, help="Show tracebacks of internal errors."),
    ]  # fmt: skip


class BriefgenCommand(click.Command):
    """A command that also takes ``-q`` and ``--debug``, and that says how to get a
    workspace when it fails outside one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(_late_flags())

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BriefgenError:
            # Asked here, once the command has failed, so that a mistake in the
            # command line itself (a usage error) is still told first.
            if _outside_a_workspace(ctx):
                raise _no_facts_here() from None
            raise

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Click's parsing; an extra argument after an option that takes a list
        joined by commas (``--format pdf docx``) is told how to join it."""
        given = list(args)
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if hint := _comma_hint(given, self, exc.message):
                raise click.UsageError(f"{exc.message}; {hint}", ctx) from None
            raise


# Options whose several values are joined by commas, one word on the command line.
COMMA_OPTIONS = ("--audience", "--format", "--duplex")
_EXTRA_ARGUMENTS = re.compile(r"Got unexpected extra arguments? \((.*)\)")


def _comma_hint(given: list[str], command: click.Command, message: str) -> str | None:
    """For click's "Got unexpected extra argument (docx)", when the first extra word
    follows a comma-list option's value (``--format pdf docx``, ``--duplex public
    public-es``): the option written as it is meant, ``--format pdf,docx``."""
    extra = _EXTRA_ARGUMENTS.fullmatch(message)
    if extra is None:
        return None
    first = extra.group(1).split(" ")[0]
    options = {name for param in command.params for name in getattr(param, "opts", ())}
    for index, word in enumerate(given):
        if word != first or index == 0:
            continue
        before = given[index - 1]
        option, _, value = before.partition("=")
        if not value and index >= 2 and not before.startswith("-"):
            option, value = given[index - 2], before
        if option not in COMMA_OPTIONS or option not in options or not value:
            return None
        words = [value]
        for following in given[index:]:
            if following.startswith("-"):
                break
            words.append(following)
        joined = ",".join(w.strip(",") for w in words if w.strip(","))
        return f"{option} takes its values joined by commas, without spaces: {option} {joined}"
    return None


def _outside_a_workspace(ctx: click.Context) -> bool:
    """The command reads the facts, --facts was not given, and there is no facts/ here."""
    return (
        "facts_path" in ctx.params
        and ctx.get_parameter_source("facts_path") is ParameterSource.DEFAULT
        and not os.path.lexists("facts")
    )


class BriefgenSubgroup(click.Group):
    """A group below ``briefgen`` (``facts``, ``templates``): it and its commands take
    ``-q`` and ``--debug`` too (``briefgen facts -q check``)."""

    command_class = BriefgenCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(_late_flags())


class BriefgenGroup(click.Group):
    """A group that turns an unexpected exception into one line unless ``--debug``."""

    command_class = BriefgenCommand
    group_class = BriefgenSubgroup

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            raise click.Abort() from None
        except BrokenPipeError:
            raise  # the reader closed stdout early (| head): click exits quietly
        except Exception as exc:
            if ctx.params.get("debug") or (ctx.obj or {}).get("debug"):
                raise
            if isinstance(exc, OSError) and exc.errno == errno.ENAMETOOLONG:
                # A path given on the command line (--facts, --out, --templates...)
                # that no file system could hold: the user's to shorten.
                raise BriefgenError(
                    f"{clip(str(exc.filename))}: a name in this path is longer than the "
                    "file system allows"
                ) from None
            if short := _short_of(exc):
                raise BriefgenError(short) from None
            if isinstance(exc, OSError) and (stream := _stream_that_fails(exc)):
                # Not briefgen's to fix: where the output was sent is full or gone.
                raise BriefgenError(f"cannot write to {stream}: {exc.strerror}") from None
            raise BriefgenError(
                f"internal error: {type(exc).__name__}: {clip(str(exc), 300)} "
                "(run 'briefgen --debug ...' for the traceback, and please report it)"
            ) from None


def _short_of(exc: Exception) -> str | None:
    """What the system ran short of, when ``exc`` says so (a memory limit, ``ulimit -v``,
    or a full machine), and what to do; else None."""
    if isinstance(exc, MemoryError):
        what = "out of memory"
    elif isinstance(exc, RuntimeError) and str(exc) == "can't start new thread":
        what = "cannot start a thread: the system's limit on memory or processes is reached"
    else:
        return None
    return (
        f"{what}; close other programs or raise the limit (ulimit -v, ulimit -u), "
        "and for a batch give fewer --jobs"
    )


def _stream_that_fails(exc: OSError) -> str | None:
    """The stream whose write raised ``exc`` ("standard output" or "standard error":
    ``> /dev/full``, a full disk where it was sent), else None. Every line briefgen
    prints goes through click.echo, so the write that failed is the last frame's."""
    frame = None
    trace = exc.__traceback__
    while trace is not None:
        frame, trace = trace.tb_frame, trace.tb_next
    if frame is None or frame.f_code is not click.utils.echo.__code__:
        return None
    try:
        number = frame.f_locals["file"].fileno()
    except (KeyError, AttributeError, OSError, ValueError):
        return None
    return {1: "standard output", 2: "standard error"}.get(number)


@click.group(cls=BriefgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefgen")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.pass_context
def cli(ctx: click.Context, debug: bool, quiet: bool) -> None:
    """Turn a store of sourced facts into one-page policy briefs (PDF and DOCX)."""
    if sys.platform == "win32":
        # Its output folder's lock, its crash-safe writes and its batch workers are
        # POSIX's (flock, O_NOFOLLOW, fork): one clear line, not a traceback.
        raise BriefgenError(
            "briefgen runs on Linux and macOS, not on Windows: run it in WSL "
            "(the Windows Subsystem for Linux)"
        )
    try:
        os.getcwd()
    except FileNotFoundError:
        # Every path briefgen reads, writes or shows is from the working folder; run
        # in one since removed, each was an internal error.
        raise BriefgenError(
            "the folder this command runs in was removed; cd into the workspace again"
        ) from None
    ctx.obj = {"quiet": quiet, "debug": debug}
    logging.basicConfig(
        format="%(message)s", level=logging.ERROR if quiet else logging.INFO, stream=sys.stderr
    )


@cli.group()
def facts() -> None:
    """Check, list and show the facts store."""


@facts.command("check")
@FACTS_OPTION
@click.option(
    "--max-age",
    type=_YearsType(),
    default=None,
    help="Warn about facts older than this many years (default: briefgen.toml, else 3).",
)
@click.option(
    "--recipients",
    "recipients_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Also warn about each place a row of this recipients file names that no fact is about.",
)
@name_column_option("With --recipients: the column that names each copy's files, as for build.")
@click.pass_context
def facts_check(
    ctx: click.Context,
    facts_path: Path,
    max_age: float | None,
    recipients_path: Path | None,
    name_column: str | None,
) -> None:
    """Validate the facts store and summarize it (-q: errors only)."""
    from briefgen.facts_check import FactsCheck

    if recipients_path is None and name_column is not None:
        raise click.UsageError("--name-column needs --recipients FILE")
    checked = FactsCheck.run(facts_path, max_age, recipients_path, name_column)
    if ctx.obj["quiet"]:
        return
    for line in checked.lines():
        click.echo(line)


@facts.command("list")
@FACTS_OPTION
@click.option("--audience", help="Only facts for this audience.")
@click.option("--topic", help="Only facts on this topic.")
@click.option("--kind", help="Only facts of this kind (statistic, quote, finding, ...).")
@click.option("--place", help="Only facts about this place (springfield-il, ...).")
@click.option("--json", "as_json", is_flag=True, help="JSON for scripts, sources resolved.")
def facts_list(
    facts_path: Path,
    audience: str | None,
    topic: str | None,
    kind: str | None,
    place: str | None,
    as_json: bool,
) -> None:
    """List facts, filtered by audience, topic, kind or place."""
    from briefgen.errors import raise_all
    from briefgen.facts import load_store, report
    from briefgen.facts.filters import unknown_filters

    store = load_store(facts_path)
    given = {"audience": audience, "topic": topic, "kind": kind, "place": place}
    raise_all(
        BriefgenError(f"--{what}: {message}")
        for what, message in unknown_filters(store, given).items()
    )
    found = store.select(audience=audience, topic=topic, kind=kind, place=place)
    # A fact's text may hold a right-to-left override, its note any control character
    # (a note is never printed on a page): shown as escapes, as messages show them.
    click.echo(
        streams.json_for_stdout(report.as_json(store, found))
        if as_json
        else terminal_safe(report.table(found), keep="\n")
    )


@facts.command("show")
@FACTS_OPTION
@click.argument("fact_id")
def facts_show(facts_path: Path, fact_id: str) -> None:
    """Show one fact and its full source."""
    from briefgen.facts import load_store
    from briefgen.facts.report import show

    store = load_store(facts_path)
    if fact_id not in store:
        raise BriefgenError(store.unknown_fact_message(fact_id))
    click.echo(terminal_safe(show(store, store.get(fact_id)), keep="\n"))


def main() -> None:
    """Console entry point.

    Once the command has finished and its output is flushed, the process ends
    without the interpreter's teardown, which spends tens of milliseconds freeing
    modules nobody will use again (mypy's command line does the same). The cycle
    collector is off until the command has imported its modules (briefgen.collector).
    """
    collector.pause_for_imports()
    streams.escape_what_cannot_print()
    try:
        cli(prog_name="briefgen")
    except SystemExit as exc:
        code = exc.code
        if isinstance(code, str):
            click.echo(code, err=True)
            code = 1
        status = code if isinstance(code, int) else 0
    else:
        status = 0
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with the descriptor closed (`>&-`)
            continue
        with contextlib.suppress(OSError):  # a reader that closed the pipe early
            stream.flush()
    os._exit(status)


@cli.command()
@audience_option("Build")
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=_FormatList(),
    callback=_joined_formats,
    metavar="[pdf|docx]",
    help="Output format (repeatable, or pdf,docx; default: both).",
)
@BUILD_FACTS_OPTION
@BRIEF_TEMPLATES_OPTION
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder  [default: ./output]",
)
@PAGE_SIZE_OPTION
@DATE_OPTION
@recipients_option(
    "One brief per row of this CSV or YAML file, into output/<audience>/<id>.pdf|docx "
    "(see docs/batch.md)."
)
@name_column_option("With --recipients: the column that names each copy's files  [default: id]")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="With --recipients: worker processes  [default: the number of CPUs]",
)
@click.option(
    "--keep-going",
    is_flag=True,
    help="With --recipients: write the copies that worked, list the rows that failed (exit 1).",
)
@click.option(
    "--combine",
    is_flag=True,
    help="With --recipients: also output/combined.pdf (every copy in row order) and "
    "output/manifest.csv.",
)
@click.option(
    "--shard",
    metavar="I/N",
    default=None,
    help="With --recipients: build only the I-th of N disjoint shares of the rows, "
    "for N machines (see docs/batch.md).",
)
@click.option(
    "--duplex",
    metavar="FRONT,BACK",
    default=None,
    callback=lambda ctx, param, value: _one_duplex(value),
    multiple=True,
    help="Instead: one two-sided handout, FRONT's brief on page 1 and BACK's on page 2, "
    "as output/FRONT+BACK.pdf|docx (for example public,public-es).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print what was written as JSON for scripts: each file's path, pages, fill and "
    "SHA-256, and the warnings.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Read and fit everything anew, even when nothing changed since the last build "
    "(see docs/cache.md).",
)
@click.pass_context
def build(
    ctx: click.Context,
    audiences: tuple[str, ...],
    formats: tuple[str, ...],
    facts_path: Path | None,
    template_dirs: tuple[Path, ...],
    out_dir: Path | None,
    page_size: PageSizeName | None,
    date: dt.datetime | None,
    recipients: Path | None,
    name_column: str | None,
    jobs: int | None,
    keep_going: bool,
    combine: bool,
    shard: str | None,
    duplex: str | None,
    as_json: bool,
    no_cache: bool,
) -> None:
    """Build one-page briefs for each audience as PDF and DOCX."""
    from briefgen import interrupts

    options = _build_options(
        facts_path, template_dirs, audiences, page_size, date, out_dir=out_dir, formats=formats
    )
    batch_only = {
        "--name-column": name_column is not None,
        "--jobs": jobs is not None,
        "--keep-going": keep_going,
        "--combine": combine,
        "--shard": shard is not None,
    }
    if as_json and (recipients is not None or duplex is not None):
        raise click.UsageError("--json goes with a build of briefs, not --recipients or --duplex")
    if recipients is not None:
        if duplex is not None:
            raise click.UsageError("--duplex and --recipients do not go together")
        if len(options.audiences) > 1:
            raise click.UsageError("--recipients takes at most one --audience")
        collector.pipeline_imported()
        _build_batch(ctx, options, recipients, name_column, jobs, keep_going, combine, shard)
        return
    for name, given in batch_only.items():
        if given:
            raise click.UsageError(f"{name} needs --recipients FILE")
    if duplex is not None:
        collector.pipeline_imported()
        from briefgen.buildcache import Lines
        from briefgen.duplex import build_handout, describe_handout, warning_lines

        if options.audiences:
            raise click.UsageError("--duplex names its own two audiences; leave out --audience")

        with interrupts.handled():
            handout = build_handout(options, duplex)
        if not ctx.obj["quiet"]:
            described = tuple(describe_handout(handout, options.out_dir))
            _say(Lines(described, tuple(warning_lines(handout))))
        return
    quiet = bool(ctx.obj["quiet"])
    if as_json:
        collector.pipeline_imported()
        from briefgen.pipeline import build as run_build

        with interrupts.handled():
            result = run_build(options)
        _report_json(result)
        return
    from briefgen.buildcache import build_or_reuse

    with interrupts.handled():
        build_or_reuse(options, quiet, _say, keeping=not no_cache)


def _say(lines: Lines) -> None:
    """A build's lines: each file's fill on stdout, each warning on stderr."""
    for line in lines.stdout:
        click.echo(line)
    for line in lines.stderr:
        click.echo(line, err=True)


def _report_json(result: BuildResult) -> None:
    """What a build wrote and warned of, as JSON on stdout."""
    from briefgen.check import warnings_of
    from briefgen.summary import summary_json

    click.echo(streams.json_for_stdout(summary_json(result, warnings_of(result))))


def _build_batch(
    ctx: click.Context,
    options: BuildOptions,
    recipients: Path,
    name_column: str | None,
    jobs: int | None,
    keep_going: bool,
    combine: bool,
    shard: str | None,
) -> None:
    """``build --recipients``: hand the options to briefgen.batch and print its report."""
    from briefgen import batch, interrupts
    from briefgen.shard import parse_shard

    quiet = bool(ctx.obj["quiet"])
    batch_options = batch.BatchOptions(
        build=options,
        recipients=recipients,
        name_column=name_column or "id",
        jobs=jobs or batch.default_jobs(),
        keep_going=keep_going,
        combine=combine,
        progress=batch.show_progress(quiet, sys.stderr),
        shard=parse_shard(shard) if shard is not None else None,
    )
    with interrupts.handled():
        result = batch.run_batch(batch_options)
    if not quiet:
        for line in batch.describe(result, options.out_dir):
            click.echo(line)
        for line in result.warnings:
            click.echo(line, err=True)
    batch.raise_failures(result)


@cli.command()
@audience_option("Preview")
@click.option(
    "--dpi",
    type=click.IntRange(DPI_MIN, DPI_MAX),
    default=DEFAULT_DPI,
    show_default=True,
    help="Resolution of the images, in dots per inch.",
)
@BUILD_FACTS_OPTION
@BRIEF_TEMPLATES_OPTION
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for the images  [default: ./output/preview]",
)
@PAGE_SIZE_OPTION
@DATE_OPTION
@click.pass_context
def preview(
    ctx: click.Context,
    audiences: tuple[str, ...],
    dpi: int,
    facts_path: Path | None,
    template_dirs: tuple[Path, ...],
    out_dir: Path | None,
    page_size: PageSizeName | None,
    date: dt.datetime | None,
) -> None:
    """Build the briefs and write each PDF page as a PNG image (audience.png)."""
    from briefgen import interrupts
    from briefgen.preview import preview as run_preview

    collector.imports_done()

    options = _build_options(facts_path, template_dirs, audiences, page_size, date, out_dir=out_dir)
    from briefgen.check import warning_lines, warnings_of

    with interrupts.handled():
        result = run_preview(options, dpi)
    if not ctx.obj["quiet"]:
        for path in result.written:
            click.echo(f"wrote {display_path(path)}")
        # As build tells them: an audience left out, stale facts, typed numbers...
        for line in warning_lines(warnings_of(result)):
            click.echo(line, err=True)


TEMPLATES_OPTION = templates_option("Template folder searched first (repeatable).")


@cli.group()
def templates() -> None:
    """List, show and copy audience templates."""


@templates.command("list")
@TEMPLATES_OPTION
def templates_list(template_dirs: tuple[Path, ...]) -> None:
    """Each audience, where its template resolves from, and what it is for."""
    from briefgen.errors import raise_all
    from briefgen.templating.search import SearchPath

    if not template_dirs:
        _refuse_a_workspace_folder()
    search = SearchPath.build(list(template_dirs), Path("."))
    # The audiences that can be read are listed even when others cannot: the list is
    # where a user looks for the file to mend, each problem told after it.
    found, problems = search.audiences_and_problems()
    for audience in found:
        where = terminal_safe(display_path(audience.path), keep="") if audience.path else "?"
        name = terminal_safe(audience.name, keep="")  # a file name may hold an escape
        click.echo(f"{name:<16} {audience.origin:<12} {where}")
        if audience.description:
            # Never drawn, it may hold any character XML does: a right-to-left override.
            click.echo(f"{'':<16} {terminal_safe(audience.description, keep='')}")
    raise_all(problems)


@templates.command("show")
@TEMPLATES_OPTION
@click.argument("name")
def templates_show(template_dirs: tuple[Path, ...], name: str) -> None:
    """Print the template NAME resolves to (an audience, or a file name)."""
    from briefgen.templating.search import TEMPLATE_SUFFIX, SearchPath, read_template

    if not template_dirs:
        _refuse_a_workspace_folder()
    search = SearchPath.build(list(template_dirs), Path("."))
    file = name if name.endswith(TEMPLATE_SUFFIX) else name + TEMPLATE_SUFFIX
    found = search.find(file)
    if found is None:
        raise search.unknown_audience(name) if file != name else search.not_found(file)
    text = read_template(found[0])  # read first: a file not UTF-8 is one line, not a header
    click.echo(f"# {display_path(found[0])} ({found[1].origin})", err=True)
    click.echo(text, nl=False)


@templates.command("init")
@click.argument("names", nargs=-1)
@click.option(
    "--to",
    "target",
    type=click.Path(path_type=Path),
    default=Path("templates"),
    show_default=True,
    help="Folder to copy the templates into.",
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.pass_context
def templates_init(ctx: click.Context, names: tuple[str, ...], target: Path, force: bool) -> None:
    """Copy built-in templates (all, or the audiences NAMES) into a folder for editing."""
    from briefgen import interrupts
    from briefgen.templating.search import SearchPath
    from briefgen.workspace import copy_templates

    if ctx.get_parameter_source("target") is ParameterSource.DEFAULT:
        _refuse_a_workspace_folder()
    search = SearchPath.build([], Path("."))
    with interrupts.handled():  # SIGTERM or SIGHUP, too, removes the temporaries
        written = copy_templates(search, list(names), target, force)
    if not ctx.obj["quiet"]:
        for path in written:
            click.echo(f"wrote {display_path(path)}")


def _one_duplex(values: tuple[str, ...]) -> str | None:
    """The one ``--duplex`` given: a second would silently replace the first."""
    if len(values) > 1:
        raise click.BadParameter(
            "one FRONT,BACK pair per build; build each handout in a run of its own",
            param_hint="'--duplex'",
        )
    return values[0] if values else None


def _named_folder(ctx: click.Context, param: click.Parameter, value: str) -> Path:
    """The folder named (``.`` for this one): an empty name, as an unset ``$DIR``
    gives, is the working folder to ``Path`` and would scatter a workspace into it."""
    if not value.strip():
        raise click.BadParameter("give the new workspace's folder, such as my-workspace")
    return Path(value)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False), callback=_named_folder)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.pass_context
def init(ctx: click.Context, directory: Path, force: bool) -> None:
    """Create a new workspace in DIRECTORY: settings, sample facts, templates and recipients."""
    from briefgen import interrupts
    from briefgen.workspace import init_workspace

    with interrupts.handled():  # SIGTERM or SIGHUP, too, removes what it began
        written = init_workspace(directory, force)
    if ctx.obj["quiet"]:
        return
    click.echo(f"created a workspace in {display_path(directory)} ({len(written)} files)")
    # Quoted for the shell where it must be: "Mis Documentos/Año 2026" pasted bare
    # would be two words.
    shown = display_path(directory)
    if shown.startswith("-"):  # cd would take it for an option
        shown = f"./{shown}"
    click.echo(f"next: cd {shlex.quote(shown)} && briefgen build")


@cli.command()
@audience_option("Check")
@BUILD_FACTS_OPTION
@BRIEF_TEMPLATES_OPTION
@PAGE_SIZE_OPTION
@DATE_OPTION
@recipients_option(
    "Check every copy build --recipients FILE would make, each audience's copies "
    "together (--audience: for rows that name none, as for build)."
)
@name_column_option(
    "With --recipients: the column that names each copy, as for build  [default: id]"
)
@click.option("--json", "as_json", is_flag=True, help="JSON for scripts: one entry per finding.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@click.pass_context
def check(
    ctx: click.Context,
    audiences: tuple[str, ...],
    facts_path: Path | None,
    template_dirs: tuple[Path, ...],
    page_size: PageSizeName | None,
    date: dt.datetime | None,
    recipients: Path | None,
    name_column: str | None,
    as_json: bool,
    strict: bool,
) -> None:
    """Report what build would decide and what to fix, without writing a file.

    Per audience: fill, room to spare, type size, what was dropped, reading level;
    cited facts older than [facts] max_age_years or true only after the briefs' date,
    numbers typed into a template that no cited fact gives, Spanish forms missing or
    not reviewed, a date after today; sources without a URL; facts no template cites.
    With --recipients, every copy's: per audience the range of fills and the fullest
    copy, and each finding once with the copies it holds for. Exit 1 on errors (or
    warnings with --strict), else 0.
    """
    from briefgen import interrupts
    from briefgen.check import (
        CheckResult,
        as_text,
        error_findings,
        exit_code,
        quiet_lines,
        run_check,
    )
    from briefgen.check import as_json as json_report

    collector.imports_done()

    if _outside_a_workspace(ctx):  # as build says it; check reports, not raises
        if as_json:  # a script reads the answer from stdout, as JSON, whatever it is
            click.echo(
                streams.json_for_stdout(
                    json_report(CheckResult(findings=error_findings(_no_facts_here())))
                )
            )
            ctx.exit(1)
        raise _no_facts_here()
    options = _build_options(facts_path, template_dirs, audiences, page_size, date)
    if recipients is not None and len(options.audiences) > 1:
        raise click.UsageError("--recipients takes at most one --audience")
    if recipients is None and name_column is not None:
        raise click.UsageError("--name-column needs --recipients FILE")
    with interrupts.handled():
        try:
            if recipients is not None:
                from briefgen.batch import show_progress
                from briefgen.check_copies import run_copies_check

                shown = show_progress(ctx.obj["quiet"] or as_json, sys.stderr)
                result = run_copies_check(options, recipients, name_column or "id", shown)
            else:
                result = run_check(options)
        except BriefgenError as problem:
            if not as_json:
                raise
            # An audience that does not exist, raised at once as build raises it.
            result = CheckResult(findings=error_findings(problem))
    if as_json:
        click.echo(streams.json_for_stdout(json_report(result)))
    elif ctx.obj["quiet"]:
        for line in quiet_lines(result, strict):  # what makes the exit code 1
            click.echo(line, err=True)
    else:
        click.echo("\n".join(as_text(result)))
    ctx.exit(exit_code(result, strict))
