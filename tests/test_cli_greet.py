"""``netzmd greet`` end to end (issue 14): golden drafts in German and English (du and Sie, with
and without a job change from git, with and without a last interaction), re-running keeps every
edit, ``--sync`` logs exactly the ticked people once in one commit, and the agenda names the
campaign note with its progress."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeVault, Run, git_environment, json_of, no_traceback, note, write_notes

GOLDEN = Path(__file__).parent / "golden" / "greetings"
TODAY = "2026-12-01"

CONFIG = """\
news_days = 30

[[occasions]]
name = "Christmas"
date = "12-24"
circles = ["competence"]

[[occasions]]
name = "New Year"
date = "01-01"
lead_days = 10
circles = ["competence"]

[[occasions]]
name = "Mărțișor"
date = "03-01"
tags = ["romania"]

[[occasions]]
name = "Diwali"
date = ["2025-10-20", "2027-10-29"]
tags = ["diwali"]
"""

# Each person's note as it was first committed (2026-01-10); the job changes come later.
NOTES = {
    # German, du, a job change (company), a last interaction this year, kids, a follow-up
    "contacts/Anna Schmidt.md": note(
        "lang: de\naddress: du\ncircle: competence\ncompany: Foo GmbH\nrole: Data Engineer\n"
        "met: 2019-05-03\nkids: [Mia, Ben]",
        "## Log\n\n- 2026-09-12 [lunch] Pasta Bar, talked about the migration\n\n"
        "## Follow-ups\n\n- [ ] send her the Terraform module 📅 2026-12-10",
    ),
    # German, Sie by default, a title in the name: nothing known
    "contacts/Helga Brandstätter.md": note(
        "name: Dr. Helga Brandstätter\nlang: de\ncircle: competence\ncompany: Alpenbahn AG"
    ),
    # German, Sie with a salutation of its own, a job change (role), an old interaction
    "contacts/Jürgen Weiß.md": note(
        "lang: de-AT\naddress: Sie\nsalutation: Lieber Herr Weiß\ncircle: competence\n"
        "company: Kranich Software GmbH\nrole: Engineer",
        "## Log\n\n- 2024-05-02 [call] architecture review",
    ),
    # English by default, du, a job change (company), a coffee this year, a birthday
    "contacts/Sophie Wagner.md": note(
        "address: du\ncircle: competence\ncompany: Zeta Labs\nbirthday: 1986-12-05\n"
        "met: at PyCon 2022",
        "## Log\n\n- 2026-11-20 [coffee] Kaffee at the Hauptbahnhof\n"
        "- 2025-12-20 [greeting] Christmas 2025 greeting",
    ),
    # English, formal, nothing known; a birthday without a year
    "contacts/Tom Baker.md": note("lang: en\ncircle: competence\nbirthday: --12-10"),
    # English, formal, an interaction last year, known since a year in met
    "contacts/Ingrid Solberg.md": note(
        "lang: en\ncircle: competence\ncompany: Nordlicht\nmet: NDC Oslo 2021",
        "## Log\n\n- 2025-06-01 [call] Midsummer plans\n"
        "- 2025-12-22 [greeting] Christmas 2025 greeting",  # not the last interaction
    ),
    "contacts/Olaf Archived.md": note("circle: competence\narchived: true"),
    "contacts/Paula Publication.md": note("circle: publication"),
}


def git(root: Path, *args: str, day: str | None = None) -> str:
    env = dict(os.environ)
    if day is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day}T12:00:00+00:00"
    done = subprocess.run(
        ["git", "-c", "core.quotepath=off", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def change(root: Path, rel: str, old: str, new: str, day: str) -> None:
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    git(root, "commit", "-q", "-am", f"{rel}: {old} → {new}", day=day)


@pytest.fixture
def vault(tmp_path: Path, git_env: Path) -> Path:
    """The network in git: first committed on 2026-01-10, then Jürgen's new role (2026-03-01),
    Anna's new company (2026-06-15) and Sophie's (2026-11-20: on the agenda's News)."""
    root = tmp_path / "vault"
    root.mkdir()
    write_notes(root, {**NOTES, "netzmd.toml": CONFIG, ".gitignore": ".netzmd/\n"})
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.com")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "start", day="2026-01-10")
    change(root, "contacts/Jürgen Weiß.md", "role: Engineer", "role: CTO", "2026-03-01")
    change(root, "contacts/Anna Schmidt.md", "Foo GmbH", "Bar AG", "2026-06-15")
    change(root, "contacts/Sophie Wagner.md", "Zeta Labs", "Omega Data", "2026-11-20")
    return root


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("NETZMD_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} differs; rerun with NETZMD_UPDATE_GOLDEN=1 to accept the new output"
    )


def commits(root: Path) -> int:
    return int(git(root, "rev-list", "--count", "HEAD"))


def last_commit(root: Path) -> tuple[str, list[str]]:
    message = git(root, "log", "-1", "--format=%B").strip()
    files = git(root, "show", "--name-status", "--format=", "HEAD").splitlines()
    return message, files


def read(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def greet(run: Run, root: Path, *args: str) -> Any:
    return json_of(run(root, "greet", *args, "--today", TODAY, "--format", "json"))


# --- golden drafts ------------------------------------------------------------------------------


def test_christmas_drafts(run: Run, vault: Path) -> None:
    done = greet(run, vault, "christmas")
    rel = "Greetings/Christmas 2026.md"
    assert done == {
        "path": rel,
        "occasion": "Christmas",
        "year": 2026,
        "date": "2026-12-24",
        "created": True,
        "added": [
            {
                "id": "Anna Schmidt",
                "name": "Anna Schmidt",
                "lang": "de",
                "template": "greetings/christmas.de.md.j2",
            },
            {
                "id": "Helga Brandstätter",
                "name": "Dr. Helga Brandstätter",
                "lang": "de",
                "template": "greetings/christmas.de.md.j2",
            },
            {
                "id": "Ingrid Solberg",
                "name": "Ingrid Solberg",
                "lang": "en",
                "template": "greetings/christmas.en.md.j2",
            },
            {
                "id": "Jürgen Weiß",
                "name": "Jürgen Weiß",
                "lang": "de",
                "template": "greetings/christmas.de.md.j2",
            },
            {
                "id": "Sophie Wagner",
                "name": "Sophie Wagner",
                "lang": "en",
                "template": "greetings/christmas.en.md.j2",
            },
            {
                "id": "Tom Baker",
                "name": "Tom Baker",
                "lang": "en",
                "template": "greetings/christmas.en.md.j2",
            },
        ],
        "kept": 0,
        "total": 6,
        "commit": done["commit"],
        "dry_run": False,
    }
    assert done["commit"]
    golden("Christmas 2026.md", read(vault, rel))
    message, files = last_commit(vault)
    assert message == "greet: Christmas 2026: 6 drafts"
    assert files == [f"A\t{rel}"]


def test_new_year_in_december_is_for_the_coming_year_and_lang_applies(
    run: Run, vault: Path
) -> None:
    result = run(vault, "greet", "New Year", "--lang", "de", "--today", "2026-12-28")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "created Greetings/New Year 2027.md"
    assert "Greetings/New Year 2027.md: + Sophie Wagner (de)" in result.stdout  # --lang
    assert "Greetings/New Year 2027.md: + Tom Baker (en)" in result.stdout  # lang: en wins
    assert result.stdout.splitlines()[-1].startswith("committed ")
    golden("New Year 2027.md", read(vault, "Greetings/New Year 2027.md"))


def test_birthday_drafts(run: Run, vault: Path) -> None:
    done = greet(run, vault, "birthdays")
    assert done["path"] == "Greetings/Birthdays 2026.md"
    assert [a["name"] for a in done["added"]] == ["Sophie Wagner", "Tom Baker"]  # 12-05, 12-10
    golden("Birthdays 2026.md", read(vault, "Greetings/Birthdays 2026.md"))


def test_news_drafts(run: Run, vault: Path) -> None:
    done = greet(run, vault, "news")
    assert [a["name"] for a in done["added"]] == ["Sophie Wagner"]  # Anna's change is too old
    golden("News 2026.md", read(vault, "Greetings/News 2026.md"))


def test_an_occasion_without_its_own_template_uses_the_default(run: Run, vault: Path) -> None:
    (vault / "contacts/Ana Popescu.md").write_text(
        note("lang: de\naddress: du\ntags: [romania]"), encoding="utf-8"
    )
    done = greet(run, vault, "martisor")  # by its template name
    assert done["path"] == "Greetings/Mărțișor 2027.md"
    assert done["added"][0]["template"] == "greetings/default.de.md.j2"
    text = read(vault, "Greetings/Mărțișor 2027.md")
    assert text.endswith(
        "## Ana Popescu\n\n- [ ] [[Ana Popescu]]\n\nHallo Ana,\n\n"
        "zu Mărțișor sende ich dir herzliche Grüße!\n\nLiebe Grüße\n"
    )
    assert "{{" not in text and "None" not in text


def test_no_empty_placeholders_in_any_draft(run: Run, vault: Path) -> None:
    for occasion in ("christmas", "birthdays", "news"):
        greet(run, vault, occasion)
    greet(run, vault, "new year", "--lang", "de")
    for path in (vault / "Greetings").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        for empty in ("None", "{{", "}}", "()", " ,", " .", "  ", "[]", ": ·", "· ·"):
            assert empty not in text, (path.name, empty)


def test_the_vaults_template_comes_first(run: Run, vault: Path) -> None:
    mine = vault / "templates/greetings/christmas.en.md.j2"
    mine.parent.mkdir(parents=True)
    mine.write_text(
        "{{ salutation }} {{ fields.get('kids', []) | length }} {{ company or 'nowhere' }}\n",
        encoding="utf-8",
    )
    greet(run, vault, "christmas")
    text = read(vault, "Greetings/Christmas 2026.md")
    assert "- [ ] [[Tom Baker]]\n\nDear Tom, 0 nowhere\n" in text
    assert "Hallo Anna,\n\nich wünsche dir frohe Weihnachten" in text  # German: built-in


def test_a_template_error_names_the_template(run: Run, vault: Path) -> None:
    mine = vault / "templates/greetings/christmas.en.md.j2"
    mine.parent.mkdir(parents=True)
    mine.write_text("Dear {{ name }},\n{{ nickname }}\n", encoding="utf-8")
    result = run(vault, "greet", "christmas", "--today", TODAY)
    assert result.exit_code == 1
    no_traceback(result)
    assert "christmas.en.md.j2:2: error: 'nickname' is undefined" in result.stderr
    assert not (vault / "Greetings").exists()


# --- running again ------------------------------------------------------------------------------


def test_running_again_keeps_ticks_and_edits_and_adds_only_new_people(
    run: Run, vault: Path
) -> None:
    greet(run, vault, "christmas")
    rel = "Greetings/Christmas 2026.md"
    before = commits(vault)
    edited = (
        read(vault, rel)
        .replace("- [ ] [[Tom Baker]]", "- [x] [[Tom Baker]] ✅ 2026-12-02")
        .replace("Merry Christmas and all the best", "Merry Christmas, Tom, and all the best")
    )
    (vault / rel).write_text(edited, encoding="utf-8")
    (vault / "contacts/Zoe New.md").write_text(note("circle: competence"), encoding="utf-8")
    done = greet(run, vault, "christmas")
    assert [a["name"] for a in done["added"]] == ["Zoe New"]
    assert (done["created"], done["kept"], done["total"]) == (False, 6, 7)
    text = read(vault, rel)
    assert text.startswith(edited)
    assert text[len(edited) :] == (
        "\n## Zoe New\n\n- [ ] [[Zoe New]]\n\nDear Zoe,\n\n"
        "Merry Christmas and all the best for the New Year!\n\nWarm regards,\n"
    )
    assert commits(vault) == before + 1
    message, files = last_commit(vault)
    assert message == "greet: Christmas 2026: 1 draft added (7 in all)"
    assert files == [f"M\t{rel}"]
    # nobody new: nothing written, nothing committed
    result = run(vault, "greet", "christmas", "--today", TODAY)
    assert result.exit_code == 0
    assert f"{rel}: everyone is on it already; nothing changed" in result.stderr
    assert read(vault, rel) == text
    assert commits(vault) == before + 1


def test_dry_run_and_no_commit(run: Run, vault: Path) -> None:
    result = run(vault, "greet", "christmas", "--today", TODAY, "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.startswith("--- /dev/null\n+++ b/Greetings/Christmas 2026.md\n")
    assert "+- [ ] [[Tom Baker]]" in result.stdout
    assert "dry run: nothing written" in result.stderr
    assert not (vault / "Greetings").exists()
    data = greet(run, vault, "christmas", "--dry-run")
    assert data["dry_run"] is True and data["commit"] is None
    assert data["diff"].startswith("--- /dev/null\n")
    before = commits(vault)
    greet(run, vault, "christmas", "--no-commit")
    assert commits(vault) == before
    assert (vault / "Greetings/Christmas 2026.md").is_file()


def test_output_elsewhere_in_the_vault(run: Run, vault: Path) -> None:
    done = greet(run, vault, "christmas", "--output", str(vault / "Cards" / "xmas"))
    assert done["path"] == "Cards/xmas.md"
    text = read(vault, "Cards/xmas.md")
    assert "`netzmd greet --sync Cards/xmas.md`" in text
    assert "`netzmd greet christmas --year 2026 --output Cards/xmas.md` adds whoever is new" in text
    result = run(
        vault, "greet", "christmas", "--today", TODAY, "--output", str(vault / "contacts/x")
    )
    assert result.exit_code == 2
    assert "would be read as a contact" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["easter"], 2, "no occasion 'easter' in netzmd.toml"),
        ([], 2, "say which occasion (netzmd greet christmas), or --sync NOTE"),
        (["christmas", "--sync", "x.md"], 2, "--sync takes only the campaign note"),
        (
            ["diwali", "--today", "2027-11-01"],
            1,
            "occasion 'Diwali' has no date on or after 2027-11-01 in netzmd.toml",
        ),
        (["diwali", "--year", "2026"], 1, "occasion 'Diwali' has no date in 2026"),
        (["christmas", "--lang", "fr"], 2, "'fr' is not one of 'de', 'en'"),
        (["--sync", "Greetings/None.md"], 1, "Greetings/None.md does not exist"),
    ],
)
def test_usage_errors(run: Run, vault: Path, args: list[str], code: int, says: str) -> None:
    result = run(vault, "greet", "--today", TODAY, *args)  # a --today in args wins
    assert result.exit_code == code, result.output
    no_traceback(result)
    assert says in result.stderr


