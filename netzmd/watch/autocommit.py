"""What ``netzmd watch --commit`` commits, and when.

The notes changed since the last commit are *dirty*; once no edit came for ``quiet_seconds``,
``AutoCommit.commit`` compares each with its committed version (``git.history.head_blobs``),
leaves for later a note still being written and holds back one with errors until it is fixed,
pairs a deleted and a created note into a move, and commits exactly those notes (and the agenda
note, when it is in the vault, not ignored and changed) through ``git.commit.commit_paths``,
with a message that says what changed in meaning (``commit_message``). A greeting campaign note
(``Greetings/``, changed with the greetings ``netzmd greet`` logged from it) is committed along,
its progress in the message's first line. A commit that cannot be
made now (a merge in progress, git failing) is tried again after another quiet period.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from netzmd.vault import CONTACTS
from netzmd.watch.changes import pair_moves
from netzmd.watch.paths import read, read_stable

if TYPE_CHECKING:
    from netzmd.git.commit import CommitResult
    from netzmd.model.semdiff import Change


@dataclass(frozen=True, slots=True)
class NoteChange:
    """What changed in one note since the last commit, in meaning."""

    name: str
    path: str
    changes: list[Change]
    repaired: bool = False  # the committed version could not be read
    said: str | None = None  # a campaign note, not a contact: what to say of it

    def line(self) -> str:
        from netzmd.model.semdiff import summary

        if self.said is not None:
            return self.said
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
    headline naming them (as many as fit in ``width``) and one line per contact below. With a
    campaign note: its line is the headline (``Christmas 2026: 2 of 15 sent``), and each
    contact's line is below."""
    if not notes:
        raise ValueError("no notes to describe")
    ordered = sorted(notes, key=lambda n: (_fold(n.name), n.path))
    campaigns = [n for n in ordered if n.said is not None]
    if campaigns:
        lines = [n.line() for n in ordered if n.said is None]
        head = "; ".join(n.line() for n in campaigns)
        return head + ("\n\n" + "\n".join(lines) if lines else "")
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


def campaign_change(rel: str, data: bytes | None) -> NoteChange:
    """A greeting campaign note as a commit names it: ``Christmas 2026: 2 of 15 sent``."""
    from netzmd.model.campaign import parse_campaign

    title = rel.rsplit("/", 1)[-1].removesuffix(".md")
    if data is None:
        return NoteChange(title, rel, [], said=f"{title}: deleted")
    sent, total = parse_campaign(data.decode("utf-8", "replace")).progress()
    return NoteChange(title, rel, [], said=f"{title}: {sent} of {total} sent")


def _fold(text: str) -> str:
    from netzmd.model.names import fold

    return fold(text)


def git_ignores(root: Path, rel: str) -> bool:
    """Whether git ignores the file ``rel`` (relative to ``root``); False without git."""
    from netzmd.git.run import Git

    git = Git.at(root)
    return git is not None and git.ok("check-ignore", "-q", "--", rel)


