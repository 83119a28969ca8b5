"""Lecture features through AppTest: presenter mode, hidden controls, question links, exports.

Every page of the registry is walked, so pages added later are covered too. Garbage in
any lecture parameter falls back to the plain view and never raises.
"""

from __future__ import annotations

import functools
import io
import json

import altair as alt
import pandas as pd
import pytest

from explorer.app.questions import of_page, reveal_of
from explorer.app.registry import PAGES
from explorer.question import verdict_line
from tests.test_app import PAGE_IDS, assert_healthy, load

LECTURE_GARBAGE = ["", "abc", "0", "-1", "999", "1e9", "🙂", "<script>", "1,2", "%00", "9" * 40]


def figure_label(at) -> str | None:
    return next((m.value for m in at.markdown if m.value.startswith("**Figure ")), None)


def n_figures(at) -> int:
    label = figure_label(at)
    assert label, "presenter mode shows no figure navigation"
    return int(label.strip("*").split(" of ")[1])


def figure_titles(at) -> list[str]:
    return [h.value for h in at.subheader]


@pytest.mark.parametrize("spec", PAGES, ids=PAGE_IDS)
def test_presenter_mode_shows_one_figure_and_steps_through_all(spec):
    at = load(spec, {"present": "1"})
    assert not at.exception, [e.value for e in at.exception]
    total = n_figures(at)
    assert figure_label(at) == f"**Figure 1 of {total}**"
    assert at.button(key=f"_ge_{spec.prefix}_fig_prev").disabled
    assert len(figure_titles(at)) <= 1, "more than one figure on the stage"
    seen = [tuple(figure_titles(at))]
    for number in range(2, total + 1):
        at.button(key=f"_ge_{spec.prefix}_fig_next").click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.query_params["figure"] == [str(number)] or at.query_params["figure"] == str(number)
        assert figure_label(at) == f"**Figure {number} of {total}**"
        seen.append(tuple(figure_titles(at)))
    assert at.button(key=f"_ge_{spec.prefix}_fig_next").disabled
    assert len(set(seen)) == len(seen), "two steps showed the same figure"
    at.button(key=f"_ge_{spec.prefix}_fig_prev").click().run()
    assert figure_label(at) == f"**Figure {max(total - 1, 1)} of {total}**"


@pytest.mark.parametrize("spec", PAGES, ids=PAGE_IDS)
def test_figure_link_opens_that_figure(spec):
    total = n_figures(load(spec, {"present": "1"}))
    at = load(spec, {"present": "1", "figure": str(total)})
    assert figure_label(at) == f"**Figure {total} of {total}**"
    assert at.query_params.get("present") in ("1", ["1"])


@pytest.mark.parametrize("spec", PAGES, ids=PAGE_IDS)
@pytest.mark.parametrize("garbage", LECTURE_GARBAGE)
def test_garbage_lecture_params_fall_back(spec, garbage):
    query = {"present": "1", "figure": garbage, "hide": garbage, "q": garbage}
    at = load(spec, query)
    assert not at.exception, [e.value for e in at.exception]
    label = figure_label(at)
    assert label is None or label.startswith("**Figure ")
    for key in ("hide", "q"):
        assert at.query_params.get(key) in (None, garbage, [garbage]) or garbage.isdigit()
    plain = load(spec, {"present": garbage})
    assert not plain.exception
    if garbage not in ("1",):
        assert figure_label(plain) is None  # not presenter mode: every figure, no navigation
        assert_healthy(plain)


@pytest.mark.parametrize("spec", PAGES, ids=PAGE_IDS)
def test_hidden_controls_keep_their_url_values(spec):
    """A hidden control is still on the page with the value its link gives; unknown names are dropped."""
    at = load(spec)
    slider = next(s for s in at.slider if s.key and s.key.startswith(f"{spec.prefix}_"))
    name = slider.key.removeprefix(f"{spec.prefix}_")
    value = slider.max if slider.value != slider.max else slider.min
    hidden = load(spec, {f"{spec.prefix}_case": "custom", slider.key: str(value), "hide": f"{name},nosuch,case"})
    assert_healthy(hidden)
    assert hidden.session_state[slider.key] == value
    assert hidden.query_params["hide"] in (f"case,{name}", [f"case,{name}"]) or \
        sorted(str(hidden.query_params["hide"]).strip("[]'").split(",")) == sorted(["case", name])


