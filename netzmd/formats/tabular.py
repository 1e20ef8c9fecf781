"""CSV and JSON export: every contact and every field, so that nothing a person wrote is
unavailable outside netzmd. Standard library only.

JSON is one object: ``{"format": "netzmd-export", "version": 1, "today": D, "contacts": [...]}``,
one contact per line, each as ``list --format json`` gives it (with its ``interactions``,
``follow_ups`` and every front-matter key as written in ``fields``), plus ``uid`` and ``body``
(the note's Markdown after the front matter).

CSV has one row per contact and a header row: the known fields first, then one column for
every other front-matter key in the vault (sorted), then interactions, follow-ups and the body.
A list is one value a line within its cell; a nested value is JSON.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, ClassVar

from netzmd.formats.base import Network, contact_uids

# The front-matter keys the fixed columns already hold (as the reader understands them).
_KNOWN_KEYS = {
    "name",
    "aliases",
    "alias",
    "circle",
    "tags",
    "tag",
    "company",
    "role",
    "city",
    "email",
    "emails",
    "phone",
    "phones",
    "birthday",
    "dates",
    "cadence",
    "last_contact",
    "snooze_until",
    "met",
    "introduced_by",
    "vouches",
    "offers",
    "archived",
    "uid",
}

CSV_COLUMNS = (
    "id",
    "path",
    "uid",
    "name",
    "aliases",
    "circle",
    "tags",
    "company",
    "role",
    "city",
    "emails",
    "phones",
    "birthday",
    "dates",
    "cadence",
    "last_contact",
    "next_due",
    "snooze_until",
    "met",
    "introduced_by",
    "vouches",
    "offers",
    "archived",
)
CSV_TAIL = ("interactions", "follow_ups", "body")


class JsonExporter:
    name: ClassVar[str] = "json"
    suffix: ClassVar[str] = ".json"

    def export(self, network: Network) -> bytes:
        contacts = network.contacts()
        uids = contact_uids(contacts)
        head = json.dumps(
            {"format": "netzmd-export", "version": 1, "today": network.today.isoformat()}
        )
        parts = [head[:-1].encode(), b', "contacts": [']
        for number, c in enumerate(contacts):
            doc = dict(c)
            doc["uid"] = uids[c["path"]]
            doc["body"] = network.body(c["path"])
            parts += (b"," if number else b"", b"\n", json.dumps(doc, ensure_ascii=False).encode())
        parts.append(b"\n]}\n" if contacts else b"]}\n")
        return b"".join(parts)


class CsvExporter:
    name: ClassVar[str] = "csv"
    suffix: ClassVar[str] = ".csv"

    def export(self, network: Network) -> bytes:
        contacts = network.contacts()
        uids = contact_uids(contacts)
        extra = sorted({k for c in contacts for k in c.get("fields") or {}} - _KNOWN_KEYS)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([*CSV_COLUMNS, *extra, *CSV_TAIL])
        for c in contacts:
            fields = c.get("fields") or {}
            row = [_cell(uids[c["path"]] if key == "uid" else c.get(key)) for key in CSV_COLUMNS]
            row += [_cell(fields.get(key)) for key in extra]
            row += [
                "\n".join(_interaction(i) for i in c.get("interactions") or ()),
                "\n".join(_follow_up(f) for f in c.get("follow_ups") or ()),
                network.body(c["path"]),
            ]
            writer.writerow(row)
        return out.getvalue().encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        if all(isinstance(v, str) for v in value.values()):
            return "\n".join(f"{k}: {v}" for k, v in value.items())
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return "\n".join(value)
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _interaction(item: dict[str, Any]) -> str:
    kind = f" [{item['kind']}]" if item.get("kind") else ""
    return f"{item['date']}{kind} {item['text']}".rstrip()


def _follow_up(item: dict[str, Any]) -> str:
    line = f"- [{'x' if item.get('done') else ' '}] {item['text']}"
    if item.get("due"):
        line += f" 📅 {item['due']}"
    if item.get("done_on"):
        line += f" ✅ {item['done_on']}"
    return line
