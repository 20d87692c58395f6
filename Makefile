# PTCC developer commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000

.PHONY: install messages translations run demo demo-reset test test-fast clean

$(BIN)/ptcc: pyproject.toml $(wildcard plugins/*/pyproject.toml)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]' $(patsubst %,-e %,$(wildcard plugins/*/))
	touch $(BIN)/ptcc

install: $(BIN)/ptcc translations

# Re-extract the core's messages and merge them into the fr and en catalogues (translations kept).
messages: $(BIN)/ptcc
	$(BIN)/pybabel extract -F translations/babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 \
	  --no-location --sort-output --project PTCC -o translations/messages.pot .
	for lang in fr en; do \
	  $(BIN)/pybabel update -i translations/messages.pot -d translations -D messages -l $$lang \
	    --ignore-obsolete; done

# Compile the core's fr and en catalogues, then every plugin's.
translations: $(BIN)/ptcc
	$(BIN)/pybabel compile -d translations -D messages >/dev/null
	@for cat in $$(find plugins -path '*/LC_MESSAGES/*.po' 2>/dev/null); do \
	  $(BIN)/pybabel compile -i $$cat -o $${cat%.po}.mo >/dev/null || exit 1; done

demo: install
	PTCC_OUTBOX_INLINE=1 $(BIN)/ptcc demo

demo-reset: install
	PTCC_OUTBOX_INLINE=1 $(BIN)/ptcc demo --reset --yes

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
