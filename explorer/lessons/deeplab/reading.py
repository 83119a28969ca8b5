"""What the deep-network lab computes and says: typed settings and results, and their text.

Pure functions: no Streamlit, no Altair. The view builds a :class:`PageSettings`
from the page-wide controls, asks for cached results of the functions below
(each a pure function of frozen settings) and lays out the text they return.
Every threshold and every choice of words that depends on the numbers lives
here, where it is unit-tested branch by branch.

Conventions: ``W^l_ij ~ N(0, σ_w²/width)``, ``b^l_i ~ N(0, σ_b²)`` as in
:func:`explorer.sim.deep_network_gradients`. χ₁ is the per-layer factor of the
*squared* gradient norm; the norm itself changes by √χ₁. Every figure says
which of the two it draws.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from explorer import sim
from explorer.format import ACTIVATION_LABELS, LN10, factor_text, fmt_pow10, fmt_sci
from explorer.reading import Verdict
from explorer.sim import Regime

PAGE_ACTIVATIONS: tuple[str, ...] = ("tanh", "relu", "identity")
"""Activations the page offers (each has a mean-field fixed point)."""

INITS = {"gaussian": "Gaussian", "orthogonal": "Orthogonal"}
"""Weight families: URL key -> label."""

SW_RANGE = (0.2, 2.5)
SB_RANGE = (0.0, 1.0)
DEPTH_RANGE = (5, 100)
WIDTH_RANGE = (16, 128)
ALPHA_RANGE = (0.05, 1.0)
BATCH_RANGE = (8, 64)
"""Control ranges: with these caps every figure costs well under a second of CPU."""

FD_WIDTH, FD_DEPTH = 16, 12
"""Size of the twin network whose batch-norm gradients are checked against finite differences. Deeper, the
exploding sensitivity (×1.5 per layer in the square for ReLU) puts kinks inside any usable step."""

JACOBIAN_WIDTH = 128
"""Widest network whose input-output Jacobian the page forms (depth · width³ work)."""

HEAVY_WORK = 1.2e6
"""``depth · width²`` from which the figures show a spinner and take the server's heavy-work slot.

Each of the page's computations costs at most about 0.2 s of CPU under the caps above (0.16 s for the
gradients at depth 100, width 128), and a page-wide move runs five of them: were they all heavy, a
move would queue for the one slot five times behind other viewers' work. So only the deepest wide
networks (depth ≥ 74 at width 128) count as heavy."""

CRITICAL_TOL = 1e-6
"""``|ln χ₁|`` below this is the critical line itself."""

BULK_SKIP = 3
"""Layers left out next to the input when the measured per-layer ratio is averaged (q^l settles on q*)."""

OUTPUT_SKIP = 10
"""Layers left out next to the output: there the error vector is not yet independent of the weights it meets."""

AGREE_LOG = math.log(1.05)
"""Measured and predicted per-layer ratios within 5 % agree."""

FLAT_LOG10 = 1.0
"""A gradient that changes by less than 10× end to end "keeps its size"."""

SW2_GRID = np.round(np.linspace(0.04, 6.25, 56), 6)
SB2_GRID = np.round(np.linspace(0.0, 1.0, 26), 6)
"""The phase diagram's grid of (σ_w², σ_b²): the slider ranges, squared."""

SW_CURVE = np.round(np.linspace(SW_RANGE[0], SW_RANGE[1], 461), 6)
"""σ_w grid of the depth-scale curve."""

TORCH_GAIN = 5.0 / 3.0

INTRO = (
    "A deep network at initialisation is a product of random layers, and mean-field theory predicts what that "
    "product does to gradients from just two numbers: the weight scale σ_w and the bias scale σ_b. Every layer "
    "multiplies the mean squared gradient by the same factor χ₁. Below 1 gradients vanish, above 1 they explode, "
    "and the initialisations people use — Xavier, He, orthogonal — are attempts to sit on the line χ₁ = 1. "
    "Here each remedy is measured on a real random network and set beside the theory that predicts it."
)

