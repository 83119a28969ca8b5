"""Predict, then reveal: the power-method page's questions (pure; answers computed with explorer.sim)."""

from __future__ import annotations

import math

import numpy as np

from explorer import format as fmt
from explorer import sim
from explorer.lessons.power import reading as rd
from explorer.question import Question, Reveal, Values

YES_NO = {"yes": "Yes", "no": "No"}
ANGLE = 1e-3
"""The angle (radians) to the dominant eigenvector counted as "settled"."""


def settings_of(values: Values) -> rd.MatrixSettings:
    """The page's matrix settings from control values (defaults for those a scenario leaves out)."""
    rows = rd.read_typed(values.get("custom", "1 2\n3 4")).rows
    return rd.MatrixSettings.of(values["matrix"], values.get("form", "column"), n=values.get("n", 50),
                                gain=values.get("g", 1.0), seed=values.get("seed", 0), rows=rows)


def _trace(values: Values) -> tuple[sim.PresetMatrix, sim.PowerTrace]:
    s = settings_of(values)
    p = rd.matrix_of(s)
    return p, sim.power_method(p.W, p.x0, int(values["steps"]), form=s.form)


def _ratio_text(p: sim.PresetMatrix) -> str:
    return fmt.fmt_sci(float(sim.dominant_spectrum(p.W).ratio), 3)


def settle_prompt(values: Values) -> str:
    p, _ = _trace(values)
    return (f"Here |λ₂/λ₁| = {_ratio_text(p)}. After how many steps is the direction of Wᵗx within "
            f"{ANGLE:g} rad of the dominant eigenvector? (The page runs {int(values['steps'])} steps.)")


def settle_reveal(values: Values) -> Reveal:
    p, tr = _trace(values)
    angle = np.asarray(tr.angle, dtype=float)
    inside = np.flatnonzero(np.isfinite(angle) & (angle < ANGLE))
    step = float(inside[0]) if inside.size else math.inf
    ratio = float(sim.dominant_spectrum(p.W).ratio)
    predicted = math.log(ANGLE / angle[0]) / math.log(ratio) if 0 < ratio < 1 and angle[0] > ANGLE else math.nan
    numbers = (f"The angle first drops below {ANGLE:g} rad at t = {int(step)} (it starts at {angle[0]:.3g} rad); "
               f"ln({ANGLE:g}/{angle[0]:.3g}) / ln {ratio:.3g} = {predicted:.1f} predicts it."
               if inside.size else f"It never gets that close within {int(values['steps'])} steps "
                                   f"(the angle ends at {angle[-1]:.3g} rad).")
    why = ("Each step multiplies the unwanted component by |λ₂/λ₁| relative to the dominant one, so the angle "
           "shrinks geometrically at that rate: slowly when the ratio is close to 1.")
    return Reveal(step, numbers, why, tolerance=0.2)


def turn_prompt(values: Values) -> str:
    p, _ = _trace(values)
    eig = sim.dominant_spectrum(p.W).eigenvalues
    return (f"The two largest eigenvalues are {fmt.complex_text(eig[0])} and {fmt.complex_text(eig[1])}. "
            f"Will the direction of Wᵗx settle on one line within {int(values['steps'])} steps?")


def turn_reveal(values: Values) -> Reveal:
    p, tr = _trace(values)
    turns = np.asarray(sim.direction_turns(tr), dtype=float)
    last = float(turns[-1])
    settles = bool(np.isfinite(last) and min(last, 180.0 - last) < 1e-3)
    eig = sim.dominant_spectrum(p.W).eigenvalues
    numbers = (f"In the last step the direction turns by {last:.3g}°; |λ₁| = {abs(eig[0]):.4g} and "
               f"|λ₂| = {abs(eig[1]):.4g}.")
    why = ("A direction settles only when one eigenvalue is strictly largest in size; a complex pair has two of "
           "equal size, and together they rotate the iterate every step." if not settles else
           "One eigenvalue is strictly largest in size, so the others' share of the iterate dies out and the "
           "direction stops moving.")
    return Reveal("yes" if settles else "no", numbers, why)


def hump_prompt(values: Values) -> str:
    p, _ = _trace(values)
    eig = sim.dominant_spectrum(p.W).eigenvalues
    return (f"Every eigenvalue is at most {abs(eig[0]):.3g} in size. Will ‖Wᵗx‖ ever exceed its start ‖x‖ = 1 "
            "on the way?")


def hump_reveal(values: Values) -> Reveal:
    _, tr = _trace(values)
    log10_norm = np.asarray(tr.log10_norm, dtype=float)
    peak = int(np.argmax(log10_norm))
    grows = bool(log10_norm[peak] > log10_norm[0] + 1e-12)
    numbers = (f"‖Wᵗx‖ peaks at {fmt.fmt_pow10(float(log10_norm[peak] - log10_norm[0]))} × ‖x‖ at t = {peak}, and "
               f"is {fmt.fmt_pow10(float(log10_norm[-1] - log10_norm[0]))} × ‖x‖ at t = {log10_norm.size - 1}.")
    why = ("Eigenvalues say how Wᵗ ends, not how it starts: a large off-diagonal entry (non-orthogonal "
           "eigenvectors) can stretch x many times before the eigenvalues take over." if grows else
           "Here no step stretches x: the sizes only follow the eigenvalues down (or stay put).")
    return Reveal("yes" if grows else "no", numbers, why)


QUESTIONS: tuple[Question, ...] = (
    Question("settle", "convergence", "close", settle_prompt, settle_reveal, unit="steps"),
    Question("turn", "convergence", "rotation", turn_prompt, turn_reveal, YES_NO),
    Question("hump", "convergence", "non_normal", hump_prompt, hump_reveal, YES_NO),
)
"""In page order; ``?q=1`` is the first."""
