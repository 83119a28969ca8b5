"""NumPy snippets of the deep-network lab: each figure's numbers from explorer.sim at the current settings (pure).

Each function takes what its figure takes (the page's :class:`~explorer.lessons.deeplab.reading.PageSettings`,
and the figure's own controls as keywords) and returns Python source for a notebook;
tests/lessons/test_deeplab_lecture.py runs each one for every scenario and compares its
variables with the page's numbers.
"""

from __future__ import annotations

from explorer.lessons.deeplab import reading as rd
from explorer.lessons.deeplab.scenarios import DEFAULTS

HEAD = "import numpy as np\nfrom explorer import sim\n\n"


def _point(s: rd.PageSettings) -> str:
    """The activation, σ_w and σ_b in use (σ_w recomputed on the critical line, not typed in)."""
    sw = ("sim.critical_sigma_w(act, sigma_b)  # on the critical line chi_1 = 1" if s.critical
          else repr(float(s.sigma_w)))
    return f"act, sigma_b = {s.act!r}, {float(s.sigma_b)!r}\nsigma_w = {sw}\n"


def _net(s: rd.PageSettings) -> str:
    return HEAD + _point(s) + f"depth, width, seed = {s.depth}, {s.width}, {s.seed}\n"


def _grid(start: float, stop: float, n: int) -> str:
    return f"np.round(np.linspace({start!r}, {stop!r}, {n}), 6)"


def phase(s: rd.PageSettings, **_) -> str:
    named = "".join(
        f"    {n.label!r}: ({n.sigma_w2!r}, {n.sigma_b2!r}),\n" if "critical" not in n.label else
        f"    {n.label!r}: (sim.critical_sigma_w(act, sigma_b) ** 2, sigma_b ** 2),\n"
        for n in rd.named_inits(s.act, s.sigma_b))
    sw2, sb2 = rd.SW2_GRID, rd.SB2_GRID
    return (HEAD + _point(s)
            + f"grid = sim.phase_diagram(act, {_grid(float(sw2[0]), float(sw2[-1]), sw2.size)},\n"
              f"                         {_grid(float(sb2[0]), float(sb2[-1]), sb2.size)})  # (sigma_w^2, sigma_b^2)\n"
              "log10_chi1 = grid.log_chi1 / np.log(10)  # the colour; grid.critical_sigma_w2 is the black line\n"
              "named = {  # the initialisations people use: (sigma_w^2, sigma_b^2)\n" + named + "}\n"
              "q_star, chi1 = sim.q_star(act, sigma_w, sigma_b), sim.chi1(act, sigma_w, sigma_b)\n"
              "xi = sim.depth_scale(act, sigma_w, sigma_b)  # 1 / |ln chi_1|\n"
              f"print('q* =', q_star, 'chi_1 =', chi1, 'xi =', xi, 'L / xi =', {s.depth} / xi)\n")


def depth(s: rd.PageSettings, **_) -> str:
    lo, hi = rd.SW_RANGE
    return (HEAD + _point(s)
            + f"grid = {_grid(float(rd.SW_CURVE[0]), float(rd.SW_CURVE[-1]), rd.SW_CURVE.size)}  # sigma_w\n"
              "critical = sim.critical_sigma_w(act, sigma_b)\n"
              f"if {lo!r} < critical < {hi!r}:\n"
              "    grid = np.unique(np.append(grid, critical))  # xi is infinite there\n"
              "curve = sim.chi1_curve(act, sigma_b, grid)  # curve.depth_scale = 1 / |ln chi_1| along sigma_w\n"
              "xi = sim.depth_scale(act, sigma_w, sigma_b)\n"
              f"print('xi at sigma_w =', sigma_w, ':', xi, 'against depth L = {s.depth}')\n")


def measured(s: rd.PageSettings, **_) -> str:
    start, stop = rd._bulk_range(s.depth - 1)  # the layers the page averages
    return (_net(s)
            + f"g = sim.deep_network_gradients(depth, width, act, sigma_w=sigma_w, sigma_b=sigma_b, init={s.init!r},\n"
              "                               seed=seed)  # g.log_delta_norms = ln ||dC/db^l||, g.log_bound\n"
              "x = np.asarray(sim.build_network(1, width, sigma_w=1.0, seed=seed).x)  # the same input\n"
              "lv = sim.layer_variances(act, depth, sigma_w=sigma_w, sigma_b=sigma_b, q0=float(np.mean(x ** 2)))\n"
              "with np.errstate(divide='ignore', invalid='ignore'):\n"
              "    log_chi_layers = np.log(lv.chi)  # ln chi^l at each layer's own variance q^l\n"
              "    log_sq = 2 * g.log_delta_norms  # ln ||delta^l||^2\n"
              "    log_ratios = log_sq[:-1] - log_sq[1:]  # ln(||delta^l||^2 / ||delta^(l+1)||^2)\n"
              "tail = np.concatenate([np.cumsum(log_chi_layers[:-1][::-1])[::-1], [0.0]])\n"
              "log_prediction = log_sq[-1] + tail  # mean field from the measured ||delta^L||^2 (dashed)\n"
              f"bulk = slice({start}, {stop})  # layers {start + 1}..{stop}: away from the input and the output\n"
              "measured = np.mean(log_ratios[bulk][np.isfinite(log_ratios[bulk])])\n"
              "predicted = np.mean(log_chi_layers[:-1][bulk])\n"
              "print('per layer: measured', np.exp(measured), 'theory', np.exp(predicted), "
              "'chi_1', sim.chi1(act, sigma_w, sigma_b))\n")


