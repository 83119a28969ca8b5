"""What the eigenvalue page computes and says: typed settings and results, and their text.

Pure functions: no Streamlit, no Altair. The view builds a :class:`PageSettings`
from the page-wide controls (the matrix W and the number of steps), asks for
one cached :func:`measure` of it, and lays out the text these functions return.
Every threshold and every choice of words that depends on the numbers lives
here, where it is unit-tested branch by branch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from explorer import sim
from explorer.format import fmt_log
from explorer.reading import Verdict
from explorer.sim import Regime

SOURCES = {"modes": "Your modes", "jordan": "Jordan block", "random": "Random W"}
"""Where W comes from: URL key -> label."""

KINDS = {"pos": "real positive", "neg": "real negative", "pair": "complex pair"}
"""What a mode is: URL key -> label."""

MODE_COUNT = 4
"""Mode boxes on the page (``kind1..kind4``)."""

MAX_STEPS = 10_000
"""Largest number of multiplications by W."""

RANDOM_WORK = 2.7e8
"""Cap on ``steps · n²`` for a random W: n = 512 allows about 1000 steps (~1 s with the eigenvalues)."""

HEAVY_STEPS, HEAVY_N = 3000, 300
"""From these many steps (or this size of random W) the computation gets a spinner."""

RATE_TOL = 0.005
"""A random W's late rate per step within ``±0.005`` (natural log) neither explodes nor vanishes."""

OVERSHOOT_LOG = math.log(10.0)
"""Single modes reaching more than 10 times the whole vector are called cancellation."""

TABLE_EIGENVALUES = 6
"""Eigenvalues of a random W listed in the half-life table (one per conjugate pair)."""

DECADES = (2, 20)
"""Range of the modes figure's depth below ‖Wᵗx‖, in decades (its default is in the scenarios)."""

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

INTRO = (
    "Repeating the step h ← W h for t steps multiplies by Wᵗ. If W = V diag(λ) V⁻¹, then Wᵗ = V diag(λ)ᵗ V⁻¹: "
    "along each eigenvector the signal is multiplied by λᵢ at every step, so modes with |λ| > 1 explode and "
    "modes with |λ| < 1 die out. Set the spectrum yourself, watch that happen, and see where the eigenvalues "
    "stop telling the whole story: non-normal matrices and Jordan blocks."
)

SOURCES_TEXT = (
    "Sources: Goodfellow, Bengio & Courville, *Deep Learning*, §8.2.5 (Wᵗ = V diag(λ)ᵗ V⁻¹ and vanishing and "
    "exploding gradients); Pascanu, Mikolov & Bengio (2013) for the gradient through Wᵀ; Trefethen & Embree, "
    "*Spectra and Pseudospectra* (2005), ch. 14–16, for non-normal transients and Jordan blocks; Gelfand's "
    "spectral radius formula (1941); Girko's circular law (1984)."
)


# ---------------------------------------------------------------------------
# settings: the matrix W and the number of steps (page-wide)


def mode_label(z: complex, is_pair: bool) -> str:
    """``"λ = 0.9"``, ``"λ = −0.5"`` or ``"λ = 0.8·e^(±i 52°)"`` for a conjugate pair."""
    if is_pair:
        return f"λ = {abs(z):.4g}·e^(±i {math.degrees(abs(math.atan2(z.imag, z.real))):.0f}°)"
    return f"λ = {z.real:.4g}"


@dataclass(frozen=True)
class Mode:
    """One mode box: a real eigenvalue of either sign, or a conjugate pair ``|λ|·e^(±iθ)``."""

    kind: str
    magnitude: float
    degrees: int = 0
    """The angle of a pair; a real mode keeps 0, so it never splits a cache entry."""

    @property
    def is_pair(self) -> bool:
        return self.kind == "pair"

    @property
    def spec(self) -> tuple[float, float, str]:
        """``(|λ|, angle in radians, "real" | "pair")``, as :func:`explorer.sim.spectrum_from_modes` takes it."""
        if self.is_pair:
            return (float(self.magnitude), math.radians(self.degrees), "pair")
        return (float(self.magnitude), math.pi if self.kind == "neg" else 0.0, "real")

    @property
    def eigenvalue(self) -> complex:
        """The mode's eigenvalue (the upper one of a pair)."""
        return complex(sim.spectrum_from_modes([self.spec])[0])

    @property
    def label(self) -> str:
        return mode_label(self.eigenvalue, self.is_pair)