SOURCES = (
    "Sources: Poole, Lahiri, Raghu, Sohl-Dickstein & Ganguli (2016), *Exponential expressivity in deep neural "
    "networks through transient chaos*; Schoenholz, Gilmer, Ganguli & Sohl-Dickstein (2017), *Deep information "
    "propagation*; Pennington, Schoenholz & Ganguli (2017), *Resurrecting the sigmoid in deep learning through "
    "dynamical isometry*; Yang, Pennington, Rao, Sohl-Dickstein & Schoenholz (2019), *A mean field theory of batch "
    "normalization*; Glorot & Bengio (2010); He, Zhang, Ren & Sun (2015), *Delving deep into rectifiers*; He, "
    "Zhang, Ren & Sun (2016), *Deep residual learning for image recognition*; Ioffe & Szegedy (2015), *Batch "
    "normalization*; Nielsen, *Neural Networks and Deep Learning*, ch. 2 and 5, for the per-layer bound."
)

JACOBIAN_LINK = "The worst-case bound γ^(L−l+1) ∏‖w^r‖₂ on its own, layer by layer and step by step"


# ---------------------------------------------------------------------------
# settings


@dataclass(frozen=True)
class PageSettings:
    """The network every figure measures. ``sigma_w`` is the value in use (the critical one if ``critical``)."""

    act: str
    init: str
    critical: bool
    sigma_w: float
    sigma_b: float
    depth: int
    width: int
    seed: int

    @classmethod
    def of(cls, values: Mapping[str, Any], critical_sigma_w: float | None = None) -> PageSettings:
        """From control values (names without the ``dnl_`` prefix); ``critical_sigma_w`` if already known."""
        act, sb, crit = str(values["act"]), float(values["sb"]), bool(values["crit"])
        sw = float(values["sw"])
        if crit:
            sw = critical_sigma_w if critical_sigma_w is not None else sim.critical_sigma_w(act, sb)
        return cls(act, str(values["init"]), crit, float(sw), sb, int(values["depth"]), int(values["width"]),
                   int(values["seed"]))

    @property
    def label(self) -> str:
        return (f"{ACTIVATION_LABELS[self.act]}, σ_w = {self.sigma_w:.4g}"
                f"{' (critical)' if self.critical else ''}, σ_b = {self.sigma_b:g}")

    @property
    def jacobian_width(self) -> int:
        return min(self.width, JACOBIAN_WIDTH)

    @property
    def heavy(self) -> bool:
        return self.depth * self.width**2 >= HEAVY_WORK


def critical_text(s: PageSettings) -> str:
    """What the disabled σ_w slider is replaced by."""
    return f"σ_w = {s.sigma_w:.6g} puts this network on χ₁ = 1 for σ_b = {s.sigma_b:g}; the slider is not used."


# ---------------------------------------------------------------------------
# mean-field theory at the current point


@dataclass(frozen=True)
class Theory:
    act: str
    sigma_w: float
    sigma_b: float
    q_star: float
    chi1: float
    depth_scale: float

    @property
    def log_chi1(self) -> float:
        return math.log(self.chi1) if self.chi1 > 0 else -math.inf

    @property
    def regime(self) -> Regime:
        if abs(self.log_chi1) < CRITICAL_TOL:
            return Regime.NEUTRAL
        return Regime.EXPLODES if self.log_chi1 > 0 else Regime.VANISHES


def theory(act: str, sigma_w: float, sigma_b: float) -> Theory:
    return Theory(act, sigma_w, sigma_b, sim.q_star(act, sigma_w, sigma_b), sim.chi1(act, sigma_w, sigma_b),
                  sim.depth_scale(act, sigma_w, sigma_b))


PHASE_WORDS = {Regime.NEUTRAL: "critical", Regime.EXPLODES: "chaotic", Regime.VANISHES: "ordered"}


def xi_text(xi: float) -> str:
    if math.isinf(xi):
        return "ξ = ∞"
    return f"ξ ≈ {xi:.3g} layer{'s' if xi != 1 else ''}"


def q_text(q: float) -> str:
    return "q* = ∞ (the variance grows without bound)" if math.isinf(q) else f"q* = {fmt_sci(q, 3)}"


