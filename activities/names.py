"""The activity names: declared once, used by each registration and by every call the orchestrator makes.

A name is what the host schedules and what a run's history records, so renaming one is a sequence change
(orchestrations/versions.py).
"""

from typing import Final

RECORD_STATUS: Final = "record_status"
STAGE_BASE_MODEL: Final = "stage_base_model"
SUBMIT_TRAINING: Final = "submit_training"
TRAINING_STATUS: Final = "training_status"
REGISTER_MODEL: Final = "register_model"
PLAN_EVALUATION: Final = "plan_evaluation"
SUBMIT_SCORING: Final = "submit_scoring"
EVALUATE_MODEL: Final = "evaluate_model"
TAG_MODEL: Final = "tag_model"
PUBLISH_EVENT: Final = "publish_event"
SEND_CARD: Final = "send_card"
READ_DECISION: Final = "read_decision"
