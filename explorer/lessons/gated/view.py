"""Gated memory: the LSTM's cell path against the RNN's product, the gates, and a live training race."""

import contextvars

import streamlit as st

from explorer import app
from explorer.lessons.gated import charts, snippets
from explorer.lessons.gated import reading as rd
from explorer.lessons.gated.cache import CELLS, products, train_cell
from explorer.lessons.gated.scenarios import DEFAULTS


@app.cached_chart
def products_chart(s: rd.ProductSettings):
    r = products(s)
    return charts.products_chart(r.log_rnn, r.log_lstm, r.log_gru, r.log_cell)


@app.cached_chart
def gates_chart(s: rd.ProductSettings):
    return charts.gates_chart(rd.histogram_rows(products(s)))


@app.cached_chart
def paths_chart(s: rd.ProductSettings):
    return charts.paths_chart(rd.path_rows(products(s)))


def _runs(s: rd.RaceSettings) -> dict:
    return {cell: train_cell(s, cell) for cell in CELLS}


@app.cached_chart
def accuracy_chart(s: rd.RaceSettings):
    return charts.accuracy_chart(_runs(s))


@app.cached_chart
def loss_chart(s: rd.RaceSettings):
    return charts.loss_chart(_runs(s))


@app.cached_chart
def gradients_chart(s: rd.RaceSettings):
    return charts.gradients_chart(_runs(s))


c = app.start_page("gated", rd.INTRO)
top = st.container(horizontal=True, gap="medium", vertical_alignment="bottom")
with top.container(width=330):
    c.scenario_picker()
lag = c.slider("lag", "Lag (steps back the task looks)", rd.MIN_LAG, rd.MAX_LAG, DEFAULTS["lag"], rd.LAG_STEP,
               container=top.container(width=230), help="Sequences have lag + 1 symbols; the target is the first.")
fbias = c.segmented("fbias", "Forget-gate bias", tuple(rd.FORGET_BIAS_LABELS), DEFAULTS["fbias"],
                    format_func=lambda k: {"zero": "0", "one": "1", "chrono": "chrono"}[k],
                    container=top.container(width="content"),
                    help="Initial bias of the LSTM's forget gate and the GRU's update gate.")
clip = c.toggle("clip", "Clip gradients (norm 1)", DEFAULTS["clip"], container=top.container(width="content"),
                help="Global gradient-norm clipping (Pascanu et al. 2013) during training.")
page = rd.PageSettings(rd.race_lag(lag), fbias, clip)


@app.figure(c, "products", "The cell path ∏ diag(f) keeps what the RNN's ∏ W·diag(σ′) loses",
            snippet=snippets.products)
def products_figure(page: rd.PageSettings) -> None:
    T = c.slider("T", "Steps T", rd.MIN_T, rd.MAX_T, DEFAULTS["T"], 50, container=st.container(width=260))
    s = rd.ProductSettings(page.fbias, T)
    with app.heavy(s.heavy, "Multiplying Jacobians…"):
        r = products(s)
        app.show_chart(products_chart(s), alt_text="State-Jacobian norms against lag for an RNN, an LSTM and a GRU")
    app.caption(rd.products_caption(r))
    st.latex(r"\text{RNN: } \frac{\partial h_t}{\partial h_{t-1}} = \mathrm{diag}(\tanh'(a_t))\, W_h"
             r"\qquad \text{LSTM cell: } \frac{\partial c_t}{\partial c_{t-1}} = \mathrm{diag}(f_t)")
    app.verdict(rd.products_verdict(r))


@app.figure(c, "gates", "Forget gates near 1 are what the cell path multiplies by", snippet=snippets.gates)
def gates_figure(page: rd.PageSettings) -> None:
    s = rd.ProductSettings(page.fbias)  # the default horizon: T in the first figure is local to it
    r = products(s)
    app.show_chart(gates_chart(s), alt_text="Histograms of forget gate, input gate and the RNN's tanh derivative")
    app.caption(rd.gates_caption(r))
    app.verdict(rd.gates_verdict(r))


@app.figure(c, "race", "The race: only a gradient that reaches the first symbol can learn it", snippet=snippets.race)
def race_figure(page: rd.PageSettings) -> None:
    s = rd.RaceSettings.of(page)
    bar = st.empty()
    runs = {}
    cells = CELLS
    # The bar lives outside the cached function: its updates run in the context captured here, so the
    # cache does not record them for replay (a cache hit draws no bar at all).
    outside = contextvars.copy_context()
    for done, cell in enumerate(cells):
        def tick(step, total, done=done, cell=cell):
            outside.run(bar.progress, (done + step / total) / len(cells),
                        text=f"Training the {rd.CELL_LABELS[cell]}: step {step} of {total}")
        runs[cell] = train_cell(s, cell, tick)
    bar.empty()
    result = rd.RaceResult(runs)
    left, right = st.columns(2, gap="medium")
    with left:
        app.show_chart(accuracy_chart(s), alt_text="Accuracy against training step for the three cells")
    with right:
        app.show_chart(loss_chart(s), alt_text="Loss against training step for the three cells")
    app.caption(rd.race_caption(result))
    app.show_chart(gradients_chart(s), alt_text="Gradient norm at each step back from the read-out")
    app.caption(rd.gradient_caption(result))
    app.verdict(rd.race_verdict(result))


@app.figure(c, "paths", "Paths through time: t − k factors, t − k factors near 1, or one step",
            snippet=snippets.paths)
def paths_figure(page: rd.PageSettings) -> None:
    s = rd.ProductSettings(page.fbias)  # the default horizon: T in the first figure is local to it
    r = products(s)
    left, right = st.columns([1, 1], gap="large")
    left.markdown(rd.PATHS_TEXT)
    with right:
        app.show_chart(paths_chart(s), alt_text="Number of multiplications on the gradient path against distance")
    app.verdict(rd.paths_verdict(r))


products_figure(page)
gates_figure(page)
race_figure(page)
paths_figure(page)
st.caption(rd.SOURCES)
