"""``python -m bench.load``: a lecture hall on one link. Simulated viewers against a real server.

One ``streamlit run streamlit_app.py`` server (:class:`bench.server.StreamlitServer`)
is driven over its websocket by headless viewers (:mod:`bench.wsclient`), and
then, in the same run and with the same pattern, the trivial one-slider app that
:mod:`bench.interaction` uses as its baseline (:data:`bench.server.TRIVIAL_APP`).
The two servers run one after the other, never at the same time.

Pattern, for each server:

* before the load, every page is opened once by one viewer (imports and
  first-time work: a lecturer opens the link before the class does); that viewer
  also lists each page's URL-bound controls (as :func:`bench.interaction.url_bound_controls`
  does; the scenario picker ``<prefix>_case`` is left out, as its few values
  are precomputed scenarios, not fresh settings); then, alone, it opens every link
  the viewers will open (the single-viewer first load), and :data:`HEAVY_ALONE`
  times the largest settings with fresh seeds, a few seconds apart (how soon the
  heavy page's first figure arrives when nobody else asks for heavy work);
* ``--viewers`` viewers arrive evenly over ``--ramp`` seconds, spread over the
  pages round-robin; each opens its page (first-load latency: from sending the
  first ``rerun_script`` to ``script_finished``);
* then ``--interactions`` times: waits ``--think`` seconds (± 20 % jitter drawn
  from ``--seed``) and moves one of its page's URL-bound controls (cycling
  through them, each viewer starting at a different one) to a value no viewer
  used before in this run, so no cache can answer it; interaction latency is
  from sending that ``rerun_script`` to the final ``script_finished``.
  A page without URL-bound controls (the home page) only opens. The trivial
  app's viewers move its one slider.

Reported per page and overall: latency p50 / p95 / max (nearest rank) for
first loads and interactions; errors (exception elements, ``st.error`` alerts,
dropped sockets, runs that timed out, runs that ended without success, failed
connects); charts whose named datasets were not delivered; completed requests
and script runs (``new_session`` messages, whole-page plus fragment) per second
over the load window; server CPU seconds over the load (``/proc/PID/stat`` of
the server and of its heavy-work worker process); memory of the server and its
worker before the load (after the warm-up), its peak (sampled every 0.5 s) and
after every viewer closed plus ``--after-wait`` seconds, both as summed RSS
(which counts the libraries both processes map twice) and as summed PSS
(``/proc/PID/smaps_rollup``, shared pages divided among their sharers). Streamlit keeps a closed viewer's session for
``server.disconnectedSessionTTL`` seconds (120 in ``.streamlit/config.toml``),
so unless the wait is longer than that, "after" still holds those sessions.
Each latency of the app is also given as a ratio to the trivial app's same
figure (its overall p50 / p95 / max of the same kind).

Isolation (``--isolation``): one server, warmed once, carries the same load
``--rounds`` times without and as often with ``--heavy-viewers`` extra viewers
(default 3) that keep opening the Jacobian page's largest settings with fresh
seeds, alternating (without, with, without, with), each move still to a value
no earlier phase used and each heavy open to a seed no earlier open used
(:func:`next_heavy_seed`). The ratio of the pooled interaction latencies, with ÷
without, is the isolation figure, and each round's ratio is given too: on a
shared machine whose speed drifts over minutes, alternating on one server keeps
that drift out of the ratio better than two servers run one after the other.

Caveat: the viewers run in this process, on one asyncio loop, on the same
2-core machine as the server. A frame's arrival time is taken when the reader
task gets it, so a busy client adds to the latency it measures.

Bounds: every run waits at most ``--run-timeout`` seconds (default 60); each
viewer as a whole is cancelled after ramp + interactions × (1.2 think +
timeout) + timeout + 30 s; traffic goes only to the servers this started on
127.0.0.1, and both are stopped (by PID) on the way out.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import random
import sys
import time
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.interaction import url_bound_controls
from bench.server import _NO_PROXY, ROOT, StreamlitServer, process_tree, trivial_app
from bench.wsclient import ProtocolError, RunResult, Session

__all__ = ["main", "run_load"]

JITTER = 0.20
RSS_SAMPLE_S = 0.5
TRIVIAL = "(trivial app)"


def _page_label(path: str) -> str:
    return path or "(home)"


# --------------------------------------------------------------------------- records
@dataclass
class Run:
    page: str
    viewer: int
    kind: str  # "first" or "move"
    latency_s: float | None
    """None when the run did not complete (timeout, dropped socket, failed connect)."""
    control: str = ""
    fresh: bool = True
    problems: list[str] = field(default_factory=list)
    """Each problem is ``"<category>: <detail>"``; categories are :data:`CATEGORIES`."""
    charts: int = 0
    charts_missing: int = 0
    script_runs: int = 0
    t_end: float = 0.0
    first_chart_s: float | None = None
    query: str = ""


CATEGORIES = ("exception", "error alert", "dropped socket", "timeout", "not finished", "connect", "no control")


def _problems(r: RunResult) -> list[str]:
    out = [f"exception: {e[:160]}" for e in r.exceptions] + [f"error alert: {e[:160]}" for e in r.errors]
    if not r.finished:
        out.append(f"not finished: {r.status_names}")
    return out


def _record(page: str, viewer: int, kind: str, r: RunResult, control: str = "", fresh: bool = True,
            query: str = "") -> Run:
    return Run(page, viewer, kind, r.latency_s, control, fresh, _problems(r), len(r.charts),
               sum(1 for c in r.charts if not c.ok), r.whole_page_runs + r.fragment_runs, time.perf_counter(),
               r.first_chart_s, query)


def _failure(page: str, viewer: int, kind: str, exc: BaseException, control: str = "") -> Run:
    text = str(exc)
    if isinstance(exc, ProtocolError) and "did not finish" in text:
        cat = "timeout"
    elif isinstance(exc, ProtocolError) and "dropped" in text:
        cat = "dropped socket"
    elif isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
        cat = "timeout"
    elif kind == "first":
        cat = "connect"
    else:
        cat = "dropped socket"
    return Run(page, viewer, kind, None, control, True, [f"{cat}: {type(exc).__name__}: {text[:160]}"],
               t_end=time.perf_counter())


# --------------------------------------------------------------------------- viewers
@dataclass
class PagePlan:
    path: str
    prefix: str
    controls: list[str]
    links: list[str] = field(default_factory=lambda: [""])
    """Query strings the page's viewers open, in turn: its scenario links (a slide's links), or ``""``."""


HEAVY_PAGE = "jacobian-bound"
HEAVY_QUERIES = ("jac_n=256&jac_T=1000&jac_seed={seed}",
                 "jac_view=deep&jac_d_depth=100&jac_d_width=512&jac_d_seed={seed}")
"""The largest settings a link can ask for (the recurrent view, then the deep one), each with a fresh seed."""
HEAVY_ALONE = 6
"""Before the load, one viewer alone opens the largest settings this many times (fresh seeds, both views)."""
HEAVY_ALONE_PAUSE_S = 4.0
"""Pause after each of those opens: a page's heavy work (about 1.4 s) is back in the heavy-work budget by then."""


