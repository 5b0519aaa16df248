-- The champion's per-sample scores on an eval set version it was not released on: generated and scored once
-- by the first candidate run that needed them (same job and judge path), reused by every later run.

CREATE TABLE champion_samples (
    model_name    text NOT NULL,
    model_version text NOT NULL,
    eval_sha256   text NOT NULL,
    idx           integer NOT NULL CHECK (idx >= 0),
    question      text NOT NULL,
    reference     text NOT NULL,
    response      text NOT NULL,
    scores        jsonb NOT NULL DEFAULT '{}'::jsonb,
    score         double precision,
    scored_by     uuid REFERENCES pipeline_runs (run_id) ON DELETE SET NULL,  -- the run whose jobs scored them
    PRIMARY KEY (model_name, model_version, eval_sha256, idx)
);
