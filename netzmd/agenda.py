"""The agenda rules: what to do for the network between today and *until*.

Pure: takes the contacts' core records (see ``model.core_json``), the settings and ``today``,
returns the agenda as JSON-ready data. Archived contacts are never on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from netzmd.config import Config, Occasion
from netzmd.dates import Cadence, PartialDate, in_year
from netzmd.model import last_contact_text, status
from netzmd.names import fold

DEFAULT_DAYS = 14


@dataclass(frozen=True, slots=True)
class Window:
    today: date
    until: date

    @classmethod
    def of(cls, today: date, days: int) -> Window:
        return cls(today, today + timedelta(days=days))

    def offset(self, when: date) -> int:
        return (when - self.today).days


def build_agenda(
    cores: list[dict[str, Any]],
    config: Config,
    today: date,
    days: int = DEFAULT_DAYS,
    *,
    circle: str | None = None,
    tags: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The agenda as documented JSON: follow_ups, keep_in_touch, dates, greetings (the News
    from git history are added by ``queries.agenda``)."""
    window = Window.of(today, days)
    people = select(cores, circle, tags)
    return {
        "today": today.isoformat(),
        "until": window.until.isoformat(),
        "follow_ups": follow_ups(people, window),
        "keep_in_touch": keep_in_touch(people, config, window),
        "dates": dates(people, window),
        "greetings": greetings(people, config.occasions, window),
    }


