"""``netzmd watch``: the index and the agenda note stay current while the person edits.

One worker thread owns the index (a SQLite connection belongs to the thread that opened it) and
does all the work: refresh, render, report, commit. Watchdog's observer threads only classify
each file event and hand it over; a short quiet period (the debounce) gathers the events of one
save into one batch. Every batch refreshes the whole index, which is cheap (a stat pass, and only
changed notes are parsed) and makes the outcome independent of how an editor saves: in place,
through a temporary file renamed over the note, vim's backup-and-rename, delete and create, or in
several flushes. What changed is taken from the notes' content hashes before and after, so a
``netzmd`` command that refreshed the shared index meanwhile hides nothing.

A change of a greeting campaign note (``Greetings/``, written by ``netzmd greet``) has the
greetings ticked in it logged (``campaigns``, given by the command line: ``greet --sync`` without
its commit); with ``--commit``, the campaign note is committed along with those notes.

The agenda note is rendered after every batch and written only when its content changes, so an
editor showing it does not flicker, and its own write (seen as an event) ends there: the content
on disk is what was written last. A date change (midnight) renders it again without any event; a
full rescan every few minutes catches events that were lost.

This module wires the parts together and does the refresh, the render and the report of
problems; each part has one job and is testable without threads:

- ``watch.paths``: which paths matter (``classify``), where the agenda note goes;
- ``watch.debounce``: the quiet periods that gather one save's events into one batch;
- ``watch.observer``: watchdog's observers, the fall-back to polling, renewing the watches;
- ``watch.changes``: what a batch changed (``diff_snapshots``) and the line that says so;
- ``watch.autocommit``: what to commit when, and the commit message (``--commit``).

Their public names stay importable from here. Watchdog is imported only when a watcher starts.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netzmd.config import CONFIG_NAME, Config
from netzmd.errors import NetzmdError, UsageError
from netzmd.model.contact import Problem
from netzmd.vault import CONTACTS, Vault
from netzmd.watch.autocommit import (
    AutoCommit,
    NoteChange,
    commit_message,
    git_ignores,
    note_change,
)
from netzmd.watch.changes import (
    NoteDiff,
    agenda_summary,
    count,
    describe,
    diff_snapshots,
    pair_moves,
)
from netzmd.watch.debounce import DEBOUNCE_SECONDS, LONGEST_WAIT_SECONDS, Batch, Debouncer
from netzmd.watch.observer import (
    NO_EVENT_FILESYSTEMS,
    Observing,
    events_unreliable,
    filesystem_type,
)
from netzmd.watch.paths import (
    AGENDA,
    CAMPAIGN,
    CONFIG,
    FOLDER,
    NOTE,
    STRUCTURE,
    TEMPLATE,
    agenda_target,
    classify,
    inside,
    is_junk,
    read,
    read_stable,
    relative,
)

if TYPE_CHECKING:
    from netzmd.store.index import Index

__all__ = [
    "AGENDA",
    "CAMPAIGN",
    "CONFIG",
    "DEBOUNCE_SECONDS",
    "FOLDER",
    "LONGEST_WAIT_SECONDS",
    "NOTE",
    "NO_EVENT_FILESYSTEMS",
    "POLL_SECONDS",
    "RESCAN_SECONDS",
    "RETRY_SECONDS",
    "STARTUP_PROBLEMS",
    "STRUCTURE",
    "TEMPLATE",
    "TICK_SECONDS",
    "Batch",
    "Clock",
    "Debouncer",
    "NoteChange",
    "NoteDiff",
    "Say",
    "WatchOptions",
    "WatchStats",
    "Watcher",
    "agenda_summary",
    "agenda_target",
    "classify",
    "commit_message",
    "describe",
    "diff_snapshots",
    "events_unreliable",
    "filesystem_type",
    "git_ignores",
    "is_junk",
    "note_change",
    "pair_moves",
    "read_stable",
    "relative",
]

Clock = Callable[[], datetime]
Say = Callable[[str], None]
# Log the greetings ticked in a campaign note: (index, vault, its path, today) → what to say.
CampaignSync = Callable[["Index", Vault, str, date], "str | None"]

RESCAN_SECONDS = 300.0
POLL_SECONDS = 1.0
TICK_SECONDS = 1.0  # how often the date is looked at
RETRY_SECONDS = 1.0  # after a batch failed (the index busy, a disk error)
STARTUP_PROBLEMS = 10  # problems listed at start; the rest is left to 'netzmd check'


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
    the date of the commits it makes. ``campaigns``: what logs the greetings ticked in a
    campaign note that changed (None: nothing does)."""

    def __init__(
        self,
        vault: Vault,
        config: Config,
        options: WatchOptions | None = None,
        *,
        now: Clock = datetime.now,
        say: Say = print,
        campaigns: CampaignSync | None = None,
    ) -> None:
        self.vault = vault
        self._campaigns = campaigns
        self.config = config
        self.options = options or WatchOptions()
        self.agenda_path = agenda_target(vault, config, self.options.output)
        self.stats = WatchStats()
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
        self._observing = Observing(
            vault.root,
            self._root,
            self.options.poll_seconds,
            agenda=lambda: self._agenda_rel,
            handle=self._on_event,
            line=self._line,
            polling_started=self._rescan_now,
            running=self.ready.is_set,
        )
        self._index: Index | None = None
        self._hashes: dict[str, bytes] = {}
        self._reported: dict[tuple[str, str], str] = {}
        self._config_error: str | None = None
        self._render_error: str | None = None
        self._write_error: str | None = None
        self._ics_error: str | None = None
        self._written: bytes | None = None
        self._today: date = now().date()
        self._next_rescan = time.monotonic() + self.options.rescan_seconds
        self._autocommit = AutoCommit(
            vault.root,
            self.options.quiet_seconds,
            on=self._commit_on(),
            line=self._line,
            now=self._now,
            stopping=lambda: self._stopping,
            committed=self._count_commit,
        )

    @property
    def mode(self) -> str:
        """How changes are seen: "starting", then "events" or "polling"."""
        return self._observing.mode

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
                self._observing.stop()
                self._index.close()
        except BaseException as exc:  # handed to whoever started the watcher
            self.failure = exc
        finally:
            self.ready.set()

    def _startup(self) -> None:
        # A cold start may parse in worker processes: refresh before the observer's threads
        # exist, then again for what changed meanwhile. Neither counts as seen while watching.
        self._guarded(self._refresh)
        self._observing.start(poll=self.options.poll)
        self._guarded(self._refresh)
        written, summary = self._guarded(self._render) or (False, "not rendered")
        notes, _ = self._index_().count()
        where = self._agenda_display()
        state = "written" if written else "unchanged"
        self._line(
            f"watching {self.vault.root}: {count(notes, 'note')} · agenda: {summary} → "
            f"{where} ({state})"
        )
        if self._commit_on():
            why = self._autocommit.find_repository()
            if why is not None:
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
        if self._autocommit.candidates() and not self._debouncer.pending:
            deadlines.append(self._autocommit.time(self._last_edit))
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
        if self._autocommit.candidates():
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

    # --- events, from the observer's threads -------------------------------------------------

    def _on_event(self, kinds: set[str], paths: set[str]) -> None:
        """In an observer thread: keep what matters for the next batch."""
        with self._cond:
            at = time.monotonic()
            self._debouncer.add(kinds, paths, at)
            self._last_activity = at
            if kinds - {AGENDA}:
                self.stats.events += 1
                self._last_edit = at
            self._cond.notify_all()

    def _rescan_now(self) -> None:
        self._next_rescan = time.monotonic()

    # --- one batch -------------------------------------------------------------------------

    def _process(self, batch: Batch | None, new_day: bool, rescan: bool) -> None:
        kinds = batch.kinds if batch is not None else set()
        own_write = kinds == {AGENDA} and read(self.agenda_path) == self._written
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
            self._observing.ensure_watches()
        if CAMPAIGN in kinds and batch is not None:
            self._sync_campaigns(batch.paths, said)
        diff = self._refresh()
        if diff:
            said.append(describe(diff))
            self._autocommit.changed(diff.paths())
        if TEMPLATE in kinds:
            said.append("templates changed")
        written, summary = self._render()
        if AGENDA in kinds and written and not said:
            said.append(f"{self._agenda_display()} was edited; rendered again")
        if said or written:
            agenda = f"agenda: {summary}" if written else "agenda unchanged"
            self._line(f"{'; '.join(said) or 'rendered'} · {agenda}")
        self._report_problems()

    def _sync_campaigns(self, paths: set[str], said: list[str]) -> None:
        """Log the greetings ticked in the campaign notes among ``paths``, before the refresh
        that then sees the notes written; with commits on, each campaign note is committed
        along with them."""
        for rel in sorted(p for p in paths if classify(p, False) == CAMPAIGN):
            self._autocommit.changed({rel})
            if self._campaigns is None:
                continue
            try:
                line = self._campaigns(self._index_(), self.vault, rel, self._today)
            except NetzmdError as exc:
                said.append(f"{rel}: not synced: {exc.detail}")
                continue
            if line:
                said.append(line)

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

        self._export_ics()
        days = self.options.days
        report, news = queries.agenda_report(
            self._index_(), self.config, self._today, days, stale=True
        )
        data = to_data(report, news)
        summary = agenda_summary(data)
        try:
            text = render_agenda(self.vault, data, days, "md", limit=self.config.agenda_limit)
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

    def _export_ics(self) -> None:
        """``ics_output``: keep the calendar feed current with the agenda (written only when
        its content changes; a failure is reported like the agenda note's)."""
        if not self.config.ics_output:
            self._ics_error = None
            return
        from netzmd.formats.base import Network
        from netzmd.formats.ics import IcsExporter
        from netzmd.notes.atomic import write_if_changed

        target = self.vault.root / os.path.expanduser(self.config.ics_output)
        try:
            data = IcsExporter().export(Network(self._index_(), self.config, self._today))
            write_if_changed(target, data)
        except OSError as exc:
            self._ics_error = f"cannot write {target}: {exc.strerror or exc}"
            return
        self._ics_error = None

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
        self._autocommit.on = self._commit_on()
        if self._autocommit.on and not was_on:
            self._autocommit.find_repository()

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
            (self.config.ics_output or "ics_output", self._ics_error),
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

    # --- committing ------------------------------------------------------------------------

    def _commit_on(self) -> bool:
        if self.options.commit is not None:
            return self.options.commit
        return self.config.auto_commit_watch

    def _commit_due(self, at: float) -> bool:
        with self._cond:
            if self._debouncer.pending:
                return False
        return self._autocommit.due(at, self._last_edit)

    def _count_commit(self) -> None:
        self.stats.commits += 1

    def _commit(self) -> None:
        result = self._autocommit.commit(self.agenda_path, self._agenda_rel)
        if result is not None and result.committed:
            # The agenda's News come from git history: a committed job change is news now.
            written, summary = self._guarded(self._render) or (False, "")
            if written:
                self._line(f"agenda after the commit: {summary}")

    # --- small things ----------------------------------------------------------------------

    def _relative_agenda(self) -> str | None:
        return inside(os.path.realpath(self.agenda_path), self._root)

    def _agenda_display(self) -> str:
        return self._agenda_rel or str(self.agenda_path)

    def _line(self, text: str) -> None:
        self._say(f"{self._now().strftime('%H:%M:%S')} {text}")
