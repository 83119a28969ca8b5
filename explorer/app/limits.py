"""A process-wide bound on heavy work, so a few large requests cannot starve a lecture hall.

One Streamlit process runs every viewer's script in a thread of its own. Work
that takes about a second (a 256-unit network over hundreds of steps, a wide
deep network) holds a core for that second; three viewers asking for such
settings with fresh seeds, again and again, would hold both cores of a small
server while everyone else's slider waits. Every cached computation whose
settings say they are ``heavy`` therefore runs under one shared
:class:`WorkLimiter`: at most :data:`HEAVY_SLOTS` of them at a time, and light
work never waits for the limiter at all. A cache hit does not take a slot
either: the limit wraps the computation inside ``st.cache_data``, which runs
only on a miss. The others queue (their viewers see the figure's spinner), and
the queue is fair between viewers: a free slot goes to the viewer who has used
the least heavy time lately, so one student's large figure is not stuck behind
the stream of requests a few others keep sending.

Each page's caps (``RNN_WORK`` and the like in its ``reading.py``) bound how
long one slot is held; this module bounds how many are held at once, and for how
much of the time: the slots share a budget of :data:`HEAVY_SHARE` of their time
(a token bucket that holds :data:`HEAVY_BURST_S` seconds). A viewer who opens one
large page is served at once from the bucket; a stream of large requests from a
few viewers (or a hostile link) is slowed to that share, so the server's own
interpreter, which draws every heavy figure's chart, stays free for the room.

Holding a slot is not enough on its own: a heavy computation running in a thread
of the server still takes its share of the one Python interpreter, so every other
viewer's rerun slowed down while it ran (measured with ``python -m bench.load
--isolation``). Heavy computations therefore run in a
:class:`~explorer.worker.HeavyWorker`: a separate process per slot, started
with the server, at a lower CPU priority than the server. The server's thread
waits for the answer without holding the interpreter, and the maths runs on
whatever CPU the server's own threads leave. A computation whose function or
arguments cannot be sent to another process (a progress callback, a closure)
runs in the server's thread as before, and so does everything when
``GE_HEAVY_WORKER`` is ``thread``.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context import get_run_yield_check

from explorer.env import env_choice, env_int
from explorer.worker import HeavyWorker

F = TypeVar("F", bound=Callable[..., Any])


def _slots_from_env(default: int = 1) -> int:
    """``GE_HEAVY_SLOTS`` from the environment (a positive integer), else ``default``."""
    return env_int("GE_HEAVY_SLOTS", default, low=1)


SLOW_S = 2.0
"""A heavy computation that waits or holds its slot longer than this (seconds) is logged, named."""

HEAVY_SLOTS = _slots_from_env()
"""Heavy computations allowed at once in one process (``GE_HEAVY_SLOTS``; 1 on a 2-core server)."""


def _share_from_env(default: int = 50) -> float:
    """``GE_HEAVY_SHARE`` (a percentage, 1-100) from the environment, else ``default``, as a fraction."""
    return env_int("GE_HEAVY_SHARE", default, low=1, high=100) / 100


HEAVY_SHARE = _share_from_env()
"""Long-run share of the heavy slots' time that heavy work may hold them (``GE_HEAVY_SHARE``, percent).

At 50 %, three viewers who keep asking for the largest settings get one heavy-work
core for half the time; the other half, the server draws nobody's heavy charts."""

HEAVY_BURST_S = 3.0
"""Seconds of heavy work the budget holds when it is full: about two whole large pages, served at full speed."""

USAGE_HALF_LIFE_S = 30.0
"""How fast a viewer's past heavy work is forgiven: its weight halves every this many seconds."""

MAX_OWNERS = 1000
"""Viewers whose recent heavy work is remembered at most (the least recent are forgotten first)."""


