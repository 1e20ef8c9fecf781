"""The write commands through the command line: add, log, done, follow-up, set, unset, snooze,
edit — every option, what they print, and what they refuse."""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import MakeVault

from netzmd.cli import main

TODAY = "2026-11-27"

JANE = """---
name: Jane Doe
aliases: [JD]
company: Acme GmbH
last_contact: 2026-10-01
---

## Log

- 2026-10-01 [coffee] first coffee

## Follow-ups

- [ ] send the CFP link 📅 2026-12-05
- [ ] call back 📅 2026-12-10
- [ ] call 📅 2026-12-11
"""
MAX = """---
name: Max Mustermann
---

Notes about Max.
"""
ZOE = "---\ncity: Köln\n---\n"


@pytest.fixture
def vault(make_vault: MakeVault) -> Path:
    return make_vault(
        {
            "contacts/Jane Doe.md": JANE,
            "contacts/colleagues/Max Mustermann.md": MAX,
            "contacts/Zoë Müller.md": ZOE,
        }
    )


def run(vault: Path, *args: str, env: Mapping[str, str | None] | None = None) -> Result:
    result = CliRunner().invoke(main, ["--vault", str(vault), *args], env=env)
    assert "Traceback" not in result.output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def read(vault: Path, rel: str) -> str:
    return (vault / rel).read_bytes().decode("utf-8")


def snapshot(vault: Path) -> dict[str, bytes]:
    return {
        p.relative_to(vault).as_posix(): p.read_bytes()
        for p in sorted((vault / "contacts").rglob("*"))
        if p.is_file()
    }


# --- add -------------------------------------------------------------------------------------


def test_add_writes_the_given_fields_only(vault: Path) -> None:
    result = run(
        vault, "add", "Ana Lima", "--company", "Acme: GmbH", "--role", "CTO", "--circle",
        "competence", "--tag", "cloud", "--tag", "#speaker", "--email", "ana@example.com",
        "--phone", "0170123", "--city", "Köln", "--cadence", "3m", "--met", "KubeCon 2024",
        "--introduced-by", "zoe",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == "created contacts/Ana Lima.md\n"
    assert read(vault, "contacts/Ana Lima.md") == (
        "---\n"
        "circle: competence\n"
        "tags: [cloud, speaker]\n"
        'company: "Acme: GmbH"\n'
        "role: CTO\n"
        "email: ana@example.com\n"
        'phone: "0170123"\n'
        "city: Köln\n"
        "cadence: 3m\n"
        "met: KubeCon 2024\n"
        'introduced_by: "[[Zoë Müller]]"\n'
        "---\n"
        "\n"
        "## Notes\n"
        "\n"
        "## Log\n"
        "\n"
        "## Follow-ups\n"
    )
    shown = run(vault, "show", "ana", "--format", "json")
    assert '"introduced_by": "Zoë Müller"' in shown.stdout


def test_add_without_fields_makes_a_note_without_front_matter(vault: Path) -> None:
    result = run(vault, "add", "Sam")
    assert result.exit_code == 0, result.output
    assert read(vault, "contacts/Sam.md") == "## Notes\n\n## Log\n\n## Follow-ups\n"


def test_add_keeps_the_name_and_cleans_the_file_name(vault: Path) -> None:
    result = run(vault, "add", 'AC/DC: "Live" #1')
    assert result.exit_code == 0, result.output
    assert result.stdout == "created contacts/AC-DC- -Live- -1.md\n"
    assert read(vault, "contacts/AC-DC- -Live- -1.md") == (
        '---\nname: "AC/DC: \\"Live\\" #1"\n---\n\n## Notes\n\n## Log\n\n## Follow-ups\n'
    )
    shown = run(vault, "show", "AC-DC- -Live- -1", "--format", "json")
    assert '"name": "AC/DC: \\"Live\\" #1"' in shown.stdout


@pytest.mark.parametrize(
    ("name", "taken_by"),
    [
        ("Jane Doe", "exists already"),
        ("jane doe", "is taken already: Jane Doe"),
        ("JD", "is taken already: Jane Doe"),
        ("Zoe Muller", "is taken already: Zoë Müller"),
        ("Max Mustermann", "is taken already: Max Mustermann"),
    ],
)
def test_add_refuses_a_taken_name(vault: Path, name: str, taken_by: str) -> None:
    before = snapshot(vault)
    result = run(vault, "add", name, "--city", "Bonn")
    assert result.exit_code == 1
    assert taken_by in result.stderr
    assert "See it with: netzmd show" in result.stderr
    assert snapshot(vault) == before


def test_add_dry_run_prints_the_new_note_as_a_diff(vault: Path) -> None:
    result = run(vault, "add", "Ana Lima", "--city", "Köln", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "--- /dev/null\n+++ b/contacts/Ana Lima.md\n@@ -0,0 +1,9 @@\n+---\n+city: Köln\n+---\n"
    )
    assert "dry run: nothing written" in result.stderr
    assert not (vault / "contacts" / "Ana Lima.md").exists()


def test_add_uses_the_vault_template_first(vault: Path) -> None:
    (vault / "templates").mkdir()
    (vault / "templates" / "contact.md.j2").write_text(
        "---\nname: {{ yaml(name) }}\ncreated: {{ today }}\n---\n# {{ name }}\n", encoding="utf-8"
    )
    result = run(vault, "add", "Ana Lima", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert read(vault, "contacts/Ana Lima.md") == (
        "---\nname: Ana Lima\ncreated: 2026-11-27\n---\n# Ana Lima\n"
    )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("---\nname: [oops\n---\n", "makes a note with a problem (line 3: invalid YAML"),
        ("---\ncircle: {{ circle }}\n---\n", "makes a note with a problem"),  # circle: None
        ("---\nname: Someone Else\n---\n", "does not keep the name 'Ana Lima'"),
        ("{{ nope }}\n", "'nope' is undefined"),
    ],
)
def test_a_broken_vault_template_writes_nothing(vault: Path, template: str, message: str) -> None:
    (vault / "templates").mkdir()
    (vault / "templates" / "contact.md.j2").write_text(template, encoding="utf-8")
    result = run(vault, "add", "Ana Lima")
    assert result.exit_code == 1
    assert message in result.stderr
    assert not (vault / "contacts" / "Ana Lima.md").exists()


