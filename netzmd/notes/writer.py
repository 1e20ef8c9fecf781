"""Precise edits of a note's text: only the intended bytes change.

Every function here is pure (text in, text out, no I/O). A note is edited as a list of lines that
keep their own line endings, so CRLF stays CRLF, a BOM stays, a missing final newline stays
missing, and every line that is not part of the edit is left byte for byte as it was. The front
matter is located with the YAML parser's event marks (lines and columns), never re-serialized:
key order, comments, quoting style and flow or block lists survive.

After every edit the result is read back with ``note.parse_note`` and compared with what was
intended: no error, the edited value reads back as intended, every other field and the rest of the
note unchanged. Anything else raises ``EditError`` and nothing is written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from netzmd.errors import NetzmdError, UsageError
from netzmd.model.contact import CIRCLES, Contact, FollowUp
from netzmd.model.dates import PartialDate, cadence_problem, parse_iso
from netzmd.notes.note import FOLLOW_UPS_TITLE, HEADING, LOG_TITLE

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
class _Doc:
    """A note as lines that keep their endings; ``eol`` is the style for new lines."""

    bom: str
    lines: list[str]
    eol: str

    @classmethod
    def of(cls, text: str) -> _Doc:
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


def _content(line: str) -> str:
    """A line without its ending."""
    return line.rstrip("\n").removesuffix("\r")


def _ending(line: str) -> str:
    return line[len(_content(line)) :]


def _blank(line: str) -> bool:
    return not line.strip()


# --- The front matter as the parser sees it -------------------------------------------------------


@dataclass(slots=True)
class _Node:
    kind: str  # "scalar", "alias", "seq", "map"
    start: tuple[int, int]  # (line, column) in the file's lines
    end: tuple[int, int]
    last: int  # the line its last character is on
    value: str | None = None
    style: str | None = None
    flow: bool = False
    tangled: bool = False  # holds an anchor, an alias or a tag
    children: list[_Node] = field(default_factory=list)  # items; for a map: key, value, key, …

    def pairs(self) -> Iterator[tuple[_Node, _Node]]:
        it = iter(self.children)
        return zip(it, it, strict=True)

    @property
    def plain(self) -> bool:
        return self.style not in ("'", '"', "|", ">")

    @property
    def one_line(self) -> bool:
        return self.start[0] == self.last and self.kind in ("scalar", "alias")


@dataclass(slots=True)
class _Entry:
    key: str
    key_node: _Node
    value: _Node

    @property
    def first(self) -> int:
        return self.key_node.start[0]

    @property
    def last(self) -> int:
        return max(self.value.last, self.key_node.last)


def _closing_fence(doc: _Doc) -> int | None:
    """The index of the line that closes the front matter; None without front matter (found as
    ``note.split_front_matter`` finds it)."""
    lines = doc.lines
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return index
    raise EditError("the front matter opened on line 1 is never closed with '---'")


class _FrontMatter:
    """Where the front matter is in a ``_Doc`` and where each top-level entry is."""

    def __init__(self, doc: _Doc) -> None:
        self.doc = doc
        lines = doc.lines
        close = _closing_fence(doc)
        self.exists = close is not None
        self.close = close or 0
        self.entries: list[_Entry] = []
        self.indent = 0
        if not self.exists:
            return
        fm_lines = [_content(line) + "\n" for line in lines[1 : self.close]]
        text = "".join(fm_lines)
        if any(ch in text for ch in "\r\x85\u2028\u2029"):
            raise EditError(
                "the front matter holds unusual line-break characters (CR, NEL, U+2028/9); "
                "netzmd does not edit it"
            )
        self.entries = _entries(text, fm_lines)
        if self.entries:
            self.indent = self.entries[0].key_node.start[1]

    def find(self, key: str) -> _Entry | None:
        return next((e for e in self.entries if e.key == key), None)

    def append_at(self) -> int:
        """Where a new key goes: after the last front-matter line that is not blank."""
        at = self.close
        while at > 1 and _blank(self.doc.lines[at - 1]):
            at -= 1
        return at


def _entries(text: str, fm_lines: list[str]) -> list[_Entry]:
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

    def build(event: Any) -> _Node:
        if isinstance(event, ev.AliasEvent):
            start, end = mark(event.start_mark), mark(event.end_mark)
            return _Node("alias", start, end, last_line(start, end), tangled=True)
        if isinstance(event, ev.ScalarEvent):
            start, end = mark(event.start_mark), mark(event.end_mark)
            last = last_line(start, end)
            if event.style in ("|", ">"):
                while last > start[0] and not fm_lines[last - 1].strip():
                    last -= 1
            tangled = event.anchor is not None or (event.tag is not None and not event.implicit[0])
            style = event.style if event.style in ("'", '"', "|", ">") else None
            return _Node("scalar", start, end, last, event.value, style, tangled=tangled)
        if isinstance(event, ev.SequenceStartEvent | ev.MappingStartEvent):
            kind = "seq" if isinstance(event, ev.SequenceStartEvent) else "map"
            closing = ev.SequenceEndEvent if kind == "seq" else ev.MappingEndEvent
            start = mark(event.start_mark)
            flow = bool(event.flow_style)
            tangled = event.anchor is not None or (event.tag is not None and not event.implicit)
            children: list[_Node] = []
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
            return _Node(kind, start, end, last, flow=flow, tangled=tangled, children=children)
        raise EditError(f"unexpected YAML event {type(event).__name__}")  # pragma: no cover

    root: _Node | None = None
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
        out.append(_Entry(key.value, key, value))
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


def _parse(text: str) -> Contact:
    from netzmd.notes.note import parse_note

    parsed = parse_note("note.md", text.encode("utf-8"))
    errors = [p for p in parsed.problems if p.severity == "error"]
    if parsed.contact is None or errors:
        first = errors[0] if errors else None
        why = f"line {first.line}: {first.message}" if first else "it cannot be read"
        raise EditError(f"the edit would break the note ({why}); nothing was written")
    return parsed.contact


def _head(doc: _Doc) -> list[str]:
    """The front matter's lines with both fences; [] without front matter."""
    close = _closing_fence(doc)
    return [] if close is None else doc.lines[: close + 1]


