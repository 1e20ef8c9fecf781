"""The iCalendar feed (RFC 5545) through icalendar (imported here only, when a feed is made).

Four kinds of all-day events (VEVENT, not VTODO: Google Calendar and Apple's subscriptions
ignore tasks), each with the contact's note named in its description:

- ``birthdays`` and labelled ``dates``: yearly, from the date itself (a year-less date from
  the same day in 2000); 29 February recurs with ``BYMONTH=2;BYMONTHDAY=-1``, so that other
  years show 28 February. A recurring event cannot carry this year's age, so the summary says
  ``born 1985`` (a labelled date: ``since 2019``) when the year is known.
- ``follow-ups``: open follow-ups with a due date up to ``days`` ahead, on their due day; one
  that is overdue on ``today`` (it says since when).
- ``keep-in-touch``: contacts due up to ``days`` ahead by their cadence, by the agenda's rules
  (snoozed and archived contacts left out), on their due day, or on ``today`` when overdue.

Archived contacts are left out, as from the agenda. Every event has a stable UID (its kind and
the contact's id, and for a follow-up its text), so a subscribed calendar updates in place. The
only time stamp, DTSTAMP, is ``today`` at midnight UTC, so the same network exported for the
same day gives the same bytes.

The feed is written here, by string building, not through icalendar: icalendar made a property
object, a parameter object and a content line for every value and folded every line character
by character, about 9 s for the 20,000 events of 10,000 contacts; writing the few fixed forms
of line this feed has directly takes a fraction of a second. The bytes are those icalendar 7
wrote for the same events: its order of properties (SUMMARY, DTSTART, DTEND, DTSTAMP, UID,
RRULE, then DESCRIPTION and TRANSP), ``VALUE=DATE`` for the all-day days, TEXT escaped as RFC
5545 3.3.11 asks (``base.escape_text``), CRLF line ends, and its folding: a line of 75 octets
or more is cut into pieces of at most 74, never inside a UTF-8 sequence, and a backslash or
caret that would end a piece moves to the next, so that no reader sees an escape split. One
difference: icalendar turned a written ``\\N`` into a line break, this writer keeps the text.
icalendar stays the reader of record: tests/test_formats_ics.py reads the feed back with it and
holds this writer to events built with icalendar for arbitrary text.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, ClassVar

from netzmd.formats.base import ICS_KINDS, Network, derived_uid, escape_text
from netzmd.model import agenda as rules
from netzmd.model.dates import PartialDate

KINDS = ICS_KINDS
DEFAULT_DAYS = 90
PRODID = "-//netzmd//netzmd export ics//EN"
LEAP_YEAR = 2000  # the first occurrence of a year-less date: a leap year, for 29 February
LINE_OCTETS = 75  # RFC 5545 3.1: lines longer than 75 octets are folded
YEARLY = "FREQ=YEARLY"
# 29 February: the last day of February every year, so other years show 28 February
YEARLY_LEAP_DAY = "FREQ=YEARLY;BYMONTHDAY=-1;BYMONTH=2"
HEAD = (
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:" + escape_text(PRODID),
    "CALSCALE:GREGORIAN",
    "X-WR-CALNAME:netzmd",
)


class IcsExporter:
    """The feed of ``include`` (a subset of ``KINDS``), follow-ups and keep-in-touch up to
    ``days`` ahead of the network's ``today``."""

    name: ClassVar[str] = "ics"
    suffix: ClassVar[str] = ".ics"

    def __init__(self, include: Iterable[str] = KINDS, days: int = DEFAULT_DAYS) -> None:
        self.include = frozenset(include)
        unknown = self.include - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kinds: {sorted(unknown)}")
        self.days = days

    def export(self, network: Network) -> bytes:
        today = network.today
        sources = network.index.agenda_sources(stale=True)
        people = {p.path: p for p in sources.people}
        stamp = f"{today.year:04}{today.month:02}{today.day:02}T000000Z"  # midnight UTC
        events: list[tuple[tuple[Any, ...], bytes]] = []
        if {"birthdays", "dates"} & self.include:
            for e in sources.events:
                person = people.get(e.path)
                kind = "birthdays" if e.birthday else "dates"
                if person is None or kind not in self.include:
                    continue
                events.append(_yearly(person, e, stamp))
        window = rules.Window.of(today, self.days)
        if "follow-ups" in self.include:
            seen: dict[tuple[str, str], int] = {}
            for item in rules.follow_ups(people, sources.tasks, window):
                key = (item.person.path, item.task.text)
                seen[key] = seen.get(key, 0) + 1
                events.append(_follow_up(item, seen[key], today, stamp))
        if "keep-in-touch" in self.include:
            for person, due in rules.keep_in_touch(
                list(people.values()), network.config.cadence, window
            ):
                events.append(_keep_in_touch(person, due, today, stamp))
        events.sort(key=lambda pair: pair[0])
        head = b"\r\n".join(fold(line) for line in HEAD) + b"\r\n"
        return b"".join((head, *(event for _, event in events), b"END:VCALENDAR\r\n"))


