"""What the read-only commands ask of the index: lists, look-ups, full-text search, checks.

Pure of click: everything takes data (and ``today``) and returns data.

A note that cannot be read now counts as its last good version, kept in the index: it stays in
lists, the agenda, search and look-ups, and ``broken_notice`` says which notes that is.
"""

from __future__ import annotations

import json
import re
import shlex
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from netzmd.config import Config
from netzmd.errors import Ambiguous, NetzmdError, NotFound
from netzmd.model.contact import (
    Problem,
    Status,
    effective_cadence,
    fast_status,
    last_contact_text,
    status,
)
from netzmd.model.names import Candidate, duplicates, find, fold, query_words
from netzmd.store.index import Index
from netzmd.vault import in_work_tree

if TYPE_CHECKING:
    from netzmd.model.agenda import Agenda, Greeting
    from netzmd.model.duplicates import Dismissed, Keys, Pair, Person

SortKey = Literal["name", "last-contact", "due"]


@dataclass(frozen=True, slots=True)
class Filters:
    circle: str | None = None
    tags: tuple[str, ...] = ()
    company: str | None = None
    archived: bool = False  # include archived contacts


class Row(NamedTuple):
    """One contact in a list: its columns and where it stands today. A tuple, because a list of
    10,000 is built on every run."""

    path: str
    id: str
    name: str
    circle: str | None
    company: str | None
    role: str | None
    archived: bool
    tags_text: str  # newline-separated
    status: Status

    @property
    def tags(self) -> list[str]:
        return self.tags_text.split("\n") if self.tags_text else []


def list_contacts(
    index: Index,
    config: Config,
    today: date,
    filters: Filters,
    sort: SortKey = "name",
) -> list[Row]:
    """Contacts in name order (or by ``sort``), filtered, with their status on ``today``."""
    wanted_tags = [fold(t.lstrip("#")) for t in filters.tags]
    company = fold(filters.company) if filters.company else None
    filtered = bool(filters.circle or wanted_tags or company)
    today_iso = today.isoformat()
    defaults = config.cadence
    raw, _ = index.list_rows(archived=filters.archived, stale=True)
    rows: list[Row] = []
    append = rows.append
    for path, ident, name, circle, company_name, role, archived, tags, cad, last, seen, _ in raw:
        if filtered and not _wanted(filters, circle, company_name, tags, wanted_tags, company):
            continue
        state = fast_status(cad, circle, last, seen, today, today_iso, defaults)
        append(
            Row(path, ident, name, circle, company_name, role, archived == 1, tags or "", state)
        )  # fmt: skip
    if sort == "last-contact":  # longest without contact first; never contacted before all
        rows.sort(key=lambda r: r.status.last_contact or date.min)
    elif sort == "due":  # soonest (most overdue) first; no cadence last
        rows.sort(key=lambda r: r.status.next_due or date.max)
    return rows


def _wanted(
    filters: Filters,
    circle: str | None,
    company_name: str | None,
    tags: str | None,
    wanted_tags: list[str],
    company: str | None,
) -> bool:
    """Whether a contact passes ``--circle``, ``--tag`` (all of them) and ``--company`` (a
    part of the name); ``wanted_tags`` and ``company`` come folded."""
    if filters.circle and circle != filters.circle:
        return False
    if wanted_tags:
        have = {fold(t) for t in tags.split("\n")} if tags else set()
        if not all(t in have for t in wanted_tags):
            return False
    return not company or company in fold(company_name or "")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


_JSON_COLUMNS = "path, circle, company, tags, cadence, last_contact, seen, sort_key"


