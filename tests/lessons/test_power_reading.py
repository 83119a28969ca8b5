"""The power-method page's readings: every branch of every verdict, caption and decision, without Streamlit."""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest

from explorer import sim
from explorer.lessons.power import reading as rd
from explorer.lessons.power.scenarios import MATRICES, SCENARIOS
from explorer.reading import Verdict
from explorer.sim import Regime


def typed(W, form: str = "column", seed: int = 0) -> rd.MatrixSettings:
    rows = tuple(map(tuple, np.asarray(W, dtype=float).tolist()))
    return rd.MatrixSettings.of("custom", form, n=0, gain=0.0, seed=seed, rows=rows)


def run(key_or_settings, steps: int = 60) -> rd.ConvergenceResult:
    s = key_or_settings if isinstance(key_or_settings, rd.MatrixSettings) else rd.MatrixSettings(key_or_settings)
    return rd.convergence_result(s, steps)


def with_measured(r: rd.ConvergenceResult, **changes) -> rd.ConvergenceResult:
    return dataclasses.replace(r, measured=dataclasses.replace(r.measured, **changes))


CYCLIC = [[0, 0, 1], [1, 0, 0], [0, 1, 0]]  # eigenvalues 1, e^(±2πi/3): three sizes tied, none a ± pair
NILPOTENT = [[0, 1], [0, 0]]
NOT_A_SCALED_ROTATION = [[1, -2], [1, 1]]  # 1 ± i√2, but the plane is stretched: r_t oscillates


# ---------------------------------------------------------------------------
# titles


def test_titles_never_break_inside_a_ratio_or_an_absolute_value():
    assert rd.unbroken("|λ₂/λ₁|ᵗ") == "|\u2060λ₂/\u2060λ₁|\u2060ᵗ"
    assert rd.CONVERGENCE_TITLE.replace(rd.WORD_JOINER, "") == (
        "Over many steps the angle to v₁ shrinks like |λ₂/λ₁|ᵗ and the norm like |λ₁|ᵗ")
    assert rd.unbroken(rd.SPECTRUM_TITLE) == rd.SPECTRUM_TITLE  # nothing to join


# ---------------------------------------------------------------------------
# page-wide settings


def test_settings_keep_only_the_parameters_the_matrix_uses():
    a = rd.MatrixSettings.of("distinct", "column", n=50, gain=1.0, seed=3, rows=rd.DEFAULT_ROWS)
    b = rd.MatrixSettings.of("distinct", "column", n=256, gain=1.2, seed=9, rows=((2.0,),))
    assert a == b == rd.MatrixSettings("distinct")
    assert hash(a) == hash(b)


def test_random_settings_carry_size_gain_and_seed_but_no_rows():
    s = rd.MatrixSettings.of("random", "row", n=8, gain=1.5, seed=3, rows=rd.DEFAULT_ROWS)
    assert (s.n, s.gain, s.seed, s.rows, s.form) == (8, 1.5, 3, (), "row")


def test_custom_settings_carry_rows_and_seed_but_no_size_or_gain():
    s = rd.MatrixSettings.of("custom", "column", n=8, gain=1.5, seed=3, rows=((1, 2), (3, 4)))
    assert (s.n, s.gain, s.seed, s.rows) == (0, 0.0, 3, ((1.0, 2.0), (3.0, 4.0)))


def test_row_form_iterates_the_transpose():
    assert rd.MatrixSettings("distinct", "row").iterated_name == "Wᵀ"
    assert rd.MatrixSettings("distinct", "column").iterated_name == "W"


