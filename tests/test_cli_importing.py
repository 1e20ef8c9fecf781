"""``netzmd import``: the command as a person uses it — real files, real git, CliRunner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, MakeVault, Run, git, init_repo, json_of, no_traceback, note

FIXTURES = REPO / "tests/fixtures/import"
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def repo(root: Path) -> Path:
    return init_repo(root)


def connections(path: Path, *rows: str) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.parts and ".netzmd" not in p.parts
    }


@pytest.fixture
def vault(make_vault: MakeVault, git_env: Path) -> Path:
    return repo(
        make_vault(
            {
                "contacts/Jane Doe.md": note("company: ACME GmbH\nrole: Sales", "## Log\n"),
                "contacts/Jürgen Weiß.md": note("company: Globex", "## Log\n"),
            }
        )
    )


def test_a_linkedin_export_imports_in_one_commit(vault: Path, run: Run) -> None:
    result = run(vault, "import", "linkedin", str(FIXTURES / "linkedin-2025.csv"))
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first == "import linkedin: 6 new, 1 updated, 1 conflict"
    assert git(vault, "log", "--format=%s", "-1").strip() == first
    assert git(vault, "status", "--porcelain", "--", "contacts", "imports") == ""
    # linkedin-2025.csv line 8: a row empty but for the date is skipped with its line
    assert "linkedin-2025.csv:8: skipped: no name" in result.stderr
    jane = (vault / "contacts/Jane Doe.md").read_text()
    assert "linkedin: https://www.linkedin.com/in/jane-doe-4a1b2c\n" in jane
    assert 'met: "2025-12-22 (LinkedIn)"\n' in jane
    assert "role: Sales\n" in jane  # set by hand: kept (a conflict)
    # the same file again: nothing, no commit
    head = git(vault, "rev-parse", "HEAD")
    again = run(vault, "import", "linkedin", str(FIXTURES / "linkedin-2025.csv"))
    assert again.exit_code == 0
    assert "import linkedin: 0 new, 0 updated, " in again.stdout
    assert "nothing to change" in again.stdout
    assert git(vault, "rev-parse", "HEAD") == head


def test_dry_run_prints_the_summary_and_diff_and_writes_nothing(vault: Path, run: Run) -> None:
    csv = connections(
        vault.parent / "c.csv",
        "Jane,Doe,https://www.linkedin.com/in/jane,,ACME GmbH,Sales,22 Dec 2025",
        "Neu,Person,https://www.linkedin.com/in/neu,,Initech,CTO,1 Feb 2023",
    )
    before = files_of(vault)
    result = run(vault, "import", "linkedin", str(csv), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("import linkedin: 1 new, 1 updated, 0 conflicts\n")
    assert "+++ b/contacts/Neu Person.md" in result.stdout
    assert "+linkedin: https://www.linkedin.com/in/jane\n" in result.stdout
    assert "+++ b/imports/linkedin.json" in result.stdout
    assert "dry run: nothing written" in result.stderr
    assert files_of(vault) == before
    assert git(vault, "log", "--format=%s") == "start\n"


def test_json_has_the_pinned_shape(vault: Path, run: Run) -> None:
    csv = connections(
        vault.parent / "c.csv",
        "Jane,Doe,https://www.linkedin.com/in/jane,,Globex,Sales,22 Dec 2025",
        "Jürgen,Weiss,https://www.linkedin.com/in/jw,,Globex,CTO,1 Feb 2023",
        ",,,,,,5 Mar 2023",
    )
    for extra in (["--dry-run"], []):
        out = json_of(run(vault, "import", "linkedin", str(csv), "--format", "json", *extra))
        assert list(out) == [
            "source",
            "new",
            "updated",
            "unchanged",
            "conflicts",
            "possible_matches",
            "skipped",
        ]
        assert out["source"] == "linkedin"
        assert out["new"] == [{"id": "Jürgen Weiss (Globex)", "name": "Jürgen Weiss"}]
        assert out["updated"] == [
            {
                "id": "Jane Doe",
                "name": "Jane Doe",
                "fields": [
                    {"field": "linkedin", "old": None, "new": "https://www.linkedin.com/in/jane"},
                    {"field": "met", "old": None, "new": "2025-12-22 (LinkedIn)"},
                ],
            }
        ]
        assert out["unchanged"] == 0
        assert out["conflicts"] == [
            {"id": "Jane Doe", "field": "company", "note": "ACME GmbH", "source": "Globex"}
        ]
        assert [(p["incoming"], p["id"]) for p in out["possible_matches"]] == [
            ("Jürgen Weiss", "Jürgen Weiß")
        ]
        assert 85 <= out["possible_matches"][0]["score"] < 100
        assert [(s["file"], s["line"]) for s in out["skipped"]] == [(str(csv), 4)]
        assert out["skipped"][0]["reason"]


def test_a_job_change_becomes_news_on_the_agenda(vault: Path, run: Run) -> None:
    csv = vault.parent / "c.csv"
    connections(csv, "Jane,Doe,https://www.linkedin.com/in/jane,,ACME GmbH,Sales,22 Dec 2025")
    assert run(vault, "import", "linkedin", str(csv)).exit_code == 0
    connections(csv, "Jane,Doe,https://www.linkedin.com/in/jane,,Globex,Sales,22 Dec 2025")
    result = run(vault, "import", "linkedin", str(csv))
    assert result.stdout.startswith(
        "import linkedin: 0 new, 1 updated (1 job change), 0 conflicts\n"
    )
    assert "former: [ACME GmbH]\n" in (vault / "contacts/Jane Doe.md").read_text()
    agenda = json_of(run(vault, "agenda", "--format", "json", "--today", "2026-11-28"))
    assert [(n["name"], n["old"], n["new"]) for n in agenda["news"]] == [
        ("Jane Doe", "ACME GmbH", "Globex")
    ]


def test_tags_and_circle_for_new_contacts_only(vault: Path, run: Run) -> None:
    csv = connections(
        vault.parent / "c.csv",
        "Jane,Doe,https://www.linkedin.com/in/jane,,ACME GmbH,Sales,22 Dec 2025",
        "Neu,Person,,,,,1 Feb 2023",
    )
    args = ["--tag", "linkedin", "--tag", "Neue Kontakte", "--circle", "career", "--no-commit"]
    result = run(vault, "import", "linkedin", str(csv), *args)
    assert result.exit_code == 0, result.output
    new = (vault / "contacts/Neu Person.md").read_text()
    assert "circle: career\n" in new and "tags: [linkedin, Neue-Kontakte]\n" in new
    assert "circle" not in (vault / "contacts/Jane Doe.md").read_text()
    assert git(vault, "log", "--format=%s") == "start\n"  # --no-commit
    assert "contacts/Neu Person.md" in git(vault, "status", "--porcelain", "-uall")


@pytest.mark.parametrize(
    ("source", "content", "expected"),
    [
        ("linkedin", b"", "LinkedIn"),
        ("linkedin", b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nEND:VCARD\r\n", "LinkedIn"),
        ("linkedin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "LinkedIn"),
        ("google", b"Name,Phone\nJane,1\n", "Google"),
        ("outlook", b"a;b;c\n1;2;3\n", "Outlook"),
    ],
)
def test_a_file_of_another_kind_exits_1_naming_it_and_writes_nothing(
    vault: Path, run: Run, source: str, content: bytes, expected: str
) -> None:
    bad = vault.parent / "export.csv"
    bad.write_bytes(content)
    before = files_of(vault)
    result = run(vault, "import", source, str(bad))
    no_traceback(result)
    assert result.exit_code == 1
    assert str(bad) in result.stderr and expected in result.stderr
    assert files_of(vault) == before


def test_a_missing_file_is_a_usage_error(vault: Path, run: Run) -> None:
    result = run(vault, "import", "linkedin", str(vault.parent / "nope.csv"))
    no_traceback(result)
    assert result.exit_code != 0 and "nope.csv" in result.stderr


def test_every_source_has_help_with_an_example(run: Run) -> None:
    for source in ("linkedin", "vcard", "google", "outlook", "ics"):
        result = run(None, "import", source, "--help")
        assert result.exit_code == 0
        assert "Example" in result.stdout and f"netzmd import {source}" in result.stdout
        for option in ("--dry-run", "--circle", "--tag", "--no-commit", "--format"):
            assert option in result.stdout


def test_a_broken_record_of_earlier_imports_exits_1(vault: Path, run: Run) -> None:
    (vault / "imports").mkdir()
    (vault / "imports/linkedin.json").write_text("{oops")
    csv = connections(vault.parent / "c.csv", "Neu,Person,,,,,1 Feb 2023")
    result = run(vault, "import", "linkedin", str(csv))
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "imports/linkedin.json:1: error: the record of earlier imports cannot be read ("
    )
    assert not (vault / "contacts/Neu Person.md").exists()


def test_the_sample_network_imports_its_own_fixture_without_flooding_the_agenda(
    tmp_path: Path, run: Run, git_env: Path
) -> None:
    root = tmp_path / "sample"
    shutil.copytree(REPO / "contacts", root / "contacts")
    shutil.copy(REPO / "netzmd.toml", root / "netzmd.toml")
    repo(root)
    before = json_of(run(root, "agenda", "--format", "json", "--today", "2026-11-30"))
    result = run(root, "import", "linkedin", str(FIXTURES / "linkedin-2025.csv"))
    assert result.exit_code == 0, result.output
    after = json_of(run(root, "agenda", "--format", "json", "--today", "2026-11-30"))
    assert len(after["keep_in_touch"]) == len(before["keep_in_touch"])
    assert json.loads((root / "imports/linkedin.json").read_text())["source"] == "linkedin"


@pytest.mark.parametrize(
    ("source", "fixture", "right"),
    [
        ("linkedin", "import/google.csv", "google"),
        ("google", "vcard/apple-3.0.vcf", "vcard"),
        ("outlook", "import/linkedin-2025.csv", "linkedin"),
        ("vcard", "ics/google.ics", "ics"),
    ],
)
def test_a_file_for_another_importer_names_the_command_that_reads_it(
    vault: Path, run: Run, source: str, fixture: str, right: str
) -> None:
    path = REPO / "tests/fixtures" / fixture
    result = run(vault, "import", source, str(path))
    no_traceback(result)
    assert result.exit_code == 1
    assert f"It looks like a {right} file: netzmd import {right} {path}\n" in result.stderr


def test_a_file_nobody_reads_has_no_such_hint(vault: Path, run: Run) -> None:
    bad = vault.parent / "notes.txt"
    bad.write_text("just some text\n", encoding="utf-8")
    result = run(vault, "import", "google", str(bad))
    assert result.exit_code == 1 and "It looks like" not in result.stderr
