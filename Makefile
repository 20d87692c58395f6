# PTCC developer commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
# pytest-xdist workers for `make test`: one per core, at most 4 (each worker migrates its own
# test databases and opens its own PostgreSQL connections). TEST_WORKERS=0: one process.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n < 4 ? n : 4 )))
# `load` hands out tests in collection order, where pytest has put every SQLite test before
# every PostgreSQL one: each worker migrates each backend's databases once. Whole files per
# worker (loadfile, loadscope) alternate backends and migrate again at every file.
XDIST := -n $(TEST_WORKERS) --dist load
# The core's catalogues, every plugin's, and the test sample plugin's (compiled here rather
# than by the application in several test processes at once).
CATALOGUES := $(wildcard translations/*/LC_MESSAGES/messages.po) \
  $(shell find plugins tests/plugins/sample_plugins -path '*/LC_MESSAGES/*.po' 2>/dev/null)

.PHONY: install assets messages translations run demo demo-reset test test-fast bench bench-ci clean

# Two `make` at once (two test runs) must not reinstall the venv under each other: the
# install runs under a lock, and the make that waited for it finds the venv up to date.
ifeq ($(VENV_LOCKED),)
$(BIN)/ptcc: pyproject.toml $(wildcard plugins/*/pyproject.toml)
	@mkdir -p $(VENV)
	@flock $(VENV)/.make-lock $(MAKE) --no-print-directory VENV_LOCKED=1 $@
else
# Quiet unless something fails: pip's output goes to a log, shown in full when a step fails.
$(BIN)/ptcc: pyproject.toml $(wildcard plugins/*/pyproject.toml)
	@echo "Installing PTCC, its plugins and the test tools into $(VENV)/ (log: $(VENV)/install.log)"
	@{ $(PYTHON) -m venv $(VENV) \
	  && $(BIN)/pip install --upgrade pip \
	  && $(BIN)/pip install -e '.[test]' $(patsubst %,-e %,$(wildcard plugins/*/)); } \
	  > $(VENV)/install.log 2>&1 || { cat $(VENV)/install.log; echo "make install failed (above)"; exit 1; }
	@touch $(BIN)/ptcc
endif

# Front-end assets and public datasets from the npm registry (package.json, pinned in
# package-lock.json): the typeface, the icons, the official list of communes.
node_modules/.package-lock.json: package.json package-lock.json
	@npm ci --no-audit --no-fund --silent > $(VENV)/npm.log 2>&1 || { cat $(VENV)/npm.log; echo "npm ci failed (above)"; exit 1; }

# The typeface's woff2 files and the icons the templates use, copied into the static folder.
assets: node_modules/.package-lock.json
	@$(PYTHON) ptcc/web/assets.py > /dev/null

install: $(BIN)/ptcc translations assets

# Re-extract the core's messages and merge them into the fr and en catalogues (translations kept).
messages: $(BIN)/ptcc
	$(BIN)/pybabel extract -F translations/babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 \
	  --no-location --sort-output --project PTCC -o translations/messages.pot .
	for lang in fr en; do \
	  $(BIN)/pybabel update -i translations/messages.pot -d translations -D messages -l $$lang \
	    --ignore-obsolete; done

# Compile the catalogues whose .po is newer than their .mo. Written aside, then renamed: a
# test run beside this one never reads half a catalogue.
translations: $(CATALOGUES:.po=.mo)

%.mo: %.po | $(BIN)/ptcc
	@$(BIN)/pybabel -q compile -i $< -o $(@:.mo=.$$$$.mo) && mv $(@:.mo=.$$$$.mo) $@

demo: install
	PTCC_OUTBOX_INLINE=1 PTCC_PLATFORM_URL=http://localhost:$(PORT) $(BIN)/ptcc demo

demo-reset: install
	PTCC_OUTBOX_INLINE=1 PTCC_PLATFORM_URL=http://localhost:$(PORT) $(BIN)/ptcc demo --reset --yes

run: demo
	@echo ""
	@echo "PTCC is starting on http://localhost:$(PORT)/ — the territories are listed there."
	PTCC_OUTBOX_INLINE=1 PTCC_PLATFORM_URL=http://localhost:$(PORT) $(BIN)/ptcc run --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest $(XDIST) -m "not browser and not slow" --ptcc-backends sqlite $(PYTEST_ARGS)

# gunicorn + wrk on the enlarged demo (benchmarks/README.md); bench-ci checks its invariants only.
bench: install
	$(BIN)/python benchmarks/run_bench.py $(BENCH_ARGS)

bench-ci: install
	$(BIN)/python benchmarks/run_bench.py --ci $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules
