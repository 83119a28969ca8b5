"""Jacobian product bound: Pascanu's ‖∂x_t/∂x_k‖ ≤ η^(t−k) against measured products, and its feedforward twin."""

from types import SimpleNamespace as Run

import numpy as np
import streamlit as st

from explorer import app, sim
from explorer import format as fmt
from explorer.chartkit import ACTIVATION_LABELS as LABEL
from explorer.lessons.jacobian import charts as charts
from explorer.lessons.jacobian.scenarios import DEEP_DEFAULTS as D
from explorer.lessons.jacobian.scenarios import DEFAULTS, SCENARIOS
from explorer.lessons.jacobian.scenarios import RNN_DEFAULTS as R

LN10 = float(np.log(10.0))
VIEWS = {"rnn": "Recurrent network", "deep": "Deep network"}
FORMS = {"pascanu": "Pascanu", "elman": "Elman"}
KINDS = {"gaussian": "Gaussian", "orthogonal": "Orthogonal", "nilpotent": "Nilpotent chain"}
TKINDS = {"sigma_max": "σ_max", "spectral_radius": "ρ"}
INITS = {"gaussian": "Gaussian", "xavier": "Xavier", "he": "He", "orthogonal": "Orthogonal"}
SWEEP_STEPS, SWEEP_SCALES = 400, 32


@app.cached
def _rnn(key: tuple) -> Run:
    act, form, n, T, kind, target, tkind, inp, bias, seed = key
    tr = sim.simulate_random_rnn(act, n, T, kind=kind, target=target, target_kind=tkind, input_scale=inp,
                                 bias=bias, seed=seed, form=form)
    log_norms, terms, sat = sim.jacobian_log_norms(tr), sim.temporal_contributions(tr), sim.saturation_profile(tr)
    return Run(log_norms=log_norms, bound=sim.pascanu_log_bound(tr), data_bound=sim.data_dependent_log_bound(tr),
               backprop=sim.backprop_log_norms(tr), terms=terms, term_bounds=sim.temporal_contribution_log_bounds(tr),
               horizon=sim.memory_horizon(terms), s=sim.bound_summary(tr, log_norms), sat=sat.fraction_saturated,
               grid=sim.jacobian_norm_grid(tr, sim.jacobian_grid_steps(T, n)),
               hist=charts.derivative_histogram_frame(sat.derivatives, sat.gamma))


@app.cached
def _sweep(act: str, n: int, T: int, kind: str, seed: int, form: str, inp: float, bias: float):
    scales = np.geomspace(0.1, 4.0 / sim.activation(act).gamma, SWEEP_SCALES)
    return sim.growth_rate_sweep(act, n, T, scales, kind=kind, seed=seed, form=form, input_scale=inp, bias=bias)


@app.cached
def _deep(act: str, init: str, sw: float, sb: float, depth: int, width: int, seed: int):
    g = sim.deep_network_gradients(depth, width, act, sigma_w=sw, sigma_b=sb, init=init, seed=seed)
    return g, sim.deep_gradient_summary(g)


@app.cached_chart
def _bound_fig(key):
    r = _rnn(key)
    return charts.bound_chart(r.log_norms, r.bound, r.data_bound, r.backprop, eta=r.s.eta)


@app.cached_chart
def _sweep_fig(names, args, sigma_max):
    return charts.sweep_chart({a: _sweep(a, *args) for a in names}, sigma_max)


@app.cached_chart
def _heat_fig(key):
    return charts.heatmap_chart(_rnn(key).grid)


@app.cached_chart
def _hist_fig(key):
    r = _rnn(key)
    return charts.derivative_histogram_chart(r.hist, gamma=r.s.gamma, mean=r.s.mean_derivative, activation=key[0])


@app.cached_chart
def _terms_fig(key):
    r = _rnn(key)
    return charts.contributions_chart(r.terms, r.term_bounds)


@app.cached_chart
def _deep_fig(dkey):
    return charts.deep_chart(_deep(*dkey)[0])


