"""Shared fixtures: paths, and reading chart data out of AppTest protos."""

from __future__ import annotations

import io
import json
import math
import os
from pathlib import Path

import altair as alt
import numpy as np
import pyarrow as pa
import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")

# Servers the tests start warm the published links only: training every race of the gated-memory
# page in the background (what a lecture server does) would only slow the suite down.
os.environ.setdefault("GE_WARMUP", "links")


def chart_tables(element) -> list[pa.Table]:
    """All datasets of a ``vega_lite_chart`` element, decoded from Arrow IPC."""
    proto = element.proto
    blobs = [d.data.data for d in proto.datasets]
    if proto.HasField("data") and proto.data.data:
        blobs.append(proto.data.data)
    return [pa.ipc.open_stream(io.BytesIO(b)).read_all() for b in blobs]


def chart_spec(element) -> dict:
    return json.loads(element.proto.spec)


def numeric_columns(table: pa.Table) -> dict[str, np.ndarray]:
    out = {}
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_floating(col.type) or pa.types.is_integer(col.type):
            out[name] = col.to_numpy(zero_copy_only=False).astype(float)
    return out


def assert_charts_finite(at) -> int:
    """Every number in every chart on the page is finite; returns the chart count."""
    charts = at.get("vega_lite_chart")
    for i, el in enumerate(charts):
        tables = chart_tables(el)
        assert tables, f"chart {i} carries no data"
        for t in tables:
            for name, values in numeric_columns(t).items():
                assert np.all(np.isfinite(values)), f"chart {i} column {name!r} has NaN/inf"
    return len(charts)


@pytest.fixture
def app_path() -> str:
    return APP


def spec_of(chart) -> dict:
    """An Altair chart's Vega-Lite spec; ``to_dict`` validates it against the schema."""
    with alt.data_transformers.enable("default", max_rows=None):
        return chart.to_dict()


def spec_rows(chart) -> list[dict]:
    """All inline rows of a chart spec's datasets."""
    return [row for values in spec_of(chart).get("datasets", {}).values() for row in values]


def assert_finite(rows: list[dict], *, allow_empty: bool = False) -> None:
    """Every float in the rows is finite (and, unless ``allow_empty``, there are rows to check)."""
    assert rows or allow_empty
    for row in rows:
        for k, v in row.items():
            if isinstance(v, float):
                assert math.isfinite(v), (k, row)


def run_coroutine(coro):
    """``asyncio.run`` in a thread of its own.

    The browser tests' sync Playwright keeps an event loop running in the main
    thread for the rest of the session, where ``asyncio.run`` refuses to start.
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
