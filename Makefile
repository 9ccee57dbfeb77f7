# Two commands do everything: `make run` builds and publishes the dataset, `make test` runs every test.
# Both create the virtual environment from requirements.lock (every package pinned) when it is missing
# or older than the lock.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-lock
PIP := $(BIN)/pip --disable-pip-version-check --quiet

.PHONY: run test lint lock clean chromium

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/ofsted-dataset build

# The release page is tested in a real headless browser: Debian's chromium, installed when missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || { echo "make test needs Debian's chromium (apt-get install chromium) for the release-page test"; exit 1; }

test: $(STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# Re-pin after changing the dependencies in pyproject.toml (needs the package index).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet "setuptools==84.2.1" && .lock-venv/bin/pip install --quiet -e ".[dev]"
	{ echo "# Every package the project installs, transitive ones included: the tested environment."; \
	  echo "# Regenerate after changing pyproject.toml: make lock"; \
	  .lock-venv/bin/pip freeze --exclude-editable --all | grep -v -E '^(pip)=='; } > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .prefect staged/build

# Scaling benchmark (bench/README.md): synthetic corpora of 1,000 and 10,000 articles under /tmp; writes bench/RESULTS.md.
.PHONY: bench bench-100k
bench: $(STAMP)
	$(BIN)/python -m bench.run_benchmark

# Archive scale, not in `make bench` (about an hour here): 100,000 articles within 2 GiB per step, and a
# cold build on a local Dask cluster whose data must be byte-identical. Writes bench/n100000/RESULTS.md.
bench-100k: $(STAMP)
	$(BIN)/python -m bench.run_benchmark --sizes 100000 --dask --max-peak-mb 2048 --cold-runs 1 --results bench/n100000
