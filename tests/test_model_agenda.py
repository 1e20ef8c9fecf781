"""The agenda rules as pure functions with a fixed today."""

from __future__ import annotations

import os
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeVault, Run, json_of, write_notes
from hypothesis import given, settings
from hypothesis import strategies as st

from netzmd.config import Config, Occasion, load_config, parse_config
from netzmd.model.agenda import Event, _cut_off, build_agenda, event_days, sources_of, to_data
from netzmd.model.contact import Contact, Problem, core_json, status
from netzmd.model.dates import Cadence, add_months
from netzmd.notes.note import parse_note
from netzmd.present.agenda_json import agenda_lines
from netzmd.present.text import dumps_lines
from netzmd.store.index import Index
from netzmd.vault import Vault


def core(text: str, name: str = "Jane Doe") -> Contact:
    parsed = parse_note(f"contacts/{name}.md", text.encode())
    assert parsed.contact is not None, parsed.problems
    return parsed.contact


def agenda(contacts: list[Contact], today: str, days: int = 14, **kw: Any) -> dict[str, Any]:
    """The agenda's documented JSON; on the way, checks that the fast JSON writer
    (``present.agenda_json.agenda_lines``) gives exactly what the general one makes of it."""
    config = kw.pop("config", Config(occasions=()))
    report = build_agenda(sources_of(contacts), config, date.fromisoformat(today), days, **kw)
    news = [{"id": "x", "name": 'Zoë "Z"', "field": "company", "old": "A", "new": "B"}]
    data = to_data(report, news)
    assert agenda_lines(report, news) == dumps_lines(data)
    return data


def names(items: list[dict[str, Any]]) -> list[str]:
    return [i["name"] for i in items]


# --- window -------------------------------------------------------------------------------------


def test_window_includes_both_ends() -> None:
    c = core("---\nbirthday: --12-11\ndates:\n  start: 2020-11-27\n---\n")
    result = agenda([c], "2026-11-27", 14)
    assert result["today"] == "2026-11-27"
    assert result["until"] == "2026-12-11"
    assert [(d["label"], d["date"], d["in_days"]) for d in result["dates"]] == [
        ("start", "2026-11-27", 0),
        ("birthday", "2026-12-11", 14),
    ]
    assert agenda([c], "2026-11-27", 13)["dates"][-1]["label"] == "start"


def test_dates_across_new_year() -> None:
    c = core("---\nbirthday: 1990-01-03\ndates:\n  wedding: --12-30\n---\n")
    result = agenda([c], "2026-12-28", 14)
    assert [(d["label"], d["date"], d["years"], d["in_days"]) for d in result["dates"]] == [
        ("wedding", "2026-12-30", None, 2),
        ("birthday", "2027-01-03", 37, 6),
    ]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2027-02-20", "2027-02-28"),  # not a leap year: 28 February
        ("2028-02-20", "2028-02-29"),  # leap year: the day itself
    ],
)
def test_29_february(today: str, expected: str) -> None:
    c = core("---\nbirthday: 1992-02-29\n---\n")
    (item,) = agenda([c], today)["dates"]
    assert item["date"] == expected
    assert item["years"] == int(expected[:4]) - 1992


def test_birthday_without_year_has_no_age() -> None:
    for written in ("--06-02", "06-02"):
        (item,) = agenda([core(f"---\nbirthday: {written}\n---\n")], "2026-06-01")["dates"]
        assert item == {
            "id": "Jane Doe",
            "name": "Jane Doe",
            "label": "birthday",
            "date": "2026-06-02",
            "in_days": 1,
            "years": None,
            "path": "contacts/Jane Doe.md",
        }


def test_past_occurrence_this_year_is_not_listed() -> None:
    assert agenda([core("---\nbirthday: --11-26\n---\n")], "2026-11-27")["dates"] == []


# --- keep in touch ------------------------------------------------------------------------------


def test_month_cadence_from_31_january() -> None:
    c = core("---\ncadence: 1m\nlast_contact: 2026-01-31\n---\n")
    (item,) = agenda([c], "2026-02-20")["keep_in_touch"]
    assert item["due"] == "2026-02-28"
    assert item["in_days"] == 8
    assert item["last_contact"] == "2026-01-31"
    assert item["cadence"] == "1m"
    (leap,) = agenda([core("---\ncadence: 1m\nlast_contact: 2024-01-31\n---\n")], "2024-02-20")[
        "keep_in_touch"
    ]
    assert leap["due"] == "2024-02-29"


def test_no_contact_logged_is_due_today() -> None:
    (item,) = agenda([core("---\ncadence: 6w\n---\n")], "2026-11-27")["keep_in_touch"]
    assert item["due"] == "2026-11-27"
    assert item["in_days"] == 0
    assert item["last_contact"] is None
    assert item["reason"] == "no contact logged yet"


