"""Eigenvalues: explode or decay — diag(λ)ᵗ, and where non-normal matrices and Jordan blocks break the story."""

import streamlit as st

from explorer import app
from explorer.lessons.eigenvalues import charts, controls, snippets
from explorer.lessons.eigenvalues import reading as rd

# Beside each other from about 1280 px with the sidebar open, one under the other below.
PLANE_BOX_WIDTH, TABLE_BOX_WIDTH = 400, 370

measure = app.cached(rd.measure)


@app.cached_chart
def plane_chart(s: rd.PageSettings):
    return charts.plane_chart_of(measure(s), rd.plane_annotation(s.matrix))


@app.cached_chart
def growth_chart(s: rd.PageSettings):
    return charts.growth_chart_of(measure(s))


@app.cached_chart
def gelfand_chart(s: rd.PageSettings, probe: int):
    return charts.gelfand_chart_of(measure(s), probe)


@app.cached_chart
def mode_chart(s: rd.PageSettings, decades: int):
    return charts.mode_chart_of(measure(s), decades)


@app.cached_chart
def gradient_chart(s: rd.PageSettings):
    return charts.gradient_chart_of(measure(s))


c = app.start_page("eigenvalues", rd.INTRO)
# Page-wide: W and the number of steps drive every figure.
source, seed, steps = controls.top_controls(c)
matrix = controls.matrix_controls(c, source, seed)
settings = rd.PageSettings.of(matrix.settings, steps)
app.cap_note(rd.cap_text(settings))
with app.heavy(settings.heavy, "Multiplying by W…"):
    run = measure(settings)
if source == "modes":
    matrix.cond_slot.caption(rd.cond_caption(run))
if not rd.has_modal_picture(run):  # nothing for the depth to cut: it waits with the unused settings
    controls.decades_control(c, matrix.spare)


@app.figure(c, "spectrum", "Where the eigenvalues sit: outside the unit circle explodes, inside vanishes",
            snippet=snippets.spectrum)
def spectrum_figure(s: rd.PageSettings) -> None:
    m = measure(s)
    # The square eigenvalue plot at its own size (circles stay round) and the table beside it, or under it.
    row = st.container(horizontal=True, gap="small", vertical_alignment="top")
    with row.container(width=PLANE_BOX_WIDTH):
        app.show_chart(plane_chart(s), width="content", alt_text="Eigenvalues of W, complex plane")
        app.caption(rd.plane_caption(m.source))
    with row.container(width=TABLE_BOX_WIDTH):
        st.markdown(rd.spectrum_line(m))
        st.table(rd.half_life_table(m).columns())  # a static table wraps its cells; a data grid would scroll
        st.caption(rd.half_life_note(m.source))


@app.figure(c, "growth", "How big Wᵗ gets: ρ(W)ᵗ sets the rate, ‖W‖ᵗ bounds it, non-normal W departs on the way",
            snippet=snippets.growth)
def growth_figure(s: rd.PageSettings) -> None:
    m = measure(s)
    left, right = st.columns([1.5, 3], gap="medium")  # the table on the left needs about 170 px at 1024 px
    left.markdown(rd.growth_table(m))
    with right:
        app.show_chart(growth_chart(s), alt_text=rd.growth_alt(s.matrix))
        app.caption(rd.growth_caption(m))
    app.verdict(rd.growth_verdict(m))


@app.figure(c, "rate", "In the long run the size changes by ρ(W) per step, however large the transient",
            snippet=snippets.rate)
def rate_figure(s: rd.PageSettings) -> None:
    left, right = st.columns([1, 2], gap="medium")
    probe = rd.rate_probe(measure(s), controls.probe_control(c, s.steps, left))
    right.markdown(rd.probe_text(probe))
    app.show_chart(gelfand_chart(s, probe.step), alt_text=rd.gelfand_alt(s.matrix))
    app.caption(rd.gelfand_caption(s.matrix))


@app.figure(c, "modes", "Each eigen-direction's share of Wᵗx: the flattest line wins",
            snippet=snippets.modes)
def modes_figure(s: rd.PageSettings) -> None:
    m = measure(s)
    if m.modes is None:
        st.caption(f":material/scatter_plot: {rd.modes_absent_text(m)}")
        return
    if not rd.has_modal_picture(m):
        st.warning(rd.modes_unreliable_text(m), icon=":material/warning:")
        return
    decades = controls.decades_control(c, st.container(width=360))
    left, right = st.columns([1.7, 1], gap="large")
    with left:
        app.show_chart(mode_chart(s, decades), alt_text="Size of each eigen-mode of Wᵗx, log scale")
    with right:
        st.latex(r"W^t x = \sum_i c_i\,\lambda_i^t\,v_i")
        st.markdown(rd.modes_text(m))
    app.caption(rd.modes_caption(decades))


@app.figure(c, "gradient", "The gradient meets the same eigenvalues: (Wᵀ)ᵗ explodes or vanishes with Wᵗ",
            snippet=snippets.gradient)
def gradient_figure(s: rd.PageSettings) -> None:
    m = measure(s)
    left, right = st.columns([1.3, 2], gap="large")
    with left:
        st.latex(rd.GRADIENT_LATEX)
        st.markdown(rd.gradient_text(m))
    with right:
        app.show_chart(gradient_chart(s), alt_text="Norm of the back-propagated gradient, log scale")
        app.caption(rd.gradient_caption(m.source))


spectrum_figure(settings)
growth_figure(settings)
rate_figure(settings)
modes_figure(settings)
gradient_figure(settings)
st.caption(rd.SOURCES_TEXT)
