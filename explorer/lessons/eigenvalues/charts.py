"""Charts for the eigenvalue page: the complex plane, growth of ``||W^t||``, Gelfand, modes, gradients.

The ``*_of`` builders take the page's :class:`~explorer.lessons.eigenvalues.reading.Measurement`;
the others take arrays.

Sizes arrive as natural logs from :mod:`explorer.sim` (its façade) and are drawn
as ``log10`` on a ``log10_axis``, so ``10^±5000`` is as easy to draw as 1.
Measurement is solid, theory dashed or dotted; colour never carries meaning
alone (eigenvalues also differ by shape, curves by dash). Long series are
thinned to at most :data:`MAX_POINTS` steps per curve, keeping the largest
and smallest value of every stretch, so oscillations keep their envelope.
NaN and infinite values never reach a spec (``finite_rows``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from explorer.chartkit import (
    ACCENT,
    MEASURED,
    NEUTRAL,
    OKABE_ITO,
    REGIME_COLORS,
    REGIME_SHAPES,
    THEORY,
    THEORY_DASH,
    base_properties,
    circle_frame,
    configure,
    finite_rows,
    fit_legend_columns,
    halo_text,
    log10_axis,
)
from explorer.format import LN10, complex_text, fmt_pow10, log10_of, pow10_text
from explorer.lessons.eigenvalues.reading import GAIN_LABEL, RHO_LABEL, Measurement, gradient_reference, mode_label
from explorer.sim import FloatLimits, ModeContributions, Regime

MAX_POINTS = 1200
"""Largest number of steps drawn per curve; longer series are thinned (envelope kept)."""

SOLID = [1, 0]
DOTTED = [2, 3]
DASH_DOT = [8, 3, 2, 3]

PLANE_LABELS = {
    Regime.EXPLODES: "explodes: |λ| > 1",
    Regime.NEUTRAL: "keeps its size: |λ| = 1",
    Regime.VANISHES: "vanishes: |λ| < 1",
}
"""Legend text per regime on the eigenvalue plot; colour and shape are chartkit's, one mapping for the app."""

MODE_COLORS = (OKABE_ITO["orange"], OKABE_ITO["sky"], OKABE_ITO["green"], OKABE_ITO["purple"],
               OKABE_ITO["yellow"], OKABE_ITO["grey"])
GRADIENT_COLOR = OKABE_ITO["purple"]

NORM_LABEL = "‖W‖ᵗ: worst one-step stretch, repeated"
CORNER_LABEL = "C(t, m−1)·|λ|^(t−m+1): corner of Jᵗ"
PLANE_SIZE = 320
"""The eigenvalue plot is square; with its axes it is about 390 px wide."""

_FLOAT_RULES = (
    ("float32_overflow_step", "float32 overflow", OKABE_ITO["purple"]),
    ("float32_underflow_step", "float32 underflow", OKABE_ITO["purple"]),
    ("float64_overflow_step", "float64 overflow", OKABE_ITO["vermillion"]),
    ("float64_underflow_step", "float64 underflow", OKABE_ITO["vermillion"]),
)


# ---------------------------------------------------------------------------
# helpers


