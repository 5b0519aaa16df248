-- Run store schema: datasets, pipeline runs, their append-only audit trail, metrics and approvals.

CREATE TABLE datasets (
    name        text PRIMARY KEY,
    domain      text NOT NULL,
    description text NOT NULL DEFAULT '',
    train_uri   text NOT NULL,
    eval_uri    text NOT NULL,
    train_rows  integer NOT NULL CHECK (train_rows >= 0),
    eval_rows   integer NOT NULL CHECK (eval_rows >= 0),
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE pipeline_runs (
    run_id              uuid PRIMARY KEY,
    status              text NOT NULL DEFAULT 'pending' CHECK (status IN
                            ('pending', 'loading', 'training', 'evaluating', 'awaiting_approval',
                             'completed', 'failed')),
    decision            text CHECK (decision IN ('go_prod', 'rejected', 'expired')),
    model_id            text NOT NULL,
    dataset             text NOT NULL REFERENCES datasets (name),
    experiment_name     text NOT NULL,
    task_type           text NOT NULL CHECK (task_type IN ('finetune', 'evaluate')),
    ml_score_threshold  double precision NOT NULL,
    metric_weights      jsonb NOT NULL DEFAULT '{}'::jsonb,
    ml_score            double precision,
    base_model_uri      text,
    finetuned_model_uri text,
    registered_model    jsonb,
    training_job        text,
    failure_reason      text,
    created_by          text,
    created_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (decision IS NULL OR status = 'completed')
);

CREATE INDEX pipeline_runs_newest ON pipeline_runs (created_at DESC, run_id DESC);
CREATE INDEX pipeline_runs_status_newest ON pipeline_runs (status, created_at DESC, run_id DESC);

CREATE TABLE run_events (
    id         bigserial PRIMARY KEY,
    run_id     uuid NOT NULL REFERENCES pipeline_runs (run_id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('transition', 'card', 'event', 'approval')),
    status     text NOT NULL,
    message    text NOT NULL,
    details    jsonb NOT NULL DEFAULT '{}'::jsonb,
    dedupe_key text,
    at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- an activity re-run (at-least-once delivery) finds its row instead of adding a second one
    UNIQUE (run_id, dedupe_key)
);

CREATE INDEX run_events_by_run ON run_events (run_id, id);

CREATE TABLE run_results (
    run_id uuid NOT NULL REFERENCES pipeline_runs (run_id) ON DELETE CASCADE,
    metric text NOT NULL,
    value  double precision,  -- NULL: the metric was NaN or missing (reported, never averaged as 0)
    weight double precision NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, metric)
);

CREATE TABLE run_approvals (
    run_id     uuid PRIMARY KEY REFERENCES pipeline_runs (run_id) ON DELETE CASCADE,
    decision   text NOT NULL CHECK (decision IN ('approve', 'reject')),
    approver   text NOT NULL,
    comment    text,
    via        text NOT NULL,
    decided_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
