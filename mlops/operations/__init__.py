"""Operator actions on the messaging: list dead-lettered messages with their reason, re-drive them, audited."""
