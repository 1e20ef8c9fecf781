"""The one import engine: people read by any importer (``formats/``) become new notes or fill
and update existing ones, through the same template and writer as ``add`` and ``set``.

Matching an incoming person to a note, in this order: the note an earlier import from the same
source matched them to; a LinkedIn URL; an email; a phone number (all normalised by
``model.identity``); the exact name or an alias (case and accents folded, ``ß`` kept) — but a
name counts only when exactly one note has it and no identifier contradicts it. Anything else
that is alike is reported as a possible match and never merged.

Existing notes follow a three-way rule per field, with the values of the previous import from
the same source (``imports/<source>.json``, in the vault and committed) as the base:

- the source has no value: nothing;
- the note has no value: it is filled, unless the base equals the source (the person removed
  what the last import filled, and the source did not change since);
- note and source agree: nothing;
- no base, or the source did not change since the base: the person's value stands (without a
  base and with different values, that is listed as a conflict);
- the note still has the base value and the source changed: the source wins (a changed company
  moves the old one to ``former``);
- both changed: nothing is written, it is a conflict.

Lists (emails, phones, tags, aliases) only grow: what the source added since the base is added
when the note lacks it. ``met`` and ``uid`` are only ever filled.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from netzmd.errors import NetzmdError
from netzmd.model.identity import (
    Identity,
    derived_uid,
    email_key,
    identity_of,
    linkedin_key,
    loose_name_key,
    name_key,
    phone_key,
)
from netzmd.model.incoming import Incoming, Meeting, Skipped
from netzmd.model.names import Candidate, fold
from netzmd.notes import edit, edit_body, edit_front
from netzmd.notes.yamlread import remembering
from netzmd.ops.write import Change, Note, Plan, new_contact, open_note
from netzmd.vault import CONTACTS, Vault

if TYPE_CHECKING:
    from netzmd.notes.atomic import Clock

IMPORTS = "imports"  # the folder of the import records, in the vault (committed)
STATE_VERSION = 1
SIMILAR = 85.0  # a name at least this alike (0-100) is reported as a possible match
BLOCK = 2000  # a block of more notes than this (a common first name) is not searched alone

SCALARS = ("company", "role", "city", "birthday", "linkedin")
LISTS = ("emails", "phones", "tags", "aliases")
FILL_ONLY = ("met", "uid")


# --- what the engine is given and gives back --------------------------------------------------


@dataclass(slots=True)
class Known:
    """An existing contact as the index knows it: its front matter as written (JSON-ready)."""

    path: str
    id: str
    name: str
    aliases: list[str]
    fields: dict[str, Any]


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: Any
    new: Any

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new}


@dataclass(slots=True)
class Updated:
    id: str
    name: str
    path: str
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def job_change(self) -> bool:
        return any(f.field == "company" and f.old for f in self.fields)


@dataclass(frozen=True, slots=True)
class Conflict:
    id: str
    field: str
    note: Any
    source: Any


@dataclass(frozen=True, slots=True)
class Possible:
    incoming: str
    id: str
    score: float


@dataclass(slots=True)
class Report:
    """What an import did (or, with ``--dry-run``, would do)."""

    source: str
    new: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    updated: list[Updated] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    possible: list[Possible] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # "file:line: text"
    unknown: dict[str, int] = field(default_factory=dict)  # ics: email -> meetings
    meetings: int = 0  # ics: meetings logged

    def summary(self) -> str:
        """``import linkedin: 312 new, 41 updated (3 job changes), 2 conflicts``."""
        if self.source == "ics":
            people = len(self.updated)
            text = (
                f"import ics: {self.meetings} meeting{'s' if self.meetings != 1 else ''} "
                f"with {people} contact{'s' if people != 1 else ''}"
            )
            if self.unknown:
                text += f", {len(self.unknown)} unknown attendee{'s' * (len(self.unknown) != 1)}"
            return text
        jobs = sum(1 for u in self.updated if u.job_change)
        text = f"import {self.source}: {len(self.new)} new, {len(self.updated)} updated"
        if jobs:
            text += f" ({jobs} job change{'s' if jobs != 1 else ''})"
        n = len(self.conflicts)
        text += f", {n} conflict{'s' if n != 1 else ''}"
        return text

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "new": [{"id": i, "name": n} for i, n in self.new],
            "updated": [
                {"id": u.id, "name": u.name, "fields": [f.to_json() for f in u.fields]}
                for u in self.updated
            ],
            "unchanged": self.unchanged,
            "conflicts": [
                {"id": c.id, "field": c.field, "note": c.note, "source": c.source}
                for c in self.conflicts
            ],
            "possible_matches": [
                {"incoming": p.incoming, "id": p.id, "score": round(p.score, 1)}
                for p in self.possible
            ],
            "skipped": [{"file": s.file, "line": s.line, "reason": s.reason} for s in self.skipped],
        }
        if self.source == "ics":
            out["unknown"] = [{"email": e, "meetings": n} for e, n in sorted(self.unknown.items())]
        return out


@dataclass(slots=True)
class ImportPlan:
    plan: Plan
    report: Report


@dataclass(slots=True)
class Options:
    circle: str | None = None
    tags: list[str] = field(default_factory=list)
    region: str = "DE"
    me: tuple[str, ...] = ()  # my own email addresses ([me] emails): never "unknown"


# --- the record of earlier imports ------------------------------------------------------------


def state_path(source: str) -> str:
    return f"{IMPORTS}/{source}.json"


def read_state(vault: Vault, source: str) -> tuple[dict[str, Any], bytes | None]:
    """The record of the previous imports from ``source`` and its bytes (None: no record). A
    record that cannot be read is an error naming it: it is the base of the three-way rule, so
    importing without it could overwrite what a person wrote."""
    rel = state_path(source)
    try:
        data = (vault.root / rel).read_bytes()
    except FileNotFoundError:
        return {}, None
    except OSError as exc:
        raise NetzmdError(f"cannot read {rel}: {exc.strerror}", path=rel) from None
    try:
        state = json.loads(data.decode("utf-8"))
        if not isinstance(state, dict):
            raise ValueError("not an object")
    except (ValueError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", 1)
        raise NetzmdError(
            f"the record of earlier imports cannot be read ({exc})",
            path=rel,
            line=line,
            hint="It is in git: 'git checkout -- " + rel + "' restores the last committed one "
            "(a merge conflict in it: keep both sides' entries, then import again).",
        ) from None
    return state, data


def state_bytes(state: dict[str, Any]) -> bytes:
    """The record as written: sorted keys, two-space indents, one trailing newline, so that the
    same record gives the same bytes and git shows small diffs."""
    return (json.dumps(state, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _state_change(vault: Vault, source: str, state: dict[str, Any], before: bytes | None) -> Change:
    rel = state_path(source)
    after = state_bytes(state)
    return Change(rel, vault.root / rel, before, after, [f"{rel}: the record of this import"])


# --- values -----------------------------------------------------------------------------------


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if isinstance(v, str | int | float) and str(v).strip()]
    if value is None or isinstance(value, bool | dict):
        return []
    return [str(value)]


def _scalar(value: Any) -> str | None:
    if value is None or isinstance(value, bool | list | dict):
        return None
    text = " ".join(str(value).split())  # a value from a file may hold line breaks
    return text or None


def _list_key(key: str, value: str, region: str) -> str:
    if key == "emails":
        return email_key(value) or value.strip().casefold()
    if key == "phones":
        return phone_key(value, region) or value.strip()
    if key == "tags":
        return fold(value.lstrip("#"))
    return name_key(value)


def _birthday(text: str) -> tuple[int | None, int, int] | None:
    from netzmd.model.dates import PartialDate

    parsed = PartialDate.parse(text.strip())
    return None if parsed is None else (parsed.year, parsed.month, parsed.day)


def same_value(key: str, a: Any, b: Any) -> bool:
    """Whether two values of ``key`` mean the same: names of companies, roles and cities with
    case and accents folded, LinkedIn URLs normalised, a birthday without a year equal to the
    same day with one."""
    left, right = _scalar(a), _scalar(b)
    if left is None or right is None:
        return left is right
    if left == right:
        return True
    if key == "linkedin":
        return (linkedin_key(left) or left) == (linkedin_key(right) or right)
    if key == "birthday":
        x, y = _birthday(left), _birthday(right)
        if x is None or y is None:
            return left == right
        return x[1:] == y[1:] and (x[0] is None or y[0] is None or x[0] == y[0])
    return name_key(left) == name_key(right)


def _note_list(fields: dict[str, Any], key: str) -> list[str]:
    if key == "emails":
        return _strings(fields.get("email")) + _strings(fields.get("emails"))
    if key == "phones":
        return _strings(fields.get("phone")) + _strings(fields.get("phones"))
    return _strings(fields.get(key))


@dataclass(slots=True)
class Decision:
    """What to do with one field of a matched note."""

    key: str
    action: str  # "write", "add" (list items), "conflict"
    old: Any
    new: Any


def decide(
    note: dict[str, Any], source: dict[str, Any], base: dict[str, Any] | None, region: str
) -> list[Decision]:
    """The three-way rule (see the module's docstring) for every field of ``source``; ``base``
    is the source's values at the previous import (None: never imported before)."""
    out: list[Decision] = []
    for key in SCALARS:
        s = _scalar(source.get(key))
        if s is None:
            continue
        n = _scalar(note.get(key))
        b = _scalar(base.get(key)) if base is not None else None
        if n is None:
            if b is not None and same_value(key, b, s):
                continue  # removed by hand since the import that filled it
            out.append(Decision(key, "write", None, s))
        elif same_value(key, n, s):
            continue
        elif b is None:
            out.append(Decision(key, "conflict", n, s))
        elif same_value(key, b, s):
            continue  # the source did not change: the person's value stands
        elif same_value(key, n, b):
            out.append(Decision(key, "write", n, s))
        else:
            out.append(Decision(key, "conflict", n, s))
    for key in LISTS:
        items = _strings(source.get(key))
        if not items:
            continue
        have = {_list_key(key, v, region) for v in _note_list(note, key)}
        before = {_list_key(key, v, region) for v in _strings(base.get(key))} if base else set()
        added = []
        for item in items:
            k = _list_key(key, item, region)
            if k and k not in have and k not in before:
                have.add(k)
                added.append(item)
        if added:
            out.append(Decision(key, "add", None, added))
    for key in FILL_ONLY:
        s = _scalar(source.get(key))
        if s is not None and _scalar(note.get(key)) is None:
            b = _scalar(base.get(key)) if base is not None else None
            if b != s:
                out.append(Decision(key, "write", None, s))
    return out


def _value(key: str, text: str) -> Any:
    """A source value as the note holds it (a birthday as a date or ``--MM-DD``)."""
    if key == "birthday":
        return edit.parse_partial_date(text, key)
    return text


def apply_decisions(
    text: str, decisions: Sequence[Decision], fields: dict[str, Any] | None = None
) -> tuple[str, list[FieldChange]]:
    """The note's text with the written and added fields, set at once through ``edit_front``
    (byte minimal, read back); a company replaced is appended to ``former``. ``fields``: the
    note's front matter when it was read already."""
    changes: list[FieldChange] = []
    if fields is None:
        fields = edit.read_fields(text)
    values: dict[str, Any] = {}
    for d in decisions:
        if d.action == "write":
            if d.key == "company" and d.old:
                former = _strings(fields.get("former"))
                if not any(name_key(f) == name_key(str(d.old)) for f in former):
                    values["former"] = [*former, str(d.old)]
                    changes.append(FieldChange("former", former or None, values["former"]))
            values[d.key] = _value(d.key, str(d.new))
            changes.append(FieldChange(d.key, d.old, d.new))
        elif d.action == "add":
            key = d.key
            existing = _strings(fields.get(key))
            if key in ("emails", "phones"):
                single = key[:-1]
                if not existing and not _strings(fields.get(single)) and len(d.new) == 1:
                    values[single] = d.new[0]
                    changes.append(FieldChange(single, None, d.new[0]))
                    continue
            values[key] = [*existing, *d.new]
            changes.append(FieldChange(key, existing or None, values[key]))
    return edit_front.set_fields(text, values), changes


# --- matching ---------------------------------------------------------------------------------


def source_key(person: Incoming, region: str) -> str:
    """The person's key in the record of a source: their LinkedIn profile, else the source's
    UID, else their first email, else their phone, else their name."""
    for url in _strings(person.fields.get("linkedin")):
        key = linkedin_key(url)
        if key:
            return "linkedin:" + key
    if person.uid:
        return "uid:" + person.uid
    for mail in _strings(person.fields.get("emails")):
        key = email_key(mail)
        if key:
            return "email:" + key
    for phone in _strings(person.fields.get("phones")):
        key = phone_key(phone, region)
        if key:
            return "phone:" + key
    return "name:" + name_key(str(person.fields.get("name", "")))


class Matcher:
    """The existing contacts by every identifier and exact name, for matching incoming people
    in order; a new note joins it, so that two rows of one person in one file match each
    other."""

    def __init__(self, known: Iterable[Known], region: str) -> None:
        self.region = region
        self.by_path: dict[str, Known] = {}
        self.identity: dict[str, Identity] = {}
        self.by_id: dict[str, dict[str, list[str]]] = {"linkedin": {}, "email": {}, "phone": {}}
        self.by_name: dict[str, list[str]] = {}
        self.loose: dict[str, str] = {}
        self.by_word: dict[str, set[str]] = {}
        self._waiting: list[Known] = []  # not yet in the look-up tables
        self._ready = False
        for k in known:
            self.add(k)

    def add(self, k: Known) -> None:
        self.by_path[k.path] = k
        if self._ready:
            self._index(k)
        else:
            self._waiting.append(k)

    def ready(self) -> None:
        """Build the look-up tables, on first need: a re-import finds everyone by the record of
        the previous import and never needs them."""
        if not self._ready:
            self._ready = True
            for k in self._waiting:
                self._index(k)
            self._waiting.clear()

    def _index(self, k: Known) -> None:
        ident = identity_of(k.fields, self.region)
        self.identity[k.path] = ident
        for kind, keys in (
            ("linkedin", ident.linkedin),
            ("email", ident.emails),
            ("phone", ident.phones),
        ):
            for key in keys:
                self.by_id[kind].setdefault(key, []).append(k.path)
        for name in {name_key(n) for n in (k.name, *k.aliases) if n}:
            self.by_name.setdefault(name, []).append(k.path)
        loose = loose_name_key(k.name)
        self.loose[k.path] = loose
        for block in _blocks(loose):
            self.by_word.setdefault(block, set()).add(k.path)

    def match(self, person: Incoming, previous: str | None) -> Matched:
        """The note ``person`` is (its path), or None with the possible matches to report."""
        name = str(person.fields.get("name", ""))
        if previous is not None and previous in self.by_path:
            return Matched(previous, [], False)
        self.ready()
        ident = identity_of(person.fields, self.region)
        for kind, keys in (
            ("linkedin", ident.linkedin),
            ("email", ident.emails),
            ("phone", ident.phones),
        ):
            hits = sorted({p for key in keys for p in self.by_id[kind].get(key, [])})
            if len(hits) == 1:
                return Matched(hits[0], [], False)
            if hits:  # one identifier on several notes: they should be merged first
                return Matched(
                    None, [Possible(name, self.by_path[p].id, 100.0) for p in hits], True
                )
        hits = sorted(set(self.by_name.get(name_key(name), [])))
        if len(hits) == 1 and not self.identity[hits[0]].contradicts(ident):
            return Matched(hits[0], [], False)
        possible = [Possible(name, self.by_path[p].id, 100.0) for p in hits]
        return Matched(None, possible + self.similar(name, exclude=set(hits)), False)

    def similar(self, name: str, exclude: set[str]) -> list[Possible]:
        """Notes whose names are alike but not equal (``Jürgen Weiss``, ``Weiß, Jürgen``): at
        least ``SIMILAR`` by rapidfuzz's token sort ratio (word order ignored), among the
        notes that share a block with the name (the first three letters of a word, read with
        ``ß`` as ``ss`` and ``ue`` as ``u``); blocks of more than ``BLOCK`` notes (a common
        first name) are left out unless the name has no other."""
        from rapidfuzz import fuzz, process

        wanted = loose_name_key(name)
        blocks = sorted((self.by_word.get(b, set()) for b in _blocks(wanted)), key=len)
        pool: set[str] = set()
        for i, block in enumerate(blocks):
            if i == 0 or len(block) <= BLOCK:
                pool |= block
        pool -= exclude
        if not pool:
            return []
        choices = {path: self.loose[path] for path in pool}
        found = process.extract(
            wanted, choices, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILAR, limit=None
        )
        out = [Possible(name, self.by_path[path].id, float(score)) for _, score, path in found]
        out.sort(key=lambda p: (-p.score, p.id))
        return out[:5]


def _blocks(loose: str) -> set[str]:
    """The blocking keys of a loose name key: the first three letters of each word, with the
    spellings of German letters made alike."""
    text = loose.replace("ß", "ss")
    for a, b in (("ae", "a"), ("oe", "o"), ("ue", "u")):
        text = text.replace(a, b)
    return {word[:3] for word in text.split() if word}


@dataclass(frozen=True, slots=True)
class Matched:
    path: str | None
    possible: list[Possible]
    blocked: bool  # an identifier of the person is on several notes


# --- the import -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Working:
    """A note this import changes or creates: as read (None: created), its text so far."""

    note: Note | None
    text: str
    updated: Updated
    change: Change | None = None  # a created note's change
    known: Known | None = None  # a created note as the matcher knows it


class _Taken:
    """Every folded name, alias and file name in use, for new notes' file names."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self.keys: dict[str, Candidate] = {}
        for c in candidates:
            self.add(c)

    def add(self, c: Candidate) -> None:
        for key in c.folded():
            self.keys.setdefault(key, c)


def _template(vault: Vault) -> Callable[[dict[str, Any]], str] | None:
    """The contact template loaded once (a template with a problem: None, so that
    ``new_contact`` renders it itself and reports the problem with its file and line)."""
    import jinja2

    from netzmd.ops.write import TEMPLATE
    from netzmd.present.jinja import environment, render

    try:
        template = environment(vault, None, color=False).get_template(TEMPLATE)
    except jinja2.TemplateError:
        return None

    def render_note(data: dict[str, Any]) -> str:
        try:
            return template.render(**data)
        except jinja2.TemplateError:
            return render(vault, TEMPLATE, data)  # raises the problem with its line

    return render_note


def _record(person: Incoming) -> dict[str, Any]:
    """What the source said of a person, kept as the next import's base."""
    out = {
        k: v
        for k, v in person.fields.items()
        if k in ("name", *SCALARS, *LISTS, *FILL_ONLY) and v not in (None, "", [])
    }
    if person.uid:
        out["uid"] = person.uid
    return out


def _source_fields(person: Incoming) -> dict[str, Any]:
    return {**person.fields, "uid": person.uid} if person.uid else person.fields


def _file_for(vault: Vault, name: str, company: str | None, taken: _Taken) -> str | None:
    """None when the name makes a free file name and is itself free (as ``add`` would make
    it); else a free file name that tells this person apart: ``Jane Doe (Acme)``, ``Jane Doe
    2``, …"""

    def free(stem: str) -> bool:
        ident = edit.file_name_for(stem)
        return (
            fold(ident) not in taken.keys and not (vault.root / CONTACTS / f"{ident}.md").exists()
        )

    if free(name) and fold(name) not in taken.keys:
        return None
    tries = [f"{name} ({company})"] if company else []
    tries += [f"{name} {n}" for n in range(2, 1000)]
    for stem in tries:
        if free(stem):
            return stem
    raise NetzmdError(f"no free file name for '{name}'")  # pragma: no cover - 1,000 namesakes


def _create(
    vault: Vault,
    person: Incoming,
    options: Options,
    today: date,
    taken: _Taken,
    render_note: Callable[[dict[str, Any]], str] | None,
) -> _Working:
    f = person.fields
    name = " ".join(str(f.get("name", "")).split())
    values: dict[str, Any] = {}
    for key in ("company", "role", "city", "linkedin", "birthday", "met"):
        text = _scalar(f.get(key))
        if text is not None:
            values[key] = text
    aliases = [
        a for a in _strings(f.get("aliases")) if fold(a) not in taken.keys and fold(a) != fold(name)
    ]
    if aliases:
        values["aliases"] = list(dict.fromkeys(aliases))
    tags = [*_strings(f.get("tags")), *options.tags]
    if tags:
        values["tags"] = list(dict.fromkeys(tags))
    if options.circle:
        values["circle"] = options.circle
    emails = list(dict.fromkeys(_strings(f.get("emails"))))
    phones = list(dict.fromkeys(_strings(f.get("phones"))))
    if emails:
        values["email"] = emails[0]
    if phones:
        values["phone"] = phones[0]
    file = _file_for(vault, name, _scalar(f.get("company")), taken)
    plan = new_contact(
        vault,
        [],
        name,
        values,
        today,
        file=file,
        note=person.body if person.body.strip() else None,
        taken=taken.keys,
        render_note=render_note,
    )
    change = plan.changes[0]
    text = change.after.decode("utf-8")
    for key, extra in (("emails", emails[1:]), ("phones", phones[1:])):
        if extra:
            text = edit_front.set_field(text, key, extra)
    if person.uid:
        text = edit_front.set_field(text, "uid", person.uid)
    change.after = text.encode("utf-8")
    ident = change.rel.rsplit("/", 1)[-1].removesuffix(".md")
    aliases = list(values.get("aliases", ()))
    taken.add(Candidate(change.rel, ident, name, tuple(aliases)))
    fields = {**values, "emails": emails[1:], "phones": phones[1:]}
    known = Known(change.rel, ident, name, aliases, fields)
    return _Working(None, text, Updated(ident, name, change.rel), change, known)


def _update(
    vault: Vault,
    known: Known,
    person: Incoming,
    base: dict[str, Any] | None,
    working: dict[str, _Working],
    options: Options,
    report: Report,
    clock: Clock | None,
    on_wait: Callable[[str], None] | None,
) -> None:
    """Fill and update a matched note by the three-way rule."""
    source = _source_fields(person)
    if person.uid in (derived_uid(known.id), derived_uid("path:" + known.path)):
        source = {k: v for k, v in source.items() if k != "uid"}  # netzmd's own, from an export
    w = working.get(known.path)
    fields = edit.read_fields(w.text) if w is not None else known.fields
    decisions = decide(fields, source, base, options.region)
    if w is None and any(d.action != "conflict" for d in decisions):
        note = open_note(vault, known.path, clock=clock, on_wait=on_wait)
        w = working[known.path] = _Working(
            note, note.text, Updated(known.id, known.name, known.path)
        )
        fields = note.contact.fields  # as the note reads now (the index may lag behind)
        decisions = decide(fields, source, base, options.region)
    for d in decisions:
        if d.action == "conflict":
            report.conflicts.append(Conflict(known.id, d.key, d.old, d.new))
    writes = [d for d in decisions if d.action != "conflict"]
    if writes and w is not None:
        w.text, changes = apply_decisions(w.text, writes, fields if w.note is not None else None)
        w.updated.fields.extend(changes)


@remembering()  # each note's front matter is read once, not once per check
def plan_import(
    vault: Vault,
    source: str,
    people: Sequence[Incoming],
    skipped: Sequence[Skipped],
    known: Sequence[Known],
    candidates: Sequence[Candidate],
    today: date,
    options: Options,
    *,
    clock: Clock | None = None,
    on_wait: Callable[[str], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportPlan:
    """Everything an import of ``people`` would write: new notes, changed notes, and the record
    ``imports/<source>.json``, with the report. Nothing is written here. ``progress(done,
    total)`` is told every 500 people."""
    report = Report(source, skipped=list(skipped))
    state, state_before = read_state(vault, source)
    people_state = state.get("people")
    records: dict[str, Any] = dict(people_state) if isinstance(people_state, dict) else {}
    matcher = Matcher(known, options.region)
    taken = _Taken(candidates)
    render_note = _template(vault)
    working: dict[str, _Working] = {}
    matched: set[str] = set()
    seen: dict[str, int] = {}
    for number, person in enumerate(people, 1):
        if progress is not None and (number % 500 == 0 or number == len(people)):
            progress(number, len(people))
        for warning in person.warnings:
            report.warnings.append(f"{person.file}:{person.line}: {warning}")
        key = source_key(person, options.region)
        if key in seen:
            report.skipped.append(
                Skipped(person.file, person.line, f"the same person as line {seen[key]}")
            )
            continue
        seen[key] = person.line
        record = records.get(key)
        record = record if isinstance(record, dict) else None
        previous = record.get("path") if record else None
        base = record.get("fields") if record else None
        base = base if isinstance(base, dict) else None
        try:
            found = matcher.match(person, previous if isinstance(previous, str) else None)
            report.possible.extend(found.possible)
            if found.blocked:
                report.skipped.append(
                    Skipped(
                        person.file,
                        person.line,
                        "its LinkedIn URL, email or phone is on several notes: merge them "
                        "first ('netzmd duplicates', 'netzmd merge')",
                    )
                )
                continue
            if found.path is None and isinstance(previous, str):
                # imported before, and its note is gone: the person deleted it, so it is not
                # made again (the record stays, so that the next import knows it too)
                report.skipped.append(
                    Skipped(
                        person.file,
                        person.line,
                        f"{previous} was deleted since the last import from {source}: not made "
                        f"again (to import it anyway, remove its entry from {state_path(source)})",
                    )
                )
                continue
            if found.path is None:
                w = _create(vault, person, options, today, taken, render_note)
                path = w.updated.path
                working[path] = w
                assert w.known is not None
                matcher.add(w.known)
                report.new.append((w.updated.id, w.updated.name))
            else:
                path = found.path
                created = path in working and working[path].note is None
                if not created:
                    matched.add(path)
                _update(
                    vault,
                    matcher.by_path[path],
                    person,
                    base,
                    working,
                    options,
                    report,
                    clock,
                    on_wait,
                )
        except NetzmdError as exc:
            report.skipped.append(Skipped(person.file, person.line, exc.message))
            continue
        records[key] = {"path": path, "id": matcher.by_path[path].id, "fields": _record(person)}
    changes: list[Change] = []
    for rel, w in working.items():
        if w.note is None:
            assert w.change is not None
            w.change.after = w.text.encode("utf-8")
            changes.append(w.change)
        elif w.text != w.note.text:
            said = [
                f"{rel}: {f.field}: {edit.show(f.old)} → {edit.show(f.new)}"
                for f in w.updated.fields
            ]
            changes.append(
                Change(rel, w.note.path, w.note.data, w.text.encode("utf-8"), said, w.note.stat)
            )
            report.updated.append(w.updated)
    report.unchanged = len(matched - {u.path for u in report.updated})
    new_state = {"version": STATE_VERSION, "source": source, "people": records}
    if new_state != state or state_before is None or state_bytes(new_state) != state_before:
        changes.append(_state_change(vault, source, new_state, state_before))
    return ImportPlan(Plan(changes, report.summary()), report)


# --- calendar meetings --------------------------------------------------------------------------


def _summary(text: str) -> str:
    words = "".join(ch if ch.isprintable() else " " for ch in text).split()
    return " ".join(words)[:200] or "meeting"


def plan_meetings(
    vault: Vault,
    meetings: Sequence[Meeting],
    skipped: Sequence[Skipped],
    known: Sequence[Known],
    today: date,
    options: Options,
    *,
    clock: Clock | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> ImportPlan:
    """Past meetings as ``[meeting]`` interactions in the notes of the attendees known by
    email, each meeting once (by its UID, kept in ``imports/ics.json``; a note that has the
    same day and text logged already is left as it is). Attendees nobody knows are counted,
    not created; a meeting with none known is not recorded, so that it is logged once its
    people are in the vault."""
    source = "ics"
    report = Report(source, skipped=list(skipped))
    state, state_before = read_state(vault, source)
    events_state = state.get("events")
    events: dict[str, Any] = dict(events_state) if isinstance(events_state, dict) else {}
    matcher = Matcher(known, options.region)
    matcher.ready()
    mine = {k for k in (email_key(e) for e in options.me) if k}
    working: dict[str, _Working] = {}
    for m in sorted(meetings, key=lambda m: (m.day, m.uid)):
        if m.day > today or m.uid in events:
            continue
        paths: list[str] = []
        for address in m.emails:
            key = email_key(address)
            if key is None or key in mine:
                continue
            hits = sorted(set(matcher.by_id["email"].get(key, [])))
            if len(hits) == 1:
                if hits[0] not in paths:
                    paths.append(hits[0])
            elif not hits:
                report.unknown[key] = report.unknown.get(key, 0) + 1
            else:
                report.skipped.append(
                    Skipped(m.file, m.line, f"{address} is on several notes: merge them first")
                )
        if not paths:
            continue
        summary = _summary(m.summary)
        logged = False
        try:
            for path in paths:
                k = matcher.by_path[path]
                w = working.get(path)
                if w is None:
                    note = open_note(vault, path, clock=clock, on_wait=on_wait)
                    w = working[path] = _Working(note, note.text, Updated(k.id, k.name, path))
                contact = edit.parse_text(w.text)
                if any(i.date == m.day and summary in i.text for i in contact.interactions):
                    continue
                others = [_link(matcher.by_path[p]) for p in paths if p != path]
                text = edit_body.add_log_entry(w.text, m.day, "meeting", summary, others)
                text = edit_front.bump_last_contact(text, m.day)
                w.text = text
                line = edit_body.log_line(m.day, "meeting", summary, others)
                w.updated.fields.append(FieldChange("log", None, line))
                logged = True
        except NetzmdError as exc:
            report.skipped.append(Skipped(m.file, m.line, exc.message))
            continue
        if logged:
            report.meetings += 1
        events[m.uid] = {"day": m.day.isoformat(), "ids": [matcher.by_path[p].id for p in paths]}
    changes: list[Change] = []
    for rel, w in working.items():
        assert w.note is not None
        if w.text != w.note.text:
            said = [f"{rel}: + {f.new}" for f in w.updated.fields]
            changes.append(
                Change(rel, w.note.path, w.note.data, w.text.encode("utf-8"), said, w.note.stat)
            )
            report.updated.append(w.updated)
    report.unchanged = len({p for p in working} - {u.path for u in report.updated})
    new_state = {"version": STATE_VERSION, "source": source, "events": events}
    if new_state != state or state_before is None or state_bytes(new_state) != state_before:
        changes.append(_state_change(vault, source, new_state, state_before))
    return ImportPlan(Plan(changes, report.summary()), report)


def _link(k: Known) -> str:
    from netzmd.ops.write import link

    return link(k.id, k.name)
