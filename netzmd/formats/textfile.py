"""What the text-based importers share: turning a file's bytes into text (UTF-8 with or without a
BOM, UTF-16 with a BOM, else Windows-1252 with a warning; binary data refused), cleaning values,
finding a CSV table's header line among preamble lines, reading its rows with the physical line
each starts on, and reading the dates other programs write.

Nothing here writes a file or reads the clock.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from netzmd.errors import NetzmdError
from netzmd.formats.base import Incoming, Skipped

# --- bytes to text ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Decoded:
    """A file's text, the encoding it was read in (``utf-8``, ``utf-8-sig``, ``utf-16-le``,
    ``utf-16-be`` or ``cp1252``), and a warning when it had to be guessed (not UTF-8: read as
    Windows-1252), which the reader passes on, so that a guess is never silent."""

    text: str
    encoding: str
    warning: str | None = None


def decode_text(data: bytes, file: str, what: str, *, hint: str | None = None) -> Decoded:
    """The text of a file: UTF-16 (LE or BE) when it starts with that BOM, else UTF-8 (a BOM
    dropped), else Windows-1252 with a warning naming the first line that is not UTF-8. Raises
    ``NetzmdError`` (``<file>: error: not <what>: …``, with ``hint``) when the file is empty or
    only blanks, or is not text: a NUL byte without a UTF-16 BOM, or bytes no encoding reads.
    The BOM is not part of the text; line ends are kept as written."""
    encoding = "utf-8"
    warning = None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not data.startswith(
        codecs.BOM_UTF32_LE
    ):
        encoding = "utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
        try:
            text = data[2:].decode(encoding)
        except UnicodeDecodeError:
            raise NetzmdError(
                f"not {what}: it starts like UTF-16 text but is not (broken at byte "
                f"{_first_bad(data[2:], encoding) + 2})",
                path=file,
                hint=hint,
            ) from None
    else:
        if b"\x00" in data:
            raise NetzmdError(
                f"not {what}: it holds binary data (NUL bytes), not text", path=file, hint=hint
            )
        if data.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise NetzmdError(
                    f"not {what}: it is not text in UTF-8, UTF-16 or Windows-1252",
                    path=file,
                    hint=hint,
                ) from None
            encoding = "cp1252"
            warning = (
                f"the file is not UTF-8 (line {line} is the first that is not): read as "
                "Windows-1252, as Excel and Outlook save CSV files; check the accented letters "
                "of what was imported, or save the file as UTF-8 and import it again"
            )
    if "\x00" in text:
        raise NetzmdError(f"not {what}: it holds NUL characters, not text", path=file, hint=hint)
    if not text.strip():
        raise NetzmdError(f"not {what}: the file is empty", path=file, hint=hint)
    return Decoded(text, encoding, warning)


def _first_bad(data: bytes, encoding: str) -> int:
    try:
        data.decode(encoding)
    except UnicodeDecodeError as error:
        return error.start
    return len(data)


# --- cleaning values --------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(value: str) -> str:
    """A one-line value as a person means it: every run of whitespace (tabs, line breaks,
    doubled or non-breaking spaces) one space, none around it, control characters dropped;
    letters, emoji and other marks kept as written."""
    value = " ".join(value.split())
    if not value.isprintable() and _CONTROL.search(value):  # what is left is not whitespace
        value = " ".join(_CONTROL.sub("", value).split())
    return value


def clean_body(value: str) -> str:
    """Free text (notes) kept line by line: line ends as LF, trailing blanks of each line and
    blank lines around the text removed, control characters other than tabs dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)  # tabs and line ends are not in _CONTROL
    lines = [line.rstrip() for line in value.split("\n")]
    return "\n".join(lines).strip("\n")


def split_values(value: str, separator: str = ":::") -> list[str]:
    """The values of a cell that holds several (Google's ``a ::: b``, Outlook's ``a;b``),
    each cleaned, empty ones and repeats dropped, in order."""
    if separator not in value:
        text = clean(value)
        return [text] if text else []
    out: list[str] = []
    for part in value.split(separator):
        text = clean(part)
        if text and text not in out:
            out.append(text)
    return out


def header_key(cell: str) -> str:
    """A header cell compared without case, surrounding blanks, a BOM or doubled spaces."""
    return " ".join(cell.replace("\ufeff", "").split()).casefold()


# --- CSV tables -------------------------------------------------------------------------------

