"""N ``streamlit run`` processes behind Debian's HAProxy on loopback, as ``deploy/run-cluster.sh`` runs them.

The HAProxy configuration is rendered from ``deploy/haproxy.cfg.in`` by
``deploy/haproxy_config.py`` (the same file the deployment uses): cookie-based
session affinity, websocket upgrade, health checks on ``/_stcore/health``.
:class:`HAProxyCluster` starts everything, waits until HAProxy's own health
checks see every process UP (bounded), and stops what it started, by PID.
``tests/test_deploy.py`` and ``python -m bench.load --compare-procs`` both use it.
"""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import io
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from bench.server import ROOT, StreamlitServer, free_port

DEPLOY = ROOT / "deploy"
HAPROXY_CANDIDATES = ("/usr/sbin/haproxy", shutil.which("haproxy"))
BACKEND = "streamlit"


def haproxy_binary() -> str | None:
    """Path of an executable HAProxy, or None."""
    for candidate in HAPROXY_CANDIDATES:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def haproxy_config_module():
    """``deploy/haproxy_config.py`` (not a package: loaded from its path)."""
    spec = importlib.util.spec_from_file_location("haproxy_config", DEPLOY / "haproxy_config.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def show_stat(sock_path: str | os.PathLike) -> dict[str, dict[str, str]]:
    """HAProxy's ``show stat`` for the Streamlit backend: svname -> row."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(str(sock_path))
        s.sendall(b"show stat\n")
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    text = b"".join(chunks).decode().lstrip("# ")
    return {row["svname"]: row for row in csv.DictReader(io.StringIO(text)) if row["pxname"] == BACKEND}


class HAProxyCluster:
    """``n`` Streamlit processes and one HAProxy in front of them, all on 127.0.0.1."""

    def __init__(self, n: int = 2, script: str = "streamlit_app.py", *, log_dir: str | os.PathLike | None = None,
                 up_timeout: float = 30.0, env: dict[str, str] | None = None):
        if not 1 <= n <= 8:
            raise ValueError(f"n must be 1..8, got {n}")
        self.n, self.script, self.up_timeout, self.env = n, script, up_timeout, env
        self._tmp = tempfile.TemporaryDirectory(prefix="ge-cluster-")
        self.dir = Path(log_dir) if log_dir else Path(self._tmp.name)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = 0
        self.stats_socket = Path(self._tmp.name) / "haproxy.sock"
        self.servers: list[StreamlitServer] = []
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> HAProxyCluster:
        haproxy = haproxy_binary()
        if haproxy is None:
            raise FileNotFoundError("haproxy not installed (apt-get install haproxy)")
        try:
            for i in range(1, self.n + 1):
                self.servers.append(StreamlitServer(self.script, log_path=self.dir / f"streamlit-{i}.log",
                                                    env=self.env).start())
            self.port = free_port()
            cfg = self.dir / "haproxy.cfg"
            cfg.write_text(haproxy_config_module().render(bind=f"127.0.0.1:{self.port}",
                                                          stats_socket=str(self.stats_socket),
                                                          ports=[s.port for s in self.servers]))
            self._log = open(self.dir / "haproxy.log", "wb")  # noqa: SIM115 - closed in stop()
            self.proc = subprocess.Popen([haproxy, "-db", "-f", str(cfg)], stdout=self._log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            self._wait_up()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_up(self) -> None:
        names = [f"s{i}" for i in range(1, self.n + 1)]
        deadline = time.monotonic() + self.up_timeout
        rows: dict[str, dict[str, str]] = {}
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"haproxy exited with {self.proc.returncode}: "
                                   f"{(self.dir / 'haproxy.log').read_text()}")
            with contextlib.suppress(OSError):
                rows = show_stat(self.stats_socket)
                if all(rows.get(name, {}).get("status") == "UP" for name in names):
                    return
            time.sleep(0.2)
        raise TimeoutError(f"HAProxy never saw every server UP: {rows}")

    def stats(self) -> dict[str, dict[str, str]]:
        return show_stat(self.stats_socket)

    def cpu_seconds(self) -> float:
        """CPU of every Streamlit process together (HAProxy's own is small and not counted)."""
        return sum(s.cpu_seconds() for s in self.servers)

    def stop(self) -> None:
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
        for s in self.servers:
            s.stop()
        self._tmp.cleanup()

    def __enter__(self) -> HAProxyCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
