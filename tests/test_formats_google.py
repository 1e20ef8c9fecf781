"""The Google Contacts and Outlook CSV readers: today's Google layout and the legacy one in
UTF-16, Outlook.com's and the desktop program's exports (Windows-1252), read field by field with
the line each person starts on; columns found by name in any order and number; birthdays that
are not dates kept as text with a warning; files that are not an export refused; and, with
hypothesis, any names, companies and notes written by csv.writer read back."""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netzmd.errors import NetzmdError
from netzmd.formats import importer_class
from netzmd.formats.base import Incoming, Skipped
from netzmd.formats.google import GoogleImporter, OutlookImporter
from netzmd.formats.linkedin import LinkedinImporter

FIXTURES = Path(__file__).parent / "fixtures" / "import"
GOOGLE_FIXTURES = ["google.csv", "google-legacy-utf16.csv"]
OUTLOOK_FIXTURES = ["outlook.csv", "outlook-desktop.csv"]
LINKEDIN_FIXTURES = [
    "linkedin-2025.csv",
    "linkedin-2018.csv",
    "linkedin-excel.csv",
    "linkedin-excel-de.csv",
]
CP1252 = (
    "the file is not UTF-8 (line {} is the first that is not): read as Windows-1252, as Excel "
    "and Outlook save CSV files; check the accented letters of what was imported, or save the "
    "file as UTF-8 and import it again"
)
GOOGLE_HEADER = [
    "First Name",
    "Middle Name",
    "Last Name",
    "Phonetic First Name",
    "Phonetic Middle Name",
    "Phonetic Last Name",
    "Name Prefix",
    "Name Suffix",
    "Nickname",
    "File As",
    "Organization Name",
    "Organization Title",
    "Organization Department",
    "Birthday",
    "Notes",
    "Photo",
    "Labels",
    "E-mail 1 - Label",
    "E-mail 1 - Value",
    "Phone 1 - Label",
    "Phone 1 - Value",
    "Address 1 - Label",
    "Address 1 - City",
    "Website 1 - Label",
    "Website 1 - Value",
]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def rows(people: list[Incoming]) -> list[tuple[int, dict[str, Any], str, list[str]]]:
    for p in people:
        assert p.uid is None
    return [(p.line, p.fields, p.body, p.warnings) for p in people]


def write(header: list[str], records: list[dict[str, str]], newline: str = "\r\n") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(header)
    for record in records:
        writer.writerow([record.get(h, "") for h in header])
    return out.getvalue()


# --- Google: today's layout -----------------------------------------------------------------


def test_google_todays_layout_field_by_field() -> None:
    people, skipped = GoogleImporter().read(fixture("google.csv"), "contacts.csv")
    assert rows(people) == [
        (
            2,
            {
                "name": "Jane Q. Doe",  # the prefix "Dr." is not part of the name
                "company": "ACME GmbH",
                "role": "CTO",
                "emails": ["jane@acme.example", "j.doe@acme.example", "jane@home.example"],
                "phones": ["+49 171 2345678", "030 1234567"],
                "linkedin": "https://de.linkedin.com/in/jane-doe-4a1b2c/",
                "city": "Berlin",
                "tags": ["Clients", "Old-Friends"],  # "* myContacts" and "* starred" dropped
                "aliases": ["JD"],
                "birthday": "1985-04-15",
            },
            "Met at re:publica.\nLikes  climbing.",
            [],
        ),
        (
            6,  # Jane's notes and address span lines 2-5
            {
                "name": "Ahmed Khan Jr.",
                "phones": ["+44 20 7946 0958"],
                "tags": ["Family"],
                "birthday": "--12-24",
            },
            "",
            [],
        ),
        (
            8,
            {"name": "Hausmeister Krause"},  # from "File As"
            "Schlüssel für den Keller\n\nBirthday: circa 1950",
            [
                "Birthday 'circa 1950' is not a date: kept as text in Hausmeister Krause's "
                "note, not as 'birthday'"
            ],
        ),
        (
            9,
            {"name": "Sofia Rossi 🍝", "linkedin": "www.linkedin.com/in/sofia-rossi"},
            "Birthday: 2023-02-29",
            [
                "Birthday '2023-02-29' is not a date: kept as text in Sofia Rossi 🍝's note, "
                "not as 'birthday'"
            ],
        ),
    ]
    assert skipped == [
        Skipped("contacts.csv", 7, "no name (only the organization 'Stadtwerke Köln')")
    ]
    assert all(p.file == "contacts.csv" for p in people)


