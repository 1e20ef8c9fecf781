"""What every format shares: the exporter and importer protocols, the network an exporter reads,
the escaping of TEXT values that vCard and iCalendar share, and the stable identifiers (UIDs)
that let a sync tool or a later import recognise a contact.

An exporter is a class with a ``name``, a file ``suffix`` and ``export(network) -> bytes``; its
options (ICS's ``include`` and ``days``) are keyword arguments of its constructor, each with a
default, so that ``cls()`` exports everything with the usual settings (the contract suite in
tests/test_formats_contract.py does exactly that for every registered exporter). An exporter
that can also write one file per contact (vCard, for khard and vdirsyncer) is a
``FolderExporter``.

An importer turns one file's bytes into ``Incoming`` people and ``Skipped`` rows (a calendar
importer into ``Meeting``s); the one import engine (``ops/importing.py``: matching, the
three-way rule, writing through the writer) is shared by all of them and is not part of a
format.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from netzmd.model.identity import NAMESPACE, derived_uid
from netzmd.model.incoming import Incoming, Meeting, Skipped

__all__ = ["NAMESPACE", "Incoming", "Meeting", "Skipped", "derived_uid"]  # used by formats

if TYPE_CHECKING:
    from netzmd.config import Config
    from netzmd.store.index import Index
    from netzmd.store.queries import Filters


# The kinds of event the calendar feed holds (``formats.ics``), here so that the command line
# can check ``--include`` without loading the feed's module.
ICS_KINDS = ("birthdays", "dates", "follow-ups", "keep-in-touch")


@dataclass(slots=True)
class Network:
    """What an exporter reads: the refreshed index, the settings, the day it exports for, and
    which contacts (``filters``; archived ones are included unless the filters say otherwise).
    Contacts are read from the index (their stored JSON), never by parsing every note; only a
    note's free text (``body``) is read from its file, by the formats that export it."""

    index: Index
    config: Config
    today: date
    filters: Filters | None = None
    _contacts: list[dict[str, Any]] | None = field(default=None, repr=False)

    def contacts(self, history: bool = True) -> list[dict[str, Any]]:
        """Every contact's full JSON (as ``list --format json`` gives it: fields, dates,
        interactions, follow-ups, cadence, next due), in name order. ``history=False``: the
        same without ``interactions`` and ``follow_ups``, for a format that holds neither (a
        vCard); they are most of the JSON, so they are cut out before it is decoded."""
        if self._contacts is not None:
            if history:
                return self._contacts
            skip = ("interactions", "follow_ups")
            return [{k: v for k, v in c.items() if k not in skip} for c in self._contacts]
        import json

        from netzmd.store.queries import Filters, contacts_json

        filters = self.filters if self.filters is not None else Filters(archived=True)
        data = b"".join(contacts_json(self.index, self.config, self.today, filters))
        if history:
            self._contacts = json.loads(data)
            return self._contacts
        light: list[dict[str, Any]] = json.loads(without_history(data))
        return light

    def body(self, path: str) -> str:
        """The note's Markdown after its front matter, line ends as LF; "" when it cannot be
        read now."""
        from netzmd.notes.note import decode, split_front_matter

        try:
            data = (self.index.vault.root / path).read_bytes()
        except OSError:
            return ""
        text = decode(path, data)[0]
        if text is None:
            return ""
        text = text.replace("\r\n", "\n")
        try:
            _, _, body_line = split_front_matter(text)
        except ValueError:
            return ""
        return "\n".join(text.split("\n")[body_line - 1 :])


# Where a contact's history starts and ends in its JSON line: the keys "interactions" and
# "follow_ups" come between "archived" and "fields" (model.contact.static_json). Every value
# before them is a scalar, a list of strings or a mapping of strings, and every item of the two
# lists a mapping of scalars under fixed keys, and a string holds a quote only as \", so the
# first START on a line and the first END after it are the keys themselves.
_HISTORY_START = b', "interactions": ['
_HISTORY_END = b'], "fields": {'


