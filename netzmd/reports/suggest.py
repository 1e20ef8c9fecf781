"""Never eat alone (issue 14): whom to meet, best first, each with its reason.

Pure: the contacts as the index gives them (``Person``: ``store.queries.suggest_rows``), their
open follow-ups, the settings and ``today`` in, a ranked list of ``Suggestion`` out. Whether
someone is due comes from ``model.contact`` (``fast_status``: the one place for due and
overdue), company names are grouped by ``model.companies`` (``Aliases``). Every English word a
person reads is made in ``reason`` and ``follow_up_text``, so that they can be translated in one
place.

**Who.** Every contact that is not archived and not snoozed (``snooze_until`` after today;
snoozed *until* today is back), living in the city (``city_key``: case and accents folded, the
part before a comma or parenthesis: ``berlin``, ``Berlin, Germany`` and ``Berlin
(Kreuzberg)`` are one city). A ``call`` ignores the city: everyone.

**Score of one person** (higher first):

- *lateness*: days overdue divided by the cadence's length (the days from the last contact to
  the due date), as the agenda ranks keeping in touch: 10 days late on 30 days (0.33) before 20
  days late on a year (0.05). Not due yet: negative (due in 15 days on 30: -0.5). The last day
  of a cadence is 0, the day after is the first overdue day. A cadence but no contact yet: 0.
  No cadence (none in the note or the circle): ``NO_CADENCE`` (-1, as if met today).
- ``+ GATE_BONUS`` when they hold an entry gate: they vouch for me, made me an offer, or work
  at one of my target companies (``targets``, grouped as ``netzmd companies`` groups names).
- ``- RECENT_PENALTY`` when the last contact is at most ``RECENT_DAYS`` days ago.

**Pairs** (``lunch`` and ``dinner`` only): two contacts in the city who should meet each other
through me, at different companies (people at one company know each other), because

- they share a *topic*: a tag, except tags that say how someone relates to me rather than what
  they work on (``NOT_TOPICS``) and the tags greeting occasions use (``ignore_tags``);
  ``TOPIC_BONUS`` per shared topic, for at most two;
- or an open follow-up of one names the other: a ``[[link]]`` to them, or their company (its
  whole name, or its first word when that has at least four letters and is no generic word
  such as "data" or "cloud": ``GENERIC``); ``MENTION_BONUS``.

A pair scores the mean of its two people's scores plus those bonuses. Each person's best
partner per topic (the best ranked one) and everyone their follow-ups name are considered;
the best pairs are kept so that nobody is in two. Pairs are extra items: the two people are
suggested on their own as well.

**Order.** Someone suggested 1 to ``SUGGESTED_DAYS`` days ago (a pair: either of them) comes
after everyone else; a suggestion made today does not count, so that the same list comes again
on the same day (and ``--plan`` plans what was shown). Then by score, highest first; then by
name and path: a total order, whatever order the contacts come in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from netzmd.errors import UsageError
from netzmd.model.companies import EX_COLLEAGUE, Aliases, named
from netzmd.model.contact import fast_status
from netzmd.model.names import fold

KINDS = ("lunch", "coffee", "call", "dinner")
PAIR_KINDS = ("lunch", "dinner")  # a meal: room for a third
DEFAULT_COUNT = 5

NO_CADENCE = -1.0  # the lateness of someone without a cadence: as if met today
GATE_BONUS = 0.5
RECENT_DAYS = 30
RECENT_PENALTY = 0.5
TOPIC_BONUS = 0.25  # per shared topic, for at most MAX_TOPICS
MAX_TOPICS = 2
MENTION_BONUS = 0.5
SUGGESTED_DAYS = 14

# Tags that say how someone relates to me, not what they work on: no reason for two people to
# meet (two former colleagues of mine know each other already, or not; two customers have me
# in common, nothing else).
NOT_TOPICS = frozenset((EX_COLLEAGUE, "christmas-card", "customer", "recruiter", "friend"))

# First words of company names that say nothing on their own ("Data Corp", "The Cloud Company"):
# a follow-up that mentions "data" does not name that company. Folded.
GENERIC = frozenset(
    (
        "data", "cloud", "digital", "software", "systems", "solutions", "services", "tech",
        "technologies", "group", "global", "international", "consulting", "partners", "bank",
        "energy", "energie", "media", "health", "capital", "labs", "studio", "deutsche",
        "german", "european", "euro", "first", "new", "open", "smart", "united", "general",
    )
)  # fmt: skip

NO_CITY = (
    "suggest needs your city for a {kind}: set it in netzmd.toml under [me] "
    '(city = "Berlin"), or pass --city; --kind call needs none'
)


class Person(NamedTuple):
    """A contact as ``suggest`` reads it: the index's columns and the city from the note."""

    path: str
    id: str
    name: str
    sort_key: str  # the folded name
    circle: str | None
    tags: str | None  # newline-separated
    cadence: str | None  # as written; None: the circle's default
    last_contact: str | None  # the ``last_contact:`` field
    seen: str | None  # interaction dates, newest first, comma-separated
    snooze_until: str | None
    archived: int | None
    company: str | None  # as written
    vouches: int | None
    offers: str | None
    city: str | None  # as written


