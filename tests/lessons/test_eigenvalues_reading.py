"""Every branch of the eigenvalue page's readings: settings, the measurement, captions, tables and verdicts.

The typed results are built from the page's own scenarios (the calls the page makes) or, for branches no
scenario reaches, by changing one field of a real measurement with ``dataclasses.replace``.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import math

import numpy as np
import pytest

from explorer import chartkit, sim
from explorer.lessons.eigenvalues import reading as rd
from explorer.lessons.eigenvalues.scenarios import DEFAULTS, SCENARIOS
from explorer.reading import Verdict
from explorer.sim import Regime
from tests.conftest import ROOT

READING = ROOT / "explorer" / "lessons" / "eigenvalues" / "reading.py"


def values(key: str, **changes) -> dict:
    return {**next(s for s in SCENARIOS if s.key == key).values, **changes}


def settings(key: str, **changes) -> rd.PageSettings:
    return rd.PageSettings.from_values(values(key, **changes))


@functools.cache
def _measured(key: str, changes: tuple) -> rd.Measurement:
    return rd.measure(settings(key, **dict(changes)))


def measured(key: str, **changes) -> rd.Measurement:
    return _measured(key, tuple(sorted(changes.items())))


def limits(**fields) -> sim.FloatLimits:
    none = {f.name: None for f in dataclasses.fields(sim.FloatLimits) if f.name.endswith("_step")}
    return dataclasses.replace(measured("all_inside").limits, **{**none, **fields})


# ---------------------------------------------------------------------------
# the module stays pure


def test_reading_imports_neither_streamlit_nor_altair_nor_pandas():
    tree = ast.parse(READING.read_text())
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not names & {"streamlit", "altair", "pandas"}


def test_the_page_keeps_no_private_copy_of_the_formatters():
    source = READING.read_text() + (READING.parent / "charts.py").read_text() + (READING.parent / "view.py").read_text()
    for private in ("LN10 =", "def _pow10_text", "def pow10_text", "def _p10", "def _f(", "def _z(", "SimpleNamespace"):
        assert private not in source, private


# ---------------------------------------------------------------------------
# settings


def test_mode_label_writes_a_pair_with_its_angle_and_a_real_mode_with_its_sign():
    assert rd.mode_label(0.8 * complex(math.cos(1.0), math.sin(1.0)), True) == "λ = 0.8·e^(±i 57°)"
    assert rd.mode_label(complex(-0.5, 0.0), False) == "λ = -0.5"
    assert rd.mode_label(complex(0.9, 0.0), False) == "λ = 0.9"


@pytest.mark.parametrize(("kind", "angle", "form", "eigenvalue"), [
    ("pos", 0.0, "real", 0.9),
    ("neg", math.pi, "real", -0.9),
    ("pair", math.radians(52), "pair", 0.9 * complex(math.cos(math.radians(52)), math.sin(math.radians(52)))),
])
def test_a_mode_gives_the_sim_its_modulus_angle_and_form(kind, angle, form, eigenvalue):
    mode = rd.Mode(kind, 0.9, 52)
    assert mode.spec == (0.9, pytest.approx(angle), form)
    assert mode.eigenvalue == pytest.approx(eigenvalue)
    assert mode.is_pair is (kind == "pair")


def test_matrix_settings_keep_only_what_their_source_uses():
    jordan = rd.MatrixSettings.of(values("jordan_critical"))
    assert jordan == rd.MatrixSettings("jordan", 0, jlam=1.0, jsize=4)
    assert rd.MatrixSettings.of(values("jordan_critical", mag1=2.5, n=30)) == jordan  # unused controls: same key
    random = rd.MatrixSettings.of(values("random_1.1"))
    assert random == rd.MatrixSettings("random", 4, n=200, gain=1.1)
    modes = rd.MatrixSettings.of(values("critical_rotation"))
    assert modes.modes == (rd.Mode("pair", 1.0, 30), rd.Mode("pos", 0.7))  # count = 2: the rest is unused
    assert rd.MatrixSettings.of(values("critical_rotation", mag4=2.9, jlam=0.3, deg2=100)) == modes


@pytest.mark.parametrize(("key", "shape"), [("jordan_inside", (8, 8)), ("random_0.9", (200, 200)),
                                            ("nonnormal_transient", (4, 4)), ("all_inside", (4, 4))])
def test_the_matrix_comes_from_the_sim_for_each_source(key, shape):
    assert rd.MatrixSettings.of(values(key)).matrix().shape == shape  # a pair counts twice


def test_only_a_random_w_is_measured_along_a_vector():
    assert rd.MatrixSettings.of(values("random_1.0")).measured_label == "‖Wᵗx‖"
    assert rd.MatrixSettings.of(values("jordan_critical")).measured_label == "‖Wᵗ‖"


def test_a_large_random_w_follows_fewer_steps_and_says_so():
    s = settings("random_1.0", n=512, steps=10_000)
    assert (s.steps, s.requested_steps) == (int(rd.RANDOM_WORK // 512**2), 10_000)
    assert s.steps * 512**2 <= rd.RANDOM_WORK
    assert rd.cap_text(s) == f"With n = 512 the page follows {s.steps} steps (steps·n² is capped)."


def test_steps_are_never_capped_for_built_matrices_and_then_nothing_is_said():
    s = settings("jordan_inside", steps=10_000)
    assert s.steps == s.requested_steps == 10_000
    assert rd.cap_text(s) is None


@pytest.mark.parametrize(("key", "changes", "heavy"), [
    ("all_inside", {}, False), ("all_inside", {"steps": 3010}, True), ("random_1.0", {"n": 300}, True),
])
def test_long_runs_and_large_random_matrices_get_a_spinner(key, changes, heavy):
    assert settings(key, **changes).heavy is heavy


def test_the_first_scenario_is_the_controls_defaults():
    assert dict(SCENARIOS[0].values) == DEFAULTS
    assert DEFAULTS["decades"] == 6 and rd.DECADES[0] <= DEFAULTS["decades"] <= rd.DECADES[1]


# ---------------------------------------------------------------------------
# the measurement


def test_a_random_w_has_no_modal_picture_and_carries_its_gain():
    m = measured("random_0.9")
    assert m.modes is None and m.log_corner is None and m.peak is None
    assert m.log_gain == pytest.approx(math.log(0.9))
    assert math.isnan(m.cond_V) and len(m.regimes) == m.n == 200
    assert m.log_measured.size == m.log_gradient.size == 101


def test_a_non_normal_w_reports_its_transient_peak_and_its_modes():
    m = measured("nonnormal_transient")
    assert m.peak == rd.Peak(8, pytest.approx(math.log(28.0), abs=0.01))
    assert m.modes is not None and m.modes.reliable and m.log_cancel > rd.OVERSHOOT_LOG
    assert m.log_corner is None and m.log_gain is None


def test_a_jordan_block_carries_its_corner_entry_and_no_reliable_modes():
    m = measured("jordan_inside")
    assert m.log_corner is not None and m.log_corner.size == 401
    assert not m.modes.reliable and math.isnan(m.log_cancel)
    assert m.peak is not None and m.peak.step == 69


def test_no_transient_peak_is_reported_when_rho_is_on_the_unit_circle():
    m = measured("jordan_critical")  # ||J^t|| grows, but rho = 1 is not "decay after a hump"
    assert m.peak is None


@pytest.mark.parametrize(("key", "changes", "regime"), [
    ("all_inside", {}, Regime.VANISHES), ("one_outside", {}, Regime.EXPLODES),
    ("critical_rotation", {}, Regime.NEUTRAL), ("jordan_critical", {"jlam": 0.0}, Regime.ZERO),
])
def test_the_page_regime_is_that_of_rho_and_zero_for_a_nilpotent_w(key, changes, regime):
    assert measured(key, **changes).regime is regime


def test_rho_just_below_one_by_rounding_is_not_called_vanishing():
    assert rd._vanishes(math.log(1 - 1e-16)) is False
    assert rd._vanishes(math.log(0.9)) is True
    assert rd._vanishes(-math.inf) is True


# ---------------------------------------------------------------------------
# notes beside the controls


def test_the_jordan_and_random_sources_explain_themselves_and_modes_need_no_note():
    assert "only one eigenvector" in rd.source_note("jordan")
    assert "circular law" in rd.source_note("random")
    assert rd.source_note("modes") is None


@pytest.mark.parametrize(("key", "text"), [
    ("all_inside", "1 (W is normal)"), ("jordan_inside", "∞ (no eigenvector basis)"), ("nonnormal_transient", "100"),
])
def test_cond_v_is_spelled_out_when_normal_or_infinite(key, text):
    assert rd.cond_text(measured(key)) == text
    assert rd.cond_caption(measured(key)) == f"cond(V) = {text}"


# ---------------------------------------------------------------------------
# figure 1: where the eigenvalues sit


def test_plane_caption_names_the_shapes_chartkit_draws_and_the_gain_circle_only_for_random():
    assert (chartkit.REGIME_SHAPES[Regime.EXPLODES], chartkit.REGIME_SHAPES[Regime.VANISHES],
            chartkit.REGIME_SHAPES[Regime.NEUTRAL]) == ("triangle-up", "triangle-down", "circle")
    assert rd.plane_caption("modes") == rd.PLANE_CAPTION
    assert "pointing up (red)" in rd.PLANE_CAPTION and "pointing down (blue)" in rd.PLANE_CAPTION
    assert rd.plane_caption("random").endswith("The dashed circle has radius g.")


def test_only_a_jordan_block_annotates_its_eigenvalue():
    assert rd.plane_annotation(settings("jordan_inside").matrix) == "λ = 0.9, 8 times, 1 eigenvector"
    assert rd.plane_annotation(settings("all_inside").matrix) is None


def test_spectrum_line_quotes_cond_v_except_for_a_random_w():
    assert rd.spectrum_line(measured("nonnormal_transient")) == "**ρ(W) = 0.97**, ‖W‖₂ = 10.28, cond(V) = 100; n = 4."
    assert rd.spectrum_line(measured("random_1.1")) == "**ρ(W) = 1.106**, ‖W‖₂ = 2.139; n = 200."


@pytest.mark.parametrize(("regime", "magnitude", "steps", "text"), [
    (Regime.NEUTRAL, 1.0, math.inf, "keeps its size (|λ| = 1)"),
    (Regime.VANISHES, 0.0, 0.0, "λᵗ = 0 from t = 1"),
    (Regime.EXPLODES, 1.05, 14.2067, "doubles every 14.2 steps"),
    (Regime.VANISHES, 0.9, 6.5788, "halves every 6.58 steps"),
    (Regime.VANISHES, 0.5, 1.0, "halves every step"),
])
def test_pace_text_for_each_kind_of_mode(regime, magnitude, steps, text):
    assert rd.pace_text(regime, magnitude, steps) == text


def test_half_life_table_lists_the_page_s_modes():
    t = rd.half_life_table(measured("one_outside")).columns()
    assert t == {"mode": ["mode 1: λ = 1.05", "mode 2: λ = 0.9·e^(±i 52°)", "mode 3: λ = -0.6"],
                 "|λ|": ["1.05", "0.9", "0.6"],
                 "ln 2 / |ln|λ||": ["doubles every 14.2 steps", "halves every 6.58 steps", "halves every 1.36 steps"]}


def test_half_life_table_lists_a_jordan_eigenvalue_once_with_its_multiplicity():
    assert rd.half_life_table(measured("jordan_critical")).columns() == {
        "mode": ["λ = 1 (× 4)"], "|λ|": ["1"], "ln 2 / |ln|λ||": ["keeps its size (|λ| = 1)"]}


def test_half_life_table_lists_six_largest_of_a_random_w_one_per_pair():
    m = measured("random_1.1")
    t = rd.half_life_table(m)
    assert len(t.names) == rd.TABLE_EIGENVALUES
    assert t.names[0].startswith("λ₁ = 1.106") and t.names[5].startswith("λ₆ = ")
    assert t.magnitudes[0] == f"{m.rho:.4g}"


@pytest.mark.parametrize(("source", "tail"), [
    ("random", "Only the six largest eigenvalues"), ("jordan", "binomial factors C(t, k)"), ("modes", "ln|λ|| steps."),
])
def test_half_life_note_says_what_the_table_leaves_out(source, tail):
    assert tail in rd.half_life_note(source)


# ---------------------------------------------------------------------------
# figure 2: how big Wᵗ gets


def test_growth_table_quotes_the_peak_and_the_float_exits():
    assert rd.growth_table(measured("nonnormal_transient")).splitlines()[2:] == [
        "| ρ(W) | 0.97 |", "| ‖W‖₂ | 10.28 |", "| ‖Wᵗ‖ at t = 300 | 0.00466 |", "| transient peak | 28 at t = 8 |",
        "| leaves float32 | no |", "| leaves float64 | no |"]
    overflow = rd.growth_table(measured("float_overflow"))
    assert "| transient peak | — |" in overflow
    assert "| leaves float32 | t = 81 |" in overflow and "| leaves float64 | t = 647 |" in overflow


def test_exit_step_text_is_no_or_the_step():
    assert rd.exit_step_text(None) == "no"
    assert rd.exit_step_text(81) == "t = 81"


@pytest.mark.parametrize(("key", "changes", "has", "lacks"), [
    ("random_1.0", {}, ["Solid: ‖Wᵗx‖", "Dash-dot: gᵗ"], ["Orange dashed", "Exact zeros"]),
    ("jordan_critical", {}, ["Solid: ‖Wᵗ‖", "Orange dashed: the corner entry"], ["Dash-dot", "Exact zeros"]),
    ("all_inside", {}, ["Solid: ‖Wᵗ‖"], ["Dash-dot", "Orange dashed", "Exact zeros"]),
    ("jordan_critical", {"jlam": 0.0}, ["Exact zeros are not drawn."], []),
])
def test_growth_caption_names_only_the_lines_drawn(key, changes, has, lacks):
    text = rd.growth_caption(measured(key, **changes))
    assert all(h in text for h in has) and not any(x in text for x in lacks)


@pytest.mark.parametrize(("fields", "text"), [
    ({}, ""),
    ({"float32_overflow_step": 81, "float64_overflow_step": 647},
     " As a plain floating-point number it would overflow float32 at t = 81 and overflow float64 at t = 647."),
    ({"float32_underflow_step": 171},
     " As a plain floating-point number it would underflow float32 at t = 171."),
    ({"float64_overflow_step": 30, "float64_underflow_step": 90},
     " As a plain floating-point number it would overflow float64 at t = 30."),
    ({"float64_overflow_step": 90, "float64_underflow_step": 30},
     " As a plain floating-point number it would underflow float64 at t = 30."),
])
def test_exits_text_names_the_first_limit_left_per_format(fields, text):
    assert rd.exits_text(limits(**fields)) == text


@pytest.mark.parametrize(("key", "regime", "rate"), [
    ("random_1.1", Regime.EXPLODES, "×1.09"), ("random_0.9", Regime.VANISHES, "×0.892"),
])
def test_random_verdict_follows_the_measured_late_rate(key, regime, rate):
    v = rd.growth_verdict(measured(key))
    assert v.regime is regime
    assert f"measured {rate} per step over the second half" in v.text and "Girko's circular law" in v.text


def test_random_verdict_is_neutral_within_the_rate_tolerance():
    m = measured("random_1.0")
    flat = dataclasses.replace(m, log_measured=np.zeros_like(m.log_measured))
    v = rd.random_verdict(flat)
    assert v.regime is Regime.NEUTRAL and "measured ×1 per step" in v.text


def test_a_nilpotent_w_reads_exactly_zero():
    v = rd.growth_verdict(measured("jordan_critical", jlam=0.0))
    assert v == Verdict("Every eigenvalue is 0: W is nilpotent, so Wᵗ is exactly 0 after at most n steps.", Regime.ZERO)


def test_a_nilpotent_w_that_first_grows_says_how_far():
    m = measured("jordan_critical", jlam=0.0)
    grown = dataclasses.replace(m, log_measured=np.array([0.0, math.log(50.0), -math.inf]))
    assert rd.growth_verdict(grown).text.endswith(" — though it first reaches 50.")


def test_vanishing_normal_w_never_rises_above_one():
    v = rd.growth_verdict(measured("all_inside"))
    assert v == Verdict("ρ(W) = 0.9 < 1, so Wᵗ → 0: ‖Wᵗ‖ = 10^-4.6 at t = 100, and it never rises above 1 "
                        "(W is normal).", Regime.VANISHES)


def test_vanishing_non_normal_w_without_a_hump_does_not_claim_normality():
    m = dataclasses.replace(measured("nonnormal_transient"), peak=None, is_normal=False)
    assert rd.growth_verdict(m).text.endswith("and it never rises above 1.")


def test_vanishing_non_normal_w_quotes_its_hump_and_cond_v():
    v = rd.growth_verdict(measured("nonnormal_transient"))
    assert v.regime is Regime.VANISHES
    assert v.text.endswith("but W is far from normal (cond(V) = 100) and ‖Wᵗ‖ first grows to 28 at t = 8.")


def test_vanishing_jordan_block_names_its_single_eigenvector():
    v = rd.growth_verdict(measured("jordan_inside"))
    assert "a Jordan block of size 8 (one eigenvector, cond(V) = ∞) and ‖Wᵗ‖ first grows to 10^6.2 at t = 69" in v.text


def test_vanishing_below_the_float_range_adds_the_underflow_steps():
    v = rd.growth_verdict(measured("float_underflow"))
    assert v.text.endswith("underflow float32 at t = 171 and underflow float64 at t = 1387.")


def test_a_slow_explosion_reads_as_a_doubling_time():
    v = rd.growth_verdict(measured("one_outside"))
    assert v == Verdict("ρ(W) = 1.05 > 1, so ‖Wᵗ‖ explodes: it doubles about every 14.2 steps and reaches 1.51e+03 "
                        "at t = 150.", Regime.EXPLODES)


def test_a_fast_explosion_reads_as_a_factor_per_step_with_the_float_exits():
    v = rd.growth_verdict(measured("float_overflow"))
    assert v.regime is Regime.EXPLODES
    assert "it grows about ×3 per step and reaches 10^477.1 at t = 1000" in v.text
    assert v.text.endswith("overflow float32 at t = 81 and overflow float64 at t = 647.")


def test_a_jordan_block_on_the_unit_circle_explodes_polynomially():
    v = rd.growth_verdict(measured("jordan_critical"))
    assert v.regime is Regime.EXPLODES
    assert "4 × 4 Jordan block makes ‖Wᵗ‖ grow like a polynomial: 10^6.1 at t = 200" in v.text
    assert "corner entry C(t, 3) = 10^6.1." in v.text


def test_a_normal_w_on_the_unit_circle_keeps_its_size_exactly():
    v = rd.growth_verdict(measured("critical_rotation"))
    assert v == Verdict("ρ(W) = 1: the eigenvalues predict neither explosion nor decay, and ‖Wᵗ‖ = 1 at t = 100 "
                        "(W is normal, so it stays exactly 1).", Regime.NEUTRAL)


def test_a_non_normal_w_on_the_unit_circle_is_held_below_cond_v():
    m = measured("critical_rotation", nu=0.9)
    v = rd.growth_verdict(m)
    assert v.regime is Regime.NEUTRAL and not m.is_normal
    assert v.text.endswith(f", held between 1 and about cond(V) = {m.cond_V:.3g} because W is not normal.")


def test_growth_alt_text_names_what_is_measured():
    assert rd.growth_alt(settings("random_1.0").matrix) == "log10 ‖Wᵗx‖ against t with ρᵗ and ‖W‖ᵗ"
    assert rd.growth_alt(settings("all_inside").matrix) == "log10 ‖Wᵗ‖ against t with ρᵗ and ‖W‖ᵗ"


# ---------------------------------------------------------------------------
# figure 3: the long-run rate (wrong claim fixed: Gelfand's formula is about the matrix, not a vector)


def test_the_vector_limit_is_never_called_gelfand_s_formula():
    text = rd.gelfand_caption(settings("random_1.0").matrix)
    assert text.startswith("‖Wᵗx‖^(1/t) → ρ(W) for a generic x")
    assert "Gelfand's formula ‖Wᵗ‖^(1/t) → ρ(W) is about the matrix" in text
    assert "Gelfand's formula: ‖Wᵗx‖" not in text
    assert "generic x" in rd.gelfand_alt(settings("random_1.0").matrix)


def test_the_matrix_limit_is_gelfand_s_formula():
    s = settings("nonnormal_transient").matrix
    assert rd.gelfand_caption(s).startswith("Gelfand's formula: ‖Wᵗ‖^(1/t) → ρ(W) as t grows")
    assert rd.gelfand_alt(s).startswith("Gelfand's formula: ‖Wᵗ‖")


# ---------------------------------------------------------------------------
# figure 4: the modal picture


def test_modes_absent_text_counts_the_eigen_directions():
    assert rd.modes_absent_text(measured("random_1.0")).startswith("With 200 eigen-directions")


def test_modes_unreliable_text_for_a_jordan_block_and_for_nearly_parallel_eigenvectors():
    assert "one eigenvector for its 8 equal eigenvalues" in rd.modes_unreliable_text(measured("jordan_inside"))
    tilted = dataclasses.replace(measured("nonnormal_transient"), cond_V=3e12)
    text = rd.modes_unreliable_text(tilted)
    assert "cond(V) = 3e+12" in text and "mostly rounding error" in text


def test_modes_text_explains_cancellation_only_when_modes_overshoot():
    assert "single modes reach 39.5 times the whole vector" in rd.modes_text(measured("nonnormal_transient"))
    assert rd.modes_text(measured("all_inside")).endswith("the eigenvectors are close to orthogonal.")


def test_modes_caption_quotes_the_depth_control():
    assert "more than 10⁶ below it" in rd.modes_caption(6)
    assert "more than 10¹² below it" in rd.modes_caption(12)


# ---------------------------------------------------------------------------
# figure 5: the gradient


def test_gradient_text_quotes_both_sizes_and_says_generic_g():
    text = rd.gradient_text(measured("one_outside"))
    assert "(for a generic gradient g)" in text
    assert "after 150 steps back, against ‖Wᵗ‖ = 1.51e+03." in text


@pytest.mark.parametrize(("key", "label", "rate_label", "caption"), [
    ("random_1.1", "‖Wᵗx‖: forward signal", rd.GAIN_LABEL, "Dotted: gᵗ."),
    ("all_inside", "‖Wᵗ‖: the largest possible", rd.RHO_LABEL, "Dotted: ρ(W)ᵗ."),
])
def test_the_gradient_is_compared_with_what_the_source_allows(key, label, rate_label, caption):
    m = measured(key)
    ref = rd.gradient_reference(m)
    assert (ref.label, ref.rate_label) == (label, rate_label)
    assert ref.log_rate == (m.log_gain if key.startswith("random") else m.log_rho)
    assert rd.gradient_caption(m.source).endswith(caption)


# ---------------------------------------------------------------------------
# figure 3's own control: the per-step factor read out at one step


def test_rate_probe_is_clipped_to_the_computed_steps():
    m = measured("nonnormal_transient")
    assert rd.rate_probe(m, 0).step == 1
    assert rd.rate_probe(m, 10_000).step == m.steps == 300
    assert rd.rate_probe(m, 10).root == pytest.approx(math.exp(m.log_measured[10] / 10))


def test_probe_text_reads_a_root_that_has_arrived_at_rho():
    assert rd.probe_text(rd.rate_probe(measured("all_inside"), 10)) == \
        "At t = 10: ‖Wᵗ‖^(1/t) = 0.9, within 1% of ρ(W) = 0.9."


def test_probe_text_says_how_far_above_rho_a_transient_keeps_the_root():
    assert rd.probe_text(rd.rate_probe(measured("nonnormal_transient"), 10)) == \
        "At t = 10: ‖Wᵗ‖^(1/t) = 1.393, 43.7% above ρ(W) = 0.97."


def test_probe_text_says_below_when_a_random_vector_lags_rho():
    assert rd.probe_text(rd.rate_probe(measured("random_1.1"), 100)) == \
        "At t = 100: ‖Wᵗx‖^(1/t) = 1.092, 1.2% below ρ(W) = 1.106."


def test_probe_text_for_a_nilpotent_w_before_and_after_it_reaches_zero():
    m = measured("jordan_critical", jlam=0.0)
    assert rd.probe_text(rd.rate_probe(m, 2)) == ("At t = 2: ‖Wᵗ‖^(1/t) = 1, while ρ(W) = 0: W is nilpotent, and "
                                                  "the size drops to exactly 0 by t = n.")
    assert rd.probe_text(rd.rate_probe(m, 5)) == "At t = 5: ‖Wᵗ‖ is exactly 0, so ‖Wᵗ‖^(1/t) = 0 = ρ(W)."


@pytest.mark.parametrize(("key", "drawn"), [("nonnormal_transient", True), ("jordan_inside", False),
                                            ("random_0.9", False)])
def test_only_a_built_w_with_a_trustworthy_eigenbasis_draws_its_modes(key, drawn):
    assert rd.has_modal_picture(measured(key)) is drawn
