"""Charts for the activation-derivatives page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from explorer.chartkit import (
    ACCENT,
    ACTIVATION_LABELS,
    MEASURED,
    THEORY,
    THEORY_DASH,
    activation_scale,
    base_properties,
    configure,
    finite_rows,
    fit_legend_columns,
    legend_width,
    log10_axis,
)
from explorer.sim import Activation, DepthFactors, DerivativeHistogram, TanhSigmoidRelation

_COLOR_TITLE = "Activation"
_LEGEND_GAP = 25
"""Pixels between two legends side by side under a chart."""
DEPTH_CHART_HEIGHT = 260
"""Plot height of the depth chart; its legends go below it (see :func:`plot_height`)."""
HISTOGRAM_HEIGHT = 220
TANH_HEIGHT = 220
AXIS_TITLE_PX = 14
"""Axis title font size set by :func:`explorer.chartkit.configure`."""


def plot_height(chart, height: int):
    """Full width, and ``height`` for the plot itself: legends and axes are added around it.

    Streamlit's default autosize (``fit``) squeezes legends into the given height, so a
    chart with legends under it kept a plot too short for its y-axis title, which was cut
    off at every width. ``fit-x`` fits only the width.
    """
    return chart.properties(height=height, width="container",
                            autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def curves_frame(x: np.ndarray, acts: Sequence[Activation]) -> pd.DataFrame:
    """Long frame with columns x, f, df, activation for each activation."""
    frames = [
        pd.DataFrame({"x": x, "f": a.f(x), "df": a.df(x), "activation": ACTIVATION_LABELS[a.name]})
        for a in acts
    ]
    return finite_rows(pd.concat(frames, ignore_index=True), ["x", "f", "df"])


def _color(names: Sequence[str], *, reserve: float = 0.0) -> alt.Color:
    """Fixed colour per activation; the legend wraps into columns when the chart is narrow."""
    labels = [ACTIVATION_LABELS[n] for n in names]
    legend = alt.Legend(columns=fit_legend_columns(labels, (0, 3, 2, 1), reserve=reserve))
    return alt.Color("activation:N", scale=activation_scale(names), title=_COLOR_TITLE, legend=legend)


def function_chart(x: np.ndarray, acts: Sequence[Activation]) -> alt.Chart:
    """``f(x)`` for each activation."""
    df = curves_frame(x, acts)
    names = [a.name for a in acts]
    chart = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("x:Q", title="pre-activation x"),
            y=alt.Y("f:Q", title="f(x)"),
            color=_color(names),
            tooltip=[alt.Tooltip("activation:N"), alt.Tooltip("x:Q", format=".3f"),
                     alt.Tooltip("f:Q", title="f(x)", format=".4g")],
        )
    )
    return configure(base_properties(chart))


def derivative_chart(x: np.ndarray, acts: Sequence[Activation], threshold: float) -> alt.LayerChart:
    """``f'(x)`` with ``gamma = sup|f'|`` marked and the saturation threshold drawn."""
    df = curves_frame(x, acts)
    names = [a.name for a in acts]
    lines = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("x:Q", title="pre-activation x"),
            y=alt.Y("df:Q", title="f′(x)"),
            color=_color(names),
            tooltip=[alt.Tooltip("activation:N"), alt.Tooltip("x:Q", format=".3f"),
                     alt.Tooltip("df:Q", title="f′(x)", format=".4g")],
        )
    )
    lo, hi = float(np.min(x)), float(np.max(x))
    gamma_df = pd.DataFrame(
        {
            "x": [min(max(a.gamma_at, lo), hi) for a in acts],
            "gamma": [a.gamma for a in acts],
            "activation": [ACTIVATION_LABELS[a.name] for a in acts],
            "label": [f"γ = {a.gamma:.3g}" for a in acts],
        }
    )
    gamma_points = (
        alt.Chart(gamma_df)
        .mark_point(size=120, filled=True, shape="diamond", stroke="white", strokeWidth=1)
        .encode(
            x="x:Q", y="gamma:Q", color=_color(names),
            tooltip=[alt.Tooltip("activation:N"), alt.Tooltip("gamma:Q", title="γ = sup|f′|", format=".6g")],
        )
    )
    # Equal γ at different x (tanh at 0, ReLU at 1): the leftmost label goes on the left of its diamond,
    # so two "γ = 1" never run into each other however narrow the chart is.
    first_x = gamma_df.groupby("label")["x"].transform("min")
    shared = gamma_df.groupby("label")["x"].transform("nunique") > 1
    on_left = shared & (gamma_df["x"] == first_x)
    gamma_text = [
        alt.Chart(gamma_df[mask])
        .mark_text(align=align, dx=dx, dy=-8, fontSize=13, fontWeight="bold")
        .encode(x="x:Q", y="gamma:Q", text="label:N", color=_color(names))
        for mask, align, dx in ((~on_left, "left", 8), (on_left, "right", -8))
        if mask.any()
    ]
    rule = (
        alt.Chart(pd.DataFrame({"threshold": [threshold], "label": [f"saturation threshold {threshold:g}"]}))
        .mark_rule(strokeDash=THEORY_DASH, color=THEORY, opacity=0.6)
        .encode(y="threshold:Q", tooltip=[alt.Tooltip("label:N", title="rule")])
    )
    return configure(base_properties(alt.layer(lines, rule, gamma_points, *gamma_text)))


def saturation_strip(
    intervals: Mapping[str, Sequence[tuple[float, float]]], x_range: tuple[float, float], threshold: float
) -> alt.Chart:
    """One row per activation, bars where ``|f'| < threshold``."""
    rows = [
        {"activation": ACTIVATION_LABELS[name], "start": a, "end": b, "width": b - a}
        for name, spans in intervals.items()
        for a, b in spans
    ]
    names = list(intervals)
    df = pd.DataFrame(rows, columns=["activation", "start", "end", "width"])
    chart = (
        alt.Chart(df)
        .mark_bar(height=14, opacity=0.85)
        .encode(
            x=alt.X("start:Q", title=f"where |f′(x)| < {threshold:g} (saturated)",
                    scale=alt.Scale(domain=list(x_range), nice=False)),
            x2="end:Q",
            y=alt.Y("activation:N", title=None, sort=[ACTIVATION_LABELS[n] for n in names],
                    scale=alt.Scale(domain=[ACTIVATION_LABELS[n] for n in names]),
                    axis=alt.Axis(labelOverlap=False)),
            color=alt.Color("activation:N", scale=activation_scale(names), legend=None),
            tooltip=[alt.Tooltip("activation:N"), alt.Tooltip("start:Q", format=".2f"),
                     alt.Tooltip("end:Q", format=".2f"), alt.Tooltip("width:Q", title="length", format=".2f")],
        )
    )
    return configure(base_properties(chart, height=30 + 34 * len(names)))


