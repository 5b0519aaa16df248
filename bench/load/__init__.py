"""``python -m bench.load``: many release runs at once on devhost against a single-run baseline."""
