"""The local job queue: at most JOB_MAX_NODES jobs run at once, the rest wait their turn in submission
order with a place the API shows, and a re-submitted job (an activity's retry) is never started twice."""

import os
import sys
import time
from pathlib import Path

from devstack.processes import wait_until
from mlops.node_queue import new_ticket, node_environment, place_of, waiting
from mlops.training.backends import LocalTrainingBackend
from mlops.training.launch import jobs_dir, launch_detached
from tests.fixtures.jobs import stop_jobs

JOB = (
    "import sys, time; trace, name, seconds = sys.argv[1:]\n"
    "open(trace, 'a').write('start %s %f\\n' % (name, time.time()))\n"
    "time.sleep(float(seconds))\n"
    "open(trace, 'a').write('end %s %f\\n' % (name, time.time()))\n"
)


def _job(trace: Path, name: str, seconds: float) -> list[str]:
    return [sys.executable, "-c", JOB, str(trace), name, str(seconds)]


def _events(trace: Path) -> list[tuple[str, str, float]]:
    lines = trace.read_text().split("\n") if trace.exists() else []
    return [(kind, name, float(at)) for kind, name, at in (line.split() for line in lines if line)]


def test_jobs_beyond_the_nodes_wait_in_order_and_show_their_place(tmp_path):
    cache, trace = tmp_path / "models", tmp_path / "trace.txt"
    backend = LocalTrainingBackend(cache, nodes=1)
    for run in ("run-a", "run-b", "run-c"):
        launch_detached(f"local-score-{run}", run, _job(trace, run, 0.8), model_cache_dir=cache, nodes=1)
    assert wait_until(lambda: len(_events(trace)) >= 1, timeout=30)
    place_b, place_c = backend.queued("run-b"), backend.queued("run-c")
    assert backend.queued("run-a") is None
    assert place_b is not None and (place_b.place, place_b.waiting, place_b.nodes) == (1, 2, 1)
    assert place_c is not None and place_c.place == 2
    assert wait_until(lambda: len(_events(trace)) == 6, timeout=60)
    events = _events(trace)
    order = [(kind, name) for kind, name, _ in events]
    assert order == [(kind, run) for run in ("run-a", "run-b", "run-c") for kind in ("start", "end")]


def test_two_nodes_run_two_jobs_at_once(tmp_path):
    cache, trace = tmp_path / "models", tmp_path / "trace.txt"
    for run in ("run-a", "run-b", "run-c"):
        launch_detached(f"local-score-{run}", run, _job(trace, run, 1.0), model_cache_dir=cache, nodes=2)
    assert wait_until(lambda: len(_events(trace)) == 6, timeout=60)
    running, peak = 0, 0
    for kind, _, _ in sorted(_events(trace), key=lambda event: event[2]):
        running += 1 if kind == "start" else -1
        peak = max(peak, running)
    assert peak == 2


def test_a_queued_job_submitted_again_is_not_queued_twice(tmp_path):
    cache, trace = tmp_path / "models", tmp_path / "trace.txt"
    launch_detached("local-score-run-a", "run-a", _job(trace, "run-a", 1.0), model_cache_dir=cache, nodes=1)
    launch_detached("local-score-run-b", "run-b", _job(trace, "run-b", 0.1), model_cache_dir=cache, nodes=1)
    launch_detached("local-score-run-b", "run-b", _job(trace, "run-b", 0.1), model_cache_dir=cache, nodes=1)
    assert wait_until(lambda: len(_events(trace)) == 4, timeout=60)
    time.sleep(0.5)
    assert [name for kind, name, _ in _events(trace) if kind == "start"] == ["run-a", "run-b"]


def test_a_ticket_whose_waiting_process_died_leaves_the_queue(tmp_path):
    directory = jobs_dir(tmp_path / "models")
    ticket = new_ticket(directory, "local-score-run-x", "run-x")
    (directory / "queue" / ticket).write_text("999999999")  # its process is gone (the machine restarted)
    assert waiting(directory) == []
    assert place_of(directory, "run-x", 1) is None


