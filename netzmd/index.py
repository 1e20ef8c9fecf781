"""The disposable cache: a SQLite file in ``.netzmd/`` that mirrors the notes.

Each row is keyed on the file's path and stat (size, mtime_ns, ctime_ns, inode). A file whose stat
is unchanged is not read again, except when its mtime is so close to the moment it was indexed
that a second edit within the same timestamp tick could hide behind it ("racy"): then its content
hash decides. Every command calls ``refresh()`` first, which parses only added and changed files
and drops removed ones. Deleting ``.netzmd/`` loses nothing. When the cache cannot be written (a
read-only vault) the index lives in memory for the one run.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netzmd.model import Problem, core_json, static_json
from netzmd.vault import StatKey, Vault, scan_notes

# Bump whenever the schema or what the parser stores changes: the cache is then rebuilt.
INDEX_VERSION = 3
RACY_NS = 3_000_000_000  # covers coarse file systems (FAT: 2 s)
DB_NAME = "index.sqlite"

_SCHEMA = """
CREATE TABLE notes (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
    ino INTEGER NOT NULL, seen_ns INTEGER NOT NULL, hash BLOB NOT NULL,
    ok INTEGER NOT NULL,          -- 0: the file has an error now (contact columns: last good)
    problems TEXT NOT NULL,       -- JSON [[line, severity, message], ...]
    id TEXT, name TEXT, sort_key TEXT, circle TEXT, company TEXT, archived INTEGER,
    aliases TEXT,                 -- JSON list
    core TEXT,                    -- JSON: what date rules need (model.core_json)
    head TEXT, tail TEXT,         -- the contact's JSON, split where the date-dependent keys go
    in_fts INTEGER NOT NULL DEFAULT 0  -- 1: the note's text is in the fts table
);
CREATE INDEX notes_sort ON notes(sort_key);
CREATE VIRTUAL TABLE fts USING fts5(
    name, fields, body, tokenize = 'unicode61 remove_diacritics 2'
);
"""

ProgressFn = Callable[[int, int], None]


@dataclass(slots=True)
class RefreshStats:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    cached: bool = True  # False: the index is in memory only (read-only vault)


def sort_key(name: str) -> str:
    from netzmd.names import fold

    return fold(name)


class Index:
    """The vault's notes as rows. Use as a context manager or call ``close()``."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.scan_problems: list[Problem] = []
        self.db, self.persistent = _open(vault.cache / DB_NAME)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.rollback()
            raise
        self.db.commit()

    def _start_afresh(self) -> None:
        """The cache file turned out damaged: throw it away and build a new one."""
        self.db.close()
        file = self.vault.cache / DB_NAME
        try:
            for suffix in ("", "-wal", "-shm"):
                Path(str(file) + suffix).unlink(missing_ok=True)
            self.db, self.persistent = _connect(str(file)), True
        except (OSError, sqlite3.Error):
            self.db, self.persistent = _connect(":memory:"), False

    def refresh(
        self, progress: ProgressFn | None = None, only: set[str] | None = None
    ) -> RefreshStats:
        """Bring the rows in line with the files. ``only``: limit the work to these paths."""
        try:
            return self._refresh(progress, only)
        except sqlite3.DatabaseError as exc:
            if not (self.persistent and _damaged(exc)):
                raise
        self._start_afresh()
        return self._refresh(progress, only)

    def _refresh(self, progress: ProgressFn | None, only: set[str] | None) -> RefreshStats:
        started = time.time_ns()
        scan = scan_notes(self.vault)
        self.scan_problems = scan.problems
        disk = scan.files
        known: dict[str, tuple[Any, ...]] = {
            row[0]: row[1:]
            for row in self.db.execute(
                "SELECT path, size, mtime_ns, ctime_ns, ino, seen_ns, hash FROM notes"
            )
        }
        stats = RefreshStats(cached=self.persistent)
        suspects: list[str] = []  # stat changed or racy: the content hash decides
        for path, key in disk.items():
            if only is not None and path not in only:
                continue
            old = known.get(path)
            if old is None:
                stats.added.append(path)
            elif key != tuple(old[:4]) or key[1] + RACY_NS > old[4]:
                suspects.append(path)
            else:
                stats.unchanged += 1
        stats.removed = [p for p in known if p not in disk and (only is None or p in only)]
        if not stats.added and not suspects and not stats.removed:
            return stats
        work = stats.added + suspects
        total = len(work)
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            rows: list[tuple[Any, ...]] = []
            touched: list[tuple[Any, ...]] = []
            for done, path in enumerate(work, 1):
                if progress is not None and done % 200 == 0:
                    progress(done, total)
                try:
                    data = _read(self.vault.root / path)
                except OSError as exc:  # no permission, an I/O error: this note's problem
                    if path in known:
                        stats.changed.append(path)
                    rows.append(_unreadable(path, disk[path], started, exc))
                    continue
                if data is None:  # vanished between scan and read
                    if path in known:
                        stats.removed.append(path)
                    continue
                digest = hashlib.blake2b(data, digest_size=16).digest()
                key = disk[path]
                old = known.get(path)
                if old is not None and old[5] == digest:
                    stats.unchanged += 1
                    touched.append((*key, started, path))
                    continue
                if old is not None:
                    stats.changed.append(path)
                rows.append(_row(path, key, started, digest, data))
            if progress is not None and total >= 200:
                progress(total, total)
            with self._write() as db:
                if touched:
                    db.executemany(
                        "UPDATE notes SET size=?, mtime_ns=?, ctime_ns=?, ino=?, seen_ns=? "
                        "WHERE path=?",
                        touched,
                    )
                changed_paths = [(p,) for p in stats.changed + stats.removed]
                db.executemany(
                    "DELETE FROM fts WHERE rowid = "
                    "(SELECT rowid FROM notes WHERE path=? AND in_fts=1)",
                    changed_paths,
                )
                db.executemany("DELETE FROM notes WHERE path=?", [(p,) for p in stats.removed])
                db.executemany(_UPSERT_OK, [r for r in rows if r[7]])
                db.executemany(_UPSERT_BROKEN, [r[:9] for r in rows if not r[7]])
        finally:
            if gc_was_enabled:
                gc.enable()
        return stats

    # --- reading -----------------------------------------------------------------------------

    def problems(self) -> list[Problem]:
        out = list(self.scan_problems)
        for path, blob in self.db.execute(
            "SELECT path, problems FROM notes WHERE problems != '[]'"
        ):
            out.extend(Problem(path, line, sev, msg) for line, sev, msg in json.loads(blob))
        return out

    def count(self) -> tuple[int, int]:
        """(notes, notes with an error)."""
        row = self.db.execute("SELECT count(*), count(*) - sum(ok) FROM notes").fetchone()
        return int(row[0]), int(row[1] or 0)

    def cores(self, *, archived: bool = False, stale: bool = False) -> list[dict[str, Any]]:
        """The date-rule view of every contact, in name order. ``stale``: include the last good
        version of notes that are broken now."""
        sql = "SELECT core FROM notes WHERE core IS NOT NULL"
        if not stale:
            sql += " AND ok=1"
        if not archived:
            sql += " AND archived=0"
        loads = json.loads
        return [loads(row[0]) for row in self.db.execute(sql + " ORDER BY sort_key, path")]

    def documents(self, paths: list[str]) -> dict[str, tuple[str, str]]:
        """The stored JSON halves (head, tail) of these contacts."""
        out: dict[str, tuple[str, str]] = {}
        for start in range(0, len(paths), 500):
            chunk = paths[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for path, head, tail in self.db.execute(
                f"SELECT path, head, tail FROM notes WHERE path IN ({marks})", chunk
            ):
                out[path] = (head, tail)
        return out

    def all_documents(self) -> dict[str, tuple[str, str]]:
        return {
            path: (head, tail)
            for path, head, tail in self.db.execute(
                "SELECT path, head, tail FROM notes WHERE ok=1 AND head IS NOT NULL"
            )
        }

    def contact(self, path: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT head, tail FROM notes WHERE path=?", (path,)).fetchone()
        if row is None or row[0] is None:
            return None
        result: dict[str, Any] = json.loads(row[0] + "}")
        result.update(json.loads("{" + row[1]))
        return result

    def names(self) -> list[tuple[str, str, str, list[str], bool]]:
        """(path, id, name, aliases, archived) of every readable contact."""
        return [
            (path, ident, name, json.loads(aliases), bool(archived))
            for path, ident, name, aliases, archived in self.db.execute(
                "SELECT path, id, name, aliases, archived FROM notes WHERE ok=1 AND id IS NOT NULL"
            )
        ]

    # --- full text ---------------------------------------------------------------------------

    def search(self, query: str, limit: int) -> list[tuple[str, float]]:
        """(path, rank) of the best matches; lower rank is better."""
        try:
            return self._search(query, limit)
        except sqlite3.DatabaseError as exc:
            if not (self.persistent and _damaged(exc)):
                raise
        self._start_afresh()
        self._refresh(None, None)
        return self._search(query, limit)

    def _search(self, query: str, limit: int) -> list[tuple[str, float]]:
        self._sync_fts()
        from netzmd.names import fts_query

        match = fts_query(query)
        if match is None:
            return []
        return [
            (path, rank)
            for path, rank in self.db.execute(
                "SELECT notes.path, bm25(fts, 10.0, 3.0, 1.0) AS r FROM fts "
                "JOIN notes ON notes.rowid = fts.rowid WHERE fts MATCH ? ORDER BY r LIMIT ?",
                (match, limit),
            )
        ]

    def _sync_fts(self) -> None:
        """Full-text rows are built on first search, then kept for unchanged notes."""
        pending = self.db.execute(
            "SELECT rowid, path, name, aliases FROM notes "
            "WHERE in_fts=0 AND ok=1 AND id IS NOT NULL"
        ).fetchall()
        if not pending:
            return
        from netzmd.names import fts_fold
        from netzmd.note import decode, split_front_matter

        rows = []
        for rowid, path, name, aliases in pending:
            try:
                data = _read(self.vault.root / path) or b""
            except OSError:
                data = b""
            text = decode(path, data)[0] or ""
            try:
                fm, _, body_line = split_front_matter(text)
            except ValueError:
                fm, body_line = None, 1
            body = "\n".join(text.split("\n")[body_line - 1 :])
            names = " ".join([name, *json.loads(aliases), path.rsplit("/", 1)[-1][:-3]])
            rows.append((rowid, fts_fold(names), fts_fold(fm or ""), fts_fold(body)))
        with self._write() as db:
            db.executemany("INSERT INTO fts(rowid, name, fields, body) VALUES (?,?,?,?)", rows)
            db.executemany("UPDATE notes SET in_fts=1 WHERE rowid=?", [(r[0],) for r in rows])


_UPSERT_OK = """
INSERT INTO notes (path, size, mtime_ns, ctime_ns, ino, seen_ns, hash, ok, problems,
                   id, name, sort_key, circle, company, archived, aliases, core, head, tail, in_fts)
VALUES (?,?,?,?,?,?,?,?,?, ?,?,?,?,?,?,?,?,?,?, 0)
ON CONFLICT(path) DO UPDATE SET
    size=excluded.size, mtime_ns=excluded.mtime_ns, ctime_ns=excluded.ctime_ns,
    ino=excluded.ino, seen_ns=excluded.seen_ns, hash=excluded.hash, ok=excluded.ok,
    problems=excluded.problems, id=excluded.id, name=excluded.name,
    sort_key=excluded.sort_key, circle=excluded.circle, company=excluded.company,
    archived=excluded.archived, aliases=excluded.aliases, core=excluded.core,
    head=excluded.head, tail=excluded.tail, in_fts=0
"""

# A note that is broken now keeps its last good contact columns.
_UPSERT_BROKEN = """
INSERT INTO notes (path, size, mtime_ns, ctime_ns, ino, seen_ns, hash, ok, problems)
VALUES (?,?,?,?,?,?,?,?,?)
ON CONFLICT(path) DO UPDATE SET
    size=excluded.size, mtime_ns=excluded.mtime_ns, ctime_ns=excluded.ctime_ns,
    ino=excluded.ino, seen_ns=excluded.seen_ns, hash=excluded.hash, ok=0,
    problems=excluded.problems
"""


def _row(path: str, key: StatKey, seen_ns: int, digest: bytes, data: bytes) -> tuple[Any, ...]:
    from netzmd.note import parse_note

    parsed = parse_note(path, data)
    problems = json.dumps([[p.line, p.severity, p.message] for p in parsed.problems])
    base = (path, *key, seen_ns, digest, int(parsed.ok), problems)
    c = parsed.contact
    if c is None:
        return (*base, *(None,) * 10)
    doc = json.dumps(static_json(c), ensure_ascii=False)
    split = doc.index(', "aliases": ')
    return (
        *base,
        c.id,
        c.name,
        sort_key(c.name),
        c.circle,
        c.company,
        int(c.archived),
        json.dumps(c.aliases, ensure_ascii=False),
        json.dumps(core_json(c), ensure_ascii=False),
        doc[:split],
        doc[split + 2 :],
    )


def _unreadable(path: str, key: StatKey, seen_ns: int, exc: OSError) -> tuple[Any, ...]:
    """The row of a note that cannot be read: an error, and the last good contact is kept."""
    reason = exc.strerror or str(exc)
    problems = json.dumps([[1, "error", f"cannot read the note: {reason}"]])
    return (path, *key, seen_ns, b"", 0, problems)


def _read(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, IsADirectoryError):
        return None


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    """SQLITE_CORRUPT or SQLITE_NOTADB: the file is broken, not merely busy or read-only."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and (code & 0xFF) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _open(file: Path) -> tuple[sqlite3.Connection, bool]:
    """The cache database, rebuilt when it is from another version or damaged; in memory when
    the vault cannot be written."""
    try:
        file.parent.mkdir(exist_ok=True)
        return _connect(str(file)), True
    except sqlite3.OperationalError:
        pass  # read-only, locked for too long, or no room: work without a cache this time
    except sqlite3.DatabaseError:  # not a database (damaged): start afresh
        try:
            for suffix in ("", "-wal", "-shm"):
                Path(str(file) + suffix).unlink(missing_ok=True)
            return _connect(str(file)), True
        except (OSError, sqlite3.Error):
            pass
    except OSError:
        pass
    return _connect(":memory:"), False


def _connect(target: str) -> sqlite3.Connection:
    db = sqlite3.connect(target, isolation_level=None, timeout=10)
    try:
        if target != ":memory:":
            db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        if db.execute("PRAGMA user_version").fetchone()[0] != INDEX_VERSION:
            db.execute("BEGIN IMMEDIATE")
            if db.execute("PRAGMA user_version").fetchone()[0] != INDEX_VERSION:
                for (name,) in db.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' "
                    "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'fts_%'"
                ).fetchall():
                    db.execute(f'DROP TABLE IF EXISTS "{name}"')
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version={INDEX_VERSION}")
            db.commit()
        else:  # a cache we cannot write to is no cache: prove that we can
            db.execute("BEGIN IMMEDIATE")
            db.rollback()
    except BaseException:
        db.close()
        raise
    return db


def cache_size(vault: Vault) -> int:
    try:
        return os.path.getsize(vault.cache / DB_NAME)
    except OSError:
        return 0
