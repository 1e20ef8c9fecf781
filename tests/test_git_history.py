"""Git as the audit trail: history, show --as-of, changes and the agenda's News, on real git
repositories built in tmp_path with scripted commit dates."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import git_environment

from netzmd.cli import main
from netzmd.cli.history import since_date
from netzmd.cli.session import Session
from netzmd.errors import NetzmdError, UsageError
from netzmd.git import history, news
from netzmd.ops.as_of import show_as_of
from netzmd.present.history import render_as_of

GIT = shutil.which("git")

pytestmark = [
    pytest.mark.skipif(GIT is None, reason="git is not installed"),
    pytest.mark.usefixtures("git_env"),  # netzmd's own git calls see no developer configuration
]


class Repo:
    """A git repository with a vault at ``top / vault``; commits dated as told."""

    def __init__(self, top: Path, vault: str = "") -> None:
        self.top = top
        self.vault = top / vault if vault else top
        (self.vault / "contacts").mkdir(parents=True, exist_ok=True)
        home = top.parent / f"{top.name}-home"
        home.mkdir(exist_ok=True)
        self.env = git_environment(home)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Test Person")
        self.git("config", "user.email", "test@example.com")
        self.git("config", "commit.gpgsign", "false")
        (self.top / ".gitignore").write_text(".netzmd/\n", encoding="utf-8")

    def git(self, *args: str, when: str | None = None, committed: str | None = None) -> str:
        env = dict(self.env)
        if when is not None:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
        if committed is not None:
            env["GIT_COMMITTER_DATE"] = committed
        done = subprocess.run(
            ["git", *args], cwd=self.top, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
        return done.stdout

    def write(self, rel: str, text: str) -> None:
        path = self.vault / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))

    def commit(
        self, message: str, day: str, *, at: str = "12:00:00+00:00", committed: str | None = None
    ) -> str:
        """Commit everything, authored on ``day`` (and committed then, or on ``committed``)."""
        self.git("add", "-A")
        self.git(
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            message,
            when=f"{day}T{at}",
            committed=f"{committed}T{at}" if committed else None,
        )
        return self.git("rev-parse", "HEAD").strip()

    def mv(self, old: str, new: str) -> None:
        (self.vault / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", str(self.vault / old), str(self.vault / new))

    def rm(self, rel: str) -> None:
        self.git("rm", "-q", str(self.vault / rel))


def note(front: str, body: str = "") -> str:
    return f"---\n{front.strip()}\n---\n\n{body.strip()}\n"


JANE_BODY = """
## Log

- 2026-01-10 [coffee] first coffee

## Follow-ups

