"""What changed in a contact, in meaning: every kind of change, its JSON and its words."""

from __future__ import annotations

from netzmd.model.contact import Contact
from netzmd.model.semdiff import Change, diff_contacts, job_changes, summary
from netzmd.notes.note import parse_note

JANE = """---
name: Jane Doe
company: Foo GmbH
role: Engineer
tags: [cloud]
---

## Log

- 2026-01-10 [coffee] first coffee
- 2026-01-20 call about the migration

## Follow-ups

- [ ] send the slides 📅 2026-02-01
- [x] book the table 📅 2026-01-05 ✅ 2026-01-04
"""


def contact(text: str, path: str = "contacts/Jane Doe.md") -> Contact:
    parsed = parse_note(path, text.encode("utf-8"))
    assert parsed.contact is not None, parsed.problems
    return parsed.contact


def kinds(changes: list[Change]) -> list[str]:
    return [c.kind for c in changes]


def test_the_same_note_has_no_change() -> None:
    assert diff_contacts(contact(JANE), contact(JANE)) == []
    assert summary("Jane Doe", []) == "Jane Doe: no change in meaning"


def test_line_numbers_and_layout_are_not_meaning() -> None:
    moved = JANE.replace("## Log\n", "## Log\n\nSome words first.\n")
    assert diff_contacts(contact(JANE), contact(moved)) == []


def test_created_and_deleted() -> None:
    created = diff_contacts(None, contact(JANE))
    assert created == [Change("created", text="Jane Doe")]
    assert created[0].to_json() == {"kind": "created", "text": "Jane Doe"}
    assert created[0].describe() == "note created"
    deleted = diff_contacts(contact(JANE), None)
    assert deleted == [Change("deleted", text="Jane Doe")]
    assert deleted[0].describe() == "note deleted"
    assert diff_contacts(None, None) == []


def test_field_added_changed_removed() -> None:
    after = JANE.replace("company: Foo GmbH", "company: Bar AG").replace("role: Engineer\n", "")
    after = after.replace("tags: [cloud]", "tags: [cloud, python]\ncity: Köln")
    changes = diff_contacts(contact(JANE), contact(after))
    assert [c.to_json() for c in changes] == [
        {"kind": "field_changed", "field": "company", "old": "Foo GmbH", "new": "Bar AG"},
        {"kind": "field_removed", "field": "role", "old": "Engineer"},
        {"kind": "field_changed", "field": "tags", "old": ["cloud"], "new": ["cloud", "python"]},
        {"kind": "field_added", "field": "city", "new": "Köln"},
    ]
    assert [c.describe() for c in changes] == [
        "company: Foo GmbH → Bar AG",
        "role removed (was Engineer)",
        "tags: [cloud] → [cloud, python]",
        "city: Köln (new)",
    ]
    assert summary("Jane Doe", changes) == (
        "Jane Doe: company Foo GmbH → Bar AG; role removed; tags [cloud] → [cloud, python]; "
        "city Köln"
    )


def test_archived_and_unarchived_are_their_own_kinds() -> None:
    archived = JANE.replace("tags: [cloud]", "tags: [cloud]\narchived: true")
    assert diff_contacts(contact(JANE), contact(archived)) == [Change("archived")]
    assert diff_contacts(contact(archived), contact(JANE)) == [Change("unarchived")]
    # archived: false where there was none is no change of state, but a field added
    explicit = JANE.replace("tags: [cloud]", "tags: [cloud]\narchived: false")
    assert kinds(diff_contacts(contact(JANE), contact(explicit))) == ["field_added"]


def test_renamed_when_the_path_differs() -> None:
    old = contact(JANE)
    new = contact(JANE, "contacts/work/Jane Doe.md")
    changes = diff_contacts(old, new)
    assert [c.to_json() for c in changes] == [
        {"kind": "renamed", "old": "contacts/Jane Doe.md", "new": "contacts/work/Jane Doe.md"}
    ]
    assert changes[0].describe() == "renamed contacts/Jane Doe.md → contacts/work/Jane Doe.md"
    # old_path overrides the old contact's own path
    assert diff_contacts(new, new, old_path="contacts/Jane.md")[0].old == "contacts/Jane.md"