def _body(doc: _Doc) -> list[str]:
    return doc.lines[len(_head(doc)) :]


def _verify_fields(old_text: str, new_text: str, expected: dict[str, Any]) -> None:
    """The new note reads without errors, has exactly ``expected`` as its front matter, and the
    same body."""
    _parse(new_text)
    got = read_fields(new_text)
    if not same(got, expected):
        changed = sorted(
            k for k in set(got) | set(expected) if not same(got.get(k), expected.get(k))
        )
        raise EditError(
            "the edit would not read back as intended (check "
            f"{', '.join(changed) or 'the key order'}); nothing was written"
        )
    if _body(_Doc.of(old_text)) != _body(_Doc.of(new_text)):
        raise EditError("the edit would change the body of the note; nothing was written")


def _verify_body(old_text: str, new_text: str) -> tuple[Contact, Contact]:
    """Front matter untouched and the new note readable; returns both contacts."""
    old_doc, new_doc = _Doc.of(old_text), _Doc.of(new_text)
    if _head(old_doc) != _head(new_doc) or old_doc.bom != new_doc.bom:
        raise EditError("the edit would change the front matter; nothing was written")
    return _parse(old_text), _parse(new_text)


# --- Front-matter edits ---------------------------------------------------------------------------


def set_field(text: str, key: str, value: Any) -> str:
    """Set one front-matter key (or ``dates.LABEL``) to ``value``; the text unchanged when the
    key already has that value."""
    fields = read_fields(text)
    expected = dict(fields)
    if key.startswith(f"{DATES}."):
        label = key.split(".", 1)[1]
        old = fields.get(DATES)
        if old is not None and not isinstance(old, dict):
            raise EditError(f"'{DATES}' is not a mapping of 'label: date' lines; cannot set {key}")
        if old is not None and label in old and _same_meaning(old[label], value):
            return text
        new_dates = dict(old or {})
        new_dates[label] = value
        expected[DATES] = new_dates
        doc = _Doc.of(text)
        _set_date_label(doc, label, value)
    else:
        if key in fields and _same_meaning(fields[key], value):
            return text
        expected[key] = value
        doc = _Doc.of(text)
        _set_top(doc, key, value)
    new = doc.text()
    _verify_fields(text, new, expected)
    return new


