"""Approvals from Teams: signed decision links, the decision page, and the single-use confirm flow."""
