"""``netzmd templates``: which templates are in use, and copying or resetting the vault's copies.

Registered on the ``main`` group of ``netzmd.cli``, loaded only when the command runs.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import click

from netzmd.cli.app import main
from netzmd.cli.options import echo, format_option
from netzmd.cli.session import Session

if TYPE_CHECKING:
    from netzmd.ops.templates import TemplateChange


def _builtin_names() -> list[str]:
    from netzmd.vault import builtin_templates

    return sorted(p.name for p in builtin_templates().glob("*.j2"))


def _complete_builtin(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[click.shell_completion.CompletionItem]:
    from click.shell_completion import CompletionItem

    return [CompletionItem(n) for n in _builtin_names() if n.startswith(incomplete)]


@main.group(invoke_without_command=True)
@format_option("text", "json")
@click.pass_context
def templates(ctx: click.Context, fmt: str) -> None:
    """List the templates in use and where each comes from.

    A template in the vault's templates/ wins over the built-in one of that name. A vault copy
    that is an unchanged copy of a built-in (of this release or an older one) is flagged: it
    customises nothing and hides every later improvement of the built-in; 'netzmd templates
    reset NAME' removes it. 'netzmd templates copy NAME' copies a built-in into the vault to
    customise it. Every template runs in a sandbox: it can read the data it is given and use
    the documented filters, nothing else.

    \b
    Examples:
      netzmd templates
      netzmd templates copy agenda.md.j2
      netzmd templates reset contact.md.j2
      netzmd templates --format json
    """
    if ctx.invoked_subcommand is not None:
        return
    from netzmd.ops import templates as core

    session: Session = ctx.obj
    found = core.in_use(session.vault)
    if fmt == "json":
        echo(json.dumps([t.to_json() for t in found], ensure_ascii=False, indent=2))
        return
    root = session.vault.root
    width = max((len(t.name) for t in found), default=0)
    for t in found:
        where = str(t.path) if t.source == core.BUILT_IN else os.path.relpath(t.path, root)
        flag = f"  ← hides later improvements: netzmd templates reset {t.name}"
        echo(f"{t.name:<{width}}  {t.source}  ({where}){flag if t.hides_improvements else ''}")


def _write_options(f: click.decorators.FC) -> click.decorators.FC:
    f = click.option("--no-commit", is_flag=True, help="Do not commit the change to git.")(f)
    return click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")(f)


@templates.command(name="copy")
@click.argument("name", shell_complete=_complete_builtin)
@_write_options
@click.pass_obj
def copy_(session: Session, name: str, dry_run: bool, no_commit: bool) -> None:
    """Copy the built-in template NAME into the vault's templates/, to customise it.

    Never overwrites a copy that is there.

    \b
    Examples:
      netzmd templates copy agenda.md.j2
      netzmd templates copy contact.md.j2 --dry-run
    """
    from netzmd.ops import templates as core

    _apply(session, core.copy(session.vault, name), dry_run, no_commit)


@templates.command()
@click.argument("name", shell_complete=_complete_builtin)
@click.option("--force", is_flag=True, help="Remove a copy with changes of its own too.")
@_write_options
@click.pass_obj
def reset(session: Session, name: str, force: bool, dry_run: bool, no_commit: bool) -> None:
    """Remove the vault's copy of the template NAME, so that the built-in one is used.

    An unchanged copy (of this release's built-in or an older one) goes without asking; a
    copy with changes of its own only with --force.

    \b
    Examples:
      netzmd templates reset agenda.txt.j2
      netzmd templates reset contact.md.j2 --force
    """
    from netzmd.ops import templates as core

    _apply(session, core.reset(session.vault, name, force=force), dry_run, no_commit)


def _apply(session: Session, change: TemplateChange, dry_run: bool, no_commit: bool) -> None:
    from netzmd.errors import NetzmdError
    from netzmd.git.commit import commit_paths
    from netzmd.notes.atomic import write_atomic

    if dry_run:
        echo(f"would have {change.said}")
        click.echo("dry run: nothing written", err=True)
        return
    try:
        if change.data is None:
            change.path.unlink()
        else:
            change.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(change.path, change.data)
    except OSError as exc:
        raise NetzmdError(f"{change.rel}: {exc.strerror}") from None
    echo(change.said)
    if no_commit or not session.config.auto_commit:
        return
    verb = "remove" if change.data is None else "copy"
    result = commit_paths(session.vault.root, [change.path], f"templates: {verb} {change.rel}")
    line = result.line()
    if line is not None:
        (echo if result.committed else lambda text: click.echo(text, err=True))(line)
