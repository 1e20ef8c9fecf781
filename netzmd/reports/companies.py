"""Companies as entry gates (issue 13): whom I know at each company, how open its gate is, who
worked there before, and at one company in depth: former colleagues of mine, who could
introduce me, and one next step.

Pure functions over the index's rows (``Index.work_rows``) and a ``today``; the rules of
grouping names and of gates are in ``model.companies``, the status of a contact (last contact,
next due) in ``model.contact``. What was where before comes from ``former:`` and, in a git
repository, from the history of ``company:`` (``git.companies``). The results are JSON-ready
dicts in the documented shapes, which ``present.companies`` renders.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netzmd.errors import Ambiguous, NotFound
from netzmd.model.companies import (
    Aliases,
    Work,
    company_key,
    display_name,
    former_colleague,
    gate,
    in_touch,
    named,
    overdue,
    spellings,
)
from netzmd.model.companies import Holder as _Holder
from netzmd.model.contact import Status, effective_cadence, fast_status, last_contact_text
from netzmd.model.names import fold

if TYPE_CHECKING:
    from netzmd.config import Config
    from netzmd.store.index import Index


@dataclass(slots=True)
class Member:
    """A contact as the report sees it on ``today``."""

    row: Work
    status: Status
    in_touch: bool
    overdue: bool
    now: str  # the group key of the company they are at now ("" for none)
    before: dict[str, str]  # group key: where it is known from, "former" or "git"
    colleague: bool = False  # a former colleague of mine
    last_iso: str | None = None  # status.last_contact as text
    due_iso: str | None = None  # status.next_due as text

    def days_overdue(self, today: date) -> int:
        due = self.status.next_due
        return (today - due).days if due is not None else 0


@dataclass(slots=True)
class Company:
    key: str
    names: dict[str, int]  # spelling: how often it is written
    title: str | None = None  # the name [companies] gives it
    people: list[Member] = field(default_factory=list)
    alumni: list[Member] = field(default_factory=list)
    target: bool = False
    gate: str = "none"

    @property
    def name(self) -> str:
        return display_name(self.names, self.title)

    @property
    def spellings(self) -> list[str]:
        return sorted(self.names, key=lambda s: (-self.names[s], len(s), s))

    def last_contact(self) -> date | None:
        """The latest last contact with anyone there now."""
        days = [m.status.last_contact for m in self.people if m.status.last_contact]
        return max(days) if days else None


@dataclass(slots=True)
class Network:
    today: date
    members: list[Member]
    companies: dict[str, Company]
    aliases: Aliases
    targets: list[str]  # group keys, in the order of the setting, each once
    mine: set[str]  # group keys of my employers ([me] companies)

    def company_of(self, member: Member) -> str | None:
        """The name of the company a member is at now."""
        found = self.companies.get(member.now)
        if found is not None:
            return found.name
        return named(member.row.company) if member.row.company else None


def network(
    rows: Iterable[Work],
    config: Config,
    today: date,
    history: Mapping[str, list[str]] | None = None,
    known: Mapping[str, str] | None = None,
) -> Network:
    """Every contact (``rows``: those not archived) with their status on ``today`` and where
    they are and were, and every company any of them is or was at, or that is a target, with
    its gate. ``history``: the companies notes had before, by note id (``git.companies``);
    ``known``: company keys worked out before (``Aliases``; the network's ``aliases.learned``
    has those worked out on top)."""
    aliases = Aliases(config.companies, known)
    key = aliases.key
    defaults = config.cadence
    today_iso = today.isoformat()
    everyone = list(rows)
    more = (*config.targets, *config.me_companies)
    names = spellings(((r.company, r.former) for r in everyone), aliases, more)
    mine = {k for k in map(key, config.me_companies) if k}
    targets = list(dict.fromkeys(k for k in map(key, config.targets) if k))
    past = _by_member(everyone, history or {})
    members: list[Member] = []
    companies: dict[str, Company] = {}
    # Many contacts share a cadence and a last-contact day: their status is worked out once.
    states: dict[tuple[str | None, str | None], tuple[Status, bool, bool, str | None, str | None]]
    states = {}

    def company(group: str) -> Company:
        found = companies.get(group)
        if found is None:
            found = companies[group] = Company(
                group, names.get(group, {}), aliases.titles.get(group)
            )
        return found

    for row in everyone:
        now = key(row.company) if row.company else ""
        before: dict[str, str] = {}
        if row.former:
            for text in row.former.split("\n"):
                group = key(text)
                if group and group != now:
                    before.setdefault(group, "former")
        if past:
            for text in past.get(row.path, ()):
                group = key(text)
                if group and group != now:
                    before.setdefault(group, "git")
        latest = last_contact_text(row.last_contact, row.seen, today_iso)
        cadence = effective_cadence(row.cadence, row.circle, defaults)
        state = states.get((cadence, latest))
        if state is None:
            status = fast_status(cadence, None, latest, None, today, today_iso, {})
            due = status.next_due
            state = states[(cadence, latest)] = (
                status,
                in_touch(status, today),
                overdue(status, today),
                latest,
                due.isoformat() if due else None,
            )
        colleague = former_colleague(row.circle, row.tags, (now, *before), mine)
        member = Member(row, *state[:3], now, before, colleague, *state[3:])
        members.append(member)
        if now:
            company(now).people.append(member)
        for group in before:
            company(group).alumni.append(member)
    for group in targets:
        company(group).target = True
    for c in companies.values():
        if not c.names:  # a company only named in history: its spellings from there
            c.names = {named(t): 1 for m in c.alumni for t in _texts(m, past, key, c.key)}
        c.people.sort(key=lambda m: (m.row.sort_key, m.row.path))
        c.alumni.sort(key=lambda m: (m.row.sort_key, m.row.path))
        c.gate = gate((_Holder(m.in_touch, m.row.holds) for m in c.people), len(c.alumni))
    return Network(today, members, companies, aliases, targets, mine)


def _texts(member: Member, past: Mapping[str, list[str]], key: Any, group: str) -> list[str]:
    found = [t for t in (*member.row.formers, *past.get(member.row.path, ())) if key(t) == group]
    return found or [group]


def _by_member(rows: list[Work], history: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """The history's companies by the path of the note they belong to now: by file name, or
    by a name or alias (a note renamed by ``netzmd rename`` keeps its old name as an alias)."""
    if not history:
        return {}
    by_id = {r.id: r.path for r in rows}
    out: dict[str, list[str]] = {}
    missing = []
    for ident, texts in history.items():
        path = by_id.get(ident)
        if path is None:
            missing.append((ident, texts))
        else:
            out.setdefault(path, []).extend(texts)
    if missing:
        by_name: dict[str, str | None] = {}
        for r in rows:
            for n in (r.id, r.name, *json.loads(r.aliases or "[]")):
                k = fold(n)
                by_name[k] = r.path if by_name.get(k, r.path) == r.path else None
        for ident, texts in missing:
            found = by_name.get(fold(ident))
            if found is not None:
                out.setdefault(found, []).extend(texts)
    return out


# --- companies ---------------------------------------------------------------------------------


def _person(m: Member) -> dict[str, Any]:
    row = m.row
    return {
        "id": row.id,
        "name": row.name,
        "role": row.role,
        "vouches": bool(row.vouches),
        "offer": row.offers,
        "last_contact": m.last_iso,
        "due": m.due_iso,
        "overdue": m.overdue,
    }


def _alum(net: Network, m: Member) -> dict[str, Any]:
    return {"id": m.row.id, "name": m.row.name, "now_at": net.company_of(m)}


def _sort_key(c: Company) -> tuple[str, str]:
    return fold(c.name), c.key


def companies(
    net: Network,
    *,
    targets: bool = False,
    gates: Iterable[str] = (),
    minimum: int = 0,
) -> list[dict[str, Any]]:
    """``netzmd companies``: one item per company, by name: ``{company, names, gate, people:
    [{id, name, role, vouches, offer, last_contact, due, overdue}], alumni: [{id, name,
    now_at}], last_contact, target}``. ``targets``: exactly the target companies, in the order
    of the setting; ``gates``: only these gates; ``minimum``: only companies with at least this
    many contacts who are or were there."""
    if targets:
        chosen = [net.companies[k] for k in net.targets]
    else:
        chosen = sorted(net.companies.values(), key=_sort_key)
    wanted = set(gates)
    out = []
    for c in chosen:
        if wanted and c.gate not in wanted:
            continue
        if len(c.people) + len(c.alumni) < minimum:
            continue
        last = c.last_contact()
        out.append(
            {
                "company": c.name,
                "names": c.spellings,
                "gate": c.gate,
                "people": [_person(m) for m in c.people],
                "alumni": [_alum(net, m) for m in c.alumni],
                "last_contact": last.isoformat() if last else None,
                "target": c.target,
            }
        )
    return out


def coverage(net: Network) -> tuple[int, int]:
    """(how many targets have an open or warm gate, how many targets there are)."""
    covered = sum(1 for k in net.targets if net.companies[k].gate in ("open", "warm"))
    return covered, len(net.targets)


# --- one company in depth ----------------------------------------------------------------------


def find(net: Network, query: str) -> Company:
    """The company ``query`` names: its key, then the one company whose key or a word of whose
    name starts with it; Ambiguous when several do, else NotFound listing the closest names."""
    wanted = net.aliases.key(query)
    if wanted in net.companies:
        return net.companies[wanted]
    folded = fold(named(query))
    found = [
        c
        for c in net.companies.values()
        if wanted
        and (
            c.key.startswith(wanted)
            or any(w.startswith(folded) for s in c.names for w in fold(s).split())
        )
    ]
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(c.name for c in sorted(found, key=_sort_key)[:20])
        more = f" and {len(found) - 20} more" if len(found) > 20 else ""
        raise Ambiguous(
            f"'{query}' matches {len(found)} companies: {names}{more}",
            hint="Type more of the name.",
        )
    close = _closest(net, query)
    hint = "Run 'netzmd companies' to see every company."
    if close:
        hint = "Did you mean: " + ", ".join(c.name for c in close) + "?"
    raise NotFound(f"no company matches '{query}'", hint=hint)


def _closest(net: Network, query: str) -> list[Company]:
    import difflib

    by_key = {c.key: c for c in net.companies.values()}
    wanted = company_key(query) or fold(query)
    keys = difflib.get_close_matches(wanted, list(by_key), n=5, cutoff=0.6)
    return [by_key[k] for k in keys]


_WIKI = re.compile(r"\[\[([^\[\]|#^\n]+)(?:[#^][^\[\]|\n]*)?(?:\|[^\[\]\n]*)?\]\]")


def _link_targets(text: str) -> list[str]:
    """The folded notes ``[[links]]`` in ``text`` point to (by file name)."""
    return [fold(m[1].strip().rsplit("/", 1)[-1].removesuffix(".md")) for m in _WIKI.finditer(text)]


def company_notes(
    root: Path, aliases: Aliases, skip: Iterable[str] = ("contacts",)
) -> dict[str, str]:
    """Notes that stand for a company (``Companies/Globex.md`` anywhere in the vault, outside
    ``contacts/`` and hidden folders), vault-relative path by group key."""
    out: dict[str, str] = {}
    skipped = set(skip)
    for folder, dirs, files in os.walk(root):
        rel = Path(folder).relative_to(root)
        if rel == Path("."):
            dirs[:] = [d for d in dirs if d not in skipped]
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "templates")
        for name in sorted(files):
            if name.lower().endswith(".md") and not name.startswith("."):
                group = aliases.key(name[:-3])
                if group and group not in out:
                    out[group] = (rel / name).as_posix()
    return out


def company(
    net: Network,
    c: Company,
    index: Index | None = None,
    notes: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """``netzmd company``: one company in depth (documented in the command's help)."""
    from netzmd.store.queries import notes_linking

    today = net.today
    introducers = _introducers(net, c, index, notes_linking) if index is not None else []
    colleagues = [m for m in (*c.people, *c.alumni) if m.colleague]
    last = c.last_contact()
    step = next_step(net, c, introducers)
    return {
        "company": c.name,
        "names": c.spellings,
        "gate": c.gate,
        "target": c.target,
        "note": (notes or {}).get(c.key),
        "last_contact": last.isoformat() if last else None,
        "people": [
            {
                **_person(m),
                "offer_date": m.row.offer_date,
                "in_touch": m.in_touch,
                "former_colleague": m.colleague,
            }
            for m in c.people
        ],
        "alumni": [
            {**_alum(net, m), "source": m.before[c.key], "former_colleague": m.colleague}
            for m in c.alumni
        ],
        "former_colleagues": [
            {"id": m.row.id, "name": m.row.name, "there_now": m.now == c.key}
            for m in {m.row.path: m for m in colleagues}.values()
        ],
        "introducers": introducers,
        "next_step": step,
        "today": today.isoformat(),
    }


def _introducers(
    net: Network, c: Company, index: Index, notes_linking: Any
) -> list[dict[str, Any]]:
    """Contacts who could introduce me at ``c``: who introduced me to someone there
    (``introduced_by``), and who logged an interaction together with someone there (a log line
    in their note that links to that person, or the other way round)."""
    there = {m.row.path for m in c.people}
    by_name: dict[str, Member] = {}
    for m in net.members:
        for n in (m.row.id, m.row.name, *json.loads(m.row.aliases or "[]")):
            by_name.setdefault(fold(n), m)
    found: dict[str, dict[str, Any]] = {}

    def add(who: Member, to: Member, how: str, day: str | None, text: str | None) -> None:
        if who.row.path in there:
            return
        item = found.get(who.row.path)
        if item is None:
            item = found[who.row.path] = {
                "id": who.row.id,
                "name": who.row.name,
                "in_touch": who.in_touch,
                "via": [],
            }
        item["via"].append(
            {"id": to.row.id, "name": to.row.name, "how": how, "date": day, "text": text}
        )

    for p in c.people:
        if p.row.introduced_by:
            who = by_name.get(fold(named(p.row.introduced_by)))
            if who is not None:
                add(who, p, "introduced", None, None)
    targets: dict[str, Member] = {}
    for p in c.people:
        for n in (p.row.id, p.row.name, *json.loads(p.row.aliases or "[]")):
            targets.setdefault(fold(n), p)
    paths = set(notes_linking(index, set(targets))) | there
    by_path = {m.row.path: m for m in net.members}
    for path in sorted(paths):
        writer = by_path.get(path)
        doc = index.contact(path) if writer is not None else None
        if writer is None or doc is None:
            continue
        for item in doc.get("interactions", []):
            text = str(item.get("text") or "")
            for link in dict.fromkeys(_link_targets(text)):
                if writer.row.path in there:  # someone there logged it with someone else
                    other = by_name.get(link)
                    if other is not None and other is not writer:
                        add(other, writer, "logged", item.get("date"), text)
                else:
                    person = targets.get(link)
                    if person is not None:
                        add(writer, person, "logged", item.get("date"), text)
    for item in found.values():
        item["via"].sort(key=lambda v: (v["how"] != "introduced", v["date"] or ""), reverse=False)
    return sorted(
        found.values(), key=lambda i: (not i["in_touch"], -len(i["via"]), fold(i["name"]))
    )


def next_step(
    net: Network, c: Company, introducers: list[dict[str, Any]] | None = None
) -> dict[str, Any] | None:
    """The one thing to do next for the gate of ``c``, with its reason: ``{text, id, name}``
    (id and name: whom to get in touch with; None when it is nobody in particular)."""
    today = net.today

    def step(m: Member | None, text: str) -> dict[str, Any]:
        return {"text": text, "id": m.row.id if m else None, "name": m.row.name if m else None}

    def late(m: Member) -> str:
        if m.status.last_contact is None:
            return "has never been contacted"
        days = m.days_overdue(today)
        return f"is {days} day{'s' if days != 1 else ''} overdue"

    if c.key in net.mine:
        gone = len(c.alumni)
        return step(
            None,
            f"{c.name} is your own employer ([me] in netzmd.toml): the {gone} "
            f"{'person' if gone == 1 else 'people'} you know who left it are your gates "
            "elsewhere (netzmd companies)",
        )
    holds = [m for m in c.people if m.row.holds]
    lapsed = sorted(
        (m for m in holds if not m.in_touch),
        key=lambda m: (m.status.last_contact is not None, m.status.next_due or today),
    )
    if lapsed:
        m = lapsed[0]
        what = "vouches for you" if m.row.vouches else "made you an offer"
        return step(m, f"{m.row.name} {what} but {late(m)}: get in touch")
    if c.gate == "open":
        m = min(
            (m for m in holds if m.in_touch),
            key=lambda m: (m.status.next_due or date.max, m.row.sort_key),
        )
        what = "vouches for you" if m.row.vouches else "made you an offer"
        if m.status.next_due is None:
            return step(
                m, f"{m.row.name} {what} and is in touch; give them a cadence so it stays so"
            )
        return step(
            m,
            f"{m.row.name} {what} and is in touch: next contact due "
            f"{m.status.next_due.isoformat()} ({_in_days((m.status.next_due - today).days)})",
        )
    if c.gate == "warm":
        m = min(
            (m for m in c.people if m.in_touch),
            key=lambda m: (not m.colleague, -(m.status.last_contact or date.min).toordinal()),
        )
        return step(
            m,
            f"{m.row.name} is in touch, but nobody at {c.name} vouches for you yet: ask "
            f"{m.row.name} how things are there and whom you should know",
        )
    if c.gate == "cold":
        m = min(
            c.people,
            key=lambda m: (
                not m.colleague,
                -(m.status.last_contact or date.min).toordinal(),
                m.row.sort_key,
            ),
        )
        return step(
            m,
            f"nobody at {c.name} is in touch: get in touch with {m.row.name}, who {late(m)}",
        )
    for helper in introducers or []:
        if helper["in_touch"]:
            via = helper["via"][0]
            return step(
                next(x for x in net.members if x.row.id == helper["id"]),
                f"ask {helper['name']} to introduce you to {via['name']}",
            )
    if c.gate == "alumni":
        m = min(
            c.alumni,
            key=lambda m: (
                not m.in_touch,
                not m.colleague,
                -(m.status.last_contact or date.min).toordinal(),
                m.row.sort_key,
            ),
        )
        where = net.company_of(m)
        now = f" (now at {where})" if where else ""
        return step(
            m,
            f"nobody you know is at {c.name} now: ask {m.row.name}{now} whom they still know there",
        )
    return step(
        None,
        f"nobody you know is or was at {c.name}: look for who knows someone there "
        f'(netzmd search "{c.name}") and ask a former colleague',
    )


def _in_days(days: int) -> str:
    if days == 0:
        return "today"
    return f"in {days} day{'s' if days != 1 else ''}"
