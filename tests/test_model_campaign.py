"""The campaign note read by its sections, template names, and how a greeting addresses a
person (issue 14): pure rules, no files."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netzmd.model.campaign import (
    Entry,
    default_path,
    file_stem,
    parse_campaign,
    slug,
    title,
)
from netzmd.model.greeting import (
    address,
    first_name,
    known_since,
    language,
    pick_language,
    salutation,
    years_known,
)

NOTE = """\
---
occasion: Christmas
year: 2026
---

# Christmas 2026

- [ ] [[Not In A Section]]

## Anna Schmidt

- [x] [[Anna Schmidt]] ✅ 2026-12-20

Hallo Anna,

- [ ] [[Someone Else]] a second task does not count

## Helga Brandstätter

- [ ] [[Helga Brandstätter|Dr. Helga Brandstätter]]

```
## not a section inside a fence
- [x] [[Fenced]]
```

## My own notes

No task here.

## Jürgen

* [X] send it to [[contacts/Jürgen Weiß.md|Jürgen]] ✅ soon

# The end

## Zoë

+ [x] [[Zoë Müller#Log]]
"""


def test_sections_and_their_tasks() -> None:
    campaign = parse_campaign(NOTE)
    assert [s.heading for s in campaign.sections] == [
        "Anna Schmidt",
        "Helga Brandstätter",
        "My own notes",
        "Jürgen",
        "Zoë",
    ]
    assert campaign.entries == [
        Entry("Anna Schmidt", True, date(2026, 12, 20), None, 12),
        Entry("Helga Brandstätter", False, None, None, 20),
        Entry("contacts/Jürgen Weiß.md", True, None, "soon", 33),
        Entry("Zoë Müller", True, None, None, 39),
    ]
    assert campaign.sections[2].entry is None
    assert campaign.entries[2].key == "jurgen weiss"
    assert campaign.people() == {"anna schmidt", "helga brandstatter", "jurgen weiss", "zoe muller"}
    assert campaign.progress() == (3, 4)


def test_section_bounds() -> None:
    lines = NOTE.split("\n")
    campaign = parse_campaign(NOTE)
    first = campaign.sections[0]
    assert lines[first.start] == "## Anna Schmidt"
    assert lines[first.end] == "## Helga Brandstätter"
    fourth = campaign.sections[3]
    assert lines[fourth.end] == "# The end"  # a level-1 heading ends a section


def test_crlf_bom_and_the_same_person_twice() -> None:
    text = (
        "\ufeff# X\r\n\r\n## A\r\n\r\n- [x] [[Ann]] ✅ 2026-01-02\r\n\r\n## B\r\n- [ ] [[ann]]\r\n"
    )
    campaign = parse_campaign(text)
    assert [(e.target, e.ticked, e.done_on) for e in campaign.entries] == [
        ("Ann", True, date(2026, 1, 2)),
        ("ann", False, None),
    ]
    assert campaign.progress() == (1, 1)  # one person, ticked once


@pytest.mark.parametrize(
    "text",
    ["", "# Only a title\n", "---\n## in front matter\n- [x] [[X]]\n---\n", "## Empty\n"],
)
def test_nothing_to_count(text: str) -> None:
    assert parse_campaign(text).entries == []
    assert parse_campaign(text).progress() == (0, 0)


def test_open_front_matter_is_body() -> None:
    """A front matter that never closes is no front matter: its lines are read as the body."""
    assert parse_campaign("---\n## A\n- [ ] [[A]]\n").progress() == (0, 1)


@pytest.mark.parametrize(
    ("line", "ticked"),
    [("- [ ] [[P]]", False), ("- [x] [[P]]", True), ("- [X] [[P]]", True), ("- [-] [[P]]", False)],
)
def test_what_counts_as_ticked(line: str, ticked: bool) -> None:
    (entry,) = parse_campaign(f"## P\n\n{line}\n").entries
    assert entry.ticked is ticked


def test_a_task_without_a_link_or_a_link_without_a_task_is_no_entry() -> None:
    text = "## P\n\n- [x] sent it\n[[P]] is the person\n- [x] [[ ]]\n"
    assert parse_campaign(text).entries == []


_LINE = st.one_of(
    st.sampled_from(
        ["## A", "## B", "# T", "```", "~~~", "---", "", "- [ ] [[A]]", "- [x] [[B]] ✅ 2026-12-01"]
    ),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20),
)


@given(st.lists(_LINE, max_size=30))
def test_any_text_reads(lines: list[str]) -> None:
    text = "\n".join(lines)
    campaign = parse_campaign(text)
    sent, total = campaign.progress()
    assert 0 <= sent <= total <= len(campaign.entries)
    split = text.split("\n")
    for section in campaign.sections:
        assert split[section.start].startswith("##")
        if section.entry is not None:
            assert section.start < section.entry.line - 1 < section.end
            assert "[[" in split[section.entry.line - 1]
    # appending a section never changes the ones before it (unless a fence is left open)
    more = parse_campaign(text + "\n\n## New\n\n- [ ] [[New Person]]\n")
    if "new person" in more.people():
        assert more.entries[: len(campaign.entries)] == campaign.entries


# --- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Christmas", "christmas"),
        ("New Year", "new-year"),
        ("Midsummer greetings", "midsummer-greetings"),
        ("Mărțișor", "martisor"),
        ("Diwali", "diwali"),
        ("  Ostern / Easter!  ", "ostern-easter"),
        ("Straße", "strasse"),
        ("???", "occasion"),
    ],
)
def test_slug(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_default_path() -> None:
    assert title("Christmas", 2026) == "Christmas 2026"
    assert default_path("Christmas", 2026) == "Greetings/Christmas 2026.md"
    assert default_path("Mărțișor", 2027) == "Greetings/Mărțișor 2027.md"
    assert default_path("A/B: C?", 2026) == "Greetings/A-B- C- 2026.md"
    assert file_stem(" . ") == "greetings"


# --- addressing a person -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "form", "expected"),
    [
        ("de", "du", "Hallo Anna,"),
        ("de", "Sie", "Guten Tag Anna Schmidt,"),
        ("en", "du", "Hi Anna,"),
        ("en", "Sie", "Dear Anna,"),
        ("fr", "Sie", "Dear Anna,"),  # another language: English forms
    ],
)
def test_neutral_salutation(lang: str, form: str, expected: str) -> None:
    assert salutation(lang, form, "Anna", "Anna Schmidt") == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Liebe Frau Dr. Brandstätter", "Liebe Frau Dr. Brandstätter,"),
        ("Sehr geehrter Herr Weiß,", "Sehr geehrter Herr Weiß,"),
        ("Moin!", "Moin!"),
        ("  Dear   Jim ", "Dear Jim,"),
        ("", "Guten Tag Helga Brandstätter,"),
        (42, "Guten Tag Helga Brandstätter,"),
    ],
)
def test_salutation_as_written(written: object, expected: str) -> None:
    assert salutation("de", "Sie", "Helga", "Helga Brandstätter", written) == expected


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [
        ("Anna Schmidt", None, "Anna"),
        ("Dr. Helga Brandstätter", None, "Helga"),
        ("Prof. Dr. Jürgen Weiß", None, "Jürgen"),
        ("Dipl.-Ing. Max Mustermann", None, "Max"),
        ("Weiß, Jürgen", None, "Jürgen"),
        ("Cher", None, "Cher"),
        ("Dr.", None, "Dr."),
        ("Maximilian Mustermann", "Max", "Max"),
        ("Maximilian Mustermann", "  ", "Maximilian"),
    ],
)
def test_first_name(name: str, given: object, expected: str) -> None:
    assert first_name(name, given) == expected


def test_language_and_address() -> None:
    assert language("de") == "de"
    assert language("de-AT") == "de"
    assert language("EN_gb") == "en"
    assert language("Deutsch") is None
    assert language(None) is None
    assert pick_language("de", "en", "en") == "de"  # the note first
    assert pick_language(None, "de", "en") == "de"  # then --lang
    assert pick_language("??", None, "de") == "de"  # then the setting
    assert pick_language(None, None, None) == "en"
    assert address("du") == "du"
    assert address("Du") == "du"
    assert address("Sie") == "Sie"
    assert address(None) == "Sie"
    assert address("ihr") == "Sie"


def test_years_known() -> None:
    xmas = date(2026, 12, 24)
    assert known_since(date(2019, 5, 3), None) == (2019, 5, 3)
    assert known_since("2019-05-03", None) == (2019, 5, 3)
    assert known_since("her talk at NDC Oslo 2024", date(2020, 1, 1)) == (2024, 0, 0)
    assert known_since("at a meetup", date(2021, 3, 9)) == (2021, 3, 9)
    assert known_since(None, None) is None
    assert known_since("at a meetup", None) is None
    assert years_known((2019, 5, 3), xmas) == 7
    assert years_known((2019, 12, 25), xmas) == 6  # not yet seven
    assert years_known((2019, 12, 24), xmas) == 7  # on the day
    assert years_known((2024, 0, 0), xmas) == 2
    assert years_known((2027, 1, 1), xmas) is None
    assert years_known(None, xmas) is None
