# The two commands of README.md: `make demo` and `make test`.
# Both create the virtual environment .venv on first use and install spikesim into it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	MPLBACKEND=Agg $(PY) examples/demo.py

# lint first (seconds), then the whole suite (the architecture checks included)
test: lint
	MPLBACKEND=Agg $(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check spikesim tools tests examples benchmarks
	$(VENV)/bin/mypy spikesim

bench: $(STAMP)
	$(PY) benchmarks/brunel.py --order 500

clean:
	rm -rf $(VENV) build *.egg-info
