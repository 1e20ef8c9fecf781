"""``netzmd greet``: write a campaign note of greeting drafts, and log the greetings sent.

``campaign`` plans the campaign note (``Greetings/Christmas 2026.md``): a head (front matter,
title, a line of help) and one section per person, ``## Name``, the task ``- [ ] [[Name]]`` and
below it the person's draft, rendered from ``templates/greetings/<occasion>.<lang>.md.j2`` (or
``default.<lang>.md.j2``; the vault's templates first). Run again for the same campaign, it only
appends sections for people new to the list: every byte already there (ticks, edited drafts, the
person's own sections) stays as it is.

``sync`` plans one ``[greeting]`` interaction in the note of each ticked person, dated by the
task's ✅ date (else today), unless the note has that greeting already: running it again adds
nothing. The contacts behind the tasks are found by the caller (``reports.greetings``), as is
the data of each draft.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from netzmd.errors import NetzmdError, UsageError
from netzmd.git.commit import CommitResult
from netzmd.model.campaign import CAMPAIGNS, Campaign, Entry, parse_campaign
from netzmd.model.names import fold
from netzmd.notes import edit, edit_body, edit_front
from netzmd.ops.write import BadNote, Change, Note, Plan, link
from netzmd.vault import CONTACTS, Vault, builtin_templates

GREETING = "greeting"  # the kind of the logged interaction
TEMPLATE_FOLDER = "greetings"
_TOP_HEADING = re.compile(r"^#{1,2}(?:[ \t]|$)")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")

Render = Callable[[str, dict[str, Any]], str]  # (template name, data) → text


# --- where the campaign note goes -------------------------------------------------------------


def note_path(vault: Vault, given: str | os.PathLike[str], cwd: Path) -> str:
    """The vault-relative path of a campaign note named on the command line: relative to
    ``cwd`` when it is there or ``cwd`` is in the vault, else to the vault (``.md`` added when
    missing). Refused outside the vault and in contacts/, where it would be read as a
    contact."""
    text = os.fspath(given)
    if not text.strip():
        raise UsageError("the campaign note's path is empty")
    if not text.lower().endswith(".md"):
        text += ".md"
    root = os.path.realpath(vault.root)
    here, there = cwd / text, vault.root / text  # the same when ``text`` is absolute
    if here.exists() or there.exists():
        chosen = here if here.exists() else there
    else:
        in_vault = os.path.realpath(cwd).startswith(root.rstrip(os.sep) + os.sep)
        chosen = here if in_vault or os.path.realpath(cwd) == root else there
    full = os.path.join(os.path.realpath(chosen.parent), chosen.name)
    if not full.startswith(root.rstrip(os.sep) + os.sep):
        raise UsageError(
            f"{given}: a campaign note must be inside the vault ({vault.root})",
            hint=f"Leave --output out for {CAMPAIGNS}/<Occasion> <Year>.md.",
        )
    rel = full[len(root.rstrip(os.sep)) + 1 :].replace(os.sep, "/")
    if rel.split("/", 1)[0] == CONTACTS:
        raise UsageError(
            f"{rel}: a campaign note in {CONTACTS}/ would be read as a contact",
            hint=f"Put it elsewhere, e.g. in {CAMPAIGNS}/.",
        )
    return rel


def _read(vault: Vault, rel: str) -> tuple[Path, bytes | None, str, os.stat_result | None]:
    """The campaign note's path, bytes (None: it does not exist yet), text and stat."""
    path = vault.root / rel
    if path.is_symlink():
        raise BadNote(
            f"{rel} is a symlink; netzmd does not write through symlinks",
            hint="Name the note the link points to; nothing was written.",
        )
    try:
        st = os.lstat(path)
        data = path.read_bytes()
    except FileNotFoundError:
        return path, None, "", None
    except IsADirectoryError:
        raise UsageError(f"{rel} is a folder, not a note") from None
    except OSError as exc:
        raise NetzmdError(f"cannot read {rel}: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BadNote("not valid UTF-8; nothing was written", path=rel, line=line) from None
    return path, data, text, st


# --- the drafts ---------------------------------------------------------------------------------


def template_for(vault: Vault, slug: str, lang: str) -> tuple[str, str]:
    """The template of a draft and the language it is in: ``greetings/<slug>.<lang>.md.j2``,
    else ``greetings/default.<lang>.md.j2``, in the vault's templates/ first; a language
    without either is written in English."""
    folders = [vault.templates, builtin_templates()]
    for language in dict.fromkeys((lang, "en")):
        for stem in (slug, "default"):
            name = f"{TEMPLATE_FOLDER}/{stem}.{language}.md.j2"
            if any((folder / name).is_file() for folder in folders):
                return name, language
    raise NetzmdError(
        f"no greeting template for '{slug}' in {lang} or English",
        hint=f"Add templates/{TEMPLATE_FOLDER}/default.en.md.j2 to the vault.",
    )


def draft(
    vault: Vault,
    slug: str,
    data: dict[str, Any],
    render: Render,
    found: dict[str, tuple[str, str]] | None = None,
) -> tuple[str, str]:
    """One person's draft (without trailing blank lines) and the template it came from. A
    draft that holds a level-1 or level-2 heading is refused: it would start a section.
    ``found``: the templates looked up before, by language."""
    found = {} if found is None else found
    lang = str(data["lang"])
    if lang not in found:
        found[lang] = template_for(vault, slug, lang)
    name, language = found[lang]
    data = {**data, "lang": language}
    text = render(name, data).replace("\r\n", "\n").strip("\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    opened: str | None = None
    for number, line in enumerate(text.split("\n"), 1):
        fence = _FENCE.match(line)
        if fence is not None:
            opened = None if opened is not None else fence[1]
            continue
        if opened is None and _TOP_HEADING.match(line):
            raise NetzmdError(
                f"the template {name} writes a heading of level 1 or 2 into the draft for "
                f"{data['name']} (its line {number}: {line.strip()!r}); in a campaign note that "
                "starts the next person's section; nothing was written",
                hint="Use ### or deeper, or plain text.",
            )
    return text, name


# --- the campaign note --------------------------------------------------------------------------


@dataclass(slots=True)
class Campaigned:
    """What ``campaign`` did: the note, whether it is new, the people added (``id``, ``name``,
    ``lang``, ``template``) and how many were on it already."""

    path: str
    created: bool
    added: list[dict[str, Any]] = field(default_factory=list)
    kept: int = 0

    @property
    def total(self) -> int:
        return self.kept + len(self.added)


def head(rel: str, title: str, front: Mapping[str, Any], again: str) -> str:
    """The start of a new campaign note: front matter, title and a line of help."""
    values = (str(v) if isinstance(v, int) else edit.yaml_value(v) for v in front.values())
    lines = ["---", *(f"{k}: {v}" for k, v in zip(front, values, strict=True)), "---", ""]
    lines += [
        f"# {title}",
        "",
        "Tick each person once the greeting is sent (the Tasks plugin adds ✅ and the day). "
        f"`netzmd greet --sync {shlex.quote(rel)}` then logs a [greeting] in their notes "
        f"(`netzmd watch` does it by itself); `{again}` adds whoever is new.",
    ]
    return "\n".join(lines)


def section(person: Mapping[str, Any], text: str) -> str:
    """``## Name``, the task with a link to the person, and the draft."""
    task = f"- [ ] {link(str(person['id']), str(person['name']))}"
    parts = [f"## {' '.join(str(person['name']).split())}", "", task]
    if text.strip():
        parts += ["", text]
    return "\n".join(parts)


def campaign(
    vault: Vault,
    rel: str,
    title: str,
    front: Mapping[str, Any],
    slug: str,
    people: list[dict[str, Any]],
    render: Render,
    *,
    again: str,
) -> tuple[Plan, Campaigned]:
    """Plan the campaign note ``rel`` for ``people`` (the data of each draft, in order): a new
    note, or the sections of the people not on it yet appended to the one there, whose bytes
    all stay. ``front``: the front matter of a new note (occasion, year, date, log); ``again``:
    the command that adds new people, for its line of help."""
    path, data, text, st = _read(vault, rel)
    old = parse_campaign(text)
    have = old.people()
    done = Campaigned(rel, data is None, kept=len(have))
    sections: list[str] = []
    templates: dict[str, tuple[str, str]] = {}
    for person in people:
        if fold(str(person["id"])) in have or fold(str(person["name"])) in have:
            continue
        body, name = draft(vault, slug, person, render, templates)
        sections.append(section(person, body))
        language = name.rsplit(".", 3)[-3]
        done.added.append(
            {"id": person["id"], "name": person["name"], "lang": language, "template": name}
        )
        have.add(fold(str(person["id"])))
    message = f"greet: {title}"
    if not sections:
        return Plan([], message, [f"{rel}: everyone is on it already"]), done
    if not text.strip():  # a new note (or an empty one)
        new = head(rel, title, front, again) + "\n\n" + "\n\n".join(sections) + "\n"
    else:
        new = text + _gap(text) + _endings("\n\n".join(sections) + "\n", text)
    _check(rel, text, old, new, [str(a["id"]) for a in done.added])
    said = [f"{rel}: + {a['name']} ({a['lang']})" for a in done.added]
    if data is None:
        said.insert(0, f"created {rel}")
    count = len(done.added)
    message += f": {count} {'draft' if count == 1 else 'drafts'}"
    if data is not None:
        message += f" added ({done.total} in all)"
    return Plan([Change(rel, path, data, new.encode("utf-8"), said, st)], message), done


def _gap(text: str) -> str:
    """What goes between a note's text and the sections appended to it: a blank line."""
    nl = "\r\n" if "\r\n" in text else "\n"
    if not text.strip():
        return ""
    if text.endswith(nl + nl) or text.endswith("\n\n"):
        return ""
    return nl if text.endswith("\n") else nl + nl


def _endings(added: str, text: str) -> str:
    """``added`` with the line endings of ``text`` (CRLF when it has them)."""
    return added.replace("\n", "\r\n") if "\r\n" in text else added


def _check(rel: str, text: str, old: Campaign, new: str, ids: list[str]) -> None:
    """The new note keeps every section there was (same tasks, same ticks) and reads back with
    each person added."""
    again = parse_campaign(new)
    kept = [(e.target, e.ticked, e.done_on, e.line) for e in old.entries]
    now = [(e.target, e.ticked, e.done_on, e.line) for e in again.entries]
    added = again.people()
    if now[: len(kept)] != kept or not all(fold(i) in added for i in ids):
        line, why = text.count("\n") + 1, "the new sections would not read back as sections"
        opened: tuple[int, str] | None = None
        for number, content in enumerate(text.split("\n"), 1):
            fence = _FENCE.match(content)
            if fence is not None:
                opened = None if opened is not None else (number, fence[1])
        if opened is not None:
            line = opened[0]
            why = f"{opened[1]} on line {line} opens a code block that the note never closes"
        raise NetzmdError(
            f"{why}: people added below it would not read as sections; nothing was written",
            path=rel,
            line=line,
            hint=f"Close the code block with {opened[1] if opened else '```'}, then run it again.",
        )


# --- sync ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class Synced:
    """What ``sync`` found: the people logged now (``id``, ``name``, ``path``, ``date``), those
    logged before, and the ticked tasks left out, with why (``target``, ``line``, ``why``)."""

    path: str
    log: str
    logged: list[dict[str, Any]] = field(default_factory=list)
    already: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class CampaignNote:
    """A campaign note as read for ``sync``: its tasks and the text of the greeting to log."""

    rel: str
    path: Path
    campaign: Campaign
    log: str
    title: str


def read_campaign(vault: Vault, rel: str) -> CampaignNote:
    """Read the campaign note ``rel``. The greeting's text is its front matter's ``log:``, else
    ``<file name> greeting``."""
    from netzmd.notes.note import parse_note

    path, data, text, _ = _read(vault, rel)
    if data is None:
        raise NetzmdError(
            f"{rel} does not exist",
            hint="Write it first: netzmd greet OCCASION (e.g. netzmd greet christmas).",
        )
    stem = rel.rsplit("/", 1)[-1][:-3]
    parsed = parse_note(rel, data)
    fields = parsed.contact.fields if parsed.contact is not None else {}
    log = fields.get("log")
    text_log = " ".join(log.split()) if isinstance(log, str) and log.strip() else f"{stem} greeting"
    heading = fields.get("occasion")
    year = fields.get("year")
    title = f"{heading} {year}" if isinstance(heading, str) and year else stem
    return CampaignNote(rel, path, parse_campaign(text), text_log, title)


def ticked(note: CampaignNote) -> list[Entry]:
    """The ticked tasks, each person once (the first task wins)."""
    seen: set[str] = set()
    out = []
    for e in note.campaign.entries:
        if e.ticked and e.key not in seen:
            seen.add(e.key)
            out.append(e)
    return out


def sync(
    note: CampaignNote,
    people: Mapping[str, Note | str],
    today: date,
) -> tuple[Plan, Synced]:
    """Plan a ``[greeting]`` interaction (``note.log``) in the note of every ticked person,
    dated by the ✅ date (else ``today``), unless their note has that greeting already.
    ``people``: for each ticked task's link target, the contact's note (read for writing), or
    why there is none. ``last_contact:`` moves as ``log`` moves it."""
    report = Synced(note.rel, note.log)
    wanted = fold(note.log)
    changes: list[Change] = []
    done_paths: set[str] = set()
    for entry in ticked(note):
        found = people.get(entry.target, "no contact of that name")
        where = {"target": entry.target, "line": entry.line}
        if isinstance(found, str):
            report.skipped.append({**where, "why": found})
            continue
        if entry.done_text is not None:
            why = f"✅ {entry.done_text} is not a date (YYYY-MM-DD)"
            report.skipped.append({**where, "why": why})
            continue
        if found.rel in done_paths:
            continue
        done_paths.add(found.rel)
        who = {"id": found.contact.id, "name": found.contact.name, "path": found.rel}
        if any(
            (i.kind or "").lower() == GREETING and fold(i.text) == wanted
            for i in found.contact.interactions
        ):
            report.already.append(who)
            continue
        when = entry.done_on or today
        new = edit_body.add_log_entry(found.text, when, GREETING, note.log)
        said = [f"{found.rel}: + {edit_body.log_line(when, GREETING, note.log)}"]
        if when <= today:
            bumped = edit_front.bump_last_contact(new, when)
            if bumped != new:
                said.append(f"{found.rel}: last_contact → {when.isoformat()}")
                new = bumped
        changes.append(
            Change(found.rel, found.path, found.data, new.encode("utf-8"), said, found.stat)
        )
        report.logged.append({**who, "date": when.isoformat()})
    count = len(report.logged)
    subject = f"greet: {note.title}: {count} {'greeting' if count == 1 else 'greetings'} sent"
    body = "\n".join(f"{p['date']} {p['name']}" for p in report.logged)
    return Plan(changes, f"{subject}\n\n{body}" if body else subject), report


def apply_sync(
    vault: Vault, note: CampaignNote, plan: Plan, *, commit_it: bool
) -> tuple[list[Change], CommitResult | None]:
    """Write the logged greetings, all or none, and commit them with the campaign note (its
    ticks) in one commit."""
    from netzmd.git.commit import commit_paths
    from netzmd.ops.write import write

    written = write(plan)
    if not commit_it or not written:
        return written, None
    return written, commit_paths(vault.root, [*(c.path for c in written), note.path], plan.message)
