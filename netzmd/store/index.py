"""The disposable cache: a SQLite file in ``.netzmd/`` that mirrors the notes.

Each row is keyed on the file's path and stat (size, mtime_ns, ctime_ns, inode). A file whose stat
is unchanged is not read again, except when its mtime is so close to the moment it was indexed
that a second edit within the same timestamp tick could hide behind it ("racy"): then its content
hash decides. Every command calls ``refresh()`` first, which parses only added and changed files
and drops removed ones. After a refresh in which no note was racy the scan itself is kept (the
``listing`` table): while the next scan gives the same bytes, no row needs comparing. Deleting
``.netzmd/`` loses nothing. When the cache cannot be written (a read-only folder, a full disk)
the index lives in memory for the one run, starting from a copy of the cache where it can still
be read, and says so once (``warnings``).

A note that becomes unreadable keeps its last good version (contact columns, document, dates and
follow-ups) until it reads again; its row says ``ok=0`` and holds the error. Commands read those
versions with ``stale=True`` (``id`` is NULL for a note that never read without errors).
"""

from __future__ import annotations

import gc
import json
import marshal
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netzmd.model.contact import Contact, Problem, seen_text, static_json
from netzmd.vault import StatKey, Vault, scan_notes

if TYPE_CHECKING:
    from netzmd.model.agenda import Sources

# Bump whenever the schema or what the parser stores changes: the cache is then rebuilt. The
# fingerprint (``schema_fingerprint``) of the schema each version has used is recorded below; a
# test fails when the schema changes without a new version.
INDEX_VERSION = 15
SCHEMA_FINGERPRINTS = {13: "df31f764eccf653a", 14: "85b2d45ff6f8cbe0", 15: "fc930bcf09325566"}
RACY_NS = 3_000_000_000  # covers coarse file systems (FAT: 2 s)
DB_NAME = "index.sqlite"
BUSY_MS = 10_000  # how long to wait for another process writing the cache

_SCHEMA = """
CREATE TABLE notes (
    path TEXT PRIMARY KEY,
    stat TEXT NOT NULL,           -- "size:mtime_ns:ctime_ns:inode", "racy " first when the
                                  -- file was written too close to indexing to trust it
    hash BLOB NOT NULL,
    ok INTEGER NOT NULL,          -- 0: the file has an error now (contact columns: last good)
    problems TEXT NOT NULL,       -- JSON [[line, severity, message], ...]
    id TEXT, name TEXT, sort_key TEXT, circle TEXT, company TEXT, role TEXT,
    archived INTEGER,
    tags TEXT,                    -- newline-separated
    aliases TEXT,                 -- JSON list
    cadence TEXT, last_contact TEXT, snooze_until TEXT,
    seen TEXT,                    -- interaction dates, newest first, comma-separated
    former TEXT,                  -- earlier companies as written, newline-separated
    vouches INTEGER, offers TEXT, offer_date TEXT, introduced_by TEXT,
    in_fts INTEGER NOT NULL DEFAULT 0  -- 1: the note's text is in the fts table
);
CREATE INDEX notes_sort ON notes(sort_key);
-- the few notes with problems, found without a look at the others
CREATE INDEX notes_problems ON notes(path) WHERE problems != '[]';
CREATE INDEX notes_broken ON notes(path) WHERE ok = 0;
-- the contact's JSON (UTF-8), split where the date-dependent keys go, kept apart so that
-- scanning notes stays fast
CREATE TABLE docs (path TEXT PRIMARY KEY, head BLOB NOT NULL, tail BLOB NOT NULL);
-- birthdays and labelled dates, md = month * 100 + day
CREATE TABLE events (
    path TEXT NOT NULL, label TEXT NOT NULL, birthday INTEGER NOT NULL, md INTEGER NOT NULL,
    iso TEXT NOT NULL
);
CREATE INDEX events_md ON events(md);
CREATE INDEX events_path ON events(path);
-- open follow-ups
CREATE TABLE tasks (path TEXT NOT NULL, due TEXT, text TEXT NOT NULL, line INTEGER NOT NULL);
CREATE INDEX tasks_due ON tasks(due);
CREATE INDEX tasks_path ON tasks(path);
-- the last full scan (path: stat key, marshalled) after which every note was indexed and none
-- was racy: while a scan gives the same bytes, nothing changed and no row needs a look
CREATE TABLE listing (data BLOB NOT NULL);
-- company names and their keys (model.companies.company_key, of its KEY_VERSION): worked out
-- once, so that the agenda's gates and the companies report need not load cleanco again
CREATE TABLE company_keys (
    name TEXT PRIMARY KEY, version INTEGER NOT NULL, key TEXT NOT NULL
) WITHOUT ROWID;
CREATE VIRTUAL TABLE fts USING fts5(
    name, fields, body, tokenize = 'unicode61 remove_diacritics 2'
);
"""


