"""Predict-then-reveal questions: well formed, attached to real figures, answered from the simulation.

The answers are never typed in: each question's reveal is computed from its settings,
so changing the settings changes the answer. The expected answers under changed
settings below come from the theory each question is about (a normal matrix with
ρ < 1 cannot grow; ln 1000 / ln |λ| steps to grow 1000-fold; ...), not from the code.
"""

from __future__ import annotations

import math
import re

import pytest

from explorer.app.registry import PAGES
from explorer.question import Question, Reveal, is_right, verdict_line
from tests.conftest import ROOT

QUESTION_PAGES = ("power", "eigenvalues", "jacobian", "activations", "cliffs", "deeplab")
"""The gated page is checked in tests/lessons/test_gated_lecture.py: answering its race questions at every
scenario here would train every scenario's race."""


def questions_of(key: str) -> tuple[Question, ...]:
    import importlib

    return importlib.import_module(f"explorer.lessons.{key}.questions").QUESTIONS


def spec_of(key: str):
    return next(p for p in PAGES if p.key == key)


def figure_keys(key: str) -> list[str]:
    return re.findall(r'@app\.figure\(c, "([a-z_]+)"', (ROOT / "explorer" / "lessons" / key / "view.py").read_text())


CASES = [pytest.param(k, n, q, id=f"{k}-{q.key}") for k in QUESTION_PAGES for n, q in enumerate(questions_of(k), 1)]


@pytest.mark.parametrize("key", QUESTION_PAGES)
def test_two_or_three_questions_per_page_with_unique_keys(key):
    qs = questions_of(key)
    assert 2 <= len(qs) <= 3
    assert len({q.key for q in qs}) == len(qs)


@pytest.mark.parametrize(("key", "number", "q"), CASES)
def test_question_is_attached_to_a_figure_and_a_scenario(key, number, q):
    assert q.figure in figure_keys(key), f"{q.figure!r} is not a figure of {key}"
    scenarios = {s.key: s for s in spec_of(key).scenarios}
    assert q.scenario in scenarios
    values = scenarios[q.scenario].values
    prompt = q.prompt(values)
    assert prompt.endswith("?") or prompt.endswith(")"), prompt
    reveal = q.reveal(values)
    assert isinstance(reveal, Reveal) and reveal.numbers and reveal.why
    assert re.search(r"\d", reveal.numbers), "the reveal shows no number"
    assert reveal.why.count(". ") == 0 and reveal.why.endswith("."), "the why is one sentence"
    if q.numeric:
        assert isinstance(reveal.correct, float)
        assert is_right(q, reveal, reveal.correct)
    else:
        assert reveal.correct in q.choices
        assert is_right(q, reveal, reveal.correct)
        wrong = next(c for c in q.choices if c != reveal.correct)
        assert not is_right(q, reveal, wrong)
        assert verdict_line(q, reveal, wrong).startswith("**Not quite")


@pytest.mark.parametrize(("key", "number", "q"), CASES)
def test_the_answer_depends_on_the_settings(key, number, q):
    """Some other scenario of the page gives different numbers: nothing in the reveal is fixed text."""
    scenarios = spec_of(key).scenarios
    own = q.reveal(next(s for s in scenarios if s.key == q.scenario).values).numbers
    others = {q.reveal(s.values).numbers for s in scenarios if s.key != q.scenario}
    assert others - {own}


def _changed(key: str, question: str, **changes) -> tuple[Question, Reveal]:
    q = next(x for x in questions_of(key) if x.key == question)
    values = dict(next(s for s in spec_of(key).scenarios if s.key == q.scenario).values) | changes
    return q, q.reveal(values)


def test_changed_settings_change_the_answers_as_theory_says():
    # A normal matrix (no tilt) with every |λ| < 1 only shrinks: no hump.
    assert _changed("eigenvalues", "hump")[1].correct == "yes"
    assert _changed("eigenvalues", "hump", nu=0.0)[1].correct == "no"
    # 1000-fold growth takes about ln 1000 / ln |λ| steps.
    for mag in (1.05, 1.1, 1.3):
        q, r = _changed("eigenvalues", "thousand", mag1=mag, steps=300)
        assert is_right(q, r, math.log(1000) / math.log(mag)), (mag, r.numbers)
    # float32's largest number is about 3.4e38: 3^t passes it near t = 81, 2^t near t = 128.
    q, r = _changed("eigenvalues", "overflow", mag1=2.0)
    assert is_right(q, r, math.log(3.4e38) / math.log(2.0))
    # Jacobian: σ_max = 6 with tanh makes products grow; a nilpotent chain of n units dies after n steps.
    assert _changed("jacobian", "lag")[1].correct == "smaller"
    assert _changed("jacobian", "lag", target=6.0, inp=0.1)[1].correct == "larger"
    for n in (8, 20):
        q, r = _changed("jacobian", "zero", n=n)
        assert is_right(q, r, n) and not is_right(q, r, n + 3)
    # Deeper sigmoid stacks lose more orders of magnitude.
    shallow, deep = (_changed("jacobian", "deep", d_depth=d)[1].correct for d in (10, 40))
    assert deep > shallow > 0
    # Activations: with z ~ N(0, 1) tanh passes back well over 1/4; without GELU no γ exceeds 1.
    assert _changed("activations", "quarter")[1].correct == "less"
    assert _changed("activations", "quarter", s=1.0)[1].correct == "more"
    assert _changed("activations", "gamma", show=["sigmoid", "tanh", "relu"])[1].correct == "no"
    # Power method: the direction settles in about ln(angle0 / 1e-3) / ln(1 / ratio) steps.
    q, close = _changed("power", "settle")
    _, fast = _changed("power", "settle", matrix="distinct")
    assert fast.correct < close.correct / 10
    assert _changed("power", "turn", matrix="distinct")[1].correct == "yes"
    assert _changed("power", "hump", matrix="symmetric", steps=40)[1].numbers != _changed("power", "hump")[1].numbers
