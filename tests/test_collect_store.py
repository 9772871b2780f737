"""Collecting into a workspace: idempotence and reprints, without the NLP stages."""

import json

from dragoman.pipeline import Workspace, collect, init_workspace

TEXT = (
    "Iran and Iraq signed an agreement in Baghdad to expand economic cooperation, Iran's trade "
    "attache in Baghdad told reporters on Monday, adding that joint investment funds would follow."
)


def write(path, docs):
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


def test_exact_and_near_reprints_are_linked_and_recollecting_is_safe(tmp_path):
    ws = Workspace(init_workspace(tmp_path / "ws"))
    docs = [
        {
            "outlet": "ifpnews",
            "published": "2019-07-30T10:00:00+00:00",
            "title": "Deal",
            "url": "https://ifpnews.com/deal",
            "text": TEXT,
        },
        {
            "outlet": "irna",
            "published": "2019-07-29T10:00:00+00:00",
            "title": "Deal",
            "url": "https://www.irna.ir/news/1",
            "text": TEXT,
        },
        {
            "outlet": "irna",
            "published": "2019-07-29T11:00:00+00:00",
            "title": "Same text, new URL",
            "url": "https://www.irna.ir/news/1-copy",
            "text": TEXT,
        },
    ]
    report = collect(ws, [write(tmp_path / "a.jsonl", docs)])
    assert (report.new, report.duplicates, report.seen) == (2, 1, 1)
    arts = {a.outlet_id: a for a in ws.store.articles()}
    # The reprint was read first, but the earlier publication is the original.
    assert arts["irna"].duplicate_of is None
    assert arts["ifpnews"].duplicate_of == arts["irna"].id
    again = collect(ws, [tmp_path / "a.jsonl"])
    assert (again.new, again.seen) == (0, 3)
    assert ws.store.counts()["articles"] == 2
    ws.close()
