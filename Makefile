# claimbot: `make run` starts the bot (the console chat without a Telegram token),
# `make test` checks everything. Both set up .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PYBABEL := $(BIN)/pybabel
EXTRACT := $(PYBABEL) -q extract -F babel.cfg --sort-by-file --project=claimbot \
           --copyright-holder="claimbot contributors" --msgid-bugs-address="" -k N_

.PHONY: run console test lint typecheck pytest bench profile i18n-extract i18n-update i18n-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Runtime install (for `make run`) and dev install (for `make test`); redone when pyproject changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/claimbot run

console: $(VENV)/.installed
	$(BIN)/claimbot console

test: $(VENV)/.installed-dev lint typecheck i18n-check pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest -q

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/bench.py

# Where the time goes: the concurrent journeys under pyinstrument, report in bench/profile.txt.
profile: $(VENV)/.installed-dev
	$(BIN)/python bench/bench.py --profile bench/profile.txt

# Translation workflow: extract msgids into the .pot templates, merge them into every .po,
# check that every catalog is complete (no untranslated or fuzzy entry, placeholders intact).
# A regional variant (locales/en_US: the US wording of the English source) is a partial catalog
# edited by hand: `bot.i18n.update` merges into the languages' catalogs only, never into a
# variant (plain `pybabel update -d locales` would fill it with every msgid); the check reports
# a variant's entry whose msgid left the .pot.
i18n-extract: $(VENV)/.installed-dev
	$(EXTRACT) -o locales/bot.pot bot
	$(EXTRACT) -o locales/messages.pot templates

i18n-update: i18n-extract
	$(BIN)/python -m bot.i18n.update locales

i18n-check: $(VENV)/.installed-dev
	$(BIN)/python -m bot.i18n.check

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