HEAVY_SEEDS = range(5000, 10_001)
"""Seeds the heavy viewers open, each once in a run: the top of the pages' seed range (0-10 000).

A seed outside the range would fall back to the page's default, which the cache
already holds, and the heavy viewer would ask for nothing heavy at all."""


def next_heavy_seed(used: dict[str, list]) -> int | None:
    """The next seed no heavy viewer of this run (``used``, shared by its loads) opened, or None when all were."""
    taken = used.setdefault("(heavy seeds)", [])
    if len(taken) >= len(HEAVY_SEEDS):
        return None
    taken.append(HEAVY_SEEDS[len(taken)])
    return taken[-1]


async def _heavy_viewer(index: int, server_url: str, stop: asyncio.Event, *, run_timeout: float, limit_s: float,
                        runs: list[Run], used: dict[str, list]) -> None:
    """Open the largest settings with a fresh seed, again and again, until ``stop`` (or ``limit_s``)."""
    end = time.perf_counter() + limit_s
    for k in range(len(HEAVY_SEEDS)):  # bounded in count and in time
        seed = next_heavy_seed(used)
        if stop.is_set() or time.perf_counter() > end or seed is None:
            return
        query = HEAVY_QUERIES[(index + k) % len(HEAVY_QUERIES)].format(seed=seed)
        session = Session(server_url, HEAVY_PAGE, query, timeout=run_timeout)
        try:
            runs.append(_record(HEAVY_PAGE, -1 - index, "heavy", await session.connect(), query=query))
        except Exception as exc:
            runs.append(_failure(HEAVY_PAGE, -1 - index, "heavy", exc))
            await asyncio.sleep(1.0)
        finally:
            await session.close()


async def _viewer(index: int, slot: int, server_url: str, plan: PagePlan, *, arrive_at: float, think: float,
                  interactions: int, run_timeout: float, rng: random.Random, used: dict[str, list],
                  runs: list[Run]) -> None:
    await asyncio.sleep(max(0.0, arrive_at - time.perf_counter()))
    query = plan.links[slot % len(plan.links)]
    session = Session(server_url, plan.path, query, timeout=run_timeout)
    try:
        try:
            r = await session.connect()
        except Exception as exc:  # every failure is a reported error
            runs.append(_failure(plan.path, index, "first", exc))
            return
        runs.append(_record(plan.path, index, "first", r, query=query))
        if not plan.controls:
            return
        for k in range(interactions):
            await asyncio.sleep(think * (1 + rng.uniform(-JITTER, JITTER)))
            key, w = "", None
            for j in range(len(plan.controls)):  # the next control this viewer can see
                key = plan.controls[(slot + k + j) % len(plan.controls)]
                with contextlib.suppress(KeyError):
                    w = session.widget(key)
                    break
            if w is None:
                runs.append(Run(plan.path, index, "move", None, key, True,
                                ["no control: none of the page's URL-bound controls is on the viewer's page"],
                                t_end=time.perf_counter()))
                return
            history = used.setdefault(f"{plan.path}:{key}", [])
            value, fresh = w.fresh_value(history)
            history.append(value)
            try:
                r = await session.move(w, value)
            except Exception as exc:
                runs.append(_failure(plan.path, index, "move", exc, key))
                return
            runs.append(_record(plan.path, index, "move", r, key, fresh))
    finally:
        await session.close()


class _RssSampler:
    """The peak of ``read()`` (bytes) every :data:`RSS_SAMPLE_S` seconds, in a task of its own."""

    def __init__(self, read):
        self.read = read
        self.peak = 0
        self.samples = 0
        self._task: asyncio.Task | None = None

    async def _loop(self, limit_s: float) -> None:
        end = time.monotonic() + limit_s
        while time.monotonic() < end:
            with contextlib.suppress(OSError, ValueError):
                self.peak = max(self.peak, self.read())
                self.samples += 1
            await asyncio.sleep(RSS_SAMPLE_S)

    def start(self, limit_s: float) -> None:
        self._task = asyncio.create_task(self._loop(limit_s))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task


