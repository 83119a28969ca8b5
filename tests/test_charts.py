"""Chart builders: valid Vega-Lite, finite data, fixed colours, readable axes."""

from __future__ import annotations

import numpy as np
import pytest

from explorer import sim
from explorer.chartkit import ACTIVATION_COLORS, ACTIVATION_LABELS, finite_rows, label_width, log10_axis
from explorer.lessons.activations import charts as charts
from tests.conftest import assert_finite, spec_of, spec_rows

NAMES = ("sigmoid", "tanh", "relu")


def acts(names=NAMES):
    return [sim.activation(n) for n in names]


def test_function_and_derivative_charts_are_valid_and_finite():
    x = np.linspace(-1000, 1000, 201)
    for chart in (charts.function_chart(x, acts()), charts.derivative_chart(x, acts(), 0.1)):
        rows = spec_rows(chart)
        assert rows
        assert_finite(rows)


def test_activation_colours_are_fixed_across_charts():
    spec = charts.function_chart(np.linspace(-3, 3, 11), acts(("tanh", "gelu"))).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"] == ["Tanh", "GELU"]
    assert scale["range"] == [ACTIVATION_COLORS["tanh"], ACTIVATION_COLORS["gelu"]]
    assert len(set(ACTIVATION_COLORS.values())) == len(ACTIVATION_COLORS)


def test_derivative_chart_marks_gamma_of_each_activation():
    chart = charts.derivative_chart(np.linspace(-4, 4, 81), acts(("sigmoid", "gelu")), 0.1)
    rows = spec_rows(chart)
    gammas = {r["activation"]: r["gamma"] for r in rows if "gamma" in r}
    assert gammas["Sigmoid"] == 0.25
    assert gammas["GELU"] == pytest.approx(sim.activation("gelu").gamma)


def test_depth_chart_stays_finite_at_extreme_depth():
    factors = {n: sim.depth_factors(n, 1.0, 0.0, max_depth=5000) for n in ("sigmoid", "gelu")}
    rows = spec_rows(charts.depth_chart(factors, 1e-6))
    assert_finite(rows)
    lows = [r["log10_factor"] for r in rows if r.get("quantity", "").startswith("γ") and r["activation"] == "Sigmoid"]
    assert min(lows) < -3000  # 0.25^5000 = 10^-3010, drawn without underflow


def test_depth_chart_y_axis_reads_powers_of_ten():
    factors = {"tanh": sim.depth_factors("tanh", max_depth=10)}
    spec = charts.depth_chart(factors, 1e-6).to_dict()
    axis = spec["layer"][0]["encoding"]["y"]["axis"]
    assert "10^" in axis["labelExpr"]


def test_histogram_chart_has_quadrature_rule_per_activation():
    hists = {n: sim.derivative_histogram(n, n_samples=2000) for n in NAMES}
    expected = {n: sim.derivative_moments(n)[0] for n in NAMES}
    rows = spec_rows(charts.histogram_chart(hists, expected))
    assert_finite(rows)
    rules = {r["activation"]: r["quadrature"] for r in rows if "quadrature" in r}
    assert rules == {ACTIVATION_LABELS[n]: expected[n] for n in NAMES}


def test_saturation_strip_accepts_no_intervals():
    chart = charts.saturation_strip({"identity": []}, (-1.0, 1.0), 0.1)
    assert chart.to_dict()


def test_tanh_relation_chart_overlays_both_curves():
    rows = spec_rows(charts.tanh_relation_chart(sim.tanh_sigmoid_relation(np.linspace(-3, 3, 31))))
    assert {r["curve"] for r in rows} == {"tanh′(x)", "4·σ′(2x)"}


def test_finite_rows_drops_inf_and_nan():
    import pandas as pd

    df = pd.DataFrame({"a": [1.0, np.inf, np.nan, -np.inf, 2.0]})
    assert finite_rows(df, ["a"])["a"].tolist() == [1.0, 2.0]


def test_log10_axis_labels_zero_as_one():
    assert "'1'" in log10_axis("t").to_dict()["labelExpr"]


def _y_title_px(spec: dict) -> tuple[str, float]:
    """The y-axis title of a (layered) spec and its estimated width at the axis title size."""
    enc = (spec.get("layer") or [spec])[0]["encoding"]["y"]
    title = enc.get("axis", {}).get("title") or enc["title"]
    return title, label_width(title) * charts.AXIS_TITLE_PX / 13


@pytest.mark.parametrize("name", ["histogram", "depth", "tanh"])
def test_charts_with_legends_below_keep_a_plot_tall_enough_for_their_y_title(name):
    """The y titles were cut off at every width: Streamlit's ``fit`` squeezed the legends into the height."""
    if name == "histogram":
        chart = charts.histogram_chart({"relu": sim.derivative_histogram("relu", n_samples=500)}, {"relu": 0.5})
    elif name == "depth":
        chart = charts.depth_chart({n: sim.depth_factors(n, max_depth=20) for n in NAMES}, 1e-6)
    else:
        chart = charts.tanh_relation_chart(sim.tanh_sigmoid_relation(np.linspace(-3, 3, 31)))
    spec = spec_of(chart)
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}  # the height is the plot's own
    title, px = _y_title_px(spec)
    assert px + 10 <= spec["height"], (title, px, spec["height"])


def test_tanh_relation_chart_shows_one_legend_for_colour_and_dash():
    enc = spec_of(charts.tanh_relation_chart(sim.tanh_sigmoid_relation(np.linspace(-3, 3, 31))))["encoding"]
    assert enc["color"].get("legend", {}) is not None and enc["strokeDash"].get("legend", {}) is not None
    assert enc["color"]["title"] == enc["strokeDash"]["title"] == "Curve"  # merged into one legend
    assert enc["color"]["scale"]["domain"] == enc["strokeDash"]["scale"]["domain"]
