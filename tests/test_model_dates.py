"""Dates as people write them: partial dates (birthdays without a year), cadences, calendar
months and years, and when a contact is next due."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netzmd.model.dates import (
    Cadence,
    PartialDate,
    add_months,
    cadence_problem,
    date_or_span,
    day_ahead,
    days_in_month,
    in_year,
    is_leap,
    next_due,
    parse_iso,
)

# --- parse_iso ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20", date(2026, 11, 20)),
        ("2024-02-29", date(2024, 2, 29)),
        ("2023-02-29", None),  # not a leap year
        ("2026-04-31", None),
        ("2026-13-01", None),
        ("2026-00-10", None),
        ("2026-01-00", None),
        ("2026-1-2", None),
        ("20261120", None),
        ("2026-11-20 ", None),
        ("2026-11-20T10:00", None),
        ("", None),
    ],
)
def test_parse_iso(text: str, expected: date | None) -> None:
    assert parse_iso(text) == expected


# --- PartialDate.parse and iso --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1990-03-14", PartialDate(1990, 3, 14)),
        (date(1990, 3, 14), PartialDate(1990, 3, 14)),
        ("--03-14", PartialDate(None, 3, 14)),
        ("03-14", PartialDate(None, 3, 14)),
        ("  --03-14  ", PartialDate(None, 3, 14)),
        ("--02-29", PartialDate(None, 2, 29)),  # valid: some years have it
        ("02-29", PartialDate(None, 2, 29)),
        ("2024-02-29", PartialDate(2024, 2, 29)),
        ("--12-31", PartialDate(None, 12, 31)),
        ("--01-01", PartialDate(None, 1, 1)),
    ],
)
def test_partial_date_parse_valid(value: object, expected: PartialDate) -> None:
    assert PartialDate.parse(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "--02-30",
        "--02-31",
        "--04-31",
        "--13-01",
        "--00-10",
        "--01-00",
        "02-30",
        "2023-02-29",
        "2026-02-30",
        "-03-14",
        "---03-14",
        "3-14",
        "--3-14",
        "14.03.",
        "sometime in May",
        "",
        None,
        1990,
        ["--03-14"],
        True,
    ],
)
def test_partial_date_parse_invalid(value: object) -> None:
    assert PartialDate.parse(value) is None


@pytest.mark.parametrize(
    ("partial", "iso"),
    [
        (PartialDate(None, 3, 14), "--03-14"),
        (PartialDate(None, 12, 1), "--12-01"),
        (PartialDate(1990, 3, 4), "1990-03-04"),
        (PartialDate(33, 1, 2), "0033-01-02"),
    ],
)
def test_partial_date_iso(partial: PartialDate, iso: str) -> None:
    assert partial.iso() == iso
    assert PartialDate.parse(iso) == partial


@given(st.dates())
def test_partial_date_round_trips(d: date) -> None:
    full = PartialDate.parse(d.isoformat())
    assert full == PartialDate(d.year, d.month, d.day)
    assert full is not None and full.iso() == d.isoformat()
    yearless = PartialDate.parse(f"--{d.month:02d}-{d.day:02d}")
    assert yearless == PartialDate(None, d.month, d.day)
    assert yearless is not None and yearless.iso() == f"--{d.month:02d}-{d.day:02d}"


# --- in_year and next_on_or_after -----------------------------------------------------------


def test_in_year_feb_29() -> None:
    assert in_year(2, 29, 2024) == date(2024, 2, 29)
    assert in_year(2, 29, 2025) == date(2025, 2, 28)
    assert in_year(2, 29, 2100) == date(2100, 2, 28)  # not a leap year
    assert in_year(2, 29, 2000) == date(2000, 2, 29)
    assert in_year(3, 1, 2025) == date(2025, 3, 1)


@pytest.mark.parametrize(
    ("partial", "start", "expected"),
    [
        # same day counts ("on or after")
        (PartialDate(None, 3, 14), date(2026, 3, 14), date(2026, 3, 14)),
        (PartialDate(None, 3, 14), date(2026, 3, 13), date(2026, 3, 14)),
        (PartialDate(None, 3, 14), date(2026, 3, 15), date(2027, 3, 14)),
        # windows crossing New Year
        (PartialDate(None, 1, 5), date(2026, 12, 20), date(2027, 1, 5)),
        (PartialDate(None, 12, 31), date(2026, 12, 31), date(2026, 12, 31)),
        (PartialDate(None, 1, 1), date(2026, 12, 31), date(2027, 1, 1)),
        (PartialDate(1980, 1, 1), date(2026, 1, 2), date(2027, 1, 1)),
        # 29 February: itself in leap years, 28 February otherwise
        (PartialDate(None, 2, 29), date(2024, 1, 1), date(2024, 2, 29)),
        (PartialDate(None, 2, 29), date(2024, 2, 29), date(2024, 2, 29)),
        (PartialDate(None, 2, 29), date(2025, 1, 1), date(2025, 2, 28)),
        (PartialDate(None, 2, 29), date(2025, 2, 28), date(2025, 2, 28)),
        (PartialDate(None, 2, 29), date(2025, 3, 1), date(2026, 2, 28)),
        (PartialDate(None, 2, 29), date(2027, 3, 1), date(2028, 2, 29)),
        (PartialDate(2000, 2, 29), date(2023, 12, 25), date(2024, 2, 29)),
        (PartialDate(None, 2, 28), date(2024, 2, 28), date(2024, 2, 28)),
        (PartialDate(None, 3, 1), date(2024, 2, 29), date(2024, 3, 1)),
    ],
)
def test_next_on_or_after(partial: PartialDate, start: date, expected: date) -> None:
    assert partial.next_on_or_after(start) == expected


def _occurs_on(d: date, month: int, day: int) -> bool:
    if (d.month, d.day) == (month, day):
        return True
    return (month, day) == (2, 29) and (d.month, d.day) == (2, 28) and not calendar.isleap(d.year)


@settings(max_examples=200)
@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
    st.integers(1, 12),
    st.integers(1, 31),
)
def test_next_on_or_after_is_the_first_occurrence(start: date, month: int, day: int) -> None:
    if day > calendar.monthrange(2000, month)[1]:
        return
    expected = start
    while not _occurs_on(expected, month, day):  # walk day by day: at most a year
        expected += timedelta(days=1)
    assert PartialDate(None, month, day).next_on_or_after(start) == expected
    assert PartialDate(1970, month, day).next_on_or_after(start) == expected


def test_years_at() -> None:
    assert PartialDate(1990, 3, 14).years_at(date(2026, 3, 14)) == 36
    assert PartialDate(None, 3, 14).years_at(date(2026, 3, 14)) is None


# --- Cadence --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count", "unit"),
    [
        ("30d", 30, "d"),
        ("6w", 6, "w"),
        ("3m", 3, "m"),
        ("1y", 1, "y"),
        ("weekly", 1, "w"),
        ("monthly", 1, "m"),
        ("quarterly", 3, "m"),
        ("yearly", 1, "y"),
        ("Monthly", 1, "m"),
        (" 30d ", 30, "d"),
        ("30D", 30, "d"),
        ("6 weeks", 6, "w"),
        ("2 months", 2, "m"),
        ("1 year", 1, "y"),
        ("10 days", 10, "d"),
    ],
)
def test_cadence_parse_valid(text: str, count: int, unit: str) -> None:
    assert Cadence.parse(text) == Cadence(count, unit)


@pytest.mark.parametrize(
    "text",
    ["often", "", "0d", "0m", "-1d", "30", "d", "3x", "1.5m", "3 fortnights", "m3", None, 30, True],
)
def test_cadence_parse_invalid(text: object) -> None:
    assert Cadence.parse(text) is None


def test_cadence_is_at_most_a_hundred_years() -> None:
    """Longer spans would run dates past year 9999; they get their own message."""
    for text in ("100y", "1200m", "5217w", "36525d", "100 years"):
        assert Cadence.parse(text) is not None, text
        assert cadence_problem(text) is None
    for text in ("101y", "1201m", "5218w", "36526d", "3000y", "9999999999d"):
        assert Cadence.parse(text) is None, text
        assert cadence_problem(text) == (
            "is longer than 100 years: write at most 100y, or remove the cadence"
        )
    assert "is not understood" in str(cadence_problem("often"))


@pytest.mark.parametrize(
    ("text", "start", "expected"),
    [
        ("30d", date(2026, 1, 31), date(2026, 3, 2)),
        ("6w", date(2026, 12, 1), date(2027, 1, 12)),
        ("weekly", date(2026, 12, 28), date(2027, 1, 4)),
        ("1m", date(2026, 1, 31), date(2026, 2, 28)),
        ("1m", date(2024, 1, 31), date(2024, 2, 29)),
        ("3m", date(2026, 11, 30), date(2027, 2, 28)),
        ("quarterly", date(2026, 3, 31), date(2026, 6, 30)),
        ("1y", date(2024, 2, 29), date(2025, 2, 28)),
        ("4y", date(2024, 2, 29), date(2028, 2, 29)),
        ("yearly", date(2026, 6, 15), date(2027, 6, 15)),
    ],
)
def test_cadence_add_to(text: str, start: date, expected: date) -> None:
    cadence = Cadence.parse(text)
    assert cadence is not None
    assert cadence.add_to(start) == expected


# --- add_months -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 1, 31), 2, date(2026, 3, 31)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 5, 31), 1, date(2026, 6, 30)),
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2026, 1, 15), 0, date(2026, 1, 15)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@settings(max_examples=200)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)), st.integers(-240, 240))
def test_add_months_properties(start: date, months: int) -> None:
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day == min(start.day, calendar.monthrange(result.year, result.month)[1])


# --- next_due -------------------------------------------------------------------------------

TODAY = date(2026, 11, 20)


def test_next_due_without_contact_is_today() -> None:
    assert next_due(None, Cadence.parse("3m"), TODAY) == TODAY


def test_next_due_without_cadence_is_none() -> None:
    assert next_due(date(2026, 1, 1), None, TODAY) is None
    assert next_due(None, None, TODAY) is None


@pytest.mark.parametrize(
    ("last", "text", "expected"),
    [
        (date(2026, 1, 31), "1m", date(2026, 2, 28)),
        (date(2024, 1, 31), "monthly", date(2024, 2, 29)),
        (date(2024, 2, 29), "1y", date(2025, 2, 28)),
        (date(2026, 11, 1), "30d", date(2026, 12, 1)),
        (date(2026, 11, 1), "weekly", date(2026, 11, 8)),  # in the past: overdue, still that day
        (date(2026, 12, 10), "quarterly", date(2027, 3, 10)),
    ],
)
def test_next_due_adds_the_cadence(last: date, text: str, expected: date) -> None:
    assert next_due(last, Cadence.parse(text), TODAY) == expected


# 2026-11-30 is a Monday.
@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("today", "2026-11-30", "2026-11-30"),
        ("Tomorrow", "2026-11-30", "2026-12-01"),
        ("tomorrow", "2026-12-31", "2027-01-01"),
        ("tomorrow", "2028-02-28", "2028-02-29"),
        ("monday", "2026-11-30", "2026-12-07"),  # the next Monday *after* today
        ("tuesday", "2026-11-30", "2026-12-01"),
        ("sunday", "2026-11-30", "2026-12-06"),
        ("Mon", "2026-12-06", "2026-12-07"),
        ("fri", "2026-12-31", "2027-01-01"),
        (" 3d ", "2026-11-30", "2026-12-03"),
        ("1m", "2027-01-31", "2027-02-28"),
        ("2026-12-01", "2026-11-30", "2026-12-01"),
    ],
)
def test_day_ahead(text: str, today: str, expected: str) -> None:
    assert day_ahead(text, date.fromisoformat(today)) == date.fromisoformat(expected)


@pytest.mark.parametrize("text", ["", "mo", "mond", "someday", "yesterday", "2026-02-29", "0d"])
def test_day_ahead_refuses(text: str) -> None:
    assert day_ahead(text, date(2026, 11, 30)) is None


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(8999, 12, 24)), st.integers(0, 6))
def test_a_weekday_is_one_to_seven_days_ahead(today: date, weekday: int) -> None:
    name = calendar.day_name[weekday].lower()
    when = day_ahead(name, today)
    assert when is not None
    assert when.weekday() == weekday
    assert 1 <= (when - today).days <= 7


# --- edges a mutation run found unpinned ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count", "unit"),
    [
        ("daily", 1, "d"),
        ("weekly", 1, "w"),
        ("biweekly", 2, "w"),
        ("fortnightly", 2, "w"),
        ("monthly", 1, "m"),
        ("quarterly", 3, "m"),
        ("half-yearly", 6, "m"),
        ("yearly", 1, "y"),
        ("annually", 1, "y"),
        (" Half-Yearly ", 6, "m"),
        ("FORTNIGHTLY", 2, "w"),
    ],
)
def test_every_cadence_word(text: str, count: int, unit: str) -> None:
    assert Cadence.parse(text) == Cadence(count, unit)
    assert cadence_problem(text) is None


@pytest.mark.parametrize("text", ["0d", "0w", "0m", "0y", "0 days", "00d"])
def test_a_zero_cadence_is_not_understood_rather_than_too_long(text: str) -> None:
    assert Cadence.parse(text) is None
    assert cadence_problem(text) == (
        "is not understood: write e.g. 30d, 6w, 3m, 1y, weekly, monthly, quarterly or yearly"
    )


@pytest.mark.parametrize("text", ["none", "None", " NONE ", "1d", "1 day", "100y"])
def test_cadence_problem_none_for_a_cadence_or_none(text: str) -> None:
    assert cadence_problem(text) is None


def test_cadence_units_and_counts_at_the_edges() -> None:
    assert Cadence.parse("1d") == Cadence(1, "d")
    assert Cadence.parse("1 week") == Cadence(1, "w")
    assert Cadence.parse("1 month") == Cadence(1, "m")
    assert Cadence.parse("5217 weeks") == Cadence(5217, "w")
    assert Cadence.parse("1x") is None
    assert Cadence.parse("30dd") is None


@pytest.mark.parametrize(
    ("text", "start", "expected"),
    [
        ("1d", date(2026, 3, 1), date(2026, 2, 28)),
        ("10d", date(2026, 1, 5), date(2025, 12, 26)),
        ("1w", date(2026, 3, 1), date(2026, 2, 22)),
        ("2w", date(2026, 1, 5), date(2025, 12, 22)),
        ("1m", date(2026, 3, 31), date(2026, 2, 28)),
        ("3m", date(2026, 2, 15), date(2025, 11, 15)),
        ("1y", date(2024, 2, 29), date(2023, 2, 28)),
        ("2y", date(2026, 6, 15), date(2024, 6, 15)),
    ],
)
def test_cadence_subtract_from(text: str, start: date, expected: date) -> None:
    cadence = Cadence.parse(text)
    assert cadence is not None
    assert cadence.subtract_from(start) == expected


@pytest.mark.parametrize(
    ("text", "days"), [("3d", 3), ("2w", 14), ("2m", 60), ("2y", 730), ("daily", 1)]
)
def test_cadence_approx_days(text: str, days: int) -> None:
    cadence = Cadence.parse(text)
    assert cadence is not None
    assert cadence.approx_days() == days


@pytest.mark.parametrize(
    ("text", "add", "subtract"),
    [
        ("2026-12-01", "2026-12-01", "2026-12-01"),
        (" 2026-12-01 ", "2026-12-01", "2026-12-01"),
        ("3d", "2026-12-03", "2026-11-27"),
        ("2w", "2026-12-14", "2026-11-16"),
        ("1m", "2026-12-30", "2026-10-30"),
        ("1y", "2027-11-30", "2025-11-30"),
        (" 10 days ", "2026-12-10", "2026-11-20"),
    ],
)
def test_date_or_span(text: str, add: str, subtract: str) -> None:
    today = date(2026, 11, 30)
    assert date_or_span(text, today) == date.fromisoformat(add)
    assert date_or_span(text, today, back=True) == date.fromisoformat(subtract)


@pytest.mark.parametrize("text", ["", "monthly", "weekly", "soon", "0d", "2026-02-30", "d3"])
def test_date_or_span_refuses(text: str) -> None:
    """A cadence word is no span: ``--since monthly`` would be a surprise."""
    assert date_or_span(text, date(2026, 11, 30)) is None
    assert date_or_span(text, date(2026, 11, 30), back=True) is None


@pytest.mark.parametrize(
    ("year", "leap"), [(2024, True), (2026, False), (1900, False), (2000, True), (2100, False)]
)
def test_is_leap(year: int, leap: bool) -> None:
    assert is_leap(year) is leap
    assert days_in_month(year, 2) == (29 if leap else 28)
    assert calendar.isleap(year) is leap


def test_days_in_month_every_month() -> None:
    for year in (2023, 2024):
        for month in range(1, 13):
            assert days_in_month(year, month) == calendar.monthrange(year, month)[1]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("--12-31", PartialDate(None, 12, 31)),
        ("01-01", PartialDate(None, 1, 1)),
        ("--02-29", PartialDate(None, 2, 29)),
        (" --03-14 ", PartialDate(None, 3, 14)),
    ],
)
def test_partial_date_limits(value: str, expected: PartialDate) -> None:
    assert PartialDate.parse(value) == expected


@pytest.mark.parametrize("value", ["--00-10", "--13-01", "--04-31", "--02-30", "--01-00", "--1-1"])
def test_partial_date_out_of_range(value: str) -> None:
    assert PartialDate.parse(value) is None


def test_next_on_or_after_the_day_itself_and_the_day_after() -> None:
    birthday = PartialDate(1990, 3, 14)
    assert birthday.next_on_or_after(date(2026, 3, 14)) == date(2026, 3, 14)
    assert birthday.next_on_or_after(date(2026, 3, 15)) == date(2027, 3, 14)
    assert birthday.next_on_or_after(date(2026, 3, 13)) == date(2026, 3, 14)
    leap = PartialDate(None, 2, 29)
    assert leap.next_on_or_after(date(2026, 3, 1)) == date(2027, 2, 28)
    assert leap.next_on_or_after(date(2027, 3, 1)) == date(2028, 2, 29)
    assert birthday.years_at(date(2026, 3, 14)) == 36


def test_in_year_keeps_every_other_day() -> None:
    assert in_year(2, 28, 2026) == date(2026, 2, 28)
    assert in_year(2, 29, 2028) == date(2028, 2, 29)
    assert in_year(3, 29, 2026) == date(2026, 3, 29)
    assert in_year(12, 31, 2026) == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon", "2026-12-07"),
        ("monday", "2026-12-07"),
        ("wed", "2026-12-02"),
        ("Sun", "2026-12-06"),
        ("TODAY", "2026-11-30"),
        (" tomorrow ", "2026-12-01"),
    ],
)
def test_day_ahead_names_from_a_monday(text: str, expected: str) -> None:
    assert day_ahead(text, date(2026, 11, 30)) == date.fromisoformat(expected)


@pytest.mark.parametrize("text", ["mondays", "monda", "tu", "sundayx", "3x"])
def test_day_ahead_refuses_partial_and_long_names(text: str) -> None:
    assert day_ahead(text, date(2026, 11, 30)) is None
