"""The real app in headless Chromium: every page renders, deep links restore state.

Runs ``streamlit run`` on a free port, waits for ``/_stcore/health`` and drives
Debian's Chromium through pytest-playwright. Screenshots land in
``artifacts/screenshots/`` (ignored by git) for a person to look at.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from explorer.app.registry import PAGES
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "artifacts" / "screenshots"
SLIDERS = "[data-testid='stSlider'] input[type='range']"


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists()


if not _chromium_available():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing in CI: tests/run.sh installs it with apt-get")
    pytest.skip(f"{CHROMIUM} not installed (run tests/run.sh, which installs it)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    port = _free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    (ROOT / "artifacts").mkdir(exist_ok=True)
    log = open(ROOT / "artifacts" / "streamlit-test.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("streamlit did not become healthy")
        time.sleep(0.3)
    yield url
    log.close()
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture(scope="session", autouse=True)
def _shots_dir():
    SHOTS.mkdir(parents=True, exist_ok=True)


def wait_for_app(page, min_charts: int = 0) -> None:
    """Wait until the script run has finished and the charts have drawn."""
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=90_000)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=90_000)
    if min_charts:
        page.wait_for_function(
            "n => document.querySelectorAll("
            "'[data-testid=\"stVegaLiteChart\"] canvas, [data-testid=\"stVegaLiteChart\"] svg').length >= n",
            arg=min_charts, timeout=60_000,
        )
    page.wait_for_timeout(300)


def screenshot(page, name: str) -> None:
    """Whole page: Streamlit scrolls inside its main block, so grow the viewport to fit it."""
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": min(int(height) + 50, 12_000)})
    page.wait_for_timeout(600)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.set_viewport_size({"width": width, "height": 1000})


def assert_no_errors(page) -> None:
    for selector in ("[data-testid='stException']", "[data-testid='stAlertContentError']"):
        assert page.locator(selector).count() == 0, f"{selector} shown"


def test_home_page_renders_and_links_pages(page, server):
    page.goto(server)
    wait_for_app(page)
    assert_no_errors(page)
    assert page.get_by_role("heading", name="Gradient Explorer").count() >= 1
    for spec in PAGES:
        assert page.get_by_text(spec.title).count() >= 1
    screenshot(page, "home")


@pytest.mark.parametrize("spec", PAGES, ids=[p.prefix for p in PAGES])
def test_page_renders_charts_without_errors(page, server, spec):
    page.goto(f"{server}/{spec.url_path}")
    wait_for_app(page, min_charts=1)
    assert_no_errors(page)
    assert page.get_by_text("Verdict.").count() >= 1
    screenshot(page, spec.prefix)


def slider_values(page) -> list[str]:
    return [s.input_value() for s in page.locator(SLIDERS).all()]


@pytest.mark.parametrize("spec", PAGES, ids=[p.prefix for p in PAGES])
def test_scenario_link_then_tweak_gives_a_copyable_url(page, server, spec):
    """Open a scenario link, nudge one slider, copy the address bar: the copy shows the same view."""
    scenario = spec.scenarios[-1]
    page.goto(f"{server}/{spec.url_path}?{spec.prefix}_case={scenario.key}")
    wait_for_app(page, min_charts=1)
    assert_no_errors(page)
    assert page.get_by_text(scenario.note).count() >= 1
    screenshot(page, f"{spec.prefix}-{scenario.key}")
    before = slider_values(page)
    page.locator(SLIDERS).last.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(re.compile(rf"{spec.prefix}_case=custom"), timeout=30_000)
    wait_for_app(page, min_charts=1)
    after = slider_values(page)
    assert before[:-1] == after[:-1] and before[-1] != after[-1]
    copied = page.url
    default = spec.scenarios[0]
    for name, value in scenario.values.items():
        if value != default.values.get(name):
            assert f"{spec.prefix}_{name}=" in copied, (name, copied)
    page.goto("about:blank")
    page.goto(copied)
    wait_for_app(page, min_charts=1)
    assert_no_errors(page)
    assert slider_values(page) == after


def test_garbage_deep_link_loads_defaults(page, server):
    spec = next(p for p in PAGES if p.prefix == "act")
    page.goto(f"{server}/{spec.url_path}?{spec.prefix}_case=%3Cscript%3E&{spec.prefix}_mu=NaN"
              f"&{spec.prefix}_depth=1e999&{spec.prefix}_show=nope")
    wait_for_app(page, min_charts=1)
    assert_no_errors(page)
    assert page.get_by_text(spec.scenarios[0].note).count() >= 1
    # Streamlit drops the malformed bound values; the scenario name is dropped by the page.
    assert "NaN" not in page.url and "1e999" not in page.url and "script" not in page.url


# A projector at 1024 px (or a 1280 px screen zoomed to 125 %) and a 1280 x 800 laptop, sidebar open.
NARROW_VIEWPORTS = [(1024, 768), (1280, 800)]
# Links whose layout differs from the page's default view.
LAYOUT_LINKS = {
    "jac": ["jac_case=deep_sigmoid"],
    "eig": ["eig_case=jordan_critical", "eig_case=random_1.0"],
    "pm": ["pm_case=random"],
}
OVERFLOWING_EQUATIONS = """() => [...document.querySelectorAll('.katex-display')]
    .filter(el => el.scrollWidth > el.clientWidth + 6)
    .map(el => `${el.scrollWidth - el.clientWidth}px too wide: ${
        (el.querySelector('annotation') || el).textContent.slice(0, 70)}`)"""


@pytest.mark.parametrize(("width", "height"), NARROW_VIEWPORTS, ids=[f"{w}px" for w, _ in NARROW_VIEWPORTS])
@pytest.mark.parametrize("spec", PAGES, ids=[p.prefix for p in PAGES])
def test_equations_fit_their_columns_on_narrow_screens(page, server, spec, width, height):
    """No typeset equation is wider than its column, so none is cut off on a projector or laptop."""
    page.set_viewport_size({"width": width, "height": height})
    equations = 0
    for query in ["", *LAYOUT_LINKS.get(spec.prefix, [])]:
        page.goto(f"{server}/{spec.url_path}" + (f"?{query}" if query else ""))
        wait_for_app(page, min_charts=1)
        assert_no_errors(page)
        equations += page.locator(".katex-display").count()
        assert page.evaluate(OVERFLOWING_EQUATIONS) == [], query or "default view"
        if not query and width == NARROW_VIEWPORTS[0][0]:
            screenshot(page, f"{spec.prefix}-{width}px")
            page.set_viewport_size({"width": width, "height": height})
    assert equations > 0  # the check above looked at something


class ServerFrames:
    """What the server sent this tab, decoded from the websocket's protobuf frames."""

    def __init__(self, page):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._parse = ForwardMsg.FromString
        self.messages = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._received))

    def _received(self, payload) -> None:
        if isinstance(payload, (bytes, bytearray)):
            self.messages.append(self._parse(bytes(payload)))

    def since(self, start: int):
        return self.messages[start:]

    @staticmethod
    def finished(messages) -> list[str]:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        return [ForwardMsg.ScriptFinishedStatus.Name(m.script_finished)
                for m in messages if m.WhichOneof("type") == "script_finished"]


