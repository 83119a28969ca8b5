"""Eigenvalue page: chart builders give valid, finite specs at any setting; float limits and the
unreliable modal picture are handled; the page survives its most extreme controls."""

from __future__ import annotations

import math

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explorer import chartkit, sim
from explorer.app.registry import PAGES
from explorer.format import LN10, pow10_text
from explorer.lessons.eigenvalues import charts as charts
from explorer.lessons.eigenvalues import reading as rd
from explorer.lessons.eigenvalues.scenarios import SCENARIOS
from explorer.sim import Regime
from tests.conftest import APP, assert_charts_finite, assert_finite, chart_tables, spec_of, spec_rows

PAGE = next(p for p in PAGES if p.prefix == "eig")


def scenario_matrix(key: str) -> np.ndarray:
    """W of the page's scenario ``key``, built as the page builds it."""
    return rd.MatrixSettings.of(next(s for s in SCENARIOS if s.key == key).values).matrix()


def curve(rows: list[dict], label: str, column: str = "log10_size") -> np.ndarray:
    return np.array([r[column] for r in rows if r.get("curve") == label])


def modes_matrix(mags, kind="pair", nu=0.0, seed=0) -> np.ndarray:
    modes = [(m, 1.0 + 0.4 * i, kind) if kind == "pair" else (m, 0.0, "real") for i, m in enumerate(mags)]
    return sim.matrix_from_eigenvalues(sim.spectrum_from_modes(modes), nonnormality=nu, seed=seed)


def growth_of(W, steps, **kw):
    g = sim.spectrum_growth(W, steps)
    peak = (g.peak_step, g.log_peak) if g.transient_growth else None
    chart = charts.growth_chart(g.log_norm_power, measured_label="‖Wᵗ‖ measured", log_rho=g.log_rho,
                                log_norm_W=g.log_norm_W, peak=peak, limits=sim.float_limit_steps(g.log_norm_power),
                                **kw)
    return g, chart


# ---------------------------------------------------------------------------
# growth chart: finite at the extremes, float-limit rules where crossed


def test_growth_chart_is_finite_at_the_largest_settings():
    W = modes_matrix([3.0, 3.0, 3.0, 3.0], nu=0.999)
    g, chart = growth_of(W, 10_000)
    rows = spec_rows(chart)
    assert_finite(rows)
    measured = curve(rows, "‖Wᵗ‖ measured")
    assert measured.max() > 4700  # 3^10000 = 10^4771: drawn, not overflowed
    assert len(measured) <= charts.MAX_POINTS + 10
    labels = {r["label"] for r in rows if "label" in r}
    lim = sim.float_limit_steps(g.log_norm_power)
    assert labels == {f"float32 overflow at t = {lim.float32_overflow_step}",
                      f"float64 overflow at t = {lim.float64_overflow_step}"}
    # non-normal: cond(V) ~ 1e3 lifts ||W^t|| above 3^t, so the limits come a few steps earlier than for 3^t
    assert lim.float32_overflow_step <= 81 and lim.float64_overflow_step <= 647


@pytest.mark.parametrize(("lam", "steps", "expected"), [
    (3.0, 1000, {"float32 overflow at t = 81", "float64 overflow at t = 647"}),
    (0.6, 1500, {"float32 underflow at t = 171", "float64 underflow at t = 1387"}),
    (1.05, 10_000, {"float32 overflow at t = 1819", "float64 overflow at t = 14548"}),
])
def test_float_limit_rules_mark_each_crossing_within_the_range(lam, steps, expected):
    _, chart = growth_of(np.array([[lam]]), steps)
    rows = spec_rows(chart)
    assert_finite(rows)
    labels = {r["label"] for r in rows if "label" in r}
    crossed = {e for e in expected if int(e.rsplit("= ", 1)[1]) <= steps}
    assert crossed <= labels
    assert not (expected - crossed) & labels
    for label in crossed:
        t = int(label.rsplit("= ", 1)[1])
        limit = math.log(np.finfo(np.float32 if "32" in label else np.float64).max if "over" in label
                         else np.finfo(np.float32 if "32" in label else np.float64).tiny)
        # the marked step is the first whose exact value lam^t is beyond the limit
        if "over" in label:
            assert t * math.log(lam) > limit >= (t - 1) * math.log(lam)
        else:
            assert t * math.log(lam) < limit <= (t - 1) * math.log(lam)


