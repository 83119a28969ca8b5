"""The deep-network lab's readings: every verdict and caption branch, and each scenario's teaching point."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from explorer import sim
from explorer.lessons.deeplab import reading as rd
from explorer.lessons.deeplab.scenarios import DEFAULTS, SCENARIOS
from explorer.sim import Regime

BY_KEY = {s.key: s for s in SCENARIOS}


def settings(key: str, **changes) -> rd.PageSettings:
    return dataclasses.replace(rd.PageSettings.of(BY_KEY[key].values), **changes)


def small(key: str, **changes) -> rd.PageSettings:
    return settings(key, **{"depth": 20, "width": 32, **changes})


def theory(chi: float, xi: float = 10.0, act: str = "tanh") -> rd.Theory:
    return rd.Theory(act, 1.0, 0.1, 0.3, chi, xi)


# --------------------------------------------------------------------------- settings and scenarios


def test_first_scenario_is_the_defaults_and_every_scenario_sets_every_control():
    assert SCENARIOS[0].values == DEFAULTS
    for s in SCENARIOS:
        assert set(s.values) == set(DEFAULTS), s.key
    assert len({s.key for s in SCENARIOS}) == len(SCENARIOS)


def test_critical_toggle_replaces_the_slider():
    s = settings("critical")
    assert s.critical and s.sigma_w == pytest.approx(sim.critical_sigma_w("tanh", 0.05))
    assert sim.chi1(s.act, s.sigma_w, s.sigma_b) == pytest.approx(1.0, abs=1e-9)
    assert "slider is not used" in rd.critical_text(s)
    given = rd.PageSettings.of(BY_KEY["critical"].values, critical_sigma_w=1.25)
    assert given.sigma_w == 1.25
    off = rd.PageSettings.of({**BY_KEY["critical"].values, "crit": False})
    assert off.sigma_w == 1.0 and "(critical)" not in off.label


@pytest.mark.parametrize(("key", "regime"), [
    ("critical", Regime.NEUTRAL), ("ordered", Regime.VANISHES), ("chaotic", Regime.EXPLODES),
    ("xavier", Regime.NEUTRAL), ("he", Regime.NEUTRAL), ("torch", Regime.EXPLODES), ("ortho", Regime.NEUTRAL),
    ("resnet", Regime.VANISHES), ("bn", Regime.NEUTRAL)])
def test_each_scenario_lands_in_its_phase(key, regime):
    s = settings(key)
    assert rd.theory(s.act, s.sigma_w, s.sigma_b).regime is regime


def test_chaotic_scenario_reproduces_the_numbers_its_note_quotes():
    s = settings("chaotic")
    t = rd.theory(s.act, s.sigma_w, s.sigma_b)
    assert t.chi1 == pytest.approx(1.061, abs=5e-4)
    assert 49 * t.log_chi1 / math.log(10) == pytest.approx(1.26, abs=0.01)
    assert "×18.2" in rd.phase_verdict(t, s.depth).text
    torch = settings("torch")
    assert rd.theory(torch.act, torch.sigma_w, 0.0).chi1 == pytest.approx(1.21, abs=0.005)


def test_resnet_scenario_rescues_the_gradient():
    s = small("resnet", depth=60)
    plain = rd.measure(rd.gaussian_twin(s)).gradients
    r = rd.residual(rd.ResidualSettings(s, 0.3))
    assert rd.log_span_of(plain.log_delta_norms) < -20
    assert abs(r.residual_log_span) < math.log(10)
    v = rd.residual_verdict(r, plain, True)
    assert v.regime is Regime.NEUTRAL and "close to the identity" in v.text


def test_bn_scenario_explodes_with_batch_norm_and_not_without():
    b = rd.batchnorm(rd.BatchSettings(small("bn", depth=30, width=64), 32))
    assert b.normalised.log_rate > math.log(1.2) and abs(b.plain.log_rate) < 0.1
    assert b.fd_error < 1e-4
    v = rd.batchnorm_verdict(b)
    assert v.regime is Regime.EXPLODES and "Yang et al. (2019)" in v.text
    assert [label for label, _ in rd.batchnorm_metrics(b)][-1] == "finite differences"


# --------------------------------------------------------------------------- phase diagram and depth scale


@pytest.mark.parametrize(("chi", "word", "regime"), [(1.0, "critical", Regime.NEUTRAL),
                                                      (1.2, "chaotic", Regime.EXPLODES),
                                                      (0.5, "ordered", Regime.VANISHES)])
def test_phase_verdict_branches(chi, word, regime):
    v = rd.phase_verdict(theory(chi), 50)
    assert v.regime is regime and word in v.text


def test_theory_metrics_show_infinity_on_the_line():
    assert dict(rd.theory_metrics(theory(1.0, 1e15), 50))["depth scale ξ"] == "∞"
    assert dict(rd.theory_metrics(theory(0.5, 1.4427), 50))["L / ξ"] == "34.7"
    inf = rd.Theory("relu", 2.0, 0.5, math.inf, 2.0, 1.44)
    assert dict(rd.theory_metrics(inf, 10))["q* (fixed point)"] == "∞"
    assert "∞" in rd.q_text(math.inf) and "0.5" in rd.q_text(0.5)


def test_depth_verdict_branches():
    assert rd.depth_verdict(theory(1.0, math.inf), 50).regime is Regime.NEUTRAL
    shallow = rd.depth_verdict(theory(0.99, 99.5), 50)
    assert shallow.regime is Regime.NEUTRAL and "still train" in shallow.text
    deep = rd.depth_verdict(theory(1.2, 5.48), 50)
    assert deep.regime is Regime.EXPLODES and "grows" in deep.text
    assert "shrinks" in rd.depth_verdict(theory(0.5, 1.44), 50).text


@pytest.mark.parametrize("act", rd.PAGE_ACTIVATIONS)
def test_named_inits_and_captions_per_activation(act):
    names = rd.named_inits(act, 0.3)
    assert names and all(n.sigma_w2 > 0 for n in names)
    assert rd.phase_caption(act)
    if act == "relu":
        assert names[0].sigma_w2 == 2.0
    if act == "tanh":
        crit = next(n for n in names if "orthogonal" in n.label)
        assert crit.sigma_w2 == pytest.approx(sim.critical_sigma_w("tanh", 0.3) ** 2)


def test_phase_grid_covers_the_sliders():
    d = rd.phase_grid("tanh")
    assert d.sigma_w2[0] <= rd.SW_RANGE[0] ** 2 and d.sigma_w2[-1] >= rd.SW_RANGE[1] ** 2 - 1e-9
    assert d.sigma_b2[-1] >= rd.SB_RANGE[1] ** 2 - 1e-9
    assert np.isfinite(d.critical_sigma_w2).all()
    c = rd.depth_curve("relu", 0.0)
    assert np.all(c.depth_scale[np.flatnonzero(c.sigma_w == math.sqrt(2.0))] > 1e12)  # σ_w = √2 is on the grid


# --------------------------------------------------------------------------- measured against predicted


def test_measured_follows_the_layer_by_layer_theory():
    m = rd.measure(settings("ordered", width=128))
    assert m.agrees and m.regime is Regime.VANISHES
    assert m.log_prediction[-1] == pytest.approx(2 * m.gradients.log_delta_norms[-1])
    assert "within 5 %" in rd.measured_verdict(m).text
    assert len(rd.measured_metrics(m)) == 4


def test_measured_verdict_disagreement_and_zero_branches():
    m = rd.measure(small("chaotic"))
    off = dataclasses.replace(m, mean_log_ratio=m.predicted_mean_log_ratio + 0.2)
    assert "off by more than 5 %" in rd.measured_verdict(off).text
    zero = dataclasses.replace(m, log_span=-math.inf)
    assert rd.measured_verdict(zero).regime is Regime.ZERO
    flat = dataclasses.replace(m, log_span=0.1)
    assert flat.regime is Regime.NEUTRAL
    assert dataclasses.replace(m, log_span=10.0).regime is Regime.EXPLODES
    assert "worst-case bound" in rd.MEASURED_CAPTION and "χ^l" in rd.MEASURED_CAPTION


# --------------------------------------------------------------------------- dynamical isometry


def test_isometry_verdict_branches():
    linear = rd.isometry(small("critical", act="identity", sigma_w=1.0, critical=True))
    v = rd.isometry_verdict(linear)
    assert "perfect dynamical isometry" in v.text
    assert rd.isometric_share(linear.orthogonal) == 1.0
    assert rd.predicted_variance("identity", "orthogonal", 20, True) == 0.0
    assert rd.predicted_variance("relu", "gaussian", 20, True) == 40.0
    assert rd.predicted_variance("relu", "gaussian", 20, False) is None
    assert rd.predicted_variance("tanh", "gaussian", 20, True) is None
    tanh = rd.isometry(small("ortho"))
    assert "closer to isometry" in rd.isometry_verdict(tanh).text
    swapped = dataclasses.replace(tanh, gaussian=tanh.orthogonal, orthogonal=tanh.gaussian)
    assert "do not narrow" in rd.isometry_verdict(swapped).text
    nan = dataclasses.replace(tanh, gaussian=dataclasses.replace(tanh.gaussian, var_eig=math.nan))
    assert "overflow" in rd.isometry_verdict(nan).text
    assert "overflows" in dict(rd.isometry_metrics(nan))["Gaussian: var eig(JJᵀ)"]
    off = rd.isometry(small("chaotic"))
    assert "needs χ₁ = 1 first" in rd.isometry_verdict(off).text
    assert "exactly zero" in rd.isometry_caption(rd.isometry(small("he"))) and "zero" not in rd.isometry_caption(tanh)


def test_relu_isometry_metrics_quote_the_theory():
    labels = [label for label, _ in rd.isometry_metrics(rd.isometry(small("he")))]
    assert "Gaussian: var eig(JJᵀ) (width ≫ L: ≈ 40)" in labels
    assert "width/L = 1.6" in rd.isometry_caption(rd.isometry(small("he")))


# --------------------------------------------------------------------------- residual and batch norm


def test_residual_verdict_branches():
    s = small("critical")
    r = rd.residual(rd.ResidualSettings(s, 0.3))
    plain = rd.measure(s).gradients
    assert "Switch the skip connections" in rd.residual_verdict(r, plain, False).text
    assert "little to rescue" in rd.residual_verdict(r, plain, True).text
    grown = dataclasses.replace(r, residual=dataclasses.replace(
        r.residual, log_bias_grad_norms=np.linspace(10.0, 0.0, s.depth)))
    v = rd.residual_verdict(grown, plain, True)
    assert v.regime is Regime.EXPLODES and "compounds" in v.text
    assert rd.log_span_of(np.array([-np.inf, 1.0])) == -math.inf


def test_batchnorm_verdict_branches():
    b = rd.batchnorm(rd.BatchSettings(small("bn", depth=6, width=16), 8))
    flat = dataclasses.replace(b, normalised=dataclasses.replace(b.normalised, log_rate=0.01))
    assert rd.batchnorm_verdict(flat).regime is Regime.NEUTRAL
    short = dataclasses.replace(b, normalised=dataclasses.replace(b.normalised, log_rate=math.nan))
    assert "Too few layers" in rd.batchnorm_verdict(short).text
    assert dict(rd.batchnorm_metrics(short))["with batch norm"] == "—"


def test_finite_difference_check_holds_at_the_sliders_far_corner():
    """ReLU, σ_w = 2.5, depth 100, B = 64: the check runs on a shallow twin, where a finite step is meaningful."""
    s = small("bn", act="relu", sigma_w=2.5, critical=False, depth=100)
    b = rd.batchnorm(rd.BatchSettings(s, 64))
    assert b.fd_error < 1e-4
    assert "at most 12 layers" in rd.BATCHNORM_CAPTION


def test_only_the_deepest_wide_networks_take_the_heavy_work_slot():
    """A page-wide move runs five computations: at the defaults none may queue for the server's one slot."""
    base = rd.PageSettings.of(DEFAULTS)
    assert not base.heavy
    assert not dataclasses.replace(base, depth=rd.DEPTH_RANGE[1], width=64).heavy
    assert dataclasses.replace(base, depth=rd.DEPTH_RANGE[1], width=rd.WIDTH_RANGE[1]).heavy
