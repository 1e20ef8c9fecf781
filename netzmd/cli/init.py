"""``netzmd init``: make a new vault."""

from __future__ import annotations

from pathlib import Path

import click

from netzmd.cli.app import main
from netzmd.cli.options import echo

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
