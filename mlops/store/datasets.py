"""Registered datasets: a train and an eval JSONL file in Blob, with their row counts."""

from __future__ import annotations

import asyncpg

from mlops.store.records import DatasetRecord
from mlops.store.rows import dataset_record

_UPSERT = """
INSERT INTO datasets (name, domain, description, train_uri, eval_uri, train_rows, eval_rows, eval_sha256)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (name) DO UPDATE SET
    domain = EXCLUDED.domain, description = EXCLUDED.description,
    train_uri = EXCLUDED.train_uri, eval_uri = EXCLUDED.eval_uri,
    train_rows = EXCLUDED.train_rows, eval_rows = EXCLUDED.eval_rows, eval_sha256 = EXCLUDED.eval_sha256
RETURNING *
"""


_INSERT = """
INSERT INTO datasets (name, domain, description, train_uri, eval_uri, train_rows, eval_rows, train_etag, eval_etag,
                      eval_sha256)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (name) DO NOTHING
RETURNING *
"""


def _described(record: DatasetRecord) -> tuple[object, ...]:
    """The columns both statements write first ($1..$7), in their order."""
    return (
        record.name, record.domain, record.description, record.train_uri, record.eval_uri,
        record.train_rows, record.eval_rows,
    )  # fmt: skip


class DatasetQueries:
    """The dataset half of RunStore (mixed in; needs ``self._pool``)."""

    _pool: asyncpg.Pool

    async def upsert_dataset(self, record: DatasetRecord) -> DatasetRecord:
        """Insert or update the dataset by name (``created_at`` is kept) and return it as stored: the seed's
        path for the repo's own sample data; the API registers with insert_dataset."""
        return dataset_record(await self._pool.fetchrow(_UPSERT, *_described(record), record.eval_sha256))

    async def insert_dataset(self, record: DatasetRecord) -> DatasetRecord | None:
        """Register the dataset as stored, or None when the name is taken (a registration never overwrites)."""
        row = await self._pool.fetchrow(
            _INSERT, *_described(record), record.train_etag, record.eval_etag, record.eval_sha256
        )
        return None if row is None else dataset_record(row)

    async def get_dataset(self, name: str) -> DatasetRecord | None:
        """The dataset, or None when no dataset has that name."""
        row = await self._pool.fetchrow("SELECT * FROM datasets WHERE name = $1", name)
        return None if row is None else dataset_record(row)

    async def list_datasets(self) -> list[DatasetRecord]:
        """All datasets, by name."""
        rows = await self._pool.fetch("SELECT * FROM datasets ORDER BY name")
        return [dataset_record(row) for row in rows]
