"""Benchmark: the whole Jacobian-norm profile against plain matmuls and the naive method.

:func:`explorer.sim.jacobian_log_norms` promises ``ln ||∂x_T/∂x_k||_2`` for
every lag ``k`` at roughly the cost of the ``T`` matrix products needed to form
the products at all. This module measures that promise on a tanh RNN:

(a) the whole profile (``t = T``);
(b) ``T`` plain ``n x n`` matrix products (``np.dot`` of two random matrices in a
    loop), the unavoidable floor;
(c) the naive method: the explicit running product with a full SVD
    (``np.linalg.norm(P, 2)``) at every lag. It is slow, so only the first
    ``naive_lags`` lags are timed and the time is extrapolated linearly to ``T``
    lags (each lag costs the same: one product plus one SVD of an ``n x n`` matrix).

Wall-clock times are medians over ``repeats``, with (a), (b) and (c) interleaved
so that load from other processes hits all three alike; CPU times
(``time.process_time``) are reported too. On a machine that is busier than its
core count, multi-threaded BLAS pays a wake-up delay on every call and the
profile (a few BLAS calls per lag) suffers more than the bare matmul loop (one
call); the dict records the load average and any BLAS thread variables so a
reading can be interpreted.
"""

from __future__ import annotations

import math
import os
import statistics
import time

import numpy as np

from explorer import sim

__all__ = ["run_jacobian_bench"]

RATIO_TARGET = 3.0
"""The profile should cost at most this many times ``T`` plain matmuls."""

_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _timed(fn) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _naive_log_norms(trace: sim.RNNTrace, lags: int) -> np.ndarray:
    """Explicit product plus a full SVD per lag, for the first ``lags`` lags (newest first).

    The product is divided by its norm after each lag (O(n^2)) only so that it
    cannot underflow; the cost is the SVD.
    """
    T = trace.T
    out = np.empty(lags)
    P = np.eye(trace.n)
    log_scale = 0.0
    for i in range(lags):
        P = P @ sim.step_jacobian(trace, T - i)
        norm = float(np.linalg.norm(P, 2))
        if norm == 0.0:
            out[i:] = -math.inf
            break
        log_scale += math.log(norm)
        out[i] = log_scale
        P /= norm
    return out


