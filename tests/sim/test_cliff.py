"""Tests for explorer.sim._cliff: the one-unit RNN of Pascanu et al. (2013, Fig. 6) and gradient clipping.

References are independent of the module: a plain forward recursion, central
finite differences, a backward-mode (BPTT) gradient written here, the geometric
sum that holds exactly at the fixed point x = 0.5, and np.clip / np.linalg.norm.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer import sim

T, X0, TARGET = 50, 0.5, 0.7


def sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def dsig(x: float) -> float:
    """σ'(x) = e^{−|x|} / (1 + e^{−|x|})², accurate where σ(1 − σ) would round to 0."""
    e = math.exp(-abs(x))
    return e / (1.0 + e) ** 2


def states(w: float, b: float, steps: int = T, x0: float = X0) -> list[float]:
    xs = [x0]
    for _ in range(steps):
        xs.append(w * sig(xs[-1]) + b)
    return xs


def loss(w: float, b: float, steps: int = T) -> float:
    return (sig(states(w, b, steps)[-1]) - TARGET) ** 2


def bptt(w: float, b: float, steps: int = T) -> tuple[float, float, float]:
    """Backward mode: δ_T = dE/dx_T, then dE/dw += δ_t σ(x_{t−1}), dE/db += δ_t, δ_{t−1} = δ_t w σ'(x_{t−1})."""
    xs = states(w, b, steps)
    s_T = sig(xs[-1])
    delta = 2.0 * (s_T - TARGET) * dsig(xs[-1])
    gw = gb = 0.0
    for t in range(steps, 0, -1):
        gw += delta * sig(xs[t - 1])
        gb += delta
        delta *= w * dsig(xs[t - 1])
    return (s_T - TARGET) ** 2, gw, gb


def central(w: float, b: float, h: float = 1e-6) -> tuple[float, float]:
    return ((loss(w + h, b) - loss(w - h, b)) / (2 * h), (loss(w, b + h) - loss(w, b - h)) / (2 * h))


SMOOTH_POINTS = [(2.0, -1.0), (3.0, -2.0), (1.5, -4.0), (6.0, -1.0), (7.0, -5.0), (4.0, -1.9), (-2.0, 0.5),
                 (5.0, -2.5), (5.0, -2.7)]


# ---------------------------------------------------------------------------
# gradients


@pytest.mark.parametrize(("w", "b"), SMOOTH_POINTS)
def test_gradient_matches_central_finite_differences(w, b):
    e, gw, gb = sim.cliff_loss_and_grad(w, b)
    fw, fb = central(w, b)
    assert e == pytest.approx(loss(w, b), rel=1e-12)
    assert gw == pytest.approx(fw, rel=1e-5, abs=1e-9)
    assert gb == pytest.approx(fb, rel=1e-5, abs=1e-9)


WALL_POINTS = [(5.0, sim.cliff_wall(5.0).b_c + d) for d in (-1e-4, -1e-5, 0.0, 1e-5, 1e-4, 3e-3)] + [
    (6.5, sim.cliff_wall(6.5).b_c + 1e-6), (4.5, -2.25), (8.0, -4.48), (1000.0, -500.0)]


@pytest.mark.parametrize(("w", "b"), SMOOTH_POINTS + WALL_POINTS)
def test_gradient_matches_backward_mode_bptt_even_on_the_wall(w, b):
    e, gw, gb = sim.cliff_loss_and_grad(w, b)
    rE, rw, rb = bptt(w, b)
    assert e == pytest.approx(rE, rel=1e-9, abs=1e-15)
    assert gw == pytest.approx(rw, rel=1e-8, abs=1e-300)
    assert gb == pytest.approx(rb, rel=1e-8, abs=1e-300)


@given(st.floats(-10, 10), st.floats(-10, 10), st.integers(1, 80))
@settings(max_examples=60, deadline=None)
def test_gradient_matches_bptt_for_random_parameters_and_lengths(w, b, steps):
    e, gw, gb = sim.cliff_loss_and_grad(w, b, steps=steps)
    rE, rw, rb = bptt(w, b, steps)
    scale = max(abs(rw), abs(rb), 1e-12)
    assert e == pytest.approx(rE, rel=1e-9, abs=1e-15)
    assert abs(gw - rw) <= 1e-7 * scale and abs(gb - rb) <= 1e-7 * scale


