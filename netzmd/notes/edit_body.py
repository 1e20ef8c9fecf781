"""Edits of a note's body: a log entry under ``## Log`` in date order, a follow-up under
``## Follow-ups``, ticking a follow-up (with the next occurrence of a recurring one), as the
Obsidian Tasks plugin writes them. Each is read back (``edit.verify_body``) before it is
accepted."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from netzmd.model.contact import Contact, FollowUp
from netzmd.model.dates import parse_iso
from netzmd.notes.edit import (
    Doc,
    EditError,
    head_lines,
    is_blank,
    line_content,
    line_ending,
    same,
    verify_body,
)
from netzmd.notes.note import FOLLOW_UPS_TITLE, HEADING, LOG_TITLE

# --- Body edits -----------------------------------------------------------------------------------

_ITEM_DATE = re.compile(
    r"^(\s*)[-*+]\s+(?:\[\[(\d{4}-\d{2}-\d{2})(?:\|[^\]]*)?\]\]|(\d{4}-\d{2}-\d{2}))(?![\d-])"
)
_TASK_ITEM = re.compile(r"^(\s*)[-*+]\s+\[.\]\s")
_OPEN_TASK = re.compile(r"^(\s*[-*+]\s+\[)([ /])(\]\s.*)$")
_BLOCK_ID = re.compile(r"\s+\^[A-Za-z0-9-]+$")
TASK_SIGNS = "📅⏳🛫✅➕❌🔁⏫🔼🔽⏬🔺🆔⛔🏁"


def _body_lines(doc: Doc) -> tuple[int, list[tuple[int, str]]]:
    """The first body line's index and every body line outside fenced code, with its index."""
    from netzmd.notes.note import FENCE_LINE, fence_after

    start = len(head_lines(doc))
    out = []
    opened: str | None = None
    for index in range(start, len(doc.lines)):
        line = line_content(doc.lines[index])
        fence = FENCE_LINE.match(line) if "``" in line or "~~" in line else None
        if fence is not None:
            now = fence_after(opened, fence[1], fence[2])
            if now is not None or opened is not None:  # a fence line, or inside one
                opened = now
                continue
        if opened is None:
            out.append((index, line))
    return start, out


def _section(doc: Doc, title: re.Pattern[str]) -> tuple[int, int] | None:
    """The first heading whose title is ``title``: (its line index, the index where its section
    ends: the next heading of the same or a higher level, or the end of the note)."""
    _, lines = _body_lines(doc)
    found: tuple[int, int] | None = None
    for index, line in lines:
        m = HEADING.match(line)
        if m is None:
            continue
        level = len(m[1])
        if found is not None and level <= found[1]:
            return found[0], index
        if found is None and title.fullmatch(m[2].strip()):
            found = (index, level)
    return (found[0], len(doc.lines)) if found else None


def _item_end(doc: Doc, index: int, end: int) -> int:
    """The index after a list item and its continuation lines (more indented, not blank)."""
    indent = len(doc.lines[index]) - len(doc.lines[index].lstrip())
    at = index + 1
    while at < end:
        line = doc.lines[at]
        if is_blank(line) or len(line) - len(line.lstrip()) <= indent:
            break
        at += 1
    return at


def _add_to_section(
    doc: Doc,
    title: re.Pattern[str],
    heading: str,
    line: str,
    place: Any,
) -> None:
    """Add ``line`` to the section: where ``place(items)`` says among the section's items (a list
    of (index, match)), else after its last line that is not blank; create the section at the end
    of the note when there is none."""
    section = _section(doc, title)
    if section is None:
        new = []
        if doc.lines and not is_blank(doc.lines[-1]):
            new.append("")
        new += [heading, "", line]
        doc.insert(len(doc.lines), new)
        return
    head, end = section
    at = place(head, end)
    if at is not None:
        indent = line_content(doc.lines[at[1]])
        indent = indent[: len(indent) - len(indent.lstrip())]
        doc.insert(at[0], [indent + line])
        return
    last = end - 1
    while last > head and is_blank(doc.lines[last]):
        last -= 1
    new = [line]
    if last == head or not re.match(r"^\s*[-*+]\s", doc.lines[last]):
        new.insert(0, "")
    at_index = last + 1
    if at_index < len(doc.lines) and not is_blank(doc.lines[at_index]):
        new.append("")
    doc.insert(at_index, new)


def _top_items(doc: Doc, head: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, Any]]:
    _, lines = _body_lines(doc)
    found = [(i, m) for i, line in lines if head < i < end and (m := pattern.match(line))]
    if not found:
        return []
    indent = min(len(m[1]) for _, m in found)
    return [(i, m) for i, m in found if len(m[1]) == indent]