FIGURE_SLIDERS = "[class*='-fig-'] [data-testid='stSlider'] input[type='range']"


def _nudge_figure_slider(page, frames: ServerFrames):
    """Move the first slider that sits inside a figure; return the messages of that rerun."""
    start = len(frames.messages)
    slider = page.locator(FIGURE_SLIDERS).first
    slider.focus()
    page.keyboard.press("ArrowRight")
    deadline = time.monotonic() + 60
    while not ServerFrames.finished(frames.since(start)):
        page.wait_for_timeout(100)
        assert time.monotonic() < deadline, "no rerun finished after moving a figure's slider"
    wait_for_app(page, min_charts=1)
    return frames.since(start)


@pytest.mark.parametrize("spec", PAGES, ids=[p.prefix for p in PAGES])
def test_a_figure_control_reruns_only_its_figure(page, server, spec):
    """In a custom view, moving a figure's own slider reruns and resends that figure alone."""
    frames = ServerFrames(page)
    page.goto(f"{server}/{spec.url_path}?{spec.case_key}=custom")
    wait_for_app(page, min_charts=1)
    assert page.locator(FIGURE_SLIDERS).count() >= 1, "no figure on this page has its own slider"
    rerun = _nudge_figure_slider(page, frames)
    assert ServerFrames.finished(rerun) == ["FINISHED_FRAGMENT_RUN_SUCCESSFULLY"]
    deltas = [m for m in rerun if m.WhichOneof("type") == "delta"]
    assert deltas and all(m.delta.fragment_id for m in deltas), "an element outside the figure was resent"
    assert len({m.delta.fragment_id for m in deltas}) == 1
    assert_no_errors(page)


@pytest.mark.parametrize("spec", PAGES, ids=[p.prefix for p in PAGES])
def test_leaving_a_scenario_from_a_figure_marks_the_page_custom_once(page, server, spec):
    """A scenario link, then a figure's slider: the picker says Custom and the URL holds the whole view.

    That first touch reruns the page once (the page-wide picker must redraw); the next
    touch of the same figure reruns the figure alone. Reloading the copied URL restores it.
    """
    scenario = spec.scenarios[-1]
    frames = ServerFrames(page)
    page.goto(f"{server}/{spec.url_path}?{spec.case_key}={scenario.key}")
    wait_for_app(page, min_charts=1)
    first = _nudge_figure_slider(page, frames)
    page.wait_for_url(re.compile(rf"{spec.case_key}=custom"), timeout=30_000)
    assert "FINISHED_SUCCESSFULLY" in ServerFrames.finished(first)
    shown = page.locator(f".st-key-{spec.case_key} input[role='combobox']").input_value()
    assert shown == "Custom (your own settings)", f"the picker still shows {shown!r}"
    copied = page.url
    default = spec.scenarios[0]
    for name, value in scenario.values.items():
        if value != default.values.get(name):
            assert f"{spec.prefix}_{name}=" in copied, (name, copied)
    second = _nudge_figure_slider(page, frames)
    assert ServerFrames.finished(second) == ["FINISHED_FRAGMENT_RUN_SUCCESSFULLY"]
    after = slider_values(page)
    page.wait_for_timeout(500)  # the address bar follows the rerun
    copied = page.url
    page.goto("about:blank")
    page.goto(copied)
    wait_for_app(page, min_charts=1)
    assert_no_errors(page)
    assert slider_values(page) == after, copied
