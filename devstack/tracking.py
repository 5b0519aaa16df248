"""MLflow tracking and model registry on a local SQLite file: no server process, one URI."""

from __future__ import annotations

from pathlib import Path


def tracking_uri(directory: Path) -> str:
    """``sqlite:////abs/dir/mlflow.db``: MLflow serves both tracking and the model registry from it."""
    return f"sqlite:///{(directory.resolve() / 'mlflow.db').as_posix()}"


def init_tracking_store(directory: Path) -> str:
    """Create the store's tables unless the file exists (MLflow migrates a new file on first use, which
    takes seconds) and return its URI."""
    directory.mkdir(parents=True, exist_ok=True)
    uri = tracking_uri(directory)
    if (directory / "mlflow.db").exists():
        return uri
    from mlflow import MlflowClient  # heavy import, only when a store is initialised

    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    client.search_experiments(max_results=1)
    client.search_registered_models(max_results=1)
    return uri
