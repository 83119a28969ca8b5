"""Chart conversion for a shared server: the speed-ups change no spec."""

from __future__ import annotations

import json

import numpy as np
from altair.utils import schemapi

from explorer import sim
from explorer.app import render
from explorer.lessons.activations import charts as act_charts
from explorer.lessons.jacobian import charts as jac_charts


def _specs() -> list[str]:
    grid = np.linspace(-4, 4, 101)
    acts = [sim.activation(n) for n in ("sigmoid", "tanh", "relu")]
    factors = {a.name: sim.depth_factors(a.name, 1.0, 0.0, max_depth=40, threshold=1e-6) for a in acts}
    trace = sim.simulate_random_rnn("tanh", 8, 40, target=1.5, seed=3)
    log_norms = sim.jacobian_log_norms(trace)
    charts = [
        act_charts.derivative_chart(grid, acts, 0.1),
        act_charts.depth_chart(factors, 1e-6),
        jac_charts.bound_chart(log_norms, sim.pascanu_log_bound(trace), sim.data_dependent_log_bound(trace),
                               sim.backprop_log_norms(trace), eta=sim.pascanu_eta(trace.W_rec, "tanh")),
    ]
    return [json.dumps(render.chart_spec(c), sort_keys=True, default=repr) for c in charts]


def test_shared_schema_index_builds_the_same_specs_as_altair_alone():
    assert schemapi.SchemaBase._ge_shared_index
    shared = _specs()
    patched = schemapi.SchemaBase.__dict__["from_dict"]
    schemapi.SchemaBase.from_dict = schemapi.SchemaBase.__dict__["_ge_original_from_dict"]
    try:
        alone = _specs()
    finally:
        schemapi.SchemaBase.from_dict = patched
    assert shared == alone


def test_chart_spec_names_every_dataset_it_carries():
    for text in _specs():
        spec = json.loads(text)
        assert spec["datasets"], "no data"
        assert all(name.startswith("d") for name in spec["datasets"])


def test_long_lived_objects_are_out_of_the_per_run_collection():
    """Streamlit's full collection after each run skips what was loaded before the first page."""
    import gc

    import explorer.app  # noqa: F401

    assert gc.get_freeze_count() > 10_000


def _page_specs(spec) -> list[str]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP

    st.cache_data.clear()  # chart specs are cached: build every one again
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    at.switch_page(spec.path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return [el.proto.spec for el in at.get("vega_lite_chart")]


def test_layers_without_params_skip_altairs_copies_and_build_the_same_specs():
    """Every chart of every page, built with the fast path and with Altair's own helpers, is the same spec."""
    from altair.vegalite.v6 import api

    from explorer.app.registry import PAGES

    assert api._ge_param_fast_path
    fast = (api._remove_duplicate_params, api._combine_subchart_params)
    assert fast != api._ge_original_param_helpers
    for spec in PAGES:
        with_fast_path = _page_specs(spec)
        api._remove_duplicate_params, api._combine_subchart_params = api._ge_original_param_helpers
        try:
            altair_alone = _page_specs(spec)
        finally:
            api._remove_duplicate_params, api._combine_subchart_params = fast
        assert with_fast_path, spec.prefix
        assert with_fast_path == altair_alone, spec.prefix


def test_charts_with_params_take_altairs_own_path():
    import altair as alt
    import pandas as pd

    df = pd.DataFrame({"x": [1, 2], "y": [3, 4]})
    pick = alt.selection_point(name="pick")
    lines = alt.Chart(df).mark_line().encode(x="x:Q", y="y:Q").add_params(pick)
    points = alt.Chart(df).mark_point().encode(x="x:Q", y="y:Q")
    assert not render._free_of_params([lines, points])
    assert render._free_of_params([points, alt.layer(points, points)])
    assert not render._free_of_params([points.properties(name="named")])
    spec = alt.layer(lines, points).to_dict(validate=False)
    assert [p["name"] for p in spec["params"]] == ["pick"]  # lifted to the top, as Altair does
    assert "params" not in spec["layer"][0]
