"""A greeting campaign note: one section per person, each a task and a draft.

``netzmd greet`` writes ``Greetings/<Occasion> <Year>.md``; the person ticks each task once the
greeting is sent. This module reads such a note (pure: text in, data out):

- the head: everything before the first level-2 heading (front matter, title, a line of help);
- the sections: each level-2 heading (``## Anna Schmidt``) up to the next heading of level 1
  or 2; its *entry* is its first task that holds a wiki-link, ``- [ ] [[Anna Schmidt]]``, ticked
  as ``- [x] [[Anna Schmidt]] ✅ 2026-12-20`` (the Tasks plugin's done date is optional). A
  section without such a task is the person's own text and counts for nothing.

Headings inside fenced code do not start a section. ``progress`` counts the people (each link
target once) and how many of them are ticked.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from netzmd.model.dates import parse_iso
from netzmd.model.names import fold

CAMPAIGNS = "Greetings"  # the folder of the campaign notes, relative to the vault

_SECTION = re.compile(r"^##[ \t]+(.*?)[ \t]*#*[ \t]*$")
_TOP = re.compile(r"^#{1,2}(?:[ \t]|$)")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_TASK = re.compile(r"^[ \t]*[-*+][ \t]+\[(.)\][ \t]+(.*)$")
_LINK = re.compile(r"\[\[([^\[\]|#^\n]+)(?:[#^][^\[\]|\n]*)?(?:\|([^\[\]\n]*))?\]\]")
_DONE = re.compile("✅\ufe0f?" + r"[ \t]*(\S*)")
_NOT_IN_FILE_NAMES = re.compile(r'[/\\:*?"<>|#^\[\]\x00-\x1f]')


def slug(name: str) -> str:
    """An occasion's name as a template file name: lower case, accents folded, anything else
    than letters and digits as single hyphens: ``Midsummer greetings`` → ``midsummer-greetings``,
    ``Mărțișor`` → ``martisor``, ``New Year`` → ``new-year``."""
    folded = fold(name)
    return re.sub(r"[^0-9a-z]+", "-", folded).strip("-") or "occasion"


def title(occasion: str, year: int) -> str:
    """``Christmas 2026``: the campaign's name, its note's title and file name."""
    return f"{occasion.strip()} {year}"


def file_stem(text: str) -> str:
    """``text`` as a file name (without ``.md``): characters that file systems or Obsidian links
    do not allow become ``-``; Unicode NFC."""
    stem = _NOT_IN_FILE_NAMES.sub("-", unicodedata.normalize("NFC", text.strip()))
    return stem.strip(". ") or "greetings"


def default_path(occasion: str, year: int) -> str:
    """Where ``netzmd greet`` writes the campaign by default: ``Greetings/Christmas 2026.md``."""
    return f"{CAMPAIGNS}/{file_stem(title(occasion, year))}.md"


@dataclass(frozen=True, slots=True)
class Entry:
    """One person's task: the link's ``target`` as written, whether it is ticked, the done
    date after ✅ (``done_text`` holds what is written there when it is no date), and its line
    (from 1)."""

    target: str
    ticked: bool
    done_on: date | None
    done_text: str | None
    line: int

    @property
    def key(self) -> str:
        """The link target as compared: folded, without a folder or ``.md``."""
        return fold(self.target.strip().rsplit("/", 1)[-1].removesuffix(".md"))


@dataclass(frozen=True, slots=True)
class Section:
    """Lines ``start`` (its heading) to ``end`` (exclusive), counted from 0; ``heading``: the
    heading's text; ``entry``: its task, if it has one."""

    start: int
    end: int
    heading: str
    entry: Entry | None


@dataclass(frozen=True, slots=True)
class Campaign:
    sections: tuple[Section, ...]

    @property
    def entries(self) -> list[Entry]:
        return [s.entry for s in self.sections if s.entry is not None]

    def people(self) -> set[str]:
        """Every person on the list, by ``Entry.key``."""
        return {e.key for e in self.entries}

    def progress(self) -> tuple[int, int]:
        """(sent, total): the people ticked, and all people on the list (each once)."""
        everyone = self.people()
        sent = {e.key for e in self.entries if e.ticked}
        return len(sent), len(everyone)


def _front_matter_end(lines: list[str]) -> int:
    """The index of the first line after the front matter (0 when there is none)."""
    if not lines or lines[0].removeprefix("\ufeff").rstrip() != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return index + 1
    return 0


def parse_campaign(text: str) -> Campaign:
    """The sections of a campaign note and each one's task (see the module text)."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    sections: list[Section] = []
    opened: str | None = None  # the fence that is open
    current: tuple[int, str] | None = None  # the open section's start and heading
    entry: Entry | None = None

    def close(end: int) -> None:
        if current is not None:
            sections.append(Section(current[0], end, current[1], entry))

    for index in range(_front_matter_end(lines), len(lines)):
        line = lines[index]
        fence = _FENCE.match(line)
        if fence is not None:
            if opened is None:
                opened = fence[1]
            elif fence[1][0] == opened[0] and len(fence[1]) >= len(opened):
                opened = None
            continue
        if opened is not None:
            continue
        if _TOP.match(line):
            close(index)
            current, entry = None, None
            m = _SECTION.match(line)
            if m is not None:
                current = (index, m[1])
            continue
        if current is None or entry is not None:
            continue
        task = _TASK.match(line)
        if task is None:
            continue
        link = _LINK.search(task[2])
        if link is None or not link[1].strip():
            continue
        done_on: date | None = None
        done_text: str | None = None
        done = _DONE.search(task[2])
        if done is not None:
            done_on = parse_iso(done[1])
            if done_on is None:
                done_text = done[1]
        entry = Entry(link[1].strip(), task[1] in "xX", done_on, done_text, index + 1)
    close(len(lines))
    return Campaign(tuple(sections))
