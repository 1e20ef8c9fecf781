"""Where the vault is and which files in it are notes."""

from __future__ import annotations

import os
import stat as statmod
from dataclasses import dataclass, field
from pathlib import Path

from netzmd.config import CONFIG_NAME
from netzmd.errors import VaultNotFound
from netzmd.model.contact import Problem

CONTACTS = "contacts"
TEMPLATES = "templates"
CACHE = ".netzmd"


def builtin_templates() -> Path:
    """The templates shipped in the package; in a source checkout, the top-level templates/."""
    from importlib import resources

    packaged = Path(str(resources.files("netzmd"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates"


TEMP_SUFFIX = ".netzmd-tmp"  # atomic.TMP_SUFFIX, here without importing the write path

# size, mtime_ns, ctime_ns, inode: a file whose four numbers are unchanged is (nearly) unchanged.
StatKey = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Vault:
    root: Path

    @property
    def contacts(self) -> Path:
        return self.root / CONTACTS

    @property
    def templates(self) -> Path:
        return self.root / TEMPLATES

    @property
    def cache(self) -> Path:
        return self.root / CACHE

    def rel(self, path: Path) -> str:
        """A path relative to the vault, ``/``-separated, as used in output and the index."""
        return path.relative_to(self.root).as_posix()


_HINT = (
    "Run netzmd inside a vault (a folder with contacts/ or netzmd.toml), pass --vault PATH, "
    "set NETZMD_VAULT, or create one with 'netzmd init PATH'."
)


def is_vault(path: Path) -> bool:
    return (path / CONFIG_NAME).is_file() or (path / CONTACTS).is_dir()


def find_vault(explicit: str | None, cwd: Path) -> Vault:
    """``--vault`` or ``NETZMD_VAULT`` (passed in as ``explicit``), else walk up from ``cwd``."""
    if explicit:
        root = Path(explicit).expanduser()
        if not root.is_dir():
            raise VaultNotFound(f"vault folder '{explicit}' does not exist", hint=_HINT)
        if not is_vault(root):
            raise VaultNotFound(
                f"'{explicit}' is not a netzmd vault: it has neither contacts/ nor {CONFIG_NAME}",
                hint=_HINT,
            )
        return Vault(root.resolve())
    here = cwd.resolve()
    for folder in (here, *here.parents):
        if is_vault(folder):
            return Vault(folder)
    raise VaultNotFound(f"no netzmd vault in {here} or any folder above it", hint=_HINT)


@dataclass(slots=True)
class Scan:
    files: dict[str, StatKey] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def scan_notes(vault: Vault) -> Scan:
    """Every ``*.md`` under ``contacts/`` with its stat key; hidden files and folders are skipped.

    A symlink is followed only when it stays inside the vault; one that leaves it is an error.
    A temporary file that a netzmd killed mid-write left behind (hidden, so never a note) is
    removed on the way, so that every command cleans up without listing a folder twice.
    (Plain strings rather than Path objects: this runs for every note on every command.)"""
    result = Scan()
    root_real = os.path.realpath(vault.root)
    contacts = vault.contacts
    if contacts.is_symlink() and not _inside(root_real, os.path.realpath(contacts)):
        result.problems.append(
            Problem(
                CONTACTS,
                1,
                "error",
                f"contacts/ is a symlink to {os.path.realpath(contacts)}, outside the vault; "
                "netzmd does not follow it: move the folder into the vault instead",
            )
        )
        return result
    files = result.files
    temps: list[str] = []
    stack = [(str(contacts), CONTACTS + "/")]
    is_regular = statmod.S_ISREG
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except FileNotFoundError:
            continue
        except OSError as exc:
            result.problems.append(
                Problem(prefix.rstrip("/"), 1, "error", f"cannot read folder: {exc.strerror}")
            )
            continue
        for entry in entries:
            name = entry.name
            if name[0] == "." or name[-1] == "~":
                if name.endswith(TEMP_SUFFIX):
                    temps.append(entry.path)
                continue
            try:
                # the common case first, with one system call: a note that is a plain file
                if name.endswith(".md") or name.lower().endswith(".md"):
                    st = entry.stat(follow_symlinks=False)
                    if is_regular(st.st_mode):
                        files[prefix + name] = (
                            st.st_size,
                            st.st_mtime_ns,
                            st.st_ctime_ns,
                            st.st_ino,
                        )
                        continue
                if entry.is_symlink():
                    _symlink(vault, root_real, Path(entry.path), name, result)
                elif entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, prefix + name + "/"))
            except OSError:
                continue
    if temps:
        from netzmd.notes.atomic import sweep_files

        sweep_files(temps)
    return result


def _inside(root_real: str, target: str) -> bool:
    return os.path.commonpath([root_real, target]) == root_real


def _symlink(vault: Vault, root_real: str, path: Path, name: str, result: Scan) -> None:
    rel = vault.rel(path)
    target = os.path.realpath(path)
    if not _inside(root_real, target):
        result.problems.append(
            Problem(
                rel,
                1,
                "error",
                f"symlink points outside the vault (to {target}); netzmd does not follow it: "
                "move the note into the vault instead",
            )
        )
        return
    try:
        st = os.stat(path)
    except OSError:
        result.problems.append(Problem(rel, 1, "warning", "broken symlink: its target is missing"))
        return
    if statmod.S_ISDIR(st.st_mode):
        result.problems.append(
            Problem(rel, 1, "warning", "symlinked folder inside the vault is not followed")
        )
    elif statmod.S_ISREG(st.st_mode) and name.lower().endswith(".md"):
        result.files[rel] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def in_work_tree(folder: Path) -> bool:
    """Whether ``folder`` is inside a git work tree, by looking for ``.git`` upwards: a cheap
    test (no git process) for what only adds history when there is some."""
    here = folder.resolve()
    return any((p / ".git").exists() for p in (here, *here.parents))
