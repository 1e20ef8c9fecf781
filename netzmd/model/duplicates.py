"""Which notes are probably one person, and why: the rule behind ``netzmd duplicates`` and the
duplicate warnings of ``netzmd check``; and the record of pairs a person said are two people
(``imports/not-duplicates.json``).

A pair is reported for

- the same LinkedIn profile, email address or phone number (normalised by ``model.identity``;
  a phone without a country code read in the vault's ``region``), unless more than
  ``SHARED`` notes have it: then it is a switchboard or a team's address, not a person's;
- the same name after folding case, accents, punctuation and word order (``Weiß, Jürgen`` and
  ``Jürgen Weiß``): one's name is the other's name or alias (two equal aliases are no sign) —
  unless both have LinkedIn profiles and they differ;
- similar names (rapidfuzz, at least ``SIMILAR`` of 100, ``ß`` read as ``ss``) of two people at
  the same company or in the same city (only with ``similar=True``).

Fast on big vaults: every rule looks only at the notes that share a key (an identifier, a
folded name, a company, a city), never at every pair; similar names are scored block by block
with rapidfuzz (C, one block against itself), and only blocks of one company or city are compared.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from netzmd.errors import NetzmdError
from netzmd.model.identity import email_key, linkedin_key, loose_name_key, phone_key
from netzmd.model.names import fold

NOT_DUPLICATES = "imports/not-duplicates.json"
SIMILAR = 85.0  # names at least this alike (0-100) count as similar
SHARED = 5  # an identifier on more notes than this is not one person's
_BLOCK = 2000  # a company or city with more people than this is compared by initials too

# How sure each reason makes a pair, 0-100; more reasons make it surer (``_score``).
SCORES = {
    "linkedin": 100,
    "email": 95,
    "phone": 90,
    "name + company": 85,
    "name + city": 80,
    "name": 70,
}
STRONG = frozenset(SCORES)  # every reason but a merely similar name
IDENTIFIERS = ("linkedin", "email", "phone")


@dataclass(frozen=True, slots=True)
class Keys:
    """What the rule compares of one note, normalised once (and so kept in a cache beside the
    index): the folded name (words sorted) and aliases, company and city, email addresses,
    LinkedIn profiles, and phone numbers as written with their last six digits (the E.164
    form depends on the region, and is worked out only for numbers that end alike)."""

    name: str = ""
    aliases: tuple[str, ...] = ()
    company: str = ""
    city: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[tuple[str, str], ...] = ()
    linkedin: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        name: str,
        aliases: Iterable[str] = (),
        company: str | None = None,
        city: str | None = None,
        emails: Iterable[str] = (),
        phones: Iterable[str] = (),
        linkedin: Iterable[str] = (),
    ) -> Keys:
        own = _name_key(name)
        alias_keys = sorted({_name_key(a) for a in aliases} - {own, ""})
        endings = []
        for phone in dict.fromkeys(phones):
            digits = re.sub(r"\D", "", phone)
            if len(digits) >= 5:
                endings.append((digits[-6:], phone))
        return cls(
            own,
            tuple(alias_keys),
            _company_key(company),
            _fold(city) if city else "",
            tuple(sorted({k for k in map(email_key, emails) if k})),
            tuple(endings),
            tuple(sorted({k for k in map(linkedin_key, linkedin) if k})),
        )

    def fields(self) -> tuple[object, ...]:
        """The keys as plain tuples and text, in the order ``Keys(*fields)`` takes them."""
        return (
            self.name,
            self.aliases,
            self.company,
            self.city,
            self.emails,
            self.phones,
            self.linkedin,
        )


@dataclass(frozen=True, slots=True)
class Person:
    """One note for the rule. ``key``: what names it in the output, in commands and in the
    record of dismissed pairs: its id (file name), or its path when another note has the same
    file name (case and accents ignored)."""

    key: str
    path: str
    name: str
    keys: Keys

    @classmethod
    def of(
        cls,
        key: str,
        path: str,
        name: str,
        aliases: Iterable[str] = (),
        company: str | None = None,
        city: str | None = None,
        emails: Iterable[str] = (),
        phones: Iterable[str] = (),
        linkedin: Iterable[str] = (),
    ) -> Person:
        return cls(key, path, name, Keys.of(name, aliases, company, city, emails, phones, linkedin))


@dataclass(frozen=True, slots=True)
class Pair:
    """Two notes that are probably one person: ``a`` < ``b`` (their keys), the reasons, and how
    sure that is (0-100)."""

    a: str
    b: str
    reasons: tuple[str, ...]
    score: int
    a_path: str = ""
    b_path: str = ""

    @property
    def strong(self) -> bool:
        """An identifier or an equal name, not only a similar one."""
        return any(r in STRONG for r in self.reasons)

    def to_json(self) -> dict[str, object]:
        return {"a": self.a, "b": self.b, "reasons": list(self.reasons), "score": self.score}


def keys_for(ids_and_paths: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each note's key by path: its id, or its path when the id is not unique (case and
    accents ignored, as links and look-ups ignore them)."""
    items = [(ident, path, _fold(ident)) for ident, path in ids_and_paths]
    counts: dict[str, int] = {}
    for _, _, folded in items:
        counts[folded] = counts.get(folded, 0) + 1
    return {path: ident if counts[folded] == 1 else path for ident, path, folded in items}


