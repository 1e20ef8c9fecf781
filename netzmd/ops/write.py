"""One write command from start to end, pure of click: read the note and refuse a bad one,
compute the new text (``notes.edit_front`` / ``edit_body``), show it as a diff or write it with
compare-and-swap (``atomic``), and commit exactly what was written (``git.commit``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netzmd.errors import Ambiguous, NetzmdError, NotFound, UsageError
from netzmd.git.commit import CommitResult
from netzmd.model.contact import Contact, FollowUp
from netzmd.model.names import Candidate, find, fold
from netzmd.notes import edit, edit_body, edit_front
from netzmd.vault import CACHE, CONTACTS, Vault

if TYPE_CHECKING:
    from netzmd.notes.atomic import Clock, Pending, Stamp

DURABLE_EACH = 8  # up to this many files in one write: an fsync of each, else one sync of all
WRITTEN = "written.json"  # in the cache folder: the state in which netzmd left what it wrote

_FIX_HINT = "Fix the note first ('netzmd edit', then 'netzmd check'); nothing was written."


class BadNote(NetzmdError):
    """A note that netzmd will not write to: unreadable, broken, or a symlink."""


@dataclass(slots=True)
class Note:
    """A note as read for writing: its exact bytes, its text (a BOM kept) and its contact,
    and the stat of the file those bytes were read from."""

    rel: str
    path: Path
    data: bytes
    text: str
    contact: Contact
    stat: os.stat_result | None = None


def open_note(
    vault: Vault,
    rel: str,
    *,
    clock: Clock | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Note:
    """Read a note to write to it; refuse (``BadNote``) a symlink, a note with a parse error,
    conflict markers or duplicate keys, and anything that is not a readable UTF-8 file.

    A note that another program changed less than two seconds ago may be half saved (a save in
    place: shell redirection, ``rsync --inplace``, sync clients): it is read once it has been
    left alone that long, or refused when it keeps changing (``atomic.read_settled``). A note
    in the very state netzmd left it is read at once. ``clock``: the real one by default."""
    from netzmd.notes.atomic import SystemClock, Written, read_settled
    from netzmd.notes.note import parse_note

    path = vault.root / rel
    if path.is_symlink():
        raise BadNote(
            f"{rel} is a symlink; netzmd does not write through symlinks",
            hint="Run the command on the note the link points to; nothing was written.",
        )
    record = Written(vault.root / CACHE / WRITTEN)
    try:
        data, st = read_settled(
            path,
            rel,
            clock=SystemClock() if clock is None else clock,
            ours=lambda data, stamp: record.ours(rel, data, stamp),
            on_wait=on_wait,
        )
    except FileNotFoundError:
        raise NotFound(f"{rel} does not exist (any more)") from None
    except OSError as exc:
        raise BadNote(f"cannot read {rel}: {exc.strerror}") from None
    parsed = parse_note(rel, data)
    errors = [p for p in parsed.problems if p.severity == "error"]
    if parsed.contact is None or errors:
        problem = errors[0] if errors else None
        why = f"{problem.path}:{problem.line}: {problem.message}" if problem else rel
        raise BadNote(f"refusing to write to a broken note: {why}", hint=_FIX_HINT)
    return Note(rel, path, data, data.decode("utf-8"), parsed.contact, st)


@dataclass(slots=True)
class Change:
    """The new bytes for one file, and what changed, in words; ``seen``: the stat of the file
    when ``before`` was read (None: not known, the bytes alone are compared). ``deleted``: the
    file is to be removed (``after`` is then empty); ``Change.removal`` makes one."""

    rel: str
    path: Path
    before: bytes | None  # None: a new file
    after: bytes
    said: list[str] = field(default_factory=list)
    seen: os.stat_result | None = None
    deleted: bool = False

    @classmethod
    def removal(
        cls,
        rel: str,
        path: Path,
        before: bytes,
        said: list[str] | None = None,
        seen: os.stat_result | None = None,
    ) -> Change:
        """Delete the file that holds ``before`` (only if it still does when written)."""
        return cls(rel, path, before, b"", [] if said is None else said, seen, deleted=True)

    @property
    def changed(self) -> bool:
        return self.deleted or self.before != self.after


@dataclass(slots=True)
class Plan:
    """What one command is going to do, and its commit message."""

    changes: list[Change]
    message: str
    nothing: list[str] = field(default_factory=list)  # "nothing to change" notes, for people

    @property
    def real(self) -> list[Change]:
        return [c for c in self.changes if c.changed]


@dataclass(slots=True)
class Outcome:
    written: list[Change]
    commit: CommitResult | None


def _change(note: Note, new_text: str, said: list[str]) -> Change:
    return Change(note.rel, note.path, note.data, new_text.encode("utf-8"), said, note.stat)


def link(contact_id: str, name: str) -> str:
    """``[[id]]``, or ``[[id|name]]`` when the display name differs from the file name."""
    return f"[[{contact_id}]]" if contact_id == name else f"[[{contact_id}|{name}]]"


# --- set, unset, snooze ---------------------------------------------------------------------------


def set_value(note: Note, key: str, values: Sequence[str], *, former: bool = True) -> Plan:
    """``set NAME KEY VALUE…``. A new ``company`` moves the old one to the end of the list
    ``former`` (unless ``former=False``, or it is there already), so that the competence
    network remembers where a person worked."""
    key = edit.check_key(key)
    fields = edit.read_fields(note.text)
    existing = _existing(fields, key)
    value = edit.value_for(key, values, existing)
    message = f"set: {note.contact.name} {key} = {edit.show(value)}"
    if key == "company" and former:
        old = existing if isinstance(existing, str) and existing.strip() else None
        if old is not None and fold(old) != fold(str(value)):
            return _move_on(note, fields, old, value, message)
    return _set(note, key, value, existing, message)


def _move_on(note: Note, fields: dict[str, Any], old: str, value: Any, message: str) -> Plan:
    """A new company, and the old one appended to ``former``."""
    before = fields.get("former")
    if before is not None and not isinstance(before, list | str):
        raise UsageError(
            "former: is not a list of companies; fix it first, or set company with --no-former"
        )
    items = [before] if isinstance(before, str) else list(before or [])
    added = fold(old) not in {fold(str(item)) for item in items}
    values: dict[str, Any] = {"company": value}
    if added:
        values = {"former": [*items, old], "company": value}
    new = edit_front.set_fields(note.text, values)
    said = [f"{note.rel}: company: {old} → {edit.show(value)}"]
    if added:
        said.append(f"{note.rel}: former: + {old}")
        message += f" (was {old})"
    return Plan([_change(note, new, said)], message)


def _existing(fields: dict[str, Any], key: str) -> Any:
    if key.startswith(f"{edit.DATES}.") and key not in fields:
        dates = fields.get(edit.DATES)
        return dates.get(key.split(".", 1)[1]) if isinstance(dates, dict) else None
    return fields.get(key)


def _set(note: Note, key: str, value: Any, existing: Any, message: str) -> Plan:
    new = edit_front.set_field(note.text, key, value)
    if new == note.text:
        return Plan([], message, [f"{note.rel}: {key} is {edit.show(value)} already"])
    said = [f"{note.rel}: {key}: {edit.show(existing)} → {edit.show(value)}"]
    return Plan([_change(note, new, said)], message)


def unset_value(note: Note, key: str) -> Plan:
    key = edit.check_key(key)
    existing = _existing(edit.read_fields(note.text), key)
    new = edit_front.unset_field(note.text, key)
    message = f"unset: {note.contact.name} {key}"
    if new == note.text:
        return Plan([], message, [f"{note.rel}: has no {key}"])
    said = [f"{note.rel}: {key} removed (was {edit.show(existing)})"]
    return Plan([_change(note, new, said)], message)


def relative_date(text: str, today: date, what: str) -> date:
    """``YYYY-MM-DD``, ``today``, ``tomorrow``, a span from today such as ``10d``, ``2w``,
    ``3m``, ``1y``, or a weekday (the next one after today)."""
    from netzmd.model.dates import day_ahead

    when = day_ahead(text, today)
    if when is None:
        raise UsageError(
            f"{what} '{text.strip()}' is neither a date (YYYY-MM-DD) nor a span such as 10d, "
            "2w, 3m, 1y, nor today, tomorrow or a weekday such as monday"
        )
    return when


def snooze(note: Note, until: date, today: date) -> Plan:
    if until <= today:
        raise UsageError(f"snooze until {until.isoformat()}: that is not after today ({today})")
    existing = edit.read_fields(note.text).get("snooze_until")
    message = f"snooze: {note.contact.name} until {until.isoformat()}"
    return _set(note, "snooze_until", until, existing, message)


# --- log, follow-up, done ------------------------------------------------------------------------


def check_message(text: str, what: str = "the text") -> str:
    message = edit.check_text(text, what)
    if not message:
        raise UsageError(f"{what} is empty")
    return message


def check_kind(kind: str | None) -> str | None:
    if kind is None:
        return None
    kind = edit.check_text(kind, "--kind")
    if not kind or len(kind) > 40 or any(ch in kind for ch in "[]"):
        raise UsageError("--kind is a word or two (at most 40 characters, no brackets)")
    return kind


def log(notes: Sequence[Note], when: date, kind: str | None, message: str, today: date) -> Plan:
    """One interaction with everyone in ``notes``: a log line in each note, with links to the
    others, and ``last_contact:`` moved forward where a note has it (never into the future)."""
    kind = check_kind(kind)
    message = check_message(message, "the log text (-m)")
    unique: dict[str, Note] = {}
    for note in notes:
        unique.setdefault(note.rel, note)
    people = list(unique.values())
    changes = []
    for note in people:
        others = [link(n.contact.id, n.contact.name) for n in people if n is not note]
        new = edit_body.add_log_entry(note.text, when, kind, message, others)
        said = [f"{note.rel}: + {edit_body.log_line(when, kind, message, others)}"]
        if when <= today:
            bumped = edit_front.bump_last_contact(new, when)
            if bumped != new:
                old = edit.read_fields(new).get("last_contact")
                said.append(f"{note.rel}: last_contact: {edit.show(old)} → {when.isoformat()}")
                new = bumped
        changes.append(_change(note, new, said))
    names = ", ".join(n.contact.name for n in people)
    subject = f"log: {kind} with {names}" if kind else f"log: {names}"
    return Plan(changes, f"{subject}\n\n{when.isoformat()} {message}")


def introduce(a: Note, b: Note, when: date, message: str | None, today: date) -> Plan:
    """I introduced A and B: an ``[intro]`` interaction in both notes (``introduced to [[B]]:
    TEXT`` in A's, the other way round in B's), ``last_contact:`` moved as ``log`` moves it."""
    if a.rel == b.rel:
        raise UsageError(f"{a.contact.name} twice: an introduction needs two people")
    text = check_message(message, "the text (-m)") if message is not None else None
    changes = []
    for note, other in ((a, b), (b, a)):
        entry = f"introduced to {link(other.contact.id, other.contact.name)}"
        if text:
            entry += f": {text}"
        new = edit_body.add_log_entry(note.text, when, "intro", entry, [])
        said = [f"{note.rel}: + {edit_body.log_line(when, 'intro', entry, [])}"]
        if when <= today:
            bumped = edit_front.bump_last_contact(new, when)
            if bumped != new:
                said.append(f"{note.rel}: last_contact → {when.isoformat()}")
                new = bumped
        changes.append(_change(note, new, said))
    subject = f"introduce: {a.contact.name} and {b.contact.name}"
    return Plan(changes, f"{subject}\n\n{when.isoformat()} {text}" if text else subject)


def recurrence_rule(text: str) -> str:
    """``--every`` as the rule written after 🔁: ``3 months`` or ``every 3 months`` →
    ``every 3 months``. A rule that ``done`` could not continue is a usage error."""
    from netzmd.model import recurrence

    words = " ".join(text.split())
    rule = words if words.lower().startswith("every ") else f"every {words}"
    if recurrence.parse(rule) is None:
        raise UsageError(
            f"--every '{text.strip()}' is not a rule netzmd understands",
            hint="Rules: N days|weeks|months|years (or day, week, month, year), weekday, "
            "monday … sunday, week on Monday and Thursday, month on the 1st|the last|the "
            "2nd last Friday; each may end in 'when done'. E.g. --every '3 months'.",
        )
    return rule


def follow_up(note: Note, message: str, due: date, every: str | None = None) -> Plan:
    message = check_message(message, "the follow-up text (-m)")
    if any(sign in message for sign in edit_body.TASK_SIGNS):
        raise UsageError(
            "leave the task emoji (📅 🔁 ✅ …) out of the text; --due sets the date, --every "
            "the repetition"
        )
    rule = recurrence_rule(every) if every is not None else None
    new = edit_body.add_follow_up(note.text, message, due, rule)
    said = [f"{note.rel}: + {edit_body.follow_up_line(message, due, rule)}"]
    recurs = f", {rule}" if rule else ""
    text = f"follow-up: {note.contact.name}: {message} (due {due.isoformat()}{recurs})"
    return Plan([_change(note, new, said)], text)


def pick_follow_up(contact: Contact, text: str | None) -> FollowUp:
    """The open follow-up meant: the only one, or the one whose text contains ``text`` (case
    and accents ignored; an exact match wins). Raises ``NotFound`` or ``Ambiguous``."""
    open_ones = [f for f in contact.follow_ups if not f.done]
    if not open_ones:
        raise NotFound(f"{contact.name} has no open follow-up")
    if text is None or not text.strip():
        if len(open_ones) == 1:
            return open_ones[0]
        raise Ambiguous(
            f"{contact.name} has {len(open_ones)} open follow-ups:\n{_listing(open_ones)}",
            hint="Say which: netzmd done NAME TEXT (a part of its text is enough).",
        )
    wanted = fold(text)
    exact = [f for f in open_ones if fold(f.text) == wanted]
    if len(exact) == 1:
        return exact[0]
    hits = [f for f in open_ones if wanted in fold(f.text)]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise NotFound(
            f"no open follow-up of {contact.name} matches '{text}'; open ones:\n"
            f"{_listing(open_ones)}"
        )
    raise Ambiguous(
        f"'{text}' matches {len(hits)} open follow-ups of {contact.name}:\n{_listing(hits)}",
        hint="Type more of the text.",
    )


def _listing(items: Sequence[FollowUp]) -> str:
    return "\n".join(
        f"  line {f.line}: {f.text}" + (f" (due {f.due.isoformat()})" if f.due else "")
        for f in items
    )


def done(note: Note, text: str | None, today: date) -> Plan:
    task = pick_follow_up(note.contact, text)
    try:
        new = edit_body.tick_follow_up(note.text, task.line, today)
    except edit.EditError as exc:
        raise edit.EditError(exc.message, hint=exc.hint, path=note.rel, line=task.line) from None
    lines = new.removeprefix(edit.BOM).split("\n")
    recurs = len(lines) > note.text.removeprefix(edit.BOM).count("\n") + 1
    at = task.line + 1 if recurs else task.line  # a recurring task's next one is put above
    said = [f"{note.rel}:{at}: {lines[at - 1].strip()}"]
    title = f"done: {note.contact.name}: {task.text}"
    if recurs:
        following = lines[task.line - 1].strip()
        said.append(f"{note.rel}:{task.line}: next: {following}")
        due = {sign: day for sign, _, day in edit_body.TASK_DATE.findall(following)}.get("📅")
        title += f" (next{' ' + due if due else ''})"
    return Plan([_change(note, new, said)], title)


# --- add ------------------------------------------------------------------------------------------

TEMPLATE = "contact.md.j2"
FIELDS = (
    "aliases",
    "company",
    "role",
    "circle",
    "tags",
    "email",
    "phone",
    "city",
    "linkedin",
    "birthday",
    "cadence",
    "met",
    "introduced_by",
)


def link_to(candidates: list[Candidate], name: str) -> str:
    """A wiki-link to the contact ``name`` means (``[[Zoë Müller]]``); to the name as typed when
    no contact matches. Several matches: ``Ambiguous``."""
    name = check_message(name, "--introduced-by")
    match = find(name, candidates)
    if match.found is not None:
        return link(match.found.id, match.found.name)
    if match.ambiguous:
        lines = "\n".join(f"  {c.name}  ({c.path})" for c in match.ambiguous[:20])
        raise Ambiguous(f"--introduced-by '{name}' matches several contacts:\n{lines}")
    return f"[[{name}]]"


def new_contact(
    vault: Vault,
    candidates: list[Candidate],
    name: str,
    values: dict[str, Any],
    today: date,
    *,
    file: str | None = None,
    note: str | None = None,
    taken: Mapping[str, Candidate] | None = None,
    render_note: Callable[[dict[str, Any]], str] | None = None,
) -> Plan:
    """A new note ``contacts/NAME.md`` (or ``contacts/FILE.md``) from the template, refused when
    the file exists or the name is taken. ``values``: the fields given (None or empty: left
    out); ``note``: text for the body (several lines allowed). With ``file`` a second person of
    a name that is taken can be added: the file name tells them apart (``Jane Doe (Acme)``), so
    only it (and the aliases) must be free.

    For many new notes at once (an import): ``taken`` maps every folded name, alias and file
    name to its contact, instead of a scan of ``candidates``; ``render_note`` renders the
    template already loaded."""
    from netzmd.notes.note import parse_note
    from netzmd.present.jinja import render

    name = check_message(name, "the name")
    body = None
    if note is not None:
        body = plain_text(edit.check_text(note, "the note text (--note)", single_line=False))
        if not body:
            raise UsageError("the note text (--note) is empty")
    ident = edit.file_name_for(check_message(file, "--file").removesuffix(".md") if file else name)
    rel = f"{CONTACTS}/{ident}.md"
    path = vault.root / rel
    another = (
        f". A second person of the same name gets a file name of their own: netzmd add "
        f"{_arg(name)} --file {_arg(name + ' (company)')}"
    )
    if os.path.lexists(path):
        raise NetzmdError(
            f"{rel} exists already",
            hint=f"See it with: netzmd show {_arg(rel)}{'' if file else another}",
        )
    data: dict[str, Any] = dict.fromkeys(FIELDS)
    for key, value in values.items():
        if key not in FIELDS:
            raise UsageError(f"unknown field {key}")  # pragma: no cover - the CLI passes these
        if isinstance(value, str | list):
            value = edit.value_for(key, [value] if isinstance(value, str) else value)
        data[key] = value or None
    wanted = {fold(ident): "the file name", **{fold(a): "the alias" for a in data["aliases"] or ()}}
    if file is None:
        wanted.setdefault(fold(name), "the name")
    clashes = (
        ((c, what) for key, what in wanted.items() if (c := taken.get(key)) is not None)
        if taken is not None
        else ((c, what) for c in candidates for key, what in wanted.items() if key in c.folded())
    )
    for c, what in clashes:
        shown = ident if what == "the file name" else name
        raise NetzmdError(
            f"'{shown}' ({what}) is taken already: {c.name} ({c.path})",
            hint=f"See it with: netzmd show {_arg(c.path)}{another}",
        )
    has_fields = name != ident or any(data[k] for k in FIELDS)
    data.update(
        name=name, id=ident, today=today, has_fields=has_fields, note=body, yaml=edit.yaml_value
    )
    text = render_note(data) if render_note is not None else render(vault, TEMPLATE, data)
    parsed = parse_note(rel, text.encode("utf-8"))
    if parsed.contact is None or parsed.problems:
        problem = parsed.problems[0] if parsed.problems else None
        why = f"line {problem.line}: {problem.message}" if problem else "it cannot be read"
        raise NetzmdError(
            f"the template {TEMPLATE} makes a note with a problem ({why}); nothing was written",
            hint="Fix templates/contact.md.j2 in the vault (or delete it to use the built-in).",
        )
    if parsed.contact.name != name:
        raise NetzmdError(
            f"the template {TEMPLATE} does not keep the name '{name}' (the note reads as "
            f"'{parsed.contact.name}'); nothing was written",
            hint="It needs name: {{ yaml(name) }} when the name differs from the file name.",
        )
    fields = parsed.contact.fields  # every front-matter key, as read above
    lost = [k for k in FIELDS if data[k] and k not in fields]
    if body is not None and body not in text:
        lost.append("note")
    if lost:
        raise NetzmdError(
            f"the template {TEMPLATE} does not write {', '.join(lost)}; nothing was written",
            hint="A copy of an older built-in template? 'netzmd templates' shows where it comes "
            "from; 'netzmd templates reset contact.md.j2' removes an unchanged old copy.",
        )
    said = [f"created {rel}"]
    return Plan([Change(rel, path, None, text.encode("utf-8"), said)], f"add: {name}")


# A line of free text that the note's reader would take for structure: a heading, a rule, a
# conflict marker, a task, or a dated list item (an interaction).
_STRUCTURE = re.compile(r"^(\s*)(#|-{3,}\s*$|<{7}|={7}|>{7}|[-*+] \[.\]|[-*+] \d{4}-\d{2}-\d{2})")


def plain_text(text: str) -> str:
    """Free text for a note's body (an imported note, ``add --note``) that reads as text and
    nothing else: lines are kept, each line that would read as a heading, a rule, a conflict
    marker, a task or a logged interaction gets a backslash (Markdown shows it as written);
    line breaks become LF."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(_STRUCTURE.sub(r"\1\\\2", line) for line in lines)


