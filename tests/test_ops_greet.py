"""``ops.greet``: the campaign note written and grown without touching a byte that is there,
the drafts' templates, and ``sync`` logging exactly the ticked people, once (issue 14)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeVault, note

from netzmd.errors import NetzmdError, UsageError
from netzmd.model.campaign import parse_campaign
from netzmd.ops import greet
from netzmd.ops.write import BadNote, Note, open_note, write
from netzmd.present.jinja import render
from netzmd.vault import Vault

TODAY = date(2026, 12, 1)
SIMPLE = "{{ salutation }}\n\n{{ occasion }} {{ year }}, {{ lang }}.\n"


def person(ident: str, name: str | None = None, **more: Any) -> dict[str, Any]:
    name = name or ident
    data = {"id": ident, "name": name, "lang": "en", "salutation": f"Dear {name.split()[0]},"}
    data.update(occasion="Christmas", year=2026, **more)
    return data


def plan_for(vault: Vault, people: list[dict[str, Any]], rel: str = "Greetings/X 2026.md") -> Any:
    return greet.campaign(
        vault,
        rel,
        "Christmas 2026",
        {"occasion": "Christmas", "year": 2026, "date": date(2026, 12, 24), "log": "X greeting"},
        "christmas",
        people,
        lambda name, data: render(vault, name, data),
        again="netzmd greet christmas --year 2026",
    )


@pytest.fixture
def vault(make_vault: MakeVault) -> Vault:
    root = make_vault({"templates/greetings/christmas.en.md.j2": SIMPLE}, 'region = "DE"\n')
    return Vault(root)


def test_a_new_campaign_note(vault: Vault) -> None:
    plan, done = plan_for(vault, [person("Anna Schmidt"), person("Helga B", "Dr. Helga B")])
    (change,) = plan.changes
    assert change.before is None
    assert change.after.decode() == (
        "---\noccasion: Christmas\nyear: 2026\ndate: 2026-12-24\nlog: X greeting\n---\n\n"
        "# Christmas 2026\n\n"
        "Tick each person once the greeting is sent (the Tasks plugin adds ✅ and the day). "
        "`netzmd greet --sync 'Greetings/X 2026.md'` then logs a [greeting] in their notes "
        "(`netzmd watch` does it by itself); `netzmd greet christmas --year 2026` adds whoever "
        "is new.\n\n"
        "## Anna Schmidt\n\n- [ ] [[Anna Schmidt]]\n\nDear Anna,\n\nChristmas 2026, en.\n\n"
        "## Dr. Helga B\n\n- [ ] [[Helga B|Dr. Helga B]]\n\nDear Dr.,\n\nChristmas 2026, en.\n"
    )
    assert done.created and done.kept == 0 and done.total == 2
    assert done.added == [
        {
            "id": "Anna Schmidt",
            "name": "Anna Schmidt",
            "lang": "en",
            "template": "greetings/christmas.en.md.j2",
        },
        {
            "id": "Helga B",
            "name": "Dr. Helga B",
            "lang": "en",
            "template": "greetings/christmas.en.md.j2",
        },
    ]
    assert plan.message == "greet: Christmas 2026: 2 drafts"
    assert change.said == [
        "created Greetings/X 2026.md",
        "Greetings/X 2026.md: + Anna Schmidt (en)",
        "Greetings/X 2026.md: + Dr. Helga B (en)",
    ]


def test_running_again_keeps_every_byte_and_adds_only_new_people(vault: Vault) -> None:
    plan, _ = plan_for(vault, [person("Anna Schmidt"), person("Bob Baker")])
    write(plan)
    path = vault.root / "Greetings/X 2026.md"
    edited = (
        path.read_text(encoding="utf-8")
        .replace("- [ ] [[Anna Schmidt]]", "- [x] [[Anna Schmidt]] ✅ 2026-12-20")
        .replace("Dear Bob,", "Dear Bobby, remember the bike tour?")
        + "\n## My notes\n\nsend the cards by Dec 15"  # no newline at the end
    )
    path.write_bytes(edited.encode("utf-8"))
    again, done = plan_for(
        vault, [person("Anna Schmidt"), person("Bob Baker"), person("Carla Cruz")]
    )
    (change,) = again.changes
    assert change.before == edited.encode("utf-8")
    new = change.after.decode("utf-8")
    assert (
        new
        == edited
        + "\n\n## Carla Cruz\n\n- [ ] [[Carla Cruz]]\n\nDear Carla,\n\nChristmas 2026, en.\n"
    )
    assert [a["id"] for a in done.added] == ["Carla Cruz"]
    assert (done.created, done.kept, done.total) == (False, 2, 3)
    assert again.message == "greet: Christmas 2026: 1 draft added (3 in all)"
    write(again)
    campaign = parse_campaign(path.read_text(encoding="utf-8"))
    assert [(e.target, e.ticked) for e in campaign.entries] == [
        ("Anna Schmidt", True),
        ("Bob Baker", False),
        ("Carla Cruz", False),
    ]
    # and once more: nobody new, nothing to write
    third, done = plan_for(vault, [person("Anna Schmidt"), person("carla cruz", "Carla Cruz")])
    assert third.real == []
    assert third.nothing == ["Greetings/X 2026.md: everyone is on it already"]
    assert done.added == []


def test_a_person_found_by_name_or_link_is_not_added_again(vault: Vault) -> None:
    path = vault.root / "Greetings/X 2026.md"
    path.parent.mkdir()
    path.write_text("## Anna\n\n- [x] [[anna schmidt|Anna]]\n", encoding="utf-8")
    plan, done = plan_for(vault, [person("Anna Schmidt"), person("ZZ", "Bob Baker")])
    assert [a["name"] for a in done.added] == ["Bob Baker"]
    path.write_text("## Bob\n\n- [ ] [[Bob Baker]]\n", encoding="utf-8")
    plan, done = plan_for(vault, [person("ZZ", "Bob Baker")])  # by the display name
    assert done.added == [] and plan.real == []


def test_a_crlf_note_grows_in_crlf(vault: Vault) -> None:
    path = vault.root / "Greetings/X 2026.md"
    path.parent.mkdir()
    old = b"# Christmas\r\n\r\n## Anna\r\n\r\n- [x] [[Anna]]\r\n"
    path.write_bytes(old)
    plan, _ = plan_for(vault, [person("Anna"), person("Bob")])
    (change,) = plan.changes
    assert (
        change.after
        == old + b"\r\n## Bob\r\n\r\n- [ ] [[Bob]]\r\n\r\nDear Bob,\r\n\r\nChristmas 2026, en.\r\n"
    )


def test_an_empty_note_gets_the_head(vault: Vault) -> None:
    path = vault.root / "Greetings/X 2026.md"
    path.parent.mkdir()
    path.write_bytes(b"\n")
    plan, done = plan_for(vault, [person("Anna")])
    assert plan.changes[0].after.startswith(b"---\noccasion: Christmas\n")
    assert done.kept == 0


def test_a_note_that_ends_in_an_open_fence_is_refused(vault: Vault) -> None:
    path = vault.root / "Greetings/X 2026.md"
    path.parent.mkdir()
    path.write_text("## Anna\n\n- [ ] [[Anna]]\n\n```\ncode\n", encoding="utf-8")
    with pytest.raises(NetzmdError) as caught:
        plan_for(vault, [person("Anna"), person("Bob")])
    assert caught.value.path == "Greetings/X 2026.md"
    assert caught.value.line == 5  # where the block opens
    assert "``` on line 5 opens a code block" in caught.value.detail


def test_a_broken_or_linked_campaign_note_is_refused(vault: Vault, tmp_path: Path) -> None:
    path = vault.root / "Greetings/X 2026.md"
    path.parent.mkdir()
    path.write_bytes(b"## A\n\n\xff\n")
    with pytest.raises(BadNote) as caught:
        plan_for(vault, [person("Anna")])
    assert (caught.value.path, caught.value.line) == ("Greetings/X 2026.md", 3)
    path.unlink()
    (tmp_path / "elsewhere.md").write_text("", encoding="utf-8")
    path.symlink_to(tmp_path / "elsewhere.md")
    with pytest.raises(BadNote, match="is a symlink"):
        plan_for(vault, [person("Anna")])


def test_a_draft_with_a_section_heading_is_refused(vault: Vault) -> None:
    template = vault.templates / "greetings/christmas.en.md.j2"
    template.write_text("### fine\n```\n## fenced is fine\n```\n## {{ name }}\n", encoding="utf-8")
    with pytest.raises(NetzmdError) as caught:
        plan_for(vault, [person("Anna")])
    assert "greetings/christmas.en.md.j2 writes a heading of level 1 or 2" in caught.value.detail
    assert "(its line 5: '## Anna')" in caught.value.detail
    template.write_text("### fine\n", encoding="utf-8")
    plan, _ = plan_for(vault, [person("Anna")])
    assert b"\n### fine\n" in plan.changes[0].after


def test_templates_vault_first_then_default_then_english(vault: Vault) -> None:
    assert greet.template_for(vault, "christmas", "en") == ("greetings/christmas.en.md.j2", "en")
    assert greet.template_for(vault, "christmas", "de") == ("greetings/christmas.de.md.j2", "de")
    assert greet.template_for(vault, "martisor", "de") == ("greetings/default.de.md.j2", "de")
    assert greet.template_for(vault, "martisor", "fr") == ("greetings/default.en.md.j2", "en")
    (vault.templates / "greetings/default.fr.md.j2").write_text("Cher {{ name }}", encoding="utf-8")
    assert greet.template_for(vault, "martisor", "fr") == ("greetings/default.fr.md.j2", "fr")
    assert greet.template_for(vault, "christmas", "fr") == ("greetings/default.fr.md.j2", "fr")
    plan, done = plan_for(vault, [person("Anna", lang="fr")])
    assert done.added[0]["lang"] == "fr"
    assert plan.changes[0].after.endswith(b"\n\nCher Anna\n")


def test_note_path(vault: Vault, tmp_path: Path) -> None:
    root = vault.root
    assert greet.note_path(vault, "Greetings/X", root) == "Greetings/X.md"
    assert greet.note_path(vault, "X.md", root / "Greetings") == "Greetings/X.md"
    assert greet.note_path(vault, "Greetings/Y.md", tmp_path) == "Greetings/Y.md"  # from outside
    assert greet.note_path(vault, str(root / "Z.md"), tmp_path) == "Z.md"
    with pytest.raises(UsageError, match="would be read as a contact"):
        greet.note_path(vault, "contacts/Greetings.md", root)
    with pytest.raises(UsageError, match="must be inside the vault"):
        greet.note_path(vault, str(tmp_path / "out.md"), root)
    with pytest.raises(UsageError, match="must be inside the vault"):
        greet.note_path(vault, "../out.md", root)
    with pytest.raises(UsageError, match="is empty"):
        greet.note_path(vault, " ", root)


# --- sync -------------------------------------------------------------------------------------

CAMPAIGN = """\
---
occasion: Christmas
year: 2026
log: Christmas 2026 greeting
---

