"""Reading one note: values mean what was typed, every encoding reads, and every bad input gives a
precise ``path:line: severity: message`` instead of an exception."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from netzmd.model.contact import Contact, FollowUp, Interaction, core_json, static_json, status
from netzmd.model.dates import PartialDate
from netzmd.notes.note import MAX_BYTES, Parsed, contact_id, parse_note

CORPUS = Path(__file__).parent / "corpus"
PATH = "contacts/Jane Doe.md"


def parse(text: str | bytes, path: str = PATH) -> Parsed:
    return parse_note(path, text.encode("utf-8") if isinstance(text, str) else text)


def problems(text: str | bytes, path: str = PATH) -> list[str]:
    return [str(p) for p in parse(text, path).problems]


def contact(text: str | bytes, path: str = PATH) -> Contact:
    """The contact of a note that must read without any problem."""
    parsed = parse(text, path)
    assert parsed.problems == []
    assert parsed.contact is not None
    return parsed.contact


def fields(front: str) -> dict[str, Any]:
    return contact(f"---\n{front}\n---\n").fields


def warned(text: str) -> tuple[Contact, list[str]]:
    """A note that reads with warnings only: the contact and the problem lines."""
    parsed = parse(text)
    assert parsed.contact is not None, parsed.problems
    assert all(p.severity == "warning" for p in parsed.problems)
    return parsed.contact, [str(p) for p in parsed.problems]


def error(text: str | bytes) -> str:
    """A note that does not read: its single problem line."""
    parsed = parse(text)
    assert parsed.contact is None
    assert len(parsed.problems) == 1
    assert parsed.problems[0].severity == "error"
    return str(parsed.problems[0])


# === The corpus: each file one tricky case, its problems pinned in expected.txt ===============


def _corpus_files() -> list[str]:
    return sorted(p.name for p in CORPUS.glob("*.md"))


def _expected() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in (CORPUS / "expected.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        m = re.match(r"^corpus/([^:]+):\d+: (?:error|warning): ", line)
        assert m is not None, f"expected.txt: not a problem line: {line!r}"
        out.setdefault(m[1], []).append(line)
    return out


EXPECTED = _expected()


def parse_corpus(name: str) -> Parsed:
    return parse_note(f"corpus/{name}", (CORPUS / name).read_bytes())


def corpus_contact(name: str) -> Contact:
    parsed = parse_corpus(name)
    assert parsed.contact is not None
    return parsed.contact


def test_expected_txt_names_only_corpus_files() -> None:
    assert set(EXPECTED) <= set(_corpus_files())
    assert len(_corpus_files()) >= 40


@pytest.mark.parametrize("name", _corpus_files())
def test_corpus_note_gives_exactly_the_expected_problems(name: str) -> None:
    parsed = parse_corpus(name)
    assert [str(p) for p in parsed.problems] == EXPECTED.get(name, [])
    has_error = any(p.severity == "error" for p in parsed.problems)
    assert (parsed.contact is None) == has_error
    if parsed.contact is not None:  # what the index stores must be strict JSON
        json.dumps(static_json(parsed.contact), allow_nan=False)
        json.dumps(core_json(parsed.contact), allow_nan=False)


def test_corpus_has_clean_and_broken_notes() -> None:
    clean = [n for n in _corpus_files() if n not in EXPECTED]
    assert len(clean) >= 15
    assert len(EXPECTED) >= 15


def test_corpus_values_as_typed() -> None:
    c = corpus_contact("values-as-typed.md")
    assert c.fields == {
        "name": "Literal Larsen",
        "phone": "0170123",
        "country": "NO",
        "call": "12:30",
        "answer_yes": "yes",
        "answer_no": "no",
        "switch_on": "on",
        "switch_off": "off",
        "vouches": True,
        "archived": False,
        "met": "2024-05-17",
        "nothing": None,
        "also_nothing": None,
        "exponent": "1e3",
        "hex": "0x1F",
        "octal": "0o17",
        "sexagesimal": "1:30:00",
        "float": "3.14",
        "version": "1.10",
        "zip": "01234",
    }
    assert c.phones == ["0170123"]
    assert c.vouches is True
    assert c.archived is False
    assert c.met == "2024-05-17"


def test_corpus_bad_fields_keep_the_rest_of_the_contact() -> None:
    c = corpus_contact("bad-fields.md")
    assert c.name == "Faulty Fields"
    assert c.company == "Acme"
    assert c.tags == ["career", "mentor"]
    assert c.birthday is None
    assert c.cadence is None
    assert c.circle is None
    assert c.introduced_by == "Jane Doe"
    assert c.fields["introduced_by"] == "[[Jane Doe]]"
    assert c.dates == {"anniversary": PartialDate(2020, 6, 1)}
    assert c.last_contact_field is None
    assert c.vouches is True
    assert [(i.date, i.text) for i in c.interactions] == [(date(2026, 1, 10), "call")]


def test_corpus_accented_file_name_is_the_name() -> None:
    c = corpus_contact("Zoë Müller.md")
    assert c.id == c.name == "Zoë Müller"
    assert c.company == "Ärzte ohne Grenzen"
    assert c.city == "Zürich"
    assert c.role == "Señora of Ωmega"
    assert c.aliases == ["Zoe Mueller", "Zoë"]
    assert c.interactions[0].text == "Kaffee im Café Grüß Gott"


def test_corpus_emoji() -> None:
    c = corpus_contact("Ana Lima 🌻.md")
    assert c.id == "Ana Lima 🌻"
    assert c.name == "Ana 🌻 Lima"
    assert c.tags == ["career", "🚀 launch"]
    assert c.offers == "🎤 talks and ☕ coffee"
    assert c.interactions == [
        Interaction(date(2026, 1, 10), "ramen 🍜 with 👩\u200d💻 team", "🍜 lunch", 6)
    ]
    assert c.follow_ups == [FollowUp(date(2026, 2, 1), "send 📎 the deck", False, 7)]


def test_corpus_crlf_and_bom_read_like_lf() -> None:
    crlf = corpus_contact("crlf.md")
    assert crlf.name == "Carriage Carla"
    assert crlf.phones == ["0170123"]
    assert crlf.birthday == PartialDate(None, 7, 4)
    assert crlf.interactions == [Interaction(date(2026, 1, 10), "windows line endings", "call", 8)]
    assert crlf.follow_ups == [FollowUp(date(2026, 2, 1), "follow up", False, 9)]
    lf = parse_note("corpus/crlf.md", (CORPUS / "crlf.md").read_bytes().replace(b"\r\n", b"\n"))
    assert lf.contact == crlf

    bom = corpus_contact("bom.md")
    assert (CORPUS / "bom.md").read_bytes().startswith(b"\xef\xbb\xbf")
    assert bom.name == "Bom Bettina"
    assert bom.fields == {"name": "Bom Bettina", "company": "Acme"}
    assert [i.line for i in bom.interactions] == [5]

    both = corpus_contact("bom-crlf-no-final-newline.md")
    assert both.fields == {"name": "Bom And Crlf", "company": "Acme"}
    assert [(i.text, i.line) for i in both.interactions] == [("call", 5)]


def test_corpus_no_final_newline() -> None:
    c = corpus_contact("no-final-newline.md")
    assert [(i.text, i.line) for i in c.interactions] == [("call", 5)]
    assert corpus_contact("no-final-newline-after-fence.md").company == "Acme"


def test_corpus_no_front_matter_and_empty_ones() -> None:
    c = corpus_contact("no-front-matter.md")
    assert (c.id, c.name, c.fields) == ("no-front-matter", "no-front-matter", {})
    assert [(i.text, i.line) for i in c.interactions] == [("call", 4)]
    for name in ("empty-front-matter.md", "comment-only-front-matter.md", "empty-file.md"):
        c = corpus_contact(name)
        assert c.name == name[:-3]
        assert c.fields == {}
    assert [i.line for i in corpus_contact("empty-front-matter.md").interactions] == [3]


def test_corpus_dashes_in_body_and_dots_closing() -> None:
    c = corpus_contact("body-with-dashes.md")
    assert c.fields == {"name": "Horizontal Rule", "company": "Acme"}
    assert [(i.text, i.line) for i in c.interactions] == [("still an interaction", 12)]
    dots = corpus_contact("closed-with-dots.md")
    assert dots.fields == {"name": "Dotty", "company": "Acme"}
    assert [i.line for i in dots.interactions] == [5]


def test_corpus_tabs_anchors_tags_comments_links() -> None:
    tabs = corpus_contact("tabs-ok.md")
    assert tabs.fields == {"name": "Tab After Colon", "company": "Acme", "role": "Head\tof Tabs"}
    anchors = corpus_contact("anchors.md")
    assert anchors.fields["work"] == {"city": "Oslo", "company": "Acme", "role": "CTO"}
    assert anchors.fields["home"] == "Oslo"
    explicit = corpus_contact("explicit-tags.md")
    assert explicit.fields == {
        "name": "Explicit Eric",
        "phone": "0170123",
        "count": 42,
        "ratio": 0.5,
        "photo": "aGVsbG8=",
        "skills": {"python": None, "yaml": None},
    }
    comments = corpus_contact("comments-and-blank-lines.md")
    assert comments.name == "Commented Carl"
    assert comments.company == "Acme # not a comment"
    links = corpus_contact("wiki-links.md")
    assert links.introduced_by == "Jane Doe"
    assert links.met == "[[Conference 2025]]"


def test_corpus_long_lines() -> None:
    c = corpus_contact("long-lines.md")
    assert c.offers == " ".join(["word"] * 1000)
    assert len(c.tags) == 500
    assert len(c.interactions) == 1
    assert c.interactions[0].text == " ".join(["blah"] * 1000)


def test_corpus_body_rules() -> None:
    c = corpus_contact("body-rules.md")
    assert c.interactions == [
        Interaction(date(2026, 11, 25), "nested item", None, 12),
        Interaction(date(2026, 11, 24), "colon separated", None, 11),
        Interaction(date(2026, 11, 23), "wiki date with alias", "call", 10),
        Interaction(date(2026, 11, 22), "text", "lunch", 9),
        Interaction(date(2026, 11, 21), "call", None, 8),
        Interaction(date(2026, 11, 20), "lunch at the canteen", None, 7),
    ]
    assert c.follow_ups == [
        FollowUp(date(2026, 12, 5), "send the CFP link", False, 27),
        FollowUp(None, "booked the room", True, 28, date(2026, 12, 1)),
        FollowUp(date(2026, 11, 30), "thank-you note", True, 29, date(2026, 12, 1)),
        FollowUp(None, "no due date", False, 30),
    ]


def test_corpus_dates_people_write() -> None:
    c = corpus_contact("dates-people-write.md")
    assert c.interactions == [
        Interaction(date(2026, 11, 9), "Pasta Bar", "lunch", 7),
        Interaction(date(2026, 11, 8), "call", None, 6),
    ]


# === Values mean what was typed ===============================================================


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("0170123", "0170123"),
        ("+49 170 123", "+49 170 123"),
        ("NO", "NO"),
        ("No", "No"),
        ("no", "no"),
        ("yes", "yes"),
        ("Yes", "Yes"),
        ("YES", "YES"),
        ("y", "y"),
        ("n", "n"),
        ("on", "on"),
        ("off", "off"),
        ("Off", "Off"),
        ("12:30", "12:30"),
        ("1:30:00", "1:30:00"),
        ("12", "12"),
        ("-12", "-12"),
        ("1e3", "1e3"),
        ("0x1F", "0x1F"),
        ("0o17", "0o17"),
        ("0b101", "0b101"),
        ("1_000", "1_000"),
        ("3.14", "3.14"),
        ("1.10", "1.10"),
        (".inf", ".inf"),
        ("-.inf", "-.inf"),
        (".nan", ".nan"),
        ("=", "="),
        ("2026-1-2", "2026-1-2"),
        ("2026-01-02 10:30", "2026-01-02 10:30"),
        ("2026-01-02T10:30:00Z", "2026-01-02T10:30:00Z"),
        ("--03-14", "--03-14"),
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("False", False),
        ("FALSE", False),
        ("~", None),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("", None),
        ("2026-11-20", "2026-11-20"),
        ("2024-02-29", "2024-02-29"),
        ('"true"', "true"),
        ('"2026-11-20"', "2026-11-20"),
        ("'~'", "~"),
        ('""', ""),
        ('"[[Jane Doe]]"', "[[Jane Doe]]"),
        ("[a, b]", ["a", "b"]),
        ("[0170123, NO, 12:30, true, 2026-01-02]", ["0170123", "NO", "12:30", True, "2026-01-02"]),
        ("{a: 1, b: off}", {"a": "1", "b": "off"}),
    ],
)
def test_values_mean_what_was_typed(written: str, value: Any) -> None:
    assert fields(f"value: {written}") == {"value": value}


def test_keys_are_the_text_typed() -> None:
    """A key is a name: ``true:`` is "true", not True (which came out as "True"), ``null:`` is
    "null", a date-like key stays as written; nested ones too, and a key named like an
    impossible date is no error."""
    assert fields("true: a\nNULL: b\n~: c\n1: d\n2026-02-30: e\nnested:\n  false: f\n") == {
        "true": "a",
        "NULL": "b",
        "~": "c",
        "1": "d",
        "2026-02-30": "e",
        "nested": {"false": "f"},
    }


def test_typed_attributes() -> None:
    c = contact(
        """---
