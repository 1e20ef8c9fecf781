"""The SQLite cache (netzmd.store.index): what a refresh reads again, and what survives damage."""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeVault, Run, age, age_all, json_of, no_traceback, note, write_notes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netzmd.store.index
import netzmd.vault
from netzmd.store.index import DB_NAME, Index, RefreshStats
from netzmd.vault import Vault

NOTES = {
    "contacts/Zoë Müller.md": note(
        "name: Zoë Müller\naliases: [Zozo]\ncircle: competence\ncompany: Acme Cloud AG",
        "- 2026-10-16 lunch at Pasta Bar\n- 2026-09-29 [coffee] promised the slides",
    ),
    "contacts/Max Mustermann.md": note("circle: career\ncompany: Beispiel GmbH", "likes sushi"),
    "contacts/sub/Jana Novák.md": note("name: Jana Novák\ncadence: 1m\nlast_contact: 2026-01-31"),
}


def refresh(root: Path) -> RefreshStats:
    with Index(Vault(root)) as index:
        return index.refresh()


def state(root: Path, words: tuple[str, ...] = ()) -> dict[str, Any]:
    """Everything a command can read from a freshly refreshed index, for comparisons;
    ``words``: also the paths each of these words finds."""
    with Index(Vault(root)) as index:
        index.refresh()
        return {
            "cores": index.cores(archived=True),
            "stale": index.cores(archived=True, stale=True),
            "docs": {p: index.contact(p) for p in sorted(index.all_documents())},
            "names": sorted(index.names()),
            "stale_names": sorted(index.names(stale=True)),
            "problems": sorted(map(str, index.problems())),
            "count": index.count(),
            "search": {w: sorted(p for p, _ in index.search(w, 50)) for w in words},
        }


def search(root: Path, query: str) -> list[str]:
    with Index(Vault(root)) as index:
        index.refresh()
        return [path for path, _ in index.search(query, 20)]


def name_of(root: Path, path: str) -> str | None:
    with Index(Vault(root)) as index:
        index.refresh()
        doc = index.contact(path)
        return None if doc is None else str(doc["name"])


@pytest.fixture
def vault(make_vault: MakeVault) -> Path:
    """The three notes, with mtimes an hour old so that their stat is trusted."""
    root = make_vault(NOTES)
    age_all(root)
    return root


