"""The HTML digest as a reader sees it in headless Chromium, and the provenance it shows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from digest_corpus import make_corpus
from test_svgmap import add_place, with_places

from dragoman.browser import launch, missing
from dragoman.digest import render
from dragoman.digest.cite import citation_groups
from dragoman.records import Bullet, Citation, Digest, EntityLink, Place, SentenceRef

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

browser_missing = missing()
skip_without_browser = pytest.mark.skipif(
    bool(browser_missing), reason=f"needs {', '.join(browser_missing)}"
)

PWN = "window.__pwned = (window.__pwned || 0) + 1"


def hostile(digest: Digest) -> Digest:
    """The digest with attacks in every text the page prints: names, outlets, ids, URLs."""
    name = f'Kamal"><img src=x onerror="{PWN}"><script>{PWN}</script>'
    link = EntityLink(
        id=f'loc:"><svg onload="{PWN}">',
        name=name,
        type="LOC",
        place=Place(name, 34.2, 42.5, "IQ"),
    )
    digest = add_place(digest, link)
    section = digest.sections[-1]  # the Channel 12 bullet, already full of markup
    bullet = section.bullets[-1]
    bad = Citation(
        outlet=f"<script>{PWN}</script>Evil News",
        date=bullet.citations[0].date,
        article_id=bullet.sentences[0].article_id,
        url=f"javascript:{PWN}",
    )
    bullet = bullet.replace(citations=(bad, *bullet.citations[1:]))
    sections = (*digest.sections[:-1], section.replace(bullets=(*section.bullets[:-1], bullet)))
    return digest.replace(title=f"Spotlight on Iran <script>{PWN}</script>", sections=sections)


def story(digest: Digest, story_id: str) -> Bullet:
    """The section bullet of a story."""
    return next(b for s in digest.sections for b in s.bullets if b.story_id == story_id)


def note_text(bullet: Bullet, ref: SentenceRef) -> str:
    """What the provenance note of a sentence should say."""
    cited = next(c for c in bullet.citations if c.article_id == ref.article_id)
    assert cited.date is not None and cited.url
    when = f"{cited.date:%B} {cited.date.day}, {cited.date.year}"
    text = (
        f"Source: {cited.outlet}, {when}; article {ref.article_id}, "
        f"characters {ref.start}–{ref.end}; open the article"
    )
    # A sentence the writer condensed quotes the article's own words too.
    return text if shown(ref) == ref.text else f"{text}The article reads: “{ref.text}”"


def shown(ref: SentenceRef) -> str:
    return str(getattr(ref, "shown", ref.text))


def page_file(folder: Path, digest: Digest) -> Path:
    path = folder / "digest.html"
    page = render(digest, "html")
    assert isinstance(page, str)
    path.write_text(page, encoding="utf-8")
    return path


# Markup-level checks of what the browser tests rely on (fast, no browser).


def test_each_sentence_carries_a_provenance_note() -> None:
    digest = with_places(make_corpus().digest())
    page = render(digest, "html")
    refs = [r for s in digest.sections for b in s.bullets for r in b.sentences]
    refs += [r for b in digest.overview for r in b.sentences]
    assert page.count('class="prov-note"') == len(refs)
    assert page.count('class="sent" tabindex="0"') == len(refs)
    # The IRNA sentence names its outlet, full date, article, span and link.
    irna = story(digest, "s2")
    ref = irna.sentences[0]
    assert ref.article_id in ("a4", "a5")
    day = 29 if ref.article_id == "a4" else 30
    assert (
        f'<span class="prov-outlet">IRNA</span>, <span class="prov-date">July {day}, 2019</span>; '
        f'article <code class="prov-article">{ref.article_id}</code>, characters <span '
        f'class="prov-span">{ref.start}–{ref.end}</span>; <a class="prov-link" '
        f'href="https://irna.example/{ref.article_id}"'
    ) in page
    # The Channel 12 article's URL is javascript:, so its note has no link.
    note = page[page.index('<code class="prov-article">a7</code>') :]
    note = note[: note.index("</span></span>")]
    assert "characters" in note and "prov-link" not in note and "javascript" not in note


def test_print_variant_leaves_the_notes_out() -> None:
    page = render(make_corpus().digest(), "html")
    from dragoman.digest.render.html import render as html_render

    printed = html_render(make_corpus().digest(), for_print=True)
    assert "prov-note" in page and 'class="prov-note"' not in printed
    assert "tabindex" not in printed
    assert '<span class="sent" data-article="a1"' in printed


# In the browser.


class Session:
    """One page load: requests the page made beyond itself, and dialogs it opened."""

    def __init__(self, page: Any, url: str) -> None:
        self.page = page
        self.url = url
        self.requests: list[str] = []
        self.dialogs: list[str] = []


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if browser_missing:
        pytest.skip(f"needs {', '.join(browser_missing)}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch(pw)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def placed() -> Digest:
    return with_places(make_corpus().digest())


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, placed: Digest) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("html")
    (folder / "bad").mkdir()
    return {
        "plain": page_file(folder, placed),
        "hostile": page_file(folder / "bad", hostile(placed)),
    }


def open_page(browser: Any, path: Path, javascript: bool = True) -> Iterator[Session]:
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1000, "height": 900}
    )
    page = context.new_page()
    session = Session(page, path.as_uri())

    def guard(route: Any) -> None:
        # Anything beyond the page itself is blocked here and counted below.
        route.continue_() if route.request.url == session.url else route.abort()

    context.route("**/*", guard)
    page.on("request", lambda r: r.url != session.url and session.requests.append(r.url))
    page.on("dialog", lambda d: (session.dialogs.append(d.message), d.dismiss()))
    page.goto(session.url, wait_until="load")
    page.wait_for_timeout(150)  # let anything that would run late, run
    yield session
    context.close()


@pytest.fixture
def plain(browser: Any, pages: dict[str, Path]) -> Iterator[Session]:
    yield from open_page(browser, pages["plain"])


def _visible(session: Session, digest: Digest) -> None:
    from playwright.sync_api import expect

    page = session.page
    expect(page.get_by_role("heading", level=1, name="Spotlight on Iran")).to_be_visible()
    expect(page.get_by_text("July 28 – August 11, 2019")).to_be_visible()
    for heading in (
        "Overview",
        *(s.title for s in digest.sections),
        "Map of the period's places",
        "Index of people, organisations and places",
        "Timeline",
    ):
        expect(page.get_by_role("heading", level=2, name=heading, exact=True)).to_be_visible()
    assert [s.title for s in digest.sections][:3] == [
        "Iranian Involvement in Syria",
        "Iranian Involvement in Iraq",
        "Iranian Involvement in the Palestinian Arena",
    ]
    bullets = page.locator("section.arena li")
    assert bullets.count() == sum(len(s.bullets) for s in digest.sections) >= 3
    for i in range(bullets.count()):
        expect(bullets.nth(i)).to_be_visible()
    # Each bullet shows its number, its sentences and each of its citations.
    for i, section in enumerate(digest.sections, start=1):
        for j, bullet in enumerate(section.bullets, start=1):
            item = page.locator(f"#{bullet.anchor}")
            expect(item.locator(".num")).to_have_text(f"{i}.{j}")
            for ref in bullet.sentences:
                expect(item).to_contain_text(" ".join(shown(ref).split()[:8]))
            cite = item.locator(".cite")
            expect(cite).to_be_visible()
            for group in citation_groups(bullet.citations, digest.period_from, digest.period_to):
                expect(cite).to_contain_text(group.label)
    expect(page.locator("#story-s1 .cite")).to_have_text(
        "(the Turkish Anadolu Agency, July 27; DeirEzzor24, July 29)"
    )
    expect(page.locator("#story-s3 em.assessment")).to_be_visible()
    # The map shows its points and their labels.
    expect(page.locator("svg.map")).to_be_visible()
    expect(page.locator("svg.map circle")).to_have_count(5)
    expect(page.locator("svg.map text.place-label", has_text="Baghdad")).to_have_count(2)
    # Notes wait for a click.
    assert page.locator(".prov-note:visible").count() == 0


@pytest.mark.browser
@skip_without_browser
def test_page_reads_as_a_bulletin_and_loads_nothing(plain: Session, placed: Digest) -> None:
    _visible(plain, placed)
    assert plain.requests == [] and plain.dialogs == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "digest.png"
    plain.page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000


@pytest.mark.browser
@skip_without_browser
def test_clicking_a_sentence_shows_its_provenance(plain: Session, placed: Digest) -> None:
    from playwright.sync_api import expect

    page = plain.page
    bullet = story(placed, "s2")
    ref = bullet.sentences[0]
    sentence = page.locator(f"#{bullet.anchor} .sent").first
    note = sentence.locator(".prov-note")
    expect(note).to_be_hidden()
    # Hovering shows the article and span in the sentence's tooltip.
    expect(sentence).to_have_attribute(
        "title", f"article {ref.article_id} chars {ref.start}–{ref.end}"
    )
    sentence.click(timeout=3000)
    expect(note).to_be_visible()
    expect(note).to_have_text(note_text(bullet, ref))
    expect(note.locator("a")).to_have_attribute("href", f"https://irna.example/{ref.article_id}")
    # Another sentence's click moves the note there; only one is open at a time.
    first = story(placed, "s1")
    other = page.locator(f"#{first.anchor} .sent").first
    other.click(timeout=3000)
    expect(note).to_be_hidden()
    expect(other.locator(".prov-note")).to_have_text(note_text(first, first.sentences[0]))
    assert page.locator(".prov-note:visible").count() == 1
    # Keyboard readers reach the same note with Tab.
    page.locator("body").click(position={"x": 2, "y": 2})
    assert page.locator(".prov-note:visible").count() == 0
    page.keyboard.press("Tab")
    expect(page.locator(".prov-note:visible")).to_have_count(1)
    assert plain.requests == []


@pytest.mark.browser
@skip_without_browser
def test_page_reads_and_shows_provenance_without_javascript(
    browser: Any, pages: dict[str, Path], placed: Digest
) -> None:
    from playwright.sync_api import expect

    for session in open_page(browser, pages["plain"], javascript=False):
        _visible(session, placed)
        bullet = story(placed, "s1")
        sentence = session.page.locator(f"#{bullet.anchor} .sent").last
        sentence.click(timeout=3000)
        expect(sentence.locator(".prov-note")).to_have_text(note_text(bullet, bullet.sentences[-1]))
        assert session.requests == []


@pytest.mark.browser
@skip_without_browser
def test_hostile_text_runs_nothing(browser: Any, pages: dict[str, Path]) -> None:
    from playwright.sync_api import expect

    for session in open_page(browser, pages["hostile"]):
        page = session.page
        # Click every sentence and every link that leads nowhere outside the page.
        for sentence in page.locator(".sent").all():
            sentence.click(timeout=3000)
        for circle in page.locator("svg.map circle").all():
            circle.hover()
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert session.dialogs == [] and session.requests == []
        assert page.locator("script, img, iframe, object, embed").count() == 0
        assert page.locator("svg.map svg, [onload], [onerror]").count() == 0
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert hrefs and all(h.startswith(("#", "https://")) for h in hrefs)
        # The attack is shown to the reader as text.
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Spotlight on Iran <script>{PWN}</script>"
        )
        expect(page.locator("#story-s3")).to_contain_text("<script>alert(1)</script>")
        expect(page.locator("#story-s3 .cite")).to_contain_text("Evil News")
        label = page.locator("svg.map text.place-label").filter(has_text="onerror")
        expect(label.first).to_be_attached()
