"""The naive reference script that netzmd has to beat.

Usage::

    python bench/naive.py VAULT [--today YYYY-MM-DD] [--agenda]

Every run walks ``VAULT/contacts`` and parses every note from scratch with python-frontmatter
(default YAML handler) and a few regular expressions; nothing is cached. Without ``--agenda`` it
prints all non-archived contacts as a JSON array sorted by name; with ``--agenda`` it prints a
14-day agenda as a JSON object.

This is deliberately what someone would write in an afternoon: straightforward, not clever,
but also not wasteful.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import os
import re
import sys
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

import frontmatter

AGENDA_DAYS = 14

INTERACTION_RE = re.compile(
    r"^\s*[-*+]\s+(?:\[\[(\d{4}-\d{2}-\d{2})\]\]|(\d{4}-\d{2}-\d{2}))(?![\d-])\s*(.*)$"
)
KIND_RE = re.compile(r"^\[([^\[\]]+)\]\s*(?!\()(.*)$")
TASK_RE = re.compile(r"^\s*[-*+]\s+\[([ xX])\]\s+(.*)$")
DUE_RE = re.compile(r"📅\s*(\d{4}-\d{2}-\d{2})")
SIGNIFIERS_RE = re.compile(r"\s*(?:📅|✅|⏳|🛫).*$")
CADENCE_RE = re.compile(r"^(\d+)\s*([dwmy])$")
CADENCE_WORDS = {
    "daily": (1, "d"),
    "weekly": (1, "w"),
    "biweekly": (2, "w"),
    "fortnightly": (2, "w"),
    "monthly": (1, "m"),
    "quarterly": (3, "m"),
    "half-yearly": (6, "m"),
    "yearly": (1, "y"),
    "annually": (1, "y"),
}
YEARLESS_RE = re.compile(r"^(?:--)?(\d{2})-(\d{2})$")
PLAIN = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "\u0131": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)


def fold(text: str) -> str:
    """Sort key: lower case without accents (Zoë -> zoe, Łukasz -> lukasz)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().translate(PLAIN).split())


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def parse_month_day(value: Any) -> tuple[int, int, int | None] | None:
    """(month, day, year or None) of a birthday-like value."""
    full = parse_date(value)
    if full is not None:
        return full.month, full.day, full.year
    if isinstance(value, str):
        m = YEARLESS_RE.match(value.strip())
        if m:
            month, day = int(m.group(1)), int(m.group(2))
            if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2000, month)[1]:
                return month, day, None
    return None


def add_months(d: dt.date, months: int) -> dt.date:
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def add_cadence(d: dt.date, cadence: str) -> dt.date | None:
    key = cadence.strip().lower()
    if key in CADENCE_WORDS:
        count, unit = CADENCE_WORDS[key]
    else:
        m = CADENCE_RE.match(key)
        if not m:
            return None
        count, unit = int(m.group(1)), m.group(2)
    if unit == "d":
        return d + dt.timedelta(days=count)
    if unit == "w":
        return d + dt.timedelta(weeks=count)
    if unit == "m":
        return add_months(d, count)
    return add_months(d, 12 * count)


def occurrence(month: int, day: int, year: int) -> dt.date:
    if month == 2 and day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return dt.date(year, month, day)


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [jsonable(item) if isinstance(item, dt.date) else str(item) for item in items]


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def load_config(vault: Path) -> dict[str, Any]:
    path = vault / "netzmd.toml"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def read_contact(
    vault: Path, path: Path, today: dt.date, cadences: dict[str, str]
) -> dict[str, Any] | None:
    post = frontmatter.load(str(path))
    meta: dict[str, Any] = dict(post.metadata)
    if meta.get("archived") is True:
        return None

    interactions: list[dict[str, Any]] = []
    follow_ups: list[dict[str, Any]] = []
    for line in post.content.split("\n"):
        m = INTERACTION_RE.match(line)
        if m:
            when = parse_date(m.group(1) or m.group(2))
            if when is None:
                continue
            text = m.group(3).strip()
            kind = None
            k = KIND_RE.match(text)
            if k:
                kind, text = k.group(1), k.group(2)
            interactions.append({"date": when.isoformat(), "kind": kind, "text": text})
            continue
        t = TASK_RE.match(line)
        if t:
            due = DUE_RE.search(t.group(2))
            follow_ups.append(
                {
                    "due": due.group(1) if due else None,
                    "text": SIGNIFIERS_RE.sub("", t.group(2)).strip(),
                    "done": t.group(1) != " ",
                }
            )
    # Newest first; of two on the same day, the one further down the note first.
    interactions.reverse()
    interactions.sort(key=lambda i: i["date"], reverse=True)

    last_contact = parse_date(meta.get("last_contact"))
    if last_contact is not None and last_contact > today:
        last_contact = None
    for item in interactions:
        when = dt.date.fromisoformat(item["date"])
        if when <= today:
            if last_contact is None or when > last_contact:
                last_contact = when
            break

    circle = as_text(meta.get("circle"))
    cadence = as_text(meta.get("cadence"))
    if cadence is None and circle is not None:
        cadence = cadences.get(circle)
    next_due = None
    if cadence is not None:
        next_due = today if last_contact is None else add_cadence(last_contact, cadence)

    stem = path.stem
    birthday = meta.get("birthday")
    return {
        "id": stem,
        "path": path.relative_to(vault).as_posix(),
        "name": as_text(meta.get("name")) or stem,
        "aliases": as_list(meta.get("aliases")),
        "circle": circle,
        "tags": as_list(meta.get("tags")),
        "company": as_text(meta.get("company")),
        "role": as_text(meta.get("role")),
        "city": as_text(meta.get("city")),
        "emails": as_list(meta.get("email")) + as_list(meta.get("emails")),
        "phones": as_list(meta.get("phone")) + as_list(meta.get("phones")),
        "birthday": as_text(birthday),
        "cadence": cadence,
        "last_contact": last_contact.isoformat() if last_contact else None,
        "next_due": next_due.isoformat() if next_due else None,
        "interactions": interactions,
        "follow_ups": follow_ups,
        "fields": jsonable(meta),
    }


