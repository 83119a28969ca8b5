"""Links that last: every published deep link keeps opening its view.

Slides outlive releases. The lists below are frozen on purpose: renaming a
page's URL, a control prefix or a scenario key fails this test, so a change that
would break links in old slides has to keep an alias instead.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from explorer.app.registry import PAGES
from tests.conftest import ROOT
from tests.test_app import assert_healthy, control_value, load, values_equal

FROZEN_SCENARIO_LINKS = [
    *(f"/power-method?pm_case={k}" for k in (
        "distinct", "close", "symmetric", "rotation", "opposite", "jordan", "non_normal", "orthogonal_start",
        "row_form", "typed", "random_real", "random")),
    *(f"/eigenvalues?eig_case={k}" for k in (
        "all_inside", "one_outside", "critical_rotation", "nonnormal_transient", "jordan_critical",
        "jordan_inside", "float_overflow", "float_underflow", "random_0.9", "random_1.0", "random_1.1")),
    *(f"/jacobian-bound?jac_case={k}" for k in (
        "tanh_vanishing", "tanh_edge", "sigmoid_sigma3", "exploding", "linear_orthogonal", "deep_sigmoid",
        "deep_relu_he", "deep_tanh_orthogonal", "nilpotent", "spectral_radius_target")),
    *(f"/activations?act_case={k}" for k in ("classic", "sigmoid_deep", "saturated", "shifted", "gelu", "leaky")),
    *(f"/cliffs?clf_case={k}" for k in ("wall", "far", "saved", "crawl")),
    *(f"/gated-memory?gm_case={k}" for k in (
        "long_lag", "short_lag", "forget_bias_zero", "forget_bias_one", "chrono", "no_clip")),
    *(f"/deep-network-lab?dnl_case={k}" for k in (
        "critical", "ordered", "chaotic", "xavier", "he", "torch", "ortho", "resnet", "bn")),
]
"""Every ``?<prefix>_case=<key>`` link published so far (README, slides)."""

README_LINK = re.compile(r"`(/[a-z-]+\?[^`\s]+)`")


def page_and_query(link: str):
    parts = urlsplit(link)
    spec = next((p for p in PAGES if p.url_path == parts.path.strip("/")), None)
    return spec, dict(parse_qsl(parts.query))


def test_every_frozen_link_names_a_registered_page_and_scenario():
    for link in FROZEN_SCENARIO_LINKS:
        spec, query = page_and_query(link)
        assert spec is not None, f"{link}: no page at this path any more"
        key = query.get(spec.case_key)
        assert key in {s.key for s in spec.scenarios}, f"{link}: scenario {key!r} is gone"


def test_every_scenario_has_a_frozen_link():
    """A new scenario joins the frozen list, so its link is protected from then on."""
    frozen = set(FROZEN_SCENARIO_LINKS)
    for spec in PAGES:
        for s in spec.scenarios:
            assert f"/{spec.url_path}?{spec.case_key}={s.key}" in frozen, (spec.key, s.key)


def test_readme_deep_links_are_frozen():
    links = README_LINK.findall((ROOT / "README.md").read_text())
    assert links, "the README lists no deep link"
    for link in links:
        spec, _ = page_and_query(link)
        assert spec is not None, link
        if spec.case_key in link:
            assert link in FROZEN_SCENARIO_LINKS, link


@pytest.mark.parametrize("link", README_LINK.findall((ROOT / "README.md").read_text()))
def test_readme_deep_link_opens_its_view(link):
    spec, query = page_and_query(link)
    at = load(spec, query)
    assert_healthy(at)
    scenario = next((s for s in spec.scenarios if s.key == query.get(spec.case_key)), None)
    if scenario is not None:
        assert at.session_state[spec.case_key] == scenario.key
        for name, value in scenario.values.items():
            assert values_equal(control_value(at, spec, name), value), (link, name)
    for name, value in query.items():
        if name != spec.case_key:
            assert str(at.session_state[name]) == value or at.query_params.get(name) == value, (link, name)