def _f(log_value: float) -> str:
    """A factor given by its natural log, e.g. ×0.71 or ×10^-250."""
    return "×0 (exact zero)" if log_value == -np.inf else "×" + fmt.fmt_pow10(log_value / LN10, 2)


def _rnn_verdict(s, act: str, kind: str, T: int, horizon: int) -> tuple[str, str]:
    name, head = LABEL[act], f"σ_max(W_rec) = {s.sigma_max:.3g}, ρ(W_rec) = {s.spectral_radius:.3g}, γ = {s.gamma:.3g}"
    why = (f"(mean σ′ = {s.mean_derivative:.2f} against γ = {s.gamma:.3g}; ρ = {s.spectral_radius:.3g} against "
           f"σ_max = {s.sigma_max:.3g})")
    late = f" after rising to {_f(s.peak_log_norm)} at lag {s.peak_lag}" if s.peak_log_norm > 0.01 else ""
    if s.regime == "zero" and s.spectral_radius == 0.0:
        grew = (f"grew to {_f(s.peak_log_norm)} at lag {s.peak_lag} (the bound η^{s.peak_lag} = "
                f"{_f(s.peak_lag * np.log(s.eta))})" if s.peak_log_norm > 0.01 else "never grew")
        text = (f"{name}, nilpotent W_rec: ρ = 0 — every eigenvalue is zero — yet σ_max = {s.sigma_max:.3g} "
                f"(η = {s.eta:.3g}). The products {grew}, then are exactly 0 from lag {s.zero_from_lag}. "
                "Over fewer than n steps growth follows the singular values, not the eigenvalues; "
                "a zero spectral radius only promises the long run.")
    elif s.regime == "zero":
        text = (f"{name}, {head}: the product is exactly 0 from lag {s.zero_from_lag}{late} — every path back "
                "through time was cut (units with σ′ = 0), so no gradient reaches further back.")
    elif s.regime == "guaranteed":
        pace = ("faster than the bound's" if s.log_rate < np.log(s.eta) - 0.01 else "as fast as the bound's")
        text = (f"{name}, σ_max(W_rec) = {s.sigma_max:.3g} < 1/γ = {s.critical_scale:.3g}: η = {s.eta:.3g} < 1, "
                f"so vanishing is guaranteed. Measured: {_f(s.log_rate)} per step, {pace} ×{s.eta:.3g} per step "
                f"{why}.")
    elif s.regime == "vanishing":
        text = (f"{name}, σ_max(W_rec) = {s.sigma_max:.3g} ≥ 1/γ = {s.critical_scale:.3g}: η = {s.eta:.3g}, so the "
                f"bound is silent (it allows ×{s.eta:.3g} per step). Yet the products shrink {_f(s.log_rate)} per "
                f"step{late} {why}: σ_max > 1/γ is only necessary for explosion, not sufficient.")
    elif s.regime == "exploding":
        text = (f"{name}, σ_max(W_rec) = {s.sigma_max:.3g} > 1/γ = {s.critical_scale:.3g} (η = {s.eta:.3g}): the "
                f"products explode, {_f(s.log_rate)} per step — below the bound's ×{s.eta:.3g} {why}, but growing.")
    else:
        text = (f"{name}, {head}: the products neither vanish nor explode ({_f(s.log_rate)} per step)"
                + (" — the bound η^(T−k) = 1 is attained exactly." if abs(np.log(s.eta)) < 1e-9 else "."))
    if s.zero_from_lag is not None and s.regime != "zero":
        cause = "ReLU′(0) = 0 at x₀ = 0" if act == "relu" else "units saturated until σ′ is 0 in floating point"
        text += (f" From lag {s.zero_from_lag} on the product is exactly 0: a step where every σ′ that matters is 0 "
                 f"({cause}) cuts all paths further back.")
    if kind == "nilpotent" and s.regime != "zero":
        text += f" (W_rec is nilpotent: ρ = {s.spectral_radius:.3g} while σ_max = {s.sigma_max:.3g}.)"
    held = "held at every lag" if s.max_excess <= 1e-6 else f"was EXCEEDED by {s.max_excess:.2g} (ln) — a bug"
    if horizon == 0:
        memory = ("Every temporal contribution is exactly 0: the states σ(xₖ₋₁) that W_rec multiplies are all "
                  "zero, so this gradient vanishes for a different reason.")
    elif horizon >= 0.9 * T:
        memory = (f"Old terms do not fade: {horizon} of the {T} temporal contributions are within 10⁻⁶ of the "
                  "largest.")
    else:
        memory = (f"Only the newest {horizon} of the {T} temporal contributions are within 10⁻⁶ of the largest: "
                  "the gradient forgets the rest.")
    text += f" The bound {held}. {memory}"
    grew = s.regime == "exploding" or (s.regime == "zero" and s.spectral_radius == 0.0 and s.peak_log_norm > 0.01)
    tone = "explode" if grew else "neutral" if s.regime == "neutral" else "vanish"
    return text, tone


