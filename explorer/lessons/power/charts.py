"""Charts for the power-method page: the plane picture and four convergence charts.

Everything that can explode or vanish (the angle to the dominant eigenvector,
the norm of ``W^t x``) arrives here as ``log10`` values and is drawn on a
``log10_axis``; theory is dashed black, measurement solid blue. NaN and
infinite values never reach a spec (``finite_rows``).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from explorer.chartkit import (
    ACCENT,
    MEASURED,
    NEUTRAL,
    OKABE_ITO,
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
from explorer.format import pow10_text
from explorer.lessons.power.reading import (
    NORM_THEORY_LABEL,
    ConvergenceResult,
    PlaneResult,
    direction_plot,
    rayleigh_label,
)
from explorer.sim import CircleImage, EigenLine

MEASURED_LABEL = "measured"
ANGLE_AXIS_TITLE = "angle to v₁ (radians, log scale)"
NORM_AXIS_TITLE = "‖x_t‖ (log scale)"
SOLID = [1, 0]
ANGLE_FLOOR_LOG10 = -16.0
"""float64 resolves directions only to about 1e-16 rad; theory below the measured floor is not drawn."""


def _series_encoding(theory_label: str | None) -> dict:
    """Measured solid blue, theory dashed black; no legend entry for a theory that is not drawn."""
    domain = [MEASURED_LABEL] if theory_label is None else [MEASURED_LABEL, theory_label]
    return {
        "color": alt.Color("series:N", title=None,
                           scale=alt.Scale(domain=domain, range=[MEASURED, THEORY][: len(domain)]),
                           legend=alt.Legend(columns=fit_legend_columns(domain, (0, 1)))),
        "strokeDash": alt.StrokeDash("series:N", title=None,
                                     scale=alt.Scale(domain=domain, range=[SOLID, THEORY_DASH][: len(domain)])),
    }


def _long(t: np.ndarray, measured: np.ndarray, theory: np.ndarray | None, theory_label: str,
          column: str) -> pd.DataFrame:
    frames = [pd.DataFrame({"t": t, column: measured, "series": MEASURED_LABEL})]
    if theory is not None:
        frames.append(pd.DataFrame({"t": t, column: theory, "series": theory_label}))
    return finite_rows(pd.concat(frames, ignore_index=True), ["t", column])


def _decade_domain(values: np.ndarray, top: float | None = None) -> list[float]:
    """Whole decades around the data, so a ``log10_axis`` always has integer ticks to label."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return [-1.0, 0.0]
    lo = float(np.floor(v.min()))
    hi = float(np.ceil(v.max())) if top is None else float(top)
    return [lo if lo < hi else hi - 1.0, hi]


# ---------------------------------------------------------------------------
# (a) direction


def angle_chart(angle: np.ndarray, theory_log10: np.ndarray, *, theory_label: str) -> alt.LayerChart:
    """``log10`` of the angle between ``x_t`` and the dominant eigenvector, with the predicted line.

    ``angle`` is in radians (NaN/0 entries are dropped); ``theory_log10`` comes
    from :func:`explorer.sim.theory_log10_angle`. Theory below the measured
    floor (float64 resolution) is cut so the axis stays readable.
    """
    t = np.arange(len(angle))
    with np.errstate(divide="ignore", invalid="ignore"):
        measured = np.log10(np.asarray(angle, dtype=float))
    finite = measured[np.isfinite(measured)]
    floor = min(float(finite.min()) if finite.size else 0.0, ANGLE_FLOOR_LOG10) - 1.0
    theory = np.where(np.asarray(theory_log10) >= floor, theory_log10, np.nan)
    df = _long(t, measured, theory, theory_label, "log10_angle")
    df["angle"] = pow10_text(df["log10_angle"].to_numpy(), " rad")
    chart = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5, clip=True)
        .encode(
            x=alt.X("t:Q", title="step t"),
            # angles never exceed pi/2 (log10 = 0.196), so the top of the axis is fixed just above it
            y=alt.Y("log10_angle:Q", axis=log10_axis(ANGLE_AXIS_TITLE),
                    scale=alt.Scale(domain=_decade_domain(df["log10_angle"], top=0.3), nice=False)),
            **_series_encoding(theory_label),
            tooltip=[alt.Tooltip("series:N"), alt.Tooltip("t:Q", title="step t"),
                     alt.Tooltip("angle:N", title="angle"),
                     alt.Tooltip("log10_angle:Q", title="log10 angle", format=".2f")],
        )
    )
    return configure(base_properties(chart, height=330))


