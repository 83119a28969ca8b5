"""NumPy snippets of the Jacobian-bound page: each figure's numbers from explorer.sim at the current settings (pure).

Each function takes what its figure takes (and the figure's own controls as keywords)
and returns Python source for a notebook; the test-suite runs each one for every
scenario and compares its variables with the page's numbers.
"""

from __future__ import annotations

from explorer.lessons.jacobian import reading as rd
from explorer.lessons.jacobian.scenarios import DEEP_DEFAULTS, RNN_DEFAULTS

HEAD = "import numpy as np\nfrom explorer import sim\n\n"


def rnn_code(s: rd.RNNSettings) -> str:
    """The page's recurrent network, run for T steps."""
    return (f"tr = sim.simulate_random_rnn({s.act!r}, {s.n}, {s.T}, kind={s.kind!r}, target={s.target!r},\n"
            f"                             target_kind={s.tkind!r}, input_scale={s.inp!r}, bias={s.bias!r},\n"
            f"                             seed={s.seed}, form={s.form!r})\n")


def bound(s: rd.RNNSettings, **_) -> str:
    return (HEAD + rnn_code(s)
            + "log_norms = sim.jacobian_log_norms(tr)  # ln ||dx_T/dx_k||, k = 0..T\n"
              "log_bound = sim.pascanu_log_bound(tr)  # ln eta^(T-k), eta = ||W_rec|| * gamma\n"
              "log_data_bound = sim.data_dependent_log_bound(tr)  # the sharper, data-dependent bound\n"
              "print('log10 at k = 0:', log_norms[0] / np.log(10), 'bound:', log_bound[0] / np.log(10))\n")


def sweep(s: rd.RNNSettings, sweep: tuple = tuple(RNN_DEFAULTS["sweep"]), **_) -> str:
    acts = rd.sweep_activations(sweep, s.act)
    steps = rd.sweep_steps(s.n, s.T)
    return (HEAD + "results = {}\n"
            f"for act in {list(acts)!r}:\n"
            f"    scales = np.geomspace(0.1, 4.0 / sim.activation(act).gamma, {rd.SWEEP_SCALES})  # sigma_max values\n"
            f"    results[act] = sim.growth_rate_sweep(act, {s.n}, {steps}, scales, kind={s.kind!r}, seed={s.seed},\n"
            f"                                         form={s.form!r}, input_scale={s.inp!r}, bias={s.bias!r})\n"
            "print({a: r for a, r in results.items()})\n")


def pairs(s: rd.RNNSettings, **_) -> str:
    return (HEAD + rnn_code(s)
            + f"steps = sim.jacobian_grid_steps({s.T}, {s.n}, max_cells={rd.GRID_CELLS})\n"
              "grid = sim.jacobian_norm_grid(tr, steps)  # ||dx_t/dx_k|| for t >= k\n"
              "print(grid)\n")


def saturation(s: rd.RNNSettings, **_) -> str:
    return (HEAD + rnn_code(s)
            + "profile = sim.saturation_profile(tr)  # every sigma' that enters a Jacobian factor\n"
              "derivatives = profile.derivatives\n"
              "print(profile.gamma, profile.mean_derivative, profile.fraction_saturated)\n")


def terms(s: rd.RNNSettings, decades: int = RNN_DEFAULTS["decades"], **_) -> str:
    return (HEAD + rnn_code(s)
            + "log_terms = sim.temporal_contributions(tr)  # ln of each step's share of the gradient\n"
              "log_bounds = sim.temporal_contribution_log_bounds(tr)\n"
              f"horizon = sim.memory_horizon(log_terms, decades={int(decades)})\n"
              "print(horizon)\n")


def deep(d_act: str = DEEP_DEFAULTS["d_act"], d_init: str = DEEP_DEFAULTS["d_init"],
         d_sw: float = DEEP_DEFAULTS["d_sw"], d_sb: float = DEEP_DEFAULTS["d_sb"],
         d_depth: int = DEEP_DEFAULTS["d_depth"], d_width: int = DEEP_DEFAULTS["d_width"],
         d_seed: int = DEEP_DEFAULTS["d_seed"], **_) -> str:
    return (HEAD + f"g = sim.deep_network_gradients({int(d_depth)}, {int(d_width)}, {d_act!r},\n"
            f"                              sigma_w={float(d_sw)!r}, sigma_b={float(d_sb)!r},\n"
            f"                              init={d_init!r}, seed={int(d_seed)})\n"
            "summary = sim.deep_gradient_summary(g)\n"
            "log_delta_norms, log_bound = g.log_delta_norms, g.log_bound  # ln ||delta^l|| and its bound per layer\n"
            "print('log10 ||delta|| first and last layer:', log_delta_norms[[0, -1]] / np.log(10))\n")
