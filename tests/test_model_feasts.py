"""Occasion dates (issue 14): fixed days, Easter and days from it, the Sundays of Advent, dates
per year; in netzmd.toml with errors naming the line; on the agenda on their real day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netzmd.config import Config, parse_config
from netzmd.errors import ConfigError
from netzmd.model.agenda import Occasion, build_agenda, sources_of, to_data
from netzmd.model.dates import PartialDate
from netzmd.model.feasts import ADVENT, EASTER, FIXED, LISTED, FeastDate, advent, easter
from netzmd.notes.note import parse_note

EASTERS = {
    2024: date(2024, 3, 31),
    2025: date(2025, 4, 20),
    2026: date(2026, 4, 5),
    2027: date(2027, 3, 28),
    2028: date(2028, 4, 16),
    2029: date(2029, 4, 1),
    2030: date(2030, 4, 21),
}
FIRST_ADVENTS = {
    2024: date(2024, 12, 1),
    2025: date(2025, 11, 30),
    2026: date(2026, 11, 29),
    2027: date(2027, 11, 28),
    2028: date(2028, 12, 3),  # Christmas Eve is a Sunday: the fourth Advent
    2029: date(2029, 12, 2),
    2030: date(2030, 12, 1),
}


def feast(value: object) -> FeastDate:
    found = FeastDate.parse(value)
    assert isinstance(found, FeastDate), found
    return found


@pytest.mark.parametrize(("year", "sunday"), sorted(EASTERS.items()))
def test_easter_2024_to_2030(year: int, sunday: date) -> None:
    assert easter(year) == sunday
    assert feast("easter").in_year(year) == sunday
    assert feast("easter-2").in_year(year) == sunday - timedelta(days=2)  # Good Friday
    assert feast("easter+1").in_year(year) == sunday + timedelta(days=1)  # Easter Monday
    assert feast("easter+49").in_year(year) == sunday + timedelta(days=49)  # Pentecost


def test_pentecost_and_good_friday_2026() -> None:
    assert feast("easter+49").in_year(2026) == date(2026, 5, 24)
    assert feast("Easter - 2").in_year(2026) == date(2026, 4, 3)
    assert feast("easter+39").in_year(2027) == date(2027, 5, 6)  # Ascension


@pytest.mark.parametrize(("year", "first"), sorted(FIRST_ADVENTS.items()))
def test_advent_sundays(year: int, first: date) -> None:
    assert feast("advent1").in_year(year) == first
    assert advent(year, 1) == first
    for n in range(1, 5):
        day = feast(f"advent{n}").in_year(year)
        assert day == first + timedelta(weeks=n - 1)
        assert day is not None and day.weekday() == 6
    fourth = advent(year, 4)
    assert date(year, 12, 18) <= fourth <= date(year, 12, 24)


def test_next_occurrence_rolls_over_after_the_day() -> None:
    pentecost = feast("easter+49")
    assert pentecost.next_on_or_after(date(2026, 5, 24)) == date(2026, 5, 24)  # the day itself
    assert pentecost.next_on_or_after(date(2026, 5, 25)) == date(2027, 5, 16)
    first = feast("advent1")
    assert first.next_on_or_after(date(2026, 11, 30)) == date(2027, 11, 28)
    assert first.next_on_or_after(date(2026, 1, 1)) == date(2026, 11, 29)


def test_dates_per_year() -> None:
    diwali = feast(["2027-10-29", "2026-11-08", date(2028, 10, 17)])
    assert diwali.kind == LISTED
    assert diwali.dates == (date(2026, 11, 8), date(2027, 10, 29), date(2028, 10, 17))
    assert diwali.in_year(2027) == date(2027, 10, 29)
    assert diwali.in_year(2029) is None  # no date for that year
    assert diwali.in_year(2025) is None
    assert diwali.next_on_or_after(date(2026, 11, 8)) == date(2026, 11, 8)
    assert diwali.next_on_or_after(date(2026, 11, 9)) == date(2027, 10, 29)
    assert diwali.next_on_or_after(date(2028, 10, 18)) is None  # every date is past
    assert feast(["2026-11-08", "2026-11-08"]).dates == (date(2026, 11, 8),)  # the same twice


def test_fixed_days() -> None:
    eve = feast("12-24")
    assert (eve.kind, eve.month, eve.day) == (FIXED, 12, 24)
    assert eve.in_year(2026) == date(2026, 12, 24)
    leap = feast("--02-29")
    assert leap.in_year(2027) == date(2027, 2, 28)
    assert leap.in_year(2028) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("easter+300", "from -80 to +250"),
        ("easter-81", "from -80 to +250"),
        ("advent5", "is not a date"),
        ("advent", "is not a date"),
        ("13-01", "is not a date"),
        ("02-30", "is not a date"),
        ("christmas", "is not a date"),
        ("", "is not a date"),
        ("2026-12-24", "needs the list form"),
        (date(2026, 12, 24), "needs the list form"),
        ([], "the list of dates is empty"),
        (["2026-11-08", "2026-11-09"], "two dates in 2026"),
        (["2026-11-08", "soon"], "'soon' in the list is not a date"),
        (["2026-02-30"], "is not a date"),
        ([20261108], "is not a date"),
        (42, 'date must be "MM-DD"'),
        (None, 'date must be "MM-DD"'),
    ],
)
def test_bad_dates_say_what_is_wrong(value: object, says: str) -> None:
    found = FeastDate.parse(value)
    assert isinstance(found, str)
    assert says in found


@given(st.integers(-80, 250), st.integers(1900, 2200))
def test_easter_offsets_stay_in_easters_year(offset: int, year: int) -> None:
    rule = feast(f"easter{offset:+d}")
    day = rule.in_year(year)
    assert day is not None and day.year == year
    assert rule.text() == ("easter" if offset == 0 else f"easter{offset:+d}")
    assert feast(rule.text()) == rule


@given(
    st.one_of(
        st.builds(lambda m, d: f"{m:02d}-{d:02d}", st.integers(1, 12), st.integers(1, 28)),
        st.builds(lambda n: f"easter{n:+d}", st.integers(-80, 250)),
        st.builds(lambda n: f"advent{n}", st.integers(1, 4)),
    ),
    st.dates(date(1900, 1, 1), date(2200, 12, 31)),
)
def test_next_occurrence_is_the_first_on_or_after(text: str, start: date) -> None:
    rule = feast(text)
    found = rule.next_on_or_after(start)
    assert found is not None and found >= start
    assert found in (rule.in_year(start.year), rule.in_year(start.year + 1))
    this_year = rule.in_year(start.year)
    assert this_year is not None
    if this_year >= start:
        assert found == this_year
    if rule.kind == FIXED:
        assert found == PartialDate(None, rule.month, rule.day).next_on_or_after(start)


@given(st.lists(st.dates(date(2000, 1, 1), date(2100, 12, 31)), min_size=1, max_size=8))
def test_a_list_of_dates_round_trips(days: list[date]) -> None:
    one_a_year = {d.year: d for d in days}
    rule = feast([d.isoformat() for d in one_a_year.values()])
    assert rule.dates == tuple(sorted(one_a_year.values()))
    assert feast([d.isoformat() for d in rule.dates]) == rule
    for d in rule.dates:
        assert rule.in_year(d.year) == d
        assert rule.next_on_or_after(d) == d


@given(st.text(max_size=30))
def test_parse_never_fails_on_text(text: str) -> None:
    found = FeastDate.parse(text)
    assert isinstance(found, str) or found.kind in (FIXED, EASTER, ADVENT)


# --- netzmd.toml --------------------------------------------------------------------------------

MOVABLE = """\
lang = "de"