def test_unknown_occasion_lists_the_known_ones(run: Run, vault: Path) -> None:
    result = run(vault, "greet", "easter", "--today", TODAY)
    assert (
        "Occasions: Christmas, New Year, Mărțișor, Diwali; or birthdays, or news." in result.stderr
    )


def test_a_listed_occasion_in_a_year_with_a_date(run: Run, vault: Path) -> None:
    (vault / "contacts/Sanjay.md").write_text(note("tags: [diwali]"), encoding="utf-8")
    done = greet(run, vault, "diwali", "--year", "2027")
    assert (done["path"], done["date"]) == ("Greetings/Diwali 2027.md", "2027-10-29")


def test_nobody_to_greet(run: Run, vault: Path) -> None:
    (vault / "contacts/Sanjay.md").write_text(note("tags: [other]"), encoding="utf-8")
    result = run(vault, "greet", "diwali", "--year", "2027", "--today", TODAY)
    assert result.exit_code == 1
    assert "nobody to greet for Diwali" in result.stderr
    result = run(vault, "greet", "birthdays", "--today", "2026-07-01")
    assert "nobody has a birthday in the next 14 days" in result.stderr


# --- sync ---------------------------------------------------------------------------------------


def tick(root: Path, rel: str, *names: str, done: str | None = None) -> None:
    text = read(root, rel)
    for name in names:
        old = f"- [ ] [[{name}"
        assert old in text
        line = next(line for line in text.split("\n") if line.startswith(old))
        text = text.replace(
            line, line.replace("- [ ]", "- [x]", 1) + (f" ✅ {done}" if done else "")
        )
    (root / rel).write_text(text, encoding="utf-8")


