"""Tests for explorer.sim._gated: LSTM and GRU trajectories and their state-Jacobian products.

References are independent of the module: a step-by-step implementation of
each cell written here from the PyTorch equations, Jacobians by complex-step
and central finite differences of that implementation, explicit products with
``np.linalg.norm(., 2)``, and closed forms.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer import sim
from explorer.sim import _gated as gated

# ---------------------------------------------------------------------------
# Independent references (complex-safe: no scipy, no clipping)
# ---------------------------------------------------------------------------


def sigma(a):
    return 1.0 / (1.0 + np.exp(-a))


def lstm_step(W_x, W_h, b, x, h, c):
    n = W_h.shape[1]
    a = W_x @ x + W_h @ h + b
    i = sigma(a[0:n])
    f = sigma(a[n:2 * n])
    g = np.tanh(a[2 * n:3 * n])
    o = sigma(a[3 * n:4 * n])
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new


def gru_step(W_x, W_h, b_x, b_h, x, h):
    n = W_h.shape[1]
    gx = W_x @ x + b_x
    gh = W_h @ h + b_h
    r = sigma(gx[:n] + gh[:n])
    z = sigma(gx[n:2 * n] + gh[n:2 * n])
    cand = np.tanh(gx[2 * n:] + r * gh[2 * n:])
    return (1 - z) * cand + z * h


def lstm_states(W_x, W_h, b, inputs, h0, c0):
    hs, cs = [np.asarray(h0)], [np.asarray(c0)]
    for x in inputs:
        h, c = lstm_step(W_x, W_h, b, x, hs[-1], cs[-1])
        hs.append(h)
        cs.append(c)
    return np.array(hs), np.array(cs)


def gru_states(W_x, W_h, b_x, b_h, inputs, h0):
    hs = [np.asarray(h0)]
    for x in inputs:
        hs.append(gru_step(W_x, W_h, b_x, b_h, x, hs[-1]))
    return np.array(hs)


def lstm_final_from(W_x, W_h, b, inputs, k, s):
    """(h_T, c_T) as a function of the state s = (h_k, c_k) at step k."""
    n = W_h.shape[1]
    h, c = s[:n], s[n:]
    for x in inputs[k:]:
        h, c = lstm_step(W_x, W_h, b, x, h, c)
    return np.concatenate([h, c])


def gru_final_from(W_x, W_h, b_x, b_h, inputs, k, h):
    for x in inputs[k:]:
        h = gru_step(W_x, W_h, b_x, b_h, x, h)
    return h


def complex_step_jacobian(fn, s0, eps=1e-20):
    cols = []
    for j in range(s0.size):
        e = np.zeros(s0.size, dtype=complex)
        e[j] = 1j * eps
        cols.append(np.imag(fn(s0.astype(complex) + e)) / eps)
    return np.array(cols).T


def random_lstm(seed, n, m, T, scale=1.0):
    rng = np.random.default_rng(seed)
    W_x = scale * rng.standard_normal((4 * n, m)) / math.sqrt(m)
    W_h = scale * rng.standard_normal((4 * n, n)) / math.sqrt(n)
    b = 0.5 * rng.standard_normal(4 * n)
    inputs = rng.standard_normal((T, m))
    h0 = 0.5 * rng.standard_normal(n)
    c0 = rng.standard_normal(n)
    return W_x, W_h, b, inputs, h0, c0


def random_gru(seed, n, m, T, scale=1.0):
    rng = np.random.default_rng(seed)
    W_x = scale * rng.standard_normal((3 * n, m)) / math.sqrt(m)
    W_h = scale * rng.standard_normal((3 * n, n)) / math.sqrt(n)
    b_x = 0.5 * rng.standard_normal(3 * n)
    b_h = 0.5 * rng.standard_normal(3 * n)
    inputs = rng.standard_normal((T, m))
    h0 = 0.5 * rng.standard_normal(n)
    return W_x, W_h, b_x, b_h, inputs, h0


# ---------------------------------------------------------------------------
# Trajectories
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_lstm_states_match_a_step_by_step_implementation(seed):
    args = random_lstm(seed, n=5, m=3, T=12, scale=1.5)
    tr = sim.simulate_lstm(*args)
    h, c = lstm_states(*args)
    np.testing.assert_allclose(tr.h, h, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(tr.c, c, rtol=1e-12, atol=1e-13)
    assert tr.h.shape == tr.c.shape == (13, 5)
    np.testing.assert_array_equal(tr.h[0], args[4])
    np.testing.assert_array_equal(tr.c[0], args[5])
    # gates as the equations define them
    a = args[0] @ args[3][0] + args[1] @ args[4] + args[2]
    np.testing.assert_allclose(tr.f[0], sigma(a[5:10]), rtol=1e-12)
    np.testing.assert_allclose(tr.g[0], np.tanh(a[10:15]), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("seed", range(4))
def test_gru_states_match_a_step_by_step_implementation(seed):
    args = random_gru(seed, n=4, m=3, T=15, scale=1.5)
    tr = sim.simulate_gru(*args)
    np.testing.assert_allclose(tr.h, gru_states(*args), rtol=1e-12, atol=1e-13)
    assert tr.h.shape == (16, 4)
    np.testing.assert_array_equal(tr.h[0], args[5])


def test_lstm_gate_order_is_pytorchs():
    """Only the forget block's bias set high: the cell keeps c0 when i is shut, whatever the rest."""
    n = 2
    b = np.zeros(4 * n)
    b[:n] = -40.0  # i = 0
    b[n:2 * n] = 40.0  # f = 1
    tr = sim.simulate_lstm(np.zeros((4 * n, 1)), np.zeros((4 * n, n)), b, np.ones((5, 1)), [0, 0], [0.3, -0.7])
    np.testing.assert_allclose(tr.c[-1], [0.3, -0.7], rtol=1e-12)
    np.testing.assert_allclose(tr.h[-1], 0.5 * np.tanh([0.3, -0.7]), rtol=1e-12)  # o = σ(0)