def test_backdated_interaction_restarts_the_clock() -> None:
    before = core("---\ncadence: 30d\nlast_contact: 2026-09-01\n---\n")
    assert agenda([before], "2026-11-27")["keep_in_touch"][0]["due"] == "2026-10-01"
    after = core(
        "---\ncadence: 30d\nlast_contact: 2026-09-01\n---\n- 2026-11-20 [call] backdated entry\n"
    )
    assert agenda([after], "2026-11-27")["keep_in_touch"] == []
    assert agenda([after], "2026-12-10", 14)["keep_in_touch"][0]["due"] == "2026-12-20"


def test_future_interaction_does_not_count() -> None:
    c = core("---\ncadence: 30d\n---\n- 2026-09-01 coffee\n- 2027-01-15 [lunch] planned\n")
    (item,) = agenda([c], "2026-11-27")["keep_in_touch"]
    assert item["last_contact"] == "2026-09-01"
    assert item["due"] == "2026-10-01"


def test_snooze_keeps_off_until_the_date() -> None:
    c = core("---\ncadence: 30d\nsnooze_until: 2026-12-15\n---\n- 2026-01-01 coffee\n")
    assert agenda([c], "2026-12-14")["keep_in_touch"] == []
    assert names(agenda([c], "2026-12-15")["keep_in_touch"]) == ["Jane Doe"]


def test_archived_is_never_on_the_agenda() -> None:
    c = core(
        "---\ncadence: 30d\narchived: true\nbirthday: --11-28\ncircle: competence\n---\n"
        "- [ ] call 📅 2026-11-01\n"
    )
    result = agenda([c], "2026-11-27", config=Config())
    assert result["follow_ups"] == result["keep_in_touch"] == result["dates"] == []
    assert result["greetings"] == []


def test_circle_default_cadence() -> None:
    config = parse_config('[cadence]\ncompetence = "3m"\n')
    c = core("---\ncircle: competence\n---\n- 2026-08-01 lunch\n")
    (item,) = agenda([c], "2026-11-27", config=config)["keep_in_touch"]
    assert (item["cadence"], item["due"]) == ("3m", "2026-11-01")
    own = core("---\ncircle: competence\ncadence: 1y\n---\n- 2026-08-01 lunch\n")
    assert agenda([own], "2026-11-27", config=config)["keep_in_touch"] == []
    no_circle = core("---\n---\n- 2026-08-01 lunch\n")
    assert agenda([no_circle], "2026-11-27", config=config)["keep_in_touch"] == []


def test_order_by_lateness_relative_to_cadence() -> None:
    month = core("---\ncadence: 30d\n---\n- 2026-09-28 call\n", "Month")  # due 10-28: 30 late
    year = core("---\ncadence: 1y\n---\n- 2025-10-08 call\n", "Year")  # due 2026-10-08: 50 late
    week = core("---\ncadence: 1w\n---\n- 2026-11-18 call\n", "Week")  # due 11-25: 2 late
    upcoming = core("---\ncadence: 30d\n---\n- 2026-11-01 call\n", "Upcoming")  # due in 4
    result = agenda([year, upcoming, week, month], "2026-11-27")
    assert names(result["keep_in_touch"]) == ["Month", "Week", "Year", "Upcoming"]


def test_ten_days_late_on_30_days_beats_twenty_days_late_on_a_year() -> None:
    short = core("---\ncadence: 30d\n---\n- 2026-10-18 call\n", "Short")  # due 11-17: 10 late
    long = core("---\ncadence: 1y\n---\n- 2025-11-07 call\n", "Long")  # due 11-07: 20 late
    assert names(agenda([long, short], "2026-11-27")["keep_in_touch"]) == ["Short", "Long"]


# --- follow-ups ---------------------------------------------------------------------------------


def test_follow_ups_overdue_first_then_by_date() -> None:
    c = core(
        "---\n---\n- [ ] b 📅 2026-12-05\n- [ ] a 📅 2026-11-01\n- [x] done 📅 2026-11-02\n"
        "- [ ] late 📅 2026-12-12\n- [ ] no date\n"
    )
    d = core("---\n---\n- [ ] c 📅 2026-11-27\n", "Bob")
    items = agenda([c, d], "2026-11-27")["follow_ups"]
    assert [(i["text"], i["due"], i["in_days"]) for i in items] == [
        ("a", "2026-11-01", -26),
        ("c", "2026-11-27", 0),
        ("b", "2026-12-05", 8),
    ]
    assert items[0]["line"] == 4 and items[0]["id"] == "Jane Doe"


# --- greetings ----------------------------------------------------------------------------------

XMAS = Occasion("Christmas", 12, 24, 21, ("competence",), ())