def contacts_json(
    index: Index, config: Config, today: date, filters: Filters, sort: SortKey = "name"
) -> list[bytes]:
    """``list --format json``: the array of full contacts, one per line, assembled from the
    stored JSON halves with only the three date-dependent keys encoded here. The hot path of
    the everyday command, so it works on plain rows, caches what repeats, and returns the pieces
    (36 MB for 10,000 contacts) for ``writelines`` rather than joining them."""
    wanted_tags = [fold(t.lstrip("#")) for t in filters.tags]
    company = fold(filters.company) if filters.company else None
    today_iso = today.isoformat()
    defaults = config.cadence
    raw, docs = index.list_rows(
        archived=filters.archived, documents=True, columns=_JSON_COLUMNS, stale=True
    )
    filtered = bool(filters.circle or wanted_tags or company)
    middles: dict[tuple[str | None, str | None], tuple[bytes, date | None, date | None]] = {}
    keyed: list[tuple[Any, bytes, bytes, bytes]] = []
    parts = [b"["]
    for path, circle, company_name, tags, cadence, last_field, seen, _ in raw:
        if filtered and not _wanted(filters, circle, company_name, tags, wanted_tags, company):
            continue
        latest = last_contact_text(last_field, seen, today_iso)
        text = effective_cadence(cadence, circle, defaults)
        middle = middles.get((text, latest))
        if middle is None:
            middle = middles[(text, latest)] = _dynamic_keys(text, latest, today, today_iso)
        doc = docs[path]
        if sort == "name":
            parts += (b"\n", doc[1], middle[0], doc[2], b",")
        else:
            key = (middle[1] or date.min) if sort == "last-contact" else (middle[2] or date.max)
            keyed.append((key, doc[1], middle[0], doc[2]))
    if keyed:
        keyed.sort(key=lambda e: e[0])  # stable: name order among equals
        for _, head, dynamic, tail in keyed:
            parts += (b"\n", head, dynamic, tail, b",")
    if len(parts) == 1:
        return [b"[]"]
    parts[-1] = b"\n]"
    return parts


def _dynamic_keys(
    cadence: str | None, latest: str | None, today: date, today_iso: str
) -> tuple[bytes, date | None, date | None]:
    """The encoded date-dependent keys for a cadence and a last contact, with the dates."""
    state = fast_status(cadence, None, latest, None, today, today_iso, {})
    encoded = b', "cadence": %s, "last_contact": %s, "next_due": %s, ' % (
        json.encoder.encode_basestring(cadence).encode() if cadence is not None else b"null",
        b'"%s"' % latest.encode() if latest else b"null",
        b'"%s"' % state.next_due.isoformat().encode() if state.next_due else b"null",
    )
    return encoded, state.last_contact, state.next_due


def contact_json(index: Index, config: Config, path: str, today: date) -> dict[str, Any]:
    """One contact's full JSON, keys in the documented order: for a note that cannot be read
    now, its last good version (``note_errors`` says why it is not the current one). A note
    that never read without errors is an error naming the file and line."""
    doc = index.contact(path)
    if doc is None:
        errors = note_errors(index, path)
        if errors:
            first = errors[0]
            raise NetzmdError(
                first.message,
                path=first.path,
                line=first.line,
                hint="This note has not been read without errors yet, so there is no version "
                "of it to show. Fix it (netzmd edit opens it), then run 'netzmd check'.",
            )
        raise NotFound(f"{path}: no readable contact")
    (core,) = index.cores(archived=True, path=path, stale=True)
    s = status(core, today, config.cadence)
    out: dict[str, Any] = {}
    for key, value in doc.items():
        out[key] = value
        if key == "name":
            out.update(
                cadence=s.cadence, last_contact=_iso(s.last_contact), next_due=_iso(s.next_due)
            )
    return out


def candidates(index: Index, *, unread: bool = False) -> list[Candidate]:
    """Every contact, a note that is broken now by its last good version; ``unread``: and
    each note that never read without errors, by its file name."""
    found = [Candidate(p, i, n, tuple(a), arch) for p, i, n, a, arch in index.names(stale=True)]
    if unread:
        from netzmd.notes.note import contact_id

        found += [
            Candidate(p.path, contact_id(p.path), contact_id(p.path), ())
            for p, kept in index.broken()
            if not kept and p.path.lower().endswith(".md")
        ]
    return found


def note_errors(index: Index, path: str) -> list[Problem]:
    """The errors that keep the note at ``path`` from being read now (none: it reads)."""
    return [p for p in index.problems(path) if p.severity == "error"]


def broken_notice(index: Index, limit: int = 10) -> list[str]:
    """What a command says (on standard error) about the notes it could not read: each one's
    first error and whether its last good version stands in, up to ``limit`` notes."""
    broken = index.broken()
    lines = [
        f"{problem} ("
        + ("using its last good version" if kept else "left out: it never read without errors")
        + ")"
        for problem, kept in broken[:limit]
    ]
    if len(broken) > limit:
        lines.append(
            f"… and {len(broken) - limit} more notes that cannot be read; "
            "run 'netzmd check' to see every problem"
        )
    return lines


