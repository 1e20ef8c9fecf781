"""Precise edits of a note's text: what the front-matter and body edits share.

Every function in ``notes/`` edits is pure (text in, text out, no I/O). A note is edited as a list
of lines that keep their own line endings (``Doc``), so CRLF stays CRLF, a BOM stays, a missing
final newline stays missing, and every line that is not part of the edit is left byte for byte as
it was. The front matter is located with the YAML parser's event marks (lines and columns), never
re-serialized: key order, comments, quoting style and flow or block lists survive.

This module holds the values (YAML scalars as Obsidian reads them, what a person typed as the
value for a key), the lines, the front matter's structure, and reading an edit back: after every
edit the result is read with ``note.parse_note`` and compared with what was intended; anything
else raises ``EditError`` and nothing is written. ``edit_front`` edits the front matter,
``edit_body`` the Log and Follow-ups.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from netzmd.errors import NetzmdError, UsageError
from netzmd.model.contact import CIRCLES, Contact
from netzmd.model.dates import PartialDate, cadence_problem, parse_iso

BOM = "\ufeff"

LIST_KEYS = ("tags", "aliases", "emails", "phones")
DATE_KEYS = ("last_contact", "snooze_until")
PARTIAL_DATE_KEYS = ("birthday",)
BOOL_KEYS = ("vouches", "archived")
DATES = "dates"


class EditError(NetzmdError):
    """An edit that cannot be made safely; nothing is written."""


# --- YAML scalars ---------------------------------------------------------------------------------

_BOOL_NULL = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", "=", "<<"}
_NUMBERISH = re.compile(
    r"[-+]?(?:0[xob][0-9a-f_]+|\.?[0-9_][0-9_.:e+-]*|\.(?:inf|nan))", re.IGNORECASE
)
_DATEISH = re.compile(r"\d{4}-\d\d?-\d\d?")
_SPECIAL_START = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_SPECIAL = set(",[]{}:?")
_BREAKS = {"\x85", "\u2028", "\u2029", BOM}


def _printable(ch: str) -> bool:
    """YAML's c-printable, minus the characters YAML 1.1 reads as line breaks, and the BOM."""
    if ch in _BREAKS:
        return False
    cp = ord(ch)
    return (
        0x20 <= cp <= 0x7E
        or 0xA0 <= cp <= 0xD7FF
        or 0xE000 <= cp <= 0xFFFD
        or 0x10000 <= cp <= 0x10FFFF
    )


def plain_is_safe(text: str, *, flow: bool = False) -> bool:
    """True when ``text`` written plain reads back as the same text in every YAML reader: this
    one, YAML 1.1 readers (PyYAML, Obsidian's) and YAML 1.2 readers."""
    if not text or text != text.strip() or text[0] in _SPECIAL_START:
        return False
    if not all(_printable(ch) for ch in text):
        return False
    if text.lower() in _BOOL_NULL or _NUMBERISH.fullmatch(text) or _DATEISH.match(text):
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    return not (flow and any(ch in _FLOW_SPECIAL for ch in text))


def quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON-style escapes) that reads back as ``text``."""
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif not _printable(ch):
            cp = ord(ch)
            out.append(f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def yaml_scalar(text: str, *, flow: bool = False) -> str:
    """``text`` as a YAML scalar: plain when that is safe, else double-quoted."""
    return text if plain_is_safe(text, flow=flow) else quote(text)


def yaml_value(value: Any, *, flow: bool = False) -> str:
    """A value as YAML text on one line: text (quoted when needed), ``true``/``false``, a date as
    ``YYYY-MM-DD``, a list as ``[a, b]``, a mapping as ``{a: b}``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v, flow=True) for v in value) + "]"
    if isinstance(value, dict):
        pairs = (
            f"{yaml_scalar(str(k), flow=True)}: {yaml_value(v, flow=True)}"
            for k, v in value.items()
        )
        return "{" + ", ".join(pairs) + "}"
    return yaml_scalar(str(value), flow=flow)


def show(value: Any) -> str:
    """A value for a message: ``(none)``, ``a, b``, ``2026-11-27``, ``true``, the text."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(show(v) for v in value) if value else "[]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    return str(value)


# --- What a person typed, as the value to write ---------------------------------------------------

_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}


def check_text(text: str, what: str, *, single_line: bool = True) -> str:
    """Refuse text that cannot go into a note: not valid Unicode, control characters, and (for
    one-line values) line breaks. Returns it stripped."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{what} is not valid text (undecodable bytes)") from None
    if single_line and any(ch in text for ch in "\r\n\x85\u2028\u2029"):
        raise UsageError(f"{what} must be one line")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in text):
        raise UsageError(f"{what} contains a control character")
    return text.strip()


