"""Read and check a recipients file (CSV or YAML): one brief per row.

Every row is checked before anything is rendered, and every problem found is
reported together, one line each: ``recipients.csv:LINE: column: what is wrong``.
A row's slug (its ``id`` column, or the ``--name-column``) names its output files,
so it must be a safe file name on every system and unique within its audience.
"""

from __future__ import annotations

import csv
import difflib
import io
import itertools
import keyword
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.errors import BriefgenError, Location, ProblemList, RecipientsError, raise_all
from briefgen.facts.yamlfile import YamlDocument, parse_yaml
from briefgen.filenames import unsafe_file_name
from briefgen.inputs import clip, clip_name, composed, from_utf16, quote, read_bytes

# The columns briefgen knows; a template can always read these (empty when not given).
KNOWN_COLUMNS = ("id", "audience", "name", "title", "office", "place")
MAX_BYTES = 20_000_000
MAX_ROWS = 100_000
# Each column is a field of the template's ``recipient``; a header of tens of thousands
# of names would take minutes and hundreds of MiB to make into one.
MAX_COLUMNS = 1_000
# A YAML file's values (each row a mapping, each column a key and its value), aliases
# counted as all they stand for: a file of MAX_ROWS rows of several columns, not an
# alias bomb's millions.
MAX_YAML_VALUES = 2_000_000
# A file with very many mistakes is reported up to this many lines.
MAX_PROBLEMS = 100
# How many columns a message lists, when it lists those there are.
COLUMNS_LISTED = 20
_COLUMN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Recipient:
    """One row: where it was written, which audience it is for, its slug and every
    column (known columns missing from the file are empty). Slotted: a batch holds
    up to :data:`MAX_ROWS` of them."""

    row: int  # 1-based, in file order
    line: int  # the line the row starts on
    audience: str
    folder: str  # the output folder of its audience
    slug: str
    values: tuple[str, ...]  # one per RecipientList.columns


@dataclass(frozen=True)
class RecipientList:
    """A checked recipients file."""

    path: Path
    columns: tuple[str, ...]
    recipients: tuple[Recipient, ...]
    # How many rows name no audience of their own, and so take ``--audience``.
    rows_without_audience: int = 0

    def location(self, recipient: Recipient) -> Location:
        """Where ``recipient``'s row is written."""
        return Location.of(self.path, recipient.line)


@dataclass
class _Row:
    """A row of a recipients file: its line, its values by column, and in a YAML
    file the line of each column's key (a CSV row is one line)."""

    line: int
    cells: Mapping[str, str]
    cell_lines: dict[str, int]
    # Columns whose value was told already (a YAML list where one value belongs): not
    # told again as empty.
    told: frozenset[str] = frozenset()