- [ ] send the slides 📅 2026-02-01
"""


def jane(company: str = "Foo GmbH", extra: str = "", body: str = JANE_BODY) -> str:
    return note(f"name: Jane Doe\ncircle: competence\ncompany: {company}\n{extra}", body)


@pytest.fixture(scope="module")
def jane_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Repo, dict[str, str]]]:
    """Jane's note through five commits: created, moved jobs and had lunch, a follow-up done
    and another added, renamed into a subfolder, archived; and a commit to Max between."""
    repo = Repo(tmp_path_factory.mktemp("jane") / "repo")
    shas: dict[str, str] = {}
    repo.write("contacts/Jane Doe.md", jane())
    shas["add"] = repo.commit("add: Jane Doe", "2026-01-10")
    repo.write("contacts/Max Mustermann.md", note("company: Acme"))
    shas["max"] = repo.commit("add: Max Mustermann", "2026-02-01")
    body = JANE_BODY.replace("first coffee\n", "first coffee\n- 2026-02-14 [lunch] Pasta Bar\n")
    repo.write("contacts/Jane Doe.md", jane("Bar AG", body=body))
    shas["job"] = repo.commit("set: Jane Doe company", "2026-02-15")
    body = body.replace(
        "- [ ] send the slides 📅 2026-02-01",
        "- [x] send the slides 📅 2026-02-01 ✅ 2026-03-01\n- [ ] ask about the CFP",
    )
    repo.write("contacts/Jane Doe.md", jane("Bar AG", body=body))
    shas["done"] = repo.commit("done: Jane Doe", "2026-03-01")
    repo.mv("contacts/Jane Doe.md", "contacts/work/Jane Doe.md")
    shas["move"] = repo.commit("move Jane into work/", "2026-04-01")
    repo.write("contacts/work/Jane Doe.md", jane("Bar AG", "archived: true", body=body))
    shas["archive"] = repo.commit("set: Jane Doe archived", "2026-05-01")
    yield repo, shas


def run(vault: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--vault", str(vault), *args], catch_exceptions=False)


def json_of(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- history --------------------------------------------------------------------------------


def test_history_lists_every_commit_of_the_note_newest_first(
    jane_repo: tuple[Repo, dict[str, str]],
) -> None:
    repo, shas = jane_repo
    commits = json_of(run(repo.vault, "history", "jane", "--format", "json"))
    assert [c["commit"] for c in commits] == [
        shas["archive"],
        shas["move"],
        shas["done"],
        shas["job"],
        shas["add"],
    ]
    assert [c["date"] for c in commits] == [
        "2026-05-01",
        "2026-04-01",
        "2026-03-01",
        "2026-02-15",
        "2026-01-10",
    ]
    assert {c["author"] for c in commits} == {"Test Person"}
    assert commits[0]["subject"] == "set: Jane Doe archived"
    assert list(commits[0]) == ["commit", "date", "author", "subject", "path", "changes"]
    # the path at each commit: the note was renamed on 2026-04-01
    assert [c["path"] for c in commits] == ["contacts/work/Jane Doe.md"] * 2 + [
        "contacts/Jane Doe.md"
    ] * 3
    changes = [c["changes"] for c in commits]
    assert changes[0] == [{"kind": "archived"}]
    assert changes[1] == [
        {"kind": "renamed", "old": "contacts/Jane Doe.md", "new": "contacts/work/Jane Doe.md"}
    ]
    assert changes[2] == [
        {"kind": "follow_up_done", "text": "send the slides"},
        {"kind": "follow_up_added", "text": "ask about the CFP"},
    ]
    assert changes[3] == [
        {"kind": "field_changed", "field": "company", "old": "Foo GmbH", "new": "Bar AG"},
        {"kind": "interaction_added", "text": "2026-02-14 [lunch] Pasta Bar"},
    ]
    assert changes[4] == [{"kind": "created", "text": "Jane Doe"}]


def test_history_as_text(jane_repo: tuple[Repo, dict[str, str]]) -> None:
    repo, shas = jane_repo
    result = run(repo.vault, "history", "Jane Doe")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"2026-05-01  {shas['archive'][:7]}  set: Jane Doe archived  (Test Person)"
    assert lines[1] == "    archived"
    text = result.stdout
    assert "    renamed contacts/Jane Doe.md → contacts/work/Jane Doe.md\n" in text
    assert "    company: Foo GmbH → Bar AG\n    log: 2026-02-14 [lunch] Pasta Bar\n" in text
    assert "    done: send the slides\n    follow-up: ask about the CFP\n" in text
    assert text.endswith("add: Jane Doe  (Test Person)\n    note created\n")
    assert "Max" not in text


def test_history_since_a_date_or_a_span(jane_repo: tuple[Repo, dict[str, str]]) -> None:
    repo, _ = jane_repo
    commits = json_of(
        run(repo.vault, "history", "jane", "--since", "2026-03-01", "--format", "json")
    )
    assert [c["date"] for c in commits] == ["2026-05-01", "2026-04-01", "2026-03-01"]
    commits = json_of(
        run(
            repo.vault,
            "history",
            "jane",
            "--since",
            "2m",
            "--today",
            "2026-04-15",
            "--format",
            "json",
        )
    )
    assert [c["date"] for c in commits] == ["2026-05-01", "2026-04-01", "2026-03-01", "2026-02-15"]
    result = run(repo.vault, "history", "jane", "--since", "2027-01-01")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no commit touched contacts/work/Jane Doe.md since 2027-01-01" in result.stderr
    bad = run(repo.vault, "history", "jane", "--since", "lately")
    assert bad.exit_code == 2
    assert "neither a date (YYYY-MM-DD) nor a span" in bad.stderr


def test_history_patch_adds_each_commits_diff(jane_repo: tuple[Repo, dict[str, str]]) -> None:
    repo, shas = jane_repo
    commits = json_of(run(repo.vault, "history", "jane", "--patch", "--format", "json"))
    by_sha = {c["commit"]: c for c in commits}
    job = by_sha[shas["job"]]["patch"]
    assert "-company: Foo GmbH\n+company: Bar AG\n" in job
    assert "+- 2026-02-14 [lunch] Pasta Bar" in job
    assert "rename from contacts/Jane Doe.md" in by_sha[shas["move"]]["patch"]
    assert "new file mode" in by_sha[shas["add"]]["patch"]
    text = run(repo.vault, "history", "jane", "--patch").stdout
    assert "@@ " in text
    assert "-company: Foo GmbH\n+company: Bar AG\n" in text


def test_history_of_a_note_that_is_gone_by_its_path(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("contacts/Old Friend.md", note("company: Foo"))
    repo.commit("add", "2026-01-01")
    repo.write("contacts/Other.md", note("company: Bar"))
    repo.rm("contacts/Old Friend.md")
    repo.commit("remove", "2026-02-01")
    commits = json_of(run(repo.vault, "history", "contacts/Old Friend.md", "--format", "json"))
    assert [c["changes"] for c in commits] == [
        [{"kind": "deleted", "text": "Old Friend"}],
        [{"kind": "created", "text": "Old Friend"}],
    ]
    assert commits[0]["path"] == "contacts/Old Friend.md"
    missing = run(repo.vault, "history", "nobody")
    assert missing.exit_code == 1
    assert "no contact matches 'nobody'" in missing.stderr


def test_history_reports_unreadable_versions_and_goes_on(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("contacts/Jane Doe.md", note("company: Foo"))
    repo.commit("add", "2026-01-01")
    repo.write("contacts/Jane Doe.md", note("company: Foo\ncompany: Bar"))
    repo.commit("oops", "2026-01-02")
    repo.write("contacts/Jane Doe.md", note("company: Bar"))
    repo.commit("fix", "2026-01-03")
    commits = json_of(run(repo.vault, "history", "contacts/Jane Doe.md", "--format", "json"))
    assert [c["changes"][0]["kind"] for c in commits] == ["readable_again", "unreadable", "created"]
    assert "duplicate key" in commits[1]["changes"][0]["text"]
    assert commits[1]["changes"][0]["text"].startswith("line 3: ")
    text = run(repo.vault, "history", "jane").stdout
    assert "    unreadable: line 3: " in text
    assert "    readable again" in text
    # deleted while it could not be read
    repo.write("contacts/Jane Doe.md", "---\ncompany: [\n---\n")
    repo.write("contacts/Keep.md", note("company: Keep"))  # so that contacts/ stays
    repo.commit("broken again", "2026-01-04")
    repo.rm("contacts/Jane Doe.md")
    repo.commit("gone", "2026-01-05")
    commits = json_of(run(repo.vault, "history", "contacts/Jane Doe.md", "--format", "json"))
    assert commits[0]["changes"] == [{"kind": "deleted", "text": "Jane Doe"}]
    assert commits[1]["changes"][0]["kind"] == "unreadable"


def test_history_counts_days_in_the_authors_time_zone(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("contacts/Jane Doe.md", note("company: Foo"))
    repo.commit("add", "2026-06-30", at="23:30:00-10:00")  # 1 July, 09:30 UTC
    repo.write("contacts/Jane Doe.md", note("company: Bar"))
    repo.commit("move", "2026-07-01", at="00:30:00+14:00")  # 30 June, 10:30 UTC
    commits = json_of(run(repo.vault, "history", "jane", "--format", "json"))
    assert [c["date"] for c in commits] == ["2026-07-01", "2026-06-30"]
    since = json_of(run(repo.vault, "history", "jane", "--since", "2026-07-01", "--format", "json"))
    assert [c["subject"] for c in since] == ["move"]
    assert history.as_of(repo.vault, "contacts/Jane Doe.md", date(2026, 6, 30)).subject == "add"


def test_dates_are_author_dates(tmp_path: Path) -> None:
    """A rebased or amended commit keeps its author date; that is the date that counts."""
    repo = Repo(tmp_path / "repo")
    repo.write("contacts/Jane Doe.md", note("company: Foo"))
    repo.commit("add", "2026-04-01")
    repo.write("contacts/Jane Doe.md", note("company: Bar"))
    repo.commit("move", "2026-05-01", committed="2026-05-20")
    (commit,) = json_of(
        run(repo.vault, "history", "jane", "--since", "2026-05-01", "--format", "json")
    )
    assert commit["date"] == "2026-05-01"
    assert history.as_of(repo.vault, "contacts/Jane Doe.md", date(2026, 5, 10)).subject == "move"
    args = ("changes", "--since", "2026-05-01", "--today", "2026-05-10", "--format", "json")
    assert [j["new"] for j in json_of(run(repo.vault, *args))["job_changes"]] == ["Bar"]
    assert [n["date"] for n in news.news(repo.vault, date(2026, 5, 10), 30)] == ["2026-05-01"]


def test_history_lists_a_merge_that_combined_edits(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    base = (
        "## Log\n\n- 2026-01-01 met\n\n## Notes\n\nA few lines\nso that the edits\ndo not touch.\n"
    )
    repo.write("contacts/Jane Doe.md", note("company: Foo\nrole: Engineer", base))
    repo.commit("add", "2026-01-01")
    repo.git("checkout", "-q", "-b", "laptop")
    repo.write("contacts/Jane Doe.md", note("company: Foo\nrole: CTO", base))
    repo.commit("role on the laptop", "2026-01-02")
    repo.git("checkout", "-q", "main")
    logged = base.replace("- 2026-01-01 met\n", "- 2026-01-01 met\n- 2026-01-03 [call] call\n")
    repo.write("contacts/Jane Doe.md", note("company: Foo\nrole: Engineer", logged))
    repo.commit("log a call", "2026-01-03")
    repo.git("merge", "-q", "--no-edit", "laptop", when="2026-01-04T12:00:00+00:00")
    commits = json_of(run(repo.vault, "history", "jane", "--format", "json"))
    assert [c["subject"] for c in commits] == [
        "Merge branch 'laptop'",
        "log a call",
        "role on the laptop",
        "add",
    ]
    assert commits[0]["changes"] == [
        {"kind": "field_changed", "field": "role", "old": "Engineer", "new": "CTO"}
    ]
    assert "[merge]" in run(repo.vault, "history", "jane").stdout.splitlines()[0]
    merged = history.as_of(repo.vault, "contacts/Jane Doe.md", date(2026, 1, 4)).parse().contact
    assert merged is not None
    assert (merged.role, len(merged.interactions)) == ("CTO", 2)
    # the digest counts the call once, not again for the merge
    digest = json_of(
        run(
            repo.vault,
            "changes",
            "--since",
            "2026-01-02",
            "--today",
            "2026-01-05",
            "--format",
            "json",
        )
    )
    assert digest["interactions"][0]["count"] == 1
    assert digest["commits"] == 2


# --- show --as-of ---------------------------------------------------------------------------


def test_as_of_between_commits_and_on_their_days(jane_repo: tuple[Repo, dict[str, str]]) -> None:
    repo, shas = jane_repo
    session = Session(str(repo.vault))
    path = "contacts/work/Jane Doe.md"
    before = show_as_of(session.vault, session.config, path, date(2026, 2, 14))
    assert before["company"] == "Foo GmbH"
    assert before["as_of"] == {
        "date": "2026-02-14",
        "commit": shas["add"],
        "commit_date": "2026-01-10",
        "subject": "add: Jane Doe",
    }
    on_the_day = show_as_of(session.vault, session.config, path, date(2026, 2, 15))
    assert on_the_day["company"] == "Bar AG"
    assert on_the_day["as_of"]["commit"] == shas["job"]
    between = show_as_of(session.vault, session.config, path, date(2026, 3, 20))
    assert between["as_of"]["commit"] == shas["done"]
    assert between["path"] == "contacts/Jane Doe.md"  # where the note was then
    assert [f["done"] for f in between["follow_ups"]] == [True, False]
    assert between["archived"] is False
    # last contact and next due are those of that day
    assert between["last_contact"] == "2026-02-14"
    later = show_as_of(session.vault, session.config, path, date(2026, 6, 1))
    assert (later["path"], later["archived"]) == (path, True)
    session.close()


def test_as_of_has_the_shape_of_show_json(jane_repo: tuple[Repo, dict[str, str]]) -> None:
    repo, _ = jane_repo
    now = json_of(run(repo.vault, "show", "jane", "--format", "json"))
    del now["introductions"]  # show's own addition, not a field of the contact
    session = Session(str(repo.vault))
    then = show_as_of(session.vault, session.config, "contacts/work/Jane Doe.md", date(2026, 6, 1))
    session.close()
    assert list(then) == [*now, "as_of"]
    assert {k: v for k, v in then.items() if k != "as_of"} == now | {
        "last_contact": "2026-02-14",
        "next_due": "2026-05-14",  # the competence circle's default cadence, 3m
        "cadence": "3m",
    }


def test_as_of_as_text(jane_repo: tuple[Repo, dict[str, str]]) -> None:
    repo, shas = jane_repo
    session = Session(str(repo.vault))
    data = show_as_of(session.vault, session.config, "contacts/work/Jane Doe.md", date(2026, 2, 20))
    session.close()
    text = render_as_of(data)
    first, blank, name = text.splitlines()[:3]
    assert first == (
        f"As of 2026-02-20: recorded in {shas['job'][:7]} of 2026-02-15 (set: Jane Doe company)"
    )
    assert (blank, name) == ("", "Jane Doe")
    assert "company:      Bar AG" in text
    assert "2026-02-14 (6 days ago)" in text  # counted from the as-of date


def test_as_of_before_the_first_commit_says_so(jane_repo: tuple[Repo, dict[str, str]]) -> None:
    repo, shas = jane_repo
    session = Session(str(repo.vault))
    with pytest.raises(NetzmdError) as caught:
        show_as_of(session.vault, session.config, "contacts/work/Jane Doe.md", date(2026, 1, 9))
    session.close()
    assert caught.value.message == (
        "contacts/work/Jane Doe.md did not exist yet on 2026-01-09: its first commit is "
        f"{shas['add'][:7]} of 2026-01-10 (add: Jane Doe)"
    )
    assert caught.value.hint == "Try --as-of 2026-01-10 or later."


def test_as_of_a_deleted_or_uncommitted_note(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("contacts/Old Friend.md", note("company: Foo"))
    repo.commit("add", "2026-01-01")
    repo.rm("contacts/Old Friend.md")
    repo.commit("remove", "2026-02-01")
    assert history.as_of(repo.vault, "contacts/Old Friend.md", date(2026, 1, 15)).data.startswith(
        b"---\ncompany: Foo"
    )
    with pytest.raises(NetzmdError, match=r"did not exist on 2026-03-01: it was deleted on "):
        history.as_of(repo.vault, "contacts/Old Friend.md", date(2026, 3, 1))
    repo.write("contacts/New.md", note("company: Bar"))
    with pytest.raises(NetzmdError, match=r"contacts/New.md has no history: no commit holds it"):
        history.as_of(repo.vault, "contacts/New.md", date(2026, 3, 1))


def test_as_of_a_version_that_cannot_be_read(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("contacts/Jane Doe.md", note("company: Foo\ncompany: Bar"))
    repo.commit("broken", "2026-01-01")
    session = Session(str(repo.vault))
    with pytest.raises(NetzmdError, match=r"cannot be read: line 3: .*duplicate key"):
        show_as_of(session.vault, session.config, "contacts/Jane Doe.md", date(2026, 1, 2))
    session.close()


# --- a vault inside a larger repository, names with spaces and non-ASCII ------------------------


@pytest.fixture
def nested(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "big repo", "notes/Mein Netzwerk")
    (repo.top / "README.md").write_text("top\n", encoding="utf-8")
    repo.write("contacts/Zoë Müller.md", note("name: Zoë Müller\ncircle: career\ncompany: Foo"))
    repo.write('contacts/Ana "Flor" Lima 🌻.md', note("circle: competence\nrole: Designer"))
    repo.commit("start", "2026-03-01")
    (repo.top / "README.md").write_text("changed\n", encoding="utf-8")
    repo.write("contacts/Zoë Müller.md", note("name: Zoë Müller\ncircle: career\ncompany: Bär AG"))
    other = repo.top / "elsewhere" / "contacts" / "Zoë Müller.md"  # not this vault's
    other.parent.mkdir(parents=True)
    other.write_text(note("company: Elsewhere"), encoding="utf-8")
    repo.write(".hidden/contacts/x.md", note("company: Hidden"))
    repo.write("contacts/.trash/Gone.md", note("company: Trash"))
    repo.commit("zoë moved", "2026-03-10")
    repo.mv('contacts/Ana "Flor" Lima 🌻.md', "contacts/Freunde/Ana Lima 🌻.md")
    repo.write(
        "contacts/Freunde/Ana Lima 🌻.md",
        note("circle: competence\nrole: Designer", "- 2026-03-12 [call] Café"),
    )
    repo.commit("Ana: umbenannt", "2026-03-12")
    return repo


def test_history_of_a_vault_in_a_subfolder(nested: Repo) -> None:
    commits = json_of(run(nested.vault, "history", "zoe", "--format", "json"))
    assert [c["subject"] for c in commits] == ["zoë moved", "start"]
    assert commits[0]["path"] == "contacts/Zoë Müller.md"
    assert commits[0]["changes"] == [
        {"kind": "field_changed", "field": "company", "old": "Foo", "new": "Bär AG"}
    ]
    ana = json_of(run(nested.vault, "history", "ana", "--format", "json", "--patch"))
    assert [c["path"] for c in ana] == [
        "contacts/Freunde/Ana Lima 🌻.md",
        'contacts/Ana "Flor" Lima 🌻.md',
    ]
    assert ana[0]["changes"][0] == {
        "kind": "renamed",
        "old": 'contacts/Ana "Flor" Lima 🌻.md',
        "new": "contacts/Freunde/Ana Lima 🌻.md",
    }
    assert "+- 2026-03-12 [call] Café" in ana[0]["patch"]


def test_as_of_in_a_subfolder_vault(nested: Repo) -> None:
    session = Session(str(nested.vault))
    then = show_as_of(
        session.vault, session.config, "contacts/Freunde/Ana Lima 🌻.md", date(2026, 3, 11)
    )
    session.close()
    assert then["id"] == 'Ana "Flor" Lima 🌻'
    assert then["path"] == 'contacts/Ana "Flor" Lima 🌻.md'


def test_changes_in_a_subfolder_vault_see_only_its_notes(nested: Repo) -> None:
    digest = json_of(
        run(
            nested.vault,
            "changes",
            "--since",
            "2026-03-01",
            "--today",
            "2026-03-31",
            "--format",
            "json",
        )
    )
    assert [c["path"] for c in digest["new_contacts"]] == [
        "contacts/Freunde/Ana Lima 🌻.md",
        "contacts/Zoë Müller.md",
    ]
    assert [(j["name"], j["old"], j["new"]) for j in digest["job_changes"]] == [
        ("Zoë Müller", "Foo", "Bär AG")
    ]
    assert digest["interactions"] == [
        {
            "circle": "competence",
            "count": 1,
            "contacts": [
                {
                    "id": "Ana Lima 🌻",
                    "name": "Ana Lima 🌻",
                    "path": "contacts/Freunde/Ana Lima 🌻.md",
                    "count": 1,
                }
            ],
        }
    ]
    assert digest["commits"] == 3


def test_news_in_a_subfolder_vault(nested: Repo) -> None:
    items = news.news(nested.vault, date(2026, 3, 22), 30)
    assert items == [
        {
            "id": "Zoë Müller",
            "name": "Zoë Müller",
            "field": "company",
            "old": "Foo",
            "new": "Bär AG",
            "date": "2026-03-10",
            "in_days": -12,
            "path": "contacts/Zoë Müller.md",
        }
    ]


# --- outside git, and a repository without commits ------------------------------------------


def test_outside_a_git_repository(tmp_path: Path) -> None:
    vault = tmp_path / "plain"
    (vault / "contacts").mkdir(parents=True)
    (vault / "contacts" / "Jane Doe.md").write_text(note("company: Foo"), encoding="utf-8")
    for args in (["history", "jane"], ["changes"], ["changes", "--format", "json"]):
        result = run(vault, *args)
        assert result.exit_code == 1, args
        assert result.stdout == ""
        assert f"netzmd: error: {vault} is not in a git repository" in result.stderr
        assert "git init" in result.stderr
    assert news.news(vault, date(2026, 1, 1), 30) == []
    session = Session(str(vault))
    with pytest.raises(NetzmdError, match="is not in a git repository"):
        show_as_of(session.vault, session.config, "contacts/Jane Doe.md", date(2026, 1, 1))
    session.close()


def test_without_git_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("contacts/Jane Doe.md", note("company: Foo"))
    repo.commit("add", "2026-01-01")
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = run(repo.vault, "changes")
    assert result.exit_code == 1
    assert "netzmd: error: git is not installed" in result.stderr
    assert news.news(repo.vault, date(2026, 1, 2), 30) == []


def test_a_repository_without_commits(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("contacts/Jane Doe.md", note("company: Foo"))
    result = run(repo.vault, "history", "jane")
    assert result.exit_code == 0
    assert "no commit touched contacts/Jane Doe.md" in result.stderr
    assert json_of(run(repo.vault, "history", "jane", "--format", "json")) == []
    digest = json_of(run(repo.vault, "changes", "--format", "json"))
    assert digest["commits"] == 0
    assert "Nothing changed in the network" in run(repo.vault, "changes").stdout
    assert news.news(repo.vault, date(2026, 1, 1), 30) == []
    with pytest.raises(NetzmdError, match="no commit holds it yet"):
        history.as_of(repo.vault, "contacts/Jane Doe.md", date(2026, 1, 1))


# --- changes ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """A small network with a month of commits; the digest's window is 2026-11-20 … 27."""
    repo = Repo(tmp_path_factory.mktemp("network") / "repo")
    repo.write("contacts/Jane Doe.md", jane())
    repo.write("contacts/Max Mustermann.md", note("circle: career\ncompany: Foo\nrole: Dev"))
    repo.write("contacts/Old Friend.md", note("circle: competence"))
    repo.write("contacts/Gone.md", note("name: Gone Person\ncompany: Gone Inc"))
    repo.commit("start", "2026-10-01")
    repo.write("contacts/Max Mustermann.md", note("circle: career\ncompany: Baz\nrole: Dev"))
    repo.commit("max before the window", "2026-11-19")
    # in the window
    repo.write("contacts/Kim Lee.md", note("name: Kim Lee\ncircle: publication"))
    repo.write("README.md", "not a note\n")
    repo.write("contacts/notes.txt", "not a note either\n")
    repo.commit("add: Kim Lee", "2026-11-20")
    repo.write("contacts/Jane Doe.md", jane("Bar AG", body=JANE_BODY + "\n- 2026-11-21 [lunch] a"))
    repo.commit("jane: job and lunch", "2026-11-21")
    repo.write(
        "contacts/Max Mustermann.md",
        note("circle: career\ncompany: Qux\nrole: CTO", "- 2026-11-22 call"),
    )
    repo.commit("max: twice", "2026-11-22")
    repo.write(
        "contacts/Max Mustermann.md",
        note("circle: career\ncompany: Quux\nrole: CTO", "- 2026-11-22 call"),
    )
    repo.commit("max: typo", "2026-11-23")
    done = JANE_BODY.replace("- [ ]", "- [x]") + "\n- 2026-11-21 [lunch] a\n- 2026-11-24 b"
    repo.write("contacts/Jane Doe.md", jane("Bar AG", body=done))
    repo.commit("jane: done and call", "2026-11-24")
    repo.write("contacts/Old Friend.md", note("circle: competence\narchived: true"))
    repo.rm("contacts/Gone.md")
    repo.commit("tidy", "2026-11-25")
    repo.write("contacts/Jane Doe.md", jane("Later GmbH", body=done))
    repo.commit("after the window", "2026-11-28")
    return repo