class AutoCommit:
    """The commit bookkeeping of one watcher: which notes are dirty or held back, when the next
    attempt may be made, what was said already. ``on``: commits are wanted (``--commit`` or
    ``auto_commit_watch``); ``repo``: the repository found (None: nothing to commit to).
    Called from the watcher's worker thread only; ``line`` says a line, ``now`` dates the
    commit, ``stopping`` tells whether the watcher is ending, ``committed`` is told of each
    commit made (before its line is said). Times are ``time.monotonic()``."""

    def __init__(
        self,
        root: Path,
        quiet_seconds: float,
        *,
        on: bool,
        line: Callable[[str], None],
        now: Callable[[], datetime],
        stopping: Callable[[], bool],
        committed: Callable[[], None] = lambda: None,
    ) -> None:
        self.root = root
        self.quiet_seconds = quiet_seconds
        self.on = on
        self.repo: Path | None = None
        self._line = line
        self._now = now
        self._stopping = stopping
        self._committed = committed
        self._dirty: set[str] = set()  # notes changed since the last commit
        self._held: set[str] = set()  # dirty notes with errors: committed once fixed
        self._after = 0.0  # no commit attempt before this (monotonic)
        self._said: set[str] = set()  # reasons already given for not committing
        self._agenda_head: bytes | None = None  # the agenda note in HEAD, as plan() saw it

    def find_repository(self) -> str | None:
        """Look for the repository to commit to; why there is none, or None when found."""
        from netzmd.git import commit as gitops

        self.repo = gitops.repository(self.root)
        return gitops.no_repository(self.root) if self.repo is None else None

    def candidates(self) -> set[str]:
        """The notes to commit once it is time: dirty and not held back."""
        if not self.on or self.repo is None:
            return set()
        return self._dirty - self._held

    def time(self, last_edit: float) -> float:
        """When a commit is due: a quiet period after the last edit, not before a retry."""
        return max(last_edit + self.quiet_seconds, self._after)

    def due(self, at: float, last_edit: float) -> bool:
        return bool(self.candidates()) and at >= self.time(last_edit)

    def changed(self, paths: set[str]) -> None:
        """Notes changed on disk (added, changed, removed, moved)."""
        self._dirty |= paths
        self._held -= paths  # changed again: look at them again

    def _retry_later(self, reason: str) -> None:
        self._after = time.monotonic() + self.quiet_seconds
        if self._stopping():
            self._line(f"not committed: {reason}; the changes are left uncommitted")
        elif reason not in self._said:
            self._said.add(reason)
            self._line(f"not committed: {reason}; trying again in {self.quiet_seconds:g} s")

    def commit(self, agenda_path: Path, agenda_rel: str | None) -> CommitResult | None:
        """Commit what is due; the result, when git was asked to commit (committed, already
        committed, or failed: then tried again later)."""
        from netzmd.git import commit as gitops

        root = self.root
        why = gitops.blocker(root)
        if why is not None:
            self._retry_later(why)
            return None
        notes, paths, unstable = self._plan(agenda_rel)
        if unstable:
            self._retry_later(f"{', '.join(unstable)} still being written")
        if not notes:
            return None
        files = [root / p for p in paths]
        agenda = self._agenda_for_commit(agenda_path, agenda_rel)
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
            self._committed()
            self._said.clear()
            self._line(result.line() or "committed")
            if result.warning:
                self._line(f"warning: {result.warning}")
        else:
            self._retry_later(result.reason or "git did not commit")
        return result

    def _plan(self, agenda_rel: str | None) -> tuple[list[NoteChange], list[str], list[str]]:
        """The notes to commit, the paths (old and new) to commit for them, and the notes left
        for later because they were still changing."""
        from netzmd.git.history import head_blobs
        from netzmd.notes.note import parse_note

        root = self.root
        versions: dict[str, tuple[bytes | None, bytes | None]] = {}
        unstable: list[str] = []
        candidates = sorted(self.candidates())
        # the agenda note's committed version too, in the same two git processes
        agenda = [agenda_rel] if agenda_rel is not None else []
        committed = head_blobs(root, [*candidates, *agenda]) if candidates else {}
        self._agenda_head = committed.get(agenda_rel) if agenda_rel else None
        campaigns: list[NoteChange] = []
        for rel in candidates:
            disk, stable = read_stable(root / rel)
            if not stable:
                unstable.append(rel)
                continue
            head = committed.get(rel)
            if disk == head:  # committed meanwhile (a netzmd command), or changed back
                self._dirty.discard(rel)
                continue
            if not rel.startswith(CONTACTS + "/"):  # a campaign note: committed as it is
                campaigns.append(campaign_change(rel, disk))
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
        notes: list[NoteChange] = list(campaigns)
        paths: list[str] = [c.path for c in campaigns]
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

    def _agenda_for_commit(self, agenda_path: Path, agenda_rel: str | None) -> Path | None:
        """The agenda note, when it is in the vault, not ignored by git and differs from HEAD."""
        if agenda_rel is None or git_ignores(self.root, agenda_rel):
            return None
        if read(agenda_path) == self._agenda_head:
            return None
        return agenda_path
