# The two commands of README.md: `make demo` and `make test`.
# Both create the virtual environment .venv on first use and install spikesim into it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	MPLBACKEND=Agg $(PY) examples/demo.py

# lint first (seconds), then the whole suite (the architecture checks included)
test: lint
	MPLBACKEND=Agg $(PY) -m pytest -q -n 2 --dist loadgroup

lint: $(STAMP)
	$(VENV)/bin/ruff check spikesim tools tests examples benchmarks
	$(VENV)/bin/mypy spikesim

# the documentation site (MkDocs Material + mkdocstrings) into site/; strict: a warning fails
# (`make test` builds it too, in tests/docs). Figures of examples: python tools/docs_figures.py
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --site-dir site

bench: $(STAMP)
	$(PY) benchmarks/brunel.py --order 500

clean:
	rm -rf $(VENV) build site *.egg-info