def vevent(
    uid: str, summary: str, day: date, stamp: str, description: str, rrule: str | None = None
) -> bytes:
    """One all-day VEVENT, folded, with CRLF line ends: ``day`` to the next (DTEND is
    exclusive), ``stamp`` the DTSTAMP as written (``20261127T000000Z``), ``rrule`` a
    recurrence rule as written, if any."""
    end = day + timedelta(days=1)
    lines = [
        "BEGIN:VEVENT",
        "SUMMARY:" + escape_text(summary),
        f"DTSTART;VALUE=DATE:{day.year:04}{day.month:02}{day.day:02}",
        f"DTEND;VALUE=DATE:{end.year:04}{end.month:02}{end.day:02}",
        "DTSTAMP:" + stamp,
        "UID:" + escape_text(uid),
    ]
    if rrule is not None:
        lines.append("RRULE:" + rrule)
    lines += [
        "DESCRIPTION:" + escape_text(description),
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]
    return b"\r\n".join(fold(line) for line in lines) + b"\r\n"


def fold(line: str) -> bytes:
    """One content line in UTF-8, folded as RFC 5545 (3.1) asks and as icalendar folds: a line
    of 75 octets or more becomes pieces of at most 74 octets joined by CRLF and a space, cut
    only between characters (never inside a UTF-8 sequence); a piece that would end in a
    backslash or a caret leaves it to the next piece, so that an escape (``\\,``, RFC 6868's
    ``^n``) is never split."""
    data = line.encode("utf-8")
    if len(data) < LINE_OCTETS:
        return data
    parts = []
    start = 0
    while len(data) - start >= LINE_OCTETS:
        end = start + LINE_OCTETS - 1
        while data[end] & 0xC0 == 0x80:  # a continuation byte: the character starts earlier
            end -= 1
        if data[end - 1] in b"\\^":
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts)


def _event(uid: str, summary: str, day: date, stamp: str, note: str, text: str) -> bytes:
    return vevent(uid, summary, day, stamp, f"{text}\nNote: {note}" if text else f"Note: {note}")


def _yearly(person: rules.Person, e: rules.Event, stamp: str) -> tuple[tuple[Any, ...], bytes]:
    when = PartialDate.parse(e.iso)
    assert when is not None  # the index stores only dates that parse
    first = date(when.year or LEAP_YEAR, when.month, when.day)
    if e.birthday:
        summary = f"{person.name}: birthday" + (f" (born {when.year})" if when.year else "")
        uid = f"birthday-{derived_uid(person.id)}@netzmd"
    else:
        summary = f"{person.name}: {e.label}" + (f" (since {when.year})" if when.year else "")
        uid = f"date-{derived_uid(person.id + chr(0) + e.label)}@netzmd"
    rrule = YEARLY_LEAP_DAY if when.month == 2 and when.day == 29 else YEARLY
    event = vevent(uid, summary, first, stamp, f"Note: {e.path}", rrule)
    return (0, when.month, when.day, person.sort_key, e.path, e.label), event


def _follow_up(
    item: rules.FollowUp, occurrence: int, today: date, stamp: str
) -> tuple[tuple[Any, ...], bytes]:
    person, task = item.person, item.task
    due = date.fromisoformat(task.due)
    key = person.id + chr(0) + task.text + (chr(0) + str(occurrence) if occurrence > 1 else "")
    text = f"Follow-up, due {task.due}" + (" (overdue)" if due < today else "")
    event = _event(
        f"follow-up-{derived_uid(key)}@netzmd",
        f"{person.name}: {task.text}",
        max(due, today),
        stamp,
        person.path,
        text,
    )
    return (1, max(due, today), person.sort_key, person.path, task.line), event


def _keep_in_touch(
    person: rules.Person, due: rules.Due, today: date, stamp: str
) -> tuple[tuple[Any, ...], bytes]:
    day = date.fromisoformat(due.due)
    text = f"Keep in touch, due {due.due}: {due.reason}"
    event = _event(
        f"keep-in-touch-{derived_uid(person.id)}@netzmd",
        f"Get in touch with {person.name}",
        max(day, today),
        stamp,
        person.path,
        text,
    )
    return (2, max(day, today), person.sort_key, person.path, 0), event