def _deep_verdict(ds, act: str, init: str, sw: float, depth: int) -> tuple[str, str]:
    head = f"{LABEL[act]}, {INITS[init]} weights (σ_w = {sw:g})"
    span = f"layer 1 gets {_f(ds.log_span)} of layer L's gradient ({_f(ds.log_rate)} per layer)"
    bound = f"the bound's {_f(ds.log_bound_rate)} per layer"
    texts = {
        "zero": f"{head}: {ds.zero_layers} of {depth} layers receive an exactly zero gradient (every unit off "
                "somewhere above them); they cannot be drawn on a log axis and do not learn.",
        "guaranteed": f"{head}: every factor γ‖w^r‖₂ is at most {ds.max_layer_factor:.3g} < 1, so vanishing is "
                      f"guaranteed. Measured: {span}, against {bound}.",
        "vanishing": f"{head}: the largest γ‖w^r‖₂ is {ds.max_layer_factor:.3g}, not below 1, so the bound is "
                     f"silent ({bound}). The gradient vanishes anyway: {span} — the condition is sufficient, "
                     "not necessary.",
        "exploding": f"{head}: the gradient grows towards the input: {span}, within {bound}.",
        "neutral": f"{head}: the gradient keeps its size — {span}, against {bound}"
                   + (", so the bound is attained." if abs(ds.log_rate - ds.log_bound_rate) < 1e-9 else "."),
    }
    return texts[ds.regime], {"exploding": "explode", "neutral": "neutral"}.get(ds.regime, "vanish")


def _rnn_controls(box) -> tuple:
    """The recurrent network's controls in ``box``; returns the simulation key.

    Three rows of at most four, so every label and value stays whole with the sidebar open on a
    1024-px screen: the network; the size W_rec is scaled to (and its seed); then size, length and inputs.
    """
    row = box.columns(3, gap="medium")
    act = c.select("act", "Activation σ", sim.ACTIVATIONS, R["act"], format_func=LABEL.__getitem__, container=row[0])
    form = c.segmented("form", "Update rule", tuple(FORMS), R["form"], format_func=FORMS.__getitem__,
                       container=row[1], help="Pascanu (the paper's eq. 2): x_t = W σ(x_{t−1}) + W_in u_t + b. "
                            "Elman (textbook): x_t = σ(W x_{t−1} + W_in u_t + b).")
    kind = c.select("kind", "W_rec family", tuple(KINDS), R["kind"], format_func=KINDS.__getitem__, container=row[2],
                    help="Nilpotent: ones on the superdiagonal — every eigenvalue is 0, the singular values are not.")
    # The first column is wide enough for the long target label on one line at 1024 px.
    scale_row = box.columns([2.2, 1.6, 1], gap="medium")
    tkind = c.segmented("tkind", "Target: σ_max or spectral radius ρ", tuple(TKINDS), R["tkind"],
                        format_func=TKINDS.__getitem__, container=scale_row[0],
                        help="The bound is about σ_max. Targeting ρ instead shows how different the two can be.")
    target = c.slider("target", "Target value", 0.05, 16.0, R["target"], 0.05, container=scale_row[1],
                      help="σ_max (or ρ) of the built W_rec. 1/γ is 1 for tanh and ReLU, 4 for the sigmoid.")
    row = box.columns(4, gap="medium")
    n = c.slider("n", "Hidden size n", 2, 256, R["n"], 1, container=row[0])
    T = c.slider("T", "Steps T", 10, 1000, R["T"], 10, container=row[1])
    inp = c.slider("inp", "Input scale", 0.0, 5.0, R["inp"], 0.01, container=row[2],
                   help="Standard deviation of the inputs u_t; large inputs saturate tanh and sigmoid.")
    bias = c.slider("bias", "Bias b", -2.0, 2.0, R["bias"], 0.1, container=row[3])
    # A float input: Streamlit 1.67 crashes on an integer number_input bound to ?x=inf.
    seed = c.number("seed", "Seed", 0.0, 10_000.0, R["seed"], 1.0, fmt="%.0f", container=scale_row[2])
    if kind == "nilpotent" and tkind == "spectral_radius":
        box.warning("A nilpotent matrix has ρ = 0 at every scale, so no scaling reaches a positive ρ. "
                    "The target is read as σ_max instead; switch the target to σ_max.", icon=":material/warning:")
        tkind = "sigma_max"
    return act, form, int(n), int(T), kind, float(target), tkind, float(inp), float(bias), int(seed)


