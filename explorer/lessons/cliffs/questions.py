"""Predict, then reveal: the cliffs page's questions (pure; answers computed with explorer.sim)."""

from __future__ import annotations

import math

import numpy as np

from explorer import format as fmt
from explorer import sim
from explorer.lessons.cliffs import reading as rd
from explorer.question import Question, Reveal, Values

UP_DOWN = {"down": "Down", "up": "Up"}
YES_NO = {"yes": "Yes", "no": "No"}
GOAL = 0.01
"""The loss the clipped run must get below."""
NUDGE = 1e-9
"""Perturbation of x₀ used to measure the growth over the T steps."""


def _run(values: Values, clip: str, iterations: int | None = None) -> sim.CliffTrajectory:
    return sim.cliff_sgd(float(values["w0"]), float(values["b0"]), lr=float(values["lr"]),
                         iterations=int(values["iters"] if iterations is None else iterations), clip=clip,
                         threshold=float(values["tau"]), steps=rd.T, x0=rd.X0, target=rd.TARGET)


def step_prompt(values: Values) -> str:
    w0, b0 = float(values["w0"]), float(values["b0"])
    b_c = sim.cliff_wall(w0, steps=rd.T, x0=rd.X0).b_c
    return (f"Start at (w, b) = ({w0:g}, {b0:g}), {fmt.fmt_sci(b0 - b_c)} from the line b_c({w0:g}) = {b_c:.4f}, "
            f"with η = {float(values['lr']):g}. One unclipped gradient step: will the loss go down or up?")


def step_reveal(values: Values) -> Reveal:
    r = _run(values, "none", 1)
    up = r.loss[1] > r.loss[0]
    numbers = (f"‖∇E‖ at the start is {fmt.fmt_sci(float(r.grad_norm[0]))}; the step moved (w, b) by "
               f"{fmt.fmt_sci(float(r.step_length[0]))} and E went from {fmt.fmt_sci(float(r.loss[0]))} to "
               f"{fmt.fmt_sci(float(r.loss[1]))}.")
    why = ("A gradient step only promises descent while the loss stays close to its tangent plane over the step, "
           "and across a wall it does not: the step lands on the other side, where the loss is far higher."
           if up else "Here the loss is smooth over the length of the step, so moving against the gradient lowers it.")
    return Reveal("up" if up else "down", numbers, why)


def growth_prompt(values: Values) -> str:
    return (f"At w = {float(values['sw']):g}, with x₀ = 0.5 on the fixed point (b = b_c), by how many orders of "
            f"magnitude does a small perturbation of x₀ grow over the {rd.T} steps? (Negative if it shrinks.)")


def growth_reveal(values: Values) -> Reveal:
    w = float(values["sw"])
    wall = sim.cliff_wall(w, steps=rd.T, x0=rd.X0)
    decades = wall.log_amplification / math.log(10.0)
    if wall.is_wall:
        x = sim.cliff_states(w, wall.b_c, steps=rd.T, x0=rd.X0)[-1]
        nudged = sim.cliff_states(w, wall.b_c, steps=rd.T, x0=rd.X0 + NUDGE)[-1]
        measured = f"; nudging x₀ by {NUDGE:g} moves x_{rd.T} by {fmt.fmt_sci(float(abs(nudged - x)))}"
    else:
        measured = "; the fixed point is stable, so a nudge dies out"
    numbers = (f"w σ′(0.5) = {wall.multiplier:.4f} per step, so ×{fmt.fmt_pow10(decades)} over {rd.T} steps "
               f"({decades:.2f} orders of magnitude){measured}.")
    why = ("At the fixed point every step multiplies a perturbation by the same Jacobian w σ′(0.5), so over T "
           "steps it grows like (w σ′(0.5))^T (Pascanu, Mikolov & Bengio, 2013).")
    return Reveal(float(decades), numbers, why, tolerance=0.1, slack=0.5)


def crawl_prompt(values: Values) -> str:
    return (f"Clipping by norm to τ = {float(values['tau']):g} with η = {float(values['lr']):g}, from (w, b) = "
            f"({float(values['w0']):g}, {float(values['b0']):g}): will clipped SGD reach a loss below {GOAL:g} "
            f"within {int(values['iters'])} iterations?")


def crawl_reveal(values: Values) -> Reveal:
    r = _run(values, "norm")
    below = np.flatnonzero(r.loss < GOAL)
    numbers = ((f"It first gets below {GOAL:g} at iteration {int(below[0])}" if below.size else
                f"Its lowest loss is {fmt.fmt_sci(float(r.loss.min()))}")
               + f"; {np.mean(r.clipped):.0%} of its steps were clipped, and in total it moved "
               f"{fmt.fmt_sci(float(np.sum(r.step_length)))} in the (w, b) plane.")
    why = ("With τ far below the typical gradient norm every step is clipped to length ητ, so the run crawls "
           "however clear the way down is." if not below.size else
           "The threshold only bounds the rare steps on the wall, so the clipped run descends at full speed elsewhere.")
    return Reveal("yes" if below.size else "no", numbers, why)


QUESTIONS: tuple[Question, ...] = (
    Question("growth", "wall", "wall", growth_prompt, growth_reveal, unit="orders of magnitude"),
    Question("step", "train", "wall", step_prompt, step_reveal, UP_DOWN),
    Question("crawl", "train", "crawl", crawl_prompt, crawl_reveal, YES_NO),
)
"""In page order of their figures; ``?q=1`` is the first."""
