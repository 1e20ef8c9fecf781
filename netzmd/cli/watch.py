"""The ``watch`` command: the index and the agenda note stay current while you edit.

Registered on the ``main`` group of ``netzmd.cli``. The work is done by
``netzmd.watch.watcher.Watcher`` in a thread of its own; this thread waits for Ctrl-C,
SIGTERM or SIGHUP and then stops it cleanly.
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Any

import click

from netzmd.cli.app import main
from netzmd.cli.options import echo
from netzmd.cli.session import Session


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@main.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    help="The agenda note to keep current. Default: agenda_note in netzmd.toml (Agenda.md at "
    "the vault root).",
)
@click.option(
    "--days",
    default=14,
    show_default=True,
    type=click.IntRange(0, 3660),
    help="How many days ahead the agenda looks.",
)
@click.option(
    "--commit/--no-commit",
    default=None,
    help="Commit changed notes to git after --quiet-seconds without edits. Default: "
    "auto_commit_watch in netzmd.toml (off).",
)
@click.option(
    "--quiet-seconds",
    type=click.FloatRange(min=0),
    default=60,
    show_default=True,
    metavar="S",
    help="How long no note may change before the changes are committed.",
)
@click.option(
    "--poll",
    is_flag=True,
    help="Look for changes every second instead of waiting for file events (for file systems "
    "that have none, such as network drives).",
)
@click.pass_obj
def watch(
    session: Session,
    output: str | None,
    days: int,
    commit: bool | None,
    quiet_seconds: float,
    poll: bool,
) -> None:
    """Keep the agenda note current while you edit your notes; point out broken notes at once.

    Starts with a full refresh and writes the agenda note, then watches contacts/, templates/
    and netzmd.toml. After each save (once the editor is done), the index is refreshed, one line
    says what changed, a note that cannot be read is reported once as path:line (until it is
    fixed, the agenda uses the note's last good version and lists the error under Problems), and
    the agenda note is rewritten when its content changes, and at midnight for the new day.
    Where there are no file events (the inotify limit is reached, a network drive) it polls
    instead, and says so. When a campaign note in Greetings/ changes (netzmd greet), each person
    ticked there gets their [greeting] logged, once, as greet --sync does.

    With --commit, once no note has changed for --quiet-seconds, the changed notes that read
    without errors are committed, and nothing else but the agenda note and changed campaign
    notes, with a message that says what changed, e.g. "Jane Doe: company Foo → Bar; log +1".
    Never during a merge or rebase.

    Ctrl-C, SIGTERM or SIGHUP (its terminal closed) stops it (exit status 0).

    \b
    Examples:
      netzmd watch
      netzmd watch --commit --quiet-seconds 120
      netzmd watch --output ~/notes/Network.md --days 30
      netzmd watch --poll
    """
    from netzmd.cli.greet import watch_sync
    from netzmd.watch.watcher import Watcher, WatchOptions

    options = WatchOptions(
        output=Path(output) if output else None,
        days=days,
        commit=commit,
        quiet_seconds=quiet_seconds,
        poll=poll,
    )
    watcher = Watcher(session.vault, session.config, options, say=echo, campaigns=watch_sync)
    main_thread = threading.current_thread() is threading.main_thread()
    # SIGHUP: the terminal it runs in was closed; stop as cleanly as for SIGTERM.
    stops = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous: dict[int, Any] = (
        {sig: signal.signal(sig, _terminate) for sig in stops} if main_thread else {}
    )
    try:
        watcher.start()
        try:
            while not watcher.join(0.5):
                pass
        except KeyboardInterrupt:
            pass
        watcher.stop()
        watcher.join()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if watcher.failure is not None:
        raise watcher.failure
    click.echo("stopped", err=True)
