-- Token buckets shared by every instance (issue 17): the judge's requests and tokens per minute.
-- One row per bucket, refilled lazily from the database clock (instances' clocks may differ) under a row lock.

CREATE TABLE rate_buckets (
    name       text PRIMARY KEY,
    requests   double precision NOT NULL,  -- requests left; refilled at the limit per minute, capped at the burst
    tokens     double precision NOT NULL,  -- tokens left; may go below 0 when a call used more than estimated
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