class WorkLimiter:
    """A counting semaphore that serves its queue fairly and reports its holders now and at most.

    When every slot is taken, the next free one goes to the waiting computation
    whose ``owner`` (a viewer's session) has used the least heavy time lately
    (held seconds, halving every :data:`USAGE_HALF_LIFE_S`); among equals, the one
    that asked first. So a viewer who asks for one large figure is served after
    the computation running now, however many requests a few others keep queuing.
    """

    def __init__(self, slots: int, half_life_s: float = USAGE_HALF_LIFE_S, share: float = 1.0,
                 burst_s: float = HEAVY_BURST_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.slots = int(slots)
        self.half_life_s = float(half_life_s)
        self.share = float(share)
        """Long-run fraction of the slots' time that may be held (1: no budget)."""
        self.burst_s = float(burst_s)
        self._clock = clock
        self._budget = (self.burst_s, clock())  # (seconds of slot time left, as of this time)
        self.throttled = 0
        """Computations that found a free slot but waited for the budget to refill."""
        self._draining = 0  # slots held by budgeted work
        self._lock = threading.Condition()
        self._free = self.slots
        self._queue: list[tuple[float, int]] = []  # (owner's usage when it asked, ticket): a heap
        self._tickets = itertools.count()
        self._usage: dict[Any, tuple[float, float]] = {}  # owner -> (held seconds, as of this time)
        self.active = 0
        self.peak = 0
        self.waiting = 0
        """Computations queued for a slot right now."""

    def usage(self, owner: Any, now: float | None = None) -> float:
        """``owner``'s held seconds, each weighted by ``2^(-age / half_life_s)``."""
        with self._lock:
            return self._usage_at(owner, self._clock() if now is None else now)

    def budget(self, now: float | None = None) -> float:
        """Seconds of slot time the budget holds now (negative: in debt; at most ``burst_s``)."""
        with self._lock:
            return self._budget_at(self._clock() if now is None else now)

    def _budget_at(self, now: float) -> float:
        """The budget refills at ``share × slots`` and drains at 1 per budgeted slot held, between two changes."""
        if self.share >= 1.0:
            return self.burst_s
        left, since = self._budget
        return min(self.burst_s, left + (self.share * self.slots - self._draining) * max(0.0, now - since))

    def _advance(self, now: float) -> None:
        """Bring the budget up to ``now`` (call before the number of budgeted holders changes)."""
        self._budget = (self._budget_at(now), now)

    def _usage_at(self, owner: Any, now: float) -> float:
        held, since = self._usage.get(owner, (0.0, now))
        return held * 0.5 ** ((now - since) / self.half_life_s)

    def _charge(self, owner: Any, seconds: float, now: float) -> None:
        self._usage[owner] = (self._usage_at(owner, now) + seconds, now)
        if len(self._usage) > MAX_OWNERS:
            oldest = min(self._usage, key=lambda o: self._usage[o][1])
            del self._usage[oldest]

    @contextlib.contextmanager
    def slot(self, name: str = "", owner: Any = None, budgeted: bool = True) -> Iterator[None]:
        """Hold one slot for the duration of the block (waits, fairly, while all are taken).

        ``owner`` says whose work this is (None: nobody's in particular). Work that is
        not ``budgeted`` (the server's own warm-up) neither waits for the budget nor
        spends it; it still queues fairly for a slot. A wait or
        a hold longer than :data:`SLOW_S` is logged with ``name``, so a server's log
        says which settings kept a room waiting.
        """
        asked = time.perf_counter()
        with self._lock:
            entry = (self._usage_at(owner, self._clock()), next(self._tickets))
            heapq.heappush(self._queue, entry)
            self.waiting += 1
            throttled = False
            try:
                while True:
                    if not (self._free > 0 and self._queue[0] == entry):
                        self._lock.wait()
                        continue
                    left = self._budget_at(self._clock())
                    if left > 0 or not budgeted:
                        break
                    throttled = True  # first in line with a slot free: wait for the budget to refill
                    self._lock.wait(min(0.25, 0.001 - left / (self.share * self.slots)))
            except BaseException:
                self._queue.remove(entry)
                heapq.heapify(self._queue)
                self.waiting -= 1
                self._lock.notify_all()
                raise
            heapq.heappop(self._queue)
            self.waiting -= 1
            self.throttled += throttled
            self._free -= 1
            self._advance(self._clock())
            self._draining += budgeted
            self.active += 1
            self.peak = max(self.peak, self.active)
            queued = self.waiting
            self._lock.notify_all()  # the next in line may take another free slot
        got, started = time.perf_counter(), self._clock()
        try:
            yield
        finally:
            with self._lock:
                now = self._clock()
                self._advance(now)
                self._draining -= budgeted
                self.active -= 1
                self._free += 1
                self._charge(owner, now - started, now)
                self._lock.notify_all()
            held = time.perf_counter() - got
            if got - asked > SLOW_S or held > SLOW_S:
                _LOG.warning("heavy work %s waited %.1f s for a slot, held it %.1f s (%d queued behind it)",
                             name or "?", got - asked, held, queued)


_LOG = logging.getLogger("explorer.limits")

HEAVY_WORK = WorkLimiter(HEAVY_SLOTS, share=HEAVY_SHARE)
"""The one limiter every heavy cached computation of the process shares."""


def _worker_mode_from_env(default: str = "process") -> str:
    """``GE_HEAVY_WORKER`` (``process`` or ``thread``), else ``default``."""
    return env_choice("GE_HEAVY_WORKER", default, ("process", "thread"))


WORKER_MODE = _worker_mode_from_env()
"""Where heavy computations run: ``process`` (a :class:`HeavyWorker`) or ``thread`` (``GE_HEAVY_WORKER``)."""

HEAVY_WORKER = HeavyWorker(HEAVY_SLOTS, WORKER_MODE)
"""The worker processes every heavy cached computation of the process is sent to."""


WARM_UP = "warm-up"
"""The owner every heavy computation of the server's own warm-up sessions is counted to."""

_WARM_UP_SESSIONS: set[str] = set()
_WARM_UP_LOCK = threading.Lock()


def mark_warm_up(session_id: str, on: bool = True) -> None:
    """Count ``session_id`` as one of the warm-up's own sessions (``on``), or no longer.

    The warm-up (:mod:`explorer.app.warmup`) marks each session it opens before its
    run starts, and unmarks it when it closes it, so at most one is marked at a time.
    Their heavy work is all one owner's, :data:`WARM_UP`: as its usage grows, every
    viewer's heavy computation is served before the warm-up's next one. It does not
    spend the heavy-work budget, which is there to share the slot among viewers.
    """
    with _WARM_UP_LOCK:
        (_WARM_UP_SESSIONS.add if on else _WARM_UP_SESSIONS.discard)(session_id)


def _viewer() -> str | None:
    """The session of the viewer whose script is running in this thread (None outside a script run).

    Every warm-up session is the one owner :data:`WARM_UP`.
    """
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return None
    with _WARM_UP_LOCK:
        return WARM_UP if ctx.session_id in _WARM_UP_SESSIONS else ctx.session_id


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
        owner = _viewer()
        with RUNS.released(), limiter.slot(getattr(fn, "__qualname__", ""), owner=owner, budgeted=owner != WARM_UP):
            return (worker or HEAVY_WORKER).run(fn, *args, **kwargs)

    return run  # type: ignore[return-value]


RUN_SLOTS = env_int("GE_RUN_SLOTS", 4, low=0)
"""Script runs (page runs and figure reruns) the process executes at once (``GE_RUN_SLOTS``; 0: no limit)."""

RUN_WAIT_S = 5.0
"""Longest a run waits for a slot before it goes ahead anyway, so nothing can hold the room for longer."""


class RunGate:
    """At most ``slots`` script runs of the process at once; the others wait in order of arrival.

    Every viewer's run is a thread of the one interpreter, so a hundred runs at once
    are no faster than four: they share the same interpreter lock, and each holds its
    own copies of its cached results and chart data meanwhile. Under a 100-viewer load
    the server had up to 150 runs in flight, and its memory peaked with them. With the
    gate, the runs beyond ``slots`` wait before they start, holding nothing. Waiting
    is in order of arrival (a semaphore's waiters are woken first come, first served),
    and a waiting run still notices that its viewer moved on (Streamlit's own stop
    check, as its cache locks use), so it stops instead of queueing for a stale view.

    A figure's rerun inside a page run holds the page's slot (the gate is re-entrant
    per thread). A run gives its slot up while it waits for heavy work
    (:meth:`released`): the worker computes, and light runs use the interpreter
    meanwhile. A run that has waited :data:`RUN_WAIT_S` goes ahead without a slot,
    so a stuck run can delay the others by at most that long (:attr:`overrun` counts it).
    """

    def __init__(self, slots: int = RUN_SLOTS, wait_s: float = RUN_WAIT_S, poll_s: float = 0.05) -> None:
        self.slots = int(slots)
        self.wait_s = float(wait_s)
        self.poll_s = float(poll_s)
        self._free = threading.Semaphore(self.slots) if self.slots > 0 else None
        self._local = threading.local()
        self._count_lock = threading.Lock()
        self.waited = 0
        """Runs that found every slot taken and waited."""
        self.overrun = 0
        """Runs that waited :attr:`wait_s` and went ahead without a slot."""

    def _held(self) -> int:
        return getattr(self._local, "depth", 0)

    def _acquire(self) -> bool:
        """Take a slot (True), or give up after :attr:`wait_s` (False); raises if the run is stopped meanwhile."""
        assert self._free is not None
        if self._free.acquire(blocking=False):
            return True
        with self._count_lock:
            self.waited += 1
        check = get_run_yield_check()
        deadline = time.monotonic() + self.wait_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                with self._count_lock:
                    self.overrun += 1
                return False
            if self._free.acquire(timeout=min(self.poll_s, left)):
                if check is not None:
                    try:
                        check()  # the viewer moved on while this run waited: stop it now
                    except BaseException:
                        self._free.release()
                        raise
                return True
            if check is not None:
                check()

    def _give_back(self) -> None:
        if getattr(self._local, "owns", False):
            self._local.owns = False
            self._free.release()

    @contextlib.contextmanager
    def run(self) -> Iterator[None]:
        """Hold a slot for the block (at once if this thread already holds one)."""
        depth = self._held()
        if self._free is None or depth:
            self._local.depth = depth + 1
            try:
                yield
            finally:
                self._local.depth = depth
            return
        self._local.owns = self._acquire()
        self._local.depth = 1
        try:
            yield
        finally:
            self._local.depth = 0
            self._give_back()

    def gated(self, fn: F) -> F:
        """``fn`` run under :meth:`run`."""
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self.run():
                return fn(*args, **kwargs)

        return run  # type: ignore[return-value]

    @contextlib.contextmanager
    def released(self) -> Iterator[None]:
        """Give this thread's slot up for the block (while it waits for heavy work), and take one again after."""
        depth = self._held()
        if self._free is None or not depth:
            yield
            return
        self._give_back()
        self._local.depth = 0
        try:
            yield
        finally:
            self._local.depth = depth
            self._local.owns = self._acquire()


RUNS = RunGate()
"""The gate every script run of the process passes (the router and every figure's fragment)."""
