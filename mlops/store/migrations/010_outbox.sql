-- Transactional outbox (messages written with the row that causes them, published by a relay) and the
-- audit of operator actions on the messaging (dead-letter listing and re-drive).

CREATE TABLE outbox (
    id                     bigserial PRIMARY KEY,
    message_id             text NOT NULL UNIQUE,  -- stable: the broker's duplicate detection keys on it
    topic                  text NOT NULL,
    event_type             text NOT NULL,
    run_id                 uuid REFERENCES pipeline_runs (run_id) ON DELETE CASCADE,
    body                   text NOT NULL,
    application_properties jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    attempts               integer NOT NULL DEFAULT 0,
    last_error             text,
    sent_at                timestamptz
);

CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL;

CREATE TABLE operator_actions (
    id         bigserial PRIMARY KEY,
    actor      text NOT NULL,
    actor_id   text,
    action     text NOT NULL,
    target     jsonb NOT NULL DEFAULT '{}'::jsonb,
    outcome    jsonb NOT NULL DEFAULT '{}'::jsonb,
    at         timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX operator_actions_newest ON operator_actions (at DESC, id DESC);