DELIMITERS = (",", ";", "\t")


@dataclass(slots=True)
class Table:
    """A CSV table found in a text: its header cells as written, their keys (``header_key``),
    the line the header is on (1-based), the delimiter, and the text after the header line."""

    header: list[str]
    keys: list[str]
    line: int
    delimiter: str
    rest: str

    def column(self, name: str) -> int | None:
        """The index of the first column named ``name`` (compared as ``header_key``)."""
        key = header_key(name)
        for index, k in enumerate(self.keys):
            if k == key:
                return index
        return None

    def at(self, name: str) -> int:
        """The index of the column ``name``, or, when there is none, that of the empty cell
        ``records`` puts after the last column: ``cells[table.at(name)]`` is always a str."""
        index = self.column(name)
        return len(self.header) if index is None else index

    def columns(self, pattern: str) -> list[int]:
        """The indexes of the columns whose key matches a regular expression (full match,
        against the case-folded key), in file order."""
        regex = re.compile(pattern)
        return [index for index, k in enumerate(self.keys) if regex.fullmatch(k)]


def find_table(
    text: str, accept: Callable[[list[str]], bool], *, max_lines: int = 50
) -> Table | None:
    """The first of the first ``max_lines`` physical lines that, split by a comma, semicolon or
    tab, gives a header ``accept`` (called with the cells' keys) takes; None when none does.
    The lines before it (LinkedIn's ``Notes:`` preamble, Excel's padded copy of it) are
    ignored."""
    offset = 0
    for number, raw in enumerate(io.StringIO(text, newline=""), start=1):
        if number > max_lines:
            break
        offset += len(raw)
        line = raw.rstrip("\r\n")
        for delimiter in DELIMITERS:
            if delimiter not in line:
                continue
            try:
                cells = next(csv.reader([line], delimiter=delimiter))
            except (csv.Error, StopIteration):
                continue
            keys = [header_key(c) for c in cells]
            if accept(keys):
                return Table(cells, keys, number, delimiter, text[offset:])
    return None


@dataclass(frozen=True, slots=True)
class Row:
    """One record of a table: the physical line it starts on, the last line it takes, and its
    cells (None when the CSV reader could not read it: ``error`` says why)."""

    line: int
    end: int
    cells: list[str] | None
    error: str | None = None


def rows(table: Table) -> Iterator[Row]:
    """The records after the header, each with the physical lines it spans (a quoted field may
    hold line breaks: a line is ended by CRLF, LF or CR). Blank lines give no record."""
    reader = csv.reader(io.StringIO(table.rest, newline=""), delimiter=table.delimiter)
    done = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Row(table.line + done + 1, table.line + reader.line_num, None, str(error))
            done = reader.line_num
            continue
        start = table.line + done + 1
        done = reader.line_num
        if cells:
            yield Row(start, table.line + done, cells)


def shape_problem(row: Row, width: int) -> str | None:
    """Why a record does not fit a table of ``width`` columns, or None: more non-empty cells
    than the header has (a delimiter outside quotes), or fewer cells over several lines (a
    quote that is not closed swallows the lines after it). Fewer cells on one line are read
    with the missing ones empty; empty cells beyond the header (Excel's padding) are ignored."""
    cells = row.cells or []
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        return (
            f"{len(cells)} fields where the header has {width}: a value holds the delimiter "
            "without quotes around it"
        )
    if len(cells) < width and row.end > row.line:
        return (
            f"a quote is not closed: this record runs from line {row.line} to line {row.end} "
            f"with {len(cells)} of {width} fields"
        )
    return None


# --- dates ------------------------------------------------------------------------------------

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_YEARLESS = re.compile(r"--(\d{2})-?(\d{2})")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})[ \-./]+([A-Za-z]{3,9})\.?[ \-./,]+(\d{4}|\d{2})")
_MONTH_NAME_DAY = re.compile(r"([A-Za-z]{3,9})\.? +(\d{1,2}),? +(\d{4})")
_SLASH = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})")
# What may follow a date: a time (LinkedIn 2018: "1/8/18, 6:14 PM"; Excel: "23.11.2021 14:02";
# ISO: "2025-12-22T10:00:00Z"), which is ignored.
_TIME = re.compile(
    r"(?:(?:,?\s*(?:at\s+)?|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:\s*[AaPp]\.?[Mm]\.?|Z|[+-]\d{2}:?\d{2})?)?"
)


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year(text: str, century: int | None) -> int | None:
    if len(text) == 4:
        return int(text)
    return None if century is None else century + int(text)


