"""The agenda rules: what to do for the network between today and *until*.

Pure: takes the agenda's sources (the contacts, their open follow-ups and their dates, as the
index stores them, or built from parsed notes by ``sources_of``), the settings and ``today``,
and returns an ``Agenda``. ``to_data`` turns it (with the news) into the documented JSON shape
that templates read; ``present.agenda_json.agenda_lines`` writes the very same JSON without
building it first. Archived contacts are never on it.

A vault of 10,000 contacts gives thousands of items, so the records are plain tuples and what
repeats (a cadence's cut-off day, a cadence with a last-contact day) is worked out once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from netzmd.model.contact import effective_cadence, fast_status, last_contact_text, seen_text
from netzmd.model.dates import Cadence, PartialDate, in_year
from netzmd.model.feasts import FeastDate
from netzmd.model.names import fold

if TYPE_CHECKING:
    from netzmd.model.companies import Aliases
    from netzmd.model.contact import Contact, Problem

DEFAULT_DAYS = 14


@dataclass(frozen=True, slots=True)
class Occasion:
    """A yearly greeting occasion, such as Christmas, and whom to greet. It falls on
    ``month``-``day``, unless ``when`` says otherwise: a movable feast or dates per year
    (``model.feasts``; then ``month`` and ``day`` are 0)."""

    name: str
    month: int
    day: int
    lead_days: int = 21
    circles: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    when: FeastDate | None = None

    def on(self, year: int) -> date | None:
        """The day it falls on in ``year`` (None: a list of dates without one for that year)."""
        if self.when is not None:
            return self.when.in_year(year)
        return in_year(self.month, self.day, year)

    def next_on_or_after(self, start: date) -> date | None:
        """Its first day on or after ``start``; None when it has no more (a list of dates)."""
        if self.when is not None:
            return self.when.next_on_or_after(start)
        return PartialDate(None, self.month, self.day).next_on_or_after(start)

    def date_text(self) -> str:
        """Its ``date`` as netzmd.toml writes it."""
        return self.when.text() if self.when is not None else f"{self.month:02d}-{self.day:02d}"


class Settings(Protocol):
    """What the agenda needs of the settings (``config.Config`` has it)."""

    @property
    def cadence(self) -> dict[str, str]: ...

    @property
    def occasions(self) -> tuple[Occasion, ...]: ...


class Person(NamedTuple):
    """A contact as the agenda reads it: the index's columns."""

    path: str
    id: str
    name: str
    sort_key: str  # the folded name
    circle: str | None
    tags: str  # newline-separated
    cadence: str | None  # as written; None: the circle's default applies
    last_contact: str | None  # the ``last_contact:`` field
    seen: str | None  # interaction dates, newest first, comma-separated
    snooze_until: str | None
    company: str | None  # as written
    former: str | None  # earlier companies, newline-separated
    vouches: int | None
    offers: str | None


class Task(NamedTuple):
    """An open follow-up with a due date."""

    path: str
    due: str
    text: str
    line: int


class Event(NamedTuple):
    """A birthday or a labelled date (``iso`` may be ``--MM-DD``)."""

    path: str
    label: str
    birthday: bool
    iso: str


@dataclass(slots=True)
class Sources:
    """What an agenda is made of. ``tasks`` and ``events`` may hold more than the window shows
    and notes that are not among ``people`` (archived ones): the rules pick."""

    people: list[Person]
    tasks: list[Task]
    events: list[Event]


