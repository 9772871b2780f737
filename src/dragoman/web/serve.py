"""Running the web app: who may reach it, and uvicorn."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Sequence
from pathlib import Path

from ..errors import DragomanError
from ..pipeline import Workspace
from ..settings import Settings


def is_loopback(host: str) -> bool:
    """Whether an address only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name may resolve anywhere


def check_exposure(home: Path, host: str, token: str | None) -> None:
    """Refuse to listen beyond loopback unless an access token or user accounts guard it."""
    if token is not None and not token.strip():
        raise DragomanError("the access token is empty")
    if is_loopback(host) or token:
        return
    with Workspace(home) as ws:
        if ws.store.has_users():
            return
    raise DragomanError(
        f"refusing to serve on {host} without access control: give --token (or set "
        "DRAGOMAN_TOKEN) or create accounts with: dragoman users add NAME --role reader|analyst"
    )


def run_server(
    home: Path | None,
    host: str,
    port: int,
    *,
    token: str | None = None,
    settings: Settings | None = None,
    collect_every: float | None = None,
    watch: Sequence[Path] = (),
) -> None:
    """Serve the app with uvicorn until interrupted."""
    import uvicorn

    from .app import create_app

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = create_app(home, token=token, settings=settings, collect_every=collect_every, watch=watch)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