def test_gradient_on_the_fixed_point_is_a_geometric_sum():
    """At b = b_c(5) every x_t = 0.5, so ∂x_T/∂b = Σ a^k and ∂x_T/∂w = σ(0.5) Σ a^k with a = 5 σ'(0.5)."""
    s = sig(0.5)
    b_c = 0.5 - 5.0 * s
    a = 5.0 * s * (1.0 - s)
    geometric = (a ** T - 1.0) / (a - 1.0)
    dE_dx = 2.0 * (s - TARGET) * s * (1.0 - s)
    e, gw, gb = sim.cliff_loss_and_grad(5.0, b_c)
    assert e == pytest.approx((s - TARGET) ** 2, rel=1e-9)
    assert gb == pytest.approx(dE_dx * geometric, rel=1e-6)
    assert gw == pytest.approx(dE_dx * s * geometric, rel=1e-6)


def test_grid_equals_scalar_calls():
    w = np.linspace(1.0, 8.0, 17)
    b = np.concatenate([np.linspace(-6.0, 0.0, 12), [sim.cliff_wall(5.0).b_c]])  # one row through the wall
    E, gw, gb = sim.cliff_loss_and_grad(w[None, :], b[:, None])
    assert E.shape == gw.shape == gb.shape == (13, 17)
    for i, bi in enumerate(b):
        for j, wj in enumerate(w):
            one = sim.cliff_loss_and_grad(float(wj), float(bi))
            assert isinstance(one[0], float)
            np.testing.assert_array_equal([E[i, j], gw[i, j], gb[i, j]], one)  # bit for bit
    g = sim.cliff_grid((1.0, 8.0), (-6.0, 0.0), 17)
    assert g.loss.shape == (17, 17)
    np.testing.assert_array_equal(g.grad_norm, np.hypot(g.dE_dw, g.dE_db))


def test_broadcasting_shapes():
    e, _, _ = sim.cliff_loss_and_grad(np.array([4.0, 5.0, 6.0]), -2.0)
    assert e.shape == (3,)
    e, gw, _ = sim.cliff_loss_and_grad(np.ones((2, 1)) * 5.0, np.linspace(-3, -2, 4))
    assert e.shape == gw.shape == (2, 4)


EXTREMES = [(1000.0, -500.0), (-1000.0, 500.0), (1e308, 1e308), (-1e308, 1e308), (1e308, -1e308),
            (2.0 ** 40, 0.5 - 2.0 ** 40 * sig(0.5)), (1e6, 0.5 - 1e6 * sig(0.5)), (0.0, 0.0), (5e-324, -5e-324),
            (1e-300, 1e300)]


@pytest.mark.parametrize(("w", "b"), EXTREMES)
def test_finite_and_warning_free_for_extreme_parameters(w, b):
    with np.errstate(all="raise"):
        scalar = sim.cliff_loss_and_grad(w, b)
        array = sim.cliff_loss_and_grad(np.array([w, w]), np.array([b, b]))
    assert all(math.isfinite(v) for v in scalar)
    assert all(np.all(np.isfinite(v)) for v in array)
    np.testing.assert_array_equal(np.array(array)[:, 0], np.array(scalar))


def test_large_w_sensitivities_that_would_overflow_plainly_stay_finite():
    """At w = 2⁴⁰ on the fixed point the plain product (w σ'(0.5))⁵⁰ is ~10⁵⁷⁰: it saturates instead of overflowing."""
    w = 2.0 ** 40
    with np.errstate(all="raise"):
        _, gw, gb = sim.cliff_loss_and_grad(w, 0.5 - w * sig(0.5))
    assert math.isfinite(gw) and math.isfinite(gb)
    assert abs(gb) > 1e300  # huge, as it should be, but a double


@given(st.floats(-1e308, 1e308), st.floats(-1e308, 1e308))
@settings(max_examples=150, deadline=None)
def test_any_finite_parameters_give_finite_results_without_warnings(w, b):
    with np.errstate(all="raise"):
        out = sim.cliff_loss_and_grad(w, b)
        grid = sim.cliff_loss_and_grad(np.array([w, -w]), np.array([[b], [-b]]))
    assert all(math.isfinite(v) for v in out)
    assert all(np.all(np.isfinite(v)) for v in grid)
    assert 0.0 <= out[0] <= 1.0


def test_invalid_arguments_raise_value_error():
    for kwargs in ({"steps": 0}, {"steps": 10_000}, {"target": 1.5}, {"x0": float("nan")}):
        with pytest.raises(ValueError):
            sim.cliff_loss_and_grad(5.0, -2.0, **kwargs)
    with pytest.raises(ValueError, match="w"):
        sim.cliff_loss_and_grad(float("nan"), -2.0)
    with pytest.raises(ValueError, match="b"):
        sim.cliff_loss_and_grad(5.0, np.array([0.0, np.inf]))


