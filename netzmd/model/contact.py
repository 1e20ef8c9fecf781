"""The contact as netzmd understands it, and the problems found while reading notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Literal

from netzmd.model.dates import Cadence, PartialDate
from netzmd.model.names import fold

CIRCLES = ("career", "competence", "publication")


def effective_cadence(
    cadence: str | None, circle: str | None, defaults: dict[str, str]
) -> str | None:
    """The cadence that holds for a contact: their own as written, else their circle's default
    (``defaults``: ``Config.cadence``); None when neither. ``none`` is kept as written: a
    cadence that never comes due. The one place this rule is written."""
    return cadence if cadence is not None else defaults.get(circle or "")


Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in a file: ``path:line: severity: message``."""

    path: str
    line: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "severity": self.severity,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Interaction:
    """A list item in the body that begins with a date: ``- 2026-11-20 [lunch] text``."""

    date: date
    text: str
    kind: str | None
    line: int

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "kind": self.kind,
            "text": self.text,
            "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class FollowUp:
    """An Obsidian Tasks item: ``- [ ] text 📅 2026-12-05``; ``- [x] … ✅ 2026-12-01`` when done."""

    due: date | None
    text: str
    done: bool
    line: int
    done_on: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "due": self.due.isoformat() if self.due else None,
            "text": self.text,
            "done": self.done,
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "line": self.line,
        }


@dataclass(slots=True)
class Contact:
    """One person, read from one note. Nothing here depends on today's date."""

    id: str
    path: str
    name: str
    aliases: list[str] = field(default_factory=list)
    circle: str | None = None
    tags: list[str] = field(default_factory=list)
    company: str | None = None
    role: str | None = None
    city: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    birthday: PartialDate | None = None
    dates: dict[str, PartialDate] = field(default_factory=dict)
    cadence: str | None = None
    last_contact_field: date | None = None
    snooze_until: date | None = None
    met: str | None = None
    introduced_by: str | None = None
    vouches: bool = False
    offers: str | None = None
    offer_date: date | None = None  # when the offer was made
    former: list[str] = field(default_factory=list)  # companies they worked at before
    archived: bool = False
    interactions: list[Interaction] = field(default_factory=list)  # newest first
    follow_ups: list[FollowUp] = field(default_factory=list)  # in note order
    fields: dict[str, Any] = field(default_factory=dict)  # JSON-ready, as written

    def last_contact(self, today: date) -> date | None:
        """The latest of ``last_contact:`` and every interaction dated up to today."""
        latest = self.last_contact_field
        if latest is not None and latest > today:
            latest = None
        for item in self.interactions:  # newest first: the first one not in the future wins
            if item.date <= today:
                if latest is None or item.date > latest:
                    latest = item.date
                break
        return latest

    def names(self) -> list[str]:
        """Every name the contact answers to: id, display name and aliases."""
        out = [self.id]
        for n in (self.name, *self.aliases):
            if n not in out:
                out.append(n)
        return out


def static_json(c: Contact) -> dict[str, Any]:
    """The contact's JSON without the date-dependent keys (cadence, last_contact, next_due)."""
    return {
        "id": c.id,
        "path": c.path,
        "name": c.name,
        "aliases": c.aliases,
        "circle": c.circle,
        "tags": c.tags,
        "company": c.company,
        "role": c.role,
        "city": c.city,
        "emails": c.emails,
        "phones": c.phones,
        "birthday": c.birthday.iso() if c.birthday else None,
        "dates": {label: d.iso() for label, d in c.dates.items()},
        "snooze_until": c.snooze_until.isoformat() if c.snooze_until else None,
        "met": c.met,
        "introduced_by": c.introduced_by,
        "vouches": c.vouches,
        "offers": c.offers,
        "archived": c.archived,
        "interactions": [i.to_json() for i in c.interactions],
        "follow_ups": [f.to_json() for f in c.follow_ups],
        "fields": c.fields,
    }


def seen_text(c: Contact) -> str:
    """The interaction dates as the index keeps them: newest first, once
    each, comma-separated."""
    return ",".join(dict.fromkeys(i.date.isoformat() for i in c.interactions))


# The keys of a contact's JSON, in order; the three date-dependent ones follow "name".
DYNAMIC_KEYS = ("cadence", "last_contact", "next_due")


def core_json(c: Contact) -> dict[str, Any]:
    """The small part of a contact that date rules (lists, agendas) need, stored in the index."""
    return {
        "id": c.id,
        "name": c.name,
        "sort_key": fold(c.name),
        "path": c.path,
        "circle": c.circle,
        "tags": c.tags,
        "company": c.company,
        "role": c.role,
        "archived": c.archived,
        "cadence": c.cadence,
        "last_contact": c.last_contact_field.isoformat() if c.last_contact_field else None,
        "seen": seen_text(c),
        "snooze_until": c.snooze_until.isoformat() if c.snooze_until else None,
        "birthday": c.birthday.iso() if c.birthday else None,
        "dates": {label: d.iso() for label, d in c.dates.items()},
        "follow_ups": [
            [f.due.isoformat() if f.due else None, f.text, f.line]
            for f in c.follow_ups
            if not f.done
        ],
    }


@dataclass(frozen=True, slots=True)
class Status:
    """Where a contact stands on a given day."""

    cadence: str | None
    last_contact: date | None
    next_due: date | None


def status(core: dict[str, Any], today: date, defaults: dict[str, str]) -> Status:
    """Cadence (as written or the circle default), last contact up to today, next due date."""
    return fast_status(
        core["cadence"],
        core["circle"],
        core["last_contact"],
        core["seen"],
        today,
        today.isoformat(),
        defaults,
    )


@lru_cache(maxsize=256)
def _cadence(text: str) -> Cadence | None:
    return Cadence.parse(text)


def last_contact_text(last_field: str | None, seen: str | None, today_iso: str) -> str | None:
    """The latest of the ``last_contact:`` field and the interaction dates (``seen``: comma-
    separated, newest first) that are not after today, as ``YYYY-MM-DD``."""
    latest = last_field if last_field is not None and last_field <= today_iso else None
    if seen:
        newest: str | None = seen[:10]
        if newest is not None and newest > today_iso:
            newest = next((d for d in seen.split(",") if d <= today_iso), None)
        if newest is not None and (latest is None or newest > latest):
            latest = newest
    return latest


def fast_status(
    cadence: str | None,
    circle: str | None,
    last_field: str | None,
    seen: str | None,
    today: date,
    today_iso: str,
    defaults: dict[str, str],
) -> Status:
    """``status`` for the index's columns: ``seen`` is the comma-separated interaction dates,
    newest first. Most of the time the newest is not in the future and no split is needed."""
    latest = last_contact_text(last_field, seen, today_iso)
    text = effective_cadence(cadence, circle, defaults)
    parsed = _cadence(text) if text is not None else None
    last = date.fromisoformat(latest) if latest else None
    if parsed is None:
        return Status(text, last, None)
    return Status(text, last, parsed.add_to(last) if last is not None else today)
