"""NumPy snippets of the power-method page: each figure's numbers from explorer.sim, at the current settings (pure).

Each function takes what its figure takes (and the figure's own controls as keywords)
and returns Python source for a notebook; the test-suite runs each one for every
scenario and compares its variables with the page's numbers.
"""

from __future__ import annotations

from explorer.lessons.power import reading as rd

HEAD = "import numpy as np\nfrom explorer import sim\n\n"


def matrix_code(s: rd.MatrixSettings) -> str:
    """Lines that make the page's W and start vector x0."""
    if s.matrix == "random":
        made = f"sim.random_gaussian_preset({s.n}, {s.gain!r}, {s.seed})  # entries N(0, g^2/n)"
    elif s.matrix == "custom":
        made = f"sim.custom_preset(np.array({[list(r) for r in s.rows]!r}), {s.seed})"
    else:
        made = f"sim.preset_matrix({s.matrix!r})"
    return f"p = {made}\nW, x0 = p.W, p.x0\n"


def _trace(s: rd.MatrixSettings, steps: int) -> str:
    return (f"tr = sim.power_method(W, x0, {int(steps)}, form={s.form!r})  # "
            + ("x^T W^t (row form)\n" if s.form == "row" else "W^t x (column form)\n"))


def plane(s: rd.MatrixSettings, t: int = 6, **_) -> str:
    return (HEAD + matrix_code(s) + _trace(s, rd.PLANE_STEPS + 1)
            + "directions, log10_norm = tr.direction, tr.log10_norm  # unit x_t and log10 ||x_t||\n"
              "rayleigh, angle = tr.rayleigh, tr.angle  # Rayleigh quotient, angle to v1 (radians)\n"
              f"t = {int(t)}\n"
              "print(directions[t], 10 ** log10_norm[t], rayleigh[t])\n")


def convergence(s: rd.MatrixSettings, steps: int = 60, **_) -> str:
    return (HEAD + matrix_code(s) + _trace(s, steps)
            + "log10_norm, angle, rayleigh = tr.log10_norm, tr.angle, tr.rayleigh  # per step t = 0..steps\n"
              "turns = sim.direction_turns(tr)  # how far the direction moves per step\n"
              "theory = sim.theory_log10_angle(tr)  # log10 of the angle predicted from |lambda2/lambda1|^t\n"
              "print(tr.dominant_eigenvalue, log10_norm[-1], rayleigh[-1])\n")


def spectrum(s: rd.MatrixSettings, **_) -> str:
    return (HEAD + matrix_code(s)
            + f"spectrum = sim.dominant_spectrum(W, form={s.form!r})\n"
              "eigenvalues = spectrum.eigenvalues  # by decreasing |lambda|\n"
              "print(eigenvalues, 'ratio |lambda2/lambda1| =', spectrum.ratio)\n")