def _log_text(message: str, others: Sequence[str]) -> str:
    message = message.strip()
    links = [link for link in others if link not in message]
    return message + (f" (with {', '.join(links)})" if links else "")


def log_line(when: date, kind: str | None, message: str, others: Sequence[str] = ()) -> str:
    """``- 2026-11-20 [lunch] TEXT (with [[Max Mustermann]])``: links to the others present that
    the text does not mention already."""
    return f"- {when.isoformat()} " + (f"[{kind}] " if kind else "") + _log_text(message, others)


def add_log_entry(
    text: str, when: date, kind: str | None, message: str, others: Sequence[str] = ()
) -> str:
    """Add an interaction under the note's ``## Log`` heading (made at the end of the note when
    missing), in date order: whether the log runs oldest or newest first, a backdated entry lands
    in its place. A new entry goes below the entries of its day in an oldest-first log, above
    them in a newest-first one."""
    line = log_line(when, kind, message, others)
    doc = Doc.of(text)

    def place(head: int, end: int) -> tuple[int, int] | None:
        items = _top_items(doc, head, end, _ITEM_DATE)
        dated = [(i, date.fromisoformat(m[2] or m[3])) for i, m in items if parse_iso(m[2] or m[3])]
        if not dated:
            return None
        newest_first = dated[0][1] > dated[-1][1]
        after = [i for i, d in dated if (d > when if newest_first else d <= when)]
        if after:
            return _item_end(doc, after[-1], end), after[-1]
        return dated[0][0], dated[0][0]

    _add_to_section(doc, LOG_TITLE, "## Log", line, place)
    new = doc.text()
    old_c, new_c = verify_body(text, new)
    expected_text = _log_text(message, others)
    old_items = sorted((i.date, i.kind or "", i.text) for i in old_c.interactions)
    new_items = sorted((i.date, i.kind or "", i.text) for i in new_c.interactions)
    wanted = sorted([*old_items, (when, kind or "", expected_text)])
    if (
        new_items != wanted
        or _tasks(old_c) != _tasks(new_c)
        or not same(old_c.fields, new_c.fields)
    ):
        raise EditError(
            "the log entry would not read back as written (check the text for a leading "
            "'[…]' or '- '); nothing was written"
        )
    return new


def _tasks(c: Contact) -> list[tuple[Any, ...]]:
    return [(f.due, f.text, f.done, f.done_on) for f in c.follow_ups]


def follow_up_line(message: str, due: date | None, every: str | None = None) -> str:
    """``- [ ] TEXT 🔁 every … 📅 DUE``, in the order the Tasks plugin writes them."""
    recurs = f" 🔁 {every}" if every else ""
    return f"- [ ] {message}{recurs}" + (f" 📅 {due.isoformat()}" if due else "")


def add_follow_up(text: str, message: str, due: date | None, every: str | None = None) -> str:
    """Add ``- [ ] TEXT 📅 DUE`` (with ``🔁 every …`` when it recurs) after the last task under
    ``## Follow-ups`` (the heading made at the end of the note when missing)."""
    line = follow_up_line(message, due, every)
    doc = Doc.of(text)

    def place(head: int, end: int) -> tuple[int, int] | None:
        items = _top_items(doc, head, end, _TASK_ITEM)
        if not items:
            return None
        last = items[-1][0]
        return _item_end(doc, last, end), last

    _add_to_section(doc, FOLLOW_UPS_TITLE, "## Follow-ups", line, place)
    new = doc.text()
    old_c, new_c = verify_body(text, new)
    wanted = sorted([*_tasks(old_c), (due, message, False, None)], key=repr)
    if (
        sorted(_tasks(new_c), key=repr) != wanted
        or _log(old_c) != _log(new_c)
        or not same(old_c.fields, new_c.fields)
    ):
        raise EditError("the follow-up would not read back as written; nothing was written")
    return new


def _log(c: Contact) -> list[tuple[Any, ...]]:
    return sorted((i.date, i.kind or "", i.text) for i in c.interactions)


