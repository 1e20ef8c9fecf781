"""Git as the audit trail: a note's history, the note as of a date, a digest of what changed in
the network, and what the agenda's News (``netzmd.git.news``) are read from. No click here: data
in, data out.

Everything is read through the git command line, run by ``netzmd.git.run``: one ``git log``
(NUL-separated output, so file names with spaces, newlines or non-ASCII characters are safe) and
one ``git cat-file --batch`` that reads each needed version of a note once, by its blob id. The
vault may be a subfolder of a larger repository; paths here are relative to the vault, as
everywhere in netzmd.

Dates. A commit's date is its *author* date (what ``GIT_AUTHOR_DATE`` sets, and what
``git log`` shows), taken as the calendar day in the author's own time zone as recorded in the
commit. ``--since D`` keeps commits of day D and later; ``--as-of D`` the last commit of day D
or earlier. No conversion to the local time zone takes place, so the day shown for a commit is
the day it is filtered by, on every machine.

Renames. ``history`` follows a note through renames (``git log --follow``). A merge commit is
listed only when it changed the note in a way neither parent had (it combined edits), with what
changed relative to its first parent. ``changes`` and the News read every commit that touched
``contacts/`` (renames detected with ``-M``; merges bring nothing of their own).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from netzmd.errors import NetzmdError
from netzmd.git.run import READ_OPTIONS, Git, find_git
from netzmd.model.contact import CIRCLES, Contact, Problem
from netzmd.model.semdiff import Change, diff_contacts, job_changes
from netzmd.notes.note import Parsed, contact_id, parse_note

CONTACTS_PREFIX = "contacts/"
# How far before a --since day git's own (committer-date) filter starts: time zones differ by
# up to 26 hours, and a commit's committer date is normally not before its author date.
_SLACK = timedelta(days=2)
_HEADER = "%x1e%H%x1f%P%x1f%aI%x1f%an%x1f%s"
_REGULAR = (b"100644", b"100755")


# --- the repository ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Repo:
    """The git repository that holds a vault. ``prefix`` is the vault's folder inside it ('' or
    ``notes/network/``); ``head`` is None while there is no commit yet."""

    git: str
    top: Path
    prefix: str
    head: str | None
    # A shallow clone's boundary commits: their parents are not in the repository, so git
    # shows them as if every file was created there. Empty in a full repository.
    shallow: frozenset[str] = frozenset()

    def run(self, *args: str, input: bytes | None = None) -> bytes:
        """Run a read-only git command at the repository's top; its standard output."""
        return _reader(self.git, self.top, READ_OPTIONS).output(*args, input=input)

    def ok(self, *args: str) -> bool:
        """Whether a git command succeeds (``merge-base --is-ancestor``, …)."""
        return _reader(self.git, self.top).ok(*args)

    def to_repo(self, vault_path: str) -> str:
        return self.prefix + vault_path

    def to_vault(self, repo_path: str) -> str:
        """A repository path relative to the vault (unchanged when it lies outside it)."""
        return repo_path[len(self.prefix) :] if repo_path.startswith(self.prefix) else repo_path


def _reader(git: str, cwd: Path, options: tuple[str, ...] = ()) -> Git:
    """git as history reads it: in the C locale, never taking the index lock from a writer."""
    return Git(git, cwd, options=options, optional_locks=False)


def find_repo(vault: Path) -> Repo | None:
    """The repository that holds the vault folder; None without git or outside a repository."""
    git = find_git()
    if git is None:
        return None
    # the top folder, the vault's folder in it, where a shallow clone lists its boundary, HEAD
    args = ["--show-toplevel", "--show-prefix", "--git-path", "shallow", "--verify", "-q", "HEAD"]
    done = _reader(git, vault).run("rev-parse", *args)
    lines = done.stdout.decode("utf-8", "surrogateescape").split("\n")
    if done.returncode not in (0, 1) or len(lines) < 3 or not lines[0]:
        return None
    head = lines[3].strip() if done.returncode == 0 and len(lines) > 3 else None
    shallow: frozenset[str] = frozenset()
    if head and lines[2]:
        with contextlib.suppress(OSError):
            text = (vault / lines[2]).read_text("ascii", "replace")
            shallow = frozenset(line.strip() for line in text.splitlines() if line.strip())
    return Repo(git, Path(lines[0]), lines[1], head or None, shallow)


