"""vCard import (``netzmd import vcard``): the people of a ``.vcf`` file, vCard 2.1, 3.0 or 4.0.

The file is split into cards here (``BEGIN:VCARD`` … ``END:VCARD``, with the line each begins
on), its lines unfolded (a line starting with a space or tab continues the one before, RFC
2425 5.8.1), and quoted-printable soft line breaks joined (vCard 2.1: a quoted-printable value
ending in ``=`` goes on on the next line, which vobject 0.9.9 cannot read). Every content line
of a card is then read by vobject's content-line parser (``vobject.base.parseLine``: name,
group, parameters, value); a line it cannot read makes the card a ``Skipped`` entry (at the
line of its ``BEGIN:VCARD``, saying which line) and the other cards are read.

The values are interpreted here, not by vobject's card behaviours (``vobject.readOne``): those
keep only the text before the first unescaped comma of a text value ("TITLE:Head of Sales,
EMEA" became "Head of Sales", and vCard 2.1 writers do not escape commas at all), leave
vCard 4.0's values raw, and cost about 1 ms a card (10 s for 10,000 cards) against a few
hundredths of a millisecond for the content lines alone. Text is unescaped as RFC 2426 (4)
and RFC 6350 (3.4) say (``\\n``, ``\\,``, ``\\;``, ``\\\\``, and Apple's ``\\:``); structured
values (N, ADR, ORG) are split at unescaped ``;``, lists (CATEGORIES, NICKNAME) at unescaped
``,``. Quoted-printable values are decoded in their CHARSET (UTF-8 when none is given or it is
unknown; Windows-1252 when the bytes are not that charset).

The file is read as UTF-8 (a BOM dropped; UTF-16 with a BOM through ``textfile.decode_text``,
which also refuses an empty file and binary data). A value whose bytes are not UTF-8 (Outlook
writes Windows-1252) is read in its CHARSET, else as Windows-1252, with one warning on its
card; bytes are decoded after unfolding, so a fold inside a UTF-8 sequence does no harm.

What a card gives (``Incoming.fields``, only the keys the card has a value for):

- ``name``: FN; else N composed as prefix, given, additional, family, suffix; a card with
  neither is skipped, and so is a group card (``KIND:group``, Apple's
  ``X-ADDRESSBOOKSERVER-KIND:group``), which is no person.
- ``company``: the first component of ORG; ``role``: TITLE.
- ``emails`` and ``phones``: every EMAIL and TEL in card order, the preferred first
  (``TYPE=pref``, vCard 2.1's bare ``PREF``, vCard 4.0's ``PREF=1`` … ``PREF=100``, lowest
  first), repeats dropped; ``mailto:`` and ``tel:`` (4.0's ``VALUE=uri``) taken off.
- ``linkedin``: an X-SOCIALPROFILE (or 4.0 SOCIALPROFILE) of type ``linkedin`` (a user name
  alone becomes ``https://www.linkedin.com/in/<name>``), else the first URL on linkedin.com.
- ``birthday``: BDAY as ``YYYY-MM-DD``, or ``--MM-DD`` without a year (4.0's ``--0415`` and
  ``--04-15``, Apple's ``X-APPLE-OMIT-YEAR=1604`` with ``1604-04-15``, and the stand-in
  years 1604 and 0000 alone). A birthday that is not a date (``BDAY;VALUE=text:circa 1800``,
  ``1985-02-30``) never becomes one: it goes into the body as ``Birthday: circa 1800`` with a
  warning.
- ``city``: the locality of an ADR, a work address first, then a preferred one.
- ``tags``: every CATEGORIES value through ``base.tag_for``; ``aliases``: every NICKNAME.

``uid`` is the card's UID, ``body`` its NOTE text (several NOTEs as paragraphs), ``line`` the
line of its ``BEGIN:VCARD``. PHOTO, LOGO, SOUND and KEY are ignored: their data (inline base64
or a URI) never reaches the fields or the body, and is not even decoded. Other properties
(REV, PRODID, X-…) are read and left.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, ClassVar
from urllib.parse import urlsplit

from netzmd.errors import NetzmdError
from netzmd.formats.base import Incoming, Skipped, tag_for

WHAT = "a vCard file"
HINT = "a vCard file holds cards from BEGIN:VCARD to END:VCARD, as address books export them"
_NEWLINE = re.compile(r"\r\n|\r|\n")
_IGNORED = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
_STAND_IN_YEARS = frozenset({1604, 0})  # Apple's and Outlook's "no year", and 0000
_FULL_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?:T[0-9:.,]*(?:Z|[+-]\d{2}:?(?:\d{2})?)?)?")
_YEARLESS = re.compile(r"--(\d{2})-?(\d{2})")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_BASE64_LINE = re.compile(r"[A-Za-z0-9+/]+=*")
_SURROGATE = re.compile("[\udc80-\udcff]")
NO_PREF = 101  # the rank of an EMAIL or TEL that is not preferred (4.0's PREF is 1 to 100)


@dataclass(slots=True)
class Line:
    """One logical content line of a card: its unfolded text and the physical line it starts on."""

    text: str
    number: int


@dataclass(slots=True)
class Card:
    """The content lines of one card, between its BEGIN:VCARD and END:VCARD lines."""

    begin: int
    lines: list[Line]


@dataclass(slots=True)
class Prop:
    """One content line as vobject's parser reads it; ``params`` by upper-case name, each a
    list of values (a bare vCard 2.1 parameter such as ``PREF`` or ``CELL`` is a TYPE)."""

    name: str
    params: dict[str, list[str]]
    value: str
    group: str | None
    warning: str | None = None  # a value that was not UTF-8, read in another encoding

    def types(self) -> set[str]:
        return {t.lower() for t in self.params.get("TYPE", ())}

    def param(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[0] if values else None


class VCardImporter:
    """Reads the people of one ``.vcf`` file (``base.Importer``)."""

    name: ClassVar[str] = "vcard"

    def sniff(self, data: bytes, file: str) -> bool:
        """Whether the file's first line that is not blank is ``BEGIN:VCARD``."""
        return first_line(data[:4096]).upper() == "BEGIN:VCARD"

    def read(self, data: bytes, file: str) -> tuple[list[Incoming], list[Skipped]]:
        skipped: list[Skipped] = []
        cards = split_cards(text_of(data, file, WHAT, HINT), file, skipped)
        people: list[Incoming] = []
        for card in cards:
            try:
                person = read_card(card, file)
            except CardError as error:
                skipped.append(Skipped(file, card.begin, str(error)))
                continue
            people.append(person)
        skipped.sort(key=lambda s: s.line)
        return people, skipped


