"""Palette, axes and data hygiene shared by every chart.

Colours come from the Okabe–Ito palette, which stays distinguishable under
the common forms of colour-blindness; each activation keeps its colour on
every page. Theory is always drawn dashed and measurement solid, so the
pairing never relies on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from explorer.format import ACTIVATION_LABELS
from explorer.sim import Regime

# Altair checks every schema object against the Vega-Lite schema as it is built (its "debug
# mode"), which was about a tenth of a chart-heavy rerun's server time. Every builder's whole
# spec is validated by the test-suite (``to_dict()``) instead, and the app turns that
# construction-time check off once, here, on import.
alt.utils.schemapi.disable_debug_mode()

OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#7F7F7F",
}

ACTIVATION_COLORS = {
    "sigmoid": OKABE_ITO["orange"],
    "tanh": OKABE_ITO["blue"],
    "relu": OKABE_ITO["green"],
    "leaky_relu": OKABE_ITO["purple"],
    "gelu": OKABE_ITO["vermillion"],
    "identity": OKABE_ITO["grey"],
}

# Meaning-level colours used across pages.
MEASURED = OKABE_ITO["blue"]
THEORY = OKABE_ITO["black"]
EXPLODE = OKABE_ITO["vermillion"]
VANISH = OKABE_ITO["blue"]
NEUTRAL = OKABE_ITO["grey"]
ACCENT = OKABE_ITO["orange"]

REGIME_COLORS = {
    Regime.EXPLODES: EXPLODE,
    Regime.VANISHES: VANISH,
    Regime.NEUTRAL: NEUTRAL,
    Regime.ZERO: OKABE_ITO["black"],
}
"""One colour per :class:`explorer.sim.Regime`, on every page (shape or dash always says it too)."""

REGIME_SHAPES = {
    Regime.EXPLODES: "triangle-up",
    Regime.VANISHES: "triangle-down",
    Regime.NEUTRAL: "circle",
    Regime.ZERO: "cross",
}
"""Point shape per regime, so the meaning never rests on colour alone."""

REGIME_LABELS = {
    Regime.EXPLODES: "explodes",
    Regime.VANISHES: "vanishes",
    Regime.NEUTRAL: "keeps its size",
    Regime.ZERO: "exactly zero",
}
"""Legend text per regime."""


def regime_scales(regimes: Sequence[Regime]) -> tuple[alt.Scale, alt.Scale]:
    """Colour and shape scales over the legend labels of ``regimes`` (in the order given)."""
    domain = [REGIME_LABELS[r] for r in regimes]
    return (alt.Scale(domain=domain, range=[REGIME_COLORS[r] for r in regimes]),
            alt.Scale(domain=domain, range=[REGIME_SHAPES[r] for r in regimes]))


THEORY_DASH = [6, 4]
CHART_HEIGHT = 300


def activation_scale(names: Sequence[str]) -> alt.Scale:
    """Colour scale mapping activation labels to their fixed colours."""
    names = list(names)
    return alt.Scale(
        domain=[ACTIVATION_LABELS[n] for n in names],
        range=[ACTIVATION_COLORS[n] for n in names],
    )


def log10_axis(title: str, **kwargs) -> alt.Axis:
    """Axis for log10 magnitudes whose tick labels read ``10^k``.

    Data on such an axis are already ``log10`` values, so the chart never
    applies a log scale to data that might hold 0 or overflow.
    """
    return alt.Axis(
        title=title,
        labelExpr="datum.value == 0 ? '1' : '10^' + format(datum.value, 'd')",
        tickMinStep=1,
        **kwargs,
    )


def finite_rows(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Drop rows whose given columns are not finite.

    Exact zeros (``log = -inf``) cannot be drawn on a log axis; the pages
    say so in words where it can happen. NaN never reaches a chart.
    """
    if df.empty:
        return df
    mask = np.ones(len(df), dtype=bool)
    for c in columns:
        mask &= np.isfinite(df[c].to_numpy(dtype=float))
    return df.loc[mask].reset_index(drop=True)


def base_properties(chart: alt.Chart | alt.LayerChart, height: int = CHART_HEIGHT):
    """Full width, fixed height, readable fonts on a projector."""
    return chart.properties(height=height, width="container")


PROJECTOR_CONFIG = alt.Config(
    axis=alt.AxisConfig(labelFontSize=13, titleFontSize=14, gridOpacity=0.5),
    legend=alt.LegendConfig(labelFontSize=13, titleFontSize=13, orient="bottom"),
    header=alt.HeaderConfig(labelFontSize=14, titleFontSize=14),
    title=alt.TitleConfig(fontSize=15, anchor="start"),
)
"""Font sizes that stay legible when projected."""


def configure(chart):
    """The chart with :data:`PROJECTOR_CONFIG`.

    Set on a shallow copy in one step: each of Altair's ``configure_*`` methods
    deep-copies the whole chart, which cost more than building a small chart.
    """
    configured = chart.copy(deep=False)
    configured.config = PROJECTOR_CONFIG
    return configured


