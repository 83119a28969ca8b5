"""Power method on Wᵗ: repeated multiplication keeps only the dominant eigen-direction."""

import re
from types import SimpleNamespace as Run

import numpy as np
import streamlit as st

from explorer import app, sim
from explorer import format as fmt
from explorer.lessons.power import charts as charts
from explorer.lessons.power.scenarios import DEFAULT_CUSTOM_MATRIX, SCENARIOS

PLANE_STEPS = 50
MAX_STEPS = 2000
MAX_N = 256
CUSTOM_MAX_N = 16
CUSTOM_MAX_CHARS = 3000
DIGITS = 10.0
LAST_GOOD = "_pm_last_good_matrix"
MATRICES = (*sim.PRESET_MATRICES, "custom")
FORMS = {"column": "Wᵗx (column)", "row": "xᵀWᵗ (row)"}
DEFAULT_ROWS = tuple(map(tuple, sim.parse_matrix(DEFAULT_CUSTOM_MATRIX).tolist()))
LN10 = float(np.log(10.0))
# Widths in px of controls and text boxes in the wrapping rows, chosen so that a row fits on one line at
# 1280 px with the sidebar open (about 800 px of content) and wraps cleanly at 1024 px (about 560 px).
MATRIX_SELECT_WIDTH = 280
SLIDER_WIDTH = 170
SEED_WIDTH = 110
SIDE_TEXT_WIDTH = 300  # beside the plane picture
SPECTRUM_TEXT_WIDTH = 360  # beside the eigenvalue plot
SPLIT = ("opposite_sign", "tied", "nilpotent")  # no single turn angle predicted by arg λ₁


@app.cached
def _preset(key: tuple) -> sim.PresetMatrix:
    if key[0] == "random":
        return sim.random_gaussian_preset(*key[1:])
    if key[0] == "custom":
        return sim.custom_preset(np.array(key[1], dtype=float), key[2])
    return sim.preset_matrix(key[0])


@app.cached
def _run(key: tuple, form: str, steps: int) -> Run:
    p = _preset(key)
    tr = sim.power_method(p.W, p.x0, steps, form=form)
    # only what the page shows: the n x steps directions would bloat the shared cache
    return Run(log10_norm=tr.log10_norm, angle=tr.angle, rayleigh=tr.rayleigh, turns=sim.direction_turns(tr),
               theory=sim.theory_log10_angle(tr), eigenvalues=tr.eigenvalues, dominant=tr.dominant_eigenvalue,
               v1=tr.dominant_eigenvector, summary=sim.convergence_summary(tr, digits=DIGITS),
               measured=sim.measure_convergence(tr, digits=DIGITS))


@app.cached
def _plane_run(key: tuple, form: str) -> sim.PowerTrace:
    p = _preset(key)
    return sim.power_method(p.W, p.x0, PLANE_STEPS + 1, form=form)


def _iterated(key: tuple, form: str) -> np.ndarray:
    W = _preset(key).W
    return W.T if form == "row" else W


@app.cached_chart
def _plane_fig(key, form, t):
    tr = _plane_run(key, form)
    M = _iterated(key, form)
    with np.errstate(over="ignore", invalid="ignore"):
        next_vector = tr.direction[t + 1] * 10.0 ** (tr.log10_norm[t + 1] - tr.log10_norm[t])
    return charts.plane_chart(sim.unit_circle_image(M), sim.eigen_lines(M), tr.direction[: t + 1], next_vector,
                              matrix_name="Wᵀ" if form == "row" else "W")


@app.cached_chart
def _angle_fig(key, form, steps, label):
    r = _run(key, form, steps)
    return charts.angle_chart(r.angle, r.theory, theory_label=label)


@app.cached_chart
def _turn_fig(key, form, steps, theory_deg, label):
    return charts.turn_chart(_run(key, form, steps).turns, theory_deg, theory_label=label)


@app.cached_chart
def _norm_fig(key, form, steps, label):
    r = _run(key, form, steps)
    return charts.norm_chart(r.log10_norm, r.summary.log_growth_per_step / LN10, theory_label=label)


