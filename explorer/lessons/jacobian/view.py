"""Jacobian product bound: Pascanu's ‖∂x_t/∂x_k‖ ≤ η^(t−k) against measured products, and its feedforward twin."""

import streamlit as st

from explorer import app
from explorer.lessons.jacobian import charts, controls, snippets
from explorer.lessons.jacobian import reading as rd
from explorer.lessons.jacobian.scenarios import DEFAULTS

_bound, _sweep, _grid = app.cached(rd.measure_bound), app.cached(rd.sweep), app.cached(rd.jacobian_grid)
_saturation, _terms, _deep = app.cached(rd.saturation), app.cached(rd.temporal_terms), app.cached(rd.deep_gradients)


@app.cached_chart
def bound_chart(s: rd.RNNSettings):
    r = _bound(s)
    return charts.bound_chart(r.log_norms, r.log_bound, r.log_data_bound, r.log_backprop, eta=r.summary.eta)


@app.cached_chart
def sweep_chart(sweeps: tuple[rd.SweepSettings, ...], sigma_max: float):
    return charts.sweep_chart({s.act: _sweep(s) for s in sweeps}, sigma_max)


@app.cached_chart
def pairs_chart(s: rd.RNNSettings):
    return charts.heatmap_chart(_grid(s))


@app.cached_chart
def saturation_chart(s: rd.RNNSettings):
    r = _saturation(s)
    hist = charts.derivative_histogram_frame(r.derivatives, r.gamma)
    return charts.derivative_histogram_chart(hist, gamma=r.gamma, mean=r.mean_derivative, activation=r.activation)


@app.cached_chart
def deep_chart(d: rd.DeepSettings):
    return charts.deep_chart(_deep(d).gradients)


@app.cached_chart
def terms_chart(s: rd.TermsSettings):
    r = _terms(s)
    return charts.contributions_chart(r.log_terms, r.log_bounds, r.log_cut)


c = app.start_page("jacobian", rd.INTRO)
top = st.columns([2, 2], gap="medium", vertical_alignment="top")
with top[0]:
    c.scenario_picker()
view = c.segmented("view", "View", tuple(rd.VIEWS), DEFAULTS["view"], format_func=rd.VIEWS.__getitem__,
                   container=top[1], help="The same bound through the time steps of a recurrent network, or through "
                   "the layers of a deep feedforward one.")


@app.figure(c, "bound", "The measured product stays under Pascanu's bound η^(T−k)",
            snippet=snippets.bound)
def bound_figure(s: rd.RNNSettings) -> None:
    with app.heavy(s.heavy, "Multiplying Jacobians…"):
        r = _bound(s)
    for col, (label, value) in zip(st.columns(5), rd.bound_metrics(r.summary), strict=True):
        col.metric(label, value)
    left, right = st.columns(2, gap="medium")
    for equation in (*rd.RNN_UPDATE[s.form], rd.PRODUCT):
        left.latex(equation)
    left.caption(rd.LAYOUT_NOTE)
    for equation in (rd.STEP_BOUND, rd.eta_latex(r.summary), rd.PASCANU_BOUND):
        right.latex(equation)
    right.caption(rd.rho_caption(r.summary))
    app.show_chart(bound_chart(s), alt_text="Measured Jacobian norm against lag with Pascanu's bound")
    app.caption(rd.bound_caption(r.summary))
    app.verdict(rd.bound_verdict(r))


@app.figure(c, "sweep", "σ_max < 1/γ is sufficient for vanishing, not necessary: sweeping σ_max",
            snippet=snippets.sweep)
def sweep_figure(s: rd.RNNSettings) -> None:
    names = controls.sweep_control(c, st.container(width=480))  # room for four chips; the chart takes the full width
    sweeps = rd.sweep_settings(s, rd.sweep_activations(names, s.act))
    st.caption(rd.sweep_intro(s.n, sweeps[0].T))
    with app.heavy(rd.sweep_heavy(sweeps), "Sweeping σ_max…"):
        app.show_chart(sweep_chart(sweeps, _bound(s).summary.sigma_max),
                       alt_text="Measured growth rate per step against sigma_max")
    app.caption(rd.sweep_caption(s.kind))


@app.figure(c, "pairs", "Every pair (t, k): the decay depends on the lag",
            snippet=snippets.pairs)
def pairs_figure(s: rd.RNNSettings) -> None:
    with app.heavy(s.heavy, "Multiplying every pair…"):
        app.show_chart(pairs_chart(s), alt_text="Heatmap of log10 Jacobian norms over t and k")
    app.caption(rd.grid_caption(_grid(s)))


@app.figure(c, "saturation", "Saturated units make the measurement beat the bound",
            snippet=snippets.saturation)
def saturation_figure(s: rd.RNNSettings) -> None:
    app.show_chart(saturation_chart(s), alt_text="Histogram of activation derivatives along the trajectory")
    app.caption(rd.saturation_caption(_saturation(s)))


@app.figure(c, "terms", "Temporal contributions: which steps the gradient remembers",
            snippet=snippets.terms)
def terms_figure(s: rd.RNNSettings) -> None:
    left, right = st.columns(2, gap="medium")
    left.latex(rd.TERMS_SUM)
    right.latex(rd.TERM_BOUND)
    st.markdown(rd.TERMS_NOTE)
    ts = rd.TermsSettings(s, controls.decades_control(c, st.container(width=480)))
    r = _terms(ts)
    if r.horizon.count:
        app.show_chart(terms_chart(ts), alt_text="Size of each temporal contribution against step")
    app.caption(rd.terms_caption(r))
    app.verdict(rd.memory_verdict(r))


@app.figure(c, "deep", "Across layers the gradient stays under γ^(L−l+1) ∏‖w^r‖₂",
            snippet=snippets.deep)
def deep_figure() -> None:
    d = controls.deep_controls(c, st.container())
    app.cap_note(rd.deep_cap_text(d))
    with app.heavy(d.heavy, "Back-propagating through the layers…"):
        r = _deep(d)
    left, right = st.columns(2, gap="medium")
    left.latex(rd.DEEP_DELTA)
    right.latex(rd.DEEP_BOUND)
    st.markdown(rd.deep_intro(r))
    app.show_chart(deep_chart(d), alt_text="Bias-gradient norm per layer with the feedforward bound")
    app.caption(rd.deep_caption(r))
    app.verdict(rd.deep_verdict(r))
    st.page_link(app.page("deeplab").path, label="What mean-field theory predicts for this network, and the remedies: "
                 "the deep-network lab", icon=":material/layers:")


# Both views' controls exist on every run (the closed view's in an expander), so a scenario's
# values always reach the address bar, whichever view it opens.
if view == "rnn":
    controls.deep_controls(c, st.expander("Settings of the deep-network view", icon=":material/tune:"))
    settings = controls.rnn_controls(c, st.container())
    app.cap_note(rd.rnn_cap_text(settings))
    bound_figure(settings)
    sweep_figure(settings)
    left, right = st.columns(2, gap="medium")
    with left:
        pairs_figure(settings)
    with right:
        saturation_figure(settings)
    terms_figure(settings)
else:
    box = st.expander("Settings of the recurrent-network view", icon=":material/tune:")
    controls.rnn_controls(c, box)
    controls.sweep_control(c, box)
    controls.decades_control(c, box)
    deep_figure()
st.caption(rd.SOURCES)