class CardError(Exception):
    """A card that cannot be read; the message says why (it becomes a ``Skipped`` reason)."""


def text_of(data: bytes, file: str, what: str, hint: str) -> str:
    """A file's text for a reader that goes line by line: UTF-8 (a BOM dropped), where bytes
    that are not UTF-8 are kept as surrogates (``surrogateescape``) for ``plain`` to read line
    by line, after unfolding, so that a line folded inside a UTF-8 sequence and a file with
    lines in two encodings are read right; UTF-16 with a BOM through ``textfile.decode_text``,
    which also refuses an empty file and binary data (``NetzmdError`` naming the file)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data or not data.strip():
        from netzmd.formats.textfile import decode_text

        return decode_text(data, file, what, hint=hint).text
    return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "surrogateescape")


def plain(text: str, charset: str | None = None) -> tuple[str, str | None]:
    """A text from ``text_of`` without surrogates: its bytes as UTF-8 when they are (a
    sequence a fold had split is whole again), else in ``charset`` (a vCard's CHARSET) or
    Windows-1252; with the encoding used when it was not UTF-8."""
    if text.isascii() or not _SURROGATE.search(text):
        return text, None
    data = text.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    encoding = _charset(charset)
    if encoding == "utf-8":
        encoding = "cp1252"
    return data.decode(encoding, "replace"), encoding


def first_line(data: bytes) -> str:
    """The first line that is not blank of the start of a file, decoded leniently (a BOM, UTF-16
    with a BOM); "" when there is none."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data[2:].decode("utf-16-le" if data[0] == 0xFF else "utf-16-be", "replace")
    else:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    for line in _NEWLINE.split(text):
        if line.strip():
            return line.strip()
    return ""


def _head(text: str) -> str:
    """The name and parameters of a content line, upper case (what comes before the value)."""
    colon = text.find(":")
    return (text if colon < 0 else text[:colon]).upper()


def logical_lines(text: str) -> Iterator[Line]:
    """The content lines of a text, unfolded: a physical line that starts with a space or tab
    continues the line before (without that one character), and a quoted-printable value that
    ends in ``=`` (a soft line break) continues on the next physical line, whatever it starts
    with, unless that line ends the card; after a vCard 2.1 ``BASE64`` value (a PHOTO), lines
    of base64 that are not indented go on too. Blank lines are left out."""
    current: list[str] = []
    start = 0
    qp = b64 = False
    for number, physical in enumerate(_NEWLINE.split(text), start=1):
        if current:
            if qp and current[-1].endswith("=") and physical.strip().upper() != "END:VCARD":
                current[-1] = current[-1][:-1]
                current.append(physical)
                continue
            if physical[:1] in (" ", "\t"):
                current.append(physical[1:])
                continue
            if b64 and _BASE64_LINE.fullmatch(physical):  # 2.1 base64 lines, not indented
                current.append(physical)
                continue
            yield Line("".join(current), start)
            current = []
        if not physical.strip():
            continue
        current = [physical]
        start = number
        qp = ("rintable" in physical or "RINTABLE" in physical) and (
            "QUOTED-PRINTABLE" in _head(physical)
        )
        b64 = ("ase64" in physical or "ASE64" in physical) and "BASE64" in _head(physical)
    if current:
        yield Line("".join(current), start)


def split_cards(text: str, file: str, skipped: list[Skipped]) -> list[Card]:
    """The cards of a file's text, each with the line of its BEGIN:VCARD. A card without its
    END:VCARD, and text outside any card, go to ``skipped``. Raises ``NetzmdError`` when the
    text holds no BEGIN:VCARD at all, or no card that ends."""
    cards: list[Card] = []
    card: Card | None = None
    nested = 0  # inside a vCard 2.1 AGENT's embedded card, which is not a person of its own
    outside: Line | None = None  # the first line of text outside any card, not yet reported
    began = False
    for line in logical_lines(text):
        upper = line.text.strip().upper() if line.text[:1] in "BbEe \t" else ""
        if upper == "BEGIN:VCARD":
            began = True
            if card is not None:
                if card.lines and _head(card.lines[-1].text).strip() == "AGENT":
                    nested += 1
                    continue
                skipped.append(
                    Skipped(
                        file,
                        card.begin,
                        f"a card that does not end: no END:VCARD before line {line.number}",
                    )
                )
            if outside is not None:
                skipped.append(Skipped(file, outside.number, _outside(outside)))
                outside = None
            card = Card(line.number, [])
        elif upper == "END:VCARD" and card is not None:
            if nested:
                nested -= 1
            else:
                cards.append(card)
                card = None
        elif card is None:
            if outside is None:
                outside = line
        elif not nested:
            card.lines.append(line)
    if not began:
        raise NetzmdError(f"not {WHAT}: expected BEGIN:VCARD", path=file, hint=HINT)
    if card is not None:
        if not cards:
            raise NetzmdError(
                f"not {WHAT}: expected BEGIN:VCARD … END:VCARD, but the card that begins on "
                f"line {card.begin} has no END:VCARD (is the file cut off?)",
                path=file,
                line=card.begin,
            )
        skipped.append(
            Skipped(
                file,
                card.begin,
                "a card that does not end: no END:VCARD before the end of the file",
            )
        )
    if outside is not None:
        skipped.append(Skipped(file, outside.number, _outside(outside)))
    return cards


def _outside(line: Line) -> str:
    shown = line.text.strip()
    shown = shown if len(shown) <= 40 else shown[:40] + "…"
    return f"text outside any card: {shown!r}"


@cache
def _vobject() -> tuple[
    type[Exception], Callable[[str], tuple[str, list[list[str]], str, str | None]]
]:
    """vobject's content-line parser and its error, imported on first use."""
    from vobject.base import ParseError, parseLine

    return ParseError, parseLine


def parse_line(line: Line) -> Prop:
    """One content line through vobject's parser. A property whose data is ignored (PHOTO …)
    has only its name and parameters read, not its data, which may be large."""
    ParseError, parseLine = _vobject()
    text = line.text
    if len(text) > 200:  # perhaps a PHOTO's data
        head = _head(text)
        name = head.split(";", 1)[0].rsplit(".", 1)[-1]
        if name in _IGNORED and head.count('"') % 2 == 0:
            text = text[: len(head) + 1]
    try:
        name, raw_params, value, group = parseLine(text)
    except ParseError:
        shown = line.text if len(line.text) <= 40 else line.text[:40] + "…"
        raise CardError(f"line {line.number} is not a vCard property: {shown!r}") from None
    params: dict[str, list[str]] = {}
    for raw in raw_params:
        if len(raw) == 1:  # vCard 2.1's bare parameter: a type (CELL, PREF), or an encoding
            bare = raw[0].upper()
            key = "ENCODING" if bare in ("QUOTED-PRINTABLE", "BASE64", "8BIT") else "TYPE"
            params.setdefault(key, []).append(raw[0])
        else:
            params.setdefault(raw[0].upper(), []).extend(raw[1:])
    prop = Prop(name.upper(), params, value, group)
    encoding = (prop.param("ENCODING") or "").upper()
    if encoding == "QUOTED-PRINTABLE":
        prop.value = _quoted_printable(prop.value, prop.param("CHARSET"))
    elif encoding in ("B", "BASE64") and prop.name not in _IGNORED:
        prop.value = _base64(prop.value, prop.param("CHARSET"), line)
    else:
        prop.value, other = plain(prop.value, prop.param("CHARSET"))
        if other is not None:
            label = "Windows-1252" if other == "cp1252" else other
            prop.warning = (
                f"line {line.number} is not UTF-8: the card is read as {label}; check its "
                "accented letters"
            )
    return prop


def _charset(name: str | None) -> str:
    import codecs

    if name:
        try:
            return codecs.lookup(name).name
        except LookupError:
            pass
    return "utf-8"


def _decode_bytes(data: bytes, charset: str | None) -> str:
    try:
        return data.decode(_charset(charset))
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _quoted_printable(value: str, charset: str | None) -> str:
    import quopri

    try:  # quoted-printable is ASCII; a letter written as it is is taken in its charset
        raw = value.encode(_charset(charset))
    except UnicodeEncodeError:
        raw = value.encode("utf-8", "surrogateescape")
    return _decode_bytes(quopri.decodestring(raw), charset)


def _base64(value: str, charset: str | None, line: Line) -> str:
    import base64
    import binascii

    try:
        return _decode_bytes(base64.b64decode("".join(value.split()), validate=True), charset)
    except (binascii.Error, ValueError):
        raise CardError(f"line {line.number} is not valid base64 text") from None


def unescape(text: str) -> str:
    r"""A TEXT value unescaped: ``\n`` and ``\N`` a line break, ``\\ \, \; \:`` the character;
    a backslash before anything else stays as it is."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: "\n" if m[1] in "nN" else m[1] if m[1] in "\\,;:" else m[0], text)


def split_escaped(text: str, separator: str, *, unescaped: bool = True) -> list[str]:
    """A value split at each ``separator`` not escaped by a backslash, each part unescaped
    (``unescaped=False``: as written, to be split again)."""
    if "\\" not in text:
        return text.split(separator)
    parts: list[str] = []
    start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == separator:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return [unescape(p) for p in parts] if unescaped else parts


def _text(value: str) -> str:
    """A single TEXT value, unescaped, line ends as LF, without blanks around it."""
    return unescape(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _rank(prop: Prop) -> int:
    """How preferred an EMAIL or TEL is: 1 (``TYPE=pref``, ``PREF``) to 100 (4.0's ``PREF=n``),
    ``NO_PREF`` when it is not."""
    pref = prop.param("PREF")
    if pref is not None:
        try:
            return max(1, min(100, int(pref)))
        except ValueError:
            return 1
    return 1 if "pref" in prop.types() else NO_PREF


def _ordered(found: list[tuple[int, str]], key: Any) -> list[str]:
    """Values by preference, then card order; repeats (by ``key``) dropped."""
    out: list[str] = []
    seen: set[str] = set()
    for _, value in sorted(found, key=lambda pair: pair[0]):  # stable: card order kept
        k = key(value)
        if value and k not in seen:
            seen.add(k)
            out.append(value)
    return out


def on_linkedin(url: str) -> bool:
    """Whether an address is on linkedin.com (or a country subdomain such as de.linkedin.com)."""
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    try:
        host = (urlsplit(text).hostname or "").lower()
    except ValueError:
        return False
    return host == "linkedin.com" or host.endswith(".linkedin.com")


_SLUG = re.compile(r"[\w%.-]+")


def _social_linkedin(prop: Prop) -> str | None:
    """A LinkedIn profile address from an X-SOCIALPROFILE / SOCIALPROFILE line."""
    value = _text(prop.value)
    service = {t.lower() for t in prop.params.get("SERVICE-TYPE", ())}
    if not ("linkedin" in prop.types() or "linkedin" in service or on_linkedin(value)):
        return None
    if on_linkedin(value):
        return value
    user = prop.param("X-USER") or value.removeprefix("x-apple:")
    if _SLUG.fullmatch(user):
        return f"https://www.linkedin.com/in/{user}"
    return None


def birthday(value: str, omit_year: str | None) -> str | None:
    """A BDAY value as ``YYYY-MM-DD`` or ``--MM-DD``; None when it is not a date (a time part
    is ignored; Apple's omitted year and the stand-in years make it year-less)."""
    text = value.strip()
    year: int | None = None
    full = _FULL_DATE.fullmatch(text)
    if full is not None:
        year, month, day = int(full[1]), int(full[2]), int(full[3])
        if year in _STAND_IN_YEARS or (omit_year is not None and full[1] == omit_year.strip()):
            year = None
    else:
        yearless = _YEARLESS.fullmatch(text)
        if yearless is None:
            return None
        month, day = int(yearless[1]), int(yearless[2])
    try:
        date(year if year is not None else 2000, month, day)  # 2000: 29 February fits
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" if year is not None else f"--{month:02d}-{day:02d}"


def _name_from_n(value: str) -> str:
    """A name from N (family;given;additional;prefix;suffix, each a list): prefix, given,
    additional, family and suffix, each part once spaced."""
    parts = (split_escaped(value, ";", unescaped=False) + [""] * 5)[:5]
    family, given, additional, prefix, suffix = parts
    words = []
    for part in (prefix, given, additional, family, suffix):
        for piece in split_escaped(part, ","):
            piece = " ".join(piece.split())
            if piece:
                words.append(piece)
    return " ".join(words)


def read_card(card: Card, file: str) -> Incoming:
    """The person of one card; raises ``CardError`` when it cannot be read or is no person."""
    props = [parse_line(line) for line in card.lines]
    fields: dict[str, Any] = {}
    other = [prop.warning for prop in props if prop.warning is not None]
    warnings = other[:1]  # one is enough: "line 3 is not UTF-8: read as Windows-1252"
    notes: list[str] = []
    uid: str | None = None
    fn = n = ""
    emails: list[tuple[int, str]] = []
    phones: list[tuple[int, str]] = []
    tags: list[str] = []
    aliases: list[str] = []
    dates: list[str] = []
    texts: list[str] = []
    social: str | None = None
    url: str | None = None
    addresses: list[tuple[int, str]] = []
    for prop in props:
        name = prop.name
        if name == "FN":
            fn = fn or _text(prop.value)
        elif name == "N":
            n = n or _name_from_n(prop.value)
        elif name == "ORG":
            company = split_escaped(prop.value, ";")[0].strip()
            if company and "company" not in fields:
                fields["company"] = company
        elif name == "TITLE":
            role = _text(prop.value)
            if role and "role" not in fields:
                fields["role"] = role
        elif name == "EMAIL":
            email = _text(prop.value)
            if email[:7].lower() == "mailto:":
                email = email[7:].strip()
            emails.append((_rank(prop), email))
        elif name == "TEL":
            phone = _text(prop.value)
            if phone[:4].lower() == "tel:":
                phone = phone[4:].strip()
            phones.append((_rank(prop), phone))
        elif name in ("X-SOCIALPROFILE", "SOCIALPROFILE"):
            social = social or _social_linkedin(prop)
        elif name == "URL":
            value = _text(prop.value)
            if url is None and on_linkedin(value):
                url = value
        elif name == "BDAY":
            value = _text(prop.value)
            if value:
                found = birthday(value, prop.param("X-APPLE-OMIT-YEAR"))
                (dates if found else texts).append(found or value)
        elif name == "ADR":
            parts = split_escaped(prop.value, ";")
            city = " ".join(parts[3].split()) if len(parts) > 3 else ""
            if city:
                types = prop.types()
                rank = 0 if "work" in types else 1 if _rank(prop) < NO_PREF else 2
                addresses.append((rank, city))
        elif name == "CATEGORIES":
            for label in split_escaped(prop.value, ","):
                tag = tag_for(label)
                if tag is not None and tag not in tags:
                    tags.append(tag)
        elif name == "NICKNAME":
            for alias in split_escaped(prop.value, ","):
                alias = alias.strip()
                if alias and alias not in aliases:
                    aliases.append(alias)
        elif name == "NOTE":
            text = unescape(prop.value).replace("\r\n", "\n").replace("\r", "\n")
            if text.strip():
                notes.append(text)
        elif name == "UID":
            uid = uid or _text(prop.value) or None
        elif name in ("KIND", "X-ADDRESSBOOKSERVER-KIND") and prop.value.strip().lower() == "group":
            raise CardError(f"a group card ({name}:group): a list of contacts, not a person")
    name = fn or n
    if not name:
        raise CardError("a card without a name (no FN or N)")
    fields = {"name": name, **fields}
    if emails:
        fields["emails"] = _ordered(emails, str.casefold)
    if phones:
        fields["phones"] = _ordered(phones, lambda p: p)
    linkedin = social or url
    if linkedin:
        fields["linkedin"] = linkedin
    if dates:
        fields["birthday"] = dates[0]
    elif texts:
        for text in texts:
            notes.append(f"Birthday: {text}")
            warnings.append(f"the birthday {text!r} is not a date: kept in the note's text")
    if addresses:
        fields["city"] = min(addresses, key=lambda pair: pair[0])[1]
    if tags:
        fields["tags"] = tags
    if aliases:
        fields["aliases"] = aliases
    return Incoming(
        fields, uid=uid, body="\n\n".join(notes), line=card.begin, file=file, warnings=warnings
    )
