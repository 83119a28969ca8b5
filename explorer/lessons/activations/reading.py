"""What the activation-derivatives page computes and says: typed settings and results per figure, and their text.

Pure functions: no Streamlit, no Altair. The view builds a :class:`PageSettings`
from the page-wide controls, asks for one cached result per figure
(:func:`curves_result`, :func:`tanh_result`, :func:`moments_result`,
:func:`depth_result`) and lays out the text these functions return. Every
threshold and every choice of words that depends on the numbers lives here,
where it is unit-tested branch by branch (``tests/lessons/test_activations_reading.py``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from explorer import sim
from explorer.format import ACTIVATION_LABELS, count_text, fmt_pow10, fmt_sci
from explorer.reading import Verdict, regime_of_rate
from explorer.sim import Regime

GRID_POINTS = 601
"""Points on the x grid of the curve charts (symmetric, so x = 0 is one of them)."""

THRESHOLD = 1e-6
"""A product of per-layer factors at or below this counts as a vanished gradient."""

HIST_SAMPLES = 20_000
HIST_SEED = 0
"""Monte Carlo sample of the histogram figure: fixed, so two viewers of one link see the same bars."""

TIE_RTOL = 1e-6
"""Two per-layer factors closer than this (relative) are a tie.

Far above the quadrature's error (about 1e-11 relative) and far below any
difference a reader could mean: E[GELU′] = E[ReLU′] = 1/2 exactly for
z ~ N(0, 1) comes out of quadrature 1e-13 apart, and must read as a tie.
"""

ROUNDING_TOL = 1e-12
"""Discrepancies of an exact identity at or below this are floating-point rounding."""

AGREE_SE = 3.0
"""Sampling agrees with quadrature when they are within this many standard errors."""

MAX_DIGITS = 10
"""Most significant digits used to tell two nearly equal factors apart in a sentence."""


def threshold_text(threshold: float = THRESHOLD) -> str:
    """``10^-6`` for the vanishing threshold (plain decimals for modest ones)."""
    return fmt_pow10(math.log10(threshold), 0)


def _labels(names: Sequence[str]) -> str:
    """``Sigmoid``, ``Sigmoid and Tanh``, ``Sigmoid, Tanh and ReLU``."""
    labels = [ACTIVATION_LABELS[n] for n in names]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


# ---------------------------------------------------------------------------
# page-wide settings


@dataclass(frozen=True)
class PageSettings:
    """What drives every figure: the activations shown (in display order) and the leaky slope."""

    names: tuple[str, ...]
    slope: float = 0.1

    @classmethod
    def of(cls, chosen: Sequence[str], slope: float) -> PageSettings:
        """Chosen names in :data:`explorer.sim.ACTIVATIONS` order; the slope kept only when Leaky ReLU is shown.

        Two views that differ only in an unused slope then share one cache entry.
        """
        names = tuple(n for n in sim.ACTIVATIONS if n in set(chosen))
        return cls(names, float(slope) if "leaky_relu" in names else 0.0)

    def activations(self) -> list[sim.Activation]:
        return [sim.activation(n, slope=self.slope) for n in self.names]


@dataclass(frozen=True)
class Gaussian:
    """The pre-activation distribution z ~ N(mu, s²) that the moment and depth figures share."""

    mu: float = 0.0
    s: float = 1.0

    def text(self) -> str:
        return f"z ~ N({self.mu:g}, {self.s:g}²)"


def grid(xmax: float) -> np.ndarray:
    """The x grid of the curve charts, ``[-xmax, xmax]``."""
    return np.linspace(-xmax, xmax, GRID_POINTS)


# ---------------------------------------------------------------------------
# figure 1: f, f′ and γ, with the saturated stretches


@dataclass(frozen=True)
class CurveSettings:
    page: PageSettings
    xmax: float = 6.0
    thr: float = 0.1


@dataclass(frozen=True)
class ActivationSlope:
    """γ = sup|f′| of one activation, where it is reached, and how much of the x range is saturated."""

    name: str
    gamma: float
    gamma_at: float
    saturated: tuple[tuple[float, float], ...]
    saturated_fraction: float


@dataclass(frozen=True)
class Curves:
    settings: CurveSettings
    slopes: tuple[ActivationSlope, ...]

    @property
    def intervals(self) -> dict[str, tuple[tuple[float, float], ...]]:
        return {a.name: a.saturated for a in self.slopes}


def curves_result(settings: CurveSettings) -> Curves:
    """γ of each shown activation and its saturated intervals on ``[-xmax, xmax]``."""
    xmax, thr, slope = settings.xmax, settings.thr, settings.page.slope
    slopes = []
    for act in settings.page.activations():
        spans = tuple(sim.saturation_intervals(act.name, -xmax, xmax, thr, slope=slope))
        fraction = sum(b - a for a, b in spans) / (2.0 * xmax)
        slopes.append(ActivationSlope(act.name, act.gamma, act.gamma_at, spans, fraction))
    return Curves(settings, tuple(slopes))


def _saturation_part(a: ActivationSlope) -> str:
    label = ACTIVATION_LABELS[a.name]
    if not a.saturated:
        return f"{label} nowhere"
    return f"{label} on {a.saturated_fraction:.0%} of it"


def curves_caption(result: Curves) -> str:
    """γ per activation with a point where it is reached, and how much of the range is saturated."""
    s = result.settings
    gammas = ", ".join(f"{ACTIVATION_LABELS[a.name]} {a.gamma:.3g} (x = {a.gamma_at:.3g})" for a in result.slopes)
    text = f"The diamonds mark γ = sup|f′| at a point where it is reached: {gammas}. "
    if not any(a.saturated for a in result.slopes):
        return text + f"No unit shown is saturated (|f′| < {s.thr:g}) anywhere on [−{s.xmax:g}, {s.xmax:g}]."
    parts = ", ".join(_saturation_part(a) for a in result.slopes)
    return text + (f"The bars mark where |f′| < {s.thr:g}, so a unit passes almost no gradient back, "
                   f"on [−{s.xmax:g}, {s.xmax:g}]: {parts}.")


_FORMULA_NAMES = ("f(x) = ", "f'(x) = ")


def formula_lines(formula: str) -> list[str]:
    """f and f′ of ``Activation.formula`` on lines of their own, each saying which one it is."""
    parts = formula.split(r",\quad ")
    return [part if "=" in part or r"\in" in part or i >= len(_FORMULA_NAMES) else _FORMULA_NAMES[i] + part
            for i, part in enumerate(parts)]


def formula_table(acts: Sequence[sim.Activation]) -> str:
    """One aligned LaTeX block: name, then f, f′ and γ one under the other, so it fits a narrow column."""
    rows = []
    for a in acts:
        lines = [*formula_lines(a.formula), rf"\gamma = {a.gamma:.6g}"]
        rows.append(rf"\text{{{a.label}:}}\quad & " + r" \\ & ".join(lines))
    return r"\begin{aligned}" + r" \\[6pt] ".join(rows) + r"\end{aligned}"


# ---------------------------------------------------------------------------
# figure 2: tanh is a rescaled sigmoid


@dataclass(frozen=True)
class TanhCheck:
    """Largest discrepancies of ``tanh(x) = 2σ(2x) − 1`` and ``tanh′(x) = 4σ′(2x)`` on the grid."""

    xmax: float
    max_abs_error: float
    max_abs_error_derivative: float


def tanh_result(xmax: float) -> TanhCheck:
    rel = sim.tanh_sigmoid_relation(grid(xmax))
    return TanhCheck(float(xmax), rel.max_abs_error, rel.max_abs_error_derivative)


def tanh_text(result: TanhCheck) -> str:
    """The identity checked on the grid: rounding error, or (never for a correct sim) a real gap."""
    gaps = f"**{result.max_abs_error:.1e}** and the derivatives by **{result.max_abs_error_derivative:.1e}**"
    if max(result.max_abs_error, result.max_abs_error_derivative) <= ROUNDING_TOL:
        return (f"On [−{result.xmax:g}, {result.xmax:g}] the two sides differ by at most {gaps}: rounding error. "
                "So tanh has γ = 4 · ¼ = 1 and is centred on 0, which is why it keeps gradients alive longer "
                "than the sigmoid (LeCun et al., *Efficient BackProp*, 1998).")
    return (f"On [−{result.xmax:g}, {result.xmax:g}] the two sides differ by up to {gaps}, more than rounding "
            f"error ({ROUNDING_TOL:.0e}): the computation, not the identity, is off here.")


# ---------------------------------------------------------------------------
# figure 3: what a Gaussian pre-activation sees (quadrature beside sampling)


@dataclass(frozen=True)
class MomentSettings:
    page: PageSettings
    z: Gaussian


@dataclass(frozen=True)
class MomentRow:
    """E[f′(z)] and E[f′(z)²] of one activation, by quadrature and by sampling."""

    name: str
    mean_quadrature: float
    mean_sampled: float
    mean_stderr: float
    second_quadrature: float
    second_sampled: float

    @property
    def standard_errors_apart(self) -> float:
        """|sampled − quadrature| in standard errors (0 when both are exact and equal, inf if only the error is 0)."""
        gap = abs(self.mean_sampled - self.mean_quadrature)
        if self.mean_stderr > 0:
            return gap / self.mean_stderr
        return 0.0 if gap <= ROUNDING_TOL else math.inf


@dataclass(frozen=True)
class Moments:
    settings: MomentSettings
    rows: tuple[MomentRow, ...]
    histograms: tuple[sim.DerivativeHistogram, ...]
    n_samples: int

    @property
    def histogram_map(self) -> dict[str, sim.DerivativeHistogram]:
        return {r.name: h for r, h in zip(self.rows, self.histograms, strict=True)}

    @property
    def quadrature_means(self) -> dict[str, float]:
        return {r.name: r.mean_quadrature for r in self.rows}


def moments_result(settings: MomentSettings) -> Moments:
    page, z = settings.page, settings.z
    rows, hists = [], []
    for n in page.names:
        m1, m2 = sim.derivative_moments(n, z.s, z.mu, slope=page.slope)
        h = sim.derivative_histogram(n, z.s, z.mu, slope=page.slope, n_samples=HIST_SAMPLES, seed=HIST_SEED)
        rows.append(MomentRow(n, m1, h.sample_mean, h.sample_mean_stderr, m2, h.sample_second_moment))
        hists.append(h)
    return Moments(settings, tuple(rows), tuple(hists), HIST_SAMPLES)


def moments_caption(result: Moments) -> str:
    """What the bars and rules are, and whether sampling agrees with quadrature here."""
    text = (f"Bars: {result.n_samples:,} sampled {result.settings.z.text()}. "
            "Dashed lines: E[f′(z)] by adaptive quadrature. ")
    off = [r for r in result.rows if r.standard_errors_apart > AGREE_SE]
    if not off:
        worst = max((r.standard_errors_apart for r in result.rows), default=0.0)
        return text + (f"Sampling agrees with quadrature for every activation shown, within {worst:.1f} "
                       "standard errors (the table).")
    parts = ", ".join(f"{ACTIVATION_LABELS[r.name]} by {r.standard_errors_apart:.1f}" for r in off)
    return text + (f"The sample mean misses quadrature by more than {AGREE_SE:g} standard errors for {parts}: "
                   "more than sampling error explains.")


def table_number(x: float) -> str:
    """Up to four decimals; tiny values in scientific notation."""
    if x != 0 and abs(x) < 1e-4:
        return f"{x:.2e}"
    return f"{x:.4f}".rstrip("0").rstrip(".")


MOMENT_COLUMNS = ("E[f′] quadrature", "E[f′] sampled", "± std. error", "E[f′²] quadrature", "E[f′²] sampled")


def moment_table(result: Moments) -> dict[str, list]:
    """The moments table's columns: activation, then the numbers of :data:`MOMENT_COLUMNS`."""
    rows = result.rows
    return {
        "activation": [ACTIVATION_LABELS[r.name] for r in rows],
        MOMENT_COLUMNS[0]: [r.mean_quadrature for r in rows],
        MOMENT_COLUMNS[1]: [r.mean_sampled for r in rows],
        MOMENT_COLUMNS[2]: [r.mean_stderr for r in rows],
        MOMENT_COLUMNS[3]: [r.second_quadrature for r in rows],
        MOMENT_COLUMNS[4]: [r.second_sampled for r in rows],
    }


