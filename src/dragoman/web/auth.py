"""Accounts, passwords and sign-in sessions of the web app.

Passwords are hashed with Argon2id. A signed-in browser holds a ``dragoman_session``
cookie signed with a key kept in the workspace (so sessions survive a restart);
scripts send ``Authorization: Bearer <token>`` with the token ``dragoman serve`` was
given. What each role may do is decided in ``deps.authorize``.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from ..errors import DragomanError, MissingDependency
from ..pipeline import Workspace
from .deps import ANALYST, ROLES, User, check_csrf, current_user, workspace

SESSION_COOKIE = "dragoman_session"
SESSION_MAX_AGE = 12 * 3600  # seconds a sign-in lasts
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 8


def _hasher() -> Any:
    try:
        from argon2 import PasswordHasher
    except ImportError:  # pragma: no cover - a dependency of the web extra
        raise MissingDependency("argon2-cffi", "web") from None
    return PasswordHasher()


def hash_password(password: str) -> str:
    """An Argon2id hash of a password."""
    return str(_hasher().hash(password))


def verify_password(password_hash: str, password: str) -> bool:
    """Whether a password matches its stored hash."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


# --- accounts (used by `dragoman users`) ------------------------------------------------------


def add_user(ws: Workspace, name: str, role: str, password: str, replace: bool = False) -> None:
    """Create (or with ``replace`` update) a web account of a role."""
    if not _NAME.match(name):
        raise DragomanError(
            f"user name {name!r} must be 1-64 letters, digits, '.', '_', '@' or '-'"
        )
    if role not in ROLES:
        raise DragomanError(f"role {role!r} is not one of: {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise DragomanError(f"the password of {name!r} needs at least {MIN_PASSWORD} characters")
    if name in ("local", "token"):
        raise DragomanError(f"{name!r} is reserved for requests without an account")
    ws.store.add_user(name, role, hash_password(password), replace=replace)


def remove_user(ws: Workspace, name: str) -> None:
    """Delete a web account."""
    if not ws.store.remove_user(name):
        raise DragomanError(f"no user {name!r}; see: dragoman users list")


def list_users(ws: Workspace) -> list[dict]:
    """Every web account: name, role, created_at."""
    return ws.store.users()


def authenticate(ws: Workspace, name: str, password: str) -> User | None:
    """The user whose name and password these are, or None."""
    row = ws.store.user(name)
    if row is None:
        # hash anyway, so a wrong name takes as long as a wrong password
        verify_password(hash_password("not a password"), password)
        return None
    if not verify_password(row["password_hash"], password):
        return None
    return User(row["name"], row["role"], "session")


# --- sessions ---------------------------------------------------------------------------------


def _serializer(request: Request) -> URLSafeTimedSerializer:
    signer = getattr(request.app.state, "session_signer", None)
    if signer is None:
        key = workspace(request).store.web_secret("session")
        signer = URLSafeTimedSerializer(key, salt="dragoman-session")
        request.app.state.session_signer = signer
    return signer


def read_session(request: Request) -> User | None:
    """The account a valid session cookie names (its role read afresh), or None."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        data = _serializer(request).loads(cookie, max_age=SESSION_MAX_AGE)
    except BadSignature:
        return None
    name = data.get("user") if isinstance(data, dict) else None
    row = workspace(request).store.user(name) if isinstance(name, str) else None
    return User(row["name"], row["role"], "session") if row else None


def start_session(request: Request, response: Response, user: User) -> None:
    """Set the signed session cookie of a user on a response."""
    value = _serializer(request).dumps({"user": user.name})
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


# --- routes -----------------------------------------------------------------------------------

router = APIRouter(tags=["auth"])


class Login(BaseModel):
    username: str
    password: str


class Me(BaseModel):
    name: str | None
    role: str | None
    via: str | None
    login_required: bool
    csrf_token: str


def _safe_next(target: str) -> str:
    """Only same-site paths may be redirected to after signing in."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.post("/api/login", response_model=Me)
async def login(request: Request) -> Response:
    """Sign in with a name and password (JSON or a form; a form may give ``next``)."""
    await check_csrf(request)
    kind = request.headers.get("content-type", "")
    next_page = None
    if kind.startswith("application/json"):
        try:
            body = Login.model_validate(await request.json())
        except ValueError as exc:
            raise HTTPException(422, f"send JSON with username and password: {exc}") from None
    else:
        form = await request.form()
        name, password, target = form.get("username"), form.get("password"), form.get("next")
        if not isinstance(name, str) or not isinstance(password, str):
            raise HTTPException(422, "send the username and password fields")
        body = Login(username=name, password=password)
        next_page = _safe_next(target) if isinstance(target, str) and target else None
    # hashing takes a while and the store is read: keep both off the event loop
    user = await run_in_threadpool(_sign_in, request, body)
    if user is None:
        raise HTTPException(401, "wrong user name or password")
    response: Response
    if next_page is not None:
        response = RedirectResponse(next_page, status_code=303)
    else:
        me = Me(
            name=user.name,
            role=user.role,
            via=user.via,
            login_required=True,
            csrf_token=request.state.csrf_token,
        )
        response = JSONResponse(me.model_dump())
    await run_in_threadpool(start_session, request, response, user)
    return response


def _sign_in(request: Request, body: Login) -> User | None:
    return authenticate(workspace(request), body.username, body.password)


@router.post("/api/logout", status_code=204)
async def logout(request: Request) -> Response:
    """Sign out: the session cookie is cleared."""
    await check_csrf(request)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/api/me", response_model=Me)
def me(request: Request) -> Me:
    """Who the request is made by (nobody when login is needed) and the CSRF token."""
    from .deps import auth_required

    user = current_user(request)
    return Me(
        name=user.name if user else None,
        role=user.role if user else None,
        via=user.via if user else None,
        login_required=auth_required(request),
        csrf_token=request.state.csrf_token,
    )


__all__ = [
    "ANALYST",
    "add_user",
    "authenticate",
    "hash_password",
    "list_users",
    "read_session",
    "remove_user",
    "router",
    "start_session",
    "verify_password",
]
