"""iCalendar import: Google's, Outlook's and Apple's exports, meeting by meeting (day, UID,
attendees, line); recurring events with EXDATE, RDATE and moved or cancelled occurrences, and
the cap; events that break between good ones; bad files; our own feed read back; any start in
any time zone read on its own day."""

from __future__ import annotations

import codecs
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import pytest
from conftest import MakeVault, note
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netzmd.config import load_config
from netzmd.errors import NetzmdError
from netzmd.formats import importer_class
from netzmd.formats.base import Meeting, Network, Skipped, derived_uid
from netzmd.formats.ics import IcsExporter
from netzmd.formats.ics_read import CAP, IcsImporter
from netzmd.store.index import Index
from netzmd.vault import Vault

FIXTURES = Path(__file__).parent / "fixtures" / "ics"
UNTIL = date(2026, 11, 27)


def read(name: str, until: date = UNTIL) -> tuple[list[Meeting], list[Skipped]]:
    return IcsImporter().read_meetings((FIXTURES / name).read_bytes(), name, until=until)


def read_text(text: str, until: date = UNTIL) -> tuple[list[Meeting], list[Skipped]]:
    return IcsImporter().read_meetings(text.encode("utf-8"), "x.ics", until=until)


def calendar(*events: str, head: str = "") -> str:
    body = "".join(f"BEGIN:VEVENT\n{e.strip()}\nEND:VEVENT\n" for e in events)
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{head}{body}END:VCALENDAR\n"


def test_the_registry_finds_the_reader() -> None:
    assert importer_class("ics") is IcsImporter
    assert IcsImporter.name == "ics"


def test_google_calendar_export() -> None:
    meetings, skipped = read("google.ics")
    f = "google.ics"
    sync = ["jane@example.com", "max.mustermann@example.com"]
    assert meetings == [
        # the organizer, an accepted attendee as written; not the one who declined, not the
        # room, and Jane (organizer and attendee) once
        Meeting(
            "7kukuqrfedlm2f9t0vbqd3dkbd@google.com",
            date(2024, 3, 5),
            "Q2 planning",
            ["jane@example.com", "Max.Mustermann@Example.com"],
            f,
            26,
        ),
        # 23:30 UTC is 00:30 the next day in the calendar's zone (X-WR-TIMEZONE)
        Meeting("late-night@google.com", date(2024, 3, 2), "Late call", ["owl@example.com"], f, 49),
        Meeting("offsite@google.com", date(2024, 6, 10), "Offsite", ["team@example.com"], f, 57),
        # weekly on Mondays until 7 October: 16 September excluded (EXDATE), 9 September moved
        # to the 10th (its own attendees, the UID of the day it was planned for), 23 September
        # cancelled (its RECURRENCE-ID in UTC)
        Meeting("weekly-sync@google.com/2024-09-02", date(2024, 9, 2), "Weekly sync", sync, f, 65),
        Meeting("weekly-sync@google.com/2024-09-30", date(2024, 9, 30), "Weekly sync", sync, f, 65),
        Meeting("weekly-sync@google.com/2024-10-07", date(2024, 10, 7), "Weekly sync", sync, f, 65),
        Meeting(
            "weekly-sync@google.com/2024-09-09",
            date(2024, 9, 10),
            "Weekly sync (moved)",
            ["jane@example.com", "guest@example.com"],
            f,
            76,
        ),
    ]
    assert skipped == []  # the cancelled lunch and the far future are left out, not skipped


def test_outlook_export_with_windows_zone_names_a_bom_and_lf() -> None:
    assert (FIXTURES / "outlook.ics").read_bytes().startswith(codecs.BOM_UTF8)
    meetings, skipped = read("outlook.ics")
    uid = "040000008200E00074C5B7101A82E00800000000B0C5D1E7A0D9DA01000000000000000010000000"
    people = [
        "guenter@schroeder-soehne.example",
        "zoe.mueller@firma.example",
        "ana@main.example",
    ]
    # the last Wednesday of the month, three times (COUNT=3)
    assert [(m.uid, m.day, m.emails, m.line) for m in meetings] == [
        (f"{uid}/2024-01-31", date(2024, 1, 31), people, 21),
        (f"{uid}/2024-02-28", date(2024, 2, 28), people, 21),
        (f"{uid}/2024-03-27", date(2024, 3, 27), people, 21),
        ("floating-1", date(2024, 2, 15), ["bob@example.com"], 38),
    ]
    assert meetings[0].summary == "Monatsabschluss"
    assert skipped == []