def test_add_introduced_by_someone_not_in_the_network(vault: Path) -> None:
    result = run(vault, "add", "Ana Lima", "--introduced-by", "Pat Smith")
    assert result.exit_code == 0, result.output
    assert 'introduced_by: "[[Pat Smith]]"' in read(vault, "contacts/Ana Lima.md")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cadence", "often"], "cadence 'often' is not understood"),
        (["--circle", "friends"], "Invalid value for '--circle'"),
        (["--tag", "#"], "at least one value for tags"),
        (["--company", "two\nlines"], "must be one line"),
    ],
)
def test_add_refuses_bad_values(vault: Path, args: list[str], message: str) -> None:
    result = run(vault, "add", "Ana Lima", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert not (vault / "contacts" / "Ana Lima.md").exists()


# --- the editor ------------------------------------------------------------------------------

EDITOR_SCRIPT = """
import sys, os
path = sys.argv[-1]
action = os.environ.get("FAKE_EDIT", "append")
with open(path, "rb") as f:
    data = f.read()
if action == "append":
    data += "typed in the editor 🌻\\n".encode()
elif action == "break":
    data = data.replace(b"---\\n", b"---\\nname: [broken\\n", 1)
elif action == "warn":
    data = data.replace(b"---\\n", b"---\\ncircle: friends\\n", 1)
with open(path, "wb") as f:
    f.write(data)
with open(os.environ["FAKE_EDIT_LOG"], "a") as f:
    f.write(path + "\\n")
sys.exit(int(os.environ.get("FAKE_EDIT_EXIT", "0")))
"""


@pytest.fixture
def editor(tmp_path: Path) -> dict[str, str | None]:
    script = tmp_path / "fake editor.py"
    script.write_text(EDITOR_SCRIPT, encoding="utf-8")
    command = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"
    return {"EDITOR": command, "VISUAL": None, "FAKE_EDIT_LOG": str(tmp_path / "edits.log")}


def edits(env: Mapping[str, str | None]) -> list[str]:
    log = Path(str(env["FAKE_EDIT_LOG"]))
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_edit_opens_the_note_and_checks_it(vault: Path, editor: dict[str, str | None]) -> None:
    result = run(vault, "edit", "max", env=editor)
    assert result.exit_code == 0, result.output
    assert edits(editor) == [str(vault / "contacts" / "colleagues" / "Max Mustermann.md")]
    assert result.stdout == "contacts/colleagues/Max Mustermann.md: edited\n"
    assert "no problems" in result.stderr
    assert read(vault, "contacts/colleagues/Max Mustermann.md") == MAX + "typed in the editor 🌻\n"


def test_edit_says_what_is_wrong_afterwards(vault: Path, editor: dict[str, str | None]) -> None:
    result = run(vault, "edit", "jane", env={**editor, "FAKE_EDIT": "break"})
    assert result.exit_code == 1
    assert "contacts/Jane Doe.md:3: error: invalid YAML" in result.stdout
    for target in ("contacts/Jane Doe.md", "jane"):  # a broken note opens too, to fix it
        result = run(vault, "edit", target, env={**editor, "FAKE_EDIT": "none"})
        assert result.exit_code == 1
        assert "contacts/Jane Doe.md: unchanged" in result.stdout
    assert len(edits(editor)) == 3


def test_edit_reports_warnings_and_a_failing_editor(
    vault: Path, editor: dict[str, str | None]
) -> None:
    result = run(vault, "edit", "zoe", env={**editor, "FAKE_EDIT": "warn", "FAKE_EDIT_EXIT": "3"})
    assert result.exit_code == 0
    assert "the editor exited with status 3" in result.stderr
    assert "contacts/Zoë Müller.md:2: warning: unknown circle 'friends'" in result.stdout


def test_visual_wins_over_editor(vault: Path, editor: dict[str, str | None]) -> None:
    env = {**editor, "VISUAL": editor["EDITOR"], "EDITOR": "/nonexistent/editor"}
    result = run(vault, "edit", "zoe", env=env)
    assert result.exit_code == 0, result.output
    assert len(edits(editor)) == 1


def test_no_editor(vault: Path) -> None:
    result = run(vault, "edit", "zoe", env={"EDITOR": None, "VISUAL": None})
    assert result.exit_code == 2
    assert "no editor: set $VISUAL or $EDITOR" in result.stderr
    result = run(vault, "add", "Ana", "--edit", env={"EDITOR": None, "VISUAL": None})
    assert result.exit_code == 2
    assert not (vault / "contacts" / "Ana.md").exists()
    result = run(vault, "edit", "zoe", env={"EDITOR": "/nonexistent/editor", "VISUAL": None})
    assert result.exit_code == 1
    assert "cannot start the editor '/nonexistent/editor'" in result.stderr


def test_add_edit_opens_the_new_note(vault: Path, editor: dict[str, str | None]) -> None:
    result = run(vault, "add", "Ana Lima", "--city", "Köln", "--edit", env=editor)
    assert result.exit_code == 0, result.output
    assert edits(editor) == [str(vault / "contacts" / "Ana Lima.md")]
    assert read(vault, "contacts/Ana Lima.md").endswith("## Follow-ups\ntyped in the editor 🌻\n")
    assert run(vault, "add", "Bo", "--edit", "--dry-run", env=editor).exit_code == 2


# --- log -------------------------------------------------------------------------------------


def test_log_with_several_people(vault: Path) -> None:
    result = run(vault, "log", "jane", "max", "jane", "-m", "Pasta Bar", "--kind", "lunch",
                 "--today", TODAY)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "contacts/Jane Doe.md: + - 2026-11-27 [lunch] Pasta Bar (with [[Max Mustermann]])\n"
        "contacts/Jane Doe.md: last_contact: 2026-10-01 → 2026-11-27\n"
        "contacts/colleagues/Max Mustermann.md: + - 2026-11-27 [lunch] Pasta Bar "
        "(with [[Jane Doe]])\n"
    )
    assert read(vault, "contacts/Jane Doe.md") == JANE.replace(
        "last_contact: 2026-10-01", "last_contact: 2026-11-27"
    ).replace(
        "first coffee\n",
        "first coffee\n- 2026-11-27 [lunch] Pasta Bar (with [[Max Mustermann]])\n",
    )
    assert read(vault, "contacts/colleagues/Max Mustermann.md") == MAX + (
        "\n## Log\n\n- 2026-11-27 [lunch] Pasta Bar (with [[Jane Doe]])\n"
    )


