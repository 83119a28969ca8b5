"""Activation derivatives: how much each layer's f′ shrinks the gradient."""

import pandas as pd
import streamlit as st

from explorer import app, sim
from explorer.chartkit import ACTIVATION_LABELS
from explorer.lessons.activations import charts, snippets
from explorer.lessons.activations import reading as r

TOP_SELECT_WIDTH = 300  # px: three activation chips side by side
TOP_SLIDER_WIDTH = 170  # px: "Leaky ReLU slope" on one line
Z_SLIDER_WIDTH = 250  # px: the x range and the pre-activation sliders
INTRO = ("Back-propagation multiplies the gradient by f′(z) at every unit it passes. "
         "Where f′ is small the signal shrinks; stacked over many layers (or time steps) the shrinking compounds. "
         "This page measures f′ for the common activations and shows how fast the product decays.")

curves_result = app.cached(r.curves_result)
tanh_result = app.cached(r.tanh_result)
moments_result = app.cached(r.moments_result)
depth_result = app.cached(r.depth_result)


@app.cached_chart
def function_chart(s: r.CurveSettings):
    return charts.function_chart(r.grid(s.xmax), s.page.activations())


@app.cached_chart
def derivative_chart(s: r.CurveSettings):
    return charts.derivative_chart(r.grid(s.xmax), s.page.activations(), s.thr)


@app.cached_chart
def saturation_chart(s: r.CurveSettings):
    return charts.saturation_strip(curves_result(s).intervals, (-s.xmax, s.xmax), s.thr)


@app.cached_chart
def tanh_chart(xmax: float):
    return charts.tanh_relation_chart(sim.tanh_sigmoid_relation(r.grid(xmax)))


@app.cached_chart
def histogram_chart(s: r.MomentSettings):
    result = moments_result(s)
    return charts.histogram_chart(result.histogram_map, result.quadrature_means)


@app.cached_chart
def depth_chart(s: r.DepthSettings):
    return charts.depth_chart(depth_result(s).factor_map, r.THRESHOLD)


c = app.start_page("activations", INTRO)
# A wrapping row rather than fixed columns: on a 1024 px projector with the sidebar open the slope
# slider moves to a second line instead of squeezing the scenario and activation boxes.
top = st.container(horizontal=True, gap="medium", vertical_alignment="top")
with top.container():
    c.scenario_picker()
chosen = c.multiselect("show", "Activations", sim.ACTIVATIONS, ["sigmoid", "tanh", "relu"],
                       format_func=ACTIVATION_LABELS.__getitem__, max_selections=6,
                       container=top.container(width=TOP_SELECT_WIDTH),
                       help="Each activation keeps its colour on every page.")
slope = c.slider("slope", "Leaky ReLU slope", 0.0, 0.5, 0.1, 0.01, container=top.container(width=TOP_SLIDER_WIDTH),
                 help="Used only by Leaky ReLU: f(x) = slope·x for x < 0.")
page = r.PageSettings.of(chosen, slope)

# The x range drives the next two figures, so it is page-wide; it sits just above them.
xmax = c.slider("xmax", "x range ±", 1.0, 20.0, 6.0, 0.5, container=st.container(width=Z_SLIDER_WIDTH),
                help="Range of x in the curve charts below and in the tanh check.")


@app.figure(c, "curves", "Each unit passes back at most γ = sup|f′| of the gradient",
            snippet=snippets.curves)
def curves_figure(page: r.PageSettings, xmax: float) -> None:
    left, right = st.columns([1, 3], gap="large")
    thr = c.slider("thr", "Saturation threshold on |f′|", 0.01, 0.5, 0.1, 0.01, container=left,
                   help="Regions where |f′(x)| falls below this are shaded as saturated.")
    s = r.CurveSettings(page, xmax, thr)
    result = curves_result(s)
    with right:
        app.show_chart(function_chart(s), alt_text="Activation functions f(x)")
        app.show_chart(derivative_chart(s), alt_text="Derivatives f′(x) with γ marked")
        app.show_chart(saturation_chart(s), alt_text="Saturated x-intervals per activation")
        app.caption(r.curves_caption(result))
        with st.expander("Formulas", icon=":material/function:"):
            st.latex(r.formula_table(page.activations()))


@app.figure(c, "tanh", "tanh is a rescaled sigmoid: tanh′(x) = 4σ′(2x)",
            snippet=snippets.tanh)
def tanh_figure(xmax: float) -> None:
    left, right = st.columns([1, 1], gap="large")
    left.latex(r"\begin{aligned} \tanh(x) &= 2\,\sigma(2x) - 1 \\ \Rightarrow\ \tanh'(x) &= 4\,\sigma'(2x) "
               r"\end{aligned}")
    left.markdown(r.tanh_text(tanh_result(xmax)))
    with right:
        app.show_chart(tanh_chart(xmax), alt_text="tanh′(x) and 4σ′(2x) overlap")


curves_figure(page, xmax)
tanh_figure(xmax)

# The pre-activation distribution drives the next two figures (and the verdict), so it is page-wide.
st.markdown("**Pre-activations z ~ N(μ, s²)** for the next two figures")
z_row = st.container(horizontal=True, gap="medium")
z = r.Gaussian(c.slider("mu", "Mean μ of z", -5.0, 5.0, 0.0, 0.1, container=z_row.container(width=Z_SLIDER_WIDTH)),
               c.slider("s", "Std s of z", 0.05, 10.0, 1.0, 0.05, container=z_row.container(width=Z_SLIDER_WIDTH)))


def _moment_styler(columns: dict[str, list]):
    """The moments table without an index column, numbers right-aligned."""
    return pd.DataFrame(columns).style.hide(axis="index").format(r.table_number, subset=list(r.MOMENT_COLUMNS))


@app.figure(c, "moments", "Quadrature predicts what sampling measures: E[f′(z)] and E[f′(z)²]",
            snippet=snippets.moments)
def moments_figure(page: r.PageSettings, z: r.Gaussian) -> None:
    s = r.MomentSettings(page, z)
    result = moments_result(s)
    app.show_chart(histogram_chart(s), alt_text="Histogram of sampled f′(z) with the quadrature mean")
    app.caption(r.moments_caption(result))
    # A static table at full width: its headers wrap, so all six columns stay in view on a 1024 px projector.
    st.table(_moment_styler(r.moment_table(result)))


@app.figure(c, "depth", "Per-layer factors compound geometrically with depth",
            snippet=snippets.depth)
def depth_figure(page: r.PageSettings, z: r.Gaussian) -> None:
    left, right = st.columns([1, 3], gap="large")
    depth = c.slider("depth", "Depth L", 5, 500, 50, 5, container=left)
    s = r.DepthSettings(page, z, depth)
    result = depth_result(s)
    with right:
        app.show_chart(depth_chart(s), alt_text="Compounded derivative factors against depth")
        app.caption(r.depth_caption(result.threshold))
    app.verdict(r.depth_verdict(result))


moments_figure(page, z)
depth_figure(page, z)
st.caption("Sources: Pascanu, Mikolov & Bengio (2013), *On the difficulty of training recurrent neural networks*; "
           "Goodfellow, Bengio & Courville, *Deep Learning*, §8.2.5; Hendrycks & Gimpel (2016) for GELU.")
