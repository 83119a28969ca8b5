"""Presenter mode and classroom links in headless Chromium at 1280 × 720 (a projector).

Every page in presenter mode: type large enough for a lecture hall, the sidebar
collapsed, one figure at a time with working Previous / Next buttons, and nothing
cut off (the equation-width check of test_browser.py, plus no horizontal overflow).
A control hidden by a classroom link stays hidden, with its value, after a reload.
Screenshots of every figure in presenter mode go to artifacts/screenshots/present-*.png.
"""

from __future__ import annotations

import re

import pytest

from explorer.app.presenter import BODY_PX
from explorer.app.registry import PAGES
from tests.test_browser import (
    OVERFLOWING_EQUATIONS,
    SHOTS,
    _shots_dir,
    assert_no_errors,
    browser_context_args,
    browser_type_launch_args,
    server,
    wait_for_app,
)

pytestmark = pytest.mark.browser
FIXTURES = (server, browser_context_args, browser_type_launch_args, _shots_dir)
"""The browser tests' fixtures, used here as they are."""

PROJECTOR = {"width": 1280, "height": 720}
BODY_FONT = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stMarkdownContainer"] p')]
    .filter(p => p.offsetParent !== null && p.textContent.trim().length > 20)
    .map(p => parseFloat(getComputedStyle(p).fontSize))"""
WIDE = """() => { const m = document.querySelector('[data-testid="stMain"]');
    return m.scrollWidth - m.clientWidth; }"""
LABEL = "[class*='-present-nav'] strong"


def figure_label(page) -> str:
    return page.locator(LABEL).first.inner_text()


def check_projector_view(page, name: str) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=30_000)
    page.wait_for_timeout(400)
    assert_no_errors(page)
    assert page.locator("[data-testid='stSidebar'][aria-expanded='true']").count() == 0, "sidebar not collapsed"
    sizes = page.evaluate(BODY_FONT)
    assert sizes and min(sizes) >= BODY_PX, sizes
    assert page.evaluate(OVERFLOWING_EQUATIONS) == []
    assert page.evaluate(WIDE) <= 2, "the page scrolls sideways: something is cut off"
    charts = page.locator("[data-testid='stVegaLiteChart']").count()
    assert page.locator("button[aria-label^='Download as PNG']").count() >= charts, "a chart has no PNG button"
    page.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.mark.parametrize("spec", PAGES, ids=[p.prefix for p in PAGES])
def test_presenter_mode_steps_through_every_figure(page, server, spec):
    page.set_viewport_size(PROJECTOR)
    page.goto(f"{server}/{spec.url_path}?present=1")
    wait_for_app(page, min_charts=1)
    assert page.locator("[data-testid='stSidebar'][aria-expanded='true']").count() == 0, "sidebar not collapsed"
    label = figure_label(page)
    total = int(re.fullmatch(r"Figure 1 of (\d+)", label).group(1))
    for number in range(1, total + 1):
        if number > 1:
            page.get_by_role("button", name="Next").click()
            page.wait_for_url(re.compile(rf"figure={number}"), timeout=30_000)
            wait_for_app(page, min_charts=1)
            page.wait_for_function(f"() => document.querySelector(\"{LABEL}\")?.textContent === "
                                   f"'Figure {number} of {total}'", timeout=30_000)
        assert page.locator("[class*='-fig-'] h3").count() <= 1, "more than one figure shown"
        check_projector_view(page, f"present-{spec.prefix}-{number}")
    assert page.get_by_role("button", name="Next").is_disabled()
    page.reload()
    wait_for_app(page)
    assert figure_label(page) == f"Figure {total} of {total}", "the figure is not kept in the address"


@pytest.mark.parametrize("spec", PAGES, ids=[p.prefix for p in PAGES])
def test_a_hidden_control_stays_hidden_after_reload(page, server, spec):
    page.set_viewport_size(PROJECTOR)
    page.goto(f"{server}/{spec.url_path}?{spec.case_key}={spec.scenarios[-1].key}")
    wait_for_app(page)
    key = page.locator("[data-testid='stSlider']").first.evaluate(
        "el => [...el.closest('[class*=\"st-key-\"]').classList].find(c => c.startsWith('st-key-'))")
    name = key.removeprefix(f"st-key-{spec.prefix}_")
    value = page.locator(f".{key} input[type='range']").input_value()
    page.goto(f"{server}/{spec.url_path}?{spec.case_key}={spec.scenarios[-1].key}&hide={name}")
    wait_for_app(page)
    for attempt in ("first load", "reload"):
        box = page.locator(f".st-key-ge-hide-{spec.prefix}-{name}")
        assert box.count() == 1, attempt
        box.wait_for(state="hidden", timeout=10_000)  # the page's style element may land just after the widgets
        page.wait_for_timeout(500)
        assert not box.is_visible(), f"hidden control shown after {attempt}"
        assert page.locator(f".{key} input[type='range']").input_value() == value, attempt
        assert f"hide={name}" in page.url
        page.reload()
        wait_for_app(page)
    assert_no_errors(page)


def test_predict_then_reveal_in_presenter_mode(page, server):
    spec = next(p for p in PAGES if p.key == "eigenvalues")
    page.set_viewport_size(PROJECTOR)
    page.goto(f"{server}/{spec.url_path}?q=1&present=1")
    wait_for_app(page, min_charts=1)
    commit = page.get_by_role("button", name="Commit and reveal")
    assert commit.is_disabled()
    page.get_by_text("Yes", exact=True).click()
    page.get_by_role("button", name="Commit and reveal").click()
    page.get_by_text("Right: Yes.").wait_for(timeout=30_000)
    assert page.get_by_text("peaks at").count() >= 1
    check_projector_view(page, "present-eig-question-revealed")