def test_log_backdated_and_future(vault: Path) -> None:
    result = run(vault, "log", "jane", "-m", "call", "--date", "2026-09-01", "--today", TODAY)
    assert result.exit_code == 0, result.output
    text = read(vault, "contacts/Jane Doe.md")
    assert "- 2026-09-01 call\n- 2026-10-01 [coffee] first coffee\n" in text
    assert "last_contact: 2026-10-01" in text  # older than the field: left alone
    result = run(vault, "log", "jane", "-m", "planned", "--date", "2027-01-01", "--today", TODAY)
    assert result.exit_code == 0
    assert "last_contact: 2026-10-01" in read(vault, "contacts/Jane Doe.md")  # never the future


def test_log_names_the_display_name_in_links(vault: Path) -> None:
    (vault / "contacts" / "mm.md").write_text("---\nname: Maria M.\n---\n", encoding="utf-8")
    result = run(vault, "log", "zoe", "maria", "-m", "dinner", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "- 2026-11-27 dinner (with [[mm|Maria M.]])" in read(vault, "contacts/Zoë Müller.md")
    assert "- 2026-11-27 dinner (with [[Zoë Müller]])" in read(vault, "contacts/mm.md")


def test_log_dry_run(vault: Path) -> None:
    before = snapshot(vault)
    result = run(vault, "log", "jane", "-m", "x", "--today", TODAY, "--dry-run")
    assert result.exit_code == 0
    assert result.stdout == (
        "--- a/contacts/Jane Doe.md\n"
        "+++ b/contacts/Jane Doe.md\n"
        "@@ -2,12 +2,13 @@\n"
        " name: Jane Doe\n"
        " aliases: [JD]\n"
        " company: Acme GmbH\n"
        "-last_contact: 2026-10-01\n"
        "+last_contact: 2026-11-27\n"
        " ---\n"
        " \n"
        " ## Log\n"
        " \n"
        " - 2026-10-01 [coffee] first coffee\n"
        "+- 2026-11-27 x\n"
        " \n"
        " ## Follow-ups\n"
        " \n"
    )
    assert snapshot(vault) == before


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["nobody", "-m", "x"], 1, "no contact matches 'nobody'"),
        (["jane", "-m", "  "], 2, "the log text (-m) is empty"),
        (["jane", "-m", "a\nb"], 2, "must be one line"),
        (["jane", "-m", "x", "--kind", "[x]"], 2, "no brackets"),
        (["jane", "-m", "x", "--date", "2026-02-30"], 2, "is not a date"),
        (["jane"], 2, "Missing option '-m'"),
    ],
)
def test_log_refuses(vault: Path, args: list[str], code: int, message: str) -> None:
    before = snapshot(vault)
    result = run(vault, "log", *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert snapshot(vault) == before


def test_log_text_that_would_not_read_back_is_refused(vault: Path) -> None:
    before = snapshot(vault)
    result = run(vault, "log", "jane", "-m", "[aside] hello")
    assert result.exit_code == 1
    assert "would not read back as written" in result.stderr
    assert snapshot(vault) == before


# --- refusing bad notes ----------------------------------------------------------------------

BROKEN = {
    "conflict markers": (
        "---\nname: Jane Doe\n---\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> x\n"
    ),
    "duplicate keys": "---\nname: Jane Doe\ncity: A\ncity: B\n---\n",
    "invalid YAML": "---\nname: Jane Doe\ntags: [a\n---\n",
    "unclosed front matter": "---\nname: Jane Doe\n",
    "not UTF-8": "---\nname: Jane Doe\n---\n\xff",
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
@pytest.mark.parametrize(
    "command",
    [["set", "JANE", "city", "X"], ["log", "ZOE", "JANE", "-m", "x"], ["done", "JANE"],
     ["follow-up", "JANE", "-m", "x", "--due", "2w"], ["unset", "JANE", "city"],
     ["snooze", "JANE", "2w"]],
)  # fmt: skip
def test_a_broken_note_is_refused_with_the_reason(
    vault: Path, kind: str, command: list[str]
) -> None:
    assert run(vault, "list").exit_code == 0  # indexed while it was fine
    note = vault / "contacts" / "Jane Doe.md"
    broken = BROKEN[kind].encode("utf-8").replace(b"\xc3\xbf", b"\xff")
    note.write_bytes(broken)
    before = snapshot(vault)
    args = [{"JANE": "Jane Doe", "ZOE": "zoe"}.get(a, a) for a in command]
    if args[0] not in ("set", "unset"):
        args += ["--today", TODAY]
    result = run(vault, *args)
    assert result.exit_code == 1, result.output
    assert "refusing to write to a broken note: contacts/Jane Doe.md:" in result.stderr
    assert snapshot(vault) == before  # and nobody else was written either


def test_a_symlinked_note_is_refused(vault: Path) -> None:
    target = vault / "contacts" / "colleagues" / "Max Mustermann.md"
    (vault / "contacts" / "Maxi.md").symlink_to(target)
    before = snapshot(vault)
    result = run(vault, "set", "contacts/Maxi.md", "city", "Hamburg")
    assert result.exit_code == 1
    assert "contacts/Maxi.md is a symlink; netzmd does not write through symlinks" in (
        result.stderr
    )
    assert snapshot(vault) == before


# --- follow-up, done -------------------------------------------------------------------------


def test_follow_up(vault: Path) -> None:
    result = run(vault, "follow-up", "max", "-m", "send the link", "--due", "2w", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "contacts/colleagues/Max Mustermann.md: + - [ ] send the link 📅 2026-12-11\n"
    )
    assert read(vault, "contacts/colleagues/Max Mustermann.md") == MAX + (
        "\n## Follow-ups\n\n- [ ] send the link 📅 2026-12-11\n"
    )
    result = run(vault, "follow-up", "jane", "-m", "book", "--due", "2026-12-24")
    assert result.exit_code == 0
    assert read(vault, "contacts/Jane Doe.md").endswith(
        "- [ ] call 📅 2026-12-11\n- [ ] book 📅 2026-12-24\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-m", "x", "--due", "soon"], "neither a date"),
        (["-m", "x", "--due", "2w", "--every", "fortnight"], "--every 'fortnight' is not a rule"),
        (["-m", "x", "--due", "2w", "--every", "month on the 0th"], "the 2nd last Friday"),
        (["-m", "x 🔁 every week", "--due", "2w"], "leave the task emoji"),
        (["-m", "x 📅 2026-12-01", "--due", "2w"], "leave the task emoji"),
        (["-m", "x"], "Missing option '--due'"),
    ],
)
def test_follow_up_refuses(vault: Path, args: list[str], message: str) -> None:
    result = run(vault, "follow-up", "jane", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_done_with_several_open_follow_ups(vault: Path) -> None:
    before = snapshot(vault)
    result = run(vault, "done", "jane", "--today", TODAY)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "netzmd: error: Jane Doe has 3 open follow-ups:\n"
        "  line 14: send the CFP link (due 2026-12-05)\n"
        "  line 15: call back (due 2026-12-10)\n"
        "  line 16: call (due 2026-12-11)\n"
    )
    result = run(vault, "done", "jane", "ca", "--today", TODAY)
    assert result.exit_code == 1
    assert "'ca' matches 2 open follow-ups" in result.stderr
    result = run(vault, "done", "jane", "nothing like it")
    assert result.exit_code == 1
    assert "no open follow-up of Jane Doe matches 'nothing like it'" in result.stderr
    assert snapshot(vault) == before


