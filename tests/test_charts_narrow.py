"""Charts on a narrow screen: legends choose their columns from the plot width, pictures stay square."""

from __future__ import annotations

import re

import numpy as np
import pytest

from explorer import sim
from explorer.chartkit import fit_legend_columns, label_width, legend_width
from explorer.lessons.activations import charts as act_charts
from explorer.lessons.eigenvalues import charts as eig_charts
from explorer.lessons.power import charts as pm_charts
from tests.conftest import spec_of

LABELS = ["‖Wᵗ‖ measured", "ρ(W)ᵗ: eigenvalue prediction", "‖W‖ᵗ: worst one-step stretch, repeated"]


def legend_exprs(spec) -> list[str]:
    """Every legend ``columns`` expression anywhere in a spec."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            legend = node.get("legend")
            if isinstance(legend, dict) and isinstance(legend.get("columns"), dict):
                found.append(legend["columns"]["expr"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return found


def columns_at(expr: str, width: float) -> int:
    """Evaluate ``width >= a ? c : width >= b ? d : e`` for one plot width."""
    for threshold, cols in re.findall(r"width >= (\d+) \? (-?\d+)", expr):
        if width >= float(threshold):
            return int(cols)
    return int(expr.rsplit(":", 1)[-1])


def test_label_width_is_close_to_the_browser_measurement():
    # measured with canvas.measureText in Chromium, 13 px Source Sans
    for text, px in [("Sigmoid", 44.9), ("ρ(W)ᵗ: eigenvalue prediction", 151.5), ("measured", 54.2),
                     ("image of the circle under W", 146.8)]:
        assert 0.97 * px <= label_width(text) <= 1.15 * px


def test_more_columns_need_more_width():
    assert legend_width(LABELS, 0) > legend_width(LABELS, 2) > legend_width(LABELS, 1)
    assert legend_width([], 2) == 0.0


def test_fit_columns_falls_back_to_one_column_on_a_narrow_plot():
    expr = fit_legend_columns(LABELS, (2, 1)).to_dict()["expr"]
    assert columns_at(expr, 300) == 1  # a 1024 px projector with the sidebar open
    assert columns_at(expr, legend_width(LABELS, 2) + 1) == 2
    reserved = fit_legend_columns(LABELS, (2, 1), reserve=100).to_dict()["expr"]
    assert columns_at(reserved, legend_width(LABELS, 2) + 1) == 1


def test_activation_legends_adapt_to_the_width():
    names = list(sim.ACTIVATIONS)
    acts = [sim.activation(n) for n in names]
    x = np.linspace(-6, 6, 101)
    for chart in (act_charts.function_chart(x, acts), act_charts.derivative_chart(x, acts, 0.1)):
        exprs = legend_exprs(spec_of(chart))
        assert exprs and all(columns_at(e, 300) > 0 for e in exprs)  # six names never in one row at 300 px
    factors = {n: sim.depth_factors(n, 1.0, 0.0, max_depth=50, threshold=1e-6) for n in names[:3]}
    exprs = legend_exprs(spec_of(act_charts.depth_chart(factors, 1e-6)))
    assert len(exprs) == 2
    assert all(columns_at(e, 577) == 0 for e in exprs)  # both legends in a row, as before, at 1400 px


def test_gamma_labels_of_equal_value_sit_on_both_sides():
    acts = [sim.activation(n) for n in ("tanh", "relu")]  # γ = 1 at x = 0 and at x = 1
    spec = spec_of(act_charts.derivative_chart(np.linspace(-6, 6, 101), acts, 0.1))
    aligns = {layer["mark"]["align"] for layer in spec["layer"] if layer["mark"].get("type") == "text"}
    assert aligns == {"left", "right"}


def test_spectra_line_legend_has_two_columns_only_when_they_fit():
    chart = eig_charts.growth_chart(np.linspace(0, -5, 101), measured_label="‖Wᵗ‖", log_rho=-0.05,
                                    log_norm_W=0.1)
    (expr,) = set(legend_exprs(spec_of(chart)))
    assert columns_at(expr, 320) == 1 and columns_at(expr, 600) == 2


@pytest.mark.parametrize("name", ["distinct", "rotation"])
def test_power_pictures_are_square(name):
    p = sim.preset_matrix(name)
    tr = sim.power_method(p.W, p.x0, 6)
    nxt = tr.direction[6] * 10 ** (tr.log10_norm[6] - tr.log10_norm[5])
    plane = spec_of(pm_charts.plane_chart(sim.unit_circle_image(p.W), sim.eigen_lines(p.W), tr.direction[:6], nxt))
    eigen = spec_of(pm_charts.eigenvalue_chart(tr.eigenvalues, dominant_label="λ₁"))
    for spec in (plane, eigen):
        assert spec["width"] == spec["height"]
        assert spec["autosize"]["type"] == "pad"
