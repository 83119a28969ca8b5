import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from explorer import sim
from explorer.sim import _deep as deep
from tests.sim.scenario_runs import JACOBIAN_SCENARIOS, deep_gradients, scenario_values

SMOOTH = ("sigmoid", "tanh", "gelu", "identity")
KINKED = ("relu", "leaky_relu")


# --------------------------------------------------------------------------- reference network
# A plain, independent forward pass in Nielsen's notation, used only for small cases.


def _plain_f(name: str, z: np.ndarray) -> np.ndarray:
    return {
        "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)),
        "tanh": np.tanh,
        "gelu": lambda v: v * special.ndtr(v),
        "identity": lambda v: v,
        "relu": lambda v: np.maximum(v, 0.0),
        "leaky_relu": lambda v: np.where(v > 0, v, 0.01 * v),
    }[name](z)


def _forward(net, name: str, biases=None):
    biases = net.biases if biases is None else biases
    a = net.x
    zs = []
    for w, b in zip(net.weights, biases, strict=True):
        z = w @ a + b
        zs.append(z)
        a = _plain_f(name, z)
    return a, zs


def _cost(net, name: str, biases) -> float:
    a, _ = _forward(net, name, biases)
    return 0.5 * float(np.sum((a - net.y) ** 2))


def _finite_difference_bias_gradient(net, name: str, layer: int, h: float = 1e-6) -> np.ndarray:
    grad = np.empty(net.width)
    for j in range(net.width):
        plus = np.array(net.biases)
        minus = np.array(net.biases)
        plus[layer, j] += h
        minus[layer, j] -= h
        grad[j] = (_cost(net, name, plus) - _cost(net, name, minus)) / (2 * h)
    return grad


def _bias_gradients(g) -> np.ndarray:
    return g.delta_norms[:, None] * g.delta_directions


# --------------------------------------------------------------------------- backprop correctness


@pytest.mark.parametrize("name", SMOOTH)
@pytest.mark.parametrize("init", ["gaussian", "he", "orthogonal"])
@pytest.mark.parametrize(("depth", "width", "seed"), [(3, 3, 0), (4, 5, 1), (5, 6, 2)])
def test_bias_gradient_matches_central_differences(name, init, depth, width, seed):
    kwargs = dict(sigma_w=1.3, sigma_b=0.4, init=init, seed=seed)
    g = sim.deep_network_gradients(depth, width, name, **kwargs)
    net = sim.build_network(depth, width, **kwargs)
    delta = _bias_gradients(g)
    for layer in range(depth):
        fd = _finite_difference_bias_gradient(net, name, layer)
        scale = max(1.0, float(np.max(np.abs(fd))))
        np.testing.assert_allclose(delta[layer], fd, rtol=1e-6, atol=1e-7 * scale)


@pytest.mark.parametrize("name", KINKED)
@pytest.mark.parametrize("init", ["gaussian", "orthogonal"])
def test_bias_gradient_matches_central_differences_away_from_kinks(name, init):
    depth, width = 4, 5
    checked = 0
    for seed in range(40):
        kwargs = dict(sigma_w=1.5, sigma_b=0.5, init=init, seed=seed)
        net = sim.build_network(depth, width, **kwargs)
        _, zs = _forward(net, name)
        if min(float(np.min(np.abs(z))) for z in zs) < 1e-3:
            continue  # a pre-activation too close to the kink for a clean difference
        g = sim.deep_network_gradients(depth, width, name, **kwargs)
        delta = _bias_gradients(g)
        for layer in range(depth):
            fd = _finite_difference_bias_gradient(net, name, layer)
            np.testing.assert_allclose(delta[layer], fd, rtol=1e-6, atol=1e-8)
        checked += 1
        if checked == 3:
            break
    assert checked == 3


