"""Power-method page: chart builders give valid, finite specs with theory lines; typed matrices are safe."""

from __future__ import annotations

import math

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explorer import sim
from explorer.app.registry import page
from explorer.lessons.power import charts as charts
from explorer.lessons.power import reading as rd
from tests.conftest import APP, assert_charts_finite, assert_finite, spec_rows

THEORY = "theory"


def series(rows: list[dict], name: str, column: str) -> np.ndarray:
    return np.array([r[column] for r in rows if r.get("series") == name])


def trace_of(name: str, steps: int, form: str = "column") -> sim.PowerTrace:
    p = sim.preset_matrix(name)
    return sim.power_method(p.W, p.x0, steps, form=form)


# ---------------------------------------------------------------------------
# builders


@pytest.mark.parametrize("name", ["distinct", "close", "jordan", "non_normal", "orthogonal_start"])
def test_angle_chart_is_valid_finite_and_has_theory(name):
    tr = trace_of(name, 300)
    rows = spec_rows(charts.angle_chart(tr.angle, sim.theory_log10_angle(tr), theory_label=THEORY))
    assert_finite(rows)
    measured = series(rows, charts.MEASURED_LABEL, "log10_angle")
    theory = series(rows, THEORY, "log10_angle")
    assert measured.size > 10 and theory.size > 1
    # theory starts at the measured initial angle
    assert theory[0] == pytest.approx(measured[0])


def test_angle_chart_theory_is_cut_at_the_float64_floor():
    tr = trace_of("distinct", 2000)
    rows = spec_rows(charts.angle_chart(tr.angle, sim.theory_log10_angle(tr), theory_label=THEORY))
    theory = series(rows, THEORY, "log10_angle")
    measured = series(rows, charts.MEASURED_LABEL, "log10_angle")
    assert theory.min() >= min(measured.min(), charts.ANGLE_FLOOR_LOG10) - 1.0
    assert theory.size < 100  # 0.477 digits per step reaches the floor in about 35 steps


def test_nan_angles_never_reach_the_chart():
    rot = trace_of("rotation", 50)
    assert np.isnan(rot.angle).all()
    rows = spec_rows(charts.angle_chart(rot.angle, sim.theory_log10_angle(rot), theory_label=THEORY))
    assert rows == []
    nil = sim.power_method([[0.0, 1.0], [0.0, 0.0]], [0.0, 1.0], 20)
    for chart in (charts.angle_chart(nil.angle, sim.theory_log10_angle(nil), theory_label=THEORY),
                  charts.norm_chart(nil.log10_norm, -math.inf, theory_label=THEORY),
                  charts.rayleigh_chart(nil.rayleigh, 0.0, theory_label=THEORY),
                  charts.turn_chart(sim.direction_turns(nil), None, theory_label=THEORY)):
        assert_finite(spec_rows(chart), allow_empty=True)
    # exact zeros (already on the eigenvector) are dropped, not drawn as -inf
    eye = sim.power_method(np.eye(2), [1.0, 2.0], 10)
    assert spec_rows(charts.angle_chart(eye.angle, sim.theory_log10_angle(eye), theory_label=THEORY)) == []


def test_turn_chart_for_a_complex_pair_has_the_rotation_line():
    tr = trace_of("rotation", 40)
    summary = sim.convergence_summary(tr)
    rows = spec_rows(charts.turn_chart(sim.direction_turns(tr), summary.rotation_deg_per_step, theory_label=THEORY))
    assert_finite(rows)
    np.testing.assert_allclose(series(rows, charts.MEASURED_LABEL, "turn"), 30.0, rtol=1e-9)
    np.testing.assert_allclose(series(rows, THEORY, "turn"), 30.0)
    assert not series(spec_rows(charts.turn_chart(sim.direction_turns(tr), None, theory_label=THEORY)),
                      THEORY, "turn").size


