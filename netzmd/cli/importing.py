"""``netzmd import linkedin|vcard|google|outlook|ics``: other programs' contacts and meetings into
the vault, through one engine (``ops/importing.py``); the readers live in ``netzmd.formats`` and
are loaded only when their source is imported."""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from netzmd.cli.app import main
from netzmd.cli.options import echo, today_option
from netzmd.cli.session import Session, real_today
from netzmd.errors import NetzmdError, UsageError
from netzmd.model.contact import CIRCLES

F = TypeVar("F", bound=Callable[..., Any])


@main.group(name="import")
def import_group() -> None:
    """Bring people in from LinkedIn, an address book, Google, Outlook or a calendar.

    New people become notes as 'netzmd add' makes them; people netzmd knows (by LinkedIn URL,
    email, phone, or an exact name that nothing contradicts) get their empty fields filled. A
    value you set by hand is never overwritten, unless the source changed it since the last
    import from that source (a new job: the old company goes to former:); when both changed,
    nothing is written and the field is listed as a conflict. Similar names are only reported
    as possible matches. What each import saw is kept in imports/SOURCE.json (committed), so
    importing the same file again changes nothing.

    One commit for the whole import. New people get no circle unless --circle is given, so
    that hundreds of connections do not all come due at once.

    \b
    Examples:
      netzmd import linkedin ~/Downloads/Connections.csv --dry-run
      netzmd import linkedin Connections.csv --tag linkedin
      netzmd import vcard ~/.contacts/default/ --circle competence
      netzmd import google contacts.csv --format json
      netzmd import ics ~/calendar-export.ics --today 2026-11-30
    """


def _options(f: F) -> F:
    f = click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="json: what was imported, as one JSON object.",
    )(f)
    f = click.option(
        "--no-commit",
        is_flag=True,
        help="Do not commit (auto_commit = false in netzmd.toml: never).",
    )(f)
    f = click.option(
        "--dry-run", is_flag=True, help="Print the summary and every note's diff; write nothing."
    )(f)
    f = click.option(
        "--tag", "tags", multiple=True, metavar="TAG", help="A tag for new contacts; repeat."
    )(f)
    f = click.option(
        "--circle", type=click.Choice(CIRCLES), help="The circle of new contacts (default: none)."
    )(f)
    return today_option(f)


def _read(path: str) -> bytes:
    try:
        return Path(path).expanduser().read_bytes()
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder; give the exported file") from None
    except FileNotFoundError:
        raise UsageError(f"{path} does not exist") from None
    except OSError as exc:
        raise NetzmdError(f"cannot read {path}: {exc.strerror or exc}") from None


def _files(paths: tuple[str, ...], suffix: str) -> list[str]:
    """The files given, a folder standing for every ``*suffix`` file in it (sorted, at any
    depth, hidden ones left out)."""
    out: list[str] = []
    for given in paths:
        folder = Path(given).expanduser()
        if folder.is_dir():
            found = sorted(
                p
                for p in folder.rglob(f"*{suffix}")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(folder).parts)
            )
            if not found:
                raise UsageError(f"{given} holds no {suffix} files")
            out += [str(p) for p in found]
        else:
            out.append(given)
    return out


def _known(session: Session, today: date) -> list[Any]:
    from netzmd.formats.base import Network
    from netzmd.ops.importing import Known

    network = Network(session.index, session.config, today)
    return [
        Known(
            str(c["path"]),
            str(c["id"]),
            str(c["name"]),
            list(c.get("aliases") or []),
            dict(c.get("fields") or {}),
        )
        for c in network.contacts(history=False)
    ]


def _run(
    session: Session,
    source: str,
    files: list[str],
    today: date | None,
    circle: str | None,
    tags: tuple[str, ...],
    dry_run: bool,
    no_commit: bool,
    fmt: str,
) -> None:
    from netzmd.formats import importer_class
    from netzmd.ops import importing
    from netzmd.store.queries import candidates

    day = real_today(today)
    reader = importer_class(source)()
    config = session.config
    options = importing.Options(circle, _tags(tags), config.region, config.me_emails)
    datas = [(_read(f), f) for f in files]  # every file read before anything is planned
    on_wait: Callable[[str], None] = lambda text: click.echo(text, err=True)  # noqa: E731
    if source == "ics":
        meetings, skipped = [], []
        for data, name in datas:
            with _other_kind(source, data, name):
                found, bad = reader.read_meetings(data, name, until=day)
            meetings += found
            skipped += bad
        result = importing.plan_meetings(
            session.vault, meetings, skipped, _known(session, day), day, options, on_wait=on_wait
        )
    else:
        people, skipped = [], []
        for data, name in datas:
            with _other_kind(source, data, name):
                found, bad = reader.read(data, name)
            people += found
            skipped += bad
        result = importing.plan_import(
            session.vault,
            source,
            people,
            skipped,
            _known(session, day),
            candidates(session.index, unread=True),
            day,
            options,
            on_wait=on_wait,
            progress=_progress if len(people) >= 1000 and sys.stderr.isatty() else None,
        )
        if len(people) >= 1000 and sys.stderr.isatty():
            click.echo("\r\033[K", nl=False, err=True)
    _say(result, dry_run, no_commit, fmt, session)