def parse_partial_date(text: str, key: str) -> date | str:
    """A full date (as a date) or a day without a year (as ``--MM-DD`` text)."""
    parsed = PartialDate.parse(text.strip())
    if parsed is None:
        raise UsageError(
            f"{key} '{text}' is not a date: write YYYY-MM-DD, or --MM-DD when the year is unknown"
        )
    if parsed.year is None:
        return parsed.iso()
    return date(parsed.year, parsed.month, parsed.day)


def parse_full_date(text: str, key: str) -> date:
    when = parse_iso(text.strip())
    if when is None:
        raise UsageError(f"{key} '{text}' is not a date: write YYYY-MM-DD, e.g. 2026-11-27")
    return when


def value_for(key: str, values: Sequence[str], existing: Any = None) -> Any:
    """The value ``netzmd set KEY VALUE…`` means: a list for list keys (and for keys that hold a
    list already), a date for date keys, true/false for flags, checked circles and cadences, else
    the words joined by spaces. Raises ``UsageError`` for a value that does not fit the key."""
    texts = [check_text(v, f"the value for {key}") for v in values]
    if not texts:
        raise UsageError(f"give a value for {key}")
    label = key.removeprefix(f"{DATES}.")
    if key in LIST_KEYS or isinstance(existing, list):
        items = [t.lstrip("#").strip() if key == "tags" else t for t in texts]
        items = list(dict.fromkeys(i for i in items if i))
        if not items:
            raise UsageError(f"give at least one value for {key}")
        return items
    single = key in BOOL_KEYS + DATE_KEYS + PARTIAL_DATE_KEYS + ("circle", "cadence")
    if (single or key.startswith(f"{DATES}.")) and len(texts) > 1:
        raise UsageError(f"{key} takes one value, not {len(texts)}")
    text = " ".join(t for t in texts if t)
    if key in BOOL_KEYS:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise UsageError(f"{key} is true or false, not '{text}'")
    if key in DATE_KEYS:
        return parse_full_date(text, key)
    if key in PARTIAL_DATE_KEYS or key.startswith(f"{DATES}."):
        if not label.strip():
            raise UsageError("write dates.LABEL, e.g. 'dates.work anniversary'")
        return parse_partial_date(text, key)
    if key == "circle":
        if text.lower() not in CIRCLES:
            raise UsageError(f"unknown circle '{text}': use {', '.join(CIRCLES)}")
        return text.lower()
    problem = cadence_problem(text) if key == "cadence" else None
    if problem is not None:
        raise UsageError(f"cadence '{text}' {problem}")
    if not text:
        raise UsageError(f"the value for {key} is empty; use 'netzmd unset' to remove a key")
    return text


def check_key(key: str) -> str:
    """A front-matter key a person typed, checked."""
    key = check_text(key, "the key")
    if not key or key.startswith(".") or key.endswith("."):
        raise UsageError(f"'{key}' is not a key")
    return key


# --- Lines ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Doc:
    """A note as lines that keep their endings; ``eol`` is the style for new lines."""

    bom: str
    lines: list[str]
    eol: str

    @classmethod
    def of(cls, text: str) -> Doc:
        bom = BOM if text.startswith(BOM) else ""
        body = text[len(bom) :]
        parts = body.split("\n")
        lines = [p + "\n" for p in parts[:-1]]
        if parts[-1]:
            lines.append(parts[-1])
        eol = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
        return cls(bom, lines, eol)

    def text(self) -> str:
        return self.bom + "".join(self.lines)

    def insert(self, at: int, new: Sequence[str]) -> None:
        """Insert lines (given without endings) before line index ``at``. At the end of a note
        without a final newline, the note still ends without one."""
        if not new:
            return
        lines = self.lines
        if at == len(lines) and lines and not lines[-1].endswith("\n"):
            lines[-1] += self.eol
            texts = [n + self.eol for n in new[:-1]] + [new[-1]]
        else:
            texts = [n + self.eol for n in new]
        lines[at:at] = texts


def line_content(line: str) -> str:
    """A line without its ending."""
    return line.rstrip("\n").removesuffix("\r")


def line_ending(line: str) -> str:
    return line[len(line_content(line)) :]


def is_blank(line: str) -> bool:
    return not line.strip()


# --- The front matter as the parser sees it -------------------------------------------------------