def _sweep_control(box) -> list:
    return c.multiselect("sweep", "Compare activations", sim.ACTIVATIONS, R["sweep"], format_func=LABEL.__getitem__,
                         container=box, max_selections=4, help="Each activation has its own threshold 1/γ.")


def _deep_controls(box) -> tuple:
    """The deep network's controls in ``box``; returns the gradient key.

    Two rows (the choices, then the four sliders) rather than seven narrow columns.
    """
    row = box.columns(3, gap="medium")
    d_act = c.select("d_act", "Activation σ", sim.ACTIVATIONS, D["d_act"], format_func=LABEL.__getitem__,
                     container=row[0])
    d_init = c.select("d_init", "Initialisation", sim.INIT_SCHEMES, D["d_init"], format_func=INITS.__getitem__,
                      container=row[1], help="Gaussian: variance σ_w²/width. Xavier (Glorot & Bengio 2010) and He "
                                             "(He et al. 2015) rescale it; orthogonal weights have ‖w‖₂ = σ_w.")
    row_sliders = box.columns(4, gap="medium")
    d_sw = c.slider("d_sw", "Weights σ_w", 0.1, 5.0, D["d_sw"], 0.05, container=row_sliders[0],
                    help="Multiplies the scheme's standard deviation.")
    d_sb = c.slider("d_sb", "Biases σ_b", 0.0, 2.0, D["d_sb"], 0.05, container=row_sliders[1],
                    help="Standard deviation of the biases b^l.")
    d_depth = c.slider("d_depth", "Depth L", 2, 100, D["d_depth"], 1, container=row_sliders[2])
    d_width = c.slider("d_width", "Width", 2, 512, D["d_width"], 1, container=row_sliders[3])
    d_seed = c.number("d_seed", "Seed", 0.0, 10_000.0, D["d_seed"], 1.0, fmt="%.0f", container=row[2])
    return d_act, d_init, float(d_sw), float(d_sb), int(d_depth), int(d_width), int(d_seed)


app.page_header(
    "Jacobian product bound",
    "Back-propagation through time multiplies one Jacobian per step, so how far back a gradient reaches depends "
    "on a product of matrices. Pascanu, Mikolov & Bengio (2013) bound its norm by ηᵗ⁻ᵏ with η = σ_max(W_rec)·γ. "
    "This page measures the actual product for a simulated network and puts the bound beside it — and does the "
    "same across the layers of a deep feedforward network.",
)
c = app.Controls("jac", SCENARIOS)
top = st.columns([2, 2], gap="medium", vertical_alignment="top")
with top[0]:
    c.scenario_picker()
view = c.segmented("view", "View", tuple(VIEWS), DEFAULTS["view"], format_func=VIEWS.__getitem__, container=top[1],
                   help="The same bound through the time steps of a recurrent network, or through the layers of a deep "
                        "feedforward one.")

