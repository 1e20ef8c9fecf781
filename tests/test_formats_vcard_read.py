"""vCard import: the real shapes (Apple, Google, Android 2.1, Outlook 2.1, vCard 4.0), birthdays
in every form, cards that break between good ones, folding, bad files; our own export read back
to the same fields; arbitrary text through an escaped and folded 3.0 card read back exactly."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeVault, note
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netzmd.config import load_config
from netzmd.errors import NetzmdError
from netzmd.formats import importer_class
from netzmd.formats.base import Incoming, Network, Skipped, derived_uid, escape_text, tag_for
from netzmd.formats.vcard import VCardExporter, fold
from netzmd.formats.vcard_read import VCardImporter, birthday, split_escaped, unescape
from netzmd.store.index import Index
from netzmd.vault import Vault

FIXTURES = Path(__file__).parent / "fixtures" / "vcard"
TODAY = date(2026, 11, 27)


def read(name: str) -> tuple[list[Incoming], list[Skipped]]:
    return VCardImporter().read((FIXTURES / name).read_bytes(), name)


def read_text(text: str, file: str = "x.vcf") -> tuple[list[Incoming], list[Skipped]]:
    return VCardImporter().read(text.encode("utf-8"), file)


def test_the_registry_finds_the_reader() -> None:
    assert importer_class("vcard") is VCardImporter
    assert VCardImporter.name == "vcard"


def test_apple_contacts_export() -> None:
    people, skipped = read("apple-3.0.vcf")
    jurgen, acme = people
    assert jurgen.fields == {
        "name": "Jürgen Weiß",
        "company": "Brückenwerk GmbH",
        "role": "Head of Platform, EMEA",
        # the preferred (type=pref) first, then card order
        "emails": ["juergen.weiss@brueckenwerk.example", "jw@private.example"],
        "phones": ["+49 171 7654321", "+49 30 1234567"],
        "linkedin": "http://www.linkedin.com/in/juergen-weiss",
        "birthday": "--04-15",  # Apple's X-APPLE-OMIT-YEAR=1604
        "city": "München",  # the work address, though the home address is preferred
        "tags": ["Old-Friends", "Clients"],
        "aliases": ["Jogi"],
    }
    assert jurgen.uid == "8D5E6A1C-6C8B-4E52-9E0B-1A2B3C4D5E6F"
    assert jurgen.body == (
        "Met at re:publica 2019, talked about Terraform; wants the slides.\n"
        "Second line with a backslash \\ here."
    )
    assert (jurgen.line, jurgen.file, jurgen.warnings) == (1, "apple-3.0.vcf", [])
    # the inline photo is nowhere: not in the fields, not in the body
    assert "/9j/" not in repr(jurgen) and "AAECAwQF" not in repr(jurgen)
    assert acme.fields == {
        "name": "ACME Corporation",
        "company": "ACME Corporation",
        "phones": ["+1 555 0100"],
    }
    assert (acme.uid, acme.line) == ("B0A2C3D4-0000-4000-8000-000000000002", 39)
    assert skipped == [
        Skipped(
            "apple-3.0.vcf",
            49,
            "a group card (X-ADDRESSBOOKSERVER-KIND:group): a list of contacts, not a person",
        )
    ]


def test_google_export_with_a_bom_and_lf_line_ends() -> None:
    data = (FIXTURES / "google-3.0.vcf").read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and b"\r\n" not in data
    people, skipped = read("google-3.0.vcf")
    jane, bob = people
    assert jane.fields == {
        "name": "Jane Doe",
        "company": "Acme",
        "role": "CTO",
        "emails": ["jane@example.com", "Jane.Doe@Acme.example"],  # as written
        "phones": ["+49 171 2345678", "040 123456"],
        "linkedin": "https://www.linkedin.com/in/jane-doe/",  # item1.URL, its colon unescaped
        "birthday": "1985-04-15",
        "city": "Hamburg",
        "tags": ["myContacts", "Clients"],
    }
    assert (jane.uid, jane.body, jane.line) == (None, "Likes tea, not coffee.", 1)
    assert bob.fields == {"name": "Bob", "birthday": "--02-29", "tags": ["myContacts"]}
    assert bob.line == 19
    assert skipped == []


def test_android_vcard_21_quoted_printable_with_soft_line_breaks() -> None:
    people, skipped = read("android-2.1.vcf")
    zoe, bjorn = people
    assert zoe.fields == {
        "name": "Zoë Müller",
        "company": "Straßenbau AG",
        "emails": ["zoe@example.de", "zoe.mueller@firma.example"],
        "phones": ["+49 89 2222222", "+49 160 1111111"],  # the bare PREF first
        "birthday": "1990-12-24",
    }
    # =0D=0A is a line break, "=" at a line's end a soft break: the next line goes on, its
    # leading space kept (it is text); the comma is text in 2.1 (vobject would cut there)
    assert zoe.body == (
        "Erste Zeile, mit Komma\nZweite Zeile: ein sehr langer Text, der umbrochen wurde\n"
        "Übrigens: grüße"
    )
    assert "/9j/" not in repr(zoe)
    # no FN: the name from N; a bare QUOTED-PRINTABLE parameter and ISO-8859-1
    assert bjorn.fields == {"name": "Björn Jäger", "phones": ["0170 3333333"]}
    assert (zoe.line, bjorn.line) == (1, 17)
    assert skipped == []


def test_outlook_vcard_21_in_windows_1252() -> None:
    data = (FIXTURES / "outlook-2.1.vcf").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    (gunter,), skipped = read("outlook-2.1.vcf")
    assert gunter.fields == {
        "name": "Günter Schröder",
        "company": "Schröder & Söhne KG",
        "role": "Geschäftsführer",
        "emails": ["guenter@schroeder-soehne.example", "g.schroeder@privat.example"],
        "phones": ["+49 40 555123", "+49 172 555456"],
        "birthday": "1958-03-01",
        "city": "Hamburg",
    }
    assert gunter.body == "Kennt Müller aus dem Ruderclub.\nRuft lieber an."
    assert gunter.warnings == [
        "line 3 is not UTF-8: the card is read as Windows-1252; check its accented letters"
    ]
    assert skipped == []


def test_vcard_40() -> None:
    people, skipped = read("nextcloud-4.0.vcf")
    ana, old, extra = people
    assert ana.fields == {
        "name": "Ana Lima",
        "emails": ["ana@main.example", "ana@home.example", "ana.lima@work.example"],  # PREF=1, 2
        "phones": ["+49-30-7654321", "+49-170-1234567"],  # tel: URIs, PREF=1 first
        "linkedin": "https://de.linkedin.com/in/ana-lima",  # SOCIALPROFILE
        "birthday": "--04-15",  # --0415
        "city": "Lisboa",
        "aliases": ["Aninha", "Ana L."],  # one NICKNAME, two values
    }
    assert ana.uid == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert "data:image" not in repr(ana) and "/9j/" not in repr(ana)
    # a birthday that is text: never a date, kept in the body, with a warning
    assert old.fields == {"name": "Old Friend"}
    assert old.body == "Knew him well.\n\nBirthday: circa 1800"
    assert old.warnings == ["the birthday 'circa 1800' is not a date: kept in the note's text"]
    assert "photo.png" not in repr(old)
    assert extra.fields == {"name": "Extra Date", "birthday": "--04-16"}
    assert [p.line for p in people] == [1, 21, 34]
    assert skipped == [
        Skipped(
            "nextcloud-4.0.vcf",
            28,
            "a group card (KIND:group): a list of contacts, not a person",
        )
    ]


BIRTHDAYS = {
    "A": "--04-15",  # BDAY:--0415 (4.0)
    "B": "--04-15",  # BDAY:--04-15
    "C": "--04-15",  # Apple: X-APPLE-OMIT-YEAR=1604 and 1604-04-15
    "D": "--04-15",  # 1604 alone
    "E": "1985-04-15",
    "F": "1985-04-15",  # 19850415
    "G": "1985-04-15",  # with a time
    "J": "--02-29",
    "K": "--04-15",  # 0000
    "L": "1985-04-15",  # the omitted year is not this year
    "N": "1984-02-29",
}
TEXT_BIRTHDAYS = {"H": "circa 1800", "I": "1985-02-30", "M": "--04"}


def test_birthdays_in_every_form() -> None:
    people, skipped = read("birthdays.vcf")
    assert skipped == []
    by_name = {p.fields["name"]: p for p in people}
    assert {n: p.fields["birthday"] for n, p in by_name.items() if "birthday" in p.fields} == (
        BIRTHDAYS
    )
    for name, text in TEXT_BIRTHDAYS.items():
        person = by_name[name]
        assert person.fields == {"name": name}
        assert person.body == f"Birthday: {text}"
        assert person.warnings == [f"the birthday {text!r} is not a date: kept in the note's text"]
    assert [p.line for p in people] == [1 + 5 * i for i in range(14)]


@pytest.mark.parametrize(
    ("value", "omit", "expected"),
    [
        ("--1231", None, "--12-31"),
        ("--1301", None, None),
        ("--0230", None, None),
        ("2023-02-29", None, None),  # not a leap year
        ("1604-02-29", "1604", "--02-29"),
        ("2000-01-01", "2000", "--01-01"),
        ("19850415T120000+0200", None, "1985-04-15"),
        ("1985-04", None, None),
        ("", None, None),
        ("15.04.1985", None, None),
    ],
)
def test_birthday_values(value: str, omit: str | None, expected: str | None) -> None:
    assert birthday(value, omit) == expected


def test_cards_that_break_between_good_ones() -> None:
    people, skipped = read("broken-between.vcf")
    assert [(p.fields, p.line) for p in people] == [
        ({"name": "First Good"}, 1),
        ({"name": "Second Good", "emails": ["second@example.com"]}, 11),
        ({"name": "Third Good"}, 24),
    ]
    f = "broken-between.vcf"
    assert skipped == [
        Skipped(f, 5, "line 8 is not a vCard property: 'this line is not a property'"),
        Skipped(f, 16, "text outside any card: 'Some stray text between cards'"),
        Skipped(f, 17, "a card without a name (no FN or N)"),
        Skipped(f, 21, "a card that does not end: no END:VCARD before line 24"),
    ]


def test_a_last_card_that_does_not_end_is_skipped() -> None:
    people, skipped = read_text("BEGIN:VCARD\nFN:A\nEND:VCARD\nBEGIN:VCARD\nFN:B\n")
    assert [p.fields["name"] for p in people] == ["A"]
    assert skipped == [
        Skipped("x.vcf", 4, "a card that does not end: no END:VCARD before the end of the file")
    ]


def test_folded_lines_even_inside_a_utf8_sequence() -> None:
    data = (FIXTURES / "folded.vcf").read_bytes()
    assert b"Gr\xc3\r\n \xbcn" in data and b"\r\n\tName" in data
    (person,), skipped = read("folded.vcf")
    assert person.fields == {"name": "FoldName", "company": "Grün GmbH", "role": "Lead"}
    assert person.body == "A long note that goes on and on and on, with an escaped comma and more."
    assert person.warnings == [] and skipped == []


def test_a_vcard_21_photo_whose_base64_lines_are_not_indented() -> None:
    text = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;Jane\r\nPHOTO;ENCODING=BASE64;TYPE=JPEG:\r\n"
        "/9j/4AAQSkZJRgABAQEAYABgAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0a\r\n"
        "HBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIy\r\n"
        "MjIyMjIyMjIyMjIyMjIyMjIyMjIy==\r\n\r\nTEL;CELL:+49 170 1\r\nEND:VCARD\r\n"
    )
    (person,), skipped = read_text(text)
    assert person.fields == {"name": "Jane Doe", "phones": ["+49 170 1"]}
    assert person.body == "" and skipped == []


def test_a_card_with_only_a_name() -> None:
    (person,), skipped = read("only-fn.vcf")
    assert person == Incoming({"name": "Cher"}, uid=None, body="", line=1, file="only-fn.vcf")
    assert skipped == []


def test_line_numbers_in_a_file_of_many_cards_with_mixed_line_ends() -> None:
    parts = []
    expected = []
    line = 1
    for i in range(2000):
        end = "\r\n" if i % 2 else "\n"
        card = ["BEGIN:VCARD", "VERSION:3.0", f"FN:Person {i}"]
        if i % 3 == 0:
            card += ["NOTE:a long note that is folded", " over two lines"]
        card += [f"EMAIL:p{i}@example.com", "END:VCARD"]
        expected.append((f"Person {i}", line))
        line += len(card)
        if i % 5 == 0:
            card.append("")  # a blank line between cards
            line += 1
        parts.append(end.join(card) + end)
    people, skipped = read_text("".join(parts), "many.vcf")
    assert [(p.fields["name"], p.line) for p in people] == expected
    assert people[3].body == "a long note that is foldedover two lines"
    assert skipped == []


def test_utf16_with_a_bom() -> None:
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë\r\nEND:VCARD\r\n"
    for data in (
        codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    ):
        (person,), _ = VCardImporter().read(data, "u.vcf")
        assert person.fields == {"name": "Zoë"}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.vcf", "empty.vcf: error: not a vCard file: the file is empty"),
        ("contacts.csv", "contacts.csv: error: not a vCard file: expected BEGIN:VCARD"),
        (
            "image.png",
            "image.png: error: not a vCard file: it holds binary data (NUL bytes), not text",
        ),
        (
            "truncated.vcf",
            "truncated.vcf:1: error: not a vCard file: expected BEGIN:VCARD … END:VCARD, but the "
            "card that begins on line 1 has no END:VCARD (is the file cut off?)",
        ),
    ],
)
def test_bad_files_are_refused_naming_the_file(name: str, message: str) -> None:
    with pytest.raises(NetzmdError) as caught:
        read(name)
    assert caught.value.path == name
    assert caught.value.message == message
    # sniff tells by the start: a cut-off card still looks like one
    assert VCardImporter().sniff((FIXTURES / name).read_bytes(), name) == (name == "truncated.vcf")


def test_an_ics_file_is_not_a_vcard() -> None:
    data = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    assert not VCardImporter().sniff(data, "cal.ics")
    with pytest.raises(NetzmdError, match="expected BEGIN:VCARD"):
        VCardImporter().read(data, "cal.ics")


@pytest.mark.parametrize(
    "name",
    ["apple-3.0.vcf", "google-3.0.vcf", "android-2.1.vcf", "outlook-2.1.vcf", "nextcloud-4.0.vcf"],
)
def test_sniff_knows_every_real_shape(name: str) -> None:
    assert VCardImporter().sniff((FIXTURES / name).read_bytes(), name)


def test_preferred_and_repeated_addresses() -> None:
    text = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:P\nEMAIL:a@x.org\nEMAIL;TYPE=INTERNET,PREF:b@x.org\n"
        "EMAIL:A@X.ORG\nEMAIL;PREF=3:c@x.org\nEMAIL:mailto:d@x.org\nTEL:1\nTEL;TYPE=pref:2\nTEL:1\n"
        "END:VCARD\n"
    )
    (person,), _ = read_text(text)
    assert person.fields["emails"] == ["b@x.org", "c@x.org", "a@x.org", "d@x.org"]
    assert person.fields["phones"] == ["2", "1"]


def test_linkedin_from_a_social_profile_or_a_url() -> None:
    def linkedin(lines: str) -> Any:
        (person,), _ = read_text(f"BEGIN:VCARD\nFN:P\n{lines}\nEND:VCARD\n")
        return person.fields.get("linkedin")

    assert linkedin("X-SOCIALPROFILE;type=linkedin:x-apple:jane-doe") == (
        "https://www.linkedin.com/in/jane-doe"
    )
    assert linkedin("X-SOCIALPROFILE;type=linkedin;x-user=jd:x-apple:jd") == (
        "https://www.linkedin.com/in/jd"
    )
    assert linkedin("X-SOCIALPROFILE;type=twitter:https://twitter.com/jd") is None
    assert linkedin("URL:https://example.com\nURL:linkedin.com/in/jd") == "linkedin.com/in/jd"
    assert linkedin("URL:https://notlinkedin.com/in/jd") is None
    assert linkedin(
        "URL:https://x.example/in/jd\nX-SOCIALPROFILE;type=linkedin:https://www.linkedin.com/in/a"
    ) == ("https://www.linkedin.com/in/a")


def test_names_composed_from_n() -> None:
    def name(n: str) -> Any:
        people, skipped = read_text(f"BEGIN:VCARD\nVERSION:3.0\nN:{n}\nEND:VCARD\n")
        return people[0].fields["name"] if people else skipped[0].reason

    assert name("Mustermann;Max;Karl,Otto;Dr.;Jr.") == "Dr. Max Karl Otto Mustermann Jr."
    assert name("Weiß\\, von;Jürgen") == "Jürgen Weiß, von"
    assert name(";;;;") == "a card without a name (no FN or N)"


def test_the_city_prefers_a_work_address_then_a_preferred_one() -> None:
    def city(lines: str) -> Any:
        (person,), _ = read_text(f"BEGIN:VCARD\nFN:P\n{lines}\nEND:VCARD\n")
        return person.fields.get("city")

    assert city("ADR:;;;A;;;\nADR;TYPE=pref:;;;B;;;") == "B"
    assert city("ADR;TYPE=home,pref:;;;A;;;\nADR;TYPE=WORK:;;;B;;;") == "B"
    assert city("ADR;TYPE=WORK:;;;;;;\nADR:;;;C;;;") == "C"
    assert city("ADR:;;Street only") is None


def test_escapes_and_splitting() -> None:
    assert unescape(r"a\nb\Nc\,d\;e\\f\:g\xh\\") == "a\nb\nc,d;e\\f:g\\xh\\"
    assert split_escaped(r"a\,b,c\\,d", ",") == ["a,b", "c\\", "d"]
    assert split_escaped("a;b;;", ";") == ["a", "b", "", ""]


# --- our own export read back -----------------------------------------------------------------

NOTES = {
    "contacts/Max.md": note(
        "name: Maximilian Mustermann\naliases: [Max, 'Max, der Große']\ntags: [ex-colleague, "
        "'a,b']\ncompany: 'Brückenwerk; Digital, GmbH'\nrole: Staff Engineer\n"
        "emails: [max@example.com, m.m@example.org]\nphone: '0170123456'\nphones: ['+49 40 123']\n"
        "city: Hamburg\nlinkedin: https://www.linkedin.com/in/example\nbirthday: --02-29",
        "Met him at the Terraform meetup.\nLikes flat white; a \\ backslash.\n\n## Log\n\n"
        "- 2026-10-22 [call] questions\n\n## Family\n\nTwo kids.\n",
    ),
    "contacts/Born.md": note("birthday: 1985-04-15\nuid: urn:uuid:1234-abcd\ncity: Köln"),
    "contacts/Cher.md": "",
    "contacts/Long.md": note(
        "name: "
        + "Über-lange Namensträgerin " * 4
        + "\ncompany: "
        + "Ein sehr langer Firmenname " * 5
    ),
}


def exported(root: Path) -> tuple[bytes, list[dict[str, Any]]]:
    with Index(Vault(root)) as index:
        index.refresh()
        network = Network(index, load_config(root), TODAY)
        return VCardExporter().export(network), network.contacts(history=False)


def test_our_export_reads_back_to_the_same_fields(make_vault: MakeVault) -> None:
    data, contacts = exported(make_vault(NOTES))
    people, skipped = VCardImporter().read(data, "export.vcf")
    assert skipped == []
    assert len(people) == len(contacts) == 4
    by_name = {p.fields["name"]: p for p in people}
    max_ = by_name["Maximilian Mustermann"]
    assert max_.fields == {
        "name": "Maximilian Mustermann",
        "company": "Brückenwerk; Digital, GmbH",
        "role": "Staff Engineer",
        "emails": ["max@example.com", "m.m@example.org"],
        "phones": ["0170123456", "+49 40 123"],
        "linkedin": "https://www.linkedin.com/in/example",
        "birthday": "--02-29",
        "city": "Hamburg",
        "tags": ["ex-colleague", "a-b"],  # a tag with a comma: tag_for makes it one tag
        "aliases": ["Max", "Max, der Große"],
    }
    assert max_.uid == derived_uid("Max")
    assert max_.body == (
        "Met him at the Terraform meetup.\nLikes flat white; a \\ backslash.\n\n## Family\n\n"
        "Two kids."
    )
    assert by_name["Born"].fields == {"name": "Born", "birthday": "1985-04-15", "city": "Köln"}
    assert by_name["Born"].uid == "urn:uuid:1234-abcd"
    assert by_name["Cher"].fields == {"name": "Cher"}
    # field by field against what the export was made from
    for c in contacts:
        person = by_name[c["name"]]
        for key in ("company", "role", "city", "birthday"):
            assert person.fields.get(key) == c.get(key), key
        assert person.fields.get("emails", []) == (c.get("emails") or [])
        assert person.fields.get("phones", []) == (c.get("phones") or [])
        assert person.fields.get("aliases", []) == (c.get("aliases") or [])
        assert person.fields.get("tags", []) == [tag_for(t) for t in c.get("tags") or []]
        assert person.fields.get("linkedin") == (c.get("fields") or {}).get("linkedin")
    # and a second export of nothing new reads back the same
    assert VCardImporter().read(data, "export.vcf") == (people, skipped)


def test_our_folder_export_reads_back_card_by_card(make_vault: MakeVault) -> None:
    root = make_vault(NOTES)
    with Index(Vault(root)) as index:
        index.refresh()
        files = VCardExporter().export_each(Network(index, load_config(root), TODAY))
    names = []
    for file, data in files:
        (person,), skipped = VCardImporter().read(data, file)
        assert skipped == [] and person.line == 1
        names.append(person.fields["name"])
    assert sorted(names) == sorted(
        ["Maximilian Mustermann", "Born", "Cher", ("Über-lange Namensträgerin " * 4).strip()]
    )


# --- any text, escaped and folded as RFC 2426 asks, reads back exactly ---------------------------

# any character but NUL (a file with NUL is refused as binary data) and surrogates
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)


def lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=TEXT,
    note_text=TEXT,
    categories=st.lists(TEXT, max_size=4),
    nicknames=st.lists(TEXT, max_size=3),
    org=TEXT,
    title=TEXT,
    crlf=st.booleans(),
)
def test_any_text_reads_back_exactly(
    name: str,
    note_text: str,
    categories: list[str],
    nicknames: list[str],
    org: str,
    title: str,
    crlf: bool,
) -> None:
    e = escape_text
    lines = ["BEGIN:VCARD", "VERSION:3.0", "FN:" + e(name), "N:" + e(name) + ";;;;"]
    if categories:
        lines.append("CATEGORIES:" + ",".join(e(c) for c in categories))
    lines += ["NICKNAME:" + e(n) for n in nicknames]
    lines += ["NOTE:" + e(note_text), "ORG:" + e(org) + ";Dept", "TITLE:" + e(title), "END:VCARD"]
    end = b"\r\n" if crlf else b"\n"
    data = end.join(fold(line).replace(b"\r\n", end) for line in lines) + end
    people, skipped = VCardImporter().read(data, "any.vcf")
    expected_name = lf(name).strip()
    if not expected_name:  # neither FN nor N has a name
        assert people == []
        assert skipped == [Skipped("any.vcf", 1, "a card without a name (no FN or N)")]
        return
    (person,) = people
    assert skipped == []
    fields = person.fields
    assert fields["name"] == expected_name
    assert person.body == (lf(note_text) if lf(note_text).strip() else "")
    tags = list(dict.fromkeys(t for t in (tag_for(lf(c)) for c in categories) if t is not None))
    assert fields.get("tags", []) == tags
    aliases = list(dict.fromkeys(a for a in (lf(n).strip() for n in nicknames) if a))
    assert fields.get("aliases", []) == aliases
    assert fields.get("company") == (lf(org).strip() or None)
    assert fields.get("role") == (lf(title).strip() or None)
