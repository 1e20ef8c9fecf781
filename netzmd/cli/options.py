"""What the commands share: option types, --today and --format, output, colour, shell
completion of contact names."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import click

from netzmd.cli.session import Session

F = TypeVar("F", bound=Callable[..., Any])


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


def use_color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def broken_hint(session: Session) -> None:
    """Each note that cannot be read, and whether its last good version stood in."""
    from netzmd.store.queries import broken_notice

    for line in broken_notice(session.index):
        click.echo(line, err=True)


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


def register_bash_completion() -> None:
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
