"""Writing notes without losing a byte: the golden corpus (every write command on awkward notes,
exact expected bytes), the pure edits in ``netzmd.notes.edit``, ``edit_front`` and
``edit_body``, and property tests."""

from __future__ import annotations

import difflib
import os
import shlex
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from netzmd.cli import main
from netzmd.errors import UsageError
from netzmd.notes import edit, edit_body, edit_front
from netzmd.notes.edit import EditError
from netzmd.notes.note import parse_note

CORPUS = Path(__file__).parent / "corpus_write"
TODAY = "2026-11-27"

# (case id, input note, command line; NAME stands for the note). Each writes
# corpus_write/expected/<input>.<case>.md, compared byte for byte.
CASES: list[tuple[str, str, str]] = [
    # comments, aligned comments, blank lines, a block list with a commented-out item
    ("set-company", "comments", "set NAME company 'Bar AG'"),
    ("set-empty-role", "comments", "set NAME role 'Staff Engineer'"),
    ("set-tags-append", "comments", "set NAME tags cloud speaker k8s"),
    ("set-tags-drop", "comments", "set NAME tags speaker"),
    ("set-circle", "comments", "set NAME circle career"),
    ("set-new-key", "comments", "set NAME vouches true"),
    ("set-date-label", "comments", "set NAME 'dates.work anniversary' 2019-05-01"),
    ("set-new-date-label", "comments", "set NAME dates.kid --03-14"),
    ("unset-company", "comments", "unset NAME company"),
    ("unset-tags", "comments", "unset NAME tags"),
    ("unset-last-label", "comments", "unset NAME 'dates.work anniversary'"),
    ("log-backdated", "comments", "log NAME -m 'Pasta Bar' --kind lunch --date 2026-09-15"),
    ("log-today", "comments", "log NAME -m 'quick call'"),
    ("follow-up", "comments", "follow-up NAME -m 'book a table' --due 2026-12-20"),
    ("done", "comments", "done NAME cfp"),
    ("snooze", "comments", "snooze NAME 3m"),
    # flow lists and mappings, quoted items, a list over two lines
    ("set-tags", "flow-lists", "set NAME tags ex-colleague cloud python"),
    ("set-aliases", "flow-lists", "set NAME aliases Max Maxi Mäx"),
    ("set-emails", "flow-lists", "set NAME emails max@example.com"),
    ("set-date-label", "flow-lists", "set NAME dates.wedding 2015-06-21"),
    ("set-new-date-label", "flow-lists", "set NAME dates.graduation 2010-07-01"),
    ("unset-date-label", "flow-lists", "unset NAME dates.wedding"),
    ("log", "flow-lists", "log NAME -m 'first entry' --kind call"),
    ("follow-up", "flow-lists", "follow-up NAME -m 'send the book' --due 1w"),
    # CRLF line endings
    ("set-company", "crlf", "set NAME company 'Bar AG'"),
    ("set-tags", "crlf", "set NAME tags a b c"),
    ("set-new-key", "crlf", "set NAME city Hamburg"),
    ("unset-tags", "crlf", "unset NAME tags"),
    ("log", "crlf", "log NAME -m Pasta --kind lunch"),
    ("done", "crlf", "done NAME"),
    ("follow-up", "crlf", "follow-up NAME -m 'send the slides' --due 2026-12-01"),
    # a BOM
    ("set-city", "bom", "set NAME city Berlin"),
    ("set-new-key", "bom", "set NAME company 'Acme GmbH'"),
    ("unset-city", "bom", "unset NAME city"),
    ("log", "bom", "log NAME -m 'met at the meetup'"),
    ("follow-up", "bom", "follow-up NAME -m 'call back' --due 2026-12-24"),
    # a BOM, CRLF and no final newline
    ("log", "bom-crlf-no-final-newline", "log NAME -m 'second meetup' --kind event"),
    ("set-name", "bom-crlf-no-final-newline", "set NAME name 'Lena Hoffmann'"),
    ("follow-up", "bom-crlf-no-final-newline", "follow-up NAME -m 'invite' --due 2026-12-01"),
    # no final newline
    ("log", "no-final-newline", "log NAME -m 'coffee at the harbour' --kind coffee"),
    ("follow-up", "no-final-newline", "follow-up NAME -m 'send the link' --due 2026-12-01"),
    ("set-company", "no-final-newline", "set NAME company 'Nordlicht AG'"),
    # quoted and unquoted values
    ("set-colon", "quoted", "set NAME company 'Other: Systems'"),
    ("set-name", "quoted", "set NAME name 'Eleni P.'"),
    ("set-flag", "quoted", "set NAME vouches true"),
    ("set-offers", "quoted", "set NAME offers 'call me, any time'"),
    ("set-met-same", "quoted", "set NAME met 2019-04-01"),
    # YAML 1.1 look-alikes
    ("set-country-same", "yaml11", "set NAME country NO"),
    ("set-country", "yaml11", "set NAME country SE"),
    ("set-phone", "yaml11", "set NAME phone 0170999"),
    ("set-time", "yaml11", "set NAME call 12:45"),
    ("set-answer", "yaml11", "set NAME answer no"),
    ("set-tags", "yaml11", "set NAME tags on off yes"),
    ("set-link", "yaml11", "set NAME introduced_by '[[Jane Doe]]'"),
    ("set-birthday", "yaml11", "set NAME birthday 03-14"),
    # emoji
    ("log", "emoji", "log NAME -m 'coffee again 🎉' --kind ☕ --date 2026-05-01"),
    ("done", "emoji", "done NAME seeds"),
    ("set-name", "emoji", "set NAME name 'Ana Lima 🌼'"),
    ("set-tags", "emoji", "set NAME tags 🌻 garden 🌼"),
    # a --- line and a fenced code block in the body
    ("log", "dashes-in-body", "log NAME -m lunch --date 2026-03-01"),
    ("follow-up", "dashes-in-body", "follow-up NAME -m 'send the recording' --due 2026-12-01"),
    ("set", "dashes-in-body", "set NAME cadence 3m"),
    # no front matter
    ("set", "no-front-matter", "set NAME company Acme"),
    ("log", "no-front-matter", "log NAME -m 'Oslo meetup' --kind event"),
    ("follow-up", "no-front-matter", "follow-up NAME -m 'send photos' --due 2026-12-01"),
    ("snooze", "no-front-matter", "snooze NAME 2027-03-01"),
    # empty front matter and empty sections
    ("set", "empty-front-matter", "set NAME company Acme"),
    ("log", "empty-front-matter", "log NAME -m 'first coffee' --kind coffee"),
    ("follow-up", "empty-front-matter", "follow-up NAME -m 'call' --due 2026-12-01"),
    # a log kept newest first
    ("log-backdated", "newest-first", "log NAME -m 'phone call' --date 2026-07-01"),
    ("log-today", "newest-first", "log NAME -m 'coffee'"),
    ("log-future", "newest-first", "log NAME -m 'planned lunch' --date 2027-01-10"),
    ("follow-up", "newest-first", "follow-up NAME -m 'send the paper' --due 2026-12-15"),
    ("done", "newest-first", "done NAME book"),
    ("unset", "newest-first", "unset NAME last_contact"),
    # a line that begins with inline code (not a fence), and a fence holding a fence
    ("log", "inline-code", "log NAME -m 'call about Stack1' --date 2026-11-02"),
    ("follow-up", "inline-code", "follow-up NAME -m 'review the release' --due 2026-12-10"),
    # Obsidian templates: lists holding an empty item ("-", "- ", "  -", "  - ")
    ("set-tags", "obsidian-empty-items", "set NAME tags a b"),
    ("set-tags-one", "obsidian-empty-items", "set NAME tags cloud"),
    ("set-aliases", "obsidian-empty-items", "set NAME aliases Janie 'J. Roe'"),
    ("set-new-list", "obsidian-empty-items", "set NAME emails jane@example.com"),
    ("unset-tags", "obsidian-empty-items", "unset NAME tags"),
    ("log", "obsidian-empty-items", "log NAME -m 'call' --date 2026-11-02"),
    ("set-tags", "obsidian-empty-items-crlf", "set NAME tags a b"),
    ("set-aliases", "obsidian-empty-items-crlf", "set NAME aliases Max"),
    ("set-aliases-two", "obsidian-empty-items-crlf", "set NAME aliases Max Maxi Mäx"),
    ("set-new-list", "obsidian-empty-items-crlf", "set NAME phones 0170123 '+49 30 1234'"),
    ("unset-aliases", "obsidian-empty-items-crlf", "unset NAME aliases"),
]

_TAKES_TODAY = {"log", "follow-up", "done", "snooze", "add"}


