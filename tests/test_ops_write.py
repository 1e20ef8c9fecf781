"""A write command against the rest of the world: a program saving the note in place at the same
moment, notes netzmd may not replace (read-only, hard-linked, another owner's), temporary files a
killed write left behind, and several notes that are written all or none."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import MakeVault, Run, no_traceback

from netzmd.notes import atomic
from netzmd.notes.atomic import ChangedOnDisk, Pending

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-27"
SECOND = 1_000_000_000

JANE = "---\nname: Jane Doe\ncompany: Acme\n---\n\n## Log\n\n- 2026-10-01 [coffee] first coffee\n"
MAX = "---\nname: Max Mustermann\n---\n\nNotes about Max.\n"


@pytest.fixture
def vault(make_vault: MakeVault) -> Path:
    return make_vault({"contacts/Jane Doe.md": JANE, "contacts/Max.md": MAX})


def contacts(vault: Path) -> list[str]:
    return sorted(p.name for p in (vault / "contacts").iterdir())


@pytest.fixture
def settle(monkeypatch: pytest.MonkeyPatch) -> None:
    """The two-second rule at its real length (tests elsewhere run without it)."""
    monkeypatch.setattr(atomic, "SETTLE_NS", 2 * SECOND)


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


# --- 4. A note saved in place by another program at the same moment ----------------------------

WRITER = textwrap.dedent(
    """
    import os, sys, time
    path, marker, pause = sys.argv[1], sys.argv[2], float(sys.argv[3])
    data = sys.stdin.buffer.read()
    half = len(data) // 2
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC)  # what a shell's > does
    os.write(fd, data[:half])
    open(marker, "w").close()
    time.sleep(pause)
    os.write(fd, data[half:])
    os.close(fd)
    """
)

SAVED = (  # what the other program saves: long enough that its first half is a whole contact
    "---\nname: Jane Doe\ncompany: Acme\ncity: Köln\n---\n\n## Log\n\n"
    + "".join(f"- 2026-10-{day:02d} [call] call number {day}\n" for day in range(1, 29))
    + "\nThe last line of the note.\n"
)


@pytest.mark.usefixtures("settle", "git_env")
@pytest.mark.parametrize(
    ("command", "pause"),
    [
        (["set", "jane", "company", "Bar AG"], 0.05),
        (["set", "jane", "company", "Bar AG"], 0.5),
        (["set", "jane", "company", "Bar AG"], 1.0),
        (["log", "jane", "-m", "lunch", "--date", "2026-11-20", "--today", TODAY], 1.0),
    ],
)
def test_a_note_saved_in_place_meanwhile_is_never_committed_half(
    make_vault: MakeVault, run: Run, tmp_path: Path, command: list[str], pause: float
) -> None:
    """Another program saves the note in place (truncate, first half, a pause, second half)
    while the command runs: the command waits until the note is saved, edits the whole of it
    and commits that. Never the first half with the edit."""
    reference = make_vault({"contacts/Jane Doe.md": SAVED}, name="reference")
    assert run(reference, *command, "--no-commit").exit_code == 0
    expected = (reference / "contacts" / "Jane Doe.md").read_bytes()
    half = SAVED.encode("utf-8")[: len(SAVED.encode("utf-8")) // 2]
    assert b"\n---\n" in half and expected != SAVED.encode("utf-8")

    vault = make_vault({"contacts/Jane Doe.md": JANE})
    note = vault / "contacts" / "Jane Doe.md"
    git(vault, "init", "-q")
    git(vault, "config", "user.name", "Test Person")
    git(vault, "config", "user.email", "test@example.com")
    git(vault, "add", "-A")
    git(vault, "commit", "-q", "-m", "start")
    marker = tmp_path / "first half written"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(note), str(marker), str(pause)], stdin=subprocess.PIPE
    )
    try:
        assert writer.stdin is not None
        writer.stdin.write(SAVED.encode("utf-8"))
        writer.stdin.close()
        deadline = time.monotonic() + 20
        while not marker.exists():
            assert writer.poll() is None, "the writer ended before its first half"
            assert time.monotonic() < deadline, "the writer never wrote its first half"
            time.sleep(0.005)
        result = run(vault, *command)
    finally:
        writer.wait(timeout=20)
    assert writer.returncode == 0
    assert result.exit_code == 0, result.output
    assert note.read_bytes() == expected
    assert git(vault, "show", "HEAD:contacts/Jane Doe.md").encode("utf-8") == expected
    assert git(vault, "status", "--porcelain", "--", "contacts") == ""


class FakeClock:
    def __init__(self, now: int) -> None:
        self.now = now
        self.slept: list[float] = []

    def time_ns(self) -> int:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += round(seconds * SECOND)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The clock the command line's write path reads, injected."""
    fake = FakeClock(0)
    monkeypatch.setattr(atomic.SystemClock, "time_ns", lambda self: fake.time_ns())
    monkeypatch.setattr(atomic.SystemClock, "sleep", lambda self, seconds: fake.sleep(seconds))
    return fake


