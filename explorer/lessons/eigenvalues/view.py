"""Eigenvalues: explode or decay — diag(λ)ᵗ, and where non-normal matrices and Jordan blocks break the story."""

import math
from types import SimpleNamespace as Run

import streamlit as st

from explorer import app, sim
from explorer import format as fmt
from explorer.lessons.eigenvalues import charts as charts
from explorer.lessons.eigenvalues.scenarios import DEFAULTS as D
from explorer.lessons.eigenvalues.scenarios import SCENARIOS

SOURCES = {"modes": "Your modes", "jordan": "Jordan block", "random": "Random W"}
KINDS = {"pos": "real positive", "neg": "real negative", "pair": "complex pair"}  # labels also go into the URL
MAX_STEPS = 10_000
RANDOM_WORK = 2.7e8  # steps·n² for a random W: n = 512 allows about 1000 steps (~1 s with the eigenvalues)
LN10 = math.log(10.0)
SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
# Sizes in px for the wrapping rows, chosen so that a row fits on one line at 1280 px with the sidebar
# open (about 800 px of content) and wraps cleanly at 1024 px (about 560 px).
SEED_WIDTH = 150
MODE_BOX_WIDTH = 145
PLANE_SIZE = 320  # the eigenvalue plot is square; with its axes it is about 390 px wide
PLANE_BOX_WIDTH = 400
TABLE_BOX_WIDTH = 370


def _mode_spec(kind: str, mag: float, deg: int) -> tuple:
    if kind == "pair":
        return (float(mag), math.radians(deg), "pair")
    return (float(mag), math.pi if kind == "neg" else 0.0, "real")


def _build(source: str, spec: tuple, seed: int):
    if source == "modes":
        return sim.matrix_from_eigenvalues(sim.spectrum_from_modes(spec[0]), nonnormality=spec[1], seed=seed)
    if source == "jordan":
        return sim.jordan_block(*spec)
    return sim.gaussian_matrix(spec[0], spec[1], seed)


def _inside(log_rho: float) -> bool:
    """ρ < 1 beyond rounding: a computed ρ of 1 − 1e-16 is the unit circle, with no transient to report."""
    return not math.isfinite(log_rho) or sim.growth_regime([math.exp(log_rho)])[0] == "vanish"


@app.cached
def _run(source: str, spec: tuple, seed: int, steps: int) -> Run:
    W = _build(source, spec, seed)
    n = W.shape[0]
    grad = sim.gradient_log_norms(W, sim.unit_vector(n, seed, stream=2), steps)
    if source == "random":
        rs = sim.random_gaussian_spectrum(n, spec[1], seed, steps)
        return Run(n=n, eigenvalues=rs.eigenvalues, log_rho=rs.log_rho, log_norm_W=math.log(sim.spectral_norm(W)),
                   cond_V=math.nan, is_normal=False, measured=rs.log_norm_trajectory, peak=None, grad=grad,
                   modes=None, cancel=math.nan, corner=None, log_gain=math.log(spec[1]),
                   limits=sim.float_limit_steps(rs.log_norm_trajectory))
    g = sim.spectrum_growth(W, steps)
    modes = sim.mode_contributions(W, sim.unit_vector(n, seed, stream=1), steps)
    return Run(n=n, eigenvalues=g.eigenvalues, log_rho=g.log_rho, log_norm_W=g.log_norm_W, cond_V=g.cond_V,
               is_normal=g.is_normal, measured=g.log_norm_power, grad=grad, modes=modes,
               peak=(g.peak_step, g.log_peak) if g.transient_growth and _inside(g.log_rho) else None,
               cancel=sim.modal_cancellation_log(modes) if modes.reliable else math.nan,
               corner=sim.jordan_corner_log(spec[0], spec[1], steps) if source == "jordan" else None,
               log_gain=None, limits=sim.float_limit_steps(g.log_norm_power))


def _label(source: str) -> str:
    return "‖Wᵗx‖" if source == "random" else "‖Wᵗ‖"


