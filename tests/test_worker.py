"""Heavy computations run in a separate worker process (explorer.worker), and come back intact."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import pytest

from explorer import sim
from explorer.app import limits
from explorer.lessons.jacobian import reading as jac
from explorer.worker import HeavyWorker
from tests import worker_jobs as jobs
from tests.conftest import ROOT


@pytest.fixture
def worker():
    w = HeavyWorker(1)
    yield w
    w.shutdown()


def test_a_computation_runs_in_another_process_and_its_answer_matches(worker):
    from explorer.lessons.jacobian.scenarios import DEFAULTS

    s = jac.RNNSettings.from_values({**DEFAULTS, "n": 128, "T": 500, "seed": 3})
    assert s.heavy
    there = worker.run(jac.measure_bound, s)
    here = jac.measure_bound(s)
    np.testing.assert_array_equal(there.log_norms, here.log_norms)
    np.testing.assert_array_equal(there.log_bound, here.log_bound)
    assert there.summary == here.summary
    assert worker.sent == 1 and worker.kept == 0
    (pid,) = worker.pids
    assert pid != os.getpid()
    assert worker.run(jobs.pid_of) == pid  # the same process answers the next request


def test_the_worker_loads_no_ui_library(worker):
    from explorer.lessons.jacobian.scenarios import DEFAULTS

    worker.run(jac.measure_bound, jac.RNNSettings.from_values({**DEFAULTS, "n": 16, "T": 20}))
    assert worker.run(jobs.ui_modules_loaded) == []
    assert "streamlit" in jobs.ui_modules_loaded()  # ...whereas this process has (explorer.app)


def test_the_worker_imports_the_large_scipy_modules_only_when_a_job_needs_them(worker):
    # scipy.stats (about 37 MB) and integrate and optimize (about 16 MB) are a large part of the
    # worker's memory. Recurrent networks, Gaussian or orthogonal, need none of them; the mean-field
    # theory needs integrate and optimize, which explorer.sim imports on first use.
    from explorer.lessons.jacobian.scenarios import DEFAULTS

    large = ("scipy.stats", "scipy.integrate", "scipy.optimize")
    worker.run(jac.measure_bound, jac.RNNSettings.from_values({**DEFAULTS, "n": 16, "T": 20}))
    assert worker.run(jobs.loaded, large) == []
    orthogonal = jac.RNNSettings.from_values({**DEFAULTS, "n": 16, "T": 20, "kind": "orthogonal"})
    assert worker.run(jac.measure_bound, orthogonal).summary == jac.measure_bound(orthogonal).summary
    assert worker.run(jobs.loaded, large) == []  # Haar matrices come from NumPy's QR
    assert worker.run(sim.critical_sigma_w, "tanh", 0.05) == sim.critical_sigma_w("tanh", 0.05)
    assert worker.run(jobs.loaded, large) == ["scipy.integrate", "scipy.optimize"]


def test_an_error_in_the_worker_is_raised_in_the_caller(worker):
    with pytest.raises(ValueError, match="no value 7 here"):
        worker.run(jobs.refuse, jobs.Heavy(7))
    assert worker.run(jobs.pid_of) != os.getpid()  # the worker survived it


def test_what_cannot_be_pickled_runs_in_the_caller(worker):
    class Local:  # defined in a function: pickle cannot name it
        heavy = True

    here = os.getpid()
    assert worker.run(lambda: os.getpid()) == here
    assert worker.run(jobs.pid_of, Local()) == here
    assert worker.kept == 2 and worker.sent == 0 and worker.pids == []


def test_a_worker_that_dies_is_replaced_and_its_request_computed_here(worker, caplog):
    first = worker.run(jobs.pid_of)
    assert worker.run(jobs.exit_unless_in, os.getpid()) == "computed in the caller"
    assert "died" in caplog.text
    assert worker.kept == 1
    second = worker.run(jobs.pid_of)
    assert second not in (first, os.getpid())


def test_thread_mode_computes_in_the_caller():
    w = HeavyWorker(1, mode="thread")
    assert w.run(jobs.pid_of) == os.getpid()
    assert w.start() == 0 and w.pids == []


def test_start_runs_the_workers_ahead_of_the_first_request(worker):
    assert worker.start() == 1
    (pid,) = worker.pids
    assert worker.start() == 0  # already running
    assert worker.run(jobs.pid_of) == pid


def test_heavy_cached_work_goes_to_the_worker_and_light_work_stays():
    fn = limits.limited(jobs.pid_of, worker=(w := HeavyWorker(1)))
    try:
        assert fn(jobs.Heavy()) != os.getpid()
        assert fn(jobs.Heavy(heavy=False)) == os.getpid()
        assert w.sent == 1
    finally:
        w.shutdown()


@pytest.mark.parametrize("raw, mode", [("process", "process"), ("thread", "thread"), (" THREAD ", "thread"),
                                       ("bogus", "process"), ("", "process")])
def test_worker_mode_from_the_environment(monkeypatch, raw, mode):
    monkeypatch.setenv("GE_HEAVY_WORKER", raw)
    assert limits._worker_mode_from_env() == mode


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] == "Z"  # a zombie has exited
    except FileNotFoundError:
        return True


def test_the_worker_exits_when_its_server_is_killed():
    """A server killed with SIGKILL runs no clean-up; its worker must still go (its input closes)."""
    code = (f"import os, sys; sys.path.insert(0, {str(ROOT)!r})\n"
            "from explorer.worker import HeavyWorker\n"
            "from tests import worker_jobs\n"
            "w = HeavyWorker(1)\n"
            "print(w.run(worker_jobs.pid_of), flush=True)\n"
            "os.kill(os.getpid(), 9)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == -9, out.stderr
    pid = int(out.stdout.strip())
    for _ in range(100):  # bounded: 10 s at most
        if _gone(pid):
            break
        time.sleep(0.1)
    assert _gone(pid), f"worker {pid} outlived its server"


def test_the_worker_runs_at_a_lower_cpu_priority_than_its_server(worker):
    assert worker.run(jobs.niceness) == os.nice(0) + min(19 - os.nice(0), 10)