def test_norm_chart_survives_norm_1e3_for_10000_steps():
    steps = 10_000
    tr = sim.power_method(1e3 * np.diag([1.0, 0.5]), [1.0, 1.0], steps)
    log10_lam = sim.convergence_summary(tr).log_growth_per_step / math.log(10)
    rows = spec_rows(charts.norm_chart(tr.log10_norm, log10_lam, theory_label=THEORY))
    assert_finite(rows)
    measured = series(rows, charts.MEASURED_LABEL, "log10_norm")
    theory = series(rows, THEORY, "log10_norm")
    assert measured.size == theory.size == steps + 1
    assert measured[-1] == pytest.approx(3e4, rel=1e-3) and theory[-1] == pytest.approx(3e4 + theory[0])
    assert all("e+30" in r["norm"] for r in rows if r["t"] == steps)
    # the angle of the same run: 0.3 digits per step, tiny values stay in log domain
    angle_rows = spec_rows(charts.angle_chart(tr.angle, sim.theory_log10_angle(tr), theory_label=THEORY))
    assert_finite(angle_rows)
    assert series(angle_rows, THEORY, "log10_angle").size > 0


def test_rayleigh_chart_has_horizontal_theory_line():
    tr = trace_of("symmetric", 40)
    rows = spec_rows(charts.rayleigh_chart(tr.rayleigh, tr.dominant_eigenvalue.real, theory_label=THEORY))
    assert_finite(rows)
    np.testing.assert_allclose(series(rows, THEORY, "rayleigh"), 3.0)
    assert series(rows, charts.MEASURED_LABEL, "rayleigh")[-1] == pytest.approx(3.0)


def test_eigenvalue_chart_marks_the_dominant_eigenvalue_and_keeps_circles_round():
    p = sim.random_gaussian_preset(256, 1.2, 1)
    eig = sim.dominant_spectrum(p.W).eigenvalues
    chart = charts.eigenvalue_chart(eig, dominant_label="λ₁")
    rows = spec_rows(chart)
    assert_finite(rows)
    dominant = [r for r in rows if r.get("role") == "dominant λ₁"]
    assert len(dominant) == 1 and dominant[0]["abs"] == pytest.approx(abs(eig[0]))
    assert sum(r.get("role") == "other eigenvalues" for r in rows) == 255
    spec = chart.to_dict()
    x_dom = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    y_dom = spec["layer"][0]["encoding"]["y"]["scale"]["domain"]
    assert x_dom == y_dom
    huge = charts.eigenvalue_chart(np.array([1e308 + 0j, 1e308 + 0j, np.inf + 0j]), dominant_label="λ₁")
    assert_finite(spec_rows(huge))


@pytest.mark.parametrize(("name", "form", "lines"), [("distinct", "column", 2), ("distinct", "row", 2),
                                                     ("rotation", "column", 0), ("jordan", "column", 1),
                                                     ("non_normal", "column", 2)])
def test_plane_chart_has_circle_image_eigenlines_and_iterates(name, form, lines):
    p = sim.preset_matrix(name)
    M = p.W.T if form == "row" else p.W
    tr = sim.power_method(p.W, p.x0, 11, form=form)
    t = 10
    nxt = tr.direction[t + 1] * 10 ** (tr.log10_norm[t + 1] - tr.log10_norm[t])
    chart = charts.plane_chart(sim.unit_circle_image(M), sim.eigen_lines(M), tr.direction[: t + 1], nxt)
    rows = spec_rows(chart)
    assert_finite(rows)
    layers = {r.get("layer") for r in rows}
    names = list(charts.plane_layers("W"))
    assert {names[0], names[1], names[3], names[4], names[5]} <= layers
    assert sum(r.get("layer") == "eigenvector line" for r in rows) == lines
    assert sum(r.get("layer") == names[4] for r in rows) == 1
    spec = chart.to_dict()
    x_dom = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    assert x_dom == spec["layer"][0]["encoding"]["y"]["scale"]["domain"]
    assert x_dom[1] <= 4.0


def test_plane_chart_drops_a_zero_iterate():
    tr = sim.power_method([[0.0, 1.0], [0.0, 0.0]], [0.0, 1.0], 3)
    M = np.array([[0.0, 1.0], [0.0, 0.0]])
    with np.errstate(invalid="ignore"):
        nxt = tr.direction[3] * 10 ** (tr.log10_norm[3] - tr.log10_norm[2])
    rows = spec_rows(charts.plane_chart(sim.unit_circle_image(M), sim.eigen_lines(M), tr.direction[:3], nxt))
    assert_finite(rows)


def axis_titles(chart) -> list[str]:
    spec = chart.to_dict()
    return [layer["encoding"]["y"]["axis"]["title"] for layer in spec.get("layer", [spec])
            if "axis" in layer.get("encoding", {}).get("y", {})]


