"""Deep-network lab charts: valid, finite specs that carry the numbers the page claims."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from explorer.lessons.deeplab import charts
from explorer.lessons.deeplab import reading as rd
from explorer.lessons.deeplab.scenarios import SCENARIOS
from tests.conftest import assert_finite, spec_of, spec_rows

BY_KEY = {s.key: s for s in SCENARIOS}


def small(key: str, **changes) -> rd.PageSettings:
    return dataclasses.replace(rd.PageSettings.of(BY_KEY[key].values), **{"depth": 20, "width": 32, **changes})


@pytest.mark.parametrize("act", rd.PAGE_ACTIVATIONS)
def test_phase_chart_is_finite_and_places_the_point(act):
    s = small("critical", act=act)
    t = rd.theory(s.act, s.sigma_w, s.sigma_b)
    named = [(n.label, n.sigma_w2, n.sigma_b2) for n in rd.named_inits(act, s.sigma_b)]
    chart = charts.phase_chart(rd.phase_grid(act), (s.sigma_w**2, s.sigma_b**2, t.regime), named)
    rows = spec_rows(chart)
    assert_finite(rows)
    here = [r for r in rows if str(r.get("label", "")).startswith("your network")]
    assert here and here[0]["w0"] == pytest.approx(s.sigma_w**2)
    cells = [r for r in rows if "log10_chi" in r]
    assert len(cells) == rd.SW2_GRID.size * rd.SB2_GRID.size
    assert all(abs(r["log10_chi"]) <= charts.CHI_CLIP for r in cells)


def test_phase_frame_colours_relu_by_sigma_w_only():
    df = charts.phase_frame(rd.phase_grid("relu"))
    np.testing.assert_allclose(df["chi"], df["sw2"] / 2, rtol=1e-12)
    assert (df.loc[(df["sw2"] > 2) & (df["sb2"] > 0), "q_star"] == "∞").all()


def test_depth_chart_marks_the_depth_and_reaches_the_top_on_the_line():
    s = small("he")
    chart = charts.depth_chart(rd.depth_curve("relu", 0.0), s.sigma_w, math.inf, 37)
    rows = spec_rows(chart)
    assert_finite(rows)
    assert any(r.get("label") == "your depth L = 37" and r["log10_xi"] == pytest.approx(math.log10(37))
               for r in rows)
    assert max(r["log10_xi"] for r in rows if "xi" in r) == pytest.approx(6.0)


def test_gradient_chart_draws_squares_of_the_measurement():
    m = rd.measure(small("chaotic"))
    df = charts.gradient_frame(m.gradients, m.log_prediction)
    measured = df[df["series"] == charts.MEASURED_LABEL]
    np.testing.assert_allclose(measured["log10"], 2 * m.gradients.log_delta_norms / math.log(10))
    bound = df[df["series"] == charts.BOUND_LABEL]["log10"].to_numpy()
    assert np.all(bound >= measured["log10"].to_numpy() - 1e-9)
    assert_finite(spec_rows(charts.gradient_chart(m.gradients, m.log_prediction)))
    assert_finite(spec_rows(charts.ratio_chart(m.log_ratios, m.log_chi_layers, m.theory.chi1)))


def test_spectrum_chart_drops_unresolved_values():
    iso = rd.isometry(small("he"))
    df = charts.spectrum_frame({"g": iso.gaussian, "o": iso.orthogonal})
    assert len(df[df["series"] == "g"]) == int(iso.gaussian.resolved.sum()) < iso.gaussian.width
    assert_finite(spec_rows(charts.spectrum_chart({"g": iso.gaussian})))


def test_residual_and_batchnorm_charts_are_valid():
    s = small("resnet")
    r = rd.residual(rd.ResidualSettings(s, 0.3))
    plain = rd.measure(s).gradients
    for chart in (charts.residual_gradient_chart(plain, r.residual.layers, r.residual.log_bias_grad_norms),
                  charts.residual_gradient_chart(plain, None, None)):
        assert_finite(spec_rows(chart))
    b = rd.batchnorm(rd.BatchSettings(small("bn"), 16))
    spec = spec_of(charts.batchnorm_chart(b.normalised, b.plain))
    assert spec["encoding"]["y"]["axis"]["labelExpr"].startswith("datum.value == 0")
