"""vCard export: cards read back by vobject, field by field; stable UIDs; year-less birthdays;
arbitrary names and fields survive a round trip through vobject; the hand-written cards are
those vobject builds for the same contact (escaping, property order), folded at 75 octets."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import vobject
from conftest import MakeVault, assert_folded, note
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netzmd.config import load_config
from netzmd.formats.base import Network, derived_uid, without_history
from netzmd.formats.vcard import VCardExporter, card_bytes, file_name, fold, own_text, vcard
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


# --- the contacts without their history (what a card is made from) ----------------------------

# Text that looks like the keys the history is cut at, and JSON's own escapes.
_LOOKALIKES = ['], "fields": {', ', "interactions": [', '"follow_ups": [', '\\"', "\n", "{}[]"]


def test_contacts_without_history_are_the_contacts_less_their_history(
    make_vault: MakeVault,
) -> None:
    tricky = " ".join(_LOOKALIKES).replace("\n", " ")
    root = make_vault(
        {
            "contacts/Max.md": MAX,
            "contacts/Tricky.md": note(
                f"name: 'Tricky {tricky}'\ncompany: '{tricky}'\naliases: ['{tricky}']\n"
                f"interactions: [a, b]\nfields: {{interactions: [1], x: '{tricky}'}}\n"
                f"dates:\n  interactions: 2019-04-01\noffers: '{tricky}'",
                f"- 2026-10-01 [call] {tricky}\n- [ ] {tricky} 📅 2026-12-01\n"
                f'- 2026-09-01 ], "fields": {{\n',
            ),
            "contacts/None.md": note("name: No History"),
        }
    )
    with Index(Vault(root)) as index:
        index.refresh()
        config = load_config(root)
        full = Network(index, config, TODAY).contacts()
        light = Network(index, config, TODAY).contacts(history=False)
        both = Network(index, config, TODAY)
        assert both.contacts(history=False) == light
        assert both.contacts() == full  # read once and kept; the lighter list is cut from it
        assert both.contacts(history=False) == light
    assert [c["name"] for c in full] == ["Maximilian Mustermann", "No History", full[2]["name"]]
    assert full[2]["interactions"] and full[2]["follow_ups"] and full[0]["interactions"]
    assert light == [
        {k: v for k, v in c.items() if k not in ("interactions", "follow_ups")} for c in full
    ]
    assert full[2]["fields"]["fields"] == {"interactions": ["1"], "x": tricky}
    assert full[2]["fields"]["interactions"] == ["a", "b"]


_json_text = st.lists(
    st.one_of(
        st.sampled_from(_LOOKALIKES), st.characters(codec="utf-8", exclude_categories=("Cs",))
    ),
    max_size=6,
).map("".join)
_scalar = st.one_of(st.none(), st.booleans(), st.integers(), _json_text)
_json_value = st.recursive(
    _scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.one_of(st.sampled_from(["interactions", "fields"]), _json_text), inner, max_size=3
        ),
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "id": _json_text,
                "name": _json_text,
                "aliases": st.lists(_json_text, max_size=2),
                "company": st.one_of(st.none(), _json_text),
                "dates": st.dictionaries(_json_text, _json_text, max_size=2),
                "offers": st.one_of(st.none(), _json_text),
                "archived": st.booleans(),
                "interactions": st.lists(
                    st.fixed_dictionaries(
                        {"date": _json_text, "kind": _scalar, "text": _json_text}
                    ),
                    max_size=3,
                ),
                "follow_ups": st.lists(
                    st.fixed_dictionaries({"due": _scalar, "text": _json_text, "done": _scalar}),
                    max_size=3,
                ),
                "fields": st.dictionaries(
                    st.one_of(st.sampled_from(["interactions", "fields"]), _json_text),
                    _json_value,
                    max_size=4,
                ),
            }
        ),
        max_size=4,
    )
)
def test_without_history_cuts_exactly_the_history(contacts: list[dict[str, Any]]) -> None:
    # the layout of list --format json: one contact a line, the keys in static_json's order
    order = ("id", "name", "aliases", "company", "dates", "offers", "archived")
    order += ("interactions", "follow_ups", "fields")
    contacts = [{key: c[key] for key in order} for c in contacts]
    lines = [json.dumps(c, ensure_ascii=False) for c in contacts]
    data = ("[" + ",".join("\n" + line for line in lines) + "\n]").encode()
    expected = [
        {k: v for k, v in c.items() if k not in ("interactions", "follow_ups")} for c in contacts
    ]
    assert json.loads(without_history(data)) == expected


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


# --- the writer against vobject's own ----------------------------------------------------------


def vobject_card(c: dict[str, Any], uid: str, note: str = "") -> str:
    """The card as vobject builds and serializes it (the writer netzmd used before it wrote
    cards itself): the reference the hand-written cards are held to."""
    card = vobject.vCard()
    card.add("uid").value = uid
    name = c["name"]
    card.add("fn").value = name
    given, _, family = name.rpartition(" ")
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    for alias in c.get("aliases") or ():
        card.add("nickname").value = alias
    for email in c.get("emails") or ():
        prop = card.add("email")
        prop.value = email
        prop.type_param = "INTERNET"
    for phone in c.get("phones") or ():
        card.add("tel").value = phone
    if c.get("company"):
        card.add("org").value = [c["company"]]
    if c.get("role"):
        card.add("title").value = c["role"]
    if c.get("city"):
        card.add("adr").value = vobject.vcard.Address(city=c["city"])
    if c.get("tags"):
        card.add("categories").value = list(c["tags"])
    linkedin = (c.get("fields") or {}).get("linkedin")
    if isinstance(linkedin, str) and linkedin.strip():
        card.add("url").value = linkedin.strip()
    birthday = c.get("birthday")
    if birthday:
        prop = card.add("bday")
        if birthday.startswith("--"):
            prop.value = f"1604-{birthday[2:]}"
            prop.params["X-APPLE-OMIT-YEAR"] = ["1604"]
        else:
            prop.value = birthday
    if note:
        card.add("note").value = note
    text: str = card.serialize()
    return text


def unfold(text: str) -> str:
    return text.replace("\r\n ", "")


# Text with every character that needs care: the escaped ones, line breaks of every kind,
# a colon, non-ASCII of two, three and four octets, and any other non-control character.
_tricky = st.lists(
    st.one_of(
        st.sampled_from(
            ["\\", ",", ";", ":", "\n", "\r", "\r\n", "\t", '"', "^", " ", "é", "€", "𝄞"]
        ),
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    ),
    min_size=1,
    max_size=120,
).map("".join)
_line = _tricky.map(lambda t: t.replace("\r", "").replace("\n", " ").strip()).filter(bool)
_birthday = st.one_of(
    st.none(),
    st.dates().map(date.isoformat),
    st.dates(date(2000, 1, 1), date(2000, 12, 31)).map(lambda d: "--" + d.isoformat()[5:]),
    st.sampled_from(["--02-29", "1984-02-29", "2000-02-29"]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=_line,
    company=st.one_of(st.none(), _line),
    role=st.one_of(st.none(), _line),
    city=st.one_of(st.none(), _line),
    tags=st.lists(_line, max_size=3),
    aliases=st.lists(_line, max_size=3),
    emails=st.lists(_line, max_size=2),
    phones=st.lists(_line, max_size=2),
    linkedin=st.one_of(st.none(), _line),
    birthday=_birthday,
    note_text=st.one_of(st.just(""), _tricky, st.text(st.sampled_from("é€𝄞x\n"), max_size=200)),
    uid=st.one_of(st.just("1a640321-7a74-508d-ab4e-09f8425382d9"), _line),
)
def test_the_written_card_is_the_one_vobject_builds(
    name: str,
    company: str | None,
    role: str | None,
    city: str | None,
    tags: list[str],
    aliases: list[str],
    emails: list[str],
    phones: list[str],
    linkedin: str | None,
    birthday: str | None,
    note_text: str,
    uid: str,
) -> None:
    contact: dict[str, Any] = {
        "name": name,
        "company": company,
        "role": role,
        "city": city,
        "tags": tags,
        "aliases": aliases,
        "emails": emails,
        "phones": phones,
        "birthday": birthday,
        "fields": {"linkedin": linkedin} if linkedin else {},
    }
    data = card_bytes(contact, uid, note_text)
    text = data.decode("utf-8")
    assert vcard(contact, uid, note_text) == text
    reference = vobject_card(contact, uid, note_text)
    # the same properties, parameters and escapes in the same order; only the folding may differ
    assert unfold(text) == unfold(reference)
    if all(len(line.encode()) <= 75 for line in reference.split("\r\n")):
        assert text == reference  # vobject folded right: byte for byte the same
    assert_folded(data)
    # read back by vobject: what the contact holds, and what vobject's own card gives
    card, ref = vobject.readOne(text), vobject.readOne(reference)
    assert card.serialize() == ref.serialize()
    assert card.fn.value == name
    assert (card.n.value.family, card.n.value.given) == (
        name.rpartition(" ")[2],
        name.rpartition(" ")[0],
    )
    assert values(card, "nickname") == aliases
    assert values(card, "email") == emails
    assert values(card, "tel") == phones
    assert values(card, "org") == ([[company]] if company else [])
    assert values(card, "title") == ([role] if role else [])
    assert [a.city for a in values(card, "adr")] == ([city] if city else [])
    assert values(card, "categories") == ([tags] if tags else [])
    assert values(card, "url") == ([linkedin] if linkedin else [])
    assert card.uid.value == uid
    if birthday is None:
        assert "bday" not in card.contents
    elif birthday.startswith("--"):
        assert card.bday.value == "1604" + birthday[1:]
        assert card.bday.params == {"X-APPLE-OMIT-YEAR": ["1604"]}
    else:
        assert card.bday.value == birthday and card.bday.params == {}
    newlines = note_text.replace("\r\n", "\n").replace("\r", "\n")
    assert values(card, "note") == ([newlines] if note_text else [])


def test_a_short_line_of_many_octets_is_folded_too() -> None:
    # 45 characters but 125 octets: vobject left such a line whole (it counted characters)
    note_text = "€" * 40
    data = card_bytes({"name": "Ann"}, "u", note_text)
    euro = "€".encode()
    assert b"\r\nNOTE:" + euro * 23 + b"\r\n " + euro * 17 + b"\r\n" in data  # 74 + 52
    assert_folded(data)
    assert vobject.readOne(data.decode()).note.value == note_text
    assert len("NOTE:" + note_text) < 75 < len(("NOTE:" + note_text).encode())
    assert (
        max(
            len(line.encode())
            for line in vobject_card({"name": "Ann"}, "u", note_text).split("\r\n")
        )
        > 75
    )


def test_fold_at_75_octets_between_characters() -> None:
    assert fold("x" * 75) == b"x" * 75  # 75 octets: one line
    assert fold("x" * 76) == b"x" * 75 + b"\r\n x"
    assert fold("x" * 75 + "y" * 75) == b"x" * 75 + b"\r\n " + b"y" * 74 + b"\r\n y"
    # a four-octet character that would straddle octet 75 starts the next line
    four = "𝄞".encode()
    assert fold("x" * 73 + "𝄞" + "z") == b"x" * 73 + b"\r\n " + four + b"z"
    assert fold("x" * 71 + "𝄞" + "z") == b"x" * 71 + four + b"\r\n z"
    assert fold("") == b""
