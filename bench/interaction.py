"""Server cost of one interaction: CPU and bytes per control move, as ratios to a trivial app.

A real ``streamlit run`` server is driven by :mod:`bench.wsclient`, one viewer
at a time, so the server CPU read from ``/proc/PID/stat`` around a rerun is that
rerun's cost (script, protobuf, websocket sends alike).

Baseline, measured the same way in the same run: a one-line app with one
URL-bound ``st.slider`` (:data:`bench.server.TRIVIAL_APP`), whose slider is
moved ``baseline_moves`` times to fresh values; its mean CPU and bytes per
move are the denominators. (Moving a real slider rather than resending a plain
rerun makes the baseline pay the same widget-state and URL work a real
control does.)

For each page at default settings and each of its URL-bound controls, a fresh
viewer opens the page and then moves the control twice, each time to a value
never used before in this run (so no ``st.cache_data`` entry can answer it):

* **first move**: the page still shows its named default scenario, so the move
  also switches the scenario picker to "custom". For a figure-local control
  that costs one extra whole-page rerun (the figure asks for it with
  ``st.rerun(scope="app")`` so the page-wide picker can redraw);
* **second move**: the steady state: what every later move of that control costs.

URL-bound means: the widget proto carries ``query_param_key``
(``bind="query-params"``), or it is a choice widget (selectbox, segmented
control, multiselect) whose key carries the page's prefix: the app binds those
to the URL by hand, by option key rather than label (``explorer.app.controls``).
The scenario picker ``<prefix>_case`` is included (a page-wide control). The Play
toggle is not URL-bound and is not moved (it would start a timer). Disabled
widgets are skipped: nobody can move them.

A control is *figure-local* when the delta that drew it carried a
``fragment_id`` (it lives in a figure's ``st.fragment``), else *page-wide*.

Targets, on the steady-state CPU ratio: figure-local <= 2x, page-wide <= 5x,
median over all controls <= 3x. CPU has clock-tick resolution (10 ms), so a
single cheap rerun reads as 0, 10 or 20 ms; ``repeats`` averages more moves.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.server import CLOCK_TICK_S, StreamlitServer, trivial_app
from bench.wsclient import RunResult, Session, Widget, open_session

__all__ = ["TARGETS", "ControlCost", "measure_baseline", "measure_page", "run_interaction_bench"]

TARGETS = {"figure-local": 2.0, "page-wide": 5.0, "all": 3.0}
"""Steady-state CPU ratio targets: per scope (each control) and for the median over all."""

CHOICE_KINDS = ("selectbox", "button_group", "multiselect", "radio")
SETTLE_S = 0.05
"""Pause after ``script_finished`` before reading CPU: the server's last sends and bookkeeping."""


@dataclass
class Move:
    cpu_s: float
    bytes: int
    messages: int
    latency_s: float
    statuses: list[str]
    whole_page_runs: int
    fragment_runs: int
    fresh: bool
    charts_ok: bool
    problems: list[str]

    def ratios(self, base: Baseline) -> tuple[float, float]:
        return self.cpu_s / base.cpu_s, self.bytes / base.bytes


@dataclass
class Baseline:
    cpu_s: float
    bytes: float
    latency_s: float
    moves: int


@dataclass
class ControlCost:
    page: str
    key: str
    kind: str
    scope: str  # "figure-local" or "page-wide"
    first: list[Move] = field(default_factory=list)
    steady: list[Move] = field(default_factory=list)
    departed: bool = False
    """After the first move the viewer's scenario picker shows "custom" (the server redrew it)."""
    url_written: bool = False
    """After one of the moves the key appeared in the page's query string (a move back to the
    default value rightly drops it: plain links stay plain)."""

    @staticmethod
    def _mean(moves: list[Move], attr: str) -> float:
        return statistics.fmean(getattr(m, attr) for m in moves) if moves else float("nan")

    def summary(self, base: Baseline) -> dict[str, Any]:
        out: dict[str, Any] = {"page": self.page, "key": self.key, "kind": self.kind, "scope": self.scope,
                               "departed": self.departed, "url_written": self.url_written}
        for name, moves in (("first", self.first), ("steady", self.steady)):
            cpu, nbytes = self._mean(moves, "cpu_s"), self._mean(moves, "bytes")
            out[name] = {
                "cpu_ms": 1e3 * cpu, "cpu_ratio": cpu / base.cpu_s,
                "kb": nbytes / 1e3, "bytes_ratio": nbytes / base.bytes,
                "latency_ms": 1e3 * self._mean(moves, "latency_s"),
                "whole_page_runs": max((m.whole_page_runs for m in moves), default=0),
                "fragment_runs": max((m.fragment_runs for m in moves), default=0),
                "statuses": moves[-1].statuses if moves else [],
                "fresh": all(m.fresh for m in moves),
                "problems": sorted({p for m in moves for p in m.problems}),
            }
        return out