def _spectrum(name: str, init: str, extra: str = "") -> str:
    return (f"{name} = sim.jacobian_spectrum(depth, width, act, sigma_w=sigma_w, sigma_b=sigma_b, init={init!r},\n"
            f"                         {' ' * len(name)}seed=seed{extra})\n")


def _jacobian_net(s: rd.PageSettings) -> str:
    note = f"  # the Jacobian figures use at most width {rd.JACOBIAN_WIDTH}" if s.width > rd.JACOBIAN_WIDTH else ""
    return HEAD + _point(s) + f"depth, width, seed = {s.depth}, {s.jacobian_width}, {s.seed}{note}\n"


def isometry(s: rd.PageSettings, **_) -> str:
    return (_jacobian_net(s) + _spectrum("gaussian", "gaussian") + _spectrum("orthogonal", "orthogonal")
            + "for spec in (gaussian, orthogonal):  # s_i = exp(spec.log_singular_values), sorted\n"
              "    share = np.mean(np.abs(spec.resolved_log_singular_values) <= np.log(2))  # s_i within x2 of 1\n"
              "    print(spec.init, 'var eig(JJ^T) =', spec.var_eig, 'share within x2 of 1 =', share)\n")


def residual(s: rd.PageSettings, res: bool = DEFAULTS["res"], alpha: float = DEFAULTS["alpha"], **_) -> str:
    js = s.jacobian_width
    code = (_net(s) + "plain = sim.deep_network_gradients(depth, width, act, sigma_w=sigma_w, sigma_b=sigma_b,\n"
                      "                                   seed=seed)  # plain.log_delta_norms: ln ||dC/db^l||\n"
            + f"plain_spectrum = sim.jacobian_spectrum(depth, {js}, act, sigma_w=sigma_w, sigma_b=sigma_b,\n"
              "                                       seed=seed)  # its Jacobian's singular values\n")
    if not res:
        return code + "print('layer 1 / layer L:', np.exp(plain.log_delta_norms[0] - plain.log_delta_norms[-1]))\n"
    return (code + f"alpha = {float(alpha)!r}  # x_l = x_(l-1) + alpha * phi(W^l x_(l-1) + b^l)\n"
            "skip = sim.residual_network_gradients(depth, width, act, sigma_w=sigma_w, sigma_b=sigma_b, alpha=alpha,\n"
            "                                      seed=seed)  # skip.log_bias_grad_norms: ln ||dC/db^l||\n"
            f"skip_spectrum = sim.jacobian_spectrum(depth, {js}, act, sigma_w=sigma_w, sigma_b=sigma_b, seed=seed,\n"
            "                                      residual_alpha=alpha)\n"
            "print('layer 1 / layer L: plain', np.exp(plain.log_delta_norms[0] - plain.log_delta_norms[-1]),\n"
            "      'with skips', np.exp(skip.log_bias_grad_norms[0] - skip.log_bias_grad_norms[-1]))\n")


def batchnorm(s: rd.PageSettings, batch: int = DEFAULTS["batch"], **_) -> str:
    return (HEAD + _point(s) + "# batch-normalised layers have no biases (beta = 0): sigma_b is not used\n"
            + f"depth, width, batch, seed = {s.depth}, {s.width}, {int(batch)}, {s.seed}\n"
              "kw = dict(sigma_w=sigma_w, batch=batch, seed=seed)\n"
              "with_bn = sim.batchnorm_network_gradients(depth, width, act, **kw)  # .log_weight_grad_norms per layer\n"
              "without = sim.batchnorm_network_gradients(depth, width, act, normalised=False, **kw)\n"
              f"fd_error = sim.batchnorm_gradient_check(min(depth, {rd.FD_DEPTH}), min(width, {rd.FD_WIDTH}), act, "
              "**kw, entries=4)\n"
              "print('per layer, squared: with', np.exp(with_bn.log_rate), 'without', np.exp(without.log_rate),\n"
              "      'finite differences:', fd_error)\n")