def histogram_frame(hists: Mapping[str, DerivativeHistogram]) -> pd.DataFrame:
    rows = []
    for name, h in hists.items():
        for lo, hi, frac in zip(h.edges[:-1], h.edges[1:], h.fraction, strict=True):
            rows.append({"activation": ACTIVATION_LABELS[name], "bin_start": lo, "bin_end": hi, "fraction": frac})
    return finite_rows(pd.DataFrame(rows), ["bin_start", "bin_end", "fraction"])


HISTOGRAM_Y_TITLE = "fraction of samples (√ scale)"


def histogram_chart(hists: Mapping[str, DerivativeHistogram], expected: Mapping[str, float]) -> alt.LayerChart:
    """Sampled distribution of ``f'(z)`` with the quadrature mean as a dashed rule."""
    names = list(hists)
    df = histogram_frame(hists)
    bars = (
        alt.Chart(df)
        .mark_bar(opacity=0.55, binSpacing=0)
        .encode(
            x=alt.X("bin_start:Q", title="f′(z) for sampled z", bin="binned"),
            x2="bin_end:Q",
            y=alt.Y("fraction:Q", title=HISTOGRAM_Y_TITLE, stack=None,
                    scale=alt.Scale(type="sqrt")),
            color=_color(names),
            tooltip=[alt.Tooltip("activation:N"), alt.Tooltip("bin_start:Q", title="from", format=".3f"),
                     alt.Tooltip("bin_end:Q", title="to", format=".3f"),
                     alt.Tooltip("fraction:Q", format=".1%")],
        )
    )
    means = pd.DataFrame(
        {
            "activation": [ACTIVATION_LABELS[n] for n in names],
            "quadrature": [expected[n] for n in names],
            "sampled": [hists[n].sample_mean for n in names],
        }
    )
    rules = (
        alt.Chart(means)
        .mark_rule(strokeDash=THEORY_DASH, strokeWidth=2.5)
        .encode(
            x="quadrature:Q", color=_color(names),
            tooltip=[alt.Tooltip("activation:N"),
                     alt.Tooltip("quadrature:Q", title="E[f′] by quadrature", format=".6f"),
                     alt.Tooltip("sampled:Q", title="sample mean", format=".6f")],
        )
    )
    return configure(plot_height(alt.layer(bars, rules), HISTOGRAM_HEIGHT))