def select(
    cores: list[dict[str, Any]], circle: str | None = None, tags: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """The contacts an agenda is about: not archived, in ``circle``, with all of ``tags``."""
    wanted = [fold(t.lstrip("#")) for t in tags]
    return [
        c
        for c in cores
        if not c["archived"]
        and (circle is None or c["circle"] == circle)
        and all(t in {fold(x) for x in c["tags"]} for t in wanted)
    ]


def event_days(today: date, days: int) -> list[int] | None:
    """The ``month * 100 + day`` keys a window can show dates for (29 February included in
    years where it falls on the 28th); None when the window spans a whole year."""
    if days >= 365:
        return None
    keys = set()
    for offset in range(days + 1):
        d = today + timedelta(days=offset)
        keys.add(d.month * 100 + d.day)
        if d.month == 2 and d.day == 28 and in_year(2, 29, d.year) == d:
            keys.add(229)
    return sorted(keys)


def _who(c: dict[str, Any]) -> dict[str, Any]:
    return {"id": c["id"], "name": c["name"]}


def follow_ups(people: list[dict[str, Any]], window: Window) -> list[dict[str, Any]]:
    """Open tasks due on or before *until*: overdue first, then by date."""
    until = window.until.isoformat()
    items = []
    for c in people:
        for due, text, line in c["follow_ups"]:
            if due is None or due > until:
                continue
            when = date.fromisoformat(due)
            item = {
                **_who(c),
                "due": due,
                "in_days": window.offset(when),
                "text": text,
                "path": c["path"],
                "line": line,
            }
            items.append(((due, c["sort_key"], line), item))
    items.sort(key=lambda pair: pair[0])
    return [item for _, item in items]


def keep_in_touch(
    people: list[dict[str, Any]], config: Config, window: Window
) -> list[dict[str, Any]]:
    """Contacts whose next due date is on or before *until*, unless snoozed past today.

    Ordered by lateness relative to the cadence: 10 days late on 30 days ranks above 20 days
    late on a year."""
    ranked: list[tuple[float, str, dict[str, Any]]] = []
    today, until = window.today, window.until
    today_iso = today.isoformat()
    defaults = config.cadence
    # Many contacts share a cadence and a last-contact day: work each pair out once.
    known: dict[tuple[str | None, str | None], tuple[Any, ...] | None] = {}
    for c in people:
        snooze = c["snooze_until"]
        if snooze is not None and today_iso < snooze:
            continue
        text = c["cadence"] if c["cadence"] is not None else defaults.get(c["circle"] or "")
        if text is None:
            continue
        latest = last_contact_text(c["last_contact"], c["seen"], today_iso)
        pair = (text, latest)
        if pair not in known:
            known[pair] = _due(text, latest, today, until)
        found = known[pair]
        if found is None:
            continue
        rank, due, in_days, reason = found
        ranked.append(
            (
                rank,
                c["sort_key"],
                {
                    **_who(c),
                    "last_contact": latest,
                    "cadence": text,
                    "due": due,
                    "in_days": in_days,
                    "reason": reason,
                    "path": c["path"],
                },
            )
        )
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [item for _, _, item in ranked]


def _due(
    text: str, latest: str | None, today: date, until: date
) -> tuple[float, str, int, str] | None:
    """(rank, due date, days from today, reason) for a contact with this cadence and last
    contact, when due on or before ``until``; the rank is lateness relative to the cadence."""
    s = status({"cadence": text, "circle": None, "last_contact": latest, "seen": None}, today, {})
    if s.next_due is None or s.next_due > until:
        return None
    late = (today - s.next_due).days
    if s.last_contact is None:
        cadence = Cadence.parse(text)
        assert cadence is not None
        length = cadence.approx_days()
        reason = "no contact logged yet"
    else:
        length = max((s.next_due - s.last_contact).days, 1)
        reason = _reason(s.last_contact, today, text)
    return -late / length, s.next_due.isoformat(), (s.next_due - today).days, reason


def _reason(last: date, today: date, cadence: str) -> str:
    ago = (today - last).days
    since = "today" if ago == 0 else f"{ago} day{'s' if ago != 1 else ''} ago"
    return f"last contact {since}, cadence {cadence}"


def dates(people: list[dict[str, Any]], window: Window) -> list[dict[str, Any]]:
    """Birthdays and labelled dates whose yearly occurrence falls in the window."""
    items = []
    for c in people:
        entries: list[tuple[str, str]] = []
        if c["birthday"]:
            entries.append(("birthday", c["birthday"]))
        entries.extend(c["dates"].items())
        for label, text in entries:
            when = PartialDate.parse(text)
            if when is None:
                continue
            occurs = when.next_on_or_after(window.today)
            if occurs > window.until:
                continue
            item = {
                **_who(c),
                "label": label,
                "date": occurs.isoformat(),
                "in_days": window.offset(occurs),
                "years": when.years_at(occurs),
                "path": c["path"],
            }
            items.append(((item["date"], c["sort_key"], label), item))
    items.sort(key=lambda pair: pair[0])
    return [item for _, item in items]


def next_occasion(o: Occasion, today: date) -> date:
    when = in_year(o.month, o.day, today.year)
    return when if when >= today else in_year(o.month, o.day, today.year + 1)


def greetings(
    people: list[dict[str, Any]], occasions: tuple[Occasion, ...], window: Window
) -> list[dict[str, Any]]:
    """Occasions whose next date is before *until* + lead days, with whom to greet."""
    items = []
    for o in occasions:
        when = next_occasion(o, window.today)
        if when > window.until + timedelta(days=o.lead_days):
            continue
        circles = set(o.circles)
        tags = {fold(t) for t in o.tags}
        if not circles and not tags:
            circles = {"competence"}
        chosen = [
            (c["sort_key"], _who(c))
            for c in people
            if c["circle"] in circles or (tags and tags & {fold(t) for t in c["tags"]})
        ]
        chosen.sort(key=lambda pair: pair[0])
        whom = [who for _, who in chosen]
        if not whom:
            continue
        items.append(
            {
                "occasion": o.name,
                "date": when.isoformat(),
                "in_days": window.offset(when),
                "lead_days": o.lead_days,
                "contacts": whom,
            }
        )
    items.sort(key=lambda i: (i["date"], i["occasion"]))
    return items