def unset_field(text: str, key: str) -> str:
    """Remove one front-matter key (or ``dates.LABEL``, and ``dates`` when it was the last
    label); the text unchanged when there is no such key."""
    fields = read_fields(text)
    expected = dict(fields)
    doc = _Doc.of(text)
    fm = _FrontMatter(doc)
    if key.startswith(f"{DATES}.") and key not in fields:
        label = key.split(".", 1)[1]
        old = fields.get(DATES)
        if not isinstance(old, dict) or label not in old:
            return text
        entry = fm.find(DATES)
        assert entry is not None
        if len(old) == 1:
            del expected[DATES]
            del doc.lines[entry.first : entry.last + 1]
        else:
            expected[DATES] = {k: v for k, v in old.items() if k != label}
            _remove_label(doc, entry, label)
    else:
        entry = fm.find(key)
        if entry is None:
            return text
        del expected[key]
        del doc.lines[entry.first : entry.last + 1]
    new = doc.text()
    _verify_fields(text, new, expected)
    return new


def _same_meaning(old: Any, new: Any) -> bool:
    """Would writing ``new`` change what the note says? Text that reads the same (a date written
    unquoted in a text field) is the same; a date is never the same as text that looks like one,
    and true is not "yes"."""
    if same(old, new):
        return True
    if isinstance(new, bool | date) or isinstance(old, bool):
        return False
    if isinstance(new, list):
        return (
            isinstance(old, list)
            and len(old) == len(new)
            and all(_same_meaning(o, n) for o, n in zip(old, new, strict=True))
        )
    return isinstance(old, date) and isinstance(new, str) and old.isoformat() == new


def _set_top(doc: _Doc, key: str, value: Any) -> None:
    fm = _FrontMatter(doc)
    entry = fm.find(key)
    if entry is None:
        _add_entry(doc, fm, key, value)
    elif isinstance(value, list):
        _set_list(doc, fm, entry, value)
    else:
        _replace_value(doc, entry, yaml_value(value))


def _key_text(key: str) -> str:
    return yaml_scalar(key)


def _add_entry(doc: _Doc, fm: _FrontMatter, key: str, value: Any) -> None:
    indent = " " * fm.indent
    if isinstance(value, list):
        prefix = _block_item_prefix(doc, fm)
        if prefix is None:
            new = [f"{indent}{_key_text(key)}: {yaml_value(value)}"]
        else:
            new = [f"{indent}{_key_text(key)}:"] + [prefix + yaml_value(v) for v in value]
    elif isinstance(value, dict):
        new = [f"{indent}{_key_text(key)}:"] + [
            f"{indent}  {_key_text(str(k))}: {yaml_value(v)}" for k, v in value.items()
        ]
    else:
        new = [f"{indent}{_key_text(key)}: {yaml_value(value)}"]
    if not fm.exists:
        doc.lines[0:0] = [line + doc.eol for line in ["---", *new, "---"]]
        return
    doc.insert(fm.append_at(), new)


def _block_item_prefix(doc: _Doc, fm: _FrontMatter) -> str | None:
    """How the note writes block-list items (``"  - "``), from its first block list of texts;
    None when it has none (new lists are then written ``[a, b]``)."""
    for entry in fm.entries:
        node = entry.value
        first = node.children[0] if node.kind == "seq" and node.children else None
        if first is not None and first.kind == "scalar" and not node.flow:
            return _list_prefix(doc, node)
    return None


_ITEM_HEAD = re.compile(r" *-[ \t]+")


def _list_prefix(doc: _Doc, node: _Node) -> str:
    """How a new item of the block list ``node`` begins (``"  - "``): as its first item with a
    value on its dash line, else the dash's indentation and ``- ``. An empty item (``-`` or
    ``- ``, as Obsidian's templates write) is no model: its value would follow the dash."""
    for item in node.children:
        if item.kind == "scalar" and item.start != item.end:
            line, col = item.start
            head = _content(doc.lines[line])[:col]
            if _ITEM_HEAD.fullmatch(head):
                return head
    line, col = node.start
    return _content(doc.lines[line])[:col] + "- "


def _fill_empty(line: str, col: int, prefix: str, new: str) -> str:
    """An empty list item's line (``-``, ``- ``, ``-  # comment``; the empty value at ``col``,
    right after the dash) with ``new`` as its value; a comment stays."""
    text = _content(line)
    if not text[col:].strip():
        return prefix + new + _ending(line)
    return _respan(line, col, col, " " + new)