def test_done_ticks_the_one_meant(vault: Path) -> None:
    result = run(vault, "done", "jane", "CALL", "--today", TODAY)  # exact beats "call back"
    assert result.exit_code == 0, result.output
    assert result.stdout == "contacts/Jane Doe.md:16: - [x] call 📅 2026-12-11 ✅ 2026-11-27\n"
    result = run(vault, "done", "jane", "cfp", "link", "--today", TODAY)
    assert result.exit_code == 0
    text = read(vault, "contacts/Jane Doe.md")
    assert "- [x] send the CFP link 📅 2026-12-05 ✅ 2026-11-27\n" in text
    assert "- [ ] call back 📅 2026-12-10\n" in text
    assert run(vault, "done", "jane", "--today", TODAY).exit_code == 0  # now the only one
    result = run(vault, "done", "jane")
    assert result.exit_code == 1
    assert "Jane Doe has no open follow-up" in result.stderr


# --- set, unset, snooze ----------------------------------------------------------------------


def test_set_prints_the_change(vault: Path) -> None:
    result = run(vault, "set", "jane", "company", "Bar", "AG", "--no-former")
    assert result.exit_code == 0, result.output
    assert result.stdout == "contacts/Jane Doe.md: company: Acme GmbH → Bar AG\n"
    assert read(vault, "contacts/Jane Doe.md") == JANE.replace("Acme GmbH", "Bar AG")
    result = run(vault, "set", "jane", "company", "Bar AG")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "contacts/Jane Doe.md: company is Bar AG already; nothing changed" in result.stderr


