"""The rule of which notes are probably one person (``model.duplicates``), and the record of
pairs that are two people."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netzmd.errors import NetzmdError
from netzmd.model.duplicates import (
    SHARED,
    Dismissed,
    Person,
    _name_key,
    find_pairs,
    keys_for,
    read_dismissed,
)
from netzmd.model.identity import loose_name_key, similarity


def person(key: str, name: str | None = None, **fields: Any) -> Person:
    return Person.of(key, f"contacts/{key}.md", name or key, **fields)


def found(people: list[Person], **options: object) -> list[tuple[str, str, list[str], int]]:
    return [
        (p.a, p.b, list(p.reasons), p.score)
        for p in find_pairs(people, **options)  # type: ignore[arg-type]
    ]


def test_the_same_identifier_however_written() -> None:
    people = [
        person("b", "Jane Doe", emails=["Jane@Example.org"], phones=["0171 2345678"]),
        person("a", "J. D.", emails=["<jane@example.org>"], phones=["+49 171 2345678"]),
        person("c", "Someone", linkedin=["https://www.linkedin.com/in/J%C3%BCrgen-W/?trk=x"]),
        person("d", "Else", linkedin=["linkedin.com/in/jürgen-w"]),
        person("e", "Third", phones=["0172 2345678"]),  # ends alike, another number
    ]
    assert found(people) == [
        ("c", "d", ["linkedin"], 100),
        ("a", "b", ["email", "phone"], 98),
    ]
    us = [person("a", phones=["(212) 555-0100"]), person("b", phones=["+1 212 555 0100"])]
    assert found(us) == []
    assert found(us, region="US") == [("a", "b", ["phone"], 90)]


def test_an_identifier_of_many_is_no_sign() -> None:
    shared = [person(f"p{i}", f"Person {i}", phones=["+49 30 1234567"]) for i in range(SHARED + 1)]
    assert found(shared) == []
    assert len(found(shared[:SHARED])) == SHARED * (SHARED - 1) // 2


def test_equal_names_in_any_order_and_spelling() -> None:
    people = [
        person("a", "Jürgen Weiß", company="ACME GmbH"),
        person("b", "Weiß, Jürgen", company="Acme"),
        person("c", "JURGEN WEISS"),  # ß is not ss: similar, not equal
        person("d", "Anna Schmidt", city="Köln"),
        person("e", "Schmidt Anna", city="Koln"),
        person("f", "Zoë Müller"),
        person("g", "Someone Else", aliases=["Zoe Muller"]),
    ]
    assert found(people, similar=False) == [
        ("a", "b", ["name + company"], 85),
        ("d", "e", ["name + city"], 80),
        ("f", "g", ["name"], 70),
    ]


def test_two_equal_aliases_are_no_sign() -> None:
    people = [
        person("a", "Anna Schmidt", aliases=["Anna"]),
        person("b", "Anna Meier", aliases=["Anna"]),
    ]
    assert found(people) == []


def test_two_linkedin_profiles_make_two_people_of_one_name() -> None:
    people = [
        person("a", "Thomas Müller", linkedin=["in/thomas-mueller-1"]),
        person("b", "Thomas Müller", linkedin=["in/thomas-mueller-2"]),
        person("c", "Thomas Müller"),
    ]
    assert found(people) == [("a", "c", ["name"], 70), ("b", "c", ["name"], 70)]


def test_similar_names_count_only_at_one_company_or_in_one_city() -> None:
    people = [
        person("a", "Jürgen Weiß", company="Acme"),
        person("b", "Jurgen Weiss", company="ACME Inc."),
        person("c", "Juergen Weisz", city="Berlin"),
        person("d", "Jürgen Weisz", city="berlin"),
        person("e", "Jürgen Weißz"),  # alike, but nothing else in common
        person("f", "Maria Weiss", company="Acme"),
    ]
    assert found(people) == [
        ("a", "b", ["similar name + company"], 75),
        ("c", "d", ["similar name + city"], 61),
    ]
    assert found(people, similar=False) == []
    assert similarity("Jürgen Weiß", "Jurgen Weiss") == 100.0


def test_dismissed_pairs_are_left_out_and_order_is_stable() -> None:
    people = [person(k, "Same Name") for k in ("c", "a", "b")]
    assert [p[:2] for p in found(people)] == [("a", "b"), ("a", "c"), ("b", "c")]
    assert [p[:2] for p in found(people, dismissed=[frozenset(("c", "a"))])] == [
        ("a", "b"),
        ("b", "c"),
    ]
    assert find_pairs([]) == [] and find_pairs(people[:1]) == []


def test_keys_are_file_names_unless_one_is_shared() -> None:
    keys = keys_for(
        [("Max", "contacts/Max.md"), ("max", "contacts/x/max.md"), ("Jo", "contacts/Jo.md")]
    )
    assert keys == {
        "contacts/Max.md": "contacts/Max.md",
        "contacts/x/max.md": "contacts/x/max.md",
        "contacts/Jo.md": "Jo",
    }


@given(st.text(max_size=30))
@settings(max_examples=500, deadline=None)
def test_the_quick_name_key_is_the_name_key(name: str) -> None:
    assert _name_key(name) == loose_name_key(name)


def test_a_big_block_is_compared_by_initials_and_quickly() -> None:
    """5,000 people at one company: the pairs of similar names are found without comparing
    all 12.5 million pairs at once (and the same as comparing them would find)."""
    rng = random.Random(7)
    firsts = ["Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hans", "Ida", "Jonas"]
    people = [
        person(
            f"p{i:05d}",
            f"{rng.choice(firsts)} {''.join(rng.choice('abcdefghij') for _ in range(8))}",
            company="Big Corp",
        )
        for i in range(5000)
    ]
    people.append(person("twin", people[0].name.replace(" ", " X. "), company="big corp"))
    pairs = found(people)
    assert ("p00000", "twin", ["similar name + company"]) in [p[:3] for p in pairs]


# --- the record of dismissed pairs --------------------------------------------------------------


def test_the_record_round_trips_and_changes_with_the_notes() -> None:
    record = Dismissed()
    assert record.to_bytes() == b'{\n  "pairs": [],\n  "version": 1\n}\n'
    assert record.add("b", "a") and not record.add("a", "b")
    record.add("c", "a")
    data = record.to_bytes()
    assert data == b'{\n  "pairs": [\n    ["a", "b"],\n    ["a", "c"]\n  ],\n  "version": 1\n}\n'
    assert read_dismissed(data).pairs == record.pairs
    assert read_dismissed(None).pairs == set()
    assert record.renamed(["b"], "c").pairs == {frozenset(("a", "c"))}
    assert record.renamed(["c", "contacts/c.md"], "d").pairs == {
        frozenset(("a", "b")),
        frozenset(("a", "d")),
    }
    assert record.without(["a"]).pairs == set()


@pytest.mark.parametrize(
    ("data", "line", "why"),
    [
        (b"\xff", 1, "it is not UTF-8"),
        (b'{\n  "pairs": [\n', 3, "Expecting value"),
        (b"[]", 1, 'it is not an object with a list "pairs"'),
        (b'{"pairs": [\n  ["a", "b"],\n  ["a"]\n]}', 3, '["a"] is not a pair of two notes'),
        (b'{"pairs": [["a", "a"]]}', 1, '["a", "a"] is not a pair'),
        ('{"pairs": [\n\n  ["Zoë", "Zoë"]]}'.encode(), 3, '["Zoë", "Zoë"] is not a pair'),
    ],
)
def test_a_broken_record_says_where(data: bytes, line: int, why: str) -> None:
    with pytest.raises(NetzmdError) as caught:
        read_dismissed(data)
    assert caught.value.path == "imports/not-duplicates.json"
    assert caught.value.line == line
    assert why in caught.value.message


@pytest.mark.parametrize(
    ("fields_a", "fields_b", "reasons", "score"),
    [
        (
            {"linkedin": ["linkedin.com/in/x"]},
            {"linkedin": ["https://linkedin.com/in/X/"]},
            ["linkedin"],
            100,
        ),
        ({"emails": ["a@example.org"]}, {"emails": ["A@example.org"]}, ["email"], 95),
        ({"phones": ["+49 171 1234567"]}, {"phones": ["0171 1234567"]}, ["phone"], 90),
    ],
)
def test_each_identifier_has_its_own_certainty(
    fields_a: dict[str, Any], fields_b: dict[str, Any], reasons: list[str], score: int
) -> None:
    pairs = found([person("A", "Ann One", **fields_a), person("B", "Bea Two", **fields_b)])
    assert pairs == [("A", "B", reasons, score)]


def test_keys_round_trip_through_their_fields() -> None:
    from netzmd.model.duplicates import Keys

    keys = Keys.of(
        "Jürgen Weiß",
        aliases=["JW"],
        company="Globex GmbH",
        city="Köln",
        emails=["J@example.org"],
        phones=["+49 171 1234567"],
        linkedin=["linkedin.com/in/jw"],
    )
    assert Keys(*keys.fields()) == keys
    assert keys.phones == (("1234567"[-6:], "+49 171 1234567"),)
