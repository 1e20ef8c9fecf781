"""netzmd's literal YAML reading for scripts that read notes with python-frontmatter.

python-frontmatter's default handler reads YAML 1.1: ``phone: 0170123`` becomes a number,
``country: NO`` false and ``call: 12:30`` 750. With this handler values mean what was typed,
exactly as netzmd reads them::

    import frontmatter
    from netzmd.notes.frontmatter_handler import NoteYAMLHandler

    post = frontmatter.load("contacts/Jane Doe.md", handler=NoteYAMLHandler())
    post["phone"]  # "0170123"

netzmd itself reads notes with ``netzmd.notes.note.parse_note``, which also reports problems with
their lines; this module is not imported by netzmd's own commands.
"""

from __future__ import annotations

from typing import Any

from frontmatter.default_handlers import YAMLHandler

from netzmd.notes.yamlread import load_mapping


class NoteYAMLHandler(YAMLHandler):
    """A python-frontmatter handler that reads front matter the way netzmd does. Invalid YAML
    raises ``netzmd.notes.yamlread.FrontMatterError`` with the line (counted from the front matter's
    first line)."""

    def load(self, fm: str, **kwargs: object) -> Any:
        return load_mapping(fm)[0]
