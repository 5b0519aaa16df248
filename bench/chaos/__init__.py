"""``python -m bench.chaos``: release runs under faults (SIGKILL of devhost, restarts of PostgreSQL and the
broker, activity exceptions), then the invariants: nothing lost, no effect twice."""
