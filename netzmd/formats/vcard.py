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
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import vobject  # type: ignore[import-untyped]

from netzmd.formats.base import Network, contact_uids
from netzmd.notes.note import FOLLOW_UPS_TITLE, HEADING, LOG_TITLE

OMIT_YEAR = "1604"  # Apple's "no year": a leap year, so that 29 February is a valid date


class VCardExporter:
    """All contacts as vCard 3.0; ``export_each`` gives one ``UID.vcf`` per contact."""

    name: ClassVar[str] = "vcard"
    suffix: ClassVar[str] = ".vcf"

    def export(self, network: Network) -> bytes:
        return b"".join(data for _, data in self.export_each(network))

    def export_each(self, network: Network) -> list[tuple[str, bytes]]:
        contacts = network.contacts()
        uids = contact_uids(contacts)
        out = []
        names: set[str] = set()
        for c in contacts:
            uid = uids[c["path"]]
            card = vcard(c, uid, own_text(network.body(c["path"])))
            name = file_name(uid)
            number = 1
            while name.lower() in names:  # two UIDs that differ only in unsafe characters
                number += 1
                name = f"{name.removesuffix('.vcf').rsplit('~', 1)[0]}~{number}.vcf"
            names.add(name.lower())
            out.append((name, card.encode("utf-8")))
        return out


def vcard(c: dict[str, Any], uid: str, note: str = "") -> str:
    """One contact (its JSON) as a vCard 3.0 text with CRLF line ends."""
    card = vobject.vCard()
    card.add("uid").value = uid
    name = c["name"]
    card.add("fn").value = name
    given, _, family = name.rpartition(" ")
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    for alias in c.get("aliases") or ():
        card.add("nickname").value = alias
    for email in c.get("emails") or ():
        prop = card.add("email")
        prop.value = email
        prop.type_param = "INTERNET"
    for phone in c.get("phones") or ():
        card.add("tel").value = phone
    if c.get("company"):
        card.add("org").value = [c["company"]]
    if c.get("role"):
        card.add("title").value = c["role"]
    if c.get("city"):
        card.add("adr").value = vobject.vcard.Address(city=c["city"])
    if c.get("tags"):
        card.add("categories").value = list(c["tags"])
    linkedin = (c.get("fields") or {}).get("linkedin")
    if isinstance(linkedin, str) and linkedin.strip():
        card.add("url").value = linkedin.strip()
    birthday = c.get("birthday")
    if birthday:
        prop = card.add("bday")
        if birthday.startswith("--"):
            prop.value = f"{OMIT_YEAR}-{birthday[2:]}"
            prop.params["X-APPLE-OMIT-YEAR"] = [OMIT_YEAR]
        else:
            prop.value = birthday
    if note:
        card.add("note").value = note
    text: str = card.serialize()
    return text


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
