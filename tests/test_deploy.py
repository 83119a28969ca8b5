"""Deployment files: server settings, Dockerfile, Kubernetes manifests, and a real HAProxy cluster.

The parsing tests assert the settings that matter for a lecture hall on one link (a pinned
base image, a non-root user, health checks on ``/_stcore/health``, cookie affinity rather
than IP hashing, websocket timeouts of at least an hour). The last test starts two
``streamlit run`` processes behind Debian's HAProxy on loopback, with the configuration
rendered from ``deploy/haproxy.cfg.in``, and drives eight simulated viewers through it.
Docker is not run here: the Dockerfile is checked by reading it.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import shlex
import subprocess
import tomllib
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from bench import cluster as cluster_kit
from tests.conftest import run_coroutine

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
HEALTH = "/_stcore/health"
AFFINITY_COOKIE = "SERVERID"


def haproxy_binary() -> str:
    """HAProxy's path; fails in CI (tests/run.sh installs it), skips elsewhere."""
    found = cluster_kit.haproxy_binary()
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("/usr/sbin/haproxy is missing in CI: tests/run.sh installs Debian's haproxy with apt-get")
    pytest.skip("haproxy not installed (tests/run.sh installs it: apt-get install haproxy)")


def _flat(table: dict, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


@pytest.fixture(scope="module")
def streamlit_config() -> dict[str, object]:
    with open(ROOT / ".streamlit" / "config.toml", "rb") as f:
        return _flat(tomllib.load(f))


def test_config_keys_are_streamlit_options(streamlit_config):
    from streamlit import config

    known = set(config.get_config_options())
    unknown = sorted(set(streamlit_config) - known)
    assert not unknown, f"not options of the installed Streamlit: {unknown}"


def test_config_public_link_settings(streamlit_config):
    c = streamlit_config
    assert c["server.enableXsrfProtection"] is True
    assert c["server.enableCORS"] is True, "XSRF protection without CORS accepts websockets from any origin"
    assert c["global.developmentMode"] is False
    assert c["server.runOnSave"] is False
    assert c["server.fileWatcherType"] == "none"
    assert c["server.enableStaticServing"] is False
    assert c["client.toolbarMode"] == "minimal"
    assert c["client.showErrorDetails"] == "none"
    assert 1 <= c["server.maxMessageSize"] < 200, "a message size cap below Streamlit's default"
    assert c["server.maxUploadSize"] <= 1
    assert c["browser.gatherUsageStats"] is False
    assert c["theme.base"] == "light", "the projector theme is kept"


def test_every_config_setting_has_a_reason():
    """Each server/global/client setting has a comment above it (a run of settings may share one)."""
    section, reasoned, missing = "", False, []
    for line in (ROOT / ".streamlit" / "config.toml").read_text().splitlines():
        s = line.strip()
        if not s:
            reasoned = False
        elif s.startswith("["):
            section, reasoned = s.strip("[]"), False
        elif s.startswith("#"):
            reasoned = True
        elif section in {"server", "global", "client"} and not reasoned:
            missing.append(f"{section}.{s.split('=')[0].strip()}")
    # A developer convenience kept from before, not a hosting setting.
    assert [m for m in missing if m != "global.disableWidgetStateDuplicationWarning"] == []


# --------------------------------------------------------------------------- Dockerfile
def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    out, pending = [], ""
    for raw in (ROOT / "Dockerfile").read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        word, _, rest = line.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def test_dockerfile_settings():
    ins = dockerfile_instructions()
    froms = [a for i, a in ins if i == "FROM"]
    assert len(froms) == 1
    assert re.fullmatch(r"python:3\.12\.\d+-slim(-[a-z]+)?(@sha256:[0-9a-f]{64})?", froms[0]), froms[0]

    users = [a for i, a in ins if i == "USER"]
    assert users, "the image must not run as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert [i for i, _ in ins].index("USER") > max(n for n, (i, _) in enumerate(ins) if i == "RUN"), \
        "USER comes after every RUN"

    assert ("EXPOSE", "8501") in ins
    health = [a for i, a in ins if i == "HEALTHCHECK"]
    assert len(health) == 1 and "http://127.0.0.1:8501/_stcore/health" in health[0]
    assert "curl" not in health[0] and "urllib" in health[0]

    runs = " ".join(a for i, a in ins if i == "RUN")
    assert "-r requirements.txt" in runs
    assert not any("requirements-dev" in a for _, a in ins), "no test tools in the image"

    cmd = json.loads(next(a for i, a in ins if i == "CMD"))
    assert cmd == ["streamlit", "run", "streamlit_app.py", "--server.port", "8501", "--server.address", "0.0.0.0"]


def test_dockerignore_keeps_out_everything_but_the_app():
    lines = [s.strip() for s in (ROOT / ".dockerignore").read_text().splitlines()]
    rules = [s for s in lines if s and not s.startswith("#")]
    assert rules[0] == "*", "an allow-list: exclude everything first"
    allowed = {r[1:].rstrip("/") for r in rules if r.startswith("!")}
    for kept_out in ("tests", "bench", ".git", "artifacts", "requirements-dev.txt", "docs", "deploy"):
        assert kept_out not in allowed
    assert ".streamlit/secrets.toml" in rules
    copied = [shlex.split(a)[0] for i, a in dockerfile_instructions() if i == "COPY"]
    for src in copied:
        assert src.rstrip("/") in allowed, f"COPY {src} is excluded by .dockerignore"
        assert (ROOT / src).exists(), src


# --------------------------------------------------------------------------- Kubernetes
@pytest.fixture(scope="module")
def manifests() -> dict[str, dict]:
    yaml = pytest.importorskip("yaml")
    docs = {}
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                assert doc["kind"] not in docs, f"two {doc['kind']} manifests"
                docs[doc["kind"]] = doc
    assert {"Deployment", "Service", "Ingress"} <= set(docs)
    return docs


def test_deployment_probes_resources_security(manifests):
    dep = manifests["Deployment"]
    pod = dep["spec"]["template"]["spec"]
    assert dep["spec"]["selector"]["matchLabels"].items() <= dep["spec"]["template"]["metadata"]["labels"].items()
    (container,) = pod["containers"]
    assert any(p["containerPort"] == 8501 for p in container["ports"])
    for probe in ("readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert get["path"] == HEALTH and get["port"] == 8501, probe
    res = container["resources"]
    for kind in ("requests", "limits"):
        assert _cpu(res[kind]["cpu"]) == pytest.approx(1.0), "one Streamlit process uses about one core"
        assert _bytes(res[kind]["memory"]) >= 512 * 2**20
    sec = pod["securityContext"]
    assert sec["runAsNonRoot"] is True and sec["runAsUser"] != 0
    assert container["securityContext"]["allowPrivilegeEscalation"] is False


def test_service_targets_the_pods(manifests):
    svc, dep = manifests["Service"], manifests["Deployment"]
    assert svc["spec"]["selector"].items() <= dep["spec"]["template"]["metadata"]["labels"].items()
    (port,) = svc["spec"]["ports"]
    (container,) = dep["spec"]["template"]["spec"]["containers"]
    names_of_8501 = [p.get("name") for p in container["ports"] if p["containerPort"] == 8501]
    assert port["targetPort"] in (8501, *names_of_8501)


def test_ingress_cookie_affinity_and_websocket_timeouts(manifests):
    ing = manifests["Ingress"]
    a = ing["metadata"]["annotations"]
    p = "nginx.ingress.kubernetes.io/"
    assert a[p + "affinity"] == "cookie"
    assert a[p + "affinity-mode"] == "persistent"
    assert a[p + "session-cookie-name"]
    assert int(a[p + "proxy-read-timeout"]) >= 3600
    assert int(a[p + "proxy-send-timeout"]) >= 3600
    assert not any("upstream-hash-by" in k for k in a), "no hashing of the client address"
    backend = ing["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == manifests["Service"]["metadata"]["name"]
    assert backend["port"].get("name") == manifests["Service"]["spec"]["ports"][0]["name"]


def _cpu(q) -> float:
    q = str(q)
    return int(q[:-1]) / 1000 if q.endswith("m") else float(q)


def _bytes(q) -> int:
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    q = str(q)
    return int(q[:-2]) * units[q[-2:]] if q[-2:] in units else int(q)


# --------------------------------------------------------------------------- HAProxy config
def _rendered(ports=(8501, 8502), bind="127.0.0.1:8080", sock="/tmp/ge-test.sock") -> str:
    return cluster_kit.haproxy_config_module().render(bind=bind, stats_socket=sock, ports=ports)


def _directives(cfg: str) -> list[str]:
    return [" ".join(line.split()) for line in cfg.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_haproxy_template_affinity_websocket_health():
    d = _directives(_rendered(ports=(8501, 8502, 8503)))
    assert "cookie SERVERID insert indirect nocache httponly" in d
    for n, port in enumerate((8501, 8502, 8503), start=1):
        assert f"server s{n} 127.0.0.1:{port} cookie s{n}" in d
    assert "timeout tunnel 1h" in d
    assert "mode http" in d
    assert "http-check send meth GET uri /_stcore/health" in d
    assert any(x.startswith("default-server check") for x in d)
    balances = [x for x in d if x.startswith("balance ")]
    assert balances in (["balance roundrobin"], ["balance leastconn"]), balances
    assert not any(x.startswith(("hash-type", "stick on src", "stick-table")) for x in d), "no IP affinity"
    assert not any(x.startswith("option http-server-close") or x == "option httpclose" for x in d)


def test_haproxy_config_is_valid(tmp_path):
    haproxy = haproxy_binary()
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(_rendered(sock=str(tmp_path / "haproxy.sock")))
    r = subprocess.run([haproxy, "-c", "-f", str(cfg)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr


def test_run_cluster_script_parses_and_stops_what_it_starts():
    script = DEPLOY / "run-cluster.sh"
    subprocess.run(["bash", "-n", str(script)], check=True, timeout=30)
    text = script.read_text()
    assert "trap stop_all EXIT" in text and "trap 'exit 130' INT" in text
    assert "--server.address 127.0.0.1" in text
    assert "deploy/haproxy_config.py" in text


# --------------------------------------------------------------------------- the real cluster
VIEWERS = 8
RERUNS = 2
IO_TIMEOUT = 60.0


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    haproxy_binary()  # fails in CI, skips elsewhere, when HAProxy is missing
    with cluster_kit.HAProxyCluster(2, log_dir=tmp_path_factory.mktemp("cluster")) as c:
        yield c


def http_get(port: int, path: str, cookies: dict[str, str]) -> tuple[int, bytes, SimpleCookie]:
    """One GET through the proxy as a browser sends it; returns the cookies it was given."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=IO_TIMEOUT)
    try:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        body = r.read()
        jar = SimpleCookie()
        for value in r.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        return r.status, body, jar
    finally:
        conn.close()


@dataclass
class Viewer:
    """A browser tab: the page, its websocket, reruns, one reconnect; what it saw."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    affinity: list[str] = field(default_factory=list)  # every SERVERID value handed to this viewer
    session_ids: list[str] = field(default_factory=list)  # one per run
    statuses: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    page_script_hash: str = ""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def get(self, path: str) -> bytes:
        status, body, jar = await asyncio.to_thread(http_get, self.port, path, dict(self.cookies))
        assert status == 200, (path, status)
        for name, morsel in jar.items():
            self.cookies[name] = morsel.value
            if name == AFFINITY_COOKIE:
                self.affinity.append(morsel.value)
        return body

    async def connect(self, session_id: str = ""):
        import websockets

        xsrf = self.cookies.get("_streamlit_xsrf", "PLACEHOLDER_AUTH_TOKEN")
        protocols = ["streamlit", xsrf, *([session_id] if session_id else [])]
        return await websockets.connect(
            self.base.replace("http://", "ws://") + "/_stcore/stream",
            subprotocols=protocols, origin=self.base, proxy=None, ping_interval=None, max_size=2**27,
            open_timeout=IO_TIMEOUT,
            additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())},
        )

    async def run(self, ws, *, first: bool) -> None:
        """Send ``rerun_script`` as the browser does; read until the run finishes."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        rs = msg.rerun_script
        rs.query_string = ""
        rs.widget_states.SetInParent()
        if first:
            rs.page_name = ""
        else:
            rs.page_script_hash = self.page_script_hash
        ci = rs.context_info
        ci.timezone, ci.timezone_offset, ci.locale = "UTC", 0, "en-US"
        ci.url, ci.is_embedded, ci.color_scheme = self.base + "/", False, "light"
        await ws.send(msg.SerializeToString())

        finished = ForwardMsg.ScriptFinishedStatus
        done = {finished.Value("FINISHED_SUCCESSFULLY"), finished.Value("FINISHED_WITH_COMPILE_ERROR")}
        session_id = ""
        for _ in range(10_000):  # bounded: a page is a few hundred messages
            frame = await asyncio.wait_for(ws.recv(), IO_TIMEOUT)
            assert isinstance(frame, bytes), "the server sent a text frame"
            fm = ForwardMsg.FromString(frame)
            kind = fm.WhichOneof("type")
            if kind == "new_session":
                session_id = fm.new_session.initialize.session_id
            elif kind == "navigation":
                self.page_script_hash = fm.navigation.page_script_hash
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                if fm.delta.new_element.WhichOneof("type") == "exception":
                    self.errors.append(fm.delta.new_element.exception.message)
            elif kind == "script_finished" and fm.script_finished in done:
                self.statuses.append(finished.Name(fm.script_finished))
                self.session_ids.append(session_id)
                return
        raise AssertionError("run did not finish within 10 000 messages")

    async def visit(self, all_open: asyncio.Event, release: asyncio.Event, opened: list) -> None:
        await self.get("/")  # the page: HAProxy's response carries SERVERID=sN
        ws = await self.connect()
        try:
            await self.run(ws, first=True)
            for _ in range(RERUNS):
                await self.run(ws, first=False)
        finally:
            await ws.close()
        # The socket dropped (a lecture hall's Wi-Fi): the browser reconnects with its
        # session id, which only the process holding the session can resume. As the
        # browser does, it first pings the health endpoint (through the same proxy, with
        # its affinity cookie) and opens the new socket only once the server answers.
        await self.get(HEALTH)
        ws = await self.connect(session_id=self.session_ids[0])
        try:
            await self.run(ws, first=False)
            await self.get(HEALTH)  # any later request keeps the cookie it has
            opened.append(self)
            if len(opened) == VIEWERS:
                all_open.set()
            await asyncio.wait_for(release.wait(), IO_TIMEOUT * 2)
        finally:
            await ws.close()


async def _drive(cluster: cluster_kit.HAProxyCluster) -> tuple[list[Viewer], dict[str, dict[str, str]]]:
    viewers = [Viewer(cluster.port) for _ in range(VIEWERS)]
    all_open, release, opened = asyncio.Event(), asyncio.Event(), []

    async def stagger(i: int, v: Viewer):
        await asyncio.sleep(0.1 * i)  # arrivals a moment apart, as a class opening a link
        await v.visit(all_open, release, opened)

    tasks = [asyncio.create_task(stagger(i, v)) for i, v in enumerate(viewers)]
    try:
        waiter = asyncio.create_task(all_open.wait())
        await asyncio.wait([waiter, *tasks], timeout=IO_TIMEOUT * 2, return_when=asyncio.FIRST_COMPLETED)
        for t in tasks:
            if t.done() and t.exception():
                raise t.exception()
        assert all_open.is_set(), f"only {len(opened)} of {VIEWERS} viewers got through"
        # Every viewer holds one open websocket now; HAProxy counts them per process.
        expected = {f"s{n}": sum(v.affinity[0] == f"s{n}" for v in viewers) for n in (1, 2)}
        for _ in range(50):  # bounded: a just-closed GET may still be counted for a moment
            stats = await asyncio.to_thread(cluster_kit.show_stat, cluster.stats_socket)
            if {k: int(stats[k]["scur"]) for k in expected} == expected:
                break
            await asyncio.sleep(0.1)
        release.set()
        await asyncio.wait_for(asyncio.gather(*tasks), IO_TIMEOUT)
        waiter.cancel()
        return viewers, stats
    finally:
        release.set()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


@pytest.mark.timeout(240)
def test_two_processes_behind_haproxy_keep_each_viewer_on_one(cluster):
    status, body, _ = http_get(cluster.port, HEALTH, {})
    assert (status, body.strip()) == (200, b"ok")

    viewers, stats = run_coroutine(_drive(cluster))

    for i, v in enumerate(viewers):
        assert v.errors == [], f"viewer {i}: exception elements {v.errors}"
        assert v.statuses == ["FINISHED_SUCCESSFULLY"] * (2 + RERUNS), f"viewer {i}: {v.statuses}"
        # HAProxy handed out the affinity cookie once and honoured it afterwards.
        assert len(v.affinity) == 1 and v.affinity[0] in {"s1", "s2"}, f"viewer {i}: {v.affinity}"
        # Every run, the reconnect's included, ran in the same Streamlit session, so on
        # the same process: another process would have started a new session.
        assert v.session_ids[0] and set(v.session_ids) == {v.session_ids[0]}, f"viewer {i}: {v.session_ids}"

    assert len({v.session_ids[0] for v in viewers}) == VIEWERS
    per_cookie = {f"s{n}": sum(v.affinity[0] == f"s{n}" for v in viewers) for n in (1, 2)}
    assert per_cookie["s1"] > 0 and per_cookie["s2"] > 0, f"both processes serve viewers: {per_cookie}"
    # While every viewer held its websocket, each process had exactly its cookie's viewers.
    assert {k: int(stats[k]["scur"]) for k in per_cookie} == per_cookie, {k: stats[k]["scur"] for k in per_cookie}
    assert all(int(stats[k]["stot"]) >= per_cookie[k] for k in per_cookie)
