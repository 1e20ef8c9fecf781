"""Address books exported as CSV: Google Contacts (``GoogleImporter``) and Outlook
(``OutlookImporter``, the desktop program's export and Outlook.com's).

Google writes two layouts. Today's starts ``First Name,Middle Name,Last Name,…,Nickname,File As,
Organization Name,Organization Title,…,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 -
Value,…``; the legacy one (often UTF-16) ``Name,Given Name,Additional Name,Family Name,…,
Group Membership,E-mail 1 - Type,E-mail 1 - Value,…,Organization 1 - Name,…``. Both have as
many numbered columns (``E-mail 2 - Value``, ``Phone 3 - Value``, ``Address 1 - City``,
``Website 1 - Value``) as the busiest contact needs, so every column is found by its name or a
pattern, never by position; one cell may hold several values separated by ``:::``.

Outlook writes ``"First Name","Middle Name","Last Name",…,"E-mail Address","E-mail 2 Address",
…,"Mobile Phone",…,"Company","Job Title",…,"Business City","Home City",…,"Birthday","Notes",
"Categories","Web Page"``; birthdays as ``4/15/1985`` (``0/0/00`` for none), categories
separated by ``;``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

from netzmd.errors import NetzmdError
from netzmd.formats.base import Incoming, Skipped, tag_for
from netzmd.formats.textfile import (
    Table,
    clean,
    clean_body,
    decode_text,
    find_table,
    read_birthday,
    read_date,
    records,
    slash_order,
    split_values,
    warn_first,
)
from netzmd.model.identity import linkedin_key

# Google's labels that say nothing about the person: every contact has "* myContacts".
_SYSTEM_LABELS = {"mycontacts", "starred", "othercontacts"}
_NO_BIRTHDAY = re.compile(r"0{1,2}/0{1,2}/0{2,4}")  # Outlook's "none"


@dataclass(frozen=True, slots=True)
class _Columns:
    """Where a layout keeps each field: index lists, in the order they are preferred."""

    names: list[list[int]]  # the first of these whose cells, joined by spaces, say something
    nickname: list[int]
    company: list[int]
    role: list[int]
    emails: list[int]
    phones: list[int]
    cities: list[int]
    websites: list[int]
    birthday: list[int]
    notes: list[int]
    tags: list[int]
    tag_separator: str  # between a cell's labels


def _one(table: Table, *names: str) -> list[int]:
    found = [table.column(n) for n in names]
    return [i for i in found if i is not None]


def _values(cells: list[str], indexes: list[int]) -> list[str]:
    """The values of some cells (each split at ``:::``), cleaned, without repeats."""
    out: list[str] = []
    for index in indexes:
        if not cells[index]:
            continue
        for value in split_values(cells[index]):
            if value not in out:
                out.append(value)
    return out


def _first(cells: list[str], indexes: list[int]) -> str:
    found = _values(cells, indexes)
    return found[0] if found else ""


def _is_linkedin(url: str) -> bool:
    """A website on linkedin.com (or a country's subdomain) with a profile path."""
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    try:
        host = (urlsplit(text).hostname or "").lower()
    except ValueError:
        return False
    on_linkedin = host == "linkedin.com" or host.endswith(".linkedin.com")
    return on_linkedin and linkedin_key(url) is not None


def _read(
    data: bytes,
    file: str,
    *,
    what: str,
    expected: str,
    hint: str,
    accept: Callable[[list[str]], bool],
    columns: Callable[[Table], _Columns],
    system_label: Callable[[str], bool],
) -> tuple[list[Incoming], list[Skipped]]:
    decoded = decode_text(data, file, what, hint=hint)
    table = find_table(decoded.text, accept)
    if table is None:
        raise NetzmdError(f"not {what} (expected {expected})", path=file, hint=hint)
    cols = columns(table)
    skipped: list[Skipped] = []
    found = list(records(table, file, skipped))
    order = slash_order([cells[i] for _, cells in found for i in cols.birthday])
    people: list[Incoming] = []
    for line, cells in found:
        name = next(
            (n for n in (clean(" ".join(cells[i] for i in a)) for a in cols.names) if n), ""
        )
        if not name:
            company = _first(cells, cols.company)
            reason = f"no name (only the organization '{company}')" if company else "no name"
            skipped.append(Skipped(file, line, reason))
            continue
        fields: dict[str, Any] = {"name": name}
        for key, indexes in (("company", cols.company), ("role", cols.role)):
            value = _first(cells, indexes)
            if value:
                fields[key] = value
        for key, indexes in (("emails", cols.emails), ("phones", cols.phones)):
            found_values = _values(cells, indexes)
            if found_values:
                fields[key] = found_values
        linkedin = next((u for u in _values(cells, cols.websites) if _is_linkedin(u)), None)
        if linkedin:
            fields["linkedin"] = linkedin
        city = _first(cells, cols.cities)
        if city:
            fields["city"] = city
        tags: list[str] = []
        for index in cols.tags:
            if not cells[index]:
                continue
            for label in split_values(cells[index], cols.tag_separator):
                if system_label(label):
                    continue
                tag = tag_for(label)
                if tag is not None and tag not in tags:
                    tags.append(tag)
        if tags:
            fields["tags"] = tags
        aliases = [n for n in _values(cells, cols.nickname) if n != name]
        if aliases:
            fields["aliases"] = aliases
        body = [clean_body(cells[i]) for i in cols.notes]
        warnings: list[str] = []
        said = _first(cells, cols.birthday)
        if said and not _NO_BIRTHDAY.fullmatch(said):
            birthday = read_birthday(said, slash=order)
            if birthday is None:
                body.append(f"Birthday: {said}")
                why = (
                    "has a two-digit year (which century?)"
                    if read_date(said, slash=order) is not None
                    else "is not a date"
                )
                warnings.append(
                    f"Birthday '{said}' {why}: kept as text in {name}'s note, not as 'birthday'"
                )
            else:
                fields["birthday"] = birthday
        people.append(
            Incoming(
                fields,
                body="\n\n".join(b for b in body if b),
                line=line,
                file=file,
                warnings=warnings,
            )
        )
    warn_first(decoded.warning, people)
    skipped.sort(key=lambda s: s.line)
    return people, skipped


# --- Google -----------------------------------------------------------------------------------

GOOGLE = "a Google Contacts CSV export"
GOOGLE_EXPECTED = (
    "a header line like 'First Name,Middle Name,Last Name,…,Labels,E-mail 1 - Label,E-mail 1 - "
    "Value,…' or, from older exports, 'Name,Given Name,Additional Name,Family Name,…,Group "
    "Membership,E-mail 1 - Type,E-mail 1 - Value,…'"
)
GOOGLE_HINT = "Export it at contacts.google.com: Export → Google CSV."
_GOOGLE_NUMBERED = re.compile(r"(e-mail|phone) \d+ - value")


def _google_current(keys: list[str]) -> bool:
    return (
        "first name" in keys
        and "last name" in keys
        and (
            "labels" in keys
            or "organization name" in keys
            or any(_GOOGLE_NUMBERED.fullmatch(k) for k in keys)
        )
    )


def _google_legacy(keys: list[str]) -> bool:
    return (
        "given name" in keys
        and "family name" in keys
        and ("group membership" in keys or any(_GOOGLE_NUMBERED.fullmatch(k) for k in keys))
    )


def _google_header(keys: list[str]) -> bool:
    return _google_current(keys) or _google_legacy(keys)


def _google_columns(table: Table) -> _Columns:
    legacy = not _google_current(table.keys)
    if legacy:
        names = [
            _one(table, "Name"),
            _one(table, "Given Name", "Additional Name", "Family Name", "Name Suffix"),
        ]
    else:
        names = [
            _one(table, "First Name", "Middle Name", "Last Name", "Name Suffix"),
            _one(table, "File As"),
        ]
    return _Columns(
        names=[*names, _one(table, "Nickname")],
        nickname=_one(table, "Nickname"),
        company=_one(table, "Organization Name") + table.columns(r"organization \d+ - name"),
        role=_one(table, "Organization Title") + table.columns(r"organization \d+ - title"),
        emails=table.columns(r"e-mail \d+ - value"),
        phones=table.columns(r"phone \d+ - value"),
        cities=table.columns(r"address \d+ - city"),
        websites=table.columns(r"website \d+ - value"),
        birthday=_one(table, "Birthday"),
        notes=_one(table, "Notes"),
        tags=_one(table, "Labels", "Group Membership"),
        tag_separator=":::",
    )


def _google_system(label: str) -> bool:
    """``* myContacts``, ``* starred`` (legacy: ``* My Contacts``, ``* Starred``) and the like;
    the legacy system groups a person chose (``* Friends``) are kept."""
    if not label.startswith("*"):
        return False
    return label.lstrip("* ").replace(" ", "").casefold() in _SYSTEM_LABELS


class GoogleImporter:
    """Reads a Google Contacts CSV, today's layout or the legacy one (see the module)."""

    name: ClassVar[str] = "google"

    def sniff(self, data: bytes, file: str) -> bool:
        try:
            decoded = decode_text(data, file, GOOGLE)
        except NetzmdError:
            return False
        return find_table(decoded.text, _google_header) is not None

    def read(self, data: bytes, file: str) -> tuple[list[Incoming], list[Skipped]]:
        return _read(
            data,
            file,
            what=GOOGLE,
            expected=GOOGLE_EXPECTED,
            hint=GOOGLE_HINT,
            accept=_google_header,
            columns=_google_columns,
            system_label=_google_system,
        )


# --- Outlook ----------------------------------------------------------------------------------

OUTLOOK = "an Outlook contacts CSV export"
OUTLOOK_EXPECTED = (
    'a header line like \'"First Name","Middle Name","Last Name",…,"E-mail Address",…,'
    '"Company","Job Title",…,"Birthday","Notes","Categories"\''
)
OUTLOOK_HINT = (
    "Outlook: File → Open & Export → Import/Export → Export to a file → Comma Separated Values; "
    "Outlook.com: People → Manage contacts → Export contacts."
)
_OUTLOOK_MARKS = ("e-mail address", "job title", "business city", "home city", "categories")
_PHONE = re.compile(r"(?!.*fax).*phone( \d+)?")


def _outlook_header(keys: list[str]) -> bool:
    return (
        "first name" in keys
        and "last name" in keys
        and any(k in keys for k in _OUTLOOK_MARKS)
        and not _google_current(keys)
    )


def _outlook_columns(table: Table) -> _Columns:
    return _Columns(
        names=[
            _one(table, "First Name", "Middle Name", "Last Name", "Suffix"),
            _one(table, "Nickname"),
        ],
        nickname=_one(table, "Nickname"),
        company=_one(table, "Company"),
        role=_one(table, "Job Title"),
        emails=table.columns(r"e-mail( \d+)? address"),
        phones=table.columns(_PHONE.pattern),
        cities=_one(table, "Business City", "Home City", "Other City"),
        websites=table.columns(r"(personal )?web page"),
        birthday=_one(table, "Birthday"),
        notes=_one(table, "Notes"),
        tags=_one(table, "Categories"),
        tag_separator=";",
    )


class OutlookImporter:
    """Reads Outlook's contacts CSV (the desktop program's export and Outlook.com's)."""

    name: ClassVar[str] = "outlook"

    def sniff(self, data: bytes, file: str) -> bool:
        try:
            decoded = decode_text(data, file, OUTLOOK)
        except NetzmdError:
            return False
        return find_table(decoded.text, _outlook_header) is not None

    def read(self, data: bytes, file: str) -> tuple[list[Incoming], list[Skipped]]:
        return _read(
            data,
            file,
            what=OUTLOOK,
            expected=OUTLOOK_EXPECTED,
            hint=OUTLOOK_HINT,
            accept=_outlook_header,
            columns=_outlook_columns,
            system_label=lambda label: False,
        )
