"""Polite HTTP fetching: timeouts, a size cap, conditional GET and a per-host delay."""

from __future__ import annotations

import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from email.message import Message
from typing import Any, Self
from urllib.parse import urlsplit

import httpx

from ..errors import FetchError
from .canonical import one_line

DEFAULT_USER_AGENT = "dragoman/0.1 (+OSINT digest)"


@dataclass(frozen=True)
class FetchResult:
    """A fetched body with what is needed to interpret it."""

    url: str  # the address asked for
    final_url: str  # where redirects ended
    status: int
    content: bytes
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type header declares, if any."""
        if not self.content_type:
            return None
        message = Message()
        message["content-type"] = self.content_type
        return message.get_param("charset")  # type: ignore[return-value]

    @property
    def text(self) -> str:
        """The body decoded with the declared charset, else UTF-8 (bad bytes replaced)."""
        try:
            return self.content.decode(self.charset or "utf-8", errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")


class Fetcher:
    """Fetch URLs one at a time, remembering validators in ``state`` for conditional GETs.

    ``state`` maps a URL to ``{"etag": ..., "last_modified": ...}``; pass a persistent
    mapping to keep it between runs. ``clock`` and ``sleep`` exist so tests need not wait.
    """

    def __init__(
        self,
        state: MutableMapping[str, dict[str, Any]] | None = None,
        timeout: float = 20.0,
        max_bytes: int = 5_000_000,
        delay: float = 1.0,
        user_agent: str = DEFAULT_USER_AGENT,
        transport: httpx.BaseTransport | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.state: MutableMapping[str, dict[str, Any]] = state if state is not None else {}
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.delay = delay
        self.user_agent = user_agent
        self._transport = transport
        self._clock = clock
        self._sleep = sleep
        self._last: dict[str, float] = {}
        self._client: httpx.Client | None = None

    @property
    def client(self) -> httpx.Client:
        """The shared client, created on first use."""
        if self._client is None:
            self._client = httpx.Client(
                transport=self._transport,
                timeout=httpx.Timeout(self.timeout),
                headers={"User-Agent": self.user_agent},
                follow_redirects=True,
                max_redirects=5,
            )
        return self._client

    def close(self) -> None:
        """Release the connection pool."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _wait_for(self, host: str) -> None:
        """Sleep only as long as needed to keep ``delay`` seconds between requests to a host."""
        last = self._last.get(host)
        if last is not None and self.delay > 0:
            waited = self._clock() - last
            if waited < self.delay:
                self._sleep(self.delay - waited)
        self._last[host] = self._clock()

    def _conditional_headers(self, url: str) -> dict[str, str]:
        known = self.state.get(url) or {}
        headers = {}
        if known.get("etag"):
            headers["If-None-Match"] = str(known["etag"])
        if known.get("last_modified"):
            headers["If-Modified-Since"] = str(known["last_modified"])
        return headers

    def get(self, url: str) -> FetchResult | None:
        """Fetch ``url``; None when the server answers 304 Not Modified.

        Raises FetchError naming the URL on a bad address, a network failure, a non-2xx
        status or a body larger than ``max_bytes``.
        """
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(url, "not an http(s) URL")
        self._wait_for(parts.hostname.lower())
        try:
            with self.client.stream("GET", url, headers=self._conditional_headers(url)) as response:
                if response.status_code == 304:
                    return None
                if not 200 <= response.status_code < 300:
                    phrase = response.reason_phrase or ""
                    raise FetchError(url, f"HTTP {response.status_code} {phrase}".strip())
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(url, f"response is larger than {self.max_bytes} bytes")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(url, f"response is larger than {self.max_bytes} bytes")
                    chunks.append(chunk)
                result = FetchResult(
                    url=url,
                    final_url=str(response.url),
                    status=response.status_code,
                    content=b"".join(chunks),
                    content_type=response.headers.get("content-type", ""),
                    headers=dict(response.headers),
                )
                self._remember(url, response.headers)
                return result
        except FetchError:
            raise
        except httpx.TimeoutException as exc:
            raise FetchError(url, f"timed out after {self.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise FetchError(url, f"request failed ({one_line(exc)})") from exc

    def _remember(self, url: str, headers: httpx.Headers) -> None:
        etag = headers.get("etag")
        modified = headers.get("last-modified")
        if etag or modified:
            # Assign a new dict so persistent mappings (shelve, the store) see the change.
            self.state[url] = {"etag": etag, "last_modified": modified}