@app.cached_chart
def _rayleigh_fig(key, form, steps, label):
    r = _run(key, form, steps)
    return charts.rayleigh_chart(r.rayleigh, r.dominant.real, theory_label=label)


@app.cached_chart
def _eigen_fig(key, form, steps, label):
    return charts.eigenvalue_chart(_run(key, form, steps).eigenvalues, dominant_label=label)


def _z(z: complex, pair: bool = False) -> str:
    if abs(z.imag) <= 1e-12 * max(abs(z), 1e-300):
        return f"{z.real:.4g}"
    return f"{z.real:.4g} {'±' if pair else '+' if z.imag > 0 else '−'} {abs(z.imag):.4g}i"


def _latex_matrix(a: np.ndarray) -> str:
    rows = sim.format_matrix(np.atleast_2d(a), precision=4).splitlines()
    return r"\begin{bmatrix}" + r"\\".join(" & ".join(r.split()) for r in rows) + r"\end{bmatrix}"


def _pretty(text: str) -> str:
    """The sim's plain-ASCII teaching points, with maths symbols for the page."""
    text = re.sub(r" deg\b", "°", text)
    for a, b in (("lambda", "λ"), ("+-", "±"), ("sqrt(5)", "√5"), ("W^2", "W²"), ("g^2", "g²"), ("g^t", "gᵗ")):
        text = text.replace(a, b)
    return text


def _custom_rows(text: str, container, in_use: bool) -> tuple:
    """The typed matrix as nested tuples (hashable), or the last good one with the parser's message beside the box."""
    try:
        W = sim.parse_matrix(text, max_size=CUSTOM_MAX_N)
    except sim.MatrixInputError as err:
        if in_use:
            container.error(f"{err}. The page keeps using the last matrix that could be read.",
                            icon=":material/error:")
        return st.session_state.get(LAST_GOOD, DEFAULT_ROWS)
    rows = tuple(map(tuple, W.tolist()))
    st.session_state[LAST_GOOD] = rows
    return rows


def _num(x: float, spec: str = ".3g", prefix: str = "", suffix: str = "") -> str:
    return f"{prefix}{x:{spec}}{suffix}" if np.isfinite(x) else "—"


def _steps_text(x: float, steps: int) -> str:
    if np.isnan(x):
        return "—"
    return "never" if np.isinf(x) else f"{x:.0f}" if x <= steps or x < 1e6 else fmt.fmt_sci(x)


