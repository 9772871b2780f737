"""An analyst's alias also teaches recognition a name the model does not find on its own."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dragoman.desk.load import with_names
from dragoman.pipeline import Workspace, add_entity_alias, collect, process
from dragoman.records import Actor, Desk

ARTICLES = [
    {
        "id": "https://example.org/a1",
        "outlet": "tasnim",
        "published": "2019-08-04",
        "title": "Militia statement",
        "text": "Kataib Sayyid al-Shuhada said on Sunday that its fighters would stay in "
        "Albu Kamal. Later, a spokesman said the brigade of sayyid shuhada would hold the town.",
    }
]


def test_names_join_the_desk_as_aliases_or_small_actors() -> None:
    desk = Desk(id="d", title="d", actors=(Actor(id="irgc", name="IRGC", type="ORG"),))
    out = with_names(
        desk,
        [
            ("the Guards", "ORG", "irgc"),
            ("kss", "ORG", "org:kataib-sayyid-al-shuhada"),
            ("IRGC", "ORG", "org:other"),  # owned by the desk actor already: left to it
            ("", "ORG", "org:empty"),
        ],
    )
    irgc = next(a for a in out.actors if a.id == "irgc")
    assert irgc.aliases == ("the Guards",)
    added = next(a for a in out.actors if a.id == "org:kataib-sayyid-al-shuhada")
    assert added.name == "kss" and added.type == "ORG"
    assert {a.id for a in out.actors} == {"irgc", "org:kataib-sayyid-al-shuhada"}


@pytest.mark.slow
def test_an_alias_finds_a_name_the_model_missed_after_reprocessing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "articles.jsonl"
    source.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n", encoding="utf-8")
    from dragoman.desk import load_desk, load_sources

    ws = Workspace.in_memory(load_desk(), load_sources())
    try:
        collect(ws, [source])
        process(ws)
        ann = ws.store.annotations(ws.store.articles()[0].id)
        assert ann is not None
        alias = "sayyid shuhada"
        assert not any(alias in m.text for m in ann.mentions)  # the model does not see it
        group = next(
            m.entity_id for m in ann.mentions if m.text.startswith("Kataib Sayyid") and m.entity_id
        )
        add_entity_alias(ws, group, alias)
        process(ws, reprocess=True)
        ann = ws.store.annotations(ws.store.articles()[0].id)
        assert ann is not None
        found = [m for m in ann.mentions if alias in m.text]
        assert found and all(m.entity_id == group for m in found)
        assert ws.store.entity(group) is not None
        assert date(2019, 8, 4) == ws.store.articles()[0].published.date()
    finally:
        ws.close()