def resolve(index: Index, query: str, *, cwd: Path | None = None) -> Candidate:
    """The one note a person means by ``query`` -- the one way from a typed NAME to a note --
    or a NetzmdError that helps them on. Names, aliases, file names and vault paths as
    ``names.find`` matches them; a note that cannot be read now is found by its last good
    version, or by its file name. With ``cwd``, ``query`` may also be the path of a note file
    in the vault relative to ``cwd`` (``netzmd edit ../notes/x.md``)."""
    match = find(query, candidates(index, unread=True))
    if match.found is not None:
        return match.found
    if cwd is not None and not match.ambiguous:
        root = index.vault.root
        for base in (cwd, root):
            candidate = (base / query).absolute()
            if candidate.is_file() and candidate.suffix.lower() == ".md":
                try:
                    rel = candidate.relative_to(root).as_posix()
                except ValueError:
                    continue
                return Candidate(rel, candidate.stem, candidate.stem, ())
    if match.ambiguous:
        lines = "\n".join(f"  {c.name}  ({c.path})" for c in match.ambiguous[:20])
        more = f"\n  … and {len(match.ambiguous) - 20} more" if len(match.ambiguous) > 20 else ""
        raise Ambiguous(
            f"'{query}' matches {len(match.ambiguous)} contacts:\n{lines}{more}",
            hint="Type more of the name, or the file name.",
        )
    hint = "Run 'netzmd list' to see every contact, or 'netzmd add NAME' to add one."
    if match.suggestions:
        names = ", ".join(c.name for c in match.suggestions)
        hint = f"Did you mean: {names}?"
    raise NotFound(f"no contact matches '{query}'", hint=hint)


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    name: str
    path: str
    line: int
    text: str
    rank: float

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "path": self.path,
            "line": self.line,
            "text": self.text,
            "rank": round(self.rank, 4),
        }


def search(index: Index, query: str, limit: int = 20) -> list[Hit]:
    """Ranked full-text hits (names weigh most, then front matter, then the body), each with the
    first line of the note that holds a query word."""
    words = query_words(query)
    found = index.search(query, limit)
    if not found:
        return []
    names = {p: (i, n) for p, i, n, _, _ in index.names(stale=True)}
    hits = []
    for path, rank in found:
        ident, name = names.get(path, (path, path))
        line, text = _matching_line(index, path, words)
        hits.append(Hit(ident, name, path, line, text, -rank))
    return hits


def _matching_line(index: Index, path: str, words: list[str]) -> tuple[int, str]:
    try:
        text = (index.vault.root / path).read_text("utf-8-sig", errors="replace")
    except OSError:
        return 1, ""
    lines = text.splitlines()
    best: tuple[int, int, str] | None = None
    for number, line in enumerate(lines, 1):
        folded = fold(line)
        score = sum(1 for w in words if w in folded)
        if score and (best is None or score > best[0]):
            best = (score, number, line.strip())
            if score == len(words):
                break
    if best is None:
        return 1, lines[0].strip() if lines else ""
    return best[1], best[2]


@dataclass(frozen=True, slots=True)
class CheckReport:
    notes: int
    problems: list[Problem]

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity == "warning")

    def to_json(self) -> dict[str, Any]:
        return {
            "notes": self.notes,
            "errors": self.errors,
            "warnings": self.warnings,
            "problems": [p.to_json() for p in self.problems],
        }


