"""docs/capacity.md shows exactly what the capacity model and the connection budget compute."""

from pathlib import Path

from infra.checks.capacity import MAX_CONNECTIONS, budget
from infra.checks.capacity_model import JUDGE_REQUESTS_PER_RUN, JUDGE_TOKENS_PER_RUN, limits, table

DOC = (Path(__file__).resolve().parents[3] / "docs" / "capacity.md").read_text()


def _section(title: str) -> str:
    return DOC.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def test_the_runs_per_day_tables_are_the_models():
    assert "\n".join(table("parameters.dev.json")) in _section("Runs per day, default deployment")
    assert "\n".join(table("parameters.prod.json")) in _section("Runs per day, prod")


def test_what_saturates_first_is_the_models_smallest_limit():
    first = limits("parameters.dev.json")[0]
    assert f"**What saturates first: the {first.resource.split(' nodes')[0]}**" in DOC
    assert f"`{first.parameter}` first" in DOC


def test_the_cost_per_run_is_the_models():
    costs = _section("Cost of one run")
    assert f"| judge requests | {JUDGE_REQUESTS_PER_RUN} |" in costs
    assert f"| judge tokens | {JUDGE_TOKENS_PER_RUN:,} |" in costs


def test_the_connection_budget_rows_are_the_checks():
    section = _section("Database connections")
    for name, label in (("parameters.dev.json", "dev"), ("parameters.prod.json", "prod")):
        b = budget(name)
        row = (
            f"| {label} | {b.instances} | {b.job_nodes} | {b.pool_size} | {b.clients} | {b.sku} | "
            f"{b.server_limit} | {'yes' if b.pgbouncer else 'no'} |"
        )
        assert row in section
    assert f"({MAX_CONNECTIONS['Standard_B1ms']} connections" in section
