"""The evaluation scoring job: the CPU-bound part of an evaluation, outside the Function App."""
