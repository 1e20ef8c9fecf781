"""The commands that write notes: add, log, done, follow-up, set, unset, snooze, edit.

Registered on the ``main`` group of ``netzmd.cli``. Each one prints what it changed (or, with
``--dry-run``, the diff instead of writing) and commits exactly the files it wrote when the vault
is in a git repository and ``auto_commit`` is on.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from netzmd.cli.app import main
from netzmd.cli.options import DATE, complete_contact, echo, today_option
from netzmd.cli.session import Session, real_today
from netzmd.errors import NotFound, UsageError
from netzmd.model.contact import CIRCLES

if TYPE_CHECKING:
    from netzmd.git.commit import CommitResult
    from netzmd.ops.write import Note, Plan

F = TypeVar("F", bound=Callable[..., Any])


def write_options(f: F) -> F:
    f = click.option(
        "--no-commit",
        is_flag=True,
        help="Do not commit this change to git (auto_commit = false in netzmd.toml: never).",
    )(f)
    return click.option("--dry-run", is_flag=True, help="Print the diff; write nothing.")(f)


class ValuesCommand(click.Command):
    """A command whose VALUEs may begin with a dash followed by a digit (``--03-14``, ``-5``):
    those are values, as no option begins with a digit. Any other word that begins with a dash
    before ``--`` must be one of the command's options; an unknown one is a usage error (exit 2,
    nothing written) with the nearest option suggested, never part of the value."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        import difflib

        known = {name for param in self.get_params(ctx) for name in param.opts}
        known.update(name for param in self.get_params(ctx) for name in param.secondary_opts)
        for arg in args:
            if arg == "--":
                break
            if len(arg) < 2 or arg[0] != "-" or arg.lstrip("-")[:1].isdigit():
                continue
            option = arg.split("=", 1)[0]
            if option in known:
                continue
            close = difflib.get_close_matches(option, sorted(known), n=1, cutoff=0.6)
            raise click.NoSuchOption(
                option,
                message=f"No such option '{option}'."
                + (f" Did you mean '{close[0]}'?" if close else "")
                + f" A value that begins with '-' goes after '--': "
                f"netzmd {ctx.info_name} NAME KEY -- {arg}",
                ctx=ctx,
            )
        return super().parse_args(ctx, args)


def _note(session: Session, name: str) -> Note:
    """The note NAME means, read for writing (``open_note`` says why not, for a broken one)."""
    from netzmd.ops import write as changes
    from netzmd.store import queries

    path = queries.resolve(session.index, name).path
    return changes.open_note(session.vault, path, on_wait=lambda text: click.echo(text, err=True))


def _commits(session: Session, no_commit: bool) -> bool:
    return not no_commit and session.config.auto_commit


def _say_commit(result: CommitResult | None) -> None:
    if result is None:
        return
    line = result.line()
    if line is None:
        return
    if result.committed:
        echo(line)
        if result.warning:
            click.echo(f"warning: {result.warning}", err=True)
    else:
        click.echo(line, err=True)


def _finish(session: Session, plan: Plan, dry_run: bool, no_commit: bool) -> None:
    """Show the diff (dry run) or write, say what changed, and commit."""
    from netzmd.ops import write as changes

    for line in plan.nothing:
        click.echo(f"{line}; nothing changed", err=True)
    if not plan.real:
        return
    if dry_run:
        click.echo(changes.diff(plan.real), nl=False)
        click.echo("dry run: nothing written", err=True)
        return
    outcome = changes.apply(session.vault, plan, commit_it=_commits(session, no_commit))
    for change in outcome.written:
        for line in change.said:
            echo(line)
    _say_commit(outcome.commit)


# --- add ------------------------------------------------------------------------------------------


