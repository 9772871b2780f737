"""The HTTP fetcher, against httpx.MockTransport only."""

import httpx
import pytest

from dragoman.collect.fetch import Fetcher, FetchResult
from dragoman.errors import FetchError, ItemError

URL = "https://feeds.example/rss"


class FakeTime:
    """A clock that only moves when told to, and records the sleeps asked of it."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def fetcher_for(handler, **kwargs) -> Fetcher:  # type: ignore[no-untyped-def]
    return Fetcher(transport=httpx.MockTransport(handler), **kwargs)


def test_plain_get() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            content="Tehran – news".encode("cp1252", "replace"),
            headers={"Content-Type": "text/html; charset=windows-1252"},
        )

    with fetcher_for(handler, user_agent="probe/1", delay=0) as fetcher:
        result = fetcher.get(URL)
    assert isinstance(result, FetchResult)
    assert result.status == 200 and result.final_url == URL
    assert result.charset == "windows-1252" and result.text == "Tehran – news"
    assert seen[0].headers["User-Agent"] == "probe/1"
    assert "If-None-Match" not in seen[0].headers


def test_etag_round_trip_and_304() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(
            200,
            content=b"<rss/>",
            headers={"ETag": '"v1"', "Last-Modified": "Sun, 04 Aug 2019 10:00:00 GMT"},
        )

    state: dict[str, dict] = {}
    fetcher = fetcher_for(handler, state=state, delay=0)
    first = fetcher.get(URL)
    assert first is not None and first.content == b"<rss/>"
    assert state[URL] == {"etag": '"v1"', "last_modified": "Sun, 04 Aug 2019 10:00:00 GMT"}
    # A new fetcher over the same state (a later run) asks conditionally and gets 304.
    assert fetcher_for(handler, state=state, delay=0).get(URL) is None
    assert seen[1].headers["If-None-Match"] == '"v1"'
    assert seen[1].headers["If-Modified-Since"] == "Sun, 04 Aug 2019 10:00:00 GMT"


def test_size_cap_from_header_and_from_stream() -> None:
    def declared(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * 200)

    def streamed(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=iter([b"a" * 60, b"b" * 60]))  # no Content-Length

    for handler in (declared, streamed):
        with pytest.raises(FetchError) as caught:
            fetcher_for(handler, max_bytes=100, delay=0).get(URL)
        assert str(caught.value) == f"{URL}: response is larger than 100 bytes"
    small = fetcher_for(streamed, max_bytes=120, delay=0).get(URL)
    assert small is not None and len(small.content) == 120


@pytest.mark.parametrize(
    ("status", "reason"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error")]
)
def test_non_2xx_is_an_error(status: int, reason: str) -> None:
    state: dict[str, dict] = {}
    fetcher = fetcher_for(
        lambda r: httpx.Response(status, headers={"ETag": "x"}), state=state, delay=0
    )
    with pytest.raises(FetchError) as caught:
        fetcher.get(URL)
    assert str(caught.value) == f"{URL}: {reason}"
    assert isinstance(caught.value, ItemError)
    assert state == {}  # validators of an error page are not remembered


def test_network_failures_become_fetch_errors() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(FetchError, match=r"^https://feeds.example/rss: timed out after 3 s$"):
        fetcher_for(timeout, timeout=3.0, delay=0).get(URL)
    with pytest.raises(FetchError, match=r"request failed \(connection refused\)$"):
        fetcher_for(refused, delay=0).get(URL)
    with pytest.raises(FetchError, match=r"^file:///etc/passwd: not an http\(s\) URL$"):
        fetcher_for(refused, delay=0).get("file:///etc/passwd")


def test_polite_delay_per_host() -> None:
    fake = FakeTime()
    fetcher = fetcher_for(
        lambda r: httpx.Response(200, content=b"ok"), delay=2.0, clock=fake.clock, sleep=fake.sleep
    )
    fetcher.get("https://a.example/1")  # first visit: no wait
    fetcher.get("https://b.example/1")  # another host: no wait
    fake.now += 0.5
    fetcher.get("https://a.example/2")  # 0.5 s after the last request to a.example
    fake.now += 5.0
    fetcher.get("https://a.example/3")  # long enough ago: no wait
    assert fake.sleeps == [1.5]