def test_apple_calendar_export() -> None:
    meetings, skipped = read("apple.ics")
    drinks = meetings[0]
    # no UID: one derived from DTSTART and SUMMARY, the same on every import
    assert drinks == Meeting(
        drinks.uid,
        date(2024, 4, 17),
        "Drinks",
        ["me@icloud.example", "jw@private.example"],  # EMAIL= of an urn:uuid attendee
        "apple.ics",
        23,
    )
    assert drinks.uid == derived_uid("ics\0Europe/Berlin\x0020240417T180000\0Drinks")
    assert read("apple.ics")[0][0].uid == drinks.uid
    # COUNT=3 weekly from 6 May, 13 May taken out by a day-only EXDATE, an RDATE added
    mentoring = [(m.uid, m.day) for m in meetings if m.summary == "Mentoring"]
    assert mentoring == [
        ("A1B2C3D4-RDATE/2024-05-06", date(2024, 5, 6)),
        ("A1B2C3D4-RDATE/2024-05-20", date(2024, 5, 20)),
        ("A1B2C3D4-RDATE/2024-06-01", date(2024, 6, 1)),
    ]
    # daily since 2020: 2,523 occurrences up to UNTIL, the latest 1,000 read, and said so
    daily = [m for m in meetings if m.summary == "Daily journal"]
    assert len(daily) == CAP == 1000
    assert daily[-1].day == UNTIL and daily[0].day == UNTIL - timedelta(days=999)
    assert daily[-1].uid == "A1B2C3D4-DAILY/2026-11-27"
    assert len({m.uid for m in daily}) == 1000
    assert skipped == [
        Skipped(
            "apple.ics",
            41,
            "the recurring event 'Daily journal' has 2,523 occurrences up to 2026-11-27: "
            "only the latest 1,000 are read",
        )
    ]
    assert len(meetings) == 1 + 3 + 1000


def test_events_that_break_between_good_ones() -> None:
    meetings, skipped = read("broken.ics")
    assert [(m.uid, m.day, m.line) for m in meetings] == [
        ("good-1", date(2024, 1, 2), 4),
        ("good-2", date(2024, 1, 6), 34),  # the VTODO is no meeting
    ]
    f = "broken.ics"
    assert [(s.file, s.line) for s in skipped] == [(f, 10), (f, 14), (f, 19), (f, 24), (f, 39)]
    assert skipped[0].reason == "an event without DTSTART (when it starts)"
    assert skipped[1].reason.startswith("the event's DTSTART cannot be read")
    assert "20241345T100000Z" in skipped[1].reason
    assert skipped[2].reason.startswith("a line of the event cannot be read")
    assert "this line is no content line" in skipped[2].reason
    assert skipped[3].reason.startswith("the event's RRULE cannot be read")
    assert skipped[4].reason == "an event that does not end: no END:VEVENT before line 43"