@dataclass(frozen=True, slots=True)
class Single:
    """One person on ``today``: their score and what makes it."""

    person: Person
    score: float
    cadence: str | None  # the cadence that holds (None: no cadence)
    last_days: int | None  # days since the last contact (None: never)
    overdue_days: int | None  # days past the due date (negative: due in; None: no cadence)
    vouches: bool
    offer: bool
    target: str | None  # the target company they work at, as targets writes it
    suggested_days: int | None  # suggested this many days ago (1 to SUGGESTED_DAYS), else None

    @property
    def demoted(self) -> bool:
        return self.suggested_days is not None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One item of the list: whom to meet (one person or a pair), for what, and why."""

    kind: str
    city: str | None  # the city asked for; for a call, the person's own (as written)
    singles: tuple[Single, ...]  # one, or the two of a pair (the better ranked first)
    score: float
    topics: tuple[str, ...] = ()  # a pair's shared topics, as the first one writes them
    mention: tuple[str, str] | None = None  # a pair: (whose follow-up, its text)

    @property
    def people(self) -> tuple[Person, ...]:
        return tuple(s.person for s in self.singles)

    @property
    def demoted(self) -> bool:
        return any(s.demoted for s in self.singles)

    def key(self) -> tuple[bool, float, tuple[str, ...], tuple[str, ...]]:
        """The rank: not suggested lately first, then the highest score, then by name and path
        (paths are unique: no two items share a key)."""
        people = self.people
        return (
            self.demoted,
            -self.score,
            tuple(p.sort_key for p in people),
            tuple(p.path for p in people),
        )


# --- who --------------------------------------------------------------------------------------


_CITY_END = re.compile(r"[,(]")


@lru_cache(maxsize=4096)
def city_key(text: str | None) -> str:
    """The key cities are compared by: case and accents folded, the part before a comma or a
    parenthesis; "" for none."""
    if not text:
        return ""
    return fold(_CITY_END.split(text, maxsplit=1)[0])


def available(p: Person, today_iso: str) -> bool:
    """Not archived, and not snoozed past today (snoozed until today is available)."""
    return not p.archived and (p.snooze_until is None or p.snooze_until <= today_iso)


def score_person(
    p: Person,
    today: date,
    cadences: dict[str, str],
    target_of: Callable[[str], str | None] = lambda company: None,
    suggested: date | None = None,
) -> Single:
    """One person's score on ``today`` (see the module's rules). ``target_of``: the target
    company a ``company:`` value is one of, or None; ``suggested``: when they were last
    suggested."""
    today_iso = today.isoformat()
    state = fast_status(p.cadence, p.circle, p.last_contact, p.seen, today, today_iso, cadences)
    last = state.last_contact
    last_days = (today - last).days if last is not None else None
    overdue: int | None = None
    if state.next_due is None:
        lateness = NO_CADENCE
    else:
        overdue = (today - state.next_due).days
        lateness = 0.0 if last is None else overdue / max((state.next_due - last).days, 1)
    target = target_of(p.company) if p.company else None
    vouches, offer = bool(p.vouches), bool(p.offers)
    score = lateness
    if vouches or offer or target is not None:
        score += GATE_BONUS
    if last_days is not None and last_days <= RECENT_DAYS:
        score -= RECENT_PENALTY
    ago = (today - suggested).days if suggested is not None else None
    demote = ago if ago is not None and 1 <= ago <= SUGGESTED_DAYS else None
    cadence = state.cadence if state.next_due is not None else None
    return Single(p, score, cadence, last_days, overdue, vouches, offer, target, demote)


def _single_key(s: Single) -> tuple[bool, float, str, str]:
    return s.demoted, -s.score, s.person.sort_key, s.person.path


# --- pairs ------------------------------------------------------------------------------------


def topics(tags: str | None, ignore: frozenset[str] = frozenset()) -> dict[str, str]:
    """A contact's topics: their tags (``tags``: newline-separated) by folded key, as
    written, without ``NOT_TOPICS`` and ``ignore`` (folded)."""
    out: dict[str, str] = {}
    if not tags:
        return out
    for tag in tags.split("\n"):
        shown = tag.strip().lstrip("#")
        key = fold(shown)
        if key and key not in NOT_TOPICS and key not in ignore and key not in out:
            out[key] = shown
    return out


_WORD = re.compile(r"[^\w]+")
_LINK = re.compile(r"\[\[([^\[\]|#^\n]+)(?:[#^][^\[\]|\n]*)?(?:\|([^\[\]\n]*))?\]\]")
_MAX_WORDS = 6  # the longest company name a follow-up is searched for, in words


def words(text: str) -> list[str]:
    """The folded words of a text (letters and digits)."""
    return [w for w in _WORD.split(fold(text)) if w]


def company_forms(company: str) -> list[str]:
    """What a follow-up may call a company by, as folded words joined by one space: its whole
    name as written (a link read as the company it names), and its first word when that has at
    least four letters and is no generic word (``GENERIC``)."""
    parts = words(named(company))
    if not parts:
        return []
    forms = [" ".join(parts[:_MAX_WORDS])]
    first = parts[0]
    if len(parts) > 1 and len(first) >= 4 and not first.isdigit() and first not in GENERIC:
        forms.append(first)
    return forms


def plain(text: str) -> str:
    """A follow-up's text as read: ``[[links]]`` as the names they show."""
    return _LINK.sub(lambda m: (m[2] or m[1].rsplit("/", 1)[-1].removesuffix(".md")).strip(), text)


