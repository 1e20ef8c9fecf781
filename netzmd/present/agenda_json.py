"""The agenda as JSON (``agenda --format json``), written straight from the agenda's records."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from netzmd.present.text import COMPACT

if TYPE_CHECKING:
    from netzmd.model.agenda import Agenda, Person


def agenda_lines(agenda: Agenda, news: list[dict[str, Any]]) -> str:
    """``dumps_lines(agenda.to_data(agenda, news))``, character for character, written
    straight from the agenda: a crowded agenda has thousands of items, and this skips building
    a dict for each and re-encoding the same names, cadences and reasons.
    ``tests/test_model_agenda.py`` checks it against the general path."""
    text = json.encoder.encode_basestring  # a str as a JSON string (ensure_ascii=False)

    def opt(value: str | None) -> str:
        return "null" if value is None else text(value)

    opened: dict[str, str] = {}  # path: '{"id": …, "name": …'

    def who(p: Person) -> str:
        head = opened.get(p.path)
        if head is None:
            head = opened[p.path] = '{"id": ' + text(p.id) + ', "name": ' + text(p.name)
        return head

    middles: dict[tuple[Any, ...], str] = {}
    keep = []
    for p, d in agenda.keep_in_touch:
        middle = middles.get(d)
        if middle is None:
            middle = middles[d] = (
                f', "last_contact": {opt(d.last_contact)}, "cadence": {text(d.cadence)}, '
                f'"due": "{d.due}", "in_days": {d.in_days}, "reason": {text(d.reason)}, "path": '
            )
        keep.append(who(p) + middle + text(p.path) + "}")
    sections = {
        "follow_ups": [
            f'{who(f.person)}, "due": {text(f.task.due)}, "in_days": {f.in_days}, '
            f'"text": {text(f.task.text)}, "path": {text(f.task.path)}, "line": {f.task.line}}}'
            for f in agenda.follow_ups
        ],
        "keep_in_touch": keep,
        "dates": [
            f'{who(d.person)}, "label": {text(d.label)}, "date": "{d.date}", '
            f'"in_days": {d.in_days}, "years": {"null" if d.years is None else d.years}, '
            f'"path": {text(d.person.path)}}}'
            for d in agenda.dates
        ],
        "greetings": [
            f'{{"occasion": {text(g.occasion)}, "date": "{g.date}", "in_days": {g.in_days}, '
            f'"lead_days": {g.lead_days}, "contacts": ['
            + ", ".join([who(p) + "}" for p in g.people])
            + '], "campaign": '
            + (
                "null"
                if g.campaign is None
                else f'{{"path": {text(g.campaign.path)}, "sent": {g.campaign.sent}, '
                f'"total": {g.campaign.total}}}'
            )
            + "}"
            for g in agenda.greetings
        ],
        "news": [COMPACT.encode(item) for item in news],
        "problems": [COMPACT.encode(p.to_json()) for p in agenda.problems],
    }
    lines = [
        f'  "today": "{agenda.today.isoformat()}"',
        f'  "until": "{agenda.until.isoformat()}"',
    ]
    for key, items in sections.items():
        body = "[\n    " + ",\n    ".join(items) + "\n  ]" if items else "[]"
        lines.append(f'  "{key}": {body}')
    return "{\n" + ",\n".join(lines) + "\n}"