def _scenario_links(path: str) -> list[str]:
    """The page's scenario links (``<prefix>_case=<key>``), or ``[""]`` for a page without scenarios."""
    from urllib.parse import urlencode

    from explorer.app.registry import HOME, PAGES

    for page in (HOME, *PAGES):
        if page.url_path == path and page.scenarios:
            return [urlencode({page.case_key: sc.key}) for sc in page.scenarios]
    return [""]


class _Target:
    """What a load is driven against: one server, or a cluster behind HAProxy (same interface)."""

    def __init__(self, server):
        self.server = server
        self.url = server.url
        self.pids = [s.pid for s in getattr(server, "servers", None) or [server]]

    def cpu_seconds(self) -> float:
        return self.server.cpu_seconds()

    def cache_bytes(self) -> int | None:
        """Bytes held by every ``st.cache_data`` of the processes (Streamlit's ``/_stcore/metrics``)."""
        total = 0
        for s in getattr(self.server, "servers", None) or [self.server]:
            try:
                with _NO_PROXY.open(f"{s.url}/_stcore/metrics", timeout=10) as r:
                    text = r.read().decode()
            except OSError:
                return None
            total += sum(int(float(line.rsplit(" ", 1)[1])) for line in text.splitlines()
                         if line.startswith("cache_memory_bytes{") and 'cache_type="st_cache_data"' in line)
        return total

    def _servers(self):
        return getattr(self.server, "servers", None) or [self.server]

    def rss(self) -> int:
        """Summed RSS of the Streamlit processes and their heavy-work workers."""
        return sum(s.rss_bytes() for s in self._servers())

    def pss(self) -> int:
        """The same processes' PSS: what they add to the machine's memory, shared pages counted once."""
        return sum(s.pss_bytes() for s in self._servers())


async def _drive(server, plans: list[PagePlan] | None, pages: list[tuple[str, str]], *,
                 viewers: int, ramp: float, think: float, interactions: int, run_timeout: float,
                 after_wait: float, seed: int, heavy_viewers: int = 0, links: str = "scenario",
                 used: dict[str, list] | None = None) -> dict[str, Any]:
    """One load against ``server``. ``used`` (shared between loads of one server) holds every value moved to."""
    target = _Target(server)
    rss_start, pss_start = target.rss(), target.pss()
    # Before the load: each page once, which also lists its URL-bound controls.
    warm_problems: list[str] = []
    used = {} if used is None else used
    single: list[Run] = []
    if plans is None:
        plans = []
        for path, prefix in pages:
            s = Session(target.url, path, timeout=run_timeout)
            try:
                r = await s.connect()
                warm_problems += [f"{_page_label(path)}: {p}" for p in _problems(r)]
                controls = [w for w in url_bound_controls(s, prefix) if w.user_key != f"{prefix}_case"]
                for w in controls:  # the defaults count as used: a move must miss the cache
                    used.setdefault(f"{path}:{w.user_key or w.query_param_key}", []).append(w.value)
                plans.append(PagePlan(path, prefix, [w.user_key or w.query_param_key for w in controls],
                                      _scenario_links(path) if links == "scenario" else [""]))
            except Exception as exc:
                warm_problems.append(f"{_page_label(path)}: warm-up failed: {exc}")
                plans.append(PagePlan(path, prefix, []))
            finally:
                await s.close()
        warmup = await asyncio.to_thread(_wait_for_warmup, server)
        # One viewer alone opens every link the viewers will open: the single-viewer first load.
        for plan in plans:
            for query in dict.fromkeys(plan.links):
                s = Session(target.url, plan.path, query, timeout=run_timeout)
                try:
                    single.append(_record(plan.path, 0, "single", await s.connect(), query=query))
                except Exception as exc:
                    single.append(_failure(plan.path, 0, "single", exc))
                finally:
                    await s.close()
        # One viewer alone opens the largest settings with fresh seeds, a few seconds apart (a
        # student trying the largest values): how soon the heavy page's first figure arrives
        # when nobody else is asking for heavy work.
        for k in range(HEAVY_ALONE):
            query = HEAVY_QUERIES[k % len(HEAVY_QUERIES)].format(seed=4000 + k)
            s = Session(target.url, HEAVY_PAGE, query, timeout=run_timeout)
            try:
                single.append(_record(HEAVY_PAGE, 0, "heavy-alone", await s.connect(), query=query))
            except Exception as exc:
                single.append(_failure(HEAVY_PAGE, 0, "heavy-alone", exc))
            finally:
                await s.close()
            await asyncio.sleep(HEAVY_ALONE_PAUSE_S)
    else:
        warmup = None
    await asyncio.sleep(1.0)
    sampler, pss_sampler = _RssSampler(target.rss), _RssSampler(target.pss)
    rss_before, pss_before = target.rss(), target.pss()
    cache_before = await asyncio.to_thread(target.cache_bytes)
    per_viewer_limit = ramp + interactions * (think * (1 + JITTER) + run_timeout) + run_timeout + 30
    sampler.start(per_viewer_limit + after_wait + 30)
    pss_sampler.start(per_viewer_limit + after_wait + 30)
    cpu0 = target.cpu_seconds()
    runs: list[Run] = []
    rng = random.Random(seed)
    slots: dict[str, int] = {}
    stop_heavy = asyncio.Event()
    heavy_tasks = [asyncio.create_task(_heavy_viewer(h, target.url, stop_heavy, run_timeout=run_timeout,
                                                     limit_s=per_viewer_limit, runs=runs, used=used))
                   for h in range(heavy_viewers)]
    t0 = time.perf_counter()
    tasks = []
    for i in range(viewers):
        plan = plans[i % len(plans)]
        slot = slots.get(plan.path, 0)
        slots[plan.path] = slot + 1
        vr = random.Random(rng.random())
        start = (slot + vr.randrange(max(1, len(plan.controls)))) if plan.controls else 0
        coro = _viewer(i, start, target.url, plan, arrive_at=t0 + ramp * i / max(1, viewers), think=think,
                       interactions=interactions, run_timeout=run_timeout, rng=vr, used=used, runs=runs)
        tasks.append(asyncio.create_task(asyncio.wait_for(coro, per_viewer_limit)))
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    t_done = time.perf_counter()
    stop_heavy.set()
    await asyncio.gather(*heavy_tasks, return_exceptions=True)
    for i, o in enumerate(outcomes):
        if isinstance(o, BaseException):
            runs.append(Run(plans[i % len(plans)].path, i, "move", None, "", True,
                            [f"timeout: viewer cancelled after {per_viewer_limit:.0f} s ({type(o).__name__})"],
                            t_end=t_done))
    cpu1 = target.cpu_seconds()
    await asyncio.sleep(after_wait)
    rss_after, pss_after = target.rss(), target.pss()
    # Streamlit drops an expired session only when its session store is next written to, i.e.
    # when the next viewer arrives: one probe viewer opens the home page, then memory is read again.
    probe = Session(target.url, "", timeout=run_timeout)
    with contextlib.suppress(Exception):
        await probe.connect()
    await probe.close()
    await asyncio.sleep(3.0)
    rss_probe, pss_probe = target.rss(), target.pss()
    cache_after = await asyncio.to_thread(target.cache_bytes)
    await sampler.stop()
    await pss_sampler.stop()
    peak = max(sampler.peak, rss_before, rss_after)
    pss_peak = max(pss_sampler.peak, pss_before, pss_after)
    light = [r for r in runs if r.kind != "heavy"]
    completed = [r for r in light if r.latency_s is not None]
    window = max(1e-9, (max((r.t_end for r in completed), default=t0) - t0))
    moves = [r for r in completed if r.kind == "move"]
    return {
        "plans": [asdict(p) for p in plans],
        "warmup_problems": warm_problems,
        "warmup": warmup,
        "runs": [asdict(r) for r in runs + single],
        "server": {
            "processes": len(target.pids),
            "cpu_s": cpu1 - cpu0,
            "load_window_s": window,
            "wall_s": t_done - t0,
            "requests_per_s": len(completed) / window,
            "moves_per_s": len(moves) / window,
            "script_runs_per_s": sum(r.script_runs for r in completed) / window,
            "rss_start_mb": rss_start / 2**20,
            "rss_before_mb": rss_before / 2**20,
            "rss_peak_mb": peak / 2**20,
            "rss_after_mb": rss_after / 2**20,
            "rss_after_probe_mb": rss_probe / 2**20,
            "rss_samples": sampler.samples,
            "pss_start_mb": pss_start / 2**20,
            "pss_before_mb": pss_before / 2**20,
            "pss_peak_mb": pss_peak / 2**20,
            "pss_after_mb": pss_after / 2**20,
            "pss_after_probe_mb": pss_probe / 2**20,
            "worker_processes": sum(len(process_tree(pid)) - 1 for pid in target.pids),
            "cache_before_mb": None if cache_before is None else cache_before / 2**20,
            "cache_after_mb": None if cache_after is None else cache_after / 2**20,
            "after_wait_s": after_wait,
        },
    }


