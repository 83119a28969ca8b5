"""Charts of the deep-network lab: arrays and dataclasses in, Altair charts out.

Magnitudes arrive as natural logs (the sim's convention) and are drawn as
``log10`` on :func:`~explorer.chartkit.log10_axis`. Measurement is solid,
mean-field theory dashed, worst-case bounds dotted, so the pairing never rests
on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from explorer.chartkit import (
    ACCENT,
    EXPLODE,
    MEASURED,
    NEUTRAL,
    OKABE_ITO,
    REGIME_COLORS,
    REGIME_LABELS,
    REGIME_SHAPES,
    THEORY,
    THEORY_DASH,
    VANISH,
    base_properties,
    configure,
    finite_rows,
    halo_text,
    log10_axis,
)
from explorer.format import LN10, pow10_text
from explorer.sim import BatchNormGradients, Chi1Curve, DeepGradients, JacobianSpectrum, PhaseDiagram, Regime

SOLID = [1, 0]
DOTTED = [2, 3]
CHI_CLIP = 0.5
"""The phase diagram's colour saturates at χ₁ = 10^±0.5."""


def _series(domain: Sequence[str], colors: Sequence[str], dashes: Sequence[list[int]], columns: int = 2) -> dict:
    return {
        "color": alt.Color("series:N", title=None, scale=alt.Scale(domain=list(domain), range=list(colors)),
                           legend=alt.Legend(labelLimit=0, symbolStrokeWidth=3, columns=columns)),
        "strokeDash": alt.StrokeDash("series:N", title=None, scale=alt.Scale(domain=list(domain),
                                                                              range=list(dashes))),
    }


def _domain(values: np.ndarray, pad: float = 0.3) -> list[float]:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return [-1.0, 1.0]
    lo, hi = float(values.min()), float(values.max())
    span = max(hi - lo, 1.0)
    return [lo - 0.04 * span - pad, hi + 0.04 * span + pad]


# ---------------------------------------------------------------------------
# 1. the phase diagram


def phase_frame(d: PhaseDiagram) -> pd.DataFrame:
    """One rectangle per grid cell: its edges, log10 χ₁ (clipped for colour) and tooltips."""
    w, b = d.sigma_w2, d.sigma_b2
    w_edges = np.concatenate([[w[0]], 0.5 * (w[1:] + w[:-1]), [w[-1]]])
    b_edges = np.concatenate([[b[0]], 0.5 * (b[1:] + b[:-1]), [b[-1]]])
    ww, bb = np.meshgrid(np.arange(w.size), np.arange(b.size))
    log10_chi = d.log_chi1 / LN10
    # Each cell reaches a little into its neighbours, so anti-aliased edges leave no white seams.
    dw, db = 0.15 * np.diff(w_edges), 0.15 * np.diff(b_edges)
    df = pd.DataFrame({
        "w0": w_edges[ww.ravel()], "w1": w_edges[ww.ravel() + 1] + dw[ww.ravel()], "b0": b_edges[bb.ravel()],
        "b1": b_edges[bb.ravel() + 1] + db[bb.ravel()], "sw2": w[ww.ravel()], "sb2": b[bb.ravel()],
        "log10_chi": np.clip(log10_chi.ravel(), -CHI_CLIP, CHI_CLIP),
        "chi": np.exp(np.clip(d.log_chi1.ravel(), -700, 700)),
    })
    q = d.q_star.ravel()
    df["q_star"] = ["∞" if not np.isfinite(v) else f"{v:.4g}" for v in q]
    return df


