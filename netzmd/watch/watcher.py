"""``netzmd watch``: the index and the agenda note stay current while the person edits.

One worker thread owns the index (a SQLite connection belongs to the thread that opened it) and
does all the work: refresh, render, report, commit. Watchdog's observer threads only classify
each file event and hand it over; a short quiet period (the debounce) gathers the events of one
save into one batch. Every batch refreshes the whole index, which is cheap (a stat pass, and only
changed notes are parsed) and makes the outcome independent of how an editor saves: in place,
through a temporary file renamed over the note, vim's backup-and-rename, delete and create, or in
several flushes. What changed is taken from the notes' content hashes before and after, so a
``netzmd`` command that refreshed the shared index meanwhile hides nothing.

The agenda note is rendered after every batch and written only when its content changes, so an
editor showing it does not flicker, and its own write (seen as an event) ends there: the content
on disk is what was written last. A date change (midnight) renders it again without any event; a
full rescan every few minutes catches events that were lost.

Which paths matter, the debounce bookkeeping, what a batch line says and the commit message are
plain functions and classes below, testable without threads. Watchdog is imported only when a
watcher starts.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netzmd.config import CONFIG_NAME, Config
from netzmd.errors import NetzmdError, UsageError
from netzmd.model.contact import Problem
from netzmd.vault import CONTACTS, TEMPLATES, Vault

if TYPE_CHECKING:
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers.api import BaseObserver, ObservedWatch

    from netzmd.model.semdiff import Change
    from netzmd.store.index import Index

Clock = Callable[[], datetime]
Say = Callable[[str], None]

DEBOUNCE_SECONDS = 0.3
LONGEST_WAIT_SECONDS = 2.0  # a steady stream of events still gets a batch this often
RESCAN_SECONDS = 300.0
POLL_SECONDS = 1.0
TICK_SECONDS = 1.0  # how often the date is looked at
RETRY_SECONDS = 1.0  # after a batch failed (the index busy, a disk error)
STARTUP_PROBLEMS = 10  # problems listed at start; the rest is left to 'netzmd check'

# What a path is to the watcher.
NOTE = "note"  # contacts/**.md
FOLDER = "folder"  # a folder under contacts/ (a move takes its notes along)
STRUCTURE = "structure"  # contacts/ or templates/ itself: its watch may need renewing
TEMPLATE = "template"  # a file under templates/
CONFIG = "config"  # netzmd.toml
AGENDA = "agenda"  # the agenda note

_EVENT_TYPES = frozenset({"created", "modified", "deleted", "moved", "closed"})
_JUNK_SUFFIXES = (
    ".swp", ".swo", ".swx", ".swpx", ".tmp", ".temp", ".bak", ".part", ".crswap", ".netzmd-tmp",
)  # fmt: skip


# --- which paths matter ------------------------------------------------------------------------


def is_junk(name: str) -> bool:
    """Hidden files, swap, backup and temporary files of editors: never a note or template."""
    lowered = name.lower()
    return (
        not name
        or name.startswith(".")
        or name.endswith("~")
        or lowered.endswith(_JUNK_SUFFIXES)
        or name == "4913"  # vim's probe whether the folder is writable
        or (name.startswith("#") and name.endswith("#"))  # emacs auto-save
        or "___jb_" in name  # JetBrains safe write
    )


def classify(rel: str, is_dir: bool, agenda: str | None = None) -> str | None:
    """What the vault-relative path ``rel`` is to the watcher, or None to ignore it.

    Anything under a hidden folder (``.git/``, ``.obsidian/``, ``.trash/``, ``.netzmd/``) and
    editors' junk files are ignored; so is every other file outside ``contacts/``,
    ``templates/`` and ``netzmd.toml``, except the agenda note."""
    if not rel:
        return None
    parts = rel.split("/")
    if any(part.startswith(".") for part in parts):
        return None
    if rel == agenda:
        return AGENDA
    if rel in (CONTACTS, TEMPLATES):
        return STRUCTURE
    name = parts[-1]
    if parts[0] == CONTACTS:
        if is_dir:
            return FOLDER
        if is_junk(name) or not name.lower().endswith(".md"):
            return None
        return NOTE
    if parts[0] == TEMPLATES:
        return None if is_junk(name) else TEMPLATE
    if rel == CONFIG_NAME and not is_dir:
        return CONFIG
    return None


def relative(path: str, roots: Iterable[tuple[str, str]]) -> str | None:
    """``path`` as a vault-relative, ``/``-separated path, given the watched folders as
    (absolute folder, its vault-relative name, "" for the vault itself); the deepest folder that
    holds it wins. None when no watched folder holds it."""
    best: tuple[int, str] | None = None
    for folder, name in roots:
        if path == folder:
            rel = name
        elif path.startswith(folder.rstrip(os.sep) + os.sep):
            rest = path[len(folder.rstrip(os.sep)) + 1 :].replace(os.sep, "/")
            rel = f"{name}/{rest}" if name else rest
        else:
            continue
        if best is None or len(folder) > best[0]:
            best = (len(folder), rel)
    return best[1] if best else None


# --- debounce ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Batch:
    """The events gathered for one refresh: what kinds of path changed, and which paths."""

    kinds: set[str] = field(default_factory=set)
    paths: set[str] = field(default_factory=set)
    first: float = 0.0
    last: float = 0.0


class Debouncer:
    """Gathers events until none came for ``quiet`` seconds (or ``longest`` seconds passed
    since the first one). Times are plain numbers (``time.monotonic()``); not thread-safe."""

    def __init__(self, quiet: float, longest: float) -> None:
        self.quiet = quiet
        self.longest = max(longest, quiet)
        self._batch: Batch | None = None

    @property
    def pending(self) -> bool:
        return self._batch is not None

    def add(self, kinds: Iterable[str], paths: Iterable[str], at: float) -> None:
        if self._batch is None:
            self._batch = Batch(first=at, last=at)
        self._batch.kinds.update(kinds)
        self._batch.paths.update(paths)
        self._batch.last = max(self._batch.last, at)

    def due(self) -> float | None:
        """When the gathered batch should be processed; None when nothing is gathered."""
        if self._batch is None:
            return None
        return min(self._batch.last + self.quiet, self._batch.first + self.longest)

    def take(self, at: float) -> Batch | None:
        """The batch, when it is due at ``at``; it is then no longer gathered."""
        due = self.due()
        if due is None or due > at:
            return None
        return self.flush()

    def flush(self) -> Batch | None:
        """The batch, due or not."""
        batch, self._batch = self._batch, None
        return batch


# --- what a batch line says --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoteDiff:
    """Notes added, changed, removed and moved (same content, other path) between two
    snapshots of ``{path: content hash}``."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.moved)

    def paths(self) -> set[str]:
        out = {*self.added, *self.changed, *self.removed}
        for old, new in self.moved:
            out.update((old, new))
        return out


