"""Scenarios of the deep-network lab: the one place they live.

Plain values, so this module imports nothing heavy. Every scenario sets every
control, the figure-local ones (``res``, ``alpha``, ``batch``) included.
``tests/lessons/test_deeplab_reading.py`` checks each teaching point against
the simulation.
"""

from explorer.scenario import Scenario

DEFAULTS = {
    "act": "tanh", "init": "gaussian", "crit": True, "sw": 1.0, "sb": 0.05, "depth": 50, "width": 128,
    "seed": 0.0, "res": True, "alpha": 0.3, "batch": 32,
}
"""Every control of the page at its default: the first scenario."""


def _with(**changes) -> dict:
    return {**DEFAULTS, **changes}


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "critical",
        "Tanh on the edge of chaos (χ₁ = 1)",
        "σ_w is set on the critical line for σ_b = 0.05: the squared gradient keeps its mean size at every layer, "
        "and the depth scale ξ is infinite.",
        _with(),
    ),
    Scenario(
        "ordered",
        "Tanh, σ_w = 0.8: the ordered phase",
        "χ₁ < 1: every layer shrinks the mean squared gradient by the same factor, so it vanishes "
        "exponentially towards the input, over a few depth scales ξ.",
        _with(crit=False, sw=0.8, sb=0.1),
    ),
    Scenario(
        "chaotic",
        "Tanh, σ_w = 1.5, σ_b = 0.3: the chaotic phase",
        "χ₁ ≈ 1.06 > 1: the squared gradient grows by about 6 % per layer going back, ×10^1.3 over 50 layers.",
        _with(crit=False, sw=1.5, sb=0.3),
    ),
    Scenario(
        "xavier",
        "Tanh with LeCun/Xavier scaling (σ_w = 1, σ_b = 0)",
        "Variance 1/width is critical for tanh without biases, but q* = 0: the pre-activations shrink slowly "
        "towards 0 and the finite network drifts below χ₁ = 1 at first.",
        _with(crit=False, sw=1.0, sb=0.0),
    ),
    Scenario(
        "he",
        "ReLU with He initialisation (σ_w² = 2)",
        "χ₁ = σ_w²/2 for ReLU whatever σ_b: He's factor 2 exactly makes up for the half of the units that are off.",
        _with(act="relu", crit=True, sb=0.0),
    ),
    Scenario(
        "torch",
        "Tanh with PyTorch's gain 5/3",
        "σ_w = 5/3 (shown as 1.667) is what torch.nn.init.calculate_gain('tanh') gives: χ₁ ≈ 1.21, "
        "chaotic without biases, so gradients grow by about 21 % per layer going back.",
        _with(crit=False, sw=1.667, sb=0.0),
    ),
    Scenario(
        "ortho",
        "Orthogonal weights at criticality: dynamical isometry",
        "Same χ₁ = 1 as Gaussian weights, but the Jacobian's singular values stay close to 1 instead of "
        "spreading over decades (Pennington, Schoenholz & Ganguli 2017).",
        _with(init="orthogonal", depth=100, sb=0.02),
    ),
    Scenario(
        "resnet",
        "Residual rescue: an ordered tanh network with skip connections",
        "Plain, χ₁ ≈ 0.36 wipes out the gradient within a few layers; with x_l = x_{l−1} + α·F(x_{l−1}) "
        "the product of (I + αF′) stays near the identity and the first layer still learns.",
        _with(crit=False, sw=0.6, sb=0.0, depth=100, res=True, alpha=0.3),
    ),
    Scenario(
        "bn",
        "Batch normalisation at initialisation (ReLU, He)",
        "Without normalisation He's ReLU network keeps its gradients flat; with batch norm on every layer the "
        "gradients grow towards the input, as mean-field theory predicts (Yang et al. 2019).",
        _with(act="relu", crit=True, sb=0.0, depth=50, batch=32),
    ),
)
