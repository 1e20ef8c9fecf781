"""``netzmd agenda``: what to do for the network in the next days."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from netzmd.cli.app import main
from netzmd.cli.options import _write_out, broken_hint, today_option, use_color
from netzmd.cli.session import Session, real_today
from netzmd.errors import NetzmdError, UsageError
from netzmd.model.contact import CIRCLES

# --- agenda -----------------------------------------------------------------------------------


@main.command()
@today_option
@click.option(
    "--days",
    default=14,
    show_default=True,
    type=click.IntRange(0, 3660),
    help="How many days ahead.",
)
@click.option("--circle", type=click.Choice(CIRCLES), help="Only this circle.")
@click.option(
    "--tag", "tags", multiple=True, help="Only contacts with this tag; repeat: all must match."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "json"]),
    default=None,
    help="text (terminal), md (a note with [[links]]) or json. Default: text, or from the "
    "--output file's ending (.md, .json).",
)
@click.option("--template", help="Render with this template (a name in templates/ or a file path).")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file (atomically; left untouched when nothing changed).",
)
@click.pass_obj
def agenda(
    session: Session,
    today: date | None,
    days: int,
    circle: str | None,
    tags: tuple[str, ...],
    fmt: str | None,
    template: str | None,
    output: str | None,
) -> None:
    """What to do for your network from today through the next --days days.

    Four sections, each item saying why it is there: follow-ups due (overdue first), people to
    get back in touch with (by cadence: their own or their circle's default), birthdays and
    other dates, and greetings for occasions such as Christmas. Archived contacts are never on
    it. A note that cannot be read counts as it last read without errors, and a Problems section
    lists each problem as path:line. Text and md list at most agenda_limit people to keep in
    touch with (netzmd.toml, 20 unless set; 0 for all), the most overdue first, and say how many
    more there are; json lists them all.

    \b
    Examples:
      netzmd agenda
      netzmd agenda --days 30 --circle competence
      netzmd agenda --format md --output Agenda.md
      netzmd agenda --format json | jq '.keep_in_touch[].name'
      netzmd agenda --template my-weekly.txt.j2
    """
    from netzmd.store import queries

    if fmt is None:
        suffix = Path(output).suffix.lower() if output else ""
        fmt = {".md": "md", ".json": "json"}.get(suffix, "text")
    if fmt == "json" and template:
        raise UsageError("--template applies to text and md output, not json")
    day = real_today(today)
    report, news = queries.agenda_report(
        session.index, session.config, day, days, circle=circle, tags=tags
    )
    if fmt == "json":
        from netzmd.present.agenda_json import agenda_lines

        text = agenda_lines(report, news) + "\n"
        if output is None:
            _write_out([text.encode("utf-8")])
            broken_hint(session)
            return
    else:
        from netzmd.model.agenda import to_data
        from netzmd.present.jinja import render_agenda

        data = to_data(report, news)
        color = fmt == "text" and output is None and use_color()
        text = render_agenda(
            session.vault, data, days, fmt, template, color=color, limit=session.config.agenda_limit
        )
    if output is None:
        click.echo(text, nl=False, color=True if fmt == "text" and use_color() else None)
        broken_hint(session)
        return
    from netzmd.notes.atomic import write_if_changed

    target = Path(output)
    try:
        written = write_if_changed(target, text.encode("utf-8"))
    except OSError as exc:
        raise NetzmdError(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"{'wrote' if written else 'unchanged'} {output}", err=True)
    broken_hint(session)
