"""The command line: parse options, call the core, print. Nothing else lives here."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from netzmd import __version__
from netzmd.errors import NetzmdError, UsageError

if TYPE_CHECKING:
    from netzmd.config import Config
    from netzmd.store.index import Index
    from netzmd.vault import Vault

F = TypeVar("F", bound=Callable[..., Any])


# Commands defined in other modules, imported only when one of them runs (or for --help): a
# command pays for its own imports only.
LAZY_COMMANDS = {
    **dict.fromkeys(
        ("add", "log", "done", "follow-up", "set", "unset", "snooze", "edit"), "netzmd.cli.write"
    ),
    "watch": "netzmd.cli.watch",
    "history": "netzmd.cli.history",
    "changes": "netzmd.cli.history",
    "templates": "netzmd.cli.templates",
}


class NetzmdGroup(click.Group):
    """Loads the commands of other modules on demand, and turns NetzmdError (and a broken
    pipe, Ctrl-C) into a message and an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            import importlib

            importlib.import_module(LAZY_COMMANDS[cmd_name])  # registers it on ``main``
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NetzmdError as exc:
            located = exc.path is not None  # path:line: error: detail
            click.echo(exc.message if located else f"netzmd: error: {exc.message}", err=True)
            if exc.hint:
                click.echo(exc.hint, err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:  # a bug: say so plainly instead of a traceback
            if os.environ.get("NETZMD_DEBUG"):
                raise
            click.echo(
                f"netzmd: internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in netzmd; please report it. "
                "Run again with NETZMD_DEBUG=1 to see the traceback.",
                err=True,
            )
            ctx.exit(70)


# --- shell completion -----------------------------------------------------------------------------


def complete_contact(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[click.shell_completion.CompletionItem]:
    """Contact names and file names for a NAME argument, matched as ``netzmd show`` matches
    (case and accents ignored, a word of the name): ``zoe`` completes to ``Zoë Müller``. Never
    fails: completion that goes wrong offers nothing."""
    from click.shell_completion import CompletionItem

    try:
        from netzmd.model.names import fold
        from netzmd.store import queries

        session = Session(ctx.find_root().params.get("vault") or os.environ.get("NETZMD_VAULT"))
        try:
            found = queries.candidates(session.index)
        finally:
            session.close()
        wanted = fold(incomplete)
        offered: dict[str, None] = {}
        for c in sorted(found, key=lambda c: (c.archived, fold(c.name))):
            keys = [c.name, c.id, *c.aliases]
            if any(
                fold(k).startswith(wanted) or any(w.startswith(wanted) for w in fold(k).split())
                for k in keys
            ):
                # The file name picks exactly one note; the display name too when it is unique.
                offered[c.name if _unique(c.name, found) else c.id] = None
                offered[c.id] = None
        return [CompletionItem(value) for value in offered]
    except Exception:  # a completion must never print a traceback into a shell
        return []


def _unique(name: str, found: list[Any]) -> bool:
    from netzmd.model.names import fold

    folded = fold(name)
    return sum(1 for c in found if folded in (fold(c.name), fold(c.id))) == 1


def _register_bash_completion() -> None:
    """Click's bash script puts each completion into the command line as it comes, so ``Zoë
    Müller`` would become two words. netzmd sends it escaped for the shell, ``Zoë\\ Müller``,
    with each backslash doubled because the script reads the line with ``read`` (not ``-r``),
    which takes one level of backslashes away."""
    from click.shell_completion import BashComplete, CompletionItem, add_completion_class

    class NetzmdBashComplete(BashComplete):
        def format_completion(self, item: CompletionItem) -> str:
            if item.type != "plain":
                return super().format_completion(item)
            return "plain," + _SHELL_SPECIAL.sub(r"\\\\\g<0>", item.value)

    add_completion_class(NetzmdBashComplete, "bash")


_SHELL_SPECIAL = re.compile(r"[^\w@%+=:,./-]")
if "_NETZMD_COMPLETE" in os.environ:
    _register_bash_completion()


class DateParam(click.ParamType):  # type: ignore[type-arg]
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"'{value}' is not a date: write YYYY-MM-DD, e.g. 2026-11-27", param, ctx)
        if not 1000 <= day.year <= 8999:  # cadences and windows reach a century either way
            self.fail(f"'{value}' is out of range: use a year from 1000 to 8999", param, ctx)
        return day


DATE = DateParam()


def today_option(f: F) -> F:
    return click.option(
        "--today",
        type=DATE,
        default=None,
        help="Pretend today is this date (YYYY-MM-DD). Default: the real today.",
    )(f)


def format_option(*choices: str) -> Callable[[F], F]:
    def decorate(f: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=choices[0],
            show_default=True,
            help="Output format; json is stable, for scripts.",
        )(f)

    return decorate


class Session:
    """The vault, its settings and its refreshed index, made on first use."""

    def __init__(self, vault_option: str | None) -> None:
        self.vault_option = vault_option
        self._vault: Vault | None = None
        self._config: Config | None = None
        self._index: Index | None = None

    @property
    def vault(self) -> Vault:
        if self._vault is None:
            from netzmd.vault import find_vault

            self._vault = find_vault(self.vault_option, Path.cwd())
        return self._vault

    @property
    def config(self) -> Config:
        if self._config is None:
            from netzmd.config import load_config

            self._config = load_config(self.vault.root)
        return self._config

    @property
    def index(self) -> Index:
        if self._index is None:
            from netzmd.store.index import Index

            index = Index(self.vault, warn=_warn)
            index.refresh(progress=_progress if sys.stderr.isatty() else None)
            if sys.stderr.isatty():
                click.echo("\r\033[K", nl=False, err=True)
            self._index = index
        return self._index

    def close(self) -> None:
        if self._index is not None:
            self._index.close()


def _warn(message: str) -> None:
    click.echo(f"netzmd: warning: {message}", err=True)


def _progress(done: int, total: int) -> None:
    if total >= 1000:
        click.echo(f"\rindexing notes: {done:,}/{total:,}", nl=False, err=True)


def real_today(today: date | None) -> date:
    return today if today is not None else date.today()


def _write_out(parts: list[bytes]) -> None:
    """Large output (JSON, UTF-8) written as bytes, without click's per-call processing. When
    standard output is not a real file (a test runner capturing it), it goes through the text
    stream so that it is captured like everything else."""
    sys.stdout.flush()
    try:
        sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        sys.stdout.write(b"".join(parts).decode("utf-8"))
        sys.stdout.flush()
        return
    sys.stdout.buffer.writelines(parts)
    sys.stdout.buffer.flush()


def echo(text: str) -> None:
    click.echo(text, color=None if "NO_COLOR" not in os.environ else False)


@click.group(cls=NetzmdGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--vault",
    envvar="NETZMD_VAULT",
    type=click.Path(file_okay=False),
    help="The vault folder. Default: $NETZMD_VAULT, else the first folder upwards from here "
    "that holds netzmd.toml or contacts/.",
)
@click.version_option(__version__, prog_name="netzmd")
@click.pass_context
def main(ctx: click.Context, vault: str | None) -> None:
    """netzmd keeps your professional network in plain Markdown notes.

    Each person is one note in contacts/ with YAML front matter; netzmd lists, searches and
    checks them, and tells you whom to get back in touch with.

    \b
    Examples:
      netzmd init ~/network         make a new vault
      netzmd list --circle competence --sort due
      netzmd show zoe               one contact (case and accents ignored)
      netzmd search "pasta bar"     full-text search
      netzmd check                  find broken notes

    \b
    Shell completion (commands, options, contact names and file names):
      bash: add to ~/.bashrc   eval "$(_NETZMD_COMPLETE=bash_source netzmd)"
      zsh:  add to ~/.zshrc    eval "$(_NETZMD_COMPLETE=zsh_source netzmd)"
      fish: _NETZMD_COMPLETE=fish_source netzmd > ~/.config/fish/completions/netzmd.fish
    """
    session = Session(vault)
    ctx.obj = session
    ctx.call_on_close(session.close)


# --- init -------------------------------------------------------------------------------------


@main.command()
@click.argument("path", type=click.Path(file_okay=False), default=".")
def init(path: str) -> None:
    """Make a new vault at PATH (default: here).

    Creates contacts/, a netzmd.toml with every setting commented out at its default, a
    .gitignore for the cache, and a git repository when git is installed and PATH is not
    inside one already; then it commits what it created in that new repository. Existing files
    are never overwritten. The built-in templates are used until you copy one to customise it
    ('netzmd templates copy NAME').

    \b
    Example:
      netzmd init ~/network && cd ~/network && netzmd add "Jane Doe" --circle competence
    """
    from netzmd.ops.init import init_vault

    for line in init_vault(Path(path)):
        echo(line)


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
            echo(click.style(str(problem), fg=style) if _color() else str(problem))
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


def _color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


# --- list -------------------------------------------------------------------------------------


@main.command(name="list")
@click.option(
    "--circle", type=click.Choice(["career", "competence", "publication"]), help="Only this circle."
)
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
        _broken_hint(session)
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
                if due < day and _color():
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
    _broken_hint(session)


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def _broken_hint(session: Session) -> None:
    """Each note that cannot be read, and whether its last good version stood in."""
    from netzmd.store.queries import broken_notice

    for line in broken_notice(session.index):
        click.echo(line, err=True)


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
        from netzmd.cli.history import render_as_of, show_as_of

        past = show_as_of(session, found.path, as_of)
        echo(output.dumps(past) if fmt == "json" else render_as_of(past, limit=limit))
        return
    data = queries.contact_json(session.index, session.config, found.path, day)
    errors = queries.note_errors(session.index, found.path)  # data: the last good version
    if fmt == "json":
        echo(output.dumps(data))
        for line in stale_notice(errors):
            click.echo(line, err=True)
    else:
        echo(render_contact(data, day, limit=limit, errors=errors))


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
    _broken_hint(session)
    if fmt == "json":
        echo(output.dumps_lines([h.to_json() for h in hits]))
        return
    if not hits:
        click.echo(f"no note matches '{text}'", err=True)
        sys.exit(1)
    for hit in hits:
        location = f"{hit.path}:{hit.line}"
        head = click.style(hit.name, bold=True) if _color() else hit.name
        echo(f"{head}  {location}\n    {output.clip(hit.text, 100)}")


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
@click.option(
    "--circle", type=click.Choice(["career", "competence", "publication"]), help="Only this circle."
)
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
    lists each problem as path:line.

    \b
    Examples:
      netzmd agenda
      netzmd agenda --days 30 --circle competence
      netzmd agenda --format md --output Agenda.md
      netzmd agenda --format json | jq '.keep_in_touch[].name'
      netzmd agenda --template my-weekly.txt.j2
    """
    from netzmd.present import text as out
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
        text = out.agenda_lines(report, news) + "\n"
        if output is None:
            _write_out([text.encode("utf-8")])
            _broken_hint(session)
            return
    else:
        from netzmd.model.agenda import to_data
        from netzmd.present.jinja import render_agenda

        data = to_data(report, news)
        color = fmt == "text" and output is None and _color()
        text = render_agenda(session.vault, data, days, fmt, template, color=color)
    if output is None:
        click.echo(text, nl=False, color=True if fmt == "text" and _color() else None)
        _broken_hint(session)
        return
    from netzmd.notes.atomic import write_if_changed

    target = Path(output)
    try:
        written = write_if_changed(target, text.encode("utf-8"))
    except OSError as exc:
        raise NetzmdError(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"{'wrote' if written else 'unchanged'} {output}", err=True)
    _broken_hint(session)