def check(index: Index, config: Config, paths: set[str] | None = None) -> CheckReport:
    """Every problem in the vault (or in ``paths``): per-note errors and warnings, names claimed
    twice, file names that differ only in Unicode normalization, notes that are probably one
    person (``probable_duplicates``), and settings."""
    problems = list(config.warnings) + index.problems()
    cands = candidates(index)
    claimed = duplicates(cands)
    problems += probable_duplicates(
        index, config, paths, {frozenset(o.path for o in owners) for _, owners in claimed}
    )
    for key, owners in claimed:
        if len({unicodedata.normalize("NFC", o.path) for o in owners}) == 1:
            continue  # the same file name in NFC and NFD: reported below as twins
        for o in owners:
            others = ", ".join(x.path for x in owners if x is not o)
            problems.append(
                Problem(
                    o.path,
                    1,
                    "warning",
                    f"duplicate name: '{key}' is also claimed by {others}; rename one or "
                    f"remove the alias (the file name picks this one: netzmd show "
                    f"{shlex.quote(o.id)})",
                )
            )
    by_nfc: dict[str, list[str]] = {}
    for c in cands:
        by_nfc.setdefault(unicodedata.normalize("NFC", c.path), []).append(c.path)
    for variants in by_nfc.values():
        if len(variants) > 1:
            for v in variants:
                others = ", ".join(repr(x) for x in variants if x != v)
                problems.append(
                    Problem(
                        v,
                        1,
                        "warning",
                        f"duplicate file name: the same name in another Unicode form "
                        f"(NFC/NFD) exists: {others}; keep one",
                    )
                )
    if paths is not None:
        problems = [p for p in problems if p.path in paths]
    problems.sort(key=lambda p: (p.path, p.line, p.severity))
    notes, _ = index.count()
    return CheckReport(len(paths) if paths is not None else notes, problems)


# --- duplicates ---------------------------------------------------------------------------------


DUPLICATES_CACHE = "duplicates.cache"  # in the cache folder: each note's Keys, by content hash
_CACHE_VERSION = 1


def duplicate_people(index: Index) -> list[Person]:
    """What ``model.duplicates`` compares, for every contact (a note broken now by its last
    good version). Each note's ``Keys`` are worked out once from its stored JSON and kept in
    ``.netzmd/duplicates.cache`` by the note's content hash, so that ``check`` and
    ``duplicates`` read only the notes that changed."""
    from netzmd.model.duplicates import Person, keys_for

    rows = index.db.execute(
        "SELECT path, id, name, hash FROM notes WHERE id IS NOT NULL"
    ).fetchall()
    file = index.vault.cache / DUPLICATES_CACHE
    cached = _load_keys(file)
    found: dict[str, tuple[bytes, Keys]] = {}
    missing: dict[str, tuple[bytes, str]] = {}
    for path, _, name, digest in rows:
        entry = cached.get(path)
        if entry is not None and entry[0] == digest:
            found[path] = entry
        else:
            missing[path] = (digest, name)
    if missing:
        for path, keys_now in _keys_from_index(index, missing).items():
            found[path] = (missing[path][0], keys_now)
    if missing or len(found) != len(cached):
        _save_keys(file, found)
    keys = keys_for((ident, path) for path, ident, _, _ in rows if path in found)
    return [
        Person(keys[path], path, name, found[path][1]) for path, _, name, _ in rows if path in found
    ]


def _keys_from_index(index: Index, notes: dict[str, tuple[bytes, str]]) -> dict[str, Keys]:
    """The ``Keys`` of ``notes`` (path: (hash, name)), from their stored JSON without the
    interactions and follow-ups."""
    from netzmd.model.duplicates import Keys

    if len(notes) > 200:
        rows = [(p, tail) for p, (_, tail) in index.all_documents(stale=True).items() if p in notes]
    else:
        rows = []
        for path in notes:
            row = index.db.execute("SELECT tail FROM docs WHERE path=?", (path,)).fetchone()
            if row is not None:
                rows.append((path, row[0]))
    out = {}
    for path, tail in rows:
        # The tail is '"aliases": …, "interactions": […], "follow_ups": […], "fields": {…}}'; no
        # string holds an unescaped quote, so these are its own keys. The logs are cut out.
        cut = tail.find(b', "interactions": [')
        rest = tail.find(b', "fields": ', cut)
        data = json.loads(b"{" + tail[:cut] + tail[rest:])
        fields = data.get("fields") or {}
        out[path] = Keys.of(
            notes[path][1],
            data.get("aliases") or (),
            data.get("company"),
            data.get("city"),
            data.get("emails") or (),
            data.get("phones") or (),
            _texts(fields.get("linkedin")),
        )
    return out


def _load_keys(file: Path) -> dict[str, tuple[bytes, Keys]]:
    """The cache as ``_save_keys`` wrote it; {} for anything else (it is made again)."""
    import marshal

    from netzmd.model.duplicates import Keys

    try:
        version, notes = marshal.loads(file.read_bytes())
        if version != _CACHE_VERSION or not isinstance(notes, dict):
            return {}
        return {path: (entry[0], Keys(*entry[1:])) for path, entry in notes.items()}
    except (OSError, ValueError, TypeError, EOFError, IndexError):
        return {}