@pytest.mark.parametrize("spec", PAGES, ids=PAGE_IDS)
def test_classroom_link_builder_writes_hide_and_present(spec):
    at = load(spec)
    box = at.multiselect(key=f"_ge_link_{spec.prefix}_hide")
    name = box.options[1]
    box.select(name).run()
    at.toggle(key=f"_ge_link_{spec.prefix}_present").set_value(True).run()
    link = next(c.value for c in at.code if "hide=" in c.value)
    assert "present=1" in link and f"hide={name}" in link.replace("%2C", ",")
    assert link.startswith(f"/{spec.url_path}?")


QUESTION_CASES = [pytest.param(p, n, q, id=f"{p.prefix}-q{n}") for p in PAGES for n, q in enumerate(of_page(p.key), 1)]


@pytest.mark.parametrize(("spec", "number", "question"), QUESTION_CASES)
def test_question_link_sets_its_scenario_and_reveals_after_commit(spec, number, question):
    at = load(spec, {"q": str(number)})
    assert_healthy(at)
    assert at.session_state[spec.case_key] == question.scenario
    base = f"_ge_q_{spec.prefix}_{number}"
    commit = at.button(key=f"{base}_commit")
    assert commit.disabled, "the reveal must wait for a prediction"
    reveal = reveal_of(spec.key, number)
    if question.numeric:
        answer = 1.0 if reveal.correct != 1.0 else 2.0
        at.number_input(key=f"{base}_response").set_value(answer).run()
    else:
        answer = next(iter(question.choices))
        at.radio(key=f"{base}_response").set_value(answer).run()
    at.button(key=f"{base}_commit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(m.value for m in at.markdown)
    assert verdict_line(question, reveal, answer) in shown
    assert reveal.numbers in shown and reveal.why in shown


@pytest.mark.parametrize(("spec", "number", "question"), QUESTION_CASES)
def test_question_in_presenter_mode_opens_its_figure(spec, number, question):
    at = load(spec, {"q": str(number), "present": "1"})
    assert not at.exception
    prompt = question.prompt(next(s for s in spec.scenarios if s.key == question.scenario).values)
    assert any(prompt in m.value for m in at.markdown), "the question is not shown open on the stage"
    assert at.button(key=f"_ge_q_{spec.prefix}_{number}_commit").disabled


def test_a_scenario_in_the_link_wins_over_the_question_scenario():
    spec = next(p for p in PAGES if of_page(p.key))
    other = next(s for s in spec.scenarios if s.key != of_page(spec.key)[0].scenario)
    at = load(spec, {"q": "1", spec.case_key: other.key})
    assert at.session_state[spec.case_key] == other.key


@pytest.mark.parametrize("spec", PAGES, ids=PAGE_IDS)
def test_every_chart_exports_svg_and_csv(spec):
    """The export of each chart the page shows: an SVG with the chart's axis titles, a CSV of its rows."""
    from explorer.app import export
    from explorer.export import frames

    at = load(spec)
    charts = at.get("vega_lite_chart")
    assert charts
    buttons = at.get("download_button")
    assert len(buttons) == 2 * len(charts), "every chart needs an SVG and a CSV button"
    for el in charts:
        spec_dict = json.loads(el.proto.spec)
        spec_dict["datasets"] = {d.name: d.data.data for d in el.proto.datasets}
        recipe = functools.partial(dict, spec_dict)
        svg = export.svg_bytes(recipe).decode()
        assert svg.startswith("<svg") and "</svg>" in svg
        titles = [t for t in _axis_titles(spec_dict) if t]
        assert all(t.replace("&", "&amp;") in svg for t in titles[:2]), titles
        table = pd.read_csv(io.BytesIO(export.csv_bytes(recipe)))
        rows = sum(len(df) for df in frames(spec_dict).values())
        assert len(table) == rows > 0


def _axis_titles(spec: dict) -> list[str]:
    out = []
    stack = [spec]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            axis = node.get("axis")
            if isinstance(axis, dict) and isinstance(axis.get("title"), str):
                out.append(axis["title"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out


@pytest.mark.parametrize("spec", PAGES, ids=PAGE_IDS)
def test_snippets_are_offered_with_the_figures(spec):
    at = load(spec)
    snippets = [c.value for c in at.code if "from explorer import sim" in c.value]
    assert snippets, "no NumPy snippet on the page"


def test_export_keeps_a_recipe_not_the_spec_and_names_log_columns():
    import streamlit as st  # noqa: F401 - bare mode: no script run

    from explorer import app
    from explorer.app import export
    from explorer.chartkit import log10_axis

    @app.cached_chart
    def chart(n: int):
        df = pd.DataFrame({"t": range(n), "size": [-k / 2 for k in range(n)]})
        return alt.Chart(df).mark_line().encode(x="t:Q", y=alt.Y("size:Q", axis=log10_axis("size (log scale)")))

    with export.collecting() as recipes:
        export.note_shown(chart(6))
    assert len(recipes) == 1 and isinstance(recipes[0], functools.partial)
    assert recipes[0].func is not dict, "the callable holds the spec instead of how to rebuild it"
    table = pd.read_csv(io.BytesIO(export.csv_bytes(recipes[0])))
    assert list(table.columns) == ["t", "log10_size"]
    assert table["log10_size"].tolist() == [-k / 2 for k in range(6)]
    assert "size (log scale)" in export.svg_bytes(recipes[0]).decode()


def test_presenter_fonts_are_scaled_per_spec_only():
    from explorer.chartkit import PRESENTER_SCALE, presenter_spec

    spec = {"mark": "line", "config": {"axis": {"labelFontSize": 13}}, "datasets": {"d": b"x"}}
    big = presenter_spec(spec)
    assert big["config"]["axis"]["labelFontSize"] == 13 * PRESENTER_SCALE
    assert spec["config"]["axis"]["labelFontSize"] == 13, "the cached spec was changed"
    assert big["datasets"] is spec["datasets"]
    tall = presenter_spec({"height": 300, "width": "container"})
    assert tall["height"] == 300 * PRESENTER_SCALE and tall["config"]["axisY"]["titleLimit"] < tall["height"]
    square = presenter_spec({"height": 300, "width": 300})
    assert square["height"] == 300, "a fixed-size (square) chart keeps its shape"


def test_a_figure_without_a_snippet_or_with_a_broken_one_still_draws():
    from explorer.app.figure import _snippet_text

    assert _snippet_text(None, (1,), {}, {"x": 2}) is None

    def broken(*_args, **_kwargs):
        raise ValueError("a bug in a snippet")

    assert _snippet_text(broken, (), {}, {}) is None
    assert _snippet_text(lambda s, t=0: f"{s}-{t}", (3,), {}, {"t": 4}) == "3-4"


@pytest.mark.parametrize("spec", PAGES[:2], ids=PAGE_IDS[:2])
def test_embed_flag_is_left_to_streamlit(spec):
    at = load(spec, {"embed": "true", "present": "1", "figure": "2"})
    assert not at.exception, [e.value for e in at.exception]
    assert figure_label(at).startswith("**Figure 2 of ")


def test_lecture_flags_read_as_plain_data():
    from explorer.links import classroom_query, read_flag, read_hide, read_index

    assert read_flag("1") and read_flag(" TRUE ") and not read_flag("0") and not read_flag(None)
    assert not read_flag("🙂") and not read_flag("1e9")
    assert read_hide("seed,steps,<b>,Seed,,x" + ",a" * 100, known={"seed", "steps", "a"}) == {"seed", "steps", "a"}
    assert read_hide("seed", known=set()) == frozenset() and read_hide("") == frozenset()
    keys = ["plane", "convergence", "spectrum"]
    assert [read_index(r, keys) for r in ("1", "3", "spectrum", "4", "0", "-1", "1.0", "٣", None)] == \
        [1, 3, 3, None, None, None, None, None, None]
    query = classroom_query({"pm_steps": "60", "present": "1", "embed": "true", "pm_show": ["a", "b"]},
                            hide={"steps"}, present=False, embed=True)
    assert query == "pm_steps=60&pm_show=a&pm_show=b&hide=steps&embed=true"


def test_lecture_logic_is_pure():
    """Questions, snippets, paths, flags and chart export import neither Streamlit nor Altair."""
    from tests.conftest import ROOT
    from tests.test_architecture import imported_modules

    lessons = ROOT / "explorer" / "lessons"
    pure = [*lessons.rglob("questions.py"), *lessons.rglob("snippets.py"), lessons / "home" / "path.py",
            *(ROOT / "explorer" / f for f in ("links.py", "question.py", "export.py"))]
    assert len(pure) >= 11
    for path in pure:
        assert not imported_modules(path) & {"streamlit", "altair"}, path


def test_a_figure_can_be_named_by_its_key():
    spec = next(p for p in PAGES if p.key == "eigenvalues")
    at = load(spec, {"present": "1", "figure": "rate"})
    assert figure_label(at) == "**Figure 3 of 5**"
    assert figure_titles(at) and figure_titles(at)[0].startswith("In the long run")