def test_occasion_lead_time() -> None:
    c = core("---\ncircle: competence\n---\n")
    config = Config(occasions=(XMAS,))
    # until = 12-02; 12-02 + 21 = 12-23: one day short
    assert agenda([c], "2026-11-18", config=config)["greetings"] == []
    (item,) = agenda([c], "2026-11-19", config=config)["greetings"]  # until + 21 = 12-24
    assert item == {
        "occasion": "Christmas",
        "date": "2026-12-24",
        "in_days": 35,
        "lead_days": 21,
        "contacts": [{"id": "Jane Doe", "name": "Jane Doe"}],
        "campaign": None,
    }


def test_occasion_on_its_day_and_after() -> None:
    c = core("---\ncircle: competence\n---\n")
    config = Config(occasions=(XMAS,))
    assert agenda([c], "2026-12-24", config=config)["greetings"][0]["in_days"] == 0
    assert agenda([c], "2026-12-25", config=config)["greetings"] == []


def test_occasion_circles_and_tags_and_default() -> None:
    a = core("---\ncircle: competence\n---\n", "Anna")
    b = core("---\ncircle: career\ntags: [nordics]\n---\n", "Björn")
    c = core("---\ncircle: publication\n---\n", "Carl")
    tagged = Occasion("Midsummer", 6, 24, 14, (), ("nordics",))
    default = Occasion("Thanks", 6, 24, 14, (), ())
    both = Occasion("Both", 6, 24, 14, ("publication",), ("nordics",))
    config = Config(occasions=(tagged, default, both))
    greetings = agenda([c, b, a], "2026-06-20", config=config)["greetings"]
    assert {g["occasion"]: names(g["contacts"]) for g in greetings} == {
        "Midsummer": ["Björn"],
        "Thanks": ["Anna"],
        "Both": ["Björn", "Carl"],
    }


def test_default_config_has_christmas_for_competence() -> None:
    c = core("---\ncircle: competence\n---\n")
    (item,) = agenda([c], "2026-12-01", config=Config())["greetings"]
    assert item["occasion"] == "Christmas"


# --- filters ------------------------------------------------------------------------------------


def test_circle_and_tag_filters_apply_to_every_section() -> None:
    a = core("---\ncircle: competence\ntags: [python]\nbirthday: --12-01\n---\n", "Anna")
    b = core("---\ncircle: career\nbirthday: --12-01\n---\n", "Bert")
    assert names(agenda([a, b], "2026-11-27", circle="career")["dates"]) == ["Bert"]
    assert names(agenda([a, b], "2026-11-27", tags=("python",))["dates"]) == ["Anna"]
    assert agenda([a, b], "2026-11-27", tags=("python", "go"))["dates"] == []


# --- properties: the quick paths agree with the plain rules -----------------------------------

_CADENCES = ("3d", "2w", "30d", "1m", "3m", "6m", "1y", "2y", "quarterly", "every week")
_DAY = st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 12, 31)) | st.builds(
    # the ends of months, where calendar months clamp the day
    lambda year, month, back: add_months(date(year, month, 1), 1) - timedelta(days=back),
    st.integers(2023, 2027),
    st.integers(1, 12),
    st.integers(1, 4),
)


@st.composite
def _note(draw: st.DrawFn) -> str:
    front = [f"circle: {draw(st.sampled_from(['competence', 'career', 'publication']))}"]
    if draw(st.booleans()):
        front.append(f"cadence: {draw(st.sampled_from(_CADENCES))}")
    if draw(st.booleans()):
        front.append(f"last_contact: {draw(_DAY)}")
    if draw(st.integers(0, 4)) == 0:
        front.append(f"snooze_until: {draw(_DAY)}")
    if draw(st.booleans()):
        front.append(f"birthday: {draw(st.sampled_from(['--', '1980-']))}{draw(_DAY):%m-%d}")
    body = [f"- {d} [call] talked" for d in draw(st.lists(_DAY, max_size=4))]
    body += [f"- [ ] ask 📅 {d}" for d in draw(st.lists(_DAY, max_size=2))]
    return "---\n" + "\n".join(front) + "\n---\n" + "\n".join(body) + "\n"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_note(), min_size=1, max_size=8),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
    st.integers(0, 120),
)
def test_keep_in_touch_is_exactly_who_the_plain_rule_finds(
    texts: list[str], today: date, days: int
) -> None:
    """Whatever skips work (the per-cadence cut-off day, the shared reasons) never changes who
    is due: each contact is checked against ``model.status``, the rule spelled out plainly."""
    contacts = [core(text, f"P{i}") for i, text in enumerate(texts)]
    config = parse_config('[cadence]\ncompetence = "3m"\npublication = "1y"\n')
    data = agenda(contacts, today.isoformat(), days, config=config)
    until = today + timedelta(days=days)
    expected = {}
    for c in contacts:
        s = status(core_json(c), today, config.cadence)
        if s.next_due is None or s.next_due > until:
            continue
        if c.snooze_until is not None and today < c.snooze_until:
            continue
        expected[c.name] = (s.next_due.isoformat(), (s.next_due - today).days)
    got = {i["name"]: (i["due"], i["in_days"]) for i in data["keep_in_touch"]}
    assert got == expected


