"""Where generated pages end up: addresses that raw HTML, feeds and JSON-LD link to.

Engines rewrite `.md` links only in Markdown; everything else needs the final
address, which depends on the site's URL style (`use_directory_urls`).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any


def page_address(path: str, directory_urls: bool = True) -> str:
    """A generated page's address below the site root: `reports/x.md` -> `reports/x/`."""
    stem = path.removesuffix(".md")
    if not directory_urls:
        return f"{stem}.html"
    return "" if stem == "index" else f"{stem.removesuffix('/index')}/"


def html_link(target: str, source: str, site: SiteInfo) -> str:
    """A link from one generated page to another, written into raw HTML of `source`."""
    if site.source_links:
        here = posixpath.dirname(source) or "."
        return posixpath.relpath(target, here)
    here_address = page_address(source, site.directory_urls)
    here = here_address.rsplit("/", 1)[0] if "/" in here_address else ""
    depth = len([part for part in here.split("/") if part])
    return "../" * depth + page_address(target, site.directory_urls)


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
    source_links: bool = False
    """Links in raw HTML name the target's Markdown file (`reports/x.md`), for engines that
    resolve them like Markdown links (Zensical); else the final address (MkDocs)."""

    @classmethod
    def from_mkdocs_yml(cls, data: dict[str, Any]) -> SiteInfo:
        """The site as mkdocs.yml describes it (for engines that read the file themselves)."""
        return cls(
            str(data.get("site_name") or cls.name),
            str(data.get("site_url") or "") or None,
            bool(data.get("use_directory_urls", True)),
        )
