"""Template globals: each name is registered by one module, so no page family hides another's."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import karsta.web

WEB = Path(karsta.web.__file__).parent


def _registered(tree: ast.AST) -> list[str]:
    """Return the names a module adds to `TEMPLATES.globals` (by `update(...)` or `[...] =`)."""
    names = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "update"
            and ast.unparse(node.func.value).endswith("globals")
        ):
            names += [k.arg for k in node.keywords if k.arg]
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and ast.unparse(target.value).endswith(
                    "globals"
                ):
                    names.append(ast.literal_eval(target.slice))
    return names


def test_no_template_global_is_registered_twice() -> None:
    owners: dict[str, list[str]] = defaultdict(list)
    for path in sorted(WEB.rglob("*.py")):
        for name in _registered(ast.parse(path.read_text(encoding="utf-8"))):
            owners[name].append(path.relative_to(WEB).as_posix())
    assert owners["_"] == ["rendering.py"]  # the walk finds the registrations
    assert {n: o for n, o in owners.items() if len(o) > 1} == {}


def test_the_check_finds_a_second_registration() -> None:
    source = "T.globals.update(a=1, b=2)\nT.globals['a'] = 3\n"
    assert sorted(_registered(ast.parse(source))) == ["a", "a", "b"]
