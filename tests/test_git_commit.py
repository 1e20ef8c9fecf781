"""Committing what netzmd writes, in real git repositories made in tmp_path."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from netzmd.cli import main
from netzmd.git import commit as gitops

GIT = shutil.which("git")
pytestmark = [
    pytest.mark.skipif(GIT is None, reason="git is not installed"),
    pytest.mark.usefixtures("git_env"),  # no developer configuration; commits dated GIT_DATE
]

JANE = "---\nname: Jane Doe\ncompany: Acme\nlast_contact: 2026-10-01\n---\n\n## Log\n"
MAX = "---\nname: Max Mustermann\n---\n"


def git(repo: Path, *args: str, check: bool = True) -> str:
    done = subprocess.run(
        ["git", "-c", "core.quotepath=off", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {done.stderr}")
    return done.stdout


def make_repo(root: Path, notes: Mapping[str, str], *, identity: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    if identity:
        git(root, "config", "user.name", "Test Person")
        git(root, "config", "user.email", "test@example.com")
    git(root, "config", "commit.gpgsign", "false")
    for rel, text in notes.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if notes and identity:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "start")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(
        tmp_path / "vault",
        {
            "contacts/Jane Doe.md": JANE,
            "contacts/Max Mustermann.md": MAX,
            "notes/other.md": "other\n",
            "notes/third.md": "third\n",
            ".gitignore": ".netzmd/\n",
        },
    )


def run(vault: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--vault", str(vault), *args])


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def last_commit(repo: Path) -> tuple[str, list[str]]:
    message = git(repo, "log", "-1", "--format=%B").strip()
    files = git(repo, "show", "--name-only", "--format=", "HEAD").splitlines()
    return message, files


def test_set_commits_exactly_the_note_with_a_message(repo: Path) -> None:
    result = run(repo, "set", "jane", "company", "Bar AG", "--no-former")
    assert result.exit_code == 0, result.output
    message, files = last_commit(repo)
    assert message == "set: Jane Doe company = Bar AG"
    assert files == ["contacts/Jane Doe.md"]
    short = git(repo, "rev-parse", "--short", "HEAD").strip()
    assert f"committed {short} set: Jane Doe company = Bar AG" in result.stdout
    assert git(repo, "show", "HEAD:contacts/Jane Doe.md") == JANE.replace("Acme", "Bar AG")
    assert git(repo, "status", "--porcelain") == ""


def test_unrelated_staged_and_unstaged_changes_stay_uncommitted(repo: Path) -> None:
    (repo / "notes" / "other.md").write_text("other, staged\n", encoding="utf-8")
    (repo / "notes" / "new.md").write_text("new, staged\n", encoding="utf-8")
    git(repo, "add", "notes/other.md", "notes/new.md")
    (repo / "notes" / "third.md").write_text("third, not staged\n", encoding="utf-8")
    (repo / "untracked.md").write_text("untracked\n", encoding="utf-8")

    result = run(repo, "log", "jane", "max", "-m", "Pasta Bar", "--kind", "lunch",
                 "--today", "2026-11-27")  # fmt: skip
    assert result.exit_code == 0, result.output

    message, files = last_commit(repo)
    assert message == "log: lunch with Jane Doe, Max Mustermann\n\n2026-11-27 Pasta Bar"
    assert files == ["contacts/Jane Doe.md", "contacts/Max Mustermann.md"]
    assert git(repo, "diff", "--cached", "--name-only").splitlines() == [
        "notes/new.md",
        "notes/other.md",
    ]
    assert git(repo, "show", ":notes/other.md") == "other, staged\n"  # still staged as it was
    assert git(repo, "diff", "--name-only").splitlines() == ["notes/third.md"]
    assert git(repo, "ls-files", "--others", "--exclude-standard").splitlines() == ["untracked.md"]


def test_add_commits_the_new_note(repo: Path) -> None:
    (repo / "notes" / "other.md").write_text("staged\n", encoding="utf-8")
    git(repo, "add", "notes/other.md")
    result = run(repo, "add", "AC/DC Fan", "--company", "Acme")
    assert result.exit_code == 0, result.output
    message, files = last_commit(repo)
    assert (message, files) == ("add: AC/DC Fan", ["contacts/AC-DC Fan.md"])
    assert git(repo, "diff", "--cached", "--name-only").splitlines() == ["notes/other.md"]


def test_every_write_command_commits(repo: Path) -> None:
    for args, subject in [
        (["follow-up", "jane", "-m", "send slides", "--due", "2026-12-01"],
         "follow-up: Jane Doe: send slides (due 2026-12-01)"),
        (["done", "jane", "--today", "2026-11-27"], "done: Jane Doe: send slides"),
        (["snooze", "jane", "2027-01-15", "--today", "2026-11-27"],
         "snooze: Jane Doe until 2027-01-15"),
        (["unset", "jane", "snooze_until"], "unset: Jane Doe snooze_until"),
        (["set", "max", "tags", "a", "b"], "set: Max Mustermann tags = a, b"),
    ]:  # fmt: skip
        before = head(repo)
        result = run(repo, *args)
        assert result.exit_code == 0, result.output
        assert head(repo) != before
        assert last_commit(repo)[0] == subject
    assert git(repo, "status", "--porcelain") == ""


def test_a_no_op_writes_nothing_and_makes_no_commit(repo: Path) -> None:
    before = head(repo)
    result = run(repo, "set", "jane", "company", "Acme")
    assert result.exit_code == 0
    assert "nothing changed" in result.output
    assert head(repo) == before
    assert git(repo, "status", "--porcelain") == ""


def test_no_commit_and_auto_commit_off(repo: Path) -> None:
    before = head(repo)
    result = run(repo, "set", "jane", "company", "Bar AG", "--no-commit")
    assert result.exit_code == 0
    assert "committed" not in result.output
    assert head(repo) == before
    assert git(repo, "status", "--porcelain") == ' M "contacts/Jane Doe.md"\n'
    (repo / "netzmd.toml").write_text("auto_commit = false\n", encoding="utf-8")
    result = run(repo, "set", "jane", "company", "Cee AG")
    assert result.exit_code == 0
    assert head(repo) == before


def _merge_conflict(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "side")
    (repo / "notes" / "other.md").write_text("side\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "side")
    git(repo, "checkout", "-q", "main")
    (repo / "notes" / "other.md").write_text("main\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "main")
    git(repo, "merge", "side", check=False)
    assert (repo / ".git" / "MERGE_HEAD").exists()


def test_during_a_merge_the_note_is_written_but_not_committed(repo: Path) -> None:
    _merge_conflict(repo)
    before = head(repo)
    result = run(repo, "set", "jane", "company", "Bar AG")
    assert result.exit_code == 0, result.output
    assert "not committed: a merge is in progress" in result.stderr
    assert head(repo) == before
    assert "company: Bar AG" in (repo / "contacts" / "Jane Doe.md").read_text(encoding="utf-8")
    assert (repo / ".git" / "MERGE_HEAD").exists()  # the merge is left as it was


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda g: (g / "rebase-merge").mkdir(), "a rebase is in progress"),
        (lambda g: (g / "rebase-apply").mkdir(), "a rebase (or git am) is in progress"),
        (lambda g: (g / "CHERRY_PICK_HEAD").write_text("x"), "a cherry-pick is in progress"),
        (lambda g: (g / "REVERT_HEAD").write_text("x"), "a revert is in progress"),
        (lambda g: (g / "index.lock").write_text(""), "the git index is locked"),
    ],
)
def test_other_states_that_block_a_commit(repo: Path, make: object, why: str) -> None:
    make(repo / ".git")  # type: ignore[operator]
    before = head(repo)
    result = run(repo, "set", "jane", "company", "Bar AG")
    assert result.exit_code == 0, result.output
    assert f"not committed: {why}" in result.stderr
    assert head(repo) == before
    assert "Bar AG" in (repo / "contacts" / "Jane Doe.md").read_text(encoding="utf-8")


def test_a_vault_in_a_subfolder_of_a_larger_repository(tmp_path: Path) -> None:
    top = make_repo(tmp_path / "big", {"README.md": "hi\n", "network/contacts/Jane Doe.md": JANE})
    result = run(top / "network", "set", "jane", "city", "Köln")
    assert result.exit_code == 0, result.output
    assert last_commit(top) == ("set: Jane Doe city = Köln", ["network/contacts/Jane Doe.md"])


def test_file_names_with_glob_characters_are_taken_literally(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "vault",
        {"contacts/Ann (x) [1].md": "---\nname: Ann\n---\n", "contacts/Ann (x) 1.md": "x\n"},
    )
    (repo / "contacts" / "Ann (x) 1.md").write_text("changed, not committed\n", encoding="utf-8")
    result = run(repo, "set", "contacts/Ann (x) [1].md", "city", "Graz")
    assert result.exit_code == 0, result.output
    assert last_commit(repo)[1] == ["contacts/Ann (x) [1].md"]
    assert git(repo, "diff", "--name-only").splitlines() == ["contacts/Ann (x) 1.md"]


def test_the_first_commit_of_a_new_repository(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "vault", {})
    (repo / "contacts").mkdir()
    result = run(repo, "add", "Jane Doe", "--city", "Köln")
    assert result.exit_code == 0, result.output
    assert last_commit(repo) == ("add: Jane Doe", ["contacts/Jane Doe.md"])


def test_without_an_identity_it_says_so_and_leaves_nothing_staged(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "vault", {}, identity=False)
    git(repo, "config", "user.useConfigOnly", "true")
    (repo / "contacts").mkdir()
    result = run(repo, "add", "Jane Doe")
    assert result.exit_code == 0, result.output
    assert "not committed: git does not know who you are" in result.stderr
    assert (repo / "contacts" / "Jane Doe.md").exists()
    assert git(repo, "diff", "--cached", "--name-only") == ""


def test_a_failing_hook_is_reported(repo: Path) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'error: no commits today' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    before = head(repo)
    result = run(repo, "set", "jane", "company", "Bar AG")
    assert result.exit_code == 0
    assert "not committed: git commit failed: error: no commits today" in result.stderr
    assert head(repo) == before


def test_without_git_repository_nothing_is_said(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault / "contacts").mkdir(parents=True)
    (vault / "contacts" / "Jane Doe.md").write_text(JANE, encoding="utf-8")
    result = run(vault, "set", "jane", "company", "Bar AG", "--no-former")
    assert result.exit_code == 0, result.output
    assert result.output == "contacts/Jane Doe.md: company: Acme → Bar AG\n"


def test_without_git_installed_writing_works(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = head(repo)
    with monkeypatch.context() as patch:
        patch.setenv("PATH", str(repo / "no-bin-here"))
        result = run(repo, "set", "jane", "company", "Bar AG")
    assert result.exit_code == 0, result.output
    assert "not committed: git is not installed" in result.stderr
    assert "Bar AG" in (repo / "contacts" / "Jane Doe.md").read_text(encoding="utf-8")
    assert head(repo) == before


def test_commit_paths_directly(repo: Path) -> None:
    """The library call: the result carries the short hash and a line for people."""
    note = repo / "contacts" / "Max Mustermann.md"
    note.write_text(MAX + "\nbody\n", encoding="utf-8")
    result = gitops.commit_paths(repo, [note], "test: max")
    assert result.committed and result.hash
    assert result.line() == f"committed {result.hash} test: max"
    again = gitops.commit_paths(repo, [note], "test: again")
    assert not again.committed and again.already
    assert again.line() == f"already committed in {result.hash} (test: max)"
    assert gitops.commit_paths(repo.parent, [note], "x").line() is None  # not a repository
    assert os.path.samefile(gitops.repository(repo / "contacts") or "", repo)


def test_a_commit_on_a_detached_head_warns_that_it_is_on_no_branch(repo: Path) -> None:
    git(repo, "checkout", "-q", "--detach")
    result = run(repo, "set", "jane", "company", "Bar AG", "--no-former")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("committed ")
    assert result.stderr == (
        "warning: HEAD is detached: the commit is on no branch and may be lost on the next "
        "checkout; keep it with: git switch -c NEW-BRANCH\n"
    )
    assert last_commit(repo) == ("set: Jane Doe company = Bar AG", ["contacts/Jane Doe.md"])
    git(repo, "checkout", "-q", "main")  # what the warning was about: main has no Bar AG
    assert "Acme" in (repo / "contacts" / "Jane Doe.md").read_text(encoding="utf-8")
    on_branch = run(repo, "set", "jane", "company", "Cee AG")
    assert on_branch.exit_code == 0, on_branch.output
    assert "committed " in on_branch.stdout and on_branch.stderr == ""


def _git_with_a_concurrent_commit(bin_dir: Path) -> Path:
    """A ``git`` that, just before netzmd's own commit, has another git process commit the
    same files: the race of two writers, made certain."""
    bin_dir.mkdir()
    wrapper = bin_dir / "git"
    wrapper.write_text(
        "#!/bin/sh\n"
        'if [ "$2" = commit ]; then\n'
        '  ( while [ "$1" != "--" ]; do shift; done; shift\n'
        f'    "{GIT}" add -- "$@" &&\n'
        f'    "{GIT}" commit -q -m "the same change, by another process" -- "$@" )\n'
        "fi\n"
        f'exec "{GIT}" "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    return bin_dir


@pytest.mark.parametrize(
    ("args", "rel"),
    [
        (["set", "jane", "company", "Bar AG"], "contacts/Jane Doe.md"),
        (["add", "Zoë Müller", "--company", "Acme"], "contacts/Zoë Müller.md"),  # a new file
    ],
)
def test_a_change_another_process_committed_first_is_already_committed(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], rel: str
) -> None:
    bin_dir = _git_with_a_concurrent_commit(tmp_path / "bin")
    with monkeypatch.context() as patch:
        patch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
        result = run(repo, *args)
    assert result.exit_code == 0, result.output
    other = git(repo, "log", "-1", "--format=%h").strip()
    assert result.stderr == f"already committed in {other} (the same change, by another process)\n"
    assert "git commit failed" not in result.output
    assert last_commit(repo) == ("the same change, by another process", [rel])
    assert git(repo, "status", "--porcelain") == ""  # a new file stays tracked


@pytest.mark.parametrize(
    ("when", "shown"),
    [
        (datetime(2031, 5, 6, 7, 8, 9, tzinfo=timezone(-timedelta(hours=3, minutes=30))),
         "2031-05-06T07:08:09-03:30"),
        (datetime(1999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=14))),
         "1999-12-31T23:59:59+14:00"),
        (datetime(2150, 1, 1, tzinfo=UTC), "2150-01-01T00:00:00+00:00"),  # beyond git's ISO dates
        (datetime(2026, 11, 27, 12), datetime(2026, 11, 27, 12).astimezone().isoformat()),
    ],
)  # fmt: skip
def test_commit_paths_dates_the_commit_as_told(repo: Path, when: datetime, shown: str) -> None:
    """A caller with its own clock (watch) dates its commits by it: author and committer date,
    in the offset given (a time without one is local time), whatever GIT_*_DATE says."""
    note = repo / "contacts" / "Max Mustermann.md"
    note.write_text(MAX + "\nbody\n", encoding="utf-8")
    result = gitops.commit_paths(repo, [note], "test: dated", when=when)
    assert result.committed, result.reason
    assert git(repo, "log", "-1", "--format=%aI%n%cI").split() == [shown, shown]


def test_done_on_a_recurring_follow_up_commits_both_lines(tmp_path: Path) -> None:
    """The ticked task and its next occurrence (on the line above, as the Obsidian Tasks
    plugin puts it) are one change and one commit that names the next date."""
    note = (
        "---\nname: Ann Example\n---\n\n## Follow-ups\n\n"
        "- [ ] call 🔁 every 3 months 📅 2026-11-30\n"
    )
    repo = make_repo(tmp_path / "vault", {"contacts/Ann.md": note, ".gitignore": ".netzmd/\n"})
    result = run(repo, "done", "ann", "--today", "2026-11-27")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        "contacts/Ann.md:8: - [x] call 🔁 every 3 months 📅 2026-11-30 ✅ 2026-11-27",
        "contacts/Ann.md:7: next: - [ ] call 🔁 every 3 months 📅 2027-02-28",
    ]
    message, files = last_commit(repo)
    assert message == "done: Ann Example: call (next 2027-02-28)"
    assert files == ["contacts/Ann.md"]
    assert (
        (repo / "contacts" / "Ann.md")
        .read_text("utf-8")
        .endswith(
            "- [ ] call 🔁 every 3 months 📅 2027-02-28\n"
            "- [x] call 🔁 every 3 months 📅 2026-11-30 ✅ 2026-11-27\n"
        )
    )
    (repo / "contacts" / "Ann.md").write_text(
        note.replace("every 3 months", "every third moon"), "utf-8"
    )
    git(repo, "commit", "-qam", "odd rule")
    before = head(repo)
    odd = run(repo, "done", "ann", "--today", "2026-11-27")
    assert odd.exit_code == 1
    assert "contacts/Ann.md:7: error: the follow-up repeats ('🔁 every third moon')" in odd.output
    assert head(repo) == before and git(repo, "status", "--porcelain") == ""


# --- the one git runner -------------------------------------------------------------------------


def test_the_git_runner_closes_stdin_drops_a_hooks_index_and_speaks_c(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every git process netzmd starts: standard input closed (git never waits on the
    terminal), the index of a calling hook (GIT_INDEX_FILE) not used, the C locale where the
    output is read, the caller's clock for the dates; a failure a NetzmdError with git's line."""
    from netzmd.errors import NetzmdError
    from netzmd.git.run import Git, find_git, git_env

    monkeypatch.setenv("GIT_INDEX_FILE", str(repo / "no-such-index"))
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    g = Git.at(repo)
    assert g is not None and g.git == find_git()
    empty = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # the blob of no bytes
    read, write = os.pipe()  # netzmd's own standard input has something to read
    os.write(write, b"typed at the terminal\n")
    os.close(write)
    saved = os.dup(0)
    os.dup2(read, 0)
    try:
        assert g.output("hash-object", "--stdin").decode().strip() == empty
    finally:
        os.dup2(saved, 0)
        os.close(saved)
        os.close(read)
    assert g.output("hash-object", "--stdin", input=b"x\n").decode().strip() != empty
    assert "contacts/Jane Doe.md" in g.text("ls-files").stdout  # the repository's own index
    env = git_env(when=datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC))
    assert (env["LC_ALL"], env["LANGUAGE"], env["GIT_TERMINAL_PROMPT"]) == ("C", "C", "0")
    assert env["GIT_AUTHOR_DATE"] == env["GIT_COMMITTER_DATE"] == "@1935817689 +0000"
    assert "GIT_INDEX_FILE" not in env and "GIT_OPTIONAL_LOCKS" not in env
    assert git_env(optional_locks=False)["GIT_OPTIONAL_LOCKS"] == "0"
    assert git_env(c_locale=False)["LC_ALL"] == "de_DE.UTF-8"
    assert not g.ok("rev-parse", "--verify", "-q", "no-such-branch")
    with pytest.raises(NetzmdError, match=r"^git cat-file failed: fatal: .*no-such-thing"):
        g.output("cat-file", "blob", "HEAD:no-such-thing")
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    assert Git.at(repo) is None and find_git() is None