def test_google_legacy_layout_in_utf16() -> None:
    data = fixture("google-legacy-utf16.csv")
    assert data.startswith(codecs.BOM_UTF16_LE)
    expected = [
        (
            2,
            {
                "name": "Jürgen Weiß",
                "company": "Weiß & Partner",
                "role": "Partner",
                "emails": ["juergen@weiss.example"],
                "phones": ["0171 2345678", "0171 8765432"],
                "linkedin": "http://www.linkedin.com/in/juergenweiss",
                "city": "München",
                "tags": ["Friends", "Schach"],  # "* My Contacts" dropped, "* Friends" kept
                "aliases": ["Jo"],
                "birthday": "1970-01-31",
            },
            "Schachclub",
            [],
        ),
        (3, {"name": "Émilie Dubois", "birthday": "--07-14"}, "", []),  # Given + Family
        (4, {"name": "Kiki"}, "", []),  # only a nickname: it is the name, not an alias
    ]
    skipped = [Skipped("legacy.csv", 5, "no name (only the organization 'Nur Firma')")]
    assert rows(GoogleImporter().read(data, "legacy.csv")[0]) == expected
    assert GoogleImporter().read(data, "legacy.csv")[1] == skipped
    # The same file in UTF-8 (the legacy "Google CSV" could be either) reads the same.
    utf8 = data.decode("utf-16").encode("utf-8")
    people, found = GoogleImporter().read(utf8, "legacy.csv")
    assert (rows(people), found) == (expected, skipped)


def test_google_columns_are_found_by_name_in_any_order_and_number() -> None:
    header = [
        "Labels",
        "Phone 3 - Value",
        "Last Name",
        "E-mail 4 - Value",
        "Website 3 - Value",
        "First Name",
        "Organization Name",
        "Address 2 - City",
        "Phone 1 - Value",
        "Custom Field 1 - Value",
    ]
    text = write(
        header,
        [
            {
                "First Name": "Ann",
                "Last Name": "Lee",
                "Phone 3 - Value": "333",
                "Phone 1 - Value": "111",
                "E-mail 4 - Value": "ann@x.example",
                "Website 3 - Value": "https://linkedin.com ::: https://www.linkedin.com/in/ann-lee"
                " ::: https://www.linkedin.com.example/in/x",
                "Address 2 - City": "Wien",
                "Labels": "Freunde ::: * myContacts ::: Freunde",
                "Custom Field 1 - Value": "ignored",
            }
        ],
    )
    people, skipped = GoogleImporter().read(text.encode(), "g.csv")
    assert skipped == []
    assert rows(people) == [
        (
            2,
            {
                "name": "Ann Lee",
                "emails": ["ann@x.example"],
                "phones": ["333", "111"],  # in the order of the columns
                "linkedin": "https://www.linkedin.com/in/ann-lee",
                "city": "Wien",
                "tags": ["Freunde"],
            },
            "",
            [],
        )
    ]


def test_a_google_birthday_is_only_ever_a_real_date() -> None:
    header = ["First Name", "Last Name", "Birthday", "Labels"]
    birthdays = ["1999-12-31", "--02-29", "--13-01", "1985-4-5", "31.12.1999", "12/31/1999", "?"]
    text = write(header, [{"First Name": f"P{i}", "Birthday": b} for i, b in enumerate(birthdays)])
    people, _ = GoogleImporter().read(text.encode(), "g.csv")
    assert [(p.fields.get("birthday"), p.body) for p in people] == [
        ("1999-12-31", ""),
        ("--02-29", ""),
        (None, "Birthday: --13-01"),
        ("1985-04-05", ""),
        ("1999-12-31", ""),
        ("1999-12-31", ""),
        (None, "Birthday: ?"),
    ]
    assert [len(p.warnings) for p in people] == [0, 0, 1, 0, 0, 0, 1]


# --- Outlook --------------------------------------------------------------------------------


