"""What the power-method page computes and says: typed settings and results per figure, and their text.

Pure functions: no Streamlit, no Altair. The view builds a :class:`MatrixSettings`
from the page-wide controls, asks for one cached result per figure
(:func:`plane_result`, :func:`convergence_result`, :func:`spectrum_result`) and lays
out the text these functions return. Every threshold and every choice of words
that depends on the numbers lives here, where it is unit-tested branch by branch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from explorer import sim
from explorer.format import complex_text, fmt_pow10, fmt_sci
from explorer.lessons.power.scenarios import DEFAULT_CUSTOM_MATRIX, MATRICES
from explorer.reading import Verdict, regime_of_rate
from explorer.sim import Regime

DIGITS = 10.0
"""Target accuracy of the direction, in decimal digits (theory and measurement alike)."""

PLANE_STEPS = 50
"""Steps the plane picture can show."""

CUSTOM_MAX_N = 16
"""Largest typed matrix."""

HEAVY_WORK = 100_000
"""``n × steps`` from which the power method gets a spinner."""

SPLIT_KINDS = ("opposite_sign", "tied", "nilpotent")
"""Spectra with no single turn angle predicted by ``arg λ₁``."""

GEOMETRIC_KINDS = ("simple", "repeated")
ANGLE_KINDS = ("simple", "repeated", "defective")
"""Spectra whose iterate has a dominant eigenvector to measure an angle to."""

LATE_FACTOR, LATE_SLACK = 1.5, 5
"""Reaching the target later than ``1.5 × predicted + 5`` steps earns an explanation."""

TRANSIENT_LOG10 = 0.3
"""A peak gain above ``10^0.3 ≈ 2`` while ``|λ₁| < 1`` is called a non-normal transient."""

FLOAT64_FLOOR = 1e-14
"""Angles below this are at float64's resolution (about 1e-16 rad)."""

TINY_TURN_DEG = 1e-6
"""Turns below this many degrees are printed as ``< 10⁻⁶°``."""


# ---------------------------------------------------------------------------
# figure titles: the claim each figure makes

WORD_JOINER = "\u2060"


def unbroken(text: str) -> str:
    """``text`` with no line break allowed after ``|`` or ``/``, so ``|λ₂/λ₁|ᵗ`` never wraps inside itself."""
    return text.replace("|", "|" + WORD_JOINER).replace("/", "/" + WORD_JOINER)


PLANE_TITLE = unbroken("One step at a time, in the plane: the direction drifts toward the line of larger |λ|")
CONVERGENCE_TITLE = unbroken("Over many steps the angle to v₁ shrinks like |λ₂/λ₁|ᵗ and the norm like |λ₁|ᵗ")
SPECTRUM_TITLE = "Where the eigenvalues sit: the largest circle wins, if it is alone there"


# ---------------------------------------------------------------------------
# page-wide settings: which matrix, which form


@dataclass(frozen=True)
class MatrixSettings:
    """The page-wide choice: a key of :data:`MATRICES` and what that choice depends on.

    Only the parameters the choice uses are kept (see :meth:`of`), so two views of
    the same matrix share one cache entry whatever the unused controls hold.
    """

    matrix: str
    form: str = "column"
    n: int = 0
    gain: float = 0.0
    seed: int = 0
    rows: tuple[tuple[float, ...], ...] = ()

    @classmethod
    def of(cls, matrix: str, form: str, *, n: int, gain: float, seed: int,
           rows: tuple[tuple[float, ...], ...]) -> MatrixSettings:
        """The settings of ``matrix``, keeping only the parameters that choice uses."""
        if matrix == "random":
            return cls(matrix, form, n=int(n), gain=float(gain), seed=int(seed))
        if matrix == "custom":
            return cls(matrix, form, seed=int(seed), rows=tuple(tuple(map(float, r)) for r in rows))
        return cls(matrix, form)

    @property
    def iterated_name(self) -> str:
        """How the iterated matrix is written: ``W`` (column form) or ``Wᵀ`` (row form)."""
        return "Wᵀ" if self.form == "row" else "W"


def matrix_of(s: MatrixSettings) -> sim.PresetMatrix:
    """The matrix and start vector of a choice, from the sim."""
    if s.matrix == "random":
        return sim.random_gaussian_preset(s.n, s.gain, s.seed)
    if s.matrix == "custom":
        return sim.custom_preset(np.array(s.rows, dtype=float), s.seed)
    return sim.preset_matrix(s.matrix)


