"""The process-wide heavy-work limit and the work caps behind it."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass

import pytest

from explorer.app import limits
from explorer.app.limits import WorkLimiter, limited, settings_are_heavy
from explorer.lessons.jacobian import reading as jac


@dataclass(frozen=True)
class Job:
    size: int

    @property
    def heavy(self) -> bool:
        return self.size >= 10


def run_together(fn, jobs) -> None:
    """Start one thread per job at once (a barrier lines them up) and wait for all."""
    barrier = threading.Barrier(len(jobs))

    def go(job):
        barrier.wait()
        fn(job)

    threads = [threading.Thread(target=go, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)


def slow_work(limiter: WorkLimiter, inside: list):
    release = threading.Event()

    def work(job: Job) -> int:
        inside.append(limiter.active)
        release.wait(0.05)  # hold the slot a moment so that the others try to enter meanwhile
        return job.size

    return work


def test_heavy_work_runs_one_at_a_time():
    limiter, inside = WorkLimiter(1), []
    fn = limited(slow_work(limiter, inside), limiter=limiter)
    run_together(fn, [Job(50)] * 6)
    assert limiter.peak == 1
    assert inside == [1] * 6
    assert limiter.active == 0


def test_two_slots_allow_two_at_once_and_no_more():
    limiter, inside = WorkLimiter(2), []
    run_together(limited(slow_work(limiter, inside), limiter=limiter), [Job(50)] * 8)
    assert limiter.peak <= 2
    assert max(inside) <= 2
    assert len(inside) == 8


def test_light_work_never_takes_a_slot():
    limiter, inside = WorkLimiter(1), []
    run_together(limited(slow_work(limiter, inside), limiter=limiter), [Job(1)] * 5)
    assert limiter.peak == 0
    assert inside == [0] * 5


def test_a_failing_heavy_computation_gives_its_slot_back():
    limiter = WorkLimiter(1)

    def boom(job):
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        limited(boom, limiter=limiter)(Job(99))
    assert limiter.active == 0
    assert limited(lambda job: job.size, limiter=limiter)(Job(99)) == 99


def test_a_custom_predicate_decides_what_is_heavy():
    limiter = WorkLimiter(1)
    seen = []
    fn = limited(lambda n, steps: seen.append(limiter.active), heavy=lambda n, steps: n * steps > 100,
                 limiter=limiter)
    fn(5, 5)
    fn(50, 50)
    assert seen == [0, 1]


def test_which_arguments_count_as_heavy():
    assert settings_are_heavy(Job(10))
    assert settings_are_heavy(1, "x", job=Job(10))
    assert not settings_are_heavy(Job(9), 3, None)
    assert not settings_are_heavy()


@pytest.mark.parametrize(("raw", "slots"), [("3", 3), ("1", 1), ("0", 1), ("-2", 1), ("two", 1), ("", 1)])
def test_slot_count_from_the_environment(monkeypatch, raw, slots):
    monkeypatch.setenv("GE_HEAVY_SLOTS", raw)
    assert limits._slots_from_env() == slots


def test_the_page_caches_take_the_shared_slot(monkeypatch):
    """app.cached wraps the computation (run only on a miss) in the process-wide limiter."""
    from explorer.app import render

    seen = []

    def compute(job: Job) -> int:
        seen.append(limits.HEAVY_WORK.active)
        return job.size

    cached = render.cached(compute)
    before = limits.HEAVY_WORK.active
    assert cached(Job(12)) == 12 and cached(Job(3)) == 3
    assert seen == [before + 1, before]
    assert cached(Job(12)) == 12 and len(seen) == 2  # a hit does not compute, so takes no slot


# ---------------------------------------------------------------------------
# the work caps that bound how long one slot is held


def rnn_values(n: int, T: int) -> dict:
    return dict(act="tanh", form="pascanu", kind="gaussian", target=0.9, tkind="sigma_max", n=n, T=T, inp=1.0,
                bias=0.0, seed=0)


@pytest.mark.parametrize(("n", "T"), [(64, 1000), (70, 1000), (256, 70), (2, 10)])
def test_networks_within_the_cap_keep_their_steps(n, T):
    s = jac.RNNSettings.from_values(rnn_values(n, T))
    assert s.T == T and s.asked_T is None and jac.rnn_cap_text(s) is None


@pytest.mark.parametrize(("n", "T"), [(256, 1000), (200, 1000), (256, 400)])
def test_a_large_network_follows_fewer_steps_and_says_so(n, T):
    s = jac.RNNSettings.from_values(rnn_values(n, T))
    assert s.T < T and s.asked_T == T
    assert s.n * s.n * s.T <= jac.RNN_WORK
    assert s.T % 10 == 0 and s.n * s.n * (s.T + 10) > jac.RNN_WORK  # the largest multiple of the slider's step
    assert f"T = {s.T}" in jac.rnn_cap_text(s) and str(T) in jac.rnn_cap_text(s)


def deep(depth: int, width: int) -> jac.DeepSettings:
    return jac.DeepSettings.capped(act="tanh", init="gaussian", sigma_w=1.0, sigma_b=0.0, depth=depth, width=width,
                                   seed=0)


def test_a_narrow_deep_network_keeps_its_depth():
    d = deep(100, 256)
    assert d.depth == 100 and jac.deep_cap_text(d) is None


def test_a_wide_deep_network_builds_fewer_layers_and_says_so():
    d = deep(100, 512)
    assert d.depth < 100 and d.asked_depth == 100
    assert d.depth * 512 ** 2 <= jac.DEEP_WORK < (d.depth + 1) * 512 ** 2
    assert f"builds {d.depth} layers, not 100" in jac.deep_cap_text(d)


def test_a_long_wait_or_hold_is_logged_by_name(monkeypatch, caplog):
    import logging

    from explorer.app import limits

    monkeypatch.setattr(limits, "SLOW_S", 0.0)
    limiter = WorkLimiter(1)
    with caplog.at_level(logging.WARNING, logger="explorer.limits"):
        limited(lambda job: None, limiter=limiter)(Job(10))
        limited(lambda job: None, limiter=limiter)(Job(0))  # light: takes no slot, logs nothing
    lines = [r.getMessage() for r in caplog.records if r.name == "explorer.limits"]
    assert len(lines) == 1 and lines[0].startswith("heavy work test_a_long_wait_or_hold_is_logged_by_name.<locals>")
    assert limiter.active == 0 and limiter.waiting == 0


def _wait_for(condition, limit_s: float = 10.0) -> None:
    """Poll ``condition`` (bounded in time: a test that cannot proceed fails instead of hanging)."""
    end = time.monotonic() + limit_s
    while not condition():
        assert time.monotonic() < end, "the limiter never reached the expected state"
        time.sleep(0.005)


def _served_order(limiter: WorkLimiter, owners) -> list:
    """While one computation holds the only slot, ``owners`` ask in turn; the order they got it."""
    order, release = [], threading.Event()

    def hold():
        with limiter.slot(owner="X"):
            release.wait(10)

    def ask(owner):
        with limiter.slot(owner=owner):
            order.append(owner)

    threads = [threading.Thread(target=hold)]
    threads[0].start()
    _wait_for(lambda: limiter.active == 1)
    for queued, owner in enumerate(owners, start=1):
        threads.append(threading.Thread(target=ask, args=(owner,)))
        threads[-1].start()
        _wait_for(lambda queued=queued: limiter.waiting == queued)
    release.set()
    for t in threads:
        t.join(10)
    assert limiter.active == 0 and limiter.waiting == 0
    return order


def test_a_free_slot_goes_to_the_viewer_who_used_the_least_heavy_time():
    """A asked first, but A has just used the slot and B has not: B goes first, then A."""
    limiter = WorkLimiter(1)
    with limiter.slot(owner="A"):
        time.sleep(0.05)
    assert limiter.usage("A") > 0 and limiter.usage("B") == 0
    assert _served_order(limiter, ["A", "B"]) == ["B", "A"]


def test_equal_viewers_are_served_in_the_order_they_asked():
    assert _served_order(WorkLimiter(1), ["C", "D", "E"]) == ["C", "D", "E"]


def test_past_heavy_work_is_forgiven_with_its_half_life():
    limiter = WorkLimiter(1, half_life_s=10.0)
    limiter._charge("A", 4.0, now=100.0)
    assert limiter.usage("A", now=100.0) == pytest.approx(4.0)
    assert limiter.usage("A", now=110.0) == pytest.approx(2.0)
    assert limiter.usage("A", now=130.0) == pytest.approx(0.5)
    assert limiter.usage("nobody", now=130.0) == 0.0


def test_the_limiter_remembers_a_bounded_number_of_viewers():
    limiter = WorkLimiter(1)
    for i in range(limits.MAX_OWNERS + 50):
        limiter._charge(i, 1.0, now=float(i))
    assert len(limiter._usage) == limits.MAX_OWNERS
    assert 0 not in limiter._usage and limits.MAX_OWNERS + 49 in limiter._usage


class FakeClock:
    """A clock the test moves by hand (the limiter reads it for its budget and its fairness)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_budget_is_spent_by_holding_a_slot_and_refills_at_the_share():
    clock = FakeClock()
    limiter = WorkLimiter(1, share=0.5, burst_s=3.0, clock=clock)
    assert limiter.budget() == 3.0
    with limiter.slot(owner="A"):
        clock.now += 4.0  # held 4 s; 2 s of budget came back meanwhile
    assert limiter.budget() == pytest.approx(1.0)
    clock.now += 1.0
    assert limiter.budget() == pytest.approx(1.5)
    clock.now += 100.0
    assert limiter.budget() == 3.0  # never more than the burst


