"""Charts of the cliffs page: arrays in, Altair charts out (no Streamlit).

Heatmaps are rect marks on a log colour scale (viridis: perceptually uniform and
readable with the common colour-vision deficiencies); lines use the Okabe–Ito
palette and a dash pattern per run, so no run is told apart by colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from explorer.chartkit import (
    OKABE_ITO,
    THEORY_DASH,
    base_properties,
    configure,
    finite_rows,
    fit_legend_columns,
    log10_axis,
)
from explorer.sim import CliffGrid, CliffTrajectory, FixedPointCurve

COLOR_SCHEME = "viridis"
RUN_COLORS = {"none": OKABE_ITO["vermillion"], "norm": OKABE_ITO["black"], "value": OKABE_ITO["purple"]}
"""Run colours that stand out on every viridis shade and on white."""
RUN_DASHES = {"none": [1, 0], "norm": [6, 3], "value": [2, 2]}
HEATMAP_HEIGHT = 320


def grid_frame(grid: CliffGrid) -> pd.DataFrame:
    """One row per cell: its centre, E and ‖∇E‖ (the cell edges and the colour floor are computed in the chart)."""
    W, B = np.meshgrid(grid.w, grid.b)
    return pd.DataFrame({"w": W.ravel(), "b": B.ravel(), "E": grid.loss.ravel(), "g": grid.grad_norm.ravel()})


def _half_steps(frame: pd.DataFrame) -> tuple[float, float]:
    w, b = np.unique(frame["w"].to_numpy()), np.unique(frame["b"].to_numpy())
    return (float(w[1] - w[0]) / 2 if w.size > 1 else 0.5), (float(b[1] - b[0]) / 2 if b.size > 1 else 0.5)


def _axes(w_range, b_range):
    return (alt.X("w_lo:Q", title="w (recurrent weight)", scale=alt.Scale(domain=list(w_range), nice=False),
                  axis=alt.Axis(tickCount=7)),
            alt.Y("b_lo:Q", title="b (bias)", scale=alt.Scale(domain=list(b_range), nice=False),
                  axis=alt.Axis(tickCount=7)))


TOOLTIP = [alt.Tooltip("w:Q", format=".3f"), alt.Tooltip("b:Q", format=".3f"),
           alt.Tooltip("E:Q", title="E", format=".3e"), alt.Tooltip("g:Q", title="‖∇E‖", format=".3e")]


def _heatmap(frame: pd.DataFrame, field: str, legend: str, w_range, b_range, floor: float) -> alt.Chart:
    """Rect cells coloured by ``max(field, floor)`` on a log scale (a log scale cannot show 0)."""
    x, y = _axes(w_range, b_range)
    dw, db = _half_steps(frame)
    return alt.Chart(frame).transform_calculate(
        w_lo=f"datum.w - {dw!r}", w_hi=f"datum.w + {dw!r}", b_lo=f"datum.b - {db!r}", b_hi=f"datum.b + {db!r}",
        shade=f"max(datum.{field}, {floor!r})",
    ).mark_rect().encode(
        x=x, x2="w_hi:Q", y=y, y2="b_hi:Q",
        color=alt.Color("shade:Q", title=legend,
                        scale=alt.Scale(type="log", scheme=COLOR_SCHEME),
                        legend=alt.Legend(format=".2~e", orient="right", gradientLength=200)),
        tooltip=TOOLTIP,
    )


def _wall_line(wall_w: np.ndarray, wall_b: np.ndarray) -> alt.Chart:
    df = pd.DataFrame({"w_lo": wall_w, "b_lo": wall_b, "curve": "b = b_c(w)"})
    return alt.Chart(df).mark_line(color="white", strokeDash=THEORY_DASH, strokeWidth=2, clip=True).encode(
        x="w_lo:Q", y="b_lo:Q", tooltip=[alt.Tooltip("curve:N", title="line")])


def landscape_chart(frame: pd.DataFrame, field: str, legend: str, wall_w: np.ndarray, wall_b: np.ndarray,
                    w_range, b_range, floor: float) -> alt.LayerChart:
    """E or ‖∇E‖ over the window, with the wall line b_c(w) dashed (when given)."""
    layers = [_heatmap(frame, field, legend, w_range, b_range, floor)]
    if wall_w.size:
        layers.append(_wall_line(wall_w, wall_b))
    return configure(base_properties(alt.layer(*layers), HEATMAP_HEIGHT))


def path_frame(runs: Mapping[str, CliffTrajectory], labels: Mapping[str, str]) -> pd.DataFrame:
    rows = []
    for key, r in runs.items():
        rows.append(pd.DataFrame({"w_lo": r.w, "b_lo": r.b, "k": np.arange(r.w.size), "E": r.loss,
                                  "g": r.grad_norm, "run": labels[key]}))
    return pd.concat(rows, ignore_index=True)


def _run_scales(labels: Mapping[str, str]):
    keys = list(labels)
    return (alt.Scale(domain=[labels[k] for k in keys], range=[RUN_COLORS[k] for k in keys]),
            alt.Scale(domain=[labels[k] for k in keys], range=[RUN_DASHES[k] for k in keys]))


def trajectory_chart(frame: pd.DataFrame, wall_w: np.ndarray, wall_b: np.ndarray,
                     runs: Mapping[str, CliffTrajectory], labels: Mapping[str, str], jump: int,
                     w_range, b_range, floor: float) -> alt.LayerChart:
    """The three runs drawn over the loss landscape; the unclipped run's longest step is marked."""
    paths = path_frame(runs, labels)
    color, dash = _run_scales(labels)
    path_tip = [alt.Tooltip("run:N"), alt.Tooltip("k:Q", title="iteration"),
                alt.Tooltip("w_lo:Q", title="w", format=".3f"), alt.Tooltip("b_lo:Q", title="b", format=".3f"),
                alt.Tooltip("E:Q", format=".3e"), alt.Tooltip("g:Q", title="‖∇E‖", format=".3e")]
    lines = alt.Chart(paths).mark_line(strokeWidth=2.5, clip=True).encode(
        x="w_lo:Q", y="b_lo:Q", order="k:Q",
        color=alt.Color("run:N", title="Run", scale=color, legend=alt.Legend(orient="bottom")),
        strokeDash=alt.StrokeDash("run:N", title="Run", scale=dash, legend=None),
        tooltip=path_tip)
    r = runs["none"]
    start = pd.DataFrame({"w_lo": [r.w[0]], "b_lo": [r.b[0]], "what": ["start"]})
    jump_df = pd.DataFrame({"w_lo": [r.w[jump]], "b_lo": [r.b[jump]], "what": [f"longest unclipped step ({jump})"]})
    marks = [
        alt.Chart(start).mark_point(shape="circle", size=140, filled=True, color="white", stroke="black",
                                    clip=True).encode(x="w_lo:Q", y="b_lo:Q", tooltip=["what:N"]),
        alt.Chart(jump_df).mark_point(shape="diamond", size=200, filled=False, color="white", strokeWidth=2.5,
                                      clip=True).encode(x="w_lo:Q", y="b_lo:Q", tooltip=["what:N"]),
    ]
    layers = [_heatmap(frame, "E", "E (loss)", w_range, b_range, floor)]
    if wall_w.size:
        layers.append(_wall_line(wall_w, wall_b))
    chart = alt.layer(*layers, lines, *marks).resolve_scale(color="independent")
    return configure(base_properties(chart, HEATMAP_HEIGHT + 40))


