"""`briefgen build --recipients`: one copy per row, the same bytes whatever --jobs,
--combine and its manifest, --keep-going, and the template's view of a recipient.
The recipients here are fictional; the template uses no facts, to keep the tests fast."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import errno
import faulthandler
import hashlib
import io
import multiprocessing
import multiprocessing.context
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from letters import letter_workspace
from office import docx_page_count, requires_libreoffice
from pypdf import PdfReader
from readback import docx_text, pdf_text
from samefolder import one_folder
from tagged import check_tagged

from briefgen import batch, output
from briefgen.cli import cli
from briefgen.errors import OutputError
from briefgen.recipients import Recipient, RecipientList

REPO = Path(__file__).resolve().parents[1]

LETTER = """\
---
description: A fictional letter for the batch tests
---
# For {{ recipient.name }}

{% if recipient.title %}
To {{ recipient.title }} {{ recipient.name }}, {{ recipient.office }}.
{% endif %}

District {{ recipient.district }}.
{% if recipient.id == "ex-broken" %}{{ fact("no-such-fact") }}{% endif %}
"""

RECIPIENTS = """\
id,audience,name,title,office,district
ex-1,letter,Alex Example,Director,Example Office 1,7
ex-2,letter,Sam Sample,,Example Office 2,8
ex-3,letter,Kim Test,Chief,Example Office 3,9
"""


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return letter_workspace(tmp_path, monkeypatch, LETTER, RECIPIENTS)


def build(*args: str) -> Result:
    common = ["build", "--facts", str(REPO / "facts"), "--date", "2026-01-15"]
    return CliRunner().invoke(cli, [*common, *args])


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_jobs_1_and_2_are_byte_identical_and_combine(workspace: Path) -> None:
    one = build("--recipients", "recipients.csv", "--jobs", "1", "--combine", "--out", "one")
    two = build("--recipients", "recipients.csv", "--jobs", "2", "--combine", "--out", "two")
    assert one.exit_code == 0, one.output
    assert two.exit_code == 0, two.output
    files = folder_bytes(workspace / "one")
    assert sorted(files) == [
        "combined.pdf",
        "letter/ex-1.docx",
        "letter/ex-1.pdf",
        "letter/ex-2.docx",
        "letter/ex-2.pdf",
        "letter/ex-3.docx",
        "letter/ex-3.pdf",
        "manifest.csv",
    ]
    assert files == folder_bytes(workspace / "two")
    assert one.stdout.splitlines()[-1] == "3 copies (6 files) in one"
    assert one.stderr == ""  # no progress bar when stderr is not a terminal
    # Each copy names its recipient; the title line only where a title is given.
    text = " ".join(pdf_text(workspace / "one/letter/ex-1.pdf").split())
    assert "For Alex Example" in text and "To Director Alex Example, Example Office 1." in text
    assert "District 7." in text
    assert "To " not in " ".join(docx_text(workspace / "one/letter/ex-2.docx").split())
    # combined.pdf: one page per copy, in row order.
    combined = PdfReader(workspace / "one/combined.pdf")
    assert len(combined.pages) == 3
    names = [page.extract_text() for page in combined.pages]
    assert ["Alex" in names[0], "Sam" in names[1], "Kim" in names[2]] == [True] * 3
    # manifest.csv: row, file, pages, fill, sha256 of every file written.
    with open(workspace / "one/manifest.csv", encoding="utf-8", newline="") as table:
        rows = list(csv.DictReader(table))
    assert [(r["row"], r["file"]) for r in rows] == [
        (str(n), f"letter/ex-{n}.{fmt}") for n in (1, 2, 3) for fmt in ("pdf", "docx")
    ]
    for row in rows:
        data = files[row["file"]]
        assert row["sha256"] == hashlib.sha256(data).hexdigest()
        assert row["pages"] == "1"
        assert 0 < float(row["fill"]) < 1
        if row["file"].endswith(".pdf"):
            assert len(PdfReader(workspace / "one" / row["file"]).pages) == 1


def test_each_copy_is_tagged_as_a_brief_is(workspace: Path) -> None:
    """A recipient's copy, made by a worker that reuses laid-out paragraphs and their
    drawn operators from copy to copy, passes every check a single brief's tagging
    does (tagged.check_tagged), its text the DOCX copy's; its links print."""
    (workspace / "briefgen.toml").write_text('[contact]\nwebsite = "example.org"\n')
    result = build("--recipients", "recipients.csv", "--jobs", "1")
    assert result.exit_code == 0, result.output
    for number in (1, 3):
        copy = workspace / "output" / "letter" / f"ex-{number}.pdf"
        check_tagged(copy.read_bytes(), copy.with_suffix(".docx"))


def test_the_combined_pdf_is_for_print_not_tagged_and_claims_no_tags(workspace: Path) -> None:
    # As docs/batch.md says: post each copy's own PDF. Its links (the footer's website)
    # once kept pointers into tag trees the joined file does not have.
    (workspace / "briefgen.toml").write_text('[contact]\nwebsite = "example.org"\n')
    result = build("--recipients", "recipients.csv", "--format", "pdf", "--combine")
    assert result.exit_code == 0, result.output
    combined = PdfReader(workspace / "output" / "combined.pdf")
    assert "/StructTreeRoot" not in combined.trailer["/Root"]
    links = [a.get_object() for page in combined.pages for a in page.get("/Annots", [])]
    assert len(links) == 3  # a footer link on each page
    assert not any("/StructParent" in link for link in links)
    assert not any("/StructParents" in page for page in combined.pages)
    copy = PdfReader(workspace / "output" / "letter" / "ex-1.pdf")
    assert "/StructTreeRoot" in copy.trailer["/Root"]  # each copy is tagged


def test_an_audience_given_as_a_path_writes_into_the_folder_of_its_file_s_name(
    workspace: Path,
) -> None:
    """docs/batch.md: `<audience>` is the audience's name, its file name for an
    audience given as a path (`sub/note` writes `note/`, `builtin/public` `public/`)."""
    sub = workspace / "templates" / "sub"
    sub.mkdir()
    (sub / "note.md.j2").write_text(LETTER, encoding="utf-8")
    rows = "id,audience,name,district\nex-1,sub/note,Alex Example,7\nex-2,builtin/public,Sam,\n"
    (workspace / "paths.csv").write_text(rows, encoding="utf-8")
    result = build("--recipients", "paths.csv", "--format", "pdf", "--combine", "--jobs", "1")
    assert result.exit_code == 0, result.output
    files = sorted(folder_bytes(workspace / "output"))
    assert files == ["combined.pdf", "manifest.csv", "note/ex-1.pdf", "public/ex-2.pdf"]
    with open(workspace / "output/manifest.csv", encoding="utf-8", newline="") as table:
        assert [r["file"] for r in csv.DictReader(table)] == ["note/ex-1.pdf", "public/ex-2.pdf"]
    assert "For Alex Example" in pdf_text(workspace / "output/note/ex-1.pdf")


def test_combine_with_docx_alone_writes_the_manifest_and_no_combined_pdf(
    workspace: Path,
) -> None:
    from briefgen.pipeline import BuildOptions

    build_options = BuildOptions(
        workspace=workspace, facts=REPO / "facts", formats=("docx",), out=workspace / "out"
    )
    options = batch.BatchOptions(build_options, workspace / "recipients.csv", combine=True)
    result = batch.run_batch(options)
    files = sorted(str(p.relative_to(workspace / "out")) for p in result.written)
    assert files == sorted(folder_bytes(workspace / "out"))  # what it says it wrote, no more
    assert files == ["letter/ex-1.docx", "letter/ex-2.docx", "letter/ex-3.docx", "manifest.csv"]


def test_an_earlier_combined_pdf_goes_when_the_batch_makes_none(workspace: Path) -> None:
    """It stood beside a manifest that lists no PDF, out of date, ready to print."""
    assert build("--recipients", "recipients.csv", "--combine").exit_code == 0
    assert (workspace / "output/combined.pdf").exists()
    result = build("--recipients", "recipients.csv", "--combine", "--format", "docx")
    assert result.exit_code == 0, result.output
    assert not (workspace / "output/combined.pdf").exists()
    assert "pdf" not in (workspace / "output/manifest.csv").read_text(encoding="utf-8")
    assert result.stdout.splitlines()[-2:] == [
        f"removed {Path('output/combined.pdf')}, an earlier batch's: this batch made no PDF "
        "to combine",
        # The copies it did not make are told too, not removed.
        f"{Path('output/letter')}: 3 files not of this batch, an earlier one's, left as they "
        "were (first ex-1.pdf)",
    ]
    assert (workspace / "output/letter/ex-1.pdf").exists()


