"""The database connection budget of each parameters file (issue 17), checked by ``make infra-check``.

Every process that talks to PostgreSQL opens one pool of ``databasePoolSize`` connections: each Flex
Consumption instance (at most ``maximumInstanceCount``) and each scoring job on the CPU cluster (at most its
``maxNodeCount``). Without PgBouncer all of them must fit the server's user connections:

    (maximumInstanceCount + cpu nodes) x databasePoolSize <= max_connections(SKU) - 15 (Azure) - OPERATOR_RESERVE

With the built-in PgBouncer (transaction mode; not offered on Burstable) the clients count against its
``max_client_conn`` and only its server pool against the server. Run: ``python -m infra.checks.capacity``.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.checks import bicep

# max_connections by SKU (learn.microsoft.com/azure/postgresql/flexible-server/concepts-limits).
MAX_CONNECTIONS = {
    "Standard_B1ms": 50, "Standard_B2s": 429, "Standard_B2ms": 859, "Standard_B4ms": 1718, "Standard_B8ms": 3437,
    "Standard_D2s_v3": 859, "Standard_D2ds_v4": 859, "Standard_D2ds_v5": 859, "Standard_D2ads_v5": 859,
    "Standard_D4s_v3": 1718, "Standard_D4ds_v4": 1718, "Standard_D4ds_v5": 1718, "Standard_D4ads_v5": 1718,
    "Standard_D8s_v3": 3437, "Standard_D8ds_v4": 3437, "Standard_D8ds_v5": 3437, "Standard_D8ads_v5": 3437,
    "Standard_E2s_v3": 1718, "Standard_E2ds_v4": 1718, "Standard_E2ds_v5": 1718, "Standard_E4ds_v5": 3437,
}  # fmt: skip
AZURE_RESERVED = 15  # replication and monitoring: not available to users
OPERATOR_RESERVE = 5  # psql sessions, the audit CLI, a migration run by hand
PGBOUNCER_MAX_CLIENT_CONN = 5000  # the built-in PgBouncer's defaults
PGBOUNCER_DEFAULT_POOL_SIZE = 50
PARAMETER_FILES = ("parameters.dev.json", "parameters.prod.json")


@dataclass(frozen=True)
class Budget:
    """One deployment's connection demand against its server's limit."""

    name: str
    instances: int
    job_nodes: int
    pool_size: int
    sku: str
    pgbouncer: bool

    @property
    def clients(self) -> int:
        return (self.instances + self.job_nodes) * self.pool_size

    @property
    def server_limit(self) -> int:
        return MAX_CONNECTIONS[self.sku] - AZURE_RESERVED - OPERATOR_RESERVE

    def problems(self) -> list[str]:
        """Why this budget does not hold (empty: it holds)."""
        if self.sku not in MAX_CONNECTIONS:
            return [f"{self.name}: unknown PostgreSQL SKU {self.sku} (add its max_connections to MAX_CONNECTIONS)"]
        if self.pgbouncer and self.sku.startswith("Standard_B"):
            return [f"{self.name}: PgBouncer is not offered on the Burstable tier ({self.sku})"]
        if self.pgbouncer:
            found = []
            if self.clients > PGBOUNCER_MAX_CLIENT_CONN:
                found.append(f"{self.name}: {self.clients} clients > PgBouncer's {PGBOUNCER_MAX_CLIENT_CONN}")
            if self.server_limit < PGBOUNCER_DEFAULT_POOL_SIZE:
                found.append(f"{self.name}: PgBouncer's pool {PGBOUNCER_DEFAULT_POOL_SIZE} > {self.server_limit}")
            return found
        if self.clients > self.server_limit:
            return [
                f"{self.name}: ({self.instances} instances + {self.job_nodes} job nodes) x {self.pool_size} "
                f"= {self.clients} connections > {self.server_limit} ({self.sku}: {MAX_CONNECTIONS[self.sku]} "
                f"- {AZURE_RESERVED} - {OPERATOR_RESERVE}); lower maximumInstanceCount or databasePoolSize, or "
                "take a larger SKU or postgresPgBouncer"
            ]
        return []


def main_defaults(root: Path = bicep.INFRA) -> dict[str, Any]:
    """The literal default of each parameter of main.bicep."""
    parsed = bicep.parse(root / "main.bicep")
    found: dict[str, Any] = {}
    for node in parsed.root.named_children:
        if node.type == "parameter_declaration" and any(c.type == "=" for c in node.children):
            try:
                found[parsed.text(node.named_children[0])] = bicep.literal(parsed, node.named_children[-1])
            except ValueError:
                continue  # an expression (e.g. a generated secret): not a capacity parameter
    return found


def cpu_job_nodes(root: Path = bicep.INFRA) -> int:
    """maxNodeCount of the CPU cluster that runs the scoring jobs (ml-workspace.bicep)."""
    text = (root / "modules" / "ml-workspace.bicep").read_text()
    cluster = text[text.index("resource cpuCluster") :]
    match = re.search(r"maxNodeCount:\s*(\d+)", cluster)
    if match is None:
        raise ValueError("ml-workspace.bicep: the CPU cluster has no literal maxNodeCount")
    return int(match.group(1))


def budget(parameters_file: str, root: Path = bicep.INFRA) -> Budget:
    """The budget of one parameters file (main.bicep's defaults where it gives no value)."""
    given = json.loads((root / parameters_file).read_text())["parameters"]
    values = {**main_defaults(root), **{name: entry["value"] for name, entry in given.items()}}
    return Budget(
        name=parameters_file,
        instances=int(values["maximumInstanceCount"]),
        job_nodes=cpu_job_nodes(root),
        pool_size=int(values["databasePoolSize"]),
        sku=str(values["postgresSkuName"]),
        pgbouncer=bool(values["postgresPgBouncer"]),
    )


def problems(root: Path = bicep.INFRA) -> list[str]:
    return [line for name in PARAMETER_FILES for line in budget(name, root).problems()]


def main() -> int:
    found = problems()
    for line in found:
        print(line, file=sys.stderr)
    print(f"connection budget: {len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