name: "  Jane Doe  "
aliases: [JD, Janie]
alias: J.
circle: Career
tags: ["#mentor", speaker, "#"]
company: 0170
role: CTO
city: Oslo
email: jane@example.com
emails: [j@example.org]
phone: 0170123
phones: ["+47 123"]
birthday: 1990-03-14
dates:
  anniversary: --06-01
  founded: 2001-09-09
cadence: 3m
last_contact: 2026-01-05
snooze_until: 2026-12-01
met: 2019-05-01
introduced_by: "[[John Smith|John]]"
vouches: true
offers: intros to VCs
archived: false
---
"""
    )
    assert c.id == "Jane Doe"
    assert c.path == PATH
    assert c.name == "Jane Doe"
    assert c.aliases == ["JD", "Janie", "J."]
    assert c.circle == "career"
    assert c.tags == ["mentor", "speaker"]
    assert c.company == "0170"
    assert (c.role, c.city) == ("CTO", "Oslo")
    assert c.emails == ["jane@example.com", "j@example.org"]
    assert c.phones == ["0170123", "+47 123"]
    assert c.birthday == PartialDate(1990, 3, 14)
    assert c.dates == {"anniversary": PartialDate(None, 6, 1), "founded": PartialDate(2001, 9, 9)}
    assert c.cadence == "3m"
    assert c.last_contact_field == date(2026, 1, 5)
    assert c.snooze_until == date(2026, 12, 1)
    assert c.met == "2019-05-01"
    assert c.introduced_by == "John Smith"
    assert c.vouches is True
    assert c.offers == "intros to VCs"
    assert c.archived is False
    assert c.fields["birthday"] == "1990-03-14"
    assert c.fields["dates"] == {"anniversary": "--06-01", "founded": "2001-09-09"}
    assert c.fields["phone"] == "0170123"
    assert c.names() == ["Jane Doe", "JD", "Janie", "J."]


def test_name_is_the_file_name_without_name_field() -> None:
    assert contact("---\ncompany: Acme\n---\n", "people/Zoë Müller.md").name == "Zoë Müller"
    assert contact("", "x/Émile.MD").id == "Émile"
    nfd = unicodedata.normalize("NFD", "contacts/Zoë Müller.md")
    c = contact("no front matter", nfd)
    assert c.id == c.name == "Zoë Müller"  # NFC, whatever form the file system gave
    assert c.path == nfd
    assert contact_id("a/b/Jane.md") == "Jane"
    assert contact_id("Jane") == "Jane"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("--02-29", PartialDate(None, 2, 29)),
        ("02-29", PartialDate(None, 2, 29)),
        ("--12-31", PartialDate(None, 12, 31)),
        ("1990-03-14", PartialDate(1990, 3, 14)),
        ('"--03-14"', PartialDate(None, 3, 14)),
    ],
)
def test_birthday_with_or_without_year(written: str, expected: PartialDate) -> None:
    c = contact(f"---\nbirthday: {written}\ndates:\n  other: {written}\n---\n")
    assert c.birthday == expected
    assert c.dates == {"other": expected}
    assert c.fields["birthday"] == written.strip('"')


@pytest.mark.parametrize("written", ["--02-30", "02-30", "--13-01", "May 3rd", "3/14"])
def test_impossible_birthday_is_a_warning(written: str) -> None:
    c, found = warned(f"---\nname: X\nbirthday: {written}\ncadence: 3m\n---\n")
    assert found == [
        f"{PATH}:3: warning: birthday '{written}' is not a date: write YYYY-MM-DD, or --MM-DD "
        "when the year is unknown"
    ]
    assert c.birthday is None
    assert c.cadence == "3m"
    assert c.fields["birthday"] == written


@pytest.mark.parametrize(
    "written", ["30d", "6w", "3m", "1y", "weekly", "monthly", "quarterly", "yearly"]
)
def test_cadence_kept_as_written(written: str) -> None:
    assert contact(f"---\ncadence: {written}\n---\n").cadence == written


def test_bad_fields_warn_on_their_own_line() -> None:
    c, found = warned(
        """---
