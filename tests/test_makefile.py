"""The task file: `make demo` installs the product, `make test` adds the development tools."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_ONLY = ("pytest", "pm4py", "pyspark", "ruff", "mypy", "polars", "pandas", "hypothesis")


def dry_run(target: str, venv: Path) -> str:
    """Return the commands `make -n target` would run with the virtualenv at `venv`."""
    done = subprocess.run(
        ["make", "-C", str(ROOT), "-n", target, f"VENV={venv}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_the_product_needs_none_of_the_development_tools() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    product = " ".join(project["dependencies"]).lower()
    assert not [name for name in DEV_ONLY if name in product]
    dev = " ".join(project["optional-dependencies"]["dev"]).lower()
    assert all(name in dev for name in ("pytest", "pm4py", "pyspark", "ruff", "mypy"))


def test_demo_on_a_fresh_machine_installs_only_the_product(tmp_path: Path) -> None:
    commands = dry_run("demo", tmp_path / "venv")
    installs = [line for line in commands.splitlines() if "pip install" in line]
    assert any(line.rstrip().endswith("-e .") for line in installs), installs
    assert not any("[dev]" in line for line in installs), installs
    assert "karsta import" in commands


def test_test_after_demo_installs_the_rest_and_nothing_again(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    stamp = venv / "bin" / ".installed"
    stamp.touch()  # as `make demo` leaves it, newer than pyproject.toml
    commands = dry_run("test", venv)
    installs = [line for line in commands.splitlines() if "pip install" in line]
    assert installs == [f"{venv}/bin/python -m pip install --quiet -e '.[dev]'"]
    assert "-m venv" not in commands
    assert "pytest" in commands


def test_demo_explains_graphviz_when_a_picture_is_asked_for(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / ".installed").touch()
    done = subprocess.run(
        ["make", "-C", str(ROOT), "-n", "demo", f"VENV={venv}", "MAP=map.svg"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "command -v dot" in done.stdout
    assert "needs Graphviz's dot program" in done.stdout
    assert "sudo apt-get install graphviz" in done.stdout
    assert "--out map.svg" in done.stdout
    assert "bin/karsta --help" in done.stdout  # how to run karsta after the demo
