"""iCalendar import (``netzmd import ics``): the meetings of a calendar file, through icalendar
(imported here only, when a calendar is read; dateutil's rrule for recurring events, on
first use).

The file's structure is checked here first, line by line, because icalendar silently drops a
whole calendar when one event in it lacks its END:VEVENT: each ``BEGIN:VEVENT`` …
``END:VEVENT`` is a block with the line it begins on; an event that does not end is a
``Skipped`` entry; time zones (VTIMEZONE) are kept for all events; other components (VTODO,
VJOURNAL …) and an event's alarms are left out. The sound blocks are then read by icalendar in
one calendar, with only the properties a meeting is read from (DESCRIPTION and the like cost
icalendar most of its time); when a time zone is broken, which makes icalendar read nothing,
without the time zones. The text is UTF-8 (a BOM dropped; UTF-16 with a BOM); a line that is
not is read as Windows-1252.

What an event gives (each a ``Meeting``):

- ``day``: the date of DTSTART as written, in the event's own time zone: an all-day DATE, a
  floating time, a TZID time (its wall-clock date there), a UTC time (``…Z``) in UTC, or in
  the calendar's own zone when the calendar names one (``X-WR-TIMEZONE``, as Google writes),
  since that is the day its owner saw.
- ``emails``: the ORGANIZER's and every ATTENDEE's ``mailto:`` address as written (the
  ``mailto:`` taken off; an ``EMAIL=`` parameter when the address is no mailto), without
  attendees who declined (``PARTSTAT=DECLINED``) and without rooms and resources
  (``CUTYPE=ROOM``/``RESOURCE``); each address once.
- ``summary``: SUMMARY, "" when there is none; ``line``: the line of its BEGIN:VEVENT.
- ``uid``: UID as it is for a single event; ``<UID>/<YYYY-MM-DD>`` for each occurrence of a
  recurring one (the day it was planned for: a moved occurrence keeps its UID); an event
  without UID gets one derived from its DTSTART and SUMMARY, so a second import finds it again.

Left out: events with ``STATUS:CANCELLED`` (a cancelled series with all its occurrences),
events that start after ``until``. A recurring event (RRULE, RDATE, EXDATE, and the events
with its UID and a RECURRENCE-ID that move or cancel one occurrence) gives one meeting per
occurrence up to ``until``, counted in the time zone of its DTSTART; occurrences of one event
on the same day are one meeting. At most ``CAP`` occurrences of one event are read, the
latest up to ``until`` (the ones that say when a person was last met); a ``Skipped`` entry says
so when an event has more. Two events with one UID and no RECURRENCE-ID: the one with the
higher SEQUENCE (else the later in the file) counts.

An event that cannot be read (no DTSTART, a DTSTART, RRULE, RDATE, EXDATE or RECURRENCE-ID
that is no date or rule, a line that is no content line) is a ``Skipped`` entry with its line;
a file that is not iCalendar at all raises ``NetzmdError`` naming the file.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from typing import Any, ClassVar

from netzmd.errors import NetzmdError
from netzmd.formats.base import Meeting, Skipped, derived_uid
from netzmd.formats.vcard_read import first_line, plain, text_of

WHAT = "an iCalendar file"
HINT = (
    "an iCalendar file (.ics) begins with BEGIN:VCALENDAR and holds events from BEGIN:VEVENT "
    "to END:VEVENT, as calendar programs export them"
)
CAP = 1000  # occurrences read per recurring event
STEPS = 100_000  # occurrences looked at per recurring event, at most (a rule every minute …)
_NEWLINE = re.compile(r"\r\n|\r|\n")
# The properties a meeting is read from: an error in one of them makes the event unreadable.
_USED = frozenset({"DTSTART", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "ATTENDEE"}) | {
    "ORGANIZER"
}
_PERSON_LESS = frozenset({"ROOM", "RESOURCE"})
_READ = _USED | {"UID", "SUMMARY", "STATUS", "SEQUENCE"}
_NAME = re.compile(r"[A-Za-z0-9-]+(?=[;:])")


@dataclass(slots=True)
class Block:
    """The content lines of one VEVENT (unfolded) and the line of its BEGIN:VEVENT."""

    begin: int
    lines: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Scan:
    """A calendar file's structure: its events, its time zones' lines, the calendar's zone."""

    events: list[Block]
    zones: list[str]
    calendar_zone: str | None
    zones_line: int = 0  # the line of the first VTIMEZONE