def picker_label(key: str) -> str:
    """Label of a matrix in the picker (the URL holds the key)."""
    return MATRICES[key].picker


Rows = tuple[tuple[float, ...], ...]


def parse_rows(text: str) -> Rows:
    """A typed matrix as nested tuples (hashable); raises :class:`explorer.sim.MatrixInputError`."""
    return tuple(map(tuple, sim.parse_matrix(text, max_size=CUSTOM_MAX_N).tolist()))


DEFAULT_ROWS: Rows = parse_rows(DEFAULT_CUSTOM_MATRIX)
"""The custom matrix until the reader types one that can be read."""


def matrix_error_text(err: Exception) -> str:
    """What the page says beside a typed matrix it cannot read."""
    return f"{err}. The page keeps using the last matrix that could be read."


@dataclass(frozen=True)
class TypedMatrix:
    """The rows the page uses for a typed matrix, and the parser's complaint if the text could not be read."""

    rows: Rows
    problem: str | None = None


def read_typed(text: str, last_good: Rows = DEFAULT_ROWS) -> TypedMatrix:
    """The typed matrix, or ``last_good`` with the reason when the text is not a matrix."""
    try:
        return TypedMatrix(parse_rows(text))
    except sim.MatrixInputError as err:
        return TypedMatrix(last_good, matrix_error_text(err))


@dataclass(frozen=True)
class MatrixDescription:
    """What the page shows about the chosen matrix, above the figures."""

    n: int
    title: str
    teaching: str
    form_text: str
    latex: tuple[str, ...]
    """Equations to typeset (``W = …`` and ``x₀ = …``), for ``n ≤ 4``."""
    code: str | None
    """The matrix as aligned text, for ``4 < n ≤ CUSTOM_MAX_N``."""
    plain: str | None
    """A sentence instead, for larger matrices."""

    @property
    def side_by_side(self) -> bool:
        """Text beside the matrix for 2 × 2 and large matrices; below a 3 × 3 to 16 × 16 one (it needs the width)."""
        return self.n <= 2 or self.n > CUSTOM_MAX_N


def latex_matrix(a: np.ndarray) -> str:
    """A matrix (or a row) as LaTeX ``bmatrix`` with 4 significant digits."""
    rows = sim.format_matrix(np.atleast_2d(a), precision=4).splitlines()
    return r"\begin{bmatrix}" + r"\\".join(" & ".join(r.split()) for r in rows) + r"\end{bmatrix}"


FORM_TEXT = {
    "row": ("Iterating the **row form xᵀWᵗ**, as Goodfellow et al. write it in §8.2.5 and the way a gradient "
            "row vector travels back through time: it settles on the **left** eigenvector of W "
            "(uᵀW = λuᵀ, the eigenvector of Wᵀ)."),
    "column": ("Iterating the **column form Wᵗx**: it settles on the **right** eigenvector of W (Wv = λv). "
               "Switch to the row form xᵀWᵗ to follow a gradient instead."),
}


def describe_matrix(s: MatrixSettings, p: sim.PresetMatrix) -> MatrixDescription:
    """Title, teaching point and the matrix itself, in the form its size allows."""
    n = int(p.W.shape[0])
    text = MATRICES[s.matrix]
    latex: tuple[str, ...] = ()
    code = plain = None
    if n <= 4:
        latex = (rf"W = {latex_matrix(p.W)}", rf"x_0 = {latex_matrix(p.x0[None, :])}^\top")
    elif n <= CUSTOM_MAX_N:
        code = sim.format_matrix(p.W, precision=3)
    else:
        plain = f"W is a {n} × {n} matrix; x₀ is a random unit vector."
    return MatrixDescription(n, text.title.format(n=n, g=s.gain), text.teaching, FORM_TEXT[s.form],
                             latex, code, plain)


def no_plane_text(n: int) -> str:
    """Why there is no plane picture."""
    return f"The plane picture needs a 2 × 2 matrix; this W is {n} × {n}."


def is_heavy(s: MatrixSettings, steps: int) -> bool:
    """Whether the power method is slow enough to show a spinner (only a large random matrix is)."""
    return s.n * steps >= HEAVY_WORK


# ---------------------------------------------------------------------------
# figure 1: one step at a time, in the plane (n = 2)


