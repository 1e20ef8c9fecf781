"""``netzmd watch``: the pure parts, then real watchdog observers on throw-away vaults.

The watcher runs in-process in its own thread; every wait polls for the expected outcome every
10 ms up to a deadline, and "nothing more happened" is checked once the watcher has had no event
and no work for a short while (``settle``).
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import git

from netzmd.cli import main
from netzmd.config import load_config
from netzmd.errors import UsageError
from netzmd.vault import Vault
from netzmd.watch.watcher import (
    AGENDA,
    CONFIG,
    FOLDER,
    NOTE,
    STRUCTURE,
    TEMPLATE,
    Debouncer,
    NoteDiff,
    Watcher,
    WatchOptions,
    agenda_summary,
    agenda_target,
    classify,
    commit_message,
    describe,
    diff_snapshots,
    filesystem_type,
    is_junk,
    note_change,
    pair_moves,
    relative,
)

T0 = datetime(2026, 11, 27, 12, 0, 0)
DEADLINE = 20.0  # generous: only a failing wait takes this long
SETTLE = 0.15


def jane(company: str = "Foo", task: str = "send the slides", log: str = "") -> str:
    return (
        f"---\nname: Jane Doe\ncompany: {company}\ncadence: monthly\nlast_contact: 2026-09-01\n"
        f"---\n\n## Log\n\n- 2026-09-01 [call] catch-up\n{log}\n## Follow-ups\n\n"
        f"- [ ] {task} 📅 2026-11-30\n"
    )


MAX = (
    "---\nname: Max Mustermann\ncompany: Acme\n---\n\n## Follow-ups\n\n"
    "- [ ] call Max 📅 2026-12-01\n"
)
ZOE = "---\nname: Zoë Müller\n---\n"


# --- which paths matter ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "is_dir", "kind"),
    [
        ("contacts/Jane Doe.md", False, NOTE),
        ("contacts/work/Jane Doe.MD", False, NOTE),
        ("contacts/work", True, FOLDER),
        ("contacts", True, STRUCTURE),
        ("templates", True, STRUCTURE),
        ("templates/agenda.md.j2", False, TEMPLATE),
        ("netzmd.toml", False, CONFIG),
        ("Agenda.md", False, AGENDA),
        ("Other note.md", False, None),
        ("contacts/photo.jpg", False, None),
        ("contacts/Jane Doe.md~", False, None),
        ("contacts/.Jane Doe.md.swp", False, None),
        ("contacts/Jane Doe.md.swp", False, None),
        ("contacts/4913", False, None),
        ("contacts/.hidden.md", False, None),
        ("contacts/.stversions/Jane Doe.md", False, None),
        ("contacts/#Jane Doe.md#", False, None),
        ("contacts/Jane Doe.md___jb_tmp___", False, None),
        ("contacts/.Jane Doe.md.1234.ab12.netzmd-tmp", False, None),
        ("templates/agenda.md.j2~", False, None),
        ("templates/.agenda.md.j2.swp", False, None),
        (".git/index", False, None),
        (".obsidian/workspace.json", False, None),
        (".trash/Jane Doe.md", False, None),
        (".netzmd/index.sqlite", False, None),
        (".Agenda.md.99.ab.netzmd-tmp", False, None),
        ("", True, None),
    ],
)
def test_classify(rel: str, is_dir: bool, kind: str | None) -> None:
    assert classify(rel, is_dir, "Agenda.md") == kind


def test_junk_names() -> None:
    assert is_junk("Jane.md~") and is_junk(".x") and is_junk("x.tmp") and is_junk("4913")
    assert not is_junk("Jane Doe.md") and not is_junk("agenda.md.j2")


def test_relative_picks_the_deepest_watched_folder() -> None:
    roots = [("/v", ""), ("/v/People", "contacts"), ("/elsewhere/tpl", "templates")]
    assert relative("/v/People/work/Jane.md", roots) == "contacts/work/Jane.md"
    assert relative("/v/Agenda.md", roots) == "Agenda.md"
    assert relative("/elsewhere/tpl/agenda.md.j2", roots) == "templates/agenda.md.j2"
    assert relative("/v", roots) == ""
    assert relative("/vault2/x.md", roots) is None
    assert relative("/other/x.md", roots) is None


# --- debounce ----------------------------------------------------------------------------------


def test_debouncer_waits_for_quiet() -> None:
    d = Debouncer(quiet=0.3, longest=2.0)
    assert d.due() is None and d.take(100.0) is None
    d.add([NOTE], ["contacts/a.md"], 10.0)
    d.add([NOTE], ["contacts/.a.tmp"], 10.1)
    d.add([AGENDA], ["Agenda.md"], 10.2)
    assert d.due() == pytest.approx(10.5)
    assert d.take(10.49) is None
    batch = d.take(10.5)
    assert batch is not None
    assert batch.kinds == {NOTE, AGENDA}
    assert batch.paths == {"contacts/a.md", "contacts/.a.tmp", "Agenda.md"}
    assert (batch.first, batch.last) == (10.0, 10.2)
    assert not d.pending and d.take(11.0) is None


def test_debouncer_does_not_wait_forever() -> None:
    d = Debouncer(quiet=0.3, longest=1.0)
    t = 0.0
    while t < 0.95:
        d.add([NOTE], ["contacts/a.md"], t)
        t += 0.1
    assert d.due() == pytest.approx(1.0)
    assert d.take(1.0) is not None


def test_debouncer_flush_takes_what_is_not_due() -> None:
    d = Debouncer(quiet=5, longest=10)
    d.add([CONFIG], ["netzmd.toml"], 1.0)
    assert d.take(2.0) is None
    batch = d.flush()
    assert batch is not None and batch.kinds == {CONFIG}
    assert d.flush() is None


# --- what a batch line says --------------------------------------------------------------------


def test_diff_snapshots() -> None:
    before = {
        "contacts/a.md": b"1",
        "contacts/b.md": b"2",
        "contacts/c.md": b"3",
        "contacts/x/d.md": b"4",
    }
    after = {
        "contacts/a.md": b"1",
        "contacts/b.md": b"2*",
        "contacts/y/d.md": b"4",
        "contacts/e.md": b"5",
    }
    diff = diff_snapshots(before, after)
    assert diff == NoteDiff(
        added=["contacts/e.md"],
        changed=["contacts/b.md"],
        removed=["contacts/c.md"],
        moved=[("contacts/x/d.md", "contacts/y/d.md")],
    )
    assert describe(diff) == "added e.md; updated b.md; removed c.md; moved x/d.md → y/d.md"
    assert not diff_snapshots(after, after)


def test_describe_counts_many() -> None:
    diff = NoteDiff(changed=[f"contacts/{n}.md" for n in "abcd"], removed=["contacts/z.md"])
    assert describe(diff) == "updated 4 notes; removed z.md"


def test_pair_moves_prefers_content_then_the_same_name() -> None:
    gone = {"contacts/a/Jane.md": b"J", "contacts/Max.md": b"M", "contacts/Empty.md": b""}
    new = {"contacts/b/Jane.md": b"J", "contacts/c/Max.md": b"M2", "contacts/Zed.md": b""}
    assert pair_moves(gone, new) == [
        ("contacts/a/Jane.md", "contacts/b/Jane.md"),
        ("contacts/Max.md", "contacts/c/Max.md"),
    ]
    assert pair_moves(gone, new, by_name=False) == [("contacts/a/Jane.md", "contacts/b/Jane.md")]


def test_agenda_summary() -> None:
    empty: dict[str, Any] = {"follow_ups": [], "keep_in_touch": [], "dates": [], "greetings": []}
    assert agenda_summary(empty) == "nothing due"
    data = {
        "follow_ups": [{}, {}, {}],
        "keep_in_touch": [{}] * 5,
        "dates": [{}],
        "greetings": [{"contacts": [{}, {}]}, {"contacts": [{}]}],
    }
    assert agenda_summary(data) == "3 follow-ups, 5 to contact, 1 date, 3 greetings"


# --- the commit message ------------------------------------------------------------------------


def test_commit_message_for_one_contact() -> None:
    before = jane().encode()
    after = jane("Bar", log="- 2026-11-20 [lunch] Pasta Bar\n").encode()
    change = note_change("contacts/Jane Doe.md", before, after)
    assert commit_message([change]) == "Jane Doe: company Foo → Bar; log +1"


def test_commit_message_for_several_contacts() -> None:
    notes = [
        note_change("contacts/Zoë Müller.md", None, ZOE.encode()),
        note_change("contacts/Jane Doe.md", jane().encode(), jane("Bar").encode()),
        note_change("contacts/Max.md", MAX.encode(), None),
    ]
    assert commit_message(notes) == (
        "3 contacts changed: Jane Doe, Max Mustermann, Zoë Müller\n"
        "\n"
        "Jane Doe: company Foo → Bar\n"
        "Max Mustermann: deleted\n"
        "Zoë Müller: created"
    )


def test_commit_message_headline_names_as_many_as_fit() -> None:
    notes = [
        note_change(f"contacts/{n}.md", None, f"---\nname: {n}\n---\n".encode())
        for n in ["Alexandra Longname", "Bartholomew Longname", "Christiane Longname", "Dora"]
    ]
    head = commit_message(notes).splitlines()[0]
    assert head == "4 contacts changed: Alexandra Longname, Bartholomew Longname and 2 more"
    assert len(head) <= 72


def test_commit_message_rename_edit_and_repair() -> None:
    moved = note_change(
        "contacts/work/Jane Doe.md", jane().encode(), jane("Bar").encode(),
        old_path="contacts/Jane Doe.md",
    )  # fmt: skip
    assert moved.line() == "Jane Doe: renamed from contacts/Jane Doe.md; company Foo → Bar"
    prose = note_change(
        "contacts/Jane Doe.md", jane().encode(), (jane() + "Likes jazz.\n").encode()
    )
    assert prose.line() == "Jane Doe: note text edited"
    repaired = note_change("contacts/Jane Doe.md", b"---\nname: [\n---\n", jane().encode())
    assert repaired.line() == "Jane Doe: note repaired"
    with pytest.raises(ValueError):
        commit_message([])


# --- file systems and the agenda note ----------------------------------------------------------

MOUNTINFO = """\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
40 27 0:40 / /home/me/My\\040Network rw,relatime - nfs4 server:/net rw,vers=4.2
41 27 0:41 / /mnt/c rw,noatime - 9p drvfs rw,dirsync
42 27 0:42 / /mnt/c rw,noatime - ext4 /dev/vdb rw
"""


def test_filesystem_type() -> None:
    assert filesystem_type("/home/me/My Network/contacts", MOUNTINFO) == "nfs4"
    assert filesystem_type("/home/me/My Networking", MOUNTINFO) == "ext4"
    assert filesystem_type("/mnt/c/Users", MOUNTINFO) == "ext4"  # mounted over: the last wins
    assert filesystem_type("/", MOUNTINFO) == "ext4"
    assert filesystem_type("/x", "garbage\n") is None


def test_agenda_target(tmp_path: Path) -> None:
    vault = Vault(tmp_path)
    (tmp_path / "contacts").mkdir()
    config = load_config(tmp_path)
    assert agenda_target(vault, config) == tmp_path / "Agenda.md"
    assert agenda_target(vault, config, tmp_path / "x" / ".." / "A.md") == tmp_path / "A.md"
    with pytest.raises(UsageError, match="inside contacts/"):
        agenda_target(vault, config, tmp_path / "contacts" / "Agenda.md")
    with pytest.raises(UsageError, match="does not exist"):
        agenda_target(vault, config, tmp_path / "nowhere" / "Agenda.md")


# --- real observers ----------------------------------------------------------------------------


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@dataclass
class Running:
    watcher: Watcher
    lines: list[str]
    root: Path

    def wait(self, condition: Callable[[], bool], what: str, timeout: float = DEADLINE) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; lines: {self.lines}")
            if self.watcher.failure is not None:
                raise AssertionError(f"the watcher failed: {self.watcher.failure!r}")
            time.sleep(0.01)

    def settle(self) -> None:
        """Wait until the watcher has had no event and no work for SETTLE seconds."""
        self.wait(lambda: self.watcher.idle_for() >= SETTLE, "the watcher to settle")

    def said(self, text: str) -> list[str]:
        return [line for line in self.lines if text in line]

    def agenda(self) -> str:
        try:
            return (self.root / "Agenda.md").read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    def wait_said(self, text: str, count: int = 1) -> None:
        self.wait(lambda: len(self.said(text)) >= count, repr(text))


Start = Callable[..., Running]


@pytest.fixture
def start() -> Iterator[Start]:
    """``start(root, clock=..., **WatchOptions)``: a running watcher, stopped at the end."""
    watchers: list[Watcher] = []

    def run(root: Path, *, clock: Callable[[], datetime] | None = None, **options: Any) -> Running:
        lines: list[str] = []
        settings: dict[str, Any] = {
            # Short enough for quick tests, long enough that a busy machine pausing between
            # the writes of one save does not split it into two batches.
            "debounce": 0.15,
            "tick_seconds": 0.02,
            "rescan_seconds": 600.0,
            **options,
        }
        watcher = Watcher(
            Vault(root),
            load_config(root),
            WatchOptions(**settings),
            now=clock or Clock(T0),
            say=lines.append,
        )
        watchers.append(watcher)
        watcher.start()
        assert watcher.ready.wait(DEADLINE), "the watcher did not start"
        assert watcher.failure is None, watcher.failure
        return Running(watcher, lines, root)

    yield run
    for watcher in watchers:
        watcher.stop()
        assert watcher.join(5), "the watcher did not stop"
        assert watcher.failure is None, watcher.failure


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    (root / "contacts" / "work").mkdir(parents=True)
    (root / "contacts" / "Jane Doe.md").write_text(jane(), encoding="utf-8")
    (root / "contacts" / "work" / "Max.md").write_text(MAX, encoding="utf-8")
    return root.resolve()


def test_start_renders_the_agenda_note(vault: Path, start: Start) -> None:
    w = start(vault)
    assert w.watcher.mode == "events"
    assert w.lines[0] == (
        f"12:00:00 watching {vault}: 2 notes · agenda: 2 follow-ups, 1 to contact → Agenda.md "
        "(written)"
    )
    text = w.agenda()
    assert text.startswith("# Agenda 2026-11-27 – 2026-12-11\n")
    assert "[[Jane Doe]]: send the slides" in text
    assert w.watcher.stats.renders == 1


# One save of contacts/Jane Doe.md, each the way some editor does it.


def _in_place(path: Path, data: bytes) -> None:
    with open(path, "r+b") as f:
        f.write(data)
        f.truncate()


def _truncate_and_write(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def _temp_and_rename(path: Path, data: bytes) -> None:
    temp = path.with_name(path.name + ".tmp")
    temp.write_bytes(data)
    os.replace(temp, path)


def _hidden_temp_and_rename(path: Path, data: bytes) -> None:
    temp = path.parent / ".goutputstream-X1Y2Z3"
    temp.write_bytes(data)
    os.replace(temp, path)


def _vim_backup_and_rename(path: Path, data: bytes) -> None:
    probe = path.parent / "4913"  # vim checks that it may write in the folder
    probe.write_bytes(b"")
    probe.unlink()
    backup = path.with_name(path.name + "~")
    os.rename(path, backup)
    with open(path, "wb") as f:
        f.write(data)
        os.fsync(f.fileno())
    backup.unlink()


def _delete_then_create(path: Path, data: bytes) -> None:
    path.unlink()
    path.write_bytes(data)


def _two_flushes(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data[: len(data) // 3])  # ends inside the front matter: not a valid note
        f.flush()
        os.fsync(f.fileno())
        time.sleep(0.02)
        f.write(data[len(data) // 3 :])


@pytest.mark.parametrize(
    "save",
    [
        _in_place,
        _truncate_and_write,
        _temp_and_rename,
        _hidden_temp_and_rename,
        _vim_backup_and_rename,
        _delete_then_create,
        _two_flushes,
    ],
)
def test_each_way_to_save_gives_one_render(
    vault: Path, start: Start, save: Callable[[Path, bytes], None]
) -> None:
    w = start(vault, debounce=0.3)  # the real quiet period
    save(vault / "contacts" / "Jane Doe.md", jane("Bar", task="ask about the offer").encode())
    w.wait(lambda: "ask about the offer" in w.agenda(), "the new follow-up in the agenda")
    w.settle()
    assert w.watcher.stats.renders == 2  # the start, and this save
    assert w.lines[1:] == ["12:00:00 updated Jane Doe.md · agenda: 2 follow-ups, 1 to contact"]
    assert "send the slides" not in w.agenda()
    assert not [p for p in vault.rglob("*") if p.name.endswith(("~", ".tmp", "4913"))]


def test_move_between_subfolders_changes_no_link(vault: Path, start: Start) -> None:
    w = start(vault)
    (vault / "contacts" / "team").mkdir()
    os.rename(vault / "contacts" / "Jane Doe.md", vault / "contacts" / "team" / "Jane Doe.md")
    w.wait_said("moved")
    w.settle()
    assert w.lines[1:] == ["12:00:00 moved Jane Doe.md → team/Jane Doe.md · agenda unchanged"]
    assert w.watcher.stats.renders == 1


def test_rename_into_a_subfolder_renders_the_new_link(vault: Path, start: Start) -> None:
    w = start(vault)
    os.rename(vault / "contacts" / "Jane Doe.md", vault / "contacts" / "work" / "Jane D.md")
    w.wait(lambda: "[[Jane D|Jane Doe]]" in w.agenda(), "the new link")
    w.settle()
    assert w.watcher.stats.renders == 2
    assert w.lines[1:] == [
        "12:00:00 moved Jane Doe.md → work/Jane D.md · agenda: 2 follow-ups, 1 to contact"
    ]


def test_folder_rename_moves_its_notes(vault: Path, start: Start) -> None:
    w = start(vault)
    os.rename(vault / "contacts" / "work", vault / "contacts" / "clients")
    w.wait_said("moved")
    (vault / "contacts" / "clients" / "Max.md").write_text(MAX.replace("call Max", "mail Max"))
    w.wait(lambda: "mail Max" in w.agenda(), "the change in the renamed folder")
    w.settle()
    assert w.lines[1:] == [
        "12:00:00 moved work/Max.md → clients/Max.md · agenda unchanged",
        "12:00:00 updated clients/Max.md · agenda: 2 follow-ups, 1 to contact",
    ]


def test_deletion_renders_once(vault: Path, start: Start) -> None:
    w = start(vault)
    (vault / "contacts" / "Jane Doe.md").unlink()
    w.wait(lambda: "Jane" not in w.agenda(), "Jane to leave the agenda")
    w.settle()
    assert w.watcher.stats.renders == 2
    assert w.lines[1:] == ["12:00:00 removed Jane Doe.md · agenda: 1 follow-up"]


def test_contacts_folder_replaced(vault: Path, start: Start) -> None:
    """contacts/ deleted and made again (a restore, a sync tool): watched again."""
    w = start(vault)
    shutil.rmtree(vault / "contacts")
    w.wait(lambda: "Jane" not in w.agenda(), "the agenda without the notes")
    (vault / "contacts").mkdir()
    w.wait_said("removed")
    (vault / "contacts" / "Jane Doe.md").write_text(jane(task="back again"), encoding="utf-8")
    w.wait(lambda: "back again" in w.agenda(), "the note in the new contacts/")
    (vault / "contacts" / "Jane Doe.md").write_text(jane(task="edited there"), encoding="utf-8")
    w.wait(lambda: "edited there" in w.agenda(), "an edit in the new contacts/")


def test_rescan_catches_a_change_no_event_reported(vault: Path, start: Start) -> None:
    """inotify reports no change made through a hard link outside the watched folders."""
    link = vault.parent / "elsewhere.md"
    os.link(vault / "contacts" / "Jane Doe.md", link)
    w = start(vault, rescan_seconds=0.4)
    w.settle()
    events = w.watcher.stats.events
    with open(link, "r+b") as f:
        f.write(jane(task="behind its back").encode())
        f.truncate()
    w.wait(lambda: "behind its back" in w.agenda(), "the rescan")
    # The agenda note is written before the line is said: wait for the line too.
    w.wait_said("updated Jane Doe.md")
    assert w.watcher.stats.events == events
    assert w.lines[1:] == ["12:00:00 updated Jane Doe.md · agenda: 2 follow-ups, 1 to contact"]


def test_ignored_files_wake_nothing(vault: Path, start: Start) -> None:
    w = start(vault)
    for rel in [
        ".obsidian/workspace.json",
        ".trash/Jane Doe.md",
        ".git/index",
        ".netzmd/other",
        "contacts/.hidden.md",
        "contacts/Jane Doe.md~",
        "contacts/.Jane Doe.md.swp",
        "contacts/notes.txt",
        "Daily note.md",
    ]:
        path = vault / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\nname: [broken\n---\n", encoding="utf-8")
    w.settle()
    assert w.watcher.stats.events == 0
    assert w.watcher.stats.batches == 0  # its own write of the agenda note is no batch either
    assert w.lines[1:] == []


def test_cli_writes_while_watching(vault: Path, start: Start) -> None:
    """The watcher never writes a note and renders once per change, however often a netzmd
    command writes."""
    w = start(vault)
    note = vault / "contacts" / "Jane Doe.md"
    runner = CliRunner()
    for n in range(1, 6):
        task = f"task {n}"
        args = ["--vault", str(vault), "follow-up", "jane", "-m", task, "--due", f"2026-12-0{n}"]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        written = note.read_bytes(), note.stat().st_mtime_ns
        w.wait(lambda task=task: task in w.agenda(), f"{task} in the agenda")
        w.settle()
        assert (note.read_bytes(), note.stat().st_mtime_ns) == written
        assert w.watcher.stats.renders == 1 + n
        assert w.watcher.stats.batches == n
    assert len(w.said("updated Jane Doe.md")) == 5
    assert len(w.lines) == 6


def test_broken_note_reported_once_and_picked_up_when_fixed(vault: Path, start: Start) -> None:
    w = start(vault)
    note = vault / "contacts" / "Jane Doe.md"
    note.write_text("---\nname: Jane Doe\ncompany: Ba", encoding="utf-8")  # half-written
    w.wait_said("never closed")
    note.write_text("---\nname: [Jane\n---\n", encoding="utf-8")
    w.wait_said("contacts/Jane Doe.md:3: error: invalid YAML")
    note.write_text("---\nname: [Jane\n---\n\nmore text\n", encoding="utf-8")  # the same error
    w.wait_said("updated Jane Doe.md", 3)
    w.settle()
    assert len(w.said("error: invalid YAML")) == 1
    assert w.said("error:") == [
        "contacts/Jane Doe.md:1: error: front matter opened on line 1 is never closed with a "
        "'---' line",
        "contacts/Jane Doe.md:3: error: invalid YAML: did not find expected ',' or ']' (parsing "
        "a flow sequence from line 2)",
    ]
    assert "[[Jane Doe]]: send the slides" in w.agenda()  # the last good version meanwhile
    # ... and its Problems section says why (issue 10, item 3): rendered once per new error
    assert "## Problems\n\n- `contacts/Jane Doe.md:3` error: invalid YAML" in w.agenda()
    assert w.watcher.stats.renders == 3
    note.write_text(jane(task="fixed it"), encoding="utf-8")
    w.wait(lambda: "fixed it" in w.agenda(), "the fixed note in the agenda")
    w.wait_said("fixed contacts/Jane Doe.md")
    w.settle()
    assert "## Problems" not in w.agenda()
    assert w.watcher.stats.renders == 4
    assert len(w.said("fixed")) == 1


def test_midnight_renders_the_new_day(vault: Path, start: Start) -> None:
    clock = Clock(datetime(2026, 11, 27, 23, 59, 59))
    w = start(vault, clock=clock)
    assert w.agenda().startswith("# Agenda 2026-11-27 – 2026-12-11\n")
    w.settle()
    clock.at = datetime(2026, 11, 28, 0, 0, 1)
    w.wait(lambda: w.agenda().startswith("# Agenda 2026-11-28 – 2026-12-12\n"), "the new day")
    w.settle()
    assert w.lines[1:] == ["00:00:01 new day 2026-11-28 · agenda: 2 follow-ups, 1 to contact"]
    assert w.watcher.stats.renders == 2


def test_polling(vault: Path, start: Start) -> None:
    w = start(vault, poll=True, poll_seconds=0.05)
    assert w.watcher.mode == "polling"
    assert w.lines[0] == "12:00:00 polling every 0.05 s (--poll)"
    # saved atomically: a poll never sees a half-written note (that would be a render more)
    _temp_and_rename(vault / "contacts" / "Jane Doe.md", jane(task="polled").encode())
    w.wait(lambda: "polled" in w.agenda(), "the change, polled")
    (vault / "contacts" / "work" / "Max.md").unlink()
    w.wait_said("removed work/Max.md")
    w.settle()
    assert w.watcher.stats.renders == 3


def test_template_and_settings_changes(vault: Path, start: Start) -> None:
    (vault / "templates").mkdir()
    w = start(vault)
    template = vault / "templates" / "agenda.md.j2"
    template.write_text("Due: {{ follow_ups | length }}\n", encoding="utf-8")
    w.wait(lambda: w.agenda() == "Due: 2\n", "the vault's template")
    template.write_text("Due: {{ follow_ups | length }\n", encoding="utf-8")
    w.wait_said("error:")
    template.write_text("Due: {{ follow_ups | length }}!\n", encoding="utf-8")
    w.wait(lambda: w.agenda() == "Due: 2!\n", "the fixed template")
    w.wait_said("fixed the agenda template")
    (vault / "netzmd.toml").write_text('agenda_note = "Network.md"\n', encoding="utf-8")
    w.wait(lambda: (vault / "Network.md").exists(), "the agenda note named in netzmd.toml")
    (vault / "netzmd.toml").write_text("agenda_note = [\n", encoding="utf-8")
    w.wait_said("netzmd.toml:1: error:")
    w.settle()
    assert len(w.said("error:")) == 2
    assert [line for line in w.lines[1:] if " · " in line] == [
        "12:00:00 templates changed · agenda: 2 follow-ups, 1 to contact",
        "12:00:00 templates changed · agenda unchanged",
        "12:00:00 templates changed · agenda: 2 follow-ups, 1 to contact",
        "12:00:00 settings reloaded · agenda: 2 follow-ups, 1 to contact",
    ]


def test_an_edited_agenda_note_is_rendered_again(vault: Path, start: Start) -> None:
    w = start(vault)
    rendered = w.agenda()
    (vault / "Agenda.md").write_text("my own notes\n", encoding="utf-8")
    w.wait(lambda: w.agenda() == rendered, "the agenda note rendered again")
    w.settle()
    assert w.lines[1:] == [
        "12:00:00 Agenda.md was edited; rendered again · agenda: 2 follow-ups, 1 to contact"
    ]


# --- committing, in real git repositories ------------------------------------------------------

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


@pytest.fixture
def repo(vault: Path, git_env: Path) -> Path:
    """The vault as a git repository with the notes committed (on GIT_DATE), isolated from the
    developer's git configuration."""
    git(vault, "init", "-q", "-b", "main")
    git(vault, "config", "user.name", "Test")
    git(vault, "config", "user.email", "test@example.com")
    (vault / ".gitignore").write_text(".netzmd/\n", encoding="utf-8")
    (vault / "README.md").write_text("my network\n", encoding="utf-8")
    git(vault, "add", ".")
    git(vault, "commit", "-q", "-m", "start")
    return vault


