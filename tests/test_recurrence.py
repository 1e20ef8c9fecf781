"""Recurring follow-ups (``🔁 every …``): the rule language and the next date, against the
Obsidian Tasks plugin's documented examples and a day-by-day reference."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netzmd.recurrence import Rule, next_date, parse


def after(text: str, day: str) -> str | None:
    rule = parse(text)
    assert rule is not None, text
    found = next_date(rule, date.fromisoformat(day))
    return found.isoformat() if found else None


@pytest.mark.parametrize(
    ("text", "day", "expected"),
    [
        # the examples of the Tasks plugin's documentation
        ("every Sunday", "2021-04-25", "2021-05-02"),
        ("every week", "2021-02-06", "2021-02-13"),
        ("every 2 weeks", "2021-10-30", "2021-11-13"),
        ("every month", "2021-10-31", "2021-11-30"),
        ("every month", "2021-11-30", "2021-12-30"),
        ("every month", "2022-01-30", "2022-02-28"),
        ("every month", "2022-02-28", "2022-03-28"),
        ("every month on the last", "2022-01-31", "2022-02-28"),
        ("every month on the last", "2022-02-28", "2022-03-31"),
        ("every month on the 31st", "2022-01-31", "2022-03-31"),
        ("every month on the 31st", "2022-05-31", "2022-07-31"),
        ("every month on the 31st", "2022-07-31", "2022-08-31"),
        # more
        ("every day", "2026-12-31", "2027-01-01"),
        ("every 10 days", "2026-11-27", "2026-12-07"),
        ("every weekday", "2026-11-27", "2026-11-30"),  # a Friday
        ("every weekday", "2026-11-29", "2026-11-30"),  # a Sunday
        ("every weekday", "2026-11-30", "2026-12-01"),
        ("every week on Monday, Wednesday and Friday", "2026-11-25", "2026-11-27"),
        ("every week on Monday, Wednesday and Friday", "2026-11-27", "2026-11-30"),
        ("every 2 weeks on Tuesday and Thursday", "2026-11-27", "2026-12-08"),
        ("every 2 weeks on Saturday", "2026-11-27", "2026-11-28"),
        ("every month on the 1st", "2026-11-27", "2026-12-01"),
        ("every 2 months on the 1st", "2026-11-27", "2027-01-01"),
        ("every month on the last Friday", "2026-11-27", "2026-12-25"),
        ("every month on the last Friday", "2026-11-20", "2026-11-27"),
        ("every month on the 2nd last Friday", "2026-11-27", "2026-12-18"),
        ("every month on the 2nd Wednesday", "2026-11-27", "2026-12-09"),
        ("every month on the 5th Friday", "2026-11-27", "2027-01-29"),
        ("every 3 months", "2026-11-30", "2027-02-28"),
        ("every year", "2024-02-29", "2025-02-28"),
        ("every 2 years", "2026-11-27", "2028-11-27"),
        ("Every  3   Months   When  Done", "2026-11-27", "2027-02-27"),
    ],
)
def test_next_date(text: str, day: str, expected: str) -> None:
    assert after(text, day) == expected


def test_parse_keeps_when_done_and_the_days() -> None:
    assert parse("every 10 days when done") == Rule(10, "d", when_done=True)
    assert parse("every week on Sunday") == Rule(1, "w", weekdays=(6,))
    assert parse("every month on the last") == Rule(1, "m", month_day=-1)
    assert parse("every month on the 2nd last friday") == Rule(1, "m", nth_weekday=(-2, 4))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "every",
        "weekly",
        "every blue moon",
        "every 0 days",
        "every fortnight",
        "every 101 years",  # longer than a hundred years, as cadences
        "every day on Monday",
        "every year on the 1st",
        "every month on the 32nd",
        "every month on the Friday",
        "every month on the 6th Friday",
        "every January on the 15th",
        "every April and December on the 1st and 24th",
        "every 3 days for 5 times",
        "every week until 2027-01-01",
    ],
)
def test_rules_netzmd_does_not_understand(text: str) -> None:
    assert parse(text) is None


def test_no_next_date_within_a_hundred_years() -> None:
    assert after("every 12 months on the 30th", "2026-02-01") is None
    assert after("every 100 years", "9950-01-01") is None  # past the calendar's end


# --- against a plain day-by-day reference -------------------------------------------------------


def _in_series(rule: Rule, start: date, day: date) -> bool:
    """Whether ``day`` is an occurrence of the series that starts at ``start``, by the rule's
    words: its weekday and week, or its month and day of the month."""
    if rule.unit == "w":
        weeks = (day - timedelta(days=day.weekday())) - (start - timedelta(days=start.weekday()))
        return day.weekday() in rule.weekdays and (weeks.days // 7) % rule.every == 0
    months = (day.year - start.year) * 12 + day.month - start.month
    if months % rule.every:
        return False
    following = day + timedelta(days=7)
    if rule.month_day is not None:
        return day.day == rule.month_day or (
            rule.month_day == -1 and (day + timedelta(days=1)).month != day.month
        )
    assert rule.nth_weekday is not None
    k, weekday = rule.nth_weekday
    if day.weekday() != weekday:
        return False
    if k > 0:
        return (day.day - 1) // 7 == k - 1
    later = 0
    while following.month == day.month:
        later += 1
        following += timedelta(days=7)
    return later == -k - 1


_WEEKDAY_RULES = st.builds(
    lambda every, days: Rule(every, "w", weekdays=tuple(sorted(days))),
    st.integers(1, 4),
    st.sets(st.integers(0, 6), min_size=1),
)
_MONTH_RULES = st.builds(
    lambda every, day: Rule(every, "m", month_day=day),
    st.integers(1, 5),
    st.integers(1, 31) | st.just(-1),
) | st.builds(
    lambda every, k, weekday: Rule(every, "m", nth_weekday=(k, weekday)),
    st.integers(1, 4),
    st.integers(-5, 5).filter(bool),
    st.integers(0, 6),
)


@settings(max_examples=400, deadline=None)
@given(
    _WEEKDAY_RULES | _MONTH_RULES,
    st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
)
def test_next_date_is_the_first_later_day_of_the_series(rule: Rule, start: date) -> None:
    found = next_date(rule, start)
    assert found is not None and found > start
    day = start + timedelta(days=1)
    while day < found:
        assert not _in_series(rule, start, day), (rule, start, day)
        day += timedelta(days=1)
    assert _in_series(rule, start, found)