# --- the rule -----------------------------------------------------------------------------------


def find_pairs(
    people: Sequence[Person],
    *,
    region: str = "DE",
    dismissed: Iterable[frozenset[str]] = (),
    similar: bool = True,
    cutoff: float = SIMILAR,
) -> list[Pair]:
    """Every pair of ``people`` that is probably one person, best first (then by ``a``, ``b``);
    the ``dismissed`` pairs (two keys each) left out. ``similar``: also similar names at one
    company or in one city (needs rapidfuzz); without it only the strong reasons."""
    found: dict[tuple[int, int], dict[str, float]] = {}

    def add(i: int, j: int, reason: str, score: float) -> None:
        if i == j:
            return
        reasons = found.setdefault((min(i, j), max(i, j)), {})
        reasons[reason] = max(score, reasons.get(reason, 0.0))

    keys = [p.keys for p in people]
    for kind, sets in (
        ("linkedin", [set(k.linkedin) for k in keys]),
        ("email", [set(k.emails) for k in keys]),
        ("phone", _phone_keys(keys, region)),
    ):
        for members in _groups(sets):
            if len(members) <= SHARED:
                for i, j in combinations(members, 2):
                    add(i, j, kind, SCORES[kind])

    def two_profiles(i: int, j: int) -> bool:
        mine, theirs = keys[i].linkedin, keys[j].linkedin
        return bool(mine and theirs and not set(mine) & set(theirs))

    for i, j in _same_names(keys):
        if two_profiles(i, j):
            continue  # two people of one name
        if keys[i].company and keys[i].company == keys[j].company:
            add(i, j, "name + company", SCORES["name + company"])
        elif keys[i].city and keys[i].city == keys[j].city:
            add(i, j, "name + city", SCORES["name + city"])
        else:
            add(i, j, "name", SCORES["name"])
    if similar:
        for what in ("company", "city"):
            blocks = [k.company if what == "company" else k.city for k in keys]
            for i, j, ratio in _similar_names(keys, blocks, cutoff):
                if any(r.startswith("name") for r in found.get((i, j), ())):
                    continue
                if two_profiles(i, j):
                    continue
                base = 60 if what == "company" else 50
                add(i, j, f"similar name + {what}", base + 15 * (ratio - cutoff) / (100 - cutoff))
    skip = set(dismissed)
    pairs = []
    for (i, j), reasons in found.items():
        a, b = sorted((people[i], people[j]), key=lambda p: p.key)
        if frozenset((a.key, b.key)) in skip:
            continue
        ordered = sorted(reasons, key=lambda r: (-reasons[r], r))
        pairs.append(Pair(a.key, b.key, tuple(ordered), _score(reasons.values()), a.path, b.path))
    pairs.sort(key=lambda p: (-p.score, p.a, p.b))
    return pairs