def test_cut_off_day_never_drops_a_contact_that_is_due() -> None:
    """No last contact after the cut-off day can be due by *until* (checked for every *until*
    over four years, leap days included); ``add_to`` only grows, so one day after suffices."""
    for text in _CADENCES[:-1]:
        cadence = Cadence.parse(text)
        assert cadence is not None
        for offset in range(4 * 366):
            until = date(2023, 1, 1) + timedelta(days=offset)
            cut_off = _cut_off(cadence, until)
            after = date.fromisoformat(cut_off) + timedelta(days=1)
            assert cadence.add_to(after) > until, (text, until)


def test_index_sources_give_the_agenda_of_the_notes(make_vault: MakeVault) -> None:
    """The agenda over the index's sources, whole or limited to what the window can show, is
    the agenda over the parsed notes: on days before, between and after planned (future)
    interactions, with archived notes and labelled dates."""
    notes = {
        "contacts/Ann.md": "---\ncircle: competence\n---\n- 2026-12-20 [lunch] planned\n"
        "- 2026-08-01 [call] x\n- 2026-05-01 [call] y\n",
        "contacts/Bo.md": "---\ncadence: 30d\nlast_contact: 2026-11-01\n---\n"
        "- 2027-01-05 [call] z\n- [ ] write 📅 2026-12-01\n- [ ] later 📅 2027-06-01\n",
        "contacts/Cy.md": "---\ncadence: 1m\narchived: true\nbirthday: --12-01\n---\n"
        "- [ ] gone 📅 2026-12-01\n",
        "contacts/Di.md": "---\ncircle: career\ntags: [python]\nbirthday: 1990-12-02\n"
        "dates:\n  joined: 2019-11-30\n  left: 2021-03-01\n---\n",
    }
    root = make_vault(notes, '[cadence]\ncompetence = "3m"\n')
    config = load_config(root)
    contacts = []
    for path, text in sorted(notes.items()):
        parsed = parse_note(path, text.encode())
        assert parsed.contact is not None
        contacts.append(parsed.contact)
    with Index(Vault(root)) as index:
        index.refresh()
        full = index.agenda_sources()
        for day in ("2026-11-27", "2026-12-25", "2027-02-01"):
            today = date.fromisoformat(day)
            expected = to_data(build_agenda(sources_of(contacts), config, today, 20), [])
            window = index.agenda_sources(
                tasks_until=(today + timedelta(days=20)).isoformat(),
                event_days=event_days(today, 20),
            )
            assert to_data(build_agenda(window, config, today, 20), []) == expected, day
            assert to_data(build_agenda(full, config, today, 20), []) == expected, day
            assert len(window.tasks) < len(full.tasks)
    assert sorted(full.people) == sorted(sources_of(contacts).people)


def test_json_writer_escapes_like_the_general_one() -> None:
    """Quotes, backslashes, non-ASCII and look-alikes of the item boundary in names, tasks and
    labels come out of ``agenda_lines`` as ``json`` writes them (checked inside ``agenda``)."""
    odd = 'Zoë "Z" \\ }, {"id": 1'
    c = core(
        "---\ncircle: competence\ncadence: 30d\nbirthday: --11-28\n"
        'dates:\n  "first \\"day\\"": 2020-11-29\n---\n'
        '- [ ] send "the" \\ slides }, {"id": 📅 2026-11-20\n',
        odd,
    )
    config = parse_config('[[occasions]]\nname = "Advent \\"1\\""\ndate = "11-29"\n')
    data = agenda([c], "2026-11-27", config=config)
    assert [len(data[k]) for k in ("follow_ups", "keep_in_touch", "dates", "greetings")] == [
        1,
        1,
        2,
        1,
    ]
    assert data["keep_in_touch"][0]["path"] == f"contacts/{odd}.md"


# --- problems: a broken note does not vanish (issue 10, item 3) --------------------------------

GOLDEN = Path(__file__).parent / "golden"
FIXTURE = Path(__file__).parent / "fixtures" / "agenda-vault"


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("NETZMD_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} differs; rerun with NETZMD_UPDATE_GOLDEN=1 to accept the new output"
    )


