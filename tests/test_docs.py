"""The generated reference (command help, settings) must not drift from the code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cogapp import Cog

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize("doc", ["docs/commands.md", "docs/settings.md"])
def test_generated_reference_is_current(doc: str) -> None:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        status = Cog().main(["cog", "--check", doc])
    finally:
        os.chdir(cwd)
    assert status == 0, f"{doc} is out of date: run '.venv/bin/cog -r {doc}'"


def test_every_command_is_in_the_reference() -> None:
    from click.testing import CliRunner

    from netzmd.cli import main

    text = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    names = main.list_commands(None)  # type: ignore[arg-type]
    assert names, "no commands?"
    for name in names:
        assert f"### netzmd {name}\n" in text, f"docs/commands.md lacks netzmd {name}"
    assert CliRunner().invoke(main, ["--help"]).exit_code == 0


def test_the_readme_links_the_reference_and_the_architecture() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in ("docs/commands.md", "docs/settings.md", "ARCHITECTURE.md"):
        assert f"]({target})" in text
        assert (ROOT / target).is_file(), target


def test_the_architecture_names_every_package_and_command_module() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    netzmd = ROOT / "netzmd"
    for package in sorted(p for p in netzmd.iterdir() if (p / "__init__.py").is_file()):
        assert f"`{package.name}/`" in text, f"ARCHITECTURE.md does not name {package.name}/"
        for module in sorted(package.glob("*.py")):
            if module.stem != "__init__":
                assert f"`{module.stem}`" in text, (
                    f"ARCHITECTURE.md lacks {package.name}/{module.name}"
                )


def test_readme_opens_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0].strip() for b in text.split("```sh\n")[1:3]]
    assert blocks[0].endswith("netzmd agenda")
    assert "pytest" in blocks[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1] in ci, ".ci/run must run the README's test command"
