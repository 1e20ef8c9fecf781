"""``netzmd watch`` and greeting campaigns (issue 14), with real watchdog observers: a tick in a
campaign note in Greetings/ logs that person's [greeting] once (as ``greet --sync``), and with
--commit the campaign note is committed with the notes it changed."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import git, note, write_notes

from netzmd.cli import main
from netzmd.cli.greet import watch_sync
from netzmd.config import load_config
from netzmd.vault import Vault
from netzmd.watch.autocommit import NoteChange, campaign_change, commit_message
from netzmd.watch.paths import CAMPAIGN, STRUCTURE, classify
from netzmd.watch.watcher import Watcher, WatchOptions

T0 = datetime(2026, 12, 1, 12, 0, 0)
DEADLINE = 20.0
RUN = "Greetings/Christmas 2026.md"


@pytest.mark.parametrize(
    ("rel", "is_dir", "kind"),
    [
        ("Greetings", True, STRUCTURE),
        ("Greetings/Christmas 2026.md", False, CAMPAIGN),
        ("Greetings/old/Christmas 2025.MD", False, CAMPAIGN),
        ("Greetings/old", True, None),
        ("Greetings/.Christmas 2026.md.swp", False, None),
        ("Greetings/Christmas 2026.md~", False, None),
        ("Greetings/cards.pdf", False, None),
        ("greetings/Christmas 2026.md", False, None),  # another folder
    ],
)
def test_classify_campaign_notes(rel: str, is_dir: bool, kind: str | None) -> None:
    assert classify(rel, is_dir) == kind


def test_commit_message_with_a_campaign_note() -> None:
    campaign = campaign_change(RUN, b"## A\n\n- [x] [[A]]\n\n## B\n\n- [ ] [[B]]\n")
    assert campaign == NoteChange("Christmas 2026", RUN, [], said="Christmas 2026: 1 of 2 sent")
    assert commit_message([campaign]) == "Christmas 2026: 1 of 2 sent"
    anna = NoteChange("Anna", "contacts/Anna.md", [], repaired=True)
    assert commit_message([anna, campaign]) == "Christmas 2026: 1 of 2 sent\n\nAnna: note repaired"
    gone = campaign_change(RUN, None)
    assert gone.line() == "Christmas 2026: deleted"


def commits(root: Path) -> int:
    return int(git(root, "rev-list", "--count", "HEAD"))


@pytest.fixture
def vault(tmp_path: Path, git_env: Path) -> Path:
    """Two people to greet at Christmas, the campaign note written by ``netzmd greet``, all
    committed; the agenda note is ignored by git."""
    root = (tmp_path / "vault").resolve()
    write_notes(
        root,
        {
            "contacts/Anna Schmidt.md": note("circle: competence\nlang: de\naddress: du"),
            "contacts/Tom Baker.md": note("circle: competence"),
            ".gitignore": ".netzmd/\nAgenda.md\n",
        },
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.com")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "start")
    result = CliRunner().invoke(
        main, ["--vault", str(root), "greet", "christmas", "--today", "2026-12-01"]
    )
    assert result.exit_code == 0, result.output
    return root


class Running:
    def __init__(self, watcher: Watcher, lines: list[str]) -> None:
        self.watcher = watcher
        self.lines = lines

    def wait(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + DEADLINE
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; lines: {self.lines}")
            if self.watcher.failure is not None:
                raise AssertionError(f"the watcher failed: {self.watcher.failure!r}")
            time.sleep(0.01)

    def settle(self) -> None:
        self.wait(lambda: self.watcher.idle_for() >= 0.3, "the watcher to settle")


@pytest.fixture
def start() -> Iterator[Callable[..., Running]]:
    watchers: list[Watcher] = []

    def run(root: Path, **options: Any) -> Running:
        lines: list[str] = []
        settings: dict[str, Any] = {"debounce": 0.15, "tick_seconds": 0.02, **options}
        watcher = Watcher(
            Vault(root),
            load_config(root),
            WatchOptions(**settings),
            now=lambda: T0,
            say=lines.append,
            campaigns=watch_sync,
        )
        watchers.append(watcher)
        watcher.start()
        assert watcher.ready.wait(DEADLINE)
        assert watcher.failure is None, watcher.failure
        return Running(watcher, lines)

    yield run
    for watcher in watchers:
        watcher.stop()
        assert watcher.join(5)
        assert watcher.failure is None, watcher.failure


def tick(root: Path, name: str, done: str = "") -> None:
    path = root / RUN
    text = path.read_text(encoding="utf-8")
    old = f"- [ ] [[{name}]]"
    assert old in text
    path.write_text(text.replace(old, f"- [x] [[{name}]]{done}"), encoding="utf-8")


def greetings_in(root: Path, name: str) -> list[str]:
    text = (root / "contacts" / f"{name}.md").read_text(encoding="utf-8")
    return [line for line in text.split("\n") if "[greeting]" in line]


def test_a_tick_is_logged_once_and_committed_with_the_campaign_note(
    vault: Path, start: Callable[..., Running]
) -> None:
    before = commits(vault)
    w = start(vault, commit=True, quiet_seconds=0.3)
    tick(vault, "Anna Schmidt", " ✅ 2026-11-30")
    w.wait(lambda: bool(greetings_in(vault, "Anna Schmidt")), "Anna's greeting")
    w.wait(lambda: commits(vault) == before + 1, "the commit")
    assert greetings_in(vault, "Anna Schmidt") == [
        "- 2026-11-30 [greeting] Christmas 2026 greeting"
    ]
    assert greetings_in(vault, "Tom Baker") == []
    message = git(vault, "log", "-1", "--format=%B").strip()
    assert message == "Christmas 2026: 1 of 2 sent\n\nAnna Schmidt: log +1"
    files = git(vault, "show", "--name-status", "--format=", "HEAD").splitlines()
    assert files == [f"M\t{RUN}", "M\tcontacts/Anna Schmidt.md"]
    assert any(f"{RUN}: logged the greeting of Anna Schmidt" in line for line in w.lines)
    # the next tick logs Tom only; Anna's greeting is not logged again
    tick(vault, "Tom Baker")
    w.wait(lambda: commits(vault) == before + 2, "the second commit")
    assert greetings_in(vault, "Tom Baker") == ["- 2026-12-01 [greeting] Christmas 2026 greeting"]
    assert len(greetings_in(vault, "Anna Schmidt")) == 1
    assert git(vault, "log", "-1", "--format=%B").strip() == (
        "Christmas 2026: 2 of 2 sent\n\nTom Baker: log +1"
    )
    assert git(vault, "status", "--porcelain") == ""
    # an edit of a draft alone is committed as it is, and logs nothing
    path = vault / RUN
    path.write_text(path.read_text(encoding="utf-8") + "\nsent by post\n", encoding="utf-8")
    w.wait(lambda: commits(vault) == before + 3, "the draft's commit")
    assert git(vault, "log", "-1", "--format=%B").strip() == "Christmas 2026: 2 of 2 sent"
    assert len(greetings_in(vault, "Tom Baker")) == 1
    w.settle()
    assert commits(vault) == before + 3


def test_without_commit_the_greeting_is_logged_and_nothing_committed(
    vault: Path, start: Callable[..., Running]
) -> None:
    before = commits(vault)
    w = start(vault, commit=False)
    tick(vault, "Tom Baker")
    w.wait(lambda: bool(greetings_in(vault, "Tom Baker")), "Tom's greeting")
    w.settle()
    assert commits(vault) == before
    assert greetings_in(vault, "Tom Baker") == ["- 2026-12-01 [greeting] Christmas 2026 greeting"]
    agenda = (vault / "Agenda.md").read_text(encoding="utf-8")
    assert "[[Greetings/Christmas 2026|Christmas 2026]]: 1 of 2 sent" in agenda
    status = sorted(git(vault, "status", "--porcelain").splitlines())
    assert status == [f' M "{RUN}"', ' M "contacts/Tom Baker.md"']


def test_a_campaign_folder_made_while_watching(
    tmp_path: Path, start: Callable[..., Running]
) -> None:
    root = (tmp_path / "plain").resolve()
    write_notes(root, {"contacts/Tom Baker.md": note("circle: competence")})
    w = start(root)
    (root / "Greetings").mkdir()
    w.settle()
    (root / RUN).write_text("## Tom\n\n- [x] [[Tom Baker]]\n", encoding="utf-8")
    w.wait(lambda: bool(greetings_in(root, "Tom Baker")), "Tom's greeting")
    w.settle()
    # without front matter, the greeting is named by the file
    assert greetings_in(root, "Tom Baker") == ["- 2026-12-01 [greeting] Christmas 2026 greeting"]
    # a link to nobody is said, and nothing else happens
    (root / RUN).write_text(
        "## Tom\n\n- [x] [[Tom Baker]]\n\n## X\n\n- [x] [[Nobody]]\n", encoding="utf-8"
    )
    w.wait(lambda: any("skipped Nobody" in line for line in w.lines), "the skipped line")
    assert len(greetings_in(root, "Tom Baker")) == 1