@app.cached_chart
def _plane_fig(source, spec, seed, steps):
    r = _run(source, spec, seed, steps)
    note = f"λ = {spec[0]:g}, {spec[1]} times, 1 eigenvector" if source == "jordan" else None
    return charts.eigenvalue_plane_chart(r.eigenvalues, sim.growth_regime(r.eigenvalues),
                                         gain=spec[1] if source == "random" else None, annotation=note,
                                         size=PLANE_SIZE)


@app.cached_chart
def _growth_fig(source, spec, seed, steps):
    r = _run(source, spec, seed, steps)
    return charts.growth_chart(r.measured, measured_label=f"{_label(source)} measured", log_rho=r.log_rho,
                               log_norm_W=r.log_norm_W, log_gain=r.log_gain, log_corner=r.corner, peak=r.peak,
                               limits=r.limits)


@app.cached_chart
def _gelfand_fig(source, spec, seed, steps):
    r = _run(source, spec, seed, steps)
    return charts.gelfand_chart(r.measured, measured_label=_label(source), log_rho=r.log_rho,
                                log_norm_W=r.log_norm_W, log_gain=r.log_gain)


@app.cached_chart
def _mode_fig(source, spec, seed, steps):
    return charts.mode_chart(_run(source, spec, seed, steps).modes)


@app.cached_chart
def _gradient_fig(source, spec, seed, steps):
    r = _run(source, spec, seed, steps)
    if source == "random":
        return charts.gradient_chart(r.grad, log_reference=r.measured, reference_label="‖Wᵗx‖: forward signal",
                                     log_rate=r.log_gain, rate_label=charts.GAIN_LABEL)
    return charts.gradient_chart(r.grad, log_reference=r.measured, reference_label="‖Wᵗ‖: the largest possible",
                                 log_rate=r.log_rho, rate_label=charts.RHO_LABEL)


def _p10(log_value: float) -> str:
    return fmt.fmt_pow10(log_value / LN10)


def _half_life_table(eigs, names) -> dict:
    h, regime = sim.half_life_steps(eigs), sim.growth_regime(eigs)
    what = []
    for s, reg, mag in zip(h.steps, regime, h.magnitude, strict=True):
        if reg == "critical":
            what.append("keeps its size (|λ| = 1)")
        elif mag == 0:
            what.append("λᵗ = 0 from t = 1")
        else:
            what.append(f"{'doubles' if reg == 'explode' else 'halves'} every {s:.3g} steps")
    return {"mode": names, "|λ|": [f"{m:.4g}" for m in h.magnitude], "ln 2 / |ln|λ||": what}


def _exits(lim) -> str:
    parts = []
    for name, over, under in (("float32", lim.float32_overflow_step, lim.float32_underflow_step),
                              ("float64", lim.float64_overflow_step, lim.float64_underflow_step)):
        if over is not None or under is not None:
            first_over = under is None or (over is not None and over < under)
            parts.append(f"{'overflow' if first_over else 'underflow'} {name} at t = {over if first_over else under}")
    return (" As a plain floating-point number it would " + " and ".join(parts) + ".") if parts else ""


