"""Scenarios of the power-method page: one per preset matrix, plus the row form and your own matrix.

The step slider ``t`` exists only for 2 x 2 matrices, so the random-matrix
scenarios leave it out; every other control is always on the page.
"""

from explorer.scenario import Scenario

DEFAULT_CUSTOM_MATRIX = "1 2\n3 4"
"""What the custom-matrix box holds until the reader types something else."""


def _preset(matrix: str, t: int, steps: int, form: str = "column") -> dict:
    return {"matrix": matrix, "form": form, "t": t, "steps": steps}


SCENARIOS = (
    Scenario(
        "distinct",
        "Distinct real eigenvalues 3 and 1: fast",
        "The unwanted component shrinks threefold per step, so the direction locks onto the dominant "
        "eigenvector in about 20 steps.",
        _preset("distinct", 6, 60),
    ),
    Scenario(
        "close",
        "Close eigenvalues 1 and 0.95: slow",
        "A ratio |λ₂/λ₁| = 0.95 gains only 0.022 digits per step: hundreds of steps before the direction settles.",
        _preset("close", 50, 600),
    ),
    Scenario(
        "symmetric",
        "Symmetric matrix: orthogonal eigenvectors",
        "The eigenvector lines are perpendicular, and the Rayleigh quotient reaches λ₁ twice as fast (in digits) "
        "as the direction.",
        _preset("symmetric", 4, 40),
    ),
    Scenario(
        "rotation",
        "Rotation-scaling: a complex dominant pair",
        "Eigenvalues 1.05·e^(±i30°) have equal size: the norm grows 5% a step, but the direction turns 30° every "
        "step and never converges.",
        _preset("rotation", 12, 100),
    ),
    Scenario(
        "opposite",
        "Equal magnitudes ±√5: oscillation",
        "With +√5 and −√5 neither component wins: the iterate flips between the same two directions forever.",
        _preset("opposite", 7, 40),
    ),
    Scenario(
        "jordan",
        "Jordan block: sublinear convergence",
        "A repeated eigenvalue 1 with a single eigenvector: the angle shrinks only like 1/t and the norm grows "
        "linearly, not geometrically.",
        _preset("jordan", 50, 2000),
    ),
    Scenario(
        "non_normal",
        "Non-normal matrix: growth before decay",
        "Both eigenvalues are below 1, yet the norm first grows about 13-fold: the eigenvalues do not predict the "
        "early steps.",
        _preset("non_normal", 6, 200),
    ),
    Scenario(
        "orthogonal_start",
        "Start orthogonal to the dominant eigenvector",
        "The start has no component along v₁ except rounding error of 1e-16; it looks stuck for about 30 steps "
        "until that error, tripled every step, takes over.",
        _preset("orthogonal_start", 40, 80),
    ),
    Scenario(
        "row_form",
        "Row form xᵀWᵗ: the left eigenvector",
        "The row vector xᵀWᵗ, the form back-propagated gradients take, settles on the left eigenvector of W, "
        "a different line from the one Wᵗx finds.",
        _preset("distinct", 6, 60, form="row"),
    ),
    Scenario(
        "typed",
        "Your own matrix",
        "Type any square matrix up to 16 × 16 in the box; the start vector is random with the seed shown.",
        {"matrix": "custom", "form": "column", "custom": DEFAULT_CUSTOM_MATRIX, "seed": 0, "t": 5, "steps": 60},
    ),
    Scenario(
        "random_real",
        "Random n = 256: a real top eigenvalue",
        "Even when the top eigenvalue of a random matrix is real, the next ones are nearly as large: "
        "about 0.035 digits per step, so 10 digits take close to 300 steps.",
        {"matrix": "random", "form": "column", "n": 256, "g": 1.0, "seed": 32, "steps": 1000},
    ),
    Scenario(
        "random",
        "Random n = 256, g = 1.2: a complex pair",
        "The eigenvalues fill a disc of radius about g = 1.2 and the largest is usually a complex pair: the norm "
        "grows like 1.2ᵗ while the direction keeps turning.",
        {"matrix": "random", "form": "column", "n": 256, "g": 1.2, "seed": 1, "steps": 2000},
    ),
)
"""The first scenario is the page's default view."""