def turn_chart(turn_deg: np.ndarray, theory_deg: float | None, *, theory_label: str) -> alt.LayerChart:
    """Degrees the direction turns per step, for matrices with no unique dominant eigenvalue.

    ``theory_deg`` (``|arg lambda_1|``) is drawn as a dashed horizontal line
    when given (complex pair); None draws the measurement only.
    """
    turn = np.asarray(turn_deg, dtype=float)
    t = np.arange(len(turn))
    theory = None if theory_deg is None or not np.isfinite(theory_deg) else np.full(len(turn), float(theory_deg))
    df = _long(t, turn, theory, theory_label, "turn")
    chart = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5, point=len(turn) <= 80)
        .encode(
            x=alt.X("t:Q", title="step t"),
            y=alt.Y("turn:Q", title="turn per step (degrees)", scale=alt.Scale(domain=[0, 180])),
            **_series_encoding(None if theory is None else theory_label),
            tooltip=[alt.Tooltip("series:N"), alt.Tooltip("t:Q", title="step t"),
                     alt.Tooltip("turn:Q", title="turn (°)", format=".3f")],
        )
    )
    return configure(base_properties(chart, height=330))


# ---------------------------------------------------------------------------
# (b) size


def norm_chart(log10_norm: np.ndarray, log10_lambda1: float, *, theory_label: str) -> alt.LayerChart:
    """``log10 ||W^t x||`` with the line ``log10 ||x_0|| + t log10 |lambda_1|`` (dashed)."""
    measured = np.asarray(log10_norm, dtype=float)
    t = np.arange(len(measured))
    theory = None
    if np.isfinite(measured[0]) and np.isfinite(log10_lambda1):
        theory = measured[0] + t * float(log10_lambda1)
    df = _long(t, measured, theory, theory_label, "log10_norm")
    df["norm"] = pow10_text(df["log10_norm"].to_numpy())
    chart = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("t:Q", title="step t"),
            y=alt.Y("log10_norm:Q", axis=log10_axis(NORM_AXIS_TITLE),
                    scale=alt.Scale(domain=_decade_domain(df["log10_norm"]), nice=False)),
            **_series_encoding(theory_label),
            tooltip=[alt.Tooltip("series:N"), alt.Tooltip("t:Q", title="step t"),
                     alt.Tooltip("norm:N", title="‖x_t‖"),
                     alt.Tooltip("log10_norm:Q", title="log10 ‖x_t‖", format=".3f")],
        )
    )
    return configure(base_properties(chart))


# ---------------------------------------------------------------------------
# (c) eigenvalue estimate


def rayleigh_chart(rayleigh: np.ndarray, lambda1_real: float, *, theory_label: str) -> alt.LayerChart:
    """Rayleigh quotient ``x_t^T W x_t / x_t^T x_t`` against ``t``, with ``Re lambda_1`` dashed."""
    measured = np.asarray(rayleigh, dtype=float)
    t = np.arange(len(measured))
    theory = np.full(len(measured), float(lambda1_real)) if np.isfinite(lambda1_real) else None
    df = _long(t, measured, theory, theory_label, "rayleigh")
    # never zoom into rounding noise: the y range spans at least 1e-3 of the values' size
    lo, hi = (float(df["rayleigh"].min()), float(df["rayleigh"].max())) if not df.empty else (0.0, 1.0)
    mid, half = (lo + hi) / 2, max((hi - lo) / 2 * 1.05, 5e-4 * max(1.0, abs(lo), abs(hi)))
    domain = [mid - half, mid + half] if np.isfinite(mid + half) else None
    chart = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5, clip=True)
        .encode(
            x=alt.X("t:Q", title="step t"),
            y=alt.Y("rayleigh:Q", title="Rayleigh quotient r_t",
                    scale=alt.Scale(zero=False, domain=domain) if domain else alt.Scale(zero=False)),
            **_series_encoding(theory_label),
            tooltip=[alt.Tooltip("series:N"), alt.Tooltip("t:Q", title="step t"),
                     alt.Tooltip("rayleigh:Q", title="r_t", format=".8g")],
        )
    )
    return configure(base_properties(chart))


# ---------------------------------------------------------------------------
# (d) spectrum


def _square(chart: alt.LayerChart, size: int) -> alt.LayerChart:
    """A plot area of ``size`` x ``size`` pixels, axes and legend added around it ("pad")."""
    return configure(chart.properties(width=size, height=size, autosize=alt.AutoSizeParams(type="pad")))


