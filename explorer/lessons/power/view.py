"""Power method on Wᵗ: repeated multiplication keeps only the dominant eigen-direction."""

import streamlit as st

from explorer import app
from explorer.lessons.power import charts, snippets
from explorer.lessons.power import reading as rd
from explorer.lessons.power.scenarios import DEFAULT_CUSTOM_MATRIX, MATRICES

MAX_STEPS = 4000  # above every scenario, so a scenario never sits at the end of the slider
MAX_N = 256
CUSTOM_MAX_CHARS = 3000
LAST_GOOD = "_pm_last_good_matrix"
FORMS = {"column": "Wᵗx (column)", "row": "xᵀWᵗ (row)"}
# Widths in px of controls and text boxes in the wrapping rows, chosen so that a row fits on one line at
# 1280 px with the sidebar open (about 800 px of content) and wraps cleanly at 1024 px (about 560 px).
MATRIX_SELECT_WIDTH, SLIDER_WIDTH, SEED_WIDTH = 280, 170, 110
SIDE_TEXT_WIDTH, SPECTRUM_TEXT_WIDTH = 300, 360  # beside the plane picture, beside the eigenvalue plot

matrix_of, plane_result = app.cached(rd.matrix_of), app.cached(rd.plane_result)
convergence_result = app.cached(rd.convergence_result, heavy=rd.is_heavy)
spectrum_result = app.cached(rd.spectrum_result)


@app.cached_chart
def plane_chart(s: rd.MatrixSettings, t: int):
    return charts.plane_step_chart(plane_result(s), t)


@app.cached_chart
def convergence_chart(s: rd.MatrixSettings, steps: int, which: str):
    return charts.convergence_chart(convergence_result(s, steps), which)


@app.cached_chart
def eigenvalue_chart(s: rd.MatrixSettings):
    r = spectrum_result(s)
    return charts.eigenvalue_chart(r.eigenvalues, dominant_label=rd.dominant_label(r))


c = app.start_page(
    "power",
    "A recurrent network multiplies its back-propagated signal by the same matrix at every time step. "
    "If W = V diag(λ) V⁻¹ then Wᵗ = V diag(λ)ᵗ V⁻¹: every eigen-component is scaled by λᵢᵗ, so after enough "
    "steps only the component along the eigenvector of largest |λ| is left — the power method of numerical "
    "analysis. This page runs it, predicts the rate |λ₂/λ₁| from the spectrum, and checks the prediction.",
)
# Page-wide: the matrix and the form drive every figure. Every one of these controls exists on every run,
# so a scenario's values always reach the address bar. Rows wrap instead of squeezing at 1024 px.
top = st.container(horizontal=True, gap="medium", vertical_alignment="top")
with top.container():
    c.scenario_picker()
matrix = c.select("matrix", "Matrix W", tuple(MATRICES), "distinct", format_func=rd.picker_label,
                  container=top.container(width=MATRIX_SELECT_WIDTH), help="Each preset isolates one behaviour of Wᵗx.")
form = c.segmented("form", "Multiply", tuple(FORMS), "column", format_func=FORMS.__getitem__, container=top,
                   help="Column form Wᵗx finds the right eigenvector; row form xᵀWᵗ (a gradient's form) the left one.")
row = st.container(horizontal=True, gap="medium", vertical_alignment="top")
n_random = c.slider("n", "Random W: size n", 2, MAX_N, 50, 1, container=row.container(width=SLIDER_WIDTH),
                    help="Used only by the random matrix.")
gain = c.slider("g", "Random W: gain g", 0.5, 1.5, 1.0, 0.05, container=row.container(width=SLIDER_WIDTH),
                help="Used only by the random matrix: entries ~ N(0, g²/n), so the eigenvalues fill a disc of "
                     "radius about g (circular law).")
seed = c.number("seed", "Seed", 0, 10_000, 0, 1, container=row.container(width=SEED_WIDTH),
                help="Seeds the random matrix and the start vector of a custom matrix: same seed, same numbers.")
custom_box = row.container()
text = c.text_area("custom", f"Custom W (up to {rd.CUSTOM_MAX_N} × {rd.CUSTOM_MAX_N})", DEFAULT_CUSTOM_MATRIX,
                   max_chars=CUSTOM_MAX_CHARS, container=custom_box, height=90,
                   help="Used when the matrix is Custom. Rows on separate lines or split by ';', entries by spaces "
                        "or commas; [[1, 2], [3, 4]] and [1 2; 3 4] also work. Nothing is evaluated.")
typed = rd.read_typed(text, st.session_state.get(LAST_GOOD, rd.DEFAULT_ROWS))
st.session_state[LAST_GOOD] = typed.rows
if typed.problem and matrix == "custom":
    custom_box.error(typed.problem, icon=":material/error:")