def test_problems_are_written_like_the_general_json() -> None:
    c = core("---\ncircle: competence\ncadence: 30d\n---\n")
    report = build_agenda(sources_of([c]), Config(occasions=()), date(2026, 11, 27), 14)
    report.problems = [
        Problem('contacts/Zoë "Z".md', 4, "error", 'invalid YAML: "x" \\ }, {"path": 1'),
        Problem("netzmd.toml", 9, "warning", "auto_commit is a key of [[occasions]] number 1"),
    ]
    data = to_data(report, [])
    assert data["problems"] == [p.to_json() for p in report.problems]
    assert agenda_lines(report, []) == dumps_lines(data)
    report.problems = []
    assert to_data(report, [])["problems"] == []
    assert agenda_lines(report, []) == dumps_lines(to_data(report, []))


@pytest.fixture
def broken_vault(tmp_path: Path, run: Run) -> Path:
    """The agenda fixture, indexed, then: Jane's note broken (a last good version is kept), a
    note broken from the start (none is), and a note with a bad field (a warning)."""
    root = tmp_path / "vault"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns(".netzmd"))
    assert run(root, "agenda", "--today", TODAY).exit_code == 0  # the good versions
    jane = root / "contacts" / "Jane Doe.md"
    jane.write_text(jane.read_text("utf-8").replace("tags: [card]", "tags: [card"), "utf-8")
    write_notes(
        root,
        {
            "contacts/Fresh.md": "---\nname: Fresh\nname: Again\n---\n",
            "contacts/Wanda Warn.md": "---\ncircle: career\nbirthday: sometime in May\n---\n",
        },
    )
    return root


TODAY = "2026-11-27"


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("text", "agenda-problems.txt"),
        ("md", "agenda-problems.md"),
        ("json", "agenda-problems.json"),
    ],
)
def test_broken_note_stays_on_the_agenda_with_a_problems_section(
    run: Run, broken_vault: Path, fmt: str, name: str
) -> None:
    result = run(broken_vault, "agenda", "--today", TODAY, "--format", fmt)
    assert result.exit_code == 0, result.output
    golden(name, result.stdout)
    assert result.stderr == (
        "contacts/Fresh.md:3: error: duplicate key 'name' on lines 2 and 3 "
        "(left out: it never read without errors)\n"
        "contacts/Jane Doe.md:6: error: invalid YAML: did not find expected ',' or ']' "
        "(parsing a flow sequence from line 5) (using its last good version)\n"
    )


def test_broken_note_keeps_its_items_on_the_agenda(run: Run, broken_vault: Path) -> None:
    data = json_of(run(broken_vault, "agenda", "--today", TODAY, "--format", "json"))
    assert [(f["name"], f["text"]) for f in data["follow_ups"]] == [
        ("Jane Doe", "old promise"),
        ("Jane Doe", "send the CFP link"),
    ]
    assert "Jane Doe" in names(data["keep_in_touch"])
    assert ("Jane Doe", "birthday") in [(d["name"], d["label"]) for d in data["dates"]]
    assert [(p["path"], p["line"], p["severity"]) for p in data["problems"]] == [
        ("contacts/Fresh.md", 3, "error"),
        ("contacts/Jane Doe.md", 6, "error"),
        ("contacts/Wanda Warn.md", 3, "warning"),
    ]
    assert all(list(p) == ["path", "line", "severity", "message"] for p in data["problems"])


def test_agenda_note_written_with_output_shows_the_problems(run: Run, broken_vault: Path) -> None:
    target = broken_vault / "Agenda.md"
    result = run(broken_vault, "agenda", "--today", TODAY, "--output", str(target))
    assert result.exit_code == 0, result.output
    assert f"wrote {target}" in result.stderr
    assert "(using its last good version)" in result.stderr
    text = target.read_text(encoding="utf-8")
    assert "- **2026-12-05** [[Jane Doe]]: send the CFP link (in 8 days)" in text
    assert "## Problems\n\n- `contacts/Fresh.md:3` error: duplicate key" in text
    # fixed: the note as it is now, and no Problems section
    jane = broken_vault / "contacts" / "Jane Doe.md"
    jane.write_text(
        jane.read_text("utf-8")
        .replace("tags: [card", "tags: [card]")
        .replace("CFP", "call for papers"),
        "utf-8",
    )
    (broken_vault / "contacts" / "Fresh.md").unlink()
    (broken_vault / "contacts" / "Wanda Warn.md").unlink()
    result = run(broken_vault, "agenda", "--today", TODAY, "--output", str(target))
    assert result.stderr == f"wrote {target}\n"
    text = target.read_text(encoding="utf-8")
    assert "send the call for papers link" in text
    assert "Problems" not in text


def test_problems_section_is_absent_without_problems_and_json_key_is_empty(
    run: Run, tmp_path: Path
) -> None:
    root = tmp_path / "vault"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns(".netzmd"))
    assert json_of(run(root, "agenda", "--today", TODAY, "--format", "json"))["problems"] == []
    for fmt in ("text", "md"):
        result = run(root, "agenda", "--today", TODAY, "--format", fmt)
        assert "Problems" not in result.stdout
        assert result.stderr == ""


