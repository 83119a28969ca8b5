"""NumPy snippets of the cliffs page: each figure's numbers from explorer.sim at the current settings (pure).

Each function takes what its figure takes (and the figure's own controls as keywords)
and returns Python source for a notebook; tests/lessons/test_cliffs_lecture.py runs each
one for every scenario and compares its variables with the page's numbers.
"""

from __future__ import annotations

from explorer.lessons.cliffs import reading as rd
from explorer.lessons.cliffs.scenarios import DEFAULTS

HEAD = "import numpy as np\nfrom explorer import sim\n\n"
MODEL = f"steps={rd.T}, x0={rd.X0!r}"


def landscape(s: rd.LandscapeSettings, **_) -> str:
    (w_lo, w_hi), (b_lo, b_hi) = s.w_range, s.b_range
    return (HEAD + f"grid = sim.cliff_grid(({w_lo!r}, {w_hi!r}), ({b_lo!r}, {b_hi!r}), {s.n}, {MODEL}, "
            f"target={rd.TARGET!r})  # rows b, columns w\n"
            f"walls = [sim.cliff_wall(float(w), {MODEL}) for w in np.linspace({w_lo!r}, {w_hi!r}, 200)]\n"
            f"wall = [(c.w, c.b_c) for c in walls if c.is_wall and {b_lo!r} <= c.b_c <= {b_hi!r}]  # b = b_c(w)\n"
            "wall_w, wall_b = np.array([p[0] for p in wall]), np.array([p[1] for p in wall])\n"
            "norm = grid.grad_norm\n"
            "peak_norm, median_norm = float(norm.max()), float(np.median(norm))\n"
            "print('largest |grad E|:', peak_norm, 'median:', median_norm)\n")


def wall(window: str, sw: float = DEFAULTS["sw"], **_) -> str:
    lo, hi = rd.WINDOWS[window][1]
    w = float(sw)
    span = min(max(8.0, abs(w) + 4.0), 1e6)
    return (HEAD + f"w = {w!r}\n"
            f"wall = sim.cliff_wall(w, {MODEL})  # b_c = x0 - w sigma(x0), multiplier w sigma'(x0)\n"
            "if wall.is_wall:\n"
            f"    b = np.linspace(wall.b_c - {rd.SLICE_HALF_WIDTH!r}, wall.b_c + {rd.SLICE_HALF_WIDTH!r}, "
            f"{rd.SLICE_POINTS})\n"
            "    b = np.unique(np.concatenate([b, wall.b_c + np.array([-1e-4, -1e-5, 0.0, 1e-5, 1e-4])]))\n"
            "else:\n"
            f"    b = np.linspace({lo!r}, {hi!r}, {rd.SLICE_POINTS})\n"
            f"E, dE_dw, dE_db = sim.cliff_loss_and_grad(w, b, {MODEL}, target={rd.TARGET!r})\n"
            "grad_norm = np.hypot(dE_dw, dE_db)\n"
            f"x_final = sim.cliff_states(w, b, {MODEL})[-1]\n"
            f"curve = sim.cliff_fixed_point_curve(w, ({-span!r}, {span!r}), 801)  # fixed points against b\n"
            "print('multiplier:', wall.multiplier, 'growth over T steps:', np.exp(min(wall.log_amplification, 700)))\n")


def train(w0: float = DEFAULTS["w0"], b0: float = DEFAULTS["b0"], tau: float = DEFAULTS["tau"],
          lr: float = DEFAULTS["lr"], iters: int = DEFAULTS["iters"], **_) -> str:
    return (HEAD + "runs = {clip: sim.cliff_sgd("
            f"{float(w0)!r}, {float(b0)!r}, lr={float(lr)!r}, iterations={int(iters)}, clip=clip,\n"
            f"                           threshold={float(tau)!r}, {MODEL}, target={rd.TARGET!r})\n"
            "        for clip in sim.CLIP_MODES}  # 'none', 'norm', 'value'\n"
            "jump = int(np.argmax(runs['none'].step_length))  # the unclipped run's longest step\n"
            "ws = np.concatenate([runs['norm'].w, runs['value'].w])\n"
            "bs = np.concatenate([runs['norm'].b, runs['value'].b])\n\n\n"
            "def span(v):  # the window drawn under the runs\n"
            f"    lo, hi = v.min() - {rd.PATH_MARGIN / 2!r}, v.max() + {rd.PATH_MARGIN / 2!r}\n"
            f"    mid, half = (lo + hi) / 2, max((hi - lo) / 2, {rd.PATH_MARGIN!r})\n"
            "    return round(float(mid - half), 4), round(float(mid + half), 4)\n\n\n"
            f"under = sim.cliff_grid(span(ws), span(bs), {rd.PATH_GRID}, {MODEL}, target={rd.TARGET!r})\n"
            "print({clip: float(r.loss[-1]) for clip, r in runs.items()}, 'longest step:', jump)\n")