def eigenvalue_chart(eigenvalues: Sequence[complex], *, dominant_label: str, size: int = 320) -> alt.LayerChart:
    """Eigenvalues on the complex plane, the unit circle, and the circle ``|z| = |lambda_1|``.

    ``eigenvalues`` must be sorted by decreasing magnitude (as the sim returns
    them); the first is marked as dominant. Both axes share one range and the
    plot is ``size`` pixels square, so the circles stay round; render it at its
    own width, not stretched.
    """
    z = np.asarray(eigenvalues, dtype=complex)
    df = pd.DataFrame({
        "re": z.real, "im": z.imag, "abs": np.abs(z),
        "role": ["dominant λ₁" if i == 0 else "other eigenvalues" for i in range(len(z))],
        "index": np.arange(1, len(z) + 1),
    })
    df = finite_rows(df, ["re", "im", "abs"])
    rho = float(df["abs"].max()) if not df.empty else 1.0
    reach = max(1.0, rho, float(np.max(np.abs(df[["re", "im"]].to_numpy()))) if not df.empty else 1.0)
    domain = [-1.12 * reach, 1.12 * reach]
    x = alt.X("re:Q", title="real part", scale=alt.Scale(domain=domain, nice=False), axis=alt.Axis(tickCount=7))
    y = alt.Y("im:Q", title="imaginary part", scale=alt.Scale(domain=domain, nice=False), axis=alt.Axis(tickCount=7))
    circles = pd.concat([circle_frame(1.0, "unit circle |λ| = 1"),
                         circle_frame(rho, "|λ| = |λ₁|")], ignore_index=True)
    curve_domain = ["unit circle |λ| = 1", "|λ| = |λ₁|"]
    rings = (
        alt.Chart(finite_rows(circles, ["re", "im"]))
        .mark_line(strokeWidth=1.5, clip=True)
        .encode(
            x=x, y=y, order="k:Q", detail="curve:N",
            strokeDash=alt.StrokeDash("curve:N", title=None,
                                      scale=alt.Scale(domain=curve_domain, range=[SOLID, THEORY_DASH])),
            color=alt.value(NEUTRAL),
            tooltip=[alt.Tooltip("curve:N")],
        )
    )
    role_domain = ["dominant λ₁", "other eigenvalues"]
    points = (
        alt.Chart(df)
        .mark_point(filled=True, opacity=0.85, clip=True)
        .encode(
            x=x, y=y,
            color=alt.Color("role:N", title=None, scale=alt.Scale(domain=role_domain, range=[ACCENT, MEASURED])),
            size=alt.Size("role:N", scale=alt.Scale(domain=role_domain, range=[220, 50]), legend=None),
            shape=alt.Shape("role:N", scale=alt.Scale(domain=role_domain, range=["diamond", "circle"]),
                            legend=None),
            tooltip=[alt.Tooltip("index:Q", title="rank by |λ|"), alt.Tooltip("re:Q", title="Re λ", format=".6g"),
                     alt.Tooltip("im:Q", title="Im λ", format=".6g"), alt.Tooltip("abs:Q", title="|λ|", format=".6g")],
        )
    )
    # the label sits on the side of lambda_1 that faces the centre, so it never leaves the frame
    first_re = float(df["re"].iloc[0]) if not df.empty else 0.0
    label = halo_text(
        pd.DataFrame({"re": df["re"].head(1), "im": df["im"].head(1), "text": dominant_label}),
        {"x": x, "y": y, "text": "text:N"},
        align="right" if first_re > 0 else "left", dx=-12 if first_re > 0 else 12, dy=-14,
        fontSize=14, fontWeight="bold", color=THEORY,
    )
    return _square(alt.layer(rings, points, label), size)


# ---------------------------------------------------------------------------
# the plane picture (n = 2)

def plane_layers(matrix_name: str = "W") -> dict[str, str]:
    """Legend entries of the plane picture and their colours."""
    return {
        "unit circle": NEUTRAL,
        f"image of the circle under {matrix_name}": OKABE_ITO["purple"],
        "eigenvector line": THEORY,
        "earlier directions x_s": MEASURED,
        "current direction x_t": ACCENT,
        f"{matrix_name}·x_t (next step, unscaled)": OKABE_ITO["vermillion"],
    }