@dataclass(frozen=True)
class MatrixSettings:
    """Which W: its source and only the parameters that source uses (see :meth:`of`).

    ``seed`` is always kept: it also seeds the start vector x and the gradient g.
    """

    source: str
    seed: int = 0
    modes: tuple[Mode, ...] = ()
    nu: float = 0.0
    jlam: float = 0.0
    jsize: int = 0
    n: int = 0
    gain: float = 0.0

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> MatrixSettings:
        """The settings from control values (names without the ``eig_`` prefix, as in the scenarios)."""
        source, seed = values["source"], int(values["seed"])
        if source == "jordan":
            return cls(source, seed, jlam=float(values["jlam"]), jsize=int(values["jsize"]))
        if source == "random":
            return cls(source, seed, n=int(values["n"]), gain=float(values["g"]))
        modes = tuple(Mode(kind, float(values[f"mag{i}"]), int(values[f"deg{i}"]) if kind == "pair" else 0)
                      for i in range(1, int(values["count"]) + 1) for kind in [values[f"kind{i}"]])
        return cls(source, seed, modes=modes, nu=float(values["nu"]))

    def matrix(self) -> np.ndarray:
        """W itself, from the sim."""
        if self.source == "jordan":
            return sim.jordan_block(self.jlam, self.jsize)
        if self.source == "random":
            return sim.gaussian_matrix(self.n, self.gain, self.seed)
        return sim.matrix_from_eigenvalues(sim.spectrum_from_modes([m.spec for m in self.modes]),
                                           nonnormality=self.nu, seed=self.seed)

    @property
    def measured_label(self) -> str:
        """What is measured: the norm of the matrix power, or (random W, too big for that) of ``Wᵗx``."""
        return "‖Wᵗx‖" if self.source == "random" else "‖Wᵗ‖"


