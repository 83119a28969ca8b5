"""The pages' named scenarios, mapped to the sim calls the pages make.

The scenarios (``Scenario(key, label, note, values)``, plain control values)
are the one place where the teaching examples live; the tests of the teaching
points run them through these functions instead of keeping presets in
``explorer.sim``. Each mapping mirrors what the page's view does with the same
controls.
"""

from __future__ import annotations

import math

import numpy as np

from explorer import sim

try:
    from explorer.lessons.eigenvalues.scenarios import SCENARIOS as EIGENVALUE_SCENARIOS
    from explorer.lessons.jacobian.scenarios import SCENARIOS as JACOBIAN_SCENARIOS
except ImportError:  # the layout before the pages moved to explorer/lessons/<page>/
    from explorer.scenarios.jacobian import SCENARIOS as JACOBIAN_SCENARIOS
    from explorer.scenarios.spectra import SCENARIOS as EIGENVALUE_SCENARIOS

__all__ = ["EIGENVALUE_SCENARIOS", "JACOBIAN_SCENARIOS", "deep_gradients", "rnn_trace", "scenario_values",
           "spectrum_matrix"]


def scenario_values(scenarios, key: str) -> dict:
    """The control values of scenario ``key``."""
    for s in scenarios:
        if s.key == key:
            return dict(s.values)
    raise KeyError(f"no scenario {key!r}; have {[s.key for s in scenarios]}")


def rnn_trace(key: str) -> sim.RNNTrace:
    """The recurrent network of the Jacobian page's scenario ``key`` (its ``view`` is ``"rnn"``)."""
    v = scenario_values(JACOBIAN_SCENARIOS, key)
    assert v["view"] == "rnn", key
    return sim.simulate_random_rnn(v["act"], int(v["n"]), int(v["T"]), kind=v["kind"], target=v["target"],
                                   target_kind=v["tkind"], input_scale=v["inp"], bias=v["bias"],
                                   seed=int(v["seed"]), form=v["form"])


def deep_gradients(key: str, *, seed: int | None = None) -> sim.DeepGradients:
    """The deep network of the Jacobian page's scenario ``key`` (its ``view`` is ``"deep"``).

    ``seed`` replaces the scenario's own, so a claim can be checked on another draw.
    """
    v = scenario_values(JACOBIAN_SCENARIOS, key)
    assert v["view"] == "deep", key
    return sim.deep_network_gradients(int(v["d_depth"]), int(v["d_width"]), v["d_act"], sigma_w=v["d_sw"],
                                      sigma_b=v["d_sb"], init=v["d_init"],
                                      seed=int(v["d_seed"]) if seed is None else seed)


def _mode(kind: str, mag: float, deg: float) -> tuple:
    if kind == "pair":
        return (float(mag), math.radians(deg), "pair")
    return (float(mag), math.pi if kind == "neg" else 0.0, "real")


def spectrum_matrix(key: str) -> tuple[np.ndarray, int]:
    """``(W, steps)`` of the eigenvalue page's scenario ``key``."""
    v = scenario_values(EIGENVALUE_SCENARIOS, key)
    if v["source"] == "modes":
        modes = [_mode(v[f"kind{i}"], v[f"mag{i}"], v[f"deg{i}"]) for i in range(1, int(v["count"]) + 1)]
        W = sim.matrix_from_eigenvalues(sim.spectrum_from_modes(modes), nonnormality=v["nu"], seed=int(v["seed"]))
    elif v["source"] == "jordan":
        W = sim.jordan_block(v["jlam"], int(v["jsize"]))
    else:
        W = sim.gaussian_matrix(int(v["n"]), v["g"], int(v["seed"]))
    return W, int(v["steps"])
