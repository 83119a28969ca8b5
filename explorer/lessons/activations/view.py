"""Activation derivatives: how much each layer's f′ shrinks the gradient."""

import numpy as np
import pandas as pd
import streamlit as st

from explorer import app, sim
from explorer.chartkit import ACTIVATION_LABELS
from explorer.lessons.activations import charts as charts
from explorer.lessons.activations.scenarios import SCENARIOS

THRESHOLD = 1e-6
TOP_SELECT_WIDTH = 300  # px: three activation chips side by side
TOP_SLIDER_WIDTH = 170  # px: "Leaky ReLU slope" on one line


def _acts(names: tuple[str, ...], slope: float):
    return [sim.activation(n, slope=slope) for n in names]


def _grid(xmax: float):
    return np.linspace(-xmax, xmax, 601)


@app.cached
def _moments(names: tuple[str, ...], slope: float, mu: float, s: float):
    return {n: sim.derivative_moments(n, s, mu, slope=slope) for n in names}


@app.cached
def _histograms(names: tuple[str, ...], slope: float, mu: float, s: float):
    return {n: sim.derivative_histogram(n, s, mu, slope=slope, seed=0) for n in names}


@app.cached
def _depth(names: tuple[str, ...], slope: float, mu: float, s: float, depth: int):
    return {n: sim.depth_factors(n, s, mu, max_depth=depth, threshold=THRESHOLD, slope=slope) for n in names}


@app.cached_chart
def _function_fig(names, slope, xmax):
    return charts.function_chart(_grid(xmax), _acts(names, slope))


@app.cached_chart
def _derivative_fig(names, slope, xmax, thr):
    return charts.derivative_chart(_grid(xmax), _acts(names, slope), thr)


@app.cached_chart
def _saturation_fig(names, slope, xmax, thr):
    spans = {n: sim.saturation_intervals(n, -xmax, xmax, thr, slope=slope) for n in names}
    return charts.saturation_strip(spans, (-xmax, xmax), thr)


@app.cached_chart
def _histogram_fig(names, slope, mu, s):
    return charts.histogram_chart(_histograms(names, slope, mu, s),
                                  {n: m[0] for n, m in _moments(names, slope, mu, s).items()})


@app.cached_chart
def _depth_fig(names, slope, mu, s, depth):
    return charts.depth_chart(_depth(names, slope, mu, s, depth), THRESHOLD)


@app.cached_chart
def _tanh_fig(xmax):
    return charts.tanh_relation_chart(sim.tanh_sigmoid_relation(_grid(xmax)))


def _formula_lines(formula: str) -> list[str]:
    """f and f′ of ``Activation.formula`` on lines of their own, each saying which one it is."""
    parts = formula.split(r",\quad ")
    names = ("f(x) = ", "f'(x) = ")
    return [part if "=" in part or r"\in" in part or i >= len(names) else names[i] + part
            for i, part in enumerate(parts)]


def _formula_table(acts) -> str:
    """One aligned block: name, then f, f′ and γ one under the other, so it fits a narrow column."""
    rows = []
    for a in acts:
        lines = [*_formula_lines(a.formula), rf"\gamma = {a.gamma:.6g}"]
        rows.append(rf"\text{{{a.label}:}}\quad & " + r" \\ & ".join(lines))
    return r"\begin{aligned}" + r" \\[6pt] ".join(rows) + r"\end{aligned}"


def _table_number(x: float) -> str:
    """Up to four decimals, as the data grid showed them; tiny values in scientific notation."""
    if x != 0 and abs(x) < 1e-4:
        return f"{x:.2e}"
    return f"{x:.4f}".rstrip("0").rstrip(".")


def _moment_table(columns: dict[str, list]):
    """The moments table without an index column, numbers right-aligned."""
    numbers = [k for k in columns if k != "activation"]
    return pd.DataFrame(columns).style.hide(axis="index").format(_table_number, subset=numbers)


def _layers(n: int | None) -> str:
    return "never" if n is None else f"{n} layers"


app.page_header(
    "Activation derivatives",
    "Back-propagation multiplies the gradient by f′(z) at every unit it passes. "
    "Where f′ is small the signal shrinks; stacked over many layers (or time steps) the shrinking compounds. "
    "This page measures f′ for the common activations and shows how fast the product decays.",
)
c = app.Controls("act", SCENARIOS)
# A wrapping row rather than fixed columns: on a 1024 px projector with the sidebar open the slope
# slider moves to a second line instead of squeezing the scenario and activation boxes.
top = st.container(horizontal=True, gap="medium", vertical_alignment="top")
with top.container():
    c.scenario_picker()
names = c.multiselect("show", "Activations", sim.ACTIVATIONS, ["sigmoid", "tanh", "relu"],
                      format_func=ACTIVATION_LABELS.__getitem__, max_selections=6,
                      container=top.container(width=TOP_SELECT_WIDTH),
                      help="Each activation keeps its colour on every page.")
names = tuple(n for n in sim.ACTIVATIONS if n in names)
slope = c.slider("slope", "Leaky ReLU slope", 0.0, 0.5, 0.1, 0.01, container=top.container(width=TOP_SLIDER_WIDTH),
                 help="Used only by Leaky ReLU: f(x) = slope·x for x < 0.")