class _Cells(Mapping[str, str]):
    """A CSV row's values by column: one tuple a row and one index of the columns
    for every row, where a dict a row took 36 KB for 1,000 columns (a 20 MB file of
    them peaked at 700 MiB)."""

    __slots__ = ("_index", "_row")

    def __init__(self, index: dict[str, int], row: tuple[str, ...]) -> None:
        self._index = index
        self._row = row

    def __getitem__(self, column: str) -> str:
        return self._row[self._index[column]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


# Given an audience name: the name of its output folder, or raise a BriefgenError.
AudienceCheck = Callable[[str], str]
# What would not print of a value (the first character no font draws), or None.
PrintCheck = Callable[[str], str | None]
# The known columns a template prints (the built-ins address each copy with them): a
# value one of them cannot print is told with the file's other problems, not when
# its row is rendered, one row at a time.
PRINTED_COLUMNS = ("name", "title", "office")


# Files people keep their lists in that are not text: they must save them as CSV.
_SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods", ".numbers")
# How those files begin, whatever they are named (a workbook renamed to
# ``recipients.csv``, or saved as "Excel Workbook" under that name): a ZIP archive
# (.xlsx, .ods, .numbers) or an OLE2 compound file (.xls).
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def load_recipients(
    path: Path,
    check_audience: AudienceCheck,
    audience: str | None = None,
    name_column: str = "id",
    printable: PrintCheck | None = None,
) -> RecipientList:
    """Read ``path`` (``.yaml``/``.yml``/``.json``: a list of mappings; otherwise CSV
    with a header row) and check every row; raise every problem found together.

    ``audience`` (``--audience``) is for rows whose ``audience`` column is empty or
    missing; ``name_column`` names the column that gives each row's slug;
    ``printable`` says what of a value of :data:`PRINTED_COLUMNS` would not print."""
    name_column = _column_name(name_column)
    problems = _Problems(path)
    raw = read_bytes(path, MAX_BYTES, RecipientsError, "a recipients file")
    if path.suffix.lower() in _SPREADSHEETS or raw.startswith(_SPREADSHEET_MAGIC):
        raise RecipientsError(
            "a spreadsheet, which briefgen does not read: save it as CSV UTF-8 "
            "(comma- or semicolon-separated) and pass that file",
            Location.of(path),
        )
    raw = from_utf16(raw, path, RecipientsError)
    if b"\0" in raw:
        raise RecipientsError("this is not a text file (it contains NUL bytes)", Location.of(path))
    text = _decode(raw, problems)
    if path.suffix.lower() in (".yaml", ".yml", ".json"):  # JSON is YAML
        columns, rows = _read_yaml(text, path, problems)
    else:
        columns, rows = _read_csv(text, problems)
    if not rows and not problems.found:
        problems.add(1, "", "no recipients: the file has no rows")
    if name_column not in columns and rows:
        problems.add(
            problems.header_line,
            name_column,
            f"no such column{_suggest(name_column, columns)}; it names each file",
        )
    unnamed = "audience" not in columns and audience is None and bool(rows)
    if unnamed:
        # Not "empty" on every row: the header has no such column ('audiencia').
        close = difflib.get_close_matches("audience", list(columns), n=1)
        fix = (
            f"rename {quote(close[0])} to audience"
            if close
            else "add one naming each row's audience"
        )
        problems.add(problems.header_line, "audience", f"no such column; {fix}, or pass --audience")
    all_columns = (*KNOWN_COLUMNS, *(c for c in columns if c not in KNOWN_COLUMNS))
    recipients = _check_rows(
        rows,
        all_columns,
        check_audience,
        audience,
        name_column in columns,
        name_column,
        problems,
        told_unnamed=unnamed,
    )
    if printable is not None:
        for row in rows:
            for column in PRINTED_COLUMNS:
                value = row.cells.get(column, "")
                if value and (problem := printable(value)):
                    problems.add(row.cell_lines.get(column, row.line), column, f"has {problem}")
    problems.raise_all()
    without_audience = sum(1 for row in rows if not row.cells.get("audience", ""))
    return RecipientList(path, all_columns, tuple(recipients), without_audience)


class _Problems:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.found: list[BriefgenError] = []
        self.undecodable: set[int] = set()  # lines not UTF-8, reported once each
        self.header_line = 1
        self.leading: list[BriefgenError] = []  # told before the rows' problems

    def add(self, line: int, column: str, what: str, first: bool = False) -> None:
        """A problem at ``line``; ``first``: one about the whole file, told before the
        problems of its rows, which may be more than the message lists."""
        message = f"{clip_name(column)}: {what}" if column else what
        problem = RecipientsError(message, Location.of(self.path, line))
        (self.leading if first else self.found).append(problem)

    def raise_all(self) -> None:
        found = self.leading + sorted(
            self.found, key=lambda p: p.location.line if p.location else 0
        )
        if len(found) > MAX_PROBLEMS:
            # The message lists the first hundred; check --json gets every one.
            raise ProblemList(found, shown=MAX_PROBLEMS)
        raise_all(found)


def _decode(raw: bytes, problems: _Problems) -> str:
    """UTF-8 text, :func:`composed` (a byte-order mark dropped); each line that is not
    UTF-8 is reported and read with the bad bytes replaced, so the other rows are still
    checked."""
    # Every line ending a spreadsheet writes, the old Mac's lone CR too, kept as it was.
    marks = 0
    while raw.startswith(_BOM):
        raw, marks = raw[len(_BOM) :], marks + 1
    if marks > 1:
        # A tool that adds a mark to a file that has one: the first column's name would
        # hold the second, unseen ('\ufeffid'). Told, and the rest of the file checked.
        problems.add(
            1,
            "",
            f"the file starts with {marks} byte-order marks (unseen U+FEFF characters), "
            "where at most one belongs; save it again as UTF-8",
        )
    try:
        return composed(raw.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    # Each bad byte is found where the text holds it (escaped as a lone surrogate) and
    # its line by counting the line endings before it, the lines after a bad one taken
    # whole: read a line at a time, a file of millions of short lines took seconds even
    # when good, and one of millions of bad ones, told each, ran out of memory. So many
    # are told as the rows a batch takes, and one more.
    escaped = raw.decode("utf-8", errors="surrogateescape")
    line, counted = 1, 0
    found = _ESCAPED_BYTE.search(escaped)
    while found is not None and len(problems.undecodable) <= MAX_ROWS:
        at = found.start()
        line += _line_ends(escaped, counted, at)
        counted = at
        problems.add(
            line,
            "",
            # Excel's plain "CSV" is the system's code page (Windows-1252 for
            # José): the choice to make is named as Excel's menu names it.
            f"not valid UTF-8 (byte 0x{ord(found.group()) - 0xDC00:02x}); save the file "
            "as UTF-8 (in Excel: Save As, CSV UTF-8)",
        )
        problems.undecodable.add(line)
        next_line = _LINE_END.search(escaped, at)
        found = None if next_line is None else _ESCAPED_BYTE.search(escaped, next_line.start())
    return composed(raw.decode("utf-8", errors="replace"))


def _line_ends(text: str, start: int, end: int) -> int:
    """How many line endings (CRLF, CR or LF) ``text[start:end]`` holds, neither end
    inside a CRLF."""
    return (
        text.count("\n", start, end) + text.count("\r", start, end) - text.count("\r\n", start, end)
    )


_BOM = "\ufeff".encode()
_LINE_END = re.compile(r"[\r\n]")
# A byte that is not UTF-8, decoded with errors="surrogateescape".
_ESCAPED_BYTE = re.compile(r"[\udc80-\udcff]")
# Excel's first line naming the separator, as it writes and reads it: "sep=;" (a
# hand-typed "SEP=;" too: no header names a column "sep=").
_SEPARATOR_LINE = re.compile(r"[ \t]*sep=([^\r\n]*)", re.IGNORECASE)


def _read_csv(text: str, problems: _Problems) -> tuple[tuple[str, ...], list[_Row]]:
    delimiter = None
    if separator := _SEPARATOR_LINE.match(text):
        given = separator.group(1)
        given = given[:1] + given[1:].rstrip(" \t")  # "sep=; ": a space or tab may name it
        if len(given) == 1:
            delimiter = given
        else:
            # Told at its line; the file is read on, its separator told from the header.
            what = f"{len(given):,} characters" if given else "no separator"
            problems.add(
                1,
                "",
                f"the first line, '{clip('sep=' + given)}', names {what}; a sep= line names "
                "the one character between the columns (sep=; or sep=,): write that, or "
                "delete the line",
            )
        text = text[separator.end() :]  # the line ending stays: lines keep their numbers
    delimiter = delimiter or _delimiter(text)
    # The header and a row for each recipient a batch takes, no more: a file of 20 MB
    # may hold millions of short lines, which took a minute and gigabytes to read all.
    reading = _csv_records(text, problems, delimiter)
    records = list(itertools.islice(reading, MAX_ROWS + 1))
    if (past := next(reading, None)) is not None:
        problems.add(past[0], "", _too_many_rows(), first=True)
    if not records:
        return (), []
    header_line, header = records[0]
    problems.header_line = header_line
    if header_line in problems.undecodable:
        return (), []  # its names cannot be read: no row can be checked against them
    if below := _header_below(records):
        # A title typed above the header ("Recipients 2026"): one line that says so,
        # not a problem for each of its empty cells and for every row.
        header_at, named = below
        listed = ", ".join(cell.strip() for cell in named if cell.strip())
        problems.add(
            header_line,
            "",
            f"the header must be the first line: line {header_at} names the columns ({listed}); "
            "delete the lines above it",
        )
        return (), []
    names = [cell.strip() for cell in header]
    # A spreadsheet saves the empty columns past the data too: a column with no name
    # and nothing in any row is not one.
    filled = {index for _, cells in records[1:] for index, cell in enumerate(cells) if cell.strip()}
    kept = [index for index, name in enumerate(names) if name or index in filled]
    if len(kept) > MAX_COLUMNS:
        problems.add(header_line, "", _too_many_columns(len(kept)))
        return (), []
    columns = _check_header(header_line, [(i + 1, names[i]) for i in kept], problems)
    index = {column: position for position, column in enumerate(columns)}
    rows = []
    for number in range(1, len(records)):
        line, cells = records[number]
        records[number] = (line, [])  # its values are the row's now
        if line in problems.undecodable:
            continue  # reported; its replaced bytes would make false problems
        if len(cells) != len(header):
            # A field too many is most often a value holding the separator ("Yuma, AZ"),
            # but not when the extra field is empty: a separator left at the end.
            shown = _shown_separator(delimiter)
            hint = (
                f"; a value holding {shown} goes in double quotes"
                + (': "Yuma, AZ"' if delimiter == "," else "")
                if len(cells) > len(header) and cells[-1].strip()
                else ""
            )
            if other := _other_separator(cells, delimiter, len(header)):
                # A row typed into a semicolon file as a comma file has it, or back.
                hint = (
                    f"; the header's columns are separated by {shown}, this row's by "
                    f"{_shown_separator(other)}: use {shown} throughout"
                )
            fields = "field" if len(cells) == 1 else "fields"
            problems.add(
                line,
                "",
                f"the row has {len(cells)} {fields}, the header {len(header)}: not valid CSV"
                + hint,
            )
            continue
        row = tuple(cells[i].strip() for i in kept)
        rows.append(_Row(line, _Cells(index, row), {}))
    return tuple(dict.fromkeys(columns)), rows


def _shown_separator(separator: str) -> str:
    """A column separator as a message names it: ``','``, ``';'``, ``a tab``."""
    return "a tab" if separator == "\t" else f"'{separator}'"


def _other_separator(cells: list[str], delimiter: str, wanted: int) -> str | None:
    """The separator, of those spreadsheets save, that would split a row read as
    ``cells`` into the header's ``wanted`` fields, when ``delimiter`` does not."""
    text = delimiter.join(cells)
    if "\n" in text or "\r" in text:
        # A value of several lines, in quotes: csv.reader([text]) raises on its line
        # break, and a row typed by hand with the wrong separator holds none.
        return None
    for other in (",", ";", "\t"):
        if (
            other != delimiter
            and other in text
            and len(next(csv.reader([text], delimiter=other))) == wanted
        ):
            return other
    return None


def _header_below(records: list[tuple[int, list[str]]]) -> tuple[int, list[str]] | None:
    """The header's line and cells when the first line is a title above it: a first
    line of at most one value naming no known column, before a line (of the next
    few) naming at least two known columns."""
    first = [cell.strip().lower() for cell in records[0][1] if cell.strip()]
    if len(first) > 1 or set(first) & set(KNOWN_COLUMNS):
        return None
    for line, cells in records[1:4]:
        if len({cell.strip().lower() for cell in cells} & set(KNOWN_COLUMNS)) >= 2:
            return line, cells
    return None


def _too_many_rows() -> str:
    return f"more than {MAX_ROWS:,} recipients, the most one batch takes; split the file"


def _too_many_columns(count: int | None) -> str:
    """``count``: the file's columns, None when it was not read to the end."""
    many = f"{count:,} columns, more" if count is not None else "more columns"
    return (
        f"{many} than the {MAX_COLUMNS:,} a recipients file may have; keep only the "
        "columns the templates read"
    )


def _csv_records(
    text: str, problems: _Problems, delimiter: str | None
) -> Iterator[tuple[int, list[str]]]:
    """Each non-empty record with the line it starts on; a malformed one is reported.
    ``delimiter``: the separator, None to tell it from the header line."""
    separator = delimiter or _delimiter(text)
    # skipinitialspace: values are stripped of their spaces, so a quotation mark after
    # one ('ex-1, "Ann, Jr."', as people type a list) opens a quoted value, as meant,
    # rather than being a character of the value, printed, or a comma in it a column.
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=separator, strict=True, skipinitialspace=True
    )
    start = 1
    # Each value once, however many cells hold it: a file of 20 MB may hold millions
    # of short cells, most alike (a text costs some 50 bytes however short), and 1,000
    # columns of them peaked at 700 MiB. Only so many kept to be found again: a file
    # of millions of different values would pay for each twice.
    seen: dict[str, str] = {}
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.add(start, "", f"not valid CSV: {_csv_problem(exc, separator)}")
            if str(exc).startswith("field larger than field limit"):
                # A quotation mark left open made the rest of the file one value:
                # what follows would be read from inside it, each line a wrong row.
                return
            start = reader.line_num + 1
            continue
        if any(cell.strip() for cell in cells):
            # A line break typed in a cell (Alt+Enter) is saved as LF; a file converted
            # for Windows (unix2dos) makes it CRLF, an old Mac's a lone CR. Each is one
            # line break, as LF is, not a control character to refuse.
            cells = [_CELL_LINE_END.sub("\n", cell) if "\r" in cell else cell for cell in cells]
            if len(seen) < _VALUES_KEPT:
                yield start, [seen.setdefault(cell, cell) for cell in cells]
            else:
                yield start, [seen.get(cell, cell) for cell in cells]
        start = reader.line_num + 1


def _csv_problem(exc: csv.Error, separator: str) -> str:
    """What the csv module's ``exc`` says, in a recipients file's words (``separator``:
    the file's, between the columns)."""
    said = str(exc)
    if said.endswith("expected after '\"'"):
        # "The "Big" Office", "Ann" Smith: most often a quotation mark inside a quoted
        # value, not doubled; the csv module's words name no fix, and a tab as itself.
        return (
            "a quoted value's closing quotation mark (\") is followed by text or a space, "
            f"not by {_shown_separator(separator)} or the line's end; a quotation mark inside "
            'a value is written twice, the whole value in quotes: "The ""Big"" Office"'
        )
    if said.startswith("field larger than field limit"):
        return (
            f"a value longer than {csv.field_size_limit():,} characters; is a quotation "
            'mark (") left open? The lines after it were not read'
        )
    if said == "unexpected end of data":
        return 'the file ends inside a quoted value; is a quotation mark (") left open?'
    return said


_CELL_LINE_END = re.compile(r"\r\n?")
# The different values of a recipients file kept to be shared by the cells holding them.
_VALUES_KEPT = 100_000


# What separates the columns: a comma, or a semicolon or tab, as spreadsheets save CSV
# where the comma is the decimal sign (European and Latin American Excel).
_DELIMITERS = (",", ";", "\t")


def _delimiter(text: str) -> str:
    """The header line's separator: of a comma, semicolon and tab, the one it holds
    most (a comma when none). Column names cannot hold any of them."""
    header = re.split(r"\r\n|\r|\n", text.lstrip(), maxsplit=1)[0]
    return max(_DELIMITERS, key=header.count)


def _column_name(name: str) -> str:
    """A known column in any case is that column (a spreadsheet's ``ID``, ``Place``);
    any other name stays as written."""
    return name.lower() if name.lower() in KNOWN_COLUMNS else name


def _check_header(line: int, numbered: list[tuple[int, str]], problems: _Problems) -> list[str]:
    """The header's names (each with its column's number, from 1), each checked; the
    known columns' names in lower case."""
    seen: dict[str, list[int]] = {}
    names = []
    for number, written in numbered:
        name = _column_name(written)
        names.append(name)
        if not name:
            # Only a column some row fills is kept to be told (see _read_csv).
            problems.add(
                line,
                f"column {number} ({_letters(number)})",
                "the header names no column here, and rows have values in it; name it, "
                "or delete the column",
            )
        elif _COLUMN_NAME.fullmatch(name) and keyword.iskeyword(name):
            # True, None, class, if: well formed, but no field of a template's
            # recipient can have the name.
            problems.add(
                line,
                name,
                "a reserved word, which cannot name a column a template reads; rename it, "
                f"such as '{name}_'",
            )
        elif not _COLUMN_NAME.fullmatch(name):
            usable = "_".join(re.findall(r"[A-Za-z0-9]+", _unaccented(name)))
            usable += "_" if keyword.iskeyword(usable) else ""  # "class!": class_
            hint = f" (did you mean '{usable}'?)" if _COLUMN_NAME.fullmatch(usable) else ""
            problems.add(
                line,
                clip(name),
                "a template cannot read a column named so; use letters A to Z, digits and "
                f"_, starting with a letter{hint}",
            )
        else:
            seen.setdefault(name, []).append(number)
    for name, columns in seen.items():
        if len(columns) > 1:  # told once, however many times: not 899 lines of it
            again = "one" if len(columns) == 2 else "all but one"
            problems.add(line, name, f"in the header {_times(columns)}; rename {again}")
    return names


def _letters(number: int) -> str:
    """A column's name in a spreadsheet, where the file's users look for it: 1 is A,
    27 is AA."""
    name = ""
    while number:
        number, left = divmod(number - 1, 26)
        name = chr(ord("A") + left) + name
    return name


def _not_a_list(doc: YamlDocument) -> tuple[int, str, str]:
    """Where and why a YAML document that is not a list of recipients is refused, the
    way it is most often written by hand: the list under a key, or one recipient."""
    shape = "a recipients file is a list of mappings, one per recipient"
    if not isinstance(doc.data, dict):
        return 1, "", shape
    lists = [key for key, value in doc.data.items() if isinstance(value, list)]
    json = doc.path.suffix.lower() == ".json"
    if len(lists) == 1:
        key = clip(str(lists[0]))
        fix = (
            "write the list without the object around it: [{...}, {...}]"
            if json
            else f"delete the line '{key}:' and unindent the list below it"
        )
        return (
            doc.line_of((lists[0],)),
            "",
            f"the recipients are listed under '{key}'; a recipients file is that list "
            f"alone, a mapping per recipient: {fix}",
        )
    fix = "put [ ] around it" if json else "start each recipient with '- ' (- id: ex-1)"
    return 1, "", f"a mapping, not a list of them; {shape}: {fix}"


def _unaccented(name: str) -> str:
    """``name`` with each letter's accents dropped, as a column name suggested for it:
    'Número' is 'Numero' (not 'N_mero'), 'Straße' 'Strasse'."""
    return "".join(
        c
        if c.isascii()
        else "".join(b for b in unicodedata.normalize("NFKD", c) if b.isascii())
        or (c.casefold() if c.casefold().isascii() else " ")
        for c in name
    )


def _times(columns: list[int]) -> str:
    """``twice (columns 3 and 5, C and E)``, or ``4 times (columns 3, 5, 6 and 9, C,
    E, F and I)``: the first ten of them, by number and by spreadsheet letter."""
    shown = columns[:10]
    more = f" and {len(columns) - 10:,} more" if len(columns) > 10 else ""

    def listed(items: list[str]) -> str:
        return ", ".join(items) + more if more else f"{', '.join(items[:-1])} and {items[-1]}"

    numbers = listed([str(number) for number in shown])
    letters = listed([_letters(number) for number in shown])
    count = "twice" if len(columns) == 2 else f"{len(columns):,} times"
    return f"{count} (columns {numbers}, {letters})"


def _read_yaml(text: str, path: Path, problems: _Problems) -> tuple[tuple[str, ...], list[_Row]]:
    # Every column is text as written: a ZIP code 02134 or a district 007 keeps its
    # zeros, and `true` is not printed True.
    doc = parse_yaml(
        text, path, RecipientsError, field_depth=2, as_written=True, max_values=MAX_YAML_VALUES
    )
    problems.found.extend(doc.problems)  # duplicate keys
    if doc.data is None:
        return (), []  # empty, or comments alone: told as a file of no rows
    if not isinstance(doc.data, list):
        problems.add(*_not_a_list(doc))
        return (), []
    columns: dict[str, None] = {}
    rows = []
    # The rows a batch takes, no more (as for CSV): a list of 2,000,000 values that are
    # no rows was told at each, in 20 s and 1.8 GB.
    if len(doc.data) > MAX_ROWS:
        problems.add(doc.line_of((MAX_ROWS,)), "", _too_many_rows(), first=True)
    for index, item in enumerate(doc.data[:MAX_ROWS]):
        line = doc.line_of((index,))
        if not isinstance(item, dict):
            problems.add(line, "", "each recipient is a mapping of column: value")
            continue
        cells: dict[str, str] = {}
        cell_lines: dict[str, int] = {}
        told: set[str] = set()
        if "<<" in item:
            problems.add(
                doc.line_of((index, "<<")),
                "",
                "a YAML merge key (<<), which a recipients file does not read: write each "
                "column in each row",
            )
            continue
        for key, value in item.items():
            key_line = doc.line_of((index, key))
            if not key:  # `: value`, `"": value`
                problems.add(key_line, "", "an empty key names no column; write its name")
                continue
            column = _column_name(str(key))
            if column in cell_lines:  # `ID` and `id`: the same known column
                problems.add(key_line, column, f"given twice (line {cell_lines[column]})")
                continue
            if column not in columns:
                if len(columns) == MAX_COLUMNS:
                    problems.add(key_line, clip(column), _too_many_columns(None))
                    return (), []
                _check_header(key_line, [(1, column)], problems)
                columns[column] = None
            cell_lines[column] = key_line
            if isinstance(value, list | dict):
                problems.add(key_line, column, "expected one value, got a list or mapping")
                told.add(column)
                continue
            cells[column] = "" if value is None else str(value).strip()
        rows.append(_Row(line, cells, cell_lines, frozenset(told)))
    return tuple(columns), rows


def _check_rows(
    rows: list[_Row],
    columns: tuple[str, ...],
    check_audience: AudienceCheck,
    default_audience: str | None,
    has_name_column: bool,
    name_column: str,
    problems: _Problems,
    told_unnamed: bool = False,
) -> list[Recipient]:
    folders: dict[str, str | None] = {}
    taken: dict[tuple[str, str], tuple[int, str]] = {}  # a file's name, any case: line, folder
    recipients = []
    for number, row in enumerate(rows, start=1):
        if {row.line, *row.cell_lines.values()} & problems.undecodable:
            continue  # reported; its replaced bytes would make false problems
        good = True
        audience = row.cells.get("audience", "") or (default_audience or "")
        audience_line = row.cell_lines.get("audience", row.line)
        if not audience:
            if not told_unnamed and "audience" not in row.told:
                problems.add(audience_line, "audience", "empty; fill it in or pass --audience")
            good = False
        elif audience not in folders:
            try:
                folders[audience] = check_audience(audience)
            except BriefgenError as exc:
                folders[audience] = None
                if exc.location is None or exc.location.path == str(problems.path):
                    problems.add(audience_line, "audience", exc.detail)
                else:  # the audience's template is broken: say where
                    problems.found.append(exc)
        folder = folders.get(audience)
        good = good and folder is not None
        slug = row.cells.get(name_column, "")
        slug_line = row.cell_lines.get(name_column, row.line)
        if not has_name_column or name_column in row.told:
            good = False  # reported once, at the header, or at the value
        else:
            unsafe = (
                unsafe_file_name(slug)
                if slug
                else "empty; every row needs one (it names its files)"
            )
            if unsafe:
                problems.add(slug_line, name_column, unsafe)
                good = False
        if good and folder is not None:
            # Where case does not count (macOS, Windows, a USB stick), Public/ex-1.pdf
            # and public/Ex-1.pdf are one file.
            key = (folder.casefold(), slug.casefold())
            if key in taken:
                line, other = taken[key]
                where = (
                    f"line {line}, in the folder {other!r}, the same folder as {folder!r} "
                    "where case does not count (macOS, Windows)"
                    if other != folder
                    else f"line {line}"
                )
                problems.add(
                    slug_line,
                    name_column,
                    f"{slug!r} again ({where}); each copy needs its own file name",
                )
                good = False
            else:
                taken[key] = (row.line, folder)
        if good and folder is not None:
            recipients.append(
                Recipient(
                    row=number,
                    line=row.line,
                    audience=audience,
                    folder=folder,
                    slug=slug,
                    values=tuple(_value(row.cells, c, audience) for c in columns),
                )
            )
    return recipients


def _value(cells: Mapping[str, str], column: str, audience: str) -> str:
    return audience if column == "audience" else cells.get(column, "")


def _suggest(name: str, choices: tuple[str, ...] | list[str]) -> str:
    """The columns there are (the first :data:`COLUMNS_LISTED`, each clipped: a header
    of a thousand long names made a message megabytes long), and the closest."""
    close = difflib.get_close_matches(name, list(choices), n=1)
    hint = f"; did you mean '{clip_name(close[0])}'?" if close else ""
    listed = ", ".join(clip_name(choice) for choice in choices[:COLUMNS_LISTED])
    if len(choices) > COLUMNS_LISTED:
        listed += f" and {len(choices) - COLUMNS_LISTED:,} more"
    return f" (the columns are {listed}{hint})" if choices else ""


def row_values(recipients: RecipientList, recipient: Recipient) -> dict[str, Any]:
    """``recipient``'s columns by name."""
    return dict(zip(recipients.columns, recipient.values, strict=True))
