"""The deep-network lab: initialisation, the edge of chaos, dynamical isometry, residual connections, batch norm."""

import streamlit as st

from explorer import app, sim
from explorer.format import ACTIVATION_LABELS as LABEL
from explorer.lessons.deeplab import charts, snippets
from explorer.lessons.deeplab import reading as rd
from explorer.lessons.deeplab.scenarios import DEFAULTS as D

_critical, _theory = app.cached(sim.critical_sigma_w), app.cached(rd.theory)
_grid, _curve, _named = app.cached(rd.phase_grid), app.cached(rd.depth_curve), app.cached(rd.named_inits)
_measure, _isometry = app.cached(rd.measure), app.cached(rd.isometry)
_residual, _batchnorm = app.cached(rd.residual), app.cached(rd.batchnorm)


@app.cached_chart
def phase_chart(act: str, sigma_w: float, sigma_b: float):
    t = _theory(act, sigma_w, sigma_b)
    named = [(n.label, n.sigma_w2, n.sigma_b2) for n in _named(act, sigma_b)]
    return charts.phase_chart(_grid(act), (sigma_w**2, sigma_b**2, t.regime), named)


@app.cached_chart
def depth_chart(act: str, sigma_w: float, sigma_b: float, depth: int):
    return charts.depth_chart(_curve(act, sigma_b), sigma_w, _theory(act, sigma_w, sigma_b).depth_scale, depth)


@app.cached_chart
def gradient_chart(s: rd.PageSettings):
    m = _measure(s)
    return charts.gradient_chart(m.gradients, m.log_prediction)


@app.cached_chart
def ratio_chart(s: rd.PageSettings):
    m = _measure(s)
    return charts.ratio_chart(m.log_ratios, m.log_chi_layers, m.theory.chi1)


@app.cached_chart
def isometry_chart(s: rd.PageSettings):
    iso = _isometry(s)
    return charts.spectrum_chart({"Gaussian weights": iso.gaussian, "orthogonal weights": iso.orthogonal})


@app.cached_chart
def residual_gradient_chart(rs: rd.ResidualSettings, shown: bool):
    plain = _measure(rd.gaussian_twin(rs.page)).gradients
    res = (_residual(rs).residual.layers, _residual(rs).residual.log_bias_grad_norms) if shown else (None, None)
    return charts.residual_gradient_chart(plain, *res)


@app.cached_chart
def residual_spectrum_chart(rs: rd.ResidualSettings, shown: bool):
    spectra = {"plain network": _isometry(rs.page).gaussian}
    if shown:
        spectra["with skip connections"] = _residual(rs).residual_spectrum
    return charts.spectrum_chart(spectra)


@app.cached_chart
def batchnorm_chart(bs: rd.BatchSettings):
    b = _batchnorm(bs)
    return charts.batchnorm_chart(b.normalised, b.plain)


def metrics(rows) -> None:
    for col, (label, value) in zip(st.columns(len(rows)), rows, strict=True):
        col.metric(label, value)


c = app.start_page("deeplab", rd.INTRO)
st.page_link(app.page("jacobian").path, label=rd.JACOBIAN_LINK, icon=":material/link:")
top = st.columns([2, 1, 1], gap="medium", vertical_alignment="top")
with top[0]:
    c.scenario_picker()
act = c.select("act", "Activation φ", rd.PAGE_ACTIVATIONS, D["act"], format_func=LABEL.__getitem__, container=top[1])
init = c.select("init", "Weights", tuple(rd.INITS), D["init"], format_func=rd.INITS.__getitem__, container=top[2],
                help="Gaussian entries N(0, σ_w²/width), or σ_w times a random orthogonal matrix: the same variance.")
row = st.columns([1.5, 2, 2], gap="medium", vertical_alignment="bottom")
crit = c.toggle("crit", "Edge of chaos", D["crit"], container=row[0])
sw = c.slider("sw", "Weights σ_w", *rd.SW_RANGE, D["sw"], 0.001, fmt="%.3f", container=row[1],
              help="W_ij ~ N(0, σ_w²/width). Xavier/LeCun: 1; He (ReLU): √2 ≈ 1.414; PyTorch's tanh gain: 5/3.")
sb = c.slider("sb", "Biases σ_b", *rd.SB_RANGE, D["sb"], 0.01, container=row[2], help="b_i ~ N(0, σ_b²).")
row = st.columns(3, gap="medium")
depth = c.slider("depth", "Depth L", *rd.DEPTH_RANGE, D["depth"], 1, container=row[0])
width = c.slider("width", "Width", *rd.WIDTH_RANGE, D["width"], 16, container=row[1],
                 help=f"Units per layer. The Jacobian figures use at most {rd.JACOBIAN_WIDTH}.")
seed = c.number("seed", "Seed", 0, 10_000, int(D["seed"]), 1, container=row[2])
values = dict(act=act, init=init, crit=crit, sw=sw, sb=sb, depth=depth, width=width, seed=seed)
settings = rd.PageSettings.of(values, _critical(act, float(sb)) if crit else None)
if crit:
    st.caption(f":material/target: {rd.critical_text(settings)}")


