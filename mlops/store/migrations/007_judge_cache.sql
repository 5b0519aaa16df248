-- Judge (LLM) verdicts by request hash, shared by every instance and batch activity of the evaluation.

CREATE TABLE judge_cache (
    key        text PRIMARY KEY,                    -- SHA-256 of (model, prompt, n, temperature, stop)
    value      jsonb NOT NULL,                      -- completions or an embedding vector
    created_at timestamptz NOT NULL DEFAULT now()
);