name: X
circle: friends
cadence: often
introduced_by: [[Jane Doe]]
vouches: yes
archived: maybe
snooze_until: soon
aliases: [ok, {a: b}]
name_list_ok: [a]
dates:
  ok: 2020-01-01
  bad: --02-30
---
"""
    )
    assert found == [
        f"{PATH}:5: warning: unquoted wiki-link: YAML reads [[Jane Doe]] as a nested list; "
        'write introduced_by: "[[Jane Doe]]"',
        f"{PATH}:9: warning: 'aliases' should be text or a list of texts, not a mapping",
        f"{PATH}:3: warning: unknown circle 'friends': use career, competence or publication",
        f"{PATH}:13: warning: dates: 'bad' has '--02-30', not a date: write YYYY-MM-DD or --MM-DD",
        f"{PATH}:4: warning: cadence 'often' is not understood: write e.g. 30d, 6w, 3m, 1y, "
        "weekly, monthly, quarterly or yearly",
        f"{PATH}:8: warning: snooze_until 'soon' is not a date: write YYYY-MM-DD",
        f"{PATH}:6: warning: vouches 'yes' should be true or false; read as true",
        f"{PATH}:7: warning: archived 'maybe' should be true or false; read as false",
    ]
    assert c.introduced_by == "Jane Doe"
    assert c.aliases == ["ok"]
    assert c.dates == {"ok": PartialDate(2020, 1, 1)}
    assert (c.vouches, c.archived) == (True, False)


def test_non_text_values_warn() -> None:
    c, found = warned("---\nname: [a, b]\ncompany: {x: 1}\ndates: [2020-01-01]\n---\n")
    assert found == [
        f"{PATH}:2: warning: 'name' should be a single text value, not a list",
        f"{PATH}:3: warning: 'company' should be a single text value, not a mapping",
        f"{PATH}:4: warning: 'dates' should be a mapping of label: date lines",
    ]
    assert c.name == "Jane Doe"
    assert c.company is None
    assert c.fields["name"] == ["a", "b"]


# === Errors: the whole note is refused, with the line =========================================


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "---\nname: A\ntags: [a, b\ncity: Oslo\n---\n",
            "4: error: invalid YAML: did not find expected ',' or ']' "
            "(parsing a flow sequence from line 3)",
        ),
        (
            '---\nname: A\nrole: "CTO\n---\n',
            "4: error: invalid YAML: found unexpected end of stream "
            "(scanning a quoted scalar from line 3)",
        ),
        (
            "---\nname: A\ncity: Oslo\ncompany: Acme\nname: B\n---\n",
            "5: error: duplicate key 'name' on lines 2 and 5",
        ),
        (
            "---\ndates:\n  a: 2020-01-01\n  a: 2021-01-01\n---\n",
            "4: error: duplicate key 'a' on lines 3 and 4",
        ),
        ("---\nname: A\nmet: 2023-02-29\n---\n", "3: error: impossible date '2023-02-29'"),
        ("---\nbirthday: 2026-02-30\n---\n", "2: error: impossible date '2026-02-30'"),
        (
            "---\nname: A\n---\nbody\n<<<<<<< HEAD\nx\n=======\ny\n>>>>>>> b\n",
            "5: error: git conflict markers: resolve the conflict (keep one side) and remove the "
            "<<<<<<< ======= >>>>>>> lines",
        ),
        (
            "---\nname: A\n>>>>>>> theirs\n---\n",
            "3: error: a git conflict marker ('>>>>>>>') with no conflict around it: remove "
            "the line",
        ),
        (
            "---\nname: A\n---\n<<<<<<< ours\nx\n",
            "4: error: a git conflict that is never closed (no >>>>>>> line after it): resolve it "
            "and remove the <<<<<<< ======= >>>>>>> lines",
        ),
        (
            "---\n- a\n- b\n---\n",
            "2: error: front matter is a list, not a mapping of 'key: value' lines",
        ),
        (
            "---\nhello\n---\n",
            "2: error: front matter is a single value, not a mapping of 'key: value' lines",
        ),
        (
            "---\nname: A\n\nbody text\n",
            "1: error: front matter opened on line 1 is never closed with a '---' line",
        ),
        ("---", "1: error: front matter opened on line 1 is never closed with a '---' line"),
        (
            "---\nname: A\nx: !python/object:os.system ls\n---\n",
            "3: error: invalid YAML: could not determine a constructor for the tag "
            "'!python/object:os.system'",
        ),
        (
            "---\nname: A\nx: a\x7fb\n---\n",
            "3: error: invalid YAML: the unprintable character U+007F is not allowed",
        ),
        (
            "---\nname: é\nx: a\x1bb\n---\n",
            "3: error: invalid YAML: the unprintable character U+001B is not allowed",
        ),
        (
            "---\nname: A\nloop: &a [1, *a]\n---\n",
            "3: error: invalid YAML: an alias refers to the anchor it is inside "
            "(a value that contains itself)",
        ),
    ],
)
def test_errors_name_the_line(text: str, expected: str) -> None:
    assert error(text) == f"{PATH}:{expected}"


LOG_ADVICE = (
    "git conflict markers in the Log section: keep the lines of both sides (each line is an "
    "interaction; keeping one side would drop the other's) and remove the <<<<<<< ======= "
    ">>>>>>> lines"
)
TASKS_ADVICE = (
    "git conflict markers in the Follow-ups section: keep the lines of both sides (each line is "
    "a task; keeping one side would drop the other's; a task both sides changed stays once) and "
    "remove the <<<<<<< ======= >>>>>>> lines"
)
ONE_SIDE_ADVICE = (
    "git conflict markers: resolve the conflict (keep one side) and remove the <<<<<<< ======= "
    ">>>>>>> lines"
)


def test_every_conflict_block_is_reported_with_the_advice_for_its_place() -> None:
    parsed = parse(
        "---\nname: A\n<<<<<<< HEAD\ncity: X\n=======\ncity: Y\n>>>>>>> b\n---\n"  # 3
        "## Log\n<<<<<<< HEAD\n- 2026-01-01 a\n=======\n- 2026-01-02 b\n>>>>>>> b\n"  # 10
        "### 2025\n<<<<<<< HEAD\n- 2025-01-01 c\n=======\n>>>>>>> b\n"  # 16
        "```\n## Follow-ups\n```\n<<<<<<< HEAD\n- 2025-01-02 d\n=======\n>>>>>>> b\n"  # 23
        "Notes\n=======\n"  # a heading's underline, no conflict
        "# Follow-ups\n<<<<<<< HEAD\n- [ ] x\n||||||| base\n=======\n- [ ] y\n>>>>>>> b\n"  # 30
        "## Other\n<<<<<<< HEAD\nz\n=======\n>>>>>>> b\n"  # 37: a subsection of Follow-ups
        "# Notes\n<<<<<<< HEAD\nz\n=======\n>>>>>>> b\n"  # 42
    )
    assert parsed.contact is None
    assert [(p.line, p.severity, p.message) for p in parsed.problems] == [
        (3, "error", ONE_SIDE_ADVICE),
        (10, "error", LOG_ADVICE),
        (16, "error", LOG_ADVICE),  # a subsection of the Log
        (23, "error", LOG_ADVICE),  # a heading in a code block is no heading
        (30, "error", TASKS_ADVICE),
        (37, "error", TASKS_ADVICE),
        (42, "error", ONE_SIDE_ADVICE),
    ]


def test_check_lists_every_conflict_block(make_vault: Any, run: Any) -> None:
    vault = make_vault(
        {"contacts/Jane.md": "---\nname: Jane\n---\n## Log\n<<<<<<< HEAD\n- 2026-01-01 a\n"
         "=======\n- 2026-01-02 b\n>>>>>>> x\n## Follow-ups\n<<<<<<< HEAD\n- [ ] a\n=======\n"
         "- [ ] b\n>>>>>>> x\n"}
    )  # fmt: skip
    result = run(vault, "check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"contacts/Jane.md:5: error: {LOG_ADVICE}",
        f"contacts/Jane.md:11: error: {TASKS_ADVICE}",
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["## Log", "## Follow-ups", "## Notes", "## follow-up", "## log"]),
            st.booleans(),
            st.sampled_from(["\n", "\r\n"]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_conflict_blocks_each_give_one_error(sections: list[tuple[str, bool, str]]) -> None:
    lines, expected = ["---", "name: A", "---"], []
    for heading, conflicted, _ in sections:
        lines += [heading, "- 2026-01-01 x"]
        if conflicted:
            advice = {"l": LOG_ADVICE, "f": TASKS_ADVICE}.get(heading.lstrip("# ")[0].lower())
            expected.append((len(lines) + 1, advice or ONE_SIDE_ADVICE))
            lines += ["<<<<<<< HEAD", "- [ ] a", "=======", "- [ ] b", ">>>>>>> theirs"]
    eol = sections[0][2]
    parsed = parse(eol.join(lines) + eol)
    assert [(p.line, p.message) for p in parsed.problems] == expected
    assert (parsed.contact is None) == bool(expected)


def test_binary_content(tmp_path: Path) -> None:
    data = b"---\nname: A\n---\n\x00\x01\x02binary"
    (tmp_path / "blob.md").write_bytes(data)
    parsed = parse_note("blob.md", (tmp_path / "blob.md").read_bytes())
    assert parsed.contact is None
    assert [str(p) for p in parsed.problems] == [
        "blob.md:4: error: binary content (a NUL byte): not a text note"
    ]
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    assert problems(png) == [f"{PATH}:3: error: binary content (a NUL byte): not a text note"]
    utf16 = "---\nname: A\n---\n".encode("utf-16")
    expected = "error: UTF-16 text (it starts with a UTF-16 mark); save the note as UTF-8"
    assert problems(utf16) == [f"{PATH}:1: {expected}"]
    assert problems("---\nname: A\n---\n".encode("utf-16-be")) == [
        f"{PATH}:1: error: binary content (a NUL byte): not a text note"  # no mark: no telling
    ]
    assert problems(b"\xfe\xff" + "---\n".encode("utf-16-be")) == [f"{PATH}:1: {expected}"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            "---\nname: Zoë\ncity: Zürich\n---\n".encode("latin-1"),
            "2: error: not valid UTF-8 (byte 0xeb); save the note as UTF-8",
        ),
        (
            b"---\r\nname: A\r\ncity: Z\xfcrich\r\n---\r\n",
            "3: error: not valid UTF-8 (byte 0xfc); save the note as UTF-8",
        ),
        (
            b"---\nname: A\n---\n- 2026-01-01 caf\xe9\n",
            "4: error: not valid UTF-8 (byte 0xe9); save the note as UTF-8",
        ),
        (
            b"\xff\xfeab",
            "1: error: UTF-16 text (it starts with a UTF-16 mark); save the note as UTF-8",
        ),
        (b"ab\xff\xfe", "1: error: not valid UTF-8 (byte 0xff); save the note as UTF-8"),
        (b"abc\xe2\x82", "1: error: not valid UTF-8 (byte 0xe2); save the note as UTF-8"),
    ],
)
def test_not_utf8(data: bytes, expected: str) -> None:
    assert parse(data).contact is None
    assert problems(data) == [f"{PATH}:{expected}"]


def test_size_limit() -> None:
    head = b"---\nname: Big\n---\n"
    exactly = head + b"x" * (MAX_BYTES - len(head))
    assert len(exactly) == 1024 * 1024
    assert contact(exactly).name == "Big"
    over = exactly + b"y"
    assert parse(over).contact is None
    assert problems(over) == [
        f"{PATH}:1: error: file is 1,048,577 bytes, over the 1 MiB limit for a note"
    ]


def test_alias_bomb_and_deep_nesting_are_refused_quickly() -> None:
    lines = ["---", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    assert error("\n".join([*lines, "---"])) == (
        f"{PATH}:2: error: invalid YAML: aliases expand to more than 100,000 extra values"
    )
    # a few aliases are fine
    assert fields("a: &a [x, y]\nb: [*a, *a]") == {"a": ["x", "y"], "b": [["x", "y"], ["x", "y"]]}
    deep = "---\nx: " + "[" * 99 + "]" * 99 + "\n---\n"
    assert parse(deep).problems == []
    assert error("---\nx: " + "[" * 100 + "]" * 100 + "\n---\n") == (
        f"{PATH}:2: error: invalid YAML: nested more than 100 levels deep"
    )
    assert error("---\nx: " + "[" * 5000 + "]" * 5000 + "\n---\n").startswith(
        f"{PATH}:2: error: invalid YAML: "
    )


def test_line_and_paragraph_separators_are_text() -> None:
    """YAML 1.1 ends lines at NEL, LS and PS too; in a note they are just characters."""
    c, found = warned(
        "---\nname: A\u2028B\nrole: x\x85y\u2029\nbirthday: nope\n---\n- 2026-01-01 z\n"
    )
    assert c.name == "A\u2028B"
    assert c.role == "x\x85y"  # stripped, like any text field
    assert c.fields["role"] == "x\x85y\u2029"
    assert found == [
        f"{PATH}:4: warning: birthday 'nope' is not a date: write YYYY-MM-DD, or --MM-DD "
        "when the year is unknown"
    ]
    assert [i.line for i in c.interactions] == [6]
    assert error("---\na: \u2028\nb: 1\nb: 2\n---\n") == (
        f"{PATH}:4: error: duplicate key 'b' on lines 3 and 4"
    )


# === Encodings and line endings ===============================================================

NOTE = """---
name: Jane Doe
phone: 0170123
birthday: nope
cadence: 3m
role: |
  Head of
  Everything
