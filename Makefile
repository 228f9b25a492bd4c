# Two entry points do all set-up on a fresh clone: `make site` and `make test`.
# Both create .venv with the pinned dependencies of requirements.lock first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test check lint serve render clean

site: $(STAMP)
	$(BIN)/reportgen build

test: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy --strict src
	$(BIN)/pytest

check: $(STAMP)
	$(BIN)/reportgen check

serve: $(STAMP)
	$(BIN)/reportgen serve

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "reportgen needs Python 3.11, got " + sys.version' 
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

clean:
	rm -rf $(VENV) site .site-* .pytest_cache .mypy_cache .ruff_cache
