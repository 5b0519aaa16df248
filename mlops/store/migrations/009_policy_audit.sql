-- The gate policy each run was held to, and a per-run SHA-256 hash chain over the audit trail.
--
-- Chain: every run_events row stores its position (chain_seq), the hash of the run's previous event
-- (prev_hash; 64 zeros for the first) and its own hash (row_hash) over a canonical serialization
-- (mlops/audit/chain.py computes the same text; keep the two in step). A trigger fills them on every
-- insert, whichever code path inserts, under a lock on the run's chain head (run_audit_heads), so two
-- concurrent writers cannot fork a chain. The head records the last hash and the length: deleting the
-- newest rows is detected too.
--
-- Rows written before this migration are chained here, as they stand at migration time: the chain
-- attests that nothing changed after the upgrade, not what happened before it (nothing recorded more).

ALTER TABLE pipeline_runs
    ADD COLUMN gate_policy jsonb,        -- the policy in force when the run was created (null: before 009)
    ADD COLUMN policy_version text,      -- its content hash, shown on the card
    ADD COLUMN weight_profile text;      -- the profile the requester chose ('custom' for own weights)

-- A registered dataset is never overwritten (insert-only); the ETags say which file versions were checked.
ALTER TABLE datasets
    ADD COLUMN train_etag text,
    ADD COLUMN eval_etag text;

ALTER TABLE run_events
    ADD COLUMN chain_seq integer,
    ADD COLUMN prev_hash text,
    ADD COLUMN row_hash text;

CREATE TABLE run_audit_heads (
    run_id uuid PRIMARY KEY REFERENCES pipeline_runs (run_id) ON DELETE CASCADE,
    head   text NOT NULL,
    length integer NOT NULL CHECK (length >= 0)
);

CREATE FUNCTION audit_field(value text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN value IS NULL THEN '~' ELSE octet_length(value)::text || ':' || value END
$$;

CREATE FUNCTION audit_row_hash(e run_events) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT encode(sha256(convert_to(
        audit_field('audit-v1') || audit_field(e.run_id::text) || audit_field(e.chain_seq::text)
        || audit_field(e.id::text) || audit_field(e.kind) || audit_field(e.status) || audit_field(e.message)
        || audit_field(e.details::text) || audit_field(e.dedupe_key)
        || audit_field(to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
        || audit_field(e.prev_hash),
        'UTF8')), 'hex')
$$;

DO $$
DECLARE
    event run_events;
    previous text;
    position integer;
    current_run uuid;
BEGIN
    FOR event IN SELECT * FROM run_events ORDER BY run_id, id LOOP
        IF current_run IS DISTINCT FROM event.run_id THEN
            current_run := event.run_id;
            previous := repeat('0', 64);
            position := 0;
        END IF;
        position := position + 1;
        event.chain_seq := position;
        event.prev_hash := previous;
        previous := audit_row_hash(event);
        UPDATE run_events SET chain_seq = position, prev_hash = event.prev_hash, row_hash = previous
        WHERE id = event.id;
    END LOOP;
END $$;

INSERT INTO run_audit_heads (run_id, head, length)
SELECT DISTINCT ON (run_id) run_id, row_hash, chain_seq FROM run_events ORDER BY run_id, chain_seq DESC;

ALTER TABLE run_events
    ALTER COLUMN chain_seq SET NOT NULL,
    ALTER COLUMN prev_hash SET NOT NULL,
    ALTER COLUMN row_hash SET NOT NULL,
    ADD UNIQUE (run_id, chain_seq);

CREATE FUNCTION run_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_hash text;
    last_length integer;
BEGIN
    INSERT INTO run_audit_heads (run_id, head, length) VALUES (NEW.run_id, repeat('0', 64), 0)
    ON CONFLICT (run_id) DO NOTHING;
    SELECT head, length INTO last_hash, last_length FROM run_audit_heads WHERE run_id = NEW.run_id FOR UPDATE;
    -- An insert that ON CONFLICT (run_id, dedupe_key) will skip must not advance the head.
    IF NEW.dedupe_key IS NOT NULL AND EXISTS (
        SELECT 1 FROM run_events WHERE run_id = NEW.run_id AND dedupe_key = NEW.dedupe_key
    ) THEN
        RETURN NULL;
    END IF;
    NEW.chain_seq := last_length + 1;
    NEW.prev_hash := last_hash;
    NEW.row_hash := audit_row_hash(NEW);
    UPDATE run_audit_heads SET head = NEW.row_hash, length = NEW.chain_seq WHERE run_id = NEW.run_id;
    RETURN NEW;
END $$;

CREATE TRIGGER run_events_chain BEFORE INSERT ON run_events FOR EACH ROW EXECUTE FUNCTION run_events_chain();
