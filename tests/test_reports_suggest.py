"""The rules of ``netzmd suggest`` (issue 14) as pure functions, with a fixed today: who is
suggested, how they rank (lateness on the cadence, entry gates, recent contact, suggested
lately), the pairs, the reasons, the days --plan picks, and the ranking as a total order."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netzmd.errors import UsageError
from netzmd.model.companies import Aliases
from netzmd.reports.suggest import (
    GATE_BONUS,
    MENTION_BONUS,
    NO_CADENCE,
    RECENT_PENALTY,
    TOPIC_BONUS,
    Person,
    Suggestion,
    city_key,
    company_forms,
    follow_up_text,
    plain,
    plan_days,
    reason,
    score_person,
    suggest,
    to_json,
    topics,
)

TODAY = date(2026, 11, 30)  # a Monday
CADENCES = {"competence": "3m", "career": "1y", "publication": "6m"}


def ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


def person(
    name: str,
    *,
    city: str | None = "Berlin",
    cadence: str | None = "60d",
    last: int | None = None,  # days ago
    tags: tuple[str, ...] = (),
    company: str | None = None,
    vouches: bool = False,
    offers: str | None = None,
    snooze: str | None = None,
    archived: bool = False,
    circle: str | None = None,
    path: str | None = None,
) -> Person:
    from netzmd.model.names import fold

    return Person(
        path or f"contacts/{name}.md",
        name,
        name,
        fold(name),
        circle,
        "\n".join(tags) or None,
        cadence,
        ago(last) if last is not None else None,
        "",
        snooze,
        int(archived),
        company,
        int(vouches),
        offers,
        city,
    )


def run(people: list[Person], **options: Any) -> list[Suggestion]:
    options.setdefault("city", "Berlin")
    options.setdefault("count", 100)
    options.setdefault("cadences", CADENCES)
    return suggest(people, TODAY, **options)


def names(items: list[Suggestion]) -> list[str]:
    return [" + ".join(p.name for p in item.people) for item in items]


# --- one person's score -------------------------------------------------------------------------


def test_lateness_is_relative_to_the_cadence() -> None:
    month = person("Month", cadence="30d", last=40)  # 10 days late on 30: 0.33
    year = person("Year", cadence="365d", last=385)  # 20 days late on a year: 0.05
    assert names(run([year, month], kind="coffee")) == ["Month", "Year"]
    assert score_person(month, TODAY, CADENCES).score == pytest.approx(10 / 30)
    assert score_person(year, TODAY, CADENCES).score == pytest.approx(20 / 365)


def test_the_last_day_in_touch_and_the_first_overdue_day() -> None:
    last_day = score_person(person("A", cadence="60d", last=60), TODAY, CADENCES)
    overdue = score_person(person("B", cadence="60d", last=61), TODAY, CADENCES)
    assert (last_day.overdue_days, last_day.score) == (0, 0.0)
    assert overdue.overdue_days == 1 and overdue.score == pytest.approx(1 / 60)
    items = run([person("A", cadence="60d", last=60), person("B", cadence="60d", last=61)])
    assert names(items)[:2] == ["B", "A"]
    assert reason(items[1]) == "lunch with A: due today (cadence 60d, last contact 60 days ago)"
    assert reason(items[0]) == "lunch with B: 1 day overdue (cadence 60d, last contact 61 days ago)"


def test_a_cadence_from_the_circle_no_contact_yet_and_no_cadence() -> None:
    circle = score_person(person("C", cadence=None, circle="competence", last=100), TODAY, CADENCES)
    assert circle.cadence == "3m" and circle.overdue_days == 100 - 92  # 3m before 2026-11-30
    never = score_person(person("N", cadence="30d"), TODAY, CADENCES)
    assert (never.score, never.overdue_days, never.last_days) == (0.0, 0, None)
    assert reason(Suggestion("lunch", "Berlin", (never,), 0.0)) == (
        "lunch with N: no contact yet (cadence 30d)"
    )
    none = score_person(person("X", cadence="none", last=200), TODAY, CADENCES)
    assert (none.score, none.cadence, none.overdue_days) == (NO_CADENCE, None, None)
    assert reason(Suggestion("lunch", "Berlin", (none,), none.score)).endswith(
        ": last contact 200 days ago"
    )


def test_met_recently_lowers_the_score_up_to_thirty_days() -> None:
    thirty = score_person(person("A", cadence=None, last=30), TODAY, CADENCES)
    thirty_one = score_person(person("B", cadence=None, last=31), TODAY, CADENCES)
    assert thirty.score == NO_CADENCE - RECENT_PENALTY
    assert thirty_one.score == NO_CADENCE


def test_an_entry_gate_raises_the_score_and_says_which() -> None:
    aliases = Aliases({"Alphabet": ["Google"]})
    plain_one = person("Plain", last=70)
    voucher = person("Voucher", last=70, vouches=True)
    offer = person("Offer", last=70, offers="a job")
    target = person("Target", last=70, company="Acme Cloud AG")
    grouped = person("Grouped", last=70, company="Google")
    items = run(
        [plain_one, voucher, offer, target, grouped],
        kind="coffee",
        targets=["Acme Cloud", "Alphabet"],
        aliases=aliases,
    )
    by_name = {item.people[0].name: item for item in items}
    base = by_name["Plain"].score
    for name in ("Voucher", "Offer", "Target", "Grouped"):
        assert by_name[name].score == pytest.approx(base + GATE_BONUS), name
    assert names(items)[-1] == "Plain"
    assert reason(by_name["Voucher"]).endswith("; vouches for you")
    assert reason(by_name["Offer"]).endswith("; made you an offer")
    assert reason(by_name["Target"]).endswith("; at Acme Cloud, one of your targets")
    assert reason(by_name["Grouped"]).endswith("; at Alphabet, one of your targets")
    both = person("Both", last=70, vouches=True, offers="x", company="Acme Cloud")
    (item,) = run([both], kind="coffee", targets=["Acme Cloud"])
    assert item.score == pytest.approx(base + GATE_BONUS)  # one gate bonus, whatever it is


# --- who ------------------------------------------------------------------------------------------


def test_archived_and_snoozed_contacts_never_snoozed_until_today_again() -> None:
    people = [
        person("Archived", last=100, archived=True),
        person("Tomorrow", last=100, snooze=(TODAY + timedelta(days=1)).isoformat()),
        person("Today", last=100, snooze=TODAY.isoformat()),
        person("Yesterday", last=100, snooze=ago(1)),
    ]
    assert sorted(names(run(people))) == ["Today", "Yesterday"]
    assert sorted(names(run(people, kind="call"))) == ["Today", "Yesterday"]


def test_the_city_is_compared_folded_and_a_call_ignores_it() -> None:
    people = [
        person("A", city="berlin"),
        person("B", city="BERLIN, Germany"),
        person("C", city="Berlin (Kreuzberg)"),
        person("D", city="Potsdam"),
        person("E", city=None),
        person("F", city="Muenster"),
        person("G", city="MÜNSTER"),
    ]
    assert sorted(names(run(people))) == ["A", "B", "C"]
    assert sorted(names(run(people, city="Münster"))) == ["G"]
    assert city_key(" Zürich ") == city_key("zurich") == "zurich"
    calls = run(people, kind="call", city=None)
    assert sorted(names(calls)) == ["A", "B", "C", "D", "E", "F", "G"]
    assert {item.people[0].name: item.city for item in calls}["D"] == "Potsdam"
    assert [item.city for item in run(people)] == ["Berlin"] * 3


@pytest.mark.parametrize("city", [None, "", "  ", ", Germany"])
def test_without_a_city_only_a_call(city: str | None) -> None:
    with pytest.raises(UsageError) as caught:
        run([person("A")], city=city)
    assert "[me]" in caught.value.message and "--city" in caught.value.message
    assert names(run([person("A")], city=city, kind="call")) == ["A"]


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(UsageError):
        run([person("A")], kind="brunch")


def test_count_keeps_the_best() -> None:
    people = [person(f"P{n}", cadence="30d", last=30 + n) for n in range(10)]
    assert names(run(people, count=3, kind="coffee")) == ["P9", "P8", "P7"]


# --- suggested lately -----------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "demoted"), [(0, False), (1, True), (14, True), (15, False)])
def test_suggested_in_the_last_fourteen_days_comes_after_everyone(days: int, demoted: bool) -> None:
    best = person("Best", cadence="30d", last=90, vouches=True)
    worst = person("Worst", cadence="none", last=5)
    when = {best.path: TODAY - timedelta(days=days)}
    items = run([best, worst], suggested=when, kind="coffee")
    assert names(items) == (["Worst", "Best"] if demoted else ["Best", "Worst"])
    said = reason(items[-1] if demoted else items[0])
    word = "day" if days == 1 else "days"
    assert said.endswith(f"; suggested {days} {word} ago") == demoted


def test_a_pair_with_someone_suggested_lately_comes_after_everyone() -> None:
    a = person("Ann", last=90, tags=("cloud",))
    b = person("Bob", last=90, tags=("cloud",))
    c = person("Cy", cadence="none", last=5)
    items = run([a, b, c], suggested={a.path: TODAY - timedelta(days=3)})
    assert names(items) == ["Bob", "Cy", "Bob + Ann", "Ann"]
    assert reason(items[2]) == "lunch with Bob and Ann: both cloud; Ann suggested 3 days ago"


# --- pairs ----------------------------------------------------------------------------------------


def test_two_people_with_a_shared_tag_make_a_pair_for_lunch_and_dinner_only() -> None:
    a = person("Ann", last=80, tags=("#Cloud", "python", "ex-colleague"), company="A GmbH")
    b = person("Bob", last=70, tags=("cloud", "python", "ex-colleague"), company="B AG")
    for kind in ("lunch", "dinner"):
        items = run([a, b], kind=kind)
        assert names(items) == ["Ann + Bob", "Ann", "Bob"]  # 0.75, 0.33, 0.17
        pair = items[0]
        assert pair.topics == ("Cloud", "python")
        singles = {s.person.name: s.score for s in pair.singles}
        assert pair.score == pytest.approx((singles["Ann"] + singles["Bob"]) / 2 + 2 * TOPIC_BONUS)
        assert reason(pair) == f"{kind} with Ann and Bob: both Cloud and python"
    for kind in ("coffee", "call"):
        assert names(run([a, b], kind=kind)) == ["Ann", "Bob"]
    c = person("Cy", last=70, tags=("rust", "go", "cloud"), company="C AG")
    d = person("Di", last=70, tags=("cloud", "go", "rust"), company="D AG")
    pair = run([c, d])[0]
    assert pair.score == pytest.approx(10 / 60 + 2 * TOPIC_BONUS)  # two topics count at most
    assert reason(pair) == "lunch with Cy and Di: both rust, go and cloud"


def test_no_pair_at_one_company_nor_by_relation_tags_nor_across_cities() -> None:
    colleagues = [
        person("Ann", tags=("cloud",), company="Acme Cloud AG"),
        person("Bob", tags=("cloud",), company="ACME CLOUD"),
    ]
    assert len(run(colleagues)) == 2
    related = [
        person("Cy", tags=("ex-colleague", "customer", "Christmas-Card", "romania")),
        person("Di", tags=("Ex-Colleague", "customer", "christmas-card", "romania")),
    ]
    assert len(run(related, ignore_tags=["#romania"])) == 2
    assert len(run(related)) == 3  # romania is a topic unless an occasion greets by it
    apart = [person("Ed", tags=("cloud",)), person("Flo", tags=("cloud",), city="Potsdam")]
    assert len(run(apart)) == 1
    assert topics("a\n#B\nb\nex-colleague", frozenset({"c"})) == {"a": "a", "b": "B"}


def test_an_open_follow_up_naming_the_others_company_makes_a_pair() -> None:
    juergen = person("Jürgen Weiß", last=100, company="Nordlicht Analytics GmbH")
    sophie = person("Sophie Wagner", last=20, company="Elbtal Energie GmbH")
    follow_ups = {
        juergen.path: ["introduce [[Clara]] to the Elbtal team (they need a data platform)"]
    }
    items = run([juergen, sophie], follow_ups=follow_ups)
    assert names(items) == ["Jürgen Weiß", "Jürgen Weiß + Sophie Wagner", "Sophie Wagner"]
    pair = items[1]
    assert pair.mention == (
        "Jürgen Weiß",
        "introduce Clara to the Elbtal team (they need a data platform)",
    )
    assert pair.score == pytest.approx(sum(s.score for s in pair.singles) / 2 + MENTION_BONUS)
    assert reason(pair) == (
        "lunch with Jürgen Weiß and Sophie Wagner: Jürgen Weiß's follow-up: introduce Clara "
        "to the Elbtal team (they need a data platform)"
    )
    assert len(run([juergen, sophie])) == 2  # no follow-up, no tag: no pair
    follow_ups[juergen.path] = ["ask how ELBTAL ENERGIE GMBH is doing"]
    assert len(run([juergen, sophie], follow_ups=follow_ups)) == 3


def test_an_open_follow_up_linking_the_other_makes_a_pair() -> None:
    lena = person("Lena", cadence="none")
    juergen = person("Jürgen Weiß", last=100, path="contacts/people/Jürgen Weiß.md")
    follow_ups = {lena.path: ["send [[people/Jürgen Weiß|Jürgen]] the slides"]}
    pair = run([lena, juergen], follow_ups=follow_ups)[1]
    assert pair.people == (juergen, lena)
    assert reason(pair) == (
        "lunch with Jürgen Weiß and Lena: Lena's follow-up: send Jürgen the slides"
    )
    follow_ups = {juergen.path: ["ask [[Lena]] and [[Nobody]] about it"]}
    assert names(run([lena, juergen], follow_ups=follow_ups))[1] == "Jürgen Weiß + Lena"


def test_a_generic_first_word_does_not_name_a_company() -> None:
    juergen = person("Jürgen Weiß", last=100)
    lena = person("Lena", cadence="none", company="Data Corp")
    follow_ups = {juergen.path: ["they need a data platform"]}
    assert len(run([juergen, lena], follow_ups=follow_ups)) == 2
    follow_ups = {juergen.path: ["ask about the Data Corp. offer"]}
    assert len(run([juergen, lena], follow_ups=follow_ups)) == 3


def test_company_forms_and_plain_text() -> None:
    assert company_forms("Elbtal Energie GmbH") == ["elbtal energie gmbh", "elbtal"]
    assert company_forms("[[Companies/Globex|Globex Corp]]") == ["globex"]
    assert company_forms("Data Corp") == ["data corp"]
    assert company_forms("Zeiß Optik") == ["zeiss optik", "zeiss"]
    assert company_forms("3M") == ["3m"]
    assert company_forms("!!") == []
    assert plain("see [[Jürgen Weiß]] and [[people/Zoë|Zoë M.]] in [[x.md]]") == (
        "see Jürgen Weiß and Zoë M. in x"
    )


def test_each_person_is_in_at_most_one_pair_the_best() -> None:
    a = person("Ann", last=120, tags=("cloud",))
    b = person("Bob", last=110, tags=("cloud",))
    c = person("Cy", last=100, tags=("cloud", "rust"))
    d = person("Di", last=65, tags=("rust",))
    pairs = [i for i in run([a, b, c, d]) if len(i.people) == 2]
    assert [names([p])[0] for p in pairs] == ["Ann + Bob", "Cy + Di"]


# --- words and JSON -------------------------------------------------------------------------------


def test_json_shape() -> None:
    a = person("Ann", last=61, vouches=True, tags=("cloud",))
    b = person("Bob", last=61, tags=("cloud",), path="contacts/b/Bob.md")
    data = to_json(run([a, b], count=2))
    assert data == [
        {
            "ids": ["Ann"],
            "names": ["Ann"],
            "kind": "lunch",
            "city": "Berlin",
            "reason": "lunch with Ann: 1 day overdue (cadence 60d, last contact 61 days ago); "
            "vouches for you",
            "score": round(1 / 60 + GATE_BONUS, 3),
        },
        {
            "ids": ["Ann", "Bob"],
            "names": ["Ann", "Bob"],
            "kind": "lunch",
            "city": "Berlin",
            "reason": "lunch with Ann and Bob: both cloud",
            "score": round((2 / 60 + GATE_BONUS) / 2 + TOPIC_BONUS, 3),
        },
    ]


def test_follow_up_text_links_the_others() -> None:
    a = person("Ann", last=61, tags=("cloud",))
    b = person("Bob", last=61, tags=("cloud",), path="contacts/Robert.md")
    b = b._replace(id="Robert")
    items = run([a, b], count=3)
    pair = next(i for i in items if len(i.people) == 2)

    def link(ident: str, name: str) -> str:
        return f"[[{ident}]]" if ident == name else f"[[{ident}|{name}]]"

    assert follow_up_text(pair, a.path, link) == "lunch with Ann and [[Robert|Bob]]"
    assert follow_up_text(pair, b.path, link) == "lunch with [[Ann]] and Bob"
    single = next(i for i in items if i.people == (a,))
    assert follow_up_text(single, a.path, link) == "lunch with Ann"


@pytest.mark.parametrize(
    ("today", "first_five"),
    [
        ("2026-11-30", ["12-01", "12-02", "12-03", "12-04", "12-07"]),  # Monday
        ("2026-12-03", ["12-04", "12-07", "12-08", "12-09", "12-10"]),  # Thursday
        ("2026-12-04", ["12-07", "12-08", "12-09", "12-10", "12-11"]),  # Friday
        ("2026-12-05", ["12-07", "12-08", "12-09", "12-10", "12-11"]),  # Saturday
        ("2026-12-06", ["12-07", "12-08", "12-09", "12-10", "12-11"]),  # Sunday
    ],
)
def test_plan_days_are_the_working_days_of_the_coming_week(
    today: str, first_five: list[str]
) -> None:
    day = date.fromisoformat(today)
    days = plan_days(day, 7)
    assert [d.isoformat()[5:] for d in days[:5]] == first_five
    assert days[5:] == days[:2]  # again from the first after the fifth
    assert all(1 <= (d - day).days <= 7 and d.weekday() < 5 for d in days)
    assert plan_days(day, 0) == [] and plan_days(day, 1) == days[:1]


# --- the ranking is a total order -----------------------------------------------------------------

CITIES = ["Berlin", "berlin", "Potsdam", None]
TAGS = ["cloud", "python", "ex-colleague", "rust"]
COMPANIES = [None, "Acme Cloud AG", "Acme Cloud", "Globex", "Initech GmbH"]

people_strategy = st.lists(
    st.builds(
        lambda n, city, cadence, last, tags, company, vouches, snooze, archived: person(
            f"P{n}",
            city=city,
            cadence=cadence,
            last=last,
            tags=tuple(tags),
            company=company,
            vouches=vouches,
            snooze=ago(snooze) if snooze is not None else None,
            archived=archived,
        ),
        st.integers(0, 10_000),
        st.sampled_from(CITIES),
        st.sampled_from([None, "none", "30d", "6w", "3m", "1y"]),
        st.one_of(st.none(), st.integers(0, 800)),
        st.lists(st.sampled_from(TAGS), max_size=3, unique=True),
        st.sampled_from(COMPANIES),
        st.booleans(),
        st.one_of(st.none(), st.integers(-5, 5)),
        st.booleans(),
    ),
    max_size=14,
    unique_by=lambda p: p.path,
)


@settings(max_examples=150, deadline=None)
@given(
    people_strategy,
    st.sampled_from(["lunch", "coffee", "call"]),
    st.dictionaries(st.integers(0, 10_000), st.integers(0, 20), max_size=6),
    st.randoms(use_true_random=False),
)
def test_the_ranking_is_a_total_order_independent_of_input_order(
    people: list[Person], kind: str, lately: dict[int, int], rng: Any
) -> None:
    suggested = {f"contacts/P{n}.md": TODAY - timedelta(days=d) for n, d in lately.items()}
    options: dict[str, Any] = {
        "kind": kind,
        "suggested": suggested,
        "targets": ["Acme Cloud"],
        "aliases": Aliases(),
    }
    items = run(people, **options)
    keys = [item.key() for item in items]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)  # strictly increasing
    shuffled = list(people)
    rng.shuffle(shuffled)
    again = run(shuffled, **options)
    assert [(i.people, i.score) for i in again] == [(i.people, i.score) for i in items]
    assert run(people, **options) == items
    in_pairs: list[str] = []
    for item in items:
        for p in item.people:
            assert not p.archived
            assert p.snooze_until is None or p.snooze_until <= TODAY.isoformat()
            if kind != "call":
                assert city_key(p.city) == "berlin"
        if len(item.people) == 2:
            assert kind == "lunch"
            in_pairs += [p.path for p in item.people]
    assert len(in_pairs) == len(set(in_pairs))  # nobody in two pairs
    demoted = [item.demoted for item in items]
    assert demoted == sorted(demoted)  # suggested lately: after all the others
    assert len(run(people, count=3, **options)) <= 3
    assert run(people, count=3, **options) == items[:3]