def sample_steps(values: np.ndarray, max_points: int = MAX_POINTS, keep: Sequence[int | None] = ()) -> np.ndarray:
    """Indices to draw: all when few, else the first, last, ``keep`` and each stretch's min and max.

    ``values`` is the series that decides the envelope (non-finite entries are
    ignored when picking a stretch's extremes).
    """
    values = np.asarray(values, dtype=float)
    n = values.size
    extra = [k for k in keep if k is not None and 0 <= k < n]
    if n <= max_points:
        return np.arange(n)
    picks = [0, n - 1, *extra]
    finite = np.where(np.isfinite(values), values, np.nan)
    for chunk in np.array_split(np.arange(n), max(1, max_points // 2 - 2)):
        segment = finite[chunk]
        if np.all(np.isnan(segment)):
            picks.append(int(chunk[0]))
            continue
        picks.extend((int(chunk[np.nanargmin(segment)]), int(chunk[np.nanargmax(segment)])))
    return np.unique(np.array(picks, dtype=int))


def decade_domain(values, pad: float = 0.04, min_span: float = 1.0) -> list[float]:
    """A y range around the finite values: padded by ``pad`` of the span, or whole decades when short.

    Ranges under three decades are widened to the enclosing whole decades (at
    least ``min_span`` of them), so a ``log10_axis`` always has ticks to label.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return [-1.0, 1.0]
    lo, hi = float(v.min()), float(v.max())
    if hi - lo < 3.0:
        # A short range gets whole decades at both ends, so the 10^k axis always shows at least two ticks.
        margin = 0.05 * max(hi - lo, 0.2)
        lo, hi = math.floor(lo - margin), math.ceil(hi + margin)
        return [float(lo), float(max(hi, lo + min_span))]
    span = hi - lo
    return [lo - pad * span, hi + pad * span]


def _line_frame(step: np.ndarray, curves: dict[str, np.ndarray], index: np.ndarray) -> pd.DataFrame:
    frames = []
    for label, log10_values in curves.items():
        y = np.asarray(log10_values, dtype=float)[index]
        frames.append(pd.DataFrame({"step": step[index], "log10_size": y, "curve": label, "size": pow10_text(y)}))
    return finite_rows(pd.concat(frames, ignore_index=True), ["step", "log10_size"])


def _lines(df: pd.DataFrame, styles: dict[str, tuple[str, list[int], float]], *, y_title: str,
           y_domain: list[float], x_title: str = "step t (number of multiplications)") -> alt.Chart:
    """One line per curve; ``styles`` maps label -> (colour, dash, width). Lines are clipped to the frame.

    ``df`` may hold only some of the curves (to draw them in a separate layer);
    the colour, dash and width scales always cover every curve in ``styles``.
    """
    domain = list(styles)
    return (
        alt.Chart(df)
        .mark_line(clip=True)
        .encode(
            x=alt.X("step:Q", title=x_title, axis=alt.Axis(tickCount=8, labelOverlap="greedy")),
            y=alt.Y("log10_size:Q", axis=log10_axis(y_title), scale=alt.Scale(domain=y_domain, nice=False)),
            color=alt.Color("curve:N", title=None, sort=domain,
                            scale=alt.Scale(domain=domain, range=[s[0] for s in styles.values()]),
                            legend=alt.Legend(columns=fit_legend_columns(domain, (2, 1)), labelLimit=380,
                                              symbolStrokeWidth=3)),
            strokeDash=alt.StrokeDash("curve:N", title=None, sort=domain,
                                      scale=alt.Scale(domain=domain, range=[s[1] for s in styles.values()])),
            strokeWidth=alt.StrokeWidth("curve:N", legend=None,
                                        scale=alt.Scale(domain=domain, range=[s[2] for s in styles.values()])),
            tooltip=[alt.Tooltip("curve:N"), alt.Tooltip("step:Q", title="t"),
                     alt.Tooltip("size:N", title="size"),
                     alt.Tooltip("log10_size:Q", title="log10 size", format=".3f")],
        )
    )


def float_rules_frame(limits: FloatLimits | None, last_step: int) -> pd.DataFrame:
    """One row per float limit crossed within the computed steps: step, label, colour."""
    rows = []
    if limits is not None:
        for field, name, color in _FLOAT_RULES:
            t = getattr(limits, field)
            if t is not None and t <= last_step:
                rows.append({"step": int(t), "label": f"{name} at t = {t}", "color": color})
    return pd.DataFrame(rows, columns=["step", "label", "color"])


def _float_rules(rules: pd.DataFrame, last_step: int) -> list[alt.Chart | alt.LayerChart]:
    """A dashed vertical rule and a label per crossing; colours are fixed on the marks so the
    curves' colour legend is left alone."""
    layers: list[alt.Chart | alt.LayerChart] = []
    for row, (_, r) in enumerate(rules.iterrows()):
        one = pd.DataFrame({"step": [r["step"]], "label": [r["label"]], "y_px": [14 + 18 * row]})
        layers.append(
            alt.Chart(one).mark_rule(strokeDash=[4, 3], strokeWidth=2, color=r["color"])
            .encode(x="step:Q", tooltip=[alt.Tooltip("label:N", title="leaves the float range")])
        )
        late = r["step"] > 0.7 * max(last_step, 1)  # label on the left of a rule near the right edge
        layers.append(halo_text(one, {"x": "step:Q", "y": alt.Y("y_px:Q", scale=None), "text": "label:N"},
                                 align="right" if late else "left", dx=-5 if late else 5, fontSize=13,
                                 fontWeight="bold", color=r["color"]))
    return layers


# ---------------------------------------------------------------------------
# (1) eigenvalues on the complex plane


def eigenvalue_plane_chart(
    eigenvalues: Sequence[complex], regimes: Sequence[Regime], *, gain: float | None = None,
    annotation: str | None = None, size: int = PLANE_SIZE,
) -> alt.LayerChart:
    """Eigenvalues coloured and shaped by regime, the unit circle, and (random ``W``) the circle ``|z| = g``.

    ``regimes`` holds a :class:`explorer.sim.Regime` per eigenvalue
    (:func:`explorer.sim.growth_regime`), drawn with chartkit's colour and
    shape for that regime and the legend text of :data:`PLANE_LABELS`. ``annotation`` is written next to
    the eigenvalue of largest modulus (e.g. the multiplicity of a Jordan block).
    The plot is ``size`` pixels square with equal ranges on both axes, so
    circles stay round; render it at its own width, not stretched.
    """
    z = np.asarray(eigenvalues, dtype=complex)
    regimes = list(regimes)
    if len(regimes) != z.size:
        raise ValueError(f"regimes must have one entry per eigenvalue, got {len(regimes)} for {z.size}")
    df = finite_rows(pd.DataFrame({
        "re": z.real, "im": z.imag, "abs": np.abs(z),
        "regime": [PLANE_LABELS[r] for r in regimes],
        "lambda": [complex_text(v) for v in z],
    }), ["re", "im", "abs"])
    reach = max(1.0, float(df["abs"].max()) if not df.empty else 1.0, gain or 0.0)
    domain = [-1.15 * reach, 1.15 * reach]
    x = alt.X("re:Q", title="real part of λ", scale=alt.Scale(domain=domain, nice=False), axis=alt.Axis(tickCount=7))
    y = alt.Y("im:Q", title="imaginary part of λ", scale=alt.Scale(domain=domain, nice=False),
              axis=alt.Axis(tickCount=7))
    circles = [circle_frame(1.0, "unit circle |λ| = 1")]
    circle_dash = [SOLID]
    circle_color = [NEUTRAL]
    if gain is not None:
        circles.append(circle_frame(float(gain), f"circular law: |λ| = g = {gain:g}"))
        circle_dash.append(THEORY_DASH)
        circle_color.append(THEORY)
    circle_df = pd.concat(circles, ignore_index=True)
    circle_domain = list(dict.fromkeys(circle_df["curve"]))
    rings = (
        alt.Chart(circle_df)
        .mark_line(strokeWidth=2, clip=True)
        .encode(
            x=x, y=y, order="k:Q", detail="curve:N",
            color=alt.Color("curve:N", title=None, scale=alt.Scale(domain=circle_domain, range=circle_color),
                            legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=320)),
            strokeDash=alt.StrokeDash("curve:N", title=None,
                                      scale=alt.Scale(domain=circle_domain, range=circle_dash), legend=None),
            tooltip=[alt.Tooltip("curve:N")],
        )
    )
    regime_domain = list(PLANE_LABELS.values())
    many = len(df) > 40
    points = (
        alt.Chart(df)
        .mark_point(filled=True, opacity=0.75 if many else 0.95, size=45 if many else 170, clip=True,
                    stroke="white", strokeWidth=0.5 if many else 1.2)
        .encode(
            x=x, y=y,
            fill=alt.Fill("regime:N", title=None, scale=alt.Scale(
                domain=regime_domain, range=[REGIME_COLORS[r] for r in PLANE_LABELS]),
                legend=alt.Legend(orient="bottom", direction="vertical", symbolSize=220, symbolStrokeWidth=0)),
            shape=alt.Shape("regime:N", title=None, scale=alt.Scale(
                domain=regime_domain, range=[REGIME_SHAPES[r] for r in PLANE_LABELS]),
                legend=alt.Legend(orient="bottom", direction="vertical", symbolSize=220, symbolStrokeWidth=0)),
            tooltip=[alt.Tooltip("lambda:N", title="λ"), alt.Tooltip("abs:Q", title="|λ|", format=".6g"),
                     alt.Tooltip("regime:N", title="mode")],
        )
    )
    layers: list = [rings, points]
    if annotation and not df.empty:
        top = df.loc[df["abs"].idxmax()]
        right = float(top["re"]) > 0
        layers.append(halo_text(
            pd.DataFrame({"re": [top["re"]], "im": [top["im"]], "text": [annotation]}),
            {"x": x, "y": y, "text": "text:N"},
            align="right" if right else "left", dx=-14 if right else 14, dy=-16, fontSize=13, fontWeight="bold",
            color=THEORY,
        ))
    chart = alt.layer(*layers).resolve_scale(color="independent")
    # "pad": the plotting area itself is size x size; axes and legend are added around it.
    return configure(chart.properties(width=size, height=size, autosize=alt.AutoSizeParams(type="pad")))


# ---------------------------------------------------------------------------
# (2) growth of ||W^t|| against rho^t and ||W||^t, with float limits and the transient peak


def growth_chart(
    log_measured: np.ndarray, *, measured_label: str, log_rho: float, log_norm_W: float,
    log_gain: float | None = None, log_corner: np.ndarray | None = None,
    peak: tuple[int, float] | None = None, limits: FloatLimits | None = None, height: int = 360,
) -> alt.LayerChart:
    """``log10`` of the measured size against the eigenvalue prediction ``rho^t`` and the bound ``||W||^t``.

    Parameters
    ----------
    log_measured : (T + 1,) ndarray
        Natural log of the measured size at ``t = 0..T`` (``||W^t||`` or ``||W^t x||``).
    measured_label : str
        Legend text of the measured curve.
    log_rho, log_norm_W : float
        ``ln rho(W)`` and ``ln ||W||_2`` (``-inf`` allowed: that line is not drawn).
    log_gain : float, optional
        ``ln g`` of a random Gaussian ``W``: adds the circular-law line ``g^t``.
    log_corner : (T + 1,) ndarray, optional
        ``ln |(J^t)_{1,m}|`` of a Jordan block: adds the polynomial theory line.
    peak : (step, ln size), optional
        Transient peak to mark (height and step written beside it).
    limits : FloatLimits, optional
        Steps where the measured size leaves float32/float64; a labelled
        vertical rule marks each crossing within ``0..T``.

    Theory lines are clipped to a y range set by the measured curve (and
    ``rho^t``, ``g^t``, the Jordan corner), so a fast ``||W||^t`` leaves the
    top of the frame instead of flattening everything else.
    """
    y = log10_of(log_measured)
    T = y.size - 1
    step = np.arange(T + 1)
    t = step.astype(float)
    curves: dict[str, np.ndarray] = {measured_label: y}
    styles = {measured_label: (MEASURED, SOLID, 3.0)}
    with np.errstate(invalid="ignore"):
        rho_line = np.where(t == 0, 0.0, t * log_rho / LN10)
        norm_line = np.where(t == 0, 0.0, t * log_norm_W / LN10)
    in_range = [y, rho_line]
    if log_gain is not None:
        curves[GAIN_LABEL] = t * log_gain / LN10
        styles[GAIN_LABEL] = (ACCENT, DASH_DOT, 2.5)
        in_range.append(curves[GAIN_LABEL])
    curves[RHO_LABEL] = rho_line
    styles[RHO_LABEL] = (THEORY, THEORY_DASH, 2.5)
    if log_corner is not None:
        curves[CORNER_LABEL] = log10_of(log_corner)
        styles[CORNER_LABEL] = (ACCENT, THEORY_DASH, 2.5)
        in_range.append(curves[CORNER_LABEL])
    curves[NORM_LABEL] = norm_line
    styles[NORM_LABEL] = (NEUTRAL, DOTTED, 2.5)

    rules = float_rules_frame(limits, T)
    keep = [peak[0] if peak else None, *rules["step"].tolist()]
    index = sample_steps(y, keep=keep)
    df = _line_frame(step, curves, index)
    y_domain = decade_domain(np.concatenate([np.asarray(v)[index] for v in in_range]))
    layers: list = [_lines(df, styles, y_title="size (log scale)", y_domain=y_domain)]
    if peak is not None:
        p_step, p_log = peak
        p10 = p_log / LN10
        mark = pd.DataFrame({"step": [p_step], "log10_size": [p10], "size": pow10_text([p10]),
                             "text": [f"peak {fmt_pow10(p10)} at t = {p_step}"]})
        mark = finite_rows(mark, ["step", "log10_size"])
        if not mark.empty:
            near_right = p_step > 0.7 * max(T, 1)
            layers.append(
                alt.Chart(mark).mark_point(shape="diamond", size=220, filled=True, color=ACCENT, stroke="white")
                .encode(x="step:Q", y="log10_size:Q",
                        tooltip=[alt.Tooltip("text:N", title="transient"), alt.Tooltip("size:N", title="‖Wᵗ‖")])
            )
            layers.append(halo_text(mark, {"x": "step:Q", "y": "log10_size:Q", "text": "text:N"},
                                     align="right" if near_right else "left", dx=-12 if near_right else 12,
                                     dy=-12, fontSize=14, fontWeight="bold", color=THEORY))
    layers.extend(_float_rules(rules, T))
    return configure(base_properties(alt.layer(*layers), height=height))


# ---------------------------------------------------------------------------
# (3) Gelfand: ||W^t||^(1/t) -> rho(W)


def gelfand_chart(
    log_measured: np.ndarray, *, measured_label: str, log_rho: float, log_norm_W: float,
    log_gain: float | None = None, probe: int | None = None, height: int = 250,
) -> alt.LayerChart:
    """``size_t^(1/t)`` for ``t >= 1`` (log-scaled t) with horizontal lines at ``rho``, ``||W||`` (and ``g``).

    ``probe`` marks one step ``t`` (a rule and the root's value there), the step the caption reads out.

    The root is ``exp(ln size_t / t)``, which lies between ``rho`` and
    ``||W||`` for ``||W^t||``, so it never overflows; an exact zero gives 0.
    """
    logs = np.asarray(log_measured, dtype=float)
    T = logs.size - 1
    if T < 1:
        t = np.array([1])
        root = np.array([math.exp(log_norm_W)]) if math.isfinite(log_norm_W) else np.array([0.0])
    else:
        t = np.unique(np.round(np.geomspace(1, T, min(T, 400))).astype(int))
        with np.errstate(over="ignore"):
            root = np.exp(logs[t] / t)
    df = finite_rows(pd.DataFrame({"step": t, "root": root, "curve": f"{measured_label}^(1/t)"}), ["step", "root"])
    levels = [("ρ(W)", log_rho, THEORY_DASH, THEORY), ("‖W‖", log_norm_W, DOTTED, NEUTRAL)]
    if log_gain is not None:
        levels.append(("g", log_gain, DASH_DOT, ACCENT))
    lv = pd.DataFrame({
        "label": [f"{name} = {math.exp(v):.4g}" if math.isfinite(v) else f"{name} = 0" for name, v, _, _ in levels],
        "value": [math.exp(v) if math.isfinite(v) else 0.0 for _, v, _, _ in levels],
    })
    lv = finite_rows(lv, ["value"])
    values = np.concatenate([df["root"].to_numpy(), lv["value"].to_numpy()[:1]])
    lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
    pad = max(0.06 * (hi - lo), 0.02 * max(hi, 1e-3))
    y_domain = [max(0.0, lo - pad), hi + pad]
    x = alt.X("step:Q", title="step t (log scale)", scale=alt.Scale(type="log", domain=[1, max(T, 2)], nice=False))
    yenc = alt.Y("root:Q", title="per-step factor", scale=alt.Scale(domain=y_domain, nice=False, zero=False))
    domain = list(lv["label"]) + list(dict.fromkeys(df["curve"]))
    colors = [*[c for _, _, _, c in levels][: len(lv)], MEASURED]
    dashes = [*[d for _, _, d, _ in levels][: len(lv)], SOLID]
    color = alt.Color("curve:N", title=None, scale=alt.Scale(domain=domain, range=colors),
                      legend=alt.Legend(labelLimit=380, columns=fit_legend_columns(domain, (0, 2, 1))))
    dash = alt.StrokeDash("curve:N", title=None, scale=alt.Scale(domain=domain, range=dashes), legend=None)
    line = alt.Chart(df).mark_line(strokeWidth=3, clip=True).encode(
        x=x, y=yenc, color=color, strokeDash=dash,
        tooltip=[alt.Tooltip("step:Q", title="t"), alt.Tooltip("root:Q", title="size^(1/t)", format=".5g")],
    )
    levels_df = lv.rename(columns={"label": "curve", "value": "root"})
    rules = alt.Chart(levels_df).mark_rule(strokeWidth=2.5, clip=True).encode(
        y=yenc, color=color, strokeDash=dash, tooltip=[alt.Tooltip("curve:N", title="level")],
    )
    layers: list = [rules, line]
    if probe is not None and 1 <= probe <= T:
        with np.errstate(over="ignore"):
            value = float(np.exp(logs[probe] / probe))
        mark = finite_rows(pd.DataFrame({"step": [probe], "root": [value], "text": [f"t = {probe}"]}), ["root"])
        layers.append(alt.Chart(pd.DataFrame({"step": [probe]})).mark_rule(strokeDash=[4, 3], color=ACCENT,
                                                                            strokeWidth=2).encode(x=x))
        if not mark.empty:
            layers.append(alt.Chart(mark).mark_point(shape="diamond", size=160, filled=True, color=ACCENT,
                                                     stroke="white", clip=True).encode(
                x=x, y=yenc, tooltip=[alt.Tooltip("step:Q", title="t"),
                                      alt.Tooltip("root:Q", title="size^(1/t)", format=".5g")]))
    return configure(base_properties(alt.layer(*layers), height=height))


# ---------------------------------------------------------------------------
# (4) the modal picture


def mode_chart(mc: ModeContributions, *, max_modes: int = 6, depth_decades: float = 6.0,
               height: int = 330) -> alt.LayerChart:
    """``|c_i lambda_i^t|`` per mode (dashed, theory) and the directly computed ``||W^t x||`` (solid).

    The y range reaches ``depth_decades`` below the smallest ``||W^t x||``;
    modes that sink further leave the frame (they are clipped, not dropped).

    Raises
    ------
    ValueError
        If ``mc.reliable`` is False: with an ill-conditioned or missing
        eigenvector basis the coefficients are rounding noise, and the page
        says so in words instead of drawing them.
    """
    if not mc.reliable:
        raise ValueError(f"the modal picture is numerically unreliable (cond(V) = {mc.cond_V:.3g}); do not draw it")
    total = log10_of(mc.log_norm_trajectory)
    step = np.asarray(mc.step)
    measured = "‖Wᵗx‖ computed directly"
    curves: dict[str, np.ndarray] = {measured: total}
    styles: dict[str, tuple[str, list[int], float]] = {measured: (THEORY, SOLID, 3.0)}
    m = min(len(mc.eigenvalues), max_modes)
    for i in range(m):
        label = f"mode {i + 1}: {mode_label(complex(mc.eigenvalues[i]), bool(mc.is_pair[i]))}"
        curves[label] = log10_of(mc.log_contributions[i])
        styles[label] = (MODE_COLORS[i % len(MODE_COLORS)], THEORY_DASH, 2.5)
    index = sample_steps(total)
    df = _line_frame(step, curves, index)
    # Modes far below the whole vector no longer matter; let them leave the frame at the bottom.
    lowest = float(np.min(total[index][np.isfinite(total[index])], initial=0.0))
    values = df["log10_size"].to_numpy()
    y_domain = decade_domain(values[values >= lowest - depth_decades])
    is_total = df["curve"] == measured
    whole = _lines(df[is_total], styles, y_title="size (log scale)", y_domain=y_domain)
    parts = _lines(df[~is_total], styles, y_title="size (log scale)", y_domain=y_domain)
    return configure(base_properties(alt.layer(whole, parts), height=height))


# ---------------------------------------------------------------------------
# (5) the gradient reading


def gradient_chart(
    log_gradient: np.ndarray, *, log_reference: np.ndarray, reference_label: str,
    log_rate: float, rate_label: str, height: int = 330,
) -> alt.LayerChart:
    """``||(W^T)^t g||`` (solid) beside a forward size (dashed) and a rate line ``exp(t log_rate)`` (dotted)."""
    g = log10_of(log_gradient)
    T = g.size - 1
    step = np.arange(T + 1)
    grad_label = "‖(Wᵀ)ᵗg‖: gradient t steps back"
    curves = {
        grad_label: g,
        reference_label: log10_of(log_reference)[: T + 1],
        rate_label: step * (log_rate / LN10) if math.isfinite(log_rate) else np.full(T + 1, np.nan),
    }
    styles = {grad_label: (GRADIENT_COLOR, SOLID, 3.0), reference_label: (MEASURED, THEORY_DASH, 2.5),
              rate_label: (THEORY, DOTTED, 2.5)}
    index = sample_steps(g)
    df = _line_frame(step, curves, index)
    y_domain = decade_domain(np.concatenate([g[index], curves[reference_label][index]]))
    chart = _lines(df, styles, y_title="size after t steps (log scale)", y_domain=y_domain,
                   x_title="steps back in time t")
    return configure(base_properties(chart, height=height))


# ---------------------------------------------------------------------------
# the page's figures, from its typed measurement


def plane_chart_of(m: Measurement, annotation: str | None = None) -> alt.LayerChart:
    """The eigenvalues of the measured W on the complex plane."""
    return eigenvalue_plane_chart(m.eigenvalues, m.regimes, annotation=annotation,
                                  gain=m.settings.matrix.gain if m.source == "random" else None)


def growth_chart_of(m: Measurement) -> alt.LayerChart:
    """Measured size against ρ(W)ᵗ and ‖W‖ᵗ, with the transient peak and the float limits."""
    peak = (m.peak.step, m.peak.log_size) if m.peak else None
    return growth_chart(m.log_measured, measured_label=f"{m.settings.matrix.measured_label} measured",
                        log_rho=m.log_rho, log_norm_W=m.log_norm_W, log_gain=m.log_gain, log_corner=m.log_corner,
                        peak=peak, limits=m.limits)


def gelfand_chart_of(m: Measurement, probe: int | None = None) -> alt.LayerChart:
    return gelfand_chart(m.log_measured, measured_label=m.settings.matrix.measured_label, log_rho=m.log_rho,
                         log_norm_W=m.log_norm_W, log_gain=m.log_gain, probe=probe)


def mode_chart_of(m: Measurement, decades: float = 6.0) -> alt.LayerChart:
    """The modal picture; raises ValueError where it is absent or unreliable (the page says so in words)."""
    if m.modes is None:
        raise ValueError("a random W has no modal picture on this page")
    return mode_chart(m.modes, depth_decades=float(decades))


def gradient_chart_of(m: Measurement) -> alt.LayerChart:
    """The gradient sent back through Wᵀ beside the forward size and the rate line the page compares it with."""
    ref = gradient_reference(m)
    return gradient_chart(m.log_gradient, log_reference=m.log_measured, reference_label=ref.label,
                          log_rate=ref.log_rate, rate_label=ref.rate_label)