def test_two_slots_refill_twice_as_fast():
    clock = FakeClock()
    limiter = WorkLimiter(2, share=0.25, burst_s=2.0, clock=clock)
    with limiter.slot():
        clock.now += 6.0
    assert limiter.budget() == pytest.approx(2.0 + 0.25 * 2 * 6.0 - 6.0)


def test_heavy_work_in_debt_waits_for_the_budget_then_runs():
    clock = FakeClock()
    limiter = WorkLimiter(1, share=0.5, burst_s=1.0, clock=clock)
    with limiter.slot(owner="A"):
        clock.now += 3.0  # budget 1 + 1.5 - 3 = -0.5: the next one must wait 1 s of the clock
    assert limiter.budget() == pytest.approx(-0.5)
    entered = threading.Event()

    def second():
        with limiter.slot(owner="B"):
            entered.set()

    t = threading.Thread(target=second)
    t.start()
    assert not entered.wait(0.6)  # the clock has not moved: the budget is still in debt
    assert limiter.waiting == 1 and limiter.active == 0
    clock.now += 1.01
    assert entered.wait(10)
    t.join(10)
    assert limiter.throttled == 1 and limiter.waiting == 0


def test_without_a_budget_nothing_is_throttled():
    clock = FakeClock()
    limiter = WorkLimiter(1, clock=clock)  # share 1: the slots may be held all the time
    for _ in range(3):
        with limiter.slot():
            clock.now += 100.0
    assert limiter.budget() == limiter.burst_s
    assert _served_order(limiter, ["C", "D"]) == ["C", "D"] and limiter.throttled == 0


