"""``netzmd init``: a new vault, made without ever overwriting a file."""

from __future__ import annotations

from pathlib import Path

from netzmd.config import CONFIG_NAME, commented_toml
from netzmd.errors import NetzmdError
from netzmd.vault import CACHE, CONTACTS

DEFAULT_CONFIG = commented_toml()


def init_vault(root: Path) -> list[str]:
    """Create what is missing; return one line per thing made or kept. The built-in templates
    are not copied (a copy would never receive their later improvements; ``netzmd templates
    copy`` makes one to customise). When it makes the git repository, it commits what it
    created."""
    report: list[str] = []
    made: list[Path] = []
    try:
        root.mkdir(parents=True, exist_ok=True)
        target = root / CONTACTS
        if target.is_dir():
            report.append(f"kept     {CONTACTS}/")
        else:
            target.mkdir()
            report.append(f"created  {CONTACTS}/")
        for name, text in ((CONFIG_NAME, DEFAULT_CONFIG), (".gitignore", f"{CACHE}/\n")):
            if _write_new(root / name, root, text, report):
                made.append(root / name)
    except OSError as exc:
        raise NetzmdError(f"cannot create the vault at {root}: {exc.strerror}") from None
    line, created = _git_init(root)
    report.append(line)
    if created and made:
        from netzmd.git.commit import commit_paths

        result = commit_paths(root, made, "init: a new netzmd vault")
        said = result.line()
        if said is not None:
            report.append(said)
    report.append(f"vault ready at {root.resolve()}")
    return report


def _write_new(path: Path, root: Path, text: str, report: list[str]) -> bool:
    rel = path.relative_to(root).as_posix()
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        report.append(f"created  {rel}")
        return True
    except FileExistsError:
        report.append(f"kept     {rel} (exists)")
        return False


def _git_init(root: Path) -> tuple[str, bool]:
    """Make a repository unless the folder is in one; (what happened, whether it made one)."""
    from netzmd.git.run import Git

    parsed = Git.at(root)
    if parsed is None:
        return "git is not installed: no repository made (netzmd works without it)", False
    inside = parsed.text("rev-parse", "--is-inside-work-tree")
    if inside.returncode == 0 and inside.stdout.strip() == "true":
        return "kept     git repository (the folder is inside one already)", False
    # what git says when it fails is for the person: in their language
    done = Git(parsed.git, root, c_locale=False).text("init", "-q")
    if done.returncode != 0:
        return f"git init failed: {done.stderr.strip()}", False
    return "created  git repository", True
