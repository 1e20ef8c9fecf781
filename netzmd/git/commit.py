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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from netzmd.git.run import Git, TextDone, find_git
from netzmd.git.run import git_date as git_date  # it was defined here

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


def _git(git: str, cwd: Path, when: datetime | None = None) -> Git:
    """git as this module runs it: at ``cwd``, in the C locale, never prompting, pathspecs
    taken literally; with ``when``, every commit it makes is authored and committed then."""
    return Git(git, cwd, options=("--literal-pathspecs",), when=when)


def repository(folder: Path) -> Path | None:
    """The top folder of the git repository that holds ``folder``; None when there is none or
    git is not installed."""
    git = find_git()
    if git is None:
        return None
    done = _git(git, folder).text("rev-parse", "--show-toplevel")
    if done.returncode != 0 or not done.stdout.strip():
        return None
    return Path(done.stdout.strip())


def blocker(folder: Path) -> str | None:
    """Why a commit cannot be made now (a merge, rebase, cherry-pick or revert in progress, a
    locked index), or None."""
    git = find_git()
    if git is None:
        return None
    names = [name for name, _ in _IN_PROGRESS] + ["index.lock"]
    args = [arg for name in names for arg in ("--git-path", name)]
    done = _git(git, folder).text("rev-parse", *args)
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
    if find_git() is None:
        return "git is not installed"
    return "not a git repository"


MANY_PATHS = 200  # more paths than this: ls-files lists everything, not each path


def commit_paths(
    folder: Path, paths: Sequence[Path], message: str, *, when: datetime | None = None
) -> CommitResult:
    """Commit exactly ``paths`` (files in the repository that holds ``folder``) with
    ``message``. Files git does not know yet are added first; a file that is gone is committed
    as deleted (``git rm``), and one that is gone and git never knew is left out. ``when``: the
    author and committer date (default: git's, now)."""
    git = find_git()
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
    g = _git(git, top, when)
    real_top = os.path.realpath(top)
    rel = [
        os.path.relpath(os.path.join(os.path.realpath(p.parent), p.name), real_top) for p in paths
    ]
    # git matches every path given against every file it knows: for many paths (an import),
    # listing all it knows and looking them up here is far faster (1.3 s for 10,000 → 20 ms).
    known = g.text("ls-files", "-z", *(["--", *rel] if len(rel) <= MANY_PATHS else []))
    if known.returncode != 0:
        return CommitResult(False, message=message, reason=_failure("git ls-files", known))
    tracked = set(known.stdout.split("\0"))
    gone = {r for r, p in zip(rel, paths, strict=True) if not os.path.lexists(p)}
    rel = [r for r in rel if r in tracked or r not in gone]
    if not rel:
        return CommitResult(False, message=message, reason="git found nothing to commit")
    new = [r for r in rel if r not in tracked]
    if new:
        added = g.text("add", "--", *new)
        if added.returncode != 0:
            return CommitResult(False, message=message, reason=_failure("git add", added))
    done = g.text("commit", "--quiet", "--no-edit", "--only", "-m", message, "--", *rel)
    if done.returncode != 0:
        # Looked at before unstaging: a new file another process committed meanwhile is in
        # HEAD now, and must stay in the index.
        already = _already_committed(g, rel)
        if already is not None:
            return CommitResult(False, message=message, reason=already, already=True)
        if new:  # do not leave the new files staged after all
            g.text("rm", "--cached", "--quiet", "--", *new)
        return CommitResult(False, message=message, reason=_failure("git commit", done))
    head = g.text("rev-parse", "--short", "HEAD")
    branch = g.text("symbolic-ref", "--quiet", "HEAD")
    warning = DETACHED if branch.returncode == 1 else None
    return CommitResult(True, head.stdout.strip() or None, message, warning=warning)


def _already_committed(g: Git, rel: Sequence[str]) -> str | None:
    """When the files are exactly as in HEAD (another process committed the same change
    meanwhile): the last commit that touched them, ``1a2b3c4 (subject)``; else None."""
    same = g.text("diff", "--quiet", "--no-ext-diff", "HEAD", "--", *rel)
    if same.returncode != 0:
        return None
    last = g.text("log", "-1", "--format=%h (%s)", "HEAD", "--", *rel)
    return last.stdout.strip() or "HEAD"


def _failure(what: str, done: TextDone) -> str:
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
