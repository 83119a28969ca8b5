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

Holding a slot is not enough on its own: a heavy computation running in a thread
of the server still takes its share of the one Python interpreter, so every other
viewer's rerun slowed down while it ran (measured with ``python -m bench.load
--isolation``). Heavy computations therefore run in a :class:`HeavyWorker`, one
separate process per slot, started on the first heavy miss: the server's thread
waits for the answer without holding the interpreter, and the maths runs on the
other core. The worker imports only :mod:`explorer.sim` and the page's
``reading.py`` (no Streamlit, Altair or pandas). A computation whose function or
arguments cannot be sent to another process (a progress callback, a closure) runs
in the server's thread as before, and so does everything when ``GE_HEAVY_WORKER``
is ``thread``.
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

from explorer.worker import HeavyWorker

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


def _worker_mode_from_env(default: str = "process") -> str:
    """``GE_HEAVY_WORKER`` (``process`` or ``thread``), else ``default``."""
    value = os.environ.get("GE_HEAVY_WORKER", default).strip().lower()
    return value if value in ("process", "thread") else default


WORKER_MODE = _worker_mode_from_env()
"""Where heavy computations run: ``process`` (a :class:`HeavyWorker`) or ``thread`` (``GE_HEAVY_WORKER``)."""

HEAVY_WORKER = HeavyWorker(HEAVY_SLOTS, WORKER_MODE)
"""The worker processes every heavy cached computation of the process is sent to."""


def settings_are_heavy(*args: Any, **kwargs: Any) -> bool:
    """True when any argument is a settings object whose ``heavy`` property is true."""
    return any(getattr(a, "heavy", False) is True for a in (*args, *kwargs.values()))


def limited(fn: F, heavy: Callable[..., bool] | None = None, limiter: WorkLimiter = HEAVY_WORK,
            worker: HeavyWorker | None = None) -> F:
    """``fn`` taking a slot of ``limiter`` whenever ``heavy(*args, **kwargs)`` (default: the settings say so).

    Under the slot, the computation runs in ``worker`` (default :data:`HEAVY_WORKER`).
    """
    is_heavy = heavy or settings_are_heavy

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        if not is_heavy(*args, **kwargs):
            return fn(*args, **kwargs)
        with limiter.slot(getattr(fn, "__qualname__", "")):
            return (worker or HEAVY_WORKER).run(fn, *args, **kwargs)

    return run  # type: ignore[return-value]