def theory_metrics(t: Theory, depth: int) -> list[tuple[str, str]]:
    """The row of numbers above the phase diagram."""
    return [("q* (fixed point)", "∞" if math.isinf(t.q_star) else fmt_sci(t.q_star, 3)),
            ("χ₁ per layer", f"{t.chi1:.4f}"),
            ("depth scale ξ", "∞" if t.regime is Regime.NEUTRAL else f"{t.depth_scale:.3g}"),
            ("L / ξ", "0" if t.regime is Regime.NEUTRAL else f"{depth / t.depth_scale:.3g}")]


# ---------------------------------------------------------------------------
# 1. the phase diagram


@dataclass(frozen=True)
class NamedInit:
    label: str
    sigma_w2: float
    sigma_b2: float


def named_inits(act: str, sigma_b: float) -> tuple[NamedInit, ...]:
    """The initialisations people use, placed on this activation's diagram."""
    if act == "relu":
        return (NamedInit("He (σ_w² = 2)", 2.0, 0.0), NamedInit("Xavier (σ_w² = 1)", 1.0, 0.0),
                NamedInit("orthogonal, critical", 2.0, sigma_b**2))
    if act == "identity":
        return (NamedInit("Xavier = critical (σ_w² = 1)", 1.0, 0.0), NamedInit("He (σ_w² = 2)", 2.0, 0.0))
    crit = sim.critical_sigma_w(act, sigma_b) ** 2
    return (NamedInit("LeCun/Xavier (σ_w = 1)", 1.0, 0.0),
            NamedInit("PyTorch gain 5/3", TORCH_GAIN**2, 0.0),
            NamedInit("orthogonal, critical", crit, sigma_b**2))


def phase_grid(act: str) -> sim.PhaseDiagram:
    return sim.phase_diagram(act, SW2_GRID, SB2_GRID)


def phase_caption(act: str) -> str:
    if act == "tanh":
        return ("Colour: log₁₀ χ₁ (blue: ordered, gradients vanish; red: chaotic, they explode). The black line is "
                "χ₁ = 1. Without biases it starts at σ_w = 1; biases push the pre-activations into tanh's flat "
                "tails, so a larger σ_w is needed to stay critical.")
    if act == "relu":
        return ("For ReLU χ₁ = σ_w²/2 does not depend on σ_b: the critical line is the vertical σ_w² = 2, He's "
                "initialisation. Xavier's σ_w² = 1 halves the squared gradient at every layer. Above the line "
                "with σ_b > 0, q* is infinite: the forward signal grows without bound too.")
    return "For a linear network χ₁ = σ_w²: the critical line is σ_w² = 1 and biases change nothing."


def phase_verdict(t: Theory, depth: int) -> Verdict:
    head = f"{ACTIVATION_LABELS[t.act]}, σ_w = {t.sigma_w:.4g}, σ_b = {t.sigma_b:g}: χ₁ = {t.chi1:.4g}"
    steps = max(depth - 1, 1)
    total = fmt_pow10(steps * t.log_chi1 / LN10, 2)
    if t.regime is Regime.NEUTRAL:
        head = f"{ACTIVATION_LABELS[t.act]}, σ_w = {t.sigma_w:.4g}, σ_b = {t.sigma_b:g}: χ₁ = 1"
        text = (f"{head}, critical: the mean squared gradient keeps its size at every layer ({xi_text(math.inf)}),"
                f" so all {depth} layers start learning at the same rate.")
    elif t.regime is Regime.EXPLODES:
        text = (f"{head} > 1, chaotic: the squared gradient norm grows ×{t.chi1:.4g} per layer going back "
                f"({xi_text(t.depth_scale)}); over your {depth} layers ({steps} steps) the prediction is ×{total}.")
    else:
        text = (f"{head} < 1, ordered: the squared gradient norm shrinks ×{t.chi1:.4g} per layer going back "
                f"({xi_text(t.depth_scale)}); over your {depth} layers ({steps} steps) the prediction is ×{total}.")
    return Verdict(text, t.regime)


# ---------------------------------------------------------------------------
# 2. the depth scale


