# make run   — the whole system on this machine: Kafka, MongoDB-wire store, four services
# make test  — unit, integration and end-to-end tests against real Kafka and MongoDB-wire servers
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
PYTHON := .venv/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: help install run test lint test-unit infra infra-stop schemas bench clean faults

help:
	@echo "make run    run the whole system (Kafka, MongoDB-wire store, intake, routing, notification, archive)"
	@echo "make test   run the tests"
	@echo "helpers:    make lint | install | infra | infra-stop | schemas | bench | clean"

$(UV):
	@scripts/ensure-system-tools
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) uv.lock pyproject.toml shared/pyproject.toml $(wildcard services/*/pyproject.toml)
	$(UV) sync --frozen --all-packages --python python3
	@touch $@

install: .venv/.synced

run: install
	$(PYTHON) scripts/run_local.py

test: install lint
	@scripts/ensure-system-tools
	$(PYTHON) -m pytest

lint: install
	.venv/bin/ruff check .
	.venv/bin/mypy

test-unit: install
	$(PYTHON) -m pytest shared/tests services -q

infra: install
	deploy/local/bin/infra start all && deploy/local/bin/infra wait all 120

infra-stop:
	deploy/local/bin/infra stop all

schemas: install
	$(PYTHON) -m complaints_shared.schema_gen

bench: install
	$(PYTHON) bench/routing_throughput.py
	$(PYTHON) bench/routing_worker.py
	$(PYTHON) bench/faust_floor.py
	$(PYTHON) bench/pipeline_latency.py

# make faults N=20000 REPEAT=3 — the long fault run (docs/reliability.md): its own broker and store,
# the four services, every fault REPEAT times; figures printed and written to $(FAULTS_JSON);
# then routing alone with workers killed and frozen again and again (12 rounds).
N ?= 20000
REPEAT ?= 3
FAULTS_JSON ?= .local/faults.json
faults: install
	$(PYTHON) tests/faults/harness.py --complaints $(N) --repeat $(REPEAT) --json $(FAULTS_JSON)
	ROUTING_FAULTS=kill,freeze ROUTING_KILL_ROUNDS=12 $(PYTHON) -m pytest tests/faults/test_routing_kills.py -q -s

clean:
	-deploy/local/bin/infra stop all
	rm -rf .venv .tools .local deploy/local/libs tools/asyncapi-validate/node_modules
