"""Companies as entry gates: which company names mean one company, and how open a company's
gate is for me.

Pure: no files, no clock. A company name is grouped by its *key*: case, accents, punctuation,
``&``/``and``/``und`` and legal forms in many languages (GmbH, AG, SE, KG, GmbH & Co. KG, Inc.,
Ltd., LLC, Corp., S.A., B.V., Sp. z o.o., Oy, AB, …, the term list of the ``cleanco`` library,
loaded on first use) do not split a company. An Obsidian link, ``company: "[[Globex]]"`` or
``"[[Companies/Globex|Globex Corp]]"``, is read as the company it names (Globex). ``[companies]``
in netzmd.toml groups more names (``Aliases``).

A company's gate, from the people there now (their status by ``model.contact``'s rules):

- **open**: someone there now vouches for me or made an offer, and is in touch;
- **warm**: someone there now is in touch, and nobody who is in touch vouches or made an offer;
- **cold**: people there now, but none in touch: all overdue on their cadence, or never
  contacted;
- **alumni**: nobody there now, but contacts who worked there before;
- **none**: nobody at all (a target company I have no way into).

*In touch* means: contacted at least once, and not overdue (``next_due`` is today or later, or
there is no cadence). The last day of a cadence is still in touch; the day after is overdue.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from netzmd.model.contact import Status

GATES = ("open", "warm", "cold", "alumni", "none")


class Work(NamedTuple):
    """A contact as the companies report reads it: the index's columns (``WORK_COLUMNS``)."""

    path: str
    id: str
    name: str
    sort_key: str
    circle: str | None
    tags: str | None  # newline-separated
    company: str | None  # as written (a link included)
    role: str | None
    former: str | None  # newline-separated, as written
    vouches: int | None
    offers: str | None
    offer_date: str | None
    introduced_by: str | None
    cadence: str | None
    last_contact: str | None
    seen: str | None
    aliases: str | None  # JSON list

    @property
    def formers(self) -> list[str]:
        return self.former.split("\n") if self.former else []

    @property
    def holds(self) -> bool:
        """Vouches for me or made an offer."""
        return bool(self.vouches) or bool(self.offers)


# Legal forms cleanco misses or writes otherwise (German forms above all), as words.
_MORE_FORMS = (
    "ggmbh",
    "gmbh and co kgaa",
    "ag and co kg",
    "ag and co kgaa",
    "se and co kg",
    "se and co kgaa",
    "mbh",
    "ug",
    "ug haftungsbeschrankt",
    "ek",
    "ekfr",
    "partg mbb",
    "partgmbb",
    "ltd and co kg",
    "sl",
    "slu",
    "spa",
    "srl",
    "kk",
)
_AND = {"and", "und", "et", "&"}
_LETTERS = {"æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ð": "d"}
_DROP = re.compile(r"['’`´.,]")  # S.A. → sa, O'Reilly → oreilly
_SPLIT = re.compile(r"[\W_]+")
# Müller, Mueller and Muller: German writes ä, ö, ü as ae, oe, ue where they cannot be typed
_UMLAUT = re.compile(r"([aou])e+")
_REMARK = re.compile(r"\([^()]*\)?")
_LINK = re.compile(r"^\s*\[\[([^\[\]|#^]+)(?:[#^][^\[\]|]*)?(?:\|[^\[\]]*)?\]\]\s*$")


def named(text: str) -> str:
    """The company a ``company:`` value names: the text, or the target of an Obsidian link
    (``[[Companies/Globex|Globex Corp]]`` names Globex), without surrounding white space."""
    m = _LINK.match(text)
    if m is None:
        return text.strip()
    target = m[1].strip().rsplit("/", 1)[-1]
    return target[:-3] if target.lower().endswith(".md") else target


def _words(text: str) -> list[str]:
    """Case, accents and punctuation folded away; ``&``, ``und`` and ``et`` as ``and``."""
    from cleanco.non_nfkd_map import NON_NFKD_MAP

    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(
        _LETTERS.get(c) or NON_NFKD_MAP.get(c, c) for c in folded if not unicodedata.combining(c)
    )
    plain = plain.replace("&", " and ").replace("+", " and ")
    words = _SPLIT.sub(" ", _DROP.sub("", plain)).split()
    return ["and" if w in _AND else w for w in words]


