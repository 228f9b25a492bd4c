"""`reportgen init`: a complete newsroom site in one command.

A newsroom installs reportgen; it never clones this repository. So every file
a working site needs (settings, an example report and source, CI workflows,
editor settings, the content schema) is written from files shipped inside the
package, and the example passes `reportgen check --strict` as written.
"""

from __future__ import annotations

import datetime
import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import jinja2

from reportgen import __version__

SCHEMA_PATH = "schema/report.schema.json"
"""Where a site keeps its copy of the content schema (editors read it from there)."""

# Target path in the new site -> file under templates/init/ (dotfiles are stored
# without the dot, which wheels and sdists would otherwise be tempted to drop).
FILES = {
    "mkdocs.yml": "mkdocs.yml.j2",
    "references.bib": "references.bib",
    "content/example.yaml": "content/example.yaml.j2",
    "requirements.txt": "requirements.txt.j2",
    "README.md": "README.md.j2",
    ".gitignore": "gitignore",
    ".pre-commit-config.yaml": "pre-commit-config.yaml.j2",
    ".github/workflows/pull-request.yml": "github/workflows/pull-request.yml",
    ".github/workflows/publish.yml": "github/workflows/publish.yml",
    ".github/workflows/links.yml": "github/workflows/links.yml",
    ".vscode/settings.json": "vscode/settings.json",
    "docs/.gitkeep": None,
}


class InitError(Exception):
    """The target folder cannot take a new site (the CLI reports it as a usage error)."""


@dataclass(frozen=True)
class Created:
    """What `init` wrote, for the summary it prints."""

    root: Path
    files: tuple[str, ...]


def schema_text() -> str:
    """The content schema exactly as the installed reportgen validates with it."""
    return resources.files("reportgen").joinpath("report.schema.json").read_text("utf-8")


def _templates() -> Traversable:
    return resources.files("reportgen").joinpath("templates", "init")


def site_name_for(root: Path) -> str:
    """A readable default site name from the folder: 'city-desk' -> 'City desk briefs'."""
    words = re.sub(r"[-_.]+", " ", root.resolve().name).strip()
    return f"{words[:1].upper()}{words[1:]} briefs" if words else "Research briefs"


def init_site(
    root: Path,
    *,
    site_name: str | None = None,
    force: bool = False,
    today: str | None = None,
    site_url: str | None = None,
) -> Created:
    """Write a new site into `root`; refuses a non-empty folder unless `force`.

    Even with `force`, an existing file is never overwritten: the newsroom's
    own work always wins over a scaffold. `site_url` is where the site will be
    published (feeds and citations need it); without it, mkdocs.yml says to set it.
    """
    if site_url is not None and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", site_url):
        raise InitError(f"--url must be the site's http(s) address, not {site_url!r}")
    if site_url is not None and not site_url.endswith("/"):
        site_url += "/"
    if root.exists() and not root.is_dir():
        raise InitError(f"{root} exists and is not a folder")
    existing = sorted(p.name for p in root.iterdir()) if root.is_dir() else []
    if existing and not force:
        shown = ", ".join(existing[:5]) + (", ..." if len(existing) > 5 else "")
        raise InitError(
            f"{root} is not empty ({shown}); choose an empty folder, or pass --force"
            " to add the missing files (existing files are kept)"
        )
    clashes = [target for target in (*FILES, SCHEMA_PATH) if (root / target).exists()]
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    name = site_name or site_name_for(root)
    values = {
        "site_name": name,
        "site_name_yaml": json.dumps(name, ensure_ascii=False),
        "site_url_yaml": json.dumps(site_url) if site_url else None,
        "version": __version__,
        "today": today or datetime.date.today().isoformat(),
    }
    written: list[str] = []
    for target, source in [*FILES.items(), (SCHEMA_PATH, None)]:
        if target in clashes:
            continue
        if target == SCHEMA_PATH:
            text = schema_text()
        elif source is None:
            text = ""
        else:
            raw = _templates().joinpath(*source.split("/")).read_text("utf-8")
            text = env.from_string(raw).render(values) if source.endswith(".j2") else raw
        path = root / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(target)
    return Created(root, tuple(written))


def schema_modeline(content_file: Path, root: Path) -> str | None:
    """The `# yaml-language-server: $schema=...` line for a new content file, if a schema exists.

    Points at the site's own schema copy (written by `init`), relative to the
    content file, so it resolves in any checkout of the site.
    """
    for candidate in (root / SCHEMA_PATH, root / "src" / "reportgen" / "report.schema.json"):
        if candidate.is_file():
            relative = Path(_relpath(candidate, content_file.parent)).as_posix()
            return f"# yaml-language-server: $schema={relative}"
    return None


def _relpath(path: Path, start: Path) -> str:
    return os.path.relpath(path.resolve(), start.resolve())
