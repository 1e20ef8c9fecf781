"""vCard 3.0 export through vobject (imported here only, when a vCard is made).

Each contact is one card: FN and N (the last word of the name as the family name), NICKNAME
per alias, EMAIL and TEL per address and number as written, ORG, TITLE, ADR with the city,
CATEGORIES from the tags, URL from ``linkedin:``, BDAY, and NOTE with the note's own text (the
body without its Log and Follow-ups sections, which the JSON export holds). No REV or PRODID:
an unchanged contact gives the same bytes on every run.

Every card has a stable UID (``base.contact_uids``): the note's ``uid:`` (an import keeps the
source's) or one derived from the note's id, so that a sync tool updates a card instead of
adding a second one.

A birthday without a year is written in Apple's form, ``BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15``,
not as vCard 4.0's ``--0415``: vCard 3.0 has no year-less date, iOS and macOS read only Apple's
form, Android's CardDAV sync (DAVx⁵) converts it, and a program that knows neither still reads
a valid date with the right day and month, where ``--0415`` is an error that loses the
birthday. 1604 is a leap year, so 29 February fits too.

The cards are written here, by string building, not through vobject: vobject builds and
validates an object tree per card and took about 1.5 ms to serialize one (15 s for 10,000
contacts), where this writer takes a few microseconds. It writes what vobject 0.9.9 wrote for
the same card, property for property in vobject's order (VERSION and UID first, then by name)
and escape for escape (``base.escape_text``, RFC 2426), CRLF line ends; only the folding
differs: every line longer than 75 octets is folded, never inside a UTF-8 sequence, where
vobject left a line of fewer than 75 characters unfolded however many octets it had. vobject
stays the reader of record: tests/test_formats_vcard.py reads the cards back with it and holds
this writer to a card built with vobject for arbitrary text.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from netzmd.formats.base import Network, contact_uids, escape_text
from netzmd.notes.note import FOLLOW_UPS_TITLE, HEADING, LOG_TITLE

OMIT_YEAR = "1604"  # Apple's "no year": a leap year, so that 29 February is a valid date
LINE_OCTETS = 75  # RFC 2425 5.8.1: lines longer than 75 octets are folded


class VCardExporter:
    """All contacts as vCard 3.0; ``export_each`` gives one ``UID.vcf`` per contact."""

    name: ClassVar[str] = "vcard"
    suffix: ClassVar[str] = ".vcf"

    def export(self, network: Network) -> bytes:
        return b"".join(data for _, data in self.export_each(network))

    def export_each(self, network: Network) -> list[tuple[str, bytes]]:
        contacts = network.contacts(history=False)
        uids = contact_uids(contacts)
        out = []
        names: set[str] = set()
        for c in contacts:
            uid = uids[c["path"]]
            card = card_bytes(c, uid, own_text(network.body(c["path"])))
            name = file_name(uid)
            number = 1
            while name.lower() in names:  # two UIDs that differ only in unsafe characters
                number += 1
                name = f"{name.removesuffix('.vcf').rsplit('~', 1)[0]}~{number}.vcf"
            names.add(name.lower())
            out.append((name, card))
        return out


def vcard(c: dict[str, Any], uid: str, note: str = "") -> str:
    """One contact (its JSON) as a vCard 3.0 text with CRLF line ends."""
    return card_bytes(c, uid, note).decode("utf-8")


def card_bytes(c: dict[str, Any], uid: str, note: str = "") -> bytes:
    """One contact (its JSON) as a vCard 3.0 card in UTF-8, folded, with CRLF line ends: the
    properties in vobject's order (VERSION, UID, then by name; a repeated one as listed)."""
    e = escape_text
    lines = ["BEGIN:VCARD", "VERSION:3.0", "UID:" + e(uid)]
    name: str = c["name"]
    given, _, family = name.rpartition(" ")
    if c.get("city"):
        lines.append(f"ADR:;;;{e(c['city'])};;;")  # box;extended;street;city;region;code;country
    birthday = c.get("birthday")
    if birthday:
        if birthday.startswith("--"):
            lines.append(f"BDAY;X-APPLE-OMIT-YEAR={OMIT_YEAR}:{OMIT_YEAR}-{e(birthday[2:])}")
        else:
            lines.append("BDAY:" + e(birthday))
    if c.get("tags"):
        lines.append("CATEGORIES:" + ",".join(e(tag) for tag in c["tags"]))
    lines += ["EMAIL;TYPE=INTERNET:" + e(email) for email in c.get("emails") or ()]
    lines.append("FN:" + e(name))
    lines.append(f"N:{e(family)};{e(given)};;;")  # family;given;additional;prefix;suffix
    lines += ["NICKNAME:" + e(alias) for alias in c.get("aliases") or ()]
    if note:
        lines.append("NOTE:" + e(note))
    if c.get("company"):
        lines.append("ORG:" + e(c["company"]))
    lines += ["TEL:" + e(phone) for phone in c.get("phones") or ()]
    if c.get("role"):
        lines.append("TITLE:" + e(c["role"]))
    linkedin = (c.get("fields") or {}).get("linkedin")
    if isinstance(linkedin, str) and linkedin.strip():
        lines.append("URL:" + e(linkedin.strip()))
    lines.append("END:VCARD")
    return b"\r\n".join(fold(line) for line in lines) + b"\r\n"


def fold(line: str) -> bytes:
    """One content line in UTF-8, folded as RFC 2425 (5.8.1) asks: no line longer than 75
    octets, each continuation starting with a space, never inside a UTF-8 sequence (a line
    holds as many whole characters as fit, as vobject folds a long line)."""
    data = line.encode("utf-8")
    if len(data) <= LINE_OCTETS:
        return data
    parts = []
    start, width = 0, LINE_OCTETS
    while len(data) - start > width:
        end = start + width
        while data[end] & 0xC0 == 0x80:  # a continuation byte: the character starts earlier
            end -= 1
        parts.append(data[start:end])
        start, width = end, LINE_OCTETS - 1  # the leading space counts
    parts.append(data[start:])
    return b"\r\n ".join(parts)


def own_text(body: str) -> str:
    """A note's own text: its body without the Log and Follow-ups sections (each down to the
    next heading of the same or a higher level), blank lines at either end removed."""
    kept: list[str] = []
    skipping: int | None = None  # the level of the section being left out
    for line in body.split("\n"):
        heading = HEADING.match(line) if line.startswith("#") else None
        if heading is not None:
            level = len(heading[1])
            if skipping is not None and level <= skipping:
                skipping = None
            title = heading[2].strip()
            if skipping is None and (
                LOG_TITLE.fullmatch(title) or FOLLOW_UPS_TITLE.fullmatch(title)
            ):
                skipping = level
                continue
        if skipping is None:
            kept.append(line)
    return "\n".join(kept).strip("\n")


_UNSAFE = re.compile(r"[^A-Za-z0-9@._-]")


def file_name(uid: str) -> str:
    """The card's file name in a folder, as vdirsyncer and khard name them: the UID and
    ``.vcf``, with any character a file name cannot safely hold as ``_``."""
    safe = _UNSAFE.sub("_", uid)
    if safe.startswith("."):
        safe = "_" + safe[1:]
    return safe[:200] + ".vcf"
