"""Warm start: every published link is computed once, in the background, when the server starts.

A lecturer's slide links to scenarios (``/jacobian-bound?jac_case=saturating``);
a class opens such a link within a minute. So the first time the app's modules
load in a server process, a daemon thread opens every page (its default view
and each of its scenario links) as an in-process session of Streamlit's own
runtime, one after another, and closes each session as soon as its run ends.
The runs fill the shared caches (results and chart specs) exactly as a viewer
would, because they *are* ordinary runs of the same scripts; the first student
to open a link then finds it computed.

The sessions have no socket: :class:`_Collector` takes the place of the
browser and only watches for the end of the run. One session at a time, so the
warm-up uses at most one core and a viewer arriving meanwhile is served
alongside it. After the published links come the pages' further settings
(``WARM_QUERIES`` in a page's scenarios: every race of the gated-memory page).
Set ``GE_WARMUP=0`` to switch it all off (measurements of cold caches do), or
``GE_WARMUP=links`` for the published links only (the test-suite's servers).

After the class. During a lecture the caches fill with every viewer's own
settings (bounded per function by ``max_entries`` and ``max_size``). Once the
room has been empty for ``server.disconnectedSessionTTL`` seconds, so that every
closed tab's session has expired, the same thread clears ``st.cache_data``,
hands the freed memory back to the operating system
(:func:`explorer.memory.release_memory`), replaces the heavy-work process
(:mod:`explorer.worker`) by a fresh one, and warms the published links again: the process returns
to its pre-lecture size with the slide links still computed.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from explorer import memory
from explorer.app import limits
from explorer.app.registry import HOME, PAGES

DONE_MESSAGE = "Gradient Explorer warm-up done"
"""Start of the log line the warm-up writes when it has opened every published link."""

SETTINGS_DONE_MESSAGE = "Gradient Explorer warm-up of further settings done"
"""Start of the log line written when the pages' further settings (``WARM_QUERIES``) are computed too."""

RUN_TIMEOUT_S = 120.0
"""Longest one warm-up run may take before the warm-up moves on."""

IDLE_CHECK_S = 10.0
"""How often the warm-up thread looks whether the room is empty."""


def warm_links() -> list[tuple[str, str]]:
    """Every published ``(url_path, query_string)``, opened first: home, each page's default, each scenario link."""
    links = [(HOME.url_path, "")]
    for page in PAGES:
        links.append((page.url_path, ""))
        links.extend((page.url_path, urlencode({page.case_key: s.key})) for s in page.scenarios)
    return links


def further_links() -> list[tuple[str, str]]:
    """Settings a page asks to have computed after the published links (its ``WARM_QUERIES``), in order."""
    return [(page.url_path, query) for page in PAGES for query in page.warm_queries]


@dataclass
class WarmupStatus:
    """What the warm-up did (written by its one thread; read by tests and the log)."""

    done: threading.Event = field(default_factory=threading.Event)
    runs: int = 0
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    clears: int = 0
    """How many times an empty room's caches were cleared and the links warmed again."""


STATUS = WarmupStatus()
_started = threading.Lock()
_once: list[bool] = []