def _arg(text: str) -> str:
    import shlex

    return shlex.quote(text)


# --- diff, write, commit --------------------------------------------------------------------------


def diff(changes: Sequence[Change]) -> str:
    """A unified diff of the changes, with vault-relative paths (``/dev/null`` for new files
    and deleted ones)."""
    import difflib

    out: list[str] = []
    for c in changes:
        old = _diff_lines(c.before)
        new = [] if c.deleted else _diff_lines(c.after)
        before = "/dev/null" if c.before is None else f"a/{c.rel}"
        after = "/dev/null" if c.deleted else f"b/{c.rel}"
        if c.deleted and not old:  # an empty file: no lines to show, only that it goes
            out.append(f"--- {before}\n+++ {after}\n")
        for line in difflib.unified_diff(old, new, before, after, lineterm="\n"):
            out.append(line)
            if not line.endswith("\n"):
                out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def _diff_lines(data: bytes | None) -> list[str]:
    if data is None:
        return []
    text = data.decode("utf-8")
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def write(plan: Plan) -> list[Change]:
    """Write every change, each only if its file still holds what was read (the bytes, and the
    stat when known), and all of them or none.

    Refused before anything is written: a note that is read-only or has a second hard link
    (``atomic.refuse_unsafe``; a note to be deleted only when read-only). Every file is checked
    before the first one is replaced. When one cannot be replaced after all (changed meanwhile,
    a write error, Ctrl-C), the ones replaced before it are put back as they were, from copies
    made before the first replace (so putting back needs no more disk space), and the error
    says so. A file to be deleted is checked the same way and moved aside under a temporary
    name, which is put back on a failure and removed once every change is in place. The
    temporary files go next to the notes without a sweep of the folder: the index scan that
    found the notes did it (``vault.scan_notes``)."""
    from netzmd.notes.atomic import (
        Pending,
        check_unchanged,
        refuse_unsafe,
        sync_all,
        sync_folders,
    )

    changes = plan.real
    # Each file fsynced on its own for a few; for many (an import), one sync of all before the
    # first rename and one fsync per folder after the last: a 10,000-note import made 25,000
    # fsyncs (24 of its 100 seconds here) and makes two now.
    each = len(changes) <= DURABLE_EACH
    for c in changes:
        if c.before is not None:
            try:
                seen = c.seen if c.seen is not None else os.lstat(c.path)
            except FileNotFoundError:
                continue  # the check below says it is gone
            if c.deleted:
                _refuse_removal(seen, c.rel)
            else:
                refuse_unsafe(seen, c.rel)
    pendings: list[Pending | _Removal] = []
    undos: list[Pending | None] = []  # what was there, ready to be put back
    written: list[tuple[int, Stamp | None]] = []
    done = False
    try:
        try:
            for c in changes:
                if c.deleted:
                    pendings.append(_Removal(c.path))
                    continue
                if c.before is None:
                    c.path.parent.mkdir(parents=True, exist_ok=True)
                pendings.append(Pending(c.path, c.after, swept=True, durable=each))
            if len(changes) > 1:
                for c in changes:
                    before = c.before
                    undos.append(  # needed only while this runs: no fsync
                        None
                        if before is None or c.deleted
                        else Pending(c.path, before, swept=True, durable=False)
                    )
        except OSError as exc:
            failed = changes[len(pendings) if len(pendings) < len(changes) else len(undos)]
            raise NetzmdError(
                f"cannot write {failed.rel}: {exc.strerror or exc}; nothing was written"
            ) from None
        if not each:
            sync_all()
        for c in changes:
            check_unchanged(c.path, c.before, _stamp(c.seen))
        for i, (c, pending) in enumerate(zip(changes, pendings, strict=True)):
            try:
                written.append((i, pending.put(c.before, seen=_stamp(c.seen))))
            except BaseException as exc:
                said = _put_back(changes, pendings, undos, written)
                written.clear()
                if isinstance(exc, NetzmdError) and said:
                    raise type(exc)(f"{exc.message}; {said}", hint=exc.hint) from None
                if isinstance(exc, OSError):
                    verb = "delete" if c.deleted else "write"
                    raise NetzmdError(
                        f"cannot {verb} {c.rel}: {exc.strerror or exc}; "
                        f"{said or 'nothing was written'}"
                    ) from None
                raise
        if not each:
            sync_folders(c.path.parent for c in changes)
        done = True
    finally:
        for pending in pendings:
            if done or isinstance(pending, Pending):
                pending.discard()  # a file moved aside and not put back stays (the error says)
        for undo in undos:
            if undo is not None:
                undo.discard()
    _remember(
        [
            (changes[i].rel, changes[i].path, changes[i].after, s)
            for i, s in written
            if s is not None
        ]
    )
    return [changes[i] for i, _ in written]


