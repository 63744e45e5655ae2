"""The vendored JavaScript: served from the package, versioned, licensed, no CDN."""

from __future__ import annotations

import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "src" / "karsta" / "web"
TEMPLATES = [*WEB.glob("templates/*.html"), *WEB.glob("views/templates/*/*.html")]


def test_every_static_file_a_page_names_is_in_the_package() -> None:
    named = {
        name for t in TEMPLATES for name in re.findall(r'"/static/([^"]+)"', t.read_text("utf-8"))
    }
    assert "vendor/htmx-2.0.11.min.js" in named
    missing = [name for name in named if not (WEB / "static" / name).is_file()]
    assert not missing, missing


def test_vendored_files_carry_their_version_and_licence() -> None:
    vendored = sorted(p.name for p in (WEB / "static" / "vendor").glob("*.js"))
    assert all(re.fullmatch(r"[a-z-]+-\d+\.\d+\.\d+\.min\.js", name) for name in vendored), vendored
    notice = (WEB / "static" / "vendor" / "NOTICE").read_text("utf-8")
    assert all(name in notice for name in vendored)


def test_no_page_loads_anything_from_another_site() -> None:
    for template in TEMPLATES:
        text = template.read_text("utf-8")
        assert not re.search(r'(src|href)="(https?:)?//', text), template.name


def test_the_web_files_are_package_data() -> None:
    pyproject = (WEB.parents[2] / "pyproject.toml").read_text("utf-8")
    for pattern in (
        '"web/static/vendor/*"',
        '"web/templates/*.html"',
        '"web/views/templates/*/*.html"',
    ):
        assert pattern in pyproject