def _problems(r: RunResult, session: Session) -> list[str]:
    out = [f"exception: {e[:120]}" for e in r.exceptions] + [f"error: {e[:120]}" for e in r.errors]
    out += [f"chart missing datasets {sorted(c.missing)}" for c in r.charts if not c.ok]
    if not r.finished:
        out.append(f"run ended {r.status_names}")
    if r.ref_misses:
        out.append(f"{r.ref_misses} ref_hash messages not in the client cache")
    if session.dropped:
        out.append(f"socket dropped: {session.closed_reason}")
    return out


async def _timed_move(server: StreamlitServer, session: Session, w: Widget, used: list) -> Move:
    value, fresh = w.fresh_value(used)
    used.append(value)
    cpu0 = server.cpu_seconds()
    r = await session.move(w, value)
    await asyncio.sleep(SETTLE_S)
    cpu = server.cpu_seconds() - cpu0
    problems = _problems(r, session)
    now = session.widgets.get(w.id)
    if now is not None and now.value != value:
        problems.append(f"server set {w.user_key} to {now.value} instead of {value}")
    return Move(cpu, r.bytes + r.trailing_bytes, r.messages, r.latency_s, r.status_names, r.whole_page_runs,
                r.fragment_runs, fresh, r.charts_ok, problems)


async def measure_baseline(server: StreamlitServer, moves: int = 20) -> Baseline:
    """Mean CPU, bytes and latency of moving the trivial app's slider to fresh values."""
    session = await open_session(server.url, "")
    try:
        w = session.widget("x")
        used: list = []
        await _timed_move(server, session, w, used)  # warm-up
        runs = [await _timed_move(server, session, session.widget("x"), used) for _ in range(moves)]
    finally:
        await session.close()
    for m in runs:
        if m.problems:
            raise RuntimeError(f"baseline app misbehaved: {m.problems}")
    cpu = statistics.fmean(m.cpu_s for m in runs)
    return Baseline(max(cpu, CLOCK_TICK_S / moves), statistics.fmean(m.bytes for m in runs),
                    statistics.fmean(m.latency_s for m in runs), moves)


def url_bound_controls(session: Session, prefix: str) -> list[Widget]:
    """The page's movable URL-bound controls, in page order (see the module docstring)."""
    out = []
    for w in session.widgets.values():
        if getattr(w.proto, "disabled", False):
            continue
        hand_bound = w.kind in CHOICE_KINDS and (w.user_key or "").startswith(f"{prefix}_")
        if w.query_param_key or hand_bound:
            out.append(w)
    return sorted(out, key=lambda w: w.delta_path)


async def measure_page(server: StreamlitServer, page: str, prefix: str, *, controls: list[str] | None = None,
                       max_controls: int | None = None, repeats: int = 1,
                       used: dict[str, list] | None = None) -> list[ControlCost]:
    """First and steady-state move of each URL-bound control of one page, each on a fresh viewer."""
    used = {} if used is None else used
    probe = await open_session(server.url, page)
    try:
        found = url_bound_controls(probe, prefix)
        for w in found:  # the page's default values count as used: a move must miss the cache
            used.setdefault(w.user_key or w.id, [w.value])
    finally:
        await probe.close()
    keys = [w.user_key or w.id for w in found]
    if controls:
        keys = [k for k in keys if k in controls]
    if max_controls is not None:
        keys = keys[:max_controls]
    case_key = f"{prefix}_case"
    results = []
    for key in keys:
        cost: ControlCost | None = None
        for _ in range(repeats):
            if server.proc is None or server.proc.poll() is not None:
                raise RuntimeError(f"the app server exited (code {server.proc.returncode}) during the benchmark")
            session = await open_session(server.url, page)
            try:
                await asyncio.sleep(SETTLE_S)
                w = session.widget(key)
                if cost is None:
                    cost = ControlCost(page, key, w.kind, "figure-local" if w.in_fragment else "page-wide")
                picker_before = session.widget(case_key).value if key != case_key else None
                cost.first.append(await _timed_move(server, session, w, used[key]))
                cost.url_written |= f"{key}=" in session.query_string
                if picker_before is not None:
                    cost.departed = session.widget(case_key).value != picker_before
                cost.steady.append(await _timed_move(server, session, session.widget(key), used[key]))
                cost.url_written |= f"{key}=" in session.query_string
            finally:
                await session.close()
            await asyncio.sleep(2 * SETTLE_S)  # let the server drop the closed session before the next reading
        results.append(cost)
    return results


