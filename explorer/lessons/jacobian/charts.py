"""Charts for the Jacobian-bound page: Pascanu's bound against measured products.

Everything that can explode or vanish arrives here as a natural log (the sim's
convention) and is drawn as ``log10`` on a :func:`log10_axis`. Exact zeros
(``-inf``) and undefined entries (NaN) are dropped with :func:`finite_rows`;
the page says in words when that happens. Measurement is solid, theory
(bounds) dashed or dotted, so the pairing never relies on colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from explorer.chartkit import (
    ACCENT,
    ACTIVATION_COLORS,
    ACTIVATION_LABELS,
    MEASURED,
    NEUTRAL,
    OKABE_ITO,
    THEORY,
    THEORY_DASH,
    VANISH,
    activation_scale,
    base_properties,
    configure,
    finite_rows,
    log10_axis,
)
from explorer.format import LN10, factor_text, log10_of, pow10_text
from explorer.sim import DeepGradients, JacobianGrid, SweepResult

SOLID = [1, 0]
DOTTED = [2, 3]

MEASURED_LABEL = "measured ‖∂x_T/∂x_k‖₂"
BOUND_LABEL = "bound η^(T−k)"
DATA_BOUND_LABEL = "data-dependent bound ∏ σ_max·max σ′"
BACKPROP_LABEL = "back-propagated ‖∂E_T/∂x_k‖"

TERM_LABEL = "measured ‖term_k‖"
TERM_BOUND_LABEL = "bound ‖∂E_T/∂x_T‖ η^(T−k) ‖∂⁺x_k/∂W_rec‖"

DEEP_LABEL = "measured ‖∂C/∂b^l‖"
DEEP_BOUND_LABEL = "bound γ^(L−l+1) ∏‖w^r‖₂ ‖a^L − y‖"


def _series_scales(domain: Sequence[str], colors: Sequence[str], dashes: Sequence[list[int]]) -> dict:
    return {
        "color": alt.Color("series:N", title=None, scale=alt.Scale(domain=list(domain), range=list(colors)),
                           legend=alt.Legend(labelLimit=0, symbolStrokeWidth=3, columns=2)),
        "strokeDash": alt.StrokeDash("series:N", title=None,
                                     scale=alt.Scale(domain=list(domain), range=list(dashes))),
    }


def _padded_domain(values: np.ndarray, pad: float = 0.5) -> list[float]:
    if values.size == 0:
        return [-1.0, 1.0]
    lo, hi = float(np.min(values)), float(np.max(values))
    span = max(hi - lo, 1.0)
    return [lo - 0.04 * span - pad, hi + 0.04 * span + pad]


# ---------------------------------------------------------------------------
# 1. bound against measurement, per lag


def bound_frame(
    log_norms: np.ndarray,
    log_bound: np.ndarray,
    log_data_bound: np.ndarray,
    log_backprop: np.ndarray,
) -> pd.DataFrame:
    """Long frame (lag, log10_norm, series, value) from the sim's natural-log arrays.

    The first three are indexed by ``k = 0..T`` (as :func:`~explorer.sim.jacobian_log_norms`
    returns them); ``log_backprop`` likewise (:func:`~explorer.sim.backprop_log_norms`).
    Rows that are not finite (exact zeros) are dropped.
    """
    T = len(log_norms) - 1
    lag = T - np.arange(T + 1)
    frames = [
        pd.DataFrame({"lag": lag, "log10_norm": log10_of(values), "series": label})
        # Drawn in this order: the measured norm last, on top of the back-propagated gradient it bounds.
        for label, values in ((BACKPROP_LABEL, log_backprop), (BOUND_LABEL, log_bound),
                              (DATA_BOUND_LABEL, log_data_bound), (MEASURED_LABEL, log_norms))
    ]
    df = finite_rows(pd.concat(frames, ignore_index=True), ["lag", "log10_norm"])
    df["value"] = pow10_text(df["log10_norm"].to_numpy())
    return df


def bound_chart(
    log_norms: np.ndarray,
    log_bound: np.ndarray,
    log_data_bound: np.ndarray,
    log_backprop: np.ndarray,
    *,
    eta: float,
) -> alt.LayerChart:
    """Measured ``log10||∂x_T/∂x_k||`` (solid) against the bound ``η^(T-k)`` (dashed).

    Also draws the sharper data-dependent bound (dotted) and the norm of the
    back-propagated error vector for a loss at ``T`` (solid, orange). When
    ``η < 1`` the band under the bound line is shaded: every product must lie
    in it, and it shrinks to zero.
    """
    df = bound_frame(log_norms, log_bound, log_data_bound, log_backprop)
    domain = [MEASURED_LABEL, BOUND_LABEL, DATA_BOUND_LABEL, BACKPROP_LABEL]
    y_domain = _padded_domain(df["log10_norm"].to_numpy())
    lines = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5, clip=True)
        .encode(
            x=alt.X("lag:Q", title="lag T − k (steps back in time)"),
            y=alt.Y("log10_norm:Q", axis=log10_axis("norm (log scale)"),
                    scale=alt.Scale(domain=y_domain, nice=False)),
            **_series_scales(domain, [MEASURED, THEORY, NEUTRAL, ACCENT], [SOLID, THEORY_DASH, DOTTED, SOLID]),
            tooltip=[alt.Tooltip("series:N"), alt.Tooltip("lag:Q", title="lag T − k"),
                     alt.Tooltip("value:N", title="norm"),
                     alt.Tooltip("log10_norm:Q", title="log10 norm", format=".3f")],
        )
    )
    layers: list = [lines]
    bound = df[df["series"] == BOUND_LABEL]
    if 0.0 < eta < 1.0 and not bound.empty:
        band = pd.DataFrame({"lag": bound["lag"].to_numpy(), "top": bound["log10_norm"].to_numpy(),
                             "floor": y_domain[0]})
        band["note"] = "guaranteed region: every product lies under η^(T−k)"
        area = (
            alt.Chart(band)
            .mark_area(color=VANISH, opacity=0.12, clip=True)
            .encode(x="lag:Q", y="top:Q", y2="floor:Q", tooltip=[alt.Tooltip("note:N", title="shaded")])
        )
        label_at = bound.iloc[len(bound) // 2]
        text = (
            alt.Chart(pd.DataFrame({"lag": [float(label_at["lag"])], "y": [y_domain[0]],
                                    "label": ["η < 1: vanishing guaranteed (shaded)"]}))
            .mark_text(align="center", baseline="bottom", dy=-6, fontSize=13, color=VANISH, fontWeight="bold")
            .encode(x="lag:Q", y="y:Q", text="label:N")
        )
        layers = [area, lines, text]
    return configure(base_properties(alt.layer(*layers), height=360))


# ---------------------------------------------------------------------------
# 2. growth rate against sigma_max, several activations


def sweep_frame(sweeps: Mapping[str, SweepResult]) -> pd.DataFrame:
    """Long frame (sigma_max, log10_factor, activation, quantity) of measured rate and bound rate."""
    frames = []
    for name, res in sweeps.items():
        label = ACTIVATION_LABELS[name]
        frames.append(pd.DataFrame({"sigma_max": res.scales, "log10_factor": log10_of(res.log_growth_rate),
                                    "activation": label, "quantity": "measured",
                                    "mean_derivative": res.mean_derivative, "rho": res.spectral_radius}))
        frames.append(pd.DataFrame({"sigma_max": res.scales, "log10_factor": log10_of(res.log_eta),
                                    "activation": label, "quantity": "bound η = σ_max γ",
                                    "mean_derivative": res.mean_derivative, "rho": res.spectral_radius}))
    if not frames:
        return pd.DataFrame(columns=["sigma_max", "log10_factor", "activation", "quantity", "factor"])
    df = finite_rows(pd.concat(frames, ignore_index=True),
                     ["sigma_max", "log10_factor", "mean_derivative", "rho"])
    df = df[df["sigma_max"] > 0].reset_index(drop=True)
    df["factor"] = [factor_text(v * LN10) for v in df["log10_factor"]]
    return df


def sweep_chart(sweeps: Mapping[str, SweepResult], current_sigma_max: float | None = None) -> alt.LayerChart:
    """Measured growth factor per step (solid) and the bound's ``η`` (dashed) against ``σ_max(W_rec)``.

    One colour per activation; a dotted vertical rule at each activation's
    ``1/γ`` (where the bound crosses 1) and a grey rule at factor 1. The
    x axis is logarithmic; every scale in a sweep is positive.
    """
    names = list(sweeps)
    df = sweep_frame(sweeps)
    color = alt.Color("activation:N", title="Activation", scale=activation_scale(names),
                      legend=alt.Legend(title="Activation", orient="bottom"))
    top = max((float(np.max(r.scales)) for r in sweeps.values()), default=1.0)
    bottom = min((float(np.min(r.scales[r.scales > 0])) for r in sweeps.values() if np.any(r.scales > 0)),
                 default=0.1)
    x = alt.X("sigma_max:Q", title="σ_max(W_rec) (log scale)",
              scale=alt.Scale(type="log", domain=[bottom, max(top, bottom * 10)], nice=False))
    y_axis = alt.Axis(title="growth factor per step (log scale)", tickCount=8,
                      labelExpr="format(pow(10, datum.value), '.2~g')")
    lines = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5, clip=True)
        .encode(
            x=x,
            y=alt.Y("log10_factor:Q", axis=y_axis,
                    scale=alt.Scale(domain=_padded_domain(df["log10_factor"].to_numpy(), 0.1), nice=False)),
            color=color,
            strokeDash=alt.StrokeDash("quantity:N", title=None,
                                      scale=alt.Scale(domain=["measured", "bound η = σ_max γ"],
                                                      range=[SOLID, THEORY_DASH])),
            tooltip=[alt.Tooltip("activation:N"), alt.Tooltip("quantity:N"),
                     alt.Tooltip("sigma_max:Q", title="σ_max", format=".3g"),
                     alt.Tooltip("factor:N", title="factor per step"),
                     alt.Tooltip("mean_derivative:Q", title="mean |σ′|", format=".3f"),
                     alt.Tooltip("rho:Q", title="ρ(W_rec)", format=".3g")],
        )
    )
    thresholds = pd.DataFrame({
        "activation": [ACTIVATION_LABELS[n] for n in names],
        "critical": [sweeps[n].critical_scale for n in names],
        "label": [f"1/γ = {sweeps[n].critical_scale:.3g}" for n in names],
    })
    rules = (
        alt.Chart(thresholds)
        .mark_rule(strokeDash=DOTTED, strokeWidth=2)
        .encode(x="critical:Q", color=alt.Color("activation:N", scale=activation_scale(names)),
                tooltip=[alt.Tooltip("activation:N"), alt.Tooltip("label:N", title="vanishing guaranteed below")])
    )
    labels = thresholds.drop_duplicates("critical").reset_index(drop=True)
    labels["pixel"] = 4 + 16 * np.arange(len(labels))  # stacked, so close thresholds (GELU, tanh) stay legible
    rule_text = (
        alt.Chart(labels)
        .mark_text(align="left", baseline="top", dx=4, fontSize=12, fontWeight="bold")
        .encode(x="critical:Q", y=alt.Y("pixel:Q", scale=None), text="label:N",
                color=alt.Color("activation:N", scale=activation_scale(names)))
    )
    unit = (
        alt.Chart(pd.DataFrame({"y": [0.0], "label": ["factor 1: neither vanishes nor explodes"]}))
        .mark_rule(color=NEUTRAL, strokeWidth=1.5)
        .encode(y="y:Q", tooltip=[alt.Tooltip("label:N", title="rule")])
    )
    layers = [unit, rules, lines, rule_text]
    if current_sigma_max is not None and np.isfinite(current_sigma_max) and current_sigma_max > 0:
        now = pd.DataFrame({"sigma_max": [float(current_sigma_max)],
                            "label": [f"this W_rec: σ_max = {current_sigma_max:.3g}"]})
        layers.append(
            alt.Chart(now).mark_rule(color=THEORY, strokeWidth=1, opacity=0.6)
            .encode(x="sigma_max:Q", tooltip=[alt.Tooltip("label:N", title="marker")])
        )
    return configure(base_properties(alt.layer(*layers), height=360))


# ---------------------------------------------------------------------------
# 3. every pair (t, k)


def heatmap_frame(grid: JacobianGrid) -> pd.DataFrame:
    """One rectangle per grid pair ``k <= t``: edges halfway to the neighbouring grid steps."""
    steps = np.asarray(grid.steps, dtype=float)
    if steps.size > 1:
        mids = (steps[1:] + steps[:-1]) / 2
        edges_lo = np.concatenate([[steps[0] - (mids[0] - steps[0])], mids])
        edges_hi = np.concatenate([mids, [steps[-1] + (steps[-1] - mids[-1])]])
    else:
        edges_lo, edges_hi = steps - 0.5, steps + 0.5
    i, j = np.tril_indices(steps.size)
    df = pd.DataFrame({
        "t": steps[i], "k": steps[j], "t0": edges_lo[i], "t1": edges_hi[i], "k0": edges_lo[j], "k1": edges_hi[j],
        "log10_norm": log10_of(np.asarray(grid.log_norms)[i, j]),
    })
    df = finite_rows(df, ["log10_norm"])
    df["value"] = pow10_text(df["log10_norm"].to_numpy())
    return df


def heatmap_chart(grid: JacobianGrid) -> alt.Chart:
    """``log10||∂x_t/∂x_k||`` over pairs ``k <= t``; diverging colours centred at 1 (log 0)."""
    df = heatmap_frame(grid)
    top = float(np.max(np.abs(df["log10_norm"]))) if not df.empty else 1.0
    top = max(top, 1.0)
    chart = (
        alt.Chart(df)
        .mark_rect(stroke=None)
        .encode(
            x=alt.X("k0:Q", title="earlier step k", scale=alt.Scale(nice=False, zero=False)),
            x2="k1:Q",
            y=alt.Y("t0:Q", title="later step t", scale=alt.Scale(nice=False, zero=False)),
            y2="t1:Q",
            color=alt.Color(
                "log10_norm:Q",
                title="‖∂x_t/∂x_k‖₂",
                scale=alt.Scale(scheme="blueorange", domainMid=0, domain=[-top, top]),
                legend=alt.Legend(orient="right", gradientLength=220,
                                  labelExpr="datum.value == 0 ? '1' : '10^' + format(datum.value, '.0f')"),
            ),
            tooltip=[alt.Tooltip("t:Q", title="t"), alt.Tooltip("k:Q", title="k"),
                     alt.Tooltip("value:N", title="‖∂x_t/∂x_k‖₂"),
                     alt.Tooltip("log10_norm:Q", title="log10", format=".2f")],
        )
    )
    return configure(base_properties(chart, height=340))


# ---------------------------------------------------------------------------
# 4. saturation


def derivative_histogram_frame(derivatives: np.ndarray, gamma: float, bins: int = 40) -> pd.DataFrame:
    """Fractions of ``|σ'|`` values per bin over ``[0, max(γ, max|σ'|)]`` (a small frame to cache)."""
    d = np.abs(np.asarray(derivatives, dtype=float).ravel())
    d = d[np.isfinite(d)]
    hi = max(float(gamma), float(d.max()) if d.size else 0.0) * 1.0001 or 1.0
    counts, edges = np.histogram(d, bins=bins, range=(0.0, hi))
    total = max(int(counts.sum()), 1)
    return pd.DataFrame({"bin_start": edges[:-1], "bin_end": edges[1:], "fraction": counts / total,
                         "count": counts})


def derivative_histogram_chart(
    histogram: pd.DataFrame, *, gamma: float, mean: float, activation: str
) -> alt.LayerChart:
    """Histogram of ``|σ'(x_j)|`` along the trajectory, with ``γ`` (dashed) and the mean (solid).

    ``histogram`` comes from :func:`derivative_histogram_frame`.
    """
    bars = (
        alt.Chart(finite_rows(histogram, ["bin_start", "bin_end", "fraction"]))
        .mark_bar(opacity=0.75, binSpacing=0, color=ACTIVATION_COLORS[activation])
        .encode(
            x=alt.X("bin_start:Q", title="|σ′| met along the trajectory", bin="binned"),
            x2="bin_end:Q",
            y=alt.Y("fraction:Q", title="fraction of values (√ scale)", scale=alt.Scale(type="sqrt")),
            tooltip=[alt.Tooltip("bin_start:Q", title="from", format=".3f"),
                     alt.Tooltip("bin_end:Q", title="to", format=".3f"),
                     alt.Tooltip("fraction:Q", format=".1%"), alt.Tooltip("count:Q")],
        )
    )
    domain = [f"γ = sup|σ′| = {gamma:.3g}", f"mean |σ′| = {mean:.3g}"]
    marks = pd.DataFrame({"x": [float(gamma), float(mean)], "what": domain})
    rules = (
        alt.Chart(finite_rows(marks, ["x"]))
        .mark_rule(strokeWidth=2.5)
        .encode(
            x="x:Q",
            color=alt.Color("what:N", title=None,
                            scale=alt.Scale(domain=domain, range=[THEORY, OKABE_ITO["vermillion"]]),
                            # One entry per line: side by side they overflow a half-width chart at 1024 px.
                            legend=alt.Legend(labelLimit=0, columns=1)),
            strokeDash=alt.StrokeDash("what:N", scale=alt.Scale(domain=domain, range=[THEORY_DASH, SOLID]),
                                      legend=None),
            tooltip=[alt.Tooltip("what:N", title="rule")],
        )
    )
    return configure(base_properties(alt.layer(bars, rules), height=340))


# ---------------------------------------------------------------------------
# 5. temporal contributions


def contributions_frame(log_terms: np.ndarray, log_bounds: np.ndarray) -> pd.DataFrame:
    """Long frame (k, log10_norm, series) for ``k = 1..T``; exact zeros dropped."""
    k = np.arange(1, len(log_terms) + 1)
    df = pd.concat([
        pd.DataFrame({"k": k, "log10_norm": log10_of(log_terms), "series": TERM_LABEL}),
        pd.DataFrame({"k": k, "log10_norm": log10_of(log_bounds), "series": TERM_BOUND_LABEL}),
    ], ignore_index=True)
    df = finite_rows(df, ["k", "log10_norm"])
    df["value"] = pow10_text(df["log10_norm"].to_numpy())
    return df


def contributions_chart(log_terms: np.ndarray, log_bounds: np.ndarray, log_cut: float | None = None) -> alt.LayerChart:
    """Size of each temporal contribution ``term_k`` of ``∂E_T/∂W_rec`` (solid) and its bound (dashed).

    ``log_cut`` (natural log) draws a dotted rule at the size above which a term counts.
    """
    df = contributions_frame(log_terms, log_bounds)
    values = df["log10_norm"].to_numpy()
    cut = None if log_cut is None or not np.isfinite(log_cut) else float(log_cut) / LN10
    chart = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5, clip=True)
        .encode(
            x=alt.X("k:Q", title="step k whose term it is (T is the newest)"),
            y=alt.Y("log10_norm:Q", axis=log10_axis("‖term_k‖_F (log scale)"),
                    scale=alt.Scale(domain=_padded_domain(values if cut is None else np.append(values, cut)),
                                    nice=False)),
            **_series_scales([TERM_LABEL, TERM_BOUND_LABEL], [MEASURED, THEORY], [SOLID, THEORY_DASH]),
            tooltip=[alt.Tooltip("series:N"), alt.Tooltip("k:Q", title="step k"),
                     alt.Tooltip("value:N", title="size"),
                     alt.Tooltip("log10_norm:Q", title="log10", format=".3f")],
        )
    )
    layers: list = [chart]
    if cut is not None:
        rule = pd.DataFrame({"y": [cut], "label": [f"cut: terms above {pow10_text([cut])[0]} count"]})
        layers.append(alt.Chart(rule).mark_rule(color=NEUTRAL, strokeDash=DOTTED, strokeWidth=2)
                      .encode(y="y:Q", tooltip=[alt.Tooltip("label:N", title="rule")]))
    return configure(base_properties(alt.layer(*layers), height=320))


# ---------------------------------------------------------------------------
# 6. deep feedforward network


def deep_frame(g: DeepGradients) -> pd.DataFrame:
    """Long frame (layer, log10_norm, series) of measured gradients and the bound; zeros dropped."""
    df = pd.concat([
        pd.DataFrame({"layer": g.layers, "log10_norm": log10_of(g.log_delta_norms), "series": DEEP_LABEL,
                      "mean_dsigma": g.mean_abs_dsigma}),
        pd.DataFrame({"layer": g.layers, "log10_norm": log10_of(g.log_bound), "series": DEEP_BOUND_LABEL,
                      "mean_dsigma": g.mean_abs_dsigma}),
    ], ignore_index=True)
    df = finite_rows(df, ["layer", "log10_norm", "mean_dsigma"])
    df["value"] = pow10_text(df["log10_norm"].to_numpy())
    return df


def deep_chart(g: DeepGradients) -> alt.Chart:
    """``log10||∂C/∂b^l||`` per layer (solid) against the feedforward bound (dashed)."""
    df = deep_frame(g)
    chart = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5, clip=True)
        .encode(
            x=alt.X("layer:Q", title="layer l (1 = next to the input, L = output)",
                    scale=alt.Scale(domain=[1, max(g.depth, 2)], nice=False)),
            y=alt.Y("log10_norm:Q", axis=log10_axis("‖∂C/∂b^l‖ (log scale)"),
                    scale=alt.Scale(domain=_padded_domain(df["log10_norm"].to_numpy()), nice=False)),
            **_series_scales([DEEP_LABEL, DEEP_BOUND_LABEL], [MEASURED, THEORY], [SOLID, THEORY_DASH]),
            tooltip=[alt.Tooltip("series:N"), alt.Tooltip("layer:Q", title="layer l"),
                     alt.Tooltip("value:N", title="size"),
                     alt.Tooltip("log10_norm:Q", title="log10", format=".3f"),
                     alt.Tooltip("mean_dsigma:Q", title="mean |σ′(z^l)|", format=".3f")],
        )
    )
    return configure(base_properties(chart, height=380))