def test_an_event_inside_an_event_and_a_stray_end() -> None:
    text = (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20240101\nBEGIN:VEVENT\nUID:b\n"
        "DTSTART:20240102\nEND:VEVENT\nEND:VTODO\nBEGIN:VEVENT\nUID:c\nDTSTART:20240103\n"
        "BEGIN:VALARM\nTRIGGER:-PT15M\nACTION:DISPLAY\nEND:VALARM\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    meetings, skipped = read_text(text)
    assert [(m.uid, m.line) for m in meetings] == [("b", 5), ("c", 10)]
    assert skipped == [
        Skipped("x.ics", 2, "an event that does not end: no END:VEVENT before line 5")
    ]


def test_a_broken_time_zone_leaves_the_days_as_written() -> None:
    zone = (
        "BEGIN:VTIMEZONE\nTZID:Bad/Zone\nBEGIN:STANDARD\nDTSTART:19701025T030000\n"
        "TZOFFSETFROM:garbage\nTZOFFSETTO:+0100\nEND:STANDARD\nEND:VTIMEZONE\n"
    )
    text = calendar(
        "UID:a\nDTSTART;TZID=Bad/Zone:20240101T233000",
        "UID:b\nDTSTART:20240102T100000Z",
        head=zone,
    )
    meetings, skipped = read_text(text)
    assert [(m.uid, m.day, m.line) for m in meetings] == [
        ("a", date(2024, 1, 1), 12),
        ("b", date(2024, 1, 2), 16),
    ]
    assert skipped == [
        Skipped(
            "x.ics",
            4,
            "the time zones cannot be read (Expected UTC offset, got: garbage): events read by "
            "the days written",
        )
    ]


def test_until_is_the_last_day_read() -> None:
    text = calendar(
        "UID:on\nDTSTART:20240110T235959",
        "UID:after\nDTSTART;VALUE=DATE:20240111",
        "UID:series\nDTSTART;TZID=Europe/Berlin:20240108T100000\nRRULE:FREQ=DAILY",
    )
    meetings, _ = read_text(text, until=date(2024, 1, 10))
    assert [m.uid for m in meetings] == [
        "on",
        "series/2024-01-08",
        "series/2024-01-09",
        "series/2024-01-10",
    ]


def test_cancelled_series_override_without_master_and_sequence() -> None:
    text = calendar(
        "UID:gone\nDTSTART:20240101T100000Z\nRRULE:FREQ=DAILY;COUNT=5\nSTATUS:CANCELLED",
        "UID:gone\nRECURRENCE-ID:20240102T100000Z\nDTSTART:20240102T120000Z",
        # an invitation to one occurrence only (its series is not in the file)
        "UID:lone\nRECURRENCE-ID;VALUE=DATE:20240301\nDTSTART;VALUE=DATE:20240302\nSUMMARY:One",
        # the same event twice: the higher SEQUENCE counts
        "UID:twice\nDTSTART:20240401T100000Z\nSEQUENCE:2\nSUMMARY:new",
        "UID:twice\nDTSTART:20240402T100000Z\nSEQUENCE:1\nSUMMARY:old",
    )
    meetings, skipped = read_text(text)
    assert [(m.uid, m.day, m.summary) for m in meetings] == [
        ("lone/2024-03-01", date(2024, 3, 2), "One"),
        ("twice", date(2024, 4, 1), "new"),
    ]
    assert skipped == []


def test_occurrences_on_one_day_are_one_meeting_and_exdates_in_another_zone() -> None:
    text = calendar(
        "UID:hourly\nDTSTART:20240101T090000Z\nRRULE:FREQ=HOURLY;COUNT=3",
        # 10:00 in Berlin is 09:00 UTC: the EXDATE in UTC takes out 3 January
        "UID:ex\nDTSTART;TZID=Europe/Berlin:20240102T100000\nRRULE:FREQ=DAILY;COUNT=3\n"
        "EXDATE:20240103T090000Z",
        # a single event whose only day is taken out
        "UID:none\nDTSTART:20240105T100000Z\nEXDATE:20240105T100000Z",
    )
    meetings, _ = read_text(text)
    assert [m.uid for m in meetings] == ["hourly/2024-01-01", "ex/2024-01-02", "ex/2024-01-04"]


def test_attendees_without_mailto_and_odd_values() -> None:
    text = calendar(
        "UID:a\nDTSTART:20240101\nORGANIZER:MAILTO:Boss@Example.com\n"
        "ATTENDEE;CUTYPE=ROOM:mailto:room@example.com\n"
        "ATTENDEE;PARTSTAT=declined:mailto:no@example.com\n"
        "ATTENDEE;CUTYPE=GROUP:mailto:team@example.com\n"
        "ATTENDEE:invalid:nomail\nATTENDEE:plain@example.com\nATTENDEE:mailto:BOSS@example.com"
    )
    (meeting,), _ = read_text(text)
    assert meeting.emails == ["Boss@Example.com", "team@example.com", "plain@example.com"]


def test_our_own_feed_reads_back(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "contacts/Zoë Müller.md": note(
                "birthday: --03-14\ncircle: career\nlast_contact: 2026-01-01",
                "## Follow-ups\n\n- [ ] call 📅 2026-12-05\n",
            ),
            "contacts/Leap Day.md": note("birthday: 1984-02-29"),
        }
    )
    with Index(Vault(root)) as index:
        index.refresh()
        data = IcsExporter().export(Network(index, load_config(root), UNTIL))
    meetings, skipped = IcsImporter().read_meetings(data, "feed.ics", until=date(2028, 12, 31))
    assert skipped == []
    assert all(m.emails == [] for m in meetings)
    zoe = [m.day for m in meetings if m.summary == "Zoë Müller: birthday"]
    assert zoe == [date(year, 3, 14) for year in range(2000, 2029)]  # yearly from 2000
    leap = [m.day for m in meetings if m.summary.startswith("Leap Day: birthday")]
    last_day = {1984: 29, 1985: 28, 1986: 28, 1987: 28, 1988: 29}
    assert leap[:5] == [date(year, 2, day) for year, day in last_day.items()]
    assert leap[-1] == date(2028, 2, 29)
    follow_up = [m for m in meetings if "call" in m.summary]
    assert [m.day for m in follow_up] == [date(2026, 12, 5)]
    assert not follow_up[0].uid.count("/")  # a single event keeps its UID


def test_an_empty_calendar() -> None:
    assert read("empty-calendar.ics") == ([], [])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.ics", "empty.ics: error: not an iCalendar file: the file is empty"),
        ("contacts.csv", "contacts.csv: error: not an iCalendar file: expected BEGIN:VCALENDAR"),
        (
            "truncated.ics",
            "truncated.ics:3: error: not an iCalendar file: expected BEGIN:VEVENT … END:VEVENT, "
            "but the event that begins on line 3 does not end (is the file cut off?)",
        ),
    ],
)
def test_bad_files_are_refused_naming_the_file(name: str, message: str) -> None:
    with pytest.raises(NetzmdError) as caught:
        read(name)
    assert caught.value.path == name
    assert caught.value.message == message


