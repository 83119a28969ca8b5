"""A process-wide bound on heavy work, so a few large requests cannot starve a lecture hall.

One Streamlit process runs every viewer's script in a thread of its own. Work
that takes about a second (a 256-unit network over hundreds of steps, a wide
deep network) holds a core for that second; three viewers asking for such
settings with fresh seeds, again and again, would hold both cores of a small
server while everyone else's slider waits. Every cached computation whose
settings say they are ``heavy`` therefore runs under one shared
:class:`WorkLimiter`: at most :data:`HEAVY_SLOTS` of them at a time, the others
queue (their viewers see the figure's spinner), and light work never waits for
the limiter at all. A cache hit does not take a slot either: the limit wraps the
computation inside ``st.cache_data``, which runs only on a miss.

Each page's caps (``RNN_WORK`` and the like in its ``reading.py``) bound how
long one slot is held; this module bounds how many are held at once.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def _slots_from_env(default: int = 1) -> int:
    """``GE_HEAVY_SLOTS`` from the environment (a positive integer), else ``default``."""
    try:
        value = int(os.environ.get("GE_HEAVY_SLOTS", default))
    except ValueError:
        return default
    return value if value >= 1 else default


SLOW_S = 2.0
"""A heavy computation that waits or holds its slot longer than this (seconds) is logged, named."""

HEAVY_SLOTS = _slots_from_env()
"""Heavy computations allowed at once in one process (``GE_HEAVY_SLOTS``; 1 on a 2-core server)."""


class WorkLimiter:
    """A counting semaphore that also reports how many holders it has now and has had at most."""

    def __init__(self, slots: int) -> None:
        self.slots = int(slots)
        self._semaphore = threading.BoundedSemaphore(self.slots)
        self._lock = threading.Lock()
        self.active = 0
        self.peak = 0
        self.waiting = 0
        """Computations queued for a slot right now."""

    @contextlib.contextmanager
    def slot(self, name: str = "") -> Iterator[None]:
        """Hold one slot for the duration of the block (waits while all are taken).

        A wait or a hold longer than :data:`SLOW_S` is logged with ``name``, so a
        server's log says which settings kept a room waiting.
        """
        asked = time.perf_counter()
        with self._lock:
            self.waiting += 1
        try:
            self._semaphore.acquire()
        finally:
            with self._lock:
                self.waiting -= 1
        got = time.perf_counter()
        with self._lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
            queued = self.waiting
        try:
            yield
        finally:
            with self._lock:
                self.active -= 1
            self._semaphore.release()
            held = time.perf_counter() - got
            if got - asked > SLOW_S or held > SLOW_S:
                _LOG.warning("heavy work %s waited %.1f s for a slot, held it %.1f s (%d queued behind it)",
                             name or "?", got - asked, held, queued)


_LOG = logging.getLogger("explorer.limits")

HEAVY_WORK = WorkLimiter(HEAVY_SLOTS)
"""The one limiter every heavy cached computation of the process shares."""


def settings_are_heavy(*args: Any, **kwargs: Any) -> bool:
    """True when any argument is a settings object whose ``heavy`` property is true."""
    return any(getattr(a, "heavy", False) is True for a in (*args, *kwargs.values()))


def limited(fn: F, heavy: Callable[..., bool] | None = None, limiter: WorkLimiter = HEAVY_WORK) -> F:
    """``fn`` taking a slot of ``limiter`` whenever ``heavy(*args, **kwargs)`` (default: the settings say so)."""
    is_heavy = heavy or settings_are_heavy

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        if not is_heavy(*args, **kwargs):
            return fn(*args, **kwargs)
        with limiter.slot(getattr(fn, "__qualname__", "")):
            return fn(*args, **kwargs)

    return run  # type: ignore[return-value]