@dataclass(slots=True)
class Event:
    """One VEVENT as read: its UID (given or derived), where it starts, and its component."""

    block: Block
    component: Any
    uid: str
    start: date  # a date, or a datetime (a subclass of date)
    summary: str
    status: str
    sequence: int
    recurrence_id: date | None
    emails: list[str]


class EventError(Exception):
    """An event that cannot be read; the message (a ``Skipped`` reason) says why."""


class IcsImporter:
    """Reads the meetings of one ``.ics`` file (``base.MeetingImporter``)."""

    name: ClassVar[str] = "ics"

    def sniff(self, data: bytes, file: str) -> bool:
        """Whether the file's first line that is not blank is ``BEGIN:VCALENDAR``."""
        return first_line(data[:4096]).upper() == "BEGIN:VCALENDAR"

    def read_meetings(
        self, data: bytes, file: str, *, until: date
    ) -> tuple[list[Meeting], list[Skipped]]:
        skipped: list[Skipped] = []
        scan = scan_calendar(text_of(data, file, WHAT, HINT), file, skipped)
        events = read_events(scan, file, skipped)
        meetings = expand(events, file, until, skipped)
        skipped.sort(key=lambda s: s.line)
        return meetings, skipped


# --- the file's structure -------------------------------------------------------------------


def logical_lines(text: str) -> Iterator[tuple[str, int]]:
    """The content lines of a text, unfolded (RFC 5545 3.1: a line that starts with a space or
    tab continues the one before), each with the physical line it starts on; blank lines
    left out."""
    current: list[str] = []
    start = 0
    for number, physical in enumerate(_NEWLINE.split(text), start=1):
        if current and physical[:1] in (" ", "\t"):
            current.append(physical[1:])
            continue
        if current:
            yield plain("".join(current))[0], start
            current = []
        if physical.strip():
            current = [physical]
            start = number
    if current:
        yield plain("".join(current))[0], start


def _kept(line: str) -> bool:
    """Whether an event's content line goes to icalendar: the properties a meeting is read
    from, and a line that is no property at all (so that icalendar says what is wrong);
    DESCRIPTION, LOCATION and the rest are left out, which more than halves icalendar's work."""
    name = _NAME.match(line)
    return name is None or name[0].upper() in _READ


def scan_calendar(text: str, file: str, skipped: list[Skipped]) -> Scan:
    """The events and time zones of a calendar's text. Raises ``NetzmdError`` when there is no
    BEGIN:VCALENDAR, or when there are events but none that ends (the file is cut off)."""
    events: list[Block] = []
    zones: list[str] = []
    calendar_zone: str | None = None
    stack: list[str] = []  # the components open now
    event: Block | None = None
    event_depth = 0
    zone: list[str] | None = None
    zone_depth = 0
    zones_line = 0
    began = False
    unended = 0

    def broken(reason: str) -> None:
        nonlocal event, unended
        assert event is not None
        skipped.append(Skipped(file, event.begin, reason))
        unended += 1
        event = None

    for text_line, number in logical_lines(text):
        upper = text_line.strip().upper()
        if upper.startswith("BEGIN:"):
            kind = upper[6:].strip()
            if kind == "VCALENDAR" and not stack:
                began = True
            if kind == "VEVENT" and event is not None:
                broken(f"an event that does not end: no END:VEVENT before line {number}")
                del stack[event_depth:]
            if kind == "VEVENT" and event is None:
                event = Block(number)
                event_depth = len(stack)
            if kind == "VTIMEZONE" and event is None and zone is None:
                zone = []
                zone_depth = len(stack)
                zones_line = zones_line or number
            stack.append(kind)
            if event is not None:
                if len(stack) == event_depth + 1:  # its own BEGIN, not an alarm's
                    event.lines.append(text_line)
                continue
        elif upper.startswith("END:"):
            kind = upper[4:].strip()
            if event is not None and (len(stack) <= event_depth or stack[-1] != kind):
                broken(f"an event that does not end: no END:VEVENT before line {number}")
            if kind in stack:
                while stack and stack.pop() != kind:
                    pass
            if event is not None:
                if len(stack) == event_depth:  # its own END, not an alarm's
                    event.lines.append(text_line)
                    events.append(event)
                    event = None
                continue
            if zone is not None:
                zone.append(text_line)
                if len(stack) <= zone_depth:
                    zones.extend(zone)
                    zone = None
                continue
        elif (
            event is None
            and zone is None
            and stack == ["VCALENDAR"]
            and upper.startswith("X-WR-TIMEZONE")
        ):
            calendar_zone = text_line.split(":", 1)[-1].strip() or None
        if event is not None:
            if len(stack) == event_depth + 1 and _kept(text_line):
                event.lines.append(text_line)
        elif zone is not None:
            zone.append(text_line)
    if not began:
        raise NetzmdError(f"not {WHAT}: expected BEGIN:VCALENDAR", path=file, hint=HINT)
    if event is not None:
        broken("an event that does not end: no END:VEVENT before the end of the file")
    if unended and not events:
        first = min(s.line for s in skipped)
        raise NetzmdError(
            f"not {WHAT}: expected BEGIN:VEVENT … END:VEVENT, but the event that begins on "
            f"line {first} does not end (is the file cut off?)",
            path=file,
            line=first,
        )
    return Scan(events, zones, calendar_zone, zones_line)


