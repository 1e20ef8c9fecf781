"""The LinkedIn connections reader: every shape Connections.csv has had (today's preamble, the
2018 layout, Excel's re-saved copies in Windows-1252 or with semicolons), read field by field
with the physical line each person starts on; skipped rows with their lines and reasons; files
that are not an export refused naming the file; and, with hypothesis, any names written by
csv.writer read back cleaned, on the right lines."""

from __future__ import annotations

import codecs
import csv
import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netzmd.errors import NetzmdError
from netzmd.formats import importer_class
from netzmd.formats.base import Incoming, Skipped
from netzmd.formats.google import GoogleImporter, OutlookImporter
from netzmd.formats.linkedin import HEADER, LinkedinImporter
from netzmd.formats.textfile import clean, clean_body, decode_text, read_birthday, read_date

FIXTURES = Path(__file__).parent / "fixtures" / "import"
LINKEDIN_FIXTURES = [
    "linkedin-2025.csv",
    "linkedin-2018.csv",
    "linkedin-excel.csv",
    "linkedin-excel-de.csv",
]
OTHER_FIXTURES = ["google.csv", "google-legacy-utf16.csv", "outlook.csv", "outlook-desktop.csv"]
CP1252 = (
    "the file is not UTF-8 (line 5 is the first that is not): read as Windows-1252, as Excel "
    "and Outlook save CSV files; check the accented letters of what was imported, or save the "
    "file as UTF-8 and import it again"
)


def read(data: bytes, file: str = "Connections.csv") -> tuple[list[Incoming], list[Skipped]]:
    return LinkedinImporter().read(data, file)


def rows(people: list[Incoming]) -> list[tuple[int, dict[str, Any], list[str]]]:
    for p in people:
        assert p.body == "" and p.uid is None
    return [(p.line, p.fields, p.warnings) for p in people]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# --- the real shapes ------------------------------------------------------------------------

TODAY_2025 = [
    (
        5,
        {
            "name": "Jane Doe",
            "company": "ACME GmbH",
            "role": "Head of Sales",
            "linkedin": "https://www.linkedin.com/in/jane-doe-4a1b2c",
            "met": "2025-12-22 (LinkedIn)",
        },
        [],
    ),
    (
        6,
        {
            "name": "Jürgen Müller, Jr.",
            "company": "Müller & Söhne, KG",
            "role": "CEO",
            "linkedin": "https://www.linkedin.com/in/j%C3%BCrgen-m%C3%BCller-1a2b3c",
            "met": "2024-01-05 (LinkedIn)",
        },
        [],
    ),
    (
        7,
        {
            "name": "Anna 🌻 Schmidt",
            "company": "Stadtwerke Köln",
            "role": "Data Engineer",
            "linkedin": "https://www.linkedin.com/in/anna-schmidt",
            "emails": ["anna.schmidt@example.org"],
            "met": "2019-03-27 (LinkedIn)",
        },
        [],
    ),
    (
        9,
        {
            "name": 'Ｍａｒｉｅ Curie "Polonium"',
            "company": "Sorbonne",
            "role": 'Professor Founder of the "Radium Institute"',
            "linkedin": "https://www.linkedin.com/in/marie-curie",
            "met": "2020-09-08 (LinkedIn)",
        },
        [],
    ),
    (
        12,
        {
            "name": "Li Wei",
            "linkedin": "https://www.linkedin.com/in/li-wei",
            "met": "2024-02-29 (LinkedIn)",
        },
        [],
    ),
    (
        13,
        {
            "name": "Max Mustermann",
            "company": "Beispiel AG",
            "role": "Praktikant",
            "linkedin": "https://www.linkedin.com/in/max-mustermann",
        },
        [
            "Connected On 'gestern' is not a date (expected one like '22 Dec 2025'): "
            "Max Mustermann is read without 'met'"
        ],
    ),
    (
        15,
        {"name": "Zoë", "linkedin": "https://www.linkedin.com/in/zoe"},
        [
            "Connected On '31 Feb 2022' is not a date (expected one like '22 Dec 2025'): "
            "Zoë is read without 'met'"
        ],
    ),
]
SKIPPED_2025 = [
    Skipped(
        "Connections.csv",
        8,
        "no name (First Name and Last Name are empty), only Connected On '14 Feb 2023'",
    ),
    Skipped(
        "Connections.csv",
        14,
        "9 fields where the header has 7: a value holds the delimiter without quotes around it",
    ),
]


