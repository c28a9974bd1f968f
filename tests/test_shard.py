"""`briefgen build --recipients FILE --shard I/N`: N shards are disjoint and together
make exactly what one unsharded build makes; a row's shard depends on its own output
path only; every row is still checked; bad values are one line, exit 1. The recipients
are fictional and the template uses no facts (PDF only), to keep the tests fast."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from letters import letter_workspace
from pypdf import PdfReader

from briefgen.cli import cli
from briefgen.recipients import Recipient, RecipientList, load_recipients
from briefgen.shard import MAX_SHARDS, Shard, parse_shard, shard_of

REPO = Path(__file__).resolve().parents[1]

LETTER = """\
---
description: A fictional letter for the shard tests
---
# For {{ recipient.name }}

District {{ recipient.district }}.
"""

# Chosen so that each of three shards gets two rows (shard_of below pins the split).
RECIPIENTS = """\
id,audience,name,district
ex-1,letter,Alex Example,1
ex-2,letter,Sam Sample,2
ex-11,letter,Kim Test,3
ex-6,letter,Lee Placeholder,4
ex-15,letter,Robin Example,5
ex-3,letter,Jo Sample,6
"""


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return letter_workspace(tmp_path, monkeypatch, LETTER, RECIPIENTS)


def build(*args: str) -> Result:
    common = ["build", "--facts", str(REPO / "facts"), "--date", "2026-01-15"]
    common += ["--recipients", "recipients.csv", "--format", "pdf", "--jobs", "1"]
    return CliRunner().invoke(cli, [*common, *args])


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_shards_are_disjoint_and_their_union_is_the_whole_build(workspace: Path) -> None:
    whole = build("--combine", "--out", "whole")
    assert whole.exit_code == 0, whole.output
    expected = folder_bytes(workspace / "whole")
    whole_manifest = expected.pop("manifest.csv").decode().splitlines()
    del expected["combined.pdf"]
    assert len(expected) == 6
    union: dict[str, bytes] = {}
    manifest_lines: list[str] = []
    for index in (1, 2, 3):
        result = build("--shard", f"{index}/3", "--combine", "--out", f"shard{index}")
        assert result.exit_code == 0, result.output
        files = folder_bytes(workspace / f"shard{index}")
        # Each share's own combined files, named by the share: copied together with
        # the others' (docs/batch.md), none is written over another's.
        assert not set(files) & set(union), f"shard {index}/3 repeats a file"
        union |= files
        manifest_lines += files.pop(f"manifest-{index}-of-3.csv").decode().splitlines()[1:]
        pages = len(PdfReader(io.BytesIO(files.pop(f"combined-{index}-of-3.pdf"))).pages)
        assert len(files) == pages == 2, f"shard {index}/3: {sorted(files)}"
    for index in (1, 2, 3):
        del union[f"manifest-{index}-of-3.csv"], union[f"combined-{index}-of-3.pdf"]
    assert union == expected
    # The shares' manifests, sorted by row, are the whole batch's.
    by_row = sorted(manifest_lines, key=lambda line: int(line.split(",")[0]))
    assert [whole_manifest[0], *by_row] == whole_manifest


def test_combine_holds_the_shards_rows_with_their_row_numbers(workspace: Path) -> None:
    result = build("--shard", "2/3", "--combine", "--out", "two")
    assert result.exit_code == 0, result.output
    manifest = (workspace / "two" / "manifest-2-of-3.csv").read_text(encoding="utf-8")
    rows = [(r["row"], r["file"]) for r in csv.DictReader(io.StringIO(manifest))]
    # ex-11 and ex-15 are the file's third and fifth rows.
    assert rows == [("3", "letter/ex-11.pdf"), ("5", "letter/ex-15.pdf")]
    assert len(PdfReader(workspace / "two" / "combined-2-of-3.pdf").pages) == 2


def test_an_empty_share_writes_its_folder_and_its_manifest_header(workspace: Path) -> None:
    # Six rows in 7 shares: at least one share is empty. Copying the shares' folders
    # together (docs/batch.md) needs every folder there.
    empty = 0
    for index in range(1, 8):
        plain = build("--shard", f"{index}/7", "--out", f"s{index}")
        combined = build("--shard", f"{index}/7", "--combine", "--out", f"c{index}")
        assert plain.exit_code == combined.exit_code == 0, plain.output + combined.output
        if "0 copies" not in plain.output:
            continue
        empty += 1
        assert (workspace / f"s{index}").is_dir()
        assert not list((workspace / f"s{index}").iterdir())
        assert folder_bytes(workspace / f"c{index}") == {
            f"manifest-{index}-of-7.csv": b"row,file,pages,fill,sha256\n"
        }
    assert empty, "pick a split with an empty share"


def test_the_batch_never_writes_over_its_recipients_file(workspace: Path) -> None:
    (workspace / "shop" / "letter").mkdir(parents=True)
    for name in ("manifest.csv", "letter/ex-1.pdf"):
        (workspace / "shop" / name).write_text(RECIPIENTS, encoding="utf-8")
        args = ["build", "--facts", str(REPO / "facts"), "--recipients", f"shop/{name}"]
        args += ["--format", "pdf", "--jobs", "1", "--out", "shop", "--combine"]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1, result.output
        what = "--combine's manifest" if name == "manifest.csv" else "the copy of line 2"
        assert result.output == (
            f"shop/{name}: {what} would be written over this recipients file; keep "
            "it out of the output folder or choose another --out\n"
        )
        assert (workspace / "shop" / name).read_text(encoding="utf-8") == RECIPIENTS
    assert sorted(p.name for p in (workspace / "shop").rglob("*")) == [
        "ex-1.pdf",
        "letter",
        "manifest.csv",
    ]


def test_a_rows_shard_does_not_change_when_rows_are_added(tmp_path: Path) -> None:
    path = tmp_path / "recipients.csv"
    path.write_text(RECIPIENTS, encoding="utf-8")
    before = {r.slug: shard_of(f"letter/{r.slug}", 3) for r in _load(path)}
    lines = RECIPIENTS.splitlines()
    added = [f"new-{n},letter,New Example,{n}" for n in range(20)]
    # New rows first, between and last: every old row's position changes.
    path.write_text("\n".join([lines[0], *added[:10], *lines[1:4], *added[10:], *lines[4:]]))
    for index in (1, 2, 3):
        shard = Shard(index, 3)
        mine = {r.slug for r in shard.select(_recipients(path)).recipients}
        assert {slug for slug, s in before.items() if s == index} <= mine


def test_the_split_is_pinned(tmp_path: Path) -> None:
    """Machines running different versions must agree on every row's shard."""
    assert [shard_of(f"letter/ex-{n}", 3) for n in (1, 2, 11)] == [3, 1, 2]
    assert shard_of("legislators/example-office-1", MAX_SHARDS) == 7516
    assert shard_of("chiefs/example-department-1", MAX_SHARDS) == 3662
    # Rows of different audiences may share a slug; their files, and shards, differ.
    path = tmp_path / "r.csv"
    path.write_text("id,audience\nsame,letter\nsame,memo\n", encoding="utf-8")
    keys = [f"{r.folder}/{r.slug}" for r in _load(path)]
    assert keys == ["letter/same", "memo/same"]