# Legend layout that follows the chart's width in the browser. A bottom legend wider than the plot is
# cut off on the right, which happens on a 1024 px projector with the sidebar open; so the number of
# legend columns is an expression of Vega's ``width`` signal (the plot width once the chart is laid
# out), chosen from an estimate of each layout's width.
_NARROW_CHARS = frozenset(" ᵢᵗ|ijl',.:;′·I!f()[]{}-°tr/\\ᵀ")
_WIDE_CHARS = frozenset("DGUNHOQ→φwΦM∞W%m@")
LEGEND_ENTRY_PX = 28
"""Symbol, its padding and the gap before the next entry or column."""


def label_width(text: str) -> float:
    """Estimated width in pixels of a 13 px legend label (Source Sans; within a few percent, rarely under)."""
    return 2.0 + sum(3.8 if c in _NARROW_CHARS else 9.5 if c in _WIDE_CHARS else 6.6 for c in text)


def legend_width(labels: Sequence[str], columns: int = 0) -> float:
    """Estimated width in pixels of a symbol legend in ``columns`` columns (0: all entries in one row)."""
    widths = [LEGEND_ENTRY_PX + label_width(s) for s in labels]
    if not widths:
        return 0.0
    n = len(widths) if columns <= 0 else min(columns, len(widths))
    return float(sum(max(widths[j::n]) for j in range(n)))


def fit_legend_columns(labels: Sequence[str], choices: Sequence[int] = (0, 2, 1), *,
                       reserve: float = 0.0) -> alt.ExprRef:
    """Legend ``columns`` as an expression: the first of ``choices`` whose estimated width fits the plot.

    ``reserve`` is width already taken by other legends in the same row. The last choice is the
    fallback whatever the width.
    """
    choices = list(choices)
    expr = str(choices[-1])
    for c in reversed(choices[:-1]):
        expr = f"width >= {legend_width(labels, c) + reserve:.0f} ? {c} : {expr}"
    return alt.ExprRef(expr)


def halo_text(data: pd.DataFrame, encoding: dict, **mark) -> alt.LayerChart:
    """Text with a white outline underneath, readable on top of lines and points."""
    base = alt.Chart(data).encode(**encoding)
    halo = base.mark_text(**mark, stroke="white", strokeWidth=4, strokeJoin="round", opacity=0.9)
    return alt.layer(halo, base.mark_text(**mark))


def circle_frame(radius: float, label: str, num: int = 181) -> pd.DataFrame:
    """Points of the circle of ``radius`` in the complex plane (columns re, im, k, curve), for a line mark."""
    phi = np.linspace(0.0, 2.0 * np.pi, num)
    return pd.DataFrame({"re": radius * np.cos(phi), "im": radius * np.sin(phi), "k": np.arange(num),
                         "curve": label})


PRESENTER_SCALE = 1.5
"""Chart type in presenter mode, relative to :data:`PROJECTOR_CONFIG` (13 px labels become about 20 px)."""

_PRESENTER_FONTS = {
    "axis": {"labelFontSize": 13, "titleFontSize": 14},
    "legend": {"labelFontSize": 13, "titleFontSize": 13},
    "header": {"labelFontSize": 14, "titleFontSize": 14},
    "title": {"fontSize": 15},
    "text": {"fontSize": 13},
}


def presenter_spec(spec: dict, scale: float = PRESENTER_SCALE) -> dict:
    """A copy of a Vega-Lite spec whose axis, legend, header and title fonts are ``scale`` times larger.

    Applied per spec when a figure is shown in presenter mode, so no chart builder,
    cache or process-wide setting changes: the same cached spec serves both modes.
    A full-width chart also grows ``scale`` times taller, so the plot keeps its share.
    Sizes the spec already sets in its ``config`` are scaled; missing ones start from
    :data:`PROJECTOR_CONFIG`'s. The data are shared with ``spec``, not copied.

    >>> presenter_spec({"mark": "line"})["config"]["axis"]["labelFontSize"]
    19.5
    """
    config = dict(spec.get("config") or {})
    for part, sizes in _PRESENTER_FONTS.items():
        block = dict(config.get(part) or {})
        for name, size in sizes.items():
            block[name] = float(block.get(name, size)) * scale
        config[part] = block
    out = {**spec, "config": config}
    height = spec.get("height")
    if isinstance(height, (int, float)) and not isinstance(height, bool):
        if spec.get("width", "container") == "container":
            # Larger axes and legends take their room out of the plot: give it back (one figure fills the screen).
            out["height"] = height = float(height) * scale
        # A vertical axis title longer than the plot would run off the chart: cut it with an ellipsis instead.
        config["axisY"] = {"titleLimit": 0.5 * float(height), **(config.get("axisY") or {})}
    return out
