"""Predict, then reveal: the deep-network lab's questions (pure; answers computed with explorer.sim).

Each answer comes from the page's own readings (:func:`reading.theory`, :func:`reading.measure`,
:func:`reading.isometry`), which call :mod:`explorer.sim` at the question's settings; the app
caches each reveal (explorer/app/questions.py ``reveal_of``).
"""

from __future__ import annotations

import math

import numpy as np

from explorer import format as fmt
from explorer.lessons.deeplab import reading as rd
from explorer.question import Question, Reveal, Values
from explorer.sim import Regime

PHASES = {"ordered": "Ordered (χ₁ < 1)", "critical": "Critical (χ₁ = 1)", "chaotic": "Chaotic (χ₁ > 1)"}
WEIGHTS = {"gaussian": "Gaussian weights", "orthogonal": "Orthogonal weights"}
PHASE_OF = {Regime.VANISHES: "ordered", Regime.NEUTRAL: "critical", Regime.EXPLODES: "chaotic"}


def _settings(values: Values) -> rd.PageSettings:
    return rd.PageSettings.of(values)


def _network(s: rd.PageSettings) -> str:
    return f"{fmt.ACTIVATION_LABELS[s.act]}, σ_w = {s.sigma_w:.4g}, σ_b = {s.sigma_b:g}"


def _measured_text(m: rd.Measured) -> str:
    g = m.gradients
    if not np.isfinite(m.log_span):
        return f"in one random network of width {g.width} some layers receive an exactly zero gradient"
    return (f"one random network of width {g.width} measures ‖δ¹‖²/‖δᴸ‖² = {fmt.factor_text(m.log_span, 2)} "
            f"over its {g.depth} layers")


# -- 1. the phase of a named initialisation ---------------------------------------------------------------------


def phase_prompt(values: Values) -> str:
    s = _settings(values)
    gain = " (PyTorch's tanh gain 5/3)" if s.act == "tanh" and abs(s.sigma_w - rd.TORCH_GAIN) < 1e-3 else ""
    return (f"{_network(s)}{gain}: at initialisation, ordered (the squared gradient shrinks going back), "
            "critical, or chaotic (it grows)?")


def phase_reveal(values: Values) -> Reveal:
    s = _settings(values)
    t = rd.theory(s.act, s.sigma_w, s.sigma_b)
    phase = PHASE_OF[t.regime]
    steps = max(s.depth - 1, 1)
    slope2 = t.chi1 / s.sigma_w**2  # E[φ′(h)²] at the fixed point
    point = ("χ₁ = 1 (ξ = ∞)" if phase == "critical" else
             f"χ₁ = {t.chi1:.4g} (ln χ₁ = {t.log_chi1:+.3g}, {rd.xi_text(t.depth_scale)})")
    numbers = (f"{point}: mean-field theory predicts ×{fmt.fmt_pow10(steps * t.log_chi1 / fmt.LN10, 2)} in square "
               f"over {steps} layers; {_measured_text(rd.measure(s))}.")
    if phase == "critical":
        why = (f"On the critical line the weights' stretch σ_w² = {s.sigma_w**2:.4g} exactly makes up for the mean "
               f"squared slope E[φ′(h)²] = {slope2:.4g}, so on average a layer neither shrinks nor stretches the "
               "squared gradient.")
    else:
        side = "above" if phase == "chaotic" else "below"
        why = (f"χ₁ = σ_w²·E[φ′(h)²] is the weights' stretch σ_w² = {s.sigma_w**2:.4g} times the mean squared "
               f"slope E[φ′(h)²] = {slope2:.4g} at the fixed point q* = {fmt.fmt_sci(t.q_star, 3)}, and with their "
               f"product {side} 1 the same factor compounds at every layer going back (Poole et al., 2016; "
               "Schoenholz et al., 2017).")
    return Reveal(phase, numbers, why)


# -- 2. χ₁ for He's ReLU network --------------------------------------------------------------------------------


def chi_prompt(values: Values) -> str:
    s = _settings(values)
    return (f"{_network(s)} (σ_w² = {s.sigma_w**2:.4g}): by what factor χ₁ does each layer multiply the mean "
            "squared gradient on its way back, according to mean-field theory?")


