"""Charts and caches for a server that many viewers share.

One Streamlit process runs every viewer's script in its own thread, so nothing
here changes process-global state per call:

* :func:`chart_spec` turns an Altair chart into a Vega-Lite spec whose data are
  named Arrow datasets *without* Altair's data-transformer registry (a
  process-global switch: converting through it from two threads at once wrote
  one chart's rows into another chart's spec). Each DataFrame is swapped for a
  :class:`altair.NamedData` in the chart itself, which the builder made for
  this call alone, and the bytes go into a dict local to the call.
* Altair's theme is chosen once, at import, never per chart.
* Every cache is bounded, so a room of viewers trying their own settings
  cannot grow memory without limit.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import altair as alt
import pandas as pd
import streamlit as st
from altair.vegalite.v6 import api as altair_api
from streamlit import dataframe_util

from explorer.app import export
from explorer.app.limits import limited
from explorer.chartkit import presenter_spec
from explorer.links import PRESENT, read_flag

F = TypeVar("F", bound=Callable[..., Any])

CACHE_ENTRIES = 128
"""Entries per cached function (results and chart specs alike)."""

CACHE_BYTES = "48MB"
"""Memory per cached function; with ``CACHE_ENTRIES`` this bounds what 100 viewers can add."""

# Streamlit styles charts itself; Altair's default theme would add a fixed
# 300 × 300 view to every spec. Chosen once for the process, at import.
alt.theme.enable("none")


def _reuse_altair_schema_index() -> None:
    """Build Altair's schema-to-class index once per process instead of once per encoding channel.

    Altair 6.3 turns every shorthand such as ``x="t:Q"`` into a channel object through
    ``SchemaBase.from_dict``, which first re-hashes the JSON schema of all ~570 schema
    classes (``_FromDict(...)``) and only then looks the one it needs up. That index
    depends only on the set of classes, so it is built once here and shared: the same
    objects come out (a test compares the specs), and building a layered chart costs
    about a fifth of what it did. Upstream discusses the same change (vega/altair#3547).
    The index is read-only after construction; a lock guards its one-time creation.
    """
    from altair.utils import schemapi

    if not hasattr(schemapi, "_FromDict") or getattr(schemapi.SchemaBase, "_ge_shared_index", False):
        return
    indexes: dict[tuple[type, ...], Any] = {}
    lock = threading.Lock()

    def from_dict(cls, dct, validate=True):
        if validate:
            cls.validate(dct)
        wrappers = tuple(cls._default_wrapper_classes())
        index = indexes.get(wrappers)
        if index is None:
            with lock:
                index = indexes.setdefault(wrappers, schemapi._FromDict(wrappers))
        return index.from_dict(dct, cls)

    from_dict.__doc__ = schemapi.SchemaBase.from_dict.__doc__
    schemapi.SchemaBase._ge_original_from_dict = schemapi.SchemaBase.__dict__["from_dict"]
    schemapi.SchemaBase.from_dict = classmethod(from_dict)
    schemapi.SchemaBase._ge_shared_index = True


_reuse_altair_schema_index()


def _free_of_params(charts: Any) -> bool:
    """True if every chart here is a plain or layered chart and none (at any depth) has params or a name."""
    for chart in charts:
        if isinstance(chart, altair_api.LayerChart):
            if not _free_of_params(chart.layer):
                return False
        elif not isinstance(chart, altair_api.Chart):
            return False
        params = chart._get("params")
        if not alt.utils.is_undefined(params) and params:
            return False
        if not alt.utils.is_undefined(chart._get("name")):
            return False
    return True


def _skip_param_copies_without_params() -> None:
    """Let Altair skip its defensive deep copies when a layer or concat has no selection params.

    Every ``LayerChart`` Altair constructs (``alt.layer``, and again on each ``.properties``,
    ``.configure_*`` and ``to_dict``, which rebuild the chart) deep-copies each subchart twice
    to lift and de-duplicate selection parameters, recursively through nested layers. Our
    charts use no params, so those copies change nothing; skipping them took a page-wide move
    on the power page from 0.255 to 0.183 s of CPU (AppTest). With no params or names anywhere below, the two
    helpers now hand back the subcharts themselves (the subcharts are fresh objects from
    the fluent API, never mutated afterwards); anything else takes Altair's own path. A
    test compares the specs of every page's charts with and without this.
    """
    api = altair_api
    if getattr(api, "_ge_param_fast_path", False):
        return
    remove_duplicates, combine = api._remove_duplicate_params, api._combine_subchart_params

    def _remove_duplicate_params(layer):
        return list(layer) if _free_of_params(layer) else remove_duplicates(layer)

    def _combine_subchart_params(params, subcharts):
        if (alt.utils.is_undefined(params) or not params) and _free_of_params(subcharts):
            return alt.Undefined, list(subcharts)
        return combine(params, subcharts)

    api._ge_original_param_helpers = (remove_duplicates, combine)
    api._remove_duplicate_params = _remove_duplicate_params
    api._combine_subchart_params = _combine_subchart_params
    api._ge_param_fast_path = True


_skip_param_copies_without_params()

_NESTED = ("layer", "hconcat", "vconcat", "concat")


def cached(fn: F, *, heavy: Callable[..., bool] | None = None, max_entries: int = CACHE_ENTRIES) -> F:
    """``st.cache_data`` with a bounded size, shared by every viewer of the server.

    On a miss, a computation whose arguments are heavy (``heavy(*args)``; by default, any
    settings argument whose ``heavy`` property is true) waits for the process-wide
    heavy-work slot (:mod:`explorer.app.limits`); light work and cache hits never wait.
    """
    return st.cache_data(max_entries=max_entries, max_size=CACHE_BYTES,  # type: ignore[return-value]
                         show_spinner=False)(limited(fn, heavy))


def _name_data(chart: Any, datasets: dict[str, bytes]) -> None:
    """Replace every DataFrame in ``chart`` (at any depth) by a named Arrow dataset."""
    data = getattr(chart, "data", alt.Undefined)
    if isinstance(data, pd.DataFrame):
        payload = dataframe_util.convert_anything_to_arrow_bytes(data)
        name = "d" + hashlib.blake2b(payload, digest_size=10).hexdigest()
        datasets[name] = payload
        chart.data = alt.NamedData(name=name)
    for attr in _NESTED:
        for sub in getattr(chart, attr, None) or ():
            _name_data(sub, datasets)
    spec = getattr(chart, "spec", alt.Undefined)
    if spec is not alt.Undefined and not isinstance(spec, dict):
        _name_data(spec, datasets)


def chart_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """Vega-Lite spec of an Altair chart, its data as named Arrow datasets.

    The chart is modified in place (its data frames become named references):
    pass a chart built for this call. Streamlit's ``st.altair_chart`` would
    re-validate the whole spec against the JSON schema on every rerun (tens of
    milliseconds per chart); the builders are validated once by the test-suite
    instead, and through :func:`cached_chart` this runs only when inputs change.
    """
    datasets: dict[str, bytes] = {}
    _name_data(chart, datasets)
    spec = chart.to_dict(validate=False)
    spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    return spec


def cached_chart(builder: Callable[..., alt.TopLevelMixin]) -> Callable[..., dict[str, Any]]:
    """Decorate a function of plain, hashable arguments that returns an Altair chart.

    The decorated function returns the chart's spec, built once per distinct
    arguments and shared by every viewer.
    """

    @functools.wraps(builder)
    def build(*args, **kwargs):
        return chart_spec(builder(*args, **kwargs))

    cached_build = st.cache_data(max_entries=CACHE_ENTRIES, max_size=CACHE_BYTES, show_spinner=False)(build)

    @functools.wraps(builder)
    def call(*args, **kwargs):
        spec = cached_build(*args, **kwargs)
        # The export toolbar rebuilds the spec on a click from the cache, instead of holding it.
        export.note_recipe(spec, functools.partial(cached_build, *args, **kwargs))
        return spec

    call.clear = cached_build.clear  # type: ignore[attr-defined]
    return call


def show_chart(spec: dict[str, Any], *, alt_text: str, key: str | None = None, width: str = "stretch") -> None:
    """Render a spec from :func:`cached_chart` (full width, or ``width="content"``), with alt text.

    The figure being drawn notes the chart for its export toolbar; in presenter mode
    the chart's fonts are scaled for this call only (:func:`explorer.chartkit.presenter_spec`).
    """
    export.note_shown(spec)
    if read_flag(st.query_params.get(PRESENT)):
        spec = presenter_spec(spec)
    st.vega_lite_chart(spec, width=width, key=key, alt=alt_text)