# ---------------------------------------------------------------------------
# figure 4: compounding over depth


@dataclass(frozen=True)
class DepthSettings:
    page: PageSettings
    z: Gaussian
    depth: int = 50


@dataclass(frozen=True)
class DepthRow:
    """Per-layer factors of one activation and the depth at which each product reaches the threshold."""

    name: str
    gamma: float
    mean_factor: float
    rms_factor: float
    layers_gamma: int | None
    layers_mean: int | None

    @property
    def regime(self) -> Regime:
        """What the expected product E[f′]^L does (1 within :data:`TIE_RTOL` keeps its size)."""
        if self.mean_factor == 0.0:
            return Regime.ZERO
        return regime_of_rate(math.log(self.mean_factor), tol=TIE_RTOL)


@dataclass(frozen=True)
class Depth:
    settings: DepthSettings
    rows: tuple[DepthRow, ...]
    factors: tuple[sim.DepthFactors, ...]
    threshold: float = THRESHOLD

    @property
    def factor_map(self) -> dict[str, sim.DepthFactors]:
        return {r.name: f for r, f in zip(self.rows, self.factors, strict=True)}


def depth_result(settings: DepthSettings) -> Depth:
    page, z = settings.page, settings.z
    factors = [sim.depth_factors(n, z.s, z.mu, max_depth=settings.depth, threshold=THRESHOLD, slope=page.slope)
               for n in page.names]
    rows = tuple(DepthRow(n, f.gamma, f.mean_factor, f.rms_factor, f.layers_gamma, f.layers_mean)
                 for n, f in zip(page.names, factors, strict=True))
    return Depth(settings, rows, tuple(factors))


