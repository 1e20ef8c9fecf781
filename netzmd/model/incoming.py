"""What an importer reads from another program's file, before the import engine matches it:
people (``Incoming``), calendar meetings (``Meeting``) and what could not be read
(``Skipped``). Plain data, shared by ``formats/`` (the readers) and ``ops/importing.py`` (the
engine)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(slots=True)
class Incoming:
    """One person as a source file has them, before matching. ``fields`` uses the note's keys,
    each only when the source has a value: ``name`` (always), ``company``, ``role``,
    ``emails`` and ``phones`` (lists, as written in the source), ``linkedin`` (the URL as
    written), ``birthday`` (``YYYY-MM-DD`` or year-less ``--MM-DD``), ``city``, ``tags`` (a
    list), ``aliases`` (a list), ``met`` (``2019-03-27 (LinkedIn)``); ``uid`` is the source's
    stable id (a vCard UID), stored as ``uid:`` so that an export gives it back; ``body`` is
    text for the note's body (a vCard NOTE); ``file`` and ``line`` say where it starts (for
    warnings); ``warnings`` are things the engine prints as ``file:line: warning: …`` while
    importing the rest (a text birthday kept in the body)."""

    fields: dict[str, Any]
    uid: str | None = None
    body: str = ""
    line: int = 1
    file: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Meeting:
    """One calendar event as the ICS importer reads it: its ``uid`` (the key that makes the
    import idempotent), the day it started (in its own time zone), its ``summary``, the
    attendees' and organizer's email addresses (as written; the engine normalises them), and
    where it starts in the file."""

    uid: str
    day: date
    summary: str
    emails: list[str]
    file: str = ""
    line: int = 1


@dataclass(frozen=True, slots=True)
class Skipped:
    """A row or card that could not be read: ``file:line: reason``; the rest is imported."""

    file: str
    line: int
    reason: str