def _score(scores: Iterable[float]) -> int:
    """The best reason's score, and each further reason halves what is left to 100."""
    total = 0.0
    for s in sorted(scores, reverse=True):
        total = s if total == 0.0 else total + (100 - total) / 2
    return min(100, round(total))


def _groups(keys: Sequence[set[str]]) -> Iterator[list[int]]:
    """The indexes that share a key, for each key more than one has."""
    by_key: dict[str, list[int]] = {}
    for i, ks in enumerate(keys):
        for k in ks:
            by_key.setdefault(k, []).append(i)
    return (members for members in by_key.values() if len(members) > 1)


_COMBINING = re.compile("[\u0300-\u036f]")
_NOT_WORD = re.compile(r"[^\w]+")


def _fold(text: str) -> str:
    """``names.fold``, quicker for text that is ASCII once its accents are gone."""
    import unicodedata

    plain = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    if plain.isascii():
        return " ".join(plain.lower().split())
    return fold(text)


def _name_key(name: str) -> str:
    """``identity.loose_name_key``, quicker for the names that are ASCII once their accents
    are gone (most of them): the same text for every name."""
    import unicodedata

    plain = _COMBINING.sub("", unicodedata.normalize("NFKD", name))
    if plain.isascii():
        return " ".join(sorted(_NOT_WORD.sub(" ", plain.lower()).split()))
    return loose_name_key(name)


def _same_names(keys: Sequence[Keys]) -> Iterator[tuple[int, int]]:
    """Pairs where one's name is the other's name or alias (folded, in any order). Two equal
    aliases alone are no sign: many people are called "Anna" for short."""
    by_key: dict[str, tuple[list[int], list[int]]] = {}
    for i, k in enumerate(keys):
        if k.name:
            by_key.setdefault(k.name, ([], []))[0].append(i)
        for alias in k.aliases:
            by_key.setdefault(alias, ([], []))[1].append(i)
    for named, aliased in by_key.values():
        yield from combinations(named, 2)
        for i in named:
            for j in aliased:
                yield i, j


def _phone_keys(keys: Sequence[Keys], region: str) -> list[set[str]]:
    """E.164 numbers, worked out (with phonenumbers) only for numbers whose last six digits
    another number has too: equal numbers end alike, and most numbers share their ending with
    none."""
    counts: dict[str, int] = {}
    for k in keys:
        for end in {e for e, _ in k.phones}:
            counts[end] = counts.get(end, 0) + 1
    out: list[set[str]] = []
    for k in keys:
        found = {phone_key(phone, region) for end, phone in k.phones if counts[end] > 1}
        out.append({p for p in found if p})
    return out


_LEGAL = re.compile(
    r"\b(gmbh|ag|se|kg|ohg|ug|mbh|co|inc|llc|ltd|limited|plc|corp|corporation|sa|sas|sarl|srl|"
    r"spa|bv|nv|ab|as|oy|pty)\b"
)


def _company_key(company: str | None) -> str:
    """A company's name without case, accents, punctuation and legal form (``ACME GmbH`` is
    ``Acme``)."""
    if not company:
        return ""
    words = re.sub(r"[^\w]+", " ", fold(company))
    return " ".join(_LEGAL.sub(" ", words).split()) or " ".join(words.split())


def _similar_names(
    people: Sequence[Keys], blocks: Sequence[str], cutoff: float
) -> Iterator[tuple[int, int, float]]:
    """Pairs of people in one block (a company, a city) whose names are at least ``cutoff``
    alike, with the score. A block too big to compare whole is split by the initials of its
    names' words (a pair of similar names nearly always shares one)."""
    by_block: dict[str, list[int]] = {}
    for i, block in enumerate(blocks):
        if block:
            by_block.setdefault(block, []).append(i)
    keys = {}
    for members in by_block.values():
        if len(members) > 1:
            for i in members:
                keys[i] = people[i].name.replace("ß", "ss")
    if not keys:
        return
    from rapidfuzz import fuzz, process

    seen: set[tuple[int, int]] = set()
    for members in by_block.values():
        if len(members) < 2:
            continue
        parts = [members] if len(members) <= _BLOCK else _by_initials(members, keys)
        for part in parts:
            choices = [keys[i] for i in part]
            for x in range(len(part) - 1):
                # the keys' words are sorted already: a plain ratio is the token sort ratio
                hits = process.extract(
                    choices[x],
                    choices[x + 1 :],
                    scorer=fuzz.ratio,
                    processor=None,
                    score_cutoff=cutoff,
                    limit=None,
                )
                for _, score, y in hits:
                    i, j = part[x], part[x + 1 + y]
                    if (i, j) not in seen:
                        seen.add((i, j))
                        yield i, j, float(score)