def test_no_float_rules_when_nothing_leaves_the_range():
    _, chart = growth_of(np.diag([0.9, 0.5]), 100)
    assert not any("label" in r and "float" in str(r["label"]) for r in spec_rows(chart))


def test_transient_peak_is_marked_with_its_height_and_step():
    W = scenario_matrix("nonnormal_transient")
    g, chart = growth_of(W, 300)
    assert g.transient_growth
    rows = spec_rows(chart)
    assert_finite(rows)
    texts = [r["text"] for r in rows if "text" in r]
    assert any(t.startswith("peak ") and t.endswith(f"at t = {g.peak_step}") for t in texts)


def test_theory_lines_follow_rho_and_norm_and_are_clipped():
    W = scenario_matrix("nonnormal_transient")
    g, chart = growth_of(W, 300)
    rows = spec_rows(chart)
    rho = curve(rows, charts.RHO_LABEL)
    steps = np.array([r["step"] for r in rows if r.get("curve") == charts.RHO_LABEL])
    assert rho == pytest.approx(steps * g.log_rho / LN10)
    spec = spec_of(chart)
    assert spec["layer"][0]["mark"]["clip"] is True


def test_jordan_corner_line_and_zero_matrix_stay_finite():
    J = sim.jordan_block(1.0, 4)
    g = sim.spectrum_growth(J, 200)
    chart = charts.growth_chart(g.log_norm_power, measured_label="m", log_rho=g.log_rho, log_norm_W=g.log_norm_W,
                                log_corner=sim.jordan_corner_log(1.0, 4, 200))
    rows = spec_rows(chart)
    assert_finite(rows)
    assert len(curve(rows, charts.CORNER_LABEL)) > 100
    zero = sim.spectrum_growth(np.zeros((2, 2)), 50)
    rows = spec_rows(charts.growth_chart(zero.log_norm_power, measured_label="m", log_rho=zero.log_rho,
                                         log_norm_W=zero.log_norm_W))
    assert_finite(rows)
    assert curve(rows, "m").tolist() == [0.0]  # only ||W^0|| = 1 is drawn; exact zeros are not


# ---------------------------------------------------------------------------
# Gelfand, eigenvalue plane, gradient


@pytest.mark.parametrize("W", [np.diag([0.9, -0.5]), sim.jordan_block(1.0, 4),
                               scenario_matrix("nonnormal_transient"), np.zeros((3, 3))])
def test_gelfand_chart_is_finite_and_tends_to_rho(W):
    g = sim.spectrum_growth(W, 2000)
    rows = spec_rows(charts.gelfand_chart(g.log_norm_power, measured_label="‖Wᵗ‖", log_rho=g.log_rho,
                                          log_norm_W=g.log_norm_W))
    assert_finite(rows)
    roots = [r for r in rows if "step" in r]
    last = max(roots, key=lambda r: r["step"])
    rho = math.exp(g.log_rho) if math.isfinite(g.log_rho) else 0.0
    assert last["root"] == pytest.approx(rho, abs=0.02)


def test_gelfand_chart_marks_the_probed_step_at_its_root():
    W = scenario_matrix("nonnormal_transient")
    g = sim.spectrum_growth(W, 300)
    rows = spec_rows(charts.gelfand_chart(g.log_norm_power, measured_label="‖Wᵗ‖", log_rho=g.log_rho,
                                          log_norm_W=g.log_norm_W, probe=10))
    assert_finite(rows)
    marked = [r for r in rows if r.get("text") == "t = 10"]
    assert len(marked) == 1 and marked[0]["root"] == pytest.approx(math.exp(g.log_norm_power[10] / 10))
    outside = spec_rows(charts.gelfand_chart(g.log_norm_power, measured_label="‖Wᵗ‖", log_rho=g.log_rho,
                                             log_norm_W=g.log_norm_W, probe=301))
    assert not [r for r in outside if "text" in r]


