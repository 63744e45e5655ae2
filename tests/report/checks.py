"""Checks the report tests share: no external references, text as a reader sees it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

URL_ATTRIBUTES = {"src", "href", "action", "formaction", "poster", "data", "srcset", "xlink:href"}


class _References(HTMLParser):
    """Collect every URL an HTML document's elements point to, and its tag names."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value is not None:
                self.urls.append(value)


def external_references(html: str) -> list[str]:
    """Return what in `html` would make a mail client or browser fetch something.

    Attributes holding a URL other than an in-page anchor (#...) or data: URI, CSS
    url(...) other than those and @import, and the elements that load (script, link,
    iframe, object, embed, base).
    """
    parser = _References()
    parser.feed(html)
    found = [u for u in parser.urls if not u.startswith(("#", "data:"))]
    found += [
        u for u in re.findall(r"url\(\s*['\"]?([^)'\"]*)", html) if not u.startswith(("#", "data:"))
    ]
    found += re.findall(r"@import[^;]*", html)
    found += sorted(parser.tags & {"script", "link", "iframe", "object", "embed", "base", "img"})
    return found


def plain(text: str) -> str:
    """Return text with every run of white space (no-break spaces too) as one space.

    A line broken after a hyphen ('excluded-' / 'sarakkeessa') is joined again.
    """
    spaced = re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()
    return re.sub(r"(\w)- (\w)", r"\1-\2", spaced)