class _Collector:
    """A session client without a socket: it waits for the end of the run and notes exceptions."""

    def __init__(self) -> None:
        self.finished = threading.Event()
        self.exceptions = 0

    def write_forward_msg(self, msg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            if msg.delta.new_element.WhichOneof("type") == "exception":
                self.exceptions += 1
        elif kind == "script_finished":
            from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

            if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                self.finished.set()

    @property
    def client_context(self):
        return None


def _first_run(url_path: str, query: str):
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    r = msg.rerun_script
    r.query_string = query
    r.page_name = url_path
    r.widget_states.SetInParent()  # present even when empty, as a browser sends it
    ci = r.context_info
    ci.timezone, ci.timezone_offset, ci.locale, ci.color_scheme = "UTC", 0, "en-US", "light"
    return msg


def _warm_one(runtime, loop: asyncio.AbstractEventLoop, url_path: str, query: str) -> bool:
    """Open one link as an in-process session, wait for its run, close it. True when it ran cleanly."""
    client = _Collector()

    async def open_session() -> str:  # the runtime's methods must run on its event loop
        session_id = runtime.connect_session(client=client, user_info={})
        limits.mark_warm_up(session_id)  # before its run starts: its heavy work ranks behind every viewer's
        runtime.handle_backmsg(session_id, _first_run(url_path, query))
        return session_id

    async def close_session(session_id: str) -> None:
        runtime.close_session(session_id)
        limits.mark_warm_up(session_id, on=False)

    session_id = asyncio.run_coroutine_threadsafe(open_session(), loop).result(timeout=30)
    try:
        ran = client.finished.wait(RUN_TIMEOUT_S)
    finally:
        asyncio.run_coroutine_threadsafe(close_session(session_id), loop).result(timeout=30)
    return ran and client.exceptions == 0


def _further() -> list[tuple[str, str]]:
    """:func:`further_links`, unless ``GE_WARMUP=links`` asks for the published links only (test servers)."""
    return [] if os.environ.get("GE_WARMUP") == "links" else further_links()


def _warm_links(runtime, loop: asyncio.AbstractEventLoop, log, links=None) -> tuple[int, list[str], float]:
    """Open every link of ``links`` (default: the published ones) once; (runs, failed links, seconds)."""
    t0, runs, failed = time.perf_counter(), 0, []
    for url_path, query in warm_links() if links is None else links:
        try:
            ok = _warm_one(runtime, loop, url_path, query)
        except Exception as exc:  # a stopping server, a timeout: note it and go on
            ok = False
            log.warning("warm-up of /%s?%s stopped: %r", url_path, query, exc)
        runs += 1
        if not ok:
            failed.append(f"/{url_path}?{query}")
    return runs, failed, time.perf_counter() - t0


def _connects(runtime) -> int:
    """Sessions connected or resumed since the server started (Streamlit's own session-event counters)."""
    try:
        stats = runtime.stats_mgr.get_stats(["session_events"]).get("session_events", ())
        return int(sum(s.value for s in stats if s.labels.get("type") in ("connect", "reconnect")))
    except Exception:  # counters missing in another Streamlit version: treat as no visits
        return 0


def _room_is_empty(runtime) -> bool:
    from streamlit.runtime.runtime import RuntimeState

    return runtime.state == RuntimeState.NO_SESSIONS_CONNECTED


def _stopping(runtime) -> bool:
    from streamlit.runtime.runtime import RuntimeState

    return runtime.state in (RuntimeState.STOPPING, RuntimeState.STOPPED)


def _idle_seconds() -> float:
    """How long the room must be empty before its caches are cleared: the session TTL."""
    from streamlit import config

    try:
        return max(30.0, float(config.get_option("server.disconnectedSessionTTL")))
    except (TypeError, ValueError):
        return 120.0


def _warm_all(runtime, loop: asyncio.AbstractEventLoop) -> None:
    import streamlit as st
    from streamlit.logger import get_logger

    log = get_logger("explorer.warmup")
    try:
        STATUS.runs, STATUS.failed, STATUS.seconds = _warm_links(runtime, loop, log)
    finally:
        STATUS.done.set()
        log.info(DONE_MESSAGE + ": %d links in %.1f s, %d failed %s", STATUS.runs, STATUS.seconds,
                 len(STATUS.failed), STATUS.failed)
    runs, failed, seconds = _warm_links(runtime, loop, log, _further())
    log.info(SETTINGS_DONE_MESSAGE + ": %d settings in %.1f s, %d failed %s", runs, seconds, len(failed), failed)
    # After the class: watch for an empty room, then clear, release and warm again.
    # A viewer came (however briefly) when the connect counter moved past the warm-up's own sessions.
    idle = _idle_seconds()
    seen, visited, empty_since = _connects(runtime), False, None
    while not _stopping(runtime):
        time.sleep(IDLE_CHECK_S)
        if not _room_is_empty(runtime) or _connects(runtime) != seen:
            seen, empty_since = _connects(runtime), None
            visited = True
            continue
        if not visited:
            continue
        empty_since = empty_since or time.monotonic()
        if time.monotonic() - empty_since < idle:
            continue
        st.cache_data.clear()
        released = memory.release_memory()
        limits.HEAVY_WORKER.shutdown()  # a fresh worker holds none of the lecture's freed heap
        limits.HEAVY_WORKER.start()
        runs, failed, seconds = _warm_links(runtime, loop, log, warm_links() + _further())
        STATUS.clears += 1
        seen, visited, empty_since = _connects(runtime), False, None
        log.info("Gradient Explorer: the room was empty for %.0f s: caches cleared%s, %d links warmed again "
                 "in %.1f s, %d failed", idle, " and memory released" if released else "", runs, seconds,
                 len(failed))


def start_once() -> bool:
    """Start the warm-up thread if this process runs a Streamlit server and has not started it yet.

    A no-op under AppTest and in plain imports (no running server) and on every call after the
    first. The first call in a server also starts the heavy-work process (:mod:`explorer.worker`),
    even with ``GE_WARMUP=0``, which skips the warm-up itself. Returns whether this call started it.
    """
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return False
    runtime = Runtime.instance()
    if type(runtime) is not Runtime:  # AppTest's stand-in runtime: no server, no sessions to open
        return False
    try:
        loop = runtime._get_async_objs().eventloop  # the runtime's own loop: its session calls must run there
    except RuntimeError:  # not started: not a server
        return False
    with _started:
        if _once:
            return False
        _once.append(True)
    limits.HEAVY_WORKER.start()  # its imports run now, not in the first heavy request
    if os.environ.get("GE_WARMUP", "1") == "0":
        return False
    threading.Thread(target=_warm_all, args=(runtime, loop), name="explorer-warmup", daemon=True).start()
    return True