@app.figure(c, "phase", "The phase diagram: the right initialisation is a line, χ₁ = 1",
            snippet=snippets.phase)
def phase_figure(s: rd.PageSettings) -> None:
    t = _theory(s.act, s.sigma_w, s.sigma_b)
    metrics(rd.theory_metrics(t, s.depth))
    st.latex(r"\begin{aligned}q^* &= \sigma_w^2\,\mathbb{E}\big[\phi(\sqrt{q^*}z)^2\big] + \sigma_b^2,\\ "
             r"\chi_1 &= \sigma_w^2\,\mathbb{E}\big[\phi'(\sqrt{q^*}z)^2\big],\quad z\sim\mathcal N(0,1)"
             r"\end{aligned}")
    app.show_chart(phase_chart(s.act, s.sigma_w, s.sigma_b), alt_text="Phase diagram of chi_1 over sigma_w^2 and "
                   "sigma_b^2 with the critical line and named initialisations")
    app.caption(rd.phase_caption(s.act))
    app.verdict(rd.phase_verdict(t, s.depth))


@app.figure(c, "depth", "Depth scale ξ = 1/|ln χ₁|: how many layers a gradient survives",
            snippet=snippets.depth)
def depth_figure(s: rd.PageSettings) -> None:
    app.show_chart(depth_chart(s.act, s.sigma_w, s.sigma_b, s.depth),
                   alt_text="Depth scale against sigma_w with the network's depth")
    app.caption(rd.DEPTH_CAPTION)
    app.verdict(rd.depth_verdict(_theory(s.act, s.sigma_w, s.sigma_b), s.depth))


@app.figure(c, "measured", "Measured against predicted: a real network follows χ₁, not the worst case",
            snippet=snippets.measured)
def measured_figure(s: rd.PageSettings) -> None:
    with app.heavy(s.heavy, "Back-propagating through the layers…"):
        m = _measure(s)
    metrics(rd.measured_metrics(m))
    left, right = st.columns([3, 2], gap="medium")
    with left:
        app.show_chart(gradient_chart(s), alt_text="Squared gradient norm per layer, measured, mean field and bound")
    with right:
        app.show_chart(ratio_chart(s), alt_text="Per-layer ratio of squared gradient norms against chi")
    app.caption(rd.MEASURED_CAPTION)
    app.verdict(rd.measured_verdict(m))


@app.figure(c, "isometry", "Dynamical isometry: χ₁ = 1 fixes the mean singular value, orthogonal weights the spread",
            snippet=snippets.isometry)
def isometry_figure(s: rd.PageSettings) -> None:
    with app.heavy(s.heavy, "Multiplying the layer Jacobians…"):
        iso = _isometry(s)
    rows = rd.isometry_metrics(iso)
    metrics(rows[:2])
    metrics(rows[2:])
    app.show_chart(isometry_chart(s), alt_text="Sorted singular values of the input-output Jacobian")
    app.caption(rd.isometry_caption(iso))
    app.verdict(rd.isometry_verdict(iso))


@app.figure(c, "residual", "Residual connections: x_l = x_{l−1} + α·F(x_{l−1}) keeps the product near I",
            snippet=snippets.residual)
def residual_figure(s: rd.PageSettings) -> None:
    row = st.columns([1.4, 2], gap="medium", vertical_alignment="bottom")
    shown = c.toggle("res", "Skip connections", D["res"], container=row[0])
    alpha = c.slider("alpha", "Branch weight α", *rd.ALPHA_RANGE, D["alpha"], 0.05, container=row[1])
    rs = rd.ResidualSettings(s, float(alpha))
    with app.heavy(s.heavy, "Back-propagating through the blocks…"):
        r = _residual(rs)
    left, right = st.columns(2, gap="medium")
    with left:
        app.show_chart(residual_gradient_chart(rs, shown), alt_text="Bias-gradient norm per layer with and "
                       "without skip connections")
    with right:
        app.show_chart(residual_spectrum_chart(rs, shown), alt_text="Jacobian singular values with and without "
                       "skip connections")
    app.caption(rd.RESIDUAL_CAPTION)
    app.verdict(rd.residual_verdict(r, _measure(rd.gaussian_twin(s)).gradients, shown))


@app.figure(c, "batchnorm", "Batch normalisation at initialisation: measured on a batch",
            snippet=snippets.batchnorm)
def batchnorm_figure(s: rd.PageSettings) -> None:
    batch = c.slider("batch", "Batch size B", *rd.BATCH_RANGE, D["batch"], 8, container=st.container(width=360))
    bs = rd.BatchSettings(s, int(batch))
    with app.heavy(s.heavy, "Normalising and back-propagating the batch…"):
        b = _batchnorm(bs)
    metrics(rd.batchnorm_metrics(b))
    app.show_chart(batchnorm_chart(bs), alt_text="Weight-gradient norm per layer with and without batch norm")
    app.caption(rd.BATCHNORM_CAPTION)
    app.verdict(rd.batchnorm_verdict(b))


phase_figure(settings)
depth_figure(settings)
measured_figure(settings)
isometry_figure(settings)
residual_figure(settings)
batchnorm_figure(settings)
st.caption(rd.SOURCES)