def test_matrix_of_takes_presets_random_and_typed_matrices_from_the_sim():
    np.testing.assert_array_equal(rd.matrix_of(rd.MatrixSettings("jordan")).W, sim.preset_matrix("jordan").W)
    random = rd.matrix_of(rd.MatrixSettings.of("random", "column", n=8, gain=1.5, seed=3, rows=()))
    np.testing.assert_array_equal(random.W, sim.random_gaussian_preset(8, 1.5, 3).W)
    mine = rd.matrix_of(typed([[1, 2], [3, 4]], seed=5))
    np.testing.assert_array_equal(mine.W, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(mine.x0, sim.custom_preset(np.array([[1.0, 2], [3, 4]]), 5).x0)


OLD_URL_LABELS = {
    "distinct": "Distinct real eigenvalues (3 and 1)", "close": "Close eigenvalues (1 and 0.95)",
    "symmetric": "Symmetric matrix", "rotation": "Rotation-scaling (complex pair)",
    "opposite": "Equal magnitudes, opposite signs", "jordan": "Jordan block", "non_normal": "Non-normal matrix",
    "orthogonal_start": "Start orthogonal to the dominant eigenvector", "random": "Random Gaussian n × n, gain g",
    "custom": "Custom: type your own",
}
"""What ``?pm_matrix=`` carried before it carried keys (frozen: old slides hold these)."""


def test_every_picker_option_keeps_the_label_old_links_carried():
    assert {key: rd.picker_label(key) for key in MATRICES} == OLD_URL_LABELS


def test_teaching_text_is_written_for_the_page_not_rewritten_from_ascii():
    for key, text in MATRICES.items():
        for ascii_spelling in ("lambda", "+-", "sqrt(", " deg", "W^2", "g^2", "g^t", "1e-16"):
            assert ascii_spelling not in text.teaching, (key, ascii_spelling)


def test_close_eigenvalues_text_states_the_per_step_loss_the_ratio_gives():
    ratio = sim.convergence_summary(sim.preset_matrix("close").W).ratio
    percent = int(re.search(r"about (\d+)% per step", MATRICES["close"].teaching).group(1))
    assert percent == round(100 * (1 - ratio))  # 5%, not the 2% the sim's text said


# ---------------------------------------------------------------------------
# typed matrices


def test_a_readable_typed_matrix_is_used_as_typed():
    got = rd.read_typed("2 0; 0 0.5")
    assert got == rd.TypedMatrix(((2.0, 0.0), (0.0, 0.5)))
    assert got.problem is None


def test_an_unreadable_typed_matrix_keeps_the_last_good_one_and_says_why():
    last = ((2.0, 0.0), (0.0, 0.5))
    got = rd.read_typed("1 2; 3", last)
    assert got.rows == last
    assert "row 2" in got.problem and got.problem.endswith("keeps using the last matrix that could be read.")


def test_an_oversized_typed_matrix_is_refused():
    big = "\n".join(" ".join(["1"] * 17) for _ in range(17))
    assert rd.read_typed(big).rows == rd.DEFAULT_ROWS
    assert rd.read_typed(big).problem


def test_the_default_typed_matrix_parses():
    assert rd.DEFAULT_ROWS == ((1.0, 2.0), (3.0, 4.0))


# ---------------------------------------------------------------------------
# the description above the figures


def test_a_2x2_matrix_is_typeset_with_its_text_beside_it():
    d = rd.describe_matrix(rd.MatrixSettings("distinct"), rd.matrix_of(rd.MatrixSettings("distinct")))
    assert d.latex == (r"W = \begin{bmatrix}3 & 0\\1 & 1\end{bmatrix}",
                       r"x_0 = \begin{bmatrix}-0.6 & 0.8\end{bmatrix}^\top")
    assert d.code is None and d.plain is None and d.side_by_side
    assert d.title == MATRICES["distinct"].title and d.teaching == MATRICES["distinct"].teaching


def test_a_3x3_matrix_is_typeset_below_its_text():
    s = typed(np.diag([1.0, -3.0, 0.5]))
    d = rd.describe_matrix(s, rd.matrix_of(s))
    assert len(d.latex) == 2 and not d.side_by_side
    assert d.title == "Your matrix (n = 3)"


def test_a_matrix_up_to_16x16_is_shown_as_aligned_text():
    s = typed(np.eye(5))
    d = rd.describe_matrix(s, rd.matrix_of(s))
    assert d.latex == () and d.code == sim.format_matrix(np.eye(5), precision=3) and d.plain is None


def test_a_large_matrix_is_described_in_words_beside_its_text():
    s = rd.MatrixSettings.of("random", "column", n=50, gain=1.2, seed=0, rows=())
    d = rd.describe_matrix(s, rd.matrix_of(s))
    assert d.plain == "W is a 50 × 50 matrix; x₀ is a random unit vector."
    assert d.latex == () and d.code is None and d.side_by_side
    assert d.title == "Random Gaussian matrix (n = 50, g = 1.2)"


def test_the_form_text_names_the_eigenvector_each_form_finds():
    p = rd.matrix_of(rd.MatrixSettings("distinct"))
    assert "**left** eigenvector" in rd.describe_matrix(rd.MatrixSettings("distinct", "row"), p).form_text
    assert "**right** eigenvector" in rd.describe_matrix(rd.MatrixSettings("distinct", "column"), p).form_text


def test_no_plane_text_names_the_size():
    assert rd.no_plane_text(3) == "The plane picture needs a 2 × 2 matrix; this W is 3 × 3."


def test_only_a_large_random_run_is_heavy():
    big = rd.MatrixSettings.of("random", "column", n=256, gain=1.0, seed=0, rows=())
    assert rd.is_heavy(big, 1000) and not rd.is_heavy(big, 60)
    assert not rd.is_heavy(rd.MatrixSettings("distinct"), 2000)


# ---------------------------------------------------------------------------
# the plane picture


def test_plane_result_holds_the_first_steps_and_the_next_vector_lies_on_the_image():
    r = rd.plane_result(rd.MatrixSettings("distinct"))
    assert r.directions.shape == (rd.PLANE_STEPS + 2, 2) and len(r.lines) == 2 and r.matrix_name == "W"
    W = sim.preset_matrix("distinct").W
    np.testing.assert_allclose(r.next_vector(3), W @ r.directions[3], rtol=1e-12)


def test_plane_step_text_quotes_norm_rayleigh_and_angle_in_degrees():
    state = rd.plane_result(rd.MatrixSettings("distinct")).state(0)
    assert state == rd.PlaneState(0, 0.0, pytest.approx(state.rayleigh), pytest.approx(state.angle))
    text = rd.plane_step_text(state)
    assert text.startswith("**Step t = 0.** ‖x_t‖ = 1; ")
    assert f"{math.degrees(state.angle):.4g}°." in text


def test_plane_step_text_says_when_there_is_no_dominant_eigenvector():
    text = rd.plane_step_text(rd.plane_result(rd.MatrixSettings("rotation")).state(5))
    assert text.endswith("no unique dominant eigenvector to measure an angle to.")


def test_a_zero_iterate_has_a_next_vector_without_warnings():
    r = rd.plane_result(typed(NILPOTENT))
    assert np.isnan(r.next_vector(3)).all()  # the suite turns RuntimeWarnings into errors


# ---------------------------------------------------------------------------
# the convergence table


@pytest.mark.parametrize(("x", "steps", "text"), [(math.nan, 60, "—"), (math.inf, 60, "never"), (21.0, 60, "21"),
                                                  (5e5, 60, "500000"), (5e7, 60, "5.00e+07"), (5e7, 10**8, "50000000")])
def test_steps_text_writes_undefined_never_whole_and_astronomical_counts(x, steps, text):
    assert rd.steps_text(x, steps) == text


def test_the_table_sets_theory_beside_measurement():
    r = run("distinct")
    table = rd.convergence_table(r)
    assert "| digits/step | 0.477 | 0.477 |" in table
    assert "| steps to 10 digits | 21 | 22 |" in table
    assert "| growth/step | ×3 | ×3 |" in table


def test_a_settled_direction_turns_less_than_a_millionth_of_a_degree():
    assert "| turn/step | 0° | < 10⁻⁶° |" in rd.convergence_table(run("distinct", 300))


def test_spectra_without_one_turn_angle_have_no_theory_turn_and_undefined_cells_read_as_dashes():
    table = rd.convergence_table(run("opposite"))
    assert "| turn/step | — |" in table
    assert "| digits/step | 0 | — |" in table
    nil = rd.convergence_table(run(typed(NILPOTENT)))
    assert "| digits/step | — | — |" in nil and "| growth/step | ×0 | — |" in nil


def test_a_complex_pair_has_its_rotation_as_the_theory_turn():
    assert "| turn/step | 30° | 30° |" in rd.convergence_table(run("rotation"))


# ---------------------------------------------------------------------------
# the direction chart and its caption


def test_a_simple_dominant_eigenvalue_gets_the_angle_chart_with_the_geometric_theory():
    plot = rd.direction_plot(run("distinct", 20))  # 20 steps stay well above float64's floor
    assert (plot.chart, plot.theory_label, plot.reason) == ("angle", "theory θ₀·|λ₂/λ₁|ᵗ", None)
    assert plot.caption.startswith("Solid: the measured angle between x_t and v₁")
    assert "float64" not in plot.caption and "exactly 0" not in plot.caption


def test_a_jordan_block_gets_the_one_over_t_theory():
    plot = rd.direction_plot(run("jordan"))
    assert (plot.chart, plot.theory_label) == ("angle", "theory ≈ 1/t (Jordan block)")


def test_the_caption_says_when_the_angle_bottoms_out_at_float64_resolution():
    assert "resolution of float64" in rd.direction_plot(run("distinct", 300)).caption


def test_the_caption_counts_angles_of_exactly_zero():
    r = run("distinct", 20)
    angle = r.angle.copy()
    angle[-3:] = 0.0
    caption = rd.direction_plot(dataclasses.replace(r, angle=angle)).caption
    assert "3 steps with an angle of exactly 0 are not drawn" in caption


def test_a_complex_pair_gets_the_turn_chart_with_its_rotation_line():
    plot = rd.direction_plot(run("rotation"))
    assert (plot.chart, plot.theory_deg) == ("turn", pytest.approx(30.0))
    assert plot.theory_label == "theory |arg λ₁| = 30°"
    assert plot.reason == rd.NO_ANGLE_REASONS["complex_pair"] and plot.caption == rd.TURN_CAPTION


@pytest.mark.parametrize(("matrix", "kind"), [("opposite", "opposite_sign"), (CYCLIC, "tied"),
                                              (NILPOTENT, "nilpotent")])
def test_spectra_without_a_rotation_get_the_turn_chart_without_theory(matrix, kind):
    r = run(matrix if isinstance(matrix, str) else typed(matrix))
    assert r.kind == kind
    plot = rd.direction_plot(r)
    assert (plot.chart, plot.theory_deg, plot.reason) == ("turn", None, rd.NO_ANGLE_REASONS[kind])
    assert rd.no_angle_text(plot) == (f"**No angle to plot:** {rd.NO_ANGLE_REASONS[kind]}. Below, instead, how far "
                                      "the direction turns at each step.")


# ---------------------------------------------------------------------------
# the norm and the Rayleigh quotient


def test_norm_caption_quotes_the_slope_and_calls_the_limit_generic_not_gelfand():
    caption = rd.norm_caption(run("distinct"))
    assert caption.startswith(f"Dashed slope log10|λ₁| = {math.log10(3):.3g} per step")
    assert "‖Wᵗx‖^(1/t) → |λ₁| for a generic x" in caption
    assert "Gelfand's formula ‖Wᵗ‖^(1/t) → ρ(W) is about the matrix" in caption
    assert "non-normal transient" not in caption


def test_norm_caption_names_a_non_normal_transient():
    r = run("non_normal", 200)
    caption = rd.norm_caption(r)
    assert f"peaks at ×{10 ** r.measured.peak_log10_gain:.3g} at step {r.measured.peak_step}" in caption
    assert "although |λ₁| = 0.9: a non-normal transient." in caption


def test_growth_above_one_is_not_called_a_transient():
    assert "transient" not in rd.norm_caption(run("rotation"))  # it peaks, but |λ₁| = 1.05 > 1


def test_rayleigh_label_is_the_real_part_of_lambda1():
    assert rd.rayleigh_label(run("rotation")) == f"Re λ₁ = {1.05 * math.cos(math.pi / 6):.4g}"


def test_rayleigh_of_a_scaled_rotation_sits_at_the_real_part():
    assert "sits at Re λ₁ = 0.9093" in rd.rayleigh_caption(run("rotation"))


def test_rayleigh_of_a_stretched_complex_pair_oscillates_between_its_extremes():
    r = run(typed(NOT_A_SCALED_ROTATION))
    assert f"oscillates between {r.measured.rayleigh_low:.4g} and {r.measured.rayleigh_high:.4g}" in \
        rd.rayleigh_caption(r)


@pytest.mark.parametrize(("matrix", "words"), [
    ("opposite", "a weighted average of +λ and −λ"), ("jordan", "only like 1/t"),
    (NILPOTENT, "no Rayleigh quotient to draw"), ("symmetric", "|λ₂/λ₁|^(2t)")])
def test_rayleigh_caption_per_spectrum(matrix, words):
    assert words in rd.rayleigh_caption(run(matrix if isinstance(matrix, str) else typed(matrix)))


# ---------------------------------------------------------------------------
# the verdict


@pytest.mark.parametrize(("matrix", "regime"), [("distinct", Regime.EXPLODES), ("non_normal", Regime.VANISHES),
                                                ("close", Regime.NEUTRAL), (NILPOTENT, Regime.ZERO),
                                                ("jordan", Regime.EXPLODES)])
def test_the_verdict_tone_is_what_the_norm_does(matrix, regime):
    r = run(matrix if isinstance(matrix, str) else typed(matrix))
    assert rd.convergence_regime(r) is regime
    assert rd.convergence_verdict(r).regime is regime


def test_a_jordan_block_inside_the_unit_circle_vanishes():
    r = run(typed([[0.5, 1.0], [0.0, 0.5]]))
    assert r.kind == "defective" and rd.convergence_regime(r) is Regime.VANISHES


def test_verdict_for_a_simple_eigenvalue_predicts_then_measures():
    v = rd.convergence_verdict(run("distinct"))
    assert isinstance(v, Verdict)
    assert v.text.startswith("λ₁ = 3, |λ₂/λ₁| = 0.333: each step gains 0.477 digits of direction, so 10 digits "
                             "take 21 steps. Measured: 0.477 digits per step (fitted over steps 3–27); ")
    assert "10 digits reached at step 22." in v.text and "took longer" not in v.text
    assert v.text.endswith("‖Wᵗx‖ changes ×3 per step in theory (×3 measured over the second half).")


def test_verdict_says_when_the_target_is_not_reached_within_the_run():
    assert "10 digits not reached within 10 steps." in rd.convergence_verdict(run("distinct", 10)).text


def test_verdict_says_when_too_few_steps_give_no_rate():
    r = with_measured(run("distinct"), digits_per_step=math.nan)
    assert "Measured: too few steps to fit a rate;" in rd.convergence_verdict(r).text


def test_verdict_explains_a_start_that_converges_later_than_the_rate_predicts():
    assert "It took longer than the rate alone predicts" in rd.convergence_verdict(run("orthogonal_start", 80)).text


def test_verdict_says_one_step_in_the_singular():
    text = rd.convergence_verdict(run(typed(np.diag([1e12, 1.0])))).text
    assert "so 10 digits take 1 step." in text


def test_verdict_when_every_smaller_eigenvalue_is_zero():
    v = rd.convergence_verdict(run(typed(np.diag([2.0, 0.0]))))
    assert v.text.startswith("λ₁ = 2 and every smaller eigenvalue (if any) is 0: one multiplication removes")
    assert "final from step 1" in v.text and v.regime is Regime.EXPLODES


def test_verdict_for_a_repeated_eigenvalue_with_a_full_eigenspace():
    r = run(typed(np.eye(2)))
    assert r.kind == "repeated" and "direction is final from step 1" in rd.convergence_verdict(r).text


def test_verdict_for_a_jordan_block_quotes_the_one_over_t_law():
    r = run("jordan", 2000)
    v = rd.convergence_verdict(r)
    assert v.text.startswith("λ₁ = 1 is defective (a Jordan block): no geometric rate at all.")
    assert f"after 2000 steps it is {r.measured.final_angle:.3g} rad" in v.text
    assert f"says {10 ** r.theory_log10_angle[-1]:.3g}" in v.text
    assert "although |λ₁| = 1." in v.text


def test_verdict_for_a_jordan_block_without_a_theory_end_says_nan():
    r = run("jordan")
    r = dataclasses.replace(r, theory_log10_angle=np.full_like(r.theory_log10_angle, np.nan))
    assert "says nan" in rd.convergence_verdict(r).text


def test_verdict_for_a_complex_pair_says_it_never_settles():
    v = rd.convergence_verdict(run("rotation"))
    assert v.text.startswith("No unique dominant eigenvalue (a complex pair 0.9093 ± 0.525i, |λ₁| = 1.05): the "
                             "direction rotates by 30.0° a step and never settles (measured mean turn 30.0°")


def test_verdict_for_opposite_signs_gives_the_angle_between_the_two_directions():
    r = run("opposite")
    apart = min(r.measured.mean_turn_deg, 180 - r.measured.mean_turn_deg)
    assert f"between two directions {apart:.1f}° apart and never settles." in rd.convergence_verdict(r).text


def test_verdict_for_tied_magnitudes():
    assert rd.convergence_verdict(run(typed(CYCLIC))).text.startswith(
        "Several different eigenvalues share the largest magnitude 1: no single direction wins")


def test_verdict_for_a_nilpotent_matrix():
    v = rd.convergence_verdict(run(typed(NILPOTENT)))
    assert v == Verdict("Every eigenvalue is 0 (W is nilpotent): Wᵗx = 0 once t ≥ n, so there is no direction to "
                        "converge to.", Regime.ZERO)


def test_verdict_without_a_measured_growth_says_n_a():
    assert "(n/a over the second half)" in rd.convergence_verdict(
        with_measured(run("distinct"), log10_growth_per_step=math.nan)).text


# ---------------------------------------------------------------------------
# the spectrum


def test_spectrum_text_lists_the_largest_eigenvalues_and_the_ratio():
    r = rd.spectrum_result(rd.MatrixSettings("distinct"))
    assert rd.spectrum_text(r).startswith("Largest eigenvalues by size: 3, 1. Their ratio sets the rate: "
                                          "|λ₂/λ₁| = 0.3333. Outside the unit circle")


def test_a_tie_reads_as_a_tie_except_for_a_jordan_block():
    assert "a tie, so no single eigenvalue wins" in rd.spectrum_text(rd.spectrum_result(rd.MatrixSettings("opposite")))
    assert "a tie" not in rd.spectrum_text(rd.spectrum_result(rd.MatrixSettings("jordan")))


def test_more_than_four_eigenvalues_end_in_an_ellipsis():
    assert "1, 1, 1, 1, …." in rd.spectrum_text(rd.spectrum_result(typed(np.eye(5))))


def test_the_dominant_eigenvector_is_written_out_for_small_matrices_on_the_side_the_form_finds():
    col = rd.eigenvector_text(rd.spectrum_result(rd.MatrixSettings("distinct")))
    row = rd.eigenvector_text(rd.spectrum_result(rd.MatrixSettings("distinct", "row")))
    assert col == "Dominant right eigenvector v₁ = (0.8944, 0.4472)."
    assert row == "Dominant left eigenvector v₁ = (1, 0)."


def test_no_eigenvector_text_without_a_dominant_line_or_for_large_matrices():
    assert rd.eigenvector_text(rd.spectrum_result(rd.MatrixSettings("rotation"))) is None
    assert rd.eigenvector_text(rd.spectrum_result(typed(np.diag(np.arange(7.0, 0.0, -1.0))))) is None


def test_dominant_label_writes_a_complex_pair_with_plus_minus():
    assert rd.dominant_label(rd.spectrum_result(rd.MatrixSettings("rotation"))) == "λ₁ = 0.9093 ± 0.525i"
    assert rd.dominant_label(rd.spectrum_result(rd.MatrixSettings("distinct"))) == "λ₁ = 3"


# ---------------------------------------------------------------------------
# every scenario, end to end without Streamlit


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.key for s in SCENARIOS])
def test_every_scenario_reads_without_nan_in_its_words(scenario):
    v = scenario.values
    s = rd.MatrixSettings.of(v["matrix"], v["form"], n=v.get("n", 50), gain=v.get("g", 1.0), seed=v.get("seed", 0),
                             rows=rd.read_typed(v.get("custom", "1 2\n3 4")).rows)
    r = rd.convergence_result(s, v["steps"])
    spectrum = rd.spectrum_result(s)
    texts = [rd.convergence_verdict(r).text, rd.convergence_table(r), rd.direction_plot(r).caption,
             rd.norm_caption(r), rd.rayleigh_caption(r), rd.spectrum_text(spectrum), rd.dominant_label(spectrum),
             rd.describe_matrix(s, rd.matrix_of(s)).title]
    for text in texts:
        assert not re.search(r"\bnan\b|\binf\b", text), text
    assert "Gelfand" not in " ".join(texts).replace("Gelfand's formula ‖Wᵗ‖^(1/t) → ρ(W)", "")
