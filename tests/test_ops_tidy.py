"""Merge, rename, forget and dismiss as plans (``ops.tidy``), on real files: what the merged
note says, byte for byte; links everywhere in the vault; the import records; all or none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import MakeVault

from netzmd.errors import NetzmdError
from netzmd.model.names import Candidate
from netzmd.notes import edit
from netzmd.ops import tidy
from netzmd.ops.write import Note, Plan, open_note, write
from netzmd.vault import Vault

JANE = """---
name: Jane Doe
company: Acme  # her employer
email: jane@acme.example
tags: [cloud]
last_contact: 2026-09-01
dates:
  met: 2019-04-01
---

## Notes

Jane notes.

## Log

- 2026-10-01 [coffee] first coffee
- 2026-11-01 [lunch] lunch at Pasta Bar

## Follow-ups

- [ ] call 📅 2026-12-01
"""

OTHER = """---
name: J. Doe
aliases: [JD]
company: Acme Corp
email: Jane@ACME.example
emails: [jd@home.example]
phone: "0171 2345678"
tags: [python, cloud]
last_contact: 2026-11-20
dates:
  met: 2019-05-01
  wedding: 2021-06-12
custom: kept too
---

Met at PyCon, likes Rust.

## Log

- 2026-11-01 [lunch] lunch at Pasta Bar
- 2026-10-15 [call] call about the migration
- 2026-11-20 [meeting] planning
  - with two sub-points
  - that stay with it

```text
- 2026-01-01 not an interaction: code
## not a heading
```

## Follow-ups

- [ ] send slides 📅 2026-12-05
- [ ] call 📅 2026-12-01
- [x] old task ✅ 2026-01-01
- [ ] ask about the CFP ⏫ 📅 2027-01-10
"""

MERGED = """---
name: Jane Doe
company: Acme  # her employer
email: jane@acme.example
tags: [cloud, python]
last_contact: 2026-11-20
dates:
  met: 2019-04-01
  wedding: 2021-06-12
emails: [jd@home.example]
phone: 0171 2345678
custom: kept too
aliases: [JD, J. Doe]
---

## Notes

Jane notes.

## Log

- 2026-10-01 [coffee] first coffee
- 2026-10-15 [call] call about the migration
- 2026-11-01 [lunch] lunch at Pasta Bar

## Follow-ups

- [ ] call 📅 2026-12-01
- [ ] send slides 📅 2026-12-05

## From J. Doe

Fields of J. Doe that differed and were not kept:

- company: Acme Corp
- dates.met: 2019-05-01

Met at PyCon, likes Rust.

### Log

- 2026-11-20 [meeting] planning
  - with two sub-points
  - that stay with it

```text
- 2026-01-01 not an interaction: code
## not a heading
```

### Follow-ups