# Both views' controls exist on every run (the closed view's in an expander), so a scenario's
# values always reach the address bar, whichever view it opens.
if view == "rnn":
    dkey = _deep_controls(st.expander("Settings of the deep-network view", icon=":material/tune:"))
    key = _rnn_controls(st.container())
    act, form, n, T, kind, target, tkind, inp, bias, seed = key
    with app.heavy(n * n * T >= 8e6, "Multiplying Jacobians…"):
        r = _rnn(key)
    s = r.s
    cols = st.columns(5)
    for col, (label, value) in zip(cols, [("σ_max(W_rec)", s.sigma_max), ("ρ(W_rec)", s.spectral_radius),
                                          ("γ = sup|σ′|", s.gamma), ("η = σ_max·γ", s.eta),
                                          ("1/γ", s.critical_scale)], strict=True):
        col.metric(label, f"{value:.4g}")

    # Multi-line (aligned) forms: every equation fits a half-width column at 1024 px with the sidebar open.
    left, right = st.columns(2, gap="medium")
    with left:
        if form == "pascanu":
            st.latex(r"x_t = W_{rec}\,\sigma(x_{t-1}) + W_{in} u_t + b")
            st.latex(r"\begin{aligned}J_j &= \frac{\partial x_j}{\partial x_{j-1}}\\ "
                     r"&= W_{rec}\,\mathrm{diag}\big(\sigma'(x_{j-1})\big)\end{aligned}")
        else:
            st.latex(r"\begin{aligned}x_t &= \sigma(a_t),\\ a_t &= W_{rec}\,x_{t-1} + W_{in} u_t + b\end{aligned}")
            st.latex(r"\begin{aligned}J_j &= \frac{\partial x_j}{\partial x_{j-1}}\\ "
                     r"&= \mathrm{diag}\big(\sigma'(a_j)\big)\,W_{rec}\end{aligned}")
        st.latex(r"\begin{aligned}\frac{\partial x_t}{\partial x_k} &= \prod_{j=k+1}^{t} J_j\\ "
                 r"&= J_t\,J_{t-1}\cdots J_{k+1}\end{aligned}")
        st.caption(r"Latest factor on the left. Entry $(i, m)$ of $J_j$ is $\partial x_j^{(i)}/\partial x_{j-1}^{(m)} "
                   r"= (W_{rec})_{im}\,\sigma'(x_{j-1}^{(m)})$: rows index outputs (numerator layout), so the factor "
                   r"is $W_{rec}\,\mathrm{diag}(\sigma')$, not the $W_{rec}^{\mathsf T}$ printed in the paper's eq. 5. "
                   r"The transpose belongs to the backward pass, which multiplies gradients by $J_j^{\mathsf T}$; "
                   r"the bound is unaffected because $\|W_{rec}^{\mathsf T}\|_2 = \|W_{rec}\|_2$.")
    with right:
        st.latex(r"\begin{aligned}\|J_j\|_2 &\le \|W_{rec}\|_2\,\|\mathrm{diag}(\sigma')\|_2\\ "
                 r"&\le \sigma_{max}(W_{rec})\,\gamma = \eta\end{aligned}")
        st.latex(rf"\eta = {s.sigma_max:.3g} \times {s.gamma:.3g} = {s.eta:.3g}")
        st.latex(r"\begin{gathered}\Big\|\frac{\partial x_t}{\partial x_k}\Big\|_2 \le \eta^{\,t-k},\\ "
                 r"\sigma_{max}(W_{rec}) < \tfrac{1}{\gamma} \;\Rightarrow\; \eta^{\,t-k} \to 0\end{gathered}")
        st.caption("σ_max < 1/γ is sufficient for vanishing. The reverse, σ_max > 1/γ, is only necessary for "
                   "explosion: the inequality runs one way. The condition concerns the largest singular value; the "
                   "eigenvalues (ρ) decide only the very long run.")

    st.subheader("The bound against the measured product")
    app.show_chart(_bound_fig(key), alt_text="Measured Jacobian norm against lag with Pascanu's bound")
    zero = (f" From lag {s.zero_from_lag} on the product is exactly 0, which a log axis cannot show, so those lags "
            "are not drawn." if s.zero_from_lag is not None else "")
    app.caption("Solid blue: ‖∂x_T/∂x_k‖₂, the largest singular value of the product. Dashed: η^(T−k). "
                      "Dotted: the bound with γ replaced by the largest σ′ actually met at each step. Orange: the "
                      "gradient ∂E_T/∂x_k of a unit read-out loss at T, which can never exceed the blue line." + zero)

    st.subheader("Sufficient, not necessary: sweeping σ_max")
    # The picker gets a width that holds four chips (not a quarter column, which truncated them); the
    # chart below it gets the full width.
    names = _sweep_control(st.container(width=480))
    names = tuple(a for a in sim.ACTIVATIONS if a in {*names, act})
    T_sweep = min(int(T), SWEEP_STEPS if n <= 128 else SWEEP_STEPS // 2)
    st.caption(f"Each point is a network like yours (n = {n}, same seed, inputs and W_rec direction) with W_rec "
               f"rescaled to that σ_max, run for {T_sweep} steps; the rate is the long-run growth per step of a "
               "vector pushed through the Jacobians (top Lyapunov exponent).")
    with app.heavy(n * n * T_sweep * len(names) >= 4e7, "Sweeping σ_max…"):
        app.show_chart(_sweep_fig(names, (int(n), T_sweep, kind, int(seed), form, float(inp), float(bias)),
                                 s.sigma_max), alt_text="Measured growth rate per step against sigma_max")
    app.caption("Solid: measured factor per step; dashed: the bound's η = σ_max·γ; dotted rules: 1/γ. Left of "
                      "its rule each activation must vanish. Right of it the bound rises above 1 but the measured "
                      "curve stays below and often keeps vanishing well past 1/γ — saturation and mixing directions "
                      "cost more than the worst case."
                      + (" A nilpotent W_rec makes every long product exactly 0, so no measured rate can be drawn."
                         if kind == "nilpotent" else ""))

    left, right = st.columns(2, gap="medium")
    with left:
        st.subheader("Every pair (t, k)")
        app.show_chart(_heat_fig(key), alt_text="Heatmap of log10 Jacobian norms over t and k")
        steps = r.grid.steps
        zeros = int(np.sum(np.isneginf(r.grid.log_norms)))
        app.caption(f"‖∂x_t/∂x_k‖₂ for t, k on a grid of {len(steps)} steps up to {steps[-1]} (cost grows with "
                          "n³, so large n shows a shorter window). Blue shrinks, orange grows, white is 1. Stripes "
                          "parallel to the diagonal mean the decay depends on the lag t − k alone."
                          + (f" {zeros} pairs with an exactly zero product are left blank." if zeros else ""))
    with right:
        st.subheader("How saturated the units are")
        app.show_chart(_hist_fig(key), alt_text="Histogram of activation derivatives along the trajectory")
        app.caption(f"Every σ′ that enters a Jacobian factor. The bound assumes each is γ = {s.gamma:.3g}; "
                          f"on average they are {s.mean_derivative:.3g}, and {r.sat:.0%} are below 0.1γ (saturated). "
                          "The gap is why the measurement beats the bound.")

    st.subheader("Temporal contributions: the model forgets")
    left, right = st.columns(2, gap="medium")
    left.latex(r"\frac{\partial E_T}{\partial W_{rec}} = \sum_{k=1}^{T} "
               r"\underbrace{\frac{\partial E_T}{\partial x_T}\,\frac{\partial x_T}{\partial x_k}\,"
               r"\frac{\partial^+ x_k}{\partial W_{rec}}}_{\text{term}_k}")
    right.latex(r"\begin{aligned}\|\text{term}_k\| &\le \Big\|\frac{\partial E_T}{\partial x_T}\Big\|\,"
                r"\eta^{\,T-k}\\ &\quad\times\Big\|\frac{\partial^+ x_k}{\partial W_{rec}}\Big\|\end{aligned}")
    st.markdown(r"$\partial^+$ is the immediate derivative ($x_{k-1}$ held fixed). The gradient is a sum of one "
                "term per step; each carries the Jacobian product from k to T, so old terms fade with it "
                "(Pascanu et al. 2013, eqs. 4–5 and 11).")
    if r.horizon:
        app.show_chart(_terms_fig(key), alt_text="Size of each temporal contribution against step")
    zeros = int(np.sum(np.isneginf(r.terms)))
    app.caption(f"Frobenius norm of each term for E_T = vᵀx_T (unit v); dashed: its bound. The newest "
                      f"{r.horizon} of {T} terms are within 10⁻⁶ of the largest."
                      + (f" {zeros} {'term is' if zeros == 1 else 'terms are'} exactly 0 (the state that W_rec "
                         "multiplies there is 0; x₀ = 0) and not drawn." if zeros else ""))
    text, tone = _rnn_verdict(s, act, kind, int(T), r.horizon)
    app.verdict(text, tone=tone)
else:
    box = st.expander("Settings of the recurrent-network view", icon=":material/tune:")
    key = _rnn_controls(box)
    _sweep_control(box)
    dkey = _deep_controls(st.container())
    d_act, d_init, d_sw, d_sb, d_depth, d_width, d_seed = dkey
    with app.heavy(d_depth * d_width * d_width >= 4e6, "Back-propagating through the layers…"):
        g, ds = _deep(*dkey)
    # The two equations side by side, each broken over lines that fit half the width at 1024 px; the prose
    # and the chart below them at full width.
    left, right = st.columns(2, gap="medium")
    left.latex(r"\begin{aligned}\delta^l &= \frac{\partial C}{\partial b^l}\\ "
               r"&= \Sigma'(z^l)\,(w^{l+1})^{\mathsf T}\,\Sigma'(z^{l+1})\cdots\\ "
               r"&\quad\cdots(w^L)^{\mathsf T}\,\Sigma'(z^L)\,(a^L-y)\end{aligned}")
    right.latex(r"\begin{aligned}\Big\|\frac{\partial C}{\partial b^l}\Big\| &\le \gamma^{\,L-l+1}"
                r"\prod_{r=l+1}^{L}\|w^r\|_2\\ &\quad\times\|a^L-y\|\end{aligned}")
    st.markdown(r"With $z^l = w^l a^{l-1} + b^l$, $a^l = \sigma(z^l)$, $C = \tfrac12\|a^L - y\|^2$ and "
                r"$\Sigma' = \mathrm{diag}(\sigma')$, each layer going back multiplies the gradient by one "
                r"$(w^r)^{\mathsf T}$ and one $\Sigma'$, so the bound changes by $\gamma\|w^r\|_2$ per layer "
                f"(here γ = {g.gamma:.3g}, geometric mean ‖w^r‖₂ = {np.exp(np.mean(g.log_weight_norms)):.3g}). "
                r"The weight gradient $\delta^l (a^{l-1})^{\mathsf T}$ inherits the same factor (Nielsen, "
                "*Neural Networks and Deep Learning*, ch. 2 and 5).")
    st.subheader("Gradient per layer against the bound")
    app.show_chart(_deep_fig(dkey), alt_text="Bias-gradient norm per layer with the feedforward bound")
    app.caption("Solid: measured ‖∂C/∂b^l‖; dashed: the bound. Read from right (output) to left (input): "
                      "the distance between the lines is what the worst case gives away."
                      + (" Layers with an exactly zero gradient are not drawn." if ds.zero_layers else ""))
    text, tone = _deep_verdict(ds, d_act, d_init, d_sw, d_depth)
    app.verdict(text, tone=tone)

st.caption("Sources: Pascanu, Mikolov & Bengio (2013), *On the difficulty of training recurrent neural networks*, §2 "
           "(eqs. 2–5, 11, and the sufficient and necessary conditions); Goodfellow, Bengio & Courville, *Deep "
           "Learning*, §8.2.5 and §10.7; Nielsen, *Neural Networks and Deep Learning*, ch. 2 and 5; Trefethen & "
           "Embree, *Spectra and Pseudospectra* (singular values against eigenvalues).")
