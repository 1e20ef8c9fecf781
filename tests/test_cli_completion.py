"""Shell completion: contact names and file names as one word each, in a real bash."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MakeVault

from netzmd.cli import main

NETZMD = Path(sys.executable).parent / "netzmd"
NOTES = {
    "contacts/Zoë Müller.md": "---\naliases: [Zozo]\ncircle: publication\n---\n",
    "contacts/Jane Doe.md": "---\ncompany: Foo\n---\n",
    "contacts/Jane Doe (Acme).md": "---\nname: Jane Doe\n---\n",
    "contacts/Max.md": "---\nname: Maximilian Mustermann\n---\n",
    "contacts/old/Olga Alt.md": "---\narchived: true\n---\n",
}


def complete(vault: Path, shell: str, words: str, cword: int) -> str:
    env = {
        "_NETZMD_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(cword),
        "NETZMD_VAULT": str(vault),
    }
    result = CliRunner().invoke(main, [], prog_name="netzmd", env=env)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("netzmd show zo", ["Zoë Müller"]),  # accents ignored
        ("netzmd show ZOZ", ["Zoë Müller"]),  # an alias finds the name
        ("netzmd show mull", ["Zoë Müller"]),  # a word of the name
        ("netzmd log zoe jane", ["Jane Doe", "Jane Doe (Acme)"]),  # file names tell them apart
        ("netzmd set maxi", ["Maximilian Mustermann", "Max"]),  # the name and the file name
        ("netzmd history olg", ["Olga Alt"]),  # archived contacts too
        ("netzmd done qq", []),
    ],
)
def test_names_complete(make_vault: MakeVault, words: str, expected: list[str]) -> None:
    vault = make_vault(NOTES)
    out = complete(vault, "zsh", words, len(words.split()) - 1)
    assert out.splitlines()[1::3] == expected


def test_circles_and_commands_complete(make_vault: MakeVault) -> None:
    vault = make_vault(NOTES)
    assert complete(vault, "bash", "netzmd list --circle c", 3).split() == [
        "plain,career",
        "plain,competence",
    ]
    assert "plain,templates" in complete(vault, "bash", "netzmd te", 1).split()


def test_completion_without_a_vault_offers_nothing(tmp_path: Path) -> None:
    assert complete(tmp_path / "nowhere", "bash", "netzmd show j", 2).strip() == ""


@pytest.mark.skipif(shutil.which("bash") is None or not NETZMD.exists(), reason="needs bash")
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("zoe", ["Zoë\\ Müller"]),
        ("Jane\\ Doe\\ \\(", ["Jane\\ Doe\\ \\(Acme\\)"]),
        ("maxi", ["Maximilian\\ Mustermann", "Max"]),
    ],
)
def test_bash_puts_a_name_with_spaces_in_as_one_word(
    make_vault: MakeVault, typed: str, expected: list[str]
) -> None:
    """What Click's bash script leaves in COMPREPLY is what bash writes into the command line:
    spaces and parentheses escaped, so that the name stays one word."""
    vault = make_vault(NOTES)
    source = subprocess.run(
        [str(NETZMD)],
        env={**os.environ, "_NETZMD_COMPLETE": "bash_source"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    script = (
        # COMP_WORDS holds the words as typed, backslashes and all.
        f"{source}\nCOMP_WORDS=(netzmd show '{typed}'); COMP_CWORD=2\n"
        '_netzmd_completion netzmd; printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {
        **os.environ,
        "NETZMD_VAULT": str(vault),
        "PATH": f"{NETZMD.parent}:{os.environ['PATH']}",
    }
    done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == expected
    # ... and bash reads each back as one word, the name itself.
    echo = subprocess.run(
        ["bash", "-c", f"printf '%s\\n' {' '.join(expected)}"], capture_output=True, text=True
    )
    assert echo.stdout.replace("\\", "") == "".join(f"{e.replace(chr(92), '')}\n" for e in expected)


def test_the_main_help_says_how_to_enable_completion() -> None:
    out = CliRunner().invoke(main, ["--help"]).output
    for shell in ("bash", "zsh", "fish"):
        assert f"_NETZMD_COMPLETE={shell}_source netzmd" in out
