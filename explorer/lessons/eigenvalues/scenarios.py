"""Scenarios of the eigenvalue page ("Eigenvalues: explode or decay").

Every scenario sets every control, including those of the sources and modes
it does not use, so choosing it always gives exactly the same view whatever
was on the page before. Per-mode controls are numbered 1..4: ``kind{i}`` is
``"pos"`` (real, lambda > 0), ``"neg"`` (real, lambda < 0) or ``"pair"``
(conjugate pair), ``mag{i}`` is ``|lambda|`` and ``deg{i}`` the angle of a
pair in degrees. ``decades`` is the modes figure's own depth below
``||W^t x||`` and ``probe`` the step the rate figure reads out. This module
is the one place for the page's scenarios (the sim keeps no preset table);
the sim's tests run them through the same calls.
"""

from explorer.scenario import Scenario

DEFAULTS: dict = {
    "source": "modes",
    "seed": 0,
    "count": 3,
    "nu": 0.0,
    "kind1": "pos", "mag1": 0.9, "deg1": 60,
    "kind2": "pair", "mag2": 0.8, "deg2": 52,
    "kind3": "neg", "mag3": 0.5, "deg3": 60,
    "kind4": "pos", "mag4": 0.3, "deg4": 60,
    "jlam": 1.0,
    "jsize": 4,
    "n": 200,
    "g": 1.0,
    "steps": 100,
    "decades": 6,
    "probe": 10,
}
"""The controls' defaults: the values of the first scenario."""


def _values(**changes) -> dict:
    unknown = set(changes) - set(DEFAULTS)
    if unknown:
        raise KeyError(f"unknown controls {sorted(unknown)}")
    return {**DEFAULTS, **changes}


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "all_inside",
        "All eigenvalues inside the unit circle",
        "Every mode shrinks by its own |λ| each step, so the signal fades at the pace of the slowest mode (0.9).",
        _values(),
    ),
    Scenario(
        "one_outside",
        "One mode just outside: |λ| = 1.05",
        "One eigenvalue of 1.05 is enough: the other modes fade and that one doubles about every 14 steps.",
        _values(mag1=1.05, mag2=0.9, mag3=0.6, steps=150),
    ),
    Scenario(
        "critical_rotation",
        "Critical rotation: a pair on the unit circle",
        "A pair with |λ| = 1 only turns the signal by 30° a step: in a normal matrix its size never changes.",
        _values(count=2, kind1="pair", mag1=1.0, deg1=30, kind2="pos", mag2=0.7),
    ),
    Scenario(
        "nonnormal_transient",
        "Non-normal: growth before decay",
        "All four eigenvalues are inside the circle, but the eigenvectors almost coincide (cond(V) = 100): "
        "‖Wᵗ‖ climbs to about 28 before it decays.",
        _values(count=4, nu=0.99, kind1="pos", mag1=0.97, kind2="pos", mag2=0.9, kind3="pos", mag3=0.8,
                kind4="pos", mag4=0.7, steps=300),
    ),
    Scenario(
        "jordan_critical",
        "Jordan block at λ = 1: polynomial growth",
        "Every eigenvalue equals 1, yet a 4 × 4 Jordan block grows like t³/6: growth no eigenvalue predicts.",
        _values(source="jordan", jlam=1.0, jsize=4, steps=200),
    ),
    Scenario(
        "jordan_inside",
        "Jordan block at λ = 0.9: a huge hump",
        "λ = 0.9 wins in the end, but an 8 × 8 Jordan block first multiplies by about a million.",
        _values(source="jordan", jlam=0.9, jsize=8, steps=400),
    ),
    Scenario(
        "float_overflow",
        "|λ| = 3: leaving float32 and float64",
        "3ᵗ passes the largest float32 (3.4·10³⁸) at t = 81 and the largest float64 (1.8·10³⁰⁸) at t = 647.",
        _values(count=2, kind1="pos", mag1=3.0, kind2="neg", mag2=0.5, steps=1000),
    ),
    Scenario(
        "float_underflow",
        "|λ| = 0.6: sinking below the float range",
        "0.6ᵗ drops below the smallest normal float32 (1.2·10⁻³⁸) at t = 171 and below float64's (2.2·10⁻³⁰⁸) "
        "at t = 1387.",
        _values(count=2, kind1="pos", mag1=0.6, kind2="neg", mag2=0.4, steps=1500),
    ),
    Scenario(
        "random_0.9",
        "Random Gaussian W, gain 0.9",
        "The eigenvalues of a random matrix fill a disc of radius g (circular law); with g = 0.9 a signal "
        "shrinks by about 10% a step.",
        _values(source="random", n=200, g=0.9, seed=4),
    ),
    Scenario(
        "random_1.0",
        "Random Gaussian W, gain 1.0",
        "At g = 1 the disc just reaches the unit circle: the signal changes by about 1% per step, far slower than at "
        "g = 0.9 or 1.1 (with finite n the largest |λ| lands a little inside or outside the circle).",
        _values(source="random", n=200, g=1.0, seed=4),
    ),
    Scenario(
        "random_1.1",
        "Random Gaussian W, gain 1.1",
        "With g = 1.1 the disc pokes out of the unit circle and the signal grows by about 10% a step.",
        _values(source="random", n=200, g=1.1, seed=4),
    ),
)