@main.command()
@click.argument("name")
@click.option(
    "--file",
    metavar="FILE",
    help="The note's file name (without .md), to tell two people of one name apart: "
    '"Jane Doe (Acme)". Default: NAME.',
)
@click.option("--alias", "aliases", multiple=True, help="Another name they go by; repeat for more.")
@click.option("--company", help="Where they work.")
@click.option("--role", help="Their role there.")
@click.option(
    "--circle",
    type=click.Choice(CIRCLES),
    help="Which of your networks.",
)
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for more.")
@click.option("--email", help="Email address.")
@click.option("--phone", help="Phone number, as you write it.")
@click.option("--city", help="Where they live or work.")
@click.option("--linkedin", help="Their LinkedIn profile (URL).")
@click.option("--birthday", help="YYYY-MM-DD, or --MM-DD when the year is unknown.")
@click.option("--cadence", help="How often to be in touch: 30d, 6w, 3m, 1y, monthly, …")
@click.option("--met", help="Where and when you met, as text.")
@click.option("--note", "note_text", metavar="TEXT", help="A first line of notes, under ## Notes.")
@click.option(
    "--introduced-by",
    "introduced_by",
    metavar="NAME",
    help="Who introduced you; written as a [[link]] to that contact.",
)
@click.option("--edit", is_flag=True, help="Open the new note in $VISUAL or $EDITOR afterwards.")
@write_options
@today_option
@click.pass_obj
def add(
    session: Session,
    name: str,
    file: str | None,
    aliases: tuple[str, ...],
    company: str | None,
    role: str | None,
    circle: str | None,
    tags: tuple[str, ...],
    email: str | None,
    phone: str | None,
    city: str | None,
    linkedin: str | None,
    birthday: str | None,
    cadence: str | None,
    met: str | None,
    note_text: str | None,
    introduced_by: str | None,
    edit: bool,
    dry_run: bool,
    no_commit: bool,
    today: date | None,
) -> None:
    """Add a contact: a new note contacts/NAME.md from the template contact.md.j2.

    Only the fields given go into the front matter, all in one note and one commit. Refused
    when the file exists or NAME, an alias or the file name is already a contact's name or
    alias. A second person of a name that is taken gets a file name of their own with --file;
    then the file name picks each of them in every command. Characters that file names or
    Obsidian links do not allow (/ \\ : * ? " < > | # ^ [ ]) become '-' in the file name;
    name: keeps them. The template is looked up in the vault's templates/ first, then the
    built-in one.

    \b
    Examples:
      netzmd add "Jane Doe" --company "Acme GmbH" --circle competence --tag cloud
      netzmd add "Max Mustermann" --introduced-by jane --cadence 3m --edit
      netzmd add "Ana Lima" --alias Ana --birthday --03-14 --note "met at PyCon"
      netzmd add "Jane Doe" --file "Jane Doe (Acme)" --company Acme
      netzmd add "AC/DC Fan Club" --dry-run
    """
    from netzmd.ops import write as changes
    from netzmd.store import queries

    if edit and dry_run:
        raise UsageError("--edit and --dry-run do not go together")
    editor = changes.editor_command() if edit else None
    candidates = queries.candidates(session.index)
    values: dict[str, Any] = {
        "aliases": list(aliases) or None,
        "company": company,
        "role": role,
        "circle": circle,
        "tags": list(tags) or None,
        "email": email,
        "phone": phone,
        "city": city,
        "linkedin": linkedin,
        "birthday": birthday,
        "cadence": cadence,
        "met": met,
        "introduced_by": changes.link_to(candidates, introduced_by) if introduced_by else None,
    }
    given = {k: v for k, v in values.items() if v}
    plan = changes.new_contact(
        session.vault, candidates, name, given, real_today(today), file=file, note=note_text
    )
    if dry_run or editor is None:
        _finish(session, plan, dry_run, no_commit)
        return
    written = changes.write(plan)
    for change in written:
        for line in change.said:
            echo(line)
    created = written[0]
    _after_edit(session, editor, created.rel, created.after, plan.message, no_commit, True)


# --- log ------------------------------------------------------------------------------------------