def loss_chart(runs: Mapping[str, CliffTrajectory], labels: Mapping[str, str], jump: int) -> alt.LayerChart:
    """log10 E against iteration for each run, the unclipped run's longest step marked by a rule."""
    rows = [pd.DataFrame({"k": np.arange(r.loss.size), "log10_E": np.log10(np.maximum(r.loss, 1e-300)),
                          "E": r.loss, "run": labels[key]}) for key, r in runs.items()]
    df = finite_rows(pd.concat(rows, ignore_index=True), ["log10_E"])
    color, dash = _run_scales(labels)
    lines = alt.Chart(df).mark_line(strokeWidth=2.5).encode(
        x=alt.X("k:Q", title="iteration"),
        y=alt.Y("log10_E:Q", axis=log10_axis("E (loss)")),
        color=alt.Color("run:N", title="Run", scale=color),
        strokeDash=alt.StrokeDash("run:N", title="Run", scale=dash),
        tooltip=[alt.Tooltip("run:N"), alt.Tooltip("k:Q", title="iteration"), alt.Tooltip("E:Q", format=".3e")])
    rule = alt.Chart(pd.DataFrame({"k": [jump + 1], "what": ["after the longest unclipped step"]})).mark_rule(
        color=OKABE_ITO["grey"], strokeDash=THEORY_DASH).encode(x="k:Q", tooltip=["what:N", "k:Q"])
    return configure(base_properties(alt.layer(lines, rule), 260))