def test_states_follow_the_recurrence():
    x = sim.cliff_states(5.0, np.array([-2.0, -3.0]))
    assert x.shape == (T + 1, 2)
    np.testing.assert_allclose(x[:, 0], states(5.0, -2.0), rtol=1e-12)
    np.testing.assert_allclose(x[:, 1], states(5.0, -3.0), rtol=1e-12)


# ---------------------------------------------------------------------------
# the wall and the fixed points


def test_wall_closed_form_at_w_5():
    wall = sim.cliff_wall(5.0)
    s = sig(0.5)
    assert wall.b_c == pytest.approx(0.5 - 5.0 * s, rel=1e-15)
    assert wall.multiplier == pytest.approx(5.0 * s * (1.0 - s), rel=1e-15)
    assert round(wall.multiplier, 3) == 1.175
    assert wall.log_amplification == pytest.approx(50 * math.log(5.0 * s * (1.0 - s)))
    assert 3000 < math.exp(wall.log_amplification) < 3300  # "about 3,200×"
    assert wall.is_wall
    assert not sim.cliff_wall(4.0).is_wall  # 4 σ'(0.5) = 0.94 < 1


def test_start_on_b_c_stays_at_the_fixed_point_and_sides_go_different_ways():
    b_c = sim.cliff_wall(5.0).b_c
    assert max(abs(x - 0.5) for x in states(5.0, b_c)[:20]) < 1e-9
    above, below = states(5.0, b_c + 1e-3)[-1], states(5.0, b_c - 1e-3)[-1]
    assert above > 1.0 and below < -1.0  # upper and lower stable branches
    E_above, E_below = loss(5.0, b_c + 0.01), loss(5.0, b_c - 0.01)
    assert E_below > 20 * E_above  # the jump across the wall


def test_fixed_point_curve_is_exact_and_classified():
    c = sim.cliff_fixed_point_curve(5.0, (-8.0, 12.0), 801)
    np.testing.assert_allclose(5.0 * (1.0 / (1.0 + np.exp(-c.x))) + c.b, c.x, atol=1e-12)
    slope = np.exp(-c.x) / (1.0 + np.exp(-c.x)) ** 2
    np.testing.assert_array_equal(c.stable, np.abs(5.0 * slope) < 1.0)
    assert sorted(set(c.branch.tolist())) == [0, 1, 2]
    assert not c.stable[c.branch == 1].any() and c.stable[c.branch != 1].all()
    # x = 0.5 lies on the unstable branch, at b = b_c
    i = int(np.argmin(np.abs(c.x - 0.5)))
    assert c.branch[i] == 1
    one = sim.cliff_fixed_point_curve(3.0)
    assert one.stable.all() and set(one.branch.tolist()) == {0}


# ---------------------------------------------------------------------------
# clipping


def test_clip_by_norm_keeps_direction_and_bounds_norm():
    g = np.array([30.0, -40.0])
    c = sim.clip_by_norm(g, 5.0)
    assert np.linalg.norm(c) == pytest.approx(5.0)
    assert np.dot(c, g) / (np.linalg.norm(c) * np.linalg.norm(g)) == pytest.approx(1.0)
    np.testing.assert_array_equal(sim.clip_by_norm([0.3, 0.4], 0.5), [0.3, 0.4])
    np.testing.assert_array_equal(sim.clip_by_norm([0.0, 0.0], 1.0), [0.0, 0.0])


def test_clip_by_norm_handles_huge_entries_without_overflow():
    with np.errstate(all="raise"):
        np.testing.assert_allclose(sim.clip_by_norm([3e200, 4e200], 10.0), [6.0, 8.0])
        np.testing.assert_allclose(sim.clip_by_norm([1.7e308, -1.7e308], 2.0), [math.sqrt(2), -math.sqrt(2)])
        np.testing.assert_array_equal(sim.clip_by_norm([1e-300, 0.0], 1.0), [1e-300, 0.0])


def test_clip_rejects_non_positive_thresholds():
    for tau in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="threshold"):
            sim.clip_by_norm([1.0, 2.0], tau)
        with pytest.raises(ValueError, match="threshold"):
            sim.clip_by_value([1.0, 2.0], tau)


def test_clip_by_value_is_elementwise():
    np.testing.assert_array_equal(sim.clip_by_value([3.0, -0.5, -40.0], 1.0), [1.0, -0.5, -1.0])


VECTORS = st.lists(st.floats(-1e250, 1e250), min_size=1, max_size=6)
THRESHOLDS = st.floats(1e-6, 1e6)