def test_changes_digest(network: Repo) -> None:
    digest = json_of(
        run(network.vault, "changes", "--since", "7d", "--today", "2026-11-27", "--format", "json")
    )
    assert (digest["since"], digest["until"], digest["commits"]) == ("2026-11-20", "2026-11-27", 6)
    assert [(c["name"], c["date"]) for c in digest["new_contacts"]] == [("Kim Lee", "2026-11-20")]
    assert list(digest["new_contacts"][0]) == ["id", "name", "path", "date", "commit"]
    jobs = [(j["name"], j["field"], j["old"], j["new"], j["date"]) for j in digest["job_changes"]]
    assert jobs == [
        ("Jane Doe", "company", "Foo GmbH", "Bar AG", "2026-11-21"),
        ("Max Mustermann", "role", "Dev", "CTO", "2026-11-22"),
        (
            "Max Mustermann",
            "company",
            "Baz",
            "Quux",
            "2026-11-23",
        ),  # before the first, after the last
    ]
    assert [
        (g["circle"], g["count"], [c["name"] for c in g["contacts"]])
        for g in digest["interactions"]
    ] == [
        ("career", 1, ["Max Mustermann"]),
        ("competence", 2, ["Jane Doe"]),
    ]
    assert [(f["name"], f["text"]) for f in digest["follow_ups_done"]] == [
        ("Jane Doe", "send the slides")
    ]
    assert [(a["name"], a["date"]) for a in digest["archived"]] == [("Old Friend", "2026-11-25")]
    assert [(d["name"], d["path"]) for d in digest["deleted"]] == [
        ("Gone Person", "contacts/Gone.md")
    ]
    assert digest["history_cut_off"] is None  # a full repository