def _verdict(r: Run, source: str, spec: tuple, steps: int) -> tuple[str, str]:
    rho = math.exp(r.log_rho) if math.isfinite(r.log_rho) else 0.0
    final = r.measured[-1]
    exits = _exits(r.limits)
    if source == "random":
        rate = sim.late_log_growth_rate(r.measured)
        return (f"With g = {spec[1]:g} the {r.n} eigenvalues fill a disc of radius about g (ρ(W) = {rho:.3g}; "
                f"Girko's circular law), so ‖Wᵗx‖ should change by about ×{spec[1]:g} per step: measured "
                f"×{math.exp(rate):.3g} per step over the second half, ending at {_p10(final)} after {steps} "
                f"steps.{exits}", "explode" if rate > 0.005 else "vanish" if rate < -0.005 else "neutral")
    regime = sim.growth_regime([rho])[0]
    cond = "∞" if math.isinf(r.cond_V) else f"{r.cond_V:.3g}"
    if rho == 0.0:
        return ("Every eigenvalue is 0: W is nilpotent, so Wᵗ is exactly 0 after at most n steps"
                + (f" — though it first reaches {_p10(max(r.measured))}." if max(r.measured) > 0 else "."), "vanish")
    if regime == "vanish":
        text = f"ρ(W) = {rho:.4g} < 1, so Wᵗ → 0: ‖Wᵗ‖ = {_p10(final)} at t = {steps}"
        if r.peak is not None:
            why = (f"a Jordan block of size {spec[1]} (one eigenvector, cond(V) = ∞)" if source == "jordan"
                   else f"far from normal (cond(V) = {cond})")
            text += f"; but W is {why} and ‖Wᵗ‖ first grows to {_p10(r.peak[1])} at t = {r.peak[0]}."
        else:
            text += f", and it never rises above 1{' (W is normal)' if r.is_normal else ''}."
        return text + exits, "vanish"
    if regime == "explode":
        pace = (f"doubles about every {sim.half_life_steps([rho]).steps[0]:.3g} steps" if rho < 2
                else f"grows about ×{rho:.3g} per step")
        return (f"ρ(W) = {rho:.4g} > 1, so ‖Wᵗ‖ explodes: it {pace} and reaches {_p10(final)} at t = {steps}."
                f"{exits}", "explode")
    if source == "jordan" and spec[1] > 1:
        return (f"ρ(W) = 1, so the eigenvalues predict a constant size; yet the {spec[1]} × {spec[1]} Jordan block "
                f"makes ‖Wᵗ‖ grow like a polynomial: {_p10(final)} at t = {steps}, of the order of the corner "
                f"entry C(t, {spec[1] - 1}) = {_p10(r.corner[-1])}.{exits}", "explode")
    return (f"ρ(W) = 1: the eigenvalues predict neither explosion nor decay, and ‖Wᵗ‖ = {_p10(final)} at t = {steps}"
            + (" (W is normal, so it stays exactly 1)." if r.is_normal else
               f", held between 1 and about cond(V) = {cond} because W is not normal.") + exits, "neutral")


app.page_header(
    "Eigenvalues: explode or decay",
    "Repeating the step h ← W h for t steps multiplies by Wᵗ. If W = V diag(λ) V⁻¹, then Wᵗ = V diag(λ)ᵗ V⁻¹: "
    "along each eigenvector the signal is multiplied by λᵢ at every step, so modes with |λ| > 1 explode and "
    "modes with |λ| < 1 die out. Set the spectrum yourself, watch that happen, and see where the eigenvalues "
    "stop telling the whole story: non-normal matrices and Jordan blocks.",
)
c = app.Controls("eig", SCENARIOS)
# Control rows wrap instead of squeezing: at 1024 px with the sidebar open the seed moves to a second
# line rather than cutting off the third source; from about 1280 px everything sits on one line.
top = st.container(horizontal=True, gap="medium", vertical_alignment="top")
with top.container():
    c.scenario_picker()
source = c.segmented("source", "Matrix W", tuple(SOURCES), D["source"], format_func=SOURCES.get, container=top,
                     help="Build W from up to four modes, take a Jordan block, or draw W with entries N(0, g²/n).")
seed = int(c.slider("seed", "Seed", 0, 99, D["seed"], 1, container=top.container(width=SEED_WIDTH),
                    help="Seeds the eigenvector frame, the start vector x, the gradient g and a random W."))

st.subheader("Where the eigenvalues sit")
area = st.container()
spare = st.expander("Settings this source does not use (kept so that a shared link restores them)",
                    icon=":material/tune:").columns(4)
used = source == "modes"
# One fixed-width box for the shared settings and one per mode in use, in a row that wraps: five boxes
# fit on one line from about 1280 px with the sidebar open, and go three to a line at 1024 px.
modes_row = area.container(horizontal=True, gap="small", vertical_alignment="top") if used else None
first = modes_row.container(width=MODE_BOX_WIDTH) if used else spare[0]
count = c.slider("count", "Number of modes", 1, 4, D["count"], 1, container=first,
                 help="A real mode is one eigenvalue, a pair two: W is n × n with n = reals + 2·pairs.")