def test_outlook_com_export() -> None:
    people, skipped = OutlookImporter().read(fixture("outlook.csv"), "outlook.csv")
    assert rows(people) == [
        (
            2,
            {
                "name": "Jane Doe",  # "Title" (Dr.) is not part of the name
                "company": "ACME GmbH",
                "role": "CTO",
                "emails": ["jane@acme.example", "JANE@home.example"],  # as written
                "phones": ["+49 171 2345678", "+49 30 1234567"],  # no fax, no pager
                "linkedin": "https://www.linkedin.com/in/jane-doe-4a1b2c",
                "city": "Berlin",  # Business City before Home City
                "tags": ["Clients", "VIP", "Old-Friends"],
                "aliases": ["Janie"],
                "birthday": "1985-04-15",
            },
            "Prefers calls.",
            [],
        ),
        (3, {"name": "Bob Smith", "city": "Leeds"}, "", []),  # 0/0/00: no birthday, no warning
        (
            4,
            {"name": "Carla M. Gómez PhD"},
            "Birthday: 4/15/85",
            [
                "Birthday '4/15/85' has a two-digit year (which century?): kept as text in "
                "Carla M. Gómez PhD's note, not as 'birthday'"
            ],
        ),
    ]
    assert skipped == [
        Skipped("outlook.csv", 5, "no name (only the organization 'Nur Firma GmbH')")
    ]


def test_outlook_desktop_export_in_windows_1252() -> None:
    people, skipped = OutlookImporter().read(fixture("outlook-desktop.csv"), "desktop.csv")
    assert skipped == []
    assert rows(people) == [
        (
            2,
            {
                "name": "Jürgen Weiß",
                "company": "Weiß & Partner",
                "role": "Partner",
                "emails": ["juergen@weiss.example"],  # not the "E-mail Display Name"
                "phones": ["0228 123456", "0171 2345678"],
                "city": "Bonn",  # Home City before Other City
                "tags": ["Schach"],
                "birthday": "1970-01-31",
            },
            "Zwei Kinder.\nMag Schach.",
            [CP1252.format(2)],
        )
    ]


def test_outlook_day_first_birthdays_are_read_day_first_for_the_whole_file() -> None:
    header = ["First Name", "Last Name", "E-mail Address", "Birthday", "Categories"]
    text = write(
        header,
        [
            {"First Name": "A", "Birthday": "3/4/1990"},
            {"First Name": "B", "Birthday": "25/12/1990"},
            {"First Name": "C", "Birthday": "0/0/0000"},
        ],
    )
    people, _ = OutlookImporter().read(text.encode(), "uk.csv")
    assert [p.fields.get("birthday") for p in people] == ["1990-04-03", "1990-12-25", None]
    assert [p.warnings for p in people] == [[], [], []]


# --- files that are not an export -----------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
VCARD = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\nEND:VCARD\r\n"
BAD = [
    (b"", "the file is empty"),
    (codecs.BOM_UTF16_LE, "the file is empty"),
    (PNG, "it holds binary data (NUL bytes), not text"),
    (b"\x81\x8d\x8f\x90\x9d", "it is not text in UTF-8, UTF-16 or Windows-1252"),
    (VCARD, None),
    (fixture("linkedin-2025.csv"), None),
    (b"Name,Company\nJane,ACME\n", None),
]
IDS = ["empty", "utf16-bom-only", "png", "undecodable", "vcard", "linkedin", "csv"]


@pytest.mark.parametrize(("data", "detail"), BAD, ids=IDS)
def test_a_file_that_is_not_a_google_export_is_refused(data: bytes, detail: str | None) -> None:
    with pytest.raises(NetzmdError) as caught:
        GoogleImporter().read(data, "x.csv")
    error = caught.value
    assert (error.path, error.line) == ("x.csv", None)
    assert str(error).startswith("x.csv: error: not a Google Contacts CSV export")
    if detail is None:
        assert "(expected a header line like 'First Name,Middle Name,Last Name," in error.detail
        assert "'Name,Given Name,Additional Name,Family Name," in error.detail
    else:
        assert error.detail.endswith(detail)
    assert error.hint == "Export it at contacts.google.com: Export → Google CSV."
    assert not GoogleImporter().sniff(data, "x.csv")


