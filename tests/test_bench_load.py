"""bench.load's reading of a run: which runs a slow one met (the timeline in its JSON report)."""

from __future__ import annotations

from bench import load


def run(page: str, control: str, start: float, latency: float | None, kind: str = "move", viewer: int = 0) -> dict:
    return {"page": page, "control": control, "kind": kind, "latency_s": latency,
            "t_end": start + (latency or 0.0), "viewer": viewer, "problems": [], "charts": 0,
            "charts_missing": 0, "fresh": True, "first_chart_s": None, "query": ""}


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


def test_isolation_alternates_without_and_with_on_one_server_sharing_the_used_values(monkeypatch):
    import asyncio

    calls = []

    async def fake_drive(server, plans, pages, *, heavy_viewers=0, links="scenario", used=None, **kw):
        calls.append((plans is None, heavy_viewers, id(used)))
        used.setdefault("page:key", []).append(len(calls))  # every phase sees the values of the ones before
        return {"plans": [{"path": "p", "prefix": "x", "controls": ["x_a"], "links": [""]}], "runs": [],
                "warmup_problems": [], "seen": list(used["page:key"])}

    monkeypatch.setattr(load, "_drive", fake_drive)
    monkeypatch.setattr(load, "SETTLE_S", 0.0)
    phases = asyncio.run(load._isolation_phases("server", [("p", "x")], rounds=2, heavy_viewers=3, links="scenario",
                                                kw={}))
    assert [h for h, _ in phases] == [False, True, False, True]
    assert [c[:2] for c in calls] == [(True, 0), (False, 3), (False, 0), (False, 3)]  # only the first warms up
    assert len({c[2] for c in calls}) == 1
    assert phases[-1][1]["seen"] == [1, 2, 3, 4]


def test_pooled_loads_keep_every_run_and_the_first_loads_server_figures():
    a = {"plans": [], "runs": [run("cliffs", "clf_n", 0.0, 1.0)], "warmup_problems": ["w"], "server": {"cpu_s": 1}}
    b = {"plans": [], "runs": [run("cliffs", "clf_n", 50.0, 3.0), run("cliffs", "clf_w0", 51.0, 2.0)],
         "warmup_problems": [], "server": {"cpu_s": 9}}
    pooled = load._pooled([a, b])
    assert [r["latency_s"] for r in pooled["runs"]] == [1.0, 3.0, 2.0]
    assert [r["viewer"] for r in pooled["runs"]] == [0, 10_000, 10_000]  # viewer 0 of each load: two viewers
    assert pooled["server"] == {"cpu_s": 1} and pooled["warmup_problems"] == ["w"]


def test_heavy_seeds_are_fresh_and_within_the_pages_seed_range_until_they_run_out():
    used: dict[str, list] = {}
    seeds = []
    while (seed := load.next_heavy_seed(used)) is not None:
        seeds.append(seed)
    assert len(seeds) == len(set(seeds)) == len(load.HEAVY_SEEDS)
    assert min(seeds) >= 0 and max(seeds) <= 10_000  # out of range, a seed falls back to the cached default
    assert load.next_heavy_seed(used) is None  # exhausted: the heavy viewers stop rather than repeat
    alone = {4000 + k for k in range(load.HEAVY_ALONE)}  # the single viewer's seeds, before any load
    assert not alone & set(seeds)


def test_summary_keeps_the_heavy_page_opened_alone_apart_from_the_load():
    alone = [dict(run(load.HEAVY_PAGE, "", 1.0 + 5 * k, 1.2 + 0.1 * k, kind="heavy-alone"), first_chart_s=0.5 + 0.1 * k,
                  query="q") for k in range(3)]
    moves = [run("cliffs", "clf_n", 30.0, 0.2)]
    drive = {"plans": [{"path": "cliffs", "prefix": "clf", "controls": ["clf_n"], "links": [""]}],
             "runs": moves + alone, "warmup_problems": [], "server": {}}
    s = load.summarize(drive)
    assert s["heavy_alone"]["first_chart"]["n"] == 3
    assert abs(s["heavy_alone"]["first_chart"]["p50"] - 0.6) < 1e-9
    assert s["heavy_alone"]["errors"] == 0
    assert s["overall"]["move"]["n"] == 1  # the heavy page opened alone is not one of the load's moves
    assert s["heavy"] is None and s["links"]["single"]["n"] == 0