def sources_of(contacts: Iterable[Contact]) -> Sources:
    """The sources of parsed notes, the same as the index gives for them."""
    people: list[Person] = []
    tasks: list[Task] = []
    events: list[Event] = []
    for c in contacts:
        if c.archived:
            continue
        people.append(
            Person(
                c.path,
                c.id,
                c.name,
                fold(c.name),
                c.circle,
                "\n".join(c.tags),
                c.cadence,
                c.last_contact_field.isoformat() if c.last_contact_field else None,
                seen_text(c),
                c.snooze_until.isoformat() if c.snooze_until else None,
                c.company,
                "\n".join(c.former) if c.former else None,
                int(c.vouches),
                c.offers,
            )
        )
        tasks.extend(
            Task(c.path, f.due.isoformat(), f.text, f.line)
            for f in c.follow_ups
            if not f.done and f.due is not None
        )
        if c.birthday is not None:
            events.append(Event(c.path, "birthday", True, c.birthday.iso()))
        events.extend(Event(c.path, label, False, d.iso()) for label, d in c.dates.items())
    return Sources(people, tasks, events)


@dataclass(frozen=True, slots=True)
class Window:
    today: date
    until: date

    @classmethod
    def of(cls, today: date, days: int) -> Window:
        return cls(today, today + timedelta(days=days))

    def offset(self, when: date) -> int:
        return (when - self.today).days


class Due(NamedTuple):
    """Why a contact is on the keep-in-touch list; shared by everyone with the same cadence
    and last-contact day."""

    rank: float  # lateness relative to the cadence, negated: the most overdue sort first
    last_contact: str | None
    cadence: str
    due: str
    in_days: int
    reason: str


class FollowUp(NamedTuple):
    person: Person
    task: Task
    in_days: int


class DateItem(NamedTuple):
    person: Person
    label: str
    date: str
    in_days: int
    years: int | None


class Campaign(NamedTuple):
    """A greeting's campaign note (``netzmd greet``): where it is, how many of its people
    are ticked as sent, and how many it lists."""

    path: str
    sent: int
    total: int


class Greeting(NamedTuple):
    occasion: str
    date: str
    in_days: int
    lead_days: int
    people: list[Person]
    campaign: Campaign | None = None  # ``queries.agenda_report`` fills it in


@dataclass(slots=True)
class Agenda:
    today: date
    until: date
    follow_ups: list[FollowUp]
    keep_in_touch: list[tuple[Person, Due]]
    dates: list[DateItem]
    greetings: list[Greeting]
    # What kept notes or settings from being read as written (``queries.agenda_report`` fills
    # it in): a broken note is on the agenda as it last read without errors, and this says so.
    problems: list[Problem] = field(default_factory=list)


def build_agenda(
    sources: Sources,
    config: Settings,
    today: date,
    days: int = DEFAULT_DAYS,
    *,
    circle: str | None = None,
    tags: tuple[str, ...] = (),
) -> Agenda:
    """Follow-ups, keep in touch, dates and greetings for ``today`` through ``today + days``
    (the News from git history come from ``queries.agenda_report``)."""
    window = Window.of(today, days)
    people = select(sources.people, circle, tags)
    by_path = {p.path: p for p in people}
    return Agenda(
        today,
        window.until,
        follow_ups(by_path, sources.tasks, window),
        keep_in_touch(people, config.cadence, window),
        dates(by_path, sources.events, window),
        greetings(people, config.occasions, window),
    )


