"""Access to the web app: loopback without login, tokens, accounts and roles, CSRF, headers,
`dragoman serve` refusing to be exposed, and live collection."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dragoman.cli import app as cli
from dragoman.errors import DragomanError
from dragoman.pipeline import Workspace
from dragoman.web import create_app
from dragoman.web.auth import add_user, authenticate, verify_password
from dragoman.web.live import parse_duration
from dragoman.web.serve import check_exposure, is_loopback

DATA = Path(__file__).resolve().parents[1] / "data" / "web"
TOKEN = "s3cret-token-for-tests"
runner = CliRunner()


def with_csrf(c: TestClient) -> TestClient:
    c.get("/api/me")
    c.headers["X-CSRF-Token"] = c.cookies["dragoman_csrf"]
    return c


def make_users(home: Path) -> None:
    with Workspace(home) as ws:
        add_user(ws, "rita", "reader", "reader-password")
        add_user(ws, "anna", "analyst", "analyst-password")


# --- open on loopback -------------------------------------------------------------------------


def test_loopback_without_accounts_needs_no_login_but_needs_csrf(empty_home: Path) -> None:
    with TestClient(create_app(empty_home)) as c:
        me = c.get("/api/me").json()
        assert me["name"] == "local" and me["role"] == "analyst" and not me["login_required"]
        assert c.get("/api/sources").status_code == 200
        # a cross-site form cannot know the token: unsafe requests without it are refused
        r = c.patch("/api/sources/tasnim", json={"reliability": "D"})
        assert r.status_code == 403 and "CSRF" in r.json()["detail"]
        r = c.patch(
            "/api/sources/tasnim", json={"reliability": "D"}, headers={"X-CSRF-Token": "guess"}
        )
        assert r.status_code == 403
        r = c.patch(
            "/api/sources/tasnim",
            json={"reliability": "D"},
            headers={"X-CSRF-Token": c.cookies["dragoman_csrf"]},
        )
        assert r.status_code == 200 and r.json()["reliability"] == "D"


def test_security_headers_and_fresh_nonces(empty_home: Path) -> None:
    with TestClient(create_app(empty_home)) as c:
        one, two = c.get("/api/sources"), c.get("/api/me")
        for r in (one, two):
            csp = r.headers["content-security-policy"]
            assert (
                "script-src 'self' 'nonce-" in csp
                and "'unsafe-inline'" not in csp.split("style-src")[0]
            )
            assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
            assert r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["referrer-policy"] == "same-origin"
        assert one.headers["content-security-policy"] != two.headers["content-security-policy"]
        assert "set-cookie" in one.headers and "SameSite=Strict" in one.headers["set-cookie"]
        assert "set-cookie" not in two.headers  # the browser kept the CSRF cookie


# --- access token -----------------------------------------------------------------------------


def test_token_guards_every_request(empty_home: Path) -> None:
    with TestClient(create_app(empty_home, token=TOKEN)) as c:
        r = c.get("/api/sources")
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert c.get("/api/sources", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/api/sources", headers={"Authorization": "Basic abc"}).status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert c.get("/api/sources", headers=auth).status_code == 200
        # bearer requests are not cookie-borne, so they need no CSRF token
        r = c.patch("/api/sources/tasnim", json={"reliability": "B"}, headers=auth)
        assert r.status_code == 200
        assert c.get("/api/me", headers=auth).json()["name"] == "token"
        assert c.get("/openapi.json").status_code == 200


def test_empty_token_is_refused(empty_home: Path) -> None:
    with pytest.raises(DragomanError, match="empty"):
        create_app(empty_home, token="  ")


# --- accounts, roles, sessions ----------------------------------------------------------------


def test_passwords_are_hashed_with_argon2(empty_home: Path) -> None:
    make_users(empty_home)
    with Workspace(empty_home) as ws:
        row = ws.store.user("anna")
        assert row["password_hash"].startswith("$argon2id$")
        assert "analyst-password" not in row["password_hash"]
        assert verify_password(row["password_hash"], "analyst-password")
        assert authenticate(ws, "anna", "wrong-password") is None
        assert authenticate(ws, "nobody", "analyst-password") is None
        with pytest.raises(DragomanError, match="role"):
            add_user(ws, "bob", "admin", "long-enough")
        with pytest.raises(DragomanError, match="at least"):
            add_user(ws, "bob", "reader", "short")
        with pytest.raises(DragomanError, match="already exists"):
            add_user(ws, "anna", "reader", "another-password")


def test_reader_reads_analyst_writes(empty_home: Path) -> None:
    make_users(empty_home)
    with TestClient(create_app(empty_home)) as c:
        with_csrf(c)
        assert c.get("/api/me").json()["login_required"]
        assert c.get("/api/sources").status_code == 401
        bad = c.post("/api/login", json={"username": "rita", "password": "nope-nope"})
        assert bad.status_code == 401 and "wrong" in bad.json()["detail"]
        r = c.post("/api/login", json={"username": "rita", "password": "reader-password"})
        assert r.status_code == 200 and r.json()["role"] == "reader"
        assert "httponly" in r.headers["set-cookie"].lower()
        assert c.get("/api/sources").status_code == 200
        r = c.patch("/api/sources/tasnim", json={"reliability": "A"})
        assert r.status_code == 403 and "analyst" in r.json()["detail"]
        r = c.post("/api/digests", json={"from": "2019-08-01", "to": "2019-08-02"})
        assert r.status_code == 403

        assert c.post("/api/logout").status_code == 204
        c.cookies.delete("dragoman_session")
        assert c.get("/api/sources").status_code == 401

        assert (
            c.post(
                "/api/login", json={"username": "anna", "password": "analyst-password"}
            ).status_code
            == 200
        )
        r = c.patch("/api/sources/tasnim", json={"reliability": "A"})
        assert r.status_code == 200
        # the session cookie alone is not enough for a change: the CSRF token must come too
        r = c.patch("/api/sources/tasnim", json={"reliability": "B"}, headers={"X-CSRF-Token": ""})
        assert r.status_code == 403


def test_cookie_forms_need_the_csrf_field(empty_home: Path) -> None:
    make_users(empty_home)
    with TestClient(create_app(empty_home), follow_redirects=False) as c:
        c.get("/api/me")
        token = c.cookies["dragoman_csrf"]
        form = {"username": "anna", "password": "analyst-password", "next": "/stories"}
        assert c.post("/api/login", data=form).status_code == 403  # no csrf_token field
        r = c.post("/api/login", data={**form, "csrf_token": token})
        assert r.status_code == 303 and r.headers["location"] == "/stories"
        evil = c.post("/api/login", data={**form, "next": "//evil.example", "csrf_token": token})
        assert evil.headers["location"] == "/"
        assert c.post("/api/logout").status_code == 403
        assert c.post("/api/logout", data={"csrf_token": token}).status_code == 204


def test_forged_session_cookie_is_ignored(empty_home: Path) -> None:
    make_users(empty_home)
    with TestClient(create_app(empty_home)) as c:
        c.cookies.set("dragoman_session", "eyJ1c2VyIjoiYW5uYSJ9.forged.sig")
        assert c.get("/api/sources").status_code == 401


def test_removed_user_loses_access(empty_home: Path) -> None:
    make_users(empty_home)
    with TestClient(create_app(empty_home)) as c:
        with_csrf(c)
        c.post("/api/login", json={"username": "anna", "password": "analyst-password"})
        assert c.get("/api/sources").status_code == 200
        result = runner.invoke(cli, ["users", "remove", "anna", "--home", str(empty_home)])
        assert result.exit_code == 0
        assert c.get("/api/sources").status_code == 401


# --- the command line -------------------------------------------------------------------------


def test_users_commands(empty_home: Path) -> None:
    home = str(empty_home)
    r = runner.invoke(
        cli,
        ["users", "add", "carl", "--role", "analyst", "--password-stdin", "--home", home],
        input="carl-password\n",
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        cli,
        ["users", "add", "dora", "--role", "boss", "--password-stdin", "--home", home],
        input="dora-password\n",
    )
    assert r.exit_code == 1 and "role" in r.output
    listed = runner.invoke(cli, ["users", "list", "--home", home])
    assert "carl" in listed.output and "analyst" in listed.output
    r = runner.invoke(cli, ["users", "remove", "nobody", "--home", home])
    assert r.exit_code == 1 and "no user" in r.output


def test_serve_refuses_exposure_without_token_or_accounts(empty_home: Path) -> None:
    r = runner.invoke(cli, ["serve", "--host", "0.0.0.0", "--home", str(empty_home)])
    assert r.exit_code == 1 and "refusing" in r.output and "--token" in r.output
    r = runner.invoke(cli, ["serve", "--collect-every", "soon", "--home", str(empty_home)])
    assert r.exit_code == 1 and "duration" in r.output
    check_exposure(empty_home, "127.0.0.1", None)
    check_exposure(empty_home, "0.0.0.0", TOKEN)
    with pytest.raises(DragomanError, match="refusing"):
        check_exposure(empty_home, "192.168.1.10", None)
    make_users(empty_home)
    check_exposure(empty_home, "0.0.0.0", None)


@pytest.mark.parametrize(
    "host, loopback",
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.5", False),
        ("example.org", False),
    ],
)
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    "text, seconds",
    [("90s", 90), ("15m", 900), ("1h", 3600), ("1h30m", 5400), ("45", 45), ("0.5s", 0.5)],
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "15x", "0s", "m15", "1h-5m"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(DragomanError):
        parse_duration(text)


# --- live collection --------------------------------------------------------------------------


@pytest.mark.slow
def test_background_collection_picks_up_a_dropped_file(empty_home: Path, tmp_path: Path) -> None:
    watched = tmp_path / "drop"
    watched.mkdir()
    app = create_app(empty_home, collect_every=0.2, watch=[watched], feeds=False)
    with TestClient(app) as c:
        assert c.get("/api/articles").json()["total"] == 0
        shutil.copy(DATA / "dropped.jsonl", watched / "dropped.jsonl")
        deadline = time.monotonic() + 90
        found: dict = {}
        while time.monotonic() < deadline:
            found = c.get("/api/articles", params={"q": "Albu Kamal"}).json()
            if (
                found["total"]
                and c.get(f"/api/articles/{found['items'][0]['id']}").json()["processed"]
            ):
                break
            time.sleep(0.2)
        assert found["total"] == 1, "the dropped article was not collected"
        art = c.get(f"/api/articles/{found['items'][0]['id']}").json()
        assert art["processed"] and art["story_id"]
        status = c.get("/api/status").json()
        assert status["collector_runs"] >= 1 and status["collecting_every"] == 0.2
    assert app.state.collector.runs >= 1


def test_a_failing_round_is_logged_not_raised(empty_home: Path) -> None:
    from dragoman.settings import Settings
    from dragoman.web.live import BackgroundCollector

    broken = BackgroundCollector(empty_home / "missing", Settings(), 60, feeds=False)
    report = broken.run_once()
    assert report.errors and "not a dragoman workspace" in report.errors[0]
