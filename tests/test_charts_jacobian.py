"""Jacobian-bound page: chart builders give valid, finite specs; bounds sit above measurements."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from explorer import sim
from explorer.lessons.jacobian import charts as charts
from explorer.lessons.jacobian import reading as rd
from explorer.lessons.jacobian.scenarios import DEFAULTS, SCENARIOS
from tests.conftest import assert_finite, spec_rows

BY_KEY = {s.key: s for s in SCENARIOS}


def scenario_trace(key: str) -> sim.RNNTrace:
    """The recurrent network of scenario ``key``, exactly as the page builds it."""
    return rd.RNNSettings.from_values(BY_KEY[key].values).simulate()


def scenario_deep(key: str) -> sim.DeepGradients:
    v = BY_KEY[key].values
    return rd.deep_gradients(rd.DeepSettings(v["d_act"], v["d_init"], v["d_sw"], v["d_sb"], v["d_depth"],
                                             v["d_width"], int(v["d_seed"]))).gradients


def series(rows: list[dict], name: str, x: str, y: str = "log10_norm") -> dict:
    return {r[x]: r[y] for r in rows if r.get("series") == name}


def rnn_arrays(tr: sim.RNNTrace) -> tuple:
    return (sim.jacobian_log_norms(tr), sim.pascanu_log_bound(tr), sim.data_dependent_log_bound(tr),
            sim.backprop_log_norms(tr))


def bound_rows(tr: sim.RNNTrace) -> list[dict]:
    eta = tr.recurrent_norm * sim.activation(tr.activation).gamma
    return spec_rows(charts.bound_chart(*rnn_arrays(tr), eta=eta))


# ---------------------------------------------------------------------------
# 1. bound against measurement


def test_bound_chart_default_is_valid_with_bounds_above_measurement():
    tr = scenario_trace("tanh_vanishing")
    rows = bound_rows(tr)
    assert_finite(rows)
    measured = series(rows, charts.MEASURED_LABEL, "lag")
    bound = series(rows, charts.BOUND_LABEL, "lag")
    data_bound = series(rows, charts.DATA_BOUND_LABEL, "lag")
    backprop = series(rows, charts.BACKPROP_LABEL, "lag")
    assert len(measured) == len(bound) == len(data_bound) == len(backprop) == tr.T + 1
    for lag, value in measured.items():
        assert value <= data_bound[lag] + 1e-9 <= bound[lag] + 2e-9
        assert backprop[lag] <= value + 1e-9  # a unit loss gradient never beats the matrix norm
    assert bound[200] == pytest.approx(200 * math.log10(0.9))
    assert any("note" in r for r in rows), "eta < 1 shades the guaranteed region"


def test_no_shaded_region_when_eta_exceeds_one():
    rows = bound_rows(scenario_trace("tanh_edge"))
    assert not any("note" in r for r in rows)


@pytest.mark.parametrize(("name", "target"), [("tanh", 4.0), ("relu", 4.0), ("identity", 4.0), ("sigmoid", 0.05)])
def test_bound_chart_is_finite_at_the_extremes(name, target):
    tr = sim.simulate_random_rnn(name, 16, 1000, target=target, seed=2)
    rows = bound_rows(tr)
    assert_finite(rows)
    bound = series(rows, charts.BOUND_LABEL, "lag")
    expected = 1000 * math.log10(target * sim.activation(name).gamma)
    assert bound[1000] == pytest.approx(expected, rel=1e-9)
    assert abs(bound[1000]) > 300  # far outside the float range as a plain number


def test_exact_zero_products_are_dropped_not_drawn():
    tr = scenario_trace("nilpotent")  # exactly 0 from lag n = 20
    rows = bound_rows(tr)
    assert_finite(rows)
    measured = series(rows, charts.MEASURED_LABEL, "lag")
    assert sorted(measured) == list(range(20))
    assert measured[19] == pytest.approx(19 * math.log10(2.0))


# ---------------------------------------------------------------------------
# 2. sweep


def test_sweep_chart_is_valid_and_measured_never_exceeds_bound():
    sweeps = {a: sim.growth_rate_sweep(a, 24, 120, np.geomspace(0.1, 4 / sim.activation(a).gamma, 16))
              for a in ("sigmoid", "tanh", "relu")}
    rows = spec_rows(charts.sweep_chart(sweeps, 0.9))
    assert_finite(rows)
    for label in ("Sigmoid", "Tanh", "ReLU"):
        measured = {r["sigma_max"]: r["log10_factor"] for r in rows
                    if r.get("activation") == label and r.get("quantity") == "measured"}
        bound = {r["sigma_max"]: r["log10_factor"] for r in rows
                 if r.get("activation") == label and r.get("quantity", "").startswith("bound")}
        assert len(bound) == 16 and measured
        assert all(measured[s] <= bound[s] + 1e-9 for s in measured)
    critical = sorted({r["critical"] for r in rows if "critical" in r})
    assert critical == [1.0, 4.0]


def test_sweep_chart_drops_zero_rates_of_a_nilpotent_matrix():
    res = sim.growth_rate_sweep("tanh", 8, 60, [0.5, 2.0], kind="nilpotent")
    assert np.all(np.isneginf(res.log_growth_rate))
    rows = spec_rows(charts.sweep_chart({"tanh": res}, 2.0))
    assert_finite(rows)
    assert not [r for r in rows if r.get("quantity") == "measured"]


# ---------------------------------------------------------------------------
# 3-5. heatmap, saturation, temporal contributions


def test_heatmap_is_finite_and_covers_the_lower_triangle():
    tr = scenario_trace("tanh_vanishing")
    grid = sim.jacobian_norm_grid(tr, sim.jacobian_grid_steps(tr.T, tr.n))
    rows = spec_rows(charts.heatmap_chart(grid))
    assert_finite(rows)
    G = len(grid.steps)
    assert len(rows) == G * (G + 1) // 2
    assert all(r["k"] <= r["t"] and r["k0"] < r["k1"] and r["t0"] < r["t1"] for r in rows)
    assert max(r["log10_norm"] for r in rows) == pytest.approx(0.0, abs=1e-12)  # only the diagonal reaches 1


def test_heatmap_of_huge_and_zero_products_stays_finite():
    nil = scenario_trace("nilpotent")
    grid = sim.jacobian_norm_grid(nil, np.arange(0, 41, 5))
    rows = spec_rows(charts.heatmap_chart(grid))
    assert_finite(rows)
    assert len(rows) < 9 * 10 // 2  # the exactly zero pairs are left out
    big = sim.simulate_random_rnn("relu", 16, 400, target=16.0, seed=1)
    rows = spec_rows(charts.heatmap_chart(sim.jacobian_norm_grid(big, [1, 200, 400])))
    assert_finite(rows)
    assert max(r["log10_norm"] for r in rows) > 200  # 10^200: would overflow as a squared norm


def test_derivative_histogram_is_valid_with_gamma_and_mean():
    tr = scenario_trace("tanh_vanishing")
    sat = sim.saturation_profile(tr)
    hist = charts.derivative_histogram_frame(sat.derivatives, sat.gamma)
    assert hist["count"].sum() == tr.T * tr.n
    rows = spec_rows(charts.derivative_histogram_chart(hist, gamma=sat.gamma, mean=sat.mean_derivative,
                                                       activation="tanh"))
    assert_finite(rows)
    assert {r["x"] for r in rows if "what" in r} == {sat.gamma, sat.mean_derivative}
    empty = charts.derivative_histogram_frame(np.empty(0), 1.0)
    assert_finite(spec_rows(charts.derivative_histogram_chart(empty, gamma=1.0, mean=float("nan"),
                                                             activation="relu")))


@pytest.mark.parametrize("preset", ["tanh_vanishing", "exploding", "nilpotent"])
def test_contributions_chart_is_finite_with_bound_above(preset):
    tr = scenario_trace(preset)
    rows = spec_rows(charts.contributions_chart(sim.temporal_contributions(tr),
                                                sim.temporal_contribution_log_bounds(tr)))
    # The nilpotent preset sits at the fixed point x = 0, where every term is exactly 0.
    assert_finite(rows, allow_empty=preset == "nilpotent")
    measured = series(rows, charts.TERM_LABEL, "k")
    bound = series(rows, charts.TERM_BOUND_LABEL, "k")
    assert all(v <= bound[k] + 1e-9 for k, v in measured.items())


# ---------------------------------------------------------------------------
# 6. deep network


@pytest.mark.parametrize("name", [s.key for s in SCENARIOS if s.values["view"] == "deep"])
def test_deep_chart_is_valid_with_bound_above(name):
    g = scenario_deep(name)
    rows = spec_rows(charts.deep_chart(g))
    assert_finite(rows)
    measured = series(rows, charts.DEEP_LABEL, "layer")
    bound = series(rows, charts.DEEP_BOUND_LABEL, "layer")
    assert len(measured) == len(bound) == g.depth
    assert all(v <= bound[layer] + 1e-9 for layer, v in measured.items())


def test_deep_chart_is_finite_at_the_extremes():
    for act, sw in (("tanh", 5.0), ("sigmoid", 0.1), ("identity", 5.0)):
        g = sim.deep_network_gradients(100, 16, act, sigma_w=sw, seed=1)
        rows = spec_rows(charts.deep_chart(g))
        assert_finite(rows)
    assert max(abs(r["log10_norm"]) for r in rows) > 60
    zero = sim.deep_network_gradients(4, 1, "relu", sigma_w=1.0, seed=0)
    assert spec_rows(charts.deep_chart(zero)) == [] or all(
        r.get("series") != charts.DEEP_LABEL for r in spec_rows(charts.deep_chart(zero)))


def test_value_labels_never_overflow():
    """Labels come from explorer.format.pow10_text: 10^-400.5 is written, never formed as a float."""
    log_norms = np.array([-400.5, 0.0, 2.999999]) * math.log(10.0)
    df = charts.contributions_frame(log_norms, log_norms)
    assert list(df["value"][:3]) == ["3.16e-401", "1e+00", "1e+03"]


def test_contributions_chart_draws_the_cut_rule():
    terms = np.log([1e-9, 1e-7, 1e-3, 1.0])
    rows = spec_rows(charts.contributions_chart(terms, terms + 1.0, math.log(1e-6)))
    assert_finite(rows)
    assert [r["y"] for r in rows if "y" in r] == [pytest.approx(-6.0)]
    assert not [r for r in spec_rows(charts.contributions_chart(terms, terms + 1.0)) if "y" in r]


# ---------------------------------------------------------------------------
# scenarios


def test_first_scenario_is_the_default_view():
    assert dict(SCENARIOS[0].values) == DEFAULTS


def test_scenarios_set_every_control_of_both_views():
    keys = [s.key for s in SCENARIOS]
    assert len(set(keys)) == len(keys)
    for s in SCENARIOS:
        assert set(s.values) == set(DEFAULTS), s.key
        assert s.values["view"] in ("rnn", "deep")


def test_recurrent_scenarios_build_their_settings_exactly():
    """The page's typed settings carry every recurrent control of each scenario (the one source of presets)."""
    for s in SCENARIOS:
        settings = rd.RNNSettings.from_values(s.values)
        assert (settings.act, settings.form, settings.kind, settings.target, settings.n, settings.T, settings.inp,
                settings.bias, settings.seed) == (s.values["act"], s.values["form"], s.values["kind"],
                                                  s.values["target"], s.values["n"], s.values["T"], s.values["inp"],
                                                  s.values["bias"], int(s.values["seed"])), s.key
        assert settings.tkind == rd.resolved_target_kind(s.values["kind"], s.values["tkind"])


def test_deep_scenarios_differ_in_what_their_labels_name():
    deep = {s.key: s.values for s in SCENARIOS if s.values["view"] == "deep"}
    assert set(deep) == {"deep_sigmoid", "deep_relu_he", "deep_tanh_orthogonal"}
    assert (deep["deep_sigmoid"]["d_act"], deep["deep_sigmoid"]["d_init"]) == ("sigmoid", "gaussian")
    assert (deep["deep_relu_he"]["d_act"], deep["deep_relu_he"]["d_init"]) == ("relu", "he")
    assert (deep["deep_tanh_orthogonal"]["d_act"], deep["deep_tanh_orthogonal"]["d_init"]) == ("tanh", "orthogonal")


def test_frames_carry_plain_column_names():
    tr = scenario_trace("tanh_vanishing")
    df = charts.bound_frame(*rnn_arrays(tr))
    assert isinstance(df, pd.DataFrame)
    assert all(c.isidentifier() for c in df.columns)
