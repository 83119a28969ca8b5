"""Predict, then reveal: the Jacobian-bound page's questions (pure; answers computed with explorer.sim)."""

from __future__ import annotations

import math

import numpy as np

from explorer import format as fmt
from explorer import sim
from explorer.lessons.jacobian import reading as rd
from explorer.question import Question, Reveal, Values

LAG = 50
SIZE = {"larger": "Larger than 1", "smaller": "Smaller than 1"}


def _profile(values: Values) -> tuple[rd.RNNSettings, np.ndarray, sim.BoundSummary]:
    s = rd.RNNSettings.from_values(values)
    tr = s.simulate()
    log_norms = sim.jacobian_log_norms(tr)
    return s, log_norms, sim.bound_summary(tr, log_norms)


def lag_prompt(values: Values) -> str:
    s = rd.RNNSettings.from_values(values)
    return (f"σ_max(W_rec) = {s.target:g} with {fmt.ACTIVATION_LABELS[s.act]}, so η = σ_max·γ = "
            f"{s.target * sim.activation(s.act).gamma:g}. Will the gradient {min(LAG, s.T)} steps back, "
            f"‖∂x_T/∂x_(T−{min(LAG, s.T)})‖, be larger or smaller than 1?")


def lag_reveal(values: Values) -> Reveal:
    s, log_norms, summary = _profile(values)
    lag = min(LAG, s.T)
    log_size = float(log_norms[s.T - lag])
    bound = lag * math.log(summary.eta) if summary.eta > 0 else -math.inf
    larger = log_size > 0
    numbers = (f"Measured: ‖∂x_T/∂x_(T−{lag})‖ = {fmt.fmt_log(log_size)}; the bound η^{lag} = {fmt.fmt_log(bound)}; "
               f"the mean slope σ′ along the run is {summary.mean_derivative:.3g}.")
    why = ("η > 1 only means the bound cannot promise vanishing; the slopes σ′ along the trajectory are mostly "
           "well below γ, so the product still shrinks." if not larger and summary.eta > 1 else
           "Each step multiplies by W_rec and by the slopes σ′; here W_rec stretches more than the slopes shrink, "
           "so the product grows with the lag." if larger else
           "With η < 1 every factor shrinks vectors, so the product must vanish at least like η^lag "
           "(Pascanu, Mikolov & Bengio, 2013).")
    return Reveal("larger" if larger else "smaller", numbers, why)


def zero_prompt(values: Values) -> str:
    s = rd.RNNSettings.from_values(values)
    return (f"W_rec: {rd.KINDS[s.kind].lower()}, n = {s.n}, σ_max = {s.target:g}. How many steps back "
            "(the lag T − k) does ‖∂x_T/∂x_k‖ first become exactly 0? (Answer 0 if you think it never does.)")


def zero_reveal(values: Values) -> Reveal:
    s, log_norms, summary = _profile(values)
    lag = summary.zero_from_lag
    numbers = (f"The product is exactly 0 from lag {lag} on; just before, at lag {lag - 1}, it is "
               f"{fmt.fmt_log(float(log_norms[s.T - lag + 1]))}." if lag is not None else
               f"It never becomes exactly 0 within T = {s.T} steps; at the largest lag it is "
               f"{fmt.fmt_log(float(log_norms[0]))}.")
    why = ("A nilpotent matrix shifts the signal along a chain of n units, so any product of n or more factors "
           "is exactly zero, although every eigenvalue was 0 all along and the early products grow."
           if lag is not None else "No product of these factors is exactly zero: they only shrink or grow.")
    return Reveal(float(lag) if lag is not None else 0.0, numbers, why, tolerance=0.0, slack=0.5)


def _deep_settings(values: Values) -> rd.DeepSettings:
    return rd.DeepSettings(act=str(values["d_act"]), init=str(values["d_init"]), sigma_w=float(values["d_sw"]),
                           sigma_b=float(values["d_sb"]), depth=int(values["d_depth"]), width=int(values["d_width"]),
                           seed=int(values["d_seed"]))


def _deep(values: Values) -> tuple[rd.DeepSettings, sim.DeepGradients]:
    d = _deep_settings(values)
    return d, sim.deep_network_gradients(d.depth, d.width, d.act, sigma_w=d.sigma_w, sigma_b=d.sigma_b,
                                         init=d.init, seed=d.seed)


def deep_prompt(values: Values) -> str:
    d = _deep_settings(values)  # the prompt names the settings; the gradients are computed on reveal
    return (f"A {d.depth}-layer network of width {d.width} with {fmt.ACTIVATION_LABELS[d.act]} units and "
            f"{rd.INITS[d.init]} weights: by how many orders of magnitude is the gradient at the first layer "
            "smaller than at the last? (Negative if it is larger.)")


def deep_reveal(values: Values) -> Reveal:
    d, g = _deep(values)
    decades = float(g.log_delta_norms[-1] - g.log_delta_norms[0]) / math.log(10.0)
    per_layer = math.exp(-decades * math.log(10.0) / max(d.depth - 1, 1))
    numbers = (f"‖δ¹‖ / ‖δᴸ‖ = {fmt.fmt_pow10(-decades)}: {decades:.2f} orders of magnitude, about ×{per_layer:.3g} "
               f"per layer (γ = {sim.activation(d.act).gamma:g}).")
    why = ("Each layer multiplies the gradient by a weight matrix and by the slopes f′; when their product is "
           "below 1 on average the shrinking compounds layer after layer (Glorot & Bengio, 2010).")
    return Reveal(decades, numbers, why, tolerance=0.25, slack=0.5)


QUESTIONS: tuple[Question, ...] = (
    Question("lag", "bound", "tanh_edge", lag_prompt, lag_reveal, SIZE),
    Question("zero", "bound", "nilpotent", zero_prompt, zero_reveal, unit="steps"),
    Question("deep", "deep", "deep_sigmoid", deep_prompt, deep_reveal, unit="orders of magnitude"),
)
"""In page order; ``?q=1`` is the first."""
