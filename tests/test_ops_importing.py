"""The import engine (ops/importing.py): matching, the three-way rule, new notes, the record in
imports/<source>.json, idempotence — with people given directly, as any importer returns them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netzmd.model.incoming import Incoming, Meeting
from netzmd.ops import importing
from netzmd.ops.importing import Decision, Known, Matcher, Options, decide, same_value
from netzmd.ops.write import apply
from netzmd.vault import Vault
from tests.conftest import MakeVault, git, init_repo, note

TODAY = date(2026, 11, 30)


def person(name: str, line: int = 1, uid: str | None = None, **fields: Any) -> Incoming:
    return Incoming({"name": name, **fields}, uid=uid, line=line, file="in.csv")


def known(root: Path) -> list[Known]:
    from netzmd.config import load_config
    from netzmd.formats.base import Network
    from netzmd.store.index import Index

    index = Index(Vault(root))
    index.refresh()
    try:
        contacts = Network(index, load_config(root), TODAY).contacts(history=False)
    finally:
        index.close()
    return [
        Known(c["path"], c["id"], c["name"], list(c["aliases"]), dict(c["fields"]))
        for c in contacts
    ]


def candidates(root: Path) -> list[Any]:
    from netzmd.store.index import Index
    from netzmd.store.queries import candidates as found

    index = Index(Vault(root))
    index.refresh()
    try:
        return found(index, unread=True)
    finally:
        index.close()


def plan(root: Path, people: list[Incoming], source: str = "linkedin", **options: Any) -> Any:
    return importing.plan_import(
        Vault(root), source, people, [], known(root), candidates(root), TODAY, Options(**options)
    )


def run_import(root: Path, people: list[Incoming], source: str = "linkedin", **options: Any) -> Any:
    result = plan(root, people, source, **options)
    apply(Vault(root), result.plan, commit_it=False)
    return result.report


# --- the three-way rule, field by field ---------------------------------------------------------


@pytest.mark.parametrize(
    ("note_value", "source", "base", "expected"),
    [
        (None, "Globex", None, ("write", None, "Globex")),  # empty: filled
        (None, "Globex", "Globex", None),  # removed by hand since the import that filled it
        (None, "Initech", "Globex", ("write", None, "Initech")),  # removed, but the source moved
        ("Globex", "Globex", None, None),  # agree
        ("globex", "Globex", None, None),  # agree, case folded
        ("Acme", "Globex", None, ("conflict", "Acme", "Globex")),  # no base: the person's stands
        ("Acme", "Globex", "Globex", None),  # the source did not change: the person's stands
        ("Globex", "Initech", "Globex", ("write", "Globex", "Initech")),  # the source changed
        ("Acme", "Initech", "Globex", ("conflict", "Acme", "Initech")),  # both changed
    ],
)
def test_the_three_way_rule_for_one_value(
    note_value: str | None, source: str, base: str | None, expected: tuple[str, Any, Any] | None
) -> None:
    note_fields = {} if note_value is None else {"company": note_value}
    base_fields = None if base is None else {"company": base}
    decisions = decide(note_fields, {"name": "X", "company": source}, base_fields, "DE")
    if expected is None:
        assert decisions == []
    else:
        assert decisions == [Decision("company", *expected)]


def test_a_source_without_a_value_never_empties_a_field() -> None:
    assert (
        decide({"company": "Acme", "role": "CTO"}, {"name": "X"}, {"company": "Acme"}, "DE") == []
    )


def test_lists_only_grow_by_what_the_source_added() -> None:
    note_fields = {"email": "Jane@Example.org", "tags": ["a"]}
    source = {"name": "X", "emails": ["jane@example.org", "j@work.example"], "tags": ["a", "b"]}
    assert decide(note_fields, source, None, "DE") == [
        Decision("emails", "add", None, ["j@work.example"]),
        Decision("tags", "add", None, ["b"]),
    ]
    # an address the person removed after the last import is not added back
    base = {"emails": ["jane@example.org", "j@work.example"], "tags": ["a", "b"]}
    assert decide(note_fields, source, base, "DE") == []


def test_met_and_uid_are_only_ever_filled() -> None:
    source = {"name": "X", "met": "2019-03-27 (LinkedIn)", "uid": "abc"}
    assert decide({"met": "at a conference"}, source, None, "DE") == [
        Decision("uid", "write", None, "abc")
    ]
    assert decide({}, source, None, "DE") == [
        Decision("met", "write", None, "2019-03-27 (LinkedIn)"),
        Decision("uid", "write", None, "abc"),
    ]


@pytest.mark.parametrize(
    ("key", "a", "b", "same"),
    [
        ("birthday", "1985-04-15", "--04-15", True),
        ("birthday", "1985-04-15", "1986-04-15", False),
        ("birthday", "--02-29", "2000-02-29", True),
        ("birthday", "--04-15", "--04-16", False),
        (
            "linkedin",
            "https://www.linkedin.com/in/J%C3%BCrgen/",
            "http://linkedin.com/in/jürgen",
            True,
        ),
        ("linkedin", "https://linkedin.com/in/a", "https://linkedin.com/in/b", False),
        ("company", "Müller AG", "mueller ag", False),
        ("company", "Müller AG", "MULLER AG", True),
        ("city", "Köln", "Koln", True),
        ("company", None, None, True),
        ("company", "Acme", None, False),
    ],
)
def test_same_value(key: str, a: str | None, b: str | None, same: bool) -> None:
    assert same_value(key, a, b) is same
    assert same_value(key, b, a) is same


# --- matching -----------------------------------------------------------------------------------


def k(name: str, **fields: Any) -> Known:
    return Known(f"contacts/{name}.md", name, name, list(fields.pop("aliases", [])), fields)


def test_identifiers_match_before_names_and_in_order() -> None:
    matcher = Matcher(
        [
            k("Jane Doe", linkedin="https://www.linkedin.com/in/jane-doe/"),
            k("Jane Roe", email="jane@example.org"),
            k("Jane Poe", phone="0171 2345678"),
        ],
        "DE",
    )
    by_url = person("J. D.", linkedin="linkedin.com/in/JANE-DOE", emails=["jane@example.org"])
    assert matcher.match(by_url, None).path == "contacts/Jane Doe.md"
    by_mail = person("Someone", emails=["JANE@example.ORG"], phones=["+49 171 2345678"])
    assert matcher.match(by_mail, None).path == "contacts/Jane Roe.md"
    by_phone = person("Someone", phones=["+49 (171) 234-5678"])
    assert matcher.match(by_phone, None).path == "contacts/Jane Poe.md"


def test_a_name_matches_only_when_unique_and_uncontradicted() -> None:
    matcher = Matcher(
        [
            k("Zoë Müller", aliases=["Zoe"], linkedin="https://linkedin.com/in/zoe-m"),
            k("Max Mustermann"),
            k("Anna Schmidt"),
            k("Anna Schmidt (Acme)", aliases=["Anna Schmidt"]),
        ],
        "DE",
    )
    assert matcher.match(person("MAX MUSTERMANN"), None).path == "contacts/Max Mustermann.md"
    assert matcher.match(person("zoe muller"), None).path == "contacts/Zoë Müller.md"
    assert matcher.match(person("Zoe"), None).path == "contacts/Zoë Müller.md"  # an alias
    other = matcher.match(person("Zoë Müller", linkedin="https://linkedin.com/in/zoe-other"), None)
    assert other.path is None
    assert [(p.id, p.score) for p in other.possible] == [("Zoë Müller", 100.0)]
    two = matcher.match(person("Anna Schmidt"), None)
    assert two.path is None and {p.id for p in two.possible} == {
        "Anna Schmidt",
        "Anna Schmidt (Acme)",
    }


@pytest.mark.parametrize("incoming", ["Jürgen Weiss", "Weiß, Jürgen", "Juergen Weiß"])
def test_a_similar_name_is_a_possible_match_never_a_match(incoming: str) -> None:
    matcher = Matcher([k("Jürgen Weiß"), k("Sophie Wagner")], "DE")
    found = matcher.match(person(incoming), None)
    assert found.path is None
    assert [p.id for p in found.possible] == ["Jürgen Weiß"]
    assert 85 <= found.possible[0].score <= 100


def test_one_identifier_on_two_notes_blocks_the_person() -> None:
    matcher = Matcher([k("A", email="x@example.org"), k("B", emails=["X@example.org"])], "DE")
    found = matcher.match(person("C", emails=["x@example.org"]), None)
    assert found.path is None and found.blocked
    assert {p.id for p in found.possible} == {"A", "B"}


# --- whole imports ------------------------------------------------------------------------------


def test_new_people_become_notes_as_add_makes_them(make_vault: MakeVault) -> None:
    root = make_vault({})
    report = run_import(
        root,
        [
            person(
                "Jane Doe",
                company="Globex",
                role="CTO",
                emails=["jane@example.org", "jd@globex.example"],
                phones=["+49 171 1"],
                linkedin="https://www.linkedin.com/in/jane-doe",
                birthday="--04-15",
                city="Köln",
                tags=["Clients"],
                aliases=["JD"],
                met="2019-03-27 (LinkedIn)",
            )
        ],
        tags=["imported"],
    )
    assert report.new == [("Jane Doe", "Jane Doe")]
    text = (root / "contacts/Jane Doe.md").read_text()
    assert text.startswith(
        "---\naliases: [JD]\ntags: [Clients, imported]\ncompany: Globex\nrole: CTO\n"
        "email: jane@example.org\nphone: +49 171 1\ncity: Köln\n"
        'linkedin: https://www.linkedin.com/in/jane-doe\nbirthday: "--04-15"\n'
        'met: "2019-03-27 (LinkedIn)"\nemails: [jd@globex.example]\n---\n'
    )
    assert "circle" not in text  # no flood: no circle unless asked


def test_a_circle_only_when_asked(make_vault: MakeVault) -> None:
    root = make_vault({})
    run_import(root, [person("Jane Doe")], circle="competence")
    assert "circle: competence" in (root / "contacts/Jane Doe.md").read_text()


@pytest.mark.parametrize(
    ("name", "file"),
    [
        ("../../etc/passwd", "-..-etc-passwd"),
        ("a/b\\c", "a-b-c"),
        (".hidden", "hidden"),
        ("..", None),
        ("Jane: [[Doe]]", "Jane- --Doe--"),
    ],
)
def test_names_are_not_paths(make_vault: MakeVault, name: str, file: str | None) -> None:
    root = make_vault({})
    report = run_import(root, [person(name), person("Other")])
    files = sorted(p.name for p in (root / "contacts").iterdir())
    if file is None:
        assert [s.line for s in report.skipped] == [1] and files == ["Other.md"]
    else:
        assert files == sorted([f"{file}.md", "Other.md"])
    outside = [p for p in root.parent.rglob("*.md") if "contacts" not in p.parts]
    assert outside == []


def test_a_taken_name_gets_a_file_name_of_its_own(make_vault: MakeVault) -> None:
    root = make_vault(
        {"contacts/Jürgen Weiß.md": note("linkedin: https://linkedin.com/in/jw-one\ncompany: A")}
    )
    report = run_import(
        root,
        [
            person("Jürgen Weiß", company="Globex", linkedin="https://linkedin.com/in/jw-two"),
            person("Jürgen Weiss", line=2),
        ],
    )
    assert report.new == [
        ("Jürgen Weiß (Globex)", "Jürgen Weiß"),
        ("Jürgen Weiss 2", "Jürgen Weiss"),
    ]
    assert {p.id for p in report.possible} == {"Jürgen Weiß", "Jürgen Weiß (Globex)"}
    assert (root / "contacts/Jürgen Weiß.md").read_text() == note(
        "linkedin: https://linkedin.com/in/jw-one\ncompany: A"
    )


def test_empty_fields_are_filled_and_hand_made_values_kept(make_vault: MakeVault) -> None:
    original = note("company: Acme  # where I met her\nrole: Engineer\ncustom: keep me", "## Log\n")
    root = make_vault({"contacts/Jane Doe.md": original})
    report = run_import(root, [person("Jane Doe", company="Globex", role="Engineer", city="Bonn")])
    text = (root / "contacts/Jane Doe.md").read_text()
    assert text == original.replace("custom: keep me\n", "custom: keep me\ncity: Bonn\n")
    assert [(c.field, c.note, c.source) for c in report.conflicts] == [
        ("company", "Acme", "Globex")
    ]
    assert [(f.field, f.old, f.new) for f in report.updated[0].fields] == [("city", None, "Bonn")]


def test_importing_twice_changes_nothing(make_vault: MakeVault) -> None:
    root = make_vault({"contacts/Jane Doe.md": note("company: Acme")})
    people = [person("Jane Doe", company="Globex"), person("New One", line=2, role="CTO")]
    run_import(root, people)
    before = {
        p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".netzmd" not in p.parts
    }
    again = plan(root, people)
    assert again.plan.real == []
    assert again.report.new == [] and again.report.updated == []
    assert again.report.unchanged == 2
    assert before == {
        p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".netzmd" not in p.parts
    }


def test_a_job_change_at_the_source_updates_the_note_and_keeps_the_old_company(
    make_vault: MakeVault,
) -> None:
    root = make_vault({"contacts/Jane Doe.md": note("company: Acme\nrole: Engineer")})
    url = "https://www.linkedin.com/in/jane"
    run_import(root, [person("Jane Doe", company="Acme", role="Engineer", linkedin=url)])
    report = run_import(root, [person("Jane Doe", company="Globex", role="CTO", linkedin=url)])
    assert report.summary() == "import linkedin: 0 new, 1 updated (1 job change), 0 conflicts"
    text = (root / "contacts/Jane Doe.md").read_text()
    assert "company: Globex\nrole: CTO\n" in text and "former: [Acme]\n" in text
    # a second move keeps both; a company already in former is not added twice
    report = run_import(root, [person("Jane Doe", company="Acme", role="CTO", linkedin=url)])
    assert "former: [Acme, Globex]\n" in (root / "contacts/Jane Doe.md").read_text()


def test_both_changed_is_a_conflict_and_nothing_is_written(make_vault: MakeVault) -> None:
    root = make_vault({"contacts/Jane Doe.md": note("company: Acme")})
    url = "https://www.linkedin.com/in/jane"
    run_import(root, [person("Jane Doe", company="Acme", linkedin=url)])
    path = root / "contacts/Jane Doe.md"
    path.write_text(path.read_text().replace("company: Acme", "company: Acme Labs"))
    report = run_import(root, [person("Jane Doe", company="Globex", linkedin=url)])
    assert [(c.id, c.field, c.note, c.source) for c in report.conflicts] == [
        ("Jane Doe", "company", "Acme Labs", "Globex")
    ]
    assert "company: Acme Labs\n" in path.read_text() and "former" not in path.read_text()


def test_the_record_is_in_the_vault_and_keyed_by_the_source(make_vault: MakeVault) -> None:
    root = make_vault({})
    run_import(root, [person("Jane Doe", linkedin="https://www.linkedin.com/in/Jane%20D/")])
    record = json.loads((root / "imports/linkedin.json").read_text())
    assert record["version"] == 1 and record["source"] == "linkedin"
    assert record["people"] == {
        "linkedin:linkedin.com/in/jane d": {
            "id": "Jane Doe",
            "path": "contacts/Jane Doe.md",
            "fields": {"name": "Jane Doe", "linkedin": "https://www.linkedin.com/in/Jane%20D/"},
        }
    }


def test_a_broken_record_stops_the_import(make_vault: MakeVault) -> None:
    from netzmd.errors import NetzmdError

    root = make_vault({})
    (root / "imports").mkdir()
    (root / "imports/linkedin.json").write_text('{"people": {\n<<<<<<< HEAD\n')
    with pytest.raises(NetzmdError, match=r"the record of earlier imports cannot be read") as e:
        plan(root, [person("Jane Doe")])
    assert (e.value.path, e.value.line) == ("imports/linkedin.json", 2)


def test_a_second_row_of_one_person_is_skipped(make_vault: MakeVault) -> None:
    root = make_vault({})
    url = "https://linkedin.com/in/x"
    report = run_import(root, [person("X", linkedin=url), person("X Y", line=5, linkedin=url)])
    assert [(s.line, s.reason) for s in report.skipped] == [(5, "the same person as line 1")]


def test_a_row_matching_a_note_created_by_the_same_import_fills_it(make_vault: MakeVault) -> None:
    root = make_vault({})
    report = run_import(
        root,
        [
            person("Jane Doe", uid="u1", emails=["jane@example.org"]),
            person("Jane Doe", uid="u2", line=9, emails=["jane@example.org"], city="Bonn"),
        ],
        source="vcard",
    )
    assert report.new == [("Jane Doe", "Jane Doe")] and report.updated == []
    assert "city: Bonn" in (root / "contacts/Jane Doe.md").read_text()


def test_body_text_keeps_its_lines_but_never_becomes_structure(make_vault: MakeVault) -> None:
    root = make_vault({})
    body = "Met at the fair.\n## Log\n- 2020-01-01 not an interaction\n- [ ] not a task"
    run_import(root, [Incoming({"name": "Jane"}, body=body, file="x.vcf")], source="vcard")
    from netzmd.notes.note import parse_note

    parsed = parse_note("contacts/Jane.md", (root / "contacts/Jane.md").read_bytes())
    assert parsed.contact is not None and parsed.problems == []
    assert parsed.contact.interactions == [] and parsed.contact.follow_ups == []
    assert "Met at the fair." in (root / "contacts/Jane.md").read_text()


def test_a_broken_note_is_skipped_not_written(make_vault: MakeVault) -> None:
    broken = "---\ncompany: [unclosed\n---\n"
    root = make_vault({"contacts/Jane Doe.md": note("company: Acme")})
    run_import(root, [person("Jane Doe", company="Acme")])  # the index knows her
    (root / "contacts/Jane Doe.md").write_text(broken)
    report = run_import(root, [person("Jane Doe", company="Acme", city="Bonn")])
    assert [s.line for s in report.skipped] == [1]
    assert "broken note" in report.skipped[0].reason
    assert (root / "contacts/Jane Doe.md").read_text() == broken


# --- meetings -------------------------------------------------------------------------------------


def meeting(uid: str, day: date, *emails: str, summary: str = "Sync") -> Meeting:
    return Meeting(uid, day, summary, list(emails), "cal.ics", 3)


def test_past_meetings_become_interactions_once(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "contacts/Jane Doe.md": note("email: jane@example.org", "## Log\n"),
            "contacts/Max.md": note("emails: [max@example.org]", "## Log\n"),
        }
    )
    meetings = [
        meeting("m1", date(2026, 11, 2), "JANE@example.org", "max@example.org", "me@example.org"),
        meeting("m2", date(2026, 12, 2), "jane@example.org"),  # not yet
        meeting("m3", date(2026, 11, 3), "stranger@example.org"),
    ]

    def go() -> Any:
        mine = Options(me=("ME@example.org",))
        result = importing.plan_meetings(Vault(root), meetings, [], known(root), TODAY, mine)
        apply(Vault(root), result.plan, commit_it=False)
        return result.report

    report = go()
    assert report.summary() == "import ics: 1 meeting with 2 contacts, 1 unknown attendee"
    assert report.unknown == {"stranger@example.org": 1}  # [me] emails are mine, not unknown
    jane = (root / "contacts/Jane Doe.md").read_text()
    assert "- 2026-11-02 [meeting] Sync (with [[Max]])\n" in jane
    assert "last_contact" not in jane  # only a note that has it gets it moved
    again = go()
    assert again.meetings == 0 and again.updated == []
    assert (root / "contacts/Jane Doe.md").read_text() == jane
    events = json.loads((root / "imports/ics.json").read_text())["events"]
    assert sorted(events) == ["m1"]  # m3 waits until its people are known


# --- hypothesis: any names import, and a second import changes nothing --------------------------

names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=30,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(names, min_size=1, max_size=5))
def test_any_names_import_inside_contacts_and_a_second_import_changes_nothing(
    make_vault: MakeVault, tmp_path_factory: pytest.TempPathFactory, given_names: list[str]
) -> None:
    root = make_vault({}, name=tmp_path_factory.mktemp("v").name)
    people = [person(n, line=i + 1, company="Acme") for i, n in enumerate(given_names)]
    first = run_import(root, people)
    for p in root.rglob("*.md"):
        assert p.parent == root / "contacts" and not p.name.startswith(".")
    assert len(first.new) + len(first.skipped) <= len(people)
    second = plan(root, people)
    assert second.plan.real == [] and second.report.new == []


def test_git_sees_one_commit(make_vault: MakeVault, git_env: Path) -> None:
    root = make_vault({"contacts/Jane Doe.md": note("company: Acme")})
    init_repo(root)
    result = plan(root, [person("Jane Doe", city="Bonn"), person("New One", line=2)])
    outcome = apply(Vault(root), result.plan, commit_it=True)
    assert outcome.commit is not None and outcome.commit.committed
    log = git(root, "log", "--format=%s", "--name-only", "-1").split("\n")
    assert log[0] == "import linkedin: 1 new, 1 updated, 0 conflicts"
    assert sorted(x for x in log[1:] if x) == [
        "contacts/Jane Doe.md",
        "contacts/New One.md",
        "imports/linkedin.json",
    ]


def test_the_report_as_json_names_every_field_change() -> None:
    from netzmd.model.incoming import Skipped
    from netzmd.ops.importing import Conflict, FieldChange, Possible, Report, Updated

    report = Report(
        "vcard",
        new=[("Jane Doe (Acme)", "Jane Doe")],
        updated=[Updated("Max", "Max M.", "contacts/Max.md", [FieldChange("city", None, "Bonn")])],
        unchanged=3,
        conflicts=[Conflict("Max", "role", "CTO", "CEO")],
        possible=[Possible("Jürgen Weiss", "Jürgen Weiß", 91.666)],
        skipped=[Skipped("a.vcf", 7, "no name")],
    )
    assert report.to_json() == {
        "source": "vcard",
        "new": [{"id": "Jane Doe (Acme)", "name": "Jane Doe"}],
        "updated": [
            {
                "id": "Max",
                "name": "Max M.",
                "fields": [{"field": "city", "old": None, "new": "Bonn"}],
            }
        ],
        "unchanged": 3,
        "conflicts": [{"id": "Max", "field": "role", "note": "CTO", "source": "CEO"}],
        "possible_matches": [{"incoming": "Jürgen Weiss", "id": "Jürgen Weiß", "score": 91.7}],
        "skipped": [{"file": "a.vcf", "line": 7, "reason": "no name"}],
    }
    assert report.summary() == "import vcard: 1 new, 1 updated, 1 conflict"


def test_the_record_is_written_sorted_and_indented_for_small_diffs() -> None:
    from netzmd.ops.importing import state_bytes

    assert (
        state_bytes({"b": 1, "a": {"d": [1], "c": "Zoë"}})
        == (
            '{\n  "a": {\n    "c": "Zoë",\n    "d": [\n      1\n    ]\n  },\n  "b": 1\n}\n'
        ).encode()
    )


def test_a_number_written_without_quotes_counts_as_a_phone() -> None:
    # phone: 01711234567 reads as text, but phone: 1711234567 as a number: both are phones
    assert decide({"phone": 1711234567}, {"phones": ["+49 171 1234567"]}, None, "DE") == []
    assert (
        decide({"emails": ["Jane at Example"]}, {"emails": ["jane at example"]}, None, "DE") == []
    )


def test_a_birthday_that_is_not_a_date_is_compared_as_text() -> None:
    assert same_value("birthday", "circa 1800", "circa 1800")
    assert not same_value("birthday", "circa 1800", "--04-15")
    assert not same_value("birthday", "--04-15", "spring")


def test_progress_is_told_every_500_people_and_at_the_end(make_vault: MakeVault) -> None:
    root = make_vault({})
    told: list[tuple[int, int]] = []
    people = [person(f"Person {n}", line=n) for n in range(1, 502)]
    importing.plan_import(
        Vault(root), "linkedin", people, [], [], [], TODAY, Options(),
        progress=lambda done, total: told.append((done, total)),
    )  # fmt: skip
    assert told == [(500, 501), (501, 501)]


def test_a_note_deleted_since_the_last_import_is_not_made_again(make_vault: MakeVault) -> None:
    root = make_vault({})
    people = [
        person("Jane Doe", linkedin="https://linkedin.com/in/jane"),
        person("Max Muster", line=2),
    ]
    run_import(root, people)
    (root / "contacts/Jane Doe.md").unlink()
    report = run_import(root, people)
    assert report.new == [] and not (root / "contacts/Jane Doe.md").exists()
    assert [(s.line, s.reason) for s in report.skipped] == [
        (
            1,
            "contacts/Jane Doe.md was deleted since the last import from linkedin: not made "
            "again (to import it anyway, remove its entry from imports/linkedin.json)",
        )
    ]
    record = json.loads((root / "imports/linkedin.json").read_text())["people"]
    assert "linkedin:linkedin.com/in/jane" in record  # kept: the next import knows it too
    # renamed by hand instead of deleted: found again by its LinkedIn URL
    max_ = [person("Max Muster", line=2, linkedin="https://linkedin.com/in/max")]
    run_import(root, max_)
    (root / "contacts/Max Muster.md").rename(root / "contacts/Max M.md")
    again = run_import(root, max_)
    assert again.new == [] and again.skipped == [] and again.unchanged == 1


# --- edges a mutation run asked for ---------------------------------------------------------------


def test_a_new_role_alone_is_no_job_change(make_vault: MakeVault) -> None:
    root = make_vault({"contacts/Jane Doe.md": note("company: Acme\nrole: Engineer")})
    url = "https://www.linkedin.com/in/jane"
    run_import(root, [person("Jane Doe", company="Acme", role="Engineer", linkedin=url)])
    report = run_import(root, [person("Jane Doe", company="Acme", role="CTO", linkedin=url)])
    assert report.summary() == "import linkedin: 0 new, 1 updated, 0 conflicts"
    assert "former" not in (root / "contacts/Jane Doe.md").read_text()


def test_an_address_that_is_no_email_is_still_compared_and_added() -> None:
    assert decide({}, {"emails": ["jane at example"]}, None, "DE") == [
        Decision("emails", "add", None, ["jane at example"])
    ]


def test_people_known_only_by_phone_are_told_apart(make_vault: MakeVault) -> None:
    root = make_vault({})
    report = run_import(
        root,
        [
            person("Ann", phones=["+49 171 1111111"]),
            person("Bea", line=2, phones=["+49 171 2222222"]),
            person("Ann A.", line=3, phones=["0171 1111111"]),  # Ann again
        ],
        source="google",
    )
    assert report.new == [("Ann", "Ann"), ("Bea", "Bea")]
    assert [(s.line, s.reason) for s in report.skipped] == [(3, "the same person as line 1")]


def test_a_nickname_equal_to_the_name_is_no_alias(make_vault: MakeVault) -> None:
    root = make_vault({})
    run_import(root, [person("Jane Doe", aliases=["jane doe", "JD"])], source="vcard")
    assert "aliases: [JD]\n" in (root / "contacts/Jane Doe.md").read_text()


def test_a_later_row_finds_a_new_note_by_its_second_address(make_vault: MakeVault) -> None:
    root = make_vault({})
    report = run_import(
        root,
        [
            person("Jane Doe", uid="u1", emails=["a@example.org", "b@example.org"]),
            person("J. Doe", uid="u2", line=7, emails=["b@example.org"], city="Bonn"),
        ],
        source="vcard",
    )
    assert report.new == [("Jane Doe", "Jane Doe")]
    assert "city: Bonn" in (root / "contacts/Jane Doe.md").read_text()


def test_a_meeting_logged_already_is_not_logged_again_when_the_record_is_lost(
    make_vault: MakeVault,
) -> None:
    root = make_vault({"contacts/Jane.md": note("email: jane@example.org", "## Log\n")})
    meetings = [meeting("m1", date(2026, 11, 2), "jane@example.org", summary="Planning")]

    def go() -> Any:
        result = importing.plan_meetings(Vault(root), meetings, [], known(root), TODAY, Options())
        apply(Vault(root), result.plan, commit_it=False)
        return result.report

    assert go().meetings == 1
    (root / "imports/ics.json").unlink()  # another device, or a record deleted by hand
    again = go()
    assert again.meetings == 0 and again.updated == []
    assert (root / "contacts/Jane.md").read_text().count("[meeting] Planning") == 1


def test_a_later_row_finds_a_new_note_by_its_second_phone(make_vault: MakeVault) -> None:
    root = make_vault({})
    report = run_import(
        root,
        [
            person("Jane Doe", uid="u1", phones=["+49 171 1111111", "+49 171 2222222"]),
            person("J. Doe", uid="u2", line=7, phones=["0171 2222222"], city="Bonn"),
        ],
        source="vcard",
    )
    assert report.new == [("Jane Doe", "Jane Doe")]
    assert "city: Bonn" in (root / "contacts/Jane Doe.md").read_text()