def diff_snapshots(before: Mapping[str, bytes], after: Mapping[str, bytes]) -> NoteDiff:
    """What changed between two ``{path: content hash}`` snapshots; a note that is gone from one
    path and has the same content at a new one is moved."""
    added = sorted(p for p in after if p not in before)
    removed = sorted(p for p in before if p not in after)
    changed = sorted(p for p in after if p in before and before[p] != after[p])
    moved = pair_moves({p: before[p] for p in removed}, {p: after[p] for p in added}, by_name=False)
    for old, new in moved:
        removed.remove(old)
        added.remove(new)
    return NoteDiff(added, changed, removed, moved)


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def pair_moves(
    gone: Mapping[str, bytes], new: Mapping[str, bytes], *, by_name: bool = True
) -> list[tuple[str, str]]:
    """Pair notes gone from one path with notes new at another: the same content (preferring
    the same file name in another folder), then, with ``by_name``, the same file name alone (a
    note moved and edited). Empty content matches nothing."""
    pairs: list[tuple[str, str]] = []
    left = dict(new)
    for old in sorted(gone):
        same = [p for p in sorted(left) if gone[old] and left[p] == gone[old]]
        if not same:
            continue
        named = [p for p in same if _name(p) == _name(old)]
        match = (named or same)[0]
        pairs.append((old, match))
        del left[match]
    if by_name:
        paired = {old for old, _ in pairs}
        for old in sorted(p for p in gone if p not in paired):
            named = [p for p in sorted(left) if _name(p) == _name(old)]
            if len(named) == 1:
                pairs.append((old, named[0]))
                del left[named[0]]
    return pairs


def _short(path: str) -> str:
    return path.removeprefix(CONTACTS + "/")


def describe(diff: NoteDiff, most: int = 3) -> str:
    """``updated Jane Doe.md``, ``added 12 notes; removed Max.md``, ``moved a/X.md → b/X.md``."""
    parts: list[str] = []
    moves = [f"{_short(old)} → {_short(new)}" for old, new in diff.moved]
    for verb, items in (
        ("added", [_short(p) for p in diff.added]),
        ("updated", [_short(p) for p in diff.changed]),
        ("removed", [_short(p) for p in diff.removed]),
        ("moved", moves),
    ):
        if not items:
            continue
        if len(items) > most:
            parts.append(f"{verb} {len(items)} notes")
        else:
            parts.append(f"{verb} {', '.join(items)}")
    return "; ".join(parts)


