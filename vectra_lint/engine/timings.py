"""Where a run's time goes (``check --timings``): seconds per phase and per rule, summed over files.

Off by default and then free: the engine only measures when it is handed a :class:`Timings`.
When on, every handler of the single walk is wrapped to charge its time to its owner (a rule's
code, or a shared analysis), so the walk's own cost is what is left of it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

PHASE = "phase"
LISTENER = "listener"


class Timings:
    """Seconds accumulated under ``(kind, name)`` keys: phases of the run and walk listeners."""

    def __init__(self) -> None:
        """Start with nothing measured."""
        self.seconds: dict[tuple[str, str], float] = {}

    def add(self, kind: str, name: str, seconds: float) -> None:
        """Charge ``seconds`` to ``name``."""
        key = (kind, name)
        self.seconds[key] = self.seconds.get(key, 0.0) + seconds

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Charge the time spent inside the ``with`` block to phase ``name``."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(PHASE, name, time.perf_counter() - start)

    # Any: a handler takes the node type its name says; the wrapper passes it through unchanged.
    def wrap(self, owner: str, handler: Callable[[Any], None]) -> Callable[[Any], None]:
        """``handler``, charging each call's time to listener ``owner``."""
        seconds = self.seconds
        key = (LISTENER, owner)
        clock = time.perf_counter

        # Any: as for ``handler``.
        def timed(node: Any) -> None:
            start = clock()
            handler(node)
            seconds[key] = seconds.get(key, 0.0) + clock() - start

        return timed

    def merge(self, other: Mapping[tuple[str, str], float]) -> None:
        """Add another process's or file's figures."""
        for (kind, name), seconds in other.items():
            self.add(kind, name, seconds)

    def of(self, kind: str) -> dict[str, float]:
        """The figures of one kind, by name."""
        return {name: seconds for (k, name), seconds in self.seconds.items() if k == kind}