def test_gru_gate_order_is_pytorchs():
    n = 1
    b_h = np.array([0.0, -40.0, 0.0])  # z = 0: the new state is the candidate
    b_x = np.array([0.0, 0.0, 0.2])
    tr = sim.simulate_gru(np.zeros((3, 1)), np.zeros((3, n)), b_x, b_h, np.ones((1, 1)), [5.0])
    np.testing.assert_allclose(tr.h[-1], np.tanh([0.2]), rtol=1e-12)


@pytest.mark.parametrize("bad", [
    dict(W_h=np.zeros((4, 2))),  # not 4n x n
    dict(b=np.zeros(7)),
    dict(inputs=np.zeros((3, 5))),
    dict(h0=np.zeros(3)),
    dict(c0=[np.nan, 0.0]),
])
def test_lstm_rejects_bad_arguments_by_name(bad):
    args = dict(W_x=np.zeros((8, 1)), W_h=np.zeros((8, 2)), b=np.zeros(8), inputs=np.zeros((3, 1)),
                h0=np.zeros(2), c0=np.zeros(2))
    args.update(bad)
    with pytest.raises(ValueError, match=next(iter(bad))):
        sim.simulate_lstm(**args)


def test_gru_rejects_bad_arguments_by_name():
    with pytest.raises(ValueError, match="b_h"):
        sim.simulate_gru(np.zeros((6, 1)), np.zeros((6, 2)), np.zeros(6), np.zeros(5), np.zeros((3, 1)), [0, 0])
    with pytest.raises(ValueError, match="trace"):
        sim.gru_jacobian_log_norms("not a trace")
    with pytest.raises(ValueError, match="trace"):
        sim.lstm_jacobian_log_norms(sim.simulate_gru(np.zeros((3, 1)), np.zeros((3, 1)), np.zeros(3),
                                                     np.zeros(3), np.zeros((1, 1)), [0.0]))