acts = _acts(names, slope)

st.subheader("f and f′, with their largest slope γ")
left, right = st.columns([1, 3], gap="large")
xmax = c.slider("xmax", "x range ±", 1.0, 20.0, 6.0, 0.5, container=left)
thr = c.slider("thr", "Saturation threshold on |f′|", 0.01, 0.5, 0.1, 0.01, container=left,
               help="Regions where |f′(x)| falls below this are shaded as saturated.")
with right:
    app.show_chart(_function_fig(names, slope, xmax), alt_text="Activation functions f(x)")
    app.show_chart(_derivative_fig(names, slope, xmax, thr), alt_text="Derivatives f′(x) with γ marked")
    app.show_chart(_saturation_fig(names, slope, xmax, thr), alt_text="Saturated x-intervals per activation")
    app.caption("The diamonds mark γ = sup|f′|: sigmoid 1/4 at 0, tanh 1 at 0, ReLU 1, GELU ≈ 1.13 at √2. "
                      "Bars below show where each unit is saturated and passes almost no gradient.")
    with st.expander("Formulas", icon=":material/function:"):
        st.latex(_formula_table(acts))

st.subheader("What a Gaussian pre-activation sees")
left, right = st.columns([1, 3], gap="large")
mu = c.slider("mu", "Mean μ of z", -5.0, 5.0, 0.0, 0.1, container=left)
s = c.slider("s", "Std s of z", 0.05, 10.0, 1.0, 0.05, container=left)
moments = _moments(names, slope, mu, s)
hists = _histograms(names, slope, mu, s)
with right:
    app.show_chart(_histogram_fig(names, slope, mu, s),
                  alt_text="Histogram of sampled f′(z) with the quadrature mean")
    app.caption("Bars: 20,000 sampled z ~ N(μ, s²). Dashed lines: E[f′(z)] by adaptive quadrature. "
                      "They should agree to within the sampling error in the table.")
# A static table at the page's full width: its headers wrap, so all six columns stay in view on a
# 1024 px projector (a data grid in the chart column hid the last ones behind a scroll bar).
st.table(_moment_table({
    "activation": [ACTIVATION_LABELS[n] for n in names],
    "E[f′] quadrature": [moments[n][0] for n in names],
    "E[f′] sampled": [hists[n].sample_mean for n in names],
    "± std. error": [hists[n].sample_mean_stderr for n in names],
    "E[f′²] quadrature": [moments[n][1] for n in names],
    "E[f′²] sampled": [hists[n].sample_second_moment for n in names],
}))

st.subheader("Compounding over depth")
left, right = st.columns([1, 3], gap="large")
depth = c.slider("depth", "Depth L", 5, 500, 50, 5, container=left)
factors = _depth(names, slope, mu, s, depth)
with right:
    app.show_chart(_depth_fig(names, slope, mu, s, depth), alt_text="Compounded derivative factors against depth")
    app.caption("Dashed: the worst case γ^L. Solid: the expected product E[f′]^L for independent layers. "
                      "Dotted: the RMS factor that sets gradient size in a random network. The black line is 10^-6.")

st.subheader("tanh is a rescaled sigmoid")
rel = sim.tanh_sigmoid_relation(_grid(xmax))
left, right = st.columns([1, 1], gap="large")
left.latex(r"\begin{aligned} \tanh(x) &= 2\,\sigma(2x) - 1 \\ \Rightarrow\ \tanh'(x) &= 4\,\sigma'(2x) \end{aligned}")
left.markdown(
    f"On this grid the two sides differ by at most **{rel.max_abs_error:.1e}** and the derivatives by "
    f"**{rel.max_abs_error_derivative:.1e}**: rounding error. So tanh has γ = 4 · ¼ = 1 and is centred on 0, "
    "which is why it keeps gradients alive longer than the sigmoid (LeCun et al., *Efficient BackProp*, 1998)."
)
with right:
    app.show_chart(_tanh_fig(xmax), alt_text="tanh′(x) and 4σ′(2x) overlap")

parts = []
for n in names:
    f = factors[n]
    parts.append(
        f"{ACTIVATION_LABELS[n]}: γ = {f.gamma:.3g} reaches 10⁻⁶ after {_layers(f.layers_gamma)}, "
        f"E[f′] = {f.mean_factor:.3g} after {_layers(f.layers_mean)}"
    )
fastest = min(names, key=lambda n: factors[n].mean_factor)
app.verdict(
    f"With z ~ N({mu:g}, {s:g}²) — " + "; ".join(parts) + ". "
    f"{ACTIVATION_LABELS[fastest]} shrinks gradients fastest here "
    f"(×{factors[fastest].mean_factor:.3g} per layer on average).",
    tone="vanish" if factors[fastest].mean_factor < 1 else "neutral",
)
st.caption("Sources: Pascanu, Mikolov & Bengio (2013), *On the difficulty of training recurrent neural networks*; "
           "Goodfellow, Bengio & Courville, *Deep Learning*, §8.2.5; Hendrycks & Gimpel (2016) for GELU.")