class Spy:
    """Counts calls of a module function while still calling it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        self.calls: list[tuple[Any, ...]] = []
        real: Callable[..., Any] = getattr(netzmd.store.index, name)

        def wrapper(*args: Any) -> Any:
            self.calls.append(args)
            return real(*args)

        monkeypatch.setattr(netzmd.store.index, name, wrapper)


def empty(stats: RefreshStats) -> bool:
    return stats.added == stats.changed == stats.removed == []


# --- the basic cycle ----------------------------------------------------------------------------


def test_first_run_adds_every_note(vault: Path) -> None:
    stats = refresh(vault)
    assert sorted(stats.added) == sorted(NOTES)
    assert stats.changed == stats.removed == []
    assert stats.unchanged == 0
    assert stats.cached is True
    assert (vault / ".netzmd" / DB_NAME).is_file()


def test_unchanged_vault_reads_no_file_again(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    refresh(vault)
    reads = Spy(monkeypatch, "_read")
    parses = Spy(monkeypatch, "_row")
    stats = refresh(vault)
    assert empty(stats)
    assert stats.unchanged == 3
    assert reads.calls == [] and parses.calls == []


def test_unchanged_fresh_files_are_hashed_not_reparsed(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault(NOTES)  # just written: "racy", so the content hash decides
    refresh(root)
    parses = Spy(monkeypatch, "_row")
    stats = refresh(root)
    assert empty(stats)
    assert stats.unchanged == 3
    assert parses.calls == []


def test_added_note(vault: Path) -> None:
    refresh(vault)
    write_notes(vault, {"contacts/New Person.md": note("circle: career")})
    stats = refresh(vault)
    assert stats.added == ["contacts/New Person.md"]
    assert stats.changed == stats.removed == []
    assert stats.unchanged == 3
    assert name_of(vault, "contacts/New Person.md") == "New Person"


def test_changed_note(vault: Path) -> None:
    refresh(vault)
    write_notes(vault, {"contacts/Max Mustermann.md": note("name: Maximilian Mustermann")})
    stats = refresh(vault)
    assert stats.changed == ["contacts/Max Mustermann.md"]
    assert stats.added == stats.removed == []
    assert name_of(vault, "contacts/Max Mustermann.md") == "Maximilian Mustermann"


def _listing_kept(root: Path) -> bool:
    with sqlite3.connect(root / ".netzmd" / DB_NAME) as db:
        return bool(db.execute("SELECT count(*) FROM listing").fetchone()[0])


def test_listing_is_kept_only_while_every_note_is_trusted(vault: Path) -> None:
    """The index keeps the last scan when no note is racy; an unchanged scan then stands for
    every row. A note written just now, or a refresh of some notes only, drops it."""
    refresh(vault)
    assert _listing_kept(vault)
    assert empty(refresh(vault))
    write_notes(vault, {"contacts/New Person.md": note("circle: career")})
    assert refresh(vault).added == ["contacts/New Person.md"]
    assert not _listing_kept(vault)  # New Person is racy: its stat is not trusted yet
    age_all(vault)
    assert empty(refresh(vault))
    assert _listing_kept(vault)
    path = vault / "contacts" / "Max Mustermann.md"
    path.write_text(note("name: Maximilian Mustermann"), "utf-8")
    age(path, 1800)
    with Index(Vault(vault)) as index:
        assert index.refresh(only={"contacts/Max Mustermann.md"}).changed == [
            "contacts/Max Mustermann.md"
        ]
    assert not _listing_kept(vault)
    assert empty(refresh(vault))
    assert _listing_kept(vault)
    (vault / "contacts" / "Zoë Müller.md").unlink()
    assert refresh(vault).removed == ["contacts/Zoë Müller.md"]
    assert name_of(vault, "contacts/Max Mustermann.md") == "Maximilian Mustermann"


@pytest.mark.parametrize("data", [b"", b"\xff\x00garbage", b"\xe9\x00\x00\x00\x00"])
def test_a_damaged_listing_is_only_not_used(vault: Path, data: bytes) -> None:
    refresh(vault)
    with sqlite3.connect(vault / ".netzmd" / DB_NAME) as db:
        db.execute("UPDATE listing SET data=?", (data,))
    write_notes(vault, {"contacts/New Person.md": note("circle: career")})
    age_all(vault)
    assert refresh(vault).added == ["contacts/New Person.md"]
    assert _listing_kept(vault)
    assert empty(refresh(vault))


def test_listing_never_waits_for_another_writer(vault: Path) -> None:
    """Keeping the listing is a saving, not a duty: with another process writing the cache
    the refresh goes on without it at once."""
    refresh(vault)
    with sqlite3.connect(vault / ".netzmd" / DB_NAME) as db:
        db.execute("DELETE FROM listing")
    blocker = sqlite3.connect(vault / ".netzmd" / DB_NAME, isolation_level=None)
    with Index(Vault(vault)) as index:
        blocker.execute("BEGIN IMMEDIATE")
        try:
            started = time.monotonic()
            assert empty(index.refresh())
            assert time.monotonic() - started < 5  # the busy timeout is 10 s
        finally:
            blocker.rollback()
            blocker.close()
    assert not _listing_kept(vault)
    refresh(vault)
    assert _listing_kept(vault)


def _same_size_edit(path: Path, old: str, new: str) -> None:
    """Replace text by text of the same length and put the old mtime back."""
    assert len(old.encode()) == len(new.encode())
    before = path.stat()
    path.write_bytes(path.read_bytes().replace(old.encode(), new.encode()))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


@pytest.mark.parametrize("aged", [True, False], ids=["old-file", "racy-file"])
def test_same_size_same_mtime_change_is_found(
    make_vault: MakeVault, aged: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault(NOTES)
    if aged:
        age_all(root)
    refresh(root)
    _same_size_edit(root / "contacts" / "Zoë Müller.md", "Pasta Bar", "Sushi Bar")
    stats = refresh(root)
    assert stats.changed == ["contacts/Zoë Müller.md"]
    with Index(Vault(root)) as index:
        index.refresh()
        doc = index.contact("contacts/Zoë Müller.md")
        assert doc is not None
        assert doc["interactions"][0]["text"] == "lunch at Sushi Bar"


def _coarse_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend to be a file system with 2-second mtimes and no ctime or inode (FAT)."""
    real = netzmd.vault.scan_notes

    def scan(vault: Vault) -> Any:
        result = real(vault)
        tick = 2_000_000_000
        result.files = {
            p: (size, mtime // tick * tick, 0, 0) for p, (size, mtime, _, _) in result.files.items()
        }
        return result

    monkeypatch.setattr(netzmd.store.index, "scan_notes", scan)


def test_coarse_timestamps_edit_within_one_tick_is_found(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    _coarse_scan(monkeypatch)
    root = make_vault(NOTES)
    path = root / "contacts" / "Zoë Müller.md"
    refresh(root)
    _same_size_edit(path, "Pasta Bar", "Ramen Bar")  # the stat key is identical now
    stats = refresh(root)
    assert stats.changed == ["contacts/Zoë Müller.md"]
    assert search(root, "ramen") == ["contacts/Zoë Müller.md"]


def test_coarse_timestamps_old_unchanged_file_is_trusted(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _coarse_scan(monkeypatch)
    refresh(vault)
    reads = Spy(monkeypatch, "_read")
    assert empty(refresh(vault))
    assert reads.calls == []


def test_touched_file_is_not_reparsed(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    refresh(vault)
    age(vault / "contacts" / "Max Mustermann.md", 60)  # a new mtime, the same bytes
    parses = Spy(monkeypatch, "_row")
    reads = Spy(monkeypatch, "_read")
    stats = refresh(vault)
    assert empty(stats)
    assert stats.unchanged == 3
    assert parses.calls == []
    assert len(reads.calls) == 1  # hashed once ...
    stats = refresh(vault)
    assert empty(stats)
    assert len(reads.calls) == 1  # ... and its new stat remembered


def test_deleted_note(vault: Path) -> None:
    refresh(vault)
    (vault / "contacts" / "Max Mustermann.md").unlink()
    stats = refresh(vault)
    assert stats.removed == ["contacts/Max Mustermann.md"]
    assert stats.added == stats.changed == []
    assert name_of(vault, "contacts/Max Mustermann.md") is None
    assert search(vault, "sushi") == []


def test_renamed_note(vault: Path) -> None:
    refresh(vault)
    old = vault / "contacts" / "Max Mustermann.md"
    old.rename(vault / "contacts" / "sub" / "Max M.md")
    stats = refresh(vault)
    assert stats.added == ["contacts/sub/Max M.md"]
    assert stats.removed == ["contacts/Max Mustermann.md"]
    assert stats.changed == []
    assert name_of(vault, "contacts/sub/Max M.md") == "Max M"
    assert search(vault, "sushi") == ["contacts/sub/Max M.md"]


def test_renamed_folder(vault: Path) -> None:
    refresh(vault)
    (vault / "contacts" / "sub").rename(vault / "contacts" / "other")
    stats = refresh(vault)
    assert stats.added == ["contacts/other/Jana Novák.md"]
    assert stats.removed == ["contacts/sub/Jana Novák.md"]


def test_refresh_only_some_paths(vault: Path) -> None:
    with Index(Vault(vault)) as index:
        stats = index.refresh(only={"contacts/Max Mustermann.md"})
        assert stats.added == ["contacts/Max Mustermann.md"]
        assert [c["path"] for c in index.cores()] == ["contacts/Max Mustermann.md"]
        stats = index.refresh()
        assert sorted(stats.added) == ["contacts/Zoë Müller.md", "contacts/sub/Jana Novák.md"]


# --- rebuilding the cache -----------------------------------------------------------------------


def test_deleted_cache_is_rebuilt_with_the_same_results(vault: Path) -> None:
    before = state(vault)
    search(vault, "pasta")
    for path in (vault / ".netzmd").iterdir():
        path.unlink()
    (vault / ".netzmd").rmdir()
    stats = refresh(vault)
    assert sorted(stats.added) == sorted(NOTES)
    assert state(vault) == before
    assert search(vault, "pasta") == ["contacts/Zoë Müller.md"]


def test_new_index_version_rebuilds(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = state(vault)
    search(vault, "pasta")  # fill the full-text table too
    monkeypatch.setattr(netzmd.store.index, "INDEX_VERSION", netzmd.store.index.INDEX_VERSION + 1)
    stats = refresh(vault)
    assert sorted(stats.added) == sorted(NOTES)
    assert state(vault) == before
    assert search(vault, "pasta") == ["contacts/Zoë Müller.md"]
    assert empty(refresh(vault))
    db = sqlite3.connect(vault / ".netzmd" / DB_NAME)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == netzmd.store.index.INDEX_VERSION
    finally:
        db.close()


def _checkpoint(db_file: Path) -> None:
    db = sqlite3.connect(db_file)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()


def _garbage_everywhere(data: bytes) -> bytes:
    return b"this is not a database\n" * (len(data) // 23 + 1)


def _garbage_after_first_page(data: bytes) -> bytes:
    return data[:4096] + bytes(range(7, 256)) * ((len(data) - 4096) // 249 + 1)


def _empty(data: bytes) -> bytes:
    return b""


@pytest.mark.parametrize(
    "damage", [_garbage_everywhere, _garbage_after_first_page, _empty], ids=lambda f: f.__name__
)
def test_corrupt_cache_is_rebuilt(vault: Path, damage: Callable[[bytes], bytes]) -> None:
    before = state(vault)
    search(vault, "pasta")
    db_file = vault / ".netzmd" / DB_NAME
    _checkpoint(db_file)
    db_file.write_bytes(damage(db_file.read_bytes()))
    stats = refresh(vault)
    assert sorted(stats.added) == sorted(NOTES)
    assert stats.cached is True
    assert state(vault) == before
    assert search(vault, "pasta") == ["contacts/Zoë Müller.md"]
    assert empty(refresh(vault))


def _corrupt() -> sqlite3.DatabaseError:
    err = sqlite3.DatabaseError("database disk image is malformed")
    err.sqlite_errorcode = sqlite3.SQLITE_CORRUPT
    return err


def test_damage_found_by_a_search_starts_afresh(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Damage that the refresh did not touch (full-text pages) surfaces in a search."""
    with Index(Vault(vault)) as index:
        index.refresh()
        real = index._search
        calls: list[str] = []

        def damaged_once(query: str, limit: int) -> list[tuple[str, float]]:
            calls.append(query)
            if len(calls) == 1:
                raise _corrupt()
            return real(query, limit)

        monkeypatch.setattr(index, "_search", damaged_once)
        assert [p for p, _ in index.search("pasta", 5)] == ["contacts/Zoë Müller.md"]
        assert len(calls) == 2
        assert index.persistent
        assert index.count() == (3, 0)
    assert empty(refresh(vault))


def test_only_damage_counts_as_damage() -> None:
    assert netzmd.store.index._damaged(_corrupt())
    assert not netzmd.store.index._damaged(sqlite3.OperationalError("database is locked"))
    assert not netzmd.store.index._damaged(sqlite3.IntegrityError("UNIQUE constraint failed"))


def test_unwritable_cache_folder_gives_an_in_memory_index(vault: Path) -> None:
    before = state(vault)
    for path in (vault / ".netzmd").iterdir():
        path.unlink()
    (vault / ".netzmd").rmdir()
    (vault / ".netzmd").write_text("a file where the cache folder should be", encoding="utf-8")
    stats = refresh(vault)
    assert stats.cached is False
    assert sorted(stats.added) == sorted(NOTES)
    assert state(vault) == before
    assert search(vault, "pasta") == ["contacts/Zoë Müller.md"]
    again = refresh(vault)  # nothing was kept between runs
    assert sorted(again.added) == sorted(NOTES)
    assert (vault / ".netzmd").read_text(encoding="utf-8").startswith("a file")


def test_read_only_cache_gives_an_in_memory_index(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = state(vault)  # a cache exists now
    real = netzmd.store.index._connect

    def read_only(target: str) -> sqlite3.Connection:
        if target != ":memory:":
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return real(target)

    monkeypatch.setattr(netzmd.store.index, "_connect", read_only)
    with Index(Vault(vault)) as index:
        stats = index.refresh()
        assert index.warnings == [
            "cannot write the index cache .netzmd/index.sqlite (attempt to write a readonly "
            "database); working from memory this time, which is slower"
        ]
    assert stats.cached is False
    assert stats.added == []  # it starts from a copy of the cache, which can still be read
    assert state(vault) == before


def test_busy_database_is_not_thrown_away(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only damage starts afresh; other database errors are not hidden."""
    refresh(vault)
    with Index(Vault(vault)) as index:

        def busy(*args: Any) -> RefreshStats:
            raise sqlite3.OperationalError("database is locked")

        monkeypatch.setattr(index, "_refresh", busy)
        with pytest.raises(sqlite3.OperationalError):
            index.refresh()
    assert (vault / ".netzmd" / DB_NAME).stat().st_size > 0
    assert empty(refresh(vault))


# --- broken notes -------------------------------------------------------------------------------


def test_broken_note_keeps_its_last_good_contact(vault: Path) -> None:
    refresh(vault)
    path = "contacts/Max Mustermann.md"
    write_notes(vault, {path: "---\nname: [oops\n---\n"})
    stats = refresh(vault)
    assert stats.changed == [path]
    with Index(Vault(vault)) as index:
        index.refresh()
        assert index.count() == (3, 1)
        assert path not in [c["path"] for c in index.cores(archived=True)]
        stale = {c["path"]: c for c in index.cores(archived=True, stale=True)}
        assert stale[path]["company"] == "Beispiel GmbH"
        assert path not in [n[0] for n in index.names()]
        assert path in [n[0] for n in index.names(stale=True)]
        assert path not in index.all_documents()
        assert path in index.all_documents(stale=True)
        [problem] = [p for p in index.problems() if p.path == path]
        assert problem.severity == "error"
        assert problem.line == 3
        assert index.problems(path) == [problem]
        assert index.broken() == [(problem, True)]
        assert index.search("sushi", 5) == []
        # found by its text as it is now, and by its last good names
        assert [p for p, _ in index.search("oops", 5)] == [path]
        assert [p for p, _ in index.search("mustermann", 5)] == [path]
    write_notes(vault, {path: note("name: Max Fixed\ncompany: Neu AG", "likes ramen")})
    assert refresh(vault).changed == [path]
    with Index(Vault(vault)) as index:
        index.refresh()
        assert index.count() == (3, 0)
        assert index.problems() == []
        assert name_of(vault, path) == "Max Fixed"
        assert [p for p, _ in index.search("ramen", 5)] == [path]
        assert index.search("sushi", 5) == []


def test_note_broken_from_the_start_has_no_contact(vault: Path) -> None:
    write_notes(vault, {"contacts/Bad.md": "---\nname: x\n"})  # never closed
    with Index(Vault(vault)) as index:
        index.refresh()
        assert index.count() == (4, 1)
        assert "contacts/Bad.md" not in [c["path"] for c in index.cores(stale=True)]
        assert index.contact("contacts/Bad.md") is None
        assert [p.path for p in index.problems()] == ["contacts/Bad.md"]
        assert [(p.path, kept) for p, kept in index.broken()] == [("contacts/Bad.md", False)]


def test_unreadable_note_is_an_error_of_that_note(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refresh(vault)
    path = "contacts/Max Mustermann.md"
    real = netzmd.store.index._read

    def no_permission(file: Path) -> bytes | None:
        if file.name == "Max Mustermann.md":
            raise PermissionError(13, "Permission denied")
        return real(file)

    monkeypatch.setattr(netzmd.store.index, "_read", no_permission)
    write_notes(vault, {path: note("name: Max Changed")})
    stats = refresh(vault)
    assert stats.changed == [path]
    with Index(Vault(vault)) as index:
        index.refresh()
        assert index.count() == (3, 1)
        [problem] = index.problems()
        assert str(problem) == f"{path}:1: error: cannot read the note: Permission denied"
        stale = {c["path"]: c["name"] for c in index.cores(stale=True)}
        assert stale[path] == "Max Mustermann"  # the last good version is kept
    monkeypatch.setattr(netzmd.store.index, "_read", real)
    age(vault / path, 10)  # e.g. chmod: the stat changes
    assert refresh(vault).changed == [path]
    assert name_of(vault, path) == "Max Changed"


def test_scan_problems_are_reported(vault: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere.md").write_text(note("name: Elsewhere"), encoding="utf-8")
    (vault / "contacts" / "Link.md").symlink_to(tmp_path / "elsewhere.md")
    with Index(Vault(vault)) as index:
        index.refresh()
        assert index.count() == (3, 0)
        [problem] = index.problems()
        assert problem.path == "contacts/Link.md"
        assert problem.severity == "error"


# --- a broken note in the commands: its last good version (issue 10, item 3) ------------------

JANE = note(
    "name: Jane Doe\naliases: [JD]\ncircle: competence\ncompany: Foo GmbH\ncadence: 1m\n"
    "last_contact: 2026-10-01\nbirthday: 1985-12-03",
    "## Follow-ups\n\n- [ ] send the slides 📅 2026-11-30\n",
)
JANE_BROKEN = JANE.replace("company: Foo GmbH", "company: [Foo GmbH")  # unclosed, on line 5
JANE_ERROR = (
    "contacts/Jane Doe.md:6: error: invalid YAML: did not find expected ',' or ']' "
    "(parsing a flow sequence from line 5)"
)
TODAY = "2026-11-27"


def test_broken_note_counts_as_its_last_good_version_in_every_read_command(
    run: Run, make_vault: MakeVault
) -> None:
    root = make_vault({"contacts/Jane Doe.md": JANE, "contacts/Max.md": note("circle: career")})
    good_json = json_of(run(root, "show", "jane", "--format", "json", "--today", TODAY))
    good_list = json_of(run(root, "list", "--format", "json", "--today", TODAY))
    good_agenda = json_of(run(root, "agenda", "--format", "json", "--today", TODAY))
    write_notes(root, {"contacts/Jane Doe.md": JANE_BROKEN})
    said = f"{JANE_ERROR} (using its last good version)\n"
    # every command below is a new process's worth of work: the version comes from the cache
    listed = run(root, "list", "--format", "json", "--today", TODAY)
    assert json_of(listed) == good_list
    assert listed.stderr == said
    text = run(root, "list", "--today", TODAY)
    assert "Jane Doe" in text.stdout and "Foo GmbH" in text.stdout
    assert text.stderr == "2 contacts\n" + said
    assert "Jane Doe" in run(root, "list", "--format", "csv", "--today", TODAY).stdout
    shown = run(root, "show", "jd", "--format", "json", "--today", TODAY)  # by its alias
    assert json_of(shown) == good_json
    assert shown.stderr == (
        "This note cannot be read now; shown as it last read without errors.\n" + JANE_ERROR + "\n"
    )
    shown = run(root, "show", "jane", "--today", TODAY)
    assert shown.exit_code == 0
    assert shown.stdout.startswith(
        "Jane Doe\n  also known as JD\n  contacts/Jane Doe.md\n\n"
        "  This note cannot be read now; shown as it last read without errors.\n"
        f"  {JANE_ERROR}\n\n  company:      Foo GmbH\n"
    )
    agenda = json_of(run(root, "agenda", "--format", "json", "--today", TODAY))
    assert {k: v for k, v in agenda.items() if k != "problems"} == {
        k: v for k, v in good_agenda.items() if k != "problems"
    }
    assert [f["text"] for f in agenda["follow_ups"]] == ["send the slides"]
    assert [str_problem(p) for p in agenda["problems"]] == [JANE_ERROR]
    found = run(root, "search", "slides", "--format", "json")
    assert [h["name"] for h in json_of(found)] == ["Jane Doe"]
    assert found.stderr == said
    check = run(root, "check")
    assert check.exit_code == 1
    assert check.stdout == JANE_ERROR + "\n"


def str_problem(p: dict[str, Any]) -> str:
    return f"{p['path']}:{p['line']}: {p['severity']}: {p['message']}"


def test_last_good_version_lives_in_the_cache_and_is_replaced_when_the_note_reads_again(
    run: Run, make_vault: MakeVault
) -> None:
    root = make_vault({"contacts/Jane Doe.md": JANE})
    assert run(root, "list").exit_code == 0
    write_notes(root, {"contacts/Jane Doe.md": JANE_BROKEN})
    for _ in range(2):  # survives the broken note, command after command
        assert json_of(run(root, "show", "jane", "--format", "json"))["company"] == "Foo GmbH"
    write_notes(root, {"contacts/Jane Doe.md": JANE.replace("Foo GmbH", "Bar AG")})
    shown = run(root, "show", "jane", "--format", "json")
    assert json_of(shown)["company"] == "Bar AG"
    assert shown.stderr == ""
    write_notes(root, {"contacts/Jane Doe.md": JANE_BROKEN.replace("Foo GmbH", "Baz AG")})
    shown = run(root, "show", "jane", "--format", "json")
    assert json_of(shown)["company"] == "Bar AG"  # the newest good version, not the first
    # without the cache there is no good version: the note is named with its error
    shutil.rmtree(root / ".netzmd")
    listed = run(root, "list", "--format", "json")
    assert json_of(listed) == []
    assert listed.stderr == (f"{JANE_ERROR} (left out: it never read without errors)\n")


def test_note_that_never_read_is_named_with_its_error(run: Run, make_vault: MakeVault) -> None:
    root = make_vault(
        {"contacts/Jane Doe.md": JANE_BROKEN, "contacts/Max.md": note("circle: career")}
    )
    for name in ("jane", "Jane Doe", "contacts/Jane Doe.md"):
        shown = run(root, "show", name)
        no_traceback(shown)
        assert shown.exit_code == 1
        assert shown.stdout == ""
        assert shown.stderr == (
            f"{JANE_ERROR}\nThis note has not been read without errors yet, so there is no "
            "version of it to show. Fix it (netzmd edit opens it), then run 'netzmd check'.\n"
        )
    listed = run(root, "list", "--format", "json")
    assert [c["id"] for c in json_of(listed)] == ["Max"]
    assert listed.stderr == f"{JANE_ERROR} (left out: it never read without errors)\n"
    assert run(root, "show", "nobody").stderr.startswith("netzmd: error: no contact matches")


# --- the cache cannot be written: a full disk, a read-only folder (issue 10, item 6) -----------


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[int], Path]]:
    """``mount(kb)``: a real file system of that size (tmpfs, so root needs it), to fill up or
    make read-only; skipped where it cannot be mounted."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    point = tmp_path / "mnt"
    point.mkdir()
    mounted: list[Path] = []

    def mount(kb: int) -> Path:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={kb}k", "tmpfs", str(point)],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounted.append(point)
        return point

    yield mount
    for path in mounted:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _fill(folder: Path, leave_kb: int) -> None:
    """Fill the file system of ``folder`` up, then free ``leave_kb``."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"x" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    os.truncate(filler, max(filler.stat().st_size - leave_kb * 1024, 0))


FULL_NOTES = {
    f"contacts/Person {n:02}.md": note(f"circle: competence\ncadence: 1m\ncompany: C{n}")
    for n in range(20)
}


@pytest.mark.parametrize(
    ("leave_kb", "reason"),
    [
        (0, "disk I/O error: the disk is full"),  # no room to open the cache at all
        (48, "database or disk is full"),  # room to open it, none to write the changes
    ],
)
def test_full_disk_answers_from_memory_with_one_warning(
    run: Run, tmpfs: Callable[[int], Path], leave_kb: int, reason: str
) -> None:
    root = tmpfs(1024) / "vault"
    write_notes(root, {**FULL_NOTES, "contacts/Jane Doe.md": JANE})
    assert run(root, "list").exit_code == 0  # the cache, with Jane's good version
    write_notes(root, {"contacts/Jane Doe.md": JANE_BROKEN})
    for n in range(10):  # changes the index has to take in
        write_notes(root, {f"contacts/Person {n:02}.md": note(f"circle: career\ncompany: D{n}")})
    _fill(root.parent, leave_kb)
    expected = [f"C{n}" for n in range(10, 20)] + [f"D{n}" for n in range(10)] + ["Foo GmbH"]
    for _ in range(2):
        result = run(root, "list", "--format", "json", "--today", TODAY)
        no_traceback(result)
        assert result.exit_code == 0, result.output
        assert sorted(c["company"] for c in json_of(result)) == expected
        assert result.stderr == (
            f"netzmd: warning: cannot write the index cache .netzmd/index.sqlite ({reason}); "
            "working from memory this time, which is slower\n"
            f"{JANE_ERROR} (using its last good version)\n"
        )
    found = run(root, "search", "slides", "--format", "json")
    assert [h["name"] for h in json_of(found)] == ["Jane Doe"]
    assert found.stderr.count("netzmd: warning: cannot write the index cache") == 1


def test_first_run_on_a_full_disk_answers_from_memory(
    run: Run, tmpfs: Callable[[int], Path]
) -> None:
    """No cache yet, and the disk fills up while it is being built (was: internal error:
    OperationalError: database or disk is full, exit 70)."""
    root = tmpfs(1024) / "vault"
    write_notes(root, {f"contacts/P{n:03}.md": note(f"company: {'x' * 2000}") for n in range(60)})
    _fill(root.parent, 160)
    result = run(root, "agenda", "--format", "json", "--today", TODAY)
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert json_of(result)["problems"] == []
    assert result.stderr.startswith("netzmd: warning: cannot write the index cache ")
    assert result.stderr.count("\n") == 1
    assert len(json_of(run(root, "list", "--format", "json"))) == 60


def test_search_on_a_full_disk_answers_from_memory(run: Run, tmpfs: Callable[[int], Path]) -> None:
    """The refresh writes nothing (no note changed), but the first search has to build the
    full-text index: that write fails, and the search answers from memory all the same."""
    root = tmpfs(1024) / "vault"
    # full-text rows that need more room than there is
    write_notes(
        root,
        {
            f"contacts/P{n:02}.md": " ".join(f"w{n}x{k}" for k in range(500)) + "\n"
            for n in range(30)
        },
    )
    write_notes(root, {"contacts/Jane Doe.md": JANE})
    assert run(root, "list").exit_code == 0
    assert run(root, "list").exit_code == 0  # the scan is kept: the next refresh writes nothing
    _fill(root.parent, 48)
    found = run(root, "search", "slides", "--format", "json")
    no_traceback(found)
    assert [h["name"] for h in json_of(found)] == ["Jane Doe"]
    assert found.stderr == (
        "netzmd: warning: cannot write the index cache .netzmd/index.sqlite (database or disk "
        "is full); working from memory this time, which is slower\n"
    )


def test_read_only_folder_answers_from_memory_with_one_warning(
    run: Run, tmpfs: Callable[[int], Path]
) -> None:
    point = tmpfs(1024)
    root = point / "vault"
    write_notes(root, {"contacts/Jane Doe.md": JANE, "contacts/Max.md": note("circle: career")})
    assert run(root, "list").exit_code == 0
    write_notes(root, {"contacts/Jane Doe.md": JANE_BROKEN})
    subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)
    result = run(root, "show", "jane", "--format", "json", "--today", TODAY)
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert json_of(result)["company"] == "Foo GmbH"  # from the cache, read without writing
    warning, *rest = result.stderr.splitlines()
    assert warning.startswith("netzmd: warning: cannot write the index cache .netzmd/index.sqlite")
    assert "netzmd: warning" not in "\n".join(rest)
    listed = run(root, "list", "--format", "json")
    assert [c["id"] for c in json_of(listed)] == ["Jane Doe", "Max"]


# --- full text ----------------------------------------------------------------------------------


def test_search_sees_changes_after_the_first_search(vault: Path) -> None:
    assert search(vault, "pasta") == ["contacts/Zoë Müller.md"]
    write_notes(
        vault,
        {"contacts/Zoë Müller.md": NOTES["contacts/Zoë Müller.md"].replace("Pasta", "Ramen")},
    )
    assert search(vault, "pasta") == []
    assert search(vault, "ramen") == ["contacts/Zoë Müller.md"]


def test_search_in_one_session_after_refresh(vault: Path) -> None:
    with Index(Vault(vault)) as index:
        index.refresh()
        assert [p for p, _ in index.search("sushi", 5)] == ["contacts/Max Mustermann.md"]
        write_notes(vault, {"contacts/Max Mustermann.md": note("company: X", "likes tapas")})
        index.refresh()
        assert index.search("sushi", 5) == []
        assert [p for p, _ in index.search("tapas", 5)] == ["contacts/Max Mustermann.md"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("muller", "contacts/Zoë Müller.md"),
        ("MÜLLER", "contacts/Zoë Müller.md"),
        ("zozo", "contacts/Zoë Müller.md"),
        ("novak", "contacts/sub/Jana Novák.md"),
        ("mustermann", "contacts/Max Mustermann.md"),  # the file name counts as a name
        ("past", "contacts/Zoë Müller.md"),  # a word prefix
        ("acme pasta", "contacts/Zoë Müller.md"),  # every word, in any field
    ],
)
def test_search_ignores_case_and_accents(vault: Path, query: str, expected: str) -> None:
    assert search(vault, query) == [expected]


@pytest.mark.parametrize("query", ["weiss", "WEIß", "lodz", "yilmaz", "Yılmaz", "oresund"])
def test_search_folds_letters_without_combining_accents(make_vault: MakeVault, query: str) -> None:
    root = make_vault(
        {
            "contacts/Jürgen Weiß.md": note(
                "name: Jürgen Weiß", "Met in Łódź with Emre Yılmaz, by the Øresund."
            )
        }
    )
    assert search(root, query) == ["contacts/Jürgen Weiß.md"]


@pytest.mark.parametrize("query", ["muller", "Müller", "cafe", "creme", "lodz"])
def test_search_finds_text_written_in_nfd(make_vault: MakeVault, query: str) -> None:
    text = unicodedata.normalize("NFD", note("name: Zoë Müller", "Went to Café Crème in Łódź."))
    root = make_vault({"contacts/Zoë.md": text})
    assert search(root, query) == ["contacts/Zoë.md"]


def test_search_ranks_names_above_bodies(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "contacts/A.md": note("name: Anna Body", "She knows Berger from the conference."),
            "contacts/B.md": note("name: Bert Berger", "Nothing else."),
        }
    )
    assert search(root, "berger") == ["contacts/B.md", "contacts/A.md"]


@pytest.mark.parametrize("query", ["", "   ", "***", '"', "-", "AND", "NOT", "a OR", "x*y:z"])
def test_search_syntax_is_never_an_error(vault: Path, query: str) -> None:
    with Index(Vault(vault)) as index:
        index.refresh()
        index.search(query, 5)  # no sqlite3.OperationalError from FTS syntax


# --- any sequence of edits ----------------------------------------------------------------------

_NAMES = ["Anna", "Bert", "Cleo", "Dora"]
_op = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(_NAMES), st.sampled_from(["x", "yy", "[bad"])),
    st.tuples(st.just("delete"), st.sampled_from(_NAMES), st.just("")),
    st.tuples(st.just("rename"), st.sampled_from(_NAMES), st.sampled_from(_NAMES)),
    st.tuples(st.just("touch"), st.sampled_from(_NAMES), st.just("")),
    st.tuples(st.just("same-size"), st.sampled_from(_NAMES), st.just("")),
    st.tuples(st.just("age-all"), st.just(""), st.just("")),  # lets the index keep its listing
)


def _apply(root: Path, op: tuple[str, str, str]) -> None:
    kind, who, arg = op
    path = root / "contacts" / f"{who}.md"
    if kind == "age-all":
        age_all(root, 120)
    elif kind == "write":
        company = "[oops" if arg == "[bad" else arg
        path.write_text(note(f"company: {company}", f"note about {arg}"), "utf-8")
    elif not path.exists():
        return
    elif kind == "delete":
        path.unlink()
    elif kind == "rename":
        path.rename(root / "contacts" / f"{arg}.md")
    elif kind == "touch":
        age(path, 120)
    elif kind == "same-size":
        data = path.read_bytes()
        swapped = data.replace(b"x", b"q") if b"x" in data else data.replace(b"y", b"z", 1)
        before = path.stat()
        path.write_bytes(swapped)
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _fresh_state(root: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as other:
        copy = Path(other)
        (copy / "contacts").mkdir()
        for path in (root / "contacts").glob("*.md"):
            (copy / "contacts" / path.name).write_bytes(path.read_bytes())
        return state(copy, _WORDS)


_WORDS = ("x", "yy", "zy", "q", "oops")


def _has_word_starting(path: Path, prefix: str) -> bool:
    words = re.findall(r"\w+", path.read_text("utf-8").casefold())
    return any(w.startswith(prefix) for w in words)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.lists(_op, max_size=4), min_size=1, max_size=4))
def test_incremental_index_matches_a_fresh_one(rounds: list[list[tuple[str, str, str]]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "contacts").mkdir()
        for ops in rounds:
            for op in ops:
                _apply(root, op)
            got = state(root, _WORDS)
            fresh = _fresh_state(root)
            # only the incremental index remembers the last good version of a broken note,
            # and then search finds that note by its text as it is now
            stale = {c["path"] for c in got.pop("stale")}
            assert {c["path"] for c in fresh.pop("stale")} <= stale
            found = got.pop("search")
            fresh.pop("search")
            kept = {p for p, _, _, _, _ in got.pop("stale_names")}
            assert kept == stale
            fresh.pop("stale_names")
            assert got == fresh
            for word in _WORDS:
                expected = sorted(p for p in stale if _has_word_starting(root / p, word))
                assert found[word] == expected, word


def test_worker_pool_gives_the_same_index(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold start over many notes parses in worker processes; the result is the same as in
    one process, including broken notes, and a second run finds nothing to do."""
    notes = {
        f"contacts/p{i:03d}/Person {i:03d}.md": note(
            f"circle: competence\ncadence: {i % 5 + 1}m\nbirthday: --{i % 12 + 1:02d}-15",
            f"- 2026-0{i % 9 + 1}-10 [call] talked {i}\n"
            f"- [ ] follow up {i} 📅 2026-12-{i % 28 + 1:02d}",
        )
        for i in range(60)
    }
    notes["contacts/Broken.md"] = "---\nname: [unclosed\n---\n"
    pooled = make_vault(notes, name="pooled")
    single = make_vault(notes, name="single")
    monkeypatch.setattr(netzmd.store.index, "POOL_THRESHOLD", 10)
    stats = refresh(pooled)
    assert len(stats.added) == 61
    monkeypatch.setattr(netzmd.store.index, "POOL_THRESHOLD", 10**9)
    refresh(single)
    assert state(pooled, ("talked",)) == state(single, ("talked",))
    monkeypatch.setattr(netzmd.store.index, "POOL_THRESHOLD", 10)
    assert empty(refresh(pooled))


def test_a_schema_change_needs_a_new_cache_version() -> None:
    """The schema a cache version has used is recorded: changing the SQL without a new
    INDEX_VERSION (and its fingerprint) fails here, before users get a cache of the old shape."""
    from netzmd.store.index import INDEX_VERSION, SCHEMA_FINGERPRINTS, schema_fingerprint

    now = schema_fingerprint()
    assert SCHEMA_FINGERPRINTS.get(INDEX_VERSION) == now, (
        f"the index schema changed: bump INDEX_VERSION to {INDEX_VERSION + 1} and add "
        f"{INDEX_VERSION + 1}: {now!r} to SCHEMA_FINGERPRINTS"
    )
    assert max(SCHEMA_FINGERPRINTS) == INDEX_VERSION
    older = [v for v, fp in SCHEMA_FINGERPRINTS.items() if fp == now and v != INDEX_VERSION]
    assert not older, f"version {older} had this schema already: the version was bumped back?"
    assert schema_fingerprint("CREATE TABLE a (x);") != schema_fingerprint("CREATE TABLE a (y);")
    assert schema_fingerprint("CREATE  TABLE\na (x);") == schema_fingerprint("CREATE TABLE a (x);")
