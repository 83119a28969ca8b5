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

ACTIVATION_LABELS = {
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
    "relu": "ReLU",
    "leaky_relu": "Leaky ReLU",
    "gelu": "GELU",
    "identity": "Identity",
}

# Meaning-level colours used across pages.
MEASURED = OKABE_ITO["blue"]
THEORY = OKABE_ITO["black"]
EXPLODE = OKABE_ITO["vermillion"]
VANISH = OKABE_ITO["blue"]
NEUTRAL = OKABE_ITO["grey"]
ACCENT = OKABE_ITO["orange"]

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


def configure(chart):
    """Font sizes that stay legible when projected."""
    return (
        chart.configure_axis(labelFontSize=13, titleFontSize=14, gridOpacity=0.5)
        .configure_legend(labelFontSize=13, titleFontSize=13, orient="bottom")
        .configure_header(labelFontSize=14, titleFontSize=14)
        .configure_title(fontSize=15, anchor="start")
    )