def test_changes_window_edges(network: Repo) -> None:
    one_day = json_of(
        run(
            network.vault,
            "changes",
            "--since",
            "2026-11-25",
            "--today",
            "2026-11-25",
            "--format",
            "json",
        )
    )
    assert one_day["commits"] == 1
    assert one_day["new_contacts"] == one_day["job_changes"] == []
    later = json_of(
        run(
            network.vault,
            "changes",
            "--since",
            "2026-11-26",
            "--today",
            "2026-11-30",
            "--format",
            "json",
        )
    )
    assert [j["new"] for j in later["job_changes"]] == ["Later GmbH"]
    future = run(network.vault, "changes", "--since", "2026-12-01", "--today", "2026-11-30")
    assert future.exit_code == 2
    assert "is after today" in future.stderr


def test_changes_as_text_and_markdown(network: Repo) -> None:
    text = run(network.vault, "changes", "--since", "7d", "--today", "2026-11-27").stdout
    assert text.startswith("Changes 2026-11-20 – 2026-11-27  (6 commits)\n\nNew contacts (1)\n")
    assert "  2026-11-20  Kim Lee\n" in text
    assert "Job changes (3)\n  2026-11-21  Jane Doe: company Foo GmbH → Bar AG\n" in text
    assert (
        "Interactions logged (3)\n  career          1  Max Mustermann 1\n"
        "  competence      2  Jane Doe 2\n" in text
    )
    assert "Follow-ups done (1)\n  2026-11-24  Jane Doe: send the slides\n" in text
    assert "Archived (1)\n  2026-11-25  Old Friend\n" in text
    assert "Deleted (1)\n  2026-11-25  Gone Person\n" in text
    md = run(
        network.vault, "changes", "--since", "7d", "--today", "2026-11-27", "--format", "md"
    ).stdout
    assert md.startswith(
        "# Changes 2026-11-20 – 2026-11-27\n\n## New contacts\n\n- [[Kim Lee]] (2026-11-20)\n"
    )
    assert "- [[Jane Doe]]: company Foo GmbH → Bar AG (2026-11-21)\n" in md
    assert "- competence: 2 — [[Jane Doe]] 2\n" in md
    assert "## Deleted\n\n- Gone Person (2026-11-25)" in md  # no link: the note is gone


