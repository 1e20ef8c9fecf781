"""The commands that tidy the network: duplicates (and --dismiss), merge, rename, forget.

Each write prints what it changed (or, with ``--dry-run``, the diff instead of writing) and
commits everything it wrote in one commit when the vault is in a git repository and
``auto_commit`` is on.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

import click

from netzmd.cli.app import main
from netzmd.cli.options import complete_contact, echo, format_option
from netzmd.cli.session import Session
from netzmd.cli.write import write_options

if TYPE_CHECKING:
    from netzmd.ops.tidy import Reader
    from netzmd.ops.write import Note, Plan


def _reader(session: Session) -> Reader:
    from netzmd.ops.tidy import Reader

    return Reader(session.vault, on_wait=lambda text: click.echo(text, err=True))


def _note(session: Session, name: str) -> Note:
    from netzmd.ops import write as changes
    from netzmd.store import queries

    path = queries.resolve(session.index, name).path
    return changes.open_note(session.vault, path, on_wait=lambda text: click.echo(text, err=True))


def _keys(session: Session) -> dict[str, str]:
    """Each contact's key (its file name, or its path when the file name is not unique)."""
    from netzmd.model.duplicates import keys_for
    from netzmd.store import queries

    return keys_for((c.id, c.path) for c in queries.candidates(session.index, unread=True))


def _diff(plan: Plan) -> str:
    """The plan's diff; a note that moves (one file deleted, one made with its text) as git
    shows a rename."""
    import difflib

    from netzmd.ops import write as changes

    real = plan.real
    gone = [c for c in real if c.deleted]
    made = [c for c in real if c.before is None]
    if len(gone) != 1 or len(made) != 1:
        return changes.diff(real)
    old, new = gone[0], made[0]
    assert old.before is not None
    head = f"diff --git a/{old.rel} b/{new.rel}\nrename from {old.rel}\nrename to {new.rel}\n"
    lines = difflib.unified_diff(
        old.before.decode("utf-8").splitlines(keepends=True),
        new.after.decode("utf-8").splitlines(keepends=True),
        f"a/{old.rel}",
        f"b/{new.rel}",
    )
    body = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    return head + body + changes.diff([c for c in real if c is not old and c is not new])


def _apply(session: Session, plan: Plan, dry_run: bool, no_commit: bool) -> bool:
    """Show the diff (dry run) or write all of the plan and commit it; False when there was
    nothing to do or it was a dry run."""
    from netzmd.cli.write import _say_commit
    from netzmd.ops import write as changes

    for line in plan.nothing:
        click.echo(f"{line}; nothing changed", err=True)
    if not plan.real:
        return False
    if dry_run:
        click.echo(_diff(plan), nl=False)
        click.echo("dry run: nothing written", err=True)
        return False
    commit_it = not no_commit and session.config.auto_commit
    outcome = changes.apply(session.vault, plan, commit_it=commit_it)
    for change in outcome.written:
        for line in change.said:
            echo(line)
    _say_commit(outcome.commit)
    return True


def _left(files: list[str]) -> None:
    for line in files:
        click.echo(f"warning: {line}", err=True)


# --- duplicates -----------------------------------------------------------------------------------


@main.command()
@click.option(
    "--dismiss",
    nargs=2,
    metavar="A B",
    help="Record that A and B are two people (in imports/not-duplicates.json, committed), so "
    "that neither duplicates nor check names the pair again.",
)
@format_option("text", "json")
@write_options
@click.pass_obj
def duplicates(
    session: Session,
    dismiss: tuple[str, str] | None,
    fmt: str,
    dry_run: bool,
    no_commit: bool,
) -> None:
    """List pairs of contacts that are probably one person, best first.

    A pair is listed for the same email address, LinkedIn profile or phone number (written in
    any way: https://www.linkedin.com/in/x/ is linkedin.com/in/x, a number without a country
    code is read in the country of `region` in netzmd.toml), for the same name with case,
    accents, punctuation and word order ignored (one's name is the other's name or alias), or
    for similar names (rapidfuzz, 85 of 100 or more) at the same company or in the same city.
    An address or number on more than five notes (a switchboard) is not counted. Each pair has
    its reasons and a score from 0 to 100.

    Then merge the two (netzmd merge KEEP OTHER), or record that they are two people
    (--dismiss A B). `netzmd check` warns about the pairs found by an identifier or an equal
    name too. JSON: [{"a", "b", "reasons", "score"}], a and b the contacts' file names (their
    paths when a file name is not unique), a < b.

    \b
    Examples:
      netzmd duplicates
      netzmd duplicates --format json | jq '.[] | select(.score >= 90)'
      netzmd merge "Jane Doe" "Jane Doe (LinkedIn)"
      netzmd duplicates --dismiss "Thomas Müller" "Thomas Müller (Bosch)"
    """
    from netzmd.present import text as output

    if dismiss is not None:
        _dismiss(session, dismiss[0], dismiss[1], dry_run, no_commit)
        return
    if dry_run or no_commit:
        raise click.UsageError("--dry-run and --no-commit go with --dismiss")
    from netzmd.reports import duplicates as report

    found = report.duplicates(session.index, session.config)
    if fmt == "json":
        echo(output.dumps_lines(report.to_json(found)))
        return
    for f in found:
        pair = f.pair
        names = f"{shlex.quote(pair.a)} and {shlex.quote(pair.b)}"
        echo(f"{pair.score:3d}  {names}: {', '.join(pair.reasons)}")
    if not found:
        click.echo("no probable duplicates", err=True)
        return
    click.echo(
        f"{len(found)} pair{'' if len(found) == 1 else 's'}; one person: netzmd merge KEEP "
        "OTHER; two people: netzmd duplicates --dismiss A B",
        err=True,
    )