def test_output_error_and_weight_norms_match_plain_computation():
    net = sim.build_network(6, 7, sigma_w=1.7, sigma_b=0.3, init="gaussian", seed=5)
    g = sim.network_gradients(net, "gelu")
    a_last, _ = _forward(net, "gelu")
    assert g.log_output_error == pytest.approx(math.log(np.linalg.norm(a_last - net.y)), abs=1e-12)
    exact = np.log([np.linalg.norm(w, 2) for w in net.weights])
    np.testing.assert_allclose(g.log_weight_norms, exact, atol=1e-12)


@pytest.mark.parametrize("init", sim.INIT_SCHEMES)
def test_streamed_and_materialised_networks_agree(init):
    kwargs = dict(sigma_w=0.9, sigma_b=0.2, init=init, seed=11)
    streamed = sim.deep_network_gradients(7, 9, "tanh", **kwargs)
    dense = sim.network_gradients(sim.build_network(7, 9, **kwargs), "tanh")
    np.testing.assert_allclose(streamed.log_delta_norms, dense.log_delta_norms, atol=1e-12)
    np.testing.assert_allclose(streamed.log_bound, dense.log_bound, atol=1e-12)
    np.testing.assert_allclose(streamed.delta_directions, dense.delta_directions, atol=1e-12)


def test_regenerated_layers_give_the_same_gradients(monkeypatch):
    kwargs = dict(sigma_w=1.1, sigma_b=0.1, seed=3)
    for init in ("gaussian", "orthogonal"):
        stored = sim.deep_network_gradients(6, 12, "sigmoid", init=init, **kwargs)
        monkeypatch.setattr(deep, "_MAX_STORED_FLOATS", 0)
        regenerated = sim.deep_network_gradients(6, 12, "sigmoid", init=init, **kwargs)
        monkeypatch.undo()
        np.testing.assert_array_equal(stored.log_delta_norms, regenerated.log_delta_norms)


# --------------------------------------------------------------------------- the bound


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sim.ACTIVATIONS),
    init=st.sampled_from(sim.INIT_SCHEMES),
    log_sigma_w=st.floats(math.log(0.05), math.log(20.0)),
    sigma_b=st.floats(0.0, 2.0),
    depth=st.integers(1, 8),
    width=st.integers(1, 8),
    seed=st.integers(0, 2**32 - 1),
)
def test_bound_dominates_measured_norm(name, init, log_sigma_w, sigma_b, depth, width, seed):
    g = sim.deep_network_gradients(
        depth, width, name, sigma_w=math.exp(log_sigma_w), sigma_b=sigma_b, init=init, seed=seed
    )
    assert np.all(g.log_delta_norms <= g.log_bound + 1e-9)
    assert np.all(g.delta_norms <= g.bound * (1 + 1e-9))


def test_bound_matches_its_formula():
    net = sim.build_network(5, 6, sigma_w=2.0, sigma_b=0.5, seed=4)
    g = sim.network_gradients(net, "sigmoid")
    a_last, _ = _forward(net, "sigmoid")
    err = np.linalg.norm(a_last - net.y)
    norms = [np.linalg.norm(w, 2) for w in net.weights]
    for layer in range(1, 6):
        expected = 0.25 ** (5 - layer + 1) * np.prod(norms[layer:]) * err
        assert g.bound[layer - 1] == pytest.approx(expected, rel=1e-10)


def test_wide_layer_norms_are_certified_upper_bounds():
    # width >= 256 takes the Lanczos + Cholesky path
    kwargs = dict(sigma_w=1.0, init="he", seed=7)
    g = sim.deep_network_gradients(2, 300, "relu", **kwargs)
    net = sim.build_network(2, 300, **kwargs)
    exact = np.log([np.linalg.norm(w, 2) for w in net.weights])
    assert np.all(g.log_weight_norms >= exact - 1e-13)
    assert np.all(g.log_weight_norms <= exact + 1e-9)


# --------------------------------------------------------------------------- closed forms


