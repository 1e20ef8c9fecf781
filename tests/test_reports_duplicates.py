"""``duplicates`` and ``check`` over a real vault and its index: identifiers read from every
field that holds them, the region setting, dismissed pairs, and check's warnings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import MakeVault

from netzmd.config import load_config
from netzmd.reports.duplicates import duplicates, to_json
from netzmd.store import queries
from netzmd.store.index import Index
from netzmd.vault import Vault

NOTES = {
    "contacts/Jane Doe.md": "---\nemail: jane@example.org\ncompany: Acme\n---\n",
    "contacts/J Doe.md": "---\nemails: [other@x.example, JANE@example.org]\n---\n",
    "contacts/Max.md": '---\nphone: "0171 2345678"\nlinkedin: https://linkedin.com/in/max-m\n---\n',
    "contacts/clients/Maximilian M.md": (
        "---\nphones: ['+49 171 2345678']\nlinkedin: [www.linkedin.com/in/Max-M/]\n---\n"
    ),
    "contacts/Anna Weiß.md": "---\ncompany: Bosch GmbH\n---\n",
    "contacts/Ana Weiss.md": "---\ncompany: BOSCH\n---\n",
    # what the stored JSON may hold that must not be read as a person's identifiers
    "contacts/Tricky.md": (
        "---\ndates:\n  fields: 2020-01-01\n  interactions: 2020-01-02\n"
        "social:\n  linkedin: in/max-m\n  email: jane@example.org\n---\n\n"
        '## Log\n\n- 2026-01-01 wrote , "fields": {"linkedin": "in/max-m"} and '
        ', "interactions": [ in a note\n'
    ),
}


def report(root: Path) -> list[dict[str, Any]]:
    with Index(Vault(root)) as index:
        index.refresh()
        return to_json(duplicates(index, load_config(root)))


def check(root: Path, paths: set[str] | None = None) -> list[str]:
    with Index(Vault(root)) as index:
        index.refresh()
        found = queries.check(index, load_config(root), paths)
        return [str(p) for p in found.problems]


@pytest.fixture
def vault(make_vault: MakeVault) -> Path:
    return make_vault(NOTES)


def test_every_field_that_holds_an_identifier_counts(vault: Path) -> None:
    assert report(vault) == [
        {"a": "Max", "b": "Maximilian M", "reasons": ["linkedin", "phone"], "score": 100},
        {"a": "J Doe", "b": "Jane Doe", "reasons": ["email"], "score": 95},
        {"a": "Ana Weiss", "b": "Anna Weiß", "reasons": ["similar name + company"], "score": 70},
    ]


def test_the_region_reads_numbers_without_a_country_code(make_vault: MakeVault) -> None:
    notes = {
        "contacts/A.md": "---\nphone: (212) 555-0100\n---\n",
        "contacts/B.md": "---\nphone: +1 212 555 0100\n---\n",
    }
    assert report(make_vault(notes)) == []
    assert report(make_vault(notes, config='region = "us"\n', name="us")) == [
        {"a": "A", "b": "B", "reasons": ["phone"], "score": 90}
    ]


def test_a_shared_file_name_makes_the_path_the_key(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "contacts/Max.md": "---\nemail: max@x.example\n---\n",
            "contacts/old/max.md": "---\nemail: MAX@x.example\n---\n",
        }
    )
    assert report(root) == [
        {
            "a": "contacts/Max.md",
            "b": "contacts/old/max.md",
            "reasons": ["email", "name"],
            "score": 98,
        }
    ]


def test_check_warns_on_both_notes_of_a_strong_pair_only(vault: Path) -> None:
    warnings = [line for line in check(vault) if "probably the same person" in line]
    assert warnings == [
        "contacts/J Doe.md:1: warning: probably the same person as contacts/Jane Doe.md "
        "(email); merge them: netzmd merge 'J Doe' 'Jane Doe', or say they are two: netzmd "
        "duplicates --dismiss 'J Doe' 'Jane Doe'",
        "contacts/Jane Doe.md:1: warning: probably the same person as contacts/J Doe.md "
        "(email); merge them: netzmd merge 'J Doe' 'Jane Doe', or say they are two: netzmd "
        "duplicates --dismiss 'J Doe' 'Jane Doe'",
        "contacts/Max.md:1: warning: probably the same person as contacts/clients/Maximilian "
        "M.md (linkedin, phone); merge them: netzmd merge Max 'Maximilian M', or say they are "
        "two: netzmd duplicates --dismiss Max 'Maximilian M'",
        "contacts/clients/Maximilian M.md:1: warning: probably the same person as "
        "contacts/Max.md (linkedin, phone); merge them: netzmd merge Max 'Maximilian M', or "
        "say they are two: netzmd duplicates --dismiss Max 'Maximilian M'",
    ]
    assert [line for line in check(vault, {"contacts/Max.md"}) if "probably" in line] == [
        warnings[2]
    ]


def test_dismissed_pairs_are_not_named_again(vault: Path) -> None:
    (vault / "imports").mkdir()
    (vault / "imports" / "not-duplicates.json").write_text(
        '{"pairs": [["J Doe", "Jane Doe"], ["Anna Weiß", "Ana Weiss"]], "version": 1}'
    )
    assert [(p["a"], p["b"]) for p in report(vault)] == [("Max", "Maximilian M")]
    assert not any("contacts/J Doe.md" in line and "probably" in line for line in check(vault))


def test_a_broken_record_of_dismissed_pairs_is_an_error_of_check(vault: Path) -> None:
    (vault / "imports").mkdir()
    (vault / "imports" / "not-duplicates.json").write_text('{"pairs": [\n  ["a"]\n]}\n')
    assert (
        "imports/not-duplicates.json:2: error: the record of pairs that are not duplicates "
        'cannot be read (["a"] is not a pair of two notes)'
    ) in check(vault)


def test_people_are_read_from_the_index_without_their_logs(vault: Path) -> None:
    with Index(Vault(vault)) as index:
        index.refresh()
        people = {p.path: p for p in queries.duplicate_people(index)}
    tricky = people["contacts/Tricky.md"]
    assert (tricky.keys.emails, tricky.keys.phones, tricky.keys.linkedin) == ((), (), ())
    assert people["contacts/J Doe.md"].keys.emails == ("jane@example.org", "other@x.example")
    assert people["contacts/clients/Maximilian M.md"].keys.linkedin == ("linkedin.com/in/max-m",)
    assert people["contacts/Anna Weiß.md"].keys.company == "bosch"


# --- what is kept between runs --------------------------------------------------------------------


def test_a_second_run_reads_only_the_notes_that_changed(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[list[str]] = []
    real = queries._keys_from_index

    def counting(index: Index, notes: dict[str, Any]) -> Any:
        read.append(sorted(notes))
        return real(index, notes)

    monkeypatch.setattr(queries, "_keys_from_index", counting)
    first = report(vault)
    assert len(read[0]) == len(NOTES)
    assert report(vault) == first and len(read) == 1
    (vault / "contacts" / "J Doe.md").write_text("---\nemails: [other@x.example]\n---\n")
    assert [(p["a"], p["b"]) for p in report(vault)] == [
        ("Max", "Maximilian M"),
        ("Ana Weiss", "Anna Weiß"),
    ]
    assert read[1] == ["contacts/J Doe.md"]


def test_a_damaged_cache_is_made_again(vault: Path) -> None:
    first = report(vault)
    for name in (queries.DUPLICATES_CACHE, queries.STRONG_CACHE):
        (vault / ".netzmd" / name).write_bytes(b"\x00garbage")
    before = check(vault)
    assert report(vault) == first
    assert check(vault) == before
    assert (vault / ".netzmd" / queries.DUPLICATES_CACHE).read_bytes()[:8] != b"\x00garbage"


def test_checks_pairs_follow_every_change_they_depend_on(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "contacts/A.md": "---\nphone: (212) 555-0100\n---\n",
            "contacts/B.md": "---\nphone: +1 212 555 0100\n---\n",
        }
    )

    def pairs() -> int:
        return sum("probably the same person" in line for line in check(root)) // 2

    assert pairs() == 0 and pairs() == 0
    (root / "netzmd.toml").write_text('region = "US"\n')
    assert pairs() == 1
    (root / "contacts" / "C.md").write_text("---\nphone: 212 555 0100\n---\n")
    assert pairs() == 3
    (root / "imports").mkdir()
    (root / "imports" / "not-duplicates.json").write_text('{"pairs": [["A", "C"]]}')
    assert pairs() == 2
    (root / "contacts" / "C.md").unlink()
    assert pairs() == 1


def test_a_name_check_warns_about_already_is_not_said_twice(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "contacts/a/Jane Doe.md": "x\n",
            "contacts/b/Jane Doe.md": "y\n",
            "contacts/Jürgen Weiß.md": "x\n",
            "contacts/Weiß, Jürgen.md": "y\n",
            "contacts/Max.md": "---\nemail: max@x.example\n---\n",
            "contacts/max/Max.md": "---\nemail: max@x.example\n---\n",
        }
    )
    lines = check(root)
    probably = sorted(line.split(":", 1)[0] for line in lines if "probably the same" in line)
    assert probably == [
        "contacts/Jürgen Weiß.md",
        "contacts/Max.md",
        "contacts/Weiß, Jürgen.md",
        "contacts/max/Max.md",
    ]
    assert "(email, name)" in next(line for line in lines if line.startswith("contacts/Max.md"))
    assert sum("duplicate name" in line for line in lines) == 4
