"""A small room of real browsers: three Chromium contexts on one server, checked against the simulated viewer.

``python -m bench.load`` and the server tests drive the app with a headless websocket
client (:mod:`bench.wsclient`). These tests keep that client honest: three real browser
tabs (separate contexts, so separate sessions) open the same scenario link at once, and

* each tab's first ``rerun_script`` carries what the simulated client sends (the page's
  URL path as ``page_name``, the query string, present ``widget_states``);
* each tab draws as many charts as the simulated client receives for the same link;
* a figure's slider moved in one tab reruns that figure alone (its ``fragment_id`` is
  sent, as the simulated client sends it) and nothing reaches the other two tabs.

The server here runs with its start-up warm-up on, and the first test checks that the
warm-up opened every published link without an exception.
"""

from __future__ import annotations

import time

import pytest

from bench.server import StreamlitServer
from bench.wsclient import Session
from explorer.app.registry import page
from explorer.app.warmup import DONE_MESSAGE, warm_links
from tests.conftest import ROOT, run_coroutine
from tests.test_browser import FIGURE_SLIDERS, assert_no_errors, browser_type_launch_args, wait_for_app

__all__ = ["browser_type_launch_args"]  # the Chromium launch settings, shared with tests/test_browser.py

pytestmark = pytest.mark.browser

ROOM = 3
SPEC = page("jacobian")
LINK_QUERY = f"{SPEC.case_key}={SPEC.scenarios[1].key}"
CHARTS = "[data-testid='stVegaLiteChart']"


@pytest.fixture(scope="module")
def room_server():
    (ROOT / "artifacts").mkdir(exist_ok=True)
    with StreamlitServer("streamlit_app.py", log_path=ROOT / "artifacts" / "streamlit-room.log") as server:
        yield server


class Tab:
    """One browser context: its page, and the websocket frames it sent and received, decoded."""

    def __init__(self, browser, url: str):
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.sent: list = []
        self.received: list = []

        def watch(ws):
            ws.on("framesent", lambda p: isinstance(p, (bytes, bytearray)) and self.sent.append(
                BackMsg.FromString(bytes(p))))
            ws.on("framereceived", lambda p: isinstance(p, (bytes, bytearray)) and self.received.append(
                ForwardMsg.FromString(bytes(p))))

        self.page.on("websocket", watch)
        self.url = url

    def reruns(self) -> list:
        return [m.rerun_script for m in self.sent if m.WhichOneof("type") == "rerun_script"]

    def finished(self, start: int = 0) -> list[str]:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        return [ForwardMsg.ScriptFinishedStatus.Name(m.script_finished) for m in self.received[start:]
                if m.WhichOneof("type") == "script_finished"]

    def close(self) -> None:
        self.context.close()


def simulated_chart_count(url: str) -> int:
    async def visit() -> int:
        s = Session(url, SPEC.url_path, LINK_QUERY, timeout=120)
        try:
            r = await s.connect()
            assert r.finished and not r.exceptions, r.status_names
            return len(r.charts)
        finally:
            await s.close()

    return run_coroutine(visit())


@pytest.mark.timeout(400)
def test_the_warm_up_opens_every_published_link(room_server):
    """The first viewer starts the warm-up; it runs every link once, none with an exception."""
    simulated_chart_count(room_server.url)
    line = room_server.wait_for_log(DONE_MESSAGE, timeout=300)
    assert line is not None, room_server.log_text()[-2000:]
    assert f": {len(warm_links())} links" in line, line
    assert ", 0 failed" in line, line


@pytest.mark.timeout(400)
def test_three_browsers_on_one_link_match_the_simulated_viewer(browser, room_server):
    expected_charts = simulated_chart_count(room_server.url)
    assert expected_charts >= 3
    tabs = [Tab(browser, f"{room_server.url}/{SPEC.url_path}?{LINK_QUERY}") for _ in range(ROOM)]
    try:
        for tab in tabs:  # three tabs opening one link within a moment of each other
            tab.page.goto(tab.url, wait_until="commit")
        for tab in tabs:
            wait_for_app(tab.page, min_charts=expected_charts)
            assert_no_errors(tab.page)
            assert tab.page.locator(CHARTS).count() == expected_charts
            first = tab.reruns()[0]
            # What bench.wsclient.Session sends on its first run, field for field.
            assert first.page_name == SPEC.url_path
            assert first.query_string == LINK_QUERY
            assert first.HasField("widget_states")
            assert tab.finished() == ["FINISHED_SUCCESSFULLY"]

        # Each tab in turn moves a figure's own slider: that figure reruns there, and only there.
        for i, tab in enumerate(tabs):
            counts = [len(t.received) for t in tabs]
            start_sent = len(tab.sent)
            slider = tab.page.locator(FIGURE_SLIDERS).nth(0)
            slider.focus()
            tab.page.keyboard.press("ArrowRight")
            deadline = time.monotonic() + 60
            while not tab.finished(counts[i]):
                tab.page.wait_for_timeout(100)
                assert time.monotonic() < deadline, f"tab {i}: no rerun finished"
            wait_for_app(tab.page, min_charts=expected_charts)
            assert_no_errors(tab.page)
            moved = [m.rerun_script for m in tab.sent[start_sent:] if m.WhichOneof("type") == "rerun_script"]
            assert moved and moved[0].fragment_id, f"tab {i}: a figure's control was sent without its fragment id"
            # The first touch after a scenario link reruns the page once (the picker turns Custom).
            assert "FINISHED_SUCCESSFULLY" in tab.finished(counts[i]), tab.finished(counts[i])
            for j, other in enumerate(tabs):
                if j != i:
                    assert len(other.received) == counts[j], f"tab {j} received tab {i}'s rerun"
            assert f"{SPEC.case_key}=custom" in tab.page.url
    finally:
        for tab in tabs:
            tab.close()
