"""``netzmd duplicates``: the pairs of contacts that are probably one person, from the index
(the rule is ``model.duplicates``, which ``check`` uses too), as JSON-ready data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netzmd.config import Config
from netzmd.model.duplicates import Pair
from netzmd.store.index import Index


@dataclass(frozen=True, slots=True)
class Found:
    """One pair, with the two contacts' names for people to read."""

    pair: Pair
    a_name: str
    b_name: str

    def to_json(self) -> dict[str, Any]:
        return self.pair.to_json()


def duplicates(index: Index, config: Config) -> list[Found]:
    """Every pair that is probably one person, best first, without the dismissed ones."""
    from netzmd.store import queries

    names = {path: name for path, _, name, _, _ in index.names(stale=True)}
    return [
        Found(pair, names.get(pair.a_path, pair.a), names.get(pair.b_path, pair.b))
        for pair in queries.duplicate_pairs(index, config)
    ]


def to_json(found: list[Found]) -> list[dict[str, Any]]:
    """``[{"a", "b", "reasons", "score"}]``: a and b the two contacts (their file names, or
    their paths when a file name is not unique), a < b."""
    return [f.to_json() for f in found]
