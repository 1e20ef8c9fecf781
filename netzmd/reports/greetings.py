"""Greetings (issue 14): whom a campaign greets, and what each draft can draw on.

``campaign_for`` finds what ``netzmd greet OCCASION`` means: an occasion of netzmd.toml (by
name, case and accents ignored, or its template name such as ``martisor``), ``birthdays`` (the
birthdays in the agenda's window) or ``news`` (the job changes on the agenda), and its year.
``recipients`` gives one dict per person, the data their draft's template gets (documented in
``templates/greetings/default.en.md.j2`` and the README). ``resolve_links`` finds the contact of
each task in a campaign note for ``greet --sync``.

Pure of click and of the clock: everything takes the index, the settings and a ``today``. The
rules (salutation, language, years known, the campaign note) are in ``model.greeting`` and
``model.campaign``; the drafts are rendered and written by ``ops.greet``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from netzmd.errors import NetzmdError, UsageError
from netzmd.model import greeting as rules
from netzmd.model.agenda import DEFAULT_DAYS, Occasion, Person
from netzmd.model.campaign import default_path, slug, title
from netzmd.model.dates import parse_iso
from netzmd.model.names import fold
from netzmd.vault import in_work_tree

if TYPE_CHECKING:
    from netzmd.config import Config
    from netzmd.store.index import Index

OCCASION, BIRTHDAYS, NEWS = "occasion", "birthdays", "news"
GREETING = "greeting"  # the kind of the interaction ``greet --sync`` logs
JOB_DAYS = 365  # a job change this long ago or less is one "this year"


@dataclass(frozen=True, slots=True)
class Target:
    """What a campaign is for: ``kind`` (``OCCASION``, ``BIRTHDAYS`` or ``NEWS``), the name it
    goes by (the occasion's, or Birthdays / News), its ``year``, the occasion's day in that year
    (None for birthdays and news), and the occasion itself."""

    kind: str
    name: str
    year: int
    date: date | None
    occasion: Occasion | None = None

    @property
    def title(self) -> str:
        return title(self.name, self.year)

    @property
    def slug(self) -> str:
        """The name of its templates: ``templates/greetings/<slug>.<lang>.md.j2``."""
        return slug(self.name)

    @property
    def path(self) -> str:
        """The campaign note's default place, relative to the vault."""
        return default_path(self.name, self.year)

    @property
    def log_text(self) -> str:
        """The text of the ``[greeting]`` interaction that ``greet --sync`` logs."""
        if self.kind == BIRTHDAYS:
            return f"birthday greeting {self.year}"
        if self.kind == NEWS:
            return f"congratulations on the new job ({self.year})"
        return f"{self.title} greeting"


def campaign_for(config: Config, text: str, today: date, year: int | None = None) -> Target:
    """The campaign ``netzmd greet TEXT [--year YEAR]`` means. An occasion's year is that of its
    next day on or after ``today`` unless ``year`` is given (New Year greetings written in
    December are for the coming year); birthdays and news are of this year."""
    wanted = fold(text)
    if not wanted:
        raise UsageError("say which occasion: a name from netzmd.toml, birthdays or news")
    found = [o for o in config.occasions if wanted in (fold(o.name), slug(o.name))]
    if found:
        o = found[0]
        if year is None:
            when = o.next_on_or_after(today)
            if when is None:
                raise NetzmdError(
                    f"occasion '{o.name}' has no date on or after {today.isoformat()} in "
                    "netzmd.toml",
                    hint=f'Add this year\'s date to its list (date = [..., "{today.year}-MM-DD"]), '
                    "or pass --year.",
                )
            return Target(OCCASION, o.name, when.year, when, o)
        day = o.on(year)
        if day is None:
            raise NetzmdError(
                f"occasion '{o.name}' has no date in {year} in netzmd.toml",
                hint=f'Add it to its list of dates: date = [..., "{year}-MM-DD"].',
            )
        return Target(OCCASION, o.name, year, day, o)
    if wanted in (BIRTHDAYS, "birthday"):
        return Target(BIRTHDAYS, "Birthdays", year or today.year, None)
    if wanted == NEWS:
        return Target(NEWS, "News", year or today.year, None)
    names = ", ".join(o.name for o in config.occasions)
    raise UsageError(
        f"no occasion '{text}' in netzmd.toml",
        hint=f"Occasions: {names or '(none)'}; or birthdays, or news.",
    )


def recipients(
    index: Index,
    config: Config,
    target: Target,
    today: date,
    lang: str | None = None,
) -> list[dict[str, Any]]:
    """Whom ``target`` greets, in name order, each as the data of their draft (see the module
    text): for an occasion, the contacts it names (``agenda.greeted``); for birthdays, those
    with a birthday from today through the agenda's window; for news, those with a job change
    on the agenda. Archived contacts never. ``lang``: ``--lang``."""
    from netzmd.model import agenda as agenda_rules

    window = agenda_rules.Window.of(today, DEFAULT_DAYS)
    event_days = agenda_rules.event_days(today, DEFAULT_DAYS) if target.kind == BIRTHDAYS else []
    sources = index.agenda_sources(stale=True, tasks_until="", event_days=event_days)
    people = sources.people
    jobs = _job_changes(index, people, today, JOB_DAYS)
    extra: dict[str, dict[str, Any]] = {}  # path: what the kind adds (birthday, the news' day)
    if target.kind == OCCASION:
        assert target.occasion is not None
        chosen = agenda_rules.greeted(people, target.occasion)
    elif target.kind == BIRTHDAYS:
        by_path = {p.path: p for p in people}
        births = [e for e in sources.events if e.birthday]
        chosen = []
        for item in agenda_rules.dates(by_path, births, window):
            chosen.append(item.person)
            extra[item.person.path] = {
                "date": item.date,
                "birthday": {"date": item.date, "age": item.years},
            }
        chosen.sort(key=lambda p: (p.sort_key, p.path))
    else:  # the job changes the agenda's News show; the drafts speak of that change
        recent = _job_changes(index, people, today, config.news_days)
        chosen = sorted((p for p in people if p.path in recent), key=lambda p: (p.sort_key, p.path))
        jobs.update(recent)
        extra = {path: {"date": change["date"]} for path, change in recent.items()}
    return [
        draft_data(
            index.contact(p.path) or {},
            p,
            target,
            today,
            lang=lang,
            setting=config.lang,
            job=jobs.get(p.path),
            extra=extra.get(p.path),
        )
        for p in chosen
    ]


def _job_changes(
    index: Index, people: list[Person], today: date, days: int
) -> dict[str, dict[str, Any]]:
    """Each contact's latest job change (company, then role, on one day) in the last ``days``
    days, by git history (``git.news``): ``{field, old, new, date}`` by path. None outside a
    git repository."""
    if not in_work_tree(index.vault.root):
        return {}
    from netzmd.git.news import news

    known = {p.path: {"id": p.id, "name": p.name} for p in people}
    found: dict[str, dict[str, Any]] = {}
    for item in news(index.vault.root, today, days, known):
        change = {k: item[k] for k in ("field", "old", "new", "date")}
        before = found.get(item["path"])
        if before is None or (change["date"], change["field"] == "company") > (
            before["date"],
            before["field"] == "company",
        ):
            found[item["path"]] = change
    return found


def draft_data(
    doc: dict[str, Any],
    person: Person,
    target: Target,
    today: date,
    *,
    lang: str | None = None,
    setting: str | None = None,
    job: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What one draft's template gets (``doc``: the contact's JSON as ``show`` gives it)."""
    fields: dict[str, Any] = doc.get("fields") or {}
    name = person.name
    chosen = rules.pick_language(fields.get("lang"), lang, setting)
    form = rules.address(fields.get("address"))
    first = rules.first_name(name, fields.get("first_name"))
    talks = sorted(
        (
            i
            for i in doc.get("interactions") or ()
            if isinstance(i, dict) and parse_iso(str(i.get("date")))
        ),
        key=lambda i: str(i["date"]),
    )
    past = [i for i in talks if str(i["date"]) <= today.isoformat()]
    last = next((i for i in reversed(past) if (i.get("kind") or "") != GREETING), None)
    first_talk = parse_iso(str(talks[0]["date"])) if talks else None
    since = rules.known_since(_met(doc.get("met"), fields.get("met")), first_talk)
    at = target.date or today
    data: dict[str, Any] = {
        "kind": target.kind,
        "occasion": target.name,
        "title": target.title,
        "year": target.year,
        "date": target.date.isoformat() if target.date else None,
        "today": today.isoformat(),
        "lang": chosen,
        "address": form,
        "informal": form == rules.DU,
        "salutation": rules.salutation(chosen, form, first, name, fields.get("salutation")),
        "id": person.id,
        "name": name,
        "first_name": first,
        "company": doc.get("company") or None,
        "role": doc.get("role") or None,
        "city": doc.get("city") or None,
        "job_change": job,
        "last_interaction": _interaction(last) if last else None,
        "years_known": rules.years_known(since, at),
        "known_since": _since_text(since),
        "met": doc.get("met") or None,
        "follow_ups": [
            {"text": f.get("text"), "due": f.get("due")}
            for f in doc.get("follow_ups") or ()
            if isinstance(f, dict) and not f.get("done")
        ],
        "birthday": None,
        "fields": fields,
        "path": person.path,
    }
    if extra:
        data.update(extra)
    return data


def _met(value: Any, raw: Any) -> Any:
    """``met`` as the note wrote it: a date stays a date (the JSON has it as text)."""
    if isinstance(value, str):
        day = parse_iso(value)
        if day is not None:
            return day
    return value if value is not None else raw


def _interaction(item: dict[str, Any]) -> dict[str, Any]:
    day = date.fromisoformat(str(item["date"]))
    return {
        "date": day.isoformat(),
        "year": day.year,
        "month": day.month,
        "kind": item.get("kind") or None,
        "text": item.get("text") or "",
    }


def _since_text(since: tuple[int, int, int] | None) -> str | None:
    if since is None:
        return None
    year, month, day = since
    return f"{year:04d}-{month:02d}-{day:02d}" if month else f"{year:04d}"


def resolve_links(index: Index, targets: Iterable[str]) -> dict[str, tuple[str | None, str]]:
    """The contact each wiki-link target means, as Obsidian resolves links: the note's file
    name, else one contact's name or alias (case and accents ignored). For each target:
    (the note's path, its name), or (None, why not)."""
    by_file: dict[str, list[tuple[str, str]]] = {}
    by_name: dict[str, list[tuple[str, str]]] = {}
    for path, ident, name, aliases, _ in index.names(stale=True):
        by_file.setdefault(fold(ident), []).append((path, name))
        for key in {fold(name), *(fold(a) for a in aliases)}:
            by_name.setdefault(key, []).append((path, name))
    out: dict[str, tuple[str | None, str]] = {}
    for target in targets:
        key = fold(target.strip().rsplit("/", 1)[-1].removesuffix(".md"))
        found = by_file.get(key) or by_name.get(key) or []
        unique = {path: name for path, name in found}
        if len(unique) == 1:
            out[target] = next(iter(unique.items()))
        elif unique:
            out[target] = (None, f"matches {len(unique)} contacts: {', '.join(sorted(unique))}")
        else:
            out[target] = (None, "no contact of that name")
    return out
