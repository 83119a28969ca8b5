"""A figure's chart as files: CSV of every series it plots and an SVG drawn on the server (no Streamlit).

Both are built from the Vega-Lite spec the figure showed (see
:func:`explorer.app.render.chart_spec`), so every chart of every page exports
the same way, including pages added later. Data held as named Arrow datasets
or as inline rows are both read. A column drawn on a ``10^k`` axis
(:func:`explorer.chartkit.log10_axis`) holds log10 values; the CSV names it
``log10_<field>`` so nobody mistakes it for the value itself.
"""

from __future__ import annotations

import copy
import io
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

SVG_WIDTH = 720
"""Width in px of a chart that fills its container on the page ("container" has no size on the server)."""

_NESTED = ("layer", "hconcat", "vconcat", "concat")


def _walk(node: Any) -> Iterator[dict]:
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def log10_fields(spec: dict) -> frozenset[str]:
    """Fields encoded on an axis whose labels read ``10^k``: their values are log10 magnitudes."""
    fields = set()
    for node in _walk(spec):
        axis = node.get("axis")
        if "field" in node and isinstance(axis, dict) and "10^" in str(axis.get("labelExpr", "")):
            fields.add(str(node["field"]))
    return frozenset(fields)


def _frame(data: Any) -> pd.DataFrame:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return pa.ipc.open_stream(io.BytesIO(bytes(data))).read_all().to_pandas()
    if isinstance(data, list):
        return pd.DataFrame(data)
    if isinstance(data, pd.DataFrame):
        return data
    raise TypeError(f"unsupported dataset of type {type(data).__name__}")


def frames(spec: dict) -> dict[str, pd.DataFrame]:
    """Every dataset of the chart, by name, in the order the spec lists them (inline rows too)."""
    out = {name: _frame(d) for name, d in (spec.get("datasets") or {}).items()}
    inline = 0
    for node in _walk({k: v for k, v in spec.items() if k != "datasets"}):
        data = node.get("data")
        if isinstance(data, dict) and isinstance(data.get("values"), list):
            inline += 1
            out[f"inline{inline}"] = _frame(data["values"])
    return out


def csv_text(spec: dict) -> str:
    """Every series the chart plots as one CSV.

    One dataset gives its columns as they are; several are stacked with a first
    column ``part`` (1, 2, … in the spec's order). Log-domain columns are renamed
    ``log10_<field>`` unless their name already says ``log``.
    """
    logs = log10_fields(spec)
    parts = []
    for i, df in enumerate(frames(spec).values(), start=1):
        df = df.rename(columns={c: f"log10_{c}" for c in df.columns if c in logs and "log" not in str(c).lower()})
        parts.append(df.assign(part=i)[["part", *df.columns]])
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0].drop(columns="part").to_csv(index=False)
    return pd.concat(parts, ignore_index=True, sort=False).to_csv(index=False)


def _json_value(v: Any) -> Any:
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return f if math.isfinite(f) else None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    return v


def inline_spec(spec: dict, width: int = SVG_WIDTH) -> dict:
    """A self-contained copy of the spec: datasets as JSON rows, "container" widths as ``width`` px."""
    out = copy.deepcopy({k: v for k, v in spec.items() if k != "datasets"})
    out["datasets"] = {
        name: [{k: _json_value(v) for k, v in row.items()} for row in df.to_dict(orient="records")]
        for name, df in frames({"datasets": spec.get("datasets") or {}}).items()
    }
    for node in _walk(out):
        if node.get("width") == "container":
            node["width"] = width
    return out


def svg_text(spec: dict, width: int = SVG_WIDTH) -> str:
    """The chart as SVG, rendered on the server by ``vl-convert`` (offline: Vega ships inside the wheel)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(inline_spec(spec, width))