def test_sync_logs_the_ticked_people_once_in_one_commit(run: Run, vault: Path) -> None:
    greet(run, vault, "christmas")
    rel = "Greetings/Christmas 2026.md"
    tick(vault, rel, "Anna Schmidt", done="2026-12-20")
    tick(vault, rel, "Tom Baker")
    before = commits(vault)
    result = run(vault, "greet", "--sync", rel, "--today", "2026-12-21")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        "contacts/Anna Schmidt.md: + - 2026-12-20 [greeting] Christmas 2026 greeting",
        "contacts/Tom Baker.md: + - 2026-12-21 [greeting] Christmas 2026 greeting",
        result.stdout.splitlines()[2],
    ]
    assert result.stdout.splitlines()[2].startswith("committed ")
    assert commits(vault) == before + 1
    message, files = last_commit(vault)
    assert message == (
        "greet: Christmas 2026: 2 greetings sent\n\n2026-12-20 Anna Schmidt\n2026-12-21 Tom Baker"
    )
    assert files == [f"M\t{rel}", "M\tcontacts/Anna Schmidt.md", "M\tcontacts/Tom Baker.md"]
    assert git(vault, "status", "--porcelain") == ""
    anna = read(vault, "contacts/Anna Schmidt.md")
    assert (
        "- 2026-09-12 [lunch] Pasta Bar, talked about the migration\n"
        "- 2026-12-20 [greeting] Christmas 2026 greeting\n"
    ) in anna
    # again: nothing is added, nothing committed
    again = json_of(run(vault, "greet", "--sync", rel, "--today", "2026-12-22", "--format", "json"))
    assert again["logged"] == [] and again["commit"] is None
    assert [p["name"] for p in again["already"]] == ["Anna Schmidt", "Tom Baker"]
    assert commits(vault) == before + 1
    assert read(vault, "contacts/Anna Schmidt.md") == anna
    # one more tick: only that one is logged
    tick(vault, rel, "Helga Brandstätter")
    data = json_of(
        run(vault, "greet", "--sync", "Christmas 2026", "--today", "2026-12-22", "--format", "json")
    )
    assert data == {
        "path": rel,
        "log": "Christmas 2026 greeting",
        "logged": [
            {
                "id": "Helga Brandstätter",
                "name": "Dr. Helga Brandstätter",
                "path": "contacts/Helga Brandstätter.md",
                "date": "2026-12-22",
            }
        ],
        "already": [
            {"id": "Anna Schmidt", "name": "Anna Schmidt", "path": "contacts/Anna Schmidt.md"},
            {"id": "Tom Baker", "name": "Tom Baker", "path": "contacts/Tom Baker.md"},
        ],
        "skipped": [],
        "commit": data["commit"],
        "dry_run": False,
    }
    assert data["commit"]


