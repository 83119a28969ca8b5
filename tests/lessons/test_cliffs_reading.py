"""Cliffs page: every caption and verdict branch, and each scenario's teaching point, against the simulation."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from explorer import sim
from explorer.lessons.cliffs import reading as rd
from explorer.lessons.cliffs.scenarios import DEFAULTS, SCENARIOS
from explorer.sim import Regime

BY_KEY = {s.key: s for s in SCENARIOS}


def train(key: str) -> rd.Training:
    v = BY_KEY[key].values
    return rd.training(rd.TrainSettings(v["w0"], v["b0"], v["lr"], v["iters"], v["tau"]))


def sliced(key: str) -> rd.WallSlice:
    v = BY_KEY[key].values
    return rd.wall_slice(rd.SliceSettings(v["sw"], v["window"]))


def test_scenarios_set_every_control_and_the_first_is_the_default():
    assert SCENARIOS[0].values == DEFAULTS
    assert {"wall", "far", "saved", "crawl"} <= set(BY_KEY)
    for s in SCENARIOS:
        assert set(s.values) == set(DEFAULTS), s.key


# ---------------------------------------------------------------------------
# landscape


def test_landscape_verdict_finds_the_wall_on_the_default_grid():
    r = rd.landscape(rd.LandscapeSettings())
    assert r.grid.loss.shape == (rd.GRID_DEFAULT, rd.GRID_DEFAULT)
    v = rd.landscape_verdict(r)
    assert v.regime is Regime.EXPLODES
    assert r.peak_norm >= rd.WALL_RATIO * r.median_norm
    assert r.peak_distance < 0.05  # the steepest cell is on the line b = b_c(w)
    assert rd.fmt_sci(r.peak_norm) in v.text
    # the wall line drawn is b_c(w) where w σ'(0.5) > 1
    s = 1 / (1 + math.exp(-0.5))
    np.testing.assert_allclose(r.wall_b, 0.5 - r.wall_w * s)
    assert np.all(r.wall_w * s * (1 - s) > 1)


def test_landscape_verdict_without_a_visible_wall():
    r = dataclasses.replace(rd.landscape(rd.LandscapeSettings(n=21)), median_norm=1.0, peak_norm=3.0)
    v = rd.landscape_verdict(r)
    assert v.regime is Regime.NEUTRAL and "thinner than a cell" in v.text


def test_landscape_caption_names_the_wall_line():
    assert "b_c(w)" in rd.landscape_caption(rd.landscape(rd.LandscapeSettings(n=21)))


def test_zoom_window_is_heavy_only_at_high_resolution():
    assert not rd.LandscapeSettings("zoom", 81).heavy and rd.LandscapeSettings("zoom", rd.GRID_MAX).heavy
    assert rd.LandscapeSettings("zoom").w_range == rd.WINDOWS["zoom"][0]


# ---------------------------------------------------------------------------
# slice and fixed points


def test_slice_verdict_at_the_wall_quotes_the_jump():
    r = sliced("wall")
    v = rd.slice_verdict(r)
    assert v.regime is Regime.EXPLODES
    s = 1 / (1 + math.exp(-0.5))
    assert r.wall.b_c == pytest.approx(0.5 - 5 * s)
    assert r.E_below > 20 * r.E_above
    assert rd.fmt_sci(r.E_above) in v.text and rd.fmt_sci(r.E_below) in v.text
    assert abs(r.peak_b - r.wall.b_c) < 1e-3 and r.peak_norm > 100
    # x_T on either side of b_c ends on different branches
    assert np.all(r.x_final[r.b > r.wall.b_c + 1e-3] > 0.5) and np.all(r.x_final[r.b < r.wall.b_c - 1e-3] < 0.5)
    assert dict(rd.slice_metrics(r))["Jacobian w σ′(0.5)"] == "1.175"


def test_slice_verdict_without_a_wall():
    r = sliced("far")
    v = rd.slice_verdict(r)
    assert not r.wall.is_wall and v.regime is Regime.VANISHES and "no wall" in v.text
    assert r.peak_norm < 10


def test_slice_metrics_write_huge_amplifications_as_powers():
    r = rd.wall_slice(rd.SliceSettings(1e7))
    assert r.wall.log_amplification > 700
    assert dict(rd.slice_metrics(r))[f"Over {rd.T} steps"].startswith("×10^")


# ---------------------------------------------------------------------------
# training


def test_wall_scenario_throws_the_unclipped_run_within_two_steps():
    tr = train("wall")
    v = BY_KEY["wall"].values
    assert 0.0 < v["b0"] - sim.cliff_wall(v["w0"]).b_c < 0.0025  # "0.002 above b_c"
    assert tr.jump <= 2 and tr.jump_norm > 1000 and 25 < tr.jump_length < 35
    assert tr.runs["norm"].step_length.max() <= v["lr"] * v["tau"] * (1 + 1e-12)
    verdict = rd.training_verdict(tr)
    assert verdict.regime is Regime.EXPLODES
    assert f"iteration {tr.jump}" in verdict.text and rd.fmt_sci(tr.jump_length) in verdict.text
    assert tr.final["norm"] < tr.final["none"]


def test_far_scenario_never_clips():
    tr = train("far")
    v = rd.training_verdict(tr)
    assert not tr.runs["norm"].clipped.any() and not tr.runs["value"].clipped.any()
    np.testing.assert_array_equal(tr.runs["none"].w, tr.runs["norm"].w)
    assert v.regime is Regime.NEUTRAL and "changed nothing" in v.text
    assert sim.cliff_wall(BY_KEY["far"].values["w0"]).multiplier < 1


def test_saved_scenario_is_the_documented_near_side_run():
    tr = train("saved")
    assert tr.thrown and tr.jump_length > 5 and tr.final["none"] > 0.08
    assert tr.final["norm"] < 1e-4
    n = tr.runs["norm"]
    side = np.sign(n.b - np.array([sim.cliff_wall(float(w)).b_c for w in n.w]))
    assert (side == side[0]).all()
    lo, hi = tr.heuristic_range
    assert lo <= BY_KEY["saved"].values["tau"] <= hi
    assert "**inside**" in rd.heuristic_text(tr)
    assert rd.training_verdict(tr).regime is Regime.EXPLODES


def test_crawl_scenario_crawls():
    tr = train("crawl")
    v = BY_KEY["crawl"].values
    assert tr.clipped_share >= rd.CRAWL_SHARE and v["tau"] < tr.heuristic_range[0]
    np.testing.assert_allclose(tr.runs["norm"].step_length, v["lr"] * v["tau"], rtol=1e-9)
    assert v["lr"] * v["tau"] == pytest.approx(0.0004)
    assert tr.final["norm"] > 0.4 and tr.final["value"] > 0.4  # "hardly left E ≈ 0.44"
    in_range = rd.training(rd.TrainSettings(v["w0"], v["b0"], v["lr"], v["iters"], 1.0))
    assert in_range.final["norm"] < 0.01  # "where τ = 1 would have trained"
    verdict = rd.training_verdict(tr)
    assert verdict.regime is Regime.VANISHES and "crawls" in verdict.text
    assert "**below**" in rd.heuristic_text(tr)


def test_clipped_but_never_thrown_branch():
    tr = rd.training(rd.TrainSettings(3.0, -2.0, 0.5, 100, 0.2))
    assert not tr.thrown and tr.runs["norm"].clipped.any() and tr.clipped_share < rd.CRAWL_SHARE
    v = rd.training_verdict(tr)
    assert v.regime is Regime.NEUTRAL and "No unclipped step" in v.text


def test_heuristic_above_range():
    tr = train("far")
    assert BY_KEY["far"].values["tau"] > tr.heuristic_range[1]
    assert "**above**" in rd.heuristic_text(tr)


def test_thrown_but_clipping_did_not_help_is_neutral():
    tr = train("saved")
    worse = dataclasses.replace(tr, runs={**tr.runs, "none": tr.runs["norm"], "norm": tr.runs["none"]})
    assert rd.training_verdict(worse).regime is Regime.NEUTRAL


def test_training_caption_and_words():
    assert "ητ" in rd.training_caption(train("wall"))
    assert "jacobian-bound" in rd.JACOBIAN_LINK
    assert "Pascanu" in rd.SOURCES and "10.11" in rd.SOURCES


def test_path_window_follows_the_clipped_runs_and_notes_where_the_unclipped_one_went():
    tr = train("saved")
    p = rd.path_window(tr)
    for key in ("norm", "value"):
        run = tr.runs[key]
        assert p.w_range[0] <= run.w.min() and run.w.max() <= p.w_range[1]
        assert p.b_range[0] <= run.b.min() and run.b.max() <= p.b_range[1]
    assert p.w_range[1] - p.w_range[0] >= 2 * rd.PATH_MARGIN - 1e-3
    note = rd.path_note(tr, p)
    assert "leaves this window at iteration 4" in note  # the throw of step 3 lands outside
    land = rd.path_landscape(p)
    assert land.grid.loss.shape == (rd.PATH_GRID, rd.PATH_GRID)
    assert land.wall_w.size and np.all((p.b_range[0] <= land.wall_b) & (land.wall_b <= p.b_range[1]))
    far = train("far")
    assert rd.path_note(far, rd.path_window(far)) == "All three runs stay within the window shown."


def test_heuristic_says_when_the_wall_dominates_the_average():
    tr = train("wall")
    assert tr.mean_norm > rd.SPIKY * tr.median_norm
    assert "dominate the average" in rd.heuristic_text(tr)
    assert "dominate" not in rd.heuristic_text(train("saved"))
