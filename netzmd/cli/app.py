"""The command group: every command loaded on demand, and the one place where a NetzmdError
(or a broken pipe, Ctrl-C, a bug) becomes a message and an exit code."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from netzmd import __version__
from netzmd.cli.session import Session
from netzmd.errors import NetzmdError

# Every command lives in a module of its family, imported only when it runs (or for --help): a
# command pays for its own imports only.
LAZY_COMMANDS = {
    "init": "netzmd.cli.init",
    **dict.fromkeys(("check", "list", "show", "search"), "netzmd.cli.read"),
    "agenda": "netzmd.cli.agenda",
    **dict.fromkeys(
        ("add", "log", "done", "follow-up", "set", "unset", "snooze", "edit", "introduce"),
        "netzmd.cli.write",
    ),
    "watch": "netzmd.cli.watch",
    "history": "netzmd.cli.history",
    "changes": "netzmd.cli.history",
    "templates": "netzmd.cli.templates",
    "export": "netzmd.cli.export",
    **dict.fromkeys(("duplicates", "merge", "rename", "forget"), "netzmd.cli.tidy"),
    "companies": "netzmd.cli.companies",
    "company": "netzmd.cli.companies",
    "import": "netzmd.cli.importing",
    "greet": "netzmd.cli.greet",
    "suggest": "netzmd.cli.suggest",
}


if "_NETZMD_COMPLETE" in os.environ:  # the shell asks for completions: names as one word each
    from netzmd.cli.options import register_bash_completion

    register_bash_completion()


class NetzmdGroup(click.Group):
    """Loads the commands of their modules on demand, and turns NetzmdError (and a broken
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
