"""The eigenvalue page through AppTest: short URL keys, old label links, titled figures, the page's own words."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from explorer.app.registry import page
from tests.conftest import APP

SPEC = page("eigenvalues")


def load(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()  # st.navigation registers the page under its url_path first
    at.switch_page(SPEC.path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    return " ".join([*(m.value for m in at.markdown), *(c.value for c in at.caption)])


def test_choosing_a_source_and_a_mode_kind_writes_short_keys_into_the_url():
    at = load()
    at.selectbox(key="eig_kind1").set_value("pair").run()
    assert not at.exception
    assert at.query_params["eig_kind1"] == "pair" and at.query_params["eig_case"] == "custom"
    at.button_group(key="eig_source").set_value("jordan").run()
    assert not at.exception
    assert at.query_params["eig_source"] == "jordan"  # not "Jordan block"


def test_an_old_link_that_carries_labels_still_opens_its_view():
    at = load({"eig_case": "custom", "eig_source": "Jordan block", "eig_jlam": "0.9", "eig_jsize": "8"})
    assert at.session_state["eig_source"] == "jordan"
    assert "a Jordan block of size 8" in page_text(at)
    modes = load({"eig_case": "custom", "eig_kind1": "complex pair"})
    assert modes.session_state["eig_kind1"] == "pair"


def test_the_page_is_a_sequence_of_titled_figures():
    titles = [h.value for h in load().subheader]
    assert len(titles) == 5
    assert titles[0].startswith("Where the eigenvalues sit")
    assert titles[2].startswith("In the long run the size changes by ρ(W) per step")


def test_a_random_w_says_generic_x_instead_of_gelfand_s_formula_for_a_vector():
    text = page_text(load({"eig_case": "random_1.0"}))
    assert "‖Wᵗx‖^(1/t) → ρ(W) for a generic x" in text
    assert "Gelfand's formula: ‖Wᵗx‖" not in text
    assert "Gelfand's formula: ‖Wᵗ‖^(1/t) → ρ(W)" in page_text(load())


def test_the_figure_local_depth_control_marks_the_view_custom_and_reaches_the_url():
    at = load({"eig_case": "nonnormal_transient"})
    assert "more than 10⁶ below it" in page_text(at)
    at.slider(key="eig_decades").set_value(10).run()
    assert not at.exception
    assert at.session_state["eig_case"] == "custom"
    assert at.query_params["eig_decades"] == "10" and at.query_params["eig_nu"] == "0.99"
    assert "more than 10¹⁰ below it" in page_text(at)


def test_the_depth_control_exists_when_there_is_no_modal_picture():
    at = load({"eig_case": "custom", "eig_source": "random", "eig_decades": "9"})
    assert at.session_state["eig_decades"] == 9  # folded away, but a link still restores it
    assert "split into modes is not drawn" in page_text(at)


def test_the_nilpotent_verdict_reads_exactly_zero():
    at = load({"eig_case": "custom", "eig_source": "jordan", "eig_jlam": "0.0"})
    verdict = next(m.value for m in at.markdown if "Verdict" in m.value)
    assert ":material/block:" in verdict and "W is nilpotent" in verdict


def test_the_rate_figure_reads_its_own_step_and_the_link_keeps_it():
    at = load({"eig_case": "nonnormal_transient"})
    assert "At t = 10: ‖Wᵗ‖^(1/t) = 1.393, 43.7% above ρ(W) = 0.97." in page_text(at)
    at.slider(key="eig_probe").set_value(300).run()
    assert not at.exception
    assert at.query_params["eig_probe"] == "300" and at.session_state["eig_case"] == "custom"
    assert "At t = 300: ‖Wᵗ‖^(1/t) = 0.9823" in page_text(at)
    short = load({"eig_case": "custom", "eig_steps": "20", "eig_probe": "15"})
    assert short.session_state["eig_probe"] == 15
