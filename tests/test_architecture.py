"""Imports flow one way: schema and calendar -> workspace -> ingest -> analyses -> api -> views.

The chart builders (`karsta.charts`) sit beside the API: every view uses them, and they
import no view.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "karsta"
LAYERS = {
    "schema": 0,
    "calendar": 0,
    "privacy": 0,
    "i18n": 0,
    "formatting": 0,
    "timespan": 0,
    "workspace": 1,
    "ingest": 2,
    "summary": 3,
    "metrics": 3,
    "feedback": 3,
    "process": 3,
    "api": 4,
    "charts": 4,
    "settings": 4,
    "cli": 5,
    "web": 5,
    "improve": 3,
    "visits": 3,
    "channels": 3,
    "signals": 3,
    "report": 5,
}


def imported(node: ast.AST) -> list[str]:
    """Return the modules an import statement names (`import a.b`, `from a.b import c`)."""
    if isinstance(node, ast.ImportFrom) and node.module and not node.level:
        return [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return []


def layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 and parts[0] == "karsta" else None


def test_imports_only_flow_downwards() -> None:
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        own = layer(".".join(relative.parts))
        if own is None:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for name in imported(node):
                target = layer(name)
                if target is not None and target > own:
                    wrong.append(f"{relative} imports {name}")
    assert not wrong, wrong


def test_every_module_has_a_layer() -> None:
    # A module outside LAYERS would escape the check above: give each its place.
    modules = {
        p.stem if p.is_file() else p.name
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()
    }
    assert modules - set(LAYERS) == set(), "add the new modules to LAYERS"


def test_only_the_workspace_and_ingest_know_duckdb() -> None:
    knows = {
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if "import duckdb" in p.read_text(encoding="utf-8")
    }
    assert all(k.startswith(("workspace/", "ingest/")) for k in knows), knows


def test_only_the_workspace_knows_spark() -> None:
    knows = {
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if "pyspark" in p.read_text(encoding="utf-8")
    }
    assert all(k.startswith("workspace/") for k in knows), knows


def test_analyses_never_ask_which_engine() -> None:
    asks = [
        str(p.relative_to(PACKAGE))
        for folder in ("metrics", "process")
        for p in (PACKAGE / folder).rglob("*.py")
        if re.search(r"engine\s*==|backend\.name|isinstance\([^)]*Backend", p.read_text("utf-8"))
    ]
    assert not asks, asks