def plane_chart(
    image: CircleImage, lines: Sequence[EigenLine], directions: np.ndarray, next_vector: np.ndarray,
    *, matrix_name: str = "W", max_radius: float = 4.0, size: int = 400,
) -> alt.LayerChart:
    """Unit circle, its image under the matrix, eigenvector lines, and the iterates' directions.

    Parameters
    ----------
    image : CircleImage
        :func:`explorer.sim.unit_circle_image` of the iterated matrix.
    lines : sequence of EigenLine
        :func:`explorer.sim.eigen_lines` of the iterated matrix (labelled with their eigenvalues).
    directions : ndarray, shape (t+1, 2)
        Unit vectors ``x_s / ||x_s||`` for ``s = 0..t``; the last row is the current step.
    next_vector : ndarray, shape (2,)
        The matrix applied to the current unit direction (a point on the image ellipse).
    matrix_name : str
        How the iterated matrix is written in labels (``"W"`` or ``"Wᵀ"``).
    max_radius : float
        The frame is ``[-R, R]^2`` with ``R = min(1.1 max(1, |image|), max_radius)``; larger images are clipped.
    size : int
        The plot is ``size`` pixels square, so circles stay round and angles true; render it at its
        own width, not stretched.
    """
    dirs = np.asarray(directions, dtype=float).reshape(-1, 2)
    reach = float(np.nanmax(np.hypot(image.image[:, 0], image.image[:, 1]))) if image.image.size else 1.0
    if not np.isfinite(reach):
        reach = max_radius
    R = min(1.1 * max(1.0, reach), max_radius)
    scale = alt.Scale(domain=[-R, R], nice=False)

    def X(field: str) -> alt.X:
        return alt.X(f"{field}:Q", title="first coordinate", scale=scale, axis=alt.Axis(tickCount=7))

    def Y(field: str) -> alt.Y:
        return alt.Y(f"{field}:Q", title="second coordinate", scale=scale, axis=alt.Axis(tickCount=7))

    names = list(plane_layers(matrix_name))
    circle_name, image_name, line_name, earlier_name, current_name, next_name = names
    legend = alt.Legend(columns=fit_legend_columns(names, (2, 1)), symbolStrokeWidth=3, labelLimit=0)
    color = alt.Color("layer:N", title=None, legend=legend,
                      scale=alt.Scale(domain=names, range=list(plane_layers(matrix_name).values())))

    curves = pd.concat([
        pd.DataFrame({"x": image.circle[:, 0], "y": image.circle[:, 1], "layer": circle_name}),
        pd.DataFrame({"x": image.image[:, 0], "y": image.image[:, 1], "layer": image_name}),
    ]).reset_index(names="k")
    curves = finite_rows(curves, ["x", "y"])
    curve_layer = (
        alt.Chart(curves)
        .mark_line(strokeWidth=2, clip=True)
        .encode(x=X("x"), y=Y("y"), order="k:Q", detail="layer:N", color=color,
                tooltip=[alt.Tooltip("layer:N", title="curve")])
    )

    # each eigenvector line spans the whole frame; labels sit at 0.8 R, on opposite sides so nearly
    # parallel lines (a non-normal W) do not print one label over the other
    line_rows = [
        {"x": -1.5 * R * line.direction[0], "y": -1.5 * R * line.direction[1],
         "x2": 1.5 * R * line.direction[0], "y2": 1.5 * R * line.direction[1],
         "lx": side * 0.8 * R * line.direction[0], "ly": side * 0.8 * R * line.direction[1],
         "layer": line_name, "eigenvalue": line.eigenvalue, "text": f"λ = {line.eigenvalue:.4g}"}
        for line, side in zip(lines, (1.0, -1.0), strict=False)
    ]
    line_df = finite_rows(
        pd.DataFrame(line_rows, columns=["x", "y", "x2", "y2", "lx", "ly", "layer", "eigenvalue", "text"]),
        ["x", "y", "x2", "y2", "lx", "ly", "eigenvalue"],
    )
    eig_rules = (
        alt.Chart(line_df)
        .mark_rule(strokeDash=THEORY_DASH, strokeWidth=1.5, clip=True)
        .encode(x=X("x"), y=Y("y"), x2="x2:Q", y2="y2:Q", color=color,
                tooltip=[alt.Tooltip("text:N", title="eigenvector line")])
    )
    eig_text = halo_text(line_df[["lx", "ly", "text"]], {"x": X("lx"), "y": Y("ly"), "text": "text:N"},
                          align="left", dx=6, dy=-10, fontSize=15, fontWeight="bold", color=THEORY)

    t_now = len(dirs) - 1
    arrows = pd.DataFrame({
        "s": np.arange(len(dirs)), "x0": 0.0, "y0": 0.0, "x": dirs[:, 0], "y": dirs[:, 1],
        "layer": [current_name if s == t_now else earlier_name for s in range(len(dirs))],
        "age": t_now - np.arange(len(dirs)),
    })
    arrows = finite_rows(arrows, ["x", "y"])
    fade = alt.Opacity("age:Q", scale=alt.Scale(domain=[0, max(t_now, 1)], range=[1.0, 0.25]), legend=None)
    arrow_tooltip = [alt.Tooltip("s:Q", title="step s"), alt.Tooltip("x:Q", title="x̂₁", format=".4f"),
                     alt.Tooltip("y:Q", title="x̂₂", format=".4f")]
    rays = (
        alt.Chart(arrows)
        .mark_rule(clip=True)
        .encode(x=X("x0"), y=Y("y0"), x2="x:Q", y2="y:Q", color=color, opacity=fade,
                strokeWidth=alt.condition(alt.datum.age == 0, alt.value(4), alt.value(2)),
                tooltip=arrow_tooltip)
    )
    tips = (
        alt.Chart(arrows)
        .mark_point(filled=True, size=45, clip=True)
        .encode(x=X("x"), y=Y("y"), color=color, opacity=fade, tooltip=arrow_tooltip)
    )
    nxt = np.asarray(next_vector, dtype=float).reshape(2)
    step_df = finite_rows(pd.DataFrame({
        "x0": [0.0], "y0": [0.0], "x": [nxt[0]], "y": [nxt[1]], "layer": [next_name],
        "norm": [float(np.hypot(*nxt))],
    }), ["x", "y", "norm"])
    step_tooltip = [alt.Tooltip("layer:N", title="vector"), alt.Tooltip("norm:Q", title="length", format=".4g")]
    step_rule = (
        alt.Chart(step_df)
        .mark_rule(strokeDash=[2, 3], strokeWidth=2.5, clip=True)
        .encode(x=X("x0"), y=Y("y0"), x2="x:Q", y2="y:Q", color=color, tooltip=step_tooltip)
    )
    step_point = (
        alt.Chart(step_df)
        .mark_point(size=110, strokeWidth=2.5, clip=True)
        .encode(x=X("x"), y=Y("y"), color=color, tooltip=step_tooltip)
    )
    current_text = halo_text(
        pd.DataFrame({"x": arrows["x"].tail(1), "y": arrows["y"].tail(1), "text": f"x_{t_now}"}),
        {"x": X("x"), "y": Y("y"), "text": "text:N"},
        align="left", dx=8, dy=14, fontSize=15, fontWeight="bold", color=ACCENT,
    )
    layers = alt.layer(curve_layer, eig_rules, eig_text, rays, tips, step_rule, step_point, current_text)
    return _square(layers, size)