def last_change(path: Path) -> int:
    return atomic.Stamp.of(os.stat(path)).changed_ns


@pytest.mark.usefixtures("settle")
def test_commands_back_to_back_do_not_wait_for_what_netzmd_wrote(
    vault: Path, run: Run, clock: FakeClock
) -> None:
    """A script that runs commands one after the other stays fast: the note is in the state
    the previous command left it. Once another program writes to it, the next command waits."""
    note = vault / "contacts" / "Jane Doe.md"
    clock.now = last_change(note) + 3 * SECOND  # what the test wrote is long saved
    assert run(vault, "log", "jane", "max", "-m", "call", "--today", TODAY).exit_code == 0
    assert clock.slept == []
    clock.now = last_change(note) + SECOND // 10  # at once after netzmd's write
    assert run(vault, "set", "jane", "company", "Bar AG", "--no-commit").exit_code == 0
    assert run(vault, "log", "jane", "max", "-m", "mail", "--today", TODAY).exit_code == 0
    assert clock.slept == []
    with open(note, "ab") as f:  # another program appends a line in place
        f.write(b"typed elsewhere\n")
    clock.now = last_change(note) + SECOND // 10
    result = run(vault, "set", "jane", "role", "CTO", "--no-commit")
    assert result.exit_code == 0, result.output
    assert clock.slept == [1.9]
    assert result.stderr.count("waiting for contacts/Jane Doe.md: another program changed it") == 1
    text = note.read_text(encoding="utf-8")
    assert "role: CTO" in text and text.endswith("typed elsewhere\n")


