"""Every page through Streamlit's AppTest: loads, scenarios, deep links, garbage URLs."""

from __future__ import annotations

import math

import pytest
from streamlit.testing.v1 import AppTest

from explorer.app.registry import PAGES
from tests.conftest import APP, assert_charts_finite

TIMEOUT = 120

PAGE_IDS = [p.prefix for p in PAGES]
SCENARIO_CASES = [
    pytest.param(p, s, id=f"{p.prefix}-{s.key}") for p in PAGES for s in p.scenarios
]


def load(spec, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()  # st.navigation must register the pages before switch_page can find them
    at.switch_page(spec.path)
    at.run()
    return at


def assert_on_page(at: AppTest, spec) -> None:
    assert at.title and at.title[0].value == spec.title, "AppTest opened a different page"


def assert_healthy(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert assert_charts_finite(at) >= 1
    assert any("Verdict" in m.value for m in at.markdown), "page has no verdict sentence"


def control_value(at: AppTest, spec, name: str):
    return at.session_state[f"{spec.prefix}_{name}"]


def values_equal(a, b) -> bool:
    if isinstance(b, float):
        return math.isclose(float(a), b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(b, (list, tuple)):
        return list(a) == list(b)
    return a == b


def test_home_page_links_every_page():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Gradient Explorer"
    links = at.get("page_link")
    assert len(links) == len(PAGES)


@pytest.mark.parametrize("spec", PAGES, ids=PAGE_IDS)
def test_page_loads_with_charts_and_verdict(spec):
    at = load(spec)
    assert_on_page(at, spec)
    assert_healthy(at)


@pytest.mark.parametrize("spec", PAGES, ids=PAGE_IDS)
def test_default_scenario_equals_control_defaults(spec):
    at = load(spec)
    default = spec.scenarios[0]
    assert at.session_state[f"{spec.prefix}_case"] == default.key
    for name, value in default.values.items():
        assert values_equal(control_value(at, spec, name), value), name


@pytest.mark.parametrize(("spec", "scenario"), SCENARIO_CASES)
def test_choosing_scenario_sets_its_controls(spec, scenario):
    at = load(spec)
    at.selectbox(key=f"{spec.prefix}_case").set_value(scenario.key).run()
    assert_healthy(at)
    for name, value in scenario.values.items():
        assert values_equal(control_value(at, spec, name), value), name


@pytest.mark.parametrize(("spec", "scenario"), SCENARIO_CASES)
def test_scenario_deep_link_applies_scenario(spec, scenario):
    at = load(spec, {f"{spec.prefix}_case": scenario.key})
    assert_healthy(at)
    assert at.session_state[f"{spec.prefix}_case"] == scenario.key
    for name, value in scenario.values.items():
        assert values_equal(control_value(at, spec, name), value), name


@pytest.mark.parametrize(("spec", "scenario"), SCENARIO_CASES)
def test_copied_address_reproduces_the_view(spec, scenario):
    """Pick a scenario, copy the URL Streamlit wrote, drop the scenario name: same controls."""
    at = load(spec)
    at.selectbox(key=f"{spec.prefix}_case").set_value(scenario.key).run()
    query = {k: v for k, v in at.query_params.items() if k != f"{spec.prefix}_case"}
    query[f"{spec.prefix}_case"] = "custom"
    fresh = load(spec, query)
    assert_healthy(fresh)
    assert fresh.session_state[f"{spec.prefix}_case"] == "custom"
    for name, value in scenario.values.items():
        assert values_equal(control_value(fresh, spec, name), value), name


_KEYS: dict[str, list[str]] = {}


def _page_control_keys(spec) -> list[str]:
    """Every URL-bound control key the page creates (read from a default run)."""
    if spec.prefix not in _KEYS:
        at = load(spec)
        kinds = ("slider", "selectbox", "multiselect", "number_input", "text_area", "toggle", "button_group")
        keys = {getattr(w, "key", None) for kind in kinds for w in at.get(kind)}
        _KEYS[spec.prefix] = sorted(
            k for k in keys if k and k.startswith(f"{spec.prefix}_") and k != f"{spec.prefix}_case"
        )
    return _KEYS[spec.prefix]


GARBAGE = ["NaN", "inf", "-1e999", "1e308", "abc", "", "[[1,2]", "0x10", "%00", "🙂", "-0", "9" * 400]


@pytest.mark.parametrize("spec", PAGES, ids=PAGE_IDS)
@pytest.mark.parametrize("garbage", GARBAGE)
def test_garbage_query_params_fall_back_to_defaults(spec, garbage):
    keys = _page_control_keys(spec)
    query = dict.fromkeys(keys, garbage)
    query[f"{spec.prefix}_case"] = garbage
    at = load(spec, query)
    assert not at.exception, [e.value for e in at.exception]
    assert assert_charts_finite(at) >= 1


@pytest.mark.parametrize(("spec", "scenario"), SCENARIO_CASES)
def test_tweaking_after_scenario_link_keeps_every_value_in_url(spec, scenario):
    """A scenario link, then one slider moved: the URL must now carry the whole view."""
    at = load(spec, {f"{spec.prefix}_case": scenario.key})
    slider = next(s for s in at.slider if s.key and s.key.startswith(spec.prefix))
    moved = slider.key.removeprefix(f"{spec.prefix}_")
    slider.set_value(slider.max if slider.value != slider.max else slider.min).run()
    query = dict(at.query_params)
    assert query.get(f"{spec.prefix}_case") == "custom"
    fresh = load(spec, query)
    assert_healthy(fresh)
    for name, value in scenario.values.items():
        if name != moved:
            assert values_equal(control_value(fresh, spec, name), value), name
    assert values_equal(control_value(fresh, spec, moved), slider.value)


@pytest.mark.parametrize("spec", PAGES, ids=PAGE_IDS)
def test_touching_a_control_marks_view_custom(spec):
    at = load(spec)
    sliders = [s for s in at.slider if s.key and s.key.startswith(spec.prefix)]
    assert sliders, "page has no slider"
    s = sliders[0]
    s.set_value(s.max if s.value != s.max else s.min).run()
    assert at.session_state[f"{spec.prefix}_case"] == "custom"
    assert not at.exception


def test_home_overview_states_the_compounding_correctly():
    """The overview's numbers are the powers it names, and it never calls the RNN factors identical."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    text = " ".join(m.value for m in at.markdown)
    assert f"{0.9 ** 50:.2%}" in text and f"{1.1 ** 50:.0f}-fold" in text
    assert f"{0.99 ** 50:.0%}" in text  # 0.99 per step is not "almost nothing" after 50 steps
    assert "same matrix each time" not in text
    assert "different" in text and "diagonal" in text
