# The two commands of the README (make demo, make test) and the tools around them.
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup test demo up lint type bench corpus clean

setup:
	@sh scripts/bootstrap.sh

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -n auto

demo: setup
	$(BIN)/entra-harness demo

up: setup
	$(BIN)/entra-harness up

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

type: setup
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: setup
	@command -v wrk >/dev/null 2>&1 || { sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; $$sudo apt-get install -y -q wrk; }
	$(BIN)/python -m bench.run $(if $(ONLY),--only $(ONLY)) $(if $(SIZES),--sizes $(SIZES))

# Imports every tutorial of ../shared/gallery-corpus and prints per-field accuracy, then runs each
# one's generated scenarios against its generic vendor and prints pass rates (issue 18).
corpus: setup
	@accuracy=0; $(BIN)/python -m gallery.importer.corpus || accuracy=$$?; \
	$(BIN)/python -m harness.gallery_scenarios.pass_rates && exit $$accuracy

clean:
	rm -rf reports .pytest_cache .mypy_cache .ruff_cache
