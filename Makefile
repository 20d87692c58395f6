# PTCC developer commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000

.PHONY: install translations run demo test test-fast browsers lint clean

$(BIN)/ptcc: pyproject.toml plugins/*/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]' $(patsubst %,-e %,$(wildcard plugins/*/))
	touch $(BIN)/ptcc

install: $(BIN)/ptcc translations

translations: $(BIN)/ptcc
	$(BIN)/pybabel compile --use-fuzzy -d translations -D messages >/dev/null
	@for d in plugins/*/; do \
	  for cat in $$(find $$d -path '*LC_MESSAGES/*.po'); do \
	    $(BIN)/pybabel compile -i $$cat -o $${cat%.po}.mo >/dev/null; done; done

demo: install
	PTCC_OUTBOX_INLINE=1 $(BIN)/ptcc demo

run: demo
	@echo ""
	@echo "PTCC is starting on http://localhost:$(PORT)/ — the territories are listed there."
	PTCC_OUTBOX_INLINE=1 $(BIN)/ptcc run --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -m "not browser and not slow" --ptcc-backends sqlite $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache
