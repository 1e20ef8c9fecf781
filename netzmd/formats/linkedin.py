"""LinkedIn's ``Connections.csv`` (Settings → Data privacy → Get a copy of your data →
Connections), in every shape it has had:

- today: a ``Notes:`` line, a quoted paragraph about missing email addresses and a blank line
  before the header ``First Name,Last Name,URL,Email Address,Company,Position,Connected On``;
  dates like ``22 Dec 2025`` (English month names, whatever the account's language);
- before 2023: no ``URL`` column; 2018: no preamble, dates like ``1/8/18, 6:14 PM``;
- re-saved by Excel: the preamble padded with commas (``Notes:,,``), dates like ``23-Nov-21``,
  perhaps Windows-1252 and perhaps ``;`` or tabs between the fields.

Columns are found by their names, the delimiter by the header line. Each connection becomes an
``Incoming`` with ``name``, ``company``, ``role``, ``emails``, ``linkedin`` (the URL as written)
and ``met`` (``2019-03-27 (LinkedIn)``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from netzmd.errors import NetzmdError
from netzmd.formats.base import Incoming, Skipped
from netzmd.formats.textfile import (
    Decoded,
    Table,
    clean,
    decode_text,
    find_table,
    read_date,
    records,
    slash_order,
    warn_first,
)

WHAT = "a LinkedIn connections export"
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
HINT = (
    "LinkedIn gives it as Connections.csv: Settings → Data privacy → Get a copy of your data → "
    "Connections"
)


def _is_header(keys: list[str]) -> bool:
    return "first name" in keys and "last name" in keys and "connected on" in keys


class LinkedinImporter:
    """Reads a LinkedIn ``Connections.csv`` into people (see the module's description)."""

    name: ClassVar[str] = "linkedin"

    def sniff(self, data: bytes, file: str) -> bool:
        try:
            decoded = decode_text(data, file, WHAT)
        except NetzmdError:
            return False
        return find_table(decoded.text, _is_header) is not None

    def read(self, data: bytes, file: str) -> tuple[list[Incoming], list[Skipped]]:
        decoded = decode_text(data, file, WHAT, hint=HINT)
        table = find_table(decoded.text, _is_header)
        if table is None:
            raise NetzmdError(
                f"not {WHAT} (expected a header line '{HEADER}')", path=file, hint=HINT
            )
        return _read(table, decoded, file)


def _read(table: Table, decoded: Decoded, file: str) -> tuple[list[Incoming], list[Skipped]]:
    first = table.at("First Name")
    last = table.at("Last Name")
    url = table.at("URL")
    email = table.at("Email Address")
    company = table.at("Company")
    position = table.at("Position")
    connected = table.at("Connected On")
    skipped: list[Skipped] = []
    found = list(records(table, file, skipped))
    order = slash_order([cells[connected] for _, cells in found])
    people: list[Incoming] = []
    days: dict[str, date | None] = {}  # thousands of connections share a few hundred days
    for line, cells in found:
        name = clean(f"{cells[first]} {cells[last]}")
        if not name:
            skipped.append(Skipped(file, line, _no_name(cells, table)))
            continue
        fields: dict[str, Any] = {"name": name}
        for key, index in (("company", company), ("role", position), ("linkedin", url)):
            value = clean(cells[index])
            if value:
                fields[key] = value
        address = clean(cells[email])
        if address:
            fields["emails"] = [address]
        warnings: list[str] = []
        when = clean(cells[connected])
        if when:
            if when not in days:
                days[when] = read_date(when, slash=order)
            day = days[when]
            if day is None:
                warnings.append(
                    f"Connected On '{when}' is not a date (expected one like '22 Dec 2025'): "
                    f"{name} is read without 'met'"
                )
            else:
                fields["met"] = f"{day.isoformat()} (LinkedIn)"
        people.append(Incoming(fields, line=line, file=file, warnings=warnings))
    warn_first(decoded.warning, people)
    skipped.sort(key=lambda s: s.line)
    return people, skipped


def _no_name(cells: list[str], table: Table) -> str:
    """Why a record without a name is skipped, naming what it does hold."""
    held = [
        f"{table.header[i].strip()} '{clean(v)}'"
        for i, v in enumerate(cells[: len(table.header)])
        if clean(v)
    ]
    if not held:
        return "no name"
    return "no name (First Name and Last Name are empty), only " + ", ".join(held)
