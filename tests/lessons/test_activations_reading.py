"""Readings of the activation-derivatives page: every branch of every text and decision, without Streamlit."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import brentq

from explorer import sim
from explorer.lessons.activations import reading as r
from explorer.lessons.activations.scenarios import SCENARIOS
from explorer.sim import Regime

VIEW = Path(r.__file__).with_name("view.py")
SCENARIO = {s.key: s for s in SCENARIOS}


def page(*names, slope=0.1):
    return r.PageSettings.of(names, slope)


def depth_of(*names, mu=0.0, s=1.0, slope=0.1, depth=50) -> r.Depth:
    return r.depth_result(r.DepthSettings(page(*names, slope=slope), r.Gaussian(mu, s), depth))


def row(name="sigmoid", mean=0.5, gamma=1.0) -> r.DepthRow:
    """A depth row built directly, with the layer counts its factors imply."""
    return r.DepthRow(name, gamma, mean, math.sqrt(mean), sim.layers_to_reach(gamma), sim.layers_to_reach(mean))


def depth_made(*rows: r.DepthRow) -> r.Depth:
    return r.Depth(r.DepthSettings(page(*(x.name for x in rows)), r.Gaussian()), tuple(rows), ())


def scenario_depth(key: str) -> r.Depth:
    v = SCENARIO[key].values
    return depth_of(*v["show"], mu=v["mu"], s=v["s"], slope=v["slope"], depth=v["depth"])


# --- small text helpers -----------------------------------------------------------------------


def test_threshold_text_writes_small_thresholds_as_powers_of_ten_and_modest_ones_plainly():
    assert r.threshold_text(1e-6) == "10^-6"
    assert r.threshold_text(0.01) == "0.01"


def test_labels_join_one_two_and_three_names_as_prose():
    assert r._labels(["sigmoid"]) == "Sigmoid"
    assert r._labels(["sigmoid", "tanh"]) == "Sigmoid and Tanh"
    assert r._labels(["sigmoid", "tanh", "relu"]) == "Sigmoid, Tanh and ReLU"


# --- page-wide settings -------------------------------------------------------------------------


def test_page_settings_order_names_as_the_sim_lists_them():
    assert page("relu", "sigmoid").names == ("sigmoid", "relu")


def test_page_settings_keep_the_slope_only_when_leaky_relu_is_shown():
    assert page("relu", "leaky_relu", slope=0.3).slope == 0.3
    assert page("relu", slope=0.3) == page("relu", slope=0.05)  # one cache entry for an unused slope
    assert [a.name for a in page("tanh", "leaky_relu", slope=0.3).activations()] == ["tanh", "leaky_relu"]
    assert page("leaky_relu", slope=0.3).activations()[0].df(-1.0) == pytest.approx(0.3)


def test_settings_and_results_are_frozen_and_hashable():
    settings = r.DepthSettings(page("tanh"), r.Gaussian(1.0, 2.0), 10)
    assert hash(settings) == hash(r.DepthSettings(page("tanh"), r.Gaussian(1.0, 2.0), 10))
    with pytest.raises(AttributeError):
        settings.depth = 5  # type: ignore[misc]


def test_gaussian_text_names_mean_and_std():
    assert r.Gaussian(-1.0, 0.5).text() == "z ~ N(-1, 0.5²)"


def test_grid_is_symmetric_and_holds_zero():
    x = r.grid(6.0)
    assert x[0] == -6.0 and x[-1] == 6.0 and len(x) == r.GRID_POINTS
    assert 0.0 in x


# --- figure 1: curves -----------------------------------------------------------------------------


def test_curves_result_measures_the_saturated_share_of_the_range():
    result = r.curves_result(r.CurveSettings(page("relu", "identity"), 6.0, 0.1))
    relu, identity = result.slopes
    assert relu.saturated_fraction == pytest.approx(0.5)  # f′ = 0 on [−6, 0]
    assert identity.saturated == () and identity.saturated_fraction == 0.0
    assert result.intervals == {"relu": relu.saturated, "identity": ()}


def test_curves_caption_quotes_gamma_where_reached_and_the_saturated_shares():
    text = r.curves_caption(r.curves_result(r.CurveSettings(page("sigmoid", "gelu", "identity"), 4.0, 0.1)))
    assert "Sigmoid 0.25 (x = 0)" in text and "GELU 1.13 (x = 1.41)" in text
    assert "|f′| < 0.1" in text and "[−4, 4]" in text
    assert "Identity nowhere" in text  # the part for an activation that never saturates
    assert re.search(r"Sigmoid on \d+% of it", text)


def test_curves_caption_says_when_no_unit_is_saturated_anywhere():
    text = r.curves_caption(r.curves_result(r.CurveSettings(page("identity", "leaky_relu", slope=0.3), 6.0, 0.1)))
    assert "No unit shown is saturated (|f′| < 0.1) anywhere on [−6, 6]." in text
    assert "bars mark" not in text


def test_formula_lines_name_f_and_f_prime_unless_the_formula_does():
    assert r.formula_lines(r"\max(0,x),\quad \mathbb{1}[x>0]") == [r"f(x) = \max(0,x)", r"f'(x) = \mathbb{1}[x>0]"]
    sigmoid = sim.activation("sigmoid").formula
    assert r.formula_lines(sigmoid) == sigmoid.split(r",\quad ")  # both parts already say "="
    assert r.formula_lines(r"\max(x,\,0.1x),\quad f'\in\{0.1,\,1\}")[1] == r"f'\in\{0.1,\,1\}"
    assert r.formula_lines(r"a,\quad b,\quad c")[2] == "c"  # a third part is left as it is


def test_formula_table_lists_each_activation_with_its_gamma():
    latex = r.formula_table(page("sigmoid", "gelu").activations())
    assert latex.startswith(r"\begin{aligned}") and latex.endswith(r"\end{aligned}")
    assert r"\text{Sigmoid:}" in latex and r"\gamma = 0.25" in latex and r"\gamma = 1.1289" in latex


# --- figure 2: tanh ---------------------------------------------------------------------------------


def test_tanh_text_calls_a_rounding_level_gap_rounding_error():
    result = r.tanh_result(6.0)
    assert result.max_abs_error <= r.ROUNDING_TOL
    text = r.tanh_text(result)
    assert "rounding error" in text and "[−6, 6]" in text and "γ = 4 · ¼ = 1" in text
    assert f"{result.max_abs_error:.1e}" in text


def test_tanh_text_flags_a_gap_larger_than_rounding():
    text = r.tanh_text(r.TanhCheck(6.0, 1e-3, 2e-9))
    assert "more than rounding error" in text and "1.0e-03" in text
    assert "γ = 4" not in text


# --- figure 3: moments ------------------------------------------------------------------------------


def moment_row(sampled, stderr, quad=0.5):
    return r.MomentRow("relu", quad, sampled, stderr, quad, quad)


def test_standard_errors_apart_divides_the_gap_by_the_standard_error():
    assert moment_row(0.51, 0.005).standard_errors_apart == pytest.approx(2.0)


def test_standard_errors_apart_is_zero_for_an_exact_match_without_spread():
    assert moment_row(0.5, 0.0).standard_errors_apart == 0.0


def test_standard_errors_apart_is_infinite_for_a_gap_without_spread():
    assert moment_row(0.6, 0.0).standard_errors_apart == math.inf


def test_moments_result_samples_the_fixed_count_and_matches_quadrature():
    result = r.moments_result(r.MomentSettings(page("sigmoid", "relu"), r.Gaussian()))
    assert result.n_samples == r.HIST_SAMPLES == 20_000
    assert result.quadrature_means["relu"] == pytest.approx(0.5, abs=1e-12)
    assert set(result.histogram_map) == {"sigmoid", "relu"}
    assert all(x.standard_errors_apart <= r.AGREE_SE for x in result.rows)


def test_moments_caption_reports_agreement_within_the_worst_standard_error():
    result = r.moments_result(r.MomentSettings(page("sigmoid", "tanh", "relu"), r.Gaussian()))
    worst = max(x.standard_errors_apart for x in result.rows)
    text = r.moments_caption(result)
    assert text.startswith("Bars: 20,000 sampled z ~ N(0, 1²).")
    assert f"within {worst:.1f} standard errors" in text


def test_moments_caption_names_the_activations_sampling_misses():
    settings = r.MomentSettings(page("relu", "tanh"), r.Gaussian())
    result = r.Moments(settings, (moment_row(0.53, 0.005), r.MomentRow("tanh", 0.6, 0.6, 0.01, 0.4, 0.4)), (), 100)
    text = r.moments_caption(result)
    assert "more than 3 standard errors for ReLU by 6.0" in text and "Tanh" not in text.split("for ReLU")[1]


def test_table_number_trims_zeros_and_writes_tiny_values_in_scientific_notation():
    assert r.table_number(0.5) == "0.5"
    assert r.table_number(1.0) == "1"
    assert r.table_number(0.20663) == "0.2066"
    assert r.table_number(0.0) == "0"
    assert r.table_number(3.2e-7) == "3.20e-07"


def test_moment_table_has_an_activation_column_and_one_per_moment():
    result = r.moments_result(r.MomentSettings(page("tanh"), r.Gaussian()))
    table = r.moment_table(result)
    assert list(table) == ["activation", *r.MOMENT_COLUMNS]
    assert table["activation"] == ["Tanh"] and table["E[f′] sampled"] == [result.rows[0].mean_sampled]


# --- figure 4: depth --------------------------------------------------------------------------------


def test_depth_row_regime_is_zero_for_an_exact_zero_factor():
    assert row(mean=0.0).regime is Regime.ZERO


def test_depth_row_regime_vanishes_below_one():
    assert row(mean=0.9).regime is Regime.VANISHES


def test_depth_row_regime_is_neutral_at_one_within_the_tie_tolerance():
    assert row(mean=1.0 + r.TIE_RTOL / 10).regime is Regime.NEUTRAL
    assert row(mean=1.0 - r.TIE_RTOL / 10).regime is Regime.NEUTRAL


def test_depth_row_regime_explodes_above_one():
    assert row(mean=1.02).regime is Regime.EXPLODES


def test_depth_result_compounds_each_activation_to_the_chosen_depth():
    result = depth_of("sigmoid", "relu", depth=30)
    assert list(result.factor_map) == ["sigmoid", "relu"]
    assert result.factor_map["sigmoid"].depth[-1] == 30
    assert result.rows[1].mean_factor == pytest.approx(0.5) and result.threshold == r.THRESHOLD


def test_depth_caption_names_the_threshold_line():
    assert r.depth_caption(1e-6).endswith("The black line is 10^-6.")


def test_reach_text_counts_layers_in_the_singular_and_plural():
    assert r.reach_text(1) == "reaches 10^-6 after 1 layer"
    assert r.reach_text(10) == "reaches 10^-6 after 10 layers"


def test_reach_text_says_never_for_a_factor_of_at_least_one():
    assert r.reach_text(None) == "never reaches 10^-6"


def test_ties_hold_values_within_the_relative_tolerance_only():
    assert r.ties([0.5, 0.5 * (1 + r.TIE_RTOL / 2), 0.5 * (1 + 10 * r.TIE_RTOL)], 0.5) == [0, 1]


def test_distinct_digits_adds_digits_until_two_values_print_differently():
    assert r.distinct_digits(0.207, 0.5) == 3
    assert r.distinct_digits(0.5001, 0.50012) == 5
    assert r.distinct_digits(0.5, 0.5) == r.MAX_DIGITS


def test_verdict_names_the_single_fastest_activation_against_the_runner_up():
    v = r.depth_verdict(scenario_depth("classic"))
    assert v.regime is Regime.VANISHES
    assert "Sigmoid shrinks gradients fastest here (×0.207 per layer on average, against ×0.5 for ReLU)." in v.text
    assert "Sigmoid: γ = 0.25 reaches 10^-6 after 10 layers, E[f′] = 0.207 reaches 10^-6 after 9 layers" in v.text
    assert v.text.startswith("With z ~ N(0, 1²) — ")


def test_verdict_prints_enough_digits_to_tell_close_factors_apart():
    v = r.depth_verdict(depth_made(row("relu", 0.50012), row("tanh", 0.5001)))
    assert "Tanh shrinks gradients fastest here (×0.5001 per layer on average, against ×0.50012 for ReLU)." in v.text


def test_verdict_reads_gelu_and_relu_as_a_tie_for_standard_normal_inputs():
    """Wrong claim (a): E[GELU′] = E[ReLU′] = 1/2 exactly for z ~ N(0, 1); rounding used to pick GELU."""
    result = scenario_depth("gelu")
    means = {x.name: x.mean_factor for x in result.rows}
    assert means["gelu"] == pytest.approx(0.5, abs=1e-12) and means["relu"] == pytest.approx(0.5, abs=1e-12)
    v = r.depth_verdict(result)
    assert "ReLU and GELU tie for the fastest shrinking here: ×0.5 per layer on average each" in v.text
    assert "fastest here (" not in v.text and v.regime is Regime.VANISHES


def test_verdict_for_one_activation_states_its_factor_without_comparing():
    v = r.depth_verdict(scenario_depth("sigmoid_deep"))
    assert v.text.endswith("Sigmoid shrinks gradients by ×0.207 per layer on average.")
    assert "fastest" not in v.text


def test_verdict_for_an_exactly_zero_factor_says_nothing_passes_back():
    one = r.depth_verdict(depth_made(row("relu", 0.0), row("tanh", 0.6)))
    assert one.regime is Regime.ZERO and "ReLU passes no gradient back at all on average (E[f′] = 0)." in one.text
    two = r.depth_verdict(depth_made(row("relu", 0.0), row("leaky_relu", 0.0)))
    assert "ReLU and Leaky ReLU pass no gradient back at all" in two.text


def test_verdict_says_none_shrinks_when_the_smallest_factor_keeps_its_size():
    v = r.depth_verdict(depth_made(row("identity", 1.0), row("gelu", 1.2)))
    assert v.regime is Regime.NEUTRAL
    assert v.text.endswith("None of these shrinks the gradient on average: Identity keeps it at its size "
                           "(×1 per layer on average).")
    assert "Identity: γ = 1 never reaches 10^-6, E[f′] = 1 never reaches 10^-6" in v.text


def test_verdict_for_one_neutral_activation_has_no_comparison():
    v = r.depth_verdict(depth_made(row("identity", 1.0)))
    assert v.text.endswith("— Identity: γ = 1 never reaches 10^-6, E[f′] = 1 never reaches 10^-6. "
                           "Identity keeps it at its size (×1 per layer on average).")


def test_verdict_says_even_the_smallest_grows_when_every_factor_exceeds_one():
    v = r.depth_verdict(depth_made(row("gelu", 1.02, 1.13), row("tanh", 1.05)))
    assert v.regime is Regime.EXPLODES
    assert v.text.endswith("None of these shrinks the gradient on average: even GELU grows it (×1.02 per layer "
                           "on average).")


def test_verdict_for_tied_growing_activations_says_each():
    v = r.depth_verdict(depth_made(row("gelu", 1.02), row("tanh", 1.02)))
    assert v.text.endswith("even GELU and Tanh grow it (×1.02 per layer each on average).")


def test_verdict_for_one_growing_activation_from_the_sim():
    """GELU′ > 1 right of 0.752, so inputs centred at 3 make the expected product grow."""
    v = r.depth_verdict(depth_of("gelu", mu=3.0))
    assert v.regime is Regime.EXPLODES
    assert re.search(r"GELU grows it \(×1\.0\d+ per layer on average\)\.$", v.text)


# --- wrong claim (b): where GELU′ exceeds one ----------------------------------------------------------


def test_gelu_note_quotes_where_the_slope_first_exceeds_one():
    gelu = sim.activation("gelu")
    crossing = brentq(lambda x: float(gelu.df(x)) - 1.0, 0.1, 1.4, xtol=1e-14)
    assert crossing == pytest.approx(0.7518, abs=1e-4)
    note = SCENARIO["gelu"].note
    assert f"x > {crossing:.3f}" in note and "just right of the origin" not in note
    assert np.all(gelu.df(np.linspace(-10.0, crossing - 1e-6, 2001)) < 1.0)
    assert np.all(gelu.df(np.linspace(crossing + 1e-6, 6.0, 2001)) > 1.0)
    assert f"{gelu.gamma:.2f}" in note


# --- the view only lays out --------------------------------------------------------------------------


def test_view_reads_as_a_description_of_the_page():
    source = VIEW.read_text()
    assert len(source.splitlines()) <= 150
    for private_copy in ("LN10 =", "def _pow10_text", "def _f(", "def _p10", "def _z(", "np.", "numpy"):
        assert private_copy not in source, private_copy
    assert "app.verdict(r." in source and "tone=" not in source
