"""``netzmd init``: a new vault, made without ever overwriting a file."""

from __future__ import annotations

import shutil
import subprocess
from importlib import resources
from pathlib import Path

from netzmd.config import CONFIG_NAME
from netzmd.errors import NetzmdError
from netzmd.vault import CACHE, CONTACTS, TEMPLATES

DEFAULT_CONFIG = """\
# netzmd settings. Every line below is commented out and shows the default.

# Default cadence per circle: how often to be in touch with someone who has no
# `cadence:` of their own. 30d, 6w, 3m, 1y, or weekly, monthly, quarterly, yearly.
# [cadence]
# career = "1y"
# competence = "3m"
# publication = "6m"

# Greeting occasions. Without any [[occasions]], Christmas is the one below.
# A contact is greeted when in any of `circles` or with any of `tags`;
# with neither given, every contact in the competence circle.
# [[occasions]]
# name = "Christmas"
# date = "12-24"
# lead_days = 21
# circles = ["competence"]
# tags = []

# Commit each change that netzmd writes (add, log, done, set, …) to git.
# auto_commit = true

# `netzmd watch` commits edits after a quiet period (same as watch --commit).
# auto_commit_watch = false

# The agenda note that `netzmd watch` keeps up to date, relative to the vault.
# agenda_note = "Agenda.md"

# How many days a job change stays in the agenda's News.
# news_days = 30
"""


def builtin_templates() -> Path:
    """The templates shipped in the package; in a source checkout, the top-level templates/."""
    packaged = Path(str(resources.files("netzmd"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates"


def init_vault(root: Path) -> list[str]:
    """Create what is missing; return one line per thing made or kept."""
    report: list[str] = []
    try:
        root.mkdir(parents=True, exist_ok=True)
        for folder in (CONTACTS, TEMPLATES):
            target = root / folder
            if target.is_dir():
                report.append(f"kept     {folder}/")
            else:
                target.mkdir()
                report.append(f"created  {folder}/")
        source = builtin_templates()
        if source.is_dir():
            for template in sorted(source.iterdir()):
                if template.is_file() and not template.name.startswith("."):
                    _write_new(
                        root / TEMPLATES / template.name, root, template.read_text("utf-8"), report
                    )
        _write_new(root / CONFIG_NAME, root, DEFAULT_CONFIG, report)
        _write_new(root / ".gitignore", root, f"{CACHE}/\n", report)
    except OSError as exc:
        raise NetzmdError(f"cannot create the vault at {root}: {exc.strerror}") from None
    report.append(_git_init(root))
    report.append(f"vault ready at {root.resolve()}")
    return report


def _write_new(path: Path, root: Path, text: str, report: list[str]) -> None:
    rel = path.relative_to(root).as_posix()
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        report.append(f"created  {rel}")
    except FileExistsError:
        report.append(f"kept     {rel} (exists)")


def _git_init(root: Path) -> str:
    git = shutil.which("git")
    if git is None:
        return "git is not installed: no repository made (netzmd works without it)"
    inside = subprocess.run(
        [git, "rev-parse", "--is-inside-work-tree"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if inside.returncode == 0 and inside.stdout.strip() == "true":
        return "kept     git repository (the folder is inside one already)"
    done = subprocess.run(
        [git, "init", "-q"], cwd=root, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return f"git init failed: {done.stderr.strip()}"
    return "created  git repository"