def _save_keys(file: Path, found: dict[str, tuple[bytes, Keys]]) -> None:
    """Best effort: a cache that cannot be written costs the next run its work again."""
    import marshal

    notes = {path: (digest, *keys.fields()) for path, (digest, keys) in found.items()}
    try:
        file.parent.mkdir(exist_ok=True)
        from netzmd.notes.atomic import write_atomic

        write_atomic(file, marshal.dumps((_CACHE_VERSION, notes)))
    except OSError:
        pass


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def read_dismissed(index: Index) -> Dismissed:
    """The pairs a person said are two people (``imports/not-duplicates.json``)."""
    from netzmd.model.duplicates import NOT_DUPLICATES, read_dismissed

    try:
        data: bytes | None = (index.vault.root / NOT_DUPLICATES).read_bytes()
    except FileNotFoundError:
        data = None
    except OSError as exc:
        raise NetzmdError(f"cannot read {NOT_DUPLICATES}: {exc.strerror}") from None
    return read_dismissed(data)


def duplicate_pairs(index: Index, config: Config, *, similar: bool = True) -> list[Pair]:
    """The pairs of contacts that are probably one person (``model.duplicates``), best first,
    without the dismissed ones."""
    from netzmd.model.duplicates import find_pairs

    return find_pairs(
        duplicate_people(index),
        region=config.region,
        dismissed=read_dismissed(index).pairs,
        similar=similar,
    )


def probable_duplicates(
    index: Index,
    config: Config,
    paths: set[str] | None,
    claimed: set[frozenset[str]] | None = None,
) -> list[Problem]:
    """A warning on both notes of each pair that is probably one person by an identifier or
    an equal name (similar names are left to ``netzmd duplicates``), with the two ways on. A
    pair of notes that claim one name (``claimed``: the notes of each name that check warns
    about as a duplicate name) is left to that warning unless an identifier says more. A
    record of dismissed pairs that cannot be read is an error of its own."""
    from netzmd.model.duplicates import IDENTIFIERS, NOT_DUPLICATES

    try:
        dismissed = read_dismissed(index).pairs
    except NetzmdError as exc:
        return [Problem(exc.path or NOT_DUPLICATES, exc.line or 1, "error", exc.detail)]
    found = _strong_pairs(index, config, dismissed)
    out = []
    nfc = unicodedata.normalize
    for pair in found:
        if paths is not None and pair.a_path not in paths and pair.b_path not in paths:
            continue
        if nfc("NFC", pair.a_path) == nfc("NFC", pair.b_path):
            continue  # one file name in NFC and NFD: check says so as such
        both = {pair.a_path, pair.b_path}
        if not set(pair.reasons) & set(IDENTIFIERS) and any(both <= c for c in claimed or ()):
            continue  # a duplicate name: check says so as such
        a, b = shlex.quote(pair.a), shlex.quote(pair.b)
        why = ", ".join(pair.reasons)
        ways = f"merge them: netzmd merge {a} {b}, or say they are two: "
        ways += f"netzmd duplicates --dismiss {a} {b}"
        for mine, theirs in ((pair.a_path, pair.b_path), (pair.b_path, pair.a_path)):
            out.append(
                Problem(mine, 1, "warning", f"probably the same person as {theirs} ({why}); {ways}")
            )
    return out


STRONG_CACHE = "check-duplicates.cache"  # in the cache folder: check's pairs, and their inputs


def _strong_pairs(index: Index, config: Config, dismissed: set[frozenset[str]]) -> list[Pair]:
    """The pairs found by an identifier or an equal name. They depend only on which notes
    there are, their content, the region and the dismissed pairs; while those stay the same
    (an unchanged vault checked again), the pairs of the last run are used as they are."""
    import hashlib
    import marshal

    from netzmd.model.duplicates import Pair, find_pairs

    state = hashlib.blake2b(digest_size=16)
    state.update(f"{_CACHE_VERSION}\0{config.region}\0".encode())
    state.update(repr(sorted(sorted(p) for p in dismissed)).encode())
    notes = index.db.execute("SELECT path, hash FROM notes WHERE id IS NOT NULL").fetchall()
    for path, digest in sorted(notes):
        state.update(b"\0" + path.encode() + b"\0" + digest)
    key = state.digest()
    file = index.vault.cache / STRONG_CACHE
    try:
        cached_key, rows = marshal.loads(file.read_bytes())
        if cached_key == key:
            return [Pair(*row) for row in rows]
    except (OSError, ValueError, TypeError, EOFError):
        pass
    found = find_pairs(
        duplicate_people(index), region=config.region, dismissed=dismissed, similar=False
    )
    rows = [(p.a, p.b, p.reasons, p.score, p.a_path, p.b_path) for p in found]
    try:
        from netzmd.notes.atomic import write_atomic

        file.parent.mkdir(exist_ok=True)
        write_atomic(file, marshal.dumps((key, rows)))
    except OSError:
        pass
    return found