def select(
    people: list[Person], circle: str | None = None, tags: tuple[str, ...] = ()
) -> list[Person]:
    """The contacts in ``circle`` with all of ``tags`` (all of them when neither is given)."""
    if circle is None and not tags:
        return people
    wanted = [fold(t.lstrip("#")) for t in tags]
    return [
        p
        for p in people
        if (circle is None or p.circle == circle)
        and all(t in {fold(x) for x in p.tags.split("\n")} for t in wanted)
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


def follow_ups(by_path: dict[str, Person], tasks: list[Task], window: Window) -> list[FollowUp]:
    """Open tasks due on or before *until*: overdue first, then by date."""
    until = window.until.isoformat()
    today = window.today
    ranked = []
    for task in tasks:
        person = by_path.get(task.path)
        if person is None or task.due > until:
            continue
        in_days = (date.fromisoformat(task.due) - today).days
        key = (task.due, person.sort_key, task.line, task.path)
        ranked.append((key, FollowUp(person, task, in_days)))
    ranked.sort(key=lambda pair: pair[0])
    return [item for _, item in ranked]


_MISSING: Any = object()


def keep_in_touch(
    people: list[Person], defaults: dict[str, str], window: Window
) -> list[tuple[Person, Due]]:
    """Contacts whose next due date is on or before *until*, unless snoozed past today.

    Ordered by lateness relative to the cadence: 10 days late on 30 days ranks above 20 days
    late on a year."""
    today, until = window.today, window.until
    today_iso = today.isoformat()
    # Per cadence as written: the cadence and a day after which no last contact can be due
    # yet (None: not a cadence).
    cut_offs: dict[str, tuple[Cadence, str] | None] = {}
    # Many contacts share a cadence and a last-contact day: work each pair out once.
    known: dict[tuple[str, str | None], Due | None] = {}
    ranked: list[tuple[float, str, str, Person, Due]] = []
    for p in people:
        snooze = p.snooze_until
        if snooze is not None and today_iso < snooze:
            continue
        text = effective_cadence(p.cadence, p.circle, defaults)
        if text is None:
            continue
        limit = cut_offs.get(text, _MISSING)
        if limit is _MISSING:
            cadence = Cadence.parse(text)
            limit = cut_offs[text] = (cadence, _cut_off(cadence, until)) if cadence else None
        if limit is None:
            continue
        latest = last_contact_text(p.last_contact, p.seen, today_iso)
        if latest is not None and latest > limit[1]:
            continue
        pair = (text, latest)
        found = known.get(pair, _MISSING)
        if found is _MISSING:
            found = known[pair] = _due(limit[0], text, latest, today, until)
        if found is not None:
            ranked.append((found.rank, p.sort_key, p.path, p, found))
    ranked.sort(key=lambda r: (r[0], r[1], r[2]))
    return [(r[3], r[4]) for r in ranked]


def _cut_off(cadence: Cadence, until: date) -> str:
    """A day such that a last contact after it cannot be due by ``until``. Calendar months clamp
    the day (29, 30 and 31 January + 1 month all fall on 28 February), so for months and years
    it errs late by three days and ``_due`` decides."""
    day = cadence.subtract_from(until)
    if cadence.unit in ("m", "y"):
        day += timedelta(days=3)
    return day.isoformat()


def _due(cadence: Cadence, text: str, latest: str | None, today: date, until: date) -> Due | None:
    """Why a contact with this cadence (``text`` as written) and last contact is due by
    ``until``, or None."""
    if latest is None:
        return Due(0.0, None, text, today.isoformat(), 0, "no contact logged yet")
    last = date.fromisoformat(latest)
    due = cadence.add_to(last)
    if due > until:
        return None
    late = (today - due).days
    length = max((due - last).days, 1)
    ago = (today - last).days
    since = "today" if ago == 0 else f"{ago} day{'s' if ago != 1 else ''} ago"
    reason = f"last contact {since}, cadence {text}"
    return Due(-late / length, latest, text, due.isoformat(), -late, reason)


def dates(by_path: dict[str, Person], events: list[Event], window: Window) -> list[DateItem]:
    """Birthdays and labelled dates whose yearly occurrence falls in the window."""
    ranked = []
    for n, event in enumerate(events):
        person = by_path.get(event.path)
        if person is None:
            continue
        when = PartialDate.parse(event.iso)
        if when is None:
            continue
        occurs = when.next_on_or_after(window.today)
        if occurs > window.until:
            continue
        day = occurs.isoformat()
        item = DateItem(person, event.label, day, window.offset(occurs), when.years_at(occurs))
        ranked.append(((day, person.sort_key, event.label, event.path, n), item))
    ranked.sort(key=lambda pair: pair[0])
    return [item for _, item in ranked]


def next_occasion(o: Occasion, today: date) -> date | None:
    """The occasion's next day on or after ``today``; None when it has no more."""
    return o.next_on_or_after(today)


def greeted(people: list[Person], o: Occasion) -> list[Person]:
    """Whom to greet for ``o``, in name order: those in any of its circles or with any of its
    tags (neither given: the competence circle)."""
    circles = set(o.circles)
    tags = {fold(t) for t in o.tags}
    if not circles and not tags:
        circles = {"competence"}
    chosen = [
        p
        for p in people
        if p.circle in circles
        or (tags and p.tags and not tags.isdisjoint(fold(t) for t in p.tags.split("\n")))
    ]
    chosen.sort(key=lambda p: (p.sort_key, p.path))
    return chosen


def greetings(
    people: list[Person], occasions: tuple[Occasion, ...], window: Window
) -> list[Greeting]:
    """Occasions whose next date is before *until* + lead days, with whom to greet
    (``greeted``)."""
    items = []
    for o in occasions:
        when = next_occasion(o, window.today)
        if when is None or when > window.until + timedelta(days=o.lead_days):
            continue
        chosen = greeted(people, o)
        if not chosen:
            continue
        items.append(Greeting(o.name, when.isoformat(), window.offset(when), o.lead_days, chosen))
    items.sort(key=lambda g: (g.date, g.occasion))
    return items


def name_gates(
    agenda: Agenda,
    people: Sequence[Person],
    defaults: dict[str, str],
    aliases: Aliases,
    targets: Iterable[str] = (),
    employers: Iterable[str] = (),
) -> None:
    """Say in the reason of an overdue contact on the keep-in-touch list what their lapse costs
    the gate of the company they are at now (``companies.lapse_cost``), when that gate matters:
    they vouch for me or made an offer, the company is one of my ``targets``, or they are a
    former colleague (``companies.former_colleague``; ``employers``: mine). E.g. ``vouches;
    Globex gate going cold``. ``people``: every contact that is not archived (the agenda's
    sources). The company is called what ``netzmd companies`` calls it. The ranking does not
    change. Only the companies of the overdue who matter are looked at, each until its gate is
    known; nobody's company name is grouped when no lapse could matter."""
    from netzmd.model.companies import (
        Holder,
        display_name,
        former_colleague,
        gate,
        in_touch,
        lapse_cost,
        spellings,
    )

    # the overdue on the list (they are not in touch), with a company
    by_path = {p.path: p for p, d in agenda.keep_in_touch if d.in_days < 0 and p.company}
    if not by_path:
        return
    targets, employers = tuple(targets), tuple(employers)
    memo: dict[str, str] = {}

    def key(text: str) -> str:
        found = memo.get(text)
        if found is None:
            found = memo[text] = aliases.key(text)
        return found

    wanted = {k for k in map(key, targets) if k}
    mine = {k for k in map(key, employers) if k}
    holders: dict[str, tuple[str, bool]] = {}  # path: (group, vouches or made an offer)
    for p in by_path.values():
        holds = bool(p.vouches) or bool(p.offers)
        # names are grouped only for a lapse that could matter (no cleanco, no work otherwise)
        if not (holds or wanted or mine or former_colleague(p.circle, p.tags, (), set())):
            continue
        group = key(p.company or "")
        if not group:
            continue
        formers = (key(f) for f in p.former.split("\n")) if p.former and mine else ()
        if holds or group in wanted or former_colleague(p.circle, p.tags, (group, *formers), mine):
            holders[p.path] = (group, holds)
    if not holders:
        return
    today = agenda.today
    today_iso = today.isoformat()
    # The people there as the gate sees them: the overdue ones (not in touch), and each other
    # one who is in touch, until enough is known: someone in touch who vouches, or anyone in
    # touch where none of the overdue vouches (they cost nothing then unless it is cold).
    there: dict[str, list[Holder]] = {}
    for group, holds in holders.values():
        there.setdefault(group, []).append(Holder(False, holds))
    wants_open = {group for group, holds in holders.values() if holds}
    pending = len(there)
    known = memo.get
    for other in people:
        company = other.company
        if not company:
            continue
        its = known(company)
        if its is None:
            its = key(company)
        seen = there.get(its)
        if seen is None or other.path in by_path:
            continue
        if seen[-1].in_touch and (seen[-1].vouches or its not in wants_open):
            continue
        state = fast_status(
            other.cadence, other.circle, other.last_contact, other.seen, today, today_iso, defaults
        )
        if in_touch(state, today):
            vouches = bool(other.vouches) or bool(other.offers)
            seen.append(Holder(True, vouches))
            if vouches or its not in wants_open:
                pending -= 1
                if not pending:
                    break
    costs: dict[str, tuple[str, str | None]] = {}  # path: (group, cost)
    gates = {group: gate(seen, 0) for group, seen in there.items()}
    for path, (group, holds) in holders.items():
        cost = lapse_cost(holds, gates[group])
        if cost is not None:
            costs[path] = (group, cost)
    if not costs:
        return
    needed = {group for group, _ in costs.values()}
    pairs = ((p.company, p.former) for p in people)
    names = spellings(pairs, aliases, (*targets, *employers), needed)
    items = agenda.keep_in_touch
    for n, (person, due) in enumerate(items):
        found = costs.get(person.path)
        if found is None:
            continue
        group, cost = found
        said = [
            w for w, yes in (("vouches", person.vouches), ("made an offer", person.offers)) if yes
        ]
        said.append(f"{display_name(names[group], aliases.titles.get(group))} {cost}")
        items[n] = (person, due._replace(reason=f"{due.reason}; {'; '.join(said)}"))


def limit_keep_in_touch(data: dict[str, Any], limit: int) -> dict[str, Any]:
    """The agenda's data (``to_data``) as the text and Markdown agenda show it: at most
    ``limit`` people to keep in touch with (the ``agenda_limit`` setting; 0: no limit), the
    first ones, which rank best, and ``keep_in_touch_more``: how many are left out. A first
    import of hundreds of contacts then does not bury the rest of the agenda; the JSON stays
    complete."""
    items = data["keep_in_touch"]
    if limit <= 0 or len(items) <= limit:
        return {**data, "keep_in_touch_more": 0}
    return {**data, "keep_in_touch": items[:limit], "keep_in_touch_more": len(items) - limit}


# --- the documented JSON shape ------------------------------------------------------------------


def to_data(agenda: Agenda, news: list[dict[str, Any]]) -> dict[str, Any]:
    """The agenda as documented (README, "agenda --format json"), with the ``news`` from git
    history (``queries.agenda_report``): what templates get."""
    return {
        "today": agenda.today.isoformat(),
        "until": agenda.until.isoformat(),
        "follow_ups": [
            {
                "id": f.person.id,
                "name": f.person.name,
                "due": f.task.due,
                "in_days": f.in_days,
                "text": f.task.text,
                "path": f.task.path,
                "line": f.task.line,
            }
            for f in agenda.follow_ups
        ],
        "keep_in_touch": [
            {
                "id": p.id,
                "name": p.name,
                "last_contact": d.last_contact,
                "cadence": d.cadence,
                "due": d.due,
                "in_days": d.in_days,
                "reason": d.reason,
                "path": p.path,
            }
            for p, d in agenda.keep_in_touch
        ],
        "dates": [
            {
                "id": d.person.id,
                "name": d.person.name,
                "label": d.label,
                "date": d.date,
                "in_days": d.in_days,
                "years": d.years,
                "path": d.person.path,
            }
            for d in agenda.dates
        ],
        "greetings": [
            {
                "occasion": g.occasion,
                "date": g.date,
                "in_days": g.in_days,
                "lead_days": g.lead_days,
                "contacts": [{"id": p.id, "name": p.name} for p in g.people],
                "campaign": g.campaign._asdict() if g.campaign is not None else None,
            }
            for g in agenda.greetings
        ],
        "news": news,
        "problems": [p.to_json() for p in agenda.problems],
    }