def _refuse_removal(st: os.stat_result, rel: str) -> None:
    """A read-only note is the person's "do not change": netzmd does not delete it either."""
    import shlex
    import stat

    from netzmd.notes.atomic import NotWritable, may_write

    uid = os.geteuid()
    if not may_write(st.st_mode, st.st_uid, st.st_gid, uid, {os.getegid(), *os.getgroups()}):
        raise NotWritable(
            f"{rel} is read-only (mode {stat.S_IMODE(st.st_mode):04o}); netzmd does not delete a "
            "note that is not writable; nothing was written",
            hint=f"To let it go, make it writable first: chmod u+w {shlex.quote(rel)} (in the "
            "vault folder).",
        )


class _Removal:
    """Deleting one file all or none with the other changes: ``put`` moves it aside under a
    temporary name (a name the sweep of netzmd's temporary files knows) once it is checked to
    be as read, ``restore`` puts it back, ``discard`` deletes it for good."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.aside: Path | None = None

    def put(self, expected: bytes | None, *, seen: Stamp | None = None) -> None:
        from netzmd.notes.atomic import ChangedOnDisk, _temp_name, check_unchanged

        check_unchanged(self.path, expected, seen)
        aside = self.path.with_name(_temp_name(self.path))  # a name a sweep knows to be ours
        os.rename(self.path, aside)
        self.aside = aside
        try:
            moved = aside.read_bytes()
        except OSError:
            moved = None
        if moved != expected:  # written to in the instant between the check and the move
            self.restore()
            raise ChangedOnDisk(
                f"{self.path.name} changed on disk after netzmd read it; it was left as it is",
                hint="Run the command again to apply it to the new version.",
            )
        _fsync_folder(self.path.parent)

    def restore(self) -> None:
        """Put the file back where it was, unless something else is there now (then the
        error names where its old text is)."""
        from netzmd.notes.atomic import ChangedOnDisk

        aside = self.aside
        if aside is None:
            return
        try:
            os.link(aside, self.path)
        except FileExistsError:
            raise ChangedOnDisk(
                f"{self.path.name} was made again meanwhile; the deleted note is in {aside}"
            ) from None
        except OSError:  # no hard links here (FAT): a rename, if the name is still free
            if os.path.lexists(self.path):
                raise
            os.rename(aside, self.path)
        else:
            os.unlink(aside)
        self.aside = None
        _fsync_folder(self.path.parent)

    def discard(self) -> None:
        aside, self.aside = self.aside, None
        if aside is not None:
            try:
                os.unlink(aside)
            except OSError:
                return  # left for the next sweep of temporary files
            _fsync_folder(aside.parent)


def _fsync_folder(folder: Path) -> None:
    """Make a rename or removal in ``folder`` durable (``atomic.sync_folders``)."""
    from netzmd.notes.atomic import sync_folders

    sync_folders([folder])


def _stamp(st: os.stat_result | None) -> Stamp | None:
    from netzmd.notes.atomic import Stamp

    return None if st is None else Stamp.of(st)


def _put_back(
    changes: Sequence[Change],
    pendings: Sequence[Pending | _Removal],
    undos: Sequence[Pending | None],
    written: Sequence[tuple[int, Stamp | None]],
) -> str:
    """Put the files in ``written`` back as they were, each only if it is still as netzmd
    wrote it (a deleted one only if its name is still free); what happened, in words ("" when
    nothing had been written)."""
    from netzmd.notes.atomic import ChangedOnDisk, check_unchanged

    back: list[tuple[str, Path, bytes, Stamp]] = []
    stuck: list[str] = []
    for i, stamp in reversed(written):
        c, pending = changes[i], pendings[i]
        try:
            if isinstance(pending, _Removal):  # a deleted file: back from where it was moved
                pending.restore()
                continue
            assert stamp is not None
            undo = undos[i] if undos else None
            if undo is None:  # a new file: remove it again
                check_unchanged(c.path, c.after, stamp)
                os.unlink(c.path)
            else:
                assert c.before is not None
                back.append((c.rel, c.path, c.before, undo.put(c.after, seen=stamp)))
        except (ChangedOnDisk, OSError):
            stuck.append(c.rel)
    _remember(back)
    if not written:
        return ""
    if not stuck:
        rels = ", ".join(changes[i].rel for i, _ in written)
        return f"nothing was written ({rels} put back as it was)"
    return f"already written and changed again since, so not put back: {', '.join(reversed(stuck))}"


def _remember(states: Sequence[tuple[str, Path, bytes, Stamp]]) -> None:
    """Note the state in which netzmd left these notes, in the vault's cache folder."""
    from netzmd.notes.atomic import Written

    if not states:
        return
    rel, path = states[0][0], states[0][1]
    root = path.parents[len(rel.split("/")) - 1]
    Written(root / CACHE / WRITTEN).remember((r, data, stamp) for r, _, data, stamp in states)


def commit(vault: Vault, written: Sequence[Change], message: str) -> CommitResult:
    from netzmd.git.commit import commit_paths

    return commit_paths(vault.root, [c.path for c in written], message)


def apply(vault: Vault, plan: Plan, *, commit_it: bool) -> Outcome:
    written = write(plan)
    result = commit(vault, written, plan.message) if commit_it and written else None
    return Outcome(written, result)


# --- edit -----------------------------------------------------------------------------------------


def editor_command() -> list[str]:
    """``$VISUAL``, else ``$EDITOR``, split as a shell would."""
    import shlex

    for variable in ("VISUAL", "EDITOR"):
        value = os.environ.get(variable, "").strip()
        if value:
            try:
                return shlex.split(value)
            except ValueError:
                raise UsageError(f"${variable} cannot be read as a command: {value}") from None
    raise UsageError("no editor: set $VISUAL or $EDITOR", hint="For example: export EDITOR=nano")


def run_editor(command: Sequence[str], path: Path) -> int:
    """Open ``path`` in the editor and wait; its exit status."""
    import subprocess

    try:
        return subprocess.run([*command, str(path)], check=False).returncode
    except OSError as exc:
        raise NetzmdError(f"cannot start the editor '{command[0]}': {exc.strerror}") from None