@pytest.mark.parametrize(("eigs", "gain"), [
    (sim.spectrum_from_modes([(1.05, 0.0, "real"), (1.0, 0.5, "pair"), (0.5, math.pi, "real")]), None),
    (np.linalg.eigvals(sim.gaussian_matrix(512, 1.5, 3)), 1.5),
    (np.full(4, 1.0 + 0j), None),
])
def test_plane_chart_is_square_finite_and_shapes_each_regime(eigs, gain):
    regimes = sim.growth_regime(eigs)
    spec = spec_of(charts.eigenvalue_plane_chart(eigs, regimes, gain=gain, annotation="note"))
    assert spec["width"] == spec["height"]
    rows = [r for values in spec["datasets"].values() for r in values]
    assert_finite(rows)
    drawn = {r["regime"] for r in rows if "regime" in r}
    assert drawn == {charts.PLANE_LABELS[r] for r in regimes}
    shape = next(layer for layer in spec["layer"] if "shape" in layer.get("encoding", {}))["encoding"]["shape"]
    assert len(set(shape["scale"]["range"])) == 3  # shape, not only colour, tells the regimes apart


def test_plane_chart_colours_and_shapes_each_regime_with_the_app_s_one_mapping():
    eigs = [1.5, 1.0, 0.5]
    regimes = sim.growth_regime(eigs).tolist()
    assert regimes == [Regime.EXPLODES, Regime.NEUTRAL, Regime.VANISHES]  # "critical" is NEUTRAL now
    spec = spec_of(charts.eigenvalue_plane_chart(eigs, regimes))
    enc = next(layer for layer in spec["layer"] if "shape" in layer.get("encoding", {}))["encoding"]
    labels = enc["fill"]["scale"]["domain"]
    assert labels == enc["shape"]["scale"]["domain"] == [charts.PLANE_LABELS[r] for r in charts.PLANE_LABELS]
    by_label = {charts.PLANE_LABELS[r]: r for r in charts.PLANE_LABELS}
    assert enc["fill"]["scale"]["range"] == [chartkit.REGIME_COLORS[by_label[x]] for x in labels]
    assert enc["shape"]["scale"]["range"] == [chartkit.REGIME_SHAPES[by_label[x]] for x in labels]


def test_plane_chart_rejects_mismatched_regimes():
    with pytest.raises(ValueError, match="one entry per eigenvalue"):
        charts.eigenvalue_plane_chart([1.0, 0.5], [Regime.VANISHES])


def test_gradient_chart_is_finite_at_extremes():
    W = modes_matrix([3.0, 0.0], nu=0.999)
    g = sim.spectrum_growth(W, 10_000)
    grad = sim.gradient_log_norms(W, sim.unit_vector(4, 0, stream=2), 10_000)
    rows = spec_rows(charts.gradient_chart(grad, log_reference=g.log_norm_power, reference_label="‖Wᵗ‖",
                                           log_rate=g.log_rho, rate_label="ρᵗ"))
    assert_finite(rows)
    assert curve(rows, "‖Wᵗ‖").max() > 4700
    # ||(W^T)^t g|| <= ||W^t|| for a unit g, step by step
    assert np.all(grad <= g.log_norm_power + 1e-9)


# ---------------------------------------------------------------------------
# the modal picture


def test_mode_chart_refuses_an_unreliable_modal_picture():
    mc = sim.mode_contributions(sim.jordan_block(1.0, 4), sim.unit_vector(4, 0), 50)
    assert not mc.reliable
    with pytest.raises(ValueError, match="numerically unreliable"):
        charts.mode_chart(mc)


def test_mode_chart_draws_each_mode_and_the_direct_norm():
    W = scenario_matrix("nonnormal_transient")
    mc = sim.mode_contributions(W, sim.unit_vector(4, 0), 300)
    rows = spec_rows(charts.mode_chart(mc))
    assert_finite(rows)
    labels = {r["curve"] for r in rows}
    assert "‖Wᵗx‖ computed directly" in labels
    assert sum(label.startswith("mode ") for label in labels) == 4
    direct = curve(rows, "‖Wᵗx‖ computed directly")
    assert direct[0] == pytest.approx(0.0, abs=1e-12)  # ||x|| = 1


# ---------------------------------------------------------------------------
# helpers


def test_sample_steps_keeps_the_envelope_of_an_oscillation():
    t = np.arange(10_001)
    values = np.where(t % 2 == 0, 1.0, -1.0) * 0.5 - 0.001 * t
    index = charts.sample_steps(values, keep=[1234])
    assert len(index) <= charts.MAX_POINTS + 3
    assert index[0] == 0 and index[-1] == 10_000 and 1234 in index
    kept = values[index]
    assert kept.max() == values.max() and kept.min() == values.min()


