# The two commands of README.md: `make demo` and `make test`.
# Both create the virtual environment .venv on first use and install spikesim into it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	MPLBACKEND=Agg $(PY) examples/demo.py

test: $(STAMP)
	MPLBACKEND=Agg $(PY) -m pytest -q

bench: $(STAMP)
	$(PY) benchmarks/brunel.py --order 500

clean:
	rm -rf $(VENV) build *.egg-info
