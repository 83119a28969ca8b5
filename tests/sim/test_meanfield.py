"""Mean-field q*, chi_1, the edge of chaos and the Jacobian's singular values."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from explorer import sim

SMOOTH = ("tanh", "sigmoid")


def _reference_mean(f, q: float) -> float:
    """E[f(sqrt(q) z)], z ~ N(0, 1), by one quad over [-40, 40] (the sim uses its own panels)."""
    s = math.sqrt(q)
    pdf = stats.norm.pdf
    return integrate.quad(lambda z: f(s * z) * pdf(z), -40.0, 40.0, points=[0.0], epsabs=0, epsrel=1e-13,
                          limit=500)[0]


PHI = {"tanh": np.tanh, "sigmoid": lambda h: 1.0 / (1.0 + math.exp(-h)) if h > -700 else 0.0}
DPHI = {"tanh": lambda h: 1.0 / math.cosh(h) ** 2 if abs(h) < 350 else 0.0,
        "sigmoid": lambda h: math.exp(-abs(h)) / (1.0 + math.exp(-abs(h))) ** 2}


def _length_map(name, sw, sb, q):
    return sw * sw * _reference_mean(lambda h: PHI[name](h) ** 2, q) + sb * sb


# --------------------------------------------------------------------------- closed forms


@settings(max_examples=60, deadline=None)
@given(sw=st.floats(0.05, 1.41), sb=st.floats(0.0, 3.0))
def test_relu_closed_forms(sw, sb):
    q = sim.q_star("relu", sw, sb)
    assert q == pytest.approx(sb * sb / (1.0 - sw * sw / 2.0), rel=1e-12, abs=1e-300)
    assert sim.chi1("relu", sw, sb) == pytest.approx(sw * sw / 2.0, rel=1e-15)


@settings(max_examples=40, deadline=None)
@given(sw=st.floats(0.05, 0.99), sb=st.floats(0.0, 3.0))
def test_identity_closed_forms(sw, sb):
    assert sim.q_star("identity", sw, sb) == pytest.approx(sb * sb / (1.0 - sw * sw), rel=1e-12, abs=1e-300)
    assert sim.chi1("identity", sw, sb) == pytest.approx(sw * sw, rel=1e-15)
    assert sim.chi1("leaky_relu", sw, sb) == pytest.approx(sw * sw * (1 + 0.01**2) / 2, rel=1e-15)


def test_where_the_variance_has_no_finite_attractor():
    assert sim.q_star("relu", 1.5, 0.0) == math.inf
    assert sim.q_star("relu", 1.2, 0.1) < math.inf
    assert sim.q_star("relu", math.sqrt(2.0), 0.5) == math.inf
    assert sim.q_star("relu", math.sqrt(2.0), 0.0) == 0.0  # marginal: every q is a fixed point, 0 among them
    assert sim.q_star("identity", 1.0, 0.0) == 0.0
    assert sim.q_star("identity", 1.01, 0.0) == math.inf


@pytest.mark.parametrize("sw", [0.1, 0.5, 0.9, 1.0])
def test_tanh_without_bias_collapses_to_zero_below_one(sw):
    assert sim.q_star("tanh", sw, 0.0) == 0.0
    assert sim.chi1("tanh", sw, 0.0) == pytest.approx(sw * sw, rel=1e-12)  # phi'(0) = 1


def test_tanh_just_above_one_has_the_small_q_asymptote():
    # tanh(x)^2 = x^2 - 2/3 x^4 + ...: V(q)/q = sigma_w^2 (1 - 2q + O(q^2)), so q* ~ (sigma_w^2 - 1) / (2 sigma_w^2).
    sw = math.sqrt(1.0 + 1e-4)
    q = sim.q_star("tanh", sw, 0.0)
    assert q == pytest.approx(1e-4 / (2 * sw * sw), rel=1e-3)


# --------------------------------------------------------------------------- fixed points and stability


@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(SMOOTH), sw=st.floats(0.2, 4.0), sb=st.floats(0.0, 1.5))
def test_q_star_is_a_fixed_point_of_an_independent_length_map(name, sw, sb):
    q = sim.q_star(name, sw, sb)
    assert q >= 0.0
    assert abs(_length_map(name, sw, sb, q) - q) <= 1e-10 * max(q, 1e-300) + 1e-15


@settings(max_examples=15, deadline=None)
@given(name=st.sampled_from(SMOOTH), sw=st.floats(0.2, 4.0), sb=st.floats(0.05, 1.5))
def test_q_star_attracts(name, sw, sb):
    """The independent length map has slope below 1 at q*: nearby variances are pulled in."""
    q = sim.q_star(name, sw, sb)
    h = 1e-4 * q
    slope = (_length_map(name, sw, sb, q + h) - _length_map(name, sw, sb, q - h)) / (2 * h)
    assert 0.0 <= slope < 1.0


def test_layer_variances_end_on_q_star():
    v = sim.layer_variances("tanh", 200, sigma_w=1.5, sigma_b=0.3, q0=5.0)
    assert v.q[-1] == pytest.approx(sim.q_star("tanh", 1.5, 0.3), rel=1e-9)
    assert v.chi[-1] == pytest.approx(sim.chi1("tanh", 1.5, 0.3), rel=1e-9)
    assert v.q[0] == pytest.approx(1.5**2 * 5.0 + 0.09)


@settings(max_examples=20, deadline=None)
@given(name=st.sampled_from(SMOOTH), sw=st.floats(0.3, 3.0), sb=st.floats(0.0, 1.0))
def test_chi1_is_the_mean_squared_derivative_at_q_star(name, sw, sb):
    q = sim.q_star(name, sw, sb)
    expected = sw * sw * _reference_mean(lambda h: DPHI[name](h) ** 2, q)
    assert sim.chi1(name, sw, sb) == pytest.approx(expected, rel=1e-9)
    assert sim.depth_scale(name, sw, sb) == pytest.approx(1.0 / abs(math.log(expected)), rel=1e-6)


# --------------------------------------------------------------------------- the critical line


def test_critical_values_of_the_literature():
    assert sim.critical_sigma_w("tanh", 0.0) == 1.0
    assert sim.critical_sigma_w("relu", 0.0) == math.sqrt(2.0)
    assert sim.critical_sigma_w("relu", 0.7) == math.sqrt(2.0)
    assert sim.critical_sigma_w("identity", 0.4) == 1.0
    assert sim.chi1("relu", math.sqrt(2.0), 0.0) == pytest.approx(1.0, rel=1e-15)


@pytest.mark.parametrize(("name", "sb"), [("tanh", 0.05), ("tanh", 0.3), ("tanh", 1.0), ("sigmoid", 0.0),
                                          ("sigmoid", 0.5), ("leaky_relu", 0.2)])
def test_chi1_is_one_on_the_critical_line(name, sb):
    sw = sim.critical_sigma_w(name, sb)
    assert sim.chi1(name, sw, sb) == pytest.approx(1.0, abs=1e-9)
    assert sim.chi1(name, 0.97 * sw, sb) < 1.0 < sim.chi1(name, 1.03 * sw, sb)


def test_critical_tanh_rises_with_bias():
    values = [sim.critical_sigma_w("tanh", sb) for sb in (0.0, 0.1, 0.3, 0.6)]
    assert all(a < b for a, b in itertools.pairwise(values))


# --------------------------------------------------------------------------- grids


def test_phase_diagram_agrees_with_the_single_values():
    sw2 = np.linspace(0.2, 4.0, 9)
    sb2 = np.array([0.0, 0.04, 0.3, 1.0])
    d = sim.phase_diagram("tanh", sw2, sb2)
    for i, b2 in enumerate(sb2):
        for j, w2 in enumerate(sw2):
            assert d.q_star[i, j] == pytest.approx(sim.q_star("tanh", math.sqrt(w2), math.sqrt(b2)), rel=1e-8,
                                                   abs=1e-12)
            assert math.exp(d.log_chi1[i, j]) == pytest.approx(sim.chi1("tanh", math.sqrt(w2), math.sqrt(b2)),
                                                               rel=1e-8)
        assert math.sqrt(d.critical_sigma_w2[i]) == pytest.approx(sim.critical_sigma_w("tanh", math.sqrt(b2)),
                                                                  rel=1e-6)


def test_phase_diagram_of_relu_is_the_vertical_line_two():
    d = sim.phase_diagram("relu", np.linspace(0.5, 4, 8), np.linspace(0, 1, 3))
    assert np.all(d.critical_sigma_w2 == 2.0)
    np.testing.assert_allclose(np.exp(d.log_chi1), np.broadcast_to(np.linspace(0.5, 4, 8) / 2, (3, 8)), rtol=1e-15)


def test_chi1_curve_agrees_with_chi1():
    c = sim.chi1_curve("sigmoid", 0.2, [3.0, 4.5, 6.0])
    for w, log_c in zip(c.sigma_w, c.log_chi1, strict=True):
        assert math.exp(log_c) == pytest.approx(sim.chi1("sigmoid", w, 0.2), rel=1e-8)


# --------------------------------------------------------------------------- finite width against the theory


@pytest.mark.parametrize(("name", "sw", "sb"), [("tanh", 1.5, 0.3), ("tanh", 5 / 3, 0.0), ("tanh", 0.8, 0.1),
                                                ("relu", math.sqrt(2.0), 0.0)])
def test_finite_width_per_layer_ratio_matches_chi1(name, sw, sb):
    """Width 512: the mean of ln(||delta^l||^2 / ||delta^{l+1}||^2) over the bulk layers is ln chi_1.

    The bulk leaves out the first 3 layers (q^l settles on q*) and the last 10: next to the output the
    error vector is not yet independent of the weights it meets (visible for ReLU at width 512).
    """
    predicted = math.log(sim.chi1(name, sw, sb))
    measured = []
    for seed in (0, 1):
        g = sim.deep_network_gradients(30, 512, name, sigma_w=sw, sigma_b=sb, seed=seed)
        ratios = 2.0 * (g.log_delta_norms[:-1] - g.log_delta_norms[1:])
        measured.append(np.mean(ratios[3:-10]))
    assert np.mean(measured) == pytest.approx(predicted, abs=0.03)


# --------------------------------------------------------------------------- the Jacobian's spectrum


def _dense_jacobian(depth, width, name, sw, sb, init, seed, alpha=None):
    net = sim.build_network(depth, width, sigma_w=sw, sigma_b=sb, init=init, seed=seed)
    act = sim.activation(name)
    x, j = np.array(net.x), np.eye(width)
    for w, b in zip(net.weights, net.biases, strict=True):
        z = w @ x + b
        step = act.df(z)[:, None] * w
        if alpha is None:
            x, j = act.f(z), step @ j
        else:
            x, j = x + alpha * act.f(z), (np.eye(width) + alpha * step) @ j
    return j


@pytest.mark.parametrize("name", ["tanh", "relu", "sigmoid", "identity", "gelu"])
@pytest.mark.parametrize("init", ["gaussian", "orthogonal"])
def test_singular_values_match_an_explicit_product(name, init):
    s = sim.jacobian_singular_values(6, 10, name, sigma_w=1.3, sigma_b=0.2, init=init, seed=5)
    ref = np.linalg.svd(_dense_jacobian(6, 10, name, 1.3, 0.2, init, 5), compute_uv=False)
    assert s.shape == (10,)
    np.testing.assert_allclose(s, ref, rtol=1e-9, atol=1e-12 * ref[0])


def test_residual_spectrum_matches_an_explicit_product():
    spec = sim.jacobian_spectrum(8, 12, "tanh", sigma_w=1.1, sigma_b=0.1, seed=2, residual_alpha=0.4)
    ref = np.linalg.svd(_dense_jacobian(8, 12, "tanh", 1.1, 0.1, "gaussian", 2, alpha=0.4), compute_uv=False)
    np.testing.assert_allclose(np.exp(spec.log_singular_values), ref, rtol=1e-9)


@settings(max_examples=15, deadline=None)
@given(depth=st.integers(1, 60), width=st.integers(1, 40), seed=st.integers(0, 10_000))
def test_linear_orthogonal_network_is_exactly_isometric(depth, width, seed):
    s = sim.jacobian_singular_values(depth, width, "identity", sigma_w=1.0, init="orthogonal", seed=seed)
    np.testing.assert_allclose(s, 1.0, rtol=1e-11)


def test_deep_products_stay_finite_in_log_domain():
    ordered = sim.jacobian_spectrum(200, 16, "identity", sigma_w=0.01, seed=1)
    chaotic = sim.jacobian_spectrum(200, 16, "relu", sigma_w=50.0, seed=1)
    assert np.all(np.isfinite(ordered.log_singular_values))
    assert ordered.log_singular_values[0] < -800  # far below float64's smallest number
    assert chaotic.log_singular_values[0] > 600
    assert math.isnan(chaotic.mean_eig)


def test_relu_jacobian_has_unresolved_zero_directions():
    spec = sim.jacobian_spectrum(20, 64, "relu", sigma_w=math.sqrt(2.0), seed=0)
    assert 0 < spec.resolved.sum() < 64  # rank is cut by the off units


def test_orthogonal_weights_narrow_the_spectrum_at_criticality():
    """Pennington et al. 2017: at chi_1 = 1 Gaussian ReLU spreads more than orthogonal ReLU; both have mean about 1."""
    g = [sim.jacobian_spectrum(30, 256, "relu", sigma_w=math.sqrt(2.0), seed=s) for s in (3, 4)]
    o = [sim.jacobian_spectrum(30, 256, "relu", sigma_w=math.sqrt(2.0), init="orthogonal", seed=s) for s in (3, 4)]
    assert np.mean([x.var_eig for x in o]) < np.mean([x.var_eig for x in g])
    for x in (*g, *o):
        assert 0.5 < x.mean_eig < 2.0


# --------------------------------------------------------------------------- argument checks


@pytest.mark.parametrize(("call", "word"), [
    (lambda: sim.q_star("swish", 1.0, 0.0), "activation"),
    (lambda: sim.q_star("gelu", 1.0, 0.0), "activation"),
    (lambda: sim.q_star("tanh", -1.0, 0.0), "sigma_w"),
    (lambda: sim.chi1("tanh", 1.0, -0.1), "sigma_b"),
    (lambda: sim.chi1("tanh", math.nan, 0.0), "sigma_w"),
    (lambda: sim.critical_sigma_w("tanh", -1.0), "sigma_b"),
    (lambda: sim.critical_sigma_w("cosine", 0.0), "activation"),
    (lambda: sim.depth_scale("relu", 1.0, "a"), "sigma_b"),
    (lambda: sim.jacobian_singular_values(0, 4, "tanh", sigma_w=1.0), "depth"),
    (lambda: sim.jacobian_singular_values(4, 4, "tanh", sigma_w=-1.0), "sigma_w"),
    (lambda: sim.jacobian_singular_values(4, 4, "tanh", sigma_w=1.0, sigma_b=-1.0), "sigma_b"),
    (lambda: sim.jacobian_singular_values(4, 4, "tanh", sigma_w=1.0, init="xavier"), "init"),
    (lambda: sim.jacobian_singular_values(4, 4, "softsign", sigma_w=1.0), "activation"),
    (lambda: sim.jacobian_singular_values(200, 1024, "tanh", sigma_w=1.0), r"depth \* width"),
    (lambda: sim.phase_diagram("tanh", [1.0, 0.5], [0.0]), "sigma_w2"),
    (lambda: sim.phase_diagram("tanh", [1.0], [-1.0]), "sigma_b2"),
])
def test_bad_arguments_name_themselves(call, word):
    with pytest.raises(ValueError, match=word):
        call()
