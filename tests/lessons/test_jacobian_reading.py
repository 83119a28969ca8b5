"""The Jacobian page's readings: every branch of every caption and verdict, and the claims it used to get wrong."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from explorer import sim
from explorer.lessons.jacobian import reading as rd
from explorer.lessons.jacobian.scenarios import SCENARIOS
from explorer.reading import Verdict
from explorer.sim import MemoryEnd, Regime

BY_KEY = {s.key: s for s in SCENARIOS}


def rnn_settings(key: str) -> rd.RNNSettings:
    return rd.RNNSettings.from_values(BY_KEY[key].values)


def deep_settings(key: str) -> rd.DeepSettings:
    v = BY_KEY[key].values
    return rd.DeepSettings(v["d_act"], v["d_init"], v["d_sw"], v["d_sb"], v["d_depth"], v["d_width"],
                           int(v["d_seed"]))


def summary(**changes) -> sim.BoundSummary:
    """A plain guaranteed-vanishing summary (tanh, σ_max 0.9), changed where a test needs it."""
    base = dict(sigma_max=0.9, spectral_radius=0.5, gamma=1.0, eta=0.9, critical_scale=1.0,
                log_rate=math.log(0.3), max_excess=-0.1, peak_log_norm=-0.4, peak_lag=1, zero_from_lag=None,
                mean_derivative=0.6, regime=Regime.VANISHES, guaranteed=True)
    return sim.BoundSummary(**{**base, **changes})


def bound_result(activation: str = "tanh", kind: str = "gaussian", **changes) -> rd.BoundResult:
    z = np.zeros(3)
    return rd.BoundResult(z, z, z, z, summary(**changes), activation, kind, "pascanu")


def horizon(steps, T: int, largest_k: int, log_ratio_newest: float = 0.0, decades: float = 6) -> sim.MemoryHorizon:
    steps = np.asarray(steps, dtype=np.int64)
    if not steps.size:
        return sim.MemoryHorizon(0, steps, None, None, None, True, MemoryEnd.NONE, math.nan, 0, T, decades)
    first, last = int(steps[0]), int(steps[-1])
    end = MemoryEnd.NEWEST if last == T else MemoryEnd.OLDEST if 2 * last <= T else MemoryEnd.MIDDLE
    return sim.MemoryHorizon(int(steps.size), steps, first, last, largest_k, bool(steps.size == last - first + 1),
                             end, log_ratio_newest, 1 + T - first, T, decades)


def terms(h: sim.MemoryHorizon, zeros: int = 0) -> rd.TermsResult:
    log_terms = np.zeros(h.T)
    log_terms[:zeros] = -np.inf
    return rd.TermsResult(log_terms, log_terms + 1.0, h)


# ---------------------------------------------------------------------------
# settings


def test_a_spectral_radius_target_on_a_nilpotent_matrix_is_read_as_sigma_max_with_a_warning():
    assert rd.resolved_target_kind("nilpotent", "spectral_radius") == "sigma_max"
    assert "ρ = 0 at every scale" in rd.target_warning("nilpotent", "spectral_radius")


def test_other_target_kinds_are_kept_without_a_warning():
    for kind, tkind in (("gaussian", "spectral_radius"), ("nilpotent", "sigma_max"), ("orthogonal", "sigma_max")):
        assert rd.resolved_target_kind(kind, tkind) == tkind
        assert rd.target_warning(kind, tkind) is None


def test_settings_from_scenario_values_are_typed_and_hashable():
    s = rnn_settings("nilpotent")
    assert (s.kind, s.n, s.T, s.seed, s.tkind) == ("nilpotent", 20, 40, 0, "sigma_max")
    assert isinstance(s.seed, int) and isinstance(s.target, float)
    assert hash(s) == hash(rnn_settings("nilpotent"))
    assert rnn_settings("tanh_vanishing") == rd.RNNSettings()  # the first scenario is the default


def test_only_the_largest_networks_are_heavy():
    assert rd.RNNSettings(n=256, T=1000).heavy
    assert not rd.RNNSettings().heavy
    assert rd.DeepSettings(depth=100, width=512).heavy
    assert not rd.DeepSettings().heavy


# ---------------------------------------------------------------------------
# figure "bound": numbers, ρ caption, caption, verdict


def test_bound_metrics_and_eta_equation_quote_the_summary():
    s = summary(sigma_max=3.0, gamma=0.25, eta=0.75, critical_scale=4.0, spectral_radius=1.53)
    assert rd.bound_metrics(s) == (("σ_max(W_rec)", "3"), ("ρ(W_rec)", "1.53"), ("γ = sup|σ′|", "0.25"),
                                   ("η = σ_max·γ", "0.75"), ("1/γ", "4"))
    assert rd.eta_latex(s) == r"\eta = 3 \times 0.25 = 0.75"


def test_rho_caption_says_rho_predicts_the_rate_only_near_the_linear_regime():
    text = rd.rho_caption(summary())
    assert "only near the linear regime" in text
    assert "decide only the very long run" not in text  # the old, misleading claim


@pytest.mark.parametrize(("key", "rate", "rho"), [("tanh_vanishing", "×0.292", "0.458"),
                                                  ("exploding", "×1.3", "3.05"),
                                                  ("sigmoid_sigma3", "×0.286", "1.53")])
def test_rho_caption_quotes_the_measured_rate_against_rho_for_the_nonlinear_scenarios(key, rate, rho):
    text = rd.rho_caption(rd.measure_bound(rnn_settings(key)).summary)
    assert f"{rate} per step" in text and f"ρ = {rho}" in text
    assert "close to ρ" not in text


def test_rho_caption_says_vanishing_although_rho_exceeds_one():
    text = rd.rho_caption(rd.measure_bound(rnn_settings("sigmoid_sigma3")).summary)
    assert "vanish at ×0.286 per step although ρ = 1.53 > 1" in text


def test_rho_caption_says_rho_sets_the_rate_near_the_linear_regime():
    text = rd.rho_caption(rd.measure_bound(rnn_settings("spectral_radius_target")).summary)
    assert "×0.949 per step is close to ρ = 0.95" in text


def test_rho_caption_below_rho_without_crossing_one():
    text = rd.rho_caption(summary(log_rate=math.log(0.292), spectral_radius=0.458))
    assert "×0.292 per step is well below ρ = 0.458" in text


def test_rho_caption_above_rho_follows_the_singular_values():
    text = rd.rho_caption(summary(log_rate=math.log(0.8), spectral_radius=0.3))
    assert "is above ρ = 0.3" in text and "singular values" in text


def test_rho_caption_without_a_rate_after_an_exact_zero():
    text = rd.rho_caption(summary(regime=Regime.ZERO, spectral_radius=0.0, zero_from_lag=20))
    assert "exactly 0 from lag 20" in text and "no long-run rate" in text


def test_rho_caption_without_a_rate_on_a_short_run():
    text = rd.rho_caption(summary(log_rate=math.nan, regime=Regime.NEUTRAL))
    assert "too short to measure a rate" in text


def test_bound_caption_mentions_undrawn_lags_only_when_a_product_is_exactly_zero():
    assert "From lag 7 on the product is exactly 0" in rd.bound_caption(summary(zero_from_lag=7))
    assert "exactly 0" not in rd.bound_caption(summary())


def test_bound_verdict_guaranteed_and_faster_than_the_bound():
    v = rd.bound_verdict(bound_result())
    assert v == Verdict(v.text, Regime.VANISHES)
    assert "vanishing is guaranteed" in v.text and "faster than the bound's ×0.9" in v.text
    assert v.text.endswith("The bound held at every lag.")


def test_bound_verdict_guaranteed_and_as_fast_as_the_bound():
    v = rd.bound_verdict(bound_result(log_rate=math.log(0.9)))
    assert "as fast as the bound's" in v.text


def test_bound_verdict_vanishing_although_the_bound_is_silent_after_rising():
    v = rd.bound_verdict(bound_result(sigma_max=1.87, eta=1.87, guaranteed=False, log_rate=math.log(0.949),
                                      peak_log_norm=math.log(2.25), peak_lag=3))
    assert v.regime is Regime.VANISHES
    assert "the bound is silent" in v.text and "after rising to ×2.25 at lag 3" in v.text
    assert "only necessary for explosion, not sufficient" in v.text


def test_bound_verdict_exploding():
    v = rd.bound_verdict(bound_result(sigma_max=6.0, eta=6.0, guaranteed=False, log_rate=math.log(1.3),
                                      regime=Regime.EXPLODES))
    assert v.regime is Regime.EXPLODES and "the products explode, ×1.3 per step" in v.text


def test_bound_verdict_neutral_attains_the_bound_exactly_when_eta_is_one():
    v = rd.bound_verdict(bound_result(eta=1.0, sigma_max=1.0, guaranteed=False, log_rate=0.0,
                                      regime=Regime.NEUTRAL))
    assert v.regime is Regime.NEUTRAL and "attained exactly" in v.text


def test_bound_verdict_neutral_without_attaining_the_bound():
    v = rd.bound_verdict(bound_result(eta=1.5, sigma_max=1.5, guaranteed=False, log_rate=0.0,
                                      regime=Regime.NEUTRAL))
    assert "neither vanish nor explode" in v.text and "attained" not in v.text


def test_bound_verdict_nilpotent_growth_is_a_bounded_transient_not_an_explosion():
    v = rd.bound_verdict(rd.measure_bound(rnn_settings("nilpotent")))
    assert v.regime is Regime.ZERO
    assert "grew to ×10^5.72 at lag 19" in v.text and "exactly 0 from lag 20" in v.text
    assert "bounded transient, not an explosion" in v.text
    assert "(W_rec is nilpotent" not in v.text  # said once, in the head


def test_bound_verdict_nilpotent_that_never_grew():
    v = rd.bound_verdict(bound_result(kind="nilpotent", regime=Regime.ZERO, spectral_radius=0.0,
                                      zero_from_lag=4, peak_log_norm=-1.0))
    assert "never grew" in v.text


def test_bound_verdict_exact_zero_from_cut_paths():
    v = rd.bound_verdict(bound_result(activation="relu", regime=Regime.ZERO, zero_from_lag=2,
                                      peak_log_norm=math.log(2.0), peak_lag=1))
    assert v.regime is Regime.ZERO
    assert "exactly 0 from lag 2 after rising to ×2 at lag 1" in v.text and "every path back" in v.text
    assert "ReLU′(0)" not in v.text  # the suffix is for products that are not already ZERO


def test_bound_verdict_adds_the_relu_cause_of_a_late_exact_zero():
    v = rd.bound_verdict(bound_result(activation="relu", zero_from_lag=200))
    assert "From lag 200 on the product is exactly 0" in v.text and "ReLU′(0) = 0 at x₀ = 0" in v.text


def test_bound_verdict_adds_the_saturation_cause_of_a_late_exact_zero():
    v = rd.bound_verdict(bound_result(activation="sigmoid", zero_from_lag=150))
    assert "σ′ is 0 in floating point" in v.text


def test_bound_verdict_notes_a_nilpotent_matrix_that_did_not_reach_zero():
    v = rd.bound_verdict(bound_result(kind="nilpotent", spectral_radius=0.0))
    assert "(W_rec is nilpotent: ρ = 0 while σ_max = 0.9.)" in v.text


def test_bound_verdict_flags_an_exceeded_bound_as_a_bug():
    v = rd.bound_verdict(bound_result(max_excess=0.5))
    assert "was EXCEEDED by 0.5 (ln) — a bug" in v.text


@pytest.mark.parametrize(("key", "regime"), [("tanh_vanishing", Regime.VANISHES), ("tanh_edge", Regime.VANISHES),
                                             ("sigmoid_sigma3", Regime.VANISHES), ("exploding", Regime.EXPLODES),
                                             ("linear_orthogonal", Regime.NEUTRAL), ("nilpotent", Regime.ZERO),
                                             ("spectral_radius_target", Regime.VANISHES)])
def test_every_recurrent_scenario_reads_as_its_regime_and_the_bound_held(key, regime):
    v = rd.bound_verdict(rd.measure_bound(rnn_settings(key)))
    assert v.regime is regime and "held at every lag" in v.text


# ---------------------------------------------------------------------------
# figure "sweep"


def test_sweep_runs_at_most_400_steps_and_200_for_large_networks():
    assert rd.sweep_steps(64, 1000) == 400
    assert rd.sweep_steps(200, 1000) == 200
    assert rd.sweep_steps(64, 50) == 50


def test_sweep_always_includes_the_networks_own_activation_in_sim_order():
    assert rd.sweep_activations(["relu", "sigmoid"], "tanh") == ("sigmoid", "tanh", "relu")
    assert rd.sweep_activations([], "gelu") == ("gelu",)


def test_sweep_settings_copy_the_network_and_share_one_step_count():
    sweeps = rd.sweep_settings(rd.RNNSettings(n=200, T=1000, seed=3), ("tanh", "relu"))
    assert [s.act for s in sweeps] == ["tanh", "relu"]
    assert {(s.n, s.T, s.seed) for s in sweeps} == {(200, 200, 3)}
    assert not rd.sweep_heavy(rd.sweep_settings(rd.RNNSettings(), ("tanh",)))
    assert rd.sweep_heavy(rd.sweep_settings(rd.RNNSettings(n=256, T=1000), ("sigmoid", "tanh", "relu", "gelu")))


def test_sweep_texts_quote_the_size_and_say_why_a_nilpotent_sweep_is_empty():
    assert "n = 64" in rd.sweep_intro(64, 200) and "run for 200 steps" in rd.sweep_intro(64, 200)
    assert "nilpotent" in rd.sweep_caption("nilpotent")
    assert "nilpotent" not in rd.sweep_caption("gaussian")


def test_sweep_spans_from_0_1_to_four_times_the_threshold():
    res = rd.sweep(rd.SweepSettings("sigmoid", 8, 40, "gaussian", 0, "pascanu", 1.0, 0.0))
    assert len(res.scales) == rd.SWEEP_SCALES
    assert res.scales[0] == pytest.approx(0.1) and res.scales[-1] == pytest.approx(16.0)  # 4 / γ, γ = 1/4
    assert res.critical_scale == pytest.approx(4.0)


# ---------------------------------------------------------------------------
# figures "pairs" and "saturation"


def test_grid_and_saturation_are_those_of_the_pages_network():
    s = rnn_settings("tanh_vanishing")
    grid = rd.jacobian_grid(s)
    assert list(grid.steps) == list(sim.jacobian_grid_steps(s.T, s.n, max_cells=rd.GRID_CELLS))
    assert len(grid.steps) == rd.GRID_CELLS + 1
    sat = rd.saturation(s)
    assert sat.derivatives.size == s.T * s.n and sat.gamma == 1.0 and sat.activation == "tanh"
    assert 0.0 < sat.fraction_saturated < 1.0 and sat.mean_derivative < sat.gamma


def test_grid_caption_counts_exactly_zero_pairs_only_when_there_are_some():
    nan = np.nan
    grid = sim.JacobianGrid(np.array([0, 5, 10]), np.array([[0.0, nan, nan], [-1.0, 0.0, nan], [-np.inf, -1, 0]]))
    text = rd.grid_caption(grid)
    assert "grid of 3 steps up to 10" in text and "1 pairs with an exactly zero product" in text
    clean = sim.JacobianGrid(np.array([0, 5]), np.array([[0.0, nan], [-1.0, 0.0]]))
    assert "exactly zero" not in rd.grid_caption(clean)


def test_saturation_caption_quotes_gamma_mean_and_saturated_share():
    r = rd.SaturationResult(np.zeros(4), 1.0, 0.59, 0.125, "tanh")
    text = rd.saturation_caption(r)
    assert "γ = 1" in text and "on average they are 0.59" in text and "12% are below 0.1γ" in text


# ---------------------------------------------------------------------------
# figure "terms": which temporal contributions count


def test_exploding_scenario_counts_the_68_oldest_terms_not_the_newest_199():
    """Issue 9 (a): 68 terms, k = 2…69, the largest at k = 3, the newest 10^-21 of it."""
    r = rd.temporal_terms(rd.TermsSettings(rnn_settings("exploding")))
    v = rd.memory_verdict(r)
    assert v.regime is Regime.EXPLODES
    assert "68 of the 200 temporal contributions (k = 2…69) are within 10⁻⁶ of the largest" in v.text
    assert "The oldest terms dominate" in v.text and "the largest is at k = 3" in v.text
    assert "the newest (k = 200) is 10^-21.2 of it" in v.text
    assert "199" not in v.text and "newest 68" not in v.text
    caption = rd.terms_caption(r)
    assert "68 of the 200 terms (k = 2…69)" in caption and "at k = 3" in caption and "199" not in caption


def test_vanishing_scenario_counts_the_newest_terms_and_forgets_the_rest():
    v = rd.memory_verdict(rd.temporal_terms(rd.TermsSettings(rnn_settings("tanh_vanishing"))))
    assert v.regime is Regime.VANISHES
    assert "Only the newest terms count: 11 of the 200 temporal contributions (k = 190…200)" in v.text
    assert "forgets the 189 older steps" in v.text


def test_memory_verdict_no_fade_when_nearly_every_term_counts():
    v = rd.memory_verdict(terms(horizon(range(2, 201), 200, 195)))
    assert v.regime is Regime.NEUTRAL and v.text.startswith("Old terms do not fade: 199 of the 200")


def test_memory_verdict_every_term_exactly_zero():
    v = rd.memory_verdict(terms(horizon([], 40, 0)))
    assert v.regime is Regime.ZERO and "exactly 0" in v.text


def test_memory_verdict_middle_names_the_largest_and_the_newest():
    v = rd.memory_verdict(terms(horizon(range(60, 81), 100, 70, log_ratio_newest=-3 * math.log(10))))
    assert v.regime is Regime.NEUTRAL
    assert "Neither end dominates" in v.text and "k = 70" in v.text and "the newest (k = 100) is 0.001 of it" in v.text


def test_memory_verdict_oldest_with_an_exactly_zero_newest_term():
    v = rd.memory_verdict(terms(horizon([1, 2], 10, 1, log_ratio_newest=-math.inf)))
    assert "the newest (k = 10) is exactly 0" in v.text


def test_memory_verdict_names_scattered_and_single_counted_steps():
    scattered = rd.memory_verdict(terms(horizon([3, 5, 10], 10, 10)))
    assert "(spread over k = 3…10)" in scattered.text
    single = rd.memory_verdict(terms(horizon([10], 10, 10)))
    assert "1 of the 10 temporal contributions (k = 10)" in single.text and "forgets the 9 older steps" in single.text


def test_memory_verdict_and_caption_quote_the_chosen_cut():
    r = terms(horizon([9, 10], 10, 10, decades=3))
    assert "within 10⁻³ of the largest" in rd.memory_verdict(r).text
    assert "the cut, 10⁻³ of the largest term" in rd.terms_caption(r)
    assert rd.cut_text(12) == "10⁻¹²"


def test_the_cut_slider_changes_how_many_terms_count():
    s = rnn_settings("tanh_vanishing")
    few, many = (rd.temporal_terms(rd.TermsSettings(s, d)).horizon.count for d in (2, 12))
    assert few < 11 < many


def test_terms_caption_counts_exact_zeros_in_the_singular_and_plural():
    assert "1 term is exactly 0" in rd.terms_caption(terms(horizon([2, 3], 3, 3), zeros=1))
    assert "2 terms are exactly 0" in rd.terms_caption(terms(horizon([3], 3, 3), zeros=2))
    assert "exactly 0" not in rd.terms_caption(terms(horizon([3], 3, 3)))


def test_terms_caption_without_any_counted_term_says_no_cut():
    text = rd.terms_caption(terms(horizon([], 4, 0), zeros=4))
    assert "cut" not in text and "4 terms are exactly 0" in text


def test_log_cut_sits_the_chosen_decades_below_the_largest_term():
    r = rd.TermsResult(np.log([1e-9, 1.0]), np.zeros(2), horizon([2], 2, 2, decades=6))
    assert r.log_cut == pytest.approx(math.log(1e-6))
    empty = rd.TermsResult(np.full(2, -np.inf), np.zeros(2), horizon([], 2, 0))
    assert empty.log_cut == -math.inf and empty.zero_terms == 2


# ---------------------------------------------------------------------------
# the deep-network view


@pytest.fixture(scope="module")
def deep_result() -> rd.DeepResult:
    return rd.deep_gradients(deep_settings("deep_sigmoid"))


def with_summary(r: rd.DeepResult, **changes) -> rd.DeepResult:
    return dataclasses.replace(r, summary=dataclasses.replace(r.summary, **changes))


def test_deep_verdict_guaranteed_for_the_sigmoid_scenario(deep_result):
    v = rd.deep_verdict(deep_result)
    assert v.regime is Regime.VANISHES and "vanishing is guaranteed" in v.text
    assert v.text.startswith("Sigmoid, Gaussian weights (σ_w = 1)")


def test_deep_verdict_zero_layers(deep_result):
    v = rd.deep_verdict(with_summary(deep_result, regime=Regime.ZERO, zero_layers=3, guaranteed=False))
    assert v.regime is Regime.ZERO and "3 of 30 layers receive an exactly zero gradient" in v.text


def test_deep_verdict_vanishes_although_the_bound_is_silent():
    v = rd.deep_verdict(rd.deep_gradients(deep_settings("deep_tanh_orthogonal")))
    assert v.regime is Regime.VANISHES and "the bound is silent" in v.text and "sufficient, not necessary" in v.text


def test_deep_verdict_explodes(deep_result):
    v = rd.deep_verdict(with_summary(deep_result, regime=Regime.EXPLODES, guaranteed=False, log_span=10.0))
    assert v.regime is Regime.EXPLODES and "grows towards the input" in v.text


def test_deep_verdict_keeps_its_size_for_relu_with_he():
    v = rd.deep_verdict(rd.deep_gradients(deep_settings("deep_relu_he")))
    assert v.regime is Regime.NEUTRAL and "keeps its size" in v.text and "attained" not in v.text


def test_deep_verdict_neutral_attains_the_bound_when_the_rates_agree(deep_result):
    v = rd.deep_verdict(with_summary(deep_result, regime=Regime.NEUTRAL, guaranteed=False, log_rate=0.0,
                                     log_bound_rate=0.0))
    assert v.text.endswith("so the bound is attained.")


def test_deep_texts_quote_gamma_weight_norms_and_undrawn_layers(deep_result):
    assert "γ = 0.25" in rd.deep_intro(deep_result)
    assert f"geometric mean ‖w^r‖₂ = {deep_result.mean_weight_norm:.3g}" in rd.deep_intro(deep_result)
    assert "not drawn" in rd.deep_caption(with_summary(deep_result, zero_layers=2))
    assert "not drawn" not in rd.deep_caption(deep_result)


# ---------------------------------------------------------------------------
# scenario labels


def test_nilpotent_scenario_is_labelled_a_bounded_transient_not_an_explosion():
    """Issue 9 (c): the products grow as 2^k up to lag n − 1 and are exactly 0 after that."""
    s = BY_KEY["nilpotent"]
    assert "explode" not in s.label.lower()
    assert "grow for n − 1 steps" in s.label and "bounded transient" in s.note
