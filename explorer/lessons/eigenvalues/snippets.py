"""NumPy snippets of the eigenvalue page: each figure's numbers from explorer.sim, at the current settings (pure).

Each function takes what its figure takes (and the figure's own controls as keywords)
and returns Python source that a reader can paste into a notebook. The test-suite runs
every snippet for every scenario and compares its variables with the page's numbers.
"""

from __future__ import annotations

from explorer.lessons.eigenvalues import reading as rd

HEAD = "import numpy as np\nfrom explorer import sim\n\n"


def matrix_code(m: rd.MatrixSettings) -> str:
    """Lines that build W exactly as the page does."""
    if m.source == "jordan":
        return f"W = sim.jordan_block({m.jlam!r}, {m.jsize})  # Jordan block, lambda = {m.jlam:g}\n"
    if m.source == "random":
        return f"W = sim.gaussian_matrix({m.n}, {m.gain!r}, {m.seed})  # entries N(0, g^2/n)\n"
    specs = [mode.spec for mode in m.modes]
    return (f"modes = {specs!r}  # (|lambda|, angle in radians, 'real' | 'pair')\n"
            f"W = sim.matrix_from_eigenvalues(sim.spectrum_from_modes(modes), nonnormality={m.nu!r}, seed={m.seed})\n")


def _sizes_code(s: rd.PageSettings) -> str:
    m = s.matrix
    if m.source == "random":
        return (f"rs = sim.random_gaussian_spectrum({m.n}, {m.gain!r}, {m.seed}, steps={s.steps})\n"
                "eigenvalues, log_size = rs.eigenvalues, rs.log_norm_trajectory  # ln ||W^t x||, t = 0..steps\n"
                "log_rho = rs.log_rho\n")
    return (f"g = sim.spectrum_growth(W, steps={s.steps})\n"
            "eigenvalues, log_size = g.eigenvalues, g.log_norm_power  # ln ||W^t||, t = 0..steps\n"
            "log_rho = g.log_rho\n")


def spectrum(s: rd.PageSettings, **_) -> str:
    return (HEAD + matrix_code(s.matrix) + _sizes_code(s)
            + "half_lives = sim.half_life_steps(eigenvalues)  # steps to halve (or double) each mode\n"
              "print(np.round(eigenvalues, 4), 'rho =', np.exp(log_rho))\n")


def growth(s: rd.PageSettings, **_) -> str:
    return (HEAD + matrix_code(s.matrix) + _sizes_code(s)
            + "t = np.arange(log_size.size)\n"
              "log10_measured = log_size / np.log(10)  # the solid line\n"
              "log10_eigen = t * log_rho / np.log(10)  # rho(W)^t, the dashed line\n"
              "print(log10_measured[-1], log10_eigen[-1])\n")


def rate(s: rd.PageSettings, probe: int = 10, **_) -> str:
    t = min(max(int(probe), 1), s.steps)
    return (HEAD + matrix_code(s.matrix) + _sizes_code(s)
            + "t = np.arange(1, log_size.size)\n"
              "per_step = np.exp(log_size[1:] / t)  # size^(1/t): tends to rho(W) (Gelfand)\n"
              f"probe = {t}\n"
              "print(per_step[probe - 1], 'against rho =', np.exp(log_rho))\n")


def modes(s: rd.PageSettings, decades: int = 6, **_) -> str:
    m = s.matrix
    return (HEAD + matrix_code(m) + f"x = sim.unit_vector(W.shape[0], {m.seed}, stream=1)\n"
            f"mc = sim.mode_contributions(W, x, steps={s.steps})\n"
            "log_contributions = mc.log_contributions  # ln |c_i lambda_i^t| per mode (rows)\n"
            "log_whole = mc.log_norm_trajectory  # ln ||W^t x||\n"
            f"shown = log_contributions / np.log(10) >= log_whole / np.log(10) - {int(decades)}  # within the depth\n"
            "print(mc.eigenvalues, log_contributions[:, -1])\n")


def gradient(s: rd.PageSettings, **_) -> str:
    m = s.matrix
    return (HEAD + matrix_code(m) + f"g = sim.unit_vector(W.shape[0], {m.seed}, stream=2)\n"
            f"log_gradient = sim.gradient_log_norms(W, g, steps={s.steps})  # ln ||(W^T)^t g||\n"
            "print('log10 sizes at t = 0, 10, steps:', log_gradient[[0, 10, -1]] / np.log(10))\n")