def _count(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def agenda_summary(data: Mapping[str, Any]) -> str:
    """``3 follow-ups, 5 to contact, 1 date, 2 greetings`` (nonzero parts), or ``nothing due``."""
    parts = []
    if data["follow_ups"]:
        parts.append(_count(len(data["follow_ups"]), "follow-up"))
    if data["keep_in_touch"]:
        parts.append(f"{len(data['keep_in_touch'])} to contact")
    if data["dates"]:
        parts.append(_count(len(data["dates"]), "date"))
    greetings = sum(len(g["contacts"]) for g in data["greetings"])
    if greetings:
        parts.append(_count(greetings, "greeting"))
    return ", ".join(parts) or "nothing due"


# --- the commit message ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoteChange:
    """What changed in one note since the last commit, in meaning."""

    name: str
    path: str
    changes: list[Change]
    repaired: bool = False  # the committed version could not be read

    def line(self) -> str:
        from netzmd.model.semdiff import summary

        if self.repaired:
            return f"{self.name}: note repaired"
        if not self.changes:
            return f"{self.name}: note text edited"
        return summary(self.name, self.changes)


def note_change(
    path: str, old: bytes | None, new: bytes | None, *, old_path: str | None = None
) -> NoteChange:
    """The meaning of going from ``old`` to ``new`` (bytes of the note; None: no such file).
    ``old_path``: the note was renamed or moved from there."""
    from netzmd.model.semdiff import diff_contacts
    from netzmd.notes.note import contact_id, parse_note

    before = parse_note(old_path or path, old).contact if old is not None else None
    after = parse_note(path, new).contact if new is not None else None
    either = after or before
    name = either.name if either is not None else contact_id(path)
    if old is not None and before is None and after is not None:
        return NoteChange(name, path, [], repaired=True)
    return NoteChange(name, path, diff_contacts(before, after, old_path=old_path))


def commit_message(notes: list[NoteChange], width: int = 72) -> str:
    """One contact: its summary line (``Jane Doe: company Foo → Bar; log +1``). Several: a
    headline naming them (as many as fit in ``width``) and one line per contact below."""
    if not notes:
        raise ValueError("no notes to describe")
    ordered = sorted(notes, key=lambda n: (_fold(n.name), n.path))
    if len(ordered) == 1:
        return ordered[0].line()
    names = list(dict.fromkeys(n.name for n in ordered))
    head = f"{len(ordered)} contacts changed"
    shown = len(names)
    while shown > 0:
        rest = len(names) - shown
        line = f"{head}: {', '.join(names[:shown])}" + (f" and {rest} more" if rest else "")
        if len(line) <= width:
            head = line
            break
        shown -= 1
    return head + "\n\n" + "\n".join(n.line() for n in ordered)


def _fold(text: str) -> str:
    from netzmd.model.names import fold

    return fold(text)


# --- git, for the commit ----------------------------------------------------------------------


def git_ignores(root: Path, rel: str) -> bool:
    """Whether git ignores the file ``rel`` (relative to ``root``); False without git."""
    from netzmd.git.run import Git

    git = Git.at(root)
    return git is not None and git.ok("check-ignore", "-q", "--", rel)


def read_stable(path: Path) -> tuple[bytes | None, bool]:
    """The file's bytes (None: it does not exist) and whether two reads in a row agree."""

    def read() -> bytes | None:
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    first = read()
    second = read()
    return second, first == second


# --- file systems without events ---------------------------------------------------------------

# File systems whose changes made elsewhere (another machine, the host of a VM, Windows under WSL)
# reach no inotify watch.
NO_EVENT_FILESYSTEMS = frozenset((
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "v9fs", "drvfs", "virtiofs", "vboxsf", "prl_fs",
    "vmhgfs", "fuse.vmhgfs-fuse", "fuse.sshfs", "sshfs", "fuse.rclone", "fuse.s3fs", "davfs",
    "fuse.davfs2", "afs", "ncpfs", "coda", "glusterfs", "fuse.glusterfs", "ceph", "fuse.ceph",
    "lustre", "gpfs",
))  # fmt: skip


def filesystem_type(path: str, mountinfo: str) -> str | None:
    """The type of the file system that holds the absolute ``path``, from the text of
    ``/proc/self/mountinfo``; None when no mount holds it."""
    best: tuple[int, str | None] = (-1, None)
    for line in mountinfo.splitlines():
        left, sep, right = line.partition(" - ")
        fields = left.split()
        if not sep or len(fields) < 5 or not right.split():
            continue
        mount = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), fields[4])
        inside = path == mount or path.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= best[0]:  # a later mount over the same point wins
            best = (len(mount), right.split()[0])
    return best[1]


def events_unreliable(folder: Path) -> str | None:
    """The file system type when ``folder`` is on one that does not report changes made
    elsewhere (NFS, SMB, WSL's /mnt/c, …); None otherwise or when it cannot be told."""
    try:
        text = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    kind = filesystem_type(os.path.realpath(folder), text)
    return kind if kind in NO_EVENT_FILESYSTEMS else None


# --- the agenda note ---------------------------------------------------------------------------


