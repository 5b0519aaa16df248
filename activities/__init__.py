"""Activities: one module each, each a small adapter from a typed payload to one domain call."""

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
