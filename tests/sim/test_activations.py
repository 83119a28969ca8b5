import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from explorer import sim

SMOOTH = ("sigmoid", "tanh", "gelu", "identity")


def test_activations_tuple_contains_required_names():
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "gelu", "identity"):
        assert name in sim.ACTIVATIONS
    assert isinstance(sim.ACTIVATIONS, tuple)


def test_unknown_activation_lists_valid_names():
    with pytest.raises(ValueError) as err:
        sim.activation("softsign")
    for name in sim.ACTIVATIONS:
        assert name in str(err.value)


@pytest.mark.parametrize("name", sim.ACTIVATIONS)
def test_activation_name_attribute(name):
    assert sim.activation(name).name == name


@pytest.mark.parametrize(
    ("name", "gamma"),
    [("sigmoid", 0.25), ("tanh", 1.0), ("relu", 1.0), ("leaky_relu", 1.0), ("identity", 1.0)],
)
def test_gamma_closed_forms(name, gamma):
    assert sim.activation(name).gamma == gamma


def test_gelu_gamma_closed_form_exceeds_one():
    # f''(x) = phi(x) (2 - x^2) vanishes at sqrt(2); the maximum of f' is there.
    r2 = math.sqrt(2)
    expected = special.ndtr(r2) + r2 * math.exp(-1) / math.sqrt(2 * math.pi)
    act = sim.activation("gelu")
    assert act.gamma == pytest.approx(expected, rel=1e-15)
    assert act.gamma > 1.12


@pytest.mark.parametrize("name", sim.ACTIVATIONS)
def test_gamma_is_sup_of_derivative_on_a_dense_grid(name):
    act = sim.activation(name)
    x = np.linspace(-30, 30, 600_001)
    sup = float(np.max(np.abs(act.df(x))))
    assert sup <= act.gamma * (1 + 1e-12)
    assert sup >= act.gamma * (1 - 1e-6)


def test_leaky_gamma_follows_steep_slope():
    assert sim.activation("leaky_relu", slope=3.0).gamma == 3.0
    assert sim.activation("leaky_relu", slope=-0.5).gamma == 1.0


@pytest.mark.parametrize("name", SMOOTH)
@pytest.mark.parametrize("x", [-7.3, -2.0, -0.4, 0.0, 0.3, 1.7, 5.5])
def test_derivative_matches_central_difference(name, x):
    act = sim.activation(name)
    h = 1e-5
    fd = (act.f(x + h) - act.f(x - h)) / (2 * h)
    assert float(act.df(x)) == pytest.approx(float(fd), abs=1e-9, rel=1e-7)


@pytest.mark.parametrize("name", ("relu", "leaky_relu"))
@pytest.mark.parametrize("x", [-3.0, -0.2, 0.2, 3.0])
def test_piecewise_derivative_matches_difference_away_from_kink(name, x):
    act = sim.activation(name, slope=0.2)
    h = 1e-6
    fd = (act.f(x + h) - act.f(x - h)) / (2 * h)
    assert float(act.df(x)) == pytest.approx(float(fd), rel=1e-9)


@pytest.mark.parametrize("name", sim.ACTIVATIONS)
def test_extreme_inputs_raise_no_warnings_and_stay_finite(name):
    act = sim.activation(name)
    x = np.array([-1e300, -1000.0, -50.0, 50.0, 1000.0, 1e300])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            f = act.f(x)
            d = act.df(x)
    assert np.all(np.isfinite(f))
    assert np.all(np.isfinite(d))


def test_saturating_derivatives_vanish_at_extremes():
    for name in ("sigmoid", "tanh"):
        d = sim.activation(name).df(np.array([-1000.0, 1000.0]))
        assert np.all(d == 0.0)
    assert float(sim.activation("sigmoid").f(1000.0)) == 1.0
    assert float(sim.activation("tanh").f(-1000.0)) == -1.0


@settings(max_examples=200, deadline=None)
@given(st.floats(-40, 40), st.sampled_from(SMOOTH))
def test_derivative_never_exceeds_gamma(x, name):
    act = sim.activation(name)
    assert abs(float(act.df(x))) <= act.gamma * (1 + 1e-12)


@settings(max_examples=200, deadline=None)
@given(st.floats(-30, 30))
def test_tanh_derivative_is_four_sigmoid_derivative_at_double(x):
    t, s = sim.activation("tanh"), sim.activation("sigmoid")
    assert float(t.df(x)) == pytest.approx(4 * float(s.df(2 * x)), abs=1e-15, rel=1e-12)


# -- derivative moments ---------------------------------------------------