# --- reading the events ---------------------------------------------------------------------


def _calendar(zones: list[str], blocks: list[Block]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//netzmd//import//EN", *zones]
    for block in blocks:
        lines += block.lines
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def _components(scan: Scan, file: str, skipped: list[Skipped]) -> list[tuple[Block, Any]]:
    """Each sound block with its icalendar component, all read in one calendar with the time
    zones; when a time zone is broken (icalendar then reads nothing), without them: a day is
    the wall-clock date as written anyway, only EXDATEs and RECURRENCE-IDs in another zone
    need the zones (a ``Skipped`` entry says so)."""
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(_calendar(scan.zones, scan.events))
    except ValueError as error:
        if not scan.zones:
            raise NetzmdError(f"not {WHAT}: {error}", path=file, hint=HINT) from None
        reason = f"the time zones cannot be read ({error}): events read by the days written"
        skipped.append(Skipped(file, scan.zones_line, reason))
        return _components(Scan(scan.events, [], scan.calendar_zone), file, skipped)
    found = [c for c in calendar.subcomponents if c.name == "VEVENT"]
    return list(zip(scan.events, found, strict=True))


def read_events(scan: Scan, file: str, skipped: list[Skipped]) -> list[Event]:
    """The events that can be read; the others go to ``skipped``."""
    zone = _zone(scan.calendar_zone)
    events = []
    for block, component in _components(scan, file, skipped):
        try:
            events.append(read_event(block, component, zone))
        except EventError as error:
            skipped.append(Skipped(file, block.begin, str(error)))
    return events


def _zone(name: str | None) -> tzinfo | None:
    if not name:
        return None
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # not found (a KeyError), or not a zone's name
        return None


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) else value