def commits(repo: Path) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD"))


def last_commit(repo: Path) -> tuple[str, list[str]]:
    message = git(repo, "log", "-1", "--format=%B").strip()
    files = git(repo, "show", "--no-renames", "--name-status", "--format=", "HEAD").splitlines()
    return message, files


def committed_at(repo: Path) -> list[str]:
    """The author and committer date of the last commit."""
    return git(repo, "log", "-1", "--format=%aI%n%cI").split()


@needs_git
def test_commit_names_the_contact_and_what_changed(repo: Path, start: Start) -> None:
    (repo / "README.md").write_text("changed, not a note\n", encoding="utf-8")
    (repo / "contacts" / "photo.txt").write_text("not a note\n", encoding="utf-8")
    w = start(repo, commit=True, quiet_seconds=0.2)
    assert w.said("auto-commit: changed notes are committed after 0.2 s without edits")
    log = "- 2026-11-20 [lunch] Pasta Bar\n"
    (repo / "contacts" / "Jane Doe.md").write_text(jane("Bar", log=log), encoding="utf-8")
    w.wait(lambda: commits(repo) == 2, "the commit")
    message, files = last_commit(repo)
    assert message == "Jane Doe: company Foo → Bar; log +1"
    assert files == ["A\tAgenda.md", "M\tcontacts/Jane Doe.md"]
    w.wait(lambda: bool(w.said(":00 committed ")), "the commit line")
    (line,) = w.said(":00 committed ")
    assert line.startswith("12:00:00 committed ")
    assert line.endswith(" Jane Doe: company Foo → Bar; log +1")
    assert committed_at(repo) == [T0.astimezone().isoformat()] * 2  # the watcher's clock
    # Right after the commit the agenda note is rendered again: the committed job change is
    # News now. That edit of the agenda note rides along with the next commit.
    w.wait(lambda: "## News" in (repo / "Agenda.md").read_text(encoding="utf-8"), "the News")
    assert "[[Jane Doe]] moved from Foo to Bar" in (repo / "Agenda.md").read_text(encoding="utf-8")
    status = git(repo, "status", "--porcelain").splitlines()
    assert status == [" M Agenda.md", " M README.md", "?? contacts/photo.txt"]
    w.settle()
    assert commits(repo) == 2


