"""``netzmd suggest``: whom to meet, best first (never eat alone)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

from netzmd.cli.app import main
from netzmd.cli.options import broken_hint, echo, today_option
from netzmd.cli.session import Session, real_today
from netzmd.errors import UsageError
from netzmd.reports.suggest import DEFAULT_COUNT, KINDS

if TYPE_CHECKING:
    from netzmd.ops.write import Plan
    from netzmd.reports.suggest import Suggestion


@main.command()
@click.option(
    "--count",
    type=click.IntRange(1, 1000),
    default=DEFAULT_COUNT,
    show_default=True,
    help="How many suggestions.",
)
@click.option(
    "--city",
    help="Where you will be. Default: city in [me] in netzmd.toml. Case and accents are "
    "ignored, and what follows a comma or parenthesis.",
)
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default="lunch",
    show_default=True,
    help="What to meet for; lunch and dinner also suggest pairs, call ignores the city.",
)
@today_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format; json is stable, for scripts.",
)
@click.option(
    "--plan",
    is_flag=True,
    help="Write a follow-up ('lunch with …', due in the coming week) into the note of each "
    "suggested contact; one commit.",
)
@click.option(
    "--no-commit",
    is_flag=True,
    help="With --plan: do not commit (auto_commit = false in netzmd.toml: never).",
)
@click.option("--dry-run", is_flag=True, help="With --plan: print the diff; write nothing.")
@click.pass_obj
def suggest(
    session: Session,
    count: int,
    city: str | None,
    kind: str,
    today: date | None,
    fmt: str,
    plan: bool,
    no_commit: bool,
    dry_run: bool,
) -> None:
    """Whom to meet: never eat alone. Best first, each with its reason.

    Suggests contacts in your city (city in [me] in netzmd.toml, or --city; city: in each
    note), the most overdue on their cadence first (days overdue relative to the cadence's
    length, as the agenda ranks), raised when they hold an entry gate (they vouch for you, made
    you an offer, or work at one of your targets), lowered when you were in touch in the last
    30 days. Archived and snoozed contacts never. For lunch and dinner, also pairs of contacts
    who should meet each other through you: they share a tag (not ex-colleague, customer,
    christmas-card, recruiter, friend, nor the tags of greeting occasions) or one's open
    follow-up names the other or their company; never two at one company. A call ignores the
    city.

    Whom it suggested is remembered in .netzmd/suggested.json: someone suggested 1 to 14 days
    ago comes after everyone else (the same day, the list stays as it was). Deleting the file
    forgets only that.

    --plan writes '- [ ] lunch with NAME 📅 DATE' into each suggested contact's note (in a
    pair, the other one as a [[link]]), one commit; the best suggestion is due the next
    working day (Monday to Friday), the second the working day after, and so on, starting
    again after the fifth: all within the coming seven days. A contact who has that very
    follow-up open already is left as is, and one who is planned already (alone, or in a
    pair ranked higher) is not planned twice.

    \b
    JSON: [{"ids": [...], "names": [...], "kind", "city", "reason", "score"}]
    (city: the city asked for; for a call, the contact's own city, or null).

    \b
    Examples:
      netzmd suggest
      netzmd suggest --kind dinner --count 3
      netzmd suggest --city Hamburg --kind coffee
      netzmd suggest --kind call --format json | jq -r '.[].reason'
      netzmd suggest --plan --dry-run
    """
    from netzmd.model.companies import KEY_VERSION, Aliases
    from netzmd.reports import suggest as report
    from netzmd.store import queries

    if (no_commit or dry_run) and not plan:
        raise UsageError("--no-commit and --dry-run go with --plan")
    day = real_today(today)
    config = session.config
    where = (city if city is not None else config.me_city).strip()
    if kind != "call" and not report.city_key(where):
        raise UsageError(report.NO_CITY.format(kind=kind))
    index = session.index
    rows, follow_ups = queries.suggest_rows(index)
    aliases = Aliases(config.companies, index.company_keys(KEY_VERSION))
    before = queries.suggested(index)
    items = report.suggest(
        map(report.Person._make, rows),
        day,
        kind=kind,
        city=where or None,
        count=count,
        cadences=config.cadence,
        follow_ups=follow_ups,
        targets=config.targets,
        aliases=aliases,
        suggested=before,
        ignore_tags=[tag for occasion in config.occasions for tag in occasion.tags],
    )
    index.keep_company_keys(KEY_VERSION, aliases.learned)
    # every note read (and a broken one refused) before anything is printed or written
    planned = _plan_of(session, items, day) if plan and items else None
    if fmt == "json":
        from netzmd.present.text import dumps_lines

        echo(dumps_lines(report.to_json(items)))
    elif items:
        echo("\n".join(f"{n}. {report.reason(item)}" for n, item in enumerate(items, 1)))
    if not items:
        where_to = "" if kind == "call" else f" in {where}"
        click.echo(
            f"nobody to suggest for a {kind}{where_to}: no contact there who is not archived "
            "or snoozed (the city comes from city: in each note)",
            err=True,
        )
    elif fmt == "text" and not plan:
        click.echo("netzmd suggest --plan writes them into the notes as follow-ups", err=True)
    if planned is not None:
        _apply(session, planned, dry_run, no_commit, fmt == "json")
    if not dry_run:
        queries.remember_suggested(
            index,
            [p.path for item in items for p in item.people],
            day,
            before,
            report.SUGGESTED_DAYS,
        )
    broken_hint(session)


def _apply(session: Session, plan: Plan, dry_run: bool, no_commit: bool, quiet: bool) -> None:
    """Write the follow-ups of ``--plan`` (or show their diff), all notes or none, one commit.
    ``quiet``: what was written goes to standard error (standard output holds the JSON)."""
    from netzmd.cli.write import _commits, _say_commit
    from netzmd.ops import write as changes

    out = (lambda text: click.echo(text, err=True)) if quiet else echo
    for line in plan.nothing:
        click.echo(f"{line}; nothing changed", err=True)
    if not plan.real:
        return
    if dry_run:
        click.echo(changes.diff(plan.real), nl=False, err=quiet)
        click.echo("dry run: nothing written", err=True)
        return
    outcome = changes.apply(session.vault, plan, commit_it=_commits(session, no_commit))
    for change in outcome.written:
        for line in change.said:
            out(line)
    if quiet and outcome.commit is not None and outcome.commit.line() is not None:
        click.echo(outcome.commit.line(), err=True)
    elif not quiet:
        _say_commit(outcome.commit)


def _plan_of(session: Session, items: list[Suggestion], day: date) -> Plan:
    """One follow-up per suggestion in the note of each contact in it, due on the day
    ``plan_days`` gives the suggestion. A contact meets once a week: a later suggestion with
    someone planned already (Zoë alone, then Zoë and Tobias) is left out and said so."""
    from netzmd.model.names import fold
    from netzmd.ops import write as changes
    from netzmd.reports import suggest as report

    notes: dict[str, changes.Note] = {}
    texts: dict[str, str] = {}  # rel: the note's text with the follow-ups planned so far
    said: dict[str, list[str]] = {}
    planned: dict[str, set[str]] = {}  # rel: the folded open follow-ups
    nothing: list[str] = []
    lines = []
    met: set[str] = set()  # the paths of everyone planned in this run
    once: list[Suggestion] = []
    for item in items:
        twice = [p.name for p in item.people if p.path in met]
        if twice:
            names = " and ".join(p.name for p in item.people)
            nothing.append(f"{item.kind} with {names}: {', '.join(twice)} planned already")
            continue
        met.update(p.path for p in item.people)
        once.append(item)
    for item, due in zip(once, report.plan_days(day, len(once)), strict=True):
        added = False
        for person in item.people:
            note = notes.get(person.path)
            if note is None:
                note = notes[person.path] = changes.open_note(
                    session.vault, person.path, on_wait=lambda text: click.echo(text, err=True)
                )
                texts[note.rel] = note.text
                said[note.rel] = []
                planned[note.rel] = {fold(f.text) for f in note.contact.follow_ups if not f.done}
            text = report.follow_up_text(item, person.path, changes.link)
            if fold(text) in planned[note.rel]:
                nothing.append(f"{note.rel}: '{text}' is open already")
                continue
            planned[note.rel].add(fold(text))
            current = changes.Note(
                note.rel, note.path, note.data, texts[note.rel], note.contact, note.stat
            )
            step = changes.follow_up(current, text, due).changes[0]
            texts[note.rel] = step.after.decode("utf-8")
            said[note.rel] += step.said
            added = True
        if added:
            names = " and ".join(p.name for p in item.people)
            lines.append(f"{due.isoformat()} {item.kind} with {names}")
    written = [
        changes.Change(n.rel, n.path, n.data, texts[n.rel].encode("utf-8"), said[n.rel], n.stat)
        for n in notes.values()
        if said[n.rel]
    ]
    kind = items[0].kind
    subject = f"suggest: {len(lines)} {kind} plan{'s' if len(lines) != 1 else ''}"
    return changes.Plan(written, f"{subject}\n\n" + "\n".join(lines), nothing)
