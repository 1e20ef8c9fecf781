"""The commands that read git history: ``history`` and ``changes``."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from netzmd.cli.app import main
from netzmd.cli.options import complete_contact, echo, format_option, today_option
from netzmd.cli.session import Session, real_today
from netzmd.errors import NotFound, UsageError

# --- shared -------------------------------------------------------------------------------------


def since_date(text: str, today: date) -> date:
    """``YYYY-MM-DD``, or a span back from today: ``7d``, ``2w``, ``3m``, ``1y`` (``7d`` is the
    day seven days before today)."""
    from netzmd.model.dates import date_or_span

    when = date_or_span(text, today, back=True)
    if when is None:
        raise UsageError(
            f"--since '{text.strip()}' is neither a date (YYYY-MM-DD) nor a span such as 7d, "
            "2w, 3m, 1y"
        )
    return when


def _color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _note_path(session: Session, name: str) -> str:
    """The vault-relative path of the note NAME means: a contact's name, alias or file name;
    or, for a note that is gone, its path (``contacts/Old Name.md``)."""
    from netzmd.store import queries

    try:
        return queries.resolve(session.index, name).path
    except NotFound:
        if not name.lower().endswith(".md"):
            raise
    root = session.vault.root
    given = Path(name)
    for base in (Path.cwd(), root):
        candidate = Path(os.path.normpath(base / given))
        try:
            return candidate.relative_to(root).as_posix()
        except ValueError:
            continue
    raise UsageError(f"'{name}' is not inside the vault {root}")


# --- history ------------------------------------------------------------------------------------


@main.command()
@click.argument("name", shell_complete=complete_contact)
@click.option(
    "--since",
    metavar="DATE|SPAN",
    help="Only commits of this day or later: YYYY-MM-DD, or a span back from today (30d, 6m).",
)
@click.option("--patch", is_flag=True, help="Add each commit's diff of the note.")
@format_option("text", "json")
@today_option
@click.pass_obj
def history(
    session: Session, name: str, since: str | None, patch: bool, fmt: str, today: date | None
) -> None:
    """Every commit that touched a contact's note, newest first, and what it changed.

    The note is followed through renames. Each commit shows its date (the author date), hash,
    subject and author, and what changed in meaning: fields added, changed or removed,
    interactions logged, follow-ups added or done, the note created, renamed or archived.
    NAME is as for 'show', or the path of a note that no longer exists.

    \b
    Examples:
      netzmd history max
      netzmd history "Zoë Müller" --since 2026-01-01 --patch
      netzmd history jane --since 90d
      netzmd history jane --format json | jq '.[].changes[] | select(.field == "company")'
    """
    from netzmd.git import history as hist
    from netzmd.present import text as output
    from netzmd.present.history import render_history

    hist.require_repo(session.vault.root)
    start = since_date(since, real_today(today)) if since else None
    path = _note_path(session, name)
    commits = hist.note_history(session.vault.root, path, start, patch=patch)
    if fmt == "json":
        echo(output.dumps_lines([c.to_json() for c in commits]))
        return
    if not commits:
        after = f" since {start.isoformat()}" if start else ""
        click.echo(f"no commit touched {path}{after}", err=True)
        return
    echo(render_history(commits, color=_color()))


# --- changes ------------------------------------------------------------------------------------


@main.command(name="changes")
@click.option(
    "--since",
    default="7d",
    show_default=True,
    metavar="DATE|SPAN",
    help="From this day: YYYY-MM-DD, or a span back from today (7d, 2w, 1m).",
)
@format_option("text", "md", "json")
@today_option
@click.pass_obj
def changes_command(session: Session, since: str, fmt: str, today: date | None) -> None:
    """What changed in the network from --since through today, according to git.

    New contacts, job changes (company or role, from the value before the first change to the
    value after the last), interactions logged per circle, follow-ups done, contacts archived
    and deleted. Days are the commits' author dates.

    \b
    Examples:
      netzmd changes
      netzmd changes --since 30d
      netzmd changes --since 2026-11-01 --format md > "Changes November.md"
      netzmd changes --format json | jq '.job_changes[] | "\\(.name): \\(.old) → \\(.new)"'
    """
    from netzmd.git import history as hist
    from netzmd.present import text as output
    from netzmd.present.history import render_changes

    day = real_today(today)
    start = since_date(since, day)
    if start > day:
        raise UsageError(f"--since {start.isoformat()} is after today ({day.isoformat()})")
    digest = hist.changes_since(session.vault.root, start, day)
    if fmt == "json":
        echo(output.dumps_lines(digest))
    else:
        echo(render_changes(digest, markdown=fmt == "md"))
