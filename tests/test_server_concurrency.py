"""A real ``streamlit run streamlit_app.py`` server driven over its websocket by headless viewers.

The viewers are :class:`bench.wsclient.Session` objects: they speak the browser's
protocol (first ``rerun_script`` with the page name, reruns by page hash, widget
states, fragment ids, the message cache). The server is started once for the
module on a free loopback port and stopped at the end.

No wall-clock assertions: every wait is bounded only so that a hung server fails
the test instead of stalling the suite.
"""

from __future__ import annotations

import asyncio
import math
from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest

from bench.interaction import url_bound_controls
from bench.server import StreamlitServer
from bench.wsclient import FRAGMENT_SUCCESS, RunResult, Session, open_session
from explorer.app.registry import PAGES
from tests.conftest import APP, run_coroutine

RUN_TIMEOUT = 90.0
"""Per run: generous on a loaded 2-core machine; a hang fails instead of stalling."""

PAGE_IDS = [p.prefix for p in PAGES]


@pytest.fixture(scope="module")
def server():
    with StreamlitServer("streamlit_app.py", startup_timeout=90) as s:
        yield s


def assert_run_healthy(r: RunResult, where: str) -> None:
    assert r.finished, f"{where}: run ended {r.status_names}"
    assert not r.exceptions, f"{where}: exception elements {r.exceptions}"
    missing = {c.delta_path: sorted(c.missing) for c in r.charts if not c.ok}
    assert not missing, f"{where}: charts whose named datasets were not delivered: {missing}"
    assert not r.ref_misses, f"{where}: {r.ref_misses} ref_hash messages the client never cached"


def run(coro):
    return run_coroutine(coro)


# --------------------------------------------------------------------------- concurrency
SESSIONS = [("", None)] + [(p.url_path, p.prefix) for p in PAGES] * 2
"""Nine viewers: the home page once and every lesson page twice."""


async def _viewer(base_url: str, page: str, prefix: str | None, index: int) -> tuple[Session, list[RunResult]]:
    s = Session(base_url, page, timeout=RUN_TIMEOUT)
    runs = [await s.connect()]
    try:
        if prefix:
            controls = url_bound_controls(s, prefix)
            assert len(controls) >= 2, f"{page}: fewer than 2 URL-bound controls"
            # Different viewers of a page move different controls, so their runs overlap on different work.
            for k in range(2):
                w = controls[(2 * index + k) % len(controls)]
                runs.append(await s.move(w))
    finally:
        dropped = s.dropped
        await s.close()
    assert not dropped, f"{page}: socket dropped: {s.closed_reason}"
    return s, runs


def test_concurrent_viewers_each_get_whole_healthy_pages(server):
    async def main():
        return await asyncio.gather(*(_viewer(server.url, page, prefix, i)
                                      for i, (page, prefix) in enumerate(SESSIONS)))

    results = run(main())
    assert len(results) == len(SESSIONS)
    for (page, prefix), (_, runs) in zip(SESSIONS, results, strict=True):
        assert len(runs) == (3 if prefix else 1), f"{page}: a run is missing"
        for i, r in enumerate(runs):
            assert_run_healthy(r, f"/{page} run {i}")
        if prefix:
            assert runs[0].charts, f"/{page}: opened without a single chart"


# --------------------------------------------------------------------------- fragments
@pytest.mark.parametrize("spec", PAGES, ids=PAGE_IDS)
def test_figure_control_reruns_only_its_fragment(server, spec):
    """Moving a URL-bound control that came in a fragment's delta reruns that fragment alone.

    The first move leaves the default scenario and may rerun the whole page once
    (the picker must say "custom"); the second move of the same control must be a
    fragment run whose every delta carries that fragment's id. One control per
    fragment is checked. Skipped only when the page opened healthy and no widget
    delta of a URL-bound control carried a ``fragment_id``.
    """

    async def main():
        s = await open_session(server.url, spec.url_path, timeout=RUN_TIMEOUT)
        try:
            assert_run_healthy(s.runs[0], f"/{spec.url_path} open")  # a broken page fails, never skips
            local = [w for w in url_bound_controls(s, spec.prefix) if w.in_fragment]
            if not local:
                return None
            per_fragment = {}
            for w in local:
                per_fragment.setdefault(w.fragment_id, w)
            checked = []
            for frag, w in list(per_fragment.items())[:4]:
                key = w.user_key
                first = await s.move(s.widget(key))
                assert_run_healthy(first, f"{key} first move")
                second = await s.move(s.widget(key))
                assert_run_healthy(second, f"{key} second move")
                checked.append((key, frag, second))
            return checked
        finally:
            await s.close()

    checked = run(main())
    if checked is None:
        pytest.skip(f"/{spec.url_path} has no URL-bound control inside an st.fragment yet "
                    "(no widget delta carried a fragment_id)")
    for key, frag, r in checked:
        assert r.final_status == FRAGMENT_SUCCESS, f"{key}: a figure control reran {r.status_names}"
        assert r.whole_page_runs == 0, f"{key}: the whole page reran"
        assert r.delta_fragment_ids, f"{key}: the fragment run drew nothing"
        others = sorted(set(r.delta_fragment_ids) - {frag})
        assert not others, f"{key}: deltas outside fragment {frag}: {others}"
        assert r.fragment_only


# --------------------------------------------------------------------------- the client itself
def _apptest_charts(spec) -> int:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()  # st.navigation registers the pages before switch_page can find them
    at.switch_page(spec.path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return len(at.get("vega_lite_chart"))


@pytest.mark.parametrize("spec", PAGES, ids=PAGE_IDS)
def test_client_sees_the_page_apptest_sees_and_slider_moves_reach_the_url(server, spec):
    async def main():
        s = await open_session(server.url, spec.url_path, timeout=RUN_TIMEOUT)
        try:
            opened = s.runs[0]
            assert_run_healthy(opened, f"/{spec.url_path} open")
            charts = len(s.elements("vega_lite_chart"))
            slider = next(w for w in url_bound_controls(s, spec.prefix)
                          if w.kind == "slider" and w.query_param_key)
            value, _ = slider.fresh_value()
            moved = await s.move(slider, value)
            assert_run_healthy(moved, f"{slider.user_key} move")
            query = parse_qs(s.query_string)
            again = await s.rerun()
            assert_run_healthy(again, "plain rerun")
            return charts, slider.query_param_key, value[0], query, s.widget(slider.user_key).value[0]
        finally:
            await s.close()

    charts, key, value, query, after = run(main())
    assert charts == _apptest_charts(spec), "the websocket page and AppTest's page differ in charts"
    assert key in query, f"{key} not written to the URL: {query}"
    assert math.isclose(float(query[key][0]), value), f"URL has {key}={query[key]}, moved to {value}"
    assert math.isclose(after, value), "the slider did not keep its moved value on the next run"
