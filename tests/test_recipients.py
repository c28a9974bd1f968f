"""Reading and checking a recipients file: every mistake at its line, all at once,
before anything is rendered. The recipients here are fictional."""

from __future__ import annotations

import re
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from briefgen import recipients
from briefgen.cli import cli
from briefgen.errors import BriefgenError, ProblemList, RecipientsError
from briefgen.recipients import KNOWN_COLUMNS, load_recipients, row_values

REPO = Path(__file__).resolve().parents[1]
AUDIENCES = {"legislators": "legislators", "public": "public"}


def check_audience(name: str) -> str:
    if name not in AUDIENCES:
        raise BriefgenError(f"no template for audience '{name}'")
    return AUDIENCES[name]


def problems_of(path: Path, **options: str) -> list[str]:
    with pytest.raises(BriefgenError) as caught:
        load_recipients(path, check_audience, **options)  # type: ignore[arg-type]
    error = caught.value
    found = error.problems if isinstance(error, ProblemList) else [error]
    return [p.format_message() for p in found]


TEN_MISTAKES = (
    b"id,audience,name,office\n"  # 1
    b"ok-1,public,Alex Example,Example Office 1\n"  # 2: fine
    b",public,Sam Sample,Example Office 2\n"  # 3: empty id
    b"ok-1,public,Kim Test,Example Office 3\n"  # 4: duplicate of line 2
    b"a/b,public,Lee Demo,Example Office 4\n"  # 5: path separator
    b"a..b,public,Ari Demo,Example Office 5\n"  # 6: '..'
    b".hidden,public,Bo Demo,Example Office 6\n"  # 7: leading dot
    b"CON,public,Cy Demo,Example Office 7\n"  # 8: reserved on Windows
    + b"x"
    * 101
    + b",public,Di Demo,Example Office 8\n"  # 9: too long
    b"ok-9,sheriffs,Ed Demo,Example Office 9\n"  # 10: unknown audience
    b"ok-10,public,Fi \xe9 Demo,Example Office 10\n"  # 11: not UTF-8
    b"ok-11,public,Gus Demo\n"  # 12: a field short
    b"ok-12,,Hal Demo,Example Office 12\n"  # 13: empty audience, no --audience
)
EXPECTED = [
    (3, "id: empty"),
    (4, "id: 'ok-1' again (line 2)"),
    (5, "id: 'a/b' holds a path separator"),
    (6, "id: 'a..b' holds '..'"),
    (7, "id: '.hidden' starts with a dot"),
    (8, "id: 'CON' is a reserved file name on Windows"),
    (9, "id: longer than 100 characters"),
    (10, "audience: no template for audience 'sheriffs'"),
    (11, "not valid UTF-8 (byte 0xe9)"),
    (12, "the row has 3 fields, the header 4"),
    (13, "audience: empty; fill it in or pass --audience"),
]


