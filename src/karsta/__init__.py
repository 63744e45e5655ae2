"""Karsta: the waste in customer service processes, found and measured from their own data."""

from pathlib import Path

from karsta.workspace import Workspace

__version__ = "0.1.0"


def open(path: str | Path, *, create: bool = True) -> Workspace:
    """Open the workspace at `path`, creating it unless `create` is False."""
    return Workspace.open(path, create=create)


__all__ = ["Workspace", "__version__", "open"]
