"""Cliffs in the loss landscape and gradient clipping (Pascanu et al. 2013, Fig. 6)."""

import streamlit as st

from explorer import app
from explorer.lessons.cliffs import charts, snippets
from explorer.lessons.cliffs import reading as rd
from explorer.lessons.cliffs.scenarios import DEFAULTS as D

_landscape, _slice, _training = app.cached(rd.landscape), app.cached(rd.wall_slice), app.cached(rd.training)
_path_landscape = app.cached(rd.path_landscape)


@app.cached
def _frame(s: rd.LandscapeSettings):
    return charts.grid_frame(_landscape(s).grid)


@app.cached_chart
def landscape_chart(s: rd.LandscapeSettings, field: str):
    r = _landscape(s)
    legend = "E (loss)" if field == "E" else "‖∇E‖"
    wall_w, wall_b = (r.wall_w, r.wall_b) if field == "E" else (r.wall_w[:0], r.wall_b[:0])  # keep the ridge bare
    return charts.landscape_chart(_frame(s), field, legend, wall_w, wall_b, s.w_range, s.b_range, rd.COLOR_FLOOR)


@app.cached_chart
def trajectory_chart(t: rd.TrainSettings, p: rd.PathWindowSettings):
    tr, r = _training(t), _path_landscape(p)
    return charts.trajectory_chart(charts.grid_frame(r.grid), r.wall_w, r.wall_b, tr.runs, rd.RUN_LABELS, tr.jump,
                                   p.w_range, p.b_range, rd.COLOR_FLOOR)


@app.cached_chart
def loss_chart(t: rd.TrainSettings):
    tr = _training(t)
    return charts.loss_chart(tr.runs, rd.RUN_LABELS, tr.jump)


@app.cached_chart
def slice_chart(s: rd.SliceSettings):
    r = _slice(s)
    return charts.slice_chart(r.b, r.loss, r.grad_norm, r.wall.b_c if r.wall.is_wall else None)


@app.cached_chart
def bifurcation_chart(s: rd.SliceSettings):
    r = _slice(s)
    return charts.bifurcation_chart(r.curve, r.b, r.x_final, r.wall.b_c if r.wall.is_wall else None, rd.X0)


c = app.start_page("cliffs", rd.INTRO)
st.latex(rd.MODEL)
top = st.columns([2, 2, 1.4], gap="medium", vertical_alignment="top")
with top[0]:
    c.scenario_picker()
window = c.segmented("window", "Landscape window", tuple(rd.WINDOWS), D["window"],
                     format_func=rd.WINDOW_LABELS.__getitem__, container=top[1], help=rd.WINDOW_HELP)
n = c.slider("n", "Grid points per axis", rd.GRID_MIN, rd.GRID_MAX, D["n"], 10, container=top[2],
             help=f"Resolution of the landscape (at most {rd.GRID_MAX} × {rd.GRID_MAX}); each cell runs 50 steps.")
land = rd.LandscapeSettings(window, int(n))


@app.figure(c, "landscape", "The loss has a wall: flat on both sides, a thin ridge of huge gradients between",
            snippet=snippets.landscape)
def landscape_figure(s: rd.LandscapeSettings) -> None:
    with app.heavy(s.heavy, "Computing the landscape…"):
        r = _landscape(s)
    left, right = st.columns(2, gap="medium")
    with left:
        app.show_chart(landscape_chart(s, "E"), alt_text="Heatmap of the loss over w and b, log colour scale")
    with right:
        app.show_chart(landscape_chart(s, "g"), alt_text="Heatmap of the gradient norm over w and b, log colour")
    app.caption(rd.landscape_caption(r))
    app.verdict(rd.landscape_verdict(r))


@app.figure(c, "wall", "Across the wall E jumps, because x₀ sits on an unstable fixed point",
            snippet=snippets.wall)
def wall_figure(window: str) -> None:
    w = c.slider("sw", "w of the slice", rd.W_LIMITS[0], rd.W_LIMITS[1], D["sw"], 0.05,
                 container=st.container(width=360), help="The wall exists where w σ′(0.5) > 1, i.e. w > 4.26.")
    s = rd.SliceSettings(float(w), window)
    r = _slice(s)
    for equation in rd.WALL_LATEX:  # one under the other: side by side they overflow at 1024 px
        st.latex(equation)
    numbers = st.container(horizontal=True, gap="medium")  # wraps on a narrow screen instead of cutting values
    for label, value in rd.slice_metrics(r):
        numbers.metric(label, value, width="content")
    left, right = st.columns(2, gap="medium")
    with left:
        app.show_chart(slice_chart(s), alt_text="Loss and gradient norm along b at fixed w")
    with right:
        app.show_chart(bifurcation_chart(s), alt_text="Fixed points of the map against b, with x_T of the slice")
    app.caption(rd.slice_caption(r))
    st.markdown(rd.JACOBIAN_LINK)
    app.verdict(rd.slice_verdict(r))


@app.figure(c, "train", "Training: on the wall one unclipped step throws (w, b) away; clipping bounds it",
            snippet=snippets.train)
def train_figure() -> None:
    st.latex(rd.CLIP_LATEX)
    row = st.columns(5, gap="small")
    w0 = c.number("w0", "Start w", -10.0, 20.0, D["w0"], 0.01, fmt="%.4f", container=row[0])
    b0 = c.number("b0", "Start b", -20.0, 10.0, D["b0"], 0.01, fmt="%.4f", container=row[1])
    tau = c.number("tau", "Threshold τ", 1e-4, 100.0, D["tau"], 0.1, fmt="%.4g", container=row[2],
                   help="Norm clipping rescales g to length τ; value clipping cuts each entry to ±τ.")
    lr = c.slider("lr", "Learning rate η", 0.005, 0.5, D["lr"], 0.005, container=row[3])
    iters = c.slider("iters", "Iterations", 10, 400, D["iters"], 10, container=row[4])
    t = rd.TrainSettings(float(w0), float(b0), float(lr), int(iters), float(tau))
    tr = _training(t)
    p = rd.path_window(tr)
    app.show_chart(trajectory_chart(t, p), alt_text="Three gradient-descent paths over the loss landscape")
    st.caption(rd.path_note(tr, p))
    app.show_chart(loss_chart(t), alt_text="Loss against iteration for the three runs, log scale")
    app.caption(rd.training_caption(tr))
    st.markdown(rd.heuristic_text(tr))
    app.verdict(rd.training_verdict(tr))


landscape_figure(land)
wall_figure(window)
train_figure()
st.caption(rd.SOURCES)
