"""Committing what netzmd wrote, and nothing else, through the git command line.

The vault may be a git repository or a folder inside one. ``commit_paths`` commits exactly the
given files (``git commit --only``): other staged and unstaged changes stay as they were. It does
not commit during a merge, rebase, cherry-pick or revert, or while the index is locked, and says
why. Without git, or outside a repository, it does nothing and says nothing.

A caller with a clock of its own (``netzmd watch``) passes ``when``: the commit's author and
committer date, so that what it commits is dated by the same clock as everything else it does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

_IN_PROGRESS = (
    ("MERGE_HEAD", "a merge is in progress"),
    ("rebase-merge", "a rebase is in progress"),
    ("rebase-apply", "a rebase (or git am) is in progress"),
    ("CHERRY_PICK_HEAD", "a cherry-pick is in progress"),
    ("REVERT_HEAD", "a revert is in progress"),
)


DETACHED = (
    "HEAD is detached: the commit is on no branch and may be lost on the next checkout; "
    "keep it with: git switch -c NEW-BRANCH"
)


@dataclass(frozen=True, slots=True)
class CommitResult:
    """What became of the commit. ``reason`` says why not; it is None (and nothing needs saying)
    when the vault is simply not in a git repository. ``already``: another process committed
    the same content first (``reason`` names its commit), which is no failure. ``warning``:
    something to say about a commit that was made (``DETACHED``)."""

    committed: bool
    hash: str | None = None
    message: str = ""
    reason: str | None = None
    already: bool = False
    warning: str | None = None

    def line(self) -> str | None:
        """``committed 1a2b3c4 set: …``, ``already committed …``, ``not committed: …``, or None
        when there is nothing to say."""
        if self.committed:
            return f"committed {self.hash} {self.message.splitlines()[0]}"
        if self.already:
            return f"already committed{f' in {self.reason}' if self.reason else ''}"
        if self.reason:
            return f"not committed: {self.reason}"
        return None


def git_date(when: datetime) -> str:
    """``when`` in git's own date format, ``@SECONDS +HHMM`` (any year, no parsing rules); a
    time without a zone is local time."""
    aware = when if when.tzinfo is not None else when.astimezone()
    offset = aware.utcoffset()
    minutes = round(offset.total_seconds() / 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"@{int(aware.timestamp())} {sign}{hours:02d}{mins:02d}"


class _Git:
    """The one way this module runs git: at ``cwd``, in the C locale, never prompting; with
    ``when``, every commit it makes is authored and committed at that time."""

    def __init__(self, git: str, cwd: Path, when: datetime | None = None) -> None:
        self.git = git
        self.cwd = cwd
        self.env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "LANGUAGE": "C"}
        self.env.pop("GIT_INDEX_FILE", None)
        if when is not None:
            self.env["GIT_AUTHOR_DATE"] = self.env["GIT_COMMITTER_DATE"] = git_date(when)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.git, "--literal-pathspecs", *args],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            check=False,
            stdin=subprocess.DEVNULL,
        )


def repository(folder: Path) -> Path | None:
    """The top folder of the git repository that holds ``folder``; None when there is none or
    git is not installed."""
    git = shutil.which("git")
    if git is None:
        return None
    done = _Git(git, folder).run("rev-parse", "--show-toplevel")
    if done.returncode != 0 or not done.stdout.strip():
        return None
    return Path(done.stdout.strip())


def blocker(folder: Path) -> str | None:
    """Why a commit cannot be made now (a merge, rebase, cherry-pick or revert in progress, a
    locked index), or None."""
    git = shutil.which("git")
    if git is None:
        return None
    names = [name for name, _ in _IN_PROGRESS] + ["index.lock"]
    args = [arg for name in names for arg in ("--git-path", name)]
    done = _Git(git, folder).run("rev-parse", *args)
    if done.returncode != 0:
        return None
    paths = [folder / p for p in done.stdout.splitlines()]
    for (_, why), path in zip(_IN_PROGRESS, paths, strict=False):
        if path.exists():
            return why
    if len(paths) == len(names) and paths[-1].exists():
        return (
            "the git index is locked (another git command is running; if none is, remove "
            f"{paths[-1]})"
        )
    return None


def _inside_repo_without_git(folder: Path) -> bool:
    return any((p / ".git").exists() for p in (folder, *folder.parents))


def no_repository(folder: Path) -> str:
    """Why there is no repository to commit to, for ``repository(folder)`` being None: git is
    not installed, or the folder is in no repository."""
    if shutil.which("git") is None:
        return "git is not installed"
    return "not a git repository"


def commit_paths(
    folder: Path, paths: Sequence[Path], message: str, *, when: datetime | None = None
) -> CommitResult:
    """Commit exactly ``paths`` (files in the repository that holds ``folder``) with
    ``message``. Files git does not know yet are added first. ``when``: the author and
    committer date (default: git's, now)."""
    git = shutil.which("git")
    if git is None:
        if _inside_repo_without_git(folder):
            return CommitResult(False, message=message, reason="git is not installed")
        return CommitResult(False, message=message)
    top = repository(folder)
    if top is None:
        return CommitResult(False, message=message)
    why = blocker(folder)
    if why is not None:
        return CommitResult(False, message=message, reason=why)
    g = _Git(git, top, when)
    real_top = os.path.realpath(top)
    rel = [
        os.path.relpath(os.path.join(os.path.realpath(p.parent), p.name), real_top) for p in paths
    ]
    known = g.run("ls-files", "-z", "--", *rel)
    if known.returncode != 0:
        return CommitResult(False, message=message, reason=_failure("git ls-files", known))
    tracked = set(known.stdout.split("\0"))
    new = [r for r in rel if r not in tracked]
    if new:
        added = g.run("add", "--", *new)
        if added.returncode != 0:
            return CommitResult(False, message=message, reason=_failure("git add", added))
    done = g.run("commit", "--quiet", "--no-edit", "--only", "-m", message, "--", *rel)
    if done.returncode != 0:
        # Looked at before unstaging: a new file another process committed meanwhile is in
        # HEAD now, and must stay in the index.
        already = _already_committed(g, rel)
        if already is not None:
            return CommitResult(False, message=message, reason=already, already=True)
        if new:  # do not leave the new files staged after all
            g.run("rm", "--cached", "--quiet", "--", *new)
        return CommitResult(False, message=message, reason=_failure("git commit", done))
    head = g.run("rev-parse", "--short", "HEAD")
    branch = g.run("symbolic-ref", "--quiet", "HEAD")
    warning = DETACHED if branch.returncode == 1 else None
    return CommitResult(True, head.stdout.strip() or None, message, warning=warning)


def _already_committed(g: _Git, rel: Sequence[str]) -> str | None:
    """When the files are exactly as in HEAD (another process committed the same change
    meanwhile): the last commit that touched them, ``1a2b3c4 (subject)``; else None."""
    same = g.run("diff", "--quiet", "--no-ext-diff", "HEAD", "--", *rel)
    if same.returncode != 0:
        return None
    last = g.run("log", "-1", "--format=%h (%s)", "HEAD", "--", *rel)
    return last.stdout.strip() or "HEAD"


def _failure(what: str, done: subprocess.CompletedProcess[str]) -> str:
    text = (done.stderr or done.stdout).strip()
    lowered = text.lower()
    if "tell me who you are" in lowered or "empty ident" in lowered or "auto-detect" in lowered:
        return (
            "git does not know who you are; set it with: git config --global user.name "
            '"Your Name" && git config --global user.email you@example.com'
        )
    if "nothing to commit" in lowered or "no changes added" in lowered:
        return "git found nothing to commit"
    lines = [line for line in text.splitlines() if line.strip()]
    detail = next((line for line in lines if line.startswith(("fatal:", "error:"))), None)
    detail = detail or (lines[0] if lines else f"exit status {done.returncode}")
    return f"{what} failed: {detail}"
