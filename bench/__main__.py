"""``python -m bench``: rerun cost of every page against an empty page, plus maths kernels.

Every number is a ratio taken within one run on one machine, so a loaded or
slow machine shifts both sides alike. Targets:

* every page's script rerun at default settings <= 30x an empty page's;
* the Jacobian-norm profile (n = 256, T = 1000) <= 3x the time of T plain
  n x n matrix products (see ``bench/jacobian.py``);
* the gated-memory page's default training race (reported, no target: it is
  computed once per server and cached), as a ratio to the Jacobian page's rerun;
* server cost per interaction on a real ``streamlit run`` server, one viewer at a
  time (see ``bench/interaction.py``): server CPU per control move <= 2x a
  trivial one-slider app's for figure-local controls, <= 5x for page-wide ones,
  median over all controls <= 3x; the first move off a named scenario is
  reported separately.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from explorer.app.registry import PAGES  # noqa: E402

PAGE_TARGET = 30.0
EMPTY_PAGE = "import streamlit as st\nst.title('Empty')\n"


def _median_rerun(at: AppTest, repeats: int) -> float:
    at.run()  # warm-up: imports, caches
    at.run()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        if at.exception:
            raise RuntimeError(f"page raised: {[e.value for e in at.exception]}")
    return statistics.median(times)


def bench_pages(repeats: int) -> list[dict]:
    empty = _median_rerun(AppTest.from_string(EMPTY_PAGE, default_timeout=120), repeats)
    rows = [{"page": "(empty page)", "median_s": empty, "ratio": 1.0, "target": PAGE_TARGET, "ok": True}]
    for spec in PAGES:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
        at.run()  # register the pages with st.navigation first
        at.switch_page(spec.path)
        t = _median_rerun(at, repeats)
        ratio = t / empty
        rows.append({"page": spec.title, "median_s": t, "ratio": ratio, "target": PAGE_TARGET,
                     "ok": ratio <= PAGE_TARGET})
    return rows


def bench_kernels() -> list[dict]:
    rows = []
    try:
        from bench.jacobian import run_jacobian_bench
    except ImportError:
        return rows
    r = run_jacobian_bench()
    rows.append({"kernel": "jacobian_log_norms n=256 T=1000", **r})
    return rows


def bench_gated_race(pages: list[dict], repeats: int) -> dict:
    """The gated page's default race (three cells trained from scratch, uncached) against the Jacobian page's rerun."""
    from explorer.app.registry import page
    from explorer.lessons.gated import reading as gated

    jac = page("jacobian")
    rerun = next((r["median_s"] for r in pages if r["page"] == jac.title), None)
    if rerun is None:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
        at.run()
        at.switch_page(jac.path)
        rerun = _median_rerun(at, repeats)
    wall, cpu = time.perf_counter(), time.process_time()
    for cell in ("rnn", "lstm", "gru"):
        gated.train_cell(gated.RaceSettings(), cell)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"kernel": "gated default race (rnn + lstm + gru, uncached)", "race_wall_s": wall, "race_cpu_s": cpu,
            "jacobian_rerun_s": rerun, "ratio_to_jacobian_rerun": wall / rerun}


def _finite(obj):
    """NaN (a median over no controls) becomes null, so the file is strict JSON."""
    if isinstance(obj, float) and obj != obj:
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed reruns per page (>= 5)")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--skip-kernels", action="store_true", help="skip the maths kernels")
    parser.add_argument("--skip-pages", action="store_true", help="skip the AppTest page reruns")
    parser.add_argument("--skip-interactions", action="store_true", help="skip the server cost per interaction")
    parser.add_argument("--interaction-pages", help="comma-separated URL paths (default: every page with controls)")
    parser.add_argument("--interaction-controls", help="comma-separated control keys to move (default: all)")
    parser.add_argument("--max-controls", type=int, help="move at most this many controls per page")
    parser.add_argument("--interaction-repeats", type=int, default=1,
                        help="fresh viewers per control (first and second move each); more averages the 10 ms ticks")
    parser.add_argument("--baseline-moves", type=int, default=20, help="slider moves of the trivial app (>= 5)")
    parser.add_argument("--server-logs", help="directory for the streamlit servers' logs")
    args = parser.parse_args(argv)
    repeats = max(5, args.repeats)

    pages = [] if args.skip_pages else bench_pages(repeats)
    if pages:
        print(f"Page rerun at default settings (median of {repeats} after warm-up), vs an empty page")
        print(f"{'page':32s} {'median ms':>10s} {'ratio':>7s} {'target':>7s}")
    for r in pages:
        print(f"{r['page']:32s} {1e3 * r['median_s']:10.1f} {r['ratio']:7.1f} {r['target']:7.0f}"
              f"  {'ok' if r['ok'] else 'OVER'}")

    interactions = None
    if not args.skip_interactions:
        from bench.interaction import print_report, run_interaction_bench

        def split(text):
            return [x.strip() for x in text.split(",") if x.strip()] if text else None

        interactions = run_interaction_bench(
            split(args.interaction_pages), controls=split(args.interaction_controls),
            max_controls=args.max_controls, repeats=args.interaction_repeats,
            baseline_moves=args.baseline_moves, log_dir=args.server_logs,
        )
        print()
        print_report(interactions)

    kernels = [] if args.skip_kernels else [*bench_kernels(), bench_gated_race(pages, repeats)]
    for k in kernels:
        print()
        print(k["kernel"])
        for key, value in k.items():
            if key != "kernel":
                print(f"  {key:28s} {value:.4g}" if isinstance(value, float) else f"  {key:28s} {value}")

    if args.json:
        result = {"pages": pages, "kernels": kernels, "interactions": interactions}
        args.json.write_text(json.dumps(_finite(result), indent=2, allow_nan=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