def phase_chart(d: PhaseDiagram, point: tuple[float, float, Regime], named: Sequence[tuple[str, float, float]]):
    """Heatmap of log10 χ₁ with the critical line, the named initialisations and the current point."""
    df = phase_frame(d)
    x = alt.X("w0:Q", title="σ_w² (weight variance × width)", scale=alt.Scale(domain=[0, float(d.sigma_w2[-1])],
                                                                            nice=False))
    y = alt.Y("b0:Q", title="σ_b² (bias variance)", scale=alt.Scale(domain=[0, float(d.sigma_b2[-1])], nice=False))
    colour = alt.Scale(domain=[-CHI_CLIP, 0, CHI_CLIP], range=[VANISH, "#f7f7f7", EXPLODE])
    cells = alt.Chart(df).mark_rect().encode(
        x=x, x2="w1:Q", y=y, y2="b1:Q",
        color=alt.Color("log10_chi:Q", title="log₁₀ χ₁", scale=colour,
                        legend=alt.Legend(orient="right", gradientLength=160, type="gradient")),
        tooltip=[alt.Tooltip("sw2:Q", title="σ_w²", format=".3f"), alt.Tooltip("sb2:Q", title="σ_b²", format=".3f"),
                 alt.Tooltip("chi:Q", title="χ₁", format=".4f"), alt.Tooltip("q_star:N", title="q*")],
    )
    layers: list = [cells]
    line = pd.DataFrame({"w0": d.critical_sigma_w2, "b0": d.sigma_b2, "label": "critical line χ₁ = 1"})
    line = finite_rows(line, ["w0", "b0"])
    if not line.empty:
        layers.append(alt.Chart(line).mark_line(color=THEORY, strokeWidth=3).encode(
            x="w0:Q", y="b0:Q", order="b0:Q", tooltip=[alt.Tooltip("label:N", title="line")]))
    w2, b2, regime = point
    here = f"your network ({REGIME_LABELS[regime]})"
    rows = [{"w0": w2_, "b0": b2_, "label": label} for label, w2_, b2_ in named] + [{"w0": w2, "b0": b2,
                                                                                     "label": here}]
    marks = pd.DataFrame(rows)
    labels = list(marks["label"])
    shapes = [*["diamond", "square", "triangle-right", "cross"][:len(named)], REGIME_SHAPES[regime]]
    fills = [*[ACCENT, OKABE_ITO["yellow"], OKABE_ITO["green"], OKABE_ITO["purple"]][:len(named)],
             REGIME_COLORS[regime]]
    sizes = [130] * len(named) + [300]
    legend = alt.Legend(title=None, orient="bottom", columns=2, labelLimit=0, symbolStrokeColor=THEORY)
    layers.append(alt.Chart(marks).mark_point(filled=True, stroke=THEORY, strokeWidth=1, opacity=1).encode(
        x="w0:Q", y="b0:Q",
        shape=alt.Shape("label:N", scale=alt.Scale(domain=labels, range=shapes), legend=legend),
        fill=alt.Fill("label:N", scale=alt.Scale(domain=labels, range=fills), legend=legend),
        size=alt.Size("label:N", scale=alt.Scale(domain=labels, range=sizes), legend=None),
        tooltip=[alt.Tooltip("label:N", title="initialisation"), alt.Tooltip("w0:Q", title="σ_w²", format=".3f"),
                 alt.Tooltip("b0:Q", title="σ_b²", format=".3f")]))
    # The cells' quantitative colour and the points' nominal fill are separate scales with separate legends.
    chart = alt.layer(*layers).resolve_scale(color="independent", fill="independent", shape="independent")
    chart = chart.resolve_legend(color="independent", fill="independent", shape="independent")
    return configure(base_properties(chart, height=360))


# ---------------------------------------------------------------------------
# 2. the depth scale


def depth_chart(curve: Chi1Curve, sigma_w: float, xi: float, depth: int):
    """log10 ξ against σ_w, with the network's depth as a horizontal line and its σ_w as a point."""
    xi_values = np.nan_to_num(curve.depth_scale, nan=1e6, posinf=1e6)  # the critical point reaches the top
    df = pd.DataFrame({"sigma_w": curve.sigma_w, "log10_xi": np.log10(np.clip(xi_values, 1e-3, 1e6)),
                       "chi": np.exp(curve.log_chi1), "series": "depth scale ξ = 1/|ln χ₁|"})
    df = finite_rows(df, ["log10_xi"])
    df["xi"] = pow10_text(df["log10_xi"].to_numpy())
    top = max(float(df["log10_xi"].max()) if not df.empty else 1.0, np.log10(depth) + 0.5)
    y = alt.Y("log10_xi:Q", axis=log10_axis("ξ (layers, log scale)"),
              scale=alt.Scale(domain=[-1.0, min(top, 4.0)], nice=False, clamp=True))
    line = alt.Chart(df).mark_line(strokeWidth=2.5, color=THEORY, clip=True).encode(
        x=alt.X("sigma_w:Q", title="σ_w", scale=alt.Scale(domain=[float(curve.sigma_w[0]),
                                                                  float(curve.sigma_w[-1])], nice=False)),
        y=y, tooltip=[alt.Tooltip("sigma_w:Q", title="σ_w", format=".3f"), alt.Tooltip("xi:N", title="ξ"),
                      alt.Tooltip("chi:Q", title="χ₁", format=".4f")])
    rule = pd.DataFrame({"log10_xi": [np.log10(depth)], "label": [f"your depth L = {depth}"]})
    layers = [line, alt.Chart(rule).mark_rule(color=ACCENT, strokeWidth=2.5, strokeDash=THEORY_DASH).encode(
        y="log10_xi:Q", tooltip=[alt.Tooltip("label:N", title="line")])]
    layers.append(halo_text(rule.assign(sigma_w=float(curve.sigma_w[0])),
                            {"x": "sigma_w:Q", "y": "log10_xi:Q", "text": "label:N"}, align="left", dx=4, dy=-9,
                            fontSize=12))
    shown = min(xi, 1e4) if np.isfinite(xi) else 1e4
    here = pd.DataFrame({"sigma_w": [sigma_w], "log10_xi": [float(np.log10(max(shown, 0.1)))],
                         "label": ["ξ = ∞ (critical)" if not np.isfinite(xi) else f"your σ_w: ξ = {xi:.3g}"]})
    layers.append(alt.Chart(here).mark_point(size=160, filled=True, color=MEASURED, stroke="white").encode(
        x="sigma_w:Q", y="log10_xi:Q", tooltip=[alt.Tooltip("label:N", title="point")]))
    return configure(base_properties(alt.layer(*layers), height=300))