def read_vault(vault: Path, today: dt.date, config: dict[str, Any]) -> list[dict[str, Any]]:
    cadences: dict[str, str] = dict(config.get("cadence", {}))
    contacts = []
    for root, dirs, files in os.walk(vault / "contacts"):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".md"):
                contact = read_contact(vault, Path(root) / name, today, cadences)
                if contact is not None:
                    contacts.append(contact)
    contacts.sort(key=lambda c: (fold(c["name"]), c["path"]))
    return contacts


def agenda(
    contacts: list[dict[str, Any]], today: dt.date, config: dict[str, Any]
) -> dict[str, Any]:
    until = today + dt.timedelta(days=AGENDA_DAYS)
    follow_ups = []
    keep_in_touch = []
    dates = []
    for c in contacts:
        for task in c["follow_ups"]:
            if not task["done"] and task["due"] is not None and task["due"] <= until.isoformat():
                follow_ups.append({"id": c["id"], "name": c["name"], **task})

        snooze = parse_date(c["fields"].get("snooze_until"))
        due = c["next_due"]
        if due is not None and due <= until.isoformat() and (snooze is None or snooze <= today):
            keep_in_touch.append(
                {
                    "id": c["id"],
                    "name": c["name"],
                    "cadence": c["cadence"],
                    "last_contact": c["last_contact"],
                    "next_due": c["next_due"],
                }
            )

        labelled: list[tuple[str, Any]] = [("birthday", c["fields"].get("birthday"))]
        extra = c["fields"].get("dates")
        if isinstance(extra, dict):
            labelled.extend(extra.items())
        for label, value in labelled:
            parsed = parse_month_day(value)
            if parsed is None:
                continue
            month, day, year = parsed
            for y in (today.year, today.year + 1):
                when = occurrence(month, day, y)
                if today <= when <= until:
                    dates.append(
                        {
                            "date": when.isoformat(),
                            "id": c["id"],
                            "name": c["name"],
                            "label": str(label),
                            "years": None if year is None else when.year - year,
                        }
                    )

    greetings = []
    for occasion in config.get("occasions", []):
        month_day = parse_month_day(occasion.get("date"))
        if month_day is None:
            continue
        month, day, _ = month_day
        when = occurrence(month, day, today.year)
        if when < today:
            when = occurrence(month, day, today.year + 1)
        lead = int(occasion.get("lead_days", 21))
        if when > until + dt.timedelta(days=lead):
            continue
        circles = set(occasion.get("circles", []))
        tags = set(occasion.get("tags", []))
        people = [
            {"id": c["id"], "name": c["name"]}
            for c in contacts
            if (not circles or c["circle"] in circles) and (not tags or tags & set(c["tags"]))
        ]
        greetings.append(
            {"occasion": occasion.get("name"), "date": when.isoformat(), "contacts": people}
        )

    follow_ups.sort(key=lambda f: (f["due"], fold(f["name"])))
    keep_in_touch.sort(key=lambda k: (k["next_due"], fold(k["name"])))
    dates.sort(key=lambda d: (d["date"], fold(d["name"]), d["label"]))
    return {
        "today": today.isoformat(),
        "until": until.isoformat(),
        "follow_ups": follow_ups,
        "keep_in_touch": keep_in_touch,
        "dates": dates,
        "greetings": greetings,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Naive reference: parse every note every time.")
    parser.add_argument("vault", type=Path)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--agenda", action="store_true", help="print a 14-day agenda instead")
    args = parser.parse_args(argv)
    vault: Path = args.vault
    config = load_config(vault)
    contacts = read_vault(vault, args.today, config)
    result: Any = agenda(contacts, args.today, config) if args.agenda else contacts
    sys.stdout.buffer.write(json.dumps(result, ensure_ascii=False).encode("utf-8") + b"\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
