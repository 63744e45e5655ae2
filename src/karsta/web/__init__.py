"""The web app: pages with JSON twins over the Python API (see `karsta.web.app`)."""

from __future__ import annotations

from karsta.web.app import create_app
from karsta.web.config import WebConfig

__all__ = ["WebConfig", "create_app"]
