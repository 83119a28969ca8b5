"""bench.load's reading of a run: which runs a slow one met (the timeline in its JSON report)."""

from __future__ import annotations

from bench import load


def run(page: str, control: str, start: float, latency: float | None, kind: str = "move") -> dict:
    return {"page": page, "control": control, "kind": kind, "latency_s": latency,
            "t_end": start + (latency or 0.0)}


def test_in_flight_counts_the_runs_that_overlap_in_time():
    slow = run("jacobian-bound", "jac_n", 10.0, 5.0)
    runs = [slow, run("power-method", "pm_n", 9.0, 2.0), run("cliffs", "clf_n", 14.0, 3.0),
            run("cliffs", "clf_lr", 15.5, 1.0), run("cliffs", "clf_w0", 2.0, 1.0),
            run("cliffs", "clf_b0", 11.0, None)]  # a timeout has no span
    assert load._in_flight(slow, runs) == 2
    assert load._in_flight(runs[3], runs) == 1  # only the one that started at 14 s still runs at 15.5 s


def test_timeline_is_ordered_by_start_and_relative_to_the_first():
    runs = [run("cliffs", "clf_n", 14.0, 3.0), run("", "", 4.0, 0.5, kind="first"), run("cliffs", "clf_b0", 1.0, None)]
    rows = load._timeline(runs)
    assert [r["start_s"] for r in rows] == [0.0, 10.0]
    assert rows[0]["kind"] == "first" and rows[0]["page"] == "(home)"
    assert rows[1] == {"start_s": 10.0, "latency_s": 3.0, "kind": "move", "page": "cliffs", "control": "clf_n"}
    assert load._timeline([]) == []
