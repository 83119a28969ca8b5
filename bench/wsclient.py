"""A headless Streamlit 1.67 viewer: the browser's side of ``/_stcore/stream``, in asyncio.

One :class:`Session` is one browser tab. It speaks the protocol as the
frontend does (see ``shared/notes/streamlit-websocket.md``):

* opens ``/_stcore/stream`` with subprotocol ``streamlit`` (no proxy, no pings);
* sends the first ``BackMsg.rerun_script`` with the query string, the page's URL
  path as ``page_name``, an empty-but-present ``widget_states`` and a
  ``context_info``; later reruns name the page by the ``page_script_hash`` of the
  server's ``navigation`` message;
* keeps the page's element tree (deltas by ``metadata.delta_path``; a fragment run
  replaces only its fragment's elements) and every widget's id, kind, current
  value, ``query_param_key`` and the ``fragment_id`` of the delta it came in;
* sends the state of every widget on the page with each rerun (the frontend's
  widget manager does the same) and ``ClientState.fragment_id`` when the moved
  control lives in a fragment, so only that fragment reruns;
* keeps the message cache: stores every ``metadata.cacheable`` message by
  ``hash``, lists the hashes in ``cached_message_hashes`` and resolves
  ``ref_hash`` messages from its own store.

Every run returns a :class:`RunResult`: bytes and messages received, wall
latency, every ``script_finished`` status seen, the charts (with a check that
each named dataset a Vega-Lite spec refers to was delivered), exception
elements and error alerts.

Library, not a test: :mod:`bench.interaction`, ``tests/test_server_concurrency.py``
and a later load benchmark build on it. Traffic goes only where ``base_url``
points; every wait is bounded by ``timeout``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

__all__ = [
    "ChartCheck",
    "ProtocolError",
    "RunResult",
    "Session",
    "Widget",
    "named_datasets_in_spec",
    "open_session",
]

FINISHED = ForwardMsg.ScriptFinishedStatus
SUCCESS = FINISHED.Value("FINISHED_SUCCESSFULLY")
FRAGMENT_SUCCESS = FINISHED.Value("FINISHED_FRAGMENT_RUN_SUCCESSFULLY")
EARLY = FINISHED.Value("FINISHED_EARLY_FOR_RERUN")
COMPILE_ERROR = FINISHED.Value("FINISHED_WITH_COMPILE_ERROR")

WIDGET_KINDS = (
    "slider", "selectbox", "multiselect", "number_input", "checkbox", "button_group",
    "text_area", "text_input", "radio",
)
"""Element fields that are widgets this client can read and move."""

_ERROR_ALERT = 1  # Alert.Format.ERROR


class ProtocolError(RuntimeError):
    """The server did something a browser would not accept (or the socket dropped)."""


# --------------------------------------------------------------------------- charts
def named_datasets_in_spec(spec: Any) -> set[str]:
    """Every ``"data": {"name": ...}`` at any depth of a Vega-Lite spec (parsed JSON)."""
    names: set[str] = set()
    stack = [spec]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("name"), str):
                names.add(data["name"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return names


@dataclass(frozen=True)
class ChartCheck:
    """One ``vega_lite_chart`` element received in a run."""

    delta_path: tuple[int, ...]
    fragment_id: str
    referenced: frozenset[str]
    """Dataset names the spec refers to."""
    delivered: frozenset[str]
    """Names in the element's ``datasets`` plus the spec's inline ``datasets``."""
    spec_bytes: int

    @property
    def missing(self) -> frozenset[str]:
        return self.referenced - self.delivered

    @property
    def ok(self) -> bool:
        return not self.missing


def check_chart(chart_proto, delta_path: tuple[int, ...], fragment_id: str) -> ChartCheck:
    spec = json.loads(chart_proto.spec) if chart_proto.spec else {}
    inline = spec.get("datasets", {}) if isinstance(spec, dict) else {}
    delivered = {d.name for d in chart_proto.datasets if d.name} | set(inline)
    return ChartCheck(delta_path, fragment_id, frozenset(named_datasets_in_spec(spec)),
                      frozenset(delivered), len(chart_proto.spec))


# --------------------------------------------------------------------------- widgets
@dataclass
class Widget:
    """A control on the page, as the browser's widget manager knows it."""

    id: str
    kind: str
    """Element field: ``slider``, ``selectbox``, ``button_group`` (segmented control), …"""
    label: str
    query_param_key: str
    fragment_id: str
    delta_path: tuple[int, ...]
    proto: Any
    """The element's widget proto (``Slider``, ``Selectbox``, …) as last received."""
    value: Any
    """Current value in wire form: list of floats (slider), formatted option (selectbox),
    list of formatted options (multiselect, segmented), float, bool or str."""

    @property
    def user_key(self) -> str | None:
        """The ``key=`` the script gave the widget, parsed from ``$$ID-<hash>-<key>``."""
        if not self.id.startswith("$$ID-"):
            return None
        parts = self.id.split("-", 2)
        key = parts[2] if len(parts) == 3 else ""
        return None if key in ("", "None") else key

    @property
    def in_fragment(self) -> bool:
        return bool(self.fragment_id)

    # -- wire encoding, as the frontend sends each widget -------------------------
    def state(self, value: Any = None) -> WidgetState:
        """The ``WidgetState`` the browser would send for ``value`` (default: the current one)."""
        v = self.value if value is None else value
        ws = WidgetState(id=self.id)
        if v is None:  # an empty input (e.g. a number not typed yet): the browser sends the id alone
            return ws
        if self.kind == "slider":
            ws.double_array_value.data[:] = [float(x) for x in v]  # one item even for an int slider
        elif self.kind in ("selectbox", "text_area", "text_input"):
            ws.string_value = str(v)
        elif self.kind in ("multiselect", "button_group"):
            ws.string_array_value.data[:] = [str(x) for x in v]
        elif self.kind == "number_input":
            if self.proto.data_type == 0:  # NumberInput.INT
                ws.int_value = int(v)
            else:
                ws.double_value = float(v)
        elif self.kind == "checkbox":
            ws.bool_value = bool(v)
        elif self.kind == "radio":
            ws.int_value = int(v)
        else:  # pragma: no cover - WIDGET_KINDS is closed
            raise ValueError(f"cannot encode a {self.kind}")
        return ws

    # -- fresh values -------------------------------------------------------------
    def options(self) -> list[str]:
        if self.kind == "button_group":
            return [o.content for o in self.proto.options]
        if self.kind in ("selectbox", "multiselect", "radio"):
            return list(self.proto.options)
        return []

    def fresh_value(self, used: Iterable[Any] = ()) -> tuple[Any, bool]:
        """A legal value different from the current one and, if possible, from every ``used`` one.

        Returns ``(value, fresh)``; ``fresh`` is False when every legal value was
        used already (a toggle has two), and the value is then merely different
        from the current one. Stays within min/max/options.
        """
        seen = {_freeze(u) for u in used} | {_freeze(self.value)}
        candidates = self._candidates()
        first_other = None
        for cand in candidates:
            if _freeze(cand) == _freeze(self.value):
                continue
            if first_other is None:
                first_other = cand
            if _freeze(cand) not in seen:
                return cand, True
        if first_other is None:
            raise ValueError(f"{self.kind} {self.id} has no other legal value")
        return first_other, False

    def _candidates(self) -> list[Any]:
        """Legal values nearest the current one first (bounded: at most ~400)."""
        p = self.proto
        if self.kind == "slider":
            if p.options:  # select_slider: the value is an option index
                lo, hi, step, cur = 0.0, float(len(p.options) - 1), 1.0, float(self.value[0])
            else:
                lo, hi, step, cur = p.min, p.max, p.step or 1.0, float(self.value[0])
            return [[x] for x in _grid_near(lo, hi, step, cur, integral=p.data_type == 0 or bool(p.options))]
        if self.kind == "number_input":
            step = p.step or (1.0 if p.data_type == 0 else 0.01)
            lo = p.min if p.has_min else float(self.value) - 200 * step
            hi = p.max if p.has_max else float(self.value) + 200 * step
            return _grid_near(lo, hi, step, float(self.value), integral=p.data_type == 0)
        if self.kind == "checkbox":
            return [not self.value]
        if self.kind in ("selectbox", "radio"):
            opts = self.options()
            if self.kind == "radio":
                return list(range(len(opts)))
            return opts
        if self.kind == "button_group":
            return [[o] for o in self.options()]
        if self.kind == "multiselect":
            return _multiselect_near(self.options(), list(self.value), p.max_selections)
        if self.kind in ("text_area", "text_input"):
            return _text_near(str(self.value), getattr(p, "max_chars", 0))
        return []