def test_todays_export_with_its_preamble() -> None:
    people, skipped = read(fixture("linkedin-2025.csv"))
    assert rows(people) == TODAY_2025
    assert skipped == SKIPPED_2025
    assert all(p.file == "Connections.csv" for p in people)


def _crlf(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


@pytest.mark.parametrize(
    "change",
    [
        lambda b: codecs.BOM_UTF8 + b,
        _crlf,
        lambda b: codecs.BOM_UTF8 + _crlf(b),
        lambda b: b.replace(b"\n", b"\r"),  # old Mac line ends
        lambda b: b.rstrip(b"\n"),  # no line end after the last row
        lambda b: b.decode("utf-8").encode("utf-16"),  # Excel's "Unicode text" (BOM, LE)
        lambda b: codecs.BOM_UTF16_BE + b.decode("utf-8").encode("utf-16-be"),
    ],
    ids=["bom", "crlf", "bom-crlf", "cr", "no-final-newline", "utf-16-le", "utf-16-be"],
)
def test_todays_export_in_every_encoding_and_line_end(change: Any) -> None:
    people, skipped = read(change(fixture("linkedin-2025.csv")))
    assert rows(people) == TODAY_2025
    assert skipped == SKIPPED_2025


def test_tab_separated_utf16_as_excel_saves_unicode_text() -> None:
    text = fixture("linkedin-2025.csv").decode("utf-8")
    table = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\r\n").writerows(table)
    people, skipped = read(out.getvalue().encode("utf-16"))
    # Line numbers are those of the tab-separated copy: the preamble is again 4 lines and the
    # quoted line break in Marie Curie's role is kept, so every row is where it was.
    assert rows(people) == TODAY_2025
    assert skipped == SKIPPED_2025


def test_the_2018_layout_no_preamble_no_url_and_month_first_dates_with_a_time() -> None:
    data = fixture("linkedin-2018.csv")
    assert data.startswith(codecs.BOM_UTF8) and b"\r\n" in data
    people, skipped = read(data, "2018.csv")
    assert skipped == []
    assert rows(people) == [
        (
            2,
            {
                "name": "Jane Doe",
                "company": "ACME Corp",
                "role": "CTO",
                "emails": ["jane.doe@example.com"],
                "met": "2018-01-08 (LinkedIn)",
            },
            [],
        ),
        (3, {"name": "Tom Baker", "met": "2017-12-24 (LinkedIn)"}, []),
        (
            4,
            {
                "name": "Chloé Martin",
                "company": "Société Générale",
                "role": "Analyste",
                "met": "2016-10-03 (LinkedIn)",
            },
            [],
        ),
    ]


def test_a_copy_resaved_by_excel_with_padded_preamble_and_day_month_year() -> None:
    people, skipped = read(fixture("linkedin-excel.csv"), "excel.csv")
    assert rows(people) == [
        (
            5,
            {
                "name": "Jane Doe",
                "company": "ACME GmbH",
                "role": "Head of Sales",
                "linkedin": "https://www.linkedin.com/in/jane-doe-4a1b2c",
                "met": "2021-11-23 (LinkedIn)",
            },
            [],
        ),
        (
            6,
            {
                "name": "Ömer Yılmaz",
                "company": "Bosch",
                "role": "Ingenieur",
                "linkedin": "https://www.linkedin.com/in/%C3%B6mer-y%C4%B1lmaz",
                "met": "2022-02-01 (LinkedIn)",
            },
            [],
        ),
    ]
    # The row that is only a date is skipped; Excel's trailing ",,,,,," is no row at all.
    assert skipped == [
        Skipped(
            "excel.csv",
            7,
            "no name (First Name and Last Name are empty), only Connected On '5-Mar-20'",
        )
    ]


def test_a_german_excel_copy_in_windows_1252_with_semicolons() -> None:
    people, skipped = read(fixture("linkedin-excel-de.csv"), "de.csv")
    assert rows(people) == [
        (
            6,
            {
                "name": "Jürgen Weiß",
                "company": "Müller & Co; KG",
                "role": "Geschäftsführer",
                "linkedin": "https://www.linkedin.com/in/juergen-weiss",
                "met": "2021-11-23 (LinkedIn)",
            },
            [CP1252],  # the guess is said once, on the first person read
        ),
        (
            7,
            {
                "name": "Åsa Öberg",
                "company": "Volvo",
                "role": "Designer",
                "linkedin": "https://www.linkedin.com/in/asa-oberg",
                "met": "2019-01-02 (LinkedIn)",
            },
            [],
        ),
    ]
    # The same row with the semicolon in "Müller & Co; KG" not quoted has a field too many.
    assert skipped == [
        Skipped(
            "de.csv",
            5,
            "8 fields where the header has 7: a value holds the delimiter without quotes around it",
        )
    ]


def test_day_first_slash_dates_are_read_day_first_for_the_whole_file() -> None:
    data = (
        b"First Name,Last Name,Email Address,Company,Position,Connected On\n"
        b'Ann,A,,,,"3/4/18, 9:00"\n'
        b'Ben,B,,,,"13/4/18, 9:00"\n'
    )
    people, _ = read(data)
    assert [p.fields["met"] for p in people] == ["2018-04-03 (LinkedIn)", "2018-04-13 (LinkedIn)"]
    people, _ = read(data.replace(b"13/4/18", b"4/12/18"))
    assert [p.fields["met"] for p in people] == ["2018-03-04 (LinkedIn)", "2018-04-12 (LinkedIn)"]


def test_whitespace_is_cleaned_but_letters_and_emoji_kept() -> None:
    data = (
        HEADER + "\n"
        '"\tJosé  María\t"," de la\u00a0Cruz ","  https://www.linkedin.com/in/jm  ",'
        '" jm@example.org ","Acme\t\tInc.","Chief 🚀 Officer",1 Jan 2020\n'
        "Nguyễn Thị,Minh Khai 👩🏽‍💻,,,,,\n"
    ).encode()
    people, skipped = read(data)
    assert skipped == []
    assert rows(people) == [
        (
            2,
            {
                "name": "José María de la Cruz",
                "company": "Acme Inc.",
                "role": "Chief 🚀 Officer",
                "linkedin": "https://www.linkedin.com/in/jm",
                "emails": ["jm@example.org"],
                "met": "2020-01-01 (LinkedIn)",
            },
            [],
        ),
        (3, {"name": "Nguyễn Thị Minh Khai 👩🏽‍💻"}, []),
    ]


def test_a_quote_that_is_not_closed_skips_what_it_swallows() -> None:
    data = (
        HEADER + '\nAnn,A,,,,,1 Jan 2020\nBen,"B,,,,,1 Jan 2020\nCai,C,,,,,1 Jan 2020\n'
    ).encode()
    people, skipped = read(data)
    assert [(p.line, p.fields["name"]) for p in people] == [(2, "Ann A")]
    assert skipped == [
        Skipped(
            "Connections.csv",
            3,
            "a quote is not closed: this record runs from line 3 to line 4 with 2 of 7 fields",
        )
    ]


def test_what_the_csv_reader_cannot_read_is_skipped_with_its_lines() -> None:
    # A field over the csv module's limit (128 KiB), here swallowed by a quote not closed: the
    # lines it took are named, and reading goes on after them.
    swallowed = "".join(f"P{i},Q,,,,,1 Jan 2020\n" for i in range(6000))
    data = (HEADER + '\nAnn,A,,,,,1 Jan 2020\nBen,"B,,,,,1 Jan 2020\n' + swallowed).encode()
    people, skipped = read(data)
    (gap,) = skipped
    assert gap.line == 3
    match = re.fullmatch(
        r"cannot read lines 3 to (\d+): field larger than field limit \(131072\) "
        r"\(a quote that is not closed\?\)",
        gap.reason,
    )
    assert match is not None
    end = int(match.group(1))
    assert people[0].line == 2 and people[1].line == end + 1
    assert people[1].fields["name"] == f"P{end + 1 - 4} Q"  # line 4 holds P0
    assert people[-1].line == 6003


def test_short_rows_read_missing_cells_as_empty() -> None:
    people, skipped = read((HEADER + "\nAnn,A,https://www.linkedin.com/in/ann\n").encode())
    assert skipped == []
    assert rows(people) == [
        (2, {"name": "Ann A", "linkedin": "https://www.linkedin.com/in/ann"}, [])
    ]


def test_only_a_header_gives_nobody() -> None:
    assert read((HEADER + "\r\n").encode()) == ([], [])
    assert read(HEADER.encode()) == ([], [])


def test_the_header_is_found_by_name_in_any_column_order_and_case() -> None:
    data = (
        b"connected on ; POSITION ; Company ; last name ; first name\n"
        b"22 Dec 2025;CEO;ACME;Doe;Jane\n"
    )
    people, _ = read(data)
    assert rows(people) == [
        (
            2,
            {"name": "Jane Doe", "company": "ACME", "role": "CEO", "met": "2025-12-22 (LinkedIn)"},
            [],
        )
    ]


def test_ten_thousand_rows_with_the_right_lines() -> None:
    lines = ["Notes:", '"text"', "", HEADER]
    lines += [
        f"First{i},Last{i},https://www.linkedin.com/in/p{i},,Co {i},Role,22 Dec 2025"
        for i in range(10_000)
    ]
    people, skipped = read(("\n".join(lines) + "\n").encode())
    assert skipped == [] and len(people) == 10_000
    assert (people[-1].line, people[-1].fields["name"]) == (10_004, "First9999 Last9999")


# --- files that are not an export -----------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
VCARD = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\nEND:VCARD\r\n"


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (b"", "the file is empty"),
        (b" \r\n\t\n", "the file is empty"),
        (codecs.BOM_UTF8, "the file is empty"),
        (PNG, "it holds binary data (NUL bytes), not text"),
        (b"\x81\x8d\x8f\x90\x9d", "it is not text in UTF-8, UTF-16 or Windows-1252"),
        (VCARD, f"(expected a header line '{HEADER}')"),
        (fixture("google.csv"), f"(expected a header line '{HEADER}')"),
        (fixture("outlook.csv"), f"(expected a header line '{HEADER}')"),
        (b"Name,Company\nJane,ACME\n", f"(expected a header line '{HEADER}')"),
    ],
    ids=["empty", "blank", "bom-only", "png", "undecodable", "vcard", "google", "outlook", "csv"],
)
def test_a_file_that_is_not_an_export_is_refused_naming_the_file(data: bytes, detail: str) -> None:
    with pytest.raises(NetzmdError) as caught:
        read(data, "x.csv")
    error = caught.value
    assert error.path == "x.csv" and error.line is None
    assert error.detail.startswith("not a LinkedIn connections export")
    assert error.detail.endswith(detail)
    assert str(error).startswith("x.csv: error: not a LinkedIn connections export")
    assert error.hint is not None
    assert "Settings → Data privacy → Get a copy of your data → Connections" in error.hint
    assert not LinkedinImporter().sniff(data, "x.csv")


