-- Eval sets versioned by content, and each run's comparison against the production model (the champion).
-- Two runs are compared only when both were scored on the same eval file (the same SHA-256 of its bytes).

ALTER TABLE datasets
    ADD COLUMN eval_sha256 text;   -- SHA-256 of the eval file as validated at registration (null: before 011)

ALTER TABLE pipeline_runs
    ADD COLUMN eval_sha256 text,   -- SHA-256 of the eval file this run was scored on
    ADD COLUMN comparison jsonb;   -- candidate vs champion (mlops.evaluation.comparison); null until scored