def run_case(tmp_path: Path, source: str, command: str) -> tuple[bytes, bytes, Any]:
    vault = tmp_path / "vault"
    (vault / "contacts").mkdir(parents=True)
    note = vault / "contacts" / f"{source}.md"
    shutil.copyfile(CORPUS / "input" / f"{source}.md", note)
    before = note.read_bytes()
    words = [f"contacts/{source}.md" if w == "NAME" else w for w in shlex.split(command)]
    if words[0] in _TAKES_TODAY:
        words += ["--today", TODAY]
    result = CliRunner().invoke(main, ["--vault", str(vault), *words, "--no-commit"])
    return before, note.read_bytes(), result


def show_diff(a: bytes, b: bytes) -> str:
    return "".join(
        difflib.unified_diff(
            a.decode().splitlines(True), b.decode().splitlines(True), "expected", "actual"
        )
    )


@pytest.mark.parametrize(
    ("case", "source", "command"), CASES, ids=[f"{s}.{c}" for c, s, _ in CASES]
)
def test_golden(tmp_path: Path, case: str, source: str, command: str) -> None:
    before, after, result = run_case(tmp_path, source, command)
    assert result.exit_code == 0, result.output
    expected_path = CORPUS / "expected" / f"{source}.{case}.md"
    if os.environ.get("NETZMD_UPDATE_GOLDEN"):
        expected_path.write_bytes(after)
    expected = expected_path.read_bytes()
    assert after == expected, show_diff(expected, after)
    if after == before:
        assert "nothing changed" in result.output
    else:
        assert parse_note("x.md", after).ok


def test_every_input_is_used_and_every_expected_file_has_a_case() -> None:
    inputs = {p.stem for p in (CORPUS / "input").glob("*.md")}
    assert inputs == {source for _, source, _ in CASES}
    expected = {p.name for p in (CORPUS / "expected").glob("*.md")}
    assert expected == {f"{s}.{c}.md" for c, s, _ in CASES}
    commands = {shlex.split(command)[0] for _, _, command in CASES}
    assert commands == {"set", "unset", "log", "follow-up", "done", "snooze"}


def test_no_op_cases_leave_the_bytes_alone() -> None:
    for case in ("quoted.set-met-same", "yaml11.set-country-same"):
        source = case.split(".")[0]
        assert (CORPUS / "expected" / f"{case}.md").read_bytes() == (
            CORPUS / "input" / f"{source}.md"
        ).read_bytes()


def test_changed_lines_are_only_the_intended_ones() -> None:
    """Beyond the exact bytes: in every golden case, the lines removed or changed belong to the
    key that was set, or are the ticked task or the last_contact bump of a body edit. (Line
    endings are left out here: the exact bytes above pin them; a last line without a newline
    gains one when a line is added after it.)"""

    def lines(path: Path) -> list[str]:
        return [line.removesuffix("\r") for line in path.read_bytes().decode().split("\n")]

    for case, source, command in CASES:
        before = lines(CORPUS / "input" / f"{source}.md")
        after = lines(CORPUS / "expected" / f"{source}.{case}.md")
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        removed = [
            line for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal"
            for line in before[i1:i2]
        ]  # fmt: skip
        verb = shlex.split(command)[0]
        if verb in ("log", "follow-up", "done"):
            # body edits remove nothing, except a ticked task line or a last_contact bump
            assert all(
                line.lstrip("\ufeff").startswith(("last_contact:", "- [ ]")) or line == ""
                for line in removed
            ), (case, source, removed)
        if verb in ("set", "snooze", "unset"):
            key = "snooze_until" if verb == "snooze" else shlex.split(command)[2].split(".")[0]
            for line in removed:
                stripped = line.strip().lstrip("\ufeff")
                assert (
                    stripped.startswith((f"{key}:", "- ", "#", "max.m@"))
                    or stripped == "-"  # an empty list item
                    or line.startswith("  ")
                    or not stripped
                ), (case, source, line)


# --- YAML scalars -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("Acme GmbH", "Acme GmbH"),
        ("NO", '"NO"'),
        ("no", '"no"'),
        ("Yes", '"Yes"'),
        ("y", '"y"'),
        ("off", '"off"'),
        ("null", '"null"'),
        ("~", '"~"'),
        ("0170123", '"0170123"'),
        ("0170129", '"0170129"'),
        ("+49170123", '"+49170123"'),
        ("+49 170 123", "+49 170 123"),
        ("12:30", '"12:30"'),
        ("190:20:30", '"190:20:30"'),
        ("1e3", '"1e3"'),
        ("0x1F", '"0x1F"'),
        ("0o17", '"0o17"'),
        (".inf", '".inf"'),
        ("1_000", '"1_000"'),
        ("3.14", '"3.14"'),
        ("2026-11-27", '"2026-11-27"'),
        ("2001-12-14 21:59:43", '"2001-12-14 21:59:43"'),
        ("--03-14", '"--03-14"'),
        ("3m", "3m"),
        ("[[Jane Doe]]", '"[[Jane Doe]]"'),
        ("- item", '"- item"'),
        ("a: b", '"a: b"'),
        ("ends with:", '"ends with:"'),
        ("a #hash", '"a #hash"'),
        ("a#b", "a#b"),
        ("#tag", '"#tag"'),
        ("&anchor", '"&anchor"'),
        ("*alias", '"*alias"'),
        ("!tag", '"!tag"'),
        ("|", '"|"'),
        (">", '">"'),
        ("'single'", "\"'single'\""),
        ('say "hi"', 'say "hi"'),
        ('"quoted"', '"\\"quoted\\""'),
        ("%percent", '"%percent"'),
        ("@at", '"@at"'),
        ("`tick", '"`tick"'),
        (" padded ", '" padded "'),
        ("tab\there", '"tab\\there"'),
        ("two\nlines", '"two\\nlines"'),
        ("back\\slash", "back\\slash"),
        ("=", '"="'),
        ("<<", '"<<"'),
        ("", '""'),
        ("Zoë 🌻", "Zoë 🌻"),
        ("bom\ufeffinside", '"bom\\ufeffinside"'),
        ("line\u2028sep", '"line\\u2028sep"'),
        ("nel\x85", '"nel\\u0085"'),
        ("bell\x07", '"bell\\u0007"'),
        ("https://example.com/a?b=c#d", "https://example.com/a?b=c#d"),
    ],
)
def test_yaml_scalar(text: str, written: str) -> None:
    assert edit.yaml_scalar(text) == written
    for loader in (yaml.SafeLoader, yaml.BaseLoader):  # YAML 1.1, and no implicit types at all
        assert yaml.load(f"k: {written}\n", Loader=loader) == {"k": text}
    from netzmd.notes.yamlread import load_mapping

    assert load_mapping(f"k: {written}\n")[0] == {"k": text}


@pytest.mark.parametrize(
    ("text", "flow"), [("a, b", '"a, b"'), ("[x]", '"[x]"'), ("a:b", '"a:b"'), ("{", '"{"')]
)
def test_yaml_scalar_in_a_flow_list(text: str, flow: str) -> None:
    assert edit.yaml_scalar(text, flow=True) == flow
    assert yaml.safe_load(f"k: [{flow}, z]") == {"k": [text, "z"]}


printable_text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=30
)


@given(printable_text)
@settings(max_examples=400, deadline=None)
@example("0b101")
@example("+.5")
@example("-.inf")
@example("2001-12-14t21:59:43.10-05:00")
@example("Null")
def test_yaml_scalar_reads_back_everywhere(text: str) -> None:
    from netzmd.notes.yamlread import load_mapping

    written = edit.yaml_scalar(text)
    assert "\n" not in written
    assert yaml.safe_load(f"k: {written}\n") == {"k": text}  # a YAML 1.1 reader
    assert load_mapping(f"k: {written}\n")[0] == {"k": text}  # netzmd
    flow = edit.yaml_scalar(text, flow=True)
    assert yaml.safe_load(f"k: [{flow}, z]\n") == {"k": [text, "z"]}


# --- Values from the command line -----------------------------------------------------------


def test_value_for() -> None:
    assert edit.value_for("tags", ["#a", "b", "a", ""]) == ["a", "b"]
    assert edit.value_for("company", ["Bar", "AG"]) == "Bar AG"
    assert edit.value_for("languages", ["de", "en"], existing=["de"]) == ["de", "en"]
    assert edit.value_for("vouches", ["yes"]) is True
    assert edit.value_for("archived", ["false"]) is False
    assert edit.value_for("last_contact", ["2026-11-27"]) == date(2026, 11, 27)
    assert edit.value_for("birthday", ["03-14"]) == "--03-14"
    assert edit.value_for("birthday", ["1990-09-28"]) == date(1990, 9, 28)
    assert edit.value_for("dates.kid", ["--02-29"]) == "--02-29"
    assert edit.value_for("circle", ["Competence"]) == "competence"
    assert edit.value_for("cadence", ["6w"]) == "6w"


