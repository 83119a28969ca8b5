"""The gated-memory page's readings: settings, every verdict branch, and the scenarios' teaching points."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from explorer import sim
from explorer.lessons.gated import reading as rd
from explorer.lessons.gated.scenarios import DEFAULTS, SCENARIOS
from explorer.sim import Regime

BY_KEY = {s.key: s for s in SCENARIOS}


def product(log_rnn_rate=-0.4, log_lstm_rate=-0.001, log_cell_rate=-0.002, T=200, f=0.99) -> rd.ProductResult:
    """A synthetic result: straight lines in log with the given per-step rates."""
    lag = T - np.arange(T + 1)
    n = 50
    return rd.ProductResult(
        settings=rd.ProductSettings(T=T), log_rnn=log_rnn_rate * lag, log_lstm=log_lstm_rate * lag,
        log_gru=log_lstm_rate * lag, log_cell=log_cell_rate * lag, forget=np.full(n, f),
        input_gate=np.full(n, 0.1), rnn_slope=np.full(n, 0.8), rnn_radius=0.6)


def run(cell: str, acc: np.ndarray, lag: int = 10, first: float = -20.0, last: float = 0.0) -> sim.TrainingRun:
    steps = acc.size
    g = np.linspace(first, last, lag + 1)
    return sim.TrainingRun(cell=cell, task="first_symbol", lag=lag, hidden=8, symbols=4, steps=steps, batch=8,
                           lr=0.01, clip=1.0, seed=0, forget_bias="one", loss=np.ones(steps), accuracy=acc,
                           log_grad_norm=np.zeros(steps), checkpoint_steps=np.array([0, steps - 1]),
                           grad_log_norms=np.vstack([g, g]))


LEARNS = np.r_[np.full(30, 0.25), np.ones(70)]
STAYS = np.full(100, 0.25)

# ---------------------------------------------------------------------------
# settings and scenarios


def test_the_page_defaults_are_the_race_defaults_of_the_sim():
    assert DEFAULTS["lag"] == rd.RACE_LAG == 50
    assert DEFAULTS["fbias"] == rd.RACE_FORGET_BIAS
    assert DEFAULTS["clip"] is True
    assert SCENARIOS[0].values == DEFAULTS
    assert rd.RaceSettings.of(rd.PageSettings()) == rd.RaceSettings()


def test_every_scenario_sets_every_control_within_range():
    for s in SCENARIOS:
        assert set(s.values) == set(DEFAULTS), s.key
        assert rd.MIN_LAG <= s.values["lag"] <= rd.MAX_LAG
        assert rd.MIN_T <= s.values["T"] <= rd.MAX_T
        assert s.values["fbias"] in sim.FORGET_BIAS_KINDS


def test_the_largest_race_on_the_page_is_within_the_sim_cap():
    for cell in sim.SEQUENCE_CELLS:
        work = sim.training_work(cell, rd.MAX_LAG, rd.RACE_HIDDEN, rd.RACE_STEPS, 32, rd.RACE_SYMBOLS)
        assert work <= sim.MAX_TRAIN_WORK


# ---------------------------------------------------------------------------
# figure 1


def test_products_verdict_kept():
    v = rd.products_verdict(product())
    assert v.regime is Regime.NEUTRAL and "keeps the gradient's size" in v.text
    assert "lag 100" in v.text and "×0.67 a step" in v.text  # e^-0.4 = 0.670


def test_products_verdict_gated_but_forgetting():
    v = rd.products_verdict(product(log_lstm_rate=-0.1))
    assert v.regime is Regime.VANISHES and "still forget" in v.text
    assert "by 13 orders of magnitude" in v.text  # 100 × 0.3 / ln 10 = 13.0


def test_products_verdict_no_better_than_the_rnn():
    v = rd.products_verdict(product(log_lstm_rate=-0.5))
    assert v.regime is Regime.VANISHES and "as fast as" in v.text


def test_read_lag_is_capped_by_the_horizon():
    assert product(T=60).read_lag == 60
    assert "lag 60" in rd.products_verdict(product(T=60)).text


def test_gates_verdict_ties_mean_forget_gate_to_the_cell_path():
    r = product(f=0.95)
    v = rd.gates_verdict(r)
    assert "f̄ = 0.950" in v.text
    assert rd.fmt_pow10(100 * math.log10(0.95)) in v.text  # 0.95^100 = 0.00592
    assert v.regime is Regime.NEUTRAL  # the measured cell path (e^-0.2) is kept
    assert rd.gates_verdict(product(log_cell_rate=-0.1)).regime is Regime.VANISHES


def test_histograms_are_shares_on_the_unit_interval():
    rows = rd.histogram_rows(product())
    for key in ("forget", "input", "rnn"):
        assert rows[key].sum() == pytest.approx(1.0)
    assert rows["left"][0] == 0.0 and rows["right"][-1] == 1.0


def test_product_result_measures_the_claims_of_the_bias_scenarios():
    """Chrono keeps the cell path far better than bias 0 on the page's own random cells."""
    zero = rd.product_result(rd.ProductSettings("zero", 200))
    chrono = rd.product_result(rd.ProductSettings("chrono", 200))
    assert chrono.at_lag(chrono.log_cell) > rd.KEPT > zero.at_lag(zero.log_cell)
    assert chrono.at_lag(chrono.log_rnn) < -5.0  # the RNN vanishes at the same lag
    assert math.exp(zero.mean_log_f) == pytest.approx(0.5, abs=0.1)


