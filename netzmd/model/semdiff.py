"""What changed in a contact, in meaning rather than in lines: fields added, changed or removed,
interactions logged, follow-ups added or done, the note created, renamed, archived.

Pure: two parsed contacts (either may be None) in, a list of ``Change`` out. Used for commit
messages (``watch --commit``) and for ``history`` / ``changes``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from netzmd.model.contact import Contact

# Front-matter keys whose change is a field change; everything else in ``fields`` too.
_LIST_JOIN = ", "


@dataclass(frozen=True, slots=True)
class Change:
    """One change. ``kind`` is one of: created, deleted, renamed, field_added, field_changed,
    field_removed, archived, unarchived, interaction_added, interaction_removed,
    follow_up_added, follow_up_done, follow_up_reopened, follow_up_removed; and, for versions
    of a note that cannot be read (see ``history.version_changes``), unreadable (``text``: the
    problem) and readable_again."""

    kind: str
    field: str | None = None
    old: Any = None
    new: Any = None
    text: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        if self.field is not None:
            out["field"] = self.field
        if self.kind in ("field_changed", "field_removed", "renamed"):
            out["old"] = self.old
        if self.kind in ("field_changed", "field_added", "renamed"):
            out["new"] = self.new
        if self.text is not None:
            out["text"] = self.text
        return out

    def describe(self) -> str:
        """Short words: ``company: Foo GmbH → Bar AG``, ``log: 2026-11-20 lunch``."""
        if self.kind == "field_changed":
            return f"{self.field}: {_show(self.old)} → {_show(self.new)}"
        if self.kind == "field_added":
            return f"{self.field}: {_show(self.new)} (new)"
        if self.kind == "field_removed":
            return f"{self.field} removed (was {_show(self.old)})"
        if self.kind == "renamed":
            return f"renamed {self.old} → {self.new}"
        if self.kind == "interaction_added":
            return f"log: {self.text}"
        if self.kind == "interaction_removed":
            return f"log removed: {self.text}"
        if self.kind == "follow_up_added":
            return f"follow-up: {self.text}"
        if self.kind == "follow_up_done":
            return f"done: {self.text}"
        if self.kind == "follow_up_reopened":
            return f"reopened: {self.text}"
        if self.kind == "follow_up_removed":
            return f"follow-up removed: {self.text}"
        if self.kind == "unreadable":
            return f"unreadable: {self.text}"
        if self.kind in ("created", "deleted"):
            return f"note {self.kind}"
        return self.kind.replace("_", " ")


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + _LIST_JOIN.join(_show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + _LIST_JOIN.join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# An interaction's meaning: date, kind and text (not its line, which moves as lines are added).
_MEANING = attrgetter("date", "kind", "text")


def _interaction(meaning: tuple[Any, str | None, str]) -> str:
    when, kind, text = meaning
    tag = f"[{kind}] " if kind else ""
    return f"{when.isoformat()} {tag}{text}".rstrip()


def diff_contacts(
    old: Contact | None, new: Contact | None, *, old_path: str | None = None
) -> list[Change]:
    """The changes from ``old`` to ``new``; ``None`` stands for a note that does not exist (or
    could not be read). A different path is a rename."""
    if old is None and new is None:
        return []
    if old is None:
        assert new is not None
        return [Change("created", text=new.name)]
    if new is None:
        return [Change("deleted", text=old.name)]
    changes: list[Change] = []
    if (old_path or old.path) != new.path:
        changes.append(Change("renamed", old=old_path or old.path, new=new.path))
    for key in [*old.fields, *(k for k in new.fields if k not in old.fields)]:
        before, after = old.fields.get(key), new.fields.get(key)
        if before == after:
            continue
        if key == "archived" and bool(before) != bool(after):
            changes.append(Change("archived" if after else "unarchived"))
            continue
        if key not in old.fields:
            changes.append(Change("field_added", key, new=after))
        elif key not in new.fields:
            changes.append(Change("field_removed", key, old=before))
        else:
            changes.append(Change("field_changed", key, old=before, new=after))
    before_log = Counter(map(_MEANING, old.interactions))
    after_log = Counter(map(_MEANING, new.interactions))
    for text in sorted(map(_interaction, (after_log - before_log).elements())):
        changes.append(Change("interaction_added", text=text))
    for text in sorted(map(_interaction, (before_log - after_log).elements())):
        changes.append(Change("interaction_removed", text=text))
    changes.extend(_follow_up_changes(old, new))
    return changes


JOB_FIELDS = ("company", "role")


def job_changes(old: Contact, new: Contact) -> list[Change]:
    """Company or role changed from one value to another (as netzmd reads them: text, trimmed):
    ``field_changed`` changes. Adding a value where there was none, or removing it, is not a
    job change."""
    out: list[Change] = []
    for name in JOB_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before and after and before != after:
            out.append(Change("field_changed", name, old=before, new=after))
    return out


def _follow_up_changes(old: Contact, new: Contact) -> list[Change]:
    def key(text: str) -> str:
        return " ".join(text.split())

    before = {key(f.text): f for f in old.follow_ups}
    after = {key(f.text): f for f in new.follow_ups}
    out: list[Change] = []
    for k, f in after.items():
        was = before.get(k)
        if was is None:
            out.append(Change("follow_up_done" if f.done else "follow_up_added", text=f.text))
        elif f.done and not was.done:
            out.append(Change("follow_up_done", text=f.text))
        elif was.done and not f.done:
            out.append(Change("follow_up_reopened", text=f.text))
    for k, f in before.items():
        if k not in after:
            out.append(Change("follow_up_removed", text=f.text))
    return out


def summary(name: str, changes: list[Change]) -> str:
    """One line for a contact: ``Jane Doe: company Foo → Bar; log +1; follow-up done``."""
    if not changes:
        return f"{name}: no change in meaning"
    parts: list[str] = []
    counts = Counter(c.kind for c in changes)
    for c in changes:
        if c.kind in ("field_changed",):
            parts.append(f"{c.field} {_show(c.old)} → {_show(c.new)}")
        elif c.kind == "field_added":
            parts.append(f"{c.field} {_show(c.new)}")
        elif c.kind == "field_removed":
            parts.append(f"{c.field} removed")
        elif c.kind in ("created", "deleted", "archived", "unarchived", "unreadable"):
            parts.append(c.kind)
        elif c.kind == "readable_again":
            parts.append("readable again")
        elif c.kind == "renamed":
            parts.append(f"renamed from {c.old}")
    if counts["interaction_added"] or counts["interaction_removed"]:
        log = []
        if counts["interaction_added"]:
            log.append(f"+{counts['interaction_added']}")
        if counts["interaction_removed"]:
            log.append(f"-{counts['interaction_removed']}")
        parts.append("log " + " ".join(log))
    for kind, word in (
        ("follow_up_added", "follow-up +"),
        ("follow_up_done", "done "),
        ("follow_up_reopened", "reopened "),
        ("follow_up_removed", "follow-up -"),
    ):
        if counts[kind]:
            parts.append(f"{word}{counts[kind]}")
    return f"{name}: " + "; ".join(parts)