@needs_git
def test_commit_of_several_contacts(repo: Path, start: Start) -> None:
    (repo / ".gitignore").write_text(".netzmd/\nAgenda.md\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "ignore the agenda")
    w = start(repo, commit=True, quiet_seconds=0.2)
    (repo / "contacts" / "Jane Doe.md").write_text(jane("Bar"), encoding="utf-8")
    (repo / "contacts" / "work" / "Max.md").unlink()
    (repo / "contacts" / "Zoë Müller.md").write_text(ZOE, encoding="utf-8")
    w.wait(lambda: commits(repo) == 3, "the commit")
    message, files = last_commit(repo)
    assert message == (
        "3 contacts changed: Jane Doe, Max Mustermann, Zoë Müller\n\n"
        "Jane Doe: company Foo → Bar\n"
        "Max Mustermann: deleted\n"
        "Zoë Müller: created"
    )
    assert files == [
        "M\tcontacts/Jane Doe.md",
        "A\tcontacts/Zoë Müller.md",
        "D\tcontacts/work/Max.md",
    ]
    assert git(repo, "status", "--porcelain") == ""


@needs_git
def test_commit_of_a_moved_and_edited_note(repo: Path, start: Start) -> None:
    w = start(repo, commit=True, quiet_seconds=0.2)
    (repo / "contacts" / "team").mkdir()
    os.rename(repo / "contacts" / "Jane Doe.md", repo / "contacts" / "team" / "Jane Doe.md")
    (repo / "contacts" / "team" / "Jane Doe.md").write_text(jane("Bar"), encoding="utf-8")
    w.wait(lambda: commits(repo) == 2, "the commit")
    message, files = last_commit(repo)
    assert message == "Jane Doe: renamed from contacts/Jane Doe.md; company Foo → Bar"
    assert files == ["A\tAgenda.md", "D\tcontacts/Jane Doe.md", "A\tcontacts/team/Jane Doe.md"]


@needs_git
def test_a_broken_note_is_not_committed_until_fixed(repo: Path, start: Start) -> None:
    w = start(repo, commit=True, quiet_seconds=0.2)
    (repo / "contacts" / "Jane Doe.md").write_text("---\nname: [Jane\n---\n", encoding="utf-8")
    (repo / "contacts" / "work" / "Max.md").write_text(MAX.replace("Acme", "Bcme"))
    w.wait(lambda: commits(repo) == 2, "the commit of the good note")
    assert last_commit(repo) == (
        "Max Mustermann: company Acme → Bcme",
        ["A\tAgenda.md", "M\tcontacts/work/Max.md"],
    )
    assert committed_at(repo) == [T0.astimezone().isoformat()] * 2
    assert w.said("not committed: contacts/Jane Doe.md has errors")
    (repo / "contacts" / "Jane Doe.md").write_text(jane("Baz"), encoding="utf-8")
    w.wait(lambda: commits(repo) == 3, "the commit of the fixed note")
    # The agenda note now has News of Max's committed job change, and rides along.
    assert last_commit(repo) == (
        "Jane Doe: company Foo → Baz",
        ["M\tAgenda.md", "M\tcontacts/Jane Doe.md"],
    )


@needs_git
def test_commit_from_a_vault_in_a_subfolder_of_the_repository(
    repo: Path, tmp_path: Path, start: Start
) -> None:
    outer = tmp_path / "notes"
    outer.mkdir()
    git(outer, "init", "-q", "-b", "main")
    git(outer, "config", "user.name", "Test")
    git(outer, "config", "user.email", "test@example.com")
    shutil.rmtree(repo / ".git")
    vault = outer / "network"
    repo.rename(vault)
    git(outer, "add", ".")
    git(outer, "commit", "-q", "-m", "start")
    w = start(vault, commit=True, quiet_seconds=0.2)
    (vault / "contacts" / "Jane Doe.md").write_text(jane("Bar"), encoding="utf-8")
    w.wait(lambda: commits(outer) == 2, "the commit")
    assert last_commit(outer) == (
        "Jane Doe: company Foo → Bar",
        ["A\tnetwork/Agenda.md", "M\tnetwork/contacts/Jane Doe.md"],
    )


def _lock_index(repo: Path) -> Callable[[], None]:
    lock = repo / ".git" / "index.lock"
    lock.write_bytes(b"")
    return lock.unlink


def _start_merge(repo: Path) -> Callable[[], None]:
    git(repo, "checkout", "-q", "-b", "other")
    (repo / "README.md").write_text("theirs\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "theirs")
    git(repo, "checkout", "-q", "main")
    (repo / "README.md").write_text("ours\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "ours")
    merge = subprocess.run(["git", "merge", "-q", "other"], cwd=repo, capture_output=True)
    assert merge.returncode != 0 and (repo / ".git" / "MERGE_HEAD").exists()

    def abort() -> None:
        git(repo, "merge", "--abort")

    return abort


@needs_git
@pytest.mark.parametrize(
    ("block", "reason"),
    [(_lock_index, "the git index is locked"), (_start_merge, "a merge is in progress")],
)
def test_no_commit_while_git_is_busy(
    repo: Path, start: Start, block: Callable[[Path], Callable[[], None]], reason: str
) -> None:
    unblock = block(repo)
    before = commits(repo)
    w = start(repo, commit=True, quiet_seconds=0.2)
    (repo / "contacts" / "Jane Doe.md").write_text(jane("Bar"), encoding="utf-8")
    w.wait_said(f"not committed: {reason}")
    assert commits(repo) == before
    unblock()
    w.wait(lambda: commits(repo) == before + 1, "the commit once git is free")
    assert last_commit(repo)[0] == "Jane Doe: company Foo → Bar"
    assert len(w.said("not committed")) == 1


@needs_git
def test_a_commit_on_a_detached_head_warns_that_it_is_on_no_branch(
    repo: Path, start: Start
) -> None:
    git(repo, "checkout", "-q", "--detach")
    w = start(repo, commit=True, quiet_seconds=0.2)
    (repo / "contacts" / "Jane Doe.md").write_text(jane("Bar"), encoding="utf-8")
    w.wait_said("warning: HEAD is detached")
    assert commits(repo) == 2
    assert w.said("warning:") == [
        "12:00:00 warning: HEAD is detached: the commit is on no branch and may be lost on the "
        "next checkout; keep it with: git switch -c NEW-BRANCH"
    ]


@needs_git
def test_without_git_installed_it_says_so(
    repo: Path, tmp_path: Path, start: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin-here"))
    w = start(repo, commit=True, quiet_seconds=0.2)
    assert w.lines[1] == "12:00:00 git is not installed: nothing will be committed"
    assert not w.said("not a git repository")


def test_outside_a_repository_it_says_so(vault: Path, git_env: Path, start: Start) -> None:
    w = start(vault, commit=True, quiet_seconds=0.2)
    assert w.lines[1] == "12:00:00 not a git repository: nothing will be committed"


@needs_git
def test_pending_changes_are_committed_on_stop(repo: Path, start: Start) -> None:
    w = start(repo, commit=True, quiet_seconds=60)
    (repo / "contacts" / "Jane Doe.md").write_text(jane("Bar"), encoding="utf-8")
    w.wait_said("updated Jane Doe.md")
    assert commits(repo) == 1
    w.watcher.stop()
    assert w.watcher.join(5)
    assert commits(repo) == 2
    assert last_commit(repo)[0] == "Jane Doe: company Foo → Bar"


@needs_git
def test_without_commit_nothing_is_committed(repo: Path, start: Start) -> None:
    w = start(repo, quiet_seconds=0.05)
    (repo / "contacts" / "Jane Doe.md").write_text(jane("Bar"), encoding="utf-8")
    w.wait_said("updated Jane Doe.md")
    w.watcher.stop()
    assert w.watcher.join(5)
    assert commits(repo) == 1


# --- the command -------------------------------------------------------------------------------


class Process:
    """``netzmd watch`` in a process of its own, its output read line by line."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            args,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise AssertionError(f"no {text!r} in the output: {self.lines}")
            time.sleep(0.01)

    def terminate(self, how: signal.Signals = signal.SIGTERM) -> int:
        self.proc.send_signal(how)
        try:
            return self.proc.wait(10)
        finally:
            self.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(5)
        assert self.proc.stdout is not None
        self.proc.stdout.close()


def _watch_command(vault: Path) -> list[str]:
    return [sys.executable, "-m", "netzmd", "--vault", str(vault), "watch"]


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_stops_it_cleanly(vault: Path, how: signal.Signals) -> None:
    proc = Process(_watch_command(vault), vault)
    proc.wait_for("watching")
    # The command runs on the real clock: a follow-up overdue since 2000 is on its agenda on
    # any day (one due in the test's 2026 is not, on a day years before).
    by_hand = jane(task="by hand").replace("📅 2026-11-30", "📅 2000-01-01")
    (vault / "contacts" / "Jane Doe.md").write_text(by_hand, encoding="utf-8")
    proc.wait_for("updated Jane Doe.md")
    assert proc.terminate(how) == 0
    assert proc.lines[-1] == "stopped"
    assert "by hand" in (vault / "Agenda.md").read_text(encoding="utf-8")
    assert not [p for p in vault.rglob("*") if "netzmd-tmp" in p.name]


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = "echo 1 > /proc/sys/user/max_inotify_watches"
    done = subprocess.run(["unshare", "-Ur", "sh", "-c", probe], capture_output=True)
    return done.returncode == 0


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or not _unshare_works(),
    reason="needs a user namespace whose inotify limit can be lowered (unshare -Ur)",
)
@pytest.mark.parametrize("limit", [0, 2])
def test_inotify_limit_falls_back_to_polling(vault: Path, limit: int) -> None:
    """A real limit, in a user namespace of its own: 0 watches fails at once; 2 are used up by
    the vault and contacts/, so watchdog silently skips contacts/work/a/."""
    (vault / "contacts" / "work" / "a").mkdir()
    shell = f'echo {limit} > /proc/sys/user/max_inotify_watches && exec "$@"'
    proc = Process(["unshare", "-Ur", "sh", "-c", shell, "sh", *_watch_command(vault)], vault)
    proc.wait_for("watching")
    assert any(
        "the inotify watch limit is reached" in line and "polling every 1 s instead" in line
        for line in proc.lines
    ), proc.lines
    (vault / "contacts" / "work" / "a" / "Zoë.md").write_text(ZOE, encoding="utf-8")
    proc.wait_for("added work/a/Zoë.md")
    assert proc.terminate() == 0


def test_help_and_usage_errors(vault: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["watch", "--help"], terminal_width=100)
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert "netzmd watch --commit --quiet-seconds 120" in result.output
    inside = str(vault / "contacts" / "Agenda.md")
    result = runner.invoke(main, ["--vault", str(vault), "watch", "--output", inside])
    assert result.exit_code == 2
    assert "inside contacts/" in result.stderr


def test_limit_message_says_how_to_raise_it() -> None:
    from netzmd.watch.observer import limit_reason

    assert "max_user_watches" in limit_reason(OSError(errno.ENOSPC, "x"))
    assert "max_user_instances" in limit_reason(OSError(errno.EMFILE, "x"))
