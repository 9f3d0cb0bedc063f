# The README's two commands: `make demo` runs the app against the embedded IdP and local STS,
# `make test` runs every test. Each sets itself up from a fresh clone.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench browser tools clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q tui  # bytecode, as a pip-installed wheel has (bench/credential_process.py)
	touch $(STAMP)

# Debian's Chromium and its chromedriver, when missing (the demo needs them).
browser:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || sh scripts/install-chromium.sh

# Everything the tests drive besides Python: Chromium, Xvfb, xdotool, tmux, faketime.
tools:
	@for tool in chromium chromedriver Xvfb xdotool tmux faketime; do \
		command -v $$tool >/dev/null 2>&1 || { sh scripts/install-chromium.sh; break; }; \
	done

demo: $(STAMP) browser
	$(BIN)/entra-aws demo

test: $(STAMP) tools
	$(BIN)/ruff check tui tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check tui tests bench
	$(BIN)/ruff format --check tui tests bench
	$(BIN)/mypy

bench: $(STAMP) browser
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
