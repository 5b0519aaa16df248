"""The tamper-evident audit trail: each run's events form a SHA-256 hash chain (migration 009)."""

from mlops.audit.chain import GENESIS, AuditRow, Break, ChainReport, canonical, row_hash, verify_chain

__all__ = ["GENESIS", "AuditRow", "Break", "ChainReport", "canonical", "row_hash", "verify_chain"]
