"""netzmd templates: where each template comes from, stale vault copies, copy and reset."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import MakeVault, Run, json_of, no_traceback

from netzmd.ops.templates import RELEASED, fingerprint
from netzmd.vault import builtin_templates

GREETINGS = (
    *("_closing", "_memo", "_personal"),  # the parts the drafts include
    *("birthdays", "christmas", "default", "new-year", "news"),
)
NAMES = [
    "agenda.md.j2",
    "agenda.txt.j2",
    "contact.md.j2",
    *(f"greetings/{name}.{lang}.md.j2" for name in GREETINGS for lang in ("de", "en")),
]


def old_builtin(name: str, commit: str) -> bytes:
    """A built-in template as an older release shipped it, from this repository's history
    (skipped outside a clone with history)."""
    done = subprocess.run(
        ["git", "show", f"{commit}:templates/{name}"],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("needs the repository's history")
    return done.stdout


def test_every_built_in_is_a_released_version() -> None:
    folder = builtin_templates()
    for template in sorted(folder.rglob("*.j2")):
        name = template.relative_to(folder).as_posix()
        known = RELEASED.get(name, ())
        assert fingerprint(template.read_bytes()) in known, (
            f"{name} changed: add {fingerprint(template.read_bytes())!r} in front of "
            f"RELEASED[{name!r}] in netzmd/ops/templates.py"
        )
    assert sorted(RELEASED) == sorted(NAMES)


def test_fingerprint_ignores_line_endings_and_a_bom() -> None:
    assert fingerprint(b"a\nb\n") == fingerprint(b"\xef\xbb\xbfa\r\nb\r\n")
    assert fingerprint(b"a\nb\n") != fingerprint(b"a\nb")


def test_a_fresh_vault_uses_the_built_ins(run: Run, make_vault: MakeVault) -> None:
    vault = make_vault()
    result = run(vault, "templates")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == NAMES
    assert all("  built-in  (" in line for line in lines)
    data = json_of(run(vault, "templates", "--format", "json"))
    assert [t["source"] for t in data] == ["built-in"] * len(NAMES)
    assert data[0]["path"] == str(builtin_templates() / "agenda.md.j2")
    assert not any(t["hides_improvements"] for t in data)


def test_copies_are_told_apart(run: Run, make_vault: MakeVault) -> None:
    builtin = (builtin_templates() / "contact.md.j2").read_bytes()
    vault = make_vault(
        {
            "templates/agenda.txt.j2": old_builtin("agenda.txt.j2", "342ca7c").decode(),
            "templates/agenda.md.j2": "# my own agenda\n",
            "templates/brief.txt.j2": "{{ until }}\n",
        }
    )
    (vault / "templates" / "contact.md.j2").write_bytes(builtin.replace(b"\n", b"\r\n"))
    data = {t["name"]: t for t in json_of(run(vault, "templates", "--format", "json"))}
    greetings = {n for n in data if n.startswith("greetings/")}
    assert {data.pop(n)["source"] for n in greetings} == {"built-in"}
    assert {name: t["source"] for name, t in data.items()} == {
        "agenda.md.j2": "vault, customised",
        "agenda.txt.j2": "vault, unchanged copy of an older built-in",
        "brief.txt.j2": "vault only",
        "contact.md.j2": "vault, same as the built-in",
    }
    assert [n for n, t in data.items() if t["hides_improvements"]] == [
        "agenda.txt.j2",
        "contact.md.j2",
    ]
    text = re.sub(r"(?<=\S)  +(?=\S)", "  ", run(vault, "templates").stdout)  # one column gap
    assert (
        "agenda.txt.j2  vault, unchanged copy of an older built-in  (templates/agenda.txt.j2)  "
        "← hides later improvements: netzmd templates reset agenda.txt.j2\n" in text
    )


def test_copy_then_reset(run: Run, make_vault: MakeVault) -> None:
    vault = make_vault()
    dry = run(vault, "templates", "copy", "agenda.md.j2", "--dry-run")
    assert dry.exit_code == 0
    assert not (vault / "templates").exists()
    result = run(vault, "templates", "copy", "agenda.md.j2")
    assert result.exit_code == 0, result.output
    assert result.stdout == "copied the built-in agenda.md.j2 to templates/agenda.md.j2\n"
    copied = vault / "templates" / "agenda.md.j2"
    assert copied.read_bytes() == (builtin_templates() / "agenda.md.j2").read_bytes()
    again = run(vault, "templates", "copy", "agenda.md.j2")
    assert again.exit_code == 1
    assert "templates/agenda.md.j2 exists already" in again.output
    reset = run(vault, "templates", "reset", "agenda.md.j2")
    assert reset.exit_code == 0, reset.output
    assert not copied.exists()
    gone = run(vault, "templates", "reset", "agenda.md.j2")
    assert gone.exit_code == 1
    assert "the built-in agenda.md.j2 is in use already" in gone.output


def test_reset_keeps_a_customised_copy_unless_forced(run: Run, make_vault: MakeVault) -> None:
    vault = make_vault({"templates/agenda.md.j2": "# mine\n"})
    refused = run(vault, "templates", "reset", "agenda.md.j2")
    assert refused.exit_code == 1
    no_traceback(refused)
    assert "has changes of its own" in refused.output
    assert (vault / "templates" / "agenda.md.j2").exists()
    assert run(vault, "templates", "reset", "agenda.md.j2", "--force").exit_code == 0
    assert not (vault / "templates" / "agenda.md.j2").exists()


@pytest.mark.parametrize("command", ["copy", "reset"])
def test_unknown_template_names(run: Run, make_vault: MakeVault, command: str) -> None:
    result = run(make_vault(), "templates", command, "agenda.html")
    assert result.exit_code == 2
    assert "there is no built-in template 'agenda.html'" in result.output
    assert "agenda.md.j2, agenda.txt.j2, contact.md.j2" in result.output


def test_copy_and_reset_are_committed(
    run: Run, make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Tess Ter")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "tess@example.com")
        monkeypatch.setenv(f"GIT_{who}_DATE", "2026-11-27T10:00:00+01:00")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    vault = make_vault()
    subprocess.run(["git", "init", "-q"], cwd=vault, check=True)
    assert "committed" in run(vault, "templates", "copy", "contact.md.j2").stdout
    assert "committed" in run(vault, "templates", "reset", "contact.md.j2").stdout

    def log() -> list[str]:
        return subprocess.run(
            ["git", "log", "--format=%s", "--name-status"],
            cwd=vault,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()

    assert log() == [
        "templates:", "remove", "templates/contact.md.j2", "D", "templates/contact.md.j2",
        "templates:", "copy", "templates/contact.md.j2", "A", "templates/contact.md.j2",
    ]  # fmt: skip


def test_a_greeting_template_is_copied_into_its_folder_and_used(
    run: Run, make_vault: MakeVault
) -> None:
    vault = make_vault(
        {"contacts/Anna Berg.md": "---\ncircle: competence\nlang: de\n---\n"},
        config='[[occasions]]\nname = "Christmas"\ndate = "12-24"\nlead_days = 30\n'
        'circles = ["competence"]\n',
    )
    name = "greetings/christmas.de.md.j2"
    result = run(vault, "templates", "copy", name, "--no-commit")
    assert result.exit_code == 0, result.output
    copy = vault / "templates" / name
    assert copy.read_bytes() == (builtin_templates() / name).read_bytes()
    copy.write_text("{{ salutation }} Frohe Feste aus der Vorlage!\n", encoding="utf-8")
    data = {t["name"]: t for t in json_of(run(vault, "templates", "--format", "json"))}
    assert data[name]["source"] == "vault, customised"
    assert run(vault, "greet", "christmas", "--today", "2026-11-30", "--no-commit").exit_code == 0
    campaign = (vault / "Greetings/Christmas 2026.md").read_text(encoding="utf-8")
    assert "Frohe Feste aus der Vorlage!" in campaign
    reset = run(vault, "templates", "reset", name, "--force", "--no-commit")
    assert reset.exit_code == 0, reset.output
    assert not copy.exists()