@pytest.mark.parametrize(("raw", "share"), [("30", 0.3), ("100", 1.0), ("0", 0.5), ("150", 0.5), ("half", 0.5)])
def test_the_heavy_share_comes_from_the_environment(monkeypatch, raw, share):
    monkeypatch.setenv("GE_HEAVY_SHARE", raw)
    assert limits._share_from_env() == share


def test_unbudgeted_work_neither_waits_for_the_budget_nor_spends_it():
    clock = FakeClock()
    limiter = WorkLimiter(1, share=0.5, burst_s=1.0, clock=clock)
    with limiter.slot(owner="A"):
        clock.now += 3.0
    assert limiter.budget() == pytest.approx(-0.5)  # in debt: budgeted work would wait now
    with limiter.slot(owner=limits.WARM_UP, budgeted=False):  # enters at once, on the same clock
        clock.now += 10.0
    assert limiter.throttled == 0
    assert limiter.budget() == pytest.approx(1.0)  # refilled while the warm-up held the slot, not drained


def test_warm_up_sessions_are_one_owner_outside_the_budget(monkeypatch):
    from types import SimpleNamespace

    session = SimpleNamespace(session_id="s-1")
    monkeypatch.setattr(limits, "get_script_run_ctx", lambda suppress_warning=True: session)
    seen = []

    class Recorder(WorkLimiter):
        @contextlib.contextmanager
        def slot(self, name="", owner=None, budgeted=True):
            seen.append((owner, budgeted))
            yield

    fn = limited(lambda job: job.size, limiter=Recorder(1), worker=limits.HeavyWorker(1, "thread"))
    fn(Job(10))
    limits.mark_warm_up("s-1")
    try:
        fn(Job(10))
    finally:
        limits.mark_warm_up("s-1", on=False)
    fn(Job(10))
    assert seen == [("s-1", True), (limits.WARM_UP, False), ("s-1", True)]