# ---------------------------------------------------------------------------
# Jacobians
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_lstm_step_jacobian_matches_complex_step(seed):
    W_x, W_h, b, inputs, h0, c0 = random_lstm(seed, n=4, m=2, T=6, scale=2.0)
    tr = sim.simulate_lstm(W_x, W_h, b, inputs, h0, c0)
    for t in (1, 3, 6):
        s = np.concatenate([tr.h[t - 1], tr.c[t - 1]])
        ref = complex_step_jacobian(lambda v, t=t: lstm_final_from(W_x, W_h, b, inputs[: t], t - 1, v), s)
        np.testing.assert_allclose(gated.lstm_step_jacobian(tr, t), ref, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_gru_step_jacobian_matches_complex_step(seed):
    W_x, W_h, b_x, b_h, inputs, h0 = random_gru(seed, n=4, m=2, T=6, scale=2.0)
    tr = sim.simulate_gru(W_x, W_h, b_x, b_h, inputs, h0)
    for t in (1, 4, 6):
        ref = complex_step_jacobian(
            lambda v, t=t: gru_final_from(W_x, W_h, b_x, b_h, inputs[:t], t - 1, v), tr.h[t - 1])
        np.testing.assert_allclose(gated.gru_step_jacobian(tr, t), ref, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_lstm_jacobian_log_norms_match_differentiated_products(seed):
    W_x, W_h, b, inputs, h0, c0 = random_lstm(seed, n=3, m=2, T=10, scale=1.5)
    tr = sim.simulate_lstm(W_x, W_h, b, inputs, h0, c0)
    got = sim.lstm_jacobian_log_norms(tr)
    assert got.shape == (11,) and got[-1] == 0.0
    for k in range(10):
        s = np.concatenate([tr.h[k], tr.c[k]])
        J = complex_step_jacobian(lambda v, k=k: lstm_final_from(W_x, W_h, b, inputs, k, v), s)
        assert got[k] == pytest.approx(math.log(np.linalg.norm(J, 2)), abs=1e-9)


def test_lstm_jacobian_log_norms_match_central_differences():
    W_x, W_h, b, inputs, h0, c0 = random_lstm(7, n=3, m=2, T=5)
    tr = sim.simulate_lstm(W_x, W_h, b, inputs, h0, c0)
    s = np.concatenate([tr.h[0], tr.c[0]])
    eps = 1e-6
    J = np.array([(lstm_final_from(W_x, W_h, b, inputs, 0, s + eps * e)
                   - lstm_final_from(W_x, W_h, b, inputs, 0, s - eps * e)) / (2 * eps) for e in np.eye(6)]).T
    assert sim.lstm_jacobian_log_norms(tr)[0] == pytest.approx(math.log(np.linalg.norm(J, 2)), abs=1e-7)


@pytest.mark.parametrize("seed", range(3))
def test_gru_jacobian_log_norms_match_differentiated_products(seed):
    W_x, W_h, b_x, b_h, inputs, h0 = random_gru(seed, n=4, m=2, T=10, scale=1.5)
    tr = sim.simulate_gru(W_x, W_h, b_x, b_h, inputs, h0)
    got = sim.gru_jacobian_log_norms(tr)
    assert got.shape == (11,) and got[-1] == 0.0
    for k in range(10):
        J = complex_step_jacobian(lambda v, k=k: gru_final_from(W_x, W_h, b_x, b_h, inputs, k, v), tr.h[k])
        assert got[k] == pytest.approx(math.log(np.linalg.norm(J, 2)), abs=1e-9)


def test_cell_path_is_the_product_of_forget_gates():
    W_x, W_h, b, inputs, h0, c0 = random_lstm(3, n=4, m=2, T=20)
    tr = sim.simulate_lstm(W_x, W_h, b, inputs, h0, c0)
    got = sim.lstm_cell_path_log_norms(tr)
    for k in range(21):
        prod = np.prod(tr.f[k:], axis=0)  # rows k.. are f_{k+1} .. f_T
        assert got[k] == pytest.approx(math.log(np.max(prod)), rel=1e-12, abs=1e-14)


def test_saturated_gates_keep_the_cell_for_2000_steps():
    """f → 1, i → 0: c is carried unchanged and every log norm stays finite and near 0."""
    n, m, T = 3, 2, 2000
    rng = np.random.default_rng(0)
    W_x = 0.1 * rng.standard_normal((4 * n, m))
    W_h = 0.1 * rng.standard_normal((4 * n, n))
    b = np.zeros(4 * n)
    b[:n] = -30.0
    b[n:2 * n] = 30.0
    c0 = np.array([0.9, -0.4, 0.1])
    tr = sim.simulate_lstm(W_x, W_h, b, rng.standard_normal((T, m)), np.zeros(n), c0)
    np.testing.assert_allclose(tr.c[-1], c0, rtol=1e-9)
    logs = sim.lstm_jacobian_log_norms(tr)
    assert logs.shape == (T + 1,) and np.all(np.isfinite(logs))
    # The c-to-c block of every factor is diag(f) = I (to 1e-13) and c no longer feeds back through h, so
    # the product is [[A, X], [0, I]] with bounded X: its norm is at least 1 and stays O(1) for 2000 steps.
    assert np.all(logs >= -1e-9) and np.all(logs < 1.0)
    assert np.ptp(logs[:-10]) < 1e-6  # flat: nothing is lost along the way
    cell = sim.lstm_cell_path_log_norms(tr)
    assert np.all(np.isfinite(cell)) and cell[0] <= 0.0 and cell[0] > -2000 * 1e-12


def test_long_products_neither_overflow_nor_underflow():
    """A shut forget gate and small weights: the product falls through 10^-308 and stays exact in log."""
    n, m, T = 4, 2, 3000
    rng = np.random.default_rng(1)
    b = np.zeros(4 * n)
    W_h = np.zeros((4 * n, n))
    W_x = rng.standard_normal((4 * n, m))
    W_x[n:2 * n] = 0.0  # f = σ(0) = 1/2 exactly, whatever the input
    tr = sim.simulate_lstm(W_x, W_h, b, rng.standard_normal((T, m)), np.zeros(n), np.zeros(n))
    logs = sim.lstm_jacobian_log_norms(tr)
    assert np.all(np.isfinite(logs))
    # With W_h = 0 the state Jacobian is [[0, diag(k f)], [0, diag(f)]] with f = 1/2 and 0 < k <= 1, so the
    # product is [[0, diag(k_T) F], [0, F]] with F = 2^-(T-k) I: its norm is 2^-(T-k) times a factor in [1, √2].
    excess = logs[:-1] - np.arange(T, 0, -1) * math.log(0.5)
    assert np.all(excess >= -1e-9) and np.all(excess <= 0.5 * math.log(2.0) + 1e-9)
    assert logs[0] < -2000.0


def test_gru_product_with_update_gate_one_is_the_identity():
    n = 3
    b_h = np.zeros(3 * n)
    b_h[n:2 * n] = 40.0
    rng = np.random.default_rng(2)
    tr = sim.simulate_gru(rng.standard_normal((3 * n, 2)), 0.3 * rng.standard_normal((3 * n, n)), np.zeros(3 * n),
                          b_h, rng.standard_normal((2000, 2)), rng.standard_normal(n))
    logs = sim.gru_jacobian_log_norms(tr)
    assert np.all(np.isfinite(logs)) and np.max(np.abs(logs)) < 1e-6
    np.testing.assert_allclose(tr.h[-1], tr.h[0], rtol=1e-9)


# ---------------------------------------------------------------------------
# Initialisations
# ---------------------------------------------------------------------------


def test_forget_bias_initialisations():
    n, m = 50, 3
    assert np.all(sim.random_lstm_weights(n, m, forget_bias="one")[2][n:2 * n] == 1.0)
    assert np.all(sim.random_lstm_weights(n, m, forget_bias="zero")[2][n:2 * n] == 0.0)
    b = sim.random_lstm_weights(n, m, forget_bias="chrono", horizon=100, seed=3)[2]
    assert np.all(b[n:2 * n] >= 0.0) and np.all(b[n:2 * n] <= math.log(99.0))
    np.testing.assert_array_equal(b[:n], -b[n:2 * n])
    W_x, W_h, _ = sim.random_lstm_weights(n, m)
    assert np.max(np.abs(W_h)) <= 1 / math.sqrt(n) and np.max(np.abs(W_x)) <= 1 / math.sqrt(n)
    _, _, _, b_h = sim.random_gru_weights(n, m, update_bias="one")
    assert np.all(b_h[n:2 * n] >= 1.0 - 1 / math.sqrt(n))
    with pytest.raises(ValueError, match="forget_bias"):
        sim.random_lstm_weights(n, m, forget_bias="two")


def test_larger_forget_bias_keeps_the_gradient_longer():
    """The figure's claim: at bias chrono the state Jacobian decays far slower than at bias 0."""
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((200, 4))
    ends = {}
    for kind in ("zero", "one", "chrono"):
        W_x, W_h, b = sim.random_lstm_weights(16, 4, forget_bias=kind, horizon=200, seed=0)
        tr = sim.simulate_lstm(W_x, W_h, b, inputs, np.zeros(16), np.zeros(16))
        ends[kind] = sim.lstm_jacobian_log_norms(tr)[0]
    assert ends["zero"] < ends["one"] < ends["chrono"]


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 5), T=st.integers(1, 12),
       scale=st.floats(0.1, 4.0))
