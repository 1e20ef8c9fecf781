"""Dates as people write them in notes: ISO dates, birthdays without a year, cadences.

Pure functions; nothing here asks the clock what day it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_YEARLESS = re.compile(r"^(?:--)?(\d{2})-(\d{2})$")


def parse_iso(text: str) -> date | None:
    """``YYYY-MM-DD`` to a date; None when it is not one (or an impossible one)."""
    m = ISO_DATE.match(text)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    return 29 if month == 2 and is_leap(year) else _MONTH_DAYS[month - 1]


def add_months(d: date, months: int) -> date:
    """Calendar months; the day is clamped to the month's length (31 Jan + 1 month = 28/29 Feb)."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, days_in_month(year, month)))


def in_year(month: int, day: int, year: int) -> date:
    """The day ``month-day`` falls on in ``year``; 29 February is 28 February in other years."""
    if month == 2 and day == 29 and not is_leap(year):
        return date(year, 2, 28)
    return date(year, month, day)


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date whose year may be unknown, such as a birthday written ``--03-14``."""

    year: int | None
    month: int
    day: int

    @classmethod
    def parse(cls, value: object) -> PartialDate | None:
        """A date, ``YYYY-MM-DD``, ``--MM-DD`` or ``MM-DD``; None when it is none of them."""
        if isinstance(value, date):
            return cls(value.year, value.month, value.day)
        if not isinstance(value, str):
            return None
        text = value.strip()
        full = parse_iso(text)
        if full is not None:
            return cls(full.year, full.month, full.day)
        m = _YEARLESS.match(text)
        if not m:
            return None
        month, day = int(m[1]), int(m[2])
        if not 1 <= month <= 12 or not 1 <= day <= days_in_month(2000, month):
            return None
        return cls(None, month, day)

    def iso(self) -> str:
        """``YYYY-MM-DD``, or the vCard form ``--MM-DD`` when the year is unknown."""
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def next_on_or_after(self, start: date) -> date:
        """The first yearly occurrence on or after ``start``."""
        when = in_year(self.month, self.day, start.year)
        if when < start:
            when = in_year(self.month, self.day, start.year + 1)
        return when

    def years_at(self, when: date) -> int | None:
        """Completed years at the occurrence ``when`` (an age), None without a year."""
        return None if self.year is None else when.year - self.year


_CADENCE = re.compile(
    r"^(\d+)\s*(d|days?|w|weeks?|m|months?|y|years?)$",
    re.IGNORECASE,
)
_CADENCE_WORDS = {
    "daily": (1, "d"),
    "weekly": (1, "w"),
    "biweekly": (2, "w"),
    "fortnightly": (2, "w"),
    "monthly": (1, "m"),
    "quarterly": (3, "m"),
    "half-yearly": (6, "m"),
    "yearly": (1, "y"),
    "annually": (1, "y"),
}


# At most a hundred years, per unit: more is "never", and dates would run out of calendar.
_MAX_COUNT = {"d": 36_525, "w": 5_217, "m": 1_200, "y": 100}


NO_CADENCE = "none"


def cadence_problem(text: str) -> str | None:
    """What is wrong with ``text`` as a cadence, to follow it in a message; None when it is
    one, or ``none`` (no cadence: never due, whatever the circle's default)."""
    if Cadence.parse(text) is not None or text.strip().lower() == NO_CADENCE:
        return None
    m = _CADENCE.match(text.strip().lower())
    if m and int(m[1]) > 0:
        return "is longer than 100 years: write at most 100y, or remove the cadence"
    return "is not understood: write e.g. 30d, 6w, 3m, 1y, weekly, monthly, quarterly or yearly"


@dataclass(frozen=True, slots=True)
class Cadence:
    """How often to be in touch: a count of days, weeks, calendar months or calendar years."""

    count: int
    unit: str  # "d", "w", "m" or "y"

    @classmethod
    def parse(cls, text: object) -> Cadence | None:
        """``30d``, ``6w``, ``3m``, ``1y`` (also ``6 weeks``), or ``weekly`` … ``yearly``."""
        if not isinstance(text, str):
            return None
        key = text.strip().lower()
        if key in _CADENCE_WORDS:
            return cls(*_CADENCE_WORDS[key])
        m = _CADENCE.match(key)
        if not m or int(m[1]) == 0:
            return None
        cadence = cls(int(m[1]), m[2][0])
        return cadence if cadence.count <= _MAX_COUNT[cadence.unit] else None

    def add_to(self, d: date) -> date:
        if self.unit == "d":
            return d + timedelta(days=self.count)
        if self.unit == "w":
            return d + timedelta(weeks=self.count)
        if self.unit == "m":
            return add_months(d, self.count)
        return add_months(d, 12 * self.count)

    def subtract_from(self, d: date) -> date:
        """The day this span before ``d`` (calendar months and years, the day clamped)."""
        if self.unit in ("d", "w"):
            return d - timedelta(days=self.count * (7 if self.unit == "w" else 1))
        return add_months(d, -self.count * (12 if self.unit == "y" else 1))

    def approx_days(self) -> int:
        """Length in days, for ranking how late a contact is relative to its cadence."""
        per = {"d": 1, "w": 7, "m": 30, "y": 365}[self.unit]
        return self.count * per


def next_due(last_contact: date | None, cadence: Cadence | None, today: date) -> date | None:
    """Last contact + cadence; today when there is a cadence but no contact; None without one."""
    if cadence is None:
        return None
    if last_contact is None:
        return today
    return cadence.add_to(last_contact)


def date_or_span(text: str, today: date, *, back: bool = False) -> date | None:
    """``YYYY-MM-DD``, or a span such as ``10d``, ``2w``, ``3m``, ``1y`` counted from today
    (forward, or ``back``); None when it is neither."""
    text = text.strip()
    when = parse_iso(text)
    if when is not None:
        return when
    span = Cadence.parse(text)
    if span is None or not text[:1].isdigit():
        return None
    return span.subtract_from(today) if back else span.add_to(today)


_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def day_ahead(text: str, today: date) -> date | None:
    """A day as people name one ahead: ``YYYY-MM-DD``, ``today``, ``tomorrow``, a span from
    today (``3d``, ``2w``, ``1m``, ``1y``), or a weekday (``monday`` or ``mon``: the next one
    *after* today, so on a Monday ``monday`` is a week ahead). None when it is none of these."""
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    if len(word) >= 3:
        for number, name in enumerate(_WEEKDAY_NAMES):
            if name.startswith(word) and (word == name or len(word) == 3):
                ahead = (number - today.weekday() - 1) % 7 + 1
                return today + timedelta(days=ahead)
    return date_or_span(text, today)