def _colon_prefix(doc: _Doc, key: _Node) -> tuple[str, str]:
    """The key line up to and including its colon plus one space, and a ``# comment`` that
    follows the colon (with the spaces before it), if any."""
    line = _content(doc.lines[key.start[0]])
    rest = line[key.end[1] :]
    colon = key.end[1] + (len(rest) - len(rest.lstrip())) + 1
    after = line[colon:]
    comment = after if after.strip().startswith("#") else ""
    return line[:colon] + " ", comment


def _respan(line: str, col: int, end_col: int, new: str) -> str:
    """``line`` with the characters from ``col`` to ``end_col`` replaced by ``new``. A comment
    after them that was aligned (two or more spaces before it) keeps its column when it can."""
    text = _content(line)
    head, tail = text[:col], text[end_col:]
    stripped = tail.lstrip(" ")
    spaces = len(tail) - len(stripped)
    if stripped.startswith("#") and spaces >= 2:
        tail = " " * max(2, end_col + spaces - col - len(new)) + stripped
    return head + new + tail + _ending(line)


def _replace_span(doc: _Doc, node: _Node, new: str) -> None:
    """Put ``new`` where ``node`` is written, from its first character through its last; what is
    before and after it on those lines stays."""
    (first, col), (last, end_col) = node.start, node.end
    if node.last < last:  # the end mark is at the start of the following line
        last, end_col = node.last, len(_content(doc.lines[node.last]))
    if first == last:
        doc.lines[first] = _respan(doc.lines[first], col, end_col, new)
        return
    head = _content(doc.lines[first])[:col]
    tail_line = doc.lines[last]
    doc.lines[first : last + 1] = [head + new + _content(tail_line)[end_col:] + _ending(tail_line)]


def _replace_value(doc: _Doc, entry: _Entry, new: str) -> None:
    """Replace a key's value by a one-line value."""
    node = entry.value
    if node.kind in ("scalar", "alias") and node.style not in ("|", ">") and node.one_line:
        if node.start == node.end:  # empty (null): "key:" or "key:   # comment"
            line_index, col = node.start
            doc.lines[line_index] = _respan(doc.lines[line_index], col, col, " " + new)
            return
        if node.start[0] == entry.first:
            _replace_span(doc, node, new)
            return
    prefix, comment = _colon_prefix(doc, entry.key_node)
    # front-matter lines always end in a line break: the closing --- follows them
    ending = _ending(doc.lines[entry.first])
    doc.lines[entry.first : entry.last + 1] = [prefix + new + comment + ending]


def _set_list(doc: _Doc, fm: _FrontMatter, entry: _Entry, items: list[str]) -> None:
    node = entry.value
    if node.kind == "seq" and not node.tangled and all(c.kind == "scalar" for c in node.children):
        old_values = [c.value or "" for c in node.children]
        if node.flow:
            _set_flow_list(doc, node, old_values, items)
            return
        _set_block_list(doc, node, old_values, items)
        return
    _replace_value(doc, entry, yaml_value(items))


def _slice(doc: _Doc, node: _Node) -> str:
    (first, col), (last, end_col) = node.start, node.end
    if first == last:
        return _content(doc.lines[first])[col:end_col]
    parts = [_content(doc.lines[first])[col:]]
    parts += [_content(doc.lines[i]).strip() for i in range(first + 1, last)]
    parts.append(_content(doc.lines[last])[:end_col].strip())
    return " ".join(p for p in parts if p)


def _matched(old: list[str], new: list[str]) -> Iterator[tuple[str, int, int, int, int]]:
    import difflib

    return iter(difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes())


def _set_flow_list(doc: _Doc, node: _Node, old: list[str], new: list[str]) -> None:
    texts: list[str] = []
    for tag, i1, i2, j1, j2 in _matched(old, new):
        if tag == "equal":
            texts += [_slice(doc, node.children[i]) for i in range(i1, i2)]
        elif tag != "delete":
            texts += [yaml_scalar(v, flow=True) for v in new[j1:j2]]
    whole = _slice(doc, node)
    inner = " " if whole.startswith("[ ") and whole.endswith(" ]") else ""
    sep = ", " if (", " in whole or len(old) < 2) else ","
    _replace_span(doc, node, f"[{inner}{sep.join(texts)}{inner}]" if texts else "[]")