def test_sync_says_what_it_skipped(run: Run, vault: Path) -> None:
    greet(run, vault, "christmas")
    rel = "Greetings/Christmas 2026.md"
    with (vault / rel).open("a", encoding="utf-8") as f:
        f.write(
            "\n## Nobody\n\n- [x] [[Nobody Known]]\n\n## Tom\n\n- [x] [[Tom Baker]] ✅ 24.12.\n"
        )
    result = run(vault, "greet", "--sync", rel, "--today", TODAY, "--no-commit")
    assert result.exit_code == 0
    assert f"skipped Nobody Known ({rel}:" in result.stderr
    assert "): no contact of that name" in result.stderr
    assert "skipped Tom Baker" in result.stderr and "✅ 24.12. is not a date" in result.stderr
    assert "nothing to log" in result.stderr
    dry = run(vault, "greet", "--sync", rel, "--today", TODAY, "--dry-run")
    assert dry.stdout == ""


def test_sync_dry_run(run: Run, vault: Path) -> None:
    greet(run, vault, "christmas")
    rel = "Greetings/Christmas 2026.md"
    tick(vault, rel, "Tom Baker")
    before = read(vault, "contacts/Tom Baker.md")
    result = run(vault, "greet", "--sync", rel, "--today", TODAY, "--dry-run")
    assert result.exit_code == 0
    assert "+- 2026-12-01 [greeting] Christmas 2026 greeting" in result.stdout
    assert read(vault, "contacts/Tom Baker.md") == before


