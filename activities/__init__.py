"""Activities: one module each, each a small adapter from a typed payload to one domain call.

Their names (``activities.names``) are exported here for the orchestrator: it calls an activity by the
constant its registration uses, never by a string of its own.
"""

from activities import (
    evaluate_model,
    plan_evaluation,
    publish_event,
    read_decision,
    record_status,
    register_model,
    send_card,
    stage_base_model,
    submit_scoring,
    submit_training,
    tag_model,
    training_status,
)
from activities.names import (
    EVALUATE_MODEL,
    PLAN_EVALUATION,
    PUBLISH_EVENT,
    READ_DECISION,
    RECORD_STATUS,
    REGISTER_MODEL,
    SEND_CARD,
    STAGE_BASE_MODEL,
    SUBMIT_SCORING,
    SUBMIT_TRAINING,
    TAG_MODEL,
    TRAINING_STATUS,
)

__all__ = [
    "BLUEPRINTS",
    "EVALUATE_MODEL",
    "PLAN_EVALUATION",
    "PUBLISH_EVENT",
    "READ_DECISION",
    "RECORD_STATUS",
    "REGISTER_MODEL",
    "SEND_CARD",
    "STAGE_BASE_MODEL",
    "SUBMIT_SCORING",
    "SUBMIT_TRAINING",
    "TAG_MODEL",
    "TRAINING_STATUS",
]

BLUEPRINTS = [
    module.bp
    for module in (
        record_status,
        stage_base_model,
        submit_training,
        training_status,
        register_model,
        plan_evaluation,
        submit_scoring,
        evaluate_model,
        tag_model,
        publish_event,
        send_card,
        read_decision,
    )
]
