"""The one exception family: a file and line as attributes, formatted in one place."""

from __future__ import annotations

from conftest import MakeVault, Run

from netzmd.errors import ConfigError, NetzmdError


def test_an_error_in_a_file_carries_its_path_and_line() -> None:
    located = NetzmdError("bad thing", path="contacts/a.md", line=4, hint="fix it")
    assert (located.path, located.line, located.detail) == ("contacts/a.md", 4, "bad thing")
    assert located.message == "contacts/a.md:4: error: bad thing"
    assert str(located) == "contacts/a.md:4: error: bad thing\nfix it"
    assert NetzmdError("x", path="netzmd.toml").message == "netzmd.toml: error: x"
    plain = ConfigError("no such thing")
    assert (plain.path, plain.line, plain.message, str(plain)) == (
        None,
        None,
        "no such thing",
        "no such thing",
    )


def test_the_handler_formats_by_the_attributes_not_by_the_text(
    run: Run, make_vault: MakeVault
) -> None:
    vault = make_vault({"contacts/Jane.md": "---\ncity: x\n---\n"}, 'news_days = "a"\n')
    located = run(vault, "list")
    assert located.exit_code == 1
    assert located.stderr.startswith("netzmd.toml:1: error: news_days must be")
    # A message that only looks like path:line (here a name typed so) is not one.
    vault.joinpath("netzmd.toml").unlink()
    odd = run(vault, "show", "a:1: error: b")
    assert odd.exit_code == 1
    assert odd.stderr.startswith("netzmd: error: no contact matches 'a:1: error: b'")
