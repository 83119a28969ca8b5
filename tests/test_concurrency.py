"""Many viewers, one process: chart conversion and figure computations from many threads at once.

Streamlit runs every viewer's script in its own thread of one process. Each
thread here converts its own charts (and runs its own simulations) at the same
moment as the others, released together by a barrier, and every spec must
carry exactly its own data: every dataset the spec names is present, and the
rows decoded from it are the rows this thread put in.
"""

from __future__ import annotations

import io
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa

from explorer import sim
from explorer.app.render import chart_spec
from explorer.lessons.activations import charts as act_charts

THREADS = 12
ROUNDS = 20


def named_datasets(spec: dict) -> set[str]:
    """Every ``{"data": {"name": ...}}`` the spec refers to, at any depth."""
    names: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and "name" in data:
                names.add(data["name"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({k: v for k, v in spec.items() if k != "datasets"})
    return names


def decoded(spec: dict, name: str) -> pd.DataFrame:
    return pa.ipc.open_stream(io.BytesIO(spec["datasets"][name])).read_all().to_pandas()


def own_chart(owner: int, round_: int) -> tuple[alt.LayerChart, pd.DataFrame, pd.DataFrame]:
    """A two-layer chart whose rows are unique to (owner, round)."""
    tag = owner * 1000 + round_
    line = pd.DataFrame({"x": np.arange(5 + owner, dtype=float), "tag": tag})
    dots = pd.DataFrame({"x": np.arange(3, dtype=float) + 0.5, "tag": -tag})
    chart = alt.layer(alt.Chart(line).mark_line().encode(x="x:Q", y="tag:Q"),
                      alt.Chart(dots).mark_point().encode(x="x:Q", y="tag:Q"))
    return chart, line, dots


def test_every_spec_carries_exactly_its_own_data_across_threads():
    barrier = threading.Barrier(THREADS)

    def viewer(owner: int) -> list[str]:
        problems = []
        barrier.wait()
        for r in range(ROUNDS):
            chart, _, _ = own_chart(owner, r)
            spec = chart_spec(chart)
            names = named_datasets(spec)
            missing = names - set(spec["datasets"])
            if missing:
                problems.append(f"viewer {owner} round {r}: datasets {missing} missing")
                continue
            tags = sorted({int(t) for n in names for t in decoded(spec, n)["tag"]})
            if tags != sorted({owner * 1000 + r, -(owner * 1000 + r)}):
                problems.append(f"viewer {owner} round {r}: got rows tagged {tags}")
            if len(spec["datasets"]) != 2:
                problems.append(f"viewer {owner} round {r}: {len(spec['datasets'])} datasets, expected 2")
        return problems

    with ThreadPoolExecutor(THREADS) as pool:
        problems = [p for result in pool.map(viewer, range(THREADS)) for p in result]
    assert not problems, problems[:10]


def test_real_chart_builders_convert_identically_in_parallel_and_alone():
    """A page's real charts: the spec built under contention equals the one built alone."""
    grid = np.linspace(-4, 4, 201)
    cases = [(names, s) for names in (("sigmoid",), ("tanh", "relu"), ("gelu", "sigmoid", "tanh"))
             for s in (0.5, 1.0, 2.0, 4.0)]

    def build(case):
        names, s = case
        acts = [sim.activation(n) for n in names]
        factors = {n: sim.depth_factors(n, s, 0.0, max_depth=60, threshold=1e-6) for n in names}
        return (json.dumps(chart_spec(act_charts.derivative_chart(grid * s, acts, 0.1)), sort_keys=True, default=repr),
                json.dumps(chart_spec(act_charts.depth_chart(factors, 1e-6)), sort_keys=True, default=repr))

    alone = [build(case) for case in cases]
    barrier = threading.Barrier(THREADS)

    def viewer(i: int):
        barrier.wait()
        return [build(case) for case in cases[i % len(cases):] + cases[: i % len(cases)]], i % len(cases)

    with ThreadPoolExecutor(THREADS) as pool:
        for specs, shift in pool.map(viewer, range(THREADS)):
            assert specs == alone[shift:] + alone[:shift]


def test_simulations_give_the_same_numbers_under_contention():
    """Figure computations share no state: results from 12 threads equal the serial ones."""
    seeds = range(THREADS)

    def compute(seed: int):
        trace = sim.simulate_random_rnn("tanh", 16, 60, target=1.2, seed=seed)
        deep = sim.deep_network_gradients(12, 24, "relu", sigma_w=1.4, seed=seed)
        eig = sim.matrix_power_log_norms(sim.gaussian_matrix(12, seed=seed), 40)
        return sim.jacobian_log_norms(trace), deep.log_delta_norms, eig

    serial = [compute(s) for s in seeds]
    barrier = threading.Barrier(THREADS)

    def viewer(seed: int):
        barrier.wait()
        return compute(seed)

    with ThreadPoolExecutor(THREADS) as pool:
        for got, want in zip(pool.map(viewer, seeds), serial, strict=True):
            for a, b in zip(got, want, strict=True):
                np.testing.assert_array_equal(a, b)


def test_numpy_error_state_is_per_thread():
    """``np.errstate`` in one viewer's computation must not silence or raise in another's."""
    inside = threading.Event()
    release = threading.Event()
    seen = {}

    def quiet():
        with np.errstate(all="ignore"):
            inside.set()
            release.wait(10)

    def strict():
        inside.wait(10)
        with np.errstate(over="raise"):
            try:
                np.float64(1e308) * np.float64(10.0)
                seen["raised"] = False
            except FloatingPointError:
                seen["raised"] = True
        release.set()

    threads = [threading.Thread(target=quiet), threading.Thread(target=strict)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert seen == {"raised": True}