@pytest.mark.parametrize(
    ("key", "values", "message"),
    [
        ("vouches", ["maybe"], "true or false"),
        ("last_contact", ["2023-02-29"], "not a date"),
        ("last_contact", ["--03-14"], "not a date"),
        ("snooze_until", ["2026-11-27", "x"], "takes one value"),
        ("birthday", ["May"], "not a date"),
        ("dates.kid", ["--02-30"], "not a date"),
        ("circle", ["friends"], "unknown circle"),
        ("cadence", ["often"], "not understood"),
        ("company", [" "], "empty"),
        ("tags", ["#"], "at least one"),
        ("company", ["two\nlines"], "one line"),
        ("company", ["bell\x07"], "control character"),
        ("company", ["\udcff"], "not valid text"),
    ],
)
def test_value_for_refuses(key: str, values: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        edit.value_for(key, values)


def test_file_name_for() -> None:
    assert edit.file_name_for("Jane Doe") == "Jane Doe"
    assert edit.file_name_for('AC/DC: "Live" #1 [b] ^x <y> | a\\b * ?') == (
        "AC-DC- -Live- -1 -b- -x -y- - a-b - -"
    )
    assert edit.file_name_for("  .hidden. ") == "hidden"
    assert edit.file_name_for("CON") == "CON_"
    assert edit.file_name_for("Zoe\u0308") == "Zoë"  # NFC
    with pytest.raises(UsageError):
        edit.file_name_for("...")
    with pytest.raises(UsageError, match="too long"):
        edit.file_name_for("x" * 300)


# --- Property tests: generated front matter and bodies ------------------------------------------

KEYS = ["name", "company", "role", "offers", "coffee", "tags", "aliases", "last_contact", "x-y"]
LIST_KEYS = {"tags", "aliases"}
words = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cf", "Zl", "Zp", "Cn")),
    min_size=1,
    max_size=12,
)
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))
BODY_LINES = [
    "## Log",
    "- 2026-01-01 [call] x",
    "---",
    "...",
    "text 🌻",
    "",
    "```",
    "- [ ] task 📅 2026-01-01",
    "key: not front matter",
    "# heading",
]


EMPTY_ITEM_TAILS = ["", " ", "   ", " # empty", "    # aligned"]


def empty_item_list(
    draw: st.DrawFn, key: str, items: list[str], dash: str | None = None
) -> tuple[list[str], list[str | None]]:
    """A block list with at least one empty item among ``items``, in one of the forms
    ``-``, ``- ``, ``  -``, ``  - `` (some with a comment): its lines and the value it reads as."""
    dash = dash if dash is not None else draw(st.sampled_from(["-", "  -"]))
    slots: list[str | None] = list(items)
    for _ in range(draw(st.integers(1, 2))):
        slots.insert(draw(st.integers(0, len(slots))), None)
    lines = [f"{key}:"]
    for slot in slots:
        if draw(st.integers(0, 4)) == 0:
            lines.append(dash.replace("-", "# between"))
        if slot is None:
            lines.append(dash + draw(st.sampled_from(EMPTY_ITEM_TAILS)))
        else:
            lines.append(f"{dash} {edit.yaml_scalar(slot)}")
    return lines, slots


@st.composite
def entries(draw: st.DrawFn, key: str) -> tuple[list[str], Any]:
    """One front-matter entry in some style: its lines and the value it reads as."""
    comment = draw(st.sampled_from(["", "  # note", " # x", "      # aligned"]))
    if key == "last_contact":
        when = draw(dates)
        return [f"{key}: {when.isoformat()}{comment}"], when
    if key in LIST_KEYS:
        items = draw(st.lists(words, min_size=1, max_size=4))
        style = draw(st.sampled_from(["flow", "block", "block0", "scalar", "empty-items"]))
        if style == "empty-items":  # Obsidian's templates: "tags:" then "- " or "  -"
            lines, value = empty_item_list(draw, key, items)
            return [lines[0] + comment, *lines[1:]], value
        if style == "scalar":
            return [f"{key}: {edit.yaml_scalar(items[0])}{comment}"], items[0]
        if style == "flow":
            flow = ", ".join(edit.yaml_scalar(i, flow=True) for i in items)
            return [f"{key}: [{flow}]{comment}"], items
        dash = "  - " if style == "block" else "- "
        return [f"{key}:{comment}"] + [dash + edit.yaml_scalar(i) for i in items], items
    style = draw(st.sampled_from(["plain", "single", "double", "empty", "literal"]))
    value = draw(words)
    if style == "empty":
        return [f"{key}:{comment}"], None
    if style == "literal":
        text = draw(st.lists(st.text("abc #:-", min_size=1, max_size=8), min_size=1, max_size=3))
        text = [t.strip() for t in text if t.strip()] or ["abc"]  # one indentation for all
        return [f"{key}: |{comment}"] + [f"  {t}" for t in text], "\n".join(text) + "\n"
    if style == "single":
        return [f"{key}: '{value.replace(chr(39), chr(39) * 2)}'{comment}"], value
    if style == "double":
        return [f"{key}: {edit.quote(value)}{comment}"], value
    return [f"{key}: {edit.yaml_scalar(value)}{comment}"], value


@st.composite
def notes(draw: st.DrawFn) -> dict[str, Any]:
    """A note: its text, and where each front-matter entry is (line indices, BOM left out)."""
    keys = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=len(KEYS)))
    has_fm = bool(keys) or draw(st.booleans())
    lines: list[str] = ["---"] if has_fm else []
    spans: dict[str, tuple[int, int]] = {}
    values: dict[str, Any] = {}
    # An indented "# …" line after a "|" block is part of its text; and once an entry between
    # them is removed, it would join the block (netzmd refuses that edit). Keep them apart.
    literal = False
    for key in keys:
        if draw(st.booleans()):
            between = ["", "# a comment"] + ([] if literal else ["  # indented comment"])
            lines.append(draw(st.sampled_from(between)))
        entry_lines, value = draw(entries(key))
        literal = literal or entry_lines[0].split("#")[0].rstrip().endswith("|")
        spans[key] = (len(lines), len(lines) + len(entry_lines) - 1)
        values[key] = value
        lines += entry_lines
    if has_fm:
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["", "# last"])))
        append_at = len(lines)
        while lines[append_at - 1] == "" and append_at > 1:
            append_at -= 1
        lines.append("---")
    else:
        append_at = 0
    body = draw(st.lists(st.sampled_from(BODY_LINES) | words, max_size=6))
    if has_fm or (body and body[0] != "---"):
        lines += body
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    final = draw(st.booleans())
    text = bom + eol.join(lines) + (eol if final and lines else "")
    return {
        "text": text,
        "spans": spans,
        "values": values,
        "append_at": append_at,
        "has_fm": has_fm,
    }


def split(text: str) -> list[str]:
    body = text.removeprefix("\ufeff")
    return body.splitlines(keepends=True) if "\r" not in body.replace("\r\n", "") else [body]


def new_value(key: str) -> st.SearchStrategy[Any]:
    if key in LIST_KEYS:
        return st.lists(words, min_size=1, max_size=5)
    if key == "last_contact":
        return dates
    return words | st.sampled_from(["NO", "0170123", "12:30", "yes", "[[Link]]", "--03-14"])


@given(st.data())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_set_changes_only_its_key(data: st.DataObject) -> None:
    note = data.draw(notes())
    text: str = note["text"]
    assume_readable(text)
    key = data.draw(st.sampled_from(KEYS))
    value = data.draw(new_value(key))
    before_fields = edit.read_fields(text)
    new = edit_front.set_field(text, key, value)
    after_fields = edit.read_fields(new)
    # reads back as intended; nothing else in the front matter changed, nor its order
    assert edit.same(after_fields[key], value)
    expected = dict(before_fields)
    expected[key] = value
    assert list(after_fields) == list(expected)
    assert all(edit.same(after_fields[k], expected[k]) for k in expected if k != key)
    assert parse_note("n.md", new.encode()).ok
    assert new.startswith("\ufeff") == text.startswith("\ufeff")
    old_lines, new_lines = split(text), split(new)
    if key in note["spans"]:  # only the entry's own lines changed
        start, end = note["spans"][key]
        assert new_lines[:start] == old_lines[:start]
        tail = len(old_lines) - end - 1
        assert new_lines[len(new_lines) - tail :] == old_lines[end + 1 :]
        if tail:
            assert len(new_lines) >= tail
    elif note["has_fm"]:  # lines inserted where the front matter ends, nothing else
        at = note["append_at"]
        added = len(new_lines) - len(old_lines)
        assert added >= 1
        assert new_lines[:at] == old_lines[:at]
        assert new_lines[at + added :] == old_lines[at:]
    else:  # a new front matter on top
        assert new.removeprefix("\ufeff").endswith(text.removeprefix("\ufeff"))
    # setting it again, or to the value it had, writes nothing
    assert edit_front.set_field(new, key, value) == new
    if key in before_fields and before_fields[key] is not None:
        assert edit_front.set_field(text, key, before_fields[key]) == text


