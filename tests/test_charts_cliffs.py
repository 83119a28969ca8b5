"""Cliffs page: chart builders give valid, finite specs with log colour heatmaps, tooltips and the runs drawn."""

from __future__ import annotations

import json

import numpy as np
import pytest

from explorer.lessons.cliffs import charts
from explorer.lessons.cliffs import reading as rd
from explorer.lessons.cliffs.scenarios import SCENARIOS
from tests.conftest import assert_finite, spec_of, spec_rows

BY_KEY = {s.key: s for s in SCENARIOS}


def _layers(spec: dict) -> list[dict]:
    out = []
    for layer in spec.get("layer", [spec]):
        out += _layers(layer) if "layer" in layer else [layer]
    return out


def _mark(layer: dict) -> str:
    m = layer.get("mark")
    return m["type"] if isinstance(m, dict) else m


@pytest.fixture(scope="module")
def land():
    return rd.landscape(rd.LandscapeSettings(n=31))


@pytest.fixture(scope="module")
def frame(land):
    return charts.grid_frame(land.grid)


def test_grid_frame_has_one_row_per_cell_with_true_values(land, frame):
    assert len(frame) == 31 * 31 and list(frame.columns) == ["w", "b", "E", "g"]
    np.testing.assert_array_equal(frame["E"].to_numpy(), land.grid.loss.ravel())
    np.testing.assert_array_equal(frame["g"].to_numpy(), land.grid.grad_norm.ravel())


@pytest.mark.parametrize("field", ["E", "g"])
def test_landscape_heatmap_is_rects_on_a_log_viridis_scale_with_tooltips(land, frame, field):
    chart = charts.landscape_chart(frame, field, "legend", land.wall_w, land.wall_b, (1.0, 8.0), (-6.0, 0.0),
                                   rd.COLOR_FLOOR)
    spec = spec_of(chart)
    rects = [layer for layer in _layers(spec) if _mark(layer) == "rect"]
    assert len(rects) == 1
    color = rects[0]["encoding"]["color"]
    shade = next(t for t in rects[0]["transform"] if t.get("as") == "shade")
    assert shade["calculate"] == f"max(datum.{field}, {rd.COLOR_FLOOR!r})"  # floored colour, true tooltip
    half = float(land.grid.w[1] - land.grid.w[0]) / 2
    w_lo = next(t for t in rects[0]["transform"] if t.get("as") == "w_lo")
    assert w_lo["calculate"] == f"datum.w - {half!r}"
    assert color["field"] == "shade"
    assert color["scale"]["type"] == "log" and color["scale"]["scheme"] == "viridis"
    tips = {t.get("title", t["field"]) for t in rects[0]["encoding"]["tooltip"]}
    assert {"w", "b", "E", "‖∇E‖"} <= tips
    assert any(_mark(layer) == "line" for layer in _layers(spec))  # the wall line
    assert_finite(spec_rows(chart))


def test_trajectory_chart_draws_three_runs_over_the_landscape(land, frame):
    tr = rd.training(rd.TrainSettings())
    chart = charts.trajectory_chart(frame, land.wall_w, land.wall_b, tr.runs, rd.RUN_LABELS, tr.jump,
                                    (1.0, 8.0), (-6.0, 0.0), rd.COLOR_FLOOR)
    rows = spec_rows(chart)
    assert_finite(rows)
    runs = {r["run"] for r in rows if "run" in r}
    assert runs == set(rd.RUN_LABELS.values())
    unclipped = [r for r in rows if r.get("run") == rd.RUN_LABELS["none"]]
    assert len(unclipped) == tr.settings.iterations + 1
    spec = spec_of(chart)
    assert [_mark(layer) for layer in _layers(spec)].count("rect") == 1
    assert spec["resolve"]["scale"]["color"] == "independent"
    assert json.dumps(spec).count('"clip": true') >= 3  # thrown runs are cut at the window


def test_loss_chart_marks_the_jump_and_is_finite():
    tr = rd.training(rd.TrainSettings())
    chart = charts.loss_chart(tr.runs, rd.RUN_LABELS, tr.jump)
    rows = spec_rows(chart)
    assert_finite(rows)
    assert {"k": tr.jump + 1, "what": "after the longest unclipped step"} in rows
    logs = [r["log10_E"] for r in rows if r.get("run") == rd.RUN_LABELS["none"]]
    np.testing.assert_allclose(logs, np.log10(tr.runs["none"].loss))


@pytest.mark.parametrize("key", ["wall", "far"])
def test_slice_and_bifurcation_charts(key):
    v = BY_KEY[key].values
    r = rd.wall_slice(rd.SliceSettings(v["sw"], v["window"]))
    b_c = r.wall.b_c if r.wall.is_wall else None
    for chart in (charts.slice_chart(r.b, r.loss, r.grad_norm, b_c),
                  charts.bifurcation_chart(r.curve, r.b, r.x_final, b_c, rd.X0)):
        rows = spec_rows(chart)
        assert_finite(rows)
        assert any(r_.get("what") == "b_c" for r_ in rows) == (b_c is not None)
    rows = spec_rows(charts.bifurcation_chart(r.curve, r.b, r.x_final, b_c, rd.X0))
    kinds = {row["kind"] for row in rows if "kind" in row}
    assert kinds == ({"stable fixed point", "unstable fixed point"} if r.wall.is_wall else {"stable fixed point"})
