"""Deep-network lab lecture features: every snippet reproduces its figure's numbers; the questions are computed.

The expected answers under changed settings come from the mean-field theory each question is
about (ReLU: χ₁ = σ_w²/2 whatever σ_b; tanh without biases: q* = 0 and χ₁ = σ_w²; a linear
network with orthogonal weights is an exact isometry), not from the code under test.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from explorer import sim
from explorer.lessons.deeplab import questions as qs
from explorer.lessons.deeplab import reading as rd
from explorer.lessons.deeplab import snippets as sn
from explorer.lessons.deeplab.scenarios import SCENARIOS
from explorer.question import is_right
from tests.conftest import ROOT
from tests.lessons.test_snippets import run, same

CASES = [pytest.param(s.values, id=s.key) for s in SCENARIOS]
BY_KEY = {s.key: s.values for s in SCENARIOS}
VIEW = (ROOT / "explorer" / "lessons" / "deeplab" / "view.py").read_text()


def page(values) -> rd.PageSettings:
    return rd.PageSettings.of(values)


@pytest.mark.parametrize("values", CASES)
def test_phase_and_depth_snippets(values):
    s = page(values)
    t = rd.theory(s.act, s.sigma_w, s.sigma_b)
    ns = run(sn.phase(s))
    same(ns["sigma_w"], s.sigma_w)
    same(ns["grid"], rd.phase_grid(s.act))
    same(ns["named"], {n.label: (n.sigma_w2, n.sigma_b2) for n in rd.named_inits(s.act, s.sigma_b)})
    same((ns["q_star"], ns["chi1"], ns["xi"]), (t.q_star, t.chi1, t.depth_scale))
    ns = run(sn.depth(s))
    same(ns["curve"], rd.depth_curve(s.act, s.sigma_b))
    same(ns["xi"], t.depth_scale)


@pytest.mark.parametrize("values", CASES)
def test_measured_snippet(values):
    s = page(values)
    m = rd.measure(s)
    ns = run(sn.measured(s))
    same(ns["g"], m.gradients)
    for name in ("log_chi_layers", "log_ratios", "log_prediction"):
        same(ns[name], getattr(m, name), name)
    same((float(ns["measured"]), float(ns["predicted"])), (m.mean_log_ratio, m.predicted_mean_log_ratio))


@pytest.mark.parametrize("values", CASES)
def test_isometry_snippet(values):
    s = page(values)
    iso = rd.isometry(s)
    ns = run(sn.isometry(s))
    same(ns["gaussian"], iso.gaussian)
    same(ns["orthogonal"], iso.orthogonal)
    same(float(ns["share"]), rd.isometric_share(iso.orthogonal))  # the loop ends on the orthogonal network


@pytest.mark.parametrize("values", [*CASES, pytest.param({**BY_KEY["resnet"], "res": False}, id="no-skips"),
                                    pytest.param({**BY_KEY["critical"], "alpha": 0.85}, id="alpha")])
def test_residual_snippet(values):
    s = page(values)
    ns = run(sn.residual(s, res=values["res"], alpha=values["alpha"]))
    same(ns["plain"], rd.measure(rd.gaussian_twin(s)).gradients)  # what residual_gradient_chart draws
    same(ns["plain_spectrum"], rd.isometry(s).gaussian)  # what residual_spectrum_chart draws
    if not values["res"]:
        assert "skip" not in ns and "skip_spectrum" not in ns  # the figure draws the plain network only
        return
    r = rd.residual(rd.ResidualSettings(s, float(values["alpha"])))
    same(ns["skip"], r.residual)
    same(ns["skip_spectrum"], r.residual_spectrum)


@pytest.mark.parametrize("values", [*CASES, pytest.param({**BY_KEY["bn"], "batch": 8}, id="batch-8")])
def test_batchnorm_snippet(values):
    s = page(values)
    b = rd.batchnorm(rd.BatchSettings(s, int(values["batch"])))
    ns = run(sn.batchnorm(s, batch=values["batch"]))
    same(ns["with_bn"], b.normalised)
    same(ns["without"], b.plain)
    same(ns["fd_error"], b.fd_error)


def test_every_figure_has_a_snippet_of_its_own_name():
    figures = re.findall(r'@app\.figure\(c, "([a-z_]+)",.*?snippet=snippets\.([a-z_]+)\)\ndef ', VIEW, flags=re.S)
    assert len(figures) == len(re.findall(r"@app\.figure\(", VIEW)) == 6
    assert all(key == fn for key, fn in figures), figures


def test_the_app_passes_the_figure_local_controls_to_the_snippets():
    """Through AppTest: the residual and batch-norm snippets carry the figure's own α and B."""
    from explorer.app.registry import PAGES
    from tests.test_app import assert_healthy, load

    spec = next(p for p in PAGES if p.key == "deeplab")
    at = load(spec, {"dnl_alpha": "0.55", "dnl_batch": "24"})
    assert_healthy(at)
    codes = [c.value for c in at.code if "from explorer import sim" in c.value]
    assert len(codes) == 6
    assert any("alpha = 0.55" in c for c in codes) and any("batch, seed = 50, 128, 24, 0" in c for c in codes)


