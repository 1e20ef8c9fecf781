"""``netzmd companies`` and ``netzmd company``: companies as entry gates."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

from netzmd.cli.app import main
from netzmd.cli.options import broken_hint, echo, format_option, today_option
from netzmd.cli.session import Session, real_today
from netzmd.model.companies import GATES

if TYPE_CHECKING:
    from netzmd.reports.companies import Network


def _network(session: Session, day: date) -> Network:
    """Every contact and company on ``day``; in a git repository with the companies notes had
    before (``git.companies``, cached in .netzmd/)."""
    from netzmd.model.companies import KEY_VERSION, Work
    from netzmd.reports.companies import network
    from netzmd.vault import in_work_tree

    index = session.index
    rows = map(Work._make, index.work_rows(stale=True))
    history = None
    if in_work_tree(session.vault.root):
        from netzmd.git.companies import past_companies

        history = past_companies(session.vault.root)
    net = network(rows, session.config, day, history, index.company_keys(KEY_VERSION))
    index.keep_company_keys(KEY_VERSION, net.aliases.learned)
    return net


@main.command()
@click.option(
    "--targets",
    is_flag=True,
    help="Exactly the companies in targets = [...] in netzmd.toml, in that order, and how many "
    "of them have an open or warm gate.",
)
@click.option(
    "--gate",
    "gates",
    multiple=True,
    type=click.Choice(GATES),
    help="Only companies with this gate; repeat for several.",
)
@click.option(
    "--min",
    "minimum",
    type=click.IntRange(0),
    default=0,
    help="Only companies where at least N of your contacts are or were.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "json"]),
    default="text",
    show_default=True,
    help="text (terminal), md (a note with [[links]]) or json.",
)
@today_option
@click.pass_obj
def companies(
    session: Session,
    targets: bool,
    gates: tuple[str, ...],
    minimum: int,
    fmt: str,
    today: date | None,
) -> None:
    """Companies as entry gates: whom you know where, and how open each gate is.

    One row per company your contacts are at (company:) or were at (former:, and the history
    of company: in git): its gate, how many people are there now, how many were there before
    (alumni), who vouches for you, who made an offer, and the last contact with anyone there.
    Spellings that differ in case, accents, punctuation, & or "und", or a legal form (GmbH, AG,
    Inc., Ltd., S.A., Sp. z o.o., …) are one company; [companies] in netzmd.toml joins more.
    A * marks your targets (targets = [...] in netzmd.toml).

    \b
    The gate, from the people there now:
      open    someone vouches for you (vouches: true) or made an offer (offers:), in touch
      warm    someone is in touch, nobody in touch vouches
      cold    people there, but none in touch (all overdue, or never contacted)
      alumni  nobody there now, but contacts who worked there before
      none    nobody at all (only targets)
    In touch: contacted, and not overdue on the cadence (due today still counts).

    \b
    JSON: [{"company", "names": [spellings], "gate", "people": [{"id", "name", "role",
    "vouches", "offer", "last_contact", "due", "overdue"}], "alumni": [{"id", "name",
    "now_at"}], "last_contact", "target"}]

    \b
    Examples:
      netzmd companies
      netzmd companies --targets
      netzmd companies --gate cold --min 2
      netzmd companies --format md > Companies.md
      netzmd companies --format json | jq -r '.[] | select(.gate == "open") | .company'
    """
    from netzmd.present import companies as output
    from netzmd.present.text import dumps_lines
    from netzmd.reports import companies as report

    day = real_today(today)
    net = _network(session, day)
    rows = report.companies(net, targets=targets, gates=gates, minimum=minimum)
    coverage = report.coverage(net) if targets else None
    if fmt == "json":
        echo(dumps_lines(rows))
    elif fmt == "md":
        notes = report.company_notes(session.vault.root, net.aliases)
        links = {c.name: notes[c.key] for c in net.companies.values() if c.key in notes}
        echo(output.companies_md(rows, day, links, coverage).rstrip("\n"))
    else:
        text = output.companies_text(rows)
        if text:
            echo(text)
        if coverage is not None:
            echo(output.coverage_line(*coverage))
        count = len(rows)
        click.echo(f"{count} compan{'y' if count == 1 else 'ies'}", err=True)
    broken_hint(session)


@main.command()
@click.argument("name")
@format_option("text", "json")
@today_option
@click.pass_obj
def company(session: Session, name: str, fmt: str, today: date | None) -> None:
    """One company in depth: who is there, who was, who could introduce you, what to do next.

    NAME is any spelling of the company (case, accents and legal forms ignored) or the start
    of a word of its name. An unknown company lists the closest names (exit 1).

    Shows the people there now (role, whether they vouch for you, an offer with its
    offer_date, last contact, next due), those who worked there before (from former:, or the
    history of company: in git) and where they are now, the former colleagues of yours among
    them ([me] companies in netzmd.toml, or circle competence with the tag ex-colleague),
    who could introduce you (who introduced you to someone there, by introduced_by, or logged
    an interaction together with someone there: a log line with a [[link]] to them), and one
    next step with its reason.

    \b
    JSON: {"company", "names", "gate", "target", "note" (the company's note in the vault or
    null), "last_contact", "people": [{"id", "name", "role", "vouches", "offer",
    "last_contact", "due", "overdue", "offer_date", "in_touch", "former_colleague"}],
    "alumni": [{"id", "name", "now_at", "source" ("former" or "git"), "former_colleague"}],
    "former_colleagues": [{"id", "name", "there_now"}], "introducers": [{"id", "name",
    "in_touch", "via": [{"id", "name", "how" ("introduced" or "logged"), "date", "text"}]}],
    "next_step": {"text", "id", "name"}, "today"}

    \b
    Examples:
      netzmd company globex
      netzmd company "Acme Cloud AG" --format json | jq '.introducers[].name'
    """
    from netzmd.present import companies as output
    from netzmd.present.text import dumps
    from netzmd.reports import companies as report

    day = real_today(today)
    net = _network(session, day)
    found = report.find(net, name)
    notes = report.company_notes(session.vault.root, net.aliases)
    data = report.company(net, found, session.index, notes)
    echo(dumps(data) if fmt == "json" else output.company_text(data).rstrip("\n"))
    broken_hint(session)
