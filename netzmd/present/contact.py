"""The text view of one contact for ``netzmd show`` (data in, text out)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from netzmd.present.text import relative

if TYPE_CHECKING:
    from netzmd.model.contact import Problem

_KNOWN = (
    "company",
    "role",
    "circle",
    "tags",
    "emails",
    "phones",
    "city",
    "birthday",
    "met",
    "introduced_by",
    "vouches",
    "offers",
    "snooze_until",
)


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def stale_notice(errors: Sequence[Problem]) -> list[str]:
    """What ``show`` says of a note that cannot be read now: it shows the last good version,
    and why the note as it is cannot be read (``path:line: error: message``)."""
    if not errors:
        return []
    return [
        "This note cannot be read now; shown as it last read without errors.",
        *map(str, errors),
    ]


def render_contact(
    c: dict[str, Any],
    today: date,
    *,
    limit: int = 10,
    errors: Sequence[Problem] = (),
    introductions: dict[str, Any] | None = None,
) -> str:
    """The contact ``c`` (``queries.contact_json``); ``errors``: why the note cannot be read
    now, when ``c`` is its last good version."""
    lines = [c["name"] + ("  [archived]" if c["archived"] else "")]
    if c["aliases"]:
        lines.append(f"  also known as {', '.join(c['aliases'])}")
    lines.append(f"  {c['path']}")
    lines.append("")
    notice = stale_notice(errors)
    if notice:
        lines.extend(f"  {line}" for line in notice)
        lines.append("")
    rows: list[tuple[str, str]] = []
    for key in _KNOWN:
        value = c.get(key)
        if value in (None, [], False, ""):
            continue
        label = key.replace("_", " ")
        text = _value(value)
        if key == "birthday" and isinstance(value, str) and not value.startswith("--"):
            born = date.fromisoformat(value)
            age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
            text += f" (age {age})"
        rows.append((label, text))
    for label, when in c["dates"].items():
        rows.append((label, when))
    cadence = c["cadence"]
    if cadence:
        own = c["fields"].get("cadence") == cadence
        rows.append(("cadence", cadence + ("" if own else " (circle default)")))
    last = c["last_contact"]
    rows.append(
        (
            "last contact",
            f"{last} ({relative(date.fromisoformat(last), today)})" if last else "none logged",
        )
    )
    due = c["next_due"]
    if due:
        rows.append(
            ("next due", f"{due} ({relative(date.fromisoformat(due), today, overdue=True)})")
        )
    width = max(len(label) for label, _ in rows)
    lines.extend(f"  {label + ':':<{width + 1}} {text}" for label, text in rows)
    open_items = [f for f in c["follow_ups"] if not f["done"]]
    if open_items:
        lines += ["", "Open follow-ups"]
        for f in sorted(open_items, key=lambda f: f["due"] or "9999"):
            when = f["due"] or "no date"
            note = (
                f" ({relative(date.fromisoformat(f['due']), today, overdue=True)})"
                if f["due"]
                else ""
            )
            lines.append(f"  {when:<10}  {f['text']}{note}")
    intro = introductions or {}
    if intro.get("introduced_to_me") or intro.get("made"):
        lines += ["", "Introductions"]
        if intro.get("introduced_by"):
            lines.append(f"  introduced to you by {intro['introduced_by']}")
        if intro.get("introduced_to_me"):
            names = ", ".join(p["name"] for p in intro["introduced_to_me"])
            lines.append(f"  introduced you to {names}")
        for made in intro.get("made") or []:
            lines.append(f"  {made['date']}  you {made['text']}")
    interactions = c["interactions"]
    if interactions:
        shown = interactions if limit <= 0 else interactions[:limit]
        title = (
            "Interactions"
            if len(shown) == len(interactions)
            else (f"Recent interactions ({len(shown)} of {len(interactions)})")
        )
        lines += ["", title]
        for i in shown:
            kind = f"[{i['kind']}] " if i["kind"] else ""
            planned = "  (planned)" if i["date"] > today.isoformat() else ""
            lines.append(f"  {i['date']}  {kind}{i['text']}{planned}")
    known = set(_KNOWN) | {
        "name",
        "aliases",
        "alias",
        "email",
        "phone",
        "tag",
        "dates",
        "cadence",
        "last_contact",
        "archived",
    }
    extra = [(k, v) for k, v in c["fields"].items() if k not in known]
    if extra:
        lines += ["", "Other fields"]
        lines.extend(f"  {k}: {_value(v)}" for k, v in extra)
    return "\n".join(lines)
