"""The read commands: check, list, show, search."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from netzmd.cli.app import main
from netzmd.cli.options import (
    DATE,
    _write_out,
    broken_hint,
    complete_contact,
    echo,
    format_option,
    today_option,
    use_color,
)
from netzmd.cli.session import Session, real_today
from netzmd.errors import UsageError
from netzmd.model.contact import CIRCLES

if TYPE_CHECKING:
    from netzmd.vault import Vault


# --- check ------------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False))
@format_option("text", "json")
@click.pass_obj
def check(session: Session, paths: tuple[str, ...], fmt: str) -> None:
    """Validate every note (or only PATHS) and print each problem.

    Each problem is one line, `path:line: error|warning: message`, with the line counted in
    the file (the opening --- is line 1). Exit status 0 when there is no error (warnings are
    allowed), 1 otherwise.

    \b
    Examples:
      netzmd check
      netzmd check "contacts/Jane Doe.md"
      netzmd check --format json | jq '.problems[] | select(.severity == "error")'
    """
    from netzmd.present import text as output
    from netzmd.store import queries

    wanted = {_vault_path(session.vault, p) for p in paths} if paths else None
    report = queries.check(session.index, session.config, wanted)
    if fmt == "json":
        echo(output.dumps_lines(report.to_json()))
    else:
        for problem in report.problems:
            style = "red" if problem.severity == "error" else "yellow"
            echo(click.style(str(problem), fg=style) if use_color() else str(problem))
        notes = "note" if report.notes == 1 else "notes"
        click.echo(
            f"{report.notes} {notes} checked: {_count(report.errors, 'error')}, "
            f"{_count(report.warnings, 'warning')}",
            err=True,
        )
    if report.errors:
        sys.exit(1)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _vault_path(vault: Vault, given: str) -> str:
    """A note path given on the command line (relative to here or to the vault) as the
    vault-relative path the index uses."""
    path = Path(given)
    inside = False
    for base in (Path.cwd(), vault.root):
        candidate = Path(os.path.normpath(base / path))
        try:
            rel = candidate.relative_to(vault.root).as_posix()
        except ValueError:
            continue
        inside = True
        if candidate.is_file() or candidate.is_symlink():
            return rel
    if not inside:
        raise UsageError(f"'{given}' is not inside the vault {vault.root}")
    raise UsageError(f"no note at '{given}'", hint="Give the path of a note in contacts/.")


# --- list -------------------------------------------------------------------------------------


@main.command(name="list")
@click.option("--circle", type=click.Choice(CIRCLES), help="Only this circle.")
@click.option(
    "--tag", "tags", multiple=True, help="Only contacts with this tag; repeat: all must match."
)
@click.option("--company", help="Only contacts whose company contains this text.")
@click.option("--archived", is_flag=True, help="Include archived contacts.")
@click.option(
    "--sort",
    type=click.Choice(["name", "last-contact", "due"]),
    default="name",
    show_default=True,
    help="last-contact: longest without contact first; due: most overdue first.",
)
@format_option("text", "json", "csv")
@today_option
@click.pass_obj
def list_(
    session: Session,
    circle: str | None,
    tags: tuple[str, ...],
    company: str | None,
    archived: bool,
    sort: str,
    fmt: str,
    today: date | None,
) -> None:
    """List contacts: name, circle, company, last contact and next due date.

    Archived contacts are left out unless --archived is given.

    \b
    Examples:
      netzmd list --circle competence --sort due
      netzmd list --tag python --tag speaker
      netzmd list --company acme --format csv > acme.csv
      netzmd list --format json | jq -r '.[] | select(.vouches) | .name'
    """
    from netzmd.present import text as output
    from netzmd.store import queries

    day = real_today(today)
    filters = queries.Filters(circle, tags, company, archived)
    if fmt == "json":
        parts = queries.contacts_json(session.index, session.config, day, filters, sort)  # type: ignore[arg-type]
        _write_out([*parts, b"\n"])
        broken_hint(session)
        return
    rows = queries.list_contacts(
        session.index,
        session.config,
        day,
        filters,
        sort,  # type: ignore[arg-type]
    )
    if fmt == "csv":
        click.echo(
            output.to_csv(
                [
                    "id",
                    "name",
                    "circle",
                    "company",
                    "role",
                    "tags",
                    "cadence",
                    "last_contact",
                    "next_due",
                    "path",
                ],
                [
                    [
                        r.id,
                        r.name,
                        r.circle or "",
                        r.company or "",
                        r.role or "",
                        ";".join(r.tags),
                        r.status.cadence or "",
                        _iso(r.status.last_contact),
                        _iso(r.status.next_due),
                        r.path,
                    ]
                    for r in rows
                ],
            ),
            nl=False,
        )
    else:
        lines = []
        for r in rows:
            due = r.status.next_due
            due_text = ""
            if due is not None:
                due_text = f"{due.isoformat()} ({output.relative(due, day, overdue=True)})"
                if due < day and use_color():
                    due_text = click.style(due_text, fg="red")
            name = r.name + (" (archived)" if r.archived else "")
            lines.append(
                [
                    name,
                    r.circle or "",
                    r.company or "",
                    _iso(r.status.last_contact),
                    due_text,
                ]
            )
        if lines:
            echo(
                output.table(
                    ["NAME", "CIRCLE", "COMPANY", "LAST CONTACT", "NEXT DUE"],
                    lines,
                    limits=[32, 0, 30],
                )
            )
        click.echo(f"{_count(len(rows), 'contact')}", err=True)
    broken_hint(session)


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


# --- show -------------------------------------------------------------------------------------


@main.command()
@click.argument("name", shell_complete=complete_contact)
@click.option(
    "--limit", default=10, show_default=True, help="How many recent interactions to show (0: all)."
)
@format_option("text", "json")
@today_option
@click.option(
    "--as-of",
    "as_of",
    type=DATE,
    default=None,
    help="The contact as recorded in git in the last commit of this day or before.",
)
@click.pass_obj
def show(
    session: Session, name: str, limit: int, fmt: str, today: date | None, as_of: date | None
) -> None:
    """Show one contact: every field, next due date, recent interactions, open follow-ups.

    NAME is the file name, the name or an alias; case and accents are ignored and a unique
    prefix is enough. When several contacts match, they are listed (exit 1).

    \b
    Examples:
      netzmd show "Zoë Müller"
      netzmd show zoe
      netzmd show max --format json
      netzmd show max --as-of 2025-06-30
    """
    from netzmd.present import text as output
    from netzmd.present.contact import render_contact, stale_notice
    from netzmd.store import queries

    day = real_today(today)
    found = queries.resolve(session.index, name)
    if as_of is not None:
        from netzmd.ops.as_of import show_as_of
        from netzmd.present.history import render_as_of

        past = show_as_of(session.vault, session.config, found.path, as_of)
        echo(output.dumps(past) if fmt == "json" else render_as_of(past, limit=limit))
        return
    data = queries.contact_json(session.index, session.config, found.path, day)
    errors = queries.note_errors(session.index, found.path)  # data: the last good version
    intro = queries.introductions(session.index, data)
    if fmt == "json":
        echo(output.dumps({**data, "introductions": intro}))
        for line in stale_notice(errors):
            click.echo(line, err=True)
    else:
        echo(render_contact(data, day, limit=limit, errors=errors, introductions=intro))


# --- search -----------------------------------------------------------------------------------


@main.command()
@click.argument("query", nargs=-1, required=True)
@click.option(
    "--limit", default=20, show_default=True, type=click.IntRange(1), help="How many hits at most."
)
@format_option("text", "json")
@click.pass_obj
def search(session: Session, query: tuple[str, ...], limit: int, fmt: str) -> None:
    """Full-text search over names, fields and note bodies, best match first.

    Every word must match (as a word prefix; case and accents ignored). Each hit shows the
    note's best matching line.

    \b
    Examples:
      netzmd search kubernetes
      netzmd search pasta bar
      netzmd search acme --format json
    """
    from netzmd.present import text as output
    from netzmd.store import queries

    text = " ".join(query)
    hits = queries.search(session.index, text, limit)
    broken_hint(session)
    if fmt == "json":
        echo(output.dumps_lines([h.to_json() for h in hits]))
        return
    if not hits:
        click.echo(f"no note matches '{text}'", err=True)
        sys.exit(1)
    for hit in hits:
        location = f"{hit.path}:{hit.line}"
        head = click.style(hit.name, bold=True) if use_color() else hit.name
        echo(f"{head}  {location}\n    {output.clip(hit.text, 100)}")
