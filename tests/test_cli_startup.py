"""Start-up stays lean: a command imports what it needs and nothing heavy besides."""

from __future__ import annotations

import subprocess
import sys

from conftest import MakeVault, note

# Heavy libraries, and the modules of the command families a read command does not need.
HEAVY = (
    "watchdog",
    "jinja2",
    "yaml",
    "frontmatter",
    "multiprocessing",
    "vobject",
    "icalendar",
    "phonenumbers",
    "rapidfuzz",
    "cleanco",
    "dateutil",
    "netzmd.formats",
    "netzmd.ops.importing",
    "netzmd.cli.write",
    "netzmd.cli.watch",
    "netzmd.cli.history",
    "netzmd.cli.templates",
)

PROBE = """
import sys
from netzmd.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    heavy = sorted(m for m in sys.modules if m.startswith({heavy!r}))
    sys.stderr.write("\\nMODULES " + " ".join(heavy) + "\\n")
"""


def modules_after(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    line = done.stderr.rsplit("MODULES", 1)[1]
    return set(line.split())


def test_help_and_warm_commands_import_nothing_heavy(make_vault: MakeVault) -> None:
    front = "circle: competence\ncadence: 3m\ncompany: Acme GmbH\nphone: 0171 1234567"
    vault = make_vault({"contacts/Jane Doe.md": note(front)})
    # The first runs parse the note (and may import the YAML reader) and work out what the
    # caches keep (company keys, phone numbers); later runs do not.
    for first in (["list"], ["check"], ["companies"]):
        subprocess.run(
            [sys.executable, "-m", "netzmd", "--vault", str(vault), *first],
            capture_output=True,
            check=True,
        )
    assert modules_after("--help") >= {"netzmd.cli.write"}  # --help lists every command
    for args in (
        ["list", "--format", "json"],
        ["agenda", "--format", "json"],
        ["show", "jane"],
        ["check"],
        ["companies", "--format", "json"],
        ["suggest", "--city", "Berlin", "--format", "json"],
        ["import", "linkedin", "--help"],
    ):
        assert modules_after("--vault", str(vault), *args) == set(), args
    assert "jinja2" in modules_after("--vault", str(vault), "agenda")  # text goes through Jinja
    assert "netzmd.cli.write" in modules_after("--vault", str(vault), "log", "--help")


def test_a_changed_note_is_parsed_with_the_yaml_reader(make_vault: MakeVault) -> None:
    vault = make_vault({"contacts/Jane Doe.md": note("circle: competence")})
    found = modules_after("--vault", str(vault), "list", "--format", "json")
    assert "yaml" in found
    assert "multiprocessing" not in found  # one note: no worker processes
