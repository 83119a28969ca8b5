"""The home page's lesson paths: every stop names a real page, scenario and question, and every link opens.

Pages added later join a path by appending a stop to ``explorer/lessons/home/path.py``;
these tests then open their links too.
"""

from __future__ import annotations

import importlib
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from explorer.lessons.home.path import LECTURE, PATHS
from tests.conftest import APP
from tests.test_app import TIMEOUT, assert_healthy, load
from tests.test_links import page_and_query

STOPS = [pytest.param(stop, path is LECTURE, id=f"{name[:4]}-{i}-{stop.page}-{stop.scenario}")
         for name, path in PATHS.items() for i, stop in enumerate(path, 1)]


def test_the_lecture_takes_fifty_minutes():
    assert sum(s.minutes for s in LECTURE) == 50


@pytest.mark.parametrize(("stop", "lecture"), STOPS)
def test_every_stop_names_a_page_scenario_question_and_what_to_notice(stop, lecture):
    assert stop.scenario in {s.key for s in stop.spec.scenarios}
    assert stop.notice and stop.question_text().strip()
    if stop.question is None:
        assert stop.ask, "a stop without a page question needs its own"
    else:
        questions = importlib.import_module(f"explorer.lessons.{stop.page}.questions").QUESTIONS
        assert 1 <= stop.question <= len(questions)
        assert questions[stop.question - 1].scenario == stop.scenario, "the question is set at another scenario"


@pytest.mark.parametrize(("stop", "lecture"), STOPS)
def test_every_stop_link_opens_its_view(stop, lecture):
    link = stop.link(present=lecture)
    spec, query = page_and_query(link)
    assert spec is stop.spec
    at = load(spec, query)
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[spec.case_key] == stop.scenario
    if not lecture:
        assert_healthy(at)
    if stop.question is not None:
        asked = [e.label for e in at.expander] + [m.value for m in at.markdown]
        assert any(stop.question_text() in text for text in asked), "the stop's question is not asked"


def test_home_page_shows_every_stop_with_its_link():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    for path in PATHS.values():
        for stop in path:
            assert f"({stop.link(present=path is LECTURE)})" in text
    assert "Brod" in " ".join([text, *(c.value for c in at.caption)])


def test_path_links_use_registered_parameters_only():
    for path in PATHS.values():
        for stop in path:
            keys = {k for k, _ in parse_qsl(urlsplit(stop.link(present=True)).query)}
            assert keys <= {stop.spec.case_key, "q", "present"}