def _set_block_list(doc: _Doc, node: _Node, old: list[str], new: list[str]) -> None:
    """Rewrite a block list item by item: items that stay keep their lines (and comments), comment
    lines between items stay, new items take the indentation of the first item."""
    items = node.children
    prefix = _list_prefix(doc, node)
    item_lines = [list(range(c.start[0], c.last + 1)) for c in items]
    out: list[str] = []
    position = items[0].start[0]

    def keep_until(line: int) -> None:  # the comment and blank lines between items
        nonlocal position
        out.extend(doc.lines[position:line])
        position = line

    def new_line(value: str) -> str:
        return prefix + yaml_scalar(value) + doc.eol

    for tag, i1, i2, j1, j2 in _matched(old, new):
        if tag == "equal":
            for i in range(i1, i2):
                keep_until(item_lines[i][0])
                out.extend(doc.lines[item_lines[i][0] : item_lines[i][-1] + 1])
                position = item_lines[i][-1] + 1
            continue
        if tag == "replace":  # item by item in place; the rest of the longer side below
            paired = min(i2 - i1, j2 - j1)
            for i, value in zip(range(i1, i1 + paired), new[j1 : j1 + paired], strict=True):
                keep_until(item_lines[i][0])
                item = items[i]
                if item.one_line and item.style not in ("|", ">"):
                    line = doc.lines[item.start[0]]
                    if item.start == item.end:  # an empty item: "-" or "- "
                        out.append(_fill_empty(line, item.start[1], prefix, yaml_scalar(value)))
                    else:
                        out.append(_respan(line, item.start[1], item.end[1], yaml_scalar(value)))
                else:
                    out.append(new_line(value))
                position = item_lines[i][-1] + 1
            i1, j1 = i1 + paired, j1 + paired
        if i1 < i2:  # delete: drop the old items, keep what is between
            for i in range(i1, i2):
                keep_until(item_lines[i][0])
                position = item_lines[i][-1] + 1
        if j1 < j2:
            out.extend(new_line(v) for v in new[j1:j2])
    end = items[-1].last + 1
    keep_until(end)
    doc.lines[items[0].start[0] : end] = out


def _set_date_label(doc: _Doc, label: str, value: Any) -> None:
    fm = _FrontMatter(doc)
    entry = fm.find(DATES)
    line_value = yaml_value(value)
    if entry is None:
        _add_entry(doc, fm, DATES, {label: value})
        return
    node = entry.value
    if node.kind == "scalar" and node.value == "" and node.style is None:  # "dates:" (empty)
        prefix, comment = _colon_prefix(doc, entry.key_node)
        ending = _ending(doc.lines[entry.first]) or doc.eol
        indent = " " * (fm.indent + 2)
        doc.lines[entry.first : entry.last + 1] = [
            prefix.rstrip(" ") + comment + ending,
            f"{indent}{_key_text(label)}: {line_value}{doc.eol}",
        ]
        return
    if node.kind != "map" or node.tangled:
        raise EditError(f"'{DATES}' is not a plain mapping of 'label: date' lines")
    pairs = list(node.pairs())
    for key, value_node in pairs:
        if key.value == label:
            fake = _Entry(label, key, value_node)
            if node.flow:
                break
            _replace_value(doc, fake, line_value)
            return
    if node.flow:
        texts = []
        for key, value_node in pairs:
            if key.value == label:
                texts.append(f"{_slice(doc, key)}: {line_value}")
            else:
                texts.append(f"{_slice(doc, key)}: {_slice(doc, value_node)}")
        if label not in [k.value for k, _ in pairs]:
            texts.append(f"{yaml_scalar(label, flow=True)}: {line_value}")
        _replace_span(doc, node, "{" + ", ".join(texts) + "}")
        return
    first_key = pairs[0][0]
    indent = _content(doc.lines[first_key.start[0]])[: first_key.start[1]]
    doc.insert(entry.last + 1, [f"{indent}{_key_text(label)}: {line_value}"])


def _remove_label(doc: _Doc, entry: _Entry, label: str) -> None:
    node = entry.value
    if node.kind != "map" or node.tangled:
        raise EditError(f"'{DATES}' is not a plain mapping of 'label: date' lines")
    pairs = list(node.pairs())
    if node.flow:
        texts = [f"{_slice(doc, k)}: {_slice(doc, v)}" for k, v in pairs if k.value != label]
        _replace_span(doc, node, "{" + ", ".join(texts) + "}")
        return
    for key, value_node in pairs:
        if key.value == label:
            del doc.lines[key.start[0] : max(key.last, value_node.last) + 1]
            return