CUT_OFF = "a shallow clone: the commits before this one are not in this repository"
UNSHALLOW = "'git fetch --unshallow' fetches them"


def cut_off(repo: Repo) -> LogCommit | None:
    """In a shallow clone, the newest of its boundary commits (history before it may be
    missing); None in a full repository."""
    if not repo.shallow:
        return None
    data = repo.run("log", "--no-walk", "-z", f"--format={_HEADER}", *sorted(repo.shallow))
    commits = parse_log(data)
    return max(commits, key=lambda c: (c.day, c.iso), default=None)


def require_repo(vault: Path) -> Repo:
    """``find_repo``, or a NetzmdError that says why there is no history."""
    if find_git() is None:
        raise NetzmdError(
            "git is not installed; the history of notes is read from git",
            hint="Install git, then commit your notes ('git init' in the vault).",
        )
    repo = find_repo(vault)
    if repo is None:
        raise NetzmdError(
            f"{vault} is not in a git repository, so there is no history to read",
            hint="Run 'git init' in the vault and commit your notes; from then on netzmd's "
            "write commands commit each change.",
        )
    return repo


# --- reading git log and blobs ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileChange:
    """One note in one commit: blob ids before and after (None: absent or not a regular file)
    and the paths, relative to the repository top."""

    status: str  # A, M, D, R, C, T (first letter; merges: that of the first parent)
    old_oid: str | None
    new_oid: str | None
    old_path: str
    new_path: str


@dataclass(slots=True)
class LogCommit:
    sha: str
    parents: list[str]
    iso: str  # author date, ISO 8601 with the author's offset
    author: str
    subject: str
    files: list[FileChange] = field(default_factory=list)

    @property
    def day(self) -> date:
        return date.fromisoformat(self.iso[:10])


def _oid(mode: bytes, oid: bytes) -> str | None:
    if mode not in _REGULAR or not oid.strip(b"0"):
        return None
    return oid.decode("ascii")


def parse_log(data: bytes) -> list[LogCommit]:
    """Parse ``git log -z --raw --no-abbrev --format=<_HEADER>`` output (also ``--cc``)."""
    commits: list[LogCommit] = []
    tokens = data.split(b"\0")
    i, n = 0, len(tokens)
    current: LogCommit | None = None
    while i < n:
        token = tokens[i].lstrip(b"\n")
        i += 1
        if not token:
            continue
        if token[:1] == b"\x1e":
            sha, parents, iso, author, subject = (
                token[1:].decode("utf-8", "replace").split("\x1f", 4)
            )
            current = LogCommit(sha, parents.split(), iso, author, subject)
            commits.append(current)
        elif token[:1] == b":" and current is not None:
            colons = len(token) - len(token.lstrip(b":"))
            meta = token[colons:].split(b" ")
            modes, oids, status = meta[: colons + 1], meta[colons + 1 : 2 * colons + 2], meta[-1]
            letter = status[:1].decode("ascii", "replace")
            old_path = new_path = os.fsdecode(tokens[i]) if i < n else ""
            i += 1
            if colons == 1 and letter in "RC" and i < n:
                new_path = os.fsdecode(tokens[i])
                i += 1
            current.files.append(
                FileChange(
                    letter,
                    _oid(modes[0], oids[0]),
                    _oid(modes[-1], oids[-1]),
                    old_path,
                    new_path,
                )
            )
    return commits


def read_blobs(repo: Repo, oids: Iterable[str | None]) -> dict[str, bytes]:
    """The contents of the given blobs, each read once, through one ``git cat-file --batch``."""
    unique = [o for o in dict.fromkeys(oids) if o]
    if not unique:
        return {}
    out = repo.run("cat-file", "--batch", input="\n".join(unique).encode("ascii") + b"\n")
    blobs: dict[str, bytes] = {}
    pos = 0
    for oid in unique:
        end = out.index(b"\n", pos)
        header = out[pos:end].split(b" ")
        pos = end + 1
        if len(header) == 3:
            size = int(header[2])
            blobs[oid] = out[pos : pos + size]
            pos += size + 1
    return blobs


