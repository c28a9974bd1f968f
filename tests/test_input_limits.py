"""No input file exhausts the machine, and every one that breaks a limit gets one located line.

Facts files, ``briefgen.toml`` and a template's front matter: size, nesting and alias
caps; YAML 1.2 numbers; files that are not regular files (a FIFO, ``/dev/zero``);
Word's 255-character property limit. The hostile corpus (cases 130-144) runs the same
failures through the whole CLI; here they are driven directly, plus what a case file
cannot hold (huge, sparse or special files) and a memory check of the worst bombs.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import resource
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from yaml.scanner import ScannerError

from briefgen.assemble import _fitting_keywords
from briefgen.errors import (
    BriefgenError,
    FactsError,
    ProblemList,
    SettingsError,
    TemplateError,
    raise_all,
)
from briefgen.facts import load_store, yamlfile
from briefgen.facts.loader import MAX_STORE_BYTES
from briefgen.facts.yamlfile import MAX_BYTES, MAX_DEPTH, parse_yaml, read_yaml
from briefgen.model import WORD_PROPERTY_LIMIT
from briefgen.settings import load_settings
from briefgen.templating.search import Folder, SearchPath
from briefgen.tomllines import key_lines

REPO = Path(__file__).resolve().parents[1]
MEMORY_CAP = 1_500_000_000

SOURCES = """\
sources:
  - id: city-report
    type: report
    title: City report
"""


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path`` as the working directory, so messages name files relatively."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def message(exc: BriefgenError) -> str:
    problems = exc.problems if isinstance(exc, ProblemList) else [exc]
    return "\n".join(p.format_message() for p in problems)


def yaml_data(text: str) -> Any:
    return parse_yaml(textwrap.dedent(text), Path("case.yaml"), FactsError, field_depth=3).data


def alias_key_bomb(levels: int = 9) -> str:
    """Nine aliases a level, each level's list a mapping key: no value multiplies."""
    lines = ["facts:", "  - id: case-fact", "    note:", "      ? &a [x, x, x, x, x, x, x, x, x]"]
    previous = "a"
    for name in "bcdefghijklmnop"[: levels - 1]:
        lines += ["      : 1", f"      ? &{name} [{', '.join([f'*{previous}'] * 9)}]"]
        previous = name
    lines += ["      : 1"]
    return "\n".join(lines) + "\n"


def alias_value_bomb() -> str:
    """Billion laughs in values, the last level used as a key."""
    lines = ["facts:", "  - id: case-fact", "    note:", "      a: &a [x, x, x, x, x, x, x, x, x]"]
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"      {name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
        previous = name
    lines += [f"      ? *{previous}", "      : 1"]
    return "\n".join(lines) + "\n"


# --- aliases ----------------------------------------------------------------------


def test_aliases_are_counted_without_being_expanded() -> None:
    with pytest.raises(FactsError, match=r"^case\.yaml:3: note: more than 100,000 values; do ali"):
        yaml_data(alias_value_bomb())


def test_lists_as_keys_stop_at_the_first() -> None:
    with pytest.raises(FactsError, match=r"^case\.yaml:4: YAML: a key must be plain text, not a"):
        yaml_data(alias_key_bomb())


@pytest.mark.parametrize(("aliases", "fits"), [(98, True), (99, False)])
def test_an_alias_counts_as_every_value_it_stands_for(aliases: int, fits: bool) -> None:
    # 1,000 values in a; the rest of the document holds 4.
    text = "a: &a [" + ", ".join(["x"] * 999) + "]\nb: [" + ", ".join(["*a"] * aliases) + "]\n"
    if fits:
        assert len(yaml_data(text)["b"]) == aliases
    else:
        with pytest.raises(FactsError, match=r"^case\.yaml:2: more than 100,000 values; do ali"):
            yaml_data(text)


def test_a_key_must_be_plain_text() -> None:
    with pytest.raises(FactsError, match=r"^case\.yaml:3: YAML: a key must be plain text"):
        yaml_data("""\
            list: &l [a, b]
            map:
              *l : 1
            """)


