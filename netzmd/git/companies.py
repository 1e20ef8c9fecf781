"""Where contacts worked before, by git history: every company a note's ``company:`` held
before it was changed. Alumni come from ``former:`` first; this finds those whose old notes
never got one.

One ``git log -G'^company:'`` (git itself picks the commits whose diff touches a company line),
then the old and new versions of just those notes through one ``git cat-file --batch``. What
was read is kept in ``.netzmd/companies.json``, so that a later run reads only the commits made
since (while the cached head is still an ancestor of HEAD). Bounded: git compares each commit's
``contacts/`` tree with its parent's, which costs about a millisecond a commit in a vault of
10,000 notes, so only the newest ``MAX_COMMITS`` commits are read (the cache then grows with
every later commit). Outside a repository, or when git fails: nothing.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from netzmd.errors import NetzmdError
from netzmd.git.history import _HEADER, CONTACTS_PREFIX, Repo, find_repo, parse_log, read_blobs
from netzmd.git.news import _front_matter
from netzmd.notes.note import contact_id, parse_note

CACHE = "companies.json"
_VERSION = 1
MAX_COMMITS = 1000
MAX_RECORDS = 20000  # company changes kept in the cache
# One company change: [old vault path, new vault path, old company, new company].
Record = list[str]


def past_companies(vault: Path, *, limit: int = MAX_COMMITS) -> dict[str, list[str]]:
    """The companies each note had before a change of its ``company:``, oldest first, by the
    note's id (its file name without ``.md``; a note renamed since is found by its old name,
    which ``rename`` keeps as an alias). Values are as written (links included)."""
    repo = find_repo(vault)
    if repo is None or repo.head is None:
        return {}
    try:
        records = _records(repo, vault / ".netzmd" / CACHE, limit)
    except (NetzmdError, OSError, ValueError):
        return {}
    out: dict[str, list[str]] = {}
    for old_path, new_path, old, _new in records:
        for path in dict.fromkeys((new_path, old_path)):
            seen = out.setdefault(contact_id(path), [])
            if old not in seen:
                seen.append(old)
    return out


def _records(repo: Repo, cache: Path, limit: int) -> list[Record]:
    assert repo.head is not None
    stored: Any = None
    with contextlib.suppress(OSError, ValueError):
        stored = json.loads(cache.read_bytes())
    valid = (
        isinstance(stored, dict)
        and stored.get("version") == _VERSION
        and stored.get("prefix") == repo.prefix
        and stored.get("limit") == limit
        and isinstance(stored.get("head"), str)
        and isinstance(stored.get("records"), list)
    )
    if valid and stored["head"] == repo.head:
        records: list[Record] = stored["records"]
        return records
    if valid and repo.ok("merge-base", "--is-ancestor", stored["head"], repo.head):
        records = (stored["records"] + _read(repo, stored["head"], limit))[-MAX_RECORDS:]
    else:
        records = _read(repo, None, limit)
    data = {
        "version": _VERSION,
        "prefix": repo.prefix,
        "limit": limit,
        "head": repo.head,
        "records": records,
    }
    try:
        from netzmd.notes.atomic import write_if_changed

        cache.parent.mkdir(exist_ok=True)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        write_if_changed(cache, text.encode("utf-8"))
    except OSError:
        pass  # a read-only vault: no cache, the same answer
    return records


def _read(repo: Repo, base: str | None, limit: int) -> list[Record]:
    """The company changes of the commits after ``base`` (all: None) among the newest ``limit``
    commits, oldest first."""
    args = ["log", "--raw", "-z", "--no-abbrev", "-M", "--no-merges", f"--format={_HEADER}"]
    args += ["-G^company:", f"--relative={repo.to_repo(CONTACTS_PREFIX)}", "HEAD"]
    if base:
        args.append(f"^{base}")
    boundary = repo.run("rev-list", "--max-count=1", f"--skip={limit}", "HEAD").strip()
    if boundary:
        args.append(f"^{boundary.decode('ascii')}")
    commits = parse_log(repo.run(*args))
    pairs = [
        (f, CONTACTS_PREFIX + f.old_path, CONTACTS_PREFIX + f.new_path)
        for c in reversed(commits)
        for f in c.files
        if f.old_oid and f.new_oid and f.new_path.lower().endswith(".md")
    ]
    blobs = read_blobs(repo, (o for f, _, _ in pairs for o in (f.old_oid, f.new_oid)))
    out: list[Record] = []
    for f, old_path, new_path in pairs:
        assert f.old_oid is not None and f.new_oid is not None
        old = _company(old_path, blobs.get(f.old_oid, b""))
        new = _company(new_path, blobs.get(f.new_oid, b""))
        if old is not None and old != new:
            out.append([old_path, new_path, old, new or ""])
    return out


def _company(path: str, data: bytes) -> str | None:
    head = _front_matter(data)
    contact = parse_note(path, head).contact if head is not None else None
    return contact.company if contact is not None else None