def test_since_spans() -> None:
    today = date(2026, 3, 31)
    assert since_date("7d", today) == date(2026, 3, 24)
    assert since_date("2w", today) == date(2026, 3, 17)
    assert since_date("1m", today) == date(2026, 2, 28)
    assert since_date("1y", today) == date(2025, 3, 31)
    assert since_date("2026-01-05", today) == date(2026, 1, 5)
    for bad in ("monthly", "soon", "2026-02-30"):
        with pytest.raises(UsageError):
            since_date(bad, today)


# --- news -------------------------------------------------------------------------------------


def test_news_job_changes_in_the_window(network: Repo) -> None:
    items = news.news(network.vault, date(2026, 11, 27), 30)
    assert [
        (n["name"], n["field"], n["old"], n["new"], n["date"], n["in_days"]) for n in items
    ] == [
        ("Max Mustermann", "company", "Foo", "Quux", "2026-11-23", -4),
        ("Max Mustermann", "role", "Dev", "CTO", "2026-11-22", -5),
        ("Jane Doe", "company", "Foo GmbH", "Bar AG", "2026-11-21", -6),
    ]
    assert list(items[0]) == ["id", "name", "field", "old", "new", "date", "in_days", "path"]
    # a shorter window starts after Max's first company change
    short = news.news(network.vault, date(2026, 11, 27), 4)
    assert [(n["name"], n["field"], n["old"], n["new"]) for n in short] == [
        ("Max Mustermann", "company", "Qux", "Quux")
    ]
    # commits after today are not news yet; the window ends today
    assert [n["new"] for n in news.news(network.vault, date(2026, 11, 21), 0)] == ["Bar AG"]
    assert news.news(network.vault, date(2026, 11, 20), 0) == []


