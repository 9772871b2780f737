"""Matching names and URLs to the outlet registry."""

from pathlib import Path

import pytest
import yaml

from dragoman.collect.outlets import OutletResolver, name_key, slugify, telegram_handle
from dragoman.records import Outlet

DATA = Path(__file__).parent.parent / "data" / "collect"


@pytest.fixture(scope="module")
def resolver() -> OutletResolver:
    rows = yaml.safe_load((DATA / "outlets.yaml").read_text(encoding="utf-8"))
    return OutletResolver({row["id"]: Outlet.from_dict(row) for row in rows})


@pytest.mark.parametrize(
    ("name", "url", "expected"),
    [
        ("tasnim", None, "tasnim"),
        ("al-mayadeen", None, "al-mayadeen"),
        (None, "https://www.aa.com.tr/en/middle-east/soleimani/1543000", "anadolu"),
        (None, "https://en.mehrnews.com/news/148900", "mehr"),
        (None, "http://AA.COM.TR", "anadolu"),
        (None, "https://t.me/fatemiyoun_brigade/41", "fatimiyoun-telegram"),
        (None, "https://t.me/s/Fatemiyoun_Brigade", "fatimiyoun-telegram"),
        ("Tasnim News Agency", None, "tasnim"),
        ("TASNIM NEWS AGENCY.", None, "tasnim"),
        ("The Turkish Anadolu Agency", None, "anadolu"),
        ("Turkish Anadolu Agency", None, "anadolu"),
        ("Anadolu", None, "anadolu"),
        ("Islamic Republic News Agency (IRNA)", None, "irna"),
        ("Al Mayadeen", None, "al-mayadeen"),
        ("Al-Watan (Syria)", None, "al-watan"),
        ("Deir Ezzor 24", None, "deirezzor24"),
        ("Deir-Ezzor24", None, "deirezzor24"),
        ("Fatemiyoun Brigade", None, "fatimiyoun-telegram"),
        ("Palestine Today", None, "filasteen-alyoum"),
        ("farsnews.ir", None, "fars"),
    ],
)
def test_known_outlets(
    resolver: OutletResolver, name: str | None, url: str | None, expected: str
) -> None:
    assert resolver.match(name=name, url=url) == expected


def test_url_domain_wins_over_a_name(resolver: OutletResolver) -> None:
    assert resolver.match(name="Some reposting blog", url="https://sana.sy/en/?p=1") == "sana"


def test_exact_id_wins_over_url(resolver: OutletResolver) -> None:
    assert resolver.match(name="mehr", url="https://sana.sy/en/?p=1") == "mehr"


def test_lookalike_domains_do_not_match(resolver: OutletResolver) -> None:
    assert resolver.match(url="https://notsana.sy/x") == "notsana-sy"
    assert resolver.match(url="https://sana.sy.evil.example/x") == "sana-sy-evil-example"


@pytest.mark.parametrize(
    ("name", "url", "expected"),
    [
        ("Syria Direct", None, "syria-direct"),
        ("Enab Baladi!", "https://www.enabbaladi.net/en/1", "enab-baladi"),
        (None, "https://www.syriahr.com/en/1", "syriahr-com"),
        (None, "https://t.me/Some_Channel/9", "some-channel-telegram"),
        ("Şam Haber", None, "sam-haber"),
        (None, None, "unknown"),
        ("!!!", None, "unknown"),
    ],
)
def test_unknown_sources_get_a_slug(
    resolver: OutletResolver, name: str | None, url: str | None, expected: str
) -> None:
    assert resolver.match(name=name, url=url) == expected


def test_registry_helpers(resolver: OutletResolver) -> None:
    assert resolver.telegram_handle("fatimiyoun-telegram") == "fatemiyoun_brigade"
    assert resolver.telegram_handle("tasnim") is None
    assert resolver.telegram_handle("nobody") is None
    outlet = resolver.outlet("irna")
    assert outlet is not None and outlet.name == "IRNA"


def test_small_helpers() -> None:
    assert slugify("Syria Direct") == "syria-direct"
    assert (
        name_key("The  Islamic Republic News Agency (IRNA)") == "islamic republic news agency irna"
    )
    assert name_key("The") == "the"
    assert telegram_handle("t.me/joinchat/abc") is None
    assert telegram_handle("https://example.com/x") is None