@pytest.mark.parametrize("name", LINKEDIN_FIXTURES)
def test_sniff_knows_its_own_files_and_the_others_do_not(name: str) -> None:
    data = fixture(name)
    assert LinkedinImporter().sniff(data, name)
    assert not GoogleImporter().sniff(data, name)
    assert not OutlookImporter().sniff(data, name)


@pytest.mark.parametrize("name", OTHER_FIXTURES)
def test_sniff_refuses_the_other_formats(name: str) -> None:
    assert not LinkedinImporter().sniff(fixture(name), name)


def test_the_registry_loads_the_class() -> None:
    assert importer_class("linkedin") is LinkedinImporter
    assert LinkedinImporter.name == "linkedin"


# --- the shared helpers ---------------------------------------------------------------------


def test_decode_text_reads_every_encoding_and_says_when_it_guessed() -> None:
    text = "Jürgen,Weiß\n"
    for data, encoding in [
        (text.encode(), "utf-8"),
        (codecs.BOM_UTF8 + text.encode(), "utf-8-sig"),
        (text.encode("utf-16"), "utf-16-le"),  # Python writes the BOM, little-endian here
        (codecs.BOM_UTF16_BE + text.encode("utf-16-be"), "utf-16-be"),
    ]:
        decoded = decode_text(data, "f", "a test file")
        assert (decoded.text, decoded.encoding, decoded.warning) == (text, encoding, None)
    decoded = decode_text(b"a\r\nb\r\nJ\xfcrgen\r\n", "f", "a test file")
    assert (decoded.text, decoded.encoding) == ("a\r\nb\r\nJürgen\r\n", "cp1252")
    assert decoded.warning is not None and "(line 3 is the first that is not)" in decoded.warning


