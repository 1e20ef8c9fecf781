"""Shared fixtures: throw-away vaults and a way to run the command line on them."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import pytest
from click.testing import CliRunner, Result

from netzmd.cli import main

REPO = Path(__file__).resolve().parent.parent


class MakeVault(Protocol):
    def __call__(
        self,
        notes: Mapping[str, str] | None = None,
        config: str | None = None,
        *,
        name: str = "vault",
    ) -> Path: ...


class Run(Protocol):
    def __call__(
        self,
        vault: Path | None,
        *args: str,
        env: Mapping[str, str | None] | None = None,
        input: str | None = None,
    ) -> Result: ...


def write_notes(root: Path, notes: Mapping[str, str]) -> None:
    """Write ``{relpath: text}`` under ``root`` (relpaths are relative to the vault)."""
    for rel, text in notes.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


def age(path: Path, seconds: int = 3600) -> None:
    """Move a file's mtime into the past, so that the index trusts its stat (not "racy")."""
    when = time.time_ns() - seconds * 1_000_000_000
    os.utime(path, ns=(when, when))


def age_all(root: Path, seconds: int = 3600) -> None:
    for path in root.rglob("*.md"):
        if not path.is_symlink():
            age(path, seconds)


def note(front: str = "", body: str = "") -> str:
    """A note with the given front matter lines (without the fences) and body."""
    return f"---\n{front.strip()}\n---\n\n{body.strip()}\n" if front.strip() else body


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's vault, colours or debug switch."""
    for name in ("NETZMD_VAULT", "NETZMD_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture(autouse=True)
def _notes_count_as_saved(monkeypatch: pytest.MonkeyPatch) -> None:
    """A write command waits for a note changed less than two seconds ago by another program
    (it may be half saved); tests write their notes just before, so here that wait is off.
    tests/test_notes_atomic.py and tests/test_ops_write.py test it with its real length."""
    from netzmd.notes import atomic

    monkeypatch.setattr(atomic, "SETTLE_NS", 0)


@pytest.fixture
def make_vault(tmp_path: Path) -> MakeVault:
    """A factory: ``make_vault({"contacts/Jane Doe.md": text}, config=toml)`` → the vault root.

    The vault always has ``contacts/``; ``netzmd.toml`` is written only when ``config`` is given.
    """

    def make(
        notes: Mapping[str, str] | None = None,
        config: str | None = None,
        *,
        name: str = "vault",
    ) -> Path:
        root = tmp_path / name
        (root / "contacts").mkdir(parents=True, exist_ok=True)
        if config is not None:
            (root / "netzmd.toml").write_text(config, encoding="utf-8")
        write_notes(root, notes or {})
        return root

    return make


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def run(runner: CliRunner) -> Run:
    """``run(vault, "list", "--format", "json")``: invoke ``netzmd --vault VAULT …``.

    ``vault=None`` leaves ``--vault`` out (discovery from the cwd or NETZMD_VAULT)."""

    def invoke(
        vault: Path | None,
        *args: str,
        env: Mapping[str, str | None] | None = None,
        input: str | None = None,
    ) -> Result:
        argv: list[str] = ["--vault", str(vault), *args] if vault is not None else [*args]
        return runner.invoke(main, argv, env=env, input=input, catch_exceptions=True)

    return invoke


def no_traceback(result: Result) -> None:
    """The command ended through its own error handling, not an escaped exception."""
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)


def json_of(result: Result) -> Any:
    import json

    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def names_of(items: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(item["name"]) for item in items]


# --- git ------------------------------------------------------------------------------------

GIT_DATE = os.environ.get("NETZMD_TEST_GIT_DATE") or "2026-11-27T09:00:00+00:00"
"""The author and committer date of every commit a test makes without naming one. The
variable NETZMD_TEST_GIT_DATE moves it, only to show that no test depends on it (nor on the
real date): the whole suite passes with it years ahead and years behind."""

GIT_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CEILING_DIRECTORIES",
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_AUTHOR_DATE",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_COMMITTER_DATE",
    "EMAIL",
)


def git_environment(home: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (the process environment) for git run by a test: no developer configuration,
    hooks or identity (``home`` stands in for the home folder), commits dated ``GIT_DATE``."""
    env = dict(os.environ if base is None else base)
    for name in GIT_VARIABLES:
        env.pop(name, None)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=str(home / "gitconfig"),
        GIT_AUTHOR_DATE=GIT_DATE,
        GIT_COMMITTER_DATE=GIT_DATE,
    )
    return env


@pytest.fixture
def git_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test's process environment as ``git_environment`` makes it, for git run by the test
    and by netzmd alike; the stand-in home folder."""
    home = tmp_path_factory.mktemp("home")
    for name in GIT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for key, value in git_environment(home).items():
        if os.environ.get(key) != value:
            monkeypatch.setenv(key, value)
    return home


def git(root: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    """Run git in ``root`` (paths printed as they are, not quoted); its output, or the test
    fails with git's message."""
    import subprocess

    done = subprocess.run(
        ["git", "-c", "core.quotepath=off", *args],
        cwd=root,
        env=None if env is None else {**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def init_repo(root: Path, *, ignore: str = ".netzmd/\n") -> Path:
    """``root`` as a git repository on branch main (committer Test Person), with a .gitignore
    for the cache and everything in it committed as "start"; ``root``. Use with the
    ``git_env`` fixture, which isolates git and pins its dates."""
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test Person")
    git(root, "config", "user.email", "test@example.org")
    if ignore and not (root / ".gitignore").exists():
        (root / ".gitignore").write_text(ignore, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", "start")
    return root


def assert_folded(data: bytes) -> None:
    """Content lines as vCard (RFC 2425 5.8.1) and iCalendar (RFC 5545 3.1) fold them: CRLF
    line ends, no line over 75 octets, a continuation starts with a space, and no line ends
    inside a UTF-8 sequence (each decodes on its own)."""
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")
    for number, line in enumerate(data[:-2].split(b"\r\n")):
        assert len(line) <= 75, line
        line.decode("utf-8")  # raises when a sequence was split
        if line.startswith(b" "):
            assert number > 0