@pytest.mark.parametrize(("data", "detail"), BAD, ids=IDS)
def test_a_file_that_is_not_an_outlook_export_is_refused(data: bytes, detail: str | None) -> None:
    with pytest.raises(NetzmdError) as caught:
        OutlookImporter().read(data, "x.csv")
    error = caught.value
    assert (error.path, error.line) == ("x.csv", None)
    assert str(error).startswith("x.csv: error: not an Outlook contacts CSV export")
    if detail is None:
        assert '(expected a header line like \'"First Name","Middle Name",' in error.detail
    else:
        assert error.detail.endswith(detail)
    assert error.hint is not None and "Export to a file → Comma Separated Values" in error.hint
    assert not OutlookImporter().sniff(data, "x.csv")


def test_google_and_outlook_refuse_each_other() -> None:
    with pytest.raises(NetzmdError, match="not a Google Contacts CSV export"):
        GoogleImporter().read(fixture("outlook.csv"), "o.csv")
    with pytest.raises(NetzmdError, match="not an Outlook contacts CSV export"):
        OutlookImporter().read(fixture("google.csv"), "g.csv")


@pytest.mark.parametrize("name", GOOGLE_FIXTURES + OUTLOOK_FIXTURES + LINKEDIN_FIXTURES)
def test_sniff_is_true_for_its_own_fixtures_only(name: str) -> None:
    data = fixture(name)
    assert GoogleImporter().sniff(data, name) == (name in GOOGLE_FIXTURES)
    assert OutlookImporter().sniff(data, name) == (name in OUTLOOK_FIXTURES)
    assert LinkedinImporter().sniff(data, name) == (name in LINKEDIN_FIXTURES)


def test_the_registry_loads_the_classes() -> None:
    assert importer_class("google") is GoogleImporter
    assert importer_class("outlook") is OutlookImporter
    assert (GoogleImporter.name, OutlookImporter.name) == ("google", "outlook")


def test_only_a_header_gives_nobody() -> None:
    assert GoogleImporter().read(",".join(GOOGLE_HEADER).encode(), "g.csv") == ([], [])


# --- hypothesis: whatever csv.writer writes is read back ------------------------------------

_piece = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from(
    [*',;:"\t\n\r \u00a0\u2028', "\r\n", " ::: ", "🌻", "👩🏽‍💻"]
)
_value = st.lists(_piece, max_size=10).map("".join)
_note = st.lists(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from(["\n", "\r\n"]),
    max_size=30,
).map("".join)
_person = st.fixed_dictionaries(
    {"First Name": _value, "Last Name": _value, "Organization Name": _value, "Notes": _note}
)


def _clean(value: str) -> str:
    return " ".join(value.split())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    people=st.lists(_person, max_size=6),
    order=st.permutations(GOOGLE_HEADER),
    bom=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_any_google_values_written_by_csv_writer_read_back_on_their_lines(
    people: list[dict[str, str]], order: list[str], bom: bool, newline: str
) -> None:
    header = list(order)
    chunks = [write(header, [], newline)]
    for person in people:
        # Written with CRLF, then the row's end changed: with lineterminator="\n", csv.writer
        # leaves a lone CR in a field unquoted, which no reader can tell from a row end.
        chunks.append(write(header, [person], "\r\n").split("\r\n", 1)[1][:-2] + newline)
    data = "".join(chunks).encode("utf-8-sig" if bom else "utf-8")
    found, skipped = GoogleImporter().read(data, "g.csv")

    expected, expected_skipped = [], []
    line = 1 + len(re.findall(r"\r\n|\r|\n", chunks[0]))
    for chunk, person in zip(chunks[1:], people, strict=True):
        name = _clean(f"{person['First Name']} {person['Last Name']}")
        company = next(
            (_clean(c) for c in person["Organization Name"].split(":::") if c.split()), ""
        )
        notes = "\n".join(x.rstrip() for x in re.split(r"\r\n|\r|\n", person["Notes"]))
        if not name:
            if any(v.strip() for v in person.values()):
                expected_skipped.append(line)
        else:
            fields = {"name": name, **({"company": company} if company else {})}
            expected.append((line, fields, notes.strip("\n"), []))
        line += len(re.findall(r"\r\n|\r|\n", chunk))
    assert rows(found) == expected
    assert [s.line for s in skipped] == expected_skipped