def run_jacobian_bench(n: int = 256, T: int = 1000, repeats: int = 3, *, naive_lags: int = 100) -> dict:
    """Time the Jacobian-norm profile against ``T`` matmuls and against the naive method.

    Parameters
    ----------
    n : int, default 256
        Hidden size, ``2 <= n <=`` :data:`explorer.sim.MAX_RNN_SIZE`.
    T : int, default 1000
        Steps (and lags), ``1 <= T <=`` :data:`explorer.sim.MAX_RNN_STEPS`.
    repeats : int, default 3
        Timings are medians over this many runs (``1..50``).
    naive_lags : int, default 100
        Lags timed for the naive method (at most ``T``); its time is
        extrapolated linearly to ``T`` lags.

    Returns
    -------
    dict
        ``profile_seconds``, ``matmul_seconds``, ``naive_seconds`` (extrapolated
        to ``T`` lags; ``naive_seconds_measured`` is the raw time for
        ``naive_lags_timed`` lags, ``naive_extrapolated`` says whether scaling was
        applied), ``ratio_vs_matmuls`` (profile / matmuls, target
        ``ratio_target`` = 3), ``speedup_vs_naive`` (naive / profile), the same
        ratio in CPU time, the per-repeat ratios, the profile's diagnostics
        (exact fallbacks, iterations, certified error bound) and
        ``max_abs_diff_vs_naive`` on the timed lags.

    Raises
    ------
    ValueError
        If an argument is out of range.

    Notes
    -----
    The network is ``simulate_random_rnn("tanh", n, T, target=1.5, seed=0)``: a
    Gaussian ``W_rec`` with ``σ_max = 1.5`` driven by unit-variance inputs, the
    "bound is silent but the gradient still vanishes" regime of Pascanu,
    Mikolov & Bengio (2013).
    """
    for name, value, lo, hi in (
        ("n", n, 2, sim.MAX_RNN_SIZE),
        ("T", T, 1, sim.MAX_RNN_STEPS),
        ("repeats", repeats, 1, 50),
        ("naive_lags", naive_lags, 1, sim.MAX_RNN_STEPS),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise ValueError(f"{name} must be an integer in [{lo}, {hi}], got {value!r}")
    sigma_max = 1.5
    trace = sim.simulate_random_rnn("tanh", n, T, target=sigma_max, input_scale=1.0, seed=0)
    rng = np.random.default_rng(0)
    A = rng.standard_normal((n, n))
    B = rng.standard_normal((n, n))

    def matmuls() -> None:
        for _ in range(T):
            np.dot(A, B)

    # Warm up BLAS threads and caches once, untimed.
    np.dot(A, B)
    sim.jacobian_log_norms(trace, min(T, 5))

    lags = min(naive_lags, T)
    profile_wall, profile_cpu, matmul_wall, matmul_cpu, naive_wall = [], [], [], [], []
    log_norms = naive_values = None
    for _ in range(repeats):
        # Interleaved, so that a burst of load from other processes hits all three alike.
        wall, cpu, log_norms = _timed(lambda: sim.jacobian_log_norms(trace))
        profile_wall.append(wall)
        profile_cpu.append(cpu)
        wall, cpu, _ = _timed(matmuls)
        matmul_wall.append(wall)
        matmul_cpu.append(cpu)
        wall, _, naive_values = _timed(lambda: _naive_log_norms(trace, lags))
        naive_wall.append(wall * T / lags)

    diagnostics = sim.jacobian_profile(trace)
    fast = log_norms[T - 1 :: -1][:lags]  # lag 1, 2, ... like the naive method
    finite = np.isfinite(naive_values)
    max_diff = float(np.max(np.abs(fast[finite] - naive_values[finite]))) if finite.any() else 0.0

    profile_s = statistics.median(profile_wall)
    matmul_s = statistics.median(matmul_wall)
    naive_s = statistics.median(naive_wall)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else math.nan
    return {
        "n": n,
        "T": T,
        "repeats": repeats,
        "activation": "tanh",
        "sigma_max": sigma_max,
        "profile_seconds": profile_s,
        "matmul_seconds": matmul_s,
        "naive_seconds": naive_s,
        "naive_seconds_measured": naive_s * lags / T,
        "naive_lags_timed": lags,
        "naive_extrapolated": lags < T,
        "ratio_vs_matmuls": profile_s / matmul_s,
        "ratio_target": RATIO_TARGET,
        "meets_target": profile_s / matmul_s <= RATIO_TARGET,
        "ratio_per_repeat": [p / m for p, m in zip(profile_wall, matmul_wall, strict=True)],
        "speedup_vs_naive": naive_s / profile_s,
        "speedup_per_repeat": [v / p for v, p in zip(naive_wall, profile_wall, strict=True)],
        "profile_cpu_seconds": statistics.median(profile_cpu),
        "matmul_cpu_seconds": statistics.median(matmul_cpu),
        "ratio_vs_matmuls_cpu": statistics.median(profile_cpu) / statistics.median(matmul_cpu),
        "method": diagnostics.method,
        "n_block_certified": diagnostics.n_block_certified,
        "n_frobenius_certified": diagnostics.n_frobenius_certified,
        "n_exact_fallbacks": diagnostics.n_exact,
        "n_iterations": diagnostics.n_iterations,
        "max_error_bound": diagnostics.max_error_bound,
        "max_abs_diff_vs_naive": max_diff,
        "log_norm_at_lag_T": float(log_norms[0]),
        "cpu_count": os.cpu_count(),
        "load_average_1min": load,
        "blas_threads_env": {k: os.environ[k] for k in _THREAD_VARIABLES if k in os.environ},
    }