def agenda_target(vault: Vault, config: Config, output: Path | None = None) -> Path:
    """Where the agenda note goes: ``output``, else ``agenda_note`` from ``netzmd.toml`` (relative
    to the vault). Refused inside ``contacts/`` (it would be read as a contact) or in a folder
    that does not exist."""
    path = Path(os.path.abspath(output if output is not None else vault.root / config.agenda_note))
    real = os.path.realpath(path)
    contacts = os.path.realpath(vault.contacts)
    if real == contacts or real.startswith(contacts.rstrip(os.sep) + os.sep):
        raise UsageError(
            f"the agenda note {path} would be inside contacts/, where it would be read as a "
            "contact",
            hint="Put it elsewhere in the vault, e.g. Agenda.md at its root.",
        )
    if not path.parent.is_dir():
        raise UsageError(f"cannot write the agenda note {path}: the folder does not exist")
    return path


# --- the watcher -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WatchOptions:
    output: Path | None = None  # the agenda note; None: agenda_note from netzmd.toml
    days: int = 14
    commit: bool | None = None  # None: auto_commit_watch from netzmd.toml
    quiet_seconds: float = 60.0  # without edits, before committing
    poll: bool = False  # poll even where file events work
    debounce: float = DEBOUNCE_SECONDS
    longest_wait: float = LONGEST_WAIT_SECONDS
    rescan_seconds: float = RESCAN_SECONDS
    poll_seconds: float = POLL_SECONDS
    tick_seconds: float = TICK_SECONDS


@dataclass(slots=True)
class WatchStats:
    events: int = 0  # file events of notes, templates and settings
    batches: int = 0  # refreshes after events, a new day or a rescan
    renders: int = 0  # times the agenda note was written
    commits: int = 0


