"""When a greeting occasion falls: a fixed day, a movable feast, or dates written per year.

An occasion's ``date`` in netzmd.toml is one of

- ``"MM-DD"``: the same day every year (``"12-24"``; 29 February is 28 February in other years);
- ``"easter"``, ``"easter+N"`` or ``"easter-N"``: Easter Sunday (Western, Gregorian) and days
  counted from it: ``"easter-2"`` Good Friday, ``"easter+1"`` Easter Monday, ``"easter+39"``
  Ascension, ``"easter+49"`` Pentecost, ``"easter+60"`` Corpus Christi; N from -80 to 250, so
  that the day stays in Easter's year;
- ``"advent1"`` … ``"advent4"``: the Sundays of Advent (``advent4`` is the last Sunday before
  Christmas Day, ``advent1`` three weeks before it);
- a list of dates, one per year, for feasts of other calendars (Diwali, Eid, Lunar New Year):
  ``["2026-11-08", "2027-10-29"]``; a year without a date there has no occurrence.

Pure: ``FeastDate.parse`` reads what is written, ``in_year`` and ``next_on_or_after`` compute;
dateutil's Easter is imported only when an Easter date is computed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from netzmd.model.dates import PartialDate, in_year, parse_iso

FIXED = "fixed"
EASTER = "easter"
ADVENT = "advent"
LISTED = "listed"

EASTER_OFFSETS = (-80, 250)  # Easter falls on 22 March to 25 April: these stay in its year
_EASTER = re.compile(r"^easter\s*(?:([+-])\s*(\d{1,3}))?$")
_ADVENT = re.compile(r"^advent\s*([1-4])$")

DATE_HELP = (
    'date must be "MM-DD" (e.g. "12-24"), "easter", "easter+49" / "easter-2" (days from '
    'Easter Sunday), "advent1" … "advent4", or a list of dates per year, e.g. '
    '["2026-11-08", "2027-10-29"]'
)


@dataclass(frozen=True, slots=True)
class FeastDate:
    """Which day an occasion falls on in each year. ``kind`` is one of ``FIXED`` (``month``,
    ``day``), ``EASTER`` (``offset`` days from Easter Sunday), ``ADVENT`` (``offset``: which
    Sunday, 1-4) or ``LISTED`` (``dates``, sorted, at most one per year)."""

    kind: str
    month: int = 0
    day: int = 0
    offset: int = 0
    dates: tuple[date, ...] = ()

    @classmethod
    def fixed(cls, month: int, day: int) -> FeastDate:
        return cls(FIXED, month, day)

    @classmethod
    def parse(cls, value: object) -> FeastDate | str:
        """What ``date = …`` says, or what is wrong with it (a message for the config error)."""
        if isinstance(value, list):
            return cls._listed(value)
        if isinstance(value, date):
            return f"{DATE_HELP}; a single full date ({value.isoformat()}) needs the list form"
        if not isinstance(value, str):
            return DATE_HELP
        text = value.strip().lower()
        m = _EASTER.match(text)
        if m is not None:
            offset = int(m[2] or 0) * (-1 if m[1] == "-" else 1)
            low, high = EASTER_OFFSETS
            if not low <= offset <= high:
                return f"'{value}': days from Easter must be from {low} to +{high}"
            return cls(EASTER, offset=offset)
        m = _ADVENT.match(text)
        if m is not None:
            return cls(ADVENT, offset=int(m[1]))
        when = PartialDate.parse(text)
        if when is None or when.year is not None:
            if when is not None:
                return f"{DATE_HELP}; a single full date ({text}) needs the list form"
            return f"'{value}' is not a date: {DATE_HELP}"
        return cls(FIXED, when.month, when.day)

    @classmethod
    def _listed(cls, values: list[object]) -> FeastDate | str:
        if not values:
            return f"the list of dates is empty: {DATE_HELP}"
        found: dict[int, date] = {}
        for value in values:
            day = value if isinstance(value, date) else None
            if isinstance(value, str):
                day = parse_iso(value.strip())
            if day is None:
                return f"{value!r} in the list is not a date: write YYYY-MM-DD, e.g. '2026-11-08'"
            if day.year in found and found[day.year] != day:
                return (
                    f"two dates in {day.year} ({found[day.year].isoformat()} and "
                    f"{day.isoformat()}): one date per year"
                )
            found[day.year] = day
        return cls(LISTED, dates=tuple(sorted(found.values())))

    def in_year(self, year: int) -> date | None:
        """The day it falls on in ``year``; None for a list without a date in that year."""
        if self.kind == FIXED:
            return in_year(self.month, self.day, year)
        if self.kind == EASTER:
            return easter(year) + timedelta(days=self.offset)
        if self.kind == ADVENT:
            return advent(year, self.offset)
        return next((d for d in self.dates if d.year == year), None)

    def next_on_or_after(self, start: date) -> date | None:
        """The first occurrence on or after ``start``; None when there is none (a list whose
        dates are all in the past)."""
        if self.kind == LISTED:
            return next((d for d in self.dates if d >= start), None)
        when = self.in_year(start.year)
        if when is None or when < start:
            when = self.in_year(start.year + 1)
        return when

    def text(self) -> str:
        """As netzmd.toml writes it."""
        if self.kind == FIXED:
            return f"{self.month:02d}-{self.day:02d}"
        if self.kind == EASTER:
            return "easter" if not self.offset else f"easter{self.offset:+d}"
        if self.kind == ADVENT:
            return f"advent{self.offset}"
        return "[" + ", ".join(d.isoformat() for d in self.dates) + "]"


def easter(year: int) -> date:
    """Easter Sunday in ``year`` (Western, Gregorian calendar), by dateutil."""
    from dateutil.easter import EASTER_WESTERN
    from dateutil.easter import easter as computed

    return computed(year, EASTER_WESTERN)


def advent(year: int, sunday: int) -> date:
    """The ``sunday``-th Sunday of Advent (1-4) before Christmas Day of ``year``: the fourth is
    the last Sunday before 25 December."""
    eve = date(year, 12, 24)
    fourth = eve - timedelta(days=(eve.weekday() + 1) % 7)  # the Sunday on or before the 24th
    return fourth - timedelta(weeks=4 - sunday)
