"""Plain-text presentation helpers shared by the commands and the templates (no click here)."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Any


def days_word(days: int, *, past: str = "ago", overdue: bool = False) -> str:
    """``today``, ``tomorrow``, ``in 3 days``; for the past ``3 days ago`` or ``3 days overdue``."""
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days > 0:
        return f"in {days} days"
    if days == -1 and not overdue:
        return "yesterday"
    n = -days
    unit = "day" if n == 1 else "days"
    return f"{n} {unit} overdue" if overdue else f"{n} {unit} {past}"


def relative(when: date | None, today: date, *, overdue: bool = False) -> str:
    if when is None:
        return ""
    return days_word((when - today).days, overdue=overdue)


def width(text: str) -> int:
    """Terminal columns: wide East Asian characters take two, combining marks none."""
    total = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def clip(text: str, limit: int) -> str:
    if width(text) <= limit:
        return text
    out = ""
    for ch in text:
        if width(out + ch) > limit - 1:
            break
        out += ch
    return out + "…"


def table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, limits: Sequence[int] = ()
) -> str:
    """Columns padded to the widest cell; ``limits`` clips long cells per column."""
    clipped = [
        [
            clip(cell, limits[i]) if i < len(limits) and limits[i] else cell
            for i, cell in enumerate(row)
        ]
        for row in rows
    ]
    widths = [width(h) for h in headers]
    for row in clipped:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], width(cell))
    lines = []
    for row in [list(headers), *clipped]:
        cells = [cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def dumps(data: Any) -> str:
    """Indented JSON, for small documents."""
    return json.dumps(data, ensure_ascii=False, indent=2)


COMPACT = json.JSONEncoder(ensure_ascii=False)  # the C encoder, one call per value


def _items(items: list[Any], separator: str) -> str:
    """The encoded items of a list joined by ``separator``. A list of objects that all begin
    with the same key is encoded in one call and cut where each object begins: inside a JSON
    string a quote is always escaped, so ``}, {"key": `` can only be such a boundary. Should
    a nested object begin the same way, the count gives it away and each item is encoded on
    its own."""
    one = COMPACT.encode
    first = items[0]
    if isinstance(first, dict) and first:
        key = next(iter(first))
        if all(isinstance(i, dict) and next(iter(i), None) == key for i in items):
            boundary = "}, {" + one(key) + ": "
            text = one(items)[1:-1]
            if text.count(boundary) == len(items) - 1:
                return text.replace(boundary, "}" + separator + "{" + one(key) + ": ")
    return separator.join(one(i) for i in items)


def dumps_lines(data: Any) -> str:
    """JSON with one list item per line: readable, greppable, and written by the fast C encoder
    (indented output goes through Python's slow one)."""

    one = COMPACT.encode

    def block(value: Any, pad: str) -> str:
        if isinstance(value, list) and value:
            inner = pad + "  "
            return "[\n" + inner + _items(value, ",\n" + inner) + "\n" + pad + "]"
        return one(value)

    if isinstance(data, dict):
        if not data:
            return "{}"
        lines = [f"  {one(k)}: {block(v, '  ')}" for k, v in data.items()]
        return "{\n" + ",\n".join(lines) + "\n}"
    return block(data, "")