@given(st.data())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_unset_removes_only_its_lines(data: st.DataObject) -> None:
    note = data.draw(notes())
    text: str = note["text"]
    assume_readable(text)
    key = data.draw(st.sampled_from(KEYS))
    new = edit_front.unset_field(text, key)
    if key not in note["spans"]:
        assert new == text
        return
    start, end = note["spans"][key]
    old_lines = split(text)
    assert split(new) == old_lines[:start] + old_lines[end + 1 :]
    fields = edit.read_fields(text)
    del fields[key]
    assert edit.same(edit.read_fields(new), fields)


@given(st.data())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_lists_with_empty_items_are_edited_byte_minimally(data: st.DataObject) -> None:
    """Obsidian's empty list item (``tags:`` then ``- `` or ``  -``): ``set`` replaces the list,
    adds to it, and makes a new list after it; only the list's item lines change, kept items
    and comment lines stay byte for byte, every new item line is the list's dash, one space and
    the value; ``unset`` removes exactly the key and its lines."""
    key = data.draw(st.sampled_from(["tags", "aliases"]))
    dash = data.draw(st.sampled_from(["-", "  -"]))
    kept = data.draw(st.lists(words, max_size=3, unique=True))
    lines, _ = empty_item_list(data.draw, key, kept, dash)
    before = ["---", "name: X  # the name"]
    after = ["circle: career", "---", "", "## Log", "", "- 2026-01-01 call"]
    eol = data.draw(st.sampled_from(["\n", "\r\n"]))
    text = eol.join(before + lines + after) + eol
    mode = data.draw(st.sampled_from(["replace", "add", "new key"]))
    if mode == "replace":
        value = data.draw(st.lists(words, min_size=1, max_size=4, unique=True))
    elif mode == "add":  # set KEY with the items it has plus more
        extra = data.draw(st.lists(words, min_size=1, max_size=3, unique=True))
        value = kept + [w for w in extra if w not in kept]
    else:
        value = data.draw(st.lists(words, min_size=1, max_size=3, unique=True))
    target = "emails" if mode == "new key" else key
    new = edit_front.set_field(text, target, value)
    fields = edit.read_fields(new)
    assert edit.same(fields[target], value)
    assert {k: v for k, v in fields.items() if k != target} == {
        k: v for k, v in edit.read_fields(text).items() if k != target
    }
    old_lines, new_lines = text.split(eol), new.split(eol)
    head, tail = len(before) + 1, len(after) + 1  # the key line stays too
    assert new_lines[:head] == old_lines[:head]
    if mode == "new key":  # a new list at the end, in the style of the one with empty items
        at = len(old_lines) - len(after)  # after "circle: career", before "---"
        made = ["emails:"] + [f"{dash} {edit.yaml_scalar(v)}" for v in value]
        assert new_lines == old_lines[:at] + made + old_lines[at:]
        return
    assert new_lines[-tail:] == old_lines[-tail:]
    old_list, new_list = old_lines[head:-tail], new_lines[head:-tail]
    made = [line for line in new_list if line not in old_list]
    comments = [line for line in old_list if line.lstrip().startswith("#")]
    assert [line for line in new_list if line.lstrip().startswith("#")] == comments
    for line in made:  # a new item, or an empty one filled in (keeping its comment)
        assert line.startswith(f"{dash} ") and not line.startswith(f"{dash}  "), line
    if mode == "add":
        items = [line for line in old_list if line.startswith(f"{dash} ") and line.strip("- ")]
        items = [line for line in items if not line.lstrip("- ").startswith("#")]
        assert [line for line in new_list if line in items] == items  # kept byte for byte
    # the lines that changed are at most the empty items and the new values
    empties = len([line for line in old_list if line not in new_list])
    assert len(made) <= len(value) and empties <= len(old_list) - len(comments)
    assert edit_front.set_field(new, target, value) == new
    unset = edit_front.unset_field(text, key)
    assert unset.split(eol) == old_lines[: head - 1] + old_lines[-tail:]


def assume_readable(text: str) -> None:
    from hypothesis import assume

    assume(parse_note("n.md", text.encode()).ok)


@given(
    st.lists(dates, min_size=0, max_size=6),
    st.booleans(),
    dates,
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
@settings(max_examples=200, deadline=None)
def test_log_keeps_date_order(
    existing: list[date], newest_first: bool, when: date, eol: str, final: bool
) -> None:
    ordered = sorted(existing, reverse=newest_first)
    lines = ["---", "name: X", "---", "", "## Log", ""]
    lines += [f"- {d.isoformat()} entry {i}" for i, d in enumerate(ordered)]
    lines += ["", "## Follow-ups", "", "- [ ] something"]
    text = eol.join(lines) + (eol if final else "")
    new = edit_body.add_log_entry(text, when, "call", "new one", ["[[Jane Doe]]"])
    new_lines = split(new)
    added = [i for i, line in enumerate(new_lines) if "new one" in line]
    assert len(added) == 1
    got = [
        date.fromisoformat(line[2:12])
        for line in new_lines
        if line.startswith("- ") and "[ ]" not in line
    ]
    real_newest_first = newest_first and len(set(ordered)) > 1 and ordered[0] > ordered[-1]
    assert got == sorted(got, reverse=real_newest_first)
    assert new_lines[added[0]] == f"- {when.isoformat()} [call] new one (with [[Jane Doe]]){eol}"
    # everything else is untouched
    assert [line for i, line in enumerate(new_lines) if i != added[0]] == split(text) or (
        not ordered and new_lines.count(eol) == split(text).count(eol) + 1
    )


# --- Pure edits: the unusual shapes ------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "key", "value", "after"),
    [
        # an empty dates: gets its first label, the comment stays on its line
        ("---\ndates:\n---\n", "dates.kid", "--03-14", '---\ndates:\n  kid: "--03-14"\n---\n'),
        ("---\ndates:   # c\n---\n", "dates.x", date(2020, 1, 2),
         "---\ndates:   # c\n  x: 2020-01-02\n---\n"),
        ("---\nname: A\n---\n", "dates.x", date(2020, 1, 2),
         "---\nname: A\ndates:\n  x: 2020-01-02\n---\n"),
        ("---\ndates:\n    a: 2020-01-01\n---\n", "dates.b", date(2021, 1, 1),
         "---\ndates:\n    a: 2020-01-01\n    b: 2021-01-01\n---\n"),
        # keys indented as a whole, and a front matter closed with "..."
        ("---\n  name: x\n  city: y\n---\n", "company", "A",
         "---\n  name: x\n  city: y\n  company: A\n---\n"),
        ("---\nname: x\n...\nbody\n", "city", "B", "---\nname: x\ncity: B\n...\nbody\n"),
        # an alias is a value like any other
        ("---\na: &x foo\nb: *x\n---\n", "b", "baz", "---\na: &x foo\nb: baz\n---\n"),
        # multi-line values become one line
        ("---\noffers: one\n  two\ncity: x\n---\n", "offers", "z",
         "---\noffers: z\ncity: x\n---\n"),
        ("---\nnotes: |  # c\n  a\n\n  b\n\ncity: x\n---\n", "notes", "z",
         "---\nnotes: z\n\ncity: x\n---\n"),
        ("---\nemail:   # two\n  - a@x\n  - b@x\n---\n", "email", "c@x",
         "---\nemail: c@x   # two\n---\n"),
        ("---\nmisc:\n  a: 1\nz: 2\n---\n", "misc", "text", "---\nmisc: text\nz: 2\n---\n"),
        # lists: a scalar becomes a flow list; a new list follows the note's block style
        ("---\ntags: one\n---\n", "tags", ["a", "b"], "---\ntags: [a, b]\n---\n"),
        ("---\naliases:\n  - A\n---\n", "tags", ["x", "y z"],
         "---\naliases:\n  - A\ntags:\n  - x\n  - y z\n---\n"),
        ("---\ntags: [a, b]\n---\n", "tags", ["a: b", "[c]", "NO"],
         '---\ntags: ["a: b", "[c]", "NO"]\n---\n'),
        ("---\ntags: [a,b]\n---\n", "tags", ["a", "b", "c"], "---\ntags: [a,b,c]\n---\n"),
        ("---\ntags:\n- a   # keep\n- b\n---\n", "tags", ["a", "c"],
         "---\ntags:\n- a   # keep\n- c\n---\n"),
        ("---\ntags:\n  - a\n  - b\n---\n", "tags", ["z", "a", "b"],
         "---\ntags:\n  - z\n  - a\n  - b\n---\n"),
        # an empty item (Obsidian's templates) is filled in, a comment on it stays
        ("---\ntags:\n- \n---\n", "tags", ["a", "b"], "---\ntags:\n- a\n- b\n---\n"),
        ("---\ntags:\n  -\n---\n", "tags", ["a"], "---\ntags:\n  - a\n---\n"),
        ("---\ntags:\n  - x\n  -   # later\n---\n", "tags", ["x", "z"],
         "---\ntags:\n  - x\n  - z  # later\n---\n"),
        ("---\ntags:\n-\n---\n", "aliases", ["J"], "---\ntags:\n-\naliases:\n- J\n---\n"),
        # quoted and unusual keys
        ('---\n"my key": 1\n---\n', "my key", "2", '---\n"my key": "2"\n---\n'),
        ("---\nname: x\n---\n", "a: b", "x", '---\nname: x\n"a: b": x\n---\n'),
        ("---\nname: x\n---\n", "yes", "x", '---\nname: x\n"yes": x\n---\n'),
        # an empty value, and a comment-only front matter
        ("---\nrole:\n---\n", "role", "", '---\nrole: ""\n---\n'),
        ("---\n# only a comment\n---\n", "city", "Köln",
         "---\n# only a comment\ncity: Köln\n---\n"),
        # no front matter at all: one is made on top, after a BOM, in the note's line endings
        ("", "city", "X", "---\ncity: X\n---\n"),
        ("\ufeffbody\r\n", "city", "X", "\ufeff---\r\ncity: X\r\n---\r\nbody\r\n"),
    ],
)  # fmt: skip
def test_set_field_shapes(before: str, key: str, value: Any, after: str) -> None:
    assert edit_front.set_field(before, key, value) == after
    assert edit_front.set_field(after, key, value) == after