# --- the agenda ---------------------------------------------------------------------------------


def test_the_agenda_names_the_campaign_and_its_progress(run: Run, vault: Path) -> None:
    agenda = json_of(run(vault, "agenda", "--today", TODAY, "--format", "json"))
    (xmas,) = [g for g in agenda["greetings"] if g["occasion"] == "Christmas"]
    assert xmas["campaign"] is None
    greet(run, vault, "christmas")
    tick(vault, "Greetings/Christmas 2026.md", "Anna Schmidt", "Tom Baker")
    agenda = json_of(run(vault, "agenda", "--today", TODAY, "--format", "json"))
    (xmas,) = [g for g in agenda["greetings"] if g["occasion"] == "Christmas"]
    assert xmas["campaign"] == {"path": "Greetings/Christmas 2026.md", "sent": 2, "total": 6}
    text = run(vault, "agenda", "--today", TODAY).stdout
    assert "    Christmas 2026: 2 of 6 sent  (Greetings/Christmas 2026.md)\n" in text
    md = run(vault, "agenda", "--today", TODAY, "--format", "md").stdout
    assert (
        "### Christmas, 2026-12-24 (in 23 days)\n\n"
        "[[Greetings/Christmas 2026|Christmas 2026]]: 2 of 6 sent\n\n- [[Anna Schmidt]]\n"
    ) in md
    # the general JSON path says the same
    from netzmd.model.agenda import Campaign

    assert Campaign("p", 1, 2)._asdict() == {"path": "p", "sent": 1, "total": 2}
    assert json.loads(json.dumps(xmas))["campaign"]["sent"] == 2


