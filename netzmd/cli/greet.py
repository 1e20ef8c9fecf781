"""``netzmd greet``: greeting drafts per person in a campaign note, and logging those sent.

Registered on the ``main`` group of ``netzmd.cli``. The people and the data of their drafts
come from ``reports.greetings``, the note is planned and written by ``ops.greet``; like the
other write commands it prints what it changed (or, with --dry-run, the diff) and commits.
``watch_sync`` is what ``netzmd watch`` runs when a campaign note changes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from netzmd.cli.app import main
from netzmd.cli.options import echo, today_option
from netzmd.cli.session import Session, real_today
from netzmd.cli.write import _commits, _say_commit, write_options
from netzmd.errors import NetzmdError, UsageError

if TYPE_CHECKING:
    from netzmd.git.commit import CommitResult
    from netzmd.ops.greet import CampaignNote
    from netzmd.ops.write import Note
    from netzmd.store.index import Index
    from netzmd.vault import Vault


@main.command()
@click.argument("occasion", required=False)
@click.option(
    "--year",
    type=click.IntRange(1000, 8999),
    help="The campaign's year. Default: the year of the occasion's next day (New Year "
    "greetings written in December are for the coming year); this year for birthdays and news.",
)
@click.option(
    "--lang",
    type=click.Choice(["de", "en"]),
    help="The language of the drafts for contacts without lang: in their note. Default: lang "
    "in netzmd.toml (en).",
)
@click.option(
    "--output",
    metavar="NOTE",
    help="The campaign note (a path in the vault). Default: Greetings/<Occasion> <Year>.md.",
)
@click.option(
    "--sync",
    "sync_note",
    metavar="NOTE",
    help="Log a [greeting] in the note of each person ticked in this campaign note, once; "
    "no OCCASION then.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to say what was done; json is stable, for scripts.",
)
@write_options
@today_option
@click.pass_obj
def greet(
    session: Session,
    occasion: str | None,
    year: int | None,
    lang: str | None,
    output: str | None,
    sync_note: str | None,
    fmt: str,
    dry_run: bool,
    no_commit: bool,
    today: date | None,
) -> None:
    """Write a personal greeting draft for everyone an occasion greets, in a campaign note.

    OCCASION is an occasion from netzmd.toml (by name, case and accents ignored: christmas,
    "new year", martisor), birthdays (the birthdays in the next 14 days) or news (the job
    changes on the agenda). The campaign note, Greetings/<Occasion> <Year>.md unless --output
    says otherwise, gets one section per person: the task - [ ] [[Name]] and below it a draft
    from templates/greetings/<occasion>.<lang>.md.j2 (else default.<lang>.md.j2; the vault's
    templates/ first), in the contact's language (lang: in the note, else --lang, else lang in
    netzmd.toml, else English), in German with du or Sie (address: in the note; Sie unless it
    says du), opening with the note's salutation: or a neutral one. A draft draws on what netzmd
    knows: the last interaction, a job change in the last year (git), the years you have known
    each other, open follow-ups, any front-matter key; what is not known is left out.

    Running it again for the same occasion and year keeps every tick and every edited draft
    and adds only the people who are new.

    Tick each person once the greeting is sent. --sync NOTE then logs one [greeting] in the
    note of each ticked person (dated by the task's ✅ date, else today), once: running it
    again adds nothing. All in one commit, with the campaign note. netzmd watch does the same
    whenever a campaign note in Greetings/ changes.

    \b
    Examples:
      netzmd greet christmas
      netzmd greet "new year" --lang de
      netzmd greet birthdays --today 2026-11-27
      netzmd greet news --dry-run
      netzmd greet --sync "Greetings/Christmas 2026.md"
    """
    from netzmd.ops import greet as ops
    from netzmd.ops import write as changes

    day = real_today(today)
    vault = session.vault
    if sync_note is not None:
        if occasion is not None or year is not None or lang is not None or output is not None:
            raise UsageError(
                "--sync takes only the campaign note: no OCCASION, --year, --lang or --output"
            )
        note = ops.read_campaign(vault, _campaign_path(vault, sync_note))
        plan, synced = ops.sync(note, _people(session.index, vault, note), day)
        written: list[Any] = []
        result: CommitResult | None = None
        if dry_run:
            _dry(plan, fmt, synced_json(synced, None, dry_run=True))
            return
        if plan.real:
            written, result = ops.apply_sync(
                vault, note, plan, commit_it=_commits(session, no_commit)
            )
        if fmt == "json":
            echo(_dumps(synced_json(synced, result)))
            return
        for line in sync_lines(synced):
            click.echo(line, err=line.startswith(("skipped", "nothing")))
        for change in written:
            for line in change.said:
                echo(line)
        _say_commit(result)
        return
    if occasion is None:
        raise UsageError(
            "say which occasion (netzmd greet christmas), or --sync NOTE",
            hint="Occasions are in netzmd.toml; also birthdays and news.",
        )
    from netzmd.present.jinja import renderer
    from netzmd.reports import greetings as report

    target = report.campaign_for(session.config, occasion, day, year)
    rel = ops.note_path(vault, output, Path.cwd()) if output else target.path
    people = report.recipients(session.index, session.config, target, day, lang)
    if not people:
        raise NetzmdError(_nobody(target), hint=_nobody_hint(target))
    front: dict[str, Any] = {"occasion": target.name, "year": target.year}
    if target.date is not None:
        front["date"] = target.date
    front["log"] = target.log_text
    again = f"netzmd greet {_arg(occasion)} --year {target.year}"
    if output:
        again += f" --output {_arg(rel)}"
    plan, done = ops.campaign(
        vault,
        rel,
        target.title,
        front,
        target.slug,
        people,
        renderer(vault),
        again=again,
    )
    if dry_run:
        _dry(plan, fmt, campaign_json(done, target, None, dry_run=True))
        return
    outcome = changes.apply(vault, plan, commit_it=_commits(session, no_commit))
    if fmt == "json":
        echo(_dumps(campaign_json(done, target, outcome.commit)))
        return
    for line in plan.nothing:
        click.echo(f"{line}; nothing changed", err=True)
    for change in outcome.written:
        for line in change.said:
            echo(line)
    _say_commit(outcome.commit)


def _arg(text: str) -> str:
    import shlex

    return shlex.quote(text)


def _dumps(data: Any) -> str:
    from netzmd.present.text import dumps

    return dumps(data)


def _dry(plan: Any, fmt: str, data: dict[str, Any]) -> None:
    from netzmd.ops import write as changes

    text = changes.diff(plan.real)
    if fmt == "json":
        echo(_dumps({**data, "diff": text}))
        return
    for line in plan.nothing:
        click.echo(f"{line}; nothing changed", err=True)
    if text:
        click.echo(text, nl=False)
        click.echo("dry run: nothing written", err=True)


def _nobody(target: Any) -> str:
    if target.kind == "birthdays":
        return "nobody has a birthday in the next 14 days"
    if target.kind == "news":
        return "no job changes on the agenda"
    return f"nobody to greet for {target.name}"


def _nobody_hint(target: Any) -> str:
    if target.kind == "birthdays":
        return "Try another day with --today, or add birthday: to notes."
    if target.kind == "news":
        return "News are changes of company: or role: committed to git in the last news_days."
    return "The occasion in netzmd.toml names circles = [...] or tags = [...]: give them to people."


def _campaign_path(vault: Vault, given: str) -> str:
    """NOTE of --sync: a path (from here, else from the vault), or a campaign's title."""
    from netzmd.model.campaign import CAMPAIGNS
    from netzmd.ops.greet import note_path

    if "/" not in given and not (Path.cwd() / given).exists():
        titled = f"{CAMPAIGNS}/{given.removesuffix('.md')}.md"
        if (vault.root / titled).is_file():
            return titled
    return note_path(vault, given, Path.cwd())


def _people(index: Index, vault: Vault, note: CampaignNote) -> dict[str, Note | str]:
    """The note of each ticked person, read for writing, or why there is none."""
    from netzmd.ops import greet as ops
    from netzmd.ops.write import BadNote, open_note
    from netzmd.reports.greetings import resolve_links

    entries = ops.ticked(note)
    found = resolve_links(index, [e.target for e in entries])
    out: dict[str, Note | str] = {}
    for e in entries:
        path, why = found[e.target]
        if path is None:
            out[e.target] = why
            continue
        try:
            out[e.target] = open_note(vault, path)
        except BadNote as exc:
            out[e.target] = exc.detail
    return out


def campaign_json(
    done: Any, target: Any, commit: CommitResult | None, *, dry_run: bool = False
) -> dict[str, Any]:
    """What ``greet OCCASION --format json`` says."""
    return {
        "path": done.path,
        "occasion": target.name,
        "year": target.year,
        "date": target.date.isoformat() if target.date else None,
        "created": done.created and bool(done.added),
        "added": done.added,
        "kept": done.kept,
        "total": done.total,
        "commit": commit.hash if commit is not None and commit.committed else None,
        "dry_run": dry_run,
    }


def synced_json(
    synced: Any, commit: CommitResult | None, *, dry_run: bool = False
) -> dict[str, Any]:
    """What ``greet --sync NOTE --format json`` says."""
    return {
        "path": synced.path,
        "log": synced.log,
        "logged": synced.logged,
        "already": synced.already,
        "skipped": synced.skipped,
        "commit": commit.hash if commit is not None and commit.committed else None,
        "dry_run": dry_run,
    }


def sync_lines(synced: Any) -> list[str]:
    """What ``greet --sync`` says besides the lines of the notes written."""
    lines = [
        f"skipped {s['target']} ({synced.path}:{s['line']}): {s['why']}" for s in synced.skipped
    ]
    if synced.already:
        names = ", ".join(p["name"] for p in synced.already)
        lines.append(f"logged before: {names}")
    if not synced.logged:
        lines.append(f"nothing to log: {synced.path} has no ticked person without the greeting")
    return lines


def watch_sync(index: Index, vault: Vault, rel: str, today: date) -> str | None:
    """``netzmd watch``: log the greetings ticked in the campaign note ``rel`` (nothing is
    committed here: the watcher commits with --commit). What to say, or None when nothing was
    logged."""
    from netzmd.ops import greet as ops
    from netzmd.ops.write import write

    if not (vault.root / rel).is_file():
        return None
    note = ops.read_campaign(vault, rel)
    if not ops.ticked(note):
        return None
    plan, synced = ops.sync(note, _people(index, vault, note), today)
    said = [f"skipped {s['target']} (line {s['line']}): {s['why']}" for s in synced.skipped]
    if plan.real:
        write(plan)
        names = ", ".join(p["name"] for p in synced.logged)
        said.insert(0, f"{rel}: logged the greeting of {names}")
    return "; ".join(said) or None
