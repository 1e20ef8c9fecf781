"""The commands, end to end through click: discovery, init, check, list, show, search."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

import click
import pytest
from conftest import REPO, MakeVault, Run, json_of, names_of, no_traceback, note, write_notes

import netzmd.store.index
from netzmd.cli import main
from netzmd.vault import is_vault

TODAY = "2026-11-27"

CONFIG = """\
[cadence]
competence = "3m"
career = "1y"
"""

ZOE = """\
---
name: Zoë Müller
aliases: [Zozo]
circle: competence
tags: [cloud, ex-colleague]
company: Acme Cloud AG
role: Engineering Manager
email: zoe@example.com
phones:
  - "+49 170 5550114"
birthday: 1988-01-14
cadence: 6w
pronouns: she/her
---

## Log

- 2026-09-29 [coffee] promised the slides
- 2026-10-16 lunch at Pasta Bar, talked about Munich
- 2026-12-20 [dinner] Christmas dinner

## Follow-ups

- [x] send the slides 📅 2026-10-01 ✅ 2026-09-30
- [ ] congratulate on 3 years at Acme 📅 2026-12-01
"""

EMRE = """\
---
circle: competence
tags: [cloud, python]
company: ACME Cloud AG
last_contact: 2026-01-31
cadence: 1m
birthday: --03-14
---
- 2026-12-01 [call] planned call
"""

MAX = """\
---
circle: career
company: Müller & Söhne GmbH
tags: [python]
---
- 2025-06-01 [call] talked about jobs
"""

CLARA = """\
---
circle: competence
company: Nordlicht Analytics
---
"""

CARL = "Just a name, no front matter. Sushi fan.\n"

OLGA = """\
---
circle: competence
company: Acme Cloud AG
archived: true
---
"""

NOTES = {
    "contacts/Zoë Müller.md": ZOE,
    "contacts/Emre Yılmaz.md": EMRE,
    "contacts/Max Mustermann.md": MAX,
    "contacts/Clara Neumann.md": CLARA,
    "contacts/Carl Ohne.md": CARL,
    "contacts/former/Olga Alt.md": OLGA,
}

BROKEN = "---\nname: Broken\nname: Again\n---\n"  # an error on line 3

ACTIVE = ["Carl Ohne", "Clara Neumann", "Emre Yılmaz", "Max Mustermann", "Zoë Müller"]
PROBLEM_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<severity>error|warning): \S.*$")


@pytest.fixture
def vault(make_vault: MakeVault) -> Path:
    return make_vault(NOTES, CONFIG)


def list_json(run: Run, vault: Path, *args: str) -> list[dict[str, Any]]:
    result = run(vault, "list", "--format", "json", "--today", TODAY, *args)
    data = json_of(result)
    assert isinstance(data, list)
    return data


def by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in items}


def outside_any_vault(tmp_path: Path) -> Path:
    empty = tmp_path / "empty"
    empty.mkdir(exist_ok=True)
    if any(is_vault(p) for p in (empty.resolve(), *empty.resolve().parents)):
        pytest.skip("a folder above the temporary directory looks like a vault")
    return empty


# --- finding the vault --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [["list"], ["show", "zoe"], ["search", "pasta"], ["check"]], ids=lambda a: a[0]
)
def test_no_vault_is_a_clear_usage_error(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.chdir(outside_any_vault(tmp_path))
    result = run(None, *args)
    assert result.exit_code == 2
    no_traceback(result)
    assert result.stdout == ""
    assert "no netzmd vault" in result.stderr
    for way in ("--vault", "NETZMD_VAULT", "netzmd init"):
        assert way in result.stderr


def test_vault_option(
    run: Run, vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(outside_any_vault(tmp_path))
    assert names_of(list_json(run, vault)) == ACTIVE


def test_vault_from_environment(
    run: Run, vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(outside_any_vault(tmp_path))
    result = run(None, "list", "--format", "json", env={"NETZMD_VAULT": str(vault)})
    assert names_of(json_of(result)) == ACTIVE


def test_vault_option_beats_environment(
    run: Run, vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(outside_any_vault(tmp_path))
    env = {"NETZMD_VAULT": str(tmp_path / "missing")}
    result = run(vault, "list", "--format", "json", env=env)
    assert names_of(json_of(result)) == ACTIVE


def test_vault_found_by_walking_up(run: Run, vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(vault / "contacts" / "former")
    result = run(None, "list", "--format", "json")
    assert names_of(json_of(result)) == ACTIVE


@pytest.mark.parametrize("where", ["missing", "not-a-vault"])
def test_bad_vault_option(run: Run, tmp_path: Path, where: str) -> None:
    target = tmp_path / where
    if where == "not-a-vault":
        target.mkdir()
    result = run(target, "list")
    assert result.exit_code == 2
    no_traceback(result)
    assert "netzmd init" in result.stderr


def test_bad_vault_in_environment(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(outside_any_vault(tmp_path))
    result = run(None, "check", env={"NETZMD_VAULT": str(tmp_path / "missing")})
    assert result.exit_code == 2
    no_traceback(result)
    assert "does not exist" in result.stderr


# --- init ---------------------------------------------------------------------------------------


def test_init_makes_a_vault(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{name}_NAME", "Tess Ter")
        monkeypatch.setenv(f"GIT_{name}_EMAIL", "tess@example.com")
        monkeypatch.setenv(f"GIT_{name}_DATE", "2026-11-27T10:00:00+01:00")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    target = tmp_path / "network"
    result = run(None, "init", str(target))
    assert result.exit_code == 0, result.output
    assert (target / "contacts").is_dir()
    assert not (target / "templates").exists()  # the built-in ones are used, and improve
    config = (target / "netzmd.toml").read_text(encoding="utf-8")
    assert all(line.startswith("#") for line in config.splitlines() if line.strip())
    assert "[cadence]" in config
    assert tomllib.loads(config) == {}
    assert ".netzmd/" in (target / ".gitignore").read_text(encoding="utf-8").splitlines()
    if shutil.which("git"):
        assert (target / ".git").is_dir()
        assert "created  git repository" in result.stdout
        assert re.search(r"^committed [0-9a-f]{7,} init: a new netzmd vault$", result.stdout, re.M)
        tracked = subprocess.run(
            ["git", "ls-files"], cwd=target, capture_output=True, text=True, check=True
        ).stdout.split()
        assert tracked == [".gitignore", "netzmd.toml"]
    assert "vault ready" in result.stdout
    check = run(target, "check")
    assert check.exit_code == 0
    assert json_of(run(target, "list", "--format", "json")) == []


def test_the_written_settings_are_the_real_defaults(tmp_path: Path) -> None:
    """Uncommenting every line of the netzmd.toml that init writes changes nothing: each
    commented value is the default, and no setting lands inside a table."""
    from netzmd.config import SETTINGS, Config, parse_config
    from netzmd.ops.init import DEFAULT_CONFIG

    lines = DEFAULT_CONFIG.splitlines()
    settings = [line[2:] for line in lines if re.match(r"^# (\[|[a-z_]+ = )", line)]
    uncommented = parse_config("\n".join(settings))
    assert uncommented.warnings == ()
    assert uncommented == Config()
    assert Config().cadence == {"competence": "3m", "career": "1y", "publication": "6m"}
    first_table = next(i for i, line in enumerate(settings) if line.startswith("["))
    assert all("=" in line for line in settings[:first_table])
    assert first_table == len(SETTINGS)  # every plain setting, before the first table


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            '[[occasions]]\nname = "Christmas"\ndate = "12-24"\nauto_commit = false\n',
            "netzmd.toml:4: warning: 'auto_commit = false' is inside [[occasions]] 'Christmas', "
            "so it is not a setting and is ignored: move it above line 1, before the first table",
        ),
        (
            '# settings\n[cadence]\ncompetence = "6w"\nnews_days = 10\n',
            "netzmd.toml:4: warning: 'news_days = 10' is inside [cadence], so it is not a "
            "setting and is ignored: move it above line 2, before the first table",
        ),
    ],
)
def test_check_says_where_a_misplaced_setting_belongs(
    run: Run, make_vault: MakeVault, config: str, message: str
) -> None:
    vault = make_vault({}, config)
    result = run(vault, "check")
    assert result.exit_code == 0, result.output
    assert message in result.stdout
    assert run(vault, "list").exit_code == 0


def test_init_defaults_to_the_current_folder(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    assert run(None, "init").exit_code == 0
    assert (here / "contacts").is_dir()
    assert run(None, "check").exit_code == 0  # and it is found from here


def test_init_never_overwrites(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "network"
    (target / "templates").mkdir(parents=True)
    mine = {
        "netzmd.toml": '[cadence]\ncompetence = "1m"\n',
        ".gitignore": "secret/\n",
        "templates/agenda.md.j2": "my own agenda\n",
    }
    write_notes(target, mine)
    result = run(None, "init", str(target))
    assert result.exit_code == 0, result.output
    for rel, text in mine.items():
        assert (target / rel).read_text(encoding="utf-8") == text
    assert "kept     netzmd.toml (exists)" in result.stdout


def test_init_twice_changes_nothing(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "network"
    assert run(None, "init", str(target)).exit_code == 0
    before = {
        p.relative_to(target): p.read_bytes()
        for p in target.rglob("*")
        if p.is_file() and ".git" not in p.parts
    }
    second = run(None, "init", str(target))
    assert second.exit_code == 0, second.output
    no_traceback(second)
    after = {
        p.relative_to(target): p.read_bytes()
        for p in target.rglob("*")
        if p.is_file() and ".git" not in p.parts
    }
    assert after == before
    assert "created" not in second.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_init_inside_a_repository_makes_no_nested_one(run: Run, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    target = repo / "network"
    result = run(None, "init", str(target))
    assert result.exit_code == 0, result.output
    assert (target / "contacts").is_dir()
    assert not (target / ".git").exists()
    assert "inside one already" in result.stdout


def test_init_without_git(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    target = tmp_path / "network"
    result = run(None, "init", str(target))
    assert result.exit_code == 0, result.output
    assert not (target / ".git").exists()
    assert "git is not installed" in result.stdout


def test_init_reports_paths_in_the_vault(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "templates"  # a vault that happens to be called templates
    result = run(None, "init", str(target))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "created  netzmd.toml" in lines
    assert "created  .gitignore" in lines
    assert "created  contacts/" in lines
    assert not any("templates/" in line for line in lines)


def test_init_on_a_file_is_an_error(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    result = run(None, "init", str(target))
    assert result.exit_code != 0
    no_traceback(result)


# --- check --------------------------------------------------------------------------------------


def check_lines(stdout: str) -> list[re.Match[str]]:
    matches = [PROBLEM_LINE.match(line) for line in stdout.splitlines()]
    assert all(matches), stdout
    return [m for m in matches if m]


def test_check_clean_vault(run: Run, vault: Path) -> None:
    result = run(vault, "check")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "6 notes checked: 0 errors, 0 warnings" in result.stderr


def test_check_warnings_only_exit_zero(run: Run, vault: Path) -> None:
    write_notes(vault, {"contacts/Wanda.md": note("circle: friends\ncadence: sometimes")})
    result = run(vault, "check")
    assert result.exit_code == 0
    found = check_lines(result.stdout)
    assert [(m["path"], m["line"], m["severity"]) for m in found] == [
        ("contacts/Wanda.md", "2", "warning"),
        ("contacts/Wanda.md", "3", "warning"),
    ]
    assert "unknown circle 'friends'" in result.stdout
    assert "0 errors, 2 warnings" in result.stderr


def test_check_error_exit_one(run: Run, vault: Path) -> None:
    write_notes(
        vault,
        {
            "contacts/Broken.md": BROKEN,
            "contacts/Wanda.md": note("circle: friends"),
        },
    )
    result = run(vault, "check")
    assert result.exit_code == 1
    no_traceback(result)
    found = check_lines(result.stdout)
    assert [(m["path"], m["severity"]) for m in found] == [
        ("contacts/Broken.md", "error"),
        ("contacts/Wanda.md", "warning"),
    ]
    assert "1 error, 1 warning" in result.stderr


def test_check_json(run: Run, vault: Path) -> None:
    write_notes(
        vault,
        {
            "contacts/Broken.md": BROKEN,
            "contacts/Wanda.md": note("circle: friends"),
        },
    )
    result = run(vault, "check", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"notes", "errors", "warnings", "problems"}
    assert (data["notes"], data["errors"], data["warnings"]) == (8, 1, 1)
    for problem in data["problems"]:
        assert set(problem) == {"path", "line", "severity", "message"}
    assert [(p["path"], p["line"], p["severity"]) for p in data["problems"]] == [
        ("contacts/Broken.md", 3, "error"),
        ("contacts/Wanda.md", 2, "warning"),
    ]


def test_check_json_clean(run: Run, vault: Path) -> None:
    result = run(vault, "check", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"notes": 6, "errors": 0, "warnings": 0, "problems": []}


def test_check_only_given_paths(run: Run, vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_notes(
        vault,
        {
            "contacts/Broken.md": BROKEN,
            "contacts/Wanda.md": note("circle: friends"),
        },
    )
    result = run(vault, "check", "contacts/Wanda.md")
    assert result.exit_code == 0
    assert [m["path"] for m in check_lines(result.stdout)] == ["contacts/Wanda.md"]
    assert "1 note checked" in result.stderr
    monkeypatch.chdir(vault / "contacts")  # relative to the current folder works too
    result = run(vault, "check", "Broken.md")
    assert result.exit_code == 1
    assert [m["path"] for m in check_lines(result.stdout)] == ["contacts/Broken.md"]


def test_check_path_outside_the_vault(run: Run, vault: Path) -> None:
    result = run(vault, "check", "/etc/hostname")
    assert result.exit_code == 2
    no_traceback(result)
    assert "not inside the vault" in result.stderr


def test_check_missing_path_is_an_error(run: Run, vault: Path) -> None:
    result = run(vault, "check", "contacts/No Such Person.md")
    assert result.exit_code != 0
    assert "No Such Person.md" in result.stderr


def test_check_dotdot_path_outside_the_vault(run: Run, vault: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.md").write_text(note("name: X"), encoding="utf-8")
    result = run(vault, "check", str(vault / ".." / "elsewhere" / "x.md"))
    assert result.exit_code == 2
    assert "not inside the vault" in result.stderr


def test_check_duplicate_names_and_aliases(run: Run, vault: Path) -> None:
    write_notes(
        vault,
        {
            "contacts/Zoe M.md": note("name: Zoe Muller"),  # Zoë Müller, accents aside
            "contacts/Bob.md": note("aliases: [Bobby]"),
            "contacts/Robert.md": note("aliases: [bobby]"),
        },
    )
    result = run(vault, "check")
    assert result.exit_code == 0
    found = check_lines(result.stdout)
    duplicates = sorted(m["path"] for m in found if "duplicate name" in m.group(0))
    assert duplicates == [
        "contacts/Bob.md",
        "contacts/Robert.md",
        "contacts/Zoe M.md",
        "contacts/Zoë Müller.md",
    ]
    assert all(m["severity"] == "warning" for m in found)
    assert "'bobby' is also claimed by contacts/Robert.md" in result.stdout


def test_check_nfc_and_nfd_file_names(run: Run, make_vault: MakeVault) -> None:
    nfc = unicodedata.normalize("NFC", "contacts/Zoë.md")
    nfd = unicodedata.normalize("NFD", "contacts/Zoë.md")
    assert nfc != nfd
    root = make_vault({nfc: note("circle: competence"), nfd: note("circle: career")})
    assert len(list((root / "contacts").iterdir())) == 2
    result = run(root, "check", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["notes"], data["errors"], data["warnings"]) == (2, 0, 2)
    assert sorted(p["path"] for p in data["problems"]) == sorted([nfc, nfd])
    for problem in data["problems"]:
        assert problem["severity"] == "warning"
        assert problem["message"].startswith("duplicate file name")


def test_check_same_file_name_in_two_folders(run: Run, make_vault: MakeVault) -> None:
    root = make_vault({"contacts/work/Jane Doe.md": "x\n", "contacts/home/Jane Doe.md": "y\n"})
    result = run(root, "check")
    assert result.exit_code == 0
    found = check_lines(result.stdout)
    assert [(m["path"], m["severity"]) for m in found] == [
        ("contacts/home/Jane Doe.md", "warning"),
        ("contacts/work/Jane Doe.md", "warning"),
    ]
    expected = "duplicate name: 'jane doe' is also claimed by contacts/work/Jane Doe.md"
    assert expected in result.stdout


def test_check_unreadable_note(run: Run, vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = netzmd.store.index._read

    def no_permission(file: Path) -> bytes | None:
        if file.name == "Carl Ohne.md":
            raise PermissionError(13, "Permission denied")
        return real(file)

    monkeypatch.setattr(netzmd.store.index, "_read", no_permission)
    result = run(vault, "check")
    assert result.exit_code == 1
    no_traceback(result)
    expected = "contacts/Carl Ohne.md:1: error: cannot read the note: Permission denied\n"
    assert result.stdout == expected
    assert "Carl Ohne" not in names_of(list_json(run, vault))


def test_check_symlink_outside_the_vault(run: Run, vault: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text(note("name: Outsider"), encoding="utf-8")
    (vault / "contacts" / "Out.md").symlink_to(outside)
    write_notes(vault, {"people/Inside.md": note("name: Insider")})
    (vault / "contacts" / "In.md").symlink_to(vault / "people" / "Inside.md")
    result = run(vault, "check")
    assert result.exit_code == 1
    assert result.stdout.startswith("contacts/Out.md:1: error: symlink points outside the vault")
    names = names_of(list_json(run, vault))
    assert "Insider" in names
    assert "Outsider" not in names


def test_hidden_and_other_files_are_ignored(run: Run, vault: Path) -> None:
    broken = "---\nname: [oops\n---\n"
    write_notes(
        vault,
        {
            "contacts/.obsidian/workspace.md": broken,
            "contacts/.trash/Old Friend.md": note("name: Old Friend"),
            "contacts/.hidden.md": broken,
            "contacts/picture.png": "\x00binary",
            "contacts/list.txt": broken,
            ".obsidian/app.md": broken,
            ".trash/Gone.md": broken,
        },
    )
    result = run(vault, "check")
    assert result.exit_code == 0
    assert "6 notes checked" in result.stderr
    assert names_of(list_json(run, vault)) == ACTIVE


# --- broken notes in the commands ---------------------------------------------------------------


def test_broken_note_counts_as_its_last_good_version_until_fixed(run: Run, vault: Path) -> None:
    assert "Max Mustermann" in names_of(list_json(run, vault))
    write_notes(vault, {"contacts/Max Mustermann.md": "---\ncircle: career\ntags: [python\n---\n"})
    result = run(vault, "list", "--today", TODAY)
    assert result.exit_code == 0
    assert "Max Mustermann" in result.stdout  # the last good version (issue 10, item 3)
    assert "contacts/Max Mustermann.md:4: error: invalid YAML" in result.stderr
    assert "(using its last good version)" in result.stderr
    assert "Max Mustermann" in names_of(list_json(run, vault))
    show = run(vault, "show", "max")
    assert show.exit_code == 0
    assert "contacts/Max Mustermann.md:4: error: invalid YAML" in show.stdout
    no_traceback(show)
    assert json_of(run(vault, "search", "jobs", "--format", "json")) == []
    check = run(vault, "check")
    assert check.exit_code == 1
    assert check.stdout.startswith("contacts/Max Mustermann.md:")
    write_notes(vault, {"contacts/Max Mustermann.md": MAX.replace("jobs", "careers")})
    assert "Max Mustermann" in names_of(list_json(run, vault))
    assert run(vault, "show", "max").exit_code == 0
    assert run(vault, "check").exit_code == 0
    hits = json_of(run(vault, "search", "careers", "--format", "json"))
    assert [h["name"] for h in hits] == ["Max Mustermann"]


def test_unwritable_cache_still_works(run: Run, vault: Path) -> None:
    (vault / ".netzmd").write_text("not a folder", encoding="utf-8")
    assert names_of(list_json(run, vault)) == ACTIVE
    assert run(vault, "check").exit_code == 0
    assert run(vault, "show", "zoe").exit_code == 0
    hits = json_of(run(vault, "search", "pasta", "--format", "json"))
    assert [h["name"] for h in hits] == ["Zoë Müller"]


def test_damaged_cache_is_rebuilt(run: Run, vault: Path) -> None:
    expected = list_json(run, vault)
    (vault / ".netzmd" / "index.sqlite").write_bytes(b"\x00garbage" * 1000)
    for suffix in ("-wal", "-shm"):
        (vault / ".netzmd" / f"index.sqlite{suffix}").unlink(missing_ok=True)
    assert list_json(run, vault) == expected
    assert run(vault, "check").exit_code == 0


# --- list ---------------------------------------------------------------------------------------


def test_list_table(run: Run, vault: Path) -> None:
    result = run(vault, "list", "--today", TODAY)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert re.split(r"\s{2,}", lines[0]) == [
        "NAME",
        "CIRCLE",
        "COMPANY",
        "LAST CONTACT",
        "NEXT DUE",
    ]
    assert [re.split(r"\s{2,}", line)[0] for line in lines[1:]] == ACTIVE
    zoe = next(line for line in lines if line.startswith("Zoë"))
    assert re.split(r"\s{2,}", zoe) == [
        "Zoë Müller",
        "competence",
        "Acme Cloud AG",
        "2026-10-16",
        "2026-11-27 (today)",
    ]
    emre = next(line for line in lines if line.startswith("Emre"))
    assert emre.endswith("2026-02-28 (272 days overdue)")
    assert "5 contacts" in result.stderr


def test_list_json_values(run: Run, vault: Path) -> None:
    items = list_json(run, vault)
    assert names_of(items) == ACTIVE
    people = by_name(items)
    zoe = people["Zoë Müller"]
    assert zoe == zoe | {
        "id": "Zoë Müller",
        "path": "contacts/Zoë Müller.md",
        "name": "Zoë Müller",
        "aliases": ["Zozo"],
        "circle": "competence",
        "tags": ["cloud", "ex-colleague"],
        "company": "Acme Cloud AG",
        "role": "Engineering Manager",
        "emails": ["zoe@example.com"],
        "phones": ["+49 170 5550114"],
        "birthday": "1988-01-14",
        "cadence": "6w",
        "last_contact": "2026-10-16",
        "next_due": "2026-11-27",
        "archived": False,
    }
    assert [(i["date"], i["kind"], i["text"]) for i in zoe["interactions"]] == [
        ("2026-12-20", "dinner", "Christmas dinner"),
        ("2026-10-16", None, "lunch at Pasta Bar, talked about Munich"),
        ("2026-09-29", "coffee", "promised the slides"),
    ]
    assert [(f["due"], f["text"], f["done"]) for f in zoe["follow_ups"]] == [
        ("2026-10-01", "send the slides", True),
        ("2026-12-01", "congratulate on 3 years at Acme", False),
    ]
    assert zoe["fields"] == {
        "name": "Zoë Müller",
        "aliases": ["Zozo"],
        "circle": "competence",
        "tags": ["cloud", "ex-colleague"],
        "company": "Acme Cloud AG",
        "role": "Engineering Manager",
        "email": "zoe@example.com",
        "phones": ["+49 170 5550114"],
        "birthday": "1988-01-14",
        "cadence": "6w",
        "pronouns": "she/her",
    }
    emre = people["Emre Yılmaz"]  # month end: 31 January + 1 month = 28 February
    assert (emre["cadence"], emre["last_contact"], emre["next_due"]) == (
        "1m",
        "2026-01-31",
        "2026-02-28",
    )
    assert emre["birthday"] == "--03-14"
    assert emre["fields"]["last_contact"] == "2026-01-31"
    assert emre["path"] == "contacts/Emre Yılmaz.md"
    max_ = people["Max Mustermann"]  # the circle default from netzmd.toml
    assert (max_["cadence"], max_["last_contact"], max_["next_due"]) == (
        "1y",
        "2025-06-01",
        "2026-06-01",
    )
    assert max_["fields"] == {
        "circle": "career",
        "company": "Müller & Söhne GmbH",
        "tags": ["python"],
    }
    clara = people["Clara Neumann"]  # a cadence but no contact: due today
    assert (clara["cadence"], clara["last_contact"], clara["next_due"]) == ("3m", None, TODAY)
    carl = people["Carl Ohne"]  # no cadence at all
    assert (carl["cadence"], carl["last_contact"], carl["next_due"]) == (None, None, None)
    assert (carl["circle"], carl["tags"], carl["fields"], carl["interactions"]) == (
        None,
        [],
        {},
        [],
    )


CONTACT_KEYS = [
    "id",
    "path",
    "name",
    "cadence",
    "last_contact",
    "next_due",
    "aliases",
    "circle",
    "tags",
    "company",
    "role",
    "city",
    "emails",
    "phones",
    "birthday",
    "dates",
    "snooze_until",
    "met",
    "introduced_by",
    "vouches",
    "offers",
    "archived",
    "interactions",
    "follow_ups",
    "fields",
]


def test_list_json_shape(run: Run, vault: Path) -> None:
    result = run(vault, "list", "--format", "json", "--archived", "--today", TODAY)
    items = json_of(result)
    lines = result.stdout.splitlines()
    assert (lines[0], lines[-1]) == ("[", "]")
    assert len(lines) == len(items) + 2  # one contact per line
    for item in items:
        assert list(item) == CONTACT_KEYS
        for interaction in item["interactions"]:
            assert list(interaction) == ["date", "kind", "text", "line"]
        for follow_up in item["follow_ups"]:
            assert list(follow_up) == ["due", "text", "done", "done_on", "line"]


def test_list_json_today_moves_last_contact(run: Run, vault: Path) -> None:
    people = by_name(list_json(run, vault, "--today", "2026-10-01"))
    zoe = people["Zoë Müller"]  # 16 October is in the future now
    assert (zoe["last_contact"], zoe["next_due"]) == ("2026-09-29", "2026-11-10")
    people = by_name(list_json(run, vault, "--today", "2026-01-01"))
    emre = people["Emre Yılmaz"]  # last_contact: is in the future too
    assert (emre["last_contact"], emre["next_due"]) == (None, "2026-01-01")
    assert people["Zoë Müller"]["last_contact"] is None
    people = by_name(list_json(run, vault, "--today", "2026-12-24"))
    assert people["Emre Yılmaz"]["last_contact"] == "2026-12-01"
    assert people["Zoë Müller"]["last_contact"] == "2026-12-20"


def test_list_json_paths_in_subfolders(run: Run, vault: Path) -> None:
    olga = by_name(list_json(run, vault, "--archived"))["Olga Alt"]
    assert olga["path"] == "contacts/former/Olga Alt.md"
    assert olga["archived"] is True


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--circle", "competence"], ["Clara Neumann", "Emre Yılmaz", "Zoë Müller"]),
        (["--circle", "career"], ["Max Mustermann"]),
        (["--circle", "publication"], []),
        (["--tag", "cloud"], ["Emre Yılmaz", "Zoë Müller"]),
        (["--tag", "cloud", "--tag", "python"], ["Emre Yılmaz"]),
        (["--tag", "CLOUD", "--tag", "#python"], ["Emre Yılmaz"]),
        (["--tag", "python", "--tag", "nope"], []),
        (["--company", "acme"], ["Emre Yılmaz", "Zoë Müller"]),
        (["--company", "CLOUD AG"], ["Emre Yılmaz", "Zoë Müller"]),
        (["--company", "muller"], ["Max Mustermann"]),
        (["--company", "SÖHNE"], ["Max Mustermann"]),
        (["--company", "acme", "--archived"], ["Emre Yılmaz", "Olga Alt", "Zoë Müller"]),
        (["--archived"], [*ACTIVE[:4], "Olga Alt", "Zoë Müller"]),
        (["--circle", "competence", "--tag", "python"], ["Emre Yılmaz"]),
    ],
)
def test_list_filters(run: Run, vault: Path, args: list[str], expected: list[str]) -> None:
    assert names_of(list_json(run, vault, *args)) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ACTIVE),
        # longest without contact first; never contacted before all
        (
            "last-contact",
            ["Carl Ohne", "Clara Neumann", "Max Mustermann", "Emre Yılmaz", "Zoë Müller"],
        ),
        # most overdue first; no cadence last
        ("due", ["Emre Yılmaz", "Max Mustermann", "Clara Neumann", "Zoë Müller", "Carl Ohne"]),
    ],
)
def test_list_sort(run: Run, vault: Path, sort: str, expected: list[str]) -> None:
    assert names_of(list_json(run, vault, "--sort", sort)) == expected
    text = run(vault, "list", "--sort", sort, "--today", TODAY)
    rows = [re.split(r"\s{2,}", line)[0] for line in text.stdout.splitlines()[1:]]
    assert rows == expected


def test_list_archived_in_text(run: Run, vault: Path) -> None:
    assert "Olga" not in run(vault, "list").stdout
    assert "Olga Alt (archived)" in run(vault, "list", "--archived").stdout


def test_list_csv(run: Run, vault: Path) -> None:
    result = run(vault, "list", "--format", "csv", "--today", TODAY)
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["name"] for r in rows] == ACTIVE
    zoe = rows[-1]
    assert zoe == {
        "id": "Zoë Müller",
        "name": "Zoë Müller",
        "circle": "competence",
        "company": "Acme Cloud AG",
        "role": "Engineering Manager",
        "tags": "cloud;ex-colleague",
        "cadence": "6w",
        "last_contact": "2026-10-16",
        "next_due": "2026-11-27",
        "path": "contacts/Zoë Müller.md",
    }


def test_list_empty_vault(run: Run, make_vault: MakeVault) -> None:
    root = make_vault()
    result = run(root, "list")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "0 contacts" in result.stderr
    assert json_of(run(root, "list", "--format", "json")) == []


def test_list_json_and_show_json_agree(run: Run, vault: Path) -> None:
    for item in list_json(run, vault, "--archived"):
        shown = json_of(run(vault, "show", item["path"], "--format", "json", "--today", TODAY))
        assert list(shown)[-1] == "introductions"  # show adds who introduced whom, last
        del shown["introductions"]
        assert shown == item
        assert list(shown) == list(item)


def test_show_lists_the_introductions_made_and_received(run: Run, make_vault: MakeVault) -> None:
    vault = make_vault(
        {
            "contacts/Zoë Müller.md": '---\nintroduced_by: "[[Max]]"\n---\n\n## Log\n\n'
            "- 2026-11-02 [intro] introduced to [[Jane Doe]]: data people\n",
            "contacts/Jane Doe.md": '---\nintroduced_by: "[[zoe mueller|Zoë]]"\n---\n',
            "contacts/Carl.md": '---\nintroduced_by: "[[Zoë Müller]]"\n---\n',
            "contacts/Max.md": "---\nintroduced_by: Someone Else\n---\n",
        }
    )
    shown = json_of(run(vault, "show", "zoe", "--format", "json", "--today", TODAY))
    assert shown["introductions"] == {
        "introduced_by": "Max",
        "introduced_to_me": [{"id": "Carl", "name": "Carl"}],
        "made": [{"date": "2026-11-02", "text": "introduced to [[Jane Doe]]: data people"}],
    }
    text = run(vault, "show", "zoe", "--today", TODAY).stdout
    assert "Introductions\n  introduced to you by Max\n  introduced you to Carl\n" in text
    assert "  2026-11-02  you introduced to [[Jane Doe]]: data people\n" in text
    assert "  introduced you to Zoë Müller\n" in run(vault, "show", "max", "--today", TODAY).stdout
    assert "Introductions" not in run(vault, "show", "carl", "--today", TODAY).stdout


# --- show ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zoe", "Zoë Müller"),
        ("ZOË MÜLLER", "Zoë Müller"),
        ("zoe muller", "Zoë Müller"),
        ("zozo", "Zoë Müller"),  # an alias
        ("Zoë Müller.md", "Zoë Müller"),
        ("contacts/Zoë Müller.md", "Zoë Müller"),
        ("emr", "Emre Yılmaz"),  # a unique prefix
        ("yilmaz", "Emre Yılmaz"),  # a word of the name, dotless ı folded
        ("neumann", "Clara Neumann"),
        ("max", "Max Mustermann"),
        ("olga", "Olga Alt"),  # archived contacts can still be shown
        ("contacts/former/Olga Alt.md", "Olga Alt"),
    ],
)
def test_show_finds(run: Run, vault: Path, query: str, expected: str) -> None:
    result = run(vault, "show", query, "--format", "json", "--today", TODAY)
    assert json_of(result)["name"] == expected


def test_show_text(run: Run, vault: Path) -> None:
    result = run(vault, "show", "zoe", "--today", TODAY)
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Zoë Müller\n  also known as Zozo\n  contacts/Zoë Müller.md\n")
    assert re.search(r"last contact:\s+2026-10-16 \(42 days ago\)", out)
    assert re.search(r"next due:\s+2026-11-27 \(today\)", out)
    assert re.search(r"cadence:\s+6w\n", out)
    assert "congratulate on 3 years at Acme" in out
    assert "send the slides" not in out  # done follow-ups are not open
    assert "2026-12-20  [dinner] Christmas dinner  (planned)" in out
    assert "pronouns: she/her" in out
    assert "(age 38)" in out


def test_show_circle_default_cadence(run: Run, vault: Path) -> None:
    result = run(vault, "show", "max", "--today", TODAY)
    assert re.search(r"cadence:\s+1y \(circle default\)", result.stdout)


def test_show_archived_in_text(run: Run, vault: Path) -> None:
    assert run(vault, "show", "olga").stdout.startswith("Olga Alt  [archived]")


def test_show_ambiguous(run: Run, vault: Path) -> None:
    result = run(vault, "show", "c")
    assert result.exit_code == 1
    no_traceback(result)
    assert result.stdout == ""
    assert "'c' matches 2 contacts" in result.stderr
    assert "Carl Ohne  (contacts/Carl Ohne.md)" in result.stderr
    assert "Clara Neumann  (contacts/Clara Neumann.md)" in result.stderr


def test_show_not_found_suggests(run: Run, vault: Path) -> None:
    result = run(vault, "show", "Zoey Muller")
    assert result.exit_code == 1
    no_traceback(result)
    assert "no contact matches 'Zoey Muller'" in result.stderr
    assert "Did you mean: Zoë Müller?" in result.stderr


def test_show_not_found_without_suggestion(run: Run, vault: Path) -> None:
    result = run(vault, "show", "qqqqqq")
    assert result.exit_code == 1
    assert "netzmd list" in result.stderr


# --- search -------------------------------------------------------------------------------------


def test_search_text(run: Run, vault: Path) -> None:
    result = run(vault, "search", "pasta")
    assert result.exit_code == 0
    assert result.stdout == (
        "Zoë Müller  contacts/Zoë Müller.md:19\n"
        "    - 2026-10-16 lunch at Pasta Bar, talked about Munich\n"
    )


def test_search_json(run: Run, vault: Path) -> None:
    hits = json_of(run(vault, "search", "pasta", "bar", "--format", "json"))
    assert len(hits) == 1
    [hit] = hits
    assert set(hit) == {"id", "name", "path", "line", "text", "rank"}
    assert hit["id"] == "Zoë Müller"
    assert hit["path"] == "contacts/Zoë Müller.md"
    assert hit["line"] == 19
    assert hit["text"] == "- 2026-10-16 lunch at Pasta Bar, talked about Munich"
    assert isinstance(hit["rank"], float)


def test_search_ranks_names_first_and_ignores_accents(run: Run, vault: Path) -> None:
    hits = json_of(run(vault, "search", "muller", "--format", "json"))
    assert [h["name"] for h in hits] == ["Zoë Müller", "Max Mustermann"]
    assert hits[0]["rank"] >= hits[1]["rank"]
    assert hits[1]["text"] == "company: Müller & Söhne GmbH"
    assert hits[1]["line"] == 3


def test_search_body_of_a_note_without_front_matter(run: Run, vault: Path) -> None:
    hits = json_of(run(vault, "search", "SUSHI", "--format", "json"))
    assert [(h["name"], h["line"]) for h in hits] == [("Carl Ohne", 1)]


def test_search_no_match(run: Run, vault: Path) -> None:
    result = run(vault, "search", "kubernetes")
    assert result.exit_code == 1
    assert "no note matches 'kubernetes'" in result.stderr
    assert json_of(run(vault, "search", "kubernetes", "--format", "json")) == []


def test_search_sees_edits(run: Run, vault: Path) -> None:
    assert json_of(run(vault, "search", "pasta", "--format", "json"))
    write_notes(vault, {"contacts/Zoë Müller.md": ZOE.replace("Pasta Bar", "Ramen-Ya")})
    assert json_of(run(vault, "search", "pasta", "--format", "json")) == []
    [hit] = json_of(run(vault, "search", "ramen", "--format", "json"))
    assert (hit["name"], hit["line"]) == ("Zoë Müller", 19)
    (vault / "contacts" / "Zoë Müller.md").unlink()
    assert json_of(run(vault, "search", "ramen", "--format", "json")) == []


def test_search_limit(run: Run, vault: Path) -> None:
    hits = json_of(run(vault, "search", "muller", "--limit", "1", "--format", "json"))
    assert [h["name"] for h in hits] == ["Zoë Müller"]


# --- settings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["list"], ["show", "zoe"], ["check"]], ids=lambda a: a[0])
def test_toml_syntax_error(run: Run, vault: Path, args: list[str]) -> None:
    (vault / "netzmd.toml").write_text('[cadence]\ncompetence = "3m"\ncareer = \n', "utf-8")
    result = run(vault, *args)
    assert result.exit_code == 1
    no_traceback(result)
    assert re.search(r"netzmd\.toml:3: error: \S", result.stderr), result.stderr


def test_toml_bad_value(run: Run, vault: Path) -> None:
    (vault / "netzmd.toml").write_text('[cadence]\ncompetence = "3x"\n', "utf-8")
    result = run(vault, "list")
    assert result.exit_code == 1
    no_traceback(result)
    assert "netzmd.toml:2: error: [cadence] competence = '3x' is not understood" in result.stderr


def test_toml_not_utf8(run: Run, vault: Path) -> None:
    (vault / "netzmd.toml").write_bytes(b"# caf\xe9\n")
    result = run(vault, "check")
    assert result.exit_code == 1
    no_traceback(result)
    assert "netzmd.toml:1: error:" in result.stderr


def test_toml_unknown_setting_is_a_warning(run: Run, vault: Path) -> None:
    (vault / "netzmd.toml").write_text("colour = true\n" + CONFIG, "utf-8")
    result = run(vault, "check")
    assert result.exit_code == 0
    assert result.stdout == "netzmd.toml:1: warning: unknown setting 'colour' is ignored\n"


def test_without_netzmd_toml_the_circle_defaults_hold(run: Run, vault: Path) -> None:
    (vault / "netzmd.toml").unlink()
    people = by_name(list_json(run, vault))
    assert people["Clara Neumann"]["circle"] == "competence"
    assert people["Clara Neumann"]["cadence"] == "3m"
    assert people["Zoë Müller"]["cadence"] == "6w"  # her own cadence wins
    assert people["Carl Ohne"]["circle"] is None
    assert people["Carl Ohne"]["cadence"] is None  # no circle, no default


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("", {"competence": "3m", "career": "1y", "publication": "6m"}),
        ('[cadence]\ncompetence = "6w"\n', {"competence": "6w", "career": "1y"}),
        ('[cadence]\ncareer = "none"\n', {"competence": "3m", "career": None}),
        ('[cadence]\npublication = "NONE"\n', {"publication": None}),
    ],
)
def test_circle_defaults_and_none(
    run: Run, make_vault: MakeVault, config: str, expected: dict[str, str | None]
) -> None:
    notes = {
        f"contacts/{circle}.md": f"---\ncircle: {circle}\nlast_contact: 2026-01-01\n---\n"
        for circle in ("competence", "career", "publication")
    }
    notes["contacts/never.md"] = "---\ncircle: competence\ncadence: none\n---\n"
    vault = make_vault(notes, config)
    people = by_name(json_of(run(vault, "list", "--format", "json", "--today", TODAY)))
    for circle, cadence in expected.items():
        assert people[circle]["cadence"] == (cadence or "none"), circle
        assert (people[circle]["next_due"] is None) == (cadence is None), circle
    assert people["never"]["cadence"] == "none"
    assert people["never"]["next_due"] is None
    agenda = json_of(run(vault, "agenda", "--format", "json", "--today", "2030-01-01"))
    due = {item["name"] for item in agenda["keep_in_touch"]}
    assert "never" not in due
    assert due == {c for c, cadence in expected.items() if cadence} | (
        {"competence", "career", "publication"} - set(expected)
    )
    assert run(vault, "check").exit_code == 0


# --- bad input never shows a traceback ----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["list", "--today", "2026-13-01"], 2),
        (["list", "--today", "2026-02-30"], 2),
        (["list", "--today", "tomorrow"], 2),
        (["show", "zoe", "--today", "27.11.2026"], 2),
        (["list", "--sort", "age"], 2),
        (["list", "--circle", "friends"], 2),
        (["list", "--format", "xml"], 2),
        (["check", "--format", "csv"], 2),
        (["show"], 2),
        (["search"], 2),
        (["nonsense"], 2),
        (["show", ""], 1),
        (["show", "   "], 1),
        (["search", "***"], 1),
        (["search", '"'], 1),
        (["search", "AND"], 1),
        (["search", "NOT", "OR"], 1),
        (["search", "qq*zz:ww"], 1),
        (["search", "-"], 1),
    ],
)
def test_bad_input_is_a_message(run: Run, vault: Path, args: list[str], code: int) -> None:
    result = run(vault, *args)
    assert result.exit_code == code, result.output
    no_traceback(result)
    assert result.stderr.strip()


def test_bad_today_message(run: Run, vault: Path) -> None:
    result = run(vault, "list", "--today", "2026-13-01")
    assert "'2026-13-01' is not a date: write YYYY-MM-DD" in result.stderr


# --- help ---------------------------------------------------------------------------------------


def commands() -> dict[str, click.Command]:
    """Every command, including those loaded on demand."""
    assert isinstance(main, click.Group)
    ctx = click.Context(main)
    found = {name: main.get_command(ctx, name) for name in main.list_commands(ctx)}
    return {name: command for name, command in found.items() if command is not None}


def test_every_command_has_help_with_an_example(run: Run) -> None:
    names = set(commands())
    assert {"init", "check", "list", "show", "search", "agenda", "watch", "history"} <= names
    assert {"add", "log", "done", "follow-up", "set", "unset", "snooze", "edit"} <= names
    for args in [[], *([name] for name in commands())]:
        result = run(None, *args, "--help")
        assert result.exit_code == 0, args
        assert "Example" in result.stdout, args
        assert "Usage: " in result.stdout


def test_every_option_has_help(run: Run) -> None:
    for name, command in commands().items():
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "help":
                assert param.help, f"{name} {param.opts[0]} has no help text"


# --- the sample network in the repository -------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's sample vault, so that its cache stays out of the way."""
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(REPO / "contacts", root / "contacts")
    shutil.copy(REPO / "netzmd.toml", root / "netzmd.toml")
    return root


