"""The README's command help is generated from the code (cog) and must not drift."""

from __future__ import annotations

import os
from pathlib import Path

from cogapp import Cog

ROOT = Path(__file__).parent.parent


def test_readme_help_is_current() -> None:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        status = Cog().main(["cog", "--check", "README.md"])
    finally:
        os.chdir(cwd)
    assert status == 0, "README.md is out of date: run '.venv/bin/cog -r README.md'"


def test_readme_opens_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0].strip() for b in text.split("```sh\n")[1:3]]
    assert blocks[0].endswith("netzmd agenda")
    assert "pytest" in blocks[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1] in ci, ".ci/run must run the README's test command"
