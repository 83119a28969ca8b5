"""NumPy snippets of the activation page: each figure's numbers from explorer.sim at the current settings (pure).

Each function takes what its figure takes (and the figure's own controls as keywords)
and returns Python source for a notebook; the test-suite runs each one for every
scenario and compares its variables with the page's numbers.
"""

from __future__ import annotations

from explorer.lessons.activations import reading as r

HEAD = "import numpy as np\nfrom explorer import sim\n\n"


def curves(page: r.PageSettings, xmax: float, thr: float = 0.1, **_) -> str:
    return (HEAD + f"x = np.linspace({-float(xmax)!r}, {float(xmax)!r}, {r.GRID_POINTS})\n"
            "curves, saturated = {}, {}\n"
            f"for name in {list(page.names)!r}:\n"
            f"    act = sim.activation(name, slope={page.slope!r})\n"
            "    curves[name] = (act.f(x), act.df(x), act.gamma)  # f, f' and gamma = sup|f'|\n"
            f"    saturated[name] = sim.saturation_intervals(name, {-float(xmax)!r}, {float(xmax)!r}, {float(thr)!r},\n"
            f"                                               slope={page.slope!r})  # where |f'| < {float(thr):g}\n"
            "print({n: c[2] for n, c in curves.items()}, saturated)\n")


def tanh(xmax: float, **_) -> str:
    return (HEAD + f"x = np.linspace({-float(xmax)!r}, {float(xmax)!r}, {r.GRID_POINTS})\n"
            "rel = sim.tanh_sigmoid_relation(x)  # tanh(x) = 2 sigma(2x) - 1, tanh'(x) = 4 sigma'(2x)\n"
            "print(rel.max_abs_error, rel.max_abs_error_derivative)\n")


def moments(page: r.PageSettings, z: r.Gaussian, **_) -> str:
    return (HEAD + "moments, histograms = {}, {}\n"
            f"for name in {list(page.names)!r}:\n"
            f"    moments[name] = sim.derivative_moments(name, {z.s!r}, {z.mu!r}, slope={page.slope!r})"
            "  # E[f'(z)], E[f'(z)^2] by quadrature\n"
            f"    histograms[name] = sim.derivative_histogram(name, {z.s!r}, {z.mu!r}, slope={page.slope!r},\n"
            f"                                                n_samples={r.HIST_SAMPLES}, seed={r.HIST_SEED})\n"
            "print(moments)\n")


def depth(page: r.PageSettings, z: r.Gaussian, depth: int = 50, **_) -> str:
    return (HEAD + "factors = {}\n"
            f"for name in {list(page.names)!r}:\n"
            f"    factors[name] = sim.depth_factors(name, {z.s!r}, {z.mu!r}, max_depth={int(depth)},\n"
            f"                                      threshold={r.THRESHOLD!r}, slope={page.slope!r})\n"
            "print({n: (f.gamma, f.mean_factor, f.layers_mean) for n, f in factors.items()})\n")