# ---------------------------------------------------------------------------
# the page's figures, from their typed results


CONVERGENCE_CHARTS = ("direction", "norm", "rayleigh")
"""The charts of the convergence figure."""


def convergence_chart(result: ConvergenceResult, which: str) -> alt.LayerChart:
    """One chart of the convergence figure.

    ``"direction"``: the angle to v₁ against its theory when there is a dominant eigenvector,
    else the turn per step (as :func:`explorer.lessons.power.reading.direction_plot` decides);
    ``"norm"``: ``log10 ‖x_t‖`` against ``|λ₁|ᵗ``; ``"rayleigh"``: the Rayleigh quotient against ``Re λ₁``.
    """
    if which == "direction":
        plot = direction_plot(result)
        if plot.chart == "angle":
            return angle_chart(result.angle, result.theory_log10_angle, theory_label=plot.theory_label)
        return turn_chart(result.turns, plot.theory_deg, theory_label=plot.theory_label)
    if which == "norm":
        return norm_chart(result.log10_norm, result.log10_lambda1, theory_label=NORM_THEORY_LABEL)
    if which == "rayleigh":
        return rayleigh_chart(result.rayleigh, result.dominant.real, theory_label=rayleigh_label(result))
    raise ValueError(f"which must be one of {CONVERGENCE_CHARTS}, got {which!r}")


def plane_step_chart(result: PlaneResult, t: int) -> alt.LayerChart:
    """The plane picture at step ``t`` of a :class:`PlaneResult`."""
    return plane_chart(result.image, result.lines, result.directions[: t + 1], result.next_vector(t),
                       matrix_name=result.matrix_name)
