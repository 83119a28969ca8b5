"""Predict, then reveal: the eigenvalue page's questions (pure; answers computed with explorer.sim)."""

from __future__ import annotations

import math

import numpy as np

from explorer import format as fmt
from explorer import sim
from explorer.lessons.eigenvalues import reading as rd
from explorer.question import Question, Reveal, Values

YES_NO = {"yes": "Yes", "no": "No"}


def _sizes(values: Values) -> tuple[rd.PageSettings, np.ndarray, float]:
    """``ln ‖Wᵗ‖`` (``ln ‖Wᵗx‖`` for a random W) for t = 0..steps, and ln ρ(W), straight from the sim."""
    s = rd.PageSettings.from_values(values)
    if s.matrix.source == "random":
        r = sim.random_gaussian_spectrum(s.matrix.n, s.matrix.gain, s.matrix.seed, s.steps)
        return s, r.log_norm_trajectory, float(r.log_rho)
    g = sim.spectrum_growth(s.matrix.matrix(), s.steps)
    return s, g.log_norm_power, float(g.log_rho)


def _rho_text(values: Values) -> str:
    _, _, log_rho = _sizes(values)
    return fmt.fmt_sci(math.exp(log_rho), 3)


def hump_prompt(values: Values) -> str:
    s = rd.PageSettings.from_values(values)
    return (f"ρ(W) = {_rho_text(values)} and the eigenvectors are tilted (ν = {s.matrix.nu:g}). "
            f"Will ‖Wᵗ‖ rise above 1 at some step before it decays?")


def hump_reveal(values: Values) -> Reveal:
    s, log_size, log_rho = _sizes(values)
    peak = int(np.argmax(log_size[1:])) + 1
    grows = bool(log_size[peak] > 1e-12)
    numbers = (f"‖Wᵗ‖ peaks at {fmt.fmt_log(float(log_size[peak]))} at t = {peak}, while ρ(W)ᵗ = "
               f"{fmt.fmt_log(peak * log_rho)} there; at t = {s.steps} it is {fmt.fmt_log(float(log_size[-1]))}.")
    why = ("Nearly parallel eigenvectors cancel each other in W⁰ = I; as the modes decay at different rates the "
           "cancellation stops, so the norm can grow first although every eigenvalue is inside the circle."
           if grows else
           "With eigenvectors this far apart every mode just shrinks by its own |λ| each step, so nothing can "
           "push ‖Wᵗ‖ above ‖W⁰‖ = 1.")
    return Reveal("yes" if grows else "no", numbers, why)


def thousand_prompt(values: Values) -> str:
    s = rd.PageSettings.from_values(values)
    return (f"The largest eigenvalue has |λ| = {_rho_text(values)}. After how many steps has ‖Wᵗ‖ grown 1000-fold? "
            f"(The page runs {s.steps} steps.)")


def thousand_reveal(values: Values) -> Reveal:
    s, log_size, log_rho = _sizes(values)
    target = math.log(1000.0)
    above = np.flatnonzero(log_size >= target)
    step = int(above[0]) if above.size else math.inf
    estimate = target / log_rho if log_rho > 0 else math.inf
    numbers = (f"‖Wᵗ‖ first passes 1000 at t = {step}; the eigenvalue alone predicts ln 1000 / ln ρ = "
               f"{estimate:.1f} steps." if above.size else
               f"‖Wᵗ‖ never reaches 1000 within {s.steps} steps (it ends at {fmt.fmt_log(float(log_size[-1]))}).")
    why = ("The other modes fade, so after a few steps ‖Wᵗ‖ grows by ρ(W) per step: 1000-fold takes "
           "ln 1000 / ln ρ steps, which is long when ρ is close to 1.")
    return Reveal(float(step), numbers, why, tolerance=0.15)


def overflow_prompt(values: Values) -> str:
    return (f"ρ(W) = {_rho_text(values)}. At which step t does ‖Wᵗ‖ pass the largest float32 number, "
            f"3.4·10³⁸ (where a float32 network would overflow)?")


def overflow_reveal(values: Values) -> Reveal:
    _, log_size, log_rho = _sizes(values)
    limits = sim.float_limit_steps(log_size)
    step = limits.float32_overflow_step
    numbers = (f"At t = {step}: ‖Wᵗ‖ = {fmt.fmt_log(float(log_size[step]))}; ln(3.4·10³⁸) / ln ρ = "
               f"{limits.log_float32_max / log_rho:.1f}." if step is not None and log_rho > 0 else
               f"Never within the steps shown: ‖Wᵗ‖ ends at {fmt.fmt_log(float(log_size[-1]))}.")
    why = ("Sizes are kept as logarithms here, so the page can follow 3ᵗ far past the float range; a float32 "
           "computation would have turned into inf at that step.")
    return Reveal(float(step) if step is not None else math.inf, numbers, why, tolerance=0.05)


QUESTIONS: tuple[Question, ...] = (
    Question("hump", "growth", "nonnormal_transient", hump_prompt, hump_reveal, YES_NO),
    Question("thousand", "growth", "one_outside", thousand_prompt, thousand_reveal, unit="steps"),
    Question("overflow", "rate", "float_overflow", overflow_prompt, overflow_reveal, unit="steps"),
)
"""In page order; ``?q=1`` is the first."""