_DEPTH_QUANTITIES = {
    "log10_gamma_pow": "γ^L (worst case)",
    "log10_mean_pow": "E[f′]^L (expected)",
    "log10_rms_pow": "√E[f′²]^L (RMS)",
}


def depth_frame(factors: Mapping[str, DepthFactors]) -> pd.DataFrame:
    frames = []
    for name, d in factors.items():
        for field, label in _DEPTH_QUANTITIES.items():
            frames.append(pd.DataFrame({
                "depth": d.depth, "log10_factor": getattr(d, field),
                "activation": ACTIVATION_LABELS[name], "quantity": label,
            }))
    return finite_rows(pd.concat(frames, ignore_index=True), ["depth", "log10_factor"])


DEPTH_Y_TITLE = "product of factors (log scale)"


def depth_chart(factors: Mapping[str, DepthFactors], threshold: float) -> alt.LayerChart:
    """Products of per-layer factors against depth, in log10, with the threshold line."""
    names = list(factors)
    df = depth_frame(factors)
    # Two legends share the row under the plot: the factors stack into a column first, then the activations.
    quantities = list(_DEPTH_QUANTITIES.values())
    activations_row = legend_width([ACTIVATION_LABELS[n] for n in names]) + _LEGEND_GAP
    lines = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("depth:Q", title="depth L (layers or time steps)"),
            y=alt.Y("log10_factor:Q", axis=log10_axis(DEPTH_Y_TITLE)),
            color=_color(names, reserve=legend_width(quantities, 1) + _LEGEND_GAP),
            strokeDash=alt.StrokeDash(
                "quantity:N", title="Factor",
                scale=alt.Scale(domain=quantities, range=[[6, 4], [1, 0], [2, 3]]),
                legend=alt.Legend(columns=fit_legend_columns(quantities, (0, 1), reserve=activations_row)),
            ),
            tooltip=[alt.Tooltip("activation:N"), alt.Tooltip("quantity:N"), alt.Tooltip("depth:Q"),
                     alt.Tooltip("log10_factor:Q", title="log10 of product", format=".2f")],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"y": [np.log10(threshold)], "label": [f"threshold {threshold:g}"]}))
        .mark_rule(color=THEORY, strokeWidth=1.5)
        .encode(y="y:Q", tooltip=[alt.Tooltip("label:N", title="rule")])
    )
    # On a narrow screen the legends stack into up to three rows under the plot, which keeps its height.
    return configure(plot_height(alt.layer(lines, rule), DEPTH_CHART_HEIGHT))


def tanh_relation_chart(rel: TanhSigmoidRelation) -> alt.Chart:
    """``tanh'(x)`` (solid) against ``4 sigmoid'(2x)`` (dashed): the curves coincide."""
    curves = ["tanh′(x)", "4·σ′(2x)"]
    df = pd.concat([
        pd.DataFrame({"x": rel.x, "value": rel.dtanh, "curve": "tanh′(x)"}),
        pd.DataFrame({"x": rel.x, "value": rel.dtanh_via_sigmoid, "curve": "4·σ′(2x)"}),
    ], ignore_index=True)
    chart = (
        alt.Chart(finite_rows(df, ["x", "value"]))
        .mark_line(strokeWidth=3)
        .encode(
            x=alt.X("x:Q", title="x"),
            y=alt.Y("value:Q", title="derivative"),
            # One legend for both channels: Vega-Lite merges the legends of one field, and
            # ``legend=None`` on the dash channel used to remove the merged legend altogether.
            color=alt.Color("curve:N", title="Curve", scale=alt.Scale(domain=curves, range=[MEASURED, ACCENT])),
            strokeDash=alt.StrokeDash("curve:N", title="Curve", scale=alt.Scale(domain=curves, range=[[1, 0], [6, 4]])),
            tooltip=[alt.Tooltip("curve:N"), alt.Tooltip("x:Q", format=".3f"),
                     alt.Tooltip("value:Q", format=".6g")],
        )
    )
    return configure(plot_height(chart, TANH_HEIGHT))
