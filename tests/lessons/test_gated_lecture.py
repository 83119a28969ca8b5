"""Gated-memory page: snippets, questions and their answers.

CPU is kept small: the cheap snippets (products, gates, paths) run for every scenario; the race
snippet trains three cells and runs at the default scenario only, and the race questions read the
page's cache (explorer.lessons.gated.cache), so the whole file trains the default race once, the
no-clipping LSTM and GRU, and one short RNN at lag 5: about 15 s of CPU.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from explorer.app.registry import PAGES
from explorer.lessons.gated import cache, snippets
from explorer.lessons.gated import reading as rd
from explorer.lessons.gated.questions import QUESTIONS
from explorer.question import Reveal, is_right, verdict_line
from tests.conftest import ROOT
from tests.lessons.test_snippets import run, same

SPEC = next(p for p in PAGES if p.key == "gated")
SCENARIOS = {s.key: s.values for s in SPEC.scenarios}


def page_of(values) -> rd.PageSettings:
    return rd.PageSettings(rd.race_lag(values["lag"]), values["fbias"], values["clip"])


@pytest.mark.parametrize("values", [pytest.param(v, id=k) for k, v in SCENARIOS.items()])
def test_cheap_snippets_reproduce_the_figures_at_every_scenario(values):
    page = page_of(values)
    r = rd.product_result(rd.ProductSettings(page.fbias, values["T"]))
    ns = run(snippets.products(page, T=values["T"]))
    for name in ("log_rnn", "log_lstm", "log_gru", "log_cell"):
        same(ns[name], getattr(r, name), name)
    d = rd.product_result(rd.ProductSettings(page.fbias))
    ns = run(snippets.gates(page))
    same(ns["forget"], d.forget)
    same(ns["input_gate"], d.input_gate)
    same(ns["rnn_slope"], d.rnn_slope)
    rows = rd.histogram_rows(d)
    for key in ("forget", "input", "rnn"):
        same(ns["shares"][key], rows[key], key)
    ns = run(snippets.paths(page))
    paths = rd.path_rows(d)
    same(ns["distance"], paths["distance"])
    same(ns["factors"], {k: paths[k] for k in ("rnn", "cell", "attention")})
    same(ns["log_cell"], d.log_cell)


def test_race_snippet_reproduces_the_cached_race_at_the_default_scenario():
    values = SPEC.scenarios[0].values
    page = page_of(values)
    ns = run(snippets.race(page))
    race = cache.race(rd.RaceSettings.of(page))
    for cell, run_ in race.runs.items():
        same(ns["runs"][cell].accuracy, run_.accuracy, cell)
        same(ns["runs"][cell].grad_log_norms, run_.grad_log_norms, cell)


def test_every_figure_has_a_snippet():
    view = (ROOT / "explorer" / "lessons" / "gated" / "view.py").read_text()
    keys = re.findall(r'@app\.figure\(c, "([a-z_]+)"', view)
    assert len(keys) == 4 and view.count("snippet=snippets.") == 4
    for key in keys:
        assert f"snippet=snippets.{key})" in view


def test_questions_are_well_formed_and_attached_to_real_figures():
    view = (ROOT / "explorer" / "lessons" / "gated" / "view.py").read_text()
    figures = re.findall(r'@app\.figure\(c, "([a-z_]+)"', view)
    assert 2 <= len(QUESTIONS) <= 3 and len({q.key for q in QUESTIONS}) == len(QUESTIONS)
    for q in QUESTIONS:
        assert q.figure in figures and q.scenario in SCENARIOS
        values = SCENARIOS[q.scenario]
        assert q.prompt(values).endswith("?")
        reveal = q.reveal(values)
        assert isinstance(reveal, Reveal) and re.search(r"\d", reveal.numbers)
        assert reveal.why.count(". ") == 0 and reveal.why.endswith(".")
        assert reveal.correct in q.choices and is_right(q, reveal, reveal.correct)
        wrong = next(c for c in q.choices if c != reveal.correct)
        assert verdict_line(q, reveal, wrong).startswith("**Not quite")


def _changed(key: str, **changes) -> Reveal:
    q = next(x for x in QUESTIONS if x.key == key)
    return q.reveal(dict(SCENARIOS[q.scenario]) | changes)


def test_changed_settings_change_the_answers():
    # The cell path's answer is its measured product at lag 100, above 10 % or not.
    r = rd.product_result(rd.ProductSettings("chrono", 1000))
    assert _changed("cell").correct == ("yes" if r.log_cell[1000 - 100] > np.log(0.1) else "no")
    zero = _changed("cell", fbias="zero")
    assert zero.correct == "no" and zero.numbers != _changed("cell").numbers
    # Five steps back the RNN's gradient has not vanished: it learns; at lag 50 it does not.
    assert _changed("rnn").correct != "learns"
    assert _changed("rnn", lag=5).correct == "learns"
    # Clipping on gives the default race: the answer follows the cached runs.
    on, off = _changed("gated", clip=True), _changed("gated")
    race = cache.race(rd.RaceSettings())
    both = all(race.learned_at(c) is not None for c in ("lstm", "gru"))
    assert (on.correct == "both") == both
    assert on.numbers != off.numbers