def test_property_lstm_log_norms_are_finite_and_match_explicit_product(seed, n, T, scale):
    W_x, W_h, b, inputs, h0, c0 = random_lstm(seed, n, 2, T, scale)
    tr = sim.simulate_lstm(W_x, W_h, b, inputs, h0, c0)
    logs = sim.lstm_jacobian_log_norms(tr)
    assert logs.shape == (T + 1,) and logs[-1] == 0.0
    P = np.eye(2 * n)
    for k in range(T - 1, -1, -1):
        P = P @ gated.lstm_step_jacobian(tr, k + 1)
        assert logs[k] == pytest.approx(math.log(np.linalg.norm(P, 2)), abs=1e-9)
    # the cell path alone never exceeds 1, and |h| < 1 always
    assert np.all(sim.lstm_cell_path_log_norms(tr) <= 0.0)
    assert np.all(np.abs(tr.h[1:]) < 1.0)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 5), T=st.integers(1, 12),
       scale=st.floats(0.1, 4.0))
def test_property_gru_state_is_a_convex_mix_and_norms_match(seed, n, T, scale):
    W_x, W_h, b_x, b_h, inputs, h0 = random_gru(seed, n, 2, T, scale)
    tr = sim.simulate_gru(W_x, W_h, b_x, b_h, inputs, h0)
    # h_t lies between h_{t-1} and ñ_t, unit by unit
    lo = np.minimum(tr.h[:-1], tr.n_tilde) - 1e-12
    hi = np.maximum(tr.h[:-1], tr.n_tilde) + 1e-12
    assert np.all((tr.h[1:] >= lo) & (tr.h[1:] <= hi))
    logs = sim.gru_jacobian_log_norms(tr)
    P = np.eye(n)
    for k in range(T - 1, -1, -1):
        P = P @ gated.gru_step_jacobian(tr, k + 1)
        assert logs[k] == pytest.approx(math.log(np.linalg.norm(P, 2)), abs=1e-9)