def depth_caption(threshold: float = THRESHOLD) -> str:
    return ("Dashed: the worst case γ^L. Solid: the expected product E[f′]^L for independent layers. "
            "Dotted: the RMS factor that sets gradient size in a random network. "
            f"The black line is {threshold_text(threshold)}.")


def reach_text(layers: int | None, threshold: float = THRESHOLD) -> str:
    """``reaches 10^-6 after 10 layers``, or ``never gets there`` for a factor of at least 1."""
    if layers is None:
        return f"never reaches {threshold_text(threshold)}"
    return f"reaches {threshold_text(threshold)} after {count_text(layers, 'layer')}"


def ties(values: Sequence[float], target: float) -> list[int]:
    """Indices of the ``values`` equal to ``target`` within :data:`TIE_RTOL` (relative)."""
    return [i for i, v in enumerate(values) if abs(v - target) <= TIE_RTOL * max(abs(v), abs(target))]


def distinct_digits(a: float, b: float, start: int = 3) -> int:
    """Fewest significant digits (at least ``start``) at which ``a`` and ``b`` print differently."""
    for d in range(start, MAX_DIGITS + 1):
        if f"{a:.{d}g}" != f"{b:.{d}g}":
            return d
    return MAX_DIGITS


def _factor(x: float, digits: int = 3) -> str:
    """``×0.207`` with ``digits`` significant digits (a mean of f′ is a modest number, never a log)."""
    # format.factor_text would fit, but its digits are ignored for modest values (fmt_pow10 drops them).
    return "×" + fmt_sci(x, digits - 1)


