"""Scenarios of the Jacobian-bound page: the one place they live.

Plain values, so this module imports nothing heavy.
``tests/lessons/test_jacobian_reading.py`` checks each scenario's teaching
point against the simulation; the page tests check that every scenario runs.

Every control of both views exists on every run (the closed view's sit in an
expander), so every scenario sets all of them: ``view`` picks what is shown.
"""

from explorer.scenario import Scenario

RNN_DEFAULTS = {
    "act": "tanh", "form": "pascanu", "kind": "gaussian", "tkind": "sigma_max",
    "target": 0.9, "n": 64, "T": 200, "inp": 1.0, "bias": 0.0, "seed": 0.0,
    "sweep": ["sigmoid", "tanh", "relu"], "decades": 6,
}
"""Defaults of the recurrent view's controls (preset ``tanh_vanishing``)."""

DEEP_DEFAULTS = {
    "d_act": "sigmoid", "d_init": "gaussian", "d_sw": 1.0, "d_sb": 0.0, "d_depth": 30, "d_width": 128, "d_seed": 0.0,
}
"""Defaults of the deep view's controls (preset ``sigmoid_vanishing``)."""

DEFAULTS = {"view": "rnn", **RNN_DEFAULTS, **DEEP_DEFAULTS}
"""Every control of the page at its default: the first scenario."""


def _rnn(**changes) -> dict:
    return {**DEFAULTS, **changes}


def _deep(**changes) -> dict:
    return {**DEFAULTS, "view": "deep", **changes}


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "tanh_vanishing",
        "Tanh, σ_max = 0.9: vanishing guaranteed",
        "η = 0.9 × 1 < 1, so every factor spanning k steps is at most 0.9ᵏ; the measured one falls much faster.",
        _rnn(),
    ),
    Scenario(
        "tanh_edge",
        "Tanh, σ_max = 1.2: the bound is silent",
        "η = 1.2 > 1 lets the bound grow, yet the measured products still shrink: failing the test is not exploding.",
        _rnn(target=1.2),
    ),
    Scenario(
        "sigmoid_sigma3",
        "Sigmoid, σ_max = 3: still below 1/γ = 4",
        "The sigmoid's slope never exceeds ¼, so the threshold on σ_max is 4, not 1: η = 0.75, vanishing is certain.",
        _rnn(act="sigmoid", target=3.0),
    ),
    Scenario(
        "exploding",
        "Tanh, σ_max = 6: exploding",
        "W stretches more than saturation shrinks: the products grow exponentially, though far below the bound 6ᵏ.",
        _rnn(target=6.0, inp=0.1),
    ),
    Scenario(
        "linear_orthogonal",
        "Linear, orthogonal W: norms stay exactly 1",
        "With the identity activation every product is orthogonal: all singular values are 1, the bound is attained.",
        _rnn(act="identity", kind="orthogonal", target=1.0),
    ),
    Scenario(
        "deep_sigmoid",
        "Deep network: sigmoid, Gaussian weights",
        "The same bound across layers: with γ = ¼ and ‖w‖₂ ≈ 2 it halves per layer, and the gradient falls faster.",
        _deep(),
    ),
    Scenario(
        "deep_relu_he",
        "Deep network: ReLU with He initialisation",
        "He's variance 2/width makes up for the ReLUs that are off: the gradient keeps its size, the bound explodes.",
        _deep(d_act="relu", d_init="he"),
    ),
    Scenario(
        "deep_tanh_orthogonal",
        "Deep network: tanh, orthogonal weights",
        "‖w‖₂ = 1 exactly, so the bound stays flat and only the tanh slopes shrink the gradient.",
        _deep(d_act="tanh", d_init="orthogonal"),
    ),
    Scenario(
        "nilpotent",
        "Nilpotent W: ρ = 0, yet the products grow for n − 1 steps",
        "Every eigenvalue is 0 but σ_max = 2: at the fixed point x = 0 the product over k < n steps has norm 2ᵏ, "
        "and from k = n on it is exactly 0 — a bounded transient, not an explosion.",
        _rnn(kind="nilpotent", target=2.0, n=20, T=40, inp=0.0),
    ),
    Scenario(
        "spectral_radius_target",
        "Spectral radius 0.95 instead of σ_max",
        "Scaling W to ρ = 0.95 leaves σ_max near 1.9: the guarantee is gone, and the products rise before they decay.",
        _rnn(tkind="spectral_radius", target=0.95, inp=0.01),
    ),
)
