"""Which links the start-up warm-up opens, and when it does not start at all."""

from __future__ import annotations

from urllib.parse import parse_qs

from explorer.app import warmup
from explorer.app.registry import HOME, PAGES


def test_every_published_link_is_warmed_once():
    links = warmup.warm_links()
    assert len(links) == len(set(links))
    assert (HOME.url_path, "") in links
    for page in PAGES:
        assert (page.url_path, "") in links, page.key
        for scenario in page.scenarios:
            assert (page.url_path, f"{page.case_key}={scenario.key}") in links, (page.key, scenario.key)
    assert len(links) == 1 + sum(1 + len(p.scenarios) for p in PAGES)
    for _, query in links:  # plain query strings, as a browser sends them
        assert all(len(v) == 1 for v in parse_qs(query).values())


def test_no_warm_up_without_a_server():
    """A plain import (unit tests, scripts) has no Streamlit runtime: nothing starts."""
    assert warmup.start_once() is False
    assert not warmup.STATUS.done.is_set()


def test_switched_off_by_the_environment(monkeypatch):
    monkeypatch.setenv("GE_WARMUP", "0")
    assert warmup.start_once() is False


def test_apptest_runtime_is_not_a_server():
    """AppTest installs a stand-in runtime; the warm-up must not try to open sessions on it."""
    from unittest.mock import MagicMock

    from streamlit.runtime import Runtime

    saved = Runtime._instance
    Runtime._instance = MagicMock(spec=Runtime)
    try:
        assert warmup.start_once() is False
    finally:
        Runtime._instance = saved


def test_memory_can_be_handed_back_and_arenas_capped():
    """glibc's malloc_trim and mallopt are found and accept the calls (these machines use glibc)."""
    from explorer import memory

    assert memory.release_memory() is True
    assert memory.cap_malloc_arenas() is True


def test_an_empty_room_clears_the_caches_and_warms_again(tmp_path):
    """A real server with a short session TTL: one viewer comes and goes; the room's caches are
    cleared once the session has expired, and every published link is warmed again."""
    from bench.server import StreamlitServer
    from bench.wsclient import Session
    from tests.conftest import run_coroutine

    async def visit(url: str) -> None:
        s = Session(url, "activations", "", timeout=120)
        try:
            r = await s.connect()
            assert r.finished and not r.exceptions
        finally:
            await s.close()

    log = tmp_path / "server.log"
    with StreamlitServer("streamlit_app.py", log_path=log,
                         extra_args=("--server.disconnectedSessionTTL", "30")) as server:
        run_coroutine(visit(server.url))
        assert server.wait_for_log(warmup.DONE_MESSAGE, timeout=300) is not None, server.log_text()[-2000:]
        run_coroutine(visit(server.url))  # the room has had a viewer since the warm-up
        line = server.wait_for_log("the room was empty", timeout=240)
        assert line is not None, server.log_text()[-2000:]
        assert "caches cleared and memory released" in line, line
        assert f"{len(warmup.warm_links())} links warmed again" in line and ", 0 failed" in line, line


def test_every_race_of_the_gated_page_is_warmed():
    """The lag slider moves in steps of 5: 12 lags × 3 forget biases × clipping on/off are all trained."""
    from explorer.lessons.gated import reading as rd

    queries = [q for path, q in warmup.further_links() if path == "gated-memory"]
    products = [q for q in queries if "gm_lag" not in q]
    queries = [q for q in queries if "gm_lag" in q]
    races = set()
    for q in queries:
        v = {k: vals[0] for k, vals in parse_qs(q).items()}
        assert int(v["gm_lag"]) == rd.race_lag(int(v["gm_lag"])), q  # on the slider's grid
        races.add((int(v["gm_lag"]), v["gm_fbias"], v["gm_clip"]))
    lags = range(rd.MIN_LAG, rd.MAX_LAG + 1, rd.LAG_STEP)
    assert races == {(lag, b, c) for lag in lags for b in rd.FORGET_BIAS_LABELS for c in ("true", "false")}
    assert len(queries) == len(races)
    # and each scenario's long horizon, for every forget bias: the products there are heavy work
    from explorer.lessons.gated.scenarios import SCENARIOS

    long = {s.values["T"] for s in SCENARIOS if rd.ProductSettings(s.values["fbias"], s.values["T"]).heavy}
    assert long and {(v["gm_fbias"][0], int(v["gm_T"][0])) for v in map(parse_qs, products)} == {
        (b, T) for b in rd.FORGET_BIAS_LABELS for T in long}


def test_a_typed_lag_runs_on_the_slider_grid():
    from explorer.lessons.gated import reading as rd

    assert [rd.race_lag(v) for v in (5, 7, 8, 37, 50, 60)] == [5, 5, 10, 35, 50, 60]
    assert rd.race_lag(0) == rd.MIN_LAG and rd.race_lag(1000) == rd.MAX_LAG
    assert rd.RaceSettings.of(rd.PageSettings(lag=43)).lag == 45
