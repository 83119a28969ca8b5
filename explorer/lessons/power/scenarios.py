"""Scenarios of the power-method page, and the page's own words for each matrix.

:data:`MATRICES` is the one place for what the page says about a matrix: its
label in the picker, its title and its teaching point. The matrices themselves
come from :mod:`explorer.sim`; the URL carries only the short key
(``?pm_matrix=random``), so renaming a label never breaks a slide.

The step slider ``t`` exists only for 2 x 2 matrices, so the random-matrix
scenarios leave it out; every other control is always on the page.
"""

from dataclasses import dataclass

from explorer.scenario import Scenario


@dataclass(frozen=True)
class MatrixText:
    """What the page says about one choice of matrix.

    Attributes
    ----------
    picker : str
        Label in the matrix picker. Kept as it was when the URL still held labels, so an old
        link such as ``?pm_matrix=Random+Gaussian+n+×+n,+gain+g`` still opens the same matrix.
    title : str
        Bold lead of the description under the picker.
    teaching : str
        One sentence: what to notice when the power method runs on it.
    """

    picker: str
    title: str
    teaching: str


MATRICES: dict[str, MatrixText] = {
    "distinct": MatrixText(
        "Distinct real eigenvalues (3 and 1)", "Distinct real eigenvalues (3 and 1)",
        "Each step shrinks the non-dominant component by a factor of 3 relative to the dominant one, "
        "so the direction locks onto the dominant eigenvector within a couple of dozen steps."),
    "close": MatrixText(
        "Close eigenvalues (1 and 0.95)", "Close eigenvalues (1 and 0.95)",
        "With |λ₂/λ₁| = 0.95 the unwanted component loses only about 5% per step relative to the dominant "
        "one, so hundreds of steps pass before the direction settles."),
    "symmetric": MatrixText(
        "Symmetric matrix", "Symmetric matrix",
        "Eigenvectors of a symmetric matrix are perpendicular and the Rayleigh quotient error shrinks "
        "like ratio^(2t), twice as fast in digits as the direction itself."),
    "rotation": MatrixText(
        "Rotation-scaling (complex pair)", "Rotation-scaling (complex pair)",
        "The eigenvalues 1.05·e^(±i30°) have equal size, so the norm grows steadily but the direction "
        "turns 30° every step and never settles on a line."),
    "opposite": MatrixText(
        "Equal magnitudes, opposite signs", "Equal magnitudes, opposite signs",
        "With eigenvalues +√5 and −√5 neither component wins: W² = 5I, so the iterate flips "
        "back and forth between two directions forever."),
    "jordan": MatrixText(
        "Jordan block", "Jordan block",
        "Both eigenvalues equal 1, yet the norm grows linearly in t and the direction creeps toward the "
        "only eigenvector with an error that shrinks like 1/t rather than geometrically."),
    "non_normal": MatrixText(
        "Non-normal matrix", "Non-normal matrix",
        "Both eigenvalues are below 1 so the iterate must eventually vanish, but the large off-diagonal "
        "entry first amplifies it more than tenfold: eigenvalues alone do not predict the early steps."),
    "orthogonal_start": MatrixText(
        "Start orthogonal to the dominant eigenvector", "Start orthogonal to the dominant eigenvector",
        "In exact arithmetic the dominant component is zero and would stay zero; in float64 it starts near "
        "10⁻¹⁶ and triples every step, so after roughly 30 steps of apparent stalling it takes over."),
    "random": MatrixText(
        "Random Gaussian n × n, gain g", "Random Gaussian matrix (n = {n}, g = {g:g})",
        "A random matrix with entries N(0, g²/n) has eigenvalues filling a disc of radius about g, so "
        "the norm grows or decays like gᵗ and the direction often settles slowly or keeps turning."),
    "custom": MatrixText(
        "Custom: type your own", "Your matrix (n = {n})",
        "Your own matrix: the spectrum below predicts how fast the direction settles, and the charts check it."),
}
"""Every choice of the matrix picker, keyed by the short value the URL carries."""

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
