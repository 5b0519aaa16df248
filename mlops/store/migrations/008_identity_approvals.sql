-- Identity and approvals (issue 11): who started a run by Entra object id, N-of-M approvals by distinct
-- principals, and one outcome per run decided by one conditional write (a decision or the deadline's expiry).

ALTER TABLE pipeline_runs
    ADD COLUMN created_by_oid     text,
    ADD COLUMN approvals_required integer NOT NULL DEFAULT 1 CHECK (approvals_required >= 1),
    ADD COLUMN approval_deadline  timestamptz;

-- run_approvals stays the run's single outcome (PRIMARY KEY run_id: the first INSERT wins); the deadline's
-- expiry now competes for the same row, so a decision can no longer land beside an expired outcome.
ALTER TABLE run_approvals DROP CONSTRAINT run_approvals_decision_check;
ALTER TABLE run_approvals ADD CONSTRAINT run_approvals_decision_check
    CHECK (decision IN ('approve', 'reject', 'expired'));
ALTER TABLE run_approvals ADD COLUMN approver_oid text;

-- Each principal's vote, once per run: N distinct approvals make the outcome "approve", any reject rejects.
CREATE TABLE run_approval_votes (
    run_id       uuid NOT NULL REFERENCES pipeline_runs (run_id) ON DELETE CASCADE,
    approver_oid text NOT NULL,
    approver     text NOT NULL,
    decision     text NOT NULL CHECK (decision IN ('approve', 'reject')),
    comment      text,
    via          text NOT NULL,
    decided_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (run_id, approver_oid)
);