[[occasions]]
name = "Christmas"
date = "12-24"

[[occasions]]
name = "Easter"
date = "easter"
lead_days = 14
tags = ["easter"]

[[occasions]]
name = "Pentecost"
date = "easter+49"
circles = ["career"]

[[occasions]]
name = "First Advent"
date = "advent1"

[[occasions]]
name = "Diwali"
date = ["2026-11-08", "2027-10-29"]
lead_days = 10
tags = ["diwali"]
"""


def test_config_reads_movable_dates() -> None:
    config = parse_config(MOVABLE)
    assert config.lang == "de"
    by_name = {o.name: o for o in config.occasions}
    assert by_name["Christmas"] == Occasion("Christmas", 12, 24)  # a fixed day, as before
    assert by_name["Christmas"].when is None
    assert by_name["Easter"].on(2027) == date(2027, 3, 28)
    assert by_name["Easter"].date_text() == "easter"
    assert by_name["Pentecost"].on(2026) == date(2026, 5, 24)
    assert by_name["Pentecost"].date_text() == "easter+49"
    assert by_name["First Advent"].on(2026) == date(2026, 11, 29)
    assert by_name["Diwali"].on(2026) == date(2026, 11, 8)
    assert by_name["Diwali"].on(2028) is None
    assert by_name["Diwali"].date_text() == "[2026-11-08, 2027-10-29]"


@pytest.mark.parametrize(
    ("date_line", "says"),
    [
        ('date = "easter+251"', "occasion 'Second': 'easter+251': days from Easter must be"),
        ('date = "advent0"', "occasion 'Second': 'advent0' is not a date"),
        ("date = 2026-11-08", "a single full date (2026-11-08) needs the list form"),
        ('date = ["2026-11-08", "2026-11-31"]', "'2026-11-31' in the list is not a date"),
        ("date = []", "the list of dates is empty"),
    ],
)
def test_a_bad_date_is_an_error_on_its_line(date_line: str, says: str) -> None:
    text = (
        '[[occasions]]\nname = "First"\ndate = "12-24"\n\n'
        f'[[occasions]]\nname = "Second"\n{date_line}\nlead_days = 3\n'
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert caught.value.path == "netzmd.toml"
    assert caught.value.line == 7  # the second occasion's date, not the first one's
    assert says in caught.value.detail


def test_an_occasion_without_a_date_names_its_table() -> None:
    text = '[[occasions]]\nname = "First"\ndate = "12-24"\n\n[[occasions]]\nname = "Second"\n'
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert caught.value.line == 5  # its [[occasions]] header
    assert 'date must be "MM-DD"' in caught.value.detail


@pytest.mark.parametrize("value", ['"german"', '"d"', "1", '["de"]'])
def test_lang_must_be_a_language_code(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(f'region = "DE"\nlang = {value}\n')
    assert caught.value.line == 2
    assert "lang must be a language's two letters" in caught.value.detail


def test_lang_defaults_to_english() -> None:
    assert Config().lang == "en"
    assert parse_config('lang = " DE "\n').lang == "de"


# --- on the agenda ------------------------------------------------------------------------------


def greetings(config: Config, today: str, days: int = 14) -> list[tuple[str, str]]:
    parsed = [
        parse_note("contacts/Jane Doe.md", b"---\ncircle: career\ntags: [easter, diwali]\n---\n"),
        parse_note("contacts/Max.md", b"---\ncircle: competence\n---\n"),
    ]
    contacts = [p.contact for p in parsed if p.contact is not None]
    agenda = build_agenda(sources_of(contacts), config, date.fromisoformat(today), days)
    return [(g["occasion"], g["date"]) for g in to_data(agenda, [])["greetings"]]


def test_the_agenda_uses_each_years_real_day() -> None:
    config = parse_config(MOVABLE)
    assert greetings(config, "2026-03-20") == [("Easter", "2026-04-05")]  # 14 + 14 lead days
    assert greetings(config, "2027-03-01") == [("Easter", "2027-03-28")]
    assert greetings(config, "2026-04-06") == []  # the day after Easter: next is 2027
    assert greetings(config, "2026-05-10") == [("Pentecost", "2026-05-24")]
    assert greetings(config, "2027-05-02") == [("Pentecost", "2027-05-16")]
    assert ("First Advent", "2026-11-29") in greetings(config, "2026-11-20")
    assert ("First Advent", "2027-11-28") in greetings(config, "2027-11-20")
    assert ("Diwali", "2026-11-08") in greetings(config, "2026-10-20")
    assert ("Diwali", "2027-10-29") in greetings(config, "2027-10-10")


def test_a_list_without_this_years_date_shows_the_next_one_or_none() -> None:
    config = parse_config(
        '[[occasions]]\nname = "Diwali"\ndate = ["2026-11-08", "2028-10-17"]\n'
        'lead_days = 10\ntags = ["diwali"]\n'
    )
    assert greetings(config, "2026-11-01") == [("Diwali", "2026-11-08")]
    assert greetings(config, "2027-10-20") == []  # no date in 2027
    assert greetings(config, "2028-10-01") == [("Diwali", "2028-10-17")]
    assert greetings(config, "2028-10-01", days=3650) == [("Diwali", "2028-10-17")]
    assert greetings(config, "2028-10-18", days=3650) == []  # no dates left at all