def depth_curve(act: str, sigma_b: float) -> sim.Chi1Curve:
    """ξ along the σ_w slider's range, with the critical σ_w itself on the grid (where ξ is infinite)."""
    grid = SW_CURVE
    crit = sim.critical_sigma_w(act, sigma_b)
    if SW_RANGE[0] < crit < SW_RANGE[1]:
        grid = np.unique(np.append(grid, crit))
    return sim.chi1_curve(act, sigma_b, grid)


def depth_verdict(t: Theory, depth: int) -> Verdict:
    if t.regime is Regime.NEUTRAL:
        return Verdict(f"ξ is infinite on the critical line: at depth {depth} mean-field theory predicts no "
                       "systematic growth or decay; what is left is the finite-width spread of the next figures.",
                       Regime.NEUTRAL)
    ratio = depth / t.depth_scale
    growth = "grow" if t.regime is Regime.EXPLODES else "shrink"
    if ratio <= 1.0:
        text = (f"{xi_text(t.depth_scale)} ≥ your {depth} layers (L/ξ = {ratio:.2g}): gradients {growth} by at "
                f"most a factor e ≈ 2.7 in square end to end, a depth this network can still train at.")
        return Verdict(text, Regime.NEUTRAL)
    text = (f"{xi_text(t.depth_scale)} against {depth} layers: L/ξ = {ratio:.3g}, so the squared gradient "
            f"{growth}s by e^{ratio:.3g} = {fmt_pow10(ratio / LN10 * (1 if growth == 'grow' else -1), 2)} end to "
            "end. Schoenholz et al. (2017) found networks trainable only up to a few ξ.")
    return Verdict(text, t.regime)


DEPTH_CAPTION = ("ξ = 1/|ln χ₁| against σ_w at your σ_b (log scale): it diverges on the critical line and falls "
                 "fast on either side. The horizontal line is your depth L: where the curve is above it, the "
                 "gradient survives the whole network.")


# ---------------------------------------------------------------------------
# 3. measured against predicted


@dataclass(frozen=True)
class Measured:
    gradients: sim.DeepGradients
    theory: Theory
    log_chi_layers: np.ndarray
    """``ln χ^l`` for ``l = 1..L``: the mean-field factor at each layer's own variance q^l (not yet q*)."""
    log_ratios: np.ndarray
    """``ln(‖δ^l‖²/‖δ^{l+1}‖²)`` for ``l = 1..L-1``."""
    mean_log_ratio: float
    """Mean of ``log_ratios`` over the bulk layers: the measured per-layer factor."""
    predicted_mean_log_ratio: float
    """Mean of ``ln χ^l`` over the same layers."""
    log_span: float
    """``ln(‖δ^1‖²/‖δ^L‖²)``."""
    log_bound_step: float
    """Mean per-layer change of the squared bound, natural log."""

    @property
    def log_prediction(self) -> np.ndarray:
        """``ln ‖δ^l‖²`` predicted from the measured ``‖δ^L‖²`` and ``∏_{r=l}^{L-1} χ^r``."""
        top = 2.0 * float(self.gradients.log_delta_norms[-1])
        tail = np.concatenate([np.cumsum(self.log_chi_layers[:-1][::-1])[::-1], [0.0]])
        return top + tail

    @property
    def agrees(self) -> bool:
        return abs(self.mean_log_ratio - self.predicted_mean_log_ratio) <= AGREE_LOG

    @property
    def regime(self) -> Regime:
        if not np.isfinite(self.log_span):
            return Regime.ZERO
        if abs(self.log_span) < FLAT_LOG10 * LN10:
            return Regime.NEUTRAL
        return Regime.EXPLODES if self.log_span > 0 else Regime.VANISHES


