"""Reading one note: bytes in, a ``Contact`` and its problems out. Nothing is ever written here.

Line numbers count from the first line of the file, the opening ``---`` being line 1.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from netzmd.model.contact import CIRCLES, Contact, FollowUp, Interaction, Problem
from netzmd.model.dates import PartialDate, cadence_problem

MAX_BYTES = 1024 * 1024

_CONFLICT = re.compile(r"(<{7}|={7}|>{7}|\|{7})(?: |$)")
_MARKERS = "remove the <<<<<<< ======= >>>>>>> lines"
# A list item that is an interaction (groups 1 or 2: the date, 3: the rest; a time of day after
# the date is left out), a task (4: the box's mark, 5: the rest), or one that only looks dated
# (6: emphasis before the date, 7: the date as written, 8: emphasis after it, 9: the rest).
# Matched over the whole body at once, line by line.
_ENTRY = re.compile(
    r"^[ \t]*[-*+][ \t]+(?:"
    r"(?:\[\[(\d{4}-\d{2}-\d{2})(?:\|[^\]\n]*)?\]\]|(\d{4}-\d{2}-\d{2}))(?![\d-])"
    r"(?:(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|[ \t]+\d{1,2}:\d{2}(?::\d{2})?)(?!\w|:\d))?"
    r"[ \t]*(?:[:–—-][ \t]+)?(.*)"
    r"|\[(.)\][ \t]+(.*)"
    r"|([*_`]{0,2})(\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{4})(?!\d)([*_`]{0,2})"
    r"[ \t]*(?:[:–—-][ \t]+)?(.*)"
    r")$",
    re.MULTILINE,
)
_KIND = re.compile(r"^\[([^\[\]]{1,40})\]\s*(?!\()(.*)$")
_DUE = re.compile(r"📅\s*(\d{4}-\d{2}-\d{2})")
_DONE_ON = re.compile(r"✅\s*(\d{4}-\d{2}-\d{2})")
_TASK_SIGNIFIER = re.compile(r"\s*(?:📅|⏳|🛫|✅|➕|❌|🔁|⏫|🔼|🔽|⏬|🔺|🆔|⛔|🏁).*$")
_WIKI = re.compile(r"^\[\[([^\[\]|#^]+)(?:[#^][^\[\]|]*)?(?:\|[^\[\]]*)?\]\]$")


@dataclass(slots=True)
class Parsed:
    """What reading one note gives: the contact (None after an error) and every problem."""

    contact: Contact | None
    problems: list[Problem] = field(default_factory=list)
    text: str = ""
    body_line: int = 1  # the line the body starts on

    @property
    def ok(self) -> bool:
        return self.contact is not None


def contact_id(path: str) -> str:
    """The file name without ``.md``."""
    name = path.rsplit("/", 1)[-1]
    return name[:-3] if name.lower().endswith(".md") else name


def decode(path: str, data: bytes) -> tuple[str | None, Problem | None]:
    """UTF-8 (with or without BOM) to text, or the problem that stops it."""
    if len(data) > MAX_BYTES:
        return None, Problem(
            path, 1, "error", f"file is {len(data):,} bytes, over the 1 MiB limit for a note"
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None, Problem(
            path, 1, "error", "UTF-16 text (it starts with a UTF-16 mark); save the note as UTF-8"
        )
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        return None, Problem(path, line, "error", "binary content (a NUL byte): not a text note")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, Problem(
            path,
            line,
            "error",
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the note as UTF-8",
        )
    return text.removeprefix("\ufeff"), None


def split_front_matter(text: str) -> tuple[str | None, int, int]:
    """Find the front matter: (its text or None, the closing line number, the body's first line).

    Raises ``ValueError`` when an opening ``---`` is never closed."""
    if not text.startswith("---"):
        return None, 0, 1
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if first.rstrip() != "---":
        return None, 0, 1
    lines = text.split("\n")
    for index in range(1, len(lines)):
        stripped = lines[index].rstrip("\r").rstrip()
        if stripped in ("---", "..."):
            # each line keeps its newline: a block scalar (``|``) last in the front matter
            # keeps its final newline, and a CRLF note's last line does not end in a lone CR
            return "".join(f"{line}\n" for line in lines[1:index]), index + 1, index + 2
    raise ValueError("front matter opened on line 1 is never closed with a '---' line")


def parse_note(path: str, data: bytes) -> Parsed:
    """Read a note's bytes. Errors leave ``contact`` None; warnings keep the rest of the contact."""
    text, problem = decode(path, data)
    if text is None:
        assert problem is not None
        return Parsed(None, [problem])
    conflicts = conflict_problems(path, text) if "<<<<<<<" in text or ">>>>>>>" in text else []
    if conflicts:
        return Parsed(None, conflicts, text)
    try:
        fm_text, close_line, body_line = split_front_matter(text)
    except ValueError as exc:
        return Parsed(None, [Problem(path, 1, "error", str(exc))], text)
    key_lines: dict[str, int] = {}
    raw: Any = None
    if fm_text is not None:
        from netzmd.notes.yamlread import FrontMatterError, load_mapping

        try:
            raw, key_lines = load_mapping(fm_text.replace("\r\n", "\n"), first_line=2)
        except FrontMatterError as exc:
            line = min(exc.line, close_line)
            return Parsed(None, [Problem(path, line, "error", exc.message)], text)
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            kind = "a list" if isinstance(raw, list) else "a single value"
            return Parsed(
                None,
                [
                    Problem(
                        path,
                        2,
                        "error",
                        f"front matter is {kind}, not a mapping of 'key: value' lines",
                    )
                ],
                text,
            )
    builder = _Builder(path, raw or {}, key_lines)
    contact = builder.build()
    _read_body(contact, text[_line_offset(text, body_line) :], body_line, builder.problems)
    return Parsed(contact, builder.problems, text, body_line)


# The note's sections, as the reader finds them and the writer adds to them: an ATX heading, and
# the titles of the Log and Follow-ups sections.
HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*(?:[ \t]#+[ \t]*)?$")
LOG_TITLE = re.compile(r"log", re.IGNORECASE)
FOLLOW_UPS_TITLE = re.compile(r"follow[- ]?ups?", re.IGNORECASE)


def conflict_problems(path: str, text: str) -> list[Problem]:
    """One error for every git conflict block (at its ``<<<<<<<`` line) and every marker left
    over outside one. In the Log or Follow-ups section the advice is to keep the lines of both
    sides: keeping one side would drop the other side's interactions or tasks."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    close = 0  # the front matter's closing line (0-based; 0: none)
    if lines[0].rstrip() == "---":
        close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), 0)
    problems: list[Problem] = []
    headings: list[tuple[int, str]] = []  # the headings the current line is under
    fence: str | None = None
    opened: tuple[int, str] | None = None  # the <<<<<<< line and the section it is in

    def report(at: int, where: str) -> None:
        if where == "stray":
            advice = (
                f"a git conflict marker ('{lines[at][:7]}') with no conflict around it: remove "
                "the line"
            )
        elif where == "unclosed":
            advice = (
                "a git conflict that is never closed (no >>>>>>> line after it): resolve it "
                f"and {_MARKERS}"
            )
        elif where == "Log":
            advice = (
                "git conflict markers in the Log section: keep the lines of both sides (each "
                f"line is an interaction; keeping one side would drop the other's) and {_MARKERS}"
            )
        elif where == "Follow-ups":
            advice = (
                "git conflict markers in the Follow-ups section: keep the lines of both sides "
                "(each line is a task; keeping one side would drop the other's; a task both "
                f"sides changed stays once) and {_MARKERS}"
            )
        else:
            advice = f"git conflict markers: resolve the conflict (keep one side) and {_MARKERS}"
        problems.append(Problem(path, at + 1, "error", advice))

    for index, line in enumerate(lines):
        marker = _CONFLICT.match(line)
        if marker is not None:  # in a code block too: git does not know Markdown
            kind = marker[1][0]
            if kind == "<":
                if opened is not None:  # the one before was never closed
                    report(opened[0], "unclosed")
                where = (
                    "front matter"
                    if index < close
                    else _section_of(headings, LOG_TITLE, FOLLOW_UPS_TITLE)
                )
                opened = (index, where)
            elif kind == ">":
                report(*(opened or (index, "stray")))
                opened = None
            elif kind == "|" and opened is None:
                report(index, "stray")
            continue  # "=======" alone is a heading's underline, not a conflict
        if index <= close:
            continue
        run = FENCE_LINE.match(line) if "``" in line or "~~" in line else None
        if run is not None:
            now = fence_after(fence, run[1], run[2])
            if now is not None or fence is not None:
                fence = now
                continue
        heading = HEADING.match(line) if fence is None and line.startswith("#") else None
        if heading is not None:
            level = len(heading[1])
            while headings and headings[-1][0] >= level:
                headings.pop()
            headings.append((level, heading[2].strip()))
    if opened is not None:
        report(opened[0], "unclosed")
    problems.sort(key=lambda p: p.line)
    return problems


def _section_of(
    headings: list[tuple[int, str]], log: re.Pattern[str], follow_ups: re.Pattern[str]
) -> str:
    """The section under ``headings`` (innermost first) when it is the Log or the Follow-ups,
    else ""."""
    for _, title in reversed(headings):
        if log.fullmatch(title):
            return "Log"
        if follow_ups.fullmatch(title):
            return "Follow-ups"
    return ""


class _Builder:
    """Turns the front-matter mapping into a Contact, one warning per bad field."""

    def __init__(self, path: str, raw: dict[Any, Any], key_lines: dict[str, int]) -> None:
        self.path = path
        self.raw = raw
        self.lines = key_lines
        self.problems: list[Problem] = []

    def warn(self, key: str, message: str) -> None:
        line = self.lines.get(key) or self.lines.get(key.split(".", 1)[0], 1)
        self.problems.append(Problem(self.path, line, "warning", message))

    def build(self) -> Contact:
        ident = unicodedata.normalize("NFC", contact_id(self.path))
        c = Contact(id=ident, path=self.path, name=ident)
        fields: dict[str, Any] = {}
        for key, value in self.raw.items():
            key_text = str(key)
            value = self._unwrap_link(key_text, value)
            fields[key_text] = _jsonable(value)
        c.fields = fields
        get = self.raw.get
        c.name = self.text("name") or ident
        c.aliases = self.strings("aliases") + self.strings("alias")
        circle = self.text("circle")
        if circle is not None:
            if circle.lower() in CIRCLES:
                c.circle = circle.lower()
            else:
                self.warn(
                    "circle",
                    f"unknown circle '{circle}': use career, competence or publication",
                )
        c.tags = [t.lstrip("#") for t in self.strings("tags") + self.strings("tag") if t.strip("#")]
        c.company = self.text("company")
        c.role = self.text("role")
        c.city = self.text("city")
        c.emails = self.strings("email") + self.strings("emails")
        c.phones = self.strings("phone") + self.strings("phones")
        c.birthday = self.partial_date("birthday")
        c.dates = self.labelled_dates()
        cadence = self.text("cadence")
        if cadence is not None:
            problem = cadence_problem(cadence)
            if problem is not None:
                self.warn("cadence", f"cadence '{cadence}' {problem}")
            else:
                c.cadence = cadence
        c.last_contact_field = self.full_date("last_contact")
        c.snooze_until = self.full_date("snooze_until")
        met = get("met")
        c.met = met.isoformat() if isinstance(met, date) else self.text("met")
        c.introduced_by = self.link("introduced_by")
        c.vouches = self.flag("vouches")
        c.offers = self.text("offers")
        c.offer_date = self.full_date("offer_date")
        c.former = self.strings("former")
        c.archived = self.flag("archived")
        return c

    def _unwrap_link(self, key: str, value: Any) -> Any:
        """``key: [[Jane Doe]]`` unquoted is a nested list to YAML; warn and keep the link."""
        if (
            isinstance(value, list)
            and len(value) == 1
            and isinstance(value[0], list)
            and len(value[0]) == 1
            and isinstance(value[0][0], str)
        ):
            target = value[0][0]
            self.warn(
                key,
                f"unquoted wiki-link: YAML reads [[{target}]] as a nested list; "
                f'write {key}: "[[{target}]]"',
            )
            fixed = f"[[{target}]]"
            self.raw[key] = fixed
            return fixed
        return value

    def text(self, key: str) -> str | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            return value.strip() or None
        if isinstance(value, bool | date):
            return str(value).lower() if isinstance(value, bool) else value.isoformat()
        self.warn(key, f"'{key}' should be a single text value, not a {_kind(value)}")
        return None

    def strings(self, key: str) -> list[str]:
        value = self.raw.get(key)
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        out: list[str] = []
        for item in items:
            if isinstance(item, str | date) and not isinstance(item, bool):
                text = item if isinstance(item, str) else item.isoformat()
                if text.strip():
                    out.append(text.strip())
            elif item is not None:
                self.warn(key, f"'{key}' should be text or a list of texts, not a {_kind(item)}")
        return out

    def partial_date(self, key: str) -> PartialDate | None:
        value = self.raw.get(key)
        if value is None:
            return None
        parsed = PartialDate.parse(value)
        if parsed is None:
            self.warn(
                key,
                f"{key} '{_show(value)}' is not a date: write YYYY-MM-DD, or --MM-DD "
                "when the year is unknown",
            )
        return parsed

    def full_date(self, key: str) -> date | None:
        value = self.raw.get(key)
        if value is None or isinstance(value, date):
            return value
        self.warn(key, f"{key} '{_show(value)}' is not a date: write YYYY-MM-DD")
        return None

    def labelled_dates(self) -> dict[str, PartialDate]:
        value = self.raw.get("dates")
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.warn("dates", "'dates' should be a mapping of label: date lines")
            return {}
        out: dict[str, PartialDate] = {}
        for label, when in value.items():
            parsed = PartialDate.parse(when)
            if parsed is None:
                self.warn(
                    f"dates.{label}",
                    f"dates: '{label}' has '{_show(when)}', not a date: write YYYY-MM-DD "
                    "or --MM-DD",
                )
            else:
                out[str(label)] = parsed
        return out

    def link(self, key: str) -> str | None:
        value = self.text(key)
        if value is None:
            return None
        m = _WIKI.match(value)
        return m[1].strip() if m else value

    def flag(self, key: str) -> bool:
        value = self.raw.get(key)
        if value is None or isinstance(value, bool):
            return bool(value)
        lowered = str(value).strip().lower()
        meaning = lowered in ("yes", "y", "on", "1")
        self.warn(
            key,
            f"{key} '{_show(value)}' should be true or false; read as {str(meaning).lower()}",
        )
        return meaning


def _line_offset(text: str, line: int) -> int:
    """Where line number ``line`` starts in ``text`` (its length when there is no such line)."""
    offset = 0
    for _ in range(line - 1):
        found = text.find("\n", offset)
        if found < 0:
            return len(text)
        offset = found + 1
    return offset


# A line that may open or close a fenced code block: its run of backticks or tildes, the rest.
FENCE_LINE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$", re.MULTILINE)


def fence_after(opened: str | None, run: str, rest: str) -> str | None:
    """The fence open after a line that begins with ``run`` (three or more backticks or tildes)
    followed by ``rest``, when ``opened`` was open before it (None: none). As CommonMark says:
    a backtick fence's info string holds no backtick (```` ```Stack1``` text ```` is inline
    code, not a fence), and a fence is closed by a run of its own character at least as long,
    with nothing after it."""
    if opened is None:
        return None if run[0] == "`" and "`" in rest else run
    if run[0] == opened[0] and len(run) >= len(opened) and not rest.strip():
        return None
    return opened


def _fenced_spans(body: str) -> list[tuple[int, int]]:
    """Character ranges of fenced code blocks (an unclosed fence runs to the end)."""
    spans = []
    opened: str | None = None
    start = 0
    for m in FENCE_LINE.finditer(body):
        now = fence_after(opened, m[1], m[2])
        if opened is None and now is not None:
            start = m.start()
        elif opened is not None and now is None:
            spans.append((start, m.end()))
        opened = now
    if opened is not None:
        spans.append((start, len(body)))
    return spans


def _real_date(text: str) -> date | None:
    """An already matched ``YYYY-MM-DD`` as a date; None when it is impossible."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _read_body(contact: Contact, body: str, first_line: int, problems: list[Problem]) -> None:
    """Interactions and follow-ups: list items, found in one regex pass over the body."""
    interactions: list[Interaction] = []
    follow_ups: list[FollowUp] = []
    fences = _fenced_spans(body) if "```" in body or "~~~" in body else []
    number, counted = first_line, 0
    for m in _ENTRY.finditer(body):
        start = m.start()
        number += body.count("\n", counted, start)
        counted = start
        if fences and any(a <= start < b for a, b in fences):
            continue
        if m[7] is not None:
            problem = _looks_dated(contact.path, number, body[start : m.start(6)], m)
            if problem is not None:
                problems.append(problem)
            continue
        raw_date = m[1] or m[2]
        if raw_date is not None:
            when = _real_date(raw_date)
            if when is None:
                problems.append(
                    Problem(
                        contact.path,
                        number,
                        "warning",
                        f"interaction date '{raw_date}' is not a real date; this entry is ignored",
                    )
                )
                continue
            rest = m[3].rstrip("\r").strip()
            kind = None
            if rest.startswith("["):
                k = _KIND.match(rest)
                if k is not None:
                    kind, rest = k[1].strip(), k[2]
            interactions.append(Interaction(when, rest, kind, number))
            continue
        mark = m[4]
        if mark is None or mark not in " xX-/":
            continue
        content = m[5].rstrip("\r")
        due_m = _DUE.search(content)
        due = _real_date(due_m[1]) if due_m else None
        if due_m and due is None:
            problems.append(
                Problem(
                    contact.path,
                    number,
                    "warning",
                    f"follow-up due date '{due_m[1]}' is not a real date",
                )
            )
        done_m = _DONE_ON.search(content)
        task_text = _TASK_SIGNIFIER.sub("", content).strip()
        follow_ups.append(
            FollowUp(
                due, task_text, mark in "xX-", number, _real_date(done_m[1]) if done_m else None
            )
        )
    interactions.sort(key=lambda i: (i.date, i.line), reverse=True)
    contact.interactions = interactions
    contact.follow_ups = follow_ups


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


def _looks_dated(path: str, line: int, head: str, m: re.Match[str]) -> Problem | None:
    """A warning for a list item that begins with what looks like a date in another form than
    netzmd reads (``03.11.2026``, ``2026/11/03``, ``**2026-11-03**``), showing the item as
    netzmd would read it; None when it is no real date."""
    written, before, after = m[7], m[6], m[8]
    parts = re.split(r"[./-]", written)
    if written[len(parts[0])] != written[-len(parts[2]) - 1]:
        return None  # mixed separators: 2026-11.03
    sep = written[len(parts[0])]
    numbers = [int(p) for p in parts]
    if len(parts[0]) == 4:
        if sep == "-" and not before and not after and len(parts[1]) == len(parts[2]) == 2:
            return None  # ISO already: not read because of what follows (2026-11-08-x)
        orders = [(numbers[0], numbers[1], numbers[2])]
    elif sep == "/":  # 11/03/2026: day first in most of the world, month first in the US
        orders = [(numbers[2], numbers[1], numbers[0]), (numbers[2], numbers[0], numbers[1])]
    else:  # 03.11.2026, 03-11-2026: day, month, year
        orders = [(numbers[2], numbers[1], numbers[0])]
    days: list[date] = []
    for year, month, day in orders:
        try:
            when = date(year, month, day)
        except ValueError:
            continue
        if when not in days:
            days.append(when)
    if not days:
        return None
    rest = m[9].rstrip("\r").strip()
    if before and not after and rest:  # **2026-11-03 lunch** → 2026-11-03 **lunch**
        rest = before + rest
    item = head + before + written + after + m[0][m.end(8) - m.start() :].rstrip("\r")
    shown = item.strip()
    shown = shown if len(shown) <= 60 else shown[:59] + "…"
    rest = rest if len(rest) <= 40 else rest[:39] + "…"
    bullet = head.strip()
    forms = [f"'{bullet} {d.isoformat()}{' ' + rest if rest else ''}'" for d in days]
    if len(forms) == 1:
        reads = forms[0]
    else:
        named = [f"{forms[i]} ({d.day} {_MONTHS[d.month - 1]})" for i, d in enumerate(days)]
        reads = " or ".join(named)
    return Problem(
        path,
        line,
        "warning",
        f"'{shown}' is not read as an interaction (it must begin with the date as "
        f"YYYY-MM-DD); netzmd reads {reads}",
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return type(value).__name__


def _show(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)