def _by_initials(members: list[int], keys: dict[int, str]) -> list[list[int]]:
    parts: dict[str, list[int]] = {}
    for i in members:
        for initial in {word[0] for word in keys[i].split()}:
            parts.setdefault(initial, []).append(i)
    return [p for p in parts.values() if len(p) > 1]


# --- pairs that are two people ------------------------------------------------------------------


@dataclass(slots=True)
class Dismissed:
    """The pairs a person said are two people (``imports/not-duplicates.json``)."""

    pairs: set[frozenset[str]] = field(default_factory=set)

    def add(self, a: str, b: str) -> bool:
        """Record the pair; False when it was recorded already."""
        pair = frozenset((a, b))
        if pair in self.pairs:
            return False
        self.pairs.add(pair)
        return True

    def renamed(self, old: Iterable[str], new: str) -> Dismissed:
        """The record with every key in ``old`` (an id, a path) replaced by ``new``; a pair
        that becomes one note is dropped."""
        olds = set(old)
        out = Dismissed()
        for pair in self.pairs:
            keys = {new if k in olds else k for k in pair}
            if len(keys) == 2:
                out.pairs.add(frozenset(keys))
        return out

    def without(self, gone: Iterable[str]) -> Dismissed:
        """The record without the pairs that hold any key in ``gone``."""
        drop = set(gone)
        return Dismissed({p for p in self.pairs if not p & drop})

    def to_bytes(self) -> bytes:
        """Sorted, one pair per line, so that the same pairs give the same bytes and git
        shows one line per pair."""
        rows = sorted(sorted(p) for p in self.pairs)
        lines = [json.dumps(row, ensure_ascii=False) for row in rows]
        inner = ",\n    ".join(lines)
        body = f"[\n    {inner}\n  ]" if lines else "[]"
        return f'{{\n  "pairs": {body},\n  "version": 1\n}}\n'.encode()


def read_dismissed(data: bytes | None, rel: str = NOT_DUPLICATES) -> Dismissed:
    """The record from its bytes (None: there is none). A record that cannot be read is an
    error naming the file and line."""
    if data is None:
        return Dismissed()
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise _bad(rel, 1, "it is not UTF-8") from None
    except ValueError as exc:
        raise _bad(rel, getattr(exc, "lineno", 1), str(exc).split(":")[0]) from None
    pairs = raw.get("pairs") if isinstance(raw, dict) else None
    if not isinstance(pairs, list):
        raise _bad(rel, 1, 'it is not an object with a list "pairs"')
    out = Dismissed()
    for item in pairs:
        if (
            not isinstance(item, list)
            or len(item) != 2
            or not all(isinstance(k, str) and k for k in item)
            or item[0] == item[1]
        ):
            shown = json.dumps(item, ensure_ascii=False)
            raise _bad(rel, _line_of(data, item), f"{shown} is not a pair of two notes")
        out.add(item[0], item[1])
    return out


def _line_of(data: bytes, item: object) -> int:
    needle = json.dumps(item, ensure_ascii=False).encode()
    at = data.find(needle)
    return data.count(b"\n", 0, at) + 1 if at >= 0 else 1


def _bad(rel: str, line: int, why: str) -> NetzmdError:
    return NetzmdError(
        f"the record of pairs that are not duplicates cannot be read ({why})",
        path=rel,
        line=line,
        hint='It holds {"pairs": [["A", "B"], …], "version": 1}; fix it, or restore it from '
        f"git: git checkout -- {rel}",
    )
