"""Cliffs page lecture features: every snippet reproduces its figure's numbers; the questions are computed.

The expected answers under changed settings come from the theory each question is about
(growth (w σ'(0.5))^T at the fixed point; a small step on a smooth slope lowers the loss;
a τ inside Pascanu's range trains), not from the code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from explorer.lessons.cliffs import questions as qs
from explorer.lessons.cliffs import reading as rd
from explorer.lessons.cliffs import snippets as sn
from explorer.lessons.cliffs.scenarios import SCENARIOS
from explorer.question import is_right
from tests.lessons.test_snippets import run, same

CASES = [pytest.param(s.values, id=s.key) for s in SCENARIOS]
BY_KEY = {s.key: s.values for s in SCENARIOS}


@pytest.mark.parametrize("values", CASES)
def test_landscape_snippet(values):
    s = rd.LandscapeSettings(values["window"], int(values["n"]))
    r = rd.landscape(s)
    ns = run(sn.landscape(s))
    same(ns["grid"], r.grid)
    same(ns["wall_w"], r.wall_w)
    same(ns["wall_b"], r.wall_b)
    same((ns["peak_norm"], ns["median_norm"]), (r.peak_norm, r.median_norm))


@pytest.mark.parametrize("values", [*CASES, pytest.param({**BY_KEY["wall"], "sw": 3.0}, id="no-wall")])
def test_wall_snippet(values):
    r = rd.wall_slice(rd.SliceSettings(float(values["sw"]), values["window"]))
    ns = run(sn.wall(values["window"], sw=values["sw"]))
    same(ns["wall"], r.wall)
    for name in ("b", "grad_norm", "x_final", "curve"):
        same(ns[name], getattr(r, name), name)
    same(ns["E"], r.loss)


@pytest.mark.parametrize("values", CASES)
def test_train_snippet(values):
    t = rd.training(rd.TrainSettings(float(values["w0"]), float(values["b0"]), float(values["lr"]),
                                     int(values["iters"]), float(values["tau"])))
    ns = run(sn.train(w0=values["w0"], b0=values["b0"], tau=values["tau"], lr=values["lr"], iters=values["iters"]))
    same(ns["runs"], t.runs)
    assert ns["jump"] == t.jump
    same(ns["under"], rd.path_landscape(rd.path_window(t)).grid)


def _reveal(key: str, **changes):
    q = next(x for x in qs.QUESTIONS if x.key == key)
    return q, q.reveal({**BY_KEY[q.scenario], **changes})


def test_answers_follow_the_theory_when_the_settings_change():
    sig = 1 / (1 + math.exp(-0.5))
    slope = sig * (1 - sig)  # σ′(0.5)
    for w in (3.0, 4.5, 5.0, 8.0):
        q, r = _reveal("growth", sw=w)
        theory = 50 * math.log10(w * slope)
        assert is_right(q, r, theory) and not is_right(q, r, theory + 2), (w, r.numbers)
    # On the wall the first unclipped step goes up; far from it (w = 2, no wall) a small step goes down.
    assert _reveal("step")[1].correct == "up"
    assert _reveal("step", w0=2.0, b0=-1.0, lr=0.1)[1].correct == "down"
    # τ = 0.002 crawls; τ = 1 (inside Pascanu's range here) trains within the same 200 iterations.
    assert _reveal("crawl")[1].correct == "no"
    q, r = _reveal("crawl", tau=1.0)
    assert r.correct == "yes" and r.numbers != _reveal("crawl")[1].numbers


def test_growth_measured_by_a_nudge_matches_the_multiplier():
    from explorer import sim

    wall = sim.cliff_wall(5.0)
    x = sim.cliff_states(5.0, wall.b_c)[-1]
    nudged = sim.cliff_states(5.0, wall.b_c, x0=0.5 + qs.NUDGE)[-1]
    assert abs(nudged - x) / qs.NUDGE == pytest.approx(math.exp(wall.log_amplification), rel=0.05)
    assert np.isfinite(x)
