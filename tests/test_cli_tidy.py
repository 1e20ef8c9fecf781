"""duplicates, merge, rename and forget on the command line, in real git repositories: one
commit each, exactly the files written, undone by git revert; dry runs write nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeVault, Run, git, json_of, no_traceback

from netzmd.notes import atomic
from netzmd.notes.atomic import Pending

pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.usefixtures("git_env"),
]

JANE = (
    "---\nname: Jane Doe\ncompany: Acme\nemail: jane@acme.example\n---\n\n## Log\n\n"
    "- 2026-10-01 [coffee] first coffee\n"
)
OTHER = (
    "---\nname: J. Doe\nemail: JANE@acme.example\nrole: CTO\n---\n\nMet at PyCon.\n\n## Log\n\n"
    "- 2026-10-15 [call] about the migration\n"
)
MAX = '---\nname: Max\nintroduced_by: "[[J Doe]]"\n---\n\nKnows [[J Doe|Jane]].\n'
DAILY = "# 2026-11-27\n\nMet [[J Doe]] today. `[[J Doe]]` stays: code.\n"


@pytest.fixture
def repo(make_vault: MakeVault) -> Path:
    root = make_vault(
        {
            "contacts/Jane Doe.md": JANE,
            "contacts/J Doe.md": OTHER,
            "contacts/Max.md": MAX,
            "daily/2026-11-27.md": DAILY,
            ".gitignore": ".netzmd/\n",
        }
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test Person")
    git(root, "config", "user.email", "test@example.com")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    return root


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts and ".netzmd" not in p.parts
    }


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def last(repo: Path) -> tuple[str, list[str]]:
    message = git(repo, "log", "-1", "--format=%s").strip()
    changed = git(repo, "show", "-M", "--name-status", "--format=", "HEAD").splitlines()
    return message, changed


# --- duplicates -----------------------------------------------------------------------------------


def test_duplicates_lists_pairs_and_json_is_exact(repo: Path, run: Run) -> None:
    result = run(repo, "duplicates")
    assert result.exit_code == 0, result.output
    assert result.stdout == " 95  'J Doe' and 'Jane Doe': email\n"
    assert "1 pair; one person: netzmd merge KEEP OTHER" in result.stderr
    assert json_of(run(repo, "duplicates", "--format", "json")) == [
        {"a": "J Doe", "b": "Jane Doe", "reasons": ["email"], "score": 95}
    ]


def test_dismiss_records_the_pair_commits_it_and_silences_check(repo: Path, run: Run) -> None:
    warned = run(repo, "check")
    assert "probably the same person as contacts/Jane Doe.md (email)" in warned.stdout
    dry = run(repo, "duplicates", "--dismiss", "jane", "j doe", "--dry-run")
    assert dry.exit_code == 0 and '+    ["J Doe", "Jane Doe"]' in dry.stdout
    assert not (repo / "imports").exists()
    result = run(repo, "duplicates", "--dismiss", "jane", "j doe")
    assert result.exit_code == 0, result.output
    assert last(repo) == (
        "duplicates: J Doe and Jane Doe are different people",
        ["A\timports/not-duplicates.json"],
    )
    assert json.loads((repo / "imports" / "not-duplicates.json").read_text()) == {
        "pairs": [["J Doe", "Jane Doe"]],
        "version": 1,
    }
    assert json_of(run(repo, "duplicates", "--format", "json")) == []
    assert "probably" not in run(repo, "check").stdout
    again = run(repo, "duplicates", "--dismiss", "J Doe", "Jane Doe")
    assert again.exit_code == 0
    assert "recorded as two people already; nothing changed" in again.stderr


def test_dismiss_needs_two_contacts_and_dry_run_needs_dismiss(repo: Path, run: Run) -> None:
    same = run(repo, "duplicates", "--dismiss", "jane", "Jane Doe")
    assert same.exit_code == 2 and "are the same contact" in same.output
    unknown = run(repo, "duplicates", "--dismiss", "jane", "nobody at all")
    assert unknown.exit_code == 1 and "no contact matches 'nobody at all'" in unknown.output
    lonely = run(repo, "duplicates", "--dry-run")
    assert lonely.exit_code == 2 and "go with --dismiss" in lonely.output
    no_traceback(lonely)


# --- merge ----------------------------------------------------------------------------------------


def test_merge_is_one_commit_and_git_revert_undoes_it(repo: Path, run: Run) -> None:
    before = files(repo)
    result = run(repo, "merge", "jane", "j doe")
    assert result.exit_code == 0, result.output
    assert last(repo) == (
        "merge: J. Doe into Jane Doe",
        [
            "D\tcontacts/J Doe.md",
            "M\tcontacts/Jane Doe.md",
            "M\tcontacts/Max.md",
            "M\tdaily/2026-11-27.md",
        ],
    )
    assert git(repo, "status", "--porcelain") == ""
    assert (repo / "daily" / "2026-11-27.md").read_text() == (
        "# 2026-11-27\n\nMet [[Jane Doe]] today. `[[J Doe]]` stays: code.\n"
    )
    merged = (repo / "contacts" / "Jane Doe.md").read_text()
    assert merged == (
        "---\nname: Jane Doe\ncompany: Acme\nemail: jane@acme.example\nrole: CTO\n"
        "aliases: [J. Doe]\n---\n\n## Log\n\n"
        "- 2026-10-01 [coffee] first coffee\n- 2026-10-15 [call] about the migration\n\n"
        "## From J. Doe\n\nMet at PyCon.\n"
    )
    assert "deleted contacts/J Doe.md" in result.stdout
    assert "committed " in result.stdout
    git(repo, "revert", "--no-edit", "HEAD")
    assert files(repo) == before
    shown = run(repo, "show", "j doe")
    assert shown.exit_code == 0 and "J. Doe" in shown.stdout


def test_merge_dry_run_writes_nothing(repo: Path, run: Run) -> None:
    before, commit = files(repo), head(repo)
    result = run(repo, "merge", "jane", "j doe", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "--- a/contacts/J Doe.md\n+++ /dev/null\n" in result.stdout
    assert "-Met [[J Doe]] today." in result.stdout
    assert "+Met [[Jane Doe]] today." in result.stdout
    assert "dry run: nothing written" in result.stderr
    assert files(repo) == before and head(repo) == commit


def test_merge_of_crlf_notes_stays_crlf(repo: Path, run: Run) -> None:
    for rel, text in (("contacts/Jane Doe.md", JANE), ("contacts/J Doe.md", OTHER)):
        (repo / rel).write_bytes(text.replace("\n", "\r\n").encode())
    git(repo, "commit", "-q", "-am", "crlf")
    result = run(repo, "merge", "jane", "j doe", "--prefer", "other")
    assert result.exit_code == 0, result.output
    data = (repo / "contacts" / "Jane Doe.md").read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"role: CTO\r\n" in data and b"## From J. Doe\r\n\r\nMet at PyCon.\r\n" in data


def test_merge_with_a_note_changed_meanwhile_writes_nothing(
    repo: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The daily note is saved by an editor in the instant before netzmd replaces it, after
    Jane's note was written: Jane's is put back, J Doe's is not deleted, nothing committed."""
    before, commit = files(repo), head(repo)
    daily = repo / "daily" / "2026-11-27.md"
    typed = DAILY + "typed meanwhile\n"
    real_put = Pending.put

    def put(self: Pending, expected: bytes | None, **kwargs: Any) -> atomic.Stamp:
        if self.path == daily and expected == DAILY.encode():
            daily.write_text(typed)
        return real_put(self, expected, **kwargs)

    monkeypatch.setattr(Pending, "put", put)
    result = run(repo, "merge", "jane", "j doe")
    no_traceback(result)
    assert result.exit_code == 1
    assert "2026-11-27.md changed on disk after netzmd read it" in result.stderr
    assert "put back as it was" in result.stderr
    assert files(repo) == {**before, "daily/2026-11-27.md": typed.encode()}
    assert head(repo) == commit