def test_an_alias_of_a_text_may_be_a_key() -> None:
    assert yaml_data("a: &k id\nb: {*k : 1}\n") == {"a": "id", "b": {"id": 1}}


def test_a_huge_key_is_clipped_in_the_message(in_tmp: Path) -> None:
    key = "k" * 200_000
    (in_tmp / "facts.yaml").write_text(
        SOURCES + f"facts:\n  - id: a-fact\n    ? {key}\n    : 1\n", encoding="utf-8"
    )
    with pytest.raises(BriefgenError) as caught:
        load_store(in_tmp / "facts.yaml")
    lines = message(caught.value).splitlines()
    assert any("kkk\u2026: unknown field" in line for line in lines), lines
    assert max(map(len, lines)) < 400


@pytest.mark.parametrize(
    "text",
    [
        "facts: !!python/name:" + "x" * 100_000 + " 1\n",
        "facts: !" + "x" * 100_000 + " [1]\n",
        "facts: *" + "x" * 100_000 + "\n",
        "a: 1\n? " + "k" * 100_000 + "\n: 2\n? " + "k" * 100_000 + "\n: 3\n",
    ],
)
def test_yaml_messages_are_clipped(text: str) -> None:
    with pytest.raises(FactsError) as caught:
        raise_all(parse_yaml(text, Path("case.yaml"), FactsError).problems)
    assert len(caught.value.format_message()) < 200


