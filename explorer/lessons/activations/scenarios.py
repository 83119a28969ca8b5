"""Scenarios of the activation-derivatives page."""

from explorer.scenario import Scenario

SCENARIOS = (
    Scenario(
        "classic",
        "Sigmoid, tanh and ReLU side by side",
        "The three classic activations with standard-normal pre-activations.",
        {"show": ["sigmoid", "tanh", "relu"], "slope": 0.1, "xmax": 6.0, "thr": 0.1, "mu": 0.0, "s": 1.0, "depth": 50},
    ),
    Scenario(
        "sigmoid_deep",
        "A deep sigmoid stack",
        "Even at its steepest point the sigmoid passes on only a quarter of the gradient.",
        {"show": ["sigmoid"], "slope": 0.1, "xmax": 6.0, "thr": 0.1, "mu": 0.0, "s": 1.0, "depth": 100},
    ),
    Scenario(
        "saturated",
        "Saturated units (wide pre-activations)",
        "With std 4 most inputs land on the flat tails, where the derivative is almost zero.",
        {"show": ["sigmoid", "tanh"], "slope": 0.1, "xmax": 10.0, "thr": 0.1, "mu": 0.0, "s": 4.0, "depth": 50},
    ),
    Scenario(
        "shifted",
        "Pre-activations drifted to +3",
        "A shifted input saturates sigmoid and tanh but keeps ReLU fully open.",
        {"show": ["sigmoid", "tanh", "relu"], "slope": 0.1, "xmax": 6.0, "thr": 0.1, "mu": 3.0, "s": 1.0, "depth": 50},
    ),
    Scenario(
        "gelu",
        "GELU's slope exceeds one",
        "GELU's slope exceeds 1 for x > 0.752 (peaking at 1.13 at x = √2), so its worst-case bound grows with depth.",
        {"show": ["gelu", "relu", "identity"], "slope": 0.1, "xmax": 4.0, "thr": 0.1, "mu": 0.0, "s": 1.0, "depth": 50},
    ),
    Scenario(
        "leaky",
        "Dead ReLUs and the leaky fix",
        "With inputs centred at -1, most ReLUs pass nothing back; a leaky slope keeps a floor.",
        {"show": ["relu", "leaky_relu"], "slope": 0.1, "xmax": 6.0, "thr": 0.1, "mu": -1.0, "s": 1.0, "depth": 50},
    ),
)