def test_a_row_with_a_field_too_many_is_told_to_quote_its_comma(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = Path("recipients.csv")
    path.write_text("id,audience,place\na,public,Yuma, AZ\nb,public\n", encoding="utf-8")
    assert problems_of(path) == [
        "recipients.csv:2: the row has 4 fields, the header 3: not valid CSV; a value "
        "holding ',' goes in double quotes: \"Yuma, AZ\"",
        "recipients.csv:3: the row has 2 fields, the header 3: not valid CSV",
    ]
    # In the file's own separator; none for a separator left at a row's end.
    path.write_text("id;audience;place\na;public;Yuma; AZ\nb;public;x;\n", encoding="utf-8")
    assert problems_of(path) == [
        "recipients.csv:2: the row has 4 fields, the header 3: not valid CSV; a value "
        "holding ';' goes in double quotes",
        "recipients.csv:3: the row has 4 fields, the header 3: not valid CSV",
    ]


def test_a_title_above_the_header_is_one_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A spreadsheet's title row saved above the header gave a problem per empty cell
    and per row, none saying where the header was."""
    monkeypatch.chdir(tmp_path)
    path = Path("recipients.csv")
    path.write_text(
        "Recipients 2026,,,\n\nid,audience,name,place\na,public,Ann,\n", encoding="utf-8"
    )
    assert problems_of(path) == [
        "recipients.csv:1: the header must be the first line: line 3 names the columns "
        "(id, audience, name, place); delete the lines above it"
    ]
    # A first line of one column that is a header stays one.
    path.write_text("id\na\n", encoding="utf-8")
    assert not any("first line" in problem for problem in problems_of(path))


def test_every_mistake_is_reported_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "recipients.csv"
    path.write_bytes(TEN_MISTAKES)
    found = problems_of(path)
    assert len(found) == len(EXPECTED), found
    for message, (line, start) in zip(found, EXPECTED, strict=True):
        assert message.startswith(f"{path}:{line}: {start}"), message


def test_ten_mistakes_through_the_cli_write_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("recipients.csv").write_bytes(TEN_MISTAKES)
    result = CliRunner().invoke(
        cli, ["build", "--facts", str(REPO / "facts"), "--recipients", "recipients.csv"]
    )
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert [int(re.match(r"recipients\.csv:(\d+): ", x)[1]) for x in lines] == [  # type: ignore[index]
        line for line, _ in EXPECTED
    ]
    assert "Traceback" not in result.output
    assert not Path("output").exists()
    # Each line docs/batch.md shows of these mistakes is printed as shown, up to a "...".
    fences = MarkdownIt("commonmark").parse((REPO / "docs" / "batch.md").read_text("utf-8"))
    (shown,) = [
        t.content.splitlines() for t in fences if t.type == "fence" and ": id: empty" in t.content
    ]
    assert len(shown) >= 6
    for line in shown:
        assert any(
            printed == line or (line.endswith("...") and printed.startswith(line[:-3]))
            for printed in lines
        ), line


@pytest.mark.parametrize(
    ("slug", "reason"),
    [
        ("a\\b", "path separator"),
        ("..", "'..'"),
        ("nul.txt", "reserved file name"),
        ("Lpt1", "reserved file name"),
        ("COM0", "reserved file name"),
        ("lpt\u00b9.txt", "reserved file name"),
        ("conout$", "reserved file name"),
        ("a:b", "Windows does not allow"),
        ("a?", "Windows does not allow"),
        ("trailing.", "ends with a dot"),
        ("a\x01b", "Windows does not allow"),
        # A file name holds 255 bytes: 90 such letters are 270.
        ("\u4e2d" * 90, "270 bytes in UTF-8, more than the 200 a file name may take"),
        ("a\x85b", "U+0085 (a control character), which a file name would hide"),
        ("a\u2028b", "U+2028 (LINE SEPARATOR)"),
        ("evil\u202efdp.exe", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("ok\u200bzw", "U+200B (ZERO WIDTH SPACE)"),
        ("a\U000e0001", "U+E0001 (LANGUAGE TAG)"),
        ("a\ue000", "U+E000 (a private-use character)"),
        ("a\U000e0080", "U+E0080 (an unassigned code point)"),
    ],
)
def test_unsafe_slugs(tmp_path: Path, slug: str, reason: str) -> None:
    path = tmp_path / "r.csv"
    path.write_text(f"id,audience\n{slug},public\n", encoding="utf-8")
    (found,) = problems_of(path)
    assert found.startswith(f"{path}:2: id: ") and reason in found, found


def test_duplicate_slug_differing_only_in_case(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,audience\nEx-1,public\nex-1,public\nex-1,legislators\n", encoding="utf-8")
    assert problems_of(path) == [
        f"{path}:3: id: 'ex-1' again (line 2); each copy needs its own file name"
    ]


def test_same_slug_in_audience_folders_differing_only_in_case(tmp_path: Path) -> None:
    """A template Public.md.j2 beside the built-in public: their folders are one on
    macOS, Windows or a USB stick, where the second copy would replace the first."""
    path = tmp_path / "r.csv"
    path.write_text("id,audience\nex-1,Public\nEx-1,public\nex-2,public\n", encoding="utf-8")
    with pytest.raises(BriefgenError) as caught:
        load_recipients(path, lambda name: name)
    assert caught.value.format_message() == (
        f"{path}:3: id: 'Ex-1' again (line 2, in the folder 'Public', the same folder as "
        "'public' where case does not count (macOS, Windows)); each copy needs its own "
        "file name"
    )


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("id,audiencia,nombre", "rename 'audiencia' to audience"),
        ("id,group,name", "add one naming each row's audience"),
    ],
)
def test_a_header_without_an_audience_column_is_told_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, header: str, message: str
) -> None:
    """docs/batch.md: a header in Spanish ('audiencia') made every row "audience:
    empty; fill it in", though each row had filled it in, under another name."""
    monkeypatch.chdir(tmp_path)
    path = Path("r.csv")
    path.write_text(f"{header}\na,public,Ana\nb,public,Luis\n", encoding="utf-8")
    assert problems_of(path) == [
        f"r.csv:1: audience: no such column; {message}, or pass --audience"
    ]
    assert load_recipients(path, check_audience, audience="public").recipients


def test_bom_audience_option_and_pass_through_columns(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(
        '\ufeffid,name,district\nex-1,Alex Example,7\n\nex-2,"Sam, Sample",8\n'.encode()
    )
    found = load_recipients(path, check_audience, audience="public")
    assert found.columns == (*KNOWN_COLUMNS, "district")
    first, second = found.recipients
    assert (first.line, second.line) == (2, 4)  # the blank line is skipped, lines still true
    assert row_values(found, second) == {
        "id": "ex-2",
        "audience": "public",
        "name": "Sam, Sample",
        "title": "",
        "office": "",
        "place": "",
        "district": "8",
    }


def test_values_and_column_names_are_stripped_of_surrounding_spaces(tmp_path: Path) -> None:
    """docs/batch.md: values are stripped of surrounding spaces, a quoted one's too, and
    so are the header's names: a space typed after a comma names no file ' ex-1'."""
    path = tmp_path / "r.csv"
    path.write_text(
        "id , audience,name ,district\n ex-1 , public ,  Alex Example\t, 7 \n"
        ' ex-2,public," Sam, Sample ",8\n',
        encoding="utf-8",
    )
    found = load_recipients(path, check_audience)
    assert found.columns == (*KNOWN_COLUMNS, "district")
    first, second = found.recipients
    assert (first.slug, second.slug) == ("ex-1", "ex-2")
    empty = dict.fromkeys(KNOWN_COLUMNS, "")
    assert row_values(found, first) == {
        **empty,
        "id": "ex-1",
        "audience": "public",
        "name": "Alex Example",
        "district": "7",
    }
    assert row_values(found, second) == {
        **empty,
        "id": "ex-2",
        "audience": "public",
        "name": "Sam, Sample",
        "district": "8",
    }


@pytest.mark.parametrize("separator", [";", "\t"])
def test_semicolons_or_tabs_as_spreadsheets_save_them(tmp_path: Path, separator: str) -> None:
    """Where the comma is the decimal sign, spreadsheets save CSV with semicolons (or
    tabs): the header line's separator is the file's, and a comma is then text."""
    path = tmp_path / "r.csv"
    rows = [["id", "audience", "name", "district"], ["ex-1", "public", "Alex Example", "7"]]
    rows.append(["ex-2", "public", "Sam, Sample", "8"])
    path.write_text("\n" + "".join(separator.join(r) + "\n" for r in rows), encoding="utf-8")
    found = load_recipients(path, check_audience)
    assert found.columns == (*KNOWN_COLUMNS, "district")
    assert [row_values(found, r)["name"] for r in found.recipients] == [
        "Alex Example",
        "Sam, Sample",
    ]
    assert [r.line for r in found.recipients] == [3, 4]


def test_a_row_separated_otherwise_than_the_header_is_told_so(tmp_path: Path) -> None:
    """A row typed by hand with commas into a file Excel saved with semicolons (or the
    other way round) was "the row has 1 fields, the header 3: not valid CSV", which
    says neither what is wrong with it nor the plural of one."""
    path = tmp_path / "r.csv"
    path.write_text(
        "id;audience;name\nex-1;public;Alex Example\nex-2,public,Sam Sample\n"
        "ex-3;public\nex-4\tpublic\tKim Test\n",
        encoding="utf-8",
    )
    assert problems_of(path) == [
        f"{path}:3: the row has 1 field, the header 3: not valid CSV; the header's columns "
        "are separated by ';', this row's by ',': use ';' throughout",
        f"{path}:4: the row has 2 fields, the header 3: not valid CSV",
        f"{path}:5: the row has 1 field, the header 3: not valid CSV; the header's columns "
        "are separated by ';', this row's by a tab: use ';' throughout",
    ]
    path.write_text("id,audience,name\nex-1;public;Doe, Jo\n", encoding="utf-8")
    assert problems_of(path) == [
        f"{path}:2: the row has 2 fields, the header 3: not valid CSV; the header's columns "
        "are separated by ',', this row's by ';': use ',' throughout",
    ]


def test_a_row_of_too_many_fields_holding_a_line_break_is_no_internal_error(
    tmp_path: Path,
) -> None:
    """A value of two lines (in quotes) in a row of a field too many: looking for the
    row's own separator read it again as one line, and csv raised 'new-line character
    seen in unquoted field', an internal error."""
    path = tmp_path / "r.csv"
    for line_break in ("\n", "\r"):
        path.write_text(
            f'id;audience;name\nex-1;public;"Alex{line_break}Jr, x";extra\n',
            encoding="utf-8",
            newline="",
        )
        assert problems_of(path) == [
            f"{path}:2: the row has 4 fields, the header 3: not valid CSV; a value holding "
            "';' goes in double quotes"
        ]


def test_row_audience_wins_over_the_option(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,audience\nex-1,legislators\nex-2,\n", encoding="utf-8")
    found = load_recipients(path, check_audience, audience="public")
    assert [(r.audience, r.folder) for r in found.recipients] == [
        ("legislators", "legislators"),
        ("public", "public"),
    ]


def test_the_columns_a_message_lists_are_the_first_twenty_clipped(tmp_path: Path) -> None:
    """--name-column naming no column listed every column of the header, whole: a
    header of 900 names of 2,000 letters made a message of 1.8 MB, one line."""
    path = tmp_path / "r.csv"
    columns = ["id", "audience", *(f"c{n}_{'x' * 2000}" for n in range(900))]
    path.write_text(",".join(columns) + "\na,public" + "," * 900 + "\n", encoding="utf-8")
    [message] = problems_of(path, name_column="nope")
    shown = "c0_" + "x" * 56 + "\u2026"
    assert message.startswith(
        f"{path}:1: nope: no such column (the columns are id, audience, {shown}, "
    )
    assert message.endswith(", c17_" + "x" * 55 + "\u2026 and 882 more); it names each file")
    assert len(message) < 1500 + len(str(path))


def test_name_column(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("office_code,audience\nexample-office-1,public\n", encoding="utf-8")
    found = load_recipients(path, check_audience, name_column="office_code")
    assert [r.slug for r in found.recipients] == ["example-office-1"]
    assert problems_of(path, name_column="office") == [
        f"{path}:1: office: no such column (the columns are office_code, audience; "
        "did you mean 'office_code'?); it names each file"
    ]


def test_header_mistakes(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,audience,first name,,id\nex-1,public,A,B,C\n", encoding="utf-8")
    found = problems_of(path)
    assert [m.split(": ")[1] for m in found] == ["first name", "column 4 (D)", "id"]
    assert all(m.startswith(f"{path}:1: ") for m in found)


def test_empty_unnamed_columns_a_spreadsheet_saves_are_not_columns(tmp_path: Path) -> None:
    """Excel saves the columns past the data too (``id,audience,name,,``); one with no
    name is an error only when some row puts a value in it."""
    path = tmp_path / "r.csv"
    path.write_text(
        "id,audience,,name,,\r\nex-1,public,,Alex,,\r\nex-2,public,,Sam,,\r\n,,,,,\r\n",
        encoding="utf-8",
    )
    found = load_recipients(path, check_audience)
    assert found.columns == KNOWN_COLUMNS
    assert [row_values(found, r)["name"] for r in found.recipients] == ["Alex", "Sam"]
    path.write_text("id,audience,,name,,\nex-1,public,,Alex,,\nex-2,public,x,Sam,,\n", "utf-8")
    assert problems_of(path) == [
        f"{path}:1: column 3 (C): the header names no column here, and rows have values in "
        "it; name it, or delete the column"
    ]
    # Named as the spreadsheet names it past Z, where a user counting columns would not.
    path.write_text("id,audience" + "," * 27 + "\nex-1,public" + "," * 27 + "x\n", "utf-8")
    assert problems_of(path)[0].startswith(f"{path}:1: column 29 (AC): the header names")


def test_known_columns_in_any_case_and_a_usable_name_suggested(tmp_path: Path) -> None:
    """A spreadsheet's header says ``ID``, ``Audience``, ``Place``: those are the known
    columns; another name keeps its case; a name a template cannot read gets one it can."""
    path = tmp_path / "r.csv"
    path.write_text("ID,Audience,Name,District\nex-1,public,Alex,7\n", encoding="utf-8")
    found = load_recipients(path, check_audience)
    assert found.columns == (*KNOWN_COLUMNS, "District")
    assert row_values(found, found.recipients[0])["name"] == "Alex"
    assert load_recipients(path, check_audience, name_column="NAME").recipients[0].slug == "Alex"
    path.write_text("id,audience,First name,ID\nex-1,public,Alex,ex-2\n", encoding="utf-8")
    assert problems_of(path) == [
        f"{path}:1: First name: a template cannot read a column named so; use letters A "
        "to Z, digits and _, starting with a letter (did you mean 'First_name'?)",
        f"{path}:1: id: in the header twice (columns 1 and 4, A and D); rename one",
    ]
    path = tmp_path / "r.yaml"
    path.write_text("- ID: ex-1\n  Audience: public\n  id: ex-2\n", encoding="utf-8")
    assert problems_of(path) == [f"{path}:3: id: given twice (line 1)"]


def test_a_column_in_the_header_many_times_is_told_once(tmp_path: Path) -> None:
    """Each repeat was told on a line of its own: a header of 900 'name' columns gave
    899 lines, "in the header twice (columns 3 and N)", of which 100 were listed."""
    path = tmp_path / "r.csv"
    path.write_text("id,audience,name,name,x,name\nex-1,public,a,b,c,d\n", encoding="utf-8")
    assert problems_of(path) == [
        f"{path}:1: name: in the header 3 times (columns 3, 4 and 6, C, D and F); rename all "
        "but one"
    ]
    path.write_text("id,audience" + ",name" * 900 + "\nex-1,public" + ",a" * 900 + "\n")
    assert problems_of(path) == [
        f"{path}:1: name: in the header 900 times (columns 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 "
        "and 890 more, C, D, E, F, G, H, I, J, K, L and 890 more); rename all but one"
    ]


def test_a_list_where_one_value_belongs_is_told_once(tmp_path: Path) -> None:
    """An id or audience written as a YAML list was told twice: 'expected one value,
    got a list or mapping', then 'empty', which it is not."""
    path = tmp_path / "r.yaml"
    path.write_text("- id: [a]\n  audience: [public]\n", encoding="utf-8")
    assert problems_of(path) == [
        f"{path}:1: id: expected one value, got a list or mapping",
        f"{path}:2: audience: expected one value, got a list or mapping",
    ]


RESERVED = "a reserved word, which cannot name a column a template reads; rename it, such as "


def test_a_reserved_word_is_told_as_one(tmp_path: Path) -> None:
    """True, None, False are letters, so "use letters, digits and _" was no help."""
    path = tmp_path / "r.csv"
    path.write_text("id,audience,True,None,False,true\nex-1,public,a,b,c,d\n", encoding="utf-8")
    assert problems_of(path) == [
        f"{path}:1: True: {RESERVED}'True_'",
        f"{path}:1: None: {RESERVED}'None_'",
        f"{path}:1: False: {RESERVED}'False_'",
    ]


def test_a_yaml_key_is_its_text_as_written(tmp_path: Path) -> None:
    """`null:` is the column null (once 'None: ... use letters, digits and _'), `~:`
    a name a template cannot read, an empty key no name at all."""
    path = tmp_path / "r.yaml"
    path.write_text("- id: ex-1\n  audience: public\n  null: 7\n", encoding="utf-8")
    found = load_recipients(path, check_audience)
    assert row_values(found, found.recipients[0])["null"] == "7"
    path.write_text(
        '- id: ex-1\n  audience: public\n  ~: 7\n  "": 8\n  None: 10\n',
        encoding="utf-8",
    )
    assert problems_of(path) == [
        f"{path}:3: ~: a template cannot read a column named so; use letters A to Z, digits"
        " and _, starting with a letter",
        f"{path}:4: an empty key names no column; write its name",
        f"{path}:5: None: {RESERVED}'None_'",
    ]


def test_bad_csv_quoting_is_reported_and_later_rows_still_checked(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('id,audience\n"ex-1"x,public\n../up,public\n', encoding="utf-8")
    found = problems_of(path)
    assert found[0].startswith(f"{path}:2: not valid CSV: ")
    assert found[1].startswith(f"{path}:3: id: '../up' holds a path separator")


@pytest.mark.parametrize(("separator", "shown"), [(",", "','"), (";", "';'"), ("\t", "a tab")])
def test_text_after_a_closing_quote_is_told_with_its_fix(
    tmp_path: Path, separator: str, shown: str
) -> None:
    """A quotation mark inside a quoted value, not doubled, was told in the csv module's
    words, "',' expected after '\"'" (a tab printed as itself), which name no fix."""
    path = tmp_path / "r.csv"
    path.write_text(
        separator.join(["id", "audience", "office"])
        + "\n"
        + separator.join(["ex-1", "public", '"The "Big" Office"'])
        + "\n",
        encoding="utf-8",
    )
    assert problems_of(path) == [
        f"{path}:2: not valid CSV: a quoted value's closing quotation mark (\") is followed "
        f"by text or a space, not by {shown} or the line's end; a quotation mark inside a "
        'value is written twice, the whole value in quotes: "The ""Big"" Office"'
    ]
    # Written so, the value is read as meant.
    path.write_text(
        separator.join(["id", "audience", "office"])
        + "\n"
        + separator.join(["ex-1", "public", '"The ""Big"" Office"'])
        + "\n",
        encoding="utf-8",
    )
    found = load_recipients(path, check_audience)
    assert row_values(found, found.recipients[0])["office"] == 'The "Big" Office'


def test_a_quoted_value_may_follow_a_space(tmp_path: Path) -> None:
    """Typed as people type a list, 'ex-1, "Sam, Sample"': the quotation mark after the
    space was a character of the value, so the comma in it split the row ("the row has
    4 fields, the header 3 ... a value holding ',' goes in double quotes", which it
    was in), and a quoted value without one was printed with its quotation marks."""
    path = tmp_path / "r.csv"
    path.write_text(
        'id, audience, name\nex-1, public, "Sam, Sample"\nex-2, public, "Alex ""Al"" Example"\n'
        'ex-3,   public,   "Kim"\n',
        encoding="utf-8",
    )
    found = load_recipients(path, check_audience)
    assert [row_values(found, r)["name"] for r in found.recipients] == [
        "Sam, Sample",
        'Alex "Al" Example',
        "Kim",
    ]
    # A space after the closing mark is told: the csv module reads no further.
    path.write_text('id,audience,name\nex-1,public,"Sam, Sample" \n', encoding="utf-8")
    assert problems_of(path)[0].startswith(
        f"{path}:2: not valid CSV: a quoted value's closing quotation mark (\") is followed "
        "by text or a space"
    )


def test_a_column_name_with_accents_is_told_its_name_without(tmp_path: Path) -> None:
    """A Spanish or German office's header: 'Número' was told "use letters" (which it
    is), and offered 'N_mero'."""
    path = tmp_path / "r.csv"
    path.write_text(
        "id,audience,Número,Código postal,Straße,Teléfono (móvil),城市\nex-1,public,1,2,3,4,5\n",
        encoding="utf-8",
    )
    cannot = "a template cannot read a column named so; use letters A to Z, digits and _, "
    assert problems_of(path) == [
        f"{path}:1: Número: {cannot}starting with a letter (did you mean 'Numero'?)",
        f"{path}:1: Código postal: {cannot}starting with a letter (did you mean 'Codigo_postal'?)",
        f"{path}:1: Straße: {cannot}starting with a letter (did you mean 'Strasse'?)",
        f"{path}:1: Teléfono (móvil): {cannot}starting with a letter (did you mean "
        "'Telefono_movil'?)",
        f"{path}:1: 城市: {cannot}starting with a letter",
    ]


def test_a_yaml_file_not_a_list_is_told_how_it_was_written(tmp_path: Path) -> None:
    """The list under a key ('recipients:'), or one recipient without '- ', as a file
    is written by hand: each was told only "a YAML recipients file is a list of
    mappings", at line 1, and an empty file so too, not as a file of no rows."""
    shape = "a recipients file is"
    cases = {
        "r.yaml": (
            "# our list\nrecipients:\n  - id: ex-1\n    audience: public\n",
            f"r.yaml:2: the recipients are listed under 'recipients'; {shape} that list alone,"
            " a mapping per recipient: delete the line 'recipients:' and unindent the list "
            "below it",
        ),
        "one.yaml": (
            "id: ex-1\naudience: public\n",
            f"one.yaml:1: a mapping, not a list of them; {shape} a list of mappings, one per "
            "recipient: start each recipient with '- ' (- id: ex-1)",
        ),
        "r.json": (
            '{"recipients": [{"id": "ex-1", "audience": "public"}]}',
            f"r.json:1: the recipients are listed under 'recipients'; {shape} that list alone,"
            " a mapping per recipient: write the list without the object around it: "
            "[{...}, {...}]",
        ),
        "one.json": (
            '{"id": "ex-1", "audience": "public"}',
            f"one.json:1: a mapping, not a list of them; {shape} a list of mappings, one per "
            "recipient: put [ ] around it",
        ),
        "text.yaml": ("just text\n", f"text.yaml:1: {shape} a list of mappings, one per recipient"),
        "empty.yaml": ("# nothing yet\n", "empty.yaml:1: no recipients: the file has no rows"),
    }
    for name, (text, told) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert problems_of(tmp_path / name) == [f"{tmp_path}/{told}"]


def test_a_yaml_value_cut_by_a_comment_is_refused(tmp_path: Path) -> None:
    """'office: Suite #200' read as 'Suite' (YAML's comment), and the letter printed
    that; a comment written '# ' with its space is still one."""
    path = tmp_path / "r.yaml"
    path.write_text(
        "- id: ex-1\n  audience: public  # the public brief\n  office: Suite #200\n",
        encoding="utf-8",
    )
    assert problems_of(path) == [
        f"{path}:3: YAML: the value reads 'Suite': '#200' after it is a comment, which YAML "
        "leaves out; put the whole value in quotes if '#' belongs to it (\"Suite #200\"), "
        "or write '# ' with a space for a comment"
    ]
    path.write_text(
        '- id: ex-1\n  audience: public  # the public brief\n  office: "Suite #200"\n',
        encoding="utf-8",
    )
    found = load_recipients(path, check_audience)
    assert [row_values(found, r)["office"] for r in found.recipients] == ["Suite #200"]


def test_a_yaml_line_indented_wrong_is_told_so(tmp_path: Path) -> None:
    """A recipient's '- ' typed at the keys' indent: told as "expected <block end>, but
    found '-'", the parser's own words. Where lining it up with a line above mends
    the file, that line is named; else (a quoted key) the indent is asked about."""
    path = tmp_path / "r.yaml"
    path.write_text(
        "- id: ex-1\n  audience: public\n  - id: ex-2\n    audience: public\n",
        encoding="utf-8",
    )
    assert problems_of(path) == [
        f"{path}:3: YAML: '- id' is indented 2 spaces; start it at the line's start, as "
        "'- id' is on line 1 (or, if this line goes on with the text of line 2, put that "
        "text in quotes), column 3"
    ]
    path.write_text('- id: ex-1\n  audience: public\n "name": Kim\n', encoding="utf-8")
    assert problems_of(path) == [
        f"{path}:3: YAML: expected <block end>, but found '<block mapping start>' (is this "
        "line indented as meant? A mapping's keys line up with one another, and so does "
        "each '- ' of a list), column 2"
    ]


def test_yaml_list_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "- id: ex-1\n  audience: public\n  name: Alex Example\n  district: 7\n"
        "- id: ex-1\n  audience: public\n"
        "- id: ex-3\n  audience: public\n  office: [a, b]\n",
        encoding="utf-8",
    )
    assert problems_of(path) == [
        f"{path}:5: id: 'ex-1' again (line 1); each copy needs its own file name",
        f"{path}:9: office: expected one value, got a list or mapping",
    ]
    path.write_text("- id: ex-1\n  audience: public\n  district: 7\n", encoding="utf-8")
    found = load_recipients(path, check_audience)
    assert row_values(found, found.recipients[0])["district"] == "7"


def test_yaml_values_are_the_text_as_written(tmp_path: Path) -> None:
    """YAML would read 02134 as the number 2134 and `true` as a boolean; a recipients
    file's columns are text, so each keeps what was typed (a null is empty)."""
    path = tmp_path / "r.yaml"
    path.write_text(
        "- id: 007\n  audience: public\n  zip: 02134\n  district: 1e3\n  flag: true\n"
        "  title: NO\n  when: 2024-01-02\n  name: ~\n  office:\n  note: 'quoted'\n",
        encoding="utf-8",
    )
    found = load_recipients(path, check_audience)
    values = row_values(found, found.recipients[0])
    assert found.recipients[0].slug == "007"
    assert {k: values[k] for k in ("zip", "district", "flag", "title", "when", "note")} == {
        "zip": "02134",
        "district": "1e3",
        "flag": "true",
        "title": "NO",
        "when": "2024-01-02",
        "note": "quoted",
    }
    assert values["name"] == values["office"] == ""


def test_json_is_read_as_yaml_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(
        '[\n\t{"id": "ex-1", "audience": "public", "district": 7, "title": null},\n'
        '\t{"id": "ex-1", "audience": "public"}\n]\n',
        encoding="utf-8",
    )
    assert problems_of(path) == [
        f"{path}:3: id: 'ex-1' again (line 2); each copy needs its own file name"
    ]
    path.write_text('[{"id": "ex-1", "audience": "public", "district": 7}]', encoding="utf-8")
    found = load_recipients(path, check_audience)
    assert row_values(found, found.recipients[0])["district"] == "7"


@pytest.mark.parametrize("suffix", [".xlsx", ".XLS", ".ods", ".numbers"])
def test_a_spreadsheet_is_refused_with_what_to_do(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"offices{suffix}"
    path.write_text("id,audience\nex-1,public\n", encoding="utf-8")  # even one that is text
    assert problems_of(path) == [
        f"{path}: a spreadsheet, which briefgen does not read: save it as CSV UTF-8 "
        "(comma- or semicolon-separated) and pass that file"
    ]


@pytest.mark.parametrize(
    "start",
    [b"PK\x03\x04\x14\x00\x06\x00", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"],
    ids=["xlsx-ods-numbers", "xls"],
)
@pytest.mark.parametrize("name", ["recipients.csv", "recipients.yaml"])
def test_a_spreadsheet_under_a_text_name_is_refused_as_one(
    tmp_path: Path, start: bytes, name: str
) -> None:
    """A workbook renamed to ``recipients.csv`` (or saved as "Excel Workbook" under
    that name) is told as the spreadsheet it is, with what to do, not as "not a text
    file", which leaves a user who sees a spreadsheet in Excel wondering what is wrong."""
    path = tmp_path / name
    path.write_bytes(start + b"[Content_Types].xml" + bytes(range(256)))
    assert problems_of(path) == [
        f"{path}: a spreadsheet, which briefgen does not read: save it as CSV UTF-8 "
        "(comma- or semicolon-separated) and pass that file"
    ]


def test_empty_file_and_not_a_list(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("", encoding="utf-8")
    assert problems_of(path) == [f"{path}:1: no recipients: the file has no rows"]
    path = tmp_path / "r.yml"
    path.write_text("id: ex-1\n", encoding="utf-8")
    assert problems_of(path)[0].startswith(f"{path}:1: a mapping, not a list of them")


def test_a_file_with_nul_bytes_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"id,audience\nex-1,public\0\n")
    assert problems_of(path) == [f"{path}: this is not a text file (it contains NUL bytes)"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_excel_unicode_text_reads_as_tab_separated_utf16(tmp_path: Path, encoding: str) -> None:
    """Excel's "Unicode Text" (and Notepad's "Unicode") is UTF-16 behind a byte-order
    mark, tab-separated: it was refused as "not a text file"."""
    path = tmp_path / "offices.txt"
    text = "id\taudience\tname\r\nex-1\tpublic\tJosé Peña\r\nex-2\tpublic\tZoë\r\n"
    path.write_bytes(("\ufeff" + text).encode(encoding))
    found = load_recipients(path, check_audience)
    assert [row_values(found, r)["name"] for r in found.recipients] == ["José Peña", "Zoë"]


def test_broken_utf16_is_refused_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes("id,audience\nex-1,public\n".encode("utf-16") + b"\x00\xd8A\x00")
    assert problems_of(path) == [
        f"{path}:3: not valid UTF-16 (the file begins as UTF-16 does); save the file as UTF-8"
    ]


def test_yaml_mistakes_each_at_its_line(tmp_path: Path) -> None:
    """A recipient that is not a mapping, a column given twice, a list for a value and
    a name a template cannot read, each at its line; the keys after each still read."""
    path = tmp_path / "r.yaml"
    path.write_text(
        "- ID: ex-1\n"
        "  Audience: public\n"
        "  id: ex-9\n"
        "  first name: Alex\n"
        "- just text\n"
        "- id: ex-2\n"
        "  audience: public\n"
        "  office: [a, b]\n"
        "  class: x\n"
        "- id: ex-3\n"
        "  audience: public\n"
        "  2nd name: Sam\n",
        encoding="utf-8",
    )
    cannot = "a template cannot read a column named so; use letters A to Z, digits and _, "
    assert problems_of(path) == [
        f"{path}:3: id: given twice (line 1)",
        f"{path}:4: first name: {cannot}starting with a letter (did you mean 'first_name'?)",
        f"{path}:5: each recipient is a mapping of column: value",
        f"{path}:8: office: expected one value, got a list or mapping",
        f"{path}:9: class: {RESERVED}'class_'",
        f"{path}:12: 2nd name: {cannot}starting with a letter",
    ]
    path.write_text("- id: ex-1\n  audience: [public\n", encoding="utf-8")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:3: ")
    path.write_text("- id: ex-1\n  audience: public\n  title: null\n", encoding="utf-8")
    found = load_recipients(path, check_audience)
    assert row_values(found, found.recipients[0])["title"] == ""


def test_the_header_line_alone_decides_the_separator(tmp_path: Path) -> None:
    """Semicolons in the rows (quoted, in a comma file) do not make it a semicolon file."""
    path = tmp_path / "r.csv"
    rows = "".join(f'ex-{n},public,"A; B; C; D; E"\n' for n in range(5))
    path.write_text("\n\nid,audience,name\n" + rows, encoding="utf-8")
    found = load_recipients(path, check_audience)
    assert [row_values(found, r)["name"] for r in found.recipients] == ["A; B; C; D; E"] * 5


def test_problems_are_recipients_errors(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,audience\n,public\n", encoding="utf-8")
    with pytest.raises(RecipientsError):
        load_recipients(path, check_audience)


def test_at_most_a_hundred_problems_are_listed(tmp_path: Path) -> None:
    """The message lists a hundred, then how many more; the error holds every one,
    for check to count and list in --json (it counted the "more" line as one)."""
    path = tmp_path / "r.csv"
    path.write_text("id,audience\n" + ",public\n" * 150, encoding="utf-8")
    assert len(problems_of(path)) == 150
    with pytest.raises(ProblemList) as caught:
        load_recipients(path, check_audience)
    lines = caught.value.format_message().splitlines()
    assert len(lines) == 101
    assert lines[-1] == f"{path}: ... and 50 more problems"


def test_too_many_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert recipients.MAX_ROWS == 100_000
    monkeypatch.setattr(recipients, "MAX_ROWS", 2)
    path = tmp_path / "r.csv"
    path.write_text("id,audience\nex-1,public\nex-2,public\nex-3,public\n", encoding="utf-8")
    assert problems_of(path) == [
        f"{path}:4: more than 2 recipients, the most one batch takes; split the file"
    ]
    path.write_text("id,audience\nex-1,public\nex-2,public\n", encoding="utf-8")
    assert len(load_recipients(path, check_audience).recipients) == 2  # the limit itself
    # Told first, not after the rows' problems, past the hundred the message lists.
    monkeypatch.setattr(recipients, "MAX_ROWS", 120)
    path.write_text("id,audience\n" + ",public\n" * 121, encoding="utf-8")
    with pytest.raises(ProblemList) as caught:
        load_recipients(path, check_audience)
    assert caught.value.format_message().splitlines()[0] == (
        f"{path}:122: more than 120 recipients, the most one batch takes; split the file"
    )


def test_too_many_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert recipients.MAX_COLUMNS == 1_000
    monkeypatch.setattr(recipients, "MAX_COLUMNS", 3)
    path = tmp_path / "r.csv"
    path.write_text("\n\nid,audience,a,b\nex-1,public,1,2\n", encoding="utf-8")
    assert problems_of(path) == [
        f"{path}:3: 4 columns, more than the 3 a recipients file may have; keep only the "
        "columns the templates read"
    ]
    # Empty unnamed columns past the data are not columns (a spreadsheet saves them).
    path.write_text("id,audience,a,,\nex-1,public,1,,\n", encoding="utf-8")
    assert load_recipients(path, check_audience).recipients[0].slug == "ex-1"
    yaml = tmp_path / "r.yaml"
    yaml.write_text(
        "- {id: ex-1, audience: public, a: 1}\n- {id: ex-2, audience: public, b: 2}\n",
        encoding="utf-8",
    )
    assert problems_of(yaml) == [
        f"{yaml}:2: b: more columns than the 3 a recipients file may have; keep only the "
        "columns the templates read"
    ]
    yaml.write_text("- {id: ex-1, audience: public, a: 1}\n", encoding="utf-8")
    assert len(load_recipients(yaml, check_audience).recipients) == 1  # the limit itself


def test_a_header_of_many_thousand_columns_is_refused_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each column is a field of the template's ``recipient``: 50,000 of them took 36 s
    and 440 MiB to build one copy before the limit."""
    monkeypatch.chdir(tmp_path)
    names = ",".join(f"c{i}" for i in range(50_000))
    Path("recipients.csv").write_text(
        f"id,audience,{names}\nex-1,public,{','.join('x' * 50_000)}\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        cli, ["build", "--facts", str(REPO / "facts"), "--recipients", "recipients.csv"]
    )
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        "recipients.csv:1: 50,002 columns, more than the 1,000 a recipients file may have; "
        "keep only the columns the templates read\n"
    )
    assert not Path("output").exists()


def test_too_large_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert recipients.MAX_BYTES == 20_000_000
    monkeypatch.setattr(recipients, "MAX_BYTES", 10)
    path = tmp_path / "r.csv"
    path.write_text("id,audience\nex-1,public\n", encoding="utf-8")
    assert problems_of(path) == [
        f"{path}: larger than 10 bytes, the most briefgen reads from a recipients file; "
        "split it or leave out what the briefs do not need"
    ]


def test_accents_typed_apart_are_read_as_one_letter(tmp_path: Path) -> None:
    # "José" with its accent typed apart (NFD, as macOS keeps file names) is the same id
    # as "José" typed as one letter, and its name is printed with the one letter.
    path = tmp_path / "r.csv"
    path.write_text(
        "id,audience,name\nJos\u00e9,public,Pe\u00f1a\nJose\u0301,public,Pen\u0303a\n",
        encoding="utf-8",
    )
    assert problems_of(path) == [
        f"{path}:3: id: 'Jos\u00e9' again (line 2); each copy needs its own file name"
    ]
    path.write_text("id,audience,name\nr1,public,Pen\u0303a\n", encoding="utf-8")
    (recipient,) = load_recipients(path, check_audience).recipients
    assert recipient.slug == "r1" and "Pe\u00f1a" in recipient.values


def test_yaml_escapes_are_read_composed(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text('- id: r1\n  audience: public\n  name: "Pen\\u0303a"\n', encoding="utf-8")
    (recipient,) = load_recipients(path, check_audience).recipients
    assert "Pe\u00f1a" in recipient.values


def test_yaml_duplicate_keys_tags_and_merge_keys_are_refused(tmp_path: Path) -> None:
    """A key given twice would drop a value silently; a tag would print Python's text
    (``!!float 1e3`` as 1000.0); a merge key would leave its row's columns empty."""
    path = tmp_path / "r.yaml"
    path.write_text(
        "- id: ex-1\n"
        "  audience: public\n"
        "  name: Alex\n"
        "  name: Sam\n"
        "- id: ex-2\n"
        "  audience: public\n"
        "  title: !!float 1e3\n"
        "- &base {id: ex-3, audience: public}\n"
        "- <<: *base\n"
        "  id: ex-4\n",
        encoding="utf-8",
    )
    assert problems_of(path) == [
        f"{path}:4: name: duplicate key (first given on line 3)",
        f"{path}:7: YAML: a tag (!!float) here: every value is read as the text written; "
        "leave the tag out",
        f"{path}:9: a YAML merge key (<<), which a recipients file does not read: write "
        "each column in each row",
    ]


def test_a_yaml_file_holds_as_many_recipients_as_a_csv(tmp_path: Path) -> None:
    # The facts files' 100,000 values stopped a YAML list at about 25,000 recipients;
    # the docs promise 100,000 for either format.
    path = tmp_path / "r.yaml"
    path.write_text("".join(f"- {{id: r{n}, audience: public}}\n" for n in range(26_000)))
    assert len(load_recipients(path, check_audience).recipients) == 26_000
    bomb = "- &a {id: x, audience: public}\n" + "".join(
        f"- &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]\n"
        for n in range(12)
    )
    path.write_text(bomb)
    (problem,) = problems_of(path)
    assert "more than 2,000,000 values; do aliases (*name) multiply them?" in problem


def test_an_alias_bomb_in_a_row_is_told_at_its_column(tmp_path: Path) -> None:
    # Once told as "r.yaml:1: 0: more than ...": the row's index for a column, at the
    # row's first line, not the column whose aliases passed the limit.
    path = tmp_path / "r.yaml"
    columns = ["  c0: &c0 [" + ", ".join(["x"] * 9) + "]\n"]
    columns += [f"  c{n}: &c{n} [" + ", ".join([f"*c{n - 1}"] * 9) + "]\n" for n in range(1, 8)]
    path.write_text("- id: a\n  audience: public\n" + "".join(columns))
    assert problems_of(path) == [
        f"{path}:9: c6: more than 2,000,000 values; do aliases (*name) multiply them?"
    ]
    path.write_text("- &row\n  id: a\n  audience: public\n  again: *row\n")
    assert problems_of(path) == [
        f"{path}:4: again: an alias (*name) refers to the value that contains it"
    ]


def test_lines_ended_by_a_lone_cr_keep_their_numbers(tmp_path: Path) -> None:
    # An old Mac spreadsheet ends lines with CR alone: every bad line was line 1.
    path = tmp_path / "r.csv"
    path.write_bytes(b"id,audience,name\rr1,public,Bob\rr2,public,Pe\xf1a\rr3,public,Ann\r")
    assert problems_of(path) == [
        f"{path}:3: not valid UTF-8 (byte 0xf1); save the file as UTF-8 "
        "(in Excel: Save As, CSV UTF-8)"
    ]


def test_a_line_not_utf8_is_reported_once_without_its_follow_on_problems(
    tmp_path: Path,
) -> None:
    # José and Josè in Latin-1 both read as 'Jos\ufffd': once also a duplicate id, and a
    # header 'Año' once also a column name to fix ('A_o').
    path = tmp_path / "r.csv"
    path.write_bytes(b"id,audience,name\nJos\xe9,public,x\nJos\xe8,public,y\n")
    assert problems_of(path) == [
        f"{path}:2: not valid UTF-8 (byte 0xe9); save the file as UTF-8 "
        "(in Excel: Save As, CSV UTF-8)",
        f"{path}:3: not valid UTF-8 (byte 0xe8); save the file as UTF-8 "
        "(in Excel: Save As, CSV UTF-8)",
    ]
    path.write_bytes(b"A\xf1o,id,audience\n1,r1,public\n")
    assert problems_of(path) == [
        f"{path}:1: not valid UTF-8 (byte 0xf1); save the file as UTF-8 "
        "(in Excel: Save As, CSV UTF-8)"
    ]


def test_a_yaml_list_is_read_no_further_than_the_rows_a_batch_takes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each item of a YAML list was checked before the rows were counted: 2,000,000
    values that are no rows were told one by one, in 20 s and 1.8 GB."""
    monkeypatch.setattr(recipients, "MAX_ROWS", 2)
    path = tmp_path / "r.yaml"
    path.write_text("- a\n" * 10, encoding="utf-8")
    assert problems_of(path) == [
        f"{path}:3: more than 2 recipients, the most one batch takes; split the file",
        f"{path}:1: each recipient is a mapping of column: value",
        f"{path}:2: each recipient is a mapping of column: value",
    ]


def test_lines_not_utf8_are_told_up_to_the_rows_a_batch_takes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every bad line was told, each a problem kept in memory: 20 MB of 9 million of
    them ran out of memory after a quarter of an hour. As many are told as the rows a
    batch takes, and one more; lines past them are not read."""
    monkeypatch.setattr(recipients, "MAX_ROWS", 2)
    path = tmp_path / "r.csv"
    path.write_bytes(b"id,audience\r\n" + b"r\xe9,public\r\n" * 10)
    bad = "not valid UTF-8 (byte 0xe9); save the file as UTF-8 (in Excel: Save As, CSV UTF-8)"
    assert problems_of(path) == [
        f"{path}:4: more than 2 recipients, the most one batch takes; split the file",
        f"{path}:2: {bad}",
        f"{path}:3: {bad}",
        f"{path}:4: {bad}",
    ]


def test_a_missing_name_column_is_told_at_the_header_line(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("\n\nname,audience\nBob,public\n", encoding="utf-8")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:3: id: no such column")


@pytest.mark.parametrize("line", ["sep=;", "SEP=;", "Sep=;"])
def test_excels_separator_line_names_the_separator(tmp_path: Path, line: str) -> None:
    # "sep=;" first, as Excel writes and reads it: once taken for a column 'sep=';
    # typed in capitals, once taken for a title above the header.
    path = tmp_path / "r.csv"
    path.write_text(f"{line}\r\nid;audience;name\r\nr1;public;A, B\r\n", encoding="utf-8")
    (recipient,) = load_recipients(path, check_audience).recipients
    assert (recipient.line, recipient.slug) == (3, "r1") and "A, B" in recipient.values


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_a_line_break_in_a_cell_is_one_line_feed_however_the_file_ends_lines(
    tmp_path: Path, end: str
) -> None:
    """Alt+Enter in a cell is saved as LF; after unix2dos it is CRLF, once refused as
    "U+000D control character" when printed."""
    path = tmp_path / "r.csv"
    text = f'id,audience,name{end}r1,public,"Alex{end}Example"{end}r2,public,B{end}'
    path.write_bytes(text.encode("utf-8"))
    first, second = load_recipients(path, check_audience).recipients
    assert "Alex\nExample" in first.values
    assert (first.line, second.line) == (2, 4)


@pytest.mark.parametrize(
    "line, named",
    [("sep=", "no separator"), ("sep=;;", "2 characters"), ("sep= ,", "2 characters")],
)
def test_a_separator_line_naming_no_one_character_is_told_so(
    tmp_path: Path, line: str, named: str
) -> None:
    """Once "the header must be the first line: line 2 names the columns", which it is."""
    path = tmp_path / "r.csv"
    path.write_text(f"{line}\nid,audience,name\nr1,public,A\n", encoding="utf-8")
    assert problems_of(path) == [
        f"{path}:1: the first line, '{line}', names {named}; a sep= line names the one"
        " character between the columns (sep=; or sep=,): write that, or delete the line"
    ]
    path.write_text("sep=; \nid;audience;name\nr1;public;A\n", encoding="utf-8")
    assert load_recipients(path, check_audience).recipients[0].slug == "r1"


@pytest.mark.parametrize("name", ["r.csv", "r.yaml"])
def test_two_byte_order_marks_are_told_as_such(tmp_path: Path, name: str) -> None:
    """Not "id: no such column (the columns are \\ufeffid, ...; did you mean '\\ufeffid'?)"."""
    path = tmp_path / name
    text = "id,audience\nr1,public\n" if name == "r.csv" else "- id: r1\n  audience: public\n"
    path.write_bytes(("\ufeff" * 2 + text).encode())
    assert problems_of(path) == [
        f"{path}:1: the file starts with 2 byte-order marks (unseen U+FEFF characters),"
        " where at most one belongs; save it again as UTF-8"
    ]
    path.write_bytes(("\ufeff" + text).encode())
    assert load_recipients(path, check_audience).recipients[0].slug == "r1"


def test_a_wide_file_of_short_cells_is_held_in_a_few_times_its_size(tmp_path: Path) -> None:
    """1,000 columns of two-letter cells: each cell a text of its own (some 50 bytes)
    and each row a dict of its columns (36 KB) made a 20 MB file peak at 700 MiB.
    Alike values are shared and a row is a tuple: measured with tracemalloc, the
    bytes Python allocates (2 MB: 58 MiB before, 19 MiB now)."""
    columns = [f"c{j}" for j in range(994)]
    lines = [",".join(["id", "audience", "name", "title", "office", "place", *columns])]
    for i in range(660):
        cells = [chr(97 + (i + j) % 26) + chr(97 + (i * j) % 26) for j in range(len(columns))]
        lines.append(",".join([f"r{i}", "public", "N", "T", "O", "tucson-az", *cells]))
    path = tmp_path / "wide.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        found = load_recipients(path, check_audience)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(found.recipients) == 660
    assert found.recipients[1].values[found.columns.index("c3")] == "ed"
    assert peak < 15 * size, (peak, size)


def test_a_quote_left_open_is_one_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A quotation mark never closed makes the rest of the file one cell: past the csv
    module's limit on a cell, the reader went on inside it and told each of its lines
    as a row of the wrong width."""
    monkeypatch.chdir(tmp_path)
    path = Path("recipients.csv")
    lines = "\n".join(f"c{n},public,Office {n}" for n in range(8000))
    path.write_text(f'id,audience,office\na,public,"Office A\n{lines}\n', encoding="utf-8")
    assert problems_of(path) == [
        "recipients.csv:2: not valid CSV: a value longer than 131,072 characters; is a "
        'quotation mark (") left open? The lines after it were not read'
    ]
    # Short of the limit, the file ends inside the value.
    path.write_text('id,audience,office\na,public,"Office A\nb,public,B\n', encoding="utf-8")
    assert problems_of(path) == [
        "recipients.csv:2: not valid CSV: the file ends inside a quoted value; is a "
        'quotation mark (") left open?'
    ]
