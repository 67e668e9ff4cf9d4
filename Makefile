# Two commands for a newcomer: `make run` serves the course, `make test` runs every test.
VENV ?= .venv
PYTHON ?= python3
PORT ?= 5000
FLASK = FLASK_APP=course $(VENV)/bin/flask

.PHONY: run test test-fast lint format check bench bench-pages loadtest clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

PIP = $(VENV)/bin/pip install --disable-pip-version-check -q
# The project itself, editable and without dependencies: registers the `flask content` plugin command.
INSTALL_SELF = $(PIP) --no-deps -e .

$(VENV)/.runtime: requirements.txt pyproject.toml | $(VENV)/bin/python
	$(PIP) -r requirements.txt
	$(INSTALL_SELF)
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt pyproject.toml | $(VENV)/bin/python
	$(PIP) -r requirements-dev.txt
	$(INSTALL_SELF)
	touch $(VENV)/.runtime $@

# Ralph, the LRS tests/xapi send statements to, in its own virtualenv (its pins clash with the app's).
RALPH_VENV ?= .venv-ralph
$(RALPH_VENV)/.ready: requirements-ralph.txt
	$(PYTHON) -m venv $(RALPH_VENV)
	$(RALPH_VENV)/bin/pip install --disable-pip-version-check -q -r requirements-ralph.txt
	touch $@

run: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(FLASK) content check
	$(FLASK) users ensure-admin
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.dev $(RALPH_VENV)/.ready
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

# The inner loop: every test but the browser ones and the Nu HTML checker (no Chromium, no Java needed).
test-fast: $(VENV)/.dev $(RALPH_VENV)/.ready
	$(VENV)/bin/python -m pytest -m "not browser" --ignore=tests/test_html_validity.py $(PYTEST_ARGS)

check: $(VENV)/.runtime
	$(FLASK) content check --strict

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.dev
	$(VENV)/bin/python -m benchmarks.run

$(VENV)/.bench: requirements-bench.txt $(VENV)/.dev
	$(VENV)/bin/pip install --disable-pip-version-check -q -r requirements-bench.txt
	touch $@

# Pages against a hello-world under one gunicorn configuration, with wrk (apt-get install wrk), this code
# beside BASELINE (the commit before the performance work) in the same run.
BASELINE ?= 7254e4c
bench-pages: $(VENV)/.dev
	rm -rf benchmarks/out/baseline && mkdir -p benchmarks/out/baseline
	git archive $(BASELINE) | tar -x -C benchmarks/out/baseline
	$(VENV)/bin/python -m benchmarks.pages --baseline benchmarks/out/baseline --profile 50

# Locust against two gunicorn instances behind nginx, on PostgreSQL and Redis (see benchmarks/README.md).
loadtest: $(VENV)/.bench
	$(VENV)/bin/python -m benchmarks.load.run

clean:
	rm -rf $(VENV) $(RALPH_VENV) .pytest_cache .ruff_cache
