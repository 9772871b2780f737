"""The workspace store: the only part of dragoman that talks to a database."""

from .sqlite import Store

__all__ = ["Store"]
