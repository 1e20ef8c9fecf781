"""Finding a contact by what a person types: case and accents ignored, unique prefixes allowed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Letters that carry no combining mark but are read as a plain letter all the same.
_PLAIN = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"})


def fold(text: str) -> str:
    """Lower case without accents: ``Zoë Müller`` → ``zoe muller``, ``Łukasz`` → ``lukasz``."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().translate(_PLAIN).split())


@dataclass(frozen=True, slots=True)
class Candidate:
    path: str
    id: str
    name: str
    aliases: tuple[str, ...]
    archived: bool = False

    def folded(self) -> list[str]:
        return [fold(k) for k in (self.id, self.name, *self.aliases)]


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome of a look-up: exactly one of ``found``, ``ambiguous`` or ``suggestions``."""

    found: Candidate | None
    ambiguous: list[Candidate]
    suggestions: list[Candidate]


def find(query: str, candidates: list[Candidate]) -> Match:
    """A path (``contacts/x.md``) matches its note; then the file name (with or without ``.md``)
    wins over the names and aliases of other notes, so that of two people called Jane Doe,
    ``Jane Doe`` is ``Jane Doe.md`` and ``Jane Doe (Acme)`` the other. Then an exact name or
    alias; then a unique prefix of one of them; then a unique prefix of a word in a name
    (``muller`` finds Zoë Müller). Case and accents are ignored throughout."""
    wanted = fold(query.removesuffix(".md"))
    if not wanted:
        return Match(None, [], [])
    for c in candidates:
        if query == c.path or query.removeprefix("./") == c.path:
            return Match(c, [], [])
    by_file = [c for c in candidates if fold(c.id) == wanted]
    if len(by_file) == 1:
        return Match(by_file[0], [], [])
    if by_file:  # the same file name in several folders: only the path tells them apart
        return Match(None, sorted(by_file, key=lambda c: c.path), [])
    stages = (
        lambda key: key == wanted,
        lambda key: key.startswith(wanted),
        lambda key: any(word.startswith(wanted) for word in key.split()),
    )
    for test in stages:
        hits = [c for c in candidates if any(test(k) for k in c.folded())]
        if len(hits) == 1:
            return Match(hits[0], [], [])
        if len(hits) > 1:
            return Match(None, sorted(hits, key=lambda c: fold(c.name)), [])
    by_key: dict[str, Candidate] = {}
    for c in candidates:
        for k in c.folded():
            by_key.setdefault(k, c)
    import difflib

    close = difflib.get_close_matches(wanted, list(by_key), n=5, cutoff=0.6)
    seen: list[Candidate] = []
    for k in close:
        if by_key[k] not in seen:
            seen.append(by_key[k])
    return Match(None, [], seen)


def duplicates(candidates: list[Candidate]) -> list[tuple[str, list[Candidate]]]:
    """Names or aliases claimed by more than one note (case, accents and NFC/NFD ignored)."""
    owners: dict[str, list[Candidate]] = {}
    for c in candidates:
        for key in dict.fromkeys(c.folded()):
            owners.setdefault(key, []).append(c)
    return [(key, found) for key, found in owners.items() if len(found) > 1]


_WORD = re.compile(r"\w+", re.UNICODE)


_PLAIN_LETTERS = re.compile("[" + "".join(map(chr, _PLAIN)) + "]")


def fts_fold(text: str) -> str:
    """What goes into (and is asked of) the full-text index. The tokenizer drops combining
    accents itself but keeps letters such as ß, ł, ı, ø; fold those the way ``fold`` does (cheap:
    no normalization, and str.translate is slow on long texts)."""
    folded = text.casefold()
    return _PLAIN_LETTERS.sub(lambda m: str(_PLAIN[ord(m[0])]), folded)


def fts_query(text: str) -> str | None:
    """A person's words as an FTS5 query: every word must match, each as a prefix."""
    words = _WORD.findall(fts_fold(text))
    if not words:
        return None
    return " ".join(f'"{w}"*' for w in words)


def query_words(text: str) -> list[str]:
    return [fold(w) for w in _WORD.findall(text)]