def test_many_problems_are_cut_short_in_text_and_md_but_not_in_json(
    run: Run, make_vault: MakeVault
) -> None:
    root = make_vault({f"contacts/N{n:02}.md": "---\nname: [x\n---\n" for n in range(25)})
    data = json_of(run(root, "agenda", "--today", TODAY, "--format", "json"))
    assert len(data["problems"]) == 25
    text = run(root, "agenda", "--today", TODAY).stdout
    assert "Problems (25)\n" in text
    assert "contacts/N19.md:3: error" in text and "contacts/N20.md" not in text
    assert "  … and 5 more\n" in text
    md = run(root, "agenda", "--today", TODAY, "--format", "md").stdout
    assert "- … and 5 more\n" in md and "contacts/N20.md" not in md
    stderr = run(root, "agenda", "--today", TODAY).stderr.splitlines()
    assert len(stderr) == 11
    assert stderr[-1] == (
        "… and 15 more notes that cannot be read; run 'netzmd check' to see every problem"
    )


# --- edges a mutation run found unpinned ---------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "shown"),
    [
        ("2027-02-28", "2027-02-28"),  # a common year: the 29th is kept on the 28th
        ("2027-02-27", None),  # the day before: not yet
        ("2028-02-28", None),  # a leap year: the 28th is not the 29th
        ("2028-02-29", "2028-02-29"),
    ],
)
def test_29_february_birthday_on_one_day_windows_through_the_index(
    make_vault: MakeVault, run: Run, today: str, shown: str | None
) -> None:
    """The index gives only the dates whose month-day key the window can show; 29 February's
    key (229) must be asked for on 28 February of a common year."""
    root = make_vault({"contacts/Leap.md": "---\nbirthday: 1992-02-29\n---\n"})
    data = json_of(run(root, "agenda", "--format", "json", "--today", today, "--days", "0"))
    assert [d["date"] for d in data["dates"]] == ([shown] if shown else [])
    if shown:
        assert data["dates"][0]["years"] == int(shown[:4]) - 1992


def test_event_days_keys() -> None:
    assert event_days(date(2027, 2, 28), 0) == [228, 229]
    assert event_days(date(2028, 2, 28), 0) == [228]
    assert event_days(date(2028, 2, 28), 1) == [228, 229]
    assert event_days(date(2026, 12, 31), 1) == [101, 1231]
    assert event_days(date(2026, 11, 27), 2) == [1127, 1128, 1129]
    assert event_days(date(2026, 11, 27), 365) is None
    year = event_days(date(2027, 3, 1), 364)
    assert year is not None and len(year) == 365 and 229 not in year  # until 2028-02-28
    leap = event_days(date(2027, 3, 2), 364)
    assert leap is not None and len(leap) == 365 and 229 in leap and 301 not in leap


@pytest.mark.parametrize("last", ["2026-01-29", "2026-01-30", "2026-01-31"])
def test_month_cadence_inside_the_cut_off_slack_is_not_yet_due(last: str) -> None:
    """29, 30 and 31 January + 1 month are all 28 February: with the window ending on the 27th
    they pass the cut-off day (which errs late by three days) and are still not due."""
    c = core(f"---\ncadence: 1m\nlast_contact: {last}\n---\n")
    assert agenda([c], "2026-02-13", 14)["keep_in_touch"] == []  # until 02-27
    (item,) = agenda([c], "2026-02-14", 14)["keep_in_touch"]  # until 02-28
    assert (item["due"], item["in_days"], item["last_contact"]) == ("2026-02-28", 14, last)


def test_year_cadence_due_on_the_last_day_of_the_window() -> None:
    c = core("---\ncadence: 1y\nlast_contact: 2024-02-29\n---\n")
    assert agenda([c], "2025-02-13", 14)["keep_in_touch"] == []  # until 02-27
    (item,) = agenda([c], "2025-02-14", 14)["keep_in_touch"]  # until 02-28
    assert item["due"] == "2025-02-28"


def test_day_cadence_due_on_the_last_day_of_the_window() -> None:
    c = core("---\ncadence: 10d\nlast_contact: 2026-11-10\n---\n")  # due 11-20
    assert agenda([c], "2026-11-15", 4)["keep_in_touch"] == []  # until 11-19
    (item,) = agenda([c], "2026-11-16", 4)["keep_in_touch"]  # until 11-20
    assert (item["due"], item["in_days"]) == ("2026-11-20", 4)


def test_follow_up_due_on_the_last_day_of_the_window() -> None:
    c = core("---\n---\n- [ ] last 📅 2026-12-11\n- [ ] after 📅 2026-12-12\n")
    items = agenda([c], "2026-11-27", 14)["follow_ups"]
    assert [(i["text"], i["in_days"]) for i in items] == [("last", 14)]
    assert agenda([c], "2026-11-26", 14)["follow_ups"] == []