def _verdict(r: Run, steps: int, kind: str) -> str:
    s, m = r.summary, r.measured
    mag = abs(r.dominant)
    growth = f"×{10 ** m.log10_growth_per_step:.4g} measured" if np.isfinite(m.log10_growth_per_step) else "n/a"
    norm = f"‖Wᵗx‖ changes ×{mag:.4g} per step in theory ({growth} over the second half)."
    if kind in ("simple", "repeated"):
        if s.rate == 0:
            return (f"λ₁ = {_z(r.dominant)} and every smaller eigenvalue (if any) is 0: one multiplication removes "
                    f"every component outside λ₁'s eigenspace, so the direction is final from step 1. {norm}")
        reached = (f"{DIGITS:g} digits reached at step {m.steps_to_digits:.0f}" if np.isfinite(m.steps_to_digits)
                   else f"{DIGITS:g} digits not reached within {steps} steps")
        fit = (f"{m.digits_per_step:.3g} digits per step (fitted over steps {m.fit_first}–{m.fit_last})"
               if np.isfinite(m.digits_per_step) else "too few steps to fit a rate")
        late = ""
        if np.isfinite(m.steps_to_digits) and m.steps_to_digits > 1.5 * s.steps_for_digits + 5:
            late = (" It took longer than the rate alone predicts: the start had almost no component along v₁, "
                    "or a non-normal W bent the early steps.")
        need = max(round(s.steps_for_digits), 1)
        return (f"λ₁ = {_z(r.dominant)}, |λ₂/λ₁| = {s.rate:.3g}: each step gains {s.digits_per_step:.3g} digits of "
                f"direction, so {DIGITS:g} digits take {need} step{'s' if need > 1 else ''}. Measured: {fit}; "
                f"{reached}.{late} {norm}")
    if kind == "defective":
        theory_end = 10 ** r.theory[-1] if np.isfinite(r.theory[-1]) else float("nan")
        return (f"λ₁ = {_z(r.dominant)} is defective (a Jordan block): no geometric rate at all. The angle shrinks "
                f"like 1/t — after {steps} steps it is {m.final_angle:.3g} rad; the 1/t law (exact for a 2 × 2 block) "
                f"says {theory_end:.3g} — and the norm picks up a polynomial factor on top of |λ₁|ᵗ: "
                f"×{10 ** m.log10_growth_per_step:.5g} per step over the second half although |λ₁| = {mag:.4g}.")
    if kind == "complex_pair":
        return (f"No unique dominant eigenvalue (a complex pair {_z(r.dominant, pair=True)}, |λ₁| = {mag:.4g}): "
                f"the direction rotates by {s.rotation_deg_per_step:.1f}° a step and never settles (measured mean "
                f"turn {m.mean_turn_deg:.1f}° over the second half). {norm}")
    if kind == "opposite_sign":
        apart = min(m.mean_turn_deg, 180 - m.mean_turn_deg)
        return (f"No unique dominant eigenvalue (+{mag:.4g} and −{mag:.4g}): the iterate alternates between two "
                f"directions {apart:.1f}° apart and never settles. {norm}")
    if kind == "tied":
        return (f"Several different eigenvalues share the largest magnitude {mag:.4g}: no single direction wins "
                f"and the direction keeps moving (mean turn {m.mean_turn_deg:.1f}° a step). {norm}")
    return "Every eigenvalue is 0 (W is nilpotent): Wᵗx = 0 once t ≥ n, so there is no direction to converge to."


app.page_header(
    "Power method on Wᵗ",
    "A recurrent network multiplies its back-propagated signal by the same matrix at every time step. "
    "If W = V diag(λ) V⁻¹ then Wᵗ = V diag(λ)ᵗ V⁻¹: every eigen-component is scaled by λᵢᵗ, so after enough "
    "steps only the component along the eigenvector of largest |λ| is left — the power method of numerical "
    "analysis. This page runs it, predicts the rate |λ₂/λ₁| from the spectrum, and checks the prediction.",
)
c = app.Controls("pm", SCENARIOS)
# Control rows wrap instead of squeezing: at 1024 px with the sidebar open the form switch and the
# custom matrix box each move to a line of their own; from about 1280 px everything sits on one line.
top = st.container(horizontal=True, gap="medium", vertical_alignment="top")
with top.container():
    c.scenario_picker()
matrix = c.select("matrix", "Matrix W", MATRICES, "distinct", format_func=lambda k: (
    "Custom: type your own" if k == "custom" else "Random Gaussian n × n, gain g" if k == "random"
    else sim.preset_matrix(k).label), container=top.container(width=MATRIX_SELECT_WIDTH),
    help="Each preset isolates one behaviour of Wᵗx.")
form = c.segmented("form", "Multiply", tuple(FORMS), "column", format_func=FORMS.__getitem__, container=top,
                   help="Column form Wᵗx finds the right eigenvector; row form xᵀWᵗ (a gradient's form) the left one.")

# Every control exists on every run, so a scenario's values always reach the address bar.
row = st.container(horizontal=True, gap="medium", vertical_alignment="top")
n_random = c.slider("n", "Random W: size n", 2, MAX_N, 50, 1, container=row.container(width=SLIDER_WIDTH),
                    help="Used only by the random matrix.")
g = c.slider("g", "Random W: gain g", 0.5, 1.5, 1.0, 0.05, container=row.container(width=SLIDER_WIDTH),
             help="Used only by the random matrix: entries ~ N(0, g²/n), so the eigenvalues fill a disc of "
                  "radius about g (circular law).")