def _linked(text: str) -> list[str]:
    """The folded notes the ``[[links]]`` in ``text`` point to (by file name or name)."""
    return [fold(m[1].strip().rsplit("/", 1)[-1].removesuffix(".md")) for m in _LINK.finditer(text)]


def _mentioned(text: str, forms: Mapping[str, list[Single]]) -> list[Single]:
    """The people whose company ``text`` names (``forms``: company form: people there)."""
    found: list[Single] = []
    parts = words(_LINK.sub(" ", text))
    for start in range(len(parts)):
        for size in range(1, min(_MAX_WORDS, len(parts) - start) + 1):
            for s in forms.get(" ".join(parts[start : start + size]), ()):
                if s not in found:
                    found.append(s)
    return found


@dataclass(slots=True)
class _Pair:
    first: Single
    second: Single
    topics: tuple[str, ...] = ()
    mention: tuple[str, str] | None = None


def pairs(
    ranked: Sequence[Single],
    follow_ups: Mapping[str, Sequence[str]],
    company_key: Callable[[str], str],
    kind: str,
    city: str | None,
    ignore: frozenset[str] = frozenset(),
) -> list[Suggestion]:
    """Pairs among ``ranked`` (people in one city, best first) who should meet each other,
    each person in at most one, best first (see the module's rules). ``follow_ups``: the
    texts of open follow-ups by path; ``company_key``: the group key of a company name ("" for
    none)."""
    position = {s.person.path: n for n, s in enumerate(ranked)}
    company = {
        s.person.path: company_key(s.person.company) if s.person.company else "" for s in ranked
    }
    tagged = {s.person.path: topics(s.person.tags, ignore) for s in ranked}
    by_topic: dict[str, list[Single]] = {}
    for s in ranked:
        for key in tagged[s.person.path]:
            by_topic.setdefault(key, []).append(s)
    found: dict[tuple[str, str], _Pair] = {}

    def same_company(a: Single, b: Single) -> bool:
        mine = company[a.person.path]
        return bool(mine) and mine == company[b.person.path]

    def pair(a: Single, b: Single) -> _Pair:
        if position[b.person.path] < position[a.person.path]:
            a, b = b, a
        key = (a.person.path, b.person.path)
        item = found.get(key)
        if item is None:
            theirs = tagged[b.person.path]
            shared = tuple(shown for k, shown in tagged[a.person.path].items() if k in theirs)
            item = found[key] = _Pair(a, b, shared)
        return item

    for s in ranked:
        for key in tagged[s.person.path]:
            for other in by_topic[key]:
                if other is not s and not same_company(s, other):
                    pair(s, other)
                    break
    texts = [(s, t) for s in ranked for t in follow_ups.get(s.person.path, ())]
    if texts:
        by_name: dict[str, list[Single]] = {}
        forms: dict[str, list[Single]] = {}
        for s in ranked:
            for name in {fold(s.person.id), fold(s.person.name)}:
                by_name.setdefault(name, []).append(s)
            if company[s.person.path] and s.person.company:
                for form in company_forms(s.person.company):
                    forms.setdefault(form, []).append(s)
        for s, text in texts:
            named_ = [o for link in _linked(text) for o in by_name.get(link, ())]
            for other in dict.fromkeys([*named_, *_mentioned(text, forms)]):
                if other is not s and not same_company(s, other):
                    item = pair(s, other)
                    if item.mention is None:
                        item.mention = (s.person.name, plain(text))
    items: list[Suggestion] = []
    for item in found.values():
        bonus = TOPIC_BONUS * min(len(item.topics), MAX_TOPICS)
        if item.mention is not None:
            bonus += MENTION_BONUS
        score = (item.first.score + item.second.score) / 2 + bonus
        items.append(
            Suggestion(kind, city, (item.first, item.second), score, item.topics, item.mention)
        )
    items.sort(key=Suggestion.key)
    taken: set[str] = set()
    kept: list[Suggestion] = []
    for suggestion in items:
        paths = {p.path for p in suggestion.people}
        if taken.isdisjoint(paths):
            kept.append(suggestion)
            taken |= paths
    return kept