def _freeze(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(_freeze(x) for x in v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _grid_near(lo: float, hi: float, step: float, cur: float, *, integral: bool, limit: int = 200) -> list[float]:
    """Grid points ``lo + k*step`` within [lo, hi], alternating above and below ``cur``."""
    if step <= 0 or hi < lo:
        return []
    n = math.floor((hi - lo) / step + 1e-9)
    k0 = round((cur - lo) / step)
    out: list[float] = []
    for d in range(1, limit + 1):
        for k in (k0 + d, k0 - d):
            if 0 <= k <= n:
                x = lo + k * step
                x = float(round(x)) if integral else float(round(x, 12))
                out.append(min(max(x, lo), hi))
    return out


def _multiselect_near(options: list[str], current: list[str], max_selections: int) -> list[list[str]]:
    """Selections one change away: add one option (within ``max_selections``) or drop one (never empty)."""
    out = []
    cap = max_selections or len(options)
    if len(current) < cap:
        out += [[*current, o] for o in options if o not in current]
    if len(current) > 1:
        out += [[c for c in current if c != drop] for drop in current]
    out += [[*current[:-1], o] for o in options if o not in current]  # swap the last one
    return out


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _text_near(text: str, max_chars: int) -> list[str]:
    """The text with its last number nudged by 0.01·k (a typed matrix stays a matrix)."""
    matches = list(_NUMBER.finditer(text))
    if not matches:
        return [text + " "]
    m = matches[-1]
    base = float(m.group())
    out = []
    for k in range(1, 100):
        for sign in (1, -1):
            new = text[: m.start()] + f"{base + sign * 0.01 * k:g}" + text[m.end():]
            if not max_chars or len(new) <= max_chars:
                out.append(new)
    return out


def _initial_value(kind: str, p: Any, known: Widget | None) -> Any:
    """The value the browser holds after this delta: the server's if it set one, else the kept one."""
    if known is not None and known.kind == kind and not p.set_value:
        return known.value
    if kind == "slider":
        return list(p.value) if p.value else list(p.default)
    if kind == "selectbox":
        if p.set_value or p.HasField("raw_value"):
            return p.raw_value
        return p.options[p.default] if p.HasField("default") and p.options else None
    if kind == "multiselect":
        return list(p.raw_values) if p.set_value else [p.options[i] for i in p.default]
    if kind == "button_group":
        return list(p.raw_values) if p.set_value else [p.options[i].content for i in p.default]
    if kind == "number_input":
        return p.value if p.HasField("value") else (p.default if p.HasField("default") else None)
    if kind == "checkbox":
        return p.value if p.set_value else p.default
    if kind in ("text_area", "text_input"):
        return p.value if p.HasField("value") else (p.default if p.HasField("default") else "")
    if kind == "radio":
        if p.set_value and p.HasField("raw_value") and p.raw_value in p.options:
            return list(p.options).index(p.raw_value)
        return p.default if p.HasField("default") else None  # index=None: nothing chosen yet
    return None


# --------------------------------------------------------------------------- runs
@dataclass
class RunResult:
    """What one rerun (one page open, one control move) cost and delivered."""

    bytes: int = 0
    messages: int = 0
    latency_s: float = 0.0
    statuses: list[int] = field(default_factory=list)
    """Every ``script_finished`` status in order; EARLY ones included."""
    charts: list[ChartCheck] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Bodies of ``st.error`` alerts."""
    delta_fragment_ids: list[str] = field(default_factory=list)
    """``delta.fragment_id`` of every delta, in order (``""`` outside fragments)."""
    whole_page_runs: int = 0
    """Whole-page script runs: ``new_session`` messages whose ``metadata.run.fragment_ids`` is empty."""
    fragment_runs: int = 0
    """Fragment script runs: a fragment run starts with a ``new_session`` too, naming its fragments
    in ``metadata.run.fragment_ids``."""
    ref_hits: int = 0
    ref_misses: int = 0
    trailing_bytes: int = 0
    """Bytes that arrived after ``script_finished`` and before the next request."""
    query_string: str | None = None
    """The URL's query string after the run (from ``page_info_changed``), None if unchanged."""
    fragment_id_sent: str = ""
    first_chart_s: float | None = None
    """Seconds from the request to the arrival of the run's first chart (None: no chart)."""

    @property
    def final_status(self) -> int | None:
        return self.statuses[-1] if self.statuses else None

    @property
    def finished(self) -> bool:
        return self.final_status in (SUCCESS, FRAGMENT_SUCCESS)

    @property
    def fragment_only(self) -> bool:
        """A fragment run that sent only that fragment's deltas."""
        return (self.final_status == FRAGMENT_SUCCESS and self.whole_page_runs == 0
                and all(f == self.fragment_id_sent for f in self.delta_fragment_ids))

    @property
    def charts_ok(self) -> bool:
        return all(c.ok for c in self.charts)

    @property
    def status_names(self) -> list[str]:
        return [FINISHED.Name(s) for s in self.statuses]


@dataclass
class _Node:
    kind: str  # element field name, or "block"
    fragment_id: str
    seq: int
    widget_id: str = ""


class Session:
    """One simulated browser tab. Use :func:`open_session` or ``async with Session(...)``."""

    def __init__(self, base_url: str, page_name: str = "", query_string: str = "", *,
                 timeout: float = 120.0, use_cache: bool = True, max_message_bytes: int = 2**27):
        self.base_url = base_url.rstrip("/")
        self.page_name = page_name
        self.query_string = query_string.lstrip("?")
        self.timeout = timeout
        self.use_cache = use_cache
        self.max_message_bytes = max_message_bytes
        self.page_script_hash = ""
        self.app_pages: list[tuple[str, str]] = []
        """(url_pathname, page_script_hash) of every page the navigation lists."""
        self.widgets: dict[str, Widget] = {}
        self.tree: dict[tuple[int, ...], _Node] = {}
        self.cache: dict[str, ForwardMsg] = {}
        self.runs: list[RunResult] = []
        self.auto_rerun_fragments: set[str] = set()
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._inbox: asyncio.Queue = asyncio.Queue()
        self._seq = 0
        self.closed_reason: str | None = None

    # -- connection ---------------------------------------------------------------
    async def __aenter__(self) -> Session:
        await self.connect()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def connect(self) -> RunResult:
        """Open the socket and run the page once, as a browser opening the URL does."""
        ws_url = self.base_url.replace("http://", "ws://").replace("https://", "wss://") + "/_stcore/stream"
        self._ws = await asyncio.wait_for(
            websockets.connect(ws_url, subprotocols=["streamlit"], proxy=None, ping_interval=None,
                               max_size=self.max_message_bytes, open_timeout=self.timeout),
            self.timeout,
        )
        self._reader = asyncio.create_task(self._read_loop())
        return await self.rerun(first=True)

    async def close(self) -> None:
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._ws.close(), 5)
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader
        self._ws = None

    @property
    def dropped(self) -> bool:
        """True if the server closed the socket (or it failed) while the session was in use."""
        return self.closed_reason is not None

    async def _read_loop(self) -> None:
        try:
            async for frame in self._ws:
                if isinstance(frame, str):
                    raise ProtocolError("server sent a text frame")
                await self._inbox.put((time.perf_counter(), frame))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.closed_reason = f"{type(exc).__name__}: {exc}"
        else:
            self.closed_reason = "closed by server"
        await self._inbox.put((time.perf_counter(), None))

    # -- the page -------------------------------------------------------------------
    def url_bound(self) -> list[Widget]:
        """Widgets whose proto carries a ``query_param_key`` (``bind="query-params"``)."""
        return [w for w in self.widgets.values() if w.query_param_key]

    def widget(self, key: str) -> Widget:
        """The widget whose user key (or ``query_param_key``) is ``key``."""
        for w in self.widgets.values():
            if key in (w.user_key, w.query_param_key):
                return w
        raise KeyError(key)

    def elements(self, kind: str) -> list[tuple[int, ...]]:
        """Delta paths of the page's current elements of one kind (e.g. ``vega_lite_chart``)."""
        return sorted(p for p, n in self.tree.items() if n.kind == kind)

    @property
    def fragment_ids(self) -> set[str]:
        """Fragments that delivered elements to the current page."""
        return {n.fragment_id for n in self.tree.values() if n.fragment_id}

    # -- reruns ---------------------------------------------------------------------
    def _client_state(self, req, fragment_id: str, changes: dict[str, WidgetState], first: bool) -> None:
        r = req.rerun_script
        r.query_string = self.query_string
        r.widget_states.SetInParent()  # present even when empty, as the browser sends it
        if first:
            r.page_name = self.page_name
        else:
            r.page_script_hash = self.page_script_hash
        if fragment_id:
            r.fragment_id = fragment_id
        states = {wid: w.state() for wid, w in self.widgets.items()}
        states.update(changes)
        r.widget_states.widgets.extend(states.values())
        if self.use_cache:
            r.cached_message_hashes.extend(self.cache)
        ci = r.context_info
        ci.timezone = "UTC"
        ci.timezone_offset = 0
        ci.locale = "en-US"
        ci.url = f"{self.base_url}/{self.page_name}"
        ci.is_embedded = False
        ci.color_scheme = "light"

    async def rerun(self, changes: Iterable[WidgetState] = (), fragment_id: str = "", *,
                    first: bool = False) -> RunResult:
        """Send ``rerun_script`` (current widget states plus ``changes``) and collect the run."""
        if self._ws is None:
            raise ProtocolError("session is not connected")
        trailing = self._drain_nowait()
        if self.runs:
            self.runs[-1].trailing_bytes += trailing
        msg = BackMsg()
        self._client_state(msg, fragment_id, {c.id: c for c in changes}, first)
        result = RunResult(fragment_id_sent=fragment_id)
        self._seq += 1
        t0 = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        await self._collect(result, t0)
        self.runs.append(result)
        return result

    async def move(self, widget: Widget | str, value: Any = None, *, used: Iterable[Any] = ()) -> RunResult:
        """Move a control as a person would; ``value=None`` picks a fresh legal value.

        Sends ``ClientState.fragment_id`` when the control came in a fragment's delta.
        """
        w = self.widget(widget) if isinstance(widget, str) else self.widgets[widget.id]
        if value is None:
            value, _ = w.fresh_value(used)
        state = w.state(value)
        w.value = value  # the browser's widget manager holds the new value at once
        return await self.rerun([state], fragment_id=w.fragment_id)

    def _drain_nowait(self) -> int:
        n = 0
        while not self._inbox.empty():
            _, frame = self._inbox.get_nowait()
            if frame is None:
                self._inbox.put_nowait((time.perf_counter(), None))
                break
            n += len(frame)
            self._handle(ForwardMsg.FromString(frame), RunResult())
        return n

    async def _collect(self, result: RunResult, t0: float) -> None:
        deadline = t0 + self.timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise ProtocolError(f"run did not finish within {self.timeout:.0f} s")
            try:
                t, frame = await asyncio.wait_for(self._inbox.get(), remaining)
            except TimeoutError:
                raise ProtocolError(f"run did not finish within {self.timeout:.0f} s") from None
            if frame is None:
                self._inbox.put_nowait((t, None))
                raise ProtocolError(f"socket dropped: {self.closed_reason}")
            result.bytes += len(frame)
            result.messages += 1
            msg = ForwardMsg.FromString(frame)
            charts_before = len(result.charts)
            status = self._handle(msg, result)
            if result.first_chart_s is None and len(result.charts) > charts_before:
                result.first_chart_s = t - t0
            if status is None or status == EARLY:
                continue
            result.latency_s = t - t0
            if status == COMPILE_ERROR:
                result.errors.append("script compile error")
            return

    # -- message handling -----------------------------------------------------------
    def _handle(self, msg: ForwardMsg, result: RunResult) -> int | None:
        """Apply one ForwardMsg; returns the ``script_finished`` status, if it was one."""
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            cached = self.cache.get(msg.ref_hash)
            if cached is None:
                result.ref_misses += 1
                return None
            result.ref_hits += 1
            full = ForwardMsg()
            full.CopyFrom(cached)
            full.metadata.CopyFrom(msg.metadata)
            msg, kind = full, full.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash and self.use_cache:
            self.cache[msg.hash] = msg
        if kind == "new_session":
            if msg.metadata.run.fragment_ids:
                result.fragment_runs += 1
            else:
                result.whole_page_runs += 1
        elif kind == "navigation":
            self.page_script_hash = msg.navigation.page_script_hash
            self.app_pages = [(p.url_pathname, p.page_script_hash) for p in msg.navigation.app_pages]
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
            result.query_string = self.query_string
        elif kind == "delta":
            self._apply_delta(msg, result)
        elif kind == "auto_rerun":
            self.auto_rerun_fragments.add(msg.auto_rerun.fragment_id)
        elif kind == "script_finished":
            status = msg.script_finished
            result.statuses.append(status)
            if status in (SUCCESS, FRAGMENT_SUCCESS):
                self._clear_stale(status, result, set(msg.metadata.run.fragment_ids))
            return status
        return None

    def _apply_delta(self, msg: ForwardMsg, result: RunResult) -> None:
        path = tuple(msg.metadata.delta_path)
        delta = msg.delta
        frag = delta.fragment_id
        result.delta_fragment_ids.append(frag)
        dtype = delta.WhichOneof("type")
        if dtype == "add_block":
            self.tree[path] = _Node("block", frag, self._seq)
            return
        if dtype != "new_element":
            return
        el = delta.new_element
        ekind = el.WhichOneof("type") or "empty"
        node = self.tree[path] = _Node(ekind, frag, self._seq)
        if ekind == "vega_lite_chart":
            result.charts.append(check_chart(el.vega_lite_chart, path, frag))
        elif ekind == "exception":
            result.exceptions.append(f"{el.exception.type}: {el.exception.message}")
        elif ekind == "alert" and el.alert.format == _ERROR_ALERT:
            result.errors.append(el.alert.body)
        elif ekind in WIDGET_KINDS:
            p = getattr(el, ekind)
            known = self.widgets.get(p.id)
            node.widget_id = p.id
            self.widgets[p.id] = Widget(
                id=p.id, kind=ekind, label=p.label,
                query_param_key=p.query_param_key if p.HasField("query_param_key") else "",
                fragment_id=frag, delta_path=path, proto=p, value=_initial_value(ekind, p, known),
            )

    def _clear_stale(self, status: int, result: RunResult, run_fragments: set[str]) -> None:
        """Drop what this run did not redraw: the whole page, or the rerun fragment's part."""
        if status == SUCCESS:
            stale = [p for p, n in self.tree.items() if n.seq != self._seq]
        else:
            frags = run_fragments | {result.fragment_id_sent, *(f for f in result.delta_fragment_ids if f)}
            stale = [p for p, n in self.tree.items() if n.seq != self._seq and n.fragment_id in frags]
        for p in stale:
            del self.tree[p]
        live = {n.widget_id for n in self.tree.values() if n.widget_id}
        for wid in [wid for wid in self.widgets if wid not in live]:
            del self.widgets[wid]


async def open_session(base_url: str, page_name: str = "", query_string: str = "", **kwargs) -> Session:
    """Connect and run the page once; the caller closes the session."""
    s = Session(base_url, page_name, query_string, **kwargs)
    try:
        await s.connect()
    except BaseException:
        await s.close()
        raise
    return s
