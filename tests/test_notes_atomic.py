"""Atomic writes with compare-and-swap: faults at every step, a process killed mid-write, and a
note changed between netzmd's read and its replace."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import MakeVault

from netzmd.cli import main
from netzmd.notes import atomic
from netzmd.notes.atomic import ChangedOnDisk, Pending, replace_if_unchanged, sweep, write_atomic

OLD = b"---\nname: Jane Doe\ncompany: Acme\n---\n\nold body\n"
NEW = b"---\nname: Jane Doe\ncompany: Bar AG\n---\n\nnew body\n"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["unnamed", "named"])
def temp_kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run each test with Linux's unnamed temporary files and with the named fallback."""
    if request.param == "named":
        monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    elif not hasattr(os, "O_TMPFILE"):
        pytest.skip("no O_TMPFILE here")
    return str(request.param)


@pytest.fixture
def note(tmp_path: Path) -> Path:
    folder = tmp_path / "contacts"
    folder.mkdir()
    path = folder / "Jane Doe.md"
    path.write_bytes(OLD)
    path.chmod(0o640)
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "Jane Doe.md")


def test_replace_writes_and_keeps_the_permission_bits(note: Path, temp_kind: str) -> None:
    replace_if_unchanged(note, OLD, NEW)
    assert note.read_bytes() == NEW
    assert stat.S_IMODE(note.stat().st_mode) == 0o640
    assert leftovers(note.parent) == []


def test_a_new_file_gets_the_umask_mode(tmp_path: Path, temp_kind: str) -> None:
    target = tmp_path / "new.md"
    old_umask = os.umask(0o027)
    try:
        replace_if_unchanged(target, None, NEW)
    finally:
        os.umask(old_umask)
    assert target.read_bytes() == NEW
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.md"]


def test_write_atomic_overwrites_whatever_is_there(note: Path, temp_kind: str) -> None:
    write_atomic(note, NEW)
    assert note.read_bytes() == NEW
    assert leftovers(note.parent) == []


