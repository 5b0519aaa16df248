"""The connection budget `make infra-check` holds every parameters file to (infra/checks/capacity.py)."""

import json
import shutil

from infra.checks import bicep, capacity


def _tree_with(tmp_path, **parameters):
    root = tmp_path / "infra"
    shutil.copytree(bicep.INFRA, root, ignore=shutil.ignore_patterns("__pycache__"))
    for name in capacity.PARAMETER_FILES:
        path = root / name
        data = json.loads(path.read_text())
        data["parameters"].update({key: {"value": value} for key, value in parameters.items()})
        path.write_text(json.dumps(data))
    return root


def test_the_shipped_parameters_fit_their_servers():
    assert capacity.problems() == []


def test_forty_instances_of_five_do_not_fit_a_b1ms(tmp_path):
    root = _tree_with(tmp_path, postgresSkuName="Standard_B1ms", postgresPgBouncer=False)
    found = capacity.problems(root)
    assert found and "(40 instances + 2 job nodes) x 5 = 210 connections > 30" in found[0]


def test_pgbouncer_is_refused_on_burstable(tmp_path):
    found = capacity.problems(_tree_with(tmp_path, postgresSkuName="Standard_B2s", postgresPgBouncer=True))
    assert found and "not offered on the Burstable tier" in found[0]


def test_prod_puts_pgbouncer_in_front_of_a_general_purpose_server():
    prod = capacity.budget("parameters.prod.json")
    assert prod.pgbouncer and prod.sku.startswith("Standard_D")


def test_the_cpu_cluster_nodes_are_read_from_the_bicep():
    assert capacity.cpu_job_nodes() == 2