def head_blobs(vault: Path, paths: Iterable[str]) -> dict[str, bytes]:
    """The committed (HEAD) contents of the given vault-relative files, by path; a file not in
    HEAD (or no repository, no commit yet) is left out. Two git processes for any number of
    files: ``ls-tree`` for their blob ids (in chunks, to keep the command line short), then
    ``read_blobs``."""
    repo = find_repo(vault)
    wanted = list(dict.fromkeys(paths))
    if repo is None or repo.head is None or not wanted:
        return {}
    oids: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = [repo.to_repo(p) for p in wanted[start : start + 500]]
        for entry in repo.run("ls-tree", "-z", "HEAD", "--", *chunk).split(b"\0"):
            meta, tab, name = entry.partition(b"\t")
            fields = meta.split(b" ")
            if tab and len(fields) == 3 and fields[1] == b"blob":
                oids[repo.to_vault(name.decode("utf-8", "surrogateescape"))] = fields[2].decode()
    blobs = read_blobs(repo, oids.values())
    return {path: blobs[oid] for path, oid in oids.items() if oid in blobs}


def _git_since(since: date) -> str:
    return f"--since={(since - _SLACK).isoformat()} 00:00:00 +0000"


def note_log(repo: Repo, vault_path: str, since: date | None = None) -> list[LogCommit]:
    """Every commit that touched the note, following renames, newest first."""
    if repo.head is None:
        return []
    args = ["log", "--follow", "--cc", "--raw", "-z", "--no-abbrev", "-M"]
    args += ["--no-ext-diff", "--no-textconv", f"--format={_HEADER}"]
    if since is not None:
        args.append(_git_since(since))
    commits = parse_log(repo.run(*args, "HEAD", "--", repo.to_repo(vault_path)))
    commits = [c for c in commits if c.files]
    if since is not None:
        commits = [c for c in commits if c.day >= since]
    return commits


class _Versions:
    """Parsed versions of notes, each (blob, path) parsed once."""

    def __init__(self, repo: Repo, blobs: dict[str, bytes]) -> None:
        self.repo = repo
        self.blobs = blobs
        self.parsed: dict[tuple[str, str], Parsed] = {}

    def get(self, oid: str | None, repo_path: str) -> Parsed | None:
        if oid is None:
            return None
        key = (oid, repo_path)
        found = self.parsed.get(key)
        if found is None:
            data = self.blobs.get(oid)
            path = self.repo.to_vault(repo_path)
            if data is None:
                found = Parsed(None, [_problem(path, f"git has no object {oid[:12]}")])
            else:
                found = parse_note(path, data)
            self.parsed[key] = found
        return found


def _problem(path: str, message: str) -> Problem:
    return Problem(path, 1, "error", message)


def version_changes(
    old: Parsed | None, new: Parsed | None, *, old_path: str | None = None
) -> list[Change]:
    """What changed from one version of a note to the next. None: the note is absent. A version
    that cannot be read is a change of kind ``unreadable`` (with the problem) or, when it is the
    old one, ``readable_again``; it never stops the history."""
    if new is not None and new.contact is None:
        return [Change("unreadable", text=_first_error(new))]
    if old is not None and old.contact is None:
        if new is None:
            return [
                Change("deleted", text=contact_id(old.problems[0].path) if old.problems else None)
            ]
        return [Change("readable_again", text=new.contact.name if new.contact else None)]
    return diff_contacts(
        old.contact if old is not None else None,
        new.contact if new is not None else None,
        old_path=old_path,
    )


def _first_error(parsed: Parsed) -> str:
    errors = [p for p in parsed.problems if p.severity == "error"] or parsed.problems
    if not errors:
        return "cannot be read"
    return f"line {errors[0].line}: {errors[0].message}"