def test_a_huge_value_is_clipped_in_the_message(in_tmp: Path) -> None:
    # One long text aliased many times: its repr alone would be gigabytes.
    text = SOURCES + textwrap.dedent(f"""\
        facts:
          - id: a-fact
            kind: statistic
            text: Something rose.
            note: &t {"x" * 100_000}
            unit: percent
            as_of: 2023
            source: city-report
            value: [{", ".join(["*t"] * 20_000)}]
        """)
    (in_tmp / "facts.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(FactsError) as caught:
        load_store(in_tmp / "facts.yaml")
    assert message(caught.value) == (
        "facts.yaml:13: value: expected a plain number such as 86 or 26700, got a list"
    )


def test_a_number_of_more_digits_than_python_reads_is_told_as_too_large(in_tmp: Path) -> None:
    """A whole number of more than 4,300 digits, written without quotes: YAML handed
    on its text, told as "in quotes, so it is text"; tomllib raised a ValueError with
    no line, an internal error."""
    huge = "9" * 5000
    (in_tmp / "facts.yaml").write_text(
        SOURCES
        + textwrap.dedent(f"""\
            facts:
              - id: a-fact
                kind: statistic
                text: Something rose.
                unit: percent
                as_of: 2023
                source: city-report
                value: {huge}
                priority: -{huge}
            """),
        encoding="utf-8",
    )
    with pytest.raises(ProblemList) as caught:
        load_store(in_tmp / "facts.yaml")
    assert message(caught.value) == (
        "facts.yaml:12: value: is too large for a brief (more than 18 digits)\n"
        "facts.yaml:13: priority: must be a whole number such as 3, not one of 5,000 digits"
    )
    (in_tmp / "t.md.j2").write_text(f"---\nreading_level: {huge}\n---\n# T\n")
    with pytest.raises(TemplateError) as refused:
        SearchPath([Folder(in_tmp, "workspace")]).audience("t")
    assert message(refused.value) == (
        "t.md.j2:2: front matter: reading_level: must be a number such as 3, not one of "
        "5,000 digits"
    )
    (in_tmp / "briefgen.toml").write_text(f"[facts]\n\nmax_age_years = 1_{huge}\n")
    with pytest.raises(SettingsError) as settings:
        load_settings(in_tmp)
    assert message(settings.value) == (
        "briefgen.toml:3: TOML: a whole number of more than 4,300 digits; no setting takes "
        "one so large"
    )


# --- size and nesting -------------------------------------------------------------


def test_an_oversized_facts_file_is_refused_unread(in_tmp: Path) -> None:
    # Sparse: 10 GB on paper, nothing on disk; reading it whole would never end.
    with open(in_tmp / "huge.yaml", "wb") as file:
        file.truncate(10**10)
    with pytest.raises(FactsError, match=rf"^huge\.yaml: larger than {MAX_BYTES:,} bytes, the"):
        read_yaml(in_tmp / "huge.yaml")


def test_a_file_at_the_cap_is_read(in_tmp: Path) -> None:
    text = "note: " + "x" * (MAX_BYTES - len("note: ") - 1) + "\n"
    (in_tmp / "full.yaml").write_text(text, encoding="utf-8")
    assert len(read_yaml(in_tmp / "full.yaml").data["note"]) == MAX_BYTES - 7


def test_an_oversized_store_is_refused_by_name(in_tmp: Path) -> None:
    (in_tmp / "store").mkdir()
    for number in range(MAX_STORE_BYTES // MAX_BYTES + 1):
        with open(in_tmp / "store" / f"part{number}.yaml", "wb") as file:
            file.truncate(MAX_BYTES)
    with pytest.raises(FactsError, match=r"^store: [\d,]+ bytes of facts files in all; briefgen"):
        load_store(in_tmp / "store")


def test_a_syntax_error_at_the_end_of_a_large_file_is_quick(in_tmp: Path) -> None:
    # PyYAML's own parser, used for its clearer messages, takes about 10 s a megabyte.
    fact = f"  - id: a-fact\n    kind: finding\n    text: {'Overdoses rose. ' * 15}\n"
    text = "facts:\n" + fact * ((MAX_BYTES - 100) // len(fact)) + "  - id: [unclosed\n"
    (in_tmp / "facts.yaml").write_text(text, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(FactsError, match=r"^facts\.yaml:\d+: YAML: did not find expected ','"):
        read_yaml(in_tmp / "facts.yaml")
    assert time.monotonic() - started < 8


def test_nesting_is_refused_at_the_line_that_goes_too_deep() -> None:
    text = "".join(f"{'  ' * depth}- \n" for depth in range(MAX_DEPTH + 5))
    with pytest.raises(FactsError, match=rf"^case\.yaml:{MAX_DEPTH + 1}: YAML: nested more than"):
        yaml_data(text)


def test_nesting_that_would_crash_libyaml_is_refused() -> None:
    # libyaml's composer overflows the C stack (a segfault) near 100,000 levels.
    with pytest.raises(FactsError, match=r"^case\.yaml:1: YAML: nested more than 50 levels deep$"):
        yaml_data("facts: " + "[" * 300_000 + "]" * 300_000)


class CappedLoader(yaml.SafeLoader):
    """A loader with libyaml's cap of PyYAML 6.0.4: its scanner refuses a 1,000th
    level of brackets, met as it looks ahead along a line for a key."""

    def fetch_flow_collection_start(self, token_class: Any) -> None:
        if self.flow_level >= 1000:
            raise ScannerError(None, None, "exceeded maximum nesting depth", self.get_mark())
        super().fetch_flow_collection_start(token_class)


def test_nesting_libyaml_refuses_first_is_told_as_briefgen_tells_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(yamlfile, "_FAST_LOADER", CappedLoader)
    with pytest.raises(FactsError, match=r"^case\.yaml:2: YAML: nested more than 50 levels deep$"):
        yaml_data("facts:\n  - " + "[" * 1200 + "]" * 1200)


# --- YAML 1.2 numbers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("1:30", "1:30"),  # YAML 1.1: 90 (base 60)
        ("010", 10),  # YAML 1.1: 8
        ("0o10", 8),
        ("0x1F", 31),
        ("1_000", "1_000"),  # YAML 1.1: 1000
        ("yes", "yes"),  # YAML 1.1: true
        ("off", "off"),  # YAML 1.1: false
        ("true", True),
        ("~", None),
        ("-1.5e3", -1500.0),
        ("2023-03-13", dt.date(2023, 3, 13)),
        ("'010'", "010"),
        ("!!str 12", "12"),
    ],
)
def test_scalars_follow_yaml_1_2(written: str, read: Any) -> None:
    value = yaml_data(f"value: {written}\n")["value"]
    assert value == read and type(value) is type(read)


def test_infinity_is_a_float() -> None:
    assert math.isinf(yaml_data("value: -.inf\n")["value"])


def test_base_60_is_refused_as_a_number_at_its_line(in_tmp: Path) -> None:
    (in_tmp / "facts.yaml").write_text(
        SOURCES
        + textwrap.dedent("""\
            facts:
              - id: a-fact
                kind: statistic
                text: Something took an hour and a half.
                value: 1:30
                unit: minutes
                as_of: 2023
                source: city-report
            """),
        encoding="utf-8",
    )
    with pytest.raises(FactsError) as caught:
        load_store(in_tmp / "facts.yaml")
    assert message(caught.value) == (
        "facts.yaml:9: value: expected a plain number such as 86 or 26700, got '1:30'"
    )


# --- files that are not regular files ---------------------------------------------


def test_files_that_are_not_regular_files_are_refused_by_name(tmp_path: Path) -> None:
    """A FIFO (which would block), a device that never ends, and a FIFO in a facts folder
    or as briefgen.toml: each one line, in a subprocess that would otherwise hang."""
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.yaml")
    os.mkfifo(tmp_path / "store" / "pipe.yaml")
    (tmp_path / "workspace").mkdir()
    os.mkfifo(tmp_path / "workspace" / "briefgen.toml")
    script = textwrap.dedent("""\
        from pathlib import Path
        from briefgen.errors import BriefgenError
        from briefgen.facts import load_store
        from briefgen.settings import load_settings
        for load, name in [
            (load_store, "pipe.yaml"),
            (load_store, "store"),
            (load_store, "/dev/zero"),
            (load_settings, "workspace"),
        ]:
            try:
                load(Path(name))
            except BriefgenError as exc:
                print(exc.format_message())
        """)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=15,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.stdout.splitlines() == [
        "pipe.yaml: not a regular file",
        "store/pipe.yaml: not a regular file",
        "/dev/zero: not a regular file",
        "workspace/briefgen.toml: not a regular file",
    ], done.stderr


# --- memory -----------------------------------------------------------------------


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def test_the_worst_bombs_fit_in_the_memory_cap(tmp_path: Path) -> None:
    """Every bomb below once took gigabytes or crashed; each must stop within
    ``MEMORY_CAP`` of address space, as one located line."""
    (tmp_path / "keys.yaml").write_text(alias_key_bomb(12), encoding="utf-8")
    (tmp_path / "values.yaml").write_text(alias_value_bomb(), encoding="utf-8")
    (tmp_path / "deep.yaml").write_text("facts: " + "[" * (MAX_BYTES - 8), encoding="utf-8")
    (tmp_path / "settings").mkdir()
    (tmp_path / "settings" / "briefgen.toml").write_text("a = " + "[" * 63_000, encoding="utf-8")
    (tmp_path / "templates").mkdir()
    front = alias_value_bomb().replace("facts:\n  - id: case-fact\n    ", "")
    (tmp_path / "templates" / "trial.md.j2").write_text(f"---\n{front}---\n# T\n", encoding="utf-8")
    script = textwrap.dedent("""\
        import sys
        from pathlib import Path
        from briefgen.errors import BriefgenError
        from briefgen.facts import load_store
        from briefgen.settings import load_settings
        from briefgen.templating.search import Folder, SearchPath
        jobs = {
            "facts": lambda path: load_store(path),
            "settings": lambda path: load_settings(path),
            "template": lambda path: SearchPath([Folder(path, "workspace")]).audience("trial"),
        }
        for job in sys.argv[1:]:
            kind, name = job.split("=")
            try:
                jobs[kind](Path(name))
            except BriefgenError as exc:
                print(exc.format_message())
        """)
    jobs = ["facts=keys.yaml", "facts=values.yaml", "facts=deep.yaml"]
    jobs += ["settings=settings", "template=templates"]
    done = subprocess.run(
        [sys.executable, "-c", script, *jobs],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_memory,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "keys.yaml:4: YAML: a key must be plain text, not a list or mapping",
        "values.yaml:3: note: more than 100,000 values; do aliases (*name) multiply them?",
        "deep.yaml:1: YAML: nested more than 50 levels deep",
        "settings/briefgen.toml:1: TOML: arrays or tables nested more than 20 levels deep",
        "templates/trial.md.j2:2: front matter: note: more than 100,000 values; do aliases "
        "(*name) multiply them?",
    ]


def test_template_errors_are_not_facts_errors() -> None:
    with pytest.raises(TemplateError, match=r"^t\.md\.j2:3: YAML: nested more than"):
        parse_yaml("[" * 100, Path("t.md.j2"), TemplateError, first_line=3)


# --- briefgen.toml ----------------------------------------------------------------


def settings_error(folder: Path, text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    (folder / "briefgen.toml").write_bytes(data)
    with pytest.raises(BriefgenError) as caught:
        load_settings(folder)
    return message(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('# settings\n\n[organisation]\nname = "x"\n', "3: organisation: unknown section"),
        ('title = "x"\n[build]\n', "1: title: unknown section"),
        ('[build]\n\norganisation.name = "x"\n', "3: build.organisation: unknown key"),
        ('[contact]\nname = "a"\n"e-mail" = "b"\n', "3: contact.e-mail: unknown key"),
        ("# who\ncontact = { name = 'a', nmae = 'b' }\n", "2: contact.nmae: unknown key"),
        ('[[build]]\npage_size = "a4"\n', "1: build: [[build]] makes a list of sections"),
        ('[facts]\nnote = """\n[build]\n"""\n', "2: facts.note: unknown key"),
        ('[build]\nauthor = """\npage_size = 1\n"""\npage_size = 2\n', "5: build.page_size: "),
        (
            '\n\n[build]\npage_size = [\n  "a4",\n]\n',
            "4: build.page_size: must be letter or a4, not a list",
        ),
        ('[organization]\nname = "City\\u0007"\n', "2: organization.name: has an unprintable"),
        ("[contact]\nphone = '\u200f555'\n", "2: contact.phone: has right-to-left text"),
        (f'\n[build]\nauthor = "{"x" * 256}"\n', "3: build.author: 256 characters; Word allows"),
        (f'organization.name = "{"x" * 256}"\n', "1: organization.name: 256 characters; Word"),
        ('[build]\nauthor = "a\nb"\n', "2: TOML: Illegal character"),
        (
            '# look\n[theme]\nprimary = "#1f3a5f"\n\n[theme]\nfont = "carlito"\n',
            "5: TOML: the [theme] section is declared twice (first at line 2); put its keys "
            "under one [theme]",
        ),
        (
            '[build]\npage_size = "a4"\n[build.x]\n[build.x]\n',
            "4: TOML: the [build.x] section is declared twice (first at line 3)",
        ),
        # A key set twice, as a guide's `logo = "logo.png"` pasted under the sample's
        # `logo = ""`: tomllib's "Cannot overwrite a value" named neither key nor line.
        (
            '[build]\npage_size = "a4"\npage_size = "letter"\n',
            "3: TOML: build.page_size is set twice (first at line 2); keep one (briefgen "
            "init's sample sets every key: change its value there)",
        ),
        (
            '[theme]\nlogo = ""\nfont = "carlito"\nlogo = "logo.png"\n',
            "4: TOML: theme.logo is set ",
        ),
        ("[t]\na.b = 1\na.b = 2", "3: TOML: t.a.b is set twice (first at line 2)"),
        # tomllib's "(at end of document)" was blamed on line 1.
        ('[build]\npage_size = "a4"\nauthor = ', "3: TOML: Invalid value"),
        ('[build]\nauthor = """\nPat\n\n', "3: TOML: Unterminated string"),
        (b'[organization]\nname = "Caf\xe9"\n', "2: not valid UTF-8 (byte 0xe9); save the file"),
        ("x = " + "[" * 10_000 + "]" * 10_000, "1: TOML: arrays or tables nested more than 20"),
        ("[build]\nx = [\n" + "{a = [\n" * 30, "12: TOML: arrays or tables nested more than 20"),
        # Each part of a dotted key is a table in the one before: 3,000 of them were an
        # internal error (RecursionError); 30,000 took 9 GB on the way to it.
        ("[x]\n" + "a." * 3_000 + "a = 1\n", "2: TOML: arrays or tables nested more than 20"),
        ("[" + ".".join("a" * 21) + "]\n", "1: TOML: arrays or tables nested more than 20"),
        ("[" + ".".join("a" * 20) + "]\nb = {c = 1}\n", "2: TOML: arrays or tables nested more"),
    ],
)
def test_every_settings_error_is_blamed_on_its_line(
    in_tmp: Path, text: str | bytes, expected: str
) -> None:
    found = settings_error(in_tmp, text)
    assert found.startswith(f"briefgen.toml:{expected}"), found
    assert "\n" not in found


def test_settings_in_plain_text_load(in_tmp: Path) -> None:
    (in_tmp / "briefgen.toml").write_text(
        '[organization]\nname = "Café task force \u2014 border"\n[build]\nauthor = "'
        + "x" * 255
        + '"\n',
        encoding="utf-8",
    )
    settings = load_settings(in_tmp)
    assert settings.organization.name == "Café task force \u2014 border"


def test_settings_saved_as_utf16_load(in_tmp: Path) -> None:
    """Windows Notepad's "Unicode": UTF-16 behind a byte-order mark, as facts too."""
    text = '[organization]\nname = "Café task force"\n'
    (in_tmp / "briefgen.toml").write_text(text, encoding="utf-16")
    assert load_settings(in_tmp).organization.name == "Café task force"


def test_an_oversized_settings_file_is_refused_unread(in_tmp: Path) -> None:
    with open(in_tmp / "briefgen.toml", "wb") as file:
        file.truncate(10**10)
    with pytest.raises(SettingsError, match=r"^briefgen\.toml: larger than 64,000 bytes, the mos"):
        load_settings(in_tmp)


def test_a_settings_folder_is_refused_by_name(in_tmp: Path) -> None:
    (in_tmp / "briefgen.toml").mkdir()
    with pytest.raises(SettingsError, match=r"^briefgen\.toml: not a regular file$"):
        load_settings(in_tmp)


def test_key_lines_follow_toml_not_its_look_alikes() -> None:
    text = textwrap.dedent("""\
        top = "it's"  # a comment with [brackets] and key = value
        [a]
        s = \"\"\"
        [b]
        fake = 1
        \"\"\"
        "quoted.key" = { x = [1, {y = 2}], z = "}" }
        [[c]]
        n = 1
        [[c]]
        n = [
          2,  # two
          3,
        ]
        """)
    lines = key_lines(text, 20)
    assert lines[("top",)] == 1
    assert lines[("a", "s")] == 3
    assert ("b",) not in lines and ("a", "fake") not in lines
    assert lines[("a", "quoted.key", "x", 1, "y")] == 7
    assert lines[("a", "quoted.key", "z")] == 7
    assert lines[("c", 1, "n")] == 11
    assert lines[("c", 1, "n", 1)] == 13


# --- front matter -----------------------------------------------------------------


def front_matter_error(folder: Path, header: str, extends: str | None = None) -> str:
    templates = folder / "templates"
    templates.mkdir(exist_ok=True)
    body = f'{{% extends "{extends}" %}}\n' if extends else "# Trial\n"
    (templates / "trial.md.j2").write_text(f"---\n{header}---\n{body}", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        SearchPath([Folder(templates, "workspace")]).audience("trial")
    return message(caught.value)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "name: Trial\nreading_level: 1:30\n",
            "3: front matter: reading_level: must be a number, written without quotes (such as"
            " 3), not '1:30'",
        ),
        # true was taken for grade 1 and "8" for 8, unsaid.
        ("reading_level: true\n", "2: front matter: reading_level: must be a number, written"),
        ('reading_ease: "60"\n', "2: front matter: reading_ease: must be a number, written"),
        ("reading_level: .nan\n", "2: front matter: reading_level: must be a number, not nan"),
        (
            "reading_ease: -.inf\n",
            "2: front matter: reading_ease: must be a finite number, not -inf",
        ),
        ("name: Trial\nname: Again\n", "3: front matter: name: duplicate key (first given on "),
        (
            "name: &a [x, x]\ndescription: [*a, *a]\n" * 1,
            "2: front matter: name: expected text, got a list",
        ),
        ("description: " + "[" * 1000 + "]" * 1000 + "\n", "2: front matter: YAML: nested more"),
        ("a:\n" + "".join(f"{'  ' * d}  -\n" for d in range(60)), "52: front matter: YAML: nested"),
        ("name: Trial\ndescription: " + "x" * 256 + "\n", "3: front matter: description: 256 "),
        ("name: " + "x" * 239 + "\n", "2: front matter: name: 239 characters; at most 238 here"),
        ("language: en" + "-abcdefgh" * 5 + "\n", "2: front matter: language: 47 characters"),
        ("? [a]\n: 1\n", "2: front matter: YAML: a key must be plain text"),
        # A key indented off its neighbours: where to move it, not PyYAML's own words.
        (
            "name: County commissioners\n description: For boards.\n",
            "3: front matter: YAML: 'description' is indented 1 space; start it at the line's"
            " start, as 'name' is on line 2 (or, if this line goes on with the text of line 2,"
            " put that text in quotes), column 2",
        ),
        ("note: " + "x" * 70_000 + "\n", "1: front matter: longer than 64,000 characters"),
    ],
)
def test_front_matter_errors_stop_at_their_line(in_tmp: Path, header: str, expected: str) -> None:
    found = front_matter_error(in_tmp, header)
    assert found.startswith(f"templates/trial.md.j2:{expected}"), found


