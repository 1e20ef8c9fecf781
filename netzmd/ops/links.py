"""Wiki links to a note that moves or goes: ``[[OLD]]`` written anew, as Obsidian would after a
rename. Pure: text in, text out.

A link is ``[[target]]``, ``[[target|alias]]``, ``[[target#heading]]``, ``[[target#^block]]``,
``[[target.md]]``, ``[[folder/target]]``, each also as an embed (``![[target]]``) and with
``\\|`` for the bar inside a table. Its target names a note as Obsidian resolves it: the file
name without ``.md``, case ignored (and Unicode NFC/NFD), optionally with the end of its path
in the vault. Only the target's bytes change (a heading, block, alias, the ``.md`` and a path
prefix that still holds are kept), so CRLF, a BOM and everything else stay as they were. Links
inside code are left alone: fenced code blocks and inline code spans.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

BOM = "\ufeff"
LINK = re.compile(r"(!?)\[\[([^\[\]\r\n]+)\]\]")
_BACKTICKS = re.compile(r"`+")


@dataclass(frozen=True, slots=True)
class Retarget:
    """Where links to the note at ``old`` (a vault path, ``contacts/Max.md``) go: to the note
    at ``new``, or, when ``new`` is None, nowhere (they become plain text: the alias when the
    link has one, else the name as the link wrote it). ``bare_old``: a link of the file name
    alone (``[[Max]]``) means this note (its file name is unique in the vault); ``bare_new``:
    such a link may name the new note by its file name alone (else it gets its path)."""

    old: str
    new: str | None
    bare_old: bool = True
    bare_new: bool = True


def _stem(rel: str) -> str:
    return rel[:-3] if rel.lower().endswith(".md") else rel


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()  # as Obsidian compares: ß is not ss


def target_of(inner: str) -> tuple[str, str]:
    """A link's inside split into its target and the rest (``#heading``, ``|alias``,
    ``\\|alias`` in a table, or nothing)."""
    for at, ch in enumerate(inner):
        if ch == "#" or ch == "|":
            if ch == "|" and at > 0 and inner[at - 1] == "\\":
                return inner[: at - 1], inner[at - 1 :]
            return inner[:at], inner[at:]
    return inner, ""


def means(target: str, where: Retarget) -> bool:
    """Whether a link's target names the note ``where.old``."""
    text = target.strip().removeprefix("./").lstrip("/")
    if not text:
        return False
    wanted = _key(_stem(where.old))
    got = _key(_stem(text))
    if "/" not in got:
        return where.bare_old and got == wanted.rsplit("/", 1)[-1]
    return wanted == got or wanted.endswith("/" + got)


def _new_target(target: str, where: Retarget) -> str:
    assert where.new is not None
    text = target.strip()
    lead, trail = target[: len(target) - len(target.lstrip())], target[len(target.rstrip()) :]
    suffix = text[-3:] if text.lower().endswith(".md") else ""
    written = _stem(text)
    new_stem = _stem(where.new)
    new_name = new_stem.rsplit("/", 1)[-1]
    if "/" not in written.removeprefix("./").lstrip("/"):
        out = new_name if where.bare_new else new_stem
    else:
        prefix = written.rsplit("/", 1)[0]
        same_folder = _key(where.old).rsplit("/", 1)[0] == _key(where.new).rsplit("/", 1)[0]
        out = f"{prefix}/{new_name}" if same_folder else new_stem
    return lead + out + suffix + trail


def _plain(target: str, rest: str) -> str:
    """What a link to a forgotten note becomes: its alias, else the name it wrote."""
    if rest.startswith("\\|"):
        return rest[2:]
    bar = rest.find("|")
    if bar >= 0:
        return rest[bar + 1 :]
    return _stem(target.strip()).rsplit("/", 1)[-1]


def code_spans(text: str) -> list[tuple[int, int]]:
    """Where code is in a note's text (positions in ``text``): fenced code blocks (an unclosed
    fence runs to the end) and inline code spans, outside the front matter."""
    from netzmd.notes.note import FENCE_LINE, fence_after

    lines = text.splitlines(keepends=True)
    start = _body_start(lines)
    spans: list[tuple[int, int]] = []
    at = sum(len(line) for line in lines[:start])
    opened: str | None = None
    fence_from = 0
    paragraph: list[tuple[int, str]] = []

    def close_paragraph() -> None:
        if paragraph:
            spans.extend(_inline_code(paragraph))
            paragraph.clear()

    for line in lines[start:]:
        content = line.rstrip("\r\n")
        fence = FENCE_LINE.match(content) if "``" in content or "~~" in content else None
        now = fence_after(opened, fence[1], fence[2]) if fence is not None else opened
        if opened is None and now is not None:
            close_paragraph()
            fence_from = at
        elif opened is not None and now is None:
            spans.append((fence_from, at + len(line)))
        elif opened is None:
            if content.strip():
                paragraph.append((at, content))
            else:
                close_paragraph()
        opened = now
        at += len(line)
    close_paragraph()
    if opened is not None:
        spans.append((fence_from, len(text)))
    return spans


def _body_start(lines: list[str]) -> int:
    """The index of the first line after the front matter (0 without front matter)."""
    if not lines or lines[0].removeprefix(BOM).rstrip() != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return index + 1
    return 0


def _inline_code(paragraph: list[tuple[int, str]]) -> list[tuple[int, int]]:
    """Code spans in one paragraph (lines with their positions): a run of backticks up to the
    next run of as many, as CommonMark reads them; a run without its match is text."""
    joined = "\n".join(content for _, content in paragraph)
    if "`" not in joined:
        return []
    # positions in the joined text back to positions in the note
    starts = [at for at, _ in paragraph]
    offsets = []
    pos = 0
    for _, content in paragraph:
        offsets.append(pos)
        pos += len(content) + 1

    def real(i: int) -> int:
        line = max(k for k, off in enumerate(offsets) if off <= i)
        return starts[line] + (i - offsets[line])

    runs = list(_BACKTICKS.finditer(joined))
    out = []
    k = 0
    while k < len(runs):
        opener = runs[k]
        closer = next(
            (j for j in range(k + 1, len(runs)) if len(runs[j][0]) == len(opener[0])), None
        )
        if closer is None:
            k += 1
            continue
        out.append((real(opener.start()), real(runs[closer].end() - 1) + 1))
        k = closer + 1
    return out


def rewrite(text: str, where: Retarget) -> tuple[str, int]:
    """``text`` with every link to ``where.old`` outside code pointed at ``where.new`` (or made
    plain text), and how many links changed."""
    if "[[" not in text:
        return text, 0
    spans: list[tuple[int, int]] | None = None
    out: list[str] = []
    last = 0
    count = 0
    for m in LINK.finditer(text):
        target, rest = target_of(m[2])
        if not means(target, where):
            continue
        if spans is None:
            spans = code_spans(text)
        if any(a < m.end() and m.start() < b for a, b in spans):
            continue
        if where.new is None:
            new = _plain(target, rest)
        else:
            new = m[1] + "[[" + _new_target(target, where) + rest + "]]"
        if new == m[0]:
            continue
        out.append(text[last : m.start()])
        out.append(new)
        last = m.end()
        count += 1
    if not count:
        return text, 0
    out.append(text[last:])
    return "".join(out), count
