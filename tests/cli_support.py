"""Helpers of the command-line tests: run a command, and a processed workspace to correct."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dragoman.cli import app

runner = CliRunner()


def run(*args: object) -> object:
    """Invoke ``dragoman`` with these arguments; exceptions propagate."""
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def processed_workspace(factory: pytest.TempPathFactory, articles: Path, name: str) -> Path:
    """A new workspace with ``articles`` collected and processed."""
    home = factory.mktemp(name) / "ws"
    assert run("init", home).exit_code == 0
    assert run("collect", articles, "--home", home).exit_code == 0
    assert run("process", "--home", home).exit_code == 0
    return home


def private_copy(processed: Path, tmp_path: Path) -> Path:
    """A fresh copy of a processed workspace, so each test corrects its own."""
    copy = tmp_path / "ws"
    shutil.copytree(processed, copy)
    return copy


def flat(text: str) -> str:
    """Output with the console's line wrapping undone."""
    return " ".join(text.split())
