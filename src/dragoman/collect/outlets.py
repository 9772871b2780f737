"""Recognise which outlet an item came from, by id, web domain, Telegram handle or name."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from urllib.parse import urlsplit

from ..records import Outlet
from .canonical import canonical_url

TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog"})
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_UNKNOWN = "unknown"


def slugify(text: str) -> str:
    """Make a lower-case ASCII id with hyphens: ``"Syria Direct"`` → ``"syria-direct"``."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return _NOT_ALNUM.sub("-", ascii_text.lower()).strip("-")


def name_key(name: str) -> str:
    """Reduce a name to the form names are compared in: no case, accents, punctuation or "the"."""
    ascii_text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    words = _NOT_ALNUM.sub(" ", ascii_text.lower()).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def _host_of(address: str) -> str:
    """Host of a URL or bare domain, lower-case and without ``www.``."""
    address = address.strip()
    if "://" not in address:
        address = "https://" + address.lstrip("/")
    return urlsplit(canonical_url(address)).hostname or ""


def telegram_handle(url: str) -> str | None:
    """Return the channel handle of a ``t.me`` URL (``t.me/s/<handle>`` too), else None."""
    address = url.strip()
    if "://" not in address:
        address = "https://" + address
    parts = urlsplit(address)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if host not in TELEGRAM_HOSTS:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[0] == "s":  # the public web preview, t.me/s/<handle>
        segments = segments[1:]
    if not segments or segments[0] in ("c", "joinchat", "+"):
        return None
    return segments[0].lstrip("@").lower()


class OutletResolver:
    """Match names and URLs to outlet ids of the registry; unknown sources get a new slug."""

    def __init__(self, outlets: Mapping[str, Outlet]) -> None:
        self.outlets = dict(outlets)
        self._domains: dict[str, str] = {}
        self._handles: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._compact: dict[str, str] = {}
        for outlet_id, outlet in self.outlets.items():
            for domain in outlet.domains:
                handle = telegram_handle(domain)
                if handle:
                    self._handles.setdefault(handle, outlet_id)
                    # A channel title often spells its handle out ("Fatemiyoun Brigade").
                    self._compact.setdefault(handle.replace("_", ""), outlet_id)
                elif host := _host_of(domain):
                    self._domains.setdefault(host, outlet_id)
            for name in (outlet.name, *outlet.citation_names, outlet_id):
                key = name_key(name)
                if key:
                    self._names.setdefault(key, outlet_id)
                    self._compact.setdefault(key.replace(" ", ""), outlet_id)

    def outlet(self, outlet_id: str) -> Outlet | None:
        """Return the registry entry of ``outlet_id``, or None for an unregistered source."""
        return self.outlets.get(outlet_id)

    def telegram_handle(self, outlet_id: str) -> str | None:
        """Return the Telegram handle the registry gives ``outlet_id``, if any."""
        outlet = self.outlets.get(outlet_id)
        for domain in outlet.domains if outlet else ():
            handle = telegram_handle(domain)
            if handle:
                return handle
        return None

    def by_url(self, url: str) -> str | None:
        """Return the registered outlet whose domain or Telegram handle ``url`` belongs to."""
        if not url or not url.strip():
            return None
        handle = telegram_handle(url)
        if handle is not None:
            return self._handles.get(handle)
        host = _host_of(url)
        while host:
            if host in self._domains:
                return self._domains[host]
            # Walk up so that en.mehrnews.com finds mehrnews.com.
            _, _, host = host.partition(".")
            if "." not in host:
                break
        return None

    def by_name(self, name: str) -> str | None:
        """Return the registered outlet called ``name`` (case, punctuation and "the" ignored)."""
        key = name_key(name)
        if not key:
            return None
        return self._names.get(key) or self._compact.get(key.replace(" ", ""))

    def match(self, name: str | None = None, url: str | None = None) -> str:
        """Return an outlet id: exact id, then URL domain, then name, else a new slug."""
        name = (name or "").strip()
        if name in self.outlets:
            return name
        found = self.by_url(url or "")
        if found:
            return found
        if name:
            found = self.by_name(name)
            if found:
                return found
            if "." in name and " " not in name:
                found = self.by_url(name)  # a domain given where a name was expected
                if found:
                    return found
            return slugify(name) or _UNKNOWN
        return self._slug_for_url(url or "")

    def _slug_for_url(self, url: str) -> str:
        handle = telegram_handle(url) if url else None
        if handle:
            return f"{slugify(handle)}-telegram"
        host = _host_of(url) if url else ""
        return slugify(host) or _UNKNOWN