def test_greet_without_git(run: Run, tmp_path: Path, git_env: Path) -> None:
    root = tmp_path / "plain"
    write_notes(root, {**NOTES, "netzmd.toml": CONFIG})
    env = git_environment(git_env)
    assert env["HOME"] == str(git_env)
    done = greet(run, root, "christmas")
    assert done["commit"] is None
    text = read(root, "Greetings/Christmas 2026.md")
    assert "Noch einmal herzlichen Glückwunsch" not in text  # no history: no job change
    assert "## Anna Schmidt" in text


def test_news_are_the_agendas_job_changes(run: Run, vault: Path) -> None:
    """Anna went back to her old company within the News' days: the news draft congratulates
    on that move, while over the whole year she is where she was (no job change at Christmas)."""
    change(vault, "contacts/Anna Schmidt.md", "Bar AG", "Foo GmbH", "2026-11-25")
    agenda = json_of(run(vault, "agenda", "--today", TODAY, "--format", "json"))
    assert [(n["name"], n["old"], n["new"]) for n in agenda["news"]] == [
        ("Anna Schmidt", "Bar AG", "Foo GmbH"),
        ("Sophie Wagner", "Zeta Labs", "Omega Data"),
    ]
    done = greet(run, vault, "news")
    assert [a["name"] for a in done["added"]] == ["Anna Schmidt", "Sophie Wagner"]
    text = read(vault, "Greetings/News 2026.md")
    assert "Hallo Anna,\n\nich habe gerade gesehen, dass du jetzt bei Foo GmbH bist" in text
    greet(run, vault, "christmas")
    xmas = read(vault, "Greetings/Christmas 2026.md")
    assert "Wechsel zu" not in xmas.split("## Dr. Helga")[0]


@pytest.mark.parametrize(
    ("kids", "lang", "line"),
    [
        ("2", "de", "Liebe Grüße auch an die Kinder!"),
        ("2", "en", "Best wishes to the kids as well."),
        ("[Mia]", "en", "Best wishes to Mia as well."),
        ("Mia", "de", "Liebe Grüße auch an Mia!"),
    ],
)
def test_kids_as_a_number_are_greeted_as_the_kids(
    make_vault: MakeVault, run: Run, kids: str, lang: str, line: str
) -> None:
    vault = make_vault(
        {
            "contacts/Anna Berg.md": f"---\ncircle: competence\nlang: {lang}\naddress: du\n"
            f"kids: {kids}\n---\n\n## Log\n\n- 2026-05-02 [lunch] pasta\n"
        },
        config='[[occasions]]\nname = "Christmas"\ndate = "12-24"\nlead_days = 30\n'
        'circles = ["competence"]\n',
    )
    result = run(vault, "greet", "christmas", "--today", "2026-11-30", "--no-commit")
    assert result.exit_code == 0, result.output
    text = (vault / "Greetings/Christmas 2026.md").read_text(encoding="utf-8")
    assert line in text
    assert " an 2!" not in text and " to 2 " not in text