nu = c.slider("nu", "Eigenvector tilt ν", 0.0, 0.999, D["nu"], 0.001, fmt="%.3f", container=first,
              help="0 gives a normal W (orthogonal eigenvectors). Towards 1 the eigenvectors lean together "
                   "and the eigenvalues stay exactly the same: W = Q M D M⁻¹ Qᵀ with cond(M) = 1/(1 − ν).")
cond_slot = first.empty()
modes = []
for i in range(1, 5):
    box = modes_row.container(width=MODE_BOX_WIDTH) if used and i <= count else spare[i - 1]
    kind = c.select(f"kind{i}", f"Mode {i}", tuple(KINDS), D[f"kind{i}"], format_func=KINDS.get, container=box)
    mag = c.slider(f"mag{i}", "|λ|", 0.0, 3.0, D[f"mag{i}"], 0.01, container=box)
    deg = c.slider(f"deg{i}", "angle θ of a pair (°)", 1, 179, D[f"deg{i}"], 1, container=box,
                   help="Used by pairs: λ = |λ|·e^(±iθ) turns the plane by θ every step.")
    if i <= count:
        modes.append(_mode_spec(kind, mag, deg))
        z = sim.spectrum_from_modes([modes[-1]])[0]
        box.caption(charts.mode_label(z, kind == "pair"))
jbox = area.columns([1, 1, 2], gap="medium") if source == "jordan" else [spare[0], spare[1], None]
jlam = c.slider("jlam", "Jordan eigenvalue λ", 0.0, 2.0, D["jlam"], 0.01, container=jbox[0])
jsize = c.slider("jsize", "Block size m", 2, 12, D["jsize"], 1, container=jbox[1],
                 help="m equal eigenvalues, a single eigenvector: Jᵗ has entries C(t, k)·λ^(t−k).")
rbox = area.columns([1, 1, 2], gap="medium") if source == "random" else [spare[2], spare[3], None]
n_rand = c.slider("n", "Size n", 10, sim.MAX_SPECTRUM_SIZE, D["n"], 1, container=rbox[0])
gain = c.slider("g", "Gain g", 0.5, 1.5, D["g"], 0.05, container=rbox[1],
                help="Entries N(0, g²/n): the eigenvalues fill the disc |λ| ≤ g as n grows (circular law).")
if source == "jordan":
    jbox[2].caption("J = λI + N, ones just above the diagonal. Every eigenvalue is λ, but there is only one "
                    "eigenvector, so W has no eigenvector basis and V diag(λ)ᵗ V⁻¹ does not exist.")
elif source == "random":
    rbox[2].caption("Girko's circular law: for large n the eigenvalues of a matrix with independent N(0, g²/n) "
                    "entries spread evenly over the disc of radius g.")
spec = {"modes": (tuple(modes), float(nu)), "jordan": (float(jlam), int(jsize)),
        "random": (int(n_rand), float(gain))}[source]
# The square eigenvalue plot at its own size and the table beside it, or under it on a narrow screen.
plane_row = st.container(horizontal=True, gap="small", vertical_alignment="top")
plane_col, table_col = plane_row.container(width=PLANE_BOX_WIDTH), plane_row.container(width=TABLE_BOX_WIDTH)

st.subheader("How big Wᵗ gets")
left, right = st.columns([1.5, 3], gap="medium")  # the table on the left needs about 170 px at 1024 px
steps = int(c.slider("steps", "Steps t", 10, MAX_STEPS, D["steps"], 10, container=left,
                     help=f"Number of multiplications by W (at most {MAX_STEPS:,}). Sizes are kept as logarithms, "
                          "so 10^±5000 is no problem."))
