"""The ``dragoman extract`` and ``dragoman geocode`` JSONL contracts (one JSON object a line, in and out)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from itertools import islice
from typing import Any

from ..errors import ItemError
from ..records import Annotated, Article, Entity, Mention, Place
from .annotate import Extractor
from .names import slugify
from .places import Gazetteer

BATCH = 32


def _parse(number: int, line: str) -> dict[str, Any]:
    """The JSON object on one line, or an ItemError naming the line."""
    try:
        doc = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ItemError(
            f"line {number}", f"not valid JSON ({exc.msg} at column {exc.colno})"
        ) from None
    if not isinstance(doc, dict):
        raise ItemError(f"line {number}", f"expected a JSON object, got {type(doc).__name__}")
    return doc


def _doc_id(doc: dict[str, Any]) -> Any:
    value = doc.get("id")
    return value if isinstance(value, str | int) and not isinstance(value, bool) else None


def _published(number: int, value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ItemError(
            f"line {number}", f"published must be an ISO date string, got {type(value).__name__}"
        )
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        try:
            day = date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise ItemError(f"line {number}", f"published is not an ISO date: {value!r}") from None
        return datetime(day.year, day.month, day.day)


def _article(number: int, doc: dict[str, Any], extractor: Extractor) -> Article:
    doc_id = _doc_id(doc)
    if doc_id is None:
        raise ItemError(f"line {number}", 'missing "id" (a string or number)')
    text = doc.get("text")
    if not isinstance(text, str):
        raise ItemError(f"line {number}", f'document {doc_id}: missing "text" (a string)')
    outlet = doc.get("outlet")
    outlet_id = ""
    if isinstance(outlet, str) and outlet.strip():
        # an outlet may be given by id or by any of its names
        outlet_id = extractor.resolver.outlet_id(outlet.strip()) or outlet.strip()
    title = doc.get("title")
    return Article(
        id=str(doc_id),
        outlet_id=outlet_id,
        url=str(doc.get("url") or ""),
        published=_published(number, doc.get("published")),
        title=title if isinstance(title, str) else "",
        text=text,
    )


def extract_jsonl(
    lines: Iterable[str], extractor: Extractor, on_error: Callable[[str], None]
) -> Iterator[dict]:
    """One output object per non-blank input line, in order; a bad line gives ``{"id", "error"}``."""
    numbered = ((n, line) for n, line in enumerate(lines, 1) if line.strip())
    while True:
        chunk = list(islice(numbered, BATCH))
        if not chunk:
            return
        prepared: list[tuple[Any, Article | ItemError]] = []
        for number, line in chunk:
            doc: dict[str, Any] = {}
            try:
                doc = _parse(number, line)
                prepared.append((_doc_id(doc), _article(number, doc, extractor)))
            except ItemError as exc:
                prepared.append((_doc_id(doc), exc))
        articles = [a for _, a in prepared if isinstance(a, Article)]
        results = iter(extractor.results(articles, batch_size=BATCH))
        for (doc_id, item), number in zip(prepared, (n for n, _ in chunk)):
            if isinstance(item, ItemError):
                on_error(str(item))
                yield {"id": doc_id, "error": item.reason}
                continue
            result = next(results)
            if isinstance(result, ItemError):
                on_error(f"line {number}: {result.reason}")
                yield {"id": doc_id, "error": result.reason}
                continue
            yield annotated_to_json(result, doc_id)


def _geo(place: Place | None) -> dict[str, Any] | None:
    if place is None or place.lat is None or place.lon is None:
        return None
    geo: dict[str, Any] = {
        "name": place.name,
        "lat": place.lat,
        "lon": place.lon,
        "country": place.country or None,
    }
    if place.geonames_id is not None:
        geo["geonames_id"] = place.geonames_id
    return geo


def _entity_json(m: Mention, entity: Entity | None, value: date | None) -> dict[str, Any]:
    if entity is not None:
        return {"id": entity.id, "name": entity.name, "type": entity.type}
    if m.label == "DATE" and value is not None:
        return {"id": f"date:{value.isoformat()}", "name": value.isoformat(), "type": "DATE"}
    return {"id": f"{m.label.lower()}:{slugify(m.text)}", "name": m.text, "type": m.label}


def annotated_to_json(annotated: Annotated, doc_id: Any = None) -> dict[str, Any]:
    """The ``dragoman extract`` output object for one annotated article."""
    entities = {e.id: e for e in annotated.entities}
    date_values = {(d.start, d.end): d.value for d in annotated.dates}
    out_entities = []
    for m in annotated.mentions:
        if m.label == "ROLE":
            continue  # roles travel on the person they belong to
        entity = entities.get(m.entity_id or "")
        value = date_values.get((m.start, m.end))
        item: dict[str, Any] = {
            "start": m.start,
            "end": m.end,
            "text": m.text,
            "label": m.label,
            "entity": _entity_json(m, entity, value),
            "source": m.source,
        }
        geo = _geo(entity.place) if entity is not None else None
        if geo:
            item["geo"] = geo
        if m.role:
            item["role"] = m.role
        if m.label == "DATE" and value is not None:
            item["value"] = value.isoformat()
        out_entities.append(item)
    out_events = []
    for ev in annotated.events:
        event: dict[str, Any] = {"type": ev.type}
        if ev.cameo:
            event["cameo"] = ev.cameo
        event["mode"] = ev.mode
        event["actor"] = [_arg(a.text, a.entity_id, a.country) for a in ev.actors]
        event["target"] = [_arg(a.text, a.entity_id, a.country) for a in ev.targets]
        if ev.place:
            place_entity = entities.get(ev.place)
            event["place"] = place_entity.name if place_entity else ev.place
            event["place_id"] = ev.place
        if ev.date:
            event["date"] = ev.date.isoformat()
        event["start"], event["end"] = ev.start, ev.end
        event["trigger"] = ev.trigger
        if ev.reported_by:
            event["reported_by"] = ev.reported_by
        out_events.append(event)
    return {
        "id": doc_id if doc_id is not None else annotated.article.id,
        "entities": out_entities,
        "events": out_events,
    }


def _arg(text: str, entity_id: str | None, country: str | None) -> dict[str, Any]:
    arg: dict[str, Any] = {"text": text}
    if entity_id:
        arg["entity_id"] = entity_id
    if country:
        arg["country"] = country
    return arg


def _spans(number: int, doc: dict[str, Any], text: str) -> list[tuple[int, int]]:
    spans = doc.get("spans")
    if not isinstance(spans, list):
        raise ItemError(f"line {number}", 'missing "spans" (a list of [start, end] pairs)')
    found = []
    for k, span in enumerate(spans):
        ok = (
            isinstance(span, list | tuple)
            and len(span) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in span)
        )
        if not ok or not (0 <= span[0] < span[1] <= len(text)):
            raise ItemError(
                f"line {number}", f"span {k} is not a [start, end] pair inside the text: {span!r}"
            )
        found.append((span[0], span[1]))
    return found


def geocode_jsonl(
    lines: Iterable[str], gazetteer: Gazetteer, on_error: Callable[[str], None]
) -> Iterator[dict]:
    """Coordinates for given place spans; a span that cannot be resolved has lat/lon null.

    All spans of one document are resolved together (see ``Gazetteer.geocode``); each answer
    carries ``precision`` (exact, city, region, country, or context when inferred).
    """
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        doc: dict[str, Any] = {}
        try:
            doc = _parse(number, line)
            doc_id = _doc_id(doc)
            if doc_id is None:
                raise ItemError(f"line {number}", 'missing "id" (a string or number)')
            text = doc.get("text")
            if not isinstance(text, str):
                raise ItemError(f"line {number}", f'document {doc_id}: missing "text" (a string)')
            spans = _spans(number, doc, text)
        except ItemError as exc:
            on_error(str(exc))
            yield {"id": _doc_id(doc), "error": exc.reason}
            continue
        found = _resolve_spans(text, spans, gazetteer)
        places = [_geocoded(text, span, place) for span, place in zip(spans, found)]
        yield {"id": doc_id, "places": places}


def _resolve_spans(
    text: str, spans: list[tuple[int, int]], gazetteer: Gazetteer
) -> list[Place | None]:
    """All of a document's toponyms at once, so they can steer each other."""
    return gazetteer.geocode([text[s:e] for s, e in spans], text=text)


def _geocoded(text: str, span: tuple[int, int], place: Place | None) -> dict[str, Any]:
    start, end = span
    item: dict[str, Any] = {
        "start": start,
        "end": end,
        "name": text[start:end],
        "lat": None,
        "lon": None,
        "country": None,
    }
    if place is not None and place.lat is not None and place.lon is not None:
        item.update(name=place.name, lat=place.lat, lon=place.lon, country=place.country or None)
        if place.geonames_id is not None:
            item["geonames_id"] = place.geonames_id
        item["precision"] = place.precision or None
    return item
