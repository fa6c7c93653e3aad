# Two commands do everything: `make demo` and `make test`.
# Both create the project's virtual environment (.venv) when it is missing;
# `make demo` installs only what the demo needs, `make test` adds the test tools.
# `make lab` serves the lab in the browser from the demo's environment.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HASH := $(shell cksum pyproject.toml | cut -d' ' -f1)
DEMO_STAMP := $(VENV)/.demo-$(HASH)
TEST_STAMP := $(VENV)/.test-$(HASH)

.PHONY: demo lab test lint fmt typecheck bench bench-ladder system-deps clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# numpy, tqdm, matplotlib, grandalf and scikit-learn: no torch, no browser, no test tools
$(DEMO_STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e ".[demo]"
	rm -f $(VENV)/.demo-*
	touch $(DEMO_STAMP)

# everything above, plus pytest (and pytest-xdist), hypothesis, torch (the gradient oracle),
# playwright, mypy, ruff
$(TEST_STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.test-* $(VENV)/.demo-*
	touch $(TEST_STAMP) $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(VENV)/bin/neuronlab demo

# the lab in the browser: serves 127.0.0.1 and prints its URL (Ctrl-C stops it);
# LAB_ARGS passes options on, e.g. make lab LAB_ARGS="--port 8765 --no-browser"
LAB_ARGS ?=
lab: $(DEMO_STAMP)
	$(VENV)/bin/neuronlab lab $(LAB_ARGS)

# Graphviz's `dot` and Chromium are system programs the tests use (the library
# works without them); install them with apt-get when they are missing.
system-deps:
	@missing=""; \
	command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "installing$$missing with apt-get"; \
	    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null; \
	  else echo "note:$$missing not installed: make test needs them (install them as root)"; fi; \
	fi

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff format --check --quiet src tests benchmarks examples
	$(VENV)/bin/ruff check src tests benchmarks examples

# formats the code and applies ruff's safe fixes (the workbook's answers are left as typed)
fmt: $(TEST_STAMP)
	$(VENV)/bin/ruff format src tests benchmarks examples
	$(VENV)/bin/ruff check --fix src tests benchmarks examples

typecheck: $(TEST_STAMP)
	$(VENV)/bin/mypy

# ruff, mypy, then the tests and the docstring examples on TEST_WORKERS processes
# (pytest-xdist; TEST_WORKERS=0 runs them one after another in one process). Each test
# module runs whole on one worker (loadscope), so a module's shared fixture (a training,
# a notebook run, a batch of command lines) is computed once, not once per worker.
# Hypothesis runs its repeatable "ci" profile here; HYPOTHESIS_PROFILE=dev explores anew.
# NEURONLAB_REQUIRE_TOOLS=1: a missing test tool (PyTorch, the gradients' oracle, above
# all) stops the run with its name, and a skipped test is a failure (tests/conftest.py).
# One BLAS/OpenMP thread in each worker: the workers already fill the cores, and idle
# threads spinning beside them would only take CPU time from the tests.
HYPOTHESIS_PROFILE ?= ci
TEST_WORKERS ?= 3
test: $(TEST_STAMP) system-deps lint typecheck
	NEURONLAB_REQUIRE_TOOLS=1 HYPOTHESIS_PROFILE=$(HYPOTHESIS_PROFILE) \
	  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
	  $(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadscope

# Benchmarks run in their own environment, which also holds the baselines
# (micrograd 0.1.0 from PyPI, PyTorch, scikit-learn).
# Each script measures several runs in fresh processes and prints the median
# with the lowest and highest run (ratios taken between contenders of one round).
BENCH_VENV := .bench-venv
$(BENCH_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e ".[test]" micrograd==0.1.0
	touch $@

bench: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python benchmarks/bench_scalar.py
	$(BENCH_VENV)/bin/python benchmarks/bench_tensor.py
	$(BENCH_VENV)/bin/python benchmarks/bench_lab.py
	$(BENCH_VENV)/bin/python benchmarks/bench_names_lab.py
	$(BENCH_VENV)/bin/python benchmarks/bench_makemore.py

# The lectures' ladder of language models, every row trained to the end by the lecture's recipe
# and by neuronlab's own, beside the lecture's figures (about half an hour on 2 cores).
bench-ladder: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python benchmarks/bench_makemore.py --ladder

clean:
	rm -rf $(VENV) $(BENCH_VENV) build *.egg-info src/*.egg-info .pytest_cache .hypothesis .mypy_cache