def _comparison(rows: Sequence[DepthRow]) -> str:
    """The sentence on which activation shrinks the expected gradient fastest; ties read as ties."""
    means = [r.mean_factor for r in rows]
    low = min(means)
    tied = [rows[i] for i in ties(means, low)]
    names = [r.name for r in tied]
    subject = _labels(names)
    plural = len(tied) > 1
    regime = tied[0].regime
    if regime is Regime.ZERO:
        return f"{subject} pass{'' if plural else 'es'} no gradient back at all on average (E[f′] = 0)."
    if regime is not Regime.VANISHES:
        grows = regime is Regime.EXPLODES
        what = f"grow{'' if plural else 's'} it" if grows else f"keep{'' if plural else 's'} it at its size"
        lead = "None of these shrinks the gradient on average: " + ("even " if grows else "")
        if len(rows) == 1:
            lead = ""
        each = " each" if plural else ""
        return f"{lead}{subject} {what} ({_factor(low)} per layer{each} on average)."
    if len(rows) == 1:
        return f"{subject} shrinks gradients by {_factor(low)} per layer on average."
    if plural:
        return (f"{subject} tie for the fastest shrinking here: {_factor(low)} per layer on average each "
                f"(equal within a relative {threshold_text(TIE_RTOL)}).")
    rest = [r for r in rows if r is not tied[0]]
    runner = min(rest, key=lambda r: r.mean_factor)
    digits = distinct_digits(low, runner.mean_factor)
    return (f"{subject} shrinks gradients fastest here ({_factor(low, digits)} per layer on average, "
            f"against {_factor(runner.mean_factor, digits)} for {_labels([runner.name])}).")


def depth_verdict(result: Depth) -> Verdict:
    """Where each product reaches the threshold, and which activation shrinks the gradient fastest."""
    rows = result.rows
    parts = [f"{ACTIVATION_LABELS[r.name]}: γ = {r.gamma:.3g} {reach_text(r.layers_gamma, result.threshold)}, "
             f"E[f′] = {r.mean_factor:.3g} {reach_text(r.layers_mean, result.threshold)}" for r in rows]
    means = [r.mean_factor for r in rows]
    regime = rows[ties(means, min(means))[0]].regime
    return Verdict(f"With {result.settings.z.text()} — " + "; ".join(parts) + ". " + _comparison(rows), regime)
