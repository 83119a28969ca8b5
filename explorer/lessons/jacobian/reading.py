"""What the Jacobian-bound page says: typed settings and results per figure, captions and verdicts.

Pure functions (no Streamlit, no Altair). Each figure of the view has

* a frozen settings dataclass (hashable: it is the cache key),
* a frozen result dataclass, computed from ``explorer.sim`` by a small glue
  function here (the view wraps it in ``app.cached``),
* reading functions that turn the result into a caption and a
  :class:`explorer.reading.Verdict`, with every threshold and tie decided here.

The recurrent network is Pascanu, Mikolov & Bengio (2013), eqs. 2–5 and 11;
the deep network is the feedforward twin of the same bound (Nielsen, ch. 5).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from explorer import sim
from explorer.format import ACTIVATION_LABELS, LN10, count_text, factor_text, fmt_pow10
from explorer.reading import Verdict
from explorer.sim import Regime

VIEWS = {"rnn": "Recurrent network", "deep": "Deep network"}
FORMS = {"pascanu": "Pascanu", "elman": "Elman"}
KINDS = {"gaussian": "Gaussian", "orthogonal": "Orthogonal", "nilpotent": "Nilpotent chain"}
TARGET_KINDS = {"sigma_max": "σ_max", "spectral_radius": "ρ"}
INITS = {"gaussian": "Gaussian", "xavier": "Xavier", "he": "He", "orthogonal": "Orthogonal"}

SWEEP_STEPS = 400
"""Steps of each network in the σ_max sweep (half of it for n > 128, where each step costs n³)."""
SWEEP_SCALES = 32
"""Networks per activation in the sweep."""

MEMORY_DECADES = 6
"""By default a temporal contribution "counts" when it is within 10^-6 of the largest."""
NO_FADE_SHARE = 0.9
"""If at least this share of the terms counts, and the newest is among them, old terms do not fade."""
RHO_CLOSE = math.log(1.1)
"""Measured rate and ρ(W_rec) "agree" when they are within 10 % of each other."""
GREW = 0.01
"""A peak ``ln`` norm above this counts as growth (about 1 %)."""
BOUND_HELD = 1e-6
"""Rounding allowance (in ln) before a measured norm counts as above the bound."""
PACE = 0.01
"""The measured rate is "faster than the bound's" when below ln η by more than this."""
ATTAINED = 1e-9
"""The bound counts as attained when the rates (ln) agree to this."""
RNN_WORK = 5.0e6
"""Cap on n²·T for the recurrent network: n = 256 follows 70 steps. Measured here at that size, every recurrent
figure together costs the heavy-work worker 1.2-1.45 s; the bound figure (the first drawn) about 0.47 s of it,
the pairs grid 0.44 s, each sweep 0.12 s."""
DEEP_WORK = 7.0e6
"""Cap on depth·width² for the deep network (width 512 builds 26 layers: about 0.5 s of CPU here, most of it
drawing the weights)."""


# ---------------------------------------------------------------------------
# the recurrent network's settings (page-wide in the recurrent view)


@dataclass(frozen=True)
class RNNSettings:
    """The recurrent network every recurrent figure is about (URL keys ``jac_act`` … ``jac_seed``)."""

    act: str = "tanh"
    form: str = "pascanu"
    kind: str = "gaussian"
    target: float = 0.9
    tkind: str = "sigma_max"
    n: int = 64
    T: int = 200
    inp: float = 1.0
    bias: float = 0.0
    seed: int = 0
    asked_T: int | None = None
    """The steps the controls asked for when :data:`RNN_WORK` capped ``T`` (None: not capped)."""

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> RNNSettings:
        """From control values (a scenario's ``values`` or the widgets'): target kind resolved, ``T`` capped."""
        kind, tkind = str(values["kind"]), str(values["tkind"])
        n, asked = int(values["n"]), int(values["T"])
        T = min(asked, max(10, int(RNN_WORK // (n * n)) // 10 * 10))
        return cls(act=str(values["act"]), form=str(values["form"]), kind=kind, target=float(values["target"]),
                   tkind=resolved_target_kind(kind, tkind), n=n, T=T, inp=float(values["inp"]),
                   bias=float(values["bias"]), seed=int(values["seed"]), asked_T=asked if asked > T else None)

    @property
    def heavy(self) -> bool:
        """Near the cap (n²·T ≥ 80 % of :data:`RNN_WORK`): spinners, and the maths goes to the heavy-work worker."""
        return self.n * self.n * self.T >= 0.8 * RNN_WORK

    def simulate(self) -> sim.RNNTrace:
        return sim.simulate_random_rnn(self.act, self.n, self.T, kind=self.kind, target=self.target,
                                       target_kind=self.tkind, input_scale=self.inp, bias=self.bias,
                                       seed=self.seed, form=self.form)


def rnn_cap_text(s: RNNSettings) -> str | None:
    """What the page says when it follows fewer steps than asked (a large network)."""
    if s.asked_T is None:
        return None
    return (f"With n = {s.n} the page follows T = {s.T} steps, not {s.asked_T}: n²·T is capped so that one "
            "viewer's network cannot hold the server for everyone else.")


def resolved_target_kind(kind: str, tkind: str) -> str:
    """A nilpotent W_rec has ρ = 0 at every scale, so a ρ target is read as a σ_max target."""
    return "sigma_max" if kind == "nilpotent" and tkind == "spectral_radius" else tkind


def target_warning(kind: str, tkind: str) -> str | None:
    """The warning shown when :func:`resolved_target_kind` overrides the chosen target kind."""
    if resolved_target_kind(kind, tkind) == tkind:
        return None
    return ("A nilpotent matrix has ρ = 0 at every scale, so no scaling reaches a positive ρ. "
            "The target is read as σ_max instead; switch the target to σ_max.")


# ---------------------------------------------------------------------------
# figure "bound": measured product against η^(T−k)


@dataclass(frozen=True)
class BoundResult:
    """Profiles indexed by ``k = 0..T`` (natural logs) and the summary against the bound."""

    log_norms: np.ndarray
    log_bound: np.ndarray
    log_data_bound: np.ndarray
    log_backprop: np.ndarray
    summary: sim.BoundSummary
    activation: str
    kind: str
    form: str


def measure_bound(settings: RNNSettings) -> BoundResult:
    tr = settings.simulate()
    log_norms = sim.jacobian_log_norms(tr)
    return BoundResult(log_norms, sim.pascanu_log_bound(tr), sim.data_dependent_log_bound(tr),
                       sim.backprop_log_norms(tr), sim.bound_summary(tr, log_norms),
                       settings.act, settings.kind, settings.form)


def bound_metrics(s: sim.BoundSummary) -> tuple[tuple[str, str], ...]:
    """The row of numbers above the equations: (label, value)."""
    return tuple((label, f"{value:.4g}") for label, value in (
        ("σ_max(W_rec)", s.sigma_max), ("ρ(W_rec)", s.spectral_radius), ("γ = sup|σ′|", s.gamma),
        ("η = σ_max·γ", s.eta), ("1/γ", s.critical_scale)))


def eta_latex(s: sim.BoundSummary) -> str:
    return rf"\eta = {s.sigma_max:.3g} \times {s.gamma:.3g} = {s.eta:.3g}"


def rho_caption(s: sim.BoundSummary) -> str:
    """Sufficient, not necessary; and what ρ(W_rec) does and does not predict here (with this run's numbers)."""
    head = ("σ_max < 1/γ is sufficient for vanishing. The reverse, σ_max > 1/γ, is only necessary for "
            "explosion: the inequality runs one way. The condition concerns the largest singular value. "
            "The eigenvalues of W_rec (ρ) predict the rate per step only near the linear regime, where every "
            "σ′ ≈ 1 (small tanh states, or the identity); saturation, or the sigmoid's σ′ ≤ ¼, makes every factor "
            "W_rec·diag(σ′) smaller, and the products can vanish although ρ > 1.")
    rho, rate = s.spectral_radius, s.log_rate
    if s.regime is Regime.ZERO or not math.isfinite(rate):
        tail = (f" Here ρ = {rho:.3g}, and the product becomes exactly 0 from lag {s.zero_from_lag}, so there is "
                "no long-run rate to compare it with." if s.zero_from_lag is not None else
                f" Here ρ = {rho:.3g}, and the run is too short to measure a rate.")
    else:
        measured = f"the measured rate {factor_text(rate, 3)} per step"
        log_rho = math.log(rho) if rho > 0 else -math.inf
        if abs(rate - log_rho) <= RHO_CLOSE:
            tail = (f" Here {measured} is close to ρ = {rho:.3g}: the network stays near its linear regime, "
                    "where ρ sets the rate.")
        elif rate < log_rho and rho > 1.0 and rate < 0.0:
            tail = (f" Here the products vanish at {factor_text(rate, 3)} per step although ρ = {rho:.3g} > 1: "
                    "the saturated σ′ shrink every factor, so ρ alone would have predicted explosion.")
        elif rate < log_rho:
            tail = f" Here {measured} is well below ρ = {rho:.3g}: the σ′ factors shrink every step."
        else:
            tail = (f" Here {measured} is above ρ = {rho:.3g}: over these lags the products follow the "
                    "singular values more than the eigenvalues.")
    return head + tail


def bound_caption(s: sim.BoundSummary) -> str:
    zero = (f" From lag {s.zero_from_lag} on the product is exactly 0, which a log axis cannot show, so those lags "
            "are not drawn." if s.zero_from_lag is not None else "")
    return ("Solid blue: ‖∂x_T/∂x_k‖₂, the largest singular value of the product. Dashed: η^(T−k). Dotted: the "
            "bound with γ replaced by the largest σ′ actually met at each step. Orange: the gradient ∂E_T/∂x_k of "
            "a unit read-out loss at T, which can never exceed the blue line." + zero)


def bound_verdict(r: BoundResult) -> Verdict:
    """Whether the bound certifies vanishing, what the products did, and that the bound held."""
    s, name = r.summary, ACTIVATION_LABELS[r.activation]
    head = f"σ_max(W_rec) = {s.sigma_max:.3g}, ρ(W_rec) = {s.spectral_radius:.3g}, γ = {s.gamma:.3g}"
    why = (f"(mean σ′ = {s.mean_derivative:.2f} against γ = {s.gamma:.3g}; ρ = {s.spectral_radius:.3g} against "
           f"σ_max = {s.sigma_max:.3g})")
    grew = s.peak_log_norm > GREW
    late = f" after rising to {factor_text(s.peak_log_norm)} at lag {s.peak_lag}" if grew else ""
    if s.regime is Regime.ZERO and s.spectral_radius == 0.0:
        rise = (f"grew to {factor_text(s.peak_log_norm)} at lag {s.peak_lag} (the bound η^{s.peak_lag} = "
                f"{factor_text(s.peak_lag * math.log(s.eta))})" if grew else "never grew")
        text = (f"{name}, nilpotent W_rec: ρ = 0 — every eigenvalue is zero — yet σ_max = {s.sigma_max:.3g} "
                f"(η = {s.eta:.3g}). The products {rise}, then are exactly 0 from lag {s.zero_from_lag}: a bounded "
                "transient, not an explosion. Over fewer than n steps growth follows the singular values, not the "
                "eigenvalues; a zero spectral radius only promises the long run.")
    elif s.regime is Regime.ZERO:
        text = (f"{name}, {head}: the product is exactly 0 from lag {s.zero_from_lag}{late} — every path back "
                "through time was cut (units with σ′ = 0), so no gradient reaches further back.")
    elif s.guaranteed:
        pace = "faster than the bound's" if s.log_rate < math.log(s.eta) - PACE else "as fast as the bound's"
        text = (f"{name}, σ_max(W_rec) = {s.sigma_max:.3g} < 1/γ = {s.critical_scale:.3g}: η = {s.eta:.3g} < 1, "
                f"so vanishing is guaranteed. Measured: {factor_text(s.log_rate)} per step, {pace} "
                f"×{s.eta:.3g} per step {why}.")
    elif s.regime is Regime.VANISHES:
        text = (f"{name}, σ_max(W_rec) = {s.sigma_max:.3g} ≥ 1/γ = {s.critical_scale:.3g}: η = {s.eta:.3g}, so the "
                f"bound is silent (it allows ×{s.eta:.3g} per step). Yet the products shrink "
                f"{factor_text(s.log_rate)} per step{late} {why}: σ_max > 1/γ is only necessary for explosion, "
                "not sufficient.")
    elif s.regime is Regime.EXPLODES:
        text = (f"{name}, σ_max(W_rec) = {s.sigma_max:.3g} > 1/γ = {s.critical_scale:.3g} (η = {s.eta:.3g}): the "
                f"products explode, {factor_text(s.log_rate)} per step — below the bound's ×{s.eta:.3g} {why}, "
                "but growing.")
    else:
        attained = abs(math.log(s.eta)) < ATTAINED if s.eta > 0 else False
        text = (f"{name}, {head}: the products neither vanish nor explode ({factor_text(s.log_rate)} per step)"
                + (" — the bound η^(T−k) = 1 is attained exactly." if attained else "."))
    if s.zero_from_lag is not None and s.regime is not Regime.ZERO:
        cause = ("ReLU′(0) = 0 at x₀ = 0" if r.activation == "relu"
                 else "units saturated until σ′ is 0 in floating point")
        text += (f" From lag {s.zero_from_lag} on the product is exactly 0: a step where every σ′ that matters is 0 "
                 f"({cause}) cuts all paths further back.")
    if r.kind == "nilpotent" and s.regime is not Regime.ZERO:
        text += f" (W_rec is nilpotent: ρ = {s.spectral_radius:.3g} while σ_max = {s.sigma_max:.3g}.)"
    held = "held at every lag" if s.max_excess <= BOUND_HELD else f"was EXCEEDED by {s.max_excess:.2g} (ln) — a bug"
    return Verdict(f"{text} The bound {held}.", s.regime)


# ---------------------------------------------------------------------------
# figure "sweep": σ_max against the measured rate, several activations


@dataclass(frozen=True)
class SweepSettings:
    """One activation's sweep over σ_max for a network like the page's."""

    act: str
    n: int
    T: int
    kind: str
    seed: int
    form: str
    inp: float
    bias: float

    @property
    def heavy(self) -> bool:
        """One activation's networks cost about 0.05 s or more: they go to the heavy-work worker.

        Low on purpose: when the page's own network is heavy (n = 256), its three sweeps together
        are about 0.36 s, which the server's interpreter (shared by every viewer) should not spend.
        """
        return SWEEP_SCALES * self.n * self.n * self.T >= 1e8


def sweep_heavy(sweeps) -> bool:
    """Some activation's sweep goes to the heavy-work worker (where it may queue): show a spinner."""
    return any(s.heavy for s in sweeps)


def sweep_steps(n: int, T: int) -> int:
    """Steps per swept network: at most :data:`SWEEP_STEPS`, half of that for n > 128."""
    return min(int(T), SWEEP_STEPS if n <= 128 else SWEEP_STEPS // 2)


def sweep_activations(chosen, current: str) -> tuple[str, ...]:
    """The chosen activations plus the network's own, in the sim's order."""
    wanted = {*chosen, current}
    return tuple(a for a in sim.ACTIVATIONS if a in wanted)


def sweep_settings(rnn: RNNSettings, activations) -> tuple[SweepSettings, ...]:
    T = sweep_steps(rnn.n, rnn.T)
    return tuple(SweepSettings(a, rnn.n, T, rnn.kind, rnn.seed, rnn.form, rnn.inp, rnn.bias) for a in activations)


def sweep(settings: SweepSettings) -> sim.SweepResult:
    scales = np.geomspace(0.1, 4.0 / sim.activation(settings.act).gamma, SWEEP_SCALES)
    return sim.growth_rate_sweep(settings.act, settings.n, settings.T, scales, kind=settings.kind,
                                 seed=settings.seed, form=settings.form, input_scale=settings.inp,
                                 bias=settings.bias)


def sweep_intro(n: int, steps: int) -> str:
    return (f"Each point is a network like yours (n = {n}, same seed, inputs and W_rec direction) with W_rec "
            f"rescaled to that σ_max, run for {steps} steps; the rate is the long-run growth per step of a vector "
            "pushed through the Jacobians (top Lyapunov exponent).")


def sweep_caption(kind: str) -> str:
    return ("Solid: measured factor per step; dashed: the bound's η = σ_max·γ; dotted rules: 1/γ. Left of its rule "
            "each activation must vanish. Right of it the bound rises above 1 but the measured curve stays below "
            "and often keeps vanishing well past 1/γ — saturation and mixing directions cost more than the worst "
            "case." + (" A nilpotent W_rec makes every long product exactly 0, so no measured rate can be drawn."
                       if kind == "nilpotent" else ""))


# ---------------------------------------------------------------------------
# figure "pairs": every (t, k)


GRID_CELLS = 24
"""Grid points per side of the pairs heatmap. Part of the cost grows with their square (one
certified norm per pair): 24 instead of sim's default 32 keeps the heatmap among the cheaper parts
of a recurrent move, and it still reads cell by cell."""


def jacobian_grid(settings: RNNSettings) -> sim.JacobianGrid:
    tr = settings.simulate()
    return sim.jacobian_norm_grid(tr, sim.jacobian_grid_steps(settings.T, settings.n, max_cells=GRID_CELLS))


def grid_caption(grid: sim.JacobianGrid) -> str:
    steps = np.asarray(grid.steps)
    zeros = int(np.sum(np.isneginf(np.asarray(grid.log_norms))))
    return (f"‖∂x_t/∂x_k‖₂ for t, k on a grid of {len(steps)} steps up to {int(steps[-1])} (cost grows with n³, so "
            "large n shows a shorter window). Blue shrinks, orange grows, white is 1. Stripes parallel to the "
            "diagonal mean the decay depends on the lag t − k alone."
            + (f" {zeros} pairs with an exactly zero product are left blank." if zeros else ""))


# ---------------------------------------------------------------------------
# figure "saturation": the σ′ met along the trajectory


@dataclass(frozen=True)
class SaturationResult:
    derivatives: np.ndarray
    gamma: float
    mean_derivative: float
    fraction_saturated: float
    activation: str


def saturation(settings: RNNSettings) -> SaturationResult:
    p = sim.saturation_profile(settings.simulate())
    return SaturationResult(p.derivatives, float(p.gamma), float(p.mean_derivative), float(p.fraction_saturated),
                            settings.act)


def saturation_caption(r: SaturationResult) -> str:
    return (f"Every σ′ that enters a Jacobian factor. The bound assumes each is γ = {r.gamma:.3g}; on average they "
            f"are {r.mean_derivative:.3g}, and {r.fraction_saturated:.0%} are below 0.1γ (saturated). The gap is "
            "why the measurement beats the bound.")


# ---------------------------------------------------------------------------
# figure "terms": temporal contributions


@dataclass(frozen=True)
class TermsSettings:
    """The network, and the cut: a term counts when it is within ``10^-decades`` of the largest (``jac_decades``)."""

    rnn: RNNSettings
    decades: int = MEMORY_DECADES

    @property
    def heavy(self) -> bool:
        """Heavy when the network is: the terms are computed in the heavy-work worker too."""
        return self.rnn.heavy


@dataclass(frozen=True)
class TermsResult:
    """``ln ||term_k||`` and its bound for ``k = 1..T``, and which terms count."""

    log_terms: np.ndarray
    log_bounds: np.ndarray
    horizon: sim.MemoryHorizon

    @property
    def zero_terms(self) -> int:
        return int(np.sum(np.isneginf(self.log_terms)))

    @property
    def log_cut(self) -> float:
        """``ln`` of the smallest term that still counts (-inf if every term is zero)."""
        finite = self.log_terms[np.isfinite(self.log_terms)]
        return float(finite.max() - self.horizon.decades * LN10) if finite.size else -math.inf


def temporal_terms(settings: TermsSettings) -> TermsResult:
    tr = settings.rnn.simulate()
    terms = sim.temporal_contributions(tr)
    return TermsResult(terms, sim.temporal_contribution_log_bounds(tr),
                       sim.memory_horizon(terms, decades=settings.decades))


_SUPERSCRIPT = str.maketrans("0123456789-.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻·")


def cut_text(decades: float) -> str:
    """``10⁻⁶`` for 6 decades."""
    return "10" + f"-{decades:g}".translate(_SUPERSCRIPT)


def _steps_text(h: sim.MemoryHorizon) -> str:
    if h.count == 1:
        return f"k = {h.first_k}"
    return f"k = {h.first_k}…{h.last_k}" if h.contiguous else f"spread over k = {h.first_k}…{h.last_k}"


def terms_caption(r: TermsResult) -> str:
    h, zeros = r.horizon, r.zero_terms
    counted = (f" Dotted: the cut, {cut_text(h.decades)} of the largest term (at k = {h.largest_k}); "
               f"{h.count} of the {h.T} terms ({_steps_text(h)}) are above it." if h.count else "")
    return ("Frobenius norm of each term for E_T = vᵀx_T (unit v); dashed: its bound." + counted
            + (f" {zeros} {'term is' if zeros == 1 else 'terms are'} exactly 0 (the state that W_rec multiplies "
               "there is 0; x₀ = 0) and not drawn." if zeros else ""))


def memory_verdict(r: TermsResult) -> Verdict:
    """Which terms of ∂E_T/∂W_rec count, and whether they are the newest or the oldest."""
    h = r.horizon
    if h.count == 0:
        return Verdict("Every temporal contribution is exactly 0: the states σ(xₖ₋₁) that W_rec multiplies are all "
                       "zero, so this gradient vanishes for a different reason.", Regime.ZERO)
    within = (f"{h.count} of the {h.T} temporal contributions ({_steps_text(h)}) are within {cut_text(h.decades)} "
              "of the largest")
    newest = (f"the newest (k = {h.T}) is {fmt_pow10(h.log10_ratio_newest)} of it" if h.log_ratio_newest > -math.inf
              else f"the newest (k = {h.T}) is exactly 0")
    if h.end is sim.MemoryEnd.NEWEST and h.count >= NO_FADE_SHARE * h.T:
        return Verdict(f"Old terms do not fade: {within}.", Regime.NEUTRAL)
    if h.end is sim.MemoryEnd.NEWEST:
        return Verdict(f"Only the newest terms count: {within}, so the gradient forgets the "
                       f"{count_text(h.T - h.span, 'older step')}.", Regime.VANISHES)
    if h.end is sim.MemoryEnd.OLDEST:
        return Verdict(f"The oldest terms dominate: {within}, all of them old; the largest is at k = {h.largest_k} "
                       f"and {newest}. Exploding products make the gradient follow the distant past and drown the "
                       "recent steps.", Regime.EXPLODES)
    return Verdict(f"Neither end dominates: {within}; the largest is at k = {h.largest_k} and {newest}.",
                   Regime.NEUTRAL)


# ---------------------------------------------------------------------------
# the deep-network view


@dataclass(frozen=True)
class DeepSettings:
    """The deep feedforward network (URL keys ``jac_d_act`` … ``jac_d_seed``)."""

    act: str = "sigmoid"
    init: str = "gaussian"
    sigma_w: float = 1.0
    sigma_b: float = 0.0
    depth: int = 30
    width: int = 128
    seed: int = 0
    asked_depth: int | None = None
    """The depth the controls asked for when :data:`DEEP_WORK` capped it (None: not capped)."""

    @classmethod
    def capped(cls, **values: Any) -> DeepSettings:
        """The settings with ``depth`` capped so that depth·width² ≤ :data:`DEEP_WORK`."""
        asked, width = int(values["depth"]), int(values["width"])
        depth = min(asked, max(2, int(DEEP_WORK // (width * width))))
        return cls(**{**values, "depth": depth}, asked_depth=asked if depth < asked else None)

    @property
    def heavy(self) -> bool:
        return self.depth * self.width * self.width >= 4e6


def deep_cap_text(d: DeepSettings) -> str | None:
    """What the page says when it builds fewer layers than asked (a wide network)."""
    if d.asked_depth is None:
        return None
    return (f"With width {d.width} the page builds {d.depth} layers, not {d.asked_depth}: depth·width² is capped "
            "so that one viewer's network cannot hold the server for everyone else.")


@dataclass(frozen=True)
class DeepResult:
    gradients: sim.DeepGradients
    summary: sim.DeepSummary
    settings: DeepSettings

    @property
    def mean_weight_norm(self) -> float:
        """Geometric mean of ‖w^r‖₂ over the layers."""
        return float(np.exp(np.mean(self.gradients.log_weight_norms)))


def deep_gradients(settings: DeepSettings) -> DeepResult:
    g = sim.deep_network_gradients(settings.depth, settings.width, settings.act, sigma_w=settings.sigma_w,
                                   sigma_b=settings.sigma_b, init=settings.init, seed=settings.seed)
    return DeepResult(g, sim.deep_gradient_summary(g), settings)


def deep_intro(r: DeepResult) -> str:
    return (r"With $z^l = w^l a^{l-1} + b^l$, $a^l = \sigma(z^l)$, $C = \tfrac12\|a^L - y\|^2$ and "
            r"$\Sigma' = \mathrm{diag}(\sigma')$, each layer going back multiplies the gradient by one "
            r"$(w^r)^{\mathsf T}$ and one $\Sigma'$, so the bound changes by $\gamma\|w^r\|_2$ per layer "
            f"(here γ = {r.gradients.gamma:.3g}, geometric mean ‖w^r‖₂ = {r.mean_weight_norm:.3g}). "
            r"The weight gradient $\delta^l (a^{l-1})^{\mathsf T}$ inherits the same factor (Nielsen, "
            "*Neural Networks and Deep Learning*, ch. 2 and 5).")


def deep_caption(r: DeepResult) -> str:
    return ("Solid: measured ‖∂C/∂b^l‖; dashed: the bound. Read from right (output) to left (input): the distance "
            "between the lines is what the worst case gives away."
            + (" Layers with an exactly zero gradient are not drawn." if r.summary.zero_layers else ""))


def deep_verdict(r: DeepResult) -> Verdict:
    ds, st_ = r.summary, r.settings
    head = f"{ACTIVATION_LABELS[st_.act]}, {INITS[st_.init]} weights (σ_w = {st_.sigma_w:g})"
    span = (f"layer 1 gets {factor_text(ds.log_span)} of layer L's gradient ({factor_text(ds.log_rate)} per layer)")
    bound = f"the bound's {factor_text(ds.log_bound_rate)} per layer"
    if ds.regime is Regime.ZERO:
        text = (f"{head}: {ds.zero_layers} of {st_.depth} layers receive an exactly zero gradient (every unit off "
                "somewhere above them); they cannot be drawn on a log axis and do not learn.")
    elif ds.guaranteed:
        text = (f"{head}: every factor γ‖w^r‖₂ is at most {ds.max_layer_factor:.3g} < 1, so vanishing is "
                f"guaranteed. Measured: {span}, against {bound}.")
    elif ds.regime is Regime.VANISHES:
        text = (f"{head}: the largest γ‖w^r‖₂ is {ds.max_layer_factor:.3g}, not below 1, so the bound is silent "
                f"({bound}). The gradient vanishes anyway: {span} — the condition is sufficient, not necessary.")
    elif ds.regime is Regime.EXPLODES:
        text = f"{head}: the gradient grows towards the input: {span}, within {bound}."
    else:
        attained = abs(ds.log_rate - ds.log_bound_rate) < ATTAINED
        text = (f"{head}: the gradient keeps its size — {span}, against {bound}"
                + (", so the bound is attained." if attained else "."))
    return Verdict(text, ds.regime)


# ---------------------------------------------------------------------------
# the equations and fixed prose the figures show beside their numbers

RNN_UPDATE = {
    "pascanu": (r"x_t = W_{rec}\,\sigma(x_{t-1}) + W_{in} u_t + b",
                r"\begin{aligned}J_j &= \frac{\partial x_j}{\partial x_{j-1}}\\ "
                r"&= W_{rec}\,\mathrm{diag}\big(\sigma'(x_{j-1})\big)\end{aligned}"),
    "elman": (r"\begin{aligned}x_t &= \sigma(a_t),\\ a_t &= W_{rec}\,x_{t-1} + W_{in} u_t + b\end{aligned}",
              r"\begin{aligned}J_j &= \frac{\partial x_j}{\partial x_{j-1}}\\ "
              r"&= \mathrm{diag}\big(\sigma'(a_j)\big)\,W_{rec}\end{aligned}"),
}
"""Update rule and step Jacobian per form (multi-line, so each fits half a 1024-px screen)."""

PRODUCT = (r"\begin{aligned}\frac{\partial x_t}{\partial x_k} &= \prod_{j=k+1}^{t} J_j\\ "
           r"&= J_t\,J_{t-1}\cdots J_{k+1}\end{aligned}")
LAYOUT_NOTE = (r"Latest factor on the left. Entry $(i, m)$ of $J_j$ is $\partial x_j^{(i)}/\partial x_{j-1}^{(m)} "
               r"= (W_{rec})_{im}\,\sigma'(x_{j-1}^{(m)})$: rows index outputs (numerator layout), so the factor "
               r"is $W_{rec}\,\mathrm{diag}(\sigma')$, not the $W_{rec}^{\mathsf T}$ printed in the paper's eq. 5. "
               r"The transpose belongs to the backward pass, which multiplies gradients by $J_j^{\mathsf T}$; "
               r"the bound is unaffected because $\|W_{rec}^{\mathsf T}\|_2 = \|W_{rec}\|_2$.")
STEP_BOUND = (r"\begin{aligned}\|J_j\|_2 &\le \|W_{rec}\|_2\,\|\mathrm{diag}(\sigma')\|_2\\ "
              r"&\le \sigma_{max}(W_{rec})\,\gamma = \eta\end{aligned}")
PASCANU_BOUND = (r"\begin{gathered}\Big\|\frac{\partial x_t}{\partial x_k}\Big\|_2 \le \eta^{\,t-k},\\ "
                 r"\sigma_{max}(W_{rec}) < \tfrac{1}{\gamma} \;\Rightarrow\; \eta^{\,t-k} \to 0\end{gathered}")
TERMS_SUM = (r"\frac{\partial E_T}{\partial W_{rec}} = \sum_{k=1}^{T} "
             r"\underbrace{\frac{\partial E_T}{\partial x_T}\,\frac{\partial x_T}{\partial x_k}\,"
             r"\frac{\partial^+ x_k}{\partial W_{rec}}}_{\text{term}_k}")
TERM_BOUND = (r"\begin{aligned}\|\text{term}_k\| &\le \Big\|\frac{\partial E_T}{\partial x_T}\Big\|\,"
              r"\eta^{\,T-k}\\ &\quad\times\Big\|\frac{\partial^+ x_k}{\partial W_{rec}}\Big\|\end{aligned}")
TERMS_NOTE = (r"$\partial^+$ is the immediate derivative ($x_{k-1}$ held fixed). The gradient is a sum of one "
              "term per step; each carries the Jacobian product from k to T, so old terms fade with it when the "
              "products vanish, and drown the new ones when they explode (Pascanu et al. 2013, eqs. 4–5 and 11).")
DEEP_DELTA = (r"\begin{aligned}\delta^l &= \frac{\partial C}{\partial b^l}\\ "
              r"&= \Sigma'(z^l)\,(w^{l+1})^{\mathsf T}\,\Sigma'(z^{l+1})\cdots\\ "
              r"&\quad\cdots(w^L)^{\mathsf T}\,\Sigma'(z^L)\,(a^L-y)\end{aligned}")
DEEP_BOUND = (r"\begin{aligned}\Big\|\frac{\partial C}{\partial b^l}\Big\| &\le \gamma^{\,L-l+1}"
              r"\prod_{r=l+1}^{L}\|w^r\|_2\\ &\quad\times\|a^L-y\|\end{aligned}")
INTRO = ("Back-propagation through time multiplies one Jacobian per step, so how far back a gradient reaches "
         "depends on a product of matrices. Pascanu, Mikolov & Bengio (2013) bound its norm by ηᵗ⁻ᵏ with "
         "η = σ_max(W_rec)·γ. This page measures the actual product for a simulated network and puts the bound "
         "beside it — and does the same across the layers of a deep feedforward network.")
SOURCES = ("Sources: Pascanu, Mikolov & Bengio (2013), *On the difficulty of training recurrent neural networks*, §2 "
           "(eqs. 2–5, 11, and the sufficient and necessary conditions); Goodfellow, Bengio & Courville, *Deep "
           "Learning*, §8.2.5 and §10.7; Nielsen, *Neural Networks and Deep Learning*, ch. 2 and 5; Trefethen & "
           "Embree, *Spectra and Pseudospectra* (singular values against eigenvalues).")
