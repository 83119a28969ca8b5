"""Predict, then reveal: the activation page's questions (pure; answers computed with explorer.sim)."""

from __future__ import annotations

import math

from explorer import format as fmt
from explorer import sim
from explorer.chartkit import ACTIVATION_LABELS
from explorer.lessons.activations import reading as r
from explorer.question import Question, Reveal, Values

MORE_LESS = {"more": "More than 1/4", "less": "Less than 1/4"}
YES_NO = {"yes": "Yes", "no": "No"}


def _page(values: Values) -> tuple[r.PageSettings, r.Gaussian]:
    return r.PageSettings.of(values["show"], values["slope"]), r.Gaussian(float(values["mu"]), float(values["s"]))


def _first(page: r.PageSettings) -> str:
    return "sigmoid" if "sigmoid" in page.names else page.names[0]


def depth_prompt(values: Values) -> str:
    page, z = _page(values)
    name = _first(page)
    return (f"{ACTIVATION_LABELS[name]} units, pre-activations {z.text()}. After how many layers has the expected "
            f"product E[f′(z)]^L fallen below {r.THRESHOLD:g}? (The page goes to L = {int(values['depth'])}.)")


def depth_reveal(values: Values) -> Reveal:
    page, z = _page(values)
    name = _first(page)
    f = sim.depth_factors(name, z.s, z.mu, max_depth=int(values["depth"]), threshold=r.THRESHOLD, slope=page.slope)
    layers = f.layers_mean
    numbers = (f"E[f′(z)] = {f.mean_factor:.4g} per layer, so the product passes {r.THRESHOLD:g} at L = {layers} "
               f"(ln {r.THRESHOLD:g} / ln {f.mean_factor:.4g} = "
               f"{math.log(r.THRESHOLD) / math.log(f.mean_factor):.1f}); γ^L would need "
               f"{fmt.count_text(f.layers_gamma, 'layer')}."
               if layers is not None else
               f"E[f′(z)] = {f.mean_factor:.4g} per layer: the product stays above {r.THRESHOLD:g} up to "
               f"L = {int(values['depth'])}.")
    why = ("Every layer multiplies the gradient by another factor f′(z) of the same size on average, so the "
           "expected product falls geometrically: a handful of layers per factor of ten when E[f′] is small.")
    return Reveal(float(layers) if layers is not None else math.inf, numbers, why, tolerance=0.15, slack=1.0)


def quarter_prompt(values: Values) -> str:
    _, z = _page(values)
    return (f"Pre-activations are {z.text()}. Will tanh pass back on average more or less than 1/4, "
            "the sigmoid's very best slope (E[tanh′(z)] against 0.25)?")


def quarter_reveal(values: Values) -> Reveal:
    _, z = _page(values)
    tanh_mean, _ = sim.derivative_moments("tanh", z.s, z.mu)
    sigmoid_mean, _ = sim.derivative_moments("sigmoid", z.s, z.mu)
    numbers = (f"E[tanh′(z)] = {tanh_mean:.4g} (quadrature) against 0.25; the sigmoid manages "
               f"E[σ′(z)] = {sigmoid_mean:.4g} at the same z.")
    why = ("tanh′(x) = 4σ′(2x): tanh is four times steeper at its centre, but wide or shifted inputs put most "
           "units on its flat tails, where both pass back almost nothing.")
    return Reveal("more" if tanh_mean > 0.25 else "less", numbers, why)


def gamma_prompt(values: Values) -> str:
    page, _ = _page(values)
    names = ", ".join(ACTIVATION_LABELS[n] for n in page.names)
    return (f"Of the activations shown ({names}), does any have a slope above 1 somewhere (γ = sup|f′| > 1), "
            "so that a unit can pass back more than the whole gradient?")


def gamma_reveal(values: Values) -> Reveal:
    page, _ = _page(values)
    acts = page.activations()
    top = max(acts, key=lambda a: a.gamma)
    steep = top.gamma > 1.0 + 1e-9
    listed = "; ".join(f"{ACTIVATION_LABELS[a.name]} γ = {a.gamma:.4g}" for a in acts)
    numbers = f"{listed}." + (f" {ACTIVATION_LABELS[top.name]} reaches it at x = {top.gamma_at:.3g}." if steep else "")
    why = ("GELU's curve overshoots the identity just above 0, so its slope peaks above 1 and a worst-case bound "
           "γ^L can grow with depth." if steep else
           "None of these ever climbs faster than the identity, so no single unit can enlarge the gradient.")
    return Reveal("yes" if steep else "no", numbers, why)


QUESTIONS: tuple[Question, ...] = (
    Question("gamma", "curves", "gelu", gamma_prompt, gamma_reveal, YES_NO),
    Question("quarter", "moments", "saturated", quarter_prompt, quarter_reveal, MORE_LESS),
    Question("depth", "depth", "sigmoid_deep", depth_prompt, depth_reveal, unit="layers"),
)
"""In page order; ``?q=1`` is the first."""
