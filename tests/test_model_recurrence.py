"""Recurring follow-ups (``🔁 every …``): the rule language and the next date, against the
Obsidian Tasks plugin's documented examples and a day-by-day reference."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netzmd.model.recurrence import Rule, next_date, parse


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


# --- edges a mutation run found unpinned ---------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-11-23", "2026-11-24"),  # Monday → Tuesday
        ("2026-11-25", "2026-11-26"),  # Wednesday → Thursday
        ("2026-11-26", "2026-11-27"),  # Thursday → Friday: Friday stays a weekday
        ("2026-11-28", "2026-11-30"),  # Saturday → Monday
    ],
)
def test_every_weekday_from_mid_week(day: str, expected: str) -> None:
    assert after("every weekday", day) == expected
    assert parse("every weekday") == Rule(1, "w", weekdays=(0, 1, 2, 3, 4))
    assert parse("every weekday when done") == Rule(
        1, "w", weekdays=(0, 1, 2, 3, 4), when_done=True
    )


@pytest.mark.parametrize(
    "text",
    [
        "every week on Monday or blah",
        "every week on Monday or Friday",
        "every week on blah",
        "every 2 weeks on Monday,, Friday",
        "every week on Mondays",
        "every month on the 0th",
        "every month on the 00th",
        "every month on the 0th Friday",
        "every month on the 0th last Friday",
        "every month on the 6th last Friday",
        "every month on the last blah",
        "every year on the last",
        "every day on the 1st",
        "every 0 weeks",
        "every 0 months on the 1st",
        "every 1201 months",
    ],
)
def test_malformed_rules_are_refused(text: str) -> None:
    assert parse(text) is None


def test_limits_of_the_ordinals_are_understood() -> None:
    assert parse("every month on the 31st") == Rule(1, "m", month_day=31)
    assert parse("every month on the 1st") == Rule(1, "m", month_day=1)
    assert parse("every month on the 5th friday") == Rule(1, "m", nth_weekday=(5, 4))
    assert parse("every month on the 1st monday") == Rule(1, "m", nth_weekday=(1, 0))
    assert parse("every month on the 5th last sunday") == Rule(1, "m", nth_weekday=(-5, 6))
    assert parse("every month on the last monday") == Rule(1, "m", nth_weekday=(-1, 0))
    assert parse("every 100 years") == Rule(100, "y")
    assert parse("every 1200 months") == Rule(1200, "m")


def test_weekly_day_lists_are_sorted_and_deduplicated() -> None:
    assert parse("every week on Friday, Monday and Friday") == Rule(1, "w", weekdays=(0, 4))
    assert parse("every week on the Sunday") == Rule(1, "w", weekdays=(6,))
    assert parse("every 3 weeks on Tuesday and Sunday when done") == Rule(
        3, "w", weekdays=(1, 6), when_done=True
    )
    assert parse("every sunday") == Rule(1, "w", weekdays=(6,))
    assert parse("every monday when done") == Rule(1, "w", weekdays=(0,), when_done=True)


@pytest.mark.parametrize(
    ("text", "day", "expected"),
    [
        ("every 3 days", "2026-11-27", "2026-11-30"),
        ("every 3 weeks", "2026-11-27", "2026-12-18"),
        ("every week on Friday", "2026-11-27", "2026-12-04"),  # ref is itself a Friday
        ("every 2 weeks on Monday and Friday", "2026-11-23", "2026-11-27"),
        ("every 2 weeks on Monday and Friday", "2026-11-27", "2026-12-07"),
        ("every 2 years", "2024-02-29", "2026-02-28"),
        ("every month on the 1st", "2026-12-01", "2027-01-01"),  # ref on the day: the next one
        ("every month on the 15th", "2026-11-14", "2026-11-15"),
        ("every month on the last", "2026-11-29", "2026-11-30"),
        ("every month on the 1st Monday", "2026-11-01", "2026-11-02"),
        ("every month on the 1st Sunday", "2026-11-01", "2026-12-06"),
        ("every month on the last Monday", "2026-11-30", "2026-12-28"),
        ("every month on the 4th last Monday", "2026-11-01", "2026-11-09"),
        ("every 3 months on the 31st", "2026-04-01", "2026-07-31"),  # April has no 31st
        ("every month on the 5th Monday", "2026-11-30", "2027-03-29"),
    ],
)
def test_next_date_more(text: str, day: str, expected: str) -> None:
    assert after(text, day) == expected


def test_no_next_date_at_the_end_of_the_calendar() -> None:
    assert after("every day", "9999-12-31") is None
    assert after("every month on the 1st", "9999-12-01") is None


def test_the_hundredth_year_is_still_searched() -> None:
    assert after("every 1200 months on the 1st", "2026-11-27") == "2126-11-01"
    assert after("every 1200 months on the last Friday", "2026-11-27") == "2126-11-29"