def _dismiss(session: Session, a: str, b: str, dry_run: bool, no_commit: bool) -> None:
    from netzmd.ops import tidy
    from netzmd.store import queries

    first = queries.resolve(session.index, a).path
    second = queries.resolve(session.index, b).path
    if first == second:
        raise click.UsageError(f"'{a}' and '{b}' are the same contact ({first})")
    keys = _keys(session)
    plan = tidy.dismiss(session.vault, _reader(session), keys[first], keys[second])
    _apply(session, plan, dry_run, no_commit)


# --- merge ----------------------------------------------------------------------------------------


@main.command()
@click.argument("keep", shell_complete=complete_contact)
@click.argument("other", shell_complete=complete_contact)
@click.option(
    "--prefer",
    type=click.Choice(["keep", "other"]),
    default="keep",
    show_default=True,
    help="Whose value a field gets that both notes have with different values.",
)
@write_options
@click.pass_obj
def merge(
    session: Session, keep: str, other: str, prefer: str, dry_run: bool, no_commit: bool
) -> None:
    """Merge two notes of one person: OTHER into KEEP, then OTHER is deleted.

    KEEP's empty fields take OTHER's values; lists are united (another email or phone goes
    into emails: or phones:); a field that both have with different values is listed, and
    KEEP's value stays (OTHER's with --prefer other) — the value not kept is written under the
    new heading below, so nothing is lost. OTHER's name and aliases become aliases of KEEP.
    OTHER's interactions go into KEEP's ## Log in date order and its open follow-ups into ##
    Follow-ups, each once; the rest of OTHER's text (notes, done tasks, entries with lines
    below them) goes under `## From <OTHER's name>` at the end. Every [[OTHER]] link in the
    vault (daily notes too) becomes [[KEEP]], alias and heading kept; OTHER's import records
    and dismissed pairs follow it.

    All of it is written or none (a note changed meanwhile stops it), in one commit, which
    `git revert` undoes.

    \b
    Examples:
      netzmd merge "Jane Doe" "Jane Doe (LinkedIn)" --dry-run
      netzmd merge jane "J. Doe"
      netzmd merge jane "J. Doe" --prefer other
    """
    from netzmd.ops import tidy

    keep_note = _note(session, keep)
    other_note = _note(session, other)
    merged = tidy.merge(
        session.vault,
        keep_note,
        other_note,
        _reader(session),
        _keys(session),
        prefer_other=prefer == "other",
    )
    _left(merged.left)
    _apply(session, merged.plan, dry_run, no_commit)


# --- rename ---------------------------------------------------------------------------------------


@main.command()
@click.argument("name", shell_complete=complete_contact)
@click.argument("new")
@write_options
@click.pass_obj
def rename(session: Session, name: str, new: str, dry_run: bool, no_commit: bool) -> None:
    """Rename a contact: its note becomes NEW.md, and NEW its name.

    The file goes in the same folder, named as `add` names files (characters that file names
    or links do not allow become '-'); the old name stays an alias, so it still finds them.
    Every [[NAME]] link in the vault (daily notes too) points to the new file, alias and
    heading kept; import records and dismissed pairs follow. Refused when NEW is another
    contact's file, name or alias. One commit (git sees the rename).

    \b
    Examples:
      netzmd rename "Jane Doe" "Jane Smith"
      netzmd rename max "Max Mustermann" --dry-run
    """
    from netzmd.ops import tidy
    from netzmd.store import queries

    note = _note(session, name)
    candidates = queries.candidates(session.index, unread=True)
    plan, left = tidy.rename(session.vault, note, new, candidates, _reader(session), _keys(session))
    _left(left)
    _apply(session, plan, dry_run, no_commit)


# --- forget ---------------------------------------------------------------------------------------


@main.command()
@click.argument("name", shell_complete=complete_contact)
@write_options
@click.pass_obj
def forget(session: Session, name: str, dry_run: bool, no_commit: bool) -> None:
    """Forget a contact: delete the note, and everything that names it in the vault.

    Every link to it elsewhere becomes plain text (its alias, else the name it shows), its
    records in imports/*.json (and its dismissed pairs) are removed, all in one commit whose
    message does not name them. git keeps the earlier versions: the command prints how to
    purge them with git filter-repo, which netzmd does not run itself.

    \b
    Examples:
      netzmd forget "Jane Doe" --dry-run
      netzmd forget "Jane Doe"
    """
    from netzmd.ops import tidy

    note = _note(session, name)
    plan, left = tidy.forget(session.vault, note, _reader(session), _keys(session))
    _left(left)
    if _apply(session, plan, dry_run, no_commit):
        for line in tidy.purge_hint(note.rel, note.contact.name):
            echo(line)
