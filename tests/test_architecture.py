"""Imports flow one way: schema and calendar -> workspace -> ingest -> analyses -> api -> views."""

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
    "workspace": 1,
    "ingest": 2,
    "summary": 3,
    "metrics": 3,
    "process": 3,
    "api": 4,
    "cli": 5,
    "web": 5,
    "improve": 3,
}


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
            if isinstance(node, ast.ImportFrom) and node.module:
                target = layer(node.module)
                if target is not None and target > own:
                    wrong.append(f"{relative} imports {node.module}")
    assert not wrong, wrong


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