def chi_reveal(values: Values) -> Reveal:
    s = _settings(values)
    m = rd.measure(s)
    first, last = rd._bulk_range(s.depth - 1)
    measured = "0" if m.mean_log_ratio == -math.inf else f"{math.exp(m.mean_log_ratio):.4g}"
    numbers = (f"χ₁ = {m.theory.chi1:.4g}; {_measured_text(m)}, ×{measured} per layer on average over layers "
               f"{first + 1}..{last}.")
    if s.act == "relu":
        why = (f"ReLU's slope is 1 on the half of the units that are on and 0 on the others, so E[φ′²] = 1/2 "
               f"whatever σ_b, and χ₁ = σ_w²/2 = {s.sigma_w**2:.4g}/2 = {m.theory.chi1:.4g} (He et al., 2015).")
    elif s.act == "identity":
        why = f"A linear layer's slope is 1 everywhere, so χ₁ = σ_w² = {s.sigma_w**2:.4g}."
    else:
        why = (f"χ₁ = σ_w²·E[φ′(h)²]: σ_w² = {s.sigma_w**2:.4g} times the mean squared slope "
               f"{m.theory.chi1 / s.sigma_w**2:.4g} of the units at the fixed point q* = "
               f"{fmt.fmt_sci(m.theory.q_star, 3)}.")
    return Reveal(float(m.theory.chi1), numbers, why, tolerance=0.05, slack=0.02)


# -- 3. the spread of the Jacobian's singular values ------------------------------------------------------------


def spread_prompt(values: Values) -> str:
    s = _settings(values)
    t = rd.theory(s.act, s.sigma_w, s.sigma_b)
    chi = "χ₁ = 1" if t.regime is Regime.NEUTRAL else f"χ₁ = {t.chi1:.4g}"
    return (f"{_network(s)} ({chi}), depth {s.depth}, width {s.jacobian_width}: Gaussian and orthogonal weights "
            "give the Jacobian's squared singular values s_i² the same mean; which gives them the larger spread "
            "(var eig(JJᵀ))?")


def _spreads(iso: rd.Isometry) -> tuple[float, float, str]:
    """Gaussian and orthogonal spread, and their name: var eig(JJᵀ), or var ln s_i where eig(JJᵀ) overflows."""
    g, o = iso.gaussian, iso.orthogonal
    if np.isfinite(g.var_eig) and np.isfinite(o.var_eig):
        return float(g.var_eig), float(o.var_eig), "var eig(JJᵀ)"
    return (float(np.var(g.resolved_log_singular_values)), float(np.var(o.resolved_log_singular_values)),
            "var ln s_i (eig(JJᵀ) overflows float64)")


def spread_reveal(values: Values) -> Reveal:
    s = _settings(values)
    iso = rd.isometry(s)
    vg, vo, name = _spreads(iso)
    larger = "gaussian" if vg > vo else "orthogonal"
    numbers = (f"{name}: Gaussian {fmt.fmt_sci(vg, 3)}, orthogonal {fmt.fmt_sci(vo, 3)}; within ×2 of 1: "
               f"{rd.share_text(iso.gaussian)} of the Gaussian network's s_i, {rd.share_text(iso.orthogonal)} of "
               "the orthogonal one's.")
    if larger == "gaussian":
        why = ("An orthogonal matrix has every singular value exactly 1, so only the slopes φ′ spread the product's "
               "spectrum, while every Gaussian matrix adds a spread of its own that compounds with depth "
               "(Pennington, Schoenholz & Ganguli, 2017).")
    else:
        why = ("In this draw the orthogonal network's spectrum is the wider one: the variance is dominated by the "
               "few largest s_i, and at this width and depth one network's fluctuations can beat the large-width "
               "prediction that orthogonal weights narrow it.")
    return Reveal(larger, numbers, why)


QUESTIONS: tuple[Question, ...] = (
    Question("phase", "phase", "torch", phase_prompt, phase_reveal, PHASES),
    Question("chi", "measured", "he", chi_prompt, chi_reveal, unit="per layer"),
    Question("spread", "isometry", "ortho", spread_prompt, spread_reveal, WEIGHTS),
)
"""In page order; ``?q=1`` is the first."""
