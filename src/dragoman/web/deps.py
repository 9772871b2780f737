"""What every route of the web app shares: the workspace, the current user, CSRF checks.

Pages and API routes alike declare ``Depends(workspace)`` for the store and
``Depends(authorize)`` to require a signed-in user with the right role.

Security choices (the page templates must follow them):

* Content-Security-Policy: scripts run only from the app's own files or from an inline
  ``<script nonce="{{ request.state.csp_nonce }}">``; a fresh nonce is made for every
  response, so event-handler attributes and injected scripts never run. Inline styles
  are allowed (style attributes cannot carry a nonce and CSS cannot run script); images
  come from the app or ``data:`` URLs. Add a tile server with
  ``app.state.csp["img-src"].append("https://tiles.example.org")``.
* CSRF: a random token lives in the ``dragoman_csrf`` cookie (double submit). Every
  POST, PUT, PATCH or DELETE that is not authenticated by a bearer token must send it
  back, in the ``X-CSRF-Token`` header or in a ``csrf_token`` form field. Templates get
  it as ``request.state.csrf_token``.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

from ..pipeline import Workspace
from ..settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_COOKIE = "dragoman_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
READER = "reader"
ANALYST = "analyst"
ROLES = (READER, ANALYST)


# --- the workspace ----------------------------------------------------------------------------


class WorkspacePool:
    """One opened workspace per worker thread, all on the same home.

    Each thread gets its own SQLite connection, so readers run side by side (the store
    is in WAL mode) and every request sees what was committed before it began.
    ``reload()`` makes each thread reopen its workspace, re-reading desk and sources.
    """

    def __init__(self, home: Path, settings: Settings) -> None:
        self.home = home
        self.settings = settings
        self._local = threading.local()
        self._open: list[Workspace] = []
        self._lock = threading.Lock()
        self._generation = 0
        self.get()  # a home that is not a workspace fails now, not on the first request

    def get(self) -> Workspace:
        """The calling thread's workspace, opened on first use or after a reload."""
        ws: Workspace | None = getattr(self._local, "ws", None)
        if ws is not None and self._local.generation == self._generation:
            return ws
        if ws is not None:
            self._discard(ws)
        generation = self._generation
        ws = Workspace(self.home, self.settings)
        with self._lock:
            self._open.append(ws)
        self._local.ws, self._local.generation = ws, generation
        return ws

    def reload(self) -> None:
        """Have every thread reopen its workspace on its next request."""
        with self._lock:
            self._generation += 1

    def _discard(self, ws: Workspace) -> None:
        with self._lock:
            if ws in self._open:
                self._open.remove(ws)
        ws.close()

    def close(self) -> None:
        """Close every workspace the pool opened."""
        with self._lock:
            opened, self._open = self._open, []
            self._generation += 1
        for ws in opened:
            ws.close()


def workspace(request: Request) -> Workspace:
    """The workspace of this request's thread (a FastAPI dependency)."""
    pool: WorkspacePool = request.app.state.pool
    return pool.get()


# --- users ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    """Who is making a request: a name, a role, and how they proved it."""

    name: str
    role: str  # reader | analyst
    via: str  # open (loopback without accounts) | token | session

    @property
    def can_write(self) -> bool:
        return self.role == ANALYST


def auth_required(request: Request) -> bool:
    """Whether requests must authenticate: an access token is set or accounts exist."""
    if request.app.state.token:
        return True
    return workspace(request).store.has_users()


def current_user(request: Request) -> User | None:
    """The user making the request, or None when nobody is signed in and login is needed.

    A wrong bearer token is an error rather than an anonymous request.
    """
    from .auth import read_session

    cached = getattr(request.state, "user", None)
    if cached is not None:
        return cached
    token: str | None = request.app.state.token
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise HTTPException(401, "the Authorization header must be: Bearer <token>")
        if not token or not secrets.compare_digest(value.strip(), token):
            raise HTTPException(
                401, "the bearer token is not valid", headers={"WWW-Authenticate": "Bearer"}
            )
        user: User | None = User("token", ANALYST, "token")
    else:
        user = read_session(request)
        if user is None and not auth_required(request):
            user = User("local", ANALYST, "open")
    if user is not None:
        request.state.user = user
    return user


async def read_csrf(request: Request) -> str:
    """The CSRF token an unsafe request sent back (header or form field), '' when none."""
    sent = request.headers.get(CSRF_HEADER, "")
    kind = request.headers.get("content-type", "")
    if not sent and kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # Starlette keeps it, so form parameters still work
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else ""
    return sent


def verify_csrf(request: Request, sent: str) -> None:
    """Refuse a request whose CSRF token does not match its cookie."""
    expected = request.cookies.get(CSRF_COOKIE, "")
    if not expected or not sent or not secrets.compare_digest(sent, expected):
        raise HTTPException(
            403,
            "missing or wrong CSRF token: send the dragoman_csrf cookie's value in the "
            "X-CSRF-Token header or a csrf_token form field (or use a bearer token)",
        )


async def check_csrf(request: Request) -> None:
    """Refuse an unsafe request whose CSRF token does not match its cookie."""
    verify_csrf(request, await read_csrf(request))


def _authorize(request: Request, sent: str) -> User:
    user = current_user(request)
    if user is None:
        raise HTTPException(
            401,
            "sign in (POST /api/login) or send Authorization: Bearer <token>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if request.method not in SAFE_METHODS:
        if not user.can_write:
            raise HTTPException(
                403, f"user {user.name!r} has the {user.role} role; changes need the analyst role"
            )
        if user.via != "token":
            verify_csrf(request, sent)
    return user


async def authorize(request: Request) -> User:
    """Require a user allowed to make this request; unsafe methods need the analyst role.

    The store is read in a worker thread, so the event loop never waits on the database.
    """
    sent = await read_csrf(request) if request.method not in SAFE_METHODS else ""
    return await run_in_threadpool(_authorize, request, sent)


def csp_nonce(request: Request) -> str:
    """The nonce inline scripts of this response must carry."""
    return str(request.state.csp_nonce)


def csrf_token(request: Request) -> str:
    """The CSRF token forms and scripts of this response must send back."""
    return str(request.state.csrf_token)


# --- security headers -------------------------------------------------------------------------


def default_policy() -> dict[str, list[str]]:
    """The Content-Security-Policy directives; ``{nonce}`` is filled in per response."""
    return {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'nonce-{nonce}'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class SecurityMiddleware:
    """Adds the CSP (with a fresh nonce), nosniff, referrer and framing headers, and the
    CSRF cookie when the browser has none yet."""

    def __init__(self, app: Callable[..., Awaitable[None]], policy: dict[str, list[str]]) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        existing = _cookie(scope, CSRF_COOKIE)
        token = existing or secrets.token_urlsafe(32)
        state = scope.setdefault("state", {})
        state["csp_nonce"], state["csrf_token"] = nonce, token
        secure = scope.get("scheme") == "https"
        csp = "; ".join(
            f"{name} {' '.join(values)}" for name, values in self.policy.items()
        ).replace("{nonce}", nonce)

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                ]
                headers += [(k, v) for k, v in extra if k not in names]
                if not existing:
                    cookie = f"{CSRF_COOKIE}={token}; Path=/; SameSite=Strict"
                    headers.append(
                        (b"set-cookie", (cookie + ("; Secure" if secure else "")).encode())
                    )
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _cookie(scope: Scope, name: str) -> str:
    """The value of one cookie of the request, '' when absent or malformed."""
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if (
                    k == name
                    and v
                    and len(v) <= 100
                    and v.replace("-", "").replace("_", "").isalnum()
                ):
                    return v
    return ""
