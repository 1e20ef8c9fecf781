"""Watchdog observers for ``netzmd watch``: file events where they work, polling where not.

``Observing`` watches the vault's top folder (for netzmd.toml and the agenda note), contacts/,
templates/ and Greetings/ (the campaign notes of ``netzmd greet``), renews a watch when one of
those folders is made, replaced or removed, and hands every event that matters
(``watch.paths.classify``) to the watcher as (kinds, paths). It polls instead with ``--poll``,
on file systems that do not report changes made elsewhere (NFS, SMB, WSL's /mnt/c, …:
``events_unreliable``), where watchdog offers no file events, and when the inotify limits are
reached: at the start, or later, also when watchdog silently leaves folders under a recursive
watch unwatched (``check_coverage``). Watchdog is imported only when a watcher starts.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from netzmd.model.campaign import CAMPAIGNS
from netzmd.vault import CONTACTS, TEMPLATES
from netzmd.watch.paths import classify, relative

if TYPE_CHECKING:
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers.api import BaseObserver, ObservedWatch

_EVENT_TYPES = frozenset({"created", "modified", "deleted", "moved", "closed"})

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


class Observing:
    """The observer of one watcher. ``mode`` is "starting", then "events" or "polling".

    ``root`` is the vault's real path; ``agenda`` tells the agenda note's vault-relative path
    (None: outside the vault); every event that matters goes to ``handle(kinds, paths)``, in an
    observer thread. ``line`` says a line; ``polling_started`` is told when it switched to
    polling (what changed meanwhile needs a rescan); ``running`` tells whether the watcher has
    started, after which a gap in the watches means polling rather than an error."""

    def __init__(
        self,
        vault_root: Path,
        root: str,
        poll_seconds: float,
        *,
        agenda: Callable[[], str | None],
        handle: Callable[[set[str], set[str]], None],
        line: Callable[[str], None],
        polling_started: Callable[[], None],
        running: Callable[[], bool],
    ) -> None:
        self.mode = "starting"
        self.vault_root = vault_root
        self.root = root
        self.poll_seconds = poll_seconds
        self._agenda = agenda
        self._handle = handle
        self._line = line
        self._polling_started = polling_started
        self._running = running
        self._observer: BaseObserver | None = None
        self._handler: FileSystemEventHandler | None = None
        self._watches: dict[str, tuple[tuple[str, int, int], ObservedWatch]] = {}
        self._roots: list[tuple[str, str]] = [(root, "")]

    def start(self, *, poll: bool) -> None:
        """Start observing: polling with ``poll`` or where events do not work, else events."""
        if poll:
            self.use_polling("--poll", quiet=False)
            return
        kind = events_unreliable(self.vault_root)
        if kind is not None:
            self.use_polling(
                f"the vault is on a {kind} file system, which does not report changes made "
                "elsewhere"
            )
            return
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        if Observer is PollingObserver:
            self.use_polling("this system offers watchdog no file events")
            return
        observer = Observer()
        self._observer = observer
        self.mode = "events"
        try:
            # Started first, so that each watch starts as it is scheduled, in a fixed order:
            # the vault's top folder, contacts/, templates/.
            observer.start()
            self.ensure_watches(starting=True)
            self.check_coverage()
        except OSError as exc:
            self.use_polling(limit_reason(exc))

    def use_polling(self, reason: str, *, quiet: bool = True) -> None:
        from watchdog.observers.polling import PollingObserver

        self.stop()
        observer = PollingObserver(timeout=self.poll_seconds)
        self._observer = observer
        self.mode = "polling"
        observer.start()
        self.ensure_watches(starting=True)
        every = f"polling every {self.poll_seconds:g} s"
        self._line(f"{reason}; {every} instead" if quiet else f"{every} ({reason})")
        self._polling_started()  # what changed while switching

    def stop(self) -> None:
        observer, self._observer = self._observer, None
        self._watches.clear()
        if observer is None:
            return
        observer.stop()
        if observer.is_alive():
            observer.join()

    def _folders(self) -> list[tuple[str, str, bool]]:
        """The folders to watch: (vault-relative name, real path, recursively)."""
        out = [("", self.root, False)]
        for name in (CONTACTS, TEMPLATES, CAMPAIGNS):
            real = os.path.realpath(self.vault_root / name)
            inside = real.startswith(self.root.rstrip(os.sep) + os.sep)
            if inside and os.path.isdir(real):
                out.append((name, real, True))
        return out

    def ensure_watches(self, *, starting: bool = False) -> None:
        """Watch the vault's top folder (for netzmd.toml and the agenda note), contacts/,
        templates/ and Greetings/; again when one of them was made, replaced or removed."""
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
            self.use_polling(limit_reason(exc))  # a folder made later hit the limit
            return
        finally:
            self._roots = [(ident[0], name) for name, (ident, _) in self._watches.items()]
        if not starting and self.mode == "events":
            self.check_coverage()

    def check_coverage(self) -> None:
        """Raise OSError(ENOSPC) when watchdog silently left folders under a recursive watch
        unwatched (it does so when the inotify limit is reached below the top folder); once the
        watcher runs, switch to polling instead. Best effort: needs watchdog's inotify
        emitter."""
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
                        if self._running():
                            self.use_polling(limit_reason(error))
                            return
                        raise error

    def _event_handler(self) -> FileSystemEventHandler:
        if self._handler is None:
            from watchdog.events import FileSystemEventHandler

            observing = self

            class Handler(FileSystemEventHandler):
                def on_any_event(self, event: FileSystemEvent) -> None:
                    observing._on_event(event)

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
        roots, agenda = self._roots, self._agenda()
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
        if kinds:
            self._handle(kinds, paths)


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


def limit_reason(exc: OSError) -> str:
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