_LINK_TARGET = re.compile(rb"\[\[([^\[\]|#^\n]+)")


def notes_linking(index: Index, targets: set[str]) -> list[str]:
    """The contacts whose stored note (fields, interactions, follow-ups) holds a ``[[link]]``
    to one of ``targets`` (folded file names, names or aliases): a quick sieve over the stored
    documents, decoding none of them."""
    found = []
    for path, tail in index.db.execute("SELECT path, tail FROM docs"):
        if b"[[" not in tail:
            continue
        for m in _LINK_TARGET.finditer(tail):
            text = m[1].decode("utf-8", "replace").strip().rsplit("/", 1)[-1]
            if fold(text.removesuffix(".md")) in targets:
                found.append(path)
                break
    return found


# --- suggestions (netzmd suggest) --------------------------------------------------------------

SUGGEST_COLUMNS = (
    "path, id, name, sort_key, circle, tags, cadence, last_contact, seen, snooze_until, archived,"
    " company, vouches, offers"
)
_CITY, _CITY_END = b', "city": ', b', "emails": '
_HEAD = 512  # bytes of a stored document that hold the city nearly always


def suggest_rows(
    index: Index, *, stale: bool = True
) -> tuple[list[tuple[Any, ...]], dict[str, list[str]]]:
    """What ``netzmd suggest`` reads (``reports.suggest.Person``): each contact's
    ``SUGGEST_COLUMNS`` and its city as written (None without one), archived ones included, in
    storage order; and the texts of the open follow-ups by path. The city is no column of the
    index: it is cut from the start of the stored document (its keys come in a fixed order, and
    inside a JSON string a quote is escaped, so ``, "city": `` is that key), reading the whole
    document only where the start does not hold it. ``stale``: the last good version of notes
    that are broken now."""
    where = "id IS NOT NULL" + ("" if stale else " AND ok=1")
    rows = index.db.execute(f"SELECT {SUGGEST_COLUMNS} FROM notes WHERE {where}").fetchall()
    heads = dict(index.db.execute(f"SELECT path, substr(tail, 1, {_HEAD}) FROM docs"))
    cities: dict[bytes, str | None] = {}
    out = []
    for row in rows:
        head = heads.get(row[0])
        if head is None:
            out.append((*row, None))
            continue
        start = head.find(_CITY)
        end = head.find(_CITY_END, start) if start >= 0 else -1
        if end < 0:
            (head,) = index.db.execute("SELECT tail FROM docs WHERE path=?", (row[0],)).fetchone()
            start = head.find(_CITY)
            end = head.find(_CITY_END, start)
        if start < 0 or end < 0:
            out.append((*row, None))
            continue
        raw = head[start + len(_CITY) : end]
        city = cities.get(raw, _MISSING)
        if city is _MISSING:
            value = json.loads(raw)
            city = cities[raw] = value if isinstance(value, str) else None
        out.append((*row, city))
    follow_ups: dict[str, list[str]] = {}
    for path, text in index.db.execute("SELECT path, text FROM tasks ORDER BY rowid"):
        follow_ups.setdefault(path, []).append(text)
    return out, follow_ups


_MISSING: Any = object()
SUGGESTED = "suggested.json"  # in the cache folder: when each contact was last suggested


