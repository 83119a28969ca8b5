"""Scenarios of the cliffs page: the one place they live.

Plain values, so this module imports nothing heavy. Every scenario sets every
control: the landscape window and resolution (page-wide), the slice's ``w``,
and the training figure's start point, learning rate, iterations and τ.
``tests/lessons/test_cliffs_reading.py`` checks each teaching point against the
simulation.
"""

from explorer.scenario import Scenario

DEFAULTS = {
    "window": "wide", "n": 81, "sw": 5.0,
    "w0": 5.0, "b0": -2.6103, "lr": 0.02, "iters": 200, "tau": 1.0,
}
"""Every control at its default: the first scenario (start on the wall at w = 5)."""


def _with(**changes) -> dict:
    return {**DEFAULTS, **changes}


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "wall",
        "At the wall",
        "The start sits 0.002 above b_c at w = 5: within two steps ‖∇E‖ passes 1,000 and the unclipped step throws "
        "(w, b) about 29 units away onto a flat plateau; clipped to τ = 1 each step moves at most 0.02.",
        _with(),
    ),
    Scenario(
        "far",
        "Far from the wall",
        "At w = 2 there is no wall (w σ′(0.5) < 1): ‖∇E‖ stays below τ, clipping never acts, and all three runs "
        "descend together.",
        _with(sw=2.0, w0=2.0, b0=-1.0, lr=0.1),
    ),
    Scenario(
        "saved",
        "Clipping saves the run",
        "Descending towards the wall from above, the unclipped run steps onto it and is thrown 6 units away, where "
        "E stays at 0.09; clipped by norm to τ = 0.1 it never crosses b_c(w) and reaches E below 10⁻⁴.",
        _with(sw=4.5, w0=4.5, b0=-2.25, lr=0.1, tau=0.1),
    ),
    Scenario(
        "crawl",
        "Threshold too small: clipped SGD crawls",
        "With τ = 0.002, far below half the average ‖∇E‖, every clipped step is 0.0004 long: after 200 iterations "
        "the clipped runs have hardly left E ≈ 0.44, where τ = 1 would have trained.",
        _with(w0=5.0, b0=-3.5, lr=0.2, tau=0.002),
    ),
)
"""The first scenario is the page's default view."""