# Christmas 2026

## Anna Schmidt

- [x] [[Anna Schmidt]] ✅ 2026-12-20

Hallo Anna,

## Bob Baker

- [ ] [[Bob Baker]]

## Carla Cruz

- [x] [[Carla Cruz]]

## Dora

- [x] [[Dora Nobody]]

## Ed

- [x] [[Ed Early]] ✅ tomorrow

## Anna again

- [x] [[Anna Schmidt]] ✅ 2026-12-22
"""


@pytest.fixture
def network(make_vault: MakeVault) -> Vault:
    root = make_vault(
        {
            "contacts/Anna Schmidt.md": note(
                "last_contact: 2026-10-01", "## Log\n\n- 2026-10-01 [lunch] Pasta"
            ),
            "contacts/Bob Baker.md": note("circle: competence"),
            "contacts/Carla Cruz.md": note("last_contact: 2026-12-05"),
            "contacts/Ed Early.md": note("circle: competence"),
            "Greetings/Christmas 2026.md": CAMPAIGN,
        }
    )
    return Vault(root)


def notes(vault: Vault, *names: str) -> dict[str, Note | str]:
    found: dict[str, Note | str] = {n: open_note(vault, f"contacts/{n}.md") for n in names}
    found["Dora Nobody"] = "no contact of that name"
    return found


def test_sync_logs_exactly_the_ticked_people(network: Vault) -> None:
    campaign = greet.read_campaign(network, "Greetings/Christmas 2026.md")
    assert campaign.log == "Christmas 2026 greeting"
    assert campaign.title == "Christmas 2026"
    assert [e.target for e in greet.ticked(campaign)] == [
        "Anna Schmidt",
        "Carla Cruz",
        "Dora Nobody",
        "Ed Early",
    ]
    people = notes(network, "Anna Schmidt", "Bob Baker", "Carla Cruz", "Ed Early")
    plan, synced = greet.sync(campaign, people, TODAY)
    assert [c.rel for c in plan.real] == ["contacts/Anna Schmidt.md", "contacts/Carla Cruz.md"]
    assert synced.logged == [
        {
            "id": "Anna Schmidt",
            "name": "Anna Schmidt",
            "path": "contacts/Anna Schmidt.md",
            "date": "2026-12-20",
        },
        {
            "id": "Carla Cruz",
            "name": "Carla Cruz",
            "path": "contacts/Carla Cruz.md",
            "date": "2026-12-01",
        },
    ]
    assert synced.skipped == [
        {"target": "Dora Nobody", "line": 25, "why": "no contact of that name"},
        {"target": "Ed Early", "line": 29, "why": "✅ tomorrow is not a date (YYYY-MM-DD)"},
    ]
    assert synced.already == []
    assert plan.message == (
        "greet: Christmas 2026: 2 greetings sent\n\n2026-12-20 Anna Schmidt\n2026-12-01 Carla Cruz"
    )
    anna = plan.real[0].after.decode()
    # dated by the ✅ date, in the future of today: last_contact stays
    assert anna.endswith(
        "## Log\n\n- 2026-10-01 [lunch] Pasta\n- 2026-12-20 [greeting] Christmas 2026 greeting\n"
    )
    assert "last_contact: 2026-10-01" in anna
    carla = plan.real[1].after.decode()
    assert "last_contact: 2026-12-05" in carla  # not moved back
    assert carla.endswith("## Log\n\n- 2026-12-01 [greeting] Christmas 2026 greeting\n")
    write(plan)
    # again: nothing to add
    people = notes(network, "Anna Schmidt", "Bob Baker", "Carla Cruz", "Ed Early")
    again, synced = greet.sync(campaign, people, date(2026, 12, 30))
    assert again.real == []
    assert [p["name"] for p in synced.already] == ["Anna Schmidt", "Carla Cruz"]
    assert synced.logged == []
    assert again.message == "greet: Christmas 2026: 0 greetings sent"


def test_sync_moves_last_contact_forward(network: Vault) -> None:
    campaign = greet.read_campaign(network, "Greetings/Christmas 2026.md")
    plan, _ = greet.sync(campaign, notes(network, "Anna Schmidt"), date(2026, 12, 21))
    (anna,) = plan.real
    assert "last_contact: 2026-12-20" in anna.after.decode()
    assert anna.said == [
        "contacts/Anna Schmidt.md: + - 2026-12-20 [greeting] Christmas 2026 greeting",
        "contacts/Anna Schmidt.md: last_contact → 2026-12-20",
    ]


def test_sync_knows_a_greeting_logged_by_hand(network: Vault) -> None:
    path = network.root / "contacts/Carla Cruz.md"
    path.write_text(
        note("circle: competence", "## Log\n\n- 2026-12-24 [Greeting] christmas 2026 GREETING"),
        encoding="utf-8",
    )
    campaign = greet.read_campaign(network, "Greetings/Christmas 2026.md")
    plan, synced = greet.sync(campaign, notes(network, "Carla Cruz"), TODAY)
    assert plan.real == []
    assert [p["name"] for p in synced.already] == ["Carla Cruz"]


def test_the_log_text_without_front_matter(network: Vault) -> None:
    path = network.root / "Greetings/Birthdays 2026.md"
    path.write_text("## Bob\n\n- [x] [[Bob Baker]]\n", encoding="utf-8")
    campaign = greet.read_campaign(network, "Greetings/Birthdays 2026.md")
    assert (campaign.log, campaign.title) == ("Birthdays 2026 greeting", "Birthdays 2026")
    with pytest.raises(NetzmdError, match="does not exist"):
        greet.read_campaign(network, "Greetings/Nothing.md")


def test_apply_sync_without_git_writes_and_commits_nothing(network: Vault) -> None:
    campaign = greet.read_campaign(network, "Greetings/Christmas 2026.md")
    plan, _ = greet.sync(campaign, notes(network, "Carla Cruz"), TODAY)
    written, result = greet.apply_sync(network, campaign, plan, commit_it=True)
    assert [c.rel for c in written] == ["contacts/Carla Cruz.md"]
    assert result is not None and not result.committed and result.reason is None
    assert "[greeting]" in (network.root / "contacts/Carla Cruz.md").read_text(encoding="utf-8")
    assert os.path.exists(network.root / "Greetings/Christmas 2026.md")