@main.command()
@click.argument("names", nargs=-1, required=True, shell_complete=complete_contact)
@click.option("-m", "--message", required=True, help="What happened, one line.")
@click.option("--date", "when", type=DATE, help="When (YYYY-MM-DD). Default: today.")
@click.option(
    "--kind", help="lunch, coffee, call, meeting, event, message, … (any word; shown as [kind])."
)
@write_options
@today_option
@click.pass_obj
def log(
    session: Session,
    names: tuple[str, ...],
    message: str,
    when: date | None,
    kind: str | None,
    dry_run: bool,
    no_commit: bool,
    today: date | None,
) -> None:
    """Log an interaction with one or more people.

    Each note gets the line `- DATE [kind] TEXT`, with [[links]] to the others present, under
    its ## Log heading (made at the end of the note when missing), in date order: a backdated
    entry lands in its place. A note with a last_contact: field older than DATE gets it moved
    to DATE (not for future dates); a note without the field does not get one.

    \b
    Examples:
      netzmd log jane max -m "Pasta Bar, talked about the Kubernetes migration" --kind lunch
      netzmd log zoe -m "congratulated on the new job" --kind message
      netzmd log "Max Mustermann" -m "call about Terraform" --kind call --date 2026-11-20
    """
    from netzmd.ops import write as changes

    day = real_today(today)
    notes = [_note(session, n) for n in names]
    plan = changes.log(notes, when or day, kind, message, day)
    _finish(session, plan, dry_run, no_commit)


# --- follow-up, done --------------------------------------------------------------------------


@main.command(name="follow-up")
@click.argument("name", shell_complete=complete_contact)
@click.option("-m", "--message", required=True, help="What to do, one line.")
@click.option(
    "--due",
    required=True,
    metavar="DATE|SPAN",
    help="Due: YYYY-MM-DD, today, tomorrow, a span from today (3d, 2w, 1m, 1y), or a weekday "
    "(monday: the next Monday after today).",
)
@click.option(
    "--every",
    metavar="RULE",
    help="Repeat it: '3 months', 'week on Monday', 'month on the last Friday', … "
    "(written 🔁 every RULE; done adds the next one).",
)
@write_options
@today_option
@click.pass_obj
def follow_up(
    session: Session,
    name: str,
    message: str,
    due: str,
    every: str | None,
    dry_run: bool,
    no_commit: bool,
    today: date | None,
) -> None:
    """Add a follow-up: `- [ ] TEXT 📅 DATE` under the note's ## Follow-ups heading.

    The heading is made at the end of the note when missing. The task is in the format of the
    Obsidian Tasks plugin, so it shows up there too. With --every it recurs (`🔁 every 3
    months`): any rule that `netzmd done` understands (see `netzmd done --help`); another one
    is a usage error that lists them.

    \b
    Examples:
      netzmd follow-up max -m "send him the Terraform module" --due 2026-12-01
      netzmd follow-up jane -m "ask about the CFP" --due 2w
      netzmd follow-up zoe -m "call" --due friday
      netzmd follow-up jane -m "call" --due 2026-12-01 --every "3 months"
    """
    from netzmd.ops import write as changes

    day = real_today(today)
    when = changes.relative_date(due, day, "--due")
    plan = changes.follow_up(_note(session, name), message, when, every)
    _finish(session, plan, dry_run, no_commit)


@main.command()
@click.argument("name", shell_complete=complete_contact)
@click.argument("text", nargs=-1)
@write_options
@today_option
@click.pass_obj
def done(
    session: Session,
    name: str,
    text: tuple[str, ...],
    dry_run: bool,
    no_commit: bool,
    today: date | None,
) -> None:
    """Tick an open follow-up: `- [x] … ✅ DATE`, as the Obsidian Tasks plugin does.

    TEXT picks the follow-up whose text contains it (case and accents ignored); without TEXT,
    the contact's only open follow-up. When several match, they are listed (exit 1).

    A recurring follow-up (`🔁 every 3 months`, `every week on Monday`, `every month on the
    last Friday`, `… when done`) gets its next occurrence on the line above, with its dates
    moved on as Tasks moves them. A rule netzmd does not understand is an error (exit 1) and
    nothing is ticked.

    \b
    Examples:
      netzmd done max terraform
      netzmd done jane
      netzmd done zoe "CFP link" --today 2026-11-27
    """
    from netzmd.ops import write as changes

    plan = changes.done(_note(session, name), " ".join(text) or None, real_today(today))
    _finish(session, plan, dry_run, no_commit)