@given(VECTORS, THRESHOLDS)
@settings(max_examples=200, deadline=None)
def test_property_clip_by_norm(entries, tau):
    g = np.array(entries)
    with np.errstate(all="raise"):
        c = sim.clip_by_norm(g, tau)
    scale = np.max(np.abs(g))
    norm = scale * np.linalg.norm(g / scale) if scale > 0 else 0.0
    if norm <= tau:
        np.testing.assert_array_equal(c, g)  # small gradients untouched
    else:
        assert np.linalg.norm(c) == pytest.approx(tau, rel=1e-12)  # bounded to exactly τ
        unit_g = (g / scale) / np.linalg.norm(g / scale)
        np.testing.assert_allclose(c / tau, unit_g, rtol=1e-9, atol=1e-15)  # same direction
    assert np.linalg.norm(c) <= tau * (1 + 1e-12) or np.array_equal(c, g)


@given(VECTORS, THRESHOLDS)
@settings(max_examples=200, deadline=None)
def test_property_clip_by_value(entries, tau):
    g = np.array(entries)
    c = sim.clip_by_value(g, tau)
    assert np.all(np.abs(c) <= tau)
    np.testing.assert_array_equal(c, np.minimum(np.maximum(g, -tau), tau))
    small = np.abs(g) <= tau
    np.testing.assert_array_equal(c[small], g[small])


# ---------------------------------------------------------------------------
# gradient descent


def test_unclipped_sgd_is_plain_gradient_descent():
    run = sim.cliff_sgd(3.0, -2.0, lr=0.3, iterations=5)
    w, b = 3.0, -2.0
    for k in range(5):
        _, gw, gb = bptt(w, b)
        w, b = w - 0.3 * gw, b - 0.3 * gb
        assert run.w[k + 1] == pytest.approx(w, rel=1e-9) and run.b[k + 1] == pytest.approx(b, rel=1e-9)
    assert not run.clipped.any()


@pytest.mark.parametrize("clip", ["norm", "value"])
def test_clipped_steps_are_bounded(clip):
    run = sim.cliff_sgd(5.0, -2.6103, lr=0.02, iterations=100, clip=clip, threshold=1.0)
    bound = 0.02 * 1.0 * (1.0 if clip == "norm" else math.sqrt(2.0))
    assert run.step_length.max() <= bound * (1 + 1e-12)
    assert run.clipped.any()
    assert run.grad_norm.max() > 100  # it did reach the wall


def _side(w: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sign(b - (0.5 - w * sig(0.5)))


def test_documented_run_thrown_across_the_wall_unclipped_stays_near_when_clipped():
    """Start (w, b) = (4.5, −2.25), η = 0.1, 200 iterations (the page's "saved" scenario).

    Unclipped, the third step lands just past the wall line b = b_c(w) and the fourth, with ‖∇E‖ ≈ 60,
    throws (w, b) more than 5 units away onto the plateau where E ≈ 0.09 and ‖∇E‖ ≈ 0: training is
    undone. Clipped by norm to τ = 0.1, every iterate stays on the start's side of b_c(w), with
    w σ'(0.5) > 1 (a real wall there), and the loss ends below 10⁻³.
    """
    plain = sim.cliff_sgd(4.5, -2.25, lr=0.1, iterations=200)
    clipped = sim.cliff_sgd(4.5, -2.25, lr=0.1, iterations=200, clip="norm", threshold=0.1)
    side = _side(plain.w, plain.b)
    assert (side != side[0]).any()
    k = int(np.argmax(plain.step_length))
    assert plain.step_length[k] > 5.0 and plain.grad_norm[k] > 50.0
    assert plain.loss[-1] > 0.08 and plain.grad_norm[-1] < 1e-3
    near = _side(clipped.w, clipped.b)
    assert (near == near[0]).all()
    assert all(sim.cliff_wall(float(w)).is_wall for w in clipped.w)
    assert clipped.loss[-1] < 1e-3
    assert clipped.step_length.max() <= 0.1 * 0.1 * (1 + 1e-12)


def test_sgd_validates_its_arguments():
    with pytest.raises(ValueError, match="clip"):
        sim.cliff_sgd(1.0, 0.0, lr=0.1, iterations=3, clip="sometimes")
    with pytest.raises(ValueError, match="lr"):
        sim.cliff_sgd(1.0, 0.0, lr=0.0, iterations=3)
    with pytest.raises(ValueError, match="iterations"):
        sim.cliff_sgd(1.0, 0.0, lr=0.1, iterations=sim.MAX_SGD_ITERATIONS + 1)


def test_sgd_from_an_extreme_start_stays_finite():
    with np.errstate(all="raise"):
        run = sim.cliff_sgd(2.0 ** 40, 0.5 - 2.0 ** 40 * sig(0.5), lr=1000.0, iterations=3)
    assert np.all(np.isfinite(run.w)) and np.all(np.isfinite(run.b)) and np.all(np.isfinite(run.step_length))