---
# Log
- 2026-02-30 impossible
- 2026-11-20 [lunch] at the place
- [ ] send the CFP link 📅 2026-12-05
"""


def _variants(text: str) -> dict[str, bytes]:
    lf = text.encode()
    crlf = text.replace("\n", "\r\n").encode()
    return {
        "lf": lf,
        "crlf": crlf,
        "bom": b"\xef\xbb\xbf" + lf,
        "bom-crlf": b"\xef\xbb\xbf" + crlf,
        "no-final-newline": lf.rstrip(b"\n"),
        "crlf-no-final-newline": crlf.rstrip(b"\r\n"),
    }


@pytest.mark.parametrize("variant", list(_variants(NOTE)))
def test_bom_crlf_and_final_newline_change_nothing(variant: str) -> None:
    reference = parse(NOTE)
    parsed = parse(_variants(NOTE)[variant])
    assert parsed.contact == reference.contact
    assert parsed.problems == reference.problems
    assert [str(p) for p in parsed.problems] == [
        f"{PATH}:4: warning: birthday 'nope' is not a date: write YYYY-MM-DD, or --MM-DD "
        "when the year is unknown",
        f"{PATH}:11: warning: interaction date '2026-02-30' is not a real date; "
        "this entry is ignored",
    ]
    c = parsed.contact
    assert c is not None
    assert c.fields["role"] == "Head of\nEverything\n"  # a block scalar keeps its newline
    assert c.role == "Head of\nEverything"
    assert c.interactions == [Interaction(date(2026, 11, 20), "at the place", "lunch", 12)]
    assert c.follow_ups == [FollowUp(date(2026, 12, 5), "send the CFP link", False, 13)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\nname: A\nname: B\n---\n", "3: error: duplicate key 'name' on lines 2 and 3"),
        (
            "---\nname: A\ntags: [a\n---\n",
            "4: error: invalid YAML: did not find expected ',' or ']' "
            "(parsing a flow sequence from line 3)",
        ),
        ("---\nname: A\nmet: 2023-02-29\n---\n", "3: error: impossible date '2023-02-29'"),
        (
            "---\nname: A\n---\n\n<<<<<<< ours\n- 2026-01-01 a\n=======\n>>>>>>> theirs\n",
            "5: error: git conflict markers: resolve the conflict (keep one side) and remove the "
            "<<<<<<< ======= >>>>>>> lines",
        ),
        (
            "---\nname: A\n",
            "1: error: front matter opened on line 1 is never closed with a '---' line",
        ),
    ],
)
@pytest.mark.parametrize("variant", ["lf", "crlf", "bom", "bom-crlf"])
def test_error_lines_with_crlf_and_bom(text: str, expected: str, variant: str) -> None:
    assert problems(_variants(text)[variant]) == [f"{PATH}:{expected}"]


def test_crlf_values_have_no_carriage_returns() -> None:
    data = b"---\r\nname: Jane\r\ntags: [a, b]\r\nnote: >\r\n  folded\r\n  text\r\n---\r\n"
    c = contact(data)
    assert c.fields == {"name": "Jane", "tags": ["a", "b"], "note": "folded text\n"}


def test_front_matter_fences_with_trailing_spaces() -> None:
    c = contact("---  \nname: A\n---\t\n- 2026-01-01 x\n")
    assert c.name == "A"
    assert [i.line for i in c.interactions] == [4]


def test_not_front_matter_unless_first_line_is_exactly_dashes() -> None:
    for text in ("----\nname: A\n----\n", " ---\nname: A\n---\n", "\n---\nname: A\n---\n"):
        c = contact(text)
        assert c.name == "Jane Doe"
        assert c.fields == {}


# === The body ==================================================================================


def body(text: str) -> Contact:
    return contact("---\nname: B\n---\n" + text)


@pytest.mark.parametrize(
    ("line", "when", "kind", "text"),
    [
        ("- 2026-11-20 lunch at the place", date(2026, 11, 20), None, "lunch at the place"),
        ("- [[2026-11-20]] call", date(2026, 11, 20), None, "call"),
        ("- [[2026-11-20|Friday]] call", date(2026, 11, 20), None, "call"),
        ("- 2026-11-20 [lunch] text", date(2026, 11, 20), "lunch", "text"),
        ("- [[2026-11-20]] [call] text", date(2026, 11, 20), "call", "text"),
        ("- 2026-11-20 [ coffee ] text", date(2026, 11, 20), "coffee", "text"),
        ("* 2026-11-20 star bullet", date(2026, 11, 20), None, "star bullet"),
        ("+ 2026-11-20 plus bullet", date(2026, 11, 20), None, "plus bullet"),
        ("- 2026-11-20: colon", date(2026, 11, 20), None, "colon"),
        ("- 2026-11-20 - dash", date(2026, 11, 20), None, "dash"),
        ("- 2026-11-20 — em dash", date(2026, 11, 20), None, "em dash"),
        ("    - 2026-11-20 indented", date(2026, 11, 20), None, "indented"),
        ("- 2026-11-20", date(2026, 11, 20), None, ""),
        ("- 2026-11-20 [[Bob]] met Bob", date(2026, 11, 20), None, "[[Bob]] met Bob"),
        (
            "- 2026-11-20 [link](https://x.org) read",
            date(2026, 11, 20),
            None,
            "[link](https://x.org) read",
        ),
        ("- 2024-02-29 leap day", date(2024, 2, 29), None, "leap day"),
        # a time of day after the date is not part of the text
        ("- 2026-11-08T10:00 call", date(2026, 11, 8), None, "call"),
        ("- 2026-11-08 10:00 call", date(2026, 11, 8), None, "call"),
        ("- 2026-11-08 9:30 [call] text", date(2026, 11, 8), "call", "text"),
        ("- 2026-11-08 10:00: call", date(2026, 11, 8), None, "call"),
        ("- 2026-11-08T10:00:30Z call", date(2026, 11, 8), None, "call"),
        ("- 2026-11-08T10:00+01:00 call", date(2026, 11, 8), None, "call"),
        ("- [[2026-11-08]] 10:00 call", date(2026, 11, 8), None, "call"),
        ("- 2026-11-08T10:00", date(2026, 11, 8), None, ""),
        # what only resembles a time stays text
        ("- 2026-11-08 10:00am call", date(2026, 11, 8), None, "10:00am call"),
        ("- 2026-11-08 1030 call", date(2026, 11, 8), None, "1030 call"),
        ("- 2026-11-08 10:00:5 call", date(2026, 11, 8), None, "10:00:5 call"),
        ("- 2026-11-08Tuesday", date(2026, 11, 8), None, "Tuesday"),
    ],
)
def test_interaction(line: str, when: date, kind: str | None, text: str) -> None:
    assert body(line + "\n").interactions == [Interaction(when, text, kind, 4)]


@pytest.mark.parametrize(
    "line",
    [
        "2026-11-20 not a list item",
        "-2026-11-20 no space",
        "- 20261120 compact",
        "- 2026-11-200 too long",
        "- on 2026-11-20 date later",
        "- [ ] 2026-11-20 a task, not an interaction",
        "# 2026-11-20 heading",
        "> - 2026-11-20 quoted",
    ],
)
def test_not_an_interaction(line: str) -> None:
    assert body(line + "\n").interactions == []


def test_interactions_newest_first() -> None:
    c = body(
        "- 2026-01-10 first\n- 2026-03-01 third\n\nsome text\n- [[2026-02-01]] second\n"
        "- 2026-03-01 third again\n"
    )
    assert [(i.date.isoformat(), i.text, i.line) for i in c.interactions] == [
        ("2026-03-01", "third again", 9),
        ("2026-03-01", "third", 5),
        ("2026-02-01", "second", 8),
        ("2026-01-10", "first", 4),
    ]


@pytest.mark.parametrize(
    ("line", "reads"),
    [
        ("- 03.11.2026 Mittagessen", "'- 2026-11-03 Mittagessen'"),
        ("- 3.1.2026: Anruf", "'- 2026-01-03 Anruf'"),
        ("- **2026-11-02** lunch", "'- 2026-11-02 lunch'"),
        ("- *2026-11-02*: lunch", "'- 2026-11-02 lunch'"),
        ("- `2026-11-02` lunch", "'- 2026-11-02 lunch'"),
        ("- **2026-11-02 lunch**", "'- 2026-11-02 **lunch**'"),
        ("  * 2026/11/02 nested", "'* 2026-11-02 nested'"),
        ("- 2026.11.02 dots", "'- 2026-11-02 dots'"),
        ("- 2026-1-5 unpadded", "'- 2026-01-05 unpadded'"),
        ("- 2026-11-2 short", "'- 2026-11-02 short'"),
        ("- 03-11-2026 dashes", "'- 2026-11-03 dashes'"),
        ("- 13/03/2026 day first", "'- 2026-03-13 day first'"),
        ("- 03/13/2026 month first", "'- 2026-03-13 month first'"),
        (
            "- 11/03/2026 either",
            "'- 2026-03-11 either' (11 March) or '- 2026-11-03 either' (3 November)",
        ),
        ("- 03.11.2026", "'- 2026-11-03'"),
    ],
)
def test_a_dated_looking_item_that_is_not_read_warns_with_the_form_netzmd_reads(
    line: str, reads: str
) -> None:
    c, found = warned(f"---\nname: B\n---\n## Log\n\n- 2026-01-10 fine\n{line}\n")
    shown = line.strip()
    assert found == [
        f"{PATH}:7: warning: '{shown}' is not read as an interaction (it must begin with the "
        f"date as YYYY-MM-DD); netzmd reads {reads}"
    ]
    assert [i.text for i in c.interactions] == ["fine"]


@pytest.mark.parametrize(
    "line",
    [
        "- 1.2.3 a version",
        "- 32.11.2026 no such day",
        "- 2026-11-200 too long",
        "- 03.11. no year",
        "- 03.11.26 two-digit year",
        "- 2026-11.03 mixed",
        "- [ ] 03.11.2026 a task",
        "03.11.2026 not a list item",
        "```\n- 03.11.2026 fenced\n```",
    ],
)
def test_what_does_not_look_dated_gives_no_warning(line: str) -> None:
    assert body(f"{line}\n").interactions == []


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.times(),
    st.sampled_from(["{d:%d.%m.%Y}", "{d.day}.{d.month}.{d:%Y}", "**{d:%Y-%m-%d}**",
                     "{d:%Y/%m/%d}", "{d:%d/%m/%Y}", "`{d:%Y-%m-%d}`"]),
    st.text("abcdefghij äöü", max_size=12).map(str.strip),
)  # fmt: skip
def test_dates_people_write_read_or_say_how(when: date, at: Any, form: str, text: str) -> None:
    """A time after the date is left out of the text; a date in another form is a warning whose
    suggested line reads as an interaction on that day with that text."""
    for time_form in (f"T{at:%H:%M}", f" {at:%H:%M}", f"T{at:%H:%M:%S}"):
        c = body(f"- {when.isoformat()}{time_form} {text}\n")
        assert [(i.date, i.text) for i in c.interactions] == [(when, text)]
    line = "- " + form.format(d=when) + (f" {text}" if text else "")
    c, found = warned(f"---\nname: B\n---\n{line}\n")
    assert c.interactions == [] and len(found) == 1
    suggested = re.findall(r"'(- [^']*)'", found[0].split("netzmd reads ", 1)[1])
    read = [[(i.date, i.text) for i in body(s + "\n").interactions] for s in suggested]
    assert [(when, text)] in read


def test_a_long_dated_looking_item_is_shortened_in_the_warning() -> None:
    _, found = warned("---\nname: B\n---\n- 03.11.2026 " + "word " * 30 + "\n")
    assert len(found) == 1 and "…" in found[0] and len(found[0]) < 300


def test_check_shows_dated_looking_items_with_path_and_line(make_vault: Any, run: Any) -> None:
    vault = make_vault(
        {"contacts/Jane.md": "---\nname: Jane\n---\n## Log\n\n- 03.11.2026 Mittagessen\n"
         "- **2026-11-02** lunch\n- 2026-11-08T10:00 call\n"}
    )  # fmt: skip
    result = run(vault, "check")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "contacts/Jane.md:6: warning: '- 03.11.2026 Mittagessen' is not read as an interaction "
        "(it must begin with the date as YYYY-MM-DD); netzmd reads '- 2026-11-03 Mittagessen'",
        "contacts/Jane.md:7: warning: '- **2026-11-02** lunch' is not read as an interaction "
        "(it must begin with the date as YYYY-MM-DD); netzmd reads '- 2026-11-02 lunch'",
    ]
    shown = run(vault, "show", "jane", "--format", "json", "--today", "2026-11-27")
    assert [(i["date"], i["text"]) for i in json.loads(shown.stdout)["interactions"]] == [
        ("2026-11-08", "call")
    ]


def test_impossible_interaction_date_warns_with_its_line() -> None:
    c, found = warned(
        "---\nname: B\n---\n# Log\n\n- 2026-01-10 fine\n- 2026-02-29 not a leap year\n"
        "- [[2026-04-31]] no such day\n"
    )
    assert found == [
        f"{PATH}:7: warning: interaction date '2026-02-29' is not a real date; "
        "this entry is ignored",
        f"{PATH}:8: warning: interaction date '2026-04-31' is not a real date; "
        "this entry is ignored",
    ]
    assert [i.text for i in c.interactions] == ["fine"]


def test_follow_ups() -> None:
    c = body(
        "- [ ] send the CFP link 📅 2026-12-05\n"
        "- [x] booked ✅ 2026-12-01\n"
        "- [X] thanked 📅 2026-11-30 ✅ 2026-12-01\n"
        "- [ ] no due date\n"
        "* [ ] due first 📅2026-12-24 then text\n"
        "- [ ] recurring 🔁 every week 📅 2026-12-07\n"
        "- [-] cancelled ❌ 2026-11-01\n"
        "  - [ ] nested\n"
        "- [?] unknown status is not a task\n"
        "- [] not a task\n"
    )
    assert c.follow_ups == [
        FollowUp(date(2026, 12, 5), "send the CFP link", False, 4),
        FollowUp(None, "booked", True, 5, date(2026, 12, 1)),
        FollowUp(date(2026, 11, 30), "thanked", True, 6, date(2026, 12, 1)),
        FollowUp(None, "no due date", False, 7),
        FollowUp(date(2026, 12, 24), "due first", False, 8),
        FollowUp(date(2026, 12, 7), "recurring", False, 9),
        FollowUp(None, "cancelled", True, 10),
        FollowUp(None, "nested", False, 11),
    ]
    assert c.interactions == []


def test_impossible_due_date_warns() -> None:
    c, found = warned("---\nname: B\n---\n- [ ] slides 📅 2026-04-31\n")
    assert found == [f"{PATH}:4: warning: follow-up due date '2026-04-31' is not a real date"]
    assert c.follow_ups == [FollowUp(None, "slides", False, 4)]


def test_fenced_code_is_ignored() -> None:
    c = body(
        "- 2026-01-01 before\n"
        "```\n- 2026-01-02 in backticks\n- [ ] fenced task 📅 2026-01-02\n```\n"
        "~~~python\n- 2026-01-03 in tildes\n- 2026-02-30 no warning either\n~~~\n"
        "  ```yaml\n  - 2026-01-04 indented fence\n  ```\n"
        "- 2026-01-05 after\n"
    )
    assert [(i.text, i.line) for i in c.interactions] == [("after", 16), ("before", 4)]
    assert c.follow_ups == []


@pytest.mark.parametrize(
    "line",
    [
        "```Stack1``` text",  # inline code at the start of a line (CommonMark: no fence)
        "``` `x` ```",
        "```` a ` b",
        "   ```js`",
    ],
)
def test_a_line_starting_with_inline_code_is_no_fence(line: str) -> None:
    c = body(f"{line}\n\n## Log\n\n- 2026-11-01 call\n- [ ] send it 📅 2026-12-01\n")
    assert [(i.text, i.line) for i in c.interactions] == [("call", 8)]
    assert [f.line for f in c.follow_ups] == [9]


@pytest.mark.parametrize(
    ("opening", "not_closing", "closing"),
    [
        ("```", "``", "```"),
        ("````md", "```", "`````"),  # a fence closes only with a run at least as long
        ("```", "~~~", "```"),  # and of its own character
        ("~~~ `tilde` info", "```", "~~~"),  # backticks in a tilde fence's info are fine
        ("```python", "``` text", "```  "),  # a closing fence has nothing after it
    ],
)
def test_a_fence_closes_as_commonmark_says(opening: str, not_closing: str, closing: str) -> None:
    c = body(
        f"{opening}\n- 2026-01-01 in\n{not_closing}\n- 2026-01-02 in\n{closing}\n- 2026-01-03 out\n"
    )
    assert [i.text for i in c.interactions] == ["out"]


FENCE_RUNS = ["```", "````", "~~~", "~~~~", "``"]
FENCE_RESTS = ["", "python", "Stack1``` text", " `x`", "  ", "~~~"]


def _reference_fenced(lines: list[str]) -> list[bool]:
    """CommonMark's rule, line by line and written plainly: is each line fenced (a fence line or
    inside a fence)?"""
    out, opened = [], ""
    for line in lines:
        stripped = line.lstrip(" ")
        char = stripped[:1]
        run = len(stripped) - len(stripped.lstrip(char)) if char in ("`", "~") else 0
        rest = stripped[run:]
        if not opened:
            opens = run >= 3 and not (char == "`" and "`" in rest)
            opened = char * run if opens else ""
            out.append(opens)
            continue
        out.append(True)
        if char == opened[0] and run >= len(opened) and not rest.strip():
            opened = ""
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["", "  "]), st.sampled_from(FENCE_RUNS),
                  st.sampled_from(FENCE_RESTS)).map(lambda t: "".join(t))
        | st.sampled_from(["- 2026-01-01 x", "- [ ] t", "## Log", "text ``` text"]),
        max_size=12,
    )
)  # fmt: skip
def test_fences_follow_commonmark_in_the_reader_and_the_writer(lines: list[str]) -> None:
    from netzmd.notes import edit, edit_body

    fenced = _reference_fenced(lines)
    text = "---\nname: F\n---\n" + "".join(f"{line}\n" for line in lines)
    c = contact(text)
    dated = [n + 4 for n, line in enumerate(lines) if line.startswith("- 2026") and not fenced[n]]
    tasks = [n + 4 for n, line in enumerate(lines) if line.startswith("- [ ]") and not fenced[n]]
    assert sorted(i.line for i in c.interactions) == dated
    assert [f.line for f in c.follow_ups] == tasks
    _, seen = edit_body._body_lines(edit.Doc.of(text))
    assert [index - 3 for index, _ in seen] == [n for n in range(len(lines)) if not fenced[n]]


def test_body_of_note_without_front_matter_counts_from_line_1() -> None:
    c = contact("- 2026-01-01 a\n- [ ] b 📅 2026-01-02\n")
    assert [i.line for i in c.interactions] == [1]
    assert [f.line for f in c.follow_ups] == [2]


# === last contact ==============================================================================


def _with(last_contact: str | None, *seen: str) -> Contact:
    front = f"last_contact: {last_contact}\n" if last_contact else ""
    return contact("---\nname: L\n" + front + "---\n" + "".join(f"- {d} x\n" for d in seen))


TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("last_contact", "seen", "expected"),
    [
        (None, [], None),
        ("2026-01-05", [], date(2026, 1, 5)),
        (None, ["2026-03-01", "2026-05-01"], date(2026, 5, 1)),
        ("2026-01-05", ["2026-03-01"], date(2026, 3, 1)),  # backdated entry after the field
        ("2026-05-05", ["2026-03-01"], date(2026, 5, 5)),  # field newer than every entry
        ("2026-01-05", ["2026-03-01", "2026-07-01"], date(2026, 3, 1)),  # future entry ignored
        (None, ["2026-09-01"], None),
        (None, ["2026-06-15"], date(2026, 6, 15)),  # today counts
        ("2026-06-15", ["2026-06-16"], date(2026, 6, 15)),
        ("2026-08-01", [], None),  # a future last_contact: is not a contact yet
        ("2026-08-01", ["2026-02-01"], date(2026, 2, 1)),
    ],
)
def test_last_contact(last_contact: str | None, seen: list[str], expected: date | None) -> None:
    c = _with(last_contact, *seen)
    assert c.last_contact(TODAY) == expected
    # the index computes the same from the stored core
    assert status(core_json(c), TODAY, {}).last_contact == expected


# === Properties ================================================================================

SAFE_KEY = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True).filter(
    lambda k: k not in ("true", "false", "null")
)

# Characters YAML can hold in a double-quoted scalar as they are: printable, and no line breaks
# of its own (NEL, LS, PS). Control characters that JSON escapes (\n, \t, \x1b, …) come in escaped.
PRINTABLE = st.characters(
    exclude_categories=("Cs", "Cc"),
    exclude_characters="\x85\u2028\u2029\ufffe\uffff",
) | st.sampled_from("\t\n\r\x00\x1b\x08\x0c\"\\'#:-[]{}&*!|>%@`")

LOOKALIKES = [
    "NO", "no", "No", "yes", "Yes", "on", "off", "y", "n", "~", "null", "true", "false", "True",
    "0170123", "12:30", "1:30:00", "1e3", "0x1F", "0o17", "0b1", "1_000", "3.14", ".inf", "-.inf",
    ".nan", "2026-11-20", "2023-02-29", "--02-30", "=", "<<", "---", "...", "- a", "[[Jane]]",
    "a: b", "#x", " padded ", "", "\t", "line\nbreak", "\u2028",
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        SAFE_KEY,
        st.one_of(st.sampled_from(LOOKALIKES), st.text(PRINTABLE, max_size=30)),
        max_size=8,
    ),
    st.booleans(),
)
def test_quoted_values_read_back_exactly(values: dict[str, str], ascii_only: bool) -> None:
    if ascii_only:  # \u escapes: only the Basic Multilingual Plane (no surrogate pairs in YAML)
        assume(all(ord(ch) < 0x10000 for v in values.values() for ch in v))
    front = "".join(f"{k}: {json.dumps(v, ensure_ascii=ascii_only)}\n" for k, v in values.items())
    parsed = parse(f"---\n{front}---\n")
    assert parsed.contact is not None, parsed.problems
    assert all(p.severity == "warning" for p in parsed.problems)
    assert parsed.contact.fields == values


PLAIN_FIRST = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éßΩ漢🙂"
PLAIN_REST = PLAIN_FIRST + " -.:/_+@,'()=;$%^?"


def _plain(text: str) -> bool:
    """Text that YAML reads as one plain scalar (in block context, after ``key: ``)."""
    return not (
        ": " in text
        or "\n" in text
        or " #" in text
        or text.endswith((":", " "))
        or text.startswith((" ", "#", "[", "{", "&", "*", "!", "|", ">", "'", '"', "%", "@"))
        or text.startswith(("- ", "? ", ": ", ","))
        or text in ("-", "?", ":")
    )


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.sampled_from([x for x in LOOKALIKES if x.strip() == x and x and _plain(x)]),
        st.builds(
            lambda a, b: a + b,
            st.sampled_from(PLAIN_FIRST),
            st.text(st.sampled_from(PLAIN_REST), max_size=25),
        ),
        st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
        st.from_regex(r"[+-]?[0-9]{1,6}([.:_][0-9]{1,3})*([eE][+-]?[0-9])?", fullmatch=True),
    ).filter(_plain)
)
def test_plain_scalars_read_back_as_text(text: str) -> None:
    parsed = parse(f"---\nvalue: {text}\nother: x\n---\n")
    iso = re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)
    if iso:
        try:
            expected: Any = date.fromisoformat(text).isoformat()
        except ValueError:
            assert [str(p) for p in parsed.problems] == [
                f"{PATH}:2: error: impossible date '{text}'"
            ]
            return
    elif text in ("true", "True", "TRUE", "false", "False", "FALSE"):
        expected = text.lower() == "true"
    elif text in ("~", "null", "Null", "NULL"):
        expected = None
    else:
        expected = text
    assert parsed.problems == []
    assert parsed.contact is not None
    assert parsed.contact.fields == {"value": expected, "other": "x"}


FRAGMENTS = [
    "---", "...", "", "name: A", "name: B", "key: [", "key: {a: 1", "  - a", "- a", ": x",
    "x:", "  y: 1", "\tz: 2", "a: &a [1]", "b: *a", "c: *zz", "d: !!binary x", "e: !x y",
    "f: 2023-02-29", "birthday: --02-30", "dates:", "  kid: nope", "introduced_by: [[Jane]]",
    "- 2026-02-30 x", "- 2026-01-01 [k] t", "- [ ] t 📅 2026-13-01", "- [x] d ✅ 2026-01-01",
    "```", "~~~", "<<<<<<< HEAD", "=======", ">>>>>>> x", "? a", "%YAML 1.1", "&x", "*x", "|",
    ">-", "'unterminated", '"unterminated', "\u2028", "\x85", "\x7f", "\ufeff---",
]  # fmt: skip

NOTE_TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=15).map(
    "\n".join
)


def _check_outcome(parsed: Parsed, data: bytes) -> None:
    assert isinstance(parsed, Parsed)
    lines = data.count(b"\n") + 1
    for p in parsed.problems:
        assert p.severity in ("error", "warning")
        assert 1 <= p.line <= lines, (p, lines)
        assert "\n" not in p.message and p.message
    errors = [p for p in parsed.problems if p.severity == "error"]
    if parsed.contact is None:  # one error, or one for every git conflict
        assert len(errors) == 1 or all("git conflict" in p.message for p in errors), errors
    else:
        assert errors == []
        json.dumps(static_json(parsed.contact), allow_nan=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    _check_outcome(parse(data), data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NOTE_TEXT, st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_arbitrary_notes_never_raise(text: str, newline: str, bom: bool) -> None:
    data = (("\ufeff" if bom else "") + text.replace("\n", newline)).encode("utf-8", "replace")
    _check_outcome(parse(data), data)


BODY_LINE = st.one_of(
    st.sampled_from(
        [
            "- 2026-11-20 lunch",
            "- [[2026-11-21]] [call] text  ",
            "- 2026-02-30 bad",
            "- [ ] task 📅 2026-12-05",
            "- [x] done ✅ 2026-12-01",
            "- [ ] bad 📅 2026-02-30",
            "```",
            "~~~",
            "---",
            "",
            "   ",
            "text\t",
        ]
    ),
    st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=30),
)
FRONT_LINE = st.one_of(
    st.sampled_from(
        [
            "birthday: --02-29",
            "birthday: nope",
            "cadence: 3m",
            "cadence: often",
            "circle: friends",
            "introduced_by: [[Jane Doe]]",
            "tags: [a, b]",
            "role: |",
            "  two",
            "  lines",
            "dates:",
            "  a: --01-01",
            "  b: nope",
            "last_contact: 2026-01-05",
            "# comment",
            "",
        ]
    ),
    st.builds(lambda k, v: f"{k}: {json.dumps(v)}", SAFE_KEY, st.text(PRINTABLE, max_size=15)),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(st.none(), st.lists(FRONT_LINE, max_size=10)),
    st.lists(BODY_LINE, max_size=12),
    st.booleans(),
)
def test_crlf_bom_and_final_newline_give_the_same_contact(
    front: list[str] | None, lines: list[str], final_newline: bool
) -> None:
    text = "" if front is None else "---\n" + "".join(f"{x}\n" for x in front) + "---\n"
    text += "\n".join(lines) + ("\n" if final_newline else "")
    reference = parse(text)
    for name, data in _variants(text).items():
        parsed = parse(data)
        assert parsed.contact == reference.contact, name
        assert parsed.problems == reference.problems, name


def test_python_frontmatter_handler_reads_like_netzmd() -> None:
    import frontmatter

    from netzmd.notes.frontmatter_handler import NoteYAMLHandler

    text = (
        "---\nphone: 0170123\ncountry: NO\ncall: 12:30\nvouches: true\nmet: 2024-05-01\n---\nbody\n"
    )
    post = frontmatter.loads(text, handler=NoteYAMLHandler())
    assert post.metadata == {
        "phone": "0170123",
        "country": "NO",
        "call": "12:30",
        "vouches": True,
        "met": date(2024, 5, 1),
    }
    assert post.content == "body"
    default = frontmatter.loads(text)  # what python-frontmatter alone makes of it
    assert (default["phone"], default["country"], default["call"]) == (61523, False, 750)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "---\nkey: {a: 1\n---\n",
            "3: error: invalid YAML: did not find expected ',' or '}' "
            "(parsing a flow mapping from line 2)",
        ),
        ("---\na{b}: 1\na{b}: 2\n---\n", "3: error: duplicate key 'a{b}' on lines 2 and 3"),
        ("---\n'{0}': 1\n'{0}': 2\n---\n", "3: error: duplicate key '{0}' on lines 2 and 3"),
    ],
)
def test_braces_in_messages_are_kept_as_written(text: str, expected: str) -> None:
    """Messages with { and } in them (from YAML or from a key) come out intact."""
    assert problems(text.encode()) == [f"{PATH}:{expected}"]


def test_former_companies_and_offer_date() -> None:
    """``former:`` (a list, or one text) and ``offer_date:`` (issue 13), as written; a bad
    offer date is a warning and the rest of the contact stays."""
    c = contact(
        '---\ncompany: Globex\nformer: ["Initech GmbH", "[[Acme]]"]\noffers: a job\n'
        "offer_date: 2026-03-01\n---\n"
    )
    assert c.former == ["Initech GmbH", "[[Acme]]"]
    assert (c.offer_date, c.offers) == (date(2026, 3, 1), "a job")
    assert contact("---\nformer: Initech\n---\n").former == ["Initech"]
    assert (contact("---\n---\n").former, contact("---\n---\n").offer_date) == ([], None)
    c, said = warned("---\ncompany: Globex\noffer_date: last spring\n---\n")
    assert c.offer_date is None and c.company == "Globex"
    assert said == [f"{PATH}:3: warning: offer_date 'last spring' is not a date: write YYYY-MM-DD"]
