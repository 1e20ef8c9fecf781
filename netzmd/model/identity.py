"""Who is who: the identifiers that tell two records are one person, normalised so that the
spellings of one identifier compare equal. Used by the import engine (matching an incoming
person to a note) and by ``duplicates`` (pairs of notes that are probably one person).

- A LinkedIn profile URL: scheme, ``www.``/country subdomain, trailing slash, query, fragment,
  case and percent-encoding do not matter (``linkedin_key``).
- An email address: case-folded, surrounding ``<>``/``mailto:`` removed (``email_key``).
- A phone number: E.164, a number without ``+`` read in the default region (``phone_key``,
  through phonenumbers, imported on first use).
- A name: ``name_key`` folds case and accents but keeps ``ß`` (``Weiß`` and ``Weiss`` are not
  the same name, only similar); ``loose_name_key`` also ignores word order and punctuation
  ("Weiß, Jürgen"), for what is reported, never merged.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

# Letters that carry no combining mark but are read as a plain letter all the same (as in
# ``names.fold``); ß is deliberately not here: it is a letter of its own in a name.
_PLAIN = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"})
# The namespace of every UID netzmd derives (uuid5 over it and a contact's id). Never change
# it: every UID a calendar or address book has seen would change with it.
NAMESPACE = uuid.UUID("6f1c6d3e-3c2a-5b8e-9d47-6e6574a6d6d0")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def name_key(name: str) -> str:
    """A name folded for an exact match: case and accents ignored, spaces collapsed, ``ß`` kept
    (``Jürgen Weiß`` → ``jurgen weiß``; ``Jürgen Weiss`` stays different)."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().translate(_PLAIN).split())


def loose_name_key(name: str) -> str:
    """A name with word order and punctuation ignored too (``Weiß, Jürgen`` → ``jurgen weiß``)."""
    words = re.sub(r"[^\w]+", " ", name_key(name)).split()
    return " ".join(sorted(words))


def linkedin_key(url: str) -> str | None:
    """The profile path of a LinkedIn URL, lower case and percent-decoded
    (``https://www.linkedin.com/in/J%C3%BCrgen-W/`` → ``linkedin.com/in/jürgen-w``); a bare
    ``in/slug`` or ``slug`` too. None when it is not a LinkedIn profile address."""
    text = url.strip()
    if not text:
        return None
    if "://" not in text:
        text = "https://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    path = unquote(parts.path).strip().rstrip("/").lower()
    if host == "linkedin.com" or host.endswith(".linkedin.com"):
        host = "linkedin.com"
    elif host and "." not in host and not path:  # a bare slug: "jane-doe"
        return f"linkedin.com/in/{unquote(host).lower()}"
    elif host == "in" and path:  # "in/jane-doe"
        return f"linkedin.com/in{path}"
    else:
        return None
    path = re.sub(r"/+", "/", path)
    if not path or path == "/":
        return None
    return host + path


def email_key(email: str) -> str | None:
    """An email address case-folded (``Jane.Doe@Example.ORG`` → ``jane.doe@example.org``);
    ``mailto:`` and angle brackets removed; None when it is not an address."""
    text = email.strip().removeprefix("mailto:").removeprefix("MAILTO:").strip("<> \t")
    if not _EMAIL.match(text):
        return None
    return text.casefold()


def phone_key(phone: str, region: str = "DE") -> str | None:
    """A phone number in E.164 (``0171 2345678`` with region DE → ``+491712345678``); a number
    that cannot be read as one keeps its digits (with a leading + when written), so two equal
    spellings still match; None when it has fewer than five digits."""
    text = phone.strip()
    digits = re.sub(r"\D", "", text)
    if len(digits) < 5:
        return None
    key = _e164(text, region.upper() or "DE")
    if key is not None:
        return key
    return ("+" if text.startswith(("+", "00")) else "") + digits.removeprefix(
        "00" if text.startswith("00") else ""
    )


@lru_cache(maxsize=65536)
def _e164(text: str, region: str) -> str | None:
    import phonenumbers

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def similarity(a: str, b: str) -> float:
    """How alike two names are, 0–100, word order ignored (rapidfuzz's token sort ratio over the
    folded names, with ``ß`` read as ``ss``)."""
    from rapidfuzz import fuzz

    left = loose_name_key(a).replace("ß", "ss")
    right = loose_name_key(b).replace("ß", "ss")
    return float(fuzz.token_sort_ratio(left, right))


@dataclass(slots=True)
class Identity:
    """The normalised identifiers of one person (a note or an incoming record)."""

    linkedin: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)

    def shared(self, other: Identity) -> list[str]:
        """The kinds of identifier both have in common: ``linkedin``, ``email``, ``phone``."""
        out = []
        if self.linkedin & other.linkedin:
            out.append("linkedin")
        if self.emails & other.emails:
            out.append("email")
        if self.phones & other.phones:
            out.append("phone")
        return out

    def contradicts(self, other: Identity) -> bool:
        """Both have an identifier of one kind and none of that kind in common: a LinkedIn URL
        or an email or a phone that says they are different people. (Different emails alone are
        weak — people have several — so only a LinkedIn URL on both sides contradicts, or
        emails/phones on both sides that share nothing while nothing else is shared.)"""
        if self.shared(other):
            return False
        if self.linkedin and other.linkedin:
            return True
        both_emails = bool(self.emails and other.emails)
        both_phones = bool(self.phones and other.phones)
        return both_emails or both_phones


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def identity_of(fields: dict[str, Any], region: str = "DE") -> Identity:
    """The identity of a note's front matter (or an incoming record's fields): ``linkedin``,
    ``email``/``emails``, ``phone``/``phones``."""
    ident = Identity()
    for url in _strings(fields.get("linkedin")):
        key = linkedin_key(url)
        if key:
            ident.linkedin.add(key)
    for email in _strings(fields.get("email")) + _strings(fields.get("emails")):
        key = email_key(email)
        if key:
            ident.emails.add(key)
    for phone in _strings(fields.get("phone")) + _strings(fields.get("phones")):
        key = phone_key(phone, region)
        if key:
            ident.phones.add(key)
    return ident


def derived_uid(key: str) -> str:
    """The UID netzmd derives for a contact's id (or ``path:`` and its path) when the note has
    no ``uid:`` of its own: the same on every run and device (``formats.base.contact_uids``)."""
    return str(uuid.uuid5(NAMESPACE, key))