def test_every_log_axis_of_the_page_says_log_scale():
    """The angle axis used to say only "radians"; every log10 axis names its scale."""
    tr = trace_of("distinct", 40)
    angle = charts.angle_chart(tr.angle, sim.theory_log10_angle(tr), theory_label=THEORY)
    norm = charts.norm_chart(tr.log10_norm, math.log10(3), theory_label=THEORY)
    assert axis_titles(angle) == ["angle to v₁ (radians, log scale)"]
    assert axis_titles(norm) == ["‖x_t‖ (log scale)"]


def test_pow10_tooltips_carry_into_the_exponent():
    """10^-4.0001 is 9.998e-05 rounded to 1.00e-04, never the drifted "10e-5"."""
    rows = spec_rows(charts.norm_chart(np.array([-4.0001, -5.0]), -1.0, theory_label=THEORY))
    labels = {r["norm"] for r in rows if r["series"] == charts.MEASURED_LABEL}
    assert labels == {"1e-04", "1e-05"}


@pytest.mark.parametrize(("matrix", "expect"), [("distinct", "log10_angle"), ("rotation", "turn"),
                                                 ("opposite", "turn")])
def test_convergence_chart_draws_the_angle_or_the_turn_as_the_reading_decides(matrix, expect):
    r = rd.convergence_result(rd.MatrixSettings(matrix), 60)
    rows = spec_rows(charts.convergence_chart(r, "direction"))
    assert_finite(rows)
    assert rows and all(expect in row for row in rows)
    norm_rows = spec_rows(charts.convergence_chart(r, "norm"))
    assert {row["series"] for row in norm_rows} == {charts.MEASURED_LABEL, rd.NORM_THEORY_LABEL}
    rq_rows = spec_rows(charts.convergence_chart(r, "rayleigh"))
    assert {row["series"] for row in rq_rows} == {charts.MEASURED_LABEL, rd.rayleigh_label(r)}
    with pytest.raises(ValueError, match="which must be one of"):
        charts.convergence_chart(r, "spectrum")


def test_plane_step_chart_draws_the_current_step_of_the_result():
    result = rd.plane_result(rd.MatrixSettings("distinct", "row"))
    rows = spec_rows(charts.plane_step_chart(result, 7))
    assert_finite(rows)
    current = [r for r in rows if r.get("layer") == "current direction x_t"]
    assert len(current) == 1 and current[0]["s"] == 7
    assert any(r.get("layer") == "image of the circle under Wᵀ" for r in rows)


# ---------------------------------------------------------------------------
# the page with a typed matrix


def load_power_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()  # st.navigation registers the page under its url_path first
    at.switch_page(page("power").path)
    at.run()
    return at


def verdict(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "Verdict" in m.value)


def test_typed_matrix_is_used_and_a_bad_one_keeps_the_last_good_matrix():
    at = load_power_page()
    at.selectbox(key="pm_matrix").set_value("custom").run()
    assert not at.exception and not at.error
    assert "λ₁ = 5.372" in verdict(at)  # the default "1 2; 3 4"

    at.text_area(key="pm_custom").input("2 0; 0 0.5").run()
    assert not at.exception and not at.error
    assert "λ₁ = 2," in verdict(at)
    assert at.session_state["pm_case"] == "custom"

    at.text_area(key="pm_custom").input("1 2; 3").run()
    assert not at.exception
    assert len(at.error) == 1 and "row 2" in at.error[0].value
    assert "λ₁ = 2," in verdict(at)  # still the last good matrix
    assert assert_charts_finite(at) >= 4

    at.text_area(key="pm_custom").input("__import__('os').system('ls')").run()
    assert not at.exception and "not a number" in at.error[0].value
    assert "λ₁ = 2," in verdict(at)

    at.text_area(key="pm_custom").input("1 0 0; 0 -3 0; 0 0 0.5").run()
    assert not at.exception and not at.error
    assert "λ₁ = -3," in verdict(at)
    assert "2 × 2" in " ".join(c.value for c in at.caption)  # no plane picture for n = 3


def test_huge_typed_entries_stay_finite():
    at = load_power_page()
    at.selectbox(key="pm_matrix").set_value("custom").run()
    at.text_area(key="pm_custom").input("1e300 1; 0 -1e-300").run()
    assert not at.exception and not at.error
    assert assert_charts_finite(at) >= 4
