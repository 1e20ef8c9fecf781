"""Tidying the network: two notes of one person merged into one, a note renamed, a note
forgotten, and pairs recorded as two people. Each returns a ``Plan`` for ``write.apply``:
every note it changes (the notes that link to the one that moves or goes too, in the whole
vault), the note it deletes, and the import records (``imports/*.json``) that name it, all
written or none, in one commit.

Edits of a note go through ``notes.edit_front`` and ``notes.edit_body`` (byte-minimal, each
read back); links through ``ops.links``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netzmd.errors import NetzmdError, UsageError
from netzmd.model.duplicates import NOT_DUPLICATES, read_dismissed
from netzmd.model.names import Candidate, fold
from netzmd.notes import edit, edit_body, edit_front
from netzmd.ops.links import Retarget, rewrite
from netzmd.ops.write import WRITTEN, Change, Note, Plan
from netzmd.vault import CACHE, Vault

if TYPE_CHECKING:
    from netzmd.notes.atomic import Clock

IMPORTS = "imports"  # the import records, in the vault (committed)


# --- the vault's Markdown files, and the links in them --------------------------------------------


def markdown_files(vault: Vault) -> list[str]:
    """Every Markdown file in the vault (vault paths, sorted), as Obsidian sees them: hidden
    files and folders (``.obsidian``, ``.git``, ``.netzmd``, ``.trash``) and backups (``~``)
    left out, symlinks not followed."""
    found: list[str] = []
    stack = [(str(vault.root), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name.endswith("~"):
                continue
            try:
                if entry.is_symlink():
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, f"{prefix}{name}/"))
                elif name.lower().endswith(".md") and entry.is_file(follow_symlinks=False):
                    found.append(prefix + name)
            except OSError:
                continue
    return sorted(found)


def _stem_key(rel: str) -> str:
    import unicodedata

    name = rel.rsplit("/", 1)[-1]
    return unicodedata.normalize("NFC", name[:-3] if name.lower().endswith(".md") else name).lower()


def unique_name(files: Iterable[str], rel: str, *, leaving: Iterable[str] = ()) -> bool:
    """Whether the file name of ``rel`` is had by no other Markdown file of the vault (then a
    link of the name alone means it), the files ``leaving`` not counted."""
    gone = set(leaving)
    key = _stem_key(rel)
    return not any(_stem_key(f) == key for f in files if f != rel and f not in gone)


@dataclass(slots=True)
class Reader:
    """Reads the vault's files for an edit: as ``ops.write.open_note`` does, once another
    program has left them alone (``atomic.read_settled``), with the stat the compare-and-swap
    write checks. ``clock``: the real one by default."""

    vault: Vault
    clock: Clock | None = None
    on_wait: Callable[[str], None] | None = None

    def read(self, rel: str) -> tuple[bytes, os.stat_result]:
        from netzmd.notes.atomic import SystemClock, Written, read_settled

        record = Written(self.vault.root / CACHE / WRITTEN)
        try:
            return read_settled(
                self.vault.root / rel,
                rel,
                clock=SystemClock() if self.clock is None else self.clock,
                ours=lambda data, stamp: record.ours(rel, data, stamp),
                on_wait=self.on_wait,
            )
        except OSError as exc:
            raise NetzmdError(f"cannot read {rel}: {exc.strerror}; nothing was written") from None


def rewrite_note(rel: str, text: str, where: Retarget) -> tuple[str, int]:
    """``ops.links.rewrite`` for one note, with its front matter read back: a link there that
    is in a YAML value must still read as that value with the link changed (else an
    ``EditError`` names the note: change that link by hand)."""
    new, count = rewrite(text, where)
    if not count:
        return text, 0
    try:
        before = edit.read_fields(text)
    except edit.EditError:
        return new, count  # no front matter to keep readable
    try:
        after = edit.read_fields(new)
    except edit.EditError:
        after = None
    if after is None or not edit.same(after, _rewritten(before, where)):
        raise edit.EditError(
            f"a link to {where.old} in the front matter of {rel} cannot be changed safely; "
            "nothing was written",
            hint="Change or remove that link by hand, then run the command again.",
        )
    return new, count


def _rewritten(value: Any, where: Retarget) -> Any:
    if isinstance(value, str):
        return rewrite(value, where)[0]
    if isinstance(value, list):
        return [_rewritten(v, where) for v in value]
    if isinstance(value, dict):
        return {k: _rewritten(v, where) for k, v in value.items()}
    return value


def link_changes(
    vault: Vault,
    files: Sequence[str],
    where: Retarget,
    reader: Reader,
    *,
    skip: Iterable[str] = (),
) -> tuple[list[Change], list[str]]:
    """The changes that point every link to ``where.old`` in ``files`` (but ``skip``) at its
    new place, and the files left alone because they are not UTF-8 text (with why)."""
    from netzmd.notes.atomic import is_temp_name

    skipped = set(skip)
    changes: list[Change] = []
    left: list[str] = []
    new_name = where.new.rsplit("/", 1)[-1].removesuffix(".md") if where.new else None
    fragment = _ascii_part(where.old)
    root = str(vault.root)
    for rel in files:
        if rel in skipped or is_temp_name(rel.rsplit("/", 1)[-1]):
            continue
        try:
            with open(os.path.join(root, rel), "rb") as f:
                quick = f.read()
        except OSError:
            continue
        if b"[[" not in quick or (fragment and fragment not in quick.lower()):
            continue
        try:
            quick_text = quick.decode("utf-8")
        except UnicodeDecodeError:
            left.append(f"{rel}: not UTF-8 text, so its links were left as they are")
            continue
        if not rewrite(quick_text, where)[1]:
            continue
        data, st = reader.read(rel)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            left.append(f"{rel}: not UTF-8 text, so its links were left as they are")
            continue
        new, count = rewrite_note(rel, text, where)
        if not count:
            continue
        links = f"{count} link{'' if count == 1 else 's'}"
        said = (
            f"{rel}: {links} to {where.old} now to {where.new} ([[{new_name}]])"
            if where.new
            else f"{rel}: {links} to {where.old} made plain text"
        )
        changes.append(Change(rel, vault.root / rel, data, new.encode("utf-8"), [said], st))
    return changes, left


def _ascii_part(rel: str) -> bytes:
    """The longest run of ASCII characters in the file name of ``rel`` (in NFC), in lower
    case: every link to the note holds it, written in NFC or NFD alike (NFD only splits other
    characters into an ASCII letter and a mark), so a file without it holds no such link."""
    import unicodedata

    stem = unicodedata.normalize("NFC", rel.rsplit("/", 1)[-1])
    stem = stem[:-3] if stem.lower().endswith(".md") else stem
    runs = re.findall(r"[\x00-\x7f]+", stem)
    return max(runs, key=len).lower().encode() if runs else b""


# --- the import records -------------------------------------------------------------------------


def _is_record(value: Any, ident: str, rel: str) -> bool:
    return isinstance(value, dict) and (value.get("id") == ident or value.get("path") == rel)


_LISTS = ("ids", "paths")  # lists of notes: the calendar import's attendees by id


def _without(value: Any, ident: str, rel: str) -> Any:
    """``value`` with every object that names the note (``"id"`` or ``"path"``) taken out, and
    the note taken out of every list of notes (``"ids"``, ``"paths"``)."""
    if isinstance(value, dict):
        return {
            k: [x for x in v if x not in (ident, rel)]
            if k in _LISTS and isinstance(v, list)
            else _without(v, ident, rel)
            for k, v in value.items()
            if not _is_record(v, ident, rel)
        }
    if isinstance(value, list):
        return [_without(v, ident, rel) for v in value if not _is_record(v, ident, rel)]
    return value


def _moved(value: Any, old: tuple[str, str], new: tuple[str, str]) -> Any:
    """``value`` with every object that names the note at ``old`` (id, path) naming ``new``,
    and so every list of notes (``"ids"``, ``"paths"``), each note once."""
    if isinstance(value, dict):
        out = {
            k: list(dict.fromkeys({old[0]: new[0], old[1]: new[1]}.get(x, x) for x in v))
            if k in _LISTS and isinstance(v, list) and all(isinstance(x, str) for x in v)
            else _moved(v, old, new)
            for k, v in value.items()
        }
        if _is_record(value, *old):
            if out.get("id") == old[0]:
                out["id"] = new[0]
            if out.get("path") == old[1]:
                out["path"] = new[1]
        return out
    if isinstance(value, list):
        return [_moved(v, old, new) for v in value]
    return value


def record_bytes(value: Any) -> bytes:
    """An import record as the import engine writes it: sorted keys, two-space indents."""
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def record_changes(
    vault: Vault,
    reader: Reader,
    old: tuple[str, str, str],
    new: tuple[str, str, str] | None,
) -> list[Change]:
    """The import records that name the note ``old`` (its id, path and key in the record of
    dismissed pairs), changed to name ``new`` (id, path, key), or without it (``new`` None);
    pairs that become one note are dropped from the dismissed ones. A record that cannot be
    read is an error: it may hold what is to be changed."""
    folder = vault.root / IMPORTS
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".json") and n[0] != ".")
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise NetzmdError(f"cannot read {IMPORTS}/: {exc.strerror}; nothing was written") from None
    changes = []
    for name in names:
        rel = f"{IMPORTS}/{name}"
        if not (folder / name).is_file() or (folder / name).is_symlink():
            continue
        data, st = reader.read(rel)
        if rel == NOT_DUPLICATES:
            dismissed = read_dismissed(data, rel)
            keys = {old[0], old[1], old[2]}
            kept = dismissed.without(keys) if new is None else dismissed.renamed(keys, new[2])
            after = data if kept.pairs == dismissed.pairs else kept.to_bytes()
            what = "pairs of it"
        else:
            try:
                value = json.loads(data.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                line = getattr(exc, "lineno", 1)
                raise NetzmdError(
                    f"this import record cannot be read ({exc}); nothing was written",
                    path=rel,
                    line=line,
                    hint=f"Fix it or restore it from git (git checkout -- {rel}), then run the "
                    "command again.",
                ) from None
            changed = (
                _without(value, old[0], old[1]) if new is None else _moved(value, old[:2], new[:2])
            )
            after = data if changed == value else record_bytes(changed)
            what = "its record"
        if after != data:
            said = f"{rel}: {what} " + ("removed" if new is None else f"now for {new[1]}")
            changes.append(Change(rel, vault.root / rel, data, after, [said], st))
    return changes


# --- duplicates --dismiss ---------------------------------------------------------------------


def dismiss(vault: Vault, reader: Reader, a: str, b: str) -> Plan:
    """Record that the contacts with the keys ``a`` and ``b`` are two people."""
    if a == b:
        raise UsageError("give two different contacts")
    first, second = sorted((a, b))
    message = f"duplicates: {first} and {second} are different people"
    path = vault.root / NOT_DUPLICATES
    before: bytes | None
    st: os.stat_result | None
    if os.path.lexists(path):
        before, st = reader.read(NOT_DUPLICATES)
    else:
        before, st = None, None
    dismissed = read_dismissed(before)
    if not dismissed.add(first, second):
        return Plan([], message, [f"{first} and {second} are recorded as two people already"])
    said = [f"{NOT_DUPLICATES}: {first} and {second} are two people"]
    return Plan([Change(NOT_DUPLICATES, path, before, dismissed.to_bytes(), said, st)], message)


# --- rename -------------------------------------------------------------------------------------


def _taken(candidates: Sequence[Candidate], keys: Iterable[str], mine: str) -> Candidate | None:
    wanted = {fold(k) for k in keys}
    return next(
        (c for c in candidates if c.path != mine and wanted & set(c.folded())),
        None,
    )


def _with_alias(text: str, alias: str, not_these: Iterable[str]) -> str:
    """The note with ``alias`` added to ``aliases:`` unless it is one already (or one of
    ``not_these``), case and accents ignored."""
    fields = edit.read_fields(text)
    existing = fields.get("aliases")
    aliases = (
        [a for a in existing if isinstance(a, str)]
        if isinstance(existing, list)
        else [existing]
        if isinstance(existing, str) and existing.strip()
        else []
    )
    folded = {fold(a) for a in [*aliases, *not_these]}
    if fold(alias) in folded:
        return text
    return edit_front.set_field(text, "aliases", [*aliases, alias])


def rename(
    vault: Vault,
    note: Note,
    new_name: str,
    candidates: Sequence[Candidate],
    reader: Reader,
    keys: dict[str, str],
) -> tuple[Plan, list[str]]:
    """The note under a new name: its file ``NEW.md`` in the same folder (named as ``add``
    names files), ``name:`` set to NEW when the note has one or NEW is not the file name, the
    old name an alias, every link to it in the vault pointed at the new file, and the import
    records following it. Refused when NEW is taken. Returns the plan and the files whose
    links were left alone."""
    from netzmd.ops.write import check_message

    new_name = check_message(new_name, "the new name")
    ident = edit.file_name_for(new_name)
    folder = note.rel.rsplit("/", 1)[0]
    new_rel = f"{folder}/{ident}.md"
    new_path = vault.root / new_rel
    old_name = note.contact.name
    message = f"rename: {old_name} to {new_name}"
    if new_rel == note.rel and new_name == old_name:
        return Plan([], message, [f"{note.rel} is called {new_name} already"]), []
    if new_rel != note.rel and os.path.lexists(new_path) and not _same_file(new_path, note.path):
        raise NetzmdError(f"{new_rel} exists already; nothing was written")
    other = _taken(candidates, (new_name, ident), note.rel)
    if other is not None:
        raise NetzmdError(
            f"'{new_name}' is taken already: {other.name} ({other.path}); nothing was written",
            hint="Two notes of one person? netzmd merge them. Else pick another name.",
        )
    text = note.text
    fields = edit.read_fields(text)
    if "name" in fields or new_name != ident:
        text = edit_front.set_field(text, "name", new_name)
    text = _with_alias(text, old_name, (new_name, ident))
    files = markdown_files(vault)
    where = Retarget(
        note.rel,
        new_rel,
        bare_old=unique_name(files, note.rel),
        bare_new=unique_name(files, new_rel, leaving=(note.rel,)),
    )
    text, _ = rewrite_note(note.rel, text, where)  # its links to itself
    links, left = link_changes(vault, files, where, reader, skip=(note.rel,))
    old_key = keys.get(note.rel, note.contact.id)
    new_key = ident if old_key == note.contact.id else new_rel
    records = record_changes(
        vault, reader, (note.contact.id, note.rel, old_key), (ident, new_rel, new_key)
    )
    body = text.encode("utf-8")
    if new_rel == note.rel:  # only the name: the file stays
        said = [f"{note.rel}: name: {new_name}"]
        changes = [Change(note.rel, note.path, note.data, body, said, note.stat)]
    else:
        changes = [
            Change(new_rel, new_path, None, body, [f"renamed {note.rel} to {new_rel}"]),
            Change.removal(note.rel, note.path, note.data, seen=note.stat),
        ]
    return Plan([*changes, *links, *records], message), left


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


# --- merge --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Conflict:
    """A field both notes have with different values; ``kept``: whose value the merged note
    holds (``keep`` or ``other``)."""

    field: str
    keep: Any
    other: Any
    kept: str

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "keep": _jsonable(self.keep),
            "other": _jsonable(self.other),
            "kept": self.kept,
        }


def _jsonable(value: Any) -> Any:
    from datetime import date

    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


@dataclass(slots=True)
class Merged:
    plan: Plan
    conflicts: list[Conflict] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)  # fields KEEP got from OTHER
    left: list[str] = field(default_factory=list)  # files whose links were left alone


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _alike(a: Any, b: Any, key: str = "", region: str = "DE") -> bool:
    """The same value, a date and its ISO text counting as one; for ``key`` an email, phone or
    LinkedIn field, the same address, number or profile however written."""
    from datetime import date

    if edit.same(a, b):
        return True
    if isinstance(a, str) and isinstance(b, str) and key.rstrip("s") in _IDENTIFIERS:
        normal = _IDENTIFIERS[key.rstrip("s")]
        left = normal(a, region)
        return left is not None and left == normal(b, region)
    if isinstance(a, date) or isinstance(b, date):
        return str(getattr(a, "isoformat", lambda: a)()) == str(
            getattr(b, "isoformat", lambda: b)()
        )
    if isinstance(a, str) and isinstance(b, str):
        return a.strip() == b.strip()
    return False


def _email(text: str, region: str) -> str | None:
    from netzmd.model.identity import email_key

    return email_key(text)


def _phone(text: str, region: str) -> str | None:
    from netzmd.model.identity import phone_key

    return phone_key(text, region)


def _linkedin(text: str, region: str) -> str | None:
    from netzmd.model.identity import linkedin_key

    return linkedin_key(text)


_IDENTIFIERS: dict[str, Callable[[str, str], str | None]] = {
    "email": _email,
    "phone": _phone,
    "linkedin": _linkedin,
}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _merge_fields(
    text: str, keep: Note, other: Note, prefer_other: bool, merged: Merged, region: str
) -> tuple[str, list[tuple[str, Any]]]:
    """KEEP's front matter with OTHER's fields: empty ones filled, lists united, OTHER's
    aliases and name as aliases; a field that differs listed (KEEP's value stays unless
    ``prefer_other``). Returns the text and the values that are not kept."""
    from datetime import date

    theirs = edit.read_fields(other.text)
    not_kept: list[tuple[str, Any]] = []
    for key, value in theirs.items():
        if key in ("name", "aliases") or _empty(value):
            continue
        have = edit.read_fields(text).get(key)  # as it is now: email may have added emails
        if _empty(have):
            text = edit_front.set_field(text, key, value)
            merged.filled.append(key)
        elif isinstance(have, list) and isinstance(value, list):
            more = [v for v in value if not any(_alike(v, h, key, region) for h in have)]
            if more:
                text = edit_front.set_field(text, key, [*have, *more])
                merged.filled.append(key)
        elif key == edit.DATES and isinstance(have, dict) and isinstance(value, dict):
            for label, day in value.items():
                if label not in have or _empty(have[label]):
                    text = edit_front.set_field(text, f"{edit.DATES}.{label}", day)
                    merged.filled.append(f"{edit.DATES}.{label}")
                elif not _alike(have[label], day):
                    text = _conflict(
                        text, f"{edit.DATES}.{label}", have[label], day, prefer_other, merged
                    )
                    not_kept.append((f"{edit.DATES}.{label}", have[label] if prefer_other else day))
        elif _alike(have, value, key, region):
            continue
        elif key == "last_contact" and isinstance(have, date) and isinstance(value, date):
            if value > have:
                text = edit_front.set_field(text, key, value)
                merged.filled.append(key)
        elif key in ("email", "phone"):  # another address or number: one more of the list
            plural = f"{key}s"
            listed = _as_list(edit.read_fields(text).get(plural))
            if not any(_alike(value, v, key, region) for v in listed) and not _alike(
                value, have, key, region
            ):
                text = edit_front.set_field(text, plural, [*listed, value])
                merged.filled.append(plural)
        else:
            text = _conflict(text, key, have, value, prefer_other, merged)
            not_kept.append((key, have if prefer_other else value))
    aliases = [
        *_as_list(edit.read_fields(text).get("aliases")),
        *_as_list(theirs.get("aliases")),
        other.contact.name,
    ]
    own = {fold(keep.contact.name), fold(keep.contact.id)}
    unique: list[str] = []
    for alias in aliases:
        if isinstance(alias, str) and alias.strip() and fold(alias) not in own:
            own.add(fold(alias))
            unique.append(alias)
    if unique != _as_list(edit.read_fields(text).get("aliases")):
        text = edit_front.set_field(text, "aliases", unique)
        merged.filled.append("aliases")
    return text, not_kept


def _conflict(
    text: str, key: str, have: Any, value: Any, prefer_other: bool, merged: Merged
) -> str:
    merged.conflicts.append(Conflict(key, have, value, "other" if prefer_other else "keep"))
    return edit_front.set_field(text, key, value) if prefer_other else text


_RULE = re.compile("🔁\ufe0f?" + r"\s*(.*?)\s*(?=📅|$)")


def _item_alone(lines: list[str], index: int) -> bool:
    """Whether the list item on ``lines[index]`` has no continuation lines below it."""
    if index + 1 >= len(lines):
        return True
    line, below = lines[index], lines[index + 1]
    indent = len(line) - len(line.lstrip())
    return edit.is_blank(below) or len(below) - len(below.lstrip()) <= indent


def _merge_body(text: str, other: Note) -> tuple[str, set[int]]:
    """KEEP's note with OTHER's interactions in its ## Log (date order) and OTHER's open
    follow-ups in its ## Follow-ups, each once; what cannot be moved as one line exactly (an
    item with lines below it, a done task, a task with more than a due date and a rule) stays
    in OTHER's text. Returns the text and the lines of OTHER (counted from 1) taken over."""
    keep = edit.parse_text(text)
    lines = [edit.line_content(line) for line in edit.Doc.of(other.text).lines]
    taken: set[int] = set()
    logged = {(i.date, i.kind or "", i.text) for i in keep.interactions}
    for item in sorted(other.contact.interactions, key=lambda i: (i.date, i.line)):
        if not _item_alone(lines, item.line - 1):
            continue
        key = (item.date, item.kind or "", item.text)
        if key not in logged:
            try:
                text = edit_body.add_log_entry(text, item.date, item.kind, item.text)
            except edit.EditError:
                continue  # it stays in OTHER's text, under its heading
            logged.add(key)
        taken.add(item.line)
    tasks = {(f.due, f.text, f.done, f.done_on) for f in edit.parse_text(text).follow_ups}
    for task in other.contact.follow_ups:
        if not _item_alone(lines, task.line - 1):
            continue
        same = (task.due, task.text, task.done, task.done_on)
        if same in tasks:
            taken.add(task.line)  # the same task is there already
            continue
        if task.done:
            continue
        line = lines[task.line - 1].strip()
        rule_m = _RULE.search(line)
        rule = rule_m[1] if rule_m else None
        if edit_body.follow_up_line(task.text, task.due, rule) != line:
            continue
        try:
            text = edit_body.add_follow_up(text, task.text, task.due, rule)
        except edit.EditError:
            continue
        tasks.add(same)
        taken.add(task.line)
    return text, taken


_TEMPLATE_SECTIONS = re.compile(r"notes|log|follow[- ]?ups?", re.IGNORECASE)


def _rest_of(other: Note, taken: set[int], eol: str) -> list[str]:
    """OTHER's body without the lines taken over, and without the sections of the template
    (Notes, Log, Follow-ups) that are left empty; its headings one level down (they go under
    ``## From …``); line ends as KEEP's."""
    from netzmd.notes.note import FENCE_LINE, HEADING, fence_after

    doc = edit.Doc.of(other.text)
    start = len(edit.head_lines(doc))
    kept: list[tuple[str, bool]] = []  # (line, is a heading)
    fenced: set[int] = set()  # indexes in ``kept`` of lines in or of a fence
    opened: str | None = None
    for index in range(start, len(doc.lines)):
        content = edit.line_content(doc.lines[index])
        fence = FENCE_LINE.match(content) if "``" in content or "~~" in content else None
        was = opened
        if fence is not None:
            opened = fence_after(opened, fence[1], fence[2])
        if index + 1 in taken:
            continue
        if was is not None or opened is not None:
            fenced.add(len(kept))
        heading = HEADING.match(content) if was is None and fence is None else None
        if heading is not None:
            level = min(6, len(heading[1]) + 1)
            kept.append(("#" * level + content[len(heading[1]) :], True))
        else:
            kept.append((content, False))
    out: list[str] = []
    for i, (line, is_heading) in enumerate(kept):
        if is_heading:
            title = HEADING.match(line)
            assert title is not None
            body = []
            for text, heading_too in kept[i + 1 :]:
                below = HEADING.match(text) if heading_too else None
                if below is not None and len(below[1]) <= len(title[1]):
                    break
                body.append(text)
            if _TEMPLATE_SECTIONS.fullmatch(title[2].strip()) and not any(b.strip() for b in body):
                continue
        if not line.strip() and out and not out[-1].strip() and i not in fenced:
            continue  # one blank line where lines were taken out
        out.append(line)
    lines = out
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _with_section(text: str, title: str, lines: list[str]) -> str:
    """``text`` with ``## title`` and ``lines`` at its end, read back: the front matter and
    what was there stay, and the note reads the interactions and follow-ups of both."""
    if not lines:
        return text
    doc = edit.Doc.of(text)
    new = []
    if doc.lines and not edit.is_blank(doc.lines[-1]):
        new.append("")
    new += [f"## {title}", "", *lines]
    doc.insert(len(doc.lines), new)
    result = doc.text()
    old_c, new_c = edit.verify_body(text, result)
    part = edit.parse_text("\n" + "\n".join(lines) + "\n")  # no front matter, whatever it holds

    def log(*cs: Any) -> list[Any]:
        return sorted((i.date, i.kind or "", i.text) for c in cs for i in c.interactions)

    def tasks(*cs: Any) -> list[Any]:
        return sorted(
            ((f.due, f.text, f.done, f.done_on) for c in cs for f in c.follow_ups), key=repr
        )

    if log(new_c) != log(old_c, part) or tasks(new_c) != tasks(old_c, part):
        raise edit.EditError(
            f"the text moved under '## {title}' would not read back as it was; nothing was written"
        )
    return result