# ---------------------------------------------------------------------------
# 3. measured against predicted

MEASURED_LABEL = "measured ‖δ^l‖²"
THEORY_LABEL = "mean field ‖δ^L‖² ∏ χ^r"
BOUND_LABEL = "bound², (γ^(L−l+1) ∏‖w^r‖₂ ‖a^L−y‖)²"


def gradient_frame(g: DeepGradients, log_prediction: np.ndarray) -> pd.DataFrame:
    rows = [pd.DataFrame({"layer": g.layers, "log10": 2.0 * np.asarray(values) / LN10, "series": label})
            for label, values in ((BOUND_LABEL, g.log_bound), (THEORY_LABEL, 0.5 * np.asarray(log_prediction)),
                                  (MEASURED_LABEL, g.log_delta_norms))]
    df = finite_rows(pd.concat(rows, ignore_index=True), ["log10"])
    df["value"] = pow10_text(df["log10"].to_numpy())
    return df


def gradient_chart(g: DeepGradients, log_prediction: np.ndarray):
    """Squared gradient per layer: measured (solid), mean field (dashed), the squared bound (dotted)."""
    df = gradient_frame(g, log_prediction)
    # The bound can sit hundreds of decades above: the frame follows the measurement and the theory, and the
    # bound enters from the top when it is that loose.
    near = df.loc[df["series"] != BOUND_LABEL, "log10"].to_numpy()
    lo, hi = _domain(near)
    bound_top = float(df.loc[df["series"] == BOUND_LABEL, "log10"].max()) if (df["series"] == BOUND_LABEL).any() \
        else hi
    chart = alt.Chart(df).mark_line(strokeWidth=2.5, clip=True).encode(
        x=alt.X("layer:Q", title="layer l (1 = next to the input, L = output)",
                scale=alt.Scale(domain=[1, max(g.depth, 2)], nice=False)),
        y=alt.Y("log10:Q", axis=log10_axis("squared norm (log scale)"),
                scale=alt.Scale(domain=[lo, min(max(hi, bound_top + 0.3), hi + max(3.0, 0.5 * (hi - lo)))],
                                nice=False)),
        **_series([MEASURED_LABEL, THEORY_LABEL, BOUND_LABEL], [MEASURED, THEORY, NEUTRAL],
                  [SOLID, THEORY_DASH, DOTTED], columns=1),
        tooltip=[alt.Tooltip("series:N"), alt.Tooltip("layer:Q", title="layer l"),
                 alt.Tooltip("value:N", title="value"), alt.Tooltip("log10:Q", title="log10", format=".3f")],
    )
    return configure(base_properties(chart, height=340))


def ratio_chart(log_ratios: np.ndarray, log_chi_layers: np.ndarray, chi1: float):
    """Per-layer ratio ‖δ^l‖²/‖δ^{l+1}‖² (points) against χ^l (dashed) and χ₁ (rule)."""
    layers = np.arange(1, log_ratios.size + 1)
    df = pd.DataFrame({"layer": layers, "ratio": np.exp(np.clip(log_ratios, -50, 50)), "series": "measured ratio"})
    df = finite_rows(df, ["ratio"])
    th = pd.DataFrame({"layer": layers, "ratio": np.exp(log_chi_layers[:-1]), "series": "mean field χ^l"})
    pts = alt.Chart(df).mark_point(filled=True, size=40, color=MEASURED).encode(
        x=alt.X("layer:Q", title="layer l", scale=alt.Scale(domain=[1, max(layers.size, 2)], nice=False)),
        y=alt.Y("ratio:Q", title="‖δ^l‖² / ‖δ^{l+1}‖²", scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("layer:Q", title="layer l"), alt.Tooltip("ratio:Q", title="ratio", format=".4f")])
    line = alt.Chart(th).mark_line(color=THEORY, strokeDash=THEORY_DASH, strokeWidth=2).encode(
        x="layer:Q", y="ratio:Q", tooltip=[alt.Tooltip("layer:Q"), alt.Tooltip("ratio:Q", title="χ^l", format=".4f")])
    rule = pd.DataFrame({"ratio": [chi1], "label": [f"χ₁ = {chi1:.4g} at q*"]})
    rl = alt.Chart(rule).mark_rule(color=ACCENT, strokeWidth=2).encode(
        y="ratio:Q", tooltip=[alt.Tooltip("label:N", title="line")])
    return configure(base_properties(alt.layer(pts, line, rl), height=340))