def _fail_once(real: Callable[..., Any], exc: BaseException) -> Callable[..., Any]:
    calls = {"n": 0}

    def fake(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise exc
        return real(*args, **kwargs)

    return fake


@pytest.mark.parametrize("step", ["write", "fsync", "fchmod", "replace", "link"])
@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_fault_at_any_step_leaves_the_old_note_and_no_temp_file(
    note: Path, temp_kind: str, monkeypatch: pytest.MonkeyPatch, step: str, exc: BaseException
) -> None:
    if step == "link" and temp_kind == "named":
        step = "replace"  # the named fallback does not link
    monkeypatch.setattr(os, step, _fail_once(getattr(os, step), exc))
    if step == "link" and isinstance(exc, OSError):
        # a system that cannot link the unnamed file falls back to a named one: written all same
        replace_if_unchanged(note, OLD, NEW)
        assert note.read_bytes() == NEW
    else:
        with pytest.raises(type(exc)):
            replace_if_unchanged(note, OLD, NEW)
        assert note.read_bytes() == OLD
    monkeypatch.undo()
    assert leftovers(note.parent) == []
    assert stat.S_IMODE(note.stat().st_mode) == 0o640


# --- A process killed mid-write ------------------------------------------------------------


CHILD = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from netzmd.notes import atomic

    path, marker, where, kind = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
    if kind == "named":
        del os.O_TMPFILE
    real = getattr(os, where)

    def hang(*args, **kwargs):
        if where == "write":  # write half of the data, then hang
            fd, data = args
            real(fd, bytes(data[: len(data) // 2]))
        marker.write_text(str(os.getpid()))
        time.sleep(60)

    setattr(os, where, hang)
    atomic.replace_if_unchanged(path, path.read_bytes(), b"x" * 1_000_000)
    """
)


def kill_mid(note: Path, where: str, kind: str) -> None:
    marker = note.parent.parent / "marker"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(note), str(marker), where, kind], env=env
    )
    try:
        deadline = time.monotonic() + 20
        while not marker.exists():
            assert child.poll() is None, "the child ended before it reached the hang"
            assert time.monotonic() < deadline, "the child never reached the hang"
            time.sleep(0.01)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL


@pytest.mark.parametrize("where", ["write", "fsync"])
def test_sigkill_while_writing_leaves_the_old_note_and_nothing_else(note: Path, where: str) -> None:
    if not hasattr(os, "O_TMPFILE"):
        pytest.skip("no O_TMPFILE here")
    kill_mid(note, where, "unnamed")
    assert note.read_bytes() == OLD
    assert leftovers(note.parent) == []


@pytest.mark.parametrize(("where", "kind"), [("replace", "unnamed"), ("fsync", "named")])
def test_sigkill_with_a_named_temp_file_is_swept_by_the_next_write(
    note: Path, where: str, kind: str
) -> None:
    """Killed while the temporary file has a name (the instant before the rename; all along
    without O_TMPFILE): the note is intact, and the next write to the folder removes the
    orphan: its name says that a process of this machine made it, and that one is gone."""
    kill_mid(note, where, kind)
    assert note.read_bytes() == OLD
    orphans = leftovers(note.parent)
    assert len(orphans) == 1 and orphans[0].endswith(atomic.TMP_SUFFIX)
    assert atomic.is_temp_name(orphans[0])
    replace_if_unchanged(note, OLD, NEW)
    assert leftovers(note.parent) == []
    assert note.read_bytes() == NEW


def dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(done.stdout)


def test_sweep_removes_only_orphans_of_dead_processes(tmp_path: Path) -> None:
    """Names of this machine: removed as soon as their process is gone. Names without a
    machine (an older netzmd) or of another machine (a shared folder, whose process ids mean
    nothing here): only once they are a minute old, the time a write takes at the very most."""
    dead, here, elsewhere = dead_pid(), atomic._host(), "0badc0de"
    assert here != elsewhere
    t = atomic.TMP_SUFFIX
    names = {
        "orphan": f".Jane Doe.md.{dead}.{here}-a1b2c3d4{t}",
        "alive": f".Jane Doe.md.{os.getppid()}.{here}-a1b2c3d4{t}",
        "mine": f".Jane Doe.md.{os.getpid()}.{here}-a1b2c3d4{t}",
        "old-orphan": f".Max.md.{dead}.a1b2c3d4{t}",
        "old-alive": f".Max.md.{os.getppid()}.a1b2c3d4{t}",
        "young-old-orphan": f".Zoe.md.{dead}.a1b2c3d4{t}",
        "elsewhere-old": f".Ada.md.{os.getppid()}.{elsewhere}-a1b2c3d4{t}",
        "elsewhere-young": f".Bo.md.{dead}.{elsewhere}-a1b2c3d4{t}",
        "other": ".obsidian-tmp",
        "note": "Jane Doe.md",
        "like-ours": f"Jane Doe.md.{dead}.a1b2c3d4{t}",  # not hidden: not ours
    }
    now = 1_800_000_000.0
    for key, name in names.items():
        (tmp_path / name).write_bytes(b"x")
        at = now - (10 if "young" in key else 3600)
        os.utime(tmp_path / name, (at, at))
    removed = sweep(tmp_path, now=now)
    gone = {"orphan", "old-orphan", "elsewhere-old"}
    assert sorted(p.name for p in removed) == sorted(names[k] for k in gone)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        v for k, v in names.items() if k not in gone
    )


# --- Compare and swap ----------------------------------------------------------------------


def test_a_change_between_read_and_replace_is_kept(note: Path, temp_kind: str) -> None:
    pending = Pending(note, NEW)
    edited = OLD.replace(b"old body", b"what the person typed meanwhile")
    note.write_bytes(edited)  # an editor saves
    with pytest.raises(ChangedOnDisk, match="changed on disk"):
        pending.put(OLD)
    assert note.read_bytes() == edited
    assert leftovers(note.parent) == []


def test_a_file_deleted_meanwhile_is_not_recreated(note: Path, temp_kind: str) -> None:
    with Pending(note, NEW) as pending:
        note.unlink()
        with pytest.raises(ChangedOnDisk, match="deleted or renamed"):
            pending.put(OLD)
    assert not note.exists()
    assert leftovers(note.parent) == []


def test_a_symlink_put_in_place_meanwhile_is_not_written_through(
    note: Path, temp_kind: str, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_bytes(OLD)
    with Pending(note, NEW) as pending:
        note.unlink()
        note.symlink_to(elsewhere)
        with pytest.raises(ChangedOnDisk, match="symlink"):
            pending.put(OLD)
    assert note.is_symlink() and elsewhere.read_bytes() == OLD


def test_a_new_file_made_by_someone_else_meanwhile_survives(tmp_path: Path, temp_kind: str) -> None:
    target = tmp_path / "new.md"
    with Pending(target, NEW) as pending:
        target.write_bytes(b"theirs\n")
        with pytest.raises(ChangedOnDisk, match="created by something else"):
            pending.put(None)
    assert target.read_bytes() == b"theirs\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.md"]


@pytest.fixture
def vault(make_vault: MakeVault) -> Path:
    return make_vault({"contacts/Jane Doe.md": OLD.decode("utf-8")})


def test_the_command_refuses_when_an_editor_saved_meanwhile(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race through the whole command: the note changes after netzmd read it (here: while
    it prepares the new file); netzmd stops with exit 1 and the person's edit survives."""
    note = vault / "contacts" / "Jane Doe.md"
    edited = OLD.replace(b"old body", b"typed in Obsidian")
    real_init = Pending.__init__

    def editor_saves(self: Pending, path: Path, data: bytes, **kwargs: Any) -> None:
        note.write_bytes(edited)
        real_init(self, path, data, **kwargs)

    monkeypatch.setattr(Pending, "__init__", editor_saves)
    result = CliRunner().invoke(
        main, ["--vault", str(vault), "set", "jane", "company", "Bar AG", "--no-commit"]
    )
    assert result.exit_code == 1, result.output
    assert "changed on disk after netzmd read it" in result.output
    assert "Traceback" not in result.output
    assert note.read_bytes() == edited
    assert sorted(p.name for p in note.parent.iterdir()) == ["Jane Doe.md"]


def test_several_notes_are_all_checked_before_the_first_is_replaced(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`log` with two people: the second note changes meanwhile; neither note is written."""
    other = vault / "contacts" / "Max Mustermann.md"
    other.write_bytes(b"---\nname: Max Mustermann\n---\n")
    jane = vault / "contacts" / "Jane Doe.md"
    real_init = Pending.__init__
    seen: list[Path] = []

    def saves_max(self: Pending, path: Path, data: bytes, **kwargs: Any) -> None:
        real_init(self, path, data, **kwargs)
        seen.append(path)
        if len(seen) == 2:
            other.write_bytes(b"---\nname: Max Mustermann\ncity: Hamburg\n---\n")

    monkeypatch.setattr(Pending, "__init__", saves_max)
    result = CliRunner().invoke(
        main, ["--vault", str(vault), "log", "jane", "max", "-m", "lunch", "--no-commit"]
    )
    assert result.exit_code == 1, result.output
    assert "changed on disk" in result.output
    assert jane.read_bytes() == OLD
    assert other.read_bytes() == b"---\nname: Max Mustermann\ncity: Hamburg\n---\n"
    assert sorted(p.name for p in jane.parent.iterdir()) == ["Jane Doe.md", "Max Mustermann.md"]


def test_a_new_file_on_a_file_system_without_hard_links(
    tmp_path: Path, temp_kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*args: Any, **kwargs: Any) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "new.md"
    replace_if_unchanged(target, None, NEW)
    assert target.read_bytes() == NEW
    with pytest.raises(ChangedOnDisk, match="created by something else"):
        replace_if_unchanged(target, None, OLD)
    assert target.read_bytes() == NEW
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.md"]


def test_add_makes_the_contacts_folder(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "netzmd.toml").write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["--vault", str(vault), "add", "Jane", "--no-commit"])
    assert result.exit_code == 0, result.output
    assert (vault / "contacts" / "Jane.md").is_file()


# --- What was read is the bytes and the stat ----------------------------------------------


def stamp(path: Path) -> atomic.Stamp:
    return atomic.Stamp.of(os.stat(path))


def test_the_same_bytes_saved_again_meanwhile_are_noticed(note: Path, temp_kind: str) -> None:
    """Another program rewrote the note in place with the very bytes netzmd read (its mtime
    moved): the bytes alone cannot tell, the stat does; netzmd refuses rather than guess."""
    seen = stamp(note)
    with Pending(note, NEW) as pending:
        with open(note, "r+b") as f:
            f.write(OLD)
        later = seen.mtime_ns + 5_000_000_000
        os.utime(note, ns=(later, later))
        with pytest.raises(ChangedOnDisk, match="written to by another program"):
            pending.put(OLD, seen=seen)
    assert note.read_bytes() == OLD
    assert leftovers(note.parent) == []


def test_a_note_replaced_by_a_copy_of_itself_meanwhile_is_noticed(
    note: Path, temp_kind: str
) -> None:
    """Same bytes, another file (a sync client's rename): another inode."""
    seen = stamp(note)
    copy = note.with_name("copy.md")
    copy.write_bytes(OLD)
    os.replace(copy, note)
    assert stamp(note).ino != seen.ino
    with pytest.raises(ChangedOnDisk, match="written to by another program"):
        replace_if_unchanged(note, OLD, NEW, seen=seen)
    assert note.read_bytes() == OLD
    assert leftovers(note.parent) == []


def test_an_unchanged_stat_writes_and_returns_the_new_files_stamp(
    note: Path, temp_kind: str
) -> None:
    written = replace_if_unchanged(note, OLD, NEW, seen=stamp(note))
    assert note.read_bytes() == NEW
    assert written == stamp(note)  # the state netzmd left it in, after the rename


# --- A note is read once it is saved: the two-second rule, with an injected clock -----------

SECOND = 1_000_000_000
SETTLE = 2 * SECOND


class FakeClock:
    """Starts at ``now``; ``sleep`` moves it on, records how long, and then runs ``during``
    (what another program does meanwhile)."""

    def __init__(self, now: int, during: Callable[[FakeClock], None] | None = None) -> None:
        self.now = now
        self.slept: list[float] = []
        self.during = during

    def time_ns(self) -> int:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += round(seconds * SECOND)
        if self.during is not None:
            self.during(self)


def changed_at(path: Path, when: int) -> None:
    """Give ``path`` the mtime ``when``: the time of a write, on the injected clock's scale
    (which starts at the file's own last change, its ctime, and moves on from there)."""
    os.utime(path, ns=(when, when))


def last_change(path: Path) -> int:
    return stamp(path).changed_ns


@pytest.mark.parametrize(
    ("changed", "steady_since", "now", "wait"),
    [
        (0, 0, 0, SETTLE),  # just changed
        (0, 0, SETTLE - 1, 1),
        (0, 0, SETTLE, 0),  # two seconds ago: saved
        (0, 10 * SETTLE, 10 * SETTLE, 0),  # long ago, first seen now
        (10 * SETTLE, 0, SECOND, SECOND),  # a time in the future: seen unchanged 1 s so far
        (10 * SETTLE, 0, SETTLE, 0),  # ... and for 2 s: saved
    ],
)
def test_the_settle_rule(changed: int, steady_since: int, now: int, wait: int) -> None:
    st = atomic.Stamp(1, 2, 3, changed, changed - 5)
    assert atomic.settle_wait(st, now, steady_since, SETTLE) == wait


def test_a_note_changed_a_moment_ago_is_read_once_it_is_saved(note: Path) -> None:
    clock = FakeClock(last_change(note) + SECOND // 2)
    data, st = atomic.read_settled(note, "contacts/Jane Doe.md", clock=clock, settle_ns=SETTLE)
    assert clock.slept == [1.5]
    assert data == OLD and atomic.Stamp.of(st) == stamp(note)


def test_a_save_in_two_chunks_is_read_whole(note: Path) -> None:
    """The first half is on disk and unchanged for a moment; the second half comes while
    netzmd waits: netzmd reads the note whole, two seconds after the second chunk."""
    with open(note, "wb") as f:
        f.write(NEW[:20])

    def second_chunk(clock: FakeClock) -> None:
        if len(clock.slept) == 1:
            with open(note, "r+b") as f:
                f.seek(20)
                f.write(NEW[20:])
            changed_at(note, clock.now - SECOND // 10)

    clock = FakeClock(last_change(note) + SECOND // 2, second_chunk)
    heard: list[str] = []
    data, _ = atomic.read_settled(
        note, "contacts/Jane Doe.md", clock=clock, settle_ns=SETTLE, on_wait=heard.append
    )
    assert data == NEW
    assert clock.slept == [1.5, 1.9]
    assert heard == ["waiting for contacts/Jane Doe.md: another program changed it a moment ago"]


def test_a_note_that_keeps_changing_is_refused(note: Path) -> None:
    def keeps_writing(clock: FakeClock) -> None:
        with open(note, "ab") as f:
            f.write(b"more\n")
        changed_at(note, clock.now - SECOND // 10)

    start = last_change(note)
    clock = FakeClock(start, keeps_writing)
    with pytest.raises(atomic.StillChanging) as caught:
        atomic.read_settled(note, "contacts/Jane Doe.md", clock=clock, settle_ns=SETTLE)
    assert str(caught.value) == (
        "contacts/Jane Doe.md is being changed by another program: it kept changing for the "
        "10 s netzmd waited for it to be saved; it was left as it is\n"
        "Run the command again once it is saved."
    )
    assert isinstance(caught.value, ChangedOnDisk)
    assert clock.now - start <= atomic.WAIT_LIMIT_NS


def test_a_file_time_in_the_future_costs_one_wait_not_a_refusal(note: Path) -> None:
    """A clock that is off (a network drive) or a program that set the mtime: netzmd watches
    the file for two seconds instead."""
    now = last_change(note)
    changed_at(note, now + 3600 * SECOND)
    clock = FakeClock(now)
    data, _ = atomic.read_settled(note, "contacts/Jane Doe.md", clock=clock, settle_ns=SETTLE)
    assert (data, clock.slept) == (OLD, [2.0])


def test_a_note_in_the_state_netzmd_left_it_is_read_at_once(tmp_path: Path, note: Path) -> None:
    record = atomic.Written(tmp_path / ".netzmd" / "written.json")
    written = replace_if_unchanged(note, OLD, NEW)
    record.remember([("contacts/Jane Doe.md", NEW, written)])

    def ours(data: bytes, st: atomic.Stamp) -> bool:
        return record.ours("contacts/Jane Doe.md", data, st)

    clock = FakeClock(written.changed_ns + SECOND // 10)
    data, _ = atomic.read_settled(note, "x", clock=clock, ours=ours, settle_ns=SETTLE)
    assert (data, clock.slept) == (NEW, [])
    # another program writes to it in place, even the same bytes: that is not ours any more
    with open(note, "r+b") as f:
        f.write(NEW)
    changed_at(note, written.changed_ns + SECOND // 20)
    clock = FakeClock(written.changed_ns + SECOND // 10)
    data, _ = atomic.read_settled(note, "x", clock=clock, ours=ours, settle_ns=SETTLE)
    assert data == NEW and clock.slept == [1.95]


def test_the_record_of_what_netzmd_wrote_keeps_only_recent_states(tmp_path: Path) -> None:
    record = atomic.Written(tmp_path / "cache" / "written.json")
    old = atomic.Stamp(1, 2, 3, 100 * SECOND, 100 * SECOND)
    new = atomic.Stamp(1, 3, 3, 500 * SECOND, 500 * SECOND)
    record.remember([("a.md", b"a", old)])
    record.remember([("b.md", b"b", new)])
    assert not record.ours("a.md", b"a", old)  # long settled: dropped
    assert record.ours("b.md", b"b", new)
    assert not record.ours("b.md", b"B", new)
    (tmp_path / "cache" / "written.json").write_bytes(b"{not json")
    assert not record.ours("b.md", b"b", new)  # a broken record costs a wait, nothing else
    record.remember([("b.md", b"b", new)])
    assert record.ours("b.md", b"b", new)


# --- Permissions, owner, links ------------------------------------------------------------


def test_owner_and_group_are_kept(note: Path, temp_kind: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a file to another user needs root")
    os.chown(note, 1234, 5678)
    note.chmod(0o2640)  # set-group-id too: fchown clears it, so the mode comes after
    replace_if_unchanged(note, OLD, NEW)
    st = note.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (1234, 5678, 0o2640)
    assert note.read_bytes() == NEW


def test_the_group_is_kept_when_the_owner_cannot_be(
    note: Path, temp_kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not root: a user may not give a file away, but may give it a group of theirs."""
    if os.geteuid() != 0:
        pytest.skip("needs a file owned by another user")
    os.chown(note, 1234, 5678)
    real_fchown = os.fchown

    def as_a_user(fd: int, uid: int, gid: int) -> None:
        if uid != -1:
            raise PermissionError(1, "Operation not permitted")
        real_fchown(fd, uid, gid)

    monkeypatch.setattr(os, "fchown", as_a_user)
    replace_if_unchanged(note, OLD, NEW)
    st = note.stat()
    assert (st.st_uid, st.st_gid) == (os.geteuid(), 5678)
    assert note.read_bytes() == NEW and stat.S_IMODE(st.st_mode) == 0o640


@pytest.mark.parametrize(
    ("mode", "owner", "group", "uid", "groups", "ok"),
    [
        (0o644, 1000, 1000, 1000, {1000}, True),
        (0o444, 1000, 1000, 1000, {1000}, False),
        (0o464, 1000, 1000, 1000, {1000}, False),  # the owner's bit counts for the owner
        (0o464, 1000, 50, 2000, {50}, True),  # a member of the group
        (0o644, 1000, 50, 2000, {50}, False),
        (0o646, 1000, 50, 2000, {60}, True),  # anyone
        (0o644, 1000, 50, 0, {0}, True),  # root
        (0o200, 1000, 50, 0, {0}, True),
        (0o444, 1000, 50, 0, {0}, False),  # root too: nobody may write it
        (0o555, 0, 0, 0, {0}, False),
    ],
)
def test_who_may_write_by_the_mode_bits(
    mode: int, owner: int, group: int, uid: int, groups: set[int], ok: bool
) -> None:
    assert atomic.may_write(mode, owner, group, uid, groups) is ok


def test_a_read_only_or_hard_linked_file_is_refused(note: Path, tmp_path: Path) -> None:
    note.chmod(0o444)
    with pytest.raises(atomic.NotWritable) as caught:
        atomic.refuse_unsafe(os.stat(note), "contacts/Jane Doe.md")
    assert str(caught.value).startswith("contacts/Jane Doe.md is read-only (mode 0444)")
    note.chmod(0o644)
    atomic.refuse_unsafe(os.stat(note), "contacts/Jane Doe.md")
    os.link(note, tmp_path / "backup.md")
    with pytest.raises(atomic.NotWritable, match=r"contacts/Jane Doe\.md has 2 hard links"):
        atomic.refuse_unsafe(os.stat(note), "contacts/Jane Doe.md")
