"""The power-method page through AppTest: short URL keys, old links, the page's own words, one figure per claim."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from explorer.app.registry import page
from explorer.lessons.power.scenarios import MATRICES
from tests.conftest import APP

SPEC = page("power")


def load(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()  # st.navigation registers the page under its url_path first
    at.switch_page(SPEC.path)
    at.run()
    return at


def page_text(at: AppTest) -> str:
    return " ".join([*(m.value for m in at.markdown), *(c.value for c in at.caption)])


def test_choosing_the_random_matrix_writes_its_short_key_into_the_url():
    at = load()
    at.selectbox(key="pm_matrix").set_value("random").run()
    assert not at.exception
    assert dict(at.query_params) == {"pm_matrix": "random", "pm_case": "custom"}  # not the label


def test_an_old_link_that_carries_the_label_still_opens_the_random_matrix():
    at = load({"pm_case": "custom", "pm_matrix": "Random Gaussian n × n, gain g", "pm_n": "30"})
    assert not at.exception and not at.error
    assert at.session_state["pm_matrix"] == "random"
    assert f"**{MATRICES['random'].title.format(n=30, g=1.0)}.**" in page_text(at)


def test_the_description_is_the_page_s_own_text_for_the_matrix():
    at = load({"pm_case": "opposite"})
    text = page_text(at)
    assert f"**{MATRICES['opposite'].title}.** {MATRICES['opposite'].teaching}" in text
    assert "sqrt(5)" not in text and "+-" not in text


def test_the_page_is_a_sequence_of_titled_figures():
    at = load()
    titles = [h.value for h in at.subheader]
    assert len(titles) == 3
    assert titles[1].replace("\u2060", "") == ("Over many steps the angle to v₁ shrinks like |λ₂/λ₁|ᵗ and the norm "
                                               "like |λ₁|ᵗ")
    random = load({"pm_case": "random"})
    assert len(random.subheader) == 2  # no plane picture for a 256 × 256 matrix
    assert "The plane picture needs a 2 × 2 matrix; this W is 256 × 256." in page_text(random)


def test_the_norm_limit_is_never_called_gelfand_s_formula_for_a_vector():
    text = page_text(load())
    assert "‖Wᵗx‖^(1/t) → |λ₁| for a generic x" in text
    assert "Gelfand's formula ‖Wᵗ‖^(1/t) → ρ(W) is about the matrix" in text


def test_moving_steps_changes_the_verdict_and_marks_the_view_custom():
    at = load()
    before = next(m.value for m in at.markdown if "Verdict" in m.value)
    at.slider(key="pm_steps").set_value(10).run()
    assert not at.exception
    after = next(m.value for m in at.markdown if "Verdict" in m.value)
    assert "not reached within 10 steps" in after and after != before
    assert at.session_state["pm_case"] == "custom"
    assert at.query_params["pm_steps"] == "10"
