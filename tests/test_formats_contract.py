"""The contract every exporter in the registry keeps (run for each of them): the same network
gives the same bytes, any name survives, a contact with only a name and an empty vault work,
and every contact the format can hold is in it. Format-specific checks are in
tests/test_formats_<format>.py."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeVault, note

from netzmd.config import load_config
from netzmd.formats import EXPORTERS, IMPORTERS, exporter_class, importer_class
from netzmd.formats.base import Network, contact_uids, derived_uid
from netzmd.store.index import Index
from netzmd.vault import Vault

TODAY = date(2026, 11, 27)

# Every contact has a birthday, so that even the calendar feed holds each one.
NOTES = {
    "contacts/Zoë Müller.md": note(
        "name: Zoë Müller\nbirthday: 1988-01-14\ncompany: Brückenwerk, Digital; GmbH\n"
        "tags: [ex-colleague, cloud]\nemail: zoe@example.com\nphone: '0170123'",
        "Met at the conference.\n\n## Log\n\n- 2026-10-01 [call] hi\n",
    ),
    "contacts/🦄 Unicorn.md": note("birthday: --02-29"),
    "contacts/李小龙.md": note("name: 李小龙 (Bruce)\nbirthday: --11-27\ncity: 香港"),
    "contacts/Only Name.md": note("birthday: 1990-06-01"),
    "contacts/sub/Ørjan Ødegård.md": note("birthday: --12-31\naliases: [Ørjan]"),
}


def network(root: Path, today: date = TODAY) -> Iterator[Network]:
    vault = Vault(root)
    with Index(vault) as index:
        index.refresh()
        yield Network(index, load_config(root), today)


def export(root: Path, name: str, today: date = TODAY) -> bytes:
    for net in network(root, today):
        data: bytes = exporter_class(name)().export(net)
        return data
    raise AssertionError("unreachable")


@pytest.fixture(params=sorted(EXPORTERS))
def fmt(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_the_registry_loads_nothing_until_asked() -> None:
    # Every module of a format is named by path, none is imported by the registry itself.
    for target in [*EXPORTERS.values(), *IMPORTERS.values()]:
        assert ":" in target and target.startswith("netzmd.formats.")
    assert sorted(IMPORTERS) == ["google", "ics", "linkedin", "outlook", "vcard"]
    from netzmd.errors import UsageError

    with pytest.raises(UsageError, match="no exporter for 'pdf': use one of csv, ics, json"):
        exporter_class("pdf")
    with pytest.raises(UsageError, match="no importer for 'xls': use one of google, ics, linkedin"):
        importer_class("xls")


def test_a_format_module_is_imported_only_when_used() -> None:
    import subprocess

    probe = (
        "import sys, netzmd.formats as f, netzmd.formats.base;"
        "assert 'vobject' not in sys.modules and 'icalendar' not in sys.modules;"
        "f.exporter_class('csv');"
        "assert 'vobject' not in sys.modules and 'icalendar' not in sys.modules;"
        "f.exporter_class('vcard'); assert 'netzmd.formats.vcard' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", probe], check=True)


def test_every_exporter_follows_the_protocol(fmt: str) -> None:
    cls = exporter_class(fmt)
    assert cls.name == fmt
    assert cls.suffix.startswith(".")
    assert callable(cls().export)


def test_output_is_deterministic(make_vault: MakeVault, fmt: str) -> None:
    root = make_vault(NOTES)
    first = export(root, fmt)
    assert first == export(root, fmt)
    # A new index (another device, a deleted cache) gives the same bytes too.
    import shutil

    shutil.rmtree(root / ".netzmd")
    assert export(root, fmt) == first


def test_every_contact_is_present_with_any_name(make_vault: MakeVault, fmt: str) -> None:
    root = make_vault(NOTES)
    text = export(root, fmt).decode("utf-8")
    for name in ("Zoë Müller", "🦄 Unicorn", "李小龙 (Bruce)", "Only Name", "Ørjan Ødegård"):
        # vCard and iCalendar fold long lines: unfold before looking
        assert name in text.replace("\r\n ", ""), name


def test_an_empty_vault(make_vault: MakeVault, fmt: str) -> None:
    data = export(make_vault({}), fmt)
    assert data == export(make_vault({}, name="other"), fmt)
    if fmt == "json":
        assert json.loads(data)["contacts"] == []
    elif fmt == "csv":
        assert data.count(b"\r\n") == 1  # the header only
    elif fmt == "ics":
        assert b"BEGIN:VCALENDAR" in data and b"VEVENT" not in data
    else:
        assert data == b""


def test_a_contact_with_only_a_name(make_vault: MakeVault, fmt: str) -> None:
    root = make_vault({"contacts/Mononym.md": ""})
    data = export(root, fmt)
    if fmt == "ics":  # no date, no cadence: nothing to put in a calendar
        assert b"VEVENT" not in data
    else:
        assert b"Mononym" in data


def test_a_broken_note_counts_as_its_last_good_version(make_vault: MakeVault, fmt: str) -> None:
    root = make_vault(NOTES)
    before = export(root, fmt)
    path = root / "contacts" / "Only Name.md"
    path.write_text("---\nbirthday: [unclosed\n---\n", encoding="utf-8")
    after = export(root, fmt)
    assert b"Only Name" in after.replace(b"\r\n ", b"")
    if fmt != "json" and fmt != "csv":  # those hold the note's text as it is now
        assert after == before


# --- stable identifiers -------------------------------------------------------------------------


def contact(path: str, ident: str, **fields: Any) -> dict[str, Any]:
    return {"path": path, "id": ident, "fields": fields}


def test_uid_is_the_notes_own_else_derived_from_its_id() -> None:
    uids = contact_uids(
        [
            contact("contacts/A.md", "A", uid="from-google-123"),
            contact("contacts/B.md", "B"),
            contact("contacts/C.md", "C", uid="  "),
            contact("contacts/D.md", "D", uid=42),
        ]
    )
    assert uids == {
        "contacts/A.md": "from-google-123",
        "contacts/B.md": derived_uid("B"),
        "contacts/C.md": derived_uid("C"),
        "contacts/D.md": derived_uid("D"),
    }
    # uuid5: the same on every machine and run; pinned so that it never changes by accident
    assert derived_uid("Jane Doe") == "1a640321-7a74-508d-ab4e-09f8425382d9"


def test_a_taken_uid_is_derived_from_the_path() -> None:
    uids = contact_uids(
        [
            contact("contacts/work/Jane.md", "Jane"),
            contact("contacts/Jane.md", "Jane"),
            contact("contacts/X.md", "X", uid="same"),
            contact("contacts/Y.md", "Y", uid="same"),
        ]
    )
    assert uids["contacts/Jane.md"] == derived_uid("Jane")  # first by path keeps it
    assert uids["contacts/work/Jane.md"] == derived_uid("path:contacts/work/Jane.md")
    assert uids["contacts/X.md"] == "same"
    assert uids["contacts/Y.md"] == derived_uid("path:contacts/Y.md")
    assert len(set(uids.values())) == 4
