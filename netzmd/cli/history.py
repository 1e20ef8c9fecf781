"""The commands that read git history: ``history`` and ``changes``; and the data and text for
``show --as-of``. Registered on the main group by importing this module (see cli.py's end)."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from netzmd.cli.app import main
from netzmd.cli.options import complete_contact, echo, format_option, today_option
from netzmd.cli.session import Session, real_today
from netzmd.errors import NetzmdError, NotFound, UsageError

# --- show --as-of ---------------------------------------------------------------------------------


def show_as_of(session: Session, found_path: str, day: date) -> dict[str, Any]:
    """``show --format json`` for the note at ``found_path`` as recorded in the last commit of
    day ``day`` or before; cadence, last contact and next due are as of that day. One key more
    at the end: ``as_of``, ``{date, commit, commit_date, subject}``."""
    from netzmd.git import history
    from netzmd.model.contact import core_json, static_json, status

    record = history.as_of(session.vault.root, found_path, day)
    parsed = record.parse()
    if parsed.contact is None:
        problem = parsed.problems[0] if parsed.problems else None
        raise NetzmdError(
            f"{record.path} as recorded in {record.commit[:7]} of {record.date.isoformat()} "
            f"cannot be read" + (f": line {problem.line}: {problem.message}" if problem else "")
        )
    contact = parsed.contact
    state = status(core_json(contact), day, session.config.cadence)
    out: dict[str, Any] = {}
    for key, value in static_json(contact).items():
        out[key] = value
        if key == "name":
            out.update(
                cadence=state.cadence,
                last_contact=_iso(state.last_contact),
                next_due=_iso(state.next_due),
            )
    out["as_of"] = {
        "date": day.isoformat(),
        "commit": record.commit,
        "commit_date": record.date.isoformat(),
        "subject": record.subject,
    }
    return out


def render_as_of(data: dict[str, Any], *, limit: int = 10) -> str:
    """``show --as-of`` as text: which commit, then the contact as ``show`` prints it, with
    days counted from the as-of date."""
    from netzmd.present.contact import render_contact

    when = data["as_of"]
    head = (
        f"As of {when['date']}: recorded in {when['commit'][:7]} of {when['commit_date']} "
        f"({when['subject']})"
    )
    return head + "\n\n" + render_contact(data, date.fromisoformat(when["date"]), limit=limit)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


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


def render_history(commits: list[Any], *, color: bool = False) -> str:
    """``history`` as text: one block per commit, newest first."""
    lines: list[str] = []
    for c in commits:
        sha = click.style(c.commit[:7], fg="yellow") if color else c.commit[:7]
        merge = " [merge]" if c.merge else ""
        lines.append(f"{c.date.isoformat()}  {sha}  {c.subject}{merge}  ({c.author})")
        described = [_describe(change) for change in c.changes]
        for text in described or ["(no change in meaning)"]:
            lines.append(f"    {text}")
        if c.patch:
            lines.append("")
            lines.append(c.patch)
            lines.append("")
    return "\n".join(lines).rstrip("\n")


def _describe(change: Any) -> str:
    if change.kind == "history_cut_off":
        from netzmd.git.history import UNSHALLOW

        return f"history cut off here: {change.text}; {UNSHALLOW}"
    return str(change.describe())


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

    day = real_today(today)
    start = since_date(since, day)
    if start > day:
        raise UsageError(f"--since {start.isoformat()} is after today ({day.isoformat()})")
    digest = hist.changes_since(session.vault.root, start, day)
    if fmt == "json":
        echo(output.dumps_lines(digest))
    else:
        echo(render_changes(digest, markdown=fmt == "md"))


def _link(item: dict[str, Any]) -> str:
    ident, name = item["id"], item["name"]
    return f"[[{ident}]]" if ident == name else f"[[{ident}|{name}]]"


def render_changes(digest: dict[str, Any], *, markdown: bool = False) -> str:
    """The ``changes`` digest as terminal text, or as a Markdown note with [[links]]."""
    since, until = digest["since"], digest["until"]
    name = _link if markdown else (lambda item: str(item["name"]))
    commits = digest["commits"]
    title = f"Changes {since} – {until}"
    lines = [f"# {title}" if markdown else title]
    if not markdown:
        lines[0] += f"  ({commits} commit{'' if commits == 1 else 's'})"
    cut = digest.get("history_cut_off")
    if cut:
        from netzmd.git.history import UNSHALLOW

        text = (
            f"history is cut off on {cut['date']} (a shallow clone): changes before "
            f"{cut['commit'][:7]} are not in this repository; {UNSHALLOW}"
        )
        lines += ["", f"> {text}" if markdown else text]

    def section(heading: str, rows: list[str]) -> None:
        if not rows:
            return
        lines.append("")
        lines.append(f"## {heading}\n" if markdown else f"{heading} ({len(rows)})")
        lines.extend(f"- {r}" if markdown else f"  {r}" for r in rows)

    def when(item: dict[str, Any]) -> str:
        return f"({item['date']})" if markdown else item["date"]

    def row(item: dict[str, Any], text: str) -> str:
        return f"{text} {when(item)}" if markdown else f"{when(item)}  {text}"

    section("New contacts", [row(i, name(i)) for i in digest["new_contacts"]])
    section(
        "Job changes",
        [row(i, f"{name(i)}: {i['field']} {i['old']} → {i['new']}") for i in digest["job_changes"]],
    )
    groups = digest["interactions"]
    if groups:
        total = sum(g["count"] for g in groups)
        lines.append("")
        heading = f"Interactions logged ({total})"
        lines.append(f"## {heading}\n" if markdown else heading)
        for g in groups:
            people = ", ".join(f"{name(c)} {c['count']}" for c in g["contacts"][:8])
            if len(g["contacts"]) > 8:
                people += f", … {len(g['contacts']) - 8} more"
            circle = g["circle"] or "no circle"
            lines.append(
                f"- {circle}: {g['count']} — {people}"
                if markdown
                else f"  {circle:<12} {g['count']:>4}  {people}"
            )
    section(
        "Follow-ups done",
        [row(i, f"{name(i)}: {i['text']}") for i in digest["follow_ups_done"]],
    )
    section("Archived", [row(i, name(i)) for i in digest["archived"]])
    section("Deleted", [row(i, str(i["name"])) for i in digest["deleted"]])
    if len(lines) == 1:
        lines += ["", "Nothing changed in the network in this time."]
    return "\n".join(lines)