class Watcher:
    """Watches a vault and keeps its index and agenda note current; see the module text.

    ``start()`` runs it in a thread of its own, ``stop()`` ends it (after finishing the batch at
    hand and, with commits on, committing what is pending), ``join()`` waits for that. Every
    line it has to say goes to ``say``; ``now`` is the clock for the date, the time stamps and
    the date of the commits it makes."""

    def __init__(
        self,
        vault: Vault,
        config: Config,
        options: WatchOptions | None = None,
        *,
        now: Clock = datetime.now,
        say: Say = print,
    ) -> None:
        self.vault = vault
        self.config = config
        self.options = options or WatchOptions()
        self.agenda_path = agenda_target(vault, config, self.options.output)
        self.stats = WatchStats()
        self.mode = "starting"  # then "events" or "polling"
        self.failure: BaseException | None = None
        self.ready = threading.Event()  # set once the first agenda is rendered
        self._now = now
        self._say = say
        self._root = os.path.realpath(vault.root)
        self._agenda_rel = self._relative_agenda()
        self._cond = threading.Condition()
        self._debouncer = Debouncer(self.options.debounce, self.options.longest_wait)
        self._stopping = False
        self._busy = False
        self._last_activity = time.monotonic()
        self._last_edit = time.monotonic()
        self._thread: threading.Thread | None = None
        self._observer: BaseObserver | None = None
        self._handler: FileSystemEventHandler | None = None
        self._watches: dict[str, tuple[tuple[str, int, int], ObservedWatch]] = {}
        self._roots: list[tuple[str, str]] = [(self._root, "")]
        self._index: Index | None = None
        self._hashes: dict[str, bytes] = {}
        self._reported: dict[tuple[str, str], str] = {}
        self._config_error: str | None = None
        self._render_error: str | None = None
        self._write_error: str | None = None
        self._written: bytes | None = None
        self._today: date = now().date()
        self._next_rescan = time.monotonic() + self.options.rescan_seconds
        self._repo: Path | None = None
        self._dirty: set[str] = set()  # notes changed since the last commit
        self._held: set[str] = set()  # dirty notes with errors: committed once fixed
        self._commit_after = 0.0  # no commit attempt before this (monotonic)
        self._commit_said: set[str] = set()  # reasons already given for not committing
        self._agenda_head: bytes | None = None  # the agenda note in HEAD, as _plan_commit saw it

    # --- control ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the watcher was started already")
        self._thread = threading.Thread(target=self._main, name="netzmd-watch")
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the watcher to end; True when it has."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def idle_for(self) -> float:
        """Seconds since the last event or the end of the last piece of work; 0 while events
        are gathered or work is in progress."""
        with self._cond:
            if self._busy or self._debouncer.pending:
                return 0.0
            return time.monotonic() - self._last_activity

    # --- the worker thread -----------------------------------------------------------------

    def _main(self) -> None:
        try:
            from netzmd.store.index import Index

            self._index = Index(self.vault)
            try:
                self._startup()
                self.ready.set()
                self._loop()
                self._shutdown()
            finally:
                self._stop_observer()
                self._index.close()
        except BaseException as exc:  # handed to whoever started the watcher
            self.failure = exc
        finally:
            self.ready.set()

    def _startup(self) -> None:
        from netzmd.git import commit as gitops

        # A cold start may parse in worker processes: refresh before the observer's threads
        # exist, then again for what changed meanwhile. Neither counts as seen while watching.
        self._guarded(self._refresh)
        self._start_observer()
        self._guarded(self._refresh)
        written, summary = self._guarded(self._render) or (False, "not rendered")
        notes, _ = self._index_().count()
        where = self._agenda_display()
        state = "written" if written else "unchanged"
        self._line(
            f"watching {self.vault.root}: {_count(notes, 'note')} · agenda: {summary} → "
            f"{where} ({state})"
        )
        if self._commit_on():
            self._repo = gitops.repository(self.vault.root)
            if self._repo is None:
                why = gitops.no_repository(self.vault.root)
                self._line(f"{why}: nothing will be committed")
            else:
                quiet = self.options.quiet_seconds
                self._line(
                    f"auto-commit: changed notes are committed after {quiet:g} s without edits"
                )
        self._report_problems(first=True)

    def _loop(self) -> None:
        while True:
            with self._cond:
                if self._stopping:
                    return
                wait = self._wait_seconds(time.monotonic())
                if wait > 0:
                    self._cond.wait(wait)
                if self._stopping:
                    return
                at = time.monotonic()
                batch = self._debouncer.take(at)
                self._busy = True
            worked = False
            try:
                worked = self._step(batch, at)
            finally:
                with self._cond:
                    self._busy = False
                    if worked:
                        self._last_activity = time.monotonic()

    def _wait_seconds(self, at: float) -> float:
        deadlines = [at + self.options.tick_seconds, self._next_rescan]
        due = self._debouncer.due()
        if due is not None:
            deadlines.append(due)
        if self._commit_candidates() and not self._debouncer.pending:
            deadlines.append(self._commit_time())
        return max(0.0, min(deadlines) - at)

    def _step(self, batch: Batch | None, at: float) -> bool:
        """Whatever is due now: a batch, a new day, a rescan, a commit. True when any was."""
        day = self._now().date()
        new_day = day != self._today
        self._today = day
        rescan = at >= self._next_rescan
        worked = False
        if batch is not None or new_day or rescan:
            self._guarded(self._process, batch, new_day, rescan)
            worked = True
        if self._commit_due(time.monotonic()):
            self._guarded(self._commit)
            worked = True
        return worked

    def _shutdown(self) -> None:
        with self._cond:
            batch = self._debouncer.flush()
        if batch is not None:
            self._guarded(self._process, batch, False, False)
        if self._commit_on() and self._commit_candidates():
            self._guarded(self._commit)

    def _guarded(self, step: Callable[..., Any], *args: Any) -> Any:
        """Run one piece of work; a problem with the data or the disk is said, and the work is
        tried again in a moment by a full rescan. Bugs are not caught."""
        try:
            return step(*args)
        except NetzmdError as exc:
            self._line(f"error: {exc.message}")
        except (OSError, sqlite3.Error) as exc:
            self._line(f"error: {exc}")
        self._next_rescan = min(self._next_rescan, time.monotonic() + RETRY_SECONDS)
        return None

    # --- one batch -------------------------------------------------------------------------

    def _process(self, batch: Batch | None, new_day: bool, rescan: bool) -> None:
        kinds = batch.kinds if batch is not None else set()
        own_write = kinds == {AGENDA} and _read(self.agenda_path) == self._written
        if own_write and not new_day and not rescan:
            return  # the event of the watcher's own write
        self.stats.batches += 1
        self._next_rescan = time.monotonic() + self.options.rescan_seconds
        said: list[str] = []
        if new_day:
            said.append(f"new day {self._today.isoformat()}")
        if CONFIG in kinds:
            self._reload_config(said)
        if STRUCTURE in kinds or rescan:
            self._ensure_watches()
        diff = self._refresh()
        if diff:
            said.append(describe(diff))
            self._note_dirty(diff)
        if TEMPLATE in kinds:
            said.append("templates changed")
        written, summary = self._render()
        if AGENDA in kinds and written and not said:
            said.append(f"{self._agenda_display()} was edited; rendered again")
        if said or written:
            agenda = f"agenda: {summary}" if written else "agenda unchanged"
            self._line(f"{'; '.join(said) or 'rendered'} · {agenda}")
        self._report_problems()

    def _index_(self) -> Index:
        assert self._index is not None
        return self._index

    def _refresh(self) -> NoteDiff:
        index = self._index_()
        index.refresh()
        hashes = index.hashes()
        diff = diff_snapshots(self._hashes, hashes)
        self._hashes = hashes
        return diff

    def _render(self) -> tuple[bool, str]:
        """Render the agenda and write the note when it changed: (written, summary)."""
        from netzmd.model.agenda import to_data
        from netzmd.notes.atomic import write_if_changed
        from netzmd.present.jinja import render_agenda
        from netzmd.store import queries

        days = self.options.days
        report, news = queries.agenda_report(
            self._index_(), self.config, self._today, days, stale=True
        )
        data = to_data(report, news)
        summary = agenda_summary(data)
        try:
            text = render_agenda(self.vault, data, days, "md")
        except NetzmdError as exc:
            self._render_error = exc.message
            return False, summary
        self._render_error = None
        payload = text.encode("utf-8")
        try:
            written = write_if_changed(self.agenda_path, payload)
        except OSError as exc:
            self._write_error = f"cannot write {self.agenda_path}: {exc.strerror or exc}"
            return False, summary
        self._write_error = None
        self._written = payload
        if written:
            self.stats.renders += 1
        return written, summary

    def _reload_config(self, said: list[str]) -> None:
        from netzmd.config import load_config

        try:
            config = load_config(self.vault.root)
        except NetzmdError as exc:
            self._config_error = exc.message
            return
        self._config_error = None
        if config == self.config:
            return
        if self.options.output is None:
            try:
                target = agenda_target(self.vault, config, None)
            except UsageError as exc:
                self._config_error = f"{CONFIG_NAME}: agenda_note: {exc.message}"
                return
            self.agenda_path = target
            self._agenda_rel = self._relative_agenda()
        was_on = self._commit_on()
        self.config = config
        said.append("settings reloaded")
        if self._commit_on() and not was_on:
            from netzmd.git import commit as gitops

            self._repo = gitops.repository(self.vault.root)

    def _report_problems(self, first: bool = False) -> None:
        """Say each problem once, as ``path:line: severity: message``, while it lasts; say
        ``fixed PATH`` when a file's problems are gone."""
        current: dict[tuple[str, str], tuple[tuple[str, int], str]] = {}
        problems: list[Problem] = [*self._index_().problems(), *self.config.warnings]
        for p in problems:
            current[(p.path, f"{p.severity}: {p.message}")] = ((p.path, p.line), str(p))
        for group, message in (
            (CONFIG_NAME, self._config_error),
            ("the agenda template", self._render_error),
            (self._agenda_display(), self._write_error),
        ):
            if message:
                located = re.match(r"^[^\s:][^:]*:\d+: error: ", message)
                current[(group, message)] = (
                    (group, 0),
                    message if located else f"error: {message}",
                )
        said = self._reported
        new = sorted((where, text) for key, (where, text) in current.items() if key not in said)
        shown = new[:STARTUP_PROBLEMS] if first else new
        for _, text in shown:
            self._say(text)
        if len(shown) < len(new):
            self._say(f"… and {len(new) - len(shown)} more problems: run 'netzmd check'")
        still = {group for group, _ in current}
        for group in sorted({group for group, _ in self._reported} - still):
            if group.startswith(CONTACTS + "/") and not (self.vault.root / group).exists():
                continue  # the note is gone, not fixed
            self._line(f"fixed {group}")
        self._reported = {key: text for key, (_, text) in current.items()}

    # --- observing -------------------------------------------------------------------------

    def _start_observer(self) -> None:
        if self.options.poll:
            self._use_polling("--poll", quiet=False)
            return
        kind = events_unreliable(self.vault.root)
        if kind is not None:
            self._use_polling(
                f"the vault is on a {kind} file system, which does not report changes made "
                "elsewhere"
            )
            return
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        if Observer is PollingObserver:
            self._use_polling("this system offers watchdog no file events")
            return
        observer = Observer()
        self._observer = observer
        self.mode = "events"
        try:
            # Started first, so that each watch starts as it is scheduled, in a fixed order:
            # the vault's top folder, contacts/, templates/.
            observer.start()
            self._ensure_watches(starting=True)
            self._check_coverage()
        except OSError as exc:
            self._use_polling(_limit_reason(exc))

    def _use_polling(self, reason: str, *, quiet: bool = True) -> None:
        from watchdog.observers.polling import PollingObserver

        self._stop_observer()
        observer = PollingObserver(timeout=self.options.poll_seconds)
        self._observer = observer
        self.mode = "polling"
        observer.start()
        self._ensure_watches(starting=True)
        every = f"polling every {self.options.poll_seconds:g} s"
        self._line(f"{reason}; {every} instead" if quiet else f"{every} ({reason})")
        self._next_rescan = time.monotonic()  # what changed while switching

    def _stop_observer(self) -> None:
        observer, self._observer = self._observer, None
        self._watches.clear()
        if observer is None:
            return
        observer.stop()
        if observer.is_alive():
            observer.join()

    def _folders(self) -> list[tuple[str, str, bool]]:
        """The folders to watch: (vault-relative name, real path, recursively)."""
        out = [("", self._root, False)]
        for name in (CONTACTS, TEMPLATES):
            real = os.path.realpath(self.vault.root / name)
            inside = real.startswith(self._root.rstrip(os.sep) + os.sep)
            if inside and os.path.isdir(real):
                out.append((name, real, True))
        return out

    def _ensure_watches(self, *, starting: bool = False) -> None:
        """Watch the vault's top folder (for netzmd.toml and the agenda note), contacts/ and
        templates/; again when one of them was made, replaced or removed."""
        observer = self._observer
        if observer is None:
            return
        wanted: dict[str, tuple[tuple[str, int, int], str, bool]] = {}
        for name, real, recursive in self._folders():
            try:
                st = os.stat(real)
            except OSError:
                continue
            wanted[name] = ((real, st.st_ino, st.st_dev), real, recursive)
        for name in list(self._watches):
            if name not in wanted or wanted[name][0] != self._watches[name][0]:
                _, watch = self._watches.pop(name)
                with contextlib.suppress(KeyError, OSError):
                    observer.unschedule(watch)
        handler = self._event_handler()
        try:
            for name, (ident, real, recursive) in wanted.items():
                if name in self._watches:
                    continue
                watch = observer.schedule(
                    handler, real, recursive=recursive, event_filter=_event_filter()
                )
                self._watches[name] = (ident, watch)
        except OSError as exc:
            if starting or self.mode != "events":
                raise
            self._use_polling(_limit_reason(exc))  # a folder made later hit the limit
            return
        finally:
            self._roots = [(ident[0], name) for name, (ident, _) in self._watches.items()]
        if not starting and self.mode == "events":
            self._check_coverage()

    def _check_coverage(self) -> None:
        """Raise OSError(ENOSPC) when watchdog silently left folders under a recursive watch
        unwatched (it does so when the inotify limit is reached below the top folder); as a
        batch step, switch to polling instead. Best effort: needs watchdog's inotify emitter."""
        observer = self._observer
        if observer is None or self.mode != "events":
            return
        for emitter in list(observer.emitters):
            group = getattr(emitter, "_inotify", None)
            watched = getattr(group, "_active_callbacks_by_path", None)
            if not isinstance(watched, dict) or not emitter.watch.is_recursive:
                continue
            top = emitter.watch.path
            for folder, subfolders, _ in os.walk(top):
                for sub in subfolders:
                    full = os.path.join(folder, sub)
                    if os.fsencode(full) in watched or os.path.islink(full):
                        continue
                    if os.path.isdir(full):
                        error = OSError(errno.ENOSPC, "inotify watch limit reached")
                        if self.ready.is_set():
                            self._use_polling(_limit_reason(error))
                            return
                        raise error

    def _event_handler(self) -> FileSystemEventHandler:
        if self._handler is None:
            from watchdog.events import FileSystemEventHandler

            watcher = self

            class Handler(FileSystemEventHandler):
                def on_any_event(self, event: FileSystemEvent) -> None:
                    watcher._on_event(event)

            self._handler = Handler()
        return self._handler

    def _on_event(self, event: FileSystemEvent) -> None:
        """In an observer thread: keep what matters for the next batch."""
        if event.event_type not in _EVENT_TYPES:
            return
        if event.is_directory and event.event_type in ("modified", "closed"):
            return  # a folder's own "modified" repeats what its files' events say
        kinds: set[str] = set()
        paths: set[str] = set()
        roots, agenda = self._roots, self._agenda_rel
        for raw in (event.src_path, event.dest_path):
            if not raw:
                continue
            rel = relative(os.fsdecode(raw), roots)
            if rel is None:
                continue
            kind = classify(rel, event.is_directory, agenda)
            if kind is not None:
                kinds.add(kind)
                paths.add(rel)
        if not kinds:
            return
        with self._cond:
            at = time.monotonic()
            self._debouncer.add(kinds, paths, at)
            self._last_activity = at
            if kinds - {AGENDA}:
                self.stats.events += 1
                self._last_edit = at
            self._cond.notify_all()

    # --- committing ------------------------------------------------------------------------

    def _commit_on(self) -> bool:
        if self.options.commit is not None:
            return self.options.commit
        return self.config.auto_commit_watch

    def _commit_candidates(self) -> set[str]:
        if not self._commit_on() or self._repo is None:
            return set()
        return self._dirty - self._held

    def _commit_time(self) -> float:
        return max(self._last_edit + self.options.quiet_seconds, self._commit_after)

    def _commit_due(self, at: float) -> bool:
        with self._cond:
            if self._debouncer.pending:
                return False
        return bool(self._commit_candidates()) and at >= self._commit_time()

    def _note_dirty(self, diff: NoteDiff) -> None:
        paths = diff.paths()
        self._dirty |= paths
        self._held -= paths  # changed again: look at them again

    def _retry_commit_later(self, reason: str) -> None:
        self._commit_after = time.monotonic() + self.options.quiet_seconds
        if self._stopping:
            self._line(f"not committed: {reason}; the changes are left uncommitted")
        elif reason not in self._commit_said:
            self._commit_said.add(reason)
            self._line(f"not committed: {reason}; trying again in {self.options.quiet_seconds:g} s")

    def _commit(self) -> None:
        from netzmd.git import commit as gitops

        root = self.vault.root
        why = gitops.blocker(root)
        if why is not None:
            self._retry_commit_later(why)
            return
        notes, paths, unstable = self._plan_commit()
        if unstable:
            self._retry_commit_later(f"{', '.join(unstable)} still being written")
        if not notes:
            return
        files = [root / p for p in paths]
        agenda = self._agenda_for_commit()
        if agenda is not None:
            files.append(agenda)
        # Dated by the watcher's clock, as its agenda's "today" is: the News it renders next
        # count this commit on the day the watcher says it is.
        result = gitops.commit_paths(root, files, commit_message(notes), when=self._now())
        if result.already:  # another process committed the same content meanwhile
            self._dirty -= set(paths)
            self._line(result.line() or "already committed")
        elif result.committed:
            self._dirty -= set(paths)
            self.stats.commits += 1
            self._commit_said.clear()
            self._line(result.line() or "committed")
            if result.warning:
                self._line(f"warning: {result.warning}")
            # The agenda's News come from git history: a committed job change is news now.
            written, summary = self._guarded(self._render) or (False, "")
            if written:
                self._line(f"agenda after the commit: {summary}")
        else:
            self._retry_commit_later(result.reason or "git did not commit")

    def _plan_commit(self) -> tuple[list[NoteChange], list[str], list[str]]:
        """The notes to commit, the paths (old and new) to commit for them, and the notes left
        for later because they were still changing."""
        from netzmd.git.history import head_blobs
        from netzmd.notes.note import parse_note

        root = self.vault.root
        versions: dict[str, tuple[bytes | None, bytes | None]] = {}
        unstable: list[str] = []
        candidates = sorted(self._commit_candidates())
        # the agenda note's committed version too, in the same two git processes
        agenda = [self._agenda_rel] if self._agenda_rel is not None else []
        committed = head_blobs(root, [*candidates, *agenda]) if candidates else {}
        self._agenda_head = committed.get(self._agenda_rel) if self._agenda_rel else None
        for rel in candidates:
            disk, stable = read_stable(root / rel)
            if not stable:
                unstable.append(rel)
                continue
            head = committed.get(rel)
            if disk == head:  # committed meanwhile (a netzmd command), or changed back
                self._dirty.discard(rel)
                continue
            if disk is not None:
                parsed = parse_note(rel, disk)
                if not parsed.ok:
                    self._held.add(rel)
                    self._line(
                        f"not committed: {rel} has errors; it is committed once they are fixed"
                    )
                    continue
            versions[rel] = (head, disk)
        deleted = {rel: old for rel, (old, new) in versions.items() if new is None and old}
        created = {rel: new for rel, (old, new) in versions.items() if old is None and new}
        renames = pair_moves(deleted, created)
        notes: list[NoteChange] = []
        paths: list[str] = []
        done: set[str] = set()
        for old_path, new_path in renames:
            notes.append(
                note_change(new_path, deleted[old_path], created[new_path], old_path=old_path)
            )
            paths += [old_path, new_path]
            done.update((old_path, new_path))
        for rel, (old, new) in versions.items():
            if rel not in done:
                notes.append(note_change(rel, old, new))
                paths.append(rel)
        return notes, paths, unstable

    def _agenda_for_commit(self) -> Path | None:
        """The agenda note, when it is in the vault, not ignored by git and differs from HEAD."""
        rel = self._agenda_rel
        if rel is None or git_ignores(self.vault.root, rel):
            return None
        if _read(self.agenda_path) == self._agenda_head:
            return None
        return self.agenda_path

    # --- small things ----------------------------------------------------------------------

    def _relative_agenda(self) -> str | None:
        real = os.path.realpath(self.agenda_path)
        if not real.startswith(self._root.rstrip(os.sep) + os.sep):
            return None
        return real[len(self._root.rstrip(os.sep)) + 1 :].replace(os.sep, "/")

    def _agenda_display(self) -> str:
        return self._agenda_rel or str(self.agenda_path)

    def _line(self, text: str) -> None:
        self._say(f"{self._now().strftime('%H:%M:%S')} {text}")


def _event_filter() -> list[type[FileSystemEvent]]:
    from watchdog.events import (
        DirCreatedEvent,
        DirDeletedEvent,
        DirMovedEvent,
        FileClosedEvent,
        FileCreatedEvent,
        FileDeletedEvent,
        FileModifiedEvent,
        FileMovedEvent,
    )

    return [
        FileCreatedEvent,
        FileModifiedEvent,
        FileDeletedEvent,
        FileMovedEvent,
        FileClosedEvent,
        DirCreatedEvent,
        DirDeletedEvent,
        DirMovedEvent,
    ]


def _limit_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return (
            "the inotify watch limit is reached (raise it: sudo sysctl "
            "fs.inotify.max_user_watches=524288)"
        )
    if exc.errno == errno.EMFILE:
        return (
            "too many inotify instances are open (raise the limit: sudo sysctl "
            "fs.inotify.max_user_instances=1024)"
        )
    return f"file events are not available ({exc.strerror or exc})"


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
