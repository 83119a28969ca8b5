"""Gated-memory page: chart builders give valid, finite specs that carry the numbers the readings quote."""

from __future__ import annotations

import math

import numpy as np
import pytest

from explorer import sim
from explorer.lessons.gated import charts
from explorer.lessons.gated import reading as rd
from tests.conftest import assert_finite, spec_rows


@pytest.fixture(scope="module")
def product() -> rd.ProductResult:
    return rd.product_result(rd.ProductSettings("chrono", 120))


@pytest.fixture(scope="module")
def runs() -> dict[str, sim.TrainingRun]:
    return {c: sim.train_sequence_model(c, lag=6, hidden=8, steps=40, batch=8) for c in sim.SEQUENCE_CELLS}


def by_series(rows, name, x, y):
    return {r[x]: r[y] for r in rows if r.get("series") == name}


def test_products_chart_carries_every_lag_of_every_cell(product):
    rows = spec_rows(charts.products_chart(product.log_rnn, product.log_lstm, product.log_gru, product.log_cell))
    assert_finite(rows)
    rnn = by_series(rows, charts.CELL_LABELS["rnn"], "lag", "log10_norm")
    cell = by_series(rows, charts.CELL_PATH_LABEL, "lag", "log10_norm")
    assert len(rnn) == len(cell) == 121
    assert rnn[100] == pytest.approx(product.at_lag(product.log_rnn, 100))
    assert cell[0] == 0.0 and cell[100] > rnn[100]


def test_products_chart_drops_exact_zeros():
    logs = np.array([-np.inf, -3.0, 0.0])
    rows = spec_rows(charts.products_chart(logs, logs, logs, logs))
    assert_finite(rows)
    assert all(r["lag"] != 2 for r in rows)


def test_gates_chart_shares_sum_to_one(product):
    rows = spec_rows(charts.gates_chart(rd.histogram_rows(product)))
    assert_finite(rows)
    for label in charts.GATE_LABELS.values():
        assert sum(r["share"] for r in rows if r["series"] == label) == pytest.approx(1.0)


def test_race_charts_have_every_step_and_the_chance_level(runs):
    rows = spec_rows(charts.accuracy_chart(runs)) + spec_rows(charts.loss_chart(runs))
    assert_finite(rows)
    for cell in runs:
        acc = {r["step"]: r["accuracy"] for r in rows if r.get("series") == charts.CELL_LABELS[cell]}
        assert len(acc) == 40 and all(0.0 <= a <= 1.0 for a in acc.values())
        loss = by_series(rows, charts.CELL_LABELS[cell], "step", "loss")
        assert loss[0] == pytest.approx(runs[cell].loss[0])
    assert any(r.get("y") == pytest.approx(0.25) for r in rows)


def test_gradients_chart_first_and_last_checkpoint(runs):
    rows = spec_rows(charts.gradients_chart(runs))
    assert_finite(rows)
    first = [r for r in rows if r["series"] == "LSTM" and r["checkpoint"] == "step 0"]
    assert len(first) == 7
    at_first_symbol = next(r for r in first if r["distance"] == 6)
    assert at_first_symbol["log10_norm"] == pytest.approx(runs["lstm"].grad_log_norms[0, 0] / math.log(10))
    assert {r["checkpoint"] for r in rows} == {"step 0", "step 39"}


def test_paths_chart(product):
    rows = spec_rows(charts.paths_chart(rd.path_rows(product)))
    assert_finite(rows)
    attention = [r["factors"] for r in rows if r["series"].startswith("attention")]
    assert attention and set(attention) == {1.0}
