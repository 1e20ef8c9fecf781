"""What a batch changed, and the line that says so.

The watcher compares the index's ``{path: content hash}`` before and after each refresh:
``diff_snapshots`` tells notes added, changed, removed and moved (``pair_moves`` pairs a note
gone from one path with the same note at another, also for the commit message), ``describe``
and ``agenda_summary`` word them for the watcher's output lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from netzmd.vault import CONTACTS


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


def count(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def agenda_summary(data: Mapping[str, Any]) -> str:
    """``3 follow-ups, 5 to contact, 1 date, 2 greetings`` (nonzero parts), or ``nothing due``."""
    parts = []
    if data["follow_ups"]:
        parts.append(count(len(data["follow_ups"]), "follow-up"))
    if data["keep_in_touch"]:
        parts.append(f"{len(data['keep_in_touch'])} to contact")
    if data["dates"]:
        parts.append(count(len(data["dates"]), "date"))
    greetings = sum(len(g["contacts"]) for g in data["greetings"])
    if greetings:
        parts.append(count(greetings, "greeting"))
    return ", ".join(parts) or "nothing due"