@settings(max_examples=25, deadline=None)
@given(
    log_sigma_w=st.floats(math.log(0.2), math.log(5.0)),
    depth=st.integers(1, 12),
    width=st.integers(1, 10),
    seed=st.integers(0, 2**32 - 1),
)
def test_identity_orthogonal_gradient_scales_exactly_and_bound_is_tight(log_sigma_w, depth, width, seed):
    sigma_w = math.exp(log_sigma_w)
    kwargs = dict(sigma_w=sigma_w, sigma_b=0.3, init="orthogonal", seed=seed)
    g = sim.deep_network_gradients(depth, width, "identity", **kwargs)
    net = sim.build_network(depth, width, **kwargs)
    a_last, _ = _forward(net, "identity")
    log_err = math.log(np.linalg.norm(a_last - net.y))
    expected = log_err + (depth - np.arange(1, depth + 1)) * math.log(sigma_w)
    np.testing.assert_allclose(g.log_delta_norms, expected, atol=1e-9)
    np.testing.assert_allclose(g.log_bound, g.log_delta_norms, atol=1e-9)


@pytest.mark.parametrize("sigma_w", [10.0, 0.01])
def test_identity_orthogonal_depth_200_matches_closed_form_in_log_domain(sigma_w):
    depth, width = 200, 8
    g = sim.deep_network_gradients(depth, width, "identity", sigma_w=sigma_w, init="orthogonal", seed=2)
    data = sim.build_network(1, width, sigma_w=sigma_w, init="orthogonal", seed=2)  # same x, y
    # ||a^L|| = sigma_w^L ||x||; the target is negligible (10^+-200 relative) at either extreme.
    if sigma_w > 1:
        log_err = depth * math.log(sigma_w) + math.log(np.linalg.norm(data.x))
    else:
        log_err = math.log(np.linalg.norm(data.y))
    assert g.log_output_error == pytest.approx(log_err, abs=1e-9)
    expected = log_err + (depth - np.arange(1, depth + 1)) * math.log(sigma_w)
    np.testing.assert_allclose(g.log_delta_norms, expected, atol=1e-8)


def test_linear_gaussian_depth_200_grows_at_the_lyapunov_rate():
    # For v -> W v with W_ij ~ N(0, s^2/n), E ln(||W v|| / ||v||) = ln s + (psi(n/2) - ln(n/2)) / 2,
    # and the per-layer log increments are independent (rotation invariance) with variance
    # psi'(n/2) / 4.
    depth, width, sigma_w = 200, 16, 10.0
    g = sim.deep_network_gradients(depth, width, "identity", sigma_w=sigma_w, seed=0)
    rate = math.log(sigma_w) + 0.5 * (special.digamma(width / 2) - math.log(width / 2))
    sd = math.sqrt((depth - 1) * special.polygamma(1, width / 2) / 4)
    growth = g.log_delta_norms[0] - g.log_delta_norms[-1]
    assert abs(growth - (depth - 1) * rate) < 5 * sd
    assert growth > 400  # a factor above 10^173 on top of ||a^L - y|| ~ 10^196


@pytest.mark.parametrize("name", sim.ACTIVATIONS)
@pytest.mark.parametrize("init", ["gaussian", "orthogonal"])
@pytest.mark.parametrize("sigma_w", [10.0, 0.01])
def test_extreme_settings_give_finite_logs_without_warnings(name, init, sigma_w):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            g = sim.deep_network_gradients(200, 32, name, sigma_w=sigma_w, init=init, seed=1)
            _ = (g.delta_norms, g.bound)
    for field in ("log_delta_norms", "log_bound", "log_weight_norms", "log_activation_norms"):
        assert np.all(np.isfinite(getattr(g, field))), field
    assert math.isfinite(g.log_output_error)
    assert np.all(g.log_delta_norms <= g.log_bound + 1e-9)
    assert not np.any(np.isnan(g.delta_norms))


