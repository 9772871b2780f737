"""Fixtures of the web tests: the demo corpus processed once, copies of it, API clients."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dragoman.pipeline import collect, examples_dir, init_workspace, open_workspace, process
from dragoman.web import create_app

DATA = Path(__file__).resolve().parents[1] / "data" / "web"


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace holding the demo corpus, collected and processed (built once)."""
    home = tmp_path_factory.mktemp("web-demo") / "ws"
    init_workspace(home)
    with open_workspace(home) as ws:
        report = collect(ws, [examples_dir()])
        assert report.new > 50 and not report.errors
        process(ws)
    return home


def copy_home(source: Path, target: Path) -> Path:
    """A private copy of a workspace, so a test may change it."""
    shutil.copytree(source, target)
    return target


@pytest.fixture()
def fresh_home(demo_home: Path, tmp_path: Path) -> Path:
    return copy_home(demo_home, tmp_path / "ws")


@pytest.fixture()
def client(fresh_home: Path) -> Iterator[TestClient]:
    """An open (loopback, no accounts) client on a private demo workspace, CSRF cookie set."""
    with TestClient(create_app(fresh_home)) as c:
        c.get("/api/me")
        c.headers["X-CSRF-Token"] = c.cookies["dragoman_csrf"]
        yield c


@pytest.fixture()
def empty_home(tmp_path: Path) -> Path:
    """A new workspace with nothing collected."""
    return init_workspace(tmp_path / "empty")