def _median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def summarize(costs: list[ControlCost], base: Baseline) -> dict[str, Any]:
    """Per-control rows, per-page and overall medians; rows with problems stay out of the medians."""
    all_rows = [c.summary(base) for c in costs]
    rows = [r for r in all_rows if not (r["first"]["problems"] or r["steady"]["problems"])]
    out: dict[str, Any] = {"baseline": asdict(base), "targets": TARGETS, "controls": all_rows, "summary": {},
                           "excluded": [f"{r['page']}:{r['key']}" for r in all_rows if r not in rows]}
    for phase in ("steady", "first"):
        for metric in ("cpu_ratio", "bytes_ratio"):
            for scope in ("figure-local", "page-wide", "all"):
                xs = [r[phase][metric] for r in rows if scope == "all" or r["scope"] == scope]
                med = _median(xs)
                out["summary"][f"{phase}.{metric}.{scope}"] = {
                    "median": med, "n": len(xs), "target": TARGETS[scope],
                    "ok": (not xs) or med <= TARGETS[scope],
                }
    pages: dict[str, dict[str, float]] = {}
    for r in rows:
        p = pages.setdefault(r["page"], {"steady_cpu": [], "first_cpu": [], "steady_bytes": [], "first_bytes": []})
        p["steady_cpu"].append(r["steady"]["cpu_ratio"])
        p["first_cpu"].append(r["first"]["cpu_ratio"])
        p["steady_bytes"].append(r["steady"]["bytes_ratio"])
        p["first_bytes"].append(r["first"]["bytes_ratio"])
    out["pages"] = {page: {k: _median(v) for k, v in d.items()} | {"controls": len(d["steady_cpu"])}
                    for page, d in pages.items()}
    return out


EXPLANATION = """\
First move vs steady state. A page opens on its named default scenario. The first touch of any
control switches the scenario picker to "custom" (so a copied link means exactly what is shown)
and rewrites every control into the URL. For a page-wide control that happens inside the one
whole-page rerun the move causes anyway. For a figure-local control (inside a figure's
st.fragment) the fragment run ends with st.rerun(scope="app"): one extra whole-page rerun, once
per viewer, so the picker can redraw. The second move of the same control is the steady state and
is what the targets apply to. "runs" = whole-page (p) and fragment (f) script runs the first
move caused; "picker not redrawn" = the first move left the scenario but the viewer's picker
was not resent. Columns: CPU = server CPU seconds per rerun from /proc/PID/stat
(10 ms ticks), bytes = websocket bytes received, both divided by the trivial app's slider move."""