settings = rd.MatrixSettings.of(matrix, form, n=n_random, gain=gain, seed=seed, rows=typed.rows)

about = rd.describe_matrix(settings, matrix_of(settings))
desc, info = st.columns([2, 3], gap="large") if about.side_by_side else (st.container(), st.container())
for equation in about.latex:
    desc.latex(equation)
if about.code:
    desc.code(about.code, language=None)
if about.plain:
    desc.markdown(about.plain)
info.markdown(f"**{about.title}.** {about.teaching}")
info.markdown(about.form_text)


@app.figure(c, "plane", rd.PLANE_TITLE, snippet=snippets.plane)
def plane_figure(s: rd.MatrixSettings) -> None:
    def frame(t: int) -> None:
        # Square picture at its own size (circles round, angles true); the text beside it, or below on a narrow screen.
        pair = st.container(horizontal=True, gap="medium", vertical_alignment="top")
        with pair:
            app.show_chart(plane_chart(s, t), width="content",
                           alt_text="Unit circle, its image, eigenvector lines and iterates")
        with pair.container(width=SIDE_TEXT_WIDTH):
            st.markdown(rd.plane_step_text(plane_result(s).state(t)))
            app.caption(rd.PLANE_CAPTION)

    app.animated_step(c, "t", "Step t", rd.PLANE_STEPS, 6, frame, help="Press Play to step forward automatically.")


@app.figure(c, "convergence", rd.CONVERGENCE_TITLE, snippet=snippets.convergence)
def convergence_figure(s: rd.MatrixSettings) -> None:
    left, right = st.columns([1, 3], gap="large")
    steps = c.slider("steps", "Steps", 10, MAX_STEPS, 60, 10, container=left,
                     help=f"Number of multiplications by W (at most {MAX_STEPS}).")
    with app.heavy(rd.is_heavy(s, steps), "Running the power method…"):
        r = convergence_result(s, steps)
    # The table sits under the chart with its note beside it: beside the chart it was cut off below 1400 px.
    table = st.container(horizontal=True, gap="medium", vertical_alignment="top")
    table.container(width="content").markdown(rd.convergence_table(r))
    table.container().caption(rd.TABLE_NOTE)
    plot = rd.direction_plot(r)
    with right:
        if plot.reason:
            st.markdown(f":material/block: {rd.no_angle_text(plot)}")
        app.show_chart(convergence_chart(s, steps, "direction"), alt_text="Angle to the dominant eigenvector, log scale"
                       if plot.chart == "angle" else "Turn of the direction per step")
        app.caption(plot.caption)
    norm_col, rq_col = st.columns(2, gap="large")
    with norm_col:
        st.markdown("**How big: ‖Wᵗx‖**")
        app.show_chart(convergence_chart(s, steps, "norm"), alt_text="Norm of the iterate, log scale")
        app.caption(rd.norm_caption(r))
    with rq_col:
        st.markdown("**Which λ: the Rayleigh quotient xᵀWx / xᵀx**")
        app.show_chart(convergence_chart(s, steps, "rayleigh"), alt_text="Rayleigh quotient against step")
        app.caption(rd.rayleigh_caption(r))
    app.verdict(rd.convergence_verdict(r))


@app.figure(c, "spectrum", rd.SPECTRUM_TITLE, snippet=snippets.spectrum)
def spectrum_figure(s: rd.MatrixSettings) -> None:
    r = spectrum_result(s)
    # Text, then the square chart at its own size: side by side from about 1280 px, one under the other below.
    row = st.container(horizontal=True, gap="medium", vertical_alignment="top")
    text_col = row.container(width=SPECTRUM_TEXT_WIDTH)
    with row:
        app.show_chart(eigenvalue_chart(s), width="content",
                       alt_text="Eigenvalues on the complex plane with the unit circle")
    text_col.markdown(rd.spectrum_text(r))
    if (v1 := rd.eigenvector_text(r)) is not None:
        text_col.markdown(v1)
    with text_col:
        app.caption(rd.SPECTRUM_CAPTION)


if about.n == 2:
    plane_figure(settings)
else:
    st.caption(f":material/info: {rd.no_plane_text(about.n)}")
convergence_figure(settings)
spectrum_figure(settings)
st.caption("Sources: Goodfellow, Bengio & Courville, *Deep Learning*, §8.2.5 (Wᵗ = V diag(λ)ᵗ V⁻¹ and the power "
           "method); Golub & Van Loan, *Matrix Computations*, §7.3.1 (convergence rate |λ₂/λ₁|); "
           "Trefethen & Embree, *Spectra and Pseudospectra* (non-normal transients).")