def test_sigmoid_bound_shrinks_by_a_quarter_of_the_weight_norm_per_layer():
    g = sim.deep_network_gradients(12, 20, "sigmoid", sigma_w=1.0, seed=0)
    steps = np.diff(g.log_bound)  # log_bound[l] - log_bound[l-1]
    expected = -(math.log(0.25) + g.log_weight_norms[1:])
    np.testing.assert_allclose(steps, expected, atol=1e-12)


# --------------------------------------------------------------------------- initialisation


@pytest.mark.parametrize("init", sim.INIT_SCHEMES)
@pytest.mark.parametrize("sigma_w", [0.5, 2.0])
def test_weight_variance_follows_the_scheme(init, sigma_w):
    width = 256
    net = sim.build_network(4, width, sigma_w=sigma_w, init=init, seed=9)
    fan_in = fan_out = width
    formula = {
        "gaussian": sigma_w**2 / fan_in,
        "xavier": sigma_w**2 * 2.0 / (fan_in + fan_out),
        "he": sigma_w**2 * 2.0 / fan_in,
        "orthogonal": sigma_w**2 / fan_in,
    }[init]
    assert sim.init_weight_std(init, width, sigma_w) ** 2 == pytest.approx(formula, rel=1e-12)
    assert float(np.mean(net.weights**2)) == pytest.approx(formula, rel=0.01)
    assert abs(float(np.mean(net.weights))) < 0.01 * math.sqrt(formula)


def test_xavier_coincides_with_gaussian_and_he_is_sqrt2_larger_for_square_layers():
    gaussian = sim.build_network(3, 10, sigma_w=1.5, init="gaussian", seed=4)
    xavier = sim.build_network(3, 10, sigma_w=1.5, init="xavier", seed=4)
    he = sim.build_network(3, 10, sigma_w=1.5, init="he", seed=4)
    np.testing.assert_allclose(xavier.weights, gaussian.weights, rtol=1e-15)
    np.testing.assert_allclose(he.weights, math.sqrt(2.0) * gaussian.weights, rtol=1e-14)


@pytest.mark.parametrize("width", [1, 2, 5, 64, 65, 130])
def test_orthogonal_weights_are_sigma_w_times_orthogonal(width):
    net = sim.build_network(2, width, sigma_w=3.0, init="orthogonal", seed=width)
    for w in net.weights:
        np.testing.assert_allclose(w @ w.T, 9.0 * np.eye(width), atol=1e-12)
    g = sim.deep_network_gradients(2, width, "tanh", sigma_w=3.0, init="orthogonal", seed=width)
    np.testing.assert_allclose(g.log_weight_norms, math.log(3.0), atol=0)


@pytest.mark.parametrize("n", [2, 3, 5, 16, 128])
@pytest.mark.parametrize("seed", [0, 1, 9999])
def test_orthogonal_matrix_is_scipys_ortho_group_draw_for_the_same_seed(n, seed):
    # explorer.sim writes SciPy's sampler out to spare every process scipy.stats; a seed in an
    # old link must still give the matrix it gave when SciPy drew it.
    ours = sim.orthogonal_matrix(n, seed=seed)
    ref = stats.ortho_group.rvs(n, random_state=np.random.default_rng(seed))
    np.testing.assert_array_equal(ours, ref)
    np.testing.assert_allclose(ours @ ours.T, np.eye(n), atol=1e-12)


def test_orthogonal_weights_are_haar_distributed():
    # Trace of a Haar orthogonal 4x4 matrix, compared with SciPy's ortho_group sampler.
    n, count = 4, 1500
    ours = [np.trace(sim.build_network(1, n, sigma_w=1.0, init="orthogonal", seed=s).weights[0])
            for s in range(count)]
    ref = stats.ortho_group.rvs(n, size=count, random_state=np.random.default_rng(12345))
    assert stats.ks_2samp(ours, np.trace(ref, axis1=1, axis2=2)).pvalue > 1e-3
    q11 = [sim.build_network(1, n, sigma_w=1.0, init="orthogonal", seed=s).weights[0][0, 0]
           for s in range(count)]
    # Q_11^2 ~ Beta(1/2, (n-1)/2) for Haar measure.
    assert stats.kstest(np.square(q11), stats.beta(0.5, (n - 1) / 2).cdf).pvalue > 1e-3


