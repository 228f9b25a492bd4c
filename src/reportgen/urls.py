"""Where generated pages end up: addresses that raw HTML, feeds and JSON-LD link to.

Engines rewrite `.md` links only in Markdown; everything else needs the final
address, which depends on the site's URL style (`use_directory_urls`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def page_address(path: str, directory_urls: bool = True) -> str:
    """A generated page's address below the site root: `reports/x.md` -> `reports/x/`."""
    stem = path.removesuffix(".md")
    if not directory_urls:
        return f"{stem}.html"
    return "" if stem == "index" else f"{stem.removesuffix('/index')}/"


def absolute(site_url: str | None, address: str) -> str:
    """Absolute when the site's address is known (feeds and cards need it), else from the root."""
    return (site_url.rstrip("/") + "/" if site_url else "/") + address


@dataclass(frozen=True)
class SiteInfo:
    """What pages need to know of the site itself: its name, address and URL style."""

    name: str = "Research briefs"
    url: str | None = None
    """The published address (`site_url`); feeds and JSON-LD need absolute links."""
    directory_urls: bool = True

    @classmethod
    def from_mkdocs_yml(cls, data: dict[str, Any]) -> SiteInfo:
        """The site as mkdocs.yml describes it (for engines that read the file themselves)."""
        return cls(
            str(data.get("site_name") or cls.name),
            str(data.get("site_url") or "") or None,
            bool(data.get("use_directory_urls", True)),
        )