@pytest.mark.parametrize(("mean", "std"), [(0.0, 1.0), (1.3, 0.7), (-2.0, 3.0), (0.5, 25.0)])
def test_relu_moments_closed_form(mean, std):
    p = special.ndtr(mean / std)
    m1, m2 = sim.derivative_moments("relu", std, mean)
    assert m1 == pytest.approx(p, rel=1e-9, abs=1e-300)
    assert m2 == pytest.approx(p, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize(("mean", "std", "slope"), [(0.0, 1.0, 0.1), (-1.0, 2.0, 0.3)])
def test_leaky_relu_moments_closed_form(mean, std, slope):
    p = special.ndtr(mean / std)
    m1, m2 = sim.derivative_moments("leaky_relu", std, mean, slope=slope)
    assert m1 == pytest.approx(p + slope * (1 - p), rel=1e-9)
    assert m2 == pytest.approx(p + slope**2 * (1 - p), rel=1e-9)


@pytest.mark.parametrize(
    ("mean", "std"), [(0.0, 1.0), (0.8, 0.5), (-1.5, 2.0), (3.0, 10.0), (-1.5, 100.0), (20.0, 1000.0)]
)
def test_gelu_first_moment_closed_form(mean, std):
    # E[Phi(z)] = Phi(mu / sqrt(1 + s^2)) and E[z phi(z)] = mu / (1 + s^2) * N(mu; 0, 1 + s^2).
    v = 1 + std**2
    expected = special.ndtr(mean / math.sqrt(v)) + mean / v * math.exp(-mean**2 / (2 * v)) / math.sqrt(2 * math.pi * v)
    m1, _ = sim.derivative_moments("gelu", std, mean)
    assert m1 == pytest.approx(expected, rel=1e-9)


def test_identity_moments_are_one():
    m1, m2 = sim.derivative_moments("identity", 3.0, -2.0)
    assert m1 == pytest.approx(1.0, rel=1e-12)
    assert m2 == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("name", ("sigmoid", "tanh"))
def test_smooth_moments_match_high_order_gauss_hermite(name):
    # For std = 1 the integrand is analytic; 300-point Gauss-Hermite is exact to rounding.
    nodes, weights = np.polynomial.hermite_e.hermegauss(300)
    weights = weights / math.sqrt(2 * math.pi)
    d = sim.activation(name).df(0.4 + 1.0 * nodes)
    m1, m2 = sim.derivative_moments(name, 1.0, 0.4)
    assert m1 == pytest.approx(float(weights @ d), rel=1e-10)
    assert m2 == pytest.approx(float(weights @ d**2), rel=1e-10)


@settings(max_examples=40, deadline=None)
@given(st.floats(-4, 4), st.floats(0.05, 8))
def test_tanh_moments_equal_scaled_sigmoid_moments(mean, std):
    # tanh'(z) = 4 sigma'(2z), and 2z ~ N(2 mean, (2 std)^2): an exact identity between two quadratures.
    t1, t2 = sim.derivative_moments("tanh", std, mean)
    s1, s2 = sim.derivative_moments("sigmoid", 2 * std, 2 * mean)
    assert t1 == pytest.approx(4 * s1, rel=1e-9)
    assert t2 == pytest.approx(16 * s2, rel=1e-9)


def test_zero_std_gives_point_value():
    m1, m2 = sim.derivative_moments("sigmoid", 0.0, 0.0)
    assert (m1, m2) == (0.25, 0.0625)


def test_moments_reject_negative_or_nonfinite_std():
    with pytest.raises(ValueError, match="std"):
        sim.derivative_moments("tanh", -1.0)
    with pytest.raises(ValueError, match="finite"):
        sim.derivative_moments("tanh", float("nan"))


def test_histogram_sample_mean_agrees_with_quadrature():
    for name in ("sigmoid", "tanh", "gelu"):
        h = sim.derivative_histogram(name, 1.5, 0.3, n_samples=50_000, seed=3)
        m1, _ = sim.derivative_moments(name, 1.5, 0.3)
        assert abs(h.sample_mean - m1) < 5 * h.sample_mean_stderr
        assert h.fraction.sum() == pytest.approx(1.0)


# -- depth and saturation ---------------------------------------------------


def test_layers_to_reach_closed_forms():
    assert sim.layers_to_reach(0.25) == 10  # 0.25^10 = 9.5e-7 <= 1e-6 < 0.25^9
    assert sim.layers_to_reach(0.1) == 6
    assert sim.layers_to_reach(0.5, 0.25) == 2
    assert sim.layers_to_reach(1.0) is None
    assert sim.layers_to_reach(1.2) is None


@settings(max_examples=100, deadline=None)
@given(st.floats(1e-3, 0.999))
def test_layers_to_reach_is_the_first_crossing(factor):
    depth = sim.layers_to_reach(factor)
    assert depth * math.log10(factor) <= -6 + 1e-9
    assert depth == 1 or (depth - 1) * math.log10(factor) > -6 - 1e-9


def test_depth_factors_stay_finite_far_beyond_float_range():
    d = sim.depth_factors("sigmoid", max_depth=5000)
    assert d.log10_gamma_pow[-1] == pytest.approx(5000 * math.log10(0.25))
    assert d.log10_gamma_pow[-1] < -3000
    assert np.all(np.isfinite(d.log10_mean_pow))
    g = sim.depth_factors("gelu", max_depth=5000)
    assert g.log10_gamma_pow[-1] > 200 and g.layers_gamma is None


def test_saturation_intervals_for_sigmoid_are_symmetric_tails():
    spans = sim.saturation_intervals("sigmoid", -10, 10, 0.1, num=20001)
    assert len(spans) == 2
    # sigma'(x) = 0.1  <=>  s(1-s) = 0.1  <=>  x = ln(s/(1-s)) with s = (1 + sqrt(0.6)) / 2
    s = (1 + math.sqrt(0.6)) / 2
    edge = math.log(s / (1 - s))
    assert spans[0][0] == -10 and spans[1][1] == 10
    assert spans[0][1] == pytest.approx(-edge, abs=2e-3)
    assert spans[1][0] == pytest.approx(edge, abs=2e-3)


def test_identity_never_saturates():
    assert sim.saturation_intervals("identity", -5, 5, 0.5) == []