def test_seed_fixes_the_network_and_depth_keeps_earlier_layers():
    short = sim.build_network(3, 6, sigma_w=1.0, sigma_b=0.5, seed=8)
    long = sim.build_network(5, 6, sigma_w=1.0, sigma_b=0.5, seed=8)
    no_bias = sim.build_network(5, 6, sigma_w=1.0, sigma_b=0.0, seed=8)
    other = sim.build_network(3, 6, sigma_w=1.0, sigma_b=0.5, seed=9)
    np.testing.assert_array_equal(short.weights, long.weights[:3])
    np.testing.assert_array_equal(short.biases, long.biases[:3])
    np.testing.assert_array_equal(long.weights, no_bias.weights)
    np.testing.assert_array_equal(short.x, long.x)
    assert not np.allclose(short.x, other.x)
    assert not np.allclose(short.weights, other.weights)
    assert np.all((short.y >= 0) & (short.y < 1))


# --------------------------------------------------------------------------- fields and errors


def test_fields_have_one_entry_per_layer_and_are_read_only():
    g = sim.deep_network_gradients(9, 7, "gelu", sigma_w=1.0, seed=0)
    for field in ("delta_norms", "bound", "log_delta_norms", "log_bound", "log_weight_norms",
                  "mean_abs_dsigma", "log_activation_norms", "layers"):
        arr = getattr(g, field)
        assert arr.shape == (9,), field
        with pytest.raises(ValueError):
            arr[0] = 0
    assert g.delta_directions.shape == (9, 7)
    np.testing.assert_array_equal(g.layers, np.arange(1, 10))
    np.testing.assert_allclose(np.linalg.norm(g.delta_directions, axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(g.delta_norms, np.exp(g.log_delta_norms), rtol=1e-15)
    assert (g.depth, g.width, g.activation, g.init, g.sigma_w) == (9, 7, "gelu", "gaussian", 1.0)
    assert g.gamma == sim.activation("gelu").gamma
    assert np.all((g.mean_abs_dsigma >= 0) & (g.mean_abs_dsigma <= g.gamma + 1e-12))


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        (dict(init="kaiming"), "init"),
        (dict(depth=0), "depth"),
        (dict(depth=sim.MAX_DEPTH + 1), "depth"),
        (dict(depth=2.5), "depth"),
        (dict(depth=True), "depth"),
        (dict(width=0), "width"),
        (dict(width=sim.MAX_WIDTH + 1), "width"),
        (dict(activation="softsign"), "activation"),
        (dict(sigma_w=0.0), "sigma_w"),
        (dict(sigma_w=-1.0), "sigma_w"),
        (dict(sigma_w=math.inf), "sigma_w"),
        (dict(sigma_w=math.nan), "sigma_w"),
        (dict(sigma_w=sim.MAX_SIGMA_W * 2), "sigma_w"),
        (dict(sigma_w="big"), "sigma_w"),
        (dict(sigma_b=-0.1), "sigma_b"),
        (dict(sigma_b=math.nan), "sigma_b"),
        (dict(seed=-1), "seed"),
        (dict(seed=1.5), "seed"),
    ],
)
def test_bad_arguments_raise_value_error_naming_the_argument(kwargs, argument):
    call = dict(depth=3, width=4, activation="tanh", sigma_w=1.0)
    call.update(kwargs)
    depth, width, name = call.pop("depth"), call.pop("width"), call.pop("activation")
    with pytest.raises(ValueError, match=argument):
        sim.deep_network_gradients(depth, width, name, **call)