def test_interactions_added_and_removed_count_duplicates() -> None:
    after = JANE.replace(
        "- 2026-01-20 call about the migration\n",
        "- 2026-01-20 call about the migration\n"
        "- 2026-02-14 [lunch] Pasta Bar\n"
        "- 2026-02-14 [lunch] Pasta Bar\n",
    ).replace("- 2026-01-10 [coffee] first coffee\n", "")
    changes = diff_contacts(contact(JANE), contact(after))
    assert [c.to_json() for c in changes] == [
        {"kind": "interaction_added", "text": "2026-02-14 [lunch] Pasta Bar"},
        {"kind": "interaction_added", "text": "2026-02-14 [lunch] Pasta Bar"},
        {"kind": "interaction_removed", "text": "2026-01-10 [coffee] first coffee"},
    ]
    assert changes[0].describe() == "log: 2026-02-14 [lunch] Pasta Bar"
    assert changes[2].describe() == "log removed: 2026-01-10 [coffee] first coffee"
    assert summary("Jane Doe", changes) == "Jane Doe: log +2 -1"


def test_an_interaction_without_kind() -> None:
    after = JANE.replace("## Follow-ups", "- 2026-03-01 met at FOSDEM\n\n## Follow-ups")
    (change,) = diff_contacts(contact(JANE), contact(after))
    assert change == Change("interaction_added", text="2026-03-01 met at FOSDEM")


def test_follow_ups_added_done_reopened_removed() -> None:
    done = JANE.replace(
        "- [ ] send the slides 📅 2026-02-01", "- [x] send the slides 📅 2026-02-01 ✅ 2026-01-30"
    )
    assert diff_contacts(contact(JANE), contact(done)) == [
        Change("follow_up_done", text="send the slides")
    ]
    assert diff_contacts(contact(done), contact(JANE)) == [
        Change("follow_up_reopened", text="send the slides")
    ]
    more = JANE + "- [ ] ask about the CFP 📅 2026-03-01\n- [x] already done\n"
    changes = diff_contacts(contact(JANE), contact(more))
    assert changes == [
        Change("follow_up_added", text="ask about the CFP"),
        Change("follow_up_done", text="already done"),
    ]
    assert [c.describe() for c in changes] == ["follow-up: ask about the CFP", "done: already done"]
    removed = JANE.replace("- [ ] send the slides 📅 2026-02-01\n", "")
    (change,) = diff_contacts(contact(JANE), contact(removed))
    assert change.to_json() == {"kind": "follow_up_removed", "text": "send the slides"}
    assert change.describe() == "follow-up removed: send the slides"
    assert summary("Jane Doe", changes) == "Jane Doe: follow-up +1; done 1"


def test_unreadable_kinds_describe_themselves() -> None:
    broken = Change("unreadable", text="line 3: duplicate key 'company'")
    assert broken.to_json() == {"kind": "unreadable", "text": "line 3: duplicate key 'company'"}
    assert broken.describe() == "unreadable: line 3: duplicate key 'company'"
    assert Change("readable_again").describe() == "readable again"
    assert summary("Jane", [broken]) == "Jane: unreadable"
    assert summary("Jane", [Change("readable_again")]) == "Jane: readable again"


def test_job_changes_are_company_or_role_from_one_value_to_another() -> None:
    old = contact(JANE)
    moved = contact(JANE.replace("Foo GmbH", "Bar AG").replace("Engineer", "CTO"))
    assert job_changes(old, moved) == [
        Change("field_changed", "company", old="Foo GmbH", new="Bar AG"),
        Change("field_changed", "role", old="Engineer", new="CTO"),
    ]
    # text as netzmd reads it: quoting and surrounding spaces are no change
    quoted = contact(JANE.replace("company: Foo GmbH", 'company: " Foo GmbH "'))
    assert job_changes(old, quoted) == []
    # a company learned where there was none, or removed, is not a job change
    without = contact(JANE.replace("company: Foo GmbH\n", ""))
    assert job_changes(without, old) == []
    assert job_changes(old, without) == []
    # other fields do not count
    assert job_changes(old, contact(JANE.replace("[cloud]", "[rust]"))) == []