def test_sample_vault_lists_33_contacts(run: Run, sample: Path) -> None:
    items = json_of(run(sample, "list", "--format", "json", "--today", TODAY))
    assert len(items) == 33
    assert all(not item["archived"] for item in items)
    every = json_of(run(sample, "list", "--format", "json", "--archived"))
    assert len(every) == 34
    assert sum(1 for item in every if item["archived"]) == 1
    for item in every:
        assert item["path"].startswith("contacts/") and item["path"].endswith(".md")
        assert (sample / item["path"]).is_file()


def test_sample_vault_checks_clean(run: Run, sample: Path) -> None:
    result = run(sample, "check")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "34 notes checked: 0 errors, 0 warnings" in result.stderr


def test_sample_vault_other_commands(run: Run, sample: Path) -> None:
    assert run(sample, "list", "--today", TODAY).exit_code == 0
    zoe = json_of(run(sample, "show", "zoe", "--format", "json", "--today", TODAY))
    assert zoe["name"] == "Zoë Müller"
    hits = json_of(run(sample, "search", "pasta", "bar", "--format", "json"))
    assert "Zoë Müller" in [h["name"] for h in hits]


def test_repository_root_is_the_sample_vault(run: Run) -> None:
    items = json_of(run(REPO, "list", "--format", "json"))
    assert len(items) == 33


def test_sample_vault_every_contact_shows(run: Run, sample: Path) -> None:
    every = json_of(run(sample, "list", "--format", "json", "--archived", "--today", TODAY))
    for item in every:
        for query in (item["path"], item["name"]):
            result = run(sample, "show", query, "--today", TODAY, "--limit", "0")
            assert result.exit_code == 0, (query, result.output)
            assert result.stdout.startswith(item["name"])