def test_equal_ranks_are_ordered_by_name_then_path() -> None:
    """Same cadence and last contact: the same rank; the folded name decides, then the path."""
    text = "---\ncadence: 30d\nlast_contact: 2026-10-01\n---\n- [ ] call 📅 2026-11-20\n"
    zoe = core(text, "Zoë")
    anna = core(text, "anna")
    bert = core(text, "Bert")
    result = agenda([zoe, bert, anna], "2026-11-27")
    assert names(result["keep_in_touch"]) == ["anna", "Bert", "Zoë"]
    assert names(result["follow_ups"]) == ["anna", "Bert", "Zoë"]
    assert names(agenda([anna, bert, zoe], "2026-11-27")["keep_in_touch"]) == [
        "anna",
        "Bert",
        "Zoë",
    ]
    twin = parse_note("work/anna.md", text.encode()).contact
    assert twin is not None
    both = agenda([twin, anna], "2026-11-27")
    assert [i["path"] for i in both["keep_in_touch"]] == ["contacts/anna.md", "work/anna.md"]
    assert [i["path"] for i in both["follow_ups"]] == ["contacts/anna.md", "work/anna.md"]


def test_follow_ups_of_one_day_and_one_person_in_line_order() -> None:
    c = core("---\n---\n- [ ] b 📅 2026-11-28\n- [ ] a 📅 2026-11-28\n")
    items = agenda([c], "2026-11-27")["follow_ups"]
    assert [(i["text"], i["line"]) for i in items] == [("b", 3), ("a", 4)]


def test_dates_of_one_day_by_name_then_label() -> None:
    a = core("---\nbirthday: --12-01\ndates:\n  anniversary: --12-01\n---\n", "Bob")
    b = core("---\nbirthday: --12-01\n---\n", "alice")
    items = agenda([a, b], "2026-11-27")["dates"]
    assert [(i["name"], i["label"]) for i in items] == [
        ("alice", "birthday"),
        ("Bob", "anniversary"),
        ("Bob", "birthday"),
    ]


def test_a_short_cadence_a_few_days_late_ranks_above_a_long_one_more_days_late() -> None:
    """Lateness is relative to the cadence: 3 days late on 1 day (3 cadences) beats 50 on 30
    days (1.67 cadences)."""
    daily = core("---\ncadence: 1d\nlast_contact: 2026-11-23\n---\n", "Daily")  # due 11-24
    monthly = core("---\ncadence: 30d\nlast_contact: 2026-09-08\n---\n", "Monthly")  # due 10-08
    result = agenda([monthly, daily], "2026-11-27")["keep_in_touch"]
    assert [(i["name"], i["in_days"]) for i in result] == [("Daily", -3), ("Monthly", -50)]


@pytest.mark.parametrize(
    ("last", "reason", "in_days"),
    [
        ("2026-11-27", "last contact today, cadence 7d", 7),
        ("2026-11-26", "last contact 1 day ago, cadence 7d", 6),
        ("2026-11-25", "last contact 2 days ago, cadence 7d", 5),
    ],
)
def test_keep_in_touch_reason(last: str, reason: str, in_days: int) -> None:
    c = core(f"---\ncadence: 7d\nlast_contact: {last}\n---\n")
    (item,) = agenda([c], "2026-11-27")["keep_in_touch"]
    assert item["reason"] == reason
    assert item["in_days"] == in_days


def test_the_default_window_is_fourteen_days() -> None:
    c = core("---\n---\n- [ ] a 📅 2026-12-11\n- [ ] b 📅 2026-12-12\n")
    report = build_agenda(sources_of([c]), Config(occasions=()), date(2026, 11, 27))
    assert report.until == date(2026, 12, 11)
    assert [f.task.text for f in report.follow_ups] == ["a"]


def test_done_and_undated_follow_ups_are_not_sources() -> None:
    c = core("---\n---\n- [x] done 📅 2026-11-28\n- [ ] undated\n- [ ] open 📅 2026-11-29\n")
    assert [t.text for t in sources_of([c]).tasks] == ["open"]
    b = core("---\nbirthday: --12-01\ndates:\n  joined: 2020-12-02\n---\n")
    events = sources_of([b]).events
    assert [(e.label, e.birthday, e.iso) for e in events] == [
        ("birthday", True, "--12-01"),
        ("joined", False, "2020-12-02"),
    ]