@dataclass(slots=True)
class Node:
    kind: str  # "scalar", "alias", "seq", "map"
    start: tuple[int, int]  # (line, column) in the file's lines
    end: tuple[int, int]
    last: int  # the line its last character is on
    value: str | None = None
    style: str | None = None
    flow: bool = False
    tangled: bool = False  # holds an anchor, an alias or a tag
    children: list[Node] = field(default_factory=list)  # items; for a map: key, value, key, …

    def pairs(self) -> Iterator[tuple[Node, Node]]:
        it = iter(self.children)
        return zip(it, it, strict=True)

    @property
    def plain(self) -> bool:
        return self.style not in ("'", '"', "|", ">")

    @property
    def one_line(self) -> bool:
        return self.start[0] == self.last and self.kind in ("scalar", "alias")


@dataclass(slots=True)
class Entry:
    key: str
    key_node: Node
    value: Node

    @property
    def first(self) -> int:
        return self.key_node.start[0]

    @property
    def last(self) -> int:
        return max(self.value.last, self.key_node.last)


def closing_fence(doc: Doc) -> int | None:
    """The index of the line that closes the front matter; None without front matter (found as
    ``note.split_front_matter`` finds it)."""
    lines = doc.lines
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return index
    raise EditError("the front matter opened on line 1 is never closed with '---'")


class FrontMatter:
    """Where the front matter is in a ``Doc`` and where each top-level entry is."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        lines = doc.lines
        close = closing_fence(doc)
        self.exists = close is not None
        self.close = close or 0
        self.entries: list[Entry] = []
        self.indent = 0
        if not self.exists:
            return
        fm_lines = [line_content(line) + "\n" for line in lines[1 : self.close]]
        text = "".join(fm_lines)
        if any(ch in text for ch in "\r\x85\u2028\u2029"):
            raise EditError(
                "the front matter holds unusual line-break characters (CR, NEL, U+2028/9); "
                "netzmd does not edit it"
            )
        self.entries = _entries(text, fm_lines)
        if self.entries:
            self.indent = self.entries[0].key_node.start[1]

    def find(self, key: str) -> Entry | None:
        return next((e for e in self.entries if e.key == key), None)

    def append_at(self) -> int:
        """Where a new key goes: after the last front-matter line that is not blank."""
        at = self.close
        while at > 1 and is_blank(self.doc.lines[at - 1]):
            at -= 1
        return at


def _entries(text: str, fm_lines: list[str]) -> list[Entry]:
    import yaml
    from yaml import events as ev

    from netzmd.notes.yamlread import NoteLoader

    try:
        stream = iter(list(yaml.parse(text, Loader=NoteLoader)))
    except yaml.YAMLError as exc:
        raise EditError(
            f"the front matter is not valid YAML: {' '.join(str(exc).split())}"
        ) from None

    def mark(m: Any) -> tuple[int, int]:
        return (m.line + 1, m.column)  # + 1: the opening --- is line 0

    def last_line(node_start: tuple[int, int], end: tuple[int, int]) -> int:
        return end[0] if end[1] > 0 or end[0] == node_start[0] else end[0] - 1

    def build(event: Any) -> Node:
        if isinstance(event, ev.AliasEvent):
            start, end = mark(event.start_mark), mark(event.end_mark)
            return Node("alias", start, end, last_line(start, end), tangled=True)
        if isinstance(event, ev.ScalarEvent):
            start, end = mark(event.start_mark), mark(event.end_mark)
            last = last_line(start, end)
            if event.style in ("|", ">"):
                while last > start[0] and not fm_lines[last - 1].strip():
                    last -= 1
            tangled = event.anchor is not None or (event.tag is not None and not event.implicit[0])
            style = event.style if event.style in ("'", '"', "|", ">") else None
            return Node("scalar", start, end, last, event.value, style, tangled=tangled)
        if isinstance(event, ev.SequenceStartEvent | ev.MappingStartEvent):
            kind = "seq" if isinstance(event, ev.SequenceStartEvent) else "map"
            closing = ev.SequenceEndEvent if kind == "seq" else ev.MappingEndEvent
            start = mark(event.start_mark)
            flow = bool(event.flow_style)
            tangled = event.anchor is not None or (event.tag is not None and not event.implicit)
            children: list[Node] = []
            for child in stream:
                if isinstance(child, closing):
                    end = mark(child.end_mark) if flow else children[-1].end if children else start
                    break
                children.append(build(child))
            else:  # pragma: no cover - the parser always closes what it opens
                raise EditError("the front matter ends inside a list or mapping")
            last = (
                last_line(start, end) if flow else max((c.last for c in children), default=start[0])
            )
            tangled = tangled or any(c.tangled for c in children)
            return Node(kind, start, end, last, flow=flow, tangled=tangled, children=children)
        raise EditError(f"unexpected YAML event {type(event).__name__}")  # pragma: no cover

    root: Node | None = None
    for event in stream:
        if isinstance(event, ev.StreamStartEvent | ev.DocumentStartEvent):
            continue
        if isinstance(event, ev.DocumentEndEvent | ev.StreamEndEvent):
            break
        root = build(event)
    if root is None:
        return []
    if root.kind != "map":
        raise EditError("the front matter is not a mapping of 'key: value' lines")
    if root.flow:
        raise EditError("the front matter is one {…} mapping; netzmd edits only 'key: value' lines")
    out = []
    for key, value in root.pairs():
        before_key = fm_lines[key.start[0] - 1][: key.start[1]]
        if (
            key.kind != "scalar"
            or key.value is None
            or key.start[0] != key.last
            or before_key.strip()
        ):
            raise EditError("the front matter has a complex key ('? …'); netzmd does not edit it")
        out.append(Entry(key.value, key, value))
    return out


# --- Reading back ---------------------------------------------------------------------------------


def read_fields(text: str) -> dict[str, Any]:
    """The front matter's values as the note reader reads them (dates as dates); {} without
    front matter. Raises ``EditError`` when it cannot be read."""
    from netzmd.notes.note import split_front_matter
    from netzmd.notes.yamlread import FrontMatterError, load_mapping

    body = text.removeprefix(BOM)
    try:
        fm, _, _ = split_front_matter(body)
    except ValueError as exc:
        raise EditError(str(exc)) from None
    if fm is None:
        return {}
    try:
        data, _ = load_mapping(fm.replace("\r\n", "\n"), first_line=2)
    except FrontMatterError as exc:
        raise EditError(f"line {exc.line}: {exc.message}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise EditError("the front matter is not a mapping of 'key: value' lines")
    return {str(k): v for k, v in data.items()}


def same(a: Any, b: Any) -> bool:
    """Equal and of the same type, all the way down (``"2026-01-01"`` is not a date; mapping
    order counts)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


