"""The processes heavy computations run in, away from the server's interpreter.

One Streamlit process runs every viewer's script in a thread, and all of those
threads share one Python interpreter. A heavy computation in one of them (a
256-unit network over hundreds of steps) slows every other viewer's rerun for as
long as it runs, even while it waits its turn politely. :class:`HeavyWorker`
sends such a computation to a separate Python process instead and waits for the
answer without holding the interpreter, so the maths runs on another core.

A worker is a plain ``python`` process started on first use with this module's
:func:`serve` loop. It imports :mod:`explorer.sim` (never Streamlit, Altair or
pandas) and then whatever module the function it is sent lives in. Requests and
answers travel as pickles over its standard input and output, one at a time. It
exits when its standard input closes, which is also what happens when the server
that started it exits or is killed.

What cannot be pickled (a closure, a progress callback) is computed in the
calling thread, and so is a request whose worker died; the next request starts a
new worker. Both are counted (:attr:`HeavyWorker.kept`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from explorer import memory
from explorer.env import env_int

__all__ = ["WORKER_PRELOAD", "HeavyWorker", "serve"]

_LOG = logging.getLogger("explorer.worker")

WORKER_PRELOAD = ("explorer.sim",)
"""Modules a worker imports before its first request."""

_ROOT = str(Path(__file__).resolve().parent.parent)
"""The folder that holds the ``explorer`` package (put on a worker's ``sys.path``)."""

_PROTOCOL = pickle.HIGHEST_PROTOCOL

WORKER_NICE = 10
"""How much lower a worker's CPU priority is than its server's (``nice``; ``GE_WORKER_NICE``, 0-19).

With both cores busy, Linux then gives the server's threads (every viewer's light
reruns) about nine times the worker's share, so heavy work uses the CPU the room
leaves idle instead of taking a core from it."""


def _nice_from_env(default: int = WORKER_NICE) -> int:
    return env_int("GE_WORKER_NICE", default, low=0, high=19)


def serve(requests=None, answers=None) -> None:
    """A worker's loop: unpickle ``(fn, args, kwargs)``, pickle back ``(True, result)`` or ``(False, error)``.

    Reads ``requests`` (default: standard input) until it closes. Standard output
    carries the answers only: anything the maths prints goes to standard error.
    """
    if answers is None:
        answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    if requests is None:  # a worker process of its own: lower its priority
        requests = sys.stdin.buffer
        with contextlib.suppress(OSError):
            os.nice(_nice_from_env())
    for name in WORKER_PRELOAD:
        __import__(name)
    while True:
        try:
            fn, args, kwargs = pickle.load(requests)
        except EOFError:
            return
        try:
            answer = (True, fn(*args, **kwargs))
        except Exception as exc:  # sent back and raised in the server's thread
            answer = (False, exc)
        try:
            payload = pickle.dumps(answer, _PROTOCOL)
        except Exception as exc:
            payload = pickle.dumps((False, RuntimeError(f"the worker could not send back its answer: {exc!r}")),
                                   _PROTOCOL)
        answers.write(payload)
        answers.flush()
        del fn, args, kwargs, answer, payload
        memory.release_memory()  # the answer's arrays are freed: hand their pages back


class WorkerDied(RuntimeError):
    """A worker process exited (or was killed) before it answered."""


class _Process:
    """One worker process and its two pipes; one request at a time."""

    def __init__(self) -> None:
        code = f"import sys; sys.path.insert(0, {_ROOT!r}); from explorer.worker import serve; serve()"
        self.proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     close_fds=True)
        self.pid = self.proc.pid

    def call(self, request: bytes) -> Any:
        try:
            self.proc.stdin.write(request)
            self.proc.stdin.flush()
            ok, value = pickle.load(self.proc.stdout)
        except (OSError, EOFError, pickle.UnpicklingError) as exc:
            self.close()
            raise WorkerDied(f"heavy-work process {self.pid} exited with {self.proc.poll()}") from exc
        if not ok:
            raise value
        return value

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self, timeout: float = 5.0) -> None:
        """Close its input (it exits), and kill it if it has not within ``timeout`` seconds."""
        for pipe in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                pipe.close()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class HeavyWorker:
    """Up to ``processes`` worker processes, started on first use, that heavy computations are sent to.

    :meth:`run` is ``fn(*args, **kwargs)`` computed in a worker; an exception
    raised there is raised here. With ``mode="thread"`` every call is computed in
    the calling thread. Callers bound the concurrency (:mod:`explorer.app.limits`
    holds a slot per worker); a call that finds every worker busy starts none and
    waits for one.
    """

    def __init__(self, processes: int = 1, mode: str = "process") -> None:
        self.processes = max(1, int(processes))
        self.mode = mode
        self._idle: queue.LifoQueue[_Process | None] = queue.LifoQueue()
        for _ in range(self.processes):
            self._idle.put(None)  # a place for a process not started yet
        self._lock = threading.Lock()
        self._all: list[_Process] = []
        self.sent = 0
        """Computations answered by a worker process."""
        self.kept = 0
        """Computations run in the calling thread instead (not picklable, or their worker died)."""

    @property
    def pids(self) -> list[int]:
        """Worker processes running now."""
        with self._lock:
            return [p.pid for p in self._all if p.alive()]

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)``, computed in a worker process when it can be."""
        if self.mode != "process":
            return fn(*args, **kwargs)
        try:
            request = pickle.dumps((fn, args, kwargs), _PROTOCOL)
        except Exception:  # a closure, a callback, a lambda: stays in this process
            with self._lock:
                self.kept += 1
            return fn(*args, **kwargs)
        process = self._idle.get()
        try:
            if process is None or not process.alive():
                process = self._spawn()
            try:
                answer = process.call(request)
            except WorkerDied:
                process = None
                _LOG.warning("the heavy-work process died during %s; computing it in the server instead "
                             "(the next one starts a new process)", getattr(fn, "__qualname__", "?"))
                with self._lock:
                    self.kept += 1
                return fn(*args, **kwargs)
            with self._lock:
                self.sent += 1
            return answer
        finally:
            self._idle.put(process)

    def _spawn(self) -> _Process:
        process = _Process()
        with self._lock:
            self._all = [p for p in self._all if p.alive()] + [process]
        return process

    def start(self) -> int:
        """Start the idle worker processes not running yet (without waiting for their imports); how many."""
        if self.mode != "process":
            return 0
        held: list[_Process | None] = []
        with contextlib.suppress(queue.Empty):
            while len(held) < self.processes:
                held.append(self._idle.get_nowait())
        fresh = [p if p is not None and p.alive() else self._spawn() for p in held]
        for p in fresh:
            self._idle.put(p)
        return sum(a is not b for a, b in zip(held, fresh, strict=True))

    def shutdown(self) -> None:
        """Stop every worker process (later calls start new ones)."""
        with self._lock:
            every, self._all = self._all, []
        for process in every:
            process.close()