@dataclass(frozen=True, eq=False)
class PlaneResult:
    """The first :data:`PLANE_STEPS` + 1 steps of a 2 × 2 matrix, and its geometry."""

    directions: np.ndarray
    log10_norm: np.ndarray
    rayleigh: np.ndarray
    angle: np.ndarray
    image: sim.CircleImage
    lines: tuple[sim.EigenLine, ...]
    matrix_name: str

    def next_vector(self, t: int) -> np.ndarray:
        """The iterated matrix applied to the unit direction at step ``t``: a point on the image ellipse."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self.directions[t + 1] * 10.0 ** (self.log10_norm[t + 1] - self.log10_norm[t])

    def state(self, t: int) -> PlaneState:
        return PlaneState(t, float(self.log10_norm[t]), float(self.rayleigh[t]), float(self.angle[t]))


def plane_result(s: MatrixSettings) -> PlaneResult:
    p = matrix_of(s)
    tr = sim.power_method(p.W, p.x0, PLANE_STEPS + 1, form=s.form)
    M = p.W.T if s.form == "row" else p.W
    return PlaneResult(tr.direction, tr.log10_norm, tr.rayleigh, tr.angle, sim.unit_circle_image(M),
                       tuple(sim.eigen_lines(M)), s.iterated_name)


@dataclass(frozen=True)
class PlaneState:
    """The numbers beside the plane picture at step ``t``."""

    t: int
    log10_norm: float
    rayleigh: float
    angle: float
    """Radians; NaN when there is no unique dominant eigenvector."""


def plane_step_text(state: PlaneState) -> str:
    """The size, Rayleigh quotient and angle at the step shown."""
    angle = (f"angle to the dominant eigenvector {math.degrees(state.angle):.4g}°." if math.isfinite(state.angle)
             else "no unique dominant eigenvector to measure an angle to.")
    return (f"**Step t = {state.t}.** ‖x_t‖ = {fmt_pow10(state.log10_norm)}; Rayleigh quotient "
            f"r_t = {state.rayleigh:.6g}; {angle}")


PLANE_CAPTION = (
    "The grey unit circle holds every direction; the purple ellipse is where one multiplication sends it. "
    "Each step takes the orange direction x_t to the red point on the ellipse and rescales it back to the "
    "circle. Dashed black lines are eigenvector lines, mapped onto themselves: the iterates drift toward "
    "the one with the larger |λ|. With complex eigenvalues there is no such line."
)


# ---------------------------------------------------------------------------
# figure 2: convergence over many steps


@dataclass(frozen=True, eq=False)
class ConvergenceResult:
    """One run of the power method, reduced to what the figure shows (no n × steps directions)."""

    steps: int
    n: int
    form: str
    log10_norm: np.ndarray
    angle: np.ndarray
    rayleigh: np.ndarray
    turns: np.ndarray
    theory_log10_angle: np.ndarray
    dominant: complex
    summary: sim.ConvergenceSummary
    measured: sim.MeasuredConvergence

    @property
    def kind(self) -> str:
        return self.summary.kind

    @property
    def log10_lambda1(self) -> float:
        """Slope of the theory line of ``log10 ‖x_t‖``."""
        return self.summary.log_growth_per_step / math.log(10.0)


def convergence_result(s: MatrixSettings, steps: int) -> ConvergenceResult:
    p = matrix_of(s)
    tr = sim.power_method(p.W, p.x0, steps, form=s.form)
    return ConvergenceResult(
        steps=int(steps), n=int(p.W.shape[0]), form=s.form, log10_norm=tr.log10_norm, angle=tr.angle,
        rayleigh=tr.rayleigh, turns=sim.direction_turns(tr), theory_log10_angle=sim.theory_log10_angle(tr),
        dominant=complex(tr.dominant_eigenvalue), summary=sim.convergence_summary(tr, digits=DIGITS),
        measured=sim.measure_convergence(tr, digits=DIGITS),
    )


def _num(x: float, spec: str = ".3g", prefix: str = "", suffix: str = "") -> str:
    return f"{prefix}{x:{spec}}{suffix}" if math.isfinite(x) else "—"


def steps_text(x: float, steps: int) -> str:
    """A number of steps: ``—`` undefined, ``never``, a whole number, or e-form when astronomically large."""
    if math.isnan(x):
        return "—"
    if math.isinf(x):
        return "never"
    return f"{x:.0f}" if x <= steps or x < 1e6 else fmt_sci(x)


def convergence_table(r: ConvergenceResult) -> str:
    """Theory beside measurement: digits per step, steps to :data:`DIGITS` digits, growth and turn per step."""
    s, m = r.summary, r.measured
    turn_theory = math.nan if r.kind in SPLIT_KINDS else s.rotation_deg_per_step
    turn_measured = "< 10⁻⁶°" if m.mean_turn_deg < TINY_TURN_DEG else _num(m.mean_turn_deg, ".3g", "", "°")
    with np.errstate(over="ignore"):
        growth = 10.0 ** m.log10_growth_per_step
    return (
        "| | theory | measured |\n|---|---|---|\n"
        f"| digits/step | {_num(s.digits_per_step)} | {_num(m.digits_per_step)} |\n"
        f"| steps to {DIGITS:g} digits | {steps_text(s.steps_for_digits, r.steps)} | "
        f"{steps_text(m.steps_to_digits, r.steps)} |\n"
        f"| growth/step | {_num(abs(r.dominant), '.4g', '×')} | {_num(float(growth), '.4g', '×')} |\n"
        f"| turn/step | {_num(turn_theory, '.3g', '', '°')} | {turn_measured} |"
    )


TABLE_NOTE = ("Theory from the eigenvalues; measurement from the run (rate fitted where the angle is between "
              "10⁻¹³ and 0.1 rad; growth and turn averaged over the second half).")


@dataclass(frozen=True)
class DirectionPlot:
    """Which direction chart the figure draws, and its words.

    ``chart`` is ``"angle"`` (log angle to v₁ against theory) when there is a dominant
    eigenvector, else ``"turn"`` (degrees turned per step) with ``reason`` saying why.
    """

    chart: str
    theory_label: str
    caption: str
    theory_deg: float | None = None
    reason: str | None = None


NO_ANGLE_REASONS = {
    "complex_pair": ("the two largest eigenvalues are a complex pair of equal size, so no real line is "
                     "preserved and the angle to “the dominant eigenvector” is undefined"),
    "opposite_sign": "+λ and −λ have the same size, so neither component ever wins",
    "tied": "several eigenvalues share the largest size",
    "nilpotent": "every eigenvalue is 0, so the iterate itself reaches 0",
}

TURN_CAPTION = ("A settled direction would turn 0° per step. A complex pair r·e^(±iθ) keeps turning "
                "(by exactly θ for a scaled rotation); ±λ flips between two directions.")


def direction_plot(r: ConvergenceResult) -> DirectionPlot:
    """The angle chart with its theory line, or the turn chart and why there is no angle."""
    if r.kind in ANGLE_KINDS:
        label = "theory ≈ 1/t (Jordan block)" if r.kind == "defective" else "theory θ₀·|λ₂/λ₁|ᵗ"
        finite = r.angle[np.isfinite(r.angle)]
        zeros = int(np.sum(r.angle == 0))
        caption = (f"Solid: the measured angle between x_t and v₁; dashed: the prediction started at the measured "
                   f"θ₀ ({math.degrees(float(r.angle[0])):.3g}°). Parallel lines mean the rate is right.")
        if finite.size and float(finite.min()) < FLOAT64_FLOOR:
            caption += (" The measurement bottoms out near 10⁻¹⁶, the resolution of float64; theory below it is "
                        "not drawn.")
        if zeros:
            caption += f" {zeros} steps with an angle of exactly 0 are not drawn (no log of 0)."
        return DirectionPlot("angle", label, caption)
    s = r.summary
    if r.kind == "complex_pair":
        return DirectionPlot("turn", f"theory |arg λ₁| = {s.rotation_deg_per_step:.3g}°", TURN_CAPTION,
                             theory_deg=s.rotation_deg_per_step, reason=NO_ANGLE_REASONS[r.kind])
    return DirectionPlot("turn", "theory", TURN_CAPTION, reason=NO_ANGLE_REASONS[r.kind])


def no_angle_text(plot: DirectionPlot) -> str:
    """The line above the turn chart."""
    return f"**No angle to plot:** {plot.reason}. Below, instead, how far the direction turns at each step."


NORM_THEORY_LABEL = "theory ‖x₀‖·|λ₁|ᵗ"


def norm_caption(r: ConvergenceResult) -> str:
    """The slope to compare with, and a non-normal transient when the norm peaks although |λ₁| < 1.

    ``‖Wᵗx‖^(1/t) → |λ₁|`` holds for a *generic* start (one with a component along
    the dominant eigenvector); Gelfand's formula ``‖Wᵗ‖^(1/t) → ρ(W)`` is the statement
    about the matrix, and this chart is about one vector.
    """
    m = r.measured
    text = (f"Dashed slope log10|λ₁| = {r.log10_lambda1:.3g} per step; |λ₁| > 1 explodes, < 1 vanishes. "
            "‖Wᵗx‖^(1/t) → |λ₁| for a generic x (one with a component along v₁); Gelfand's formula "
            "‖Wᵗ‖^(1/t) → ρ(W) is about the matrix, whatever the start.")
    if abs(r.dominant) < 1 and m.peak_log10_gain > TRANSIENT_LOG10:
        text += (f" It peaks at ×{fmt_pow10(m.peak_log10_gain)} at step {m.peak_step} although |λ₁| = "
                 f"{abs(r.dominant):.3g}: a non-normal transient.")
    return text


def rayleigh_label(r: ConvergenceResult) -> str:
    return f"Re λ₁ = {r.dominant.real:.4g}"


def rayleigh_caption(r: ConvergenceResult) -> str:
    """What the Rayleigh quotient does for this spectrum."""
    m = r.measured
    if r.kind == "complex_pair":
        flat = m.rayleigh_high - m.rayleigh_low <= 1e-9 * max(1.0, abs(r.dominant))
        return ("A real vector cannot produce the complex λ₁: r_t stays real and "
                + (f"sits at Re λ₁ = {r.dominant.real:.4g} (a scaled rotation treats every direction alike)."
                   if flat else f"oscillates between {m.rayleigh_low:.4g} and {m.rayleigh_high:.4g} as the "
                   "direction turns."))
    if r.kind == "opposite_sign":
        return f"r_t stays at {m.rayleigh_high:.4g}, a weighted average of +λ and −λ, never reaching either."
    if r.kind == "defective":
        return "r_t creeps toward λ₁ only like 1/t, as slowly as the direction."
    if r.kind == "nilpotent":
        return "The iterate reaches 0, after which there is no Rayleigh quotient to draw."
    return ("r_t approaches λ₁; for a symmetric W its error shrinks like |λ₂/λ₁|^(2t), twice as many digits "
            "per step as the direction.")


def convergence_regime(r: ConvergenceResult) -> Regime:
    """What ‖Wᵗx‖ does: by ``ln |λ₁|``, except that a Jordan block on the unit circle still grows (like t)."""
    regime = regime_of_rate(r.summary.log_growth_per_step)
    if r.kind == "defective" and regime == Regime.NEUTRAL:
        return Regime.EXPLODES
    return regime


def convergence_verdict(r: ConvergenceResult) -> Verdict:
    """Rate predicted from the spectrum against the run, or why the direction never settles."""
    s, m, lam = r.summary, r.measured, r.dominant
    mag = abs(lam)
    growth = (f"×{10 ** m.log10_growth_per_step:.4g} measured" if math.isfinite(m.log10_growth_per_step)
              else "n/a")
    norm = f"‖Wᵗx‖ changes ×{mag:.4g} per step in theory ({growth} over the second half)."
    regime = convergence_regime(r)
    if r.kind in GEOMETRIC_KINDS:
        if s.rate == 0:
            return Verdict(f"λ₁ = {complex_text(lam)} and every smaller eigenvalue (if any) is 0: one "
                           "multiplication removes every component outside λ₁'s eigenspace, so the direction is "
                           f"final from step 1. {norm}", regime)
        reached = (f"{DIGITS:g} digits reached at step {m.steps_to_digits:.0f}" if math.isfinite(m.steps_to_digits)
                   else f"{DIGITS:g} digits not reached within {r.steps} steps")
        fit = (f"{m.digits_per_step:.3g} digits per step (fitted over steps {m.fit_first}–{m.fit_last})"
               if math.isfinite(m.digits_per_step) else "too few steps to fit a rate")
        late = ""
        if math.isfinite(m.steps_to_digits) and m.steps_to_digits > LATE_FACTOR * s.steps_for_digits + LATE_SLACK:
            late = (" It took longer than the rate alone predicts: the start had almost no component along v₁, "
                    "or a non-normal W bent the early steps.")
        need = max(round(s.steps_for_digits), 1)
        return Verdict(f"λ₁ = {complex_text(lam)}, |λ₂/λ₁| = {s.rate:.3g}: each step gains {s.digits_per_step:.3g} "
                       f"digits of direction, so {DIGITS:g} digits take {need} step{'s' if need > 1 else ''}. "
                       f"Measured: {fit}; {reached}.{late} {norm}", regime)
    if r.kind == "defective":
        theory_end = (10 ** r.theory_log10_angle[-1] if math.isfinite(r.theory_log10_angle[-1])
                      else float("nan"))
        return Verdict(f"λ₁ = {complex_text(lam)} is defective (a Jordan block): no geometric rate at all. The "
                       f"angle shrinks like 1/t — after {r.steps} steps it is {m.final_angle:.3g} rad; the 1/t law "
                       f"(exact for a 2 × 2 block) says {theory_end:.3g} — and the norm picks up a polynomial "
                       f"factor on top of |λ₁|ᵗ: ×{10 ** m.log10_growth_per_step:.5g} per step over the second "
                       f"half although |λ₁| = {mag:.4g}.", regime)
    if r.kind == "complex_pair":
        return Verdict(f"No unique dominant eigenvalue (a complex pair {complex_text(lam, pair=True)}, "
                       f"|λ₁| = {mag:.4g}): the direction rotates by {s.rotation_deg_per_step:.1f}° a step and "
                       f"never settles (measured mean turn {m.mean_turn_deg:.1f}° over the second half). {norm}",
                       regime)
    if r.kind == "opposite_sign":
        apart = min(m.mean_turn_deg, 180 - m.mean_turn_deg)
        return Verdict(f"No unique dominant eigenvalue (+{mag:.4g} and −{mag:.4g}): the iterate alternates between "
                       f"two directions {apart:.1f}° apart and never settles. {norm}", regime)
    if r.kind == "tied":
        return Verdict(f"Several different eigenvalues share the largest magnitude {mag:.4g}: no single direction "
                       f"wins and the direction keeps moving (mean turn {m.mean_turn_deg:.1f}° a step). {norm}",
                       regime)
    return Verdict("Every eigenvalue is 0 (W is nilpotent): Wᵗx = 0 once t ≥ n, so there is no direction to "
                   "converge to.", regime)


# ---------------------------------------------------------------------------
# figure 3: where the eigenvalues sit


@dataclass(frozen=True, eq=False)
class SpectrumResult:
    """Eigenvalues of the iterated matrix, sorted by decreasing magnitude, and their structure."""

    eigenvalues: np.ndarray
    dominant: complex
    kind: str
    ratio: float
    v1: np.ndarray | None
    form: str

    @property
    def n(self) -> int:
        return int(self.eigenvalues.shape[0])


def spectrum_result(s: MatrixSettings) -> SpectrumResult:
    spectrum = sim.dominant_spectrum(matrix_of(s).W, form=s.form)
    return SpectrumResult(spectrum.eigenvalues, complex(spectrum.dominant_eigenvalue), spectrum.kind,
                          float(spectrum.ratio), spectrum.dominant_eigenvector, s.form)


def dominant_label(r: SpectrumResult) -> str:
    """The label at λ₁ in the eigenvalue chart (``λ₁ = 1.05 ± 0.5i`` for a complex pair)."""
    return f"λ₁ = {complex_text(r.dominant, pair=r.kind == 'complex_pair')}"


def spectrum_text(r: SpectrumResult) -> str:
    """The largest eigenvalues, their ratio (a tie said as a tie), and what the circles mean."""
    top = ", ".join(complex_text(z) for z in r.eigenvalues[:4])
    tie = " — a tie, so no single eigenvalue wins" if r.ratio == 1 and r.kind != "defective" else ""
    return (f"Largest eigenvalues by size: {top}{', …' if r.n > 4 else ''}. Their ratio sets the rate: "
            f"|λ₂/λ₁| = {r.ratio:.4g}{tie}. Outside the unit circle components explode, inside they vanish; the "
            "power method keeps the one on the largest circle, provided it is alone there.")


def eigenvector_text(r: SpectrumResult) -> str | None:
    """The dominant eigenvector written out, for small matrices with one (left for the row form)."""
    if r.v1 is None or r.n > 6:
        return None
    side = "left" if r.form == "row" else "right"
    return f"Dominant {side} eigenvector v₁ = ({', '.join(f'{v + 0.0:.4g}' for v in r.v1)})."


SPECTRUM_CAPTION = ("Orange diamond: λ₁. Grey solid circle: |λ| = 1; grey dashed circle: |λ| = |λ₁|. "
                    "Both axes share one scale.")