@dataclass(frozen=True)
class PageSettings:
    """What drives every figure: the matrix and the number of steps actually followed."""

    matrix: MatrixSettings
    steps: int
    requested_steps: int

    @classmethod
    def of(cls, matrix: MatrixSettings, steps: int) -> PageSettings:
        """``steps`` as asked, capped for a large random W so that ``steps · n² ≤ RANDOM_WORK``."""
        steps = int(steps)
        followed = steps
        if matrix.source == "random" and steps * matrix.n ** 2 > RANDOM_WORK:
            followed = int(RANDOM_WORK // matrix.n ** 2)
        return cls(matrix, followed, steps)

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> PageSettings:
        """The settings a scenario's (or the controls') values give."""
        return cls.of(MatrixSettings.of(values), int(values["steps"]))

    @property
    def heavy(self) -> bool:
        """Slow enough for a spinner."""
        return self.steps > HEAVY_STEPS or (self.matrix.source == "random" and self.matrix.n >= HEAVY_N)


def cap_text(s: PageSettings) -> str | None:
    """What the page says when it follows fewer steps than asked (a large random W)."""
    if s.steps == s.requested_steps:
        return None
    return f"With n = {s.matrix.n} the page follows {s.steps} steps (steps·n² is capped)."


# ---------------------------------------------------------------------------
# the measurement every figure reads


@dataclass(frozen=True)
class Peak:
    """A transient peak of ‖Wᵗ‖ while ρ(W) < 1."""

    step: int
    log_size: float


@dataclass(frozen=True)
class Measurement:
    """Everything the figures draw and say about one W over ``settings.steps`` steps.

    Sizes are natural logs. ``log_measured`` is ``ln ‖Wᵗ‖`` (or ``ln ‖Wᵗx‖`` for a
    random W), ``log_gradient`` is ``ln ‖(Wᵀ)ᵗg‖`` for a random unit g.
    """

    settings: PageSettings
    n: int
    eigenvalues: np.ndarray
    regimes: tuple[Regime, ...]
    log_rho: float
    log_norm_W: float
    cond_V: float
    is_normal: bool
    log_measured: np.ndarray
    log_gradient: np.ndarray
    limits: sim.FloatLimits
    peak: Peak | None = None
    modes: sim.ModeContributions | None = None
    log_cancel: float = math.nan
    log_corner: np.ndarray | None = None
    log_gain: float | None = None

    @property
    def rho(self) -> float:
        return math.exp(self.log_rho)

    @property
    def source(self) -> str:
        return self.settings.matrix.source

    @property
    def steps(self) -> int:
        return self.settings.steps

    @property
    def regime(self) -> Regime:
        """What ρ(W) says: the regime of the largest eigenvalue (ZERO when W is nilpotent)."""
        if self.log_rho == -math.inf:
            return Regime.ZERO
        return sim.growth_regime([self.rho])[0]


def _vanishes(log_rho: float) -> bool:
    """ρ < 1 beyond rounding: a computed ρ of 1 − 1e-16 is the unit circle, with no transient to report."""
    return log_rho == -math.inf or sim.growth_regime([math.exp(log_rho)])[0] is Regime.VANISHES


def measure(s: PageSettings) -> Measurement:
    """The one computation behind the page's figures (cached by the view)."""
    m = s.matrix
    W = m.matrix()
    n = int(W.shape[0])
    grad = sim.gradient_log_norms(W, sim.unit_vector(n, m.seed, stream=2), s.steps)
    if m.source == "random":
        rs = sim.random_gaussian_spectrum(n, m.gain, m.seed, s.steps)
        return Measurement(s, n, rs.eigenvalues, tuple(sim.growth_regime(rs.eigenvalues)), rs.log_rho,
                           math.log(sim.spectral_norm(W)), math.nan, False, rs.log_norm_trajectory, grad,
                           sim.float_limit_steps(rs.log_norm_trajectory), log_gain=math.log(m.gain))
    g = sim.spectrum_growth(W, s.steps)
    modes = sim.mode_contributions(W, sim.unit_vector(n, m.seed, stream=1), s.steps)
    peak = Peak(g.peak_step, g.log_peak) if g.transient_growth and _vanishes(g.log_rho) else None
    return Measurement(
        s, n, g.eigenvalues, tuple(sim.growth_regime(g.eigenvalues)), g.log_rho, g.log_norm_W, g.cond_V,
        g.is_normal, g.log_norm_power, grad, sim.float_limit_steps(g.log_norm_power), peak=peak, modes=modes,
        log_cancel=sim.modal_cancellation_log(modes) if modes.reliable else math.nan,
        log_corner=sim.jordan_corner_log(m.jlam, m.jsize, s.steps) if m.source == "jordan" else None,
    )


# ---------------------------------------------------------------------------
# the controls' notes


def source_note(source: str) -> str | None:
    """What the Jordan and random sources are, beside their controls."""
    if source == "jordan":
        return ("J = λI + N, ones just above the diagonal. Every eigenvalue is λ, but there is only one "
                "eigenvector, so W has no eigenvector basis and V diag(λ)ᵗ V⁻¹ does not exist.")
    if source == "random":
        return ("Girko's circular law: for large n the eigenvalues of a matrix with independent N(0, g²/n) "
                "entries spread evenly over the disc of radius g.")
    return None


def cond_text(m: Measurement) -> str:
    """cond(V) of the eigenvector matrix, in words where it is special."""
    if m.is_normal:
        return "1 (W is normal)"
    if math.isinf(m.cond_V):
        return "∞ (no eigenvector basis)"
    return f"{m.cond_V:.4g}"


def cond_caption(m: Measurement) -> str:
    """Under the tilt slider: what the tilt did to the eigenvectors."""
    return f"cond(V) = {cond_text(m)}"


# ---------------------------------------------------------------------------
# figure 1: where the eigenvalues sit


PLANE_CAPTION = ("Triangles pointing up (red) sit outside the unit circle and explode, triangles pointing down "
                 "(blue) sit inside and vanish, grey circles on it keep their size.")
"""The shapes and colours are chartkit's REGIME_SHAPES and REGIME_COLORS (a chart test checks the words)."""


def plane_caption(source: str) -> str:
    return PLANE_CAPTION + (" The dashed circle has radius g." if source == "random" else "")


def plane_annotation(s: MatrixSettings) -> str | None:
    """Written beside a Jordan block's eigenvalue: it is there m times, with one eigenvector."""
    if s.source != "jordan":
        return None
    return f"λ = {s.jlam:g}, {s.jsize} times, 1 eigenvector"


def spectrum_line(m: Measurement) -> str:
    """ρ(W), ‖W‖₂, cond(V) and n in one line."""
    return (f"**ρ(W) = {m.rho:.4g}**, ‖W‖₂ = {math.exp(m.log_norm_W):.4g}"
            + ("" if m.source == "random" else f", cond(V) = {cond_text(m)}") + f"; n = {m.n}.")


@dataclass(frozen=True)
class HalfLifeTable:
    """One row per mode (or per listed eigenvalue): name, |λ| and how fast it halves or doubles."""

    names: tuple[str, ...]
    magnitudes: tuple[str, ...]
    pace: tuple[str, ...]

    def columns(self) -> dict[str, list[str]]:
        return {"mode": list(self.names), "|λ|": list(self.magnitudes), "ln 2 / |ln|λ||": list(self.pace)}


def pace_text(regime: Regime, magnitude: float, steps: float) -> str:
    """How one mode changes: keeps its size, is 0 from the first step, or halves / doubles every k steps."""
    if regime is Regime.NEUTRAL:
        return "keeps its size (|λ| = 1)"
    if magnitude == 0:
        return "λᵗ = 0 from t = 1"
    every = f"{steps:.3g}"
    return (f"{'doubles' if regime is Regime.EXPLODES else 'halves'} every "
            + ("step" if every == "1" else f"{every} steps"))


def half_life_table(m: Measurement) -> HalfLifeTable:
    """The page's modes, the Jordan eigenvalue, or the largest eigenvalues of a random W."""
    s = m.settings.matrix
    if s.source == "modes":
        eigs = [mode.eigenvalue for mode in s.modes]
        names = [f"mode {i + 1}: {mode.label}" for i, mode in enumerate(s.modes)]
    elif s.source == "jordan":
        eigs, names = [complex(s.jlam)], [f"λ = {s.jlam:g} (× {s.jsize})"]
    else:
        eigs = [complex(z) for z in m.eigenvalues if z.imag >= 0][:TABLE_EIGENVALUES]
        names = [f"λ{str(i + 1).translate(_SUB)} = {mode_label(z, abs(z.imag) > 0)[4:]}" for i, z in enumerate(eigs)]
    h, regimes = sim.half_life_steps(eigs), sim.growth_regime(eigs)
    pace = [pace_text(r, float(mag), float(k)) for r, mag, k in zip(regimes, h.magnitude, h.steps, strict=True)]
    return HalfLifeTable(tuple(names), tuple(f"{mag:.4g}" for mag in h.magnitude), tuple(pace))


def half_life_note(source: str) -> str:
    """Under the half-life table."""
    return ("A mode scales by |λ|ᵗ = e^(t ln|λ|), so it halves or doubles every ln 2 / |ln|λ|| steps."
            + {"random": " Only the six largest eigenvalues of the random W are listed (one per conjugate pair).",
               "jordan": " In a Jordan block that is only the eigenvalue's part: the entries of Jᵗ also carry "
                         "binomial factors C(t, k) that grow with t.", "modes": ""}[source])


# ---------------------------------------------------------------------------
# figure 2: how big Wᵗ gets


def exit_step_text(step: int | None) -> str:
    return "no" if step is None else f"t = {step}"


def growth_table(m: Measurement) -> str:
    """ρ(W), ‖W‖₂, the final size, the transient peak and the float exits, as a markdown table."""
    peak = f"{fmt_log(m.peak.log_size)} at t = {m.peak.step}" if m.peak else "—"
    return (f"| | value |\n|---|---|\n| ρ(W) | {m.rho:.4g} |\n| ‖W‖₂ | {math.exp(m.log_norm_W):.4g} |\n"
            f"| {m.settings.matrix.measured_label} at t = {m.steps} | {fmt_log(m.log_measured[-1])} |\n"
            f"| transient peak | {peak} |\n"
            f"| leaves float32 | {exit_step_text(m.limits.float32_exit_step)} |\n"
            f"| leaves float64 | {exit_step_text(m.limits.float64_exit_step)} |")


def growth_caption(m: Measurement) -> str:
    label = m.settings.matrix.measured_label
    return (f"Solid: {label} computed by repeated products. Dashed: ρ(W)ᵗ, what the eigenvalues predict; dotted: "
            "‖W‖ᵗ, the worst case if every step stretched as much as possible (it leaves the frame when it runs "
            "away). "
            + ("Dash-dot: gᵗ from the circular law. " if m.source == "random" else "")
            + ("Orange dashed: the corner entry of Jᵗ, a polynomial in t. " if m.source == "jordan" else "")
            + "Coloured rules mark where the value leaves the float32 / float64 range; the curve carries on "
            "because it is stored as a logarithm."
            + (" Exact zeros are not drawn." if min(m.log_measured) == -math.inf else ""))


def exits_text(limits: sim.FloatLimits) -> str:
    """Where the size, held as a plain float, would overflow or underflow first (empty if it never does)."""
    parts = []
    for name, over, under in (("float32", limits.float32_overflow_step, limits.float32_underflow_step),
                              ("float64", limits.float64_overflow_step, limits.float64_underflow_step)):
        if over is not None or under is not None:
            first_over = under is None or (over is not None and over < under)
            parts.append(f"{'overflow' if first_over else 'underflow'} {name} at t = {over if first_over else under}")
    return (" As a plain floating-point number it would " + " and ".join(parts) + ".") if parts else ""


def random_verdict(m: Measurement) -> Verdict:
    """Circular law: ‖Wᵗx‖ changes by about ×g per step; the late measured rate decides the tone."""
    g = m.settings.matrix.gain
    rate = sim.late_log_growth_rate(m.log_measured)
    regime = Regime.EXPLODES if rate > RATE_TOL else Regime.VANISHES if rate < -RATE_TOL else Regime.NEUTRAL
    return Verdict(
        f"With g = {g:g} the {m.n} eigenvalues fill a disc of radius about g (ρ(W) = {m.rho:.3g}; Girko's "
        f"circular law), so ‖Wᵗx‖ should change by about ×{g:g} per step: measured ×{math.exp(rate):.3g} per "
        f"step over the second half, ending at {fmt_log(m.log_measured[-1])} after {m.steps} steps."
        f"{exits_text(m.limits)}", regime)


def growth_verdict(m: Measurement) -> Verdict:
    """What ρ(W) predicts for ‖Wᵗ‖, and where a non-normal W or a Jordan block departs from it."""
    if m.source == "random":
        return random_verdict(m)
    s, final, exits, steps = m.settings.matrix, fmt_log(m.log_measured[-1]), exits_text(m.limits), m.steps
    cond = "∞" if math.isinf(m.cond_V) else f"{m.cond_V:.3g}"
    regime = m.regime
    if regime is Regime.ZERO:
        top = float(np.max(m.log_measured))
        return Verdict("Every eigenvalue is 0: W is nilpotent, so Wᵗ is exactly 0 after at most n steps"
                       + (f" — though it first reaches {fmt_log(top)}." if top > 0 else "."), Regime.ZERO)
    if regime is Regime.VANISHES:
        text = f"ρ(W) = {m.rho:.4g} < 1, so Wᵗ → 0: ‖Wᵗ‖ = {final} at t = {steps}"
        if m.peak is not None:
            why = (f"a Jordan block of size {s.jsize} (one eigenvector, cond(V) = ∞)" if s.source == "jordan"
                   else f"far from normal (cond(V) = {cond})")
            text += f"; but W is {why} and ‖Wᵗ‖ first grows to {fmt_log(m.peak.log_size)} at t = {m.peak.step}."
        else:
            text += f", and it never rises above 1{' (W is normal)' if m.is_normal else ''}."
        return Verdict(text + exits, Regime.VANISHES)
    if regime is Regime.EXPLODES:
        pace = (f"doubles about every {sim.half_life_steps([m.rho]).steps[0]:.3g} steps" if m.rho < 2
                else f"grows about ×{m.rho:.3g} per step")
        return Verdict(f"ρ(W) = {m.rho:.4g} > 1, so ‖Wᵗ‖ explodes: it {pace} and reaches {final} at t = {steps}."
                       f"{exits}", Regime.EXPLODES)
    if s.source == "jordan" and s.jsize > 1:
        return Verdict(f"ρ(W) = 1, so the eigenvalues predict a constant size; yet the {s.jsize} × {s.jsize} Jordan "
                       f"block makes ‖Wᵗ‖ grow like a polynomial: {final} at t = {steps}, of the order of the corner "
                       f"entry C(t, {s.jsize - 1}) = {fmt_log(m.log_corner[-1])}.{exits}", Regime.EXPLODES)
    return Verdict(f"ρ(W) = 1: the eigenvalues predict neither explosion nor decay, and ‖Wᵗ‖ = {final} at t = {steps}"
                   + (" (W is normal, so it stays exactly 1)." if m.is_normal else
                      f", held between 1 and about cond(V) = {cond} because W is not normal.") + exits,
                   Regime.NEUTRAL)


def growth_alt(s: MatrixSettings) -> str:
    return f"log10 {s.measured_label} against t with ρᵗ and ‖W‖ᵗ"


# ---------------------------------------------------------------------------
# figure 3: the long-run rate per step (Gelfand's formula for the matrix, generic x for a vector)


def gelfand_caption(s: MatrixSettings) -> str:
    """Gelfand's formula is about the matrix norm ‖Wᵗ‖; for a vector ‖Wᵗx‖ the same limit holds only for a generic x."""
    tail = " — the eigenvalues set the long-run rate per step, not the size along the way."
    if s.source == "random":
        return ("‖Wᵗx‖^(1/t) → ρ(W) for a generic x (one with a component along the top eigenvector; a random x "
                "has one with probability 1). Gelfand's formula ‖Wᵗ‖^(1/t) → ρ(W) is about the matrix, the "
                "largest ‖Wᵗx‖ over all unit x" + tail)
    return "Gelfand's formula: ‖Wᵗ‖^(1/t) → ρ(W) as t grows, however large the early transient" + tail


PROBE_TOL = 0.01
"""A root within 1% of ρ(W) is read as having arrived."""


@dataclass(frozen=True)
class RateProbe:
    """The per-step factor ``size_t^(1/t)`` at one step ``t``, beside ρ(W)."""

    step: int
    log_size: float
    rho: float
    label: str

    @property
    def root(self) -> float:
        return math.exp(self.log_size / self.step)


def rate_probe(m: Measurement, step: int) -> RateProbe:
    """The rate figure's reading at ``step`` (clipped to ``1..steps``)."""
    t = min(max(int(step), 1), m.steps)
    return RateProbe(t, float(m.log_measured[t]), m.rho, m.settings.matrix.measured_label)


def probe_text(p: RateProbe) -> str:
    """What the per-step factor is at the chosen step, against ρ(W)."""
    head = f"At t = {p.step}: {p.label}^(1/t) = "
    if p.log_size == -math.inf:
        return f"At t = {p.step}: {p.label} is exactly 0, so {p.label}^(1/t) = 0 = ρ(W)."
    if p.rho == 0:
        return head + f"{p.root:.4g}, while ρ(W) = 0: W is nilpotent, and the size drops to exactly 0 by t = n."
    gap = p.root / p.rho - 1.0
    if abs(gap) <= PROBE_TOL:
        return head + f"{p.root:.4g}, within 1% of ρ(W) = {p.rho:.4g}."
    return head + f"{p.root:.4g}, {abs(gap):.1%} {'above' if gap > 0 else 'below'} ρ(W) = {p.rho:.4g}."


def gelfand_alt(s: MatrixSettings) -> str:
    if s.source == "random":
        return "Size of Wᵗx to the power 1/t, tending to the spectral radius for a generic x"
    return "Gelfand's formula: ‖Wᵗ‖ to the power 1/t, tending to the spectral radius"


# ---------------------------------------------------------------------------
# figure 4: each eigen-direction's share of Wᵗx


def has_modal_picture(m: Measurement) -> bool:
    """Whether the modes figure draws its chart: a built W (not random) with a trustworthy eigenvector basis."""
    return m.modes is not None and m.modes.reliable


def modes_absent_text(m: Measurement) -> str:
    return (f"With {m.n} eigen-directions the split into modes is not drawn; the cloud of eigenvalues above "
            "carries that story.")


def modes_unreliable_text(m: Measurement) -> str:
    """Why the modal picture is not drawn for a Jordan block or nearly parallel eigenvectors."""
    s = m.settings.matrix
    why = (f"a Jordan block has one eigenvector for its {s.jsize} equal eigenvalues, so x cannot be split into "
           "eigen-directions at all" if s.source == "jordan" else "the eigenvectors are so close to parallel that "
           "the coefficients c = V⁻¹x are mostly rounding error")
    cond = "∞" if math.isinf(m.cond_V) else f"{m.cond_V:.3g}"
    return (f"The modal picture is numerically unreliable here (cond(V) = {cond}): {why}. The growth chart "
            "above, computed from Wᵗ directly, is the one to trust.")


def modes_text(m: Measurement) -> str:
    """Beside the modal sum: whether single modes overshoot the whole vector (cancellation) or not."""
    head = ("With c = V⁻¹x, each mode changes by |λᵢ| per step: a straight line on a log axis, and the flattest "
            "one wins. ")
    if m.log_cancel > OVERSHOOT_LOG:
        return head + (f"Here single modes reach {fmt_log(m.log_cancel)} times the whole vector: large components "
                       "along nearly parallel eigenvectors cancel, and when the faster ones fade the cancellation "
                       "stops — the transient growth above.")
    return head + "Here no mode is much larger than the whole vector: the eigenvectors are close to orthogonal."


def modes_caption(decades: int) -> str:
    depth = "10" + str(int(decades)).translate(_SUP)
    return ("Dashed: |cᵢ λᵢᵗ| for each mode of a random unit start vector x (a pair counts as one mode, bounded by "
            f"2|c||λ|ᵗ). Solid: ‖Wᵗx‖ computed by repeated products. Modes that fall more than {depth} below it "
            "leave the frame.")


# ---------------------------------------------------------------------------
# figure 5: the gradient meets the same eigenvalues


GRADIENT_LATEX = (r"\begin{aligned} h_t &= W h_{t-1} \\ \frac{\partial L}{\partial h_{T-t}} &= (W^\top)^t\,"
                  r"\frac{\partial L}{\partial h_T} \end{aligned}")


def gradient_text(m: Measurement) -> str:
    return ("Back-propagation sends the gradient through Wᵀ once per step. Wᵀ has the same eigenvalues as W and "
            "‖(Wᵀ)ᵗ‖ = ‖Wᵗ‖, so the gradient explodes or vanishes exactly when the forward signal does (for a "
            f"generic gradient g). For a random unit gradient g: ‖(Wᵀ)ᵗg‖ = **{fmt_log(m.log_gradient[-1])}** "
            f"after {m.steps} steps back, against {m.settings.matrix.measured_label} = "
            f"{fmt_log(m.log_measured[-1])}.")


def gradient_caption(source: str) -> str:
    return ("Solid purple: the gradient sent back t steps. "
            + ("Dashed blue: the forward signal ‖Wᵗx‖. Dotted: gᵗ." if source == "random"
               else "Dashed blue: ‖Wᵗ‖, which no unit gradient can exceed. Dotted: ρ(W)ᵗ."))


RHO_LABEL = "ρ(W)ᵗ: eigenvalue prediction"
GAIN_LABEL = "gᵗ: circular law"


@dataclass(frozen=True)
class GradientReference:
    """What the gradient is drawn against: a forward size and a rate line."""

    label: str
    rate_label: str
    log_rate: float


def gradient_reference(m: Measurement) -> GradientReference:
    if m.source == "random":
        return GradientReference("‖Wᵗx‖: forward signal", GAIN_LABEL, m.log_gain)
    return GradientReference("‖Wᵗ‖: the largest possible", RHO_LABEL, m.log_rho)