- [x] old task ✅ 2026-01-01
- [ ] ask about the CFP ⏫ 📅 2027-01-10
"""


@pytest.fixture
def vault(make_vault: MakeVault) -> Path:
    return make_vault(
        {
            "contacts/Jane Doe.md": JANE,
            "contacts/J Doe.md": OTHER,
            "contacts/Max.md": '---\nintroduced_by: "[[J Doe]]"\n---\n\nKnows [[J Doe|Jane]].\n',
            "daily/2026-11-27.md": "Met [[J Doe#Work]] and ![[j doe]]; `[[J Doe]]` is code.\n",
            ".obsidian/workspace.md": "[[J Doe]]\n",  # hidden: not a note
        }
    )


def v(root: Path) -> Vault:
    return Vault(root)


def note(root: Path, rel: str) -> Note:
    return open_note(v(root), rel)


KEYS = {"contacts/Jane Doe.md": "Jane Doe", "contacts/J Doe.md": "J Doe", "contacts/Max.md": "Max"}


def do_merge(root: Path, **options: bool) -> tidy.Merged:
    return tidy.merge(
        v(root),
        note(root, "contacts/Jane Doe.md"),
        note(root, "contacts/J Doe.md"),
        tidy.Reader(v(root)),
        KEYS,
        **options,
    )


# --- merge --------------------------------------------------------------------------------------


def test_the_merged_note_byte_for_byte(vault: Path) -> None:
    merged = do_merge(vault)
    keep = merged.plan.changes[0]
    assert keep.rel == "contacts/Jane Doe.md"
    assert keep.after.decode() == MERGED
    assert [(c.field, c.kept) for c in merged.conflicts] == [
        ("company", "keep"),
        ("dates.met", "keep"),
    ]
    assert merged.conflicts[0].to_json() == {
        "field": "company",
        "keep": "Acme",
        "other": "Acme Corp",
        "kept": "keep",
    }
    contact = edit.parse_text(MERGED)
    assert sorted(i.text for i in contact.interactions) == [
        "call about the migration",
        "first coffee",
        "lunch at Pasta Bar",
        "planning",
    ]
    assert sorted(f.text for f in contact.follow_ups) == [
        "ask about the CFP",
        "call",
        "old task",
        "send slides",
    ]


def test_prefer_other_takes_the_other_value_and_keeps_keeps_under_the_heading(
    vault: Path,
) -> None:
    text = do_merge(vault, prefer_other=True).plan.changes[0].after.decode()
    fields = edit.read_fields(text)
    assert fields["company"] == "Acme Corp"
    assert str(fields["dates"]["met"]) == "2019-05-01"
    assert "company: Acme Corp  # her employer\n" in text  # the comment stays on its line
    assert "Fields of Jane Doe that differed and were not kept:\n\n- company: Acme\n" in text


def test_the_whole_plan_deletes_other_and_points_every_link_at_keep(vault: Path) -> None:
    plan = do_merge(vault).plan
    assert [(c.rel, c.deleted) for c in plan.changes] == [
        ("contacts/Jane Doe.md", False),
        ("contacts/Max.md", False),
        ("daily/2026-11-27.md", False),
        ("contacts/J Doe.md", True),
    ]
    assert plan.message == "merge: J. Doe into Jane Doe"
    write(plan)
    assert not (vault / "contacts" / "J Doe.md").exists()
    assert (vault / "contacts" / "Max.md").read_text() == (
        '---\nintroduced_by: "[[Jane Doe]]"\n---\n\nKnows [[Jane Doe|Jane]].\n'
    )
    assert (vault / "daily" / "2026-11-27.md").read_text() == (
        "Met [[Jane Doe#Work]] and ![[Jane Doe]]; `[[J Doe]]` is code.\n"
    )
    assert (vault / ".obsidian" / "workspace.md").read_text() == "[[J Doe]]\n"
    assert (vault / "contacts" / "Jane Doe.md").read_text() == MERGED


def test_crlf_notes_stay_crlf_and_a_bom_stays(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "contacts/Jane Doe.md": "\ufeff" + JANE.replace("\n", "\r\n"),
            "contacts/J Doe.md": OTHER.replace("\n", "\r\n"),
        }
    )
    text = do_merge(root).plan.changes[0].after.decode()
    assert text == "\ufeff" + MERGED.replace("\n", "\r\n")


def test_an_lf_note_gets_the_others_crlf_text_as_lf(make_vault: MakeVault) -> None:
    root = make_vault(
        {"contacts/Jane Doe.md": JANE, "contacts/J Doe.md": OTHER.replace("\n", "\r\n")}
    )
    assert do_merge(root).plan.changes[0].after.decode() == MERGED


def test_a_merge_of_bare_notes_gives_just_the_alias(make_vault: MakeVault) -> None:
    root = make_vault({"contacts/Jane Doe.md": "Jane.\n", "contacts/J Doe.md": ""})
    plan = do_merge(root).plan
    assert plan.changes[0].after.decode() == "---\naliases: [J Doe]\n---\nJane.\n"
    assert plan.changes[-1].deleted


def test_a_note_changed_meanwhile_stops_the_merge_and_nothing_is_written(vault: Path) -> None:
    plan = do_merge(vault).plan
    (vault / "daily" / "2026-11-27.md").write_text("typed meanwhile [[J Doe]]\n")
    with pytest.raises(NetzmdError, match="changed on disk"):
        write(plan)
    assert (vault / "contacts" / "Jane Doe.md").read_text() == JANE
    assert (vault / "contacts" / "J Doe.md").read_text() == OTHER
    assert "[[J Doe]]" in (vault / "contacts" / "Max.md").read_text()


def test_the_same_note_twice_is_refused(vault: Path) -> None:
    jane = note(vault, "contacts/Jane Doe.md")
    with pytest.raises(NetzmdError, match="the same note"):
        tidy.merge(v(vault), jane, jane, tidy.Reader(v(vault)), KEYS)


# --- import records -----------------------------------------------------------------------------

RECORD = {
    "people": {
        "a": {"id": "J Doe", "path": "contacts/J Doe.md", "fields": {"company": "Acme Corp"}},
        "b": {"id": "Max", "path": "contacts/Max.md"},
        "c": [{"path": "contacts/J Doe.md"}, {"id": "Other"}],
    },
    "source": "linkedin",
    "version": 1,
}


EVENTS = {
    "events": {
        "uid-1": {"day": "2026-10-01", "ids": ["J Doe", "Max"]},
        "uid-2": {"day": "2026-10-02", "ids": ["Jane Doe", "J Doe"]},
    },
    "source": "ics",
    "version": 1,
}


def with_records(root: Path) -> None:
    (root / "imports").mkdir()
    (root / "imports" / "linkedin.json").write_text(json.dumps(RECORD))
    (root / "imports" / "ics.json").write_text(json.dumps(EVENTS))
    (root / "imports" / "not-duplicates.json").write_text(
        '{"pairs": [["J Doe", "Jane Doe"], ["J Doe", "Max"], ["Max", "Zoë"]], "version": 1}'
    )


def test_the_records_of_other_follow_it_into_keep(vault: Path) -> None:
    with_records(vault)
    write(do_merge(vault).plan)
    record = json.loads((vault / "imports" / "linkedin.json").read_text())
    assert record["people"]["a"] == {
        "id": "Jane Doe",
        "path": "contacts/Jane Doe.md",
        "fields": {"company": "Acme Corp"},
    }
    assert record["people"]["c"] == [{"path": "contacts/Jane Doe.md"}, {"id": "Other"}]
    events = json.loads((vault / "imports" / "ics.json").read_text())["events"]
    assert events["uid-1"]["ids"] == ["Jane Doe", "Max"]
    assert events["uid-2"]["ids"] == ["Jane Doe"]  # once
    assert (vault / "imports" / "not-duplicates.json").read_text() == (
        '{\n  "pairs": [\n    ["Jane Doe", "Max"],\n    ["Max", "Zoë"]\n  ],\n  "version": 1\n}\n'
    )


def test_forget_takes_the_person_out_of_every_record(vault: Path) -> None:
    with_records(vault)
    plan, left = tidy.forget(
        v(vault), note(vault, "contacts/J Doe.md"), tidy.Reader(v(vault)), KEYS
    )
    assert left == []
    assert plan.message == "forget: a contact, its links and import records"
    assert "J Doe" not in plan.message
    write(plan)
    record = json.loads((vault / "imports" / "linkedin.json").read_text())
    assert record["people"] == {
        "b": {"id": "Max", "path": "contacts/Max.md"},
        "c": [{"id": "Other"}],
    }
    assert (vault / "imports" / "linkedin.json").read_text().startswith('{\n  "people": {\n')
    pairs = json.loads((vault / "imports" / "not-duplicates.json").read_text())["pairs"]
    assert pairs == [["Max", "Zoë"]]
    events = json.loads((vault / "imports" / "ics.json").read_text())["events"]
    assert [events["uid-1"]["ids"], events["uid-2"]["ids"]] == [["Max"], ["Jane Doe"]]
    assert (vault / "contacts" / "Max.md").read_text() == (
        '---\nintroduced_by: "J Doe"\n---\n\nKnows Jane.\n'
    )
    assert (vault / "daily" / "2026-11-27.md").read_text() == (
        "Met J Doe and j doe; `[[J Doe]]` is code.\n"
    )
    assert not (vault / "contacts" / "J Doe.md").exists()


def test_an_unreadable_record_stops_forget(vault: Path) -> None:
    (vault / "imports").mkdir()
    (vault / "imports" / "vcard.json").write_text('{"people": \n  [1, }\n')
    with pytest.raises(NetzmdError) as caught:
        tidy.forget(v(vault), note(vault, "contacts/J Doe.md"), tidy.Reader(v(vault)), KEYS)
    assert caught.value.message.startswith(
        "imports/vcard.json:2: error: this import record cannot be read"
    )


def test_a_note_whose_links_cannot_be_read_is_left_and_said(vault: Path) -> None:
    (vault / "daily" / "latin1.md").write_bytes("[[J Doe]] caf\xe9\n".encode("latin-1"))
    plan, left = tidy.forget(
        v(vault), note(vault, "contacts/J Doe.md"), tidy.Reader(v(vault)), KEYS
    )
    assert left == ["daily/latin1.md: not UTF-8 text, so its links were left as they are"]
    assert "daily/latin1.md" not in [c.rel for c in plan.changes]


# --- rename -------------------------------------------------------------------------------------

CANDIDATES = [
    Candidate("contacts/Jane Doe.md", "Jane Doe", "Jane Doe", ()),
    Candidate("contacts/J Doe.md", "J Doe", "J. Doe", ("JD",)),
    Candidate("contacts/Max.md", "Max", "Max", ("Maximilian",)),
]


def do_rename(root: Path, rel: str, new: str) -> tuple[Plan, list[str]]:
    return tidy.rename(v(root), note(root, rel), new, CANDIDATES, tidy.Reader(v(root)), KEYS)


def test_rename_moves_the_file_keeps_the_old_name_and_follows_links(vault: Path) -> None:
    with_records(vault)
    plan, _ = do_rename(vault, "contacts/J Doe.md", "Jane A/B Smith")
    assert plan.message == "rename: J. Doe to Jane A/B Smith"
    write(plan)
    assert not (vault / "contacts" / "J Doe.md").exists()
    text = (vault / "contacts" / "Jane A-B Smith.md").read_text()
    assert text == OTHER.replace("name: J. Doe", "name: Jane A/B Smith").replace(
        "aliases: [JD]", "aliases: [JD, J. Doe]"
    )
    assert (vault / "daily" / "2026-11-27.md").read_text() == (
        "Met [[Jane A-B Smith#Work]] and ![[Jane A-B Smith]]; `[[J Doe]]` is code.\n"
    )
    record = json.loads((vault / "imports" / "linkedin.json").read_text())
    assert record["people"]["a"]["id"] == "Jane A-B Smith"
    assert record["people"]["a"]["path"] == "contacts/Jane A-B Smith.md"
    pairs = json.loads((vault / "imports" / "not-duplicates.json").read_text())["pairs"]
    assert ["Jane A-B Smith", "Jane Doe"] in pairs


def test_a_note_named_by_its_file_gets_no_name_field(make_vault: MakeVault) -> None:
    root = make_vault({"contacts/Max.md": "---\ncompany: Acme\n---\nMax.\n"})
    plan, _ = do_rename(root, "contacts/Max.md", "Maximilian Muster")
    assert plan.changes[0].rel == "contacts/Maximilian Muster.md"
    assert plan.changes[0].after.decode() == ("---\ncompany: Acme\naliases: [Max]\n---\nMax.\n")


@pytest.mark.parametrize(
    ("new", "why"),
    [
        ("Jane Doe", "contacts/Jane Doe.md exists already"),
        ("jane doe", "'jane doe' is taken already: Jane Doe"),
        ("maximilian", "'maximilian' is taken already: Max"),
    ],
)
def test_rename_to_a_taken_name_is_refused(vault: Path, new: str, why: str) -> None:
    with pytest.raises(NetzmdError, match=why):
        do_rename(vault, "contacts/J Doe.md", new)


def test_rename_to_its_own_name_does_nothing(vault: Path) -> None:
    plan, _ = do_rename(vault, "contacts/Jane Doe.md", "Jane Doe")
    assert plan.real == [] and plan.nothing == ["contacts/Jane Doe.md is called Jane Doe already"]


def test_a_new_display_name_for_the_same_file_name(make_vault: MakeVault) -> None:
    root = make_vault({"contacts/Jane Doe.md": "---\nname: Jane D.\n---\n"})
    plan, _ = do_rename(root, "contacts/Jane Doe.md", "Jane Doe")
    assert [(c.rel, c.deleted, c.before is None) for c in plan.changes] == [
        ("contacts/Jane Doe.md", False, False)
    ]
    assert plan.changes[0].after.decode() == "---\nname: Jane Doe\naliases: [Jane D.]\n---\n"


# --- dismiss ------------------------------------------------------------------------------------


def test_dismissed_pairs_are_one_sorted_line_each(vault: Path) -> None:
    plan = tidy.dismiss(v(vault), tidy.Reader(v(vault)), "Max", "Jane Doe")
    assert plan.message == "duplicates: Jane Doe and Max are different people"
    write(plan)
    path = vault / "imports" / "not-duplicates.json"
    assert path.read_text() == '{\n  "pairs": [\n    ["Jane Doe", "Max"]\n  ],\n  "version": 1\n}\n'
    write(tidy.dismiss(v(vault), tidy.Reader(v(vault)), "Zoë", "Ann"))
    assert path.read_text() == (
        '{\n  "pairs": [\n    ["Ann", "Zoë"],\n    ["Jane Doe", "Max"]\n  ],\n  "version": 1\n}\n'
    )
    again = tidy.dismiss(v(vault), tidy.Reader(v(vault)), "Jane Doe", "Max")
    assert again.real == [] and again.nothing
    with pytest.raises(NetzmdError, match="two different"):
        tidy.dismiss(v(vault), tidy.Reader(v(vault)), "Max", "Max")


def test_the_vaults_markdown_files(vault: Path) -> None:
    (vault / "notes.MD").write_text("x")
    (vault / "contacts" / "backup.md~").write_text("x")
    (vault / "link.md").symlink_to(vault / "notes.MD")
    assert tidy.markdown_files(v(vault)) == [
        "contacts/J Doe.md",
        "contacts/Jane Doe.md",
        "contacts/Max.md",
        "daily/2026-11-27.md",
        "notes.MD",
    ]


def test_links_are_found_in_either_unicode_form(make_vault: MakeVault) -> None:
    nfd = "Zoe\u0308 Mu\u0308ller"
    root = make_vault(
        {
            f"contacts/{nfd}.md": "---\nname: Zoë Müller\n---\n",
            "contacts/Zoë.md": "---\nname: Zoë\n---\n",
            "daily/a.md": "[[Zoë Müller]] and [[ZOE\u0308 MU\u0308LLER|z]]\n",
        }
    )
    plan, _ = tidy.rename(
        v(root),
        note(root, f"contacts/{nfd}.md"),
        "Zoë Schmidt",
        [],
        tidy.Reader(v(root)),
        {},
    )
    links = [c for c in plan.changes if c.rel == "daily/a.md"]
    assert links[0].after.decode() == "[[Zoë Schmidt]] and [[Zoë Schmidt|z]]\n"


def test_a_link_in_a_single_quoted_value_that_cannot_change_safely_stops_it(
    make_vault: MakeVault,
) -> None:
    root = make_vault(
        {
            "contacts/J Doe.md": "---\nname: J. Doe\n---\n",
            "contacts/Max.md": "---\nintroduced_by: '[[J Doe]]'\n---\n",
        }
    )
    with pytest.raises(NetzmdError, match=r"in the front matter of contacts/Max\.md cannot be"):
        tidy.rename(
            v(root), note(root, "contacts/J Doe.md"), "Jo O'Brien", [], tidy.Reader(v(root)), {}
        )
