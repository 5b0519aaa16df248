"""The Azure ML command job that runs this package on the GPU cluster, built with azure-ai-ml offline.

The code snapshot is this directory; Azure ML mounts it as the working directory, so the command
links it under ``/tmp/code/training_job`` to run ``python -m training_job.train`` unchanged (no
module of the snapshot can shadow a top-level package that way). Datasets are ``uri_file`` inputs
from the ``mlops_data`` datastore (Blob container ``datasets``); the base model and the outputs live
on ``model_outputs`` (container ``model-outputs``), laid out as the local runner lays them out.
"""

from __future__ import annotations

import hashlib
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from azure.ai.ml import Input, Output, command
from azure.ai.ml.entities import Command, Environment

CODE_DIR = Path(__file__).resolve().parent
CONDA_FILE = CODE_DIR / "environment" / "conda.yaml"
ENVIRONMENT_NAME = "mlops-training"
BASE_IMAGE = "mcr.microsoft.com/azureml/openmpi4.1.0-cuda11.8-cudnn8-ubuntu22.04:latest"
DEFAULT_COMPUTE = "gpu-training-cluster"
# Staging and scoring need no GPU: the workspace's CPU cluster (infra/modules/ml-workspace.bicep).
CPU_COMPUTE = "cpu-jobs-cluster"
# The file the Function App checks before it trusts a staged copy (mlops.staging.COMPLETE_MARKER): written last.
COMPLETE_MARKER = "_COMPLETE"
DATASTORES = {"datasets": "mlops_data", "model-outputs": "model_outputs"}
_BINDING = re.compile(r"\$\{\{(inputs|outputs)\.([A-Za-z0-9_]+)\}\}")
_JOB_NAME = re.compile(r"[^a-z0-9_-]+")


class JobSpecError(ValueError):
    """The job cannot be built or does not validate; the message says what is wrong."""


@dataclass(frozen=True)
class JobSpec:
    run_id: str
    model_id: str
    mode: str  # finetune | generate
    base_model_uri: str  # blob://model-outputs/...
    train_uri: str | None  # blob://datasets/... (finetune only)
    eval_uri: str
    experiment_name: str
    max_steps: int | None = None
    compute: str = DEFAULT_COMPUTE
    champion_model_uri: str | None = None  # also answer the eval set with the champion (OUTPUT/champion/)


def job_name(run_id: str, mode: str) -> str:
    """A stable Azure ML job name per run and mode (submitting twice finds the first job)."""
    return _JOB_NAME.sub("-", f"mlops-{mode}-{run_id}".lower())[:255]


def datastore_uri(blob_uri: str) -> str:
    """``blob://<container>/<path>`` as ``azureml://datastores/<datastore>/paths/<path>``."""
    container, _, path = blob_uri.removeprefix("blob://").partition("/")
    if not blob_uri.startswith("blob://") or container not in DATASTORES or not path:
        raise JobSpecError(f"{blob_uri!r} is not a blob:// URI in one of the containers {sorted(DATASTORES)}")
    return f"azureml://datastores/{DATASTORES[container]}/paths/{path}"


def training_environment(conda_file: Path = CONDA_FILE) -> Environment:
    """The ``mlops-training`` environment; its version is the conda file's hash, so equal files reuse it."""
    if not conda_file.is_file():
        raise JobSpecError(f"the training environment's conda file is missing: {conda_file}")
    version = hashlib.sha256(conda_file.read_bytes()).hexdigest()[:16]
    return Environment(name=ENVIRONMENT_NAME, version=version, image=BASE_IMAGE, conda_file=str(conda_file))


def build_job(spec: JobSpec, environment: Environment | str | None) -> Command:
    """The command job for ``spec`` (``._to_job()``: its YAML form); JobSpecError if it binds an undeclared name."""
    if environment is None:
        raise JobSpecError("the training job needs an environment (mlops-training)")
    inputs: dict[str, Input | str] = {
        "run_id": spec.run_id,
        "base_model": Input(type="uri_folder", path=datastore_uri(spec.base_model_uri), mode="ro_mount"),
        "eval_data": Input(type="uri_file", path=datastore_uri(spec.eval_uri), mode="download"),
    }
    args = "--base-model-dir ${{inputs.base_model}} --eval-file ${{inputs.eval_data}}"
    if spec.mode == "finetune":
        if not spec.train_uri:
            raise JobSpecError("a finetune job needs a train dataset")
        inputs["train_data"] = Input(type="uri_file", path=datastore_uri(spec.train_uri), mode="download")
        args += " --train-file ${{inputs.train_data}}"
    if spec.champion_model_uri:
        inputs["champion_model"] = Input(
            type="uri_folder", path=datastore_uri(spec.champion_model_uri), mode="ro_mount"
        )
        args += " --champion-model-dir ${{inputs.champion_model}}"
    steps = f" --max-steps {spec.max_steps}" if spec.max_steps is not None else ""
    output = f"azureml://datastores/{DATASTORES['model-outputs']}/paths/runs/{spec.run_id}/"
    job = command(
        code=str(CODE_DIR),
        command=(
            'mkdir -p /tmp/code && ln -sfn "$PWD" /tmp/code/training_job && cd /tmp/code && '
            f"python -u -m training_job.train {args} --output-dir ${{{{outputs.model_output}}}} "
            f"--mode {spec.mode} --run-id ${{{{inputs.run_id}}}} "
            f"--experiment-name {shlex.quote(spec.experiment_name)}{steps}"
        ),
        inputs=inputs,
        outputs={"model_output": Output(type="uri_folder", path=output, mode="rw_mount")},
        environment=environment,
        compute=spec.compute,
        experiment_name=spec.experiment_name,
        display_name=f"{spec.mode} {spec.model_id} ({spec.run_id})",
        tags={"run_id": spec.run_id, "model_id": spec.model_id, "mode": spec.mode},
        name=job_name(spec.run_id, spec.mode),
    )
    check_bindings(job)
    return job


def check_bindings(job: Command) -> None:
    """Raise JobSpecError for a ``${{inputs.x}}``/``${{outputs.x}}`` in the command that the job lacks."""
    declared = {"inputs": set(job.inputs or {}), "outputs": set(job.outputs or {})}
    missing = [f"{kind}.{name}" for kind, name in _BINDING.findall(job.command or "") if name not in declared[kind]]
    if missing:
        raise JobSpecError(f"the command binds undeclared {', '.join(sorted(set(missing)))}")


def build_staging_job(
    run_id: str, model_id: str, target_uri: str, environment: Environment | str, compute: str = CPU_COMPUTE
) -> Command:
    """The job that copies ``model_id`` (HuggingFace id) straight into ``target_uri`` on the datastore, the
    completion marker last: the weights go from the hub to Blob on job compute, never through a Function."""
    quoted, out = shlex.quote(model_id), "${{outputs.model}}"
    job = command(
        code=str(CODE_DIR),
        command=(
            'mkdir -p /tmp/code && ln -sfn "$PWD" /tmp/code/training_job && cd /tmp/code && '
            f"python -u -m training_job.stage --model-id {quoted} --output-dir {out} && "
            f"printf %s {quoted} > {out}/{COMPLETE_MARKER}"
        ),
        outputs={"model": Output(type="uri_folder", path=datastore_uri(target_uri) + "/", mode="rw_mount")},
        environment=environment,
        compute=compute,
        experiment_name="mlops-staging",
        display_name=f"stage {model_id} ({run_id})",
        tags={"run_id": run_id, "model_id": model_id, "mode": "stage"},
        name=job_name(run_id, "stage"),
    )
    check_bindings(job)
    return job