def bump_last_contact(text: str, when: date) -> str:
    """Move ``last_contact:`` forward to ``when`` when the note has one that is older; a note
    without the field does not get one, and one that is not a date is left alone."""
    old = read_fields(text).get("last_contact")
    if isinstance(old, date) and old < when:
        return set_field(text, "last_contact", when)
    return text


# --- Body edits -----------------------------------------------------------------------------------

_ITEM_DATE = re.compile(
    r"^(\s*)[-*+]\s+(?:\[\[(\d{4}-\d{2}-\d{2})(?:\|[^\]]*)?\]\]|(\d{4}-\d{2}-\d{2}))(?![\d-])"
)
_TASK_ITEM = re.compile(r"^(\s*)[-*+]\s+\[.\]\s")
_OPEN_TASK = re.compile(r"^(\s*[-*+]\s+\[)([ /])(\]\s.*)$")
_BLOCK_ID = re.compile(r"\s+\^[A-Za-z0-9-]+$")
TASK_SIGNS = "📅⏳🛫✅➕❌🔁⏫🔼🔽⏬🔺🆔⛔🏁"


def _body_lines(doc: _Doc) -> tuple[int, list[tuple[int, str]]]:
    """The first body line's index and every body line outside fenced code, with its index."""
    from netzmd.notes.note import FENCE_LINE, fence_after

    start = len(_head(doc))
    out = []
    opened: str | None = None
    for index in range(start, len(doc.lines)):
        line = _content(doc.lines[index])
        fence = FENCE_LINE.match(line) if "``" in line or "~~" in line else None
        if fence is not None:
            now = fence_after(opened, fence[1], fence[2])
            if now is not None or opened is not None:  # a fence line, or inside one
                opened = now
                continue
        if opened is None:
            out.append((index, line))
    return start, out


def _section(doc: _Doc, title: re.Pattern[str]) -> tuple[int, int] | None:
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


def _item_end(doc: _Doc, index: int, end: int) -> int:
    """The index after a list item and its continuation lines (more indented, not blank)."""
    indent = len(doc.lines[index]) - len(doc.lines[index].lstrip())
    at = index + 1
    while at < end:
        line = doc.lines[at]
        if _blank(line) or len(line) - len(line.lstrip()) <= indent:
            break
        at += 1
    return at


def _add_to_section(
    doc: _Doc,
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
        if doc.lines and not _blank(doc.lines[-1]):
            new.append("")
        new += [heading, "", line]
        doc.insert(len(doc.lines), new)
        return
    head, end = section
    at = place(head, end)
    if at is not None:
        indent = _content(doc.lines[at[1]])
        indent = indent[: len(indent) - len(indent.lstrip())]
        doc.insert(at[0], [indent + line])
        return
    last = end - 1
    while last > head and _blank(doc.lines[last]):
        last -= 1
    new = [line]
    if last == head or not re.match(r"^\s*[-*+]\s", doc.lines[last]):
        new.insert(0, "")
    at_index = last + 1
    if at_index < len(doc.lines) and not _blank(doc.lines[at_index]):
        new.append("")
    doc.insert(at_index, new)


def _top_items(doc: _Doc, head: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, Any]]:
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
    doc = _Doc.of(text)

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
    old_c, new_c = _verify_body(text, new)
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
    doc = _Doc.of(text)

    def place(head: int, end: int) -> tuple[int, int] | None:
        items = _top_items(doc, head, end, _TASK_ITEM)
        if not items:
            return None
        last = items[-1][0]
        return _item_end(doc, last, end), last

    _add_to_section(doc, FOLLOW_UPS_TITLE, "## Follow-ups", line, place)
    new = doc.text()
    old_c, new_c = _verify_body(text, new)
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
    doc = _Doc.of(text)
    index = line - 1
    if not 0 <= index < len(doc.lines):
        raise EditError(f"line {line} is not in the note")
    content = _content(doc.lines[index])
    m = _OPEN_TASK.match(content)
    if m is None:
        raise EditError(f"line {line} is not an open task")
    following = next_occurrence(content, today)
    rest = m[3].rstrip()
    block = _BLOCK_ID.search(rest)
    tail = ""
    if block is not None:
        rest, tail = rest[: block.start()], rest[block.start() :]
    doc.lines[index] = f"{m[1]}x{rest} ✅ {today.isoformat()}{tail}" + _ending(doc.lines[index])
    if following is not None:
        doc.insert(index, [following])
    new = doc.text()
    old_c, new_c = _verify_body(text, new)
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
