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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from netzmd import atomic
from netzmd.atomic import ChangedOnDisk, Pending, replace_if_unchanged, sweep, write_atomic
from netzmd.cli import main

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
    from netzmd import atomic

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
    orphan once it is a minute old."""
    kill_mid(note, where, kind)
    assert note.read_bytes() == OLD
    orphans = leftovers(note.parent)
    assert len(orphans) == 1 and orphans[0].endswith(atomic.TMP_SUFFIX)
    orphan = note.parent / orphans[0]
    replace_if_unchanged(note, OLD, NEW)  # too young: kept, in case its writer still runs
    assert orphan.exists()
    past = time.time() - 120
    os.utime(orphan, (past, past))
    replace_if_unchanged(note, NEW, OLD)
    assert leftovers(note.parent) == []
    assert note.read_bytes() == OLD


def test_sweep_removes_only_orphans_of_dead_processes(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead_pid = int(dead.stdout)
    names = {
        "orphan": f".Jane Doe.md.{dead_pid}.a1b2c3d4{atomic.TMP_SUFFIX}",
        "alive": f".Jane Doe.md.{os.getppid()}.a1b2c3d4{atomic.TMP_SUFFIX}",
        "mine": f".Jane Doe.md.{os.getpid()}.a1b2c3d4{atomic.TMP_SUFFIX}",
        "other": ".obsidian-tmp",
        "note": "Jane Doe.md",
    }
    for name in names.values():
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, (time.time() - 3600, time.time() - 3600))
    removed = sweep(tmp_path)
    assert [p.name for p in removed] == [names["orphan"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        v for k, v in names.items() if k != "orphan"
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
def vault(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "vault"
    (root / "contacts").mkdir(parents=True)
    (root / "contacts" / "Jane Doe.md").write_bytes(OLD)
    yield root


def test_the_command_refuses_when_an_editor_saved_meanwhile(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race through the whole command: the note changes after netzmd read it (here: while
    it prepares the new file); netzmd stops with exit 1 and the person's edit survives."""
    note = vault / "contacts" / "Jane Doe.md"
    edited = OLD.replace(b"old body", b"typed in Obsidian")
    real_init = Pending.__init__

    def editor_saves(self: Pending, path: Path, data: bytes) -> None:
        note.write_bytes(edited)
        real_init(self, path, data)

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

    def saves_max(self: Pending, path: Path, data: bytes) -> None:
        real_init(self, path, data)
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


def test_a_write_error_names_what_was_written_already(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (vault / "contacts" / "Max.md").write_bytes(b"---\nname: Max\n---\n")
    real_put = Pending.put
    calls: list[Path] = []

    def second_fails(self: Pending, expected: bytes | None, *, check: bool = True) -> None:
        calls.append(self.path)
        if len(calls) == 2:
            raise OSError(13, "Permission denied")
        real_put(self, expected, check=check)

    monkeypatch.setattr(Pending, "put", second_fails)
    result = CliRunner().invoke(
        main, ["--vault", str(vault), "log", "jane", "max", "-m", "x", "--no-commit"]
    )
    assert result.exit_code == 1
    assert (
        "cannot write contacts/Max.md: Permission denied; already written: contacts/Jane Doe.md"
        in (result.output)
    )
    assert sorted(p.name for p in (vault / "contacts").iterdir()) == ["Jane Doe.md", "Max.md"]


def test_add_makes_the_contacts_folder(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "netzmd.toml").write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["--vault", str(vault), "add", "Jane", "--no-commit"])
    assert result.exit_code == 0, result.output
    assert (vault / "contacts" / "Jane.md").is_file()
