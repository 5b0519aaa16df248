"""The local "compute cluster": at most JOB_MAX_NODES jobs run at once, the rest wait in submission order.

Azure ML queues a job beyond its cluster's ``maxNodeCount``; locally every job is a detached process, so
the queue lives in the runner's state dir (``jobs/queue``: one ticket file per waiting job, named so that
the names sort in turn order, see new_ticket; ``jobs/nodes``: one lock file per node). A job is submitted as

    python -m mlops.node_queue --jobs-dir DIR --nodes N --ticket TICKET -- COMMAND...

which waits (cheaply: nothing heavy is imported) until its ticket is among the first free nodes' worth,
holds a node's lock and becomes COMMAND (exec: the lock goes with it and is freed when the job exits,
however it exits, or when it calls release_node once its compute is done). Tickets and locks outlive a
devhost restart, so no job is lost or started twice. A job's thread pools are sized to its node's share
of the machine's cores (node_environment), as a job on a cluster node uses that node's cores.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

POLL_S = 0.2
MAX_POLL_S = 2.0
ORPHAN_S = 60.0
NODE_FD_ENV = "MLOPS_NODE_FD"
# The math libraries' thread pools (torch and numpy's OpenMP/BLAS, tokenizers' rayon): a job sizes them to
# its node's cores, as a job on an Azure ML node sizes them to that node's.
THREAD_POOLS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "RAYON_NUM_THREADS")


@dataclass(frozen=True)
class QueuePlace:
    """Where a waiting job stands: ``place`` 1 is next; ``waiting`` jobs in all, for ``nodes`` nodes."""

    job_name: str
    place: int
    waiting: int
    nodes: int


def new_ticket(jobs_dir: Path, name: str, run_id: str) -> str:
    """Put ``name`` in the queue; returns its ticket (the file name in ``jobs/queue``). Tickets sort by
    their run's first submission, then their own: a run's next job goes before younger runs' jobs, so
    runs finish in the order they came (the first no longer waits for the last, as a FIFO of jobs would)."""
    queue, runs = jobs_dir / "queue", jobs_dir / "runs"
    queue.mkdir(parents=True, exist_ok=True)
    runs.mkdir(parents=True, exist_ok=True)
    now = time.time_ns()
    first = runs / run_id
    if not first.exists():
        first.write_text(str(now))
    ticket = f"{int(first.read_text()):020d}-{now:020d}-{name}"
    (queue / ticket).write_text("")
    return ticket


def waiting(jobs_dir: Path) -> list[str]:
    """Tickets of the jobs that wait, in submission order; a ticket whose waiting process died (the
    machine restarted) is dropped, so it never holds the queue up."""
    queue = jobs_dir / "queue"
    tickets = sorted(queue.iterdir()) if queue.is_dir() else []
    return [path.name for path in tickets if _still_waiting(path)]


def _still_waiting(ticket: Path) -> bool:
    """Whether ``ticket``'s job still waits; a stale ticket is dropped."""
    try:
        pid = ticket.read_text().strip()
    except FileNotFoundError:  # its job just took a node
        return False
    stale = not pid and time.time() - ticket.stat().st_mtime > ORPHAN_S  # its submitter died before the spawn
    if stale or (pid.isdigit() and not pid_alive(int(pid))):
        ticket.unlink(missing_ok=True)
        return False
    return True


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` is a live process (an exited child nobody reaped yet is a zombie, not alive)."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    status = Path(f"/proc/{pid}/status")
    return not status.exists() or "State:\tZ" not in status.read_text()


def place_of(jobs_dir: Path, run_id: str, nodes: int) -> QueuePlace | None:
    """The place of ``run_id``'s waiting job (as Azure ML shows a job Queued), None when none waits."""
    tickets = waiting(jobs_dir)
    for index, ticket in enumerate(tickets):
        name = ticket.split("-", 2)[2]
        if name.endswith(f"-{run_id}"):
            return QueuePlace(job_name=name, place=index + 1, waiting=len(tickets), nodes=nodes)
    return None


def take_node(jobs_dir: Path, nodes: int) -> int | None:
    """A locked node's file descriptor (kept across exec), or None when every node is busy."""
    directory = jobs_dir / "nodes"
    directory.mkdir(parents=True, exist_ok=True)
    for index in range(nodes):
        fd = os.open(directory / f"{index}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        os.set_inheritable(fd, True)
        return fd
    return None


def release_node() -> None:
    """Give this job's node back (no-op outside a queued job). A job calls it when its compute is done:
    publishing the outcome may wait minutes for a broker that is away, and the next job should not."""
    fd = os.environ.pop(NODE_FD_ENV, "")
    if fd.isdigit():
        with contextlib.suppress(OSError):
            fcntl.flock(int(fd), fcntl.LOCK_UN)  # unlocks every copy of the descriptor, children's too
            os.close(int(fd))


def wait_for_node(jobs_dir: Path, nodes: int, ticket: str) -> int:
    """Wait until ``ticket`` may run (fewer than ``nodes`` live tickets ahead of it) and a node is free;
    returns the node's locked descriptor and leaves the queue. Each look checks at most ``nodes`` live
    tickets ahead, not the whole queue, and a job far back looks less often: fifty waiting jobs looking
    at the whole queue five times a second cost a core between them."""
    queue = jobs_dir / "queue"
    while True:
        names = sorted(os.listdir(queue))
        ahead = names[: names.index(ticket)] if ticket in names else []
        live_ahead = 0
        for name in ahead:
            live_ahead += _still_waiting(queue / name)
            if live_ahead == nodes:
                break
        if live_ahead < nodes:
            fd = take_node(jobs_dir, nodes)
            if fd is not None:
                (queue / ticket).unlink(missing_ok=True)
                return fd
        time.sleep(min(MAX_POLL_S, POLL_S * max(1, len(ahead) - nodes + 1)))  # far back, the turn is far off


def node_environment(environ: dict[str, str], nodes: int, cores: int) -> dict[str, str]:
    """``environ`` with the thread pools a job on one of ``nodes`` nodes sharing ``cores`` cores may use:
    its share, at least one. Each pool sized to the whole machine would put nodes x cores threads on
    the cores, and two jobs would then run slower together than one after the other. A pool the
    operator already sized is left as it is."""
    share = str(max(1, cores // nodes))
    return {**{name: share for name in THREAD_POOLS}, **environ}


def main(argv: Sequence[str] | None = None) -> int:
    """Wait for a node, then become the job's command."""
    parser = argparse.ArgumentParser(prog="python -m mlops.node_queue", description=__doc__)
    parser.add_argument("--jobs-dir", type=Path, required=True)
    parser.add_argument("--nodes", type=int, required=True)
    parser.add_argument("--ticket", required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command or args.nodes < 1:
        parser.error("a command after -- and --nodes >= 1 are required")
    (args.jobs_dir / "queue" / args.ticket).write_text(str(os.getpid()))  # its queue place is held while it lives
    node = wait_for_node(args.jobs_dir, args.nodes, args.ticket)
    environ = node_environment(dict(os.environ), args.nodes, os.cpu_count() or 1)
    os.execvpe(command[0], command, {**environ, NODE_FD_ENV: str(node)})


if __name__ == "__main__":
    sys.exit(main())