def _recipients(path: Path) -> RecipientList:
    return load_recipients(path, str, audience="letter")


def _load(path: Path) -> tuple[Recipient, ...]:
    return _recipients(path).recipients


def test_every_row_is_checked_in_every_shard(workspace: Path) -> None:
    bad = RECIPIENTS + "ex-1,letter,Twice Example,7\n,letter,No Name,8\n"
    (workspace / "recipients.csv").write_text(bad, encoding="utf-8")
    errors = set()
    for index in (1, 2, 3):
        result = build("--shard", f"{index}/3", "--out", "out")
        assert result.exit_code == 1
        errors.add(result.stderr)
    assert len(errors) == 1
    (error,) = errors
    assert "recipients.csv:8: id: 'ex-1' again (line 2)" in error
    assert "recipients.csv:9: id: empty" in error
    assert not (workspace / "out").exists()


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("0/3", "I must be 1 to N (3), not 0"),
        ("4/3", "I must be 1 to N (3), not 4"),
        ("1/0", "N must be 1 to 10,000, not 0"),
        ("1/10001", "N must be 1 to 10,000, not 10001"),
        ("1/" + "9" * 5000, "N must be 1 to 10,000, not a number of 5,000 digits"),
        ("-1/3", "is not I/N"),
        ("1.5/3", "is not I/N"),
        ("2", "is not I/N"),
        ("1/2/3", "is not I/N"),
        ("a/b", "is not I/N"),
        ("\uff11/2", "is not I/N"),  # a full-width digit
        ("", "is not I/N"),
    ],
)
def test_bad_shard_values_are_one_line(workspace: Path, value: str, why: str) -> None:
    result = build("--shard", value, "--out", "out")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("--shard: ") and why in lines[0], lines[0]
    assert "Traceback" not in result.output
    assert not (workspace / "out").exists()


def test_good_shard_values_at_the_limits() -> None:
    assert parse_shard("1/1") == Shard(1, 1)
    assert parse_shard(" 10000/10000 ") == Shard(MAX_SHARDS, MAX_SHARDS)
    assert str(parse_shard("2/5")) == "2/5"


def test_shard_needs_recipients(workspace: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--shard", "1/2"])
    assert result.exit_code == 2
    assert "--shard needs --recipients FILE" in result.output
