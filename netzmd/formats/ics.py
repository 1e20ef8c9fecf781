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
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar

import icalendar

from netzmd.formats.base import ICS_KINDS, Network, derived_uid
from netzmd.model import agenda as rules
from netzmd.model.dates import PartialDate

KINDS = ICS_KINDS
DEFAULT_DAYS = 90
PRODID = "-//netzmd//netzmd export ics//EN"
LEAP_YEAR = 2000  # the first occurrence of a year-less date: a leap year, for 29 February


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
        stamp = datetime(today.year, today.month, today.day, tzinfo=UTC)
        cal = icalendar.Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("x-wr-calname", "netzmd")
        events: list[tuple[tuple[Any, ...], icalendar.Event]] = []
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
        for _, event in events:
            cal.add_component(event)
        data: bytes = cal.to_ical()
        return data


def _event(uid: str, summary: str, day: date, stamp: datetime, note: str, text: str) -> Any:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", f"{text}\nNote: {note}" if text else f"Note: {note}")
    event.add("transp", "TRANSPARENT")
    return event


def _yearly(person: rules.Person, e: rules.Event, stamp: datetime) -> tuple[tuple[Any, ...], Any]:
    when = PartialDate.parse(e.iso)
    assert when is not None  # the index stores only dates that parse
    first = date(when.year or LEAP_YEAR, when.month, when.day)
    if e.birthday:
        summary = f"{person.name}: birthday" + (f" (born {when.year})" if when.year else "")
        uid = f"birthday-{derived_uid(person.id)}@netzmd"
    else:
        summary = f"{person.name}: {e.label}" + (f" (since {when.year})" if when.year else "")
        uid = f"date-{derived_uid(person.id + chr(0) + e.label)}@netzmd"
    event = _event(uid, summary, first, stamp, e.path, "")
    if when.month == 2 and when.day == 29:
        event.add("rrule", {"freq": "yearly", "bymonth": 2, "bymonthday": -1})
    else:
        event.add("rrule", {"freq": "yearly"})
    return (0, when.month, when.day, person.sort_key, e.path, e.label), event


def _follow_up(
    item: rules.FollowUp, occurrence: int, today: date, stamp: datetime
) -> tuple[tuple[Any, ...], Any]:
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
    person: rules.Person, due: rules.Due, today: date, stamp: datetime
) -> tuple[tuple[Any, ...], Any]:
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
