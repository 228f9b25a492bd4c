"""The Zensical engine: the same rendered pages, built by Zensical, which runs no plugins.

Zensical reads `mkdocs.yml` but not MkDocs plugins, so this adapter does the
plugin's work beforehand: it writes the rendered pages (JSON-LD in the page
body, where no template is needed), the stylesheet and script, and a copy of
the site's config with the navigation and assets filled in, then runs
`zensical build` into the staging folder. The site's own files are never
touched: everything happens in a scratch folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from reportgen.engines import EngineFailedError, workers_for
from reportgen.engines.search import index_site
from reportgen.options import OPTIONS
from reportgen.pipeline import Analysis
from reportgen.render import Rendered, render, write_pages
from reportgen.siteconfig import plugin_options, read_mkdocs_yml
from reportgen.urls import SiteInfo

THEME = Path(__file__).resolve().parent.parent / "theme"
ASSETS = (
    "assets/stylesheets/reportgen.css",
    "assets/javascripts/reportgen.js",
    "assets/javascripts/reportgen-search.js",  # acts only on the search page
)


def build(
    config_file: Path,
    analysis: Analysis,
    staging: Path,
    *,
    strict: bool,
    progress: bool | None,
    cache: Path | None = None,
) -> str | None:
    """Render, lay out a scratch project, and run `zensical build` into `staging`.

    Always a full build: Zensical has no dirty mode to drive (`cache` is ignored).
    """
    del progress  # Zensical reports its own progress
    data, _ = read_mkdocs_yml(config_file)
    root = config_file.resolve().parent
    # Zensical wants site_dir inside the project it builds: build beside the
    # staging folder (same file system), then move the result into it.
    work = Path(tempfile.mkdtemp(prefix=f"{staging.name}-zensical-", dir=staging.parent))
    try:
        docs = work / "docs"
        source_docs = root / str(data.get("docs_dir") or "docs")
        if source_docs.is_dir():
            shutil.copytree(source_docs, docs)
        docs.mkdir(exist_ok=True)
        chosen = {**{o.name: o.default for o in OPTIONS}, **(plugin_options(data) or {})}
        rendered = render(
            analysis.project,
            directory_urls=bool(data.get("use_directory_urls", True)),
            workers=workers_for(len(analysis.project.reports), int(chosen["workers"])),
            nav_limit=int(chosen["nav_reports_limit"]),
            site=replace(SiteInfo.from_mkdocs_yml(data), source_links=True),
            search=chosen["search"] == "pagefind",
        )
        write_pages(with_head_in_front_matter(rendered), docs)
        for asset in ASSETS:
            if not (docs / asset).exists():
                (docs / asset).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(THEME / asset, docs / asset)
        config = _config(data, rendered, docs, work / "site")
        config_path = work / "mkdocs.yml"
        config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        command = [sys.executable, "-m", "zensical", "build", "-f", str(config_path)]
        if strict:
            command.append("--strict")
        result = subprocess.run(
            command,
            cwd=work,
            capture_output=True,
            text=True,
            env={
                **os.environ,
                "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", str(rendered.epoch)),
            },
            check=False,
        )
        sys.stderr.write(result.stdout + result.stderr)
        if result.returncode != 0 or not (work / "site" / "index.html").is_file():
            raise EngineFailedError(
                f"zensical build exited with {result.returncode}: "
                + (result.stderr or result.stdout).strip()[-2000:]
            )
        if rendered.records:
            # Zensical writes its whole-site index even with its search off; nothing loads it.
            (work / "site" / "search.json").unlink(missing_ok=True)
            index_site(rendered.records, work / "site")
        staging.rmdir()
        os.replace(work / "site", staging)
        return "full build: Zensical has no incremental mode" if cache is not None else None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def with_head_in_front_matter(rendered: Rendered) -> dict[str, str]:
    """Report pages carrying their <head> additions as front matter for the theme override.

    Zensical runs no plugin that could edit the finished HTML; its template
    override (theme/zensical/main.html) prints the meta tags and JSON-LD into <head>.
    """
    pages = dict(rendered.pages)
    for path, head in rendered.head.items():
        data = {"reportgen_meta": [list(tag) for tag in head.meta], "reportgen_jsonld": head.jsonld}
        matter = yaml.safe_dump(data, allow_unicode=True, width=10**9)
        pages[path] = f"---\n{matter}---\n\n{pages[path]}"
    return pages


def _config(data: dict[str, Any], rendered: Rendered, docs: Path, site: Path) -> dict[str, Any]:
    """The site's settings with the plugin's work done: nav, assets, paths; no plugin.

    With reportgen's search page, Zensical's own search (on by default, and
    loading its whole index on every page) is switched off.
    """
    config = dict(data)
    plugins = data.get("plugins") or []
    if isinstance(plugins, list):
        config["plugins"] = [
            p
            for p in plugins
            if p != "reportgen" and not (isinstance(p, dict) and "reportgen" in p)
        ]
    elif isinstance(plugins, dict):
        config["plugins"] = {k: v for k, v in plugins.items() if k != "reportgen"}
    if rendered.records:
        kept = config["plugins"]
        if isinstance(kept, list):
            kept = [
                p for p in kept if p != "search" and not (isinstance(p, dict) and "search" in p)
            ]
            config["plugins"] = [*kept, {"search": {"enabled": False}}]
        else:
            config["plugins"] = {**kept, "search": {"enabled": False}}
    config["docs_dir"] = docs.name  # relative: Zensical resolves against the config file
    config["site_dir"] = site.name
    if "nav" not in config:
        config["nav"] = rendered.nav
    theme = dict(config.get("theme") or {}) if isinstance(config.get("theme"), dict) else {}
    if "custom_dir" not in theme:  # a site's own overrides win (and must escape titles)
        theme.setdefault(
            "name", config.get("theme") if isinstance(config.get("theme"), str) else "material"
        )
        theme["custom_dir"] = str(THEME / "zensical")
        config["theme"] = theme
    config["extra_css"] = [*list(config.get("extra_css") or []), ASSETS[0]]
    config["extra_javascript"] = [*list(config.get("extra_javascript") or []), *ASSETS[1:]]
    return config


def _is_reportgen(entry: Any) -> bool:
    return entry == "reportgen" or (isinstance(entry, dict) and "reportgen" in entry)