# --- history --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CommitChange:
    """One commit in a note's history and what it changed in meaning."""

    commit: str
    date: date
    author: str
    subject: str
    path: str  # the note's path after the commit (before it, for a deletion), vault-relative
    changes: list[Change]
    merge: bool = False
    patch: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "commit": self.commit,
            "date": self.date.isoformat(),
            "author": self.author,
            "subject": self.subject,
            "path": self.path,
            "changes": [c.to_json() for c in self.changes],
        }
        if self.patch is not None:
            out["patch"] = self.patch
        return out


def note_history(
    vault: Path, vault_path: str, since: date | None = None, *, patch: bool = False
) -> list[CommitChange]:
    """Every commit that touched the note at ``vault_path`` (following renames), newest first,
    with what each changed in meaning; ``patch`` adds each commit's diff of the note."""
    repo = require_repo(vault)
    # the diffs come from a second git log, run (in a thread) while this one is read and parsed
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(1) if patch else None
    try:
        diffs = pool.submit(_patches, repo, vault_path, since) if pool else None
        commits = note_log(repo, vault_path, since)
        oids = (o for c in commits for f in c.files for o in (f.old_oid, f.new_oid))
        versions = _Versions(repo, read_blobs(repo, oids))
        out: list[CommitChange] = []
        for c in commits:
            f = c.files[0]
            if c.sha in repo.shallow:
                # git shows the note as created here only because the parents are missing
                changes = [Change("history_cut_off", text=CUT_OFF)]
            else:
                old = versions.get(f.old_oid, f.old_path)
                new = versions.get(f.new_oid, f.new_path)
                changes = version_changes(old, new, old_path=repo.to_vault(f.old_path))
            out.append(
                CommitChange(
                    c.sha,
                    c.day,
                    c.author,
                    c.subject,
                    repo.to_vault(f.new_path),
                    changes,
                    merge=len(c.parents) > 1,
                )
            )
        if diffs is not None:
            patches = diffs.result()
            out = [replace(c, patch=patches.get(c.commit, "")) for c in out]
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    return out


def _patches(repo: Repo, vault_path: str, since: date | None) -> dict[str, str]:
    """Each commit's diff of the note, from one ``git log --follow -p``."""
    args = ["log", "--follow", "--cc", "-p", "-M", "--no-ext-diff", "--no-textconv"]
    args += ["--no-color", "--format=%x00%H"]
    if since is not None:
        args.append(_git_since(since))
    data = repo.run(*args, "HEAD", "--", repo.to_repo(vault_path))
    out: dict[str, str] = {}
    for chunk in data.split(b"\0")[1:]:
        sha, _, text = chunk.partition(b"\n")
        out[sha.decode("ascii")] = text.decode("utf-8", "replace").strip("\n")
    return out


# --- as of a date ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AsOf:
    """A note as recorded in one commit."""

    commit: str
    date: date
    subject: str
    path: str  # vault-relative, at that commit
    data: bytes

    def parse(self) -> Parsed:
        return parse_note(self.path, self.data)


def as_of(vault: Path, vault_path: str, when: date) -> AsOf:
    """The note as recorded in the last commit of day ``when`` or before (author dates, as
    recorded in each commit). A NetzmdError when it did not exist yet, or had been deleted."""
    repo = require_repo(vault)
    commits = note_log(repo, vault_path)
    if not commits:
        raise NetzmdError(
            f"{vault_path} has no history: no commit holds it yet",
            hint="Commit the note to git first (netzmd's write commands do so by themselves).",
        )
    for c in commits:
        if c.day > when:
            continue
        f = c.files[0]
        if f.new_oid is None:
            raise NetzmdError(
                f"{vault_path} did not exist on {when.isoformat()}: it was deleted on "
                f"{c.day.isoformat()} ({c.sha[:7]} {c.subject})"
            )
        data = read_blobs(repo, [f.new_oid]).get(f.new_oid, b"")
        return AsOf(c.sha, c.day, c.subject, repo.to_vault(f.new_path), data)
    first = commits[-1]
    if first.sha in repo.shallow:
        raise NetzmdError(
            f"the history of {vault_path} is cut off on {first.day.isoformat()}, before "
            f"{when.isoformat()}: this is a shallow clone ({first.sha[:7]} {first.subject} is "
            "the oldest commit in it)",
            hint=f"Try --as-of {first.day.isoformat()} or later, or fetch the rest: git fetch "
            "--unshallow",
        )
    raise NetzmdError(
        f"{vault_path} did not exist yet on {when.isoformat()}: its first commit is "
        f"{first.sha[:7]} of {first.day.isoformat()} ({first.subject})",
        hint=f"Try --as-of {first.day.isoformat()} or later.",
    )


