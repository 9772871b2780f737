"""The workbench in headless Chromium: an analyst's round trip, and hostile reports that run
nothing. The app is served by uvicorn on a free loopback port over a copy of the demo
workspace with hostile reports collected into it; screenshots go to tests/artifacts/."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from test_pages import SOLEIMANI, make_hostile_home

from dragoman.browser import launch
from dragoman.browser import missing as browser_missing
from dragoman.web import create_app

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

missing = browser_missing()
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}"),
]


@pytest.fixture(scope="module")
def base_url(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over a private hostile copy of the demo workspace, under uvicorn in a thread."""
    import uvicorn

    home = make_hostile_home(demo_home, tmp_path_factory.mktemp("web-browser") / "ws")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(home), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch(pw)
        try:
            yield chromium
        finally:
            chromium.close()


class Tab:
    """A page that records dialogs and refuses (and records) any request off the app."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.dialogs: list[str] = []
        self.outside: list[str] = []

    def go(self, path: str) -> Any:
        self.page.goto(self.base + path)
        return self.page

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)

    def clean(self) -> None:
        """Nothing ran: no dialog, no injected global, nothing fetched from elsewhere."""
        assert self.page.evaluate("typeof window.__pwned") == "undefined"
        assert not self.dialogs and not self.outside, (self.dialogs, self.outside)


@pytest.fixture
def tab(browser: Any, base_url: str) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    t = Tab(page, base_url)

    def guard(route: Any) -> None:
        if route.request.url.startswith(base_url + "/"):
            route.continue_()
        else:
            t.outside.append(route.request.url)
            route.abort()

    def dialog(d: Any) -> None:
        t.dialogs.append(d.message)
        d.dismiss()

    page.route("**/*", guard)
    page.on("dialog", dialog)
    yield t
    context.close()


def test_search_albu_kamal_and_open_the_story(tab: Tab) -> None:
    from playwright.sync_api import expect

    page = tab.go("/")
    page.fill("input[name=q]", "Albu Kamal")
    page.press("input[name=q]", "Enter")
    expect(page.locator("#total")).to_contain_text("matching")
    expect(page.locator("article.hit mark").first).to_be_visible()
    expect(page.locator(".facet-outlet li").first).to_be_visible()
    tab.shot("search")
    page.get_by_role("link", name="Quds Force commander Qassem Soleimani visits Albu Kamal").click()
    expect(page.locator(f"a.ent[href='/entities/{SOLEIMANI}']").first).to_be_visible()
    tab.shot("article")
    page.locator("a[href^='/stories/']").first.click()
    expect(page.locator("#credibility")).to_contain_text("Credibility")
    assert page.locator("article.report").count() >= 3
    expect(page.locator("article.report .grade").first).to_be_visible()
    tab.shot("story")
    tab.clean()


def test_soleimani_entity_page(tab: Tab) -> None:
    from playwright.sync_api import expect

    page = tab.go(f"/entities/{SOLEIMANI}")
    expect(page.locator("h1")).to_have_text("Qasem Soleimani")
    expect(page.locator("svg.network")).to_be_visible()
    expect(page.locator("svg.timeline")).to_be_visible()
    assert page.locator("svg.network g.node").count() > 3
    tab.shot("entity")
    page.locator("svg.network a").first.click()  # a neighbour's own page
    expect(page.locator("h1")).not_to_have_text("Qasem Soleimani")
    tab.clean()


def test_merge_two_entities_and_see_it(tab: Tab) -> None:
    from playwright.sync_api import expect

    people = tab.page.request.get(f"{tab.base}/api/entities?type=PERSON&per_page=100").json()
    # an unnamed "Leader" the resolver left apart is the kind of entity an analyst merges
    ids = [e["id"] for e in people["items"] if e["id"].startswith("person:")]
    source = next((i for i in ids if i.startswith("person:leader")), ids[0])
    target = "ali-khamenei"
    page = tab.go(f"/entities/{target}")
    page.fill("#merge-source", source)
    page.click("#merge-form button[type=submit]")
    expect(page.locator(".notice")).to_contain_text("merged into this one")
    expect(page.locator("#merged-from")).to_contain_text(source)
    tab.shot("merged")
    tab.go(f"/entities/{quote(source, safe='')}")
    expect(page.locator("h1")).to_have_text("Not found")
    expect(page.locator("main")).to_contain_text("merged into")
    tab.clean()


def test_write_edit_publish_and_download_a_digest(tab: Tab) -> None:
    from playwright.sync_api import expect

    page = tab.go("/digests/new")
    page.fill("input[name=from]", "2019-07-25")
    page.fill("input[name=to]", "2019-08-07")
    page.click("#new-digest button[type=submit]")
    expect(page.locator("#publish-form")).to_be_visible(timeout=60_000)
    bullets = page.locator("div.bullet")
    first = bullets.nth(0).get_attribute("id")
    second = bullets.nth(1).get_attribute("id")
    bullets.nth(0).get_by_role("button", name="↓ Down").click()
    expect(page.locator("div.bullet").nth(0)).to_have_attribute("id", second or "")
    expect(page.locator("div.bullet").nth(1)).to_have_attribute("id", first or "")
    box = page.locator("div.bullet").nth(1).locator("textarea")
    box.fill("Soleimani toured the Albu Kamal crossing, sources said.")
    page.locator("div.bullet").nth(1).get_by_role("button", name="Save text").click()
    expect(page.locator(".notice")).to_contain_text("saved")
    moved = page.locator("div.bullet").nth(1)
    expect(moved.locator("textarea")).to_have_value(
        "Soleimani toured the Albu Kamal crossing, sources said."
    )
    expect(moved.locator(".cites a").first).to_be_visible()  # the sources stayed
    tab.shot("digest-editor")
    page.click("#publish-form button")
    expect(page.locator("#status")).to_have_text("published")
    assert page.locator("textarea").count() == 0
    with page.expect_download() as info:
        page.click("#download-pdf")
    pdf = Path(info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    tab.shot("digest-published")
    tab.go("/digests")
    expect(page.locator("#digests")).to_contain_text("published")
    tab.clean()


def test_map_page_points_link_to_places(tab: Tab) -> None:
    from playwright.sync_api import expect

    page = tab.go("/map?from=2019-07-25&to=2019-08-07")
    expect(page.locator("svg.map")).to_be_visible()
    assert page.locator("svg.map circle").count() >= 5
    tab.shot("map")
    tab.clean()


def test_hostile_reports_run_nothing(tab: Tab) -> None:
    from playwright.sync_api import expect

    page = tab.go("/?q=pwned")
    expect(page.locator("#total")).to_contain_text("matching")
    assert page.locator("article.hit").count() >= 2
    expect(page.locator("article.hit h3").first).to_contain_text("<")  # shown as text
    tab.shot("hostile-search")
    tab.clean()
    hrefs = page.locator("article.hit h3 a").evaluate_all("links => links.map(a => a.href)")
    for href in [*hrefs, f"{tab.base}/articles/evil-js"]:
        page.goto(href)
        page.mouse.move(200, 300)  # hover handlers, if any had survived, would fire here
        page.locator("a[href^='/stories/']").first.click()
        expect(page.locator("#credibility")).to_be_visible()
        tab.clean()
    page.goto(f"{tab.base}/articles/evil-js")
    expect(page.locator("#article-text")).to_contain_text("<img src=x onerror=alert(1)>")
    tab.shot("hostile-article")
    tab.clean()
