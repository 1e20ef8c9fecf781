"""The command line: parse options, call the core, print. Nothing else lives here, and nothing
outside this package imports click.

``app`` holds the group and the one error handler; each command family has a module of its
own (``init``, ``read``, ``agenda``, ``write``, ``watch``, ``history``, ``templates``), loaded
only when one of its commands runs. ``session`` gives a command its vault, settings and index;
``options`` holds what the commands share.
"""

from netzmd.cli.app import main

__all__ = ["main"]