def tick_follow_up(text: str, line: int, today: date) -> str:
    """Tick the open task on ``line`` (counted from 1) as the Obsidian Tasks plugin does:
    ``- [x] … ✅ YYYY-MM-DD`` (before a ``^block-id``). A recurring task (``🔁 every …``) gets
    its next occurrence on the line above, its dates moved on by the rule (see
    ``next_occurrence``); the ticked one then is on ``line + 1``."""
    doc = Doc.of(text)
    index = line - 1
    if not 0 <= index < len(doc.lines):
        raise EditError(f"line {line} is not in the note")
    content = line_content(doc.lines[index])
    m = _OPEN_TASK.match(content)
    if m is None:
        raise EditError(f"line {line} is not an open task")
    following = next_occurrence(content, today)
    rest = m[3].rstrip()
    block = _BLOCK_ID.search(rest)
    tail = ""
    if block is not None:
        rest, tail = rest[: block.start()], rest[block.start() :]
    doc.lines[index] = f"{m[1]}x{rest} ✅ {today.isoformat()}{tail}" + line_ending(doc.lines[index])
    if following is not None:
        doc.insert(index, [following])
    new = doc.text()
    old_c, new_c = verify_body(text, new)
    before = {f.line: f for f in old_c.follow_ups}
    after = {f.line: f for f in new_c.follow_ups}
    mine = {line, line + 1} if following is not None else {line}  # the new one, the ticked one
    ticked = after.get(max(mine))
    if (
        line not in before
        or ticked is None
        or not ticked.done
        or ticked.done_on != today
        or _BLOCK_ID.sub("", ticked.text) != _BLOCK_ID.sub("", before[line].text)
        or _others(before, {line}) != _others(after, mine)
        or _log(old_c) != _log(new_c)
    ):
        raise EditError("the ticked task would not read back as done; nothing was written")
    again = after.get(line)
    if following is not None and (
        again is None or again.done or again.text != _BLOCK_ID.sub("", ticked.text)
    ):
        raise EditError("the next occurrence would not read back as written; nothing was written")
    return new


def _others(tasks: dict[int, FollowUp], lines: set[int]) -> list[tuple[Any, ...]]:
    """The follow-ups not on ``lines``, in order, without their line numbers."""
    return [
        (f.due, f.text, f.done, f.done_on) for at, f in sorted(tasks.items()) if at not in lines
    ]


_RECURRENCE = re.compile(
    "🔁\ufe0f?" + r"\s*(.*?)\s*(?=[" + TASK_SIGNS.replace("🔁", "") + r"]|\s\^[A-Za-z0-9-]+\s*$|$)"
)
TASK_DATE = re.compile("([📅⏳🛫])(\ufe0f?" + r"\s*)(\d{4}-\d{2}-\d{2})")
_CREATED = re.compile("(➕\ufe0f?" + r"\s*)\d{4}-\d{2}-\d{2}")
_FINISHED = re.compile(r"\s*[✅❌]" + "\ufe0f?" + r"\s*\d{4}-\d{2}-\d{2}")
# A task's id and what it depends on belong to the ticked one (Tasks drops them too).
_LINKS = re.compile(r"\s*(?:🆔|⛔)" + "\ufe0f?" + r"\s*[A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*")


def next_occurrence(task: str, today: date) -> str | None:
    """The next occurrence of a recurring open task line (None when it has no ``🔁``), as the
    Obsidian Tasks plugin writes it: the same line, open, its due, scheduled and start dates
    moved on by the rule from the first of them there is (or from ``today`` for ``when
    done``) keeping their distances, a created date (``➕``) set to today, and no done date,
    ``^block-id``, id (``🆔``) or dependencies (``⛔``): links keep pointing at the ticked
    one. A task without those dates recurs as it is. A rule netzmd does not understand is an
    error: the task is not ticked."""
    from netzmd.model.recurrence import next_date, parse

    found = _RECURRENCE.search(task)
    if found is None:
        return None
    rule = parse(found[1])
    if rule is None:
        raise EditError(
            f"the follow-up repeats ('🔁 {found[1]}') by a rule netzmd does not understand; "
            "tick it in Obsidian with the Tasks plugin, or write the rule as e.g. 'every "
            "3 months', 'every week on Monday', 'every month on the last Friday'"
        )
    dates = {sign: date.fromisoformat(day) for sign, _, day in TASK_DATE.findall(task)}
    line = _OPEN_TASK.sub(lambda m: m[1] + " " + m[3], task)
    line = _BLOCK_ID.sub("", _LINKS.sub("", _FINISHED.sub("", line)).rstrip())
    line = _CREATED.sub(lambda m: m[1] + today.isoformat(), line)
    reference = next((dates[sign] for sign in "📅⏳🛫" if sign in dates), None)
    if reference is None:
        return line
    moved = next_date(rule, today if rule.when_done else reference)
    if moved is None:
        raise EditError(
            f"'🔁 {found[1]}' gives no next date after {reference.isoformat()} within a hundred "
            "years; change the rule or the date, or tick it in Obsidian"
        )
    shift = moved - reference

    def move(m: re.Match[str]) -> str:
        return m[1] + m[2] + (date.fromisoformat(m[3]) + shift).isoformat()

    try:
        return TASK_DATE.sub(move, line)
    except OverflowError:
        raise EditError("the next occurrence would fall after the year 9999") from None