@pytest.mark.parametrize(
    ("before", "key", "after"),
    [
        ("---\ndates:\n  a: 2020-01-01\n  b: 2021-01-01   # b\n  c: --01-01\n---\n", "dates.b",
         "---\ndates:\n  a: 2020-01-01\n  c: --01-01\n---\n"),
        ("---\ndates: {a: 2020-01-01}\n---\n", "dates.a", "---\n---\n"),
        ("---\nname: x\n---\n", "dates.a", "---\nname: x\n---\n"),
        ("---\nname: x\n---\n", "city", "---\nname: x\n---\n"),
        ("no front matter\n", "city", "no front matter\n"),
        ("---\nnotes: >\n  folded\n  text\n# after\ncity: x\n---\n", "notes",
         "---\n# after\ncity: x\n---\n"),
    ],
)  # fmt: skip
def test_unset_field_shapes(before: str, key: str, after: str) -> None:
    assert edit_front.unset_field(before, key) == after


@pytest.mark.parametrize(
    ("text", "key", "value", "message"),
    [
        ("---\na: &x foo\nb: *x\n---\n", "a", "bar", "would break the note .*undefined alias"),
        ("---\na: &x [1]\nb: *x\n---\n", "b", "z", None),  # fine: b is only an alias
        ("---\nx: &x {k: v}\ny:\n  <<: *x\n---\n", "x", "z", "break the note"),
        ("---\n{a: 1}\n---\n", "a", "2", "one {…} mapping"),
        ("---\n? complex\n: value\n---\n", "complex", "x", "complex key"),
        ("---\nname: a\x85b\n---\n", "city", "x", "unusual line-break"),
        ("---\ndates: [a]\n---\n", "dates.x", date(2020, 1, 1), "not a mapping"),
        ("---\nname: [x\n---\n", "city", "x", "line 2"),
        ("---\nname: x\n", "city", "x", "never closed"),
    ],
)
def test_set_field_refuses_what_it_cannot_do_safely(
    text: str, key: str, value: Any, message: str | None
) -> None:
    if message is None:
        assert edit.read_fields(edit_front.set_field(text, key, value))[key] == value
        return
    with pytest.raises(EditError, match=message):
        edit_front.set_field(text, key, value)


def test_a_comment_that_would_join_a_block_scalar_is_refused() -> None:
    text = "---\nnotes: |\n  a\ntags: [x]\n  # about the tags\ncity: y\n---\n"
    with pytest.raises(EditError, match="check notes"):
        edit_front.unset_field(text, "tags")


def test_bump_last_contact() -> None:
    text = "---\nlast_contact: 2026-01-01   # manual\n---\n"
    assert edit_front.bump_last_contact(text, date(2026, 2, 1)) == (
        "---\nlast_contact: 2026-02-01   # manual\n---\n"
    )
    assert edit_front.bump_last_contact(text, date(2025, 2, 1)) == text
    assert edit_front.bump_last_contact("---\nname: x\n---\n", date(2026, 2, 1)) == (
        "---\nname: x\n---\n"
    )
    unreadable = "---\nlast_contact: last week\n---\n"
    assert edit_front.bump_last_contact(unreadable, date(2026, 2, 1)) == unreadable


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("", "## Log\n\n- 2026-11-27 hi\n"),
        ("\n", "\n## Log\n\n- 2026-11-27 hi\n"),
        ("text", "text\n\n## Log\n\n- 2026-11-27 hi"),
        ("## LOG ##\n", "## LOG ##\n\n- 2026-11-27 hi\n"),
        ("## Log\ntext\n", "## Log\ntext\n\n- 2026-11-27 hi\n"),
        ("## Log\n- other item\n## Next\n", "## Log\n- other item\n- 2026-11-27 hi\n\n## Next\n"),
        ("## Log\n\n### 2026\n\n- 2026-01-01 a\n", "## Log\n\n### 2026\n\n- 2026-01-01 a\n"
         "- 2026-11-27 hi\n"),
        ("# Log\n\n- 2027-01-01 a\n  more\n\n## Sub\n",
         "# Log\n\n- 2026-11-27 hi\n- 2027-01-01 a\n  more\n\n## Sub\n"),
        ("```\n## Log\n```\n", "```\n## Log\n```\n\n## Log\n\n- 2026-11-27 hi\n"),
        ("  - 2026-01-01 a\n## Log\n  - 2026-01-01 a\n", "  - 2026-01-01 a\n## Log\n"
         "  - 2026-01-01 a\n  - 2026-11-27 hi\n"),
        # entries with a time of day are in date order too
        ("## Log\n- 2026-11-01T09:00 a\n- 2026-12-08 10:00 b\n",
         "## Log\n- 2026-11-01T09:00 a\n- 2026-11-27 hi\n- 2026-12-08 10:00 b\n"),
        # a line that begins with inline code opens no fence
        ("```x``` y\n## Log\n- 2026-01-01 a\n", "```x``` y\n## Log\n- 2026-01-01 a\n"
         "- 2026-11-27 hi\n"),
    ],
)  # fmt: skip
def test_log_entry_placement(before: str, after: str) -> None:
    assert edit_body.add_log_entry(before, date(2026, 11, 27), None, "hi") == after


@pytest.mark.parametrize(
    ("line", "ticked"),
    [
        ("- [ ] call 📅 2026-12-01", "- [x] call 📅 2026-12-01 ✅ 2026-11-27"),
        ("- [/] started", "- [x] started ✅ 2026-11-27"),
        ("  * [ ] nested ^abc-1", "  * [x] nested ✅ 2026-11-27 ^abc-1"),
        ("- [ ] trailing spaces   ", "- [x] trailing spaces ✅ 2026-11-27"),
    ],
)
def test_tick_follow_up(line: str, ticked: str) -> None:
    for eol in ("\n", "\r\n"):
        text = f"---{eol}name: x{eol}---{eol}{line}{eol}- [ ] other{eol}"
        assert edit_body.tick_follow_up(text, 4, date(2026, 11, 27)) == text.replace(line, ticked)


@pytest.mark.parametrize(("line", "message"), [(1, "not an open task"), (9, "not in the note")])
def test_tick_follow_up_refuses(line: int, message: str) -> None:
    with pytest.raises(EditError, match=message):
        edit_body.tick_follow_up("- [x] done\n- [ ] open\n", line, date(2026, 11, 27))


def test_add_follow_up_after_the_last_task_of_its_section() -> None:
    text = "## Follow-ups\n\n- [ ] a\n  - [ ] sub\n- [x] b\n\n## Follow up later\n"
    assert edit_body.add_follow_up(text, "c", date(2026, 12, 1)) == (
        "## Follow-ups\n\n- [ ] a\n  - [ ] sub\n- [x] b\n- [ ] c 📅 2026-12-01\n\n"
        "## Follow up later\n"
    )
    assert edit_body.add_follow_up("body\n", "c", None) == "body\n\n## Follow-ups\n\n- [ ] c\n"


def test_read_fields_refuses_unreadable_front_matter() -> None:
    with pytest.raises(EditError, match="line 3"):
        edit.read_fields("---\na: 1\na: 2\n---\n")
    with pytest.raises(EditError, match="not a mapping"):
        edit.read_fields("---\n- a\n---\n")
    assert edit.read_fields("---\n---\n") == {}
    assert edit.read_fields("\ufeff---\r\nd: 2026-01-01\r\n---\r\n") == {"d": date(2026, 1, 1)}


# --- recurring follow-ups (🔁) ------------------------------------------------------------------

_DAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("task", "following", "ticked"),
    [
        (
            "- [ ] call Max 🔁 every 3 months 📅 2026-11-30",
            "- [ ] call Max 🔁 every 3 months 📅 2027-02-28",
            "- [x] call Max 🔁 every 3 months 📅 2026-11-30 ✅ 2026-11-27",
        ),
        (  # other dates keep their distance to the due date; a block id stays with the ticked
            "- [ ] mow 🔁 every 2 weeks ⏳ 2021-10-28 📅 2021-10-30 ^mow",
            "- [ ] mow 🔁 every 2 weeks ⏳ 2021-11-11 📅 2021-11-13",
            "- [x] mow 🔁 every 2 weeks ⏳ 2021-10-28 📅 2021-10-30 ✅ 2026-11-27 ^mow",
        ),
        (  # when done: from the day it is ticked
            "- [ ] sweep 🔁 every week when done ⏳ 2021-02-06",
            "- [ ] sweep 🔁 every week when done ⏳ 2026-12-04",
            "- [x] sweep 🔁 every week when done ⏳ 2021-02-06 ✅ 2026-11-27",
        ),
        (  # the created date is today's; an in-progress task recurs as open
            "  * [/] lunch ⏫ 🔁 every month on the last Friday ➕ 2026-01-01 🛫 2026-11-20",
            "  * [ ] lunch ⏫ 🔁 every month on the last Friday ➕ 2026-11-27 🛫 2026-11-27",
            "  * [x] lunch ⏫ 🔁 every month on the last Friday ➕ 2026-01-01 🛫 2026-11-20"
            " ✅ 2026-11-27",
        ),
        (  # id and dependencies stay with the ticked one, as in Tasks
            "- [ ] b 🆔 step2 ⛔ step1,x-0 🔁 every day 📅 2026-11-27",
            "- [ ] b 🔁 every day 📅 2026-11-28",
            "- [x] b 🆔 step2 ⛔ step1,x-0 🔁 every day 📅 2026-11-27 ✅ 2026-11-27",
        ),
        (  # no date: as it is
            "- [ ] ring 🔁 every year",
            "- [ ] ring 🔁 every year",
            "- [x] ring 🔁 every year ✅ 2026-11-27",
        ),
    ],
)
def test_recurring_task_gets_its_next_occurrence_above(
    task: str, following: str, ticked: str
) -> None:
    for eol in ("\n", "\r\n"):
        text = (
            f"---{eol}name: x{eol}---{eol}- [ ] first{eol}{task}{eol}- [x] old ✅ 2026-01-01{eol}"
        )
        lines = text.split(eol)
        assert edit_body.tick_follow_up(text, 5, _DAY).split(eol) == [
            *lines[:4],
            following,
            ticked,
            *lines[5:],
        ]


@pytest.mark.parametrize(
    ("task", "message"),
    [
        ("- [ ] x 🔁 every blue moon 📅 2026-11-30", "by a rule netzmd does not understand"),
        ("- [ ] x 🔁 every 12 months on the 30th 📅 2026-02-01", "no next date"),
    ],
)
def test_recurring_task_with_a_rule_netzmd_cannot_follow_is_not_ticked(
    task: str, message: str
) -> None:
    with pytest.raises(EditError, match=message):
        edit_body.tick_follow_up(f"{task}\n", 1, _DAY)


# --- the after-edit safety checks: each guard fires on a faulty edit -----------------------------
#
# The edits are right today, so these checks never fire in the tests above. Here a faulty edit is
# injected (an inner edit function wrapped to corrupt what it did) to show that each check catches
# it, and that through the command line nothing is written.

NOTE = (
    "\ufeff---\nname: Max Mustermann\ncompany: Acme\ntags: [a, b]\n---\n\n## Log\n\n"
    "- 2026-11-01 [call] first\n\n## Follow-ups\n\n- [ ] ask 📅 2026-12-01\n"
)


def _corrupt_section(
    monkeypatch: pytest.MonkeyPatch, corrupt: Any, *, line: Any = None
) -> list[str]:
    """Wrap ``edit_body._add_to_section``: ``line(text)`` changes the line it adds, ``corrupt(doc)``
    changes the document after it."""
    original = edit_body._add_to_section
    calls: list[str] = []

    def faulty(doc: Any, title: Any, heading: str, text: str, place: Any) -> None:
        calls.append(text)
        original(doc, title, heading, line(text) if line else text, place)
        if corrupt is not None:
            corrupt(doc)

    monkeypatch.setattr(edit_body, "_add_to_section", faulty)
    return calls


def _drop_bom(doc: Any) -> None:
    doc.bom = ""


def _touch_front_matter(doc: Any) -> None:
    doc.lines[2] = doc.lines[2].replace("Acme", "Acme AG")


def _untick(doc: Any) -> None:
    doc.lines[:] = [ln.replace("- [ ] ask", "- [x] ask") for ln in doc.lines]


@pytest.mark.parametrize(
    ("corrupt", "message"),
    [
        (_drop_bom, "would change the front matter"),
        (_touch_front_matter, "would change the front matter"),
    ],
)
def test_body_edits_refuse_to_change_the_bom_or_front_matter(
    monkeypatch: pytest.MonkeyPatch, corrupt: Any, message: str
) -> None:
    calls = _corrupt_section(monkeypatch, corrupt)
    with pytest.raises(EditError, match=message):
        edit_body.add_log_entry(NOTE, date(2026, 11, 20), "lunch", "pasta")
    with pytest.raises(EditError, match=message):
        edit_body.add_follow_up(NOTE, "call", date(2026, 12, 5))
    assert len(calls) == 2  # the faulty edit ran each time


