"""Company names and gates (issue 13): normalisation (legal forms in several languages, case,
accents, umlauts, punctuation, &/and/und, Obsidian links), [companies] aliases, the display
name, gate states at the boundaries of a cadence, what a lapse costs, former colleagues."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netzmd.model.companies import (
    Aliases,
    Holder,
    Work,
    company_key,
    display_name,
    former_colleague,
    gate,
    in_touch,
    is_company,
    lapse_cost,
    named,
    overdue,
    spellings,
)
from netzmd.model.contact import fast_status

# --- normalisation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "key"),
    [
        # German and Austrian
        ("Globex GmbH", "globex"),
        ("Globex GmbH & Co. KG", "globex"),
        ("Globex AG & Co. KGaA", "globex"),
        ("Globex AG", "globex"),
        ("Globex SE", "globex"),
        ("Globex KG", "globex"),
        ("Globex gGmbH", "globex"),
        ("Globex UG (haftungsbeschränkt)", "globex"),
        ("Globex e.V.", "globex"),
        ("Globex OHG", "globex"),
        # English
        ("Globex, Inc.", "globex"),
        ("Globex Inc", "globex"),
        ("Globex Ltd.", "globex"),
        ("Globex Limited", "globex"),
        ("Globex LLC", "globex"),
        ("Globex Corp.", "globex"),
        ("Globex Corporation", "globex"),
        ("Globex plc", "globex"),
        ("Globex Pty Ltd", "globex"),
        # French, Spanish, Italian, Portuguese
        ("Globex S.A.", "globex"),
        ("Globex SAS", "globex"),
        ("Globex SARL", "globex"),
        ("Globex S.L.", "globex"),
        ("Globex S.p.A.", "globex"),
        ("Globex S.r.l.", "globex"),
        ("Globex Lda.", "globex"),
        # Dutch, Belgian
        ("Globex B.V.", "globex"),
        ("Globex N.V.", "globex"),
        ("Globex BVBA", "globex"),
        # Polish, Czech, Hungarian
        ("Globex Sp. z o.o.", "globex"),
        ("Globex sp. z o.o.", "globex"),
        ("Globex s.r.o.", "globex"),
        ("Globex Kft.", "globex"),
        # Nordic
        ("Globex Oy", "globex"),
        ("Globex Oyj", "globex"),
        ("Globex AB", "globex"),
        ("Globex AS", "globex"),
        ("Globex ASA", "globex"),
        ("Globex A/S", "globex"),
        ("Globex ApS", "globex"),
        # Japanese
        ("Globex K.K.", "globex"),
        # two legal forms, one after the other
        ("Globex Corp. Ltd.", "globex"),
    ],
)
def test_legal_forms_do_not_split_a_company(written: str, key: str) -> None:
    assert company_key(written) == key


@pytest.mark.parametrize(
    "spellings_of_one",
    [
        ["Globex", "GLOBEX", "globex", "  Globex  ", "Globex GmbH", "GLOBEX GMBH"],
        ["Müller Bau", "Mueller Bau", "Muller Bau", "MÜLLER BAU GmbH", "Müller-Bau"],
        ["Brückenwerk Digital GmbH", "Brueckenwerk Digital", "BRÜCKENWERK DIGITAL"],
        ["Kupfer & Klee", "Kupfer und Klee", "Kupfer and Klee", "Kupfer + Klee", "Kupfer et Klee"],
        ["Société Générale S.A.", "Societe Generale", "SOCIÉTÉ GÉNÉRALE"],
        ["Łódź Soft sp. z o.o.", "Lodz Soft"],
        ["Ørsted A/S", "Orsted"],
        ["Straße Logistik GmbH", "Strasse Logistik"],
        ["O'Reilly Media", "OReilly Media", "O’Reilly Media Inc."],
        ["Coca-Cola", "Coca Cola", "The Coca-Cola Company", "CocaCola"],
        ["[[Globex]]", "Globex", "[[Companies/Globex|Globex Corp]]", "[[Globex.md]]"],
        ["Globex (Munich office)", "Globex GmbH (seit 2024)", "Globex"],
    ],
)
def test_spellings_of_one_company_have_one_key(spellings_of_one: list[str]) -> None:
    keys = {company_key(s) for s in spellings_of_one}
    assert len(keys) == 1, {s: company_key(s) for s in spellings_of_one}
    assert keys != {""}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Globex", "Initech"),
        ("Acme Cloud", "Acme Analytics"),
        ("Nordlicht Analytics", "Nordlicht"),  # a shorter name is another company
        ("Deutsche Bahn", "Deutsche Bank"),
    ],
)
def test_different_companies_stay_apart(a: str, b: str) -> None:
    assert company_key(a) != company_key(b)


def test_a_name_that_is_only_a_legal_form_keeps_it() -> None:
    """The last word is never removed: "AG" alone, or "Company", is still a name."""
    assert company_key("AG") == "ag"
    assert company_key("Company") == "company"
    assert company_key("The Company") == "company"
    assert company_key("Inc.") == "inc"


def test_empty_and_punctuation_only_names() -> None:
    assert company_key("") == ""
    assert company_key("   ") == ""
    assert company_key("---") == ""
    assert company_key("[[ ]]") == ""
    assert not is_company(company_key("…"))


def test_named_reads_an_obsidian_link_as_the_company_it_names() -> None:
    assert named("[[Globex]]") == "Globex"
    assert named(" [[Companies/Globex|Globex Corp]] ") == "Globex"
    assert named("[[Globex#History]]") == "Globex"
    assert named("[[Globex.md]]") == "Globex"
    assert named("Globex [[x]]") == "Globex [[x]]"  # not a link alone: the text as written
    assert named("  Globex GmbH ") == "Globex GmbH"


def test_not_companies() -> None:
    for text in ("independent", "Freelance", "self-employed", "Selbstständig", "retired",
                 "retired (formerly SAP consultant)", "n/a", "none"):  # fmt: skip
        assert not is_company(company_key(text)), text
    assert Aliases().key("Freelance") == ""
    assert is_company(company_key("Retiredware GmbH"))
    assert is_company(company_key("Independent Media GmbH"))


_LATIN = st.text(
    st.characters(
        codec="utf-8",
        categories=("Lu", "Ll", "Nd", "Zs", "Pd", "Po"),
        max_codepoint=0x24F,
    ),
    max_size=30,
)
_WORDS = st.lists(
    st.sampled_from(
        ["Globex", "Müller", "Straße", "& Co.", "und", "GmbH", "AG", "S.A.", "Sp. z o.o.", "Oy",
         "Société", "Łódź", "Ærø", "The", "Inc.", "-", "+", "Brückenwerk", "Kupfer", "KG"]
    ),
    max_size=6,
).map(" ".join)  # fmt: skip


@given(st.one_of(_LATIN, _WORDS))
def test_normalisation_is_idempotent(text: str) -> None:
    key = company_key(text)
    assert company_key(key) == key
    assert key == key.casefold()
    assert key.isalnum() or key == ""


@given(st.one_of(_LATIN, _WORDS))
def test_normalisation_ignores_case_and_accents(text: str) -> None:
    without_accents = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )
    key = company_key(text)
    assert company_key(text.casefold()) == key
    assert company_key(text.lower()) == key
    assert company_key(without_accents) == key
    assert company_key(unicodedata.normalize("NFD", text)) == key


# --- aliases and display names ---------------------------------------------------------------


def test_aliases_group_more_names_under_one_title() -> None:
    aliases = Aliases({"Alphabet": ["Google", "Google Germany GmbH"], "Initech": ["Initrode"]})
    assert aliases.key("Google") == aliases.key("GOOGLE GERMANY GMBH") == aliases.key("Alphabet")
    assert aliases.key("Initrode Inc.") == aliases.key("Initech")
    assert aliases.key("Globex") == "globex"  # not in the table: its own key
    assert aliases.titles[aliases.key("Google")] == "Alphabet"
    assert Aliases({"  ": ["x"]}).titles == {}


def test_display_name_is_the_most_used_spelling_unless_the_table_names_it() -> None:
    assert display_name({"Globex GmbH": 3, "Globex": 1}) == "Globex GmbH"
    assert display_name({"Globex GmbH": 1, "Globex": 1}) == "Globex"  # ties: the shortest
    assert display_name({"Globex B": 1, "Globex A": 1}) == "Globex A"  # then alphabetical
    assert display_name({"Google": 5}, "Alphabet") == "Alphabet"


def work(
    path: str = "contacts/A.md",
    *,
    company: str | None = None,
    former: str | None = None,
    circle: str | None = None,
    tags: str | None = None,
    vouches: int = 0,
    offers: str | None = None,
    cadence: str | None = None,
    last: str | None = None,
) -> Work:
    name = path.rsplit("/", 1)[-1][:-3]
    return Work(path, name, name, name.lower(), circle, tags, company, None, former, vouches,
                offers, None, None, cadence, last, None, "[]")  # fmt: skip


def test_spellings_count_companies_formers_and_more() -> None:
    rows = [
        work("contacts/A.md", company="Globex GmbH", former="Initech\n[[Globex]]"),
        work("contacts/B.md", company="Globex GmbH"),
        work("contacts/C.md", company="freelance"),
    ]
    found = spellings(((r.company, r.former) for r in rows), Aliases(), ["Initech Inc."])
    assert found == {
        "globex": {"Globex GmbH": 2, "Globex": 1},
        "initech": {"Initech": 1, "Initech Inc.": 1},
    }


# --- gates -----------------------------------------------------------------------------------

TODAY = date(2026, 11, 27)


def status_on(today: date, last: str | None, cadence: str | None = "30d") -> object:
    return fast_status(cadence, None, last, None, today, today.isoformat(), {})


@pytest.mark.parametrize(
    ("days_since", "touch", "late"),
    [(0, True, False), (29, True, False), (30, True, False), (31, False, True)],
)
def test_in_touch_until_the_last_day_of_the_cadence(
    days_since: int, touch: bool, late: bool
) -> None:
    """30 days after the last contact on a 30-day cadence is the due day: still in touch. The
    day after, overdue."""
    last = (TODAY - timedelta(days=days_since)).isoformat()
    state = status_on(TODAY, last)
    assert in_touch(state, TODAY) is touch  # type: ignore[arg-type]
    assert overdue(state, TODAY) is late  # type: ignore[arg-type]


def test_never_contacted_is_not_in_touch_nor_overdue() -> None:
    state = status_on(TODAY, None)
    assert not in_touch(state, TODAY)  # type: ignore[arg-type]
    assert not overdue(state, TODAY)  # type: ignore[arg-type]


def test_no_cadence_is_in_touch_once_contacted() -> None:
    assert in_touch(status_on(TODAY, "2001-01-01", None), TODAY)  # type: ignore[arg-type]
    assert in_touch(status_on(TODAY, "2001-01-01", "none"), TODAY)  # type: ignore[arg-type]
    assert not in_touch(status_on(TODAY, None, None), TODAY)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("people", "alumni", "expected"),
    [
        ([Holder(True, True)], 0, "open"),
        ([Holder(False, False), Holder(True, True)], 3, "open"),
        ([Holder(True, False)], 0, "warm"),
        ([Holder(False, True), Holder(True, False)], 0, "warm"),  # the voucher lapsed
        ([Holder(False, True)], 0, "cold"),
        ([Holder(False, False), Holder(False, False)], 5, "cold"),  # people there beat alumni
        ([], 1, "alumni"),
        ([], 0, "none"),
    ],
)
def test_gate_states(people: list[Holder], alumni: int, expected: str) -> None:
    assert gate(people, alumni) == expected


@pytest.mark.parametrize(
    ("holds", "group_gate", "cost"),
    [
        (True, "cold", "gate going cold"),
        (False, "cold", "gate going cold"),
        (True, "warm", "gate no longer open"),
        (False, "warm", None),
        (True, "open", None),
        (False, "open", None),
    ],
)
def test_what_a_lapse_costs(holds: bool, group_gate: str, cost: str | None) -> None:
    assert lapse_cost(holds, group_gate) == cost


def test_former_colleague() -> None:
    mine = {"kranichsoftware"}
    assert former_colleague(None, None, ("globex", "kranichsoftware"), mine)
    assert not former_colleague(None, None, ("globex",), mine)
    assert former_colleague("competence", "cloud\nEx-Colleague", ("globex",), set())
    assert former_colleague("competence", "#ex-colleague", (), set())
    assert not former_colleague("career", "ex-colleague", (), set())
    assert not former_colleague("competence", "colleague", (), set())
    assert not former_colleague("competence", None, (), mine)
    assert former_colleague("competence", "EX-COLLEAGUE", (), set())
    assert former_colleague("competence", "café\nex-cólleague", (), set())  # accents folded
    assert not former_colleague("competence", "café\nkollege", (), set())


def test_spellings_of_some_groups_only() -> None:
    pairs = [("Globex GmbH", "Initech"), ("Initech AG", None), (None, "Globex")]
    assert spellings(pairs, Aliases(), (), {"initech"}) == {
        "initech": {"Initech": 1, "Initech AG": 1}
    }