def test_filters_by_circle_and_tags_exactly() -> None:
    a = core("---\ncircle: competence\ntags: [Python, go]\nbirthday: --12-01\n---\n", "Anna")
    b = core("---\ncircle: career\ntags: [python]\nbirthday: --12-01\n---\n", "Bert")
    c = core("---\nbirthday: --12-01\n---\n", "Cleo")
    day = "2026-11-27"
    assert names(agenda([a, b, c], day)["dates"]) == ["Anna", "Bert", "Cleo"]
    assert names(agenda([a, b, c], day, circle="competence")["dates"]) == ["Anna"]
    assert names(agenda([a, b, c], day, tags=("#python",))["dates"]) == ["Anna", "Bert"]
    assert names(agenda([a, b, c], day, tags=("PYTHON", "go"))["dates"]) == ["Anna"]
    assert names(agenda([a, b, c], day, circle="career", tags=("go",))["dates"]) == []
    assert names(agenda([a, b, c], day, circle="career", tags=("python",))["dates"]) == ["Bert"]


def test_greetings_only_with_someone_to_greet_sorted_by_date_then_name() -> None:
    a = core("---\ncircle: competence\ntags: [nordics]\n---\n", "anna")
    b = core("---\ncircle: competence\n---\n", "Bert")
    new_year = Occasion("New Year", 1, 1, 40, (), ())
    early = Occasion("Alpha", 12, 24, 30, ("competence",), ())
    nobody = Occasion("Nobody", 12, 20, 30, ("publication",), ("nope",))
    config = Config(occasions=(new_year, XMAS, early, nobody))
    greetings = agenda([b, a], "2026-11-27", config=config)["greetings"]
    assert [(g["occasion"], g["date"]) for g in greetings] == [
        ("Alpha", "2026-12-24"),
        ("Christmas", "2026-12-24"),
        ("New Year", "2027-01-01"),
    ]
    assert names(greetings[0]["contacts"]) == ["anna", "Bert"]
    tagged = Occasion("Tagged", 12, 1, 7, (), ("NORDICS",))
    (only,) = agenda([b, a], "2026-11-27", config=Config(occasions=(tagged,)))["greetings"]
    assert names(only["contacts"]) == ["anna"]


def test_equal_ranks_of_different_cadences_are_ordered_by_name() -> None:
    """Due today on 7 days and on 14 days, or with no contact logged: all rank 0, so the name
    decides, not the cadence or the last contact."""
    week = core("---\ncadence: 7d\nlast_contact: 2026-11-20\n---\n", "Anna")
    fortnight = core("---\ncadence: 14d\nlast_contact: 2026-11-13\n---\n", "Bert")
    never = core("---\ncadence: 30d\n---\n", "Carl")
    result = agenda([never, fortnight, week], "2026-11-27")["keep_in_touch"]
    assert [(i["name"], i["in_days"]) for i in result] == [("Anna", 0), ("Bert", 0), ("Carl", 0)]


@pytest.mark.parametrize(
    ("text", "until", "cut_off"),
    [
        ("10d", "2026-02-28", "2026-02-18"),
        ("2w", "2026-02-28", "2026-02-14"),
        ("1m", "2026-02-28", "2026-01-31"),  # 28 Jan + 3 days: 29-31 Jan go on to the rule
        ("quarterly", "2026-05-31", "2026-03-03"),
        ("1y", "2025-02-28", "2024-03-02"),
    ],
)
def test_cut_off_day_errs_late_by_three_days_for_calendar_units_only(
    text: str, until: str, cut_off: str
) -> None:
    cadence = Cadence.parse(text)
    assert cadence is not None
    assert _cut_off(cadence, date.fromisoformat(until)) == cut_off


def test_an_event_whose_date_cannot_be_read_is_left_out() -> None:
    """Sources from an index written by another version may hold a date this one cannot read."""
    c = core("---\nbirthday: --11-28\n---\n")
    sources = sources_of([c])
    sources.events.insert(0, Event(c.path, "odd", False, "someday"))
    report = build_agenda(sources, Config(occasions=()), date(2026, 11, 27))
    assert [(d.label, d.date) for d in report.dates] == [("birthday", "2026-11-28")]


def test_cadence_none_is_never_due_whatever_the_circle_default() -> None:
    config = parse_config('[cadence]\ncompetence = "3m"\n')
    never = core("---\ncircle: competence\ncadence: none\n---\n- 2020-01-01 call\n", "Never")
    default = core("---\ncircle: competence\n---\n- 2020-01-01 call\n", "Default")
    unlogged = core("---\ncadence: None\n---\n", "Unlogged")
    result = agenda([never, default, unlogged], "2026-11-27", config=config)
    assert names(result["keep_in_touch"]) == ["Default"]


def test_an_occasion_defaults_to_the_settings_lead_time() -> None:
    """The type's default lead time is the settings' default (21 days), not a second one."""
    written = parse_config('[[occasions]]\nname = "X"\ndate = "12-24"\n').occasions
    assert [o.lead_days for o in written] == [21]
    assert Occasion("X", 12, 24).lead_days == 21
    assert Occasion("X", 12, 24) == written[0]