@lru_cache(maxsize=1)
def _legal_forms() -> dict[str, list[tuple[str, ...]]]:
    """Legal forms as word tuples by their last word, the longest first."""
    from cleanco.clean import get_unique_terms

    forms = {tuple(_words(term)) for term in (*get_unique_terms(), *_MORE_FORMS)}
    by_last: dict[str, list[tuple[str, ...]]] = {}
    for form in sorted((f for f in forms if f), key=lambda f: (-len(f), f)):
        by_last.setdefault(form[-1], []).append(form)
    return by_last


# What people write where an employer would be, which is no company and no gate.
NOT_COMPANIES = frozenset(
    (
        "independent", "freelance", "freelancer", "selfemployed", "selbststandig",
        "selbstandig", "freiberuflich", "freiberufler", "retired", "rentner", "pensionar",
        "student", "unemployed", "none", "na", "notapplicable", "private", "privat",
    )
)  # fmt: skip


def is_company(key: str) -> bool:
    """Whether a key (``company_key``) names a company, and not "independent", "freelance",
    "retired" and the like."""
    return bool(key) and key not in NOT_COMPANIES


@lru_cache(maxsize=65536)
def company_key(name: str) -> str:
    """The key that groups the spellings of one company: ``Globex GmbH``, ``GLOBEX gmbh``,
    ``[[Globex]]`` and ``Globex`` all give ``globex``; ``Kupfer & Klee`` and ``Kupfer und
    Klee`` give ``kupferandklee``. Legal forms at the end are removed (again and again:
    ``Globex GmbH & Co. KG``), a leading "The" and remarks in parentheses (``Globex (Munich
    office)``) too, but never the last word; "" when the name
    holds no letter or digit. German umlauts match written either way (Müller, Mueller and
    Muller give ``muller``)."""
    text = named(name)
    if "(" in text:  # a remark: "Globex (Munich office)", "retired (formerly at SAP)"
        text = _REMARK.sub(" ", text).strip() or text
    words = _words(text)
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    forms = _legal_forms()
    while len(words) > 1:
        for form in forms.get(words[-1], ()):
            size = len(form)
            if size < len(words) and tuple(words[-size:]) == form:
                del words[-size:]
                break
        else:
            if words[-1] != "and":
                break
            del words[-1]
    return _UMLAUT.sub(r"\1", "".join(words))


# The version of ``company_key``: the index keeps the keys it worked out (``Aliases.known``),
# so that a warm run needs neither cleanco nor the work; bump it when ``company_key`` changes.
KEY_VERSION = 1


class Aliases:
    """``[companies]`` from netzmd.toml: a name and its other names, all one company, shown by
    that name. ``key`` is the group key of any spelling.

    ``known``: ``company_key`` of names worked out before (kept in the index); what this run
    works out on top is in ``learned``, for the index to keep."""

    def __init__(
        self,
        table: Mapping[str, Iterable[str]] | None = None,
        known: Mapping[str, str] | None = None,
    ) -> None:
        self.known: dict[str, str] = dict(known or {})
        self.learned: dict[str, str] = {}
        self._keys: dict[str, str] = {}  # spelling: group key, as worked out
        self.to_group: dict[str, str] = {}
        self.titles: dict[str, str] = {}  # group key: the name [companies] gives it
        for title, others in (table or {}).items():
            group = self.raw(title)
            if not group:
                continue
            self.titles[group] = title.strip()
            for other in others:
                other_key = self.raw(other)
                if other_key and other_key != group:
                    self.to_group[other_key] = group

    def raw(self, name: str) -> str:
        """``company_key(name)``, from ``known`` when it is there."""
        found = self.known.get(name)
        if found is None:
            found = self.known[name] = self.learned[name] = company_key(name)
        return found

    def key(self, name: str) -> str:
        """The group key of a spelling; "" when it names no company (``is_company``)."""
        group = self._keys.get(name)
        if group is None:
            found = self.raw(name)
            group = self._keys[name] = self.to_group.get(found, found) if is_company(found) else ""
        return group