def test_decode_text_refuses_utf16_that_is_broken_and_nul_without_a_bom() -> None:
    with pytest.raises(NetzmdError, match="starts like UTF-16 text but is not"):
        decode_text(codecs.BOM_UTF16_LE + b"a\x00\x00\xdc", "f", "a test file")  # lone surrogate
    with pytest.raises(NetzmdError, match="NUL bytes"):
        decode_text("abc".encode("utf-16-le"), "f", "a test file")
    with pytest.raises(NetzmdError, match="NUL characters"):
        decode_text("a\x00b".encode("utf-16"), "f", "a test file")


def test_clean_and_clean_body() -> None:
    assert clean("  Ja\tne \u00a0 Doe\n") == "Ja ne Doe"
    assert clean("Zo\x07ë \x1b[0m") == "Zoë [0m"
    assert clean("👩🏽‍💻 Zoë") == "👩🏽‍💻 Zoë"
    assert clean("\x85\u2028 x \u3000") == "x"
    assert clean_body("\r\n  \r\nline 1  \r\n\r\n\tline\x07 2\t\r\n\n") == "line 1\n\n\tline 2"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22 Dec 2025", "2025-12-22"),
        ("05 jan 2024", "2024-01-05"),
        ("1/8/18, 6:14 PM", "2018-01-08"),
        ("12/24/17, 9:02 a.m.", "2017-12-24"),
        ("23-Nov-21", "2021-11-23"),
        ("23-November-2021", "2021-11-23"),
        ("Dec 22, 2025", "2025-12-22"),
        ("22.12.2025 14:02", "2025-12-22"),
        ("2025-12-22", "2025-12-22"),
        ("2025-12-22T10:00:00Z", "2025-12-22"),
        ("29 Feb 2024", "2024-02-29"),
        ("29 Feb 2023", None),
        ("22 Dez 2025", None),
        ("2025-12-22 and more", None),
        ("13/13/18", None),
        ("", None),
    ],
)
def test_read_date(text: str, expected: str | None) -> None:
    found = read_date(text)
    assert (found.isoformat() if found else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1985-04-15", "1985-04-15"),
        ("--04-15", "--04-15"),
        ("--0415", "--04-15"),
        ("1604-04-15", "--04-15"),
        ("4/15/1985", "1985-04-15"),
        ("4/15/85", None),  # which century?
        ("--02-30", None),
        ("--02-29", "--02-29"),
        ("circa 1800", None),
    ],
)
def test_read_birthday(text: str, expected: str | None) -> None:
    assert read_birthday(text) == expected


