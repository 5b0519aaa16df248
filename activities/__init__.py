"""Activities: one module each, each a small adapter from a typed payload to one domain call."""

from activities import (
    evaluate_model,
    load_base_model,
    plan_evaluation,
    publish_event,
    read_decision,
    record_status,
    register_model,
    score_evaluation_batch,
    send_card,
    submit_training,
    tag_model,
    training_status,
)

BLUEPRINTS = [
    module.bp
    for module in (
        record_status,
        load_base_model,
        submit_training,
        training_status,
        register_model,
        plan_evaluation,
        score_evaluation_batch,
        evaluate_model,
        tag_model,
        publish_event,
        send_card,
        read_decision,
    )
]