def _wait_for_warmup(server, timeout: float = 600.0) -> dict[str, Any] | None:
    """Wait for every server's background warm-up of the scenario links (its log line); what each said."""
    from explorer.app.warmup import DONE_MESSAGE, SETTINGS_DONE_MESSAGE

    out = []
    for s in getattr(server, "servers", None) or [server]:
        if s.log_path is None:
            return None
        t0 = time.perf_counter()
        line = s.wait_for_log(DONE_MESSAGE, timeout)
        more = s.wait_for_log(SETTINGS_DONE_MESSAGE, timeout)  # the load must not compete with the warm-up
        out.append({"line": line.split(DONE_MESSAGE, 1)[-1].strip(": ") if line else None,
                    "settings": more.split(SETTINGS_DONE_MESSAGE, 1)[-1].strip(": ") if more else None,
                    "waited_s": time.perf_counter() - t0})
    return {"servers": out}


# --------------------------------------------------------------------------- summary
def _pct(xs: list[float], q: float) -> float | None:
    if not xs:
        return None
    s = sorted(xs)
    return s[max(0, math.ceil(q * len(s)) - 1)]


def _lat(xs: list[float]) -> dict[str, Any]:
    return {"n": len(xs), "p50": _pct(xs, 0.50), "p95": _pct(xs, 0.95), "max": max(xs) if xs else None}


