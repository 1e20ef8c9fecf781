"""``netzmd export vcard|ics|csv|json``: the network in other programs' formats. The formats
live in ``netzmd.formats`` and are loaded only when one runs."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from netzmd.cli.app import main
from netzmd.cli.options import _write_out, broken_hint, today_option
from netzmd.cli.session import Session, real_today
from netzmd.errors import NetzmdError, UsageError
from netzmd.model.contact import CIRCLES

F = TypeVar("F", bound=Callable[..., Any])


def _output_option(help_text: str) -> Callable[[F], F]:
    return click.option("--output", "-o", metavar="FILE", help=help_text)


@main.group()
def export() -> None:
    """Write the network in another program's format: vcard, ics, csv or json.

    Each reads the contacts from the index (archived ones too, except in the calendar feed) and
    writes to standard output, or with --output to a file, atomically and only when its content
    changed. The same network gives the same bytes on every run.

    \b
    Examples:
      netzmd export vcard --output contacts.vcf
      netzmd export vcard --output ~/.contacts/netzmd/     one .vcf per contact
      netzmd export ics --output ~/network.ics
      netzmd export csv > network.csv
      netzmd export json | jq '.contacts[].name'
    """


def _network(
    session: Session, today: date | None, circle: str | None, tags: tuple[str, ...]
) -> Any:
    from netzmd.formats.base import Network
    from netzmd.store.queries import Filters

    filters = Filters(circle=circle, tags=tags, archived=True)
    return Network(session.index, session.config, real_today(today), filters)


def _write_file(output: str, data: bytes) -> bool:
    """Write ``data`` to the file ``output`` atomically unless it holds it already."""
    from netzmd.notes.atomic import write_if_changed

    target = Path(output).expanduser()
    if target.is_dir():
        raise UsageError(
            f"--output {output} is a folder; give a file name, e.g. "
            f"{os.path.join(output, 'network' + _suffix_of(data))}"
        )
    if not target.parent.is_dir():
        raise UsageError(f"cannot write {output}: the folder {target.parent} does not exist")
    try:
        return write_if_changed(target, data)
    except OSError as exc:
        raise NetzmdError(f"cannot write {output}: {exc.strerror or exc}") from None


def _suffix_of(data: bytes) -> str:
    if data.startswith(b"BEGIN:VCALENDAR"):
        return ".ics"
    if data.startswith(b"BEGIN:VCARD"):
        return ".vcf"
    return ".json" if data.startswith(b"{") else ".csv"


def _emit(session: Session, output: str | None, data: bytes) -> None:
    if output is None:
        _write_out([data])
    else:
        written = _write_file(output, data)
        click.echo(f"{'wrote' if written else 'unchanged'} {output}", err=True)
    broken_hint(session)


def _filters(f: F) -> F:
    f = click.option(
        "--tag", "tags", multiple=True, help="Only contacts with this tag; repeat: all must match."
    )(f)
    return click.option("--circle", type=click.Choice(CIRCLES), help="Only this circle.")(f)


@export.command()
@_output_option(
    "A file for all cards, or a folder (one that exists, or a path ending in /) for one "
    "UID.vcf per contact. Default: standard output."
)
@_filters
@click.option(
    "--prune",
    is_flag=True,
    help="Into a folder: remove the cards netzmd wrote there for contacts no longer exported.",
)
@click.pass_obj
def vcard(
    session: Session, output: str | None, circle: str | None, tags: tuple[str, ...], prune: bool
) -> None:
    """Contacts as vCard 3.0, for a phone, an address book or a CardDAV sync.

    Each card has FN, N, NICKNAME (aliases), EMAIL, TEL, ORG, TITLE, ADR (city), CATEGORIES
    (tags), URL (linkedin), BDAY and NOTE (the note's text without its Log and Follow-ups), and
    a stable UID: the note's uid: field (an import keeps the source's), else one derived from
    the file name, so that a sync tool updates a card instead of adding it again.

    A birthday without a year is written in Apple's form (below), not as vCard 4.0's --0415:
    vCard 3.0 has no year-less date, iPhones read only Apple's form, Android's CardDAV sync
    converts it, and any other program still reads the right day, where --0415 would be an
    error that loses the birthday.

    \b
      BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15

    A folder gets one file per contact named by its UID, as khard and vdirsyncer keep them;
    cards already there are rewritten only when they changed. The folder's
    .netzmd-export.json remembers which cards netzmd wrote; with --prune, a card netzmd wrote
    for a contact no longer exported (deleted, merged, filtered out) is removed, unless it was
    changed since (then it is kept and named). Cards netzmd did not write are never touched.

    \b
    Examples:
      netzmd export vcard --output contacts.vcf
      netzmd export vcard --circle competence > competence.vcf
      netzmd export vcard --output ~/.contacts/netzmd/
      netzmd export vcard --output ~/.contacts/netzmd/ --prune
    """
    from netzmd.formats import exporter_class

    exporter = exporter_class("vcard")()
    network = _network(session, None, circle, tags)
    folder = output is not None and (
        output.endswith(("/", os.sep)) or Path(output).expanduser().is_dir()
    )
    if not folder:
        if prune:
            raise UsageError("--prune is for a folder: --output DIR/")
        _emit(session, output, exporter.export(network))
        return
    assert output is not None
    target = Path(output).expanduser()
    if target.exists() and not target.is_dir():
        raise UsageError(f"--output {output} is a file, not a folder")
    if not target.is_dir():
        if not target.parent.is_dir():
            raise UsageError(f"cannot make {output}: the folder {target.parent} does not exist")
        try:
            target.mkdir()
        except OSError as exc:
            raise NetzmdError(f"cannot make the folder {output}: {exc.strerror}") from None
    from netzmd.notes.atomic import write_if_changed

    manifest = _Manifest(target)
    written = unchanged = 0
    current: dict[str, str] = {}
    for name, data in exporter.export_each(network):
        try:
            if write_if_changed(target / name, data):
                written += 1
            else:
                unchanged += 1
        except OSError as exc:
            raise NetzmdError(f"cannot write {target / name}: {exc.strerror or exc}") from None
        current[name] = _digest(data)
    stale = sorted(set(manifest.files) - set(current))
    pruned, kept = _prune(target, stale, manifest.files) if prune else ([], [])
    left = [n for n in stale if n not in pruned]
    manifest.save({**{n: manifest.files[n] for n in left if n not in kept}, **current})
    said = f"wrote {written} cards to {output} ({unchanged} unchanged"
    said += f", {len(pruned)} removed)" if prune else ")"
    click.echo(said, err=True)
    for name in kept:
        click.echo(f"kept {target / name}: changed since netzmd wrote it", err=True)
    if left and not prune:
        click.echo(
            f"{len(left)} card{'s' if len(left) != 1 else ''} of contacts no longer exported "
            "left in the folder; --prune removes them",
            err=True,
        )
    broken_hint(session)


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


class _Manifest:
    """The cards netzmd wrote into an export folder, by file name, with the SHA-256 of what
    it wrote: ``.netzmd-export.json`` (a sync tool keeps only ``.vcf`` files)."""

    NAME = ".netzmd-export.json"

    def __init__(self, folder: Path) -> None:
        import json

        self.path = folder / self.NAME
        self.files: dict[str, str] = {}
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return
        files = data.get("files") if isinstance(data, dict) else None
        if isinstance(files, dict):
            self.files = {
                str(k): str(v)
                for k, v in files.items()
                if isinstance(k, str) and "/" not in k and k.endswith(".vcf")
            }

    def save(self, files: dict[str, str]) -> None:
        import json

        from netzmd.notes.atomic import write_if_changed

        data = json.dumps({"version": 1, "files": dict(sorted(files.items()))}, indent=1)
        try:
            write_if_changed(self.path, (data + "\n").encode("utf-8"))
        except OSError as exc:
            raise NetzmdError(f"cannot write {self.path}: {exc.strerror or exc}") from None


def _prune(target: Path, stale: list[str], wrote: dict[str, str]) -> tuple[list[str], list[str]]:
    """Remove each stale card that still holds what netzmd wrote; (removed, kept: changed)."""
    removed: list[str] = []
    kept: list[str] = []
    for name in stale:
        path = target / name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            removed.append(name)  # gone already: nothing to keep track of
            continue
        except OSError as exc:
            raise NetzmdError(f"cannot read {path}: {exc.strerror or exc}") from None
        if _digest(data) != wrote[name]:
            kept.append(name)
            continue
        try:
            path.unlink()
        except OSError as exc:
            raise NetzmdError(f"cannot remove {path}: {exc.strerror or exc}") from None
        removed.append(name)
    return removed, kept


class IncludeParam(click.ParamType):  # type: ignore[type-arg]
    name = "KINDS"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, ...]:
        from netzmd.formats.base import ICS_KINDS

        if isinstance(value, tuple):
            return value
        kinds = tuple(k.strip() for k in str(value).split(",") if k.strip())
        wrong = [k for k in kinds if k not in ICS_KINDS]
        if wrong or not kinds:
            self.fail(
                f"'{', '.join(wrong) or value}' is not a kind of event: use a comma-separated "
                f"list of {', '.join(ICS_KINDS)}",
                param,
                ctx,
            )
        return kinds


@export.command()
@_output_option("Write the feed to this file. Default: standard output.")
@click.option(
    "--include",
    type=IncludeParam(),
    default="birthdays,dates,follow-ups,keep-in-touch",
    show_default=True,
    help="Which events, comma-separated.",
)
@click.option(
    "--days",
    type=click.IntRange(0, 3660),
    default=90,
    show_default=True,
    help="How many days ahead follow-ups and keep-in-touch reach (birthdays and dates recur "
    "every year).",
)
@today_option
@click.pass_obj
def ics(
    session: Session,
    output: str | None,
    include: tuple[str, ...],
    days: int,
    today: date | None,
) -> None:
    """An iCalendar feed of birthdays, dates, follow-ups and whom to get in touch with.

    Subscribe to the file in a calendar (or let `netzmd watch` keep it current: set ics_output
    in netzmd.toml). All events are all-day events, and each names the contact's note:

    \b
      birthdays      yearly; "born 1985" when the year is known; 29 February
                     recurs on the last day of February
      dates          the labelled dates under dates:, yearly
      follow-ups     open follow-ups with a due date within --days, on that
                     day, or today when overdue
      keep-in-touch  contacts due by their cadence within --days, on the day
                     they are due, or today when overdue (snoozed ones not)

    Archived contacts are left out, as from the agenda. UIDs are stable, so a subscribed
    calendar updates in place, and the same network exported for the same --today gives the
    same bytes.

    \b
    Examples:
      netzmd export ics --output ~/network.ics
      netzmd export ics --include birthdays,dates > birthdays.ics
      netzmd export ics --days 30 --today 2026-12-01
    """
    from netzmd.formats import exporter_class

    exporter = exporter_class("ics")(include=include, days=days)
    _emit(session, output, exporter.export(_network(session, today, None, ())))


@export.command("csv")
@_output_option("Write to this file. Default: standard output.")
@_filters
@today_option
@click.pass_obj
def csv_command(
    session: Session,
    output: str | None,
    circle: str | None,
    tags: tuple[str, ...],
    today: date | None,
) -> None:
    """Every contact and every field as CSV, one row per contact, for a spreadsheet.

    The known fields come first (id, path, uid, name, aliases, …, next due as of --today), then
    one column for every other front-matter key in the vault, then the interactions, the
    follow-ups and the note's text. A list is one value a line within its cell.

    \b
    Examples:
      netzmd export csv --output network.csv
      netzmd export csv --circle competence > competence.csv
    """
    from netzmd.formats import exporter_class

    data = exporter_class("csv")().export(_network(session, today, circle, tags))
    _emit(session, output, data)


@export.command("json")
@_output_option("Write to this file. Default: standard output.")
@_filters
@today_option
@click.pass_obj
def json_command(
    session: Session,
    output: str | None,
    circle: str | None,
    tags: tuple[str, ...],
    today: date | None,
) -> None:
    """Every contact, every field, interaction and follow-up, and each note's text, as JSON.

    {"format": "netzmd-export", "version": 1, "today", "contacts": [...]}: each contact as
    `list --format json` gives it, with "uid" and "body" (the note's Markdown after its front
    matter), one contact a line.

    \b
    Examples:
      netzmd export json --output network.json
      netzmd export json | jq '.contacts[] | {name, interactions}'
    """
    from netzmd.formats import exporter_class

    data = exporter_class("json")().export(_network(session, today, circle, tags))
    _emit(session, output, data)