def _bulk_range(ratios: int) -> tuple[int, int]:
    """``[start, stop)`` of the averaged ratios among ``ratios`` (``l = start+1 .. stop``)."""
    stop = ratios - min(OUTPUT_SKIP, max(ratios // 4, 0))
    start = min(BULK_SKIP, max(stop - 1, 0))
    return start, max(stop, start + 1)


def _bulk(values: np.ndarray) -> np.ndarray:
    start, stop = _bulk_range(values.size)
    return values[start:stop]


def measure(s: PageSettings) -> Measured:
    g = sim.deep_network_gradients(s.depth, s.width, s.act, sigma_w=s.sigma_w, sigma_b=s.sigma_b, init=s.init,
                                   seed=s.seed)
    t = theory(s.act, s.sigma_w, s.sigma_b)
    x_mean_square = float(np.mean(np.asarray(sim.build_network(1, s.width, sigma_w=1.0, seed=s.seed).x) ** 2))
    lv = sim.layer_variances(s.act, s.depth, sigma_w=s.sigma_w, sigma_b=s.sigma_b, q0=x_mean_square)
    with np.errstate(divide="ignore"):
        log_chi = np.log(lv.chi)
    log_sq = 2.0 * np.asarray(g.log_delta_norms, dtype=float)
    with np.errstate(invalid="ignore"):
        ratios = log_sq[:-1] - log_sq[1:]
    bulk = _bulk(ratios)
    finite = bulk[np.isfinite(bulk)]
    mean = float(np.mean(finite)) if finite.size else -math.inf
    predicted = float(np.mean(_bulk(log_chi[:-1])))
    with np.errstate(invalid="ignore"):
        span = float(log_sq[0] - log_sq[-1]) if np.isfinite(log_sq[-1]) else math.nan
    bound = 2.0 * np.asarray(g.log_bound, dtype=float)
    step = float((bound[0] - bound[-1]) / max(s.depth - 1, 1))
    return Measured(g, t, log_chi, ratios, mean, predicted, span, step)


def measured_metrics(m: Measured) -> list[tuple[str, str]]:
    return [("theory, per layer", f"{math.exp(m.predicted_mean_log_ratio):.4f}"),
            ("measured, per layer", "0" if m.mean_log_ratio == -math.inf else f"{math.exp(m.mean_log_ratio):.4f}"),
            ("bound, per layer", factor_text(m.log_bound_step, 3)),
            ("layer 1 / layer L", "—" if not np.isfinite(m.log_span) else factor_text(m.log_span, 2))]


MEASURED_CAPTION = ("Squared norms ‖δ^l‖² = ‖∂C/∂b^l‖², log scale. Solid: one random network of your width. Dashed: "
                    "mean-field theory from the measured ‖δ^L‖², multiplied by χ^l at every layer (χ^l uses the "
                    "layer's own variance q^l, which reaches q* after a few layers). Dotted: the square of the "
                    "worst-case bound γ^(L−l+1) ∏‖w^r‖₂ ‖a^L − y‖ — it has to hold for every network, so it sits "
                    "far above. Right: each layer's ratio ‖δ^l‖²/‖δ^{l+1}‖² against χ^l and χ₁.")


def measured_verdict(m: Measured) -> Verdict:
    g = m.gradients
    if m.regime is Regime.ZERO:
        return Verdict("Some layers receive an exactly zero gradient (every unit off above them), so the "
                       "per-layer ratio is not defined there.", Regime.ZERO)
    predicted, measured = math.exp(m.predicted_mean_log_ratio), math.exp(m.mean_log_ratio)
    bound = factor_text(m.log_bound_step, 3)
    first, last = _bulk_range(g.depth - 1)
    head = (f"Width {g.width}: the measured squared gradient changes by ×{measured:.4g} per layer going back "
            f"(mean over layers {first + 1}..{last}); mean-field theory, following each "
            f"layer's variance q^l towards q*, predicts ×{predicted:.4g} (at q* itself χ₁ = {m.theory.chi1:.4g})")
    if m.agrees:
        text = f"{head} — within 5 %. The worst-case bound allows {bound} per layer."
    else:
        text = (f"{head}, off by more than 5 %: at width {g.width} one draw fluctuates by about "
                f"√(2/width) per layer and the layers are not independent (try another seed or a wider network). "
                f"The bound allows "
                f"{bound} per layer.")
    return Verdict(text, m.regime)


# ---------------------------------------------------------------------------
# 4. dynamical isometry


@dataclass(frozen=True)
class Isometry:
    gaussian: sim.JacobianSpectrum
    orthogonal: sim.JacobianSpectrum
    theory: Theory

    @property
    def critical(self) -> bool:
        return self.theory.regime is Regime.NEUTRAL


def isometry(s: PageSettings) -> Isometry:
    kw = dict(sigma_w=s.sigma_w, sigma_b=s.sigma_b, seed=s.seed)
    w = s.jacobian_width
    return Isometry(sim.jacobian_spectrum(s.depth, w, s.act, init="gaussian", **kw),
                    sim.jacobian_spectrum(s.depth, w, s.act, init="orthogonal", **kw),
                    theory(s.act, s.sigma_w, s.sigma_b))


def predicted_variance(act: str, init: str, depth: int, critical: bool) -> float | None:
    """Large-width variance of eig(JJᵀ) at criticality where the page knows it (Pennington et al. 2017)."""
    if not critical:
        return None
    if act == "identity":
        return float(depth) if init == "gaussian" else 0.0
    if act == "relu":
        return float(2 * depth) if init == "gaussian" else float(depth)
    return None


ISOMETRY_BAND = math.log(2.0)
"""A singular value within ×2 of 1 counts as isometric."""


def isometric_share(spec: sim.JacobianSpectrum) -> float:
    """Fraction of the singular values within ×2 of 1 (those below the rounding floor count as outside)."""
    r = spec.resolved_log_singular_values
    return float(np.mean(np.abs(r) <= ISOMETRY_BAND))


def share_text(spec: sim.JacobianSpectrum) -> str:
    return f"{isometric_share(spec):.0%}"


def isometry_metrics(iso: Isometry) -> list[tuple[str, str]]:
    out = []
    for spec in (iso.gaussian, iso.orthogonal):
        name = INITS[spec.init]
        pred = predicted_variance(spec.activation, spec.init, spec.depth, iso.critical)
        var = "overflows" if math.isnan(spec.var_eig) else fmt_sci(spec.var_eig, 3)
        out.append((f"{name}: var eig(JJᵀ)" + ("" if pred is None else f" (width ≫ L: ≈ {pred:g})"), var))
        out.append((f"{name}: s_i within ×2 of 1", share_text(spec)))
    return [out[0], out[2], out[1], out[3]]  # variances in one row, shares in the next


def isometry_caption(iso: Isometry) -> str:
    w = iso.gaussian.width
    text = (f"Singular values s_i of ∂x_L/∂x_0 for one network of width {w} (sorted, log scale), the same "
            "σ_w and σ_b, Gaussian against orthogonal weights. Mean-field theory gives both the same mean of "
            "s_i², ∏ χ^l (χ₁^L once q^l has reached q*); only the spread differs.")
    if predicted_variance(iso.gaussian.activation, "gaussian", iso.gaussian.depth, iso.critical) is not None:
        text += (f" The variances quoted from Pennington et al. (2017) hold when the width is much larger than "
                 f"the depth (here width/L = {w / iso.gaussian.depth:.2g}); one draw's variance also fluctuates "
                 "strongly, since the few largest s_i dominate it.")
    if iso.gaussian.activation == "relu":
        text += (" ReLU switches about half the units off, so part of the spectrum is exactly zero and is "
                 "not drawn (values below 10⁻¹³ of the largest are at rounding level).")
    return text


def isometry_verdict(iso: Isometry) -> Verdict:
    g, o = iso.gaussian, iso.orthogonal
    if not iso.critical:
        return Verdict(f"χ₁ = {iso.theory.chi1:.4g} ≠ 1: both spectra drift together by about √χ₁ per layer, and "
                       f"{share_text(o)} of the orthogonal network's singular values (Gaussian: {share_text(g)}) are "
                       "within ×2 of 1. Orthogonal weights change the spread, not the drift: dynamical isometry "
                       "needs χ₁ = 1 first.", iso.theory.regime)
    if math.isnan(g.var_eig) or math.isnan(o.var_eig):
        return Verdict("The eigenvalues of JJᵀ overflow float64 here; the spectra are drawn from their "
                       "logarithms.", Regime.NEUTRAL)
    if o.var_eig < 1e-9 and g.var_eig > 1e-3:
        text = (f"Orthogonal weights give perfect dynamical isometry: every singular value is 1 (variance of "
                f"eig(JJᵀ) {fmt_sci(o.var_eig)}), while Gaussian weights at the same χ₁ = 1 spread them "
                f"(variance {fmt_sci(g.var_eig, 3)}; {share_text(g)} within ×2 of 1).")
    elif o.var_eig < g.var_eig:
        text = (f"At χ₁ = 1 the mean is right for both, but {share_text(g)} of the Gaussian network's singular "
                f"values are within ×2 of 1 (variance of eig(JJᵀ) {fmt_sci(g.var_eig, 3)}) against "
                f"{share_text(o)} for orthogonal weights ({fmt_sci(o.var_eig, 3)}): closer to isometry, as "
                "Pennington et al. (2017) predict.")
    else:
        text = (f"In this draw orthogonal weights do not narrow the spectrum (variance {fmt_sci(o.var_eig, 3)} "
                f"against {fmt_sci(g.var_eig, 3)}): at this width and depth one network's fluctuations can beat "
                "the large-width prediction.")
    return Verdict(text, Regime.NEUTRAL)


# ---------------------------------------------------------------------------
# 5. residual connections


@dataclass(frozen=True)
class ResidualSettings:
    page: PageSettings
    alpha: float


@dataclass(frozen=True)
class Residual:
    """The residual network; its plain twin is the Gaussian network of :func:`measure` and :func:`isometry`."""

    settings: ResidualSettings
    residual: sim.ResidualGradients
    residual_spectrum: sim.JacobianSpectrum

    @property
    def residual_log_span(self) -> float:
        return log_span_of(self.residual.log_bias_grad_norms)


def log_span_of(log_norms: np.ndarray) -> float:
    """``ln(first / last)`` of a per-layer profile; ``-inf`` if either end is an exact zero."""
    d = np.asarray(log_norms, dtype=float)
    return float(d[0] - d[-1]) if np.all(np.isfinite(d[[0, -1]])) else -math.inf


def gaussian_twin(s: PageSettings) -> PageSettings:
    """The same network with Gaussian weights (what the residual figure compares against)."""
    return replace(s, init="gaussian")


def residual(rs: ResidualSettings) -> Residual:
    s = rs.page
    kw = dict(sigma_w=s.sigma_w, sigma_b=s.sigma_b, seed=s.seed)
    res = sim.residual_network_gradients(s.depth, s.width, s.act, alpha=rs.alpha, **kw)
    return Residual(rs, res, sim.jacobian_spectrum(s.depth, s.jacobian_width, s.act, residual_alpha=rs.alpha, **kw))


RESIDUAL_CAPTION = ("Left: ‖∂C/∂b^l‖ (the norm, not squared) per layer, plain network and the same weights with "
                    "skip connections x_l = x_{l−1} + α·φ(W^l x_{l−1} + b^l) (Gaussian weights in both). Right: "
                    "the singular values of ∂x_L/∂x_0 for both.")


def _span_regime(log_span: float) -> Regime:
    if log_span == -math.inf:
        return Regime.ZERO
    if abs(log_span) < FLAT_LOG10 * LN10:
        return Regime.NEUTRAL
    return Regime.EXPLODES if log_span > 0 else Regime.VANISHES


def residual_verdict(r: Residual, plain_gradients: sim.DeepGradients, shown: bool) -> Verdict:
    plain_span = log_span_of(plain_gradients.log_delta_norms)
    plain = factor_text(plain_span, 2)
    if not shown:
        return Verdict(f"Plain network: layer 1's gradient is {plain} of layer L's. Switch the skip connections "
                       "on to compare.", _span_regime(plain_span))
    res = factor_text(r.residual_log_span, 2)
    a = r.settings.alpha
    reg = _span_regime(r.residual_log_span)
    if reg is Regime.NEUTRAL and _span_regime(plain_span) is not Regime.NEUTRAL:
        text = (f"With skip connections (α = {a:g}) layer 1's gradient is {res} of layer L's, against {plain} "
                "without them: each block's Jacobian I + α·DW stays close to the identity, so the product "
                "neither vanishes nor explodes.")
    elif reg is Regime.NEUTRAL:
        text = (f"Both keep their size here (residual {res}, plain {plain}): this point is already near "
                "critical, so the skip connections have little to rescue.")
    else:
        text = (f"With α = {a:g} the residual gradient still changes by {res} end to end (plain: {plain}): "
                "every block's Jacobian I + α·DW stretches a little, and over many blocks that compounds. "
                "A smaller α (or α ∝ 1/√L) keeps the product nearer the identity.")
    return Verdict(text, reg)


# ---------------------------------------------------------------------------
# 6. batch normalisation


@dataclass(frozen=True)
class BatchSettings:
    page: PageSettings
    batch: int


@dataclass(frozen=True)
class BatchNorm:
    settings: BatchSettings
    normalised: sim.BatchNormGradients
    plain: sim.BatchNormGradients
    fd_error: float


def batchnorm(bs: BatchSettings) -> BatchNorm:
    s = bs.page
    kw = dict(sigma_w=s.sigma_w, batch=bs.batch, seed=s.seed)
    return BatchNorm(bs, sim.batchnorm_network_gradients(s.depth, s.width, s.act, **kw),
                     sim.batchnorm_network_gradients(s.depth, s.width, s.act, normalised=False, **kw),
                     sim.batchnorm_gradient_check(min(s.depth, FD_DEPTH), min(s.width, FD_WIDTH), s.act, **kw,
                                                  entries=4))


def _rate_text(log_rate: float) -> str:
    return "—" if math.isnan(log_rate) else f"×{math.exp(log_rate):.3f}"


def batchnorm_metrics(b: BatchNorm) -> list[tuple[str, str]]:
    return [("with batch norm", _rate_text(b.normalised.log_rate)),
            ("without", _rate_text(b.plain.log_rate)),
            ("finite differences", fmt_sci(b.fd_error, 1))]


BATCHNORM_CAPTION = ("‖∂C/∂W^l‖_F per layer (the norm, log scale), measured on one batch; the numbers above are "
                     "per-layer factors of its square and the largest relative error of the finite-difference "
                     "check. With: every layer batch-normalised (γ = 1, β = 0, no biases); without: the same "
                     "weights, no normalisation. The slopes are "
                     "least-squares fits of ln‖∂C/∂W^l‖² against L − l. The finite-difference check compares "
                     "back-propagated entries of ∂C/∂W^1 and ∂C/∂W^L with central differences of the loss on a twin "
                     "of at most 12 layers and width 16 (same σ_w, batch and seed): deeper, the gradients are so "
                     "sensitive that any finite step crosses a ReLU kink.")


def batchnorm_verdict(b: BatchNorm) -> Verdict:
    bn, plain = b.normalised.log_rate, b.plain.log_rate
    if math.isnan(bn):
        return Verdict("Too few layers to measure a per-layer rate.", Regime.NEUTRAL)
    if bn > math.log(1.05):
        text = (f"At initialisation batch norm does not cure the gradient: with it the squared weight gradient "
                f"grows ×{math.exp(bn):.3g} per layer towards the input, without it ×{math.exp(plain):.3g}. "
                "That is what mean-field theory predicts — Yang et al. (2019) show batch norm itself makes "
                "gradients explode with depth in networks without skip connections, whatever σ_w. Its benefits "
                "for training come from elsewhere: Yang et al. report that after a single optimisation step the "
                "gradients settle to a much smaller dynamic range. This page measures only the start.")
        return Verdict(text, Regime.EXPLODES)
    text = (f"Here batch norm's per-layer factor is ×{math.exp(bn):.3g} (without: ×{math.exp(plain):.3g}): "
            "close to flat. Mean-field theory predicts a slow growth towards the input even so; near the linear "
            "regime (small pre-activations, identity-like activations) it is weakest, as Yang et al. (2019) note.")
    return Verdict(text, Regime.NEUTRAL)
