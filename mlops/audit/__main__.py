"""``python -m mlops.audit verify``: check every run's hash chain; exit 1 naming the first broken link.

Reads DATABASE_URL (or ``--database-url``) and, against an Entra-only server, DATABASE_ENTRA_AUTH=true
(the signed-in identity's token is the password); read-only, safe to run against production at any time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

from mlops.audit.chain import ChainReport
from mlops.audit.verify import verify_all
from mlops.settings import DATABASE_ENTRA_AUTH, DATABASE_URL
from mlops.store import RunStore


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mlops.audit", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="verify every run's audit chain")
    verify.add_argument("--database-url", default=DATABASE_URL.read(os.environ))
    args = parser.parse_args(argv)
    if not args.database_url:
        print("error: set DATABASE_URL or pass --database-url", file=sys.stderr)
        return 2
    reports = asyncio.run(_verify(args.database_url))
    broken = [report for report in reports if not report.verified]
    for report in broken:
        print(_describe(report), file=sys.stderr)
    print(f"{len(reports) - len(broken)} of {len(reports)} runs verified", file=sys.stderr if broken else sys.stdout)
    return 1 if broken else 0


async def _verify(dsn: str) -> list[ChainReport]:
    entra = None
    if DATABASE_ENTRA_AUTH.read(os.environ):
        from mlops.store.entra import default_entra_password

        entra = default_entra_password()
    store = await RunStore.connect(dsn, max_size=1, entra=entra)
    try:
        return await verify_all(store)
    finally:
        await store.close()


def _describe(report: ChainReport) -> str:
    broken = report.broken
    assert broken is not None
    event = f" (event id {broken.event_id})" if broken.event_id is not None else ""
    return f"run {report.run_id}: BROKEN at link #{broken.chain_seq}{event}: {broken.reason}"


if __name__ == "__main__":
    sys.exit(main())