def _reveal(key: str, **changes):
    q = next(x for x in qs.QUESTIONS if x.key == key)
    return q, q.reveal({**BY_KEY[q.scenario], **changes})


def test_phase_answer_follows_the_theory():
    # Tanh without biases has q* = 0 and χ₁ = σ_w² · tanh'(0)² = σ_w²: critical at σ_w = 1 exactly.
    assert _reveal("phase")[1].correct == "chaotic"  # PyTorch's 5/3
    assert _reveal("phase", sw=0.8)[1].correct == "ordered"
    assert _reveal("phase", sw=1.2)[1].correct == "chaotic"
    assert _reveal("phase", crit=True, sb=0.4)[1].correct == "critical"
    # ReLU: χ₁ = σ_w²/2, so σ_w = 1.2 (σ_w² = 1.44) is ordered whatever σ_b.
    assert _reveal("phase", act="relu", sw=1.2, sb=0.5)[1].correct == "ordered"
    assert _reveal("phase", sw=0.8)[1].numbers != _reveal("phase", sw=0.9)[1].numbers


@pytest.mark.parametrize(("act", "sw", "sb", "theory"), [
    ("relu", 1.0, 0.0, 0.5), ("relu", 1.6, 0.3, 1.28), ("identity", 0.9, 0.2, 0.81), ("tanh", 0.7, 0.0, 0.49)])
def test_chi_answer_follows_the_theory(act, sw, sb, theory):
    q, r = _reveal("chi", act=act, crit=False, sw=sw, sb=sb)
    assert is_right(q, r, theory) and not is_right(q, r, theory * 1.3), r.numbers
    assert f"χ₁ = {theory:.4g}" in r.numbers
    q, he = _reveal("chi")
    assert is_right(q, he, 1.0) and not is_right(q, he, 2.0)  # σ_w² = 2 is not the answer


def test_spread_answer_follows_the_simulation():
    # A linear network with orthogonal weights and σ_w = 1 is an exact isometry: every s_i = 1.
    shallow, deep = (_reveal("spread", act="identity", crit=True, sb=0.0, depth=d)[1] for d in (10, 40))
    assert shallow.correct == deep.correct == "gaussian", (shallow.numbers, deep.numbers)
    assert shallow.numbers != deep.numbers
    # Off criticality the answer is whatever the two networks measure (here the chaotic point's one draw).
    values = {**BY_KEY["ortho"], "crit": False, "sw": 1.5, "sb": 0.3, "depth": 50}
    kw = dict(sigma_w=1.5, sigma_b=0.3, seed=0)
    g, o = (sim.jacobian_spectrum(50, 128, "tanh", init=i, **kw).var_eig for i in ("gaussian", "orthogonal"))
    assert qs.QUESTIONS[2].reveal(values).correct == ("gaussian" if g > o else "orthogonal")
    assert np.isfinite(g) and np.isfinite(o)
