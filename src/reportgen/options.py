"""The one table of `reportgen` plugin options: the CLI, the MkDocs plugin and the README read it.

A wrong value (`max_content_bytes: lots`, `content_dir: [x]`) is the user's
configuration, not a bug: it becomes a `config` diagnostic at its line of
mkdocs.yml, before anything is read or written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.diagnostics import error
from reportgen.model import Diagnostic, Position
from reportgen.settings import DEFAULT_MAX_BIB_BYTES, DEFAULT_MAX_CONTENT_BYTES, Settings


@dataclass(frozen=True)
class Option:
    name: str
    kind: type
    default: Any
    help: str


OPTIONS = (
    Option(
        "content_dir", str, "content", "folder of report files (`*.yaml`), relative to mkdocs.yml"
    ),
    Option("bibliography", str, "references.bib", "the shared BibTeX/biblatex file"),
    Option(
        "max_content_bytes",
        int,
        DEFAULT_MAX_CONTENT_BYTES,
        "largest content file read; larger ones are `file-too-large`",
    ),
    Option(
        "max_bib_bytes",
        int,
        DEFAULT_MAX_BIB_BYTES,
        "largest bibliography read; larger is `file-too-large`",
    ),
    Option(
        "max_quote_words",
        int,
        75,
        "longest supporting quote (`quotes:` on a claim), in words; longer is `quote-too-long`",
    ),
    Option(
        "engine",
        str,
        "mkdocs",
        "`mkdocs` (the plugin) or `zensical` (rendered pages, no plugin); `--engine` overrides it",
    ),
    Option(
        "search",
        str,
        "pagefind",
        "`pagefind`: a search page whose index the browser fetches per query (the theme's"
        " search is left out); `theme`: the theme's own search, which loads its whole index",
    ),
    Option(
        "workers",
        int,
        0,
        "processes that render a build of 200 or more reports: `0` uses every core the"
        " process may use, a number caps them",
    ),
    Option(
        "nav_reports_limit",
        int,
        50,
        "up to this many reports, each is listed in the navigation; beyond, only year pages",
    ),
)
BY_NAME = {option.name: option for option in OPTIONS}
ENGINES = ("mkdocs", "zensical")
CHOICES = {"engine": ENGINES, "search": ("pagefind", "theme")}


def option_line(config_text: str, name: str) -> int:
    """The mkdocs.yml line that sets `name` (1 when it cannot be found)."""
    found = re.search(rf"^\s*-?\s*{re.escape(name)}\s*:", config_text, re.MULTILINE)
    return config_text.count("\n", 0, found.start()) + 1 if found else 1


def validate(
    options: dict[str, Any], shown: str, config_text: str
) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Options with defaults filled in, and a diagnostic for each wrong name or value."""
    values = {option.name: option.default for option in OPTIONS}
    problems: list[Diagnostic] = []
    for name, value in options.items():
        position = Position(shown, option_line(config_text, str(name)))
        option = BY_NAME.get(str(name))
        if option is None:
            problems.append(
                error(
                    "config",
                    f"unknown reportgen option '{name}'",
                    position,
                    "options: " + ", ".join(BY_NAME),
                )
            )
        elif not isinstance(value, option.kind) or isinstance(value, bool):
            kind = "a whole number" if option.kind is int else "a text"
            problems.append(
                error(
                    "config",
                    f"reportgen option '{name}' must be {kind}, not {value!r}",
                    position,
                    f"for example `{name}: {option.default}`",
                )
            )
        elif option.name in CHOICES and value not in CHOICES[option.name]:
            allowed = ", ".join(CHOICES[option.name])
            problems.append(
                error(
                    "config",
                    f"reportgen option '{name}' must be one of {allowed}, not {value!r}",
                    position,
                )
            )
        elif isinstance(value, int) and value < 0:
            problems.append(
                error("config", f"reportgen option '{name}' must not be negative", position)
            )
        else:
            values[option.name] = value
    return values, problems


def settings_from_values(root: Path, values: dict[str, Any]) -> Settings:
    return Settings(
        root=root,
        content_dir=values["content_dir"],
        bibliography=values["bibliography"],
        max_content_bytes=values["max_content_bytes"],
        max_bib_bytes=values["max_bib_bytes"],
        max_quote_words=values["max_quote_words"],
    )


def markdown_table() -> str:
    """The README's options table, generated so it cannot drift from the code."""
    rows = ["| option | default | what it does |", "| --- | --- | --- |"]
    for option in OPTIONS:
        default = f"{option.default:_}" if option.kind is int else option.default
        rows.append(f"| `{option.name}` | `{default}` | {option.help} |")
    return "\n".join(rows) + "\n"
