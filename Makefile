# Two entry points do all set-up on a fresh clone: `make site` and `make test`.
# Both create .venv with the pinned dependencies of requirements.lock first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install site test check serve bench chromium screenshot clean

install: $(STAMP)

site: $(STAMP)
	$(BIN)/reportgen build

test: $(STAMP) chromium
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy --strict src
	$(BIN)/pytest

check: $(STAMP)
	$(BIN)/reportgen check

serve: $(STAMP)
	$(BIN)/reportgen serve

# Regenerates benchmarks/RESULTS.md and benchmarks/timings.png (takes ~30 minutes):
# build times, the parsing floor, incremental builds and checks, start-up, a 10,000-entry
# bibliography, 1 core against all, link checks and the bytes a reader's browser
# transfers for search (Chromium).
bench: $(STAMP) chromium
	$(BIN)/python -m benchmarks --links --search-sizes 100,1000 --bib-entries 10000

# The browser tests drive Debian's Chromium (never a downloaded browser build).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Refresh the README screenshot from the browser test's artifact.
screenshot: test
	cp test-artifacts/report-page.png screenshots/report-page.png

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "reportgen needs Python 3.11, got " + sys.version' 
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

clean:
	rm -rf $(VENV) site .site-* .pytest_cache .mypy_cache .ruff_cache