@pytest.mark.parametrize("values", [[0.0], [-0.4, 0.3], [-0.01, 0.01], [2.2, 2.9], [-4771.0, 12.0]])
def test_decade_domain_leaves_whole_decades_to_label(values):
    lo, hi = charts.decade_domain(np.array(values))
    assert lo <= min(values) and hi >= max(values)
    assert math.floor(hi) - math.ceil(lo) >= 1  # at least two integer ticks (10^k labels)


def test_pow10_text_never_forms_the_number():
    # the page's tooltips use the app's one formatter (its private copy is gone)
    assert not hasattr(charts, "pow10_text") or charts.pow10_text is pow10_text
    assert pow10_text([4771.2, -361.25, 0.0, -math.inf]) == ["1.58e+4771", "5.62e-362", "1e+00", "0"]


# ---------------------------------------------------------------------------
# the page at its extremes


def load(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()  # st.navigation must register the pages before switch_page can find them
    at.switch_page(PAGE.path)
    at.run()
    assert at.title and at.title[0].value == PAGE.title, "AppTest opened a different page"
    return at


# Bound selection widgets carry their display label in the URL.
EXTREMES = {
    "four_pairs_at_3": {"eig_case": "custom", "eig_count": "4", "eig_nu": "0.999", "eig_steps": "10000",
                        **{f"eig_kind{i}": "complex pair" for i in range(1, 5)},
                        **{f"eig_mag{i}": "3.0" for i in range(1, 5)}},
    "all_zero": {"eig_case": "custom", "eig_count": "4", **{f"eig_mag{i}": "0.0" for i in range(1, 5)}},
    "big_jordan_at_2": {"eig_case": "custom", "eig_source": "Jordan block", "eig_jlam": "2.0", "eig_jsize": "12",
                        "eig_steps": "10000"},
    "nilpotent_jordan": {"eig_case": "custom", "eig_source": "Jordan block", "eig_jlam": "0.0", "eig_jsize": "12"},
    "random_512": {"eig_case": "custom", "eig_source": "Random W", "eig_n": "512", "eig_g": "1.5",
                   "eig_steps": "10000"},
}


@pytest.mark.parametrize("query", EXTREMES.values(), ids=EXTREMES.keys())
def test_page_survives_extreme_controls_with_finite_charts(query):
    at = load(query)
    labels = {"Jordan block": "jordan", "Random W": "random", "complex pair": "pair"}
    for key, value in query.items():  # the URL really set every control
        if key.startswith(("eig_source", "eig_kind")):
            assert at.session_state[key] == labels[value], key
        elif key != "eig_case":
            assert float(at.session_state[key]) == float(value), key
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert assert_charts_finite(at) >= 4
    assert any("Verdict" in m.value for m in at.markdown)


def test_random_512_is_capped_and_says_so():
    at = load(EXTREMES["random_512"])
    assert any("steps·n² is capped" in c.value for c in at.caption)


def chart_strings(at: AppTest) -> set[str]:
    """Every string value in the data of every chart on the page."""
    out: set[str] = set()
    for el in at.get("vega_lite_chart"):
        for table in chart_tables(el):
            for name in table.column_names:
                col = table.column(name)
                if str(col.type) in ("string", "large_string"):
                    out.update(v for v in col.to_pylist() if v is not None)
    return out


def test_jordan_scenario_warns_instead_of_drawing_modes():
    jordan = load({"eig_case": "jordan_critical"})
    assert any("numerically unreliable" in w.value for w in jordan.warning)
    assert not any(s.startswith("mode ") for s in chart_strings(jordan))
    normal = load({"eig_case": "nonnormal_transient"})
    assert not normal.warning
    assert any(s.startswith("mode 1: λ = 0.97") for s in chart_strings(normal))
    assert len(jordan.get("vega_lite_chart")) == len(normal.get("vega_lite_chart")) - 1


def test_float_limit_scenario_marks_both_limits_on_the_page():
    strings = chart_strings(load({"eig_case": "float_overflow"}))
    assert {"float32 overflow at t = 81", "float64 overflow at t = 647"} <= strings