def test_a_combined_pdf_of_two_page_sizes_is_warned_of(workspace: Path) -> None:
    """A template's page_size put A4 pages among Letter ones in combined.pdf, which
    pdfinfo calls Letter (its first page's): nothing said so before the print run."""
    a4 = LETTER.replace("---\n#", "page_size: a4\n---\n#", 1)
    (workspace / "templates" / "memo.md.j2").write_text(a4, encoding="utf-8")
    (workspace / "recipients.csv").write_text(RECIPIENTS.replace("ex-2,letter", "ex-2,memo"))
    args = ("--recipients", "recipients.csv", "--format", "pdf", "--combine")
    result = build(*args)
    assert result.exit_code == 0, result.output
    sizes = [
        round(float(page.mediabox.width))
        for page in PdfReader(workspace / "output/combined.pdf").pages
    ]
    assert sizes == [612, 595, 612]
    assert result.stderr.splitlines()[-1] == (
        f"{Path('output/combined.pdf')}: warning: pages of 2 sizes: 2 pages Letter (first "
        "letter/ex-1.pdf), 1 page A4 (first memo/ex-2.pdf); one print run on one paper "
        "stock would scale or cut some (--page-size gives every copy one size)"
    )
    one_size = build(*args, "--page-size", "a4")
    assert one_size.exit_code == 0, one_size.output
    assert "sizes" not in one_size.stderr


def test_unknown_column_in_template_says_did_you_mean(workspace: Path) -> None:
    template = workspace / "templates" / "letter.md.j2"
    template.write_text(LETTER.replace("recipient.district", "recipient.distrct"), "utf-8")
    result = build("--recipients", "recipients.csv", "--format", "pdf", "--jobs", "1")
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first == (
        "recipients.csv:2: ex-1: templates/letter.md.j2:10: the recipient has no 'distrct' "
        "(did you mean 'district'? it has audience, district, id, name, office, place, title)"
    )
    assert not (workspace / "output").exists()


def test_failed_copy_writes_nothing_unless_keep_going(workspace: Path) -> None:
    recipients = workspace / "recipients.csv"
    recipients.write_text(RECIPIENTS.replace("ex-2,", "ex-broken,"), encoding="utf-8")
    args = ("--recipients", "recipients.csv", "--format", "pdf", "--jobs", "2")
    stopped = build(*args)
    assert stopped.exit_code == 1
    assert stopped.stderr.startswith("recipients.csv:3: ex-broken: templates/letter.md.j2:11: ")
    assert "unknown fact 'no-such-fact'" in stopped.stderr
    assert not (workspace / "output").exists()
    kept = build(*args, "--keep-going", "--combine")
    assert kept.exit_code == 1
    assert kept.stderr.startswith("recipients.csv:3: ex-broken: ")
    assert kept.stdout.splitlines()[-1] == "2 copies (2 files) in output, 1 failed"
    assert sorted(folder_bytes(workspace / "output")) == [
        "combined.pdf",
        "letter/ex-1.pdf",
        "letter/ex-3.pdf",
        "manifest.csv",
    ]
    assert len(PdfReader(workspace / "output/combined.pdf").pages) == 2


def test_keep_going_removes_the_earlier_copy_of_a_row_that_fails(workspace: Path) -> None:
    """A failed row's files from an earlier batch would stand beside the new copies,
    out of date and out of the manifest: --keep-going removes them; without it the
    folder is left as it was."""
    args = ("--recipients", "recipients.csv", "--format", "pdf", "--format", "docx")
    assert build(*args).exit_code == 0
    before = folder_bytes(workspace / "output")
    assert "letter/ex-2.pdf" in before
    template = workspace / "templates" / "letter.md.j2"
    template.write_text(LETTER.replace('recipient.id == "ex-broken"', "recipient.district == '8'"))
    stopped = build(*args)
    assert stopped.exit_code == 1
    assert folder_bytes(workspace / "output") == before
    kept = build(*args, "--keep-going")
    assert kept.exit_code == 1
    assert kept.stdout.splitlines()[-2:] == [
        "2 copies (4 files) in output, 1 failed",
        "removed 2 files an earlier batch made for the rows that failed, out of date now: "
        "output/letter/ex-2.pdf and 1 more",
    ]
    after = folder_bytes(workspace / "output")
    assert sorted(after) == [
        "letter/ex-1.docx",
        "letter/ex-1.pdf",
        "letter/ex-3.docx",
        "letter/ex-3.pdf",
    ]


def test_keep_going_with_every_row_failed_leaves_no_earlier_combined_pdf(workspace: Path) -> None:
    """The earlier batch's combined.pdf and manifest stood, listing the copies this
    batch had just removed as out of date, ready to print."""
    args = ("--recipients", "recipients.csv", "--format", "pdf", "--combine")
    assert build(*args).exit_code == 0
    assert len(PdfReader(workspace / "output/combined.pdf").pages) == 3
    template = workspace / "templates" / "letter.md.j2"
    template.write_text(LETTER.replace('{% if recipient.id == "ex-broken" %}', "{% if true %}"))
    kept = build(*args, "--keep-going")
    assert kept.exit_code == 1
    assert kept.stdout.splitlines()[0] == "0 copies (0 files) in output, 3 failed"
    assert sorted(folder_bytes(workspace / "output")) == ["manifest.csv"]
    manifest = (workspace / "output/manifest.csv").read_text(encoding="utf-8")
    assert manifest == "row,file,pages,fill,sha256\n"


def test_an_earlier_manifest_goes_when_the_batch_replaces_what_it_lists(workspace: Path) -> None:
    """A batch without --combine, or a share's beside the whole batch's, replaced the
    copies and left the earlier combined.pdf and manifest.csv standing: the manifest's
    SHA-256 no longer the files', the PDF ready to print of another date."""
    args = ("--recipients", "recipients.csv", "--format", "pdf")
    assert build(*args, "--combine").exit_code == 0
    same = build(*args)  # the same bytes again: the manifest still holds
    assert same.exit_code == 0, same.output
    assert (workspace / "output/manifest.csv").exists()
    assert (workspace / "output/combined.pdf").exists()
    later = CliRunner().invoke(
        cli, ["build", "--facts", str(REPO / "facts"), "--date", "2026-02-15", *args]
    )
    assert later.exit_code == 0, later.output
    assert sorted(folder_bytes(workspace / "output")) == [
        "letter/ex-1.pdf",
        "letter/ex-2.pdf",
        "letter/ex-3.pdf",
    ]
    assert later.stdout.splitlines()[-1] == (
        f"removed {Path('output/manifest.csv')} and {Path('output/combined.pdf')}, an "
        "earlier batch's: they list files this batch replaced, out of date now (--combine "
        "makes them anew)"
    )
    # A share's batch with --combine: its own manifest, and the whole batch's goes.
    assert build(*args, "--combine").exit_code == 0
    later_args = ["build", "--facts", str(REPO / "facts"), "--date", "2026-02-15", *args]
    share = CliRunner().invoke(cli, [*later_args, "--combine", "--shard", "1/1"])
    assert share.exit_code == 0, share.output
    assert sorted(folder_bytes(workspace / "output")) == [
        "combined-1-of-1.pdf",
        "letter/ex-1.pdf",
        "letter/ex-2.pdf",
        "letter/ex-3.pdf",
        "manifest-1-of-1.csv",
    ]
    # A file named so that briefgen did not write is left alone.
    (workspace / "output/manifest.csv").write_text("id,note\nex-1,mine\n", encoding="utf-8")
    assert build(*args).exit_code == 0
    assert (workspace / "output/manifest.csv").read_text(encoding="utf-8") == "id,note\nex-1,mine\n"


def test_keep_going_removes_nothing_through_a_linked_audience_folder(workspace: Path) -> None:
    elsewhere = workspace / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "ex-1.pdf").write_bytes(b"not briefgen's")
    (workspace / "output").mkdir()
    (workspace / "output" / "letter").symlink_to(elsewhere)
    (workspace / "templates" / "letter.md.j2").write_text("# T\n\n{{ fact('no-such-fact') }}\n")
    result = build("--recipients", "recipients.csv", "--format", "pdf", "--keep-going")
    assert result.exit_code == 1
    assert (elsewhere / "ex-1.pdf").read_bytes() == b"not briefgen's"


