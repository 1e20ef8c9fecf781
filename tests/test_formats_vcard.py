"""vCard export: cards read back by vobject, field by field; stable UIDs; year-less birthdays;
arbitrary names and fields survive a round trip through vobject."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import vobject
from conftest import MakeVault, note
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netzmd.config import load_config
from netzmd.formats.base import Network, derived_uid
from netzmd.formats.vcard import VCardExporter, file_name, own_text, vcard
from netzmd.store.index import Index
from netzmd.vault import Vault

TODAY = date(2026, 11, 27)

MAX = note(
    "name: Maximilian Mustermann\naliases: [Max, 'Max, der Große']\ncircle: competence\n"
    "tags: [ex-colleague, 'a,b']\ncompany: 'Brückenwerk; Digital, GmbH'\nrole: Staff Engineer\n"
    "emails: [max@example.com, m.m@example.org]\nphone: '0170123456'\nphones: ['+49 40 123']\n"
    "city: Hamburg\nlinkedin: https://www.linkedin.com/in/example\nbirthday: --02-29\n"
    "dates:\n  work anniversary: 2019-04-01",
    "Met him at the Terraform meetup.\nLikes flat white.\n\n## Log\n\n"
    "- 2026-10-22 [call] questions\n\n## Follow-ups\n\n- [ ] send the module 📅 2026-11-10\n\n"
    "## Family\n\nTwo kids.\n",
)


def export_each(root: Path) -> list[tuple[str, bytes]]:
    with Index(Vault(root)) as index:
        index.refresh()
        return VCardExporter().export_each(Network(index, load_config(root), TODAY))


def cards(root: Path) -> list[Any]:
    return [vobject.readOne(data.decode("utf-8")) for _, data in export_each(root)]


def values(card: Any, key: str) -> list[Any]:
    return [p.value for p in card.contents.get(key, [])]


def test_a_card_read_back_field_by_field(make_vault: MakeVault) -> None:
    (card,) = cards(make_vault({"contacts/Max.md": MAX}))
    assert card.version.value == "3.0"
    assert card.fn.value == "Maximilian Mustermann"
    assert (card.n.value.given, card.n.value.family) == ("Maximilian", "Mustermann")
    assert values(card, "nickname") == ["Max", "Max, der Große"]
    assert values(card, "email") == ["max@example.com", "m.m@example.org"]
    assert [e.type_param for e in card.contents["email"]] == ["INTERNET", "INTERNET"]
    assert values(card, "tel") == ["0170123456", "+49 40 123"]  # as typed: the 0 stays
    assert card.org.value == ["Brückenwerk; Digital, GmbH"]
    assert card.title.value == "Staff Engineer"
    assert card.adr.value.city == "Hamburg"
    assert card.categories.value == ["ex-colleague", "a,b"]
    assert card.url.value == "https://www.linkedin.com/in/example"
    assert card.uid.value == derived_uid("Max")
    # 29 February without a year: Apple's form, in 1604 (a leap year)
    assert card.bday.value == "1604-02-29"
    assert card.bday.params == {"X-APPLE-OMIT-YEAR": ["1604"]}
    # the note's own text, without the Log and Follow-ups sections
    assert card.note.value == (
        "Met him at the Terraform meetup.\nLikes flat white.\n\n## Family\n\nTwo kids."
    )
    assert set(card.contents) == {
        "version", "uid", "fn", "n", "nickname", "email", "tel", "org", "title", "adr",
        "categories", "url", "bday", "note",
    }  # fmt: skip


def test_one_bday_line_per_card_and_a_known_year_as_a_date(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "contacts/A.md": note("birthday: 1985-04-15"),
            "contacts/B.md": note("birthday: --04-15"),
            "contacts/C.md": note("birthday: 04-15"),
        }
    )
    texts = [data.decode() for _, data in export_each(root)]
    assert [t.count("BDAY") for t in texts] == [1, 1, 1]
    assert "\r\nBDAY:1985-04-15\r\n" in texts[0]
    assert "\r\nBDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15\r\n" in texts[1]
    assert "\r\nBDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15\r\n" in texts[2]


def test_a_card_with_only_a_name(make_vault: MakeVault) -> None:
    (card,) = cards(make_vault({"contacts/Cher.md": ""}))
    assert card.fn.value == "Cher"
    assert (card.n.value.given, card.n.value.family) == ("", "Cher")
    assert set(card.contents) == {"version", "uid", "fn", "n"}


def test_the_imported_uid_is_kept(make_vault: MakeVault) -> None:
    (card,) = cards(make_vault({"contacts/X.md": note("uid: urn:uuid:1234-abcd")}))
    assert card.uid.value == "urn:uuid:1234-abcd"


def test_uids_stay_across_runs_and_renames_of_other_notes(make_vault: MakeVault) -> None:
    root = make_vault({"contacts/Max.md": MAX, "contacts/Other.md": note("name: Other")})
    before = {c.fn.value: c.uid.value for c in cards(root)}
    (root / "contacts" / "Other.md").rename(root / "contacts" / "Somebody.md")
    (root / "contacts" / "sub").mkdir()
    (root / "contacts" / "sub" / "New.md").write_text(note("name: New"), encoding="utf-8")
    after = {c.fn.value: c.uid.value for c in cards(root)}
    assert after["Maximilian Mustermann"] == before["Maximilian Mustermann"]
    assert after["Other"] == derived_uid("Somebody")  # its own rename: a new id


def test_folder_file_names() -> None:
    assert file_name("1a640321-7a74-508d-ab4e-09f8425382d9") == (
        "1a640321-7a74-508d-ab4e-09f8425382d9.vcf"
    )
    assert file_name("../x/y") == "_._x_y.vcf"
    assert file_name(".hidden") == "_hidden.vcf"
    assert file_name("a" * 300) == "a" * 200 + ".vcf"


def test_file_names_are_unique(make_vault: MakeVault) -> None:
    root = make_vault({"contacts/A.md": note("uid: a/b"), "contacts/B.md": note("uid: a_b")})
    names = [name for name, _ in export_each(root)]
    assert names == ["a_b.vcf", "a_b~2.vcf"]


def test_own_text_leaves_out_log_and_follow_ups() -> None:
    body = (
        "\nIntro\n\n## Log\n- 2026-01-01 x\n### sub of log\nstill log\n"
        "## follow-ups\n- [ ] y\n# Top\nkept\n"
    )
    assert own_text(body) == "Intro\n\n# Top\nkept"
    assert own_text("") == ""


# --- hypothesis: whatever a person writes survives vobject -------------------------------------

_text = (
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=_text,
    company=_text,
    role=_text,
    tags=st.lists(_text, max_size=3),
    aliases=st.lists(_text, max_size=3),
    emails=st.lists(_text, max_size=2),
    note_text=st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\r"),
        max_size=80,
    ).map(lambda t: t.strip("\n")),
)
def test_arbitrary_fields_survive_a_round_trip_through_vobject(
    name: str,
    company: str,
    role: str,
    tags: list[str],
    aliases: list[str],
    emails: list[str],
    note_text: str,
) -> None:
    contact = {
        "name": name,
        "company": company,
        "role": role,
        "tags": tags,
        "aliases": aliases,
        "emails": emails,
        "phones": [],
        "fields": {},
    }
    text = vcard(contact, "uid-1", note_text)
    card = vobject.readOne(text)
    assert card.fn.value == name
    assert card.org.value == [company]
    assert card.title.value == role
    assert values(card, "nickname") == aliases
    assert values(card, "email") == emails
    if tags:
        assert card.categories.value == tags
    if note_text:
        assert card.note.value == note_text
    assert text.endswith("END:VCARD\r\n")
    assert all(len(line.encode()) <= 76 * 4 for line in text.split("\r\n"))
