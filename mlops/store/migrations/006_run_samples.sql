-- Per-sample evaluation scores, so the run detail can show the worst answers (ordered in SQL).

CREATE TABLE run_samples (
    run_id    uuid NOT NULL REFERENCES pipeline_runs (run_id) ON DELETE CASCADE,
    idx       integer NOT NULL CHECK (idx >= 0),  -- the row's position in the eval set
    question  text NOT NULL,
    reference text NOT NULL,
    response  text NOT NULL,
    scores    jsonb NOT NULL DEFAULT '{}'::jsonb,  -- metric -> value (null: NaN for that sample)
    score     double precision,                     -- weighted mean of the sample's non-null scores
    PRIMARY KEY (run_id, idx)
);

CREATE INDEX run_samples_worst ON run_samples (run_id, score ASC NULLS LAST, idx);
