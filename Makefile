# Every target sets up what it needs: a fresh Debian machine only runs `make run` or `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
# The demo's simulated switch posts CDRs with this password and writes its recordings here.
export TELEPHONY_CDR_PASSWORD ?= demo-cdr-password
export TELEPHONY_RECORDINGS_DIR ?= $(CURDIR)/instance/demo-switch

.PHONY: run serve test test-postgres system venv vendor translations db seed bench clean

run: venv vendor translations db seed  ## set up, migrate, seed demo data if empty; web on http://127.0.0.1:5000, scheduler, simulated switch + telephony worker
	@echo "12345 case engine on http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/api/v1/docs)"
	HOST=$(HOST) WEB_PORT=$(PORT) $(BIN)/honcho -f Procfile start

# Production (docs/DEPLOYMENT.md): gunicorn with threaded workers, the scheduler and one telephony
# worker per switch of TELEPHONY_SWITCHES, against PostgreSQL; every setting from the environment
# (SECRET_KEY and DATABASE_URL required: api/serving.py says what is missing). The demo's CDR
# password and recordings folder above are not carried over unless they came from the environment.
serve: export HOTLINE_ENV := production
serve: export TELEPHONY_CDR_PASSWORD := $(if $(filter file,$(origin TELEPHONY_CDR_PASSWORD)),,$(TELEPHONY_CDR_PASSWORD))
serve: export TELEPHONY_RECORDINGS_DIR := $(if $(filter file,$(origin TELEPHONY_RECORDINGS_DIR)),,$(TELEPHONY_RECORDINGS_DIR))
serve: venv vendor translations  ## production: gunicorn + scheduler + telephony workers (PostgreSQL, settings from the environment)
	@$(BIN)/python -c "from api.serving import main; raise SystemExit(main())"
	$(FLASK) db upgrade
	$(BIN)/honcho -f Procfile.production start

# The suite runs in TEST_WORKERS processes (pytest-xdist; each has its own database, see
# tests/conftest.py). --dist loadfile keeps a file's tests on one worker, so a module's fixtures
# (the fuzz app, Dovecot) start once; files go out in collection order (--no-loadscope-reorder),
# where tests/conftest.py puts the files that take minutes first. TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

test: venv vendor translations  ## the whole suite (SQLite by default; TEST_DATABASE_URL=postgresql://... for PostgreSQL)
	$(PYTEST) $(PYTEST_ARGS)

test-postgres: venv vendor translations
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/hotline_test} \
		$(PYTEST) $(PYTEST_ARGS)

system:
	@bash scripts/setup-system.sh

$(BIN)/activate: | system
	$(PYTHON) -m venv $(VENV)

# Reinstalls only when the dependency pins change.
$(VENV)/.installed: $(BIN)/activate pyproject.toml constraints.txt
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

# Front-end files from npm at the versions package.json pins, served from api/static/vendor
# (never a CDN). Reinstalls when package.json changes. bpmn-js: the navigated viewer of the process
# diagrams (api/static/js/diagram.js) and its styles, which refer to no font file (bpmn-font is
# the modeler's palette), with its licence (the bpmn.io mark must stay visible).
# echarts: the statistics dashboard's charts (api/static/js/statistics_charts.js), the minified
# build with its licence and notice (Apache-2.0).
VENDOR_NPM := .npm-vendor/node_modules
pin = $$(node -p "require('./package.json').dependencies['$(1)']")
api/static/vendor/.installed: package.json | system
	npm install --no-audit --no-fund --silent --prefix .npm-vendor \
	   swagger-ui-dist@$(call pin,swagger-ui-dist) bpmn-js@$(call pin,bpmn-js) echarts@$(call pin,echarts)
	rm -rf api/static/vendor/swagger-ui api/static/vendor/bpmn-js api/static/vendor/echarts
	mkdir -p api/static/vendor/swagger-ui api/static/vendor/bpmn-js api/static/vendor/echarts
	cp $(VENDOR_NPM)/swagger-ui-dist/swagger-ui-bundle.js \
	   $(VENDOR_NPM)/swagger-ui-dist/swagger-ui-standalone-preset.js \
	   $(VENDOR_NPM)/swagger-ui-dist/swagger-ui.css api/static/vendor/swagger-ui/
	cp $(VENDOR_NPM)/bpmn-js/dist/bpmn-navigated-viewer.production.min.js \
	   $(VENDOR_NPM)/bpmn-js/dist/assets/diagram-js.css \
	   $(VENDOR_NPM)/bpmn-js/dist/assets/bpmn-js.css \
	   $(VENDOR_NPM)/bpmn-js/LICENSE api/static/vendor/bpmn-js/
	cp $(VENDOR_NPM)/echarts/dist/echarts.min.js $(VENDOR_NPM)/echarts/LICENSE $(VENDOR_NPM)/echarts/NOTICE \
	   api/static/vendor/echarts/
	@touch $@

vendor: api/static/vendor/.installed

# The Chinese UI catalogue (api/translations/zh.py writes the .po; compiled .mo files are not kept in git).
# Compiled when a .po is newer than its .mo (two `make test` at once, as .ci/run starts them,
# then never rewrite a catalogue the other's workers are reading).
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard api/translations/*/LC_MESSAGES/messages.po))
translations: $(CATALOGUES)
$(CATALOGUES): %.mo: %.po | venv
	$(BIN)/pybabel compile -d api/translations --statistics

db: venv
	$(FLASK) db upgrade

# A demo database from an earlier run gets the bundled process as a new version when it changed
# (loading the same bytes again is a no-op); its running cases stay on the version they started on.
seed: venv
	$(FLASK) seed demo --if-empty
	$(FLASK) workflows load workflows/case_handling.bpmn

bench: venv  ## figures for the configured DATABASE_URL (SQLite by default)
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/lifecycle.py
	$(BIN)/python bench/deadlines.py

clean:
	rm -rf $(VENV) .npm-vendor api/static/vendor api/translations/*/LC_MESSAGES/*.mo
