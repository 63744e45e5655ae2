"""Karsta: the waste in customer service processes, found and measured from their own data."""

from karsta.api import Workspace, open

__version__ = "0.1.0"

__all__ = ["Workspace", "__version__", "open"]