def schema_fingerprint(schema: str = _SCHEMA) -> str:
    """The first 16 hex digits of the SHA-256 of the schema's SQL, white space folded."""
    import hashlib

    return hashlib.sha256(" ".join(schema.split()).encode("utf-8")).hexdigest()[:16]


LIST_COLUMNS = (
    "path, id, name, circle, company, role, archived, tags, cadence, last_contact, seen, sort_key"
)

# What the companies report and the agenda's gates read of each contact (``work_rows``).
WORK_COLUMNS = (
    "path, id, name, sort_key, circle, tags, company, role, former, vouches, offers, offer_date,"
    " introduced_by, cadence, last_contact, seen, aliases"
)

# Below this many notes to parse, one process does it; above, a pool of workers.
POOL_THRESHOLD = 1500

ProgressFn = Callable[[int, int], None]


@dataclass(slots=True)
class RefreshStats:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    cached: bool = True  # False: the index is in memory only (the cache cannot be written)


def sort_key(name: str) -> str:
    from netzmd.model.names import fold

    return fold(name)


class Index:
    """The vault's notes as rows. Use as a context manager or call ``close()``."""

    def __init__(self, vault: Vault, *, warn: Callable[[str], None] | None = None) -> None:
        """``warn``: called with each warning as it happens (they are kept in ``warnings``)."""
        self.vault = vault
        self.scan_problems: list[Problem] = []
        # What a person should hear once: the cache could not be written, say.
        self.warnings: list[str] = []
        self._warn = warn
        self.db, self.persistent, reason = _open(vault.cache / DB_NAME)
        if reason is not None:
            self._warn_memory(reason)

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
        except (OSError, sqlite3.Error) as exc:
            self.db, self.persistent = _connect(":memory:"), False
            self._warn_memory(_reason(exc))

    def _to_memory(self, exc: sqlite3.Error) -> None:
        """The cache cannot be written (a full disk, a read-only folder): go on in memory from
        a copy of what it holds, so that the last good versions of broken notes survive."""
        memory = _connect(":memory:")
        try:
            self.db.backup(memory)
        except sqlite3.Error:  # unreadable as well: start from nothing
            memory.close()
            memory = _connect(":memory:")
        self.db.close()
        self.db, self.persistent = memory, False
        self._warn_memory(_reason(exc))

    def _warn_memory(self, reason: str) -> None:
        where = self.vault.cache / DB_NAME
        if "full" not in reason:  # SQLite may only say "disk I/O error"
            try:
                space = os.statvfs(where.parent if where.parent.is_dir() else self.vault.root)
            except OSError:
                pass
            else:
                if space.f_bavail == 0:
                    reason += ": the disk is full"
        try:
            shown = where.relative_to(self.vault.root).as_posix()
        except ValueError:
            shown = str(where)
        warning = (
            f"cannot write the index cache {shown} ({reason}); working from memory this time, "
            "which is slower"
        )
        self.warnings.append(warning)
        if self._warn is not None:
            self._warn(warning)

    def refresh(
        self, progress: ProgressFn | None = None, only: set[str] | None = None
    ) -> RefreshStats:
        """Bring the rows in line with the files. ``only``: limit the work to these paths."""
        try:
            return self._refresh(progress, only)
        except sqlite3.DatabaseError as exc:
            if self.persistent and _unwritable(exc):
                self._to_memory(exc)
                return self._refresh(progress, only)
            if not (self.persistent and _damaged(exc)):
                raise
        self._start_afresh()
        return self._refresh(progress, only)

    def _refresh(self, progress: ProgressFn | None, only: set[str] | None) -> RefreshStats:
        started = time.time_ns()
        scan = scan_notes(self.vault)
        self.scan_problems = scan.problems
        disk = scan.files
        listing = None  # this scan, when it may become the stored one
        previous = None  # the stored scan: every row, with its trusted stat key
        if only is None and self.persistent:
            listing = marshal.dumps(disk)
            row = self.db.execute("SELECT data FROM listing").fetchone()
            if row is not None and row[0] == listing:
                return RefreshStats(unchanged=len(disk))
            previous = _unmarshal(row[0]) if row is not None else None
            if any(key[1] + RACY_NS > started for key in disk.values()):
                listing = None
        stats = RefreshStats(cached=self.persistent)
        suspects: list[str] = []  # stat changed or racy: the content hash decides
        known: Mapping[str, object]
        if previous is not None:  # compare the two scans as sets, in C
            known = previous
            differ = {path for path, _ in disk.items() - previous.items()}
            for path in (p for p in disk if p in differ) if differ else ():
                (suspects if path in previous else stats.added).append(path)
            stats.unchanged = len(disk) - len(differ)
            gone = previous.keys() - disk.keys()
            stats.removed = [p for p in previous if p in gone] if gone else []
        else:
            known = dict(self.db.execute("SELECT path, stat FROM notes"))
            for path, key in disk.items():
                if only is not None and path not in only:
                    continue
                old = known.get(path)
                if old is None:
                    stats.added.append(path)
                elif old != f"{key[0]}:{key[1]}:{key[2]}:{key[3]}":
                    suspects.append(path)
                else:
                    stats.unchanged += 1
            stats.removed = [p for p in known if p not in disk and (only is None or p in only)]
        if not stats.added and not suspects and not stats.removed:
            if listing is not None:
                self._keep_listing(listing)
            return stats
        hashes: dict[str, bytes] = (
            dict(self.db.execute("SELECT path, hash FROM notes")) if suspects else {}
        )
        work = [(path, disk[path], hashes.get(path)) for path in stats.added + suspects]
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            with self._write() as db:
                db.execute("DELETE FROM listing")
                _delete(db, stats.removed)
                for outcomes in _parse_all(str(self.vault.root), work, started, progress):
                    rows: list[Row] = []
                    touched: list[tuple[str, str]] = []
                    vanished: list[str] = []
                    for path, key, digest, row in outcomes:
                        if row is None and digest is None:  # deleted between scan and read
                            if path in known:
                                vanished.append(path)
                        elif row is None:  # touched, or racy: same bytes, not parsed again
                            stats.unchanged += 1
                            touched.append((_stat_text(key, started), path))
                        else:
                            if path in known:
                                stats.changed.append(path)
                            rows.append(row)
                    stats.removed.extend(vanished)
                    _delete(db, vanished)
                    _store(db, rows, touched, known)
                if listing is not None:
                    db.execute("INSERT INTO listing VALUES (?)", (listing,))
        finally:
            if gc_was_enabled:
                gc.enable()
        return stats

    def _keep_listing(self, listing: bytes) -> None:
        """Store a scan that matched the rows, unless another process is writing: this only
        saves time later, so it never waits for a lock."""
        self.db.execute("PRAGMA busy_timeout=0")
        try:
            with self._write() as db:
                db.execute("DELETE FROM listing")
                db.execute("INSERT INTO listing VALUES (?)", (listing,))
        except sqlite3.OperationalError:
            pass
        finally:
            self.db.execute(f"PRAGMA busy_timeout={BUSY_MS}")

    # --- reading -----------------------------------------------------------------------------

    def problems(self, path: str | None = None) -> list[Problem]:
        """Every problem of the notes (or of the note at ``path``) and of the last scan."""
        out = [p for p in self.scan_problems if path is None or p.path == path]
        sql = "SELECT path, problems FROM notes INDEXED BY notes_problems WHERE problems != '[]'"
        rows = self.db.execute(sql + " AND path=?", (path,)) if path else self.db.execute(sql)
        for note_path, blob in rows:
            out.extend(Problem(note_path, line, sev, msg) for line, sev, msg in json.loads(blob))
        return out

    def broken(self) -> list[tuple[Problem, bool]]:
        """The notes that cannot be read now, by path, each with its first error and whether a
        last good version of it is kept; then the files the scan could not take (none kept)."""
        out: list[tuple[Problem, bool]] = []
        for path, blob, kept in self.db.execute(
            "SELECT path, problems, id IS NOT NULL FROM notes INDEXED BY notes_broken WHERE ok=0"
            " ORDER BY path"
        ):
            errors = [p for p in json.loads(blob) if p[1] == "error"] or [[1, "error", "?"]]
            line, severity, message = errors[0]
            out.append((Problem(path, line, severity, message), bool(kept)))
        out.extend((p, False) for p in self.scan_problems if p.severity == "error")
        return out

    def hashes(self) -> dict[str, bytes]:
        """Every indexed note's content hash, by path: what changed between two refreshes."""
        return {
            path: bytes(digest) for path, digest in self.db.execute("SELECT path, hash FROM notes")
        }

    def count(self) -> tuple[int, int]:
        """(notes, notes with an error)."""
        row = self.db.execute("SELECT count(*), count(*) - sum(ok) FROM notes").fetchone()
        return int(row[0]), int(row[1] or 0)

    def cores(
        self,
        *,
        archived: bool = False,
        stale: bool = False,
        path: str | None = None,
    ) -> list[dict[str, Any]]:
        """The date-rule records of contacts (``model.core_json``'s shape), in name order.

        ``stale``: include the last good version of notes that are broken now. ``path``: only
        that note."""
        where = ["id IS NOT NULL"]
        args: list[Any] = []
        if not stale:
            where.append("ok=1")
        if not archived:
            where.append("archived=0")
        if path is not None:
            where.append("path=?")
            args.append(path)
        sql = (
            "SELECT path, id, name, circle, tags, company, role, archived, cadence, last_contact,"
            " seen, snooze_until, sort_key FROM notes WHERE " + " AND ".join(where)
        )
        tasks: dict[str, list[list[Any]]] = {}
        birthdays: dict[str, str] = {}
        dates: dict[str, dict[str, str]] = {}
        self._details(path, tasks, birthdays, dates)
        out = []
        no_dates: dict[str, str] = {}
        rows = self.db.execute(sql, args).fetchall()  # storage order, sorted here: quicker
        rows.sort(key=_by_name)
        for row in rows:
            p = row[0]
            out.append(
                {
                    "id": row[1],
                    "name": row[2],
                    "sort_key": row[12],
                    "path": p,
                    "circle": row[3],
                    "tags": row[4].split("\n") if row[4] else [],
                    "company": row[5],
                    "role": row[6],
                    "archived": bool(row[7]),
                    "cadence": row[8],
                    "last_contact": row[9],
                    "seen": row[10],
                    "snooze_until": row[11],
                    "birthday": birthdays.get(p),
                    "dates": dates.get(p, no_dates),
                    "follow_ups": tasks.get(p, []),
                }
            )
        return out

    def agenda_sources(
        self,
        *,
        stale: bool = False,
        tasks_until: str | None = None,
        event_days: list[int] | None = None,
    ) -> Sources:
        """What an agenda is made of (``agenda.Sources``), in storage order: the contacts that
        are not archived, and the follow-ups due by ``tasks_until`` and the dates on
        ``event_days`` (month * 100 + day), both limited to what the window can show. ``stale``:
        the last good version of notes that are broken now."""
        from netzmd.model.agenda import Event, Person, Sources, Task

        where = "id IS NOT NULL AND archived=0" + ("" if stale else " AND ok=1")
        rows = self.db.execute(
            "SELECT path, id, name, sort_key, circle, tags, cadence, last_contact, seen,"
            f" snooze_until, company, former, vouches, offers FROM notes WHERE {where}"
        )
        people = list(map(Person._make, rows))
        task_sql = "SELECT path, due, text, line FROM tasks WHERE due IS NOT NULL"
        task_args: list[Any] = []
        if tasks_until is not None:
            task_sql += " AND due <= ?"
            task_args.append(tasks_until)
        tasks = list(map(Task._make, self.db.execute(task_sql + " ORDER BY rowid", task_args)))
        event_sql = "SELECT path, label, birthday, iso FROM events"
        if event_days is not None:
            event_sql += f" WHERE md IN ({','.join(str(int(d)) for d in event_days)})"
        events = [
            Event(path, label, bool(birthday), iso)
            for path, label, birthday, iso in self.db.execute(event_sql + " ORDER BY rowid")
        ]
        return Sources(people, tasks, events)

    def _details(
        self,
        path: str | None,
        tasks: dict[str, list[list[Any]]],
        birthdays: dict[str, str],
        dates: dict[str, dict[str, str]],
    ) -> None:
        where, args = ("WHERE path=?", (path,)) if path is not None else ("", ())
        for task_path, due, text, line in self.db.execute(
            f"SELECT path, due, text, line FROM tasks {where} ORDER BY rowid", args
        ):
            tasks.setdefault(task_path, []).append([due, text, line])
        for event_path, label, is_birthday, iso in self.db.execute(
            f"SELECT path, label, birthday, iso FROM events {where} ORDER BY rowid", args
        ):
            if is_birthday:
                birthdays[event_path] = iso
            else:
                dates.setdefault(event_path, {})[label] = iso

    def list_rows(
        self,
        *,
        archived: bool = False,
        documents: bool = False,
        columns: str = LIST_COLUMNS,
        stale: bool = False,
    ) -> tuple[list[tuple[Any, ...]], dict[str, tuple[str, bytes, bytes]]]:
        """What lists need, in name order: rows of ``columns`` (by default ``LIST_COLUMNS``; the
        first must be path, the last sort_key), and, when ``documents``, each contact's stored
        JSON halves (UTF-8 bytes) by path, as (path, head, tail). ``stale``: include the last
        good version of notes that are broken now."""
        sql = f"SELECT {columns} FROM notes WHERE id IS NOT NULL" + ("" if stale else " AND ok=1")
        if not archived:
            sql += " AND archived=0"
        # Both tables are read in storage order and matched by path: far quicker than a join
        # that jumps between the name index and two tables for every row.
        rows = self.db.execute(sql).fetchall()
        rows.sort(key=_by_name)
        docs: dict[str, tuple[str, bytes, bytes]] = {}
        if documents:
            docs = {row[0]: row for row in self.db.execute("SELECT path, head, tail FROM docs")}
        return rows, docs

    def work_rows(self, *, stale: bool = False) -> list[tuple[Any, ...]]:
        """The contacts that are not archived as the companies report and the agenda's gates
        read them (``WORK_COLUMNS``), in storage order. ``stale``: the last good version of
        notes that are broken now."""
        where = "id IS NOT NULL AND archived=0" + ("" if stale else " AND ok=1")
        return self.db.execute(f"SELECT {WORK_COLUMNS} FROM notes WHERE {where}").fetchall()

    def introduced_by_rows(self, *, stale: bool = True) -> list[tuple[str, str, str, str]]:
        """(path, id, name, introduced_by) of every contact whose note names who introduced
        them (the link's target, as written)."""
        where = "id IS NOT NULL AND introduced_by IS NOT NULL" + ("" if stale else " AND ok=1")
        return self.db.execute(
            f"SELECT path, id, name, introduced_by FROM notes WHERE {where} ORDER BY sort_key"
        ).fetchall()

    def company_keys(self, version: int) -> dict[str, str]:
        """The company names whose key (of ``version``) was worked out before: name: key."""
        return dict(
            self.db.execute("SELECT name, key FROM company_keys WHERE version=?", (version,))
        )

    def keep_company_keys(self, version: int, keys: Mapping[str, str]) -> None:
        """Keep keys worked out in this run, unless another process is writing: this only
        saves time later, so it never waits for a lock (nor fails on a read-only cache)."""
        if not keys:
            return
        self.db.execute("PRAGMA busy_timeout=0")
        try:
            with self._write() as db:
                db.executemany(
                    "INSERT OR REPLACE INTO company_keys VALUES (?,?,?)",
                    [(name, version, key) for name, key in keys.items()],
                )
        except sqlite3.Error:
            pass
        finally:
            self.db.execute(f"PRAGMA busy_timeout={BUSY_MS}")

    def all_documents(self, *, stale: bool = False) -> dict[str, tuple[bytes, bytes]]:
        return {
            path: (head, tail)
            for path, head, tail in self.db.execute(
                "SELECT d.path, head, tail FROM docs d JOIN notes n ON n.path = d.path"
                + ("" if stale else " WHERE ok=1")
            )
        }

    def contact(self, path: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT head, tail FROM docs WHERE path=?", (path,)).fetchone()
        if row is None:
            return None
        result: dict[str, Any] = json.loads(row[0] + b"}")
        result.update(json.loads(b"{" + row[1]))
        return result

    def names(self, *, stale: bool = False) -> list[tuple[str, str, str, list[str], bool]]:
        """(path, id, name, aliases, archived) of every readable contact; ``stale``: and the last
        good version of every note that is broken now."""
        return [
            (path, ident, name, json.loads(aliases), bool(archived))
            for path, ident, name, aliases, archived in self.db.execute(
                "SELECT path, id, name, aliases, archived FROM notes WHERE id IS NOT NULL"
                + ("" if stale else " AND ok=1")
            )
        ]

    # --- full text ---------------------------------------------------------------------------

    def search(self, query: str, limit: int) -> list[tuple[str, float]]:
        """(path, rank) of the best matches; lower rank is better."""
        try:
            return self._search(query, limit)
        except sqlite3.DatabaseError as exc:
            if self.persistent and _unwritable(exc):
                self._to_memory(exc)
                return self._search(query, limit)
            if not (self.persistent and _damaged(exc)):
                raise
        self._start_afresh()
        self._refresh(None, None)
        return self._search(query, limit)

    def _search(self, query: str, limit: int) -> list[tuple[str, float]]:
        self._sync_fts()
        from netzmd.model.names import fts_query

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
        """Full-text rows are built on first search, then kept for unchanged notes. A note that
        is broken now is found by its text as it is, under its last good names."""
        pending = self.db.execute(
            "SELECT rowid, path, name, aliases FROM notes WHERE in_fts=0 AND id IS NOT NULL"
        ).fetchall()
        if not pending:
            return
        from netzmd.model.names import fts_fold
        from netzmd.notes.note import decode, split_front_matter

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


_CONTACT_COLUMNS = (
    "id, name, sort_key, circle, company, role, archived, tags, aliases, cadence, last_contact,"
    " snooze_until, seen, former, vouches, offers, offer_date, introduced_by"
)
_CONTACT_UPDATES = ", ".join(f"{c}=excluded.{c}" for c in _CONTACT_COLUMNS.split(", "))
_CONTACT_VALUES = ",".join("?" * len(_CONTACT_COLUMNS.split(", ")))
_UPSERT_OK = f"""
INSERT INTO notes (path, stat, hash, ok, problems, {_CONTACT_COLUMNS}, in_fts)
VALUES (?,?,?,?,?, {_CONTACT_VALUES}, 0)
ON CONFLICT(path) DO UPDATE SET
    stat=excluded.stat, hash=excluded.hash, ok=excluded.ok,
    problems=excluded.problems, {_CONTACT_UPDATES}, in_fts=0
"""

# A note that is broken now keeps its last good contact columns; its text as it is now goes into
# the full-text index on the next search.
_UPSERT_BROKEN = """
INSERT INTO notes (path, stat, hash, ok, problems)
VALUES (?,?,?,?,?)
ON CONFLICT(path) DO UPDATE SET
    stat=excluded.stat, hash=excluded.hash, ok=0,
    problems=excluded.problems, in_fts=0
"""


def _by_name(row: tuple[Any, ...]) -> tuple[str, str]:
    return row[-1], row[0]


def _delete(db: sqlite3.Connection, paths: list[str]) -> None:
    if not paths:
        return
    gone = [(p,) for p in paths]
    db.executemany(
        "DELETE FROM fts WHERE rowid = (SELECT rowid FROM notes WHERE path=? AND in_fts=1)", gone
    )
    for table in ("notes", "docs", "events", "tasks"):
        db.executemany(f"DELETE FROM {table} WHERE path=?", gone)


def _store(
    db: sqlite3.Connection,
    rows: list[Row],
    touched: list[tuple[str, str]],
    known: Mapping[str, object],
) -> None:
    """Write parsed notes. A broken note's events, tasks and document stay: its last good
    version."""
    if touched:
        db.executemany("UPDATE notes SET stat=? WHERE path=?", touched)
    again = [(r[0][0],) for r in rows if r[0][0] in known]
    if again:
        db.executemany(
            "DELETE FROM fts WHERE rowid = (SELECT rowid FROM notes WHERE path=? AND in_fts=1)",
            again,
        )
    good = [r for r in rows if r[1] is not None]
    replaced = [(r[0][0],) for r in good if r[0][0] in known]
    if replaced:
        db.executemany("DELETE FROM events WHERE path=?", replaced)
        db.executemany("DELETE FROM tasks WHERE path=?", replaced)
    db.executemany(_UPSERT_OK, [r[0] for r in good])
    db.executemany(_UPSERT_BROKEN, [r[0] for r in rows if r[1] is None])
    db.executemany("INSERT OR REPLACE INTO docs VALUES (?,?,?)", [r[1] for r in good if r[1]])
    db.executemany("INSERT INTO events VALUES (?,?,?,?,?)", [e for r in good for e in r[2] or ()])
    db.executemany("INSERT INTO tasks VALUES (?,?,?,?)", [t for r in good for t in r[3] or ()])


# One note's rows: (notes row, docs row, events rows, tasks rows). All but the first are None for
# a broken note, whose last good ones are kept.
Row = tuple[
    tuple[Any, ...],
    tuple[Any, ...] | None,
    list[tuple[Any, ...]] | None,
    list[tuple[Any, ...]] | None,
]


def _row(path: str, key: StatKey, seen_ns: int, digest: bytes, data: bytes) -> Row:
    from netzmd.notes.note import parse_note

    parsed = parse_note(path, data)
    problems = json.dumps([[p.line, p.severity, p.message] for p in parsed.problems])
    base = (path, _stat_text(key, seen_ns), digest, int(parsed.ok), problems)
    c = parsed.contact
    if c is None:
        return base, None, None, None
    doc = json.dumps(static_json(c), ensure_ascii=False)
    split = doc.index(', "aliases": ')
    return (
        (*base, *_columns(c)),
        (path, doc[:split].encode(), doc[split + 2 :].encode()),
        _events(c),
        _tasks(c),
    )


def _columns(c: Contact) -> tuple[Any, ...]:
    return (
        c.id,
        c.name,
        sort_key(c.name),
        c.circle,
        c.company,
        c.role,
        int(c.archived),
        "\n".join(c.tags),
        json.dumps(c.aliases, ensure_ascii=False),
        c.cadence,
        c.last_contact_field.isoformat() if c.last_contact_field else None,
        c.snooze_until.isoformat() if c.snooze_until else None,
        seen_text(c),
        "\n".join(c.former) if c.former else None,
        int(c.vouches),
        c.offers,
        c.offer_date.isoformat() if c.offer_date else None,
        c.introduced_by,
    )


def _events(c: Contact) -> list[tuple[Any, ...]]:
    out = []
    if c.birthday is not None:
        b = c.birthday
        out.append((c.path, "birthday", 1, b.month * 100 + b.day, b.iso()))
    for label, d in c.dates.items():
        out.append((c.path, label, 0, d.month * 100 + d.day, d.iso()))
    return out


def _tasks(c: Contact) -> list[tuple[Any, ...]]:
    return [
        (c.path, f.due.isoformat() if f.due else None, f.text, f.line)
        for f in c.follow_ups
        if not f.done
    ]


def _unmarshal(data: bytes) -> dict[str, StatKey] | None:
    """A stored scan; None when it cannot be read back (a damaged or foreign cache)."""
    try:
        value = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    return value if isinstance(value, dict) else None


def _stat_text(key: StatKey, checked_ns: int) -> str:
    """The stat key as stored. A file modified less than RACY_NS before it was checked could be
    changed again within the same timestamp tick without its stat showing it: it is marked
    racy, so that the next refresh compares its content hash."""
    text = f"{key[0]}:{key[1]}:{key[2]}:{key[3]}"
    return f"racy {text}" if key[1] + RACY_NS > checked_ns else text


# A note to look at: (path, stat key, the content hash indexed before, if any).
Work = tuple[str, StatKey, bytes | None]
# What came of it: (path, stat key, content hash, rows). The hash is None when the note could not
# be read (then rows hold the error) or vanished (no rows either); rows are None when the content
# is the one indexed before.
Outcome = tuple[str, StatKey, bytes | None, Row | None]


def _parse_chunk(root: str, items: list[Work], seen_ns: int) -> list[Outcome]:
    """Read, hash and parse notes (in a worker process for big batches)."""
    import hashlib

    gc.disable()
    out: list[Outcome] = []
    for path, key, old_hash in items:
        try:
            data = _read(Path(root, path))
        except OSError as exc:  # no permission, an I/O error: this note's problem
            out.append((path, key, None, (_unreadable(path, key, seen_ns, exc), None, None, None)))
            continue
        if data is None:
            out.append((path, key, None, None))
            continue
        digest = hashlib.blake2b(data, digest_size=16).digest()
        if digest == old_hash:
            out.append((path, key, digest, None))
        else:
            out.append((path, key, digest, _row(path, key, seen_ns, digest, data)))
    return out


def _parse_all(
    root: str, items: list[Work], seen_ns: int, progress: ProgressFn | None
) -> Iterator[list[Outcome]]:
    """Parse notes chunk by chunk; thousands of them (a cold start) are shared between worker
    processes while this one stores what they send back."""
    total = len(items)
    workers = min(os.cpu_count() or 1, 4)
    chunk = 250
    pieces = [items[start : start + chunk] for start in range(0, total, chunk)]
    done = 0
    if total < POOL_THRESHOLD or workers < 2:
        for piece in pieces:
            yield _parse_chunk(root, piece, seen_ns)
            done += len(piece)
            if progress is not None:
                progress(done, total)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with context.Pool(workers) as pool:
        for outcomes in pool.imap(_parse_star, [(root, piece, seen_ns) for piece in pieces]):
            yield outcomes
            done += len(outcomes)
            if progress is not None:
                progress(done, total)


def _parse_star(args: tuple[str, list[Work], int]) -> list[Outcome]:
    return _parse_chunk(*args)


def _unreadable(path: str, key: StatKey, seen_ns: int, exc: OSError) -> tuple[Any, ...]:
    """The row of a note that cannot be read: an error, and the last good contact is kept."""
    reason = exc.strerror or str(exc)
    problems = json.dumps([[1, "error", f"cannot read the note: {reason}"]])
    return (path, _stat_text(key, seen_ns), b"", 0, problems)


def _read(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, IsADirectoryError):
        return None


def _unwritable(exc: sqlite3.Error) -> bool:
    """The cache cannot be written, as opposed to being busy or damaged: a full disk
    (SQLITE_FULL), a read-only file or folder, an I/O error, a file that cannot be opened."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and (code & 0xFF) in (
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PERM,
    )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    """SQLITE_CORRUPT or SQLITE_NOTADB: the file is broken, not merely busy or read-only."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and (code & 0xFF) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _open(file: Path) -> tuple[sqlite3.Connection, bool, str | None]:
    """The cache database, rebuilt when it is from another version or damaged; in memory when
    it cannot be written, then with the reason why, and a copy of it where it can be read."""
    reason: str
    try:
        file.parent.mkdir(exist_ok=True)
        return _connect(str(file)), True, None
    except sqlite3.OperationalError as exc:  # read-only, no room, or locked for too long
        reason = _reason(exc)
    except sqlite3.DatabaseError:  # not a database (damaged): start afresh
        try:
            for suffix in ("", "-wal", "-shm"):
                Path(str(file) + suffix).unlink(missing_ok=True)
            return _connect(str(file)), True, None
        except (OSError, sqlite3.Error) as exc:
            return _connect(":memory:"), False, _reason(exc)
    except OSError as exc:
        reason = _reason(exc)
    return _copy_in_memory(file), False, reason


def _copy_in_memory(file: Path) -> sqlite3.Connection:
    """An in-memory index that starts from what the cache file holds, when it can be read
    without writing (no room for SQLite's shared-memory file, a read-only folder) and holds no
    unfinished writes of another process; otherwise an empty one."""
    memory = _connect(":memory:")
    try:
        wal = os.stat(str(file) + "-wal").st_size
    except FileNotFoundError:
        wal = 0
    except OSError:
        return memory
    if wal or not file.is_file():
        return memory
    try:
        source = sqlite3.connect(f"{file.absolute().as_uri()}?immutable=1", uri=True)
    except sqlite3.Error:
        return memory
    try:
        if source.execute("PRAGMA user_version").fetchone()[0] == INDEX_VERSION:
            source.backup(memory)
    except sqlite3.Error:
        memory.close()
        memory = _connect(":memory:")
    finally:
        source.close()
    return memory


def _connect(target: str) -> sqlite3.Connection:
    db = sqlite3.connect(target, isolation_level=None, timeout=BUSY_MS / 1000)
    try:
        if target != ":memory:":
            db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA mmap_size=268435456")
        if db.execute("PRAGMA user_version").fetchone()[0] != INDEX_VERSION:
            db.execute("BEGIN IMMEDIATE")
            if db.execute("PRAGMA user_version").fetchone()[0] != INDEX_VERSION:
                for (name,) in db.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' "
                    "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'fts_%'"
                ).fetchall():
                    db.execute(f'DROP TABLE IF EXISTS "{name}"')
                for statement in _SCHEMA.split(";\n"):  # statements end a line, comments don't
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