# ---------------------------------------------------------------------------
# 4. and 5. singular values of the Jacobian


def spectrum_frame(spectra: dict[str, JacobianSpectrum]) -> pd.DataFrame:
    frames = []
    for label, spec in spectra.items():
        log_s = spec.resolved_log_singular_values / LN10
        frames.append(pd.DataFrame({"rank": (np.arange(log_s.size) + 0.5) / log_s.size, "log10_s": log_s,
                                    "series": label}))
    df = finite_rows(pd.concat(frames, ignore_index=True), ["log10_s"])
    df["value"] = pow10_text(df["log10_s"].to_numpy())
    return df


SPECTRUM_COLORS = (MEASURED, OKABE_ITO["vermillion"], OKABE_ITO["green"], OKABE_ITO["purple"])


def spectrum_chart(spectra: dict[str, JacobianSpectrum], *, height: int = 320):
    """Sorted singular values (log10) against their rank as a fraction of the width, one line per network."""
    df = spectrum_frame(spectra)
    labels = list(spectra)
    chart = alt.Chart(df).mark_line(strokeWidth=2.5, clip=True, interpolate="step-after").encode(
        x=alt.X("rank:Q", title="rank i / width (largest first)", scale=alt.Scale(domain=[0, 1], nice=False)),
        y=alt.Y("log10_s:Q", axis=log10_axis("singular value (log scale)"),
                scale=alt.Scale(domain=_domain(df["log10_s"].to_numpy()), nice=False)),
        **_series(labels, SPECTRUM_COLORS[:len(labels)], [SOLID, THEORY_DASH, SOLID, THEORY_DASH][:len(labels)],
                  columns=1),
        tooltip=[alt.Tooltip("series:N"), alt.Tooltip("rank:Q", title="rank/width", format=".3f"),
                 alt.Tooltip("value:N", title="s_i")],
    )
    rule = pd.DataFrame({"log10_s": [0.0], "label": ["s = 1: isometry"]})
    one = alt.Chart(rule).mark_rule(color=NEUTRAL, strokeDash=DOTTED).encode(
        y="log10_s:Q", tooltip=[alt.Tooltip("label:N", title="line")])
    return configure(base_properties(alt.layer(chart, one), height=height))


# ---------------------------------------------------------------------------
# 5. residual connections, 6. batch normalisation


def per_layer_chart(series: dict[str, tuple[np.ndarray, np.ndarray]], y_title: str, *, height: int = 320):
    """One line per network: natural-log norms per layer, drawn as log10 (solid first, dashed second)."""
    frames = [pd.DataFrame({"layer": layers, "log10": np.asarray(values) / LN10, "series": label})
              for label, (layers, values) in series.items()]
    df = finite_rows(pd.concat(frames, ignore_index=True), ["log10"])
    df["value"] = pow10_text(df["log10"].to_numpy())
    labels = list(series)
    depth = int(max(np.max(layers) for layers, _ in series.values()))
    chart = alt.Chart(df).mark_line(strokeWidth=2.5, clip=True).encode(
        x=alt.X("layer:Q", title="layer l (1 = next to the input)", scale=alt.Scale(domain=[1, max(depth, 2)],
                                                                                    nice=False)),
        y=alt.Y("log10:Q", axis=log10_axis(y_title), scale=alt.Scale(domain=_domain(df["log10"].to_numpy()),
                                                                      nice=False)),
        **_series(labels, [MEASURED, OKABE_ITO["vermillion"]][:len(labels)], [SOLID, THEORY_DASH][:len(labels)],
                  columns=1),
        tooltip=[alt.Tooltip("series:N"), alt.Tooltip("layer:Q", title="layer l"),
                 alt.Tooltip("value:N", title="norm")],
    )
    return configure(base_properties(chart, height=height))


def residual_gradient_chart(plain: DeepGradients, residual_layers: np.ndarray | None,
                            residual_log: np.ndarray | None):
    series = {"plain network": (plain.layers, plain.log_delta_norms)}
    if residual_layers is not None:
        series["with skip connections"] = (residual_layers, residual_log)
    return per_layer_chart(series, "‖∂C/∂b^l‖ (log scale)")


def batchnorm_chart(bn: BatchNormGradients, plain: BatchNormGradients):
    return per_layer_chart({"without batch norm": (plain.layers, plain.log_weight_grad_norms),
                            "with batch norm": (bn.layers, bn.log_weight_grad_norms)}, "‖∂C/∂W^l‖_F (log scale)")
