"""Recurring follow-ups as the Obsidian Tasks plugin writes them: ``🔁 every 3 months``.

Pure date rules, no clock. ``parse`` reads the part of the rule language that people use for
keeping in touch; ``next_date`` gives the next occurrence after a reference date the way Tasks
does: plain intervals of months and years move to an earlier day when the day does not exist
(31 January + 1 month = 28 February), while a rule that names the day of the month
(``on the 31st``) skips the months without it. ``when done`` counts from the day the task is
ticked instead of its date.

Understood (case does not matter)::

    every day | every 3 days | every weekday
    every week | every 2 weeks | every Sunday | every week on Monday, Wednesday and Friday
    every month | every 6 months | every month on the 1st | every month on the last
    every month on the last Friday | every 2 months on the 2nd last Wednesday
    every year | every 2 years
    ... when done
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from netzmd.model.dates import Cadence, add_months, days_in_month

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_UNITS = {"day": "d", "days": "d", "week": "w", "weeks": "w", "month": "m", "months": "m"}
_UNITS |= {"year": "y", "years": "y"}
_DAY = "|".join(WEEKDAYS)
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)"
_RULE = re.compile(
    rf"every\s+(?:(?P<count>\d{{1,4}})\s+)?(?P<unit>days?|weeks?|months?|years?)"
    rf"(?:\s+on\s+(?P<on>.+?))?"
    rf"|every\s+(?P<weekday>weekday)"
    rf"|every\s+(?P<single>{_DAY})",
)
_DAY_LIST = re.compile(rf"(?:the\s+)?({_DAY})(?:\s*(?:,|\band\b)\s*({_DAY}))*")
_MONTH_DAY = re.compile(rf"the\s+(?:{_ORDINAL}|(?P<last>last))")
_MONTH_WEEKDAY = re.compile(rf"the\s+(?:{_ORDINAL}\s+)?(?P<last>last\s+)?(?P<day>{_DAY})")


@dataclass(frozen=True, slots=True)
class Rule:
    """A parsed ``🔁`` rule. ``unit`` is d, w, m or y; ``weekdays`` (0 = Monday) for weekly
    rules on given days; ``month_day`` (1..31, -1 for the last) or ``nth_weekday`` ((k,
    weekday), k from 1..5 or -1..-5 counting from the end) for monthly rules on a given day."""

    every: int
    unit: str
    weekdays: tuple[int, ...] = ()
    month_day: int | None = None
    nth_weekday: tuple[int, int] | None = None
    when_done: bool = False


def parse(text: str) -> Rule | None:
    """The rule written after ``🔁``; None when it is not one netzmd understands."""
    words = " ".join(text.lower().split())
    when_done = words.endswith(" when done")
    if when_done:
        words = words.removesuffix(" when done")
    m = _RULE.fullmatch(words)
    if m is None:
        return None
    if m["weekday"]:
        return Rule(1, "w", weekdays=(0, 1, 2, 3, 4), when_done=when_done)
    if m["single"]:
        return Rule(1, "w", weekdays=(WEEKDAYS.index(m["single"]),), when_done=when_done)
    every = int(m["count"] or 1)
    unit = _UNITS[m["unit"]]
    if Cadence.parse(f"{every}{unit}") is None:  # none, or more than a hundred years
        return None
    on = m["on"]
    if on is None:
        return Rule(every, unit, when_done=when_done)
    if unit == "w":
        days = _DAY_LIST.fullmatch(on)
        if days is None:
            return None
        named = sorted({WEEKDAYS.index(d) for d in re.findall(_DAY, on)})
        return Rule(every, "w", weekdays=tuple(named), when_done=when_done)
    if unit != "m":
        return None
    day = _MONTH_DAY.fullmatch(on)
    if day is not None:
        number = -1 if day["last"] else int(day[1])
        if not (number == -1 or 1 <= number <= 31):
            return None
        return Rule(every, "m", month_day=number, when_done=when_done)
    nth = _MONTH_WEEKDAY.fullmatch(on)
    if nth is None or (nth[1] is None and nth["last"] is None):
        return None
    k = int(nth[1] or 1)
    if not 1 <= k <= 5:
        return None
    return Rule(
        every,
        "m",
        nth_weekday=(-k if nth["last"] else k, WEEKDAYS.index(nth["day"])),
        when_done=when_done,
    )


def next_date(rule: Rule, ref: date) -> date | None:
    """The first occurrence after ``ref`` (for rules on given days: of the series that starts
    at ``ref``, as the iCalendar rules Tasks uses count it); None when there is none within
    a hundred years (``every 12 months on the 30th`` from February) or the calendar ends."""
    try:
        return _next(rule, ref)
    except (OverflowError, ValueError):  # beyond year 9999
        return None


def _next(rule: Rule, ref: date) -> date | None:
    if rule.unit == "d":
        return ref + timedelta(days=rule.every)
    if rule.unit == "w":
        if not rule.weekdays:
            return ref + timedelta(weeks=rule.every)
        monday = ref - timedelta(days=ref.weekday())
        later = [d for d in rule.weekdays if d > ref.weekday()]
        if later:  # still in the week of ``ref``
            return monday + timedelta(days=later[0])
        return monday + timedelta(weeks=rule.every, days=rule.weekdays[0])
    if rule.unit == "y":
        return add_months(ref, 12 * rule.every)
    if rule.month_day is None and rule.nth_weekday is None:
        return add_months(ref, rule.every)
    for step in range(0, 1201, rule.every):  # months named by the rule, for a hundred years
        first = add_months(ref.replace(day=1), step)
        found = _in_month(rule, first.year, first.month)
        if found is not None and found > ref:
            return found
    return None


def _in_month(rule: Rule, year: int, month: int) -> date | None:
    length = days_in_month(year, month)
    if rule.month_day is not None:
        day = length if rule.month_day == -1 else rule.month_day
        return date(year, month, day) if day <= length else None
    assert rule.nth_weekday is not None
    k, weekday = rule.nth_weekday
    if k > 0:
        first = date(year, month, 1)
        day = 1 + (weekday - first.weekday()) % 7 + 7 * (k - 1)
    else:
        last = date(year, month, length)
        day = length - (last.weekday() - weekday) % 7 - 7 * (-k - 1)
    return date(year, month, day) if 1 <= day <= length else None
