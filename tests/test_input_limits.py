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
from pathlib import Path
from typing import Any

import pytest

from briefgen.errors import BriefgenError, FactsError, ProblemList, TemplateError
from briefgen.facts import load_store
from briefgen.facts.loader import MAX_STORE_BYTES
from briefgen.facts.yamlfile import MAX_BYTES, MAX_DEPTH, parse_yaml, read_yaml

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
    return parse_yaml(textwrap.dedent(text), Path("case.yaml"), FactsError).data


def alias_key_bomb(levels: int = 9) -> str:
    """Nine aliases a level, each level's list used as a mapping key at the end."""
    lines = ["facts:", "  - id: case-fact", "    note:", "      a: &a [x, x, x, x, x, x, x, x, x]"]
    previous = "a"
    for name in "bcdefghijklmnop"[: levels - 1]:
        lines.append(f"      {name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
        previous = name
    lines += [f"      ? *{previous}", "      : 1"]
    return "\n".join(lines) + "\n"


# --- aliases ----------------------------------------------------------------------


def test_aliases_used_as_keys_are_counted() -> None:
    with pytest.raises(FactsError, match=r"^case\.yaml:3: note: more than 100,000 values; do ali"):
        yaml_data(alias_key_bomb())


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


def test_nesting_is_refused_at_the_line_that_goes_too_deep() -> None:
    text = "".join(f"{'  ' * depth}- \n" for depth in range(MAX_DEPTH + 5))
    with pytest.raises(FactsError, match=rf"^case\.yaml:{MAX_DEPTH + 1}: YAML: nested more than"):
        yaml_data(text)


def test_nesting_that_would_crash_libyaml_is_refused() -> None:
    # libyaml's composer overflows the C stack (a segfault) near 100,000 levels.
    with pytest.raises(FactsError, match=r"^case\.yaml:1: YAML: nested more than 50 levels deep$"):
        yaml_data("facts: " + "[" * 300_000 + "]" * 300_000)


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


def _run(args: list[str], cwd: Path, timeout: float = 15) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    ("facts", "shown"),
    [("pipe.yaml", "pipe.yaml"), ("store", "store/pipe.yaml"), ("/dev/zero", "/dev/zero")],
)
def test_facts_that_are_not_regular_files_are_refused_by_name(
    tmp_path: Path, facts: str, shown: str
) -> None:
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.yaml")
    os.mkfifo(tmp_path / "store" / "pipe.yaml")
    done = _run(["facts", "check", "--facts", facts], tmp_path)
    assert (done.returncode, done.stdout + done.stderr) == (1, f"{shown}: not a regular file\n")


# --- memory -----------------------------------------------------------------------


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def test_the_worst_bombs_fit_in_the_memory_cap(tmp_path: Path) -> None:
    """Every bomb below once took gigabytes (or crashed); each must stop within
    ``MEMORY_CAP`` of address space, as one located line."""
    (tmp_path / "keys.yaml").write_text(alias_key_bomb(12), encoding="utf-8")
    (tmp_path / "deep.yaml").write_text("facts: " + "[" * 500_000, encoding="utf-8")
    script = textwrap.dedent("""\
        import sys
        from pathlib import Path
        from briefgen.errors import BriefgenError
        from briefgen.facts import load_store
        for name in sys.argv[1:]:
            try:
                load_store(Path(name))
            except BriefgenError as exc:
                print(exc.format_message())
        """)
    done = subprocess.run(
        [sys.executable, "-c", script, "keys.yaml", "deep.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_memory,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "keys.yaml:3: note: more than 100,000 values; do aliases (*name) multiply them?",
        "deep.yaml:1: YAML: nested more than 50 levels deep",
    ]


def test_template_errors_are_not_facts_errors() -> None:
    with pytest.raises(TemplateError, match=r"^t\.md\.j2:3: YAML: nested more than"):
        parse_yaml("[" * 100, Path("t.md.j2"), TemplateError, first_line=3)