def test_the_bom_guard_compares_the_bom_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding a BOM to a note without one is a change too."""
    plain = NOTE.removeprefix("\ufeff")

    def add_bom(doc: Any) -> None:
        doc.bom = "\ufeff"

    _corrupt_section(monkeypatch, add_bom)
    with pytest.raises(EditError, match="would change the front matter"):
        edit_body.add_log_entry(plain, date(2026, 11, 20), None, "pasta")


@pytest.mark.parametrize(
    ("line", "corrupt"),
    [
        (lambda text: text.replace("pasta", "pizza"), None),  # another text
        (lambda text: text.replace("2026-11-20", "2026-11-21"), None),  # another day
        (lambda text: text.replace("[lunch] ", ""), None),  # the kind lost
        (lambda text: text + "\n- [ ] extra", None),  # a task slipped in
        (None, _untick),  # another task changed
        (lambda text: "some text", None),  # not a log entry at all
    ],
)
def test_a_log_entry_that_does_not_read_back_is_refused(
    monkeypatch: pytest.MonkeyPatch, line: Any, corrupt: Any
) -> None:
    _corrupt_section(monkeypatch, corrupt, line=line)
    with pytest.raises(EditError, match="the log entry would not read back as written"):
        edit_body.add_log_entry(NOTE, date(2026, 11, 20), "lunch", "pasta")


@pytest.mark.parametrize(
    ("line", "corrupt"),
    [
        (lambda text: text.replace("call", "fall"), None),  # another text
        (lambda text: text.replace("2026-12-05", "2026-12-06"), None),  # another due date
        (lambda text: text.replace("- [ ]", "- [x]"), None),  # written as done
        (lambda text: text + "\n- 2026-11-02 [call] extra", None),  # a log entry slipped in
        (None, _untick),  # another task changed
    ],
)
def test_a_follow_up_that_does_not_read_back_is_refused(
    monkeypatch: pytest.MonkeyPatch, line: Any, corrupt: Any
) -> None:
    _corrupt_section(monkeypatch, corrupt, line=line)
    with pytest.raises(EditError, match="the follow-up would not read back as written"):
        edit_body.add_follow_up(NOTE, "call", date(2026, 12, 5))


def _corrupt_set_top(monkeypatch: pytest.MonkeyPatch, corrupt: Any) -> None:
    original = edit_front._set_top

    def faulty(doc: Any, key: str, value: Any) -> None:
        original(doc, key, value)
        corrupt(doc)

    monkeypatch.setattr(edit_front, "_set_top", faulty)


@pytest.mark.parametrize(
    ("corrupt", "message"),
    [
        (  # front matter that no longer parses
            lambda doc: doc.lines.insert(2, "company: twice\n"),
            r"the edit would break the note \(line \d+: .*\); nothing was written",
        ),
        (  # valid, but another key changed too
            lambda doc: doc.lines.__setitem__(1, "name: Erika Mustermann\n"),
            r"would not read back as intended \(check name\)",
        ),
        (  # valid, the same keys, in another order
            lambda doc: doc.lines.__setitem__(slice(1, 3), [doc.lines[2], doc.lines[1]]),
            r"would not read back as intended \(check the key order\)",
        ),
        (  # the body changed
            lambda doc: doc.lines.append("- [ ] smuggled\n"),
            "would change the body of the note",
        ),
    ],
)
def test_front_matter_edits_that_do_not_read_back_are_refused(
    monkeypatch: pytest.MonkeyPatch, corrupt: Any, message: str
) -> None:
    _corrupt_set_top(monkeypatch, corrupt)
    with pytest.raises(EditError, match=message):
        edit_front.set_field(NOTE, "city", "Hamburg")


def test_unset_that_does_not_read_back_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    class Shifty(edit.Doc):  # type: ignore[misc]
        __slots__ = ()

        def text(self) -> str:
            return super().text().replace("tags: [a, b]", "tags: [a]")

    monkeypatch.setattr(edit_front, "Doc", Shifty)
    with pytest.raises(EditError, match=r"would not read back as intended \(check tags\)"):
        edit_front.unset_field(NOTE, "company")


def test_a_tick_that_does_not_read_back_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "- [ ] call 🔁 every week 📅 2026-11-30\n- [ ] other\n"
    # the next occurrence written as done
    monkeypatch.setattr(
        edit_body, "next_occurrence", lambda task, today: "- [x] call 🔁 every week"
    )
    with pytest.raises(EditError, match="the next occurrence would not read back as written"):
        edit_body.tick_follow_up(text, 1, _DAY)
    # the next occurrence with another text
    monkeypatch.setattr(
        edit_body, "next_occurrence", lambda task, today: "- [ ] fall 🔁 every week"
    )
    with pytest.raises(EditError, match="the next occurrence would not read back as written"):
        edit_body.tick_follow_up(text, 1, _DAY)
    # two lines where one was meant: the ticked task is not where it should be
    monkeypatch.setattr(edit_body, "next_occurrence", lambda task, today: "- [ ] a\n- [ ] b")
    with pytest.raises(EditError, match="the ticked task would not read back as done"):
        edit_body.tick_follow_up(text, 1, _DAY)
    # no next occurrence but a line added all the same: the other task moved
    monkeypatch.setattr(edit_body, "next_occurrence", lambda task, today: None)
    original = edit.Doc.text

    def with_extra(self: Any) -> str:
        return original(self) + "- [ ] other\n"

    monkeypatch.setattr(edit.Doc, "text", with_extra)
    with pytest.raises(EditError, match="the ticked task would not read back as done"):
        edit_body.tick_follow_up(text, 1, _DAY)


def test_a_faulty_edit_through_the_command_line_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "vault"
    (root / "contacts").mkdir(parents=True)
    note = root / "contacts" / "Max Mustermann.md"
    note.write_bytes(NOTE.encode())
    before = note.read_bytes()
    _corrupt_section(monkeypatch, _drop_bom)
    _corrupt_set_top(monkeypatch, lambda doc: doc.lines.append("- [ ] smuggled\n"))
    runner = CliRunner()
    for args in (
        ["log", "Max", "-m", "pasta", "--today", TODAY],
        ["follow-up", "Max", "-m", "call", "--due", "2026-12-05", "--today", TODAY],
        ["set", "Max", "city", "Hamburg"],
    ):
        result = runner.invoke(main, ["--vault", str(root), *args])
        assert result.exit_code != 0, (args, result.output)
        assert "nothing was written" in result.output, result.output
        assert "Traceback" not in result.output
        assert note.read_bytes() == before
    assert sorted(p.name for p in note.parent.iterdir()) == ["Max Mustermann.md"]


# --- replacing list items -------------------------------------------------------------------------


def test_replacing_a_block_list_item_keeps_its_line_quoting_and_comment() -> None:
    text = (
        "---\nname: Max\ntags:\n"
        "  - 'ex-colleague'   # from Acme\n"
        "  # a comment line between items\n"
        "  - python           # replace me\n"
        '  - "speaker"\n'
        "city: Hamburg\n---\n"
    )
    new = edit_front.set_field(text, "tags", ["ex-colleague", "golang", "speaker"])
    assert new == text.replace(
        "  - python           # replace me", "  - golang           # replace me"
    )
    # a quoted value replaced: written as it needs to be, the comment kept in its column
    new = edit_front.set_field(text, "tags", ["ex-colleague", "go: lang", "speaker"])
    assert new == text.replace(
        "  - python           # replace me", '  - "go: lang"       # replace me'
    )
    # two replaced, one dropped: the comment line between items stays
    new = edit_front.set_field(text, "tags", ["a", "b"])
    assert new == (
        "---\nname: Max\ntags:\n"
        "  - a                # from Acme\n"
        "  # a comment line between items\n"
        "  - b                # replace me\n"
        "city: Hamburg\n---\n"
    )


def test_replacing_a_flow_list_item_keeps_the_quoting_of_the_others() -> None:
    text = "---\ntags: ['ex-colleague', \"cloud\", python]  # mine\n---\n"
    new = edit_front.set_field(text, "tags", ["ex-colleague", "cloud", "golang"])
    assert new == "---\ntags: ['ex-colleague', \"cloud\", golang]  # mine\n---\n"
    tight = "---\ntags: [ a,b ]\n---\n"
    assert edit_front.set_field(tight, "tags", ["a", "c"]) == "---\ntags: [ a,c ]\n---\n"
    assert edit_front.set_field(tight, "tags", []) == "---\ntags: []\n---\n"


# --- edges a mutation run found unpinned ---------------------------------------------------------


@pytest.mark.parametrize(
    ("cp", "printable"),
    [
        (0x1F, False),
        (0x20, True),
        (0x7E, True),
        (0x7F, False),
        (0x9F, False),
        (0xA0, True),
        (0xD7FF, True),
        (0xD800, False),
        (0xDFFF, False),
        (0xE000, True),
        (0xFFFD, True),
        (0xFFFE, False),
        (0xFFFF, False),
        (0x10000, True),
        (0x10FFFF, True),
        (0x85, False),
        (0x2028, False),
        (0x2029, False),
        (0xFEFF, False),
    ],
)
def test_printable_at_the_edges_of_its_ranges(cp: int, printable: bool) -> None:
    ch = chr(cp)
    assert edit._printable(ch) is printable
    written = edit.yaml_scalar(f"a{ch}b")
    if printable:
        assert written == f"a{ch}b"
    else:
        escape = f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}"
        assert written == f'"a{escape}b"'


def test_file_name_for_allows_exactly_240_bytes() -> None:
    assert edit.file_name_for("x" * 237) == "x" * 237  # + ".md": 240 bytes
    with pytest.raises(UsageError, match="over 240 bytes"):
        edit.file_name_for("x" * 238)
    assert edit.file_name_for("ü" * 118 + "x") == "ü" * 118 + "x"  # 237 bytes in UTF-8
    with pytest.raises(UsageError, match="over 240 bytes"):
        edit.file_name_for("ü" * 119)


def test_plain_is_safe_outside_a_flow_list_by_default() -> None:
    assert edit.plain_is_safe("a, b") is True
    assert edit.plain_is_safe("a, b", flow=True) is False
    assert edit.plain_is_safe("[x]") is False


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "(none)"),
        (True, "true"),
        (False, "false"),
        (date(2026, 11, 27), "2026-11-27"),
        (["a", date(2026, 1, 2), True], "a, 2026-01-02, true"),
        ([], "[]"),
        ({"start": date(2020, 1, 1), "x": None}, "{start: 2020-01-01, x: (none)}"),
        ("text", "text"),
        (3, "3"),
    ],
)
def test_show(value: Any, shown: str) -> None:
    assert edit.show(value) == shown


def test_a_body_edit_refuses_front_matter_that_is_never_closed() -> None:
    text = "---\nname: Max\n\n## Log\n"
    with pytest.raises(EditError, match="the front matter opened on line 1 is never closed"):
        edit_body.add_log_entry(text, date(2026, 11, 20), None, "pasta")
    with pytest.raises(EditError, match="never closed"):
        edit_body.add_follow_up(text, "call", None)


@pytest.mark.parametrize(
    "text",
    [
        "---\ntags: [&a x, y]\n---\n",
        "---\ntags: [!!str x, y]\n---\n",
        "---\ntags:\n  - &a x\n  - y\n---\n",
        "---\ntags: !!seq [x, y]\n---\n",
        "---\ntags: &t [x, y]\n---\n",
    ],
)
def test_a_list_with_an_anchor_or_a_tag_is_rewritten_whole(text: str) -> None:
    """Items are edited in place only in plain lists: an anchor or tag is not carried over."""
    assert edit_front.set_field(text, "tags", ["x", "z"]) == "---\ntags: [x, z]\n---\n"


def test_a_list_of_the_same_meaning_is_left_as_written() -> None:
    """A date written unquoted in a list of texts is the same text: nothing to do."""
    text = "---\ntags: [2026-01-01, a]\n---\n"
    assert edit_front.set_field(text, "tags", ["2026-01-01", "a"]) == text
    assert edit_front.set_field(text, "tags", ["b", "a"]) == "---\ntags: [b, a]\n---\n"


def test_changing_a_list_that_holds_an_unquoted_date_keeps_the_date_as_text() -> None:
    """A plain item that reads as a date (or true/null) is re-quoted when the list is set, so
    that it reads back as the text that was set; other kept items stay byte for byte."""
    text = "---\ntags: [2026-01-01, a, yes]\n---\n"
    new = edit_front.set_field(text, "tags", ["2026-01-01", "b", "yes"])
    assert new == '---\ntags: ["2026-01-01", b, yes]\n---\n'
    assert edit.read_fields(new) == {"tags": ["2026-01-01", "b", "yes"]}
    block = "---\ntags:\n  - true  # kept\n  - a\n  - null\n---\n"
    new = edit_front.set_field(block, "tags", ["true", "c", "null"])
    assert new == '---\ntags:\n  - "true"  # kept\n  - c\n  - "null"\n---\n'
    assert edit.read_fields(new) == {"tags": ["true", "c", "null"]}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("company: |\n  multi\n  line\n", "company: X\n"),
        ("company: >-\n  multi\n\n", "company: X\n\n"),
        ("company:\n  - a\n  - b\n", "company: X\n"),
        ('company: "a\n  b"\n', "company: X\n"),
        ("company: {a: b}\n", "company: X\n"),
        ("company:\n  a\n", "company: X\n"),
        ("company: 'a'  # c\n", "company: X    # c\n"),
        ("company: Acmeco  # c\n", "company: X       # c\n"),  # an aligned comment keeps its column
        ("company: Acme # c\n", "company: X # c\n"),  # one space: not aligned
        ("company:   # c\n", "company: X  # c\n"),
    ],
)
def test_replacing_a_value_of_any_shape_by_one_line(before: str, after: str) -> None:
    text = f"---\n{before}role: x\n---\n"
    assert edit_front.set_field(text, "company", "X") == f"---\n{after}role: x\n---\n"


def test_replacing_a_block_list_item_over_two_lines() -> None:
    text = '---\ntags:\n  - "long\n    item"  \n  - b\ncity: x\n---\n'
    assert (
        edit_front.set_field(text, "tags", ["x", "b"]) == "---\ntags:\n  - x\n  - b\ncity: x\n---\n"
    )
    assert edit_front.set_field(text, "tags", ["b"]) == "---\ntags:\n  - b\ncity: x\n---\n"


def test_a_log_entry_goes_into_the_log_section_between_others() -> None:
    text = (
        "## Notes\n\n- 2026-03-01 noted, not logged\n\n## Log\n\n- 2026-01-01 a\n\n"
        "## Follow-ups\n\n- [ ] x\n"
    )
    assert edit_body.add_log_entry(text, date(2026, 2, 1), None, "b") == text.replace(
        "- 2026-01-01 a\n", "- 2026-01-01 a\n- 2026-02-01 b\n"
    )
    assert edit_body.add_follow_up(text, "y", None) == text + "- [ ] y\n"


def test_a_block_list_item_over_two_lines_that_stays_keeps_its_lines() -> None:
    text = '---\ntags:\n  - "long\n    item"  # c\n  - b\ncity: x\n---\n'
    assert edit_front.set_field(text, "tags", ["long item", "c"]) == text.replace(
        "  - b\n", "  - c\n"
    )
    assert edit_front.set_field(text, "tags", ["a", "long item"]) == text.replace(
        'tags:\n  - "long', 'tags:\n  - a\n  - "long'
    ).replace("  - b\n", "")


def test_a_log_entry_is_placed_among_the_log_items_only() -> None:
    """A dated list item in an earlier section is no log entry, whatever its date."""
    text = (
        "## Notes\n\nintro\n- 2026-03-01 noted, not logged\n\n## Log\n\n- 2026-01-01 a\n\n"
        "## Follow-ups\n\n- [ ] x\n"
    )
    assert edit_body.add_log_entry(text, date(2026, 2, 1), None, "b") == text.replace(
        "- 2026-01-01 a\n", "- 2026-01-01 a\n- 2026-02-01 b\n"
    )


@pytest.mark.parametrize("value", ["[a, b]", "{a: b}", "[]", "{ a: [b, c] }"])
def test_replacing_a_flow_value_keeps_the_comment_after_it(value: str) -> None:
    """A comment after a one-line flow list or mapping stays when a scalar replaces it (it was
    dropped before), at its column where it can."""
    text = f"---\ncompany: {value}  # c\ncity: x\n---\n"
    new = edit_front.set_field(text, "company", "X")
    assert new.startswith("---\ncompany: X") and new.endswith("  # c\ncity: x\n---\n")
    assert edit.read_fields(new) == {"company": "X", "city": "x"}


def test_a_new_list_is_written_like_the_first_block_list_of_texts() -> None:
    """The model is the first block list whose first item is text: not a list of mappings, not
    a mapping, not a flow list."""
    text = (
        "---\ndates:\n  start: 2020-01-01\npeople:\n  - {n: 1}\n  - x\nflow: [a]\n"
        "tags:\n    -  a\n---\n"
    )
    assert edit_front.set_field(text, "aliases", ["p", "q"]) == text.removesuffix("---\n") + (
        "aliases:\n    -  p\n    -  q\n---\n"
    )
    assert edit_front.set_field("---\nname: x\n---\n", "aliases", ["p", "q"]) == (
        "---\nname: x\naliases: [p, q]\n---\n"
    )


def test_a_new_list_item_is_written_like_the_first_item_with_a_value() -> None:
    assert edit_front.set_field("---\ntags:\n  -   a\n---\n", "tags", ["a", "b"]) == (
        "---\ntags:\n  -   a\n  -   b\n---\n"
    )
    assert edit_front.set_field("---\ntags:\n  -\n  -   a\n---\n", "tags", ["a", "b"]) == (
        "---\ntags:\n  -   a\n  -   b\n---\n"
    )


def test_a_space_before_the_colon_stays() -> None:
    assert edit_front.set_field("---\ncompany :\n  - a\n---\n", "company", "X") == (
        "---\ncompany : X\n---\n"
    )
    assert edit_front.set_field("---\ncompany  :  # c\n---\n", "company", "X") == (
        "---\ncompany  : X  # c\n---\n"
    )


def test_a_flow_list_over_several_lines_is_read_whole_for_its_separator() -> None:
    """The separator of a flow list (", " or ",") is taken from all its lines, the middle too."""
    text = "---\ntags: [a\n  ,b, c\n  ]\ncity: x\n---\n"
    assert edit_front.set_field(text, "tags", ["a", "b", "c", "d"]) == (
        "---\ntags: [a, b, c, d]\ncity: x\n---\n"
    )


def test_a_same_day_entry_goes_above_its_day_in_a_newest_first_log() -> None:
    """In a newest-first log a new entry lands above the entries of its own day (below the
    newer ones); in an oldest-first log below them."""
    newest_first = "## Log\n\n- 2026-01-03 c\n- 2026-01-02 b\n- 2026-01-01 a\n"
    assert edit_body.add_log_entry(newest_first, date(2026, 1, 2), None, "new") == (
        "## Log\n\n- 2026-01-03 c\n- 2026-01-02 new\n- 2026-01-02 b\n- 2026-01-01 a\n"
    )
    oldest_first = "## Log\n\n- 2026-01-01 a\n- 2026-01-02 b\n- 2026-01-03 c\n"
    assert edit_body.add_log_entry(oldest_first, date(2026, 1, 2), None, "new") == (
        "## Log\n\n- 2026-01-01 a\n- 2026-01-02 b\n- 2026-01-02 new\n- 2026-01-03 c\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        "---\ncompany: Acme\nrole: Engineer\ntags:\n  - a\n---\n\n## Log\n",
        "---\r\ncompany: Acme  # mine\r\ncity:\r\n---\r\nbody\r\n",
        "no front matter\n",
        "\ufeff---\nname: Zoë\n---\n",
    ],
)
def test_set_fields_is_set_field_one_after_another(text: str) -> None:
    """The import's many-keys edit gives the very bytes of one set_field per key."""
    from netzmd.notes.edit_front import set_field, set_fields

    values = {
        "former": ["Acme"],
        "company": "Globex",
        "city": "Köln",
        "linkedin": "https://www.linkedin.com/in/x",
        "emails": ["a@example.org", "b@example.org"],
        "met": "2019-03-27 (LinkedIn)",
    }
    one_by_one = text
    for key, value in values.items():
        one_by_one = set_field(one_by_one, key, value)
    assert set_fields(text, values) == one_by_one
    assert set_fields(one_by_one, values) == one_by_one  # nothing to change: the same text


def test_a_remembered_front_matter_is_a_new_copy_each_time() -> None:
    from netzmd.notes.yamlread import load_mapping, remembering

    text = "tags: [a, b]\ndates:\n  wedding: 2015-06-21\nname: Zoë\n"
    with remembering():
        first, lines = load_mapping(text, first_line=2)
        first["tags"].append("mutated")
        first["dates"]["x"] = 1
        lines["name"] = 99
        second, lines_again = load_mapping(text, first_line=2)
    assert second == {"tags": ["a", "b"], "dates": {"wedding": date(2015, 6, 21)}, "name": "Zoë"}
    assert lines_again == {"tags": 2, "dates": 3, "dates.wedding": 4, "name": 5}
    assert load_mapping(text, first_line=2) == (second, lines_again)  # outside: a parse