def test_a_runs_next_job_goes_before_younger_runs_jobs(tmp_path):
    cache, trace = tmp_path / "models", tmp_path / "trace.txt"
    launch_detached("local-generate-run-a", "run-a", _job(trace, "gen-a", 0.8), model_cache_dir=cache, nodes=1)
    assert wait_until(lambda: len(_events(trace)) >= 1, timeout=30)
    launch_detached("local-generate-run-b", "run-b", _job(trace, "gen-b", 0.1), model_cache_dir=cache, nodes=1)
    launch_detached("local-score-run-a", "run-a", _job(trace, "score-a", 0.1), model_cache_dir=cache, nodes=1)
    assert wait_until(lambda: len(_events(trace)) == 6, timeout=60)
    assert [name for kind, name, _ in _events(trace) if kind == "start"] == ["gen-a", "score-a", "gen-b"]


def test_a_job_that_gave_its_node_back_no_longer_holds_the_queue(tmp_path):
    """A finished job still publishing its outcome to an absent broker (retrying for minutes) has released
    its node: the next job starts while it waits."""
    cache, trace = tmp_path / "models", tmp_path / "trace.txt"
    publishing = (
        "import sys, time; from mlops.node_queue import release_node; trace = sys.argv[1]\n"
        "open(trace, 'a').write('start publisher %f\\n' % time.time())\n"
        "release_node(); time.sleep(30)\n"
    )
    publisher = [sys.executable, "-c", publishing, str(trace)]
    launch_detached("local-score-run-a", "run-a", publisher, model_cache_dir=cache, nodes=1)
    launch_detached("local-score-run-b", "run-b", _job(trace, "run-b", 0.1), model_cache_dir=cache, nodes=1)
    try:
        assert wait_until(lambda: ("end", "run-b") in [(k, n) for k, n, _ in _events(trace)], timeout=20)
    finally:
        stop_jobs(jobs_dir(cache))


def test_a_dead_ticket_ahead_does_not_hold_a_waiting_job(tmp_path):
    cache, trace = tmp_path / "models", tmp_path / "trace.txt"
    directory = jobs_dir(cache)
    dead = new_ticket(directory, "local-score-run-x", "run-x")
    (directory / "queue" / dead).write_text("999999999")  # its process is gone (the machine restarted)
    launch_detached("local-score-run-a", "run-a", _job(trace, "run-a", 0.1), model_cache_dir=cache, nodes=1)
    assert wait_until(lambda: len(_events(trace)) == 2, timeout=30)


def test_a_job_sizes_its_thread_pools_to_its_nodes_share_of_the_cores(tmp_path, monkeypatch):
    cache, seen = tmp_path / "models", tmp_path / "threads.txt"
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    probe = "import os, sys; open(sys.argv[1] + '.tmp', 'w').write(os.environ['OMP_NUM_THREADS']); "
    probe += "os.rename(sys.argv[1] + '.tmp', sys.argv[1])"
    launch_detached(
        "local-score-run-a", "run-a", [sys.executable, "-c", probe, str(seen)], model_cache_dir=cache, nodes=2
    )
    assert wait_until(seen.exists, timeout=30)
    assert seen.read_text() == str(max(1, (os.cpu_count() or 1) // 2))


def test_a_thread_pool_the_operator_sized_is_left_as_it_is():
    sized = node_environment({"OMP_NUM_THREADS": "3"}, nodes=4, cores=16)
    assert sized["OMP_NUM_THREADS"] == "3"
    assert sized["MKL_NUM_THREADS"] == sized["OPENBLAS_NUM_THREADS"] == sized["RAYON_NUM_THREADS"] == "4"
    assert node_environment({}, nodes=4, cores=2)["OMP_NUM_THREADS"] == "1"
