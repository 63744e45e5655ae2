"""Fixtures of the process tests: hand-written event logs and the real logs imported once."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

import karsta
from karsta.ingest import import_file, load_preset
from karsta.workspace import Workspace
from tests.process.logs import Event, load

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
SERVICENOW = DATA / "servicenow-incidents" / "incident_event_log.csv.gz"
HELPDESK = DATA / "helpdesk-italy" / "helpdesk_named_disco.csv"


@pytest.fixture
def log_workspace(workspace: Workspace) -> Callable[..., Workspace]:
    """Return a function that fills the test's workspace with events and returns it."""

    def fill(events: Sequence[Event], categories: dict[str, str] | None = None) -> Workspace:
        load(workspace, events, categories)
        return workspace

    return fill


def _imported(factory: pytest.TempPathFactory, path: Path, preset: str) -> Iterator[Workspace]:
    if not path.exists():
        pytest.skip("../shared/data is not beside the checkout")
    ws = karsta.open(factory.mktemp(preset) / "log.karsta")
    import_file(path, workspace=ws, mapping=load_preset(preset))
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def servicenow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """Return a workspace with the real ServiceNow incident log imported (once per run)."""
    yield from _imported(tmp_path_factory, SERVICENOW, "servicenow")


@pytest.fixture(scope="session")
def helpdesk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """Return a workspace with the real helpdesk event log imported (once per run)."""
    yield from _imported(tmp_path_factory, HELPDESK, "event-log")


@pytest.fixture(scope="session")
def hand_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """Return a workspace holding the hand-checked log of `tests.process.fixtures`."""
    from tests.process.fixtures import CATEGORIES, EVENTS

    ws = karsta.open(tmp_path_factory.mktemp("hand") / "hand.karsta")
    load(ws, EVENTS, CATEGORIES)
    yield ws
    ws.close()