def slice_chart(b: np.ndarray, loss: np.ndarray, grad_norm: np.ndarray, b_c: float | None) -> alt.LayerChart:
    """E and ‖∇E‖ along b at one w (log10 axis), with b_c marked."""
    df = pd.concat([
        pd.DataFrame({"b": b, "value": loss, "quantity": "E"}),
        pd.DataFrame({"b": b, "value": grad_norm, "quantity": "‖∇E‖"}),
    ], ignore_index=True)
    df["log10_value"] = np.log10(np.maximum(df["value"].to_numpy(), 1e-300))
    df = finite_rows(df, ["log10_value"])
    scale = alt.Scale(domain=["E", "‖∇E‖"], range=[OKABE_ITO["blue"], OKABE_ITO["vermillion"]])
    lines = alt.Chart(df).mark_line(strokeWidth=2).encode(
        x=alt.X("b:Q", title="b (bias)", scale=alt.Scale(nice=False)),
        y=alt.Y("log10_value:Q", axis=log10_axis("E and ‖∇E‖")),
        color=alt.Color("quantity:N", title=None, scale=scale),
        strokeDash=alt.StrokeDash("quantity:N", title=None,
                                  scale=alt.Scale(domain=["E", "‖∇E‖"], range=[[1, 0], [5, 2]])),
        tooltip=[alt.Tooltip("b:Q", format=".5f"), alt.Tooltip("quantity:N"),
                 alt.Tooltip("value:Q", format=".3e")])
    layers = [lines]
    if b_c is not None:
        layers.append(alt.Chart(pd.DataFrame({"b": [b_c], "what": ["b_c"]})).mark_rule(
            color=OKABE_ITO["black"], strokeDash=THEORY_DASH).encode(
            x="b:Q", tooltip=["what:N", alt.Tooltip("b:Q", format=".5f")]))
    return configure(base_properties(alt.layer(*layers), 280))


def bifurcation_chart(curve: FixedPointCurve, b: np.ndarray, x_final: np.ndarray, b_c: float | None,
                      x0: float) -> alt.LayerChart:
    """Fixed points of x ↦ wσ(x) + b against b (solid stable, dashed unstable), x_T of the slice as dots."""
    lo, hi = float(b.min()), float(b.max())
    keep = (curve.b >= lo) & (curve.b <= hi)
    stability = np.where(curve.stable, "stable fixed point", "unstable fixed point")
    branches = pd.DataFrame({"b": curve.b, "x": curve.x, "branch": curve.branch, "kind": stability,
                             "multiplier": curve.multiplier})[keep]
    kinds = ["stable fixed point", "unstable fixed point"]
    x_lo = float(min(branches["x"].min() if len(branches) else -1.0, np.min(x_final)))
    x_hi = float(max(branches["x"].max() if len(branches) else 1.0, np.max(x_final)))
    y = alt.Y("x:Q", title="x (fixed point, or x_T)", scale=alt.Scale(domain=[x_lo - 0.5, x_hi + 0.5], nice=False))
    lines = alt.Chart(branches).mark_line(strokeWidth=2.5, color=OKABE_ITO["black"]).encode(
        x=alt.X("b:Q", title="b (bias)", scale=alt.Scale(domain=[lo, hi], nice=False)), y=y,
        detail="branch:N", order="x:Q",
        strokeDash=alt.StrokeDash("kind:N", title=None, scale=alt.Scale(domain=kinds, range=[[1, 0], [6, 4]]),
                                  legend=alt.Legend(columns=fit_legend_columns(kinds, (0, 1)))),
        tooltip=[alt.Tooltip("kind:N"), alt.Tooltip("b:Q", format=".4f"), alt.Tooltip("x:Q", format=".4f"),
                 alt.Tooltip("multiplier:Q", title="w σ′(x)", format=".3f")])
    step = max(1, b.size // 120)
    dots = pd.DataFrame({"b": b[::step], "x": x_final[::step], "what": "x_T of the slice"})
    points = alt.Chart(dots).mark_circle(size=16, color=OKABE_ITO["orange"], opacity=0.8).encode(
        x="b:Q", y="x:Q", tooltip=[alt.Tooltip("what:N"), alt.Tooltip("b:Q", format=".4f"),
                                   alt.Tooltip("x:Q", title="x_T", format=".4f")])
    start = alt.Chart(pd.DataFrame({"x": [x0], "what": ["start x_0"]})).mark_rule(
        color=OKABE_ITO["grey"], strokeDash=[2, 2]).encode(y="x:Q", tooltip=["what:N"])
    layers = [points, start, lines]  # the branches on top of the dots that sit on them
    if b_c is not None:
        layers.append(alt.Chart(pd.DataFrame({"b": [b_c], "what": ["b_c"]})).mark_rule(
            color=OKABE_ITO["black"], strokeDash=THEORY_DASH).encode(x="b:Q", tooltip=["what:N"]))
    return configure(base_properties(alt.layer(*layers), 280))