def test_unknown_init_lists_valid_schemes():
    with pytest.raises(ValueError) as err:
        sim.deep_network_gradients(3, 4, "tanh", sigma_w=1.0, init="lecun")
    for name in sim.INIT_SCHEMES:
        assert name in str(err.value)


def test_build_network_refuses_to_materialise_huge_networks():
    with pytest.raises(ValueError, match="depth"):
        sim.build_network(sim.MAX_DEPTH, sim.MAX_WIDTH, sigma_w=1.0)


# --------------------------------------------------------------------------- teaching examples

# The page's deep scenarios, plus networks the page reaches with its controls, as
# (depth, width, activation, sigma_w, init). The scenarios are read from the page.
DEEP_SCENARIOS = [s.key for s in JACOBIAN_SCENARIOS if s.values["view"] == "deep"]
EXTRA_NETWORKS = {
    "relu_gaussian": (30, 128, "relu", 1.0, "gaussian"),
    "tanh_xavier": (30, 128, "tanh", 1.0, "xavier"),
    "tanh_exploding": (30, 128, "tanh", 3.0, "gaussian"),
    "linear_orthogonal": (30, 128, "identity", 1.0, "orthogonal"),
}


def _network(name, seed=0):
    if name in EXTRA_NETWORKS:
        depth, width, act, sigma_w, init = EXTRA_NETWORKS[name]
        return sim.deep_network_gradients(depth, width, act, sigma_w=sigma_w, init=init, seed=seed)
    return deep_gradients(name, seed=seed)


def test_deep_scenarios_are_valid_networks():
    assert set(DEEP_SCENARIOS) >= {"deep_sigmoid", "deep_relu_he", "deep_tanh_orthogonal"}
    for key in DEEP_SCENARIOS:
        v = scenario_values(JACOBIAN_SCENARIOS, key)
        assert v["d_act"] in sim.ACTIVATIONS and v["d_init"] in sim.INIT_SCHEMES
        assert 1 <= v["d_depth"] <= sim.MAX_DEPTH and 1 <= v["d_width"] <= sim.MAX_WIDTH
        assert deep_gradients(key).depth == v["d_depth"]


def _log_rate_towards_input(g) -> float:
    """Average ln(||delta^l|| / ||delta^{l+1}||) over the layers."""
    return float(g.log_delta_norms[0] - g.log_delta_norms[-1]) / (g.depth - 1)


def test_teaching_examples_show_what_their_notes_claim():
    seed = 1  # not the scenarios' own seed, so the claims are not tuned to one draw

    def run(name):
        return _network(name, seed)

    sigmoid = run("deep_sigmoid")
    assert np.all(np.diff(sigmoid.log_bound) > -math.log(0.55))  # bound at least halves per layer
    assert _log_rate_towards_input(sigmoid) < math.log(0.3)
    assert _log_rate_towards_input(run("relu_gaussian")) == pytest.approx(-0.5 * math.log(2), abs=0.08)
    assert abs(_log_rate_towards_input(run("deep_relu_he"))) < 0.08
    tanh_xavier = run("tanh_xavier")
    assert math.log(0.85) < _log_rate_towards_input(tanh_xavier) < 0
    assert tanh_xavier.log_bound[0] - tanh_xavier.log_delta_norms[0] > 20 * math.log(2)
    exploding = run("tanh_exploding")
    assert _log_rate_towards_input(exploding) > math.log(1.15)
    assert np.mean(exploding.mean_abs_dsigma) < 0.5
    linear = run("linear_orthogonal")
    np.testing.assert_allclose(linear.log_delta_norms, linear.log_bound, atol=1e-9)
    tanh_orth = run("deep_tanh_orthogonal")
    np.testing.assert_allclose(tanh_orth.log_bound, tanh_orth.log_output_error, atol=1e-12)
    assert tanh_orth.log_bound[0] - tanh_orth.log_delta_norms[0] < 0.25 * (
        tanh_xavier.log_bound[0] - tanh_xavier.log_delta_norms[0]
    )


# --------------------------------------------------------------------------- summary


