"""The server-side gate policy: the bar a run must pass and who must approve it, set by operators."""

from mlops.gate.policy import CUSTOM_PROFILE, GateChoice, GatePolicy, PolicyViolation

__all__ = ["CUSTOM_PROFILE", "GateChoice", "GatePolicy", "PolicyViolation"]