@contextmanager
def _other_kind(source: str, data: bytes, file: str) -> Iterator[None]:
    """A file refused by its importer: when another importer knows it, the error says which
    command reads it (``netzmd import google FILE``)."""
    from netzmd.formats import IMPORTERS, importer_class

    try:
        yield
    except NetzmdError as exc:
        for other in sorted(IMPORTERS):
            if other == source:
                continue
            try:
                knows = importer_class(other)().sniff(data, file)
            except Exception:  # a sniff that fails only means: not this one either
                knows = False
            if knows:
                hint = f"It looks like a {other} file: netzmd import {other} {shlex.quote(file)}"
                raise type(exc)(exc.detail, hint=hint, path=exc.path, line=exc.line) from None
        raise


def _progress(done: int, total: int) -> None:
    click.echo(f"\rmatching people: {done:,}/{total:,}", nl=False, err=True)


def _tags(tags: tuple[str, ...]) -> list[str]:
    from netzmd.formats.base import tag_for

    out = []
    for t in tags:
        tag = tag_for(t)
        if tag is None:
            raise UsageError(f"--tag '{t}' is not a tag (it needs a letter)")
        out.append(tag)
    return out


def _say(result: Any, dry_run: bool, no_commit: bool, fmt: str, session: Session) -> None:
    from netzmd.cli.write import _commits, _say_commit
    from netzmd.ops import write as changes

    report = result.report
    for warning in report.warnings:
        path, _, rest = warning.partition(": ")
        click.echo(f"{path}: warning: {rest}", err=True)
    for s in report.skipped:
        click.echo(f"{s.file}:{s.line}: skipped: {s.reason}", err=True)
    plan = result.plan
    if fmt == "json":
        out = report.to_json()
        if dry_run:
            click.echo("dry run: nothing written", err=True)
        elif plan.real:
            done = changes.apply(session.vault, plan, commit_it=_commits(session, no_commit))
            if done.commit is not None:
                _say_commit_err(done.commit)
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    outcome = None
    if plan.real and not dry_run:  # written before anything is printed: a closed pipe
        if len(plan.real) >= 1000 and sys.stderr.isatty():
            click.echo(f"writing {len(plan.real):,} files and committing them …", err=True)
        outcome = changes.apply(session.vault, plan, commit_it=_commits(session, no_commit))
    echo(report.summary())
    _details(report)
    if not plan.real:
        echo("nothing to change")
    elif dry_run:
        click.echo(changes.diff(plan.real), nl=False)
        click.echo("dry run: nothing written", err=True)
    elif outcome is not None:
        _say_commit(outcome.commit)


def _say_commit_err(result: Any) -> None:
    line = result.line()
    if line:
        click.echo(line, err=True)


def _details(report: Any) -> None:
    from netzmd.notes.edit import show

    for ident, name in report.new:
        echo(f"  new      {name}" + (f"  ({ident}.md)" if ident != name else ""))
    for u in report.updated:
        fields = ", ".join(
            f"{f.field} {show(f.old)} → {show(f.new)}" if f.old else f"{f.field} {show(f.new)}"
            for f in u.fields
        )
        echo(f"  updated  {u.name}: {fields}")
    for c in report.conflicts:
        echo(
            f"  conflict {c.id}: {c.field} is {show(c.note)} in the note, {show(c.source)} in "
            "the source; the note's value is kept"
        )
    for p in report.possible:
        echo(f"  possible match: {p.incoming} ~ {p.id} ({p.score:.0f})")
    for email, n in sorted(report.unknown.items()):
        echo(f"  unknown  {email} ({n} meeting{'s' if n != 1 else ''})")


def _source_command(name: str, what: str, example: str, many: bool = False) -> None:
    doc = f"{what}\n\n\b\nExample:\n  {example}"

    def command(
        session: Session,
        files: tuple[str, ...] | str,
        today: date | None,
        circle: str | None,
        tags: tuple[str, ...],
        dry_run: bool,
        no_commit: bool,
        fmt: str,
    ) -> None:
        given = (files,) if isinstance(files, str) else files
        paths = _files(given, ".vcf") if many else list(given)
        _run(session, name, paths, today, circle, tags, dry_run, no_commit, fmt)

    command.__doc__ = doc
    argument = click.argument(
        "files", nargs=-1 if many else 1, required=True, metavar="FILE|DIR..." if many else "FILE"
    )
    wrapped = argument(_options(click.pass_obj(command)))
    import_group.command(name=name)(wrapped)


_source_command(
    "linkedin",
    "LinkedIn connections (Connections.csv from Settings → Data privacy → Get a copy of your "
    "data). The connection date becomes met: when it is empty.",
    "netzmd import linkedin ~/Downloads/Connections.csv",
)
_source_command(
    "vcard",
    "vCard 2.1, 3.0 and 4.0: a file of many cards, single .vcf files, or folders of them (as "
    "khard and vdirsyncer keep them). NOTE becomes the note's text, CATEGORIES its tags, the "
    "card's UID is kept as uid: so that exporting gives it back. Photos are not imported.",
    "netzmd import vcard ~/.contacts/default/",
    many=True,
)
_source_command(
    "google",
    "Google Contacts CSV (the current layout and the legacy one, UTF-8 or UTF-16). Labels "
    "become tags.",
    "netzmd import google ~/Downloads/contacts.csv",
)
_source_command(
    "outlook",
    "Outlook's contacts CSV. Categories become tags.",
    "netzmd import outlook ~/Downloads/contacts.csv",
)
_source_command(
    "ics",
    "Past meetings of a calendar export: each becomes a [meeting] interaction in the notes of "
    "the attendees netzmd knows by email (once: by the event's UID). People it does not know "
    "are listed, not created.",
    "netzmd import ics ~/Downloads/calendar.ics --today 2026-11-30",
)