# --- the run gate: how many script runs execute at once -------------------------------------------------


def _holder(gate: limits.RunGate, entered: threading.Event, leave: threading.Event) -> threading.Thread:
    def hold() -> None:
        with gate.run():
            entered.set()
            assert leave.wait(30)

    t = threading.Thread(target=hold, daemon=True)
    t.start()
    assert entered.wait(30)
    return t


def test_a_run_waits_while_every_slot_is_taken_and_enters_when_one_is_given_back():
    gate = limits.RunGate(slots=1, wait_s=60)
    entered, leave = threading.Event(), threading.Event()
    first = _holder(gate, entered, leave)
    second_in = threading.Event()

    def wait_then_enter() -> None:
        with gate.run():
            second_in.set()

    second = threading.Thread(target=wait_then_enter, daemon=True)
    second.start()
    assert not second_in.wait(0.3)  # the only slot is held
    leave.set()
    first.join(30)
    assert second_in.wait(30)
    second.join(30)
    assert gate.waited == 1 and gate.overrun == 0


def test_a_figure_rerun_inside_a_page_run_holds_the_page_slot():
    gate = limits.RunGate(slots=1, wait_s=60)
    with gate.run(), gate.run(), gate.run():  # re-entrant: one slot, no deadlock
        pass
    assert gate.waited == 0
    with gate.run():  # and the slot was given back once, not three times
        assert not gate._free.acquire(blocking=False)


def test_a_run_waiting_for_heavy_work_lets_another_run_in():
    gate = limits.RunGate(slots=1, wait_s=60)
    other_in = threading.Event()

    def other() -> None:
        with gate.run():
            other_in.set()

    with gate.run():
        with gate.released():
            t = threading.Thread(target=other, daemon=True)
            t.start()
            assert other_in.wait(30)
            t.join(30)
        assert not gate._free.acquire(blocking=False)  # taken again after the heavy wait
    assert gate._free.acquire(blocking=False)  # and given back at the end
    gate._free.release()


def test_a_run_that_waited_too_long_goes_ahead_without_a_slot_and_takes_none_away():
    gate = limits.RunGate(slots=1, wait_s=0.05)
    entered, leave = threading.Event(), threading.Event()
    first = _holder(gate, entered, leave)
    with gate.run(), gate.released():  # the only slot is held: goes ahead after wait_s, gives back nothing
        pass
    assert gate.overrun >= 1
    leave.set()
    first.join(30)
    assert gate._free.acquire(blocking=False)  # exactly one slot, as before
    assert not gate._free.acquire(blocking=False)


def test_no_slots_means_no_limit(monkeypatch):
    gate = limits.RunGate(slots=0)
    with gate.run(), gate.released(), gate.run():
        pass
    assert gate.waited == 0
    monkeypatch.setenv("GE_RUN_SLOTS", "3")
    assert limits.env_int("GE_RUN_SLOTS", 4, low=0) == 3


def test_a_waiting_run_stops_when_its_viewer_moves_on(monkeypatch):
    class Moved(Exception):
        pass

    def check() -> None:
        raise Moved

    monkeypatch.setattr(limits, "get_run_yield_check", lambda: check)
    gate = limits.RunGate(slots=1, wait_s=60)
    entered, leave = threading.Event(), threading.Event()
    first = _holder(gate, entered, leave)
    with pytest.raises(Moved), gate.run():
        pass
    leave.set()
    first.join(30)
    assert gate._free.acquire(blocking=False) and not gate._free.acquire(blocking=False)


def test_the_router_and_every_figure_pass_the_gate():
    """The page run (router), each figure's fragment and the animation's fragment hold a slot."""
    from tests.conftest import ROOT

    assert "with RUNS.run():" in (ROOT / "streamlit_app.py").read_text()
    figure_src = (ROOT / "explorer" / "app" / "figure.py").read_text()
    assert "with limits.RUNS.run(), st.container(" in figure_src and "@limits.RUNS.gated" in figure_src
