"""Render deploy/haproxy.cfg.in for N Streamlit processes (standard library only).

    python3 deploy/haproxy_config.py --bind 0.0.0.0:8080 --stats-socket /tmp/ge.sock 8501 8502

prints the configuration. Server ``sN`` is the N-th port and sets cookie value ``sN``.
deploy/run-cluster.sh and tests/test_deploy.py both use :func:`render`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "haproxy.cfg.in"


def server_lines(ports: Sequence[int], host: str = "127.0.0.1") -> str:
    return "\n".join(f"    server s{i} {host}:{port} cookie s{i}" for i, port in enumerate(ports, start=1))


def render(*, bind: str, stats_socket: str, ports: Sequence[int], host: str = "127.0.0.1",
           template: Path = TEMPLATE) -> str:
    if not ports:
        raise ValueError("at least one Streamlit port is needed")
    text = template.read_text()
    for key, value in (("@BIND@", bind), ("@STATS_SOCKET@", stats_socket),
                       ("@SERVERS@", server_lines(ports, host))):
        if text.count(key) != 1:
            raise ValueError(f"{template} must hold {key} exactly once")
        text = text.replace(key, value)
    return text


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bind", default="0.0.0.0:8080", help="address:port HAProxy listens on")
    p.add_argument("--stats-socket", required=True, help="path of HAProxy's runtime API socket")
    p.add_argument("--host", default="127.0.0.1", help="where the Streamlit processes listen")
    p.add_argument("ports", nargs="+", type=int, help="one port per Streamlit process")
    a = p.parse_args(argv)
    sys.stdout.write(render(bind=a.bind, stats_socket=a.stats_socket, ports=a.ports, host=a.host))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