def test_news_leaves_out_what_is_not_on_the_agenda(network: Repo) -> None:
    people = {
        "contacts/Jane Doe.md": {"id": "Jane Doe", "name": "Jane"},
    }
    items = news.news(network.vault, date(2026, 11, 27), 30, people)
    assert [(n["name"], n["new"]) for n in items] == [("Jane", "Bar AG")]


def test_news_rules(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("contacts/Jane Doe.md", note("company: Foo\nrole: Dev"))
    repo.write("contacts/Max.md", note("role: Dev"))
    repo.write("contacts/Archie.md", note("company: Foo"))
    repo.write("contacts/Del.md", note("company: Foo"))
    repo.write("contacts/Back.md", note("company: Foo"))
    repo.write("contacts/Crlf.md", "\ufeff---\r\ncompany: Foo\r\n---\r\n\r\nbody\r\n")
    repo.commit("start", "2026-01-01")
    repo.write("contacts/Jane Doe.md", note("company: Bar\nrole: Dev"))
    repo.write("contacts/Max.md", note("role: Dev\ncompany: Newly Known"))  # added: not news
    repo.write("contacts/Archie.md", note("company: Bar"))
    repo.write("contacts/Del.md", note("company: Bar"))
    repo.write("contacts/Back.md", note("company: Bar"))
    repo.write("contacts/Crlf.md", "\ufeff---\r\ncompany: Bar\r\n---\r\n\r\nbody\r\n")
    repo.commit("jobs", "2026-03-01")
    repo.write("contacts/Archie.md", note("company: Bar\narchived: true"))
    repo.rm("contacts/Del.md")
    repo.write("contacts/Back.md", note("company: Foo"))  # there and back: no news
    repo.mv("contacts/Jane Doe.md", "contacts/work/Jane D.md")
    repo.write("contacts/work/Jane D.md", note("name: Jane D.\ncompany: Bar\nrole: Dev"))
    repo.commit("later", "2026-03-05")
    items = news.news(repo.vault, date(2026, 3, 13), 30)
    assert [(n["id"], n["name"], n["path"], n["old"], n["new"], n["in_days"]) for n in items] == [
        ("Crlf", "Crlf", "contacts/Crlf.md", "Foo", "Bar", -12),
        ("Jane D", "Jane D.", "contacts/work/Jane D.md", "Foo", "Bar", -12),
    ]
    # a window that starts after 1 March sees only Back's move back
    later = news.news(repo.vault, date(2026, 4, 1), 30)
    assert [(n["id"], n["old"], n["new"]) for n in later] == [("Back", "Bar", "Foo")]
    assert news.news(repo.vault, date(2026, 4, 5), 30) == []


def test_news_cache_follows_new_commits_and_rewritten_history(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("contacts/Jane Doe.md", note("company: Foo"))
    repo.commit("start", "2026-01-01")
    repo.write("contacts/Jane Doe.md", note("company: Bar"))
    repo.commit("bar", "2026-01-10")
    today = date(2026, 1, 20)
    cache = repo.vault / ".netzmd" / news.NEWS_CACHE
    assert [n["new"] for n in news.news(repo.vault, today, 30)] == ["Bar"]
    stored = json.loads(cache.read_text("utf-8"))
    assert stored["head"] == repo.git("rev-parse", "HEAD").strip()
    # the cache is what is read: a planted record shows (so the second run did not use git)
    stored["records"][-1][5] = [["company", "Foo", "Planted"]]
    cache.write_text(json.dumps(stored), encoding="utf-8")
    assert [n["new"] for n in news.news(repo.vault, today, 30)] == ["Planted"]
    # a new commit is read on top of the cache
    repo.write("contacts/Jane Doe.md", note("company: Bar\nrole: Dev"))
    repo.commit("role learned", "2026-01-11")
    repo.write("contacts/Jane Doe.md", note("company: Baz\nrole: Dev"))
    repo.commit("baz", "2026-01-12")
    assert [n["new"] for n in news.news(repo.vault, today, 30)] == ["Baz"]
    # history rewritten: the cache's head is no ancestor any more, all is read again
    repo.git("reset", "-q", "--hard", "HEAD~3")
    repo.write("contacts/Jane Doe.md", note("company: Other"))
    repo.commit("other", "2026-01-15")
    assert [(n["old"], n["new"]) for n in news.news(repo.vault, today, 30)] == [("Foo", "Other")]
    # a wider window than the cache holds reads git again; a broken cache is no problem
    cache.write_text("{not json", encoding="utf-8")
    assert [n["new"] for n in news.news(repo.vault, today, 60)] == ["Other"]


# --- git output parsing -------------------------------------------------------------------------


def test_parse_log_of_odd_file_names(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    odd = "contacts/Tab\there new\nline ü.md"
    repo.write(odd, note("company: Foo"))
    repo.commit("odd", "2026-01-01")
    repo.write(odd, note("company: Bar"))
    repo.commit("odd 2", "2026-01-02")
    commits = history.note_history(repo.vault, odd)
    assert [c.path for c in commits] == [odd, odd]
    assert commits[0].changes[0].to_json() == {
        "kind": "field_changed",
        "field": "company",
        "old": "Foo",
        "new": "Bar",
    }
    assert news.news(repo.vault, date(2026, 1, 3), 30)[0]["path"] == odd


def test_agenda_has_news_of_job_changes_in_every_format(network: Repo) -> None:
    data = json_of(run(network.vault, "agenda", "--today", "2026-11-27", "--format", "json"))
    assert [(n["name"], n["field"], n["old"], n["new"], n["in_days"]) for n in data["news"]] == [
        ("Max Mustermann", "company", "Foo", "Quux", -4),
        ("Max Mustermann", "role", "Dev", "CTO", -5),
        ("Jane Doe", "company", "Foo GmbH", "Bar AG", -6),
    ]
    text = run(network.vault, "agenda", "--today", "2026-11-27").output
    assert "Jane Doe moved from Foo GmbH to Bar AG" in text
    assert "Max Mustermann is now CTO (was Dev)" in text
    note_text = run(network.vault, "agenda", "--today", "2026-11-27", "--format", "md").output
    assert "## News" in note_text
    assert "[[Jane Doe]] moved from Foo GmbH to Bar AG (6 days ago) — congratulate" in note_text
    # --circle narrows News like every other section
    career = json_of(
        run(network.vault, "agenda", "--today", "2026-11-27", "--format", "json", "--circle",
            "career")
    )  # fmt: skip
    assert {n["name"] for n in career["news"]} == {"Max Mustermann"}


def test_agenda_outside_git_has_no_news(tmp_path: Path) -> None:
    (tmp_path / "contacts").mkdir()
    (tmp_path / "contacts" / "Jane Doe.md").write_text(note("company: Foo"), encoding="utf-8")
    assert json_of(run(tmp_path, "agenda", "--format", "json"))["news"] == []


def test_head_blobs_reads_many_notes_with_two_git_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What ``watch --commit`` compares with: the committed version of each file, however it
    is named, for a vault inside a larger repository; files not in HEAD are left out."""
    repo = Repo(tmp_path / "top", vault="notes/network")
    assert history.head_blobs(repo.vault, ["contacts/A.md"]) == {}  # no commit yet
    odd = ["contacts/Zoë Müller.md", "contacts/a b/c*d.md", "contacts/:x [y].md"]
    many = [f"contacts/p/{i:04d}.md" for i in range(1100)]  # more than one ls-tree chunk
    for rel in odd + many:
        repo.write(rel, f"{rel}\n")
    repo.commit("start", "2026-11-01")
    repo.write("contacts/Zoë Müller.md", "changed on disk\n")
    repo.write("contacts/New.md", "not committed\n")
    runs: list[tuple[str, ...]] = []
    real = history.Repo.run

    def spy(self: history.Repo, *args: str, input: bytes | None = None) -> bytes:
        runs.append(args)
        return real(self, *args, input=input)

    monkeypatch.setattr(history.Repo, "run", spy)
    found = history.head_blobs(repo.vault, [*odd, *many, "contacts/New.md", "contacts/p"])
    assert found == {rel: f"{rel}\n".encode() for rel in odd + many}
    assert [a[0] for a in runs] == ["ls-tree", "ls-tree", "ls-tree", "cat-file"]


# --- a shallow clone ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shallow(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, Path, dict[str, str]]:
    """Four commits, and a clone of the last two (``git clone --depth 2``): its history begins
    with the commit of 2026-03-01, which git shows as if it created every note."""
    repo = Repo(tmp_path_factory.mktemp("full") / "repo")
    shas: dict[str, str] = {}
    repo.write("contacts/Jane Doe.md", jane())
    shas["jane"] = repo.commit("add: Jane Doe", "2026-01-10")
    repo.write("contacts/Max Mustermann.md", note("name: Max Mustermann\ncompany: Acme"))
    shas["max"] = repo.commit("add: Max Mustermann", "2026-02-15")
    repo.write("contacts/Max Mustermann.md", note("name: Max Mustermann\ncompany: Quux"))
    shas["cut"] = repo.commit("set: Max Mustermann company", "2026-03-01")
    body = JANE_BODY.replace("first coffee\n", "first coffee\n- 2026-03-10 [lunch] Pasta Bar\n")
    repo.write("contacts/Jane Doe.md", jane(body=body))
    shas["lunch"] = repo.commit("log: lunch with Jane Doe", "2026-03-10")
    clone = repo.top.parent / "clone"
    done = subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{repo.top}", str(clone)],
        env=repo.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (clone / ".git" / "shallow").read_text().split() == [shas["cut"]]
    return repo, clone, shas


def test_history_in_a_shallow_clone_says_where_it_is_cut_off(
    shallow: tuple[Repo, Path, dict[str, str]],
) -> None:
    full, clone, shas = shallow
    commits = json_of(run(clone, "history", "jane", "--format", "json"))
    assert [(c["commit"], c["date"]) for c in commits] == [
        (shas["lunch"], "2026-03-10"),
        (shas["cut"], "2026-03-01"),  # Jane is not in that commit's change; git lists her
    ]
    assert commits[1]["changes"] == [{"kind": "history_cut_off", "text": history.CUT_OFF}]
    text = run(clone, "history", "jane").stdout
    assert "note created" not in text
    assert text.endswith(
        "    history cut off here: a shallow clone: the commits before this one are not in this "
        "repository; 'git fetch --unshallow' fetches them\n"
    )
    # the full repository has the whole story
    whole = json_of(run(full.vault, "history", "jane", "--format", "json"))
    assert [c["commit"] for c in whole] == [shas["lunch"], shas["jane"]]
    assert whole[-1]["changes"] == [{"kind": "created", "text": "Jane Doe"}]
    as_of = run(clone, "show", "jane", "--as-of", "2026-02-20")
    assert as_of.exit_code == 1
    assert (
        "the history of contacts/Jane Doe.md is cut off on 2026-03-01, before 2026-02-20: this "
        "is a shallow clone" in as_of.stderr
    )
    assert "did not exist yet" not in as_of.stderr


def test_changes_in_a_shallow_clone_say_where_history_is_cut_off(
    shallow: tuple[Repo, Path, dict[str, str]],
) -> None:
    full, clone, shas = shallow
    window = ("--since", "2026-02-01", "--today", "2026-03-31")
    digest = json_of(run(clone, "changes", *window, "--format", "json"))
    assert digest["history_cut_off"] == {"date": "2026-03-01", "commit": shas["cut"]}
    assert digest["new_contacts"] == []  # not Jane and Max "created" on 2026-03-01
    assert digest["job_changes"] == []  # what Max's company was before is not in the clone
    assert [g["count"] for g in digest["interactions"]] == [1]  # Jane's lunch
    text = run(clone, "changes", *window).stdout
    cut = (
        f"history is cut off on 2026-03-01 (a shallow clone): changes before {shas['cut'][:7]} "
        "are not in this repository; 'git fetch --unshallow' fetches them"
    )
    assert text.splitlines()[2] == cut
    assert "New contacts" not in text
    markdown = run(clone, "changes", *window, "--format", "md").stdout
    assert markdown.splitlines()[2] == f"> {cut}"
    # a window that begins after the cut is whole
    later = json_of(run(clone, "changes", "--since", "2026-03-02", "--today", "2026-03-31",
                        "--format", "json"))  # fmt: skip
    assert later["history_cut_off"] is None
    assert "cut off" not in run(clone, "changes", "--since", "2026-03-02", "--today",
                                "2026-03-31").stdout  # fmt: skip
    # the full repository: two new contacts, Max's job change, nothing cut off
    whole = json_of(run(full.vault, "changes", *window, "--format", "json"))
    assert whole["history_cut_off"] is None
    assert [c["name"] for c in whole["new_contacts"]] == ["Max Mustermann"]
    assert [(j["old"], j["new"]) for j in whole["job_changes"]] == [("Acme", "Quux")]
    assert news.news(clone, date(2026, 3, 31), 60) == []  # no job change from nowhere