# --- the network since a date: changes and news ---------------------------------------------------


def network_log(
    repo: Repo, since: date, until: date, *, base: str | None = None
) -> list[LogCommit]:
    """The commits of days ``since`` … ``until`` that touched notes in contacts/, oldest first,
    each with only its notes (``.md`` files, no hidden files or folders); only those after
    ``base`` when given. Merges are left out: what they bring in was already listed in the
    commits they merge."""
    if repo.head is None:
        return []
    # --relative limits the listed files to contacts/ (a move into it is an addition, out of it
    # a deletion) without a pathspec: a pathspec makes git diff every commit twice.
    args = ["log", "--raw", "-z", "--no-abbrev", "-M", "--no-merges", f"--format={_HEADER}"]
    args += [_git_since(since), f"--relative={repo.to_repo(CONTACTS_PREFIX)}"]
    data = repo.run(*args, f"{base}..HEAD" if base else "HEAD")
    full = repo.prefix + CONTACTS_PREFIX
    out: list[LogCommit] = []
    for c in reversed(parse_log(data)):
        if not since <= c.day <= until:
            continue
        notes = []
        for f in c.files:
            if _is_note(f.old_path) or _is_note(f.new_path):
                notes.append(
                    FileChange(f.status, f.old_oid, f.new_oid, full + f.old_path, full + f.new_path)
                )
        c.files = notes
        if notes:
            out.append(c)
    return out


def _is_note(path: str) -> bool:
    """A note as netzmd reads them (``path`` relative to contacts/): ``.md``, in no hidden
    folder, not hidden itself."""
    if not path.lower().endswith(".md"):
        return False
    return not any(part[:1] == "." or part[-1:] == "~" for part in path.split("/"))


@dataclass(slots=True)
class _Person:
    """One contact followed through the window (across renames)."""

    path: str  # vault-relative, latest
    id: str
    name: str
    circle: str | None = None
    deleted: bool = False


class Tracker:
    """Keeps one identity per note across renames, with its latest name and circle."""

    def __init__(self) -> None:
        self.key_of: dict[str, str] = {}  # current vault path -> key
        self.people: dict[str, _Person] = {}

    def step(self, old_path: str, new_path: str, status: str) -> str:
        if status in "RC" and old_path != new_path:
            key = self.key_of.get(old_path, old_path)
            if status == "R":
                self.key_of.pop(old_path, None)
            if status == "C":
                key = new_path
            self.key_of[new_path] = key
            return key
        key = self.key_of.setdefault(new_path, new_path)
        return key

    def seen(self, key: str, path: str, contact: Contact | None, deleted: bool) -> _Person:
        person = self.people.get(key)
        if person is None:
            ident = contact_id(path)
            person = self.people[key] = _Person(path, ident, ident)
        person.path = path
        person.deleted = deleted
        if contact is not None:
            person.id, person.name, person.circle = contact.id, contact.name, contact.circle
        return person


@dataclass(slots=True)
class Job:
    key: str
    field: str
    old: str
    new: str
    day: date
    commit: str


def fold_jobs(
    jobs: dict[tuple[str, str], Job], key: str, change: Change, sha: str, day: date
) -> None:
    """Record one job change; over several, keep the value before the first and after the last."""
    slot = (key, str(change.field))
    earlier = jobs.get(slot)
    if earlier is None:
        jobs[slot] = Job(key, str(change.field), change.old, change.new, day, sha)
    else:
        earlier.new, earlier.day, earlier.commit = change.new, day, sha