seed = c.number("seed", "Seed", 0, 10_000, 0, 1, container=row.container(width=SEED_WIDTH),
                help="Seeds the random matrix and the start vector of a custom matrix: same seed, same numbers.")
custom_box = row.container()
text = c.text_area("custom", f"Custom W (up to {CUSTOM_MAX_N} × {CUSTOM_MAX_N})", DEFAULT_CUSTOM_MATRIX,
                   max_chars=CUSTOM_MAX_CHARS, container=custom_box, height=90,
                   help="Used when the matrix is Custom. Rows on separate lines or split by ';', entries by spaces "
                        "or commas; [[1, 2], [3, 4]] and [1 2; 3 4] also work. Nothing is evaluated.")
custom_rows = _custom_rows(text, custom_box, in_use=matrix == "custom")
if matrix == "random":
    key: tuple = ("random", int(n_random), float(g), int(seed))
elif matrix == "custom":
    key = ("custom", custom_rows, int(seed))
else:
    key = (matrix,)

p = _preset(key)
n = p.W.shape[0]
if n <= 2 or n > CUSTOM_MAX_N:
    desc, info = st.columns([2, 3], gap="large")
else:  # a 3 × 3 to 16 × 16 matrix needs the page's full width on a projector; the text goes below it
    desc, info = st.container(), st.container()
with desc:
    if n <= 4:
        st.latex(rf"W = {_latex_matrix(p.W)}")
        st.latex(rf"x_0 = {_latex_matrix(p.x0[None, :])}^\top")
    elif n <= CUSTOM_MAX_N:
        st.code(sim.format_matrix(p.W, precision=3), language=None)
    else:
        st.markdown(f"W is a {n} × {n} matrix; x₀ is a random unit vector.")
with info:
    st.markdown(f"**{p.label}.** {_pretty(p.teaching_point)}")
    if form == "row":
        st.markdown("Iterating the **row form xᵀWᵗ**, as Goodfellow et al. write it in §8.2.5 and the way a gradient "
                    "row vector travels back through time: it settles on the **left** eigenvector of W "
                    "(uᵀW = λuᵀ, the eigenvector of Wᵀ).")
    else:
        st.markdown("Iterating the **column form Wᵗx**: it settles on the **right** eigenvector of W (Wv = λv). "
                    "Switch to the row form xᵀWᵗ to follow a gradient instead.")

if n == 2:
    st.subheader("One step at a time, in the plane")

    def _frame(t: int) -> None:
        tr = _plane_run(key, form)
        # The picture is square at its own size (circles round, angles true); the text goes beside it
        # when there is room and below it on a narrow screen.
        pair = st.container(horizontal=True, gap="medium", vertical_alignment="top")
        with pair:
            st.vega_lite_chart(_plane_fig(key, form, t), width="content",
                               alt="Unit circle, its image, eigenvector lines and iterates")
        with pair.container(width=SIDE_TEXT_WIDTH):
            angle = tr.angle[t]
            st.markdown(
                f"**Step t = {t}.** ‖x_t‖ = {fmt.fmt_pow10(tr.log10_norm[t])}; Rayleigh quotient "
                f"r_t = {tr.rayleigh[t]:.6g}; "
                + (f"angle to the dominant eigenvector {np.degrees(angle):.4g}°." if np.isfinite(angle)
                   else "no unique dominant eigenvector to measure an angle to.")
            )
            app.caption(
                "The grey unit circle holds every direction; the purple ellipse is where one multiplication sends it. "
                "Each step takes the orange direction x_t to the red point on the ellipse and rescales it back to the "
                "circle. Dashed black lines are eigenvector lines, mapped onto themselves: the iterates drift toward "
                "the one with the larger |λ|. With complex eigenvalues there is no such line."
            )

    app.animated_step(c, "t", "Step t", PLANE_STEPS, 6, _frame, help="Press Play to step forward automatically.")
else:
    st.caption(f":material/info: The plane picture needs a 2 × 2 matrix; this W is {n} × {n}.")

