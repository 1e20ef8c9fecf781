"""Edits of a note's front matter: set or remove a key, a list, a labelled date, bump
``last_contact``. Each is read back (``edit.verify_fields``) before it is accepted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from netzmd.notes.edit import (
    DATES,
    Doc,
    EditError,
    Entry,
    FrontMatter,
    Node,
    line_content,
    line_ending,
    read_fields,
    same,
    verify_fields,
    yaml_scalar,
    yaml_value,
)

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
        doc = Doc.of(text)
        _set_date_label(doc, label, value)
    else:
        if key in fields and _same_meaning(fields[key], value):
            return text
        expected[key] = value
        doc = Doc.of(text)
        _set_top(doc, key, value)
    new = doc.text()
    verify_fields(text, new, expected)
    return new


def set_fields(text: str, values: dict[str, Any]) -> str:
    """Set several top-level front-matter keys at once (as ``set_field`` does each, in the
    order given), with one read and one check at the end: for an import that fills many notes.
    Keys whose value is already the same are left alone."""
    if any(key.startswith(f"{DATES}.") for key in values):
        raise ValueError("set_fields sets top-level keys; use set_field for dates.LABEL")
    fields = read_fields(text)
    expected = dict(fields)
    doc: Doc | None = None
    added: list[tuple[str, Any]] = []  # keys the note does not have: appended at once
    for key, value in values.items():
        if key in expected and _same_meaning(expected[key], value):
            continue
        if key not in expected:
            added.append((key, value))
        elif doc is None:
            doc = Doc.of(text)
            _set_top(doc, key, value)
        else:
            _set_top(doc, key, value)
        expected[key] = value
    if added:
        doc = doc or Doc.of(text)
        _add_entries(doc, FrontMatter(doc), added)
    if doc is None:
        return text
    new = doc.text()
    verify_fields(text, new, expected)
    return new


def unset_field(text: str, key: str) -> str:
    """Remove one front-matter key (or ``dates.LABEL``, and ``dates`` when it was the last
    label); the text unchanged when there is no such key."""
    fields = read_fields(text)
    expected = dict(fields)
    doc = Doc.of(text)
    fm = FrontMatter(doc)
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
    verify_fields(text, new, expected)
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


def _set_top(doc: Doc, key: str, value: Any) -> None:
    fm = FrontMatter(doc)
    entry = fm.find(key)
    if entry is None:
        _add_entry(doc, fm, key, value)
    elif isinstance(value, list):
        _set_list(doc, fm, entry, value)
    else:
        _replace_value(doc, entry, yaml_value(value))


def _key_text(key: str) -> str:
    return yaml_scalar(key)


def _add_entry(doc: Doc, fm: FrontMatter, key: str, value: Any) -> None:
    _add_entries(doc, fm, [(key, value)])


def _entry_lines(doc: Doc, fm: FrontMatter, key: str, value: Any) -> list[str]:
    indent = " " * fm.indent
    if isinstance(value, list):
        prefix = _block_item_prefix(doc, fm)
        if prefix is None:
            return [f"{indent}{_key_text(key)}: {yaml_value(value)}"]
        return [f"{indent}{_key_text(key)}:"] + [prefix + yaml_value(v) for v in value]
    if isinstance(value, dict):
        return [f"{indent}{_key_text(key)}:"] + [
            f"{indent}  {_key_text(str(k))}: {yaml_value(v)}" for k, v in value.items()
        ]
    return [f"{indent}{_key_text(key)}: {yaml_value(value)}"]


def _add_entries(doc: Doc, fm: FrontMatter, items: list[tuple[str, Any]]) -> None:
    """New keys after the last front-matter line, in the order given (a new front matter when
    there is none)."""
    new = [line for key, value in items for line in _entry_lines(doc, fm, key, value)]
    if not new:
        return
    if not fm.exists:
        doc.lines[0:0] = [line + doc.eol for line in ["---", *new, "---"]]
        return
    doc.insert(fm.append_at(), new)


def _block_item_prefix(doc: Doc, fm: FrontMatter) -> str | None:
    """How the note writes block-list items (``"  - "``), from its first block list of texts;
    None when it has none (new lists are then written ``[a, b]``)."""
    for entry in fm.entries:
        node = entry.value
        first = node.children[0] if node.kind == "seq" and node.children else None
        if first is not None and first.kind == "scalar" and not node.flow:
            return _list_prefix(doc, node)
    return None


_ITEM_HEAD = re.compile(r" *-[ \t]+")


def _list_prefix(doc: Doc, node: Node) -> str:
    """How a new item of the block list ``node`` begins (``"  - "``): as its first item with a
    value on its dash line, else the dash's indentation and ``- ``. An empty item (``-`` or
    ``- ``, as Obsidian's templates write) is no model: its value would follow the dash."""
    for item in node.children:
        if item.kind == "scalar" and item.start != item.end:
            line, col = item.start
            head = line_content(doc.lines[line])[:col]
            if _ITEM_HEAD.fullmatch(head):
                return head
    line, col = node.start
    return line_content(doc.lines[line])[:col] + "- "