def test_summary_reads_each_teaching_example_right():
    V, E, N = sim.Regime.VANISHES, sim.Regime.EXPLODES, sim.Regime.NEUTRAL
    expected = {"deep_sigmoid": (V, True), "relu_gaussian": (V, False), "deep_relu_he": (N, False),
                "tanh_xavier": (V, False), "tanh_exploding": (E, False), "linear_orthogonal": (N, False),
                "deep_tanh_orthogonal": (V, False)}
    for name, (regime, guaranteed) in expected.items():
        g = _network(name)
        s = sim.deep_gradient_summary(g)
        assert s.regime is regime and s.guaranteed is guaranteed, name
        assert s.max_excess <= 1e-9, name
        assert s.log_rate <= s.log_bound_rate + 1e-9, name
        assert s.log_span == pytest.approx(g.log_delta_norms[0] - g.log_delta_norms[-1])
        assert s.log_rate == pytest.approx(s.log_span / (g.depth - 1))


def test_summary_rates_match_the_bound_formula():
    g = sim.deep_network_gradients(12, 20, "tanh", sigma_w=1.7, seed=4)
    s = sim.deep_gradient_summary(g)
    per_layer = math.log(g.gamma) + np.asarray(g.log_weight_norms[1:])
    assert s.log_bound_rate == pytest.approx(per_layer.mean(), abs=1e-12)
    assert s.max_layer_factor == pytest.approx(np.exp(per_layer.max()))
    assert s.mean_abs_dsigma == pytest.approx(np.mean(g.mean_abs_dsigma))


def test_summary_of_linear_orthogonal_network_attains_the_bound():
    s = sim.deep_gradient_summary(sim.deep_network_gradients(40, 16, "identity", sigma_w=1.0, init="orthogonal"))
    assert s.regime is sim.Regime.NEUTRAL and abs(s.log_rate - s.log_bound_rate) < 1e-12


def test_summary_counts_exactly_zero_gradients():
    g = sim.deep_network_gradients(4, 1, "relu", sigma_w=1.0, seed=0)  # the single unit is off
    s = sim.deep_gradient_summary(g)
    assert s.zero_layers == 4 and s.regime is sim.Regime.ZERO and s.log_span == -math.inf


def test_summary_of_one_layer_has_no_rate():
    s = sim.deep_gradient_summary(sim.deep_network_gradients(1, 4, "tanh", sigma_w=1.0))
    assert math.isnan(s.log_rate) and s.regime is sim.Regime.NEUTRAL and not s.guaranteed
    with pytest.raises(ValueError, match="DeepGradients"):
        sim.deep_gradient_summary("nope")


@pytest.mark.parametrize("init", ["gaussian", "orthogonal"])
def test_wide_layers_norms_on_worker_threads_match_the_serial_pass(monkeypatch, init):
    """Width >= 128 computes layer norms on threads; the result is identical to one thread."""
    args = dict(depth=9, width=160, activation="tanh", sigma_w=1.3, sigma_b=0.2, init=init, seed=4)
    assert args["width"] >= deep._PARALLEL_NORM_WIDTH
    threaded = sim.deep_network_gradients(**args)
    monkeypatch.setattr(deep, "_PARALLEL_NORM_WIDTH", 10**9)
    serial = sim.deep_network_gradients(**args)
    np.testing.assert_array_equal(threaded.log_weight_norms, serial.log_weight_norms)
    np.testing.assert_array_equal(threaded.log_bound, serial.log_bound)
    np.testing.assert_array_equal(threaded.log_delta_norms, serial.log_delta_norms)
    # and each norm is the largest singular value of the layer's matrix
    net = sim.build_network(9, 160, sigma_w=1.3, sigma_b=0.2, init=init, seed=4)
    top = [np.linalg.norm(w, 2) for w in net.weights]
    np.testing.assert_allclose(threaded.log_weight_norms, np.log(top), rtol=1e-9)
