"""Residual and batch-normalised networks: gradients against finite differences, and what they measure."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer import sim
from explorer.sim import _remedies as rem

# --------------------------------------------------------------------------- residual: an independent reference


def _residual_loss(net, name, alpha, biases):
    act = sim.activation(name)
    x = np.array(net.x)
    for w, b in zip(net.weights, biases, strict=True):
        x = x + alpha * act.f(w @ x + b)
    return 0.5 * float(np.sum((x - net.y) ** 2))


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "gelu", "identity", "relu"])
def test_residual_bias_gradients_match_finite_differences(name):
    depth, width, alpha = 6, 5, 0.7
    r = sim.residual_network_gradients(depth, width, name, sigma_w=1.2, sigma_b=0.3, alpha=alpha, seed=11)
    net = sim.build_network(depth, width, sigma_w=1.2, sigma_b=0.3, seed=11)
    h = 1e-6
    for layer in range(depth):
        grad = np.empty(width)
        for j in range(width):
            up, down = np.array(net.biases), np.array(net.biases)
            up[layer, j] += h
            down[layer, j] -= h
            grad[j] = (_residual_loss(net, name, alpha, up) - _residual_loss(net, name, alpha, down)) / (2 * h)
        assert r.log_bias_grad_norms[layer] == pytest.approx(math.log(np.linalg.norm(grad)), abs=1e-5)


def test_residual_state_gradient_at_the_input_matches_finite_differences():
    depth, width, alpha = 5, 4, 0.5
    r = sim.residual_network_gradients(depth, width, "tanh", sigma_w=1.5, alpha=alpha, seed=2)
    net = sim.build_network(depth, width, sigma_w=1.5, sigma_b=0.0, seed=2)
    act = sim.activation("tanh")

    def loss(x):
        for w, b in zip(net.weights, net.biases, strict=True):
            x = x + alpha * act.f(w @ x + b)
        return 0.5 * float(np.sum((x - net.y) ** 2))

    h, x0 = 1e-6, np.array(net.x)
    grad = [(loss(x0 + h * e) - loss(x0 - h * e)) / (2 * h) for e in np.eye(width)]
    assert r.log_state_grad_norms[0] == pytest.approx(math.log(np.linalg.norm(grad)), abs=1e-6)


def test_residual_with_alpha_zero_is_the_identity():
    r = sim.residual_network_gradients(10, 8, "tanh", sigma_w=1.0, alpha=0.0, seed=0)
    assert np.all(np.isneginf(r.log_bias_grad_norms))
    np.testing.assert_allclose(r.log_state_grad_norms, r.log_state_grad_norms[-1], rtol=0, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(depth=st.integers(20, 80), seed=st.integers(0, 1000), alpha=st.floats(0.05, 0.3))
def test_small_alpha_keeps_the_gradient_where_the_plain_network_loses_it(depth, seed, alpha):
    """tanh, sigma_w = 0.5 (chi_1 = 0.25): plain shrinks ~2x per layer; the residual gradient stays within x10."""
    r = sim.residual_network_gradients(depth, 64, "tanh", sigma_w=0.5, alpha=alpha, seed=seed)
    plain = sim.deep_network_gradients(depth, 64, "tanh", sigma_w=0.5, seed=seed)
    assert abs(r.log_state_grad_norms[0] - r.log_state_grad_norms[-1]) < math.log(10.0)
    assert plain.log_delta_norms[0] - plain.log_delta_norms[-1] < -0.4 * depth


def test_residual_deep_and_large_stays_finite():
    r = sim.residual_network_gradients(200, 32, "relu", sigma_w=4.0, sigma_b=1.0, alpha=10.0, seed=1)
    assert np.all(np.isfinite(r.log_bias_grad_norms)) and r.log_state_norms[-1] > 300


# --------------------------------------------------------------------------- batch norm: an independent reference


def _bn_reference_loss(weights, x, y, name, normalised, eps):
    act = sim.activation(name)
    for w in weights:
        z = w @ x
        if normalised:
            z = (z - z.mean(axis=1, keepdims=True)) / np.sqrt(z.var(axis=1, keepdims=True) + eps)
        x = act.f(z)
    return 0.5 * np.sum((x - y) ** 2) / x.shape[1]


@pytest.mark.parametrize("name", ["tanh", "relu", "identity", "sigmoid"])
@pytest.mark.parametrize("normalised", [True, False])
def test_batchnorm_weight_gradients_match_finite_differences(name, normalised):
    depth, width, batch, eps = 4, 5, 6, 1e-5
    g = sim.batchnorm_network_gradients(depth, width, name, sigma_w=1.3, batch=batch, normalised=normalised,
                                        eps=eps, seed=9)
    weights = [np.array(sim.build_network(depth, width, sigma_w=1.3, seed=9).weights[i]) for i in range(depth)]
    x, y = rem._batch_data(width, batch, 9)
    h = 1e-6
    for layer in range(depth):
        grad = np.empty((width, width))
        for i in range(width):
            for j in range(width):
                w0 = weights[layer][i, j]
                weights[layer][i, j] = w0 + h
                up = _bn_reference_loss(weights, x, y, name, normalised, eps)
                weights[layer][i, j] = w0 - h
                down = _bn_reference_loss(weights, x, y, name, normalised, eps)
                weights[layer][i, j] = w0
                grad[i, j] = (up - down) / (2 * h)
        assert g.log_weight_grad_norms[layer] == pytest.approx(math.log(np.linalg.norm(grad)), abs=2e-5)


@pytest.mark.parametrize("name", ["tanh", "identity", "relu"])
def test_the_page_check_agrees(name):
    tol = 1e-4 if name == "relu" else 1e-6
    assert sim.batchnorm_gradient_check(8, 16, name, sigma_w=1.0, batch=16, seed=1) < tol


@settings(max_examples=20, deadline=None)
@given(scale=st.floats(0.2, 3.0), seed=st.integers(0, 1000), name=st.sampled_from(["tanh", "relu", "identity"]))
def test_batchnorm_forward_forgets_the_weight_scale(scale, seed, name):
    """With eps = 0, W -> cW in every layer leaves the forward pass alone and divides each dC/dW by c."""
    a = sim.batchnorm_network_gradients(6, 16, name, sigma_w=1.0, batch=12, eps=0.0, seed=seed)
    b = sim.batchnorm_network_gradients(6, 16, name, sigma_w=scale, batch=12, eps=0.0, seed=seed)
    np.testing.assert_allclose(b.log_weight_grad_norms, a.log_weight_grad_norms - math.log(scale), atol=1e-8)


def test_batchnorm_gradients_explode_where_the_plain_network_is_critical():
    """He-initialised ReLU: flat without batch norm, growing towards the input with it (Yang et al. 2019)."""
    bn = [sim.batchnorm_network_gradients(40, 128, "relu", sigma_w=math.sqrt(2), batch=64, seed=s) for s in (0, 1)]
    plain = [sim.batchnorm_network_gradients(40, 128, "relu", sigma_w=math.sqrt(2), batch=64, normalised=False,
                                             seed=s) for s in (0, 1)]
    assert all(b.log_rate > math.log(1.3) for b in bn)
    assert all(abs(p.log_rate) < 0.05 for p in plain)


@pytest.mark.parametrize(("call", "word"), [
    (lambda: sim.residual_network_gradients(0, 4, "tanh", sigma_w=1.0), "depth"),
    (lambda: sim.residual_network_gradients(4, 4, "tanh", sigma_w=1.0, alpha=-1.0), "alpha"),
    (lambda: sim.residual_network_gradients(4, 4, "tanh", sigma_w=-1.0), "sigma_w"),
    (lambda: sim.residual_network_gradients(4, 4, "nope", sigma_w=1.0), "activation"),
    (lambda: sim.batchnorm_network_gradients(4, 4, "tanh", sigma_w=1.0, batch=1), "batch"),
    (lambda: sim.batchnorm_network_gradients(4, 4, "tanh", sigma_w=1.0, normalised="yes"), "normalised"),
    (lambda: sim.batchnorm_network_gradients(200, 512, "tanh", sigma_w=1.0, batch=256), "batch"),
])
def test_bad_arguments_name_themselves(call, word):
    with pytest.raises(ValueError, match=word):
        call()
