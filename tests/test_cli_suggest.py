"""``netzmd suggest`` through the command line (issue 14): the JSON pinned, the text, the city
from netzmd.toml or --city, a missing city's error, the record of suggestions in .netzmd/,
--plan writing follow-ups in one commit (or nothing: --dry-run, a broken note), and the
sample network."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, MakeVault, Run, json_of, no_traceback, note

TODAY = "2026-11-30"  # a Monday
CONFIG = 'targets = ["Acme Cloud"]\n\n[me]\ncity = "Berlin"\n'

NOTES = {
    # 21 days overdue on 60d, vouches, at a target: 21/60 + 0.5
    "contacts/Emre.md": note(
        "city: Berlin\ncompany: Acme Cloud AG\ncadence: 60d\nlast_contact: 2026-09-10\n"
        "vouches: true\ntags: [cloud]"
    ),
    # due in 188 days on a year: -188/365
    "contacts/Tobias.md": note(
        "city: berlin\ncompany: Spreewerk Energie AG\ncadence: 1y\nlast_contact: 2026-06-06\n"
        "tags: [cloud, running]"
    ),
    # 10 days overdue on 30d, but elsewhere
    "contacts/Hamburg/Max.md": note("city: Hamburg\ncadence: 30d\nlast_contact: 2026-10-21"),
    # snoozed past today, archived: never
    "contacts/Snoozy.md": note("city: Berlin\ncadence: 30d\nsnooze_until: 2027-01-01"),
    "contacts/Old.md": note("city: Berlin\ncadence: 30d\narchived: true"),
}


@pytest.fixture
def vault(make_vault: MakeVault) -> Path:
    return make_vault(NOTES, CONFIG)


def read(vault: Path, rel: str) -> str:
    return (vault / rel).read_text(encoding="utf-8")


def git(vault: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=vault, check=True, capture_output=True, text=True
    ).stdout


def repository(vault: Path) -> None:
    (vault / ".gitignore").write_text(".netzmd/\n", encoding="utf-8")
    git(vault, "init", "-q")
    git(vault, "config", "user.name", "T")
    git(vault, "config", "user.email", "t@example.org")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "start")


EMRE = {
    "ids": ["Emre"],
    "names": ["Emre"],
    "kind": "lunch",
    "city": "Berlin",
    "reason": "lunch with Emre: 21 days overdue (cadence 60d, last contact 81 days ago); "
    "vouches for you; at Acme Cloud, one of your targets",
    "score": 0.85,
}
PAIR = {
    "ids": ["Emre", "Tobias"],
    "names": ["Emre", "Tobias"],
    "kind": "lunch",
    "city": "Berlin",
    "reason": "lunch with Emre and Tobias: both cloud",
    "score": 0.417,
}
TOBIAS = {
    "ids": ["Tobias"],
    "names": ["Tobias"],
    "kind": "lunch",
    "city": "Berlin",
    "reason": "lunch with Tobias: due in 188 days (cadence 1y, last contact 177 days ago)",
    "score": -0.515,
}


def test_json_is_pinned(run: Run, vault: Path) -> None:
    data = json_of(run(vault, "suggest", "--format", "json", "--today", TODAY))
    assert data == [EMRE, PAIR, TOBIAS]
    coffee = json_of(
        run(vault, "suggest", "--kind", "coffee", "--format", "json", "--today", TODAY)
    )
    assert coffee == [
        {**item, "kind": "coffee", "reason": item["reason"].replace("lunch", "coffee")}
        for item in (EMRE, TOBIAS)
    ]


def test_text_lists_the_reasons_best_first(run: Run, vault: Path) -> None:
    result = run(vault, "suggest", "--count", "2", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"1. {EMRE['reason']}\n2. {PAIR['reason']}\n"
    assert "--plan" in result.stderr


def test_city_option_and_a_call(run: Run, vault: Path) -> None:
    hamburg = json_of(
        run(vault, "suggest", "--city", "HAMBURG", "--format", "json", "--today", TODAY)
    )
    assert [item["ids"] for item in hamburg] == [["Max"]]
    assert hamburg[0]["city"] == "HAMBURG"
    calls = json_of(run(vault, "suggest", "--kind", "call", "--format", "json", "--today", TODAY))
    assert [(item["ids"], item["city"]) for item in calls] == [
        (["Emre"], "Berlin"),
        (["Max"], "Hamburg"),
        (["Tobias"], "berlin"),
    ]
    nobody = run(vault, "suggest", "--city", "Paris", "--today", TODAY)
    assert nobody.exit_code == 0 and nobody.stdout == ""
    assert "nobody to suggest for a lunch in Paris" in nobody.stderr


def test_without_a_city_a_clear_usage_error(run: Run, make_vault: MakeVault) -> None:
    vault = make_vault(NOTES, 'targets = ["Acme Cloud"]\n')
    result = run(vault, "suggest", "--today", TODAY)
    no_traceback(result)
    assert result.exit_code == 2
    assert "[me]" in result.stderr and 'city = "Berlin"' in result.stderr
    assert "--city" in result.stderr
    assert not (vault / ".netzmd").exists()  # refused before reading anything
    calls = run(vault, "suggest", "--kind", "call", "--today", TODAY)
    assert calls.exit_code == 0 and calls.stdout.startswith("1. call with Emre: ")


def test_dry_run_and_no_commit_need_plan(run: Run, vault: Path) -> None:
    for flag in ("--dry-run", "--no-commit"):
        result = run(vault, "suggest", flag, "--today", TODAY)
        assert result.exit_code == 2 and "--plan" in result.stderr


# --- the record of suggestions ------------------------------------------------------------------


def ids(run: Run, vault: Path, today: str, *more: str) -> list[list[str]]:
    data = json_of(run(vault, "suggest", "--format", "json", "--today", today, *more))
    return [item["ids"] for item in data]


def test_someone_suggested_lately_comes_after_the_others(run: Run, vault: Path) -> None:
    record = vault / ".netzmd" / "suggested.json"
    assert ids(run, vault, TODAY, "--count", "1") == [["Emre"]]
    assert json.loads(record.read_text()) == {
        "version": 1,
        "suggested": {"contacts/Emre.md": TODAY},
    }
    # the same day: the same list (and --plan plans what was shown)
    assert ids(run, vault, TODAY, "--count", "1") == [["Emre"]]
    # a day later Emre, and the pair with him, come after Tobias
    assert ids(run, vault, "2026-12-01") == [["Tobias"], ["Emre"], ["Tobias", "Emre"]]
    data = json.loads(record.read_text())["suggested"]
    assert data == {"contacts/Emre.md": "2026-12-01", "contacts/Tobias.md": "2026-12-01"}
    # 14 days after the last suggestion still after; 15 days not
    (vault / ".netzmd" / "suggested.json").write_text(
        json.dumps({"version": 1, "suggested": {"contacts/Emre.md": "2026-11-16"}})
    )
    assert ids(run, vault, TODAY)[0] == ["Tobias"]
    (vault / ".netzmd" / "suggested.json").write_text(
        json.dumps({"version": 1, "suggested": {"contacts/Emre.md": "2026-11-15"}})
    )
    assert ids(run, vault, TODAY)[0] == ["Emre"]
    # old entries are dropped when the record is written again
    assert json.loads(record.read_text())["suggested"] == {
        "contacts/Emre.md": TODAY,
        "contacts/Tobias.md": TODAY,
    }


@pytest.mark.parametrize("spoiled", [b"", b"{not json", b"[1, 2]", b'{"version": 9}', b"\xff"])
def test_losing_or_spoiling_the_record_loses_only_that(
    run: Run, vault: Path, spoiled: bytes
) -> None:
    assert ids(run, vault, TODAY, "--count", "1") == [["Emre"]]
    (vault / ".netzmd" / "suggested.json").write_bytes(spoiled)
    assert ids(run, vault, "2026-12-01", "--count", "1") == [["Emre"]]
    shutil.rmtree(vault / ".netzmd")
    assert ids(run, vault, "2026-12-02", "--count", "1") == [["Emre"]]


# --- --plan ---------------------------------------------------------------------------------------


def test_plan_writes_follow_ups_in_one_commit(run: Run, vault: Path, git_env: Path) -> None:
    repository(vault)
    result = run(vault, "suggest", "--plan", "--today", TODAY)
    assert result.exit_code == 0, result.output
    emre = read(vault, "contacts/Emre.md")
    assert "- [ ] lunch with Emre 📅 2026-12-01\n" in emre
    assert "Tobias" not in emre  # one lunch a week with Emre: the pair waits
    assert "lunch with Emre and Tobias: Emre planned already" in result.stderr
    tobias = read(vault, "contacts/Tobias.md")
    assert "- [ ] lunch with Tobias 📅 2026-12-02\n" in tobias
    assert "Emre" not in tobias
    log = git(vault, "log", "--format=%B%x00", "--name-only", "-1")
    assert log.startswith(
        "suggest: 2 lunch plans\n\n2026-12-01 lunch with Emre\n2026-12-02 lunch with Tobias\n"
    )
    assert sorted(log.split("\x00")[1].split()) == ["contacts/Emre.md", "contacts/Tobias.md"]
    assert git(vault, "rev-list", "--count", "HEAD").strip() == "2"
    assert git(vault, "status", "--porcelain") == ""  # the record stays out of git
    assert (vault / ".netzmd" / "suggested.json").is_file()
    # planned again the same day: nothing new
    again = run(vault, "suggest", "--plan", "--today", TODAY)
    assert again.exit_code == 0, again.output
    assert "open already; nothing changed" in again.stderr
    assert read(vault, "contacts/Emre.md") == emre
    assert git(vault, "rev-list", "--count", "HEAD").strip() == "2"


def test_plan_dry_run_writes_nothing(run: Run, vault: Path, git_env: Path) -> None:
    repository(vault)
    before = {rel: read(vault, rel) for rel in NOTES}
    result = run(vault, "suggest", "--plan", "--dry-run", "--count", "1", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "+- [ ] lunch with Emre 📅 2026-12-01" in result.stdout
    assert "dry run: nothing written" in result.stderr
    assert {rel: read(vault, rel) for rel in NOTES} == before
    assert not (vault / ".netzmd" / "suggested.json").exists()
    assert git(vault, "rev-list", "--count", "HEAD").strip() == "1"


def test_plan_without_a_commit_and_with_json(run: Run, vault: Path, git_env: Path) -> None:
    repository(vault)
    result = run(
        vault, "suggest", "--plan", "--no-commit", "--count", "1", "--format", "json",
        "--today", "2026-12-04",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        EMRE
        | {
            "reason": "lunch with Emre: 25 days overdue (cadence 60d, last contact 85 days "
            "ago); vouches for you; at Acme Cloud, one of your targets",
            "score": 0.917,
        }
    ]
    assert "contacts/Emre.md: + - [ ] lunch with Emre 📅 2026-12-07" in result.stderr
    assert "- [ ] lunch with Emre 📅 2026-12-07\n" in read(vault, "contacts/Emre.md")
    assert git(vault, "rev-list", "--count", "HEAD").strip() == "1"
    assert git(vault, "status", "--porcelain").strip() == "M contacts/Emre.md"


def test_plan_writes_all_notes_or_none(run: Run, vault: Path, git_env: Path) -> None:
    repository(vault)
    assert run(vault, "list").exit_code == 0  # indexed: Tobias's last good version is kept
    tobias = vault / "contacts" / "Tobias.md"
    broken = tobias.read_text(encoding="utf-8").replace("tags: [cloud, running]", "tags: [cloud")
    tobias.write_text(broken, encoding="utf-8")
    emre = read(vault, "contacts/Emre.md")
    result = run(vault, "suggest", "--plan", "--today", TODAY)
    no_traceback(result)
    assert result.exit_code == 1 and result.stdout == ""  # refused before the list
    assert "refusing to write to a broken note" in result.stderr
    assert read(vault, "contacts/Emre.md") == emre and tobias.read_text() == broken
    assert git(vault, "rev-list", "--count", "HEAD").strip() == "1"


# --- the sample network -------------------------------------------------------------------------


def test_the_sample_network_suggests_whom_to_meet_in_berlin(run: Run, tmp_path: Path) -> None:
    root = tmp_path / "sample"
    shutil.copytree(REPO / "contacts", root / "contacts")
    shutil.copy(REPO / "netzmd.toml", root / "netzmd.toml")
    data = json_of(run(root, "suggest", "--format", "json", "--today", TODAY))
    assert [item["names"] for item in data] == [
        ["Zoë Müller"],
        ["Zoë Müller", "Tobias Krüger"],
        ["Tobias Krüger"],
        ["Emre Yılmaz"],  # called four days ago: after the others
        ["Dieter Vogel"],
    ]
    assert {item["city"] for item in data} == {"Berlin"}
    assert data[0]["reason"] == (
        "lunch with Zoë Müller: 3 days overdue (cadence 6w, last contact 45 days ago); "
        "vouches for you; made you an offer; at Acme Cloud, one of your targets"
    )
    assert data[1]["reason"] == "lunch with Zoë Müller and Tobias Krüger: both cloud"
    everyone = json_of(run(root, "suggest", "--format", "json", "--count", "50", "--today", TODAY))
    names = {n for item in everyone for n in item["names"]}
    assert names == {
        "Emre Yılmaz", "Zoë Müller", "Tobias Krüger", "Dieter Vogel", "Lena Hoffmann",
        "Sanjay Iyer",
    }  # fmt: skip