def test_a_png_and_a_vcard_are_no_calendars() -> None:
    png = (Path(__file__).parent / "fixtures" / "vcard" / "image.png").read_bytes()
    with pytest.raises(NetzmdError, match="not an iCalendar file: it holds binary data"):
        IcsImporter().read_meetings(png, "image.png", until=UNTIL)
    card = b"BEGIN:VCARD\r\nFN:X\r\nEND:VCARD\r\n"
    with pytest.raises(NetzmdError, match="expected BEGIN:VCALENDAR") as caught:
        IcsImporter().read_meetings(card, "x.vcf", until=UNTIL)
    assert caught.value.path == "x.vcf"
    assert not IcsImporter().sniff(png, "image.png")
    assert not IcsImporter().sniff(card, "x.vcf")


@pytest.mark.parametrize("name", ["google.ics", "outlook.ics", "apple.ics", "broken.ics"])
def test_sniff_knows_the_real_shapes(name: str) -> None:
    assert IcsImporter().sniff((FIXTURES / name).read_bytes(), name)


# --- any start, in any zone, is read on its own day --------------------------------------------

ZONES = sorted(
    z for z in available_timezones() if "/" in z and not z.startswith(("posix", "right"))
)
MOMENTS = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2037, 12, 31))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(moment=MOMENTS, zone=st.sampled_from(ZONES), calendar_zone=st.sampled_from(ZONES))
def test_any_start_is_read_on_its_own_day(moment: datetime, zone: str, calendar_zone: str) -> None:
    local = moment.strftime("%Y%m%dT%H%M%S")
    utc = moment.strftime("%Y%m%dT%H%M%SZ")
    text = calendar(
        f"UID:tz\nDTSTART;TZID={zone}:{local}",
        f"UID:floating\nDTSTART:{local}",
        f"UID:day\nDTSTART;VALUE=DATE:{moment:%Y%m%d}",
        f"UID:utc\nDTSTART:{utc}",
        head=f"X-WR-TIMEZONE:{calendar_zone}\n",
    )
    meetings, skipped = read_text(text, until=date(2038, 1, 1))
    assert skipped == []
    days = {m.uid: m.day for m in meetings}
    in_calendar_zone = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(calendar_zone)).date()
    assert days == {
        "tz": moment.date(),
        "floating": moment.date(),
        "day": moment.date(),
        "utc": in_calendar_zone,
    }


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    moment=MOMENTS,
    zone=st.sampled_from(ZONES),
    count=st.integers(1, 60),
    every=st.integers(1, 10),
    until=st.dates(min_value=date(1971, 1, 1), max_value=date(2038, 12, 31)),
)
def test_a_daily_series_in_any_zone(
    moment: datetime, zone: str, count: int, every: int, until: date
) -> None:
    local = moment.strftime("%Y%m%dT%H%M%S")
    text = calendar(
        f"UID:s\nDTSTART;TZID={zone}:{local}\nRRULE:FREQ=DAILY;INTERVAL={every};COUNT={count}"
    )
    meetings, skipped = read_text(text, until=until)
    days = [moment.date() + timedelta(days=every * i) for i in range(count)]
    expected = [d for d in days if d <= until]
    assert [m.day for m in meetings] == expected
    assert [m.uid for m in meetings] == [f"s/{d.isoformat()}" for d in expected]
    assert skipped == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start=st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)),
    leap_day=st.booleans(),
    interval=st.integers(1, 4),
    count=st.none() | st.integers(1, 40),
    named=st.booleans(),
    until=st.dates(min_value=date(1900, 1, 1), max_value=date(2060, 12, 31)),
)
def test_a_yearly_series_falls_where_dateutil_puts_it(
    start: date, leap_day: bool, interval: int, count: int | None, named: bool, until: date
) -> None:
    """A plain yearly rule is expanded as a monthly one (faster): the days are those of the
    yearly rule itself, 29 February only in leap years."""
    from dateutil.rrule import rrulestr

    if leap_day:
        year = start.year - start.year % 4
        start = date(year if year % 100 or year % 400 == 0 else year + 4, 2, 29)
    rule = f"FREQ=YEARLY;INTERVAL={interval}"
    rule += f";BYMONTH={start.month};BYMONTHDAY={start.day}" if named else ""
    rule += f";COUNT={count}" if count else ""
    text = calendar(f"UID:y\nDTSTART;VALUE=DATE:{start:%Y%m%d}\nRRULE:{rule}")
    meetings, _ = read_text(text, until=until)
    expected = []
    for moment in rrulestr(rule, dtstart=datetime(start.year, start.month, start.day)):
        if moment.date() > until:
            break
        expected.append(moment.date())
    assert [m.day for m in meetings] == expected[-CAP:]
