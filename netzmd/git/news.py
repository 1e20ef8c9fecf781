"""The News: job changes (company, role) of the last days by git history, for the agenda.

What the News read from git is kept in ``.netzmd/news.json``, so that a later agenda reads only
the commits made since. The log, the blobs and the identity of a note across renames come from
``netzmd.git.history``; this module only knows which job changes are news.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from netzmd.errors import NetzmdError
from netzmd.git.history import (
    Job,
    Repo,
    Tracker,
    find_repo,
    fold_jobs,
    network_log,
    read_blobs,
)
from netzmd.model.contact import Contact
from netzmd.model.semdiff import Change, job_changes
from netzmd.notes.note import parse_note

# The News keep what they read from git in .netzmd/news.json: for every note touched by a
# commit, one record [commit, day, status, old path, new path, [[field, old, new], ...]], oldest
# first, from the day ``from`` on, up to commit ``head``. A later run reads only the commits
# made since (when ``head`` is still an ancestor of HEAD), so the agenda stays fast.
NEWS_CACHE = "news.json"
_NEWS_VERSION = 1
Record = list[Any]


def news(
    vault: Path,
    today: date,
    days: int,
    people: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Job changes of the last ``days`` days through today, by git history, newest first:
    ``{id, name, field, old, new, date, in_days, path}``. For each contact and field (company,
    role) changed in that window: the value before the first change and after the last, dated
    by the last (a change there and back is no news). A change from one value to another only:
    adding a company where there was none is not news.

    ``people``: the contacts that may be on the agenda, by vault-relative path (mappings with
    ``id`` and ``name``, such as the index's core records); a note not among them is left out.
    Without it, the notes are read from the vault: those gone or archived are left out. Outside
    a git repository, or when git fails: no news."""
    repo = find_repo(vault)
    if repo is None or repo.head is None or days < 0:
        return []
    since = today - timedelta(days=days)
    try:
        records = _news_records(repo, vault / ".netzmd" / NEWS_CACHE, since)
    except (NetzmdError, OSError, ValueError):
        return []
    tracker = Tracker()
    jobs: dict[tuple[str, str], Job] = {}
    # by day: commits appended later (a merged branch) may be older than those cached
    for sha, day_text, status, old_path, new_path, found in sorted(records, key=lambda r: r[1]):
        day = date.fromisoformat(day_text)
        if not since <= day <= today:
            continue
        key = tracker.step(old_path, new_path, status)
        tracker.seen(key, new_path, None, status == "D")
        for field_name, old, new in found:
            fold_jobs(jobs, key, Change("field_changed", field_name, old, new), sha, day)
    out: list[dict[str, Any]] = []
    for job in jobs.values():
        person = tracker.people[job.key]
        if job.old == job.new or person.deleted:
            continue
        if people is not None:
            known = people.get(person.path)
            if known is None:
                continue
            ident, name = str(known["id"]), str(known["name"])
        else:
            current = _current(vault, person.path)
            if current is None or current.archived:
                continue
            ident, name = current.id, current.name
        out.append(
            {
                "id": ident,
                "name": name,
                "field": job.field,
                "old": job.old,
                "new": job.new,
                "date": job.day.isoformat(),
                "in_days": (job.day - today).days,
                "path": person.path,
            }
        )
    out.sort(key=lambda n: (n["name"], n["field"]))
    out.sort(key=lambda n: n["date"], reverse=True)  # newest first, then by name
    return out


def _current(vault: Path, vault_path: str) -> Contact | None:
    """The note as it is in the vault now (its front matter); None when it is gone or cannot
    be read."""
    try:
        data = (vault / vault_path).read_bytes()
    except OSError:
        return None
    head = _front_matter(data)
    return parse_note(vault_path, head if head is not None else data).contact


def _news_records(repo: Repo, cache: Path, since: date) -> list[Record]:
    """The job-change records from day ``since`` through HEAD, from the cache where it can."""
    import json

    assert repo.head is not None
    stored: Any = None
    with contextlib.suppress(OSError, ValueError):
        stored = json.loads(cache.read_bytes())
    valid = (
        isinstance(stored, dict)
        and stored.get("version") == _NEWS_VERSION
        and stored.get("prefix") == repo.prefix
        and isinstance(stored.get("from"), str)
        and stored["from"] <= since.isoformat()
        and isinstance(stored.get("records"), list)
    )
    base = stored.get("head") if valid else None
    if isinstance(base, str) and base == repo.head:
        records: list[Record] = stored["records"]
    elif isinstance(base, str) and repo.ok("merge-base", "--is-ancestor", base, repo.head):
        records = stored["records"] + _job_records(repo, since, base)
    else:
        records = _job_records(repo, since, None)
    records = [r for r in records if r[1] >= since.isoformat()]
    data = json.dumps(
        {
            "version": _NEWS_VERSION,
            "prefix": repo.prefix,
            "head": repo.head,
            "from": since.isoformat(),
            "records": records,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    if not (valid and base == repo.head and len(records) == len(stored["records"])):
        try:
            from netzmd.notes.atomic import write_if_changed

            cache.parent.mkdir(exist_ok=True)
            write_if_changed(cache, data)
        except OSError:
            pass  # a read-only vault: no cache, the same news
    return records


def _job_records(repo: Repo, since: date, base: str | None) -> list[Record]:
    """A record for every note in every commit from day ``since`` (after ``base``) to HEAD,
    with its job changes: only versions whose front matter changed are read, and only their
    front matter is parsed."""
    commits = network_log(repo, since, date.max, base=base)
    pairs = [f for c in commits for f in c.files if f.old_oid and f.new_oid]
    blobs = read_blobs(repo, (o for f in pairs for o in (f.old_oid, f.new_oid)))
    fronts: dict[tuple[str, str], Contact | None] = {}

    def front(oid: str, repo_path: str) -> Contact | None:
        key = (oid, repo_path)
        if key not in fronts:
            head = _front_matter(blobs.get(oid, b""))
            fronts[key] = parse_note(repo.to_vault(repo_path), head).contact if head else None
        return fronts[key]

    records: list[Record] = []
    for c in commits:
        for f in c.files:
            found: list[list[str]] = []
            if f.old_oid and f.new_oid and f.old_oid != f.new_oid:
                before = _front_matter(blobs.get(f.old_oid, b""))
                after = _front_matter(blobs.get(f.new_oid, b""))
                old = front(f.old_oid, f.old_path) if before != after else None
                new = front(f.new_oid, f.new_path) if old is not None else None
                if old is not None and new is not None:
                    found = [[str(j.field), j.old, j.new] for j in job_changes(old, new)]
            status = f.status if f.new_oid else "D"
            records.append(
                [
                    c.sha,
                    c.day.isoformat(),
                    status,
                    repo.to_vault(f.old_path),
                    repo.to_vault(f.new_path),
                    found,
                ]
            )
    return records


_FRONT = re.compile(
    rb"\A(?:\xef\xbb\xbf)?---[ \t]*\r?\n(?:.*?\n)?(?:---|\.\.\.)[ \t]*\r?(?:\n|\Z)", re.S
)


def _front_matter(data: bytes) -> bytes | None:
    """The front matter with its fences (enough to know company and role), or None."""
    m = _FRONT.match(data)
    return m.group(0) if m else None