st.subheader("Convergence over many steps")
left, right = st.columns([1, 3], gap="large")
steps = c.slider("steps", "Steps", 10, MAX_STEPS, 60, 10, container=left,
                 help=f"Number of multiplications by W (at most {MAX_STEPS}).")
with app.heavy(n * steps >= 100_000, "Running the power method…"):
    run = _run(key, form, steps)
s, m = run.summary, run.measured
kind = s.kind
# The table sits under the chart with its note beside it: beside the chart it was cut off below 1400 px.
summary = st.container(horizontal=True, gap="medium", vertical_alignment="top")
with summary.container(width="content"):
    st.markdown(
        "| | theory | measured |\n|---|---|---|\n"
        f"| digits/step | {_num(s.digits_per_step)} | {_num(m.digits_per_step)} |\n"
        f"| steps to {DIGITS:g} digits | {_steps_text(s.steps_for_digits, steps)} | "
        f"{_steps_text(m.steps_to_digits, steps)} |\n"
        f"| growth/step | {_num(abs(run.dominant), '.4g', '×')} | "
        f"{_num(10 ** m.log10_growth_per_step, '.4g', '×')} |\n"
        f"| turn/step | {_num(s.rotation_deg_per_step if kind not in SPLIT else np.nan, '.3g', '', '°')} | "
        f"{'< 10⁻⁶°' if m.mean_turn_deg < 1e-6 else _num(m.mean_turn_deg, '.3g', '', '°')} |"
    )
with summary.container():
    st.caption("Theory from the eigenvalues; measurement from the run (rate fitted where the angle is between "
               "10⁻¹³ and 0.1 rad; growth and turn averaged over the second half).")
with right:
    if run.summary.kind in ("simple", "repeated", "defective"):
        label = "theory ≈ 1/t (Jordan block)" if kind == "defective" else "theory θ₀·|λ₂/λ₁|ᵗ"
        app.show_chart(_angle_fig(key, form, steps, label), alt_text="Angle to the dominant eigenvector, log scale")
        zeros = int(np.sum(run.angle == 0))
        app.caption(
            f"Solid: the measured angle between x_t and v₁; dashed: the prediction started at the measured θ₀ "
            f"({np.degrees(run.angle[0]):.3g}°). Parallel lines mean the rate is right."
            + (" The measurement bottoms out near 10⁻¹⁶, the resolution of float64; theory below it is not drawn."
               if np.nanmin(run.angle) < 1e-14 else "")
            + (f" {zeros} steps with an angle of exactly 0 are not drawn (no log of 0)." if zeros else "")
        )
    else:
        reason = {
            "complex_pair": "the two largest eigenvalues are a complex pair of equal size, so no real line is "
                            "preserved and the angle to “the dominant eigenvector” is undefined",
            "opposite_sign": "+λ and −λ have the same size, so neither component ever wins",
            "tied": "several eigenvalues share the largest size",
            "nilpotent": "every eigenvalue is 0, so the iterate itself reaches 0",
        }[kind]
        st.markdown(f":material/block: **No angle to plot:** {reason}. Below, instead, how far the direction "
                    "turns at each step.")
        theory_deg = s.rotation_deg_per_step if kind == "complex_pair" else None
        turn_label = f"theory |arg λ₁| = {s.rotation_deg_per_step:.3g}°" if kind == "complex_pair" else "theory"
        app.show_chart(_turn_fig(key, form, steps, theory_deg, turn_label),
                      alt_text="Turn of the direction per step")
        app.caption("A settled direction would turn 0° per step. A complex pair r·e^(±iθ) keeps turning "
                          "(by exactly θ for a scaled rotation); ±λ flips between two directions.")

