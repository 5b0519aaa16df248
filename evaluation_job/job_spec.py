"""The scoring job as an Azure ML command job on the CPU cluster, built with azure-ai-ml offline.

Its code snapshot is a copy of the Python packages it runs (mlops, evaluation_job, training_job), made by
``code_snapshot``: the same sources give the same content hash, so Azure ML reuses the uploaded asset. The
predictions are a ``uri_file`` input; the scores go to the ``evaluation-batches`` folder beside them, one
file per row range, as the local runner writes them. The judge's endpoint and the run store (its cache)
reach the job as environment variables; secrets never do: the job authenticates to PostgreSQL with the
compute's managed identity (DATABASE_ENTRA_AUTH), and ``AZURE_AI_API_KEY`` is not passed (see
docs/architecture.md: how the judge's key reaches the job is still open).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from azure.ai.ml import Input, Output, command
from azure.ai.ml.entities import Command, Environment

from training_job.job_spec import CPU_COMPUTE, JobSpecError, check_bindings, datastore_uri, job_name

CODE_ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("mlops", "evaluation_job", "training_job")
CONDA_FILE = Path(__file__).resolve().parent / "environment" / "conda.yaml"
ENVIRONMENT_NAME = "mlops-evaluation"
BASE_IMAGE = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest"
# The app settings the scoring job reads (mlops.settings), passed through from the Function App's own.
# The pool size and PgBouncer flag keep the job inside the connection budget and safe behind PgBouncer; the
# quotas make its judge calls draw on the same shared bucket at the same rate as the app's.
PASSED_SETTINGS = (
    "DATABASE_URL", "DATABASE_ENTRA_AUTH", "DATABASE_POOL_SIZE", "DATABASE_PGBOUNCER", "BLOB_ACCOUNT_URL",
    "MLFLOW_TRACKING_URI", "AZURE_AI_ENDPOINT", "AZURE_AI_JUDGE_MODEL", "AZURE_AI_EMBEDDING_MODEL",
    "JUDGE_MAX_CONCURRENCY", "JUDGE_REQUESTS_PER_MINUTE", "JUDGE_TOKENS_PER_MINUTE", "EVAL_MAX_NAN_FRACTION",
)  # fmt: skip


def evaluation_environment(conda_file: Path = CONDA_FILE) -> Environment:
    """The ``mlops-evaluation`` environment; its version is the conda file's hash, so equal files reuse it."""
    if not conda_file.is_file():
        raise JobSpecError(f"the evaluation environment's conda file is missing: {conda_file}")
    version = hashlib.sha256(conda_file.read_bytes()).hexdigest()[:16]
    return Environment(name=ENVIRONMENT_NAME, version=version, image=BASE_IMAGE, conda_file=str(conda_file))


def code_snapshot(directory: Path) -> Path:
    """Copy the packages the job runs (sources and migrations, no caches) into ``directory``; return it."""
    for package in PACKAGES:
        shutil.copytree(CODE_ROOT / package, directory / package, ignore=shutil.ignore_patterns("__pycache__"))
    return directory


def build_scoring_job(
    run_id: str,
    predictions_uri: str,
    batches: Sequence[tuple[int, int]],
    judge_metrics: Sequence[str],
    environment: Environment | str,
    settings: Mapping[str, str],
    code: Path,
    compute: str = CPU_COMPUTE,
    champion_predictions_uri: str | None = None,
) -> Command:
    """The command job scoring ``batches`` of the predictions (and of the champion's answers, when given,
    into the ``evaluation-batches`` folder beside them); JobSpecError without a batch."""
    if not batches:
        raise JobSpecError("a scoring job needs at least one row range")
    scores = datastore_uri(predictions_uri).rsplit("/", 1)[0] + "/evaluation-batches/"
    args = " ".join(f"--batch {start}:{stop}" for start, stop in batches)
    args += "".join(f" --judge-metric {name}" for name in judge_metrics)
    inputs = {"predictions": Input(type="uri_file", path=datastore_uri(predictions_uri), mode="download")}
    outputs = {"scores": Output(type="uri_folder", path=scores, mode="rw_mount")}
    script = (
        "python -u -m evaluation_job.score --predictions ${{inputs.predictions}} "
        f"--output-dir ${{{{outputs.scores}}}} {args}"
    )
    if champion_predictions_uri:
        theirs = datastore_uri(champion_predictions_uri)
        inputs["champion_predictions"] = Input(type="uri_file", path=theirs, mode="download")
        outputs["champion_scores"] = Output(
            type="uri_folder", path=theirs.rsplit("/", 1)[0] + "/evaluation-batches/", mode="rw_mount"
        )
        script += (
            " && python -u -m evaluation_job.score --predictions ${{inputs.champion_predictions}} "
            f"--output-dir ${{{{outputs.champion_scores}}}} {args}"
        )
    job = command(
        code=str(code),
        command=script,
        inputs=inputs,
        outputs=outputs,
        environment=environment,
        environment_variables={name: settings[name] for name in PASSED_SETTINGS if settings.get(name)},
        compute=compute,
        experiment_name="mlops-evaluation",
        display_name=f"score {run_id}",
        tags={"run_id": run_id, "mode": "score"},
        name=job_name(run_id, "score"),
    )
    check_bindings(job)
    return job