def merge(
    vault: Vault,
    keep: Note,
    other: Note,
    reader: Reader,
    keys: dict[str, str],
    *,
    prefer_other: bool = False,
    region: str = "DE",
) -> Merged:
    """One note from two (see ``netzmd merge --help``): KEEP gets OTHER's fields, names,
    interactions, follow-ups and text; OTHER is deleted; links to OTHER in the vault go to
    KEEP; the import records of OTHER follow it."""
    if keep.rel == other.rel:
        raise UsageError("KEEP and OTHER are the same note")
    keep_name, other_name = keep.contact.name, other.contact.name
    merged = Merged(Plan([], f"merge: {other_name} into {keep_name}"))
    text, not_kept = _merge_fields(keep.text, keep, other, prefer_other, merged, region)
    text, taken = _merge_body(text, other)
    eol = edit.Doc.of(text).eol
    rest = _rest_of(other, taken, eol)
    if not_kept:
        whose = keep_name if prefer_other else other_name
        head = [f"Fields of {whose} that differed and were not kept:", ""]
        head += [f"- {key}: {edit.show(value)}" for key, value in not_kept]
        rest = head + (["", *rest] if rest else [])
    text = _with_section(text, f"From {other_name}", rest)
    files = markdown_files(vault)
    where = Retarget(
        other.rel,
        keep.rel,
        bare_old=unique_name(files, other.rel),
        bare_new=unique_name(files, keep.rel, leaving=(other.rel,)),
    )
    text, _ = rewrite_note(keep.rel, text, where)
    links, merged.left = link_changes(vault, files, where, reader, skip=(keep.rel, other.rel))
    records = record_changes(
        vault,
        reader,
        (other.contact.id, other.rel, keys.get(other.rel, other.contact.id)),
        (keep.contact.id, keep.rel, keys.get(keep.rel, keep.contact.id)),
    )
    said = [f"{keep.rel}: merged {other.rel} into it"]
    said += [f"{keep.rel}: {key} from {other.rel}" for key in merged.filled]
    said += [
        f"{keep.rel}: {c.field} differs: kept {edit.show(c.keep if c.kept == 'keep' else c.other)}"
        f" (not {edit.show(c.other if c.kept == 'keep' else c.keep)})"
        for c in merged.conflicts
    ]
    merged.plan.changes = [
        Change(keep.rel, keep.path, keep.data, text.encode("utf-8"), said, keep.stat),
        *links,
        *records,
        Change.removal(other.rel, other.path, other.data, [f"deleted {other.rel}"], other.stat),
    ]
    return merged