def without_history(data: bytes) -> bytes:
    """``list --format json`` output (one contact a line) with each contact's interactions and
    follow-ups cut out; a line where they are not found as expected is left whole."""
    lines = data.split(b"\n")
    for number, line in enumerate(lines):
        start = line.find(_HISTORY_START)
        if start >= 0:
            end = line.find(_HISTORY_END, start)
            if end >= 0:
                lines[number] = line[:start] + line[end + 1 :]
    return b"\n".join(lines)


class Exporter(Protocol):
    """Turns the network into one file's bytes. The same network and day give the same bytes."""

    name: ClassVar[str]  # the subcommand: "vcard"
    suffix: ClassVar[str]  # the usual file ending: ".vcf"

    def export(self, network: Network) -> bytes: ...


class FolderExporter(Exporter, Protocol):
    """An exporter that can also write one file per contact."""

    def export_each(self, network: Network) -> list[tuple[str, bytes]]:
        """(file name, bytes) per contact; file names are unique and safe (no folders)."""
        ...


# --- the import side -----------------------------------------------------------------------------
# What an importer returns is plain data, in ``model.incoming`` (the import engine in ``ops/``
# uses it without importing formats); the names are here too for the importers.


class Importer(Protocol):
    """Reads one source file. ``sniff`` tells whether bytes look like this format (so that a
    wrong file is refused with what was expected); ``read`` returns the people and what was
    skipped, and raises ``NetzmdError`` naming the file when it is not this format at all."""

    name: ClassVar[str]  # the subcommand: "linkedin"

    def sniff(self, data: bytes, file: str) -> bool: ...

    def read(self, data: bytes, file: str) -> tuple[list[Incoming], list[Skipped]]: ...


class MeetingImporter(Protocol):
    """Reads one calendar file into meetings (``netzmd import ics``)."""

    name: ClassVar[str]

    def sniff(self, data: bytes, file: str) -> bool: ...

    def read_meetings(
        self, data: bytes, file: str, *, until: date
    ) -> tuple[list[Meeting], list[Skipped]]:
        """Every meeting that started on or before ``until`` (a recurring event: each of its
        occurrences up to then, each with a UID of its own)."""
        ...


def tag_for(label: str) -> str | None:
    """A label or category of another program as a tag that Obsidian reads as one: spaces and
    what a tag cannot hold become ``-`` (``Old Friends`` → ``Old-Friends``), case is kept, a
    leading ``#`` dropped; None when nothing is left or it is only digits (Obsidian needs a
    letter)."""
    import re

    text = re.sub(r"[\s#,;:!?\"'`()\[\]{}<>|\\^*=+~.&@$%]+", "-", label.strip().lstrip("#"))
    text = re.sub(r"-{2,}", "-", text).strip("-/")
    if not text or text.isdigit():
        return None
    return text


# --- content lines (vCard 3.0, RFC 2425/2426, and iCalendar, RFC 5545, share their syntax) ---


def escape_text(value: str) -> str:
    r"""A TEXT value escaped as RFC 2426 (section 4) and RFC 5545 (3.3.11) both require: ``\\``
    for a backslash, ``\;``, ``\,``, and ``\n`` for a line break (CRLF, LF, or a lone CR);
    the backslash first, so that no escape is escaped twice. ``:`` needs no escape in a value.
    (vobject's and icalendar's writers do the same, except that icalendar first turns a
    written ``\N`` into a line break, which changes the text.)"""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


# --- stable identifiers ------------------------------------------------------------------------


def contact_uids(contacts: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Each contact's UID by path: its ``uid:`` front-matter key when it has one (an import
    stores it), else one derived from its id (the file name), so that renaming or adding other
    notes changes no UID. A UID already taken (two notes with one id in different folders, a
    ``uid:`` copied into a second note) is derived from the path instead, so every UID is
    unique; which of the two keeps it goes by path order."""
    rows = sorted(contacts, key=lambda c: str(c["path"]))
    out: dict[str, str] = {}
    taken: set[str] = set()
    for c in rows:
        own = (c.get("fields") or {}).get("uid")
        uid = own.strip() if isinstance(own, str) and own.strip() else derived_uid(str(c["id"]))
        if uid in taken:
            uid = derived_uid("path:" + str(c["path"]))
        taken.add(uid)
        out[str(c["path"])] = uid
    return out
