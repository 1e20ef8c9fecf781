"""The calendar feed read back by icalendar and checked date by date over three years (with a
leap year); byte-identical re-export; stable UIDs; --include and --days; ``ics_output`` kept
current by the real watcher; and the hand-written events held to the ones icalendar builds."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from conftest import MakeVault, assert_folded, note
from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from netzmd.config import load_config
from netzmd.formats.base import Network
from netzmd.formats.ics import KINDS, YEARLY, YEARLY_LEAP_DAY, IcsExporter, fold, vevent
from netzmd.store.index import Index
from netzmd.vault import Vault
from netzmd.watch.watcher import Watcher, WatchOptions

TODAY = date(2026, 11, 27)

NOTES = {
    "contacts/Leap Day.md": note("birthday: 1984-02-29\ncircle: career\nlast_contact: 2026-11-01"),
    "contacts/Yearless Leap.md": note("birthday: --02-29"),
    "contacts/Zoë Müller.md": note(
        "birthday: --03-14\ndates:\n  work anniversary: 2019-04-01\n  wedding: --06-30",
        "## Follow-ups\n\n- [ ] send the slides 📅 2026-11-20\n- [ ] call 📅 2026-12-05\n"
        "- [ ] much later 📅 2027-06-01\n- [x] done already 📅 2026-11-28\n- [ ] no date\n",
    ),
    "contacts/Max.md": note("circle: competence\nlast_contact: 2026-09-15"),
    "contacts/New.md": note("circle: competence"),
    "contacts/Snoozed.md": note("circle: competence\nsnooze_until: 2027-01-01"),
    "contacts/Gone.md": note("birthday: --01-01\narchived: true\ncircle: competence"),
}


def export(root: Path, today: date = TODAY, **options: Any) -> bytes:
    with Index(Vault(root)) as index:
        index.refresh()
        return IcsExporter(**options).export(Network(index, load_config(root), today))


def events(data: bytes) -> list[Any]:
    cal = icalendar.Calendar.from_ical(data)
    return list(cal.walk("VEVENT"))


def by_summary(data: bytes) -> dict[str, Any]:
    return {str(e["SUMMARY"]): e for e in events(data)}


def occurrences(event: Any, start: date, end: date) -> list[date]:
    """The days the event falls on from ``start`` through ``end``, as a calendar expands it."""
    first = event.decoded("DTSTART")
    if "RRULE" not in event:
        return [first] if start <= first <= end else []
    rule = rrulestr(
        event["RRULE"].to_ical().decode(), dtstart=datetime(first.year, first.month, first.day)
    )
    found = rule.between(
        datetime(start.year, start.month, start.day),
        datetime(end.year, end.month, end.day),
        inc=True,
    )
    return [d.date() for d in found]


def test_yearly_dates_day_by_day_over_three_years(make_vault: MakeVault) -> None:
    found = by_summary(export(make_vault(NOTES)))
    start, end = date(2027, 1, 1), date(2029, 12, 31)
    assert occurrences(found["Leap Day: birthday (born 1984)"], start, end) == [
        date(2027, 2, 28),
        date(2028, 2, 29),
        date(2029, 2, 28),
    ]
    assert occurrences(found["Yearless Leap: birthday"], start, end) == [
        date(2027, 2, 28),
        date(2028, 2, 29),
        date(2029, 2, 28),
    ]
    assert occurrences(found["Zoë Müller: birthday"], start, end) == [
        date(2027, 3, 14),
        date(2028, 3, 14),
        date(2029, 3, 14),
    ]
    assert occurrences(found["Zoë Müller: work anniversary (since 2019)"], start, end) == [
        date(2027, 4, 1),
        date(2028, 4, 1),
        date(2029, 4, 1),
    ]
    assert occurrences(found["Zoë Müller: wedding"], start, end) == [
        date(2027, 6, 30),
        date(2028, 6, 30),
        date(2029, 6, 30),
    ]
    # every day of the three years: exactly these yearly events and nothing else
    day, count = start, 0
    while day <= end:
        count += sum(1 for e in found.values() if "RRULE" in e and occurrences(e, day, day))
        day += timedelta(days=1)
    assert count == 5 * 3
    leap = found["Leap Day: birthday (born 1984)"]
    assert leap["RRULE"].to_ical() == b"FREQ=YEARLY;BYMONTHDAY=-1;BYMONTH=2"
    assert leap.decoded("DTSTART") == date(1984, 2, 29)
    assert leap.decoded("DTEND") == date(1984, 3, 1)  # all day
    assert str(leap["DESCRIPTION"]) == "Note: contacts/Leap Day.md"


def test_follow_ups_and_keep_in_touch_are_all_day_events(make_vault: MakeVault) -> None:
    data = export(make_vault(NOTES))
    assert b"VTODO" not in data
    found = by_summary(data)
    overdue = found["Zoë Müller: send the slides"]
    assert overdue.decoded("DTSTART") == TODAY  # overdue: today, saying since when
    assert isinstance(overdue.decoded("DTSTART"), date)
    assert not isinstance(overdue.decoded("DTSTART"), datetime)
    assert str(overdue["DESCRIPTION"]) == (
        "Follow-up, due 2026-11-20 (overdue)\nNote: contacts/Zoë Müller.md"
    )
    assert found["Zoë Müller: call"].decoded("DTSTART") == date(2026, 12, 5)
    assert "Zoë Müller: much later" not in found  # beyond --days 90
    assert "Zoë Müller: done already" not in found and "Zoë Müller: no date" not in found
    max_ = found["Get in touch with Max"]
    assert max_.decoded("DTSTART") == date(2026, 12, 15)  # due in the window: that day
    assert "RRULE" not in max_
    new = found["Get in touch with New"]
    assert new.decoded("DTSTART") == TODAY
    assert "no contact logged yet" in str(new["DESCRIPTION"])
    assert "Get in touch with Snoozed" not in found
    assert not [s for s in found if "Gone" in s]  # archived: left out as from the agenda
    # Leap Day (career, 1y since 2026-11-01) is not due within 90 days
    assert "Get in touch with Leap Day" not in found


def test_overdue_keep_in_touch_is_on_today(make_vault: MakeVault) -> None:
    root = make_vault({"contacts/Max.md": note("circle: competence\nlast_contact: 2026-06-01")})
    (event,) = events(export(root))
    assert event.decoded("DTSTART") == TODAY
    assert str(event["DESCRIPTION"]).startswith("Keep in touch, due 2026-09-01: last contact")


def test_days_and_include(make_vault: MakeVault) -> None:
    root = make_vault(NOTES)
    found = by_summary(export(root, days=365))
    assert found["Zoë Müller: much later"].decoded("DTSTART") == date(2027, 6, 1)
    only = by_summary(export(root, include=["birthdays"]))
    assert sorted(only) == [
        "Leap Day: birthday (born 1984)",
        "Yearless Leap: birthday",
        "Zoë Müller: birthday",
    ]
    assert sorted(by_summary(export(root, include=["dates"]))) == [
        "Zoë Müller: wedding",
        "Zoë Müller: work anniversary (since 2019)",
    ]
    assert sorted(by_summary(export(root, include=["follow-ups"]))) == [
        "Zoë Müller: call",
        "Zoë Müller: send the slides",
    ]
    assert all(
        s.startswith("Get in touch") for s in by_summary(export(root, include=["keep-in-touch"]))
    )
    with pytest.raises(ValueError, match="unknown kinds"):
        IcsExporter(include=["todos"])
    assert KINDS == ("birthdays", "dates", "follow-ups", "keep-in-touch")


def test_byte_identical_for_the_same_day_and_stable_uids(make_vault: MakeVault) -> None:
    root = make_vault(NOTES)
    first = export(root)
    assert export(root) == first
    assert b"DTSTAMP:20261127T000000Z" in first  # from --today, not the clock
    uids = {str(e["SUMMARY"]): str(e["UID"]) for e in events(first)}
    assert len(set(uids.values())) == len(uids)
    # renaming an unrelated note and a new day move no UID
    (root / "contacts" / "Max.md").rename(root / "contacts" / "Maximilian.md")
    later = {str(e["SUMMARY"]): str(e["UID"]) for e in events(export(root, TODAY + timedelta(1)))}
    for summary, uid in uids.items():
        if "Max" not in summary:
            assert later[summary] == uid, summary
    # a follow-up whose due date moves keeps its UID: the calendar moves the event
    path = root / "contacts" / "Zoë Müller.md"
    path.write_text(path.read_text().replace("2026-12-05", "2026-12-07"), encoding="utf-8")
    moved = {str(e["SUMMARY"]): e for e in events(export(root))}
    assert str(moved["Zoë Müller: call"]["UID"]) == uids["Zoë Müller: call"]
    assert moved["Zoë Müller: call"].decoded("DTSTART") == date(2026, 12, 7)


def test_two_follow_ups_with_one_text_get_two_uids(make_vault: MakeVault) -> None:
    root = make_vault(
        {"contacts/A.md": note("name: A", "- [ ] call 📅 2026-12-01\n- [ ] call 📅 2026-12-08\n")}
    )
    found = events(export(root))
    assert len({str(e["UID"]) for e in found}) == 2


def test_the_feed_is_what_icalendar_writes_for_it(make_vault: MakeVault) -> None:
    data = export(make_vault(NOTES), days=365)
    assert data.startswith(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//netzmd//netzmd export ics//EN\r\n"
        b"CALSCALE:GREGORIAN\r\nX-WR-CALNAME:netzmd\r\nBEGIN:VEVENT\r\n"
    )
    assert data.endswith(b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    assert icalendar.Calendar.from_ical(data).to_ical() == data
    assert_folded(data)


def test_a_written_backslash_n_stays_text(make_vault: MakeVault) -> None:
    # icalendar's writer turned a written \N into a line break; RFC 5545 escapes the backslash
    root = make_vault(
        {"contacts/A.md": note("name: A", "- [ ] copy C:\\New\\notes, then; call 📅 2026-12-01\n")}
    )
    data = export(root)
    assert b"SUMMARY:A: copy C:\\\\New\\\\notes\\, then\\; call\r\n" in data
    (event,) = events(data)
    assert str(event["SUMMARY"]) == "A: copy C:\\New\\notes, then; call"


# --- the writer against icalendar's own ---------------------------------------------------------


def icalendar_event(
    uid: str, summary: str, day: date, description: str, rrule: str | None
) -> bytes:
    """The event as icalendar builds and serializes it (the writer netzmd used before it wrote
    the feed itself): the reference the hand-written events are held to."""
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", datetime(2026, 11, 27, tzinfo=UTC))
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    if rrule == YEARLY_LEAP_DAY:
        event.add("rrule", {"freq": "yearly", "bymonth": 2, "bymonthday": -1})
    elif rrule == YEARLY:
        event.add("rrule", {"freq": "yearly"})
    data: bytes = event.to_ical()
    return data


# Text with every character that needs care: the escaped ones, line breaks of every kind, a
# colon, a caret, non-ASCII of two, three and four octets, and any other non-control character.
_tricky = st.lists(
    st.one_of(
        st.sampled_from(
            ["\\", ",", ";", ":", "\n", "\r", "\r\n", "\t", '"', "^", " ", "é", "€", "𝄞", "\\N"]
        ),
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    ),
    min_size=1,
    max_size=150,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    uid=st.one_of(st.just("birthday-1a640321-7a74-508d-ab4e-09f8425382d9@netzmd"), _tricky),
    summary=_tricky,
    day=st.one_of(
        st.dates(date(1, 1, 1), date(9998, 12, 30)),
        st.sampled_from([date(2000, 2, 29), date(1984, 2, 29), date(2026, 12, 31)]),
    ),
    description=_tricky,
    rrule=st.sampled_from([None, YEARLY, YEARLY_LEAP_DAY]),
)
@example(  # a backslash just before a fold, then one of four octets across it
    uid="u", summary="x" * 72 + "\\" + "𝄞" * 30, day=date(2000, 2, 29), description="^" * 80,
    rrule=YEARLY_LEAP_DAY,
)  # fmt: skip
def test_the_written_event_is_the_one_icalendar_builds(
    uid: str, summary: str, day: date, description: str, rrule: str | None
) -> None:
    data = vevent(uid, summary, day, "20261127T000000Z", description, rrule)
    if not any("\\N" in text for text in (uid, summary, description)):
        # byte for byte, folding included (icalendar turns a written \N into a line break)
        assert data == icalendar_event(uid, summary, day, description, rrule)
    assert_folded(data)
    # read back by icalendar: exactly the values given
    event = icalendar.Event.from_ical(data)

    def newlines(text: str) -> str:
        return text.replace("\r\n", "\n").replace("\r", "\n")

    assert str(event["UID"]) == newlines(uid)
    assert str(event["SUMMARY"]) == newlines(summary)
    assert str(event["DESCRIPTION"]) == newlines(description)
    assert event.decoded("DTSTART") == day and not isinstance(event.decoded("DTSTART"), datetime)
    assert event.decoded("DTEND") == day + timedelta(days=1)
    assert event.decoded("DTSTAMP") == datetime(2026, 11, 27, tzinfo=UTC)
    assert str(event["TRANSP"]) == "TRANSPARENT"
    if rrule is None:
        assert "RRULE" not in event
    else:
        assert event["RRULE"].to_ical().decode() == rrule


def test_fold_below_75_octets_between_characters_and_escapes() -> None:
    assert fold("x" * 74) == b"x" * 74  # 74 octets: one line, as icalendar writes it
    assert fold("x" * 75) == b"x" * 74 + b"\r\n x"
    assert fold("x" * 150) == b"x" * 74 + b"\r\n " + b"x" * 74 + b"\r\n xx"
    four = "𝄞".encode()
    assert fold("x" * 72 + "𝄞") == b"x" * 72 + b"\r\n " + four  # never inside a character
    assert fold("x" * 70 + "𝄞" + "y") == b"x" * 70 + four + b"\r\n y"
    # a backslash or a caret that would end a line goes with what it escapes
    assert fold("x" * 73 + "\\,") == b"x" * 73 + b"\r\n \\,"
    assert fold("x" * 73 + "^n") == b"x" * 73 + b"\r\n ^n"
    assert fold("") == b""


# --- watch keeps ics_output current -----------------------------------------------------------


def wait(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def test_watch_keeps_the_feed_current(make_vault: MakeVault) -> None:
    root = make_vault(
        {"contacts/Jane Doe.md": note("birthday: --05-01")},
        config='ics_output = "feeds/network.ics"\n',
    ).resolve()
    (root / "feeds").mkdir()
    feed = root / "feeds" / "network.ics"
    lines: list[str] = []
    watcher = Watcher(
        Vault(root),
        load_config(root),
        WatchOptions(debounce=0.1, tick_seconds=0.02, rescan_seconds=600.0),
        now=lambda: datetime(2026, 11, 27, 12, 0, 0),
        say=lines.append,
    )
    watcher.start()
    try:
        assert watcher.ready.wait(20)
        assert feed.read_bytes() == export(root)
        assert b"Jane Doe: birthday" in feed.read_bytes()
        (root / "contacts" / "Max.md").write_text(note("birthday: --06-01"), encoding="utf-8")
        wait(lambda: b"Max: birthday" in feed.read_bytes(), "the feed to show Max")
        assert feed.read_bytes() == export(root)
        # a feed that cannot be written is reported, and the watcher goes on
        feed.unlink()
        (root / "feeds").rmdir()
        (root / "contacts" / "Zoe.md").write_text(note("birthday: --07-01"), encoding="utf-8")
        wait(
            lambda: any("cannot write" in line and "network.ics" in line for line in lines), "error"
        )
        assert watcher.failure is None
    finally:
        watcher.stop()
        assert watcher.join(5)
    assert watcher.failure is None


def test_without_ics_output_watch_writes_no_feed(make_vault: MakeVault) -> None:
    root = make_vault({"contacts/Jane Doe.md": note("birthday: --05-01")}).resolve()
    watcher = Watcher(
        Vault(root),
        load_config(root),
        WatchOptions(debounce=0.1, tick_seconds=0.02, rescan_seconds=600.0),
        now=lambda: datetime(2026, 11, 27, 12, 0, 0),
        say=lambda line: None,
    )
    watcher.start()
    try:
        assert watcher.ready.wait(20)
    finally:
        watcher.stop()
        assert watcher.join(5)
    assert not list(root.rglob("*.ics"))
    assert load_config(root).ics_output == ""