def test_a_batch_stops_making_copies_at_its_first_failure(workspace: Path) -> None:
    # Every later row was still made (each may run to the template time limit), though
    # nothing would be written.
    rows = "".join(f"ex-{n},letter,Name {n},,,{n}\n" for n in range(3, 13))
    (workspace / "recipients.csv").write_text(
        RECIPIENTS.splitlines()[0] + "\nex-1,letter,A,,,1\nex-broken,letter,B,,,2\n" + rows,
        encoding="utf-8",
    )
    made: list[int] = []
    real = batch._Worker.make

    def counted(self: batch._Worker, task: batch.Task) -> batch.Copy | batch.Failure:
        made.append(task.row)
        return real(self, task)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch._Worker, "make", counted)
        result = build("--recipients", "recipients.csv", "--format", "pdf", "--jobs", "1")
    assert result.exit_code == 1
    assert made == [1, 2]
    lines = result.stderr.splitlines()
    assert lines[0].startswith("recipients.csv:3: ex-broken: templates/letter.md.j2:11: ")
    assert lines[-1] == (
        "recipients.csv: stopped there: 10 more rows not made (--keep-going makes them "
        "and lists every row that fails)"
    )
    assert not (workspace / "output").exists()


def test_a_character_no_font_draws_is_blamed_on_the_recipients_column(
    workspace: Path,
) -> None:
    """The row's column, not the template that prints it, holds the character (one
    of the file's own columns: name, title and office are checked before rendering)."""
    recipients = workspace / "recipients.csv"
    recipients.write_text(RECIPIENTS.replace(",9\n", ",9 \u674e\n"), encoding="utf-8")
    result = build("--recipients", "recipients.csv", "--format", "pdf", "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr == (
        "recipients.csv:4: ex-3: templates/letter.md.j2:10: the recipient's 'district' column "
        "has a character no bundled font can draw: U+674E CJK UNIFIED IDEOGRAPH-674E\n"
    )


def test_warnings_printed_once_each_in_row_order_whatever_the_jobs(workspace: Path) -> None:
    """A batch warns as a build does (docs/batch.md): each copy's warnings, one line
    each on stderr after the report, a line many copies share once, in the order of
    the rows that gave them first; then the cited sources without a URL, in the
    store's order; none with -q."""
    template = workspace / "templates" / "letter.md.j2"
    template.write_text(
        LETTER
        + '{% if recipient.id != "ex-1" %}Seizures rose 480% in three years.{% endif %}\n\n'
        + '{% if recipient.id == "ex-3" %}{{ fact("fentanyl-offenders-us-citizens").text }} '
        + '{{ cite("fentanyl-offenders-us-citizens") }}{% endif %}\n',
        encoding="utf-8",
    )
    args = ("--recipients", "recipients.csv", "--format", "pdf")
    one = build(*args, "--jobs", "1", "--out", "one")
    two = build(*args, "--jobs", "2", "--out", "two")
    assert one.exit_code == two.exit_code == 0, one.output
    assert one.stderr == two.stderr
    assert one.stderr.splitlines() == [
        "templates/letter.md.j2:12: warning: '480' is typed into the template and no fact "
        "cited in its block gives it; cite the fact, or print it with fact(...).number",
        "templates/letter.md.j2:14: warning: 'fentanyl-offenders-us-citizens' is as of "
        f"2017–2021, older than 3 years ({REPO}/facts/trafficking-offenders.yaml:6)",
        f"{REPO}/facts/sources.yaml:13: warning: source 'immigrants-not-to-blame-fentanyl' "
        "has no URL; a reader cannot follow its note",
        f"{REPO}/facts/sources.yaml:65: warning: source 'ussc-fentanyl-trafficking-offenders' "
        "has no URL; a reader cannot follow its note",
    ]
    assert one.stdout.splitlines()[-1] == "3 copies (3 files) in one"
    quiet = CliRunner().invoke(
        cli,
        [
            "-q",
            "build",
            "--facts",
            str(REPO / "facts"),
            "--date",
            "2026-01-15",
            *args,
            "--out",
            "q",
        ],
    )
    assert quiet.exit_code == 0 and quiet.output == ""


def test_a_recipients_column_printing_a_quantity_is_warned_once(workspace: Path) -> None:
    """Local figures belong in facts about the place, with a source; a column of
    the recipients file that puts a quantity on the page is warned at its line, once
    for the batch: formatted by the number filter (4321 as 4,321) or written as one
    (12.5%). A bare number printed as written (District 7) may name, and is not."""
    (workspace / "recipients.csv").write_text(
        "id,audience,name,district,deaths,rate\n"
        "ex-1,letter,Alex Example,7,4321,12.5%\n"
        "ex-2,letter,Sam Sample,8,95,3%\n",
        encoding="utf-8",
    )
    template = workspace / "templates" / "letter.md.j2"
    template.write_text(
        "# For {{ recipient.name }}\n\n"
        "District {{ recipient.district }}.\n\n"
        "{{ recipient.deaths | number }} died; {{ recipient.rate }} of them young.\n",
        encoding="utf-8",
    )
    result = build("--recipients", "recipients.csv", "--format", "pdf", "--out", "out")
    assert result.exit_code == 0, result.output
    advice = (
        "column prints a figure, which no fact gives and no note sources; put local "
        "figures in facts about the place (places:) and print them with "
        "facts(place=recipient.place)"
    )
    assert [line for line in result.stderr.splitlines() if "recipient's" in line] == [
        f"templates/letter.md.j2:5: warning: the recipient's 'deaths' {advice}",
        f"templates/letter.md.j2:5: warning: the recipient's 'rate' {advice}",
    ]


def test_a_warning_is_at_the_citing_line_whether_or_not_a_copy_is_addressed(
    workspace: Path,
) -> None:
    """The chiefs brief's addressee and its bottom line come out as one line of
    Markdown only when there is an addressee. The stale fact the bottom line cites is
    still warned about at the template line that cites it, once for both copies."""
    (workspace / "ch.csv").write_text(
        "id,audience,name,title\nc1,chiefs,Ann,Chief\nc2,chiefs,,\n", encoding="utf-8"
    )
    result = build("--recipients", "ch.csv", "--format", "pdf", "--date", "2026-11-01")
    assert result.exit_code == 0, result.output
    stale = [line for line in result.stderr.splitlines() if "'seizures-up-480-percent'" in line]
    assert len(stale) == 1, stale
    path, line = stale[0].split(":")[:2]
    assert path == "builtin/chiefs.md.j2"
    template = REPO / "briefgen" / "builtin_templates" / "chiefs.md.j2"
    cited = template.read_text(encoding="utf-8").split("\n")[int(line) - 1]
    assert 'cite("seizures-up-480-percent")' in cited


def test_audience_where_every_row_names_its_own_is_warned(workspace: Path) -> None:
    """--audience is the audience of rows that name none, not a filter: given where
    every row names its own, it changes nothing, which a warning says."""
    args = ("--recipients", "recipients.csv", "--format", "pdf", "--audience", "letter")
    result = build(*args, "--out", "all-named")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "recipients.csv: warning: --audience letter is for rows that name no audience, and "
        "every row names its own: all of them are made, for their own audiences"
    )
    checked = CliRunner().invoke(
        cli,
        [
            "check",
            "--facts",
            str(REPO / "facts"),
            "--recipients",
            "recipients.csv",
            "--audience",
            "letter",
        ],
    )
    assert "--audience letter is for rows that name no audience" in checked.stdout
    # Misspelt, it is a mistake even where no row takes it.
    misspelt = build("--recipients", "recipients.csv", "--audience", "lettr", "--out", "x")
    assert misspelt.exit_code == 1
    assert misspelt.stderr.startswith(
        "--audience: no template for audience 'lettr' (did you mean 'letter'?)"
    )
    assert not (workspace / "x").exists()
    (workspace / "recipients.csv").write_text(RECIPIENTS + "ex-4,,Lee Test,,Office 4,10\n")
    result = build(*args, "--out", "one-unnamed")
    assert result.exit_code == 0, result.output
    assert "--audience" not in result.stderr