# --- the list ---------------------------------------------------------------------------------


def suggest(
    people: Iterable[Person],
    today: date,
    *,
    kind: str = "lunch",
    city: str | None = None,
    count: int = DEFAULT_COUNT,
    cadences: Mapping[str, str] | None = None,
    follow_ups: Mapping[str, Sequence[str]] | None = None,
    targets: Iterable[str] = (),
    aliases: Aliases | None = None,
    suggested: Mapping[str, date] | None = None,
    ignore_tags: Iterable[str] = (),
) -> list[Suggestion]:
    """Whom to meet on ``today`` for a ``kind`` (``KINDS``), best first, at most ``count``
    items (see the module's rules). ``city``: where (needed unless ``kind`` is call);
    ``cadences``: the circles' default cadences (``Config.cadence``); ``follow_ups``: the texts
    of each contact's open follow-ups by path; ``targets``: the target companies; ``aliases``:
    how company names are grouped (``[companies]``); ``suggested``: when each contact (by path)
    was last suggested; ``ignore_tags``: tags that are no topic (the greeting occasions')."""
    if kind not in KINDS:
        raise UsageError(f"--kind must be one of {', '.join(KINDS)}, not '{kind}'")
    want = "" if kind == "call" else city_key(city)
    if kind != "call" and not want:
        raise UsageError(NO_CITY.format(kind=kind))
    today_iso = today.isoformat()
    aliases = aliases if aliases is not None else Aliases()
    keys: dict[str, str] = {}

    def company_key(text: str) -> str:
        found = keys.get(text)
        if found is None:
            found = keys[text] = aliases.key(text)
        return found

    wanted: dict[str, str] = {}
    for t in targets:
        k = company_key(t)
        if k:
            wanted.setdefault(k, t)

    def target_of(text: str) -> str | None:
        return wanted.get(company_key(text)) if wanted else None

    when = suggested or {}
    defaults = dict(cadences or {})
    ranked = sorted(
        (
            score_person(p, today, defaults, target_of, when.get(p.path))
            for p in people
            if available(p, today_iso) and (not want or city_key(p.city) == want)
        ),
        key=_single_key,
    )
    # singles rank as their people do: the first ``count`` of them are all that can be shown
    items = [
        Suggestion(kind, s.person.city if kind == "call" else city, (s,), s.score)
        for s in ranked[:count]
    ]
    if kind in PAIR_KINDS:
        ignore = frozenset(fold(t.lstrip("#")) for t in ignore_tags)
        items += pairs(ranked, follow_ups or {}, company_key, kind, city, ignore)
    items.sort(key=Suggestion.key)
    return items[:count]


