# claimbot: `make run` starts the bot (the console chat without a Telegram token),
# `make test` checks everything, `make soak` runs the long proofs at full size. All set up
# .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PYBABEL := $(BIN)/pybabel
EXTRACT := $(PYBABEL) -q extract -F babel.cfg --sort-by-file --project=claimbot \
           --copyright-holder="claimbot contributors" --msgid-bugs-address="" -k N_

.PHONY: run console test soak lint typecheck pytest pins bench profile i18n-extract i18n-update i18n-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

PIP    := $(BIN)/python -m pip --disable-pip-version-check

# Runtime install (for `make run`) and dev install (for `make test`), at the versions in
# constraints.txt (the ones the tests ran with); redone when pyproject or the pins change.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e '.[dev]'
	touch $@ $(VENV)/.installed

# New pins: the newest versions pyproject's ranges allow, resolved afresh in a scratch venv,
# written to constraints.txt (its comment header kept). Then `make test` and commit both.
pins:
	rm -rf .venv-pins
	$(PYTHON) -m venv .venv-pins
	.venv-pins/bin/python -m pip --disable-pip-version-check install --quiet -e '.[dev]'
	{ sed -n '/^#/p' constraints.txt; \
	  .venv-pins/bin/python -m pip --disable-pip-version-check freeze --exclude-editable; \
	} > constraints.txt.new
	mv constraints.txt.new constraints.txt
	rm -rf .venv-pins

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

# Two workers (pytest-xdist): the suite's servers take free ports and its files live in
# per-test folders. The long proofs (marked `soak`) run at small sizes here.
pytest: $(VENV)/.installed-dev
	$(BIN)/pytest -q -n 2

# The long proofs at full size: 100 kills of the bot, 50 of the mail reader, 10,000
# generated updates (CLAIMBOT_SOAK=1, read in tests/helpers.py).
soak: $(VENV)/.installed-dev
	CLAIMBOT_SOAK=1 $(BIN)/pytest -q -n 2 -m soak

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
	rm -rf $(VENV) .venv-pins .pytest_cache .mypy_cache .ruff_cache build dist