# --- forget -------------------------------------------------------------------------------------


def forget(
    vault: Vault, note: Note, reader: Reader, keys: dict[str, str]
) -> tuple[Plan, list[str]]:
    """The note deleted, every link to it in the vault made plain text, and the person taken
    out of the import records (and of the dismissed pairs). The commit message does not name
    them. Returns the plan and the files whose links were left alone."""
    files = markdown_files(vault)
    where = Retarget(note.rel, None, bare_old=unique_name(files, note.rel))
    links, left = link_changes(vault, files, where, reader, skip=(note.rel,))
    records = record_changes(
        vault, reader, (note.contact.id, note.rel, keys.get(note.rel, note.contact.id)), None
    )
    removal = Change.removal(note.rel, note.path, note.data, [f"deleted {note.rel}"], note.stat)
    plan = Plan([*links, *records, removal], "forget: a contact, its links and import records")
    return plan, left


def purge_hint(rel: str, name: str) -> list[str]:
    """How to remove a forgotten note from the git history too, which netzmd does not do."""
    import shlex

    return [
        f"{rel} is deleted, but git still has every earlier version of it (and commit "
        "messages may name them).",
        "netzmd does not rewrite history. To purge it, on a fresh clone and with every other "
        "copy of the repository replaced afterwards (git filter-repo must be installed):",
        f"  git filter-repo --invert-paths --path {shlex.quote(rel)}",
        f"  printf '%s==>[removed]\\n' {shlex.quote(name)} > /tmp/names.txt && "
        "git filter-repo --replace-message /tmp/names.txt --replace-text /tmp/names.txt",
    ]