@pytest.mark.usefixtures("settle")
def test_a_note_that_keeps_changing_is_refused_by_the_command(
    vault: Path, run: Run, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = vault / "contacts" / "Jane Doe.md"
    start = last_change(note)
    clock.now = start

    def keeps_writing(seconds: float) -> None:
        clock.sleep(seconds)
        with open(note, "ab") as f:
            f.write(b"x")
        os.utime(note, ns=(clock.now, clock.now))

    monkeypatch.setattr(atomic.SystemClock, "sleep", lambda self, seconds: keeps_writing(seconds))
    before = note.read_bytes()
    result = run(vault, "set", "jane", "company", "Bar AG")
    no_traceback(result)
    assert result.exit_code == 1
    assert (
        "contacts/Jane Doe.md is being changed by another program: it kept changing for the "
        "10 s netzmd waited for it to be saved; it was left as it is\n"
        "Run the command again once it is saved." in result.output
    )
    assert note.read_bytes().startswith(before) and b"Bar AG" not in note.read_bytes()
    assert contacts(vault) == ["Jane Doe.md", "Max.md"]


# --- 5. Permissions and links -------------------------------------------------------------


def test_a_read_only_note_is_refused(vault: Path, run: Run) -> None:
    """Even for root, who may write anything: the mode bits say "do not change"."""
    note = vault / "contacts" / "Jane Doe.md"
    note.chmod(0o444)
    result = run(vault, "set", "jane", "company", "Bar AG")
    no_traceback(result)
    assert result.exit_code == 1
    assert result.output.endswith(
        "contacts/Jane Doe.md is read-only (mode 0444); netzmd does not change a note that is "
        "not writable; nothing was written\n"
        "To change it, make it writable first: chmod u+w 'contacts/Jane Doe.md' (in the vault "
        "folder).\n"
    )
    assert note.read_text(encoding="utf-8") == JANE
    assert stat.S_IMODE(note.stat().st_mode) == 0o444
    assert contacts(vault) == ["Jane Doe.md", "Max.md"]


def test_one_read_only_note_stops_the_others_too(vault: Path, run: Run) -> None:
    (vault / "contacts" / "Max.md").chmod(0o400)
    result = run(vault, "log", "jane", "max", "-m", "lunch", "--today", TODAY, "--no-commit")
    assert result.exit_code == 1
    assert "contacts/Max.md is read-only (mode 0400)" in result.output
    assert (vault / "contacts" / "Jane Doe.md").read_text(encoding="utf-8") == JANE
    assert (vault / "contacts" / "Max.md").read_text(encoding="utf-8") == MAX


def test_a_hard_linked_note_keeps_its_link(vault: Path, run: Run, tmp_path: Path) -> None:
    """Replacing the note would split it from its other name; writing it in place cannot be
    atomic. netzmd refuses, and says how to go on."""
    note = vault / "contacts" / "Jane Doe.md"
    other = tmp_path / "Jane in the backup.md"
    os.link(note, other)
    result = run(vault, "set", "jane", "company", "Bar AG")
    no_traceback(result)
    assert result.exit_code == 1
    assert "contacts/Jane Doe.md has 2 hard links;" in result.output
    assert "nothing was written" in result.output
    assert "cp -p 'contacts/Jane Doe.md' 'contacts/Jane Doe.md.new'" in result.output
    assert os.path.samefile(note, other) and note.stat().st_nlink == 2
    assert note.read_text(encoding="utf-8") == JANE
    assert contacts(vault) == ["Jane Doe.md", "Max.md"]


def test_owner_group_and_mode_are_kept(vault: Path, run: Run) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a file to another user needs root")
    note = vault / "contacts" / "Jane Doe.md"
    os.chown(note, 1234, 5678)
    note.chmod(0o640)
    result = run(vault, "set", "jane", "company", "Bar AG", "--no-commit")
    assert result.exit_code == 0, result.output
    st = note.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (1234, 5678, 0o640)
    assert "company: Bar AG" in note.read_text(encoding="utf-8")


# --- 6. A temporary file left by a killed write ------------------------------------------------

GHOST = "---\nname: Ghost Person\ncompany: Nowhere\n---\n\n## Log\n\n- 2026-11-01 pasta\n"


def gone_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(done.stdout)


def temp_name(note_name: str, pid: int) -> str:
    return f".{note_name}.{pid}.{atomic._host()}-a1b2c3d4{atomic.TMP_SUFFIX}"


@pytest.mark.parametrize(
    "command",
    [
        ["list"],
        ["list", "--format", "json"],
        ["show", "jane"],
        ["search", "pasta"],
        ["agenda", "--today", TODAY],
        ["check"],
        ["set", "jane", "city", "Berlin", "--no-commit"],
    ],
)
def test_the_next_command_of_any_kind_removes_a_killed_writes_temp_file(
    vault: Path, run: Run, command: list[str]
) -> None:
    """Left by a netzmd of this machine that is gone: removed at once, wherever it is under
    contacts/, and never read as a contact."""
    pid = gone_pid()
    (vault / "contacts" / "team").mkdir()
    orphans = [
        vault / "contacts" / temp_name("Jane Doe.md", pid),
        vault / "contacts" / "team" / temp_name("Ghost Person.md", pid),
    ]
    for orphan in orphans:
        orphan.write_text(GHOST, encoding="utf-8")
    result = run(vault, *command)
    no_traceback(result)
    assert [o.name for o in orphans if o.exists()] == []
    assert "Ghost" not in result.output
    assert contacts(vault) == ["Jane Doe.md", "Max.md", "team"]


def test_a_real_killed_write_is_cleaned_up_by_list(vault: Path, run: Run) -> None:
    """kill -9 in the instant the temporary file has a name; then 'list'."""
    if not hasattr(os, "O_TMPFILE"):
        pytest.skip("no O_TMPFILE here")
    from test_notes_atomic import kill_mid

    note = vault / "contacts" / "Jane Doe.md"
    kill_mid(note, "replace", "unnamed")
    assert len(contacts(vault)) == 3
    result = run(vault, "list", "--format", "json")
    assert result.exit_code == 0, result.output
    assert contacts(vault) == ["Jane Doe.md", "Max.md"]
    assert note.read_text(encoding="utf-8") == JANE


def test_a_temp_file_of_a_running_write_is_left_alone_and_not_read(vault: Path, run: Run) -> None:
    running = vault / "contacts" / temp_name("Ghost Person.md", os.getppid())
    running.write_text(GHOST, encoding="utf-8")
    result = run(vault, "list")
    assert result.exit_code == 0 and "Ghost" not in result.output
    assert running.exists()
    assert "Ghost" not in run(vault, "search", "pasta").output
    assert "no contact matches" in run(vault, "show", "ghost").output


def test_the_temp_files_cost_no_second_listing_of_the_folder(
    vault: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep rides on the scan every command makes: a write lists contacts/ once."""
    folder = str(vault / "contacts")
    listed: list[str] = []
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        listed.append(os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = run(vault, "log", "jane", "max", "-m", "lunch", "--today", TODAY, "--no-commit")
    assert result.exit_code == 0, result.output
    assert listed.count(folder) == 1


# --- 6. Several notes: all or none ----------------------------------------------------------


def log_both(run: Run, vault: Path) -> Result:
    return run(vault, "log", "jane", "max", "-m", "lunch", "--today", TODAY, "--no-commit")


@pytest.fixture
def on_max(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[Callable[[Pending], None]], None]]:
    """``on_max(action)``: run ``action`` right before netzmd replaces Max's note (its first
    replace: putting a note back is not one of those)."""
    real_put = Pending.put
    actions: list[Callable[[Pending], None]] = []

    def put(self: Pending, expected: bytes | None, **kwargs: Any) -> atomic.Stamp:
        if self.path.name == "Max.md" and expected == MAX.encode() and actions:
            actions.pop()(self)
        return real_put(self, expected, **kwargs)

    monkeypatch.setattr(Pending, "put", put)
    yield actions.append


def test_a_note_changed_before_its_turn_puts_the_others_back(
    vault: Path, run: Run, on_max: Callable[[Callable[[Pending], None]], None]
) -> None:
    """Checked before the first replace, Max's note is saved by an editor just before its own:
    Jane's, written already, is put back as it was."""
    edited = MAX + "typed in an editor\n"
    on_max(lambda _: (vault / "contacts" / "Max.md").write_text(edited, encoding="utf-8"))
    result = log_both(run, vault)
    no_traceback(result)
    assert result.exit_code == 1
    assert result.output.endswith(
        "Max.md changed on disk after netzmd read it (saved in an editor?); it was left as it "
        "is, with that change; nothing was written (contacts/Jane Doe.md put back as it was)\n"
        "Run the command again to apply it to the new version.\n"
    )
    assert (vault / "contacts" / "Jane Doe.md").read_text(encoding="utf-8") == JANE
    assert (vault / "contacts" / "Max.md").read_text(encoding="utf-8") == edited
    assert contacts(vault) == ["Jane Doe.md", "Max.md"]


def test_a_full_disk_puts_the_others_back_without_writing_anything(
    vault: Path,
    run: Run,
    on_max: Callable[[Callable[[Pending], None]], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Max's note cannot be replaced, and from then on no byte can be written: putting Jane's
    back uses the copy made before the first replace."""

    def disk_full(*args: Any) -> int:
        raise OSError(28, "No space left on device")

    def fails(_: Pending) -> None:
        monkeypatch.setattr(os, "write", disk_full)
        raise OSError(28, "No space left on device")

    on_max(fails)
    result = log_both(run, vault)
    no_traceback(result)
    assert result.exit_code == 1
    assert result.output.endswith(
        "cannot write contacts/Max.md: No space left on device; nothing was written "
        "(contacts/Jane Doe.md put back as it was)\n"
    )
    assert (vault / "contacts" / "Jane Doe.md").read_text(encoding="utf-8") == JANE
    assert (vault / "contacts" / "Max.md").read_text(encoding="utf-8") == MAX
    assert contacts(vault) == ["Jane Doe.md", "Max.md"]


def test_ctrl_c_between_two_notes_puts_the_first_back(
    vault: Path, run: Run, on_max: Callable[[Callable[[Pending], None]], None]
) -> None:
    def interrupt(_: Pending) -> None:
        raise KeyboardInterrupt

    on_max(interrupt)
    result = log_both(run, vault)
    assert result.exit_code != 0
    assert (vault / "contacts" / "Jane Doe.md").read_text(encoding="utf-8") == JANE
    assert (vault / "contacts" / "Max.md").read_text(encoding="utf-8") == MAX
    assert contacts(vault) == ["Jane Doe.md", "Max.md"]


def test_a_note_changed_again_after_netzmd_wrote_it_is_not_put_back(
    vault: Path, run: Run, on_max: Callable[[Callable[[Pending], None]], None]
) -> None:
    """Putting back is compare-and-swap too: an edit made to Jane's note in between survives,
    and the message says that Jane's note was not put back."""
    jane = vault / "contacts" / "Jane Doe.md"
    theirs = JANE + "typed right after netzmd wrote\n"

    def both(_: Pending) -> None:
        jane.write_text(theirs, encoding="utf-8")
        raise ChangedOnDisk("Max.md changed on disk")

    on_max(both)
    result = log_both(run, vault)
    no_traceback(result)
    assert result.exit_code == 1
    assert (
        "Max.md changed on disk; already written and changed again since, so not put back: "
        "contacts/Jane Doe.md" in result.output
    )
    assert jane.read_text(encoding="utf-8") == theirs
    assert (vault / "contacts" / "Max.md").read_text(encoding="utf-8") == MAX
    assert contacts(vault) == ["Jane Doe.md", "Max.md"]


def test_several_notes_written_in_full_say_what_they_did(vault: Path, run: Run) -> None:
    result = log_both(run, vault)
    assert result.exit_code == 0, result.output
    for name in ("Jane Doe.md", "Max.md"):
        assert f"{TODAY} lunch" in (vault / "contacts" / name).read_text(encoding="utf-8")
    assert contacts(vault) == ["Jane Doe.md", "Max.md"]


def test_temporary_names_say_whose_they_are() -> None:
    """The name carries the process and this machine's tag, so that a sweep can trust the
    process id; and the scan knows the suffix without importing the write path."""
    from netzmd import vault

    name = os.path.basename(atomic._temp_name(Path("/x/Jane Doe.md")))
    match = atomic._TMP_NAME.match(name)
    assert match is not None and atomic.is_temp_name(name)
    assert (match["name"], match["host"], int(match["pid"])) == (
        "Jane Doe.md",
        atomic._host(),
        os.getpid(),
    )
    assert vault.TEMP_SUFFIX == atomic.TMP_SUFFIX


# --- 7. Deleting a note, all or none with the others -------------------------------------------


def removal_plan(vault: Path, *, jane_after: str | None = None) -> Any:
    """A plan that rewrites Jane's note (when ``jane_after`` is given) and deletes Max's."""
    from netzmd.ops.write import Change, Plan

    jane, mx = vault / "contacts" / "Jane Doe.md", vault / "contacts" / "Max.md"
    changes = []
    if jane_after is not None:
        changes.append(Change("contacts/Jane Doe.md", jane, JANE.encode(), jane_after.encode()))
    changes.append(Change.removal("contacts/Max.md", mx, MAX.encode(), ["deleted Max"]))
    return Plan(changes, "tidy")


def test_a_deletion_is_written_with_the_other_changes(vault: Path) -> None:
    from netzmd.ops.write import write

    plan = removal_plan(vault, jane_after=JANE + "- 2026-11-27 merged\n")
    assert [c.changed for c in plan.changes] == [True, True]
    written = write(plan)
    assert [c.rel for c in written] == ["contacts/Jane Doe.md", "contacts/Max.md"]
    assert contacts(vault) == ["Jane Doe.md"]  # nothing moved aside is left behind
    assert (vault / "contacts" / "Jane Doe.md").read_text("utf-8").endswith("merged\n")


def test_the_diff_of_a_deletion_ends_in_dev_null(vault: Path) -> None:
    from netzmd.ops.write import Change, diff

    plan = removal_plan(vault)
    assert diff(plan.real) == (
        "--- a/contacts/Max.md\n+++ /dev/null\n@@ -1,5 +0,0 @@\n"
        "----\n-name: Max Mustermann\n----\n-\n-Notes about Max.\n"
    )
    empty = Change.removal("contacts/Empty.md", vault / "contacts" / "Empty.md", b"")
    assert diff([empty]) == "--- a/contacts/Empty.md\n+++ /dev/null\n"
    assert contacts(vault) == ["Jane Doe.md", "Max.md"]


def test_a_note_to_delete_that_changed_meanwhile_stops_everything(vault: Path) -> None:
    from netzmd.ops.write import write

    edited = MAX + "typed in an editor\n"
    plan = removal_plan(vault, jane_after=JANE + "more\n")
    (vault / "contacts" / "Max.md").write_text(edited, encoding="utf-8")
    with pytest.raises(ChangedOnDisk, match=r"Max\.md changed on disk"):
        write(plan)
    assert (vault / "contacts" / "Max.md").read_text(encoding="utf-8") == edited
    assert (vault / "contacts" / "Jane Doe.md").read_text(encoding="utf-8") == JANE
    assert contacts(vault) == ["Jane Doe.md", "Max.md"]


def test_a_deleted_note_is_put_back_when_a_later_change_fails(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deleted first, then the next note cannot be written: the deleted one comes back as the
    very file it was (inode, mode, bytes), not a copy."""
    from netzmd.ops.write import Change, Plan, write

    mx = vault / "contacts" / "Max.md"
    mx.chmod(0o640)
    before = os.stat(mx)
    jane = vault / "contacts" / "Jane Doe.md"
    plan = Plan(
        [
            Change.removal("contacts/Max.md", mx, MAX.encode()),
            Change("contacts/Jane Doe.md", jane, JANE.encode(), b"new\n"),
        ],
        "tidy",
    )
    real_put = Pending.put

    def put(self: Pending, expected: bytes | None, **kwargs: Any) -> atomic.Stamp:
        if self.path == jane and expected == JANE.encode():
            jane.write_text(JANE + "saved meanwhile\n", encoding="utf-8")
        return real_put(self, expected, **kwargs)

    monkeypatch.setattr(Pending, "put", put)
    with pytest.raises(ChangedOnDisk, match=r"nothing was written \(contacts/Max.md put back"):
        write(plan)
    after = os.stat(mx)
    assert (after.st_ino, stat.S_IMODE(after.st_mode)) == (before.st_ino, 0o640)
    assert mx.read_text(encoding="utf-8") == MAX
    assert contacts(vault) == ["Jane Doe.md", "Max.md"]


def test_a_note_written_to_while_it_is_moved_aside_is_put_back(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked, then saved by another program in the instant before the move: the moved file
    is read once more, and put back."""
    from netzmd.ops.write import write

    mx = vault / "contacts" / "Max.md"
    edited = MAX + "saved in that instant\n"
    real_rename = os.rename

    def rename(src: Any, dst: Any) -> None:
        if Path(src) == mx:
            mx.write_text(edited, encoding="utf-8")
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(ChangedOnDisk, match=r"Max\.md changed on disk after netzmd read it"):
        write(removal_plan(vault))
    assert mx.read_text(encoding="utf-8") == edited
    assert contacts(vault) == ["Jane Doe.md", "Max.md"]


def test_a_read_only_note_is_not_deleted(vault: Path) -> None:
    from netzmd.notes.atomic import NotWritable
    from netzmd.ops.write import write

    mx = vault / "contacts" / "Max.md"
    mx.chmod(0o444)
    try:
        if os.geteuid() == 0:
            mx.chmod(0o000)  # root may write anything that has a write bit at all
        with pytest.raises(NotWritable, match="netzmd does not delete a note that is not"):
            write(removal_plan(vault, jane_after=JANE + "more\n"))
    finally:
        mx.chmod(0o644)
    assert mx.read_text(encoding="utf-8") == MAX
    assert (vault / "contacts" / "Jane Doe.md").read_text(encoding="utf-8") == JANE


def test_a_hard_linked_note_may_be_deleted(vault: Path, tmp_path: Path) -> None:
    """Deleting one name of a file splits nothing: the other name keeps the text."""
    from netzmd.ops.write import write

    other = tmp_path / "elsewhere.md"
    os.link(vault / "contacts" / "Max.md", other)
    write(removal_plan(vault))
    assert contacts(vault) == ["Jane Doe.md"]
    assert other.read_text(encoding="utf-8") == MAX


def test_many_changes_are_synced_at_once_and_still_all_or_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past DURABLE_EACH files (an import) no file is fsynced on its own: one sync of all before
    the first rename, one fsync per folder after the last. A failure half way still puts every
    note back."""
    from netzmd.ops import write as w

    folder = tmp_path / "contacts"
    folder.mkdir()
    count = w.DURABLE_EACH + 4
    paths = [folder / f"P{n:02}.md" for n in range(count)]
    for p in paths:
        p.write_text(f"note {p.name}\n", encoding="utf-8")

    def plan() -> w.Plan:
        return w.Plan(
            [
                w.Change(f"contacts/{p.name}", p, p.read_bytes(), p.read_bytes() + b"more\n")
                for p in paths
            ],
            "import",
        )

    calls = {"fsync": 0, "sync": 0}
    real_fsync, real_sync = os.fsync, os.sync

    def fsync(fd: int) -> None:
        calls["fsync"] += 1
        real_fsync(fd)

    def sync() -> None:
        calls["sync"] += 1
        real_sync()

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "sync", sync)
    written = w.write(plan())
    assert len(written) == count and calls == {"fsync": 1, "sync": 1}  # one folder
    assert all(p.read_text(encoding="utf-8").endswith("more\n") for p in paths)

    real_put = Pending.put
    last = paths[-1]

    def put(self: Pending, expected: bytes | None, **kwargs: Any) -> atomic.Stamp:
        if self.path == paths[count // 2]:
            last.write_text("saved meanwhile\n", encoding="utf-8")
        return real_put(self, expected, **kwargs)

    before = {p: p.read_bytes() for p in paths}
    second = plan()
    monkeypatch.setattr(Pending, "put", put)
    with pytest.raises(ChangedOnDisk, match="nothing was written"):
        w.write(second)
    assert {p: p.read_bytes() for p in paths[:-1]} == {p: before[p] for p in paths[:-1]}
    assert last.read_text(encoding="utf-8") == "saved meanwhile\n"
    assert sorted(p.name for p in folder.iterdir()) == [p.name for p in paths]
