"""Start and stop a real ``streamlit run`` server on 127.0.0.1, and read its CPU and memory.

::

    with StreamlitServer("streamlit_app.py") as server:
        server.url           # http://127.0.0.1:<free port>
        server.cpu_seconds() # CPU of the server and of its child processes (the heavy-work worker)
        server.rss_bytes()   # RSS of the server and its children, summed
        server.pss_bytes()   # the same, with pages they share counted once (PSS)

The server is started with ``--server.headless true --server.address 127.0.0.1
--browser.gatherUsageStats false --server.fileWatcherType none`` on a free
port, and :meth:`StreamlitServer.start` returns once ``/_stcore/health``
answers ``ok`` (bounded by ``startup_timeout``). :meth:`StreamlitServer.stop`
terminates the process it started (by its PID), then kills it if it has not
exited within a few seconds. CPU is read from ``/proc/PID/stat``, so it has the
kernel's clock-tick resolution (``os.sysconf("SC_CLK_TCK")``, 10 ms here).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

__all__ = ["TRIVIAL_APP", "StreamlitServer", "free_port", "process_tree", "pss_of", "trivial_app"]

ROOT = Path(__file__).resolve().parent.parent

TRIVIAL_APP = (
    "import streamlit as st\n"
    "st.write('hello')\n"
    "st.slider('x', 0, 1_000_000, 0, key='x', bind='query-params')\n"
)
"""The baseline: one line of text and one URL-bound slider, so that it can be moved like a real control."""

_CLK_TCK = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _stat_of(pid: int) -> list[str]:
    """Fields 3... of ``/proc/PID/stat`` (``f[0]`` is the state, ``f[1]`` the parent)."""
    raw = Path(f"/proc/{pid}/stat").read_text()
    return raw[raw.rindex(")") + 2:].split()  # after "pid (comm) "; comm may hold spaces


def process_tree(pid: int) -> list[int]:
    """``pid`` and every living descendant of it (the worker processes a server started)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                children.setdefault(int(_stat_of(int(entry.name))[1]), []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, ()))
    return tree


def pss_of(pid: int) -> int:
    """Proportional set size of one process in bytes: each page it shares divided among its sharers."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def trivial_app():
    """A temporary directory holding the baseline app; yields the script's path."""
    with tempfile.TemporaryDirectory(prefix="ge-trivial-") as d:
        script = Path(d) / "trivial_app.py"
        script.write_text(TRIVIAL_APP)
        yield script


class StreamlitServer:
    """One ``streamlit run`` process on a free loopback port."""

    def __init__(self, script: str | os.PathLike, *, cwd: str | os.PathLike | None = None,
                 port: int | None = None, startup_timeout: float = 60.0, extra_args: tuple[str, ...] = (),
                 log_path: str | os.PathLike | None = None, env: dict[str, str] | None = None):
        self.script = Path(script)
        self.cwd = Path(cwd) if cwd is not None else (ROOT if not self.script.is_absolute() else self.script.parent)
        self.port = port or free_port()
        self.startup_timeout = startup_timeout
        self.extra_args = tuple(extra_args)
        self.log_path = Path(log_path) if log_path else None
        self.env = dict(env or {})
        """Extra environment variables of the server (e.g. ``GE_WARMUP=0``)."""
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        if self.proc is None:
            raise RuntimeError("server not started")
        return self.proc.pid

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "streamlit", "run", str(self.script),
            "--server.port", str(self.port),
            "--server.headless", "true",
            "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
            *self.extra_args,
        ]

    def start(self) -> StreamlitServer:
        env = dict(os.environ, PYTHONUNBUFFERED="1", **self.env)
        if self.log_path:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)  # --server-logs may name a new folder
            self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        out = self._log or subprocess.DEVNULL
        self.proc = subprocess.Popen(self.command(), cwd=self.cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {self.proc.returncode} before it was healthy")
            try:
                with _NO_PROXY.open(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.2)
        raise TimeoutError(f"streamlit not healthy on {self.url} after {self.startup_timeout:.0f} s")

    def stop(self) -> None:
        """Terminate the process this object started, then kill it if it lingers."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_text(self) -> str:
        """What the server has written to its log so far ('' without a log file)."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, text: str, timeout: float = 120.0) -> str | None:
        """The first log line holding ``text``, waiting for it at most ``timeout`` seconds (None if never)."""
        if self.log_path is None:
            raise RuntimeError("the server was started without a log_path")
        deadline = time.monotonic() + timeout
        while True:
            for line in self.log_text().splitlines():
                if text in line:
                    return line
            if time.monotonic() >= deadline or (self.proc is not None and self.proc.poll() is not None):
                return None
            time.sleep(0.25)

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- resources ------------------------------------------------------------------
    def _stat_fields(self) -> list[str]:
        return _stat_of(self.pid)

    def cpu_seconds(self) -> float:
        """CPU seconds of the server (its utime + stime, and its exited children's) and its living children.

        The heavy-work worker (explorer.worker) is a child: its CPU is the server's too.
        """
        f = self._stat_fields()
        # Fields 14-17 of proc(5), counted from 1; f[0] is field 3 (state).
        total = sum(int(x) for x in f[11:15])
        for pid in process_tree(self.pid)[1:]:
            with contextlib.suppress(OSError):
                total += sum(int(x) for x in _stat_of(pid)[11:13])
        return total / _CLK_TCK

    def rss_bytes(self) -> int:
        """RSS of the server and its living children, summed (pages they share count once each)."""
        total = 0
        for pid in process_tree(self.pid):
            with contextlib.suppress(OSError):
                total += int(_stat_of(pid)[21]) * _PAGE  # field 24: rss in pages
        return total

    def pss_bytes(self) -> int:
        """PSS of the server and its living children, summed: shared pages divided among their sharers."""
        total = 0
        for pid in process_tree(self.pid):
            with contextlib.suppress(OSError):
                total += pss_of(pid)
        return total


CLOCK_TICK_S = 1.0 / _CLK_TCK
"""Resolution of :meth:`StreamlitServer.cpu_seconds`."""
