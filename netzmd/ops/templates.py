"""Which templates a vault renders with, where each comes from, and copies that went stale.

The built-in templates ship with netzmd and improve with it. A vault may hold its own copy in
``templates/`` to customise one; that copy wins. A copy that is byte for byte (line endings and a
BOM aside) a built-in of an earlier release is no customisation at all: it only hides every later
improvement. ``RELEASED`` remembers the fingerprint of every built-in version there has been, so
that such a copy can be recognised and removed safely; a test keeps it up to date.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from netzmd.errors import NetzmdError, UsageError
from netzmd.vault import TEMPLATES, Vault, builtin_templates

# Fingerprints (``fingerprint``) of every version of each built-in template that netzmd has
# shipped, newest first. When a built-in template changes, add its new fingerprint in front;
# tests/test_ops_templates.py fails until it is here.
RELEASED: dict[str, tuple[str, ...]] = {
    "agenda.md.j2": (
        "a1cd215ba74f9f9c",
        "a96ab7af9c2ecbca",
        "08cf09ad9051600d",
        "4b387df3d4031573",
        "1eced9513ab962d2",
    ),
    "agenda.txt.j2": (
        "f318fd86c7ab826e",
        "cd694a64ac4fdd57",
        "cba7fe33cd98107f",
        "8fd1387bbec023e4",
        "110f55fe3b8e47a1",
        "25bf83f3593b8cdc",
    ),
    "contact.md.j2": ("f919772b28a1ef77", "1a7e6cd7a72e0ab4"),
    "greetings/_closing.de.md.j2": ("a1ec508f479c7af3",),
    "greetings/_closing.en.md.j2": ("257038bcf1b2ff3b",),
    "greetings/_memo.de.md.j2": ("b43be85842ebb38f",),
    "greetings/_memo.en.md.j2": ("329652f8aecb7d7c",),
    "greetings/_personal.de.md.j2": ("eeaf34fab10eaad1", "39cd274fa64f5a86"),
    "greetings/_personal.en.md.j2": ("06a35ef062083236", "a8f786cfc42c60dd"),
    "greetings/birthdays.de.md.j2": ("b3fca24432828720",),
    "greetings/birthdays.en.md.j2": ("e09a98f38fdb1e7d",),
    "greetings/christmas.de.md.j2": ("2e103555352f63be",),
    "greetings/christmas.en.md.j2": ("0c74699f2de2f037",),
    "greetings/default.de.md.j2": ("5c720093c41003ca",),
    "greetings/default.en.md.j2": ("7ebaf806fd754123",),
    "greetings/new-year.de.md.j2": ("2f0cba777774ac72",),
    "greetings/new-year.en.md.j2": ("31060b21fc79cf9b",),
    "greetings/news.de.md.j2": ("fff21f605ea3f2c7",),
    "greetings/news.en.md.j2": ("b434e99ae8c3d5e8",),
}

BUILT_IN = "built-in"
CUSTOM = "vault, customised"
SAME = "vault, same as the built-in"
STALE = "vault, unchanged copy of an older built-in"
OWN = "vault only"


def fingerprint(data: bytes) -> str:
    """A template's identity regardless of a BOM and CRLF line endings (a checkout on
    Windows): the first 16 hex digits of the SHA-256 of its UTF-8 text with LF endings."""
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff").replace("\r\n", "\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Template:
    """One template name as the vault sees it. ``source`` is one of the constants above;
    ``path`` the file that is rendered (the vault's copy, or the built-in one)."""

    name: str
    source: str
    path: Path

    @property
    def hides_improvements(self) -> bool:
        return self.source in (SAME, STALE)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "source": self.source,
            "path": str(self.path),
            "hides_improvements": self.hides_improvements,
        }


def _templates(folder: Path) -> dict[str, Path]:
    """The templates in ``folder`` by name: the file name, or for one in a subfolder its path
    there (``greetings/christmas.de.md.j2``), as the templates are looked up."""
    return {
        p.relative_to(folder).as_posix(): p
        for p in sorted(folder.rglob("*.j2"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


def _builtins() -> dict[str, Path]:
    return _templates(builtin_templates())


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise NetzmdError(f"{path}: cannot read it: {exc.strerror}") from None


def in_use(vault: Vault) -> list[Template]:
    """Every template the vault renders with (the built-in names, and the vault's own
    templates), in name order."""
    builtins = _builtins()
    own: dict[str, Path] = {}
    if vault.templates.is_dir():
        own = _templates(vault.templates)
    out: list[Template] = []
    for name in sorted({*builtins, *own}):
        copy, builtin = own.get(name), builtins.get(name)
        if copy is None:
            assert builtin is not None
            out.append(Template(name, BUILT_IN, builtin))
            continue
        if builtin is None:
            out.append(Template(name, OWN, copy))
            continue
        mine = fingerprint(_read(copy))
        if mine == fingerprint(_read(builtin)):
            source = SAME
        elif mine in RELEASED.get(name, ()):
            source = STALE
        else:
            source = CUSTOM
        out.append(Template(name, source, copy))
    return out


def _builtin(name: str) -> Path:
    builtins = _builtins()
    if name not in builtins:
        raise UsageError(
            f"there is no built-in template '{name}'",
            hint=f"Built-in templates: {', '.join(builtins)}.",
        )
    return builtins[name]


@dataclass(frozen=True, slots=True)
class TemplateChange:
    """Copy (``data`` set) or remove (``data`` None) one template file of the vault."""

    rel: str
    path: Path
    data: bytes | None
    said: str


def copy(vault: Vault, name: str) -> TemplateChange:
    """Plan copying the built-in ``name`` into the vault's ``templates/``, to customise it.
    Never overwrites a copy that is there."""
    source = _builtin(name)
    target = vault.templates / name
    rel = f"{TEMPLATES}/{name}"
    if target.exists() or target.is_symlink():
        raise NetzmdError(
            f"{rel} exists already",
            hint=f"'netzmd templates' shows what it is; 'netzmd templates reset {name}' "
            "removes an unchanged copy first.",
        )
    return TemplateChange(rel, target, _read(source), f"copied the built-in {name} to {rel}")


def reset(vault: Vault, name: str, *, force: bool = False) -> TemplateChange:
    """Plan removing the vault's copy of ``name`` so the built-in is used again. A copy with
    changes of its own is removed only with ``force``: they would be lost."""
    _builtin(name)
    found = next((t for t in in_use(vault) if t.name == name), None)
    rel = f"{TEMPLATES}/{name}"
    if found is None or found.source == BUILT_IN:
        raise NetzmdError(f"{rel} does not exist: the built-in {name} is in use already")
    if found.source == CUSTOM and not force:
        raise NetzmdError(
            f"{rel} has changes of its own; removing it would lose them",
            hint=f"Compare it with the built-in ({_builtin(name)}); remove it with --force "
            "when you do not need them.",
        )
    return TemplateChange(rel, found.path, None, f"removed {rel}: the built-in {name} is used")