# --- set, unset, snooze ---------------------------------------------------------------------------


@main.command(name="set", cls=ValuesCommand, context_settings={"ignore_unknown_options": True})
@click.argument("name", shell_complete=complete_contact)
@click.argument("key")
@click.argument("values", metavar="VALUE...", nargs=-1, required=True)
@click.option(
    "--no-former",
    is_flag=True,
    help="Setting company: do not add the old company to former:.",
)
@write_options
@click.pass_obj
def set_(
    session: Session,
    name: str,
    key: str,
    values: tuple[str, ...],
    no_former: bool,
    dry_run: bool,
    no_commit: bool,
) -> None:
    """Set one front-matter key; only its line changes.

    List keys (tags, aliases, emails, phones, and keys that hold a list already) take each
    VALUE as an item; other keys take the VALUEs joined by spaces. Dates are checked
    (birthday and dates.LABEL may be --MM-DD), circle and cadence too, vouches and archived
    are true or false. A value that a YAML 1.1 reader such as Obsidian would misread (NO,
    0170123, 12:30, [[Link]]) is quoted. Setting a key to the value it has writes nothing.

    A new company moves the old one to the list former: (unless --no-former), so that
    'netzmd companies' knows them as alumni there.

    A VALUE may begin with a dash and a digit (--03-14, -5); any other VALUE that begins with
    a dash goes after `--`, so that a mistyped option is never written into the note.

    \b
    Examples:
      netzmd set jane company "Bar AG"
      netzmd set max tags ex-colleague cloud terraform
      netzmd set zoe birthday --03-14
      netzmd set jane motto -- -ish
      netzmd set max "dates.work anniversary" 2019-04-01
      netzmd set jane introduced_by "[[Zoë Müller]]"
    """
    from netzmd.ops import write as changes

    plan = changes.set_value(_note(session, name), key, values, former=not no_former)
    _finish(session, plan, dry_run, no_commit)


@main.command()
@click.argument("a", metavar="A", shell_complete=complete_contact)
@click.argument("b", metavar="B", shell_complete=complete_contact)
@click.option("-m", "--message", help="What the introduction is about, one line.")
@click.option("--date", "when", type=DATE, help="When (YYYY-MM-DD). Default: today.")
@write_options
@today_option
@click.pass_obj
def introduce(
    session: Session,
    a: str,
    b: str,
    message: str | None,
    when: date | None,
    dry_run: bool,
    no_commit: bool,
    today: date | None,
) -> None:
    """Record that you introduced A and B to each other.

    Each note gets `- DATE [intro] introduced to [[the other]]: TEXT` under ## Log, and
    last_contact: moves as with 'netzmd log'; one commit. 'netzmd show' lists the
    introductions a contact made and received, and 'netzmd company' counts who can introduce
    you where.

    \b
    Examples:
      netzmd introduce jürgen sophie -m "data platform for Elbtal"
      netzmd introduce max zoe --date 2026-11-20 --dry-run
    """
    from netzmd.ops import write as changes

    day = real_today(today)
    first, second = _note(session, a), _note(session, b)
    plan = changes.introduce(first, second, when or day, message, day)
    _finish(session, plan, dry_run, no_commit)


@main.command()
@click.argument("name", shell_complete=complete_contact)
@click.argument("key")
@write_options
@click.pass_obj
def unset(session: Session, name: str, key: str, dry_run: bool, no_commit: bool) -> None:
    """Remove one front-matter key (or dates.LABEL); only its lines go.

    \b
    Examples:
      netzmd unset jane snooze_until
      netzmd unset max "dates.work anniversary"
    """
    from netzmd.ops import write as changes

    plan = changes.unset_value(_note(session, name), key)
    _finish(session, plan, dry_run, no_commit)


