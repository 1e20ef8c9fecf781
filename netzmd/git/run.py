"""The one way netzmd runs git: finding the program, its environment, its input and output.

Every git process netzmd starts goes through ``Git``. ``find_git`` finds the program; None means
git is not installed, which every caller handles (it says so, or does without). The
environment is the caller's, with these changes:

- git never prompts (``GIT_TERMINAL_PROMPT=0``), and standard input is closed unless the caller
  feeds it (``git cat-file --batch``);
- ``GIT_INDEX_FILE`` is dropped: netzmd run from a git hook must use the repository's own index;
- ``LC_ALL=C`` and ``LANGUAGE=C`` where netzmd reads what git prints (the default); off where
  only a person reads it (``c_locale=False``: ``git init``'s complaint in the person's language);
- ``GIT_OPTIONAL_LOCKS=0`` for readers (``optional_locks=False``): reading history must not take
  the index lock from a writer;
- with ``when``, ``GIT_AUTHOR_DATE`` and ``GIT_COMMITTER_DATE``: a caller with a clock of its own
  (``netzmd watch``) dates its commits by it.

Options that keep a person's git configuration from changing what netzmd parses are given on the
command line (``READ_OPTIONS`` for the history readers; ``--literal-pathspecs`` for the
committer), so that the person's identity and hooks still apply.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from netzmd.errors import NetzmdError

BytesDone = subprocess.CompletedProcess[bytes]
TextDone = subprocess.CompletedProcess[str]

# For reading history: no pager, file names as they are, no colours or signatures, the first
# commit lists its files too, and commit messages in UTF-8, whatever the configuration says.
READ_OPTIONS = (
    "--no-pager",
    "--literal-pathspecs",
    "-c",
    "core.quotepath=false",
    "-c",
    "color.ui=false",
    "-c",
    "log.showSignature=false",
    "-c",
    "log.showRoot=true",
    "-c",
    "i18n.logOutputEncoding=UTF-8",
)


def find_git() -> str | None:
    """The git program on the PATH; None when git is not installed."""
    return shutil.which("git")


def git_date(when: datetime) -> str:
    """``when`` in git's own date format, ``@SECONDS +HHMM`` (any year, no parsing rules); a
    time without a zone is local time."""
    aware = when if when.tzinfo is not None else when.astimezone()
    offset = aware.utcoffset()
    minutes = round(offset.total_seconds() / 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"@{int(aware.timestamp())} {sign}{hours:02d}{mins:02d}"


def git_env(
    *, when: datetime | None = None, c_locale: bool = True, optional_locks: bool = True
) -> dict[str, str]:
    """The environment of a git process; see the module text."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    if c_locale:
        env["LC_ALL"] = env["LANGUAGE"] = "C"
    if not optional_locks:
        env["GIT_OPTIONAL_LOCKS"] = "0"
    env.pop("GIT_INDEX_FILE", None)
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = git_date(when)
    return env


class Git:
    """git (the program at ``git``) run in the folder ``cwd``, with ``options`` before every
    command and the environment of ``git_env``."""

    __slots__ = ("cwd", "env", "git", "options")

    def __init__(
        self,
        git: str,
        cwd: Path,
        *,
        options: Sequence[str] = (),
        when: datetime | None = None,
        c_locale: bool = True,
        optional_locks: bool = True,
    ) -> None:
        self.git = git
        self.cwd = cwd
        self.options = tuple(options)
        self.env = git_env(when=when, c_locale=c_locale, optional_locks=optional_locks)

    @classmethod
    def at(cls, cwd: Path, *, c_locale: bool = True) -> Git | None:
        """``Git`` at ``cwd`` with the git on the PATH; None when git is not installed."""
        git = find_git()
        return None if git is None else cls(git, cwd, c_locale=c_locale)

    def run(self, *args: str, input: bytes | None = None) -> BytesDone:
        """Run a git command; its exit status and output as bytes, whatever the status."""
        return subprocess.run(
            [self.git, *self.options, *args],
            cwd=self.cwd,
            env=self.env,
            input=input,
            stdin=subprocess.DEVNULL if input is None else None,
            capture_output=True,
            check=False,
        )

    def text(self, *args: str) -> TextDone:
        """Run a git command; its exit status and output as text (UTF-8; what is not UTF-8 is
        replaced), whatever the status."""
        return subprocess.run(
            [self.git, *self.options, *args],
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            check=False,
        )

    def output(self, *args: str, input: bytes | None = None) -> bytes:
        """Run a git command that must succeed; its standard output. A NetzmdError with git's
        last line of complaint when it fails."""
        done = self.run(*args, input=input)
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise NetzmdError(
                f"git {args[0]} failed: {detail[-1] if detail else f'exit {done.returncode}'}"
            )
        return done.stdout

    def ok(self, *args: str) -> bool:
        """Whether a git command succeeds (``merge-base --is-ancestor``, ``check-ignore``)."""
        return self.run(*args).returncode == 0
