"""The analyst's workbench: a FastAPI app with a REST API over the workspace store."""

from .app import create_app

__all__ = ["create_app"]