@main.command()
@click.argument("name", shell_complete=complete_contact)
@click.argument("until", metavar="UNTIL")
@write_options
@today_option
@click.pass_obj
def snooze(
    session: Session,
    name: str,
    until: str,
    dry_run: bool,
    no_commit: bool,
    today: date | None,
) -> None:
    """Keep a contact off "keep in touch" until a date: sets snooze_until.

    UNTIL is a date (YYYY-MM-DD), a span from today (10d, 2w, 3m, 1y), tomorrow, or a weekday
    (the next one after today). 'netzmd unset NAME snooze_until' ends the snooze.

    \b
    Examples:
      netzmd snooze max 3m
      netzmd snooze jane 2027-01-15
    """
    from netzmd.ops import write as changes

    day = real_today(today)
    when = changes.relative_date(until, day, "UNTIL")
    plan = changes.snooze(_note(session, name), when, day)
    _finish(session, plan, dry_run, no_commit)


# --- edit -----------------------------------------------------------------------------------------


@main.command()
@click.argument("name", shell_complete=complete_contact)
@click.option("--no-commit", is_flag=True, help="Do not commit the edit to git.")
@click.pass_obj
def edit(session: Session, name: str, no_commit: bool) -> None:
    """Open a contact's note in $VISUAL or $EDITOR, then check it.

    NAME is a name, an alias or the note's path; a note that cannot be read opens too, by its
    file name or path, to fix it. After the editor closes, the note is checked and each problem
    is printed; when it changed and has no errors, the change is committed. Exit status 1 when
    it has errors.

    \b
    Examples:
      netzmd edit max
      EDITOR="code --wait" netzmd edit "contacts/Jane Doe.md"
    """
    from netzmd.ops import write as changes

    editor = changes.editor_command()
    from netzmd.store import queries

    rel = queries.resolve(session.index, name, cwd=Path.cwd()).path
    path = session.vault.root / rel
    try:
        before = path.read_bytes()
    except OSError as exc:
        raise NotFound(f"cannot read {rel}: {exc.strerror}") from None
    found = next((c for c in _candidates(session) if c.path == rel), None)
    label = found.name if found is not None else Path(rel).stem
    _after_edit(session, editor, rel, before, f"edit: {label}", no_commit, False)


def _candidates(session: Session) -> list[Any]:
    from netzmd.store import queries

    return queries.candidates(session.index)


def _after_edit(
    session: Session,
    editor: list[str],
    rel: str,
    before: bytes,
    message: str,
    no_commit: bool,
    created: bool,
) -> None:
    """Run the editor on ``rel``, check the note, and commit it when it changed (or was just
    created) and has no errors."""
    from netzmd.git.commit import CommitResult
    from netzmd.ops import write as changes
    from netzmd.store import queries

    path = session.vault.root / rel
    status = changes.run_editor(editor, path)
    if status != 0:
        click.echo(f"the editor exited with status {status}", err=True)
    try:
        after: bytes | None = path.read_bytes()
    except OSError:
        after = None
    changed = after != before
    if not created:
        echo(f"{rel}: {'edited' if changed else 'unchanged'}")
    if after is None:
        click.echo(f"{rel} is gone (deleted or renamed in the editor?)", err=True)
        return
    session.index.refresh()
    report = queries.check(session.index, session.config, {rel})
    for problem in report.problems:
        echo(str(problem))
    if not report.problems:
        click.echo(f"{rel}: no problems", err=True)
    if (changed or created) and _commits(session, no_commit):
        if report.errors:
            _say_commit(
                CommitResult(
                    False, message=message, reason=f"{rel} has errors; fix them and edit again"
                )
            )
        else:
            written = [changes.Change(rel, path, before, after)]
            _say_commit(changes.commit(session.vault, written, message))
    if report.errors:
        sys.exit(1)