def print_report(result: dict[str, Any]) -> None:
    base = result["baseline"]
    print(f"Server cost per interaction, one viewer at a time, vs a trivial one-slider app "
          f"(baseline: {1e3 * base['cpu_s']:.1f} ms CPU, {base['bytes'] / 1e3:.2f} kB, "
          f"{1e3 * base['latency_s']:.0f} ms latency per move, mean of {base['moves']})")
    hdr = (f"{'page':15s} {'control':14s} {'kind':12s} {'scope':12s} | {'first: cpu ms':>13s} {'×':>6s} "
           f"{'kB':>7s} {'×':>6s} {'runs':>5s} | {'steady: cpu ms':>14s} {'×':>6s} {'kB':>7s} {'×':>6s} "
           f"{'status':10s}")
    print(hdr)
    for r in result["controls"]:
        f, s = r["first"], r["steady"]
        status = "fragment" if s["statuses"][-1:] == ["FINISHED_FRAGMENT_RUN_SUCCESSFULLY"] else "page"
        runs = f"{f['whole_page_runs']}p{f['fragment_runs']}f"
        notes = []
        if not r["departed"] and not r["key"].endswith("_case"):
            notes.append("picker not redrawn")
        if not s["fresh"] or not f["fresh"]:
            notes.append("reused value")
        if not r["url_written"]:
            notes.append("key not in URL")
        notes += f["problems"] + s["problems"]
        print(f"{r['page']:15s} {r['key']:14s} {r['kind']:12s} {r['scope']:12s} | {f['cpu_ms']:13.0f} "
              f"{f['cpu_ratio']:6.1f} {f['kb']:7.1f} {f['bytes_ratio']:6.1f} {runs:>5s} | "
              f"{s['cpu_ms']:14.0f} {s['cpu_ratio']:6.1f} {s['kb']:7.1f} {s['bytes_ratio']:6.1f} {status:10s}"
              + (f"  [{'; '.join(notes)}]" if notes else ""))
    print()
    print(f"{'page (median over controls)':32s} {'steady cpu×':>11s} {'first cpu×':>10s} "
          f"{'steady bytes×':>13s} {'first bytes×':>12s}")
    for page, p in result["pages"].items():
        name = f"{page} ({p['controls']})"
        print(f"{name:32s} {p['steady_cpu']:11.1f} {p['first_cpu']:10.1f} "
              f"{p['steady_bytes']:13.1f} {p['first_bytes']:12.1f}")
    print()
    for phase in ("steady", "first"):
        for metric, label in (("cpu_ratio", "CPU"), ("bytes_ratio", "bytes")):
            for scope in ("figure-local", "page-wide", "all"):
                s = result["summary"][f"{phase}.{metric}.{scope}"]
                verdict = "n/a" if not s["n"] else ("ok" if s["ok"] else "OVER")
                tgt = f"target <= {s['target']:.0f}x" if phase == "steady" else "(departure, no target)"
                med = "   -" if not s["n"] else f"{s['median']:6.1f}x"
                print(f"{phase:6s} {label:5s} median over {scope + ' controls':22s} ({s['n']:2d}): {med}  "
                      f"{tgt}  {verdict if phase == 'steady' else ''}")
    print()
    print(EXPLANATION)
    if result["excluded"]:
        print(f"WARNING: {len(result['excluded'])} controls had problems (exceptions, errors, missing chart data, "
              f"a value the server overrode; see [..] above) and are left out of every median: "
              f"{', '.join(result['excluded'])}")


async def _run(pages: list[tuple[str, str]], *, controls: list[str] | None, max_controls: int | None,
               repeats: int, baseline_moves: int, log_dir: str | None) -> dict[str, Any]:
    with trivial_app() as script, StreamlitServer(
            script, log_path=f"{log_dir}/trivial.log" if log_dir else None) as server:
        base = await measure_baseline(server, baseline_moves)
    costs: list[ControlCost] = []
    with StreamlitServer("streamlit_app.py", log_path=f"{log_dir}/app.log" if log_dir else None) as server:
        for page, _ in pages:  # warm-up: imports and first-time work, not part of any move
            s = await open_session(server.url, page)
            await s.close()
        used: dict[str, list] = {}
        for page, prefix in pages:
            costs += await measure_page(server, page, prefix, controls=controls, max_controls=max_controls,
                                        repeats=repeats, used=used)
    return summarize(costs, base)


def run_interaction_bench(pages: list[str] | None = None, *, controls: list[str] | None = None,
                          max_controls: int | None = None, repeats: int = 1, baseline_moves: int = 20,
                          log_dir: str | None = None) -> dict[str, Any]:
    """Run the section; ``pages`` are URL paths (default: every page with controls)."""
    from explorer.app.registry import PAGES

    chosen = [(p.url_path, p.prefix) for p in PAGES if p.prefix and (not pages or p.url_path in pages)]
    if pages and len(chosen) != len(pages):
        known = [p.url_path for p in PAGES]
        raise SystemExit(f"unknown page in {pages}; pages are {known}")
    t0 = time.perf_counter()
    result = asyncio.run(_run(chosen, controls=controls, max_controls=max_controls, repeats=max(1, repeats),
                              baseline_moves=max(5, baseline_moves), log_dir=log_dir))
    result["elapsed_s"] = time.perf_counter() - t0
    return result