def _group(runs: list[dict]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    runs = [r for r in runs if r["kind"] in ("first", "move")]
    for kind in ("first", "move"):
        out[kind] = _lat([r["latency_s"] for r in runs if r["kind"] == kind and r["latency_s"] is not None])
    errors = {c: 0 for c in CATEGORIES}
    for r in runs:
        for p in r["problems"]:
            errors[p.split(":", 1)[0]] = errors.get(p.split(":", 1)[0], 0) + 1
    out["errors"] = {k: v for k, v in errors.items() if v}
    out["error_count"] = sum(errors.values())
    out["charts"] = sum(r["charts"] for r in runs)
    out["charts_missing"] = sum(r["charts_missing"] for r in runs)
    out["reused_values"] = sum(1 for r in runs if r["kind"] == "move" and not r["fresh"])
    out["viewers"] = len({r["viewer"] for r in runs})
    return out


def _links(runs: list[dict], single: list[dict]) -> dict[str, Any]:
    """First loads of the same links under the load against one viewer alone (a warm start shows here)."""
    alone = [r["latency_s"] for r in single if r["latency_s"] is not None]
    loaded = [r["latency_s"] for r in runs if r["kind"] == "first" and r["latency_s"] is not None
              and r["query"]]
    a, b = _lat(alone), _lat(loaded)
    return {"single": a, "under_load": b, "ratio": {q: _ratio(b[q], a[q]) for q in ("p50", "p95")}}


def _span(r: dict) -> tuple[float, float]:
    return r["t_end"] - (r["latency_s"] or 0.0), r["t_end"]


def _in_flight(run: dict, runs: list[dict]) -> int:
    """How many other completed runs overlapped ``run`` in time (the queue it met)."""
    a, b = _span(run)
    return sum(1 for r in runs if r is not run and r["latency_s"] is not None and r["t_end"] > a and _span(r)[0] < b)


def _timeline(runs: list[dict]) -> list[dict[str, Any]]:
    """Every completed run, in order of its start (seconds from the first), for finding what a slow one met."""
    done = [r for r in runs if r["latency_s"] is not None and r["t_end"]]
    if not done:
        return []
    t0 = min(_span(r)[0] for r in done)
    return [{"start_s": round(_span(r)[0] - t0, 3), "latency_s": round(r["latency_s"], 3), "kind": r["kind"],
             "page": _page_label(r["page"]), "control": r["control"]}
            for r in sorted(done, key=lambda r: _span(r)[0])]


def summarize(drive: dict[str, Any]) -> dict[str, Any]:
    every = drive["runs"]
    runs = [r for r in every if r["kind"] in ("first", "move")]
    heavy = [r for r in every if r["kind"] == "heavy"]
    single = [r for r in every if r["kind"] == "single"]
    alone = [r for r in every if r["kind"] == "heavy-alone"]
    pages = {p["path"]: _group([r for r in runs if r["page"] == p["path"]]) for p in drive["plans"]}
    firsts = [r for r in runs if r["kind"] == "first"]
    return {"pages": pages, "overall": _group(runs), "server": drive["server"],
            "warmup": drive.get("warmup"),
            "links": _links(runs, single),
            "first_chart": _lat([r["first_chart_s"] for r in firsts if r["first_chart_s"] is not None]),
            "heavy": {"runs": _lat([r["latency_s"] for r in heavy if r["latency_s"] is not None]),
                      "first_chart": _lat([r["first_chart_s"] for r in heavy if r["first_chart_s"] is not None]),
                      "errors": sum(len(r["problems"]) for r in heavy)} if heavy else None,
            "heavy_alone": {"runs": _lat([r["latency_s"] for r in alone if r["latency_s"] is not None]),
                            "first_chart": _lat([r["first_chart_s"] for r in alone if r["first_chart_s"] is not None]),
                            "errors": sum(len(r["problems"]) for r in alone)} if alone else None,
            "controls": {_page_label(p["path"]): p["controls"] for p in drive["plans"]},
            "warmup_problems": drive["warmup_problems"],
            "slowest_moves": [
                f"{_page_label(r['page'])}:{r['control']} {1e3 * r['latency_s']:.0f} ms "
                f"({_in_flight(r, every)} other runs in flight)"
                for r in sorted((r for r in runs if r["kind"] == "move" and r["latency_s"] is not None),
                                key=lambda r: -r["latency_s"])[:5]
            ],
            "timeline": _timeline(every),
            "problem_samples": sorted({f"{_page_label(r['page'])}: {p}" for r in runs for p in r["problems"]})[:20]}


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def add_ratios(app: dict[str, Any], base: dict[str, Any]) -> None:
    for g in [*app["pages"].values(), app["overall"]]:
        g["ratio"] = {kind: {q: _ratio(g[kind][q], base["overall"][kind][q]) for q in ("p50", "p95", "max")}
                      for kind in ("first", "move")}


# --------------------------------------------------------------------------- report
def _ms(x: float | None) -> str:
    return "-" if x is None else f"{1e3 * x:.0f}"


def _x(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}x"


def _server_row(name: str, srv: dict[str, Any]) -> None:
    print(f"{name:16s} {srv['processes']:5d} {srv['cpu_s']:7.1f} {srv['load_window_s']:8.1f} "
          f"{srv['requests_per_s']:6.2f} {srv['moves_per_s']:6.2f} {srv['script_runs_per_s']:6.2f} "
          f"{srv['cpu_s'] / srv['load_window_s']:10.2f} | {srv['rss_before_mb']:14.0f} {srv['rss_peak_mb']:6.0f} "
          f"{srv['rss_after_mb']:6.0f} {srv['rss_after_probe_mb']:6.0f} | cache MB {_mb(srv['cache_before_mb'])}"
          f" -> {_mb(srv['cache_after_mb'])}")
    if srv.get("pss_before_mb") is not None:
        print(f"{'':16s} {'':>5s} {'':>7s} {'':>8s} {'':>6s} {'':>6s} {'':>6s} {'':>10s} | "
              f"{'PSS ' + format(srv['pss_before_mb'], '.0f'):>14s} {srv['pss_peak_mb']:6.0f} "
              f"{srv['pss_after_mb']:6.0f} {srv['pss_after_probe_mb']:6.0f} | "
              f"{srv.get('worker_processes', 0)} heavy-work worker process(es) counted in both")


def _mb(x: float | None) -> str:
    return "-" if x is None else f"{x:.0f}"


def _lat_text(g: dict[str, Any] | None) -> str:
    if not g or not g["n"]:
        return "-"
    return f"n {g['n']}, p50 {_ms(g['p50'])} / p95 {_ms(g['p95'])} / max {_ms(g['max'])} ms"


def print_report(result: dict[str, Any]) -> None:
    cfg = result["config"]
    print(f"Load: {cfg['viewers']} viewers per server over a {cfg['ramp']:g} s ramp, {cfg['interactions']} "
          f"interactions each, think {cfg['think']:g} s ± {JITTER:.0%}, seed {cfg['seed']}, run timeout "
          f"{cfg['run_timeout']:g} s; viewers open {cfg['links']} links. Latencies in ms (nearest-rank "
          f"p50/p95/max); ×trivial = ratio to the trivial app's overall figure of the same kind.")
    hdr = (f"{'page':16s} {'view':>4s} | {'first n':>7s} {'p50':>6s} {'p95':>6s} {'max':>6s} | "
           f"{'move n':>6s} {'p50':>6s} {'p95':>6s} {'max':>6s} | {'errors':>6s} {'charts miss/all':>15s} "
           f"{'reused':>6s}")

    def row(name: str, g: dict[str, Any]) -> None:
        f, m = g["first"], g["move"]
        print(f"{name:16s} {g['viewers']:4d} | {f['n']:7d} {_ms(f['p50']):>6s} {_ms(f['p95']):>6s} "
              f"{_ms(f['max']):>6s} | {m['n']:6d} {_ms(m['p50']):>6s} {_ms(m['p95']):>6s} {_ms(m['max']):>6s} | "
              f"{g['error_count']:6d} {str(g['charts_missing']) + '/' + str(g['charts']):>15s} "
              f"{g['reused_values']:6d}")
        if "ratio" in g:
            fr, mr = g["ratio"]["first"], g["ratio"]["move"]
            print(f"{'  ×trivial':16s} {'':4s} | {'':7s} {_x(fr['p50']):>6s} {_x(fr['p95']):>6s} "
                  f"{_x(fr['max']):>6s} | {'':6s} {_x(mr['p50']):>6s} {_x(mr['p95']):>6s} {_x(mr['max']):>6s} |")

    app, base = result["app"], result.get("trivial")
    runs = [("app", app)] + [(k, result[k]) for k in ("with_heavy", "procs") if k in result]
    for name, r in runs:
        print(f"\n[{name}]")
        print(hdr)
        print("-" * len(hdr))
        for path, g in r["pages"].items():
            row(_page_label(path), g)
        row("ALL", r["overall"])
    if base:
        print("-" * len(hdr))
        row(TRIVIAL, base["overall"])
    print()
    print(f"{'server':16s} {'procs':>5s} {'CPU s':>7s} {'window s':>8s} {'req/s':>6s} {'moves/s':>6s} "
          f"{'runs/s':>6s} {'CPU/window':>10s} | {'RSS MB: before':>14s} {'peak':>6s} {'after':>6s} {'probe':>6s} "
          f"(after = {cfg['after_wait']:g} s after the last viewer closed; probe = after one more viewer "
          f"came, which is when Streamlit drops expired sessions)")
    for name, r in runs + ([(TRIVIAL, base)] if base else []):
        _server_row(name, r["server"])
    ttl = result.get("disconnected_session_ttl_s")
    if ttl is not None and ttl > cfg["after_wait"]:
        print(f"Note: server.disconnectedSessionTTL = {ttl:g} s, so the 'after' RSS still holds every closed "
              f"viewer's session; it is not the post-expiry figure.")
    for name, r in runs:
        w = r.get("warmup")
        if w:
            print(f"Warm-up [{name}]: " + "; ".join(
                f"{x['line'] or 'no log line'}, then {x.get('settings') or 'no further settings line'} "
                f"(waited {x['waited_s']:.1f} s)" for x in w["servers"]))
        lk = r["links"]
        print(f"Links [{name}]: first load alone {_lat_text(lk['single'])}; under the load "
              f"{_lat_text(lk['under_load'])}; ratio p50 {_x(lk['ratio']['p50'])}, p95 {_x(lk['ratio']['p95'])}")
        print(f"First chart of a first load [{name}]: {_lat_text(r['first_chart'])}")
        if r.get("heavy_alone"):
            h = r["heavy_alone"]
            print(f"Largest settings, one viewer alone [{name}]: runs {_lat_text(h['runs'])}; first chart "
                  f"{_lat_text(h['first_chart'])} (target ≤ 1 s); problems {h['errors']}")
        if r.get("heavy"):
            h = r["heavy"]
            print(f"Heavy viewers [{name}]: runs {_lat_text(h['runs'])}; first chart {_lat_text(h['first_chart'])}; "
                  f"problems {h['errors']}")
    if "isolation" in result:
        iso = result["isolation"]
        print(f"Isolation: interaction latency with {cfg['heavy_viewers'] or 3} heavy viewers ÷ without: "
              f"p50 {_x(iso['p50'])}, p95 {_x(iso['p95'])}, max {_x(iso['max'])} (target: p95 ≤ 2x)")
        for i, rr in enumerate(result.get("isolation_rounds", []), 1):
            print(f"  round {i} (one server, without then with): move p95 {_ms(rr['without_p95'])} -> "
                  f"{_ms(rr['with_p95'])} ms, ratio p50 {_x(rr['p50'])}, p95 {_x(rr['p95'])}")
    if "throughput" in result:
        tp = result["throughput"]
        print(f"Throughput, {result['procs']['server']['processes']} processes behind HAProxy ÷ 1 process: "
              f"requests {_x(tp['requests_per_s'])}, moves {_x(tp['moves_per_s'])}, script runs "
              f"{_x(tp['script_runs_per_s'])}; HAProxy sessions per process "
              f"{result['procs']['server'].get('haproxy_sessions')}")
    print("Controls moved per page: " + "; ".join(f"{p}: {', '.join(c) or '(none: opens only)'}"
                                                 for p, c in app["controls"].items()))
    for name, r in runs + ([(TRIVIAL, base)] if base else []):
        print(f"Errors by kind [{name}]: {r['overall']['errors'] or 'none'}")
    print(f"Slowest moves (app; a viewer's first move off the named scenario also reruns the page once): "
          f"{', '.join(app['slowest_moves']) or '-'}")
    for name, r in runs + ([(TRIVIAL, base)] if base else []):
        for p in r["warmup_problems"]:
            print(f"warm-up problem [{name}]: {p}")
        for p in r["problem_samples"]:
            print(f"  problem [{name}]: {p}")
    print(f"Elapsed: {result['elapsed_s']:.0f} s")


# --------------------------------------------------------------------------- main
def _ttl() -> float | None:
    try:
        cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
        return float(cfg.get("server", {}).get("disconnectedSessionTTL"))
    except (OSError, ValueError, TypeError, tomllib.TOMLDecodeError):
        return None


def _app_load(chosen, kw, *, log_dir: str, name: str, heavy_viewers: int = 0, procs: int = 1,
              links: str = "scenario") -> dict[str, Any]:
    """One fresh app server (or ``procs`` behind HAProxy) under the load; its summary."""
    if procs > 1:
        from bench.cluster import HAProxyCluster

        with HAProxyCluster(procs, log_dir=f"{log_dir}/{name}") as cluster:
            drive = asyncio.run(_drive(cluster, None, chosen, heavy_viewers=heavy_viewers, links=links, **kw))
            drive["server"]["haproxy_sessions"] = {k: int(v.get("stot", 0)) for k, v in cluster.stats().items()
                                                   if k.startswith("s")}
            return summarize(drive)
    with StreamlitServer("streamlit_app.py", log_path=f"{log_dir}/{name}.log") as server:
        return summarize(asyncio.run(_drive(server, None, chosen, heavy_viewers=heavy_viewers, links=links, **kw)))


SETTLE_S = 10.0
"""Pause between two phases of an isolation run on one server (the last heavy computations finish)."""


async def _isolation_phases(server, pages, *, rounds: int, heavy_viewers: int, links: str,
                            kw: dict[str, Any]) -> list[tuple[bool, dict[str, Any]]]:
    """Loads without and with heavy viewers, alternating, ``rounds`` times each, on one warmed server.

    Every phase moves controls to values no earlier phase used, so no phase finds another's results
    cached; alternating (without, with, without, with, …) spreads a drift in the machine's speed
    over both sides instead of loading it onto one.
    """
    used: dict[str, list] = {}
    first = await _drive(server, None, pages, heavy_viewers=0, links=links, used=used, **kw)
    plans = [PagePlan(**p) for p in first["plans"]]
    phases: list[tuple[bool, dict[str, Any]]] = [(False, first)]
    for r in range(rounds):
        if r:
            await asyncio.sleep(SETTLE_S)
            phases.append((False, await _drive(server, plans, pages, heavy_viewers=0, links=links, used=used, **kw)))
        await asyncio.sleep(SETTLE_S)
        phases.append((True, await _drive(server, plans, pages, heavy_viewers=heavy_viewers, links=links,
                                          used=used, **kw)))
    return phases


def _pooled(drives: list[dict[str, Any]]) -> dict[str, Any]:
    """Several loads of one server summarized as one: their runs together; the first load's server figures.

    Each load numbers its viewers from 0; here the ``k``-th load's viewer ``v`` becomes ``v + 10000 k``
    (heavy viewers, numbered below 0, ``v - 10000 k``), so that viewers of different loads stay apart.
    """
    def renumbered(r: dict[str, Any], k: int) -> dict[str, Any]:
        v = r.get("viewer", 0)
        return {**r, "viewer": v + 10_000 * k if v >= 0 else v - 10_000 * k}

    return {**drives[0], "runs": [renumbered(r, k) for k, d in enumerate(drives) for r in d["runs"]],
            "warmup_problems": [p for d in drives for p in d["warmup_problems"]]}


def _isolation(chosen, kw, *, log_dir: str, rounds: int, heavy_viewers: int, links: str) -> dict[str, Any]:
    """The isolation figure from one server: pooled without/with summaries, and each round's ratios."""
    with StreamlitServer("streamlit_app.py", log_path=f"{log_dir}/load-app-isolation.log") as server:
        phases = asyncio.run(_isolation_phases(server, chosen, rounds=rounds, heavy_viewers=heavy_viewers,
                                               links=links, kw=kw))
    without = [summarize(d) for h, d in phases if not h]
    loaded = [summarize(d) for h, d in phases if h]
    app = summarize(_pooled([d for h, d in phases if not h]))
    heavy = summarize(_pooled([d for h, d in phases if h]))
    return {"app": app, "with_heavy": heavy,
            "isolation": {q: _ratio(heavy["overall"]["move"][q], app["overall"]["move"][q])
                          for q in ("p50", "p95", "max")},
            "isolation_rounds": [{"without_p95": a["overall"]["move"]["p95"], "with_p95": b["overall"]["move"]["p95"],
                                  "p95": _ratio(b["overall"]["move"]["p95"], a["overall"]["move"]["p95"]),
                                  "p50": _ratio(b["overall"]["move"]["p50"], a["overall"]["move"]["p50"])}
                                 for a, b in zip(without, loaded, strict=True)]}


def run_load(pages: list[str] | None = None, *, viewers: int = 30, ramp: float = 30.0, think: float = 5.0,
             interactions: int = 3, seed: int = 0, run_timeout: float = 60.0, after_wait: float = 5.0,
             log_dir: str | None = None, heavy_viewers: int = 0, isolation: bool = False,
             compare_procs: int = 0, links: str = "scenario", trivial: bool = True,
             rounds: int = 2) -> dict[str, Any]:
    """The load against the app (and the trivial app); with ``isolation`` or ``compare_procs``, the extra runs."""
    import tempfile

    from explorer.app.registry import HOME, PAGES

    every = [HOME, *PAGES]
    if pages is None:
        chosen = [(p.url_path, p.prefix) for p in every]
    else:
        by_path = {p.url_path: p for p in every}
        unknown = [p for p in pages if p not in by_path]
        if unknown:
            raise SystemExit(f"unknown page(s) {unknown}; pages are {[p.url_path for p in every]} ('' = home)")
        chosen = [(p, by_path[p].prefix) for p in pages]
    kw = dict(viewers=viewers, ramp=ramp, think=think, interactions=interactions, run_timeout=run_timeout,
              after_wait=after_wait, seed=seed)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ge-load-") as tmp:
        logs = log_dir or tmp
        config = {**kw, "pages": [p for p, _ in chosen], "heavy_viewers": heavy_viewers, "links": links}
        if isolation:
            iso = _isolation(chosen, kw, log_dir=logs, rounds=rounds, heavy_viewers=heavy_viewers or 3, links=links)
            app = iso["app"]
            out: dict[str, Any] = {"config": {**config, "rounds": rounds}, **iso}
        else:
            app = _app_load(chosen, kw, log_dir=logs, name="load-app", heavy_viewers=heavy_viewers, links=links)
            out = {"config": config, "app": app}
        out["disconnected_session_ttl_s"] = _ttl()
        if compare_procs > 1:
            many = _app_load(chosen, kw, log_dir=logs, name=f"load-app-{compare_procs}procs", procs=compare_procs,
                             links=links)
            out["procs"] = many
            out["throughput"] = {k: _ratio(many["server"][k], app["server"][k])
                                 for k in ("requests_per_s", "moves_per_s", "script_runs_per_s")}
        if trivial:
            with trivial_app() as script, StreamlitServer(script, log_path=f"{logs}/load-trivial.log") as server:
                base = summarize(asyncio.run(_drive(server, [PagePlan("", "", ["x"])], [], **kw)))
            add_ratios(app, base)
            out["trivial"] = base
    out["elapsed_s"] = time.perf_counter() - t0
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=30, help="simulated viewers per server (default 30)")
    parser.add_argument("--ramp", type=float, default=30.0, help="seconds over which viewers arrive (default 30)")
    parser.add_argument("--think", type=float, default=5.0, help="seconds between a viewer's interactions (± 20%%)")
    parser.add_argument("--interactions", type=int, default=3, help="control moves per viewer (default 3)")
    parser.add_argument("--pages", help="comma-separated URL paths, '' or 'home' for the home page "
                                        "(default: home and every lesson page, viewers round-robin)")
    parser.add_argument("--links", choices=("scenario", "default"), default="scenario",
                        help="what viewers open: the pages' scenario links in turn (default), or each default view")
    parser.add_argument("--heavy-viewers", type=int, default=0,
                        help="extra viewers that keep opening the largest settings with fresh seeds")
    parser.add_argument("--isolation", action="store_true",
                        help="on one server, run the load without and with --heavy-viewers (default 3), "
                             "alternating, --rounds times each")
    parser.add_argument("--rounds", type=int, default=2,
                        help="with --isolation: loads without and with heavy viewers, each (default 2)")
    parser.add_argument("--compare-procs", type=int, default=0, metavar="N",
                        help="also run the same load against N processes behind HAProxy; report throughput")
    parser.add_argument("--no-trivial", action="store_true", help="skip the trivial app's baseline run")
    parser.add_argument("--json", type=Path, help="also write every figure and run to this JSON file")
    parser.add_argument("--seed", type=int, default=0, help="seed of the think-time jitter and start controls")
    parser.add_argument("--run-timeout", type=float, default=60.0, help="seconds one run may take (default 60)")
    parser.add_argument("--after-wait", type=float, default=5.0,
                        help="seconds after the last viewer closed before the 'after' RSS (default 5)")
    parser.add_argument("--server-logs", help="directory for the servers' logs")
    args = parser.parse_args(argv)
    if not (1 <= args.viewers <= 500 and 0 <= args.interactions <= 50 and args.ramp >= 0 and args.think >= 0
            and 1 <= args.run_timeout <= 600 and 0 <= args.after_wait <= 600 and 0 <= args.heavy_viewers <= 20
            and 0 <= args.compare_procs <= 8 and 1 <= args.rounds <= 5):
        parser.error("viewers 1-500, interactions 0-50, run timeout 1-600 s, after-wait 0-600 s, ramp/think >= 0, "
                     "heavy viewers 0-20, compare-procs 0-8, rounds 1-5")
    pages = None
    if args.pages is not None:
        pages = ["" if p.strip().strip("/") in ("", "home") else p.strip().strip("/") for p in args.pages.split(",")]
    result = run_load(pages, viewers=args.viewers, ramp=args.ramp, think=args.think, interactions=args.interactions,
                      seed=args.seed, run_timeout=args.run_timeout, after_wait=args.after_wait,
                      log_dir=args.server_logs, heavy_viewers=args.heavy_viewers, isolation=args.isolation,
                      rounds=args.rounds, compare_procs=args.compare_procs, links=args.links,
                      trivial=not args.no_trivial)
    print_report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