def spellings(
    pairs: Iterable[tuple[str | None, str | None]],
    aliases: Aliases,
    more: Iterable[str] = (),
    only: set[str] | None = None,
) -> dict[str, dict[str, int]]:
    """How often each spelling of each company is written, by group key: every contact's
    ``company`` and ``former`` entries (``pairs``: the two columns, former newline-separated),
    and ``more`` (targets, my employers). ``only``: count these groups only."""
    out: dict[str, dict[str, int]] = {}
    key = aliases.key
    shown = _shown

    def count(text: str) -> None:
        group = key(text)
        if group and (only is None or group in only):
            counts = out.setdefault(group, {})
            spelling = shown(text)
            counts[spelling] = counts.get(spelling, 0) + 1

    for company, former in pairs:
        if company:
            count(company)
        if former:
            for text in former.split("\n"):
                count(text)
    for text in more:
        count(text)
    return out


@lru_cache(maxsize=65536)
def _shown(text: str) -> str:
    return named(text)


def display_name(spellings: Mapping[str, int], title: str | None = None) -> str:
    """The name a company is shown by: the name ``[companies]`` gives it, else its most used
    spelling (among equals the shortest, then the first in alphabetical order)."""
    if title:
        return title
    return min(spellings, key=lambda s: (-spellings[s], len(s), s))


EX_COLLEAGUE = "ex-colleague"


def former_colleague(
    circle: str | None, tags: str | None, keys: Iterable[str], mine: set[str]
) -> bool:
    """Whether a contact worked with me: one of ``keys`` (the group keys of the companies they
    are and were at) is one of ``mine`` (my employers, ``[me] companies``), or the note says
    so: the competence circle and the tag ``ex-colleague`` (``tags``: newline-separated)."""
    if mine and not mine.isdisjoint(keys):
        return True
    if circle != "competence" or not tags:
        return False
    return _ex_colleague(tags)


@lru_cache(maxsize=4096)
def _ex_colleague(tags: str) -> bool:
    if tags.isascii() and "colleague" not in tags.lower():
        return False  # ASCII tags fold to their lower case: without the word, no match
    from netzmd.model.names import fold

    return EX_COLLEAGUE in (fold(t.lstrip("#")) for t in tags.split("\n"))


# --- gates -------------------------------------------------------------------------------------


def in_touch(state: Status, today: date) -> bool:
    """Contacted at least once and not overdue on the cadence (none: never overdue)."""
    return state.last_contact is not None and (state.next_due is None or state.next_due >= today)


def overdue(state: Status, today: date) -> bool:
    """Past the next due date (``model.contact``'s status): the day after the cadence ends."""
    return state.next_due is not None and state.next_due < today


@dataclass(frozen=True, slots=True)
class Holder:
    """One person there now, as the gate sees them."""

    in_touch: bool
    vouches: bool  # vouches for me or made an offer


def gate(people: Iterable[Holder], alumni: int) -> str:
    """The gate of a company with these ``people`` there now and ``alumni`` who were there."""
    warm = False
    anyone = False
    for p in people:
        anyone = True
        if p.in_touch:
            if p.vouches:
                return "open"
            warm = True
    if warm:
        return "warm"
    if anyone:
        return "cold"
    return "alumni" if alumni else "none"


def lapse_cost(holds: bool, group_gate: str) -> str | None:
    """What it costs a company's gate when a person there now, who vouches for me or made an
    offer (``holds``) or not, is overdue, given the gate the company has (``group_gate``, with
    that person not in touch): "gate going cold" when nobody there is in touch, "gate no longer
    open" when that person vouches and nobody in touch there does; None when the gate stays
    as it is."""
    if group_gate == "cold":
        return "gate going cold"
    if group_gate == "warm" and holds:
        return "gate no longer open"
    return None