def parse_text(text: str) -> Contact:
    from netzmd.notes.note import parse_note

    parsed = parse_note("note.md", text.encode("utf-8"))
    errors = [p for p in parsed.problems if p.severity == "error"]
    if parsed.contact is None or errors:
        first = errors[0] if errors else None
        why = f"line {first.line}: {first.message}" if first else "it cannot be read"
        raise EditError(f"the edit would break the note ({why}); nothing was written")
    return parsed.contact


def head_lines(doc: Doc) -> list[str]:
    """The front matter's lines with both fences; [] without front matter."""
    close = closing_fence(doc)
    return [] if close is None else doc.lines[: close + 1]


def body_lines_of(doc: Doc) -> list[str]:
    return doc.lines[len(head_lines(doc)) :]


def verify_fields(old_text: str, new_text: str, expected: dict[str, Any]) -> None:
    """The new note reads without errors, has exactly ``expected`` as its front matter, and the
    same body."""
    parse_text(new_text)
    got = read_fields(new_text)
    if not same(got, expected):
        changed = sorted(
            k for k in set(got) | set(expected) if not same(got.get(k), expected.get(k))
        )
        raise EditError(
            "the edit would not read back as intended (check "
            f"{', '.join(changed) or 'the key order'}); nothing was written"
        )
    if body_lines_of(Doc.of(old_text)) != body_lines_of(Doc.of(new_text)):
        raise EditError("the edit would change the body of the note; nothing was written")


def verify_body(old_text: str, new_text: str) -> tuple[Contact, Contact]:
    """Front matter untouched and the new note readable; returns both contacts."""
    old_doc, new_doc = Doc.of(old_text), Doc.of(new_text)
    if head_lines(old_doc) != head_lines(new_doc) or old_doc.bom != new_doc.bom:
        raise EditError("the edit would change the front matter; nothing was written")
    return parse_text(old_text), parse_text(new_text)


# --- New notes ------------------------------------------------------------------------------------

_NOT_IN_FILE_NAMES = re.compile(r'[/\\:*?"<>|#^\[\]\x00-\x1f\x7f]')
_WINDOWS_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?")


def file_name_for(name: str) -> str:
    """The note's id for a display name: characters that Windows, macOS or Obsidian links do not
    allow (``/ \\ : * ? " < > | # ^ [ ]``) become ``-``; no leading dot, no trailing dot or
    space; Unicode NFC."""
    stem = _NOT_IN_FILE_NAMES.sub("-", unicodedata.normalize("NFC", name.strip()))
    stem = stem.lstrip(". ").rstrip(". ")
    if _WINDOWS_RESERVED.fullmatch(stem):
        stem += "_"
    if not stem:
        raise UsageError(f"'{name}' gives no usable file name")
    if len((stem + ".md").encode("utf-8")) > 240:
        raise UsageError("the name is too long for a file name (over 240 bytes)")
    return stem
