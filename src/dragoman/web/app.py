"""The web app: one workspace, the REST API, sign-in, security headers, live collection.

``create_app`` builds it; ``dragoman serve`` runs it under uvicorn. The HTML pages, when
the ``pages`` module is present, are mounted at ``/`` with the same dependencies.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from .. import __version__
from ..errors import DragomanError, StoreError
from ..settings import Settings
from .deps import SecurityMiddleware, WorkspacePool, default_policy
from .live import BackgroundCollector

log = logging.getLogger("dragoman.web")


def create_app(
    home: Path | None = None,
    *,
    token: str | None = None,
    settings: Settings | None = None,
    collect_every: float | None = None,
    watch: Sequence[Path] = (),
    feeds: bool = True,
) -> FastAPI:
    """The FastAPI app over the workspace at ``home``.

    ``token`` turns on bearer-token access (and, like user accounts, login for
    browsers). ``collect_every`` (seconds) starts background collection of the
    workspace's inbox folder, the ``watch`` folders and, with ``feeds``, the feeds of
    sources.yaml, each round followed by processing.
    """
    settings = settings or Settings.load(home)
    home = Path(home if home is not None else settings.home)
    if token is not None and not token.strip():
        raise DragomanError("the access token is empty")
    pool = WorkspacePool(home, settings)
    collector = (
        BackgroundCollector(home, settings, collect_every, watch, feeds) if collect_every else None
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if collector is not None:
            collector.start()
        try:
            yield
        finally:
            if collector is not None:
                collector.stop()
            pool.close()

    app = FastAPI(
        title="dragoman",
        version=__version__,
        description="Search the store, follow stories, correct entities and edit bulletins.",
        lifespan=lifespan,
        docs_url=None,  # the Swagger page needs scripts from a CDN, which the CSP forbids
        redoc_url=None,
    )
    app.state.home = home
    app.state.settings = settings
    app.state.token = token.strip() if token else None
    app.state.pool = pool
    app.state.collector = collector
    app.state.csp = default_policy()
    app.add_middleware(SecurityMiddleware, policy=app.state.csp)
    _error_handlers(app)

    from .api import router as api_router
    from .auth import router as auth_router

    app.include_router(auth_router)
    app.include_router(api_router)
    try:
        from .pages import router as pages_router  # type: ignore[import-not-found,unused-ignore]
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.pages":
            raise
    else:
        app.include_router(pages_router)
    return app


def _error_handlers(app: FastAPI) -> None:
    """Store and query failures become clear 4xx answers, never a bare 500."""

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> JSONResponse:
        message = str(exc)
        if "locked" in message:
            return JSONResponse({"detail": message}, status_code=503, headers={"Retry-After": "2"})
        return JSONResponse({"detail": message}, status_code=400)

    @app.exception_handler(DragomanError)
    async def dragoman_error(request: Request, exc: DragomanError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(sqlite3.Error)
    async def sqlite_error(request: Request, exc: sqlite3.Error) -> JSONResponse:
        log.warning("query failed on %s: %s", request.url.path, exc)
        return JSONResponse({"detail": f"the query could not be run: {exc}"}, status_code=400)
