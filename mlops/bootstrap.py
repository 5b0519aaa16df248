"""The composition root: builds the adapters from settings, once per process and event loop.

Triggers and activities ask for ``await services()``; nothing is built at import time, so the
Functions worker can index the app without any service being reachable.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from mlops import telemetry
from mlops.blob import BlobStore
from mlops.events import EventPublisher
from mlops.registry import ModelRegistry
from mlops.settings import Settings
from mlops.store import RunStore
from mlops.training.backends import LocalTrainingBackend, TrainingBackend


@dataclass(frozen=True)
class Services:
    settings: Settings
    store: RunStore
    blob: BlobStore
    registry: ModelRegistry
    publisher: EventPublisher
    training: TrainingBackend


_building: dict[int, asyncio.Task[Services]] = {}


async def services() -> Services:
    """The process's adapters for the running event loop (asyncpg pools are bound to one loop)."""
    loop = asyncio.get_running_loop()
    task = _building.get(id(loop))
    if task is None:
        task = loop.create_task(_build(Settings.from_env()))
        _building[id(loop)] = task
    try:
        return await asyncio.shield(task)
    except Exception:
        _building.pop(id(loop), None)
        raise


async def _build(settings: Settings) -> Services:
    telemetry.configure(settings.telemetry)
    store = await connect_store(settings)
    await store.migrate()
    return Services(
        settings=settings,
        store=store,
        blob=blob_store(settings),
        registry=ModelRegistry(settings.mlflow_tracking_uri),
        publisher=event_publisher(settings),
        training=training_backend(settings),
    )


async def connect_store(settings: Settings) -> RunStore:
    """The run store: one pool of DATABASE_POOL_SIZE per process (the connection budget, docs/capacity.md);
    with DATABASE_ENTRA_AUTH (Azure) each new connection presents an Entra access token."""
    size, pgbouncer = settings.database_pool_size, settings.database_pgbouncer
    if not settings.database_entra_auth:
        return await RunStore.connect(settings.database_url, max_size=size, pgbouncer=pgbouncer)
    from mlops.store.entra import default_entra_password

    return await RunStore.connect(
        settings.database_url, max_size=size, pgbouncer=pgbouncer, entra=default_entra_password()
    )


def training_backend(settings: Settings) -> TrainingBackend:
    """TRAINING_BACKEND: the detached local runner, or Azure ML jobs on the configured workspace."""
    if settings.training.backend != "azureml":
        return LocalTrainingBackend(settings.model_cache_dir, settings.training.max_nodes)
    from mlops.training.azureml import AzureMLTrainingBackend

    training = settings.training
    return AzureMLTrainingBackend.from_workspace(
        str(training.subscription_id),
        str(training.resource_group),
        str(training.workspace),
        training.compute,
        settings.given,
    )


def blob_store(settings: Settings) -> BlobStore:
    """Blob by connection string (Azurite) or account URL + the managed identity."""
    if settings.blob_connection_string:
        return BlobStore.from_connection_string(settings.blob_connection_string)
    from azure.identity import DefaultAzureCredential

    return BlobStore.from_account_url(str(settings.blob_account_url), DefaultAzureCredential())


def event_publisher(settings: Settings) -> EventPublisher:
    """The topic publisher: by connection string, or namespace + the managed identity."""
    if settings.servicebus_connection:
        return EventPublisher.from_connection_string(settings.servicebus_connection, settings.servicebus_topic)
    if settings.servicebus_namespace:
        from azure.identity.aio import DefaultAzureCredential

        return EventPublisher.from_namespace(
            settings.servicebus_namespace, settings.servicebus_topic, DefaultAzureCredential()
        )
    raise RuntimeError("set ServiceBusConnection or ServiceBusConnection__fullyQualifiedNamespace")
