"""Quiet periods: the events of one save gathered into one batch.

``Debouncer`` gathers events until none came for ``quiet`` seconds, or ``longest`` seconds
passed since the first one (a steady stream of events still gets a batch that often). Times are
plain numbers (``time.monotonic()``), so it is tested without threads or clocks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

DEBOUNCE_SECONDS = 0.3
LONGEST_WAIT_SECONDS = 2.0  # a steady stream of events still gets a batch this often


@dataclass(slots=True)
class Batch:
    """The events gathered for one refresh: what kinds of path changed, and which paths."""

    kinds: set[str] = field(default_factory=set)
    paths: set[str] = field(default_factory=set)
    first: float = 0.0
    last: float = 0.0


class Debouncer:
    """Gathers events until none came for ``quiet`` seconds (or ``longest`` seconds passed
    since the first one). Times are plain numbers (``time.monotonic()``); not thread-safe."""

    def __init__(self, quiet: float, longest: float) -> None:
        self.quiet = quiet
        self.longest = max(longest, quiet)
        self._batch: Batch | None = None

    @property
    def pending(self) -> bool:
        return self._batch is not None

    def add(self, kinds: Iterable[str], paths: Iterable[str], at: float) -> None:
        if self._batch is None:
            self._batch = Batch(first=at, last=at)
        self._batch.kinds.update(kinds)
        self._batch.paths.update(paths)
        self._batch.last = max(self._batch.last, at)

    def due(self) -> float | None:
        """When the gathered batch should be processed; None when nothing is gathered."""
        if self._batch is None:
            return None
        return min(self._batch.last + self.quiet, self._batch.first + self.longest)

    def take(self, at: float) -> Batch | None:
        """The batch, when it is due at ``at``; it is then no longer gathered."""
        due = self.due()
        if due is None or due > at:
            return None
        return self.flush()

    def flush(self) -> Batch | None:
        """The batch, due or not."""
        batch, self._batch = self._batch, None
        return batch