# --- deleted files --------------------------------------------------------------------------------


def test_a_deleted_note_is_committed_as_deleted_and_nothing_else(repo: Path) -> None:
    """Only the paths given: a deleted note (git rm) and a new one; another deleted file and
    a staged change stay as they were."""
    (repo / "contacts" / "Max Mustermann.md").unlink()
    (repo / "notes" / "other.md").unlink()  # deleted too, but not by netzmd
    (repo / "notes" / "third.md").write_text("staged\n", encoding="utf-8")
    git(repo, "add", "notes/third.md")
    (repo / "contacts" / "Max M.md").write_text(MAX, encoding="utf-8")
    result = gitops.commit_paths(
        repo,
        [repo / "contacts" / "Max Mustermann.md", repo / "contacts" / "Max M.md"],
        "rename: Max Mustermann to Max M",
    )
    assert result.committed, result
    assert git(repo, "show", "--name-status", "-M", "--format=", "HEAD").splitlines() == [
        "R100\tcontacts/Max Mustermann.md\tcontacts/Max M.md"
    ]
    assert git(repo, "status", "--porcelain").splitlines() == [
        " D notes/other.md",
        "M  notes/third.md",
    ]


def test_a_deleted_file_git_never_knew_is_left_out(repo: Path) -> None:
    (repo / "contacts" / "Jane Doe.md").unlink()
    never = repo / "contacts" / "Never Committed.md"  # made and deleted without a commit
    before = head(repo)
    alone = gitops.commit_paths(repo, [never], "forget: Never Committed")
    assert (alone.committed, alone.reason) == (False, "git found nothing to commit")
    assert head(repo) == before
    result = gitops.commit_paths(
        repo, [never, repo / "contacts" / "Jane Doe.md"], "forget: Jane Doe, Never Committed"
    )
    assert result.committed, result
    assert last_commit(repo)[1] == ["contacts/Jane Doe.md"]
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize("many", [0, 1000])
def test_many_paths_commit_exactly_those_paths(
    repo: Path, many: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past MANY_PATHS git lists everything it knows instead of each path: the same commit."""
    monkeypatch.setattr(gitops, "MANY_PATHS", many)
    contacts = repo / "contacts"
    (contacts / "Jane Doe.md").write_text(JANE + "changed\n", encoding="utf-8")
    (contacts / "New One.md").write_text("---\nname: New One\n---\n", encoding="utf-8")
    (contacts / "Not Mine.md").write_text("---\nname: Not Mine\n---\n", encoding="utf-8")
    (contacts / "Gone.md").write_text("x\n", encoding="utf-8")  # never known to git
    (contacts / "Gone.md").unlink()
    (contacts / "Max Mustermann.md").unlink()  # known to git: committed as deleted
    (repo / "notes/other.md").write_text("changed, not mine\n", encoding="utf-8")
    paths = [
        contacts / "Jane Doe.md",
        contacts / "New One.md",
        contacts / "Gone.md",
        contacts / "Max Mustermann.md",
    ]
    result = gitops.commit_paths(repo, paths, "import: three")
    assert result.committed, result.reason
    assert last_commit(repo) == (
        "import: three",
        ["contacts/Jane Doe.md", "contacts/Max Mustermann.md", "contacts/New One.md"],
    )
    assert " D contacts/Max Mustermann.md" not in git(repo, "status", "--porcelain")
    git(repo, "checkout", "--", "notes/other.md")
    assert git(repo, "status", "--porcelain") == '?? "contacts/Not Mine.md"\n'