# ---------------------------------------------------------------------------
# figure 3


def test_learned_at_uses_a_running_mean():
    r = rd.RaceResult({"lstm": run("lstm", LEARNS)})
    assert r.learned_at("lstm") == 38  # window 29..38 holds one 0.25 and nine 1s: mean 0.925 >= 0.9
    assert rd.RaceResult({"rnn": run("rnn", STAYS)}).learned_at("rnn") is None


def test_race_verdict_only_gated_cells_learn():
    r = rd.RaceResult({"rnn": run("rnn", STAYS), "lstm": run("lstm", LEARNS, first=-2.0), "gru": run("gru", LEARNS)})
    v = rd.race_verdict(r)
    assert v.regime is Regime.VANISHES and "Only the gated cells" in v.text
    assert "Lag 10" in v.text and "chance 25 %" in v.text and "at step 38" in v.text
    assert "10^-8.7" in v.text  # -20 / ln 10
    assert "the LSTM's was 0.135" in v.text  # e^-2


def test_race_verdict_one_gated_cell_learns():
    r = rd.RaceResult({"rnn": run("rnn", STAYS), "lstm": run("lstm", STAYS), "gru": run("gru", LEARNS)})
    v = rd.race_verdict(r)
    assert v.regime is Regime.VANISHES and "Only the GRU learned" in v.text


def test_gradient_caption_says_when_a_line_underflowed():
    assert "underflowed" not in rd.gradient_caption(rd.RaceResult({"rnn": run("rnn", STAYS)}))
    low = run("rnn", STAYS)
    g = low.grad_log_norms.copy()
    g[-1, 0] = -np.inf
    assert "underflowed" in rd.gradient_caption(rd.RaceResult({"rnn": replace(low, grad_log_norms=g)}))


def test_race_verdict_everyone_learns():
    r = rd.RaceResult({c: run(c, LEARNS) for c in ("rnn", "lstm", "gru")})
    v = rd.race_verdict(r)
    assert v.regime is Regime.NEUTRAL and "every cell learns" in v.text


def test_race_verdict_only_the_rnn_learns():
    r = rd.RaceResult({"rnn": run("rnn", LEARNS), "lstm": run("lstm", STAYS), "gru": run("gru", STAYS)})
    assert "try another forget bias" in rd.race_verdict(r).text


def test_race_verdict_nobody_learns():
    r = rd.RaceResult({c: run(c, STAYS) for c in ("rnn", "lstm", "gru")})
    v = rd.race_verdict(r)
    assert v.regime is Regime.VANISHES and "No cell learned" in v.text


def test_race_verdict_reports_peak_gradients_when_clipping_is_off():
    off = replace(run("rnn", STAYS), clip=None, log_grad_norm=np.r_[0.0, math.log(500.0), 1.0, np.zeros(97)])
    v = rd.race_verdict(rd.RaceResult({"rnn": off}))
    assert "Clipping is off" in v.text and "tanh RNN 500" in v.text
    assert "Clipping is off" not in rd.race_verdict(rd.RaceResult({"rnn": run("rnn", STAYS)})).text


def test_race_caption_names_clipping():
    assert "clipping at 1" in rd.race_caption(rd.RaceResult({"rnn": run("rnn", STAYS)}))
    off = replace(run("rnn", STAYS), clip=None)
    assert "clipping off" in rd.race_caption(rd.RaceResult({"rnn": off}))


def test_short_lag_scenario_is_learned_by_every_cell():
    s = rd.RaceSettings(BY_KEY["short_lag"].values["lag"], BY_KEY["short_lag"].values["fbias"], True)
    result = rd.RaceResult({c: rd.train_cell(s, c) for c in ("rnn", "lstm", "gru")})
    assert all(result.learned_at(c) is not None for c in ("rnn", "lstm", "gru"))
    assert "every cell learns" in rd.race_verdict(result).text


# ---------------------------------------------------------------------------
# figure 4


def test_paths_rows_and_verdict():
    r = product(T=50)
    rows = rd.path_rows(r)
    assert rows["rnn"][-1] == 50 and np.all(rows["attention"] == 1)
    v = rd.paths_verdict(r)
    assert "through 50 factors" in v.text and "Vaswani" in v.text
    assert v.regime is Regime.NEUTRAL
    assert rd.paths_verdict(product(log_cell_rate=-0.5)).regime is Regime.VANISHES