# --- hypothesis: whatever csv.writer writes is read back ------------------------------------

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_value = st.lists(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
    | st.sampled_from([*',;"\t\n\r \u00a0\x85\u2028\x1c', "\r\n", "🌻", "👩🏽‍💻"]),
    max_size=12,
).map("".join)
_connection = st.tuples(
    _value, _value, _value, _value, _value, st.dates(date(2003, 1, 1), date(2099, 12, 31))
)
_PREAMBLE = 'Notes:\n"When exporting your connection data, some emails are missing."\n\n'


def _expected_line_numbers(chunks: list[str]) -> list[int]:
    """The line each chunk starts on when the chunks are written one after another."""
    out, line = [], 1
    for chunk in chunks:
        out.append(line)
        line += len(re.findall(r"\r\n|\r|\n", chunk))
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    connections=st.lists(_connection, max_size=8),
    preamble=st.booleans(),
    bom=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
    delimiter=st.sampled_from([",", ";"]),
)
def test_any_names_written_by_csv_writer_read_back_cleaned_on_their_lines(
    connections: list[tuple[str, str, str, str, str, Any]],
    preamble: bool,
    bom: bool,
    newline: str,
    delimiter: str,
) -> None:
    def line_of(cells: list[str]) -> str:
        # Written with CRLF and the row's end then changed: with lineterminator="\n",
        # csv.writer leaves a field's lone CR unquoted, which no reader can tell from a row end.
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerow(cells)
        return out.getvalue().removesuffix("\r\n") + newline

    head = _PREAMBLE.replace("\n", newline) if preamble else ""
    head += line_of(HEADER.split(","))
    chunks = [head]
    for first, last, url, company, position, day in connections:
        when = f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
        chunks.append(line_of([first, last, url, "", company, position, when]))
    data = "".join(chunks).encode("utf-8-sig" if bom else "utf-8")
    people, skipped = read(data)

    lines = _expected_line_numbers(chunks)[1:]
    expected_people, expected_skipped = [], []
    for line, (first, last, url, company, position, day) in zip(lines, connections, strict=True):
        name = " ".join(f"{first} {last}".split())
        if not name:
            expected_skipped.append(line)
            continue
        fields = {"name": name, "met": f"{day.isoformat()} (LinkedIn)"}
        for key, value in (("company", company), ("role", position), ("linkedin", url)):
            if value.split():
                fields[key] = " ".join(value.split())
        expected_people.append((line, fields, []))
    assert rows(people) == expected_people
    assert [s.line for s in skipped] == expected_skipped