def test_merge_refuses_the_same_note_and_a_broken_one(repo: Path, run: Run) -> None:
    same = run(repo, "merge", "jane", "Jane Doe")
    assert same.exit_code == 2 and "KEEP and OTHER are the same note" in same.stderr
    (repo / "contacts" / "J Doe.md").write_text("---\nname: [broken\n---\n")
    broken = run(repo, "merge", "jane", "contacts/J Doe.md")
    assert broken.exit_code == 1 and "refusing to write to a broken note" in broken.stderr
    no_traceback(broken)


def test_merge_without_commit(repo: Path, run: Run) -> None:
    commit = head(repo)
    result = run(repo, "merge", "jane", "j doe", "--no-commit")
    assert result.exit_code == 0, result.output
    assert head(repo) == commit
    assert not (repo / "contacts" / "J Doe.md").exists()
    assert ' D "contacts/J Doe.md"' in git(repo, "status", "--porcelain")


# --- rename ---------------------------------------------------------------------------------------


def test_rename_is_a_rename_to_git(repo: Path, run: Run) -> None:
    dry = run(repo, "rename", "j doe", "Jane Smith", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.startswith(
        "diff --git a/contacts/J Doe.md b/contacts/Jane Smith.md\n"
        "rename from contacts/J Doe.md\nrename to contacts/Jane Smith.md\n"
    )
    assert not (repo / "contacts" / "Jane Smith.md").exists()
    result = run(repo, "rename", "j doe", "Jane Smith")
    assert result.exit_code == 0, result.output
    message, changed = last(repo)
    assert message == "rename: J. Doe to Jane Smith"
    assert changed[0].startswith("R0") or changed[0].startswith("R1")
    assert changed[0].endswith("\tcontacts/J Doe.md\tcontacts/Jane Smith.md")
    assert changed[1:] == ["M\tcontacts/Max.md", "M\tdaily/2026-11-27.md"]
    assert (repo / "contacts" / "Max.md").read_text() == MAX.replace("J Doe", "Jane Smith")
    assert run(repo, "show", "J. Doe").exit_code == 0  # the old name is an alias now


def test_rename_to_a_taken_name_is_refused(repo: Path, run: Run) -> None:
    before = files(repo)
    result = run(repo, "rename", "j doe", "Max")
    assert result.exit_code == 1
    assert "contacts/Max.md exists already" in result.stderr
    assert files(repo) == before


# --- forget ---------------------------------------------------------------------------------------


def test_forget_deletes_unlinks_and_says_how_to_purge(repo: Path, run: Run) -> None:
    (repo / "imports").mkdir()
    (repo / "imports" / "vcard.json").write_text(
        json.dumps({"people": {"x": {"id": "J Doe", "path": "contacts/J Doe.md"}}})
    )
    git(repo, "add", "imports")
    git(repo, "commit", "-q", "-m", "imports")
    result = run(repo, "forget", "j doe")
    assert result.exit_code == 0, result.output
    message, changed = last(repo)
    assert message == "forget: a contact, its links and import records"
    assert changed == [
        "D\tcontacts/J Doe.md",
        "M\tcontacts/Max.md",
        "M\tdaily/2026-11-27.md",
        "M\timports/vcard.json",
    ]
    assert (repo / "daily" / "2026-11-27.md").read_text() == (
        "# 2026-11-27\n\nMet J Doe today. `[[J Doe]]` stays: code.\n"
    )
    assert json.loads((repo / "imports" / "vcard.json").read_text()) == {"people": {}}
    assert "git filter-repo --invert-paths --path 'contacts/J Doe.md'" in result.stdout
    assert "netzmd does not rewrite history" in result.stdout
    assert git(repo, "status", "--porcelain") == ""


def test_forget_dry_run_writes_nothing_and_prints_no_purge(repo: Path, run: Run) -> None:
    before = files(repo)
    result = run(repo, "forget", "j doe", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "+++ /dev/null" in result.stdout and "filter-repo" not in result.stdout
    assert files(repo) == before