norm_col, rq_col = st.columns(2, gap="large")
with norm_col:
    st.markdown("**How big: ‖Wᵗx‖**")
    app.show_chart(_norm_fig(key, form, steps, "theory ‖x₀‖·|λ₁|ᵗ"), alt_text="Norm of the iterate, log scale")
    peak = (f" It peaks at ×{fmt.fmt_pow10(m.peak_log10_gain)} at step {m.peak_step} although |λ₁| = "
            f"{abs(run.dominant):.3g}: a non-normal transient." if abs(run.dominant) < 1 and m.peak_log10_gain > 0.3
            else "")
    app.caption(f"Dashed slope log10|λ₁| = {s.log_growth_per_step / LN10:.3g} per step; |λ₁| > 1 explodes, "
                      f"< 1 vanishes.{peak}")
with rq_col:
    st.markdown("**Which λ: the Rayleigh quotient xᵀWx / xᵀx**")
    app.show_chart(_rayleigh_fig(key, form, steps, f"Re λ₁ = {run.dominant.real:.4g}"),
                  alt_text="Rayleigh quotient against step")
    if kind == "complex_pair":
        flat = m.rayleigh_high - m.rayleigh_low <= 1e-9 * max(1.0, abs(run.dominant))
        note = ("A real vector cannot produce the complex λ₁: r_t stays real and "
                + (f"sits at Re λ₁ = {run.dominant.real:.4g} (a scaled rotation treats every direction alike)."
                   if flat else f"oscillates between {m.rayleigh_low:.4g} and {m.rayleigh_high:.4g} as the "
                   "direction turns."))
    elif kind == "opposite_sign":
        note = (f"r_t stays at {m.rayleigh_high:.4g}, a weighted average of +λ and −λ, never reaching either.")
    elif kind == "defective":
        note = "r_t creeps toward λ₁ only like 1/t, as slowly as the direction."
    elif kind == "nilpotent":
        note = "The iterate reaches 0, after which there is no Rayleigh quotient to draw."
    else:
        note = ("r_t approaches λ₁; for a symmetric W its error shrinks like |λ₂/λ₁|^(2t), twice as many digits "
                "per step as the direction.")
    app.caption(note)

st.subheader("Where the eigenvalues sit")
# Text, then the square chart at its own size: side by side from about 1280 px, one under the other below.
spectrum = st.container(horizontal=True, gap="medium", vertical_alignment="top")
text_col = spectrum.container(width=SPECTRUM_TEXT_WIDTH)
with spectrum:
    st.vega_lite_chart(_eigen_fig(key, form, steps, f"λ₁ = {_z(run.dominant, pair=kind == 'complex_pair')}"),
                       width="content", alt="Eigenvalues on the complex plane with the unit circle")
with text_col:
    top_vals = ", ".join(_z(z) for z in run.eigenvalues[:4])
    st.markdown(
        f"Largest eigenvalues by size: {top_vals}{', …' if n > 4 else ''}. Their ratio sets the rate: "
        f"|λ₂/λ₁| = {s.ratio:.4g}"
        + (" — a tie, so no single eigenvalue wins" if s.ratio == 1 and kind != "defective" else "")
        + ". Outside the unit circle components explode, inside they vanish; the power method keeps the one on "
        "the largest circle, provided it is alone there."
    )
    if run.v1 is not None and n <= 6:
        side = "left" if form == "row" else "right"
        st.markdown(f"Dominant {side} eigenvector v₁ = ({', '.join(f'{v + 0.0:.4g}' for v in run.v1)}).")
    app.caption("Orange diamond: λ₁. Grey solid circle: |λ| = 1; grey dashed circle: |λ| = |λ₁|. "
                      "Both axes share one scale.")

app.verdict(_verdict(run, steps, kind),
           tone="vanish" if s.log_growth_per_step < 0 else "explode" if s.log_growth_per_step > 0 else "neutral")
st.caption("Sources: Goodfellow, Bengio & Courville, *Deep Learning*, §8.2.5 (Wᵗ = V diag(λ)ᵗ V⁻¹ and the power "
           "method); Golub & Van Loan, *Matrix Computations*, §7.3.1 (convergence rate |λ₂/λ₁|); "
           "Trefethen & Embree, *Spectra and Pseudospectra* (non-normal transients).")