def _all(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _when(prop: Any, what: str) -> date:
    """A date or date-time property's value (a PERIOD's start)."""
    try:
        value = prop.dt
    except (AttributeError, ValueError, TypeError):
        raise EventError(f"the event's {what} is not a date") from None
    if isinstance(value, tuple):
        value = value[0]
    if not isinstance(value, date):
        raise EventError(f"the event's {what} is not a date")
    return value


def read_event(block: Block, component: Any, zone: tzinfo | None) -> Event:
    """One VEVENT; ``zone`` is the calendar's own zone, which a UTC start is read in."""
    for name, message in component.errors:
        if name is None or name in _USED:
            what = f"the event's {name}" if name else "a line of the event"
            raise EventError(f"{what} cannot be read ({message})")
    prop = _first(component.get("DTSTART"))
    if prop is None:
        raise EventError("an event without DTSTART (when it starts)")
    start = _when(prop, "DTSTART")
    if (  # a UTC time (…Z), on the calendar's own day
        zone is not None
        and isinstance(start, datetime)
        and start.tzinfo is not None
        and "TZID" not in prop.params
    ):
        start = start.astimezone(zone)
    summary = str(_first(component.get("SUMMARY")) or "").strip()
    uid = str(_first(component.get("UID")) or "").strip()
    if not uid:
        written = prop.to_ical().decode("utf-8", "replace")
        tzid = prop.params.get("TZID", "")
        uid = derived_uid(f"ics\0{tzid}\0{written}\0{summary}")
    rid = component.get("RECURRENCE-ID")
    try:
        sequence = int(component.get("SEQUENCE") or 0)
    except (TypeError, ValueError):
        sequence = 0
    return Event(
        block=block,
        component=component,
        uid=uid,
        start=start,
        summary=summary,
        status=str(component.get("STATUS") or "").strip().upper(),
        sequence=sequence,
        recurrence_id=_when(_first(rid), "RECURRENCE-ID") if rid is not None else None,
        emails=emails_of(component),
    )


def emails_of(component: Any) -> list[str]:
    """The organizer's and the attendees' addresses as written, each once (without case)."""
    out: list[str] = []
    seen: set[str] = set()
    people = [(p, False) for p in _all(component.get("ORGANIZER"))]
    people += [(p, True) for p in _all(component.get("ATTENDEE"))]
    for prop, attendee in people:
        params = getattr(prop, "params", {})
        if attendee:
            if str(params.get("PARTSTAT", "")).upper() == "DECLINED":
                continue
            if str(params.get("CUTYPE", "")).upper() in _PERSON_LESS:
                continue
        address = _address(str(prop), params)
        if address and address.casefold() not in seen:
            seen.add(address.casefold())
            out.append(address)
    return out


def _address(value: str, params: Any) -> str | None:
    text = value.strip()
    if text[:7].lower() == "mailto:":
        return text[7:].strip() or None
    email = params.get("EMAIL")
    if email:
        return str(email).strip() or None
    if "@" in text and ":" not in text:  # a bare address, as some programs write it
        return text
    return None


# --- occurrences ----------------------------------------------------------------------------


def expand(events: list[Event], file: str, until: date, skipped: list[Skipped]) -> list[Meeting]:
    """The meetings of the events up to ``until``: single events as they are, recurring ones
    one per occurrence, with the events that move or cancel an occurrence applied."""
    masters: dict[str, Event] = {}
    overrides: dict[str, dict[date, Event]] = {}
    for event in events:
        if event.recurrence_id is None:
            known = masters.get(event.uid)
            if known is None or event.sequence >= known.sequence:
                masters[event.uid] = event
        else:
            by_id = overrides.setdefault(event.uid, {})
            key = event.recurrence_id
            known_override = by_id.get(key)
            if known_override is None or event.sequence >= known_override.sequence:
                by_id[key] = event
    meetings: list[tuple[int, date, Meeting]] = []
    for uid in dict.fromkeys(e.uid for e in events):  # file order
        master = masters.get(uid)
        moved = overrides.get(uid, {})
        if master is not None and master.status == "CANCELLED":
            continue
        recurring = master is not None and (
            "RRULE" in master.component or "RDATE" in master.component or bool(moved)
        )
        if master is not None and not recurring:
            if _day(master.start) <= until and not _excluded(master):
                meetings.append((master.block.begin, _day(master.start), _meeting(master, uid)))
            continue
        taken: set[str] = set()
        planned: list[tuple[datetime, date]] = []  # (occurrence, its day)
        if master is not None:
            try:
                planned = occurrences(master, until, file, skipped)
            except EventError as error:
                skipped.append(Skipped(file, master.block.begin, str(error)))
                continue
        replaced: set[datetime] = set()  # the occurrences moved or cancelled
        replaced_days: set[date] = set()  # … given as a day only, of a master with a time
        for override in moved.values():
            planned_for = override.recurrence_id
            assert planned_for is not None
            if isinstance(planned_for, datetime) or master is None:
                replaced.add(_local(planned_for, master))
            elif isinstance(master.start, datetime):
                replaced_days.add(planned_for)
            else:
                replaced.add(_local(planned_for, master))
        for moment, day in planned:
            if moment in replaced or day in replaced_days:
                continue
            occurrence_uid = f"{uid}/{day.isoformat()}"
            if master is not None and occurrence_uid not in taken:
                taken.add(occurrence_uid)
                meetings.append((master.block.begin, day, _meeting(master, occurrence_uid, day)))
        for override in moved.values():
            if override.status == "CANCELLED" or _day(override.start) > until:
                continue
            assert override.recurrence_id is not None
            planned_day = _local(override.recurrence_id, master).date()
            occurrence_uid = f"{uid}/{planned_day.isoformat()}"
            if occurrence_uid in taken:
                continue
            taken.add(occurrence_uid)
            day = _day(override.start)
            meeting = _meeting(override, occurrence_uid, day)
            if not meeting.summary and master is not None:
                meeting.summary = master.summary
            meetings.append((override.block.begin, day, meeting))
    meetings.sort(key=lambda item: (item[0], item[1]))
    for _, _, meeting in meetings:
        meeting.file = file
    return [m for _, _, m in meetings]


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _meeting(event: Event, uid: str, day: date | None = None) -> Meeting:
    return Meeting(
        uid=uid,
        day=day if day is not None else _day(event.start),
        summary=event.summary,
        emails=list(event.emails),
        file="",
        line=event.block.begin,
    )


def _local(value: date, master: Event | None) -> datetime:
    """A date or date-time as a wall-clock time in the zone of ``master``'s start (naive); a
    date as its midnight. For an all-day master, only the date counts."""
    start = master.start if master is not None else None
    if isinstance(value, datetime):
        if isinstance(start, datetime):
            if value.tzinfo is not None and start.tzinfo is not None:
                value = value.astimezone(start.tzinfo)
            return value.replace(tzinfo=None)
        if start is not None:  # an all-day master
            return datetime.combine(value.date(), time())
        return value.replace(tzinfo=None)
    return datetime.combine(value, time())


def _values(component: Any, name: str) -> list[date]:
    found = []
    for prop in _all(component.get(name)):
        for item in getattr(prop, "dts", [prop]):
            found.append(_when(item, name))
    return found


def _excluded(event: Event) -> bool:
    """Whether a single event's EXDATE takes out its only occurrence."""
    start = _local(event.start, event)
    return any(
        _local(v, event) == start or (not isinstance(v, datetime) and v == start.date())
        for v in _values(event.component, "EXDATE")
    )


_PLAIN_RULE = frozenset({"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST"})


def _faster(rule: Any, start: datetime) -> None:
    """A plain yearly rule (every N years on DTSTART's day: no BY… parts but the month and day
    of DTSTART itself) as the same rule in months, ``FREQ=MONTHLY;INTERVAL=12N``: the same
    occurrences (29 February only in leap years either way), which dateutil finds five times
    faster (it builds every day of a year for each yearly step)."""
    if [str(f).upper() for f in rule.get("FREQ", [])] != ["YEARLY"]:
        return
    same_day = {"BYMONTH": [start.month], "BYMONTHDAY": [start.day]}
    for key in set(rule) - _PLAIN_RULE:
        if key not in same_day or [int(v) for v in rule[key]] != same_day[key]:
            return
    interval = int((rule.get("INTERVAL") or [1])[0])
    for key in same_day:
        rule.pop(key, None)
    rule["FREQ"] = ["MONTHLY"]
    rule["INTERVAL"] = [12 * interval]


def occurrences(
    master: Event, until: date, file: str, skipped: list[Skipped]
) -> list[tuple[datetime, date]]:
    """A recurring event's occurrences on or before ``until`` (each as a wall-clock time in its
    start's zone, with its day), the latest ``CAP`` of them; a ``Skipped`` entry when more."""
    import icalendar
    from dateutil.rrule import rrule, rruleset, rrulestr

    component = master.component
    base = _local(master.start, master)
    all_day = not isinstance(master.start, datetime)
    end = datetime.combine(until, time(23, 59, 59))
    rules = rruleset()
    for prop in _all(component.get("RRULE")):
        rule: Any = icalendar.vRecur(prop)
        if "UNTIL" in rule:
            last = rule["UNTIL"][0]
            if isinstance(last, datetime):
                last = _local(last, master)
            else:
                last = datetime.combine(last, time() if all_day else time(23, 59, 59))
            rule["UNTIL"] = [min(last, end)]
        elif "COUNT" not in rule:
            rule["UNTIL"] = [end]  # so that dateutil stops looking at ``until``
        _faster(rule, base)
        try:
            parsed = rrulestr(rule.to_ical().decode(), dtstart=base)
        except (ValueError, TypeError) as error:
            raise EventError(f"the event's RRULE cannot be read ({error})") from None
        if isinstance(parsed, rrule):
            rules.rrule(parsed)
    rules.rdate(base)  # DTSTART is the first occurrence (RFC 5545 3.8.5.3)
    for value in _values(component, "RDATE"):
        rules.rdate(_local(value, master))
    days_out: set[date] = set()
    for value in _values(component, "EXDATE"):
        if isinstance(value, datetime) or all_day:
            rules.exdate(_local(value, master))
        else:
            days_out.add(value)
    latest: deque[tuple[datetime, date]] = deque(maxlen=CAP)
    count = 0
    stopped = False
    for moment in rules:
        day = moment.date()
        if day > until:
            break
        if day in days_out:
            continue
        count += 1
        latest.append((moment, day))
        if count >= STEPS:
            stopped = True
            break
    if count > CAP:
        more = f"more than {count:,}" if stopped else f"{count:,}"
        skipped.append(
            Skipped(
                file,
                master.block.begin,
                f"the recurring event {master.summary!r} has {more} occurrences up to "
                f"{until.isoformat()}: only the latest {CAP:,} are read",
            )
        )
    return list(latest)