def test_set_lists_dates_and_flags(vault: Path) -> None:
    assert run(vault, "set", "zoe", "tags", "#cloud", "speaker").exit_code == 0
    assert run(vault, "set", "zoe", "birthday", "--03-14").exit_code == 0
    assert run(vault, "set", "zoe", "dates.work anniversary", "2019-04-01").exit_code == 0
    assert run(vault, "set", "zoe", "vouches", "yes").exit_code == 0
    assert run(vault, "set", "zoe", "phone", "0170123").exit_code == 0
    assert read(vault, "contacts/Zoë Müller.md") == (
        "---\n"
        "city: Köln\n"
        "tags: [cloud, speaker]\n"
        'birthday: "--03-14"\n'
        "dates:\n"
        "  work anniversary: 2019-04-01\n"
        "vouches: true\n"
        'phone: "0170123"\n'
        "---\n"
    )
    result = run(vault, "show", "zoe", "--format", "json")
    assert '"birthday": "--03-14"' in result.stdout
    assert '"vouches": true' in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["last_contact", "yesterday"], "last_contact 'yesterday' is not a date"),
        (["birthday", "2023-02-29"], "is not a date"),
        (["circle", "friends"], "unknown circle"),
        (["vouches", "maybe"], "true or false"),
        (["snooze_until", "2026-12-01", "2027-01-01"], "takes one value"),
        (["company"], "Missing argument 'VALUE...'"),
        (["", "x"], "is not a key"),
    ],
)
def test_set_refuses_bad_values(vault: Path, args: list[str], message: str) -> None:
    before = snapshot(vault)
    result = run(vault, "set", "jane", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert snapshot(vault) == before


def test_set_dry_run(vault: Path) -> None:
    before = snapshot(vault)
    result = run(vault, "set", "zoe", "city", "Bonn", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout == (
        "--- a/contacts/Zoë Müller.md\n+++ b/contacts/Zoë Müller.md\n"
        "@@ -1,3 +1,3 @@\n ---\n-city: Köln\n+city: Bonn\n ---\n"
    )
    assert snapshot(vault) == before


def test_dry_run_shows_a_missing_final_newline(vault: Path) -> None:
    (vault / "contacts" / "Zoë Müller.md").write_bytes(b"---\ncity: K\n---\nlast")
    result = run(vault, "log", "zoe", "-m", "x", "--today", TODAY, "--dry-run")
    assert result.stdout.endswith(
        "-last\n\\ No newline at end of file\n+last\n+\n+## Log\n+\n+- 2026-11-27 x\n"
        "\\ No newline at end of file\n"
    )


def test_unset(vault: Path) -> None:
    result = run(vault, "unset", "jane", "aliases")
    assert result.exit_code == 0, result.output
    assert result.stdout == "contacts/Jane Doe.md: aliases removed (was JD)\n"
    assert read(vault, "contacts/Jane Doe.md") == JANE.replace("aliases: [JD]\n", "")
    result = run(vault, "unset", "jane", "aliases")
    assert result.exit_code == 0
    assert "contacts/Jane Doe.md: has no aliases; nothing changed" in result.stderr


def test_snooze(vault: Path) -> None:
    result = run(vault, "snooze", "jane", "3m", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.stdout == "contacts/Jane Doe.md: snooze_until: (none) → 2027-02-27\n"
    result = run(vault, "snooze", "jane", "2027-03-01", "--today", TODAY)
    assert result.stdout == "contacts/Jane Doe.md: snooze_until: 2027-02-27 → 2027-03-01\n"
    assert "snooze_until: 2027-03-01\n---" in read(vault, "contacts/Jane Doe.md")
    for bad, message in [("2026-11-27", "not after today"), ("later", "neither a date")]:
        result = run(vault, "snooze", "jane", bad, "--today", TODAY)
        assert result.exit_code == 2
        assert message in result.stderr


# --- help ------------------------------------------------------------------------------------

WRITE_COMMANDS = ["add", "log", "done", "follow-up", "set", "unset", "snooze", "edit"]


@pytest.mark.parametrize("command", WRITE_COMMANDS)
def test_help_has_examples_and_the_write_options(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"], terminal_width=100)
    assert result.exit_code == 0
    assert "Examples:\n" in result.output
    assert "--no-commit" in result.output
    if command != "edit":
        assert "--dry-run" in result.output
    for line in result.output.split("Examples:\n", 1)[1].split("\n\n", 1)[0].splitlines():
        assert line.lstrip().startswith(("netzmd ", "EDITOR=")), line


def test_the_commands_are_listed_in_the_main_help() -> None:
    result = CliRunner().invoke(main, ["--help"])
    for command in WRITE_COMMANDS:
        assert f"  {command} " in result.output


@pytest.mark.parametrize(
    ("args", "unknown", "suggestion"),
    [
        (["set", "jane", "company", "Bar AG", "--dryrun"], "--dryrun", "--dry-run"),
        (["set", "jane", "city", "Berlin", "--no-comit"], "--no-comit", "--no-commit"),
        (["set", "zoe", "company", "X", "--today", "2026-12-05"], "--today", None),
        (["set", "zoe", "--dry-rn", "company", "X"], "--dry-rn", "--dry-run"),
        (["set", "zoe", "company", "X", "-x"], "-x", None),
        (["set", "zoe", "company", "X", "--dry-run=yes"], None, None),
        (["unset", "jane", "company", "--dryrun"], "--dryrun", "--dry-run"),
        (["log", "jane", "-m", "x", "--no-comit"], "--no-comit", "--no-commit"),
        (["follow-up", "jane", "-m", "x", "--due", "3d", "--dryrun"], "--dryrun", "--dry-run"),
        (["snooze", "jane", "3m", "--dryrun"], "--dryrun", "--dry-run"),
        (["done", "jane", "CFP", "--dryrun"], "--dryrun", "--dry-run"),
        (["add", "New Person", "--dryrun"], "--dryrun", "--dry-run"),
    ],
)
def test_an_unknown_option_is_a_usage_error_and_writes_nothing(
    vault: Path, args: list[str], unknown: str | None, suggestion: str | None
) -> None:
    before = snapshot(vault)
    result = run(vault, *args)
    assert result.exit_code == 2, result.output
    assert snapshot(vault) == before
    if unknown is not None:
        assert f"No such option '{unknown}'." in result.output
    if suggestion is not None:
        assert f"'{suggestion}'" in result.output.split("Did you mean", 1)[1]


def test_set_values_that_begin_with_a_dash(vault: Path) -> None:
    assert run(vault, "set", "zoe", "birthday", "--03-14").exit_code == 0
    assert 'birthday: "--03-14"' in read(vault, "contacts/Zoë Müller.md")
    assert run(vault, "set", "zoe", "score", "-5", "--no-commit").exit_code == 0
    assert 'score: "-5"' in read(vault, "contacts/Zoë Müller.md")
    result = run(vault, "set", "jane", "motto", "--no-commit", "--", "-ish")
    assert result.exit_code == 0, result.output
    assert 'motto: "-ish"\n' in read(vault, "contacts/Jane Doe.md")
    refused = run(vault, "set", "jane", "motto", "-ish")
    assert refused.exit_code == 2
    assert "netzmd set NAME KEY -- -ish" in refused.output
    assert "goes after `--`" in run(vault, "set", "--help").output


def test_follow_up_that_recurs_and_friendly_due_days(vault: Path) -> None:
    # 2026-11-30 is a Monday: 'monday' is the next one, a week ahead.
    for m, (due, every, line) in zip(
        ["c1", "c2", "c3", "c4", "c5"],
        [
            ("2026-12-01", "3 months", "- [ ] {m} 🔁 every 3 months 📅 2026-12-01"),
            ("monday", "every week on Monday", "- [ ] {m} 🔁 every week on Monday 📅 2026-12-07"),
            (
                "tomorrow",
                "month on the last  Friday",
                "- [ ] {m} 🔁 every month on the last Friday 📅 2026-12-01",
            ),
            ("today", None, "- [ ] {m} 📅 2026-11-30"),
            ("3d", "2 weeks when done", "- [ ] {m} 🔁 every 2 weeks when done 📅 2026-12-03"),
        ],
        strict=True,
    ):
        extra = ["--every", every] if every else []
        args = ["follow-up", "zoe", "-m", m, "--due", due, *extra, "--today", "2026-11-30"]
        result = run(vault, *args)
        assert result.exit_code == 0, result.output
        assert result.stdout == f"contacts/Zoë Müller.md: + {line.format(m=m)}\n"
        assert read(vault, "contacts/Zoë Müller.md").endswith(f"{line.format(m=m)}\n")
        assert run(vault, "done", "zoe", m, "--today", "2026-12-01").exit_code == 0
    text = read(vault, "contacts/Zoë Müller.md")
    # done understood every rule it wrote: each recurring one got its next occurrence.
    assert "- [ ] c1 🔁 every 3 months 📅 2027-03-01\n" in text
    assert "- [ ] c2 🔁 every week on Monday 📅 2026-12-14\n" in text
    assert "- [ ] c3 🔁 every month on the last Friday 📅 2026-12-25\n" in text
    assert "- [ ] c5 🔁 every 2 weeks when done 📅 2026-12-15\n" in text


# --- add in one go, two people with one name (issue 10, item 12) ----------------------------------


def test_add_takes_every_field_in_one_note_and_one_commit(vault: Path) -> None:
    import subprocess

    env = {"GIT_AUTHOR_DATE": "2026-11-27T10:00:00", "GIT_COMMITTER_DATE": "2026-11-27T10:00:00"}
    env |= {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com"}
    env |= {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "start"]):
        subprocess.run(["git", *args], cwd=vault, check=True, env={**os.environ, **env})
    result = run(
        vault, "add", "Ana Lima", "--alias", "Ana", "--alias", "A. Lima", "--email",
        "ana@example.com", "--phone", "0170123", "--city", "Köln", "--birthday", "--03-14",
        "--linkedin", "https://www.linkedin.com/in/example", "--role", "CTO", "--met",
        "PyCon 2026", "--note", "prefers mornings: call before 10", "--today", TODAY, env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert read(vault, "contacts/Ana Lima.md") == (
        "---\n"
        "aliases: [Ana, A. Lima]\n"
        "role: CTO\n"
        "email: ana@example.com\n"
        'phone: "0170123"\n'
        "city: Köln\n"
        "linkedin: https://www.linkedin.com/in/example\n"
        'birthday: "--03-14"\n'
        "met: PyCon 2026\n"
        "---\n"
        "\n"
        "## Notes\n"
        "\n"
        "prefers mornings: call before 10\n"
        "\n"
        "## Log\n"
        "\n"
        "## Follow-ups\n"
    )
    log = subprocess.run(
        ["git", "log", "--format=%s", "--name-only", "-1"], cwd=vault, capture_output=True,
        text=True, check=True,
    ).stdout  # fmt: skip
    assert log.split() == ["add:", "Ana", "Lima", "contacts/Ana", "Lima.md"]
    shown = json.loads(run(vault, "show", "a. lima", "--format", "json").stdout)
    assert shown["birthday"] == "--03-14"
    assert shown["aliases"] == ["Ana", "A. Lima"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--birthday", "sometime"], "birthday 'sometime' is not a date"),
        (["--birthday", "2023-02-29"], "is not a date"),
        (["--alias", "JD"], "'Ana Lima' (the alias) is taken already: Jane Doe"),
        (["--note", "  "], "--note) is empty"),
        (["--file", "Jane Doe"], "contacts/Jane Doe.md exists already"),
        (["--file", "jd"], "'jd' (the file name) is taken already: Jane Doe"),
    ],
)
def test_add_refuses_bad_new_fields(vault: Path, args: list[str], message: str) -> None:
    before = snapshot(vault)
    result = run(vault, "add", "Ana Lima", *args)
    assert result.exit_code in (1, 2), result.output
    assert message in result.output
    assert snapshot(vault) == before


def test_an_old_template_that_drops_a_field_writes_nothing(vault: Path) -> None:
    (vault / "templates").mkdir()
    (vault / "templates" / "contact.md.j2").write_text(
        "---\nname: {{ yaml(name) }}\n{% if email %}email: {{ yaml(email) }}\n{% endif %}---\n",
        encoding="utf-8",
    )
    before = snapshot(vault)
    result = run(vault, "add", "Ana Lima", "--email", "a@example.com", "--birthday", "--03-14")
    assert result.exit_code == 1
    assert "does not write birthday; nothing was written" in result.output
    assert "netzmd templates reset contact.md.j2" in result.output
    assert snapshot(vault) == before
    assert run(vault, "add", "Ana Lima", "--email", "a@example.com").exit_code == 0


def test_two_people_with_one_name(vault: Path) -> None:
    refused = run(vault, "add", "Jane Doe")
    assert refused.exit_code == 1
    assert "--file 'Jane Doe (company)'" in refused.output
    result = run(vault, "add", "Jane Doe", "--file", "Jane Doe (Acme)", "--company", "Acme")
    assert result.exit_code == 0, result.output
    assert result.stdout == "created contacts/Jane Doe (Acme).md\n"
    assert read(vault, "contacts/Jane Doe (Acme).md").startswith(
        "---\nname: Jane Doe\ncompany: Acme\n---\n"
    )
    # The exact file name wins over the names and aliases of other notes ...
    for query, path in [
        ("Jane Doe", "contacts/Jane Doe.md"),
        ("jane doe", "contacts/Jane Doe.md"),
        ("Jane Doe.md", "contacts/Jane Doe.md"),
        ("Jane Doe (Acme)", "contacts/Jane Doe (Acme).md"),
        ("jane doe (acme).md", "contacts/Jane Doe (Acme).md"),
        ("JD", "contacts/Jane Doe.md"),
    ]:
        shown = json.loads(run(vault, "show", query, "--format", "json").stdout)
        assert shown["path"] == path, query
    # ... in every command that takes NAME.
    logged = run(vault, "log", "Jane Doe (Acme)", "-m", "lunch", "--today", TODAY, "--no-commit")
    assert logged.exit_code == 0, logged.output
    assert logged.stdout.startswith("contacts/Jane Doe (Acme).md: + - 2026-11-27 lunch")
    # check still warns of the shared name, and says which file name picks each.
    warned = run(vault, "check").stdout
    assert "(the file name picks this one: netzmd show 'Jane Doe (Acme)')" in warned
    # Anything else that matches both lists the file names to use.
    ambiguous = run(vault, "show", "jane")
    assert ambiguous.exit_code == 1
    assert "(contacts/Jane Doe.md)" in ambiguous.output
    assert "(contacts/Jane Doe (Acme).md)" in ambiguous.output


def test_one_file_name_in_two_folders_needs_the_path(vault: Path) -> None:
    (vault / "contacts" / "old").mkdir()
    (vault / "contacts" / "old" / "Jane Doe.md").write_text("---\nname: Jane D.\n---\n")
    result = run(vault, "show", "Jane Doe")
    assert result.exit_code == 1
    assert "(contacts/Jane Doe.md)" in result.output
    assert "(contacts/old/Jane Doe.md)" in result.output
    shown = run(vault, "show", "contacts/old/Jane Doe.md", "--format", "json")
    assert json.loads(shown.stdout)["name"] == "Jane D."


def test_a_rule_done_cannot_continue_names_the_file_and_line(vault: Path) -> None:
    path = vault / "contacts" / "Zoë Müller.md"
    path.write_text("---\ncity: Köln\n---\n- [ ] call 🔁 every blue moon 📅 2026-12-01\n")
    result = run(vault, "done", "zoe", "--today", TODAY)
    assert result.exit_code == 1
    assert result.stderr.startswith("contacts/Zoë Müller.md:4: error: ")
    assert "Traceback" not in result.output


def test_a_new_company_moves_the_old_one_to_former(vault: Path) -> None:
    result = run(vault, "set", "jane", "company", "Bar AG")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "contacts/Jane Doe.md: company: Acme GmbH → Bar AG\n"
        "contacts/Jane Doe.md: former: + Acme GmbH\n"
    )
    assert read(vault, "contacts/Jane Doe.md") == JANE.replace(
        "company: Acme GmbH\n", "company: Bar AG\n"
    ).replace("last_contact: 2026-10-01\n", "last_contact: 2026-10-01\nformer: [Acme GmbH]\n")
    # back to the old company: it is in former already, so former stays as it is
    assert run(vault, "set", "jane", "company", "ACME GmbH").exit_code == 0
    text = read(vault, "contacts/Jane Doe.md")
    assert "company: ACME GmbH\n" in text and "former: [Acme GmbH, Bar AG]\n" in text
    # the same company in other letters is no move
    assert run(vault, "set", "jane", "company", "acme gmbh").exit_code == 0
    assert "former: [Acme GmbH, Bar AG]\n" in read(vault, "contacts/Jane Doe.md")


def test_a_first_company_has_no_former(vault: Path) -> None:
    assert run(vault, "set", "max", "company", "Initech").exit_code == 0
    assert "former" not in read(vault, "contacts/colleagues/Max Mustermann.md")


def test_a_former_that_is_not_a_list_refuses_the_move(vault: Path) -> None:
    path = vault / "contacts/Zoë Müller.md"
    path.write_text("---\ncompany: A\nformer: {x: 1}\n---\n", encoding="utf-8")
    result = run(vault, "set", "zoe", "company", "B")
    assert result.exit_code == 2 and "--no-former" in result.stderr
    assert run(vault, "set", "zoe", "company", "B", "--no-former").exit_code == 0


def test_introduce_writes_both_notes_in_one_commit(vault: Path, git_env: Path) -> None:
    from conftest import git, init_repo

    init_repo(vault)
    result = run(
        vault, "introduce", "jane", "max", "-m", "both do Terraform", "--today", "2026-11-30"
    )
    assert result.exit_code == 0, result.output
    jane = read(vault, "contacts/Jane Doe.md")
    assert "- 2026-11-30 [intro] introduced to [[Max Mustermann]]: both do Terraform\n" in jane
    assert "last_contact: 2026-11-30\n" in jane
    mx = read(vault, "contacts/colleagues/Max Mustermann.md")
    assert "- 2026-11-30 [intro] introduced to [[Jane Doe]]: both do Terraform\n" in mx
    log = git(vault, "log", "-1", "--format=%s", "--name-only").split("\n")
    assert log[0] == "introduce: Jane Doe and Max Mustermann"
    assert sorted(x for x in log[1:] if x) == [
        "contacts/Jane Doe.md",
        "contacts/colleagues/Max Mustermann.md",
    ]


def test_introduce_refuses_one_person_twice_and_writes_nothing_on_a_dry_run(
    vault: Path,
) -> None:
    same = run(vault, "introduce", "jane", "JD")
    assert same.exit_code == 2 and "twice" in same.stderr
    before = read(vault, "contacts/Jane Doe.md")
    dry = run(vault, "introduce", "jane", "max", "--dry-run", "--date", "2026-11-01")
    assert dry.exit_code == 0 and "+- 2026-11-01 [intro] introduced to [[Max Mustermann]]" in (
        dry.stdout
    )
    assert read(vault, "contacts/Jane Doe.md") == before


def test_introduce_writes_none_when_one_note_is_broken(vault: Path) -> None:
    (vault / "contacts/Zoë Müller.md").write_text("---\ncity: [x\n---\n", encoding="utf-8")
    before = read(vault, "contacts/Jane Doe.md")
    result = run(vault, "introduce", "jane", "contacts/Zoë Müller.md")
    assert result.exit_code == 1 and "broken note" in result.stderr
    assert read(vault, "contacts/Jane Doe.md") == before