def test_an_inherited_front_matter_key_is_blamed_where_it_was_written(in_tmp: Path) -> None:
    templates = in_tmp / "templates"
    templates.mkdir()
    (templates / "base.md.j2").write_text("---\n\npage_size: b5\n---\n# Base\n", encoding="utf-8")
    found = front_matter_error(in_tmp, "name: Trial\n", extends="base.md.j2")
    assert found.startswith("templates/base.md.j2:3: front matter: page_size: must be letter or a4")


def test_front_matter_reads_yaml_1_2(in_tmp: Path) -> None:
    templates = in_tmp / "templates"
    templates.mkdir()
    (templates / "trial.md.j2").write_text(
        "---\nname: 1:30\nreading_level: 010\n---\n# Trial\n", encoding="utf-8"
    )
    audience = SearchPath([Folder(templates, "workspace")]).audience("trial")
    assert (audience.display_name, audience.reading_level) == ("1:30", 10)


# --- Word's document properties ---------------------------------------------------


def test_keywords_keep_the_topics_that_fit() -> None:
    topics = [f"topic-{n:03}" for n in range(100)]  # 9 characters and ", " each
    kept = _fitting_keywords(topics)
    assert len(", ".join(kept)) <= WORD_PROPERTY_LIMIT < len(", ".join(topics[: len(kept) + 1]))
    assert kept == tuple(topics[: len(kept)])