def test_a_place_no_fact_is_about_is_warned_at_its_first_row(workspace: Path) -> None:
    """Its copies carry the figures every reader gets: likely a misspelt place."""
    (workspace / "r.csv").write_text(
        "id,audience,place,district\nex-1,letter,tucson-az,1\nex-2,letter,tuscon-az,2\n"
        "ex-3,letter,tuscon-az,3\nex-4,letter,,4\n",
        encoding="utf-8",
    )
    result = build("--recipients", "r.csv", "--format", "pdf", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "r.csv:3: warning: place: no fact is about 'tuscon-az' (2 rows; facts know: "
        "chicago-il, tucson-az, washington-dc; did you mean 'tucson-az'?)"
    ]


def test_no_place_warning_when_the_facts_know_no_place(workspace: Path) -> None:
    """Then the place column is the template's own, not a key to facts."""
    facts = workspace / "facts"
    facts.mkdir()
    for file in (REPO / "facts").glob("*.yaml"):
        text = file.read_text(encoding="utf-8")
        (facts / file.name).write_text(re.sub(r"(?m)^ *places: .*\n", "", text), "utf-8")
    (workspace / "r.csv").write_text(
        "id,audience,place,district\nex-1,letter,anywhere,1\n", "utf-8"
    )
    result = CliRunner().invoke(
        cli, ["build", "--date", "2026-01-15", "--recipients", "r.csv", "--format", "pdf"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_warnings_follow_the_rows_not_the_order_copies_come_back_in(tmp_path: Path) -> None:
    """Workers finish in any order: the warnings still come in row order, each once."""
    from briefgen.pipeline import BuildOptions, Workspace

    store = Workspace.open(BuildOptions(workspace=tmp_path, facts=REPO / "facts")).store

    def copy(row: int, *warnings: str) -> batch.Copy:
        return batch.Copy(row, {}, 0.5, 11.0, (), warnings)

    collected = batch._Warnings(store)
    for came_back in (copy(4, "c", "a"), copy(3, "b"), copy(2, "a", "d")):
        collected.add(came_back)
    assert collected.lines() == ["a", "d", "b", "c"]


def test_a_workspace_from_init_names_every_recipient(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`briefgen init` writes the sample recipients (the repository's, fictional) and
    an example legislators template that replaces the ask; the recipient's name is a
    block of its own (`addressee`), so every copy, in every built-in audience, still
    names its recipient."""
    from briefgen.workspace import init_workspace

    init_workspace(tmp_path)
    sample = (tmp_path / "recipients.csv").read_text(encoding="utf-8")
    assert sample == (REPO / "recipients.csv").read_text(encoding="utf-8")
    assert "{% block ask %}" in (tmp_path / "templates/legislators.md.j2").read_text("utf-8")
    monkeypatch.chdir(tmp_path)
    spanish = "example-group-es,public-es,,,Asociación Vecinal de Ejemplo,tucson-az\n"
    (tmp_path / "r.csv").write_text(sample + spanish, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["build", "--recipients", "r.csv", "--format", "pdf", "--jobs", "1"]
    )
    assert result.exit_code == 0, result.output
    # Every number on every copy has its source on the page, whichever local fact
    # the copy's place chose.
    assert "cited nowhere on the page" not in result.stderr
    named = {  # each copy: the words naming its recipient
        "legislators/example-office-1": "For Representative Alex Example:",
        "legislators/example-office-2": "For Senator Sam Sample:",
        "legislators/example-office-3": "For Member of Congress (example):",
        "legislators/example-office-4": "For Representative Jordan Placeholder:",
        "chiefs/example-department-1": "For Chief of Police Casey Example.",
        "chiefs/example-department-2": "For Sheriff Riley Sample.",
        "public/example-group-1": "For Example Neighborhood Association 1",
        "public-es/example-group-es": "Para Asociación Vecinal de Ejemplo",
    }
    built = sorted(str(p.relative_to(tmp_path / "output"))[:-4] for p in tmp_path.rglob("*.pdf"))
    assert built == sorted(named)
    for copy, words in named.items():
        text = " ".join(pdf_text(tmp_path / f"output/{copy}.pdf").split())
        assert words in text, copy


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_a_line_break_typed_in_a_name_prints_as_a_space(workspace: Path, end: str) -> None:
    text = f'id,audience,name,district{end}ex-1,letter,"Alex{end}Example",7{end}'
    (workspace / "r.csv").write_bytes(text.encode("utf-8"))
    result = build("--recipients", "r.csv")
    assert result.exit_code == 0, result.output
    # The heading stays one heading: nothing of it spills into a paragraph of its own.
    for text in (
        pdf_text(workspace / "output/letter/ex-1.pdf"),
        docx_text(workspace / "output/letter/ex-1.docx"),
    ):
        assert "\nFor Alex Example\nDistrict 7." in text.replace("\xa0", " ")


def test_yaml_recipients_and_audience_option(workspace: Path) -> None:
    (workspace / "r.yaml").write_text(
        "- id: ex-1\n  name: Alex Example\n  district: 7\n", encoding="utf-8"
    )
    (workspace / "output/letter").mkdir(parents=True)
    (workspace / "output/letter/other.pdf").write_bytes(b"left alone")
    result = build("--recipients", "r.yaml", "--audience", "letter", "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert "For Alex Example" in pdf_text(workspace / "output/letter/ex-1.pdf")
    assert (workspace / "output/letter/other.pdf").read_bytes() == b"left alone"


def test_recipients_take_one_audience_at_most(workspace: Path) -> None:
    result = build("--recipients", "recipients.csv", "--audience", "letter", "--audience", "public")
    assert result.exit_code == 2
    assert "--recipients takes at most one --audience" in result.output


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_and_not_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    assert batch.show_progress(False, Terminal())
    assert not batch.show_progress(True, Terminal())
    assert not batch.show_progress(False, io.StringIO())
    assert batch.default_jobs() == (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    )


def test_no_progress_bar_on_a_dumb_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under TERM=dumb (an editor's shell buffer) click's bar wrote its cursor
    escapes (ESC [?25l) as text: no bar is drawn there, on a build or a check."""
    for term, drawn in (("xterm-256color", True), ("dumb", False)):
        monkeypatch.setenv("TERM", term)
        terminal = Terminal()
        monkeypatch.setattr(sys, "stderr", terminal)
        with batch.progress_bar(3, batch.show_progress(False, terminal)) as advance:
            for _ in range(3):
                advance()
        assert ("\x1b[" in terminal.getvalue()) == drawn, term
        assert ("3/3" in terminal.getvalue()) == drawn, term


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="Linux's CPU affinity")
def test_jobs_default_to_the_cpus_this_process_may_run_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under `taskset -c 0` (or a container's cpuset) on a machine of 64 CPUs, a batch
    started 64 workers, each with its own memory, to take turns on one CPU."""
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert batch.default_jobs() == 1
    assert batch.most_jobs() == 2


@pytest.mark.parametrize("columns", [20, 45, 100])
def test_progress_bar_fits_a_narrow_terminal(monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    """The bar's line was about 80 characters whatever the terminal: at 20 columns it
    wrapped, and each redraw began a new line, 200 bars scrolling past for 200 rows.
    Every line is now shorter than the terminal; the count is always there."""

    class Narrow(Terminal):
        def fileno(self) -> int:
            return 2

    terminal = Narrow()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(os, "get_terminal_size", lambda fd=1: os.terminal_size((columns, 24)))
    with batch.progress_bar(200, True) as advance:
        for _ in range(200):
            advance()
    lines = re.sub(r"\x1b\[\?25[lh]", "", terminal.getvalue()).replace("\n", "\r").split("\r")
    assert max(len(line) for line in lines) < columns
    assert any(line.startswith("building  ") and "200/200" in line for line in lines)
    assert any("  [#" in line for line in lines) == (columns >= 45)  # the bar, room given
    assert ("copies/s" in terminal.getvalue()) == (columns == 100)


def test_names_no_font_prints_are_told_together_before_any_copy(workspace: Path) -> None:
    """A name, title or office with a character no bundled font draws was found when
    its copy was rendered: one row, then "stopped there". Every such value is now
    told with the file's other problems, at its line, and nothing is made."""
    rows = RECIPIENTS.replace("Alex Example", "Wang 王").replace("Chief", "Chief 李")
    (workspace / "cjk.csv").write_text(rows, encoding="utf-8")
    result = build("--recipients", "cjk.csv", "--format", "pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "cjk.csv:2: name: has a character no bundled font can draw: "
        "U+738B CJK UNIFIED IDEOGRAPH-738B",
        "cjk.csv:4: title: has a character no bundled font can draw: "
        "U+674E CJK UNIFIED IDEOGRAPH-674E",
    ]
    assert not (workspace / "output").exists()


def test_json_does_not_go_with_recipients(workspace: Path) -> None:
    """docs/batch.md: the batch's record for scripts is the manifest."""
    result = build("--recipients", "recipients.csv", "--json")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "Error: --json goes with a build of briefs, not --recipients or --duplex"
    )
    assert not (workspace / "output").exists()


def test_jobs_beyond_twice_the_cpus_start_no_more_workers(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--jobs 1000 started a worker per row (300 processes, 11 GB on 2 CPUs)."""
    assert batch.most_jobs() == 2 * batch.default_jobs()
    started: list[int] = []
    real = batch.ProcessPoolExecutor

    def pool(*args: Any, max_workers: int, **kwargs: Any) -> Any:
        started.append(max_workers)
        return real(*args, max_workers=max_workers, **kwargs)

    monkeypatch.setattr(batch, "ProcessPoolExecutor", pool)
    monkeypatch.setattr(batch, "default_jobs", lambda: 1)  # one CPU: two workers at most
    result = build("--recipients", "recipients.csv", "--format", "pdf", "--jobs", "1000")
    assert result.exit_code == 0, result.output
    assert started == [2]


def test_failed_rows_listed_up_to_twenty(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    rows = tuple(
        Recipient(row=n, line=n + 1, audience="a", folder="a", slug=f"ex-{n}", values=())
        for n in range(1, 26)
    )
    result = batch.BatchResult(RecipientList(path, (), rows))
    result.failures = [batch.Failure(n, "x.md.j2:3: broken") for n in range(1, 26)]
    errors = [e.format_message() for e in batch.failure_errors(result)]
    assert len(errors) == 21
    assert errors[0] == f"{path}:2: ex-1: x.md.j2:3: broken"
    assert errors[-1] == f"{path}: ... and 5 more rows failed"
    result.failures.pop()
    result.unmade = 1  # not "1 more rows"
    errors = [e.format_message() for e in batch.failure_errors(result)]
    assert errors[-2:] == [
        f"{path}: ... and 4 more rows failed",
        f"{path}: stopped there: 1 more row not made (--keep-going makes them and lists "
        "every row that fails)",
    ]
    del result.failures[-3:]
    assert batch.failure_errors(result)[-2].format_message() == f"{path}: ... and 1 more row failed"


def test_without_recipients_the_recipient_is_false(workspace: Path) -> None:
    template = workspace / "templates" / "letter.md.j2"
    template.write_text(
        "{% if recipient %}For {{ recipient.name }}{% else %}To whom it may concern{% endif %}"
        "{{ recipient.title }}\n",
        "utf-8",
    )
    result = build("--audience", "letter", "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert "To whom it may concern\n" in pdf_text(workspace / "output/letter.pdf")
    template.write_text(LETTER, "utf-8")
    result = build("--audience", "letter", "--format", "pdf", "--out", "other")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "templates/letter.md.j2:10: the recipient has no 'district' (it has audience, id, name, "
        "office, place, title; without '--recipients FILE' only these, all empty)"
    )


def test_a_column_named_like_a_class_attribute_is_a_column(workspace: Path) -> None:
    """A column 'mro' took the attribute every class has as its default, and the
    columns after it stopped the batch with an internal error."""
    (workspace / "templates" / "cols.md.j2").write_text(
        "# For {{ recipient.name }}\n\nFrom {{ recipient.mro }} to {{ recipient.zone }}.\n",
        encoding="utf-8",
    )
    (workspace / "r.csv").write_text("id,name,mro,zone\nex-1,Ann,north,south\n", "utf-8")
    result = build("--recipients", "r.csv", "--audience", "cols", "--format", "pdf")
    assert result.exit_code == 0, result.output
    text = " ".join(PdfReader(workspace / "output/cols/ex-1.pdf").pages[0].extract_text().split())
    assert "From north to south." in text


def test_a_passage_a_column_leaves_empty_prints_nothing(workspace: Path) -> None:
    """A passage marked {lang=...} around a column that is empty for some rows prints
    nothing for them, as the column alone would; refusing it stopped the batch."""
    (workspace / "templates" / "esr.md.j2").write_text(
        "---\nlanguage: es-US\n---\n# Prueba\n\n"
        "Para {{ recipient.name }}, [{{ recipient.title }}]{lang=en-US}.\n",
        encoding="utf-8",
    )
    (workspace / "r.csv").write_text(
        "id,name,title\na1,Ana López,Chief of Police\na2,Luis Gómez,\n", "utf-8"
    )
    result = build("--recipients", "r.csv", "--audience", "esr", "--format", "pdf")
    assert result.exit_code == 0, result.output
    text = " ".join(PdfReader(workspace / "output/esr/a2.pdf").pages[0].extract_text().split())
    assert "Para Luis Gómez, ." in text


def test_the_empty_recipient_has_the_known_columns() -> None:
    from briefgen.recipients import KNOWN_COLUMNS
    from briefgen.templating.views import NO_RECIPIENT

    assert tuple(f.name for f in dataclasses.fields(NO_RECIPIENT)) == KNOWN_COLUMNS


@pytest.mark.parametrize(
    "option", [["--jobs", "2"], ["--combine"], ["--keep-going"], ["--name-column", "office"]]
)
def test_batch_options_need_recipients(workspace: Path, option: list[str]) -> None:
    result = build(*option)
    assert result.exit_code == 2
    assert "needs --recipients FILE" in result.output


def test_interrupt_stops_workers_and_writes_nothing(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workspace / "output").mkdir()
    (workspace / "output" / "keep.txt").write_text("before", encoding="utf-8")
    calls = []

    def interrupted() -> None:
        calls.append(1)
        if len(calls) >= 2:  # after the first copy came back
            raise KeyboardInterrupt

    monkeypatch.setattr(batch.interrupts, "check", interrupted)
    # Only this batch's workers: another test run in the same process may have left a
    # child of its own still ending, which made this test fail now and then under load.
    before = {child.pid for child in multiprocessing.active_children()}
    result = build("--recipients", "recipients.csv", "--format", "pdf", "--jobs", "2")
    assert result.exit_code == 1  # click.Abort
    assert folder_bytes(workspace / "output") == {"keep.txt": b"before"}
    assert {child.pid for child in multiprocessing.active_children()} <= before


def test_staged_writes_each_file_at_once_and_renames_all_or_none(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(RuntimeError), output.staged(out) as stage:
        stage.add("a/x.pdf", b"1")
        staged = [p.name for p in (out / "a").iterdir() if p.name != output.LOCK_NAME]
        assert [name.startswith(".briefgen-") for name in staged] == [True]
        raise RuntimeError
    assert not out.exists()
    with output.staged(out) as stage:
        stage.add("a/x.pdf", b"1")
        stage.add("y.csv", b"2")
        assert stage.read("a/x.pdf") == b"1"
        assert not (out / "a/x.pdf").exists()
    assert folder_bytes(out) == {"a/x.pdf": b"1", "y.csv": b"2"}


def test_unknown_audience_in_the_file_says_did_you_mean(workspace: Path) -> None:
    (workspace / "r.csv").write_text("id,audience\nex-1,leter\n", encoding="utf-8")
    result = build("--recipients", "r.csv")
    assert result.exit_code == 1
    assert result.stderr.startswith("r.csv:2: audience: no template for audience 'leter'")
    assert result.stderr.count("did you mean 'letter'?") == 1  # not again after the list


@pytest.mark.parametrize("keep_going", [[], ["--keep-going"]])
def test_the_audience_dot_writes_and_removes_nothing_outside_the_output_folder(
    workspace: Path, keep_going: list[str]
) -> None:
    """A template "..md.j2" named the audience '.', whose folder was the empty name: a
    copy "/<id>.pdf" went to the root of the file system, and --keep-going removed a
    file there for a failed row. The audience '.' is no audience, as '..' is not."""
    (workspace / "templates" / "..md.j2").write_text("# Dot\n\nHello.\n", encoding="utf-8")
    slug = f"briefgen-test-{uuid.uuid4().hex}"
    (workspace / "r.csv").write_text(f"id,audience\n{slug},.\n", encoding="utf-8")
    result = build("--recipients", "r.csv", *keep_going)
    assert result.exit_code == 1
    assert result.stderr == (
        "r.csv:2: audience: no template for audience '.' (a hidden file names no audience); "
        "the audiences are chiefs (built-in), legislators (built-in), letter "
        "(templates/letter.md.j2), public (built-in), public-es (built-in)\n"
    )
    assert not any(Path("/", f"{slug}.{fmt}").exists() for fmt in ("pdf", "docx"))
    assert not (workspace / "output").exists()
    result = build("--audience", ".")
    assert result.exit_code == 1 and "no template for audience '.'" in result.stderr


@pytest.mark.parametrize(
    ("name", "shown", "reason"),
    [
        ("CON", "CON", "'CON' is a reserved file name on Windows"),
        ("=1+1", "=1+1", "'=1+1' starts with '=': a spreadsheet opening the manifest would "
         "read it as a formula, and the command line as an option"),
        ("a\nb", r"a\nb", r"'a\nb' holds '\n', which Windows does not allow in a file name"),
    ],
)  # fmt: skip
def test_an_audience_is_named_like_a_file_on_every_system(
    workspace: Path, name: str, shown: str, reason: str
) -> None:
    """An audience's name names its brief's files and a batch's folder, and starts
    the manifest's file column: the rules a row's id follows, and no formula."""
    (workspace / "templates" / f"{name}.md.j2").write_text("# T\n\nHi.\n", encoding="utf-8")
    result = build()
    assert result.exit_code == 1
    assert result.stderr == (
        f"templates/{shown}.md.j2:1: audience '{shown}' cannot name its files and a batch's "
        f"folder: {reason}; rename the template\n"
    )
    assert not (workspace / "output").exists()


def test_templates_list_lists_the_good_and_tells_every_bad_name(workspace: Path) -> None:
    """The list is where a user looks for the file to rename: one badly named template
    stopped it, and told of the first bad name only."""
    for name in ("-draft", "con"):
        (workspace / "templates" / f"{name}.md.j2").write_text("# T\n\nHi.\n", "utf-8")
    result = CliRunner().invoke(cli, ["templates", "list"])
    assert result.exit_code == 1
    assert re.search(r"^letter +workspace +templates/letter\.md\.j2$", result.stdout, re.M)
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == [
        "templates/-draft.md.j2",
        "templates/con.md.j2",
    ]


def test_staging_writes_and_removes_nothing_outside_its_folder(tmp_path: Path) -> None:
    """The last guard, whatever made the name: no absolute name, no '..'."""
    out = tmp_path / "out"
    for name in ("/x.pdf", "../x.pdf", "a/../../x.pdf", ""):
        refused = pytest.raises(OutputError, match="names no file inside the output folder")
        with refused, output.staged(out) as stage:
            stage.add(name, b"1")
        refused = pytest.raises(OutputError, match="names no file inside the output folder")
        with refused, output.staged(out) as stage:
            stage.remove(name)
    assert not (tmp_path / "x.pdf").exists()


def started_batch(workspace: Path, python: list[str], recipients: str) -> subprocess.Popen[bytes]:
    """A PDF batch of ``recipients`` on two workers, begun in a session of its own by
    ``python -m briefgen`` or a stand-in (``python``: the interpreter's arguments)."""
    return subprocess.Popen(
        [
            *(sys.executable, *python, "build", "--facts", str(REPO / "facts")),
            *("--recipients", recipients, "--format", "pdf", "--jobs", "2"),
        ],
        cwd=workspace,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        start_new_session=True,
    )


@pytest.mark.parametrize("how", ["Ctrl-C", "SIGHUP", "SIGKILL"])
def test_signal_mid_batch_stops_every_worker_and_leaves_the_folder(
    workspace: Path, how: str
) -> None:
    """A real signal while copies are being staged: Ctrl-C reaches the whole process
    group (as from a terminal), and so does SIGHUP when the terminal is closed (it
    killed the batch at once, leaving its temporaries); SIGKILL only the main process,
    which cannot clean up, but its workers must not outlive it (they waited forever
    on a pipe)."""
    rows = [f"ex-{n},letter,Person {n},,Example Office {n},{n}" for n in range(1, 41)]
    (workspace / "many.csv").write_text(RECIPIENTS.splitlines()[0] + "\n" + "\n".join(rows))
    (workspace / "output").mkdir()
    (workspace / "output" / "keep.txt").write_text("before", encoding="utf-8")
    process = started_batch(workspace, ["-m", "briefgen"], "many.csv")
    staging = workspace / "output" / "letter"
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if staging.is_dir() and any(p.name.endswith(".tmp") for p in staging.iterdir()):
            break
    assert process.poll() is None, "the batch ended before it could be interrupted"
    if how == "SIGKILL":
        process.kill()
        process.communicate(timeout=60)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                return  # every worker ended with it
            time.sleep(0.1)
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("a worker outlived the killed batch")
    os.killpg(process.pid, signal.SIGINT if how == "Ctrl-C" else signal.SIGHUP)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert stderr.decode().strip() == "Aborted!"
    assert folder_bytes(workspace / "output") == {"keep.txt": b"before"}
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):  # no worker is left in the group
        os.killpg(process.pid, 0)


WORKER_KILLED = (
    "recipients.csv: a worker process was killed while making the copies (as the "
    "system does when memory runs out); nothing was written: run the batch again, with "
    "fewer --jobs if memory is short\n"
)


def test_a_worker_killed_outright_is_told_and_nothing_is_written(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The out-of-memory killer picks the biggest process, often a worker: the batch
    said "internal error: BrokenProcessPool ... please report it"."""
    make = batch._Worker.make

    def killed_at_the_second_row(self: batch._Worker, task: batch.Task) -> object:
        if task.row == 2:
            os.kill(os.getpid(), signal.SIGKILL)
        return make(self, task)

    monkeypatch.setattr(batch._Worker, "make", killed_at_the_second_row)  # forked: inherited
    (workspace / "output").mkdir()
    (workspace / "output" / "keep.txt").write_text("before", encoding="utf-8")
    result = build("--recipients", "recipients.csv", "--jobs", "2", "--combine")
    assert result.exit_code == 1
    assert result.output == WORKER_KILLED
    assert folder_bytes(workspace / "output") == {"keep.txt": b"before"}


def test_workers_that_cannot_be_started_are_told_with_what_to_do(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under a low open-file limit (`ulimit -n 16`) starting a worker fails, wanting a
    pipe: the batch said "cannot write the file: Too many open files", naming no file."""

    def out_of_descriptors(process: object) -> object:
        raise OSError(errno.EMFILE, os.strerror(errno.EMFILE))

    monkeypatch.setattr(
        multiprocessing.context.ForkProcess, "_Popen", staticmethod(out_of_descriptors)
    )
    (workspace / "output").mkdir()
    (workspace / "output" / "keep.txt").write_text("before", encoding="utf-8")
    result = build("--recipients", "recipients.csv", "--jobs", "2", "--combine")
    assert result.exit_code == 1
    assert result.output == (
        "recipients.csv: cannot start the worker processes: Too many open files; give "
        "fewer --jobs (--jobs 1 starts none) or raise the system's limit (ulimit -n, "
        "ulimit -u)\n"
    )
    assert folder_bytes(workspace / "output") == {"keep.txt": b"before"}


# A C locale with Python's UTF-8 mode and locale coercion off: file names are ASCII.
ASCII_FILE_NAMES = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}


def test_names_this_systems_file_names_cannot_hold_are_told_before_any_work(
    workspace: Path,
) -> None:
    """Under a C locale with PYTHONUTF8=0 a recipient 'ñ' (read from the UTF-8 file)
    cannot be written, and a template named público.md.j2 is read as 'p\\udcc3...':
    the batch made every copy, then "internal error: UnicodeEncodeError"."""
    found = subprocess.run(
        [sys.executable, "-c", "import sys; print(sys.getfilesystemencoding())"],
        env=ASCII_FILE_NAMES,
        capture_output=True,
        text=True,
    )
    if found.stdout.strip() != "ascii":
        pytest.skip(f"the C locale's file names are {found.stdout.strip()} here")
    (workspace / "recipients.csv").write_text(
        RECIPIENTS.replace("ex-2,", "ex-\u00f1,"), encoding="utf-8"
    )
    common = [sys.executable, "-m", "briefgen", "build", "--facts", str(REPO / "facts")]
    done = subprocess.run(
        [*common, "--recipients", "recipients.csv"],
        env={**ASCII_FILE_NAMES, "PYTHONPATH": str(REPO)},
        capture_output=True,
    )
    assert done.returncode == 1
    assert done.stderr.decode("utf-8") == (  # click writes UTF-8 where a stream is ASCII
        "recipients.csv:3: id: 'ex-\u00f1' holds '\u00f1', which this system's file names, "
        "in ascii, cannot hold; set a UTF-8 locale (LC_ALL=C.UTF-8) or PYTHONUTF8=1\n"
    )
    (workspace / "templates" / "letter.md.j2").rename(
        workspace / "templates" / "p\u00fablico.md.j2"
    )
    done = subprocess.run(
        common, env={**ASCII_FILE_NAMES, "PYTHONPATH": str(REPO)}, capture_output=True
    )
    assert done.returncode == 1
    assert b"'p\\udcc3\\udcbablico' is a file name not in ascii, as this system reads them; " in (
        done.stderr
    )
    assert b"Traceback" not in done.stderr and b"internal error" not in done.stderr
    assert not (workspace / "output").exists()


def test_a_workers_error_that_cannot_be_pickled_is_told_as_itself(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected error in a worker that holds what pickle cannot take (lxml's
    XMLSyntaxError, its error log; seen under a memory limit) reached the main process
    as "internal error: TypeError: cannot pickle ...", hiding the error itself."""

    class Unsendable(ValueError):
        def __init__(self, message: str) -> None:
            super().__init__(message)
            self.log = lambda: None  # pickle cannot take a lambda

    def fails(self: batch._Worker, task: batch.Task) -> object:
        raise Unsendable("boom")

    monkeypatch.setattr(batch._Worker, "make", fails)  # forked: inherited
    result = build("--recipients", "recipients.csv", "--jobs", "2")
    assert result.exit_code == 1
    assert result.output == (
        "internal error: RuntimeError: Unsendable: boom (run 'briefgen --debug ...' for the "
        "traceback, and please report it)\n"
    )
    assert not (workspace / "output").exists()


def _crash(signum: int) -> None:
    """End this process on ``signum`` as its default action does (not pytest's fault
    handler, which would print the stack first)."""
    faulthandler.disable()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


@pytest.mark.parametrize(
    ("end", "told"),
    [
        (lambda: os._exit(3), "ended with status 3"),
        (lambda: _crash(signal.SIGSEGV), "ended on signal SIGSEGV"),
        # A signal Python has no name for: signal.Signals(35) raised, a traceback.
        (lambda: _crash(signal.SIGRTMIN + 1), f"ended on signal {signal.SIGRTMIN + 1}"),
    ],
    ids=["exit", "crash", "real-time signal"],
)
def test_a_worker_that_ends_otherwise_is_not_told_as_killed_for_memory(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, end: Callable[[], None], told: str
) -> None:
    """Every broken pool was told as the out-of-memory killer's work, advising fewer
    --jobs: a crash in a library is a bug to report."""
    make = batch._Worker.make

    def ended_at_the_second_row(self: batch._Worker, task: batch.Task) -> object:
        if task.row == 2:
            end()
        return make(self, task)

    monkeypatch.setattr(batch._Worker, "make", ended_at_the_second_row)  # forked: inherited
    (workspace / "output").mkdir()
    result = build("--recipients", "recipients.csv", "--jobs", "2")
    assert result.exit_code == 1
    assert result.output == (
        f"recipients.csv: a worker process {told} while making the copies; nothing was "
        "written: run the batch again, and should it end so again, please report it\n"
    )
    assert folder_bytes(workspace / "output") == {}


def test_a_worker_sent_sigterm_from_outside_is_not_told_as_a_bug(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kill PID` of one worker ended the batch with "please report it", though
    nothing in briefgen failed."""
    make = batch._Worker.make

    def stopped_at_the_second_row(self: batch._Worker, task: batch.Task) -> object:
        if task.row == 2:
            os.kill(os.getpid(), signal.SIGTERM)  # a worker's SIGTERM is the default's
        return make(self, task)

    monkeypatch.setattr(batch._Worker, "make", stopped_at_the_second_row)  # forked: inherited
    (workspace / "output").mkdir()
    result = build("--recipients", "recipients.csv", "--jobs", "2")
    assert result.exit_code == 1
    assert result.output == (
        "recipients.csv: a worker process was stopped by a SIGTERM sent from outside "
        "briefgen while making the copies; nothing was written: run the batch again\n"
    )
    assert folder_bytes(workspace / "output") == {}


class _Reaped:
    """A stopped worker as the pool's thread and :func:`batch._stop` race to reap it:
    no exit code for the first ``unknown`` looks, then ``code``."""

    def __init__(self, code: int, unknown: int = 0) -> None:
        self.code, self.unknown = code, unknown

    @property
    def exitcode(self) -> int | None:
        self.unknown -= 1
        return None if self.unknown >= 0 else self.code


def test_the_worker_that_crashed_is_told_when_its_code_is_recorded_late() -> None:
    """Two threads wait for a stopped pool's workers (the pool's and _stop's); the one
    whose waitpid loses reads the worker as running until the other records its
    code. Read then, the crashed worker went untold, and the batch was told as ended
    on the SIGTERM the other worker was stopped with (seen once in the full suite)."""
    workers = [_Reaped(3, unknown=2), _Reaped(-signal.SIGTERM)]
    told = batch._how_a_worker_ended(workers)  # type: ignore[arg-type]
    assert told.startswith("a worker process ended with status 3 while making the copies")


# In a worker, handing back a copy: half of it, then the worker is killed.
KILLED_MID_COPY = """import os, signal, sys
from multiprocessing import connection
parent, send = os.getpid(), connection.Connection._send
def half_then_killed(self, buf, *rest):
    if os.getpid() != parent and len(buf) > 16384:  # a copy, sent after its length
        send(self, buf[: len(buf) // 2])
        os.kill(os.getpid(), signal.SIGKILL)
    send(self, buf, *rest)
connection.Connection._send = half_then_killed
from briefgen.cli import main
sys.argv[0] = "briefgen"
main()
"""


def test_a_worker_killed_while_handing_back_a_copy_does_not_hang_the_batch(
    workspace: Path,
) -> None:
    """The pool's reader then waits for the rest of the copy forever and never finds the
    pool broken: the batch hung, holding the folder's lock, until killed. (In a process
    of its own: the pool's reader thread stays stuck, and briefgen's exit skips it.)"""
    (workspace / "output").mkdir()
    (workspace / "output" / "keep.txt").write_text("before", encoding="utf-8")
    process = started_batch(workspace, ["-c", KILLED_MID_COPY], "recipients.csv")
    try:
        _, stderr = process.communicate(timeout=120)  # a few seconds; it hung forever
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("the batch hung after a worker was killed handing back a copy")
    assert process.returncode == 1
    assert stderr.decode() == WORKER_KILLED
    assert folder_bytes(workspace / "output") == {"keep.txt": b"before"}


def test_templates_and_page_size_options_apply_to_a_batch(workspace: Path) -> None:
    (workspace / "templates").rename(workspace / "mine")
    (workspace / "one.csv").write_text(
        RECIPIENTS.splitlines()[0] + "\n" + RECIPIENTS.splitlines()[1]
    )
    result = build(
        "--recipients", "one.csv", "--templates", "mine", "--page-size", "a4", "--format", "pdf"
    )
    assert result.exit_code == 0, result.output
    page = PdfReader(workspace / "output/letter/ex-1.pdf").pages[0]
    assert round(float(page.mediabox.width)) == 595  # A4, not letter's 612


# Issue 10's "done when" at test size (benchmarks/batch_bench.py --check 1000 runs the
# same checks on 1,000 rows): the sample workspace's recipients, each row
# with a copy number in its id, name and office; the pill price each place's copy
# prints (el-paso-tx has no local fact: the general Tucson card).
SAMPLE_PRICE = {
    "tucson-az": "per fentanyl pill in Tucson",
    "chicago-il": "per fentanyl pill in Chicago or Washington, D.C.",
    "washington-dc": "per fentanyl pill in Chicago or Washington, D.C.",
    "el-paso-tx": "for a fentanyl pill in Tucson, near the border",
}


def numbered_sample_rows(count: int) -> list[dict[str, str]]:
    """``count`` rows cycling through the sample's recipients, each numbered."""
    with open(REPO / "recipients.csv", encoding="utf-8", newline="") as table:
        sample = list(csv.DictReader(table))
    rows = []
    for number in range(1, count + 1):
        row = dict(sample[(number - 1) % len(sample)])
        row["id"] = f"{row['id']}-{number:03d}"
        row["name"] = f"{row['name']} {number}" if row["name"] else ""
        row["office"] = f"{row['office']}, copy {number}"
        rows.append(row)
    return rows


@requires_libreoffice
def test_every_copy_one_page_naming_its_recipient_with_its_local_fact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(REPO / "briefgen.toml", tmp_path)
    rows = numbered_sample_rows(7)
    with open(tmp_path / "many.csv", "w", encoding="utf-8", newline="") as table:
        writer = csv.DictWriter(table, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    result = build("--recipients", "many.csv", "--jobs", "2", "--combine")
    assert result.exit_code == 0, result.output
    out = tmp_path / "output"
    for row in rows:
        who = row["name"] or row["office"]  # the built-ins name the office without a name
        stem = out / row["audience"] / row["id"]
        assert len(PdfReader(stem.with_suffix(".pdf")).pages) == 1, stem
        for text in (pdf_text(stem.with_suffix(".pdf")), docx_text(stem.with_suffix(".docx"))):
            words = " ".join(text.split())
            assert who in words, stem
            assert SAMPLE_PRICE[row["place"]] in words, stem
    assert len(PdfReader(out / "combined.pdf").pages) == len(rows)
    # Word's layout, through LibreOffice: the fullest copy (a legislator's, the longest
    # addressee) on one page.
    fullest = out / "legislators" / f"{rows[3]['id']}.docx"
    assert docx_page_count(fullest, tmp_path / "lo")[0] == 1


@pytest.mark.parametrize("together", [False, True], ids=["as-they-come", "all-at-once"])
def test_the_parent_lets_go_of_each_copy_once_handed_on(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, together: bool
) -> None:
    """A copy's bytes are freed once staged, not held until the batch ends (the
    parent's memory would grow with the number of rows); also when several copies
    are ready at once, which the batch hands on one by one."""
    from briefgen.pipeline import BuildOptions, Workspace

    if together:
        ready = batch._ready

        def every_copy_first(finished: Any, timeout: float) -> Any:
            futures: list[Any] = []
            while len(futures) < 3:
                futures += ready(finished, 60)
            return futures

        monkeypatch.setattr(batch, "_ready", every_copy_first)

    build_options = BuildOptions(
        workspace=workspace, facts=REPO / "facts", formats=("pdf",), date=dt.date(2026, 1, 15)
    )
    options = batch.BatchOptions(build_options, workspace / "recipients.csv", jobs=2)
    columns = ("id", "audience", "name", "title", "office", "district")
    tasks = [
        batch.Task(n, "letter", columns, (f"ex-{n}", "letter", f"Name {n}", "", "Office", "1"))
        for n in range(1, 4)
    ]
    previous: weakref.ref[object] | None = None
    count = 0
    for outcome in batch._outcomes(tasks, options, Workspace.open(build_options)):
        assert isinstance(outcome, batch.Copy)
        assert previous is None or previous() is None  # the one before is gone
        previous = weakref.ref(outcome)
        del outcome
        count += 1
    assert count == len(tasks)


def test_the_parent_looks_at_each_copy_a_bounded_number_of_times(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Waiting on the copies not yet made looked at every one of them for each copy
    made: the parent's work grew with the square of the rows (8,000 rows, 9 CPU
    seconds; 100,000, hours). Counted, not timed: the futures the parent locks to wait
    on them stay within a few per copy, however many rows."""
    from concurrent.futures import _base

    from briefgen.pipeline import BuildOptions, Workspace

    def quick(self: batch._Worker, task: batch.Task) -> batch.Failure:
        time.sleep(0.002)
        return batch.Failure(task.row, "made")

    locked = 0
    acquire = _base._AcquireFutures.__init__

    def counting(self: Any, futures: Any) -> None:
        nonlocal locked
        futures = list(futures)
        locked += len(futures)
        acquire(self, futures)

    monkeypatch.setattr(batch._Worker, "make", quick)  # forked: inherited
    monkeypatch.setattr(_base._AcquireFutures, "__init__", counting)
    build_options = BuildOptions(
        workspace=workspace, facts=REPO / "facts", formats=("pdf",), date=dt.date(2026, 1, 15)
    )
    options = batch.BatchOptions(build_options, workspace / "recipients.csv", jobs=2)
    tasks = [batch.Task(n, "letter", ("id",), (f"ex-{n}",)) for n in range(1, 2001)]
    opened = Workspace.open(build_options)
    rows = [outcome.row for outcome in batch._outcomes(tasks, options, opened)]
    assert sorted(rows) == list(range(1, 2001))
    assert locked <= 2 * len(tasks), f"{locked:,} futures looked at for {len(tasks):,} copies"


def test_a_file_that_cannot_be_written_is_named_and_nothing_is_left(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails in a writer thread names its own file (not whichever file
    another thread was writing) and the batch leaves the folder as it was."""
    add = output.Staging.add

    def full_disk(self: output.Staging, path: Path, data: bytes) -> None:
        if path.name == "ex-3.pdf":  # not a folder's first file: staged in a thread
            raise OSError(28, "No space left on device")
        add(self, path, data)

    monkeypatch.setattr(output.Staging, "add", full_disk)
    result = build("--recipients", "recipients.csv", "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{Path('output/letter/ex-3.pdf')}: cannot write the file: No space left on device\n"
    )
    assert not (workspace / "output").exists()


@pytest.mark.parametrize("audience", ["..", ".letter"])
def test_a_hidden_template_is_no_audience(workspace: Path, audience: str) -> None:
    # "...md.j2" was audience '..': its copies were written to output/../, the
    # workspace itself.
    (workspace / "templates" / f"{audience}.md.j2").write_text(LETTER, encoding="utf-8")
    Path("dots.csv").write_text(f"id,audience,name\nescaped,{audience},A\n", encoding="utf-8")
    result = build("--recipients", "dots.csv", "--format", "pdf", "--jobs", "1")
    assert result.exit_code == 1
    assert result.output.startswith(f"dots.csv:2: audience: no template for audience '{audience}'")
    assert not list(workspace.rglob("escaped.pdf"))
    assert build("--audience", audience, "--format", "pdf").exit_code == 1
    listed = CliRunner().invoke(cli, ["templates", "list"]).output
    assert "letter " in listed and f"{audience} " not in listed


def test_a_link_where_an_audiences_folder_goes_is_refused(
    workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # The copies were written wherever the link led, outside the output folder.
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (workspace / "output").mkdir()
    (workspace / "output" / "letter").symlink_to(elsewhere)
    result = build("--recipients", "recipients.csv", "--format", "pdf", "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr == (
        "output/letter: a link where the audience's folder goes; remove it or choose "
        "another --out\n"
    )
    assert not list(elsewhere.iterdir())


def test_copies_of_two_audiences_in_one_folder_are_not_told_as_earlier_ones(
    workspace: Path,
) -> None:
    """Audiences Letter and letter write into one folder where case does not count:
    each name's copies were told as "not of this batch, an earlier one's" under the
    other name."""
    (workspace / "templates" / "Letter.md.j2").write_text(LETTER, encoding="utf-8")
    (workspace / "recipients.csv").write_text(RECIPIENTS.replace("ex-2,letter", "ex-2,Letter"))
    with one_folder(workspace / "output" / "letter", workspace / "output" / "Letter"):
        result = build("--recipients", "recipients.csv", "--format", "pdf")
        assert result.exit_code == 0, result.output
        assert "not of this batch" not in result.output
        assert sorted(folder_bytes(workspace / "output" / "letter")) == [
            "ex-1.pdf",
            "ex-2.pdf",
            "ex-3.pdf",
        ]