def suggested(index: Index) -> dict[str, date]:
    """When each contact (by path) was last suggested (``.netzmd/suggested.json``); {} when
    the file is missing or unreadable: losing it loses only that."""
    try:
        data = json.loads((index.vault.cache / SUGGESTED).read_bytes())
        found = data["suggested"] if data.get("version") == 1 else {}
        return {str(path): date.fromisoformat(day) for path, day in found.items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def remember_suggested(
    index: Index, paths: Iterable[str], today: date, keep: Mapping[str, date], days: int
) -> None:
    """Record that ``paths`` were suggested ``today``, with what ``keep`` holds (the record
    read before) of the last ``days`` days; written atomically, best effort (a cache that
    cannot be written costs the record, nothing else)."""
    since = today - timedelta(days=days)
    merged = {path: day for path, day in keep.items() if since <= day <= today}
    merged.update(dict.fromkeys(paths, today))
    data = {"version": 1, "suggested": {p: d.isoformat() for p, d in sorted(merged.items())}}
    try:
        from netzmd.notes.atomic import write_atomic

        index.vault.cache.mkdir(exist_ok=True)
        write_atomic(
            index.vault.cache / SUGGESTED,
            (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
        )
    except OSError:
        pass


def agenda_report(
    index: Index,
    config: Config,
    today: date,
    days: int,
    *,
    circle: str | None = None,
    tags: tuple[str, ...] = (),
    stale: bool = True,
) -> tuple[Agenda, list[dict[str, Any]]]:
    """The agenda (``agenda.build_agenda``) over the index, reading only the follow-ups and
    dates its window can show, with its ``problems`` (every problem of the notes and settings),
    and the ``news``: job changes in the last ``news_days`` days by git history (none outside a
    repository). ``stale``: use the last good version of notes that are broken now."""
    from netzmd.model import agenda as rules

    sources = index.agenda_sources(
        stale=stale,
        tasks_until=(today + timedelta(days=days)).isoformat(),
        event_days=rules.event_days(today, days),
    )
    report = rules.build_agenda(sources, config, today, days, circle=circle, tags=tags)
    report.greetings = with_campaigns(index.vault.root, report.greetings)
    if any(d.in_days < 0 for _, d in report.keep_in_touch):
        from netzmd.model.companies import KEY_VERSION, Aliases

        aliases = Aliases(config.companies, index.company_keys(KEY_VERSION))
        rules.name_gates(
            report, sources.people, config.cadence, aliases, config.targets, config.me_companies
        )
        index.keep_company_keys(KEY_VERSION, aliases.learned)
    report.problems = sorted(
        [*config.warnings, *index.problems()],
        key=lambda p: (p.path, p.line, p.severity, p.message),
    )
    found: list[dict[str, Any]] = []
    if in_work_tree(index.vault.root):  # no git process, no history import outside git
        from netzmd.git.news import news

        people = {
            p.path: {"id": p.id, "name": p.name} for p in rules.select(sources.people, circle, tags)
        }
        found = news(index.vault.root, today, config.news_days, people)
    return report, found


def introductions(index: Index, contact: dict[str, Any]) -> dict[str, Any]:
    """Who ``contact`` (``contact_json``) introduced to me (the contacts whose
    ``introduced_by`` names them: file name, name or alias, case and accents ignored), who
    introduced them to me, and the introductions I made with them (their ``[intro]``
    interactions), for ``show``."""
    keys = {fold(k) for k in (contact["id"], contact["name"], *contact["aliases"]) if k}
    to_me = [
        {"id": ident, "name": name}
        for path, ident, name, target in index.introduced_by_rows()
        if path != contact["path"] and fold(target.removesuffix(".md").rsplit("/", 1)[-1]) in keys
    ]
    made = [
        {"date": i["date"], "text": i["text"]}
        for i in contact["interactions"]
        if (i.get("kind") or "").lower() == "intro"
    ]
    return {"introduced_by": contact.get("introduced_by"), "introduced_to_me": to_me, "made": made}


def with_campaigns(root: Path, greetings: list[Greeting]) -> list[Greeting]:
    """The agenda's greetings, each with its campaign note (``netzmd greet``) when there is one
    at its default place (``campaign.default_path``): its path and how many of its people are
    ticked as sent. A note that cannot be read counts as none."""
    from netzmd.model.agenda import Campaign
    from netzmd.model.campaign import default_path, parse_campaign

    out = []
    for g in greetings:
        rel = default_path(g.occasion, int(g.date[:4]))
        try:
            text = (root / rel).read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            out.append(g)
            continue
        sent, total = parse_campaign(text).progress()
        out.append(g._replace(campaign=Campaign(rel, sent, total)))
    return out
