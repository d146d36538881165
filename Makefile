# The two commands: `make run` (demo city on http://127.0.0.1:$${PORT:-8000}) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint check messages clean

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

run: $(BIN)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo --if-empty
	$(BIN)/python manage.py serve --port $(PORT)

# The suite runs in one process per core, at most 8 (pytest-xdist; each worker takes a Redis
# database of its own, 15 down to 8); PYTEST_WORKERS=0 runs it in this one.
PYTEST_WORKERS ?= auto

test: $(BIN)/.installed
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --maxprocesses 8 $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

messages: $(BIN)/.installed
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore '*/tests/*' --ignore 'e2e/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf var/*.sqlite3 var/huey.db test-output

# Proves a backup restores (docs/deployment.md, "Restore drill"): on the PostgreSQL server of
# DATABASE_URL, the demo city at DRILL_ARGS' scale (default 0.1) is dumped with pg_dump -Fc,
# restored into a fresh database and compared; both databases are dropped afterwards.
.PHONY: restore-drill
DRILL_ARGS ?= --scale 0.1
restore-drill: $(BIN)/.installed
	$(BIN)/python deploy/restore_drill.py $(DRILL_ARGS)
