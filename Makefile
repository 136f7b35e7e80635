# Two commands do all set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck pytest browser bench clean java test-spark

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the project's metadata changes, or the module the install compiles (setup.py): an editable
# install builds it in place, and a build older than its source would be imported instead of it.
COMPILED := validators/settled.py

$(VENV)/.installed: pyproject.toml setup.py $(COMPILED) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml setup.py $(COMPILED) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/claimfmt validate examples/
	@echo
	$(BIN)/claimfmt show examples/seed-article.claimfmt.json
	@echo
	$(BIN)/claimfmt stats examples/
	@echo
	$(BIN)/claimfmt view examples/seed-article.claimfmt.json -o $(VENV)/seed-view.html --no-open
	@echo "  (the seed article's HTML view: open it in a browser)"
	@echo
	$(BIN)/claimfmt convert examples/seed-article.claimfmt.json --from claimfmt --to w3c --record -o $(VENV)/seed.w3c.json
	$(BIN)/claimfmt convert $(VENV)/seed.w3c.json --from w3c --to claimfmt -o $(VENV)/seed.back.json
	@$(BIN)/python -c "import claimfmt, sys; same = claimfmt.load('$(VENV)/seed.back.json') == \
		claimfmt.load('examples/seed-article.claimfmt.json'); \
		print('seed article -> W3C -> claimfmt:', 'the same document' if same else 'DIFFERENT'); sys.exit(not same)"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(BIN)/python -m pytest

# Debian's Chromium (about 300 MB with what it needs), for the browser tests of the HTML view
# (tests/test_view_browser.py, driven by Playwright, which the test extras install). Needs root or sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser tests"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -q >/dev/null && \
		  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }; }

test: lint typecheck browser pytest

# Spark needs a Java runtime: Debian's default-jre-headless (OpenJDK 17, about 200 MB) unless one is there.
java:
	@command -v java >/dev/null 2>&1 || { \
		echo "installing Debian's default-jre-headless for the Spark tests"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q default-jre-headless >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -q >/dev/null && \
		  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q default-jre-headless >/dev/null; }; }

$(VENV)/.installed-spark: pyproject.toml setup.py $(COMPILED) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	touch $(VENV)/.installed $(VENV)/.installed-test $@

# Validation on Spark local[2] through mapInArrow (tests/spark); `make test` does not need Java.
test-spark: java $(VENV)/.installed-spark
	CLAIMFMT_SPARK=1 $(BIN)/python -m pytest tests/spark

$(VENV)/.installed-bench: pyproject.toml setup.py $(COMPILED) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(VENV)/.installed $(VENV)/.installed-test $@

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/bench_validate.py
	$(BIN)/python benchmarks/bench_anchoring.py --cases 5000
	$(BIN)/python benchmarks/bench_hydrate.py
	$(BIN)/python benchmarks/bench_convert.py
	$(BIN)/python benchmarks/bench_scaling.py
	$(BIN)/python benchmarks/bench_startup.py
	$(BIN)/python benchmarks/bench_agree.py
	$(BIN)/python benchmarks/bench_parquet.py
	$(MAKE) browser
	$(BIN)/python benchmarks/bench_view.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
	rm -f validators/*.so validators/*.pyd