def _fill_empty(line: str, col: int, prefix: str, new: str) -> str:
    """An empty list item's line (``-``, ``- ``, ``-  # comment``; the empty value at ``col``,
    right after the dash) with ``new`` as its value; a comment stays."""
    text = line_content(line)
    if not text[col:].strip():
        return prefix + new + line_ending(line)
    return _respan(line, col, col, " " + new)


def _colon_prefix(doc: Doc, key: Node) -> tuple[str, str]:
    """The key line up to and including its colon plus one space, and a ``# comment`` that
    follows the colon (with the spaces before it), if any."""
    line = line_content(doc.lines[key.start[0]])
    rest = line[key.end[1] :]
    colon = key.end[1] + (len(rest) - len(rest.lstrip())) + 1
    after = line[colon:]
    comment = after if after.strip().startswith("#") else ""
    return line[:colon] + " ", comment


def _respan(line: str, col: int, end_col: int, new: str) -> str:
    """``line`` with the characters from ``col`` to ``end_col`` replaced by ``new``. A comment
    after them that was aligned (two or more spaces before it) keeps its column when it can."""
    text = line_content(line)
    head, tail = text[:col], text[end_col:]
    stripped = tail.lstrip(" ")
    spaces = len(tail) - len(stripped)
    if stripped.startswith("#") and spaces >= 2:
        tail = " " * max(2, end_col + spaces - col - len(new)) + stripped
    return head + new + tail + line_ending(line)


def _replace_span(doc: Doc, node: Node, new: str) -> None:
    """Put ``new`` where ``node`` is written, from its first character through its last; what is
    before and after it on those lines stays."""
    (first, col), (last, end_col) = node.start, node.end
    if node.last < last:  # the end mark is at the start of the following line
        last, end_col = node.last, len(line_content(doc.lines[node.last]))
    if first == last:
        doc.lines[first] = _respan(doc.lines[first], col, end_col, new)
        return
    head = line_content(doc.lines[first])[:col]
    tail_line = doc.lines[last]
    doc.lines[first : last + 1] = [
        head + new + line_content(tail_line)[end_col:] + line_ending(tail_line)
    ]


def _replace_value(doc: Doc, entry: Entry, new: str) -> None:
    """Replace a key's value by a one-line value."""
    node = entry.value
    one_line_flow = node.flow and node.kind in ("seq", "map") and node.start[0] == node.last
    if one_line_flow and node.start[0] == entry.first:  # [a, b] or {a: b}: a comment stays
        _replace_span(doc, node, new)
        return
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
    ending = line_ending(doc.lines[entry.first])
    doc.lines[entry.first : entry.last + 1] = [prefix + new + comment + ending]


def _set_list(doc: Doc, fm: FrontMatter, entry: Entry, items: list[str]) -> None:
    node = entry.value
    if node.kind == "seq" and not node.tangled and all(c.kind == "scalar" for c in node.children):
        from netzmd.notes.yamlread import plain_reads_as_text

        # An item that stays keeps its text, unless that is a plain date, boolean or null that
        # would read back as one: it does not match a text of that spelling, and is re-quoted.
        old_values = [
            f"\0{c.value}"
            if c.plain and c.value and not plain_reads_as_text(c.value)
            else (c.value or "")
            for c in node.children
        ]
        if node.flow:
            _set_flow_list(doc, node, old_values, items)
            return
        _set_block_list(doc, node, old_values, items)
        return
    _replace_value(doc, entry, yaml_value(items))


def _slice(doc: Doc, node: Node) -> str:
    (first, col), (last, end_col) = node.start, node.end
    if first == last:
        return line_content(doc.lines[first])[col:end_col]
    parts = [line_content(doc.lines[first])[col:]]
    parts += [line_content(doc.lines[i]).strip() for i in range(first + 1, last)]
    parts.append(line_content(doc.lines[last])[:end_col].strip())
    return " ".join(p for p in parts if p)


def _matched(old: list[str], new: list[str]) -> Iterator[tuple[str, int, int, int, int]]:
    import difflib

    return iter(difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes())


def _set_flow_list(doc: Doc, node: Node, old: list[str], new: list[str]) -> None:
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


def _set_block_list(doc: Doc, node: Node, old: list[str], new: list[str]) -> None:
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


def _set_date_label(doc: Doc, label: str, value: Any) -> None:
    fm = FrontMatter(doc)
    entry = fm.find(DATES)
    line_value = yaml_value(value)
    if entry is None:
        _add_entry(doc, fm, DATES, {label: value})
        return
    node = entry.value
    if node.kind == "scalar" and node.value == "" and node.style is None:  # "dates:" (empty)
        prefix, comment = _colon_prefix(doc, entry.key_node)
        ending = line_ending(doc.lines[entry.first]) or doc.eol
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
            fake = Entry(label, key, value_node)
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
    indent = line_content(doc.lines[first_key.start[0]])[: first_key.start[1]]
    doc.insert(entry.last + 1, [f"{indent}{_key_text(label)}: {line_value}"])


def _remove_label(doc: Doc, entry: Entry, label: str) -> None:
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
