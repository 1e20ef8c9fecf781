"""Which paths matter to ``netzmd watch``, and where its agenda note goes.

``classify`` tells what a vault-relative path is to the watcher (a note, a folder of notes,
contacts/ or templates/ themselves, a template, the settings, the agenda note) or None to
ignore it: hidden folders, editors' swap, backup and temporary files, everything else. Also the
plain file reads the watcher needs (a file that may be gone, or still being written).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from netzmd.config import CONFIG_NAME, Config
from netzmd.errors import UsageError
from netzmd.model.campaign import CAMPAIGNS
from netzmd.vault import CONTACTS, TEMPLATES, Vault

# What a path is to the watcher.
NOTE = "note"  # contacts/**.md
FOLDER = "folder"  # a folder under contacts/ (a move takes its notes along)
STRUCTURE = "structure"  # contacts/, templates/ or Greetings/ itself: its watch may need renewing
TEMPLATE = "template"  # a file under templates/
CONFIG = "config"  # netzmd.toml
AGENDA = "agenda"  # the agenda note
CAMPAIGN = "campaign"  # a greeting campaign note in Greetings/ (``netzmd greet``)

_JUNK_SUFFIXES = (
    ".swp", ".swo", ".swx", ".swpx", ".tmp", ".temp", ".bak", ".part", ".crswap", ".netzmd-tmp",
)  # fmt: skip


def is_junk(name: str) -> bool:
    """Hidden files, swap, backup and temporary files of editors: never a note or template."""
    lowered = name.lower()
    return (
        not name
        or name.startswith(".")
        or name.endswith("~")
        or lowered.endswith(_JUNK_SUFFIXES)
        or name == "4913"  # vim's probe whether the folder is writable
        or (name.startswith("#") and name.endswith("#"))  # emacs auto-save
        or "___jb_" in name  # JetBrains safe write
    )


def classify(rel: str, is_dir: bool, agenda: str | None = None) -> str | None:
    """What the vault-relative path ``rel`` is to the watcher, or None to ignore it.

    Anything under a hidden folder (``.git/``, ``.obsidian/``, ``.trash/``, ``.netzmd/``) and
    editors' junk files are ignored; so is every other file outside ``contacts/``,
    ``templates/``, ``Greetings/`` and ``netzmd.toml``, except the agenda note."""
    if not rel:
        return None
    parts = rel.split("/")
    if any(part.startswith(".") for part in parts):
        return None
    if rel == agenda:
        return AGENDA
    if rel in (CONTACTS, TEMPLATES, CAMPAIGNS):
        return STRUCTURE
    name = parts[-1]
    if parts[0] == CONTACTS:
        if is_dir:
            return FOLDER
        if is_junk(name) or not name.lower().endswith(".md"):
            return None
        return NOTE
    if parts[0] == TEMPLATES:
        return None if is_junk(name) else TEMPLATE
    if parts[0] == CAMPAIGNS:
        return None if is_dir or is_junk(name) or not name.lower().endswith(".md") else CAMPAIGN
    if rel == CONFIG_NAME and not is_dir:
        return CONFIG
    return None


def relative(path: str, roots: Iterable[tuple[str, str]]) -> str | None:
    """``path`` as a vault-relative, ``/``-separated path, given the watched folders as
    (absolute folder, its vault-relative name, "" for the vault itself); the deepest folder that
    holds it wins. None when no watched folder holds it."""
    best: tuple[int, str] | None = None
    for folder, name in roots:
        if path == folder:
            rel = name
        elif path.startswith(folder.rstrip(os.sep) + os.sep):
            rest = path[len(folder.rstrip(os.sep)) + 1 :].replace(os.sep, "/")
            rel = f"{name}/{rest}" if name else rest
        else:
            continue
        if best is None or len(folder) > best[0]:
            best = (len(folder), rel)
    return best[1] if best else None


def inside(real: str, root: str) -> str | None:
    """The real path ``real`` relative to the real folder ``root`` (``/``-separated), or None
    when it is not inside it."""
    if not real.startswith(root.rstrip(os.sep) + os.sep):
        return None
    return real[len(root.rstrip(os.sep)) + 1 :].replace(os.sep, "/")


def agenda_target(vault: Vault, config: Config, output: Path | None = None) -> Path:
    """Where the agenda note goes: ``output``, else ``agenda_note`` from ``netzmd.toml`` (relative
    to the vault). Refused inside ``contacts/`` (it would be read as a contact) or in a folder
    that does not exist."""
    path = Path(os.path.abspath(output if output is not None else vault.root / config.agenda_note))
    real = os.path.realpath(path)
    contacts = os.path.realpath(vault.contacts)
    if real == contacts or real.startswith(contacts.rstrip(os.sep) + os.sep):
        raise UsageError(
            f"the agenda note {path} would be inside contacts/, where it would be read as a "
            "contact",
            hint="Put it elsewhere in the vault, e.g. Agenda.md at its root.",
        )
    if not path.parent.is_dir():
        raise UsageError(f"cannot write the agenda note {path}: the folder does not exist")
    return path


def read(path: Path) -> bytes | None:
    """The file's bytes; None when it does not exist (or is a folder)."""
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def read_stable(path: Path) -> tuple[bytes | None, bool]:
    """The file's bytes (None: it does not exist) and whether two reads in a row agree."""
    first = read(path)
    second = read(path)
    return second, first == second
