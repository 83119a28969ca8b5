"""Tests for explorer.sim._rnn: trajectories, Jacobian products, bounds and gradients.

References are independent of the module: a plain forward recursion, central
finite differences, explicit matrix products with ``np.linalg.norm(., 2)``, and
closed forms (orthogonal and nilpotent matrices).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer import sim
from explorer.sim import Regime
from explorer.sim import _rnn as rnn
from tests.sim.scenario_runs import JACOBIAN_SCENARIOS, rnn_trace, scenario_values

SMOOTH = ("tanh", "sigmoid", "gelu", "identity")
FORMS = ("pascanu", "elman")


# ---------------------------------------------------------------------------
# Independent references
# ---------------------------------------------------------------------------


def forward(W, W_in, b, inputs, x0, name, form):
    """Plain recursion of the two update rules; returns the states (T + 1, n)."""
    f = sim.activation(name).f
    xs = [np.asarray(x0, dtype=float)]
    for u in inputs:
        x = xs[-1]
        if form == "pascanu":
            xs.append(W @ f(x) + W_in @ u + b)
        else:
            xs.append(f(W @ x + W_in @ u + b))
    return np.array(xs)


def random_network(seed, n, m, T, gain=1.0, input_scale=1.0):
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((n, n)) * gain / math.sqrt(n)
    W_in = rng.standard_normal((n, m))
    b = 0.3 * rng.standard_normal(n)
    inputs = input_scale * rng.standard_normal((T, m))
    x0 = 0.5 * rng.standard_normal(n)
    return W, W_in, b, inputs, x0


def fd_state_jacobian(W, W_in, b, inputs, x_k, k, t, name, form, h=1e-6):
    """Central differences of x_t with respect to x_k (re-simulating steps k+1..t)."""
    n = x_k.size
    J = np.empty((n, n))
    for i in range(n):
        e = np.zeros(n)
        e[i] = h
        plus = forward(W, W_in, b, inputs[k:t], x_k + e, name, form)[-1]
        minus = forward(W, W_in, b, inputs[k:t], x_k - e, name, form)[-1]
        J[:, i] = (plus - minus) / (2 * h)
    return J


def explicit_log_norms(trace, t):
    """ln ||J_t ... J_{k+1}||_2 from explicit products and ``np.linalg.norm(., 2)``.

    The running product is divided by its own 2-norm after every factor (the
    logs of the divisors are summed), so long products neither overflow nor
    underflow and an entry is -inf only when the product is exactly zero.
    """
    out = np.zeros(t + 1)
    P = np.eye(trace.n)
    log_scale = 0.0
    for k in range(t - 1, -1, -1):
        P = P @ rnn.step_jacobian(trace, k + 1)
        norm = np.linalg.norm(P, 2)
        if norm == 0.0:
            out[: k + 1] = -np.inf
            break
        log_scale += math.log(norm)
        out[k] = log_scale
        P = P / norm
    return out


# ---------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("name", sim.ACTIVATIONS)
def test_simulation_matches_plain_recursion(name, form):
    W, W_in, b, inputs, x0 = random_network(1, 5, 3, 12, gain=1.3)
    tr = rnn.simulate_rnn(W, W_in, b, inputs, x0, name, form)
    ref = forward(W, W_in, b, inputs, x0, name, form)
    assert tr.states.shape == (13, 5)
    assert tr.T == 12 and tr.n == 5 and tr.m == 3
    np.testing.assert_allclose(tr.states, ref, rtol=1e-12, atol=1e-12)
    assert np.array_equal(tr.states[0], x0)
    assert not tr.states_rescaled
    assert tr.derivatives.shape == (12, 5)


def test_elman_preactivations_and_derivatives_layout():
    W, W_in, b, inputs, x0 = random_network(2, 4, 2, 6)
    tr = rnn.simulate_rnn(W, W_in, b, inputs, x0, "tanh", "elman")
    assert tr.preactivations.shape == (7, 4)
    assert np.all(np.isnan(tr.preactivations[0]))
    a = tr.preactivations[1:]
    np.testing.assert_allclose(a, tr.states[:-1] @ W.T + inputs @ W_in.T + b, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(tr.states[1:], np.tanh(a), rtol=1e-13)
    np.testing.assert_allclose(tr.derivatives, 1.0 / np.cosh(a) ** 2, rtol=1e-12)
    pas = rnn.simulate_rnn(W, W_in, b, inputs, x0, "tanh", "pascanu")
    assert pas.preactivations is None
    np.testing.assert_allclose(pas.derivatives, 1.0 / np.cosh(pas.states[:-1]) ** 2, rtol=1e-12)


def test_trace_arrays_are_read_only():
    tr = rnn.simulate_random_rnn("tanh", 4, 5)
    with pytest.raises(ValueError):
        tr.states[0, 0] = 1.0


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"W_rec": np.ones((3, 4))}, "W_rec"),
        ({"W_in": np.ones((4, 2))}, "W_in"),
        ({"b": np.ones(2)}, "b"),
        ({"inputs": np.ones((5, 3))}, "inputs"),
        ({"x0": np.ones(4)}, "x0"),
        ({"activation": "softsign"}, "activation"),
        ({"form": "jordan"}, "form"),
        ({"W_rec": np.full((3, 3), np.nan)}, "W_rec"),
        ({"W_rec": np.full((3, 3), 1e9)}, "W_rec"),
        ({"inputs": np.ones((rnn.MAX_RNN_STEPS + 1, 2))}, "inputs"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(kwargs, word):
    args = {
        "W_rec": np.eye(3),
        "W_in": np.ones((3, 2)),
        "b": np.zeros(3),
        "inputs": np.ones((5, 2)),
        "x0": np.zeros(3),
        "activation": "tanh",
        "form": "pascanu",
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=word):
        rnn.simulate_rnn(**args)


def test_hidden_size_cap():
    n = rnn.MAX_RNN_SIZE + 1
    with pytest.raises(ValueError, match="W_rec"):
        W = np.zeros((n, n))
        rnn.simulate_rnn(W, np.zeros((n, 1)), np.zeros(n), np.zeros((1, 1)), np.zeros(n), "tanh")
    with pytest.raises(ValueError, match="n"):
        rnn.recurrent_matrix(n)


# ---------------------------------------------------------------------------
# Jacobians against finite differences
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("name", SMOOTH)
def test_step_jacobian_matches_central_differences(name, form):
    W, W_in, b, inputs, x0 = random_network(3, 4, 2, 5, gain=1.2)
    tr = rnn.simulate_rnn(W, W_in, b, inputs, x0, name, form)
    for j in range(1, tr.T + 1):
        fd = fd_state_jacobian(W, W_in, b, inputs, tr.states[j - 1], j - 1, j, name, form)
        np.testing.assert_allclose(rnn.step_jacobian(tr, j), fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("name", SMOOTH)
def test_jacobian_product_matches_central_differences(name, form):
    W, W_in, b, inputs, x0 = random_network(4, 4, 2, 6, gain=1.5)
    tr = rnn.simulate_rnn(W, W_in, b, inputs, x0, name, form)
    for k in (0, 2, 5):
        fd = fd_state_jacobian(W, W_in, b, inputs, tr.states[k], k, 6, name, form)
        np.testing.assert_allclose(rnn.jacobian_product(tr, 6, k), fd, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("name", ["relu", "leaky_relu"])
def test_piecewise_linear_jacobian_matches_differences_away_from_kinks(name, form):
    W, W_in, b, inputs, x0 = random_network(5, 4, 2, 6, gain=1.5)
    tr = rnn.simulate_rnn(W, W_in, b, inputs, x0, name, form)
    h = 1e-7
    kinks = tr.states[:-1] if form == "pascanu" else tr.preactivations[1:]
    assert np.min(np.abs(kinks)) > 1e3 * h  # every unit is well away from 0, so differences see one piece
    fd = fd_state_jacobian(W, W_in, b, inputs, tr.states[1], 1, 6, name, form, h=h)
    np.testing.assert_allclose(rnn.jacobian_product(tr, 6, 1), fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("name", ["tanh", "sigmoid", "gelu"])
def test_backprop_norms_match_finite_difference_gradients(name, form):
    W, W_in, b, inputs, x0 = random_network(6, 4, 2, 7, gain=1.4)
    tr = rnn.simulate_rnn(W, W_in, b, inputs, x0, name, form)
    g_T = np.array([0.3, -1.0, 2.0, 0.5])
    log_norms = rnn.backprop_log_norms(tr, g_T)
    assert log_norms.shape == (8,)
    assert log_norms[-1] == pytest.approx(math.log(np.linalg.norm(g_T)), abs=1e-14)
    fd_norms = np.empty(tr.T + 1)
    for k in range(tr.T + 1):
        # E_T = g_T . x_T, so dE_T/dx_k = (dx_T/dx_k)^T g_T.
        fd_grad = fd_state_jacobian(W, W_in, b, inputs, tr.states[k], k, tr.T, name, form).T @ g_T
        fd_norms[k] = np.linalg.norm(fd_grad)
    np.testing.assert_allclose(np.exp(log_norms), fd_norms, rtol=1e-6, atol=1e-9)


def _loss_after_perturbing_W(W, W_in, b, inputs, x0, name, form, y):
    x_T = forward(W, W_in, b, inputs, x0, name, form)[-1]
    return 0.5 * float(np.sum((x_T - y) ** 2))


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("name", ["tanh", "sigmoid", "gelu", "identity"])
def test_temporal_contributions_sum_to_finite_difference_gradient(name, form):
    W, W_in, b, inputs, x0 = random_network(7, 3, 2, 6, gain=1.2)
    y = np.array([0.2, -0.4, 1.0])
    tr = rnn.simulate_rnn(W, W_in, b, inputs, x0, name, form)
    g_T = tr.states[-1] - y  # gradient of E_T = ||x_T - y||^2 / 2
    terms = rnn.temporal_contribution_matrices(tr, g_T)
    assert terms.shape == (6, 3, 3)
    h = 1e-6
    fd = np.empty((3, 3))
    for i in range(3):
        for j in range(3):
            E = np.zeros((3, 3))
            E[i, j] = h
            plus = _loss_after_perturbing_W(W + E, W_in, b, inputs, x0, name, form, y)
            minus = _loss_after_perturbing_W(W - E, W_in, b, inputs, x0, name, form, y)
            fd[i, j] = (plus - minus) / (2 * h)
    np.testing.assert_allclose(terms.sum(axis=0), fd, rtol=1e-6, atol=1e-9)
    logs = rnn.temporal_contributions(tr, g_T)
    assert logs.shape == (6,)
    np.testing.assert_allclose(np.exp(logs), np.linalg.norm(terms, axis=(1, 2)), rtol=1e-12)


def test_temporal_contributions_default_loss_is_seeded_unit_readout():
    tr = rnn.simulate_random_rnn("tanh", 5, 8, target=1.1, seed=2)
    a = rnn.temporal_contributions(tr)
    assert np.array_equal(a, rnn.temporal_contributions(tr, seed=0))
    assert not np.array_equal(a, rnn.temporal_contributions(tr, seed=1))
    assert rnn.backprop_log_norms(tr)[-1] == pytest.approx(0.0, abs=1e-15)


# ---------------------------------------------------------------------------
# jacobian_log_norms against explicit products
# ---------------------------------------------------------------------------


network = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 10_000),
        "n": st.integers(2, 12),
        "T": st.integers(1, 25),
        "gain": st.floats(0.1, 4.0),
        "input_scale": st.sampled_from([0.0, 0.1, 1.0, 3.0]),
        "name": st.sampled_from(sim.ACTIVATIONS),
        "form": st.sampled_from(FORMS),
    }
)


def _trace(p):
    W, W_in, b, inputs, x0 = random_network(p["seed"], p["n"], 2, p["T"], p["gain"], p["input_scale"])
    return rnn.simulate_rnn(W, W_in, b, inputs, x0, p["name"], p["form"])


@settings(max_examples=60, deadline=None)
@given(p=network, block=st.integers(1, 4))
def test_jacobian_log_norms_match_explicit_products(p, block):
    tr = _trace(p)
    ref = explicit_log_norms(tr, tr.T)
    for values in (
        rnn.jacobian_log_norms(tr),
        rnn.jacobian_profile(tr, method="certified", block_size=min(block, tr.n)).log_norms,
    ):
        assert values.shape == (tr.T + 1,)
        assert values[-1] == 0.0
        assert not np.any(np.isnan(values))
        np.testing.assert_allclose(values, ref, rtol=0, atol=1e-6)


@pytest.mark.parametrize(("name", "form", "target"), [("tanh", "pascanu", 1.5), ("sigmoid", "elman", 3.0)])
def test_certified_path_agrees_with_svd_at_every_lag(name, form, target):
    tr = rnn.simulate_random_rnn(name, 48, 150, target=target, seed=4, form=form)
    fast = rnn.jacobian_profile(tr, method="certified")
    exact = rnn.jacobian_profile(tr, method="exact")
    assert fast.n_block_certified > 100  # the iterative path really ran
    assert fast.max_error_bound <= 2.5e-7
    np.testing.assert_allclose(fast.log_norms, exact.log_norms, rtol=0, atol=1e-6)


def test_jacobian_log_norms_respect_the_final_step():
    tr = rnn.simulate_random_rnn("tanh", 6, 30, target=1.3, seed=5)
    for t in (0, 1, 17):
        values = rnn.jacobian_log_norms(tr, t)
        ref = explicit_log_norms(tr, t)
        assert values.shape == (t + 1,) and values[t] == 0.0
        np.testing.assert_allclose(values, ref, atol=1e-9)
    with pytest.raises(ValueError, match="t"):
        rnn.jacobian_log_norms(tr, 31)


def test_all_relu_units_off_gives_an_exactly_zero_product():
    n = 4
    tr = rnn.simulate_rnn(np.eye(n), np.eye(n), -np.ones(n), np.zeros((5, n)), -np.ones(n), "relu")
    values = rnn.jacobian_log_norms(tr)
    assert values[-1] == 0.0
    assert np.all(values[:-1] == -np.inf)
    assert np.all(rnn.backprop_log_norms(tr)[:-1] == -np.inf)


# ---------------------------------------------------------------------------
# Bounds
# ---------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(p=network)
def test_bound_dominates_measured_norm(p):
    tr = _trace(p)
    measured = rnn.jacobian_log_norms(tr)
    data_bound = rnn.data_dependent_log_bound(tr)
    uniform = rnn.pascanu_log_bound(tr)
    eta = rnn.pascanu_eta(tr.W_rec, tr.activation)
    lags = np.arange(tr.T, -1, -1)
    if eta > 0:
        np.testing.assert_allclose(uniform, lags * math.log(eta), rtol=1e-12, atol=1e-12)
    assert np.all(measured <= data_bound + 1e-9)
    assert np.all(data_bound <= uniform + 1e-9)
    backprop = rnn.backprop_log_norms(tr)  # a unit g_T
    assert np.all(backprop <= measured + 1e-9)


def test_pascanu_eta_closed_forms():
    assert rnn.pascanu_eta(3.0 * np.eye(4), "sigmoid") == pytest.approx(0.75, rel=1e-15)
    W = rnn.recurrent_matrix(20, target=1.7, seed=9)
    assert rnn.pascanu_eta(W, "gelu") == pytest.approx(1.7 * sim.activation("gelu").gamma, rel=1e-12)
    with pytest.raises(ValueError, match="activation"):
        rnn.pascanu_eta(W, "swish")


def test_data_dependent_bound_uses_largest_derivative_of_each_step():
    tr = rnn.simulate_random_rnn("tanh", 6, 10, target=1.3, input_scale=2.0, seed=8)
    bound = rnn.data_dependent_log_bound(tr, 7)
    per_step = math.log(np.linalg.norm(tr.W_rec, 2)) + np.log(np.max(tr.derivatives[:7], axis=1))
    expected = np.array([per_step[k:].sum() for k in range(8)])
    np.testing.assert_allclose(bound, expected, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------
# Closed-form cases
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [16, 64])
@pytest.mark.parametrize("form", FORMS)
def test_linear_orthogonal_keeps_every_log_norm_at_zero(n, form):
    tr = rnn.simulate_random_rnn("identity", n, 120, kind="orthogonal", target=1.0, seed=3, form=form)
    assert np.max(np.abs(rnn.jacobian_log_norms(tr))) <= 1e-9
    assert np.max(np.abs(rnn.backprop_log_norms(tr))) <= 1e-9


def test_nilpotent_scenario_explodes_although_every_eigenvalue_is_zero():
    target = scenario_values(JACOBIAN_SCENARIOS, "nilpotent")["target"]
    tr = rnn_trace("nilpotent")
    assert sim.spectral_radius(tr.W_rec) == 0.0
    assert np.all(np.linalg.eigvals(tr.W_rec) == 0)
    values = rnn.jacobian_log_norms(tr)
    finite = values[np.isfinite(values)]
    assert np.max(finite) > math.log(1e3)
    n, T = tr.n, tr.T
    lags = T - np.arange(T + 1)
    # At the fixed point x = 0 the product over k steps is W^k: norm sigma_max^k for k < n, zero from n on.
    short = lags < n
    np.testing.assert_allclose(values[short], lags[short] * math.log(target), rtol=1e-12, atol=1e-12)
    assert np.all(values[~short] == -np.inf)
    assert np.linalg.norm(np.linalg.matrix_power(tr.W_rec, n - 1), 2) > 1e3


@pytest.mark.parametrize("form", FORMS)
def test_identity_times_four_for_1000_steps_stays_finite(form):
    n, T = 8, 1000
    W = 4.0 * sim.orthogonal_matrix(n, seed=1)
    inputs = rnn.make_rnn_inputs(T, n, 1.0, seed=2)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        tr = rnn.simulate_rnn(W, np.eye(n), np.zeros(n), inputs, np.ones(n), "identity", form)
        values = rnn.jacobian_log_norms(tr)
        backprop = rnn.backprop_log_norms(tr)
        contributions = rnn.temporal_contributions(tr)
        state_norms = tr.log_state_norms
    assert tr.states_rescaled
    assert np.all(np.isfinite(tr.states)) and np.all(np.isfinite(values))
    assert np.all(np.isfinite(backprop)) and np.all(np.isfinite(contributions))
    lags = T - np.arange(T + 1)
    np.testing.assert_allclose(values, lags * math.log(4.0), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(backprop, lags * math.log(4.0), rtol=1e-12, atol=1e-9)
    # x_T is dominated by (4Q)^T x0, so ln ||x_T|| is T ln 4 + ln ||x0|| up to the inputs' share.
    assert state_norms[-1] == pytest.approx(T * math.log(4.0) + math.log(math.sqrt(n)), abs=0.5)


def test_tanh_linear_regime_with_sigma_max_four_stays_finite():
    n, T = 6, 1000
    W = 4.0 * sim.orthogonal_matrix(n, seed=5)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        tr = rnn.simulate_rnn(W, np.eye(n), np.zeros(n), np.zeros((T, n)), np.zeros(n), "tanh")
        values = rnn.jacobian_log_norms(tr)
    assert values[0] == pytest.approx(T * math.log(4.0), rel=1e-12)
    assert np.all(np.diff(values) < 0)


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "gelu", "identity"])
def test_rescaled_states_agree_with_the_plain_recursion_while_it_fits(name):
    # 4^400 ~ 1e240 still fits in a float, so the plain recursion is a reference
    # well past the point (2**256) where the trace switches to scaled rows.
    n, T = 6, 400
    W = 4.0 * sim.orthogonal_matrix(n, seed=7)
    rng = np.random.default_rng(3)
    inputs = rng.standard_normal((T, n))
    x0 = np.abs(rng.standard_normal(n)) + 0.5
    tr = rnn.simulate_rnn(W, np.eye(n), np.zeros(n), inputs, x0, name)
    ref = forward(W, np.eye(n), np.zeros(n), inputs, x0, name, "pascanu")
    assert tr.states_rescaled
    true_states = np.ldexp(tr.states, tr.state_log2_scale[:, None])
    scale = np.max(np.abs(ref), axis=1, keepdims=True)
    np.testing.assert_allclose(true_states / scale, ref / scale, rtol=0, atol=1e-9)
    act = sim.activation(name)
    np.testing.assert_allclose(tr.derivatives, act.df(ref[:-1]), rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------------------
# Matrices, inputs, sweep, saturation, scenarios
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", rnn.MATRIX_KINDS)
def test_recurrent_matrix_hits_its_sigma_max_target(kind):
    W = rnn.recurrent_matrix(30, kind=kind, target=2.5, seed=4)
    assert np.linalg.norm(W, 2) == pytest.approx(2.5, rel=1e-12)


@pytest.mark.parametrize("kind", ["gaussian", "orthogonal"])
def test_recurrent_matrix_hits_its_spectral_radius_target(kind):
    W = rnn.recurrent_matrix(30, kind=kind, target=0.95, target_kind="spectral_radius", seed=4)
    assert np.max(np.abs(np.linalg.eigvals(W))) == pytest.approx(0.95, rel=1e-10)


def test_spectral_radius_target_of_a_random_matrix_leaves_sigma_max_near_double():
    W = rnn.recurrent_matrix(120, target=1.0, target_kind="spectral_radius", seed=0)
    assert 1.6 < np.linalg.norm(W, 2) < 2.4


def test_nilpotent_matrix_cannot_target_a_spectral_radius():
    with pytest.raises(ValueError, match="nilpotent"):
        rnn.recurrent_matrix(8, kind="nilpotent", target=0.9, target_kind="spectral_radius")
    with pytest.raises(ValueError, match="kind"):
        rnn.recurrent_matrix(8, kind="circulant")
    with pytest.raises(ValueError, match="target"):
        rnn.recurrent_matrix(8, target=-1.0)


def test_make_rnn_inputs_is_seeded_and_scaled():
    a = rnn.make_rnn_inputs(500, 4, 2.0, seed=3)
    assert a.shape == (500, 4)
    assert np.array_equal(a, rnn.make_rnn_inputs(500, 4, 2.0, seed=3))
    assert not np.array_equal(a, rnn.make_rnn_inputs(500, 4, 2.0, seed=4))
    assert 1.8 < a.std() < 2.2
    with pytest.raises(ValueError, match="T"):
        rnn.make_rnn_inputs(rnn.MAX_RNN_STEPS + 1, 2)


def test_growth_rate_of_linear_orthogonal_network_is_log_scale():
    scales = np.array([0.25, 1.0, 3.0])
    res = rnn.growth_rate_sweep("identity", 12, 80, scales, kind="orthogonal")
    np.testing.assert_allclose(res.log_growth_rate, np.log(scales), rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.log_eta, np.log(scales), rtol=1e-15)
    assert res.critical_scale == 1.0


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(sim.ACTIVATIONS),
    form=st.sampled_from(FORMS),
    seed=st.integers(0, 1000),
    input_scale=st.sampled_from([0.0, 0.5, 2.0]),
)
def test_measured_growth_rate_never_exceeds_the_bound_rate(name, form, seed, input_scale):
    scales = np.linspace(0.0, 4.0 / sim.activation(name).gamma, 9)
    res = rnn.growth_rate_sweep(name, 10, 60, scales, seed=seed, form=form, input_scale=input_scale)
    assert res.log_growth_rate.shape == (9,)
    assert np.all(res.log_growth_rate <= res.log_eta + 1e-9)


@pytest.mark.parametrize("form", FORMS)
def test_sweep_rate_is_the_long_lag_slope_of_the_same_network(form):
    n, T, c = 20, 300, 1.8
    res = rnn.growth_rate_sweep("tanh", n, T, [c], seed=6, form=form)
    tr = rnn.simulate_random_rnn("tanh", n, T, target=c, seed=6, form=form)
    burn = res.burn_in
    steps = T - burn
    matrix_log_norm = rnn.jacobian_log_norms(tr)[burn]
    vector_log_norm = res.log_growth_rate[0] * steps
    # One vector pushed through the product grows by at most the product's norm...
    assert vector_log_norm <= matrix_log_norm + 1e-9
    # ...and by not much less, once the vector has aligned with the top direction.
    assert matrix_log_norm - vector_log_norm < 10.0
    mean_d = np.mean(np.abs(tr.derivatives[burn:]))
    assert res.mean_derivative[0] == pytest.approx(mean_d, rel=1e-12)


def test_sweep_rejects_too_much_work():
    with pytest.raises(ValueError, match="scales"):
        rnn.growth_rate_sweep("tanh", 8, 20, [])
    with pytest.raises(ValueError, match="sweep too large"):
        rnn.growth_rate_sweep("tanh", 512, 5000, np.linspace(0.1, 4, 200))


def test_saturation_profile_counts_flat_derivatives():
    n = 3
    inputs = np.array([[0.0, 0.0, 0.0], [30.0, -30.0, 0.0], [30.0, 30.0, 0.0]])
    tr = rnn.simulate_rnn(np.zeros((n, n)), np.eye(n), np.zeros(n), inputs, np.zeros(n), "tanh")
    sp = rnn.saturation_profile(tr)
    # J_1 and J_2 see x_0 = x_1 = 0 (σ' = 1); J_3 sees x_2 = (30, -30, 0).
    np.testing.assert_allclose(sp.derivatives, [1, 1, 1, 1, 1, 1, 0, 0, 1], atol=1e-20)
    assert sp.fraction_saturated == pytest.approx(2 / 9)
    assert sp.threshold == pytest.approx(0.1)
    np.testing.assert_allclose(sp.mean_per_step, [1.0, 1.0, 1 / 3])


RNN_SCENARIOS = [s.key for s in JACOBIAN_SCENARIOS if s.values["view"] == "rnn"]


def test_recurrent_scenarios_simulate_with_their_sizes():
    assert len(RNN_SCENARIOS) >= 7
    for key in RNN_SCENARIOS:
        v = scenario_values(JACOBIAN_SCENARIOS, key)
        assert v["act"] in sim.ACTIVATIONS and v["form"] in FORMS
        tr = rnn_trace(key)
        assert (tr.n, tr.T, tr.activation) == (v["n"], v["T"], v["act"])


def test_recurrent_scenarios_show_what_their_notes_claim():
    def last(key):
        return rnn.jacobian_log_norms(rnn_trace(key))

    def eta(key):
        return rnn.pascanu_eta(rnn_trace(key).W_rec, scenario_values(JACOBIAN_SCENARIOS, key)["act"])

    assert eta("tanh_vanishing") == pytest.approx(0.9) and last("tanh_vanishing")[0] < 0
    assert eta("tanh_edge") > 1 and last("tanh_edge")[0] < -10  # bound silent, still vanishing
    assert scenario_values(JACOBIAN_SCENARIOS, "sigmoid_sigma3")["target"] == 3.0
    assert eta("sigmoid_sigma3") == pytest.approx(0.75)
    assert np.max(np.abs(last("linear_orthogonal"))) < 1e-9
    assert last("exploding")[0] > math.log(1e3)
    radius = rnn_trace("spectral_radius_target")
    assert sim.spectral_radius(radius.W_rec) == pytest.approx(0.95) and np.linalg.norm(radius.W_rec, 2) > 1.5
    values = rnn.jacobian_log_norms(radius)
    assert np.max(values[:-1]) > 0 > values[0]  # transient growth, then decay


def test_public_names_are_exported():
    for name in ("simulate_rnn", "jacobian_log_norms", "pascanu_eta", "RNNTrace", "memory_horizon"):
        assert name in sim.__all__
        assert getattr(sim, name) is getattr(rnn, name)


@settings(max_examples=20, deadline=None)
@given(p=network)
def test_elman_and_pascanu_traces_have_the_same_layout(p):
    W, W_in, b, inputs, x0 = random_network(p["seed"], p["n"], 2, p["T"], p["gain"])
    for form in FORMS:
        tr = rnn.simulate_rnn(W, W_in, b, inputs, x0, p["name"], form)
        assert tr.states.shape == (p["T"] + 1, p["n"])
        assert tr.derivatives.shape == (p["T"], p["n"])
        assert rnn.jacobian_log_norms(tr).shape == (p["T"] + 1,)
        assert rnn.temporal_contributions(tr).shape == (p["T"],)
        assert rnn.backprop_log_norms(tr).shape == (p["T"] + 1,)


# ---------------------------------------------------------------------------
# Page summaries: grid of norms, measured rate, contribution bounds, verdict numbers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "n", "T", "form", "kind"),
    [("tanh", 12, 40, "pascanu", "gaussian"),  # direct SVD path (n <= 32)
     ("sigmoid", 40, 60, "elman", "gaussian"),  # certified path
     ("relu", 36, 50, "pascanu", "gaussian"),
     ("gelu", 40, 45, "pascanu", "orthogonal")],
)
def test_norm_grid_matches_one_profile_per_row(name, n, T, form, kind):
    tr = rnn.simulate_random_rnn(name, n, T, kind=kind, target=1.4, seed=3, form=form)
    steps = [0, 3, 10, 11, 25, T]
    grid = rnn.jacobian_norm_grid(tr, steps[::-1])  # any order; sorted on the way in
    assert grid.steps.tolist() == steps
    for i, t in enumerate(steps):
        profile = rnn.jacobian_log_norms(tr, t)
        assert grid.log_norms[i, i] == 0.0
        for j, k in enumerate(steps[: i + 1]):
            assert grid.log_norms[i, j] == pytest.approx(profile[k], abs=1e-6)
        assert np.all(np.isnan(grid.log_norms[i, i + 1:]))


@pytest.mark.parametrize(("form", "target"), [("pascanu", 0.9), ("elman", 1.3)])
def test_norm_grid_on_the_pages_grid_matches_profiles(form, target):
    # the heatmap's own layout: many evenly spaced steps, so every row advances through many segments
    tr = rnn.simulate_random_rnn("tanh", 48, 120, target=target, seed=11, form=form)
    steps = rnn.jacobian_grid_steps(120, 48, max_cells=16)
    grid = rnn.jacobian_norm_grid(tr, steps)
    for i, t in enumerate(steps):
        profile = rnn.jacobian_log_norms(tr, int(t))
        np.testing.assert_allclose(grid.log_norms[i, : i + 1], profile[steps[: i + 1]], rtol=0.0, atol=1e-6)


def test_norm_grid_of_nilpotent_chain_is_exact_powers_then_zero():
    tr = rnn_trace("nilpotent")  # n = 20, T = 40, x stays at the fixed point 0
    steps = np.arange(0, 41, 4)
    grid = rnn.jacobian_norm_grid(tr, steps)
    lag = steps[:, None] - steps[None, :]
    lower = lag >= 0
    expected = np.where(lag < 20, lag * math.log(2.0), -np.inf)
    np.testing.assert_allclose(grid.log_norms[lower], expected[lower], atol=1e-9)


def test_norm_grid_survives_huge_products():
    tr = rnn.simulate_random_rnn("relu", 24, 400, target=20.0, seed=1)
    assert tr.states_rescaled
    grid = rnn.jacobian_norm_grid(tr, [1, 150, 400])  # x_0 = 0 sits on the ReLU kink: J_1 = 0
    assert np.all(np.isfinite(grid.log_norms[np.tril_indices(3)]))
    assert grid.log_norms[2, 0] == pytest.approx(rnn.jacobian_log_norms(tr)[1], abs=1e-6)
    assert grid.log_norms[2, 0] > 310 * math.log(10.0)  # beyond the float range


def test_norm_grid_rejects_bad_steps():
    tr = rnn.simulate_random_rnn("tanh", 8, 20, seed=0)
    for bad, match in [([], "between"), ([1, 1], "distinct"), ([0, 21], r"\[0, T\]"), ([0.5], "integers"),
                       (list(range(rnn.MAX_GRID_STEPS + 1)), "between")]:
        with pytest.raises(ValueError, match=match):
            rnn.jacobian_norm_grid(tr, bad)
    big = rnn.simulate_random_rnn("tanh", 256, 1200, input_scale=0.0, seed=0)
    with pytest.raises(ValueError, match="grid too large"):
        rnn.jacobian_norm_grid(big, [0, 1200])


@pytest.mark.parametrize(("T", "n"), [(0, 8), (10, 8), (200, 64), (1000, 128), (1000, 256), (5000, 512)])
def test_grid_steps_stay_within_budget(T, n):
    steps = rnn.jacobian_grid_steps(T, n)
    assert steps[0] == 0 and np.all(np.diff(steps) > 0) and steps[-1] <= min(T, 200)
    assert len(steps) <= 33
    if T:
        assert float(n) ** 3 * steps.sum() <= 4e9 or (len(steps) <= 11 and steps[-1] <= 1)
    if n <= 64:
        assert steps[-1] == min(T, 200)


def test_profile_growth_rate_is_the_long_lag_slope():
    W = 0.7 * sim.orthogonal_matrix(6, seed=2)
    tr = rnn.simulate_rnn(W, np.eye(6), np.zeros(6), np.ones((50, 6)), np.zeros(6), "identity")
    assert rnn.profile_growth_rate(rnn.jacobian_log_norms(tr)) == pytest.approx(math.log(0.7), abs=1e-9)
    assert math.isnan(rnn.profile_growth_rate([0.0]))
    assert rnn.profile_growth_rate([-np.inf, -np.inf, 1.0, 0.0]) == -np.inf
    with pytest.raises(ValueError, match="finite"):
        rnn.profile_growth_rate([np.nan, 0.0])


@settings(max_examples=20, deadline=None)
@given(p=network)
def test_temporal_contribution_bounds_dominate_the_terms(p):
    W, W_in, b, inputs, x0 = random_network(p["seed"], p["n"], 2, p["T"], p["gain"])
    for form in FORMS:
        tr = rnn.simulate_rnn(W, W_in, b, inputs, x0, p["name"], form)
        terms = rnn.temporal_contributions(tr)
        bounds = rnn.temporal_contribution_log_bounds(tr)
        finite = np.isfinite(terms)
        assert np.all(terms[finite] <= bounds[finite] + 1e-9)


def test_temporal_contribution_bound_is_attained_by_a_linear_orthogonal_network():
    W = 0.8 * sim.orthogonal_matrix(5, seed=1)
    tr = rnn.simulate_rnn(W, np.eye(5), np.zeros(5), np.ones((12, 5)), np.zeros(5), "identity")
    np.testing.assert_allclose(rnn.temporal_contributions(tr)[1:], rnn.temporal_contribution_log_bounds(tr)[1:],
                               atol=1e-12)


def test_bound_summary_reads_each_scenario_right():
    def summary(name):
        tr = rnn_trace(name)
        return rnn.bound_summary(tr, rnn.jacobian_log_norms(tr))

    V, E, N, Z = Regime.VANISHES, Regime.EXPLODES, Regime.NEUTRAL, Regime.ZERO
    expected = {"tanh_vanishing": (V, True), "tanh_edge": (V, False), "sigmoid_sigma3": (V, True),
                "linear_orthogonal": (N, False), "exploding": (E, False), "nilpotent": (Z, False),
                "spectral_radius_target": (V, False)}
    for name, (regime, guaranteed) in expected.items():
        s = summary(name)
        assert s.regime is regime and s.guaranteed is guaranteed, name
        assert s.max_excess <= 1e-6, name
    sig = summary("sigmoid_sigma3")
    assert sig.critical_scale == 4.0 and sig.eta == pytest.approx(0.75) and sig.spectral_radius > 1
    nil = summary("nilpotent")
    assert nil.spectral_radius == 0.0 and nil.sigma_max == pytest.approx(2.0)
    assert nil.zero_from_lag == 20 and nil.peak_lag == 19
    assert nil.peak_log_norm == pytest.approx(19 * math.log(2.0), abs=1e-9)
    van = summary("tanh_vanishing")
    assert van.log_rate < math.log(van.eta) and 0 < van.mean_derivative < van.gamma
    radius = summary("spectral_radius_target")
    assert radius.peak_log_norm > 0 and radius.spectral_radius == pytest.approx(0.95)


def test_bound_summary_reads_the_rate_before_a_late_exact_zero():
    tr = rnn.simulate_random_rnn("relu", 32, 300, target=4.0, seed=0)  # x_0 = 0: ReLU'(0) = 0 zeroes lag 300 only
    s = rnn.bound_summary(tr, rnn.jacobian_log_norms(tr))
    assert s.zero_from_lag == 300 and s.regime is Regime.EXPLODES and not s.guaranteed
    assert 0 < s.log_rate <= math.log(s.eta)


def test_memory_horizon_counts_recent_terms_within_the_cut():
    h = rnn.memory_horizon(np.log([1e-9, 1e-7, 1e-3, 1.0]))
    assert (h.count, h.steps.tolist(), h.first_k, h.last_k, h.largest_k) == (2, [3, 4], 3, 4, 4)
    assert h.end is rnn.MemoryEnd.NEWEST and h.contiguous and h.span == 2 and h.log_ratio_newest == 0.0
    gap = rnn.memory_horizon(np.log([1.0, 1e-7, 1e-3, 1.0]), decades=6)
    assert gap.count == 3 and gap.steps.tolist() == [1, 3, 4] and not gap.contiguous and gap.span == 4
    assert gap.largest_k == 1  # the oldest of two equal largest terms
    for empty in ([-np.inf, -np.inf], []):
        h = rnn.memory_horizon(empty)
        assert h.count == 0 and h.end is rnn.MemoryEnd.NONE and h.largest_k is None and h.span == 0
    with pytest.raises(ValueError, match="log_contributions"):
        rnn.memory_horizon([0.0, np.nan])
    with pytest.raises(ValueError, match="decades"):
        rnn.memory_horizon([0.0], decades=-1)


def test_memory_horizon_of_exploding_scenario_keeps_the_oldest_terms():
    terms = rnn.temporal_contributions(rnn_trace("exploding"))
    h = rnn.memory_horizon(terms)
    assert h.count == 68 and h.steps.tolist() == list(range(2, 70)) and h.contiguous
    assert h.largest_k == 3 and h.end is rnn.MemoryEnd.OLDEST
    assert -22 < h.log10_ratio_newest < -21  # the newest term is ~1e-21 of the largest
    assert h.span == 199  # the old integer result, which was not a count of newest terms
    # independent reading of the same facts
    cut = terms >= terms.max() - 6 * math.log(10)
    assert int(cut.sum()) == h.count and int(np.argmax(terms)) + 1 == h.largest_k


def test_memory_horizon_of_vanishing_scenario_keeps_the_newest_terms():
    terms = rnn.temporal_contributions(rnn_trace("tanh_vanishing"))
    h = rnn.memory_horizon(terms)
    assert h.end is rnn.MemoryEnd.NEWEST and h.largest_k == h.T == 200
    assert h.contiguous and h.count == h.span and h.steps.tolist() == list(range(201 - h.count, 201))
    assert h.count < 20 and h.log_ratio_newest == 0.0
