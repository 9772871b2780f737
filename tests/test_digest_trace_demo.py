"""Every bullet of the demo bulletin traces back to its story's articles, word for word."""

import pytest

from dragoman.digest.trace import trace
from dragoman.pipeline import DEMO_PERIOD, demo, make_digest, open_workspace

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-trace")
    demo(out, formats=("json",))
    with open_workspace(out / "workspace") as ws:
        digest = make_digest(ws, *DEMO_PERIOD)
        stories = {s.id: s for s in ws.store.stories()}
        ids = {aid for s in stories.values() for aid in s.article_ids}
        articles = {aid: a for aid in ids if (a := ws.store.get_article(aid)) is not None}
        yield digest, stories, articles, ws.outlets


def test_every_demo_bullet_traces(written):
    digest, stories, articles, outlets = written
    bullets = [*digest.overview, *(b for s in digest.sections for b in s.bullets)]
    assert len(bullets) >= 10
    problems = [p for b in bullets for p in trace(b, articles, stories[b.story_id], outlets)]
    assert problems == []


def test_demo_bullets_are_short_compressed_and_attributed(written):
    digest, _, _, _ = written
    full = [b for s in digest.sections for b in s.bullets]
    assert all(2 <= len(b.sentences) <= 5 for b in full)
    assert 3 <= len(digest.overview) <= 6
    refs = [r for b in full for r in b.sentences]
    # Some sentences were compressed, and each compression is recorded.
    assert any(r.written for r in refs)
    kinds = {rep.kind for r in refs for rep in r.replacements}
    assert {"attribution", "name"} <= kinds
    texts = {b.story_id: b.text for b in full}
    # The Soleimani story comes from Syrian and Turkish outlets and says so.
    assert any(
        t.startswith(("Syrian and Turkish", "Turkish, Syrian", "Turkish and Syrian"))
        for t in texts.values()
    )
    # Iranian outlets reporting Iran's own officials get no attribution prefix.
    mehr = [b for b in full if all(c.outlet == "Mehr" for c in b.citations)]
    assert mehr and not mehr[0].text.startswith("According to")