if source == "random" and steps * n_rand**2 > RANDOM_WORK:
    steps = int(RANDOM_WORK // n_rand**2)
    left.caption(f":material/speed: With n = {n_rand} the page follows {steps} steps (steps·n² is capped).")
with app.heavy(steps > 3000 or (source == "random" and n_rand >= 300), "Multiplying by W…"):
    run = _run(source, spec, seed, steps)
label = _label(source)
rho = math.exp(run.log_rho) if math.isfinite(run.log_rho) else 0.0
cond_text = "1 (W is normal)" if run.is_normal else "∞ (no eigenvector basis)" if math.isinf(run.cond_V) \
    else f"{run.cond_V:.4g}"
if used:
    cond_slot.caption(f"cond(V) = {cond_text}")

with plane_col:
    # Drawn at its own square size (not stretched) so that circles stay round.
    st.vega_lite_chart(_plane_fig(source, spec, seed, steps), width="content", alt="Eigenvalues of W, complex plane")
    app.caption("Red triangles sit outside the unit circle and explode, blue circles inside vanish, grey squares "
                      "on it keep their size." + (" The dashed circle has radius g." if source == "random" else ""))
with table_col:
    if source == "modes":
        eigs = [sim.spectrum_from_modes([m])[0] for m in modes]
        names = [f"mode {i + 1}: {charts.mode_label(z, m[2] == 'pair')}"
                 for i, (z, m) in enumerate(zip(eigs, modes, strict=True))]
    elif source == "jordan":
        eigs, names = [jlam], [f"λ = {jlam:g} (× {jsize})"]
    else:
        top_eigs = [z for z in run.eigenvalues if z.imag >= 0][:6]
        eigs, names = top_eigs, [f"λ{str(i + 1).translate(SUB)} = {charts.mode_label(z, abs(z.imag) > 0)[4:]}"
                                 for i, z in enumerate(top_eigs)]
    st.markdown(f"**ρ(W) = {rho:.4g}**, ‖W‖₂ = {math.exp(run.log_norm_W):.4g}"
                + ("" if source == "random" else f", cond(V) = {cond_text}") + f"; n = {run.n}.")
    st.table(_half_life_table(eigs, names))  # a static table wraps its cells to the box; a data grid would scroll
    st.caption("A mode scales by |λ|ᵗ = e^(t ln|λ|), so it halves or doubles every ln 2 / |ln|λ|| steps."
               + {"random": " Only the six largest eigenvalues of the random W are listed (one per conjugate pair).",
                  "jordan": " In a Jordan block that is only the eigenvalue's part: the entries of Jᵗ also carry "
                            "binomial factors C(t, k) that grow with t.", "modes": ""}[source])

with left:
    peak = f"{_p10(run.peak[1])} at t = {run.peak[0]}" if run.peak else "—"
    st.markdown(
        f"| | value |\n|---|---|\n| ρ(W) | {rho:.4g} |\n| ‖W‖₂ | {math.exp(run.log_norm_W):.4g} |\n"
        f"| {label} at t = {steps} | {_p10(run.measured[-1])} |\n| transient peak | {peak} |\n"
        f"| leaves float32 | {'t = ' + str(run.limits.float32_exit_step) if run.limits.float32_exit_step else 'no'} |\n"
        f"| leaves float64 | {'t = ' + str(run.limits.float64_exit_step) if run.limits.float64_exit_step else 'no'} |"
    )
with right:
    app.show_chart(_growth_fig(source, spec, seed, steps), alt_text=f"log10 {label} against t with ρᵗ and ‖W‖ᵗ")
    app.caption(
        f"Solid: {label} computed by repeated products. Dashed: ρ(W)ᵗ, what the eigenvalues predict; dotted: ‖W‖ᵗ, "
        "the worst case if every step stretched as much as possible (it leaves the frame when it runs away). "
        + ("Dash-dot: gᵗ from the circular law. " if source == "random" else "")
        + ("Orange dashed: the corner entry of Jᵗ, a polynomial in t. " if source == "jordan" else "")
        + "Coloured rules mark where the value leaves the float32 / float64 range; the curve carries on because "
        "it is stored as a logarithm." + (" Exact zeros are not drawn." if min(run.measured) == -math.inf else ""))
    app.show_chart(_gelfand_fig(source, spec, seed, steps), alt_text="Gelfand's formula: size to the power 1/t")
    app.caption(f"Gelfand's formula: {label}^(1/t) → ρ(W) as t grows, however large the early transient — "
                      "the eigenvalues set the long-run rate per step, not the size along the way.")

st.subheader("Each eigen-direction's share of Wᵗx")
if run.modes is None:
    st.caption(f":material/scatter_plot: With {run.n} eigen-directions the split into modes is not drawn; the cloud "
               "of eigenvalues above carries that story.")
elif not run.modes.reliable:
    why = (f"a Jordan block has one eigenvector for its {jsize} equal eigenvalues, so x cannot be split into "
           "eigen-directions at all" if source == "jordan" else "the eigenvectors are so close to parallel that "
           "the coefficients c = V⁻¹x are mostly rounding error")
    st.warning(f"The modal picture is numerically unreliable here (cond(V) = {cond_text}): {why}. The growth chart "
               "above, computed from Wᵗ directly, is the one to trust.", icon=":material/warning:")
else:
    mode_left, mode_right = st.columns([1.7, 1], gap="large")
    with mode_left:
        app.show_chart(_mode_fig(source, spec, seed, steps), alt_text="Size of each eigen-mode of Wᵗx, log scale")
    with mode_right:
        st.latex(r"W^t x = \sum_i c_i\,\lambda_i^t\,v_i")
        overshoot = run.cancel > math.log(10.0)
        st.markdown(
            "With c = V⁻¹x, each mode changes by |λᵢ| per step: a straight line on a log axis, and the "
            "flattest one wins. "
            + (f"Here single modes reach {math.exp(run.cancel):.3g} times the whole vector: large components along "
               "nearly parallel eigenvectors cancel, and when the faster ones fade the cancellation stops — the "
               "transient growth above." if overshoot else
               "Here no mode is much larger than the whole vector: the eigenvectors are close to orthogonal."))
    app.caption("Dashed: |cᵢ λᵢᵗ| for each mode of a random unit start vector x (a pair counts as one mode, "
                      "bounded by 2|c||λ|ᵗ). Solid: ‖Wᵗx‖ computed by repeated products. Modes that fall more than "
                      "10⁶ below it leave the frame.")

st.subheader("The gradient meets the same eigenvalues")
grad_left, grad_right = st.columns([1.3, 2], gap="large")
with grad_left:
    st.latex(r"\begin{aligned} h_t &= W h_{t-1} \\ \frac{\partial L}{\partial h_{T-t}} &= (W^\top)^t\,"
             r"\frac{\partial L}{\partial h_T} \end{aligned}")
    st.markdown(
        f"Back-propagation sends the gradient through Wᵀ once per step. Wᵀ has the same eigenvalues as W and "
        f"‖(Wᵀ)ᵗ‖ = ‖Wᵗ‖, so the gradient explodes or vanishes exactly when the forward signal does. For a random "
        f"unit gradient g: ‖(Wᵀ)ᵗg‖ = **{_p10(run.grad[-1])}** after {steps} steps back, against "
        f"{label} = {_p10(run.measured[-1])}.")
with grad_right:
    app.show_chart(_gradient_fig(source, spec, seed, steps), alt_text="Norm of the back-propagated gradient, log scale")
    app.caption("Solid purple: the gradient sent back t steps. "
                      + ("Dashed blue: ‖Wᵗ‖, which no unit gradient can exceed. Dotted: ρ(W)ᵗ."
                         if source != "random" else "Dashed blue: the forward signal ‖Wᵗx‖. Dotted: gᵗ."))

text, tone = _verdict(run, source, spec, steps)
app.verdict(text, tone=tone)
st.caption("Sources: Goodfellow, Bengio & Courville, *Deep Learning*, §8.2.5 (Wᵗ = V diag(λ)ᵗ V⁻¹ and vanishing and "
           "exploding gradients); Pascanu, Mikolov & Bengio (2013) for the gradient through Wᵀ; Trefethen & Embree, "
           "*Spectra and Pseudospectra* (2005), ch. 14–16, for non-normal transients and Jordan blocks; Gelfand's "
           "spectral radius formula (1941); Girko's circular law (1984).")
