"""Finding a contact by what a person types (netzmd.model.names), and the checks built on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MakeVault, Run, json_of, no_traceback, note

from netzmd.model.names import Candidate, duplicates, find, fold, fts_fold, fts_query, query_words


def cand(path: str, name: str, *aliases: str, archived: bool = False) -> Candidate:
    ident = path.rsplit("/", 1)[-1].removesuffix(".md")
    return Candidate(path, ident, name, aliases, archived)


JANE = cand("contacts/Jane Doe.md", "Jane Doe", "JD")
ZOE = cand("contacts/Zoë Müller.md", "Zoë Müller")
JANET = cand("contacts/Janet Smith.md", "Janet Smith")
MAX = cand("contacts/Max Mustermann.md", "Max Mustermann", "Maxi")
PEOPLE = [JANE, ZOE, JANET, MAX]


# --- fold -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Zoë Müller", "zoe muller"),
        ("Łukasz Żółw", "lukasz zolw"),
        ("  Jane   DOE ", "jane doe"),
        ("Søren Ærø", "soren aero"),
        ("Œdipe Þór", "oedipe thor"),
        ("Đorđe Iıi", "dorde iii"),
        ("Straße", "strasse"),
        ("ｆｕｌｌ", "full"),  # NFKD: full-width letters are plain letters
        ("", ""),
    ],
)
def test_fold_ignores_case_accents_and_spacing(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_candidate_is_not_archived_unless_said() -> None:
    plain = Candidate("contacts/a.md", "a", "A", ())
    assert plain.archived is False
    assert plain.folded() == ["a", "a"]
    assert JANE.folded() == ["jane doe", "jane doe", "jd"]


# --- find -----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", " ", "   ", "\t", ".md"])
def test_an_empty_or_blank_query_matches_nothing(query: str) -> None:
    match = find(query, PEOPLE)
    assert match.found is None
    assert match.ambiguous == []
    assert match.suggestions == []


def test_a_path_finds_its_note_with_or_without_dot_slash() -> None:
    # "Janet Smith.md" would also be a unique prefix of nothing else; the path decides first.
    other = cand("archive/Jane Doe.md", "Someone Else")
    people = [*PEOPLE, other]
    assert find("archive/Jane Doe.md", people).found is other
    assert find("./archive/Jane Doe.md", people).found is other
    assert find("contacts/Jane Doe.md", people).found is JANE


def test_the_file_name_wins_over_the_names_of_other_notes() -> None:
    twin = cand("contacts/Jane Doe (Acme).md", "Jane Doe")
    people = [twin, JANE]
    assert find("Jane Doe", people).found is JANE
    assert find("jane doe.md", people).found is JANE
    assert find("Jane Doe (Acme)", people).found is twin


def test_the_same_file_name_in_two_folders_is_ambiguous_in_path_order() -> None:
    b = cand("work/Jane Doe.md", "Jane B")
    a = cand("contacts/Jane Doe.md", "Jane A")
    match = find("Jane Doe", [b, a])
    assert match.found is None
    assert match.ambiguous == [a, b]
    assert match.suggestions == []


def test_an_exact_name_or_alias_wins_over_prefixes() -> None:
    # "Jane Doe" is also a prefix of "Jane Doerte"; the exact name wins.
    doerte = cand("contacts/jd2.md", "Jane Doerte")
    jane = cand("contacts/jd1.md", "Jane Doe")
    assert find("jane doe", [doerte, jane]).found is jane
    assert find("MAXI", PEOPLE).found is MAX
    assert find("jd", PEOPLE).found is JANE


def test_a_unique_prefix_finds_one() -> None:
    assert find("Max", PEOPLE).found is MAX
    assert find("zoe", PEOPLE).found is ZOE
    match = find("Janet", PEOPLE)
    assert (match.found, match.ambiguous, match.suggestions) == (JANET, [], [])


def test_a_shared_prefix_is_ambiguous_sorted_by_name() -> None:
    match = find("jan", [JANET, JANE, MAX])
    assert match.found is None
    assert match.ambiguous == [JANE, JANET]
    assert match.suggestions == []


def test_a_word_prefix_finds_one_and_a_shared_one_is_ambiguous() -> None:
    assert find("muller", PEOPLE).found is ZOE
    assert find("Mustermann", PEOPLE).found is MAX
    smith = cand("contacts/Anna Smith.md", "Anna Smith")
    match = find("smi", [JANET, smith, JANE])
    assert match.found is None
    assert match.ambiguous == [smith, JANET]


def test_no_match_gives_close_suggestions_each_once() -> None:
    match = find("Jnae Doe", PEOPLE)
    assert match.found is None
    assert match.ambiguous == []
    assert match.suggestions == [JANE]  # its id and its name are both close: named once


def test_suggestions_are_at_most_five_best_first() -> None:
    people = [cand(f"contacts/p{i}.md", f"Alexandr{c}") for i, c in enumerate("abcdefg")]
    match = find("Alexandrx", people)
    assert match.found is None
    assert len(match.suggestions) == 5
    assert set(match.suggestions) <= set(people)


def test_nothing_close_gives_no_suggestions() -> None:
    match = find("qqqqqqq", PEOPLE)
    assert (match.found, match.ambiguous, match.suggestions) == (None, [], [])


# --- duplicates -----------------------------------------------------------------------------


def test_no_duplicate_names_reports_none() -> None:
    assert duplicates(PEOPLE) == []
    assert duplicates([]) == []
    assert duplicates([JANE]) == []  # its id and name fold alike: one note, no duplicate


def test_duplicates_name_the_key_and_every_owner() -> None:
    other = cand("contacts/Jane D.md", "jane doe")
    alias = cand("contacts/Jo.md", "Jo", "Zoe Muller")
    found = duplicates([JANE, other, ZOE, alias, MAX])
    assert found == [("jane doe", [JANE, other]), ("zoe muller", [ZOE, alias])]


# --- full-text ------------------------------------------------------------------------------


def test_fts_fold_folds_letters_the_tokenizer_keeps() -> None:
    assert fts_fold("Łukasz Søren ÆBLE Straße") == "lukasz soren aeble strasse"
    assert fts_fold("Zoë") == "zoë"  # combining accents are the tokenizer's job


def test_fts_query_makes_every_word_a_prefix() -> None:
    assert fts_query("Łukasz, Ørsted!") == '"lukasz"* "orsted"*'
    assert fts_query("  ,;  ") is None
    assert fts_query("") is None


def test_query_words_fold_each_word() -> None:
    assert query_words("Zoë, MÜLLER") == ["zoe", "muller"]
    assert query_words("...") == []


# --- through the command line ---------------------------------------------------------------


def test_check_on_a_vault_without_duplicate_names_reports_none(
    make_vault: MakeVault, run: Run
) -> None:
    vault = make_vault(
        {
            "contacts/Jane Doe.md": note("name: Jane Doe\naliases: [JD]"),
            "contacts/Max Mustermann.md": note("name: Max Mustermann"),
        }
    )
    data = json_of(run(vault, "check", "--format", "json"))
    assert data["problems"] == []
    assert data["warnings"] == 0


def test_check_reports_a_name_claimed_twice(make_vault: MakeVault, run: Run) -> None:
    vault = make_vault(
        {
            "contacts/Jane Doe.md": note("name: Jane Doe"),
            "contacts/J Doe.md": note("name: J Doe\naliases: [jane doe]"),
        }
    )
    result = run(vault, "check", "--format", "json")
    no_traceback(result)
    import json

    data = json.loads(result.stdout)
    messages = [p["message"] for p in data["problems"]]
    assert len(messages) == 2
    assert all("duplicate name: 'jane doe'" in m for m in messages)


@pytest.mark.parametrize("query", ["", "   "])
def test_show_with_an_empty_or_blank_name_finds_no_contact(
    make_vault: MakeVault, run: Run, query: str, tmp_path: Path
) -> None:
    vault = make_vault({"contacts/Jane Doe.md": note("name: Jane Doe")})
    result = run(vault, "show", query)
    no_traceback(result)
    assert result.exit_code != 0
    assert "Jane Doe" not in result.stdout
    assert "no contact matches" in result.output