def changes_since(vault: Path, since: date, until: date) -> dict[str, Any]:
    """A digest of the network from day ``since`` through day ``until``: new contacts, job
    changes (company or role), interactions logged per circle, follow-ups done, contacts
    archived and deleted. JSON-ready; see ``render_changes`` for the text."""
    repo = require_repo(vault)
    commits = network_log(repo, since, until)
    blobs = read_blobs(repo, (o for c in commits for f in c.files for o in (f.old_oid, f.new_oid)))
    versions = _Versions(repo, blobs)
    tracker = Tracker()
    events: dict[str, list[tuple[str, LogCommit, str | None]]] = {
        "new_contacts": [],
        "follow_ups_done": [],
        "archived": [],
        "deleted": [],
    }
    jobs: dict[tuple[str, str], Job] = {}
    logged: dict[str, int] = {}
    for c in commits:
        for f in c.files:
            old_path, new_path = repo.to_vault(f.old_path), repo.to_vault(f.new_path)
            key = tracker.step(old_path, new_path, f.status)
            if f.old_oid is not None and f.old_oid == f.new_oid and old_path == new_path:
                continue
            old = versions.get(f.old_oid, f.old_path)
            new = versions.get(f.new_oid, f.new_path)
            latest = new if new is not None else old  # a deleted note keeps its last name
            tracker.seen(key, new_path, latest.contact if latest else None, new is None)
            if c.sha in repo.shallow:
                continue  # every note looks created where a shallow clone's history begins
            for change in version_changes(old, new, old_path=old_path):
                if change.kind == "created":
                    events["new_contacts"].append((key, c, None))
                elif change.kind == "deleted":
                    events["deleted"].append((key, c, None))
                elif change.kind == "archived":
                    events["archived"].append((key, c, None))
                elif change.kind == "follow_up_done":
                    events["follow_ups_done"].append((key, c, change.text))
                elif change.kind == "interaction_added":
                    logged[key] = logged.get(key, 0) + 1
            if old is not None and new is not None and old.contact and new.contact:
                for change in job_changes(old.contact, new.contact):
                    fold_jobs(jobs, key, change, c.sha, c.day)
    people = tracker.people

    def who(key: str) -> dict[str, Any]:
        p = people[key]
        return {"id": p.id, "name": p.name, "path": p.path}

    boundary = cut_off(repo)
    out: dict[str, Any] = {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "commits": len(commits),
        # a shallow clone whose history begins on or after ``since``: what came before is
        # missing from this digest
        "history_cut_off": (
            {"date": boundary.day.isoformat(), "commit": boundary.sha}
            if boundary is not None and boundary.day >= since
            else None
        ),
        "new_contacts": [],
        "job_changes": [],
        "interactions": [],
        "follow_ups_done": [],
        "archived": [],
        "deleted": [],
    }
    for section, items in events.items():
        for key, c, text in items:
            item = who(key)
            if text is not None:
                item["text"] = text
            item.update(date=c.day.isoformat(), commit=c.sha)
            out[section].append(item)
    for job in sorted(jobs.values(), key=lambda j: (j.day, people[j.key].name)):
        if job.old != job.new:
            out["job_changes"].append(
                {
                    **who(job.key),
                    "field": job.field,
                    "old": job.old,
                    "new": job.new,
                    "date": job.day.isoformat(),
                    "commit": job.commit,
                }
            )
    by_circle: dict[str | None, list[str]] = {}
    for key in logged:
        by_circle.setdefault(people[key].circle, []).append(key)
    for circle in (*CIRCLES, None):
        keys = by_circle.get(circle)
        if not keys:
            continue
        keys.sort(key=lambda k: (-logged[k], people[k].name))
        out["interactions"].append(
            {
                "circle": circle,
                "count": sum(logged[k] for k in keys),
                "contacts": [{**who(k), "count": logged[k]} for k in keys],
            }
        )
    return out
