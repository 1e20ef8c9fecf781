"""Finding the vault and deciding which files in it are notes (netzmd.vault)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import MakeVault, note

from netzmd.errors import UsageError, VaultNotFound
from netzmd.vault import Vault, find_vault, is_vault, scan_notes

# --- find_vault ---------------------------------------------------------------------------------


def test_explicit_vault_is_used_and_resolved(make_vault: MakeVault, tmp_path: Path) -> None:
    root = make_vault()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    vault = find_vault(str(root), elsewhere)
    assert vault.root == root.resolve()


def test_explicit_vault_with_only_netzmd_toml(tmp_path: Path) -> None:
    root = tmp_path / "v"
    root.mkdir()
    (root / "netzmd.toml").write_text("", encoding="utf-8")
    assert find_vault(str(root), tmp_path).root == root.resolve()


def test_explicit_vault_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(VaultNotFound) as info:
        find_vault(str(tmp_path / "nope"), tmp_path)
    assert "does not exist" in info.value.message
    assert info.value.exit_code == 2
    assert isinstance(info.value, UsageError)


def test_explicit_folder_that_is_not_a_vault(tmp_path: Path) -> None:
    with pytest.raises(VaultNotFound) as info:
        find_vault(str(tmp_path), tmp_path)
    assert "not a netzmd vault" in info.value.message
    assert info.value.hint is not None and "netzmd init" in info.value.hint


@pytest.mark.parametrize("marker", ["netzmd.toml", "contacts"])
def test_walks_up_to_the_first_vault(tmp_path: Path, marker: str) -> None:
    root = tmp_path / "network"
    deep = root / "a" / "b" / "c"
    deep.mkdir(parents=True)
    if marker == "contacts":
        (root / "contacts").mkdir()
    else:
        (root / marker).write_text("", encoding="utf-8")
    assert find_vault(None, deep).root == root.resolve()
    assert find_vault(None, root).root == root.resolve()


def test_nearest_vault_wins(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    inner = outer / "nested" / "inner"
    (outer / "contacts").mkdir(parents=True)
    (inner / "contacts").mkdir(parents=True)
    assert find_vault(None, inner / "contacts").root == inner.resolve()
    assert find_vault(None, outer / "nested").root == outer.resolve()


def test_a_contacts_file_is_not_a_vault(tmp_path: Path) -> None:
    (tmp_path / "contacts").write_text("not a folder", encoding="utf-8")
    assert not is_vault(tmp_path)


def test_no_vault_anywhere(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    if any(is_vault(p) for p in (empty.resolve(), *empty.resolve().parents)):
        pytest.skip("a folder above the temporary directory looks like a vault")
    with pytest.raises(VaultNotFound) as info:
        find_vault(None, empty)
    assert info.value.exit_code == 2
    hint = info.value.hint or ""
    assert "--vault" in hint and "NETZMD_VAULT" in hint and "netzmd init" in hint


# --- scan_notes ---------------------------------------------------------------------------------


def scan(root: Path) -> tuple[list[str], list[str]]:
    result = scan_notes(Vault(root))
    return sorted(result.files), sorted(str(p) for p in result.problems)


def test_vault_rel_is_slash_separated(tmp_path: Path) -> None:
    vault = Vault(tmp_path)
    assert vault.rel(tmp_path / "contacts" / "sub" / "a.md") == "contacts/sub/a.md"
    assert vault.contacts == tmp_path / "contacts"
    assert vault.cache == tmp_path / ".netzmd"


def test_only_markdown_under_contacts_is_a_note(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "contacts/Jane Doe.md": note("name: Jane Doe"),
            "contacts/UPPER.MD": note("name: Upper"),
            "contacts/sub/deeper/Max.md": note("name: Max"),
            "contacts/photo.png": "not text",
            "contacts/notes.txt": "text",
            "contacts/Jane Doe.md.bak": "backup",
            "contacts/Jane Doe.md~": "editor backup",
            "contacts/.hidden.md": note("name: Hidden"),
            "contacts/.obsidian/workspace.md": note("name: Obsidian"),
            "contacts/.trash/Old.md": note("name: Trashed"),
            "contacts/sub/.git/x.md": note("name: Git"),
            "README.md": "# not a contact",
            "templates/contact.md": note("name: Template"),
            ".obsidian/app.md": "settings",
        }
    )
    files, problems = scan(root)
    assert files == ["contacts/Jane Doe.md", "contacts/UPPER.MD", "contacts/sub/deeper/Max.md"]
    assert problems == []


def test_stat_key_is_size_mtime_ctime_inode(make_vault: MakeVault) -> None:
    root = make_vault({"contacts/A.md": "hello"})
    st = os.stat(root / "contacts" / "A.md")
    key = scan_notes(Vault(root)).files["contacts/A.md"]
    assert key == (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def test_no_contacts_folder_means_no_notes(tmp_path: Path) -> None:
    (tmp_path / "netzmd.toml").write_text("", encoding="utf-8")
    assert scan(tmp_path) == ([], [])


def test_symlink_outside_the_vault_is_an_error_and_not_read(
    make_vault: MakeVault, tmp_path: Path
) -> None:
    root = make_vault({"contacts/A.md": note("name: A")})
    outside = tmp_path / "outside.md"
    outside.write_text(note("name: Outsider"), encoding="utf-8")
    (root / "contacts" / "Out.md").symlink_to(outside)
    result = scan_notes(Vault(root))
    assert sorted(result.files) == ["contacts/A.md"]
    [problem] = result.problems
    assert (problem.path, problem.line, problem.severity) == ("contacts/Out.md", 1, "error")
    assert problem.message.startswith("symlink points outside the vault")


def test_symlinked_folder_outside_the_vault_is_an_error(
    make_vault: MakeVault, tmp_path: Path
) -> None:
    root = make_vault()
    outside = tmp_path / "other"
    outside.mkdir()
    (outside / "B.md").write_text(note("name: B"), encoding="utf-8")
    (root / "contacts" / "linked").symlink_to(outside, target_is_directory=True)
    result = scan_notes(Vault(root))
    assert result.files == {}
    assert [(p.path, p.severity) for p in result.problems] == [("contacts/linked", "error")]


def test_symlink_inside_the_vault_is_read(make_vault: MakeVault) -> None:
    root = make_vault({"people/Inside.md": note("name: Inside")})
    (root / "contacts" / "Inside.md").symlink_to(Path("..") / "people" / "Inside.md")
    result = scan_notes(Vault(root))
    assert list(result.files) == ["contacts/Inside.md"]
    assert result.problems == []
    target = os.stat(root / "people" / "Inside.md")
    assert result.files["contacts/Inside.md"][0] == target.st_size


def test_symlink_inside_a_vault_reached_through_a_symlink(
    make_vault: MakeVault, tmp_path: Path
) -> None:
    real = make_vault({"people/Inside.md": note("name: Inside")})
    (real / "contacts" / "Inside.md").symlink_to(real / "people" / "Inside.md")
    alias = tmp_path / "alias"
    alias.symlink_to(real, target_is_directory=True)
    result = scan_notes(Vault(alias))
    assert list(result.files) == ["contacts/Inside.md"]
    assert result.problems == []


def test_broken_symlink_and_symlinked_folder_are_warnings(make_vault: MakeVault) -> None:
    root = make_vault({"people/x.md": note("name: X")})
    (root / "contacts" / "Gone.md").symlink_to(root / "contacts" / "missing.md")
    (root / "contacts" / "people").symlink_to(root / "people", target_is_directory=True)
    result = scan_notes(Vault(root))
    assert result.files == {}
    assert sorted((p.path, p.severity) for p in result.problems) == [
        ("contacts/Gone.md", "warning"),
        ("contacts/people", "warning"),
    ]


def test_symlink_to_a_non_markdown_file_is_ignored(make_vault: MakeVault) -> None:
    root = make_vault({"people/x.txt": "text"})
    (root / "contacts" / "x.md").symlink_to(root / "people" / "x.txt")
    (root / "contacts" / "y.txt").symlink_to(root / "people" / "x.txt")
    result = scan_notes(Vault(root))
    # the link's own name decides: x.md is a note (its target is a regular file), y.txt is not
    assert list(result.files) == ["contacts/x.md"]
