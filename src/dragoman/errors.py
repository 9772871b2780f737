"""Error types, each with a message written for the person running dragoman."""

from __future__ import annotations


class DragomanError(Exception):
    """Base class for every error dragoman reports to its user."""


class ConfigError(DragomanError):
    """A desk, source registry or settings file is invalid.

    The message names the file and, where known, the line.
    """

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class ItemError(DragomanError):
    """One collected item (file, feed entry, post, page) could not be read; the rest goes on."""

    def __init__(self, item: str, reason: str) -> None:
        self.item = item
        self.reason = reason
        super().__init__(f"{item}: {reason}")


class FetchError(ItemError):
    """A network fetch failed (timeout, status, size cap)."""


class StoreError(DragomanError):
    """The workspace database is missing, locked or of an unknown version."""


class StageError(DragomanError):
    """A pipeline stage broke its contract (returned the wrong record type)."""

    def __init__(self, stage: str, expected: str, got: object) -> None:
        super().__init__(
            f"stage {stage!r} returned {type(got).__name__}, expected {expected}; "
            "this is a bug in that stage"
        )


class MissingDependency(DragomanError):
    """An optional dependency is not installed."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            f"{package} is not installed; install it with: pip install 'dragoman[{extra}]'"
        )