def slash_order(values: list[str]) -> str:
    """``"dmy"`` when any ``a/b/y`` date among ``values`` has a first number above 12 and a
    second of at most 12 (a day-first locale wrote them), else ``"mdy"`` (the US order LinkedIn
    and Outlook write): one order for the whole file, never a guess per value."""
    for value in values:
        m = _SLASH.match(value.strip())
        if m and int(m.group(1)) > 12 and int(m.group(2)) <= 12:
            return "dmy"
    return "mdy"


def read_date(text: str, *, slash: str = "mdy", century: int | None = 2000) -> date | None:
    """A date as other programs write it, or None: ``2025-12-22``; ``22 Dec 2025``,
    ``23-Nov-21`` (English month names or abbreviations); ``Dec 22, 2025``; ``1/8/18`` and
    ``4/15/1985`` (month first unless ``slash="dmy"``); ``22.12.2025`` (day first); each may be
    followed by a time, which is ignored. A two-digit year is read in ``century`` (None: a
    two-digit year is not read). An impossible day (31 Feb) is None."""
    value = text.strip()
    for regex in (_ISO, _DAY_MONTH_NAME, _MONTH_NAME_DAY, _SLASH, _DOTTED):
        m = regex.match(value)
        if m is None or not _TIME.fullmatch(value[m.end() :]):
            continue
        if regex is _ISO:
            return _day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if regex is _DAY_MONTH_NAME:
            month = MONTHS.get(m.group(2).lower())
            year = _year(m.group(3), century)
            if month is None or year is None:
                return None
            return _day(year, month, int(m.group(1)))
        if regex is _MONTH_NAME_DAY:
            month = MONTHS.get(m.group(1).lower())
            if month is None:
                return None
            return _day(int(m.group(3)), month, int(m.group(2)))
        year = _year(m.group(3), century)
        if year is None:
            return None
        a, b = int(m.group(1)), int(m.group(2))
        if regex is _DOTTED or slash == "dmy":
            return _day(year, b, a)
        return _day(year, a, b)
    return None


def read_birthday(text: str, *, slash: str = "mdy") -> str | None:
    """A birthday as netzmd stores it: ``YYYY-MM-DD``, or ``--MM-DD`` without a year (written
    ``--04-15``, ``--0415``, or with Apple's and Outlook's stand-in year 1604); None when it is
    not a date (a two-digit year is not read: its century is unknown)."""
    value = text.strip()
    m = _YEARLESS.fullmatch(value)
    if m:
        month, day = int(m.group(1)), int(m.group(2))
        return f"--{month:02d}-{day:02d}" if _day(2000, month, day) else None
    found = read_date(value, slash=slash, century=None)
    if found is None:
        return None
    if found.year == 1604:
        return f"--{found.month:02d}-{found.day:02d}"
    return found.isoformat()


# --- records ----------------------------------------------------------------------------------


def records(table: Table, file: str, skipped: list[Skipped]) -> Iterator[tuple[int, list[str]]]:
    """The records of a table that can be read, each with the line it starts on and its cells,
    exactly one per column and one empty cell after them (see ``Table.at``); a record the
    CSV reader cannot read or whose shape is wrong (``shape_problem``) goes to ``skipped``
    with its line and why, and a record with no value at all (a blank line, Excel's ``,,,``)
    is passed over."""
    width = len(table.header)
    padding = [""] * (width + 1)
    for row in rows(table):
        if row.cells is None:
            span = f"lines {row.line} to {row.end}" if row.end > row.line else "this record"
            why = f"cannot read {span}: {row.error}"
            if row.end > row.line:
                why += " (a quote that is not closed?)"
            skipped.append(Skipped(file, row.line, why))
            continue
        if not "".join(row.cells).strip():
            continue
        problem = shape_problem(row, width)
        if problem is not None:
            skipped.append(Skipped(file, row.line, problem))
            continue
        cells = row.cells
        yield row.line, cells[:width] + padding[len(cells) if len(cells) < width else width :]


def warn_first(warning: str | None, people: list[Incoming]) -> None:
    """A warning about the whole file (``Decoded.warning``) given to the first person read, so
    that the engine prints it once, at that line."""
    if warning is not None and people:
        people[0].warnings.insert(0, warning)
