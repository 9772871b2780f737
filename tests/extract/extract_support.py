"""Helpers of the extraction tests: a small desk, outlets and articles."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from dragoman.records import Actor, Article, Desk, Outlet, Role

DATA = Path(__file__).resolve().parents[1] / "data" / "extract"


def make_outlets() -> dict[str, Outlet]:
    rows = [
        ("deirezzor24", "DeirEzzor24", ("Deir Ezzor 24", "DeirEzzor 24"), "SY"),
        ("anadolu", "the Turkish Anadolu Agency", ("Anadolu Agency", "Anadolu", "AA"), "TR"),
        ("tasnim", "Tasnim", ("Tasnim News Agency",), "IR"),
        ("mehr", "Mehr", ("Mehr News Agency", "MNA"), "IR"),
        ("fars", "Fars", ("Fars News Agency", "FNA"), "IR"),
        (
            "irna",
            "IRNA",
            ("the Islamic Republic News Agency (IRNA)", "Islamic Republic News Agency"),
            "IR",
        ),
        ("channel12", "Israeli Channel 12", ("Channel 12", "N12", "Keshet 12"), "IL"),
        (
            "filasteen-alyoum",
            "the newspaper Filasteen Al-Youm",
            ("Filasteen Al-Youm", "Palestine Today"),
            "PS",
        ),
        ("al-watan", "Al-Watan (Syria)", ("Al-Watan",), "SY"),
    ]
    return {i: Outlet(id=i, name=n, citation_names=c, country=k) for i, n, c, k in rows}


def make_desk(verbs: dict[str, tuple[str, ...]] | None = None) -> Desk:
    actors = (
        Actor(
            id="qasem-soleimani",
            name="Qasem Soleimani",
            type="PERSON",
            aliases=("Haj Qassem",),
            country="IR",
            sector="MIL",
            roles=(Role(title="Commander", organization="IRGC Qods Force"),),
        ),
        Actor(
            id="irgc",
            name="Islamic Revolutionary Guard Corps",
            type="ORG",
            aliases=("IRGC",),
            country="IR",
        ),
        Actor(
            id="harakat-al-nujaba",
            name="Harakat al-Nujaba",
            type="ORG",
            aliases=("al-Nujaba",),
            country="IQ",
        ),
        Actor(id="albu-kamal", name="Albu Kamal", type="LOC", country="SY"),
        Actor(
            id="al-qaim-crossing",
            name="al-Qaim crossing",
            type="LOC",
            country="IQ",
            lat=34.38,
            lon=41.0,
        ),
    )
    return Desk(
        id="test",
        title="Test desk",
        actors=actors,
        verbs=verbs if verbs is not None else {},
        country_terms={
            "IR": ("Iran", "Iranian"),
            "SY": ("Syria", "Syrian"),
            "IQ": ("Iraq", "Iraqi"),
        },
    )


def article(
    text: str,
    published: datetime | None = datetime(2019, 8, 6, 9, 0, tzinfo=UTC),
    outlet_id: str = "tasnim",
    article_id: str = "a1",
) -> Article:
    return Article(
        id=article_id, outlet_id=outlet_id, url="", published=published, title="", text=text
    )