# --- words ------------------------------------------------------------------------------------


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def _and(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _standing(s: Single) -> str:
    """Where someone stands with their cadence, in words."""
    last = s.last_days
    if s.cadence is None:
        return "no contact yet" if last is None else f"last contact {_days(last)} ago"
    if last is None:
        return f"no contact yet (cadence {s.cadence})"
    since = "today" if last == 0 else f"{_days(last)} ago"
    late = s.overdue_days or 0
    if late > 0:
        due = f"{_days(late)} overdue"
    elif late == 0:
        due = "due today"
    else:
        due = f"due in {_days(-late)}"
    return f"{due} (cadence {s.cadence}, last contact {since})"


def _gates(s: Single) -> list[str]:
    out = []
    if s.vouches:
        out.append("vouches for you")
    if s.offer:
        out.append("made you an offer")
    if s.target is not None:
        out.append(f"at {s.target}, one of your targets")
    return out


def reason(item: Suggestion) -> str:
    """Why ``item`` is suggested, in English: ``lunch with Zoë Müller: 3 days overdue (cadence
    6w, last contact 45 days ago); vouches for you``; a pair: ``lunch with Tobias Krüger and
    Zoë Müller: both cloud; Zoë Müller's follow-up: ask Tobias about Spreewerk``."""
    names = " and ".join(p.name for p in item.people)
    parts: list[str] = []
    if len(item.singles) == 1:
        s = item.singles[0]
        parts.append(_standing(s))
        parts += _gates(s)
        if s.suggested_days is not None:
            parts.append(f"suggested {_days(s.suggested_days)} ago")
    else:
        if item.topics:
            parts.append(f"both {_and(item.topics)}")
        if item.mention is not None:
            parts.append(f"{item.mention[0]}'s follow-up: {item.mention[1]}")
        parts += [
            f"{s.person.name} suggested {_days(s.suggested_days)} ago"
            for s in item.singles
            if s.suggested_days is not None
        ]
    return f"{item.kind} with {names}: {'; '.join(parts)}"


def follow_up_text(item: Suggestion, path: str, link: Callable[[str, str], str]) -> str:
    """The follow-up ``--plan`` writes into the note at ``path`` for ``item``: ``lunch with
    Zoë Müller``, in a pair ``lunch with Jürgen Weiß and [[Sophie Wagner]]`` (the others as
    links: ``link(id, name)``)."""
    names = [p.name if p.path == path else link(p.id, p.name) for p in item.people]
    return f"{item.kind} with {' and '.join(names)}"


def to_json(items: Iterable[Suggestion]) -> list[dict[str, object]]:
    """``[{"ids", "names", "kind", "city", "reason", "score"}]``; the score rounded to three
    places."""
    return [
        {
            "ids": [p.id for p in item.people],
            "names": [p.name for p in item.people],
            "kind": item.kind,
            "city": item.city,
            "reason": reason(item),
            "score": round(item.score, 3),
        }
        for item in items
    ]


# --- planning ---------------------------------------------------------------------------------

WORKING_DAYS = 5


def plan_days(today: date, count: int) -> list[date]:
    """When ``--plan`` makes each of ``count`` suggestions due, best first: the working days
    (Monday to Friday) after today in turn, the best one the next working day, starting again
    after the fifth; all within the coming seven days."""
    days: list[date] = []
    day = today
    while len(days) < min(count, WORKING_DAYS):
        day += timedelta(days=1)
        if day.weekday() < WORKING_DAYS:
            days.append(day)
    return [days[n % WORKING_DAYS] for n in range(count)] if days else []
