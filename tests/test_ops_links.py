"""Wiki links to a note that moves or goes (``ops.links``): every form Obsidian writes, only the
target's bytes changed, never inside code; hypothesis for what must hold of any text."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netzmd.ops.links import Retarget, code_spans, means, rewrite, target_of

MOVE = Retarget("contacts/Max.md", "contacts/Max M.md")
GONE = Retarget("contacts/Max.md", None)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("[[Max]]", "[[Max M]]"),
        ("[[max]]", "[[Max M]]"),  # case ignored, as Obsidian resolves it
        ("[[Max|Maxi]]", "[[Max M|Maxi]]"),
        ("[[Max#Work]]", "[[Max M#Work]]"),
        ("[[Max#^block|b]]", "[[Max M#^block|b]]"),
        ("[[Max.md]]", "[[Max M.md]]"),
        ("[[Max.MD|x]]", "[[Max M.MD|x]]"),
        ("[[contacts/Max]]", "[[contacts/Max M]]"),
        ("[[contacts/Max.md#H]]", "[[contacts/Max M.md#H]]"),
        ("[[/contacts/Max]]", "[[/contacts/Max M]]"),
        ("![[Max]]", "![[Max M]]"),
        ("| [[Max\\|alias]] |", "| [[Max M\\|alias]] |"),  # the bar escaped in a table
        ("[[ Max ]]", "[[ Max M ]]"),
        ("[[Mаx]]", "[[Mаx]]"),  # a Cyrillic а: another name
        (
            "[[Maxine]] [[Max2]] [[other/Max]] [[Max/x]]",
            "[[Maxine]] [[Max2]] [[other/Max]] [[Max/x]]",
        ),
        ("[[Max]]]", "[[Max M]]]"),
        ("[[]] [[|x]] [[#h]]", "[[]] [[|x]] [[#h]]"),
    ],
)
def test_every_form_of_a_link_is_pointed_at_the_new_note(before: str, after: str) -> None:
    assert rewrite(before, MOVE)[0] == after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("[[Max]]", "Max"),
        ("[[Max|Maxi]]", "Maxi"),
        ("![[Max#Work|w]]", "w"),
        ("[[contacts/Max.md]]", "Max"),
        ("[[Max#Work]]", "Max"),
        ("| [[Max\\|M.]] |", "| M. |"),
    ],
)
def test_a_forgotten_notes_links_become_their_text(before: str, after: str) -> None:
    assert rewrite(before, GONE) == (after, 1)


def test_a_unicode_name_matches_in_either_normal_form() -> None:
    nfc, nfd = "Zo\u00eb", "Zoe\u0308"
    where = Retarget(f"contacts/{nfd}.md", "contacts/Zoë Müller.md")
    assert rewrite(f"[[{nfc}]] [[{nfd.upper()}]]", where) == (
        "[[Zoë Müller]] [[Zoë Müller]]",
        2,
    )
    assert rewrite("[[Weiss]]", Retarget("contacts/Weiß.md", "contacts/W.md"))[1] == 0


def test_a_path_moves_with_the_note_only_when_the_folder_changes() -> None:
    across = Retarget("contacts/Max.md", "contacts/clients/Max.md")
    assert rewrite("[[contacts/Max]] [[Max]]", across)[0] == ("[[contacts/clients/Max]] [[Max]]")
    up = Retarget("contacts/clients/Max.md", "contacts/Max M.md")
    assert rewrite("[[clients/Max]] [[contacts/clients/Max.md|m]]", up)[0] == (
        "[[contacts/Max M]] [[contacts/Max M.md|m]]"
    )
    same = Retarget("contacts/clients/Max.md", "contacts/clients/Max M.md")
    assert rewrite("[[clients/Max]]", same)[0] == "[[clients/Max M]]"


def test_bare_names_follow_what_the_vault_makes_unique() -> None:
    """A file name that another file in the vault has too: only a link with a path means the
    note; a new name another file has: a bare link gets the path."""
    shared = Retarget("contacts/Max.md", "contacts/Max M.md", bare_old=False)
    assert rewrite("[[Max]] [[contacts/Max]]", shared)[0] == "[[Max]] [[contacts/Max M]]"
    crowded = Retarget("contacts/Max.md", "contacts/Max M.md", bare_new=False)
    assert rewrite("[[Max|x]]", crowded)[0] == "[[contacts/Max M|x]]"
    assert not means("", MOVE) and not means("./", MOVE)
    assert means("./contacts/Max", MOVE)


def test_code_is_left_alone() -> None:
    text = (
        "`[[Max]]` [[Max]] ``a ` [[Max]]`` ```[[Max]]``` `x\n[[Max]] y`\n"
        "\n`not closed [[Max]]\n"
        "```python\n[[Max]]\n```\n"
        "~~~~\n[[Max]]\n~~~\n[[Max]]\n~~~~\n"
        "    [[Max]] indented: a list's lines, not code\n"
        "```\nnever closed [[Max]]\n"
    )
    new, count = rewrite(text, MOVE)
    assert count == 3
    assert new == (
        "`[[Max]]` [[Max M]] ``a ` [[Max]]`` ```[[Max]]``` `x\n[[Max]] y`\n"
        "\n`not closed [[Max M]]\n"
        "```python\n[[Max]]\n```\n"
        "~~~~\n[[Max]]\n~~~\n[[Max]]\n~~~~\n"
        "    [[Max M]] indented: a list's lines, not code\n"
        "```\nnever closed [[Max]]\n"
    )


def test_front_matter_links_change_and_a_fence_there_is_no_code() -> None:
    text = '\ufeff---\r\nintroduced_by: "[[Max]]"\r\nnote: "```"\r\n---\r\n[[Max]]\r\n'
    assert rewrite(text, MOVE) == (
        '\ufeff---\r\nintroduced_by: "[[Max M]]"\r\nnote: "```"\r\n---\r\n[[Max M]]\r\n',
        2,
    )
    assert code_spans("---\na: `x`\n---\n`y`\n") == [(15, 18)]


def test_target_and_rest() -> None:
    assert target_of("Max#H|a") == ("Max", "#H|a")
    assert target_of("Max\\|a") == ("Max", "\\|a")
    assert target_of("Max") == ("Max", "")
    assert target_of("|a") == ("", "|a")


# --- any text ---------------------------------------------------------------------------------

NAMES = st.sampled_from(["Max", "max", "MAX", "Max.md", "contacts/Max", "Maxi", "Ma", "Jo"])
EXACT = st.sampled_from(["Max", "Max.md", "contacts/Max", "Maxi", "Jo"])


def texts(names: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pieces = st.one_of(
        st.text(alphabet="ab \n\r\t`|#![]-~", max_size=6),
        st.builds(
            lambda bang, name, rest: f"{bang}[[{name}{rest}]]",
            st.sampled_from(["", "!"]),
            names,
            st.sampled_from(["", "|alias", "#h", "#h|a", "\\|t"]),
        ),
        st.sampled_from(["```\n", "~~~\n", "`", "``", "\n\n", "---\n", "\r\n", "\ufeff"]),
    )
    return st.lists(pieces, max_size=25).map("".join)


LINK = re.compile(r"(!?)\[\[([^\[\]\r\n]+)\]\]")


@given(texts(NAMES))
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_only_link_targets_change(text: str) -> None:
    """Whatever the text: outside the links not a byte changes, and in a link only the target
    of one to the note; a second run changes nothing; forgetting changes the same links."""
    new, count = rewrite(text, MOVE)
    assert (new == text) == (count == 0)
    old_parts, new_parts = LINK.split(text), LINK.split(new)
    assert len(old_parts) == len(new_parts)
    changed = 0
    for i, (old, now) in enumerate(zip(old_parts, new_parts, strict=True)):
        if i % 3 != 2:  # text between links, or the "!" of an embed
            assert old == now
            continue
        (old_target, old_rest), (new_target, new_rest) = target_of(old), target_of(now)
        assert old_rest == new_rest
        if old_target != new_target:
            assert means(old_target, MOVE) and means(new_target, _BACK)
            changed += 1
    assert changed == count
    assert rewrite(new, MOVE) == (new, 0)
    gone, removed = rewrite(text, GONE)
    assert removed == count
    assert gone.count("\n") == text.count("\n") and gone.count("\r") == text.count("\r")


_BACK = Retarget("contacts/Max M.md", "contacts/Max.md")


@given(texts(EXACT))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_there_and_back_gives_the_text(text: str) -> None:
    new, count = rewrite(text, MOVE)
    assert rewrite(new, _BACK) == (text, count)


@given(texts(NAMES))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_links_in_code_never_change(text: str) -> None:
    """Every link outside code to the note changes; code stays byte for byte."""
    new, count = rewrite(text, MOVE)
    spans = code_spans(text)
    outside = [
        m
        for m in LINK.finditer(text)
        if means(target_of(m[2])[0], MOVE)
        and not any(a < m.end() and m.start() < b for a, b in spans)
    ]
    assert count == len(outside)
    for a, b in spans:
        shift = len(rewrite(text[:a], MOVE)[0]) - a
        assert new[a + shift : b + shift] == text[a:b]
