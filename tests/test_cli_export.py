"""``netzmd export``: the four subcommands through the command line, --output to a file or a
folder, and clear errors; CSV and JSON hold every contact and every field."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import vobject
from conftest import MakeVault, Run, no_traceback, note

JANE = note(
    "name: Jane Doe\naliases: [JD]\ncircle: competence\ntags: [cloud]\ncompany: Acme GmbH\n"
    "role: CTO\nemail: jane@example.com\nphone: '0170123'\ncity: Berlin\nbirthday: --03-14\n"
    "dates:\n  work anniversary: 2019-04-01\nlast_contact: 2026-10-01\nmet: Kranich, 2019\n"
    "introduced_by: '[[Max]]'\nvouches: true\noffers: call me\ncoffee: flat white\n"
    "linkedin: https://www.linkedin.com/in/jane\nkids: [Ada, Bob]",
    "Free text.\n\n## Log\n\n- 2026-10-01 [lunch] Pasta Bar\n\n## Follow-ups\n\n"
    "- [ ] send slides 📅 2026-12-01\n- [x] old 📅 2026-09-01 ✅ 2026-09-02\n",
)
NOTES = {
    "contacts/Jane Doe.md": JANE,
    "contacts/Zoë Müller.md": note("name: Zoë Müller 🎉\ncircle: career"),
    "contacts/Old.md": note("archived: true"),
}


def test_json_holds_every_contact_field_interaction_and_follow_up(
    make_vault: MakeVault, run: Run
) -> None:
    root = make_vault(NOTES)
    result = run(root, "export", "json", "--today", "2026-11-27")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["format"], doc["version"], doc["today"]) == ("netzmd-export", 1, "2026-11-27")
    assert [c["name"] for c in doc["contacts"]] == ["Jane Doe", "Old", "Zoë Müller 🎉"]
    jane = doc["contacts"][0]
    listed = json.loads(run(root, "list", "--format", "json", "--today", "2026-11-27").stdout)[0]
    assert {k: v for k, v in jane.items() if k not in ("uid", "body")} == listed
    assert jane["fields"]["coffee"] == "flat white" and jane["fields"]["kids"] == ["Ada", "Bob"]
    assert jane["interactions"] == [
        {"date": "2026-10-01", "kind": "lunch", "text": "Pasta Bar", "line": 28}
    ]
    assert [f["text"] for f in jane["follow_ups"]] == ["send slides", "old"]
    assert jane["body"].startswith("\nFree text.\n\n## Log\n")
    assert jane["next_due"] == "2027-01-01"
    assert result.stdout.count("\n") == 5  # the head, one contact a line, the end


def test_csv_holds_every_field(make_vault: MakeVault, run: Run) -> None:
    result = run(make_vault(NOTES), "export", "csv", "--today", "2026-11-27")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert [r["name"] for r in rows] == ["Jane Doe", "Old", "Zoë Müller 🎉"]
    jane = rows[0]
    assert jane["phones"] == "0170123"
    assert jane["aliases"] == "JD"
    assert jane["dates"] == "work anniversary: 2019-04-01"
    assert jane["birthday"] == "--03-14"
    assert jane["vouches"] == "true" and rows[1]["archived"] == "true"
    assert jane["coffee"] == "flat white"
    assert jane["kids"] == "Ada\nBob"
    assert jane["linkedin"] == "https://www.linkedin.com/in/jane"
    assert jane["interactions"] == "2026-10-01 [lunch] Pasta Bar"
    assert jane["follow_ups"] == (
        "- [ ] send slides 📅 2026-12-01\n- [x] old 📅 2026-09-01 ✅ 2026-09-02"
    )
    assert "Free text." in jane["body"]
    assert jane["next_due"] == "2027-01-01"
    header = next(csv.reader(io.StringIO(result.stdout, newline="")))
    assert header[:4] == ["id", "path", "uid", "name"]
    assert header[-3:] == ["interactions", "follow_ups", "body"]
    assert header.index("coffee") < header.index("kids") < header.index("linkedin")


def test_filters(make_vault: MakeVault, run: Run) -> None:
    root = make_vault(NOTES)
    doc = json.loads(run(root, "export", "json", "--circle", "career").stdout)
    assert [c["name"] for c in doc["contacts"]] == ["Zoë Müller 🎉"]
    vcf = run(root, "export", "vcard", "--tag", "cloud").stdout
    assert vcf.count("BEGIN:VCARD") == 1 and "FN:Jane Doe" in vcf


def test_output_file_written_atomically_and_only_when_changed(
    make_vault: MakeVault, run: Run, tmp_path: Path
) -> None:
    root = make_vault(NOTES)
    target = tmp_path / "out.ics"
    args = ("export", "ics", "--today", "2026-11-27", "--output", str(target))
    first = run(root, *args)
    assert first.exit_code == 0 and first.stdout == ""
    assert first.stderr == f"wrote {target}\n"
    data = target.read_bytes()
    assert data == run(root, "export", "ics", "--today", "2026-11-27").stdout_bytes
    again = run(root, *args)
    assert again.stderr == f"unchanged {target}\n"
    assert target.read_bytes() == data
    assert not [p for p in tmp_path.iterdir() if "tmp" in p.name]


def test_vcard_to_a_folder_one_card_each(make_vault: MakeVault, run: Run, tmp_path: Path) -> None:
    root = make_vault(NOTES)
    folder = tmp_path / "cards"
    result = run(root, "export", "vcard", "--output", f"{folder}/")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote 3 cards to {folder}/ (0 unchanged)\n"
    files = sorted(folder.glob("*.vcf"))
    assert len(files) == 3
    assert sorted(p.name for p in folder.iterdir() if p.suffix != ".vcf") == [".netzmd-export.json"]
    for file in files:
        card = vobject.readOne(file.read_text(encoding="utf-8"))
        assert file.name == card.uid.value + ".vcf"
    again = run(root, "export", "vcard", "--output", str(folder))  # an existing folder
    assert again.stderr == f"wrote 0 cards to {folder} (3 unchanged)\n"
    (folder / "not ours.vcf").write_text("x", encoding="utf-8")
    run(root, "export", "vcard", "--output", str(folder))
    assert (folder / "not ours.vcf").read_text() == "x"  # others' cards are left alone


def test_prune_removes_only_the_cards_netzmd_wrote_and_nobody_changed(
    make_vault: MakeVault, run: Run, tmp_path: Path
) -> None:
    root = make_vault(NOTES)
    folder = tmp_path / "cards"
    assert run(root, "export", "vcard", "--output", f"{folder}/").exit_code == 0
    cards = {p.name: p.read_bytes() for p in folder.glob("*.vcf")}
    (folder / "from the phone.vcf").write_text("BEGIN:VCARD\r\nFN:X\r\nEND:VCARD\r\n")
    notes = sorted((root / "contacts").glob("*.md"))
    notes[0].unlink()
    notes[1].unlink()
    result = run(root, "export", "vcard", "--output", str(folder))  # without --prune
    assert "2 cards of contacts no longer exported left in the folder; --prune" in result.stderr
    assert {p.name for p in folder.glob("*.vcf")} == {*cards, "from the phone.vcf"}
    uids_now = run(root, "export", "vcard").stdout
    stale_cards = sorted(n for n in cards if n.removesuffix(".vcf") not in uids_now)
    assert len(stale_cards) == 2
    # one stale card was edited on the phone meanwhile: it is kept and named
    (folder / stale_cards[0]).write_bytes(cards[stale_cards[0]] + b"X-EDITED:yes\r\n")
    result = run(root, "export", "vcard", "--output", str(folder), "--prune")
    assert result.exit_code == 0, result.output
    assert f"kept {folder / stale_cards[0]}: changed since netzmd wrote it" in result.stderr
    assert "1 removed)" in result.stderr
    assert not (folder / stale_cards[1]).exists()
    assert (folder / stale_cards[0]).exists() and (folder / "from the phone.vcf").exists()
    again = run(root, "export", "vcard", "--output", str(folder), "--prune")
    assert "0 removed)" in again.stderr and (folder / stale_cards[0]).exists()
    assert run(root, "export", "vcard", "--prune").exit_code == 2  # not a folder


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ics", "--include", "birthdays,todos"], "'todos' is not a kind of event"),
        (["ics", "--include", ","], "is not a kind of event"),
        (["ics", "--days", "-1"], "-1 is not in the range"),
        (["json", "--output", "{folder}"], "is a folder; give a file name, e.g."),
        (["csv", "--output", "{missing}/x.csv"], "the folder {missing} does not exist"),
        (["vcard", "--output", "{file}/"], "is a file, not a folder"),
        (["vcard", "--output", "{missing}/deeper/"], "does not exist"),
        (["pdf"], "No such command 'pdf'"),
    ],
)
def test_clear_errors(
    make_vault: MakeVault, run: Run, tmp_path: Path, args: list[str], message: str
) -> None:
    root = make_vault(NOTES)
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("x")
    where = {
        "folder": str(tmp_path / "folder"),
        "missing": str(tmp_path / "missing"),
        "file": str(tmp_path / "file"),
    }
    result = run(root, "export", *[a.format(**where) for a in args])
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert message.format(**where) in result.stderr
    assert (tmp_path / "file").read_text() == "x"


def test_help_has_examples(run: Run) -> None:
    for sub in ("vcard", "ics", "csv", "json"):
        result = run(None, "export", sub, "--help")
        assert result.exit_code == 0
        assert "Examples:" in result.stdout and f"netzmd export {sub}" in result.stdout
    assert "X-APPLE-OMIT-YEAR=1604" in run(None, "export", "vcard", "--help").stdout


def test_help_and_agenda_load_no_format_library(make_vault: MakeVault) -> None:
    import subprocess
    import sys

    root = make_vault(NOTES)
    probe = (
        "import sys; from netzmd.cli import main\n"
        "try: main(sys.argv[1:], standalone_mode=False)\n"
        "finally: print('LOADED', sorted(m for m in ('vobject', 'icalendar') if m in sys.modules),"
        " file=sys.stderr)"
    )
    for args in (["--help"], ["--vault", str(root), "agenda"], ["export", "--help"]):
        done = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, check=True
        )
        assert "LOADED []" in done.stderr, args
